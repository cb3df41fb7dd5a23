"""A sender under a resold "pseudo-TLD": a name bought for pennies under someone else's .com.

CentralNic sells names under second-level domains it owns as if they were top-level ones:
``offers4u.sa.com``, ``sarakzit.za.com``, ``mailer.ru.com``, ``shop.com.de``. The public
suffix list's ICANN section (the one ``domains.registrable_domain`` reads) does not list them,
so every such sender's registrable domain is the reseller's own ``sa.com``: one shared name
that no business writes from, whose subdomains anyone can buy without checks. Spam and
phishing runs use them because they look like ordinary ``.com`` names in a From line.

So an inbound first contact from a sender under :data:`PSEUDO_TLDS` is held, unless the
tenant writes to that domain. Measured on the corpus replay (December 2026): 53 phishing_pot
messages come from such names (six of them not held before: Black Friday kits on
``offers4u.sa.com``, "Ace Hardware" on ``sarakzit.za.com``), no ham of the 25,226 and no
synthetic message. Decisive (``combine.decisive``); not a model input (``layout.DETECTORS``).
A tenant that does business with a company on one of them sees it as a correspondent once it
writes there; the tenant's known domains are registrable names, so writing to any name under
``sa.com`` lifts the rule for all of ``sa.com``: coarse, and erring towards delivery.

Microsoft 365's built-in tenant domains are the same shape at no price at all: every tenant
gets ``<name>.onmicrosoft.com`` at sign-up, before (and without) a domain of its own, its
name whatever the sign-up form took ("n9hri5rq3r9s", "9980080836134"), its mail signed by
Microsoft. An organisation that means to be known writes from its own domain; a trial
tenant opened for one run writes from the built-in one (Microsoft now caps what these
domains may send outside for that reason). In the corpus replay 40 phishing_pot messages
come from one (airdrops, storage-full notices, prize surveys), 4 of them not held before, and
no ham of the 25,226 (December 2026).
"""

from __future__ import annotations

from typing import ClassVar, Final

from detectors.base import Context, InboundRule, content_attack, hit
from schemas.records import Hit

PSEUDO_TLDS: Final = frozenset({"sa.com", "za.com", "ru.com", "com.de", "onmicrosoft.com"})
"""Resold second-level names that senders in the corpora used, all of them for attacks, and
Microsoft 365's built-in tenant domain. The registrable domain is the parent's name itself
(see the module doc)."""


class PseudoTld(InboundRule):
    """A first contact from a name bought under a reseller's second-level domain."""

    name: ClassVar[str] = "pseudo_tld"

    def detect(self, ctx: Context) -> list[Hit]:
        domain = ctx.facts.sender_domain
        if domain not in PSEUDO_TLDS or not ctx.inbound or not ctx.first_contact or \
                domain in ctx.state.tenant.known_domains:
            return []
        return [hit(self.name, self.score, content_attack(ctx), sender_domain=domain,
                    sender_host=ctx.record.sender.domain.lower()[-80:],
                    reason="a sender under a shared parent domain, its name had without checks")]

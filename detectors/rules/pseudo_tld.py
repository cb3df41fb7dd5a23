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
"""

from __future__ import annotations

from typing import ClassVar, Final

from detectors.base import Context, InboundRule, content_attack, hit
from schemas.records import Hit

PSEUDO_TLDS: Final = frozenset({"sa.com", "za.com", "ru.com", "com.de"})
"""Resold second-level names that senders in the corpora used, all of them for attacks. The
registrable domain is the reseller's name itself (see the module doc)."""


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
                    reason="a sender under a resold pseudo-TLD, bought without checks")]

"""Authentication: the gateway's SPF, DKIM and DMARC failures, and From headers none could pass.

mailhawk does no DNS of its own: it trusts the results the gateway put in the record. A
DMARC failure for a message claiming one of the tenant's own domains is direct spoofing; other
failures are context that strengthens whatever else the message shows. A From that names no
address, or a domain no DNS name can be, leaves DMARC nothing to align on: that alone holds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, ScoredConfig, build_config, content_attack, hit
from detectors.memo import memoised
from schemas.records import Hit
from state import MAX_PROFILED_ADDRESS

AUTH_FAILURES = frozenset({"fail", "softfail", "permerror"})


@dataclass(frozen=True, slots=True)
class AuthConfig(DetectorConfig):
    """Scores of authentication failures."""

    own_domain_spoof: float = 0.95
    dmarc_fail: float = 0.45
    spf_and_dkim_fail: float = 0.35
    single_fail: float = 0.12
    known_sender_regression: float = 0.5


class AuthFailure:
    """SPF/DKIM/DMARC did not pass."""

    name: ClassVar[str] = "auth_failure"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound", "internal"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: AuthConfig = build_config(AuthConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        if ctx.record.direction == "outbound":
            return []
        a = ctx.record.auth
        if a.spf not in AUTH_FAILURES and a.dkim not in AUTH_FAILURES and \
                a.dmarc not in AUTH_FAILURES:
            return []  # most mail: three set look-ups, no list built
        failed = [n for n, v in (("spf", a.spf), ("dkim", a.dkim), ("dmarc", a.dmarc))
                  if v in AUTH_FAILURES]
        c = self.config
        # A forged own-domain From makes the gateway call the message "internal": our own
        # server's DMARC failure is what gives it away, so internal mail is judged too.
        if "dmarc" in failed and ctx.facts.sender_domain in ctx.state.tenant.own_domains:
            return [hit(self.name, c.own_domain_spoof * c.weight, "bec", failed=failed,
                        own_domain=True)]
        if not ctx.inbound:
            return []
        sender = ctx.state.sender
        if sender is not None and sender.auth.get("dmarc_pass", 0) > 0 and "dmarc" in failed:
            score = c.known_sender_regression
        elif "dmarc" in failed:
            score = c.dmarc_fail
        elif len(failed) >= 2:
            score = c.spf_and_dkim_fail
        else:
            score = c.single_fail
        return [hit(self.name, score * c.weight, "any", failed=failed)]


@dataclass(frozen=True, slots=True)
class MalformedFromConfig(ScoredConfig):
    """Score of inbound mail whose From header names no address a domain can vouch for."""

    score: float = 0.9


# A host label: letters, digits, hyphens (and underscores, which some senders' tools put in
# subdomains), and for an internationalised one any non-ASCII character besides; a domain
# literal ("[192.0.2.1]") is an address, judged elsewhere.
_LABEL = re.compile(r"[a-z0-9_\u0080-\U0010ffff-]+")


def from_problem(address: str, mailboxes: int = 1) -> str:
    """What is wrong with a From for authentication, or ``""`` if nothing is.

    ``address`` is the record's sender address, ``mailboxes`` its ``from_mailboxes``.
    ``"no_address"``: the header held a display name alone, or the address in a comment.
    ``"malformed_domain"``: a domain no DNS name can be, so DMARC cannot align on it: an
    empty label (a trailing dot, "service@stayfriends.de."; two dots), a character no host
    name holds ("%atendimento.com"), or a Unicode label that is not stable under NFKC
    ("𝗲𝗯𝗮𝘆.𝗱e", mathematical bold letters that read as ebay.de; IDNA 2008 disallows every
    such character). The local part is not judged: it is the receiving domain's business.
    ``"several_mailboxes"``: the From named more than one (a kit's "Promo, <a@x.example>",
    or several From fields): RFC 5322 allows several authors only with a Sender field, DMARC
    cannot evaluate them, and Gmail refuses such mail; an unquoted comma in a display name
    ("Doe, John <john@x.example>") reads so too, and is as non-compliant.
    ``"too_long"``: longer than SMTP allows any address (254 characters, RFC 5321): no
    mailbox has it, and the state profiles such a sender in a bounded form only
    (``state.profiled_address``).
    """
    if not address:
        return "no_address"
    if len(address) > MAX_PROFILED_ADDRESS:
        return "too_long"
    if _malformed_domain(address.rpartition("@")[2]):
        return "malformed_domain"
    return "several_mailboxes" if mailboxes > 1 else ""


@memoised(65536)
def _malformed_domain(domain: str) -> bool:
    """Whether no DNS name can be ``domain`` (see :func:`from_problem`); memoised per domain."""
    if domain.startswith("[") and domain.endswith("]"):
        return False
    for label in domain.split("."):
        if not _LABEL.fullmatch(label):  # an empty label fails too
            return True
        if not label.isascii() and (unicodedata.normalize("NFKC", label) != label
                                    or not label.isprintable()):
            return True
    return False


class MalformedFrom:
    """The From header names no address a domain could vouch for.

    RFC 5322 requires the From header to hold one mailbox (several only with a Sender field),
    and DMARC aligns on that mailbox's domain, so mail whose From holds a display name alone
    ("Now_loseweight"), hides the address in a comment ("Promo,(<news@brand.example>)"),
    names a domain no DNS name can be or several mailboxes (see :func:`from_problem`) cannot
    be authenticated, and Gmail refuses such mail at SMTP time as not RFC 5322 compliant.
    Kits write it so that nothing keys on the sender or aligns it with a brand's policy,
    while mail clients still show a name. Inbound only: a tenant's own unqualified system
    mail ("root") is its own business. Not a model input (``detectors.layout.DETECTORS``):
    it acts through ``combine.decisive``. A sender the tenant allows (``mailhawk policy
    allow``) passes when the gateway authenticated it (``detectors.policy.refusal``): the
    way out for a partner whose tool writes an unquoted comma into its display name.
    """

    name: ClassVar[str] = "malformed_from"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: MalformedFromConfig = build_config(MalformedFromConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound:
            return []
        problem = from_problem(ctx.record.sender.address, ctx.record.from_mailboxes)
        if not problem:
            return []
        c = self.config
        return [hit(self.name, c.score * c.weight, content_attack(ctx), problem=problem,
                    display_name_only=problem == "no_address" and bool(ctx.record.sender.name))]

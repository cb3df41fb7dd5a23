"""Authentication failures reported by the gateway (SPF, DKIM, DMARC).

mailhawk does no DNS of its own: it trusts the results the gateway put in the record. A
DMARC failure for a message claiming one of the tenant's own domains is direct spoofing; other
failures are context that strengthens whatever else the message shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from schemas.records import Hit

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
class FromAddressConfig(DetectorConfig):
    """Score of inbound mail whose From header holds no address."""

    missing: float = 0.9


class FromWithoutAddress:
    """The From header names nobody mail can be authenticated for: no ``local@domain``.

    RFC 5322 requires the From header to hold a mailbox, and DMARC aligns on that mailbox's
    domain, so a From of a display name alone ("Now_loseweight"), or with the address hidden
    in a comment ("Promo,(<news@brand.example>)"), cannot be authenticated at all, and Gmail
    refuses such mail at SMTP time as not RFC 5322 compliant.
    Kits write it that way so that nothing keys on the sender, and mail clients still show
    the name. The record then carries an empty sender address (``schemas.mime`` keeps the
    name alone). Inbound only: a tenant's own unqualified system mail ("root") is its own
    business. Not a model input (``detectors.layout.DETECTORS``): it acts through
    ``combine.decisive``.
    """

    name: ClassVar[str] = "from_without_address"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: FromAddressConfig = build_config(FromAddressConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        if ctx.record.sender.address or not ctx.inbound:
            return []
        content, c = ctx.content, self.config
        if content.cues.credential or content.urls.score >= 0.3:
            attack = "credential_phishing"
        elif content.attachments.score >= 0.5:
            attack = "malware"
        elif content.cues.scam:
            attack = "scam"
        else:
            attack = "spam"
        return [hit(self.name, c.missing * c.weight, attack,
                    display_name_only=bool(ctx.record.sender.name))]

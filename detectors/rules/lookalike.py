"""Lookalike sender domains.

Lookalike sender domains: a domain one keystroke, homoglyph, punycode label or TLD away
from the tenant's own domains or from a domain the tenant corresponds with.

Only domains the tenant does not already trust are compared (a known correspondent is not a
lookalike of anything), and only while the domain is young at this tenant, so the cost is
paid by the rare new domain, not by every message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, PerTenantProfile, build_config, hit
from detectors.domains import lookalike, preload
from schemas.records import Hit


@dataclass(frozen=True, slots=True)
class LookalikeConfig(DetectorConfig):
    """Scores per technique and how long a domain counts as young."""

    own_domain: float = 0.95
    known_domain: float = 0.85
    young_domain_messages: float = 20.0
    with_request: float = 0.97


def trusted_domains() -> PerTenantProfile[frozenset[str]]:
    """A tenant's own and known domains as one frozenset, built once per profile value."""
    return PerTenantProfile(lambda t: frozenset(t.own_domains) | frozenset(t.known_domains))


class LookalikeDomain:
    """The sender's (or reply-to) domain imitates a trusted domain."""

    name: ClassVar[str] = "lookalike_domain"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: LookalikeConfig = build_config(LookalikeConfig, self.name, config)
        self.trusted = trusted_domains()
        preload()

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound:
            return []
        tenant = ctx.state.tenant
        trusted = self.trusted(tenant)
        c = self.config
        hits: list[Hit] = []
        candidates: tuple[tuple[str, str], ...] = (("sender", ctx.facts.sender_domain),)
        if ctx.content.reply_to_domains:  # rare: no lists built for the usual message
            candidates += tuple(("reply_to", d) for d in ctx.content.reply_to_domains)
        for role, domain in candidates:
            if not domain or domain in trusted:
                continue
            profile = ctx.state.domain if role == "sender" else None
            if profile is not None and profile.outbound > 0:
                continue
            if role == "sender" and profile is not None:
                if profile.lookalike_of:
                    target = profile.lookalike_of
                    found = lookalike(domain, frozenset((target,)))
                elif profile.count >= c.young_domain_messages:
                    continue
                else:
                    found = lookalike(domain, trusted)
            else:
                found = lookalike(domain, trusted)
            if found is None:
                continue
            own = found.target in tenant.own_domains
            score = c.own_domain if own else c.known_domain
            cues = ctx.content.cues
            request = cues.payment or cues.bank_change or cues.gift_card or cues.payroll or \
                cues.credential
            if request:
                score = max(score, c.with_request)
            if cues.credential or ctx.content.urls.score >= 0.3:
                attack = "credential_phishing"
            elif (cues.bank_change or cues.payment) and not own:
                attack = "invoice_fraud"
            else:
                attack = "bec" if own else "lookalike_domain"
            hits.append(hit(self.name, score * c.weight, attack, domain=domain, role=role,
                             target=found.target, technique=found.technique,
                             distance=found.distance, own_domain=own))
            break
        return hits

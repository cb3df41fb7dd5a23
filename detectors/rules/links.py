"""Link risk: what the message's URLs look like, and whether the tenant has ever seen them.

The URL signals (raw-IP hosts, punycode, shorteners, free hosting and form services, anchor
text naming another domain, credential paths) come from ``detectors.urls``; this detector
adds the behavioural side — a link domain this sender never used — and the lure language,
which together separate a credential phish from a newsletter full of links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from schemas.records import Hit


@dataclass(frozen=True, slots=True)
class LinkConfig(DetectorConfig):
    """How URL risk, lure language and novelty combine."""

    min_url_score: float = 0.3
    credential_lure_boost: float = 0.35
    new_link_domain_boost: float = 0.1


class LinkRisk:
    """Risky links, stronger with credential lures."""

    name: ClassVar[str] = "url_risk"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: LinkConfig = build_config(LinkConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        risk = ctx.content.urls
        if not ctx.inbound or risk.score <= 0.0:
            return []
        c, cues = self.config, ctx.content.cues
        score = risk.score
        reasons: dict[str, Any] = dict(risk.evidence)
        if cues.credential:
            score = 1.0 - (1.0 - score) * (1.0 - c.credential_lure_boost)
            reasons["lure"] = cues.phrases.get("credential", "")
        sender = ctx.state.sender
        new_domains = [d for d in risk.domains if sender is None or d not in sender.link_domains]
        if new_domains and sender is not None:
            score = 1.0 - (1.0 - score) * (1.0 - c.new_link_domain_boost)
            reasons["never_seen_from_sender"] = new_domains[:3]
        if score < c.min_url_score:
            return []
        attack = "credential_phishing" if cues.credential or risk.score >= 0.5 else "any"
        return [hit(self.name, score * c.weight, attack, **reasons)]

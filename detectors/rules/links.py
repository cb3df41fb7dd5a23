"""Link risk: what the message's URLs look like, and whether the tenant has ever seen them.

The URL signals (raw-IP hosts, punycode, shorteners, free hosting and form services, anchor
text naming another domain, credential paths) come from ``detectors.urls``; this detector
adds the behavioural side — a link domain this sender never used — and the lure language,
which together separate a credential phish from a newsletter full of links.

:class:`StrangerLink` is the same evidence from the other side: a stranger's message whose
links show any of those signals. It is weak alone (a shortened link in a first newsletter is
ordinary) and scores nothing into the model; it exists to *corroborate* a model warning
(``combine.corroborating``), see its class doc.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from detectors.base import Context, DetectorConfig, ScoredConfig, build_config, hit
from detectors.urls import SIGNAL_WEIGHTS
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


@dataclass(frozen=True, slots=True)
class StrangerLinkConfig(ScoredConfig):
    """The score of a stranger's risky link and which URL signals count as one."""

    score: float = 0.4
    signals: tuple[str, ...] = tuple(SIGNAL_WEIGHTS)

    def validate(self) -> None:
        ScoredConfig.validate(self)
        if not isinstance(self.signals, tuple):
            raise ValueError(f"signals must be a list of signal names, got {self.signals!r}")
        unknown = sorted(set(self.signals) - set(SIGNAL_WEIGHTS))
        if unknown or not self.signals:
            raise ValueError(f"signals must be a non-empty list of {sorted(SIGNAL_WEIGHTS)}, "
                             f"got unknown {unknown}" if unknown else "signals is empty")


class StrangerLink:
    """A first contact whose links show any URL signal (a shortener, free hosting, a rare TLD…).

    Why it exists: the spam quarantine threshold is set by solicited bulk mail the model
    saturates on, so most phishing the model calls spam at a lower score is only warned
    about (``Cascade.corroborating_hit``). :class:`LinkRisk` corroborates such a warning at
    two link signals; one is not enough for it, since a click-tracking redirect or a
    shortened link is what bulk senders' mail looks like too. The difference in the warned
    band is who sends it: a message the model already warns about, from an address no
    recipient has ever exchanged mail with, whose link hides where it goes or sits on a host
    anyone can rent, is not a newsletter the tenant subscribed to.

    Not a model input (``layout.DETECTORS``): a decision-time rule, like ``flagged_sender``,
    and left out of the heuristic combination (``cascade._CORROBORATING_ONLY``): it acts only
    by corroborating.
    Its score (0.4) stays under ``cascade.SUSPICIOUS``: at 0.5 every such message stopped
    teaching the state (no relationship, no baseline), which changed what the training replay
    learnt and so the model (a retrain came out worse: 40 instead of 18 test ham quarantined).
    Its type is the lure's (credential wording: credential phishing; advance-fee wording:
    scam; otherwise spam), since a quarantine names what it holds mail for.
    """

    name: ClassVar[str] = "stranger_link"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: StrangerLinkConfig = build_config(StrangerLinkConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        risk = ctx.content.urls
        if risk.score <= 0.0 or not ctx.inbound or not ctx.first_contact:
            return []
        c = self.config
        evidence = risk.evidence
        shown = {s: evidence[s] for s in c.signals if s in evidence}
        if not shown:
            return []
        cues = ctx.content.cues
        attack = "credential_phishing" if cues.credential else "scam" if cues.scam else "spam"
        return [hit(self.name, c.score * c.weight, attack, first_contact=True, **shown)]

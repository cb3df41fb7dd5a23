"""Spam and scam content, and sender bursts (a new sender writing to many people at once)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from schemas.records import Hit


@dataclass(frozen=True, slots=True)
class ContentConfig(DetectorConfig):
    """Scores per matched phrase and caps."""

    spam_per_phrase: float = 0.2
    scam_per_phrase: float = 0.3
    credential_per_phrase: float = 0.2
    max_score: float = 0.9
    known_sender_factor: float = 0.4


class SpamContent:
    """Spam, scam and credential-lure vocabulary, discounted for established senders."""

    name: ClassVar[str] = "spam_content"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: ContentConfig = build_config(ContentConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound:
            return []
        c, cues = self.config, ctx.content.cues
        out: list[Hit] = []
        known = not ctx.first_contact
        factor = c.known_sender_factor if known else 1.0
        # Spam and scam vocabulary are one kind of evidence (bulk fraud): their phrases add
        # up instead of scoring apart, and any advance-fee or extortion wording names the
        # message a scam, however much marketing language surrounds it.
        bulk = 1.0 - (1.0 - c.spam_per_phrase) ** cues.spam * (
            1.0 - c.scam_per_phrase) ** cues.scam
        if bulk > 0.0:
            attack = "scam" if cues.scam else "spam"
            out.append(hit(self.name, min(c.max_score, bulk) * factor * c.weight, attack,
                           category=attack, phrases=cues.spam + cues.scam,
                           example=cues.phrases.get(attack, "")))
        if cues.credential:
            score = min(c.max_score, 1.0 - (1.0 - c.credential_per_phrase) ** cues.credential)
            out.append(hit(self.name, score * factor * c.weight, "credential_phishing",
                           category="credential", phrases=cues.credential,
                           example=cues.phrases.get("credential", "")))
        return out


@dataclass(frozen=True, slots=True)
class BurstConfig(DetectorConfig):
    """What counts as a burst."""

    min_messages: float = 20.0
    window_s: float = 3600.0
    score: float = 0.35


class SenderBurst:
    """A sender that appeared recently and already wrote many messages."""

    name: ClassVar[str] = "sender_burst"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: BurstConfig = build_config(BurstConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        s, c = ctx.state.sender, self.config
        if s is None or not ctx.inbound:
            return []
        age = ctx.record.received_at - s.first_seen
        n = ctx.sender_count()
        if n < c.min_messages or age > c.window_s:
            return []
        return [hit(self.name, c.score * c.weight, "spam", messages=round(n),
                    seconds_since_first_seen=round(age))]


@dataclass(frozen=True, slots=True)
class CampaignConfig(DetectorConfig):
    """How many strangers and domains sending one subject make a wave."""

    min_senders: int = 4
    min_domains: int = 3
    score: float = 0.6
    large_senders: int = 10
    large_score: float = 0.85
    fresh_seconds: float = 24 * 3600.0


class CampaignWave:
    """The same subject from many strangers on several domains within a day: a bulk wave.

    One sender mailing many people is a newsletter; many fresh senders rotating domains with
    one subject is how spam and phishing waves dodge per-sender reputation.
    """

    name: ClassVar[str] = "campaign_wave"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: CampaignConfig = build_config(CampaignConfig, self.name, config)

    def _stranger(self, ctx: Context) -> bool:
        """A sender nobody here answered, first seen within the wave window.

        A wave's sender is new only for its first message; its next ones (one per
        recipient) come from a sender the tenant has seen minutes ago but never answered.
        """
        sender = ctx.state.sender
        if sender is None:
            return True
        return (ctx.record.received_at - sender.first_seen <= self.config.fresh_seconds
                and ctx.first_contact)

    def detect(self, ctx: Context) -> list[Hit]:
        wave, c = ctx.state.campaign, self.config
        if wave is None or not ctx.inbound or not self._stranger(ctx):
            return []
        if ctx.record.received_at - wave.last_seen > 24 * 3600:
            return []
        if wave.senders < c.min_senders or len(wave.domains) < c.min_domains:
            return []
        score = c.large_score if wave.senders >= c.large_senders else c.score
        return [hit(self.name, score * c.weight, "spam", strangers_before=wave.senders,
                    domains=len(wave.domains),
                    minutes_since_first=round((ctx.record.received_at - wave.first_seen) / 60))]

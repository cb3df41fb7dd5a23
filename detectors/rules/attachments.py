"""Attachment risk from attachment metadata.

Attachment risk: executables, disk images, shortcuts, HTML/SVG, macro documents and
archives that may hide them, from the attachment metadata (names, types, sizes, hashes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from schemas.records import Hit


@dataclass(frozen=True, slots=True)
class AttachmentConfig(DetectorConfig):
    """Minimum attachment risk to report and the boost from lure language."""

    min_score: float = 0.25
    lure_boost: float = 0.4
    known_type_factor: float = 0.6


class AttachmentLure:
    """Dangerous attachment types, stronger with "open the attachment" language."""

    name: ClassVar[str] = "attachment_risk"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound", "internal"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: AttachmentConfig = build_config(AttachmentConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        risk = ctx.content.attachments
        if risk.score <= 0.0 or ctx.record.direction == "outbound":
            return []
        c, cues = self.config, ctx.content.cues
        score = risk.score
        if cues.malware_lure or cues.payment:
            score = 1.0 - (1.0 - score) * (1.0 - c.lure_boost)
        sender = ctx.state.sender
        if sender is not None and risk.types and all(t in sender.attachment_types
                                                     for t in risk.types):
            score *= c.known_type_factor  # this sender always sends these
        if score < c.min_score:
            return []
        return [hit(self.name, score * c.weight, "malware", category=risk.category,
                    **risk.evidence)]

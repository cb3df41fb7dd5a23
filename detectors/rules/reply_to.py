"""Reply-to and return-path divergence: answers would go somewhere other than the sender.

Mailing services routinely set a Reply-To on another domain, so divergence alone scores low;
it rises when the reply goes to free mail, or when a sender the tenant knows suddenly uses a
reply domain it never used before (a classic step of vendor-account takeover).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from detectors.domains import is_freemail
from schemas.records import Hit


@dataclass(frozen=True, slots=True)
class ReplyToConfig(DetectorConfig):
    """Scores of reply-to divergence."""

    other_domain: float = 0.2
    freemail: float = 0.5
    never_seen_for_known_sender: float = 0.6
    with_request: float = 0.8
    known_sender_min_messages: float = 3.0

    def validate(self) -> None:
        DetectorConfig.validate(self)
        if self.known_sender_min_messages < 1:
            raise ValueError("known_sender_min_messages must be >= 1")


class ReplyToDivergence:
    """Reply-To on another registrable domain than From."""

    name: ClassVar[str] = "reply_to_divergence"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: ReplyToConfig = build_config(ReplyToConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound:
            return []
        sender_domain = ctx.facts.sender_domain
        others = [d for d in ctx.content.reply_to_domains if d and d != sender_domain]
        if not others:
            return []
        c, cues = self.config, ctx.content.cues
        reply = others[0]
        score, reasons = c.other_domain, ["other_domain"]
        freemail = is_freemail(reply) and not ctx.content.sender_freemail
        if freemail:
            score = max(score, c.freemail)
            reasons.append("freemail")
        sender = ctx.state.sender
        if sender is not None and ctx.sender_count() >= c.known_sender_min_messages and \
                reply not in sender.reply_to_domains:
            score = max(score, c.never_seen_for_known_sender)
            reasons.append("never_seen_for_sender")
        request = cues.payment or cues.bank_change or cues.gift_card or cues.payroll
        if request and len(reasons) > 1:
            score = max(score, c.with_request)
            reasons.append("with_request")
        attack = "invoice_fraud" if cues.bank_change or (cues.payment and not cues.gift_card) \
            else "bec"
        return [hit(self.name, score * c.weight, attack if len(reasons) > 1 else "any",
                    reply_to_domain=reply, sender_domain=sender_domain, reasons=reasons)]

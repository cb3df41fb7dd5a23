"""First contact: the sender has never exchanged mail with any recipient.

Alone it is context, not an attack (most first contacts are legitimate), so it scores low
with attack type ``any``; with payment, bank-change, gift-card, payroll or wire language it is
the classic opening of business email compromise and scores high with a named type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from schemas.records import Hit


@dataclass(frozen=True, slots=True)
class FirstContactConfig(DetectorConfig):
    """Scores per language found in a first-contact message."""

    context_score: float = 0.15
    gift_card: float = 0.85
    payroll: float = 0.85
    bank_change: float = 0.8
    payment_urgent: float = 0.7
    payment: float = 0.35
    urgency: float = 0.2
    known_domain_factor: float = 0.5

    def validate(self) -> None:
        DetectorConfig.validate(self)
        for name in ("context_score", "gift_card", "payroll", "bank_change", "payment_urgent",
                     "payment", "urgency", "known_domain_factor"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within [0, 1]")


class FirstContact:
    """No recipient has written to or received mail from this sender before."""

    name: ClassVar[str] = "first_contact"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: FirstContactConfig = build_config(FirstContactConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound or not ctx.first_contact:
            return []
        c, cues = self.config, ctx.content.cues
        phrases = cues.phrases
        if cues.credential and cues.credential >= cues.payment:
            # Sign-in and "review document" wording is everyday notification language; the
            # link and brand detectors carry credential phishing, this only names the type.
            score, attack, lang = c.payment, "credential_phishing", "credential"
        elif cues.gift_card:
            score, attack, lang = c.gift_card, "bec", "gift_card"
        elif cues.payroll:
            score, attack, lang = c.payroll, "bec", "payroll"
        elif cues.bank_change:
            score, attack, lang = c.bank_change, "invoice_fraud", "bank_change"
        elif cues.payment and cues.urgency:
            score, attack, lang = c.payment_urgent, "bec", "payment"
        elif cues.payment:
            score, attack, lang = c.payment, "invoice_fraud", "payment"
        elif cues.urgency:
            score, attack, lang = c.urgency, "any", "urgency"
        else:
            return [hit(self.name, c.context_score * c.weight, "any", first_contact=True,
                        recipients=len(ctx.state.recipients))]
        domain = ctx.state.domain
        known_domain = not ctx.content.sender_freemail and domain is not None and (
            domain.outbound > 0 or domain.n_senders > 2)
        if known_domain:
            score *= c.known_domain_factor
        return [hit(self.name, score * c.weight, attack, first_contact=True,
                    language=lang, phrase=phrases.get(lang, ""),
                    known_domain=known_domain)]

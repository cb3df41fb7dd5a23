"""Vendor fraud: bank-detail changes and invoices from anomalous identities.

Vendor fraud: a bank-detail change or an invoice from a vendor identity that is not the
one the tenant knows (new reply-to, first-seen or lookalike domain, a new address at a known
vendor domain, a new network).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from detectors.domains import lookalike
from detectors.rules.lookalike import trusted_domains
from schemas.records import Hit
from state import network_of


@dataclass(frozen=True, slots=True)
class VendorConfig(DetectorConfig):
    """Scores of vendor anomalies with payment language."""

    bank_change_anomalous: float = 0.93
    bank_change_known: float = 0.55
    invoice_anomalous: float = 0.6
    young_domain_days: float = 30.0


class VendorFraud:
    """Bank-detail change or invoice from an anomalous vendor identity."""

    name: ClassVar[str] = "vendor_fraud"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: VendorConfig = build_config(VendorConfig, self.name, config)
        self.trusted = trusted_domains()

    def detect(self, ctx: Context) -> list[Hit]:
        cues = ctx.content.cues
        if not ctx.inbound or not (cues.bank_change or cues.payment):
            return []
        if cues.credential > cues.payment and not cues.bank_change:
            return []  # "we blocked a payment, verify your identity": a credential lure
        c = self.config
        t = ctx.record.received_at
        anomalies: list[str] = []
        sender, domain = ctx.state.sender, ctx.state.domain
        if ctx.content.sender_freemail:
            domain = None  # gmail.com is nobody's vendor: judge the address alone
        if domain is None or t - domain.first_seen < c.young_domain_days * 86400:
            anomalies.append("young_domain")
            imitated = lookalike(ctx.facts.sender_domain, self.trusted(ctx.state.tenant)) \
                if ctx.facts.sender_domain else None
            if imitated is not None:
                anomalies.append("lookalike_domain")
        if sender is None and domain is not None and domain.count > 0:
            anomalies.append("new_address_at_known_domain")
        reply = ctx.content.reply_to_domains
        if reply and reply[0] != ctx.facts.sender_domain and (
                sender is None or reply[0] not in sender.reply_to_domains):
            anomalies.append("new_reply_to")
        net = network_of(ctx.record.client_ip)
        if sender is not None and net and sender.networks and net not in sender.networks:
            anomalies.append("new_network")
        if not anomalies:
            if cues.bank_change and domain is not None and domain.known_vendor:
                return [hit(self.name, c.bank_change_known * c.weight, "invoice_fraud",
                            anomalies=[], phrase=cues.phrases.get("bank_change", ""))]
            return []
        score = c.bank_change_anomalous if cues.bank_change else c.invoice_anomalous
        if not cues.bank_change and anomalies == ["young_domain"]:
            return []  # a new supplier's first invoice is business as usual
        return [hit(self.name, score * c.weight, "invoice_fraud", anomalies=anomalies,
                    known_vendor=bool(domain and domain.known_vendor),
                    phrase=cues.phrases.get("bank_change" if cues.bank_change else "payment",
                                            ""))]

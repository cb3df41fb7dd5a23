"""A parcel held for a fee, in a stranger's subject: the carrier's name where no carrier writes.

"Pagamento Necessário: Seu Pedido Correios Retido na Alfândega", "📦 Aviso Importante:
Pendências de Tarifas - Correios": the customs-fee kit names the carrier in its subject, asks
for a payment and links to a checkout page, but writes as anyone ("ganine
<notifica@calungas.com>"), so ``brand_impersonation``, which reads display names and sender
domains, has nothing to read. A brand named in a subject alone is no impersonation in
general: newsletters and receipts name brands all the time, and a payment word beside one is
a shop's order mail. A carrier is narrower: what a carrier charges (duties, a redelivery
fee) is asked by the carrier, from its own domain, linking to its own site.

So a first contact that is not list mail, whose subject names a parcel carrier of
:data:`CARRIERS` (as ``brand`` reads names) beside a fee or a hold (:data:`FEE_WORDS`), with
payment wording and links none of which goes to the carrier, from a domain not the
carrier's, is held. Measured on the corpus replay
(December 2026): 4 phishing_pot messages not held before, no ham (the corpora's ham names a
carrier in two subjects, neither asking for money; a brand of any kind with payment wording
in a stranger's subject, linking away, would have held an RSS digest of SpamAssassin ham:
hence carriers only). Decisive (``combine.decisive``); not a model input
(``layout.DETECTORS``).
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import MAX_SUBJECT_CHARS, Context, InboundRule, hit, list_mail
from detectors.rules.brand import brand_in_text, is_brand_domain, plain_text
from schemas.records import Hit

CARRIERS: Final = frozenset({
    "correios", "dhl", "ups", "fedex", "usps", "postnl", "royal mail", "dpd", "gls",
    "la poste", "canada post", "hermes", "poste italiane", "deutsche post", "chronopost",
    "colissimo", "correos", "auspost",
})
"""Parcel carriers and postal services of ``brand.BRANDS``."""
FEE_WORDS: Final = re.compile(
    r"\b(?:fees?|dut(?:y|ies)|customs|held|hold|pending|unpaid|pay|payment|charges?|"
    r"taxas?|tarifas?|alfandega|retid[oa]|pendentes?|pendencias?|pagamento|"
    r"tasas?|aduana|retenid[oa]|pendientes?|pago|zoll|zollgebuhren|gebuhren|gebuhr|zahlung|"
    r"frais|douane|paiement|kosten|betaling|dogana|tass[ae])\b")
"""A fee, a hold or a payment, in the subject read plain (accents folded), in the languages the
kits were seen in and their neighbours': the kit's subject is its lure ("Retido na
Alfândega", "Pendências de Tarifas"); a shop's "Order 123 shipped with DHL" is not one,
whatever its text says about the payment it received."""


class ParcelFee(InboundRule):
    """A stranger's subject naming a carrier, asking for money, linking away from it."""

    name: ClassVar[str] = "parcel_fee"

    def detect(self, ctx: Context) -> list[Hit]:
        content = ctx.content
        links = content.urls.domains
        # The cheap tests first.
        if not content.cues.payment or not links or not ctx.inbound or \
                not ctx.first_contact or list_mail(ctx.record):
            return []
        # Folded once; the fee words (one pattern) before the brand pattern (~3 µs), which
        # folds it again at no cost: plain text is its own plain form.
        subject = plain_text(ctx.record.subject[:MAX_SUBJECT_CHARS])
        if FEE_WORDS.search(subject) is None:
            return []
        carrier = brand_in_text(subject, CARRIERS.__contains__)
        if carrier is None:
            return []
        domain = ctx.facts.sender_domain
        if is_brand_domain(carrier, domain) or any(is_brand_domain(carrier, d) for d in links):
            return []
        attack = "credential_phishing" if content.cues.credential else "scam"
        return [hit(self.name, self.score, attack, carrier=carrier, sender_domain=domain,
                    links_to=list(links[:3]),
                    reason="a carrier's fee asked by a stranger, linking away from it")]

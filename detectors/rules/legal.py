"""A stranger announcing a court or police summons in its subject or name: a legal-threat lure.

"NOTIFICAÇÃO JUDICIAL", "Processo Trabalhista (Cartório online) Protocolo", "Notificación
Judicial: Atención Requerida", "Anklageschreiben wegen eines Verbrechens": the summons is the
lure of a large share of Brazilian, Latin American and European malware and credential
kits. Fear makes the reader open the "process" (a download, a sign-in page) before asking
anyone, and the sender is a compromised mailbox or a rented server, never a court.

So an inbound first contact, not list mail, whose subject or display name announces a
judicial notification, a summons or an indictment is held, unless it comes from a
government or judiciary domain (``.gov``, ``.gov.br``, ``.jus.br``, ``.gob.mx``, ``.gouv.fr``,
…: where courts that notify by e-mail write from) or from a domain the tenant writes to (its
lawyers). Measured on the corpus replay (December 2026): 6 phishing_pot messages hit (3 not
held before; a seventh kit carries list headers); no ham of the 25,226 names such a summons in
its subject or sender's name (an English mailing list's "subpoena" threads are list mail and
name none in the subject), nor does any synthetic message. English words are
few on purpose: a company's legal department receives real subpoenas from law firms by
e-mail, so "subpoena" alone is not here; "court summons" and "notice to appear" are the
English kits' words. A tenant whose lawyers hear from new courts and firms every day
switches it off in the scores file (``detectors.legal_threat``). Decisive
(``combine.decisive``); not a model input.
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import (
    MAX_SUBJECT_CHARS,
    Context,
    InboundRule,
    content_attack,
    hit,
    list_mail,
)
from detectors.names import MAX_NAME_CHARS
from detectors.rules.brand import plain_text
from schemas.records import Hit

SUMMONS: Final = (
    # pt
    "notificação judicial", "notificacao judicial", "intimação judicial", "intimacao judicial",
    "processo trabalhista", "citação judicial", "citacao judicial", "mandado de citação",
    "mandado de intimação",
    # es
    "notificación judicial", "notificacion judicial", "citación judicial", "citacion judicial",
    "demanda judicial", "embargo judicial",
    # de, fr, it
    "anklageschrift", "anklageschreiben", "gerichtliche vorladung", "vorladung zur",
    "convocation judiciaire", "citation à comparaître", "notifica giudiziaria",
    "citazione in giudizio",
    # en
    "court summons", "notice to appear in court",
)
"""A judicial notification, summons or indictment, as kits name it (matched accents folded)."""
_STEMS: Final = re.compile(r"judic|intima|trabalhista|citac|citaç|anklage|vorladung|"
                           r"convocation|comparaitre|comparaître|giudiz|summons|"
                           r"notice to appear")
"""What every phrase holds, on the lower-cased text: the folding is paid for a candidate
only. Case-sensitive on purpose: ``re.IGNORECASE`` over an alternation cost ~5 µs a
message, ``str.lower`` and this ~1."""
_SUMMONS: Final = re.compile(
    r"\b(" + "|".join(sorted({re.escape(plain_text(p)) for p in SUMMONS})) + r")\b")
_OFFICIAL: Final = re.compile(r"(?:^|\.)(?:gov|gob|gouv|govt|jus|mil|judiciary|court)"
                              r"(?:\.[a-z]{2})?$")
"""A government or judiciary registrable domain (``tjsp.jus.br``, ``justice.gouv.fr``)."""


class LegalThreat(InboundRule):
    """A first contact whose subject or display name announces a summons, not from a court."""

    name: ClassVar[str] = "legal_threat"

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound or not ctx.first_contact:
            return []
        record = ctx.record
        text = f"{record.subject[:MAX_SUBJECT_CHARS]}\n{record.sender.name[:MAX_NAME_CHARS]}"
        if _STEMS.search(text.lower()) is None:
            return []
        found = _SUMMONS.search(plain_text(text))
        if found is None:
            return []
        domain = ctx.facts.sender_domain
        if _OFFICIAL.search(domain) or domain in ctx.state.tenant.known_domains \
                or list_mail(record):
            return []
        return [hit(self.name, self.score, content_attack(ctx), summons=found.group(0),
                    sender_domain=domain,
                    reason="a stranger announcing a court summons, not from a court")]

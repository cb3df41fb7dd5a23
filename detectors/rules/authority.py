"""A stranger claiming an authority over the reader: their mail administrator, the tax office.

"Email Server Administrator" writing "MSG-PSWD notice" from `unknown.com`; "Annual Tax -
Report" writing "Your refund is ready to be proceed": the reader's own IT and the tax office
are whom people obey without asking, and neither writes from a stranger's domain. The model
warns about these (0.8-1.0) without passing the spam quarantine threshold.

In the corpus replay, of the first contacts the model warned about or that were held, 5
phishing_pot messages had a display name calling the sender the mail, server or IT
administration (2 only warned) and 8 a subject announcing a tax refund or return (2 only
warned); none of the 171 warned ham had either. An MSP's "IT Support" or an accountant's
"tax return" is ordinary mail, which is why this only corroborates: late
(``Cascade.late_hit``), on a model warning nothing else corroborates, never alone, not a
model input. A first contact only: the tenant's own helpdesk is no stranger.
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import MAX_SUBJECT_CHARS, Context, LateRule, content_attack, hit
from detectors.names import MAX_NAME_CHARS
from schemas.records import Hit

_ADMIN: Final = re.compile(r"\b(?:e-?mail|mail|webmail|mailbox|server|it|system|network)s?"
                           r"[ -]*(?:administrator|admin|support|help ?desk|team|security)\b",
                           re.IGNORECASE)
"""A display name claiming the reader's mail or IT administration ("Email Server
Administrator", "Webmail Support", "IT Helpdesk")."""
_TAX: Final = re.compile(r"\b(?:tax refund|tax return|refund is ready|restitui[çc][ãa]o|irpf|"
                         r"devoluci[óo]n de impuestos|steuererstattung|"
                         r"remboursement d'imp[ôo]t)", re.IGNORECASE)
"""A subject announcing a tax refund or return (en, pt, es, de, fr)."""


class AuthorityClaim(LateRule):
    """A first contact naming itself the reader's mail administrator, or bringing a tax refund."""

    name: ClassVar[str] = "authority_claim"

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound or not ctx.first_contact:
            return []
        record = ctx.record
        if _ADMIN.search(record.sender.name[:MAX_NAME_CHARS]):
            claim = "mail_administrator"
        elif _TAX.search(record.subject[:MAX_SUBJECT_CHARS]):
            claim = "tax_office"
        else:
            return []
        return [hit(self.name, self.score, content_attack(ctx), claim=claim,
                    sender_domain=ctx.facts.sender_domain,
                    reason="a stranger claiming an authority over the reader")]

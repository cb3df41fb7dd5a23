"""A warned stranger's document: the lure is in the file, where the model cannot read.

"INFO PDF." beside ``pBDp08qj9IiC6.pdf``; no subject and ``nzHc3RSHv.pdf``; "Request for
Quotation" with ``Request for Quotation.pdf`` from a free mailbox; a fake Prime bill as
``amzprm.pdf``: the text is a pretext, the link or the story sits in a PDF, an Office
document or an archive. The gateway strips payloads, so the attachment rules judge names and
types only, and a PDF or a .docx is no risky type (``attachment_risk`` scores executables,
macros, HTML, disk images and archives). The content model warns about such messages
(0.8-1.0) without passing the spam quarantine threshold.

In the corpus replay the model warned about 11 phishing_pot messages from first contacts
carrying a document or an archive, and about 171 ham messages, none of which carried one
(their files are signatures, pictures, Outlook's winmail.dat, kernel patches and configs).
That ham figure says little: the corpus ham carries no document at all (the Enron dataset
has no attachments, SpamAssassin's ham none of these types). The synthetic organisations'
ham does: 490 inbound first contacts carrying a PDF or an Office file (invoices, CVs,
contracts), none of which the model warned about, so none is held (December 2026).
A stranger's CV or invoice is everyday mail, which is why this only corroborates: late
(``Cascade.late_hit``), on a model warning nothing else corroborates, a first contact,
never alone, not a model input. Held as what the content says; a document that says
nothing is held as a possible malware carrier.
"""

from __future__ import annotations

from typing import ClassVar, Final

from detectors.attachments import ARCHIVE
from detectors.base import Context, LateRule, content_attack, hit
from schemas.records import Hit

DOCUMENTS: Final = frozenset({
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "pps", "ppsx", "odt", "ods", "odp",
    "rtf",
}) | ARCHIVE
"""Extensions of files that carry a lure's words or links (or hide other files)."""


class StrangerDocument(LateRule):
    """A first contact the model warns about carrying a document or an archive."""

    name: ClassVar[str] = "stranger_document"

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound or not ctx.first_contact:
            return []
        found = next((t for t in ctx.content.attachments.types if t in DOCUMENTS), None)
        if found is None:
            return []
        attack = content_attack(ctx)
        return [hit(self.name, self.score, "malware" if attack == "spam" else attack,
                    extension=found, attachments=ctx.content.attachments.count,
                    reason="a stranger's document the model warns about")]

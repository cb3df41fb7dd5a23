"""A stranger's message with nothing in it: no subject, no text, no page, no file, no link.

Such a message carries nothing to read and nothing to open; it tests whether an address is
alive (a bounce says it is not, silence that it is) before the real run is sent to it, and
its random display names ("ioihrhdbo xxuvsypn") say as much. SpamAssassin scores an empty
message too (``EMPTY_MESSAGE``). Held as spam: quarantining costs the recipient nothing,
since there is nothing to read, and a held probe makes the prober no correspondent (a
suspicious message teaches the state no relationship), so its next mail is a first contact.

Measured on the corpus replay (December 2026): 4 phishing_pot messages are empty, none was
held before; no ham of the 25,226 is. Only a first contact (a colleague's slip of the send
button is theirs) and only when nothing at all is there: a file without words is a file,
judged by the attachment rules. Decisive (``combine.decisive``); not a model input.
"""

from __future__ import annotations

from typing import ClassVar

from detectors.base import Context, InboundRule, hit
from schemas.records import Hit


class EmptyMessage(InboundRule):
    """A first contact with no subject, text, page, attachment or link."""

    name: ClassVar[str] = "empty_message"

    def detect(self, ctx: Context) -> list[Hit]:
        record = ctx.record
        if record.attachments or record.urls or not ctx.inbound or not ctx.first_contact \
                or not (_blank(record.subject) and _blank(record.text) and _blank(record.html)):
            return []
        return [hit(self.name, self.score, "spam",
                    reason="a stranger's message with nothing in it (an address probe)")]


def _blank(text: str) -> bool:
    # isspace() stops at the first letter: no copy of a long text, as strip() would make
    return not text or text.isspace()

"""A template sent unfilled: placeholder Latin, a contact form's field names, merge tags.

Kits are built from free newsletter and contact-form templates and sent in a hurry: "Lorem
ipsum dolor sit amet" under an exchange's withdrawal notice, "Copyright © 2023 Your Company",
a WordPress contact form's subject arriving as ``kette "[your-subject]"`` (Contact Form 7's
field names, sent by a bot that fills the form without its fields), a greeting of
``{{first_name}}``. A business whose campaign goes out half-built does exist, and a
correspondent forwarding a draft says "lorem ipsum" too, so this only corroborates: late
(``Cascade.late_hit``), on a model warning nothing else corroborates, a first contact, never
alone, not a model input.

In the corpus replay none of the 25,226 ham has any of these signs in the subject or the top
of the text; 2 phishing_pot messages the model only warned about have one ("Lorem ipsum" under
"Withdraw Process is Authorized", "[your-subject]"), and 5 held ones a merge tag.
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import MAX_SUBJECT_CHARS, Context, LateRule, content_attack, hit
from detectors.forward import read_opening
from schemas.records import Hit

READ_CHARS: Final = 3_000
"""Characters of the text (or page) read: a template's filler sits at the top."""
_RESIDUE: Final = re.compile(
    r"(?P<placeholder>lorem ipsum|your company\. all rights reserved)"
    r"|(?P<form_field>\[your-(?:name|email|subject|message|phone)\])"
    r"|(?P<merge_tag>\{\{ ?(?:first_?name|last_?name|name|email|company) ?\}\}"
    r"|%%?(?:first_?name|last_?name|name|email)%%?|\*\|(?:fname|lname|email)\|\*)")
"""What an unfilled template leaves: its filler, a form's field names, a merge tag."""


class TemplateResidue(LateRule):
    """A first contact whose subject or text is a template nobody filled in."""

    name: ClassVar[str] = "template_residue"

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound or not ctx.first_contact:
            return []
        record = ctx.record
        text = read_opening(record, READ_CHARS)
        found = _RESIDUE.search(f"{record.subject[:MAX_SUBJECT_CHARS]}\n{text}".lower())
        if found is None:
            return []
        return [hit(self.name, self.score, content_attack(ctx), residue=found.lastgroup,
                    example=found.group()[:40],
                    reason="a template sent without being filled in")]

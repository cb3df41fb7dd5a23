"""A stranger's link with nothing to read around it: the bait is the click.

"Click for date http://…", a linked image and no text, ". . ." above a picture that links
to a shop: a message with hardly a word and a link asks for one thing, and from someone the
recipient never corresponded with it is no correspondence. The model warns about many of
these (0.8-1.0: it reads the link and the layout) but cannot pass the spam quarantine
threshold with no words to read. In the corpus replay, of the messages the model warned
about that came from strangers, were no list mail and had a link, 12 phishing_pot messages
had fewer than :data:`MIN_WORDS` words outside their links and no ham did (Enron's short
notes between strangers carry no link; a list's or a newsletter's image-only issue carries
list headers).

Late (``Cascade.late_hit``): only on a model warning nothing else corroborates, never alone,
not a model input. Words are runs of two or more letters in the text (the HTML's visible
text when there is no plain part), links taken out, in its first :data:`READ_CHARS`.
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import Context, LateRule, content_attack, hit, list_mail
from schemas.records import Hit

MIN_WORDS: Final = 8
"""Fewer words than this outside the links is a message with nothing to read."""
READ_CHARS: Final = 3_000
_LINK: Final = re.compile(r"<?\b(?:https?|hxxps?)://[^\s<>]*>?", re.IGNORECASE)
_WORD: Final = re.compile(r"[^\W\d_]{2,}")


class BareLink(LateRule):
    """A stranger's link with fewer than eight words around it, not list mail."""

    name: ClassVar[str] = "bare_link"

    def detect(self, ctx: Context) -> list[Hit]:
        record = ctx.record
        if not record.urls or not ctx.first_contact or list_mail(record):
            return []
        words = _WORD.findall(_LINK.sub(" ", record.text[:READ_CHARS]), 0)
        if len(words) >= MIN_WORDS:
            return []
        return [hit(self.name, self.score, content_attack(ctx), words=len(words),
                    links=len(record.urls),
                    reason="a stranger's link with nothing to read around it")]

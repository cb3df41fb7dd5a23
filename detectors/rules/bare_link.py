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
not a model input. A link to another domain than the sender's (a shop's short note linking
home is its own business). Words are runs of two or more letters, links taken out, in the
first :data:`READ_CHARS` of the text part and, when that has few, of the page the reader
sees (a "." text part beside a full page is a decoy, not an empty message).
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import Context, LateRule, content_attack, hit, list_mail
from detectors.forward import read_page
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
        if not ctx.inbound or not ctx.content.urls.foreign or not ctx.first_contact \
                or list_mail(record):
            return []
        words = _words(record.text)
        if words < MIN_WORDS and record.html:
            # A short text part beside a page ("." or "view in browser") is not what the
            # reader sees: the page is. Parsed only here, for a warning with few words.
            words = max(words, _words(read_page(record.html)))
        if words >= MIN_WORDS:
            return []
        return [hit(self.name, self.score, content_attack(ctx), words=words,
                    links=len(record.urls),
                    reason="a stranger's link with nothing to read around it")]


def _words(text: str) -> int:
    return len(_WORD.findall(_LINK.sub(" ", text[:READ_CHARS])))

"""Content pushed out of the reader's sight by an absurd CSS offset.

A kit shows the reader one linked image and places a whole borrowed newsletter below it,
thousands of screens down (``margin-top: 470500px``, ``height: 10000vh``): the reader never
scrolls there, and a filter that reads every word reads a newsletter. The HTML converter
leaves out text a client hides (``display:none``, zero sizes: ``schemas.mime``), not text it
merely places far away, and no layout of real mail needs an offset of ten thousand pixels or
a thousand screen heights: none of the corpus replay's 25,226 ham messages has one, against
32 phishing_pot messages, 17 of which the cascade did not hold (12 of those warned about).

Late (``Cascade.late_hit``): finding such a declaration costs a pass over the opening of the
HTML (~10 µs), too dear for every message, so the rule runs only on a model warning nothing
else corroborates, and never acts alone. Not a model input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar, Final

from detectors.base import Context, LateRule, content_attack, hit
from schemas.records import Hit

READ_CHARS: Final = 16_384
"""Characters of the HTML (or of the text part, without HTML) read. The kit's offset comes
before what it hides: in all 32 corpus messages within the first 800 characters."""
_DIGITS: Final = bytes.maketrans(b"123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                 b"0000000000abcdefghijklmnopqrstuvwxyz")
_CANDIDATES: Final = (b"00000px", b"000vh", b"000vw")
"""A cheap first pass over the page with its digits and dots made zeros: five of them before
pixels, three before viewport lengths. Only a page holding one is searched with :data:`_FAR`
(a decimal such as "0.5vh" passes the first pass and fails the second)."""
_FAR: Final = re.compile(r"(?:margin|padding|top|left|right|bottom|height|text-indent)[\w-]*"
                         r"\s*:\s*-?(?:\d{5,}(?:\.\d+)?px|\d{4,}(?:\.\d+)?v[hw])", re.IGNORECASE)
"""An offset of 10,000 pixels or 1,000 viewport lengths and more."""


_BEFORE: Final = 64
"""Characters before a candidate length that the exact pattern reads (a property name, a
colon, spaces)."""


def far_offset(page: str) -> str | None:
    """The first declaration of ``page`` that places content far out of sight, if any."""
    # One byte a character ("?" for any beyond ASCII, which no CSS length holds), so a byte
    # offset is a character offset.
    zeroed = page.encode("ascii", "replace").translate(_DIGITS)  # and lower-cased
    if not any(c in zeroed for c in _CANDIDATES):
        return None
    # Around each candidate only, in page order: the exact pattern over a whole page costs
    # ~300 µs.
    ends = sorted(i + len(c) for c in _CANDIDATES for i in _occurrences(zeroed, c))
    for end in ends:
        found = _FAR.search(page, max(0, end - _BEFORE), end)
        if found is not None:
            return found.group(0)
    return None


def _occurrences(data: bytes, needle: bytes) -> Iterator[int]:
    i = data.find(needle)
    while i >= 0:
        yield i
        i = data.find(needle, i + 1)


class OffscreenContent(LateRule):
    """A message whose page places content thousands of screens away."""

    name: ClassVar[str] = "offscreen_content"

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound:
            return []
        record = ctx.record
        declaration = far_offset((record.html or record.text)[:READ_CHARS])
        if declaration is None:
            return []
        return [hit(self.name, self.score, content_attack(ctx),
                    declaration=declaration[:80],
                    reason="content placed thousands of screens out of the reader's sight")]

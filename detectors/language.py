"""The language a message is written in, and which messages teach a tenant's languages.

An organisation writes in a few languages, and a stranger's first message in another one,
that the model already suspects, is rarely a business letter: it is the Portuguese billing
lure or the Dutch prize mail that a content model trained on other languages cannot read
(``detectors/rules/language.py``). SpamAssassin's TextCat plugin (``ok_languages``) holds
the same idea as configuration; here the languages are learned, per tenant, from the mail its
own people write (``TenantProfile.languages``), so a Brazilian tenant's Portuguese is normal
from its first replies.

Identification is Google's Compact Language Detector 2 (``pycld2``: C++, its tables
compiled in, no download): on the development machine ~16 µs for 300 characters, ~30 for
1,000, ~5 of it fixed. That is too dear for every message, so it runs on two kinds only:

- mail the tenant writes that teaches (:func:`teaching_sample`): every outbound message and
  one internal message in ``INTERNAL_SAMPLE`` (chosen by a hash of the message id, so a
  replay or a restart learns the same), read to ``LEARN_CHARS``: ~1 µs a message averaged
  over the corpus stream, where 3% of messages are outbound and 36% internal (sampling one
  internal message in 8 at 600 characters measured features ×1.2 in ``bench ab``). Enron
  learns its Polish within its first 900 messages at any rate tried, down to one outbound
  message in 4 and one internal in 32;
- a stranger's message that the model warns about and nothing corroborates, at decision
  time (the cascade's late tier): well under 1% of ham, so nothing measurable on average.
"""

from __future__ import annotations

import re
import zlib
from typing import Final

import pycld2

from schemas.records import MailRecord

LEARN_CHARS: Final = 300
"""Characters of text read to learn a tenant's language: enough for a reliable call."""
DETECT_CHARS: Final = 1_000
"""Characters read to judge a stranger's message (the subject and the opening)."""
INTERNAL_SAMPLE: Final = 16
"""One internal message in this many teaches its language (all outbound mail does)."""
MIN_PERCENT: Final = 60
"""The top language's share of the text, in percent, for a call to count: a Polish letter
quoting English replies, or English with a German signature, is not called either way."""
MIN_BYTES: Final = 30
"""Letters the detector must have read: "ok, thanks" is no language, a stranger's "Desejo
falar com você." under a subject is (32; at 40, three phishing_pot lures of this size went
uncalled, and no ham of the corpus replay or the synthetic organisations is called at 30)."""
_LINK: Final = re.compile(r"[<hw](?:(?<=<)(?:https?://|www\.)|(?<=h)ttps?://|(?<=w)ww\.)"
                          r"[^\s>]*+>?", re.IGNORECASE)
r"""A link written out in a text part: no language (CLD2 calls a list of them English).

``<?(?:https?://|www\.)[^\s>]*+>?`` written to start with one character class: re then
scans for "<", "h" or "w" and tries only there; the optional "<" in front made it try every
position (21 µs for 1,000 characters against 7; the same matches)."""


def language_of(subject: str, text: str, html: str = "", *, chars: int = DETECT_CHARS
                ) -> str:
    """The ISO 639-1 code of the language ``subject`` and ``text`` are written in, or "".

    "" when the call is unreliable, the text too short, or no language holds
    ``MIN_PERCENT`` of it. Links written out in the text part are left out (CLD2 calls a list
    of URLs English). When the text part gives no call (a stub such as "...", or boilerplate
    that drowns its words) and there is an HTML part, the HTML part is read instead, its
    markup skipped (so four times as many characters): it is the page the reader sees. The
    subject, too, is read to ``chars``: CLD2 is linear, and a sender writes both.
    """
    if text:
        code = _call(subject[:chars], _LINK.sub(" ", text[:chars]), plain=True)
        if code or not html:
            return code
    return _call(subject[:chars], html[:chars * 4], plain=False)


def _call(subject: str, body: str, *, plain: bool) -> str:
    """CLD2's call on one part, or "" when it makes none that counts."""
    data = f"{subject}\n{body}".encode("utf-8", "replace")
    try:
        reliable, read, found = pycld2.detect(data, isPlainText=plain)
    except pycld2.error:  # bytes it cannot take (control characters): no call
        return ""
    code, percent = found[0][1], found[0][2]
    if not reliable or read < MIN_BYTES or percent < MIN_PERCENT or code in ("un", "xxx"):
        return ""
    return str(code)


def teaching_sample(record: MailRecord) -> bool:
    """Whether ``record`` is one of the tenant's own messages sampled to learn its languages.

    Every outbound message: the languages a tenant corresponds in with the outside world are
    the ones a stranger's message is judged against, and outbound mail is the smaller part.
    """
    if record.direction == "outbound":
        return True
    return record.direction == "internal" and \
        zlib.crc32(record.message_id.encode("utf-8", "replace")) % INTERNAL_SAMPLE == 0

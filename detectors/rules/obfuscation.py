"""Disguised text: words spelt with look-alike letters or spaced out with invisible characters.

A kit that writes "Мetаmаsk" (a Cyrillic М and а among Latin letters) or "Prime" with a
zero-width character after every letter does it for one reason: the word reads the same to a
person and differently to a filter. Genuine mail has no use for either: a Russian word
is spelt in Cyrillic, an English one in Latin letters, and hyphenation hints (soft hyphens)
split syllables, not single letters. Rspamd and SpamAssassin keep rules of the same kind
(mixed-charset words).

Seven signs, each read in the display name, the subject and (all but styled letters and an
I for an l) the body:

* **a mixed-script word**: ASCII letters together with Cyrillic or Greek letters that pass
  for Latin ones, every letter of the word being one or the other (``names.LOOKALIKE_LETTERS``),
  a look-alike letter followed by a Latin one, and two lower-case Latin letters. "Москва" is
  not one (no Latin letter), nor are "iPhoneом" (``м`` passes for no Latin letter) and
  "Telegramе" (the Cyrillic letters only end the word): Russian text inflects Latin brand
  names that way. Nor are "αSMA" or "νe": Greek letters before capitals or a single letter
  are scientific notation;
* **letter spacing**: three or more single ASCII letters in a row, each followed by
  invisible characters (zero-width space, joiners, word joiner, BOM, soft hyphen,
  direction marks, invisible operators);
* **a broken word**: a Latin word split in two places or more by invisible characters that
  have no use inside one (zero-width space, direction marks and isolates, word joiner,
  invisible operators, BOM; not the soft hyphen or the joiners), "Me‎‎m‎be‎‎r‎‎ship" with left-to-right
  marks;
* **styled letters**, from a stranger with a risky link: two words or more of the display
  name or the subject written in the mathematical alphanumeric letters ("𝙔𝙊𝙐𝙍 𝙍𝙀𝙒𝘼𝙍𝘿",
  "𝐕𝐞𝐫𝐥𝐢𝐞𝐫𝐞𝐧 𝐒𝐢𝐞 𝐆𝐞𝐰𝐢𝐜𝐡𝐭"), bold or italic to a reader and no word to a filter. Some
  marketing styles its subjects so too, hence the conditions: a first contact whose links
  show a URL signal (a shortener, a rare TLD, free hosting…), what ``stranger_link`` reads;
* **an l for an I**: a word in capitals with a lower-case "l" between two of them that
  reads a word of the attack lexicon once each "l" is an "I" ("VlAGRA", "ClALlS"): in most
  fonts the two letters look alike, and no capitalised word holds a lower-case letter
  otherwise. The lexicon word is required so that part numbers and codes ("GlKH") are not
  disguises. An "l" opening such a word ("lRS.GOV", "User lD") reads a shorter list (ID,
  IRS, brands, the lexicon's I-words): people type "lOOKING" with caps lock on and "lNG"
  pressing shift late;
* **an I for an l**, in the name and the subject: a capital I opening a lower-case word
  that, with an "l", is one of a few account words or the lexicon's ("Someone tried to Iog
  in", "PayPaI Iimited"): with the I none is a word; or two capital I's inside a lower-case
  word ("Trust WaIIet");
* **overlaid letters**: overlay marks (strokes, solidi) drawn across some letters of a word
  ("Co̷rreio̷s"); across all of them, struck-through text is styling;
* **another script's marks**: a Latin letter carrying a Hebrew, Arabic, Syriac, Thaana or
  N'Ko combining mark ("noreply@service.ܿܿamܿz"), which those scripts put on their own
  letters only.

One such word in the display name or the subject is enough (two styled ones); the body needs
two mixed-script or swapped words or one letter-spaced run or broken word, so a single typo
in a long letter does not hold it.

Measured on the development corpora (headers normalised, the corpus replay of ``mailhawk
train``'s report): no message of the 25,226 corpus ham (Enron, SpamAssassin, watchdog) has
either sign, nor any of ~72,000 synthetic ham. In phishing_pot (4,520) it fires on 52 messages
of the earlier half of its dates, 38 of them missed before (warned as spam, or scored harmless
by the model), and on 16 of the later half, 8 missed before: 0.528 → 0.545 and 0.518 → 0.521.
The earlier half was read to find the signs; the later half is the held-out figure. The
training replay has no hit of it, so the shipped model and its thresholds are unchanged.
Broken words and direction marks as spacing (December 2026, read from the earlier half's
misses: subjects such as "New ‎Me‎‎m‎be‎‎r‎‎ship Statement" beside a text part reading
"normal"): no corpus ham has a Latin word broken so (nor with the soft hyphen and joiners
counted too); in the corpus replay the earlier half's held 1,579 → 1,586 of 2,260 (a
flagged sender's next message among them), the later half's 3 such messages were held
already, and the 25,226 ham are as before.

A word opened by the swapped letter (December 2026, read from both halves' misses):
+10 phishing_pot (tax-refund kits as "lRS.GOV", "Someone tried to Iog in … User lD", "PayPaI
Iimited account"), and the double I and overlaid letters +4 more; the 25,226 ham as before: no
ham word has any of them in the name, the subject or the text's first 2,000 characters (one
SpamAssassin spam subject in caps lock), nor any synthetic ham once words inside links were
left out (six newsletters' tracking codes held "lD" before).

The hit is decisive (``combine.decisive``): the model learns the mail it was trained on, and a
disguise exists precisely to look like none of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar, Final

from detectors.base import Context, ScoredConfig, build_config, hit
from detectors.lexicon import PHRASES
from detectors.names import LOOKALIKE_LETTERS
from detectors.rules.brand import BRANDS
from schemas.records import Hit

# How much of the body is read. Kits disguise the words of the first lines (the greeting, the
# call to action); 2,000 characters found all but 2 of the phishing_pot messages that 4,000
# found, at half the cost.
BODY_CHARS: Final = 2000

_LOOK: Final = "".join(sorted(LOOKALIKE_LETTERS))
# Characters with no use inside a Latin word: zero-width space, left-to-right and
# right-to-left marks, word joiner, invisible operators, BOM, combining grapheme joiner,
# Mongolian vowel separator, and the directional embeddings, overrides and isolates
# (U+202A-E, U+2066-9: right-to-left text wraps whole Latin words in them, never a piece).
# The soft hyphen (hyphenation hints) and the zero-width (non-)joiners (Persian and Indic
# spelling, emoji sequences) have uses: they count only as letter spacing.
_FORMAT: Final = ("\u200b\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u034f\u180e"
                  "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE: Final = "\u00ad\u200c\u200d" + _FORMAT
# A pattern that starts with one character class is searched at a few ns a character (the
# regex engine scans for the class first); one that starts with an alternation or a
# look-behind tries every position at ~8-25 ns a character. So the mixed-script search looks
# for the one pair a disguised word must hold (a look-alike letter, then a Latin one) and
# widens each find to its word, the letter-spacing search runs only on text that holds an
# invisible character, and ``TextObfuscation`` reads a text only if one scan finds either.
# Accented Latin mail costs ~1 µs a message on the corpus stream; Cyrillic or Greek mail,
# where every third character is a look-alike letter, ~20 µs for 2,000 characters (~200 µs
# when every word was split and checked).
# Overlay marks (tilde, strokes, solidi) drawn across a letter: "Co̷rreio̷s", "Fa̷lha na
# e̷ntre̷ga". Struck-through text is styling when every letter of a word has one ("$̶9̶9̶",
# a former price); on some letters of a word it breaks the word for a filter only.
_OVERLAY: Final = "\u0334\u0335\u0336\u0337\u0338"
_OVERLAID: Final = re.compile(f"[A-Za-z][{_OVERLAY}]")
_HAS_OVERLAY: Final = re.compile(f"[{_OVERLAY}]")
_OVERLAY_WORD: Final = re.compile(f"[A-Za-z{_OVERLAY}]+")
# Combining marks of the Hebrew, Arabic, Syriac, Thaana and N'Ko scripts: vowel points and
# accents of right-to-left letters, which render over whatever precedes them. After a Latin
# letter they have no use ("noreply@service.ܿܿamܿz" with Syriac marks: a filter reads no
# "amz"); right-to-left text puts them after its own letters.
_FOREIGN_MARKS: Final = ("\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a"
                         "\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8"
                         "\u06ea-\u06ed\u0711\u0730-\u074a\u07a6-\u07b0\u07eb-\u07f3")
_FOREIGN_MARKED: Final = re.compile(f"[A-Za-z][{_FOREIGN_MARKS}]")
_FOREIGN_MARKED_WORD: Final = re.compile(f"[A-Za-z{_FOREIGN_MARKS}]+")
_FOREIGN_MARK: Final = re.compile(f"[{_FOREIGN_MARKS}]")
_SUSPECT: Final = re.compile(  # one scan that clears most text
    f"[{_LOOK}{_INVISIBLE}{_OVERLAY}{_FOREIGN_MARKS}]")
_LOOKALIKE_BEFORE_LATIN: Final = re.compile(f"[{_LOOK}](?=[A-Za-z])")
_HAS_INVISIBLE: Final = re.compile(f"[{_INVISIBLE}]")
_WORD: Final = re.compile(r"[^\W\d_]+")
_SPACED: Final = re.compile(f"(?<![A-Za-z])(?:[A-Za-z][{_INVISIBLE}]+){{3,}}[A-Za-z]?")
# Possessive, after a word start: linear in the text, whatever a sender writes.
_BROKEN: Final = re.compile(f"(?<![A-Za-z])[A-Za-z]++(?:[{_FORMAT}]++[A-Za-z]++){{2,}}")
_HAS_FORMAT: Final = re.compile(f"[{_FORMAT}]")
# A lower-case l before a capital (a pattern that starts with a literal is searched at ~0.4
# ns a character, one that starts with a class at ~6): found, then widened to its word,
# which must be capitals and l only with a capital before the l.
_L_BEFORE_CAPITAL: Final = re.compile(r"l[A-Z]")
_CAPITALS_AND_L: Final = re.compile(r"[A-Zl]+")
_LEXICON_WORDS: Final = frozenset(p for phrases in PHRASES.values() for p in phrases
                                  if p.isascii() and p.isalpha())
# What a word opened by an "l" must read with an "I" instead: what kits spell so ("lRS.GOV",
# "Someone tried to log in, User lD"), brand names of four letters or more and the lexicon's
# words beginning with I. Typing opens words so too: with caps lock on ("lOOKING FOR AGENT",
# reading nothing) or pressing shift a letter late, which makes "LNG" "lNG", hence no
# three-letter brand ("ING") beyond the two kits use.
_INITIAL_L_READS: Final = frozenset(
    {"id", "irs", *(w for w in _LEXICON_WORDS if w.startswith("i")),
     *(c for b in BRANDS if (c := b.replace(" ", "")).startswith("i") and c.isalpha()
       and len(c) >= 4)})
# The other way round: a capital I opening a lower-case word it turns into none ("Someone
# tried to Iog in", "PayPaI Iimited account"). No word of the list, nor of the lexicon's
# that begin with an l, is a word with an I; found by the literal I, then checked to start
# a word.
_I_READS_L: Final = frozenset({"log", "login", "logon", "locked", "limited", "link",
                               *(w for w in _LEXICON_WORDS if w.startswith("l"))})
_I_FOR_L: Final = re.compile(r"I(" + "|".join(sorted((w[1:] for w in _I_READS_L), key=len,
                                                    reverse=True)) + r")\b")
_DOUBLE_I: Final = re.compile(r"[a-z]II+[a-z]")
_LATIN_WORD: Final = re.compile(r"[A-Za-z]+")
_TOKEN_CHARS: Final = frozenset("=/&?%+_@#~\\")
# Letters of the Mathematical Alphanumeric Symbols block (bold, italic, script, sans-serif,
# monospace Latin and digits), two or more in a row: a word a person reads and a filter
# does not.
_STYLED: Final = re.compile("[\U0001D400-\U0001D7FF]{2,}")
_FOLD: Final = str.maketrans(dict.fromkeys(_INVISIBLE, ""))
_FOLD_LOOKALIKE: Final = str.maketrans(LOOKALIKE_LETTERS)
_FOLD_OVERLAY: Final = str.maketrans(dict.fromkeys(_OVERLAY, ""))


def _marked_words(text: str, marker: re.Pattern[str], word: re.Pattern[str],
                  in_word: Callable[[str], bool]) -> Iterator[str]:
    """Each word of ``text`` that holds a ``marker`` find, once, read whole.

    The search looks for what a disguised word must hold (a pattern that starts with one
    character class or a literal is searched at a few ns a character) and widens each find
    back over the characters ``in_word`` takes to the start ``word`` matches from.
    """
    end = 0
    for m in marker.finditer(text):
        start = m.start()
        if start < end:
            continue  # inside the word just read
        while start and in_word(text[start - 1]):
            start -= 1
        found = word.match(text, start)
        if found is None:  # a letter in_word accepts and the pattern does not
            continue
        end = found.end()
        yield found.group()


def _is_latin_or_overlay(c: str) -> bool:
    return "A" <= c <= "Z" or "a" <= c <= "z" or c in _OVERLAY


def _is_latin(c: str) -> bool:
    return "A" <= c <= "Z" or "a" <= c <= "z"


def mixed_script_words(text: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` words of ``text`` that mix ASCII letters with look-alike letters.

    A word qualifies when every letter is ASCII or a look-alike, a look-alike letter has a
    Latin one after it, and it has two lower-case Latin letters: a Cyrillic ending on a Latin
    word ("Telegramе", Russian inflection) is grammar, and a Greek letter before capitals or
    a single letter ("αSMA", "αvβ3", "νe") is scientific notation, not a disguise.
    """
    if text.isascii():
        return []
    found: list[str] = []
    for w in _marked_words(text, _LOOKALIKE_BEFORE_LATIN, _WORD, str.isalpha):
        if all(c.isascii() or c in LOOKALIKE_LETTERS for c in w) and \
                sum("a" <= c <= "z" for c in w) >= 2:
            found.append(w)
            if len(found) >= limit:
                break
    return found


def letter_spaced(text: str) -> str | None:
    """The first run of single letters spaced by invisible characters, with them removed."""
    if text.isascii() or _HAS_INVISIBLE.search(text) is None:
        return None
    m = _SPACED.search(text)
    return m.group().translate(_FOLD) if m else None


def broken_word(text: str) -> str | None:
    """The first Latin word broken in two places or more by invisible characters, read whole.

    "Me\u200e\u200em\u200ebe\u200er\u200eship" is "Membership" to its reader; kits break
    the words a filter looks for in pieces that are not single letters, which
    :func:`letter_spaced` misses.
    """
    if text.isascii() or _HAS_FORMAT.search(text) is None:
        return None
    m = _BROKEN.search(text)
    return m.group().translate(_FOLD) if m else None


def overlaid_words(text: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` Latin words with overlay marks on some of their letters, read without."""
    found: list[str] = []
    if _HAS_OVERLAY.search(text) is None:  # one class scan; the pair search costs ten times
        return found
    for w in _marked_words(text, _OVERLAID, _OVERLAY_WORD, _is_latin_or_overlay):
        if sum(c in _OVERLAY for c in w) < sum(c.isascii() for c in w):
            found.append(w.translate(_FOLD_OVERLAY))
            if len(found) >= limit:
                break
    return found


def foreign_marked_words(text: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` Latin words carrying another script's combining marks, read without."""
    found: list[str] = []
    for w in _marked_words(text, _FOREIGN_MARKED, _FOREIGN_MARKED_WORD, _is_latin_or_foreign):
        found.append(_FOREIGN_MARK.sub("", w))
        if len(found) >= limit:
            break
    return found


def _is_latin_or_foreign(c: str) -> bool:
    return "A" <= c <= "Z" or "a" <= c <= "z" or _FOREIGN_MARK.match(c) is not None


def _in_prose(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands as a word of prose, not inside a token.

    Links and tracking codes are runs of random letters ("?u=lD9j2EN1N8b5"): a two-letter
    read is found in them by chance (six synthetic newsletters' tracking links held "lD").
    """
    return (not start or not (text[start - 1].isalnum() or text[start - 1] in _TOKEN_CHARS)) \
        and (end >= len(text) or not (text[end].isalnum() or text[end] in _TOKEN_CHARS))


def l_for_i_words(text: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` capitalised words of ``text`` with an "l" for an "I", read with "I".

    Only words that then read a single-word phrase of the attack lexicon ("VlAGRA" is
    "VIAGRA"); a word may count more than once, as a kit repeats it.
    """
    found: list[str] = []
    end = 0
    for m in _L_BEFORE_CAPITAL.finditer(text):
        start = m.start()
        if start < end:
            continue
        if start and "A" <= text[start - 1] <= "Z":
            while start and ("A" <= text[start - 1] <= "Z" or text[start - 1] == "l"):
                start -= 1
            initial = False
        else:  # the l opens the word ("lRS", "User lD"): read against a shorter list
            initial = True
        word = _CAPITALS_AND_L.match(text, start)
        if word is None:  # the pattern's first letter starts a word of capitals and l
            continue
        end = word.end()
        if end < len(text) and text[end].isalpha():
            continue  # part of a longer word in other letters
        if start and text[start - 1].isalpha():
            continue
        if initial and not _in_prose(text, start, end):
            continue
        reads = word.group().replace("l", "I")
        if reads.lower() in (_INITIAL_L_READS if initial else _LEXICON_WORDS):
            found.append(reads)
            if len(found) >= limit:
                break
    return found


def i_for_l_words(text: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` words of ``text`` with an "I" for an "l", read with "l".

    A word opened by one (:data:`_I_READS_L`), or a lower-case word with a double "l" of
    capitals ("Trust WaIIet", "Entrega faIIIida"): no word is written so.
    """
    found: list[str] = []
    for m in _I_FOR_L.finditer(text):
        if not _in_prose(text, m.start(), m.end()):
            continue
        found.append("l" + m.group(1))
        if len(found) >= limit:
            return found
    if "II" not in text:
        return found
    for w in _marked_words(text, _DOUBLE_I, _LATIN_WORD, _is_latin):
        reads = w[0] + w[1:].replace("I", "l")
        if reads[1:].islower():
            found.append(reads)
            if len(found) >= limit:
                break
    return found


def styled_words(text: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` words of ``text`` written in mathematical letters, read as Latin."""
    return [unicodedata.normalize("NFKC", w) for w in _STYLED.findall(text)[:limit]]


@dataclass(frozen=True, slots=True)
class ObfuscationConfig(ScoredConfig):
    """Score of a disguised word (decisive from ``combine.decisive``)."""

    score: float = 0.95
    body_min_words: int = 2

    def validate(self) -> None:
        ScoredConfig.validate(self)
        if self.body_min_words < 1:
            raise ValueError("body_min_words must be at least 1")


class TextObfuscation:
    """Words disguised from filters: mixed scripts, invisible spacing, an l for an I."""

    name: ClassVar[str] = "text_obfuscation"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: ObfuscationConfig = build_config(ObfuscationConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        r = ctx.record
        body = r.text[:BODY_CHARS]
        c = self.config
        for where, text, need in (("display_name", r.sender.name, 1),
                                  ("subject", r.subject, 1),
                                  ("body", body, c.body_min_words)):
            if _L_BEFORE_CAPITAL.search(text) is not None:
                swapped = l_for_i_words(text, max(need, 3))
                if len(swapped) >= need:
                    return [self._hit(ctx, where, "l_for_i", swapped)]
            # In the name and the subject only, where kits write it: a body has an "I" in
            # most lines, and the search cost a µs a message there for no find.
            if need == 1 and "I" in text:
                swapped = i_for_l_words(text)
                if swapped:
                    return [self._hit(ctx, where, "i_for_l", swapped)]
            # str.isascii is a flag read: most mail ends here, nothing copied
            if text.isascii():
                continue
            if need == 1 and _STYLED.search(text) is not None:
                styled = styled_words(text)
                if len(styled) >= 2 and ctx.first_contact and ctx.content.urls.score > 0.0:
                    return [self._hit(ctx, where, "styled_letters", styled)]
            if _SUSPECT.search(text) is None:
                continue
            words = mixed_script_words(text, max(need, 3))
            if len(words) >= need:
                return [self._hit(ctx, where, "mixed_script",
                                  [w.translate(_FOLD_LOOKALIKE) for w in words])]
            spaced = letter_spaced(text)
            if spaced:
                return [self._hit(ctx, where, "letter_spacing", [spaced])]
            broken = broken_word(text)
            if broken:
                return [self._hit(ctx, where, "broken_word", [broken])]
            overlaid = overlaid_words(text, max(need, 3))
            if len(overlaid) >= need:
                return [self._hit(ctx, where, "overlaid_letters", overlaid)]
            marked = foreign_marked_words(text, max(need, 3))
            if len(marked) >= need:
                return [self._hit(ctx, where, "foreign_marks", marked)]
        return []

    def _hit(self, ctx: Context, where: str, technique: str, words: list[str]) -> Hit:
        cues = ctx.content.cues
        attack_type = ("credential_phishing" if cues.credential else
                       "scam" if cues.scam or cues.gift_card else "spam")
        return hit(self.name, self.config.score * self.config.weight, attack_type,
                   where=where, technique=technique, reads_as=[w[:40] for w in words])


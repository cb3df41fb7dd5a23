"""The batched lexicon scan gives, message for message, what the definition says.

``reference_scan`` below is the lexicon's definition written out literally and slowly (every
phrase of ``PHRASES`` looked for as ``b" phrase words "`` in the normalised text); it shares
no code with ``detectors.lexicon`` but the data. ``scan_texts`` (vectorised over a batch)
and ``scan_text`` (one message) must both equal it on realistic streams and on adversarial
text: non-ASCII and accented upper case, Unicode separators and zero-width characters,
punctuation between phrase words, text cut at the scan limit, lone surrogates.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Iterator

import numpy as np
import pytest

from bench.generate import generate
from detectors import lexicon
from detectors.features import extract, extract_batch
from detectors.lexicon import (
    CATEGORIES,
    MAX_PHRASE_CHARS,
    MAX_TEXT_CHARS,
    PHRASES,
    Cues,
    scan_text,
    scan_texts,
)

# What the lexicon folds before it reads words (module doc, step 1).
SEPARATORS = {"’": " ", "‘": " ", "\u00a0": " ", "–": " ", "—": " ",
              "\u200b": "", "\u200c": "", "\u200d": "", "\u00ad": ""}


def _flat(text: str) -> bytes:
    for old, new in SEPARATORS.items():
        text = text.replace(old, new)
    data = text.encode("utf-8", "replace").lower()
    return bytes(b if b >= 0x80 or chr(b).isalnum() else 0x20 for b in data)


def _variants(phrase: str) -> list[str]:
    """Upper/lower case of every accented letter (bytes.lower folds ASCII only), at most 16."""
    out = [""]
    for ch in phrase:
        up = ch.upper()
        if ch.isascii() or up == ch or len(up) != 1:
            out = [v + ch for v in out]
        else:
            out = [v + c for v in out for c in (ch, up)][:16]
    return out


@functools.cache
def _phrase_keys() -> list[list[list[bytes]]]:
    """Per category, per phrase: its normalised forms; a form seen earlier counts not again."""
    out = []
    for phrases in PHRASES.values():
        seen: set[bytes] = set()
        per_phrase = []
        for text in phrases:
            forms = []
            for variant in _variants(text.lower()):
                key = b" ".join(_flat(variant).split())
                if key and key not in seen:
                    seen.add(key)
                    forms.append(b" " + key + b" ")
            per_phrase.append(forms)
        out.append(per_phrase)
    return out


def reference_scan(subject: str, text: str) -> Cues:
    if not subject and not text:
        return Cues()
    flat = _flat(" " + subject + "\n" + text[:MAX_TEXT_CHARS] + " ")
    counts: dict[str, int] = {}
    phrases: dict[str, str] = {}
    for name, originals, per_phrase in zip(CATEGORIES, PHRASES.values(), _phrase_keys(),
                                           strict=True):
        for original, forms in zip(originals, per_phrase, strict=True):
            if any(form in flat for form in forms):
                counts[name] = counts.get(name, 0) + 1
                phrases.setdefault(name, original[:MAX_PHRASE_CHARS])
    return Cues(**counts, phrases=phrases)


def _adversarial(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """Texts built from lexicon phrases, mangled the ways mail mangles them."""
    phrases = [p for v in PHRASES.values() for p in v]
    filler = ["the", "and", "Grüße", "ÜBERWEISUNG", "naïve", "Café", "of", "到", "invoice42",
              "x", "é", "\udcff", "wire", "transfer", "ßtraße", "İstanbul", "ﬁle", "Ω",
              # vocabulary words of 8, 9, 16 and 17 bytes, and near misses of them
              "transfer", "transfers", "remittance", "gehaltsabrechnung", "gehaltsabrechnunG",
              "gehaltsabrechnunx", "xehaltsabrechnung", "gehaltsabrechnungen",
              "cryptocurrencyy", "überweisung", "überweisunx", "beneficiário", "beneficiárix"]
    seps = [" ", "  ", ", ", "\n", "-", "’", "\u00a0", "\u200b", "—", ".", "'", "\t", "/"]
    out = []
    for _ in range(n):
        words: list[str] = []
        for _ in range(rng.randint(0, 60)):
            if rng.random() < 0.3:
                phrase = rng.choice(phrases)
                if rng.random() < 0.3:
                    phrase = phrase.upper()
                elif rng.random() < 0.3:
                    phrase = phrase.title()
                if rng.random() < 0.3:  # phrase words not separated by exactly one space
                    phrase = rng.choice(seps).join(phrase.split())
                words.append(phrase)
            else:
                words.append(rng.choice(filler))
        text = "".join(w + rng.choice(seps) for w in words)
        subject = rng.choice(["", "Urgent", "RE: wire transfer", "Überweisung heute",
                              rng.choice(phrases)])
        out.append((subject, text))
    # The scan limit: a phrase straddling it, and one just past it.
    pad = "x " * (MAX_TEXT_CHARS // 2)
    out += [("", pad[:-1] + "wire transfer"), ("", pad + "gift card"), ("", ""),
            ("wire", ""), ("", "   "), ("", "‘wire’ transfer"), ("", "ur\u200bgent")]
    return out


@pytest.fixture(scope="module")
def stream_messages() -> list[tuple[str, str]]:
    records = [r for r, _ in itertools.islice(generate(3, 20, 5), 3000)]
    return [(r.subject, r.text) for r in records]


def test_scan_texts_equals_the_definition_on_a_stream(
        stream_messages: list[tuple[str, str]]) -> None:
    got = scan_texts(stream_messages)
    want = [reference_scan(s, t) for s, t in stream_messages]
    assert sum(c.total > 0 for c in want) > 100  # the stream does exercise the lexicon
    assert got == want


@pytest.mark.parametrize("form", ["c", "numpy"])
@pytest.mark.parametrize("batch", [1, 7, 250])
def test_scan_texts_equals_the_definition_on_mangled_text(
        batch: int, form: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if form == "numpy":  # the fallback where detectors/_kernels.c was not built
        monkeypatch.setattr(lexicon, "_native", None)
    messages = _adversarial(random.Random(batch), 600)
    got = [c for lo in range(0, len(messages), batch)
           for c in scan_texts(messages[lo:lo + batch])]
    want = [reference_scan(s, t) for s, t in messages]
    assert sum(c.total > 0 for c in want) > 300
    assert got == want


def _chunk(messages: list[tuple[str, str]]) -> tuple[bytes, int, np.ndarray]:
    """``(buf, n, msg_start)`` of a chunk, as ``lexicon._scan_chunk`` builds it."""
    flats = [lexicon._normalise(f" {s}\n{t[:MAX_TEXT_CHARS]} ") for s, t in messages
             if s or t]
    buf = b"".join(flats) + b" " * 24
    msg_start = np.cumsum([0, *map(len, flats[:-1])], dtype=np.int64)
    return buf, len(buf) - 8, msg_start


def _native_codes(buf: bytes, n: int, msg_start: np.ndarray, **change: object) -> np.ndarray:
    """``_kernels.phrase_codes`` with the table's arguments (``change`` replaces some)."""
    table = lexicon._table()
    args = {
        "multiplier": int(table.multiplier), "shift": int(table.shift),
        "slot_vid": table.slot_vid, "slot_bits": table.slot_bits, "first8": table.first8,
        "last8": table.last8, "length": table.length, "words": table.words,
        "single_group": table.single_group, "base": table.base,
        "phrase_multiplier": table.phrase_multiplier, "phrase_shift": table.phrase_shift,
        "phrase_group": table.phrase_group, "phrase_offset": table.phrase_offset,
        "group_key": table.group_key, "wraps": table.wraps_flags,
        "group_start": table.group_start, "entry_code": table.entry_code,
        "entry_padded": table.entry_padded, "span": table.span,
    }
    args.update(change)
    return np.frombuffer(lexicon._native.phrase_codes(buf, n, msg_start, *args.values()),
                         dtype=np.int64)


def _assert_kernel_equals_numpy_form(chunks: list[list[tuple[str, str]]]) -> int:
    table = lexicon._table()
    found = 0
    for messages in chunks:
        buf, n, msg_start = _chunk(messages)
        want = lexicon._phrase_codes(buf, n, msg_start, table)
        np.testing.assert_array_equal(_native_codes(buf, n, msg_start), want)
        found += len(want)
    return found


def test_the_phrase_kernel_is_built_and_returns_the_numpy_forms_codes(
        stream_messages: list[tuple[str, str]]) -> None:
    """``_kernels.phrase_codes`` against ``_phrase_codes``, on a mail stream and mangled text.

    Chunks of one message, a few, and hundreds; long mail crosses the kernel's 64-byte blocks
    and its tail block in every position.
    """
    assert lexicon._native is not None, "detectors/_kernels.c was not built (./dev.sh test)"
    rng = random.Random(5)
    chunks = [_adversarial(rng, size) for size in (1, 3, 40, 300)]
    chunks += [stream_messages[lo:lo + size] for lo, size in
               ((0, 1), (1, 2), (3, 125), (128, 500), (628, 2000))]
    chunks += [[("", "x" * i + " wire transfer" + " " * j)] for i in range(70)
               for j in (0, 1, 63)]
    assert _assert_kernel_equals_numpy_form(chunks) > 3000


@pytest.mark.usefixtures("longer_lexicon")
def test_the_phrase_kernel_confirms_packings_that_wrap() -> None:
    assert any(lexicon._table().wraps)
    messages = [*_adversarial(random.Random(6), 200),
                ("", "Please send the full amount to the new account in Bitcoin today."),
                ("", "please send the full amount to the new account in bitcoin, today"),
                ("", "zzyzx quux wire transfer Überweisungsträger")]
    assert _assert_kernel_equals_numpy_form([messages, messages[-3:], messages[-2:-1]]) > 500


def test_the_phrase_kernel_refuses_what_it_cannot_read() -> None:
    table = lexicon._table()
    buf, n, msg_start = _chunk([("", "wire transfer")])
    with pytest.raises(ValueError, match="padding"):
        _native_codes(buf, len(buf) - 7, msg_start)  # not 8 bytes left past n
    with pytest.raises(TypeError):
        _native_codes(buf, n, msg_start, first8=table.first8.astype(np.uint32))
    with pytest.raises(ValueError, match="sizes"):
        _native_codes(buf, n, msg_start, first8=table.first8[:1])
    with pytest.raises(ValueError, match="sizes"):
        _native_codes(buf, n, msg_start, slot_bits=table.slot_bits[:8])
    with pytest.raises(ValueError, match="group"):
        _native_codes(buf, n, msg_start, phrase_group=np.full_like(table.phrase_group, 1 << 30))
    with pytest.raises(ValueError, match="span"):
        _native_codes(buf, n, msg_start, span=1)
    assert len(_native_codes(buf, n, msg_start)) == 2  # "wire" and "wire transfer"


def test_the_join_kernel_returns_what_its_python_form_does(
        stream_messages: list[tuple[str, str]]) -> None:
    """``_kernels.join_translated`` against ``_join_translated``, and both against
    ``_normalise`` of the joined message (what they stand for)."""
    rng = random.Random(8)
    messages = stream_messages[:300] + _adversarial(rng, 300)
    ascii_messages = [(s, t) for s, t in messages if (s + t).isascii()]
    assert len(ascii_messages) > 200
    pieces: list[str | bytes] = []
    for subject, text in ascii_messages:
        pieces += (" ", subject, "\n", text, " ")
    tail = lexicon._normalise(" Grüße, ÜBERWEISUNG\n\u200bwire ")  # a non-ASCII message
    pieces.append(tail)
    want = lexicon._join_translated(pieces, 24)
    assert lexicon._native.join_translated(pieces, lexicon._PUNCT_TO_SPACE, 24) == want
    assert want == b"".join(lexicon._normalise(f" {s}\n{t} ") for s, t in ascii_messages) \
        + tail + b" " * 24
    assert lexicon._native.join_translated([], lexicon._PUNCT_TO_SPACE, 3) == b"   "
    with pytest.raises(TypeError):
        lexicon._native.join_translated(["naïve"], lexicon._PUNCT_TO_SPACE, 0)
    with pytest.raises(ValueError, match="256"):
        lexicon._native.join_translated(["a"], b"x", 0)


def test_scan_text_equals_the_definition() -> None:
    for subject, text in _adversarial(random.Random(99), 300):
        assert scan_text(subject, text) == reference_scan(subject, text), (subject, text)


def test_scan_texts_of_nothing() -> None:
    assert scan_texts([]) == []
    assert scan_texts([("", ""), ("", " ")]) == [Cues(), Cues()]


def test_extract_batch_equals_extract() -> None:
    from tests.factories import org_traffic

    records = org_traffic(400)
    assert extract_batch(records) == [extract(r) for r in records]


@pytest.fixture
def longer_lexicon() -> Iterator[None]:
    """PHRASES with what another engineer might add: a long phrase, new words, a duplicate."""
    import detectors.lexicon as lexicon

    saved = dict(PHRASES)
    PHRASES["scam"] = (*PHRASES["scam"],
                       "please send the full amount to the new account in bitcoin today",
                       "zzyzx quux", "wire transfer")
    PHRASES["payment"] = ("überweisungsträger", *PHRASES["payment"])
    for fn in (lexicon._index, lexicon._table, _phrase_keys):
        fn.cache_clear()
    yield
    PHRASES.clear()
    PHRASES.update(saved)
    for fn in (lexicon._index, lexicon._table, _phrase_keys):
        fn.cache_clear()


@pytest.mark.usefixtures("longer_lexicon")
def test_the_index_follows_phrases_including_phrases_too_long_to_pack() -> None:
    import detectors.lexicon as lexicon

    table = lexicon._table()
    assert any(table.wraps)  # an 11-word phrase does not pack into an int64: confirmed
    messages = [
        *_adversarial(random.Random(5), 300),
        ("", "Please send the full amount to the new account in Bitcoin today."),
        ("", "please send the full amount to the new account in bitcoin, today"),
        ("", "zzyzx quux wire transfer Überweisungsträger"),
    ]
    got = scan_texts(messages)
    assert got == [reference_scan(s, t) for s, t in messages]
    assert got[-3].scam == 1 and got[-2].scam == 0
    assert got[-1].scam == 2 and got[-1].payment >= 2


def test_scan_texts_equals_scan_text_on_edge_cases() -> None:
    """Phrase placement, overlap, case and length edges, batched and one message at a time."""
    pad = "y " * ((MAX_TEXT_CHARS - 10) // 2)  # MAX_TEXT_CHARS - 10 characters
    messages = [
        # at the very start and end of subject and text, and across the two
        ("wire transfer", "gift card"), ("Invoice", "wire"), ("wire", "transfer now"),
        ("", "payment"), ("payment", ""), ("URGENT!", "...ASAP."),
        # repeated and overlapping phrases: "wire" in "wire transfer", shared words
        ("", "payment payment payment, PAYMENT"),
        ("", "bank transfer the funds transfer of funds"),
        ("", "google play gift card; apple gift card gift cards"),
        ("", "are you available are you free right now"),
        # non-ASCII letters in upper, lower and mixed case
        ("ÜBERWEISUNG", "Neue Bankverbindung, GEÄNDERTE BANKVERBINDUNG, änderung der BANK"),
        ("", "NOUVELLES COORDONNÉES BANCAIRES, Vérifiez Votre Compte, CARTÃO PRESENTE"),
        ("", "você está disponível? VOCÊ ESTÁ DISPONÍVEL? Êtes-vous disponible"),
        # vocabulary words longer than 16 bytes, and near misses of them
        ("", "gehaltsabrechnung"), ("", "Gehaltsabrechnungen xgehaltsabrechnung"),
        ("gehaltsabrechnunG", "GEHALTSABRECHNUNG."),
        # the scan limit: a phrase that fits exactly, and one cut inside its last word
        ("", pad + "gift cards"), ("", pad + "wire transfers"), ("", pad * 3 + "payroll"),
        ("", ""), ("", " "),
    ]
    assert len(pad + "gift cards") == MAX_TEXT_CHARS
    want = [scan_text(s, t) for s, t in messages]
    assert want == [reference_scan(s, t) for s, t in messages]
    assert scan_texts(messages) == want
    assert [scan_texts([m])[0] for m in messages] == want
    assert want[2].payment == 2  # "wire" and "wire transfer", across subject and text
    assert want[16].phrases == {"gift_card": "gift cards"}  # whole words only
    assert want[17].payment == 1  # "wire", not the cut "wire transfe"

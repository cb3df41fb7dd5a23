"""Content fingerprints: the C kernel computes the reference, and near-copies are found.

The reference (``signature_reference``) is the definition; the kernel must give the same bytes
for every text, ASCII (read as str) and not (normalised to bytes first).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors import fingerprint
from detectors.fingerprint import (
    BAND_CHARS,
    BANDS,
    MIN_SHINGLES,
    SIGNATURE_BYTES,
    bands,
    fingerprints,
    signature_reference,
    similarities,
    similarity,
)

LURE = ("Your mailbox storage is full. To keep receiving messages, verify your account "
        "within 24 hours at the link below, or your mailbox will be suspended and all "
        "messages deleted. Log in now to upgrade your quota at no cost. IT Service Desk.")
TEXTS = [
    ("", ""),
    ("hi", "see attached"),
    ("Invoice", LURE),
    ("INVOICE", LURE.upper()),
    ("Пожалуйста", "ПОДТВЕРДИТЕ ваш пароль " * 20),
    ("mixed İstanbul straße", "ΣΟΦΟΣ σοφός ﬃ 日本語 " + LURE),
    ("broken \udcff", "surrogate \ud800 " + LURE),
    ("long", "word " * 3000),
    ("tabs", "a\tb\nc\r\nd\x00e " * 100),
]


def _kernel() -> object:
    if fingerprint._native is None:
        pytest.skip("detectors/_kernels.c was not built")
    return fingerprint._native


def _reference(messages: list[tuple[str, str]]) -> list[tuple[bytes, str] | None]:
    out: list[tuple[bytes, str] | None] = []
    for subject, text in messages:
        sig = signature_reference(subject, text)
        out.append(None if sig is None else (sig, "".join(bands(sig))))
    return out


@pytest.mark.parametrize(("subject", "text"), TEXTS)
def test_kernel_equals_reference(subject: str, text: str) -> None:
    _kernel()
    assert fingerprints([(subject, text)]) == _reference([(subject, text)])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=40), st.text(max_size=600)), max_size=8))
def test_kernel_equals_reference_on_any_text(messages: list[tuple[str, str]]) -> None:
    _kernel()
    assert fingerprints(messages) == _reference(messages)


def test_fallback_is_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fingerprint, "_native", None)
    assert fingerprints(TEXTS) == _reference(TEXTS)


def test_short_text_has_no_fingerprint() -> None:
    words = " ".join(f"w{i}" for i in range(MIN_SHINGLES + 2))  # MIN_SHINGLES - 1 shingles
    assert signature_reference("", words) is None
    assert signature_reference("x", words) is not None  # one more token, one more shingle


def test_case_and_punctuation_do_not_matter() -> None:
    a = signature_reference("Invoice", LURE)
    assert a is not None and len(a) == SIGNATURE_BYTES
    assert signature_reference("INVOICE!", LURE.upper().replace(".", " ...")) == a


def _resend(text: str, rng: random.Random, changes: int) -> str:
    """``text`` with ``changes`` words replaced (a campaign's greeting, amount, name)."""
    words = text.split()
    for i in rng.sample(range(len(words)), changes):
        words[i] = f"x{rng.randrange(10**6)}"
    return " ".join(words)


def test_a_near_copy_shares_a_band_and_scores_high() -> None:
    rng = random.Random(7)
    a = signature_reference("Mailbox full", LURE)
    b = signature_reference("Mailbox full", _resend(LURE, rng, 2))
    assert a is not None and b is not None
    assert similarity(a, b) >= 0.6
    assert set(bands(a)) & set(bands(b))


def test_unrelated_texts_score_low() -> None:
    a = signature_reference("Mailbox full", LURE)
    other = ("Minutes of Tuesday's meeting: the gas desk will move the Houston position "
             "reports to the new template next week; please send comments on the draft "
             "to Sally before Friday so that the risk group can review them in time.")
    b = signature_reference("Re: minutes", other)
    assert a is not None and b is not None
    assert similarity(a, b) < 0.2
    assert similarity(a, a) == 1.0


def test_bands_are_pairs_of_non_empty_bins() -> None:
    a = signature_reference("Mailbox full", LURE)
    assert a is not None
    names = bands(a)
    assert 0 < len(names) <= BANDS
    assert all(len(n) == BAND_CHARS and len(n.split(":")[1]) == 16 for n in names)
    assert len({n.split(":")[0] for n in names}) == len(names)


def test_similarities_of_a_batch_are_each_pairs_similarity() -> None:
    """The numpy form ``hunt --like`` uses is the definition's, bin for bin.

    Random signatures with empty bins on either side and bins that agree: an empty bin on
    both sides counts for neither agreement nor union, on one side against agreement.
    """
    rng = random.Random(7)
    empty = (1 << 32) - 1

    def signature() -> bytes:
        bins = [rng.choice((empty, empty, 5, 9, rng.randrange(1 << 32))) for _ in range(32)]
        return b"".join(v.to_bytes(4, "little") for v in bins)

    query = signature()
    others = [signature() for _ in range(300)] + [query, b"\xff" * SIGNATURE_BYTES]
    assert similarities(query, others) == [similarity(query, o) for o in others]
    assert similarities(b"\xff" * SIGNATURE_BYTES, [b"\xff" * SIGNATURE_BYTES]) == [0.0]
    assert similarities(query, []) == []


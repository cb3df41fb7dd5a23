"""The featurizer computes exactly the reference definition, deterministically.

Both forms are tested: the C kernel the install builds and the numpy form it falls back to.
Each must match the literal reference as multisets, and the two must agree index for index
(an EmbeddingBag sums in order, so the same order keeps the model's output bit-identical).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.model import hashing
from detectors.model.hashing import (
    _WORD_BYTE,
    _word_mask,
    hash_texts,
    hash_tokens_reference,
)

REPO = Path(__file__).resolve().parents[2]

TEXTS = [
    "",
    "!!! ... ??? --- >>> <<<",
    "   \n\t  ",
    "Wire transfer of $48,500 needed URGENTLY — reply with gift-card codes",
    "Meeting notes: agenda for Tuesday's sync, see attached",
    "Пожалуйста, ПОДТВЕРДИТЕ ваш пароль: paypaI.com vs pаypal.com",  # Cyrillic 'а'
    "ΣΟΦΟΣ σοφός İstanbul straße ﬃ 日本語のテキスト 🎁🎁 emoji",
    "a",
    "ab cd ef",
    "x" * 5000,  # one token longer than max_bytes
    "word " * 2000,  # many tokens, truncated mid-way
    "broken \udcff surrogate \ud800 text",
    "tabs\tand\nnewlines\r\nand\x00nul and \x7f del",
    "https://secure-login.examp1e.com/verify?id=42&token=AbC123",
]


def _bags(indices: np.ndarray, offsets: np.ndarray) -> list[Counter[int]]:
    ends = [*offsets[1:].tolist(), len(indices)]
    return [Counter(indices[s:e].tolist()) for s, e in zip(offsets.tolist(), ends, strict=True)]


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "abcdeXYZ 0129 .,!-é日Σ\n\t"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
            for _ in range(count)]


NATIVE = hashing._native


@pytest.fixture(params=["native", "numpy"])
def form(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with the C kernel, then with the numpy form."""
    if request.param == "numpy":
        monkeypatch.setattr(hashing, "_native", None)
    return str(request.param)


def test_the_c_kernel_is_built() -> None:
    # Without it every message pays ~2x the hashing cost; the install must build it.
    assert NATIVE is not None, ("detectors/_kernels.c was not built: reinstall with a C "
                                "compiler and the Python headers (pip install -e .)")


@pytest.mark.parametrize("params", [
    {},
    {"buckets": 1000, "word_ngrams": 3, "char_ngrams": (1, 2, 5, 8)},
    {"buckets": 1 << 32, "word_ngrams": 8, "char_ngrams": (8, 3)},
    {"buckets": 2, "word_ngrams": 0, "char_ngrams": (1,)},
    {"max_bytes": 2048, "buckets": 1 << 16},
], ids=["defaults", "wide", "widest", "tiny", "shipped"])
def test_the_c_kernel_and_the_numpy_form_agree_index_for_index(
        params: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = TEXTS + _random_texts(200, seed=11) + ["x", "xy", "x y", "€", "a" * 9000]
    native = hash_texts(texts, **params)
    monkeypatch.setattr(hashing, "_native", None)
    numpy_form = hash_texts(texts, **params)
    assert np.array_equal(native[0], numpy_form[0])
    assert np.array_equal(native[1], numpy_form[1])


@pytest.mark.parametrize("params", [
    {},
    {"buckets": 1000, "word_ngrams": 3, "char_ngrams": (1, 2, 5, 8)},
    {"buckets": 2, "word_ngrams": 1, "char_ngrams": ()},
    {"word_ngrams": 0, "char_ngrams": (4,), "max_bytes": 7},
    {"word_ngrams": 0, "char_ngrams": ()},
], ids=["defaults", "wide", "tiny-table", "short-cut", "no-features"])
def test_every_bag_is_the_reference_multiset(params: dict, form: str) -> None:
    texts = TEXTS + _random_texts(60, seed=7)
    indices, offsets = hash_texts(texts, **params)
    expected = [Counter(hash_tokens_reference(t, **params)) for t in texts]
    assert _bags(indices, offsets) == expected


def test_batches_larger_than_a_chunk_match_the_reference(form: str) -> None:
    # 40 x 3 KB spans several internal 64 KB chunks.
    rng = random.Random(3)
    words = ["invoice", "payment", "Résumé", "bank", "the", "a", "of", "URGENT!", "2024"]
    texts = [" ".join(rng.choice(words) for _ in range(450))[:3000] for _ in range(40)]
    indices, offsets = hash_texts(texts)
    assert _bags(indices, offsets) == [Counter(hash_tokens_reference(t)) for t in texts]


def test_a_text_hashes_the_same_alone_and_inside_a_batch(form: str) -> None:
    alone = [_bags(*hash_texts([t]))[0] for t in TEXTS]
    assert _bags(*hash_texts(TEXTS)) == alone


def test_offsets_are_valid_embedding_bag_inputs(form: str) -> None:
    buckets = 1 << 12
    indices, offsets = hash_texts(TEXTS, buckets=buckets)
    assert indices.dtype == np.int64 and offsets.dtype == np.int64
    assert len(offsets) == len(TEXTS) and offsets[0] == 0
    assert np.all(np.diff(offsets) >= 1)  # every bag, even an empty text's, has an index
    assert offsets[-1] < len(indices)
    assert indices.min() >= 0 and indices.max() < buckets
    bag = torch.nn.EmbeddingBag(buckets, 4, mode="mean")
    out = bag(torch.from_numpy(indices), torch.from_numpy(offsets))
    assert out.shape == (len(TEXTS), 4)


def test_bucket_zero_is_reserved_for_featureless_texts(form: str) -> None:
    indices, offsets = hash_texts(["", "?!", "...", "hello world"])
    bags = _bags(indices, offsets)
    assert bags[:3] == [Counter({0: 1})] * 3
    assert 0 not in bags[3]
    many, _ = hash_texts(_random_texts(50, seed=1), buckets=64)
    featureless = sum(1 for t in _random_texts(50, seed=1) if hash_tokens_reference(
        t, buckets=64) == [0])
    assert np.count_nonzero(many == 0) == featureless


def test_case_is_folded_across_scripts() -> None:
    upper, _ = hash_texts(["WIRE TRANSFER ПАРОЛЬ"])
    lower, _ = hash_texts(["wire transfer пароль"])
    assert Counter(upper.tolist()) == Counter(lower.tolist())


def test_word_mask_matches_the_word_byte_table() -> None:
    every_byte = np.arange(256, dtype=np.uint8)
    assert np.array_equal(_word_mask(every_byte), _WORD_BYTE)


def test_known_buckets_do_not_change(form: str) -> None:
    # Pinned output: a change here silently invalidates every trained content model.
    indices, offsets = hash_texts(["Gift card", ""], buckets=1 << 18)
    assert offsets.tolist() == [0, 9]
    assert sorted(indices[:9].tolist()) == sorted(hash_tokens_reference("gift card"))
    assert sorted(indices.tolist()) == PINNED_GIFT_CARD


PINNED_GIFT_CARD = [0, 40250, 52926, 107704, 166055, 183461, 199072, 228252, 238751, 252758]


def test_output_is_the_same_in_another_process_with_another_hash_seed() -> None:
    code = ("from detectors.model.hashing import hash_texts\n"
            "import sys\n"
            "i, o = hash_texts(sys.argv[1:])\n"
            "print(i.tolist(), o.tolist())\n")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code, *TEXTS[3:8]], cwd=REPO, env=env,
                         capture_output=True, text=True, check=True, timeout=120).stdout
    indices, offsets = hash_texts(TEXTS[3:8])
    assert out.strip() == f"{indices.tolist()} {offsets.tolist()}"


def test_empty_batch(form: str) -> None:
    indices, offsets = hash_texts([])
    assert indices.shape == (0,) and offsets.shape == (0,)


@pytest.mark.parametrize("params", [
    {"buckets": 1}, {"buckets": (1 << 32) + 1}, {"max_bytes": 0}, {"word_ngrams": -1},
    {"word_ngrams": 9}, {"char_ngrams": (0,)}, {"char_ngrams": (9,)}, {"char_ngrams": (3, 3)},
])
def test_out_of_range_parameters_are_refused(params: dict, form: str) -> None:
    with pytest.raises(ValueError):
        hash_texts(["text"], **params)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text(st.characters(exclude_categories=()), max_size=300), min_size=1,
                      max_size=12),
       buckets=st.sampled_from([2, 1000, 1 << 16, 1 << 32]),
       max_bytes=st.integers(1, 600), word_ngrams=st.integers(0, 8),
       char_ngrams=st.sets(st.integers(1, 8), max_size=3))
def test_the_c_kernel_equals_the_numpy_form_on_any_text(
        texts: list[str], buckets: int, max_bytes: int, word_ngrams: int,
        char_ngrams: set[int]) -> None:
    # Any text a mail can decode to: every plane, lone surrogates, NULs, cuts mid-character.
    params = {"buckets": buckets, "max_bytes": max_bytes, "word_ngrams": word_ngrams,
              "char_ngrams": tuple(char_ngrams)}
    native = hash_texts(texts, **params)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hashing, "_native", None)
        numpy_form = hash_texts(texts, **params)
    assert np.array_equal(native[0], numpy_form[0])
    assert np.array_equal(native[1], numpy_form[1])

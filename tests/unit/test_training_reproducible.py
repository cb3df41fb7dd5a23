"""Training is reproducible: hashing once changes no batch, and the thread count no weight.

A difference here would change the trained weights without any other test noticing (the
shipped model is reproduced only by a full ``mailhawk train``).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.model.hashing import hash_texts
from detectors.training import HASHING, _HashedTexts

TEXTS = ["", "a", "Grüße aus Köln, bitte überweisen Sie " * 200, "pay now",
         "\ud800 lone surrogate", "x" * 5000, "Re: invoice 4411 — wire today"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=300), min_size=1, max_size=40), st.integers(1, 9),
       st.randoms(use_true_random=False))
def test_batches_equal_hashing_the_batch(texts: list[str], chunk: int, rnd) -> None:
    hashed = _HashedTexts(texts, chunk=chunk)
    idx = np.array([rnd.randrange(len(texts)) for _ in range(rnd.randrange(1, 60))])
    indices, offsets = hashed.batch(idx)
    want_i, want_o = hash_texts([texts[i] for i in idx], **HASHING)
    assert indices.dtype == np.int64 and offsets.dtype == np.int64
    assert np.array_equal(indices, want_i)
    assert np.array_equal(offsets, want_o)


def test_long_and_empty_texts_in_any_order() -> None:
    texts = TEXTS * 50
    hashed = _HashedTexts(texts, chunk=13)
    rng = np.random.default_rng(3)
    for _ in range(10):
        idx = rng.permutation(len(texts))[:256]
        got = hashed.batch(idx)
        want = hash_texts([texts[i] for i in idx], **HASHING)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    assert hashed.flat.dtype == np.uint16  # 65,536 buckets fit: a quarter of int64's memory


def _weights(model) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(t.numpy().tobytes() for t in model.state_dict().values())


def test_training_gives_the_same_weights_whatever_the_thread_count() -> None:
    """torch splits sums by thread count; an unpinned fit gave other weights with 1, 2 and 4
    threads, so the shipped model was reproducible on two-core machines only."""
    import torch

    from detectors.training import content_probs, fit_behaviour, fit_content

    rng = np.random.default_rng(0)
    x = rng.normal(size=(6000, 40)).astype(np.float32)
    y = rng.integers(0, 9, 6000)
    words = ["invoice", "pay", "hello", "meeting", "urgent", "gift", "card", "wire", "lunch"]
    texts = [" ".join(rng.choice(words, 150)) for _ in range(1500)]
    before = torch.get_num_threads()
    runs = []
    try:
        for threads in (1, 3):
            torch.set_num_threads(threads)
            content = fit_content(texts, y[:1500], epochs=1)
            runs.append((_weights(fit_behaviour(x, y, epochs=2)), _weights(content),
                         content_probs(content, texts[:100]).tobytes()))
            assert torch.get_num_threads() == threads  # the caller's setting is restored
    finally:
        torch.set_num_threads(before)
    assert runs[0] == runs[1]


def test_a_behaviour_ensemble_is_its_seeds_fitted_alone() -> None:
    """Member 0 is the single model of the seed; member k the one of seed + k * stride."""
    from detectors.model.nets import BehaviourEnsemble
    from detectors.training import MEMBER_SEED_STRIDE, fit_behaviour

    rng = np.random.default_rng(1)
    x = rng.normal(size=(3000, 12)).astype(np.float32)
    y = rng.integers(0, 9, 3000)
    ensemble = fit_behaviour(x, y, epochs=2, seed=5, members=3)
    assert type(ensemble) is BehaviourEnsemble and not ensemble.training
    for k, member in enumerate(ensemble.members):
        alone = fit_behaviour(x, y, epochs=2, seed=5 + k * MEMBER_SEED_STRIDE)
        assert _weights(member) == _weights(alone)
    assert _weights(ensemble.members[0]) != _weights(ensemble.members[1])


def test_a_content_ensemble_is_its_seeds_fitted_alone() -> None:
    """Member k is the content model of seed + k * stride, its table a slice of the packed one."""
    import torch

    from detectors.model.nets import ContentEnsemble
    from detectors.training import MEMBER_SEED_STRIDE, fit_content

    rng = np.random.default_rng(2)
    words = ["invoice", "pay", "hello", "meeting", "urgent", "gift", "card", "wire", "lunch"]
    texts = [" ".join(rng.choice(words, 60)) for _ in range(600)]
    y = rng.integers(0, 9, 600)
    ensemble = fit_content(texts, y, epochs=1, seed=5, members=2)
    assert type(ensemble) is ContentEnsemble and not ensemble.training
    dim = ensemble.config["dim"]
    for k in range(2):
        alone = fit_content(texts, y, epochs=1, seed=5 + k * MEMBER_SEED_STRIDE)
        table = ensemble.bag.weight[:, k * dim:(k + 1) * dim]
        assert torch.equal(table, alone.bag.weight)
        assert _weights(ensemble.norms[k]) == _weights(alone.norm)
        assert _weights(ensemble.heads[k]) == _weights(alone.head)

"""Model fitting, threshold calibration and evaluation for ``mailhawk train``.

Kept under ``detectors/`` because it is where torch may be imported; the orchestration
(building the traffic, replaying it, writing reports) is ``stream/train.py``.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, Final, TypedDict

import numpy as np

from detectors.layout import CLASSES
from schemas import HELD_ACTIONS

_CLASS_INDEX: Final = {c: i for i, c in enumerate(CLASSES)}
_ATTACK_ALIASES: Final = {"phishing": "credential_phishing"}


class HashingParams(TypedDict):
    """The keyword arguments of :func:`~detectors.model.hashing.hash_texts` (``HASHING``)."""

    buckets: int
    max_bytes: int
    word_ngrams: int
    char_ngrams: tuple[int, ...]


# The start of a message carries most of its intent. Measured on the corpora: 4 KB with 3-
# and 4-grams found 70% of phishing_pot at ~1% FPR, 1.5 KB with 4-grams only 59%, at ~40 vs
# ~15 µs per message; 2 KB with both keeps most of the first at about half the cost. 1 KB
# was tried for detection cost (same seed and data, time-later splits): SpamAssassin spam
# 0.86 → 0.60, phishing_pot 0.33 → 0.28, gift card 1.0 → 0.93, and ``bench detect`` on the
# corpus, alternating the two artifacts, showed no saving beyond the machine's noise (model
# featurisation 18–23 against 24–27 µs wall). Rejected.
HASHING: Final[HashingParams] = {"buckets": 1 << 16, "max_bytes": 2048, "word_ngrams": 2,
                                 "char_ngrams": (3, 4)}


TRAINING_THREADS: Final = 2
"""torch threads while fitting and scoring during training, whatever the machine has.

torch's CPU kernels split sums (the embedding table's gradient, Adam's updates) by thread
count, and a float sum in another order rounds differently: the same seed and data gave
other weights with 1, 2 and 4 threads (measured). Left to the default (one per core), the
shipped artifact would be reproducible on two-core machines only. Two is what it was trained
with; one thread fits as fast on this data (measured, 2 cores), so the pin costs little.
"""


@contextlib.contextmanager
def _training_threads() -> Iterator[None]:
    """Run the block or decorated function with :data:`TRAINING_THREADS` torch threads.

    The caller's setting (the engine's is 1) is restored afterwards.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(TRAINING_THREADS)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def class_of(label: str, attack_type: str) -> int:
    """The model class index of a label."""
    if label == "ham":
        return 0
    attack = _ATTACK_ALIASES.get(attack_type, attack_type)
    return _CLASS_INDEX.get(attack, _CLASS_INDEX["spam"])


def _class_weights(y: np.ndarray) -> np.ndarray:
    counts = np.bincount(y, minlength=len(CLASSES)).astype(np.float64)
    weights = np.where(counts > 0, counts.sum() / np.maximum(counts, 1) / len(CLASSES), 0.0)
    return np.minimum(weights, 50.0).astype(np.float32)


@_training_threads()
def fit_content(texts: list[str], y: np.ndarray, *, epochs: int = 4, seed: int = 7,
                desc: str = "", members: int = 1) -> Any:
    """Train the hashed n-gram content model (float; quantized when saved).

    With ``members`` > 1, that many fits of the texts (hashed once), member ``k`` of seed
    ``seed + k * MEMBER_SEED_STRIDE`` (member 0 is the single model of ``seed``), packed
    into one :class:`~detectors.model.nets.ContentEnsemble`.

    ``desc`` names a progress bar (none when empty): a fit takes minutes on two cores.
    """
    from detectors.model.nets import ContentEnsemble

    hashed = _HashedTexts(texts)
    fits = [_fit_content_one(hashed, y, epochs=epochs, seed=seed + k * MEMBER_SEED_STRIDE,
                             desc=f"{desc}, member {k + 1}/{members}" if desc and members > 1
                             else desc)
            for k in range(members)]
    return fits[0] if members <= 1 else ContentEnsemble.pack(fits)


def _fit_content_one(hashed: _HashedTexts, y: np.ndarray, *, epochs: int, seed: int,
                     desc: str) -> Any:
    import torch
    from tqdm import tqdm

    from detectors.model.nets import ContentModel

    torch.manual_seed(seed)
    model = ContentModel(HASHING["buckets"], len(CLASSES), dim=32)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.from_numpy(_class_weights(y)))
    rng = np.random.default_rng(seed)
    n = len(hashed.lengths)
    model.train()
    bar = tqdm(total=epochs * n, desc=desc, unit=" msg", disable=not desc)
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, len(order), 256):
            bar.update(min(256, len(order) - start))
            idx = order[start:start + 256]
            indices, offsets = hashed.batch(idx)
            logits = model(torch.from_numpy(indices), torch.from_numpy(offsets))
            loss = loss_fn(logits, torch.from_numpy(y[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
    bar.close()
    model.eval()
    return model


class _HashedTexts:
    """Every training text hashed once, handed out as ``EmbeddingBag`` batches.

    Hashing every batch again in each of the 4 epochs of the 3 content fits was most of a
    training run: ``mailhawk train`` took ~4½ min, ~2¾ with this (the full fit 3:00 →
    0:21). The indices are kept as ``uint16`` when the buckets allow (``HASHING``'s 65,536
    do): 122 MiB for the shipped model's 69,166 training texts, against 489 as int64. A
    batch is the same ``(indices, offsets)`` that
    :func:`~detectors.model.hashing.hash_texts` gives for those texts, so training is
    unchanged, weight for weight.
    """

    def __init__(self, texts: list[str], chunk: int = 2048) -> None:
        from detectors.model.hashing import hash_texts

        dtype = np.uint16 if HASHING["buckets"] <= 1 << 16 else np.int32
        parts, lengths = [], []
        for start in range(0, len(texts), chunk):
            indices, offsets = hash_texts(texts[start:start + chunk], **HASHING)
            parts.append(indices.astype(dtype))
            lengths.append(np.diff(offsets, append=np.int64(len(indices))))
        self.lengths = np.concatenate(lengths) if lengths else np.zeros(0, np.int64)
        self.starts = np.zeros(len(self.lengths), np.int64)
        np.cumsum(self.lengths[:-1], out=self.starts[1:])
        self.flat = np.concatenate(parts) if parts else np.zeros(0, dtype)

    def batch(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(indices, offsets)`` of the texts at positions ``idx``, as int64."""
        lengths = self.lengths[idx]
        offsets = np.zeros(len(idx), np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
        indices = np.concatenate([self.flat[s:s + n] for s, n
                                  in zip(self.starts[idx].tolist(), lengths.tolist(),
                                         strict=True)]).astype(np.int64)
        return indices, offsets


@_training_threads()
def content_probs(model: Any, texts: list[str]) -> np.ndarray:
    """Probabilities of a float content model, by the serving path's predictor."""
    from detectors.model.artifact import content_predictor
    from detectors.model.hashing import hash_texts

    predict = content_predictor(model)
    out = [predict(*hash_texts(texts[start:start + 1024], **HASHING))
           for start in range(0, len(texts), 1024)]
    return np.concatenate(out) if out else np.zeros((0, len(CLASSES)), np.float32)


MEMBER_SEED_STRIDE: Final = 1000
"""Member ``k`` of a behaviour ensemble is fitted with ``seed + k * MEMBER_SEED_STRIDE``
(member 0 with ``seed`` itself, so it is the single model of the same seed)."""


def fit_behaviour(x: np.ndarray, y: np.ndarray, *, epochs: int = 40, seed: int = 7,
                  members: int = 1) -> Any:
    """Train the behaviour MLP, or an ensemble of ``members`` (float; quantized when saved).

    Members differ only in their seed (:data:`MEMBER_SEED_STRIDE`); see
    :class:`~detectors.model.nets.BehaviourEnsemble` for why.
    """
    if members <= 1:
        return _fit_behaviour_one(x, y, epochs=epochs, seed=seed)
    from detectors.model.nets import BehaviourEnsemble

    ensemble = BehaviourEnsemble(x.shape[1], len(CLASSES), members)
    for k, member in enumerate(ensemble.members):
        fitted = _fit_behaviour_one(x, y, epochs=epochs, seed=seed + k * MEMBER_SEED_STRIDE)
        member.load_state_dict(fitted.state_dict())
    return ensemble.eval()


@_training_threads()
def _fit_behaviour_one(x: np.ndarray, y: np.ndarray, *, epochs: int, seed: int) -> Any:
    import torch

    from detectors.model.nets import BehaviourModel

    torch.manual_seed(seed)
    model = BehaviourModel(x.shape[1], len(CLASSES))
    model.fit_scaling(x)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-5)
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.from_numpy(_class_weights(y)))
    rng = np.random.default_rng(seed)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    model.train()
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(len(x)))
        for start in range(0, len(order), 512):
            idx = order[start:start + 512]
            loss = loss_fn(model(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    return model


def calibrate(scores: np.ndarray, is_ham: np.ndarray, target_fpr: float) -> dict[str, float]:
    """Thresholds whose false-positive rate on ham stays within the targets.

    ``quarantine`` at ``target_fpr``, ``block`` at a tenth of it, ``warn`` at 20× it
    (capped at 2%): each threshold is just above the corresponding ham score quantile.
    """
    ham = np.sort(scores[is_ham])

    def above(rate: float) -> float:
        if len(ham) == 0:
            return 0.5
        k = int(np.floor(rate * len(ham)))  # allow k hams at or above the threshold
        value = ham[len(ham) - k - 1] if k < len(ham) else ham[0]
        return float(min(1.0, np.nextafter(value, 2.0)))

    quarantine = max(0.3, above(target_fpr))
    block = max(quarantine, above(target_fpr / 10))
    warn = min(quarantine, max(0.2, above(min(0.02, target_fpr * 20))))
    # Not rounded: calibrated thresholds of a confident model differ from 1.0 in the 10th
    # decimal, and rounding would move them to 1.0.
    return {"warn": warn, "quarantine": quarantine, "block": min(block, 1.0)}


TYPE_FLOOR_FACTOR: Final = 5.0
"""A per-type quarantine threshold never goes below the score this many times the target
rate of *all* ham reaches: a type no calibration ham was given still needs a confident
score, because the test ham is not the calibration ham."""


def calibrate_by_type(scores: np.ndarray, types: Sequence[str], is_ham: np.ndarray,
                      fixed: np.ndarray, target_fpr: float) -> dict[str, dict[str, float]]:
    """Thresholds per attack type: the single threshold, lowered where no ham reached it.

    One threshold for every type is set where ham looks most like an attack (newsletters
    the model calls spam) and makes every other type pay for it: a genuine vendor invoice is
    rarely typed invoice fraud, so invoice fraud can be caught at a lower score. Each type's
    quarantine threshold is the single one (:func:`calibrate`, over the ham that ``fixed``
    does not already quarantine, with the budget those use up taken off), lowered to just
    above the highest calibration ham *of that type*, never below a floor. No threshold is
    raised and none is lowered past a calibration ham, so the calibration false positives are
    those of the single threshold.

    Tried and dropped: sharing the budget between types to catch the most calibration
    attacks (exact, by dynamic programming). It spent the whole budget on spam, whose
    attacks are the most numerous, lowering the spam threshold; on the time-later split
    that let 4 more newsletters through (corpus false-positive rate 0.22% -> 0.31%).

    Args:
        scores: The model's attack probability per message.
        types: The attack type the model named per message.
        is_ham: Whether each message is ham.
        fixed: Messages quarantined whatever the thresholds (decisive hits).
        target_fpr: False-positive rate on ham to stay within.
    """
    types_a = np.asarray(types)
    free = ~fixed
    n_ham = int(is_ham.sum())
    n_free_ham = int((free & is_ham).sum())
    left = max(0.0, np.floor(target_fpr * n_ham) - int((fixed & is_ham).sum()))
    base = calibrate(scores[free], is_ham[free], left / max(1, n_free_ham))
    floor = max(0.3, calibrate(scores, is_ham, min(0.5, target_fpr * TYPE_FLOOR_FACTOR))
                ["quarantine"])
    out = {"default": base}
    for t in sorted(set(types_a[~is_ham].tolist()) - {"none"}):
        ham_t = scores[free & is_ham & (types_a == t)]
        top = float(np.nextafter(ham_t.max(), 2.0)) if len(ham_t) else 0.0
        q = min(1.0, max(floor, min(base["quarantine"], top)))
        out[t] = {"warn": min(base["warn"], q), "quarantine": q,
                  "block": max(q, base["block"])}
    return out


def calibrate_corroboration(by_type: dict[str, dict[str, float]], scores: np.ndarray,
                            types: np.ndarray, corroborated_ham: np.ndarray) -> None:
    """Add each type's ``corroborate`` threshold to ``by_type`` (in place).

    A warning with a corroborating hit is quarantined (``Cascade.corroborating_hit``). Each
    type's ``corroborate`` is just above the highest calibration ham of that type that such
    a hit would quarantine (``default``: of any type), never below ``warn``; ``quarantine``
    if none may be (the band is empty). So corroboration quarantines no calibration ham and
    spends none of the false-positive budget. Measured: letting it start at ``warn``, with
    calibration counting the ham it raised against the budget, was fine for the shipped
    model (no such ham) but wrecked a model trained with phishing_pot, whose warn band is
    wide: the ham it raised used up the budget and every threshold went to 0.9999997.

    Args:
        by_type: :func:`calibrate_by_type`'s thresholds.
        scores: The model's attack probability per calibration message.
        types: The attack type the model named per message.
        corroborated_ham: Ham (real or synthetic) with a corroborating hit.
    """
    for attack, t in by_type.items():
        band = corroborated_ham & (scores >= t["warn"]) & (scores < t["quarantine"])
        if attack != "default":
            band &= types == attack
        top = float(np.nextafter(scores[band].max(), 2.0)) if band.any() else t["warn"]
        t["corroborate"] = min(max(top, t["warn"]), t["quarantine"])


def evaluate(decisions: Sequence[Any], labels: Sequence[int], scenarios: Sequence[str],
             ) -> dict[str, Any]:
    """Recall per attack type and scenario, false-positive and warn rates, precision."""
    caught = np.array([d.action in HELD_ACTIONS for d in decisions], bool)
    warned = np.array([d.action == "warn" for d in decisions], bool)
    y = np.asarray(labels)
    ham = y == 0
    out: dict[str, Any] = {
        "messages": len(decisions), "ham": int(ham.sum()), "attacks": int((~ham).sum()),
        "false_positive_rate": float(caught[ham].mean()) if ham.any() else 0.0,
        "false_positives": int(caught[ham].sum()),
        "warn_rate_on_ham": float(warned[ham].mean()) if ham.any() else 0.0,
        "recall": float(caught[~ham].mean()) if (~ham).any() else 0.0,
        "precision": float((caught & ~ham).sum() / max(1, caught.sum())),
        "recall_by_attack_type": {}, "recall_by_scenario": {}, "confusion": {},
    }
    for k, name in enumerate(CLASSES[1:], 1):
        mask = y == k
        if mask.any():
            out["recall_by_attack_type"][name] = {"recall": float(caught[mask].mean()),
                                                  "n": int(mask.sum())}
    for scenario in sorted(set(scenarios)):
        mask = np.array([s == scenario for s in scenarios])
        rate = caught[mask].mean()
        out["recall_by_scenario"][scenario] = {
            "flagged_rate": float(rate), "n": int(mask.sum()), "held": int(caught[mask].sum()),
            "is_ham": bool(ham[mask].all())}
    confusion: dict[str, Counter[str]] = {}
    for d, k in zip(decisions, y, strict=True):
        predicted = d.attack_type if d.action in HELD_ACTIONS else "allowed"
        confusion.setdefault(CLASSES[k], Counter())[predicted] += 1
    out["confusion"] = {k: dict(v) for k, v in confusion.items()}
    return out



"""Measure the model runtime: featurizer and models, µs per message, fp32 against int8.

Run ``python -m detectors.model.benchmark`` (synthetic 3 KB texts) or add ``--corpora DIR``
(the development corpora: real mail bodies of at least 1.5 KB from phishing_pot, Enron and
SpamAssassin). Timings are the best of several repetitions in one process, one torch thread,
as in an engine process; on the shared development machines they vary ±30–40% from run to run,
so compare rows of one run, not runs.

This module is a measuring tool, not part of the runtime API (nothing imports it).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from detectors.model.artifact import (
    behaviour_predictor,
    configure_torch,
    content_predictor,
)
from detectors.model.hashing import hash_texts
from detectors.model.nets import BehaviourModel, ContentModel, quantize

VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "char (4,)": {"char_ngrams": (4,)},
    "words only": {"char_ngrams": ()},
    "max_bytes 1024": {"max_bytes": 1024},
    "buckets 2**16": {"buckets": 1 << 16},
}


def synthetic_texts(count: int, size: int = 3000, seed: int = 0) -> list[str]:
    """English-like mail bodies of ``size`` characters (Zipf-ish word draw, some URLs)."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.choice(
        (2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11)))) for _ in range(3000)]
    vocab += ["Invoice", "URGENT", "https://examp1e.com/login?id=42", "$5,000", "Résumé"]
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    texts = []
    for _ in range(count):
        words = rng.choices(vocab, weights=weights, k=size // 4)
        texts.append(" ".join(words)[:size])
    return texts


def corpus_texts(corpora: Path, per_archive: int = 700, min_bytes: int = 1500) -> list[str]:
    """Subject and text of real messages of at least ``min_bytes`` from the corpora."""
    from schemas import MimeError
    from schemas.mime import parse_message
    from schemas.sources import iter_messages

    texts: list[str] = []
    for archive in ("phishing-pot-2022-2024.tar.gz", "enron-ham.tar.gz", "spamassassin.tar.gz"):
        taken = 0
        for raw in iter_messages([corpora / archive]):
            try:
                record = parse_message(raw.raw, tenant_id="bench")
            except MimeError:  # unparsable: skipped, not measured
                continue
            text = f"{record.subject}\n{record.text}"
            if len(text.encode("utf-8", "surrogatepass")) >= min_bytes:
                texts.append(text)
                taken += 1
            if taken >= per_archive:
                break
    return texts


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(texts: Sequence[str], batch_sizes: Sequence[int] = (64, 256), repeat: int = 5,
        n_features: int = 60, n_classes: int = 9) -> list[dict[str, Any]]:
    """Time every variant of the featurizer and the content model, and the behaviour model.

    Args:
        texts: Message texts; batches are cut from them in order.
        batch_sizes: Batch sizes to time.
        repeat: Repetitions per measurement (the best is kept).
        n_features: Width of the behaviour model's input.
        n_classes: Classes of both models.

    Returns:
        One row per measurement: ``stage``, ``variant``, ``batch``, ``us_per_msg`` and, for the
        featurizer, ``indices_per_msg``.
    """
    configure_torch(1)
    rows: list[dict[str, Any]] = []
    for name, params in VARIANTS.items():
        model = ContentModel(params.get("buckets", 1 << 18), n_classes).eval()
        int8 = quantize(model)
        for size in batch_sizes:
            batches = [texts[i:i + size] for i in range(0, len(texts) - size + 1, size)]
            count = size * len(batches)
            hashed = [hash_texts(b, **params) for b in batches]

            def featurize(batches: list[Sequence[str]] = batches,
                          params: dict[str, Any] = params) -> None:
                for batch in batches:
                    hash_texts(batch, **params)

            rows.append({"stage": "featurizer", "variant": name, "batch": size,
                         "us_per_msg": _best(featurize, repeat) / count * 1e6,
                         "indices_per_msg": sum(len(i) for i, _ in hashed) / count})
            for label, m in (("content fp32", model), ("content int8", int8)):

                # Resolved once, as the engine's ModelRunner does: ``predict_content``
                # builds the predictor at every call.
                predictor = content_predictor(m)

                def infer(predict: Callable[[np.ndarray, np.ndarray], np.ndarray] = predictor,
                          hashed: list[tuple[np.ndarray, np.ndarray]] = hashed) -> None:
                    for indices, offsets in hashed:
                        predict(indices, offsets)

                rows.append({"stage": label, "variant": name, "batch": size,
                             "us_per_msg": _best(infer, repeat) / count * 1e6})
    behaviour = BehaviourModel(n_features, n_classes).eval()
    for label, m in (("behaviour fp32", behaviour), ("behaviour int8", quantize(behaviour))):
        for size in (1, *batch_sizes):
            x = np.random.default_rng(0).normal(size=(size, n_features)).astype(np.float32)

            predict_b = behaviour_predictor(m)

            def infer_behaviour(predict: Callable[[np.ndarray], np.ndarray] = predict_b,
                                x: np.ndarray = x) -> None:
                for _ in range(20):
                    predict(x)

            rows.append({"stage": label, "variant": "-", "batch": size,
                         "us_per_msg": _best(infer_behaviour, repeat) / 20 / size * 1e6})
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    """Print the measurements as a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, help="development corpora folder")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    texts = corpus_texts(args.corpora) if args.corpora else synthetic_texts(1024)
    mean_bytes = np.mean([min(len(t.encode("utf-8", "surrogatepass")), 4096) for t in texts])
    print(f"{len(texts)} texts, {mean_bytes:.0f} bytes each on average (after the 4 KB cut)")
    for row in run(texts, repeat=args.repeat):
        extra = f"  {row['indices_per_msg']:.0f} indices/msg" if "indices_per_msg" in row else ""
        print(f"{row['stage']:15s} {row['variant']:15s} batch {row['batch']:4d} "
              f"{row['us_per_msg']:8.2f} µs/msg{extra}")


if __name__ == "__main__":
    main()

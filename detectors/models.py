"""The model tier: content and behaviour models, run batched over a partition's batch.

A content model over hashed n-grams and a behaviour model over the feature layout
(load / featurize / infer / postprocess).

torch is imported only here and under ``detectors/model``, and only when a runner is built.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from detectors.errors import ArtifactError
from detectors.layout import CLASSES, FEATURE_LAYOUT_VERSION, behaviour_matrix
from schemas.records import Hit

if TYPE_CHECKING:
    from detectors.cascade import Assessment

MODEL_DETECTOR: Final = "model"
MAX_TEXT_CHARS: Final = 4000


def model_text(a: Assessment) -> str:
    """The text the content model reads: sender name, subject, body, link hosts, attachments.

    A brand or an enticing phrase in the display name is content too.
    """
    r = a.record
    hosts = " ".join(a.content.urls.domains)
    names = " ".join(att.filename for att in r.attachments)
    return f"{r.sender.name}\n{r.subject}\n{r.text[:MAX_TEXT_CHARS]}\n{hosts}\n{names}"


def default_artifact() -> Path | None:
    """The model artifact shipped inside the package, if present."""
    path = Path(str(resources.files("detectors").joinpath("artifacts/default")))
    return path if (path / "manifest.json").exists() else None


class ModelRunner:
    """Loaded models plus the featurizer settings of their artifact."""

    def __init__(self, path: Path, *, threads: int = 1) -> None:
        from detectors.model.artifact import (
            behaviour_predictor,
            configure_torch,
            content_predictor,
            load_artifact,
        )

        configure_torch(threads)
        loaded = load_artifact(path, expected_layout_version=FEATURE_LAYOUT_VERSION)
        manifest = loaded.manifest
        classes = tuple(manifest.get("feature_layout", {}).get("classes", ()))
        if classes != CLASSES:
            raise ArtifactError(f"artifact {path} predicts classes {classes}; this build "
                                f"expects {CLASSES}: retrain with `mailhawk train`")
        self.path = path
        self.content = loaded.content
        self.behaviour = loaded.behaviour
        # The same kernels as predict_content/predict_behaviour, resolved once per model.
        self._content_predict = (content_predictor(loaded.content)
                                 if loaded.content is not None else None)
        self._behaviour_predict = (behaviour_predictor(loaded.behaviour)
                                   if loaded.behaviour is not None else None)
        self.version = loaded.version
        self.hashing: dict[str, Any] = dict(manifest.get("config", {}).get("hashing", {}))
        if "char_ngrams" in self.hashing:
            self.hashing["char_ngrams"] = tuple(self.hashing["char_ngrams"])
        self.thresholds: dict[str, Any] = dict(manifest.get("thresholds", {}))
        self.min_hit: float = float(manifest.get("config", {}).get("min_hit", 0.2))
        self.seconds = {"featurize": 0.0, "infer": 0.0}
        from detectors.model.hashing import kernel

        if self._content_predict is not None and kernel() == "numpy":
            logging.getLogger("mailhawk.models").warning(
                "detectors/_kernels.c was not built: the content model's hashing runs in its "
                "numpy form (same results, about twice the cost); reinstall mailhawk where a C "
                "compiler and the Python headers are present")
        self.noncommercial = bool(manifest.get("training_data", {}).get("corpus", {})
                                  .get("noncommercial_phishing_pot"))
        if self.noncommercial:  # said at every start, so a copied artifact cannot hide it
            logging.getLogger("mailhawk.models").warning(
                "model %s was trained on phishing_pot (CC BY-NC 4.0): use it yourself, do "
                "not redistribute it (no container image, chart or release may carry it)",
                self.version)

    def content_probs(self, assessments: Sequence[Assessment]) -> np.ndarray:
        """Content-model class probabilities, one row per assessment."""
        from detectors.model.hashing import hash_texts

        if self._content_predict is None:
            raise ArtifactError(f"artifact {self.path} has no content model")
        t0 = time.perf_counter()
        indices, offsets = hash_texts([model_text(a) for a in assessments], **self.hashing)
        t1 = time.perf_counter()
        probs = self._content_predict(indices, offsets)
        self.seconds["featurize"] += t1 - t0
        self.seconds["infer"] += time.perf_counter() - t1
        return probs

    def features(self, assessments: Sequence[Assessment]) -> np.ndarray:
        """The behaviour feature matrix including the content model's columns."""
        content = self.content_probs(assessments) if self.content is not None else None
        t0 = time.perf_counter()
        x = behaviour_matrix(assessments, content)
        self.seconds["featurize"] += time.perf_counter() - t0
        return x

    def predict(self, assessments: Sequence[Assessment]) -> np.ndarray:
        """Behaviour-model class probabilities (content probabilities if no behaviour model)."""
        x = self.features(assessments)
        if self._behaviour_predict is None:
            return x[:, -len(CLASSES):]
        t0 = time.perf_counter()
        probs = self._behaviour_predict(x)
        self.seconds["infer"] += time.perf_counter() - t0
        return probs

    def score(self, assessments: Sequence[Assessment]) -> None:
        """Attach model hits to every assessment not settled by the heuristics."""
        todo = [a for a in assessments if not a.settled]
        if not todo:
            return
        probs = self.predict(todo)
        # Postprocess the whole batch with numpy (a numpy call per row cost ~2 µs a message);
        # the float32 arithmetic is the same as the per-row form's.
        best = (probs[:, 1:].argmax(axis=1) + 1).tolist()
        # In float64: a confident model puts p(ham) below float32's resolution at 1.0, and
        # every such message would score exactly 1.0, leaving nothing to rank or calibrate.
        attack = (1.0 - probs[:, 0].astype(np.float64)).tolist()
        chosen = probs[np.arange(len(best)), best].tolist()
        for a, k, attack_p, class_p in zip(todo, best, attack, chosen, strict=True):
            a.model_verdict = (CLASSES[k], attack_p)
            a.model_hits.clear()
            if attack_p >= self.min_hit:
                a.model_hits.append(Hit(MODEL_DETECTOR, attack_p, {
                    "class": CLASSES[k], "class_probability": round(class_p, 4),
                    "model": self.version}, CLASSES[k]))


def load_models(artifact: str | Path | None) -> ModelRunner | None:
    """The runner for ``artifact``, or for the packaged default; None when there is neither."""
    path = Path(artifact) if artifact else default_artifact()
    if path is None:
        return None
    if not (path / "manifest.json").exists():
        raise ArtifactError(f"no model artifact at {path} (expected {path}/manifest.json); "
                            "train one with `mailhawk train --corpora DIR --out DIR`")
    return ModelRunner(path)

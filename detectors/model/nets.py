"""The two small networks of the model tier, and the one function that quantizes them.

* :class:`ContentModel` reads the hashed n-grams of a message's text
  (:func:`detectors.model.hashing.hash_texts`): a fastText-style mean of bucket embeddings,
  then a linear head.
* :class:`BehaviourModel` reads the behaviour feature vector (the lead's feature layout: detector
  hits, sender/pair history, authentication, the content model's probabilities...).

Both return logits; :mod:`detectors.model.artifact` turns them into probabilities. Each model
carries its constructor arguments in :attr:`config`, so an artifact can rebuild it.

:func:`quantize` is the only code that touches the deprecated ``torch.ao.quantization`` API
(still working in torch 2.13, with deprecation warnings), so the backend can be swapped (for
``torchao``) in one place. Training happens on the float models; artifacts store and load
quantized ones.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import re
import warnings
from collections.abc import Iterator, Sequence

import numpy as np
import torch
from torch import nn

__all__ = [
    "QUANTIZATION",
    "BehaviourEnsemble",
    "BehaviourModel",
    "ContentEnsemble",
    "ContentModel",
    "is_quantized",
    "quantization_warnings_logged",
    "quantize",
]

log = logging.getLogger(__name__)


class ContentModel(nn.Module):
    """Mean of hashed n-gram embeddings → LayerNorm → ReLU → linear head.

    The bag is the *mean* of the bucket embeddings, computed as ``EmbeddingBag(mode="sum")``
    divided by each bag's length: torch 2.13's quantized EmbeddingBag ignores ``mode`` and
    always sums (its forward passes mode 0 to ``quantized::embedding_bag_byte``, and the kernel
    sums even when given 1), so a ``mode="mean"`` table would score differently once quantized
    (by a factor of the bag length: thousands for a 3 KB body). Dividing outside the bag gives
    the same mean in float and int8.

    The LayerNorm is there because the mean of a bag's embeddings shrinks as the bag grows (a
    subject-only message has tens of indices, a 3 KB body thousands); normalising it lets one
    head read both. Bucket 0 (the featurizer's "no feature" bucket) is an ordinary, trainable
    row: an empty text is itself a signal.

    Args:
        buckets: Rows of the embedding table; must equal the featurizer's ``buckets``.
        n_classes: Number of output classes.
        dim: Embedding width.
    """

    def __init__(self, buckets: int, n_classes: int, dim: int = 48) -> None:
        super().__init__()
        self.config: dict[str, int] = {"buckets": buckets, "n_classes": n_classes, "dim": dim}
        self.bag = nn.EmbeddingBag(buckets, dim, mode="sum")
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, n_classes)
        # fastText-like small initial embeddings: a mean over thousands of rows starts near 0.
        nn.init.uniform_(self.bag.weight, -1.0 / dim, 1.0 / dim)

    def forward(self, indices: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        """Logits, one row per bag.

        Args:
            indices: int64 bucket indices of all bags, concatenated.
            offsets: int64 start of each bag in ``indices``.

        Returns:
            ``(len(offsets), n_classes)`` float logits.
        """
        ends = torch.cat((offsets[1:], offsets.new_full((1,), indices.numel())))
        lengths = (ends - offsets).clamp_(min=1).unsqueeze(1)
        mean = self.bag(indices, offsets) / lengths
        return self.head(torch.relu(self.norm(mean)))


class ContentEnsemble(nn.Module):
    """Several :class:`ContentModel` fits of the same texts, their probabilities averaged.

    Why: the content model's highest scores for ham are a matter of its seed, and so,
    through the thresholds calibrated on them, is what the whole model quarantines (see
    :class:`BehaviourEnsemble`). Averaging fits of other seeds smooths one fit's quirks out.

    The members' embedding tables are packed side by side in one ``EmbeddingBag`` of
    ``dim * members`` columns: a message's n-grams are hashed and looked up once for all
    members (one row read instead of ``members``), then each member's slice of the mean goes
    through its own LayerNorm and head. Member ``k`` computes exactly what the
    :class:`ContentModel` it was packed from computes, in float; int8 quantizes each packed
    row with one scale across the members.

    ``forward`` returns the log of the members' mean probability, as
    :class:`BehaviourEnsemble` does.

    Args:
        buckets: Rows of the embedding table; must equal the featurizer's ``buckets``.
        n_classes: Number of output classes.
        members: Number of member models (at least 2).
        dim: Each member's embedding width.
    """

    def __init__(self, buckets: int, n_classes: int, members: int, dim: int = 48) -> None:
        super().__init__()
        if members < 2:
            raise ValueError(f"an ensemble needs at least 2 members, got {members}")
        self.config: dict[str, int] = {"buckets": buckets, "n_classes": n_classes, "dim": dim,
                                       "members": members}
        self.bag = nn.EmbeddingBag(buckets, dim * members, mode="sum")
        self.norms = nn.ModuleList(nn.LayerNorm(dim) for _ in range(members))
        self.heads = nn.ModuleList(nn.Linear(dim, n_classes) for _ in range(members))

    @classmethod
    def pack(cls, models: Sequence[ContentModel]) -> ContentEnsemble:
        """One ensemble of trained (float) ``models``, which must share their shape."""
        shapes = {(m.config["buckets"], m.config["n_classes"], m.config["dim"]) for m in models}
        if len(shapes) != 1:
            raise ValueError(f"members must share buckets, classes and width, got {shapes}")
        buckets, n_classes, dim = shapes.pop()
        packed = cls(buckets, n_classes, len(models), dim)
        with torch.no_grad():
            packed.bag.weight.copy_(torch.cat([m.bag.weight for m in models], dim=1))
            for norm, head, m in zip(packed.norms, packed.heads, models, strict=True):
                norm.load_state_dict(m.norm.state_dict())
                head.load_state_dict(m.head.state_dict())
        return packed.eval()

    def forward(self, indices: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        """Log mean probability, one row per bag (as :meth:`ContentModel.forward` reads)."""
        ends = torch.cat((offsets[1:], offsets.new_full((1,), indices.numel())))
        lengths = (ends - offsets).clamp_(min=1).unsqueeze(1)
        mean = self.bag(indices, offsets) / lengths
        dim = self.config["dim"]
        probs = torch.stack([
            torch.softmax(head(torch.relu(norm(part))), dim=1)
            for norm, head, part in zip(self.norms, self.heads, mean.split(dim, dim=1),
                                        strict=True)]).mean(dim=0)
        return torch.log(probs)


class BehaviourModel(nn.Module):
    """MLP over the behaviour feature vector: ``n_features → 64 → 32 → n_classes``.

    Inputs are standardised inside the model with ``(x - mean) / scale`` buffers that are saved
    with the weights, so training and serving cannot disagree on scaling. They default to the
    identity; set them from the training matrix with :meth:`fit_scaling`. Dropout acts only in
    training mode (``eval()`` turns it off, and loaded artifacts are in eval mode).

    Args:
        n_features: Width of the feature vector.
        n_classes: Number of output classes.
        dropout: Dropout probability after each hidden layer, in training.
    """

    feature_mean: torch.Tensor
    feature_scale: torch.Tensor

    def __init__(self, n_features: int, n_classes: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.config: dict[str, int | float] = {
            "n_features": n_features, "n_classes": n_classes, "dropout": dropout}
        self.register_buffer("feature_mean", torch.zeros(n_features))
        self.register_buffer("feature_scale", torch.ones(n_features))
        self.mlp = nn.Sequential(
            nn.Linear(n_features, 64), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(64, 32), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(32, n_classes),
        )

    def fit_scaling(self, x: np.ndarray, *, min_scale: float = 1e-3) -> None:
        """Set the standardisation buffers from a training matrix.

        Args:
            x: ``(n_samples, n_features)`` training features.
            min_scale: Floor of the per-feature scale, so constant columns do not blow up.

        Raises:
            ValueError: ``x`` does not have ``n_features`` columns.
        """
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.config["n_features"]:
            raise ValueError(f"expected (n, {self.config['n_features']}) features, "
                             f"got {x.shape}")
        mean = x.mean(axis=0)
        scale = np.maximum(x.std(axis=0), min_scale)
        self.feature_mean.copy_(torch.from_numpy(mean.astype(np.float32)))
        self.feature_scale.copy_(torch.from_numpy(scale.astype(np.float32)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits, one row per feature vector.

        Args:
            x: ``(batch, n_features)`` float32 features.

        Returns:
            ``(batch, n_classes)`` float logits.
        """
        return self.mlp((x - self.feature_mean) / self.feature_scale)


class BehaviourEnsemble(nn.Module):
    """Several :class:`BehaviourModel` fits of the same data, their probabilities averaged.

    Why: one fit's highest scores for ham are a matter of its seed. The thresholds sit where
    the 2–3 highest of ~5,000 calibration ham score, so one seed's quirks decided what the
    whole model quarantined: over ten seeds of the same code and data, SpamAssassin spam
    recall ran 0.34–0.85 and synthetic ham quarantined 4–154 (README, "A retrain is
    seed-sensitive"). Averaging members trained from other seeds on the same features
    smooths those quirks out. The behaviour MLP is a small part of the model stage (the
    content model's n-gram bag is most of it), so members cost little to serve.

    ``forward`` returns the log of the members' mean probability: logits whose softmax is
    that mean, so everything reading this model's logits reads the ensemble.

    Args:
        n_features: Width of the feature vector.
        n_classes: Number of output classes.
        members: Number of member models (at least 2; one is a plain BehaviourModel).
        dropout: Each member's dropout in training.
    """

    def __init__(self, n_features: int, n_classes: int, members: int,
                 dropout: float = 0.1) -> None:
        super().__init__()
        if members < 2:
            raise ValueError(f"an ensemble needs at least 2 members, got {members}")
        self.config: dict[str, int | float] = {
            "n_features": n_features, "n_classes": n_classes, "dropout": dropout,
            "members": members}
        self.members = nn.ModuleList(BehaviourModel(n_features, n_classes, dropout)
                                     for _ in range(members))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Log mean probability, one row per feature vector.

        Args:
            x: ``(batch, n_features)`` float32 features.

        Returns:
            ``(batch, n_classes)`` log-probabilities (softmax gives the mean probability).
        """
        probs = torch.stack([torch.softmax(m(x), dim=1) for m in self.members]).mean(dim=0)
        return torch.log(probs)


QUANTIZATION = "torch.ao-dynamic/1: Linear qint8 per-tensor, EmbeddingBag quint8 row-wise"
"""What :func:`quantize` does, recorded in artifacts; change it whenever ``quantize`` changes."""

_QUANTIZED_MARK = "_mailhawk_quantized"
# Messages of the warnings torch 2.13 raises for the ao.quantization path: the API's own
# deprecation notice, the one about creating quint8/qint8 tensors, and TypedStorage (saving
# and loading quantized tensors).
_QUANT_WARNINGS = (r"(?s).*torch\.ao\.quantization is deprecated",
                   r"(?s).*quantized tensor creation functions",
                   r"(?s).*TypedStorage is deprecated")


def quantize(model: nn.Module) -> nn.Module:
    """Return an int8 copy of ``model`` for inference (the input model is left unchanged).

    ``nn.Linear`` layers get dynamic int8 quantization (int8 weights; torch's own forward
    quantizes activations per batch, the serving path per row, so that no message's score
    depends on its batch: ``detectors.model.artifact._dynamic_linear``); ``nn.EmbeddingBag``
    layers get 8-bit row-wise weights with float scale and offset per row
    (``float_qparams_weight_only_qconfig``), a quarter of the fp32 table. LayerNorm, buffers and
    everything else stay fp32. The result is in eval mode; quantizing a model this function
    already returned is a no-op.

    Uses the ``torch.ao.quantization`` eager API, deprecated in torch 2.13 but working. Its
    deprecation warnings are caught here and logged at DEBUG, so they neither spam the
    engine's log nor become errors under ``-W error``.

    Keep the returned module referenced for as long as you use its ``state_dict()``: the
    quantized EmbeddingBag's weight in that dict borrows its per-row scales from the module
    (torch 2.13), so ``torch.save(quantize(m).state_dict(), f)`` writes freed memory.
    :func:`detectors.model.artifact.save_artifact` does it safely and checks the file.

    Args:
        model: A float model, typically :class:`ContentModel` or :class:`BehaviourModel`.

    Returns:
        The quantized copy.
    """
    if is_quantized(model):
        return model
    with quantization_warnings_logged():
        # Imported here: importing torch.ao.quantization itself warns.
        from torch.ao.quantization import (
            default_dynamic_qconfig,
            float_qparams_weight_only_qconfig,
            quantize_dynamic,
        )

        quantized = quantize_dynamic(
            copy.deepcopy(model).eval(),
            qconfig_spec={nn.Linear: default_dynamic_qconfig,
                          nn.EmbeddingBag: float_qparams_weight_only_qconfig},
            dtype=torch.qint8,
            inplace=True,
        )
    setattr(quantized, _QUANTIZED_MARK, True)
    return quantized.eval()


def is_quantized(model: nn.Module) -> bool:
    """Whether ``model`` was returned by :func:`quantize`."""
    return bool(getattr(model, _QUANTIZED_MARK, False))


@contextlib.contextmanager
def quantization_warnings_logged() -> Iterator[None]:
    """Log, at DEBUG, the warnings torch 2.13 raises around quantized models; re-issue others.

    Wraps quantizing, and saving or loading quantized state dicts (which warn about
    ``TypedStorage``). Any warning not in the expected list is re-issued unchanged.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        text = str(w.message)
        if any(re.match(pattern, text) for pattern in _QUANT_WARNINGS):
            log.debug("expected torch quantization warning: %s: %s",
                      w.category.__name__, text.splitlines()[0])
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)

"""Versioned model artifacts: save, verify and load the quantized models; run them.

An artifact is a directory::

    manifest.json    what the models are and how they were made (see below)
    content.pt       state dict of the quantized ContentModel     (optional)
    behaviour.pt     state dict of the quantized BehaviourModel   (optional; or of a
                     BehaviourEnsemble, when its ``models`` entry has ``members``)

``manifest.json`` (sorted keys, so equal inputs give equal bytes) holds: ``format`` (the layout
of this directory, :data:`ARTIFACT_FORMAT`), ``version`` (the artifact's own name),
``created`` (only if the caller passes one: no wall-clock time, so the same models and inputs
give the same bytes), ``torch`` (the version that wrote it),
``quantization`` (:data:`~detectors.model.nets.QUANTIZATION`, which must match to load),
``models`` (the constructor arguments of each model, to rebuild it), ``files`` (sha256 and
size of each weights file), and what the caller passes: ``config``, ``feature_layout`` (must
have a ``version``), ``training_data``, ``metrics`` and ``thresholds``.

Loading is offline (local files, ``torch.load(weights_only=True)``, nothing downloaded) and
strict: a missing file, a sha256 mismatch, a feature layout of another version or state dicts
that do not fit the rebuilt models raise :class:`~detectors.errors.ArtifactError`.

Runtime split (as in TorchServe's handler): :func:`load_artifact` once, the featurizer
(:func:`detectors.model.hashing.hash_texts` or the behaviour layout), then
:func:`predict_content` / :func:`predict_behaviour` on whole batches, under
``torch.inference_mode()`` with tensors built from numpy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from torch import nn
from torch.ao.nn.quantized import EmbeddingBag as QuantizedEmbeddingBag
from torch.ao.nn.quantized.dynamic import Linear as DynamicQuantizedLinear

from detectors.errors import ArtifactError
from detectors.model.nets import (
    QUANTIZATION,
    BehaviourEnsemble,
    BehaviourModel,
    ContentEnsemble,
    ContentModel,
    quantization_warnings_logged,
    quantize,
)

__all__ = [
    "ARTIFACT_FORMAT",
    "LoadedModels",
    "behaviour_predictor",
    "configure_torch",
    "content_predictor",
    "load_artifact",
    "predict_behaviour",
    "predict_content",
    "save_artifact",
]

log = logging.getLogger(__name__)

ARTIFACT_FORMAT = 1
"""Layout of the artifact directory and manifest; bump when either changes incompatibly."""

MANIFEST = "manifest.json"
_KINDS: dict[str, tuple[type[nn.Module], ...]] = {
    "content": (ContentModel, ContentEnsemble), "behaviour": (BehaviourModel, BehaviourEnsemble)}


def _model_class(kind: str, model_config: dict[str, Any]) -> type[nn.Module]:
    """The class to rebuild a model of ``kind`` from its manifest entry (members: an ensemble)."""
    return _KINDS[kind][1 if "members" in model_config else 0]


@dataclass(frozen=True, slots=True)
class LoadedModels:
    """The models of a verified artifact, quantized and in eval mode.

    Attributes:
        content: The content model, or None if the artifact has none.
        behaviour: The behaviour model, or None if the artifact has none.
        manifest: The artifact's manifest as read from ``manifest.json``.
    """

    content: nn.Module | None
    behaviour: nn.Module | None
    manifest: dict[str, Any]

    @property
    def version(self) -> str:
        """The artifact's version string (``manifest["version"]``)."""
        return str(self.manifest["version"])


def configure_torch(threads: int = 1) -> None:
    """Set torch's thread pools for an engine process.

    The engine runs one process per core and batches model calls, so torch's own parallelism
    only adds contention: the default is one intra-op thread. Call it once at process start,
    before the first inference; nothing in this package calls it on import.

    Args:
        threads: Intra-op (and, if still settable, inter-op) threads.
    """
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError:  # only settable before the first inter-op work in the process
        log.debug("torch inter-op threads already fixed at %d", torch.get_num_interop_threads())


def save_artifact(
    out_dir: Path,
    *,
    content: nn.Module | None,
    behaviour: nn.Module | None,
    config: dict[str, Any],
    feature_layout: dict[str, Any],
    training_data: dict[str, Any],
    metrics: dict[str, Any],
    thresholds: dict[str, Any],
    version: str,
    created: str | None = None,
) -> Path:
    """Quantize the trained models and write them, with their manifest, to ``out_dir``.

    The directory is written under a temporary name beside ``out_dir`` and renamed into
    place, so a reader never sees half an artifact.

    Args:
        out_dir: Directory to create; it must not exist yet or be empty.
        content: The trained float :class:`ContentModel` or
            :class:`~detectors.model.nets.ContentEnsemble`, or None.
        behaviour: The trained float :class:`BehaviourModel` or
            :class:`~detectors.model.nets.BehaviourEnsemble`, or None.
        config: Training and featurizer settings (e.g. ``hash_texts`` arguments, classes).
        feature_layout: The feature layout the models were trained on; must hold ``version``.
        training_data: What the models were trained on (corpus names, hashes, counts).
        metrics: Evaluation results.
        thresholds: Decision thresholds chosen for these models.
        version: The artifact's name, e.g. ``"2024.06.1"``.
        created: A creation stamp to record; omitted from the manifest when None.

    Returns:
        ``out_dir``.

    Raises:
        ArtifactError: Nothing to save, ``feature_layout`` has no ``version``, a model is of
            another class, or ``out_dir`` is not empty.
        TypeError: A passed dict holds values JSON cannot represent.
    """
    out_dir = Path(out_dir)
    models = {"content": content, "behaviour": behaviour}
    if content is None and behaviour is None:
        raise ArtifactError("an artifact needs a content model, a behaviour model or both")
    if "version" not in feature_layout:
        raise ArtifactError("feature_layout must hold a 'version' key")
    for kind, model in models.items():
        if model is not None and not isinstance(model, _KINDS[kind]):
            raise ArtifactError(f"{kind} must be a "
                                f"{' or '.join(c.__name__ for c in _KINDS[kind])}, "
                                f"got {type(model).__name__}")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ArtifactError(f"refusing to overwrite {out_dir}: choose a new directory")

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        files: dict[str, dict[str, Any]] = {}
        model_configs: dict[str, dict[str, Any]] = {}
        for kind, model in models.items():
            if model is None:
                continue
            name = f"{kind}.pt"
            _save_quantized(model, staging / name)
            files[name] = {"sha256": _sha256(staging / name),
                           "bytes": (staging / name).stat().st_size}
            model_configs[kind] = dict(model.config)  # type: ignore[arg-type]  # checked above
        manifest: dict[str, Any] = {
            "format": ARTIFACT_FORMAT,
            "version": version,
            "torch": torch.__version__,
            "quantization": QUANTIZATION,
            "models": model_configs,
            "files": files,
            "config": config,
            "feature_layout": feature_layout,
            "training_data": training_data,
            "metrics": metrics,
            "thresholds": thresholds,
        }
        if created is not None:
            manifest["created"] = created
        text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False,
                          default=_json_default)
        (staging / MANIFEST).write_text(text + "\n", encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp makes it private; an artifact is meant to be shared
        if out_dir.exists():
            out_dir.rmdir()  # empty, checked above
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def load_artifact(path: Path, *, expected_layout_version: int) -> LoadedModels:
    """Verify and load an artifact written by :func:`save_artifact`.

    Args:
        path: The artifact directory.
        expected_layout_version: The feature layout version this code builds; an artifact
            trained on another layout is refused.

    Returns:
        The quantized models in eval mode, and the manifest.

    Raises:
        ArtifactError: The manifest is missing or unreadable, of another artifact format,
            quantization scheme or feature layout version; a weights file is missing or its
            sha256 does not match; or the weights do not fit the models the manifest describes.
    """
    path = Path(path)
    manifest = _read_manifest(path)
    if manifest.get("quantization") != QUANTIZATION:
        raise ArtifactError(
            f"model artifact {path} was quantized as {manifest.get('quantization')!r}, this "
            f"mailhawk quantizes as {QUANTIZATION!r}: retrain the models with `mailhawk train`")
    layout_version = manifest.get("feature_layout", {}).get("version")
    if layout_version != expected_layout_version:
        raise ArtifactError(
            f"model artifact {path} (version {manifest.get('version')!r}) was trained on "
            f"feature layout version {layout_version!r}, but this mailhawk builds feature "
            f"layout version {expected_layout_version}: retrain the models with "
            f"`mailhawk train`, or run a mailhawk version whose feature layout is "
            f"{layout_version!r}")
    loaded: dict[str, nn.Module | None] = {"content": None, "behaviour": None}
    for kind, model_config in manifest.get("models", {}).items():
        if kind not in _KINDS:
            raise ArtifactError(f"model artifact {path}: unknown model kind {kind!r}")
        loaded[kind] = _load_model(path, manifest, kind, model_config)
    if loaded["content"] is None and loaded["behaviour"] is None:
        raise ArtifactError(f"model artifact {path} holds no model")
    return LoadedModels(content=loaded["content"], behaviour=loaded["behaviour"],
                        manifest=manifest)


def predict_content(model: nn.Module, indices: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Class probabilities of a batch of hashed texts.

    Args:
        model: A (quantized or float) :class:`ContentModel`.
        indices: int64 bucket indices from :func:`~detectors.model.hashing.hash_texts`.
        offsets: int64 bag offsets from the same call.

    Returns:
        ``(len(offsets), n_classes)`` float32 probabilities; rows sum to 1.

    Each call resolves the model's kernels again; for repeated calls take
    :func:`content_predictor` once (as ``ModelRunner`` does).
    """
    return content_predictor(model)(indices, offsets)


def _module_content(model: nn.Module, indices: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        logits = model(torch.from_numpy(np.ascontiguousarray(indices, dtype=np.int64)),
                       torch.from_numpy(np.ascontiguousarray(offsets, dtype=np.int64)))
        return torch.softmax(logits, dim=1).numpy()


def predict_behaviour(model: nn.Module, x: np.ndarray) -> np.ndarray:
    """Class probabilities of a batch of behaviour feature vectors.

    Args:
        model: A (quantized or float) :class:`BehaviourModel`.
        x: ``(batch, n_features)`` features (converted to float32 if needed).

    Returns:
        ``(batch, n_classes)`` float32 probabilities; rows sum to 1.
    """
    return behaviour_predictor(model)(x)  # resolved per call: see predict_content


def _module_behaviour(model: nn.Module, x: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        logits = model(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)))
        return torch.softmax(logits, dim=1).numpy()


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"{path} is not a model artifact: no {MANIFEST}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"model artifact {path}: unreadable {MANIFEST}: {exc}") from exc
    if not isinstance(manifest, dict):
        raise ArtifactError(f"model artifact {path}: {MANIFEST} is not a JSON object")
    if manifest.get("format") != ARTIFACT_FORMAT:
        raise ArtifactError(
            f"model artifact {path} has format {manifest.get('format')!r}; this mailhawk "
            f"reads format {ARTIFACT_FORMAT}: retrain with `mailhawk train` or use the "
            "mailhawk version that wrote it")
    if manifest.get("torch") != torch.__version__:
        log.info("model artifact %s was written by torch %s, running torch %s",
                 path, manifest.get("torch"), torch.__version__)
    return manifest


def _load_model(path: Path, manifest: dict[str, Any], kind: str,
                model_config: dict[str, Any]) -> nn.Module:
    name = f"{kind}.pt"
    expected = manifest.get("files", {}).get(name, {}).get("sha256")
    weights = path / name
    if expected is None:
        raise ArtifactError(f"model artifact {path}: manifest has no sha256 for {name}")
    if not weights.is_file():
        raise ArtifactError(f"model artifact {path}: {name} is missing")
    actual = _sha256(weights)
    if actual != expected:
        raise ArtifactError(f"model artifact {path}: {name} has sha256 {actual}, the manifest "
                            f"says {expected}: the file is corrupt or was modified")
    try:
        with quantization_warnings_logged():
            state = torch.load(weights, map_location="cpu", weights_only=True)
            model = quantize(_model_class(kind, model_config)(**model_config))
            model.load_state_dict(state)
    except (RuntimeError, TypeError, ValueError, KeyError) as exc:
        raise ArtifactError(f"model artifact {path}: {name} does not fit the {kind} model "
                            f"{model_config}: {exc}") from exc
    return model.eval()


def _save_quantized(model: nn.Module, path: Path) -> None:
    """Quantize ``model``, save its state dict to ``path`` and check the file reads back equal.

    The quantized model must stay referenced until the file is written: in torch 2.13 the
    weight a quantized EmbeddingBag puts in its state dict borrows its per-row scales and zero
    points from the module's packed weights, so once the module is freed they point at freed
    memory and ``torch.save`` writes garbage (``torch.save(quantize(m).state_dict(), f)`` does
    exactly that). The read-back check catches that class of bug at training time instead of
    as silently wrong scores in production.
    """
    with quantization_warnings_logged():
        quantized = quantize(model)
        state = quantized.state_dict()
        torch.save(state, path)
        reread = torch.load(path, map_location="cpu", weights_only=True)
        differing = [key for key in state if not _same_value(state[key], reread.get(key))]
        del quantized
    if differing or set(reread) != set(state):
        raise ArtifactError(f"{path.name} does not read back as written ({differing}): "
                            "torch serialisation of the quantized model is broken")


def _same_value(a: Any, b: Any) -> bool:
    """Exact equality of state dict values, quantized tensors included."""
    if isinstance(a, torch.Tensor):
        if not isinstance(b, torch.Tensor) or a.dtype != b.dtype or a.shape != b.shape:
            return False
        if not a.is_quantized:
            return torch.equal(a, b)
        if a.qscheme() != b.qscheme() or not torch.equal(a.int_repr(), b.int_repr()):
            return False
        if a.qscheme() in (torch.per_tensor_affine, torch.per_tensor_symmetric):
            return a.q_scale() == b.q_scale() and a.q_zero_point() == b.q_zero_point()
        return (torch.equal(a.q_per_channel_scales(), b.q_per_channel_scales())
                and torch.equal(a.q_per_channel_zero_points(), b.q_per_channel_zero_points())
                and a.q_per_channel_axis() == b.q_per_channel_axis())
    if isinstance(a, tuple | list):
        return (isinstance(b, tuple | list) and len(a) == len(b)
                and all(_same_value(x, y) for x, y in zip(a, b, strict=True)))
    return bool(a == b)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _json_default(value: Any) -> Any:
    """Let numpy scalars and arrays (typical in metrics) into the manifest."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"manifest value of type {type(value).__name__} is not JSON-serialisable")


# ----------------------------------------------------------------------------- serving path
#
# A model call through ``nn.Module`` costs 110-160 µs per batch before any arithmetic (module
# dispatch, hooks, the overload resolution of every ``torch.ops`` packet, the packed-params
# attribute look-ups), 1.5-2 µs a message at the cascade's batch sizes: more than the
# behaviour MLP's arithmetic. The predictors below call the kernels directly, resolved once,
# and replace the int8 ``Linear`` by a row-exact form (``_dynamic_linear``), so every row's
# result is independent of the rest of its batch. ``predict_content`` / ``predict_behaviour``
# are these predictors; a structure they do not know (a float model) runs its module.


def _dynamic_linear(layer: nn.Module) -> Callable[[torch.Tensor], torch.Tensor] | None:
    """An int8 ``Linear`` whose output row depends on its input row alone.

    torch's dynamic int8 kernel (``quantized::linear_dynamic``, what the module's forward
    calls) quantizes the activations with one scale for the whole batch, taken from the
    batch's largest value: a message's probabilities then depend on which other messages
    share its batch. Measured on 12,000 messages scored in batches of 500 and then of 97,
    features identical: 3,088 scores differed (by up to 0.89) and 78 actions changed. That
    breaks the commit protocol's promise that a message scored again after a crash gets the
    same verdict (the batches after a restart are cut differently), makes evaluation figures
    depend on the batch size, and lets one sender's extreme message coarsen the scores of
    every other message in its batch.

    Here each row gets its own symmetric int8 scale. The int8 products are summed in float64,
    where every partial sum is an integer far below 2**53 and so exact in any order: the
    result does not even depend on how the matrix product is blocked for a batch size. The
    weights stay the artifact's int8 values (scale and zero point as stored).
    """
    if type(layer) is not DynamicQuantizedLinear or layer.training \
            or layer._packed_params.dtype != torch.qint8:
        return None
    weight, bias = layer._packed_params._weight_bias()
    if weight.qscheme() not in (torch.per_tensor_affine, torch.per_tensor_symmetric):
        return None
    # |q| <= 127 and |w - zero point| <= 255: a sum over even 10,000 inputs stays below 2**29.
    w_int = (weight.int_repr().to(torch.float64) - weight.q_zero_point()).T.contiguous()
    w_scale = float(weight.q_scale())
    b64 = bias.detach().to(torch.float64) if bias is not None else None

    def linear(x: torch.Tensor) -> torch.Tensor:
        x64 = x.to(torch.float64)
        amax = x64.abs().amax(dim=1, keepdim=True)
        step = torch.where(amax > 0, amax / 127.0, torch.ones_like(amax))
        acc = torch.round(x64 / step) @ w_int
        out = acc * (step * w_scale)
        if b64 is not None:
            out += b64
        return out.to(torch.float32)

    return linear


def content_predictor(model: nn.Module) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """:func:`predict_content` for ``model``, without the per-call module overhead.

    Build it once per loaded model (it holds the model's packed weights as they are now).

    Args:
        model: A :class:`ContentModel` or :class:`ContentEnsemble`; the direct path is
            taken for the int8 form :func:`~detectors.model.nets.quantize` makes, in eval
            mode.

    Returns:
        A function of ``(indices, offsets)``: ``predict_content`` for ``model``, each row
        independent of the rest of the batch (for the int8 form).
    """
    bag = getattr(model, "bag", None)
    if type(model) is ContentModel:
        norms, heads = [getattr(model, "norm", None)], [getattr(model, "head", None)]
    elif type(model) is ContentEnsemble:
        norms, heads = list(model.norms), list(model.heads)
    else:
        norms, heads = [], []
    linears = [_dynamic_linear(h) if h is not None else None for h in heads]
    if (not norms or model.training or type(bag) is not QuantizedEmbeddingBag
            or bag.dtype != torch.quint8 or any(h is None for h in linears)
            or any(type(n) is not nn.LayerNorm for n in norms)):
        return lambda indices, offsets: _module_content(model, indices, offsets)
    packed_bag = bag._packed_params._packed_weight
    bag_op = torch.ops.quantized.embedding_bag_byte.default
    pruned, include_last = bool(bag.pruned_weights), bool(bag.include_last_offset)
    members = [(linear, n.normalized_shape, n.weight, n.bias, n.eps)
               for linear, n in zip(cast(list[Callable[[torch.Tensor], torch.Tensor]], linears),
                                    cast(list[nn.LayerNorm], norms), strict=True)]
    dim = int(members[0][1][0])

    def predict(indices: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        indices = np.ascontiguousarray(indices, dtype=np.int64)
        offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        # ContentModel.forward's bag lengths (at least 1), in numpy: the same integers.
        lengths = np.diff(offsets, append=np.int64(len(indices)))
        np.maximum(lengths, 1, out=lengths)
        with torch.inference_mode():
            summed = bag_op(packed_bag, torch.from_numpy(indices), torch.from_numpy(offsets),
                            False, 0, pruned, None, None, include_last)
            mean = summed / torch.from_numpy(lengths).unsqueeze(1)
            if len(members) == 1:
                head, shape, weight, bias, eps = members[0]
                logits = head(torch.relu(torch.layer_norm(mean, shape, weight, bias, eps)))
                return torch.softmax(logits, dim=1).numpy()
            # An ensemble: each member's slice of the packed mean, the mean of their softmaxes
            # (ContentEnsemble.forward's log of it softmaxes back to the same mean).
            probs = torch.stack([
                torch.softmax(head(torch.relu(torch.layer_norm(part, shape, weight, bias,
                                                               eps))), dim=1)
                for (head, shape, weight, bias, eps), part
                in zip(members, mean.split(dim, dim=1), strict=True)]).mean(dim=0)
            return probs.numpy()

    return predict


def behaviour_predictor(model: nn.Module) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`predict_behaviour` for ``model``, without the per-call module overhead.

    Build it once per loaded model (it holds the model's packed weights as they are now).

    Args:
        model: A :class:`BehaviourModel`; the direct path is taken for the int8 form
            :func:`~detectors.model.nets.quantize` makes, in eval mode. A
            :class:`BehaviourEnsemble` gets the mean of its members' predictors.

    Returns:
        A function of ``x``: ``predict_behaviour`` for ``model``, each row independent of the
        rest of the batch (for the int8 form).
    """
    if type(model) is BehaviourEnsemble:
        members = [behaviour_predictor(m) for m in model.members]
        # The mean of the members' rows: each row still depends on nothing but itself.
        return lambda x: np.mean([member(x) for member in members], axis=0)
    steps: list[Callable[[torch.Tensor], torch.Tensor]] = []
    mlp = getattr(model, "mlp", None)
    ok = type(model) is BehaviourModel and not model.training and type(mlp) is nn.Sequential
    # ok implies type(mlp) is nn.Sequential (and model a BehaviourModel, below): the checker
    # does not carry that narrowing through ``ok``.
    for layer in cast(nn.Sequential, mlp) if ok else ():
        if type(layer) is nn.ReLU and not layer.inplace:
            steps.append(torch.relu)
        elif type(layer) is nn.Dropout and not layer.training:
            continue  # the identity in eval mode
        elif (linear := _dynamic_linear(layer)) is not None:
            steps.append(linear)
        else:
            ok = False
            break
    if not ok:
        return lambda x: _module_behaviour(model, x)
    behaviour = cast(BehaviourModel, model)
    mean, scale = behaviour.feature_mean, behaviour.feature_scale

    def predict(x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            h = (torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)) - mean) / scale
            for step in steps:
                h = step(h)
            return torch.softmax(h, dim=1).numpy()

    return predict

"""Models learn a toy task, survive int8 quantization, and round-trip through an artifact."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from detectors.errors import ArtifactError
from detectors.model import (
    ARTIFACT_FORMAT,
    QUANTIZATION,
    BehaviourEnsemble,
    BehaviourModel,
    ContentEnsemble,
    ContentModel,
    configure_torch,
    hash_texts,
    load_artifact,
    predict_behaviour,
    predict_content,
    quantize,
    save_artifact,
)
from detectors.model.artifact import _module_behaviour, _module_content

BUCKETS = 1 << 12
LAYOUT = {"version": 3, "columns": ["a", "b", "c", "d", "e", "f"]}
FRAUD = ["wire", "transfer", "gift", "card", "urgent", "invoice", "bank", "details", "asap"]
WORK = ["meeting", "notes", "agenda", "lunch", "project", "review", "slides", "tuesday"]
NOISE = ["the", "a", "please", "team", "thanks", "regards", "hi", "for", "and", "today"]


def _toy_texts(count: int, seed: int) -> tuple[list[str], np.ndarray]:
    """Short mails: class 1 draws from fraud words, class 0 from work words, both with noise."""
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(count):
        label = i % 2
        words = rng.choices(FRAUD if label else WORK, k=3) + rng.choices(NOISE, k=6)
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + rng.choice([".", "!", " :)"]))
        labels.append(label)
    return texts, np.array(labels)


def _toy_behaviour(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs of 6 features on very different scales."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 2
    centres = np.array([[0, 0, 0, 10, 100, 0], [2, -2, 1, 14, 160, 0]], dtype=np.float32)
    x = centres[labels] + rng.normal(size=(count, 6)).astype(np.float32) * [1, 1, 1, 2, 20, 0]
    return x.astype(np.float32), labels


def _train(model: nn.Module, batch: tuple[torch.Tensor, ...], labels: np.ndarray,
           epochs: int, lr: float) -> None:
    torch.manual_seed(0)
    target = torch.from_numpy(labels)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        opt.zero_grad()
        nn.functional.cross_entropy(model(*batch), target).backward()
        opt.step()
    model.eval()


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread() -> Iterator[None]:
    """As in the engine; also keeps the tests fast on a CPU shared with other processes."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def content_model() -> ContentModel:
    torch.manual_seed(0)
    texts, labels = _toy_texts(200, seed=1)
    indices, offsets = hash_texts(texts, buckets=BUCKETS)
    model = ContentModel(BUCKETS, n_classes=2)
    _train(model, (torch.from_numpy(indices), torch.from_numpy(offsets)), labels,
           epochs=60, lr=0.05)
    return model


@pytest.fixture(scope="module")
def behaviour_model() -> BehaviourModel:
    torch.manual_seed(0)
    x, labels = _toy_behaviour(400, seed=1)
    model = BehaviourModel(n_features=6, n_classes=2)
    model.fit_scaling(x)
    _train(model, (torch.from_numpy(x),), labels, epochs=150, lr=0.01)
    return model


def _save(out: Path, content: nn.Module | None, behaviour: nn.Module | None,
          **overrides: object) -> Path:
    kwargs: dict = {
        "content": content, "behaviour": behaviour,
        "config": {"hashing": {"buckets": BUCKETS}, "classes": ["ham", "fraud"]},
        "feature_layout": LAYOUT,
        "training_data": {"toy": "sha256:0000", "messages": 200},
        "metrics": {"accuracy": np.float32(0.99)},
        "thresholds": {"block": 0.9},
        "version": "test-1",
    }
    kwargs.update(overrides)
    return save_artifact(out, **kwargs)


def test_content_model_learns_and_keeps_accuracy_after_quantization(
        content_model: ContentModel) -> None:
    texts, labels = _toy_texts(200, seed=2)  # held out
    indices, offsets = hash_texts(texts, buckets=BUCKETS)
    fp32 = predict_content(content_model, indices, offsets)
    int8 = predict_content(quantize(content_model), indices, offsets)
    assert (fp32.argmax(1) == labels).mean() >= 0.95
    assert (int8.argmax(1) == labels).mean() >= 0.95
    assert np.abs(fp32 - int8).max() < 0.05


def test_behaviour_model_learns_and_keeps_accuracy_after_quantization(
        behaviour_model: BehaviourModel) -> None:
    x, labels = _toy_behaviour(400, seed=2)  # held out
    fp32 = predict_behaviour(behaviour_model, x)
    int8 = predict_behaviour(quantize(behaviour_model), x)
    assert (fp32.argmax(1) == labels).mean() >= 0.95
    assert (int8.argmax(1) == labels).mean() >= 0.95


def test_probabilities_are_float32_rows_summing_to_one(
        content_model: ContentModel, behaviour_model: BehaviourModel) -> None:
    texts, _ = _toy_texts(8, seed=3)
    probs = predict_content(quantize(content_model), *hash_texts(texts, buckets=BUCKETS))
    x, _ = _toy_behaviour(8, seed=3)
    for p in (probs, predict_behaviour(quantize(behaviour_model), x.astype(np.float64))):
        assert p.dtype == np.float32 and p.shape == (8, 2)
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)


def test_save_then_load_gives_the_same_probabilities(
        tmp_path: Path, content_model: ContentModel, behaviour_model: BehaviourModel) -> None:
    path = _save(tmp_path / "artifact", content_model, behaviour_model)
    loaded = load_artifact(path, expected_layout_version=3)

    texts, _ = _toy_texts(64, seed=4)
    indices, offsets = hash_texts(texts, buckets=BUCKETS)
    np.testing.assert_allclose(predict_content(loaded.content, indices, offsets),
                               predict_content(quantize(content_model), indices, offsets),
                               atol=1e-5)
    x, _ = _toy_behaviour(64, seed=4)
    np.testing.assert_allclose(predict_behaviour(loaded.behaviour, x),
                               predict_behaviour(quantize(behaviour_model), x), atol=1e-5)
    assert not loaded.content.training and not loaded.behaviour.training
    assert loaded.version == "test-1"


def test_a_message_scores_the_same_whatever_else_is_in_its_batch(
        tmp_path: Path, content_model: ContentModel, behaviour_model: BehaviourModel) -> None:
    """Bit for bit: alone, in any batch, beside an extreme message (a crash re-cuts batches)."""
    loaded = load_artifact(_save(tmp_path / "artifact", content_model, behaviour_model),
                           expected_layout_version=3)
    texts, _ = _toy_texts(40, seed=5)
    texts[3] = ""  # an empty bag (bucket 0)
    x, _ = _toy_behaviour(40, seed=5)
    outlier = x[:1] * 1e4  # one sender's absurd counts must not coarsen the others' scores
    for content, behaviour in ((loaded.content, loaded.behaviour),
                               (quantize(content_model), quantize(behaviour_model))):
        alone_c = np.vstack([predict_content(content, *hash_texts([t], buckets=BUCKETS))
                             for t in texts])
        alone_b = np.vstack([predict_behaviour(behaviour, x[i:i + 1]) for i in range(len(x))])
        for lo, hi in ((0, 40), (0, 7), (5, 33)):
            got = predict_content(content, *hash_texts([*texts[lo:hi], "x" * 3000],
                                                       buckets=BUCKETS))
            assert np.array_equal(got[:-1], alone_c[lo:hi])
            got = predict_behaviour(behaviour, np.vstack([outlier, x[lo:hi]]))
            assert np.array_equal(got[1:], alone_b[lo:hi])
        # The same model as torch's own int8 forward, which scales activations per batch and
        # with 7 bits (reduce_range): close, not equal.
        np.testing.assert_allclose(alone_c, _module_content(
            content, *hash_texts(texts, buckets=BUCKETS)), atol=0.05)
        np.testing.assert_allclose(alone_b, np.vstack([_module_behaviour(behaviour, x[i:i + 1])
                                                       for i in range(len(x))]), atol=0.05)
    # The float model (the fallback path) is the module itself.
    indices, offsets = hash_texts(texts, buckets=BUCKETS)
    assert np.array_equal(predict_content(content_model, indices, offsets),
                          _module_content(content_model, indices, offsets))
    assert np.array_equal(predict_behaviour(behaviour_model, x),
                          _module_behaviour(behaviour_model, x))


def test_manifest_records_what_the_models_are_and_how_they_were_made(
        tmp_path: Path, content_model: ContentModel, behaviour_model: BehaviourModel) -> None:
    path = _save(tmp_path / "artifact", content_model, behaviour_model)
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["format"] == ARTIFACT_FORMAT
    assert manifest["version"] == "test-1"
    assert manifest["torch"] == torch.__version__
    assert manifest["quantization"] == QUANTIZATION
    assert manifest["models"] == {
        "content": {"buckets": BUCKETS, "n_classes": 2, "dim": 48},
        "behaviour": {"n_features": 6, "n_classes": 2, "dropout": 0.1},
    }
    assert set(manifest["files"]) == {"content.pt", "behaviour.pt"}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())
    assert manifest["feature_layout"] == LAYOUT
    assert manifest["metrics"] == {"accuracy": pytest.approx(0.99)}
    assert manifest["thresholds"] == {"block": 0.9}
    assert manifest["training_data"]["messages"] == 200
    assert "created" not in manifest  # no wall-clock time unless the caller passes one


def test_same_models_and_inputs_give_byte_identical_artifacts(
        tmp_path: Path, content_model: ContentModel) -> None:
    first = _save(tmp_path / "one", content_model, None, created="2024-06-01")
    second = _save(tmp_path / "two", content_model, None, created="2024-06-01")
    for name in ("manifest.json", "content.pt"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_an_artifact_may_hold_only_one_model(
        tmp_path: Path, behaviour_model: BehaviourModel) -> None:
    loaded = load_artifact(_save(tmp_path / "a", None, behaviour_model),
                           expected_layout_version=3)
    assert loaded.content is None and loaded.behaviour is not None


def test_tampered_weights_are_refused(tmp_path: Path, content_model: ContentModel) -> None:
    path = _save(tmp_path / "artifact", content_model, None)
    weights = path / "content.pt"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0x01
    weights.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match=r"content\.pt has sha256 .* corrupt or was modified"):
        load_artifact(path, expected_layout_version=3)


def test_missing_weights_are_refused(tmp_path: Path, content_model: ContentModel) -> None:
    path = _save(tmp_path / "artifact", content_model, None)
    (path / "content.pt").unlink()
    with pytest.raises(ArtifactError, match=r"content\.pt is missing"):
        load_artifact(path, expected_layout_version=3)


def test_another_feature_layout_version_is_refused_with_what_to_do(
        tmp_path: Path, content_model: ContentModel) -> None:
    path = _save(tmp_path / "artifact", content_model, None)
    with pytest.raises(ArtifactError) as err:
        load_artifact(path, expected_layout_version=4)
    message = str(err.value)
    assert "feature layout version 3" in message and "feature layout version 4" in message
    assert "mailhawk train" in message


def test_an_artifact_quantized_another_way_is_refused(
        tmp_path: Path, content_model: ContentModel) -> None:
    path = _save(tmp_path / "artifact", content_model, None)
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["quantization"] = "torchao-int4/1"
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match=r"quantized as 'torchao-int4/1'.*mailhawk train"):
        load_artifact(path, expected_layout_version=3)


def test_a_directory_without_manifest_is_not_an_artifact(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="not a model artifact"):
        load_artifact(tmp_path, expected_layout_version=3)


def test_save_refuses_to_overwrite_and_to_save_without_layout_version(
        tmp_path: Path, content_model: ContentModel) -> None:
    path = _save(tmp_path / "artifact", content_model, None)
    with pytest.raises(ArtifactError, match="refusing to overwrite"):
        _save(path, content_model, None)
    with pytest.raises(ArtifactError, match="'version'"):
        _save(tmp_path / "other", content_model, None, feature_layout={"columns": []})
    with pytest.raises(ArtifactError, match="needs a content model"):
        _save(tmp_path / "other", None, None)
    assert not (tmp_path / "other").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artifact"]  # no staging leftovers


def test_configure_torch_sets_the_thread_count() -> None:
    before = torch.get_num_threads()
    try:
        configure_torch(2)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_the_shipped_model_is_redistributable_and_a_noncommercial_one_says_so(tmp_path, caplog):
    import logging
    import shutil

    import orjson

    from detectors.models import ModelRunner, default_artifact

    shipped = default_artifact()
    assert shipped is not None
    manifest = orjson.loads((shipped / "manifest.json").read_bytes())
    assert manifest["training_data"]["corpus"]["noncommercial_phishing_pot"] is False
    with caplog.at_level(logging.WARNING, logger="mailhawk.models"):
        assert ModelRunner(shipped).noncommercial is False
    assert "CC BY-NC" not in caplog.text
    own = tmp_path / "own"
    shutil.copytree(shipped, own)
    manifest["training_data"]["corpus"]["noncommercial_phishing_pot"] = True
    (own / "manifest.json").write_bytes(orjson.dumps(manifest))
    with caplog.at_level(logging.WARNING, logger="mailhawk.models"):
        assert ModelRunner(own).noncommercial is True
    assert "CC BY-NC 4.0" in caplog.text and "do not redistribute" in caplog.text


def test_a_model_runner_without_the_c_kernel_says_what_to_do(caplog, monkeypatch):
    import logging

    from detectors.model import hashing
    from detectors.models import ModelRunner, default_artifact

    shipped = default_artifact()
    assert shipped is not None
    with caplog.at_level(logging.WARNING, logger="mailhawk.models"):
        ModelRunner(shipped)
    assert "_kernels.c" not in caplog.text  # built by the install this test runs in
    monkeypatch.setattr(hashing, "_native", None)
    assert hashing.kernel() == "numpy"
    with caplog.at_level(logging.WARNING, logger="mailhawk.models"):
        ModelRunner(shipped)
    assert "_kernels.c was not built" in caplog.text and "C compiler" in caplog.text


@pytest.fixture(scope="module")
def behaviour_ensemble(behaviour_model: BehaviourModel) -> BehaviourEnsemble:
    """Member 0 is the fixture's model; member 1 is fitted from another seed."""
    x, labels = _toy_behaviour(400, seed=1)
    other = BehaviourModel(n_features=6, n_classes=2)
    other.fit_scaling(x)
    torch.manual_seed(11)
    _train(other, (torch.from_numpy(x),), labels, epochs=40, lr=0.01)
    ensemble = BehaviourEnsemble(n_features=6, n_classes=2, members=2)
    ensemble.members[0].load_state_dict(behaviour_model.state_dict())
    ensemble.members[1].load_state_dict(other.state_dict())
    return ensemble.eval()


def test_an_ensemble_scores_the_mean_of_its_members(
        behaviour_ensemble: BehaviourEnsemble) -> None:
    x, labels = _toy_behaviour(64, seed=6)
    members = [predict_behaviour(m, x) for m in behaviour_ensemble.members]
    assert not np.array_equal(members[0], members[1])  # else the test proves nothing
    np.testing.assert_allclose(predict_behaviour(behaviour_ensemble, x),
                               np.mean(members, axis=0), atol=1e-6)
    # The quantized ensemble: the direct int8 path of each member, averaged.
    int8 = quantize(behaviour_ensemble)
    want = np.mean([predict_behaviour(m, x) for m in int8.members], axis=0)
    assert np.array_equal(predict_behaviour(int8, x), want)
    assert (predict_behaviour(int8, x).argmax(1) == labels).mean() >= 0.95
    with pytest.raises(ValueError, match="at least 2"):
        BehaviourEnsemble(n_features=6, n_classes=2, members=1)


@pytest.fixture(scope="module")
def content_ensemble(content_model: ContentModel) -> ContentEnsemble:
    """Member 0 is the fixture's model; member 1 is fitted from another seed."""
    texts, labels = _toy_texts(200, seed=1)
    indices, offsets = hash_texts(texts, buckets=BUCKETS)
    torch.manual_seed(11)
    other = ContentModel(BUCKETS, n_classes=2)
    _train(other, (torch.from_numpy(indices), torch.from_numpy(offsets)), labels,
           epochs=60, lr=0.05)
    return ContentEnsemble.pack([content_model, other])


def test_a_content_ensemble_scores_the_mean_of_its_members(
        content_model: ContentModel, content_ensemble: ContentEnsemble) -> None:
    texts, labels = _toy_texts(64, seed=6)
    indices, offsets = hash_texts(texts, buckets=BUCKETS)
    first = predict_content(content_model, indices, offsets)
    # Member 1, rebuilt alone from its slice of the packed table.
    second_model = ContentModel(BUCKETS, n_classes=2)
    with torch.no_grad():
        second_model.bag.weight.copy_(content_ensemble.bag.weight[:, 48:])
    second_model.norm.load_state_dict(content_ensemble.norms[1].state_dict())
    second_model.head.load_state_dict(content_ensemble.heads[1].state_dict())
    second = predict_content(second_model.eval(), indices, offsets)
    # The toy members are sure of every text: they differ in the small probabilities.
    assert not np.allclose(first, second, rtol=0.1, atol=0)  # else the test proves nothing
    np.testing.assert_allclose(predict_content(content_ensemble, indices, offsets),
                               (first + second) / 2, rtol=1e-4, atol=1e-12)
    # int8: the direct path (one lookup for both members) against the module's forward,
    # which quantizes each head's input per batch where the direct path does it per row.
    int8 = quantize(content_ensemble)
    direct = predict_content(int8, indices, offsets)
    np.testing.assert_allclose(direct, _module_content(int8, indices, offsets), atol=1e-4)
    assert (direct.argmax(1) == labels).mean() >= 0.95
    with pytest.raises(ValueError, match="at least 2"):
        ContentEnsemble(BUCKETS, n_classes=2, members=1)
    with pytest.raises(ValueError, match="share"):
        ContentEnsemble.pack([content_model, ContentModel(BUCKETS, n_classes=2, dim=16)])


def test_ensembles_round_trip_and_score_each_row_alone(
        tmp_path: Path, content_ensemble: ContentEnsemble,
        behaviour_ensemble: BehaviourEnsemble) -> None:
    path = _save(tmp_path / "artifact", content_ensemble, behaviour_ensemble)
    models = json.loads((path / "manifest.json").read_text())["models"]
    assert models["content"]["members"] == models["behaviour"]["members"] == 2
    loaded = load_artifact(path, expected_layout_version=3)
    assert type(loaded.content) is ContentEnsemble
    assert type(loaded.behaviour) is BehaviourEnsemble
    texts, _ = _toy_texts(40, seed=7)
    indices, offsets = hash_texts(texts, buckets=BUCKETS)
    probs = predict_content(loaded.content, indices, offsets)
    assert np.array_equal(probs, predict_content(quantize(content_ensemble), indices, offsets))
    alone = np.vstack([predict_content(loaded.content, *hash_texts([t], buckets=BUCKETS))
                       for t in texts])
    assert np.array_equal(alone, probs)
    x, _ = _toy_behaviour(40, seed=7)
    np.testing.assert_allclose(predict_behaviour(loaded.behaviour, x),
                               predict_behaviour(quantize(behaviour_ensemble), x), atol=1e-6)
    alone = np.vstack([predict_behaviour(loaded.behaviour, x[i:i + 1]) for i in range(40)])
    together = predict_behaviour(loaded.behaviour, np.vstack([x[:1] * 1e4, x]))
    assert np.array_equal(together[1:], alone)

"""The networks' shapes and scaling, and what int8 quantization keeps and changes."""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator

import numpy as np
import pytest
import torch
from torch import nn

from detectors.model import BehaviourModel, ContentModel, hash_texts, quantize
from detectors.model.nets import is_quantized


@pytest.fixture(autouse=True)
def one_torch_thread() -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _long_texts(count: int) -> list[str]:
    rng = random.Random(5)
    words = ["invoice", "meeting", "the", "password", "bank", "résumé", "of", "2024", "login"]
    return [" ".join(rng.choices(words, k=600))[:3000] for _ in range(count)]


def test_content_model_gives_logits_per_bag() -> None:
    model = ContentModel(buckets=256, n_classes=5, dim=8)
    indices, offsets = hash_texts(["one text", "", "another text here"], buckets=256)
    out = model(torch.from_numpy(indices), torch.from_numpy(offsets))
    assert out.shape == (3, 5)
    assert model.config == {"buckets": 256, "n_classes": 5, "dim": 8}


def test_content_bag_is_the_mean_of_its_rows_in_float_and_int8() -> None:
    # torch 2.13's quantized EmbeddingBag always sums: the model divides by the bag length
    # itself, so a 3 KB body (thousands of rows) scores the same in float and int8.
    torch.manual_seed(0)
    model = ContentModel(buckets=1 << 14, n_classes=4).eval()
    int8 = quantize(model)
    indices, offsets = hash_texts(_long_texts(16), buckets=1 << 14)
    i, o = torch.from_numpy(indices), torch.from_numpy(offsets)
    with torch.inference_mode():
        expected = nn.functional.embedding_bag(i, model.bag.weight, o, mode="mean")
        ends = torch.cat((o[1:], torch.tensor([len(i)])))
        lengths = (ends - o).unsqueeze(1)
        assert torch.allclose(model.bag(i, o) / lengths, expected, atol=1e-6)
        assert torch.allclose(int8.bag(i, o) / lengths, expected, atol=1e-4)
        p_float = torch.softmax(model(i, o), 1)
        p_int8 = torch.softmax(int8(i, o), 1)
    assert (p_float - p_int8).abs().max() < 1e-2


def test_quantize_returns_an_int8_copy_and_is_idempotent() -> None:
    model = ContentModel(buckets=512, n_classes=3).train()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch's deprecation warnings are handled inside
        int8 = quantize(model)
    assert quantize(int8) is int8 and is_quantized(int8) and not is_quantized(model)
    assert isinstance(model.bag, nn.EmbeddingBag) and model.training  # original untouched
    assert model.bag.weight.dtype == torch.float32
    assert type(int8.bag).__module__.startswith("torch.ao.nn.quantized")
    assert type(int8.head).__module__.startswith("torch.ao.nn.quantized.dynamic")
    assert not int8.training
    assert int8.config == model.config


def test_behaviour_model_standardises_its_inputs_inside() -> None:
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(500, 3)) * [1.0, 100.0, 0.0] + [0.0, 1000.0, 7.0]).astype(np.float32)
    model = BehaviourModel(n_features=3, n_classes=2)
    model.fit_scaling(x)
    scaled = (torch.from_numpy(x) - model.feature_mean) / model.feature_scale
    assert scaled[:, :2].mean(0).abs().max() < 1e-3
    assert (scaled[:, :2].std(0) - 1).abs().max() < 1e-2
    assert torch.all(scaled[:, 2] == 0)  # a constant column is not blown up
    assert "feature_mean" in quantize(model).state_dict()  # scaling travels with the weights
    with pytest.raises(ValueError, match=r"expected \(n, 3\)"):
        model.fit_scaling(x[:, :2])


def test_behaviour_model_dropout_is_off_in_eval() -> None:
    model = BehaviourModel(n_features=4, n_classes=3, dropout=0.5).eval()
    x = torch.ones(8, 4)
    with torch.inference_mode():
        assert torch.equal(model(x), model(x))
        assert model(x).shape == (8, 3)

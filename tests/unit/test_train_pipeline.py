"""``mailhawk train`` end to end on a small synthetic set: the artifact it writes is usable."""

from __future__ import annotations

from detectors import Cascade, load_scores
from detectors.models import ModelRunner
from stream.train import train, write_report


def test_training_writes_an_artifact_the_cascade_loads_with_per_type_thresholds(tmp_path):
    out = tmp_path / "artifact"
    report = train(out, corpora=None, synthetic_tenants=1, synthetic_days=6, progress=False)
    runner = ModelRunner(out)
    assert runner.version == report["artifact"]["version"]
    single = report["thresholds"]
    by_type = report["thresholds_by_attack_type"]
    assert by_type and runner.thresholds == {"default": single, **by_type}
    for t in by_type.values():  # lowered where no ham reached them, never raised
        assert t["warn"] <= t["quarantine"] <= single["quarantine"] <= t["block"] <= 1.0
        assert t["warn"] <= t["corroborate"] <= t["quarantine"]
    cascade = Cascade(load_scores(), models=runner)  # validates every threshold set
    assert set(by_type) <= set(cascade.model_thresholds)
    for split in ("test", *report["test_by_stream"]):
        section = report[split] if split == "test" else report["test_by_stream"][split]
        assert section["messages"] > 0 and 0.0 <= section["false_positive_rate"] <= 1.0
    write_report(report, tmp_path / "report")
    md = (tmp_path / "report" / "report.md").read_text()
    assert "## Time-later test split" in md and "![share flagged per scenario]" in md
    assert (tmp_path / "report" / "scenarios.png").stat().st_size > 1000
    assert "CC BY-NC" not in md  # trained on redistributable data only


def test_training_with_ensembles_writes_them_and_the_engine_scores_with_them(tmp_path):
    import json

    import numpy as np

    from detectors.model.artifact import content_predictor
    from detectors.model.hashing import hash_texts
    from detectors.model.nets import BehaviourEnsemble, ContentEnsemble
    from detectors.training import HASHING

    out = tmp_path / "artifact"
    report = train(out, corpora=None, synthetic_tenants=1, synthetic_days=6,
                   behaviour_members=2, content_members=3, progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["models"]["behaviour"]["members"] == 2
    assert manifest["models"]["content"]["members"] == 3
    runner = ModelRunner(out)
    assert type(runner.behaviour) is BehaviourEnsemble
    assert type(runner.content) is ContentEnsemble
    # Three fits from other seeds, not one fit packed three times.
    dim = manifest["models"]["content"]["dim"]
    table = runner.content.bag.weight().dequantize()
    slices = [table[:, k * dim:(k + 1) * dim] for k in range(3)]
    assert not any(np.allclose(slices[0].numpy(), s.numpy()) for s in slices[1:])
    probs = content_predictor(runner.content)(*hash_texts(["Wire the funds today"], **HASHING))
    assert probs.shape == (1, len(manifest["feature_layout"]["classes"]))
    assert abs(float(probs.sum()) - 1.0) < 1e-5
    assert runner.version == report["artifact"]["version"]
    from detectors.model.artifact import behaviour_predictor

    x = np.random.default_rng(0).normal(size=(50, manifest["models"]["behaviour"]
                                              ["n_features"])).astype(np.float32)
    first, second = (behaviour_predictor(m)(x) for m in runner.behaviour.members)
    assert not np.array_equal(first, second)  # fitted from other seeds
    np.testing.assert_allclose(behaviour_predictor(runner.behaviour)(x), (first + second) / 2,
                               atol=1e-6)


def test_a_seed_study_tests_each_seed_on_one_replay_and_reports_the_spread(tmp_path):
    from click.testing import CliRunner

    from bench.cli import bench
    from stream.train import seed_study, write_study

    study = seed_study(corpora=None, seeds=(3, 4), synthetic_tenants=1, synthetic_days=6,
                       calibration_margin=0.25, progress=False)
    assert [r["seed"] for r in study["runs"]] == [3, 4]
    assert study["calibration_margin"] == 0.25
    first, second = (r["figures"] for r in study["runs"])
    assert first.keys() == second.keys() and "quarantine threshold" in first
    assert any(k.startswith("synthetic: ham quarantined") for k in first)
    assert first != second  # the seeds train other models
    for name, spread in study["spread"].items():
        assert spread["min"] == min(first[name], second[name])
        assert spread["max"] == max(first[name], second[name])
    write_study(study, tmp_path / "study")
    md = (tmp_path / "study" / "seeds.md").read_text()
    assert "| seed 3 | seed 4 | min | median | max |" in md
    assert "calibrated for 0.25 of it" in md
    assert (tmp_path / "study" / "seeds.png").stat().st_size > 1000
    # The command refuses what it cannot study, saying what to give.
    result = CliRunner().invoke(bench, ["seeds", "--seeds", "7"])
    assert result.exit_code == 2 and "at least two seeds" in result.output
    result = CliRunner().invoke(bench, ["seeds", "--seeds", "7,x"])
    assert result.exit_code == 2 and "integers" in result.output


def test_a_smaller_calibration_margin_sets_higher_thresholds(tmp_path):
    from stream.train import _artifact_config, calibrate_and_test, fit, prepare

    prepared = prepare(corpora=None, synthetic_tenants=1, synthetic_days=6, seed=7,
                       progress=False)
    content, behaviour = fit(prepared, seed=7, progress=False)
    reports = {m: calibrate_and_test(prepared, content, behaviour, config=_artifact_config(7),
                                     target_fpr=0.01, margin=m) for m in (1.0, 0.1)}
    loose, strict = reports[1.0], reports[0.1]
    assert (loose[1]["calibration_margin"], strict[1]["calibration_margin"]) == (1.0, 0.1)
    for kind in ("warn", "quarantine", "block"):
        assert strict[0]["default"][kind] >= loose[0]["default"][kind]
    assert strict[0]["default"]["quarantine"] > loose[0]["default"]["quarantine"]
    assert strict[1]["test"]["false_positives"] < loose[1]["test"]["false_positives"]

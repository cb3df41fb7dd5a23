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


def test_calibration_counts_warnings_a_corroborating_hit_quarantines():
    from types import SimpleNamespace

    from schemas.records import Hit
    from stream.train import _corroborated

    url = Hit("url_risk", 0.7, attack_type="credential_phishing")
    weak = Hit("url_risk", 0.3, attack_type="credential_phishing")
    rows = [SimpleNamespace(hits=[url], model_verdict=("spam", 0.8)),   # warned: raised
            SimpleNamespace(hits=[url], model_verdict=("spam", 0.1)),   # below warn
            SimpleNamespace(hits=[weak], model_verdict=("spam", 0.8)),  # hit too weak
            SimpleNamespace(hits=[url], model_verdict=None),            # no model verdict
            SimpleNamespace(hits=[url], model_verdict=("malware", 0.8))]  # its own warn
    by_type = {"default": {"warn": 0.5, "quarantine": 0.9, "block": 0.99},
               "malware": {"warn": 0.85, "quarantine": 0.9, "block": 0.99}}
    got = _corroborated(Cascade(load_scores()), rows, by_type)
    assert got.tolist() == [True, False, False, False, False]

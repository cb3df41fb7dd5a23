"""``bench detect``: the cost report's shape, and the record → check round trip of outputs."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from bench.detect_cost import DetectOptions, OutputMismatchError, run_detect


def _opts(tmp_path: Path, **kw: object) -> DetectOptions:
    return DetectOptions(out=tmp_path / "report", sources=("synthetic",), messages=300,
                         tenants=2, days=12, batch=100, partitions=2, progress=False,
                         **kw)  # type: ignore[arg-type]


def test_report_has_every_stage_for_both_clocks(tmp_path: Path) -> None:
    report = run_detect(_opts(tmp_path), log=lambda _: None)
    result = report["sources"]["synthetic"]
    assert result["messages"] == 300
    for clock in ("wall_us_per_msg", "cpu_us_per_msg"):
        stages = result[clock]
        assert set(stages) == {"features", "heuristics", "models", "state", "shadow",
                               "detection"}
        assert stages["shadow"] == 0  # no shadow model
        assert stages["detection"] == pytest.approx(
            stages["features"] + stages["heuristics"] + stages["models"], abs=0.05)
    markdown = (tmp_path / "report" / "report.md").read_text()
    assert markdown.startswith("# Detection cost")
    # Which hashing form ran is part of what a figure means (the C kernel costs half).
    assert report["environment"]["hashing_kernel"] == "c"
    assert "Content hashing: c form." in markdown


def test_a_shadow_models_cost_is_reported_apart_from_detection(tmp_path: Path) -> None:
    from tests.conftest import stricter_candidate

    candidate = stricter_candidate(tmp_path)
    report = run_detect(_opts(tmp_path, shadow_artifact=str(candidate)), log=lambda _: None)
    assert report["shadow_model_version"] == "model-candidate-stricter"
    stages = report["sources"]["synthetic"]["wall_us_per_msg"]
    assert stages["shadow"] > 0
    assert stages["detection"] == pytest.approx(
        stages["features"] + stages["heuristics"] + stages["models"], abs=0.05)
    assert "Shadow model `model-candidate-stricter`" in \
        (tmp_path / "report" / "report.md").read_text()


def test_outputs_recorded_then_checked(tmp_path: Path) -> None:
    recording = tmp_path / "outputs.jsonl"
    run_detect(_opts(tmp_path, record_outputs=recording), log=lambda _: None)
    rows = [orjson.loads(line) for line in recording.read_bytes().splitlines()]
    assert len(rows) == 300
    assert any(row["hits"] for row in rows) and any("content_probs" in row for row in rows)
    report = run_detect(_opts(tmp_path, check_outputs=recording), log=lambda _: None)
    assert report["outputs_checked"] == 300

    # A changed lexicon count is reported as a difference.
    changed = next(i for i, row in enumerate(rows) if any(row["cues"][:-1]))
    rows[changed]["cues"][0] += 1
    recording.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    with pytest.raises(OutputMismatchError, match="cues"):
        run_detect(_opts(tmp_path, check_outputs=recording), log=lambda _: None)

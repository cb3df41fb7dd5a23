"""The benchmark harness end to end, small: a few hundred synthetic messages through the ceiling
(a backlog pass) and one engine (a live pass paced at 1,000 msg/s, so latency is measured) on
the real broker; the report must be complete and its counts must add up.

No timing is asserted: speed is read in the report, never tested.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.cli import bench
from bench.generate import write_stream
from bench.run import PassResult, StreamData, analyse_pass, efficacy
from schemas import Hit, SourcePosition, Verdict
from stream.broker import DevBroker

pytestmark = pytest.mark.integration

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def small_stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench-stream")
    write_stream(out, tenants=1, days=2, seed=7, progress=False)
    return out


def test_small_run_writes_a_complete_report_whose_counts_add_up(
        broker: DevBroker, small_stream: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(bench, [
        "run", "--stream", str(small_stream), "--out", str(out), "--limit", "300",
        "--bootstrap-servers", broker.bootstrap_servers, "--workers", "1",
        "--rate", "1000", "--no-peers", "--pass-timeout", "90"])
    assert result.exit_code == 0, result.output

    report = json.loads((out / "report.json").read_text())
    for section in ("environment", "config", "stream", "passes", "speed", "goals", "efficacy",
                    "limits"):
        assert section in report, section
    assert report["stream"]["messages"] == 300
    assert set(report["passes"]) == {"ceiling", "engine"}
    # Which forms ran is part of what the figures mean.
    env = report["environment"]
    assert (env["hashing_kernel"], env["state_loops"], env["record_decoder"]) == ("c", "c", "c")

    engine = report["passes"]["engine"]
    assert engine["status"] == "ok", engine
    assert engine["mode"] == "live"
    acc = engine["accounting"]
    assert acc["messages"] == 300
    assert acc["answered"] + acc["dead_letter_messages"] + acc["missing"] == acc["messages"]
    assert acc["adds_up"]
    assert acc["missing"] == 0
    assert acc["dead_letters"] == 0
    assert acc["duplicates"] == 0
    assert acc["unknown_outputs"] == 0
    for key in ("p50", "p95", "p99", "max"):
        assert engine["latency_ms"][key] is not None
    stages = engine["stages"]
    assert stages["records_in"] == 300
    assert set(stages["grouped_us_per_msg"]) == {"decode", "state", "detectors", "produce"}
    assert engine["cpu"]["pipeline_us_per_msg"] > 0

    ceiling = report["passes"]["ceiling"]
    assert ceiling["status"] == "ok", ceiling
    assert ceiling["mode"] == "backlog"
    assert ceiling["accounting"]["answered"] == 300
    engine_row = next(r for r in report["speed"] if r["name"] == "engine")
    assert engine_row["msg_s"] > 0
    assert engine_row["msg_s_ratio_to_ceiling"] > 0

    eff = report["efficacy"]
    assert eff["available"]
    assert eff["attacks"] + eff["ham"] + eff["unlabelled"] == 300
    assert sum(eff["actions"].values()) == 300
    assert eff["ham"] > 0
    assert 0.0 <= eff["false_positive_rate"] <= 1.0
    for value in (eff["recall"], eff["precision"]):
        assert value is None or 0.0 <= value <= 1.0
    for kind in eff["by_attack_type"].values():
        assert 0 <= kind["caught"] <= kind["messages"]
        assert 0.0 <= kind["recall"] <= 1.0
    assert {g["result"] for g in report["goals"]} <= {"pass", "fail", "not measured"}

    markdown = (out / "report.md").read_text()
    for heading in ("## Goals", "## Speed", "## Engine cost per message", "## Latency",
                    "## Accounting", "## Efficacy"):
        assert heading in markdown
    for name in ("latency_cdf.png", "throughput.png", "recall.png"):
        png = (out / name).read_bytes()
        assert png.startswith(PNG_MAGIC) and len(png) > 5000, name


def _verdict(message_id: str, action: str, attack_type: str = "none") -> Verdict:
    return Verdict(message_id=message_id, tenant_id="t", recipients=("a@t.example",),
                   action=action, attack_type=attack_type, score=0.5,  # type: ignore[arg-type]
                   hits=(Hit("first_contact", 0.5),), model_version="m", rules_version="r",
                   source=SourcePosition("in", 0, 0), scored_at=0.0, latency_ms=0.0)


def test_accounting_counts_duplicates_missing_and_efficacy_in_stream_order() -> None:
    ids = [f"m{i}" for i in range(6)]
    labels = {
        "m0": {"label": "ham", "attack_type": "none", "scenario": "normal"},
        "m1": {"label": "attack", "attack_type": "bec", "scenario": "payroll_diversion"},
        "m2": {"label": "attack", "attack_type": "bec", "scenario": "payroll_diversion"},
        "m3": {"label": "ham", "attack_type": "none", "scenario": "newsletter"},
        "m4": {"label": "attack", "attack_type": "malware", "scenario": "malware_lure"},
        "m5": {"label": "ham", "attack_type": "none", "scenario": "normal"},
    }
    data = StreamData(Path("."), ids, [b"t"] * 6, [b"{}"] * 6,
                      {k: {"message_id": k, **v} for k, v in labels.items()}, {})
    verdicts = {"m0": ("allow", "none"), "m1": ("warn", "bec"), "m2": ("block", "bec"),
                "m3": ("quarantine", "spam"), "m4": ("allow", "none")}
    outputs = []
    for i, (mid, (action, kind)) in enumerate(verdicts.items()):
        raw = json.dumps(_verdict(mid, action, kind).to_dict()).encode()
        outputs.append((1000 + i, 1.0 + i / 1000, raw))
    outputs.append(outputs[2])  # m2 answered twice
    result = PassResult("engine", "engine", 1, None, 6, stamps=[990] * 6,
                        outputs=outputs, cpu={})
    summary, by_index = analyse_pass(result, data)
    acc = summary["accounting"]
    assert (acc["answered"], acc["duplicates"], acc["missing"]) == (5, 1, 1)
    assert acc["adds_up"]

    eff = efficacy(by_index, data)
    assert eff["by_attack_type"]["bec"] == {"messages": 2, "caught": 1, "recall": 0.5,
                                            "warned": 1, "typed_correctly": 1}
    assert eff["by_scenario"]["payroll_diversion"]["scored_before_first_detection"] == 1
    assert eff["by_scenario"]["malware_lure"]["scored_before_first_detection"] is None
    assert eff["false_positives"] == 1
    assert eff["false_positive_rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert eff["precision"] == 0.5
    assert eff["actions"]["missing"] == 1


def test_feedback_bench_times_every_verdict_and_feedback_through_the_real_service(
        tmp_path: Path) -> None:
    out = tmp_path / "feedback"
    result = CliRunner().invoke(bench, ["feedback", "--out", str(out), "--verdicts", "600",
                                        "--feedback", "40", "--partitions", "2"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    # timed from the first counted record, so the first one or more are not in the count
    assert 0 < report["verdicts"]["counted"] < 600
    assert 0 <= report["feedback"]["counted"] < 40
    assert report["verdicts"]["per_s"] > 0
    assert "| verdicts kept" in (out / "report.md").read_text()


def test_expiry_bench_shows_the_store_levelling_off_with_the_sweep(tmp_path: Path) -> None:
    out = tmp_path / "expiry"
    result = CliRunner().invoke(bench, ["expiry", "--tenants", "2", "--days", "16",
                                       "--idle-expiry-days", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "expiry.json").read_text())
    off, on = report["runs"]["sweep off"], report["runs"]["sweep on"]
    assert off["deleted"] == 0 and on["deleted"] > 0
    assert on["profiles_at_end"] < off["profiles_at_end"]
    # Before the first profile could go idle, both stores are the same.
    assert on["samples"][0] == off["samples"][0]
    assert off["samples"][-1][1] > off["samples"][len(off["samples"]) // 2][1]
    assert (out / "expiry.png").read_bytes().startswith(PNG_MAGIC)
    assert "profiles at the end" in result.output

"""``bench ab`` end to end, small: this tree against HEAD in a real git worktree.

No timing is asserted (the same code on both sides differs by the machine's noise alone);
the report must hold both sides' runs, ratios computed from them, and the worktree must be
gone afterwards, also when a run fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.ab import STAGES, _stale_builds, summarise
from bench.cli import bench
from bench.corpus import corpora_dir

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _git_checkout() -> bool:
    done = subprocess.run(["git", "rev-parse", "--verify", "HEAD"], cwd=ROOT,
                          capture_output=True, check=False)
    return done.returncode == 0


def _worktrees() -> list[str]:
    out = subprocess.run(["git", "worktree", "list", "--porcelain"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.startswith("worktree ")]


def _left_behind(scratch: Path) -> list[str]:
    """Worktrees still registered under ``scratch``: this test's own (the tests run in
    parallel, and another test's run may hold a worktree of its own meanwhile)."""
    return [w for w in _worktrees() if w.removeprefix("worktree ").startswith(str(scratch))]


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where ``bench ab`` puts its worktree (``tempfile.mkdtemp``) during this test; the
    directories it made there are listed in ``scratch / "made"``."""
    where = tmp_path / "scratch"
    where.mkdir()
    real = tempfile.mkdtemp

    def mkdtemp(suffix: str | None = None, prefix: str | None = None,
                dir: str | None = None) -> str:
        path = real(suffix, prefix, str(where))
        with (where / "made").open("a") as fh:
            fh.write(path + "\n")
        return path

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    return where


needs_git = pytest.mark.skipif(not _git_checkout(), reason="not a git checkout with a HEAD")


@needs_git
def test_ab_against_head_alternates_both_sides_and_removes_its_worktree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scratch: Path) -> None:
    monkeypatch.chdir(tmp_path)  # a relative --out: each run works in its own tree
    out = tmp_path / "ab"
    result = CliRunner().invoke(bench, ["ab", "--ref", "HEAD", "--source", "synthetic",
                                        "--rounds", "2", "--messages", "600",
                                        "--out", "ab"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()
    assert report["ref_commit"] == head
    assert len(report["runs"]) == 2
    for run in report["runs"]:
        assert set(run) == {"baseline", "change"}
        for side in run.values():
            assert set(side["synthetic"]) == set(STAGES["detect"])
            assert side["synthetic"]["detection"] > 0
    # Each run's own report is kept, and the baseline ran its C modules, not the fallbacks.
    for name in ("baseline-1", "change-1", "baseline-2", "change-2"):
        run_report = json.loads((out / "runs" / name / "report.json").read_text())
        assert run_report["environment"]["hashing_kernel"] == "c"
    detection = report["summary"]["synthetic"]["detection"]
    assert detection["round_ratios"] == [
        round(r["change"]["synthetic"]["detection"] / r["baseline"]["synthetic"]["detection"],
              3) for r in report["runs"]]
    assert (out / "ab.png").read_bytes()[:8] == PNG_MAGIC
    assert "| synthetic | detection |" in (out / "report.md").read_text()
    assert (scratch / "made").read_text()  # the worktree was made there...
    assert not _left_behind(scratch)  # ...and removed


@needs_git
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="side by side needs two CPUs")
def test_side_by_side_runs_each_side_on_its_own_cpu_and_swaps_them(
        tmp_path: Path, scratch: Path) -> None:
    out = tmp_path / "ab"
    result = CliRunner().invoke(bench, ["ab", "--ref", "HEAD", "--source", "synthetic",
                                        "--rounds", "2", "--messages", "300", "--side-by-side",
                                        "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    assert report["side_by_side"] and len(report["runs"]) == 2
    cpus = {name: json.loads((out / "runs" / name / "report.json").read_text())
            ["environment"]["cpus"] for name in ("baseline-1", "change-1", "baseline-2",
                                                 "change-2")}
    assert all(len(c) == 1 for c in cpus.values())  # pinned, one CPU each
    assert cpus["baseline-1"] != cpus["change-1"]  # at once, on two CPUs
    assert cpus["baseline-1"] == cpus["change-2"] and cpus["change-1"] == cpus["baseline-2"]
    assert "each pinned to its own CPU" in (out / "report.md").read_text()
    assert not _left_behind(scratch)


def test_side_by_side_on_one_cpu_says_to_run_in_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import ab
    from bench.run import BenchError

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    with pytest.raises(BenchError, match="in turns"):
        ab._two_cpus()


@needs_git
def test_an_unknown_ref_fails_with_a_clear_message_and_leaves_nothing(
        tmp_path: Path, scratch: Path) -> None:
    result = CliRunner().invoke(bench, ["ab", "--ref", "no-such-ref-anywhere",
                                        "--source", "synthetic", "--out", str(tmp_path / "x")])
    assert result.exit_code != 0
    assert "no-such-ref-anywhere" in result.output
    assert not _left_behind(scratch)


def _shallow() -> bool:
    out = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT,
                         capture_output=True, text=True, check=False).stdout.strip()
    return out != "false"


@needs_git
@pytest.mark.skipif(_git_checkout() and _shallow(),
                    reason="a shallow clone lacks the first commit")
def test_a_failing_run_removes_the_worktree(tmp_path: Path, scratch: Path) -> None:
    # The first commit has no `bench detect`: the run fails, the worktree must still go.
    first = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()[0]
    result = CliRunner().invoke(bench, ["ab", "--ref", first, "--source", "synthetic",
                                        "--rounds", "1", "--messages", "100",
                                        "--out", str(tmp_path / "x")])
    assert result.exit_code != 0
    assert "bench detect failed" in result.output or "could not build" in result.output
    assert not _left_behind(scratch)


def test_summary_ratios_are_change_over_baseline_per_round_and_of_medians() -> None:
    def run(base: float, new: float) -> dict:
        return {side: {"s": {stage: v for stage in STAGES["detect"]}}
                for side, v in (("baseline", base), ("change", new))}

    s = summarise([run(100.0, 80.0), run(120.0, 90.0), run(110.0, 99.0)])["s"]["detection"]
    assert s["median_baseline"] == 110.0 and s["median_change"] == 90.0
    assert s["ratio"] == round(90.0 / 110.0, 3)
    assert s["round_ratios"] == [0.8, 0.75, 0.9]


@needs_git
@pytest.mark.skipif(corpora_dir() is None, reason="corpora not found (MAILHAWK_CORPORA)")
def test_ab_compares_the_state_layer_on_the_enron_stream(tmp_path: Path) -> None:
    out = tmp_path / "ab"
    result = CliRunner().invoke(bench, ["ab", "--ref", "HEAD", "--bench", "state",
                                        "--rounds", "1", "--passes", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    assert report["bench"] == "state"
    summary = report["summary"]["enron"]
    assert set(summary) == set(STAGES["state"])
    assert summary["wall"]["median_baseline"] > 0 and summary["wall"]["ratio"] is not None
    assert (out / "runs" / "baseline-1" / "state_cost.json").exists()
    assert "# State cost" in (out / "report.md").read_text()


def test_a_c_source_newer_than_its_build_is_reported(tmp_path: Path) -> None:
    # A tree with one ext module: stale when unbuilt or edited after its build, not after.
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.setuptools.ext-modules]]\nname = "pkg._fast"\nsources = ["pkg/_fast.c"]\n')
    source = tmp_path / "pkg" / "_fast.c"
    source.write_text("/* c */")
    assert _stale_builds(tmp_path) == ["pkg/_fast.c"]  # never built
    build = tmp_path / "pkg" / f"_fast{EXTENSION_SUFFIXES[0]}"
    build.write_bytes(b"")
    os.utime(source, (1_000_000, 1_000_000))
    os.utime(build, (2_000_000, 2_000_000))
    assert _stale_builds(tmp_path) == []
    os.utime(source, (3_000_000, 3_000_000))  # edited after the build
    assert _stale_builds(tmp_path) == ["pkg/_fast.c"]

"""``mailhawk bench ab``: detection cost of this tree against a git ref, alternating in one run.

Why
---
This machine's speed swings by 30–40% from minute to minute (other tenants of the host), so
two ``bench detect`` figures taken at different times say little about a change. Every speed
change of this project was judged by running the old and the new code in turns, within the
same minutes, and comparing the medians and the round-by-round ratios; this command is that
procedure, so nobody has to rebuild it from scratch scripts.

How
---
The baseline is checked out with ``git worktree add --detach`` into a temporary folder and its
C modules (every ``[[tool.setuptools.ext-modules]]`` of *its* ``pyproject.toml``) are built in
place: without them it would run its slower numpy fallbacks and flatter the change. Then each
round runs ``bench detect`` once per side, each in a fresh process whose working directory and
``PYTHONPATH`` are that side's tree, on the same streams (same sources, messages, seed and
corpora). The order alternates per round (baseline first, then the change first), so a drift
of the machine's speed during a round does not always favour the same side. The worktree is
removed at the end, also after a failure.

Each run's own report stays in ``OUT/runs/SIDE-ROUND``. Reported per source and stage (wall
µs per message: features, heuristics, models and their sum, detection): each side's median
over the rounds, the ratio of the medians (change / baseline) and each round's own ratio;
a plot of the per-round detection ratios.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import orjson

from bench.run import BenchError

__all__ = ["AbOptions", "run_ab"]

STAGES: Final = ("features", "heuristics", "models", "detection")
SIDES: Final = ("baseline", "change")

# Built in the baseline's worktree by a child process: the ext modules its pyproject declares.
_BUILD = """
import tomllib
from setuptools import Distribution, Extension
from setuptools.command.build_ext import build_ext

conf = tomllib.load(open("pyproject.toml", "rb"))
mods = conf.get("tool", {}).get("setuptools", {}).get("ext-modules", [])
dist = Distribution({"ext_modules": [
    Extension(m["name"], m["sources"], extra_compile_args=m.get("extra-compile-args", []),
              libraries=m.get("libraries", [])) for m in mods]})
cmd = build_ext(dist)
cmd.inplace = True
cmd.ensure_finalized()
cmd.run()
print(len(mods))
"""


@dataclass(frozen=True)
class AbOptions:
    """What ``bench ab`` compares."""

    ref: str
    out: Path
    corpora: Path | None
    sources: tuple[str, ...] = ("synthetic", "corpus")
    rounds: int = 5
    messages: int = 12_000
    seed: int = 1


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                              check=False)
    except FileNotFoundError:
        raise BenchError("bench ab needs git on the PATH") from None
    if done.returncode != 0:
        raise BenchError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _detect(tree: Path, out: Path, opts: AbOptions) -> dict[str, Any]:
    """One ``bench detect`` run of ``tree``'s code, in a fresh process; its report."""
    cmd = [sys.executable, "-c", "from stream.cli import entry; entry()", "bench", "detect",
           "--out", str(out), "--messages", str(opts.messages), "--seed", str(opts.seed)]
    for source in opts.sources:
        cmd += ["--source", source]
    if opts.corpora is not None:
        cmd += ["--corpora", str(opts.corpora)]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=False)
    report = out / "report.json"
    if done.returncode != 0 or not report.exists():
        raise BenchError(f"bench detect failed in {tree} (exit {done.returncode}):\n"
                         f"{_tail(done.stderr)}")
    return dict(orjson.loads(report.read_bytes()))


def _figures(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {source: {stage: float(r["wall_us_per_msg"][stage]) for stage in STAGES}
            for source, r in report["sources"].items()}


def summarise(rounds: Sequence[dict[str, dict[str, dict[str, float]]]]
              ) -> dict[str, dict[str, dict[str, Any]]]:
    """Per source and stage: medians of each side, their ratio, and every round's ratio.

    ``rounds[i][side][source][stage]`` is one run's wall µs per message.
    """
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for source in rounds[0]["baseline"]:
        out[source] = {}
        for stage in STAGES:
            base = [r["baseline"][source][stage] for r in rounds]
            new = [r["change"][source][stage] for r in rounds]
            mb, mn = statistics.median(base), statistics.median(new)
            out[source][stage] = {
                "baseline": base, "change": new,
                "median_baseline": round(mb, 2), "median_change": round(mn, 2),
                "ratio": round(mn / mb, 3) if mb else None,
                "round_ratios": [round(n / b, 3) if b else None
                                 for b, n in zip(base, new, strict=True)],
            }
    return out


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Detection cost: this tree against `{report['ref']}` ({report['ref_commit'][:12]})",
        "",
        f"{report['rounds']} rounds of `bench detect` per side, alternating (order flipped "
        f"each round), {report['messages']:,} messages per source; wall µs per message. "
        "Ratio: change / baseline (below 1 is faster). Read the round ratios too: one round "
        "that disagrees with the others is the machine, not the code.",
        "",
        "| source | stage | baseline (median) | change (median) | ratio | round ratios |",
        "|---|---|---:|---:|---:|---|",
    ]
    for source, stages in report["summary"].items():
        for stage, s in stages.items():
            rounds = ", ".join(f"{x:.2f}" for x in s["round_ratios"] if x is not None)
            ratio = f"{s['ratio']:.3f}" if s["ratio"] is not None else "–"
            lines.append(f"| {source} | {stage} | {s['median_baseline']:.1f} | "
                         f"{s['median_change']:.1f} | {ratio} | {rounds} |")
    lines += ["", "![detection ratio per round](ab.png)", ""]
    return "\n".join(lines)


def _plot(report: dict[str, Any], path: Path) -> Path:
    from bench.report import _pyplot, _save

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for source, stages in report["summary"].items():
        ratios = [x for x in stages["detection"]["round_ratios"] if x is not None]
        ax.plot(range(1, len(ratios) + 1), ratios, marker="o", label=source)
    ax.axhline(1.0, color="grey", linewidth=1, linestyle="--")
    ax.set_xlabel("round")
    ax.set_ylabel("detection, change / baseline")
    ax.set_title(f"this tree vs {report['ref']}")
    ax.legend()
    return _save(fig, path)


def run_ab(opts: AbOptions, log: Callable[[str], None]) -> dict[str, Any]:
    """Alternate ``bench detect`` between ``opts.ref`` and this tree; write the report."""
    try:
        root = Path(_git(Path(__file__).resolve().parent, "rev-parse", "--show-toplevel"))
    except BenchError as exc:
        raise BenchError(f"bench ab compares source trees: run it from a git checkout of "
                         f"mailhawk installed with `pip install -e .` ({exc})") from None
    commit = _git(root, "rev-parse", "--verify", f"{opts.ref}^{{commit}}")
    # Absolute: each run's process works in its own tree, and reads and writes go there.
    opts = replace(opts, out=opts.out.resolve(),
                   corpora=opts.corpora.resolve() if opts.corpora else None)
    opts.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="mailhawk-ab-"))
    tree = scratch / "baseline"
    _git(root, "worktree", "add", "--detach", str(tree), commit)
    try:
        log(f"baseline {opts.ref} ({commit[:12]}) checked out in {tree}; building its C modules")
        built = subprocess.run([sys.executable, "-c", _BUILD], cwd=tree, capture_output=True,
                               text=True, check=False)
        if built.returncode != 0:
            raise BenchError(f"could not build the C modules of {opts.ref} (it would run its "
                             f"slower fallbacks):\n{_tail(built.stderr)}")
        trees = {"baseline": tree, "change": root}
        rounds: list[dict[str, dict[str, dict[str, float]]]] = []
        for i in range(opts.rounds):
            order = SIDES if i % 2 == 0 else SIDES[::-1]
            figures: dict[str, dict[str, dict[str, float]]] = {}
            for side in order:
                report = _detect(trees[side], opts.out / "runs" / f"{side}-{i + 1}", opts)
                figures[side] = _figures(report)
                log(f"round {i + 1}/{opts.rounds} {side}: " + ", ".join(
                    f"{s} {f['detection']:.1f} µs" for s, f in figures[side].items()))
            rounds.append(figures)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=root,
                       capture_output=True, check=False)
        shutil.rmtree(scratch, ignore_errors=True)
    result: dict[str, Any] = {
        "command": "mailhawk bench ab", "ref": opts.ref, "ref_commit": commit,
        "rounds": opts.rounds, "messages": opts.messages, "sources": list(opts.sources),
        "runs": rounds, "summary": summarise(rounds),
    }
    (opts.out / "report.json").write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    (opts.out / "report.md").write_text(_markdown(result), encoding="utf-8")
    _plot(result, opts.out / "ab.png")
    return result

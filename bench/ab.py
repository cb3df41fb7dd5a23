"""``mailhawk bench ab``: detection or state cost of this tree against a git ref, in turns.

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
place: without them it would run its slower numpy fallbacks and flatter the change. This
tree's own builds must be current: a C source newer than its build (an edit not yet
reinstalled) stops the command, because the stale build would be measured as the change; it
is not rebuilt here, since overwriting a loaded module can crash the processes using it.

Then each round runs the chosen benchmark once per side (``bench detect``, or ``bench state``
for the state layer), each in a fresh process whose working directory and ``PYTHONPATH`` are
that side's tree, on the same input (sources, messages, seed, corpora; passes for state). The
order alternates per round (baseline first, then the change first), so a drift of the
machine's speed during a round does not always favour the same side. The worktree is
removed at the end, also after a failure.

With ``side_by_side`` (``--side-by-side``) a round runs both sides at once instead, each in a
process pinned to a CPU of its own (``os.sched_setaffinity``), the CPUs swapped each round
(use an even number of rounds): the host's swings then meet both sides at the same moments,
and a CPU that is slower than the other slows each side in one round of two. Measured with
the same code on both sides (corpus, 4 rounds), round ratios spread 1.00-1.04 side by side
against 0.92-1.03 in turns; the change of session 36 against ``fb57da4`` read 0.93-0.95 in
six rounds side by side, with the models stage, which it did not touch, at 0.97-1.02, where
five rounds in turns had read 0.81-1.01. It needs two CPUs; the two runs share the memory
bus and the last-level cache, so each figure is a little above a lone run's: the ratio, not
the figure, is the result.

Each run's own report stays in ``OUT/runs/SIDE-ROUND`` (its ``environment.cpus`` says where it
ran). Reported per source and stage, in µs
per message (detect: wall features, heuristics, models and their sum, detection; state: the
median pass's read, update, write and wall): each side's median over the rounds, the ratio of
the medians (change / baseline) and each round's own ratio; a plot of the per-round ratios of
the headline figure (detection, or the state's wall).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any, Final

import orjson

from bench.run import BenchError, allowed_cpus

__all__ = ["STAGES", "AbOptions", "run_ab", "summarise"]

STAGES: Final[dict[str, tuple[str, ...]]] = {
    "detect": ("features", "heuristics", "models", "detection"),
    "state": ("read", "update", "write", "wall"),
}
"""Figures compared per benchmark; the last is the headline one."""
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
              libraries=m.get("libraries", []), depends=m.get("depends", []))
    for m in mods]})
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
    bench: str = "detect"
    sources: tuple[str, ...] = ("synthetic", "corpus")
    rounds: int = 5
    messages: int = 12_000
    seed: int = 1
    passes: int = 3
    side_by_side: bool = False
    """Run both sides of a round at once, each pinned to its own CPU (swapped each round)."""


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                              check=False)
    except FileNotFoundError:
        raise BenchError("bench ab needs git on the PATH") from None
    if done.returncode != 0:
        raise BenchError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def _stale_builds(root: Path) -> list[str]:
    """C sources of ``root``'s ext modules that are newer than their build (or unbuilt)."""
    conf = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    stale = []
    for mod in conf.get("tool", {}).get("setuptools", {}).get("ext-modules", []):
        *package, name = mod["name"].split(".")
        folder = root.joinpath(*package)
        builds = [folder / f"{name}{suffix}" for suffix in EXTENSION_SUFFIXES
                  if (folder / f"{name}{suffix}").exists()]
        newest = max((b.stat().st_mtime for b in builds), default=None)
        for source in mod["sources"]:
            if newest is None or (root / source).stat().st_mtime > newest:
                stale.append(source)
    return stale


def _two_cpus() -> tuple[int, int]:
    """Two CPUs this process may run on, for the side-by-side mode."""
    allowed = allowed_cpus() or []
    if len(allowed) < 2:
        raise BenchError("--side-by-side runs both sides at once, each on a CPU of its own: "
                         f"this process may use {len(allowed)}; run the sides in turns instead")
    return allowed[0], allowed[1]


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _command(out: Path, opts: AbOptions) -> tuple[list[str], str]:
    """The ``mailhawk bench`` arguments of one run and the name of the report it writes."""
    if opts.bench == "state":
        args = ["state", "--out", str(out), "--passes", str(opts.passes)]
        report = "state_cost.json"
    else:
        args = ["detect", "--out", str(out), "--messages", str(opts.messages),
                "--seed", str(opts.seed)]
        for source in opts.sources:
            args += ["--source", source]
        report = "report.json"
    if opts.corpora is not None:
        args += ["--corpora", str(opts.corpora)]
    return args, report


def _start(tree: Path, out: Path, opts: AbOptions, cpu: int | None = None
           ) -> subprocess.Popen[str]:
    """One benchmark run of ``tree``'s code in a fresh process, on ``cpu`` alone if given."""
    args, _ = _command(out, opts)
    cmd = [sys.executable, "-c", "from stream.cli import entry; entry()", "bench", *args]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
    return subprocess.Popen(cmd, cwd=tree, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=pin)


def _run(tree: Path, out: Path, opts: AbOptions) -> dict[str, dict[str, float]]:
    """One benchmark run of ``tree``'s code, in a fresh process; its figures by source."""
    return _figures(_start(tree, out, opts), tree, out, opts)


def _figures(proc: subprocess.Popen[str], tree: Path, out: Path, opts: AbOptions
             ) -> dict[str, dict[str, float]]:
    """Wait for a run; its figures by source."""
    _, stderr = proc.communicate()
    path = out / _command(out, opts)[1]
    if proc.returncode != 0 or not path.exists():
        raise BenchError(f"bench {opts.bench} failed in {tree} (exit {proc.returncode}):\n"
                         f"{_tail(stderr)}")
    report = orjson.loads(path.read_bytes())
    stages = STAGES[opts.bench]
    if opts.bench == "state":
        return {"enron": {stage: float(report["median_us"][stage]) for stage in stages}}
    return {source: {stage: float(r["wall_us_per_msg"][stage]) for stage in stages}
            for source, r in report["sources"].items()}


def summarise(rounds: Sequence[dict[str, dict[str, dict[str, float]]]]
              ) -> dict[str, dict[str, dict[str, Any]]]:
    """Per source and stage: medians of each side, their ratio, and every round's ratio.

    ``rounds[i][side][source][stage]`` is one run's wall µs per message.
    """
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for source, stages in rounds[0]["baseline"].items():
        out[source] = {}
        for stage in stages:
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
    what = "Detection" if report["bench"] == "detect" else "State"
    size = (f"{report['messages']:,} messages per source; wall" if report["bench"] == "detect"
            else f"median of {report['passes']} passes over the Enron stream;")
    lines = [
        f"# {what} cost: this tree against `{report['ref']}` ({report['ref_commit'][:12]})",
        "",
        f"{report['rounds']} rounds of `bench {report['bench']}` per side, "
        + ("both sides at once, each pinned to its own CPU (swapped each round), "
           if report.get("side_by_side") else "alternating (order flipped each round), ")
        + f"{size} µs per message. "
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
    lines += ["", "![headline ratio per round](ab.png)", ""]
    return "\n".join(lines)


def _plot(report: dict[str, Any], path: Path) -> Path:
    from bench.report import _pyplot, _save

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.2))
    headline = STAGES[report["bench"]][-1]
    for source, stages in report["summary"].items():
        ratios = [x for x in stages[headline]["round_ratios"] if x is not None]
        ax.plot(range(1, len(ratios) + 1), ratios, marker="o", label=source)
    ax.axhline(1.0, color="grey", linewidth=1, linestyle="--")
    ax.set_xlabel("round")
    ax.set_ylabel(f"{headline}, change / baseline")
    ax.set_title(f"this tree vs {report['ref']}")
    ax.legend()
    return _save(fig, path)


def run_ab(opts: AbOptions, log: Callable[[str], None]) -> dict[str, Any]:
    """Alternate the benchmark between ``opts.ref`` and this tree; write the report."""
    if opts.bench not in STAGES:
        raise BenchError(f"bench ab measures {' or '.join(STAGES)}, not {opts.bench!r}")
    try:
        root = Path(_git(Path(__file__).resolve().parent, "rev-parse", "--show-toplevel"))
    except BenchError as exc:
        raise BenchError(f"bench ab compares source trees: run it from a git checkout of "
                         f"mailhawk installed with `pip install -e .` ({exc})") from None
    commit = _git(root, "rev-parse", "--verify", f"{opts.ref}^{{commit}}")
    stale = _stale_builds(root)
    if stale:
        raise BenchError(f"{', '.join(stale)} changed since it was built: the change would be "
                         "measured with its old build; reinstall first (`pip install -e .`, as "
                         "./dev.sh does)")
    # Absolute: each run's process works in its own tree, and reads and writes go there.
    opts = replace(opts, out=opts.out.resolve(),
                   corpora=opts.corpora.resolve() if opts.corpora else None)
    opts.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="mailhawk-ab-"))
    tree = scratch / "baseline"
    try:
        _git(root, "worktree", "add", "--detach", str(tree), commit)
    except BenchError:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    try:
        log(f"baseline {opts.ref} ({commit[:12]}) checked out in {tree}; building its C modules")
        built = subprocess.run([sys.executable, "-c", _BUILD], cwd=tree, capture_output=True,
                               text=True, check=False)
        if built.returncode != 0:
            raise BenchError(f"could not build the C modules of {opts.ref} (it would run its "
                             f"slower fallbacks):\n{_tail(built.stderr)}")
        trees = {"baseline": tree, "change": root}
        rounds: list[dict[str, dict[str, dict[str, float]]]] = []
        log(f"{2 * opts.rounds} runs of `bench {opts.bench}`, one process each (30-90 s at the "
            "default size); each prints its figure when done")
        cpus = _two_cpus() if opts.side_by_side else None
        for i in range(opts.rounds):
            order = SIDES if i % 2 == 0 else SIDES[::-1]
            figures: dict[str, dict[str, dict[str, float]]] = {}
            runs = {side: opts.out / "runs" / f"{side}-{i + 1}" for side in SIDES}
            if cpus is not None:  # at once, the first of the order on the first CPU
                procs = {side: _start(trees[side], runs[side], opts, cpu)
                         for side, cpu in zip(order, cpus, strict=True)}
                for side in order:
                    figures[side] = _figures(procs[side], trees[side], runs[side], opts)
            else:
                for side in order:
                    figures[side] = _run(trees[side], runs[side], opts)
            for side in order:
                log(f"round {i + 1}/{opts.rounds} {side}: " + ", ".join(
                    f"{s} {f[STAGES[opts.bench][-1]]:.1f} µs" for s, f in figures[side].items()))
            rounds.append(figures)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=root,
                       capture_output=True, check=False)
        shutil.rmtree(scratch, ignore_errors=True)
    result: dict[str, Any] = {
        "command": "mailhawk bench ab", "bench": opts.bench, "ref": opts.ref,
        "ref_commit": commit, "rounds": opts.rounds, "messages": opts.messages,
        "passes": opts.passes, "sources": list(opts.sources),
        "side_by_side": opts.side_by_side,
        "runs": rounds, "summary": summarise(rounds),
    }
    (opts.out / "report.json").write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    (opts.out / "report.md").write_text(_markdown(result), encoding="utf-8")
    _plot(result, opts.out / "ab.png")
    return result

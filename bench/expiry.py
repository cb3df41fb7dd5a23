"""``mailhawk bench expiry``: does the store stop growing once profiles go idle?

Months of synthetic organisation traffic (``bench.generate``: staff, partners, vendors and a
steady flow of one-off senders, as in real mail) are replayed twice through the state and
the heuristic detectors into a real RocksDB store, as the engine drives them (one
``score_batch`` per batch, then its slice of the idle expiry sweep, then the atomic write):
once with the sweep off, once at the engine's scan rate. The store's profile count is
sampled along the way. Without the sweep every address that ever wrote stays; with it the
count should level off after the idle expiry, and the sweep's own time is reported per
message. The models are left out: they change no state.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from schemas import MailRecord
from state import Decay, PartitionState, RocksDBStore
from stream.config import BENCH_PARTITIONS, EngineConfig

__all__ = ["ExpiryOptions", "run_expiry", "summary"]

_DAY = 86400.0
Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ExpiryOptions:
    """What ``mailhawk bench expiry`` replays and where it writes."""

    out: Path
    tenants: int = 4
    days: int = 240
    idle_expiry_days: float = 30.0
    seed: int = 3
    batch_size: int = 500
    samples: int = 24
    progress: bool = False


def _records(opts: ExpiryOptions) -> list[MailRecord]:
    from bench.generate import generate

    records = [r for r, _ in generate(opts.tenants, opts.days, opts.seed)]
    records.sort(key=lambda r: r.received_at)
    return records


def _replay(records: Sequence[MailRecord], opts: ExpiryOptions, store_dir: Path, *,
            scan: int, label: str) -> dict[str, Any]:
    from detectors import Cascade

    cfg = EngineConfig()
    store = RocksDBStore(store_dir)
    state = PartitionState(store, decay=Decay(cfg.half_life_days * _DAY,
                                              opts.idle_expiry_days * _DAY),
                           cache_entries=cfg.partition_share(BENCH_PARTITIONS)[1])
    cascade = Cascade(models=None)
    every = max(1, len(records) // opts.samples)
    t0 = records[0].received_at
    samples: list[tuple[float, int]] = []
    deleted = visited = 0
    sweep_s = 0.0
    bar = tqdm(total=len(records), desc=label, unit=" msg", disable=not opts.progress)
    try:
        for lo in range(0, len(records), opts.batch_size):
            chunk = records[lo:lo + opts.batch_size]
            cascade.score_batch(state, chunk)
            started = time.perf_counter()
            seen, gone, _ = state.expire_idle(chunk[-1].received_at, len(chunk) * scan)
            sweep_s += time.perf_counter() - started
            visited += seen
            deleted += gone
            state.commit(state.changes(), lo + len(chunk), None)
            if (lo // opts.batch_size) % max(1, every // opts.batch_size) == 0 or \
                    lo + len(chunk) == len(records):
                profiles = sum(1 for _ in store.scan(b"", 1 << 62))
                samples.append(((chunk[-1].received_at - t0) / _DAY, profiles))
            bar.update(len(chunk))
    finally:
        bar.close()
        store.close()
    return {"scan_per_message": scan, "profiles_at_end": samples[-1][1],
            "deleted": deleted, "visited": visited,
            "sweep_us_per_message": sweep_s / max(1, len(records)) * 1e6,
            "samples": samples}


def _plot(report: dict[str, Any], path: Path) -> Path:
    from bench.report import _pyplot, _save

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, run in report["runs"].items():
        days, counts = zip(*run["samples"], strict=True)
        ax.plot(days, counts, marker=".", label=name)
    ax.axvline(report["idle_expiry_days"], color="grey", linestyle=":",
               label="idle expiry")
    ax.set_xlabel("days of traffic")
    ax.set_ylabel("profiles in the store")
    ax.set_title("State store size with and without the idle expiry sweep")
    ax.legend()
    ax.grid(alpha=0.3)
    return _save(fig, path)


def _markdown(report: dict[str, Any]) -> str:
    off, on = report["runs"]["sweep off"], report["runs"]["sweep on"]
    return "\n".join([
        "# Idle expiry: store size over time",
        "",
        f"{report['messages']:,} synthetic messages ({report['tenants']} organisations, "
        f"{report['days']} days), idle expiry {report['idle_expiry_days']:g} days, "
        f"half-life {report['half_life_days']:g} days, batches of {report['batch_size']}.",
        "",
        "| run | profiles at the end | deleted by the sweep | keys visited | sweep µs/message |",
        "|---|---|---|---|---|",
        *(f"| {name} | {r['profiles_at_end']:,} | {r['deleted']:,} | {r['visited']:,} | "
          f"{r['sweep_us_per_message']:.2f} |" for name, r in (("sweep off", off),
                                                               ("sweep on", on))),
        "",
        f"With the sweep the store ends at {on['profiles_at_end'] / off['profiles_at_end']:.0%}"
        " of its size without it.",
        "",
        "![profiles over time](expiry.png)",
        "",
    ])


def run_expiry(opts: ExpiryOptions, *, log: Log) -> dict[str, Any]:
    """Replay, write ``expiry.json``, ``expiry.md`` and ``expiry.png``; return the report."""
    records = _records(opts)
    log(f"{len(records):,} messages over {opts.days} days")
    cfg = EngineConfig()
    runs = {}
    with tempfile.TemporaryDirectory(prefix="mailhawk-expiry-") as tmp:
        for name, scan in (("sweep off", 0), ("sweep on", cfg.expiry_scan_per_message)):
            runs[name] = _replay(records, opts, Path(tmp) / name.replace(" ", "-"),
                                 scan=scan, label=name)
            shutil.rmtree(Path(tmp) / name.replace(" ", "-"), ignore_errors=True)
    report = {"messages": len(records), "tenants": opts.tenants, "days": opts.days,
              "idle_expiry_days": opts.idle_expiry_days,
              "half_life_days": cfg.half_life_days, "batch_size": opts.batch_size,
              "runs": runs}
    opts.out.mkdir(parents=True, exist_ok=True)
    (opts.out / "expiry.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    (opts.out / "expiry.md").write_text(_markdown(report))
    _plot(report, opts.out / "expiry.png")
    return report


def summary(report: dict[str, Any]) -> list[str]:
    """The lines the CLI prints."""
    off, on = report["runs"]["sweep off"], report["runs"]["sweep on"]
    return [f"  profiles at the end: {off['profiles_at_end']:,} without the sweep, "
            f"{on['profiles_at_end']:,} with it ({on['deleted']:,} deleted; "
            f"{on['sweep_us_per_message']:.2f} µs a message)"]

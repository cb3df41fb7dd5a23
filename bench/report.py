"""Benchmark reports: ``report.json`` (every number), ``report.md`` (tables, goals) and PNG plots.

:func:`write_report` takes the document built by :mod:`bench.run` (``kind: "run"``) or
:mod:`bench.scale` (``kind: "scale"``), adds the derived figures (ratios to the ceiling, the
goals with pass/fail, what limits the worker speed-up) and writes everything into one folder.
The goals are the bars the report is read against, not tests: a run that misses one still
writes its report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import orjson

__all__ = ["GOALS", "derive_run", "derive_scale", "plot_scenarios", "plot_seed_spread",
           "render_markdown", "write_report"]

GOALS: Final = {
    "ceiling_ratio": 0.5,
    "msg_s_per_process": 10_000.0,
    "p99_at_half_ms": 25.0,
}
"""The bars of the benchmark issue: engine ≥ 0.5× the ceiling in the same run; ≥ 10,000 msg/s
per engine process with ~3 KB messages; p99 ≤ 25 ms at half of the maximum throughput."""

_PASS_TITLES: Final = {
    "ceiling": "ceiling (consume→produce→commit, no work)",
    "engine": "mailhawk engine",
    "engine_half": "mailhawk engine at half its max rate",
    "quix": "Quix Streams peer (1 counter + verdict)",
    "faust": "faust-streaming peer (1 counter + verdict)",
}
_RATE_FLOOR: Final = 100.0
_COLORS: Final = {"ceiling": "#7f7f7f", "engine": "#d62728", "engine_half": "#ff9896",
                  "quix": "#1f77b4", "faust": "#2ca02c"}


# ----------------------------------------------------------------------------- derived figures


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not b:
        return None
    return round(a / b, 3)


def _all_passes(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {**report.get("passes", {}), **report.get("peers", {})}


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("pass" if ok else "fail")


def _limits(summary: dict[str, Any]) -> str:
    """One sentence on what bounded a pass: the machine's cores or something else."""
    cpu = summary.get("cpu")
    if not cpu:
        return "no CPU figures"
    busy = cpu.get("machine_busy_fraction")
    parts = [f"{summary.get('kind', '?')} processes {cpu.get('pipeline_cores', 0):.2f} cores"]
    if cpu.get("broker_cores") is not None:
        parts.append(f"broker {cpu['broker_cores']:.2f}")
    parts.append(f"harness (replay + collector) {cpu.get('harness_cores', 0):.2f}")
    if cpu.get("other_cores") is not None:
        parts.append(f"other processes {cpu['other_cores']:.2f}")
    cores = cpu.get("cores", 1)
    text = (f"while it ran the machine was {100 * (busy or 0):.0f}% busy on {cores} cores: "
            + ", ".join(parts))
    per = cpu.get("per_process_cores") or []
    if per and max(per) >= 0.85:
        text += (f"; one {summary.get('kind', '?')} process used {max(per):.2f} of a core: "
                 "it is CPU-bound on its one Python thread")
    if busy is not None and busy >= 0.85:
        text += "; the machine's cores were saturated"
    elif not per or max(per) < 0.85:
        text += ("; cores were left idle, so waits (batch timeout, delivery round trips, "
                 "broker fetch latency, a paced replay) bounded it, not CPU")
    return text


def derive_run(report: dict[str, Any]) -> None:
    """Add ``speed`` (every speed figure with its ratio to the ceiling) and ``goals``."""
    passes = _all_passes(report)
    ceiling = passes.get("ceiling", {})
    c_tp = ceiling.get("throughput_msg_s")
    c_span = ceiling.get("first_to_last_msg_s")
    c_cpu = (ceiling.get("cpu") or {}).get("pipeline_us_per_msg")
    rows = []
    for name, s in passes.items():
        cpu = s.get("cpu") or {}
        tp = s.get("throughput_msg_s")
        workers = s.get("workers") or 1
        rows.append({
            "name": name,
            "title": _PASS_TITLES.get(name, name),
            "status": s.get("status", "?"),
            "workers": workers,
            "rate_limit_msg_s": s.get("rate_limit_msg_s"),
            "msg_s": tp,
            "msg_s_ratio_to_ceiling": _ratio(tp, c_tp),
            "msg_s_per_process": round(tp / workers, 1) if tp else None,
            "mode": s.get("mode", "—"),
            "first_to_last_msg_s": s.get("first_to_last_msg_s"),
            "first_to_last_ratio_to_ceiling": _ratio(s.get("first_to_last_msg_s"), c_span),
            "cpu_us_per_msg": cpu.get("pipeline_us_per_msg"),
            "cpu_ratio_to_ceiling": _ratio(cpu.get("pipeline_us_per_msg"), c_cpu),
            "latency_ms": s.get("latency_ms"),
        })
    report["speed"] = rows
    engine = passes.get("engine", {})
    half = passes.get("engine_half", {})
    max_mode = report.get("config", {}).get("mode") == "max"
    e_tp = engine.get("throughput_msg_s")
    ratio = _ratio(e_tp, c_tp)
    per_process = e_tp / (engine.get("workers") or 1) if e_tp else None
    p99_half = (half.get("latency_ms") or {}).get("p99") if half.get("status") == "ok" else None
    acc = engine.get("accounting") or {}
    zero = None
    if acc:
        zero = acc.get("missing") == 0 and acc.get("dead_letters") == 0 and \
            acc.get("duplicates") == 0 and bool(acc.get("adds_up"))
    mean_bytes = report.get("stream", {}).get("bytes_mean")
    report["goals"] = [
        {"goal": "engine throughput ≥ 0.5× the ceiling, same run",
         "target": f"≥ {GOALS['ceiling_ratio']}×",
         "measured": f"{ratio:.2f}×" if ratio is not None else "—",
         "result": _verdict(None if ratio is None or not max_mode
                            else ratio >= GOALS["ceiling_ratio"])},
        {"goal": f"msg/s per engine process (mean message {mean_bytes:,.0f} B; goal set for "
                 "~3 KB)" if mean_bytes else "msg/s per engine process",
         "target": f"≥ {GOALS['msg_s_per_process']:,.0f}",
         "measured": f"{per_process:,.0f}" if per_process else "—",
         "result": _verdict(None if per_process is None or not max_mode
                            else per_process >= GOALS["msg_s_per_process"])},
        {"goal": "p99 latency at half of the maximum throughput",
         "target": f"≤ {GOALS['p99_at_half_ms']:.0f} ms",
         "measured": f"{p99_half:.1f} ms" if p99_half is not None else "—",
         "result": _verdict(None if p99_half is None else p99_half <= GOALS["p99_at_half_ms"])},
        {"goal": "messages without a verdict, dead letters, duplicate verdicts",
         "target": "all 0",
         "measured": (f"{acc.get('missing')} / {acc.get('dead_letters')} / "
                      f"{acc.get('duplicates')}") if acc else "—",
         "result": _verdict(zero)},
    ]
    report["limits"] = {name: _limits(s) for name, s in passes.items() if s.get("cpu")}


def derive_scale(report: dict[str, Any]) -> None:
    """Add the 1 → 2 worker speed-ups and what limits them."""
    workers = report.get("workers") or {}
    runs = workers.get("runs") or {}
    if not runs:
        return
    out: dict[str, Any] = {}
    for kind in ("engine", "ceiling"):
        one = (runs.get(f"{kind}_1") or {}).get("throughput_msg_s")
        two = (runs.get(f"{kind}_2") or {}).get("throughput_msg_s")
        out[kind] = {"one_worker_msg_s": one, "two_workers_msg_s": two,
                     "speedup": _ratio(two, one)}
    workers["speedup"] = out
    workers["limits"] = {name: _limits(s) for name, s in runs.items() if s.get("cpu")}


# ----------------------------------------------------------------------------- markdown


def _fmt(v: Any, digits: int = 0, suffix: str = "") -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return "—"
    if isinstance(v, int | float):
        return f"{v:,.{digits}f}{suffix}"
    return str(v)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _environment_lines(env: dict[str, Any]) -> list[str]:
    versions = ", ".join(f"{k} {v}" for k, v in (env.get("versions") or {}).items() if v)
    return [f"Machine: {env.get('cpu_count')} cores ({env.get('cpu_model')}), "
            f"{env.get('memory_gib')} GiB; Python {env.get('python')}; librdkafka "
            f"{env.get('librdkafka')}; git {env.get('git')}.", "",
            f"Versions: {versions}.", "",
            f"Forms that ran (c: the install's C modules): content hashing "
            f"{env.get('hashing_kernel')}, state loops {env.get('state_loops')}, record "
            f"decoding {env.get('record_decoder')}.", "", *_reclaim_lines(env)]


def _reclaim_lines(env: dict[str, Any]) -> list[str]:
    reclaim = env.get("proactive_reclaim")
    if not reclaim:
        return []
    return [f"> **This machine pages out memory idle for {reclaim['idle_s']:g} s** (a DAMON "
            f"pageout scheme; {reclaim['pages']}), page cache included, however much is "
            "free: a store larger than the block cache is read partly from disk here, from "
            "the page cache on a host without it.", ""]


def _contention_lines(passes: dict[str, dict[str, Any]]) -> list[str]:
    busy = {name: (s.get("cpu") or {}).get("other_cores") or 0.0 for name, s in passes.items()}
    skewed = {name: v for name, v in busy.items() if v > 0.25}
    if not skewed:
        return []
    return ["> **Warning: the machine was not quiet.** Other processes used "
            + ", ".join(f"{v:.2f} cores during {k}" for k, v in skewed.items())
            + ". Compare nothing from these passes with a quiet run.", ""]


def _failure_lines(passes: dict[str, dict[str, Any]]) -> list[str]:
    lines = []
    for name, s in passes.items():
        if s.get("error"):
            lines += [f"**{name} failed:**", "", "```", s["error"].strip()[-3000:], "```", ""]
    return lines


def _run_markdown(r: dict[str, Any]) -> list[str]:
    cfg, stream = r["config"], r["stream"]
    passes = _all_passes(r)
    lines = [f"# mailhawk benchmark — {r.get('created', '')}", ""]
    lines += [f"Stream `{cfg['stream']}`: {stream['messages']:,} messages from "
              f"{stream['tenants']} tenant(s), {stream['bytes_mean']:,.0f} bytes on average "
              f"(p99 {stream['bytes_p99']:,}), {stream['labelled']:,} labelled. "
              f"{cfg['workers']} worker(s) per pipeline, {cfg['partitions']} partitions, batch "
              f"{cfg['batch_size']}, broker: {cfg['broker']}. Engine replay: "
              + ("as fast as possible." if cfg["mode"] == "max"
                 else f"paced at {cfg['rate_msg_s']:,.0f} msg/s."), ""]
    lines += _environment_lines(r.get("environment", {}))
    lines += _contention_lines(passes)
    lines += ["## Goals", "",
              "Bars to read the run against (goals, not tests). Timings on this machine vary "
              "±30–40% from run to run; the ratios measured in one run are the figures to "
              "compare.", ""]
    lines += _table(["goal", "target", "measured", "result"],
                    [[g["goal"], g["target"], g["measured"], f"**{g['result']}**"]
                     for g in r.get("goals", [])])
    lines += ["## Speed", ""]
    lines += _table(
        ["pipeline", "status", "mode", "msg/s", "× ceiling", "msg/s per process",
         "first→last msg/s", "× ceiling (first→last)", "CPU µs/msg", "CPU × ceiling",
         "p50 ms", "p99 ms"],
        [[row["title"], row["status"], row["mode"], _fmt(row["msg_s"]),
          _fmt(row["msg_s_ratio_to_ceiling"], 2), _fmt(row["msg_s_per_process"]),
          _fmt(row["first_to_last_msg_s"]), _fmt(row["first_to_last_ratio_to_ceiling"], 2),
          _fmt(row["cpu_us_per_msg"], 1), _fmt(row["cpu_ratio_to_ceiling"], 2),
          _fmt((row["latency_ms"] or {}).get("p50"), 1),
          _fmt((row["latency_ms"] or {}).get("p99"), 1)] for row in r.get("speed", [])])
    lines += ["Backlog passes (the speed figures): the stream is loaded into the input topic "
              "first, then the pipeline drains it; msg/s is the rate of the middle 80% of the "
              "outputs (start-up, group join, first fetches and a straggling last partition "
              "excluded; the whole first-to-last span is in report.json as "
              "`first_to_last_msg_s`). Live passes are paced replays (latency); their msg/s is "
              "the pace they kept. The ceiling consumes the same 3 KB records and produces a "
              "160-byte output per record (about a verdict's size), flushing and committing "
              "every batch (DESIGN.md's passthrough; the engine waits for delivery only at "
              "its commits) and no work; the engine and the peers "
              "produce their verdicts. CPU µs/msg = the pipeline "
              "processes' user+system CPU from the first output to the last ÷ the messages "
              "answered in between.", ""]
    engine = passes.get("engine", {})
    stages = engine.get("stages")
    if stages:
        lines += ["## Engine cost per message", "",
                  f"From the engines' `mailhawk_stage_seconds_total` ÷ "
                  f"`mailhawk_records_in_total` ({stages['records_in']:,} records in "
                  f"{stages['batches']:,} batches, {_fmt(stages['mean_batch'], 1)} per batch; "
                  "wall time inside each stage).", ""]
        grouped = stages["grouped_us_per_msg"]
        lines += _table(["stage (issue's grouping)", "engine stages", "µs per message"],
                        [[g, " + ".join(stages["groups"][g]), _fmt(v, 1)]
                         for g, v in grouped.items()])
        lines += _table(["engine stage", "µs per message"],
                        [[k, _fmt(v, 1)] for k, v in stages["us_per_msg"].items()]
                        + [["whole batch (decode → commit)", _fmt(stages["batch_us_per_msg"],
                                                                   1)],
                           ["in the batch but in no stage", _fmt(
                               stages["unattributed_us_per_msg"], 1)]])
        cpu = engine.get("cpu") or {}
        if cpu:
            lines += [f"Engine process CPU: {_fmt(cpu.get('pipeline_us_per_msg'), 1)} µs per "
                      f"message (per process: {cpu.get('per_process_us_per_msg')}); broker "
                      f"{_fmt(cpu.get('broker_us_per_msg'), 1)} µs/msg; harness "
                      f"{_fmt(cpu.get('harness_us_per_msg'), 1)} µs/msg.", ""]
    lines += ["## Latency", "",
              "Live (paced) passes only: output received by the harness − the input's produce "
              "timestamp (Kafka CreateTime, same host clock). Backlog passes have no latency "
              "(it would be time spent waiting in the backlog); the latency goal is read at "
              "half the engine's backlog throughput.", ""]
    lat_rows = []
    for name, s in passes.items():
        lat = s.get("latency_ms")
        if lat:
            lat_rows.append([_PASS_TITLES.get(name, name), _fmt(s.get("rate_limit_msg_s")),
                             _fmt(lat["p50"], 1), _fmt(lat["p95"], 1), _fmt(lat["p99"], 1),
                             _fmt(lat["max"], 1),
                             _fmt((s.get("latency_kafka_ms") or {}).get("p99"), 1)])
    lines += _table(["pipeline", "paced at msg/s", "p50 ms", "p95 ms", "p99 ms", "max ms",
                     "p99 to output's Kafka timestamp"], lat_rows)
    lines += ["## Accounting", ""]
    acc_rows = []
    for name, s in passes.items():
        a = s.get("accounting")
        if a:
            acc_rows.append([_PASS_TITLES.get(name, name), a["messages"], a["answered"],
                             a["duplicates"], a["dead_letters"], a["missing"],
                             a["unknown_outputs"], "yes" if a["adds_up"] else "**no**"])
    lines += _table(["pipeline", "messages", "answered", "duplicates", "dead letters",
                     "missing", "unknown outputs", "answered + dead + missing = messages"],
                    acc_rows)
    for name, s in passes.items():
        for note in s.get("notes") or []:
            lines.append(f"- {name}: {note}")
        if str(s.get("status", "")).startswith("unavailable"):
            lines.append(f"- {name}: {s['status']}")
    lines.append("")
    lines += _failure_lines(passes)
    lines += _efficacy_markdown(r.get("efficacy") or {})
    limits = r.get("limits") or {}
    if limits:
        lines += ["## What bounded each pass", ""]
        lines += [f"- {_PASS_TITLES.get(k, k)}: {v}." for k, v in limits.items()] + [""]
    lines += ["## Plots", "", "![latency CDF](latency_cdf.png)", "",
              "![throughput over time](throughput.png)", "", "![recall](recall.png)", ""]
    return lines


def _efficacy_markdown(e: dict[str, Any]) -> list[str]:
    lines = ["## Efficacy (engine, max-speed pass)", ""]
    if not e.get("available"):
        return [*lines, f"Not measured: {e.get('reason', 'no labels')}.", ""]
    lines += [f"{e['attacks']:,} attack and {e['ham']:,} ham messages. An attack counts as "
              f"caught when its verdict is {' or '.join(e['caught_actions'])}; a ham message "
              "with such a verdict is a false positive.", ""]
    lines += _table(["recall", "precision", "false-positive rate (ham)", "warn rate (ham)",
                     "false positives"],
                    [[_fmt(e["recall"], 3), _fmt(e["precision"], 3),
                      _fmt(e["false_positive_rate"], 4), _fmt(e["ham_warn_rate"], 4),
                      e["false_positives"]]])
    lines += _table(["attack type", "messages", "caught", "recall", "warned",
                     "caught with this type"],
                    [[k, v["messages"], v["caught"], _fmt(v["recall"], 3), v["warned"],
                      v["typed_correctly"]] for k, v in e["by_attack_type"].items()])
    lines += _table(["scenario", "attack type", "messages", "caught", "recall",
                     "scored before the first detection"],
                    [[k, v["attack_type"], v["messages"], v["caught"], _fmt(v["recall"], 3),
                      _fmt(v["scored_before_first_detection"])
                      if v["scored_before_first_detection"] is not None else "never caught"]
                     for k, v in e["by_scenario"].items()])
    lines += _table(["ham scenario", "messages", "false positives", "rate", "warned"],
                    [[k, v["messages"], v["false_positives"],
                      _fmt(v["false_positive_rate"], 4), v["warned"]]
                     for k, v in e["ham_by_scenario"].items()])
    return lines


def _scale_markdown(r: dict[str, Any]) -> list[str]:
    lines = [f"# mailhawk scale benchmark — {r.get('created', '')}", ""]
    lines += _environment_lines(r.get("environment", {}))
    growth = r.get("state_growth") or {}
    if growth.get("points"):
        lines += ["## State growth", "", growth.get("method", ""), ""]
        first = f"{growth['points'][0]['population']:,}"
        lines += _table(
            ["senders", "sender + pair keys", "store MiB", "µs/msg (wall)", "CPU µs/msg",
             "read µs/msg", "write µs/msg", f"× the {first} cost", "heavy-tailed µs/msg",
             f"heavy-tailed × the {first} cost", "RSS MiB", "RSS growth MiB", "populate s"],
            [[f"{p['population']:,}", _fmt(p.get("keys")), _fmt(p.get("store_mib"), 1),
              _fmt(p["us_per_msg"], 1), _fmt(p["cpu_us_per_msg"], 1),
              _fmt(p["read_us_per_msg"], 1), _fmt(p["write_us_per_msg"], 1),
              _fmt(p.get("ratio_to_first"), 2), _fmt(p.get("us_per_msg_zipf"), 1),
              _fmt(p.get("ratio_to_first_zipf"), 2), _fmt(p.get("rss_mib"), 1),
              _fmt(p.get("rss_growth_mib"), 1), _fmt(p.get("populate_s"), 1)]
             for p in growth["points"]])
        if len(growth["points"]) > 1:
            lines += ["", f"Paired by round (each ratio to the {first} cost taken within one "
                      "round, then the median): " + "; ".join(
                          f"{p['population']:,}: {_fmt(p.get('ratio_paired'), 2)}× uniform "
                          f"(rounds {', '.join(_fmt(x, 2) for x in p.get('ratio_rounds', []))}"
                          f"), {_fmt(p.get('ratio_paired_zipf'), 2)}× heavy-tailed"
                          for p in growth["points"][1:]) + "."]
        bound = growth.get("memory_bound_mib")
        if bound:
            lines += ["", f"Configured memory of the store: RocksDB {bound['rocksdb']} MiB "
                      f"(block cache + write buffers) + decoded-profile cache "
                      f"{bound['decoded_profiles']} MiB = {bound['total']} MiB. RSS growth "
                      "should sit at about this plus the allocator's slack (the decoded-cache "
                      "entry size is tracemalloc's, without it) and stay flat as the "
                      "population grows.", ""]
    workers = r.get("workers") or {}
    if workers.get("runs"):
        lines += ["## 1 → 2 workers", "", workers.get("method", ""), ""]
        lines += _contention_lines(workers["runs"])
        rows = []
        for name, s in workers["runs"].items():
            cpu = s.get("cpu") or {}
            rows.append([name, s.get("status"), _fmt(s.get("throughput_msg_s")),
                         _fmt(s.get("first_to_last_msg_s")), _fmt(cpu.get("pipeline_cores"), 2),
                         _fmt(cpu.get("broker_cores"), 2), _fmt(cpu.get("harness_cores"), 2),
                         _fmt(100 * cpu["machine_busy_fraction"] if cpu else None, 0, "%")])
        lines += _table(["run", "status", "msg/s", "first→last msg/s", "pipeline cores",
                         "broker cores", "harness cores", "machine busy"], rows)
        for kind, s in (workers.get("speedup") or {}).items():
            lines.append(f"- {kind}: 1 → 2 workers speed-up "
                         f"{_fmt(s.get('speedup'), 2)}× ({_fmt(s.get('one_worker_msg_s'))} → "
                         f"{_fmt(s.get('two_workers_msg_s'))} msg/s)")
        lines.append("")
        lines += ["What limits it:", ""]
        lines += [f"- {k}: {v}." for k, v in (workers.get("limits") or {}).items()]
        lines += ["", workers.get("explanation", ""), ""]
        lines += _failure_lines(workers["runs"])
    elif workers.get("skipped"):
        lines += ["## 1 → 2 workers", "", f"Not measured: {workers['skipped']}.", ""]
    lines += ["## Plot", "", "![scale](scale.png)", ""]
    return lines


def render_markdown(report: dict[str, Any]) -> str:
    """report.md for a run or a scale report."""
    lines = _run_markdown(report) if report.get("kind") == "run" else _scale_markdown(report)
    return "\n".join(lines).rstrip() + "\n"


# ----------------------------------------------------------------------------- plots


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    _pyplot().close(fig)
    return path


def plot_latency_cdf(report: dict[str, Any], path: Path) -> Path:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5))
    drawn = False
    for name, s in _all_passes(report).items():
        cdf = s.get("latency_cdf_ms") or []
        if not cdf:
            continue
        xs = [max(x, 0.01) for x, _ in cdf]
        ys = [y for _, y in cdf]
        p99 = (s.get("latency_ms") or {}).get("p99")
        label = f"{_PASS_TITLES.get(name, name)} (p99 {_fmt(p99, 1)} ms)"
        ax.plot(xs, ys, label=label, color=_COLORS.get(name), linewidth=2)
        drawn = True
    ax.axvline(GOALS["p99_at_half_ms"], color="black", linestyle=":", linewidth=1)
    ax.axhline(0.99, color="black", linestyle=":", linewidth=1)
    ax.text(GOALS["p99_at_half_ms"] * 1.05, 0.05, "25 ms goal (p99 at half max)", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("latency, produce → output received (ms, log scale)")
    ax.set_ylabel("fraction of messages")
    ax.set_ylim(0, 1.01)
    ax.set_title("End-to-end latency CDF")
    ax.grid(True, which="both", alpha=0.3)
    if drawn:
        ax.legend(fontsize=8, loc="lower right")
    else:
        ax.text(0.5, 0.5, "no latency measured", transform=ax.transAxes, ha="center")
    return _save(fig, path)


def plot_throughput(report: dict[str, Any], path: Path) -> Path:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5))
    drawn = False
    for name, s in _all_passes(report).items():
        tl = s.get("timeline") or {}
        if not tl.get("t_s"):
            continue
        label = f"{_PASS_TITLES.get(name, name)} ({_fmt(s.get('throughput_msg_s'))} msg/s)"
        # Log scale: the pipelines differ 40×; an empty bin is drawn at the floor.
        ax.step(tl["t_s"], [max(v, _RATE_FLOOR) for v in tl["msg_per_s"]], where="post",
                label=label, color=_COLORS.get(name), linewidth=1.5)
        drawn = True
    ax.set_xlabel("seconds since the first output (backlog passes) or the replay start "
                  "(paced passes)")
    ax.set_ylabel("outputs per second (msg/s, log scale)")
    ax.set_title("Throughput over time (verdicts / outputs per second)")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.set_ylim(bottom=_RATE_FLOOR)
    if drawn:
        ax.legend(fontsize=8, loc="upper right")
    else:
        ax.text(0.5, 0.5, "no output measured", transform=ax.transAxes, ha="center")
    return _save(fig, path)


def plot_recall(report: dict[str, Any], path: Path) -> Path:
    plt = _pyplot()
    e = report.get("efficacy") or {}
    by_type = e.get("by_attack_type") or {}
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.55 * len(by_type) + 1.8)))
    if by_type:
        names = list(by_type)
        recall = [by_type[k]["recall"] or 0.0 for k in names]
        bars = ax.barh(names, recall, color="#d62728")
        for bar, k in zip(bars, names, strict=True):
            v = by_type[k]
            ax.text(min(bar.get_width() + 0.01, 0.85), bar.get_y() + bar.get_height() / 2,
                    f"{v['caught']}/{v['messages']}", va="center", fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("recall (share of attack messages quarantined or blocked)")
        ax.set_title(f"Recall per attack type — overall {_fmt(e.get('recall'), 3)}, "
                     f"precision {_fmt(e.get('precision'), 3)}, ham FPR "
                     f"{_fmt(e.get('false_positive_rate'), 4)}", fontsize=10)
        ax.grid(True, axis="x", alpha=0.3)
    else:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no labelled attacks: efficacy not measured",
                transform=ax.transAxes, ha="center")
    return _save(fig, path)


def plot_scenarios(sections: dict[str, dict[str, Any]], path: Path) -> Path:
    """Share flagged per scenario, one panel per evaluated set (the training report's plot).

    Attacks are red (the share caught); ham is blue (the share wrongly quarantined or
    blocked), so one glance shows which attack kinds slip through and which ham is hit.
    """
    plt = _pyplot()
    rows = max((len(s.get("recall_by_scenario") or {}) for s in sections.values()), default=1)
    fig, axes = plt.subplots(1, max(len(sections), 1), squeeze=False,
                             figsize=(6.5 * max(len(sections), 1), 0.28 * rows + 1.8))
    for ax, (title, section) in zip(axes[0], sections.items(), strict=False):
        by = section.get("recall_by_scenario") or {}
        names = list(by)
        values = [by[k]["flagged_rate"] for k in names]
        colors = ["#1f77b4" if by[k]["is_ham"] else "#d62728" for k in names]
        bars = ax.barh(names, values, color=colors)
        for bar, k in zip(bars, names, strict=True):
            inside = bar.get_width() > 0.75  # long bars carry their label in white
            ax.text(bar.get_width() - 0.01 if inside else bar.get_width() + 0.01,
                    bar.get_y() + bar.get_height() / 2,
                    f"{by[k]['flagged_rate']:.3f} of {by[k]['n']}", va="center", fontsize=7,
                    ha="right" if inside else "left", color="white" if inside else "black")
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_xlabel("share quarantined or blocked (red: attacks, blue: ham)")
        ax.set_title(f"{title}\nrecall {_fmt(section.get('recall'), 3)}, ham FPR "
                     f"{_fmt(section.get('false_positive_rate'), 5)}", fontsize=9)
        ax.grid(True, axis="x", alpha=0.3)
    return _save(fig, path)


def plot_scale(report: dict[str, Any], path: Path) -> Path:
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    points = (report.get("state_growth") or {}).get("points") or []
    if points:
        xs = [p["population"] for p in points]
        left.plot(xs, [p["us_per_msg"] for p in points], marker="o", color="#d62728",
                  label="total (wall)")
        left.plot(xs, [p["read_us_per_msg"] for p in points], marker="s", color="#1f77b4",
                  label="read (prefetch + snapshot)")
        left.plot(xs, [p["write_us_per_msg"] for p in points], marker="^", color="#2ca02c",
                  label="write (observe + encode + RocksDB write)")
        left.plot(xs, [p.get("us_per_msg_zipf") for p in points], marker="o", color="#d62728",
                  linestyle="--", alpha=0.6, label="total, heavy-tailed senders (Zipf 1.1)")
        for p in points:
            left.annotate(f"{_fmt(p.get('ratio_to_first'), 2)}×", (p["population"],
                                                                   p["us_per_msg"]),
                          textcoords="offset points", xytext=(0, 6), fontsize=8,
                          ha="center")
        left.set_xscale("log")
        left.set_ylim(bottom=0)
        left.legend(fontsize=7, loc="upper left")
    else:
        left.text(0.5, 0.5, "not measured", transform=left.transAxes, ha="center")
    left.set_xlabel("distinct senders in the store (log scale)")
    left.set_ylabel("state cost, µs per message")
    left.set_title("State cost as profiles grow")
    left.grid(True, which="both", alpha=0.3)
    runs = (report.get("workers") or {}).get("runs") or {}
    if runs:
        names = list(runs)
        values = [runs[n].get("throughput_msg_s") or 0.0 for n in names]
        colors = [_COLORS["engine"] if n.startswith("engine") else _COLORS["ceiling"]
                  for n in names]
        bars = right.bar(names, values, color=colors)
        for bar, v in zip(bars, values, strict=True):
            right.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), f"{v:,.0f}",
                       ha="center", va="bottom", fontsize=8)
    else:
        right.set_xticks([])
        right.set_yticks([])
        right.text(0.5, 0.5, "not measured", transform=right.transAxes, ha="center")
    right.set_ylabel("msg/s")
    right.set_title("1 vs 2 workers (engine, ceiling)")
    right.grid(True, axis="y", alpha=0.3)
    return _save(fig, path)


# ----------------------------------------------------------------------------- files


def write_report(report: dict[str, Any], out: Path, *, plots: bool = True) -> list[Path]:
    """Derive the figures, then write report.json, report.md and the PNGs into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    if report.get("kind") == "run":
        derive_run(report)
    else:
        derive_scale(report)
    written = [out / "report.json", out / "report.md"]
    written[0].write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2
                                        | orjson.OPT_SERIALIZE_NUMPY))
    written[1].write_text(render_markdown(report))
    if plots:
        if report.get("kind") == "run":
            written += [plot_latency_cdf(report, out / "latency_cdf.png"),
                        plot_throughput(report, out / "throughput.png"),
                        plot_recall(report, out / "recall.png")]
        else:
            written.append(plot_scale(report, out / "scale.png"))
    return written


def plot_seed_spread(study: dict[str, Any], path: Path) -> Path:
    """A seed study at a glance: one row per figure, one dot per seed, a bar at the median.

    Ham quarantined (counts) and recalls (shares) get a panel each, so a seed that lets
    through half the spam or quarantines a hundred ham stands out from the others.
    """
    plt = _pyplot()
    names = [n for n in study["spread"] if n != "quarantine threshold"]
    panels = [("ham quarantined (count)", [n for n in names if "ham quarantined" in n]),
              ("recall (share caught)", [n for n in names if "ham quarantined" not in n])]
    panels = [(t, ns) for t, ns in panels if ns]
    height = max(len(ns) for _, ns in panels) if panels else 1
    fig, axes = plt.subplots(1, max(len(panels), 1), squeeze=False,
                             figsize=(6.5 * max(len(panels), 1), 0.32 * height + 1.8))
    for ax, (title, rows) in zip(axes[0], panels, strict=False):
        for y, name in enumerate(rows):
            values = [r["figures"][name] for r in study["runs"] if name in r["figures"]]
            ax.scatter(values, [y] * len(values), s=18, alpha=0.7, color="#1f77b4")
            ax.plot([study["spread"][name]["median"]] * 2, [y - 0.3, y + 0.3], color="black")
        ax.set_yticks(range(len(rows)), rows, fontsize=7)
        ax.set_ylim(len(rows) - 0.5, -0.5)  # first figure on top, rows one unit apart
        ax.set_title(f"{title}: seeds {', '.join(str(r['seed']) for r in study['runs'])}",
                     fontsize=9)
        ax.grid(True, axis="x", alpha=0.3)
    return _save(fig, path)

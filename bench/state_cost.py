"""``mailhawk bench state``: the behavioural state layer's cost per message on real mail.

Issue #3 sets the target: lookups, updates and encode/decode of the sender, recipient(s),
pair and domain profiles ≤ 15 µs per message per core, batched, on the Enron-derived stream.
Enron is the stream that matters for this because it is the only real corporate graph: 6.4
recipients per message on average, and every recipient costs a mailbox, a pair and a reverse
pair key, so synthetic traffic (~2.5 recipients) understates the cost by half.

What is timed, and what is not
------------------------------
The Enron ham is parsed, sorted by date, and its facts (``detectors.extract``) computed once
up front: none of that is state cost. Each pass then replays the stream from an empty
:class:`~state.PartitionState` over a real :class:`~state.RocksDBStore` (engine defaults for
cache, block cache, write buffers, decay and commit interval) in batches of 500, driving
the state exactly as ``detectors.Cascade.score_batch`` and ``stream.engine.Engine`` do:

1. *read*: ``keys_for`` per message, one ``prefetch`` per batch, then ``snapshot`` per
   message;
2. *update*: ``observe`` per message (after its snapshot: read-your-writes), then
   ``observe_verdict`` per message once the batch is scored; before that, the campaign
   memory's state calls (``detectors/rules/held.py``: a multi-get of its fingerprint keys
   counted as *read*, the held mail it files as *update*), recorded in the untimed replay
   and made again against each pass's own state;
3. *expiry sweep*: the batch's slice of ``expire_idle`` (the engine's default scan rate);
4. *write*: every ``commit_records`` records (the engine's ``MAILHAWK_COMMIT_RECORDS``),
   ``changes`` (encode the last value of each key changed since the last commit) and
   ``commit`` (one atomic RocksDB write with the offsets); between commits ``settle`` (the
   batch's queued mailbox updates applied, the cache bounded), as the engine does.

Between snapshot and observe the real heuristic detectors run, *untimed*, so ``learn`` (a
suspicious message teaches nothing), the lookalike fact and the verdict action are the ones
the engine would use (the models are left out: they change neither). The garbage collector is
tuned as the engine tunes it. Several passes are run and the median is reported; timings on
these machines vary ±30–40% from run to run, so compare figures measured in one session.
"""

from __future__ import annotations

import gc
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson
from tqdm import tqdm

from bench.corpus import ARCHIVES, ENRON_DOMAINS, TENANT
from bench.run import allowed_cpus, cpu_model
from schemas import MailRecord, MimeError
from schemas.mime import parse_message
from schemas.sources import iter_messages
from state import Decay, MessageFacts, PartitionState, RocksDBOptions, RocksDBStore
from state.behaviour import loops
from stream.config import BENCH_PARTITIONS, EngineConfig

__all__ = ["TARGET_US", "StateCostOptions", "load_enron", "run_state_cost", "summary"]

TARGET_US: Final = 15.0
_DAY: Final = 86400.0
# Enron's mail spans 1998-2002; dates outside are broken headers (as in bench.corpus).
_ENRON_START, _ENRON_END = 883612800.0, 1041379200.0
Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class StateCostOptions:
    """What ``mailhawk bench state`` measures and where it writes."""

    corpora: Path
    out: Path
    batch_size: int = 500
    commit_records: int | None = None  # the engine's default (EngineConfig.commit_records)
    passes: int = 5
    limit: int | None = None
    detectors: bool = True
    progress: bool = False


@dataclass(slots=True)
class _Pass:
    """Seconds spent in each part of one replay."""

    messages: int = 0
    recipients: int = 0
    writes: int = 0
    read_s: float = 0.0
    update_s: float = 0.0
    write_s: float = 0.0
    expire_s: float = 0.0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    second_half_wall_s: float = 0.0
    second_half_messages: int = 0

    def us(self) -> dict[str, float]:
        n = max(1, self.messages)
        return {"wall": self.wall_s / n * 1e6, "cpu": self.cpu_s / n * 1e6,
                "read": self.read_s / n * 1e6, "update": self.update_s / n * 1e6,
                "write": self.write_s / n * 1e6, "expire": self.expire_s / n * 1e6,
                "wall_second_half": self.second_half_wall_s
                / max(1, self.second_half_messages) * 1e6}


@dataclass(slots=True)
class _Prepared:
    """The stream with everything that is not state cost computed up front."""

    records: list[MailRecord]
    facts: list[MessageFacts]
    learn: list[bool] = field(default_factory=list)
    flagged: list[bool] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    memory: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    """Per batch (by its first message), the campaign memory's state calls in order."""


def load_enron(corpora: Path, limit: int | None = None, *, progress: bool = False
               ) -> list[MailRecord]:
    """Enron ham as the engine would see it (headers normalised), sorted by date."""
    bar = tqdm(desc="parsing enron", unit=" msg", disable=not progress)
    records = []
    for raw in iter_messages([corpora / ARCHIVES["enron"]]):
        try:
            record = parse_message(raw.raw, tenant_id=TENANT, own_domains=ENRON_DOMAINS,
                                   normalise=True)
        except MimeError:
            continue
        bar.update(1)
        if _ENRON_START <= record.received_at < _ENRON_END:
            records.append(record)
    bar.close()
    records.sort(key=lambda r: (r.received_at, r.message_id))
    return records[:limit] if limit is not None else records


def _prepare(records: list[MailRecord], opts: StateCostOptions, decay: Decay,
             log: Log) -> _Prepared:
    """Facts for every message, and (with detectors) each message's learn flag and action.

    The flags come from one untimed replay with the heuristics; every timed pass replays the
    same state transitions, so they are the flags the engine would compute.
    """
    from detectors import Cascade, extract

    t0 = time.perf_counter()
    extracted = [extract(r) for r in tqdm(records, desc="facts", unit=" msg",
                                          disable=not opts.progress)]
    prepared = _Prepared(records, [f for f, _ in extracted])
    if not opts.detectors:
        prepared.learn = [True] * len(records)
        prepared.actions = ["allow"] * len(records)
        log(f"facts of {len(records):,} messages in {time.perf_counter() - t0:.1f} s")
        return prepared
    from detectors.cascade import teaches_baseline

    cascade = Cascade(models=None)
    with tempfile.TemporaryDirectory(prefix="mailhawk-state-cost-") as tmp:
        store = RocksDBStore(Path(tmp) / "db")
        state = PartitionState(store, decay=decay)
        bar = tqdm(total=len(records), desc="heuristics", unit=" msg",
                   disable=not opts.progress)
        try:
            for start in range(0, len(records), opts.batch_size):
                chunk = range(start, min(start + opts.batch_size, len(records)))
                keys = [state.keys_for(records[i], prepared.facts[i]) for i in chunk]
                state.prefetch_messages(keys)
                assessments = []
                for i, mk in zip(chunk, keys, strict=True):
                    record, (facts, content) = records[i], extracted[i]
                    snap = state.snapshot(record, facts, mk)
                    a = cascade.assess(record, facts, content, snap)
                    learn = teaches_baseline(a.hits)
                    flagged = cascade.flags_sender(a.hits)
                    state.observe(record, a.facts, snap, learn=learn, flagged=flagged)
                    prepared.facts[i] = a.facts  # the lookalike fact, as the engine has it
                    prepared.learn.append(learn)
                    prepared.flagged.append(flagged)
                    assessments.append(a)
                decisions = [cascade.decide(a) for a in assessments]
                if cascade.memory is not None:
                    prepared.memory[start] = _recorded_recall(cascade, state, assessments,
                                                              decisions)
                for i, decision in zip(chunk, decisions, strict=True):
                    prepared.actions.append(decision.action)
                    state.observe_verdict(records[i], decision.action)
                state.commit(state.changes(), chunk.stop, None)
                bar.update(len(chunk))
        finally:
            bar.close()
            store.close()
    log(f"facts and heuristics of {len(records):,} messages in "
        f"{time.perf_counter() - t0:.1f} s ({len(records) - sum(prepared.learn):,} "
        "suspicious)")
    return prepared


def _recorded_recall(cascade: Any, state: PartitionState, assessments: list[Any],
                     decisions: list[Any]) -> list[tuple[Any, ...]]:
    """Run the campaign memory on a batch; return the state calls it made, in order.

    Its fingerprints and comparisons are detection cost; its reads and writes are state
    cost, replayed (and timed) by :func:`_replay_memory`.
    """
    calls: list[tuple[Any, ...]] = []
    prefetch, lookup, remember = state.prefetch, state.held_content, state.remember_held

    def recording_prefetch(keys: Any) -> None:
        keys = list(keys)
        calls.append(("prefetch", keys))
        prefetch(keys)

    def recording_lookup(*args: Any) -> Any:
        calls.append(("lookup", *args))
        return lookup(*args)

    def recording_remember(*args: Any, **kwargs: Any) -> None:
        calls.append(("remember", args, kwargs))
        remember(*args, **kwargs)

    state.prefetch, state.held_content = recording_prefetch, recording_lookup  # type: ignore[method-assign,assignment]
    state.remember_held = recording_remember  # type: ignore[method-assign,assignment]
    try:
        cascade.memory.recall(state, assessments, decisions, cascade.decide)
    finally:
        del state.prefetch, state.held_content, state.remember_held
    return calls


def _replay_memory(state: PartitionState, calls: list[tuple[Any, ...]]) -> tuple[float, float]:
    """The campaign memory's recorded state calls; returns (read, update) seconds."""
    clock = time.perf_counter
    read = update = 0.0
    for call in calls:
        t0 = clock()
        if call[0] == "prefetch":
            state.prefetch(call[1])
            read += clock() - t0
        elif call[0] == "lookup":
            state.held_content(*call[1:])
            read += clock() - t0
        else:
            state.remember_held(*call[1], **call[2])
            update += clock() - t0
    return read, update


def _replay(prepared: _Prepared, store_dir: Path, *, batch: int, commit_records: int,
            decay: Decay, options: RocksDBOptions, cache_entries: int,
            expiry_scan: int) -> _Pass:
    """One timed replay from an empty store (see the module doc for what is timed)."""
    records, all_facts = prepared.records, prepared.facts
    learn_flags, actions = prepared.learn, prepared.actions
    store = RocksDBStore(store_dir, options)
    state = PartitionState(store, decay=decay, cache_entries=cache_entries)
    out = _Pass()
    half = len(records) // 2
    pending = 0
    clock, cpu = time.perf_counter, time.process_time
    try:
        for start in range(0, len(records), batch):
            stop = min(start + batch, len(records))
            chunk = records[start:stop]
            facts = all_facts[start:stop]
            w0, c0 = clock(), cpu()
            keys = [state.keys_for(r, f) for r, f in zip(chunk, facts, strict=True)]
            state.prefetch_messages(keys)
            read = clock() - w0
            update = 0.0
            for r, f, mk, learn, flagged in zip(chunk, facts, keys, learn_flags[start:stop],
                                                prepared.flagged[start:stop], strict=True):
                a = clock()
                snap = state.snapshot(r, f, mk)
                b = clock()
                state.observe(r, f, snap, learn=learn, flagged=flagged)
                update += clock() - b
                read += b - a
            memory_read, memory_update = _replay_memory(state, prepared.memory.get(start, []))
            read += memory_read
            update += memory_update
            a = clock()
            for r, action in zip(chunk, actions[start:stop], strict=True):
                state.observe_verdict(r, action)
            b = clock()
            state.expire_idle(chunk[-1].received_at, len(chunk) * expiry_scan)
            e = clock()
            pending += len(chunk)
            if pending >= commit_records or stop == len(records):
                changes = state.changes()
                state.commit(changes, stop, stop)
                out.writes += len(changes)
                pending = 0
            else:
                state.settle()
            w1, c1 = clock(), cpu()
            update += b - a
            out.expire_s += e - b
            out.messages += len(chunk)
            out.recipients += sum(len(r.recipients) for r in chunk)
            out.read_s += read
            out.update_s += update
            out.write_s += w1 - e
            out.wall_s += w1 - w0
            out.cpu_s += c1 - c0
            if start >= half:
                out.second_half_wall_s += w1 - w0
                out.second_half_messages += len(chunk)
    finally:
        store.close()
    return out


def _markdown(report: dict[str, Any]) -> str:
    m, s = report["median_us"], report["stream"]
    lines = [
        "# State cost per message (Enron-derived stream)",
        "",
        f"{s['messages']:,} Enron messages in date order, {s['recipients_per_message']:.2f} "
        f"recipients per message, batches of {report['batch_size']} committed every "
        f"{report.get('commit_records', report['batch_size']):,} records, {report['passes']} "
        f"passes from an empty RocksDB store each (median shown). Target: "
        f"≤ {TARGET_US:g} µs per message per core.",
        "",
        "| µs per message | wall | process CPU | read (keys+prefetch+snapshot) | update "
        "(observe+verdict) | expiry sweep | write (changes+commit) | wall, 2nd half |",
        "|---|---|---|---|---|---|---|---|",
        *(f"| {name} | {u['wall']:.1f} | {u['cpu']:.1f} | {u['read']:.1f} | {u['update']:.1f} "
          f"| {u['expire']:.1f} | {u['write']:.1f} | {u['wall_second_half']:.1f} |"
          for name, u in (("median", m), ("best", report["best_us"]))),
        "",
        f"Keys written per message: {s['writes_per_message']:.2f}. Result: "
        f"**{report['result']}** (median wall {m['wall']:.1f} µs vs {TARGET_US:g} µs).",
        "",
        f"Machine: {report['environment']['cpu_model']}, {report['environment']['python']}; "
        f"per-recipient state loops in {report['environment'].get('state_loops', 'python')}.",
        "",
    ]
    return "\n".join(lines)


def run_state_cost(opts: StateCostOptions, *, log: Log) -> dict[str, Any]:
    """Measure, write ``state_cost.json`` and ``state_cost.md`` into ``opts.out``; return it."""
    cfg = EngineConfig()
    decay = Decay(cfg.half_life_days * _DAY, cfg.idle_expiry_days * _DAY)
    cache_bytes, cache_entries = cfg.partition_share(BENCH_PARTITIONS)
    commit_records = opts.commit_records or cfg.commit_records
    options = RocksDBOptions(cache_bytes)
    records = load_enron(opts.corpora, opts.limit, progress=opts.progress)
    prepared = _prepare(records, opts, decay, log)
    from stream.engine import tune_gc

    threshold = tune_gc()  # as the engine runs
    passes: list[_Pass] = []
    try:
        with tempfile.TemporaryDirectory(prefix="mailhawk-state-cost-") as tmp:
            for n in tqdm(range(opts.passes), desc="timed passes", unit=" pass",
                          disable=not opts.progress):
                store_dir = Path(tmp) / f"pass-{n}"
                passes.append(_replay(prepared, store_dir, batch=opts.batch_size,
                                      commit_records=commit_records,
                                      decay=decay, options=options,
                                      cache_entries=cache_entries,
                                      expiry_scan=cfg.expiry_scan_per_message))
                shutil.rmtree(store_dir, ignore_errors=True)
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
    per_pass = [p.us() for p in passes]
    median = {k: statistics.median(u[k] for u in per_pass) for k in per_pass[0]}
    best = min(per_pass, key=lambda u: u["wall"])
    first = passes[0]
    report = {
        "stream": {"source": "enron-ham (normalised headers, date order)",
                   "messages": first.messages,
                   "recipients_per_message": first.recipients / max(1, first.messages),
                   "writes_per_message": first.writes / max(1, first.messages),
                   "suspicious": len(prepared.learn) - sum(prepared.learn),
                   "detectors": opts.detectors},
        "batch_size": opts.batch_size,
        "commit_records": commit_records,
        "passes": opts.passes,
        "target_us": TARGET_US,
        "median_us": median,
        "best_us": best,
        "per_pass_us": per_pass,
        "result": "met" if median["wall"] <= TARGET_US else "not met",
        "environment": {"cpu_model": cpu_model(), "python": platform.python_version(),
                        "state_loops": loops(), "cpus": allowed_cpus(),
                        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")},
    }
    opts.out.mkdir(parents=True, exist_ok=True)
    (opts.out / "state_cost.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    (opts.out / "state_cost.md").write_text(_markdown(report))
    return report


def summary(report: dict[str, Any]) -> Sequence[str]:
    """The lines the CLI prints."""
    m, s = report["median_us"], report["stream"]
    return [
        f"  {s['messages']:,} messages, {s['recipients_per_message']:.2f} recipients/message, "
        f"{s['writes_per_message']:.2f} keys written/message (committed every "
        f"{report.get('commit_records', report['batch_size']):,} records)",
        f"  state cost (median of {report['passes']}): {m['wall']:.1f} µs/msg wall, "
        f"{m['cpu']:.1f} µs/msg CPU (2nd half {m['wall_second_half']:.1f})",
        f"    read {m['read']:.1f} · update {m['update']:.1f} · expiry sweep "
        f"{m['expire']:.1f} · write {m['write']:.1f} µs/msg",
        f"  target ≤ {TARGET_US:g} µs/msg: {report['result']}",
    ]

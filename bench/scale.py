"""``mailhawk bench scale``: how the per-message cost grows with state, and 1 vs 2 workers.

State growth
------------
The state layer is measured alone (no broker, no detectors), the way the engine drives it:
one ``PartitionState`` over one ``RocksDBStore`` with the engine's default cache, block cache
and write buffers, batches of 500 committed as the engine commits, facts from
``state.default_facts_fn()``. There is one store per population (10 thousand → 1 million
senders by default, 10 million with ``--full``). Its
first 20 thousand senders are written through the real path (snapshot, observe, encode,
atomic write), which also creates every domain, person and mailbox profile; the rest are
bulk-loaded as sorted SST files carrying those senders' encoded values (a sender of the
population sent one message to its usual recipient, so its values are a real sender's
values), then the store is compacted. Writing 10 million senders through the write path took
40+ minutes; the bulk load takes about a minute, and what is measured is the same.

Then a few rounds measure every population in turn, each in a fresh process (its RSS is its
own) with a fresh ``PartitionState`` (empty decoded-profile cache): ``measure`` messages from
senders drawn uniformly from the whole population, to their usual recipient, after
``measure / 2`` untimed messages that warm the caches. Uniform draws are the worst case for
the caches (real traffic is heavy-tailed); a heavy-tailed (Zipf 1.1) draw is measured too.
Interleaving the populations spreads the load of other processes on this shared machine over
all of them; the figures are medians over the rounds.

Reported per population: µs per message (wall, and process CPU, which includes RocksDB's
reader threads), split into *read* (prefetch multi-get + snapshot) and *write* (observe +
encode + WriteBatch), the ratio to the smallest population, and the measuring process's RSS
growth next to the configured memory bound (block cache + write buffers + decoded-profile
cache, its entry size measured with tracemalloc).

Workers
-------
The engine and the ceiling each run with 1 then 2 processes on the same stream through the
broker (:func:`bench.run.run_pass`), with the CPU each component used, so the report can say
what bounds the speed-up on this 2-core machine.
"""

from __future__ import annotations

import math
import multiprocessing
import random
import shutil
import statistics
import time
import tracemalloc
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import psutil
from tqdm import tqdm

from bench.run import (
    BenchError,
    Log,
    _broker,
    _stderr,
    analyse_pass,
    environment,
    load_stream,
    run_pass,
)
from schemas import Address, MailRecord
from state import (
    KIND_NAMES,
    Decay,
    MessageFacts,
    PartitionState,
    RocksDBOptions,
    RocksDBStore,
    default_facts_fn,
    make_key,
)
from stream.config import BENCH_PARTITIONS, EngineConfig

__all__ = ["DEFAULT_POPULATIONS", "FULL_POPULATIONS", "ScaleOptions", "run_scale",
           "state_growth"]

DEFAULT_POPULATIONS: Final = (10_000, 100_000, 1_000_000)
FULL_POPULATIONS: Final = (10_000, 100_000, 1_000_000, 10_000_000)
_TENANT: Final = "scale-tenant"
_MAILBOXES: Final = 2_000
_DOMAINS: Final = 20_000
_EPOCH: Final = 1_767_571_200.0
_DAY: Final = 86_400.0
_EXPIRY_SCAN: Final = EngineConfig().expiry_scan_per_message
_COMMIT_RECORDS: Final = EngineConfig().commit_records  # the engine commits this often
_REAL_SENDERS: Final = 20_000  # a multiple of _DOMAINS: see _Templates
_KIND_SENDER: Final = next(k for k, name in KIND_NAMES.items() if name == "sender")
_KIND_PAIR: Final = next(k for k, name in KIND_NAMES.items() if name == "pair")
_DECODED_SAMPLE: Final = 5_000  # senders whose profiles are decoded to size a cache entry


@dataclass(frozen=True)
class ScaleOptions:
    """What ``bench scale`` measures."""

    out: Path
    populations: tuple[int, ...] = DEFAULT_POPULATIONS
    measure: int = 20_000
    batch: int = 500
    rounds: int = 3
    stream: Path | None = None
    workers: bool = True
    partitions: int = 4
    bootstrap_servers: str | None = None
    limit: int | None = None
    fetch_wait_ms: int | None = 10
    progress: bool = True
    plots: bool = True


def _address(sender: int) -> str:
    # Zero-padded so key order is number order: a population grows at the end of the key
    # space, which lets the bulk load write sorted SST files that overlap nothing.
    return f"sender{sender:08d}@d{sender % _DOMAINS}.example"


def _mailbox(sender: int) -> str:
    return f"mailbox{sender % _MAILBOXES}@tenant.example"


def _record(sender: int, t: float, seq: int) -> MailRecord:
    """A message from population member ``sender`` to its usual recipient."""
    return MailRecord(
        message_id=f"<{seq}.{sender}@scale.example>", tenant_id=_TENANT, direction="inbound",
        received_at=t,
        sender=Address(_address(sender), f"Sender {sender % 9973} Person"),
        to=(Address(_mailbox(sender), "Mailbox Owner"),),
        subject="quarterly numbers", text="see attached", client_ip=f"203.0.{(sender >> 8) & 255}"
        f".{sender & 255}")


class _HeavyTail:
    """Population members drawn Zipf-like: rank r with weight ~ 1/r^s.

    numpy's sampler, ranks above the population rejected, ranks scattered over the members by
    a fixed stride so the hot senders are not neighbours in the key space.
    """

    def __init__(self, n: int, s: float, seed: int) -> None:
        self.n = n
        self.s = s
        self.rng = np.random.default_rng(seed)
        self.stride = 2_654_435_761 % n or 1
        while math.gcd(self.stride, n) != 1:
            self.stride += 1

    def draw(self, count: int) -> list[int]:
        out: list[int] = []
        while len(out) < count:
            ranks = self.rng.zipf(self.s, size=2 * count)
            out.extend(int((r - 1) * self.stride % self.n) for r in ranks if r <= self.n)
        return out[:count]


@dataclass
class _Timing:
    messages: int = 0
    read_s: float = 0.0
    write_s: float = 0.0
    wall_s: float = 0.0
    cpu_s: float = 0.0


def _drive(state: PartitionState, senders: Sequence[int], facts_fn: Any, *, batch: int,
           t0: float, seq0: int, offset: int, timing: _Timing | None) -> int:
    """Score ``senders``' messages through the state as the engine does; returns the offset.

    Committed as the engine commits by default: every ``EngineConfig.commit_records``
    records and at the end (``PartitionState.settle`` between).
    """
    commit_every = _COMMIT_RECORDS
    pending = 0
    for start in range(0, len(senders), batch):
        chunk = senders[start:start + batch]
        t = t0 + (seq0 + start) * 0.5
        records = [_record(s, t + k * 0.5, seq0 + start + k) for k, s in enumerate(chunk)]
        facts: list[MessageFacts] = [facts_fn(r) for r in records]
        w0, c0 = time.perf_counter(), time.process_time()
        keys = [state.keys_for(r, f) for r, f in zip(records, facts, strict=True)]
        state.prefetch_messages(keys)
        read = time.perf_counter() - w0
        for r, f, k in zip(records, facts, keys, strict=True):
            r0 = time.perf_counter()
            before = state.snapshot(r, f, k)
            read += time.perf_counter() - r0
            state.observe(r, f, before)
        # The engine's slice of the idle expiry sweep (nothing here is idle: its cost only).
        state.expire_idle(records[-1].received_at, len(chunk) * _EXPIRY_SCAN)
        offset += len(chunk)
        pending += len(chunk)
        if pending >= commit_every or start + batch >= len(senders):
            state.commit(state.changes(), offset, None)
            pending = 0
        else:
            state.settle()
        w1, c1 = time.perf_counter(), time.process_time()
        if timing is not None:
            timing.messages += len(chunk)
            timing.wall_s += w1 - w0
            timing.cpu_s += c1 - c0
            timing.read_s += read
    return offset


def _dir_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _rss() -> int:
    return int(psutil.Process().memory_info().rss)


class _Templates:
    """Encoded sender and pair values of the senders written through the real path.

    A sender of the bulk-loaded population sent one message to its usual recipient, exactly
    like a sender of the real path, so its values are a real sender's values: sender ``s``
    takes those of real sender ``s % len(templates)`` (same domain, since
    ``_REAL_SENDERS`` is a multiple of ``_DOMAINS``). Keys are built with ``make_key`` for
    speed and checked against ``PartitionState.keys_for`` on the sample, so a change of the
    key layout fails here instead of loading keys the engine never reads.
    """

    def __init__(self, store: RocksDBStore, facts_fn: Any, count: int) -> None:
        sender_keys: list[bytes] = []
        pair_keys: list[bytes] = []
        for s in range(count):
            record = _record(s, _EPOCH, 0)
            keys = PartitionState.keys_for(record, facts_fn(record))
            sender_key, pair_key = _sender_key(s), _pair_key(s)
            if (keys.sender, keys.recipients[0][2]) != (sender_key, pair_key):
                raise BenchError("state key layout changed: update bench/scale.py _sender_key "
                                 "and _pair_key")
            sender_keys.append(sender_key)
            pair_keys.append(pair_key)
        self.senders = store.get_many(sender_keys)
        self.pairs = store.get_many(pair_keys)
        if any(v is None for v in self.senders) or any(v is None for v in self.pairs):
            raise BenchError("the real-path senders' profiles are missing from the store")

    def load(self, store: RocksDBStore, first: int, end: int) -> None:
        """Ingest senders ``first``..``end - 1`` (all above the store's senders: key order)."""
        n = len(self.senders)
        # Pair keys sort before sender keys ("P" < "S"); one ingest per kind keeps each
        # file's key range clear of the other kinds, so files land in the bottom level.
        store.ingest_sorted((_pair_key(s), self.pairs[s % n])  # type: ignore[misc]
                            for s in range(first, end))
        store.ingest_sorted((_sender_key(s), self.senders[s % n])  # type: ignore[misc]
                            for s in range(first, end))


def _sender_key(sender: int) -> bytes:
    return make_key(_KIND_SENDER, _TENANT, _address(sender))


def _pair_key(sender: int) -> bytes:
    return make_key(_KIND_PAIR, _TENANT, _address(sender), _mailbox(sender))


def _measure(state: PartitionState, pick: Any, facts_fn: Any, *, measure: int, batch: int,
             seq: int, offset: int, progress: bool, desc: str) -> tuple[_Timing, int, int]:
    """``measure / 2`` untimed messages to warm the caches, then ``measure`` timed ones."""
    offset = _drive(state, pick(measure // 2), facts_fn, batch=batch, t0=_EPOCH + seq * 0.5,
                    seq0=seq, offset=offset, timing=None)
    seq += measure // 2
    timing = _Timing()
    with tqdm(total=measure, desc=desc, unit=" msg", disable=not progress,
              leave=False) as bar:
        for start in range(0, measure, 5_000):
            count = min(5_000, measure - start)
            offset = _drive(state, pick(count), facts_fn, batch=batch,
                            t0=_EPOCH + seq * 0.5, seq0=seq, offset=offset, timing=timing)
            seq += count
            bar.update(count)
    return timing, seq, offset


def _build_store(path: Path, n: int, options: RocksDBOptions, decay: Decay,
                 facts_fn: Any) -> float:
    """A store of ``n`` senders (see the module doc); returns the seconds it took."""
    started = time.perf_counter()
    shutil.rmtree(path, ignore_errors=True)
    store = RocksDBStore(path, options)
    try:
        # The first _REAL_SENDERS senders go through the real write path (snapshot,
        # observe, encode, atomic write): that also creates every domain, person and
        # mailbox profile the population refers to. The rest are bulk-loaded.
        state = PartitionState(store, decay=decay, cache_entries=_REAL_SENDERS * 8)
        real = min(n, _REAL_SENDERS)
        offset = 0
        for first in range(0, real, 5_000):
            offset = _drive(state, range(first, min(first + 5_000, real)), facts_fn,
                            batch=5_000, t0=_EPOCH, seq0=first, offset=offset, timing=None)
        if n > real:
            _Templates(store, facts_fn, real).load(store, real, n)
            store.compact()
    finally:
        store.close()
    return time.perf_counter() - started


def _measure_population(path: Path, n: int, measure: int, batch: int, seq: int,
                        seed: int) -> dict[str, Any]:
    """One population's timings and memory, in a process of its own (see state_growth)."""
    cfg = EngineConfig()
    cache_bytes, cache_entries = cfg.partition_share(BENCH_PARTITIONS)
    options = RocksDBOptions(cache_bytes)
    decay = Decay(cfg.half_life_days * _DAY, cfg.idle_expiry_days * _DAY)
    facts_fn = default_facts_fn()
    from stream.engine import tune_gc

    tune_gc()  # as the engine runs
    rng = random.Random(seed)
    rss_before = _rss()
    store = RocksDBStore(path, options)
    out: dict[str, Any] = {}
    try:
        offset = PartitionState(store).next_offset or 0
        for draw in ("uniform", "zipf"):
            # A fresh PartitionState: an empty decoded-profile cache, as after a restart.
            state = PartitionState(store, decay=decay, cache_entries=cache_entries)
            tail = _HeavyTail(n, 1.1, seed=seed) if draw == "zipf" else None

            def pick(count: int, tail: _HeavyTail | None = tail) -> list[int]:
                if tail is None:
                    return [rng.randrange(n) for _ in range(count)]
                return tail.draw(count)

            timing, seq, offset = _measure(state, pick, facts_fn, measure=measure,
                                           batch=batch, seq=seq, offset=offset,
                                           progress=False, desc="")
            per = 1e6 / max(timing.messages, 1)
            suffix = "" if draw == "uniform" else "_zipf"
            out[f"us_per_msg{suffix}"] = timing.wall_s * per
            out[f"cpu_us_per_msg{suffix}"] = timing.cpu_s * per
            out[f"read_us_per_msg{suffix}"] = timing.read_s * per
            out[f"write_us_per_msg{suffix}"] = (timing.wall_s - timing.read_s) * per
        # Measured with the last PartitionState's decoded cache still full, as in the engine.
        out["rss_mib"] = _rss() / 2**20
        out["rss_growth_mib"] = (_rss() - rss_before) / 2**20
        out["rocksdb_mib"] = {k: round(v / 2**20, 1) for k, v in store.memory_usage().items()}
        del state
    finally:
        store.close()
    return out


def state_growth(populations: Sequence[int], work_dir: Path, *, measure: int = 20_000,
                 batch: int = 500, rounds: int = 3, progress: bool = True,
                 log: Log = _stderr) -> dict[str, Any]:
    """Per-message state cost and process RSS at each population (see the module doc).

    One store per population, then ``rounds`` rounds that measure every population in turn,
    each in a fresh process (so its RSS is its own, not what earlier populations left in the
    allocator); the figures are the median over the rounds. Interleaving the populations
    spreads the load of whatever else runs on the machine over all of them, so the ratios
    compare like with like.
    """
    cfg = EngineConfig()
    cache_bytes, cache_entries = cfg.partition_share(BENCH_PARTITIONS)
    options = RocksDBOptions(cache_bytes)
    decay = Decay(cfg.half_life_days * _DAY, cfg.idle_expiry_days * _DAY)
    facts_fn = default_facts_fn()
    root = work_dir / "state-growth"
    ordered = sorted(populations)
    built: dict[int, dict[str, Any]] = {}
    samples: dict[int, list[dict[str, Any]]] = {n: [] for n in ordered}
    try:
        for n in ordered:
            seconds = _build_store(root / str(n), n, options, decay, facts_fn)
            built[n] = {"populate_s": round(seconds, 1),
                        "store_mib": round(_dir_mib(root / str(n)), 1)}
            log(f"state growth: built {n:,} senders in {seconds:.0f} s "
                f"({built[n]['store_mib']} MiB)")
        entry_bytes = _decoded_entry_bytes(root / str(ordered[-1]), options, facts_fn, decay,
                                           ordered[-1]) if ordered else 0
        spawn = multiprocessing.get_context("spawn")
        with tqdm(total=rounds * len(ordered), desc="measure", unit=" population",
                  disable=not progress, leave=False) as bar:
            for r in range(rounds):
                for n in ordered:
                    # Event time moves on from the population's own messages, round by round.
                    seq = n + r * 3 * measure
                    with ProcessPoolExecutor(1, mp_context=spawn) as pool:
                        sample = pool.submit(_measure_population, root / str(n), n, measure,
                                             batch, seq, 1_000 * r + n % 997).result()
                    samples[n].append(sample)
                    bar.update(1)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    points: list[dict[str, Any]] = []
    for n in ordered:
        if not samples[n]:
            continue
        point: dict[str, Any] = {"population": n, "keys": 2 * n, **built[n]}
        for key in samples[n][0]:
            if key == "rocksdb_mib":
                point[key] = samples[n][-1][key]
            elif key.startswith("rss"):
                point[key] = round(max(s[key] for s in samples[n]), 1)
            else:
                point[key] = round(statistics.median(s[key] for s in samples[n]), 2)
        point["us_per_msg_rounds"] = [round(s["us_per_msg"], 1) for s in samples[n]]
        log(f"state growth: {n:,} senders: {point['us_per_msg']} µs/msg uniform, "
            f"{point['us_per_msg_zipf']} µs/msg heavy-tailed, RSS growth "
            f"{point['rss_growth_mib']} MiB")
        points.append(point)
    if points:
        base, base_z = points[0]["us_per_msg"], points[0]["us_per_msg_zipf"]
        first = samples[points[0]["population"]]
        for p in points:
            p["ratio_to_first"] = round(p["us_per_msg"] / base, 3) if base else None
            p["ratio_to_first_zipf"] = round(p["us_per_msg_zipf"] / base_z, 3) if base_z \
                else None
            # Paired by round: a round measures the populations minutes apart, so the
            # machine's drift over the run (up to 2x here) divides out of each ratio.
            for suffix in ("", "_zipf"):
                key = "us_per_msg" + suffix
                ratios = [s[key] / b[key] for s, b in zip(samples[p["population"]], first,
                                                          strict=True) if b[key]]
                p["ratio_rounds" + suffix] = [round(x, 3) for x in ratios]
                p["ratio_paired" + suffix] = round(statistics.median(ratios), 3) \
                    if ratios else None
    bound = _memory_bound(options, cache_entries, entry_bytes)
    return {
        "method": (f"One RocksDB store per population: the first {_REAL_SENDERS:,} senders "
                   "written through the real write path (snapshot, observe, encode, atomic "
                   "write), the rest bulk-loaded as SST files with those senders' encoded "
                   f"values, then compacted. {rounds} rounds measure every population in "
                   "turn, each in a fresh process with a fresh PartitionState: "
                   f"{measure:,} messages (after {measure // 2:,} untimed) from senders drawn "
                   "uniformly from the whole population (worst case for the caches), then "
                   "again heavy-tailed (Zipf 1.1), through the engine's own calls; figures are "
                   "medians over the rounds, and each ratio to the smallest population also "
                   "the median of its rounds' own ratios (paired: a round's populations are "
                   "measured minutes apart). Read = prefetch multi-get + snapshot; write = "
                   "observe + encode + atomic RocksDB write. One partition's share of the "
                   f"engine's default memory when it owns {BENCH_PARTITIONS}: decoded-profile "
                   f"cache {cache_entries:,} entries, block cache {cache_bytes >> 20} "
                   f"MiB, write buffer {options.write_buffer_bytes >> 20} MiB × "
                   f"{options.max_write_buffers}, batches of {batch}. RSS growth is the "
                   "measuring process's resident set after measuring minus before opening "
                   "the store (the largest over the rounds)."),
        "measure": measure,
        "batch": batch,
        "rounds": rounds,
        "memory_bound_mib": bound,
        "points": points,
    }


def _decoded_entry_bytes(path: Path, options: RocksDBOptions, facts_fn: Any, decay: Decay,
                         senders: int) -> int:
    """Python memory one entry of the decoded-profile cache holds (key, profile, slot).

    Measured rather than assumed, because the profile layout changes: the profiles of up
    to ``_DECODED_SAMPLE`` senders of the store and their pairs, domains, people and
    mailboxes are prefetched into a fresh ``PartitionState`` under tracemalloc, and what
    stays allocated afterwards is divided by the number of keys. tracemalloc sees what
    Python asked for, not the allocator's slack, so RSS runs somewhat above this.
    """
    keys: set[bytes] = set()
    for s in range(min(senders, _DECODED_SAMPLE)):
        record = _record(s, _EPOCH, 0)
        keys.update(PartitionState.keys_for(record, facts_fn(record)).all())
    store = RocksDBStore(path, options)
    try:
        state = PartitionState(store, decay=decay, cache_entries=len(keys) + 1)
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            state.prefetch(list(keys))
            after = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
    finally:
        store.close()
    return max(0, after - before) // len(keys)


def _memory_bound(options: RocksDBOptions, cache_entries: int,
                  entry_bytes: int) -> dict[str, float]:
    """The configured memory of one partition: what RSS growth must stay under."""
    rocks = options.bound_bytes() / 2**20
    decoded = cache_entries * entry_bytes / 2**20
    return {"rocksdb": round(rocks, 1), "decoded_profiles": round(decoded, 1),
            "decoded_entry_bytes": entry_bytes, "total": round(rocks + decoded, 1)}


def _workers(opts: ScaleOptions, work: Path, log: Log) -> dict[str, Any]:
    if opts.stream is None:
        raise BenchError("no stream for the workers sweep")
    data = load_stream(opts.stream, opts.limit, progress=opts.progress)
    runs: dict[str, dict[str, Any]] = {}
    timeout = 120.0 + len(data) / 250.0
    with _broker(opts.bootstrap_servers, opts.out) as broker:
        for kind in ("ceiling", "engine"):
            for k in (1, 2):
                name = f"{kind}_{k}"
                result = run_pass(name, kind, data, bootstrap=broker.bootstrap_servers,
                                  broker_pid=broker.pid, workers=k, partitions=opts.partitions,
                                  rate=None, work_dir=work, fetch_wait_ms=opts.fetch_wait_ms,
                                  timeout=timeout, progress=opts.progress, log=log)
                summary, _ = analyse_pass(result, data)
                for bulky in ("latency_cdf_ms",):
                    summary.pop(bulky, None)
                runs[name] = summary
                if summary["status"] == "ok":
                    log(f"[{name}] {summary['throughput_msg_s']:,.0f} msg/s")
                else:
                    log(f"[{name}] {summary['status']}")
    balance = (runs.get("engine_2", {}).get("stages") or {}).get("records_per_engine")
    return {
        "method": (f"The same {len(data):,}-message stream through the ceiling and the engine "
                   f"with 1 then 2 processes, {opts.partitions} partitions keyed by tenant, "
                   "replayed as fast as possible; CPU per component measured over each "
                   "pass."),
        "stream": data.summary(),
        "runs": runs,
        "records_per_engine_with_2": balance,
        "explanation": _explain(runs, balance),
    }


def _explain(runs: dict[str, dict[str, Any]], balance: list[int] | None) -> str:
    e1, e2 = runs.get("engine_1", {}), runs.get("engine_2", {})
    cpu1, cpu2 = e1.get("cpu") or {}, e2.get("cpu") or {}
    if not cpu1 or not cpu2:
        return "Not enough measurements to explain the speed-up."
    cores = cpu2.get("cores", 2)
    parts = [f"On {cores} cores shared by the engines, the broker and the harness: with one "
             f"engine the machine was {100 * cpu1['machine_busy_fraction']:.0f}% busy "
             f"(engine {cpu1['pipeline_cores']:.2f} cores, broker "
             f"{cpu1.get('broker_cores') or 0:.2f}, harness {cpu1['harness_cores']:.2f}); with "
             f"two, {100 * cpu2['machine_busy_fraction']:.0f}% (engines "
             f"{cpu2['pipeline_cores']:.2f}, broker {cpu2.get('broker_cores') or 0:.2f}, "
             f"harness {cpu2['harness_cores']:.2f})."]
    other = max(cpu1.get("other_cores") or 0.0, cpu2.get("other_cores") or 0.0)
    if other > 0.25:
        parts.append(f"Other processes took up to {other:.2f} cores during these passes: the "
                     "engines could not have a core each, so this speed-up says more about "
                     "that contention than about the engine; measure again on a quiet "
                     "machine.")
    spare = cores - (cpu1.get("broker_cores") or 0) - cpu1["harness_cores"] - other
    parts.append(f"What is left for engines after the broker, the harness and other processes "
                 f"at one engine's rate is about {spare:.2f} cores, and the broker's share "
                 "grows with the rate, so two engines cannot reach 2× here; on a host where "
                 "the broker and the producers live elsewhere, each engine process would have "
                 "its own core.")
    per = cpu2.get("per_process_cores") or []
    if per:
        parts.append("With two, the engines used " + " and ".join(f"{c:.2f}" for c in per)
                     + " cores each.")
    if balance and len(balance) == 2 and sum(balance):
        share = max(balance) / sum(balance)
        parts.append(f"Partition balance: the two engines processed {balance[0]:,} and "
                     f"{balance[1]:,} records (the busier one {100 * share:.0f}%); partitions "
                     "are keyed by tenant, so a stream with few tenants cannot split evenly, "
                     f"which alone caps the speed-up at {1 / share:.2f}×.")
    return " ".join(parts)


def run_scale(opts: ScaleOptions, *, log: Log = _stderr) -> dict[str, Any]:
    """Run the state-growth sweep and the workers sweep; write the report into ``opts.out``."""
    from bench.report import write_report

    out = opts.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = out / "work"
    started = time.time()
    report: dict[str, Any] = {
        "kind": "scale",
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "environment": environment(),
        "state_growth": state_growth(opts.populations, work, measure=opts.measure,
                                     batch=opts.batch, rounds=opts.rounds,
                                     progress=opts.progress, log=log),
    }
    if opts.workers and opts.stream is not None:
        report["workers"] = _workers(opts, work, log)
    else:
        report["workers"] = {"skipped": "no --stream given" if opts.workers
                             else "--no-workers given"}
    report["wall_s"] = round(time.time() - started, 1)
    write_report(report, out, plots=opts.plots)
    return report

"""The streaming engine: consume mail, score it against per-tenant state, publish verdicts.

One readable loop (``Engine.run``): poll a batch → decode → score per partition → produce
verdicts; every few batches, checkpoint (``Engine._commit``). Collaborators are built in the
constructor and entered through one ExitStack. The first SIGINT/SIGTERM drains the batch in
flight, commits and stops; a second one exits at once.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from confluent_kafka import Consumer, Message, TopicPartition
from prometheus_client import CollectorRegistry

from detectors import Cascade
from detectors.domains import registrable_domain
from detectors.names import name_key
from detectors.rules.held import HeldCampaign
from schemas import (
    ACTIONS,
    DeadLetter,
    DirectoryEntry,
    MailRecord,
    SchemaError,
    SourcePosition,
    Verdict,
    decode_directory,
    decode_mail,
    encode_verdict,
)
from schemas.records import ERASURE_KINDS, decoder
from state import (
    FUTURE_SKEW,
    SET_ASIDE,
    PartitionState,
    RocksDBOptions,
    RocksDBStore,
    SharedMemory,
    StoreCorruptError,
    redate_future_mail,
)
from stream.changelog import Restorer, RestoreResult, produce_batch
from stream.config import EngineConfig
from stream.errors import KafkaError, failure_site
from stream.kafka import (
    LatchingProducer,
    check_dead_letter_room,
    consumer_config,
    ensure_topics,
    position,
    producer_config,
    restore_consumer_config,
)
from stream.metrics import DETECTION_FAILED, BatchTally, EngineMetrics, Health, serve

log = logging.getLogger("mailhawk.engine")

_RULE_LISTS: Final = ("blocked", "allowed", "simulations", "blocked_links", "blocked_files")
"""The ``list`` label of ``mailhawk_policy_all_tenants_rules``."""
RECENT_IDS: Final = 2_000
"""Records per partition whose message ids a repeat is counted against (~0.4 MB): a
producer retries within seconds."""
_FLUSH_WHEN_IDLE_S: Final = 1.0
"""A pause in traffic this long after a write flushes the stores (``Engine._flush_state``)."""


def tune_gc() -> tuple[int, int, int]:
    """The engine's collector settings: collect, freeze what is alive, collect rarely.

    Returns the thresholds before. The benches call it too, so they measure what runs.
    """
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    return thresholds


@contextlib.contextmanager
def _rare_gc() -> Iterator[None]:
    """Make the cyclic garbage collector rare while the engine runs (:func:`tune_gc`).

    The profile cache holds hundreds of thousands of small acyclic objects; with the default
    thresholds every few thousand allocations walk them all (measured: state cost 60 → 42 µs
    per message). Objects alive at start-up (modules, models) are frozen out of collection.
    Undone when the engine stops, for a process that goes on (tests, an embedding service).
    """
    thresholds = tune_gc()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def sweep_clock(newest: float, wall: float) -> float:
    """The time the expiry sweep judges idleness at: the batch's newest mail time.

    Bounded by the wall clock plus a day: one record dated years ahead (a broken upstream
    clock) would otherwise make the sweep delete every profile as idle. Replayed old mail
    stays on its own timeline (its times are below the wall clock).
    """
    return min(newest, wall + FUTURE_SKEW)  # the bound of mail's own times (redate_future_mail)


@dataclass
class _Partition:
    number: int
    state: PartitionState
    next_offset: int  # the first input offset not scored yet
    # Since the last commit: the first input offset scored, and whether the state changed.
    first_uncommitted: int | None = None
    dirty: bool = False
    # (tenant, message id) → offset of the partition's last RECENT_IDS records scored here,
    # oldest first: what ``mailhawk_repeated_message_ids_total`` counts against.
    recent_ids: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass
class _Restoring:
    """A partition paused while its changelog is restored into ``state``."""

    number: int
    state: PartitionState
    # First offset per topic of records fetched before the pause took effect and dropped:
    # the resume seeks back to them, so nothing fetched early is lost.
    dropped: dict[str, int] = field(default_factory=dict)


class Engine:
    """Runs the commit protocol of DESIGN.md for every assigned input partition."""

    def __init__(self, config: EngineConfig, *, cascade: Cascade | None = None,
                 registry: CollectorRegistry | None = None) -> None:
        self.config = config
        self.registry = registry or CollectorRegistry()
        self.metrics = EngineMetrics.create(self.registry)
        self.health = Health(self.metrics.ready)
        self.cascade = cascade or Cascade.from_config(config.scores, config.artifact,
                                                      config.shadow_artifact)
        self.metrics.model_info.labels(self.cascade.model_version,
                                       self.cascade.rules_version).set(1)
        shadow = self.cascade.shadow
        if shadow is not None:
            self.metrics.shadow_model_info.labels(shadow.model_version).set(1)
            for action in ACTIONS:  # every cell of the matrix from 0, so rates see the first
                for shadow_action in ACTIONS:
                    self.metrics.shadow_actions.labels(action, shadow_action,
                                                       shadow.model_version)
            log.info("shadow model %s scores every message next to %s; verdicts carry what "
                     "it would decide, nothing acts on it", shadow.model_version,
                     self.cascade.model_version)
        if decoder() == "python":
            log.warning("schemas/_decode.c was not built: records are decoded in Python (same "
                        "records, ~2x slower); reinstall mailhawk where a C compiler and the "
                        "Python headers are present")
        self.decay = config.decay
        self.store_options = RocksDBOptions(write_ahead_log=config.state_wal)
        self.shared_memory = SharedMemory(config.block_cache_mb << 20,
                                          config.write_buffer_mb << 20)
        self.metrics.state_memory_budget.labels("block_cache").set(config.block_cache_mb << 20)
        self.metrics.state_memory_budget.labels("write_buffers").set(
            config.write_buffer_mb << 20)
        self.metrics.state_cache_budget.set(config.cache_entries)
        # Written and not yet flushed since (monotonic), and the last write: see _flush_state.
        self._unflushed_since: float | None = None
        self._last_write = 0.0
        # Scored since the last commit (see _commit): records, since when, directory offsets.
        self._uncommitted = 0
        self._uncommitted_since: float | None = None
        self._directory_offsets: dict[int, int] = {}
        self._stop = threading.Event()
        self._partitions: dict[int, _Partition] = {}
        self._restoring: dict[int, _Restoring] = {}
        self._assigned: set[int] = set()
        self._cooperative = "cooperative" in str(
            consumer_config(config).get("partition.assignment.strategy", ""))
        self._consumer: Consumer | None = None
        self._restorer: Restorer | None = None
        self._producer: LatchingProducer | None = None
        self._last_gauges = 0.0
        self.processed = 0

    # ------------------------------------------------------------------ lifecycle

    def stop(self) -> None:
        """Ask the loop to finish the batch in flight and return."""
        self._stop.set()

    @contextlib.contextmanager
    def _signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def handler(signum: int, _frame: Any) -> None:
            if self._stop.is_set():
                log.warning("second signal: exiting without draining")
                os._exit(130)
            log.info("signal %s: draining the batch in flight, then stopping", signum)
            self._stop.set()

        previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for s, h in previous.items():
                signal.signal(s, h)

    def run(self, *, max_idle_s: float | None = None,
            on_batch: Callable[[int], None] | None = None) -> None:
        """Consume until stopped (or idle for ``max_idle_s`` seconds, for replays)."""
        cfg = self.config
        with contextlib.ExitStack() as stack:
            stack.enter_context(_rare_gc())
            stack.enter_context(self._signals())
            if cfg.metrics_port >= 0:
                server = serve(self.registry, self.health, cfg.metrics_host, cfg.metrics_port)
                stack.callback(server.shutdown)
                self.metrics_port = server.server_address[1]
            if cfg.create_topics:
                ensure_topics(cfg)
            check_dead_letter_room(cfg.bootstrap_servers, cfg.kafka_extra,
                                   [cfg.input_topic, *filter(None, [cfg.directory_topic])],
                                   cfg.dead_letter_topic)
            self._producer = LatchingProducer(producer_config(cfg))
            stack.callback(self._producer.close)
            restore_consumer = Consumer(restore_consumer_config(cfg))
            stack.callback(restore_consumer.close)
            self._restorer = Restorer(restore_consumer, cfg.changelog_topic)
            self._consumer = Consumer(consumer_config(cfg))
            stack.callback(self._close_consumer)
            stack.callback(self._close_partitions)
            topics = [cfg.input_topic] + ([cfg.directory_topic] if cfg.directory_topic else [])
            self._consumer.subscribe(topics, on_assign=self._on_assign,
                                     on_revoke=self._on_revoke, on_lost=self._on_lost)
            self.health.set_ready(False, "waiting for partition assignment")
            idle_since = time.monotonic()
            while not self._stop.is_set():
                self._sync_assignment()
                self._restore_step()
                messages = self._next_batch()
                if messages:
                    self.process(messages)
                    idle_since = time.monotonic()
                    if on_batch:
                        on_batch(len(messages))
                elif any(p.state.erasing for p in self._partitions.values()):
                    self.process([])  # a tenant erasure goes on while its partition is quiet
                    self._commit()
                else:
                    # A pause in traffic commits once the interval is up, not at each empty
                    # poll: a trickle with gaps would otherwise commit every batch.
                    if self._commit_due():
                        self._commit()
                    self._producer.poll(0)
                    if max_idle_s is not None and time.monotonic() - idle_since > max_idle_s:
                        break
                self._flush_state()
                self._update_gauges()
            self._commit()  # stopping: what was scored is kept, not scored again
            log.info("stopped after %d records", self.processed)

    def _flush_state(self) -> None:
        """Flush the stores' write buffers once traffic pauses, and at least every so often.

        Without the write-ahead log (``RocksDBOptions.write_ahead_log``) what a crash loses
        here is restored from the changelog at the next assignment, and a reader of the
        stores (``mailhawk state show``) sees them as of their last flush. So the stores are
        flushed when no record arrived for ``_FLUSH_WHEN_IDLE_S`` after a write, and under
        steady traffic every ``state_flush_seconds``: that bounds both the changelog tail a
        restart replays and how stale a reader's view is. A flush writes the write buffer as
        one small table file; flushing after every batch would make thousands an hour for
        compaction to merge, which is what the WAL-less write saves. Under traffic the flush
        runs in RocksDB's background threads (writing a full 16 MiB buffer would stall the
        batches behind it); in a pause the loop waits for it, so a reader finds it done.
        """
        since = self._unflushed_since
        if since is None:
            return
        now = time.monotonic()
        idle = now - self._last_write >= _FLUSH_WHEN_IDLE_S
        if not idle and now - since < self.config.state_flush_seconds:
            return
        t0 = time.perf_counter()
        for part in self._partitions.values():
            part.state.store.flush(wait=idle)
        self._unflushed_since = None
        self.metrics.unflushed_batches.set(0)
        self.metrics.stage_seconds.labels("flush").inc(time.perf_counter() - t0)

    def _next_batch(self) -> list[Message]:
        """Block for the first record only, then take whatever else is already fetched.

        ``consume(n, timeout)`` waits for n records or the whole timeout, so under light load
        every verdict would wait ``batch_timeout_s``; under load the fetched queue fills the
        batch anyway.
        """
        assert self._consumer is not None
        # While every assigned partition is restoring there is nothing to wait for here;
        # the restore step did the waiting.
        wait = self.config.batch_timeout_s if self._partitions or not self._restoring else 0
        first = self._consumer.poll(wait)
        if first is None:
            return []
        rest = self._consumer.consume(self.config.batch_size - 1, 0)
        return [first, *rest]

    def _close_consumer(self) -> None:
        if self._consumer is not None:
            self._consumer.close()

    def _close_partitions(self) -> None:
        # After a clean stop everything is committed; after a failure what is not stays
        # uncommitted (scored again), and the consumer's closing revoke must not commit it.
        self._rollback()
        parts: list[_Partition | _Restoring] = [*self._partitions.values(),
                                                *self._restoring.values()]
        for part in parts:
            part.state.store.close()
        self._partitions.clear()
        self._restoring.clear()

    @property
    def restoring(self) -> frozenset[int]:
        """Input partitions assigned here whose state is still being restored (paused)."""
        return frozenset(self._restoring)

    # ------------------------------------------------------------------ rebalance

    def _on_assign(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """Record the assignment and pause every partition without ready state.

        Cheap by design: stores open and changelogs restore in the main loop, a chunk per
        turn, while the other partitions keep flowing. The pause must hold from the first
        fetch, so the assignment is applied here (as librdkafka would right after this
        callback) and then paused.
        """
        self._assigned.update(tp.partition for tp in partitions
                              if tp.topic == self.config.input_topic)
        waiting = [tp for tp in partitions if tp.partition not in self._partitions]
        if waiting:
            if self._cooperative:
                consumer.incremental_assign(partitions)
            else:
                consumer.assign(partitions)
            consumer.pause(waiting)

    def _on_revoke(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        # Still the owner: what was scored is committed before the next owner starts from
        # the committed offsets (else it would score those records again).
        self._commit(wait=True)
        self._assigned.difference_update(tp.partition for tp in partitions
                                         if tp.topic == self.config.input_topic)

    def _on_lost(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """Partitions taken away without a revoke (this engine was fenced out of the group).

        Their uncommitted changes are dropped, not written: another engine may own them
        already, and a changelog record from here would race its. The new owner scores
        those records again from the committed offsets.
        """
        lost = {tp.partition for tp in partitions if tp.topic == self.config.input_topic}
        for number in lost & set(self._partitions):
            self._forget_uncommitted(self._partitions[number])
            self._directory_offsets.pop(number, None)
        self._assigned.difference_update(lost)

    def _sync_assignment(self) -> None:
        """Apply what the rebalance callbacks recorded: close, abandon, start restores."""
        assert self._restorer is not None
        for number in list(self._partitions):
            if number not in self._assigned:
                self._partitions.pop(number).state.store.close()
                with contextlib.suppress(KeyError):
                    self.metrics.consumer_lag.remove(str(number))
                for name in _RULE_LISTS:
                    with contextlib.suppress(KeyError):
                        self.metrics.all_tenants_rules.remove(str(number), name)
        for number in list(self._restoring):
            if number not in self._assigned:
                # Revoked mid-restore: the store holds whole batches up to its checkpoint,
                # so the next owner (or this worker, later) resumes from there.
                self._restorer.abandon(number)
                self._restoring.pop(number).state.store.close()
                log.info("partition %d revoked during its restore; restore abandoned", number)
        for number in sorted(self._assigned - set(self._partitions) - set(self._restoring)):
            self._begin_restore(number)
        self._share_memory()
        self._update_health()

    def _owned(self) -> list[PartitionState]:
        return [p.state for p in self._partitions.values()] + \
            [r.state for r in self._restoring.values()]

    def _share_memory(self) -> None:
        """Split the decoded-profile cache evenly over the partitions owned now.

        RocksDB's block cache and write buffers are shared as they are (``SharedMemory``);
        the decoded profiles are per partition state, so each gets ``cache_entries`` ÷ the
        partitions owned, and a state over its new share shrinks at its next commit.
        """
        owned = self._owned()
        share = self.config.partition_share(len(owned))[1]
        for state in owned:
            state.cache_entries = share

    def _update_health(self) -> None:
        """Ready when partitions are assigned and none is restoring (its records wait)."""
        self.metrics.assigned_partitions.set(len(self._partitions) + len(self._restoring))
        if self._restoring:
            self.health.set_ready(False, "restoring partitions "
                                  + ", ".join(map(str, sorted(self._restoring))))
        elif self._partitions:
            self.health.set_ready(True)
        else:
            self.health.set_ready(False, "no partitions assigned")

    def _begin_restore(self, number: int) -> None:
        """Open the partition's store and start bringing it up to the changelog's end."""
        cfg = self.config
        assert self._restorer is not None
        path = Path(cfg.state_dir) / f"{cfg.input_topic}-{number}"
        try:
            store = RocksDBStore(path, self.store_options, shared=self.shared_memory)
        except StoreCorruptError as exc:  # not another process on the folder, a full disk
            store = self._reopen_corrupt(number, path, exc)
        # Its share of the decoded-profile cache: set with the others' by _share_memory,
        # which _sync_assignment calls next (a share applies at commits only).
        state = PartitionState(store, decay=self.decay)
        self._restoring[number] = _Restoring(number, state)
        self._restorer.begin(number, state)

    def _reopen_corrupt(self, number: int, path: Path, exc: StoreCorruptError) -> RocksDBStore:
        """A fresh store for a partition whose store RocksDB found corrupt; the old one kept.

        The changelog is the state's copy (DESIGN.md): restored from it, the partition gets
        the state it had at its last delivered batch and the input offsets with it, as a
        worker on an empty disk does. Refusing to start instead would stop every partition
        of this engine, at every restart, until someone deleted the folder by hand. The
        corrupt folder is renamed beside it, for whoever wants to know what happened.
        """
        aside = path.with_name(f"{path.name}{SET_ASIDE}{time.strftime('%Y%m%dT%H%M%S')}")
        path.rename(aside)
        self.metrics.corrupt_stores.inc()
        log.error("partition %d: its state store is corrupt (%s); set aside as %s, the "
                  "partition is restored from the changelog", number, exc.__cause__, aside)
        return RocksDBStore(path, self.store_options, shared=self.shared_memory)

    def _restore_step(self) -> None:
        """One bounded chunk of changelog for the restoring partitions; resume finished ones."""
        if not self._restoring:
            return
        assert self._restorer is not None
        wait = 0.0 if self._partitions else self.config.batch_timeout_s
        for number, result in self._restorer.step(self.config.restore_chunk_records,
                                                  wait).items():
            self._finish_restore(self._restoring.pop(number), result)
        self._update_health()

    def _finish_restore(self, restoring: _Restoring, result: RestoreResult) -> None:
        """Make the partition ready and resume it at the restored next offset."""
        cfg = self.config
        assert self._consumer is not None
        number, state = restoring.number, restoring.state
        if result.records:
            log.info("partition %d: restored %d changelog records (%d batches) in %.1f s",
                     number, result.records, result.batches, result.seconds)
            self.metrics.restored_records.inc(result.records)
        if result.orphan_keys:
            state.add_repair(result.orphan_keys)
        self._partitions[number] = _Partition(number, state, state.next_offset or 0)
        self._count_rules(number, state)
        topics = [cfg.input_topic] + ([cfg.directory_topic] if cfg.directory_topic else [])
        for topic in topics:
            target = restoring.dropped.get(topic)
            if topic == cfg.input_topic and state.next_offset is not None:
                target = state.next_offset
            if target is not None:
                self._consumer.seek(TopicPartition(topic, number, target))
        self._consumer.resume([TopicPartition(topic, number) for topic in topics])

    # ------------------------------------------------------------------ the batch

    def process(self, messages: list[Message]) -> None:
        """Process one consumed batch, following the commit protocol.

        Step 1. Decode every record; undecodable ones become dead letters. Records below the
                partition's stored next offset are skipped (their verdict was delivered and
                their state applied before a crash).
        Step 2. Score each partition's records against its state as it was before each
                record (read-your-writes within the batch).
        Step 3. Produce verdicts and dead letters.
        Steps 4–6 (``_commit``, when due) produce the changelog, write the state with the
        next offsets and commit the consumer offsets.
        """
        started = time.perf_counter()
        cfg = self.config
        producer = self._producer
        assert producer is not None and self._consumer is not None
        # Step 1
        by_partition: dict[int, list[tuple[Message, MailRecord]]] = {}
        letters: list[DeadLetter] = []
        last_offset: dict[int, int] = {}
        first_offset: dict[int, int] = {}
        directory: dict[int, list[DirectoryEntry]] = {}
        directory_offsets: dict[int, int] = {}
        t_decode = time.perf_counter()
        for msg in messages:
            err = msg.error()
            if err is not None:
                if err.fatal():
                    raise KafkaError.from_confluent(err, "consume")
                log.warning("consumer: %s", err.str())
                continue
            topic, number, offset = position(msg)
            part = self._partitions.get(number)
            if part is None:
                # Revoked while fetched (the new owner processes it), or fetched before its
                # pause took effect: the end of its restore seeks back to it.
                restoring = self._restoring.get(number)
                if restoring is not None:
                    restoring.dropped.setdefault(topic, offset)
                continue
            if topic != cfg.input_topic:  # the directory: idempotent upserts
                directory_offsets[number] = offset
                try:
                    directory.setdefault(number, []).append(decode_directory(msg.value()))
                except SchemaError as exc:
                    letters.append(DeadLetter(msg.value() or b"", msg.key(), topic,
                                              number, offset, exc.kind, str(exc), exc.field,
                                              time.time()))
                continue
            if offset < part.next_offset:
                self.metrics.skipped_replayed.inc()
                continue
            first_offset.setdefault(number, offset)
            last_offset[number] = offset
            raw = msg.value()
            try:
                record = decode_mail(raw, cfg.max_record_bytes)
            except SchemaError as exc:
                letters.append(DeadLetter(raw or b"", msg.key(), topic, number, offset,
                                          exc.kind, str(exc), exc.field, time.time()))
                continue
            self._note_message_id(part, record, offset)
            by_partition.setdefault(number, []).append((msg, record))
        future = redate_future_mail(
            (record for items in by_partition.values() for _, record in items), time.time())
        if future:
            self.metrics.future_dated.inc(future)
        self.metrics.stage_seconds.labels("decode").inc(time.perf_counter() - t_decode)
        # Partitions with a tenant erasure in progress take part even without records: its
        # next chunk goes with this batch (see PartitionState.erase_tenant).
        erasing = {n for n, p in self._partitions.items() if p.state.erasing}
        touched = sorted(set(last_offset) | set(directory) | erasing)
        if not touched and not letters:
            return
        # Input and directory records apart: a directory sync produces no verdicts, and
        # counted as input it would look like a stalled engine.
        directory_letters = sum(letter.topic != cfg.input_topic for letter in letters)
        self.metrics.records_in.inc(sum(len(v) for v in by_partition.values()) + len(letters)
                                    - directory_letters)
        self.metrics.directory_records.inc(sum(len(v) for v in directory.values())
                                           + directory_letters)
        for number, entries in directory.items():
            state = self._partitions[number].state
            for entry in entries:
                if entry.kind in ERASURE_KINDS:
                    self._erase(number, state, entry)
                    continue
                if entry.kind == "reported_message":  # a fingerprint: detection's to file
                    HeldCampaign.file_report(state, entry)
                    continue
                state.apply_directory(entry, display_key=name_key(entry.display_name),
                                      domain=registrable_domain(
                                          entry.domain or entry.address.rpartition("@")[2]))
        # Step 2
        tally = BatchTally()
        failed: dict[int, dict[int, Exception]] = {}

        def on_failure(slice_index: int, index: int, exc: Exception) -> None:
            failed.setdefault(touched[slice_index], {})[index] = exc

        try:
            # One model call for every partition's messages (``Cascade.score_batches``).
            scored = self.cascade.score_batches([
                (self._partitions[number].state, [r for _, r in by_partition.get(number, [])])
                for number in touched], on_failure=on_failure)
            for number, decisions in zip(touched, scored, strict=True):
                part = self._partitions[number]
                items = by_partition.get(number, [])
                if number in failed:
                    items = self._set_aside(items, failed[number], letters)
                t_produce = time.perf_counter()
                verdicts = []
                for (msg, record), decision in zip(items, decisions, strict=True):
                    verdict = self._verdict(msg, record, decision)
                    verdicts.append((record.tenant_id.encode(), encode_verdict(verdict)))
                    tally.add(record, verdict.action, verdict.attack_type, verdict.decided_by,
                              decision.hits, decision.model_score, verdict.shadow)
                producer.produce_many(cfg.verdict_topic, verdicts, -1, ())
                if items:
                    self._expire(part.state, items)
                if part.state.erasing:
                    self.metrics.erased_keys.inc(
                        part.state.continue_erasures(cfg.erase_chunk_keys))
                part.state.settle()
                part.dirty = True
                if number in last_offset:
                    if part.first_uncommitted is None:
                        part.first_uncommitted = first_offset[number]
                    part.next_offset = last_offset[number] + 1
                self.metrics.stage_seconds.labels("produce").inc(
                    time.perf_counter() - t_produce)
            for letter in letters:
                producer.produce(cfg.dead_letter_topic, letter.original, key=letter.key,
                                 headers=letter.headers())
                self.metrics.dead_letters.labels(letter.error_kind).inc()
                # Kind and field only: the reason's text may quote the record (a value of
                # the field, an exception's message); it is in the dead letter's headers.
                log.warning("dead letter %s[%d]@%d: %s%s", letter.topic, letter.partition,
                            letter.offset, letter.error_kind,
                            f" (field {letter.field})" if letter.field else "")
            producer.poll(0)  # delivery callbacks; a failed delivery raises at the next produce
        except BaseException:
            self._rollback()
            raise
        for stage, seconds in self.cascade.times.reset().items():
            self.metrics.stage_seconds.labels(stage).inc(seconds)
        if self.cascade.shadow_failures:
            self.metrics.shadow_failures.inc(self.cascade.shadow_failures)
            self.cascade.shadow_failures = 0
        self._directory_offsets.update(directory_offsets)
        for number in directory:
            self._count_rules(number, self._partitions[number].state)
        self._uncommitted += len(messages)
        if self._uncommitted_since is None:
            self._uncommitted_since = time.monotonic()
        self.metrics.uncommitted_records.set(self._uncommitted)
        if self._commit_due():  # inside the batch's time: its stages add up to the batch
            self._commit()
        tally.publish(self.metrics)
        self.metrics.erasures_in_progress.set(sum(
            len(p.state.tenants_being_erased) for p in self._partitions.values()))
        if messages:
            self.metrics.batch_size.observe(len(messages))
            self.metrics.batch_seconds.observe(time.perf_counter() - started)
        self.processed += len(messages)

    def _note_message_id(self, part: _Partition, record: MailRecord, offset: int) -> None:
        """Count a record whose tenant and message id another recent record carried.

        Both are scored: the second against the state the first taught, so its verdict can
        differ (a held attack repeated right after itself was allowed or only warned 15
        times in 646 on the corpus stream), and a sender can give any message another's
        Message-ID. Which is why a verdict names its record's position (``source``), and
        downstream identifies a message by that, never by the message id alone (deploy
        README). The same offset again (a batch scored after a rollback) is no repeat.
        """
        key = (record.tenant_id, record.message_id)
        seen = part.recent_ids
        before = seen.pop(key, offset)
        if before != offset:
            self.metrics.repeated_message_ids.inc()
        seen[key] = offset
        if len(seen) > RECENT_IDS:
            del seen[next(iter(seen))]

    def _commit_due(self) -> bool:
        since = self._uncommitted_since
        return since is not None and (self._uncommitted >= self.config.commit_records or
                                      time.monotonic() - since >= self.config.commit_interval_s)

    def _commit(self, *, wait: bool = False) -> None:
        """Make every batch scored since the last commit durable: steps 4–6 of the protocol.

        Step 4. Wait for the delivery of the verdicts of the batches scored since; then
                produce each changed partition's changelog records (the last value of each
                changed key, then the marker with the next offset) and wait for theirs.
        Step 5. Write the state changes and the next offsets in one RocksDB write.
        Step 6. Commit the consumer offsets (``wait``: before returning, as a revoke needs).

        Verdicts go out with their scoring batch; the state is committed every
        ``commit_records`` records or ``commit_interval_s`` seconds (traffic or not), after
        each step of a tenant erasure, before a revoke and at stop. A key changed by several
        batches is encoded, written and sent to the changelog once (Enron's stream, batches
        of 500: 6.6 keys written a message committed every batch, 4.1 every 5,000 records;
        README, decisions). A crash scores the records since the last commit again against
        the same prior state, so their verdicts come out again identical, as a crash between
        delivery and write always did; ``mailhawk_uncommitted_records`` shows how many.
        """
        dirty = [p for p in self._partitions.values() if p.dirty]
        if not dirty and not self._directory_offsets:
            self._uncommitted, self._uncommitted_since = 0, None
            return
        cfg, producer, consumer = self.config, self._producer, self._consumer
        assert producer is not None and consumer is not None
        t_commit = time.perf_counter()
        changes: dict[int, dict[bytes, bytes | None]] = {}
        try:
            # The verdicts first, delivered. A marker says "every record before N has its
            # verdict"; one that reached the broker before a verdict it covers (another
            # topic: no order between them) and a kill in between left a restore from the
            # changelog skipping that record, its verdict never sent: one batch of 2,000
            # records of the kill -9 test, about one run in fifteen. Most verdicts went out
            # with their batch, so this wait is short.
            producer.flush(60)
            for part in dirty:
                changes[part.number] = part.state.changes()
                first = part.next_offset if part.first_uncommitted is None \
                    else part.first_uncommitted
                produce_batch(producer, cfg.changelog_topic, part.number,
                              f"{first}-{part.next_offset}".encode(), changes[part.number],
                              part.next_offset)
            producer.flush(60)
        except BaseException:
            self._rollback()
            raise
        self.metrics.stage_seconds.labels("produce").inc(time.perf_counter() - t_commit)
        t_write = time.perf_counter()
        commits = []
        for part in dirty:
            changelog_offset = producer.last_offsets.get((cfg.changelog_topic, part.number))
            part.state.commit(changes[part.number], part.next_offset, changelog_offset)
            if part.first_uncommitted is not None:
                commits.append(TopicPartition(cfg.input_topic, part.number, part.next_offset))
            part.first_uncommitted, part.dirty = None, False
        commits.extend(TopicPartition(cfg.directory_topic, number, offset + 1)
                       for number, offset in self._directory_offsets.items()
                       if number in self._partitions)
        self._directory_offsets.clear()
        if dirty and not cfg.state_wal:  # with the log, a kill loses nothing: no flushes
            self._last_write = time.monotonic()
            if self._unflushed_since is None:
                self._unflushed_since = self._last_write
            self.metrics.unflushed_batches.inc()
        if commits and wait:
            consumer.commit(offsets=commits, asynchronous=False)
        elif commits:
            consumer.commit(offsets=commits, asynchronous=True)
        self._uncommitted, self._uncommitted_since = 0, None
        self.metrics.uncommitted_records.set(0)
        self.metrics.stage_seconds.labels("commit").inc(time.perf_counter() - t_write)

    def _rollback(self) -> None:
        """Forget every partition's changes since the last commit (they will be scored again).

        The run ends after it (a failure) or the partitions go (a stop, a lost assignment):
        their records since the commit come again from the committed offsets.
        """
        for part in self._partitions.values():
            self._forget_uncommitted(part)
        self._directory_offsets.clear()

    @staticmethod
    def _forget_uncommitted(part: _Partition) -> None:
        part.state.rollback()
        # Back to what the store holds, so no record after it counts as already scored.
        part.next_offset = part.state.next_offset or 0
        part.first_uncommitted, part.dirty = None, False

    def _count_rules(self, number: int, state: PartitionState) -> None:
        """Publish how many rules for every tenant the partition holds, per list.

        Each partition holds its own copy (``mailhawk policy --all-tenants`` writes one to
        every directory partition); a partition added after a rule, or a write that missed
        one, holds fewer, and the tenants on it are judged without the rule. The alert
        ``MailhawkAllTenantsRulesDiverge`` compares the partitions.
        """
        rules = state.rules_for_every_tenant()
        counts = (len(rules.blocked_senders), len(rules.allowed_senders),
                  len(rules.simulations), len(rules.blocked_links), len(rules.blocked_files))
        for name, count in zip(_RULE_LISTS, counts, strict=True):
            self.metrics.all_tenants_rules.labels(str(number), name).set(count)

    def _erase(self, number: int, state: PartitionState, entry: DirectoryEntry) -> None:
        """Apply an erasure request with the batch; counted, and logged without the address."""
        started = time.perf_counter()
        changed = state.apply_erasure(entry, self.config.erase_chunk_keys)
        self.metrics.erasures.labels(entry.kind).inc()
        self.metrics.erased_keys.inc(changed)
        more = " (the rest in the next batches)" if state.erasing else ""
        log.info("partition %d: %s for tenant %s: %d keys deleted or rewritten in %.2f s%s",
                 number, entry.kind, entry.tenant_id, changed, time.perf_counter() - started,
                 more)

    def _expire(self, state: PartitionState, items: list[tuple[Message, MailRecord]]) -> None:
        """The batch's slice of the idle expiry sweep (``PartitionState.expire_idle``)."""
        started = time.perf_counter()
        visited, deleted, wrapped = state.expire_idle(
            sweep_clock(max(record.received_at for _, record in items), time.time()),
            len(items) * self.config.expiry_scan_per_message)
        self.metrics.expiry_scanned.inc(visited)
        self.metrics.expired_keys.inc(deleted)
        if wrapped:
            self.metrics.expiry_cycles.inc()
        self.metrics.stage_seconds.labels("expire").inc(time.perf_counter() - started)

    def _verdict(self, msg: Message, record: MailRecord, decision: Any) -> Verdict:
        now = time.time()
        ts_type, ts_ms = msg.timestamp()
        latency = (now * 1000.0 - ts_ms) if ts_type and ts_ms > 0 else 0.0
        return self.cascade.verdict(record, decision, SourcePosition(*position(msg)), now,
                                    max(0.0, latency))

    @staticmethod
    def _set_aside(items: list[tuple[Message, MailRecord]], failures: Mapping[int, Exception],
                   letters: list[DeadLetter]) -> list[tuple[Message, MailRecord]]:
        """Dead-letter the messages detection failed on; the rest of ``items``, in order.

        A valid record that makes a detector raise is a bug, and one an attacker can repeat
        once found: retried, it would stop its partition for every tenant on it. So it gets
        no verdict and goes to the dead-letter topic whole, kind ``detection_failed``, with
        the exception; replay it from there once the bug is fixed. The log names the
        exception's type and where it was raised, never its text (which may quote the mail).
        """
        for index, exc in failures.items():
            msg, _ = items[index]
            topic, number, offset = position(msg)
            log.error("partition %d offset %d: detection failed (%s); the message is "
                      "dead-lettered and the batch goes on", number, offset, failure_site(exc))
            letters.append(DeadLetter(msg.value() or b"", msg.key(), topic, number, offset,
                                      DETECTION_FAILED, f"detection failed: "
                                      f"{type(exc).__name__}: {exc}", "", time.time()))
        return [item for n, item in enumerate(items) if n not in failures]

    def _update_gauges(self) -> None:
        """Consumer lag and the state's memory, every 5 s (the lag asks the consumer)."""
        now = time.monotonic()
        if now - self._last_gauges < 5.0 or self._consumer is None:
            return
        self._last_gauges = now
        for part_name, used in self.shared_memory.usage().items():
            self.metrics.state_memory.labels(part_name).set(used)
        self.metrics.state_cached_profiles.set(sum(s.cached_profiles for s in self._owned()))
        self.metrics.state_cache_limit.set(sum(s.cache_limit for s in self._owned()))
        for number, part in self._partitions.items():
            with contextlib.suppress(Exception):
                _, high = self._consumer.get_watermark_offsets(
                    TopicPartition(self.config.input_topic, number), cached=True)
                if high >= 0:
                    self.metrics.consumer_lag.labels(str(number)).set(
                        max(0, high - part.next_offset))

"""When the engine commits what it scored (``Engine._commit``), and what a rebalance does.

The engine on its own, built without Kafka: a recording producer and consumer stand in for
the client objects so the order of the protocol's steps can be read back. Crash safety with
the real broker is ``tests/integration/test_engine.py::test_kill_9_then_restart...``.
"""

from __future__ import annotations

import pytest
from confluent_kafka import TopicPartition
from prometheus_client import CollectorRegistry

from state import MemoryStore, PartitionState, default_facts_fn
from stream import engine as engine_module
from stream.changelog import BATCH_HEADER, MARKER_KEY
from stream.config import EngineConfig
from stream.engine import Engine, _Partition
from stream.metrics import EngineMetrics
from tests.factories import mail

INPUT = "mail.inbound"


class _Producer:
    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.records: list[tuple[str, bytes | None, list]] = []
        self.last_offsets: dict[tuple[str, int], int] = {}

    def produce(self, topic, value, key=None, partition=-1, headers=None) -> None:
        self.records.append((topic, key, headers or []))
        self.last_offsets[(topic, partition)] = len(self.records)
        if key == MARKER_KEY:
            self.log.append(f"marker {partition}")

    def produce_many(self, topic, records, partition, headers) -> None:
        for key, value in records:
            self.produce(topic, value, key=key, partition=partition, headers=headers)

    def flush(self, timeout: float = 30.0) -> None:
        self.log.append("flush")

    def poll(self, timeout: float = 0.0) -> None:
        pass


class _Consumer:
    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.commits: list[tuple[list[TopicPartition], bool]] = []

    def commit(self, *, offsets, asynchronous=True):
        self.log.append("commit")
        self.commits.append((offsets, asynchronous))


class _Store(MemoryStore):
    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def write(self, puts, meta) -> None:
        self.log.append("write")
        super().write(puts, meta)


def _engine(monkeypatch: pytest.MonkeyPatch, now: list[float], **config
            ) -> tuple[Engine, list[str]]:
    monkeypatch.setattr(engine_module.time, "monotonic", lambda: now[0])
    log: list[str] = []
    engine = Engine.__new__(Engine)  # no model, no Kafka: only what _commit reads
    engine.config = EngineConfig(input_topic=INPUT, **config)
    engine.metrics = EngineMetrics.create(CollectorRegistry())
    engine._partitions = {n: _Partition(n, PartitionState(_Store(log)), 0) for n in (0, 1)}
    engine._producer = _Producer(log)  # type: ignore[assignment]
    engine._consumer = _Consumer(log)  # type: ignore[assignment]
    engine._assigned = {0, 1}
    engine._unflushed_since = None
    engine._last_write = 0.0
    engine._uncommitted, engine._uncommitted_since = 0, None
    engine._directory_offsets = {}
    return engine, log


def _score(engine: Engine, number: int, offsets: range, at: float) -> None:
    """What ``Engine.process`` leaves behind for one partition's scoring batch."""
    part = engine._partitions[number]
    facts = default_facts_fn()
    for offset in offsets:
        record = mail(f"s{offset}@vendor.example", ("ann@acme.example",), tenant="acme",
                      t=1e9 + offset)
        f = facts(record)
        part.state.observe(record, f, part.state.snapshot(record, f))
    part.state.settle()
    part.dirty = True
    if part.first_uncommitted is None:
        part.first_uncommitted = offsets.start
    part.next_offset = offsets.stop
    engine._uncommitted += len(offsets)
    if engine._uncommitted_since is None:
        engine._uncommitted_since = at


def _stored(engine: Engine, number: int) -> dict[bytes, bytes]:
    """The partition's profiles as stored (offsets and other bookkeeping left out)."""
    return {k: v for k, v in engine._partitions[number].state.store.items() if k[:1] != b"\0"}


def test_batches_are_committed_together_by_count_or_time(monkeypatch):
    now = [100.0]
    engine, log = _engine(monkeypatch, now, commit_records=100, commit_interval_s=1.0)
    _score(engine, 0, range(0, 50), 100.0)
    assert not engine._commit_due()
    _score(engine, 0, range(50, 100), 100.2)
    assert engine._commit_due()  # 100 records
    engine._commit()
    # The verdicts delivered, then the changelog, then the store, then the offsets.
    assert log == ["flush", "marker 0", "flush", "write", "commit"]
    assert engine._partitions[0].state.next_offset == 100
    assert engine._consumer.commits == [([TopicPartition(INPUT, 0, 100)], True)]
    # The changelog marker names the whole span it covers.
    _, key, headers = engine._producer.records[-1]
    assert key == MARKER_KEY and dict(headers)[BATCH_HEADER] == b"0-100"
    assert not engine._commit_due()
    _score(engine, 0, range(100, 110), 100.3)
    now[0] = 101.0
    assert not engine._commit_due()
    now[0] = 101.3  # a second since the first uncommitted batch
    assert engine._commit_due()


def test_no_marker_is_sent_before_the_verdicts_it_covers_are_delivered(monkeypatch):
    # A marker says every record before its offset has its verdict: a restore from the
    # changelog skips those records. Sent while a verdict was still on its way, a kill then
    # lost that verdict for good (the kill -9 test caught it one run in fifteen).
    engine, log = _engine(monkeypatch, [100.0])
    delivered: list[bool] = []
    verdicts_out = False

    def flush(timeout: float = 30.0) -> None:
        nonlocal verdicts_out
        log.append("flush")
        verdicts_out = True

    def produce(topic, value, key=None, partition=-1, headers=None) -> None:
        if topic == engine.config.verdict_topic:
            nonlocal verdicts_out
            verdicts_out = False  # queued, not yet delivered
        if key == MARKER_KEY:
            delivered.append(verdicts_out)
        engine._producer.records.append((topic, key, headers or []))

    engine._producer.flush = flush  # type: ignore[method-assign]
    engine._producer.produce = produce  # type: ignore[method-assign]
    for start in (0, 10):
        _score(engine, 0, range(start, start + 10), 100.0)
        engine._producer.produce(engine.config.verdict_topic, b"v", key=b"m")
        _score(engine, 1, range(start, start + 10), 100.0)
        engine._producer.produce(engine.config.verdict_topic, b"v", key=b"m")
        engine._commit()
    assert delivered == [True, True, True, True]


def test_a_key_changed_by_several_batches_is_written_once_with_its_last_value(monkeypatch):
    engine, _ = _engine(monkeypatch, [100.0])
    _score(engine, 0, range(0, 5), 100.0)
    _score(engine, 0, range(5, 10), 100.0)
    engine._commit()
    changelog_keys = [key for topic, key, _ in engine._producer.records
                      if topic == engine.config.changelog_topic]
    assert len(changelog_keys) == len(set(changelog_keys))  # the mailbox once, not twice
    committed_every_batch, _ = _engine(monkeypatch, [100.0])
    for start in (0, 5):
        _score(committed_every_batch, 0, range(start, start + 5), 100.0)
        committed_every_batch._commit()
    assert _stored(engine, 0) == _stored(committed_every_batch, 0)
    assert len(engine._producer.records) < len(committed_every_batch._producer.records)


def test_a_revoke_commits_what_was_scored_and_waits_for_the_offsets(monkeypatch):
    # The next owner starts from the committed offsets: left uncommitted here, these
    # records would be scored twice.
    engine, log = _engine(monkeypatch, [100.0])
    _score(engine, 0, range(0, 30), 100.0)
    _score(engine, 1, range(0, 20), 100.0)
    engine._on_revoke(engine._consumer, [TopicPartition(INPUT, 0)])
    assert log == ["flush", "marker 0", "marker 1", "flush", "write", "write", "commit"]
    offsets, asynchronous = engine._consumer.commits[0]
    assert sorted((tp.partition, tp.offset) for tp in offsets) == [(0, 30), (1, 20)]
    assert asynchronous is False
    assert engine._assigned == {1}
    assert engine._partitions[0].state.next_offset == 30


def test_lost_partitions_drop_their_uncommitted_changes_and_write_nothing(monkeypatch):
    # Fenced out of the group: another engine may own them already, so neither the
    # changelog nor the offsets may move from here; it scores those records again.
    engine, log = _engine(monkeypatch, [100.0])
    _score(engine, 0, range(0, 30), 100.0)
    _score(engine, 1, range(0, 20), 100.0)
    engine._on_lost(engine._consumer, [TopicPartition(INPUT, 0)])
    assert log == [] and engine._assigned == {1}
    lost = engine._partitions[0].state
    assert lost.changes() == {}  # rolled back: nothing left to write
    assert engine._partitions[0].next_offset == 0  # nothing of it counts as scored
    engine._commit()  # the partition still owned is committed as usual
    assert _stored(engine, 0) == {}
    assert engine._consumer.commits == [([TopicPartition(INPUT, 1, 20)], True)]


def test_a_failed_delivery_rolls_every_partition_back(monkeypatch):
    engine, log = _engine(monkeypatch, [100.0])
    _score(engine, 0, range(0, 30), 100.0)

    def fail(timeout: float = 30.0) -> None:
        raise RuntimeError("broker gone")

    engine._producer.flush = fail  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        engine._commit()
    assert "write" not in log and engine._consumer.commits == []
    assert engine._partitions[0].state.changes() == {}
    assert engine._partitions[0].next_offset == 0
    assert _stored(engine, 0) == {}


def test_the_cache_bound_holds_between_commits_except_for_changed_keys(monkeypatch):
    engine, _ = _engine(monkeypatch, [100.0])
    state = engine._partitions[0].state
    state.cache_entries = 10
    _score(engine, 0, range(0, 40), 100.0)  # 40 senders, their domains and pairs
    changed = len(state.changes())
    assert state.cached_profiles <= 10 + changed  # every changed key kept, no more
    engine._commit()
    _score(engine, 0, range(40, 41), 100.0)
    assert state.cached_profiles <= 10 + len(state.changes())
    engine._commit()
    # What was evicted between the batches was unchanged: the store is as with no bound.
    unbounded, _ = _engine(monkeypatch, [100.0])
    _score(unbounded, 0, range(0, 40), 100.0)
    unbounded._commit()
    _score(unbounded, 0, range(40, 41), 100.0)
    unbounded._commit()
    assert _stored(engine, 0) == _stored(unbounded, 0)

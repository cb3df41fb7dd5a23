"""When the engine flushes its state stores (they run without a write-ahead log).

``Engine._flush_state`` alone, on an engine built without Kafka: the stores are flushed once
traffic pauses (the loop waits, so a reader finds it done) and at least every
``state_flush_seconds`` under steady traffic (in the background, not stalling batches).
"""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from state import MemoryStore, PartitionState
from stream import engine as engine_module
from stream.config import EngineConfig
from stream.engine import Engine, _Partition
from stream.metrics import EngineMetrics


class _CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.flushes: list[bool] = []

    def flush(self, *, wait: bool = True) -> None:
        self.flushes.append(wait)


def _engine(monkeypatch: pytest.MonkeyPatch, now: list[float]) -> tuple[Engine, _CountingStore]:
    monkeypatch.setattr(engine_module.time, "monotonic", lambda: now[0])
    engine = Engine.__new__(Engine)  # no model, no Kafka: only what _flush_state reads
    engine.config = EngineConfig(state_flush_seconds=30.0)
    engine.metrics = EngineMetrics.create(CollectorRegistry())
    store = _CountingStore()
    engine._partitions = {0: _Partition(0, PartitionState(store), 0)}
    engine._unflushed_since = None
    engine._last_write = 0.0
    return engine, store


def _wrote(engine: Engine, at: float) -> None:
    """What ``Engine.process`` records after a batch's store write."""
    engine._last_write = at
    if engine._unflushed_since is None:
        engine._unflushed_since = at
    engine.metrics.unflushed_batches.inc()


def _unflushed(engine: Engine) -> float:
    return engine.metrics.registry.get_sample_value("mailhawk_state_unflushed_batches") or 0.0


def test_nothing_written_nothing_flushed(monkeypatch):
    now = [100.0]
    engine, store = _engine(monkeypatch, now)
    engine._flush_state()
    assert store.flushes == []


def test_a_pause_after_a_write_flushes_and_waits_for_it(monkeypatch):
    now = [100.0]
    engine, store = _engine(monkeypatch, now)
    _wrote(engine, 100.0)
    now[0] = 100.5  # traffic may still come
    engine._flush_state()
    assert store.flushes == [] and _unflushed(engine) == 1
    now[0] = 101.0
    engine._flush_state()
    assert store.flushes == [True] and _unflushed(engine) == 0
    engine._flush_state()  # flushed: nothing more until the next write
    assert store.flushes == [True]


def test_steady_traffic_is_flushed_every_state_flush_seconds_in_the_background(monkeypatch):
    now = [100.0]
    engine, store = _engine(monkeypatch, now)
    for t in range(100, 130):  # a batch a second, never a pause
        _wrote(engine, float(t))
        now[0] = t + 0.5
        engine._flush_state()
    assert store.flushes == [] and _unflushed(engine) == 30
    _wrote(engine, 130.0)
    now[0] = 130.5
    engine._flush_state()
    assert store.flushes == [False] and _unflushed(engine) == 0

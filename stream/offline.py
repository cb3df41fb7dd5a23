"""Offline scanning: the same state and cascade as the engine, with no broker."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from detectors import Cascade
from schemas import MailRecord, SourcePosition, Verdict
from state import Decay, MemoryStore, PartitionState, RocksDBStore, Store
from stream.config import EngineConfig

BATCH = 256


def scan_records(records: Iterable[MailRecord], *, state_dir: str | None = None,
                 artifact: str = "", scores: str = "", cascade: Cascade | None = None,
                 decay: Decay | None = None, shadow_artifact: str = "") -> Iterator[Verdict]:
    """Yield one verdict per record, in order, updating the state as the engine would."""
    cascade = cascade or Cascade.from_config(scores, artifact, shadow_artifact)
    store: Store = RocksDBStore(Path(state_dir) / "scan") if state_dir else MemoryStore()
    state = PartitionState(store, decay=decay or EngineConfig().decay)
    offset = state.next_offset or 0
    batch: list[MailRecord] = []

    def flush() -> Iterator[Verdict]:
        nonlocal offset
        started = time.time()
        decisions = cascade.score_batch(state, batch)
        now = time.time()
        for i, (record, d) in enumerate(zip(batch, decisions, strict=True)):
            yield cascade.verdict(record, d, SourcePosition("scan", 0, offset + i), now,
                                  (now - started) * 1000.0 / max(1, len(batch)))
        offset += len(batch)
        state.commit(state.changes(), offset, None)
        batch.clear()

    try:
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH:
                yield from flush()
        if batch:
            yield from flush()
    finally:
        store.close()

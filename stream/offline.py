"""Offline scanning: the same state and cascade as the engine, with no broker."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from detectors import Cascade
from schemas import MailRecord, SourcePosition, Verdict
from state import Decay, MemoryStore, PartitionState, RocksDBStore, Store, redate_future_mail
from stream.config import EngineConfig

BATCH = 256


def scan_records(records: Iterable[MailRecord], *, state_dir: str | None = None,
                 artifact: str = "", scores: str = "", cascade: Cascade | None = None,
                 decay: Decay | None = None, shadow_artifact: str = "",
                 on_failure: Callable[[MailRecord, Exception], object] | None = None
                 ) -> Iterator[Verdict]:
    """Yield one verdict per record, in order, updating the state as the engine would.

    ``on_failure``: a record detection raises on is handed to it and gets no verdict, as
    the engine dead-letters it (``Cascade.score_batches``); without it, the exception ends
    the scan. An exception from ``records`` itself ends it too, after the records it gave
    before are scored.
    """
    cascade = cascade or Cascade.from_config(scores, artifact, shadow_artifact)
    store: Store = RocksDBStore(Path(state_dir) / "scan") if state_dir else MemoryStore()
    state = PartitionState(store, decay=decay or EngineConfig().decay)
    offset = state.next_offset or 0
    batch: list[MailRecord] = []

    def flush() -> Iterator[Verdict]:
        nonlocal offset
        started = time.time()
        failed: dict[int, Exception] = {}
        redate_future_mail(batch, started)  # as the engine does (see there)
        (decisions,) = cascade.score_batches(
            [(state, batch)], on_failure=None if on_failure is None
            else lambda _, i, exc: failed.__setitem__(i, exc))
        now = time.time()
        scored = iter(decisions)
        for i, record in enumerate(batch):
            if i in failed:
                assert on_failure is not None
                on_failure(record, failed[i])
                continue
            yield cascade.verdict(record, next(scored), SourcePosition("scan", 0, offset + i),
                                  now, (now - started) * 1000.0 / max(1, len(batch)))
        offset += len(batch)
        state.commit(state.changes(), offset, None)
        batch.clear()

    source = iter(records)
    try:
        while True:
            try:
                record = next(source)
            except StopIteration:
                break
            except Exception:
                # The source failed (an archive cut short): what it gave is scored first.
                if batch:
                    yield from flush()
                raise
            batch.append(record)
            if len(batch) >= BATCH:
                yield from flush()
        if batch:
            yield from flush()
    finally:
        store.close()

r"""The state changelog: how a partition's state leaves the host and comes back.

Layout of one batch on changelog partition ``p`` (the same number as the input partition)::

    key=<state key> value=<encoded profile or tombstone>  header mh.batch=<first>-<next>
    ...                                                   (one record per changed key)
    key=\x00marker  value=<next input offset, 8 bytes>    header mh.batch=<first>-<next>

The producer is idempotent, so within the partition the marker always follows its records.
Restore applies records in log order up to the last marker and drops the tail after it: the
tail is a batch that died mid-produce. Its keys are republished with their restored values in
the next batch, so those orphans are superseded later in the log, which also makes every
orphan *before* the last marker harmless. That is what keeps a compacted changelog (where
compaction removes all but the newest marker) restorable: no record's validity depends on a
marker that compaction may have removed. The batch header is for people reading the topic.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka import KafkaError as ConfluentKafkaError

from state import META_CHANGELOG_OFFSET, META_NEXT_OFFSET, PartitionState
from stream.errors import KafkaError
from stream.kafka import LatchingProducer

MARKER_KEY: Final = b"\x00marker"
BATCH_HEADER: Final = "mh.batch"
_APPLY_EVERY: Final = 20_000


def produce_batch(producer: LatchingProducer, topic: str, partition: int, batch_id: bytes,
                  changes: Mapping[bytes, bytes | None], next_offset: int) -> None:
    """Queue the batch's changed keys and then its marker (step 2 of the commit protocol)."""
    headers = [(BATCH_HEADER, batch_id)]
    for key, value in changes.items():
        producer.produce(topic, value, key=key, partition=partition, headers=headers)
    producer.produce(topic, next_offset.to_bytes(8, "big", signed=True), key=MARKER_KEY,
                     partition=partition, headers=headers)


@dataclass
class RestoreResult:
    """What a restore read and applied."""

    records: int = 0
    batches: int = 0
    orphan_keys: set[bytes] = field(default_factory=set)
    next_offset: int | None = None
    seconds: float = 0.0


def restore_partition(consumer: Consumer, topic: str, partition: int, state: PartitionState,
                      *, timeout: float = 600.0) -> RestoreResult:
    """Bring ``state`` up to the end of changelog partition ``partition``.

    Reads from just after the state's own checkpoint (the whole partition for an empty
    store), so the same function serves a fresh worker, a worker whose disk is stale, and a
    restart after a crash between delivering a batch and writing it locally.
    """
    started = time.monotonic()
    result = RestoreResult()
    checkpoint = state.changelog_offset
    start = 0 if checkpoint is None else checkpoint + 1
    # The end is where the fetch reports end-of-partition, not a ListOffsets answer read
    # beforehand: that answer can lag the log (Tansu returns the last batch's base offset),
    # and a restore that stops early silently loses state.
    consumer.assign([TopicPartition(topic, partition, start)])
    buffered: dict[bytes, bytes | None] = {}
    ready: dict[bytes, bytes | None] = {}
    meta: dict[bytes, int] = {}
    deadline = time.monotonic() + timeout
    try:
        while True:
            if time.monotonic() > deadline:
                raise KafkaError(f"restore of changelog partition {partition} did not reach "
                                 f"its end within {timeout:.0f} s (read {result.records} "
                                 "records)", retriable=True)
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            err = msg.error()
            if err is not None:
                if err.code() == ConfluentKafkaError._PARTITION_EOF:
                    break
                raise KafkaError.from_confluent(err, f"restore of {topic}[{partition}]")
            result.records += 1
            key = msg.key()
            if key == MARKER_KEY:
                ready.update(buffered)
                buffered = {}
                result.batches += 1
                meta[META_NEXT_OFFSET] = int.from_bytes(msg.value(), "big", signed=True)
                meta[META_CHANGELOG_OFFSET] = msg.offset()
                if len(ready) >= _APPLY_EVERY:
                    state.apply_restored(ready, meta)
                    ready = {}
            else:
                buffered[key] = msg.value()
    finally:
        consumer.unassign()
    result.orphan_keys.update(buffered)  # the tail after the last marker
    if ready or meta:
        state.apply_restored(ready, meta)
    result.next_offset = meta.get(META_NEXT_OFFSET, state.next_offset)
    result.seconds = time.monotonic() - started
    return result

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

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka import KafkaError as ConfluentKafkaError

from state import META_CHANGELOG_OFFSET, META_NEXT_OFFSET, PartitionState
from stream.errors import KafkaError
from stream.kafka import LatchingProducer, position

log = logging.getLogger(__name__)

MARKER_KEY: Final = b"\x00marker"
BATCH_HEADER: Final = "mh.batch"
_APPLY_EVERY: Final = 20_000


def produce_batch(producer: LatchingProducer, topic: str, partition: int, batch_id: bytes,
                  changes: Mapping[bytes, bytes | None], next_offset: int) -> None:
    """Queue the batch's changed keys and then its marker (step 2 of the commit protocol)."""
    headers = [(BATCH_HEADER, batch_id)]
    producer.produce_many(topic, changes.items(), partition, headers)
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


class PartitionRestore:
    """The restore of one changelog partition, fed record by record in log order.

    Applies complete batches (every record up to a marker) to the store in chunks of about
    ``_APPLY_EVERY`` keys, each written with the marker's offsets, so the store is always at
    a batch boundary: a restore abandoned half-way (the partition was revoked) leaves a
    store whose own checkpoint says where the next restore resumes.
    """

    def __init__(self, topic: str, partition: int, state: PartitionState) -> None:
        self.topic = topic
        self.partition = partition
        self.state = state
        checkpoint = state.changelog_offset
        self.start = 0 if checkpoint is None else checkpoint + 1
        self.result = RestoreResult()
        self._started = time.monotonic()
        self._buffered: dict[bytes, bytes | None] = {}
        self._ready: dict[bytes, bytes | None] = {}
        self._meta: dict[bytes, int] = {}

    def feed(self, key: bytes | None, value: bytes | None, offset: int) -> None:
        """Take the next changelog record of this partition."""
        self.result.records += 1
        if key == MARKER_KEY:
            self._ready.update(self._buffered)
            self._buffered = {}
            self.result.batches += 1
            self._meta[META_NEXT_OFFSET] = int.from_bytes(value or b"", "big", signed=True)
            self._meta[META_CHANGELOG_OFFSET] = offset
            if len(self._ready) >= _APPLY_EVERY:
                self.state.apply_restored(self._ready, self._meta)
                self._ready = {}
        elif key is not None:
            self._buffered[key] = value

    def finish(self) -> RestoreResult:
        """End-of-partition reached: apply what is complete; the tail becomes orphans."""
        result = self.result
        result.orphan_keys.update(self._buffered)  # the tail after the last marker
        if self._ready or self._meta:
            self.state.apply_restored(self._ready, self._meta)
        result.next_offset = self._meta.get(META_NEXT_OFFSET, self.state.next_offset)
        result.seconds = time.monotonic() - self._started
        return result


class Restorer:
    """Restores changelog partitions in bounded steps, on a consumer of its own.

    The engine calls :meth:`step` once per turn of its main loop, so restoring one partition
    never stops the others from being processed, and the main consumer keeps polling (no
    ``max.poll.interval.ms`` budget to fit a restore into). The end of a partition is where
    the fetch reports end-of-partition, not a ListOffsets answer read beforehand: that answer
    can lag the log (Tansu returns the last batch's base offset), and a restore that stops
    early silently loses state.
    """

    def __init__(self, consumer: Consumer, topic: str) -> None:
        self.consumer = consumer
        self.topic = topic
        self._active: dict[int, PartitionRestore] = {}

    @property
    def active(self) -> frozenset[int]:
        """The partitions being restored."""
        return frozenset(self._active)

    def begin(self, partition: int, state: PartitionState) -> PartitionRestore:
        """Start restoring ``partition`` into ``state`` from just after its checkpoint."""
        restore = PartitionRestore(self.topic, partition, state)
        self._active[partition] = restore
        self.consumer.incremental_assign([TopicPartition(self.topic, partition,
                                                         restore.start)])
        return restore

    def abandon(self, partition: int) -> None:
        """Stop restoring ``partition`` (revoked); what was applied stays, at a batch end."""
        if self._active.pop(partition, None) is not None:
            self.consumer.incremental_unassign([TopicPartition(self.topic, partition)])

    def step(self, max_records: int, timeout: float) -> dict[int, RestoreResult]:
        """Read up to ``max_records`` changelog records; returns the restores that finished.

        Blocks at most ``timeout`` for the first record only, like the engine's batches.
        """
        if not self._active:
            return {}
        first = self.consumer.poll(timeout)
        if first is None:
            return {}
        done: dict[int, RestoreResult] = {}
        for msg in [first, *self.consumer.consume(max_records - 1, 0)]:
            number = msg.partition()  # None: an error event of the client, not a partition
            restore = self._active.get(number) if number is not None else None
            err = msg.error()
            if restore is None or msg.topic() != self.topic:
                # A record fetched before its partition was abandoned is dropped. An error
                # of the client itself (brokers down, authentication) is said, as the main
                # consumer's are: skipped silently, a restore that cannot progress waited
                # without a word, its partition paused.
                if err is not None and err.code() != ConfluentKafkaError._PARTITION_EOF:
                    if err.fatal():
                        raise KafkaError.from_confluent(err, f"restore of {self.topic}")
                    log.warning("changelog restore consumer: %s", err.str())
                continue
            if err is not None:
                if err.code() == ConfluentKafkaError._PARTITION_EOF:
                    done[restore.partition] = restore.finish()
                    self.abandon(restore.partition)
                    continue
                raise KafkaError.from_confluent(err, f"restore of {self.topic}"
                                                     f"[{restore.partition}]")
            _, _, offset = position(msg)
            restore.feed(msg.key(), msg.value(), offset)
        return done


def restore_partition(consumer: Consumer, topic: str, partition: int, state: PartitionState,
                      *, timeout: float = 600.0, chunk: int = 10_000) -> RestoreResult:
    """Bring ``state`` up to the end of changelog partition ``partition``, blocking.

    Reads from just after the state's own checkpoint (the whole partition for an empty
    store), so the same function serves a fresh worker, a worker whose disk is stale, and a
    restart after a crash between delivering a batch and writing it locally. The engine
    drives a :class:`Restorer` step by step instead; this is the same restore run to the end.
    """
    restorer = Restorer(consumer, topic)
    restore = restorer.begin(partition, state)
    deadline = time.monotonic() + timeout
    try:
        while True:
            if time.monotonic() > deadline:
                raise KafkaError(f"restore of changelog partition {partition} did not reach "
                                 f"its end within {timeout:.0f} s (read "
                                 f"{restore.result.records} records)", retriable=True)
            done = restorer.step(chunk, 1.0)
            if partition in done:
                return done[partition]
    finally:
        restorer.abandon(partition)

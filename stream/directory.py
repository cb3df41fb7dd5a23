"""Writing a directory entry for the engines, and knowing when they have applied it.

``mailhawk state erase`` (forget an address or a tenant) and ``mailhawk policy`` (block,
allow, phishing simulations) write an entry to the directory topic; the engine that owns
the tenant's partition applies it with its next batch and then commits its directory offset
past it. So the entry's own partition and offset, compared with the engine group's
committed offset there, say whether it was applied. An entry nobody reads (no engine runs
with the directory topic, or in another consumer group) would otherwise look like success.
``mailhawk policy list`` reads a tenant's entries back (``read_tenant_entries``): the topic
keeps them all, so it is also the record of when each rule of the sender policy changed.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

import orjson
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

from schemas import DirectoryEntry, SchemaError, decode_directory
from stream.config import EngineConfig
from stream.errors import KafkaError
from stream.kafka import producer_config, read_to_end

__all__ = ["TenantEntry", "read_tenant_entries", "wait_applied", "write_entry"]


def write_entry(cfg: EngineConfig, entry: DirectoryEntry, *,
                partition: int | None = None) -> tuple[int, int]:
    """Write ``entry`` to ``cfg.directory_topic`` keyed by its tenant; (partition, offset)."""
    if not cfg.directory_topic:
        raise ValueError("no directory topic: give --directory-topic or set "
                         "MAILHAWK_DIRECTORY_TOPIC (the engines must read the same one)")
    producer = Producer(producer_config(cfg))
    delivered: list[Any] = []

    def on_delivery(err: Any, msg: Any) -> None:
        delivered.append((err, msg))

    try:
        # -1: librdkafka's partitioner (CRC32 of the key), as for the engines' own records.
        producer.produce(cfg.directory_topic, orjson.dumps(entry.to_dict()),
                         key=entry.tenant_id.encode(), on_delivery=on_delivery,
                         partition=-1 if partition is None else partition)
    except KafkaException as exc:
        raise KafkaError.from_confluent(exc.args[0], "directory entry") from None
    producer.flush(60)
    if not delivered:
        raise KafkaError(f"directory entry to {cfg.directory_topic} not delivered within 60 s "
                         "(are the brokers reachable?)")
    err, msg = delivered[0]
    if err is not None:
        raise KafkaError.from_confluent(err, f"directory entry to {cfg.directory_topic}")
    return int(msg.partition()), int(msg.offset())


def wait_applied(cfg: EngineConfig, partition: int, offset: int, timeout_s: float) -> bool:
    """Whether the engine group (``cfg.group``) committed the directory past ``offset``."""
    consumer = Consumer({**cfg.kafka_extra, "bootstrap.servers": cfg.bootstrap_servers,
                         "group.id": cfg.group, "enable.auto.commit": False})
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                (tp,) = consumer.committed([TopicPartition(cfg.directory_topic, partition)],
                                           timeout=10)
            except KafkaException as exc:
                raise KafkaError.from_confluent(exc.args[0], f"committed offsets of group "
                                                f"{cfg.group!r}") from None
            if tp.offset > offset:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.5)
    finally:
        consumer.close()


class TenantEntry(NamedTuple):
    """A directory entry of one tenant, where it is on the topic and when it was written."""

    partition: int
    offset: int
    written_at: float  # the record's timestamp, seconds
    entry: DirectoryEntry


def read_tenant_entries(cfg: EngineConfig, tenant: str) -> tuple[list[TenantEntry], int]:
    """Every directory entry of ``tenant``, in topic order per partition.

    Also returns how many records of the topic could not be read as entries (the engines
    dead-letter those).
    """
    if not cfg.directory_topic:
        raise ValueError("no directory topic: give --directory-topic or set "
                         "MAILHAWK_DIRECTORY_TOPIC")
    found, unreadable = [], 0
    for msg in read_to_end(cfg.bootstrap_servers, cfg.directory_topic,
                           group_id="mailhawk-directory-reader", kafka_extra=cfg.kafka_extra,
                           timeout=120.0, missing="is MAILHAWK_DIRECTORY_TOPIC the engines' "
                           "directory topic?"):
        try:
            entry = decode_directory(msg.value())
        except SchemaError:
            unreadable += 1
            continue
        if entry.tenant_id == tenant:
            found.append(TenantEntry(int(msg.partition()), int(msg.offset()),
                                     msg.timestamp()[1] / 1000.0, entry))
    found.sort(key=lambda e: (e.partition, e.offset))
    return found, unreadable

"""Writing a directory entry for the engines, and knowing when they have applied it.

``mailhawk state erase`` (forget an address or a tenant) and ``mailhawk policy`` (block,
allow, phishing simulations) write an entry to the directory topic; the engine that owns
the tenant's partition applies it with its next batch and then commits its directory offset
past it. So the entry's own partition and offset, compared with the engine group's
committed offset there, say whether it was applied. An entry nobody reads (no engine runs
with the directory topic, or in another consumer group) would otherwise look like success.
A policy rule for every tenant is written to every partition, and applied when every
partition's engine has committed past its copy.
``mailhawk policy list`` reads a tenant's entries back (``read_tenant_entries``): the topic
keeps them all, so it is also the record of when each rule of the sender policy changed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, NamedTuple

import orjson
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

from schemas import DirectoryEntry, SchemaError, decode_directory
from schemas.records import ALL_TENANTS
from stream.config import EngineConfig
from stream.errors import KafkaError
from stream.kafka import producer_config, read_to_end, topic_partitions

__all__ = ["TenantEntry", "campaign_memory", "read_tenant_entries", "wait_applied",
           "write_entry"]

_MISSING = "(is it the engines' MAILHAWK_DIRECTORY_TOPIC, and created?)"


def write_entry(cfg: EngineConfig, entry: DirectoryEntry, *,
                partition: int | None = None) -> list[tuple[int, int]]:
    """Write ``entry`` to ``cfg.directory_topic`` keyed by its tenant; [(partition, offset)].

    An entry for every tenant (``ALL_TENANTS``) is written once to each partition of the
    topic: each engine applies the entries of its own partitions only, so every partition
    must hold the rule for every tenant to be under it.
    """
    if not cfg.directory_topic:
        raise ValueError("no directory topic: give --directory-topic or set "
                         "MAILHAWK_DIRECTORY_TOPIC (the engines must read the same one)")
    producer = Producer(producer_config(cfg))
    delivered: list[Any] = []

    def on_delivery(err: Any, msg: Any) -> None:
        delivered.append((err, msg))

    if entry.tenant_id == ALL_TENANTS:
        if partition is not None:
            raise ValueError("an entry for every tenant goes to every partition: no --partition")
        targets = topic_partitions(producer, cfg.directory_topic, _MISSING)
    else:
        # -1: librdkafka's partitioner (CRC32 of the key), as for the engines' own records.
        targets = [-1 if partition is None else partition]
    value, key = orjson.dumps(entry.to_dict()), entry.tenant_id.encode()
    try:
        for target in targets:
            producer.produce(cfg.directory_topic, value, key=key, on_delivery=on_delivery,
                             partition=target)
    except KafkaException as exc:
        raise KafkaError.from_confluent(exc.args[0], "directory entry") from None
    producer.flush(60)
    if len(delivered) < len(targets):
        raise KafkaError(f"directory entry to {cfg.directory_topic} not delivered within 60 s "
                         "(are the brokers reachable?)")
    for err, _ in delivered:
        if err is not None:
            raise KafkaError.from_confluent(err, f"directory entry to {cfg.directory_topic}")
    return sorted((int(msg.partition()), int(msg.offset())) for _, msg in delivered)


def wait_applied(cfg: EngineConfig, positions: list[tuple[int, int]],
                 timeout_s: float) -> list[tuple[int, int]]:
    """The positions the engine group has not committed past when ``timeout_s`` runs out.

    ``positions`` are ``(partition, offset)`` of written entries; the result is empty when
    ``cfg.group`` has committed the directory topic past every one of them.
    """
    consumer = Consumer({**cfg.kafka_extra, "bootstrap.servers": cfg.bootstrap_servers,
                         "group.id": cfg.group, "enable.auto.commit": False})
    deadline = time.monotonic() + timeout_s
    pending = list(positions)
    try:
        while True:
            try:
                committed = consumer.committed(
                    [TopicPartition(cfg.directory_topic, p) for p, _ in pending], timeout=10)
            except KafkaException as exc:
                raise KafkaError.from_confluent(exc.args[0], f"committed offsets of group "
                                                f"{cfg.group!r}") from None
            pending = [(p, o) for (p, o), tp in zip(pending, committed, strict=True)
                       if tp.offset <= o]
            if not pending or time.monotonic() >= deadline:
                return pending
            time.sleep(0.5)
    finally:
        consumer.close()


class TenantEntry(NamedTuple):
    """A directory entry of one tenant, where it is on the topic and when it was written."""

    partition: int
    offset: int
    written_at: float  # the record's timestamp, seconds
    entry: DirectoryEntry


def campaign_memory(entries: Iterable[TenantEntry], now: float) -> dict[str, list[Any]]:
    """What a tenant's directory entries put in or took out of its campaign memory.

    ``reported``: analysts' confirmed attacks the memory still holds (not released since,
    not past ``expires_at``), oldest first, each with its id, attack type, expiry and when
    it was written. ``released``: held messages released as ham, with when (a release
    forgets the message and the copies it made the memory hold, so there is nothing left
    to list but the fact). What the cascade itself filed is in the engines' stores, not on
    the topic: ``mailhawk state stats`` counts it (kind ``held_content``).
    """
    reported: dict[str, TenantEntry] = {}
    released: dict[str, float] = {}
    for e in entries:
        mid = e.entry.message_id
        if e.entry.kind == "reported_message":
            reported[mid] = e
            released.pop(mid, None)
        elif e.entry.kind == "released_message":
            reported.pop(mid, None)
            released[mid] = e.written_at
    return {
        "reported": [{"message_id": mid, "attack_type": e.entry.attack_type,
                      "expires_at": e.entry.expires_at, "written_at": e.written_at}
                     for mid, e in reported.items() if e.entry.expires_at > now],
        "released": [{"message_id": mid, "written_at": t} for mid, t in released.items()],
    }


def read_tenant_entries(cfg: EngineConfig, *tenants: str
                        ) -> tuple[list[TenantEntry], int, int]:
    """Every directory entry of ``tenants``, in topic order per partition.

    Also returns how many records of the topic could not be read as entries (the engines
    dead-letter those), and how many partitions the topic has.
    """
    if not cfg.directory_topic:
        raise ValueError("no directory topic: give --directory-topic or set "
                         "MAILHAWK_DIRECTORY_TOPIC")
    found, unreadable = [], 0
    for msg in read_to_end(cfg.bootstrap_servers, cfg.directory_topic,
                           group_id="mailhawk-directory-reader", kafka_extra=cfg.kafka_extra,
                           timeout=120.0, missing=_MISSING):
        try:
            entry = decode_directory(msg.value())
        except SchemaError:
            unreadable += 1
            continue
        if entry.tenant_id in tenants:
            found.append(TenantEntry(int(msg.partition()), int(msg.offset()),
                                     msg.timestamp()[1] / 1000.0, entry))
    found.sort(key=lambda e: (e.partition, e.offset))
    count = len(topic_partitions(Producer(producer_config(cfg)), cfg.directory_topic,
                                 _MISSING))
    return found, unreadable, count

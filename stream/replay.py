"""Producing MailRecords to the input topic and collecting verdicts.

Producing MailRecords to the input topic and collecting verdicts: used by ``ingest``,
the demo, the benchmark harness and the integration tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final, cast

from confluent_kafka import Consumer, KafkaException, Producer

from schemas import DeadLetter, MailRecord, Verdict, decode_verdict, encode_mail
from stream.errors import KafkaError
from stream.kafka import MAX_MESSAGE_BYTES

FLUSH_SECONDS: Final = 120.0
"""How long :func:`produce_raw` waits for the delivery of what it produced."""


def produce_records(bootstrap_servers: str, topic: str, records: Iterable[MailRecord], *,
                    rate: float | None = None, extra: dict[str, Any] | None = None,
                    on_progress: Callable[[int], None] | None = None) -> int:
    """Produce records keyed by tenant (optionally paced at ``rate`` msg/s); returns the count."""
    return produce_raw(bootstrap_servers, topic,
                       ((r.tenant_id.encode(), encode_mail(r)) for r in records),
                       rate=rate, extra=extra, on_progress=on_progress)


def produce_raw(bootstrap_servers: str, topic: str, items: Iterable[tuple[bytes | None, bytes]],
                *, rate: float | None = None, extra: dict[str, Any] | None = None,
                on_progress: Callable[[int], None] | None = None) -> int:
    """Produce (key, value) pairs as they are; raises KafkaError on any delivery failure.

    Every record produced is delivered before this returns or raises, also when ``items``
    raises; a record without a delivery report after :data:`FLUSH_SECONDS` is a failure.
    """
    producer = Producer({"bootstrap.servers": bootstrap_servers, "linger.ms": 5,
                         "message.max.bytes": MAX_MESSAGE_BYTES, "enable.idempotence": True,
                         **(extra or {})})
    errors: list[Any] = []

    def on_delivery(err: Any, _msg: Any) -> None:
        if err is not None:
            errors.append(err)

    started = time.monotonic()
    n = 0
    try:
        for key, value in items:
            while True:
                try:
                    producer.produce(topic, value=value, key=key, on_delivery=on_delivery)
                    break
                except BufferError:
                    producer.poll(0.05)
                except KafkaException as exc:
                    raise KafkaError.from_confluent(exc.args[0],
                                                    f"produce to {topic}") from None
            n += 1
            if rate:
                ahead = n / rate - (time.monotonic() - started)
                if ahead > 0:
                    producer.poll(ahead)
            if n % 1000 == 0:
                producer.poll(0)
                if on_progress:
                    on_progress(n)
    except Exception:
        # The items failed mid-way (an archive cut short): the caller reports how far it
        # got, so what was produced is delivered, not dropped with the producer. (Not on
        # Ctrl-C: whoever interrupts does not want to wait for an unreachable broker.)
        producer.flush(FLUSH_SECONDS)
        raise
    undelivered = producer.flush(FLUSH_SECONDS)
    if errors:
        raise KafkaError.from_confluent(errors[0], f"delivery to {topic}")
    if undelivered:  # no delivery report yet, good or bad: not known to have arrived
        raise KafkaError(f"delivery to {topic}: {undelivered} records still undelivered after "
                         f"{FLUSH_SECONDS:.0f} s; is the broker at {bootstrap_servers} "
                         "reachable?", retriable=True)
    return n


@dataclass
class Collected:
    """Verdicts (and dead letters) read back from the output topics."""

    verdicts: list[Verdict] = field(default_factory=list)
    received_at: list[float] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)


def collect(bootstrap_servers: str, verdict_topic: str, *, expect: int,
            dead_letter_topic: str | None = None, timeout: float = 120.0,
            group: str | None = None, quiet_after: float | None = None,
            on_progress: Callable[[int], None] | None = None) -> Collected:
    """Read verdicts until ``expect`` distinct message ids were seen (or ``timeout``).

    With ``quiet_after``, keep reading until no record arrived for that many seconds, so
    duplicates and dead letters that follow the last expected verdict are counted too.
    """
    consumer = Consumer({"bootstrap.servers": bootstrap_servers,
                         "group.id": group or f"mailhawk-collect-{time.time_ns()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "session.timeout.ms": 6000,
                         "fetch.max.bytes": MAX_MESSAGE_BYTES,
                         "max.partition.fetch.bytes": MAX_MESSAGE_BYTES,
                         "receive.message.max.bytes": MAX_MESSAGE_BYTES + (1 << 20)})
    topics = [verdict_topic] + ([dead_letter_topic] if dead_letter_topic else [])
    consumer.subscribe(topics)
    out = Collected()
    ids: set[str] = set()
    started = time.monotonic()
    deadline = started + timeout
    last_new: float | None = None
    try:
        while time.monotonic() < deadline:
            now = time.monotonic()
            # "Quiet" counts from the last record; before the first one (the group join
            # takes seconds) it counts from the start plus a join allowance.
            quiet = now - (last_new if last_new is not None else started + 10.0)
            if len(ids) >= expect and (quiet_after is None or quiet > quiet_after):
                break
            for msg in consumer.consume(1000, 0.2):
                if msg.error():
                    continue
                now = time.time()
                if msg.topic() == verdict_topic:
                    raw = msg.value()
                    if raw is None:  # the engine never writes one: a producer's bug
                        raise KafkaError(f"a record of {verdict_topic} without a value "
                                         f"(partition {msg.partition()}, offset {msg.offset()})")
                    verdict = decode_verdict(raw)
                    out.verdicts.append(verdict)
                    out.received_at.append(now)
                    ids.add(verdict.message_id)
                else:
                    # A consumed record's headers are a list of (name, bytes or None); the
                    # stub's type also covers the dict a hand-built Message may carry.
                    headers = cast("list[tuple[str, bytes | None]] | None", msg.headers())
                    out.dead_letters.append(DeadLetter.from_kafka(msg.key(), msg.value(),
                                                                  headers))
                last_new = time.monotonic()
            if on_progress:
                on_progress(len(ids))
    finally:
        consumer.close()
    return out

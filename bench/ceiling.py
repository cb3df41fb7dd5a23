"""The ceiling: a consume → produce → commit passthrough that does no work, as a process.

It is what the engine's loop costs with the scoring taken out, on the same broker, the same
client settings (``stream.kafka.consumer_config``/``producer_config``: fetch sizes, lz4,
idempotent ``acks=all`` producer) and DESIGN.md's batch protocol: consume a batch, produce
one small output per record (its input position, padded to a verdict's size, keyed and
partitioned as the input: no decoding, no work), wait for delivery, commit the offsets
asynchronously. (The engine now waits for delivery and commits every few batches, its commit
interval: the ceiling keeps the per-batch protocol, so its figure stays comparable with
earlier runs, and the engine pays less than it per batch.) Forwarding the 3 KB record itself
would make the ceiling move 20× the bytes the engine and the peers produce, and a peer could
then beat the "ceiling". Every speed figure of the benchmark is also reported as a ratio to
this one, measured in the same run, because absolute numbers on a shared 2-core machine move
±30–40 % from run to run.

Run by the harness as ``python -m bench.ceiling --bootstrap-servers … --input-topic …
--output-topic … --group …``. It prints JSON status lines on stdout (``assigned``/``revoked``
with partitions) and stops on SIGTERM/SIGINT after the batch in flight.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

from confluent_kafka import Consumer, Message, TopicPartition

from stream.config import EngineConfig
from stream.kafka import LatchingProducer, consumer_config, producer_config

__all__ = ["OUTPUT_BYTES", "main", "passthrough"]

OUTPUT_BYTES = 160
"""Size of what the ceiling produces per record: about a verdict's, not the 3 KB input, so
the ceiling does the I/O the engine and the peers do, minus their work."""
_PAD = b" " * (OUTPUT_BYTES - 16)


def _emit(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def passthrough(cfg: EngineConfig, output_topic: str, stop: threading.Event) -> int:
    """Forward ``cfg.input_topic`` to ``output_topic`` until ``stop`` is set; returns records."""
    consumer = Consumer(consumer_config(cfg))
    producer = LatchingProducer(producer_config(cfg))

    def on_assign(_c: Consumer, parts: list[TopicPartition]) -> None:
        _emit("assigned", partitions=sorted(tp.partition for tp in parts))

    def on_revoke(_c: Consumer, parts: list[TopicPartition]) -> None:
        _emit("revoked", partitions=sorted(tp.partition for tp in parts))

    consumer.subscribe([cfg.input_topic], on_assign=on_assign, on_revoke=on_revoke,
                       on_lost=on_revoke)
    forwarded = 0
    try:
        while not stop.is_set():
            batch: list[Message] = consumer.consume(cfg.batch_size, cfg.batch_timeout_s)
            if not batch:
                producer.poll(0)
                continue
            next_offsets: dict[int, int] = {}
            for msg in batch:
                if msg.error() is not None:
                    continue
                number, offset = msg.partition(), msg.offset()
                if number is None or offset is None:
                    continue
                producer.produce(output_topic, b"%d:%d:%s" % (number, offset, _PAD),
                                 key=msg.key(), partition=number)
                next_offsets[number] = offset + 1
                forwarded += 1
            producer.flush(60)
            if next_offsets:
                consumer.commit(offsets=[TopicPartition(cfg.input_topic, p, o)
                                         for p, o in next_offsets.items()],
                                asynchronous=True)
    finally:
        producer.close()
        consumer.close()
    return forwarded


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.ceiling",
                                description="consume → produce → commit with no work")
    p.add_argument("--bootstrap-servers", required=True)
    p.add_argument("--input-topic", required=True)
    p.add_argument("--output-topic", required=True)
    p.add_argument("--group", required=True)
    p.add_argument("--batch-size", type=int, default=EngineConfig().batch_size)
    p.add_argument("--batch-timeout", type=float, default=EngineConfig().batch_timeout_s)
    p.add_argument("--fetch-wait-ms", type=int, default=None,
                   help="consumer fetch.wait.max.ms (librdkafka's default when omitted)")
    args = p.parse_args(argv)
    extra = {} if args.fetch_wait_ms is None else {"fetch.wait.max.ms": str(args.fetch_wait_ms)}
    cfg = EngineConfig(bootstrap_servers=args.bootstrap_servers, input_topic=args.input_topic,
                       group=args.group, batch_size=args.batch_size,
                       batch_timeout_s=args.batch_timeout, create_topics=False,
                       kafka_extra=extra)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    forwarded = passthrough(cfg, args.output_topic, stop)
    _emit("stopped", records=forwarded)


if __name__ == "__main__":
    main()

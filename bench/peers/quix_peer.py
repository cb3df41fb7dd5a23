"""The Quix Streams peer: one per-sender counter in Quix state, and a small verdict forwarded.

A standalone program, run by the benchmark harness with the interpreter of the peers' own
virtual environment (see :mod:`bench.peers`); it never imports mailhawk. The work equals the
faust peer's and is the least any behavioural engine does per message: decode the record
(orjson, as the engine does), read-modify-write one counter keyed by (tenant, sender) in the
framework's state store (RocksDB, with its changelog), and produce a ~150-byte verdict.

The state is scoped to the message key (the tenant), so ``state.get(sender)`` is the
per-tenant sender counter without a repartition hop: the same layout the engine uses.

Status lines on stdout (JSON) tell the harness when partitions are assigned; Quix has no public
assignment hook, so :class:`_ReportingApplication` wraps its (private) rebalance callbacks and
falls back to no reports when they are renamed (the harness then waits a fixed time).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import orjson
from quixstreams import Application, State, message_context


def _emit(event: str, partitions: list[int]) -> None:
    sys.stdout.write(json.dumps({"event": event, "partitions": partitions}) + "\n")
    sys.stdout.flush()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--bootstrap-servers", required=True)
    p.add_argument("--input-topic", required=True)
    p.add_argument("--output-topic", required=True)
    p.add_argument("--group", required=True)
    p.add_argument("--state-dir", required=True)
    p.add_argument("--fetch-wait-ms", type=int, default=None)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    input_name = args.input_topic

    class _ReportingApplication(Application):
        def _on_assign(self, consumer: Any, topic_partitions: list[Any]) -> None:
            super()._on_assign(consumer, topic_partitions)
            mine = [tp.partition for tp in topic_partitions if tp.topic == input_name]
            if mine:
                _emit("assigned", mine)

        def _on_revoke(self, consumer: Any, topic_partitions: list[Any]) -> None:
            super()._on_revoke(consumer, topic_partitions)
            mine = [tp.partition for tp in topic_partitions if tp.topic == input_name]
            if mine:
                _emit("revoked", mine)

        def _on_lost(self, consumer: Any, topic_partitions: list[Any]) -> None:
            super()._on_lost(consumer, topic_partitions)
            mine = [tp.partition for tp in topic_partitions if tp.topic == input_name]
            if mine:
                _emit("revoked", mine)

    extra: dict[str, Any] = {"session.timeout.ms": 6000}
    if args.fetch_wait_ms is not None:
        extra["fetch.wait.max.ms"] = args.fetch_wait_ms
    app = _ReportingApplication(
        broker_address=args.bootstrap_servers,
        consumer_group=args.group,
        auto_offset_reset="earliest",
        state_dir=args.state_dir,
        loglevel="WARNING",
        # Tansu holds a group join for ~20 s unless the session timeout is short.
        consumer_extra_config=extra,
    )
    source = app.topic(input_name, key_deserializer="bytes", value_deserializer="bytes")
    sink = app.topic(args.output_topic, key_serializer="bytes", value_serializer="bytes")

    def count_sender(value: bytes, state: State) -> bytes:
        doc = orjson.loads(value)
        sender = doc["from"]["address"]
        seen = state.get(sender, 0) + 1
        state.set(sender, seen)
        ctx = message_context()
        return orjson.dumps({"message_id": doc["message_id"], "sender": sender,
                             "count": seen, "partition": ctx.partition, "offset": ctx.offset})

    sdf = app.dataframe(source)
    sdf = sdf.apply(count_sender, stateful=True)
    sdf.to_topic(sink)
    app.run()


if __name__ == "__main__":
    main()

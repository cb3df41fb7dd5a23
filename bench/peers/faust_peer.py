"""The faust-streaming peer: one per-sender counter in a Faust table, and a small verdict sent.

A standalone program, run by the benchmark harness with the interpreter of the peers' own
virtual environment (see :mod:`bench.peers`); it never imports mailhawk, and mailhawk never
imports it. The work equals the Quix peer's: decode the record (orjson), read-modify-write one
counter keyed by (tenant, sender) in a Faust table (RocksDB through rocksdict when the
environment has it, else memory; both with Faust's changelog topic), and send a ~150-byte
verdict. The agent is written as Faust's documentation writes agents (``async for`` over the
stream, ``await topic.send``); that per-event await is part of what is measured.

Status lines on stdout (JSON) tell the harness when partitions are assigned and the table has
recovered (Faust's ``on_rebalance_complete`` signal).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
from typing import Any

import faust
import orjson


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--bootstrap-servers", required=True)
    p.add_argument("--input-topic", required=True)
    p.add_argument("--output-topic", required=True)
    p.add_argument("--group", required=True)
    p.add_argument("--state-dir", required=True)
    p.add_argument("--partitions", type=int, required=True)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    # Faust's worker may redirect sys.stdout into its logger: status goes to the real fd 1.
    status = os.fdopen(os.dup(1), "w", buffering=1)

    def _emit(event: str, partitions: list[int]) -> None:
        status.write(json.dumps({"event": event, "partitions": partitions}) + "\n")

    store = "rocksdb://" if importlib.util.find_spec("rocksdict") else "memory://"
    app = faust.App(
        args.group,
        broker=f"kafka://{args.bootstrap_servers}",
        store=store,
        datadir=args.state_dir,
        topic_partitions=args.partitions,
        topic_replication_factor=1,
        consumer_auto_offset_reset="earliest",
        # Tansu holds a group join for ~20 s unless the session timeout is short.
        broker_session_timeout=6.0,
        broker_heartbeat_interval=1.0,
        web_enabled=False,
        key_serializer="raw",
        value_serializer="raw",
    )
    source = app.topic(args.input_topic, key_type=bytes, value_type=bytes,
                       partitions=args.partitions)
    sink = app.topic(args.output_topic, key_type=bytes, value_type=bytes,
                     partitions=args.partitions)
    counts = app.Table("sender-counts", default=int, partitions=args.partitions)
    assigned: set[int] = set()

    @app.on_partitions_assigned.connect
    async def _assigned(_app: Any, /, *signal_args: Any, **_kw: Any) -> None:
        assigned.clear()
        assigned.update(tp.partition for tp in signal_args[0] if tp.topic == args.input_topic)

    @app.on_rebalance_complete.connect
    async def _ready(_app: Any, /, *_args: Any, **_kw: Any) -> None:
        if assigned:
            _emit("assigned", sorted(assigned))

    @app.on_partitions_revoked.connect
    async def _revoked(_app: Any, /, *signal_args: Any, **_kw: Any) -> None:
        mine = sorted(tp.partition for tp in signal_args[0] if tp.topic == args.input_topic)
        if mine:
            _emit("revoked", mine)

    @app.agent(source)
    async def count_sender(stream: Any) -> None:
        async for event in stream.events():
            doc = orjson.loads(event.value)
            sender = doc["from"]["address"]
            key = f"{doc['tenant_id']}|{sender}"
            seen = counts[key] + 1
            counts[key] = seen
            message = event.message
            await sink.send(key=event.key, value=orjson.dumps({
                "message_id": doc["message_id"], "sender": sender, "count": seen,
                "partition": message.partition, "offset": message.offset}))

    worker = faust.Worker(app, loglevel="WARNING", quiet=True, redirect_stdouts=False)
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()

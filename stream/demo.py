"""``mailhawk demo``: broker, engine and a replay of sample traffic, then a summary.

Everything it starts it stops: the Tansu broker (memory only), one engine process, the
feedback service, and a temporary state folder. After the verdicts, the demo plays the users
and analysts (feedback from the labels) and prints what the feedback service made of it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from schemas import HELD_ACTIONS, MailRecord
from stream.broker import DevBroker, exit_cleanly_on_sigterm, free_port, start_broker
from stream.config import EngineConfig
from stream.kafka import ensure_topics
from stream.replay import collect, produce_raw, produce_records

BAD_RECORDS: list[tuple[str, bytes]] = [
    ("invalid JSON", b'{"message_id": "broken'),
    ("wrong schema version", b'{"schema_version": 99, "message_id": "x", "tenant_id": "t"}'),
    ("missing field", b'{"schema_version": 1, "message_id": "m-1", "tenant_id": "demo"}'),
]


def _sample_traffic(messages: int, attacks: int, corpora: str | None
                    ) -> tuple[list[MailRecord], dict[str, tuple[str, str]], str]:
    from bench.corpus import build, corpora_dir

    found = corpora_dir(corpora)
    if found is not None:
        records, labels = build(found, ham_limit=messages, attacks_limit=attacks,
                                normalise=True, progress=True)
        return records, {lab.message_id: (lab.label, lab.scenario) for lab in labels}, \
            f"real corpora in {found} (headers normalised)"
    from bench.generate import generate

    records, label_map = [], {}
    for record, label in generate(tenants=1, days=20, seed=3, employees=(30, 40)):
        records.append(record)
        label_map[record.message_id] = (label.label, label.scenario)
        if len(records) >= messages + attacks:
            break
    return records, label_map, "synthetic organisation traffic (no corpora found)"


def run_demo(*, messages: int, attacks: int, corpora: str | None, keep_state: bool,
             feedback: bool = True) -> None:
    """Run the whole demo and print its summary."""
    echo = click.echo
    exit_cleanly_on_sigterm()  # a stopped demo stops its broker, engine and service too
    records, labels, origin = _sample_traffic(messages, attacks, corpora)
    echo(f"sample traffic: {len(records)} messages from {origin}")
    state_dir = Path(tempfile.mkdtemp(prefix="mailhawk-demo-"))
    broker: DevBroker | None = None
    engine: subprocess.Popen[bytes] | None = None
    service: subprocess.Popen[bytes] | None = None
    try:
        broker = start_broker(free_port())
        echo(f"dev broker (Tansu) on {broker.bootstrap_servers}")
        config = EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=4,
                              state_dir=str(state_dir), metrics_port=free_port())
        ensure_topics(config)
        engine = subprocess.Popen(
            [sys.executable, "-m", "stream", "run", "--bootstrap-servers",
             broker.bootstrap_servers, "--state-dir", str(state_dir), "--metrics-port",
             str(config.metrics_port), "--partitions", "4"],
            stdin=subprocess.DEVNULL, stderr=open(state_dir / "engine.log", "wb"),  # noqa: SIM115
            # Tansu holds a waiting fetch for fetch.wait.max.ms even when data arrives (Kafka
            # answers at once): a short wait keeps the demo's latency honest on the dev broker.
            env={**os.environ, "MAILHAWK_KAFKA_FETCH_WAIT_MAX_MS": "10"})
        echo(f"engine started (pid {engine.pid}; metrics on http://127.0.0.1:"
             f"{config.metrics_port}/metrics; log {state_dir / 'engine.log'})")
        _wait_ready(engine, config.metrics_port, state_dir / "engine.log")
        started = time.time()
        with tqdm(total=len(records), desc="replay", unit=" msg") as bar:
            produce_records(broker.bootstrap_servers, config.input_topic, records,
                            on_progress=lambda n: bar.update(n - bar.n))
            bar.update(len(records) - bar.n)
        produce_raw(broker.bootstrap_servers, config.input_topic,
                    [(b"demo", raw) for _, raw in BAD_RECORDS])
        with tqdm(total=len(records), desc="verdicts", unit=" msg") as bar:
            got = collect(broker.bootstrap_servers, config.verdict_topic, expect=len(records),
                          dead_letter_topic=config.dead_letter_topic, timeout=600,
                          quiet_after=2.0, on_progress=lambda n: bar.update(n - bar.n))
        # From the first record produced to the last verdict received (not to when the
        # collector noticed the stream had gone quiet).
        elapsed = (max(got.received_at) if got.received_at else time.time()) - started
        _summary(records, labels, got, elapsed)
        if feedback:  # after the verdicts, so it takes no CPU from the engine's figures
            port = free_port()
            service = subprocess.Popen(
                [sys.executable, "-m", "stream", "feedback", "run", "--bootstrap-servers",
                 broker.bootstrap_servers, "--state-dir", str(state_dir / "feedback"),
                 "--port", str(port), "--partitions", "4",
                 "--no-consistency-check"],  # the dev broker's short end offsets (README)
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=open(state_dir / "feedback.log", "wb"))  # noqa: SIM115
            echo("")
            echo(f"feedback service started (pid {service.pid}; metrics on http://127.0.0.1:"
                 f"{port}/metrics; log {state_dir / 'feedback.log'})")
            _feedback_loop(service, port, state_dir, broker.bootstrap_servers, records,
                           labels, got)
        click.echo("=" * 72)
    finally:
        for proc in (service, engine):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if broker is not None:
            broker.stop()
        if keep_state:
            echo(f"state kept in {state_dir}")
        else:
            shutil.rmtree(state_dir, ignore_errors=True)


def _feedback_loop(service: subprocess.Popen[bytes], port: int, state_dir: Path,
                   bootstrap_servers: str, records: list[MailRecord],
                   labels: dict[str, tuple[str, str]], got: Any) -> None:
    """Play the users and analysts: feedback from the labels, then what the service made of it.

    Every attack the engine let through is reported by its recipient with the message
    attached (a report button), every held ham is released, every held attack is confirmed
    by an analyst; the service joins each to its verdict.
    """
    from bench.run import scrape_local
    from schemas import Feedback, encode_feedback
    from stream.feedback import FeedbackConfig, export_examples

    echo = click.echo
    _wait_ready(service, port, state_dir / "feedback.log", what="feedback service")
    verdicts = {v.message_id: v for v in got.verdicts}
    _wait_metric(service, port, "mailhawk_feedback_verdicts_total", len(verdicts),
                 state_dir / "feedback.log")
    now = time.time()
    items: list[tuple[bytes, bytes]] = []
    for r in records:
        v = verdicts.get(r.message_id)
        if v is None:
            continue
        held, attack = v.action in HELD_ACTIONS, labels[r.message_id][0] != "ham"
        if attack and not held:
            fb = Feedback(r.tenant_id, r.message_id, "attack", "user", now,
                          recipient=r.recipients[0] if r.recipients else "", mail=r)
        elif held:
            fb = Feedback(r.tenant_id, r.message_id, "attack" if attack else "ham",
                          "analyst" if attack else "release", now)
        else:
            continue
        items.append((r.tenant_id.encode(), encode_feedback(fb)))
    topics = FeedbackConfig()  # the service runs with its default topics
    produce_raw(bootstrap_servers, topics.feedback_topic, items)
    _wait_metric(service, port, "mailhawk_feedback_training_examples_total", len(items),
                 state_dir / "feedback.log")
    outcomes = Counter[str]()
    for name, labels_of, value in scrape_local(port) or ():
        if name == "mailhawk_feedback_outcomes_total":
            outcomes[labels_of["outcome"]] += int(value)
    path = state_dir / "examples.jsonl"
    exported = export_examples(bootstrap_servers, topics.training_topic, path, progress=False)
    with_mail = sum(n for k, n in exported.items() if ", with " in k)
    echo("")
    echo("feedback (users and analysts played from the labels):")
    echo(f"  sent                   {len(items)}: missed attacks reported by users, held "
         "attacks confirmed, held ham released")
    echo("  outcomes counted       " + ", ".join(f"{k}: {n}" for k, n in
                                                 sorted(outcomes.items()) if n))
    echo(f"  training examples      {sum(exported.values())} exported, {with_mail} with the "
         f"message: `mailhawk train --feedback {path.name}` would learn from them (the file "
         "stays with --keep-state)")


def _wait_metric(proc: subprocess.Popen[bytes], port: int, name: str, target: float,
                 log: Path, timeout: float = 120.0) -> None:
    from bench.run import metric_total, scrape_local

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise click.ClickException(f"the feedback service exited with code "
                                       f"{proc.returncode}; its log is {log}")
        if metric_total(scrape_local(port), name) >= target:
            return
        time.sleep(0.3)
    raise click.ClickException(f"the feedback service counted fewer than {target:.0f} "
                               f"({name}) in {timeout:.0f} s; see {log}")


def _wait_ready(engine: subprocess.Popen[bytes], port: int, log: Path,
                timeout: float = 90.0, what: str = "engine") -> None:
    """Wait until the process's /readyz answers 200 (it has joined the group and restored)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if engine.poll() is not None:
            raise click.ClickException(f"the {what} exited with code {engine.returncode}; "
                                       f"its log is {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise click.ClickException(f"the {what} was not ready after {timeout:.0f} s; see {log}")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _summary(records: list[MailRecord], labels: dict[str, tuple[str, str]], got: Any,
             elapsed: float) -> None:
    echo = click.echo
    verdicts = {v.message_id: v for v in got.verdicts}
    by_action = Counter(v.action for v in verdicts.values())
    by_attack = Counter(v.attack_type for v in verdicts.values() if v.action != "allow")
    missing = len({r.message_id for r in records} - set(verdicts))
    latencies = [v.latency_ms for v in verdicts.values()]
    echo("")
    echo("=" * 72)
    echo(f"messages replayed        {len(records)}")
    echo(f"verdicts received        {len(verdicts)} (missing: {missing}, duplicates: "
         f"{len(got.verdicts) - len(verdicts)})")
    echo(f"dead letters             {len(got.dead_letters)}  "
         + ", ".join(f"{d.error_kind}: {d.error[:60]}" for d in got.dead_letters))
    echo(f"throughput               {len(verdicts) / max(elapsed, 1e-9):,.0f} msg/s "
         "(replay start to last verdict)")
    echo(f"latency produce→verdict  p50 {_pct(latencies, 0.5):.1f} ms   "
         f"p99 {_pct(latencies, 0.99):.1f} ms")
    echo("verdicts by action       " + ", ".join(f"{a}: {n}" for a, n in by_action.most_common()))
    echo("flagged by attack type   " + ", ".join(f"{a}: {n}" for a, n in by_attack.most_common()))
    echo("")
    echo(f"{'source':<22}{'messages':>9}{'quarantine/block':>18}{'warn':>7}")
    per: dict[str, Counter[str]] = {}
    for mid, (_, scenario) in labels.items():
        v = verdicts.get(mid)
        if v is not None:
            per.setdefault(scenario, Counter())[v.action] += 1
    for scenario, c in sorted(per.items()):
        total = sum(c.values())
        caught = c["quarantine"] + c["block"]
        echo(f"{scenario:<22}{total:>9}{caught:>10} ({caught / total:6.1%}){c['warn']:>7}")
    echo("")
    echo("caught examples (evidence):")
    seen: set[tuple[str, str]] = set()  # one example per source and attack type
    for v in verdicts.values():
        label, scenario = labels.get(v.message_id, ("", "?"))
        if v.action in HELD_ACTIONS and label != "ham" and len(seen) < 6 and \
                (scenario, v.attack_type) not in seen:
            seen.add((scenario, v.attack_type))
            echo(f"  - {v.action:<10} {v.attack_type:<20} score {v.score:.2f}  "
                 f"decided by {v.decided_by}  [{scenario}]")
            for h in v.hits[:3]:
                echo(f"      {h.detector}: {h.score:.2f} {dict(list(h.evidence.items())[:4])}")

"""``mailhawk bench feedback``: how fast the feedback service keeps up, on the dev broker.

The feedback service reads the engine's whole verdict output (it keeps a summary of every
verdict to join feedback to) and a far smaller feedback stream. Both rates are measured with
the real service process (``mailhawk feedback run``) on the bundled broker: verdicts are
produced first (as the engine produces them: keyed by tenant, lz4), the service is started
and timed from its first counted verdict to the last; then feedback about those messages is
produced and timed from the first training example to the last. Compare the verdict rate with
the engine's messages per second (``mailhawk bench run``): a deployment needs enough feedback
workers that this rate stays above the engine fleet's output.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from bench.run import metric_total, scrape_local
from schemas import HELD_ACTIONS, Feedback, encode_feedback, encode_verdict
from schemas.records import Hit, SourcePosition, Verdict
from stream.broker import free_port, start_broker
from stream.config import EngineConfig
from stream.feedback import FeedbackConfig
from stream.kafka import LatchingProducer, ensure_topics, producer_config

__all__ = ["run_feedback_cost"]

_REPO = Path(__file__).resolve().parents[1]
_ACTIONS = ("allow",) * 90 + ("warn",) * 6 + ("quarantine",) * 3 + ("block",)


def _verdict(i: int, tenants: int, rng: random.Random) -> Verdict:
    action = rng.choice(_ACTIONS)
    attack = "none" if action == "allow" else rng.choice(("spam", "credential_phishing", "bec"))
    return Verdict(f"<bench-{i}@feedback.invalid>", f"tenant-{i % tenants}",
                   (f"user{i % 50}@tenant.invalid",), action, attack,  # type: ignore[arg-type]
                   rng.random(), (Hit("first_contact", 0.15, {"first_contact": True}),),
                   "model-bench", "rules-bench", SourcePosition("mail.inbound", 0, i),
                   time.time(), 1.0, "model")


def _rate(port: int, metric: str, target: float, timeout: float,
          proc: subprocess.Popen[bytes], log: Path) -> tuple[float, float]:
    """(items, seconds) from the first counted item to ``target``."""
    first: tuple[float, float] | None = None
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the feedback service exited with {proc.returncode}; its "
                               f"log: {log}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{metric} did not reach {target:.0f} in {timeout:.0f} s; the "
                               f"service's log: {log}")
        seen = metric_total(scrape_local(port), metric)
        now = time.monotonic()
        if seen > 0 and first is None:
            first = (now, seen)
        if first is not None and seen >= target:
            return seen - first[1], max(now - first[0], 1e-9)
        time.sleep(0.05)


def run_feedback_cost(out: Path, *, verdicts: int = 30_000, feedback: int = 2_000,
                      tenants: int = 7, partitions: int = 4, timeout: float = 600.0,
                      log: Callable[[str], None] = print) -> dict[str, Any]:
    """Measure both rates; writes ``report.json`` and ``report.md`` to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
    broker = start_broker(free_port(), log_path=out / "tansu.log")
    proc: subprocess.Popen[bytes] | None = None
    try:
        cfg = EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=partitions)
        ensure_topics(cfg)
        producer = LatchingProducer(producer_config(cfg))
        log(f"producing {verdicts:,} verdicts")
        made = [_verdict(i, tenants, rng) for i in range(verdicts)]
        for v in made:
            producer.produce(cfg.verdict_topic, encode_verdict(v), key=v.tenant_id.encode())
        producer.flush()
        port = free_port()
        service_log = out / "feedback-service.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "stream", "feedback", "run", "--bootstrap-servers",
             broker.bootstrap_servers, "--state-dir", str(out / "state"), "--port", str(port),
             "--partitions", str(partitions), "--no-consistency-check"],
            cwd=_REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(service_log, "wb"),  # noqa: SIM115
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        log("feedback service started; timing the verdicts it keeps")
        v_items, v_secs = _rate(port, "mailhawk_feedback_verdicts_total", verdicts, timeout,
                                proc, service_log)
        log(f"producing {feedback:,} feedback records")
        for v in rng.sample(made, min(feedback, len(made))):
            label = "ham" if v.action in HELD_ACTIONS else "attack"
            fb = Feedback(v.tenant_id, v.message_id, label, "user", time.time())
            producer.produce(FeedbackConfig().feedback_topic, encode_feedback(fb),
                             key=v.tenant_id.encode())
        producer.flush()
        f_items, f_secs = _rate(port, "mailhawk_feedback_training_examples_total",
                                min(feedback, len(made)), timeout, proc, service_log)
        producer.close()
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(30)
        broker.stop()
    report = {"verdicts": {"counted": v_items, "seconds": v_secs, "per_s": v_items / v_secs},
              "feedback": {"counted": f_items, "seconds": f_secs, "per_s": f_items / f_secs},
              "tenants": tenants, "partitions": partitions,
              "python": sys.version.split()[0]}
    (out / "report.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    (out / "report.md").write_text(
        "# Feedback service throughput\n\n"
        "One `mailhawk feedback run` process on the bundled broker (same machine).\n\n"
        "| stream | records timed | seconds | records/s |\n|---|---:|---:|---:|\n"
        f"| verdicts kept (summary per verdict) | {v_items:,.0f} | {v_secs:.1f} | "
        f"{v_items / v_secs:,.0f} |\n"
        f"| feedback judged (example produced) | {f_items:,.0f} | {f_secs:.1f} | "
        f"{f_items / f_secs:,.0f} |\n")
    return report

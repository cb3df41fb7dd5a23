"""Prometheus metrics and the health endpoints, on a registry passed in (never the global one).

Labels never carry an address, subject or body: only action, attack type, error kind,
detector name, stage and partition.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

from detectors.policy import ALLOWED, INDICATOR_BLOCKS, REFUSALS
from schemas import Hit, MailRecord, ShadowVerdict
from schemas.errors import SCHEMA_ERROR_KINDS
from schemas.records import ERASURE_KINDS

DETECTION_FAILED: Final = "detection_failed"
"""The dead-letter kind of a valid record detection raised on (``Engine._set_aside``)."""

MODEL_SCORE_BINS: Final = (0.0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.95,
                           0.99)
"""Lower edges of the bins ``mailhawk_model_scores_total`` counts the models' attack
probability in. Fine near 0 and 1, where nearly all mail scores: a shift there (ham creeping
from 0.001 to 0.01) is the first sign of drift, long before it crosses a threshold."""
MODEL_SCORE_LABELS: Final = tuple(f"{edge:g}" for edge in MODEL_SCORE_BINS)

INPUT_FIELDS: Final = ("text", "html", "urls", "attachments", "auth_spf", "auth_dkim",
                       "auth_dmarc", "client_ip", "reply_to", "return_path", "display_name",
                       "thread")
"""Optional fields of an inbound record whose presence ``mailhawk_inbound_fields_total``
counts. Each feeds detectors that go blind without it (authentication results: spoofing;
client IP: account takeover's new network; text: the content model), and an upstream change
that drops one fails no schema check: only its share of the traffic shows it."""

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                    2.5, 5.0)


@dataclass
class EngineMetrics:
    """Every metric the engine exports; build with :meth:`create`."""

    registry: CollectorRegistry
    records_in: Counter
    directory_records: Counter
    verdicts: Counter
    dead_letters: Counter
    hits: Counter
    batch_seconds: Histogram
    stage_seconds: Counter
    batch_size: Histogram
    consumer_lag: Gauge
    all_tenants_rules: Gauge
    assigned_partitions: Gauge
    restored_records: Counter
    corrupt_stores: Counter
    unflushed_batches: Gauge
    uncommitted_records: Gauge
    state_memory: Gauge
    state_memory_budget: Gauge
    state_cached_profiles: Gauge
    state_cache_budget: Gauge
    state_cache_limit: Gauge
    skipped_replayed: Counter
    future_dated: Counter
    repeated_message_ids: Counter
    model_info: Gauge
    ready: Gauge
    inbound_messages: Counter
    inbound_fields: Counter
    model_scores: Counter
    shadow_model_info: Gauge
    shadow_verdicts: Counter
    shadow_actions: Counter
    shadow_failures: Counter
    expiry_scanned: Counter
    expired_keys: Counter
    expiry_cycles: Counter
    erasures: Counter
    erased_keys: Counter
    erasures_in_progress: Gauge
    policy_refusals: Counter
    internal_blocked: Counter

    @classmethod
    def create(cls, registry: CollectorRegistry, prefix: str = "mailhawk") -> EngineMetrics:
        """Register the engine's metrics on ``registry``."""
        p = prefix
        return cls(
            registry=registry,
            records_in=Counter(f"{p}_records_in", "Records consumed from the input topic "
                               "(scored or dead-lettered)", registry=registry),
            directory_records=Counter(f"{p}_directory_records", "Records consumed from the "
                                      "directory topic (applied or dead-lettered)",
                                      registry=registry),
            verdicts=Counter(f"{p}_verdicts", "Verdicts produced, by what set the action",
                             ["action", "attack_type", "decided_by"], registry=registry),
            dead_letters=_preset(Counter(f"{p}_dead_letters", "Records routed to the "
                                         "dead-letter topic", ["error_kind"],
                                         registry=registry),
                                 (*SCHEMA_ERROR_KINDS, DETECTION_FAILED)),
            hits=Counter(f"{p}_detector_hits", "Detector hits", ["detector"],
                         registry=registry),
            batch_seconds=Histogram(f"{p}_batch_seconds", "Wall time to process one batch "
                                    "(decode to commit)", buckets=_LATENCY_BUCKETS,
                                    registry=registry),
            stage_seconds=Counter(f"{p}_stage_seconds", "CPU-side time spent per stage",
                                  ["stage"], registry=registry),
            batch_size=Histogram(f"{p}_batch_records", "Records per batch",
                                 buckets=(1, 10, 50, 100, 250, 500, 1000, 2000),
                                 registry=registry),
            consumer_lag=Gauge(f"{p}_consumer_lag", "High watermark minus next offset",
                               ["partition"], registry=registry),
            all_tenants_rules=Gauge(f"{p}_policy_all_tenants_rules", "Sender-policy rules "
                                    "for every tenant each owned partition holds, by list "
                                    "(every partition should hold the same)",
                                    ["partition", "list"], registry=registry),
            assigned_partitions=Gauge(f"{p}_assigned_partitions", "Input partitions owned",
                                      registry=registry),
            restored_records=Counter(f"{p}_changelog_restored_records",
                                     "Changelog records applied during restore",
                                     registry=registry),
            corrupt_stores=Counter(f"{p}_state_corrupt_stores", "Partition stores RocksDB "
                                   "found corrupt at opening: set aside, the partition "
                                   "restored from the changelog", registry=registry),
            unflushed_batches=Gauge(f"{p}_state_unflushed_batches", "Batches written to the "
                                    "state stores since their last flush (what a killed "
                                    "engine restores from the changelog)", registry=registry),
            uncommitted_records=Gauge(f"{p}_uncommitted_records", "Records scored (verdicts "
                                      "out) since the last state commit: what a crash scores "
                                      "again", registry=registry),
            state_memory=Gauge(f"{p}_state_memory_bytes", "RocksDB memory the partition "
                               "stores share, by part (block_cache, of which "
                               "block_cache_pinned; write_buffers)", ["part"],
                               registry=registry),
            state_memory_budget=Gauge(f"{p}_state_memory_budget_bytes", "The configured "
                                      "bound of each part of state_memory_bytes",
                                      ["part"], registry=registry),
            state_cached_profiles=Gauge(f"{p}_state_cached_profiles", "Decoded profiles "
                                        "held in memory over every owned partition",
                                        registry=registry),
            state_cache_budget=Gauge(f"{p}_state_cache_budget_profiles", "The configured "
                                     "bound of state_cached_profiles (MAILHAWK_CACHE_ENTRIES)",
                                     registry=registry),
            state_cache_limit=Gauge(f"{p}_state_cache_limit_profiles", "The profiles kept "
                                    "now over every owned partition: the budget, or fewer "
                                    "while cached profiles average more than 2 KB",
                                    registry=registry),
            skipped_replayed=Counter(f"{p}_replayed_skipped",
                                     "Records skipped because their state was already applied",
                                     registry=registry),
            future_dated=Counter(f"{p}_future_dated", "Messages dated more than a day after "
                                 "this host's clock, scored and learnt as dated a day from "
                                 "now (a sender's Date header, or an upstream clock or "
                                 "unit bug)", registry=registry),
            repeated_message_ids=Counter(
                f"{p}_repeated_message_ids", "Records carrying the tenant and message id of "
                "another record among the partition's last 2,000 here: an upstream "
                "producer's retry (make it idempotent) or a sender reusing a Message-ID (a "
                "message id is the sender's to write: never identify a message by it alone)",
                registry=registry),
            model_info=Gauge(f"{p}_model_info", "Loaded model and rules versions",
                             ["model_version", "rules_version"], registry=registry),
            ready=Gauge(f"{p}_ready", "1 when the engine owns partitions and is not restoring",
                        registry=registry),
            inbound_messages=Counter(f"{p}_inbound_messages", "Inbound mail records scored",
                                     registry=registry),
            inbound_fields=_preset(Counter(
                f"{p}_inbound_fields", "Inbound mail records carrying each optional field",
                ["field"], registry=registry), INPUT_FIELDS),
            model_scores=_preset(Counter(
                f"{p}_model_scores", "Inbound messages by the models' attack probability "
                "(bin: lower edge)", ["bin"], registry=registry), MODEL_SCORE_LABELS),
            shadow_model_info=Gauge(f"{p}_shadow_model_info", "The shadow model scoring next "
                                    "to the model (absent without one)", ["model_version"],
                                    registry=registry),
            shadow_verdicts=Counter(f"{p}_shadow_verdicts", "What the shadow model would "
                                    "have decided", ["action", "attack_type", "decided_by",
                                                     "model_version"], registry=registry),
            shadow_actions=Counter(f"{p}_shadow_actions", "Messages by the action taken and "
                                   "the shadow model's action, per shadow version",
                                   ["action", "shadow_action", "model_version"],
                                   registry=registry),
            shadow_failures=Counter(f"{p}_shadow_failures", "Batches the shadow model failed "
                                    "on (their verdicts went out without its part)",
                                    registry=registry),
            expiry_scanned=Counter(f"{p}_state_expiry_scanned_keys", "State keys the idle "
                                   "expiry sweep visited", registry=registry),
            expired_keys=Counter(f"{p}_state_expired_keys", "Idle profiles the sweep deleted "
                                 "(store and changelog)", registry=registry),
            expiry_cycles=Counter(f"{p}_state_expiry_cycles", "Sweeps that reached the end of "
                                  "a partition's store (each key visited once per cycle)",
                                  registry=registry),
            erasures=_preset(Counter(f"{p}_state_erasures", "Erasure requests applied from the "
                                     "directory topic", ["kind"], registry=registry),
                             tuple(sorted(ERASURE_KINDS))),
            erased_keys=Counter(f"{p}_state_erased_keys", "State keys erasure requests deleted "
                                "or rewritten (store and changelog)", registry=registry),
            erasures_in_progress=Gauge(f"{p}_state_tenant_erasures_in_progress", "Tenants "
                                       "whose erasure this engine is still carrying out",
                                       registry=registry),
            policy_refusals=_preset(Counter(
                f"{p}_policy_refusals", "Messages an allow rule named but could not let "
                "through, by reason (not_authenticated: a forged or misconfigured allowed "
                "sender; malware: an allowed sender sending malware)", ["reason"],
                registry=registry), REFUSALS),
            internal_blocked=_preset(Counter(
                f"{p}_internal_blocked", "Internal messages (between the tenant's own "
                "mailboxes) with a link or a file an analyst blocked, by detector: the "
                "sending account is likely compromised", ["detector"], registry=registry),
                INDICATOR_BLOCKS),
        )


def _preset(counter: Counter, values: tuple[str, ...]) -> Counter:
    """``counter`` with a zero series for each of ``values``.

    A share computed over a window where a value never occurred is then 0, not absent (an
    absent series silently drops its term from a drift sum).
    """
    for value in values:
        counter.labels(value)
    return counter


def input_fields(record: MailRecord) -> list[str]:
    """The :data:`INPUT_FIELDS` ``record`` carries."""
    auth = record.auth
    present = (record.text, record.html, record.urls, record.attachments, auth.spf, auth.dkim,
               auth.dmarc, record.client_ip, record.reply_to, record.return_path,
               record.sender.name, record.in_reply_to or record.references)
    return [name for name, value in zip(INPUT_FIELDS, present, strict=True) if value]


def score_bin(probability: float) -> str:
    """The :data:`MODEL_SCORE_LABELS` bin of an attack probability in [0, 1]."""
    return MODEL_SCORE_LABELS[max(bisect_right(MODEL_SCORE_BINS, probability) - 1, 0)]


class BatchTally:
    """What one batch adds to the verdict, hit and drift counters.

    Counted in plain dicts per message and added to Prometheus once per batch: a labelled
    ``inc`` takes a lock and a label look-up, several per message otherwise.
    """

    __slots__ = ("fields", "hits", "inbound", "internal_blocked", "refusals", "scores",
                 "shadow_actions", "shadow_verdicts", "verdicts")

    def __init__(self) -> None:
        self.verdicts: dict[tuple[str, str, str], int] = {}
        self.hits: dict[str, int] = {}
        self.fields: dict[str, int] = {}
        self.scores: dict[str, int] = {}
        self.shadow_verdicts: dict[tuple[str, str, str, str], int] = {}
        self.shadow_actions: dict[tuple[str, str, str], int] = {}
        self.refusals: dict[str, int] = {}
        self.internal_blocked: dict[str, int] = {}
        self.inbound = 0

    def add(self, record: MailRecord, action: str, attack_type: str, decided_by: str,
            hits: Sequence[Hit], model_score: float | None,
            shadow: ShadowVerdict | None = None) -> None:
        """Count one message: verdict, hits, a shadow model's verdict, (inbound) drift inputs.

        Also an allow rule that matched but could not act: its hit comes first (see
        ``Cascade.decide``).
        """
        key = (action, attack_type, decided_by)
        self.verdicts[key] = self.verdicts.get(key, 0) + 1
        if hits and hits[0].detector == ALLOWED and (why := hits[0].evidence.get("refused")):
            self.refusals[why] = self.refusals.get(why, 0) + 1
        for h in hits:
            self.hits[h.detector] = self.hits.get(h.detector, 0) + 1
        if hits and record.direction == "internal":  # a colleague spreading a known lure
            for h in hits:
                if h.detector in INDICATOR_BLOCKS:
                    self.internal_blocked[h.detector] = \
                        self.internal_blocked.get(h.detector, 0) + 1
        if shadow is not None:
            version = shadow.model_version
            shadow_key = (shadow.action, shadow.attack_type, shadow.decided_by, version)
            self.shadow_verdicts[shadow_key] = self.shadow_verdicts.get(shadow_key, 0) + 1
            pair = (action, shadow.action, version)
            self.shadow_actions[pair] = self.shadow_actions.get(pair, 0) + 1
        if record.direction != "inbound":
            return
        self.inbound += 1
        for name in input_fields(record):
            self.fields[name] = self.fields.get(name, 0) + 1
        if model_score is not None:
            label = score_bin(model_score)
            self.scores[label] = self.scores.get(label, 0) + 1

    def publish(self, metrics: EngineMetrics) -> None:
        """Add the batch's counts to ``metrics``."""
        for (action, attack, decided_by), n in self.verdicts.items():
            metrics.verdicts.labels(action, attack, decided_by).inc(n)
        for detector, n in self.hits.items():
            metrics.hits.labels(detector).inc(n)
        for reason, n in self.refusals.items():
            metrics.policy_refusals.labels(reason).inc(n)
        for detector, n in self.internal_blocked.items():
            metrics.internal_blocked.labels(detector).inc(n)
        if self.inbound:
            metrics.inbound_messages.inc(self.inbound)
        for name, n in self.fields.items():
            metrics.inbound_fields.labels(name).inc(n)
        for label, n in self.scores.items():
            metrics.model_scores.labels(label).inc(n)
        for labels, n in self.shadow_verdicts.items():
            metrics.shadow_verdicts.labels(*labels).inc(n)
        for pair, n in self.shadow_actions.items():
            metrics.shadow_actions.labels(*pair).inc(n)


class Health:
    """Liveness and readiness, set by the engine, read by the HTTP server thread."""

    def __init__(self, gauge: Gauge | None = None) -> None:
        self.alive = True
        self.ready = False
        self.reason = "starting"
        self._gauge = gauge

    def set_ready(self, ready: bool, reason: str = "") -> None:
        self.ready = ready
        self.reason = reason
        if self._gauge is not None:
            self._gauge.set(1 if ready else 0)


def serve(registry: CollectorRegistry, health: Health, host: str,
          port: int) -> ThreadingHTTPServer:
    """Serve ``/metrics``, ``/healthz`` and ``/readyz`` on a daemon thread; port 0 picks one."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/metrics"):
                self._send(200, generate_latest(registry), "text/plain; version=0.0.4")
            elif self.path.startswith("/healthz"):
                ok = health.alive
                self._send(200 if ok else 503, b"ok\n" if ok else b"dead\n")
            elif self.path.startswith("/readyz"):
                ok = health.ready
                self._send(200 if ok else 503, (("ready" if ok else "not ready: "
                                                 + health.reason) + "\n").encode())
            else:
                self._send(404, b"not found\n")

        def _send(self, code: int, body: bytes, ctype: str = "text/plain") -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:  # quiet: no request log lines
            return

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="mailhawk-metrics",
                     daemon=True).start()
    return server

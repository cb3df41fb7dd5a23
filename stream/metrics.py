"""Prometheus metrics and the health endpoints, on a registry passed in (never the global one).

Labels never carry an address, subject or body: only action, attack type, error kind,
detector name, stage and partition.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                    2.5, 5.0)


@dataclass
class EngineMetrics:
    """Every metric the engine exports; build with :meth:`create`."""

    registry: CollectorRegistry
    records_in: Counter
    verdicts: Counter
    dead_letters: Counter
    hits: Counter
    batch_seconds: Histogram
    stage_seconds: Counter
    batch_size: Histogram
    consumer_lag: Gauge
    assigned_partitions: Gauge
    restored_records: Counter
    skipped_replayed: Counter
    model_info: Gauge
    ready: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry, prefix: str = "mailhawk") -> EngineMetrics:
        """Register the engine's metrics on ``registry``."""
        p = prefix
        return cls(
            registry=registry,
            records_in=Counter(f"{p}_records_in", "Records consumed from the input topic",
                               registry=registry),
            verdicts=Counter(f"{p}_verdicts", "Verdicts produced, by what set the action",
                             ["action", "attack_type", "decided_by"], registry=registry),
            dead_letters=Counter(f"{p}_dead_letters", "Records routed to the dead-letter topic",
                                 ["error_kind"], registry=registry),
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
            assigned_partitions=Gauge(f"{p}_assigned_partitions", "Input partitions owned",
                                      registry=registry),
            restored_records=Counter(f"{p}_changelog_restored_records",
                                     "Changelog records applied during restore",
                                     registry=registry),
            skipped_replayed=Counter(f"{p}_replayed_skipped",
                                     "Records skipped because their state was already applied",
                                     registry=registry),
            model_info=Gauge(f"{p}_model_info", "Loaded model and rules versions",
                             ["model_version", "rules_version"], registry=registry),
            ready=Gauge(f"{p}_ready", "1 when the engine owns partitions and is not restoring",
                        registry=registry),
        )


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

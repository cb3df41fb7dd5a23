"""Shared fixtures: the real dev broker process, engine processes, the corpora."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from stream.broker import DevBroker, free_port, start_broker

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The development corpora folder, or a skip that says how to provide it."""
    from bench.corpus import corpora_dir

    found = corpora_dir()
    if found is None:
        pytest.skip("development corpora not found: set MAILHAWK_CORPORA or place "
                    "../shared/data/corpora beside the repository")
    return found


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevBroker]:
    """One Tansu broker process for the whole session (tests use their own topics)."""
    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    dev = start_broker(free_port(), log_path=log)
    yield dev
    dev.stop()


@dataclass
class Topics:
    """Topic names unique to one test, so tests sharing the broker never see each other."""

    suffix: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def input(self) -> str:
        return f"in-{self.suffix}"

    @property
    def verdicts(self) -> str:
        return f"verdicts-{self.suffix}"

    @property
    def dead(self) -> str:
        return f"dead-{self.suffix}"

    @property
    def changelog(self) -> str:
        return f"changelog-{self.suffix}"

    @property
    def directory(self) -> str:
        return f"directory-{self.suffix}"

    @property
    def group(self) -> str:
        return f"group-{self.suffix}"

    @property
    def feedback(self) -> str:
        return f"feedback-{self.suffix}"

    @property
    def training(self) -> str:
        return f"training-{self.suffix}"


@pytest.fixture
def topics() -> Topics:
    return Topics()


def scored(broker: DevBroker, topics: Topics, records: list) -> list:
    """Produce ``records`` to the input topic; their verdicts from the engine, in order."""
    from stream.replay import collect, produce_records

    produce_records(broker.bootstrap_servers, topics.input, records)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records),
                  dead_letter_topic=topics.dead, timeout=60, quiet_after=1.0)
    by_id = {v.message_id: v for v in got.verdicts}
    return [by_id[r.message_id] for r in records]


class ServiceProcess:
    """A ``python -m stream ...`` service as a real child process, with its HTTP endpoints."""

    name = "service"

    def __init__(self, args: list[str], state_dir: Path, metrics_port: int,
                 env: dict[str, str] | None = None) -> None:
        self.metrics_port = metrics_port
        self.state_dir = state_dir
        self.log_path = state_dir.parent / f"{state_dir.name}-{time.time_ns()}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stream", *args], cwd=REPO, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=open(self.log_path, "wb"),  # noqa: SIM115
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})

    def metric(self, name: str, **labels: str) -> float:
        """Sum of a metric's samples from /metrics that carry ``labels`` (0 when absent)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics",
                                    timeout=5) as resp:
            text = resp.read().decode()
        wanted = [f'{k}="{v}"' for k, v in labels.items()]
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name) and (line[len(name)] in " {") and all(
                    w in line for w in wanted):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.process.returncode}:"
                                     "\n" + self.log())
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/readyz",
                                            timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.name} not ready in time:\n" + self.log())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)


class EngineProcess(ServiceProcess):
    """``python -m stream run`` as a real child process."""

    name = "engine"

    def __init__(self, broker: DevBroker, topics: Topics, state_dir: Path,
                 *extra: str, env: dict[str, str] | None = None) -> None:
        port = free_port()
        super().__init__(
            ["run", "--bootstrap-servers", broker.bootstrap_servers,
             "--input-topic", topics.input, "--verdict-topic", topics.verdicts,
             "--dead-letter-topic", topics.dead, "--changelog-topic", topics.changelog,
             "--group", topics.group, "--state-dir", str(state_dir),
             "--metrics-port", str(port), "--partitions", "4", *extra],
            state_dir, port, env)


@pytest.fixture
def engine_factory(broker: DevBroker, topics: Topics, tmp_path: Path):
    started: list[EngineProcess] = []

    def start(name: str = "engine", *extra: str, env: dict[str, str] | None = None,
              ready: bool = True) -> EngineProcess:
        proc = EngineProcess(broker, topics, tmp_path / name, *extra, env=env)
        started.append(proc)
        if ready:
            proc.wait_ready()
        return proc

    yield start
    for proc in started:
        proc.stop(signal.SIGKILL if proc.process.poll() is None else signal.SIGTERM, 5)


def stricter_candidate(directory: Path, *, quarantine: float = 0.01) -> Path:
    """A copy of the shipped artifact under another version whose every attack type is held
    from ``quarantine``: a candidate a team might shadow ("what if we were stricter?")."""
    import json
    import shutil

    from detectors.models import default_artifact

    shipped = default_artifact()
    assert shipped is not None, "the shipped model artifact is missing"
    out = directory / "candidate"
    shutil.copytree(shipped, out, ignore=shutil.ignore_patterns("report"))
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["version"] = "model-candidate-stricter"
    manifest["thresholds"] = {
        attack: {**values, "warn": quarantine / 2, "corroborate": quarantine / 2,
                 "quarantine": quarantine}
        for attack, values in manifest["thresholds"].items()}
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out

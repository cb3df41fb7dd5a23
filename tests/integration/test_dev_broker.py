"""``mailhawk broker`` stopped by SIGTERM (kill, timeout, a supervisor) stops its Tansu too."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import psutil

from stream.broker import free_port
from tests.conftest import REPO


def test_sigterm_to_the_dev_broker_command_stops_the_broker_it_started() -> None:
    port = free_port()
    cli = subprocess.Popen([sys.executable, "-m", "stream", "broker", "--port", str(port)],
                           cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    started = psutil.Process(cli.pid)
    spawned: list[psutil.Process] = [started]
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the dev broker never accepted"
                time.sleep(0.1)
        (tansu,) = [c for c in started.children() if "tansu" in c.name()]
        spawned.append(tansu)
        cli.send_signal(signal.SIGTERM)
        assert cli.wait(20) == 128 + signal.SIGTERM
        gone, _ = psutil.wait_procs([tansu], timeout=10)
        assert gone, "Tansu outlived the command that started it"
    finally:  # only what this test started: the session's broker is a child of pytest too
        for proc in spawned:
            if proc.is_running():
                proc.kill()

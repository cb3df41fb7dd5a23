"""The peers the engine is measured against, each in its own virtual environment.

``quix_peer.py`` (Quix Streams) and ``faust_peer.py`` (faust-streaming) do the same minimal
work: decode the record, keep one per-(tenant, sender) counter in the framework's own state,
produce a small verdict. They are standalone programs run with the peers' interpreter, so the
frameworks' dependency pins never meet the engine's. The environment is created once
(``python -m venv`` + ``pip install quixstreams faust-streaming`` from PyPI) and reused; when it
cannot be created (offline, no pip) the peers are reported as unavailable with the reason and
the run goes on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

__all__ = ["PEERS", "PeerEnv", "default_venv_dir", "ensure_peer_env", "peer_command"]

PEERS: Final = ("quix", "faust")
PIP_PACKAGES: Final = ("quixstreams", "faust-streaming")
_DISTRIBUTIONS: Final = ("quixstreams", "faust-streaming", "confluent-kafka", "aiokafka",
                         "rocksdict", "orjson")
_MARKER: Final = "mailhawk-peers.json"


@dataclass(frozen=True)
class PeerEnv:
    """The peers' interpreter and package versions, or why there is none."""

    python: Path | None
    versions: dict[str, str] = field(default_factory=dict)
    unavailable: str = ""

    @property
    def ok(self) -> bool:
        """Whether the peers can run."""
        return self.python is not None and not self.unavailable


def default_venv_dir() -> Path:
    """``$XDG_CACHE_HOME/mailhawk-bench/peers-venv`` (``~/.cache`` when unset)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "mailhawk-bench" / "peers-venv"


def _python_of(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _last_error_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines()
             if ln.strip() and not ln.lstrip().startswith("WARNING")]
    return lines[-1] if lines else "no output"


def ensure_peer_env(venv: Path | None = None, *, log: Callable[[str], None] = print,
                    timeout: float = 1200.0) -> PeerEnv:
    """The peers' environment at ``venv``, created and installed on first use."""
    venv = (venv or default_venv_dir()).resolve()
    python = _python_of(venv)
    marker = venv / _MARKER
    if marker.exists() and python.exists():
        try:
            return PeerEnv(python, json.loads(marker.read_text()))
        except (OSError, ValueError):
            pass  # a broken marker: install again
    log(f"creating the peers' virtual environment at {venv} (once; reused afterwards)")
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True,
                           capture_output=True, text=True, timeout=300)
        log(f"installing {' '.join(PIP_PACKAGES)} from PyPI into it")
        subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check",
                        "--quiet", *PIP_PACKAGES], check=True, capture_output=True, text=True,
                       timeout=timeout)
    except subprocess.CalledProcessError as exc:
        reason = _last_error_line((exc.stderr or "") + (exc.stdout or ""))
        return PeerEnv(None, unavailable=f"installing the peers failed: {reason} (delete "
                       f"{venv} and retry with network access, or pass --no-peers)")
    except subprocess.TimeoutExpired:
        return PeerEnv(None, unavailable=f"installing the peers took more than {timeout:.0f} s")
    except OSError as exc:
        return PeerEnv(None, unavailable=f"cannot create {venv}: {exc}")
    probe = ("import importlib.metadata as m, json\n"
             f"names = {list(_DISTRIBUTIONS)!r}\n"
             "out = {}\n"
             "for n in names:\n"
             "    try:\n"
             "        out[n] = m.version(n)\n"
             "    except m.PackageNotFoundError:\n"
             "        pass\n"
             "print(json.dumps(out))\n")
    try:
        done = subprocess.run([str(python), "-c", probe], check=True, capture_output=True,
                              text=True, timeout=120)
        versions = json.loads(done.stdout)
    except (subprocess.SubprocessError, ValueError) as exc:
        return PeerEnv(None, unavailable=f"the peers' environment at {venv} is broken ({exc}); "
                       "delete it to reinstall")
    marker.write_text(json.dumps(versions, indent=2))
    return PeerEnv(python, versions)


def peer_command(kind: str, env: PeerEnv, *, bootstrap_servers: str, input_topic: str,
                 output_topic: str, group: str, state_dir: Path, partitions: int,
                 fetch_wait_ms: int | None = None) -> list[str]:
    """The command line that runs peer ``kind`` (one of :data:`PEERS`)."""
    if kind not in PEERS:
        raise ValueError(f"unknown peer {kind!r}: choose one of {', '.join(PEERS)}")
    if env.python is None:
        raise ValueError(f"the peers are unavailable: {env.unavailable}")
    cmd = [str(env.python), str(Path(__file__).with_name(f"{kind}_peer.py")),
           "--bootstrap-servers", bootstrap_servers, "--input-topic", input_topic,
           "--output-topic", output_topic, "--group", group, "--state-dir", str(state_dir)]
    if kind == "faust":
        # aiokafka's fetch wait is fixed at 1.5 s inside faust (not a setting).
        cmd += ["--partitions", str(partitions)]
    elif fetch_wait_ms is not None:
        cmd += ["--fetch-wait-ms", str(fetch_wait_ms)]
    return cmd

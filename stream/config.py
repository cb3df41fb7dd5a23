"""Engine configuration: one frozen dataclass, read from flags and environment in one place.

Every field can be set as ``MAILHAWK_<FIELD>`` (upper case) in the environment; a CLI flag
wins over the environment, which wins over the default. ``kafka_extra`` takes
``MAILHAWK_KAFKA_<LIBRDKAFKA_KEY_WITH_UNDERSCORES>`` entries (e.g. ``MAILHAWK_KAFKA_SASL_PASSWORD``)
and is masked in ``repr`` because it carries credentials.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from schemas import DEFAULT_MAX_RECORD_BYTES
from state import Decay
from stream.errors import ConfigError

_DAY = 86400.0
ENV_PREFIX = "MAILHAWK_"
# Kubernetes injects <SERVICE>_PORT, <SERVICE>_SERVICE_HOST, <SERVICE>_PORT_9092_TCP... for
# every Service; a Service named "mailhawk-kafka" would otherwise become librdkafka settings.
_SERVICE_LINK = re.compile(r"_(SERVICE_HOST|SERVICE_PORT(_\w+)?|PORT(_\d+_(TCP|UDP|SCTP)"
                           r"(_PROTO|_PORT|_ADDR)?)?)$")
KAFKA_ENV_PREFIX = "MAILHAWK_KAFKA_"
BENCH_PARTITIONS = 4
"""Partitions per engine the benches assume when they measure one partition's share."""


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """How the engine connects, what it reads and writes, and its limits."""

    bootstrap_servers: str = "127.0.0.1:9092"
    input_topic: str = "mail.inbound"
    verdict_topic: str = "mail.verdicts"
    dead_letter_topic: str = "mail.deadletter"
    changelog_topic: str = "mailhawk.state.changelog"
    directory_topic: str = ""
    group: str = "mailhawk"
    state_dir: str = ".mailhawk/state"
    metrics_port: int = 9464
    metrics_host: str = "127.0.0.1"
    partitions: int = 8
    replication_factor: int = 1
    batch_size: int = 500
    batch_timeout_s: float = 0.05
    # Scoring batches are committed together (state write, changelog, consumer offsets)
    # every commit_records records or commit_interval_s seconds, before a revoke and at stop:
    # Engine._commit says why.
    commit_records: int = 5000
    commit_interval_s: float = 1.0
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    session_timeout_ms: int = 6000
    max_poll_interval_ms: int = 300_000
    restore_chunk_records: int = 10_000
    half_life_days: float = 90.0
    idle_expiry_days: float = 400.0
    expiry_scan_per_message: int = 2
    erase_chunk_keys: int = 50_000
    # The state's memory, per engine: shared by the partitions it owns (state.SharedMemory,
    # Engine._share_memory), so it does not grow when the engine takes over a peer's.
    cache_entries: int = 400_000
    block_cache_mb: int = 256
    write_buffer_mb: int = 64
    state_wal: bool = False
    state_flush_seconds: float = 30.0
    artifact: str = ""
    shadow_artifact: str = ""
    scores: str = ""
    create_topics: bool = True
    kafka_extra: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        """Refuse, at start, a value the engine cannot run with: name the setting and why."""
        check_settings(self, at_least_one=_AT_LEAST_ONE, not_negative=_NOT_NEGATIVE,
                       positive_seconds=_POSITIVE_SECONDS, ports_or_off=("metrics_port",),
                       names=_NAMES, where=lambda name: f"{ENV_PREFIX}{name.upper()} or its "
                       "`mailhawk run` flag, where it has one")

    def partition_share(self, owned: int) -> tuple[int, int]:
        """(block cache bytes, decoded profiles) of one of ``owned`` partitions, shared evenly.

        The engine splits its decoded-profile cache this way (the block cache it shares as
        one); the benches measure one partition with its share when an engine owns
        ``BENCH_PARTITIONS``, the figures they were measured with before the budget was
        the engine's.
        """
        owned = max(1, owned)
        return (self.block_cache_mb << 20) // owned, max(1, self.cache_entries // owned)

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                          if f.name != "kafka_extra")
        return f"EngineConfig({shown}, kafka_extra=<{len(self.kafka_extra)} masked>)"

    @classmethod
    def from_env(cls, overrides: Mapping[str, Any] | None = None,
                 environ: Mapping[str, str] | None = None) -> EngineConfig:
        """Defaults, then ``MAILHAWK_*`` environment, then ``overrides`` (CLI flags, not None)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "kafka_extra":
                continue
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _convert(f.name, raw, f.type)
        values["kafka_extra"] = {
            k[len(KAFKA_ENV_PREFIX):].lower().replace("_", "."): v
            for k, v in env.items()
            if k.startswith(KAFKA_ENV_PREFIX) and not _SERVICE_LINK.search(k)
        }
        for k, v in (overrides or {}).items():
            if v is not None:
                values[k] = v
        return cls(**values)

    @property
    def decay(self) -> Decay:
        """The half-life and idle expiry of behavioural counts, in the state's units."""
        return Decay(self.half_life_days * _DAY, self.idle_expiry_days * _DAY)



def check_settings(config: Any, *, at_least_one: tuple[str, ...] = (),
                   not_negative: tuple[str, ...] = (), positive_seconds: tuple[str, ...] = (),
                   ports: tuple[str, ...] = (), ports_or_off: tuple[str, ...] = (),
                   names: tuple[str, ...] = (),
                   where: Callable[[str], str] = lambda _: "its flag or variable") -> None:
    """Raise :class:`ConfigError` for the first of ``config``'s fields out of its range.

    ``not_negative``: 0 or more (0 turns a half-life or an expiry off); ``positive_seconds``:
    above 0; ``ports``: 0 (any free one) to 65535, ``ports_or_off`` also -1 (no server);
    ``names``: not blank. Floats must be finite. ``where`` says where a field is set, for
    the message.
    """

    def _refuse(name: str, value: Any, why: str) -> None:
        raise ConfigError(f"{name} = {value!r} {why} (set by {where(name)})")

    for name in at_least_one:
        if getattr(config, name) < 1:
            _refuse(name, getattr(config, name), "must be at least 1")
    for name in not_negative:
        value = getattr(config, name)
        if not math.isfinite(value) or value < 0:
            _refuse(name, value, "must be 0 (off) or more" if name in _ZERO_IS_OFF
                    else "must be 0 or more")
    for name in positive_seconds:
        value = getattr(config, name)
        if not math.isfinite(value) or value <= 0:
            _refuse(name, value, "must be a number of seconds above 0")
    for name in ports:
        if not 0 <= getattr(config, name) <= 65535:
            _refuse(name, getattr(config, name), "must be a port, 0 to 65535")
    for name in ports_or_off:
        if not -1 <= getattr(config, name) <= 65535:
            _refuse(name, getattr(config, name), "must be a port, 0 to 65535, or -1 for none")
    for name in names:
        if not str(getattr(config, name)).strip():
            _refuse(name, getattr(config, name), "must not be empty")


_AT_LEAST_ONE = ("partitions", "replication_factor", "batch_size", "commit_records",
                 "max_record_bytes", "session_timeout_ms", "max_poll_interval_ms",
                 "restore_chunk_records", "erase_chunk_keys", "cache_entries",
                 "block_cache_mb", "write_buffer_mb")
_ZERO_IS_OFF = ("half_life_days", "idle_expiry_days")
_NOT_NEGATIVE = (*_ZERO_IS_OFF, "expiry_scan_per_message")
_POSITIVE_SECONDS = ("batch_timeout_s", "commit_interval_s", "state_flush_seconds")
_NAMES = ("bootstrap_servers", "input_topic", "verdict_topic", "dead_letter_topic",
          "changelog_topic", "group", "state_dir")
_TRUE, _FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def _convert(name: str, raw: str, type_name: object) -> Any:
    t = str(type_name)
    try:
        if t == "bool":
            word = raw.strip().lower()
            if word not in _TRUE | _FALSE:
                raise ValueError(raw)
            return word in _TRUE
        if t == "int":
            return int(raw)
        if t == "float":
            return float(raw)
    except ValueError:
        raise ConfigError(f"environment variable {ENV_PREFIX}{name.upper()}={raw!r} is not a "
                          f"valid {t}" + (" (true/false, yes/no, on/off or 1/0)"
                                          if t == "bool" else "")) from None
    return raw

"""Errors of the streaming layer (see the tree in ``schemas.errors``)."""

from __future__ import annotations

import traceback
from pathlib import Path

from schemas.errors import MailhawkError


def failure_site(exc: BaseException) -> str:
    """``"ValueError at urls.py:212"``: an exception's type and where it was raised.

    What logs say of an unexpected exception on a message: its text may quote the mail.
    """
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


class StreamError(MailhawkError):
    """The engine cannot go on."""


class KafkaError(StreamError):
    """A Kafka client error, with librdkafka's code and whether retrying can help."""

    def __init__(self, message: str, *, code: int = -1, name: str = "",
                 retriable: bool = False, fatal: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.name = name
        self.retriable = retriable
        self.fatal = fatal

    @classmethod
    def from_confluent(cls, err: object, context: str) -> KafkaError:
        """Wrap a ``confluent_kafka.KafkaError`` (kept as an object to keep typing simple)."""
        e = err
        return cls(
            f"{context}: {e.str()} ({e.name()})",  # type: ignore[attr-defined]
            code=e.code(),  # type: ignore[attr-defined]
            name=e.name(),  # type: ignore[attr-defined]
            retriable=bool(e.retriable()),  # type: ignore[attr-defined]
            fatal=bool(e.fatal()),  # type: ignore[attr-defined]
        )


class ConfigError(StreamError):
    """A setting (flag or ``MAILHAWK_*`` variable) has a value the engine cannot run with."""


class BrokerError(StreamError):
    """The bundled development broker could not be found or started."""

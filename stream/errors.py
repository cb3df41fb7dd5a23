"""Errors of the streaming layer (see the tree in ``schemas.errors``)."""

from __future__ import annotations

from schemas.errors import MailhawkError


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


class BrokerError(StreamError):
    """The bundled development broker could not be found or started."""

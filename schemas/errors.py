"""Errors of the wire layer.

The tree (every package's errors hang under the one root defined here)::

    MailhawkError
    ├── SchemaError            a record does not match its schema (names the field)
    │   └── RecordTooLargeError
    ├── MimeError              a message cannot be turned into a MailRecord
    ├── SourceError            a file, archive or mailbox cannot be read as mail
    ├── state.errors.StateError
    │   └── StoreClosedError, StoreCorruptError, LayoutVersionError
    ├── detectors.errors.DetectorError
    │   ├── DetectorConfigError   a detector refuses to start, with the reason
    │   └── ArtifactError         a model artifact is missing, corrupt or of another layout
    └── stream.errors.StreamError
        ├── KafkaError          keeps librdkafka's code, retriable / fatal
        ├── ConfigError         a setting the engine cannot run with (names it)
        └── BrokerError         the dev broker could not be started
"""

from __future__ import annotations

from typing import Final


class MailhawkError(Exception):
    """Root of every error mailhawk raises on purpose."""


SCHEMA_ERROR_KINDS: Final = ("empty", "invalid_json", "missing_field", "wrong_type",
                              "schema_version", "too_large", "invalid_value")
"""Every :attr:`SchemaError.kind`: the dead-letter metrics start a series at 0 for each, so
the first unreadable record of a kind shows in a rate (a test holds the list to the code)."""


class SchemaError(MailhawkError):
    """A wire record does not match its schema.

    Attributes:
        kind: a short machine-readable reason (``empty``, ``invalid_json``,
            ``missing_field``, ``wrong_type``, ``schema_version``, ``too_large``,
            ``invalid_value``).
        field: the dotted path of the offending field, or ``""`` for the whole record.
    """

    def __init__(self, kind: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.field = field


class RecordTooLargeError(SchemaError):
    """A record is larger than the configured limit; it is never parsed."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__("too_large", f"record is {size} bytes, limit is {limit} bytes")
        self.size = size
        self.limit = limit


class MimeError(MailhawkError):
    """A raw message cannot be represented as a MailRecord."""


class SourceError(MailhawkError):
    """A file, archive or mailbox given as mail cannot be read (damaged, cut short, denied).

    The messages read from it before the damage have been handed on; the message names the
    path and what the reader met.
    """

"""Errors of the state layer (see the tree in ``schemas.errors``)."""

from __future__ import annotations

from schemas.errors import MailhawkError


class StateError(MailhawkError):
    """The behavioural state cannot be read or written."""


class LayoutVersionError(StateError):
    """A stored value has a layout this build cannot read."""


class StoreCorruptError(StateError):
    """RocksDB refuses to open a store as corrupt (its ``Corruption`` status)."""


class StoreClosedError(StateError):
    """A store was used after it was closed (its partition was revoked)."""

"""The changelog restorer's own consumer: its client errors are said, a fatal one stops it.

The error events come from a stand-in consumer: a broker cannot be made to emit a fatal
error on cue, and the loop's handling of an event does not depend on where it came from.
The restore itself is tested against a real broker (``tests/integration/test_changelog.py``).
"""

from __future__ import annotations

import logging

import pytest
from confluent_kafka import KafkaError as ConfluentKafkaError

from state import MemoryStore, PartitionState
from stream.changelog import Restorer
from stream.errors import KafkaError


class _Event:
    """A consumer error event of no partition, as librdkafka delivers client errors."""

    def __init__(self, error: ConfluentKafkaError) -> None:
        self._error = error

    def error(self) -> ConfluentKafkaError:
        return self._error

    def partition(self) -> None:
        return None

    def topic(self) -> None:
        return None


class _Consumer:
    def __init__(self, events: list[_Event]) -> None:
        self.events = events

    def incremental_assign(self, partitions: object) -> None:
        pass

    def poll(self, timeout: float) -> _Event | None:
        return self.events.pop(0) if self.events else None

    def consume(self, n: int, timeout: float) -> list[_Event]:
        out, self.events = self.events[:n], self.events[n:]
        return out


def _restorer(*events: _Event) -> Restorer:
    restorer = Restorer(_Consumer(list(events)), "changelog")  # type: ignore[arg-type]
    restorer.begin(0, PartitionState(MemoryStore()))
    return restorer


def test_a_client_error_during_a_restore_is_logged_not_swallowed(caplog) -> None:
    down = ConfluentKafkaError(ConfluentKafkaError._ALL_BROKERS_DOWN, "all brokers down")
    restorer = _restorer(_Event(down))
    with caplog.at_level(logging.WARNING, logger="stream.changelog"):
        assert restorer.step(100, 0.1) == {}
    assert "all brokers down" in caplog.text
    assert restorer.active == frozenset({0})  # still restoring: it may recover


def test_a_fatal_client_error_stops_the_restore() -> None:
    fatal = ConfluentKafkaError(ConfluentKafkaError._FATAL, "fenced", fatal=True)
    with pytest.raises(KafkaError, match="restore of changelog"):
        _restorer(_Event(fatal)).step(100, 0.1)

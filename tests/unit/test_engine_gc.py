"""The engine makes the collector rare while it runs and gives the process its own back."""

from __future__ import annotations

import gc

from stream.engine import _rare_gc


def test_the_collector_is_rare_while_the_engine_runs_and_restored_after():
    before = gc.get_threshold()
    with _rare_gc():
        assert gc.get_threshold()[0] == 100_000
        assert gc.get_freeze_count() > 0  # start-up objects are out of its way
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0

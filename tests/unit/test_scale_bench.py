"""``bench scale``'s state-growth sweep on small populations: the bulk-loaded store reads like
one written through the engine's path, and every figure the report prints is there."""

from __future__ import annotations

import pytest

from bench.scale import _REAL_SENDERS, state_growth


def test_state_growth_measures_bulk_loaded_populations(tmp_path):
    populations = (2_000, _REAL_SENDERS + 5_000)  # the second one is partly bulk-loaded
    result = state_growth(populations, tmp_path, measure=1_000, batch=250, rounds=1,
                          progress=False, log=lambda _line: None)
    first, second = result["points"]
    assert [first["population"], second["population"]] == list(populations)
    assert first["ratio_to_first"] == 1.0
    assert first["ratio_rounds"] == [1.0] and first["ratio_paired_zipf"] == 1.0
    assert second["ratio_rounds"] == [pytest.approx(second["ratio_to_first"], abs=0.002)]
    for point in (first, second):
        assert point["us_per_msg"] > 0 and point["us_per_msg_zipf"] > 0
        assert point["read_us_per_msg"] + point["write_us_per_msg"] == pytest.approx(
            point["us_per_msg"], abs=0.05)
        assert point["rss_growth_mib"] > 0
        assert point["rocksdb_mib"]["block_cache_capacity"] == 64.0
    bound = result["memory_bound_mib"]
    assert bound["total"] == pytest.approx(bound["rocksdb"] + bound["decoded_profiles"],
                                           abs=0.1)
    assert bound["decoded_entry_bytes"] > 0
    assert not (tmp_path / "state-growth").exists()  # the stores are removed

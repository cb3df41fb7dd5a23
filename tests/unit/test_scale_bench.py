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


def _damon(root, *, state="on", action="pageout"):
    """A DAMON sysfs tree like a Firecracker guest's: page out unmapped pages idle 60 s."""
    files = {
        "kdamonds/0/state": state,
        "kdamonds/0/contexts/0/monitoring_attrs/intervals/aggr_us": "5000000",
        "kdamonds/0/contexts/0/schemes/0/action": action,
        "kdamonds/0/contexts/0/schemes/0/access_pattern/age/min": "12",
        "kdamonds/0/contexts/0/schemes/0/ops_filters/0/type": "anon",
        "kdamonds/0/contexts/0/schemes/0/ops_filters/0/matching": "Y",
        "kdamonds/0/contexts/0/schemes/0/ops_filters/0/allow": "N",
        "kdamonds/0/contexts/0/schemes/0/ops_filters/1/type": "unmapped",
        "kdamonds/0/contexts/0/schemes/0/ops_filters/1/matching": "Y",
        "kdamonds/0/contexts/0/schemes/0/ops_filters/1/allow": "Y",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text + "\n")
    return root


def test_proactive_reclaim_is_reported_where_the_kernel_pages_out_idle_memory(tmp_path):
    from bench.report import _environment_lines
    from bench.run import proactive_reclaim

    found = proactive_reclaim(_damon(tmp_path / "on"))
    assert found == {"idle_s": 60.0,
                     "pages": "anon pages: kept; unmapped pages: paged out"}
    lines = "\n".join(_environment_lines({"proactive_reclaim": found}))
    assert "pages out memory idle for 60 s" in lines
    # Stopped, another action, or no DAMON at all: nothing to report.
    assert proactive_reclaim(_damon(tmp_path / "off", state="off")) is None
    assert proactive_reclaim(_damon(tmp_path / "stat", action="stat")) is None
    assert proactive_reclaim(tmp_path / "absent") is None
    assert "pages out" not in "\n".join(_environment_lines({"proactive_reclaim": None}))

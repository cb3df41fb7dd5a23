"""``mailhawk bench crafted``: every field and alphabet asked for is measured at both sizes,
and the report says what grew faster than its input (its figures are the bench's, not a
test's: nothing here is timed)."""

from __future__ import annotations

import orjson

from bench.crafted import FIELDS, CraftedOptions, run_crafted, summary


def test_each_pair_is_measured_at_both_lengths_and_reported(tmp_path):
    opts = CraftedOptions(out=tmp_path, chars=300, fields=("from_name", "from_local"),
                          alphabets=("a", "("))
    report = run_crafted(opts, log=lambda _: None)
    assert [(r["field"], r["alphabet"]) for r in report["rows"]] == [
        ("from_name", "a"), ("from_name", "("), ("from_local", "a"), ("from_local", "(")]
    for row in report["rows"]:
        assert len(row["ms"]) == len(row["state_bytes"]) == len(row["record_bytes"]) == 2
        assert row["record_bytes"][1] > row["record_bytes"][0] + 3 * 300 - 50  # 4x the field
        assert row["state_bytes"][0] > 0 and isinstance(row["flagged"], bool)
    # A From address is profiled in a bounded form whatever its length (state.profiled_address)
    local = [r for r in report["rows"] if r["field"] == "from_local"]
    assert all(r["state_bytes"][1] == r["state_bytes"][0] for r in local)
    assert report["flagged"] == [r for r in report["rows"] if r["flagged"]]
    assert orjson.loads((tmp_path / "crafted.json").read_bytes())["chars"] == [300, 1200]
    assert "| from_name |" in (tmp_path / "crafted.md").read_text()
    assert (tmp_path / "crafted.png").stat().st_size > 0
    assert summary(report)[-1] in ("  nothing grows faster than its input",
                                   f"  {len(report['flagged'])} pair(s) grow faster than "
                                   "their input: see the report")


def test_every_field_builds_a_valid_record():
    from bench.crafted import _BASE
    from schemas import decode_mail

    for field in FIELDS.values():
        decode_mail(orjson.dumps({**_BASE, **field("x" * 10)}))  # raises if not a record

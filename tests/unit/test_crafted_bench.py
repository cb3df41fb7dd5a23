"""``mailhawk bench crafted``: every field and alphabet asked for is measured at both sizes,
and the report says what grew faster than its input (its figures are the bench's, not a
test's: nothing here is timed)."""

from __future__ import annotations

import orjson

from bench.crafted import FIELDS, LISTS, CraftedOptions, run_crafted, summary


def test_each_pair_is_measured_at_both_lengths_and_reported(tmp_path):
    opts = CraftedOptions(out=tmp_path, chars=300, fields=("from_name", "from_local"),
                          alphabets=("a", "("), lists=())
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


def test_each_list_is_measured_at_both_counts_and_reported(tmp_path):
    opts = CraftedOptions(out=tmp_path, fields=(), entries=20,
                          lists=("to_tenant", "urls", "headers"))
    report = run_crafted(opts, log=lambda _: None)
    assert report["rows"] == [] and report["entries"] == [20, 80]
    rows = {r["field"]: r for r in report["lists"]}
    assert list(rows) == ["to_tenant", "urls", "headers"]
    for row in rows.values():
        assert row["record_bytes"][1] > 3 * row["record_bytes"][0] - 1000  # 4x the entries
        assert isinstance(row["flagged"], bool)
    # each mailbox a message reaches is state: four times the recipients, ~4x the state
    assert rows["to_tenant"]["state_ratio"] > 3
    assert "## Lists: 20 and 80 entries" in (tmp_path / "crafted.md").read_text()
    assert any(line.startswith("  fastest growing list: ") for line in summary(report))


def test_every_list_builds_a_valid_record_with_its_entries():
    from bench.crafted import _BASE
    from schemas import decode_mail

    for name, build in LISTS.items():
        fields = build(7, "s")
        record = decode_mail(orjson.dumps({**_BASE, **fields}))  # raises if not a record
        (key, value), = fields.items()
        held = getattr(record, {"urls": "urls", "attachments": "attachments", "to": "to",
                                "cc": "cc", "reply_to": "reply_to", "references": "references",
                                "headers": "headers"}[key])
        assert len(held) == 7 == len(value), name

"""Finding the corpora: a folder named explicitly is the only one tried."""

from __future__ import annotations

from bench.corpus import ARCHIVES, corpora_dir


def test_a_mistyped_explicit_folder_is_not_replaced_by_the_default(tmp_path, monkeypatch):
    found = tmp_path / "corpora"
    found.mkdir()
    (found / ARCHIVES["enron"]).write_bytes(b"")
    monkeypatch.setenv("MAILHAWK_CORPORA", str(found))
    assert corpora_dir() == found
    assert corpora_dir(found) == found
    assert corpora_dir(tmp_path / "typo") is None

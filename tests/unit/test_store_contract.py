"""One contract, two stores: the same tests run against RocksDB and memory."""

from __future__ import annotations

import contextlib

import pytest

from state import META_NEXT_OFFSET, MemoryStore, RocksDBOptions, RocksDBStore, StoreClosedError
from state.store import META_EXPIRY_CURSOR


@pytest.fixture(params=["memory", "rocksdb"])
def make_store(request, tmp_path):
    opened = []

    def make(name: str = "db"):
        store = MemoryStore() if request.param == "memory" else RocksDBStore(tmp_path / name)
        opened.append(store)
        return store

    yield make
    for store in opened:
        with contextlib.suppress(StoreClosedError):
            store.close()


def test_absent_keys_read_as_none(make_store):
    store = make_store()
    assert store.get_many([b"Sa", b"Sb"]) == [None, None]
    assert store.get_meta(META_NEXT_OFFSET) is None


def test_write_puts_deletes_and_meta_together(make_store):
    store = make_store()
    store.write({b"Sa": b"1", b"Sb": b"2"}, {META_NEXT_OFFSET: 10})
    store.write({b"Sa": None, b"Sc": b"3"}, {META_NEXT_OFFSET: 12})
    assert store.get_many([b"Sa", b"Sb", b"Sc"]) == [None, b"2", b"3"]
    assert store.get_meta(META_NEXT_OFFSET) == 12


def test_items_by_prefix_in_key_order(make_store):
    store = make_store()
    store.write({b"Pb": b"2", b"Pa": b"1", b"Sa": b"3"}, {})
    assert list(store.items(b"P")) == [(b"Pa", b"1"), (b"Pb", b"2")]
    assert [k for k, _ in store.items()][-1] == b"Sa"


def test_negative_and_large_offsets_round_trip(make_store):
    store = make_store()
    store.write({}, {META_NEXT_OFFSET: 2**40})
    assert store.get_meta(META_NEXT_OFFSET) == 2**40
    store.write({}, {META_NEXT_OFFSET: -1})
    assert store.get_meta(META_NEXT_OFFSET) == -1


def test_closed_store_refuses_use(make_store):
    store = make_store()
    store.close()
    with pytest.raises(StoreClosedError):
        store.get_many([b"x"])


def test_rocksdb_state_survives_reopen(tmp_path):
    store = RocksDBStore(tmp_path / "db")
    store.write({b"Sa": b"1"}, {META_NEXT_OFFSET: 5})
    store.close()
    again = RocksDBStore(tmp_path / "db")
    assert again.get_many([b"Sa"]) == [b"1"]
    assert again.get_meta(META_NEXT_OFFSET) == 5
    again.close()


_KILLED_WRITER = """
import os, sys
from state import META_NEXT_OFFSET, RocksDBOptions, RocksDBStore
store = RocksDBStore(sys.argv[1], RocksDBOptions(write_ahead_log=sys.argv[2] == "wal"))
store.write({b"Sa": b"1"}, {META_NEXT_OFFSET: 1})
store.flush()
store.write({b"Sa": b"2", b"Sb": b"2"}, {META_NEXT_OFFSET: 2})
os._exit(0)  # killed: no close, no flush
"""


@pytest.mark.parametrize(("log", "kept"), [
    ("none", ([b"1", None], 1)),  # the batch after the flush is lost, data and offset alike
    ("wal", ([b"2", b"2"], 2)),
])
def test_a_killed_writer_leaves_a_whole_batch_prefix(tmp_path, log, kept):
    """Without the write-ahead log, a process killed after ``write`` loses what it had not
    flushed, and only whole batches: the store reopens at an earlier batch boundary, its
    offsets with it, which the changelog restore then brings up to date (engine tests)."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(tmp_path / "db"), log],
                   check=True, timeout=60)
    store = RocksDBStore(tmp_path / "db")
    try:
        assert (store.get_many([b"Sa", b"Sb"]), store.get_meta(META_NEXT_OFFSET)) == kept
    finally:
        store.close()


def test_rocksdb_closes_with_every_write_kept_without_the_write_ahead_log(tmp_path):
    store = RocksDBStore(tmp_path / "db")
    assert not store.options.write_ahead_log  # the default: the changelog is the log
    store.write({b"Sa": b"1"}, {META_NEXT_OFFSET: 7})
    store.close()
    again = RocksDBStore(tmp_path / "db", read_only=True)
    try:
        assert (again.get_many([b"Sa"]), again.get_meta(META_NEXT_OFFSET)) == ([b"1"], 7)
    finally:
        again.close()


def test_rocksdb_reopens_with_the_configured_block_cache(tmp_path):
    """A restarted engine must get its configured memory, not the OPTIONS file's defaults."""
    options = RocksDBOptions(block_cache_bytes=24 << 20)
    store = RocksDBStore(tmp_path / "db", options)
    store.write({b"Sa": b"1"}, {META_NEXT_OFFSET: 1})
    store.close()
    again = RocksDBStore(tmp_path / "db", options)
    try:
        assert again.memory_usage()["block_cache_capacity"] == 24 << 20
        assert again.get_many([b"Sa"]) == [b"1"]
    finally:
        again.close()


def test_large_multi_get_keeps_key_order(make_store):
    """A multi-get split over reader threads must still answer key by key, in order."""
    store = make_store()
    store.write({f"S{i:05d}".encode(): str(i).encode() for i in range(0, 3000, 2)}, {})
    keys = [f"S{i:05d}".encode() for i in range(2999, -1, -1)]
    assert store.get_many(keys) == [str(i).encode() if i % 2 == 0 else None
                                    for i in range(2999, -1, -1)]


def test_scan_visits_profiles_from_a_key_in_order_without_bookkeeping(make_store):
    store = make_store()
    store.write({b"Pa": b"1", b"Pb": b"2", b"Sa": b"3", b"Tz": b"4"},
                {META_NEXT_OFFSET: 7, META_EXPIRY_CURSOR: b"Pb"})
    assert store.scan(b"", 10) == [(b"Pa", b"1"), (b"Pb", b"2"), (b"Sa", b"3"), (b"Tz", b"4")]
    assert store.scan(b"Pa\x00", 2) == [(b"Pb", b"2"), (b"Sa", b"3")]
    assert store.scan(b"U", 5) == []
    assert store.get_meta_bytes(META_EXPIRY_CURSOR) == b"Pb"
    assert store.get_meta(META_NEXT_OFFSET) == 7


def test_a_store_rocksdb_refuses_says_what_to_check(tmp_path):
    """Held by another process, or damaged: each refusal names its likely cause."""
    from state import StateError, StoreCorruptError

    path = tmp_path / "p0"
    holder = RocksDBStore(path)
    holder.write({b"Sa": b"1"}, {})
    with pytest.raises(StateError, match="another mailhawk process using this --state-dir"):
        RocksDBStore(path)
    holder.close()
    sst = next(path.glob("*.sst"), None)
    assert sst is not None  # close() flushed the write buffer to a table file
    sst.write_bytes(sst.read_bytes()[: sst.stat().st_size // 2])
    for read_only in (False, True):
        with pytest.raises(StoreCorruptError, match=r"(?s)Corruption: .*\(the store is damaged"):
            RocksDBStore(path, read_only=read_only)

"""RocksDB memory stays within its configured bound however many profiles the store holds,
and stores that share one budget (an engine's partitions) stay within it together.

Not a speed test: it writes far more profiles than the block cache and write buffers can
hold, reads them back in random order (every data block passes through the cache), and
checks the process's resident memory. With an unbounded cache, or index and filter blocks
held outside the cache, the growth would follow the data (~150 MiB here) instead.
"""

from __future__ import annotations

import gc
import random

import psutil

from state import RocksDBOptions, RocksDBStore, SharedMemory

PROFILES = 800_000
READS = 300_000
# Allocator slack, RocksDB's per-file table readers, compaction buffers, thread stacks and
# the Python objects of one batch: fixed costs, none of which scales with PROFILES.
ALLOWANCE = 64 << 20


def _key(i: int) -> bytes:
    return f"Stenant\x1fsender{i * 7919 % PROFILES:08d}@d{i % 997}.example".encode()


_POOL = random.Random(0).randbytes(1 << 20)


def _value(i: int) -> bytes:
    # Incompressible, so blocks in the cache are as large as the data they hold: a slice of
    # random bytes at a place of its own (compression works within a 4 KiB block). Seeding a
    # generator per value cost ~11 s of these tests' writes and reads.
    start = i * 4099 % (len(_POOL) - 140)
    return _POOL[start:start + 140]


def _rss(*, collect: bool = False) -> int:
    # A collection only for the baseline: the loops make no reference cycles, and a full
    # collection in a test worker holding the other tests' objects took ~0.2 s, 340 times.
    if collect:
        gc.collect()
    return int(psutil.Process().memory_info().rss)


def test_rss_growth_stays_within_block_cache_and_write_buffers(tmp_path):
    options = RocksDBOptions(block_cache_bytes=8 << 20, write_buffer_bytes=4 << 20,
                             max_write_buffers=2)
    store = RocksDBStore(tmp_path / "db", options)
    try:
        store.write({_key(0): _value(0)}, {})
        store.get_many([_key(0)])
        start = _rss(collect=True)
        peak = start
        for first in range(0, PROFILES, 20_000):
            store.write({_key(i): _value(i) for i in range(first, first + 20_000)}, {})
            peak = max(peak, _rss())
        rng = random.Random(5)
        for _ in range(READS // 1_000):
            picks = [rng.randrange(PROFILES) for _ in range(1_000)]
            got = store.get_many([_key(i) for i in picks])
            assert got == [_value(i) for i in picks]
            peak = max(peak, _rss())
        usage = store.memory_usage()
    finally:
        store.close()
    data = PROFILES * (len(_key(0)) + 140)
    assert data > 1.5 * (options.bound_bytes() + ALLOWANCE)  # a leak would show
    assert peak - start < options.bound_bytes() + ALLOWANCE, (
        f"RSS grew {(peak - start) >> 20} MiB for {PROFILES:,} profiles; the bound is "
        f"{options.bound_bytes() >> 20} MiB + {ALLOWANCE >> 20} MiB allowance ({usage})")
    assert usage["block_cache"] <= options.block_cache_bytes


def test_stores_sharing_one_budget_stay_within_it_together(tmp_path):
    # An engine's partition stores: with a cache and write buffers each, six stores would
    # hold 6 × (16 + 2 × 4) = 144 MiB here; sharing, 16 + 8.
    shared = SharedMemory(block_cache_bytes=16 << 20, write_buffer_bytes=8 << 20)
    own = RocksDBOptions(block_cache_bytes=48 << 20, write_buffer_bytes=4 << 20,
                         max_write_buffers=2)
    stores = [RocksDBStore(tmp_path / f"p{n}", own, shared=shared) for n in range(6)]
    per_store = PROFILES // 4
    try:
        for store in stores:
            store.write({_key(0): _value(0)}, {})
            store.get_many([_key(0)])
        start = _rss(collect=True)
        peak = start
        for first in range(0, per_store, 20_000):
            for store in stores:
                store.write({_key(i): _value(i) for i in range(first, first + 20_000)}, {})
            peak = max(peak, _rss())
        rng = random.Random(6)
        for _ in range(READS // 2_000):
            for store in stores:
                picks = [rng.randrange(per_store) for _ in range(330)]
                assert store.get_many([_key(i) for i in picks]) == [_value(i) for i in picks]
            peak = max(peak, _rss())
        usage = shared.usage()
        capacities = {store.memory_usage()["block_cache_capacity"] for store in stores}
    finally:
        for store in stores:
            store.close()
    assert capacities == {16 << 20}  # the shared cache, not each store's own 48 MiB
    assert usage["block_cache"] <= 16 << 20
    assert usage["block_cache"] > 8 << 20  # the stores' reads did go through it
    assert len(stores) * (own.bound_bytes()) > 2 * (shared.bound_bytes() + ALLOWANCE)
    assert peak - start < shared.bound_bytes() + ALLOWANCE, (
        f"RSS grew {(peak - start) >> 20} MiB for {len(stores)} stores sharing "
        f"{shared.bound_bytes() >> 20} MiB + {ALLOWANCE >> 20} MiB allowance ({usage})")

"""Key-value stores of behavioural state: one per assigned input partition.

Two implementations with one contract (``tests/unit/test_store_contract.py`` runs the same
tests against both): :class:`RocksDBStore` (rocksdict, the production store) and
:class:`MemoryStore` (tests and offline scans without ``--state-dir``).

The one write operation, :meth:`Store.write`, applies a batch's profile changes *and* the
partition's bookkeeping (next input offset, last applied changelog offset) atomically: that is
step 3 of the commit protocol in DESIGN.md.
"""

from __future__ import annotations

import heapq
import math
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

from state.errors import StateError, StoreClosedError, StoreCorruptError

if TYPE_CHECKING:  # for annotations; at run time rocksdict is imported where it is used
    from rocksdict import Options

META_NEXT_OFFSET: Final = b"\x00next_offset"
META_CHANGELOG_OFFSET: Final = b"\x00changelog_offset"
META_EXPIRY_CURSOR: Final = b"\x00expiry_cursor"
META_ERASING: Final = b"\x00erasing"
META_PREFIX: Final = b"\x00"
FIRST_PROFILE_KEY: Final = b"\x01"
"""Every profile key sorts at or after this; bookkeeping (``META_*``) sorts before it."""


class Store(Protocol):
    """The contract both stores keep."""

    def get_many(self, keys: Sequence[bytes]) -> list[bytes | None]:
        """Values for ``keys`` in order; ``None`` where absent."""
        ...

    def get_meta(self, name: bytes) -> int | None:
        """A bookkeeping integer (``META_*``), or ``None`` if never written."""
        ...

    def get_meta_bytes(self, name: bytes) -> bytes | None:
        """A bookkeeping value written as bytes (``META_EXPIRY_CURSOR``), or ``None``."""
        ...

    def write(self, puts: Mapping[bytes, bytes | None], meta: Mapping[bytes, int | bytes]
              ) -> None:
        """Apply ``puts`` (``None`` deletes) and ``meta`` in one atomic write."""
        ...

    def items(self, prefix: bytes = b"") -> Iterator[tuple[bytes, bytes]]:
        """All (key, value) pairs whose key starts with ``prefix``, in key order."""
        ...

    def scan(self, start: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        """Up to ``limit`` profile entries (no bookkeeping) from ``start`` on, in key order.

        For the expiry sweep, which visits the whole store a slice per batch: in RocksDB the
        slice's blocks are read without being added to the block cache, so a sweep does not
        push out the profiles the detectors read.
        """
        ...

    def flush(self, *, wait: bool = True) -> None:
        """Make every write so far survive a crash of this process (see ``RocksDBStore``).

        ``wait=False`` starts it and returns: RocksDB writes the buffers in the background.
        """
        ...

    def close(self) -> None:
        """Release the store (its writes kept); later calls raise StoreClosedError."""
        ...


def _int(value: bytes | None) -> int | None:
    return None if value is None else int.from_bytes(value, "big", signed=True)


def _bytes(value: int | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.to_bytes(8, "big", signed=True)


class MemoryStore:
    """A dict behind the store contract; nothing survives the process."""

    def __init__(self) -> None:
        self._data: dict[bytes, bytes] | None = {}

    def _live(self) -> dict[bytes, bytes]:
        if self._data is None:
            raise StoreClosedError("memory store is closed")
        return self._data

    def get_many(self, keys: Sequence[bytes]) -> list[bytes | None]:
        data = self._live()
        return [data.get(k) for k in keys]

    def get_meta(self, name: bytes) -> int | None:
        return _int(self._live().get(name))

    def get_meta_bytes(self, name: bytes) -> bytes | None:
        return self._live().get(name)

    def write(self, puts: Mapping[bytes, bytes | None], meta: Mapping[bytes, int | bytes]
              ) -> None:
        data = self._live()
        for k, v in puts.items():
            if v is None:
                data.pop(k, None)
            else:
                data[k] = v
        for name, value in meta.items():
            data[name] = _bytes(value)

    def items(self, prefix: bytes = b"") -> Iterator[tuple[bytes, bytes]]:
        data = self._live()
        for k in sorted(data):
            if k.startswith(prefix):
                yield k, data[k]

    def scan(self, start: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        # O(keys) a call: the memory store serves tests and offline scans, not the engine.
        data = self._live()
        start = max(start, FIRST_PROFILE_KEY)
        return [(k, data[k]) for k in heapq.nsmallest(limit, (k for k in data if k >= start))]

    def flush(self, *, wait: bool = True) -> None:
        self._live()  # nothing to keep: nothing survives the process anyway

    def close(self) -> None:
        self._data = None


_CACHE_ENTRY_CHARGE: Final = 4096
"""HyperClockCache's sizing hint: the larger of data and metadata block size (RocksDB's advice)."""


def _block_cache(capacity: int) -> Any:
    """A RocksDB block cache of ``capacity`` bytes: HyperClockCache, not the LRU cache.

    Lock-free lookups: the multi-get's read threads (``RocksDBOptions.read_threads``) no
    longer queue on the LRU shards' mutexes. Measured (``bench scale`` populations, 5
    rounds alternating in fresh processes): the read stage at 10 million profiles 60.5 →
    46.0 µs a message (lower in every round), at 10 thousand 24.3 → 21.8.
    """
    from rocksdict import Cache

    return Cache.new_hyper_clock_cache(capacity, _CACHE_ENTRY_CHARGE)


class SharedMemory:
    """One block cache and one write-buffer budget for every store an engine opens.

    With a cache and write buffers per store, an engine's memory is the per-store bound
    times the partitions it owns, and it owns more exactly when things go wrong: a peer
    that is down or scaled away hands its partitions to the others, which then outgrow the
    memory limit they were sized for and are killed in turn. Shared, the engine's RocksDB
    memory is these two numbers whatever it owns; a partition that carries more traffic
    holds more of the cache, and an idle one gives its share back.

    The write buffers' bound is RocksDB's ``WriteBufferManager``: once the stores' buffers
    together near it, the store being written flushes its buffer (writers never stall).
    Each open store keeps its buffer's bloom filter and first allocation whatever the
    budget, ~1.6 MiB with the engine's 16 MiB buffers: measured with 12 stores and a
    64 MiB budget, 19 MiB just opened and 72 MiB under steady writes to all of them.
    """

    def __init__(self, block_cache_bytes: int, write_buffer_bytes: int) -> None:
        from rocksdict import WriteBufferManager

        self.block_cache_bytes = block_cache_bytes
        self.write_buffer_bytes = write_buffer_bytes
        self.cache = _block_cache(block_cache_bytes)
        self.write_buffers = WriteBufferManager(write_buffer_bytes, False)

    def bound_bytes(self) -> int:
        """The most memory the stores sharing this may hold (block cache + write buffers)."""
        return self.block_cache_bytes + self.write_buffer_bytes

    def usage(self) -> dict[str, int]:
        """Bytes held now: ``block_cache`` (of which ``block_cache_pinned``), ``write_buffers``."""
        return {"block_cache": int(self.cache.get_usage()),
                "block_cache_pinned": int(self.cache.get_pinned_usage()),
                "write_buffers": int(self.write_buffers.get_usage())}


@dataclass(frozen=True, slots=True)
class RocksDBOptions:
    """Memory bounds and read layout of one partition's RocksDB.

    Block cache and write buffers are the only memory RocksDB grows into: index and filter
    blocks are charged to the block cache too (otherwise every table reader would hold its
    own, growing with the number of profiles). So these numbers (times the number of assigned
    partitions) bound the store's RSS whatever the number of profiles. Defaults suit a worker
    with a handful of partitions on a 2–4 GiB budget. The engine opens its stores with one
    :class:`SharedMemory` instead, whose bounds replace the cache and the write buffers' total.

    ``partitioned_index_filters`` splits each SST file's index and bloom filter into
    ``metadata_block_bytes`` pieces under a small pinned top level. A monolithic filter is
    ~1.2 MiB per million keys of an SST file, larger than a shard of the LRU cache (RocksDB
    splits 64 MiB into 64 shards), so it never stays cached and every lookup re-reads it:
    measured at 1M profiles (store from ``bench scale``, 8 MiB cache), one point lookup cost
    ~760 µs monolithic and ~40 µs partitioned, where a lookup reads one 4 KiB filter piece and
    one index piece that stay cached like data blocks.

    ``index_restart_interval`` delta-encodes 16 index keys per restart point instead of 1:
    state keys share long prefixes (kind, tenant, sender), so at 10M profiles the index
    shrank from 38 to 7.5 MB and, with the 26 MB of filters, nearly fits the (then LRU)
    cache's high-priority half. RocksDB statistics, 10M profiles, steady state: index and
    filter misses per existing-key lookup fell from 0.53 to 0.28 each (one data-block read
    stays: uniform lookups over 10M profiles cannot be cached in 64 MiB). The cache has been
    a HyperClockCache since (:func:`_block_cache`).

    ``memtable_bloom_ratio`` gives each write buffer a bloom filter of whole keys, that
    fraction of its size (allocated from the buffer itself, so within ``bound_bytes``). Most
    of a batch's missing keys are new pairs and mailboxes, absent from the store: without it
    each one costs a skiplist search of the write buffers before the SST filters answer.
    Measured on the Enron replay (``bench state``, one process, passes alternating): the
    batch multi-gets went from 5.2 to 2.5 µs a message, the writes from 7.4 to 7.7. Nothing
    stored changes (the filter is never written to disk).

    ``write_ahead_log`` is off: the changelog topic is the log. Each batch's changes are
    delivered to the changelog before they are written here (the commit protocol), so a
    write this process loses when it dies before :meth:`RocksDBStore.flush` is a batch the
    changelog already holds. The store then reopens at an earlier batch boundary (its data
    and its stored offsets are one prefix of the writes: RocksDB flushes write buffers in
    order, a WriteBatch whole), and the partition's restore, which every assignment runs
    from the store's own changelog checkpoint, brings it up to the last delivered batch.
    Kafka Streams and Flink run RocksDB the same way, for the same reason. The log wrote
    every batch a second time, uncompressed: 369 bytes a message on the Enron replay. Cost
    measured there: ``bench ab --bench state`` (fresh processes) writes 11.3 → 10.2 µs a
    message, the whole within noise (×0.976); passes alternating in one process, each on a
    fresh directory after a ``sync``, 30.6 → 27.3; with earlier passes' files still being
    written back, 43.3 → 37.3 and 47.3 → 36.1, which a long-running engine is closer to.
    The price is a longer recovery after a crash (the changelog tail since the last flush,
    which the engine bounds by ``state_flush_seconds``), and that readers of a running
    engine's store (``mailhawk state show``) see it as of the last flush. Turn it on where
    neither is acceptable.
    """

    block_cache_bytes: int = 64 << 20
    write_buffer_bytes: int = 16 << 20
    max_write_buffers: int = 2
    partitioned_index_filters: bool = True
    metadata_block_bytes: int = 4096
    index_restart_interval: int = 16
    read_threads: int = 8
    memtable_bloom_ratio: float = 0.1
    write_ahead_log: bool = False

    def bound_bytes(self) -> int:
        """The most memory these options let RocksDB hold (block cache + write buffers)."""
        return self.block_cache_bytes + self.write_buffer_bytes * self.max_write_buffers

    def to_rocksdict(self, shared: SharedMemory | None = None) -> Options:
        """The rocksdict ``Options`` for these bounds (raw bytes keys and values).

        With ``shared``, its cache and write-buffer budget instead of the store's own.
        """
        from rocksdict import BlockBasedIndexType, BlockBasedOptions, Options

        opts = Options(raw_mode=True)
        opts.create_if_missing(True)
        table = BlockBasedOptions()
        table.set_block_cache(shared.cache if shared is not None
                              else _block_cache(self.block_cache_bytes))
        table.set_cache_index_and_filter_blocks(True)
        table.set_pin_l0_filter_and_index_blocks_in_cache(True)
        # Most pair and sender lookups of a mail stream are for keys that do not exist yet
        # (first contacts): a bloom filter answers those without reading data blocks.
        table.set_bloom_filter(10, False)
        table.set_index_block_restart_interval(self.index_restart_interval)
        if self.partitioned_index_filters:
            table.set_index_type(BlockBasedIndexType.two_level_index_search())
            table.set_partition_filters(True)
            table.set_metadata_block_size(self.metadata_block_bytes)
            table.set_pin_top_level_index_and_filter(True)
        opts.set_block_based_table_factory(table)
        if self.memtable_bloom_ratio > 0.0:
            opts.set_memtable_prefix_bloom_ratio(self.memtable_bloom_ratio)
            opts.set_memtable_whole_key_filtering(True)  # no prefix extractor: whole keys
        opts.set_write_buffer_size(self.write_buffer_bytes)
        opts.set_max_write_buffer_number(self.max_write_buffers)
        if shared is not None:
            opts.set_write_buffer_manager(shared.write_buffers)
        return opts


# Below this many keys per thread a multi-get stays on the calling thread: the hand-off
# costs more than it saves when the blocks are cached.
_KEYS_PER_READ_THREAD: Final = 64


SET_ASIDE: Final = ".corrupt-"
"""What an engine puts in the name of a partition store it found corrupt and renamed
(``<partition>.corrupt-<time>``): not state any more, and readers of a state folder skip it."""


def _open_hint(error: str, read_only: bool) -> str:
    """What to check when RocksDB refuses to open a store, from its error's text."""
    if "Corruption:" in error:
        return ("the store is damaged: an engine sets such a partition store aside and "
                "restores it from the changelog; elsewhere, move the folder away")
    if "No space left" in error:
        return "the disk is full"
    if "lock" in error.lower() and not read_only:
        return "is another mailhawk process using this --state-dir?"
    return "is it a mailhawk state store?" if read_only else \
        "is the folder a mailhawk state store this process may write?"


class RocksDBStore:
    """One RocksDB directory (rocksdict) behind the store contract.

    Writes skip RocksDB's write-ahead log unless the options turn it on: what a killed
    process had not flushed is lost here and restored from the changelog
    (``RocksDBOptions.write_ahead_log``). With the log on, writes go through it without
    fsync: a killed process loses nothing ``write`` returned for, and a power loss may lose
    the last writes, which the changelog then restores.

    A large multi-get (a batch's prefetch when most keys are not cached) is split over
    ``read_threads`` threads: rocksdict releases the GIL while RocksDB reads, so block reads
    that miss the cache wait on the disk together instead of one after another. Measured
    (``bench scale``, 10M profiles, page cache partly reclaimed): 55–98 µs per uncached key
    on one thread, 25–32 µs on eight. RocksDB's own async MultiGet would do the same but
    needs io_uring, which the rocksdict wheel is built without.
    """

    def __init__(self, path: str | Path, options: RocksDBOptions | None = None, *,
                 shared: SharedMemory | None = None, read_only: bool = False) -> None:
        """Open (or create) the store at ``path``.

        ``shared``: the engine's block cache and write-buffer budget, which the store then
        draws on instead of its own (``options``' cache size no longer applies; each write
        buffer's size still does). ``read_only`` opens an existing store without RocksDB's
        lock, as of that moment (as of its last flush, when the writer runs without the
        write-ahead log), so ``mailhawk state show`` / ``stats`` can read the store of a
        running engine; writes then fail.
        """
        from rocksdict import AccessType, Rdict, WriteOptions

        self.path = Path(path)
        if not read_only:
            self.path.mkdir(parents=True, exist_ok=True)
        self.options = options or RocksDBOptions()
        self._read_only = read_only
        self._write_options = WriteOptions()
        no_wal = not self.options.write_ahead_log
        # A property in rocksdict; its stub calls it a method.
        self._write_options.disable_wal = no_wal  # type: ignore[method-assign,assignment]
        self._readers: ThreadPoolExecutor | None = None
        self._scan_options: Any = None
        rocks = self.options.to_rocksdict(shared)
        try:
            # The default column family's options are named explicitly: otherwise rocksdict
            # reopens an existing store with the options saved in its OPTIONS file, which
            # cannot hold a cache object, so a restarted engine ran on RocksDB's 8 MiB
            # default block cache instead of the configured one.
            self._db: object | None = Rdict(
                str(self.path), rocks, column_families={"default": rocks},
                access_type=AccessType.read_only() if read_only else AccessType.read_write())
        except Exception as exc:  # rocksdict raises plain Exception with RocksDB's text
            error = StoreCorruptError if "Corruption:" in str(exc) else StateError
            raise error(f"cannot open RocksDB at {self.path}: {exc} "
                        f"({_open_hint(str(exc), read_only)})") from exc

    def _live(self):  # type: ignore[no-untyped-def]
        if self._db is None:
            raise StoreClosedError(f"store {self.path} is closed")
        return self._db

    def get_many(self, keys: Sequence[bytes]) -> list[bytes | None]:
        if not keys:
            return []
        db = self._live()
        threads = min(self.options.read_threads, len(keys) // _KEYS_PER_READ_THREAD)
        if threads < 2:
            return list(db.get(list(keys)))
        if self._readers is None:
            self._readers = ThreadPoolExecutor(self.options.read_threads,
                                               thread_name_prefix="rocksdb-read")
        size = math.ceil(len(keys) / threads)
        out: list[bytes | None] = []
        for part in self._readers.map(db.get, [list(keys[i:i + size])
                                                for i in range(0, len(keys), size)]):
            out.extend(part)
        return out

    def get_meta(self, name: bytes) -> int | None:
        return _int(self._live().get(name))

    def get_meta_bytes(self, name: bytes) -> bytes | None:
        value = self._live().get(name)
        return None if value is None else bytes(value)

    def write(self, puts: Mapping[bytes, bytes | None], meta: Mapping[bytes, int | bytes]
              ) -> None:
        from rocksdict import WriteBatch

        batch = WriteBatch(raw_mode=True)
        for k, v in puts.items():
            if v is None:
                batch.delete(k)
            else:
                batch.put(k, v)
        for name, value in meta.items():
            batch.put(name, _bytes(value))
        self._live().write(batch, write_opt=self._write_options)

    def flush(self, *, wait: bool = True) -> None:
        """Write the write buffers to disk, so the writes so far survive a crash."""
        if not self._read_only:
            self._live().flush(wait=wait)

    def items(self, prefix: bytes = b"") -> Iterator[tuple[bytes, bytes]]:
        for k, v in self._live().items(from_key=prefix):
            if not k.startswith(prefix):
                break
            yield k, v

    def scan(self, start: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        from rocksdict import ReadOptions

        if self._scan_options is None:
            self._scan_options = ReadOptions()
            self._scan_options.fill_cache(False)  # type: ignore[call-arg]  # stub lacks the flag
        return list(islice(self._live().items(from_key=max(start, FIRST_PROFILE_KEY),
                                              read_opt=self._scan_options), limit))

    def estimated_keys(self) -> int:
        """RocksDB's estimate of the keys stored (its table properties; no scan)."""
        return int(self._live().property_int_value("rocksdb.estimate-num-keys") or 0)

    def memory_usage(self) -> dict[str, int]:
        """Bytes RocksDB holds in memory now, by the parts :class:`RocksDBOptions` bounds.

        ``table_readers`` is what lives outside the block cache (per open SST file); with
        index and filter blocks charged to the cache it stays small whatever the key count.
        A store opened with :class:`SharedMemory` reports the shared cache's capacity and
        usage (every store's share together); ``memtables`` stays its own.
        """
        db = self._live()
        return {name: int(db.property_int_value(prop) or 0) for name, prop in (
            ("block_cache_capacity", "rocksdb.block-cache-capacity"),
            ("block_cache", "rocksdb.block-cache-usage"),
            ("block_cache_pinned", "rocksdb.block-cache-pinned-usage"),
            ("memtables", "rocksdb.cur-size-all-mem-tables"),
            ("table_readers", "rocksdb.estimate-table-readers-mem"),
        )}

    def ingest_sorted(self, items: Iterable[tuple[bytes, bytes]], *,
                      file_keys: int = 2_000_000) -> int:
        """Bulk-load ``items`` (keys strictly increasing) as SST files; returns the count.

        No WAL, no memtable, no compaction of the loaded range when it overlaps nothing: the
        way to build a store of millions of profiles for a benchmark in seconds instead of
        the hour the write path takes. Not for live state (it bypasses the commit protocol).
        A key not above its predecessor starts a new file, so each file stays sorted.
        """
        from rocksdict import IngestExternalFileOptions, SstFileWriter

        db = self._live()
        scratch = self.path.parent / f".{self.path.name}.ingest"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        files: list[str] = []
        writer = None
        count = in_file = 0
        previous = b""
        try:
            for key, value in items:
                if writer is None or in_file >= file_keys or key <= previous:
                    if writer is not None:
                        writer.finish()
                    writer = SstFileWriter(self.options.to_rocksdict())
                    files.append(str(scratch / f"{len(files):06d}.sst"))
                    writer.open(files[-1])
                    in_file = 0
                writer[key] = value
                previous = key
                in_file += 1
                count += 1
            if writer is not None:
                writer.finish()
            if files:
                ingest = IngestExternalFileOptions()
                ingest.set_move_files(True)
                db.ingest_external_file(files, ingest)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return count

    def compact(self) -> None:
        """Compact the whole key range (after a bulk load, so reads meet a settled tree)."""
        self._live().compact_range(None, None)

    def close(self) -> None:
        if self._readers is not None:
            self._readers.shutdown()
            self._readers = None
        if self._db is not None:
            if not self._read_only and not self.options.write_ahead_log:
                self._db.flush(wait=True)  # type: ignore[attr-defined]  # never rely on close
            self._db.close()  # type: ignore[attr-defined]
            self._db = None

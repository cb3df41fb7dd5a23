"""Key-value stores of behavioural state: one per assigned input partition.

Two implementations with one contract (``tests/unit/test_store_contract.py`` runs the same
tests against both): :class:`RocksDBStore` (rocksdict, the production store) and
:class:`MemoryStore` (tests and offline scans without ``--state-dir``).

The one write operation, :meth:`Store.write`, applies a batch's profile changes *and* the
partition's bookkeeping (next input offset, last applied changelog offset) atomically: that is
step 3 of the commit protocol in DESIGN.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

from state.errors import StateError, StoreClosedError

META_NEXT_OFFSET: Final = b"\x00next_offset"
META_CHANGELOG_OFFSET: Final = b"\x00changelog_offset"
META_PREFIX: Final = b"\x00"


class Store(Protocol):
    """The contract both stores keep."""

    def get_many(self, keys: Sequence[bytes]) -> list[bytes | None]:
        """Values for ``keys`` in order; ``None`` where absent."""
        ...

    def get_meta(self, name: bytes) -> int | None:
        """A bookkeeping integer (``META_*``), or ``None`` if never written."""
        ...

    def write(self, puts: Mapping[bytes, bytes | None], meta: Mapping[bytes, int]) -> None:
        """Apply ``puts`` (``None`` deletes) and ``meta`` in one atomic write."""
        ...

    def items(self, prefix: bytes = b"") -> Iterator[tuple[bytes, bytes]]:
        """All (key, value) pairs whose key starts with ``prefix``, in key order."""
        ...

    def close(self) -> None:
        """Release the store; later calls raise StoreClosedError."""
        ...


def _int(value: bytes | None) -> int | None:
    return None if value is None else int.from_bytes(value, "big", signed=True)


def _bytes(value: int) -> bytes:
    return value.to_bytes(8, "big", signed=True)


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

    def write(self, puts: Mapping[bytes, bytes | None], meta: Mapping[bytes, int]) -> None:
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

    def close(self) -> None:
        self._data = None


@dataclass(frozen=True, slots=True)
class RocksDBOptions:
    """Memory bounds of one partition's RocksDB.

    Block cache and write buffers are the only memory RocksDB grows into, so these numbers
    (times the number of assigned partitions) bound the store's RSS whatever the number of
    profiles. Defaults suit a worker with a handful of partitions on a 2–4 GiB budget.
    """

    block_cache_bytes: int = 64 << 20
    write_buffer_bytes: int = 16 << 20
    max_write_buffers: int = 2

    def to_rocksdict(self) -> object:
        """The rocksdict ``Options`` for these bounds (raw bytes keys and values)."""
        from rocksdict import BlockBasedOptions, Cache, Options

        opts = Options(raw_mode=True)
        opts.create_if_missing(True)
        table = BlockBasedOptions()
        table.set_block_cache(Cache(self.block_cache_bytes))
        table.set_cache_index_and_filter_blocks(True)
        table.set_pin_l0_filter_and_index_blocks_in_cache(True)
        # Most pair and sender lookups of a mail stream are for keys that do not exist yet
        # (first contacts): a bloom filter answers those without reading data blocks.
        table.set_bloom_filter(10, False)
        opts.set_block_based_table_factory(table)
        opts.set_write_buffer_size(self.write_buffer_bytes)
        opts.set_max_write_buffer_number(self.max_write_buffers)
        return opts


class RocksDBStore:
    """One RocksDB directory (rocksdict) behind the store contract.

    Writes go through the WAL without fsync: a killed process loses nothing that ``write``
    returned for; a power loss may lose the last writes, which the changelog then restores.
    """

    def __init__(self, path: str | Path, options: RocksDBOptions | None = None) -> None:
        from rocksdict import Rdict

        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            self._db: object | None = Rdict(str(self.path), (options or RocksDBOptions())
                                             .to_rocksdict())
        except Exception as exc:  # rocksdict raises plain Exception with RocksDB's text
            raise StateError(f"cannot open RocksDB at {self.path}: {exc} (is another "
                             "mailhawk process using this --state-dir?)") from exc

    def _live(self):  # type: ignore[no-untyped-def]
        if self._db is None:
            raise StoreClosedError(f"store {self.path} is closed")
        return self._db

    def get_many(self, keys: Sequence[bytes]) -> list[bytes | None]:
        if not keys:
            return []
        return list(self._live().get(list(keys)))

    def get_meta(self, name: bytes) -> int | None:
        return _int(self._live().get(name))

    def write(self, puts: Mapping[bytes, bytes | None], meta: Mapping[bytes, int]) -> None:
        from rocksdict import WriteBatch

        batch = WriteBatch(raw_mode=True)
        for k, v in puts.items():
            if v is None:
                batch.delete(k)
            else:
                batch.put(k, v)
        for name, value in meta.items():
            batch.put(name, _bytes(value))
        self._live().write(batch)

    def items(self, prefix: bytes = b"") -> Iterator[tuple[bytes, bytes]]:
        for k, v in self._live().items(from_key=prefix):
            if not k.startswith(prefix):
                break
            yield k, v

    def close(self) -> None:
        if self._db is not None:
            self._db.close()  # type: ignore[attr-defined]
            self._db = None

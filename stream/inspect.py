"""Read-only views of the state directories for analysts (``mailhawk state ...``)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

import orjson

from state import (
    KIND_NAMES,
    SET_ASIDE,
    Decay,
    RocksDBStore,
    StateError,
    decode,
    make_key,
    profiled_address,
)
from state.store import (
    META_CHANGELOG_OFFSET,
    META_ERASING,
    META_EXPIRY_CURSOR,
    META_NEXT_OFFSET,
)

_KIND_BY_NAME = {v: k for k, v in KIND_NAMES.items()}
_PROGRESS_EVERY: Final = 100_000


def _stores(state_dir: Path) -> list[Path]:
    """The RocksDB stores at ``state_dir``: the folder itself, or the stores directly in it."""
    if (state_dir / "CURRENT").exists():
        return [state_dir]
    # A partition store an engine found corrupt and set aside is not state: skipped.
    found = sorted(p for p in state_dir.iterdir()
                   if (p / "CURRENT").exists() and SET_ASIDE not in p.name) \
        if state_dir.is_dir() else []
    if not found:
        raise StateError(f"no mailhawk state store in {state_dir}: pass the engine's "
                         "--state-dir (or one partition's folder inside it)")
    return found


def _readable(profile: Any, half_life_days: float) -> dict[str, Any]:
    """A profile as a dict, scaled counters turned back into counts as of its last message.

    Counters are stored multiplied by the decay weight of their reference time (see
    ``state.profiles``); an analyst wants the decayed counts.
    """
    doc = asdict(profile)
    ref, last = doc.get("ref"), doc.get("last_seen")
    if ref is None or last is None:
        return doc
    if not math.isfinite(last):  # a vendor named by the directory never goes idle
        doc["last_seen"] = None
        last = time.time()  # its counts as of now
    w = Decay(half_life_days * 86400.0).weight(last, ref)
    skip = {"ref", "first_seen", "last_seen", "n_recipients", "n_correspondents", "n_senders",
            "outbound", "payment_threads", "max_fanout"}
    for key, value in doc.items():
        if key in skip or isinstance(value, bool):
            continue
        if isinstance(value, float):
            doc[key] = round(value / w, 3)
        elif isinstance(value, list) and all(isinstance(v, float) for v in value):
            doc[key] = [round(v / w, 3) for v in value]
        elif isinstance(value, dict):
            doc[key] = {k: round(v / w, 3) for k, v in value.items()}
    doc["counts_as_of"] = last
    del doc["ref"]
    return doc


def show_profile(state_dir: Path, tenant: str, kind: str, value: str,
                 half_life_days: float = 90.0) -> list[dict[str, Any]]:
    """The profile of ``kind`` for ``value`` at ``tenant`` in every partition store holding it."""
    value = value.lower()
    if kind == "sender":  # one longer than SMTP allows is profiled in a bounded form
        value = profiled_address(value)
    key = make_key(_KIND_BY_NAME[kind], tenant, value)
    out = []
    for path in _stores(state_dir):
        store = RocksDBStore(path, read_only=True)  # beside a running engine
        try:
            raw = store.get_many([key])[0]
        finally:
            store.close()
        if raw is not None:
            out.append({"store": path.name, "kind": kind, "tenant": tenant, "key": value,
                        "profile": _readable(decode(key[:1], raw), half_life_days)})
    return out


def stats(state_dir: Path, *, on_keys: Callable[[int, int], object] | None = None
          ) -> dict[str, Any]:
    """Key counts and value bytes per kind, per store, and the stored offsets.

    Exact, so every key is read: ~2 µs a key here, ~40 s at 10 million profiles.
    ``on_keys(keys, estimated_total)`` is called every :data:`_PROGRESS_EVERY` keys and at the
    end of each store, counting over the stores read so far (``estimated_total``: the keys of
    the stores before, and RocksDB's estimate for the current one), for a progress bar.
    """
    result: dict[str, Any] = {}
    done = 0
    for path in _stores(state_dir):
        store = RocksDBStore(path, read_only=True)  # beside a running engine
        try:
            estimate = store.estimated_keys()
            counts: dict[bytes, list[int]] = {}
            n = 0
            for key, value in store.items():
                kind = key[:1]  # make_key's first byte; b"\x00" is bookkeeping
                entry = counts.get(kind)
                if entry is None:
                    entry = counts[kind] = [0, 0]
                entry[0] += 1
                entry[1] += len(key) + len(value)
                n += 1
                if on_keys is not None and n % _PROGRESS_EVERY == 0:
                    on_keys(done + n, done + estimate)
            done += n
            if on_keys is not None:
                on_keys(done, done)
            kinds: dict[str, dict[str, int]] = {}
            for kind, (keys, size) in sorted(counts.items()):
                if kind != b"\x00":
                    named = kinds.setdefault(KIND_NAMES.get(kind, "unknown"),
                                             {"keys": 0, "bytes": 0})
                    named["keys"] += keys
                    named["bytes"] += size
            cursor = store.get_meta_bytes(META_EXPIRY_CURSOR)
            erasing = store.get_meta_bytes(META_ERASING)
            result[path.name] = {
                "kinds": kinds,
                "next_offset": store.get_meta(META_NEXT_OFFSET),
                "changelog_offset": store.get_meta(META_CHANGELOG_OFFSET),
                # Where the idle expiry sweep goes on: the kind of the next key only (a key
                # names an address).
                "expiry_sweep_at": None if cursor is None else
                KIND_NAMES.get(cursor[:1], "start"),
                "tenants_being_erased": sorted(orjson.loads(erasing)) if erasing else [],
            }
        finally:
            store.close()
    return result

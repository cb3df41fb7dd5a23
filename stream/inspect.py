"""Read-only views of the state directories for analysts (``mailhawk state ...``)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from state import KIND_NAMES, RocksDBStore, decode, make_key, split_key

_KIND_BY_NAME = {v: k for k, v in KIND_NAMES.items()}


def _stores(state_dir: Path) -> list[Path]:
    if not state_dir.exists():
        raise FileNotFoundError(f"state directory {state_dir} does not exist")
    return sorted(p for p in state_dir.iterdir() if (p / "CURRENT").exists())


def show_profile(state_dir: Path, tenant: str, kind: str, value: str) -> list[dict[str, Any]]:
    """The profile of ``kind`` for ``value`` at ``tenant`` in every partition store holding it."""
    key = make_key(_KIND_BY_NAME[kind], tenant, value.lower())
    out = []
    for path in _stores(state_dir):
        store = RocksDBStore(path)
        try:
            raw = store.get_many([key])[0]
        finally:
            store.close()
        if raw is not None:
            out.append({"store": path.name, "kind": kind, "tenant": tenant, "key": value,
                        "profile": asdict(decode(key[:1], raw))})  # type: ignore[arg-type]
    return out


def stats(state_dir: Path) -> dict[str, Any]:
    """Key counts and value bytes per kind, per store, and the stored offsets."""
    result: dict[str, Any] = {}
    for path in _stores(state_dir):
        store = RocksDBStore(path)
        try:
            kinds: dict[str, dict[str, int]] = {}
            for key, value in store.items():
                if key[:1] == b"\x00":
                    continue
                kind = KIND_NAMES.get(split_key(key)[0], "unknown")
                entry = kinds.setdefault(kind, {"keys": 0, "bytes": 0})
                entry["keys"] += 1
                entry["bytes"] += len(key) + len(value)
            result[path.name] = {"kinds": kinds,
                                 "next_offset": store.get_meta(b"\x00next_offset"),
                                 "changelog_offset": store.get_meta(b"\x00changelog_offset")}
        finally:
            store.close()
    return result

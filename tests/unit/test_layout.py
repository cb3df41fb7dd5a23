"""The repository's shape: packages come from here, imports point one way, heavy libraries
stay where DESIGN.md puts them."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("schemas", "state", "detectors", "stream", "bench")
# What each package may import from the project (stream.cli is the composition root and may
# reach bench; bench uses only public names of the others).
ALLOWED = {
    "schemas": {"schemas"},
    "state": {"schemas", "state"},
    "detectors": {"schemas", "state", "detectors"},
    "stream": {"schemas", "state", "detectors", "stream"},
    "bench": {"schemas", "state", "detectors", "stream", "bench"},
}
HEAVY = {
    "confluent_kafka": ("stream", "bench"),
    "rocksdict": ("state",),
    "torch": ("detectors",),
    "prometheus_client": ("stream",),
    "faust": ("stream/feedback", "bench/peers"),
    "quixstreams": ("bench/peers",),
}
COMPOSITION_ROOT = {"stream/cli.py", "stream/demo.py", "stream/train.py"}


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")
                  if ".venv" not in p.parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_package_is_imported_from_this_repository(package):
    module = importlib.import_module(package)
    assert Path(module.__file__).resolve().parent == REPO / package


def test_there_are_modules_to_check():
    assert len(_modules()) > 20


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_imports_point_one_way(path):
    rel = path.relative_to(REPO).as_posix()
    package = rel.split("/")[0]
    allowed = ALLOWED[package] | ({"bench"} if rel in COMPOSITION_ROOT else set())
    for name in _imports(path):
        top = name.split(".")[0]
        if top in PACKAGES:
            assert top in allowed, f"{rel} imports {name}: {package} may not import {top}"
        if top in HEAVY:
            places = HEAVY[top]
            assert any(rel.startswith(p) for p in places), \
                f"{rel} imports {top}, which belongs only in {places}"

"""Model tier placeholder replaced by the torch models (see detectors/model/)."""

from __future__ import annotations

from typing import Any


def load_models(artifact: str | None) -> Any:
    """Return the model runner for ``artifact``; None when no artifact is shipped yet."""
    return None

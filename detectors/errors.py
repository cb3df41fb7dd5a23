"""Errors of the detection layer (see the tree in ``schemas.errors``)."""

from __future__ import annotations

from schemas.errors import MailhawkError


class DetectorError(MailhawkError):
    """Detection cannot run."""


class DetectorConfigError(DetectorError):
    """A detector's configuration is invalid; the detector refuses to start."""

    def __init__(self, detector: str, reason: str,
                 remedy: str = "fix its section in the scores file") -> None:
        super().__init__(f"detector '{detector}' refuses to start: {reason} ({remedy})")
        self.detector = detector
        self.reason = reason


class ArtifactError(DetectorError):
    """A model artifact is missing, corrupt, or built for another feature layout."""

"""Detection: features, heuristic detector plugins, models and the cascade that combines them."""

from detectors.base import Context, Detector, DetectorConfig
from detectors.cascade import Assessment, Cascade, Decision, Thresholds, load_scores
from detectors.errors import ArtifactError, DetectorConfigError, DetectorError
from detectors.features import ContentFeatures, extract

__all__ = [
    "ArtifactError",
    "Assessment",
    "Cascade",
    "ContentFeatures",
    "Context",
    "Decision",
    "Detector",
    "DetectorConfig",
    "DetectorConfigError",
    "DetectorError",
    "Thresholds",
    "extract",
    "load_scores",
]

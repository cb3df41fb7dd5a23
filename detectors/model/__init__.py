"""Model runtime of the detection cascade: featurize, infer, and versioned artifacts.

* :mod:`detectors.model.hashing` — ``hash_texts``: vectorised hashed n-grams of a batch of
  texts, as ``(indices, offsets)`` for ``EmbeddingBag``.
* :mod:`detectors.model.nets` — ``ContentModel``, ``BehaviourModel`` (and their seed
  ensembles, ``ContentEnsemble`` and ``BehaviourEnsemble``) and ``quantize`` (the one
  place using ``torch.ao.quantization``).
* :mod:`detectors.model.artifact` — ``save_artifact`` / ``load_artifact`` (sha256-verified,
  refuses another feature layout version), ``predict_content`` / ``predict_behaviour``, and
  ``configure_torch`` to call once at process start.

Importing this package loads torch but does no work: no model is loaded and no torch setting
changes until a function is called.
"""

from detectors.model.artifact import (
    ARTIFACT_FORMAT,
    LoadedModels,
    configure_torch,
    load_artifact,
    predict_behaviour,
    predict_content,
    save_artifact,
)
from detectors.model.hashing import hash_texts
from detectors.model.nets import (
    QUANTIZATION,
    BehaviourEnsemble,
    BehaviourModel,
    ContentEnsemble,
    ContentModel,
    quantize,
)

__all__ = [
    "ARTIFACT_FORMAT",
    "QUANTIZATION",
    "BehaviourEnsemble",
    "BehaviourModel",
    "ContentEnsemble",
    "ContentModel",
    "LoadedModels",
    "configure_torch",
    "hash_texts",
    "load_artifact",
    "predict_behaviour",
    "predict_content",
    "quantize",
    "save_artifact",
]

"""Types of ``detectors/_kernels.c``: the C forms of detection's per-byte loops."""

import numpy as np
from _typeshed import ReadableBuffer

def hash_encoded(encoded: list[bytes], buckets: int, word_ngrams: int, char_ngrams: bytes,
                 /) -> tuple[bytearray, bytearray]: ...

# The tables are C-contiguous numpy arrays (any buffer of the right item size would do, but
# numpy's stubs give ndarray the buffer protocol only for Python 3.12 and later).
def vocabulary_tokens(buf: ReadableBuffer, n: int, multiplier: int, shift: int,
                      slot_vid: np.ndarray, first8: np.ndarray, last8: np.ndarray,
                      length: np.ndarray, /) -> bytearray: ...

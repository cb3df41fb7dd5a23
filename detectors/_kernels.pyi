"""Types of ``detectors/_kernels.c``: the C forms of detection's per-byte loops."""

import numpy as np
from _typeshed import ReadableBuffer

def hash_encoded(encoded: list[bytes], buckets: int, word_ngrams: int, char_ngrams: bytes,
                 /) -> tuple[bytearray, bytearray]: ...

# The tables are C-contiguous numpy arrays (any buffer of the right item size would do, but
# numpy's stubs give ndarray the buffer protocol only for Python 3.12 and later).
def phrase_codes(buf: ReadableBuffer, n: int, msg_start: np.ndarray, multiplier: int,
                 shift: int, slot_vid: np.ndarray, slot_bits: np.ndarray,
                 first8: np.ndarray, last8: np.ndarray, length: np.ndarray,
                 words: tuple[bytes, ...], single_group: np.ndarray,
                 base: int, phrase_multiplier: np.ndarray, phrase_shift: np.ndarray,
                 phrase_group: np.ndarray, phrase_offset: np.ndarray, group_key: np.ndarray,
                 wraps: np.ndarray, group_start: np.ndarray, entry_code: np.ndarray,
                 entry_padded: tuple[bytes, ...], span: int, /) -> bytearray: ...

def join_translated(pieces: list[str | bytes], table: bytes, pad: int, /) -> bytes: ...

def fingerprints(texts: list[str | bytes], shingle: int, min_shingles: int, max_bytes: int,
                 bands: int, /) -> list[tuple[bytes, str] | None]: ...

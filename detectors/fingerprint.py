"""Content fingerprints: which held message a new one is a near-copy of.

A phishing or spam campaign mails one template many times, from fresh senders and domains, over
days: the rotation is what defeats per-sender reputation and the subject-based
``campaign_wave``. The text barely changes. Once one copy is held, a near-copy from another
stranger is the same attack, whatever the models make of it (they may have scored the first
copy over the line and the next one, with another greeting, under it). The cascade's campaign
memory (``detectors/rules/held.py``) remembers the fingerprints of held mail per tenant in the
state (``state.profiles.HeldContentProfile``) and holds later near-copies, naming the first.

Definition (:func:`signature_reference` implements it literally):

1. **Text.** The subject, a newline and the body, normalised as the content model's featurizer
   does (``detectors.model.hashing``): lower-cased, UTF-8, cut to :data:`MAX_BYTES`. The display
   name, addresses and link hosts are left out: a campaign rotates exactly those.
2. **Tokens** are maximal runs of word bytes (ASCII letters and digits, every byte ``>= 0x80``),
   each hashed as the featurizer's polynomial ``h = h * P + b`` mod ``2**64``.
3. **Shingles**: every :data:`SHINGLE` consecutive tokens, folded ``g = g * Q + h`` mod ``2**64``
   and mixed with splitmix64's finaliser. A text of fewer than :data:`MIN_SHINGLES` shingles
   has no fingerprint: short mail ("see attached", "call me") matches too much unrelated mail.
4. **Signature** (one-permutation MinHash): the mixed value's top 5 bits choose one of
   :data:`BINS` bins, bits 27–58 are its value, and each bin keeps its smallest value
   (``0xFFFFFFFF``: empty). Two texts' signatures agree in a bin with probability about the
   Jaccard similarity of their shingle sets, so :func:`similarity` (agreeing bins over the
   bins at least one of them filled) estimates it.
5. **Bands**: bins ``2i`` and ``2i + 1`` of the first 12 bins, ``i < BANDS``, when neither is
   empty. Two texts of similarity ``s`` share a band with probability ``1 - (1 - s^2)^6``:
   0.93 at 0.6, 0.43 at 0.3 (8 bands found 2% more on the corpus replay, for a third more
   keys). The state keys a held message's fingerprint by each band, so a
   near-copy is found with one multi-get, and :func:`similarity` then checks the candidates.

Before building it, the corpus replay (Enron, SpamAssassin and watchdog ham, phishing_pot;
shipped model) was searched with exact shingle sets: of the mail the cascade did not hold, no
ham, and 22 + 57 phishing_pot messages (earlier / later half) and 28 SpamAssassin spam from
strangers, were near-copies (Jaccard >= 0.6) of mail held before them. A reply quoting a held
message is the risk (one SpamAssassin ham reply is a 0.5 copy of a quarantined message): the
memory acts on strangers' mail only. What the rule catches is in README (decisions,
``held_campaign``).

The C kernel (``detectors/_kernels.c``, ``fingerprints``) computes the same signatures; this
module's reference is the definition and the fallback where the kernel was not built.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Final

try:
    from detectors import _kernels as _native
except ImportError:  # pragma: no cover - exercised where the C kernels were not built
    _native = None  # type: ignore[assignment]

__all__ = ["BANDS", "BAND_CHARS", "BINS", "MAX_BYTES", "MIN_SHINGLES", "SHINGLE", "bands",
           "fingerprints", "signature_reference", "similarities",
           "similarity"]

MAX_BYTES: Final = 1024
SHINGLE: Final = 4
MIN_SHINGLES: Final = 16
BINS: Final = 32
BANDS: Final = 6
EMPTY: Final = 0xFFFFFFFF
SIGNATURE_BYTES: Final = 4 * BINS
BAND_CHARS: Final = 18  # "i:" and 16 hex digits

_MASK: Final = (1 << 64) - 1
_P: Final = 0x243F6A8885A308D3  # the featurizer's token polynomial (detectors._kernels)
_Q: Final = 0xB7E151628AED2A6B  # and its fold


def _mix(z: int) -> int:
    """splitmix64 of ``z`` (``detectors._kernels.splitmix64``)."""
    z = (z * 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _joined(subject: str, text: str) -> str:
    return f"{subject}\n{text[:MAX_BYTES]}"


def _normalise(joined: str) -> bytes:
    # detectors.model.hashing's step 1, written again: importing the featurizer imports
    # torch (detectors.model's package), which the feedback service must not load.
    return joined[:MAX_BYTES].lower().encode("utf-8", "surrogatepass")[:MAX_BYTES]


def _is_word(b: int) -> bool:
    return 0x61 <= b <= 0x7A or 0x30 <= b <= 0x39 or b >= 0x80


def signature_reference(subject: str, text: str) -> bytes | None:
    """The fingerprint of a message, literally as the module docstring defines it."""
    data = _normalise(_joined(subject, text))
    tokens: list[int] = []
    h, inside = 0, False
    for b in data:
        if _is_word(b):
            h = ((h * _P) + b) & _MASK if inside else b
            inside = True
        elif inside:
            tokens.append(h)
            inside = False
    if inside:
        tokens.append(h)
    n = len(tokens) - SHINGLE + 1
    if n < MIN_SHINGLES:
        return None
    bins = [EMPTY] * BINS
    for t in range(n):
        g = tokens[t]
        for j in range(1, SHINGLE):
            g = (g * _Q + tokens[t + j]) & _MASK
        x = _mix(g)
        slot, value = x >> 59, min((x >> 27) & 0xFFFFFFFF, EMPTY - 1)
        if value < bins[slot]:
            bins[slot] = value
    return b"".join(v.to_bytes(4, "little") for v in bins)


def fingerprints(messages: Sequence[tuple[str, str]]) -> list[tuple[bytes, str] | None]:
    """``(fingerprint, its bands)`` of each ``(subject, text)``, or None (a short text).

    The bands come joined (:data:`BAND_CHARS` characters each, see :func:`bands`): one
    string a message instead of six.
    """
    if _native is None:
        out: list[tuple[bytes, str] | None] = []
        for subject, text in messages:
            sig = signature_reference(subject, text)
            out.append(None if sig is None else (sig, "".join(bands(sig))))
        return out
    # An ASCII text goes to the kernel as it is (it lower-cases and cuts as it reads): most
    # mail is ASCII, and lower() and encode() were most of the cost.
    texts = [_joined(subject, text) for subject, text in messages]
    return _native.fingerprints([t if t.isascii() else _normalise(t) for t in texts],
                                SHINGLE, MIN_SHINGLES, MAX_BYTES, BANDS)


_BINS: Final = struct.Struct(f"<{BINS}I")
_EMPTY_BIN: Final = b"\xff\xff\xff\xff"


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two fingerprints' shingle sets (0.0 to 1.0)."""
    agree = union = 0
    for x, y in zip(_BINS.unpack(a), _BINS.unpack(b), strict=True):
        if x == EMPTY and y == EMPTY:
            continue
        union += 1
        agree += x == y
    return agree / union if union else 0.0


def similarities(signature: bytes, others: Sequence[bytes]) -> list[float]:
    """:func:`similarity` of ``signature`` to each of ``others``, for many at once.

    ``mailhawk hunt --like`` compares one message with every message of a time window;
    numpy does the bin comparisons of a whole batch in one pass instead of a loop per pair.
    """
    import numpy as np

    if not others:
        return []
    query = np.frombuffer(signature, dtype="<u4")
    rows = np.frombuffer(b"".join(others), dtype="<u4").reshape(len(others), BINS)
    filled = (rows != EMPTY) | (query != EMPTY)
    agree = (rows == query) & filled
    union = filled.sum(axis=1)
    return [float(a) / u if u else 0.0 for a, u in zip(agree.sum(axis=1).tolist(),
                                                          union.tolist(), strict=True)]


def bands(signature: bytes) -> tuple[str, ...]:
    """The band names a fingerprint is filed and looked up under (see the module docstring).

    Band ``i`` is ``"i:"`` and the hex of bins ``2i`` and ``2i + 1`` as stored (little-endian).
    """
    text = signature.hex()
    return tuple(f"{i}:{text[16 * i:16 * i + 16]}" for i in range(BANDS)
                 if signature[8 * i:8 * i + 4] != _EMPTY_BIN
                 and signature[8 * i + 4:8 * i + 8] != _EMPTY_BIN)

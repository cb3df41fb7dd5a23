"""Hashed n-gram featurizer for the content model, vectorised over a whole batch.

The featurizer turns a batch of texts into the ``(indices, offsets)`` pair that
``torch.nn.EmbeddingBag`` reads (:class:`~detectors.model.nets.ContentModel` averages each bag).
Naive per-token Python hashing of word unigrams alone costs 37–71 µs per 3 KB message
(DESIGN.md, "Measured anchors"); here every per-byte and per-token step is a numpy operation
over the concatenated batch, so Python work is per message (lower-case, encode) and per call,
never per token.

Definition (``hash_tokens_reference`` implements it literally, one feature at a time):

1. **Normalise.** ``text[:max_bytes].lower().encode("utf-8", "surrogatepass")[:max_bytes]``.
   Lone surrogates (left by ``surrogateescape`` decoding of broken mail) are kept, never raise.
2. **Word bytes.** ASCII letters and digits and every byte ``>= 0x80`` (so UTF-8 letters of any
   script, including homoglyphs, stay inside words). A *token* is a maximal run of word bytes.
3. **Char n-grams**, for each ``n`` in ``char_ngrams`` (1 to 8): every run of ``n`` consecutive
   bytes that lies entirely inside one token. Its key is the ``n`` bytes read as a little-endian
   integer. Word bytes are never zero, so keys of different lengths never coincide and no salt
   is needed. N-grams are taken inside tokens, not across the whole byte stream: spaces and
   punctuation would otherwise add thousands of near-constant grams (runs of spaces and
   ``"> "`` quoting) that cost embedding look-ups and carry little signal.
4. **Word n-grams**, for ``k`` in ``1..word_ngrams``: token ``i`` hashes to the polynomial
   ``h = sum(b[j] * P**(L-1-j)) mod 2**64`` of its ``L`` bytes; ``k`` consecutive tokens of
   the same message fold as ``((h_i * Q + h_{i+1}) * Q + ...) + SALT[k]`` mod ``2**64``. The
   per-``k`` salt separates unigrams, bigrams... from one another (and, with overwhelming
   probability, from char-gram keys).
5. **Bucket.** Every key ``x`` goes to ``1 + ((((x * A) mod 2**64) >> 32) * (buckets-1)) >> 32``
   (multiply-shift hashing, then Lemire's multiply-high range reduction): uniform over
   ``1..buckets-1``. Bucket 0 is reserved for a message with no feature at all (empty or
   punctuation-only text), so every bag has at least one index.

Everything is fixed-width integer arithmetic on constants defined here: the result is the same
in every process and on every platform (no Python ``hash()``, no ``PYTHONHASHSEED``).

How the vectorised form works: each chunk of about 64 KB of messages is joined with ``NUL``
separators into one ``uint8`` array (``NUL`` is not a word byte, so no token or n-gram spans two
messages). The word-byte mask comes from three comparisons; token edges from where the mask
changes. Char n-gram keys are unaligned little-endian 8-byte loads at every offset, compressed
where a running AND of shifted masks says all ``n`` bytes are word bytes, then masked to ``n``
bytes. Token hashes come from one prefix sum of ``b[j] * P**-j`` (``P`` is odd, hence
invertible mod ``2**64``): ``hash(s, e) = (S[e] - S[s]) * P**(e-1)``. Every family comes out
grouped by message; the only Python loop lays each message's slices of the few families side by
side (messages x families iterations).

**The C kernel.** ``detectors/_kernels.c`` (built at install) computes the same indices in the
same order in one pass over each message's bytes, so an EmbeddingBag sums them in the same
order and the model's output is bit-identical whichever form ran; the numpy form below is the
fallback where the module is missing. Measured (2 KB texts, batches of 64–500, alternating in
one process): 13 µs per message against 24–31 µs for the numpy form, normalisation included;
on corpus mail in ``bench detect``, the model stage fell from 32 to 20 µs. Both forms still
pay for fresh output pages: at batches of 256–500 the kernel measured 23–30 µs unless glibc
keeps freed memory (``MALLOC_MMAP_THRESHOLD_``/``MALLOC_TRIM_THRESHOLD_``/``MALLOC_TOP_PAD_``),
but the engine's per-partition batches were not faster with those set (``bench detect``).

The numpy form, measured on the development machine (one core, batches of 64 and 256,
``python -m detectors.model.benchmark``): 30–35 µs per synthetic 3 KB message and 36–45 µs per
real mail body (2.9 KB after the cut), for 3,200–3,900 indices each; the literal Python
reference takes about 2.3 ms. Char n-grams are most of the cost: words only, 19 µs;
``char_ngrams=(4,)``, 26 µs; ``max_bytes=1024``, 12 µs. Two facts shaped the code: a numpy
call costs 1–2 µs here, so a chunk must hold tens of messages; and the uint64 working set
(about 40 bytes per text byte) must stay in L2, so a chunk must not hold hundreds.
Lower-casing a non-ASCII text costs about 4 µs more than an ASCII one. The output (about 25
bytes per text byte) is a fresh allocation per call: without
``MALLOC_TRIM_THRESHOLD_``/``MALLOC_TOP_PAD_`` set, glibc hands those pages back and a batch
of 256 pays about 10 page faults per message (+25 µs).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

import numpy as np

try:  # the C kernel built at install (pyproject.toml); its output equals the numpy form's
    from detectors import _kernels as _native
except ImportError:  # a source tree used without installing: the numpy form, ~2x slower
    _native = None  # type: ignore[assignment]  # mypy has no optional-module type

__all__ = ["hash_texts", "hash_tokens_reference", "kernel"]

_MASK64 = (1 << 64) - 1
# Odd 64-bit constants (digits of pi, e and sqrt(2)/golden ratio, forced odd): P is the
# polynomial base of token hashes, Q folds tokens into word n-grams, A is the multiply-shift
# key mixer.
_P = 0x243F6A8885A308D3
_P_INV = pow(_P, -1, 1 << 64)
_Q = 0xB7E151628AED2A6B
_A = 0x9E3779B97F4A7C15
_A64, _Q64 = np.uint64(_A), np.uint64(_Q)
_SHIFT32, _ONE64 = np.uint64(32), np.uint64(1)


def _splitmix64(seed: int) -> int:
    z = (seed * 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


# Salt of word n-grams of length k (index k-1).
_WORD_SALTS = tuple(_splitmix64(k) for k in range(1, 9))
_WORD_SALTS64 = tuple(np.uint64(salt) for salt in _WORD_SALTS)
_MAX_CHAR_N = 8
_MAX_WORD_N = len(_WORD_SALTS)
# Text bytes per internal chunk: 32 KB paid too much per-call overhead, 128 KB and whole
# 256-message batches spilled the uint64 working set out of L2 (measured, 3 KB messages).
_CHUNK_BYTES = 1 << 16


def _word_table() -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[ord("0"):ord("9") + 1] = True
    table[ord("a"):ord("z") + 1] = True
    table[0x80:] = True
    return table


# The definition of a word byte (ASCII upper case never occurs: texts are lower-cased first).
_WORD_BYTE = _word_table()


def _word_mask(stream: np.ndarray) -> np.ndarray:
    """``_WORD_BYTE[stream]`` by comparisons: 8x faster than a fancy-indexed table look-up."""
    mask = np.subtract(stream, np.uint8(ord("a"))) < 26  # uint8 wraps: one-sided range test
    mask |= np.subtract(stream, np.uint8(ord("0"))) < 10
    mask |= stream >= 0x80
    return mask


@functools.lru_cache(maxsize=4)
def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**j`` and ``P**-j`` mod 2**64 for ``j < size`` (size is a power of two)."""
    pw = np.full(size, _P, dtype=np.uint64)
    pw[0] = 1
    np.cumprod(pw, out=pw)  # integer overflow wraps mod 2**64, which is the arithmetic wanted
    inv = np.full(size, _P_INV, dtype=np.uint64)
    inv[0] = 1
    np.cumprod(inv, out=inv)
    pw.flags.writeable = False
    inv.flags.writeable = False
    return pw, inv


def kernel() -> str:
    """Which form hashes: ``"c"`` (the kernel built at install) or ``"numpy"`` (the fallback)."""
    return "numpy" if _native is None else "c"


def _normalise(text: str, max_bytes: int) -> bytes:
    # Slicing characters first bounds the work on huge texts: a character is >= 1 byte.
    return text[:max_bytes].lower().encode("utf-8", "surrogatepass")[:max_bytes]


def _check(buckets: int, max_bytes: int, word_ngrams: int, char_ngrams: tuple[int, ...]) -> None:
    if not 2 <= buckets <= 1 << 32:
        raise ValueError(f"buckets must be in 2..2**32, got {buckets}")
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be >= 1, got {max_bytes}")
    if not 0 <= word_ngrams <= _MAX_WORD_N:
        raise ValueError(f"word_ngrams must be in 0..{_MAX_WORD_N}, got {word_ngrams}")
    if any(not 1 <= n <= _MAX_CHAR_N for n in char_ngrams):
        raise ValueError(f"char n-gram sizes must be in 1..{_MAX_CHAR_N}, got {char_ngrams}")
    if len(set(char_ngrams)) != len(char_ngrams):
        raise ValueError(f"char n-gram sizes must be distinct, got {char_ngrams}")


def hash_texts(
    texts: Sequence[str],
    *,
    buckets: int = 1 << 18,
    max_bytes: int = 4096,
    word_ngrams: int = 2,
    char_ngrams: tuple[int, ...] = (3, 4),
) -> tuple[np.ndarray, np.ndarray]:
    """Hash a batch of texts into EmbeddingBag inputs.

    Args:
        texts: The messages' texts (subject and body, as the caller chooses).
        buckets: Rows of the embedding table; indices are in ``0..buckets-1`` and bucket 0 is
            only used for a text without any feature.
        max_bytes: Each text is cut to this many UTF-8 bytes after lower-casing.
        word_ngrams: Word n-grams of length ``1..word_ngrams`` (0 for none, at most 8).
        char_ngrams: Sizes of the char n-grams taken inside words (each in 1..8).

    Returns:
        ``(indices, offsets)``, both ``int64``: the buckets of all texts concatenated, and the
        position in ``indices`` where each text's bag starts (``offsets[0] == 0``,
        ``len(offsets) == len(texts)``). Pass them as ``torch.from_numpy(...)`` to
        :class:`~detectors.model.nets.ContentModel` (or any ``EmbeddingBag``). Within a bag,
        the order of indices is unspecified.

    Raises:
        ValueError: A parameter is out of range.
    """
    char_ngrams = tuple(char_ngrams)
    _check(buckets, max_bytes, word_ngrams, char_ngrams)
    encoded = [_normalise(t, max_bytes) for t in texts]
    if not encoded:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if _native is not None:
        raw_indices, raw_counts = _native.hash_encoded(encoded, buckets, word_ngrams,
                                                       bytes(sorted(char_ngrams)))
        count = np.frombuffer(raw_counts, dtype=np.int64)
        offsets = np.zeros(len(encoded), dtype=np.int64)
        np.cumsum(count[:-1], out=offsets[1:])
        return np.frombuffer(raw_indices, dtype=np.int64), offsets
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    # Chunks: the messages whose first byte falls in the same _CHUNK_BYTES window.
    first_byte = np.cumsum(lengths + 1) - (lengths + 1)
    window = first_byte // _CHUNK_BYTES
    bounds = [0, *(np.flatnonzero(np.diff(window)) + 1).tolist(), len(encoded)]
    # Each chunk appends its messages' slices; one concatenation at the end makes the output
    # (a per-chunk concatenation would copy every index twice).
    pieces: list[np.ndarray] = []
    counts = [_hash_chunk(encoded[lo:hi], lengths[lo:hi], buckets, word_ngrams, char_ngrams,
                          pieces)
              for lo, hi in itertools.pairwise(bounds)]
    indices = np.concatenate(pieces)
    count = counts[0] if len(counts) == 1 else np.concatenate(counts)
    offsets = np.zeros(len(encoded), dtype=np.int64)
    np.cumsum(count[:-1], out=offsets[1:])
    return indices, offsets


def _hash_chunk(
    encoded: list[bytes],
    lengths: np.ndarray,
    buckets: int,
    word_ngrams: int,
    char_ngrams: tuple[int, ...],
    pieces: list[np.ndarray],
) -> np.ndarray:
    """Append each message's bucket indices to ``pieces``; return the per-message counts."""
    n_msgs = len(encoded)
    # Step 1: one byte stream: NUL, then each message followed by NUL, then 8 NULs of padding
    # so that the unaligned 8-byte loads of the last positions stay inside the buffer.
    buf = b"\0" + b"\0".join(encoded) + b"\0" * (_MAX_CHAR_N + 1)
    n = len(buf) - _MAX_CHAR_N  # positions before the padding
    stream = np.frombuffer(buf, dtype=np.uint8)
    starts = np.empty(n_msgs + 1, dtype=np.int64)  # message m is stream[starts[m]:starts[m+1]-1]
    starts[0] = 1
    np.cumsum(lengths + 1, out=starts[1:])
    starts[1:] += 1
    word = _word_mask(stream)  # NULs are not word bytes

    # Step 2: tokens = maximal runs of word bytes. word[0] and word[n-1] are NULs, so the
    # edges pair up as start, end, start, end... and no token spans two messages.
    edges = np.flatnonzero(word[1:n] != word[:n - 1])
    edges += 1
    tok_start, tok_end = edges[0::2], edges[1::2]
    tok_len = tok_end - tok_start
    tok_bounds = np.searchsorted(tok_start, starts)  # message m: tokens tok_bounds[m]..[m+1]-1

    # Each feature family: keys grouped by message, and where each message's keys start and
    # end in that array.
    families: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    # Step 3: char n-grams inside tokens: key = the n bytes, little-endian.
    if char_ngrams:
        # The unaligned 8-byte load at every offset, copied once: compressing an aligned
        # array is faster than compressing the strided view once per size.
        load8 = np.ndarray((n,), dtype="<u8", buffer=buf, strides=(1,)).astype(np.uint64)
        run = word[:n].copy()
        size = 1
        for n_grams in sorted(char_ngrams):
            while size < n_grams:  # run[p]: bytes p..p+size-1 are all word bytes
                np.logical_and(run, word[size:size + n], out=run)
                size += 1
            keys = np.compress(run, load8)
            if n_grams < _MAX_CHAR_N:
                keys &= np.uint64((1 << (8 * n_grams)) - 1)
            # A token of L bytes holds max(L - n + 1, 0) of them.
            cum = np.zeros(len(tok_len) + 1, dtype=np.int64)
            np.cumsum(np.maximum(tok_len - (n_grams - 1), 0), out=cum[1:])
            bounds = cum.take(tok_bounds)
            families.append((keys, bounds[:-1], bounds[1:]))

    # Step 4: word n-grams from polynomial token hashes,
    # hash(s, e) = (S[e] - S[s]) * P**(e-1) with S the prefix sum of b[j] * P**-j.
    if word_ngrams and len(tok_start):
        pw, inv = _powers(1 << n.bit_length())
        prefix = np.empty(n + 1, dtype=np.uint64)
        prefix[0] = 0
        np.multiply(stream[:n], inv[:n], out=prefix[1:])
        np.cumsum(prefix[1:], out=prefix[1:])
        tok_hash = prefix.take(tok_end)
        tok_hash -= prefix.take(tok_start)
        tok_hash *= pw.take(tok_end - 1)
        gram = tok_hash
        first, last = tok_bounds[:-1], tok_bounds[1:]
        for k in range(1, min(word_ngrams, len(tok_hash)) + 1):
            if k > 1:
                gram = gram[:-1] * _Q64
                gram += tok_hash[k - 1:]
            # gram[i] starts at token i; those of message m start at its tokens
            # first[m]..last[m]-k (the ones spanning into the next message are never read).
            families.append((gram + _WORD_SALTS64[k - 1], first,
                             np.maximum(last - (k - 1), first)))

    if not families:
        pieces.extend([_EMPTY_BAG] * n_msgs)
        return np.ones(n_msgs, dtype=np.int64)

    # Step 5: bucket every key: multiply-shift, then multiply-high range reduction.
    keys = np.concatenate([fam[0] for fam in families])
    keys *= _A64
    keys >>= _SHIFT32
    keys *= np.uint64(buckets - 1)
    keys >>= _SHIFT32
    keys += _ONE64
    bucketed = keys.view(np.int64)

    # Step 6: lay the families out message by message. This loop runs over messages x
    # families (never tokens) and is cheaper than a vectorised scatter of every index.
    count = np.zeros(n_msgs, dtype=np.int64)
    spans: list[tuple[list[int], list[int]]] = []
    base = 0
    for fam_keys, lo, hi in families:
        count += hi - lo
        spans.append(((lo + base).tolist(), (hi + base).tolist()))
        base += len(fam_keys)
    for m, empty in enumerate((count == 0).tolist()):
        if empty:
            pieces.append(_EMPTY_BAG)
            continue
        for lo_list, hi_list in spans:
            pieces.append(bucketed[lo_list[m]:hi_list[m]])
    np.maximum(count, 1, out=count)
    return count


_EMPTY_BAG = np.zeros(1, dtype=np.int64)


def hash_tokens_reference(
    text: str,
    *,
    buckets: int = 1 << 18,
    max_bytes: int = 4096,
    word_ngrams: int = 2,
    char_ngrams: tuple[int, ...] = (3, 4),
) -> list[int]:
    """Slow, literal implementation of the module's definition, for tests only.

    Args:
        text: One message's text.
        buckets: As in ``hash_texts``.
        max_bytes: As in ``hash_texts``.
        word_ngrams: As in ``hash_texts``.
        char_ngrams: As in ``hash_texts``.

    Returns:
        The buckets of ``text``; as a multiset, equal to its bag in ``hash_texts``.
    """
    char_ngrams = tuple(char_ngrams)
    _check(buckets, max_bytes, word_ngrams, char_ngrams)
    data = _normalise(text, max_bytes)
    tokens: list[bytes] = []
    current = bytearray()
    for b in data:
        if _WORD_BYTE[b]:
            current.append(b)
        elif current:
            tokens.append(bytes(current))
            current = bytearray()
    if current:
        tokens.append(bytes(current))

    keys: list[int] = []
    for token in tokens:
        for n in char_ngrams:
            for i in range(len(token) - n + 1):
                keys.append(int.from_bytes(token[i:i + n], "little"))
    hashes = []
    for token in tokens:
        h = 0
        for b in token:
            h = (h * _P + b) & _MASK64
        hashes.append(h)
    for k in range(1, word_ngrams + 1):
        for i in range(len(hashes) - k + 1):
            g = 0
            for h in hashes[i:i + k]:
                g = (g * _Q + h) & _MASK64
            keys.append((g + _WORD_SALTS[k - 1]) & _MASK64)
    out = [1 + (((((x * _A) & _MASK64) >> 32) * (buckets - 1)) >> 32) for x in keys]
    return out or [0]

/* C kernels of the per-byte loops of detection. Each computes exactly what a numpy form in
 * the calling module computes (the tests run both and compare them element for element); the
 * numpy forms stay as the definition and as the fallback where this module was not built.
 *
 * Why native: the numpy forms are vectorised per chunk, but each of their dozens of array
 * passes walks a working set of several bytes per text byte, and each call costs 1-2 us; one
 * pass over the bytes here does the same work from L1. Measured in `bench detect`.
 *
 * ---- detectors.model.hashing: hashed n-grams for the content model
 *
 * hash_encoded(encoded, buckets, word_ngrams, char_ngrams) -> (indices, counts)
 *   encoded:     list of bytes, each already normalised (lower-cased, UTF-8, cut)
 *   char_ngrams: bytes of the distinct sizes 1..8, ascending
 *   indices:     bytearray of native int64 buckets, every message's bag in turn
 *   counts:      bytearray of native int64, the length of each message's bag (>= 1)
 * Per message the bag holds char n-grams by size then position, then word n-grams by length
 * then position: the numpy form's order, so an EmbeddingBag sums them in the same order and
 * the model's output is bit-identical whichever form ran.
 *
 * ---- detectors.lexicon: the vocabulary tokens of a chunk of normalised texts
 *
 * vocabulary_tokens(buf, n, multiplier, shift, slot_vid, first8, last8, length) -> bytearray
 *   buf:      the chunk's normalised texts joined, starting with a space and padded with
 *             spaces past n (as lexicon._scan_chunk builds it)
 *   slot_vid: int16 or int32 array, slot -> vocabulary id or -1; first8, last8: uint64
 *             arrays and length: int64 array, by vocabulary id
 *   result:   native int64 quadruples (token index, vocabulary id, start, end), in token
 *             order, for every token of buf[:n] (a maximal run of non-space bytes) whose
 *             first 8 bytes, last 8 bytes and length equal its slot's word (words of more
 *             than 16 bytes are then compared in full by the caller, as the numpy form does)
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define P_BASE 0x243F6A8885A308D3ULL
#define Q_FOLD 0xB7E151628AED2A6BULL
#define A_MIX 0x9E3779B97F4A7C15ULL
#define MAX_N 8

static uint64_t word_salts[MAX_N];

static uint64_t splitmix64(uint64_t seed)
{
    uint64_t z = seed * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline int is_word(unsigned char b)
{
    return (unsigned char)(b - 'a') < 26 || (unsigned char)(b - '0') < 10 || b >= 0x80;
}

static inline int64_t bucket_of(uint64_t x, uint64_t range)
{
    return (int64_t)(1 + ((((x * A_MIX) >> 32) * range) >> 32));
}

static PyObject *hash_encoded(PyObject *self, PyObject *args)
{
    PyObject *encoded;
    unsigned long long buckets;
    int word_ngrams;
    const char *sizes;
    Py_ssize_t n_sizes;
    if (!PyArg_ParseTuple(args, "O!Kiy#", &PyList_Type, &encoded, &buckets, &word_ngrams,
                          &sizes, &n_sizes))
        return NULL;
    if (buckets < 2 || buckets > (1ULL << 32) || word_ngrams < 0 || word_ngrams > MAX_N) {
        PyErr_SetString(PyExc_ValueError, "buckets or word_ngrams out of range");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n_sizes; i++) {
        if (sizes[i] < 1 || sizes[i] > MAX_N || (i && sizes[i] <= sizes[i - 1])) {
            PyErr_SetString(PyExc_ValueError, "char n-gram sizes must ascend within 1..8");
            return NULL;
        }
    }
    const uint64_t range = buckets - 1;
    const Py_ssize_t n_msgs = PyList_GET_SIZE(encoded);

    /* Upper bound of the output, so it is allocated once: a message of L bytes has at most
     * L char n-grams of each size, at most (L + 1) / 2 tokens, so as many word n-grams of
     * each length, and one index for an empty bag. Pages past what is written are never
     * touched, and the bytearray is cut to size at the end. */
    Py_ssize_t bound = 0, longest = 0;
    for (Py_ssize_t m = 0; m < n_msgs; m++) {
        PyObject *item = PyList_GET_ITEM(encoded, m);
        if (!PyBytes_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "encoded texts must be bytes");
            return NULL;
        }
        Py_ssize_t len = PyBytes_GET_SIZE(item);
        bound += len * n_sizes + ((len + 1) / 2) * word_ngrams + 1;
        if (len > longest)
            longest = len;
    }
    PyObject *indices = PyByteArray_FromStringAndSize(NULL, bound * 8);
    PyObject *counts = PyByteArray_FromStringAndSize(NULL, n_msgs * 8);
    Py_ssize_t tok_cap = longest / 2 + 1;
    Py_ssize_t *tok_start = PyMem_Malloc(sizeof(Py_ssize_t) * tok_cap * 2);
    uint64_t *tok_hash = PyMem_Malloc(sizeof(uint64_t) * tok_cap);
    uint64_t *gram = PyMem_Malloc(sizeof(uint64_t) * tok_cap);
    if (!indices || !counts || !tok_start || !tok_hash || !gram) {
        Py_XDECREF(indices);
        Py_XDECREF(counts);
        PyMem_Free(tok_start);
        PyMem_Free(tok_hash);
        PyMem_Free(gram);
        return PyErr_NoMemory();
    }
    Py_ssize_t *tok_end = tok_start + tok_cap;
    int64_t *out = (int64_t *)PyByteArray_AS_STRING(indices);
    int64_t *count = (int64_t *)PyByteArray_AS_STRING(counts);
    Py_ssize_t written = 0;

    for (Py_ssize_t m = 0; m < n_msgs; m++) {
        PyObject *item = PyList_GET_ITEM(encoded, m);
        const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(item);
        const Py_ssize_t len = PyBytes_GET_SIZE(item);
        const Py_ssize_t first = written;

        /* Tokens: maximal runs of word bytes, with their polynomial hashes. */
        Py_ssize_t n_tok = 0;
        for (Py_ssize_t p = 0; p < len;) {
            if (!is_word(b[p])) {
                p++;
                continue;
            }
            Py_ssize_t s = p;
            uint64_t h = 0;
            while (p < len && is_word(b[p]))
                h = h * P_BASE + b[p++];
            tok_start[n_tok] = s;
            tok_end[n_tok] = p;
            tok_hash[n_tok++] = h;
        }

        /* Char n-grams inside tokens: the n bytes as a little-endian integer. */
        for (Py_ssize_t i = 0; i < n_sizes; i++) {
            const int n = sizes[i];
            const int top = 8 * (n - 1);
            for (Py_ssize_t t = 0; t < n_tok; t++) {
                const Py_ssize_t s = tok_start[t], e = tok_end[t];
                if (e - s < n)
                    continue;
                /* The key rolls along the token: drop the lowest byte, add one on top. */
                uint64_t key = 0;
                for (int j = n - 2; j >= 0; j--)
                    key = (key << 8) | b[s + j];
                key <<= 8;
                for (Py_ssize_t p = s; p + n <= e; p++) {
                    key = (key >> 8) | ((uint64_t)b[p + n - 1] << top);
                    out[written++] = bucket_of(key, range);
                }
            }
        }

        /* Word n-grams: k consecutive token hashes folded with Q, plus the length's salt. */
        if (n_tok) {
            memcpy(gram, tok_hash, sizeof(uint64_t) * n_tok);
        }
        for (int k = 1; k <= word_ngrams && k <= n_tok; k++) {
            const Py_ssize_t n_gram = n_tok - k + 1;
            if (k > 1) {
                for (Py_ssize_t t = 0; t < n_gram; t++)
                    gram[t] = gram[t] * Q_FOLD + tok_hash[t + k - 1];
            }
            const uint64_t salt = word_salts[k - 1];
            for (Py_ssize_t t = 0; t < n_gram; t++)
                out[written++] = bucket_of(gram[t] + salt, range);
        }

        if (written == first)
            out[written++] = 0; /* no feature at all: bucket 0, so the bag is not empty */
        count[m] = written - first;
    }
    PyMem_Free(tok_start);
    PyMem_Free(tok_hash);
    PyMem_Free(gram);
    if (PyByteArray_Resize(indices, written * 8) < 0) {
        Py_DECREF(indices);
        Py_DECREF(counts);
        return NULL;
    }
    return Py_BuildValue("(NN)", indices, counts);
}

#define LEX_M2 0xC2B2AE3D27D4EB4FULL
#define LEX_M3 0x165667B19E3779F9ULL

/* A C-contiguous buffer view of `obj` with items of `itemsize` bytes (any size when 0):
 * 0, or -1 with an exception set. */
static int
lex_buffer(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, const char *what)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    if (itemsize && view->itemsize != itemsize) {
        PyErr_Format(PyExc_TypeError, "%s: items of %zd bytes expected", what, itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* The 8 bytes at p as a little-endian integer (numpy's "<u8" view of the buffer). */
static inline uint64_t load_le64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static PyObject *vocabulary_tokens(PyObject *self, PyObject *args)
{
    Py_buffer buf, slots, first8, last8, length;
    Py_ssize_t n;
    unsigned long long multiplier, shift;
    PyObject *o_slots, *o_first8, *o_last8, *o_length;
    if (!PyArg_ParseTuple(args, "y*nKKOOOO", &buf, &n, &multiplier, &shift, &o_slots,
                          &o_first8, &o_last8, &o_length))
        return NULL;
    PyObject *out = NULL;
    int have_slots = 0, have_first = 0, have_last = 0, have_length = 0;
    if (n < 0 || n + 8 > buf.len || shift < 1 || shift > 63) {
        PyErr_SetString(PyExc_ValueError, "vocabulary_tokens: n must leave 8 bytes of padding "
                                          "and shift be within 1..63");
        goto done;
    }
    if (lex_buffer(o_slots, &slots, 0, "slot_vid") < 0)
        goto done;
    have_slots = 1;
    if (slots.itemsize != 2 && slots.itemsize != 4) {
        PyErr_SetString(PyExc_TypeError, "slot_vid: int16 or int32 expected");
        goto done;
    }
    if (lex_buffer(o_first8, &first8, 8, "first8") < 0)
        goto done;
    have_first = 1;
    if (lex_buffer(o_last8, &last8, 8, "last8") < 0)
        goto done;
    have_last = 1;
    if (lex_buffer(o_length, &length, 8, "length") < 0)
        goto done;
    have_length = 1;
    const Py_ssize_t n_slots = slots.len / slots.itemsize, n_words = first8.len / 8;
    if (n_slots != ((Py_ssize_t)1 << (64 - shift)) || last8.len / 8 != n_words ||
        length.len / 8 != n_words) {
        PyErr_SetString(PyExc_ValueError, "vocabulary_tokens: table sizes disagree");
        goto done;
    }
    const unsigned char *b = (const unsigned char *)buf.buf;
    const int16_t *slot16 = (const int16_t *)slots.buf;
    const int32_t *slot32 = (const int32_t *)slots.buf;
    const uint64_t *w_first = (const uint64_t *)first8.buf, *w_last = (const uint64_t *)last8.buf;
    const int64_t *w_len = (const int64_t *)length.buf;
    out = PyByteArray_FromStringAndSize(NULL, 0);
    if (out == NULL)
        goto done;
    Py_ssize_t cap = 0, used = 0;  /* int64 values */
    int64_t token = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        while (i < n && b[i] == ' ')
            i++;
        if (i >= n)
            break;
        const Py_ssize_t start = i;
        while (i < n && b[i] != ' ')
            i++;
        const Py_ssize_t len = i - start;
        uint64_t first = load_le64(b + start), last = 0;  /* the padding keeps 8 readable */
        if (len < 8)
            first &= (((uint64_t)1) << (8 * len)) - 1;
        if (len > 8)
            last = load_le64(b + i - 8);
        uint64_t mix = last * LEX_M2;
        mix ^= first;
        mix += (uint64_t)len * LEX_M3;
        const uint64_t slot = (mix * (uint64_t)multiplier) >> shift;
        const int64_t vid = slots.itemsize == 2 ? slot16[slot] : slot32[slot];
        if (vid >= 0 && vid < n_words && w_first[vid] == first && w_last[vid] == last &&
            w_len[vid] == (int64_t)len) {
            if (used + 4 > cap) {
                cap = cap ? 2 * cap : 256;
                if (PyByteArray_Resize(out, cap * 8) < 0) {
                    Py_CLEAR(out);
                    goto done;
                }
            }
            int64_t *o = (int64_t *)PyByteArray_AS_STRING(out) + used;
            o[0] = token;
            o[1] = vid;
            o[2] = start;
            o[3] = i;
            used += 4;
        }
        token++;
    }
    if (PyByteArray_Resize(out, used * 8) < 0)
        Py_CLEAR(out);
done:
    if (have_length)
        PyBuffer_Release(&length);
    if (have_last)
        PyBuffer_Release(&last8);
    if (have_first)
        PyBuffer_Release(&first8);
    if (have_slots)
        PyBuffer_Release(&slots);
    PyBuffer_Release(&buf);
    return out;
}

static PyMethodDef methods[] = {
    {"hash_encoded", hash_encoded, METH_VARARGS,
     "hash_encoded(encoded, buckets, word_ngrams, char_ngrams) -> (indices, counts)\n\n"
     "Buckets of normalised texts (see detectors.model.hashing), as int64 bytearrays."},
    {"vocabulary_tokens", vocabulary_tokens, METH_VARARGS,
     "vocabulary_tokens(buf, n, multiplier, shift, slot_vid, first8, last8, length)\n\n"
     "(token index, vocabulary id, start, end) of the chunk's lexicon words, as int64."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "detectors._kernels",
    "C kernels of detection's per-byte loops (same output as their numpy forms).", -1, methods,
};

PyMODINIT_FUNC PyInit__kernels(void)
{
    for (int k = 0; k < MAX_N; k++)
        word_salts[k] = splitmix64((uint64_t)(k + 1));
    return PyModule_Create(&module);
}

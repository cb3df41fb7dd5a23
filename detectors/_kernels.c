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

static PyMethodDef methods[] = {
    {"hash_encoded", hash_encoded, METH_VARARGS,
     "hash_encoded(encoded, buckets, word_ngrams, char_ngrams) -> (indices, counts)\n\n"
     "Buckets of normalised texts (see detectors.model.hashing), as int64 bytearrays."},
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

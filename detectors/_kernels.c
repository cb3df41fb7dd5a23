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
 * ---- detectors.lexicon: the phrase matches of a chunk of normalised texts
 *
 * phrase_codes(buf, n, msg_start, multiplier, shift, slot_vid, slot_bits, first8, last8,
 *              length, words, single_group, base, phrase_multiplier, phrase_shift,
 *              phrase_group, phrase_offset, group_key, wraps, group_start, entry_code,
 *              entry_padded, span)
 *   -> bytearray: what lexicon._phrase_codes returns (its numpy form, the definition and the
 *   fallback), as native int64: message * span + entry code of every distinct (category,
 *   priority) entry a message matches, sorted.
 *   buf:      the chunk's normalised texts joined, starting with a space and padded with
 *             spaces past n (as lexicon._scan_chunk builds it); msg_start: int64 offsets
 *   slot_vid: int16 or int32 array, slot -> vocabulary id or -1; slot_bits: uint8, bit
 *             s % 8 of byte s / 8 set where slot s holds a word; first8, last8: uint64
 *             arrays, length and single_group: int64 arrays, words: tuple of bytes, all by
 *             vocabulary id; a token (a maximal run of non-space bytes) is a vocabulary word
 *             when its first 8 bytes, last 8 bytes and length equal its slot's word, and
 *             words of more than 16 bytes are then compared in full
 *   phrase_*: the k-word phrase tables (k = 2, 3, ...): uint64 multiplier and shift per
 *             table, and their int32 slot -> group arrays concatenated, table k-2 starting
 *             at phrase_offset[k-2]; group_key: int64 by group; wraps: uint8 by k-1, the
 *             packing of k ids can wrap (a match is then confirmed as entry_padded[group]
 *             at the bytes before its first word); group_start, entry_code: int64
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

/* One pass over the chunk's bytes does what lexicon._phrase_codes does with numpy: the
 * vocabulary tokens (words over 16 bytes compared in full), the one-word phrases, and each
 * k-word phrase that ends at a token, packed as k vocabulary ids in base `base` (wrapping
 * int64, as numpy's product wraps) and looked up in its multiply-shift table; packings that
 * can wrap are confirmed on the bytes. Each matched group adds its entries to its message's
 * set (a `seen` flag per entry code), written out sorted when the message ends: the result
 * is np.unique's order.
 *
 * Speed (perf on corpus mail): a byte loop mispredicted a branch at every token edge, and
 * the look-up of every token in the 256 KB slot table missed L1. Token edges therefore come
 * from a bit mask of non-space bytes, 64 at a time (SWAR, portable), iterated with ctz; and
 * a 16 KB bit per slot (slot_bits) says whether the slot holds a word at all, so the common
 * word outside the lexicon reads only that. Measured on 12,000 corpus messages in chunks of
 * 125: 4.1 us a message with the byte loop, 2.8 with both, 2.55 with lex_token inlined. */
#define LEX_MAX_K 64
#if defined(__GNUC__)
#define LEX_INLINE static inline __attribute__((always_inline))
#define LEX_CTZ(x) __builtin_ctzll(x)
#else
#define LEX_INLINE static inline
static inline int LEX_CTZ(uint64_t x)
{
    int j = 0;
    while (!((x >> j) & 1))
        j++;
    return j;
}
#endif
#define LEX_ONES 0x0101010101010101ULL

/* Bit i set where byte i of the little-endian `v` is not a space. */
static inline uint64_t lex_nonspace8(uint64_t v)
{
    const uint64_t x = v ^ (0x20 * LEX_ONES);
    uint64_t t = ((x & (0x7F * LEX_ONES)) + 0x7F * LEX_ONES) | x;  /* high bit: byte != 0 */
    t &= 0x80 * LEX_ONES;
    return ((t >> 7) * 0x0102040810204080ULL) >> 56;
}

typedef struct {
    Py_buffer view;
    int held;
} lex_held;

/* What the token loop reads and the state it carries from token to token. */
typedef struct {
    const unsigned char *b;
    Py_ssize_t buf_len;
    const int64_t *msg_start;
    Py_ssize_t n_msgs;
    uint64_t multiplier, shift;
    const unsigned char *slot_bits;
    const int16_t *slot16;
    const int32_t *slot32;
    Py_ssize_t slot_size, n_words;
    const uint64_t *w_first, *w_last;
    const int64_t *w_len, *single;
    PyObject *words, *padded;
    uint64_t base;
    Py_ssize_t max_k;
    const uint64_t *p_mult, *p_shift;
    const int32_t *p_group;
    const int64_t *p_off, *g_key, *g_start, *e_code;
    const unsigned char *wraps;
    Py_ssize_t span;
    /* output and per-message state */
    PyObject *out;
    Py_ssize_t used, cap;          /* int64 values written to out, and its capacity */
    int64_t *codes;                /* message msg's distinct entry codes so far */
    Py_ssize_t n_codes;
    unsigned char *seen;           /* by entry code: in codes */
    Py_ssize_t msg;
    int64_t run_vid[LEX_MAX_K];    /* the adjacent vocabulary tokens ending at the last one, */
    Py_ssize_t run_start[LEX_MAX_K];  /* latest first */
    Py_ssize_t run, prev_end;
} lex_scan;

/* Append message msg's distinct entry codes, sorted, as msg * span + code; reset them.
 * 0, or -1 with an exception set. */
static int lex_flush(lex_scan *s)
{
    const Py_ssize_t count = s->n_codes;
    int64_t *codes = s->codes;
    if (!count)
        return 0;
    for (Py_ssize_t a = 1; a < count; a++) {  /* insertion sort: a message has a handful */
        const int64_t c = codes[a];
        Py_ssize_t z = a;
        for (; z > 0 && codes[z - 1] > c; z--)
            codes[z] = codes[z - 1];
        codes[z] = c;
    }
    if (s->used + count > s->cap) {
        s->cap = 2 * (s->used + count) + 64;
        if (PyByteArray_Resize(s->out, s->cap * 8) < 0)
            return -1;
    }
    int64_t *o = (int64_t *)PyByteArray_AS_STRING(s->out) + s->used;
    for (Py_ssize_t a = 0; a < count; a++) {
        o[a] = (int64_t)s->msg * s->span + codes[a];
        s->seen[codes[a]] = 0;
    }
    s->used += count;
    s->n_codes = 0;
    return 0;
}

/* Flush the messages that start at or before `pos` (a token's start) but the last. */
static inline int lex_advance(lex_scan *s, Py_ssize_t pos)
{
    while (s->msg + 1 < s->n_msgs && s->msg_start[s->msg + 1] <= pos) {
        if (lex_flush(s) < 0)
            return -1;
        s->msg++;
    }
    return 0;
}

/* The token b[start:end]: its vocabulary id, then every phrase that ends with it. */
LEX_INLINE int lex_token(lex_scan *s, Py_ssize_t start, Py_ssize_t end)
{
    const unsigned char *b = s->b;
    const Py_ssize_t len = end - start;
    uint64_t first = load_le64(b + start), last = 0;  /* the padding keeps 8 readable */
    if (len < 8)
        first &= (((uint64_t)1) << (8 * len)) - 1;
    if (len > 8)
        last = load_le64(b + end - 8);
    uint64_t mix = last * LEX_M2;
    mix ^= first;
    mix += (uint64_t)len * LEX_M3;
    const uint64_t slot = (mix * s->multiplier) >> s->shift;
    if (!((s->slot_bits[slot >> 3] >> (slot & 7)) & 1))
        return 0;
    const int64_t vid = s->slot_size == 2 ? s->slot16[slot] : s->slot32[slot];
    if (vid < 0 || vid >= s->n_words || s->w_first[vid] != first || s->w_last[vid] != last ||
        s->w_len[vid] != (int64_t)len)
        return 0;
    if (len > 16 && memcmp(b + start, PyBytes_AS_STRING(PyTuple_GET_ITEM(s->words, vid)),
                           (size_t)len) != 0)
        return 0;
    if (lex_advance(s, start) < 0)
        return -1;
    /* Adjacent: one separator byte since the previous vocabulary token (never across two
     * messages: each normalised message starts and ends with a space). */
    Py_ssize_t run = s->run;
    if (start - s->prev_end == 1) {
        if (run < s->max_k)
            run++;
        memmove(s->run_vid + 1, s->run_vid, sizeof(int64_t) * (size_t)(run - 1));
        memmove(s->run_start + 1, s->run_start, sizeof(Py_ssize_t) * (size_t)(run - 1));
    } else {
        run = 1;
    }
    s->run = run;
    s->run_vid[0] = vid;
    s->run_start[0] = start;
    s->prev_end = end;
    /* The phrases ending here: one word, then k words for every k the run allows. */
    uint64_t key = (uint64_t)vid, power = 1;
    for (Py_ssize_t k = 1; k <= run; k++) {
        int64_t g;
        if (k == 1) {
            g = s->single[vid];
        } else {
            power *= s->base;
            key += (uint64_t)s->run_vid[k - 1] * power;
            const uint64_t at = (key * s->p_mult[k - 2]) >> s->p_shift[k - 2];
            g = s->p_group[s->p_off[k - 2] + (Py_ssize_t)at];
            if (g < 0 || s->g_key[g] != (int64_t)key)
                continue;
            if (s->wraps[k - 1]) {  /* the packing can wrap: b" phrase words " confirms */
                PyObject *want = PyTuple_GET_ITEM(s->padded, g);
                const Py_ssize_t from = s->run_start[k - 1] - 1, w = PyBytes_GET_SIZE(want);
                if (from < 0 || from + w > s->buf_len ||
                    memcmp(b + from, PyBytes_AS_STRING(want), (size_t)w) != 0)
                    continue;
            }
        }
        if (g < 0)
            continue;
        for (int64_t e = s->g_start[g]; e < s->g_start[g + 1]; e++) {
            const int64_t c = s->e_code[e];
            if (!s->seen[c]) {
                s->seen[c] = 1;
                s->codes[s->n_codes++] = c;
            }
        }
    }
    return 0;
}

static PyObject *phrase_codes(PyObject *self, PyObject *args)
{
    enum { B_MSG, B_SLOT, B_BITS, B_FIRST, B_LAST, B_LEN, B_SINGLE, B_PMULT, B_PSHIFT, B_PGROUP,
           B_POFF, B_GKEY, B_WRAPS, B_GSTART, B_ECODE, N_BUF };
    static const Py_ssize_t itemsize[N_BUF] = {8, 0, 1, 8, 8, 8, 8, 8, 8, 4, 8, 8, 1, 8, 8};
    static const char *names[N_BUF] = {
        "msg_start", "slot_vid", "slot_bits", "first8", "last8", "length", "single_group",
        "phrase_multiplier", "phrase_shift", "phrase_group", "phrase_offset", "group_key",
        "wraps", "group_start", "entry_code"};
    Py_buffer buf;
    Py_ssize_t n, base, span;
    unsigned long long multiplier, shift;
    PyObject *obj[N_BUF], *words, *padded;
    lex_held held[N_BUF];
    lex_scan s;
    memset(held, 0, sizeof(held));
    memset(&s, 0, sizeof(s));
    if (!PyArg_ParseTuple(args, "y*nOKKOOOOOO!OnOOOOOOOOO!n", &buf, &n, &obj[B_MSG],
                          &multiplier, &shift, &obj[B_SLOT], &obj[B_BITS], &obj[B_FIRST],
                          &obj[B_LAST], &obj[B_LEN], &PyTuple_Type, &words, &obj[B_SINGLE],
                          &base, &obj[B_PMULT], &obj[B_PSHIFT], &obj[B_PGROUP], &obj[B_POFF],
                          &obj[B_GKEY], &obj[B_WRAPS], &obj[B_GSTART], &obj[B_ECODE],
                          &PyTuple_Type, &padded, &span))
        return NULL;
    if (n < 0 || n + 8 > buf.len || shift < 1 || shift > 63 || span < 1 || base < 1) {
        PyErr_SetString(PyExc_ValueError, "phrase_codes: n must leave 8 bytes of padding, "
                                          "shift be within 1..63, span and base positive");
        goto done;
    }
    for (int k = 0; k < N_BUF; k++) {
        if (lex_buffer(obj[k], &held[k].view, itemsize[k], names[k]) < 0)
            goto done;
        held[k].held = 1;
    }
#define LEXV(k) (held[k].view.buf)
#define LEXN(k) (held[k].view.len / held[k].view.itemsize)
    const Py_ssize_t slot_size = held[B_SLOT].view.itemsize;
    const Py_ssize_t n_msgs = LEXN(B_MSG), n_slots = LEXN(B_SLOT), n_words = LEXN(B_FIRST);
    const Py_ssize_t n_tables = LEXN(B_PMULT), n_groups = LEXN(B_GKEY);
    const Py_ssize_t n_entries = LEXN(B_ECODE), n_pgroup = LEXN(B_PGROUP);
    if (slot_size != 2 && slot_size != 4) {
        PyErr_SetString(PyExc_TypeError, "slot_vid: int16 or int32 expected");
        goto done;
    }
    if (n_slots != ((Py_ssize_t)1 << (64 - shift)) || LEXN(B_BITS) * 8 != n_slots ||
        LEXN(B_LAST) != n_words || LEXN(B_LEN) != n_words || LEXN(B_SINGLE) != n_words ||
        PyTuple_GET_SIZE(words) != n_words || LEXN(B_PSHIFT) != n_tables ||
        LEXN(B_POFF) != n_tables + 1 || LEXN(B_WRAPS) < n_tables + (n_tables > 0) ||
        LEXN(B_GSTART) != n_groups + 1 || PyTuple_GET_SIZE(padded) != n_groups ||
        n_tables + 1 > LEX_MAX_K || n_msgs < 1) {
        PyErr_SetString(PyExc_ValueError, "phrase_codes: table sizes disagree");
        goto done;
    }
    s.b = (const unsigned char *)buf.buf;
    s.buf_len = buf.len;
    s.msg_start = LEXV(B_MSG);
    s.n_msgs = n_msgs;
    s.multiplier = multiplier;
    s.shift = shift;
    s.slot_bits = LEXV(B_BITS);
    s.slot16 = LEXV(B_SLOT);
    s.slot32 = LEXV(B_SLOT);
    s.slot_size = slot_size;
    s.n_words = n_words;
    s.w_first = LEXV(B_FIRST);
    s.w_last = LEXV(B_LAST);
    s.w_len = LEXV(B_LEN);
    s.single = LEXV(B_SINGLE);
    s.words = words;
    s.padded = padded;
    s.base = (uint64_t)base;
    s.max_k = n_tables + 1;
    s.p_mult = LEXV(B_PMULT);
    s.p_shift = LEXV(B_PSHIFT);
    s.p_group = LEXV(B_PGROUP);
    s.p_off = LEXV(B_POFF);
    s.g_key = LEXV(B_GKEY);
    s.wraps = LEXV(B_WRAPS);
    s.g_start = LEXV(B_GSTART);
    s.e_code = LEXV(B_ECODE);
    s.span = span;
    s.prev_end = -2;
#undef LEXV
#undef LEXN
    /* Every index the token loop reads is checked here once, so it reads none out of range. */
    for (Py_ssize_t k = 0; k < n_tables; k++) {
        if (s.p_shift[k] < 1 || s.p_shift[k] > 63 || s.p_off[k] < 0 ||
            s.p_off[k + 1] - s.p_off[k] != ((Py_ssize_t)1 << (64 - s.p_shift[k])) ||
            s.p_off[k + 1] > n_pgroup) {
            PyErr_SetString(PyExc_ValueError, "phrase_codes: phrase tables disagree");
            goto done;
        }
    }
    for (Py_ssize_t i = 0; i < n_pgroup; i++) {
        if (s.p_group[i] >= n_groups) {
            PyErr_SetString(PyExc_ValueError, "phrase_codes: group out of range");
            goto done;
        }
    }
    for (Py_ssize_t i = 0; i < n_words; i++) {
        PyObject *w = PyTuple_GET_ITEM(words, i);
        if (s.single[i] >= n_groups || !PyBytes_Check(w) || PyBytes_GET_SIZE(w) != s.w_len[i]) {
            PyErr_SetString(PyExc_ValueError, "phrase_codes: vocabulary disagrees");
            goto done;
        }
    }
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        if (s.g_start[g] < 0 || s.g_start[g] > s.g_start[g + 1] || s.g_start[g + 1] > n_entries ||
            !PyBytes_Check(PyTuple_GET_ITEM(padded, g))) {
            PyErr_SetString(PyExc_ValueError, "phrase_codes: groups disagree");
            goto done;
        }
    }
    for (Py_ssize_t e = 0; e < n_entries; e++) {
        if (s.e_code[e] < 0 || s.e_code[e] >= span) {
            PyErr_SetString(PyExc_ValueError, "phrase_codes: entry code outside span");
            goto done;
        }
    }
    s.seen = PyMem_Calloc((size_t)span, 1);
    s.codes = PyMem_Malloc(sizeof(int64_t) * (size_t)span);
    s.out = PyByteArray_FromStringAndSize(NULL, 0);
    if (!s.seen || !s.codes || !s.out) {
        Py_CLEAR(s.out);
        PyErr_NoMemory();
        goto done;
    }
    /* Token edges, 64 bytes at a time: bit j of `word` is byte p + j not being a space; an
     * edge is where it differs from the byte before (`carry` holds the previous block's last
     * byte). Edges alternate start, end; bytes past n read as spaces. */
    unsigned char tail[64];
    uint64_t carry = 0;
    Py_ssize_t tok_start = 0;
    for (Py_ssize_t p = 0; p < n; p += 64) {
        const unsigned char *blk = s.b + p;
        if (n - p < 64) {
            memset(tail, ' ', sizeof(tail));
            memcpy(tail, blk, (size_t)(n - p));
            blk = tail;
        }
        uint64_t word = 0;
        for (int q = 0; q < 8; q++)
            word |= lex_nonspace8(load_le64(blk + 8 * q)) << (8 * q);
        uint64_t edges = word ^ ((word << 1) | carry);
        carry = word >> 63;
        while (edges) {
            const int j = LEX_CTZ(edges);
            edges &= edges - 1;
            if ((word >> j) & 1)
                tok_start = p + j;
            else if (lex_token(&s, tok_start, p + j) < 0)
                goto fail;
        }
    }
    if (carry && lex_token(&s, tok_start, n) < 0)  /* a token running to n */
        goto fail;
    if (lex_advance(&s, PY_SSIZE_T_MAX) < 0 || lex_flush(&s) < 0)
        goto fail;
    if (PyByteArray_Resize(s.out, s.used * 8) < 0)
        goto fail;
    goto done;
fail:
    Py_CLEAR(s.out);
done:
    for (int k = 0; k < N_BUF; k++)
        if (held[k].held)
            PyBuffer_Release(&held[k].view);
    PyMem_Free(s.seen);
    PyMem_Free(s.codes);
    PyBuffer_Release(&buf);
    return s.out;
}

/* join_translated(pieces, table, pad) -> bytes: the pieces joined, each ASCII str piece
 * through the 256-byte `table` (as str.encode().translate(table)), each bytes piece as it
 * is, then `pad` spaces. lexicon._join_translated is its Python form (the definition and the
 * fallback). One pass and one allocation, where str.join, str.encode, bytes.translate and
 * bytes.join made four copies of every ASCII message. */
static PyObject *join_translated(PyObject *self, PyObject *args)
{
    PyObject *pieces;
    const char *table;
    Py_ssize_t table_len, pad;
    if (!PyArg_ParseTuple(args, "O!y#n", &PyList_Type, &pieces, &table, &table_len, &pad))
        return NULL;
    if (table_len != 256 || pad < 0) {
        PyErr_SetString(PyExc_ValueError, "join_translated: a 256-byte table and pad >= 0");
        return NULL;
    }
    const Py_ssize_t count = PyList_GET_SIZE(pieces);
    Py_ssize_t total = pad;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *p = PyList_GET_ITEM(pieces, i);
        if (PyUnicode_Check(p) && PyUnicode_IS_ASCII(p)) {
            total += PyUnicode_GET_LENGTH(p);
        } else if (PyBytes_Check(p)) {
            total += PyBytes_GET_SIZE(p);
        } else {
            PyErr_SetString(PyExc_TypeError, "join_translated: ASCII str or bytes pieces");
            return NULL;
        }
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, total);
    if (out == NULL)
        return NULL;
    unsigned char *o = (unsigned char *)PyBytes_AS_STRING(out);
    const unsigned char *t = (const unsigned char *)table;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *p = PyList_GET_ITEM(pieces, i);
        if (PyBytes_Check(p)) {
            const Py_ssize_t len = PyBytes_GET_SIZE(p);
            memcpy(o, PyBytes_AS_STRING(p), (size_t)len);
            o += len;
        } else {
            const Py_UCS1 *s = PyUnicode_1BYTE_DATA(p);
            const Py_ssize_t len = PyUnicode_GET_LENGTH(p);
            for (Py_ssize_t j = 0; j < len; j++)
                o[j] = t[s[j]];
            o += len;
        }
    }
    memset(o, ' ', (size_t)pad);
    return out;
}

/* ---- detectors.fingerprint: content fingerprints (one-permutation MinHash of shingles)
 *
 * fingerprints(texts, shingle, min_shingles, max_bytes, bands)
 *   -> list of (signature bytes, band names joined) or None
 *   texts: list of ASCII str (lower-cased here, as str.lower() would, and cut to max_bytes)
 *          or bytes already normalised (detectors.fingerprint._normalise)
 * Per message, what detectors.fingerprint.signature_reference returns: tokens hashed as in
 * hash_encoded, every `shingle` consecutive token hashes folded with Q_FOLD and mixed with
 * splitmix64; the mixed value's top 5 bits pick one of FP_BINS bins, bits 27-58 are its
 * value (capped below FP_EMPTY), each bin keeps its smallest; little-endian uint32s. None
 * when the text has fewer than min_shingles shingles. With it, what
 * detectors.fingerprint.bands returns for the first `bands` bands ("i:" and the hex of bins
 * 2i and 2i + 1 as stored, for each band neither of whose bins is empty), joined in one
 * str: one object a message, not one a band. */
#define FP_BINS 32
#define FP_EMPTY 0xFFFFFFFFu

static PyObject *fingerprints(PyObject *self, PyObject *args)
{
    PyObject *encoded;
    int shingle, min_shingles, n_bands;
    Py_ssize_t max_bytes;
    if (!PyArg_ParseTuple(args, "O!iini", &PyList_Type, &encoded, &shingle, &min_shingles,
                          &max_bytes, &n_bands))
        return NULL;
    if (shingle < 1 || shingle > MAX_N || min_shingles < 1 || max_bytes < 0 || n_bands < 0 ||
        n_bands > FP_BINS / 2 || n_bands > 10) {
        PyErr_SetString(PyExc_ValueError, "shingle must be in 1..8, min_shingles >= 1, "
                        "max_bytes >= 0, bands in 0..10");
        return NULL;
    }
    const Py_ssize_t n_msgs = PyList_GET_SIZE(encoded);
    for (Py_ssize_t m = 0; m < n_msgs; m++) {
        PyObject *item = PyList_GET_ITEM(encoded, m);
        if (!PyBytes_Check(item) && !(PyUnicode_Check(item) && PyUnicode_IS_ASCII(item))) {
            PyErr_SetString(PyExc_TypeError, "texts must be ASCII str or bytes");
            return NULL;
        }
    }
    PyObject *out = PyList_New(n_msgs);
    uint64_t *tok = PyMem_Malloc(sizeof(uint64_t) * (max_bytes / 2 + 1));
    if (out == NULL || tok == NULL) {
        Py_XDECREF(out);
        PyMem_Free(tok);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t m = 0; m < n_msgs; m++) {
        PyObject *item = PyList_GET_ITEM(encoded, m);
        const unsigned char *b;
        Py_ssize_t len;
        if (PyBytes_Check(item)) {
            b = (const unsigned char *)PyBytes_AS_STRING(item);
            len = PyBytes_GET_SIZE(item);
        } else {
            b = PyUnicode_1BYTE_DATA(item);
            len = PyUnicode_GET_LENGTH(item);
        }
        if (len > max_bytes)
            len = max_bytes;
        Py_ssize_t n_tok = 0;
        for (Py_ssize_t p = 0; p < len;) {
            /* ASCII upper case read as lower case (str.lower() of ASCII); normalised bytes
             * have none left */
            unsigned char c = b[p];
            if ((unsigned char)(c - 'A') < 26)
                c += 'a' - 'A';
            if (!is_word(c)) {
                p++;
                continue;
            }
            uint64_t h = 0;
            for (;;) {
                h = h * P_BASE + c;
                if (++p >= len)
                    break;
                c = b[p];
                if ((unsigned char)(c - 'A') < 26)
                    c += 'a' - 'A';
                if (!is_word(c))
                    break;
            }
            tok[n_tok++] = h;
        }
        const Py_ssize_t n = n_tok - shingle + 1;
        if (n < min_shingles) {
            PyList_SET_ITEM(out, m, Py_NewRef(Py_None));
            continue;
        }
        uint32_t bins[FP_BINS];
        for (int i = 0; i < FP_BINS; i++)
            bins[i] = FP_EMPTY;
        for (Py_ssize_t t = 0; t < n; t++) {
            uint64_t g = tok[t];
            for (int j = 1; j < shingle; j++)
                g = g * Q_FOLD + tok[t + j];
            /* splitmix64 of g: the same finaliser as word_salts' */
            const uint64_t x = splitmix64(g);
            uint32_t value = (uint32_t)(x >> 27);
            if (value == FP_EMPTY)
                value = FP_EMPTY - 1;
            const int slot = (int)(x >> 59);
            if (value < bins[slot])
                bins[slot] = value;
        }
        unsigned char raw[4 * FP_BINS];
        for (int i = 0; i < FP_BINS; i++) {
            raw[4 * i] = (unsigned char)bins[i];
            raw[4 * i + 1] = (unsigned char)(bins[i] >> 8);
            raw[4 * i + 2] = (unsigned char)(bins[i] >> 16);
            raw[4 * i + 3] = (unsigned char)(bins[i] >> 24);
        }
        static const char hex[] = "0123456789abcdef";
        char names[18 * 10];
        int n_names = 0;
        for (int i = 0; i < n_bands; i++) {
            if (bins[2 * i] == FP_EMPTY || bins[2 * i + 1] == FP_EMPTY)
                continue;
            char *name = names + 18 * n_names++;
            name[0] = (char)('0' + i);
            name[1] = ':';
            for (int j = 0; j < 8; j++) {
                name[2 + 2 * j] = hex[raw[8 * i + j] >> 4];
                name[3 + 2 * j] = hex[raw[8 * i + j] & 15];
            }
        }
        PyObject *sig = PyBytes_FromStringAndSize((const char *)raw, sizeof raw);
        PyObject *bands = sig == NULL ? NULL
            : PyUnicode_FromStringAndSize(names, 18 * (Py_ssize_t)n_names);
        PyObject *pair = bands == NULL ? NULL : PyTuple_New(2);
        if (pair == NULL) {
            Py_XDECREF(sig);
            Py_XDECREF(bands);
            Py_DECREF(out);
            PyMem_Free(tok);
            return NULL;
        }
        PyTuple_SET_ITEM(pair, 1, bands);
        PyTuple_SET_ITEM(pair, 0, sig);
        PyList_SET_ITEM(out, m, pair);
    }
    PyMem_Free(tok);
    return out;
}

static PyMethodDef methods[] = {
    {"hash_encoded", hash_encoded, METH_VARARGS,
     "hash_encoded(encoded, buckets, word_ngrams, char_ngrams) -> (indices, counts)\n\n"
     "Buckets of normalised texts (see detectors.model.hashing), as int64 bytearrays."},
    {"phrase_codes", phrase_codes, METH_VARARGS,
     "phrase_codes(buf, n, msg_start, multiplier, shift, slot_vid, slot_bits, first8, last8, "
     "length, words, single_group, base, phrase_multiplier, phrase_shift, phrase_group, "
     "phrase_offset, group_key, wraps, group_start, entry_code, entry_padded, span)\n\n"
     "Sorted distinct message * span + entry code of the chunk's lexicon phrases, as int64."},
    {"join_translated", join_translated, METH_VARARGS,
     "join_translated(pieces, table, pad) -> bytes\n\n"
     "ASCII str pieces translated through table, bytes pieces as they are, joined, then pad "
     "spaces."},
    {"fingerprints", fingerprints, METH_VARARGS,
     "fingerprints(texts, shingle, min_shingles, max_bytes, bands) -> list of (signature, "
     "bands joined) or None\n\n"
     "Content fingerprints of normalised texts (see detectors.fingerprint)."},
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

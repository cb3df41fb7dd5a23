/* The hot-path decoder of schemas.records (MailRecord.from_dict's fast pass), in C.
 *
 * Every consumed record is decoded once: orjson parses the bytes, then a fast pass builds the
 * MailRecord with bare type checks and hands anything it does not vouch for to the careful
 * path, which names the offending field. As Python (records._fast_mail) that pass took about
 * as long as the parse itself, ~25 dict reads and a dozen small objects a record, each
 * through the interpreter. fast_mail() here is _fast_mail step for step: the same checks
 * (exact types, the same falsy-as-empty quirks), the same values, None where _fast_mail
 * raises _Invalid. _fast_mail stays the definition and the fallback, and
 * tests/unit/test_codec.py holds the two to identical results. The records are built by
 * filling their slots (schemas/_slots.h).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "_slots.h"

/* Where _fast_mail raises _Invalid: the caller takes the careful path. */
#define INVALID ((PyObject *)&invalid_marker)
static PyObject invalid_marker;

static PyObject *mail_type, *address_type, *url_type, *attachment_type, *auth_type;
static Layout mail_layout, address_layout, url_layout, attachment_layout, auth_layout;
static PyObject *directions, *auth_outcomes, *all_tenants, *inbound, *empty, *s_lower;
static long schema_version;

enum {
    K_SCHEMA_VERSION, K_MESSAGE_ID, K_TENANT_ID, K_DIRECTION, K_RECEIVED_AT, K_FROM, K_URLS,
    K_URL, K_ANCHOR_TEXT, K_ATTACHMENTS, K_SIZE, K_STRIPPED, K_FILENAME, K_CONTENT_TYPE,
    K_SHA256, K_AUTH, K_SPF, K_DKIM, K_DMARC, K_HEADERS, K_REFERENCES, K_FROM_MAILBOXES,
    K_ADDRESS, K_NAME, K_TO, K_CC, K_REPLY_TO, K_RETURN_PATH, K_SUBJECT, K_TEXT, K_HTML,
    K_CLIENT_IP, K_IN_REPLY_TO, K_COUNT
};
static const char *key_names[K_COUNT] = {
    "schema_version", "message_id", "tenant_id", "direction", "received_at", "from", "urls",
    "url", "anchor_text", "attachments", "size", "stripped", "filename", "content_type",
    "sha256", "auth", "spf", "dkim", "dmarc", "headers", "references", "from_mailboxes",
    "address", "name", "to", "cc", "reply_to", "return_path", "subject", "text", "html",
    "client_ip", "in_reply_to"};
static PyObject *k[K_COUNT];

/* The MailRecord fields, in its order, and those of the records it holds. */
#define MAIL_FIELDS 21
static PyObject *mail_names[MAIL_FIELDS], *address_names[2], *url_names[2];
static PyObject *attachment_names[5], *auth_names[3];

/* The classes configure() is given, in its order: each one's layout, field names and count. */
#define CLASSES 5
static Layout *const layouts[CLASSES] = {&mail_layout, &address_layout, &url_layout,
                                         &attachment_layout, &auth_layout};
static PyObject **const class_names[CLASSES] = {mail_names, address_names, url_names,
                                                attachment_names, auth_names};
static const int class_fields[CLASSES] = {MAIL_FIELDS, 2, 2, 5, 3};

/* d.get(key), borrowed: NULL when absent, or with an error set when the lookup failed. */
static PyObject *
get(PyObject *d, int key)
{
    return PyDict_GetItemWithError(d, k[key]);
}

/* _s(v): an exact str (a new reference), INVALID (not a str), NULL (error). */
static PyObject *
str_of(PyObject *v)
{
    if (v == NULL)
        return PyErr_Occurred() ? NULL : INVALID;  /* d[key] of an absent key: KeyError */
    return PyUnicode_CheckExact(v) ? Py_NewRef(v) : INVALID;
}

/* _CONTROL.search(s): whether the str holds U+0000-U+001F or U+007F. */
static int
has_control(PyObject *s)
{
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0, n = PyUnicode_GET_LENGTH(s); i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x20 || c == 0x7f)
            return 1;
    }
    return 0;
}

/* _so(v): "" for absent or None, else as str_of. */
static PyObject *
opt_str(PyObject *v)
{
    if (v == NULL && PyErr_Occurred())
        return NULL;
    if (v == NULL || v == Py_None)
        return Py_NewRef(empty);
    return str_of(v);
}

/* s.lower() of a str from str_of/opt_str (takes the reference; passes INVALID and NULL on). */
static PyObject *
lower(PyObject *s)
{
    if (s == NULL || s == INVALID)
        return s;
    if (PyUnicode_IS_ASCII(s)) {  /* nothing to change: the same value */
        const Py_UCS1 *c = PyUnicode_1BYTE_DATA(s);
        Py_ssize_t n = PyUnicode_GET_LENGTH(s), i = 0;
        while (i < n && !(c[i] >= 'A' && c[i] <= 'Z'))
            i++;
        if (i == n)
            return s;
    }
    PyObject *out = PyObject_CallMethodNoArgs(s, s_lower);
    Py_DECREF(s);
    return out;
}

/* A record's object from `n` new references in `v`, which are released. */
static PyObject *
build(Layout *lay, PyObject *type, PyObject *const *names, int n, PyObject **v)
{
    PyObject *out = new_instance(lay, type, names, n, v);
    for (int i = 0; i < n; i++)
        Py_DECREF(v[i]);
    return out;
}

/* v[i] = expr, or return what it gave when that is not a value (NULL: an error is set;
 * INVALID: refused), releasing v[0..i-1]. */
#define TAKE(v, i, expr) do {                                   \
        (v)[i] = (expr);                                        \
        if ((v)[i] == NULL || (v)[i] == INVALID) {              \
            PyObject *taken_ = (v)[i];                          \
            for (int j_ = 0; j_ < (i); j_++)                    \
                Py_DECREF((v)[j_]);                             \
            return taken_;                                      \
        }                                                       \
    } while (0)

/* Address(_s(a["address"]).lower(), _so(a.get("name"))) of a dict `a`. */
static PyObject *
address_of(PyObject *a)
{
    if (!PyDict_CheckExact(a))
        return INVALID;
    PyObject *v[2];
    TAKE(v, 0, lower(str_of(get(a, K_ADDRESS))));
    TAKE(v, 1, opt_str(get(a, K_NAME)));
    return build(&address_layout, address_type, address_names, 2, v);
}

/* _fast_addresses(d.get(key)): a tuple of Address. */
static PyObject *
addresses(PyObject *d, int key)
{
    PyObject *v = get(d, key);
    if (v == NULL && PyErr_Occurred())
        return NULL;
    if (v == NULL || v == Py_None)
        return PyTuple_New(0);
    if (!PyList_CheckExact(v))
        return INVALID;
    Py_ssize_t n = PyList_GET_SIZE(v);
    PyObject *out = PyTuple_New(n);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *a = address_of(PyList_GET_ITEM(v, i));
        if (a == NULL || a == INVALID) {
            Py_DECREF(out);
            return a;
        }
        PyTuple_SET_ITEM(out, i, a);
    }
    return out;
}

/* `d.get(key) or ()` walked with `item` on each element: a tuple, INVALID or NULL. Any
 * truthy value is iterated, as Python's for loop would (a str's characters, which `item`
 * then refuses). */
static PyObject *
each(PyObject *d, int key, PyObject *(*item)(PyObject *))
{
    PyObject *v = get(d, key);
    if (v == NULL)
        return PyErr_Occurred() ? NULL : PyTuple_New(0);
    int truthy = PyObject_IsTrue(v);
    if (truthy < 0)
        return NULL;
    if (!truthy)
        return PyTuple_New(0);
    PyObject *seq = PySequence_Fast(v, "");
    if (seq == NULL) {  /* not iterable: TypeError in the for loop */
        if (!PyErr_ExceptionMatches(PyExc_TypeError))
            return NULL;
        PyErr_Clear();
        return INVALID;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyTuple_New(n);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        PyObject *x = item(PySequence_Fast_GET_ITEM(seq, i));
        if (x == NULL || x == INVALID) {
            Py_DECREF(out);
            out = x;
            break;
        }
        PyTuple_SET_ITEM(out, i, x);
    }
    Py_DECREF(seq);
    return out;
}

static PyObject *
url_of(PyObject *u)
{
    if (!PyDict_CheckExact(u))
        return INVALID;
    PyObject *v[2];
    TAKE(v, 0, str_of(get(u, K_URL)));
    TAKE(v, 1, opt_str(get(u, K_ANCHOR_TEXT)));
    return build(&url_layout, url_type, url_names, 2, v);
}

static PyObject *
attachment_of(PyObject *a)
{
    if (!PyDict_CheckExact(a))
        return INVALID;
    PyObject *size = get(a, K_SIZE);
    if (size == NULL)
        return PyErr_Occurred() ? NULL : INVALID;
    if (!PyLong_CheckExact(size))
        return INVALID;
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(size, &overflow);
    if (x == -1 && PyErr_Occurred())
        return NULL;
    if (overflow || x < 0)  /* not 0 <= size < 2**63 */
        return INVALID;
    PyObject *stripped = get(a, K_STRIPPED);
    if (stripped == NULL && PyErr_Occurred())
        return NULL;
    if (stripped == NULL)
        stripped = Py_False;
    if (!PyBool_Check(stripped))
        return INVALID;
    PyObject *v[5];
    TAKE(v, 0, opt_str(get(a, K_FILENAME)));
    TAKE(v, 1, opt_str(get(a, K_CONTENT_TYPE)));
    v[2] = Py_NewRef(size);
    TAKE(v, 3, opt_str(get(a, K_SHA256)));
    v[4] = Py_NewRef(stripped);
    return build(&attachment_layout, attachment_type, attachment_names, 5, v);
}

/* An auth outcome (a new reference; passes INVALID and NULL on): "" or a known one. */
static PyObject *
outcome(PyObject *s)
{
    if (s == NULL || s == INVALID || PyUnicode_GET_LENGTH(s) == 0)
        return s;
    int known = PySet_Contains(auth_outcomes, s);
    if (known > 0)
        return s;
    Py_DECREF(s);
    return known < 0 ? NULL : INVALID;
}

/* The auth results: AuthResults() when absent or None. */
static PyObject *
auth_of(PyObject *d)
{
    PyObject *doc = get(d, K_AUTH);
    if (doc == NULL && PyErr_Occurred())
        return NULL;
    PyObject *v[3];
    if (doc == NULL || doc == Py_None) {
        for (int i = 0; i < 3; i++)
            v[i] = Py_NewRef(empty);
        return build(&auth_layout, auth_type, auth_names, 3, v);
    }
    if (!PyDict_CheckExact(doc))
        return INVALID;
    const int keys[3] = {K_SPF, K_DKIM, K_DMARC};
    for (int i = 0; i < 3; i++)
        TAKE(v, i, outcome(lower(opt_str(get(doc, keys[i])))));
    return build(&auth_layout, auth_type, auth_names, 3, v);
}

/* The headers: the document's own dict when every key and value is a str, {} when absent. */
static PyObject *
headers_of(PyObject *d)
{
    PyObject *h = get(d, K_HEADERS);
    if (h == NULL && PyErr_Occurred())
        return NULL;
    if (h == NULL || h == Py_None)
        return PyDict_New();
    if (!PyDict_CheckExact(h))
        return INVALID;
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(h, &pos, &key, &value))
        if (!PyUnicode_CheckExact(key) || !PyUnicode_CheckExact(value))
            return INVALID;
    return Py_NewRef(h);
}

/* tuple(d.get("references") or []), a list of str. */
static PyObject *
references_of(PyObject *d)
{
    PyObject *r = get(d, K_REFERENCES);
    if (r == NULL && PyErr_Occurred())
        return NULL;
    int truthy = r == NULL ? 0 : PyObject_IsTrue(r);
    if (truthy < 0)
        return NULL;
    if (!truthy)
        return PyTuple_New(0);
    if (!PyList_CheckExact(r))
        return INVALID;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(r); i++)
        if (!PyUnicode_CheckExact(PyList_GET_ITEM(r, i)))
            return INVALID;
    return PyList_AsTuple(r);
}

/* Each field in turn, stopping at the first that is not a value (v[i] stays NULL). */
#define FIELD(i, expr) do { v[i] = (expr); if (v[i] == NULL) goto error; \
                            if (v[i] == INVALID) { v[i] = NULL; goto invalid; } } while (0)

/* fast_mail(doc) -> MailRecord, or None where _fast_mail raises _Invalid. */
static PyObject *
fast_mail(PyObject *self, PyObject *d)
{
    if (mail_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "schemas._decode.configure() was not called");
        return NULL;
    }
    if (!PyDict_CheckExact(d))
        Py_RETURN_NONE;
    PyObject *version = get(d, K_SCHEMA_VERSION);
    if (version == NULL && PyErr_Occurred())
        return NULL;
    if (version == NULL || !PyLong_CheckExact(version))
        Py_RETURN_NONE;
    int overflow = 0;
    long ver = PyLong_AsLongAndOverflow(version, &overflow);
    if (ver == -1 && PyErr_Occurred())
        return NULL;
    if (overflow || ver != schema_version)
        Py_RETURN_NONE;

    PyObject *v[MAIL_FIELDS] = {NULL};
    FIELD(0, str_of(get(d, K_MESSAGE_ID)));
    FIELD(1, str_of(get(d, K_TENANT_ID)));
    PyObject *direction = get(d, K_DIRECTION);
    if (direction == NULL && PyErr_Occurred())
        goto error;
    if (direction == NULL || direction == Py_None)
        direction = inbound;
    if (!PyUnicode_CheckExact(direction))  /* not in DIRECTIONS (or unhashable) */
        goto invalid;
    int known = PySet_Contains(directions, direction);
    if (known < 0)
        goto error;
    if (!known)
        goto invalid;
    v[2] = Py_NewRef(direction);
    PyObject *received = get(d, K_RECEIVED_AT);
    if (received == NULL && PyErr_Occurred())
        goto error;
    if (received == NULL || !(PyFloat_CheckExact(received) || PyLong_CheckExact(received)))
        goto invalid;
    if (PyUnicode_GET_LENGTH(v[0]) == 0 || PyUnicode_GET_LENGTH(v[1]) == 0 ||
        PyUnicode_Compare(v[1], all_tenants) == 0 || has_control(v[1]))
        goto invalid;
    PyObject *from = get(d, K_FROM);
    if (from == NULL && PyErr_Occurred())
        goto error;
    if (from == NULL || !PyDict_CheckExact(from))
        goto invalid;
    FIELD(12, each(d, K_URLS, url_of));
    FIELD(13, each(d, K_ATTACHMENTS, attachment_of));
    FIELD(14, auth_of(d));
    FIELD(18, headers_of(d));
    FIELD(17, references_of(d));
    PyObject *mailboxes = get(d, K_FROM_MAILBOXES);
    if (mailboxes == NULL && PyErr_Occurred())
        goto error;
    if (mailboxes == NULL) {
        FIELD(19, PyLong_FromLong(1));
    } else {
        if (!PyLong_CheckExact(mailboxes))
            goto invalid;
        long m = PyLong_AsLongAndOverflow(mailboxes, &overflow);
        if (m == -1 && PyErr_Occurred())
            goto error;
        if (overflow || m < 0 || m >= (1L << 31))
            goto invalid;
        v[19] = Py_NewRef(mailboxes);
    }
    if (PyFloat_CheckExact(received)) {  /* float(received_at) */
        v[3] = Py_NewRef(received);
    } else {
        double t = PyLong_AsDouble(received);  /* OverflowError, as Python's float() */
        if (t == -1.0 && PyErr_Occurred())
            goto error;
        FIELD(3, PyFloat_FromDouble(t));
    }
    FIELD(4, address_of(from));
    FIELD(5, addresses(d, K_TO));
    FIELD(6, addresses(d, K_CC));
    FIELD(7, addresses(d, K_REPLY_TO));
    FIELD(8, lower(opt_str(get(d, K_RETURN_PATH))));
    FIELD(9, opt_str(get(d, K_SUBJECT)));
    FIELD(10, opt_str(get(d, K_TEXT)));
    FIELD(11, opt_str(get(d, K_HTML)));
    FIELD(15, opt_str(get(d, K_CLIENT_IP)));
    FIELD(16, opt_str(get(d, K_IN_REPLY_TO)));
    FIELD(20, PyLong_FromLong(schema_version));
    return build(&mail_layout, mail_type, mail_names, MAIL_FIELDS, v);
invalid:
    for (int i = 0; i < MAIL_FIELDS; i++)
        Py_XDECREF(v[i]);
    Py_RETURN_NONE;
error:
    for (int i = 0; i < MAIL_FIELDS; i++)
        Py_XDECREF(v[i]);
    return NULL;
}

#undef FIELD

/* configure(MailRecord, Address, Url, Attachment, AuthResults, DIRECTIONS, AUTH_OUTCOMES,
 *           ALL_TENANTS, MAIL_SCHEMA_VERSION): what fast_mail builds and checks against. */
static PyObject *
configure(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 9 || !PyAnySet_Check(args[5]) || !PyAnySet_Check(args[6]) ||
        !PyUnicode_Check(args[7]) || !PyLong_Check(args[8])) {
        PyErr_SetString(PyExc_TypeError, "configure(MailRecord, Address, Url, Attachment, "
                        "AuthResults, DIRECTIONS, AUTH_OUTCOMES, ALL_TENANTS, version)");
        return NULL;
    }
    for (int i = 0; i < CLASSES; i++)
        if (!PyType_Check(args[i])) {
            PyErr_SetString(PyExc_TypeError, "configure: the first five must be classes");
            return NULL;
        }
    long version = PyLong_AsLong(args[8]);
    if (version == -1 && PyErr_Occurred())
        return NULL;
    PyObject **types[CLASSES] = {&mail_type, &address_type, &url_type, &attachment_type,
                                 &auth_type};
    for (int i = 0; i < CLASSES; i++)
        Py_XSETREF(*types[i], Py_NewRef(args[i]));
    Py_XSETREF(directions, Py_NewRef(args[5]));
    Py_XSETREF(auth_outcomes, Py_NewRef(args[6]));
    Py_XSETREF(all_tenants, Py_NewRef(args[7]));
    schema_version = version;
    for (int i = 0; i < CLASSES; i++)
        if (resolve_layout(layouts[i], args[i], class_names[i], class_fields[i]) < 0)
            return NULL;
    Py_RETURN_NONE;
}

/* direct() -> which classes fast_mail builds by filling their slots (for the tests). */
static PyObject *
direct(PyObject *self, PyObject *unused)
{
    PyObject *out = PyList_New(0);
    for (int i = 0; out != NULL && i < CLASSES; i++)
        if (layouts[i]->direct && PyList_Append(out, (PyObject *)layouts[i]->type) < 0)
            Py_CLEAR(out);
    return out;
}

static PyMethodDef methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_FASTCALL,
     "configure(MailRecord, Address, Url, Attachment, AuthResults, DIRECTIONS, "
     "AUTH_OUTCOMES, ALL_TENANTS, MAIL_SCHEMA_VERSION)."},
    {"fast_mail", fast_mail, METH_O,
     "fast_mail(doc): schemas.records._fast_mail, or None where it raises _Invalid."},
    {"direct", direct, METH_NOARGS, "The classes built by filling their slots."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "schemas._decode",
    "MailRecord's hot-path decoder in C (see schemas/records.py).", -1, methods,
};

PyMODINIT_FUNC
PyInit__decode(void)
{
    for (int i = 0; i < K_COUNT; i++)
        if ((k[i] = PyUnicode_InternFromString(key_names[i])) == NULL)
            return NULL;
    static const char *mail[MAIL_FIELDS] = {
        "message_id", "tenant_id", "direction", "received_at", "sender", "to", "cc",
        "reply_to", "return_path", "subject", "text", "html", "urls", "attachments", "auth",
        "client_ip", "in_reply_to", "references", "headers", "from_mailboxes",
        "schema_version"};
    static const char *address[2] = {"address", "name"}, *url[2] = {"url", "anchor_text"};
    static const char *attachment[5] = {"filename", "content_type", "size", "sha256",
                                        "stripped"};
    static const char *auth[3] = {"spf", "dkim", "dmarc"};
    const char **lists[CLASSES] = {mail, address, url, attachment, auth};
    for (int l = 0; l < CLASSES; l++)
        for (int i = 0; i < class_fields[l]; i++)
            if ((class_names[l][i] = PyUnicode_InternFromString(lists[l][i])) == NULL)
                return NULL;
    if ((inbound = PyUnicode_InternFromString("inbound")) == NULL ||
        (empty = PyUnicode_InternFromString("")) == NULL ||
        (s_lower = PyUnicode_InternFromString("lower")) == NULL)
        return NULL;
    return PyModule_Create(&module);
}

/* The per-recipient loops of state.behaviour.PartitionState, in C.
 *
 * An Enron message has ~8 recipients and each costs three state keys (mailbox, pair, reverse
 * pair); these three loops over them were a third of the state layer's time as Python
 * (dict look-ups, expiry checks, small tuples, attribute reads). Each function here does what
 * the Python loop it replaces does, step for step, on the same objects: the Python forms in
 * state/behaviour.py stay the definition and the fallback, and tests/unit/test_state_native.py
 * holds the two to identical results.
 *
 * Comparisons and arithmetic on profile fields go through the object protocol (not C doubles)
 * wherever a Python int could appear, so values keep their exact types and results.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

static PyObject *s_last_seen, *s_first_seen, *s_count, *s_threads, *s_ops, *one;

#define SEP '\x1f'

/* One bytes object of the `n` pieces joined. */
static PyObject *
joined(const char *const *piece, const Py_ssize_t *len, int n)
{
    Py_ssize_t total = 0;
    for (int i = 0; i < n; i++)
        total += len[i];
    PyObject *out = PyBytes_FromStringAndSize(NULL, total);
    if (out == NULL)
        return NULL;
    char *p = PyBytes_AS_STRING(out);
    for (int i = 0; i < n; i++) {
        memcpy(p, piece[i], (size_t)len[i]);
        p += len[i];
    }
    return out;
}

/* recipient_keys(tenant, sender, recipients, limit) ->
 *     tuple of (address, mailbox key, pair key, reverse pair key), for the first `limit`. */
static PyObject *
recipient_keys(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "recipient_keys(tenant, sender, recipients, limit)");
        return NULL;
    }
    PyObject *tenant = args[0], *sender = args[1], *recipients = args[2];
    if (!PyUnicode_Check(tenant) || !PyUnicode_Check(sender) || !PyTuple_Check(recipients)) {
        PyErr_SetString(PyExc_TypeError, "tenant and sender must be str, recipients a tuple");
        return NULL;
    }
    Py_ssize_t limit = PyLong_AsSsize_t(args[3]);
    if (limit == -1 && PyErr_Occurred())
        return NULL;
    if (limit < 0) {
        PyErr_SetString(PyExc_ValueError, "limit must be >= 0");
        return NULL;
    }
    Py_ssize_t tl, sl;
    const char *t = PyUnicode_AsUTF8AndSize(tenant, &tl);
    if (t == NULL)
        return NULL;
    const char *s = PyUnicode_AsUTF8AndSize(sender, &sl);
    if (s == NULL)
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(recipients);
    if (n > limit)
        n = limit;
    PyObject *out = PyTuple_New(n);
    if (out == NULL)
        return NULL;
    static const char sep[1] = {SEP};
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *rcpt = PyTuple_GET_ITEM(recipients, i);
        if (!PyUnicode_Check(rcpt)) {
            PyErr_SetString(PyExc_TypeError, "recipients must be str");
            goto fail;
        }
        Py_ssize_t rl;
        const char *r = PyUnicode_AsUTF8AndSize(rcpt, &rl);
        if (r == NULL)
            goto fail;
        PyObject *item = PyTuple_New(4);
        if (item == NULL)
            goto fail;
        PyTuple_SET_ITEM(out, i, item);
        Py_INCREF(rcpt);
        PyTuple_SET_ITEM(item, 0, rcpt);
        /* "R" tenant SEP rcpt | "P" tenant SEP sender SEP rcpt | "P" tenant SEP rcpt SEP sender */
        const char *mailbox[4] = {"R", t, sep, r}, *pair[6] = {"P", t, sep, s, sep, r};
        const char *reverse[6] = {"P", t, sep, r, sep, s};
        const Py_ssize_t mailbox_len[4] = {1, tl, 1, rl}, pair_len[6] = {1, tl, 1, sl, 1, rl};
        const Py_ssize_t reverse_len[6] = {1, tl, 1, rl, 1, sl};
        PyObject *k;
        if ((k = joined(mailbox, mailbox_len, 4)) == NULL)
            goto fail;
        PyTuple_SET_ITEM(item, 1, k);
        if ((k = joined(pair, pair_len, 6)) == NULL)
            goto fail;
        PyTuple_SET_ITEM(item, 2, k);
        if ((k = joined(reverse, reverse_len, 6)) == NULL)
            goto fail;
        PyTuple_SET_ITEM(item, 3, k);
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* A new instance of a tuple subclass (RecipientView, _Deferred) holding `n` new references. */
static PyObject *
new_tuple_of(PyTypeObject *type, Py_ssize_t n, PyObject **items)
{
    PyObject *out = type->tp_alloc(type, n);
    if (out == NULL) {
        for (Py_ssize_t i = 0; i < n; i++)
            Py_DECREF(items[i]);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        PyTuple_SET_ITEM(out, i, items[i]);
    return out;
}

/* 1 if `t - profile.last_seen > expiry`, 0 if not, -1 on error (as the Python expression). */
static int
is_expired(PyObject *profile, PyObject *t, PyObject *expiry)
{
    PyObject *last = PyObject_GetAttr(profile, s_last_seen);
    if (last == NULL)
        return -1;
    PyObject *idle = PyNumber_Subtract(t, last);
    Py_DECREF(last);
    if (idle == NULL)
        return -1;
    int r = PyObject_RichCompareBool(idle, expiry, Py_GT);
    Py_DECREF(idle);
    return r;
}

/* The value of `key` in `live` (borrowed); KeyError if absent, as `live[key]`. */
static PyObject *
live_item(PyObject *live, PyObject *key)
{
    PyObject *v = PyDict_GetItemWithError(live, key);
    if (v == NULL && !PyErr_Occurred())
        PyErr_SetObject(PyExc_KeyError, key);
    return v;
}

/* One recipient's view (a new reference), or NULL with an exception set. The three profiles
 * are held as strong references while they are read, so nothing the reads do can free them. */
static PyObject *
view_of(PyObject *k, PyObject *live, PyObject *t, PyObject *expiry, int check, PyObject *decay,
        PyTypeObject *updates_type, PyTypeObject *deferred_type, PyTypeObject *view_type)
{
    if (!PyTuple_Check(k) || PyTuple_GET_SIZE(k) != 4) {
        PyErr_SetString(PyExc_TypeError, "recipient keys must be 4-tuples");
        return NULL;
    }
    PyObject *profile[3] = {NULL, NULL, NULL};  /* mailbox, pair, reverse */
    PyObject *items[4] = {NULL, NULL, NULL, NULL};
    PyObject *view = NULL;
    for (int j = 0; j < 3; j++) {
        PyObject *v = live_item(live, PyTuple_GET_ITEM(k, j + 1));
        if (v == NULL)
            goto done;
        profile[j] = Py_NewRef(v);
    }
    PyObject *mailbox = profile[0];
    if (Py_TYPE(mailbox) == updates_type) {
        int gone = 0;
        if (check && (gone = is_expired(mailbox, t, expiry)) < 0)
            goto done;
        if (gone) {
            items[1] = Py_NewRef(Py_None);
        } else {
            PyObject *ops = PyObject_GetAttr(mailbox, s_ops);
            if (ops == NULL)
                goto done;
            Py_ssize_t n_ops = PyObject_Length(ops);
            Py_DECREF(ops);
            if (n_ops < 0)
                goto done;
            PyObject *d[3] = {Py_NewRef(mailbox), PyLong_FromSsize_t(n_ops), Py_NewRef(decay)};
            if (d[1] == NULL) {
                Py_DECREF(d[0]);
                Py_DECREF(d[2]);
                goto done;
            }
            if ((items[1] = new_tuple_of(deferred_type, 3, d)) == NULL)
                goto done;
        }
    } else {
        int gone = 0;
        if (check && mailbox != Py_None && (gone = is_expired(mailbox, t, expiry)) < 0)
            goto done;
        items[1] = Py_NewRef(gone ? Py_None : mailbox);
    }
    for (int j = 1; j < 3; j++) {  /* pair, reverse */
        int gone = 0;
        if (check && profile[j] != Py_None && (gone = is_expired(profile[j], t, expiry)) < 0)
            goto done;
        items[j + 1] = Py_NewRef(gone ? Py_None : profile[j]);
    }
    items[0] = Py_NewRef(PyTuple_GET_ITEM(k, 0));
    view = new_tuple_of(view_type, 4, items);  /* takes the items, also on failure */
    items[0] = items[1] = items[2] = items[3] = NULL;
done:
    for (int j = 0; j < 4; j++)
        Py_XDECREF(items[j]);
    for (int j = 0; j < 3; j++)
        Py_XDECREF(profile[j]);
    return view;
}

/* snapshot_recipients(recipients, live, t, expiry, decay, updates_type, deferred_type,
 *                     view_type) -> tuple of views; the recipient loop of
 * PartitionState._snapshot (KeyError when a key was not prefetched). */
static PyObject *
snapshot_recipients(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "snapshot_recipients takes 8 arguments");
        return NULL;
    }
    PyObject *keys = args[0], *live = args[1], *t = args[2], *expiry = args[3];
    PyObject *decay = args[4];
    if (!PyTuple_Check(keys) || !PyDict_CheckExact(live) || !PyType_Check(args[5]) ||
        !PyType_Check(args[6]) || !PyType_Check(args[7]) ||
        !PyType_IsSubtype((PyTypeObject *)args[6], &PyTuple_Type) ||
        !PyType_IsSubtype((PyTypeObject *)args[7], &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "snapshot_recipients: bad argument types");
        return NULL;
    }
    double expiry_value = PyFloat_AsDouble(expiry);
    if (expiry_value == -1.0 && PyErr_Occurred())
        return NULL;
    /* `t - last_seen > inf` is never true: skip the attribute reads when expiry is off. */
    int check = !(isinf(expiry_value) && expiry_value > 0);

    Py_ssize_t n = PyTuple_GET_SIZE(keys);
    PyObject *out = PyTuple_New(n);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *view = view_of(PyTuple_GET_ITEM(keys, i), live, t, expiry, check, decay,
                                 (PyTypeObject *)args[5], (PyTypeObject *)args[6],
                                 (PyTypeObject *)args[7]);
        if (view == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyTuple_SET_ITEM(out, i, view);
    }
    return out;
}

/* `undo[key] = live.pop(key, absent)` unless `key in undo`. 0 on success, -1 on error. */
static int
remember(PyObject *undo, PyObject *live, PyObject *key, PyObject *absent)
{
    int known = PyDict_Contains(undo, key);
    if (known != 0)
        return known < 0 ? -1 : 0;
    PyObject *old = PyDict_GetItemWithError(live, key);
    if (old == NULL) {
        if (PyErr_Occurred())
            return -1;
        return PyDict_SetItem(undo, key, absent);
    }
    Py_INCREF(old);
    /* pop: deleting moves a re-inserted key to the newest end of live (the eviction clock). */
    int r = PyDict_DelItem(live, key);
    if (r == 0)
        r = PyDict_SetItem(undo, key, old);
    Py_DECREF(old);
    return r;
}

/* `a if a OP b else b` as a new reference. */
static PyObject *
pick(PyObject *a, PyObject *b, int op)
{
    int r = PyObject_RichCompareBool(a, b, op);
    if (r < 0)
        return NULL;
    return Py_NewRef(r ? a : b);
}

/* The pair profile after one more message at `t`: PairProfile(...) as in observe(). */
static PyObject *
next_pair(PyObject *pair, PyObject *t, PyObject *thread, PyObject *pair_type)
{
    if (pair == Py_None) {
        PyObject *a[4] = {t, t, one, thread};
        return PyObject_Vectorcall(pair_type, a, 4, NULL);
    }
    PyObject *first = NULL, *last = NULL, *count = NULL, *threads = NULL, *out = NULL;
    PyObject *v[4] = {NULL, NULL, NULL, NULL};
    if ((first = PyObject_GetAttr(pair, s_first_seen)) == NULL ||
        (last = PyObject_GetAttr(pair, s_last_seen)) == NULL ||
        (count = PyObject_GetAttr(pair, s_count)) == NULL ||
        (threads = PyObject_GetAttr(pair, s_threads)) == NULL)
        goto done;
    if ((v[0] = pick(t, first, Py_LT)) == NULL || (v[1] = pick(t, last, Py_GT)) == NULL ||
        (v[2] = PyNumber_Add(count, one)) == NULL ||
        (v[3] = PyNumber_Add(threads, thread)) == NULL)
        goto done;
    out = PyObject_Vectorcall(pair_type, v, 4, NULL);
done:
    Py_XDECREF(first); Py_XDECREF(last); Py_XDECREF(count); Py_XDECREF(threads);
    for (int i = 0; i < 4; i++)
        Py_XDECREF(v[i]);
    return out;
}

/* observe_recipients(views, recipients, live, undo, deferred, absent, t, sender, inbound,
 *                    thread, learn, mailboxes, pair_type, updates_type) -> new recipients;
 * the recipient loop of PartitionState.observe. */
static PyObject *
observe_recipients(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 14) {
        PyErr_SetString(PyExc_TypeError, "observe_recipients takes 14 arguments");
        return NULL;
    }
    PyObject *views = args[0], *keys = args[1], *live = args[2], *undo = args[3];
    PyObject *deferred = args[4], *absent = args[5], *t = args[6], *sender = args[7];
    PyObject *inbound = args[8], *thread = args[9];
    PyObject *pair_type = args[12], *updates_type = args[13];
    int learn = PyObject_IsTrue(args[10]);
    int mailboxes = PyObject_IsTrue(args[11]);
    if (learn < 0 || mailboxes < 0)
        return NULL;
    if (!PyTuple_Check(views) || !PyTuple_Check(keys) || !PyDict_CheckExact(live) ||
        !PyDict_CheckExact(undo) || !PyList_Check(deferred) || !PyType_Check(updates_type)) {
        PyErr_SetString(PyExc_TypeError, "observe_recipients: bad argument types");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(views);
    if (PyTuple_GET_SIZE(keys) != n) {
        PyErr_SetString(PyExc_ValueError, "views and recipient keys differ in length");
        return NULL;
    }
    Py_ssize_t new_recipients = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *view = PyTuple_GET_ITEM(views, i), *k = PyTuple_GET_ITEM(keys, i);
        if (!PyTuple_Check(view) || PyTuple_GET_SIZE(view) != 4 || !PyTuple_Check(k) ||
            PyTuple_GET_SIZE(k) != 4) {
            PyErr_SetString(PyExc_TypeError, "views and recipient keys must be 4-tuples");
            return NULL;
        }
        PyObject *pair = PyTuple_GET_ITEM(view, 2), *reverse = PyTuple_GET_ITEM(view, 3);
        PyObject *rkey = PyTuple_GET_ITEM(k, 1), *pkey = PyTuple_GET_ITEM(k, 2);
        if (pair == Py_None)
            new_recipients++;
        if (learn) {
            if (remember(undo, live, pkey, absent) < 0)
                return NULL;
            PyObject *p = next_pair(pair, t, thread, pair_type);
            if (p == NULL)
                return NULL;
            int r = PyDict_SetItem(live, pkey, p);
            Py_DECREF(p);
            if (r < 0)
                return NULL;
        }
        if (!mailboxes)
            continue;
        PyObject *updates = PyDict_GetItemWithError(live, rkey);  /* borrowed */
        if (updates == NULL && PyErr_Occurred())
            return NULL;
        if (updates == NULL)
            updates = Py_None;
        if (Py_TYPE(updates) != (PyTypeObject *)updates_type) {
            PyObject *base = Py_NewRef(updates);
            if (remember(undo, live, rkey, absent) < 0) {
                Py_DECREF(base);
                return NULL;
            }
            PyObject *made = PyObject_CallOneArg(updates_type, base);
            Py_DECREF(base);
            if (made == NULL)
                return NULL;
            int r = PyDict_SetItem(live, rkey, made);
            Py_DECREF(made);  /* live holds it */
            if (r < 0 || PyList_Append(deferred, rkey) < 0)
                return NULL;
            updates = PyDict_GetItemWithError(live, rkey);
            if (updates == NULL)
                return NULL;
        }
        PyObject *ops = PyObject_GetAttr(updates, s_ops);
        if (ops == NULL)
            return NULL;
        PyObject *first_contact = (pair == Py_None && reverse == Py_None) ? Py_True : Py_False;
        PyObject *op = PyTuple_Pack(4, t, sender, inbound, first_contact);
        int r = op == NULL ? -1 : PyList_Append(ops, op);
        Py_XDECREF(op);
        Py_DECREF(ops);
        if (r < 0)
            return NULL;
        PyObject *last = PyObject_GetAttr(updates, s_last_seen);
        if (last == NULL)
            return NULL;
        int later = PyObject_RichCompareBool(t, last, Py_GT);
        Py_DECREF(last);
        if (later < 0 || (later && PyObject_SetAttr(updates, s_last_seen, t) < 0))
            return NULL;
    }
    return PyLong_FromSsize_t(new_recipients);
}

/* One key of prefetch_plan: a hit is marked referenced, a miss is listed once. */
static int
plan_key(PyObject *key, PyObject *live, PyObject *referenced, PyObject *missing_set,
         PyObject *missing)
{
    if (key == Py_None)
        return 0;
    int known = PyDict_Contains(live, key);
    if (known < 0)
        return -1;
    if (known)
        return PySet_Add(referenced, key);
    Py_ssize_t before = PySet_GET_SIZE(missing_set);
    if (PySet_Add(missing_set, key) < 0)
        return -1;
    if (PySet_GET_SIZE(missing_set) == before)
        return 0;  /* already listed */
    if (PySet_Discard(referenced, key) < 0)
        return -1;
    return PyList_Append(missing, key);
}

/* prefetch_plan(message_keys, live, referenced) -> keys to load, in first-seen order.
 * What PartitionState.prefetch does for every key of every MessageKeys (sender, tenant,
 * domain, person, campaign, each recipient's three keys, recipient domains), without
 * building the batch's key set first. */
static PyObject *
prefetch_plan(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_Check(args[0]) || !PyDict_CheckExact(args[1]) ||
        !PySet_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "prefetch_plan(list, dict, set)");
        return NULL;
    }
    PyObject *messages = args[0], *live = args[1], *referenced = args[2];
    PyObject *missing = PyList_New(0), *missing_set = PySet_New(NULL);
    if (missing == NULL || missing_set == NULL)
        goto fail;
    for (Py_ssize_t m = 0; m < PyList_GET_SIZE(messages); m++) {
        PyObject *mk = PyList_GET_ITEM(messages, m);
        if (!PyTuple_Check(mk) || PyTuple_GET_SIZE(mk) != 7) {
            PyErr_SetString(PyExc_TypeError, "prefetch_plan: not a MessageKeys");
            goto fail;
        }
        PyObject *recipients = PyTuple_GET_ITEM(mk, 5), *domains = PyTuple_GET_ITEM(mk, 6);
        if (!PyTuple_Check(recipients) || !PyTuple_Check(domains)) {
            PyErr_SetString(PyExc_TypeError, "prefetch_plan: not a MessageKeys");
            goto fail;
        }
        /* MessageKeys.all()'s order: sender, tenant, recipient domains, domain, person,
         * campaign, then (mailbox, pair, reverse) per recipient. */
        for (int f = 0; f < 2; f++)
            if (plan_key(PyTuple_GET_ITEM(mk, f), live, referenced, missing_set, missing) < 0)
                goto fail;
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(domains); i++)
            if (plan_key(PyTuple_GET_ITEM(domains, i), live, referenced, missing_set,
                         missing) < 0)
                goto fail;
        for (int f = 2; f < 5; f++)
            if (plan_key(PyTuple_GET_ITEM(mk, f), live, referenced, missing_set, missing) < 0)
                goto fail;
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(recipients); i++) {
            PyObject *r = PyTuple_GET_ITEM(recipients, i);
            if (!PyTuple_Check(r) || PyTuple_GET_SIZE(r) != 4) {
                PyErr_SetString(PyExc_TypeError, "recipient keys must be 4-tuples");
                goto fail;
            }
            for (int f = 1; f < 4; f++)
                if (plan_key(PyTuple_GET_ITEM(r, f), live, referenced, missing_set,
                             missing) < 0)
                    goto fail;
        }
    }
    Py_DECREF(missing_set);
    return missing;
fail:
    Py_XDECREF(missing);
    Py_XDECREF(missing_set);
    return NULL;
}

static PyMethodDef methods[] = {
    {"recipient_keys", (PyCFunction)(void (*)(void))recipient_keys, METH_FASTCALL,
     "recipient_keys(tenant, sender, recipients, limit): the recipients' state keys."},
    {"snapshot_recipients", (PyCFunction)(void (*)(void))snapshot_recipients, METH_FASTCALL,
     "The recipient loop of PartitionState._snapshot."},
    {"observe_recipients", (PyCFunction)(void (*)(void))observe_recipients, METH_FASTCALL,
     "The recipient loop of PartitionState.observe; returns the count of new recipients."},
    {"prefetch_plan", (PyCFunction)(void (*)(void))prefetch_plan, METH_FASTCALL,
     "prefetch_plan(message_keys, live, referenced): the keys PartitionState must load."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "state._native",
    "The per-recipient loops of the state layer in C (see state/behaviour.py).", -1, methods,
};

PyMODINIT_FUNC
PyInit__native(void)
{
    if ((s_last_seen = PyUnicode_InternFromString("last_seen")) == NULL ||
        (s_first_seen = PyUnicode_InternFromString("first_seen")) == NULL ||
        (s_count = PyUnicode_InternFromString("count")) == NULL ||
        (s_threads = PyUnicode_InternFromString("threads")) == NULL ||
        (s_ops = PyUnicode_InternFromString("ops")) == NULL ||
        (one = PyLong_FromLong(1)) == NULL)
        return NULL;
    return PyModule_Create(&module);
}

/* The per-recipient loops of state.behaviour.PartitionState, in C.
 *
 * An Enron message has ~8 recipients and each costs three state keys (mailbox, pair, reverse
 * pair); these three loops over them were a third of the state layer's time as Python
 * (dict look-ups, expiry checks, small tuples, attribute reads). Each function here does what
 * the Python loop it replaces does, step for step, on the same objects: the Python forms in
 * state/behaviour.py stay the definition and the fallback, and tests/unit/test_state_native.py
 * holds the two to identical results. The rest of a message's per-message work followed
 * once those were in C: its keys (message_keys), its sender and verdict counts
 * (observe_sender, count_verdict), and at the batch's end the queued mailbox observations
 * (mailbox_after, apply_deferred) and the encoding of the changed values (encode_changes).
 *
 * Comparisons and arithmetic on profile fields go through the object protocol (not C doubles)
 * wherever a Python int could appear, so values keep their exact types and results. The
 * later functions hold numbers in C doubles instead, and so take only plain values (floats,
 * ints where Python converts them exactly); anything else goes to the Python form.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "../schemas/_slots.h"
#include <math.h>
#include <limits.h>
#include <string.h>

static PyObject *s_last_seen, *s_first_seen, *s_count, *s_threads, *s_ops, *one;
static PyObject *s_base, *s_ref, *s_external, *s_first_contacts, *s_n_correspondents;
static PyObject *s_correspondents, *s_vip, *s_half_life, *s_idle_expiry;
static PyObject *s_n_recipients, *s_max_fanout, *s_flagged;
static PyObject *s_sender_counters[10];  /* SenderProfile's, in _encode_sender's order */

#define SEP '\x1f'
#define SENDER_FIELDS 17  /* SenderProfile's, in its order */

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

static PyObject *key_part_fn;  /* state.profiles.key_part, for an address holding a SEP */

/* The UTF-8 of key_part(text) in *r (length *rl), given text's own UTF-8 there: text itself
 * unless it holds a separator, then key_part's result, kept alive in *holder (which the
 * caller releases with Py_XDECREF). 0, or -1 with an exception set. */
static int
as_key_part(PyObject *text, const char **r, Py_ssize_t *rl, PyObject **holder)
{
    *holder = NULL;
    if (memchr(*r, SEP, (size_t)*rl) == NULL)
        return 0;
    PyObject *part = PyObject_CallOneArg(key_part_fn, text);
    if (part == NULL)
        return -1;
    if (!PyUnicode_Check(part) || (*r = PyUnicode_AsUTF8AndSize(part, rl)) == NULL) {
        Py_DECREF(part);
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "key_part must return str");
        return -1;
    }
    *holder = part;
    return 0;
}

/* (address, mailbox key, pair key, reverse pair key) of one recipient, for a tenant and
 * sender given as UTF-8 (the sender a profiled address: no SEP in it). */
static PyObject *
recipient_item(PyObject *rcpt, const char *t, Py_ssize_t tl, const char *s, Py_ssize_t sl)
{
    static const char sep[1] = {SEP};
    if (!PyUnicode_Check(rcpt)) {
        PyErr_SetString(PyExc_TypeError, "recipients must be str");
        return NULL;
    }
    Py_ssize_t rl;
    const char *r = PyUnicode_AsUTF8AndSize(rcpt, &rl);
    if (r == NULL)
        return NULL;
    PyObject *part;  /* state.profiles.key_part(rcpt), when it holds a separator */
    if (as_key_part(rcpt, &r, &rl, &part) < 0)
        return NULL;
    PyObject *item = PyTuple_New(4);
    if (item == NULL) {
        Py_XDECREF(part);
        return NULL;
    }
    PyTuple_SET_ITEM(item, 0, Py_NewRef(rcpt));
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
    Py_XDECREF(part);
    return item;
fail:
    Py_XDECREF(part);
    Py_DECREF(item);  /* unset items are NULL: tuple dealloc skips them */
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

/* The value of `key` in `live` (borrowed); KeyError if absent, as `live[key]`. */
static PyObject *
live_item(PyObject *live, PyObject *key)
{
    PyObject *v = PyDict_GetItemWithError(live, key);
    if (v == NULL && !PyErr_Occurred())
        PyErr_SetObject(PyExc_KeyError, key);
    return v;
}

/* ---------------------------------------------------------------- profile objects
 *
 * The profiles are slotted dataclasses, built here ~10 times a message (a pair per recipient,
 * the sender, the batch's mailboxes): new_instance() fills their slots instead of running
 * their __init__, and attr() reads a slot without the attribute lookup (schemas/_slots.h). */

static Layout pair_layout, recipient_layout, sender_layout;
static PyObject *pair_names[4], *recipient_names[9], *sender_names[SENDER_FIELDS];

/* _MailboxUpdates(base) (state.behaviour): its __init__'s three slots, set directly when
 * the class is exactly that (slots base, last_seen, ops; nothing else), else by calling it. */
static PyTypeObject *updates_checked;
static int updates_direct;
static Py_ssize_t updates_offset[3];

/* The slot of attribute `name` (interned, one of the layouts' names) in `obj`: its address,
 * or NULL when `obj` is not of a resolved layout's type or has no such slot. */
static PyObject **
slot_of(PyObject *obj, PyObject *name)
{
    PyTypeObject *tp = Py_TYPE(obj);
    if (tp == updates_checked && updates_direct) {
        PyObject *names[3] = {s_base, s_last_seen, s_ops};
        for (int i = 0; i < 3; i++)
            if (names[i] == name)
                return (PyObject **)((char *)obj + updates_offset[i]);
        return NULL;
    }
    Layout *lays[3] = {&pair_layout, &recipient_layout, &sender_layout};
    PyObject *const *names[3] = {pair_names, recipient_names, sender_names};
    for (int l = 0; l < 3; l++) {
        if (tp != lays[l]->type || !lays[l]->direct)
            continue;
        for (int i = 0; i < lays[l]->n; i++)
            if (names[l][i] == name)
                return (PyObject **)((char *)obj + lays[l]->offset[i]);
        return NULL;
    }
    return NULL;
}

/* `obj.name` (a new reference), from its slot when slot_of() finds it set. */
static PyObject *
attr(PyObject *obj, PyObject *name)
{
    PyObject **slot = slot_of(obj, name);
    if (slot != NULL && *slot != NULL)
        return Py_NewRef(*slot);
    return PyObject_GetAttr(obj, name);
}

/* `obj.name = value`, in its slot when slot_of() finds one. 0 or -1. */
static int
set_attr(PyObject *obj, PyObject *name, PyObject *value)
{
    PyObject **slot = slot_of(obj, name);
    if (slot == NULL)
        return PyObject_SetAttr(obj, name, value);
    Py_XSETREF(*slot, Py_NewRef(value));
    return 0;
}

/* updates_type(base): a new queue for a mailbox profile (or None), see above. */
static PyObject *
updates_of(PyObject *updates_type, PyObject *base)
{
    PyTypeObject *tp = (PyTypeObject *)updates_type;
    if (updates_checked != tp) {
        static const char *names[3] = {"base", "last_seen", "ops"};
        PyObject *slots = PyDict_GetItemString(tp->tp_dict, "__slots__");  /* borrowed */
        int ok = slots != NULL && PyTuple_Check(slots) && PyTuple_GET_SIZE(slots) == 3 &&
            tp->tp_base == &PyBaseObject_Type;
        for (int i = 0; ok && i < 3; i++) {
            PyObject *d = PyDict_GetItemString(tp->tp_dict, names[i]);
            ok = d != NULL && Py_IS_TYPE(d, &PyMemberDescr_Type) &&
                ((PyMemberDescrObject *)d)->d_member->type == T_OBJECT_EX;
            if (ok)
                updates_offset[i] = ((PyMemberDescrObject *)d)->d_member->offset;
        }
        Py_XSETREF(updates_checked, (PyTypeObject *)Py_NewRef(updates_type));
        updates_direct = ok;
    }
    if (!updates_direct)
        return PyObject_CallOneArg(updates_type, base);
    PyObject *last = base == Py_None ? PyFloat_FromDouble(-INFINITY) :
        attr(base, s_last_seen);
    PyObject *ops = last == NULL ? NULL : PyList_New(0);
    PyObject *obj = ops == NULL ? NULL : tp->tp_alloc(tp, 0);
    if (obj == NULL) {
        Py_XDECREF(last);
        Py_XDECREF(ops);
        return NULL;
    }
    PyObject *values[3] = {Py_NewRef(base), last, ops};
    for (int i = 0; i < 3; i++)
        *(PyObject **)((char *)obj + updates_offset[i]) = values[i];
    return obj;
}

/* 1 if `t - profile.last_seen > expiry`, 0 if not, -1 on error (as the Python expression).
 * The slot is read directly where attr() can. */
static int
is_expired(PyObject *profile, PyObject *t, PyObject *expiry)
{
    PyObject *last = attr(profile, s_last_seen);
    if (last == NULL)
        return -1;
    if (PyFloat_CheckExact(last) && PyFloat_CheckExact(t) && PyFloat_CheckExact(expiry)) {
        /* float - float > float: the same IEEE operations, without the difference's object */
        int r = PyFloat_AS_DOUBLE(t) - PyFloat_AS_DOUBLE(last) > PyFloat_AS_DOUBLE(expiry);
        Py_DECREF(last);
        return r;
    }
    PyObject *idle = PyNumber_Subtract(t, last);
    Py_DECREF(last);
    if (idle == NULL)
        return -1;
    int r = PyObject_RichCompareBool(idle, expiry, Py_GT);
    Py_DECREF(idle);
    return r;
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
            PyObject *ops = attr(mailbox, s_ops);
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
        return new_instance(&pair_layout, pair_type, pair_names, 4, a);
    }
    PyObject *first = NULL, *last = NULL, *count = NULL, *threads = NULL, *out = NULL;
    PyObject *v[4] = {NULL, NULL, NULL, NULL};
    if (pair_layout.type != (PyTypeObject *)pair_type &&
        resolve_layout(&pair_layout, pair_type, pair_names, 4) < 0)
        return NULL;
    if ((first = attr(pair, s_first_seen)) == NULL ||
        (last = attr(pair, s_last_seen)) == NULL ||
        (count = attr(pair, s_count)) == NULL ||
        (threads = attr(pair, s_threads)) == NULL)
        goto done;
    if ((v[0] = pick(t, first, Py_LT)) == NULL || (v[1] = pick(t, last, Py_GT)) == NULL ||
        (v[2] = PyNumber_Add(count, one)) == NULL ||
        (v[3] = PyNumber_Add(threads, thread)) == NULL)
        goto done;
    out = new_instance(&pair_layout, pair_type, pair_names, 4, v);
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
            PyObject *made = updates_of(updates_type, base);
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
        PyObject *ops = attr(updates, s_ops);
        if (ops == NULL)
            return NULL;
        PyObject *first_contact = (pair == Py_None && reverse == Py_None) ? Py_True : Py_False;
        PyObject *op = PyTuple_Pack(4, t, sender, inbound, first_contact);
        int r = op == NULL ? -1 : PyList_Append(ops, op);
        Py_XDECREF(op);
        Py_DECREF(ops);
        if (r < 0)
            return NULL;
        PyObject *last = attr(updates, s_last_seen);
        if (last == NULL)
            return NULL;
        int later = PyObject_RichCompareBool(t, last, Py_GT);
        Py_DECREF(last);
        if (later < 0 || (later && set_attr(updates, s_last_seen, t) < 0))
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

/* ---------------------------------------------------------------- message keys */

static PyObject *s_address;

/* MailRecord.recipients (distinct addresses, To then Cc, in order of appearance), only its
 * first `limit`, from the record's `to` and `cc` tuples of Address. A new list. */
static PyObject *
distinct_recipients(PyObject *to, PyObject *cc, Py_ssize_t limit)
{
    PyObject *out = PyList_New(0), *seen = NULL;
    if (out == NULL)
        return NULL;
    /* Few recipients: a scan of those kept beats hashing; a long list gets a set. */
    if (PyTuple_GET_SIZE(to) + PyTuple_GET_SIZE(cc) > 16 && (seen = PySet_New(NULL)) == NULL)
        goto fail;
    PyObject *lists[2] = {to, cc};
    for (int l = 0; l < 2; l++) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(lists[l]); i++) {
            if (PyList_GET_SIZE(out) >= limit)
                goto done;
            PyObject *a = PyObject_GetAttr(PyTuple_GET_ITEM(lists[l], i), s_address);
            if (a == NULL)
                goto fail;
            if (!PyUnicode_Check(a)) {
                Py_DECREF(a);
                PyErr_SetString(PyExc_TypeError, "recipient addresses must be str");
                goto fail;
            }
            int dup = 0;
            if (seen != NULL) {
                Py_ssize_t before = PySet_GET_SIZE(seen);
                if (PySet_Add(seen, a) < 0) {
                    Py_DECREF(a);
                    goto fail;
                }
                dup = PySet_GET_SIZE(seen) == before;
            } else {
                for (Py_ssize_t j = 0; j < PyList_GET_SIZE(out) && !dup; j++) {
                    if ((dup = PyObject_RichCompareBool(PyList_GET_ITEM(out, j), a, Py_EQ)) < 0) {
                        Py_DECREF(a);
                        goto fail;
                    }
                }
            }
            int r = dup ? 0 : PyList_Append(out, a);
            Py_DECREF(a);
            if (r < 0)
                goto fail;
        }
    }
done:
    Py_XDECREF(seen);
    return out;
fail:
    Py_XDECREF(seen);
    Py_DECREF(out);
    return NULL;
}

/* The key `kind` tenant SEP [rest] (as make_key's bytes), for a tenant given as UTF-8. */
static PyObject *
key_of(const char *kind, const char *t, Py_ssize_t tl, PyObject *rest)
{
    static const char sep[1] = {SEP};
    Py_ssize_t rl = 0;
    const char *r = "";
    if (rest != NULL && (r = PyUnicode_AsUTF8AndSize(rest, &rl)) == NULL)
        return NULL;
    PyObject *part = NULL;  /* state.profiles.key_part(rest), when it holds a separator */
    if (rest != NULL && as_key_part(rest, &r, &rl, &part) < 0)
        return NULL;
    const char *piece[4] = {kind, t, sep, r};
    const Py_ssize_t len[4] = {1, tl, 1, rl};
    PyObject *out = joined(piece, len, 4);
    Py_XDECREF(part);
    return out;
}

/* message_keys(tenant, sender, to, cc, sender_domain, display_key, subject_key,
 *              recipient_domains, limit, keys_type) -> MessageKeys;
 * PartitionState.keys_for, with MailRecord.recipients taken from `to` and `cc` here. */
static PyObject *
message_keys(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 10) {
        PyErr_SetString(PyExc_TypeError, "message_keys takes 10 arguments");
        return NULL;
    }
    PyObject *tenant = args[0], *sender = args[1], *to = args[2], *cc = args[3];
    PyObject *rdomains = args[7], *keys_type = args[9];
    for (int i = 0; i < 7; i++)
        if ((i == 2 || i == 3) ? !PyTuple_Check(args[i]) : !PyUnicode_Check(args[i])) {
            PyErr_SetString(PyExc_TypeError, "message_keys: bad argument types");
            return NULL;
        }
    if (!PyTuple_Check(rdomains) || !PyType_Check(keys_type) ||
        !PyType_IsSubtype((PyTypeObject *)keys_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "message_keys: bad argument types");
        return NULL;
    }
    Py_ssize_t limit = PyLong_AsSsize_t(args[8]);
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
    PyObject *items[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    PyObject *recipients = NULL;
    if ((items[0] = key_of("S", t, tl, sender)) == NULL ||
        (items[1] = key_of("T", t, tl, NULL)) == NULL)
        goto fail;
    const char *kinds[3] = {"D", "N", "C"};  /* domain, person, campaign: None when "" */
    for (int i = 0; i < 3; i++) {
        PyObject *part = args[4 + i];
        items[2 + i] = PyUnicode_GET_LENGTH(part) ? key_of(kinds[i], t, tl, part) :
            Py_NewRef(Py_None);
        if (items[2 + i] == NULL)
            goto fail;
    }
    if ((recipients = distinct_recipients(to, cc, limit)) == NULL ||
        (items[5] = PyTuple_New(PyList_GET_SIZE(recipients))) == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(recipients); i++) {
        PyObject *item = recipient_item(PyList_GET_ITEM(recipients, i), t, tl, s, sl);
        if (item == NULL)
            goto fail;
        PyTuple_SET_ITEM(items[5], i, item);
    }
    if ((items[6] = PyTuple_New(PyTuple_GET_SIZE(rdomains))) == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(rdomains); i++) {
        PyObject *d = PyTuple_GET_ITEM(rdomains, i);
        if (!PyUnicode_Check(d)) {
            PyErr_SetString(PyExc_TypeError, "recipient domains must be str");
            goto fail;
        }
        PyObject *k = key_of("D", t, tl, d);
        if (k == NULL)
            goto fail;
        PyTuple_SET_ITEM(items[6], i, k);
    }
    Py_DECREF(recipients);
    return new_tuple_of((PyTypeObject *)keys_type, 7, items);  /* takes the items */
fail:
    Py_XDECREF(recipients);
    for (int i = 0; i < 7; i++)
        Py_XDECREF(items[i]);
    return NULL;
}

/* ---------------------------------------------------------------- mailbox updates
 *
 * A batch queues each mailbox profile's observations (state.behaviour._MailboxUpdates) and
 * applies them once per key at the batch's end: ~7 count_recipient calls per Enron message,
 * each a dozen attribute reads and writes on a slotted dataclass, were the largest Python
 * cost left in the state layer. mailbox_after() is _MailboxUpdates.apply with the profile's
 * numbers held in C doubles between observations and one RecipientProfile built at the end.
 *
 * The arithmetic is count_recipient's, operation for operation, in IEEE doubles as Python
 * does it (no operation here can be contracted or reassociated: there is no multiply, and
 * pow() is called, not rewritten, as math.pow calls it). It is only taken when every number
 * involved is a float (ints where Python's mixed arithmetic converts them exactly); anything
 * else (ints from hand-built profiles, subclasses, odd types) goes to the Python method, the
 * definition, so results never depend on which form ran. */

static PyObject *prune_fn;  /* state.profiles._prune, for counters holding a NaN */

#define REBASE_WEIGHT 0x1p400  /* state.profiles._REBASE_WEIGHT */
#define LATE_MAIL 86400.0  /* state.profiles.LATE_MAIL */
#define TOP_CORRESPONDENTS 32  /* state.profiles.TOP_CORRESPONDENTS */

/* A double equal to `v` as Python's float arithmetic and comparisons would use it: a float,
 * or an int small enough to convert exactly. 1 if so, 0 if not (no exception set). */
static int
exact_double(PyObject *v, double *out)
{
    if (PyFloat_CheckExact(v)) {
        *out = PyFloat_AS_DOUBLE(v);
        return 1;
    }
    if (PyLong_CheckExact(v)) {
        int overflow;
        long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (overflow || (x == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return 0;
        }
        if (x > (1LL << 53) || x < -(1LL << 53))
            return 0;
        *out = (double)x;
        return 1;
    }
    return 0;
}

/* `math.pow(2.0, e)`: OverflowError where math.pow raises it (a finite exponent whose power
 * overflows); inf, 0 and nan where it returns them. */
static int
pow2(double e, double *out)
{
    double r = pow(2.0, e);
    if (isfinite(e) && isinf(r)) {
        PyErr_SetString(PyExc_OverflowError, "math range error");
        return -1;
    }
    *out = r;
    return 0;
}

typedef struct {
    double value;
    PyObject *key;
} CounterItem;

static int
by_count_then_key(const void *a, const void *b)
{
    const CounterItem *x = a, *y = b;
    if (x->value > y->value)
        return -1;
    if (x->value < y->value)
        return 1;
    /* Keys are distinct str (checked by the caller): never equal, never an error. */
    return PyUnicode_Compare(x->key, y->key);
}

/* state.profiles._prune(counter, keep) on a dict of str -> float: the `keep` largest values
 * (ties: smaller key first), re-inserted in that order (orjson writes them in it). A NaN has
 * no place in that order: such a counter goes to the Python function. 0 or -1. */
static int
prune(PyObject *counter, Py_ssize_t keep)
{
    Py_ssize_t n = PyDict_GET_SIZE(counter), pos = 0, i = 0;
    PyObject *k, *v;
    CounterItem *items = PyMem_Malloc(sizeof(CounterItem) * (size_t)(n ? n : 1));
    if (items == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    int plain = 1;
    while (PyDict_Next(counter, &pos, &k, &v)) {
        if (!PyUnicode_CheckExact(k) || !PyFloat_CheckExact(v) ||
            isnan(PyFloat_AS_DOUBLE(v))) {
            plain = 0;
            break;
        }
        items[i].value = PyFloat_AS_DOUBLE(v);
        items[i].key = Py_NewRef(k);
        i++;
    }
    int r = 0;
    if (!plain) {
        PyObject *out = PyObject_CallFunction(prune_fn, "On", counter, keep);
        r = out == NULL ? -1 : 0;
        Py_XDECREF(out);
    } else {
        qsort(items, (size_t)n, sizeof(CounterItem), by_count_then_key);
        PyDict_Clear(counter);
        for (Py_ssize_t j = 0; j < n && j < keep && r == 0; j++) {
            PyObject *f = PyFloat_FromDouble(items[j].value);
            r = f == NULL ? -1 : PyDict_SetItem(counter, items[j].key, f);
            Py_XDECREF(f);
        }
    }
    for (Py_ssize_t j = 0; j < i; j++)
        Py_DECREF(items[j].key);
    PyMem_Free(items);
    return r;
}

/* state.profiles._bump(counter, key, w, keep) on a counter whose values are all floats
 * (checked when it was copied; the values made here are floats). 0 or -1. */
static int
bump(PyObject *counter, PyObject *key, double w, Py_ssize_t keep)
{
    if (PyUnicode_GET_LENGTH(key) == 0)
        return 0;
    PyObject *old = PyDict_GetItemWithError(counter, key);
    if (old == NULL && PyErr_Occurred())
        return -1;
    PyObject *f = PyFloat_FromDouble((old == NULL ? 0.0 : PyFloat_AS_DOUBLE(old)) + w);
    int r = f == NULL ? -1 : PyDict_SetItem(counter, key, f);
    Py_XDECREF(f);
    if (r == 0 && PyDict_GET_SIZE(counter) > 2 * keep)
        r = prune(counter, keep);
    return r;
}

/* Whether `counter` is a dict of str -> float, the only kind bump() takes. */
static int
plain_counter(PyObject *counter)
{
    if (!PyDict_CheckExact(counter))
        return 0;
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(counter, &pos, &k, &v))
        if (!PyUnicode_CheckExact(k) || !PyFloat_CheckExact(v))
            return 0;
    return 1;
}

/* A mailbox profile's fields while its batch's observations are applied. */
typedef struct {
    int present;
    double ref, first_seen, last_seen, count, external, first_contacts;
    long long n_correspondents;
    PyObject *correspondents;  /* owned: a copy, or a new dict */
    PyObject *vip;             /* owned */
} Mailbox;

/* Whether `p` (a RecipientProfile) can be read into a Mailbox: 1 yes (done), 0 no (use
 * Python), -1 error. The correspondents are not copied yet (see mailbox_after). */
static int
read_mailbox(PyObject *p, Mailbox *m, PyObject **correspondents)
{
    PyObject *names[6] = {s_ref, s_first_seen, s_last_seen, s_count, s_external,
                          s_first_contacts};
    double *slots[6] = {&m->ref, &m->first_seen, &m->last_seen, &m->count, &m->external,
                        &m->first_contacts};
    for (int i = 0; i < 6; i++) {
        PyObject *v = attr(p, names[i]);
        if (v == NULL)
            return -1;
        int ok = PyFloat_CheckExact(v);
        if (ok)
            *slots[i] = PyFloat_AS_DOUBLE(v);
        Py_DECREF(v);
        if (!ok)
            return 0;
    }
    PyObject *n = attr(p, s_n_correspondents);
    if (n == NULL)
        return -1;
    int overflow = 0;
    m->n_correspondents = PyLong_CheckExact(n) ? PyLong_AsLongLongAndOverflow(n, &overflow) : 0;
    int ok = PyLong_CheckExact(n) && !overflow && m->n_correspondents < LLONG_MAX;
    Py_DECREF(n);
    if (!ok)
        return 0;
    PyObject *c = attr(p, s_correspondents);
    if (c == NULL)
        return -1;
    if (!plain_counter(c)) {
        Py_DECREF(c);
        return 0;
    }
    PyObject *vip = attr(p, s_vip);
    if (vip == NULL) {
        Py_DECREF(c);
        return -1;
    }
    *correspondents = c;
    m->vip = vip;
    return 1;
}

/* One observation (count_recipient), on a Mailbox holding a profile. 0 or -1. */
static int
count_one(Mailbox *m, double t, PyObject *sender, int external, int first_contact,
          double half_life)
{
    double w = 1.0;
    if (!m->present) {  /* RecipientProfile(t, t, t); weight(t, ref=t) is 1 */
        m->present = 1;
        m->ref = m->first_seen = m->last_seen = t;
        m->count = m->external = m->first_contacts = 0.0;
        m->n_correspondents = 0;
        Py_XSETREF(m->vip, Py_NewRef(Py_False));
        Py_XSETREF(m->correspondents, PyDict_New());
        if (m->correspondents == NULL)
            return -1;
    } else {
        if (half_life > 0.0) {  /* Decay.weight's guard: past 2**1023 math.pow raises */
            double exponent = (t - m->ref) / half_life;
            if (exponent > 1000.0)
                w = INFINITY;
            else if (pow2(exponent, &w) < 0)
                return -1;
        }
        if (w > REBASE_WEIGHT) {
            double factor = w;
            w = 1.0;
            m->ref = t;
            m->count /= factor;
            m->external /= factor;
            m->first_contacts /= factor;
            Py_ssize_t pos = 0;
            PyObject *k, *v;
            while (PyDict_Next(m->correspondents, &pos, &k, &v)) {
                PyObject *f = PyFloat_FromDouble(PyFloat_AS_DOUBLE(v) / factor);
                /* replacing a present key's value never resizes: the walk stays valid */
                int r = f == NULL ? -1 : PyDict_SetItem(m->correspondents, k, f);
                Py_XDECREF(f);
                if (r < 0)
                    return -1;
            }
        }
        if (t > m->last_seen)
            m->last_seen = t;
        if (t < m->first_seen)
            m->first_seen = t;
    }
    m->count += w;
    if (external)
        m->external += w;
    if (first_contact) {
        m->first_contacts += w;
        if (m->n_correspondents == LLONG_MAX) {
            PyErr_SetString(PyExc_OverflowError, "n_correspondents");
            return -1;
        }
        m->n_correspondents += 1;
    }
    return bump(m->correspondents, sender, w, TOP_CORRESPONDENTS);
}

/* The Decay's half-life and idle expiry (0 -> inf) as exact doubles: 1, 0 (not plain), -1. */
static int
read_decay(PyObject *decay, double *half_life, double *expiry)
{
    PyObject *h = PyObject_GetAttr(decay, s_half_life);
    if (h == NULL)
        return -1;
    PyObject *e = PyObject_GetAttr(decay, s_idle_expiry);
    if (e == NULL) {
        Py_DECREF(h);
        return -1;
    }
    int ok = exact_double(h, half_life) && exact_double(e, expiry);
    Py_DECREF(h);
    Py_DECREF(e);
    if (ok && *expiry == 0.0)  /* `decay.idle_expiry or math.inf` */
        *expiry = INFINITY;
    return ok;
}

/* _MailboxUpdates.apply(n, decay) of `updates` (a new reference), in C when every value is
 * plain (see above), else by calling the method. */
static PyObject *
mailbox_after(PyObject *updates, Py_ssize_t n, PyObject *decay, PyObject *recipient_type,
              int plain_decay, double half_life, double expiry)
{
    PyObject *base = NULL, *ops = NULL, *out = NULL, *base_correspondents = NULL;
    Mailbox m = {0};
    if (!plain_decay || n < 0)
        goto python;
    if ((ops = attr(updates, s_ops)) == NULL)
        return NULL;
    if (!PyList_CheckExact(ops))
        goto python;
    if (n > PyList_GET_SIZE(ops))
        n = PyList_GET_SIZE(ops);
    if ((base = attr(updates, s_base)) == NULL)
        goto done;
    if (n == 0) {  /* no observation: the base itself, as the Python loop returns it */
        out = Py_NewRef(base);
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *op = PyList_GET_ITEM(ops, i);
        if (!PyTuple_CheckExact(op) || PyTuple_GET_SIZE(op) != 4 ||
            !PyFloat_CheckExact(PyTuple_GET_ITEM(op, 0)) ||
            !PyUnicode_CheckExact(PyTuple_GET_ITEM(op, 1)))
            goto python;
    }
    if (base != Py_None) {
        if (Py_TYPE(base) != (PyTypeObject *)recipient_type)
            goto python;
        int r = read_mailbox(base, &m, &base_correspondents);
        if (r < 0)
            goto done;
        if (r == 0)
            goto python;
        m.present = 1;
    }
    int copied = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *op = PyList_GET_ITEM(ops, i);
        double t = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(op, 0));
        int external = PyObject_IsTrue(PyTuple_GET_ITEM(op, 2));
        int first_contact = PyObject_IsTrue(PyTuple_GET_ITEM(op, 3));
        if (external < 0 || first_contact < 0)
            goto done;
        if (m.present && t - m.last_seen > expiry)
            m.present = 0;  /* as the snapshot before that message read it: idle, absent */
        else if (m.present && !copied) {  /* the base's counter, copied once */
            if ((m.correspondents = PyDict_Copy(base_correspondents)) == NULL)
                goto done;
            copied = 1;
        }
        if (!m.present)
            copied = 1;  /* count_one makes a new profile with its own counter */
        if (count_one(&m, t, PyTuple_GET_ITEM(op, 1), external, first_contact,
                      half_life) < 0)
            goto done;
    }
    {
        PyObject *f[6] = {PyFloat_FromDouble(m.ref), PyFloat_FromDouble(m.first_seen),
                          PyFloat_FromDouble(m.last_seen), PyFloat_FromDouble(m.count),
                          PyFloat_FromDouble(m.external), PyFloat_FromDouble(m.first_contacts)};
        PyObject *nc = PyLong_FromLongLong(m.n_correspondents);
        int ok = nc != NULL;
        for (int i = 0; i < 6; i++)
            ok = ok && f[i] != NULL;
        if (ok) {
            PyObject *args[9] = {f[0], f[1], f[2], f[3], f[4], f[5], nc, m.correspondents,
                                 m.vip};
            out = new_instance(&recipient_layout, recipient_type, recipient_names, 9, args);
        }
        for (int i = 0; i < 6; i++)
            Py_XDECREF(f[i]);
        Py_XDECREF(nc);
    }
    goto done;
python:
    out = PyObject_CallMethod(updates, "apply", "nO", n, decay);
done:
    Py_XDECREF(ops);
    Py_XDECREF(base);
    Py_XDECREF(base_correspondents);
    Py_XDECREF(m.correspondents);
    Py_XDECREF(m.vip);
    return out;
}

/* mailbox_profile(updates, n, decay, recipient_type) -> _MailboxUpdates.apply(n, decay). */
static PyObject *
mailbox_profile(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyType_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "mailbox_profile(updates, n, decay, recipient_type)");
        return NULL;
    }
    Py_ssize_t n = PyLong_AsSsize_t(args[1]);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    double half_life, expiry;
    int plain = read_decay(args[2], &half_life, &expiry);
    if (plain < 0)
        return NULL;
    return mailbox_after(args[0], n, args[2], args[3], plain, half_life, expiry);
}

/* apply_deferred(keys, live, decay, recipient_type): for each key, live[key] = the profile
 * its queued updates make (PartitionState._apply_deferred's loop; the caller clears keys). */
static PyObject *
apply_deferred(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyList_Check(args[0]) || !PyDict_CheckExact(args[1]) ||
        !PyType_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "apply_deferred(list, dict, decay, recipient_type)");
        return NULL;
    }
    PyObject *keys = args[0], *live = args[1], *decay = args[2], *recipient_type = args[3];
    double half_life, expiry;
    int plain = read_decay(decay, &half_life, &expiry);
    if (plain < 0)
        return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); i++) {
        PyObject *key = PyList_GET_ITEM(keys, i);
        Py_INCREF(key);
        PyObject *updates = live_item(live, key);
        PyObject *ops = updates == NULL ? NULL : attr(updates, s_ops);
        Py_ssize_t n = ops == NULL ? -1 : PyObject_Length(ops);
        Py_XDECREF(ops);
        PyObject *p = NULL;
        if (n >= 0) {
            Py_INCREF(updates);
            p = mailbox_after(updates, n, decay, recipient_type, plain, half_life, expiry);
            Py_DECREF(updates);
        }
        int r = p == NULL ? -1 : PyDict_SetItem(live, key, p);
        Py_XDECREF(p);
        Py_DECREF(key);
        if (r < 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

/* ---------------------------------------------------------------- sender profiles
 *
 * observe_sender(), once per message: a copy-on-write profile (every counter it does not
 * change stays shared with the previous profile), the weight, and a handful of counter bumps,
 * each a dict copy. The same here, in the same order and arithmetic; a rebase (the weight
 * past 2**400, once in centuries of mail at the default half-life) and values that are not
 * plain (see read_mailbox) are left to the Python function: this returns None for them. */

enum { C_DISPLAY, C_REPLY_TO, C_RETURN_PATH, C_HOURS, C_WEEKDAYS, C_AUTH, C_NETWORKS, C_LINKS,
       C_ATTACHMENTS, C_VERDICTS };
static PyObject *s_auth_keys[3][2];  /* "spf_pass", "spf_fail", "dkim_pass", … */

/* Python's `a // b` and `a % b` for b > 0. */
static long long
floor_div(long long a, long long b)
{
    long long q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static long long
floor_mod(long long a, long long b)
{
    long long r = a % b;
    return r < 0 ? r + b : r;
}

/* A copy of the counter in fields[i] (a new dict replacing it there), bumped by each of
 * `keys` with `keep`. 1 done, 0 not plain, -1 error. */
static int
bumped(PyObject **fields, int i, PyObject *const *keys, Py_ssize_t n, double w,
       Py_ssize_t keep)
{
    if (!plain_counter(fields[i]))
        return 0;
    PyObject *copy = PyDict_Copy(fields[i]);
    if (copy == NULL)
        return -1;
    Py_SETREF(fields[i], copy);
    for (Py_ssize_t j = 0; j < n; j++)
        if (bump(copy, keys[j], w, keep) < 0)
            return -1;
    return 1;
}

/* A copy of the list in fields[i] with item `at` increased by w. 1, 0 (not plain), -1. */
static int
bumped_slot(PyObject **fields, int i, long long at, double w)
{
    PyObject *list = fields[i];
    if (!PyList_CheckExact(list) || at >= PyList_GET_SIZE(list) ||
        !PyFloat_CheckExact(PyList_GET_ITEM(list, at)))
        return 0;
    PyObject *copy = PyList_GetSlice(list, 0, PyList_GET_SIZE(list));
    if (copy == NULL)
        return -1;
    Py_SETREF(fields[i], copy);
    PyObject *f = PyFloat_FromDouble(PyFloat_AS_DOUBLE(PyList_GET_ITEM(copy, at)) + w);
    if (f == NULL)
        return -1;
    return PyList_SetItem(copy, at, f) < 0 ? -1 : 1;  /* steals f */
}

/* 1 if every item of `tuple` is a str, else 0. */
static int
all_str(PyObject *tuple)
{
    if (!PyTuple_CheckExact(tuple))
        return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tuple); i++)
        if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(tuple, i)))
            return 0;
    return 1;
}

/* Decay.weight(t, ref) for a half-life `h`. 0 or -1. */
static int
decay_weight(double h, double t, double ref, double *w)
{
    *w = 1.0;
    if (h <= 0.0)
        return 0;
    double exponent = (t - ref) / h;
    if (exponent > 1000.0) {  /* past 2**1023 math.pow raises; any such weight rebases */
        *w = INFINITY;
        return 0;
    }
    return pow2(exponent, w);
}

/* count_verdict(p, t, action, decay) -> True when counted, False when the Python function
 * must do it (a rebase, values that are not plain): state.profiles.count_verdict on the
 * batch's own sender profile, in place, as observe_verdict calls it. */
static PyObject *
count_verdict(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "count_verdict(p, t, action, decay)");
        return NULL;
    }
    PyObject *p = args[0], *action = args[2];
    if (!PyFloat_CheckExact(args[1]) || !PyUnicode_CheckExact(action))
        Py_RETURN_FALSE;
    PyObject *h_obj = PyObject_GetAttr(args[3], s_half_life);
    if (h_obj == NULL)
        return NULL;
    double h;
    int plain = exact_double(h_obj, &h);
    Py_DECREF(h_obj);
    if (!plain)
        Py_RETURN_FALSE;
    PyObject *ref = attr(p, s_ref);
    if (ref == NULL)
        return NULL;
    plain = PyFloat_CheckExact(ref);
    double w = 0.0;
    int r = plain ? decay_weight(h, PyFloat_AS_DOUBLE(args[1]), PyFloat_AS_DOUBLE(ref), &w) : 0;
    Py_DECREF(ref);
    if (r < 0)
        return NULL;
    if (!plain || w > REBASE_WEIGHT)
        Py_RETURN_FALSE;
    PyObject *verdicts = attr(p, s_sender_counters[9]);
    if (verdicts == NULL)
        return NULL;
    if (!plain_counter(verdicts)) {
        Py_DECREF(verdicts);
        Py_RETURN_FALSE;
    }
    r = bump(verdicts, action, w, 4);  /* _bump(p.verdicts, action, w, 4) */
    Py_DECREF(verdicts);
    if (r < 0)
        return NULL;
    Py_RETURN_TRUE;
}


/* observe_sender(p, t, display_name, reply_to_domain, return_path_domain, auth, network,
 *                link_domains, attachment_types, new_recipients, fanout, decay, learn,
 *                flagged, sender_type) -> the new SenderProfile, or None when the Python
 * function must do it (see above). */
static PyObject *
observe_sender(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 15 || !PyType_Check(args[14])) {
        PyErr_SetString(PyExc_TypeError, "observe_sender takes 15 arguments");
        return NULL;
    }
    PyObject *t_obj = args[1], *auth = args[5], *decay = args[11];
    PyObject *sender_type = args[14];
    int learn = PyObject_IsTrue(args[12]), flagged = PyObject_IsTrue(args[13]);
    if (learn < 0 || flagged < 0)
        return NULL;
    if (!PyFloat_CheckExact(t_obj) || !PyUnicode_CheckExact(args[2]) ||
        !PyUnicode_CheckExact(args[3]) || !PyUnicode_CheckExact(args[4]) ||
        !PyUnicode_CheckExact(args[6]) || !all_str(auth) || PyTuple_GET_SIZE(auth) != 3 ||
        !all_str(args[7]) || !all_str(args[8]) || !PyLong_CheckExact(args[9]) ||
        !PyLong_CheckExact(args[10]))
        Py_RETURN_NONE;
    double t = PyFloat_AS_DOUBLE(t_obj), h;
    if (!isfinite(t) || fabs(t) >= 0x1p62)  /* int(t) below must fit a long long */
        Py_RETURN_NONE;
    PyObject *h_obj = PyObject_GetAttr(decay, s_half_life);
    if (h_obj == NULL)
        return NULL;
    int plain = exact_double(h_obj, &h);
    Py_DECREF(h_obj);
    if (!plain)
        Py_RETURN_NONE;

    PyObject *base;
    if (args[0] == Py_None) {  /* SenderProfile(ref=t, first_seen=t, last_seen=t): its defaults */
        PyObject *a[3] = {t_obj, t_obj, t_obj};
        if ((base = PyObject_Vectorcall(sender_type, a, 3, NULL)) == NULL)
            return NULL;
    } else {
        base = Py_NewRef(args[0]);
    }
    PyObject *f[SENDER_FIELDS] = {NULL};
    PyObject *out = NULL;
    if (Py_TYPE(base) != (PyTypeObject *)sender_type)
        goto python;
    if (sender_layout.type != (PyTypeObject *)sender_type &&
        resolve_layout(&sender_layout, sender_type, sender_names, SENDER_FIELDS) < 0)
        goto done;
    for (int i = 0; i < SENDER_FIELDS; i++)
        if ((f[i] = attr(base, sender_names[i])) == NULL)
            goto done;
    if (!PyFloat_CheckExact(f[0]) || !PyFloat_CheckExact(f[1]) || !PyFloat_CheckExact(f[2]) ||
        !PyFloat_CheckExact(f[3]) || !PyFloat_CheckExact(f[16]) ||
        !PyLong_CheckExact(f[4]) || !PyLong_CheckExact(f[15]) ||
        !PyDict_CheckExact(f[5 + C_VERDICTS]))
        goto python;
    /* shallow_copy: the counters stay shared, except verdicts (count_verdict writes it) */
    PyObject *verdicts = PyDict_Copy(f[5 + C_VERDICTS]);
    if (verdicts == NULL)
        goto done;
    Py_SETREF(f[5 + C_VERDICTS], verdicts);
    /* _scaled(p.ref, t, decay): Decay.weight, and a rebase past 2**400 (left to Python) */
    double w;
    if (decay_weight(h, t, PyFloat_AS_DOUBLE(f[0]), &w) < 0)
        goto done;
    if (w > REBASE_WEIGHT)
        goto python;
    double last = PyFloat_AS_DOUBLE(f[2]), first = PyFloat_AS_DOUBLE(f[1]);
    if (t < first) {  /* state.profiles._first_sighting: no earlier than a day before ref */
        double floor = PyFloat_AS_DOUBLE(f[0]) - LATE_MAIL;
        double low = first < floor ? first : floor;
        first = t > low ? t : low;
    }
    double values[4] = {t > last ? t : last, first,  /* max(), _first_sighting() */
                        PyFloat_AS_DOUBLE(f[3]) + w,
                        flagged ? PyFloat_AS_DOUBLE(f[16]) + w : PyFloat_AS_DOUBLE(f[16])};
    int slots[4] = {2, 1, 3, 16};
    for (int i = 0; i < 4; i++) {
        PyObject *v = PyFloat_FromDouble(values[i]);
        if (v == NULL)
            goto done;
        Py_SETREF(f[slots[i]], v);
    }
    if (learn) {
        PyObject *n = PyNumber_Add(f[4], args[9]);
        if (n == NULL)
            goto done;
        Py_SETREF(f[4], n);
        int more = PyObject_RichCompareBool(args[10], f[15], Py_GT);  /* max(max_fanout, …) */
        if (more < 0)
            goto done;
        if (more)
            Py_SETREF(f[15], Py_NewRef(args[10]));
        int r = 1;
        const int one_key[3] = {C_DISPLAY, C_REPLY_TO, C_RETURN_PATH};
        const Py_ssize_t one_keep[3] = {4, 8, 8};  /* TOP_DISPLAY_NAMES, TOP_SMALL */
        for (int i = 0; i < 3 && r == 1; i++)
            if (PyUnicode_GET_LENGTH(args[2 + i]))
                r = bumped(f + 5, one_key[i], &args[2 + i], 1, w, one_keep[i]);
        long long tm = (long long)t;  /* int(t): toward zero */
        if (r == 1)
            r = bumped_slot(f + 5, C_HOURS, floor_mod(floor_div(tm, 3600), 24), w);
        if (r == 1)  /* 1970-01-01 was a Thursday; Monday = 0 */
            r = bumped_slot(f + 5, C_WEEKDAYS, floor_mod(floor_div(tm, 86400) + 3, 7), w);
        PyObject *auth_keys[3];
        Py_ssize_t n_auth = 0;
        for (int i = 0; i < 3; i++) {
            PyObject *outcome = PyTuple_GET_ITEM(auth, i);
            if (PyUnicode_GET_LENGTH(outcome))
                auth_keys[n_auth++] =
                    s_auth_keys[i][PyUnicode_CompareWithASCIIString(outcome, "pass") != 0];
        }
        if (r == 1 && n_auth)  /* any(auth) */
            r = bumped(f + 5, C_AUTH, auth_keys, n_auth, w, 8);
        if (r == 1 && PyUnicode_GET_LENGTH(args[6]))
            r = bumped(f + 5, C_NETWORKS, &args[6], 1, w, 16);  /* TOP_NETWORKS */
        if (r == 1 && PyTuple_GET_SIZE(args[7]))
            r = bumped(f + 5, C_LINKS, &PyTuple_GET_ITEM(args[7], 0), PyTuple_GET_SIZE(args[7]),
                       w, 32);  /* TOP_LINK_DOMAINS */
        if (r == 1 && PyTuple_GET_SIZE(args[8]))
            r = bumped(f + 5, C_ATTACHMENTS, &PyTuple_GET_ITEM(args[8], 0),
                       PyTuple_GET_SIZE(args[8]), w, 8);
        if (r < 0)
            goto done;
        if (r == 0)
            goto python;
    }
    out = new_instance(&sender_layout, sender_type, sender_names, SENDER_FIELDS, f);
    goto done;
python:
    out = Py_NewRef(Py_None);
done:
    for (int i = 0; i < SENDER_FIELDS; i++)
        Py_XDECREF(f[i]);
    Py_DECREF(base);
    return out;
}

/* ---------------------------------------------------------------- encoding
 *
 * changes() encodes each key the batch changed: ~6 per Enron message, nearly all pairs and
 * mailboxes, each an encode() dispatch, a struct pack of attribute reads and (mailboxes,
 * senders) an orjson call. encode_changes() packs the numeric part here, byte for byte what
 * state.profiles' struct layouts write, and calls the same orjson.dumps for the variable part.
 * A value whose fields are not exactly the plain types (float for 'd', int for 'q', bool for
 * '?') or of another kind goes to profiles.encode, the definition. */

typedef struct {
    PyObject **name;
    char code;  /* 'd', 'q' or '?' as in the struct format */
} Field;

/* The bytes of a packed value of `fields`: the version byte, then each field. */
static Py_ssize_t
packed_size(const Field *fields, int n)
{
    Py_ssize_t size = 1;
    for (int i = 0; i < n; i++)
        size += fields[i].code == '?' ? 1 : 8;
    return size;
}

/* The packed fields of `obj` at `p`, little-endian: 1 written, 0 not plain (use Python),
 * -1 error. */
static int
pack_fields(PyObject *obj, const Field *fields, int n, unsigned char *p)
{
    for (int i = 0; i < n; i++) {
        PyObject *v = attr(obj, *fields[i].name);
        if (v == NULL)
            return -1;
        int ok = 1;
        if (fields[i].code == 'd') {
            if ((ok = PyFloat_CheckExact(v)) && PyFloat_Pack8(PyFloat_AS_DOUBLE(v), (char *)p, 1) < 0) {
                Py_DECREF(v);
                return -1;
            }
            p += 8;
        } else if (fields[i].code == 'q') {
            int overflow = 0;
            long long x = PyLong_CheckExact(v) ? PyLong_AsLongLongAndOverflow(v, &overflow) : 0;
            if ((ok = PyLong_CheckExact(v) && !overflow)) {
                unsigned long long u = (unsigned long long)x;
                for (int b = 0; b < 8; b++)
                    p[b] = (unsigned char)(u >> (8 * b));
            }
            p += 8;
        } else {
            if ((ok = PyBool_Check(v)))
                *p = v == Py_True;
            p += 1;
        }
        Py_DECREF(v);
        if (!ok)
            return 0;
    }
    return 1;
}

static const Field pair_fields[] = {{&s_first_seen, 'd'}, {&s_last_seen, 'd'},
                                    {&s_count, 'q'}, {&s_threads, 'q'}};
static const Field recipient_fields[] = {
    {&s_ref, 'd'}, {&s_first_seen, 'd'}, {&s_last_seen, 'd'}, {&s_count, 'd'},
    {&s_external, 'd'}, {&s_first_contacts, 'd'}, {&s_n_correspondents, 'q'}, {&s_vip, '?'}};
static const Field sender_fields[] = {
    {&s_ref, 'd'}, {&s_first_seen, 'd'}, {&s_last_seen, 'd'}, {&s_count, 'd'},
    {&s_n_recipients, 'q'}, {&s_max_fanout, 'q'}, {&s_flagged, 'd'}};

/* The packed struct of `fields`, then `dumps(tail)` if `tail` is given; NULL with no error
 * set when a field is not plain. */
static PyObject *
packed_value(PyObject *obj, const Field *fields, int n, int version, PyObject *dumps,
             PyObject *tail)
{
    unsigned char head[80];
    head[0] = (unsigned char)version;
    int r = pack_fields(obj, fields, n, head + 1);
    if (r <= 0)
        return NULL;
    Py_ssize_t size = packed_size(fields, n);
    if (tail == NULL)
        return PyBytes_FromStringAndSize((const char *)head, size);
    PyObject *json = PyObject_CallOneArg(dumps, tail);
    if (json == NULL)
        return NULL;
    if (!PyBytes_Check(json)) {
        Py_DECREF(json);
        PyErr_SetString(PyExc_TypeError, "dumps must return bytes");
        return NULL;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, size + PyBytes_GET_SIZE(json));
    if (out != NULL) {
        memcpy(PyBytes_AS_STRING(out), head, (size_t)size);
        memcpy(PyBytes_AS_STRING(out) + size, PyBytes_AS_STRING(json),
               (size_t)PyBytes_GET_SIZE(json));
    }
    Py_DECREF(json);
    return out;
}

/* The stored value of one profile: packed here for pairs, mailboxes and senders, else (or
 * when a field is not plain) profiles.encode(value). A new reference. */
static PyObject *
encode_one(PyObject *value, int version, PyObject *dumps, PyObject *encode,
           PyObject *pair_type, PyObject *recipient_type, PyObject *sender_type)
{
    PyObject *out = NULL;
    PyTypeObject *type = Py_TYPE(value);
    if (type == (PyTypeObject *)pair_type) {
        out = packed_value(value, pair_fields, 4, version, dumps, NULL);
    } else if (type == (PyTypeObject *)recipient_type) {
        PyObject *c = attr(value, s_correspondents);
        if (c == NULL)
            return NULL;
        out = packed_value(value, recipient_fields, 8, version, dumps, c);
        Py_DECREF(c);
    } else if (type == (PyTypeObject *)sender_type) {
        PyObject *counters = PyTuple_New(10);
        if (counters == NULL)
            return NULL;
        for (int i = 0; i < 10; i++) {
            PyObject *c = attr(value, s_sender_counters[i]);
            if (c == NULL) {
                Py_DECREF(counters);
                return NULL;
            }
            PyTuple_SET_ITEM(counters, i, c);
        }
        out = packed_value(value, sender_fields, 7, version, dumps, counters);
        Py_DECREF(counters);
    }
    if (out != NULL || PyErr_Occurred())
        return out;
    return PyObject_CallOneArg(encode, value);
}

/* A layout version argument: the byte, or -1 with an error set. */
static int
layout_version(PyObject *arg)
{
    long version = PyLong_AsLong(arg);
    if (version < 0 || version > 255) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "layout version must be a byte");
        return -1;
    }
    return (int)version;
}

/* encode_changes(undo, live, out, version, dumps, encode, pair_type, recipient_type,
 *                sender_type): out[key] = None or the encoded live[key], for every key of
 * undo in its order (the loop of PartitionState.changes). */
static PyObject *
encode_changes(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 9 || !PyDict_CheckExact(args[0]) || !PyDict_CheckExact(args[1]) ||
        !PyDict_Check(args[2]) || !PyLong_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "encode_changes: bad arguments");
        return NULL;
    }
    PyObject *undo = args[0], *live = args[1], *out = args[2];
    int version = layout_version(args[3]);
    if (version < 0)
        return NULL;
    Py_ssize_t pos = 0;
    PyObject *key, *ignored;
    while (PyDict_Next(undo, &pos, &key, &ignored)) {
        Py_INCREF(key);
        PyObject *value = live_item(live, key), *encoded = NULL;
        if (value != NULL) {
            Py_INCREF(value);
            encoded = value == Py_None ? Py_NewRef(Py_None) :
                encode_one(value, version, args[4], args[5], args[6], args[7], args[8]);
            Py_DECREF(value);
        }
        int r = encoded == NULL ? -1 : PyDict_SetItem(out, key, encoded);
        Py_XDECREF(encoded);
        Py_DECREF(key);
        if (r < 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

/* ---------------------------------------------------------------- decoding
 *
 * _load() decodes every value a batch reads from RocksDB: few once the cache is warm, but at
 * 10 million profiles each message's sender and pair miss it, and decode() in Python (kind
 * dispatch, struct unpack, a dataclass __init__, orjson for a sender's counters) was ~4 µs of
 * the 10M figure's extra cost. decode_values() unpacks pairs, mailboxes and senders of the
 * current layout here, the inverse of pack_fields, and calls the same orjson.loads for the
 * variable part; any other kind or layout, a short value or counters that are not a list of
 * ten go to profiles.decode, the definition (which also raises what it raises). */

/* The fields of `fields` read from `p` into `out` (new references): 0, or -1 on error. */
static int
unpack_fields(const unsigned char *p, const Field *fields, int n, PyObject **out)
{
    for (int i = 0; i < n; i++) {
        if (fields[i].code == 'd') {
            double d = PyFloat_Unpack8((const char *)p, 1);
            if (d == -1.0 && PyErr_Occurred())
                return -1;
            out[i] = PyFloat_FromDouble(d);
            p += 8;
        } else if (fields[i].code == 'q') {
            unsigned long long u = 0;
            for (int b = 7; b >= 0; b--)
                u = (u << 8) | p[b];
            out[i] = PyLong_FromLongLong((long long)u);
            p += 8;
        } else {
            out[i] = Py_NewRef(*p ? Py_True : Py_False);  /* struct's '?': any nonzero byte */
            p += 1;
        }
        if (out[i] == NULL)
            return -1;
    }
    return 0;
}

/* `loads(value[at:])`: a new reference. */
static PyObject *
loads_tail(PyObject *loads, PyObject *value, Py_ssize_t at)
{
    PyObject *tail = PyBytes_FromStringAndSize(PyBytes_AS_STRING(value) + at,
                                               PyBytes_GET_SIZE(value) - at);
    if (tail == NULL)
        return NULL;
    PyObject *out = PyObject_CallOneArg(loads, tail);
    Py_DECREF(tail);
    return out;
}

/* The profile stored as `value` under a key of `kind`, decoded here; NULL with no error set
 * when it is for profiles.decode. */
static PyObject *
decode_one(char kind, PyObject *value, int version, const char *kinds, PyObject *loads,
           PyObject *pair_type, PyObject *recipient_type, PyObject *sender_type)
{
    const unsigned char *p = (const unsigned char *)PyBytes_AS_STRING(value);
    Py_ssize_t len = PyBytes_GET_SIZE(value);
    if (len == 0 || p[0] != version)
        return NULL;
    PyObject *f[SENDER_FIELDS] = {NULL}, *out = NULL;
    if (kind == kinds[0]) {
        if (len >= packed_size(pair_fields, 4) && unpack_fields(p + 1, pair_fields, 4, f) == 0)
            out = new_instance(&pair_layout, pair_type, pair_names, 4, f);
        for (int i = 0; i < 4; i++)
            Py_XDECREF(f[i]);
        return out;
    }
    if (kind == kinds[1]) {  /* the numbers, then the correspondents (orjson) */
        Py_ssize_t size = packed_size(recipient_fields, 8);
        PyObject *correspondents = NULL;
        if (len >= size && unpack_fields(p + 1, recipient_fields, 8, f) == 0 &&
            (correspondents = loads_tail(loads, value, size)) != NULL) {
            PyObject *v[9] = {f[0], f[1], f[2], f[3], f[4], f[5], f[6], correspondents, f[7]};
            out = new_instance(&recipient_layout, recipient_type, recipient_names, 9, v);
        }
        Py_XDECREF(correspondents);
        for (int i = 0; i < 8; i++)
            Py_XDECREF(f[i]);
        return out;
    }
    if (kind == kinds[2]) {  /* seven numbers, then ten counters in one orjson list */
        Py_ssize_t size = packed_size(sender_fields, 7);
        PyObject *counters = NULL;
        if (len >= size && unpack_fields(p + 1, sender_fields, 7, f) == 0 &&
            (counters = loads_tail(loads, value, size)) != NULL &&
            PyList_CheckExact(counters) && PyList_GET_SIZE(counters) == 10) {
            /* else not the layout: profiles.decode says what is wrong */
            PyObject *v[SENDER_FIELDS] = {f[0], f[1], f[2], f[3], f[4]};
            for (int i = 0; i < 10; i++)
                v[5 + i] = PyList_GET_ITEM(counters, i);
            v[15] = f[5];
            v[16] = f[6];
            out = new_instance(&sender_layout, sender_type, sender_names, SENDER_FIELDS, v);
        }
        Py_XDECREF(counters);
        for (int i = 0; i < 7; i++)
            Py_XDECREF(f[i]);
        return out;
    }
    return NULL;
}

/* decode_values(keys, values, live, version, kinds, loads, decode, pair_type, recipient_type,
 *               sender_type): live[key] = None or the profile `value` holds, for each key and
 * value (the loop of PartitionState._load); `kinds` is the kind bytes of pair, mailbox and
 * sender, in that order. */
static PyObject *
decode_values(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 10 || !PyList_CheckExact(args[0]) || !PyList_CheckExact(args[1]) ||
        !PyDict_Check(args[2]) || !PyLong_Check(args[3]) || !PyBytes_Check(args[4]) ||
        PyBytes_GET_SIZE(args[4]) != 3 ||
        PyList_GET_SIZE(args[0]) != PyList_GET_SIZE(args[1])) {
        PyErr_SetString(PyExc_TypeError, "decode_values: bad arguments");
        return NULL;
    }
    PyObject *keys = args[0], *values = args[1], *live = args[2];
    int version = layout_version(args[3]);
    if (version < 0)
        return NULL;
    const char *kinds = PyBytes_AS_STRING(args[4]);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); i++) {
        PyObject *key = PyList_GET_ITEM(keys, i), *value = PyList_GET_ITEM(values, i);
        if (!PyBytes_Check(key) || PyBytes_GET_SIZE(key) == 0 ||
            (value != Py_None && !PyBytes_Check(value))) {
            PyErr_SetString(PyExc_TypeError, "decode_values: keys and values must be bytes");
            return NULL;
        }
        Py_INCREF(key);
        Py_INCREF(value);
        PyObject *profile;
        if (value == Py_None) {
            profile = Py_NewRef(Py_None);
        } else {
            profile = decode_one(PyBytes_AS_STRING(key)[0], value, version, kinds,
                                 args[5], args[7], args[8], args[9]);
            if (profile == NULL && !PyErr_Occurred()) {
                PyObject *kind = PyBytes_FromStringAndSize(PyBytes_AS_STRING(key), 1);
                if (kind != NULL) {
                    PyObject *call[2] = {kind, value};
                    profile = PyObject_Vectorcall(args[6], call, 2, NULL);
                    Py_DECREF(kind);
                }
            }
        }
        int r = profile == NULL ? -1 : PyDict_SetItem(live, key, profile);
        Py_XDECREF(profile);
        Py_DECREF(value);
        Py_DECREF(key);
        if (r < 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"snapshot_recipients", (PyCFunction)(void (*)(void))snapshot_recipients, METH_FASTCALL,
     "The recipient loop of PartitionState._snapshot."},
    {"observe_recipients", (PyCFunction)(void (*)(void))observe_recipients, METH_FASTCALL,
     "The recipient loop of PartitionState.observe; returns the count of new recipients."},
    {"prefetch_plan", (PyCFunction)(void (*)(void))prefetch_plan, METH_FASTCALL,
     "prefetch_plan(message_keys, live, referenced): the keys PartitionState must load."},
    {"message_keys", (PyCFunction)(void (*)(void))message_keys, METH_FASTCALL,
     "message_keys(tenant, sender, to, cc, sender_domain, display_key, subject_key, "
     "recipient_domains, limit, keys_type): PartitionState.keys_for."},
    {"mailbox_profile", (PyCFunction)(void (*)(void))mailbox_profile, METH_FASTCALL,
     "mailbox_profile(updates, n, decay, recipient_type): _MailboxUpdates.apply(n, decay)."},
    {"apply_deferred", (PyCFunction)(void (*)(void))apply_deferred, METH_FASTCALL,
     "apply_deferred(keys, live, decay, recipient_type): the loop of _apply_deferred."},
    {"observe_sender", (PyCFunction)(void (*)(void))observe_sender, METH_FASTCALL,
     "observe_sender(...): state.profiles.observe_sender, or None to call it."},
    {"count_verdict", (PyCFunction)(void (*)(void))count_verdict, METH_FASTCALL,
     "count_verdict(p, t, action, decay): state.profiles.count_verdict, or False to call it."},
    {"decode_values", (PyCFunction)(void (*)(void))decode_values, METH_FASTCALL,
     "decode_values(keys, values, live, version, kinds, loads, decode, pair_type, "
     "recipient_type, sender_type): the loop of PartitionState._load."},
    {"encode_changes", (PyCFunction)(void (*)(void))encode_changes, METH_FASTCALL,
     "encode_changes(undo, live, out, version, dumps, encode, pair_type, recipient_type, "
     "sender_type): the loop of PartitionState.changes."},
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
    if ((s_address = PyUnicode_InternFromString("address")) == NULL)
        return NULL;
    const char *names[] = {"base", "ref", "external", "first_contacts", "n_correspondents",
                           "correspondents", "vip", "half_life", "idle_expiry",
                           "n_recipients", "max_fanout", "flagged"};
    PyObject **slots[] = {&s_base, &s_ref, &s_external, &s_first_contacts,
                          &s_n_correspondents, &s_correspondents, &s_vip,
                          &s_half_life, &s_idle_expiry, &s_n_recipients, &s_max_fanout,
                          &s_flagged};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if ((*slots[i] = PyUnicode_InternFromString(names[i])) == NULL)
            return NULL;
    const char *counters[10] = {"display_names", "reply_to_domains", "return_path_domains",
                                "hours", "weekdays", "auth", "networks", "link_domains",
                                "attachment_types", "verdicts"};
    for (int i = 0; i < 10; i++)
        if ((s_sender_counters[i] = PyUnicode_InternFromString(counters[i])) == NULL)
            return NULL;
    const char *auth_keys[3][2] = {{"spf_pass", "spf_fail"}, {"dkim_pass", "dkim_fail"},
                                   {"dmarc_pass", "dmarc_fail"}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++)
            if ((s_auth_keys[i][j] = PyUnicode_InternFromString(auth_keys[i][j])) == NULL)
                return NULL;
    PyObject *pair_order[4] = {s_first_seen, s_last_seen, s_count, s_threads};
    PyObject *recipient_order[9] = {s_ref, s_first_seen, s_last_seen, s_count, s_external,
                                    s_first_contacts, s_n_correspondents, s_correspondents,
                                    s_vip};
    PyObject *sender_order[SENDER_FIELDS] = {
        s_ref, s_first_seen, s_last_seen, s_count, s_n_recipients,
        s_sender_counters[0], s_sender_counters[1], s_sender_counters[2],
        s_sender_counters[3], s_sender_counters[4], s_sender_counters[5],
        s_sender_counters[6], s_sender_counters[7], s_sender_counters[8],
        s_sender_counters[9], s_max_fanout, s_flagged};
    memcpy(pair_names, pair_order, sizeof(pair_order));
    memcpy(recipient_names, recipient_order, sizeof(recipient_order));
    memcpy(sender_names, sender_order, sizeof(sender_order));
    PyObject *profiles = PyImport_ImportModule("state.profiles");
    if (profiles == NULL)
        return NULL;
    prune_fn = PyObject_GetAttrString(profiles, "_prune");
    key_part_fn = PyObject_GetAttrString(profiles, "key_part");
    Py_DECREF(profiles);
    if (prune_fn == NULL || key_part_fn == NULL)
        return NULL;
    return PyModule_Create(&module);
}

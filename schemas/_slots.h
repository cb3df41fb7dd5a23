/* Building slotted dataclasses without running their __init__ (state/_native.c and
 * schemas/_decode.c include this).
 *
 * Calling a dataclass runs its generated __init__ in the interpreter (~0.2-0.4 µs). One
 * without __post_init__ does nothing but store each argument in its slot, in field order;
 * new_instance() does that directly (the type's tp_alloc, then the slots). A Layout is
 * resolved once per type, and only when that holds: a dataclass whose fields are exactly the
 * names given, each an __init__ parameter and a plain object slot of the type itself, and no
 * __post_init__. Otherwise (a subclass, a changed class) the type is called, so results never
 * depend on which ran.
 */
#ifndef MAILHAWK_SLOTS_H
#define MAILHAWK_SLOTS_H

#include <Python.h>
#include <structmember.h>

#define SLOTS_MAX 24  /* the most fields a Layout holds (MailRecord has 21) */

typedef struct {
    PyTypeObject *type;  /* strong reference once resolved; NULL: not yet */
    int direct;          /* 1: construct directly, 0: call the type */
    int n;
    PyObject *kwnames;   /* the names as a tuple: a call passes the values by name */
    Py_ssize_t offset[SLOTS_MAX];
} Layout;

/* Resolve `lay` for `type`, whose __init__ takes `names` in order: 0, or -1 on error. */
static int
resolve_layout(Layout *lay, PyObject *type, PyObject *const *names, int n)
{
    Py_XSETREF(lay->type, (PyTypeObject *)Py_NewRef(type));
    lay->direct = 0;
    lay->n = n;
    Py_CLEAR(lay->kwnames);
    if ((lay->kwnames = PyTuple_New(n)) == NULL) {
        Py_CLEAR(lay->type);
        return -1;
    }
    for (int j = 0; j < n; j++)
        PyTuple_SET_ITEM(lay->kwnames, j, Py_NewRef(names[j]));
    PyObject *fields = PyObject_GetAttrString(type, "__dataclass_fields__");
    if (fields == NULL) {
        PyErr_Clear();
        return 0;
    }
    int ok = n <= SLOTS_MAX && PyDict_Check(fields) && PyDict_GET_SIZE(fields) == n &&
        !PyObject_HasAttrString(type, "__post_init__");
    Py_ssize_t pos = 0, i = 0;
    PyObject *name, *spec;
    while (ok && PyDict_Next(fields, &pos, &name, &spec)) {
        ok = i < n && PyUnicode_Check(name) && PyUnicode_Compare(name, names[i]) == 0;
        if (ok) {  /* a parameter of __init__ (not init=False) */
            PyObject *init = PyObject_GetAttrString(spec, "init");
            if (init == NULL) {
                Py_DECREF(fields);
                return -1;
            }
            ok = init == Py_True;
            Py_DECREF(init);
        }
        PyObject *d = ok ? PyDict_GetItemWithError(((PyTypeObject *)type)->tp_dict, name) :
            NULL;
        if (d == NULL && PyErr_Occurred()) {
            Py_DECREF(fields);
            return -1;
        }
        ok = ok && d != NULL && Py_IS_TYPE(d, &PyMemberDescr_Type) &&
            ((PyMemberDescrObject *)d)->d_member->type == T_OBJECT_EX &&
            !(((PyMemberDescrObject *)d)->d_member->flags & READONLY);
        if (ok)
            lay->offset[i++] = ((PyMemberDescrObject *)d)->d_member->offset;
    }
    Py_DECREF(fields);
    if (PyErr_Occurred())
        return -1;
    lay->direct = ok && i == n;
    return 0;
}

/* `type(name=value, ...)` for `names` and `values` (borrowed), built directly when `lay`
 * allows; otherwise called by name, so a class whose fields moved or grew (with defaults) is
 * still given each value under its own name. A new reference. */
static PyObject *
new_instance(Layout *lay, PyObject *type, PyObject *const *names, int n,
             PyObject *const *values)
{
    if (lay->type != (PyTypeObject *)type && resolve_layout(lay, type, names, n) < 0)
        return NULL;
    if (!lay->direct)
        return PyObject_Vectorcall(type, values, 0, lay->kwnames);
    PyTypeObject *tp = (PyTypeObject *)type;
    PyObject *obj = tp->tp_alloc(tp, 0);
    if (obj == NULL)
        return NULL;
    for (int i = 0; i < n; i++)
        *(PyObject **)((char *)obj + lay->offset[i]) = Py_NewRef(values[i]);
    return obj;
}

#endif

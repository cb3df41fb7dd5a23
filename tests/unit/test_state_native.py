"""The state layer's per-recipient loops in C (``state/_native.c``) do what the Python forms do.

The Python loops in ``state/behaviour.py`` are the definition; the engine runs the C forms the
install builds. Every other state test runs the C forms; these hold the two to identical
snapshots, stored values and undo records, with decay, idle expiry, out-of-order times,
threads, unlearned messages and rolled-back batches all in play.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from state import Decay, MemoryStore, PartitionState, behaviour, decode, default_facts_fn
from state.profiles import (
    LAYOUT_VERSION,
    CampaignProfile,
    DomainProfile,
    PairProfile,
    PersonProfile,
    RecipientProfile,
    SenderProfile,
    TenantProfile,
    encode,
    encode_v1,
    encode_v2,
)
from tests.factories import org_traffic

NATIVE = behaviour._native
facts_of = default_facts_fn()


def test_the_c_module_is_built() -> None:
    """The install builds it; without it the state layer runs ~1.3x slower (see README)."""
    assert NATIVE is not None, ("state/_native.c was not built: reinstall with a C compiler "
                                "and the Python headers (./dev.sh test does)")
    assert behaviour.loops() == "c"  # what bench reports say ran


def _traffic(n: int, seed: int) -> list:
    """Synthetic organisation mail with out-of-order times and some replies."""
    rng = random.Random(seed)
    out = []
    for i, r in enumerate(org_traffic(n, seed=seed)):
        out.append(dataclasses.replace(
            r, received_at=r.received_at + rng.uniform(-900.0, 900.0),
            in_reply_to="<x@y>" if i % 5 == 0 else ""))
    return out


def _replay(records, *, batch: int, decay: Decay, native: bool,
            monkeypatch: pytest.MonkeyPatch) -> tuple[list, dict, list]:
    """Every snapshot (its recipients as plain values), the stored values, the undo records."""
    monkeypatch.setattr(behaviour, "_native", NATIVE if native else None)
    state = PartitionState(MemoryStore(), decay=decay, cache_entries=200)
    seen, undos = [], []
    offset = 0
    for n, i in enumerate(range(0, len(records), batch)):
        chunk = records[i:i + batch]
        for attempt in (0, 1) if n % 3 == 1 else (1,):
            facts = [facts_of(r) for r in chunk]
            keys = [state.keys_for(r, f) for r, f in zip(chunk, facts, strict=True)]
            state.prefetch_messages(keys)
            for j, (r, f, mk) in enumerate(zip(chunk, facts, keys, strict=True)):
                snap = state.snapshot(r, f, mk)
                seen.append([(v.address, v.profile, v.pair, v.reverse, v.first_contact)
                             for v in snap.recipients])
                state.observe(r, f, snap, learn=(i + j) % 7 != 3)
                state.observe_verdict(r, "allow")
            undos.append({k: v for k, v in state._undo.items()})
            if attempt == 0:  # an undelivered batch: forgotten, then processed again
                state.rollback()
                continue
            offset += len(chunk)
            state.commit(state.changes(), offset, None)
    monkeypatch.setattr(behaviour, "_native", NATIVE)
    values = {k: decode(k[:1], v) for k, v in state.store.items() if k[:1] != b"\x00"}
    return seen, values, undos


@pytest.mark.parametrize("decay", [Decay(), Decay(half_life=6 * 3600.0, idle_expiry=2400.0)],
                         ids=["no-decay", "decay-and-expiry"])
@pytest.mark.parametrize("batch", [1, 37, 500])
def test_the_c_loops_and_the_python_loops_agree(decay, batch, monkeypatch) -> None:
    records = _traffic(1500, seed=batch)
    native = _replay(records, batch=batch, decay=decay, native=True, monkeypatch=monkeypatch)
    python = _replay(records, batch=batch, decay=decay, native=False, monkeypatch=monkeypatch)
    assert native[0] == python[0]  # snapshots, message by message
    assert native[1] == python[1]  # stored values
    assert native[2] == python[2]  # what rollback would restore
    if decay.idle_expiry:  # the scenario exercised expiry: it hid pairs known before
        plain = _replay(records, batch=batch, decay=Decay(), native=True,
                        monkeypatch=monkeypatch)

        def unknown(seen: list) -> int:
            return sum(rc[2] is None for snap in seen for rc in snap)

        assert unknown(native[0]) > unknown(plain[0]) + 100


def test_bad_arguments_raise_instead_of_crashing() -> None:
    keys = behaviour._recipient_keys("t", "s", ("a",), 3)
    views = (behaviour._new_view(behaviour.RecipientView, ("a", None, None, None)),)
    with pytest.raises(KeyError):  # not prefetched: the caller loads the keys and retries
        NATIVE.snapshot_recipients(keys, {}, 1.0, float("inf"), Decay(),
                                   behaviour._MailboxUpdates, behaviour._Deferred,
                                   behaviour.RecipientView)
    with pytest.raises(TypeError):
        NATIVE.snapshot_recipients(keys, {}, 1.0, float("inf"), Decay(), int, int, int)
    with pytest.raises(ValueError):
        NATIVE.observe_recipients(views + views, keys, {}, {}, [], object(), 1.0, "s", True,
                                  0, True, True, behaviour.PairProfile,
                                  behaviour._MailboxUpdates)
    with pytest.raises(TypeError):
        NATIVE.observe_recipients(views, (("a", b"k"),), {}, {}, [], object(), 1.0, "s", True,
                                  0, True, True, behaviour.PairProfile,
                                  behaviour._MailboxUpdates)


def test_prefetch_plan_loads_what_the_set_form_loads_and_marks_the_same_keys() -> None:
    records = _traffic(60, seed=5)
    state = PartitionState(MemoryStore())
    keys = [state.keys_for(r, facts_of(r)) for r in records]
    every = [k for mk in keys for k in mk.all()]
    live = {k: None for k in every[::3]}  # a third cached
    referenced = {every[1]}  # marked earlier, now missing: the mark goes
    missing = NATIVE.prefetch_plan(keys, live, referenced)
    assert len(missing) == len(set(missing))
    assert set(missing) == set(every) - set(live)
    assert missing == list(dict.fromkeys(k for k in every if k not in live))  # first seen
    assert referenced == set(every) & set(live)
    with pytest.raises(TypeError):
        NATIVE.prefetch_plan(tuple(keys), live, referenced)
    with pytest.raises(TypeError):
        NATIVE.prefetch_plan([("not", "message", "keys")], live, referenced)


def test_a_state_without_the_c_module_says_what_to_do(caplog, monkeypatch) -> None:
    monkeypatch.setattr(behaviour, "_warned_pure_python", False)
    PartitionState(MemoryStore())
    assert "_native.c" not in caplog.text  # built by the install this test runs in
    monkeypatch.setattr(behaviour, "_native", None)
    assert behaviour.loops() == "python"
    PartitionState(MemoryStore())
    PartitionState(MemoryStore())
    assert caplog.text.count("state/_native.c was not built") == 1
    assert "C compiler" in caplog.text


def _queued(rng: random.Random, base, n_ops: int, t0: float, spread: float):
    """A mailbox's queued observations: many senders (counters prune), some without one."""
    updates = behaviour._MailboxUpdates(base)
    senders = [f"s{i}@x.example" for i in range(90)] + ["", "ß@x.example", "S0@x.example"]
    for _ in range(n_ops):
        updates.ops.append((t0 + rng.uniform(-spread, spread), rng.choice(senders),
                            rng.random() < 0.5, rng.random() < 0.3))
    return updates


def _same_profile(got, want) -> None:
    """Equal, with the counter in the same order (orjson writes it in that order)."""
    assert got == want
    if want is not None:
        assert type(got) is type(want)
        assert list(got.correspondents.items()) == list(want.correspondents.items())
        assert encode(got) == encode(want)


@pytest.mark.parametrize("seed", range(6))
def test_mailbox_profile_is_the_python_apply(seed) -> None:
    """Decay, rebases (weights past 2**400), pruned counters, idle gaps inside the queue."""
    rng = random.Random(seed)
    hour = 3600.0
    for decay in (Decay(), Decay(half_life=hour), Decay(half_life=hour, idle_expiry=5 * hour),
                  Decay(half_life=3600, idle_expiry=18000)):  # ints: converted exactly
        base = RecipientProfile(ref=1e6 - rng.uniform(0, 600 * hour), first_seen=9e5,
                                last_seen=1e6 - rng.uniform(0, 6 * hour), count=3.5,
                                external=1.0, first_contacts=2.0, n_correspondents=70,
                                correspondents={f"s{i}@x.example": rng.random() * 9
                                                for i in range(60)}, vip=True)
        for start in (None, base):
            updates = _queued(rng, start, 120, 1e6, 8 * hour)
            before = None if start is None else start.copy()
            for n in (0, 1, 2, 7, 64, 120, 500):
                _same_profile(NATIVE.mailbox_profile(updates, n, decay, RecipientProfile),
                              updates.apply(n, decay))
            assert start == before  # the base is never changed


def test_mailbox_profile_hands_unusual_values_to_python() -> None:
    """Ints in a hand-built profile, a NaN in a counter, a weight past float range."""
    rng = random.Random(7)
    decay = Decay(half_life=3600.0)
    odd = RecipientProfile(ref=999_000, first_seen=999_000, last_seen=999_000, count=2,
                           correspondents={"a@x.example": float("nan"),
                                           **{f"s{i}@x.example": 1.0 for i in range(63)}})
    updates = _queued(rng, odd, 20, 1e6, 60.0)
    _same_profile(NATIVE.mailbox_profile(updates, 20, decay, RecipientProfile),
                  updates.apply(20, decay))
    nan_counter = RecipientProfile(1e6, 1e6, 1e6, correspondents=dict(odd.correspondents))
    updates = _queued(rng, nan_counter, 20, 1e6, 60.0)
    got, want = (NATIVE.mailbox_profile(updates, 20, decay, RecipientProfile),
                 updates.apply(20, decay))
    assert encode(got) == encode(want)  # NaN != NaN: compared as stored
    # Past math.pow's range (2e7 half-lives): a rebase to the new time, as Decay.weight
    # makes it, in both forms; it raised OverflowError and stopped the batch.
    far = _queued(rng, RecipientProfile(0.0, 0.0, 0.0, 5.0), 3, 2e7, 0.0)
    want = far.apply(3, Decay(half_life=1.0))
    _same_profile(NATIVE.mailbox_profile(far, 3, Decay(half_life=1.0), RecipientProfile), want)
    assert want.ref >= 2e7 and want.count == 3.0  # the 5 of 2e7 half-lives ago: none left


def test_apply_deferred_replaces_each_queue_by_its_profile() -> None:
    rng = random.Random(3)
    decay = Decay(half_life=3600.0, idle_expiry=4 * 3600.0)
    live = {b"R1": _queued(rng, None, 40, 1e6, 9000.0),
            b"R2": _queued(rng, RecipientProfile(1e6, 1e6, 1e6, 4.0), 5, 1e6, 9000.0),
            b"P": behaviour.PairProfile(1.0, 2.0, 3, 0)}
    want = {k: v.apply(len(v.ops), decay) if k != b"P" else v for k, v in live.items()}
    NATIVE.apply_deferred([b"R1", b"R2"], live, decay, RecipientProfile)
    assert list(live) == list(want)  # replaced in place: the eviction clock keeps its order
    for key, value in want.items():
        _same_profile(live[key], value) if key != b"P" else None
    with pytest.raises(KeyError):
        NATIVE.apply_deferred([b"absent"], live, decay, RecipientProfile)


def test_encode_changes_writes_the_bytes_encode_writes() -> None:
    sender = SenderProfile(1e6, 9e5, 1e6, 3.25, 4, display_names={"Bob": 2.0},
                           hours=[0.5] * 24, verdicts={"allow": 1.0}, max_fanout=9,
                           flagged=1.0)
    live: dict = {
        b"Pa": behaviour.PairProfile(1e6, 1e6 + 5, 3, 1),
        b"Pb": behaviour.PairProfile(1_000_000, 1e6, 1, 0),  # an int: struct converts it
        b"Ra": RecipientProfile(1e6, 9e5, 1e6, 2.0, 1.0, 0.5, 3, {"a@x": 1.5, "b@y": 0.25},
                                vip=True),
        b"Rb": RecipientProfile(1e6, 9e5, 1e6, 2.0, n_correspondents=True),  # not an int
        b"Sa": sender,
        b"Sb": dataclasses.replace(sender, flagged=2),
        b"Da": DomainProfile(1e6, 1e6, 1e6, 1.0, 1, 0, 0, "exämple.com"),
        b"Ta": TenantProfile(own_domains=["acme.com"]),
        b"Na": PersonProfile(["a@acme.com"], "A"),
        b"Ca": CampaignProfile(1e6, 1e6, 2, ["x.com"]),
        b"gone": None,
    }
    undo = dict.fromkeys(reversed(list(live)))
    out: dict = {b"repair": b"x"}
    NATIVE.encode_changes(undo, live, out, LAYOUT_VERSION, orjson.dumps, encode, PairProfile,
                          RecipientProfile, SenderProfile)
    want = {b"repair": b"x", **{k: None if live[k] is None else encode(live[k]) for k in undo}}
    assert list(out.items()) == list(want.items())
    with pytest.raises(KeyError):  # every changed key has a live value
        NATIVE.encode_changes({b"absent": None}, live, {}, LAYOUT_VERSION, orjson.dumps,
                              encode, PairProfile, RecipientProfile, SenderProfile)


def test_plain_values_never_call_back_into_python(monkeypatch) -> None:
    """The C forms do the work themselves (else they would only add a layer)."""
    def refuse(*args, **kwargs):
        raise AssertionError("called the Python form")

    rng = random.Random(11)
    decay = Decay(half_life=3600.0, idle_expiry=6 * 3600.0)
    updates = _queued(rng, RecipientProfile(1e6, 1e6, 1e6, 1.0), 200, 1e6, 40_000.0)
    want = updates.apply(200, decay)
    monkeypatch.setattr(behaviour._MailboxUpdates, "apply", refuse)
    got = NATIVE.mailbox_profile(updates, 200, decay, RecipientProfile)
    _same_profile(got, want)
    live = {b"P": PairProfile(1.0, 2.0, 3, 0), b"R": got,
            b"S": SenderProfile(1e6, 1e6, 1e6, 1.0)}
    out: dict = {}
    NATIVE.encode_changes(dict.fromkeys(live), live, out, LAYOUT_VERSION, orjson.dumps,
                          refuse, PairProfile, RecipientProfile, SenderProfile)
    assert out == {k: encode(v) for k, v in live.items()}


def _observe_one(pair_type, updates_type, live: dict, pair):
    """observe_recipients for one recipient whose pair is ``pair``: the new pair profile."""
    keys = behaviour._recipient_keys("t", "s@x.example", ("r@y.example",), 3)
    view = behaviour._new_view(behaviour.RecipientView, ("r@y.example", None, pair, None))
    NATIVE.observe_recipients((view,), keys, live, {}, [], object(), 5.0, "s@x.example",
                              True, 1, True, True, pair_type, updates_type)
    return live[keys[0][2]], live[keys[0][1]]


def test_profiles_are_built_without_calling_their_init(monkeypatch) -> None:
    """Pairs, mailboxes, senders and mailbox queues come out of C with their slots set
    directly (a dataclass's __init__ only stores its arguments), equal to what the classes
    build, without running one __init__ (a new sender's first profile is still the class's:
    its defaults)."""
    rng = random.Random(5)
    decay = Decay(half_life=3600.0, idle_expiry=6 * 3600.0)
    old_pair = PairProfile(1.0, 2.0, 3, 0)
    updates = _queued(rng, RecipientProfile(1e6, 1e6, 1e6, 1.0), 50, 1e6, 4000.0)
    want_mailbox = updates.apply(50, decay)
    known = SenderProfile(1.0, 1.0, 2.0, 1.0)  # a new sender's base is the class's defaults
    want_sender = behaviour.observe_sender(
        known, t=7.5, display_name="Bob", reply_to_domain="", return_path_domain="",
        auth=("pass", "", ""), network="10.0.0.0/24", link_domains=("x.example",),
        attachment_types=(), new_recipients=1, fanout=1, decay=decay, learn=True,
        flagged=False)

    def refuse(*args, **kwargs):
        raise AssertionError("ran __init__")

    for cls in (PairProfile, RecipientProfile, SenderProfile, behaviour._MailboxUpdates):
        monkeypatch.setattr(cls, "__init__", refuse)
    live: dict = {}
    pair, queue = _observe_one(PairProfile, behaviour._MailboxUpdates, live, old_pair)
    assert type(pair) is PairProfile
    assert dataclasses.astuple(pair) == (1.0, 5.0, 4, 1)
    assert type(queue) is behaviour._MailboxUpdates
    assert (queue.base, queue.last_seen, queue.ops) == (None, 5.0,
                                                        [(5.0, "s@x.example", True, False)])
    _same_profile(NATIVE.mailbox_profile(updates, 50, decay, RecipientProfile), want_mailbox)
    got_sender = NATIVE.observe_sender(known, 7.5, "Bob", "", "", ("pass", "", ""),
                                       "10.0.0.0/24", ("x.example",), (), 1, 1, decay, True,
                                       False, SenderProfile)
    monkeypatch.undo()
    assert got_sender == want_sender


def test_a_class_that_does_more_than_store_its_arguments_is_called() -> None:
    """A subclass, or a class with __post_init__, is built by calling it, as Python would."""
    made = []

    @dataclasses.dataclass(slots=True)
    class Checked(PairProfile):
        def __post_init__(self) -> None:
            made.append(self.count)

    class Queue(behaviour._MailboxUpdates):
        __slots__ = ("extra",)

        def __init__(self, base) -> None:
            super().__init__(base)
            self.extra = "set by __init__"

    @dataclasses.dataclass(slots=True)
    class Noted:  # PairProfile's fields in a class of its own, with a __post_init__
        first_seen: float
        last_seen: float
        count: int = 0
        threads: int = 0

        def __post_init__(self) -> None:
            made.append(-self.count)

    pair, queue = _observe_one(Checked, Queue, {}, Checked(1.0, 2.0, 3, 0))
    assert type(pair) is Checked and made == [3, 4]  # the argument's, then the new one's
    assert dataclasses.astuple(pair) == (1.0, 5.0, 4, 1)
    assert type(queue) is Queue and queue.extra == "set by __init__"
    pair, _ = _observe_one(Noted, Queue, {}, None)
    assert type(pair) is Noted and made[-1] == -1

    @dataclasses.dataclass(slots=True)
    class Reordered:  # the same fields in another order, and one more: called by name
        count: int
        threads: int
        first_seen: float
        last_seen: float
        note: str = "kept"

    pair, _ = _observe_one(Reordered, Queue, {}, None)
    assert pair == Reordered(count=1, threads=1, first_seen=5.0, last_seen=5.0)
    # and the plain classes again after them (each Layout resolves for the type it is given)
    pair, queue = _observe_one(PairProfile, behaviour._MailboxUpdates, {}, None)
    assert type(pair) is PairProfile and dataclasses.astuple(pair) == (5.0, 5.0, 1, 1)


_addresses = st.lists(st.sampled_from(["a@x.example", "b@x.example", "C@x.example", "é@x.example",
                                       "", *(f"r{i}@y.example" for i in range(30))]),
                      max_size=40)


@settings(max_examples=300, deadline=None)
@given(to=_addresses, cc=_addresses, tenant=st.sampled_from(["acme", "", "ténant"]),
       sender=st.sampled_from(["s@x.example", "", "ß@x.example"]),
       parts=st.tuples(*[st.sampled_from(["", "x.example", "bob smith"])] * 3),
       rdomains=st.lists(st.sampled_from(["x.example", "", "ü.example"]), max_size=3))
def test_message_keys_are_the_python_keys(to, cc, tenant, sender, parts, rdomains) -> None:
    """Duplicates across To and Cc, lists long enough for the C set, empty parts."""
    from schemas import Address, MailRecord

    record = MailRecord("m", tenant or "t", "inbound", 1.0, Address(sender),
                        to=tuple(Address(a) for a in to), cc=tuple(Address(a) for a in cc))
    record.tenant_id = tenant  # the state layer builds keys for whatever it is handed
    facts = dataclasses.replace(facts_of(record), sender_domain=parts[0],
                                display_key=parts[1], subject_key=parts[2],
                                recipient_domains=tuple(rdomains))
    native = PartitionState.keys_for(record, facts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(behaviour, "_native", None)
        python = PartitionState.keys_for(record, facts)
    assert type(native) is type(python) is behaviour.MessageKeys
    assert native == python
    for limit in (0, 1, 3):
        args: list[Any] = [tenant, sender, record.to, record.cc, *parts, tuple(rdomains), limit,
                           behaviour.MessageKeys]
        assert NATIVE.message_keys(*args).recipients == python.recipients[:limit]


def test_message_keys_refuse_bad_arguments() -> None:
    from schemas import Address

    args: list[Any] = ["t", "s", (Address("a@x"),), (), "", "", "", (), 5,
                       behaviour.MessageKeys]
    assert NATIVE.message_keys(*args).recipients[0][0] == "a@x"
    not_str: Any = b"a@x"
    for i, bad in ((2, [Address("a@x")]), (0, b"t"), (7, ("d", 1)), (9, int), (8, -1),
                   (2, (Address(not_str),))):
        with pytest.raises((TypeError, ValueError)):
            NATIVE.message_keys(*[*args[:i], bad, *args[i + 1:]])
    with pytest.raises(UnicodeEncodeError):  # as str.encode: lone surrogates are refused
        NATIVE.message_keys(*["t\ud800", *args[1:]])


_names = st.sampled_from(["", "Bob", "bob", "Ann", *(f"n{i}" for i in range(12))])
_domains = st.sampled_from(["", "x.example", "y.example", *(f"d{i}.example" for i in range(40))])


@settings(max_examples=300, deadline=None)
@given(times=st.lists(st.floats(-4e5, 2e9, allow_nan=False), min_size=1, max_size=30),
       names=st.lists(_names, min_size=30, max_size=30),
       domains=st.lists(_domains, min_size=30, max_size=30),
       links=st.lists(st.lists(_domains, max_size=5), min_size=30, max_size=30),
       auth=st.tuples(*[st.sampled_from(["", "pass", "fail", "softfail"])] * 3),
       flags=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=30, max_size=30),
       half_life=st.sampled_from([0.0, 3600.0, 86400 * 90, 7200]))
def test_observe_sender_in_c_is_the_python_function(times, names, domains, links, auth, flags,
                                                    half_life) -> None:
    """A sender's profile through many messages: pruned counters, unlearned and flagged
    messages, times before 1970 (floor division), out of order, or far apart (rebases,
    which the C form leaves to Python)."""
    from state.profiles import observe_sender

    decay = Decay(half_life=half_life)
    python = native = None
    for i, t in enumerate(times):
        learn, flagged = flags[i]
        kw: dict[str, Any] = dict(display_name=names[i], reply_to_domain=domains[i],
                  return_path_domain=domains[-1 - i], auth=auth if i % 2 else ("", "", ""),
                  network=domains[i // 2], link_domains=tuple(links[i]),
                  attachment_types=tuple(links[-1 - i][:2]), new_recipients=i % 3,
                  fanout=i % 5, decay=decay, learn=learn, flagged=flagged)
        want = observe_sender(python, t=t, **kw)
        values: list[Any] = [native, t, *kw.values(), SenderProfile]
        got = NATIVE.observe_sender(*values)
        if got is None:  # a rebase (or a value it does not take): the caller's Python call
            got = observe_sender(native, t=t, **kw)
        assert got == want
        assert encode(got) == encode(want)
        for name in ("display_names", "link_domains", "auth", "networks"):
            assert list(getattr(got, name).items()) == list(getattr(want, name).items())
        python, native = want, got


def test_observe_sender_in_c_shares_what_it_does_not_change() -> None:
    """Copy on write, as SenderProfile.shallow_copy: only changed counters are new objects,
    the previous profile is left as it was, and the verdicts are always a copy."""
    from state.profiles import observe_sender

    args = ("Bob", "", "", ("", "", ""), "", (), (), 1, 2, Decay(3600.0), True, False,
            SenderProfile)
    first = NATIVE.observe_sender(None, 1e6, *args)
    before = first.copy()
    second = NATIVE.observe_sender(first, 1e6 + 60, *args)
    assert first == before
    assert second.networks is first.networks and second.auth is first.auth
    assert second.display_names is not first.display_names
    assert second.verdicts is not first.verdicts and second.hours is not first.hours
    unlearned = NATIVE.observe_sender(first, 1e6 + 60, *args[:10], False, False,
                                      SenderProfile)
    assert unlearned.hours is first.hours
    assert unlearned == observe_sender(first, t=1e6 + 60, display_name="Bob",
                                       reply_to_domain="", return_path_domain="",
                                       auth=("", "", ""), network="", link_domains=(),
                                       attachment_types=(), new_recipients=1, fanout=2,
                                       decay=Decay(3600.0), learn=False)
    # Values the C form does not take: the caller calls the Python function.
    assert NATIVE.observe_sender(None, 1_000_000, *args) is None  # an int time
    odd = dataclasses.replace(first, display_names={"Bob": 1})  # an int count
    assert NATIVE.observe_sender(odd, 1e6, *args) is None
    assert NATIVE.observe_sender(first, 1e6 + 3600.0 * 500, *args) is None  # a rebase


@settings(max_examples=200, deadline=None)
@given(times=st.lists(st.floats(-4e5, 2e9, allow_nan=False), min_size=1, max_size=40),
       actions=st.lists(st.sampled_from(["allow", "", "quarantine", "block", "warn", "a1", "a2",
                                         "a3", "a4", "a5", "a6", "a7"]),
                        min_size=40, max_size=40),
       half_life=st.sampled_from([0.0, 3600.0, 86400 * 90, 7200]))
def test_count_verdict_in_c_is_the_python_function(times, actions, half_life) -> None:
    """Counted in place, pruned past 8 actions, rebases left to Python."""
    from state.profiles import count_verdict

    decay = Decay(half_life=half_life)
    python = SenderProfile(times[0], times[0], times[0])
    native = python.copy()
    for t, action in zip(times, actions, strict=False):
        count_verdict(python, t=t, action=action, decay=decay)
        if not NATIVE.count_verdict(native, t, action, decay):
            count_verdict(native, t=t, action=action, decay=decay)
        assert native == python
        assert list(native.verdicts.items()) == list(python.verdicts.items())
    assert NATIVE.count_verdict(native, 1, "allow", decay) is False  # an int time
    assert NATIVE.count_verdict(dataclasses.replace(native, verdicts={"allow": 1}), 1.0,
                                "allow", decay) is False  # an int count


# ------------------------------------------------------------------ decode_values


def _decoded_c(keys: list[bytes], values: list, decode_fn=decode) -> dict:
    live: dict = {}
    NATIVE.decode_values(keys, values, live, LAYOUT_VERSION, behaviour._DECODED_KINDS,
                         orjson.loads, decode_fn, PairProfile, RecipientProfile,
                         SenderProfile)
    return live


def _same_decoded(key: bytes, value: bytes | None) -> None:
    """C and profiles.decode give equal profiles of the same types, or raise the same."""
    try:
        want = None if value is None else decode(key[:1], value)
    except Exception as exc:  # the C form must raise the same
        with pytest.raises(type(exc)):
            _decoded_c([key], [value])
        return
    got = _decoded_c([key], [value])[key]
    assert type(got) is type(want)
    if want is not None:  # NaN-safe: compare what would be stored again
        assert encode(got) == encode(want)
        assert [type(v) for v in dataclasses.astuple(got)] == \
            [type(v) for v in dataclasses.astuple(want)]


_doubles = st.floats(allow_nan=True, allow_infinity=True)
_ints = st.integers(-(2**63), 2**63 - 1)
_counter = st.dictionaries(st.text(max_size=6), st.floats(-1e9, 1e9), max_size=4)


@settings(max_examples=300, deadline=None)
@given(d=st.lists(_doubles, min_size=6, max_size=6), q=st.lists(_ints, min_size=3, max_size=3),
       counter=_counter, vip=st.booleans(), hours=st.lists(st.floats(0, 9), min_size=24,
                                                            max_size=24))
def test_decode_values_is_profiles_decode(d, q, counter, vip, hours) -> None:
    """Every pair, mailbox and sender value decodes in C to what profiles.decode builds."""
    profiles = {
        b"Pt\x1fa\x1fb": PairProfile(d[0], d[1], q[0], q[1]),
        b"Rt\x1fa": RecipientProfile(d[0], d[1], d[2], d[3], d[4], d[5], q[2], counter, vip),
        b"St\x1fa": SenderProfile(d[0], d[1], d[2], d[3], q[0], display_names=counter,
                                  hours=hours, auth=counter, max_fanout=q[1], flagged=d[5]),
    }
    for key, profile in profiles.items():
        _same_decoded(key, encode(profile))


def test_decode_values_hands_other_values_to_profiles_decode() -> None:
    """Other kinds and layouts, odd bytes and bad counters: the definition decides (and
    raises what it raises); absent values are None."""
    pair = encode(PairProfile(1.0, 2.0, 3, 4))
    mailbox = encode(RecipientProfile(1e6, 9e5, 1e6, 2.0, n_correspondents=2,
                                      correspondents={"a@x": 1.0}))
    sender = encode(SenderProfile(1e6, 9e5, 1e6, 2.0, 1, display_names={"B": 1.0}))
    head = len(sender) - len(orjson.dumps([{"B": 1.0}, {}, {}, [0.0] * 24, [0.0] * 7, {},
                                           {}, {}, {}, {}]))
    cases = [
        (b"Pk", None),
        (b"Pk", pair + b"trailing"),  # unpack_from reads the head only
        (b"Pk", pair[:-1]),  # short: struct.error
        (b"Pk", b""),  # empty
        (b"Pk", bytes((LAYOUT_VERSION + 1,)) + pair[1:]),  # a newer layout: refused
        (b"Pk", encode_v1(PairProfile(1.0, 2.0, 3, 4))),
        (b"Rk", mailbox[:-2]),  # bad JSON
        (b"Rk", mailbox[:57] + b"\x02" + mailbox[58:]),  # vip byte 2 reads True
        (b"Rk", encode_v2(RecipientProfile(1.0, 1.0, 1.0, 1.0))),
        (b"Sk", sender[:head] + b"[1,2]"),  # counters not ten: ValueError
        (b"Sk", sender[:head] + b'"x"'),
        (b"Sk", sender[:head] + b"[1,2,3,4,5,6,7,8,9,10]"),  # ten of anything, as Python
        (b"Sk", encode_v2(SenderProfile(1.0, 1.0, 1.0, 1.0))),
        (b"Dk", encode(DomainProfile(1e6, 1e6, 1e6, 1.0, 1, 0, 0, "exämple.com"))),
        (b"Ck", encode(CampaignProfile(1e6, 1e6, 2, ["x.com"]))),
        (b"Tk", encode(TenantProfile(own_domains=["acme.com"]))),
        (b"Nk", encode(PersonProfile(["a@acme.com"], "A"))),
        (b"Xk", pair),  # an unknown kind
    ]
    for key, value in cases:
        _same_decoded(key, value)
    with pytest.raises(TypeError):
        _decoded_c([b"Pk"], [])  # lengths differ
    with pytest.raises(TypeError):
        _decoded_c([b"Pk"], ["text"])
    with pytest.raises(ValueError, match="layout version must be a byte"):
        NATIVE.decode_values([b"Pk"], [pair], {}, 256, behaviour._DECODED_KINDS,
                             orjson.loads, decode, PairProfile, RecipientProfile,
                             SenderProfile)


def test_decode_values_builds_profiles_itself(monkeypatch) -> None:
    """The current layout's pairs, mailboxes and senders never call decode or __init__."""
    def refuse(*args, **kwargs):
        raise AssertionError("called Python")

    profiles = {b"Pa": PairProfile(1.0, 2.0, 3, 4),
                b"Ra": RecipientProfile(1e6, 9e5, 1e6, 2.0, 1.0, 0.5, 3, {"a@x": 1.5}, True),
                b"Sa": SenderProfile(1e6, 9e5, 1e6, 3.25, 4, display_names={"Bob": 2.0},
                                     verdicts={"allow": 1.0}, max_fanout=9, flagged=1.0)}
    values = [encode(p) for p in profiles.values()]
    for cls in (PairProfile, RecipientProfile, SenderProfile):
        monkeypatch.setattr(cls, "__init__", refuse)
    live = _decoded_c(list(profiles), values, decode_fn=refuse)
    monkeypatch.undo()
    assert live == profiles
    assert list(live[b"Ra"].correspondents.items()) == [("a@x", 1.5)]

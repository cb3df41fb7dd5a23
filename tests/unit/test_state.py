"""Behavioural state: incremental updates equal a recomputation from scratch; tenants are apart."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from itertools import islice

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from state import (
    NO_DECAY,
    CampaignProfile,
    Decay,
    DomainProfile,
    HeldContentProfile,
    LayoutVersionError,
    MemoryStore,
    PairProfile,
    PartitionState,
    PersonProfile,
    RecipientProfile,
    SenderProfile,
    TenantProfile,
    decode,
    default_facts_fn,
    encode,
    make_key,
)
from state.profiles import (
    KIND_DOMAIN,
    KIND_PAIR,
    KIND_RECIPIENT,
    KIND_SENDER,
    KIND_TENANT,
    LAYOUT_VERSION,
    encode_v1,
    encode_v2,
    observe_sender,
)
from tests.factories import T0, mail, org_traffic

facts_of = default_facts_fn()


def run(state: PartitionState, records, batch: int) -> None:
    """Feed records the way the engine does: prefetch, snapshot/observe each, commit per batch."""
    offset = 0
    for i in range(0, len(records), batch):
        chunk = records[i:i + batch]
        facts = [facts_of(r) for r in chunk]
        state.prefetch(k for r, f in zip(chunk, facts, strict=True)
                       for k in state.keys_for(r, f).all())
        for r, f in zip(chunk, facts, strict=True):
            state.observe(r, f, state.snapshot(r, f))
            state.observe_verdict(r, "allow")
        offset += len(chunk)
        state.commit(state.changes(), offset, None)


def stored(state: PartitionState) -> dict[bytes, object]:
    return {k: decode(k[:1], v) for k, v in state.store.items() if k[:1] != b"\x00"}


def test_second_message_of_new_sender_sees_the_first_within_a_batch():
    state = PartitionState(MemoryStore())
    first, second = mail(t=T0), mail(t=T0 + 60)
    f1, f2 = facts_of(first), facts_of(second)
    snap1 = state.snapshot(first, f1)
    assert snap1.sender is None and snap1.recipients[0].first_contact
    state.observe(first, f1, snap1)
    snap2 = state.snapshot(second, f2)  # same batch, nothing committed yet
    assert snap2.sender is not None and snap2.sender.count == 1
    assert snap2.recipients[0].pair is not None and not snap2.recipients[0].first_contact


def test_a_reply_makes_the_relationship_two_way():
    state = PartitionState(MemoryStore())
    run(state, [mail("bob@acme.com", ("alice@partner.com",), direction="outbound")], 10)
    inbound = mail("alice@partner.com", ("bob@acme.com",), t=T0 + 100)
    snap = state.snapshot(inbound, facts_of(inbound))
    assert snap.recipients[0].pair is None  # alice never wrote to bob...
    assert snap.recipients[0].reverse is not None  # ...but bob wrote to alice
    assert not snap.recipients[0].first_contact


def test_rollback_forgets_an_undelivered_batch():
    state = PartitionState(MemoryStore())
    run(state, [mail()], 10)
    before = stored(state)
    r = mail(t=T0 + 5)
    state.observe(r, facts_of(r), state.snapshot(r, facts_of(r)))
    state.rollback()
    again = state.snapshot(r, facts_of(r))
    assert again.sender is not None and again.sender.count == 1
    assert stored(state) == before


def test_tenants_with_the_same_sender_never_see_each_others_profiles():
    state = PartitionState(MemoryStore())
    run(state, [mail("eve@x.com", ("a@one.com",), tenant="one") for _ in range(5)], 2)
    other = mail("eve@x.com", ("b@two.com",), tenant="two")
    snap = state.snapshot(other, facts_of(other))
    assert snap.sender is None and snap.domain is None
    assert snap.recipients[0].first_contact
    keys = [k for k in stored(state) if b"eve@x.com" in k]
    assert keys and all(b"one\x1f" in k for k in keys)


def test_a_sender_longer_than_smtp_allows_is_profiled_in_a_bounded_form():
    # Its length would otherwise be multiplied by its recipients' (a pair key each, and
    # each mailbox's correspondents): a crafted record would write gigabytes.
    from state import MAX_PROFILED_ADDRESS, profiled_address

    crafted = "x" * 100_000 + "@partner.com"
    other = "x" * 100_000 + "@partner.org"
    recipients = tuple(f"r{i}@acme.com" for i in range(200))
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    run(state, [mail(crafted, recipients, t=T0), mail(crafted, recipients, t=T0 + 60),
                mail(other, recipients[:1], t=T0 + 120)], batch=1)
    assert sum(len(k) + len(v) for k, v in state.store.items()) < 200_000  # 40 MB whole
    assert len(profiled_address(crafted)) <= MAX_PROFILED_ADDRESS
    assert profiled_address(crafted) != profiled_address(other)
    assert profiled_address("bob@acme.com") == "bob@acme.com"
    profiles = stored(state)
    key = make_key(KIND_SENDER, "acme", profiled_address(crafted))
    assert (profiles[key].count, profiles[key].n_recipients) == (2.0, 200)
    assert make_key(KIND_SENDER, "acme", profiled_address(other)) in profiles
    assert state.erase_address("acme", crafted) > 0  # an erasure request names it whole
    assert state.changes()[key] is None


def test_layout_version_is_checked():
    raw = encode(SenderProfile(ref=0.0, first_seen=0.0, last_seen=0.0))
    with pytest.raises(LayoutVersionError, match="layout version 9"):
        decode(b"S", bytes([9]) + raw[1:])


def test_decay_halves_a_count_after_one_half_life():
    decay = Decay(half_life=86400.0)
    kw = dict(display_name="", reply_to_domain="", return_path_domain="", auth=("", "", ""),
              network="", link_domains=(), attachment_types=(), new_recipients=0, fanout=1,
              decay=decay)
    p = observe_sender(None, t=T0, **kw)
    p = observe_sender(p, t=T0 + 86400.0, **kw)
    # at T0+1 day: the first message counts 0.5, the second 1
    assert p.count / decay.weight(T0 + 86400.0, p.ref) == pytest.approx(1.5)


def test_rebase_keeps_values_when_the_weights_grow_large():
    decay = Decay(half_life=60.0)
    kw = dict(display_name="n", reply_to_domain="", return_path_domain="", auth=("", "", ""),
              network="", link_domains=(), attachment_types=(), new_recipients=0, fanout=1,
              decay=decay)
    p = observe_sender(None, t=T0, **kw)
    t = T0 + 60.0 * 500  # 500 half-lives: forces a rebase
    p = observe_sender(p, t=t, **kw)
    assert p.ref == t
    assert p.count / decay.weight(t, p.ref) == pytest.approx(1.0)


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(min_value=1, max_value=120), seed=st.integers(0, 10_000))
def test_final_state_does_not_depend_on_batch_boundaries(batch, seed):
    records = org_traffic(300, seed=seed)
    one = PartitionState(MemoryStore(), decay=NO_DECAY)
    run(one, records, 1000)
    other = PartitionState(MemoryStore(), decay=NO_DECAY, cache_entries=50)
    run(other, records, batch)
    assert stored(one) == stored(other)


def _check_against_scratch(records, every: int = 1) -> int:
    """After every ``every``-th message, the touched sender and pair profiles equal simple
    counts recomputed from all messages so far."""
    state = PartitionState(MemoryStore(), decay=NO_DECAY, cache_entries=1000)
    sent: dict[tuple[str, str], int] = defaultdict(int)
    pair: dict[tuple[str, str, str], int] = defaultdict(int)
    rcpts: dict[tuple[str, str], set[str]] = defaultdict(set)
    first: dict[tuple[str, str], float] = {}
    received: dict[tuple[str, str], int] = defaultdict(int)
    received_from: dict[tuple[str, str], set[str]] = defaultdict(set)
    checked = 0
    for i, r in enumerate(records):
        f = facts_of(r)
        state.prefetch(state.keys_for(r, f).all())
        state.observe(r, f, state.snapshot(r, f))
        state.observe_verdict(r, "allow")
        state.commit(state.changes(), i + 1, None)
        s = (r.tenant_id, r.sender.address)
        sent[s] += 1
        first.setdefault(s, r.received_at)
        first[s] = min(first[s], r.received_at)
        for rc in r.recipients:
            pair[(*s, rc)] += 1
            rcpts[s].add(rc)
            if r.direction != "outbound":
                received[(r.tenant_id, rc)] += 1
                received_from[(r.tenant_id, rc)].add(r.sender.address)
        if i % every:
            continue
        sp = decode(KIND_SENDER, state.store.get_many([make_key(KIND_SENDER, *s)])[0])
        assert sp.count == sent[s]
        assert sp.n_recipients == len(rcpts[s])
        assert sp.first_seen == first[s]
        assert sum(sp.hours) == sent[s] and sum(sp.weekdays) == sent[s]
        assert sum(sp.verdicts.values()) == sent[s]
        for rc in r.recipients:
            pp = decode(KIND_PAIR, state.store.get_many([make_key(KIND_PAIR, *s, rc)])[0])
            assert pp.count == pair[(*s, rc)]
            if r.direction != "outbound":
                raw = state.store.get_many([make_key(KIND_RECIPIENT, r.tenant_id, rc)])[0]
                mailbox = decode(KIND_RECIPIENT, raw)
                assert mailbox.count == received[(r.tenant_id, rc)]
                assert mailbox.last_seen >= r.received_at
                # top-32 pruning keeps fewer, never more, than the distinct correspondents
                assert len(mailbox.correspondents) <= len(received_from[(r.tenant_id, rc)])
        checked += 1
    return checked


def test_synthetic_stream_matches_recomputation_after_every_message():
    assert _check_against_scratch(org_traffic(2000, seed=3)) == 2000


@pytest.mark.corpora
def test_enron_replay_matches_recomputation(corpora):
    from bench.corpus import ARCHIVES, ENRON_DOMAINS
    from schemas.mime import parse_message
    from schemas.sources import iter_messages

    records = []
    for raw in islice(iter_messages([corpora / ARCHIVES["enron"]]), 6000):
        records.append(parse_message(raw.raw, tenant_id="enron", own_domains=ENRON_DOMAINS))
    records.sort(key=lambda r: (r.received_at, r.message_id))
    assert _check_against_scratch(records, every=1) == len(records)


def test_a_mailbox_profile_in_a_snapshot_stays_as_it_was_before_its_message():
    """Mailbox updates are applied at batch end; a snapshot still shows the state before."""
    state = PartitionState(MemoryStore())
    run(state, [mail("carol@partner.com", ("bob@acme.com",))], 10)
    snaps = []
    for k, sender in enumerate(("alice@partner.com", "dave@partner.com", "alice@partner.com")):
        r = mail(sender, ("bob@acme.com",), t=T0 + 60 * (k + 1))
        snap = state.snapshot(r, facts_of(r))
        snaps.append(snap)
        state.observe(r, facts_of(r), snap)
    assert [s.recipients[0].profile.count for s in snaps] == [1, 2, 3]
    state.commit(state.changes(), 4, None)
    assert [s.recipients[0].profile.count for s in snaps] == [1, 2, 3]
    assert snaps[2].recipients[0].profile.correspondents == {
        "carol@partner.com": 1.0, "alice@partner.com": 1.0, "dave@partner.com": 1.0}
    stored_mailbox = decode(KIND_RECIPIENT, state.store.get_many(
        [make_key(KIND_RECIPIENT, "acme", "bob@acme.com")])[0])
    assert stored_mailbox.count == 4
    assert stored_mailbox.correspondents["alice@partner.com"] == 2.0


def test_a_snapshot_copies_and_pickles_as_it_was_before_its_message():
    """A copy keeps the deferred mailbox profile as the snapshot showed it (tools pickle
    the training replay's assessments; a view failed to unpickle before)."""
    import copy
    import pickle

    state = PartitionState(MemoryStore())
    run(state, [mail("carol@partner.com", ("bob@acme.com",))], 10)
    r = mail("alice@partner.com", ("bob@acme.com",), t=T0 + 60)
    state.observe(r, facts_of(r), state.snapshot(r, facts_of(r)))
    later = mail("dave@partner.com", ("bob@acme.com",), t=T0 + 120)
    snap = state.snapshot(later, facts_of(later))  # bob's mailbox: queued in this batch
    state.observe(later, facts_of(later), snap)
    twins = (copy.deepcopy(snap), pickle.loads(pickle.dumps(snap)))
    state.commit(state.changes(), 3, None)
    for twin in twins:
        view = twin.recipients[0]
        assert type(view) is type(snap.recipients[0]) and view.address == "bob@acme.com"
        assert view.profile == snap.recipients[0].profile and view.profile.count == 2


def test_rollback_forgets_queued_mailbox_updates():
    state = PartitionState(MemoryStore())
    run(state, [mail()], 10)
    r = mail(t=T0 + 5)
    state.observe(r, facts_of(r), state.snapshot(r, facts_of(r)))
    state.rollback()
    again = state.snapshot(r, facts_of(r))
    assert again.recipients[0].profile is not None
    assert again.recipients[0].profile.count == 1


def test_an_idle_mailbox_restarts_within_a_batch():
    decay = Decay(idle_expiry=3600.0)
    state = PartitionState(MemoryStore(), decay=decay)
    first, late = mail(t=T0), mail("dave@partner.com", t=T0 + 7200.0)
    for r in (first, late):  # one batch: the second sees the first's queued update as idle
        snap = state.snapshot(r, facts_of(r))
        state.observe(r, facts_of(r), snap)
    assert snap.recipients[0].profile is None
    state.commit(state.changes(), 2, None)
    mailbox = decode(KIND_RECIPIENT, state.store.get_many(
        [make_key(KIND_RECIPIENT, "acme", "bob@acme.com")])[0])
    assert mailbox.count == 1 and mailbox.first_seen == T0 + 7200.0
    assert mailbox.correspondents == {"dave@partner.com": 1.0}


_PROFILES = [
    SenderProfile(ref=1.5, first_seen=1.0, last_seen=2.0, count=3.25, n_recipients=4,
                  display_names={"Ann Lee": 2.5}, reply_to_domains={"x.com": 1.0},
                  return_path_domains={"y.com": 0.1}, hours=[float(h) for h in range(24)],
                  weekdays=[0.5] * 7, auth={"spf_pass": 1.0}, networks={"10.0.0.0/24": 2.0},
                  link_domains={"a.com": 1.0, "b.org": 0.3}, attachment_types={"pdf": 1.0},
                  verdicts={"allow": 3.0}, max_fanout=9, flagged=1.5),
    RecipientProfile(ref=1.0, first_seen=1.0, last_seen=5.0, count=7.1, external=2.0,
                     first_contacts=1.0, n_correspondents=3,
                     correspondents={"a@x.com": 1.0, "b@é.com": 2.2}, vip=True),
    PairProfile(first_seen=1.0, last_seen=9.5, count=12, threads=3),
    DomainProfile(ref=1.0, first_seen=1.0, last_seen=2.0, count=4.0, n_senders=2, outbound=1,
                  payment_threads=1, lookalike_of="acme.com"),
    TenantProfile(own_domains=["acme.com"], known_domains=["partner.com", "x.org"]),
    PersonProfile(addresses=["ann@acme.com"], display_name="Ann Lee", vip=True, title="CFO"),
    CampaignProfile(first_seen=1.0, last_seen=3.0, senders=4, domains=["a.com", "b.net"]),
    HeldContentProfile(last_seen=3.5, attack_type="spam", message_id="<x@é.example>",
                       signature=bytes(range(128)), origin="<o@x>"),
]
_KIND_OF = {SenderProfile: b"S", RecipientProfile: b"R", PairProfile: b"P",
            DomainProfile: b"D", TenantProfile: b"T", PersonProfile: b"N",
            CampaignProfile: b"C", HeldContentProfile: b"H"}


@pytest.mark.parametrize("profile", _PROFILES, ids=lambda p: type(p).__name__)
def test_every_profile_round_trips_in_every_layout(profile):
    kind = _KIND_OF[type(profile)]
    assert encode(profile)[0] == LAYOUT_VERSION == 3
    assert decode(kind, encode(profile)) == profile
    assert encode_v1(profile)[0] == 1
    assert decode(kind, encode_v1(profile)) == profile
    # Layout 2 had no sender ``flagged``: such a sender reads as never flagged.
    assert encode_v2(profile)[0] == 2
    want = replace(profile, flagged=0.0) if isinstance(profile, SenderProfile) else profile
    assert decode(kind, encode_v2(profile)) == want


def test_layout_1_values_migrate_in_place_when_next_written():
    """A store written by the previous build is read as is; what changes is rewritten in
    the current layout, what does not change stays in layout 1 and still reads."""
    store = MemoryStore()
    old = PartitionState(MemoryStore())
    history = [mail(t=T0), mail("bob@acme.com", ("alice@partner.com",), t=T0 + 10,
                                direction="outbound")]
    run(old, history, 10)
    store.write({k: encode_v1(decode(k[:1], v)) for k, v in old.store.items()
                 if k[:1] != b"\x00"}, {})
    before = {k: decode(k[:1], v) for k, v in store.items()}
    assert before and all(v[0] == 1 for _, v in store.items())

    state = PartitionState(store)
    r = mail(t=T0 + 100)
    snap = state.snapshot(r, facts_of(r))
    assert snap.sender.count == 1 and snap.recipients[0].reverse.count == 1
    assert snap.recipients[0].profile.count == 1
    run(state, [r], 10)

    sender_key = make_key(KIND_SENDER, "acme", "alice@partner.com")
    pair_key = make_key(KIND_PAIR, "acme", "alice@partner.com", "bob@acme.com")
    mailbox_key = make_key(KIND_RECIPIENT, "acme", "bob@acme.com")
    reverse_key = make_key(KIND_PAIR, "acme", "bob@acme.com", "alice@partner.com")
    domain_key = make_key(KIND_DOMAIN, "acme", "partner.com")
    raw = dict(store.items())
    for key in (sender_key, pair_key, mailbox_key, domain_key):
        assert raw[key][0] == LAYOUT_VERSION, key
    assert raw[reverse_key][0] == 1  # untouched: still the old layout, still readable
    assert decode(KIND_PAIR, raw[reverse_key]) == before[reverse_key]
    assert decode(KIND_SENDER, raw[sender_key]).count == 2
    assert decode(KIND_PAIR, raw[pair_key]).count == 2
    assert decode(KIND_RECIPIENT, raw[mailbox_key]).count == 2


def test_recipients_past_the_bound_are_named_but_not_profiled():
    from state.behaviour import MAX_PROFILED_RECIPIENTS

    rcpts = tuple(f"user{i}@acme.com" for i in range(MAX_PROFILED_RECIPIENTS + 5))
    blast = mail("news@partner.com", rcpts, t=T0)
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    run(state, [blast], batch=10)
    keys = stored(state)
    assert len(blast.recipients) == MAX_PROFILED_RECIPIENTS + 5
    assert sum(k[:1] == KIND_PAIR for k in keys) == MAX_PROFILED_RECIPIENTS
    first, last = rcpts[0], rcpts[-1]
    assert make_key(KIND_PAIR, "acme", "news@partner.com", first) in keys
    assert make_key(KIND_PAIR, "acme", "news@partner.com", last) not in keys
    again = mail("news@partner.com", (first, last), t=T0 + 60)
    snap = state.snapshot(again, facts_of(again))
    assert snap.recipients[0].pair is not None and snap.recipients[1].pair is None


def test_held_content_keys_are_make_keys_and_read_back_until_the_window_ends():
    from state.behaviour import held_keys
    from state.profiles import HELD_CONTENT_WINDOW, KIND_HELD

    keys = held_keys("acme", "0:00ff3:abcd", 6)
    assert keys == [make_key(KIND_HELD, "acme", "0:00ff"), make_key(KIND_HELD, "acme", "3:abcd")]
    state = PartitionState(MemoryStore())
    state.remember_held(keys, t=T0, attack_type="spam", message_id="<a@x>",
                        signature=b"\x01" * 128)
    state.remember_held(keys[:1], t=T0 + 60, attack_type="credential_phishing",
                        message_id="<b@x>", signature=b"\x02" * 128)
    state.commit(state.changes(), 1, None)
    fresh = PartitionState(state.store)  # read back from the store, not the batch
    latest, older = fresh.held_content(keys, T0 + 120)
    assert (latest.message_id, latest.attack_type, latest.last_seen) == (
        "<b@x>", "credential_phishing", T0 + 60)
    assert (older.message_id, older.signature) == ("<a@x>", b"\x01" * 128)
    assert fresh.held_content(keys, T0 + 60 + HELD_CONTENT_WINDOW + 1) == []
    assert fresh.held_content(held_keys("globex", "0:00ff", 6), T0 + 120) == []


def test_a_tenant_profile_reads_its_languages_and_ignores_fields_a_later_release_adds():
    import orjson

    profile = TenantProfile(["acme.com"], languages=["en", "pl"])
    value = encode(profile)
    assert decode(KIND_TENANT, value) == profile
    # A rollback from a release that appends a field reads what this one knows.
    newer = value[:1] + orjson.dumps([*profile.to_list(), ["a later field"]])
    assert decode(KIND_TENANT, newer) == profile
    # Without languages (or any list after the base fields) the value is what it was before.
    assert len(orjson.loads(encode(TenantProfile(["acme.com"]))[1:])) == 6

"""Idle profiles leave the store: the expiry sweep (``PartitionState.expire_idle``).

Profiles idle past the decay's expiry already read as absent; the sweep deletes them from
the store and the changelog so neither grows with every address that ever wrote once. What
must hold: it deletes only what reads as absent (the detectors decide the same with and
without it), never what the directory declared, visits every key once per cycle from a
cursor that survives a restart, and a batch that is rolled back deletes nothing.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from detectors import Cascade
from schemas.records import DirectoryEntry
from state import (
    Decay,
    MemoryStore,
    PartitionState,
    RocksDBStore,
    decode,
    default_facts_fn,
    encode,
    make_key,
)
from state.behaviour import EXPIRY_GRACE
from state.profiles import (
    CAMPAIGN_WINDOW,
    HELD_CONTENT_WINDOW,
    KIND_CAMPAIGN,
    KIND_DOMAIN,
    KIND_HELD,
    KIND_PAIR,
    KIND_PERSON,
    KIND_RECIPIENT,
    KIND_SENDER,
    KIND_TENANT,
    CampaignProfile,
    DomainProfile,
    HeldContentProfile,
    PairProfile,
    RecipientProfile,
    SenderProfile,
    encode_v1,
    encode_v2,
    idle_horizon,
    last_seen_of,
)
from state.store import META_EXPIRY_CURSOR
from tests.factories import T0, mail, org_traffic

DAY = 86400.0
EXPIRY = Decay(0.0, 10 * DAY)


def _profiles() -> dict[bytes, object]:
    return {
        KIND_SENDER: SenderProfile(ref=T0, first_seen=T0 - 5, last_seen=T0 + 7.5, count=3.0),
        KIND_RECIPIENT: RecipientProfile(ref=T0, first_seen=T0 - 5, last_seen=T0 + 7.5),
        KIND_PAIR: PairProfile(T0 - 5, T0 + 7.5, 2, 1),
        KIND_DOMAIN: DomainProfile(ref=T0, first_seen=T0 - 5, last_seen=T0 + 7.5),
        KIND_CAMPAIGN: CampaignProfile(T0 - 5, T0 + 7.5, 4, ["a.example"]),
        KIND_HELD: HeldContentProfile(T0 + 7.5, "spam", "<m@x>", b"\x01" * 128),
    }


@pytest.mark.parametrize("kind", [KIND_SENDER, KIND_RECIPIENT, KIND_PAIR, KIND_DOMAIN,
                                  KIND_CAMPAIGN, KIND_HELD])
def test_last_seen_is_read_from_every_layout_without_a_decode(kind):
    profile = _profiles()[kind]
    for value in (encode(profile), encode_v1(profile), encode_v2(profile)):
        assert last_seen_of(kind, value) == T0 + 7.5 == decode(kind, value).last_seen


def test_idle_horizon_by_kind():
    for kind in (KIND_SENDER, KIND_RECIPIENT, KIND_PAIR, KIND_DOMAIN):
        assert idle_horizon(kind, 10 * DAY) == 10 * DAY
        assert idle_horizon(kind, 0.0) is None  # expiry off: they never go idle
    assert idle_horizon(KIND_CAMPAIGN, 10 * DAY) == CAMPAIGN_WINDOW
    assert idle_horizon(KIND_HELD, 10 * DAY) == HELD_CONTENT_WINDOW
    assert idle_horizon(KIND_TENANT, 10 * DAY) is None
    assert idle_horizon(KIND_PERSON, 10 * DAY) is None


def _retimed(records, step: float):
    """``records`` spread ``step`` seconds apart (org_traffic's are 37 s apart)."""
    return [dataclasses.replace(r, received_at=T0 + i * step) for i, r in enumerate(records)]


def _letters(i: int) -> str:
    """A different word for each ``i`` (campaign keys drop digits)."""
    return chr(97 + i % 26) + chr(97 + i // 26 % 26)


def _traffic(n: int = 900, seed: int = 3):
    """Three organisations over ~3 months, plus one-off strangers (the keys that go idle)."""
    base = _retimed(org_traffic(n, seed=seed), 3 * 3600.0)
    out = []
    for i, r in enumerate(base):
        out.append(r)
        if i % 4 == 0:
            out.append(mail(f"once{i}@stranger{i}.example", (f"user{i % 12}@{r.tenant_id}"
                                                             ".example",),
                            tenant=r.tenant_id, t=r.received_at + 1,
                            subject=f"exclusive offer {_letters(i)}",
                            text="one message, never again"))
    return out


def _run(records, *, sweep: bool, budget_per_message: int = 4, batch: int = 40,
         store=None):
    cascade = Cascade(models=None)
    state = PartitionState(store or MemoryStore(), decay=EXPIRY)
    decisions, deleted = [], 0
    for lo in range(0, len(records), batch):
        chunk = records[lo:lo + batch]
        decisions += cascade.score_batch(state, chunk)
        if sweep:
            deleted += state.expire_idle(max(r.received_at for r in chunk),
                                         len(chunk) * budget_per_message)[1]
        state.commit(state.changes(), lo + len(chunk), None)
    return state, decisions, deleted


def test_the_sweep_deletes_only_what_reads_as_absent():
    records = _traffic()
    kept, without, _ = _run(records, sweep=False)
    swept, with_sweep, deleted = _run(records, sweep=True)
    assert deleted > 200
    # The heuristics decide the same for every message, hit for hit.
    assert [(d.action, d.attack_type, d.hits) for d in with_sweep] == \
        [(d.action, d.attack_type, d.hits) for d in without]
    before, after = _profiles_of(kept.store), _profiles_of(swept.store)
    assert set(after) < set(before)
    now = records[-1].received_at
    for key in set(before) - set(after):  # each deleted key was long idle at the end
        horizon = idle_horizon(key[:1], EXPIRY.idle_expiry)
        assert horizon is not None
        assert now - last_seen_of(key[:1], before[key]) > horizon + EXPIRY_GRACE
    assert {k[:1] for k in set(before) - set(after)} >= {KIND_SENDER, KIND_PAIR, KIND_CAMPAIGN}
    for key, value in after.items():  # what stayed is byte-equal
        assert before[key] == value


def _profiles_of(store) -> dict[bytes, bytes]:
    return {k: v for k, v in store.items() if k[:1] != b"\x00"}


def test_deletions_are_changelog_tombstones_of_the_batch():
    state = PartitionState(MemoryStore(), decay=EXPIRY)
    cascade = Cascade(models=None)
    old = mail("once@stranger.example", ("bob@acme.com",), t=T0, subject="offer")
    cascade.score_batch(state, [old])
    state.commit(state.changes(), 1, None)
    key = make_key(KIND_SENDER, "acme", "once@stranger.example")
    assert state.store.get_many([key])[0] is not None
    later = mail("alice@partner.com", ("bob@acme.com",), t=T0 + 40 * DAY)
    cascade.score_batch(state, [later])
    visited, deleted, wrapped = state.expire_idle(later.received_at, 1000)
    changes = state.changes()
    assert wrapped and deleted >= 3 and visited >= deleted
    assert changes[key] is None  # a tombstone, produced with the batch
    assert changes[make_key(KIND_SENDER, "acme", "alice@partner.com")] is not None
    state.commit(changes, 2, None)
    assert state.store.get_many([key])[0] is None


def test_a_rolled_back_batch_deletes_nothing_and_keeps_its_cursor():
    state = PartitionState(MemoryStore(), decay=EXPIRY)
    cascade = Cascade(models=None)
    cascade.score_batch(state, [mail("once@stranger.example", t=T0)])
    state.commit(state.changes(), 1, None)
    before = dict(state.store.items())
    cascade.score_batch(state, [mail("alice@partner.com", t=T0 + 40 * DAY)])
    assert state.expire_idle(T0 + 40 * DAY, 1000)[1] > 0
    state.rollback()
    assert dict(state.store.items()) == before
    assert state.store.get_meta_bytes(META_EXPIRY_CURSOR) is None
    again = mail("once@stranger.example", t=T0 + 1)
    assert state.snapshot(again, default_facts_fn()(again)).sender is not None


def _pairs_seen_by_the_sweep(store, count: int, *, tenant: bool = False
                             ) -> tuple[dict[bytes, bytes], list[bytes]]:
    """Write ``count`` live pairs (and the tenant) to ``store``; record every key it scans."""
    puts = {make_key(KIND_PAIR, "acme", f"s{i:03d}@x.example", "bob@acme.com"):
            encode(PairProfile(T0, T0, 1, 0)) for i in range(count)}
    if tenant:
        puts[make_key(KIND_TENANT, "acme", "")] = encode(_tenant())
    store.write(puts, {})
    seen: list[bytes] = []
    original = store.scan

    def recording(start: bytes, limit: int):
        out = original(start, limit)
        seen.extend(k for k, _ in out)
        return out

    store.scan = recording
    return puts, seen


def test_every_key_is_visited_once_a_cycle_and_a_restart_resumes(tmp_path):
    store = RocksDBStore(tmp_path / "db")
    state = PartitionState(store, decay=EXPIRY)
    puts, seen = _pairs_seen_by_the_sweep(store, 100, tenant=True)
    for n in range(4):  # 4 slices of 30 keys: the 4th reaches the end
        _, deleted, wrapped = state.expire_idle(T0 + DAY, 30)
        assert deleted == 0 and wrapped == (n == 3)
        state.commit(state.changes(), n + 1, None)
        if n == 1:  # a restart: a new PartitionState over the same store
            state = PartitionState(store, decay=EXPIRY)
    assert sorted(seen) == sorted(puts) and len(seen) == len(set(seen))
    assert store.get_meta_bytes(META_EXPIRY_CURSOR) == b"\x01"
    store.close()
    from stream.inspect import stats

    shown = stats(tmp_path)["db"]
    assert shown["expiry_sweep_at"] == "start" and shown["tenants_being_erased"] == []


def test_batches_between_two_commits_sweep_the_next_slices_not_the_same_one():
    # The engine commits every few scoring batches (Engine._commit); each batch sweeps on
    # from the one before, and a rollback takes the cursor back to the committed one.
    store = MemoryStore()
    state = PartitionState(store, decay=EXPIRY)
    puts, seen = _pairs_seen_by_the_sweep(store, 80)
    wrapped = [state.expire_idle(T0 + DAY, 30)[2] for _ in range(3)]  # no commit between
    assert wrapped == [False, False, True]  # the third slice is short: the end was reached
    assert sorted(seen) == sorted(puts) and len(seen) == len(set(seen))
    state.rollback()
    seen.clear()
    state.expire_idle(T0 + DAY, 30)
    assert seen == sorted(puts)[:30]


def _tenant():
    from state import TenantProfile

    return TenantProfile(own_domains=["acme.com"])


def test_off_without_idle_expiry():
    state = PartitionState(MemoryStore(), decay=Decay(90 * DAY, 0.0))
    Cascade(models=None).score_batch(state, [mail("once@stranger.example", t=T0)])
    state.commit(state.changes(), 1, None)
    assert state.expire_idle(T0 + 5000 * DAY, 1000) == (0, 0, False)


def test_directory_people_vendors_and_the_tenant_never_expire():
    state = PartitionState(MemoryStore(), decay=EXPIRY)
    state.apply_directory(DirectoryEntry("acme", "vendor", domain="supplies.example"),
                          display_key="", domain="supplies.example")
    state.apply_directory(DirectoryEntry("acme", "person", address="ceo@acme.com",
                                         display_name="Jane Boss", vip=True),
                          display_key="jane boss", domain="acme.com")
    state.commit(state.changes(), 1, None)
    before = dict(state.store.items())
    later = mail("alice@partner.com", ("bob@acme.com",), t=T0 + 3000 * DAY)
    Cascade(models=None).score_batch(state, [later])
    state.expire_idle(later.received_at, 1000)
    state.commit(state.changes(), 2, None)
    for key in before:
        assert state.store.get_many([key])[0] is not None


def test_a_directory_vendor_is_known_under_the_engines_idle_expiry():
    # Before: stored with last_seen 0, so any idle expiry (the engine's default is 400 days)
    # read the vendor as absent until it had written.
    state = PartitionState(MemoryStore(), decay=Decay(90 * DAY, 400 * DAY))
    state.apply_directory(DirectoryEntry("acme", "vendor", domain="supplies.example"),
                          display_key="", domain="supplies.example")
    state.commit(state.changes(), 1, None)
    msg = mail("billing@supplies.example", ("bob@acme.com",), t=T0)
    facts = default_facts_fn()(msg)
    domain = state.snapshot(msg, facts).domain
    assert domain is not None and domain.known_vendor
    state.observe(msg, facts, state.snapshot(msg, facts))
    state.commit(state.changes(), 2, None)
    later = dataclasses.replace(msg, received_at=T0 + 900 * DAY)
    domain = state.snapshot(later, facts).domain
    assert domain is not None and domain.known_vendor and domain.last_seen == math.inf


def test_a_directory_vendor_stored_by_an_older_build_is_mended_when_applied_again():
    state = PartitionState(MemoryStore(), decay=Decay(90 * DAY, 400 * DAY))
    key = make_key(KIND_DOMAIN, "acme", "supplies.example")
    state.store.write({key: encode(DomainProfile(ref=0.0, first_seen=0.0, last_seen=0.0,
                                                 payment_threads=1))}, {})
    state.apply_directory(DirectoryEntry("acme", "vendor", domain="supplies.example"),
                          display_key="", domain="supplies.example")
    assert state.changes()[key] is not None
    state.commit(state.changes(), 1, None)
    assert decode(KIND_DOMAIN, state.store.get_many([key])[0]).last_seen == math.inf


def test_a_weight_beyond_float_range_rebases_instead_of_raising():
    # A directory vendor's profile has ref 0; with a one-day half-life its first mail is
    # ~20,000 half-lives later, and math.pow raised OverflowError mid-batch.
    decay = Decay(DAY, 0.0)
    assert decay.weight(T0, 0.0) == math.inf
    state = PartitionState(MemoryStore(), decay=decay)
    state.apply_directory(DirectoryEntry("acme", "vendor", domain="supplies.example"),
                          display_key="", domain="supplies.example")
    state.commit(state.changes(), 1, None)
    msg = mail("billing@supplies.example", ("bob@acme.com",), t=T0)
    Cascade(models=None).score_batch(state, [msg])
    state.commit(state.changes(), 2, None)
    domain = state.snapshot(msg, default_facts_fn()(msg)).domain
    assert domain is not None and domain.known_vendor
    assert state.snapshot(msg, default_facts_fn()(msg)).decayed(domain.count, domain.ref,
                                                                 T0) == pytest.approx(1.0)


def test_one_record_dated_years_ahead_cannot_make_the_sweep_delete_everything():
    from stream.engine import sweep_clock

    wall = T0 + 100 * DAY
    assert sweep_clock(T0 + 40 * DAY, wall) == T0 + 40 * DAY  # replayed mail: its own time
    assert sweep_clock(T0 + 9000 * DAY, wall) == wall + DAY  # a broken clock upstream
    state = PartitionState(MemoryStore(), decay=EXPIRY)
    Cascade(models=None).score_batch(state, [mail("alice@partner.com", t=wall - DAY)])
    state.commit(state.changes(), 1, None)
    assert state.expire_idle(sweep_clock(T0 + 9000 * DAY, wall), 1000)[1] == 0


def test_state_show_prints_a_directory_vendor(tmp_path):
    from stream.inspect import show_profile

    store = RocksDBStore(tmp_path / "p0")
    state = PartitionState(store, decay=EXPIRY)
    state.apply_directory(DirectoryEntry("acme", "vendor", domain="supplies.example"),
                          display_key="", domain="supplies.example")
    msg = mail("billing@supplies.example", ("bob@acme.com",), t=T0)
    Cascade(models=None).score_batch(state, [msg])
    state.commit(state.changes(), 1, None)
    store.close()
    (found,) = show_profile(tmp_path, "acme", "domain", "supplies.example", 0.0)
    doc = found["profile"]
    assert doc["last_seen"] is None and doc["payment_threads"] == 1
    assert doc["count"] == 1.0 and doc["n_senders"] == 1


@pytest.mark.parametrize("cache_entries", [100_000, 50])
def test_where_commits_fall_changes_no_decision_and_no_live_profile(cache_entries):
    # The engine commits every few scoring batches (Engine._commit) and settles between;
    # the same stream committed every batch must decide the same and store the same
    # profiles, with a cache small enough to evict between commits. Which idle profiles
    # the sweep has reached by the end may differ (its slices read the committed store).
    records = _traffic()

    def run(every: int):
        cascade = Cascade(models=None)
        state = PartitionState(MemoryStore(), decay=EXPIRY, cache_entries=cache_entries)
        decisions, deleted = [], 0
        for lo in range(0, len(records), 40):
            chunk = records[lo:lo + 40]
            decisions += cascade.score_batch(state, chunk)
            deleted += state.expire_idle(chunk[-1].received_at, len(chunk) * 4)[1]
            if (lo // 40 + 1) % every == 0 or lo + 40 >= len(records):
                state.commit(state.changes(), lo + len(chunk), None)
            else:
                state.settle()
        return [(d.action, d.attack_type, d.score, d.hits) for d in decisions], \
            _profiles_of(state.store), deleted

    every_batch, stored, deleted = run(1)
    assert deleted > 100
    decisions, stored_7, deleted_7 = run(7)
    assert decisions == every_batch and deleted_7 > 100
    now = records[-1].received_at
    for key in set(stored) ^ set(stored_7):  # swept in one run, not yet in the other
        value = stored.get(key) or stored_7[key]
        horizon = idle_horizon(key[:1], EXPIRY.idle_expiry)
        assert horizon is not None
        assert now - last_seen_of(key[:1], value) > horizon + EXPIRY_GRACE, key
    assert all(stored[k] == stored_7[k] for k in set(stored) & set(stored_7))

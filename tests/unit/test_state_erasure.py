"""Forgetting an address or a tenant (``erase_address`` / ``erase_tenant`` directory entries).

A person's erasure request and an organisation that leaves: after the batch that applies it,
nothing in the tenant's state names the address (keys and values), other tenants' state is
byte-equal, the batch carries tombstones and rewritten values for the changelog, and a
second request changes nothing.
"""

from __future__ import annotations

import pytest

from detectors import Cascade
from schemas import DirectoryEntry, SchemaError
from state import MemoryStore, PartitionState
from state.profiles import SEP
from tests.factories import T0, mail

ADDRESS = "pat@partner.example"


def _profiles(state: PartitionState) -> dict[bytes, bytes]:
    return {k: v for k, v in state.store.items() if k[:1] != b"\x00"}


def _tenant_of(key: bytes) -> str:
    return key[1:].split(SEP.encode(), 1)[0].decode()


def _mentions(key: bytes, value: bytes, address: str = ADDRESS) -> bool:
    return address.encode() in key or address.encode() in value


def _state() -> PartitionState:
    """Two tenants that both correspond with ``ADDRESS``; in acme it is also a person (a
    contractor in the directory), a blocked sender, and a correspondent of three mailboxes."""
    state = PartitionState(MemoryStore())
    cascade = Cascade(models=None)
    state.apply_directory(DirectoryEntry("acme", "person", ADDRESS, "Pat Partner"),
                          display_key="pat partner", domain="partner.example")
    state.apply_directory(DirectoryEntry("acme", "person", "ann@acme.com", "Ann Able"),
                          display_key="ann able", domain="acme.com")
    state.commit(state.changes(), 0, None)
    records = []
    for i, tenant in enumerate(("acme", "globex") * 6):
        own = "acme.com" if tenant == "acme" else "globex.com"
        staff = [f"{name}@{own}" for name in ("ann", "bob", "cy")]
        t = T0 + i * 3600.0
        records.append(mail(ADDRESS, (staff[i % 3],), tenant=tenant, t=t, name="Pat Partner",
                            subject=f"invoice {i}", text="see the attached invoice"))
        records.append(mail(staff[i % 3], (ADDRESS,), tenant=tenant, direction="outbound",
                            t=t + 60, subject=f"re: invoice {i}", text="thanks, paid"))
        records.append(mail("other@vendor.example", (staff[(i + 1) % 3],), tenant=tenant,
                            t=t + 120, subject="delivery note", text="your parcel"))
    cascade.score_batch(state, records)
    state.apply_directory(DirectoryEntry("acme", "blocked_sender", ADDRESS),
                          display_key="", domain="")
    state.commit(state.changes(), len(records), None)
    return state


def test_an_erased_address_is_nowhere_in_its_tenants_state_and_untouched_elsewhere():
    state = _state()
    before = _profiles(state)
    assert sum(_mentions(k, v) for k, v in before.items() if _tenant_of(k) == "acme") >= 8
    changed = state.erase_address("acme", "Pat@Partner.example")  # addresses are lower-cased
    changes = state.changes()
    state.commit(changes, 100, None)
    after = _profiles(state)
    assert not any(_mentions(k, v) for k, v in after.items() if _tenant_of(k) == "acme")
    for key, value in before.items():
        if _tenant_of(key) != "acme" or not _mentions(key, value):
            assert after.get(key) == value, key  # other tenants, and what did not name it
    assert any(_mentions(k, v) for k, v in after.items() if _tenant_of(k) == "globex")
    # The batch's changelog records: tombstones and rewritten values, one per changed key.
    assert changed == len(changes)
    deleted = {k for k, v in changes.items() if v is None}
    assert deleted == {k for k in before if k not in after}
    # Its sender profile, its pairs both ways, the person it was (no other address left).
    assert {k[:1] for k in deleted} == {b"S", b"P", b"N"}
    rewritten = {k[:1] for k, v in changes.items() if v is not None}
    assert rewritten == {b"R", b"T"}  # mailboxes' correspondents, the blocked senders


def test_an_erased_employee_loses_the_mailbox_too():
    state = _state()
    before = _profiles(state)
    assert any(k[:1] == b"R" and b"ann@acme.com" in k for k in before)
    state.erase_address("acme", "ann@acme.com")
    state.commit(state.changes(), 100, None)
    assert not any(_mentions(k, v, "ann@acme.com") for k, v in _profiles(state).items()
                   if _tenant_of(k) == "acme")


def test_erasing_twice_changes_nothing_the_second_time():
    state = _state()
    state.erase_address("acme", ADDRESS)
    state.commit(state.changes(), 100, None)
    before = _profiles(state)
    assert state.erase_address("acme", ADDRESS) == 0
    assert state.changes() == {}
    assert _profiles(state) == before


def test_an_erasure_sees_what_its_own_batch_created_and_rollback_forgets_it():
    state = _state()
    before = _profiles(state)
    state.apply_directory(DirectoryEntry("acme", "person", "zoe@acme.com", "Zoe Zed"),
                          display_key="zoe zed", domain="acme.com")
    Cascade(models=None).score_batch(state, [mail("zoe@acme.com", ("ann@acme.com",),
                                                  tenant="acme", direction="internal",
                                                  t=T0 + 99 * 3600.0)])
    state.erase_address("acme", "zoe@acme.com")
    assert not any(b"zoe@acme.com" in k for k, v in state.changes().items() if v is not None)
    state.rollback()
    assert _profiles(state) == before


def test_an_erased_tenant_leaves_nothing_and_the_others_are_byte_equal():
    state = _state()
    before = _profiles(state)
    changed = state.erase_tenant("acme")
    state.commit(state.changes(), 100, None)
    after = _profiles(state)
    assert changed == sum(_tenant_of(k) == "acme" for k in before) > 20
    assert after == {k: v for k, v in before.items() if _tenant_of(k) != "acme"}
    assert state.erase_tenant("acme") == 0


def test_a_tenant_whose_name_extends_another_is_not_erased_with_it():
    state = PartitionState(MemoryStore())
    Cascade(models=None).score_batch(state, [
        mail("a@x.example", ("b@acme.com",), tenant="acme", t=T0),
        mail("a@x.example", ("b@acme.com",), tenant="acme2", t=T0)])
    state.commit(state.changes(), 2, None)
    state.erase_tenant("acme")
    state.commit(state.changes(), 3, None)
    assert {_tenant_of(k) for k in _profiles(state)} == {"acme2"}


def test_directory_erasure_entries_are_validated():
    entry = DirectoryEntry.from_dict({"schema_version": 1, "tenant_id": "acme",
                                      "kind": "erase_address", "address": "Pat@X.example"})
    assert entry.address == "pat@x.example"
    assert DirectoryEntry.from_dict({"schema_version": 1, "tenant_id": "acme",
                                     "kind": "erase_tenant"}).kind == "erase_tenant"
    with pytest.raises(SchemaError) as err:
        DirectoryEntry.from_dict({"schema_version": 1, "tenant_id": "acme",
                                  "kind": "erase_address"})
    assert err.value.field == "address"


def test_apply_directory_routes_erasures():
    state = _state()
    state.apply_directory(DirectoryEntry("acme", "erase_address", ADDRESS), display_key="",
                          domain="partner.example")
    state.commit(state.changes(), 100, None)
    assert not any(_mentions(k, v) for k, v in _profiles(state).items()
                   if _tenant_of(k) == "acme")


def test_a_large_tenant_is_erased_a_chunk_per_batch_and_a_restart_carries_on(tmp_path):
    from state import RocksDBStore
    from state.store import META_ERASING

    store = RocksDBStore(tmp_path / "db")
    state = PartitionState(store)
    Cascade(models=None).score_batch(state, [
        mail(f"s{i}@x{i % 7}.example", (f"u{i % 5}@acme.com",), tenant="acme", t=T0 + i)
        for i in range(120)] + [mail("a@b.example", ("c@globex.com",), tenant="globex",
                                     t=T0)])
    state.commit(state.changes(), 121, None)
    acme = {k for k in _profiles(state) if _tenant_of(k) == "acme"}
    globex = {k: v for k, v in _profiles(state).items() if _tenant_of(k) == "globex"}
    assert len(acme) > 250
    first = state.continue_erasures(0)  # nothing pending: nothing to do
    assert first == 0 and not state.erasing
    state._pending_erasures()["acme"] = ""  # as erase_tenant does, with a small chunk:
    deleted = [state.continue_erasures(100)]
    state.commit(state.changes(), 121, None)
    assert state.erasing and deleted == [100] and state.tenants_being_erased == ("acme",)
    assert store.get_meta_bytes(META_ERASING) is not None
    store.close()
    from stream.inspect import stats

    assert stats(tmp_path)["db"]["tenants_being_erased"] == ["acme"]
    store = RocksDBStore(tmp_path / "db")  # a restart in the middle
    state = PartitionState(store)
    assert state.erasing
    while state.erasing:
        deleted.append(state.continue_erasures(100))
        state.commit(state.changes(), 121, None)
    assert sum(deleted) == len(acme)
    assert _profiles(state) == globex
    assert max(deleted) == 100 and len(deleted) == -(-len(acme) // 100)
    store.close()


def test_a_rolled_back_batch_leaves_the_erasure_where_it_was():
    state = _state()
    before = _profiles(state)
    state.erase_tenant("acme")
    assert not state.erasing  # a small tenant goes in one chunk
    state.rollback()
    assert _profiles(state) == before and not state.erasing
    state._pending_erasures()["acme"] = ""
    state.continue_erasures(5)
    state.rollback()
    assert not state.erasing  # the committed list had no erasure


def test_a_worker_restoring_the_changelog_mid_erasure_carries_it_on():
    from stream.changelog import MARKER_KEY, PartitionRestore

    state = PartitionState(MemoryStore())
    Cascade(models=None).score_batch(state, [
        mail(f"s{i}@x.example", ("u@acme.com",), tenant="acme", t=T0 + i) for i in range(60)]
        + [mail("a@b.example", ("c@globex.com",), tenant="globex", t=T0)])
    log = [state.changes()]  # what the changelog receives, batch by batch
    state.commit(log[-1], 61, None)
    state.erase_tenant("acme", limit=25)
    log.append(state.changes())
    state.commit(log[-1], 61, None)
    assert state.erasing
    # A worker on an empty disk restores the changelog so far, then goes on alone.
    other = PartitionState(MemoryStore())
    restore = PartitionRestore("changelog", 0, other)
    offset = 0
    for batch in log:
        for key, value in batch.items():
            restore.feed(key, value, offset)
            offset += 1
        restore.feed(MARKER_KEY, (61).to_bytes(8, "big", signed=True), offset)
        offset += 1
    restore.finish()
    assert other.erasing
    while other.erasing:
        other.continue_erasures(25)
        other.commit(other.changes(), 61, None)
    while state.erasing:
        state.continue_erasures(25)
        state.commit(state.changes(), 61, None)
    assert _profiles(other) == _profiles(state)
    assert {_tenant_of(k) for k in _profiles(other)} == {"globex"}

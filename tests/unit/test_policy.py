"""The tenant's sender policy: blocked and allowed senders, phishing simulations.

Each test states a rule a security team relies on: what a rule lets through, what it never
lets through, and that a policy neither teaches the state from a simulation nor reaches
another tenant.
"""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from detectors import Cascade
from schemas import DirectoryEntry, SchemaError, decode_directory
from schemas.records import Attachment
from state import NO_DECAY, MemoryStore, PartitionState, TenantProfile, decode, encode, make_key
from state.profiles import KIND_TENANT
from tests.factories import T0, mail

TENANT_KEY = make_key(KIND_TENANT, "acme", "")


class _Fixed:
    """A model runner that gives every message one attack type and probability."""

    def __init__(self, attack: str = "spam", probability: float = 0.95) -> None:
        self.version = "fixed"
        self.thresholds = {"default": {"warn": 0.5, "quarantine": 0.9, "block": 0.99,
                                       "corroborate": 0.9}}
        self.attack, self.probability = attack, probability

    def score(self, assessments):
        for a in assessments:
            a.model_verdict = (self.attack, self.probability)


def _rule(state: PartitionState, kind: str, tenant: str = "acme", **fields) -> None:
    entry = DirectoryEntry.from_dict({"schema_version": 1, "tenant_id": tenant, "kind": kind,
                                      **fields})
    state.apply_directory(entry, display_key="", domain="")


def _state() -> PartitionState:
    return PartitionState(MemoryStore(), decay=NO_DECAY)


def _newsletter(sender: str = "news@mail.partner.example", *, dmarc: str = "pass",
                t: float = T0, **kw):
    return mail(sender, ("carl@acme.com",), t=t, subject="Our spring offers",
                text="See this month's offers.", auth=("pass", "pass", dmarc), **kw)


def _policy_hit(decision) -> dict:
    (found,) = [h for h in decision.hits if h.detector in ("allowed_sender",
                                                            "phish_simulation")]
    assert found.score == 0.0 and found.attack_type == "none"
    return found.evidence


# ----------------------------------------------------------------- directory entries


@pytest.mark.parametrize(("doc", "error"), [
    ({"kind": "allowed_sender"}, "either 'address'"),
    ({"kind": "allowed_sender", "address": "a@x.example", "domain": "x.example"}, "not both"),
    ({"kind": "allowed_sender", "address": "x.example"}, "must be a mailbox"),
    ({"kind": "blocked_sender", "domain": "localhost"}, "domain name"),
    ({"kind": "phish_simulation", "domain": "sim.example"}, "networks"),
    ({"kind": "phish_simulation", "domain": "sim.example", "networks": []}, "networks"),
    ({"kind": "phish_simulation", "domain": "sim.example", "networks": ["10.0.0.0/8"]},
     "wider than /16"),
    ({"kind": "phish_simulation", "domain": "sim.example", "networks": ["2001:db8::/32"]},
     "wider than /48"),
    ({"kind": "phish_simulation", "domain": "sim.example", "networks": ["not-an-ip"]},
     "networks[0]"),
    ({"kind": "phish_simulation", "networks": ["192.0.2.1"]}, "needs 'domain'"),
    ({"kind": "cleared_phish_simulation"}, "needs 'domain'"),
])
def test_policy_entries_are_validated_with_a_clear_error(doc, error):
    with pytest.raises(SchemaError, match=error.replace("[", r"\[").replace("]", r"\]")):
        decode_directory(orjson.dumps({"schema_version": 1, "tenant_id": "acme", **doc}))


def test_a_simulation_entrys_networks_are_kept_canonical():
    entry = decode_directory(orjson.dumps({
        "schema_version": 1, "tenant_id": "acme", "kind": "phish_simulation",
        "domain": "Sim.Example.", "networks": ["192.0.2.77/24", "198.51.100.5", "192.0.2.0/24"]}))
    assert entry.domain == "sim.example"
    assert entry.networks == ("192.0.2.0/24", "198.51.100.5/32")
    assert DirectoryEntry.from_dict(entry.to_dict()) == entry


# ----------------------------------------------------------------- the tenant's lists


def test_policy_lists_are_idempotent_and_cleared_and_old_values_read_as_empty():
    state = _state()
    _rule(state, "allowed_sender", domain="partner.example")
    _rule(state, "blocked_sender", domain="evil.example")
    _rule(state, "phish_simulation", domain="sim.example", networks=["192.0.2.0/24"])
    changed = state.changes()
    state.commit(changed, 1, None)
    profile = decode(KIND_TENANT, changed[TENANT_KEY])
    assert (profile.allowed_senders, profile.blocked_senders, profile.simulations) == (
        ["partner.example"], ["evil.example"], [["sim.example", ["192.0.2.0/24"], 0.0]])
    for kind, fields in [("allowed_sender", {"domain": "partner.example"}),
                         ("blocked_sender", {"domain": "evil.example"}),
                         ("phish_simulation", {"domain": "sim.example",
                                               "networks": ["192.0.2.0/24"]}),
                         ("cleared_allowed_sender", {"domain": "other.example"})]:
        _rule(state, kind, **fields)  # the same state again: no rewrite
        assert TENANT_KEY not in state.changes()
    _rule(state, "phish_simulation", domain="sim.example", networks=["198.51.100.0/24"])
    _rule(state, "cleared_allowed_sender", domain="partner.example")
    _rule(state, "cleared_sender", domain="evil.example")
    profile = decode(KIND_TENANT, state.changes()[TENANT_KEY])
    assert (profile.allowed_senders, profile.blocked_senders, profile.simulations) == (
        [], [], [["sim.example", ["198.51.100.0/24"], 0.0]])  # a domain given again: replaced
    _rule(state, "cleared_phish_simulation", domain="sim.example")
    assert decode(KIND_TENANT, state.changes()[TENANT_KEY]).simulations == []
    old = encode(TenantProfile(["acme.com"]))[:1] + b'[["acme.com"],[],["x@y.example"]]'
    assert decode(KIND_TENANT, old) == TenantProfile(["acme.com"], [], ["x@y.example"], [], [])


def test_erasing_an_address_removes_it_from_the_allow_list_too():
    state = _state()
    _rule(state, "allowed_sender", address="ceo.assistant@partner.example")
    _rule(state, "allowed_sender", domain="partner.example")
    state.commit(state.changes(), 1, None)
    _rule(state, "erase_address", address="ceo.assistant@partner.example")
    profile = decode(KIND_TENANT, state.changes()[TENANT_KEY])
    assert profile.allowed_senders == ["partner.example"]


# ----------------------------------------------------------------- allowed senders


def test_an_authenticated_allowed_domain_is_let_through_with_the_detection_kept():
    cascade, state = Cascade(models=_Fixed("spam", 0.95)), _state()
    held = cascade.score_batch(state, [_newsletter(t=T0)])[0]
    assert (held.action, held.attack_type) == ("quarantine", "spam")
    _rule(state, "allowed_sender", domain="partner.example")
    d = cascade.score_batch(state, [_newsletter(t=T0 + 60)])[0]
    assert (d.action, d.decided_by, d.attack_type, d.score) == ("allow", "policy", "spam", 0.95)
    assert _policy_hit(d) == {"rule": "allowed_sender", "matched": "partner.example",
                              "applied": True, "overrode": "quarantine"}
    assert d.hits[0].detector == "allowed_sender"  # the evidence that decided comes first


def test_an_allowed_address_matches_that_address_only():
    cascade, state = Cascade(models=_Fixed()), _state()
    _rule(state, "allowed_sender", address="news@mail.partner.example")
    d, other = cascade.score_batch(state, [_newsletter(), _newsletter("x@mail.partner.example",
                                                                      t=T0 + 1)])
    assert (d.action, _policy_hit(d)["matched"]) == ("allow", "address")
    assert other.action == "quarantine"
    assert not any(h.detector == "allowed_sender" for h in other.hits)


@pytest.mark.parametrize(("auth", "return_path", "applies"), [
    (("pass", "pass", "pass"), "", True),
    (("pass", "pass", "fail"), "", False),  # a DMARC failure: the From is forged
    (("pass", "", ""), "bounce@mail.partner.example", True),  # SPF pass, aligned return-path
    (("pass", "", "none"), "bounce@esp.example", False),  # SPF of someone else's domain
    (("", "pass", ""), "", False),  # DKIM pass alone: the signing domain is not known
    (("softfail", "", ""), "bounce@partner.example", False),
])
def test_an_allow_needs_the_message_authenticated_as_its_domain(auth, return_path, applies):
    cascade, state = Cascade(models=_Fixed()), _state()
    _rule(state, "allowed_sender", domain="partner.example")
    message = dataclasses.replace(_newsletter(), auth=type(_newsletter().auth)(*auth),
                                  return_path=return_path)
    d = cascade.score_batch(state, [message])[0]
    evidence = _policy_hit(d)
    assert evidence["applied"] is applies
    if applies:
        assert (d.action, d.decided_by) == ("allow", "policy")
    else:
        assert evidence["refused"] == "not_authenticated"
        assert (d.action, d.decided_by) == ("quarantine", "model")


def test_an_allow_never_lets_through_malware_a_block_score_or_an_analysts_block():
    state = _state()
    _rule(state, "allowed_sender", domain="partner.example")
    malware = Cascade(models=_Fixed("malware", 0.95)).score_batch(
        state, [dataclasses.replace(_newsletter(), attachments=(
            Attachment("invoice.exe", "application/octet-stream", 40_000),))])[0]
    assert malware.action == "quarantine" and _policy_hit(malware)["refused"] == "malware"
    certain = Cascade(models=_Fixed("credential_phishing", 0.995)).score_batch(
        state, [_newsletter(t=T0 + 1)])[0]
    assert certain.action == "block" and _policy_hit(certain)["refused"] == "high_confidence"
    _rule(state, "blocked_sender", address="news@mail.partner.example")
    blocked = Cascade(models=_Fixed("spam", 0.1)).score_batch(state, [_newsletter(t=T0 + 2)])[0]
    assert (blocked.action, blocked.decided_by) == ("quarantine", "decisive")
    assert _policy_hit(blocked)["refused"] == "blocked"


def test_allow_rules_naming_anyone_are_ignored():
    cascade, state = Cascade(models=_Fixed()), _state()
    _rule(state, "allowed_sender", domain="gmail.com")  # free mail: anyone has an account
    _rule(state, "allowed_sender", domain="co.uk")  # a public suffix
    for sender in ("someone@gmail.com", "x@anything.co.uk"):
        d = cascade.score_batch(state, [_newsletter(sender)])[0]
        assert d.action == "quarantine" and d.decided_by == "model"
        assert not any(h.detector == "allowed_sender" for h in d.hits)


def test_a_policy_is_its_tenants_alone():
    cascade, state = Cascade(models=_Fixed()), _state()
    _rule(state, "allowed_sender", domain="partner.example")
    _rule(state, "phish_simulation", domain="sim.example", networks=["192.0.2.0/24"])
    d_acme, d_other, sim_other = cascade.score_batch(state, [
        _newsletter(), dataclasses.replace(_newsletter(t=T0 + 1), tenant_id="other"),
        mail("it@sim.example", ("x@other.example",), tenant="other", client_ip="192.0.2.9")])
    assert d_acme.decided_by == "policy"
    assert (d_other.action, d_other.decided_by) == ("quarantine", "model")
    assert sim_other.decided_by == "model"


# ----------------------------------------------------------------- blocked domains


def test_a_blocked_domain_holds_its_subdomains_but_not_a_lookalike_suffix():
    cascade, state = Cascade(models=_Fixed("spam", 0.01)), _state()
    _rule(state, "blocked_sender", domain="evil.example")
    _rule(state, "blocked_sender", domain="co.uk")  # a public suffix: ignored
    sub, exact, suffix, couk = cascade.score_batch(state, [
        _newsletter("a@mx.evil.example"), _newsletter("b@evil.example", t=T0 + 1),
        _newsletter("c@notevil.example", t=T0 + 2), _newsletter("d@shop.co.uk", t=T0 + 3)])
    for d in (sub, exact):
        assert (d.action, d.decided_by) == ("quarantine", "decisive")
        blocked = next(h for h in d.hits if h.detector == "blocked_sender")
        assert blocked.evidence["matched"] == "evil.example"
    assert suffix.action == "allow" and couk.action == "allow"


# ----------------------------------------------------------------- phishing simulations


def _simulation(t: float = T0, ip: str = "192.0.2.40", sender: str = "it-security@sim.example"):
    return mail(sender, ("carl@acme.com", "dana@acme.com"), t=t, client_ip=ip,
                name="Anna Berg", subject="Your password expires today",
                text="Sign in at the link to keep your account.",
                urls=("http://login-check.sim.example/a?u=carl",))


def test_a_simulation_from_its_network_passes_and_teaches_the_state_nothing():
    cascade = Cascade(models=_Fixed("credential_phishing", 0.999))
    state = _state()
    _rule(state, "phish_simulation", domain="sim.example", networks=["192.0.2.0/24"])
    first, second = cascade.score_batch(state, [_simulation(), _simulation(T0 + 60)])
    for d in (first, second):
        assert (d.action, d.decided_by, d.attack_type) == ("allow", "policy",
                                                           "credential_phishing")
        assert _policy_hit(d) == {"rule": "phish_simulation", "matched": "sim.example",
                                  "applied": True, "overrode": "block"}
    # The second saw no relationship made by the first: simulations teach nothing.
    snap = state.snapshot(_simulation(T0 + 120), _facts(_simulation(T0 + 120)))
    assert all(r.pair is None for r in snap.recipients)
    assert snap.sender is not None and snap.sender.flagged == 0


def test_a_simulations_domain_from_another_network_is_judged_as_any_mail():
    cascade = Cascade(models=_Fixed("credential_phishing", 0.95))
    state = _state()
    _rule(state, "phish_simulation", domain="sim.example", networks=["192.0.2.0/24"])
    spoofed, no_ip, other_domain = cascade.score_batch(state, [
        _simulation(ip="203.0.113.5"), _simulation(T0 + 1, ip=""),
        _simulation(T0 + 2, sender="x@sim-example.com")])
    for d in (spoofed, no_ip, other_domain):
        assert (d.action, d.decided_by) == ("quarantine", "model")
        assert not any(h.detector == "phish_simulation" for h in d.hits)


def test_a_simulation_wins_over_a_block_of_its_sender():
    cascade = Cascade(models=_Fixed("credential_phishing", 0.95))
    state = _state()
    _rule(state, "blocked_sender", address="it-security@sim.example")
    _rule(state, "phish_simulation", domain="sim.example", networks=["192.0.2.40"])
    d = cascade.score_batch(state, [_simulation()])[0]
    assert (d.action, d.decided_by) == ("allow", "policy")


def _facts(record):
    from detectors.features import extract_batch

    return extract_batch([record])[0][0]


def test_the_policy_folded_from_directory_entries_is_the_one_the_engine_holds():
    """``mailhawk policy list`` folds the topic with ``policy_of``; the engine applies the
    same entries to its store. Both must agree, erasures included."""
    from state import policy_of

    docs = [("allowed_sender", {"address": "ap@vendor.example"}),
            ("allowed_sender", {"domain": "partner.example"}),
            ("blocked_sender", {"domain": "evil.example"}),
            ("blocked_sender", {"address": "x@spam.example"}),
            ("phish_simulation", {"domain": "sim.example", "networks": ["192.0.2.0/24"]}),
            ("erase_address", {"address": "ap@vendor.example"}),
            ("cleared_sender", {"domain": "evil.example"}),
            ("person", {"address": "ceo@acme.com", "display_name": "Grace Hopper"})]
    entries = [DirectoryEntry.from_dict({"schema_version": 1, "tenant_id": "acme",
                                         "kind": kind, **fields}) for kind, fields in docs]
    state = _state()
    for entry in entries:
        state.apply_directory(entry, display_key="grace hopper", domain="acme.com")
    held = decode(KIND_TENANT, state.changes()[TENANT_KEY])
    folded = policy_of(entries)
    assert (folded.allowed_senders, folded.blocked_senders, folded.simulations) == (
        held.allowed_senders, held.blocked_senders, held.simulations) == (
        ["partner.example"], ["x@spam.example"], [["sim.example", ["192.0.2.0/24"], 0.0]])
    erased = DirectoryEntry("acme", "erase_tenant")
    assert policy_of([*entries, erased]) == TenantProfile()


# ----------------------------------------------------------------- expiry


def test_an_allow_and_a_simulation_stop_at_their_expiry_by_the_mails_own_time():
    cascade = Cascade(models=_Fixed("credential_phishing", 0.95))
    state = _state()
    _rule(state, "allowed_sender", domain="partner.example", expires_at=T0 + 3600)
    _rule(state, "phish_simulation", domain="sim.example", networks=["192.0.2.0/24"],
          expires_at=T0 + 3600)
    before, sim_before, after, sim_after = cascade.score_batch(state, [
        _newsletter(t=T0 + 3599), _simulation(T0 + 3599), _newsletter(t=T0 + 3600),
        _simulation(T0 + 3600)])
    assert before.decided_by == sim_before.decided_by == "policy"
    for d in (after, sim_after):  # expired: judged as any mail, and the verdict says nothing
        assert (d.action, d.decided_by) == ("quarantine", "model")
        assert not any(h.detector in ("allowed_sender", "phish_simulation") for h in d.hits)


def test_giving_an_allow_again_replaces_its_expiry_and_erasure_or_removal_drops_it():
    state = _state()
    _rule(state, "allowed_sender", address="ap@vendor.example", expires_at=T0)
    _rule(state, "allowed_sender", domain="vendor.example")
    state.commit(state.changes(), 1, None)
    _rule(state, "allowed_sender", address="ap@vendor.example", expires_at=T0)
    assert TENANT_KEY not in state.changes()  # the same rule: no rewrite
    _rule(state, "allowed_sender", address="ap@vendor.example", expires_at=T0 + 60)
    profile = decode(KIND_TENANT, state.changes()[TENANT_KEY])
    assert profile.allowed_senders == ["ap@vendor.example", "vendor.example"]
    assert profile.allowed_until == {"ap@vendor.example": T0 + 60}
    _rule(state, "allowed_sender", address="ap@vendor.example")  # again without: never
    assert decode(KIND_TENANT, state.changes()[TENANT_KEY]).allowed_until == {}
    _rule(state, "allowed_sender", domain="vendor.example", expires_at=T0 + 1)
    _rule(state, "cleared_allowed_sender", domain="vendor.example")
    assert decode(KIND_TENANT, state.changes()[TENANT_KEY]).allowed_until == {}
    _rule(state, "allowed_sender", address="ap@vendor.example", expires_at=T0 + 2)
    _rule(state, "erase_address", address="ap@vendor.example")
    erased = decode(KIND_TENANT, state.changes()[TENANT_KEY])
    assert (erased.allowed_senders, erased.allowed_until) == ([], {})


def test_a_simulation_rule_written_before_expiry_existed_never_expires():
    profile = TenantProfile(simulations=[["sim.example", ["192.0.2.0/24"]]])
    old = decode(KIND_TENANT, encode(profile))
    cascade, state = Cascade(models=_Fixed("credential_phishing", 0.95)), _state()
    state._live[TENANT_KEY] = old  # the stored value, as an older release wrote it
    d = cascade.score_batch(state, [_simulation(T0 + 10 * 365 * 86400)])[0]
    assert d.decided_by == "policy"


@pytest.mark.parametrize(("doc", "error"), [
    ({"kind": "blocked_sender", "domain": "x.example", "expires_at": T0}, "does not expire"),
    ({"kind": "allowed_sender", "domain": "x.example", "expires_at": -1}, "epoch seconds"),
    ({"kind": "allowed_sender", "domain": "x.example", "expires_at": "soon"}, "number"),
])
def test_expiry_is_only_for_allows_and_simulations_and_is_a_time(doc, error):
    with pytest.raises(SchemaError, match=error):
        decode_directory(orjson.dumps({"schema_version": 1, "tenant_id": "acme", **doc}))


# ----------------------------------------------------------------- rules for every tenant


def test_only_policy_entries_may_be_for_every_tenant_and_no_mail_may_claim_it():
    from schemas import decode_mail
    from schemas.records import ALL_TENANTS

    entry = decode_directory(orjson.dumps({"schema_version": 1, "tenant_id": ALL_TENANTS,
                                           "kind": "blocked_sender", "domain": "evil.example"}))
    assert entry.tenant_id == "*"
    for kind, fields in [("erase_tenant", {}), ("erase_address", {"address": "a@x.example"}),
                         ("person", {"address": "a@x.example", "display_name": "A"}),
                         ("vendor", {"domain": "x.example"})]:
        with pytest.raises(SchemaError, match="sender-policy entries only"):
            decode_directory(orjson.dumps({"schema_version": 1, "tenant_id": ALL_TENANTS,
                                           "kind": kind, **fields}))
    doc = orjson.loads(orjson.dumps(mail("a@x.example", ("b@acme.com",)).to_dict()))
    doc["tenant_id"] = ALL_TENANTS
    with pytest.raises(SchemaError, match="reserved"):
        decode_mail(orjson.dumps(doc))


def test_a_block_for_every_tenant_holds_every_tenants_mail_and_says_its_scope():
    cascade, state = Cascade(models=_Fixed("spam", 0.01)), _state()
    _rule(state, "blocked_sender", tenant="*", domain="evil.example")
    acme, other, fine = cascade.score_batch(state, [
        _newsletter("a@evil.example"),
        dataclasses.replace(_newsletter("b@mx.evil.example", t=T0 + 1), tenant_id="other"),
        _newsletter("c@partner.example", t=T0 + 2)])
    for d in (acme, other):
        assert (d.action, d.decided_by) == ("quarantine", "decisive")
        blocked = next(h for h in d.hits if h.detector == "blocked_sender")
        assert blocked.evidence == {"blocked_by": "analyst", "matched": "evil.example",
                                    "scope": "all_tenants"}
    assert fine.action == "allow"
    # Kept apart from each tenant's own lists: no tenant's profile holds it.
    assert state.snapshot(_newsletter(t=T0 + 3), _facts(_newsletter())).tenant.blocked_senders \
        == []
    # A tenant's own rule is found first, and says nothing of a scope.
    _rule(state, "blocked_sender", domain="evil.example")
    own = cascade.score_batch(state, [_newsletter("a@evil.example", t=T0 + 4)])[0]
    assert "scope" not in next(h for h in own.hits if h.detector == "blocked_sender").evidence


def test_an_allow_or_simulation_for_every_tenant_acts_like_the_tenants_own():
    cascade = Cascade(models=_Fixed("credential_phishing", 0.95))
    state = _state()
    _rule(state, "phish_simulation", tenant="*", domain="sim.example",
          networks=["192.0.2.0/24"])
    _rule(state, "allowed_sender", tenant="*", domain="partner.example")
    sim, other_sim, allowed, spoofed = cascade.score_batch(state, [
        _simulation(),
        dataclasses.replace(_simulation(T0 + 1), tenant_id="other"),
        _newsletter(t=T0 + 2),
        _newsletter(t=T0 + 3, dmarc="fail")])
    for d in (sim, other_sim):
        assert (d.action, d.decided_by) == ("allow", "policy")
        assert _policy_hit(d) == {"rule": "phish_simulation", "matched": "sim.example",
                                  "applied": True, "overrode": "quarantine",
                                  "scope": "all_tenants"}
    assert (allowed.action, _policy_hit(allowed)["scope"]) == ("allow", "all_tenants")
    assert (spoofed.action, _policy_hit(spoofed)["refused"]) == ("quarantine",
                                                                  "not_authenticated")
    # A simulation teaches nothing whichever list it came from.
    snap = state.snapshot(_simulation(T0 + 120), _facts(_simulation(T0 + 120)))
    assert all(r.pair is None for r in snap.recipients)


def test_a_block_for_every_tenant_refuses_a_tenants_allow_and_removal_lifts_it():
    cascade, state = Cascade(models=_Fixed("spam", 0.1)), _state()
    _rule(state, "allowed_sender", domain="partner.example")
    _rule(state, "blocked_sender", tenant="*", address="news@mail.partner.example")
    d = cascade.score_batch(state, [_newsletter()])[0]
    assert (d.action, d.decided_by, _policy_hit(d)["refused"]) == ("quarantine", "decisive",
                                                                   "blocked")
    _rule(state, "cleared_sender", address="news@mail.partner.example")  # the tenant's list
    assert cascade.score_batch(state, [_newsletter(t=T0 + 1)])[0].decided_by == "decisive"
    _rule(state, "cleared_sender", tenant="*", address="news@mail.partner.example")
    lifted = cascade.score_batch(state, [_newsletter(t=T0 + 2)])[0]
    assert lifted.action == "allow" and _policy_hit(lifted)["applied"] is True
    assert not any(h.detector == "blocked_sender" for h in lifted.hits)


def test_rules_for_every_tenant_survive_a_restart_from_the_store():
    store = MemoryStore()
    state = PartitionState(store, decay=NO_DECAY)
    _rule(state, "blocked_sender", tenant="*", domain="evil.example")
    state.commit(state.changes(), 1, None)
    restarted = PartitionState(store, decay=NO_DECAY)
    d = Cascade(models=_Fixed("spam", 0.01)).score_batch(restarted,
                                                          [_newsletter("a@evil.example")])[0]
    assert d.decided_by == "decisive"


def test_policy_list_shows_what_releases_and_reports_did_to_the_campaign_memory():
    """``campaign_memory`` (``mailhawk policy list``): a report stays until released or past
    its expiry; a release is listed once however often it was written; a report after a
    release files the message again."""
    from stream.directory import TenantEntry, campaign_memory

    fp = "ab" * 128

    def at(offset: int, kind: str, mid: str, expires: float = 0.0) -> TenantEntry:
        extra = {"fingerprint": fp, "attack_type": "spam", "expires_at": expires} \
            if kind == "reported_message" else {}
        return TenantEntry(0, offset, T0 + offset, DirectoryEntry(
            tenant_id="acme", kind=kind, message_id=mid, **extra))

    later = T0 + 90 * 86400
    memory = campaign_memory([
        at(1, "reported_message", "<a@x>", later), at(2, "reported_message", "<b@x>", later),
        at(3, "reported_message", "<old@x>", T0 + 5), at(4, "released_message", "<b@x>"),
        at(5, "released_message", "<b@x>"), at(6, "released_message", "<c@x>"),
        at(7, "released_message", "<d@x>"), at(8, "reported_message", "<d@x>", later),
    ], now=T0 + 10)
    assert memory["reported"] == [
        {"message_id": "<a@x>", "attack_type": "spam", "expires_at": later,
         "written_at": T0 + 1},
        {"message_id": "<d@x>", "attack_type": "spam", "expires_at": later,
         "written_at": T0 + 8}]
    assert memory["released"] == [{"message_id": "<b@x>", "written_at": T0 + 5},
                                  {"message_id": "<c@x>", "written_at": T0 + 6}]
    assert campaign_memory([], now=T0) == {"reported": [], "released": []}

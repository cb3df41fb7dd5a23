"""Campaign memory (``held_campaign``): a stranger's near-copy of held mail is held too.

The first copy is held by a tenant's sender block (a rule that needs no model), so every
case states why the first message was held; the cascade runs without a model artifact.
"""

from __future__ import annotations

import pytest

from detectors import Cascade
from detectors.cascade import load_scores
from detectors.errors import DetectorConfigError
from schemas.records import DirectoryEntry, MailRecord
from state import NO_DECAY, Decay, MemoryStore, PartitionState, decode
from state.profiles import HELD_CONTENT_WINDOW
from tests.factories import T0, mail

LURE = ("Your mailbox storage is full. To keep receiving messages, verify your account "
        "within 24 hours at the link below, or your mailbox will be suspended and all "
        "messages deleted. Log in now to upgrade your quota at no cost. Regards, the IT "
        "Service Desk team of your organisation.")
HELD = ("quarantine", "block")


def _state(*blocked: str, tenant: str = "acme") -> PartitionState:
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    for address in blocked:
        state.apply_directory(DirectoryEntry(tenant, "blocked_sender", address),
                              display_key="", domain="")
    return state


def _copy(sender: str, t: float, *, greeting: str = "Dear user", tenant: str = "acme",
          to: tuple[str, ...] = ("bob@acme.com",)) -> MailRecord:
    return mail(sender, to, tenant=tenant, t=t, subject="Mailbox quota warning",
                text=f"{greeting}, {LURE}")


def _score(cascade: Cascade, state: PartitionState, records: list[MailRecord],
           batch: int) -> list[tuple[str, str, tuple[str, ...]]]:
    out = []
    for i in range(0, len(records), batch):
        for d in cascade.score_batch(state, records[i:i + batch]):
            out.append((d.action, d.decided_by, tuple(h.detector for h in d.hits)))
        state.commit(state.changes(), i + batch, None)
    return out


def _memory_hit(decision_hits: tuple) -> dict:
    return next(h.evidence for h in decision_hits if h.detector == "held_campaign")


def test_a_strangers_near_copy_of_held_mail_is_held_naming_the_first():
    cascade = Cascade()
    state = _state("billing@fresh.example")
    first = _copy("billing@fresh.example", T0)
    copy = _copy("notice@other.example", T0 + 3600, greeting="Hello bob")
    (held,) = cascade.score_batch(state, [first])
    assert held.action in HELD
    state.commit(state.changes(), 1, None)
    (decision,) = cascade.score_batch(state, [copy])
    assert decision.action in HELD
    evidence = _memory_hit(decision.hits)
    assert evidence["held_message_id"] == first.message_id
    assert evidence["similarity"] >= 0.6 and evidence["held_at"] == T0
    assert decision.attack_type == held.attack_type


def test_without_the_held_first_copy_the_same_message_is_delivered():
    cascade = Cascade()
    (decision,) = cascade.score_batch(_state(), [_copy("notice@other.example", T0)])
    assert decision.action not in HELD
    assert all(h.detector != "held_campaign" for h in decision.hits)


def test_a_known_correspondent_quoting_held_mail_is_not_held():
    """A reply quoting a held message comes from someone the recipient writes to."""
    cascade = Cascade()
    state = _state("billing@fresh.example")
    history = [mail("bob@acme.com", ("carol@partner.example",), direction="outbound", t=T0),
               mail("carol@partner.example", ("bob@acme.com",), t=T0 + 60, text="thanks")]
    _score(cascade, state, history, 10)
    _score(cascade, state, [_copy("billing@fresh.example", T0 + 120)], 10)
    quoting = _copy("carol@partner.example", T0 + 600, greeting="Is this real? Quoting")
    ((action, _, detectors),) = _score(cascade, state, [quoting], 10)
    assert action not in HELD and "held_campaign" not in detectors


@pytest.mark.parametrize("decay", [NO_DECAY, Decay(30 * 86_400.0, 0.0)])
@pytest.mark.parametrize("batch", [1, 7, 20])
def test_a_service_the_tenant_has_mail_delivered_from_is_no_stranger_to_new_recipients(
        batch, decay):
    """A signing service writes to each recipient for the first time, from one template.

    Its deliveries count from the sender's profile (earlier batches) and from the batch's
    own earlier messages alike, so where batches are cut changes nothing.
    """
    service = "envelopes@sign.example"
    delivered = [mail(service, (f"user{i}@acme.com",), t=T0 + i * 60, subject="Envelope",
                      text=f"Document {i} is ready to review and sign.") for i in range(10)]
    first = _copy("billing@fresh.example", T0 + 3600)
    envelope = _copy(service, T0 + 7200, greeting="Hello bob", to=("bob@acme.com",))
    for needed, held in ((9.9, False), (10.1, True)):  # ten deliveries, a little decayed
        scores = load_scores()
        scores["detectors"]["held_campaign"]["established_deliveries"] = needed
        state = PartitionState(MemoryStore(), decay=decay)
        state.apply_directory(DirectoryEntry("acme", "blocked_sender", "billing@fresh.example"),
                              display_key="", domain="")
        decisions = _score(Cascade(scores), state, [*delivered, first, envelope], batch)
        assert all(action not in HELD for action, _, _ in decisions[:10])
        assert decisions[10][0] in HELD
        assert (decisions[11][0] in HELD) is held, needed
        assert ("held_campaign" in decisions[11][2]) is held


def test_where_batches_are_cut_changes_no_verdict_and_no_state():
    """Copies later in the same batch as the held one are found as across batches."""
    records = [_copy("billing@fresh.example", T0),
               *(_copy(f"n{i}@other{i}.example", T0 + 60 * (i + 1), greeting=f"Hi user {i}")
                 for i in range(5))]
    runs = []
    for batch in (1, 2, len(records)):
        state = _state("billing@fresh.example")
        decisions = _score(Cascade(), state, records, batch)
        runs.append((decisions, dict(state.store.items())))
    assert runs[0] == runs[1] == runs[2]
    decisions = runs[0][0]
    assert all(action in HELD for action, _, _ in decisions)
    assert all("held_campaign" in detectors for _, _, detectors in decisions[1:])


def test_the_memory_forgets_after_its_window():
    cascade = Cascade()
    state = _state("billing@fresh.example")
    _score(cascade, state, [_copy("billing@fresh.example", T0)], 10)
    late = _copy("notice@other.example", T0 + HELD_CONTENT_WINDOW + 3600)
    ((action, _, detectors),) = _score(cascade, state, [late], 10)
    assert action not in HELD and "held_campaign" not in detectors


def test_tenants_do_not_share_what_they_held():
    cascade = Cascade()
    state = _state("billing@fresh.example")
    _score(cascade, state, [_copy("billing@fresh.example", T0)], 10)
    other = _copy("notice@other.example", T0 + 60, tenant="globex", to=("ann@globex.com",))
    ((action, _, detectors),) = _score(cascade, state, [other], 10)
    assert action not in HELD and "held_campaign" not in detectors


def test_switched_off_in_the_scores_file():
    scores = load_scores()
    scores["detectors"]["held_campaign"]["enabled"] = False
    cascade = Cascade(scores)
    state = _state("billing@fresh.example")
    decisions = _score(cascade, state, [_copy("billing@fresh.example", T0),
                                        _copy("notice@other.example", T0 + 60)], 10)
    assert decisions[1][0] not in HELD
    assert not [k for k, _ in state.store.items() if k[:1] == b"H"]


@pytest.mark.parametrize("setting", [{"min_similarity": 0.0}, {"min_similarity": 1.5},
                                     {"similarity": 0.5}, {"established_deliveries": 0.5},
                                     {"established_deliveries": float("nan")}])
def test_bad_settings_are_refused(setting):
    scores = load_scores()
    scores["detectors"]["held_campaign"] = {**scores["detectors"]["held_campaign"], **setting}
    with pytest.raises(DetectorConfigError, match="held_campaign"):
        Cascade(scores)


def test_a_release_forgets_the_held_message_and_the_copies_it_made_the_memory_hold():
    """An analyst releases the first (ham after all): strangers' copies are delivered again.

    The copy held in between, as a near-copy of the released message, is forgotten too:
    otherwise it would go on holding the same text.
    """
    cascade = Cascade()
    state = _state("billing@fresh.example")
    first = _copy("billing@fresh.example", T0)
    copy = _copy("n1@other1.example", T0 + 60, greeting="Hi user 1")
    decisions = _score(cascade, state, [first, copy], 10)
    assert [action in HELD for action, _, _ in decisions] == [True, True]
    assert "held_campaign" in decisions[1][2]
    release = DirectoryEntry("acme", "released_message", message_id=first.message_id)
    state.apply_directory(release, display_key="", domain="")
    state.commit(state.changes(), 100, None)
    assert not [k for k, _ in state.store.items() if k[:1] == b"H"]
    later = _copy("n2@other2.example", T0 + 120, greeting="Hi user 2")
    ((action, _, detectors),) = _score(cascade, state, [later], 10)
    assert action not in HELD and "held_campaign" not in detectors
    state.apply_directory(release, display_key="", domain="")  # applied twice: nothing left
    assert state.changes() == {}


def test_a_release_leaves_other_campaigns_and_other_tenants_alone():
    cascade = Cascade()
    state = _state("billing@fresh.example")
    state.apply_directory(DirectoryEntry("globex", "blocked_sender", "billing@fresh.example"),
                          display_key="", domain="")
    lure = _copy("billing@fresh.example", T0)
    parcel = mail("billing@fresh.example", ("bob@acme.com",), t=T0 + 60, subject="Parcel held",
                  text="Your parcel is held at customs; pay the fee to release it. " * 8)
    elsewhere = _copy("billing@fresh.example", T0, tenant="globex", to=("ann@globex.com",))
    _score(cascade, state, [lure, parcel, elsewhere], 10)

    def filed() -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for key, value in state.store.items():
            if key[:1] == b"H":
                out.setdefault(decode(key[:1], value).message_id, set()).add(
                    key.decode().split("\x1f")[0][1:])
        return out

    assert filed() == {lure.message_id: {"acme"}, parcel.message_id: {"acme"},
                       elsewhere.message_id: {"globex"}}
    state.apply_directory(DirectoryEntry("acme", "released_message",
                                         message_id=parcel.message_id),
                          display_key="", domain="")
    state.commit(state.changes(), 100, None)
    assert filed() == {lure.message_id: {"acme"}, elsewhere.message_id: {"globex"}}


def test_an_analysts_report_files_a_delivered_message_so_its_copies_are_held():
    from detectors.fingerprint import signature_reference
    from detectors.rules.held import HeldCampaign

    cascade = Cascade()
    state = _state()
    first = _copy("billing@fresh.example", T0)
    ((action, _, _),) = _score(cascade, state, [first], 10)
    assert action not in HELD  # delivered: the memory has nothing of it yet
    report = DirectoryEntry("acme", "reported_message", message_id=first.message_id,
                            fingerprint=signature_reference(first.subject, first.text).hex(),
                            attack_type="credential_phishing",
                            expires_at=T0 + HELD_CONTENT_WINDOW)
    HeldCampaign.file_report(state, report)
    state.commit(state.changes(), 10, None)
    copy = _copy("notice@other.example", T0 + 3600, greeting="Hello bob")
    (decision,) = cascade.score_batch(state, [copy])
    assert decision.action in HELD and decision.attack_type == "credential_phishing"
    assert _memory_hit(decision.hits)["held_message_id"] == first.message_id
    with pytest.raises(ValueError, match="file_report"):
        state.apply_directory(report, display_key="", domain="")
    expired = _copy("late@other.example", T0 + HELD_CONTENT_WINDOW + 7200)  # after both
    assert cascade.score_batch(state, [expired])[0].action not in HELD

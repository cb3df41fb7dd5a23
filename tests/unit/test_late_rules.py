"""What every late rule of December 2026 promises (``Cascade.late_hit``), one table for all.

Each reads a warned stranger's message only: a correspondent's mail, a message the model
calls harmless, a cascade without a model and a rule switched off in the scores file give
no hit, while the same message from a stranger, warned about, is quarantined on its hit.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from detectors import Cascade
from detectors.cascade import load_scores
from schemas import Attachment
from state import NO_DECAY, MemoryStore, PartitionState
from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, warned

_LURES = {
    "vice_topic": dict(sender="darline.x@mailbox.example", subject="Darline wants to see you",
                       text="Darline wants to suck your penis tonight. Answer her now."),
    "brand_subject": dict(sender="acc-2430384005@studiozp.example",
                          subject="Your amazon prime membership renewal was failed",
                          text="Update your payment details to keep it."),
    "authority_claim": dict(sender="itsupport@noreply-desk.example",
                            name="Email Server Administrator", subject="MSG-PSWD notice",
                            text="Follow the instructions below today."),
    "template_residue": dict(sender="qplvww@obus.example", name="FTXTeam.",
                             subject="Announcement: Withdraw Process is Authorized Now",
                             text="You have been identified as an eligible client to begin "
                                  "withdrawing digital assets. Lorem ipsum dolor sit amet."),
    "stranger_document": dict(sender="williamsfamjhon@mailbox.example", name="Ether",
                              subject="", text="INFO PDF.",
                              attachments=(Attachment("pBDp08qj9IiC6.pdf", "application/pdf",
                                                      60262),)),
}
RULES = sorted(_LURES)


def _lure(rule: str, **kw):
    spec = {**_LURES[rule], **kw}
    attachments = spec.pop("attachments", ())
    return replace(mail(**spec), attachments=attachments)


@pytest.mark.parametrize("rule", RULES)
def test_a_warned_strangers_lure_is_quarantined_on_the_late_hit(rule):
    d = warned(_lure(rule))[-1]
    assert hits_of(d)[rule]["score"] < 0.5  # never decides alone
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


@pytest.mark.parametrize("rule", RULES)
def test_a_correspondent_is_no_stranger(rule):
    sender = _LURES[rule]["sender"]
    asked = mail("bob@acme.com", (sender,), direction="outbound", subject="Re: hello",
                 text="Thanks, talk soon.", t=T0)
    assert rule not in hits_of(warned(asked, _lure(rule, t=T0 + 3600))[-1])


@pytest.mark.parametrize("rule", RULES)
def test_a_message_the_model_calls_harmless_is_not_read(rule):
    d = warned(_lure(rule), probability=0.05)[-1]
    assert rule not in hits_of(d) and d.action == "allow"


@pytest.mark.parametrize("rule", RULES)
def test_without_a_model_it_never_runs(rule):
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    assert rule not in hits_of(Cascade().score_batch(state, [_lure(rule)])[-1])


@pytest.mark.parametrize("rule", RULES)
def test_switched_off_in_the_scores_file_it_does_nothing(rule):
    scores = load_scores()
    scores["detectors"] = {**scores["detectors"], rule: {"enabled": False}}
    d = warned(_lure(rule), scores=scores)[-1]
    assert rule not in hits_of(d) and d.action == "warn"

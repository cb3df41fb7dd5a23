"""One free mailbox writes, another reads the replies (``detectors/rules/relay.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from detectors.cascade import teaches_baseline
from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, verdicts, warned

_PROBE = "I've sent you a message before but you haven't replied to me, is this email still valid?"


@pytest.mark.parametrize(("sender", "reply_to"), [
    ("kate102benjamin@gmail.com", "mrraymdleo@gmail.com"),
    ("wmrsjanet49@gmail.com", "mrs.janetwilsodon@hotmail.com"),
    ("jolinewilliam14@gmail.com", "jolinewilliam13@gmail.com"),
])
def test_a_strangers_free_mailbox_diverting_replies_to_another_is_held(sender, reply_to):
    d = warned(mail(sender, name="Mr. Raymond Leo", subject="", text=_PROBE,
                    reply_to=reply_to), probability=0.02)[0]
    h = hits_of(d)["free_mail_relay"]
    assert h["reply_domain"] == reply_to.rsplit("@", 1)[1]
    assert (d.action, d.decided_by) == ("quarantine", "decisive")
    # held, but not kept out of the baseline: the shipped model's training replay is unchanged
    assert teaches_baseline([x for x in d.hits if x.detector == "free_mail_relay"])


@pytest.mark.parametrize(("sender", "reply_to"), [
    ("ann.smith@gmail.com", "Ann.Smith@Gmail.com"),  # her own address
    ("ann.smith@gmail.com", "ann@smith-design.example"),  # her business
    ("wordpress@smith-design.example", "visitor@gmail.com"),  # a web form's notification
])
def test_replies_to_the_sender_itself_or_to_a_company_are_no_relay(sender, reply_to):
    d = verdicts(mail(sender, text=_PROBE, reply_to=reply_to))[0]
    assert "free_mail_relay" not in hits_of(d)


def test_a_correspondent_may_read_replies_in_another_mailbox():
    asked = mail("bob@acme.com", ("ann.smith@gmail.com",), direction="outbound")
    reply = mail("ann.smith@gmail.com", t=T0 + 60, text="Write to my other address.",
                 reply_to="ann.s.home@yahoo.com")
    assert "free_mail_relay" not in hits_of(verdicts(asked, reply)[1])


def test_list_mail_is_left_alone():
    post = replace(mail("acipqr@gmail.com", text=_PROBE, reply_to="avamedicine3@gmail.com"),
                   headers={"list-id": "<linux-watchdog.vger.kernel.org>"})
    assert "free_mail_relay" not in hits_of(verdicts(post)[0])

"""A company-domain stranger's replies diverted to free mail (``detectors/rules/diverted.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from detectors.cascade import load_scores
from schemas.records import Attachment
from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, warned

_DEAL = "I have a very lucrative deal to discuss with you. Get back so I can proceed. Regards"
_PROBE = "Good day, I sent you an email before, kindly confirm that you received it."


@pytest.mark.parametrize("text", [_DEAL, _PROBE])
def test_a_warned_strangers_words_with_replies_to_free_mail_are_quarantined(text):
    d = warned(mail("yuliia@ministry-office.example", subject="Rp", text=text,
                    reply_to="yuliia.k1974@gmail.com"))[-1]
    h = hits_of(d)["diverted_reply"]
    assert (h["reply_domain"], h["sender_domain"]) == ("gmail.com", "ministry-office.example")
    assert h["score"] < 0.5 and (d.action, d.decided_by) == ("quarantine", "corroborated")


@pytest.mark.parametrize("change", [
    dict(reply_to="desk@ministry-office.example"),   # its own domain takes the replies
    dict(reply_to="desk@helpdesk-partner.example"),  # another company's, not free mail
    dict(sender="yuliia.k1974@gmail.com"),           # its own free mailbox: not diverted
    dict(sender="Yuliia.K1974@gmail.com"),           # the same mailbox, however spelt
    dict(urls=("https://forms.example/apply",)),     # a web form's notification has a link
])
def test_only_a_company_stranger_with_replies_to_free_mail_and_words_only(change):
    d = warned(mail(**{"sender": "yuliia@ministry-office.example", "text": _DEAL,
                       "reply_to": "yuliia.k1974@gmail.com", **change}))[-1]
    assert "diverted_reply" not in hits_of(d) and d.action == "warn"


def test_one_free_mailbox_writing_for_another_is_diverted_too():
    # phishing_pot: "Please I want you to confirm if you ever received the first email I sent"
    probe = mail("wpalmer653@gmail.com", subject="URGENT RESPONSE NEEDED", text=_PROBE,
                 reply_to="mark.zanelli@hotmail.com")
    # free_mail_relay holds it in tier 2 (decisive), so the late tier has nothing to do ...
    d = warned(probe)[-1]
    assert "diverted_reply" not in hits_of(d) and d.decided_by == "decisive"
    # ... and where a tenant switched that off, this rule still corroborates the warning
    scores = load_scores()
    scores["detectors"] = {**scores["detectors"], "free_mail_relay": {"enabled": False}}
    d = warned(probe, scores=scores)[-1]
    h = hits_of(d)["diverted_reply"]
    assert (h["reply_domain"], h["sender_domain"]) == ("hotmail.com", "gmail.com")
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


def test_a_file_list_mail_or_a_correspondent_is_left_to_the_model():
    lure = mail("yuliia@ministry-office.example", text=_DEAL, reply_to="yuliia.k1974@gmail.com",
                t=T0 + 60)
    cv = replace(lure, attachments=(Attachment("cv.pdf", "application/pdf", 40_000),))
    post = replace(lure, headers={"list-id": "<watchdog.vger.example>"})
    asked = mail("bob@acme.com", ("yuliia@ministry-office.example",), direction="outbound")
    for ds in (warned(post), warned(asked, lure)):
        assert "diverted_reply" not in hits_of(ds[-1]) and ds[-1].action == "warn"
    # the file is the document rule's to judge (a warned stranger's PDF)
    d = warned(cv)[-1]
    assert "diverted_reply" not in hits_of(d) and "stranger_document" in hits_of(d)


def test_a_message_the_model_calls_harmless_is_not_read():
    d = warned(mail("yuliia@ministry-office.example", text=_DEAL,
                    reply_to="yuliia.k1974@gmail.com"), probability=0.05)[-1]
    assert "diverted_reply" not in hits_of(d) and d.action == "allow"

"""A stranger's money story asking for a reply elsewhere (``detectors/rules/advance_fee.py``)."""

from __future__ import annotations

import pytest

from detectors import Cascade
from state import NO_DECAY, MemoryStore, PartitionState
from tests.factories import T0, mail
from tests.unit.test_rules import _WarnOnly, hits_of, warned

_DONATION = ("Dear Beneficiary, Mr. Bernard has donated $3,500,000.00 USD to you for the purpose "
             "of charity. Contact him through his private email to receive your funds.")
_ATM = ("Dear Recipient, this is to inform you that your funds have been scheduled for payment "
        "through an ATM card. Reply to this office with your details.")
_PROPOSAL = ("Good day, I took my time before contacting you because I need a reliable person. "
             "I have a lucrative business proposal: a transaction of 14 million that is risk "
             "free for both of us. Kindly reply with your private telephone number.")
_WRAPPED = ("i would like to request for your\nassistance in a lucrative business that would be "
            "mutually\nbeneficial, email me for more discussion and details about my\nproposal")
_MEETING = ("Hi Bob, the investment committee meets on Thursday; the slides are attached to the "
            "calendar invite. Let me know if the time does not suit you.")


@pytest.mark.parametrize(("sender", "reply_to", "text", "channel"), [
    ("bernard.charity@gmail.com", "", _DONATION, "free_mail_sender"),
    ("office@payments-unit.example", "claims.desk@outlook.com", _ATM, "reply_to_elsewhere"),
    ("director@sunrise-trading.example", "d.kern@mailbox.example", _PROPOSAL,
     "reply_to_elsewhere"),
    # wrapped at 70 columns, as such letters are: its phrases are read across the breaks
    ("davidlaurent091@gmail.com", "", _WRAPPED, "free_mail_sender"),
])
def test_a_strangers_money_story_with_the_reply_diverted_is_quarantined(
        sender, reply_to, text, channel):
    d = warned(mail(sender, subject="Hello", text=text, reply_to=reply_to))[-1]
    h = hits_of(d)["advance_fee"]
    assert h["channel"] == channel and h["attack_type"] == "scam" and h["score"] < 0.5
    assert h["phrases"] or h["scam_phrase"]
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


def test_the_same_story_from_a_domain_that_takes_its_own_replies_stays_a_warning():
    d = warned(mail("director@sunrise-trading.example", subject="Hello", text=_PROPOSAL))[-1]
    assert "advance_fee" not in hits_of(d) and d.action == "warn"


def test_a_business_letter_naming_money_once_is_no_story():
    d = warned(mail("bob.friend@gmail.com", subject="Thursday", text=_MEETING))[-1]
    assert "advance_fee" not in hits_of(d) and d.action == "warn"


def test_a_correspondent_is_no_stranger():
    partner = "bernard.charity@gmail.com"
    reply = mail("bob@acme.com", (partner,), direction="outbound", subject="Re: hello",
                 text="Thanks, talk soon.", t=T0)
    d = warned(reply, mail(partner, subject="Hello", text=_DONATION, t=T0 + 3600))[-1]
    assert "advance_fee" not in hits_of(d)


def test_a_message_the_model_calls_harmless_is_not_read():
    d = warned(mail("bernard.charity@gmail.com", subject="Hello", text=_DONATION),
             probability=0.05)[-1]
    assert "advance_fee" not in hits_of(d) and d.action == "allow"


def test_without_a_model_it_never_runs():
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    d = Cascade().score_batch(state, [mail("bernard.charity@gmail.com", text=_DONATION)])[-1]
    assert "advance_fee" not in hits_of(d)


def test_switched_off_in_the_scores_file_it_does_nothing():
    from detectors.cascade import load_scores

    scores = load_scores()
    scores["detectors"] = {**scores["detectors"], "advance_fee": {"enabled": False}}
    d = warned(mail("bernard.charity@gmail.com", subject="Hello", text=_DONATION),
             scores=scores)[-1]
    assert "advance_fee" not in hits_of(d) and d.action == "warn"


def test_the_late_tier_stops_at_the_first_rule_that_corroborates():
    # The cheap rules run first; language identification, the dearest, is not needed for a
    # letter the advance-fee rule already holds.
    cascade = Cascade(models=_WarnOnly())
    (language,) = [d for d in cascade.late if d.name == "unfamiliar_language"]
    calls = []
    detect = language.detect
    language.detect = lambda ctx: calls.append(ctx) or detect(ctx)  # type: ignore[method-assign]
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    english = mail("bob@acme.com", ("ann@partner.example",), direction="outbound",
                   subject="Re: figures", text="Thanks for the figures, all good here.", t=T0)
    ds = cascade.score_batch(state, [english, mail("bernard.charity@gmail.com", text=_DONATION,
                                                   t=T0 + 60)])
    assert hits_of(ds[-1])["advance_fee"] and ds[-1].action == "quarantine"
    assert calls == []

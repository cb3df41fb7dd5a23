"""A famous business name on a stranger's mail (``detectors/rules/celebrity.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from detectors.rules.celebrity import celebrity_named
from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, verdicts, warned


@pytest.mark.parametrize("name, sender, who", [
    # phishing_pot's energy-saver kits and donation letters
    ("Eco Savings by Elon Musk", "dreierlomalinda@zellis.example", "elon musk"),
    ("Elon's Green Blueprint", "kumbacampha@back-pain.example", "elon musk"),
    ("Musk Energy Solutions #mZHeq", "z.inabseror9@gmail.com", "elon musk"),
    ("MR. JEFFREY BEZOS", "edmondasiimwe0@gmail.com", "jeff bezos"),
    ("Mr.Warren Buffett Billionaire investor", "test@central.mercfresh.example",
     "warren buffett"),
])
def test_a_famous_name_on_a_strangers_mail_is_held_as_a_scam(name, sender, who):
    d = warned(mail(sender, name=name, subject="Slash your energy bill",
                    text="See what everyone is whispering about."), probability=0.05)[0]
    h = hits_of(d)["celebrity_sender"]
    assert (h["named"], h["attack_type"]) == (who, "scam")
    assert d.action in ("quarantine", "block") and d.decided_by == "decisive"


def test_their_own_companies_mail_is_theirs():
    # Amazon's letter to its customers in 2002, SpamAssassin ham
    d = verdicts(mail("jeffb@amazon.com", name="Jeff Bezos", subject="A letter from Jeff",
                      text="Dear customer, thank you."))[0]
    assert "celebrity_sender" not in hits_of(d)


@pytest.mark.parametrize("name", [
    "Jimmy Buffett Fan Club",      # a singer: Buffett needs Warren
    "Melinda Gates Lee",           # Gates needs Bill
    "Elon University Admissions",  # a first name alone
    "Muskoka Cottage Rentals",     # a word that starts with the surname
])
def test_other_people_and_words_are_no_famous_name(name):
    assert celebrity_named(name) is None


def test_a_newsletter_or_a_correspondent_of_that_name_is_not_held():
    news = mail("editor@muskwatch.example", name="Musk Watch", subject="This week",
                text="Tesla's quarter in five charts.")
    news = replace(news, headers={"list-unsubscribe": "<mailto:leave@muskwatch.example>"})
    assert "celebrity_sender" not in hits_of(verdicts(news)[0])
    asked = mail("bob@acme.com", ("kimbal.musk@gmail.com",), direction="outbound")
    reply = mail("kimbal.musk@gmail.com", name="Kimbal Musk", t=T0 + 60, text="Sounds good.")
    assert "celebrity_sender" not in hits_of(verdicts(asked, reply)[1])

"""A stranger selling sex, dates, gambling, pills or stolen access (``detectors/rules/vice.py``).

The late tier's common promises (a correspondent, a harmless message, no model, switched
off) are ``tests/unit/test_late_rules.py``'s.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from detectors import Cascade
from state import NO_DECAY, MemoryStore, PartitionState
from tests.factories import T0, mail
from tests.unit.test_rules import _WarnOnly, hits_of, warned

_ADULT = "Darline wants to suck your penis tonight. She lives near you, answer her now."
# Two wares: three make a price list, held by illicit_offer without a model
_CARDING = "New tools just in! Fresh cPanels and RDPs, instant delivery, crypto only."
_PAGE = ("<html><body><h1>Amazing sale!</h1><p>The diet product doctors hate: lose weight "
         "without exercise, 70% off today only.</p><a href='https://shop.example'>Buy</a>"
         "</body></html>")
_FAIR = ("Pre-register for your free exhibition pass to Power Mart 2001, held at the Casino "
         "Magic hotel. Over 200 exhibitors and a cocktail reception on the first night.")


@pytest.mark.parametrize(("sender", "subject", "text", "trade", "example"), [
    ("darline.x@mailbox.example", "Darline wants to see you", _ADULT, "adult", "suck your"),
    ("yara.c@mailbox.example", "Let's talk!",
     "I ended our romance and today I'm looking for ideal man, write me.", "dating",
     "looking for ideal man"),
    ("tomohikohatori24@mailbox.example", "#Representative#",
     '"Earn $1000-$2000 per month working per time. Not Your regular 9-5 Jobs" contact.',
     "easy_money", "earn $"),
    ("return@zukbxeqej.example", "Drink this tonic in the morning",
     "Destroy stubborn lbs while you sleep.", "pills", "stubborn lbs"),
    ("news@spyxe-tools.example", "New tools just in", _CARDING, "carding", "cpanels"),
    ("promo@lucky-spin.example", "Your 50 FREE SPINS await", "Claim them today.",
     "gambling", "free spins"),
])
def test_a_strangers_vice_offer_the_model_warns_about_is_quarantined(
        sender, subject, text, trade, example):
    d = warned(mail(sender, subject=subject, text=text))[-1]
    h = hits_of(d)["vice_topic"]
    assert (h["trade"], h["example"], h["attack_type"]) == (trade, example, "spam")
    assert h["score"] < 0.5  # never decides alone
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


def test_the_senders_name_is_read_too():
    # phishing_pot: "ONLINE PHARMACY" writing "Men Drugs Shop" and a link
    d = warned(mail("zochuxljmml@mega.example", name="ONLINE PHARMACY", subject="Men Drugs Shop",
                    text="Best prices, discreet delivery."))[-1]
    assert hits_of(d)["vice_topic"]["example"] == "online pharmacy"


def test_a_stub_text_part_beside_a_page_is_judged_by_the_page():
    record = replace(mail("deals@slim-now.example", subject="Amazing sale!", text="View online"),
                     html=_PAGE)
    h = hits_of(warned(record)[-1])["vice_topic"]
    assert (h["trade"], h["example"]) == ("pills", "lose weight")


def test_a_casino_named_in_passing_and_a_cocktail_are_no_offer():
    d = warned(mail("register@powermart.example", subject="Power Mart '01", text=_FAIR))[-1]
    assert "vice_topic" not in hits_of(d) and d.action == "warn"


def test_an_empty_forward_of_a_strangers_offer_is_held_as_the_offer_would_be():
    # The forwarder is known (an earlier exchange); the carried sender is not, and the
    # carried message is judged as its own: warned, corroborated by this rule, held.
    friend = "bob.private@mailbox.example"
    history = [mail(friend, subject="weekend", text="See you Saturday.", t=T0),
               mail("bob@acme.com", (friend,), direction="outbound", subject="Re: weekend",
                    text="Great.", t=T0 + 600)]
    carried = ("---------- Forwarded message ---------\n"
               "From: Darline <darline.x@mailbox.example>\nDate: Tue, 10 Jan 2023 at 21:48\n"
               "Subject: Darline wants to see you\nTo: <bob.private@mailbox.example>\n\n"
               + _ADULT)
    forward = mail(friend, subject="Fw: Darline wants to see you", text=carried, t=T0 + 7200)
    cascade = Cascade(models=_WarnOnly())
    d = cascade.score_batch(PartitionState(MemoryStore(), decay=NO_DECAY),
                            [*history, forward])[-1]
    h = hits_of(d)["forwarded_attack"]
    assert d.action == "quarantine" and "vice_topic" in h["detectors"]

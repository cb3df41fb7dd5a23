"""A stranger offering explicit sex or stolen access (``detectors/rules/illicit.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, verdicts, warned

_DATING = ("Hoi hoi alles ok? Ik was je email adres kwijt. Klik hier om mijn profiel te "
           "bekijken. Let op! Je krijgt naaktfoto's te zien van mensen die je kent.")
_THREAD = "Re: Selling Wedded Bliss. Honestly the blowjob joke was the least of that article."


@pytest.mark.parametrize(("subject", "text", "example"), [
    ("💗 De buurvrouw kan je hier ook vinden", _DATING, "naaktfoto"),  # phishing_pot
    ("Ik wil dat je me neukt", "Breng deze nacht niet alleen door.", "neukt"),
    ("Horny MILFs near you", "Register for free today.", "horny"),
])
def test_a_strangers_explicit_solicitation_is_held_as_spam(subject, text, example):
    record = mail("contact@123gereedschap.example", name="Eske Volkers", subject=subject,
                  text=text)
    d = warned(record, probability=0.0)[0]
    h = hits_of(d)["illicit_offer"]
    assert (h["attack_type"], h["trade"], h["example"]) == ("spam", "sex", example)
    assert (d.action, d.decided_by) == ("quarantine", "decisive")


def test_a_bulk_senders_own_list_is_no_discussion_list():
    record = replace(mail("contact@123gereedschap.example", subject="Hoi", text=_DATING),
                     headers={"list-id": "zt787h7p2q97a <Complete_OPN>",
                              "list-unsubscribe": "<https://black.example/unsubscribe>"})
    assert "illicit_offer" in hits_of(verdicts(record)[0])


def test_a_discussion_lists_relay_of_a_members_post_is_not_read():
    record = replace(mail("geege@barrera.example", subject="RE: Selling Wedded Bliss",
                          text=_THREAD),
                     headers={"list-id": "Friends of Rohit Khare <fork.xent.example>"})
    assert "illicit_offer" not in hits_of(verdicts(record)[0])


def test_clinical_and_ordinary_words_are_no_solicitation():
    record = mail("news@clinic.example", subject="Erectile dysfunction: what the study found",
                  text="A new trial on erectile dysfunction and online dating habits.")
    assert "illicit_offer" not in hits_of(verdicts(record)[0])


def test_a_correspondents_joke_is_theirs():
    asked = mail("bob@acme.com", ("ann@partner.example",), direction="outbound")
    joke = mail("ann@partner.example", subject="lol", text="Who sends naaktfoto's at work?",
                t=T0 + 60)
    assert "illicit_offer" not in hits_of(verdicts(asked, joke)[1])


_SHOP = ("Cpanels - Shells - SSH/WHM - RDPs\nSmtps - Mailers - Leads - Webmails\n"
         "Check us out: https://shop.example/?ref=email")


def test_a_strangers_price_list_of_stolen_access_is_held_as_spam():
    d = warned(mail("ztkmas@ecolebrun.example", subject="bagon [ cPanels - Mailers - Smtps ]",
                    text=_SHOP), probability=0.0)[0]
    h = hits_of(d)["illicit_offer"]
    assert (h["trade"], h["attack_type"]) == ("stolen_access", "spam")
    assert (d.action, d.decided_by) == ("quarantine", "decisive")


@pytest.mark.parametrize("text", [
    "Our WHM and cPanel hosting plans now include free SSL.",  # one ware: a host's newsletter
    "We collected 200 shells at the range; the RDPs logs are in the ticket.",  # two
])
def test_fewer_than_three_wares_are_a_sysadmins_words(text):
    assert "illicit_offer" not in hits_of(verdicts(mail("news@host.example", text=text))[0])

"""A stranger claiming an authority over the reader (``detectors/rules/authority.py``).

The late tier's common promises are ``tests/unit/test_late_rules.py``'s.
"""

from __future__ import annotations

import pytest

from tests.factories import mail
from tests.unit.test_rules import hits_of, warned


@pytest.mark.parametrize(("name", "subject", "claim"), [
    ("Email Server Administrator", "MSG-PSWD notice on 07_11_2022", "mail_administrator"),
    ("Webmail Support", "Service notice 0419", "mail_administrator"),
    ("Annual Tax - Report", "Annual Tax Return - Your refund is ready to be proceed.",
     "tax_office"),
    ("Receita", "Restituição de IRPF disponível", "tax_office"),
])
def test_a_warned_stranger_claiming_an_authority_is_quarantined(name, subject, claim):
    d = warned(mail("itsupport@noreply-desk.example", name=name, subject=subject,
                    text="Follow the instructions below today."))[-1]
    h = hits_of(d)["authority_claim"]
    assert h["claim"] == claim and h["score"] < 0.5
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


@pytest.mark.parametrize(("name", "subject"), [
    ("Dana Whitfield", "Quarterly figures"),
    ("Mailchimp", "Your campaign report"),         # a brand, not the reader's administrator
    ("Taxi Dispatch", "Your ride receipt"),        # "tax" inside another word
])
def test_ordinary_names_and_subjects_are_no_claim(name, subject):
    d = warned(mail("desk@sender.example", name=name, subject=subject, text="Hello."))[-1]
    assert "authority_claim" not in hits_of(d) and d.action == "warn"

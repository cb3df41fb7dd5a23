"""A sender under a resold pseudo-TLD (``detectors/rules/pseudo_tld.py``)."""

from __future__ import annotations

import pytest

from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, verdicts, warned

_KIT = "Black Friday surprise: your free car emergency kit is waiting. Claim it today."


@pytest.mark.parametrize("sender", ["topher_18728@offers4u.sa.com",
                                    "y_87048@ali1.sarakzit.za.com", "news@mailer.ru.com",
                                    "info@rewards.com.de",
                                    # a Microsoft 365 trial tenant's built-in domain
                                    "renew.zeoix@tracychapman.n9hri5rq3r9s.onmicrosoft.com"])
def test_a_strangers_mail_from_a_name_under_a_resold_pseudo_tld_is_held(sender):
    d = warned(mail(sender, name="ADAC Auto-Notfallset", subject="Ihr kostenloses Notfallset",
                    text=_KIT, urls=("https://offers4u.sa.com/kit",)), probability=0.02)[0]
    h = hits_of(d)["pseudo_tld"]
    assert h["sender_domain"] == sender.rsplit(".", 2)[-2] + "." + sender.rsplit(".", 1)[-1]
    assert d.action in ("quarantine", "block") and d.decided_by == "decisive"


@pytest.mark.parametrize("sender", ["news@shop.com", "kit@offers4u.com", "a@b.co.za",
                                    "x@mail.sa.gov.au", "alerts@microsoft.com",
                                    "ann@contoso-onmicrosoft.com"])
def test_ordinary_names_are_not_pseudo_tlds(sender):
    assert "pseudo_tld" not in hits_of(verdicts(mail(sender, text=_KIT))[0])


def test_a_correspondent_there_is_no_stranger():
    asked = mail("bob@acme.com", ("sales@partner.us-supplies.sa.com",), direction="outbound")
    reply = mail("sales@partner.us-supplies.sa.com", t=T0 + 60, text="Quote attached.")
    assert "pseudo_tld" not in hits_of(verdicts(asked, reply)[1])

"""A stranger's subject naming a brand its domain is not (``detectors/rules/brand_subject.py``)."""

from __future__ import annotations

import pytest

from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, warned

_TEXT = "Your membership could not be renewed. Update your payment details to keep it."


@pytest.mark.parametrize(("sender", "subject", "brand"), [
    ("acc-2430384005@studiozp.com.mx", "Your amazon prime membership renewal was failed",
     "amazon"),
    ("support@71cw8dvqdq2uzu36swld.net", "Microsoft_unusual signin activity", "microsoft"),
])
def test_a_warned_strangers_subject_naming_another_brand_is_quarantined(sender, subject, brand):
    d = warned(mail(sender, subject=subject, text=_TEXT))[-1]
    h = hits_of(d)["brand_subject"]
    assert (h["brand"], h["score"] < 0.5) == (brand, True)
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


@pytest.mark.parametrize(("sender", "subject"), [
    ("no-reply@amazon.com", "Your Amazon Prime membership renewal"),  # the brand's own
    ("store-news@amazon.de", "Amazon: Ihre Bestellung"),
    ("news@retailer.example", "Spring sale: save on garden furniture"),  # names no brand
])
def test_the_brands_own_domain_or_no_brand_is_no_hit(sender, subject):
    d = warned(mail(sender, subject=subject, text=_TEXT))[-1]
    assert "brand_subject" not in hits_of(d) and d.action == "warn"


def test_a_correspondent_naming_a_brand_is_their_business():
    asked = mail("bob@acme.com", ("sales@reseller.example",), direction="outbound")
    renewal = mail("sales@reseller.example", subject="Microsoft 365 renewal quote",
                   text=_TEXT, t=T0 + 60)
    assert "brand_subject" not in hits_of(warned(asked, renewal)[-1])


def test_a_message_the_model_calls_harmless_is_not_read():
    d = warned(mail("acc-1@studiozp.com.mx", subject="Amazon Prime renewal failed", text=_TEXT),
               probability=0.05)[-1]
    assert "brand_subject" not in hits_of(d) and d.action == "allow"

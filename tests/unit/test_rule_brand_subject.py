"""A stranger's subject naming a brand its domain is not (``detectors/rules/brand_subject.py``).

The late tier's common promises are ``tests/unit/test_late_rules.py``'s.
"""

from __future__ import annotations

import pytest

from tests.factories import mail
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

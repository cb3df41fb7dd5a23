"""A brand's receipt from a stranger's free-mail account (``detectors/rules/receipt.py``)."""

from __future__ import annotations

import pytest

from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, warned

_NORTON = ("Dear Member, we appreciate you selecting Norton. Yesterday was the last day of your "
           "plan: USD 399.99 is charged today for the next year. Questions about the charge: "
           "+1 (808) 555-0199.")
_MICROSOFT = ("MICROSOFT ACCOUNT BILL TO: your account. INVOICE NO MS-7894-319077. Thank you for "
              "your purchase of Microsoft Defender, 3 years. Questions? Call the billing desk.")
_REPLY = ("Surely you just recompile them and install them in order?\n"
          "> Do You Yahoo!?\n> Everything you'll ever need on one web page, payment included")


@pytest.mark.parametrize(("text", "brand"), [(_NORTON, "norton"), (_MICROSOFT, "microsoft")])
def test_a_brands_bill_from_a_strangers_free_mail_account_is_quarantined(text, brand):
    d = warned(mail("billdesk4721@gmail.com", subject="Order Confirmation", text=text))[-1]
    h = hits_of(d)["brand_receipt"]
    assert (h["brand"], h["attack_type"], h["sender_domain"]) == (brand, "scam", "gmail.com")
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


def test_the_same_bill_from_a_company_domain_is_left_to_the_other_rules():
    # (``brand_impersonation`` reads a brand's name in a sender's domain.)
    d = warned(mail("billing@norton-renewals.example", subject="Order", text=_NORTON))[-1]
    assert "brand_receipt" not in hits_of(d)


def test_the_providers_own_name_and_quoted_lines_are_no_claim():
    # A Gmail user's mail names Google in its footer; a reply quotes a Yahoo! footer.
    ds = warned(mail("lance@bellsouth.net", subject="Re: Gstreamer update", text=_REPLY),
              mail("ana.bell@gmail.com", subject="Your order",
                   text="Your order of Google Play credit went through, thanks!"))
    assert all("brand_receipt" not in hits_of(d) for d in ds)


def test_a_colleagues_forwarded_invoice_from_a_private_account_is_no_strangers():
    private = "anna.private@gmail.com"
    sent = mail("bob@acme.com", (private,), direction="outbound", subject="hi", t=T0)
    d = warned(sent, mail(private, subject="Fwd: invoice", text=_MICROSOFT, t=T0 + 60))[-1]
    assert "brand_receipt" not in hits_of(d)


def test_a_message_the_model_calls_harmless_is_not_read():
    d = warned(mail("billdesk4721@gmail.com", text=_NORTON), probability=0.05)[-1]
    assert "brand_receipt" not in hits_of(d) and d.action == "allow"


def test_switched_off_in_the_scores_file_it_does_nothing():
    from detectors.cascade import load_scores

    scores = load_scores()
    scores["detectors"] = {**scores["detectors"], "brand_receipt": {"enabled": False}}
    d = warned(mail("billdesk4721@gmail.com", text=_NORTON), scores=scores)[-1]
    assert "brand_receipt" not in hits_of(d) and d.action == "warn"

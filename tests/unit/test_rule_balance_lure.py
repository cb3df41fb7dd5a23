"""A free-mail stranger crediting the reader a sum (``detectors/rules/balance.py``)."""

from __future__ import annotations

import pytest

from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, warned

_DRIVE = ("https://drive.google.com/file/d/119Mu_j0Xmzogl8XEqoawHrmMA_37Zng6",)



@pytest.mark.parametrize("text", [
    "Anahi Bass\nYou have 24 hours to withdraw +17,794$ right on. The boy looked up.",
    "Your account already has +28728$ each labelled in green ink.",
    "Accounts with a balance of +11.443$ will be blocked! and a moment later,",
    "Hi ✅  +$4,811 ➡️ confirm to receive it",
])
def test_a_free_mail_strangers_signed_sum_is_held_as_a_scam(text):
    d = warned(mail("lance.lebsack77@gmail.com", subject="Avalyn Weber", text=text,
                    urls=_DRIVE), probability=0.05)[0]
    h = hits_of(d)["balance_lure"]
    assert h["attack_type"] == "scam" and h["sum"].startswith("+")
    assert d.action in ("quarantine", "block") and d.decided_by == "decisive"


@pytest.mark.parametrize("sender, text", [
    # a company's domain, not free mail: statements and ledgers come from there
    ("alerts@bank.example", "Your balance has been replenished +29,738$"),
    # no sign, or a sum under a thousand, or a figure in a formula
    ("anna.berg@gmail.com", "The car is yours for 17,794$ if you can pick it up."),
    ("anna.berg@gmail.com", "Shipping is +25$ on top."),
    ("anna.berg@gmail.com", "Results: 3+1,000$ was the bid."),
])
def test_no_signed_sum_from_a_free_mail_stranger_is_no_hit(sender, text):
    assert "balance_lure" not in hits_of(warned(mail(sender, text=text))[0])


def test_a_correspondents_ledger_line_is_no_lure():
    # Enron's accounting: "an offsetting +$1530 due to upstream deals", between colleagues.
    asked = mail("bob@acme.com", ("anna.berg@gmail.com",), direction="outbound")
    reply = mail("anna.berg@gmail.com", ("bob@acme.com",), t=T0 + 60,
                 text="We should have an offsetting +$1,530 due to upstream deals.")
    assert "balance_lure" not in hits_of(warned(asked, reply)[1])

"""Which verdicts ``mailhawk hunt`` returns: the sender, its subdomains, one row a message."""

from __future__ import annotations

import pytest

from schemas import SourcePosition, Verdict
from stream.hunt import SenderQuery, _latest, matches


def _verdict(sender: str, tenant: str = "acme", action: str = "allow",
             message_id: str = "m1", score: float = 0.1) -> Verdict:
    return Verdict(message_id, tenant, ("carl@acme.com",), action, "none", score,
                   (), "model-x", "rules-x", SourcePosition("mail.inbound", 0, 1), 0.0, 1.0,
                   sender=sender)


@pytest.mark.parametrize(("sender", "found"), [
    ("billing@campaign.example", True),
    ("BILLING@Mx.Campaign.Example", True),
    ("a@notcampaign.example", False),  # a suffix is not a subdomain
    ("a@campaign.example.org", False),
    ("", False),
])
def test_a_domain_query_finds_the_domain_and_its_subdomains_only(sender, found) -> None:
    assert matches(_verdict(sender), SenderQuery(domain="Campaign.Example.")) is found


def test_an_address_query_finds_that_address_in_any_case() -> None:
    q = SenderQuery(address="Billing@campaign.example")
    assert matches(_verdict("billing@campaign.example"), q)
    assert not matches(_verdict("other@campaign.example"), q)


def test_tenant_and_delivered_only_narrow_the_rows() -> None:
    q = SenderQuery(domain="campaign.example", tenant="acme", delivered_only=True)
    assert matches(_verdict("a@campaign.example", action="warn"), q)
    assert not matches(_verdict("a@campaign.example", action="quarantine"), q)
    assert not matches(_verdict("a@campaign.example", tenant="globex"), q)


def test_a_query_names_one_sender() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        SenderQuery()
    with pytest.raises(ValueError, match="exactly one"):
        SenderQuery(address="a@x.example", domain="x.example")


def test_a_message_scored_twice_is_one_row_with_its_latest_verdict() -> None:
    first = _verdict("a@x.example", score=0.1)
    again = _verdict("a@x.example", action="quarantine", score=0.9)
    other_tenant = _verdict("a@x.example", tenant="globex")
    rows = _latest([(10, first), (20, other_tenant), (30, again)])
    assert rows == [other_tenant, again]

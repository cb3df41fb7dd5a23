"""Which verdicts ``mailhawk hunt`` returns: by sender, link host or file; one row a message."""

from __future__ import annotations

import pytest

from schemas import SourcePosition, Verdict
from stream.hunt import HuntQuery, _latest, matches


def _verdict(sender: str, tenant: str = "acme", action: str = "allow",
             message_id: str = "m1", score: float = 0.1, hosts: tuple[str, ...] = (),
             files: tuple[str, ...] = ()) -> Verdict:
    return Verdict(message_id, tenant, ("carl@acme.com",), action, "none", score,
                   (), "model-x", "rules-x", SourcePosition("mail.inbound", 0, 1), 0.0, 1.0,
                   sender=sender, link_hosts=hosts, attachment_sha256=files)


_FILE = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.mark.parametrize(("sender", "found"), [
    ("billing@campaign.example", True),
    ("BILLING@Mx.Campaign.Example", True),
    ("a@notcampaign.example", False),  # a suffix is not a subdomain
    ("a@campaign.example.org", False),
    ("", False),
])
def test_a_domain_query_finds_the_domain_and_its_subdomains_only(sender, found) -> None:
    assert matches(_verdict(sender), HuntQuery(domain="Campaign.Example.")) is found


def test_an_address_query_finds_that_address_in_any_case() -> None:
    q = HuntQuery(address="Billing@campaign.example")
    assert matches(_verdict("billing@campaign.example"), q)
    assert not matches(_verdict("other@campaign.example"), q)


def test_tenant_and_delivered_only_narrow_the_rows() -> None:
    q = HuntQuery(domain="campaign.example", tenant="acme", delivered_only=True)
    assert matches(_verdict("a@campaign.example", action="warn"), q)
    assert not matches(_verdict("a@campaign.example", action="quarantine"), q)
    assert not matches(_verdict("a@campaign.example", tenant="globex"), q)


def test_a_query_names_one_indicator() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        HuntQuery()
    with pytest.raises(ValueError, match="exactly one"):
        HuntQuery(address="a@x.example", domain="x.example")
    with pytest.raises(ValueError, match="exactly one"):
        HuntQuery(link_domain="x.example", attachment=_FILE)
    with pytest.raises(ValueError, match="not a SHA-256"):
        HuntQuery(attachment="d41d8cd98f00b204e9800998ecf8427e")  # an MD5


@pytest.mark.parametrize(("query", "found"), [
    ("evil.web.app", True),
    ("EVIL.web.app.", True),
    ("web.app", True),  # every site on the shared domain
    ("login.evil.web.app", False),  # more specific than the link
    ("il.web.app", False),  # a suffix is not a subdomain
    ("bücher.example", True),  # the query is put in the verdicts' xn-- form
])
def test_a_link_query_finds_the_host_and_its_subdomains(query, found) -> None:
    v = _verdict("a@x.example", hosts=("www.acme.com", "evil.web.app", "xn--bcher-kva.example"))
    assert matches(v, HuntQuery(link_domain=query)) is found


def test_an_attachment_query_finds_the_digest_in_any_case() -> None:
    v = _verdict("a@x.example", files=("0" * 64, _FILE))
    assert matches(v, HuntQuery(attachment=_FILE.upper()))
    assert not matches(v, HuntQuery(attachment="1" * 64))
    assert not matches(_verdict("a@x.example"), HuntQuery(attachment=_FILE))


def test_a_message_scored_twice_is_one_row_with_its_latest_verdict() -> None:
    first = _verdict("a@x.example", score=0.1)
    again = _verdict("a@x.example", action="quarantine", score=0.9)
    other_tenant = _verdict("a@x.example", tenant="globex")
    rows = _latest([(10, first), (20, other_tenant), (30, again)])
    assert rows == [other_tenant, again]

"""Which verdicts ``mailhawk hunt`` returns (by sender, link host or file; one row a message),
which messages ``hunt --like`` finds near-copies, and which indicators ``mailhawk campaigns``
finds held at one tenant and delivered at another.
"""

from __future__ import annotations

import orjson
import pytest

from detectors.fingerprint import fingerprints
from schemas import ShadowVerdict, SourcePosition, Verdict, encode_mail, encode_verdict
from stream.hunt import HuntQuery, Spread, _id_needle, _latest, _near_copies, _Tally, matches
from tests.factories import mail


def _verdict(sender: str, tenant: str = "acme", action: str = "allow",
             message_id: str = "m1", score: float = 0.1, hosts: tuple[str, ...] = (),
             files: tuple[str, ...] = (), offset: int = 1,
             recipients: tuple[str, ...] = ("carl@acme.com",)) -> Verdict:
    return Verdict(message_id, tenant, recipients, action, "none", score,
                   (), "model-x", "rules-x", SourcePosition("mail.inbound", 0, offset), 0.0,
                   1.0, sender=sender, link_hosts=hosts, attachment_sha256=files)


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


@pytest.mark.parametrize(("query", "found"), [
    ("192.0.2.7", True),
    ("3221225991", True),  # the same address, spelt as one number
    ("0.2.7", False),  # an address has no parent: "0.2.7" is the address 0.2.0.7
    ("2001:DB8:0::1", True),
    ("2001:db8::2", False),
    ("2.0.0.7", False),  # "10.192.0.2.0.0.7" is no host under it, as for a block
])
def test_a_link_query_for_an_address_finds_that_address_alone(query, found) -> None:
    v = _verdict("a@x.example", hosts=("192.0.2.7", "2001:db8::1", "10.192.0.2.0.0.7"))
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


def test_records_sharing_a_message_id_are_a_row_each() -> None:
    """A gateway writing a record per recipient, a producer's retry, or a sender giving its
    message another's Message-ID: every record names mailboxes to pull, so none is merged
    into another by its id (the last one's recipients alone were listed before)."""
    to_carl = _verdict("a@x.example", action="quarantine", offset=1)
    to_dana = _verdict("a@x.example", action="quarantine", offset=2, recipients=("dana@acme.com",))
    rescored = _verdict("a@x.example", action="quarantine", offset=1)
    rows = _latest([(10, to_carl), (20, to_dana), (30, rescored)])
    assert [r.recipients for r in rows] == [("dana@acme.com",), ("carl@acme.com",)]


# ----------------------------------------------------------------------------- campaigns


def _encoded(sender: str, tenant: str, action: str, message_id: str, *,
             hosts: tuple[str, ...] = (), files: tuple[str, ...] = (),
             shadow_action: str = "") -> bytes:
    v = _verdict(sender, tenant=tenant, action=action, message_id=message_id, hosts=hosts,
                 files=files)
    v.attack_type = "credential_phishing" if action in ("quarantine", "block") else "none"
    if shadow_action:
        v.shadow = ShadowVerdict("model-candidate", shadow_action, "spam", 0.9, "model")
    return encode_verdict(v)


def _tally(records: list[bytes], min_held_share: float = 0.2):
    tally = _Tally(min_held_share)
    for value in records:
        tally.held(value)
    for value in records:
        tally.delivered(value)
    kept = set(tally.spreads)
    return {(s.kind, s.value): s for s in tally.result()}, tally.unreadable, kept


def test_campaigns_finds_what_was_held_at_one_tenant_and_delivered_at_another() -> None:
    site = ("pay-invoice.web.app",)
    found, unreadable, _ = _tally([
        _encoded("a@campaign.example", "acme", "quarantine", "m1", hosts=site, files=(_FILE,)),
        _encoded("a@campaign.example", "acme", "quarantine", "m1", hosts=site),  # scored twice
        _encoded("b@other.example", "globex", "allow", "m2", hosts=site, files=(_FILE,)),
        # a shadow model's "quarantine" in a delivered verdict does not make it held
        _encoded("c@third.example", "initech", "warn", "m3", hosts=site, shadow_action="block"),
        _encoded("x@gmail.com", "acme", "block", "m4"),  # free mail: not an indicator
        _encoded("y@gmail.com", "globex", "allow", "m5"),
        b'{"action":"quarantine", not json',
        b"not a verdict at all",  # passed over: no held action in it
    ])
    assert unreadable == 1
    link = found["link_host", "pay-invoice.web.app"]
    assert (len(link.held), len(link.delivered), link.mailboxes) == (1, 2, 2)
    assert (Spread.tenants(link.held), Spread.tenants(link.delivered)) == (
        ["acme"], ["globex", "initech"])
    assert link.attack_types == {"credential_phishing": 1}
    assert len(found["attachment", _FILE].delivered) == 1
    assert ("sender_domain", "campaign.example") not in found  # held only
    assert not any(kind == "sender_domain" and "gmail" in value for kind, value in found)
    assert next(iter(found)) == ("link_host", "pay-invoice.web.app")  # most delivered first


def test_campaigns_leaves_out_hosts_mostly_in_delivered_mail() -> None:
    lure = _encoded("a@campaign.example", "acme", "quarantine", "m0",
                    hosts=("pay-invoice.web.app", "www.w3.org"))
    newsletters = [_encoded(f"n{i}@news.example", "globex", "allow", f"n{i}",
                            hosts=("www.w3.org",)) for i in range(9)]
    found, _, kept = _tally([lure, *newsletters])
    assert ("link_host", "www.w3.org") not in found  # 1 held of 10
    assert ("link_host", "www.w3.org") not in kept  # nor its messages kept in memory
    found, _, _ = _tally([lure, *newsletters], min_held_share=0.05)
    assert len(found["link_host", "www.w3.org"].delivered) == 9


def test_campaigns_groups_a_campaigns_subdomains_under_its_registrable_domain() -> None:
    found, _, _ = _tally([
        _encoded("a@wave1.rotating.example", "acme", "quarantine", "m1"),
        _encoded("b@wave2.rotating.example", "globex", "allow", "m2"),
        # one subdomain throughout: reported once, as the subdomain
        _encoded("c@mail.steady.example", "acme", "block", "m3"),
        _encoded("d@mail.steady.example", "globex", "warn", "m4"),
        # a platform's many subdomains: mostly delivered, so the platform is no lead
        _encoded("e@victim.platform.example", "acme", "quarantine", "m5"),
        *(_encoded(f"f{i}@user{i}.platform.example", "globex", "allow", f"m{6 + i}")
          for i in range(9)),
    ])
    rotating = found["sender_domain", "rotating.example"]
    assert (len(rotating.held), len(rotating.delivered)) == (1, 1)
    assert ("sender_domain", "wave1.rotating.example") not in found  # held only
    assert ("sender_domain", "mail.steady.example") in found
    assert ("sender_domain", "steady.example") not in found
    assert not any(value.endswith("platform.example") for _, value in found)


_LURE = ("Dear customer, your parcel could not be delivered because the customs fee of 2.99 "
         "EUR was not paid. Pay the fee within 48 hours at the link below, or the parcel "
         "will be returned to the sender and your order cancelled. Thank you, Delivery Team")


@pytest.mark.parametrize("batch", [1000, 2])
def test_near_copies_are_found_whoever_sent_them_and_other_text_is_not(
        batch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A campaign's rotated senders keep its text: each copy is found with its similarity;
    another tenant's copy only when no tenant is asked for; a value that is no mail record
    is counted, not fatal (a copy is validated in full, the others as far as their text);
    a short text has no fingerprint and matches nothing. Batches of two cut the stream
    between copies: the same rows."""
    monkeypatch.setattr("stream.hunt._FINGERPRINT_BATCH", batch)
    query = fingerprints([("Parcel on hold", _LURE)])[0]
    assert query is not None
    values = [
        encode_mail(mail("track@dhl-fees.example", tenant="acme", subject="Parcel on hold",
                         text=_LURE, message_id="<exact@x>")),
        encode_mail(mail("info@post-eu.example", tenant="acme", subject="Parcel on hold",
                         text="Hello Anna, " + _LURE.replace("2.99", "3.49"),
                         message_id="<variant@x>")),
        encode_mail(mail("noreply@parcels.example", tenant="globex", subject="Parcel on hold",
                         text=_LURE, message_id="<other-tenant@x>")),
        encode_mail(mail("bob@partner.example", tenant="acme", subject="Parcel",
                         text="Your parcel with the samples left our warehouse this "
                              "morning; the courier will call you before delivery on "
                              "Thursday, and the invoice follows by post next week.",
                         message_id="<ham@x>")),
        encode_mail(mail("x@y.example", tenant="acme", subject="Parcel on hold",
                         text="Pay the fee.", message_id="<short@x>")),
        b"not json at all", b"[1, 2]",
        orjson.dumps({"subject": "Parcel on hold", "text": _LURE}),  # a copy, no record
    ]
    placed = [(("mail.inbound", 0, n), v) for n, v in enumerate(values)]
    found, unreadable = _near_copies(iter(placed), query[0], tenant="", min_similarity=0.6)
    assert unreadable == 3
    assert sorted(k[1] for k in found) == ["<exact@x>", "<other-tenant@x>", "<variant@x>"]
    exact = found["acme", "<exact@x>", "mail.inbound", 0, 0]
    variant = found["acme", "<variant@x>", "mail.inbound", 0, 1]
    assert exact.similarity == 1.0 and 0.6 <= variant.similarity < 1.0
    assert (variant.sender, variant.recipients) == ("info@post-eu.example", ("bob@acme.com",))
    assert variant.verdict is None  # joined later, from the verdict topic

    acme, _ = _near_copies(iter(placed), query[0], tenant="acme", min_similarity=0.6)
    assert sorted(k[1] for k in acme) == ["<exact@x>", "<variant@x>"]
    strict, _ = _near_copies(iter(placed), query[0], tenant="", min_similarity=0.99)
    assert sorted(k[1] for k in strict) == ["<exact@x>", "<other-tenant@x>"]
    # The same record text at two positions (a record per recipient): two copies.
    twice, _ = _near_copies(iter([(("mail.inbound", 0, 7), values[0]),
                                  (("mail.inbound", 1, 3), values[0])]),
                            query[0], tenant="", min_similarity=0.6)
    assert len(twice) == 2



def test_a_reported_message_is_read_as_eml_record_or_feedback_example(tmp_path) -> None:
    """``hunt --like`` takes the report as the analyst has it: the .eml a user forwarded, a
    MailRecord line (`mailhawk ingest`), or a `feedback export` line carrying the mail. Each
    gives the fingerprint the engine's text would; anything else is a usage error."""
    import click

    from stream.cli import _fingerprint, _report

    record = mail("track@dhl-fees.example", subject="Parcel on hold", text=_LURE)
    want = fingerprints([(record.subject, record.text)])[0]
    assert want is not None
    eml = tmp_path / "report.eml"
    eml.write_bytes(f"From: track@dhl-fees.example\r\nTo: bob@acme.com\r\nSubject: Parcel on "
                    f"hold\r\n\r\n{_LURE}\r\n".encode())
    line = tmp_path / "record.jsonl"
    line.write_bytes(encode_mail(record) + b"\n")
    example = tmp_path / "examples.jsonl"
    example.write_bytes(orjson.dumps({"message_id": record.message_id, "outcome": "missed",
                                      "mail": orjson.loads(encode_mail(record))}) + b"\n")
    for path in (eml, line, example):
        assert _fingerprint(_report(path), path.name) == want[0], path.name
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b'{"outcome": "missed", "mail": null}\n')
    with pytest.raises(click.UsageError, match="neither a message"):
        _report(broken)
    with pytest.raises(click.UsageError, match="too short to fingerprint"):
        _fingerprint(mail(text="Pay the fee now."), "short.eml")


@pytest.mark.parametrize("message_id", ["<CAB+x=9@mail.example.com>", "<m0@test>",
                                        "plain-id-123", "<ü€>"])
def test_a_message_id_is_found_however_the_record_escapes_it(message_id: str) -> None:
    """``hunt --like-message`` passes over records whose bytes cannot hold the id: the
    needle must be in every JSON spelling of it (orjson's, and one escaping HTML and
    non-ASCII characters as some encoders do)."""
    import json

    needle = _id_needle(message_id)
    for spelling in (orjson.dumps({"message_id": message_id}),
                     json.dumps({"message_id": message_id}).replace("<", "\\u003c")
                     .replace(">", "\\u003e").encode()):
        assert needle in spelling, spelling


"""``mailhawk hunt`` against a real broker and engine: what a campaign already delivered.

The campaign is found by each of its indicators: the sender, its phishing site (on shared
hosting, once behind a gateway's rewritten link) and its attachment.
"""

from __future__ import annotations

import time
from dataclasses import replace

import orjson
from click.testing import CliRunner
from confluent_kafka import Producer

from schemas import Attachment, encode_verdict
from stream.cli import main
from stream.config import EngineConfig
from stream.kafka import ensure_topics
from stream.replay import collect, produce_records
from tests.conftest import scored
from tests.factories import T0, mail

_FILE = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def test_hunt_lists_what_a_sender_already_delivered_across_tenants(broker, topics,
                                                                  engine_factory, tmp_path):
    ensure_topics(EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=2,
                               input_topic=topics.input, verdict_topic=topics.verdicts,
                               dead_letter_topic=topics.dead,
                               changelog_topic=topics.changelog))
    engine = engine_factory()
    invoice = Attachment("invoice.pdf", "application/pdf", 48_213, _FILE.upper())
    records = [
        replace(mail("billing@mx.campaign.example", ("ap@acme.example", "cfo@acme.example"),
                     t=T0, tenant="acme", subject="Invoice", text="Please find the invoice.",
                     urls=("https://Pay-Invoice.web.app/view",)), attachments=(invoice,)),
        replace(mail("billing@campaign.example", ("ap@globex.example",), t=T0 + 1,
                     tenant="globex", subject="Invoice", text="Please find the invoice.",
                     urls=("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2F"
                           "pay-invoice.web.app%2Fview&data=x",)), attachments=(invoice,)),
        replace(mail("friend@partner.example", ("ap@acme.example",), t=T0 + 2, tenant="acme",
                     subject="Lunch", text="Lunch on Friday?",
                     urls=("https://menu.web.app/friday",)),
                attachments=(Attachment("menu.pdf", "application/pdf", 1_000, "0" * 64),)),
    ]
    produce_records(broker.bootstrap_servers, topics.input, records)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=60,
                  quiet_after=1.0)
    assert len(got.verdicts) == 3
    assert engine.stop() == 0
    campaign = {v.message_id: v for v in got.verdicts if "campaign" in v.sender}
    # A duplicate verdict (the engine delivers at least once), a verdict of ten days ago
    # and a record that is not a verdict, written beside the engine's.
    old = next(iter(campaign.values()))
    producer = Producer({"bootstrap.servers": broker.bootstrap_servers})
    producer.produce(topics.verdicts, encode_verdict(old), key=old.tenant_id.encode())
    stale = encode_verdict(type(old)(**{**{f: getattr(old, f) for f in old.__slots__},
                                        "message_id": "ten-days-ago"}))
    producer.produce(topics.verdicts, stale, key=b"acme",
                     timestamp=int((time.time() - 10 * 86400) * 1000))
    producer.produce(topics.verdicts, b"not a verdict, about campaign.example", key=b"acme")
    producer.produce(topics.verdicts, b"not a verdict either", key=b"acme")  # passed over
    producer.flush(10)

    def hunt(*args: str):
        result = CliRunner().invoke(main, ["hunt", "--bootstrap-servers",
                                           broker.bootstrap_servers, "--verdict-topic",
                                           topics.verdicts, *args])
        assert result.exit_code == 0, result.output
        return [orjson.loads(line) for line in result.stdout.splitlines()], result.stderr

    rows, summary = hunt("--domain", "campaign.example", "--since-hours", "24")
    assert sorted(r["message_id"] for r in rows) == sorted(campaign)  # once each, none old
    assert {r["tenant_id"] for r in rows} == {"acme", "globex"}
    by_id = {r["message_id"]: r for r in rows}
    for message_id, verdict in campaign.items():
        row = by_id[message_id]
        assert (row["sender"], row["recipients"], row["action"]) == (
            verdict.sender, list(verdict.recipients), verdict.action)
    delivered = [v for v in campaign.values() if v.action in ("allow", "warn")]
    assert delivered  # plain invoices from a new sender: delivered, as in the wild
    assert "2 message(s) from campaign.example in the last 24 h, 2 tenant(s)" in summary
    assert f"still delivered: {len(delivered)} message(s), " \
        f"{sum(len(v.recipients) for v in delivered)} mailbox(es)" in summary
    assert "1 record(s)" in summary and "naming campaign.example are not verdicts" in summary
    assert all(r["link_hosts"] == ["pay-invoice.web.app"] and r["attachment_sha256"] == [_FILE]
               for r in rows)

    # The same campaign by its site and by its file: the rewritten link is found by its
    # destination, and a neighbour's site on the same hosting domain is not the campaign's.
    for indicator in (("--link-domain", "PAY-INVOICE.web.app"), ("--attachment", _FILE)):
        found, summary = hunt(*indicator, "--since-hours", "24")
        assert sorted(r["message_id"] for r in found) == sorted(campaign), indicator
        assert "2 message(s) with" in summary
    # Held at one tenant, delivered at the other: what `mailhawk campaigns` is for.
    held = [v for v in campaign.values() if v.action in ("quarantine", "block")]
    assert len(held) == 1 and len(delivered) == 1, "the premise: one caught, one missed"
    leads = CliRunner().invoke(main, ["campaigns", "--bootstrap-servers",
                                      broker.bootstrap_servers, "--verdict-topic",
                                      topics.verdicts])
    assert leads.exit_code == 0, leads.output
    rows = {(r["kind"], r["value"]): r for r in map(orjson.loads, leads.stdout.splitlines())}
    for indicator in (("link_host", "pay-invoice.web.app"), ("attachment", _FILE)):
        row = rows[indicator]
        assert (row["held"]["tenants"], row["delivered"]["tenants"]) == (
            [held[0].tenant_id], [delivered[0].tenant_id])
        assert row["delivered"]["mailboxes"] == len(delivered[0].recipients)
    assert rows["link_host", "pay-invoice.web.app"]["pull"] == (
        "mailhawk hunt --link-domain pay-invoice.web.app --since-hours 24 --delivered-only")
    assert ("link_host", "menu.web.app") not in rows  # never held
    # mx.campaign.example was one side, campaign.example the other: one sender lead.
    assert rows["sender_domain", "campaign.example"]["hold"] == (
        "mailhawk policy block --all-tenants --domain campaign.example")
    assert ("sender_domain", "mx.campaign.example") not in rows
    assert "3 indicator(s) of mail held in the last 24 h" in leads.stderr

    hosting, _ = hunt("--link-domain", "web.app")
    assert len(hosting) == 3  # every site on it (the ten-day-old copy is past the week)
    assert hunt("--link-domain", "menu.web.app")[0][0]["sender"] == "friend@partner.example"

    older, _ = hunt("--domain", "campaign.example", "--since-hours", "400")
    assert "ten-days-ago" in {r["message_id"] for r in older}
    one, _ = hunt("--address", "billing@campaign.example", "--tenant", "globex")
    assert [r["tenant_id"] for r in one] == ["globex"]
    pulled, _ = hunt("--domain", "campaign.example", "--delivered-only")
    assert all(r["action"] in ("allow", "warn") for r in pulled)
    assert len(pulled) == len(delivered)
    out = tmp_path / "rows.jsonl"
    written, _ = hunt("--domain", "partner.example", "--out", str(out))
    assert written == [] and [orjson.loads(x)["sender"] for x in out.read_bytes().splitlines()
                              ] == ["friend@partner.example"]


def test_a_blocked_link_holds_a_campaigns_next_mail_and_hunt_finds_what_it_delivered(
        broker, topics, engine_factory):
    """The analyst's loop for a phishing site: the campaign rotates senders, so a sender
    block is too late each time; ``policy block --all-tenants --link-domain`` holds the next
    message from any sender on every partition, ``hunt --link-domain`` lists the ones
    already delivered, and ``policy remove`` lifts it."""
    ensure_topics(EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=2,
                               input_topic=topics.input, verdict_topic=topics.verdicts,
                               dead_letter_topic=topics.dead, changelog_topic=topics.changelog,
                               directory_topic=topics.directory))
    engine = engine_factory("engine", "--directory-topic", topics.directory)

    def wave(t: float, n: int):  # a new sender for every message, as the campaign does
        return [mail(f"billing@rotating{t:.0f}x{i}.example", (f"ap@{tenant}.example",),
                     t=t + i, tenant=tenant, subject="Invoice", text="Please see the invoice.",
                     urls=("https://www.rotating.example/logo.png",
                           "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2F"
                           "portal.invoice-cloud.example%2Fview&data=x"))
                for i, tenant in zip(range(n), ("acme", "globex") * n, strict=False)]

    def verdicts(records):
        return scored(broker, topics, records)

    def cli(*args: str):
        result = CliRunner().invoke(main, [*args, "--bootstrap-servers",
                                           broker.bootstrap_servers])
        assert result.exit_code == 0, result.output
        return result

    def policy(*args: str):
        return cli("policy", *args, "--directory-topic", topics.directory, "--group",
                   topics.group)

    first = verdicts(wave(T0, 4))
    assert all(v.action in ("allow", "warn") for v in first)  # new, plain: delivered
    policy("block", "--all-tenants", "--link-domain", "Portal.Invoice-Cloud.example")
    lateral = mail("dana@acme.example", ("ap@acme.example",), t=T0 + 150, tenant="acme",
                   direction="internal", subject="Invoice", text="See the invoice.",
                   urls=("https://portal.invoice-cloud.example/view",))
    *held, colleague = verdicts([*wave(T0 + 100, 4), lateral])
    # A colleague's account spreading the blocked site: held, counted for the alert.
    assert colleague.action == "quarantine"
    assert engine.metric("mailhawk_internal_blocked_total", detector="blocked_link") == 1
    assert engine.metric("mailhawk_internal_blocked_total", detector="blocked_file") == 0
    for v in held:
        assert (v.action, v.decided_by) == ("quarantine", "decisive"), v.tenant_id
        (blocked,) = [h.evidence for h in v.hits if h.detector == "blocked_link"]
        assert blocked == {"blocked_by": "analyst", "matched": "portal.invoice-cloud.example",
                           "host": "portal.invoice-cloud.example", "scope": "all_tenants"}
    assert [engine.metric("mailhawk_policy_all_tenants_rules", partition=str(p),
                          list="blocked_links") for p in range(2)] == [1.0, 1.0]
    listed = orjson.loads(cli("policy", "list", "--all-tenants", "--directory-topic",
                              topics.directory).stdout)
    assert listed["blocked_links"] == ["portal.invoice-cloud.example"]

    pull = cli("hunt", "--verdict-topic", topics.verdicts, "--link-domain",
               "portal.invoice-cloud.example", "--delivered-only")
    rows = [orjson.loads(line) for line in pull.stdout.splitlines()]
    assert sorted(r["message_id"] for r in rows) == sorted(v.message_id for v in first)
    assert "still delivered: 4 message(s), 4 mailbox(es)" in pull.stderr

    policy("remove", "--all-tenants", "--rule", "block", "--link-domain",
           "portal.invoice-cloud.example")
    after = verdicts(wave(T0 + 200, 2))
    assert not any(h.detector == "blocked_link" for v in after for h in v.hits)

    # A file a sandbox named: held for the tenant that blocked it, from any sender.
    def scans(t: float):
        return [replace(mail(f"scanner@printer{t:.0f}.example", (f"ap@{tenant}.example",),
                             t=t + i, tenant=tenant, subject="Scan", text="Scanned document."),
                        attachments=(Attachment("scan.pdf", "application/pdf", 90_000,
                                                _FILE),))
                for i, tenant in enumerate(("acme", "globex"))]

    policy("block", "--tenant", "acme", "--attachment", _FILE.upper())
    acme, globex = verdicts(scans(T0 + 300))
    assert (acme.action, acme.attack_type) == ("quarantine", "malware")
    assert [h.evidence for h in acme.hits if h.detector == "blocked_file"] == [
        {"blocked_by": "analyst", "sha256": _FILE}]
    assert not any(h.detector == "blocked_file" for h in globex.hits)
    assert orjson.loads(cli("policy", "list", "--tenant", "acme", "--directory-topic",
                            topics.directory).stdout)["blocked_files"] == [_FILE]
    assert engine.stop() == 0


_LURE = ("your parcel could not be delivered because the customs fee of 2.99 EUR was not "
         "paid. Pay the fee within 48 hours at the link below, or the parcel will be returned "
         "to the sender and your order cancelled. Thank you for choosing us, Delivery Team")


def test_hunt_like_finds_a_campaigns_copies_whatever_their_senders_and_sites(
        broker, topics, engine_factory, tmp_path):
    """A user reports one message of a campaign that rotates its senders, domains and sites,
    so no sender, domain or link hunt finds the rest: ``hunt --like`` finds every copy of
    its text in every tenant's mail on the input topic, each with the engine's verdict, and
    a copy not scored yet without one; the same from the message a verdict names."""
    ensure_topics(EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=2,
                               input_topic=topics.input, verdict_topic=topics.verdicts,
                               dead_letter_topic=topics.dead,
                               changelog_topic=topics.changelog))
    engine = engine_factory()
    subject = "Your parcel is on hold"
    records = [
        mail("track@dhl-fees.example", ("ann@acme.example",), t=T0, tenant="acme",
             subject=subject, text="Dear Ann, " + _LURE, urls=("https://fee-pay.web.app/a",)),
        mail("info@post-eu.example", ("bo@acme.example", "cy@acme.example"), t=T0 + 60,
             tenant="acme", subject=subject, text="Dear Bo, " + _LURE.replace("2.99", "3.49"),
             urls=("https://parcel-fee.pages.dev/b",)),
        mail("noreply@parcels.example", ("dee@globex.example",), t=T0 + 120, tenant="globex",
             subject=subject, text="Hello Dee, " + _LURE, urls=("https://customs.example/c",)),
        # A colleague forwarded it ("is this real?"): internal mail, delivered.
        mail("cy@acme.example", ("ann@acme.example",), t=T0 + 150, tenant="acme",
             direction="internal", subject="Fw: " + subject, text="Dear Cy, " + _LURE),
        mail("bob@partner.example", ("ann@acme.example",), t=T0 + 180, tenant="acme",
             subject="Samples", text="Your parcel with the samples left our warehouse this "
             "morning; the courier will call you before delivery on Thursday, and the "
             "invoice follows by post next week. Let me know if anything is missing."),
    ]
    produce_records(broker.bootstrap_servers, topics.input, records)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=60,
                  quiet_after=1.0)
    assert engine.stop() == 0
    action = {v.message_id: v.action for v in got.verdicts}
    assert len(action) == 5
    late = mail("fees@rotating.example", ("eve@acme.example",), t=T0 + 240, tenant="acme",
                subject=subject, text="Dear Eve, " + _LURE)  # arrived, not scored yet
    produce_records(broker.bootstrap_servers, topics.input, [late])
    producer = Producer({"bootstrap.servers": broker.bootstrap_servers})
    producer.produce(topics.verdicts, orjson.dumps({  # beside the engine's: no verdict
        "tenant_id": ["acme"], "message_id": records[0].message_id, "action": "allow"}),
        key=b"acme")
    producer.flush(10)
    report = tmp_path / "reported.eml"
    report.write_bytes(("From: Delivery <care@parcel-help.example>\r\nTo: ann@acme.example\r\n"
                        f"Subject: {subject}\r\nMessage-ID: <reported@x>\r\n\r\n"
                        f"Dear customer, {_LURE}\r\n").encode())

    def hunt(*args: str):
        result = CliRunner().invoke(main, [
            "hunt", "--bootstrap-servers", broker.bootstrap_servers, "--verdict-topic",
            topics.verdicts, "--input-topic", topics.input, *args])
        assert result.exit_code == 0, result.output
        return [orjson.loads(line) for line in result.stdout.splitlines()], result.stderr

    rows, summary = hunt("--like", str(report))  # a day by default: it reads every text
    copies = {r.message_id for r in records[:4]} | {late.message_id}
    assert {r["message_id"] for r in rows} == copies  # not the partner's parcel note
    by_id = {r["message_id"]: r for r in rows}
    for record in records[:4]:
        row = by_id[record.message_id]
        assert row["action"] == action[record.message_id]  # the engine's verdict, joined
        assert (row["sender"], row["recipients"]) == (record.sender.address,
                                                      list(record.recipients))
        assert 0.6 <= row["similarity"] <= 1.0
    assert "action" not in by_id[late.message_id]
    assert "5 message(s) like reported.eml (similarity >= 0.6) in the last 24 h, " \
           "2 tenant(s)" in summary
    assert "no verdict in the window: 1" in summary
    delivered = [m for m in copies if action.get(m) in ("allow", "warn")]
    assert delivered and len(delivered) < len(action) - 1, "the premise: some held, some not"
    assert f"still delivered: {len(delivered)} message(s)" in summary

    globex, _ = hunt("--like", str(report), "--tenant", "globex")
    assert [r["message_id"] for r in globex] == [records[2].message_id]
    pulled, _ = hunt("--like", str(report), "--delivered-only")
    assert sorted(r["message_id"] for r in pulled) == sorted(delivered)
    exact, _ = hunt("--like", str(report), "--min-similarity", "0.95")
    assert len(exact) < len(rows)  # the greetings differ: near-copies, not copies
    # From a verdict instead of a report: its message's text is read from the input topic.
    held = records[0]
    same, summary = hunt("--like-message", "acme", held.message_id)
    assert {r["message_id"] for r in same} == copies
    assert by_id[held.message_id]["similarity"] < 1.0  # the report's greeting differs
    assert next(r["similarity"] for r in same if r["message_id"] == held.message_id) == 1.0
    assert f"like {held.message_id} (similarity" in summary
    gone = CliRunner().invoke(main, ["hunt", "--bootstrap-servers", broker.bootstrap_servers,
                                     "--input-topic", topics.input, "--like-message", "globex",
                                     held.message_id])  # another tenant's id: not its message
    assert gone.exit_code == 1 and "no message" in gone.output

    short = tmp_path / "short.eml"
    short.write_bytes(b"From: a@b.example\r\nSubject: hi\r\n\r\nPay the fee now.\r\n")
    refused = CliRunner().invoke(main, ["hunt", "--bootstrap-servers", broker.bootstrap_servers,
                                        "--like", str(short)])
    assert refused.exit_code == 2 and "too short to fingerprint" in refused.output
    both = CliRunner().invoke(main, ["hunt", "--bootstrap-servers", broker.bootstrap_servers,
                                     "--like", str(report), "--domain", "x.example"])
    assert both.exit_code == 2 and "exactly one of" in both.output

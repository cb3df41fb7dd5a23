"""Feedback records, their join to verdicts, and feedback as training data (no broker here;
``tests/integration/test_feedback_service.py`` runs the service against the real one)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemas import Feedback, SchemaError, decode_feedback, encode_feedback, encode_verdict
from schemas.records import DirectoryEntry, Hit, SourcePosition, Verdict
from stream.feedback import (
    OUTCOMES,
    FeedbackMetrics,
    judge,
    summarise_verdict,
    training_example,
    verdict_key,
)
from stream.train import read_feedback
from tests.factories import mail

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "jsonschema"


def _validator() -> Any:
    import jsonschema
    from referencing import Registry, Resource

    docs = {n: json.loads((SCHEMAS / f"{n}.schema.json").read_text())
            for n in ("feedback", "mail_record")}
    registry = Registry().with_resources(
        (d["$id"], Resource.from_contents(d)) for d in docs.values())
    jsonschema.Draft202012Validator.check_schema(docs["feedback"])
    return jsonschema.Draft202012Validator(docs["feedback"], registry=registry)


BASE = {"schema_version": 1, "tenant_id": "acme", "message_id": "<m1@x>", "label": "attack",
        "source": "user", "reported_at": 1.7e9}
MAIL = orjson.loads(orjson.dumps(mail(message_id="<m1@x>").to_dict()))


@pytest.mark.parametrize(("doc", "field"), [
    (BASE, None),
    ({**BASE, "attack_type": "bec", "recipient": "Bob@Acme.com"}, None),
    ({**BASE, "label": "ham", "source": "release"}, None),
    ({**BASE, "mail": MAIL}, None),
    ({**BASE, "mail": None, "attack_type": None}, None),
    ({**BASE, "label": "maybe"}, "label"),
    ({**BASE, "source": "robot"}, "source"),
    ({**BASE, "source": "release"}, "label"),  # a release is ham
    ({**BASE, "label": "ham", "attack_type": "bec"}, "attack_type"),
    ({**BASE, "attack_type": "none"}, "attack_type"),
    ({**BASE, "reported_at": "yesterday"}, "reported_at"),
    ({k: v for k, v in BASE.items() if k != "message_id"}, "message_id"),
    ({**BASE, "tenant_id": ""}, "tenant_id"),
    ({**BASE, "tenant_id": "acme\x1f"}, "tenant_id"),
    ({**BASE, "tenant_id": "acme\n"}, "tenant_id"),
    ({**BASE, "schema_version": 2}, "schema_version"),
    ({**BASE, "mail": {k: v for k, v in MAIL.items() if k != "tenant_id"}}, "mail.tenant_id"),
])
def test_feedback_reader_and_schema_agree(doc: dict[str, Any], field: str | None) -> None:
    assert _validator().is_valid(doc) == (field is None)
    if field is None:
        fb = decode_feedback(orjson.dumps(doc))
        assert _validator().is_valid(fb.to_dict())
        assert decode_feedback(encode_feedback(fb)) == fb
    else:
        with pytest.raises(SchemaError) as err:
            decode_feedback(orjson.dumps(doc))
        assert err.value.field == field


def test_feedback_carrying_another_message_is_refused() -> None:
    other = {**MAIL, "message_id": "<other@x>"}
    with pytest.raises(SchemaError, match="another message") as err:
        decode_feedback(orjson.dumps({**BASE, "mail": other}))
    assert err.value.field == "mail"
    with pytest.raises(SchemaError) as err:
        decode_feedback(b"x" * 100, max_bytes=10)
    assert err.value.kind == "too_large"


def _verdict(action: str, attack_type: str, message_id: str = "<m1@x>") -> Verdict:
    return Verdict(message_id, "acme", ("bob@acme.com",), action, attack_type,  # type: ignore[arg-type]
                   0.97, (Hit("url_risk", 0.7, {"host": "evil.example"}, attack_type),),
                   "model-x", "rules-y", SourcePosition("mail.inbound", 3, 42), 1.7e9, 2.0,
                   "model", sender="billing@fresh.example")


def _summary(action: str, attack_type: str) -> dict[str, Any]:
    item = summarise_verdict(encode_verdict(_verdict(action, attack_type)))
    assert item is not None
    assert item[0] == verdict_key("acme", "<m1@x>")
    return item[1]


@pytest.mark.parametrize(("action", "verdict_type", "label", "reported", "expected"), [
    ("quarantine", "credential_phishing", "attack", "", ("caught", "credential_phishing")),
    ("block", "malware", "attack", "spam", ("caught", "malware")),  # the verdict names it
    ("warn", "spam", "attack", "", ("missed", "spam")),  # warned is delivered: missed
    ("allow", "none", "attack", "bec", ("missed", "bec")),  # the reporter names it
    ("allow", "none", "attack", "", ("missed", "unknown")),
    ("quarantine", "spam", "ham", "", ("false_alarm", "spam")),
    ("block", "bec", "ham", "", ("false_alarm", "bec")),
    ("warn", "spam", "ham", "", ("cleared", "spam")),
    ("allow", "none", "ham", "", ("cleared", "none")),
])
def test_an_outcome_is_the_label_against_whether_the_verdict_held_the_message(
        action: str, verdict_type: str, label: str, reported: str,
        expected: tuple[str, str]) -> None:
    fb = Feedback("acme", "<m1@x>", label, "user", 1.7e9, reported)
    j = judge(_summary(action, verdict_type), fb)
    assert (j.outcome, j.attack_type, j.action) == (*expected, action)
    assert j.outcome in OUTCOMES


@pytest.mark.parametrize(("label", "source"), [("attack", "user"), ("attack", "analyst"),
                                               ("ham", "release")])
def test_feedback_about_mail_a_policy_rule_let_through_is_counted_apart(label, source) -> None:
    """A reported phishing simulation is the simulation working, not detection's miss; an
    attack from an allowed sender is the rule's. Neither may move recall or false alarms."""
    verdict = _verdict("allow", "credential_phishing")
    verdict.decided_by = "policy"
    item = summarise_verdict(encode_verdict(verdict))
    assert item is not None
    j = judge(item[1], Feedback("acme", "<m1@x>", label, source, 1.7e9))
    assert (j.outcome, j.attack_type, j.action) == ("policy", "credential_phishing", "allow")
    assert j.outcome in OUTCOMES


def test_feedback_about_no_known_verdict_is_unmatched() -> None:
    fb = Feedback("acme", "<m1@x>", "attack", "user", 1.7e9, "bec")
    assert judge(None, fb) == ("unmatched", "bec", "unknown")


def test_a_verdict_summary_keeps_no_recipient_or_evidence_and_refuses_what_is_not_one() -> None:
    summary = _summary("quarantine", "credential_phishing")
    assert summary == {"action": "quarantine", "attack_type": "credential_phishing",
                       "score": 0.97, "decided_by": "model", "model_version": "model-x",
                       "rules_version": "rules-y", "scored_at": 1.7e9,
                       "detectors": ["url_risk"], "partition": 3,
                       "sender": "billing@fresh.example"}
    for raw in (None, b"", b"{", b'{"message_id": "x"}', b"[1, 2]",
                orjson.dumps({**orjson.loads(encode_verdict(_verdict("allow", "none"))),
                              "score": "high"})):
        assert summarise_verdict(raw) is None


def test_a_shadow_models_verdict_is_judged_against_the_same_feedback() -> None:
    from schemas import ShadowVerdict
    from stream.feedback import _version_label, judge_shadow

    verdict = _verdict("allow", "none")
    assert judge_shadow(_summary("allow", "none"), Feedback(
        "acme", "<m1@x>", "attack", "user", 1.7e9)) is None  # no shadow model ran
    verdict.shadow = ShadowVerdict("model-candidate", "quarantine", "credential_phishing",
                                   0.96, "model")
    item = summarise_verdict(encode_verdict(verdict))
    assert item is not None
    summary = item[1]
    assert summary["shadow"] == {"action": "quarantine", "attack_type": "credential_phishing",
                                 "decided_by": "model", "model_version": "model-candidate"}
    reported = Feedback("acme", "<m1@x>", "attack", "user", 1.7e9)
    # The model missed what the candidate would have held.
    assert judge(summary, reported).outcome == "missed"
    version, j = judge_shadow(summary, reported)  # type: ignore[misc]
    assert (version, j.outcome, j.attack_type, j.action) == (
        "model-candidate", "caught", "credential_phishing", "quarantine")
    released = Feedback("acme", "<m1@x>", "ham", "release", 1.7e9)
    assert judge_shadow(summary, released)[1].outcome == "false_alarm"  # type: ignore[index]
    assert judge(summary, released).outcome == "cleared"
    # A version is a label only in a version's form.
    assert _version_label("model-070bf9ae0f88") == "model-070bf9ae0f88"
    for bad in ("", "bob@acme.com pwned", "x" * 65, "-lead", 'a"b'):
        assert _version_label(bad) == "unknown"


def test_metric_labels_come_from_fixed_sets_only() -> None:
    metrics = FeedbackMetrics()
    text = metrics.render().decode()
    assert "mailhawk_feedback_outcomes_total" in text
    # every outcome's series exists before the first feedback, so rates are defined
    for outcome in OUTCOMES:
        assert f'outcome="{outcome}"' in text
    from stream.feedback import DEAD_LETTER_KINDS

    for kind in DEAD_LETTER_KINDS:  # and every dead-letter reason's, from 0
        assert f'mailhawk_feedback_dead_letters_total{{kind="{kind}"}} 0.0' in text


def _example(record: Any, label: str, outcome: str, reported_at: float, *,
             attack_type: str = "", verdict: tuple[str, str] | None = None,
             with_mail: bool = True) -> bytes:
    fb = Feedback(record.tenant_id, record.message_id, label, "user", reported_at,
                  attack_type, mail=record if with_mail else None)
    summary = _summary(*verdict) if verdict else None
    return orjson.dumps(training_example(fb, summary, judge(summary, fb)._replace(
        outcome=outcome)))


def test_training_rows_from_feedback_latest_label_wins_in_arrival_order(tmp_path) -> None:
    early, late, unsent = (mail(t=1.7e9 + d, message_id=f"<f{d}@x>") for d in (10, 20, 30))
    lines = [
        _example(late, "attack", "missed", 100.0, verdict=("warn", "spam")),
        _example(early, "attack", "missed", 100.0, attack_type="bec"),
        _example(early, "ham", "false_alarm", 200.0),  # an analyst cleared it later
        _example(unsent, "attack", "missed", 100.0, with_mail=False),
    ]
    path = tmp_path / "examples.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n\n")
    records, labels, summary = read_feedback(path)
    assert [r.message_id for r in records] == [early.message_id, late.message_id]
    assert labels[early.message_id] == ("ham", "none", "feedback, false_alarm")
    assert labels[late.message_id] == ("attack", "spam", "feedback, missed")  # the verdict's
    assert summary["messages"] == 2 and summary["without_mail"] == 1
    path.write_bytes(lines[0] + b"\n{not json\n")
    with pytest.raises(SchemaError, match=r"examples.jsonl:2"):
        read_feedback(path)
    # one campaign, two tenants, one Message-ID: kept while the labels agree
    copy = mail(t=1.7e9 + 40, tenant="other", message_id=late.message_id)
    path.write_bytes(lines[0] + b"\n" + _example(copy, "attack", "missed", 100.0))
    assert [r.tenant_id for r in read_feedback(path)[0]] == ["acme", "other"]
    path.write_bytes(lines[0] + b"\n" + _example(copy, "ham", "cleared", 100.0))
    with pytest.raises(SchemaError, match="at one tenant"):
        read_feedback(path)


def test_a_file_that_gives_nothing_to_train_on_is_refused(tmp_path) -> None:
    """Another JSON-lines file given by mistake, or examples none of which has its mail:
    refused with the reason, not trained on as zero examples (before the long replay)."""
    path = tmp_path / "examples.jsonl"
    path.write_bytes(b'{"verdicts": 3}\n')
    with pytest.raises(SchemaError, match=r"examples.jsonl:1: not a training example"):
        read_feedback(path)
    unsent = mail(t=1.7e9, message_id="<u@x>")
    path.write_bytes(_example(unsent, "attack", "missed", 100.0, with_mail=False) + b"\n")
    with pytest.raises(SchemaError, match=r"no example carries its message \(1 without one\)"):
        read_feedback(path)


def test_train_with_feedback_learns_from_it_and_says_so(tmp_path) -> None:
    """``mailhawk train --feedback``: the rows are replayed, split by time, recorded in the
    manifest, and the report warns that the model learnt from the organisation's own mail."""
    from itertools import islice

    from bench.generate import generate
    from stream.train import train, write_report

    lines = []
    for n, (record, label) in enumerate(islice(generate(1, 4, 11, attack_rate=0.2), 60)):
        lines.append(_example(record, label.label, "missed" if label.label == "attack"
                              else "cleared", 1.7e9 + n,
                              attack_type=label.attack_type if label.label == "attack"
                              else ""))
    path = tmp_path / "examples.jsonl"
    path.write_bytes(b"\n".join(lines))
    out = tmp_path / "artifact"
    report = train(out, corpora=None, synthetic_tenants=1, synthetic_days=6, feedback=path,
                   progress=False)
    assert report["feedback"]["messages"] == 60
    assert report["rows"]["train"] + report["rows"]["calibrate"] + report["rows"]["test"] > 60
    assert report["test_by_stream"]["feedback"]["messages"] == 12  # its latest 20%
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["training_data"]["feedback"]["sha256_ids"] == \
        report["feedback"]["sha256_ids"]
    write_report(report, tmp_path / "report")
    assert "your own feedback" in (tmp_path / "report" / "report.md").read_text()


def test_the_engines_kafka_security_settings_become_faust_credentials() -> None:
    import faust

    from stream.feedback import FeedbackConfig, faust_credentials

    assert faust_credentials({}) is None
    assert faust_credentials({"security.protocol": "plaintext", "linger.ms": "5"}) is None
    tls = faust_credentials({"security.protocol": "SSL"})
    assert isinstance(tls, faust.SSLCredentials) and tls.context.check_hostname
    scram = faust_credentials({"security.protocol": "SASL_SSL", "sasl.mechanism":
                               "SCRAM-SHA-512", "sasl.username": "svc", "sasl.password": "pw",
                               "ssl.endpoint.identification.algorithm": "none"})
    assert isinstance(scram, faust.SASLCredentials)
    assert (scram.protocol.value, scram.mechanism.value, scram.username) == (
        "SASL_SSL", "SCRAM-SHA-512", "svc")
    assert not scram.ssl_context.check_hostname
    plain = faust_credentials({"security.protocol": "sasl_plaintext", "sasl.username": "u",
                               "sasl.password": "p"})
    assert (plain.protocol.value, plain.mechanism.value) == ("SASL_PLAINTEXT", "PLAIN")
    for unsupported in ({"security.protocol": "SASL_SSL", "sasl.mechanism": "GSSAPI"},
                        {"security.protocol": "kerberos"}):
        with pytest.raises(SchemaError):
            faust_credentials(unsupported)
    # the password never reaches a log line through the config's repr
    assert "pw" not in repr(FeedbackConfig(kafka_extra={"sasl.password": "pw"}))


@pytest.mark.parametrize(("label", "source", "with_mail", "kind"), [
    ("attack", "analyst", True, "blocked_sender"),
    ("attack", "user", True, None),  # a user's report alone never blocks for the tenant
    ("attack", "analyst", False, "blocked_sender"),  # the verdict names the sender
    ("ham", "release", True, "cleared_sender"),
    ("ham", "release", False, "cleared_sender"),  # a release carries only the message id
    ("ham", "analyst", True, "cleared_sender"),
    ("ham", "user", True, None),
])
def test_only_an_analyst_blocks_a_sender_and_a_release_clears_it(
        label: str, source: str, with_mail: bool, kind: str | None) -> None:
    from stream.feedback import sender_entry

    record = mail("Billing@Fresh.example", message_id="<m1@x>")
    fb = Feedback("acme", "<m1@x>", label, source, 1.7e9, mail=record if with_mail else None)
    entry = sender_entry(fb, _summary("quarantine", "invoice_fraud"))
    assert (entry.kind if entry else None) == kind
    # No message and no verdict (or a verdict of an older build): no sender to name.
    assert sender_entry(replace(fb, mail=None)) is None
    assert sender_entry(replace(fb, mail=None), {"sender": ""}) is None
    if entry is not None:
        assert (entry.tenant_id, entry.address) == ("acme", "billing@fresh.example")


@pytest.mark.parametrize(("label", "source", "action", "released"), [
    ("ham", "release", "quarantine", True),
    ("ham", "analyst", "block", True),
    ("ham", "user", "quarantine", False),  # a user's word alone changes no tenant state
    ("ham", "release", "warn", False),  # delivered mail: the memory never filed it
    ("attack", "analyst", "quarantine", False),
])
def test_a_release_of_held_mail_makes_the_campaign_memory_forget_it(
        label: str, source: str, action: str, released: bool) -> None:
    from stream.feedback import release_entry

    fb = Feedback("acme", "<m1@x>", label, source, 1.7e9)
    entry = release_entry(fb, _summary(action, "spam"))
    assert (entry is not None) == released
    if entry is not None:
        assert (entry.tenant_id, entry.kind, entry.message_id) == ("acme", "released_message",
                                                                    "<m1@x>")
        assert DirectoryEntry.from_dict(entry.to_dict()) == entry
    assert release_entry(fb) is None  # no verdict: nothing says it was held


LONG = ("Your mailbox storage is full. To keep receiving messages, verify your account within "
        "24 hours at the link below, or your mailbox will be suspended and all messages "
        "deleted. Log in now to upgrade your quota at no cost.")


@pytest.mark.parametrize(("label", "source", "text", "attack_type", "verdict_type", "want"), [
    ("attack", "analyst", LONG, "credential_phishing", "spam", "credential_phishing"),
    ("attack", "analyst", LONG, "", "scam", "scam"),  # the verdict's type, then spam
    ("attack", "analyst", LONG, "", "none", "spam"),
    ("attack", "user", LONG, "", "spam", None),  # a user's report alone files nothing
    ("attack", "analyst", "see attached", "", "spam", None),  # too short to fingerprint
    ("ham", "analyst", LONG, "", "spam", None),
])
def test_an_analysts_confirmed_attack_is_filed_in_the_campaign_memory(
        label: str, source: str, text: str, attack_type: str, verdict_type: str,
        want: str | None) -> None:
    from detectors.fingerprint import signature_reference
    from state.profiles import HELD_CONTENT_WINDOW
    from stream.feedback import report_entry

    record = mail("billing@fresh.example", message_id="<m1@x>", subject="Quota", text=text)
    fb = Feedback("acme", "<m1@x>", label, source, 1.7e9, attack_type=attack_type,
                  mail=record)
    entry = report_entry(fb, _summary("allow" if verdict_type == "none" else "warn",
                                      verdict_type))
    assert (entry.attack_type if entry else None) == want
    if entry is not None:
        assert (entry.kind, entry.message_id) == ("reported_message", "<m1@x>")
        assert bytes.fromhex(entry.fingerprint) == signature_reference("Quota", text)
        assert entry.expires_at == record.received_at + HELD_CONTENT_WINDOW
        assert DirectoryEntry.from_dict(entry.to_dict()) == entry
    assert report_entry(replace(fb, mail=None)) is None  # the text is what it files


def test_analyst_blocks_hold_a_confirmed_senders_later_mail_ham_included() -> None:
    from types import SimpleNamespace as D

    from stream.train import with_analyst_blocks

    senders = [("t", "a@x"), ("t", "a@x"), ("u", "a@x"), ("t", "b@x"), ("t", "b@x"),
               ("t", "a@x")]
    decisions = [D(action="quarantine", attack_type="spam"), D(action="allow", attack_type="none"),
                 D(action="allow", attack_type="none"), D(action="allow", attack_type="none"),
                 D(action="allow", attack_type="none"), D(action="warn", attack_type="spam")]
    labels = [1, 1, 1, 1, 0, 0]
    out = with_analyst_blocks(senders, decisions, labels)
    assert [d.action for d in out] == ["quarantine", "quarantine", "allow", "allow", "allow",
                                       "quarantine"]  # per tenant; missed attacks block nothing


def test_a_separator_in_a_message_id_cannot_make_one_tenants_key_anothers():
    """A message id is the sender's to write; tenant ids are joined to it in table keys."""
    assert verdict_key("a\x1fb", "c") != verdict_key("a", "b\x1fc")
    assert verdict_key("acme", "<m1@x>") == "acme\x1f<m1@x>"  # every other key as it was

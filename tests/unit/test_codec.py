"""The wire codec: records survive encoding, and a bad record fails with a precise reason.

``MailRecord.from_dict`` validates by hand (it runs once per message on the hot path) and the
files in ``schemas/jsonschema/`` document the same format for everyone else. The table
``AGREEMENT`` below is the contract between the two: every document is accepted by both or
refused by both, and the reader's ``SchemaError`` names the kind and the field the schema
blames. Cases where they once disagreed stay in ``FORMER_DISAGREEMENTS`` as regression tests
naming the bug they guard against.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import ValidationError, best_match

import schemas
from schemas import (
    ACTIONS,
    ATTACK_TYPES,
    Address,
    Attachment,
    AuthResults,
    DeadLetter,
    Hit,
    MailRecord,
    RecordTooLargeError,
    SchemaError,
    ShadowVerdict,
    SourcePosition,
    Url,
    Verdict,
    decode_dead_letter,
    decode_mail,
    decode_verdict,
    encode_dead_letter,
    encode_mail,
    encode_verdict,
)
from schemas.records import (
    AUTH_OUTCOMES,
    DEAD_LETTER_HEADER_PREFIX,
    DIRECTIONS,
    MAX_VERDICT_INDICATORS,
    attachment_hashes,
)
from tests.factories import T0

SCHEMA_DIR = Path(schemas.__file__).parent / "jsonschema"


@cache
def schema(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text())
    return document


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema(name))
    return jsonschema.Draft202012Validator(schema(name))


def schema_blames(name: str, doc: Any) -> str | None:
    """The field the schema refuses ``doc`` for, spelt like SchemaError.field; None if valid."""
    error: ValidationError | None = best_match(validator(name).iter_errors(doc))
    if error is None:
        return None
    path: list[str | int] = list(error.absolute_path)
    if error.validator == "required":
        path.append(next(p for p in error.validator_value if p not in error.instance))
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def reader_verdict(doc: Any) -> tuple[str, str] | None:
    """``(kind, field)`` of the SchemaError decode_mail raises for ``doc``; None if accepted."""
    try:
        decode_mail(orjson.dumps(doc))
    except SchemaError as exc:
        return exc.kind, exc.field
    return None


# --------------------------------------------------------------------------- examples

FULL = MailRecord(
    message_id="CAF=x9+Zoë.1@mail.example.de",
    tenant_id="acme-gmbh",
    direction="outbound",
    received_at=T0 + 0.125,
    sender=Address("zoe.angstrom@acme.example", "Zoë Ångström (Buchhaltung)"),
    to=(Address("bob@partner.example", "Bob Müller"), Address("kim@partner.example")),
    cc=(Address("李雷@例子.公司", "李雷"),),
    reply_to=(Address("zoe@acme.example", "Zoë"),),
    return_path="bounces+zoe=acme.example@mailer.acme.example",
    subject="Überweisung — 請求書 Nr. 42 📎",
    text="Hallo Bob,\nbitte die Rechnung bis Freitag begleichen. Grüße\n— Zoë 🙂",
    html='<p>Hallo <b>Bob</b>, <a href="https://pay.acme.example/i/42">Rechnung öffnen</a></p>',
    urls=(Url("https://pay.acme.example/i/42", "Rechnung öffnen"),
          Url("http://www.acme.example/datenschutz")),
    attachments=(
        Attachment("Rechnung Nr. 42.pdf", "application/pdf", 48_213, "ab" * 32),
        Attachment("scan.zip", "application/zip", 20_971_520, "cd" * 32, stripped=True),
    ),
    auth=AuthResults("pass", "fail", "permerror"),
    client_ip="2001:db8::25",
    in_reply_to="prev.1@partner.example",
    references=("root@partner.example", "prev.1@partner.example"),
    headers={"x-mailer": "Microsoft Outlook 16.0", "content-language": "de-DE",
             "list-unsubscribe": "<mailto:off@acme.example?subject=abmelden>"},
    from_mailboxes=2,
)

MINIMAL: dict[str, Any] = {
    "schema_version": 1,
    "message_id": "m1@test",
    "tenant_id": "acme",
    "received_at": T0,
    "from": {"address": "alice@partner.com"},
}


def with_(**fields: Any) -> dict[str, Any]:
    """MINIMAL with ``fields`` set (``from_`` spells ``from``)."""
    doc = dict(MINIMAL)
    for key, value in fields.items():
        doc[key.rstrip("_")] = value
    return doc


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in MINIMAL.items() if k != key}


def attachment(**fields: Any) -> dict[str, Any]:
    return with_(attachments=[{"filename": "a.pdf", "size": 10, **fields}])


# (case, document, None when accepted else (SchemaError.kind, SchemaError.field))
AGREEMENT: list[tuple[str, Any, tuple[str, str] | None]] = [
    ("only the required fields", MINIMAL, None),
    ("every field, as to_dict writes it", FULL.to_dict(), None),
    ("null optional fields read as absent",
     with_(direction=None, to=None, cc=None, subject=None, auth=None, headers=None,
           references=None, from_={"address": "a@b.c", "name": None}), None),
    ("an unknown field is ignored (forward compatibility)", with_(x_future={"a": 1}), None),
    ("an integer time", with_(received_at=1_767_600_000), None),
    ("auth outcomes in any letter case", with_(auth={"spf": "PASS", "dkim": "SoftFail"}), None),
    ("an empty from address (the converter keeps such mail)", with_(from_={"address": ""}),
     None),
    ("not an object", [MINIMAL], ("wrong_type", "")),
    ("no schema_version", without("schema_version"), ("missing_field", "schema_version")),
    ("schema_version 2", with_(schema_version=2), ("schema_version", "schema_version")),
    ("schema_version as a string", with_(schema_version="1"),
     ("schema_version", "schema_version")),
    ("no message_id", without("message_id"), ("missing_field", "message_id")),
    ("empty message_id", with_(message_id=""), ("invalid_value", "message_id")),
    ("numeric message_id", with_(message_id=42), ("wrong_type", "message_id")),
    ("no tenant_id", without("tenant_id"), ("missing_field", "tenant_id")),
    ("empty tenant_id", with_(tenant_id=""), ("invalid_value", "tenant_id")),
    ("the reserved tenant of every tenant", with_(tenant_id="*"),
     ("invalid_value", "tenant_id")),
    # U+001F separates a state key's parts: a tenant id holding one could spell another's.
    ("a key separator in tenant_id", with_(tenant_id="acme\x1fP"),
     ("invalid_value", "tenant_id")),
    ("a control character in tenant_id", with_(tenant_id="acme\x7f"),
     ("invalid_value", "tenant_id")),
    # A pattern anchored with "$" matches before a final newline in Python's re: the schema
    # once let "acme\n" through.
    ("a tenant_id ending in a newline", with_(tenant_id="acme\n"),
     ("invalid_value", "tenant_id")),
    ("a non-ASCII tenant_id", with_(tenant_id="société-générale"), None),
    ("no from", without("from"), ("missing_field", "from")),
    ("from is null", with_(from_=None), ("wrong_type", "from")),
    ("from is a bare string", with_(from_="alice@partner.com"), ("wrong_type", "from")),
    ("from without an address", with_(from_={"name": "Alice"}),
     ("missing_field", "from.address")),
    ("from address is a number", with_(from_={"address": 7}), ("wrong_type", "from.address")),
    ("no received_at", without("received_at"), ("missing_field", "received_at")),
    ("received_at as an ISO string", with_(received_at="2026-01-05T00:00:00Z"),
     ("wrong_type", "received_at")),
    ("received_at as a boolean", with_(received_at=True), ("wrong_type", "received_at")),
    ("unknown direction", with_(direction="sideways"), ("invalid_value", "direction")),
    ("direction is case-sensitive", with_(direction="Inbound"),
     ("invalid_value", "direction")),
    ("to is a string", with_(to="bob@acme.com"), ("wrong_type", "to")),
    ("second to without an address", with_(to=[{"address": "bob@acme.com"}, {"name": "Eve"}]),
     ("missing_field", "to[1].address")),
    ("cc entry is a string", with_(cc=["bob@acme.com"]), ("wrong_type", "cc[0]")),
    ("unknown auth outcome", with_(auth={"spf": "maybe"}), ("invalid_value", "auth.spf")),
    ("auth outcome is a number", with_(auth={"dkim": 1}), ("wrong_type", "auth.dkim")),
    ("auth is a string", with_(auth="pass"), ("wrong_type", "auth")),
    ("header with a non-string value", with_(headers={"x-priority": 1}),
     ("wrong_type", "headers")),
    ("references with a number", with_(references=["a@b", 3]), ("wrong_type", "references")),
    ("url without its url", with_(urls=[{"anchor_text": "click"}]),
     ("missing_field", "urls[0].url")),
    ("attachment without a size", with_(attachments=[{"filename": "a.pdf"}]),
     ("missing_field", "attachments[0].size")),
    ("attachment size as a string", attachment(size="10"),
     ("wrong_type", "attachments[0].size")),
    ("subject is a number", with_(subject=5), ("wrong_type", "subject")),
    ("no From mailbox counted", with_(from_mailboxes=0), None),
    ("three From mailboxes", with_(from_mailboxes=3), None),
    ("negative From mailboxes", with_(from_mailboxes=-1), ("invalid_value", "from_mailboxes")),
    ("From mailboxes beyond 32 bits", with_(from_mailboxes=2**31),
     ("invalid_value", "from_mailboxes")),
    ("From mailboxes as a string", with_(from_mailboxes="2"),
     ("wrong_type", "from_mailboxes")),
    ("From mailboxes as a boolean", with_(from_mailboxes=True),
     ("wrong_type", "from_mailboxes")),
    ("From mailboxes as a fraction", with_(from_mailboxes=1.5),
     ("wrong_type", "from_mailboxes")),
]


@pytest.mark.parametrize(("doc", "expected"), [pytest.param(d, e, id=c) for c, d, e in AGREEMENT])
def test_reader_and_schema_agree(doc: Any, expected: tuple[str, str] | None) -> None:
    assert reader_verdict(doc) == expected
    blamed = schema_blames("mail_record", doc)
    if expected is None:
        assert blamed is None
    else:
        # The reader names the field or, for a map or list of scalars, its container.
        field = expected[1]
        assert blamed is not None
        assert blamed == field or blamed.startswith((field + ".", field + "[")), blamed


FORMER_DISAGREEMENTS = [
    ("schema_version true", with_(schema_version=True),
     "records._version compares with != and True == 1"),
    ("headers an empty list", with_(headers=[]),
     "MailRecord.from_dict reads headers as `d.get('headers') or {}`"),
    ("headers false", with_(headers=False),
     "MailRecord.from_dict reads headers as `d.get('headers') or {}`"),
    ("stripped the string 'no'", attachment(stripped="no"),
     "Attachment.from_dict applies bool(): 'no' and 'false' become True"),
    ("size 1.5", attachment(size=1.5), "Attachment.from_dict truncates with int()"),
    ("negative size", attachment(size=-1), "Attachment.from_dict takes any number"),
    ("size beyond 64 bits", attachment(size=1e20),
     "accepted, but encode_mail then raises TypeError 'Integer exceeds 64-bit range'"),
]


@pytest.mark.parametrize(("doc", "bug"), [
    pytest.param(d, bug, id=c) for c, d, bug in FORMER_DISAGREEMENTS
])
def test_reader_and_schema_agree_where_they_once_did_not(doc: Any, bug: str) -> None:
    assert (reader_verdict(doc) is None) == (schema_blames("mail_record", doc) is None), bug


def test_schema_enums_are_the_records_constants() -> None:
    mail = schema("mail_record")
    assert set(mail["properties"]["direction"]["enum"]) == set(DIRECTIONS) | {None}
    outcome = mail["$defs"]["auth_outcome"]
    assert set(outcome["anyOf"][0]["enum"]) == set(AUTH_OUTCOMES) | {"", None}
    verdict = schema("verdict")
    assert verdict["properties"]["action"]["enum"] == list(ACTIONS)
    assert verdict["properties"]["attack_type"]["enum"] == list(ATTACK_TYPES)
    assert set(verdict["$defs"]["hit"]["properties"]["attack_type"]["enum"]) == \
        set(ATTACK_TYPES) | {"any"}
    shadow = verdict["properties"]["shadow"]["properties"]
    assert shadow["action"]["enum"] == list(ACTIONS)
    assert shadow["attack_type"]["enum"] == list(ATTACK_TYPES)
    assert shadow["decided_by"]["enum"] == verdict["properties"]["decided_by"]["enum"]


@pytest.mark.parametrize(("name", "written"), [
    ("mail_record", lambda: FULL.to_dict()),
    ("verdict", lambda: verdict_example(shadow=ShadowVerdict(
        "model-candidate", "warn", "spam", 0.8, "model")).to_dict()),
    ("dead_letter", lambda: dead_letter_example().to_dict()),
])
def test_every_field_written_is_documented(name: str, written: Any) -> None:
    properties = schema(name)["properties"]

    assert set(properties) == set(written())
    assert all(p.get("description") for p in properties.values())


def test_auth_outcome_pattern_matches_exactly_the_outcomes_in_any_case() -> None:
    for outcome in AUTH_OUTCOMES:
        for spelling in (outcome, outcome.upper(), outcome.title()):
            assert schema_blames("mail_record", with_(auth={"spf": spelling})) is None
            assert reader_verdict(with_(auth={"spf": spelling})) is None
        for wrong in (outcome + "\n", " " + outcome, outcome + "x"):
            assert schema_blames("mail_record", with_(auth={"spf": wrong})) == "auth.spf"
            assert reader_verdict(with_(auth={"spf": wrong})) == ("invalid_value", "auth.spf")


# --------------------------------------------------------------------------- MailRecord


def test_full_record_round_trips_with_unicode_intact() -> None:
    raw = encode_mail(FULL)

    assert decode_mail(raw) == FULL
    assert "Überweisung — 請求書 Nr. 42 📎".encode() in raw  # UTF-8, not \\u escapes


def test_full_record_is_valid_against_the_schema() -> None:
    assert schema_blames("mail_record", orjson.loads(encode_mail(FULL))) is None


def test_reader_fills_defaults_for_absent_fields() -> None:
    record = decode_mail(orjson.dumps(MINIMAL))

    assert record == MailRecord("m1@test", "acme", "inbound", T0, Address("alice@partner.com"))
    assert record.auth == AuthResults("", "", "")
    assert record.from_mailboxes == 1


def test_a_from_of_one_mailbox_is_not_written_so_older_readers_see_no_change() -> None:
    one = decode_mail(orjson.dumps(MINIMAL))
    assert "from_mailboxes" not in orjson.loads(encode_mail(one))
    assert orjson.loads(encode_mail(FULL))["from_mailboxes"] == 2


def test_reader_lower_cases_addresses_and_auth_outcomes() -> None:
    record = decode_mail(orjson.dumps(with_(
        from_={"address": "Alice@Partner.COM", "name": "Alice Example"},
        to=[{"address": "BOB@acme.com"}], return_path="Bounce@Partner.COM",
        auth={"spf": "PASS", "dkim": "Fail", "dmarc": "none"})))

    assert record.sender == Address("alice@partner.com", "Alice Example")
    assert record.to == (Address("bob@acme.com"),)
    assert record.return_path == "bounce@partner.com"
    assert record.auth == AuthResults("pass", "fail", "none")


def test_invalid_json_is_kind_invalid_json() -> None:
    with pytest.raises(SchemaError) as caught:
        decode_mail(b'{"schema_version": 1, "message_id": ')
    assert (caught.value.kind, caught.value.field) == ("invalid_json", "")


def test_bytes_that_are_not_utf8_are_invalid_json() -> None:
    with pytest.raises(SchemaError) as caught:
        decode_mail(orjson.dumps(MINIMAL).replace(b"acme", b"\xffcme"))
    assert caught.value.kind == "invalid_json"


def test_a_tombstone_is_kind_empty() -> None:
    with pytest.raises(SchemaError) as caught:
        decode_mail(None)
    assert (caught.value.kind, caught.value.field) == ("empty", "")


def test_a_record_over_the_limit_is_refused_without_being_parsed() -> None:
    raw = b"{" + b" " * 100  # not JSON: parsing it would say invalid_json

    with pytest.raises(RecordTooLargeError) as caught:
        decode_mail(raw, max_bytes=100)

    assert isinstance(caught.value, SchemaError)
    assert (caught.value.kind, caught.value.field) == ("too_large", "")
    assert (caught.value.size, caught.value.limit) == (101, 100)


def test_a_record_of_exactly_the_limit_is_parsed() -> None:
    raw = orjson.dumps(MINIMAL)

    assert decode_mail(raw, max_bytes=len(raw)).message_id == "m1@test"


json_scalars = (st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=16,
)
# Well-shaped values for every field, so the fuzz reaches the nested checks, and junk for
# one field or one nested key at a time.
text = st.text(max_size=10)
optional_text = text | st.none()
addresses = st.fixed_dictionaries({"address": text}, optional={"name": optional_text})
outcomes = st.sampled_from(sorted(AUTH_OUTCOMES)).flatmap(
    lambda o: st.sampled_from([o, o.upper(), ""]))
WELL_SHAPED: dict[str, Any] = {
    "direction": st.sampled_from(["inbound", "outbound", "internal", None]),
    "to": st.lists(addresses, max_size=3), "cc": st.lists(addresses, max_size=2),
    "reply_to": st.lists(addresses, max_size=1), "return_path": optional_text,
    "subject": optional_text, "text": optional_text, "html": optional_text,
    "urls": st.lists(st.fixed_dictionaries({"url": text}, optional={"anchor_text": text}),
                     max_size=2),
    "attachments": st.lists(st.fixed_dictionaries(
        {"size": st.integers(0, 2**40)},
        optional={"filename": text, "content_type": text, "sha256": text,
                  "stripped": st.booleans()}), max_size=2),
    "auth": st.fixed_dictionaries({}, optional={k: outcomes for k in ("spf", "dkim", "dmarc")}),
    "client_ip": optional_text, "in_reply_to": optional_text,
    "references": st.lists(text, max_size=2),
    "headers": st.dictionaries(text, text, max_size=2),
}
well_shaped = st.fixed_dictionaries(
    {"schema_version": st.just(1), "message_id": st.text(min_size=1, max_size=6),
     "tenant_id": st.text(min_size=1, max_size=6),
     "received_at": st.floats(allow_nan=False, allow_infinity=False) | st.integers(0, 2**40),
     "from": addresses},
    optional=WELL_SHAPED,
)


def _break_one_field(doc: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(sorted(doc)).flatmap(
        lambda key: json_values.map(lambda junk: {**doc, key: junk}))


def _break_one_nested_key(doc: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    nested = [(k, i) for k, v in doc.items() if isinstance(v, list)
              for i, item in enumerate(v) if isinstance(item, dict)]
    nested += [(k, None) for k in ("from", "auth") if isinstance(doc.get(k), dict)]
    if not nested:
        return st.just(doc)

    def broken(where: tuple[str, int | None], key: str, junk: Any) -> dict[str, Any]:
        field, index = where
        out = dict(doc)
        if index is None:
            out[field] = {**doc[field], key: junk}
        else:
            items = list(doc[field])
            items[index] = {**items[index], key: junk}
            out[field] = items
        return out

    return st.builds(broken, st.sampled_from(nested),
                     st.sampled_from(["address", "name", "url", "anchor_text", "size",
                                      "filename", "stripped", "spf", "dkim"]), json_values)


near_valid = well_shaped
one_field_broken = well_shaped.flatmap(_break_one_field) | well_shaped.flatmap(
    _break_one_nested_key)
documents = json_values | near_valid | one_field_broken


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents)
def test_any_json_decodes_to_a_record_or_raises_schema_error(doc: Any) -> None:
    try:
        record = decode_mail(orjson.dumps(doc))
    except SchemaError as exc:
        assert exc.kind in {"missing_field", "wrong_type", "schema_version", "invalid_value"}
        return
    assert isinstance(record, MailRecord)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=near_valid | one_field_broken)
def test_a_record_read_is_written_back_unchanged(doc: Any) -> None:
    try:
        record = decode_mail(orjson.dumps(doc))
    except SchemaError:
        return
    assume(all(a.size < 2**63 for a in record.attachments))  # see KNOWN_DISAGREEMENTS

    assert decode_mail(encode_mail(record)) == record


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=near_valid | one_field_broken)
def test_a_document_the_schema_accepts_is_never_dead_lettered(doc: Any) -> None:
    if schema_blames("mail_record", doc) is None:
        assert reader_verdict(doc) is None


# --------------------------------------------------------------------------- Verdict


def verdict_example(**changes: Any) -> Verdict:
    fields: dict[str, Any] = dict(
        message_id="m1@test", tenant_id="acme", recipients=("bob@acme.com", "kim@acme.com"),
        action="quarantine", attack_type="invoice_fraud", score=0.8125,
        hits=(
            Hit("vendor_fraud", 0.7, {"domain": "acme-payments.example", "lookalike_of":
                                      "acme.example", "phrase": "neue Bankverbindung"},
                "invoice_fraud"),
            Hit("first_contact", 0.15, {"first_contact": True, "recipients": 2}, "any"),
        ),
        model_version="behaviour-2026.01", rules_version="rules-2026.11.0",
        source=SourcePosition("mail.inbound", 3, 1_204), scored_at=T0 + 2.5, latency_ms=12.5,
        decided_by="corroborated",
    )
    fields.update(changes)
    return Verdict(**fields)


def test_verdict_round_trips() -> None:
    verdict = verdict_example()

    assert decode_verdict(encode_verdict(verdict)) == verdict


def test_verdict_names_link_hosts_and_attachment_digests_and_older_ones_read_empty() -> None:
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    verdict = verdict_example(link_hosts=("evil.web.app", "www.acme.com"),
                              attachment_sha256=(digest,))
    doc = orjson.loads(encode_verdict(verdict))
    assert doc["link_hosts"] == ["evil.web.app", "www.acme.com"]
    assert doc["attachment_sha256"] == [digest]
    assert schema_blames("verdict", doc) is None
    assert schema_blames("verdict", {**doc, "attachment_sha256": ["md5:abc"]}) == \
        "attachment_sha256[0]"
    assert decode_verdict(encode_verdict(verdict)) == verdict
    del doc["link_hosts"], doc["attachment_sha256"]  # as a build before the fields wrote it
    old = decode_verdict(orjson.dumps(doc))
    assert (old.link_hosts, old.attachment_sha256) == ((), ())


def test_a_verdict_names_each_well_formed_attachment_digest_once_in_lower_case() -> None:
    digest = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
    files = [Attachment("a.pdf", "application/pdf", 1, digest),
             Attachment("b.pdf", "application/pdf", 1, digest.lower()),
             Attachment("c.pdf", "application/pdf", 1, ""),
             Attachment("d.pdf", "application/pdf", 1, "not-a-digest"),
             *(Attachment(f"{i}.bin", "application/octet-stream", 1, f"{i:064x}")
               for i in range(40))]
    names = attachment_hashes(files)
    assert names[0] == digest.lower()
    assert len(names) == MAX_VERDICT_INDICATORS
    assert len(set(names)) == MAX_VERDICT_INDICATORS


def test_verdict_says_what_decided_it_and_older_verdicts_read_as_heuristics() -> None:
    doc = orjson.loads(encode_verdict(verdict_example()))
    assert doc["decided_by"] == "corroborated"
    del doc["decided_by"]  # as a build before the field wrote it
    assert decode_verdict(orjson.dumps(doc)).decided_by == "heuristics"


def test_a_shadow_verdict_travels_with_the_verdict_and_is_absent_without_one() -> None:
    shadow = ShadowVerdict("model-candidate", "quarantine", "credential_phishing", 0.987654,
                           "model")
    verdict = verdict_example(shadow=shadow)
    doc = orjson.loads(encode_verdict(verdict))
    assert doc["shadow"] == {"model_version": "model-candidate", "action": "quarantine",
                             "attack_type": "credential_phishing", "score": 0.9877,
                             "decided_by": "model"}
    assert decode_verdict(encode_verdict(verdict)).shadow == ShadowVerdict(
        "model-candidate", "quarantine", "credential_phishing", 0.9877, "model")
    assert schema_blames("verdict", doc) is None
    assert schema_blames("verdict", {**doc, "shadow": {**doc["shadow"], "action": "x"}}) == \
        "shadow.action"
    # Without a shadow model the verdict is byte for byte what it was before shadows existed.
    assert "shadow" not in orjson.loads(encode_verdict(verdict_example()))
    assert decode_verdict(encode_verdict(verdict_example())).shadow is None


def test_verdict_scores_are_written_to_four_decimals_and_latency_to_three() -> None:
    raw = encode_verdict(verdict_example(score=0.123456789, latency_ms=1.23456))

    doc = orjson.loads(raw)
    assert (doc["score"], doc["latency_ms"]) == (0.1235, 1.235)


def test_equal_verdicts_encode_to_equal_bytes() -> None:
    first, second = verdict_example(), verdict_example()

    assert first == second and first is not second
    assert encode_verdict(first) == encode_verdict(second)
    assert encode_verdict(decode_verdict(encode_verdict(first))) == encode_verdict(first)


def test_equal_verdicts_encode_to_equal_bytes_whatever_the_evidence_key_order() -> None:
    ab = verdict_example(hits=(Hit("url_risk", 0.5, {"a": 1, "b": 2}, "any"),))
    ba = verdict_example(hits=(Hit("url_risk", 0.5, {"b": 2, "a": 1}, "any"),))

    assert ab == ba
    assert encode_verdict(ab) == encode_verdict(ba)


def test_verdict_is_valid_against_the_schema() -> None:
    assert schema_blames("verdict", orjson.loads(encode_verdict(verdict_example()))) is None
    allow = verdict_example(action="allow", attack_type="none", score=0.0, hits=())
    assert schema_blames("verdict", allow.to_dict()) is None


def test_verdict_schema_refuses_what_no_engine_writes() -> None:
    good = verdict_example().to_dict()

    assert schema_blames("verdict", {**good, "action": "delete"}) == "action"
    assert schema_blames("verdict", {**good, "score": 1.5}) == "score"
    assert schema_blames("verdict", {**good, "attack_type": "any"}) == "attack_type"
    assert schema_blames("verdict", {**good, "decided_by": "luck"}) == "decided_by"
    assert schema_blames("verdict", {k: v for k, v in good.items() if k != "source"}) == \
        "source"


# --------------------------------------------------------------------------- DeadLetter


def dead_letter_example(**changes: Any) -> DeadLetter:
    fields: dict[str, Any] = dict(
        original=b'{"schema_version": 1, "message_id": "", \xff}', key=b"acme\x00m1",
        topic="mail.inbound", partition=5, offset=9_000_000_123, error_kind="invalid_value",
        error="field 'message_id' is empty", field="message_id", failed_at=T0 + 0.1,
    )
    fields.update(changes)
    return DeadLetter(**fields)


def test_dead_letter_kafka_form_keeps_20_mb_verbatim_and_round_trips() -> None:
    original = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    letter = dead_letter_example(original=original, error_kind="too_large", field="",
                                 error=f"record is {len(original)} bytes, limit is 4194304 bytes")

    headers = letter.headers()
    back = DeadLetter.from_kafka(letter.key, original, headers)

    assert back == letter
    assert sum(len(name) + len(value) for name, value in headers) < 1024


def test_dead_letter_headers_are_the_documented_ones() -> None:
    headers = dead_letter_example().headers()
    decoded = {name: value.decode() for name, value in headers}

    assert [name for name, _ in headers] == [
        DEAD_LETTER_HEADER_PREFIX + n for n in ("schema_version", "topic", "partition",
                                                "offset", "error_kind", "error", "field",
                                                "failed_at")]
    kafka_form = jsonschema.Draft202012Validator(schema("dead_letter")["$defs"]["kafka_headers"])
    assert list(kafka_form.iter_errors(decoded)) == []
    assert float(decoded["mailhawk.dlq.failed_at"]) == T0 + 0.1


def test_dead_letter_from_kafka_refuses_an_unknown_version() -> None:
    headers = [(n, b"2" if n.endswith("schema_version") else v)
               for n, v in dead_letter_example().headers()]

    with pytest.raises(SchemaError) as caught:
        DeadLetter.from_kafka(b"k", b"v", headers)
    assert caught.value.kind == "schema_version"


@pytest.mark.parametrize("key", [b"acme\x00m1", b"", None], ids=["key", "empty-key", "no-key"])
def test_dead_letter_json_form_round_trips(key: bytes | None) -> None:
    letter = dead_letter_example(key=key)

    raw = encode_dead_letter(letter)

    assert decode_dead_letter(raw) == letter
    doc = orjson.loads(raw)
    assert base64.b64decode(doc["original_b64"]) == letter.original
    assert doc["key_b64"] == (None if key is None else base64.b64encode(key).decode())


@pytest.mark.parametrize("kind", ["empty", "too_large", "invalid_json", "schema_version",
                                  "missing_field", "wrong_type", "invalid_value"])
def test_dead_letter_json_form_is_valid_against_the_schema(kind: str) -> None:
    letter = dead_letter_example(error_kind=kind, original=b"" if kind == "empty" else b"x")

    assert schema_blames("dead_letter", letter.to_dict()) is None


def test_every_dead_letter_kind_the_reader_can_cause_is_documented() -> None:
    documented = {c["const"] for c in schema("dead_letter")["properties"]["error_kind"]["oneOf"]}
    caused = {expected[0] for _, _, expected in AGREEMENT if expected}
    for raw, limit in ((None, 100), (b"{", 100), (b"{}" * 60, 100)):
        with pytest.raises(SchemaError) as caught:
            decode_mail(raw, max_bytes=limit)
        caused.add(caught.value.kind)

    assert caused == documented


def test_fast_decoding_path_agrees_with_the_careful_one() -> None:
    """The hot-path decoder may only ever accept what the validating decoder accepts, and
    build the same record from it."""
    from itertools import islice

    from bench.generate import generate
    from schemas.records import _fast_mail, _Invalid

    docs = [orjson.loads(encode_mail(r)) for r, _ in islice(generate(1, 8, 4), 400)]
    variants = []
    for d in docs[:100]:
        variants += [d, {**d, "direction": ""}, {**d, "received_at": True},
                     {**d, "attachments": [{"filename": "a", "size": 2**63}]},
                     {**d, "attachments": [{"filename": "a", "size": 1.0}]},
                     {**d, "to": [{"address": 5}]}, {**d, "headers": []}]
    for doc in docs + variants:
        try:
            fast = _fast_mail(doc)
        except _Invalid:
            continue
        assert fast == MailRecord._validated(doc)


_ODD_VALUES: list[Any] = [None, "", "x", "İSTANBUL@Ünï.example", "Bob@Acme.COM", 0, 1, -1,
                          2**31, 2**63, True, False, 1.5, [], [{}], {}, [1], ["a"], {"a": 1},
                          {"a": "b"}, [{"address": "X@Y.example"}], [{"url": "u"}],
                          [{"filename": "f", "size": 3, "stripped": True}], {"spf": "PASS"},
                          {"spf": "maybe"}, {"dkim": None, "dmarc": 5}, "inbound", "internal",
                          "*", [{"size": -1}], [{"size": 2**63}], [{"size": 2**63 - 1}],
                          [{"size": True}], [{"size": 1, "stripped": 1}], [{"size": 1.0}],
                          [{"url": "u", "anchor_text": None}], [{"url": 5}], ("tuple",)]
_FIELDS = ["schema_version", "message_id", "tenant_id", "direction", "received_at", "from",
           "to", "cc", "reply_to", "return_path", "subject", "text", "html", "urls",
           "attachments", "auth", "client_ip", "in_reply_to", "references", "headers",
           "from_mailboxes"]


def _fast_outcomes(doc: Any) -> tuple[Any, Any]:
    """(_fast_mail's record or "invalid" or the exception type, the C pass's likewise)."""
    from schemas.records import _decode, _fast_mail, _Invalid

    out = []
    for run in (_fast_mail, _decode.fast_mail):
        try:
            got = run(doc)
        except _Invalid:
            got = None
        except Exception as exc:  # both must raise the same
            got = type(exc)
        out.append("invalid" if got is None else got)
    return out[0], out[1]


def test_the_decoder_module_is_built_and_fills_the_records_slots() -> None:
    from schemas.records import _decode

    assert _decode is not None, ("schemas/_decode.c was not built: reinstall with a C compiler "
                                 "and the Python headers (./dev.sh test does)")
    assert set(_decode.direct()) == {MailRecord, Address, Url, Attachment, AuthResults}


def test_the_c_decoder_is_the_python_fast_pass_on_real_and_odd_documents() -> None:
    """Every generated record, and each with one field set to an odd value (the falsy-as-
    empty quirks included: ``"urls": ""`` is no links to both), decodes to the same record
    or is refused by both; no odd value crashes either."""
    from itertools import islice

    from bench.generate import generate

    docs = [orjson.loads(encode_mail(r)) for r, _ in islice(generate(2, 10, 6), 300)]
    agreed = refused = 0
    for i, doc in enumerate(docs):
        python, c = _fast_outcomes(doc)
        assert python == c and python != "invalid"
        for field in _FIELDS:
            odd = {**doc, field: _ODD_VALUES[(i + len(field)) % len(_ODD_VALUES)]}
            python, c = _fast_outcomes(odd)
            assert python == c, (field, odd[field])
            agreed += python != "invalid"
            refused += python == "invalid"
        python, c = _fast_outcomes({k: v for k, v in doc.items() if k != _FIELDS[i % 21]})
        assert python == c
    assert agreed > 500 and refused > 500  # both outcomes were exercised
    big = {**docs[0], "received_at": 10**400}  # float() overflows in both
    assert _fast_outcomes(big) == (OverflowError, OverflowError)
    assert _fast_outcomes([docs[0]]) == ("invalid", "invalid")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from(_FIELDS), st.sampled_from(_ODD_VALUES),
                               max_size=4),
       removed=st.sets(st.sampled_from(_FIELDS), max_size=2))
def test_the_c_decoder_agrees_on_any_mix_of_odd_fields(changes, removed) -> None:
    doc = {"schema_version": 1, "message_id": "<m@x>", "tenant_id": "acme",
           "received_at": 1.7e9, "from": {"address": "A@X.example", "name": "A"},
           "to": [{"address": "b@acme.example"}], "urls": [{"url": "http://x.example/"}],
           "attachments": [{"filename": "a.pdf", "size": 10}], "auth": {"dkim": "Pass"},
           "headers": {"X-A": "1"}, "references": ["<r@x>"]}
    doc.update(changes)
    for field in removed:
        doc.pop(field, None)
    python, c = _fast_outcomes(doc)
    assert python == c


def test_an_engine_without_the_decoder_module_says_what_to_do(caplog, monkeypatch) -> None:
    from schemas import records
    from stream.config import EngineConfig
    from stream.engine import Engine

    assert records.decoder() == "c"
    Engine(EngineConfig())
    assert "_decode.c" not in caplog.text
    monkeypatch.setattr(records, "_decode", None)
    assert records.decoder() == "python"
    Engine(EngineConfig())
    assert "schemas/_decode.c was not built" in caplog.text and "C compiler" in caplog.text
    doc = {"schema_version": 1, "message_id": "<m@x>", "tenant_id": "acme", "received_at": 5,
           "from": {"address": "A@X.example"}}
    assert MailRecord.from_dict(doc).sender == Address("a@x.example")  # the Python pass


def test_from_dict_takes_the_c_pass_when_it_is_built(monkeypatch) -> None:
    from schemas import records

    def refuse(doc: Any) -> MailRecord:
        raise AssertionError("ran the Python pass")

    monkeypatch.setattr(records, "_fast_mail", refuse)
    doc = {"schema_version": 1, "message_id": "<m@x>", "tenant_id": "acme",
           "received_at": 5, "from": {"address": "A@X.example"}}
    record = MailRecord.from_dict(doc)
    assert record.received_at == 5.0 and type(record.received_at) is float
    assert record.sender == Address("a@x.example")
    with pytest.raises(SchemaError, match="tenant_id"):  # refused: the careful path names it
        MailRecord.from_dict({**doc, "tenant_id": ""})


@pytest.mark.parametrize(("doc", "accepted"), [
    ({"schema_version": 1, "tenant_id": "acme", "kind": "person", "address": "Ceo@Acme.com",
      "display_name": "Grace Hopper", "title": "CEO", "vip": True}, True),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "vendor", "domain": "supplies.com"},
     True),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "person", "address": "a@acme.com"},
     False),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "vendor"}, False),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "robot", "domain": "x.com"}, False),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "person", "address": "a@acme.com",
      "display_name": "A B", "vip": "yes"}, False),
    ({"schema_version": 2, "tenant_id": "acme", "kind": "vendor", "domain": "x.com"}, False),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "blocked_sender",
      "address": "Billing@Fresh-Domain.example"}, True),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "cleared_sender",
      "address": "billing@fresh-domain.example"}, True),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "blocked_sender"}, False),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "cleared_sender",
      "address": "fresh-domain.example"}, False),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "blocked_sender",
      "domain": "fresh-domain.example"}, True),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "allowed_sender",
      "address": "ap@vendor.example"}, True),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "allowed_sender",
      "domain": "vendor.example", "address": ""}, True),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "allowed_sender",
      "domain": "vendor.example", "address": "ap@vendor.example"}, False),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "cleared_allowed_sender"}, False),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "phish_simulation",
      "domain": "sim.example", "networks": ["192.0.2.0/24", "2001:db8::1"]}, True),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "phish_simulation",
      "domain": "sim.example"}, False),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "phish_simulation",
      "networks": ["192.0.2.0/24"]}, False),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "cleared_phish_simulation",
      "domain": "sim.example"}, True),
    *(({"schema_version": 1, "tenant_id": "acme", "kind": kind, "domain": domain}, accepted)
      for kind, domain, accepted in (
          ("blocked_link", "pay-invoice.web.app", True),
          ("blocked_link", "2001:db8::1", True),  # a site served from an address
          ("cleared_link", "192.0.2.7", True),
          ("blocked_link", "evil.example:8080", False),
          ("blocked_link", "2001:db8::/32", False),  # one address, not a network
          ("blocked_sender", "2001:db8::1", False))),  # a sender's domain is a name
    ({"schema_version": 1, "tenant_id": "acme", "kind": "erase_address",
      "address": "gone@x.example"}, True),
    ({"schema_version": 1, "tenant_id": "acme", "kind": "erase_address"}, False),
    *(({"schema_version": 1, "tenant_id": tenant, "kind": kind, **fields}, accepted)
      for tenant, kind, fields, accepted in (
          ("acme", "released_message", {"message_id": "CAB3x@mail.example"}, True),
          ("acme", "released_message", {}, False),
          ("acme", "released_message", {"message_id": ""}, False),
          ("acme", "blocked_sender", {"address": "a@x.example", "message_id": "CAB3x@m.x"},
           False),
          ("*", "released_message", {"message_id": "CAB3x@mail.example"}, False),
          ("acme", "released_message", {"message_id": "CAB3x@m.x", "fingerprint": "0f" * 128},
           False),
          ("acme", "released_message", {"message_id": "CAB3x@m.x", "attack_type": "spam"},
           False),
          ("acme", "reported_message", {"message_id": "CAB3x@m.x", "attack_type": "spam",
                                        "expires_at": 1.8e9}, False))),  # no fingerprint
    *(({"schema_version": 1, "tenant_id": "acme", "kind": "reported_message",
        "message_id": "CAB3x@mail.example", "fingerprint": fingerprint,
        "attack_type": attack_type, "expires_at": expires_at}, accepted)
      for fingerprint, attack_type, expires_at, accepted in (
          ("0f" * 128, "credential_phishing", 1.8e9, True),
          ("0F" * 128, "spam", 1.8e9, True),  # read in lower case
          ("0f" * 127, "spam", 1.8e9, False),  # 127 bytes: not a fingerprint
          ("zz" * 128, "spam", 1.8e9, False),
          ("0f" * 128, "none", 1.8e9, False),  # an attack has a type
          ("0f" * 128, "phish", 1.8e9, False),
          ("0f" * 128, "spam", 0, False))),  # until when: required
    ({"schema_version": 1, "tenant_id": "*", "kind": "blocked_sender",
      "domain": "campaign.example"}, True),
    ({"schema_version": 1, "tenant_id": "*", "kind": "phish_simulation",
      "domain": "sim.example", "networks": ["192.0.2.0/24"]}, True),
    ({"schema_version": 1, "tenant_id": "*", "kind": "erase_tenant"}, False),
    *(({"schema_version": 1, "tenant_id": tenant, "kind": kind, **fields}, accepted)
      for tenant, kind, fields, accepted in (
          ("acme", "tenant_language", {"language": "pt"}, True),
          ("*", "tenant_language", {"language": "zh-Hant"}, True),
          ("acme", "cleared_tenant_language", {"language": "haw"}, True),
          ("acme", "tenant_language", {}, False),
          ("acme", "tenant_language", {"language": ""}, False),
          ("acme", "tenant_language", {"language": "Portuguese"}, False),
          ("acme", "tenant_language", {"language": "pt_BR"}, False),
          ("acme", "vendor", {"domain": "x.example", "language": "pt"}, False))),
    ({"schema_version": 1, "tenant_id": "acme\x1f", "kind": "vendor", "domain": "x.example"},
     False),
    ({"schema_version": 1, "tenant_id": "acme\n", "kind": "vendor", "domain": "x.example"},
     False),
    ({"schema_version": 1, "tenant_id": "*", "kind": "vendor", "domain": "x.example"}, False),
])
def test_directory_entries_reader_and_schema_agree(doc: dict, accepted: bool) -> None:
    import jsonschema

    from schemas import DirectoryEntry, SchemaError, decode_directory

    validator = jsonschema.Draft202012Validator(schema("directory_entry"))
    assert validator.is_valid(doc) == accepted
    if accepted:
        entry = decode_directory(orjson.dumps(doc))
        assert validator.is_valid(entry.to_dict())
        assert entry == DirectoryEntry.from_dict(entry.to_dict())
    else:
        with pytest.raises(SchemaError):
            decode_directory(orjson.dumps(doc))


def test_every_schema_error_kind_raised_is_listed() -> None:
    """The dead-letter metrics start one series per listed kind; a kind raised but not
    listed would appear only at its first record, which a rate cannot see."""
    import re

    from schemas.errors import SCHEMA_ERROR_KINDS

    source = " ".join(p.read_text() for p in Path(schemas.__file__).parent.glob("*.py"))
    raised = set(re.findall(r'SchemaError\(\s*"([a-z_]+)"', source))
    assert raised and raised | {"too_large"} == set(SCHEMA_ERROR_KINDS)
    assert RecordTooLargeError(2, 1).kind == "too_large"


LONG_VALUE = "Wire now to alice.private@partner.example " * 25_000  # ~1 MB a sender wrote


@pytest.mark.parametrize(("decode", "field", "value"), [
    ("mail", "direction", LONG_VALUE),
    ("mail", "auth", {"spf": LONG_VALUE}),
    ("mail", "schema_version", LONG_VALUE),
    ("feedback", "label", LONG_VALUE),
    ("feedback", "source", LONG_VALUE),
    ("directory", "kind", LONG_VALUE),
])
def test_a_refused_value_is_quoted_cut_short(decode, field, value):
    """The reason travels in the dead letter's headers beside the record: a megabyte value
    quoted whole would double the dead letter (past a topic's record limit) for nothing."""
    from schemas import decode_directory, decode_feedback

    docs = {
        "mail": (decode_mail, MINIMAL),
        "feedback": (decode_feedback, {"schema_version": 1, "tenant_id": "acme",
                                       "message_id": "<m@x>", "recipient": "b@acme.com",
                                       "label": "attack", "source": "user_report"}),
        "directory": (decode_directory, {"schema_version": 1, "kind": "person",
                                         "tenant_id": "acme", "address": "a@acme.com"}),
    }
    fn, doc = docs[decode]
    with pytest.raises(SchemaError) as caught:
        fn(orjson.dumps({**doc, field: value}))
    message = str(caught.value)
    assert len(message) < 500, message[:500]
    assert "characters)" in message  # says it was cut, and from how long


_PAGE_HTML = ("<html><body><p>Your mailbox is full and incoming messages are held. Sign in "
              "within 24 hours to release them.</p></body></html>")


@pytest.mark.parametrize(("text", "html", "read"), [
    # Another gateway's record with the kit's decoy as its text part: detection reads the page.
    ("normal", _PAGE_HTML, "Your mailbox is full and incoming messages are held. Sign in "
                           "within 24 hours to release them."),
    ("Your mailbox is full", _PAGE_HTML, "Your mailbox is full"),  # the page's own words
    ("View it in your browser", _PAGE_HTML, "View it in your browser"),  # a stub
    ("normal", "", "normal"),  # no page to read
])
def test_a_decoy_text_part_from_another_gateway_is_read_as_its_page(
        text: str, html: str, read: str) -> None:
    record = decode_mail(orjson.dumps(with_(text=text, html=html)))
    assert record.text == read
    assert record.html == html

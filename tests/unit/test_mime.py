"""Raw MIME → MailRecord: what the converter must read out of real-world mail.

Fixtures live in ``tests/unit/data/mime/``; malformed inputs are written inline so the bytes
under test are visible next to the expectation.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.codec import decode_mail, encode_mail
from schemas.errors import MimeError
from schemas.mime import MAX_BODY_BYTES, MAX_URLS, NORMALISED_HEADERS, parse_message
from schemas.records import Address, Attachment, AuthResults, MailRecord, Url
from schemas.sources import corpus_label, iter_messages

DATA = Path(__file__).parent / "data" / "mime"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def convert(raw: bytes, **kwargs: object) -> MailRecord:
    return parse_message(raw, tenant_id="acme", **kwargs)  # type: ignore[arg-type]


def assert_wire_valid(record: MailRecord) -> None:
    """The record survives the wire codec unchanged (no lone surrogates, valid outcomes)."""
    assert decode_mail(encode_mail(record), max_bytes=1 << 30) == record


# --------------------------------------------------------------------------- headers


def test_rfc2047_subject_and_display_names_are_decoded() -> None:
    record = convert(fixture("encoded_headers.eml"))

    assert record.subject == "Café menu for Monday - 🍵"
    assert record.sender == Address("jose.garcia@example.org", "José García")
    assert record.to == (
        Address("rene@example.net", "René Dupont"),
        Address("plain@example.net", "Plain Name"),
    )


def test_encoded_comma_in_a_display_name_does_not_split_the_mailbox() -> None:
    record = convert(fixture("encoded_headers.eml"))

    # "not-an-address" has no '@' and is dropped.
    assert record.cc == (Address("jane@example.net", "Doe, Jane"),)


@pytest.mark.parametrize(("froms", "sender", "mailboxes"), [
    (["Mary <mary@example.org>"], "mary@example.org", 1),
    (['"Doe, John" <john@example.org>'], "john@example.org", 1),
    (["john@example.org <john@example.org>"], "john@example.org", 1),
    (["Doe, John <john@example.org>"], "john@example.org", 2),
    (["EDEKA-Gutschein, jehd <service@shop.example>"], "service@shop.example", 2),
    (["Promo, <a@shop.example.>, Promo, <a@shop.example>"], "a@shop.example.", 4),
    (["Now_loseweight,(<service@shop.example>)"], "", 1),
    (["a@x.example", "b@y.example"], "a@x.example", 2),
])
def test_the_from_mailboxes_are_counted_before_the_sender_is_picked(
        froms: list[str], sender: str, mailboxes: int) -> None:
    head = "".join(f"From: {f}\r\n" for f in froms)
    record = convert(f"{head}To: bob@acme.example\r\nSubject: hi\r\n\r\nHello\r\n".encode())
    assert (record.sender.address, record.from_mailboxes) == (sender, mailboxes)
    assert_wire_valid(record)


def test_unknown_charset_in_an_encoded_word_falls_back_instead_of_failing() -> None:
    record = convert(fixture("encoded_headers.eml"))

    assert record.reply_to == (Address("reply@example.com", "Réponse"),)


def test_raw_8bit_utf8_header_is_read_as_utf8() -> None:
    record = convert(fixture("exchange_online.eml"))

    assert record.subject == "Seu cartão tem pontos expirando hoje!"


def test_raw_8bit_non_utf8_header_is_read_as_cp1252() -> None:
    raw = (b"From: J\xe9r\xf4me \x93Boss\x94 <jerome@example.com>\n"
           b"Subject: Caf\xe9 \x80 50\n\nbody\n")

    record = convert(raw)

    assert record.sender == Address("jerome@example.com", "Jérôme “Boss”")
    assert record.subject == "Café € 50"


def test_broken_encoded_word_is_kept_as_text() -> None:
    raw = b"From: a@example.com\nSubject: =?utf-8?b?not base64!?= tail\n\nbody\n"

    assert "tail" in convert(raw).subject


def test_text_between_encoded_words_keeps_backslashes() -> None:
    raw = b"From: a@example.com\nSubject: C:\\users\\x =?utf-8?q?caf=C3=A9?=\n\nbody\n"

    assert convert(raw).subject == "C:\\users\\x café"


def test_ids_are_stripped_of_angle_brackets() -> None:
    raw = (b"From: a@example.com\nMessage-ID:  <m1@example.com> \n"
           b"In-Reply-To: <parent@example.com> (comment)\n"
           b"References: <root@example.com>\n <parent@example.com>\n\nbody\n")

    record = convert(raw)

    assert record.message_id == "m1@example.com"
    assert record.in_reply_to == "parent@example.com"
    assert record.references == ("root@example.com", "parent@example.com")


def test_missing_message_id_gets_a_deterministic_content_hash() -> None:
    raw = fixture("no_message_id.eml")

    record = convert(raw)

    assert record.message_id == "sha256:" + hashlib.sha256(raw).hexdigest()[:32]
    assert convert(raw).message_id == record.message_id
    assert convert(raw + b"x").message_id != record.message_id


def test_return_path_is_a_bare_lower_case_address() -> None:
    raw = b"From: a@example.com\nReturn-Path: <Bounces+X@Mailer.Example.COM>\n\nbody\n"

    assert convert(raw).return_path == "bounces+x@mailer.example.com"


def test_only_the_chosen_raw_headers_are_kept_and_never_the_enron_folder() -> None:
    record = convert(fixture("received_chain.eml"))

    assert record.headers == {
        "x-mailer": "Example Mailer 2.1",
        "list-unsubscribe": "<https://sender.example/unsubscribe>",
    }


def test_kept_header_values_are_capped() -> None:
    raw = b"From: a@example.com\nX-Mailer: " + b"m" * 2000 + b"\n\nbody\n"

    assert len(convert(raw).headers["x-mailer"]) == 512


# --------------------------------------------------------------------------- dates


def test_date_header_wins_over_the_received_at_argument() -> None:
    record = convert(fixture("base64_body.eml"), received_at=42.0)

    assert record.received_at == 1709632800.0  # Tue, 05 Mar 2024 10:00:00 +0000


def test_received_at_argument_is_the_fallback_for_a_missing_or_bad_date() -> None:
    assert convert(fixture("no_message_id.eml"), received_at=42.0).received_at == 42.0
    assert convert(b"From: a@example.com\nDate: someday\n\nbody\n").received_at == 0.0


def test_date_without_zone_is_utc() -> None:
    raw = b"From: a@example.com\nDate: Tue, 05 Mar 2024 10:00:00\n\nbody\n"

    assert convert(raw).received_at == 1709632800.0


def test_three_digit_year_from_the_tm_year_bug_means_19xx_plus_100() -> None:
    raw = b"From: a@example.com\nDate: Thu, 22 Aug 0102 12:07:35 +0800\n\nbody\n"

    assert convert(raw).received_at == 1029989255.0  # 2002-08-22 04:07:35 UTC


# --------------------------------------------------------------------------- bodies


def test_base64_utf8_body_is_decoded() -> None:
    record = convert(fixture("base64_body.eml"))

    assert record.text.startswith("Grüße aus Köln – please review")
    assert record.urls == (Url("https://example.org/review"),)


def test_quoted_printable_latin1_body_is_decoded_with_soft_breaks_joined() -> None:
    record = convert(fixture("quoted_printable.eml"))

    assert record.text == ("Crème brûlée for everyone. This line is long enough to need a "
                           "soft line break in the middle.\n")


def test_utf8_bytes_mislabelled_as_latin1_are_read_as_utf8() -> None:
    raw = ("From: a@example.com\nContent-Type: text/plain; charset=iso-8859-1\n\n"
           "naïve café\n").encode()

    assert convert(raw).text == "naïve café\n"


def test_unknown_body_charset_tries_utf8_then_cp1252() -> None:
    head = b"From: a@example.com\nContent-Type: text/plain; charset=x-martian\n\n"

    assert convert(head + "déjà vu\n".encode()).text == "déjà vu\n"
    assert convert(head + b"d\xe9j\xe0 vu \x80\n").text == "déjà vu €\n"


def test_multipart_alternative_keeps_text_and_html_and_links_of_both() -> None:
    record = convert(fixture("alternative.eml"))

    assert record.text == "Plain version. Read it at https://example.org/plain"
    assert '<a href="https://example.org/html">Read online</a>' in record.html
    assert record.urls == (
        Url("https://example.org/html", "Read online"),
        Url("https://example.org/plain"),
    )


def test_html_only_message_gets_visible_text_without_script_or_style() -> None:
    record = convert(fixture("html_only.eml"))

    assert record.text.startswith("Dear customer, Your account is locked")
    assert "www.examp1e-support.com/help" in record.text
    assert "tracking" not in record.text
    assert "color" not in record.text
    assert "Hidden title" not in record.text


def test_blank_text_part_beside_html_does_not_hide_the_html_text() -> None:
    raw = (b"From: a@example.com\nContent-Type: multipart/alternative; boundary=A\n\n"
           b"--A\nContent-Type: text/plain\n\n \n--A\nContent-Type: text/html\n\n"
           b"<p>Claim your <b>prize</b></p>\n--A--\n")

    assert convert(raw).text == "Claim your prize"


_PAGE = ("Dear customer, your mailbox storage is full and incoming messages are held. "
         "Sign in within 24 hours to confirm your account and release them, or your account "
         "will be closed and every message deleted. Confirm your account now with the button "
         "below. Thank you for choosing our mail service, the security team")


def _alternative(plain: str, page: str = _PAGE) -> bytes:
    return (b"From: a@example.com\nContent-Type: multipart/alternative; boundary=A\n\n"
            b"--A\nContent-Type: text/plain; charset=utf-8\n\n" + plain.encode()
            + b"\n--A\nContent-Type: text/html; charset=utf-8\n\n<p>" + page.encode()
            + b"</p>\n--A--\n")


@pytest.mark.parametrize("decoy", ["normal", "saturday brunch", "AAA",
                                   "This is a plain-text message body"])
def test_a_decoy_text_part_is_read_as_the_page_the_reader_sees(decoy: str) -> None:
    assert convert(_alternative(decoy)).text == _PAGE


@pytest.mark.parametrize("plain", [
    "This is an HTML message. View it in your browser.",  # a stub pointing at the page
    "Read it at https://example.org/news",  # a link to it
    "Your mailbox storage is full",  # the page's own words
    # A text part long enough to be a letter of its own (the broader rule, README).
    "Minutes of the board meeting and the gas schedule for Thursday afternoon",
])
def test_a_text_part_that_may_be_the_page_s_own_is_kept(plain: str) -> None:
    assert convert(_alternative(plain)).text == plain


def test_a_short_page_keeps_the_short_text_part() -> None:
    assert convert(_alternative("normal", "Claim your prize today")).text == "normal"


@pytest.mark.parametrize("style", [
    "display:none", "DISPLAY: none !important", "visibility:hidden", "font-size:0",
    "font-size:0px;line-height:0", "max-height:0;overflow:hidden", "opacity:0.0",
])
def test_text_styled_out_of_sight_is_not_what_the_reader_sees(style: str) -> None:
    raw = (b"From: a@example.com\nContent-Type: text/html\n\n<p>Verify your wallet</p>"
           b"<div style='" + style.encode() + b"'>Minutes of the board meeting, "
           b"<span>gas schedule</span></div><p>today</p>\n")

    assert convert(raw).text == "Verify your wallet today"


def test_hidden_attribute_and_nested_hidden_blocks_are_left_out_links_kept() -> None:
    raw = (b"From: a@example.com\nContent-Type: text/html\n\n<p>Open <a href="
           b"'https://shown.example/'>the file</a></p><div hidden>salad <span style="
           b"'display:none'>more <a href='https://hidden.example/'>salad</a></span></div>\n")
    record = convert(raw)

    assert record.text == "Open the file"
    assert [u.url for u in record.urls] == ["https://shown.example/", "https://hidden.example/"]


@pytest.mark.parametrize(("html", "text"), [
    # A template's row at font-size 0 (no gaps between columns), each column sized again:
    # dropping the row would drop the page, and a kit could wrap its page so.
    (b"<div style='font-size:0'> <span style='font-size:14px'>Verify your account</span> "
     b"<span style='font-size:1rem'>today</span> </div>", "Verify your account today"),
    (b"<div style='font-size:0'>salad <span style='font-size:1.2em'>salad</span></div>"
     b"<p>page</p>", "page"),  # a size relative to nothing stays nothing
    (b"<div style='visibility:hidden'>salad <b style='visibility:visible'>page</b></div>",
     "page"),
    (b"<div style='display:none'><p style='display:block;font-size:14px'>salad</p></div>"
     b"<p>page</p>", "page"),  # nothing undoes display:none or opacity:0
    (b"<p style='opacity:0'>salad <b style='opacity:1'>salad</b></p><p>page</p>", "page"),
    (b"<div style='max-height:0'>overflows, so shown</div>", "overflows, so shown"),
])
def test_what_a_child_shows_again_is_read_and_what_none_can_show_is_not(
        html: bytes, text: str) -> None:
    raw = b"From: a@example.com\nContent-Type: text/html\n\n" + html + b"\n"

    assert convert(raw).text == text


@pytest.mark.parametrize("style", ["font-size:0.9em", "opacity:0.5", "max-height:100px",
                                   "font-size:10px", "display:block"])
def test_text_in_sight_is_kept(style: str) -> None:
    raw = (b"From: a@example.com\nContent-Type: text/html\n\n<p style='" + style.encode()
           + b"'>Lunch on Friday?</p>\n")

    assert convert(raw).text == "Lunch on Friday?"


def test_html_links_carry_anchor_text_and_are_deduplicated() -> None:
    record = convert(fixture("html_only.eml"))

    # The image link comes first without words; the same link with words supplies them.
    # mailto: and fragment links are not URLs to analyse.
    assert record.urls == (
        Url("https://login.examp1e-support.com/verify?id=1&t=2", "Verify now"),
        Url("www.examp1e-support.com/help"),
    )


def test_text_urls_lose_trailing_punctuation() -> None:
    raw = (b"From: a@example.com\n\nSee https://example.com/a). Or (www.example.org/b), "
           b"and https://example.com/a again.\n")

    assert convert(raw).urls == (Url("https://example.com/a"), Url("www.example.org/b"))


def test_urls_are_capped() -> None:
    body = " ".join(f"https://example.com/{i}" for i in range(MAX_URLS + 50))
    raw = b"From: a@example.com\n\n" + body.encode()

    urls = convert(raw).urls

    assert len(urls) == MAX_URLS
    assert urls[0].url == "https://example.com/0"


def test_text_and_html_are_capped_at_256_kib_of_utf8() -> None:
    raw = (b"From: a@example.com\nContent-Type: text/plain; charset=utf-8\n\n"
           + "€".encode() * 200_000)

    text = convert(raw).text

    assert len(text.encode()) <= MAX_BODY_BYTES
    assert len(text.encode()) > MAX_BODY_BYTES - 4
    assert set(text) == {"€"}


# --------------------------------------------------------------------------- attachments


def test_attachment_metadata_from_decoded_payloads() -> None:
    record = convert(fixture("attachments.eml"))
    pdf = b"%PDF-1.4\n% tiny test document\n%%EOF\n"
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(32))

    assert record.text == "Please find the invoice attached."
    assert record.attachments[0] == Attachment(
        "invoice.pdf", "application/pdf", len(pdf), hashlib.sha256(pdf).hexdigest())
    assert record.attachments[2] == Attachment(
        "", "image/png", len(png), hashlib.sha256(png).hexdigest())


def test_rfc2231_filename_is_decoded() -> None:
    record = convert(fixture("attachments.eml"))

    assert record.attachments[1].filename == "Rechnung März.zip"
    assert record.attachments[1].content_type == "application/octet-stream"


def test_corpus_placeholder_gives_the_original_size_and_hash() -> None:
    record = convert(fixture("attachments.eml"))

    assert record.attachments[3] == Attachment(
        "Payroll.XLS", "application/vnd.ms-excel", 123456,
        "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", stripped=True)


def test_rfc2047_encoded_filename_is_decoded() -> None:
    payload = base64.b64encode(b"data").decode()
    raw = ("From: a@example.com\nContent-Type: multipart/mixed; boundary=B\n\n--B\n"
           "Content-Type: application/pdf; name=\"=?utf-8?q?Factura_n=C2=BA1.pdf?=\"\n"
           f"Content-Transfer-Encoding: base64\n\n{payload}\n--B--\n").encode()

    assert convert(raw).attachments[0].filename == "Factura nº1.pdf"


def test_text_part_with_a_filename_is_an_attachment_not_body() -> None:
    raw = (b"From: a@example.com\nContent-Type: multipart/mixed; boundary=B\n\n"
           b"--B\nContent-Type: text/plain\n\nthe body\n"
           b"--B\nContent-Type: text/plain; name=notes.txt\n\nattached notes\n--B--\n")

    record = convert(raw)

    assert record.text == "the body"
    assert [(a.filename, a.content_type) for a in record.attachments] == [
        ("notes.txt", "text/plain")]


def test_forwarded_message_text_is_part_of_the_body() -> None:
    raw = (b"From: a@example.com\nContent-Type: multipart/mixed; boundary=B\n\n"
           b"--B\nContent-Type: text/plain\n\nsee below\n"
           b"--B\nContent-Type: message/rfc822\n\nFrom: c@example.org\nSubject: inner\n\n"
           b"inner text\n--B--\n")

    record = convert(raw)

    assert record.text == "see below\ninner text"
    assert record.attachments == ()


# --------------------------------------------------------------------------- auth and ip


def test_authentication_results_outcomes() -> None:
    record = convert(fixture("exchange_online.eml"))

    assert record.auth == AuthResults(spf="temperror", dkim="none", dmarc="temperror")


def test_unknown_outcome_is_empty_and_spf_falls_back_to_received_spf() -> None:
    record = convert(fixture("received_chain.eml"))

    # dmarc=bestguesspass is not an RFC 8601 outcome; no spf= in the header.
    assert record.auth == AuthResults(spf="softfail", dkim="pass", dmarc="")


def test_normalise_ignores_the_corpus_specific_headers() -> None:
    for name in ("exchange_online.eml", "received_chain.eml"):
        record = convert(fixture(name), normalise=True)

        assert record.auth == AuthResults()
        assert record.to == convert(fixture(name)).to  # recipients are left for the bench

    assert {"authentication-results", "received-spf", "x-folder", "x-filename",
            "arc-seal"} <= NORMALISED_HEADERS


def test_client_ip_is_the_first_public_hop_below_the_receiver() -> None:
    # 127.0.0.1 (the receiver itself) is skipped; 192.168.1.20 is below the public hop.
    assert convert(fixture("received_chain.eml")).client_ip == "93.184.216.34"


def test_client_ip_skips_the_receivers_own_relays() -> None:
    # Exchange Online relays to itself over Microsoft IPv6 before the outside hop.
    assert convert(fixture("exchange_online.eml")).client_ip == "137.184.34.4"


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (b"from [198.51.100.7] (helo=x) by mx.example.com", ""),  # documentation range
        (b"from unknown (HELO x) (8.8.4.4) by mx.example.com", "8.8.4.4"),
        (b"from host.example.org (host.example.org [IPv6:2001:4860:4864:20::2a])\n"
         b" by mx.example.com", "2001:4860:4864:20::2a"),
        (b"from localhost (localhost [127.0.0.1]) by mx.example.com", ""),
        (b"from h (h [10.1.2.3]) by mx.example.com", ""),
        (b"(qmail 1234 invoked from network); 1 Jan 2002", ""),
        (b"by mx.example.com with LMTP", ""),
    ],
)
def test_client_ip_forms(received: bytes, expected: str) -> None:
    raw = b"Received: " + received + b"\nFrom: a@example.com\n\nbody\n"

    assert convert(raw).client_ip == expected


# --------------------------------------------------------------------------- direction


@pytest.mark.parametrize(
    ("sender", "recipients", "expected"),
    [
        ("boss@acme.com", "bob@acme.com, eve@mail.acme.com", "internal"),
        ("boss@acme.com", "bob@acme.com, client@other.org", "outbound"),
        ("stranger@other.org", "bob@acme.com", "inbound"),
        ("boss@acme.com", "", "outbound"),
    ],
)
def test_direction_from_own_domains(sender: str, recipients: str, expected: str) -> None:
    raw = f"From: {sender}\nTo: {recipients}\n\nbody\n".encode()

    assert convert(raw, own_domains=frozenset({"acme.com"})).direction == expected


def test_direction_defaults_to_inbound_and_an_explicit_one_wins() -> None:
    raw = b"From: boss@acme.com\nTo: bob@acme.com\n\nbody\n"

    assert convert(raw).direction == "inbound"
    assert convert(raw, direction="outbound",
                   own_domains=frozenset({"acme.com"})).direction == "outbound"


# --------------------------------------------------------------------------- malformed input


def test_message_with_neither_sender_nor_body_is_rejected_with_the_reason() -> None:
    with pytest.raises(MimeError, match="no From header and no body"):
        convert(b"Subject: nothing here\n\n")
    with pytest.raises(MimeError, match="empty"):
        convert(b"  \r\n")


def test_invalid_arguments_raise_mime_error() -> None:
    raw = fixture("no_message_id.eml")
    with pytest.raises(MimeError, match="tenant_id"):
        parse_message(raw, tenant_id="")
    with pytest.raises(MimeError, match="direction"):
        parse_message(raw, tenant_id="acme", direction="sideways")
    with pytest.raises(MimeError, match="bytes"):
        parse_message("text", tenant_id="acme")  # type: ignore[arg-type]


def test_multipart_whose_boundary_never_occurs_keeps_the_text() -> None:
    raw = (b"From: a@example.com\nContent-Type: multipart/mixed; boundary=EXPECTED\n\n"
           b"--OTHER\nContent-Type: text/plain\n\nurgent wire transfer\n--OTHER--\n")

    record = convert(raw)

    assert "urgent wire transfer" in record.text
    assert record.attachments == ()


def test_unterminated_multipart_keeps_its_parts() -> None:
    raw = (b"From: a@example.com\nContent-Type: multipart/mixed; boundary=B\n\n"
           b"--B\nContent-Type: text/plain\n\nfirst part\n--B\nContent-Type: text/html\n\n"
           b"<p>second <a href='http://example.com/x'>part</a>")

    record = convert(raw)

    assert record.text == "first part"
    assert record.urls == (Url("http://example.com/x", "part"),)


def test_body_without_any_headers_converts_with_empty_fields() -> None:
    record = convert(b"\xff\xfe\x00garbage that is not mail\x00\x01\n")

    assert record.sender == Address("")
    assert "garbage that is not mail" in record.text
    assert record.message_id.startswith("sha256:")
    assert_wire_valid(record)


def test_absurdly_deep_nesting_is_rejected_with_the_reason() -> None:
    raw = b"From: a@example.com\n" + b"".join(
        b"Content-Type: multipart/mixed; boundary=B%d\n\n--B%d\n" % (i, i) for i in range(3000)
    ) + b"\ndeep text\n"

    with pytest.raises(MimeError, match="nested too deeply"):
        convert(raw)


MALFORMED = {
    "missing headers": b"\n\njust a body\n",
    "header without colon": b"From a@example.com\nSubject hi\n\nbody\n",
    "binary junk": bytes(range(256)) * 4,
    "nul in headers": b"From: a\x00@example.com\nSubject: \x00\n\n\x00",
    "bad base64": (b"From: a@example.com\nContent-Transfer-Encoding: base64\n\n"
                   b"!!!not*base64===\n"),
    "bad quoted-printable": (b"From: a@example.com\nContent-Transfer-Encoding: "
                             b"quoted-printable\n\n=ZZ=\n=4"),
    "utf-7 lone surrogate": (b"From: a@example.com\nContent-Type: text/plain; charset=utf-7\n\n"
                             b"+2D3-x\n"),
    "utf-16 odd length": (b"From: a@example.com\nContent-Type: text/html; charset=utf-16\n\n"
                          b"\xff\xfe<\x00a\x00\x00\xd8"),
    "bytes codec as charset": (b"From: a@example.com\nContent-Type: text/plain; charset=base64"
                               b"\n\nx\n"),
    "garbage content type": (b"From: a@example.com\nContent-Type: [charse<!doctype html>\n\n"
                             b"<html>x</html>\n"),
    "bad rfc2231": (b"From: a@example.com\nContent-Type: application/pdf; "
                    b"name*0*=x-bad''%ZZ; name*1=\"\xff\"\n\nx\n"),
    "deep nesting": (b"From: a@example.com\n"
                     + b"Content-Type: multipart/mixed; boundary=B\n\n--B\n" * 300 + b"\nx\n"),
    "group syntax only": b"From: undisclosed-recipients:;\nTo: :;\n\nbody\n",
    "address with encoded word": b"From: =?utf-8?q?a=40b.c?=\n\nbody\n",
    "huge header": b"From: a@example.com\nSubject: " + b"x" * 200_000 + b"\n\nbody\n",
    "crlf line ends": b"From: a@example.com\r\nSubject: crlf\r\n\r\nbody\r\n",
    "lone cr": b"From: a@example.com\rSubject: cr\r\rbody\r",
    "date overflow": b"From: a@example.com\nDate: Mon, 1 Jan 99999999 00:00:00 +9999\n\nb\n",
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_message_converts_or_raises_mime_error(raw: bytes) -> None:
    try:
        record = convert(raw)
    except MimeError:
        return
    assert_wire_valid(record)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise_anything_but_mime_error(raw: bytes) -> None:
    try:
        record = convert(raw)
    except MimeError:
        return
    assert_wire_valid(record)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_fixtures_never_raise_anything_but_mime_error(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(p.name for p in DATA.glob("*.eml"))))
    raw = bytearray(fixture(name))
    for _ in range(data.draw(st.integers(1, 20))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    try:
        record = convert(bytes(raw[:cut]))
    except MimeError:
        return
    assert_wire_valid(record)


def test_every_fixture_is_wire_valid() -> None:
    for path in sorted(DATA.glob("*.eml")):
        assert_wire_valid(convert(path.read_bytes()))


# --------------------------------------------------------------------------- corpora

CORPORA_ARCHIVES = (
    "enron-ham.tar.gz",
    "spamassassin.tar.gz",
    "phishing-pot-2022-2024.tar.gz",
    "watchdog-ham.tar.gz",
)


@pytest.mark.corpora
def test_every_corpus_message_converts(corpora: Path) -> None:
    # ``corpora`` (tests/conftest.py): $MAILHAWK_CORPORA or ../shared/data/corpora, else skip.
    archives = [corpora / name for name in CORPORA_ARCHIVES]
    missing = [str(a) for a in archives if not a.is_file()]
    if missing:
        pytest.skip(f"development corpora not found (set MAILHAWK_CORPORA): {missing}")

    started = time.perf_counter()
    total: Counter[str] = Counter()
    with_sender: Counter[str] = Counter()
    with_urls: Counter[str] = Counter()
    with_text: Counter[str] = Counter()
    rejects: list[tuple[str, str]] = []
    for message in iter_messages(archives):
        label = corpus_label(message.origin)
        total[label] += 1
        try:
            record = parse_message(message.raw, tenant_id="corpus")
        except MimeError as exc:
            rejects.append((message.origin, str(exc)))
            continue
        with_sender[label] += bool(record.sender.address)
        with_urls[label] += bool(record.urls)
        with_text[label] += bool(record.text)
        assert decode_mail(encode_mail(record), max_bytes=1 << 30) == record, message.origin
    elapsed = time.perf_counter() - started

    count = sum(total.values())
    print(f"\nconverted {count - len(rejects)}/{count} messages in {elapsed:.1f} s "
          f"({dict(total)}); {len(rejects)} rejected")
    for origin, reason in rejects:
        print(f"  rejected {origin}: {reason}")
    assert count > 30_000
    assert total["unknown"] == 0
    assert len(rejects) < 0.001 * count
    assert with_sender["phish"] > 0.95 * total["phish"]
    assert with_urls["phish"] > 0.50 * total["phish"]
    assert with_sender["ham"] > 0.99 * total["ham"]
    assert with_text["ham"] > 0.99 * total["ham"]

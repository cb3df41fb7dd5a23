"""``mailhawk bench evasion``: each rewrite does to the mail what it says, and the bench runs
on the real corpora with the real cascade."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from bench.evasion import (
    TRANSFORMS,
    EvasionOptions,
    _padding,
    _parts,
    run_evasion,
    summary,
)
from schemas.mime import parse_message

RAW = (b"From: Wallet Support <help@wallet-notice.example>\r\n"
       b"To: bob@acme.example\r\n"
       b"Subject: Confirm your wallet\r\n"
       b"Message-ID: <kit-1@wallet-notice.example>\r\n"
       b"Date: Tue, 05 Mar 2024 10:00:00 +0000\r\n"
       b"MIME-Version: 1.0\r\n"
       b"Content-Type: text/html; charset=utf-8\r\n\r\n"
       b"<html><body><p>Your wallet is locked. Confirm your recovery phrase today.</p>"
       b"<a href='https://wallet-restore.example/x'>Confirm</a></body></html>\r\n")
PAGE = "Your wallet is locked. Confirm your recovery phrase today. Confirm"
HAM = "Please send me the revised gas transport schedule before the Thursday meeting"


def rewrite(name: str) -> tuple[bytes, str]:
    parts = _parts(RAW)
    assert parts is not None
    raw = TRANSFORMS[name](parts, HAM)
    return raw, parse_message(raw, tenant_id="acme").text


def test_as_is_keeps_the_words_links_and_headers() -> None:
    raw, text = rewrite("as_is")
    record = parse_message(raw, tenant_id="acme")

    assert text == PAGE
    assert record.subject == "Confirm your wallet"
    assert record.sender.address == "help@wallet-notice.example"
    assert record.message_id == "kit-1@wallet-notice.example"
    assert [u.url for u in record.urls] == ["https://wallet-restore.example/x"]


def test_decoy_text_puts_a_text_part_beside_the_unchanged_page() -> None:
    raw, text = rewrite("decoy_text")
    record = parse_message(raw, tenant_id="acme")

    assert b"multipart/alternative" in raw
    assert text == PAGE  # the converter reads the page beside a decoy (schemas.mime._decoy)
    assert "Confirm your recovery phrase" in record.html
    assert [u.url for u in record.urls] == ["https://wallet-restore.example/x"]


def test_hidden_padding_is_in_the_html_but_not_in_what_the_reader_sees() -> None:
    raw, text = rewrite("hidden_ham")
    record = parse_message(raw, tenant_id="acme")

    assert HAM in record.html and 'display:none' in record.html
    assert text == PAGE


def test_visible_padding_is_read() -> None:
    _, text = rewrite("visible_ham")

    assert text == f"{PAGE} {HAM}"


def test_shortened_links_hide_every_landing_host() -> None:
    raw, _ = rewrite("shortened_links")
    record = parse_message(raw, tenant_id="acme")

    assert [u.url[:15] for u in record.urls] == ["https://bit.ly/"]
    assert b"wallet-restore" not in raw


def test_freemail_sender_keeps_the_display_name() -> None:
    raw, _ = rewrite("freemail_sender")
    record = parse_message(raw, tenant_id="acme")

    assert record.sender.name == "Wallet Support"
    assert record.sender.domain == "gmail.com"
    assert record.text == PAGE


def test_padding_is_text_even_where_mail_quotes_an_address() -> None:
    parts = _parts(RAW)
    assert parts is not None
    raw = TRANSFORMS["visible_ham"](parts, _padding("Ask <jeff.dasovich@enron.com> & me"))

    assert parse_message(raw, tenant_id="acme").text.endswith(
        "Ask <jeff.dasovich@enron.com> & me")


def test_reply_thread_points_at_a_message_never_sent() -> None:
    raw, _ = rewrite("reply_thread")
    record = parse_message(raw, tenant_id="acme")

    assert record.subject == "Re: Confirm your wallet"
    assert record.in_reply_to and record.references == (record.in_reply_to,)


def test_messages_without_html_or_with_an_attachment_are_not_rewritten() -> None:
    plain = RAW.replace(b"text/html", b"text/plain")
    attached = (b"From: a@b.example\r\nMIME-Version: 1.0\r\n"
                b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
                b"Content-Type: text/html\r\n\r\n<p>hi</p>\r\n--B\r\n"
                b"Content-Type: application/pdf\r\nContent-Disposition: attachment; "
                b"filename=a.pdf\r\n\r\nxx\r\n--B--\r\n")

    assert _parts(plain) is None
    assert _parts(attached) is None


def test_bench_rewrites_held_corpus_attacks_and_reports_each_rewrite(
        corpora: Path, tmp_path: Path) -> None:
    report = run_evasion(EvasionOptions(corpora=corpora, out=tmp_path, attacks=80,
                                        ham_limit=2000), log=lambda _: None)

    assert report["messages"] == 80
    rows = {r["transform"]: r["by_group"] for r in report["rows"]}
    assert list(rows) == list(TRANSFORMS)
    for by_group in rows.values():
        assert sum(g["scored"] for g in by_group.values()) == 80
    pot = {name: g["phishing_pot"] for name, g in rows.items()}
    assert pot["as_is"]["scored"] > 20
    # Rebuilt from its own parts, held mail stays mostly held; invisible padding changes
    # nothing the reader sees, so nothing the verdict reads.
    assert pot["as_is"]["share"] >= 0.7
    assert pot["hidden_ham"]["held"] >= pot["as_is"]["held"] - 2
    assert orjson.loads((tmp_path / "evasion.json").read_bytes()) == report
    assert "| decoy_text |" in (tmp_path / "evasion.md").read_text()
    assert (tmp_path / "evasion.png").stat().st_size > 0
    assert len(summary(report)) == len(TRANSFORMS)


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_every_rewrite_gives_a_message_the_converter_accepts(name: str) -> None:
    raw, _ = rewrite(name)
    assert parse_message(raw, tenant_id="acme").sender.address

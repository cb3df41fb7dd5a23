"""``mailhawk bench filters``: what the established filters are shown, and how it is reported.

The filters themselves run when installed (Debian's rspamd, spamassassin, spamc); where they
are not, the bench must say so and still report what it measured.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from bench.filters import FiltersOptions, _report, _Scan, normalised_raw, run_filters, summary

RAW = (b"Received: from mx.example (mx.example [192.0.2.1])\r\n"
       b"\tby mail.example; Sun, 30 Jul 2023 23:57:38 +0000\r\n"
       b"Authentication-Results: spf=pass smtp.mailfrom=bank.example;\r\n"
       b" dkim=pass header.d=bank.example\r\n"
       b"X-MS-Exchange-Organization-SCL: 9\r\n"
       b"X-Forefront-Antispam-Report: CIP:192.0.2.1;SFV:SPM;\r\n"
       b"\tSCL:9\r\n"
       b"ARC-Seal: i=1; a=rsa-sha256; cv=none\r\n"
       b"Received-SPF: Pass (protection.outlook.com)\r\n"
       b"From: Bank <no-reply@bank.example>\r\n"
       b"Subject: Verify your account\r\n"
       b"X-Mailer: PHPMailer\r\n"
       b"\r\n"
       b"X-MS-Exchange-Organization-SCL: 1 (a body line, not a header)\r\n"
       b"Please sign in.\r\n")


def test_normalised_raw_drops_corpus_headers_and_other_filters_verdicts() -> None:
    out = normalised_raw(RAW)

    head, _, body = out.partition(b"\r\n\r\n")
    names = [line.split(b":")[0] for line in head.split(b"\r\n") if line[:1] not in b" \t"]
    assert names == [b"Received", b"From", b"Subject", b"X-Mailer"]
    assert b"\tby mail.example" in head  # a kept field keeps its continuation line
    assert b"SFV:SPM" not in out and b"dkim=pass" not in out  # folded lines go with theirs
    assert body == RAW.partition(b"\r\n\r\n")[2]  # the body is never touched


def test_normalised_raw_leaves_a_message_without_those_headers_as_it_was() -> None:
    plain = b"From: a@b.example\nSubject: hi\n\nhello\n"
    assert normalised_raw(plain) is plain
    assert normalised_raw(b"From: a@b.example\nReceived-SPF: pass\n") == b"From: a@b.example\n"


def _scan(held: dict[str, int], milder: dict[str, int], n: dict[str, int]) -> _Scan:
    s = _Scan()
    s.held.update(held)
    s.milder.update(milder)
    s.scanned.update(n)
    return s


def test_report_reads_held_as_recall_on_attacks_and_false_positives_on_ham(
        tmp_path: Path) -> None:
    opts = FiltersOptions(corpora=tmp_path, out=tmp_path)
    scans = {"rspamd": _scan({"phishing_pot": 13, "enron": 1, "watchdog": 0},
                             {"phishing_pot": 12}, {"phishing_pot": 100, "enron": 300,
                                                    "watchdog": 100})}

    report = _report(scans, {"spamassassin": "not installed"}, opts)

    got = report["filters"]["rspamd"]
    assert got["phishing_pot"] == {"messages": 100, "held": 0.13, "milder": 0.12}
    assert "spamassassin_spam" not in got  # a corpus it did not scan is not a zero
    lines = summary(report)
    assert lines[0] == "  rspamd: held phishing_pot 13.0%; ham held 0.25%"  # 1 of 400 pooled
    assert lines[1] == "  spamassassin: not measured (not installed)"


def test_a_filter_that_is_not_installed_is_reported_and_the_bench_goes_on(
        corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # neither rspamd nor spamd found
    logged: list[str] = []
    opts = FiltersOptions(corpora=corpora, out=tmp_path / "out", limit=3,
                          filters=("rspamd", "spamassassin"), progress=False, plots=False)

    report = run_filters(opts, log=logged.append)

    assert set(report["unavailable"]) == {"rspamd", "spamassassin"}
    assert "apt-get install rspamd" in report["unavailable"]["rspamd"]
    assert "spamd, spamc not found" in report["unavailable"]["spamassassin"]
    assert orjson.loads((tmp_path / "out" / "filters.json").read_bytes())["filters"] == {}
    assert "rspamd: not measured" in (tmp_path / "out" / "filters.md").read_text()


@pytest.mark.skipif(shutil.which("rspamd") is None, reason="rspamd is not installed "
                    "(Debian: apt-get install rspamd)")
def test_rspamd_scans_every_corpus_offline(corpora: Path, tmp_path: Path) -> None:
    opts = FiltersOptions(corpora=corpora, out=tmp_path, limit=5, filters=("rspamd",),
                          progress=False, plots=False)

    report = run_filters(opts, log=lambda _: None)

    assert report["unavailable"] == {}
    got = report["filters"]["rspamd"]
    assert {g: v["messages"] for g, v in got.items()} == {
        "phishing_pot": 5, "spamassassin_spam": 5, "spamassassin_ham": 5, "enron": 5,
        "watchdog": 5}


def test_a_filter_that_fails_to_start_is_reported_with_its_own_words(
        corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    for name, body in (("spamd", "echo 'cannot bind: permission denied' >&2; exit 3"),
                       ("spamc", "exit 0")):
        (tools / name).write_text(f"#!/bin/sh\n{body}\n")
        (tools / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:/usr/bin:/bin")
    opts = FiltersOptions(corpora=corpora, out=tmp_path / "out", limit=2,
                          filters=("spamassassin",), progress=False, plots=False)

    report = run_filters(opts, log=lambda _: None)

    reason = report["unavailable"]["spamassassin"]
    assert "spamd exited at start (code 3)" in reason
    assert "cannot bind: permission denied" in reason


def test_bayes_never_learns_what_it_is_scanned_on(corpora: Path, tmp_path: Path) -> None:
    from bench.filters import _export

    mail = _export(FiltersOptions(corpora=corpora, out=tmp_path, limit=6), tmp_path / "mail")

    learned = set(mail.bayes_spam) | set(mail.bayes_ham)
    scanned = {p for paths in mail.bayes_scanned.values() for p in paths}
    assert learned and scanned and not learned & scanned
    assert {len(p) for p in mail.scanned.values()} == {6}  # every corpus, capped
    assert mail.bayes_scanned["phishing_pot"] == mail.scanned["phishing_pot"]  # never learned
    assert len(mail.bayes_spam) == 3  # the first half of SpamAssassin spam
    assert len(mail.bayes_ham) == 3 + 6 + 6  # SpamAssassin ham's half, Enron's, watchdog's rest
    assert all(p.read_bytes() for p in learned | scanned)


@pytest.mark.skipif(shutil.which("rspamd") is None or shutil.which("redis-server") is None,
                    reason="rspamd or redis-server is not installed (Debian: apt-get install "
                           "rspamd redis-server)")
def test_rspamd_with_bayes_learns_then_scans_the_other_half(corpora: Path,
                                                            tmp_path: Path) -> None:
    opts = FiltersOptions(corpora=corpora, out=tmp_path, limit=6, filters=("rspamd-bayes",),
                          progress=False, plots=False)

    report = run_filters(opts, log=lambda _: None)

    assert report["unavailable"] == {}
    assert sum(report["learned"]["rspamd-bayes"].values()) == 3 + 3 + 6 + 6
    assert report["learned"]["rspamd-bayes"]["spam"] >= 1
    got = {g: v["messages"] for g, v in report["filters"]["rspamd-bayes"].items()}
    assert got == {"phishing_pot": 6, "spamassassin_spam": 3, "spamassassin_ham": 3,
                   "enron": 6, "watchdog": 6}

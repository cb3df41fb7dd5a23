"""``mailhawk ingest`` to a real broker when its source fails half-way: what it read arrives.

An archive copied in part (a transfer cut short) ends in an error after some members. The
records produced before it must all be delivered, not dropped with the producer, and the
command must say what failed; with nothing reachable, ingest must fail rather than report
records it never delivered.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from schemas import SourceError, decode_mail
from stream import replay
from stream.broker import free_port
from stream.errors import KafkaError
from stream.kafka import read_to_end
from tests.conftest import REPO


def _archive_cut_short(tmp_path: Path, members: int) -> Path:
    whole = tmp_path / "mail.tar.gz"
    with tarfile.open(whole, "w:gz") as archive:
        for n in range(members):
            data = (f"From: sender{n}@partner.example\r\nTo: bob@acme.example\r\n"
                    f"Subject: note {n}\r\nMessage-ID: <note-{n}@partner.example>\r\n\r\n"
                    f"body {n}\r\n").encode() + bytes(range(256)) * 16 * n  # incompressible
            info = tarfile.TarInfo(f"mail/{n:02d}.eml")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return cut


def _read_topic(bootstrap: str, topic: str) -> list[bytes]:
    return [msg.value() for msg in read_to_end(bootstrap, topic, group_id="ingest-test",
                                                missing="(nothing was produced)", timeout=30)]


def test_ingest_of_an_archive_cut_short_delivers_what_it_read_and_fails(
        broker, topics, tmp_path) -> None:
    cut = _archive_cut_short(tmp_path, members=30)
    result = subprocess.run(
        [sys.executable, "-m", "stream", "ingest", str(cut), "--tenant", "acme",
         "--bootstrap-servers", broker.bootstrap_servers, "--topic", topics.input,
         "--rejects", str(tmp_path / "rejects.jsonl")],
        cwd=REPO, capture_output=True, text=True, timeout=120)

    assert result.returncode == 2, result.stderr
    assert "cut.tar.gz: cannot be read as mail" in result.stderr
    assert "Traceback" not in result.stderr
    got = [decode_mail(value) for value in _read_topic(broker.bootstrap_servers, topics.input)]
    assert 0 < len(got) < 30
    assert [r.message_id for r in got] == [f"note-{n}@partner.example"
                                           for n in range(len(got))]


def test_what_was_produced_before_the_source_failed_is_delivered_first(
        broker, topics) -> None:
    def source():
        for n in range(5):
            yield b"acme", f"record {n}".encode()
        raise SourceError("mail.tar.gz: cannot be read as mail (EOFError)")

    # A long linger keeps the five in the producer's queue when the source fails: dropped
    # with the producer unless they are flushed.
    with pytest.raises(SourceError):
        replay.produce_raw(broker.bootstrap_servers, topics.input, source(),
                           extra={"linger.ms": 2_000})

    assert _read_topic(broker.bootstrap_servers, topics.input) == [
        f"record {n}".encode() for n in range(5)]


def test_records_no_broker_acknowledged_are_a_failure_not_a_count(monkeypatch) -> None:
    monkeypatch.setattr(replay, "FLUSH_SECONDS", 1.0)
    nobody = f"127.0.0.1:{free_port()}"  # a closed port: librdkafka retries, never delivers

    with pytest.raises(KafkaError, match="3 records still undelivered after 1 s"):
        replay.produce_raw(nobody, "t", [(b"k", b"v")] * 3,
                           extra={"message.timeout.ms": 60_000})

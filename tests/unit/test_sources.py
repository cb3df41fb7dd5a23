"""Message sources: every container yields each message once, in a deterministic order."""

from __future__ import annotations

import io
import mailbox
import tarfile
from pathlib import Path

import pytest

from schemas import SourceError
from schemas.sources import RawMessage, corpus_label, iter_messages


def message(n: int) -> bytes:
    return f"From: sender{n}@example.org\nSubject: message {n}\n\nbody {n}\n".encode()


def add_member(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def test_tar_gz_members_are_messages_in_archive_order(tmp_path: Path) -> None:
    path = tmp_path / "corpus.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        folder = tarfile.TarInfo("corpus/inbox")
        folder.type = tarfile.DIRTYPE
        archive.addfile(folder)
        add_member(archive, "corpus/inbox/2", message(2))
        add_member(archive, "corpus/inbox/1", message(1))
        link = tarfile.TarInfo("corpus/inbox/link")
        link.type = tarfile.SYMTYPE
        link.linkname = "1"
        archive.addfile(link)

    messages = list(iter_messages([path]))

    assert messages == [
        RawMessage(f"{path}:corpus/inbox/2", message(2)),
        RawMessage(f"{path}:corpus/inbox/1", message(1)),
    ]
    assert not (tmp_path / "corpus").exists()  # streamed, never extracted


def test_tgz_suffix_is_an_archive_too(tmp_path: Path) -> None:
    path = tmp_path / "small.tgz"
    with tarfile.open(path, "w:gz") as archive:
        add_member(archive, "a.eml", message(1))

    assert [m.raw for m in iter_messages([path])] == [message(1)]


def test_mbox_is_split_and_the_envelope_line_dropped(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    path.write_bytes(
        b"From sender1@example.org Mon Mar  4 09:00:00 2024\n" + message(1) + b"\n"
        b"From sender2@example.org Mon Mar  4 10:00:00 2024\n" + message(2) + b"\n"
    )

    messages = list(iter_messages([path]))

    assert [m.origin for m in messages] == [f"mbox:{path}#1", f"mbox:{path}#2"]
    assert messages[0].raw.startswith(b"From: sender1@example.org\n")
    assert b"body 2" in messages[1].raw


def test_single_file_starting_with_an_envelope_line_is_a_one_message_mbox(
    tmp_path: Path,
) -> None:
    # The SpamAssassin corpus files look like this.
    path = tmp_path / "00001.txt"
    path.write_bytes(b"From sender1@example.org  Thu Aug 22 13:17:22 2002\n" + message(1))

    assert list(iter_messages([path])) == [RawMessage(f"mbox:{path}#1", message(1))]


def test_maildir_messages_come_sorted_by_key(tmp_path: Path) -> None:
    path = tmp_path / "Maildir"
    box = mailbox.Maildir(path, create=True)
    keys = [box.add(message(n)) for n in range(3)]
    box.close()

    messages = list(iter_messages([path]))

    assert [m.origin for m in messages] == [f"maildir:{path}#{k}" for k in sorted(keys)]
    assert sorted(m.raw for m in messages) == sorted(message(n) for n in range(3))


def test_plain_folder_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deeper").mkdir(parents=True)
    (tmp_path / "b" / "1.eml").write_bytes(message(3))
    (tmp_path / "a" / "z.eml").write_bytes(message(2))
    (tmp_path / "a" / "deeper" / "y").write_bytes(message(1))
    (tmp_path / "top.eml").write_bytes(message(4))

    origins = [m.origin for m in iter_messages([tmp_path])]

    assert origins == [str(tmp_path / "a" / "deeper" / "y"), str(tmp_path / "a" / "z.eml"),
                       str(tmp_path / "b" / "1.eml"), str(tmp_path / "top.eml")]


def test_single_eml_file_is_one_message(tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(message(1))

    assert list(iter_messages([path])) == [RawMessage(str(path), message(1))]
    assert list(iter_messages(str(path))) == [RawMessage(str(path), message(1))]


def test_paths_are_read_in_the_order_given(tmp_path: Path) -> None:
    first, second = tmp_path / "2.eml", tmp_path / "1.eml"
    first.write_bytes(message(2))
    second.write_bytes(message(1))

    assert [m.raw for m in iter_messages([first, second])] == [message(2), message(1)]


def test_jsonl_is_refused_with_a_pointer_to_the_record_reader(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text("{}\n")

    with pytest.raises(ValueError, match="read_mail_jsonl"):
        list(iter_messages([path]))


def test_missing_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        list(iter_messages([tmp_path / "nowhere"]))


def test_a_damaged_archive_is_named_with_what_the_reader_met(tmp_path: Path) -> None:
    path = tmp_path / "corpus.tar.gz"
    path.write_bytes(b"not an archive at all\n")

    with pytest.raises(SourceError, match=r"corpus\.tar\.gz: cannot be read as mail "
                                          r"\(ReadError: not a gzip file\)"):
        list(iter_messages([path]))


@pytest.mark.parametrize("suffix", [".tar.gz", ".tar.xz"])  # bz2: one 900 kB block here
def test_an_archive_cut_short_yields_what_it_holds_then_says_so(tmp_path: Path,
                                                                suffix: str) -> None:
    whole = tmp_path / f"whole{suffix}"
    with tarfile.open(whole, f"w:{suffix.rpartition('.')[2]}") as archive:
        for n in range(40):  # incompressible enough that a cut lands past the first members
            add_member(archive, f"corpus/{n:03d}", message(n) + bytes(range(256)) * 8 * n)
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    read: list[RawMessage] = []
    with pytest.raises(SourceError, match="cut"):
        for raw in iter_messages([cut]):
            read.append(raw)
    assert read, "the members before the cut are read"
    assert [r.raw for r in read] == [r.raw for r in list(iter_messages([whole]))[:len(read)]]


@pytest.mark.parametrize(
    ("origin", "label"),
    [
        ("/data/enron-ham.tar.gz:enron-ham/beck-s/inbox/12", "ham"),
        ("/data/spamassassin.tar.gz:spamassassin/easy-ham-1/00001.7c53.txt", "ham"),
        ("/data/spamassassin.tar.gz:spamassassin/easy-ham-2/00002.txt", "ham"),
        ("/data/spamassassin.tar.gz:spamassassin/hard-ham-1/00003.txt", "ham"),
        ("/data/spamassassin.tar.gz:spamassassin/spam-1/00004.txt", "spam"),
        ("/data/spamassassin.tar.gz:spamassassin/spam-2/00005.txt", "spam"),
        ("/data/phishing-pot-2022-2024.tar.gz:phishing-pot/sample-1.eml", "phish"),
        ("/data/watchdog-ham.tar.gz:watchdog-ham/010365.eml", "ham"),
        ("/extracted/spamassassin/spam_2/00005.txt", "spam"),
        ("mbox:/extracted/phishing-pot/all.mbox#3", "phish"),
        ("/home/me/inbox/1.eml", "unknown"),
        ("/data/spamassassin.tar.gz:spamassassin/README", "unknown"),
        ("", "unknown"),
    ],
)
def test_corpus_label_from_folder_names(origin: str, label: str) -> None:
    assert corpus_label(origin) == label

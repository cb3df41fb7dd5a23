"""Readers of raw messages: single files, mbox, maildir, folders and ``.tar.gz`` archives.

Each message comes out as a :class:`RawMessage` — its bytes and a human-readable origin —
in a deterministic order, so a replay or an evaluation over the same inputs sees the same
sequence. Archives are streamed member by member and never extracted to disk.

MailRecord JSON-lines files are not raw mail; :func:`schemas.codec.read_mail_jsonl` reads them.
"""

from __future__ import annotations

import lzma
import mailbox
import os
import re
import tarfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from schemas.errors import SourceError

_ReadMode = Literal["r:gz", "r:bz2", "r:xz", "r:"]
_TAR_MODES: Final[tuple[tuple[str, _ReadMode], ...]] = (
    (".tar.gz", "r:gz"),
    (".tgz", "r:gz"),
    (".tar.bz2", "r:bz2"),
    (".tbz2", "r:bz2"),
    (".tar.xz", "r:xz"),
    (".txz", "r:xz"),
    (".tar", "r:"),
)
_SPLIT_ORIGIN: Final = re.compile(r"[/\\:#]")


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One raw message and where it was read.

    Attributes:
        origin: ``path`` for a file, ``archive.tar.gz:folder/file`` for an archive member,
            ``mbox:path#N`` (N counts from 1) for a message of an mbox file and
            ``maildir:path#key`` for a maildir message.
        raw: the message bytes exactly as stored (an mbox ``From `` line is not included).
    """

    origin: str
    raw: bytes


def iter_messages(paths: Iterable[str | Path]) -> Iterator[RawMessage]:
    """Yield every message found under ``paths``, in order.

    A path is read as:

    * a ``.tar.gz``/``.tgz`` archive (also ``.tar``, ``.tar.bz2``, ``.tar.xz``): every
      regular member is one message, in archive order;
    * a maildir (a folder with ``cur/`` and ``new/``): messages sorted by key;
    * any other folder: every regular file below it is one message, walked in sorted order;
    * a file whose first line starts with ``From ``: an mbox;
    * any other file: one message.

    Args:
        paths: files and folders; a single ``str`` or ``Path`` is accepted as one path.

    Yields:
        The messages.

    Raises:
        ValueError: a path is a ``.jsonl`` file (MailRecords, not raw mail).
        FileNotFoundError: a path does not exist.
        SourceError: a path cannot be read: a damaged or truncated archive, a file the
            process may not read. The messages before the damage have been yielded.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    for path in paths:
        try:
            yield from _iter_path(Path(path))
        except FileNotFoundError:
            if not Path(path).exists():
                raise  # the path itself: named as such
            raise _unreadable(path) from None
        except _READ_ERRORS as exc:
            raise _unreadable(path, exc) from exc


# What a damaged archive or an unreadable file raises on the way: tarfile's own errors,
# gzip's (an OSError), a compressed stream cut short (EOFError), or corrupt inside (zlib,
# lzma; bz2 raises OSError), a permission or I/O error.
_READ_ERRORS: Final = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError,
                       mailbox.Error)


def _unreadable(path: str | Path, exc: BaseException | None = None) -> SourceError:
    what = f"{type(exc).__name__}: {exc}" if exc is not None else "a file vanished"
    return SourceError(f"{path}: cannot be read as mail ({what}); the messages before this "
                       "point were read. Check that the file is whole (an archive copied in "
                       "full, readable by this user) and run again.")


def corpus_label(origin: str) -> str:
    """The label of a development-corpus message from its origin's folder names.

    Args:
        origin: a :attr:`RawMessage.origin` (or any path) of a message of the corpora in
            ``shared/data/corpora``, archived or extracted.

    Returns:
        ``"ham"``, ``"spam"``, ``"phish"``, or ``"unknown"`` when the origin is in no
        known corpus folder.
    """
    parts = [p.lower().replace("_", "-") for p in _SPLIT_ORIGIN.split(origin)]
    # The innermost corpus folder decides: an archive's own name comes before its members.
    for index in range(len(parts) - 1, -1, -1):
        part = parts[index]
        if part in ("enron-ham", "watchdog-ham"):
            return "ham"
        if part == "phishing-pot":
            return "phish"
        if part == "spamassassin" and index + 1 < len(parts):
            folder = parts[index + 1]
            if folder.startswith(("easy-ham", "hard-ham")):
                return "ham"
            if folder.startswith("spam"):
                return "spam"
    return "unknown"


# --------------------------------------------------------------------------- readers


def _iter_path(path: Path) -> Iterator[RawMessage]:
    name = path.name.lower()
    if name.endswith(".jsonl"):
        raise ValueError(
            f"{path} is a JSON-lines file of MailRecords, not raw mail; "
            "read it with schemas.codec.read_mail_jsonl"
        )
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    if path.is_dir():
        if (path / "cur").is_dir() and (path / "new").is_dir():
            yield from _iter_maildir(path)
        else:
            yield from _iter_folder(path)
        return
    for suffix, mode in _TAR_MODES:
        if name.endswith(suffix):
            yield from _iter_tar(path, mode)
            return
    if _is_mbox(path):
        yield from _iter_mbox(path)
    else:
        yield RawMessage(str(path), path.read_bytes())


def _iter_tar(path: Path, mode: _ReadMode) -> Iterator[RawMessage]:
    with tarfile.open(path, mode) as archive:
        for member in archive:
            if not member.isfile():
                continue
            stream = archive.extractfile(member)
            if stream is None:
                continue
            with stream:
                yield RawMessage(f"{path}:{member.name}", stream.read())


def _iter_folder(path: Path) -> Iterator[RawMessage]:
    """Files in order of their path (names compared folder by folder); folder links not followed."""
    with os.scandir(path) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _iter_folder(Path(entry.path))
        elif entry.is_file():
            yield RawMessage(entry.path, Path(entry.path).read_bytes())


def _iter_maildir(path: Path) -> Iterator[RawMessage]:
    box = mailbox.Maildir(path, factory=None, create=False)
    try:
        for key in sorted(box.iterkeys()):
            yield RawMessage(f"maildir:{path}#{key}", box.get_bytes(key))
    finally:
        box.close()


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.readline(5) == b"From "


def _iter_mbox(path: Path) -> Iterator[RawMessage]:
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        for number, key in enumerate(box.iterkeys(), 1):
            yield RawMessage(f"mbox:{path}#{number}", box.get_bytes(key))
    finally:
        box.close()

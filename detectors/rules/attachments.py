"""Attachment risk from attachment metadata, and files sent with their password.

Attachment risk: executables, disk images, shortcuts, HTML/SVG, macro documents and
archives that may hide them, from the attachment metadata (names, types, sizes, hashes).
Attachment password: a stranger's encrypted file with the password in the same message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Final

from detectors.attachments import ARCHIVE, MAX_FILENAME_CHARS, extension
from detectors.base import Context, DetectorConfig, ScoredConfig, build_config, hit
from schemas.records import Attachment, Hit


@dataclass(frozen=True, slots=True)
class AttachmentConfig(DetectorConfig):
    """Minimum attachment risk to report and the boost from lure language."""

    min_score: float = 0.25
    lure_boost: float = 0.4
    known_type_factor: float = 0.6


class AttachmentLure:
    """Dangerous attachment types, stronger with "open the attachment" language."""

    name: ClassVar[str] = "attachment_risk"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound", "internal"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: AttachmentConfig = build_config(AttachmentConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        risk = ctx.content.attachments
        if risk.score <= 0.0 or ctx.record.direction == "outbound":
            return []
        c, cues = self.config, ctx.content.cues
        score = risk.score
        if cues.malware_lure or cues.payment:
            score = 1.0 - (1.0 - score) * (1.0 - c.lure_boost)
        sender = ctx.state.sender
        if sender is not None and risk.types and all(t in sender.attachment_types
                                                     for t in risk.types):
            score *= c.known_type_factor  # this sender always sends these
        if score < c.min_score:
            return []
        return [hit(self.name, score * c.weight, "malware", category=risk.category,
                    **risk.evidence)]


# Files that can be encrypted with a password a scanner does not have: PDF, archives and
# Office documents. Images, calendar invitations and signatures cannot.
_ENCRYPTABLE: Final = frozenset({
    "pdf", "doc", "docx", "docm", "dot", "dotx", "xls", "xlsx", "xlsm", "xlsb", "ppt", "pptx",
    "pptm", "odt", "ods", "odp", *ARCHIVE,
})
_ENCRYPTABLE_TYPES: Final = ("application/pdf", "application/zip", "application/x-zip",
                             "application/x-rar", "application/vnd.rar", "application/x-7z")
_PASSWORD_WORDS: Final = (
    r"password|passwort|kennwort|senha|contrase[ñn]a|mot\s+de\s+passe|wachtwoord|"
    r"parola\s+d'ordine|has[łl]o|пароль|密码|パスワード|暗証番号|[şs]ifre|heslo|l[öo]senord|"
    r"salasana"
)
# A password word, a few words ("do arquivo em anexo", "for the PDF"), a separator or "is",
# then the password itself: 3-32 characters with a digit (checked after the match), so
# "Password: the one you chose" and "password? Go to https://…" give none. The whitespace and
# quotes before the value are possessive and no two quantifiers share a run of characters, so
# a match attempt skips them once: written as ``\s*[quotes]*\s*``, "password:" and 19,000
# spaces took 4.9 s (the kind of record ``bench crafted`` sends).
_PASSWORD_GIVEN: Final = re.compile(
    r"(?<!\w)(?P<word>" + _PASSWORD_WORDS + r")(?!\w)[^\n?]{0,30}?"
    r"(?:[:：=]|\s(?:is|é|es|ist|est)\s)\s*+(?:[\"'*\[(«“]++\s*+)?"
    r"(?P<value>[^\s\"'*\])»”<>,;]{3,32})",
    re.IGNORECASE)
# The password is the file's: a word for the file near it ("Senha do PDF", "the attached
# document … password: 1234"), and not a network's or a meeting's ("Wi-Fi password: …" beside
# an attached agenda; meetings have passcodes, which are not password words here).
_FILE_WORDS: Final = re.compile(
    r"(?<!\w)(?:pdf|zip|rar|7z|file|attach\w*|document\w*|archive|arquivo|anexo|anexad[oa]|"
    r"fichero|adjunto|datei|anhang|fichier|pi[èe]ce\s+jointe|bijlage|allegato|файл\w*|"
    r"вложени\w*|附件|文件|添付|ファイル)(?!\w)", re.IGNORECASE)
_NOT_A_FILE: Final = re.compile(
    r"(?<!\w)(?:wi-?fi|wlan|wireless|network|ssid|guest|hotspot|meeting|zoom|webex|teams|"
    r"dial-?in|conference|rede|reuni[ãa]o|red|reuni[óo]n|netzwerk|r[ée]seau)(?!\w)[^\n]{0,12}$",
    re.IGNORECASE)
_FILE_BEFORE, _FILE_AFTER = 300, 150
# How much of the subject and body is read: a kit gives the password beside its short lure
# (phishing_pot's 35 such messages within their first 550 characters), and scanning for the
# password words costs ~0.35 µs a character.
_TEXT_CHARS: Final = 4_000


def _encryptable(attachments: Sequence[Attachment]) -> str:
    """The name of the first attachment that can carry a password ("" if none)."""
    for a in attachments:
        ctype = a.content_type.partition(";")[0].strip().lower()
        if extension(a.filename) in _ENCRYPTABLE or ctype.startswith(_ENCRYPTABLE_TYPES):
            return a.filename
    return ""


def password_given(text: str) -> str:
    """The password word of a password the text gives for a file ("" if none).

    "Senha de acesso ao PDF: 123" gives "senha"; "Wi-Fi password: Guest2024" beside an
    attached agenda, and "Password: 5057851" with no file named near it, give "".
    """
    text = text[:_TEXT_CHARS]
    for m in _PASSWORD_GIVEN.finditer(text):
        if not any(c.isdigit() for c in m.group("value")):
            continue
        if _NOT_A_FILE.search(text, max(0, m.start() - 24), m.start()):
            continue
        near = text[max(0, m.start() - _FILE_BEFORE):m.end() + _FILE_AFTER]
        if _FILE_WORDS.search(near):
            return " ".join(m.group("word").lower().split())
    return ""


@dataclass(frozen=True, slots=True)
class PasswordConfig(ScoredConfig):
    """The score of a stranger's file sent with its password."""

    score: float = 0.9


class AttachmentPassword:
    """A stranger's encrypted file, sent with its password in the same message.

    Encrypting a file keeps it from every scanner between the sender and the reader, and
    putting the password beside it undoes the encryption for the reader only: that is what
    it is for. Malware campaigns have shipped encrypted archives so since Emotet, and
    phishing kits send PDFs "protected" with "Senha do PDF: 123" whose only content is a
    link to a credential form. A business that encrypts a file sends the password apart, or
    agreed it before; here the sender is one no recipient has ever written to.

    Read from metadata and text only: an attachment a password can protect (PDF, archive,
    Office document), and a password the subject or body gives for a file (a password word,
    a separator, a value with a digit, a word for the file within a few lines).

    Not a model input (``layout.DETECTORS``): the redistributable corpora hold no such ham,
    and the synthetic lures that say so already carry other attachment evidence. Decisive
    (``combine.decisive``), typed malware: what it holds is a file nobody could look into.
    """

    name: ClassVar[str] = "attachment_password"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: PasswordConfig = build_config(PasswordConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        record = ctx.record
        if not record.attachments or ctx.answered:
            return []
        filename = _encryptable(record.attachments)
        if not filename:
            return []
        word = password_given(f"{record.subject}\n{record.text}")
        if not word:
            return []
        if len(filename) > MAX_FILENAME_CHARS:
            filename = filename[:MAX_FILENAME_CHARS - 1] + "…"
        return [hit(self.name, self.config.score * self.config.weight, "malware",
                    filename=filename, password_word=word,
                    reason="the message gives the password of its attachment")]

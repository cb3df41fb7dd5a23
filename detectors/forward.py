"""The message an empty forward carries, judged as its own sender's mail (``forwarded_attack``).

A forward with nothing written above the forwarded header block ("Fw: …", then "From: …
Sent: … To: … Subject: …" and the original) puts another sender's words in front of the
recipient under a familiar name. The cascade judges the forwarder: a colleague, a partner,
the recipient's own private mailbox, someone the state knows, so none of the rules that
read strangers (a first contact's links, sign-in words, a language the tenant never writes)
sees the forwarded lure, and the content model alone rarely calls it. Yet the recipient
reads the original sender's lure and clicks its links exactly as if it had come directly.

So :func:`forwarded` rebuilds the carried message as a record from its own sender (the
address in the forwarded header, the forwarded subject and text; the links and attachments
are the forward's, which are the original's), and the cascade scores it beside the forward,
against the state as it is, teaching the state nothing: the forwarded sender never wrote
to this tenant, so its profiles stay as they are. When that message would be held and the
forward would not, the forward is held, with a ``forwarded_attack`` hit that names the
carried sender's domain, its action and the detectors that held it (see
``Cascade.decide``).

What counts as an empty forward, and why so strict:
- a forward's subject ("Fw:", "Fwd:", "ENC:", "TR:", "WG:", "RV:", "VS:", "Doorst:",
  "PD:"), inbound only: internal forwards are the tenant's own mail;
- nothing above the header block but a mobile client's footer ("Sent from my iPhone",
  "Get Outlook for Android", "Sent from Mail for Windows") and a separator line: a
  forwarder who writes a note vouches for the message in their own words, and judging that
  note with the original's sender would hold their work;
- the header block names a sender address. Outlook writes a display name only
  ("From: Lohman, TK") for people of its own directory, so no address means a colleague,
  who is no stranger; that forward is left to the rules that judge the forwarder.
Only the text part is read, as forwarding clients write it; its first
:data:`SCAN_CHARS` characters hold the header block of an empty forward. A forward sent as HTML
only has the text the converter reads from its page, on one line: its page is read again with
its line breaks.
"""

from __future__ import annotations

import re
from dataclasses import replace
from email.utils import parseaddr
from functools import lru_cache
from typing import Final

from schemas.records import Address, AuthResults, MailRecord

__all__ = ["FORWARDED", "forwarded", "own_words", "read_opening", "read_page"]

FORWARDED: Final = "forwarded_attack"
"""Its scores-file section takes ``enabled`` (on by default); the detectors that judge the
carried message keep their own weights, so its ``weight`` changes nothing."""
SCAN_CHARS: Final = 4000
"""How much of the text part is read for the header block (a long mobile footer fits)."""

_SUBJECT: Final = re.compile(r"\s*(?:\[[^\]\n]{0,40}\]\s*)?"
                             r"(?:fwd?|enc|tr|wg|rv|vs|doorst|pd)\s*:", re.I)
# A separator line that clients write above the forwarded header block.
_SEPARATOR: Final = re.compile(
    r"^[ \t]*(?:_{8,}|-{2,}[ \t]*(?:original message|forwarded message|mensagem original|"
    r"mensagem encaminhada|ursprüngliche nachricht|weitergeleitete nachricht|"
    r"message d'origine|message transféré|mensaje original|mensaje reenviado|"
    r"messaggio originale|messaggio inoltrato|oorspronkelijk bericht|doorgestuurd bericht)"
    r"[ \t]*-{2,}|begin forwarded message:|início da mensagem encaminhada:|"
    r"inicio del mensaje reenviado:)[ \t]*$", re.I | re.M)
# "From: …" through "Subject: …" within a few lines (Sent, To, Cc, Date between them), in
# the languages of the clients' forward headers; Outlook's HTML-to-text keeps bold stars.
_HEADER: Final = re.compile(
    r"\s*\*?(?:from|de|von|da|van|od|från|fra)[ \t]*:[ \t]*\**(?P<sender>[^\n]*)\n"
    r"(?:[^\n]*\n){0,8}?[ \t]*\*?(?:subject|assunto|betreff|asunto|objet|oggetto|onderwerp|"
    r"temat|ämne|emne)[ \t]*:[ \t]*\**(?P<subject>[^\n]*)\n", re.I)
# What a mobile client writes under an empty forward, with the link Outlook appends.
_FOOTER: Final = re.compile(
    r"(?:\s*(?:(?:get|obter o|obtener) outlook (?:for|para) (?:android|ios)|"
    r"(?:sent|enviado|envoyé|gesendet) (?:from|do|de|depuis|von) (?:my|meu|mi|mon|meinem) "
    r"[\w ]{1,20}|"
    # Windows Mail: "Enviado do Email<https://go.microsoft.com/fwlink/…> para Windows"
    r"(?:sent from|enviado do|enviado desde|envoyé de|gesendet von) (?:e-?mail|mail|correo)|"
    r"(?:for|para|pour|für) windows(?: 1[01])?|"
    r"<https?://[^\s>]{1,200}>|\[?https?://aka\.ms/\S{1,40}\]?))*\s*", re.I)
# Header lines a client writes after the subject (Gmail: "To:"; others "Cc:", "Date:").
_TRAILING: Final = re.compile(r"(?:[ \t]*\*?[^\W\d_]{1,12}\*?[ \t]*:[^\n]*\n){1,4}")
# Outlook writes "Name [mailto:x@y]"; Windows Mail "Name<mailto:x@y>".
_MAILTO: Final = re.compile(r"[\[<]mailto:([^\]>\s]{1,254})[\]>]", re.I)
# The end of the line a client writes above a quoted reply ("On Mon, 3 Apr 2023, Ann <a@b.c>
# wrote:"), searched in lower case: the same pattern case-blind costs six times as much.
_WROTE: Final = re.compile(r"(?:wrote|escreveu|schrieb|a écrit|escribió|scrisse|schreef)"
                           r"[ \t]*:[ \t]*$", re.M)
_WROTE_ANY_CASE: Final = re.compile(_WROTE.pattern, re.I | re.M)
# Where a forwarded header block may start: a line opening with "From:" (or a client's word
# for it). Only there is the whole block's pattern tried: searched for, it costs ~150 µs.
_HEADER_START: Final = re.compile(r"^[ \t]*\*?(?:from|de|von|da|van|od|från|fra)[ \t]*:",
                                  re.I | re.M)
_QUOTED: Final = re.compile(r"^[ \t]*>[^\n]*$", re.M)
_NAME_ADDRESS: Final = re.compile(r"(?P<name>[^<>]*?)\s*<(?P<address>[^<>\s@]+@[^<>\s@]+)>\s*")
# The header block's first word near the start of a text read as one line (lower case).
_FLAT_HEADER: Final = re.compile(r"(?<![^\s*_>-])(?:from|de|von|da|van|od|från|fra)[ \t]*:")
_FLAT_CHARS: Final = 300


def forwarded(record: MailRecord) -> MailRecord | None:
    """The message an empty inbound forward carries, from its own sender; else None.

    The rebuilt record keeps the forward's id, tenant, recipients, time, links and
    attachments; it has the carried sender, subject and text (after the header block), no
    Reply-To, Return-Path, client address or authentication results (nothing vouches for
    the original's), and no thread headers.
    """
    if record.direction != "inbound" or not _SUBJECT.match(record.subject):
        return None
    whole = record.text
    if record.html and "\n" not in whole and _FLAT_HEADER.search(whole[:_FLAT_CHARS].lower()):
        # Sent as HTML only: the converter read the page as one line, and the header block
        # is lines. Read the page as its reader sees it, line by line (a parse: only when a
        # header's first word opens the text, as a forward's would; kits put "Fw:" before
        # their own subjects too).
        whole = read_page(record.html, lines=True)
    text = whole[:SCAN_CHARS].replace("\r\n", "\n")
    # Nothing above the header block but a mobile client's footer and a separator line (the
    # carried message may hold separators of its own further down).
    footer = _FOOTER.match(text)
    # from the start of the line the footer's trailing blanks reach into (the separator
    # pattern anchors at a line start)
    start = text.rfind("\n", 0, footer.end()) + 1 if footer is not None else 0
    separator = _SEPARATOR.match(text, start)
    header = _HEADER.match(text, separator.end() if separator is not None else start)
    if header is None:
        return None
    name, address = _name_and_address(_MAILTO.sub(r"<\1>", header["sender"].strip(" *\t")))
    address = address.lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in address):
        return None
    end = header.end()
    trailing = _TRAILING.match(text, end)
    body = text[trailing.end() if trailing is not None else end:] + whole[SCAN_CHARS:]
    return replace(record, sender=Address(address, name.strip()),
                   subject=header["subject"].strip(" *\t"), text=body, reply_to=(),
                   return_path="", auth=AuthResults(), client_ip="", in_reply_to="",
                   references=(), headers={}, from_mailboxes=1)


def _name_and_address(written: str) -> tuple[str, str]:
    """The name and address a client wrote on a forward's "From:" line.

    Clients write the name as shown, unquoted: "[BB/Cartões] Contrato-09 <x@gmail.com>" is
    no RFC 5322 mailbox (brackets open a domain literal), and ``parseaddr`` gives up on it.
    """
    bracketed = _NAME_ADDRESS.fullmatch(written)
    if bracketed is not None:
        return bracketed["name"].strip().strip('"').strip(), bracketed["address"]
    return parseaddr(written)


@lru_cache(maxsize=4)
def read_page(html: str, *, lines: bool = False) -> str:
    """``schemas.mime.page_text``, imported at its first use.

    The HTML parser is heavy, and an engine fed JSON records reads a page only for the few
    messages a rule must see as their reader does (a bare link, an HTML-only forward). Those
    few are read by several rules in turn (the late tier's ``vice_topic``,
    ``template_residue`` and ``bare_link`` on one warned message): the last pages parsed are
    kept, so a page is parsed once.
    """
    from schemas.mime import page_text

    return page_text(html, lines=lines)


STUB_CHARS: Final = 200
"""A text part shorter than this beside a page is a stub ("View this e-mail online"): what
the reader sees is the page."""


def read_opening(record: MailRecord, chars: int) -> str:
    """The first ``chars`` characters the reader sees.

    The text part, or the page when the text part is a stub beside one: the late rules read
    where a kit puts its offer.
    """
    text = record.text[:chars]
    if len(text.strip()) < STUB_CHARS and record.html:
        return read_page(record.html)[:chars]
    return text


def own_words(text: str) -> str:
    """What the sender of ``text`` wrote: above a quoted reply or a forwarded message.

    The text is cut at the first separator line, "… wrote:" line or forwarded header block
    ("From: … Subject: …", as Outlook and Lotus Notes quote without a separator), and quoted
    ("> ") lines are left out: the rest is another person's mail.
    """
    text = text.replace("\r\n", "\n")
    separator = _SEPARATOR.search(text)
    cut = separator.start() if separator is not None else len(text)
    lowered = text.lower()
    # A letter whose lower case is two characters ("İ") would shift every offset after it.
    wrote = (_WROTE.search(lowered, 0, cut) if len(lowered) == len(text)
             else _WROTE_ANY_CASE.search(text, 0, cut))
    if wrote is not None:
        cut = text.rfind("\n", 0, wrote.start()) + 1
    for line in _HEADER_START.finditer(text, 0, cut):
        if _HEADER.match(text, line.start()) is not None:
            cut = line.start()
            break
    return _QUOTED.sub("", text[:cut])

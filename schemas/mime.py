"""Raw RFC 5322 / MIME message → :class:`~schemas.records.MailRecord`.

The converter prefers a record with empty fields to a rejection: real mail (and especially
attack mail) is often malformed, and a message the gateway delivered must still be scored.
It raises :class:`~schemas.errors.MimeError` only when there is nothing to score — no ``From``
address and no body at all — or when it is called wrongly (empty tenant, unknown direction).
Every other failure inside the standard library is wrapped into ``MimeError`` too, so a
caller can dead-letter on one exception type.

Speed: the stdlib parser runs with ``policy=compat32`` (about 30x faster than
``policy.default``), and headers are decoded here from their raw values: 8-bit bytes
(kept by the parser as surrogate escapes) are read as UTF-8, else cp1252, and RFC 2047
encoded words are decoded part by part with the same fallbacks, so a bogus charset label
never loses a header.

Strings in the record never hold lone surrogates (``orjson`` refuses them), and ``text`` and
``html`` are capped at :data:`MAX_BODY_BYTES` of UTF-8 each.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import hashlib
import ipaddress
import re
from collections.abc import Iterator
from datetime import UTC
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Final, cast

from selectolax.lexbor import LexborHTMLParser, LexborNode

from schemas.errors import MimeError
from schemas.records import (
    AUTH_OUTCOMES,
    DIRECTIONS,
    Address,
    Attachment,
    AuthResults,
    Direction,
    MailRecord,
    Url,
)

NORMALISED_HEADERS: Final[frozenset[str]] = frozenset(
    {
        "authentication-results",
        "arc-authentication-results",
        "arc-message-signature",
        "arc-seal",
        "received-spf",
        "x-folder",
        "x-filename",
    }
)
"""Corpus-specific headers (lower case) ignored when ``normalise=True``.

They differ by corpus, not by attack (see ``shared/data/README.md``, "Label leakage"): the
honeypot adds ``Authentication-Results``/``Received-SPF``, Enron adds ``X-Folder``/
``X-FileName``. Any other ``ARC-*`` header is ignored as well. ``X-Folder``/``X-FileName``
never reach a record in either mode.
"""

KEPT_HEADERS: Final[tuple[str, ...]] = (
    "x-mailer",
    "user-agent",
    "list-unsubscribe",
    "list-id",
    "precedence",
    "auto-submitted",
    "content-language",
    "x-priority",
)
"""The raw headers copied into ``MailRecord.headers`` (lower-case keys, when present)."""

MAX_BODY_BYTES: Final = 256 * 1024
MAX_HEADER_CHARS: Final = 512
MAX_URLS: Final = 200
MAX_ANCHOR_CHARS: Final = 200

_SANE_CHARSETS: Final = {
    # Labels mail uses for a narrower charset than it sends; decode as the superset.
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "ansi_x3.4-1968": "utf-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "chinesebig5": "big5hkscs",
    "big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
}
_WIDE_CODECS: Final = ("utf-16", "utf-32", "utf-7", "iso2022")
_URL_IN_TEXT: Final = re.compile(r"""(?i)\b(?:https?://|www\.)[^\s<>"'`{}|\\^\[\]]+""")
_URL_TRAILING_PUNCT: Final = ".,;:!?'\")]}>*"
_HREF_SCHEMES: Final = ("http://", "https://", "www.")
_WHITESPACE: Final = re.compile(r"\s+")
_SPACES: Final = re.compile(r"[^\S\n]+")
_BLANK_LINES: Final = re.compile(r" ?\n\s*")
# Elements a client ends a line after (``page_text(lines=True)``).
_LINE_ENDS: Final = "br, p, div, tr, li, h1, h2, h3, h4, h5, h6, hr, table, blockquote, pre"
_HIDING: Final = re.compile(r"display|visibility|font-size|opacity|max-height", re.IGNORECASE)
_DECLARATION: Final = re.compile(r"([a-z-]+)\s*:\s*([^;]*)", re.IGNORECASE)
_ZERO: Final = re.compile(r"^[+-]?(?:0+\.?0*|\.0+)[a-z%]*$", re.IGNORECASE)
_RELATIVE_SIZE: Final = re.compile(r"(?:(?<!r)em|%|ex|ch)$|^(?:smaller|inherit)$", re.IGNORECASE)
_FOLD: Final = re.compile(r"\r?\n[ \t]*")
_ANGLE_ID: Final = re.compile(r"<([^<>\s]+)>")
_AUTH_RESULT: Final = re.compile(r"(?<![\w.-])(spf|dkim|dmarc)\s*=\s*([a-zA-Z]+)", re.IGNORECASE)
_STRIPPED: Final = re.compile(
    r"bytes\s*=\s*(\d+)\s*;\s*sha256\s*=\s*([0-9a-fA-F]{64})", re.IGNORECASE
)
_RECEIVED_FROM: Final = re.compile(r"^\s*from\s+(.*?)(?:\s+by\s+(\S+)|$)", re.IGNORECASE | re.S)
_RECEIVED_BY: Final = re.compile(r"(?:^|\s)by\s+(\S+)", re.IGNORECASE)
_RECEIVED_IP: Final = re.compile(
    r"\[(?:IPv6:)?([0-9a-fA-F:.]{3,45})\]|\(([0-9a-fA-F:.]{3,45})\)", re.IGNORECASE
)
_HOSTNAME: Final = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)
_SECOND_LEVEL: Final = frozenset({"ac", "co", "com", "edu", "gov", "ne", "net", "or", "org"})
# Domains one operator uses for its own relays (Exchange Online hops name all three).
_SAME_OPERATOR: Final = {"office365.com": "outlook.com", "exchangelabs.com": "outlook.com"}


# --------------------------------------------------------------------------- public API


def parse_message(
    raw: bytes,
    *,
    tenant_id: str,
    direction: str | None = None,
    own_domains: frozenset[str] = frozenset(),
    received_at: float | None = None,
    normalise: bool = False,
) -> MailRecord:
    """Convert one raw message into a MailRecord.

    Args:
        raw: the message as bytes, headers first (an mbox ``From `` line is tolerated).
        tenant_id: the tenant the message belongs to; must not be empty.
        direction: ``"inbound"``, ``"outbound"`` or ``"internal"``; when ``None`` it is
            derived from ``own_domains`` (inbound when that is empty).
        own_domains: the tenant's domains (a subdomain counts as the domain).
        received_at: POSIX seconds used only when the ``Date`` header is missing or bad.
        normalise: ignore the corpus-specific headers in :data:`NORMALISED_HEADERS`, so the
            record carries no ``auth`` results (the label-leakage-free view of a corpus).

    Returns:
        The record; fields the message lacks are empty.

    Raises:
        MimeError: the message has neither a ``From`` address nor any body or attachment,
            or the arguments are invalid, or the parser failed in an unexpected way.
    """
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise MimeError(f"raw message must be bytes, got {type(raw).__name__}")
    if not tenant_id:
        raise MimeError("tenant_id must not be empty")
    if direction is not None and direction not in DIRECTIONS:
        raise MimeError(f"direction must be one of {sorted(DIRECTIONS)}, got {direction!r}")
    raw = bytes(raw)
    if not raw.strip():
        raise MimeError("message is empty")
    try:
        return _convert(raw, tenant_id, direction, own_domains, received_at, normalise)
    except MimeError:
        raise
    except RecursionError:
        raise MimeError("MIME parts are nested too deeply to parse") from None
    except Exception as exc:  # the stdlib parser has many failure modes on hostile input
        raise MimeError(f"unexpected {type(exc).__name__} while converting: {exc}") from exc


# --------------------------------------------------------------------------- conversion


def _convert(
    raw: bytes,
    tenant_id: str,
    direction: str | None,
    own_domains: frozenset[str],
    received_at: float | None,
    normalise: bool,
) -> MailRecord:
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    headers = _HeaderBlock(msg)

    from_values = headers.get_all("from", decode=False)
    sender = _first_address(from_values[:1])
    to = _addresses(headers.get_all("to", decode=False))
    cc = _addresses(headers.get_all("cc", decode=False))
    body = _Body(msg)
    if not sender.address and not (body.text or body.html or body.attachments):
        present = "a From header without an address" if headers.get("from") else "no From header"
        raise MimeError(f"message has {present} and no body or attachment")

    text, html = body.text, body.html
    urls: list[Url] = []
    if html:
        html = _cap(html)
        short = body.has_plain and _short_text_part(text)
        derived = _html_view(html, urls, want_text=not body.has_plain or short)
        if not body.has_plain or (short and _decoy(text, derived)):
            text = derived
    text = _cap(text)
    _urls_in_text(text, urls)

    if direction is None:
        direction = _direction(sender, to + cc, own_domains)

    return MailRecord(
        message_id=_message_id(headers.get("message-id"), raw),
        tenant_id=tenant_id,
        direction=cast(Direction, direction),
        received_at=_date(headers.get("date"), received_at),
        sender=sender,
        to=to,
        cc=cc,
        reply_to=_addresses(headers.get_all("reply-to", decode=False)),
        return_path=_bare_address(headers.get_all("return-path", decode=False)[:1]),
        subject=_clean(_WHITESPACE.sub(" ", headers.get("subject"))).strip(),
        text=text,
        html=html,
        urls=tuple(urls[:MAX_URLS]),
        attachments=tuple(body.attachments),
        auth=AuthResults() if normalise else _auth(headers),
        client_ip=_client_ip(headers.get_all("received", decode=False)),
        in_reply_to=_first_id(headers.get("in-reply-to")),
        references=tuple(_ids(headers.get("references"))),
        headers={name: headers.get(name)[:MAX_HEADER_CHARS]
                 for name in KEPT_HEADERS if headers.get(name)},
        from_mailboxes=_mailbox_count(from_values),
    )


class _HeaderBlock:
    """The top-level headers by lower-case name, decoded on first use."""

    __slots__ = ("_decoded", "_raw")

    def __init__(self, msg: Message) -> None:
        self._raw: dict[str, list[str]] = {}
        for name, value in msg.raw_items():
            self._raw.setdefault(str(name).strip().lower(), []).append(str(value))
        self._decoded: dict[str, list[str]] = {}

    def get(self, name: str) -> str:
        """The first value of ``name`` decoded, or ``""``."""
        values = self.get_all(name)
        return values[0] if values else ""

    def get_all(self, name: str, *, decode: bool = True) -> list[str]:
        """Every value of ``name`` in header order (top-most first)."""
        if not decode:
            return [_unfold(_text_from_raw(v)) for v in self._raw.get(name, ())]
        values = self._decoded.get(name)
        if values is None:
            values = [_decode_rfc2047(_unfold(_text_from_raw(v))) for v in self._raw.get(name, ())]
            self._decoded[name] = values
        return values


class _Body:
    """Text, HTML and attachments of a message, walked once."""

    __slots__ = ("attachments", "has_plain", "html", "text")

    def __init__(self, msg: Message) -> None:
        plain: list[str] = []
        html: list[str] = []
        self.attachments: list[Attachment] = []
        for part in _leaves(msg):
            content_type = _content_type(part)
            if content_type.startswith("multipart/"):
                # A multipart whose boundary never occurs: the parser leaves the body as one
                # string. Keep it as text rather than lose the words.
                plain.append(part_text(part))
                continue
            filename = _filename(part)
            disposition = str(part.get("content-disposition", "")).strip().lower()
            is_text = content_type.startswith("text/")
            if filename or not is_text or disposition.startswith("attachment"):
                self.attachments.append(_attachment(part, filename, content_type))
            elif content_type == "text/plain":
                plain.append(part_text(part))
            elif content_type == "text/html":
                html.append(part_text(part))
        # A blank text/plain beside the HTML (common in bulk mail) is no text version.
        self.has_plain = any(not p.isspace() for p in plain if p)
        self.text = "\n".join(p for p in plain if p)
        self.html = "\n".join(h for h in html if h)


def _leaves(msg: Message) -> Iterator[Message]:
    """The non-multipart parts, depth first, without recursion (hostile nesting is deep)."""
    stack = [msg]
    while stack:
        part = stack.pop()
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend(reversed([p for p in payload if isinstance(p, Message)]))
        else:
            yield part


# --------------------------------------------------------------------------- headers


def _decode_rfc2047(value: str) -> str:
    """Decode RFC 2047 encoded words in a header value, tolerant of unknown charsets.

    Args:
        value: an unfolded header value (already unicode).

    Returns:
        The decoded text; undecodable bytes become U+FFFD, never an exception.
    """
    if "=?" not in value:
        return value
    try:
        chunks = decode_header(value)
    except Exception:  # e.g. HeaderParseError on broken base64: keep the raw text
        return value
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:
            out.append(_unencoded_chunk(chunk))
        else:
            out.append(_decode_bytes(chunk, charset.split("*", 1)[0]))
    return "".join(out)


def _unencoded_chunk(chunk: bytes) -> str:
    # decode_header hands back the text between encoded words as raw-unicode-escape bytes.
    try:
        return chunk.decode("raw-unicode-escape")
    except UnicodeDecodeError:  # a literal backslash-u ("C:\\users"), not an escape
        return chunk.decode("latin-1")


def _text_from_raw(value: str) -> str:
    """Undo compat32's surrogate escapes: 8-bit header bytes are UTF-8, else cp1252."""
    if value.isascii():
        return value
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:  # already real unicode (a Header object's str)
        return _clean(value)
    return _decode_bytes(data, None)


def _unfold(value: str) -> str:
    return _FOLD.sub(" ", value).strip() if "\n" in value else value.strip()


def _decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode text whatever its label says: the label, UTF-8 and cp1252, in a sensible order.

    Non-ASCII bytes that form valid UTF-8 are read as UTF-8 even under another label (senders
    mislabel UTF-8 as ISO-8859-1 far more often than Latin-1 text happens to be valid UTF-8);
    otherwise the declared charset is used when Python knows it, and cp1252 is the last resort.
    """
    codec = _codec(charset)
    if codec and (data.isascii() or codec.startswith(_WIDE_CODECS)):
        try:
            return _clean(data.decode(codec, errors="replace"))
        except Exception:  # codecs such as utf-7 fail in their own ways
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if codec and codec != "utf-8":
        try:
            return _clean(data.decode(codec, errors="replace"))
        except Exception:
            pass
    return data.decode("cp1252", errors="replace")


def _codec(charset: str | None) -> str:
    """Python's codec name for a MIME charset label, or ``""`` when unknown."""
    if not charset:
        return ""
    label = charset.strip().strip("\"'").lower()
    label = _SANE_CHARSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError, TypeError):
        return ""


def _clean(value: str) -> str:
    """Replace lone surrogates (utf-7/utf-16 bodies, odd header objects) so JSON can encode."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", errors="replace").decode("utf-8")
    return value


def _cap(value: str, limit: int = MAX_BODY_BYTES) -> str:
    if len(value) * 4 <= limit:  # no UTF-8 character is longer than 4 bytes
        return value
    data = value.encode("utf-8")
    if len(data) <= limit:
        return value
    return data[:limit].decode("utf-8", errors="ignore")


def _addresses(values: list[str]) -> tuple[Address, ...]:
    """Mailboxes of address headers; entries without ``@`` (groups, junk) are dropped."""
    return tuple(Address(address.lower(), name)
                 for name, address in _parse_addresses(values) if "@" in address)


def _parse_addresses(values: list[str]) -> list[tuple[str, str]]:
    """``(display name, address)`` pairs of raw (still RFC 2047 encoded) header values.

    Addresses are split before the names are decoded: an encoded name may hide a comma
    (``=?utf-8?q?Doe=2C_John?=``) that would otherwise split one mailbox into two.
    """
    values = [v for v in values if v]
    if not values:
        return []
    return [(_display_name(name), address.strip()) for name, address in getaddresses(values)]


def _display_name(name: str) -> str:
    if not name:
        return ""
    return _WHITESPACE.sub(" ", _decode_rfc2047(name)).strip().strip('"').strip()


def _first_address(values: list[str]) -> Address:
    """The first mailbox with an ``@``; otherwise the display name alone (address ``""``)."""
    pairs = _parse_addresses(values)
    for name, address in pairs:
        if "@" in address:
            return Address(address.lower(), name)
    for name, address in pairs:
        if name or address:
            return Address("", name or address)
    return Address("")


def _mailbox_count(values: list[str]) -> int:
    """How many mailboxes the From field(s) name: distinct addresses, plus entries without one.

    One address written twice ("a@x.example <a@x.example>", an unquoted display name holding
    the address) counts once; a display name without an address ("Promo" in "Promo, <a@x>",
    an unquoted comma) counts as a mailbox of its own, as a parser reads it.
    """
    addresses: set[str] = set()
    bare = 0
    for name, address in _parse_addresses(values):
        if "@" in address:
            addresses.add(address.lower())
        elif name or address:
            bare += 1
    return len(addresses) + bare


def _bare_address(values: list[str]) -> str:
    for _, address in _parse_addresses(values):
        if "@" in address:
            return address.lower()
    return ""


def _message_id(value: str, raw: bytes) -> str:
    found = _ANGLE_ID.search(value)
    message_id = found.group(1) if found else value.strip().strip("<>").strip()
    if message_id:
        return message_id
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:32]


def _first_id(value: str) -> str:
    found = _ANGLE_ID.search(value)
    if found:
        return found.group(1)
    return value.split()[0].strip("<>") if value.strip() else ""


def _ids(value: str) -> list[str]:
    ids = _ANGLE_ID.findall(value)
    if ids or not value.strip():
        return ids
    return [token.strip("<>,") for token in value.split() if token.strip("<>,")]


def _date(value: str, fallback: float | None) -> float:
    """POSIX seconds of the Date header; ``fallback`` (else 0.0) when it is missing or bad.

    A year of ``1xx`` is the old ``tm_year`` bug (``0102`` for 2002, 62 SpamAssassin
    messages) and is repaired; a date before 1970 is treated as unreadable.
    """
    if value:
        try:
            when = parsedate_to_datetime(value)
            if 100 <= when.year < 200:
                when = when.replace(year=when.year + 1900)
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            seconds = when.timestamp()
            if seconds >= 0:
                return seconds
        except (TypeError, ValueError, IndexError, OverflowError, OSError):
            pass
    return float(fallback) if fallback is not None else 0.0


def _direction(sender: Address, recipients: tuple[Address, ...],
               own_domains: frozenset[str]) -> str:
    """Inbound unless the sender is ours; then internal when every recipient is ours too."""
    if not own_domains:
        return "inbound"
    own = frozenset(d.lower().strip(".") for d in own_domains)
    if not _is_own(sender.domain, own):
        return "inbound"
    if recipients and all(_is_own(r.domain, own) for r in recipients):
        return "internal"
    return "outbound"


def _is_own(domain: str, own: frozenset[str]) -> bool:
    domain = domain.lower().rstrip(".")
    while domain:
        if domain in own:
            return True
        _, _, domain = domain.partition(".")
    return False


def _auth(headers: _HeaderBlock) -> AuthResults:
    """Outcomes from the first Authentication-Results; SPF falls back to Received-SPF."""
    found: dict[str, str] = {}
    for method, outcome in _AUTH_RESULT.findall(headers.get("authentication-results")):
        found.setdefault(method.lower(), outcome.lower())
    spf = found.get("spf")
    if spf is None:
        words = headers.get("received-spf").split(None, 1)
        spf = words[0].lower().rstrip(":;") if words else ""
    return AuthResults(*(v if v in AUTH_OUTCOMES else ""
                         for v in (spf, found.get("dkim", ""), found.get("dmarc", ""))))


def _client_ip(received: list[str]) -> str:
    """The public IP of the client that handed the message to the receiving organisation.

    Walks the ``Received`` headers top-most first and takes the first public (globally
    routable) IP of a ``from`` clause, with one refinement: a hop whose ``from`` host is in the
    domain of a receiving host seen so far (a ``by`` host at or above it) is the receiver
    relaying to itself, and is skipped. Without it every message delivered through Exchange
    Online (nearly all of the phishing_pot corpus) reports a Microsoft-internal IPv6 address.
    When every public hop is internal (mail between two Exchange Online tenants), the first
    public IPv4 of those hops is returned (the provider's edge), else the first public IP.

    Trade-off: a client that names itself (HELO) after the receiver's domain pushes the
    answer one hop down, into headers it may have written itself.
    """
    receivers: set[str] = set()
    internal: list[str] = []
    for value in received:
        by_match = _RECEIVED_BY.search(value)
        if by_match and (receiver := _base_domain(by_match.group(1))):
            receivers.add(receiver)
        from_match = _RECEIVED_FROM.match(value)
        if not from_match:
            continue
        clause = from_match.group(1)
        public = _first_public_ip(clause)
        if not public:
            continue
        names = {_base_domain(h) for h in _HOSTNAME.findall(clause)}
        if names & receivers:
            internal.append(public)
            continue
        return public
    return next((ip for ip in internal if "." in ip), internal[0] if internal else "")


def _first_public_ip(clause: str) -> str:
    for bracketed, parenthesised in _RECEIVED_IP.findall(clause):
        try:
            ip = ipaddress.ip_address(bracketed or parenthesised)
        except ValueError:
            continue
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_global:
            return str(ip)
    return ""


def _base_domain(host: str) -> str:
    """The registrable part of a host name, roughly (``a.b.co.uk`` → ``b.co.uk``)."""
    labels = host.strip("[]().;").lower().rstrip(".").split(".")
    if len(labels) < 2 or not labels[-1].isalpha():
        return ""
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        base = ".".join(labels[-3:])
    else:
        base = ".".join(labels[-2:])
    return _SAME_OPERATOR.get(base, base)


# --------------------------------------------------------------------------- body parts


def _content_type(part: Message) -> str:
    content_type = part.get_content_type()
    # "text/html charset=utf-8" (a missing ';') is common in spam.
    return content_type.split(None, 1)[0] if " " in content_type else content_type


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # malformed RFC 2231 parameters
        return ""
    if not name:
        return ""
    return _WHITESPACE.sub(" ", _decode_rfc2047(_text_from_raw(str(name)))).strip()


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    return b""


def part_text(part: Message) -> str:
    """A leaf part's payload as text, decoded as the converter reads a body part."""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return _decode_bytes(_payload(part), charset)


def _attachment(part: Message, filename: str, content_type: str) -> Attachment:
    placeholder = part.get("x-corpus-stripped")
    if placeholder:
        found = _STRIPPED.search(_unfold(str(placeholder)))
        if found:
            return Attachment(filename, content_type, int(found.group(1)),
                              found.group(2).lower(), stripped=True)
    data = _payload(part)
    return Attachment(filename, content_type, len(data), hashlib.sha256(data).hexdigest())


# --------------------------------------------------------------------------- decoy text parts


_DECOY_MAX_WORDS: Final = 7
_DECOY_MAX_CHARS: Final = 512  # 7 words of any length a kit writes, and a cheap first test
_PAGE_MIN_WORDS: Final = 10
_WORD: Final = re.compile(r"\w+")
# One to seven words and what separates them. Possessive: with ``\w+\W*`` the engine splits
# a longer text's words into pieces to try every way of counting seven (200 µs a record).
_SHORT_TEXT: Final = re.compile(rf"\W*+(?:\w++\W*+){{1,{_DECOY_MAX_WORDS}}}+")
# A short text part that sends the reader to the page is a stub, not a decoy ("This is an HTML
# message", "View it in your browser", a link): the page is what it points at. Substrings of
# the lower-cased text: a case-insensitive regex alternation took 44 µs on 500 characters.
_STUB: Final = ("html", "browser", "online", "version", "view", "navegador", "visualiz",
                "http://", "https://", "www.")


def _short_text_part(text: str) -> bool:
    """A text part too short to be a rendition of any page (at most 7 words, no stub)."""
    if len(text) > _DECOY_MAX_CHARS or _SHORT_TEXT.fullmatch(text) is None:
        return False
    lowered = text.lower()
    return not any(stub in lowered for stub in _STUB)


def _decoy(text: str, page: str) -> bool:
    """Whether a short text part is a decoy: the page shares few of its words.

    A client shows the HTML of a multipart/alternative, so a kit writes "normal" (or
    "saturday brunch", "AAA") as the text part beside its page, and a filter reading the
    text part reads nothing. A text part of at most 7 words, not a stub pointing at the
    HTML, beside a page of 10 words or more that holds fewer than half of them, is read as
    that page. The broader rule (any text part sharing under half its words with the page)
    is right too, but it changes what the shipped model was trained on (README, "A decoy
    text part"); this one changes no training text: on the corpora it reads 24 phishing_pot
    pages and no Enron, SpamAssassin or watchdog message.
    """
    mine = {w.lower() for w in _WORD.findall(text)}
    page_words = _WORD.findall(page)
    if len(page_words) < _PAGE_MIN_WORDS:
        return False
    shown = {w.lower() for w in page_words}
    return 2 * len(mine & shown) < len(mine)


def decoy_page(text: str, html: str) -> str | None:
    """The page a record's short decoy text part hides (None when the text part is not one).

    For records another gateway wrote (``schemas.codec.decode_mail``): the converter
    already reads the page itself, and detection reads ``text``, never the HTML. Only a
    short text part beside HTML costs a parse of the page.
    """
    if not html or not _short_text_part(text):
        return None
    page = _html_view(_cap(html), [], want_text=True)
    return page if _decoy(text, page) else None


def page_text(html: str, *, lines: bool = False) -> str:
    """What a reader's client shows of ``html``: its visible text (styled-out text left out).

    With ``lines``, a line break where the page breaks a line (``<br>``, the end of a
    paragraph, a block, a table row): what line-shaped text is read for, such as the header
    block of a forward sent as HTML only, whose text the converter reads as one line.
    """
    return _html_view(_cap(html), [], want_text=True, lines=lines)


# --------------------------------------------------------------------------- urls


def _html_view(html: str, urls: list[Url], *, want_text: bool, lines: bool = False) -> str:
    """Collect ``<a href>`` links into ``urls``; return the visible text when asked.

    Visible means what a reader's client shows: text styled out of sight is left out
    (:func:`_drop_unseen`). Kits fill an invisible block with ordinary prose so that a
    filter reading every word reads a letter: 559 of phishing_pot's 4,292 HTML messages style
    30 words or more, over 30% of their text, so (book passages, mostly), and none of the ham
    corpora's do. Rewritten that way with 150 words of Enron mail (``mailhawk bench
    evasion``), the share of held phishing_pot still held fell from 0.87 to 0.78 and of
    SpamAssassin spam from 0.95 to 0.64; read as shown, nothing moves. The kits' own salad
    was no disguise to the model: without it phishing_pot is held 3,434 times of 4,520
    instead of 3,435.
    """
    tree = LexborHTMLParser(html)
    seen = {u.url: i for i, u in enumerate(urls)}
    for node in tree.css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href.lower().startswith(_HREF_SCHEMES):
            continue  # mailto:, tel:, javascript:, cid:, relative links
        anchor = _WHITESPACE.sub(" ", node.text(deep=True)).strip()[:MAX_ANCHOR_CHARS]
        _add_url(urls, seen, _clean(href), _clean(anchor))
    if not want_text:
        return ""
    tree.strip_tags(["script", "style", "template"])
    _drop_unseen(tree)
    root = tree.body or tree.root
    if lines and root is not None:
        for node in root.css(_LINE_ENDS):
            node.insert_after("\n")
        text = root.text(separator=" ")
        return _clean(_BLANK_LINES.sub("\n", _SPACES.sub(" ", text)).strip())
    text = root.text(separator=" ") if root is not None else ""
    return _clean(_WHITESPACE.sub(" ", text).strip())


def _drop_unseen(tree: LexborHTMLParser) -> None:
    """Remove the text a reader's client would not show, as CSS inherits it.

    ``display:none``, ``opacity:0``, ``max-height:0`` with ``overflow:hidden`` and the
    ``hidden`` attribute hide an element whatever its children say. A zero ``font-size`` and
    ``visibility:hidden`` are inherited, and a child can undo them (``font-size:14px``,
    ``visibility:visible``; an ``em`` or ``%`` size of nothing stays nothing): templates set
    ``font-size:0`` on a row to close the gaps between its columns and give each column its
    size back, so dropping the whole row would drop what the reader reads, and a kit could
    wrap its page so. Only the subtrees under an element that declares one of these are
    walked (most mail has none), each node once, without recursion.
    """
    gone: list[LexborNode] = []
    walked: set[int] = set()
    for top in tree.css("[style], [hidden]"):
        if top.mem_id in walked or not ("hidden" in top.attributes or _HIDING.search(
                top.attributes.get("style") or "")):
            continue
        stack: list[tuple[LexborNode, bool, bool]] = [(top, False, False)]
        while stack:
            node, small, invisible = stack.pop()
            walked.add(node.mem_id)
            if node.tag == "-text":
                if small or invisible:
                    gone.append(node)
                continue
            if "hidden" in node.attributes:
                gone.append(node)
                continue
            rules = {k.lower(): v.lower().replace("!important", "").strip() for k, v in
                     _DECLARATION.findall(node.attributes.get("style") or "")}
            if rules.get("display") == "none" or _ZERO.match(rules.get("opacity", "1")) or (
                    _ZERO.match(rules.get("max-height", "none"))
                    and rules.get("overflow") == "hidden"):
                gone.append(node)
                continue
            size = rules.get("font-size")
            if size is not None and not (small and _RELATIVE_SIZE.search(size)):
                small = bool(_ZERO.match(size))
            visibility = rules.get("visibility")
            if visibility is not None:
                invisible = visibility in ("hidden", "collapse")
            stack.extend((child, small, invisible)
                         for child in reversed(list(node.iter(include_text=True))))
    for node in reversed(gone):  # a node, then what came before it: none is used once freed
        node.decompose()


def _urls_in_text(text: str, urls: list[Url]) -> None:
    if "www" not in text and "http" not in text and "WWW" not in text and "HTTP" not in text:
        return
    seen = {u.url: i for i, u in enumerate(urls)}
    for found in _URL_IN_TEXT.finditer(text):
        if len(seen) >= MAX_URLS:
            return
        url = found.group(0).rstrip(_URL_TRAILING_PUNCT)
        if len(url) > 7:
            _add_url(urls, seen, url, "")


def _add_url(urls: list[Url], seen: dict[str, int], url: str, anchor: str) -> None:
    index = seen.get(url)
    if index is None:
        if len(urls) < MAX_URLS:
            seen[url] = len(urls)
            urls.append(Url(url, anchor))
    elif anchor and not urls[index].anchor_text:
        urls[index] = Url(url, anchor)  # an image link first, the same link with words later

"""Records on the wire: MailRecord (in), Verdict (out), DeadLetter.

Every record is a slotted dataclass with explicit ``to_dict``/``from_dict``; the JSON
documents are described by the JSON Schema files in ``schemas/jsonschema/``. ``from_dict``
validates by hand instead of through a schema library because it runs once per message on the
hot path (a generic validator costs more than the whole state update); a unit test checks the
hand validation and the JSON Schema files agree on the same examples.

Times are POSIX seconds (UTC) as floats: the engine does arithmetic on them (decay, hour of
day, latency) and parsing ISO strings per message would cost more than it buys.

The records built for every message (MailRecord and its parts, Hit, Verdict) are read-only
by contract (``dataclasses.replace`` makes a changed copy), not ``frozen``: a frozen
dataclass's ``__init__`` sets each field through ``object.__setattr__``, and decoding builds a
MailRecord (21 fields), an Address per sender and recipient, a Url per link and the auth
results for every message. Measured (``decode_mail`` on 12,000 records): 21.2 → 15.5 µs a
message on the corpus stream (6 recipients each), 16.4 → 10.6 synthetic. The cascade's
Decision and the state's facts and snapshots are plain for the same reason; the rare records
(DirectoryEntry, DeadLetter) stay frozen.

The fast pass that checks a parsed document and builds its MailRecord (``_fast_mail``) runs in
C where the install built ``schemas/_decode.c``, filling the records' slots directly: on a
machine ~2× slower than the figures above, ``decode_mail`` (parse included) 20.0 → 11.9 µs
a corpus record and 21.7 → 12.0 synthetic (medians of 5 passes alternating in one process);
orjson's parse is most of what is left.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, cast

from schemas.errors import SchemaError

MAIL_SCHEMA_VERSION: Final = 1
VERDICT_SCHEMA_VERSION: Final = 1
DEAD_LETTER_SCHEMA_VERSION: Final = 1

Direction = Literal["inbound", "outbound", "internal"]
DIRECTIONS: Final[frozenset[str]] = frozenset({"inbound", "outbound", "internal"})

Action = Literal["allow", "warn", "quarantine", "block"]
ACTIONS: Final[tuple[str, ...]] = ("allow", "warn", "quarantine", "block")
HELD_ACTIONS: Final[frozenset[str]] = frozenset({"quarantine", "block"})
"""The actions that keep a message from the mailbox: an attack given one is caught, a ham
given one is a false positive (a warning delivers the message, so it is neither)."""
DECIDED_BY: Final[tuple[str, ...]] = ("model", "corroborated", "decisive", "heuristics",
                                      "policy")
"""What set a verdict's action: the model's calibrated probability; the model's warning
raised by a corroborating heuristic hit; a decisive heuristic hit on its own; the combined
heuristic scores (no model ran); or the tenant's sender policy, which allowed a message
detection would have held (the verdict keeps detection's type and score)."""

ATTACK_TYPES: Final[tuple[str, ...]] = (
    "none",
    "credential_phishing",
    "bec",
    "invoice_fraud",
    "account_takeover",
    "lookalike_domain",
    "malware",
    "spam",
    "scam",
)

AUTH_OUTCOMES: Final[frozenset[str]] = frozenset(
    {"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "policy"}
)


# --------------------------------------------------------------------------- helpers


def _str(d: dict[str, Any], key: str, path: str, default: str | None = None) -> str:
    value = d.get(key, default)
    if value is None:
        if default is None:
            raise SchemaError("missing_field", f"required field '{path}{key}' is missing",
                              f"{path}{key}")
        return default
    if not isinstance(value, str):
        raise SchemaError("wrong_type", f"field '{path}{key}' must be a string, "
                          f"got {type(value).__name__}", f"{path}{key}")
    return value


_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def _tenant(d: dict[str, Any]) -> str:
    """``tenant_id``: not empty, and no control character.

    U+001F separates the parts of a state key (``state.profiles.make_key``): a tenant id
    holding one could spell the start of another tenant's key on the same partition. The
    parts a sender writes have it replaced (``key_part``); a tenant id is refused instead, as
    the operator's own id it has no reason to hold one.
    """
    tenant = _str(d, "tenant_id", "")
    if not tenant:
        raise SchemaError("invalid_value", "field 'tenant_id' is empty", "tenant_id")
    if _CONTROL.search(tenant):
        raise SchemaError("invalid_value", f"field 'tenant_id' holds a control character: "
                          f"{_shown(tenant)}", "tenant_id")
    return tenant


def _num(d: dict[str, Any], key: str, path: str) -> float:
    value = d.get(key)
    if value is None:
        raise SchemaError("missing_field", f"required field '{path}{key}' is missing",
                          f"{path}{key}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemaError("wrong_type", f"field '{path}{key}' must be a number, "
                          f"got {type(value).__name__}", f"{path}{key}")
    return float(value)


def _bool(d: dict[str, Any], key: str, path: str) -> bool:
    value = d.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise SchemaError("wrong_type", f"field '{path}{key}' must be true or false, "
                          f"got {type(value).__name__}", f"{path}{key}")
    return value


def _list(d: dict[str, Any], key: str, path: str) -> list[Any]:
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise SchemaError("wrong_type", f"field '{path}{key}' must be a list, "
                          f"got {type(value).__name__}", f"{path}{key}")
    return value


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SchemaError("wrong_type", f"field '{path}' must be an object, "
                          f"got {type(value).__name__}", path)
    return value


def _shown(value: Any) -> str:
    """A field's value as an error message quotes it: its repr, cut to 40 characters.

    The message travels in the dead-letter record's headers, beside the record itself, and
    to an operator's terminal; a field a sender fills may hold megabytes, so it is cut. It
    never goes to the service logs (they name the kind and the field only): a value may be
    an address or a subject.
    """
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:40]}… ({len(text):,} characters)"


def _version(d: dict[str, Any], expected: int) -> None:
    version = d.get("schema_version")
    if isinstance(version, bool):  # True == 1 in Python; a boolean is not a version
        raise SchemaError("schema_version", f"schema_version must be an integer, got "
                          f"{_shown(version)}", "schema_version")
    if version is None:
        raise SchemaError("missing_field", "required field 'schema_version' is missing",
                          "schema_version")
    if version != expected:
        raise SchemaError("schema_version", f"schema_version {_shown(version)} is not supported "
                          f"(this build reads version {expected})", "schema_version")


# --------------------------------------------------------------------------- MailRecord


@dataclass(slots=True)
class Address:
    """A mailbox: the address (lower-cased) and the display name as shown to the reader."""

    address: str
    name: str = ""

    @property
    def domain(self) -> str:
        """The part after the last ``@``, or ``""``."""
        _, _, domain = self.address.rpartition("@")
        return domain

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "name": self.name}

    @classmethod
    def from_dict(cls, d: Any, path: str) -> Address:
        d = _obj(d, path)
        return cls(_str(d, "address", path + ".").lower(), _str(d, "name", path + ".", ""))


@dataclass(slots=True)
class Url:
    """A link in the message; ``anchor_text`` is the visible text when it came from HTML."""

    url: str
    anchor_text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "anchor_text": self.anchor_text}

    @classmethod
    def from_dict(cls, d: Any, path: str) -> Url:
        d = _obj(d, path)
        return cls(_str(d, "url", path + "."), _str(d, "anchor_text", path + ".", ""))


@dataclass(slots=True)
class Attachment:
    """Attachment metadata; ``stripped`` marks a payload removed upstream (size/hash kept)."""

    filename: str
    content_type: str
    size: int
    sha256: str = ""
    stripped: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"filename": self.filename, "content_type": self.content_type,
                "size": self.size, "sha256": self.sha256, "stripped": self.stripped}

    @classmethod
    def from_dict(cls, d: Any, path: str) -> Attachment:
        d = _obj(d, path)
        size = _num(d, "size", path + ".")
        if size != int(size) or not 0 <= size < 2**63:
            raise SchemaError("invalid_value", f"field '{path}.size' must be a whole number of "
                              f"bytes, got {_shown(d['size'])}", f"{path}.size")
        return cls(_str(d, "filename", path + ".", ""), _str(d, "content_type", path + ".", ""),
                   int(size), _str(d, "sha256", path + ".", ""),
                   _bool(d, "stripped", path + "."))


@dataclass(slots=True)
class AuthResults:
    """SPF/DKIM/DMARC outcomes as the gateway reported them; ``""`` when not reported."""

    spf: str = ""
    dkim: str = ""
    dmarc: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"spf": self.spf, "dkim": self.dkim, "dmarc": self.dmarc}

    @classmethod
    def from_dict(cls, d: Any, path: str) -> AuthResults:
        if d is None:
            return cls()
        d = _obj(d, path)
        values = []
        for key in ("spf", "dkim", "dmarc"):
            value = _str(d, key, path + ".", "").lower()
            if value and value not in AUTH_OUTCOMES:
                raise SchemaError("invalid_value", f"field '{path}.{key}' has unknown outcome "
                                  f"{_shown(value)}", f"{path}.{key}")
            values.append(value)
        return cls(*values)


def _addresses(d: dict[str, Any], key: str) -> tuple[Address, ...]:
    return tuple(Address.from_dict(a, f"{key}[{i}]") for i, a in enumerate(_list(d, key, "")))


@dataclass(slots=True)
class MailRecord:
    """One inbound (or outbound/internal) message as the mail gateway saw it.

    ``sender`` is the RFC 5322 ``From``; it is called ``from`` on the wire. ``headers`` keeps a
    small set of raw headers (the converter chooses which), never the whole header block.
    ``from_mailboxes`` is how many mailboxes the From field(s) held as written, before the
    converter picked ``sender``: 1 in well-formed mail (the default, and what a converter
    that does not count says); on the wire only when it is not 1.
    """

    message_id: str
    tenant_id: str
    direction: Direction
    received_at: float
    sender: Address
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    return_path: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    urls: tuple[Url, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    auth: AuthResults = field(default_factory=AuthResults)
    client_ip: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    from_mailboxes: int = 1
    schema_version: int = MAIL_SCHEMA_VERSION

    @property
    def recipients(self) -> tuple[str, ...]:
        """Distinct recipient addresses (To, then Cc) in order of appearance."""
        seen: dict[str, None] = {}
        for a in self.to:
            seen.setdefault(a.address, None)
        for a in self.cc:
            seen.setdefault(a.address, None)
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "schema_version": self.schema_version,
            "message_id": self.message_id,
            "tenant_id": self.tenant_id,
            "direction": self.direction,
            "received_at": self.received_at,
            "from": self.sender.to_dict(),
            "to": [a.to_dict() for a in self.to],
            "cc": [a.to_dict() for a in self.cc],
            "reply_to": [a.to_dict() for a in self.reply_to],
            "return_path": self.return_path,
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "urls": [u.to_dict() for u in self.urls],
            "attachments": [a.to_dict() for a in self.attachments],
            "auth": self.auth.to_dict(),
            "client_ip": self.client_ip,
            "in_reply_to": self.in_reply_to,
            "references": list(self.references),
            "headers": dict(self.headers),
        }
        if self.from_mailboxes != 1:
            out["from_mailboxes"] = self.from_mailboxes
        return out

    @classmethod
    def from_dict(cls, d: Any) -> MailRecord:
        """Validate and build; raises SchemaError naming the first offending field.

        Runs once per message on the hot path: a fast pass builds the record with bare type
        checks, and only a record it does not like goes through the careful validation that
        names the offending field (measured: 20 → 13 µs per 3 KB record).
        """
        if _decode is not None:  # the same pass in C (schemas/_decode.c), None: not vouched
            record = _decode.fast_mail(d)
            return record if record is not None else cls._validated(d)
        try:
            return _fast_mail(d)
        except _Invalid:
            return cls._validated(d)

    @classmethod
    def _validated(cls, d: Any) -> MailRecord:
        d = _obj(d, "")
        _version(d, MAIL_SCHEMA_VERSION)
        message_id = _str(d, "message_id", "")
        if not message_id:
            raise SchemaError("invalid_value", "field 'message_id' is empty", "message_id")
        tenant_id = _tenant(d)
        if tenant_id == ALL_TENANTS:
            raise SchemaError("invalid_value", f"tenant_id {ALL_TENANTS!r} is reserved for "
                              "sender-policy rules of every tenant; give the organisation's "
                              "own id", "tenant_id")
        direction = _str(d, "direction", "", "inbound")
        if direction not in DIRECTIONS:
            raise SchemaError("invalid_value", f"field 'direction' must be one of "
                              f"{sorted(DIRECTIONS)}, got {_shown(direction)}", "direction")
        if "from" not in d:
            raise SchemaError("missing_field", "required field 'from' is missing", "from")
        headers = d.get("headers")
        if headers is None:
            headers = {}
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise SchemaError("wrong_type", "field 'headers' must map strings to strings",
                              "headers")
        refs = _list(d, "references", "")
        if not all(isinstance(r, str) for r in refs):
            raise SchemaError("wrong_type", "field 'references' must list strings",
                              "references")
        mailboxes = d.get("from_mailboxes", 1)
        if type(mailboxes) is not int:
            raise SchemaError("wrong_type", "field 'from_mailboxes' must be an integer",
                              "from_mailboxes")
        if not 0 <= mailboxes < 2**31:
            raise SchemaError("invalid_value", "field 'from_mailboxes' must be a count "
                              "within 0..2**31-1", "from_mailboxes")
        return cls(
            message_id=message_id,
            tenant_id=tenant_id,
            direction=cast(Direction, direction),
            received_at=_num(d, "received_at", ""),
            sender=Address.from_dict(d["from"], "from"),
            to=_addresses(d, "to"),
            cc=_addresses(d, "cc"),
            reply_to=_addresses(d, "reply_to"),
            return_path=_str(d, "return_path", "", "").lower(),
            subject=_str(d, "subject", "", ""),
            text=_str(d, "text", "", ""),
            html=_str(d, "html", "", ""),
            urls=tuple(Url.from_dict(u, f"urls[{i}]")
                       for i, u in enumerate(_list(d, "urls", ""))),
            attachments=tuple(Attachment.from_dict(a, f"attachments[{i}]")
                              for i, a in enumerate(_list(d, "attachments", ""))),
            auth=AuthResults.from_dict(d.get("auth"), "auth"),
            client_ip=_str(d, "client_ip", "", ""),
            in_reply_to=_str(d, "in_reply_to", "", ""),
            references=tuple(refs),
            headers=headers,
            from_mailboxes=mailboxes,
        )


class _Invalid(Exception):
    """The fast path met something it does not vouch for; the careful path decides."""


def _s(v: Any) -> str:
    if type(v) is not str:
        raise _Invalid
    return v


def _so(v: Any) -> str:
    """An optional string: None reads as ""."""
    if v is None:
        return ""
    if type(v) is not str:
        raise _Invalid
    return v


def _fast_addresses(v: Any) -> tuple[Address, ...]:
    if v is None:
        return ()
    if type(v) is not list:
        raise _Invalid
    out = []
    for a in v:
        if type(a) is not dict:
            raise _Invalid
        out.append(Address(_s(a["address"]).lower(), _so(a.get("name"))))
    return tuple(out)


def _fast_mail(d: Any) -> MailRecord:
    """Build a MailRecord from a document that is plainly valid, or raise _Invalid.

    The definition of ``schemas._decode.fast_mail`` (which the install builds) and its
    fallback: a change here is a change there, and tests/unit/test_codec.py holds them equal.
    """
    try:
        if type(d) is not dict or type(d.get("schema_version")) is not int or \
                d["schema_version"] != MAIL_SCHEMA_VERSION:
            raise _Invalid
        message_id, tenant_id = _s(d["message_id"]), _s(d["tenant_id"])
        direction = d.get("direction")
        if direction is None:
            direction = "inbound"
        received_at = d["received_at"]
        if not message_id or not tenant_id or tenant_id == ALL_TENANTS or \
                _CONTROL.search(tenant_id) or direction not in DIRECTIONS or \
                type(received_at) not in (int, float):
            raise _Invalid
        f = d["from"]
        if type(f) is not dict:
            raise _Invalid
        urls = []
        for u in d.get("urls") or ():
            if type(u) is not dict:
                raise _Invalid
            urls.append(Url(_s(u["url"]), _so(u.get("anchor_text"))))
        attachments = []
        for a in d.get("attachments") or ():
            if type(a) is not dict or type(a["size"]) is not int or \
                    not 0 <= a["size"] < 2**63 or type(a.get("stripped", False)) is not bool:
                raise _Invalid
            attachments.append(Attachment(_so(a.get("filename")), _so(a.get("content_type")),
                                          a["size"], _so(a.get("sha256")),
                                          a.get("stripped", False)))
        auth_doc = d.get("auth")
        auth = AuthResults()
        if auth_doc is not None:
            if type(auth_doc) is not dict:
                raise _Invalid
            spf, dkim, dmarc = (_so(auth_doc.get(k)).lower() for k in ("spf", "dkim", "dmarc"))
            for outcome in (spf, dkim, dmarc):
                if outcome and outcome not in AUTH_OUTCOMES:
                    raise _Invalid
            auth = AuthResults(spf, dkim, dmarc)
        headers = d.get("headers")
        if headers is None:
            headers = {}
        elif type(headers) is not dict or not all(
                type(k) is str and type(v) is str for k, v in headers.items()):
            raise _Invalid
        refs = d.get("references") or []
        if type(refs) is not list or not all(type(r) is str for r in refs):
            raise _Invalid
        mailboxes = d.get("from_mailboxes", 1)
        if type(mailboxes) is not int or not 0 <= mailboxes < 2**31:
            raise _Invalid
        return MailRecord(
            message_id=message_id, tenant_id=tenant_id,
            direction=cast(Direction, direction),  # checked against DIRECTIONS above
            received_at=float(received_at),
            sender=Address(_s(f["address"]).lower(), _so(f.get("name"))),
            to=_fast_addresses(d.get("to")), cc=_fast_addresses(d.get("cc")),
            reply_to=_fast_addresses(d.get("reply_to")),
            return_path=_so(d.get("return_path")).lower(), subject=_so(d.get("subject")),
            text=_so(d.get("text")), html=_so(d.get("html")), urls=tuple(urls),
            attachments=tuple(attachments), auth=auth, client_ip=_so(d.get("client_ip")),
            in_reply_to=_so(d.get("in_reply_to")), references=tuple(refs), headers=headers,
            from_mailboxes=mailboxes,
        )
    except (KeyError, TypeError, AttributeError):
        raise _Invalid from None


# --------------------------------------------------------------------------- Directory

DIRECTORY_SCHEMA_VERSION: Final = 1
DIRECTORY_KINDS: Final[frozenset[str]] = frozenset({
    "person", "vendor", "blocked_sender", "cleared_sender", "allowed_sender",
    "cleared_allowed_sender", "phish_simulation", "cleared_phish_simulation", "blocked_link",
    "cleared_link", "blocked_file", "cleared_file", "erase_address", "erase_tenant",
    "released_message", "reported_message", "tenant_language", "cleared_tenant_language"})
ERASURE_KINDS: Final[frozenset[str]] = frozenset({"erase_address", "erase_tenant"})
POLICY_KINDS: Final[frozenset[str]] = frozenset({
    "blocked_sender", "cleared_sender", "allowed_sender", "cleared_allowed_sender",
    "phish_simulation", "cleared_phish_simulation", "blocked_link", "cleared_link",
    "blocked_file", "cleared_file", "tenant_language", "cleared_tenant_language"})
"""Entries that change the tenant's policy (its sender block, allow and simulation lists,
its blocked link hosts and its blocked files, the languages it is known to write in)."""
LANGUAGE_KINDS: Final[frozenset[str]] = frozenset({"tenant_language",
                                                   "cleared_tenant_language"})
"""Entries that declare a language the tenant writes in, or take one back
(``unfamiliar_language`` judges strangers' mail against them)."""
MEMORY_KINDS: Final[frozenset[str]] = frozenset({"released_message", "reported_message"})
"""Entries that change the tenant's campaign memory (``held_campaign``): a held message
released as ham is forgotten, an analyst's confirmed attack is filed."""
ALL_TENANTS: Final = "*"
"""The ``tenant_id`` of a policy entry for every tenant (a campaign domain an operator blocks
for all its customers, a simulation vendor they share). Only policy kinds may carry it, and
no mail record: a tenant of that name would read the rules as its own state."""
_SENDER_RULE_KINDS: Final = frozenset({"blocked_sender", "cleared_sender", "allowed_sender",
                                       "cleared_allowed_sender"})
_EXPIRING_KINDS: Final = frozenset({"allowed_sender", "phish_simulation", "reported_message"})
_FINGERPRINT: Final = re.compile(r"[0-9a-f]{256}")
_NAMED_ATTACKS: Final = frozenset(ATTACK_TYPES) - {"none"}
_NOT_A_HOST: Final = re.compile(r"[/:?#\s]")
_IPV6_SHAPE: Final = re.compile(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")  # the JSON schema's pattern
_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}")
_LANGUAGE: Final = re.compile(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?")
"""A language as ``detectors.language`` names it: ISO 639 ("pt", "haw"), or CLD2's code with a
script or region ("zh-Hant")."""


def _is_ipv6(value: str) -> bool:
    """Whether a link rule's host is an IPv6 address (a phishing site served from one)."""
    if _IPV6_SHAPE.fullmatch(value) is None:
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def is_sha256(value: str) -> bool:
    """Whether ``value`` is a SHA-256 digest as mailhawk writes one: 64 lower-case hex digits."""
    return _SHA256_HEX.fullmatch(value) is not None
MAX_SIMULATION_NETWORKS: Final = 64
_WIDEST_PREFIX: Final = {4: 16, 6: 48}
"""The widest network a simulation rule may name, per IP version: a rule lets the simulated
domain through from anywhere in its networks, so ``0.0.0.0/0`` would let anyone spoof it."""


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """One record of the optional ``directory`` topic (keyed by tenant, not compacted).

    ``person``: an employee (address, display name, title, VIP flag) — impersonation checks
    know VIPs before they ever send mail. ``vendor``: a supplier domain the tenant pays, so an
    invoice from a lookalike of it stands out from day one. ``blocked_sender``: an address an
    analyst confirmed as an attacker's (the feedback service writes these), whose next
    message is held at once; ``cleared_sender`` lifts that. ``erase_address`` forgets
    everything the tenant's state knows about one address, ``erase_tenant`` all of a tenant's
    state (a person's erasure request, an organisation that leaves; ``mailhawk state erase``
    writes them). Applying an entry twice gives the same state (an upsert, or nothing left to
    forget), so the directory needs no exactly-once bookkeeping.

    The tenant's sender policy (``mailhawk policy`` writes it; ``detectors/policy.py`` applies
    it): ``blocked_sender`` and ``allowed_sender`` name an ``address`` or a ``domain`` (and its
    subdomains), ``cleared_sender`` / ``cleared_allowed_sender`` lift them;
    ``phish_simulation`` lets the tenant's own phishing simulations through: mail from
    ``domain`` sent from one of ``networks`` (CIDRs), lifted by ``cleared_phish_simulation``.
    An allow or a simulation may carry ``expires_at``: a standing exception to detection
    that nobody remembers is how an allow list becomes the way in. ``blocked_link`` holds
    mail linking to the host in ``domain`` or its subdomains, whoever sends it (a phishing
    site outlives the addresses that spread it); ``cleared_link`` lifts that. ``blocked_file``
    holds mail carrying the attachment whose SHA-256 is ``sha256`` (a file a sandbox or a
    threat feed called malware), ``cleared_file`` lifts that. ``released_message``: the held
    message ``message_id`` was ham (a release, an analyst's label; the feedback service writes
    these), so the campaign memory forgets it and the near-copies it held
    (``detectors/rules/held.py``). ``reported_message``: an analyst confirmed the message
    ``message_id`` (delivered or not) as an attack of ``attack_type``, so the campaign memory
    holds strangers' near-copies of it as if it had been held: its content ``fingerprint``
    (``detectors.fingerprint``, hex), filed until ``expires_at``. ``tenant_language``: the
    tenant writes in ``language`` (ISO 639) though its mail may not show it yet, so a stranger
    writing in it is no stranger by language (``unfamiliar_language``);
    ``cleared_tenant_language`` takes a language back, declared or learned.
    """

    tenant_id: str
    kind: str
    address: str = ""
    display_name: str = ""
    title: str = ""
    vip: bool = False
    domain: str = ""
    networks: tuple[str, ...] = ()
    expires_at: float = 0.0
    """When an ``allowed_sender`` or ``phish_simulation`` rule stops applying (epoch seconds,
    compared with each message's own time); 0: never."""
    sha256: str = ""
    """A ``blocked_file`` or ``cleared_file`` rule's file: 64 lower-case hex digits."""
    schema_version: int = DIRECTORY_SCHEMA_VERSION
    message_id: str = ""
    """A ``released_message``'s or ``reported_message``'s message, as its MailRecord and
    verdict name it."""
    fingerprint: str = ""
    """A ``reported_message``'s content fingerprint, hex (``detectors.fingerprint``)."""
    attack_type: str = ""
    """A ``reported_message``'s attack type, as the analyst or the verdict named it."""
    language: str = ""
    """A ``tenant_language``'s or ``cleared_tenant_language``'s language: its ISO 639 code."""

    def to_dict(self) -> dict[str, Any]:
        d = {"schema_version": self.schema_version, "tenant_id": self.tenant_id,
             "kind": self.kind, "address": self.address,
             "display_name": self.display_name, "title": self.title, "vip": self.vip,
             "domain": self.domain}
        if self.networks:
            d["networks"] = list(self.networks)
        if self.expires_at:
            d["expires_at"] = self.expires_at
        if self.sha256:
            d["sha256"] = self.sha256
        if self.message_id:
            d["message_id"] = self.message_id
        if self.fingerprint:
            d["fingerprint"] = self.fingerprint
        if self.attack_type:
            d["attack_type"] = self.attack_type
        if self.language:
            d["language"] = self.language
        return d

    @classmethod
    def from_dict(cls, d: Any) -> DirectoryEntry:
        """Validate and build; raises SchemaError naming the offending field."""
        d = _obj(d, "")
        _version(d, DIRECTORY_SCHEMA_VERSION)
        kind = _str(d, "kind", "")
        if kind not in DIRECTORY_KINDS:
            raise SchemaError("invalid_value", f"field 'kind' must be one of "
                              f"{sorted(DIRECTORY_KINDS)}, got {_shown(kind)}", "kind")
        tenant = _tenant(d)
        entry = cls(tenant, kind, _str(d, "address", "", "").lower(),
                    _str(d, "display_name", "", ""), _str(d, "title", "", ""),
                    _bool(d, "vip", ""), _str(d, "domain", "", "").lower().rstrip("."),
                    _networks(d) if kind == "phish_simulation" else (),
                    _num(d, "expires_at", "") if d.get("expires_at") is not None else 0.0,
                    _str(d, "sha256", "", "").lower(),
                    message_id=_str(d, "message_id", "", ""),
                    fingerprint=_str(d, "fingerprint", "", "").lower(),
                    attack_type=_str(d, "attack_type", "", ""),
                    language=_str(d, "language", "", ""))
        if entry.expires_at and kind not in _EXPIRING_KINDS:
            raise SchemaError("invalid_value", f"a {kind} does not expire: 'expires_at' is "
                              f"for {sorted(_EXPIRING_KINDS)}", "expires_at")
        if entry.expires_at < 0 or entry.expires_at != entry.expires_at:
            raise SchemaError("invalid_value", "field 'expires_at' must be epoch seconds "
                              "(0: never)", "expires_at")
        if kind == "person" and not (entry.address and entry.display_name):
            raise SchemaError("missing_field", "a person needs 'address' and 'display_name'",
                              "address")
        if kind == "vendor" and not entry.domain:
            raise SchemaError("missing_field", "a vendor needs 'domain'", "domain")
        if kind == "erase_address" and "@" not in entry.address:
            raise SchemaError("missing_field", f"a {kind} needs 'address' (a mailbox)",
                              "address")
        if tenant == ALL_TENANTS and kind not in POLICY_KINDS:
            raise SchemaError("invalid_value", f"tenant_id {ALL_TENANTS!r} (every tenant) is "
                              f"for sender-policy entries only {sorted(POLICY_KINDS)}, not a "
                              f"{kind}", "tenant_id")
        if kind in _SENDER_RULE_KINDS:
            if bool(entry.address) == bool(entry.domain):
                raise SchemaError("missing_field", f"a {kind} needs either 'address' (a "
                                  "mailbox) or 'domain', not both", "address")
            if entry.address and "@" not in entry.address:
                raise SchemaError("invalid_value", f"a {kind}'s 'address' must be a mailbox "
                                  "(name@domain); give a domain as 'domain'", "address")
        if kind in ("phish_simulation", "cleared_phish_simulation", "blocked_link",
                    "cleared_link") and not entry.domain:
            raise SchemaError("missing_field", f"a {kind} needs 'domain'", "domain")
        link = kind in ("blocked_link", "cleared_link")
        address = link and _is_ipv6(entry.domain)  # a link host may be an IPv6 address
        if link and not address and ("@" in entry.domain or "." not in entry.domain or
                                     _NOT_A_HOST.search(entry.domain)):
            raise SchemaError("invalid_value", f"a {kind}'s 'domain' must be a link's host (a "
                              f"domain name such as evil.example) or an IP address, not a "
                              f"URL; got {_shown(entry.domain)}", "domain")
        if kind in POLICY_KINDS and entry.domain and not link and (
                "@" in entry.domain or "." not in entry.domain):
            raise SchemaError("invalid_value", f"field 'domain' must be a domain name "
                              f"(example.com), got {_shown(entry.domain)}", "domain")
        if (kind in ("blocked_file", "cleared_file")) != bool(entry.sha256):
            raise SchemaError("missing_field" if not entry.sha256 else "invalid_value",
                              f"a {kind} needs 'sha256' (the file's digest)" if not
                              entry.sha256 else f"'sha256' is for blocked_file and "
                              f"cleared_file entries, not a {kind}", "sha256")
        if (kind in LANGUAGE_KINDS) != bool(entry.language) or (
                entry.language and not _LANGUAGE.fullmatch(entry.language)):
            raise SchemaError("missing_field" if kind in LANGUAGE_KINDS and not entry.language
                              else "invalid_value", f"a {sorted(LANGUAGE_KINDS)} entry needs "
                              "'language' (an ISO 639 code: 'es', 'pt', 'zh-Hant'), and no "
                              "other kind takes one", "language")
        message = kind in MEMORY_KINDS
        if message != bool(entry.message_id):
            raise SchemaError("missing_field" if not entry.message_id else "invalid_value",
                              f"a {kind} needs 'message_id'" if not entry.message_id else
                              f"'message_id' is for {sorted(MEMORY_KINDS)} entries, not a "
                              f"{kind}", "message_id")
        reported = kind == "reported_message"
        if reported != bool(entry.fingerprint) or (
                entry.fingerprint and not _FINGERPRINT.fullmatch(entry.fingerprint)):
            raise SchemaError("missing_field" if reported and not entry.fingerprint else
                              "invalid_value", "a reported_message needs 'fingerprint' (the "
                              "content fingerprint: 256 hex digits), and no other kind takes "
                              "one", "fingerprint")
        if reported != bool(entry.attack_type) or (
                entry.attack_type and entry.attack_type not in _NAMED_ATTACKS):
            raise SchemaError("missing_field" if reported and not entry.attack_type else
                              "invalid_value", f"a reported_message needs 'attack_type' (one "
                              f"of {sorted(_NAMED_ATTACKS)}), and no other kind takes one",
                              "attack_type")
        if reported and not entry.expires_at:
            raise SchemaError("missing_field", "a reported_message needs 'expires_at' (until "
                              "when its near-copies are held)", "expires_at")
        if entry.sha256 and not is_sha256(entry.sha256):
            raise SchemaError("invalid_value", f"field 'sha256' must be a SHA-256 digest (64 "
                              f"hex digits), got {_shown(entry.sha256)}", "sha256")
        return entry


def _networks(d: dict[str, Any]) -> tuple[str, ...]:
    """A simulation rule's sending networks, checked and in canonical CIDR form."""
    raw = d.get("networks")
    if not isinstance(raw, list) or not raw or len(raw) > MAX_SIMULATION_NETWORKS:
        raise SchemaError("missing_field" if not raw else "invalid_value",
                          "a phish_simulation needs 'networks': a list of 1 to "
                          f"{MAX_SIMULATION_NETWORKS} CIDRs its mail is sent from", "networks")
    out = []
    for i, value in enumerate(raw):
        try:
            net = ipaddress.ip_network(value, strict=False) if isinstance(value, str) else None
        except ValueError:
            net = None
        if net is None:
            raise SchemaError("invalid_value", f"field 'networks[{i}]' must be an IP address "
                              f"or CIDR (192.0.2.0/24), got {_shown(value)}", f"networks[{i}]")
        if net.prefixlen < _WIDEST_PREFIX[net.version]:
            raise SchemaError("invalid_value", f"field 'networks[{i}]' ({net}) is wider than "
                              f"/{_WIDEST_PREFIX[net.version]}: list the simulation vendor's "
                              "sending networks, not a range anyone could send from",
                              f"networks[{i}]")
        out.append(str(net))
    return tuple(sorted(set(out)))


# --------------------------------------------------------------------------- Feedback

FEEDBACK_SCHEMA_VERSION: Final = 1
FEEDBACK_LABELS: Final[frozenset[str]] = frozenset({"attack", "ham"})
FEEDBACK_SOURCES: Final[frozenset[str]] = frozenset({"user", "analyst", "release"})


@dataclass(frozen=True, slots=True)
class Feedback:
    """What a person said about one message mailhawk scored (the ``feedback`` topic).

    ``label`` is the truth as that person reports it: ``attack`` (a user's "report phishing"
    button, an analyst's confirmation) or ``ham`` (a release from quarantine, an analyst
    clearing a false alarm). ``source`` says who: ``user``, ``analyst`` or ``release`` (the
    quarantine's release action, which is a ham label by itself). ``mail`` is the message
    itself when the reporter had it (a report button forwards it): only such feedback can
    become a training row, since verdicts never carry the body.
    """

    tenant_id: str
    message_id: str
    label: str
    source: str
    reported_at: float
    attack_type: str = ""
    recipient: str = ""
    mail: MailRecord | None = None
    schema_version: int = FEEDBACK_SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": self.schema_version, "tenant_id": self.tenant_id,
                "message_id": self.message_id, "label": self.label, "source": self.source,
                "reported_at": self.reported_at, "attack_type": self.attack_type,
                "recipient": self.recipient,
                "mail": None if self.mail is None else self.mail.to_dict()}

    @classmethod
    def from_dict(cls, d: Any) -> Feedback:
        """Validate and build; raises SchemaError naming the offending field."""
        d = _obj(d, "")
        _version(d, FEEDBACK_SCHEMA_VERSION)
        _tenant(d)
        if not _str(d, "message_id", ""):
            raise SchemaError("invalid_value", "field 'message_id' is empty", "message_id")
        label, source = _str(d, "label", ""), _str(d, "source", "")
        if label not in FEEDBACK_LABELS:
            raise SchemaError("invalid_value", f"field 'label' must be one of "
                              f"{sorted(FEEDBACK_LABELS)}, got {_shown(label)}", "label")
        if source not in FEEDBACK_SOURCES:
            raise SchemaError("invalid_value", f"field 'source' must be one of "
                              f"{sorted(FEEDBACK_SOURCES)}, got {_shown(source)}", "source")
        if source == "release" and label != "ham":
            raise SchemaError("invalid_value", "a release is a ham label: 'label' must be "
                              "'ham' when 'source' is 'release'", "label")
        attack_type = _str(d, "attack_type", "", "")
        if attack_type and (attack_type not in ATTACK_TYPES or attack_type == "none"
                            or label != "attack"):
            raise SchemaError("invalid_value", "field 'attack_type' must be empty or, for an "
                              f"attack, one of {sorted(set(ATTACK_TYPES) - {'none'})}, got "
                              f"{_shown(attack_type)}", "attack_type")
        raw_mail = d.get("mail")
        mail = None
        if raw_mail is not None:
            try:
                mail = MailRecord.from_dict(raw_mail)
            except SchemaError as exc:
                where = f"mail.{exc.field}" if exc.field else "mail"
                raise SchemaError(exc.kind, f"mail: {exc}", where) from None
            except (TypeError, ValueError, AttributeError) as exc:
                raise SchemaError("invalid_value", f"mail does not match the MailRecord "
                                  f"schema: {exc}", "mail") from None
            if (mail.tenant_id, mail.message_id) != (d["tenant_id"], d["message_id"]):
                raise SchemaError("invalid_value", "'mail' is another message: its tenant_id "
                                  "and message_id must equal the feedback's", "mail")
        return cls(d["tenant_id"], d["message_id"], label, source, _num(d, "reported_at", ""),
                   attack_type, _str(d, "recipient", "", "").lower(), mail)


# --------------------------------------------------------------------------- Verdict

VERDICT_TIMING_FIELDS: Final = ("scored_at", "latency_ms")


@dataclass(slots=True)
class Hit:
    """One detector's finding: who found it, how strongly, and the evidence a person can read.

    ``evidence`` holds facts (the phrase, the lookalike domain, "first contact"), never the body.
    Read-only by contract, like every record here (see the module doc).
    """

    detector: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)
    attack_type: str = "none"

    def to_dict(self) -> dict[str, Any]:
        return {"detector": self.detector, "score": round(self.score, 4),
                "attack_type": self.attack_type, "evidence": self.evidence}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Hit:
        return cls(d["detector"], float(d["score"]), dict(d.get("evidence") or {}),
                   d.get("attack_type", "none"))


@dataclass(slots=True)
class SourcePosition:
    """Where a record was read: topic, partition, offset.

    Offline scans use topic ``scan``, partition 0 and the record's position in the scan.
    """

    topic: str
    partition: int
    offset: int

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "partition": self.partition, "offset": self.offset}


@dataclass(slots=True)
class ShadowVerdict:
    """What a candidate model running in shadow would have decided; never acted on.

    Lets a team compare a retrained artifact with the one in production on its own mail (and
    on the feedback about it) before switching.
    """

    model_version: str
    action: Action
    attack_type: str
    score: float
    decided_by: str

    def to_dict(self) -> dict[str, Any]:
        return {"model_version": self.model_version, "action": self.action,
                "attack_type": self.attack_type, "score": round(self.score, 4),
                "decided_by": self.decided_by}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ShadowVerdict:
        return cls(d["model_version"], d["action"], d["attack_type"], float(d["score"]),
                   d["decided_by"])


@dataclass(slots=True)
class Verdict:
    """The decision for one message, with every hit that drove it.

    ``scored_at`` and ``latency_ms`` are the only timing fields: a message scored twice from the
    same state (after a crash) gives a verdict equal in every other field.
    """

    message_id: str
    tenant_id: str
    recipients: tuple[str, ...]
    action: Action
    attack_type: str
    score: float
    hits: tuple[Hit, ...]
    model_version: str
    rules_version: str
    source: SourcePosition
    scored_at: float
    latency_ms: float
    decided_by: str = "heuristics"  # one of DECIDED_BY
    shadow: ShadowVerdict | None = None
    sender: str = ""  # the From address: an analyst's label by message id can name it
    link_hosts: tuple[str, ...] = ()  # what ``mailhawk hunt --link-domain`` searches
    attachment_sha256: tuple[str, ...] = ()  # what ``mailhawk hunt --attachment`` searches
    schema_version: int = VERDICT_SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        out = {
            "schema_version": self.schema_version,
            "message_id": self.message_id,
            "tenant_id": self.tenant_id,
            "sender": self.sender,
            "recipients": list(self.recipients),
            "action": self.action,
            "attack_type": self.attack_type,
            "score": round(self.score, 4),
            "decided_by": self.decided_by,
            "hits": [h.to_dict() for h in self.hits],
            "link_hosts": list(self.link_hosts),
            "attachment_sha256": list(self.attachment_sha256),
            "model_version": self.model_version,
            "rules_version": self.rules_version,
            "source": self.source.to_dict(),
            "scored_at": self.scored_at,
            "latency_ms": round(self.latency_ms, 3),
        }
        if self.shadow is not None:  # absent without a shadow model: verdicts as before
            out["shadow"] = self.shadow.to_dict()
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Verdict:
        _version(d, VERDICT_SCHEMA_VERSION)
        src = d["source"]
        return cls(
            message_id=d["message_id"], tenant_id=d["tenant_id"],
            recipients=tuple(d["recipients"]), action=d["action"],
            attack_type=d["attack_type"], score=float(d["score"]),
            hits=tuple(Hit.from_dict(h) for h in d["hits"]),
            model_version=d["model_version"], rules_version=d["rules_version"],
            source=SourcePosition(src["topic"], src["partition"], src["offset"]),
            scored_at=float(d["scored_at"]), latency_ms=float(d["latency_ms"]),
            # Absent from verdicts of builds before it existed.
            decided_by=d.get("decided_by", "heuristics"),
            shadow=ShadowVerdict.from_dict(d["shadow"]) if d.get("shadow") else None,
            # Absent from verdicts of builds before they existed.
            sender=d.get("sender", ""),
            link_hosts=tuple(map(str, d.get("link_hosts") or ())),
            attachment_sha256=tuple(map(str, d.get("attachment_sha256") or ())),
        )


MAX_VERDICT_INDICATORS: Final = 32
"""Link hosts and attachment hashes a verdict names at most (a newsletter has hundreds)."""


def attachment_hashes(attachments: Sequence[Attachment]) -> tuple[str, ...]:
    """The distinct SHA-256 digests of ``attachments``, in order, for the verdict.

    Only well-formed digests (64 hex digits, either case; written lower-case): a hunt
    compares them to a hash from a sandbox or a threat feed, and a field holding anything
    else would only make verdicts bigger.
    """
    out: dict[str, None] = {}
    for a in attachments:
        digest = a.sha256.strip().lower()
        if is_sha256(digest):
            out[digest] = None
            if len(out) == MAX_VERDICT_INDICATORS:
                break
    return tuple(out)


# --------------------------------------------------------------------------- DeadLetter


DEAD_LETTER_HEADER_PREFIX: Final = "mailhawk.dlq."


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A record the engine could not process, kept whole so nothing is lost.

    On the dead-letter topic the Kafka record's value is ``original`` byte for byte and its key
    is the original key; the reason travels in headers named ``mailhawk.dlq.*`` (the layout
    Kafka Connect uses), so a 20 MB bad record is not inflated by an encoding and can be
    replayed as it was. ``error`` is a sentence naming the offending field; ``error_kind`` is
    the SchemaError kind.
    """

    original: bytes
    key: bytes | None
    topic: str
    partition: int
    offset: int
    error_kind: str
    error: str
    field: str
    failed_at: float
    schema_version: int = DEAD_LETTER_SCHEMA_VERSION

    def headers(self) -> list[tuple[str, bytes]]:
        """The Kafka headers that carry everything but the original key and value."""
        p = DEAD_LETTER_HEADER_PREFIX
        return [
            (p + "schema_version", str(self.schema_version).encode()),
            (p + "topic", self.topic.encode()),
            (p + "partition", str(self.partition).encode()),
            (p + "offset", str(self.offset).encode()),
            (p + "error_kind", self.error_kind.encode()),
            (p + "error", self.error.encode()),
            (p + "field", self.field.encode()),
            (p + "failed_at", repr(self.failed_at).encode()),
        ]

    @classmethod
    def from_kafka(cls, key: bytes | None, value: bytes | None,
                   headers: Sequence[tuple[str, bytes | None]] | None) -> DeadLetter:
        """Rebuild a dead letter from a record of the dead-letter topic."""
        p = DEAD_LETTER_HEADER_PREFIX
        h = {k[len(p):]: (v or b"").decode("utf-8", "replace")
             for k, v in headers or [] if k.startswith(p)}
        _version({"schema_version": int(h.get("schema_version", "0"))},
                 DEAD_LETTER_SCHEMA_VERSION)
        return cls(original=value or b"", key=key, topic=h["topic"],
                   partition=int(h["partition"]), offset=int(h["offset"]),
                   error_kind=h["error_kind"], error=h["error"], field=h.get("field", ""),
                   failed_at=float(h["failed_at"]))

    def to_dict(self) -> dict[str, Any]:
        """A JSON form for files (offline scans, reports); the original is base64."""
        import base64

        return {
            "schema_version": self.schema_version,
            "original_b64": base64.b64encode(self.original).decode("ascii"),
            "key_b64": None if self.key is None else base64.b64encode(self.key).decode("ascii"),
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "error_kind": self.error_kind,
            "error": self.error,
            "field": self.field,
            "failed_at": self.failed_at,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DeadLetter:
        """Inverse of :meth:`to_dict`."""
        import base64

        _version(d, DEAD_LETTER_SCHEMA_VERSION)
        key = d.get("key_b64")
        return cls(
            original=base64.b64decode(d["original_b64"]),
            key=None if key is None else base64.b64decode(key),
            topic=d["topic"], partition=d["partition"], offset=d["offset"],
            error_kind=d["error_kind"], error=d["error"], field=d.get("field", ""),
            failed_at=float(d["failed_at"]),
        )


try:  # MailRecord's fast pass in C; without it (a source tree used uninstalled), _fast_mail
    from schemas import _decode
except ImportError:
    _decode = None  # type: ignore[assignment]
else:
    _decode.configure(MailRecord, Address, Url, Attachment, AuthResults, DIRECTIONS,
                      AUTH_OUTCOMES, ALL_TENANTS, MAIL_SCHEMA_VERSION)


def decoder() -> str:
    """Which form runs MailRecord's fast pass: ``"c"`` (built at install) or ``"python"``."""
    return "python" if _decode is None else "c"

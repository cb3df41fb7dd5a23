"""``mailhawk hunt``: the mail already scored from a sender, with a link, a file or a text.

A block acts on the sender's *next* message. When an analyst confirms a campaign (and blocks
its domain for one tenant or, with ``policy block --all-tenants``, for every tenant), what the
campaign already delivered is still in inboxes: downstream remediation needs the list of
messages to pull. Every verdict carries the message id, tenant, From address, recipients,
action, link hosts and attachment digests, so the verdict topic (within its retention) is that
list, whichever of the campaign's indicators the analyst holds: the sender, a phishing site
(often on shared hosting, so a host, not only its registrable domain), or a file a sandbox
called malware. This module reads it back.

A campaign that rotates all of those still sends one text: ``hunt --like`` (:func:`copies`)
reads the input topic and finds the messages whose content fingerprint is near a given
message's, then joins their verdicts.

Reading starts at the first record of the time window on each partition where the broker's
time index answers, and filters by record time too (a broker that cannot answer is read
from the beginning). The engine delivers verdicts at least once, so a message scored twice
(after a crash) appears once here, with its latest verdict; records that share a message id
(a record per recipient, a retry, a reused Message-ID) appear once each. Output rows name
addresses: they are for the remediation system, never for logs.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

import orjson

from detectors.domains import (
    canonical_link_host,
    domain_and_parents,
    is_freemail,
    registrable_domain,
)
from detectors.fingerprint import fingerprints, similarities
from schemas import HELD_ACTIONS, MailRecord, SchemaError, Verdict, decode_mail, decode_verdict
from schemas.records import is_sha256
from stream.kafka import read_to_end

__all__ = ["DELIVERED", "Copy", "HuntQuery", "Spread", "campaigns", "copies", "find_message",
           "hunt", "matches"]

DELIVERED = frozenset({"allow", "warn"})
"""Actions that leave a message in the mailbox (a warning is a banner, not a quarantine)."""

@dataclass(frozen=True, slots=True)
class HuntQuery:
    """Which verdicts to return: exactly one indicator, optionally one tenant's only.

    Attributes:
        address: The From address.
        domain: The From domain, and its subdomains.
        link_domain: A link host, and its subdomains ("evil.web.app" finds one site on a
            shared hosting domain, "web.app" every site on it), or an IP address, however
            a link spelt it ("3232235777" finds "192.168.1.1").
        attachment: An attachment's SHA-256, hex.
        tenant: One tenant's mail only; "" for every tenant.
        delivered_only: Only messages still in mailboxes (:data:`DELIVERED`).
    """

    address: str = ""
    domain: str = ""
    link_domain: str = ""
    attachment: str = ""
    tenant: str = ""
    delivered_only: bool = False

    def __post_init__(self) -> None:
        given = sum(map(bool, (self.address, self.domain, self.link_domain, self.attachment)))
        if given != 1:
            raise ValueError("give exactly one of an address, a domain, a link domain or an "
                             "attachment's SHA-256")
        if self.attachment and not is_sha256(self.attachment.strip().lower()):
            raise ValueError(f"{self.attachment!r} is not a SHA-256 digest (64 hex digits)")

    @property
    def needle(self) -> str:
        """The indicator in the form verdicts write it, lower case."""
        if self.link_domain:
            return canonical_link_host(self.link_domain)
        if self.attachment:
            return self.attachment.strip().lower()
        return (self.address or self.domain.rstrip(".")).lower()

    def describe(self) -> str:
        """The indicator, for a person: "from evil.com", "with a link to evil.web.app"."""
        if self.link_domain:
            return f"with a link to {self.needle}"
        if self.attachment:
            return f"with attachment {self.needle}"
        return f"from {self.needle}"


def _under(host: str, domain: str) -> bool:
    """Whether ``host`` is ``domain`` or under it, by the rule blocks hold mail by.

    :func:`~detectors.domains.domain_and_parents`: an IP address, or a name ending in a
    number, has nothing under it, so a hunt finds what a block of the same value holds.
    """
    return host == domain or (host.endswith("." + domain) and
                              domain in domain_and_parents(host))


def matches(verdict: Verdict, query: HuntQuery) -> bool:
    """Whether ``verdict`` is of a message ``query`` asks for."""
    if query.tenant and verdict.tenant_id != query.tenant:
        return False
    if query.delivered_only and verdict.action not in DELIVERED:
        return False
    needle = query.needle
    if query.link_domain:
        return any(_under(host, needle) for host in verdict.link_hosts)
    if query.attachment:
        return needle in verdict.attachment_sha256
    sender = verdict.sender.lower()
    if query.address:
        return sender == needle
    return _under(sender.rpartition("@")[2], needle)


_Scored = tuple[str, str, str, int, int]
"""A scored record: tenant, message id and its input position (topic, partition, offset)."""


def _scored(verdict: Verdict) -> _Scored:
    source = verdict.source
    return verdict.tenant_id, verdict.message_id, source.topic, source.partition, source.offset


def _latest(verdicts: Iterable[tuple[int, Verdict]]) -> list[Verdict]:
    """One verdict per scored record: the one written last; in time order.

    A record scored twice (after a crash) has one input position. Records are never merged
    by message id: several can carry one (a gateway writing a record per recipient, a
    producer's retry, a sender giving its message another's Message-ID), and each names
    mailboxes to pull.
    """
    latest: dict[_Scored, tuple[int, Verdict]] = {}
    for written, verdict in verdicts:
        key = _scored(verdict)
        if key not in latest or written >= latest[key][0]:
            latest[key] = (written, verdict)
    return [v for _, v in sorted(latest.values(), key=lambda wv: wv[0])]


def _records_since(bootstrap_servers: str, topic: str, since_ms: int,
                   kafka_extra: Mapping[str, str] | None, timeout: float,
                   on_record: Callable[[], object] | None, missing: str
                   ) -> Iterator[tuple[int, Any]]:
    """``(written, record)`` of every record of ``topic`` written since ``since_ms``.

    ``on_record`` is called for each record read, in the window or not.
    """
    for msg in read_to_end(bootstrap_servers, topic, group_id="mailhawk-hunt",
                           kafka_extra=kafka_extra, timeout=timeout, since_ms=since_ms,
                           missing=missing):
        if on_record is not None:
            on_record()
        written = msg.timestamp()[1]
        if written >= since_ms:
            yield written, msg


def _verdicts_since(bootstrap_servers: str, verdict_topic: str, since_ms: int,
                    kafka_extra: Mapping[str, str] | None, timeout: float,
                    on_record: Callable[[], object] | None) -> Iterator[tuple[int, Any]]:
    """``(written, record)`` of every verdict-topic record written since ``since_ms``."""
    return _records_since(bootstrap_servers, verdict_topic, since_ms, kafka_extra, timeout,
                          on_record, "is it the engines' MAILHAWK_VERDICT_TOPIC?")


def hunt(bootstrap_servers: str, verdict_topic: str, query: HuntQuery, *,
         since_hours: float, kafka_extra: Mapping[str, str] | None = None,
         on_record: Callable[[], object] | None = None, timeout: float = 600.0
         ) -> tuple[list[Verdict], int]:
    """The verdicts of the last ``since_hours`` that ``query`` matches.

    Also returns how many records naming the indicator could not be read as verdicts
    (records that do not name it are not parsed at all).
    ``on_record`` is called once per record read (a progress bar's update).
    """
    since_ms = int((time.time() - since_hours * 3600.0) * 1000)
    found: list[tuple[int, Verdict]] = []
    unreadable = 0
    # A week of a large deployment is hundreds of millions of verdicts: a record whose bytes
    # cannot hold the indicator (or whose key is another tenant) is passed over at C speed,
    # without being parsed. Verdicts are JSON (UTF-8, addresses unescaped), so the indicator
    # appears literally in its value; both sides are lower-cased as bytes (ASCII only), the
    # same on each, so the test never drops a verdict ``matches`` would keep for its ASCII.
    needle = query.needle.encode().lower()
    tenant_key = query.tenant.encode() if query.tenant else None
    for written, msg in _verdicts_since(bootstrap_servers, verdict_topic, since_ms,
                                        kafka_extra, timeout, on_record):
        value = msg.value() or b""
        if (tenant_key is not None and msg.key() != tenant_key) or \
                needle not in value.lower():
            continue
        try:
            verdict = decode_verdict(value)
        except (SchemaError, ValueError, KeyError, TypeError, AttributeError):
            unreadable += 1  # not a verdict of any build: counted, never fatal
            continue
        if matches(verdict, query):
            found.append((written, verdict))
    return _latest(found), unreadable


# ------------------------------------------------------------------------------ copies


@dataclass(frozen=True, slots=True)
class Copy:
    """A message whose text is a near-copy of the one hunted (:func:`copies`).

    Attributes:
        tenant_id: Its tenant.
        message_id: Its Message-ID.
        sender: Its From address.
        recipients: Its recipients (the mailboxes remediation pulls it from).
        similarity: Estimated Jaccard similarity of the two texts' shingle sets
            (``detectors.fingerprint.similarity``).
        verdict: Its latest verdict in the window; None when it has none there (not
            scored yet, or its verdict is older than the window).
    """

    tenant_id: str
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    similarity: float
    verdict: Verdict | None = None


_FINGERPRINT_BATCH: Final = 1000


def _near_copies(values: Iterable[tuple[tuple[str, int, int], bytes]], signature: bytes, *,
                 tenant: str, min_similarity: float) -> tuple[dict[_Scored, Copy], int]:
    """The mail records among ``values`` (position, record) whose text is ``signature``'s.

    Returns them by tenant, message id and input position, and how many values were not
    mail records (the engine dead-lettered those): values that are not JSON objects with
    string subject and text, and copies that fail the record's validation. Only the copies
    are validated in full: validating every record was three quarters of the time one took
    (35.6 against 10.4 µs a record here), and most records are not copies.
    Fingerprints and similarities are computed a batch at a time, in C and numpy.
    """
    found: dict[_Scored, Copy] = {}
    unreadable = 0
    chunk: list[tuple[tuple[str, int, int], bytes]] = []

    def judge() -> None:
        nonlocal unreadable
        texts: list[tuple[tuple[tuple[str, int, int], bytes], str, str]] = []
        for at, value in chunk:
            try:
                doc = orjson.loads(value)
            except orjson.JSONDecodeError:
                unreadable += 1
                continue
            subject, text = (doc.get("subject", ""), doc.get("text", "")) \
                if isinstance(doc, dict) else (None, None)
            if not isinstance(subject, str) or not isinstance(text, str):
                unreadable += 1
            elif not tenant or doc.get("tenant_id") == tenant:
                texts.append(((at, value), subject, text))
        prints = fingerprints([(subject, text) for _, subject, text in texts])
        kept = [(value, fp[0]) for (value, _, _), fp in zip(texts, prints, strict=True)
                if fp is not None]
        for ((at, value), _), alike in zip(
                kept, similarities(signature, [sig for _, sig in kept]), strict=True):
            if alike < min_similarity:
                continue
            try:
                record = decode_mail(value)
            except SchemaError:
                unreadable += 1
                continue
            found[(record.tenant_id, record.message_id, *at)] = Copy(
                record.tenant_id, record.message_id, record.sender.address,
                record.recipients, round(alike, 3))
        chunk.clear()

    for value in values:
        chunk.append(value)
        if len(chunk) >= _FINGERPRINT_BATCH:
            judge()
    judge()
    return found, unreadable


def _mail_since(bootstrap_servers: str, input_topic: str, since_ms: int,
                kafka_extra: Mapping[str, str] | None, timeout: float,
                on_record: Callable[[], object] | None) -> Iterator[Any]:
    """Every input-topic record written since ``since_ms`` (the engines' mail records)."""
    for _, msg in _records_since(bootstrap_servers, input_topic, since_ms, kafka_extra,
                                 timeout, on_record,
                                 "is it the engines' MAILHAWK_INPUT_TOPIC?"):
        yield msg


def _id_needle(message_id: str) -> bytes:
    """Bytes every JSON spelling of ``message_id`` contains, or b"" when there are none.

    Its longest run of characters no JSON encoder escapes (some write "<" as an escape).
    """
    return max(re.findall(r"[A-Za-z0-9._@$+=-]+", message_id), key=len, default="").encode()


def find_message(bootstrap_servers: str, input_topic: str, tenant: str, message_id: str, *,
                 since_hours: float, kafka_extra: Mapping[str, str] | None = None,
                 on_record: Callable[[], object] | None = None, timeout: float = 600.0
                 ) -> MailRecord | None:
    """The mail record of ``tenant``'s message ``message_id`` on the input topic, if there.

    What ``hunt --like-message`` starts from: an analyst looking at a verdict has its tenant
    and message id, not the mail. The last copy read wins (a producer's retry is the same
    message). Only the tenant's records (by key) whose bytes name the id are parsed.
    """
    since_ms = int((time.time() - since_hours * 3600.0) * 1000)
    key, needle = tenant.encode(), _id_needle(message_id)
    found: MailRecord | None = None
    for msg in _mail_since(bootstrap_servers, input_topic, since_ms, kafka_extra, timeout,
                           on_record):
        value = msg.value() or b""
        if msg.key() != key or needle not in value:
            continue
        try:
            record = decode_mail(value)
        except SchemaError:
            continue
        if record.tenant_id == tenant and record.message_id == message_id:
            found = record
    return found


def copies(bootstrap_servers: str, input_topic: str, verdict_topic: str, signature: bytes, *,
           since_hours: float, tenant: str = "", min_similarity: float = 0.6,
           kafka_extra: Mapping[str, str] | None = None,
           on_record: Callable[[], object] | None = None, timeout: float = 600.0
           ) -> tuple[list[Copy], int]:
    """The mail of the last ``since_hours`` whose text is a near-copy of ``signature``'s.

    A campaign rotates its senders, sending domains and link hosts, so a hunt by any one of
    them finds one wave; its text barely changes (the campaign memory, ``held_campaign``,
    rests on the same fact). The verdicts do not carry the text, so the input topic is read
    (within its retention) and each message is fingerprinted as the campaign memory does,
    then the verdict topic is read for the copies' verdicts. Returns the copies in the order
    they were read, each with its latest verdict, and how many input records were not
    mail records. ``on_record`` is called once per record read of either topic.
    """
    since_ms = int((time.time() - since_hours * 3600.0) * 1000)
    tenant_key = tenant.encode() if tenant else None

    values = (((msg.topic(), msg.partition(), msg.offset()), msg.value() or b"")
              for msg in _mail_since(bootstrap_servers, input_topic, since_ms, kafka_extra,
                                     timeout, on_record)
              if tenant_key is None or msg.key() == tenant_key)
    found, unreadable = _near_copies(values, signature, tenant=tenant,
                                     min_similarity=min_similarity)
    if found:
        scored: list[tuple[int, Verdict]] = []
        tenants = {key[0].encode() for key in found}
        ids = {key[:2] for key in found}
        for written, msg in _verdicts_since(bootstrap_servers, verdict_topic, since_ms,
                                            kafka_extra, timeout, on_record):
            if msg.key() not in tenants:
                continue
            doc = _document(msg.value() or b"")
            named = (doc.get("tenant_id"), doc.get("message_id")) if doc is not None else None
            if named is None or not all(isinstance(x, str) for x in named) or \
                    named not in ids:
                continue  # not a verdict of a copy (a record of another shape included)
            try:
                scored.append((written, decode_verdict(msg.value() or b"")))
            except (SchemaError, ValueError, KeyError, TypeError, AttributeError):
                continue  # a record of the right ids that is no verdict: nothing to join
        for verdict in _latest(scored):
            key = _scored(verdict)
            if key in found:  # another record with the id: not a copy
                found[key] = replace(found[key], verdict=verdict)
    return list(found.values()), unreadable


# ------------------------------------------------------------------------------ campaigns

_HELD_BYTES: Final = (b'"action":"quarantine"', b'"action":"block"')
"""How a held verdict's JSON says so (``Verdict.to_dict`` through orjson: no spaces). A
delivered verdict can hold these bytes too, in its shadow model's part: parsed, then
judged by its own action."""


@dataclass(slots=True)
class Spread:
    """One indicator of held mail: where it was held, and where mail with it was delivered.

    Attributes:
        kind: ``sender_domain`` (not free-mail), ``link_host`` or ``attachment``.
        value: The domain, host or SHA-256.
        held: (tenant, message id) of the messages with it that were quarantined or blocked.
        delivered: The same for messages with it that were allowed or warned.
        mailboxes: Recipients of the delivered ones.
        attack_types: The held messages' attack types.
    """

    kind: str
    value: str
    held: set[tuple[str, str]] = field(default_factory=set)
    delivered: set[tuple[str, str]] = field(default_factory=set)
    mailboxes: int = 0
    attack_types: Counter[str] = field(default_factory=Counter)

    @property
    def held_share(self) -> float:
        """Held messages among all messages with the indicator."""
        return len(self.held) / max(1, len(self.held) + len(self.delivered))

    @staticmethod
    def tenants(messages: set[tuple[str, str]]) -> list[str]:
        """The tenants of ``messages``, sorted."""
        return sorted({tenant for tenant, _ in messages})


def _indicators(doc: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """The indicators a verdict names.

    Its sender's domain unless free mail, and the registrable domain above it: a campaign
    that sends each wave from another subdomain (a.evil.example, b.evil.example) is one
    indicator there, and ``hunt --domain`` and ``policy block --domain`` cover subdomains.
    Then its link hosts, exact (a registrable domain of a link is often shared hosting), and
    its attachments' digests.
    """
    domain = str(doc.get("sender") or "").rpartition("@")[2].lower()
    if domain and not is_freemail(domain):  # gmail.com is everyone, not a campaign
        yield "sender_domain", domain
        parent = registrable_domain(domain)
        if parent and parent != domain and not is_freemail(parent):
            yield "sender_domain", parent
    for host in doc.get("link_hosts") or ():
        yield "link_host", str(host)
    for digest in doc.get("attachment_sha256") or ():
        yield "attachment", str(digest)


class _Tally:
    """The two passes of :func:`campaigns` over verdict records (their bytes).

    An indicator whose delivered messages outnumber what ``min_held_share`` allows can no
    longer be reported: it is dropped in the second pass (a font host or a brand's privacy
    page a lure linked to would otherwise collect the ids of most of the topic's mail).
    """

    def __init__(self, min_held_share: float = 0.2) -> None:
        self.spreads: dict[tuple[str, str], Spread] = {}
        self.unreadable = 0
        self.min_held_share = min_held_share

    def held(self, value: bytes) -> None:
        """First pass: a held verdict's indicators (other records pass unparsed)."""
        if not any(held in value for held in _HELD_BYTES):
            return
        doc = _document(value)
        if doc is None:
            self.unreadable += 1
            return
        if doc.get("action") not in HELD_ACTIONS:
            return
        message = (str(doc.get("tenant_id")), str(doc.get("message_id")))
        for kind, indicator in _indicators(doc):
            spread = self.spreads.get((kind, indicator))
            if spread is None:
                spread = self.spreads[kind, indicator] = Spread(kind, indicator)
            if message not in spread.held:
                spread.held.add(message)
                spread.attack_types[str(doc.get("attack_type"))] += 1

    def delivered(self, value: bytes) -> None:
        """Second pass: a delivered verdict naming one of the held mail's indicators."""
        doc = _document(value)
        if doc is None or doc.get("action") not in DELIVERED:
            return
        message = (str(doc.get("tenant_id")), str(doc.get("message_id")))
        for kind, indicator in _indicators(doc):
            spread = self.spreads.get((kind, indicator))
            if spread is not None and message not in spread.delivered:
                spread.delivered.add(message)
                spread.mailboxes += len(doc.get("recipients") or ())
                if spread.held_share < self.min_held_share:
                    del self.spreads[kind, indicator]  # mostly delivered: never reported

    def result(self) -> list[Spread]:
        """Indicators also in delivered mail, mostly held enough; most delivered first.

        A registrable domain whose messages are exactly those of one of its subdomains
        (a campaign that kept to mail.evil.example) is left out: the subdomain says more.
        """
        found = [s for s in self.spreads.values()
                 if s.delivered and s.held_share >= self.min_held_share]
        narrowest: dict[tuple[frozenset[tuple[str, str]], ...], Spread] = {}
        for s in found:
            if s.kind == "sender_domain":
                key = (frozenset(s.held), frozenset(s.delivered))
                other = narrowest.get(key)
                if other is None or len(s.value) > len(other.value):
                    narrowest[key] = s
        kept = {id(s) for s in narrowest.values()}
        found = [s for s in found if s.kind != "sender_domain" or id(s) in kept]
        found.sort(key=lambda s: (-len(s.delivered), -len(s.held), s.kind, s.value))
        return found


def campaigns(bootstrap_servers: str, verdict_topic: str, *, since_hours: float,
              min_held_share: float = 0.2, kafka_extra: Mapping[str, str] | None = None,
              on_record: Callable[[], object] | None = None, timeout: float = 600.0
              ) -> tuple[list[Spread], int]:
    """Indicators of mail detection held that mail delivered elsewhere carried too.

    The verdict topic holds every tenant's catches and misses side by side: a campaign one
    tenant's mail had enough evidence to hold (a brand lure, an analyst's block, a
    corroborated warning) often reached another tenant, or another mailbox, with less. Read
    twice: first the held verdicts (a small share; the rest are passed over unparsed) and
    their indicators, then the delivered verdicts naming one of them. Memory stays with the
    held mail's indicators and their matches (an indicator is dropped once its delivered
    mail is too much for ``min_held_share``), however large the window. A message scored
    twice (after a crash) counts once.

    An indicator counts when at least ``min_held_share`` of its messages were held: a
    lure's legitimate links (a brand's privacy page, a font host) are in far more delivered
    mail than held. These are leads for an analyst, not verdicts: ``mailhawk hunt`` lists
    the delivered messages, ``mailhawk policy block`` holds the next ones. Returned most
    delivered first, with how many records could not be read as verdicts.
    """
    since_ms = int((time.time() - since_hours * 3600.0) * 1000)
    tally = _Tally(min_held_share)
    for _, msg in _verdicts_since(bootstrap_servers, verdict_topic, since_ms, kafka_extra,
                                  timeout, on_record):
        tally.held(msg.value() or b"")
    if tally.spreads:
        for _, msg in _verdicts_since(bootstrap_servers, verdict_topic, since_ms,
                                      kafka_extra, timeout, on_record):
            tally.delivered(msg.value() or b"")
    return tally.result(), tally.unreadable


def _document(value: bytes) -> dict[str, Any] | None:
    """A verdict record's JSON object, or None for a record that is not one."""
    try:
        doc = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) and "tenant_id" in doc and "action" in doc else None

"""``mailhawk hunt``: the mail already scored from a sender, with a link or with a file.

A block acts on the sender's *next* message. When an analyst confirms a campaign (and blocks
its domain for one tenant or, with ``policy block --all-tenants``, for every tenant), what the
campaign already delivered is still in inboxes: downstream remediation needs the list of
messages to pull. Every verdict carries the message id, tenant, From address, recipients,
action, link hosts and attachment digests, so the verdict topic (within its retention) is that
list, whichever of the campaign's indicators the analyst holds: the sender, a phishing site
(often on shared hosting, so a host, not only its registrable domain), or a file a sandbox
called malware. This module reads it back.

Reading starts at the first record of the time window on each partition where the broker's
time index answers, and filters by record time too (a broker that cannot answer is read
from the beginning). The engine delivers verdicts at least once, so a message scored twice
(after a crash) appears once here, with its latest verdict. Output rows name addresses:
they are for the remediation system, never for logs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from detectors.domains import canonical_host
from schemas import SchemaError, Verdict, decode_verdict
from stream.kafka import read_to_end

__all__ = ["DELIVERED", "HuntQuery", "hunt", "matches"]

DELIVERED = frozenset({"allow", "warn"})
"""Actions that leave a message in the mailbox (a warning is a banner, not a quarantine)."""

_SHA256: Final = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class HuntQuery:
    """Which verdicts to return: exactly one indicator, optionally one tenant's only.

    Attributes:
        address: The From address.
        domain: The From domain, and its subdomains.
        link_domain: A link host, and its subdomains ("evil.web.app" finds one site on a
            shared hosting domain, "web.app" every site on it).
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
        if self.attachment and not _SHA256.fullmatch(self.attachment.strip().lower()):
            raise ValueError(f"{self.attachment!r} is not a SHA-256 digest (64 hex digits)")

    @property
    def needle(self) -> str:
        """The indicator in the form verdicts write it, lower case."""
        if self.link_domain:
            return canonical_host(self.link_domain)
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
    return host == domain or host.endswith("." + domain)


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


def _latest(verdicts: Iterable[tuple[int, Verdict]]) -> list[Verdict]:
    """One verdict per (tenant, message id): the one written last; in time order."""
    latest: dict[tuple[str, str], tuple[int, Verdict]] = {}
    for written, verdict in verdicts:
        key = (verdict.tenant_id, verdict.message_id)
        if key not in latest or written >= latest[key][0]:
            latest[key] = (written, verdict)
    return [v for _, v in sorted(latest.values(), key=lambda wv: wv[0])]


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
    for msg in read_to_end(bootstrap_servers, verdict_topic, group_id="mailhawk-hunt",
                           kafka_extra=kafka_extra, timeout=timeout, since_ms=since_ms,
                           missing="is it the engines' MAILHAWK_VERDICT_TOPIC?"):
        if on_record is not None:
            on_record()
        written = msg.timestamp()[1]
        value = msg.value() or b""
        if written < since_ms or (tenant_key is not None and msg.key() != tenant_key) or \
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

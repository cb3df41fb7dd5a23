"""``mailhawk hunt``: the mail a sender already got scored, across tenants, from the verdicts.

A block acts on the sender's *next* message. When an analyst confirms a campaign (and blocks
its domain for one tenant or, with ``policy block --all-tenants``, for every tenant), what the
campaign already delivered is still in inboxes: downstream remediation needs the list of
messages to pull. Every verdict carries the message id, tenant, From address, recipients and
action, so the verdict topic (within its retention) is that list; this module reads it back.

Reading starts at the first record of the time window on each partition where the broker's
time index answers, and filters by record time too (a broker that cannot answer is read
from the beginning). The engine delivers verdicts at least once, so a message scored twice
(after a crash) appears once here, with its latest verdict. Output rows name addresses:
they are for the remediation system, never for logs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from schemas import SchemaError, Verdict, decode_verdict
from stream.kafka import read_to_end

__all__ = ["DELIVERED", "SenderQuery", "hunt", "matches"]

DELIVERED = frozenset({"allow", "warn"})
"""Actions that leave a message in the mailbox (a warning is a banner, not a quarantine)."""


@dataclass(frozen=True, slots=True)
class SenderQuery:
    """Which verdicts to return: a sender address, or a domain and its subdomains."""

    address: str = ""
    domain: str = ""
    tenant: str = ""  # "" for every tenant
    delivered_only: bool = False

    def __post_init__(self) -> None:
        if bool(self.address) == bool(self.domain):
            raise ValueError("give exactly one of an address or a domain")


def matches(verdict: Verdict, query: SenderQuery) -> bool:
    """Whether ``verdict`` is of a message ``query`` asks for."""
    if query.tenant and verdict.tenant_id != query.tenant:
        return False
    if query.delivered_only and verdict.action not in DELIVERED:
        return False
    sender = verdict.sender.lower()
    if query.address:
        return sender == query.address.lower()
    host = sender.rpartition("@")[2]
    domain = query.domain.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)


def _latest(verdicts: Iterable[tuple[int, Verdict]]) -> list[Verdict]:
    """One verdict per (tenant, message id): the one written last; in time order."""
    latest: dict[tuple[str, str], tuple[int, Verdict]] = {}
    for written, verdict in verdicts:
        key = (verdict.tenant_id, verdict.message_id)
        if key not in latest or written >= latest[key][0]:
            latest[key] = (written, verdict)
    return [v for _, v in sorted(latest.values(), key=lambda wv: wv[0])]


def hunt(bootstrap_servers: str, verdict_topic: str, query: SenderQuery, *,
         since_hours: float, kafka_extra: Mapping[str, str] | None = None,
         on_record: Callable[[], object] | None = None, timeout: float = 600.0
         ) -> tuple[list[Verdict], int]:
    """The verdicts of the last ``since_hours`` that ``query`` matches.

    Also returns how many records naming the sender could not be read as verdicts (records
    that do not name it are not parsed at all).
    ``on_record`` is called once per record read (a progress bar's update).
    """
    since_ms = int((time.time() - since_hours * 3600.0) * 1000)
    found: list[tuple[int, Verdict]] = []
    unreadable = 0
    # A week of a large deployment is hundreds of millions of verdicts: a record whose bytes
    # cannot hold the sender (or whose key is another tenant) is passed over at C speed,
    # without being parsed. Verdicts are JSON (UTF-8, addresses unescaped), so the sender
    # appears literally in its value; both sides are lower-cased as bytes (ASCII only), the
    # same on each, so the test never drops a verdict ``matches`` would keep for its ASCII.
    needle = (query.address or query.domain.rstrip(".")).encode().lower()
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

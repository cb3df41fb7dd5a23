"""Flagged sender: an address whose earlier mail here carried evidence of an attack.

(Also the tenant's block lists, an analyst's verdict on a sender, a site or a file:
:class:`BlockedSender`, :class:`BlockedLink` and :class:`BlockedFile`.)

A campaign that sends the same lure again and again from one address used to win by
repetition. Measured on the development corpora (phishing_pot replayed into the Enron
tenant): "Microsoft account team <…@access-accsecurity.com>" sent 108 messages; the first 7
named the brand and were quarantined, then the kit dropped the display name and the next 101
were allowed, the model's score falling from 0.66 to 0.15 as the sender's message count grew
(the model learned that senders with many messages are newsletters, not lures). Every one of
them was still a first contact: nobody at the tenant had ever written to that address.

So the sender's profile counts the messages whose heuristics found evidence of an attack
(``flagged``: a decisive or corroborating-strength hit other than account takeover, see
``Cascade.flags_sender``), and this detector fires, decisively, when an address has
``min_flagged`` such messages, they are at least ``min_share`` of its mail, and no recipient
of this message has ever written to it. The count is kept in message order when the state
is updated, not taken from verdicts (those come after the batch's models, so a count of
them would depend on where batches were cut, and a message scored again after a crash could
get another verdict).

What keeps it from holding legitimate mail:

* it needs evidence, not anomalies: account-takeover hits (an unusual hour, a new network)
  never flag a sender, and a model's verdict never does;
* its own hits do not count as flags, so it cannot keep itself going: a sender whose later
  mail is clean sees its share fall below ``min_share``;
* it never fires on mail to someone who has written to the address (a reverse pair): that
  is a correspondent, not a campaign's target.

Measured with the shipped model (its ``mailhawk train`` report, corpus replay with
phishing_pot): phishing_pot 0.432 → 0.523, no more corpus ham quarantined (22 of 25,226 over
the replay, 14 of 4,910 on the time-later split), synthetic test ham unchanged (4 of 38,893).
The most any corpus ham sender had been flagged was twice (a tech newsletter, 2 of 30
issues). In the three synthetic splits (121,220 messages) it fired on 2 legitimate messages,
both from one vendor address after that address had sent 5 invoice-fraud messages (a
compromised vendor account, the labels' ham): holding such an address's mail until someone
looks is what the detector is for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import ClassVar

from detectors.base import (
    Context,
    PerTenantProfile,
    ScoredConfig,
    build_config,
    content_attack,
    hit,
)
from detectors.domains import canonical_link_host, domain_and_parents
from detectors.policy import sender_rules, usable_domain_rule
from detectors.urls import MAX_DOMAINS, MAX_URLS, link_hosts
from schemas.records import Hit
from state import TenantProfile

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FlaggedSenderConfig(ScoredConfig):
    """How much flagged mail makes a sender's next message suspect."""

    score: float = 0.95
    min_flagged: float = 3.0
    min_share: float = 0.1

    def validate(self) -> None:
        ScoredConfig.validate(self)
        if self.min_flagged < 1.0:
            raise ValueError("min_flagged must be at least 1")
        if not 0.0 <= self.min_share <= 1.0:
            raise ValueError("min_share must be within [0, 1]")


class FlaggedSender:
    """The sender's earlier messages here carried evidence of an attack; nobody replied."""

    name: ClassVar[str] = "flagged_sender"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: FlaggedSenderConfig = build_config(FlaggedSenderConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        sender = ctx.state.sender
        if not ctx.inbound or sender is None or not sender.flagged:
            return []
        c = self.config
        t = ctx.record.received_at
        flagged = ctx.state.decayed(sender.flagged, sender.ref, t)
        total = ctx.state.decayed(sender.count, sender.ref, t)
        if flagged < c.min_flagged or flagged < c.min_share * total:
            return []
        if ctx.answered:
            return []  # someone here writes to this address: a correspondent, not a campaign
        return [hit(self.name, c.score * c.weight, content_attack(ctx), flagged=round(flagged, 1),
                    messages=round(total, 1), first_seen=sender.first_seen)]


@dataclass(frozen=True, slots=True)
class BlockConfig(ScoredConfig):
    """The score of mail an analyst's block holds: a sender, a link host or a file."""

    score: float = 0.99


class BlockedSender:
    """The sender is one the tenant's analysts blocked: an address, or a domain.

    An address is blocked by an analyst confirming an attack, or by ``mailhawk policy
    block``, which also blocks domains (and their subdomains), for one tenant or for every
    tenant (``--all-tenants``: the hit's evidence then says ``"scope": "all_tenants"``).

    The feedback service turns an analyst's ``attack`` label on a message it has (the report
    carried it) into a ``blocked_sender`` directory entry, and a release or an analyst's
    ``ham`` label into ``cleared_sender`` (``stream/feedback.py``). The engine applies them
    between batches, so the campaign's next message is held however the model and the other
    rules read it: a kit that changes its wording after the first report does not change its
    sender. A user's report alone never blocks an address for the whole tenant: users report
    newsletters and colleagues too. Decisive by ``combine.decisive``; never a model input.
    """

    name: ClassVar[str] = "blocked_sender"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: BlockConfig = build_config(BlockConfig, self.name, config)
        self._blocked = PerTenantProfile(_blocked_sets)

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound:
            return []
        tenant, everyone = ctx.state.tenant, ctx.state.everyone
        for rules in (tenant, everyone):
            if not rules.blocked_senders:
                continue
            addresses, domains = self._blocked(rules)
            if ctx.record.sender.address in addresses:
                matched = "address"
            else:
                matched = next((d for d in domain_and_parents(ctx.record.sender.domain)
                                if d in domains), "") if domains else ""
                if not matched:
                    continue
            c = self.config
            scope = {"scope": "all_tenants"} if rules is everyone else {}
            return [hit(self.name, c.score * c.weight, content_attack(ctx), blocked_by="analyst",
                        matched=matched, **scope)]
        return []


class BlockedLink:
    """The message links to a host the tenant's analysts blocked, or to one under it.

    ``mailhawk policy block --link-domain HOST`` (for one tenant or ``--all-tenants``): a
    phishing site outlives the addresses that spread it. A campaign rotates senders and
    wording, but its landing page, often one site on shared hosting ("pay-invoice.web.app"),
    stays until it is taken down. Links are judged by their destination (a gateway's
    rewritten link by the link it wraps) and every link counts, not only the first 64 the
    URL signals read: padding a message with harmless links does not hide the blocked one.

    Inbound and internal mail: an internal message linking to a blocked site is lateral
    phishing from a compromised account. Not outbound mail: the outbound message that names a
    confirmed phishing site on purpose is the security team's takedown request to a hosting
    provider or a CERT. A rule naming an IP address holds links to that address however
    they spell it (``canonical_link_host``). Decisive by ``combine.decisive``; refuses an allowed
    sender's pass like a blocked sender (a trusted partner linking to it is compromised).
    Never a model input.
    """

    name: ClassVar[str] = "blocked_link"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound", "internal"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: BlockConfig = build_config(BlockConfig, self.name, config)
        self._blocked = PerTenantProfile(_blocked_hosts)

    def detect(self, ctx: Context) -> list[Hit]:
        tenant, everyone = ctx.state.tenant, ctx.state.everyone
        if not (tenant.blocked_links or everyone.blocked_links) or not ctx.record.urls:
            return []
        risk = ctx.content.urls
        # UrlRisk's hosts are of the first links only; past them, every link is read.
        hosts = risk.hosts if risk.count <= MAX_URLS and len(risk.hosts) < MAX_DOMAINS \
            else dict.fromkeys(link_hosts(ctx.record.urls))
        for rules in (tenant, everyone):
            blocked = self._blocked(rules) if rules.blocked_links else None
            if not blocked:
                continue
            for host in hosts:
                matched = next((d for d in domain_and_parents(host) if d in blocked), "")
                if matched:
                    c = self.config
                    scope = {"scope": "all_tenants"} if rules is everyone else {}
                    return [hit(self.name, c.score * c.weight, content_attack(ctx),
                                blocked_by="analyst", matched=matched, host=host, **scope)]
        return []


class BlockedFile:
    """The message carries an attachment whose SHA-256 the tenant's analysts blocked.

    ``mailhawk policy block --attachment SHA256`` (for one tenant or ``--all-tenants``): a
    file a sandbox or a threat feed called malware is held wherever it arrives next, from
    any sender, whatever the message around it says. Exact: a digest names one file, so
    this cannot hold anything else. Every attachment counts. Inbound and internal mail (a
    colleague's account passing it on is compromised). Decisive by ``combine.decisive``,
    typed malware; never a model input.
    """

    name: ClassVar[str] = "blocked_file"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound", "internal"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: BlockConfig = build_config(BlockConfig, self.name, config)
        self._blocked = PerTenantProfile(lambda rules: frozenset(rules.blocked_files))

    def detect(self, ctx: Context) -> list[Hit]:
        tenant, everyone = ctx.state.tenant, ctx.state.everyone
        if not (tenant.blocked_files or everyone.blocked_files) or \
                not ctx.record.attachments:
            return []
        digests = [a.sha256.lower() for a in ctx.record.attachments if a.sha256]
        for rules in (tenant, everyone):
            blocked = self._blocked(rules) if rules.blocked_files else None
            matched = next((d for d in digests if d in blocked), "") if blocked else ""
            if matched:
                c = self.config
                scope = {"scope": "all_tenants"} if rules is everyone else {}
                return [hit(self.name, c.score * c.weight, "malware", blocked_by="analyst",
                            sha256=matched, **scope)]
        return []


def _blocked_hosts(tenant: TenantProfile) -> frozenset[str]:
    """The blocked link hosts in canonical form; a public suffix is ignored with a warning."""
    hosts = set()
    for value in tenant.blocked_links:
        host = canonical_link_host(value)
        if (why := usable_domain_rule(host, allow=False)):
            log.warning("blocked-link rule ignored: %s", why)
        else:
            hosts.add(host)
    return frozenset(hosts)


def _blocked_sets(tenant: TenantProfile) -> tuple[frozenset[str], frozenset[str]]:
    """The blocked addresses, and the blocked domains one party controls.

    A rule naming a public suffix would hold a whole country's mail: ignored, with a warning.
    """
    addresses, domains = sender_rules(tenant.blocked_senders, allow=False)
    return frozenset(addresses), frozenset(domains)

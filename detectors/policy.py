"""The tenant's sender policy: senders its analysts allowed, and its phishing simulations.

Detection judges the message; policy is what the tenant decided beforehand about some
senders, and it acts after the decision, never as a model input (so no retraining follows a
policy change, and the verdict still says what detection found):

* **phishing simulations** (``phish_simulation`` entries): a security team's own simulated
  phishing, sent by its simulation vendor, must reach the inbox or the training programme
  is broken. Mail from the rule's domain (or a subdomain) whose ``client_ip`` is in one of
  the rule's networks is allowed whatever it carries, as Microsoft's "advanced delivery"
  does: the domain alone is spoofable, the sending network is not. Such mail teaches the
  behavioural state nothing (it imitates attackers and executives on purpose).
* **allowed senders** (``allowed_sender``: an address, or a domain and its subdomains):
  mail the tenant trusts that detection keeps holding (a partner's bulk invoices, a
  monitoring system). Allowed only when the message is authenticated as that domain (DMARC
  pass, or SPF pass for an aligned return-path), so a forged From does not ride on it; and
  never over a malware verdict, a ``block`` (the highest confidence) or an analyst's block
  of the same sender. Free-mail and bare public-suffix domains are ignored as allow rules:
  they would allow anyone with an account.

An allow or a simulation may carry an expiry (``expires_at``), judged by each message's own
time, so a replay decides as the live run did. Blocks are a detector (``rules/history.py``,
decisive), so a blocked domain is held like a blocked address. Precedence: simulation, then
block, then allow.

Every rule may also be written for every tenant at once (``ALL_TENANTS``: an operator's
block of a campaign domain seen at one customer, a simulation vendor all customers share).
Such rules are kept apart from each tenant's (``StateSnapshot.everyone``) and act the same
way after the tenant's own: a tenant's simulation or allow is found first, and a block from
either list refuses an allow from either. Their hits say ``"scope": "all_tenants"``.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from detectors.base import PerTenantProfile
from detectors.domains import domain_and_parents, is_freemail, public_suffix
from schemas.records import Hit, MailRecord
from state import MessageFacts, TenantProfile

log = logging.getLogger(__name__)

SIMULATION: Final = "phish_simulation"
ALLOWED: Final = "allowed_sender"
REFUSALS: Final = ("not_authenticated", "blocked", "malware", "high_confidence")
"""Why an allow rule that matched a message did not let it through (see :func:`refusal`)."""
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class PolicyMatch:
    """A policy rule that names a message's sender.

    ``matched`` is ``"address"`` or the rule's domain; ``authenticated`` whether the message
    is authenticated as its sender's domain (always True for a simulation, which its
    network vouches for).
    """

    rule: str
    matched: str
    authenticated: bool
    everyone: bool = False  # a rule written for every tenant (ALL_TENANTS)


_NEVER: Final = math.inf


@dataclass(frozen=True, slots=True)
class _Rules:
    """A tenant profile's policy lists as maps to their expiry, built once per profile value."""

    allow_addresses: dict[str, float]
    allow_domains: dict[str, float]
    simulations: dict[str, tuple[tuple[_Network, ...], float]]


def usable_domain_rule(domain: str, *, allow: bool) -> str:
    """Why a domain rule cannot be used ("" when it can).

    A public suffix names no one party, and allowing a free-mail domain allows anyone with
    an account there.
    """
    if public_suffix(domain) == domain:
        return f"{domain} is a public suffix, not a domain one party controls"
    if allow and is_freemail(domain):
        return (f"{domain} is a free-mail provider: allowing it allows anyone with an account "
                "there; allow the address instead")
    return ""


def sender_rules(values: Iterable[str], *, allow: bool) -> tuple[list[str], list[str]]:
    """A block or allow list split into its addresses and its usable domains.

    A domain :func:`usable_domain_rule` refuses is left out with a warning: another tool
    may have written it to the directory.
    """
    addresses, domains = [], []
    for value in values:
        if "@" in value:
            addresses.append(value)
        elif (why := usable_domain_rule(value, allow=allow)):
            log.warning("%s rule ignored: %s", "allow" if allow else "block", why)
        else:
            domains.append(value)
    return addresses, domains


def _compile(tenant: TenantProfile) -> _Rules:
    until = tenant.allowed_until
    addresses, domains = sender_rules(tenant.allowed_senders, allow=True)
    simulations: dict[str, tuple[tuple[_Network, ...], float]] = {}
    for domain, networks, *expiry in tenant.simulations:  # written without expiry: never
        if (why := usable_domain_rule(domain, allow=True)):
            log.warning("phishing-simulation rule ignored: %s", why)
            continue
        simulations[domain] = (tuple(ipaddress.ip_network(n, strict=False) for n in networks),
                               (expiry[0] if expiry else 0.0) or _NEVER)
    return _Rules({a: until.get(a) or _NEVER for a in addresses},
                  {d: until.get(d) or _NEVER for d in domains}, simulations)


def authenticated(record: MailRecord, facts: MessageFacts) -> bool:
    """Whether the gateway's results authenticate the From domain.

    DMARC pass does; a DMARC failure does not; without a DMARC result, SPF pass for a
    return-path in the same registrable domain does (DMARC's own relaxed SPF alignment).
    DKIM pass alone does not: the record does not say which domain signed.
    """
    dmarc = record.auth.dmarc
    if dmarc == "pass":
        return True
    if dmarc == "fail":
        return False
    return record.auth.spf == "pass" and facts.sender_domain != "" and \
        facts.return_path_domain == facts.sender_domain


class SenderPolicy:
    """Matches a message's sender against its tenant's policy (cheap when there is none)."""

    def __init__(self) -> None:
        self._rules = PerTenantProfile(_compile)

    def match(self, record: MailRecord, facts: MessageFacts, tenant: TenantProfile,
              everyone: TenantProfile | None = None) -> PolicyMatch | None:
        """The rule naming ``record``'s sender, if any (inbound mail only).

        ``everyone``: the rules written for every tenant; the tenant's own are looked at
        first, a simulation of either list before an allow of either.
        """
        if record.direction != "inbound":
            return None
        own = bool(tenant.allowed_senders or tenant.simulations)
        shared = everyone is not None and bool(everyone.allowed_senders or everyone.simulations)
        if not own and not shared:  # most tenants: two attribute reads a message
            return None
        compiled = ([(self._rules(tenant), False)] if own else []) + \
            ([(self._rules(everyone), True)] if shared and everyone is not None else [])
        address, t = record.sender.address, record.received_at
        host = record.sender.domain
        if record.client_ip and any(rules.simulations for rules, _ in compiled):
            try:
                ip = ipaddress.ip_address(record.client_ip.strip("[]"))
            except ValueError:
                ip = None
            if ip is not None:
                for rules, common in compiled:
                    for domain in domain_and_parents(host):
                        networks, until = rules.simulations.get(domain, ((), 0.0))
                        if t < until and any(ip in n for n in networks):
                            return PolicyMatch(SIMULATION, domain, True, common)
        for rules, common in compiled:
            if t < rules.allow_addresses.get(address, 0.0):
                return PolicyMatch(ALLOWED, "address", authenticated(record, facts), common)
            if rules.allow_domains:
                for domain in domain_and_parents(host):
                    if t < rules.allow_domains.get(domain, 0.0):
                        return PolicyMatch(ALLOWED, domain, authenticated(record, facts),
                                           common)
        return None


INDICATOR_BLOCKS: Final = ("blocked_link", "blocked_file")
"""The detectors of an analyst's blocks of a link host or a file (any sender, internal too)."""
_BLOCKS: Final = frozenset({"blocked_sender", *INDICATOR_BLOCKS})
"""The detectors of an analyst's blocks: an allow never overrides them."""


def refusal(match: PolicyMatch, action: str, attack_type: str, hits: Sequence[Hit]) -> str:
    """Why ``match`` may not set the verdict ("" when it may).

    A simulation always may. An allowed sender may not when the message is not
    authenticated, an analyst blocked the sender too, a site it links to or a file it
    carries, detection found malware, or it scored at ``block``.
    """
    if match.rule == SIMULATION:
        return ""
    if not match.authenticated:
        return "not_authenticated"
    if any(h.detector in _BLOCKS for h in hits):
        return "blocked"
    if attack_type == "malware" and action != "allow":
        return "malware"
    if action == "block":
        return "high_confidence"
    return ""


def policy_hit(match: PolicyMatch, refused: str, overrode: str) -> Hit:
    """The verdict's evidence of the rule: which one, what it matched, what it did.

    Score 0 and type ``none``: the hit states the tenant's decision, not a finding.
    """
    evidence: dict[str, object] = {"rule": match.rule, "matched": match.matched,
                                   "applied": not refused}
    if match.everyone:
        evidence["scope"] = "all_tenants"
    if refused:
        evidence["refused"] = refused
    if overrode:
        evidence["overrode"] = overrode
    return Hit(match.rule, 0.0, evidence, "none")

"""Display names that show a different address.

A display name that contains an email address other than the sender's:
``"ceo@acme.com" <x@evil.example>`` shows the reader a trusted address that is not the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from detectors.domains import registrable_domain
from schemas.records import Hit


@dataclass(frozen=True, slots=True)
class DisplayAddressConfig(DetectorConfig):
    """Scores of an address inside the display name."""

    other_address: float = 0.5
    own_domain_address: float = 0.95


class DisplayNameAddress:
    """The display name names a different address."""

    name: ClassVar[str] = "display_name_address"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: DisplayAddressConfig = build_config(DisplayAddressConfig, self.name,
                                                         config)

    def detect(self, ctx: Context) -> list[Hit]:
        shown = ctx.content.display_address
        if not shown or not ctx.inbound:
            return []
        c = self.config
        shown_domain = registrable_domain(shown.rpartition("@")[2])
        if shown_domain == ctx.facts.sender_domain:
            return []
        own = shown_domain in ctx.state.tenant.own_domains
        return [hit(self.name, (c.own_domain_address if own else c.other_address) * c.weight,
                    "bec" if own else "credential_phishing", shown_address_domain=shown_domain,
                    sender_domain=ctx.facts.sender_domain, own_domain=own)]

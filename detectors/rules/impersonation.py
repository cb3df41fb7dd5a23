"""Display-name impersonation of the tenant's own people.

Display-name impersonation: an outside address wearing the name of one of the tenant's
own people (learned from internal mail and the directory).

"CEO Name <random@freemail>" is the commonest business-email-compromise opening. Names are
compared after folding accents, homoglyphs and nicknames (``detectors.names.name_key``), so
"Róbert Smith" and "Bob Smith" match "Robert Smith".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from schemas.records import Hit


@dataclass(frozen=True, slots=True)
class ImpersonationConfig(DetectorConfig):
    """Scores for a matched internal name."""

    base: float = 0.75
    vip_or_freemail: float = 0.92
    with_request: float = 0.97
    established: float = 0.15
    established_replies: int = 2
    established_days: float = 7.0

    def validate(self) -> None:
        DetectorConfig.validate(self)
        if not 0.0 <= self.base <= self.vip_or_freemail <= self.with_request <= 1.0:
            raise ValueError("need 0 <= base <= vip_or_freemail <= with_request <= 1")


class DisplayNameSpoof:
    """The display name is an internal person's, the address is not one of theirs."""

    name: ClassVar[str] = "display_name_spoof"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: ImpersonationConfig = build_config(ImpersonationConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        person = ctx.state.person
        if person is None or not ctx.inbound or not ctx.facts.person_like:
            return []
        address = ctx.record.sender.address
        if address in person.addresses:
            return []
        c, cues = self.config, ctx.content.cues
        # A personal address the person's colleagues have answered repeatedly over time
        # (the CEO's own gmail) is established. The spread in time keeps an attacker's
        # "are you at your desk?" probe plus one quick reply from qualifying.
        for view in ctx.state.recipients:
            rev = view.reverse
            if rev is not None and rev.count >= c.established_replies and \
                    rev.last_seen - rev.first_seen >= c.established_days * 86400:
                return [hit(self.name, c.established * c.weight, "any",
                            impersonated=person.display_name, established_address=True,
                            replies=rev.count)]
        score = c.base
        if person.vip or ctx.content.sender_freemail:
            score = c.vip_or_freemail
        request = cues.payment or cues.gift_card or cues.payroll or cues.bank_change or \
            cues.urgency or cues.secrecy
        if request:
            score = c.with_request
        return [hit(self.name, score * c.weight, "bec", impersonated=person.display_name,
                    title=person.title, vip=person.vip, sender_domain=ctx.facts.sender_domain,
                    freemail=ctx.content.sender_freemail,
                    known_addresses=len(person.addresses))]

"""Authentication failures reported by the gateway (SPF, DKIM, DMARC).

mailhawk does no DNS of its own: it trusts the results the gateway put in the record. A
DMARC failure for a message claiming one of the tenant's own domains is direct spoofing; other
failures are context that strengthens whatever else the message shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from schemas.records import Hit

AUTH_FAILURES = frozenset({"fail", "softfail", "permerror"})


@dataclass(frozen=True, slots=True)
class AuthConfig(DetectorConfig):
    """Scores of authentication failures."""

    own_domain_spoof: float = 0.95
    dmarc_fail: float = 0.45
    spf_and_dkim_fail: float = 0.35
    single_fail: float = 0.12
    known_sender_regression: float = 0.5


class AuthFailure:
    """SPF/DKIM/DMARC did not pass."""

    name: ClassVar[str] = "auth_failure"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound", "internal"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: AuthConfig = build_config(AuthConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        if ctx.record.direction == "outbound":
            return []
        a = ctx.record.auth
        if a.spf not in AUTH_FAILURES and a.dkim not in AUTH_FAILURES and \
                a.dmarc not in AUTH_FAILURES:
            return []  # most mail: three set look-ups, no list built
        failed = [n for n, v in (("spf", a.spf), ("dkim", a.dkim), ("dmarc", a.dmarc))
                  if v in AUTH_FAILURES]
        c = self.config
        # A forged own-domain From makes the gateway call the message "internal": our own
        # server's DMARC failure is what gives it away, so internal mail is judged too.
        if "dmarc" in failed and ctx.facts.sender_domain in ctx.state.tenant.own_domains:
            return [hit(self.name, c.own_domain_spoof * c.weight, "bec", failed=failed,
                        own_domain=True)]
        if not ctx.inbound:
            return []
        sender = ctx.state.sender
        if sender is not None and sender.auth.get("dmarc_pass", 0) > 0 and "dmarc" in failed:
            score = c.known_sender_regression
        elif "dmarc" in failed:
            score = c.dmarc_fail
        elif len(failed) >= 2:
            score = c.spf_and_dkim_fail
        else:
            score = c.single_fail
        return [hit(self.name, score * c.weight, "any", failed=failed)]

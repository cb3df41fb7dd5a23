"""Account takeover and lateral phishing.

Account takeover and lateral phishing: a sender the tenant knows well behaves unlike itself
(an hour far from every hour it has used, a new client network, unusual fan-out to people it
never wrote to, links to domains it never used) while carrying a lure.

A quiet account (too little history to say what is usual for it) is judged on what it sends
instead: one of the tenant's own accounts mailing a credential lure with a risky link to a
domain it never used, to many people at once, is how lateral phishing starts, and a mailbox
that rarely writes is as easy to steal as a busy one.

``hour_window`` (hours on either side, default 0) widens "unusual hour": the hour is unusual
when the sender's mail within the window is under ``rare_hour_share`` of its total. With 0 an
hour the sender merely has not used yet is unusual, so automated senders (notifications,
billing systems, which mail at any hour) and anyone working a little late look anomalous.
Measured with 2, on the three synthetic splits the training uses, heuristics only:
account-takeover hits on ham fell from 74 to 22 with an attack type and from 286 to 28 generic,
while those on lateral phishing and compromised-vendor invoices stayed the same (83 and 81);
delivery and prize lures, where a hit was incidental (a spoofed known sender), lost 9 of 25.
The shipped model with 2: synthetic test ham quarantined 4 → 3 of 38,893 (the DocuSign
notification), corpus ham as before, recall by type unchanged (measured with the models of both
this release and the previous one). It is not the default because the shipped model must be
what ``mailhawk train`` makes with the shipped settings, and retrained with 2 (same seed,
before the batch-independent scorer) the model came out worse on figures the rule leaves alone
with the shipped weights: corpus ham quarantined 12 → 19 (newsletters typed spam), synthetic
ham 4 → 8, invoice-fraud recall 0.975 → 0.925, against account takeover 0.967 → 1.0 and
SpamAssassin spam 0.86 → 0.89. At a 0.05% calibration budget (2–3 calibration ham) a retrain
moves those counts that much; set 2 with the shipped model, and make it the default with a
retrain whose figures hold up.

Tried and left out: the same lure rule for a busy account showing a single anomaly. Aimed at
the lateral-phishing misses in synthetic traffic, it made the retrained model so sure of a
few real ham messages that the calibrated quarantine threshold went to 1 − 6e-11 and recall
on everything else collapsed (measured 2026-11-24; the ham it fired on was not examined).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from detectors.rules.brand import brand_link
from schemas.records import Hit
from state import network_of


@dataclass(frozen=True, slots=True)
class TakeoverConfig(DetectorConfig):
    """Thresholds of "unlike itself" and the scores."""

    min_history: float = 10.0
    rare_hour_share: float = 0.02
    hour_window: int = 0
    fanout_factor: float = 3.0
    min_fanout: int = 5
    with_lure: float = 0.9
    without_lure: float = 0.3
    quiet_lure: float = 0.8
    quiet_min_url_score: float = 0.3

    def validate(self) -> None:
        """Raise ValueError naming the bad field."""
        DetectorConfig.validate(self)
        if not 0 <= self.hour_window <= 11:
            raise ValueError(f"hour_window must be within 0..11, got {self.hour_window}")


class AccountTakeover:
    """Behavioural anomalies of a known sender."""

    name: ClassVar[str] = "account_takeover"

    def __init__(self, config: dict | None = None) -> None:
        self.config: TakeoverConfig = build_config(TakeoverConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        sender = ctx.state.sender
        c = self.config
        if sender is None or ctx.sender_count() < c.min_history:
            return self._quiet_account(ctx)
        signals: list[str] = []
        hours = sender.hours
        total = sum(hours)
        hour = int(ctx.record.received_at // 3600) % 24
        w = c.hour_window
        # The window of 0 (the default) is the hour itself: no generator per message.
        near = hours[hour] if w == 0 else sum(hours[(hour + d) % 24] for d in range(-w, w + 1))
        if total > 0 and near / total < c.rare_hour_share:
            signals.append("unusual_hour")
        net = network_of(ctx.record.client_ip)
        if net and sender.networks and net not in sender.networks:
            signals.append("new_network")
        new_links = [d for d in ctx.content.urls.domains if d not in sender.link_domains]
        if not signals and not new_links:
            # An unusual fan-out alone is one signal of the two needed: most mail of a known
            # sender ends here, before the walk over its recipients (8 on an Enron message).
            return []
        new_pairs = sum(1 for r in ctx.state.recipients if r.pair is None)
        if new_pairs >= c.min_fanout and new_pairs > c.fanout_factor * max(1, sender.max_fanout):
            signals.append("unusual_fanout")
        if new_links:
            signals.append("new_link_domain")
        if len(signals) < 2:
            return []
        cues = ctx.content.cues
        lure = cues.credential or cues.bank_change or cues.payment or cues.gift_card or \
            ctx.content.urls.score >= 0.3 or ctx.content.attachments.score >= 0.5 or \
            brand_link(new_links) is not None
        score = c.with_lure if lure else c.without_lure
        attack = "account_takeover" if lure else "any"
        internal = ctx.record.direction == "internal"
        return [hit(self.name, score * c.weight, attack, signals=signals,
                    lateral=internal, new_link_domains=new_links[:3],
                    new_recipients=new_pairs)]

    def _quiet_account(self, ctx: Context) -> list[Hit]:
        """A tenant account with little history sending a credential lure to many."""
        c = self.config
        urls = ctx.content.urls
        if ctx.inbound or not (ctx.content.cues.credential or urls.credential_path):
            return []
        sender = ctx.state.sender
        used = sender.link_domains if sender is not None else {}
        new_links = [d for d in ctx.content.urls.domains if d not in used]
        if not new_links or len(ctx.record.recipients) < c.min_fanout:
            return []
        # A risky link, or a never-used domain dressed as a brand ("sharepoint-portal72.cloud"
        # scores nothing as a URL: a fresh domain of a common TLD with a plain path).
        dressed = brand_link(new_links)
        if urls.score < c.quiet_min_url_score and dressed is None:
            return []
        new_pairs = sum(1 for r in ctx.state.recipients if r.pair is None)
        signals = ["quiet_account_lure"] + (["brand_dressed_link"] if dressed else [])
        return [hit(self.name, c.quiet_lure * c.weight, "account_takeover",
                    signals=signals, lateral=ctx.record.direction == "internal",
                    new_link_domains=new_links[:3], new_recipients=new_pairs)]

"""A document "shared" by a throwaway address: Google's share notice carrying a stranger's lure.

Google Drive, Docs, Slides and Drawings send "X (via Google Slides)" from
``drive-shares-noreply@google.com`` whenever anyone shares a file with an address, and the
notice passes every check: Google wrote it. Spam and scam kits use it as a relay: the shared
file's title is the lure ("📈 You're Entitled to a Refund", "🤑 Get Ready to Receive Your
Virtual Payment"), the file itself a page of links, and the sharer an account made for the
run, whose address (Google puts it in Reply-To) sits on a random name under a TLD registered
for pennies (``fdrdgqky.tewusi.makeup``, ``zeqifeku.quest``, ``kopy.mom``).

So a share notice whose sharer writes from a TLD of :data:`THROWAWAY_TLDS` is held, unless
the tenant has written to the sharer's domain (a correspondent whose company happens to use
such a TLD). The sender's history says nothing here: Google's notifier is one address for
every sharer in the world. Measured on the corpus replay (December 2026): seven phishing_pot
share notices with such sharers, six not held before; no ham has a Google share notice at
all, so the corpora cannot show what legitimate shares look like. Real ones come from
colleagues and customers on their companies' domains or free mail, which this leaves alone.
Decisive (``combine.decisive``); not a model input (``layout.DETECTORS``).
"""

from __future__ import annotations

from typing import ClassVar, Final

from detectors.base import Context, InboundRule, hit
from detectors.domains import registrable_domain
from detectors.urls import SUSPICIOUS_TLDS
from schemas.records import Hit

THROWAWAY_TLDS: Final = SUSPICIOUS_TLDS | {"makeup", "hair", "mom", "beauty", "skin"}
"""Abuse-heavy TLDs: :data:`~detectors.urls.SUSPICIOUS_TLDS` and five that one registry sells
for pennies in promotions, which carry these kits' sharers. Kept here, not added to the link
list: that list is a model input (``url_score``), and a change to it needs a retraining to
be measured."""
SHARE_NOTIFIERS: Final = ("drive-shares-noreply@google.com", "drive-shares-dm-noreply@google.com")
"""The addresses Google sends share notices from (the second for direct-message shares)."""


class ThrowawayShare(InboundRule):
    """A file share notice whose sharer's address is on an abuse-heavy TLD."""

    name: ClassVar[str] = "throwaway_share"

    def detect(self, ctx: Context) -> list[Hit]:
        record = ctx.record
        if not record.reply_to or not ctx.inbound or \
                record.sender.address.lower() not in SHARE_NOTIFIERS:
            return []
        domain = registrable_domain(record.reply_to[0].domain)  # canonical: "X.Quest." too
        tld = domain.rpartition(".")[2]
        if tld not in THROWAWAY_TLDS or domain in ctx.state.tenant.known_domains:
            return []
        content = ctx.content
        attack = "credential_phishing" if content.cues.credential or \
            content.urls.credential_path else "scam"
        return [hit(self.name, self.score, attack, sharer_domain=domain,
                    tld=tld, reason="a file shared by an address on a throwaway TLD")]

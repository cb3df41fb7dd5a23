"""Brand impersonation: a well-known brand claimed from a domain the brand does not use.

A display name or sender domain naming the brand, sent from elsewhere
("Microsoft 365 <alerts@m365-security.top>", "WeTransfer <noreply@wetransfer-share.net>").

Real brand notifications come from the brand's own registrable domains (listed below), so the
check is a table lookup. A brand mentioned only in the subject or body is not impersonation:
newsletters and receipts mention brands all the time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Final

from detectors.base import Context, DetectorConfig, build_config, hit
from schemas.records import Hit

BRANDS: Final[dict[str, frozenset[str]]] = {
    "microsoft": frozenset({"microsoft.com", "office.com", "office365.com", "outlook.com",
                            "live.com", "microsoftonline.com", "sharepoint.com",
                            "onmicrosoft.com", "microsoft365.com", "hotmail.com"}),
    "office 365": frozenset({"microsoft.com", "office.com", "office365.com",
                             "microsoftonline.com", "onmicrosoft.com"}),
    "outlook": frozenset({"microsoft.com", "outlook.com", "office.com", "live.com"}),
    "onedrive": frozenset({"microsoft.com", "onedrive.com", "live.com", "sharepoint.com"}),
    "sharepoint": frozenset({"microsoft.com", "sharepoint.com", "onmicrosoft.com"}),
    "docusign": frozenset({"docusign.net", "docusign.com"}),
    "dhl": frozenset({"dhl.com", "dhl.de", "dhl.co.uk", "dhl-news.com", "dpdhl.com"}),
    "fedex": frozenset({"fedex.com"}),
    "ups": frozenset({"ups.com"}),
    "usps": frozenset({"usps.com", "usps.gov"}),
    "paypal": frozenset({"paypal.com", "paypal.de", "paypal.co.uk", "paypal-community.com"}),
    "apple": frozenset({"apple.com", "icloud.com", "me.com"}),
    "icloud": frozenset({"apple.com", "icloud.com"}),
    "amazon": frozenset({"amazon.com", "amazon.de", "amazon.co.uk", "amazon.fr",
                         "amazonaws.com", "amazon.es", "amazon.it", "amazon.ca"}),
    "netflix": frozenset({"netflix.com"}),
    "wetransfer": frozenset({"wetransfer.com"}),
    "dropbox": frozenset({"dropbox.com", "dropboxmail.com"}),
    "adobe": frozenset({"adobe.com", "adobesign.com", "echosign.com"}),
    "linkedin": frozenset({"linkedin.com"}),
    "facebook": frozenset({"facebook.com", "facebookmail.com", "meta.com"}),
    "instagram": frozenset({"instagram.com", "facebookmail.com"}),
    "coinbase": frozenset({"coinbase.com"}),
    "binance": frozenset({"binance.com"}),
    "chase": frozenset({"chase.com", "jpmorgan.com"}),
    "wells fargo": frozenset({"wellsfargo.com"}),
    "bank of america": frozenset({"bankofamerica.com", "bofa.com"}),
    "american express": frozenset({"americanexpress.com", "aexp.com"}),
    "norton": frozenset({"norton.com", "nortonlifelock.com", "gen.com"}),
    "mcafee": frozenset({"mcafee.com"}),
    "geek squad": frozenset({"bestbuy.com", "geeksquad.com"}),
    "zoom": frozenset({"zoom.us", "zoom.com"}),
    "webex": frozenset({"webex.com", "cisco.com"}),
    "quickbooks": frozenset({"intuit.com", "quickbooks.com"}),
    "google": frozenset({"google.com", "gmail.com", "googlemail.com", "youtube.com"}),
    "netsuite": frozenset({"netsuite.com", "oracle.com"}),
}
_NAME_RE: Final = re.compile(r"\b(" + "|".join(re.escape(b) for b in
                                               sorted(BRANDS, key=len, reverse=True)) + r")\b")
_COMPACT: Final = {b.replace(" ", ""): b for b in BRANDS if len(b) >= 5}


def brand_named(display_name: str, sender_domain: str) -> str | None:
    """The brand a display name (or the sender domain's name part) claims, if any."""
    return _brand_in_name(display_name) or _brand_in_label(sender_domain.split(".", 1)[0])


# Both halves are memoised: display names and sender domains repeat from message to message,
# and the regex search plus ~30 substring tests cost ~3 µs a message on the development VM.
@lru_cache(maxsize=65536)
def _brand_in_name(display_name: str) -> str | None:
    found = _NAME_RE.search(display_name.lower())
    return found.group(1) if found else None


@lru_cache(maxsize=65536)
def _brand_in_label(label: str) -> str | None:
    for compact, brand in _COMPACT.items():
        if compact in label:
            return brand
    return None


@dataclass(frozen=True, slots=True)
class BrandConfig(DetectorConfig):
    """Scores of a brand claimed from a foreign domain."""

    base: float = 0.5
    with_lure: float = 0.9
    known_sender_messages: float = 5.0


class BrandImpersonation:
    """A brand's name on mail from a domain the brand does not use."""

    name: ClassVar[str] = "brand_impersonation"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: BrandConfig = build_config(BrandConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound:
            return []
        domain = ctx.facts.sender_domain
        brand = brand_named(ctx.record.sender.name, domain)
        if brand is None or domain in BRANDS[brand]:
            return []
        c, cues = self.config, ctx.content.cues
        if ctx.sender_count() >= c.known_sender_messages and not ctx.first_contact:
            return []  # an established sender (a reseller, a brand's agency) the tenant knows
        lure = cues.credential or ctx.content.urls.score >= 0.3 or \
            ctx.content.attachments.score >= 0.5 or cues.scam or cues.payment
        attack = "scam" if cues.scam and not cues.credential else "credential_phishing"
        return [hit(self.name, (c.with_lure if lure else c.base) * c.weight, attack,
                    brand=brand, sender_domain=domain)]

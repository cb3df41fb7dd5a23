"""Crypto lures: a stranger offering, threatening or asking for crypto assets.

Wallet drainers ("your Ledger was in the breach, restore it here", "connect your wallet to
claim your $PYTH airdrop", "Trust Wallet: your wallet is pending verification"), fake
exchange balances ("0.9473 BTC received, log in to withdraw"), token giveaways and crypto
extortion. They are a large share of today's phishing (more than a quarter of the
phishing_pot messages the cascade missed before this rule) and of a kind the training corpora
(mail of 2001-2002 and synthetic organisations) do not hold, so the content model has no like
of them.

The sign is the topic from a stranger with something to act on: two words of the crypto-asset
topic (``Cues.crypto_asset``: a coin, a wallet brand, "seed phrase"; or one of those and
``Cues.crypto_term``: "wallet", "tokens"), on mail from a sender none of the recipients has
exchanged mail with, carrying a link or credential, prize or scam language. A developer's
"crypto tokens" (two words that are crypto only beside a coin) is not it, nor a
correspondent's mail, nor a crypto brand's own notice that its domain's DKIM or DMARC vouches
for (the synthetic organisations' Binance security notices).

Not a model input (``layout.DETECTORS``): the redistributable corpora hold no such mail.
Decisive (``combine.decisive``) and flagging: the corpus replay's ham holds none (Enron,
SpamAssassin and watchdog ham of 25,226 messages: the developers' crypto talk lacks the
second asset word or comes from correspondents), nor do the synthetic organisations' ham
streams once brands' authenticated notices are left out. A tenant whose business is crypto
(an exchange, a fund) would hear from strangers about it all day: it switches the rule off or
weighs it in the scores file (``detectors.crypto_lure``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from detectors.base import Context, ScoredConfig, build_config, hit
from detectors.rules.brand import BRANDS
from schemas.records import Hit

_BRAND_DOMAINS: Final = frozenset().union(*BRANDS.values())
"""Every registrable domain a listed brand sends from (crypto exchanges among them)."""


@dataclass(frozen=True, slots=True)
class CryptoConfig(ScoredConfig):
    """The score of a stranger's crypto lure."""

    score: float = 0.9


class CryptoLure:
    """A stranger's message about crypto assets, with a link or lure language."""

    name: ClassVar[str] = "crypto_lure"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: CryptoConfig = build_config(CryptoConfig, self.name, config)

    def detect(self, ctx: Context) -> list[Hit]:
        cues = ctx.content.cues
        if not cues.crypto_asset or cues.crypto_asset + cues.crypto_term < 2:
            return []
        if not (ctx.record.urls or cues.credential or cues.spam or cues.scam):
            return []
        if not ctx.first_contact or self._brands_own(ctx):
            return []
        # Asking for a wallet's keys or a sign-in is credential theft; the rest (giveaways,
        # balances to withdraw, extortion) pays the sender.
        attack = "credential_phishing" if cues.credential else "scam"
        return [hit(self.name, self.config.score * self.config.weight, attack,
                    topic=cues.phrases.get("crypto_asset", ""),
                    reason="a stranger's message about crypto assets with a lure")]

    @staticmethod
    def _brands_own(ctx: Context) -> bool:
        """A listed brand's domain that the gateway's DKIM or DMARC vouches for."""
        auth = ctx.record.auth
        return ctx.facts.sender_domain in _BRAND_DOMAINS and (
            auth.dkim == "pass" or auth.dmarc == "pass")

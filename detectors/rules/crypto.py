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
``Cues.crypto_term``: "wallet", "tokens"; or one of those and an amount in a coin, "0.7495
BTC"), on mail from a sender none of the recipients has exchanged mail with, carrying a link,
an attachment, such an amount, or credential, prize, scam or payment language. A developer's
"crypto tokens" (two words that are crypto only beside a coin) is not it, nor a
correspondent's mail, nor a crypto brand's own notice that its domain's DKIM or DMARC vouches
for (the synthetic organisations' Binance security notices). One word of the topic alone
("our blockchain panel") is a mention (``crypto_mention``), which only turns the model's
warning into a quarantine (``combine.corroborating``). The sender's display name counts as
one more word of the topic when it names an asset ("Uni-Airdrop" writing "Claim 26000 UNI
Now", "Binance Support"): the lexicon reads the subject and the text only (December 2026:
+3 phishing_pot, no ham or synthetic verdict changed).

Not a model input (``layout.DETECTORS``): the redistributable corpora hold no such mail. The
topic's hit is decisive (``combine.decisive``) and flagging: the corpus replay's ham holds
none (Enron, SpamAssassin and watchdog ham of 25,226 messages: the developers' crypto talk
lacks the second asset word or comes from correspondents), nor do the synthetic organisations'
ham streams once brands' authenticated notices are left out. A tenant whose business is crypto
(an exchange, a fund) would hear from strangers about it all day: it switches the rule off or
weighs it in the scores file (``detectors.crypto_lure`` and ``crypto_mention``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Final

from detectors.base import Context, InboundRule, ScoredConfig, hit
from detectors.lexicon import PHRASES
from detectors.names import MAX_NAME_CHARS
from detectors.rules.brand import BRANDS, plain_text
from schemas.records import Hit

_BRAND_DOMAINS: Final = frozenset().union(*BRANDS.values())
"""Every registrable domain a listed brand sends from (crypto exchanges among them)."""

_AMOUNT: Final = re.compile(r"(?<!\d[.,])(?<!\d)\d{1,9}[.,]\d{1,8}[ _.]{0,2}"
                            r"(?:btc|bitcoins?|eth|usdt|usdc|xrp|ltc|bnb)\b", re.I)
"""An amount in a coin with its decimals ("0.7495 BTC", "Bitcoin__Transfer__0.7495__BTC",
"272,50 USDT"): a kit's balance or transfer. Decimals required: a product code is no amount
("HP EliteDesk 800 G1 USDT", a kernel list's), nor is a version ("10.1.5 eth")."""
_AMOUNT_CHARS: Final = 4_000


NAME_ONLY_ASSETS: Final = ("ledger",)
"""Words that name a crypto asset in a display name only: "Hiba from Ledger", "Ledger
Support" is the wallet maker (47 phishing_pot senders so named, no ham sender), while in a
text "ledger" is bookkeeping."""
_NAME_ASSET: Final = re.compile(
    r"\b(?:" + "|".join(map(re.escape, (*PHRASES["crypto_asset"], *NAME_ONLY_ASSETS)))
    + r")\b")
"""The crypto-asset words, read in a display name as ``brand`` reads names ("Uni-Airdrop")."""


def _name_asset(display_name: str) -> bool:
    """Whether a display name names a crypto asset (the lexicon reads the subject and text)."""
    # Bounded before the memo, as names are read (detectors.names.MAX_NAME_CHARS).
    return bool(display_name) and _asset_in_name(display_name[:MAX_NAME_CHARS])


@lru_cache(maxsize=65536)
def _asset_in_name(name: str) -> bool:
    return _NAME_ASSET.search(plain_text(name)) is not None


def _crypto_lure(ctx: Context) -> tuple[bool, str] | None:
    """Whether a stranger's message carries the crypto topic beside a lure, and its type.

    None when it names no crypto asset, has nothing to act on, or comes from a correspondent
    or a brand's vouched-for domain; else (the whole topic, not one word of it; the type).
    """
    cues = ctx.content.cues
    record = ctx.record
    if (not cues.crypto_asset and not record.sender.name) or not ctx.first_contact:
        return None
    # The sender's name counts as one more word of the topic ("Uni-Airdrop": "Claim 26000
    # UNI Now"); read only where it can change the answer: the text names no asset, or too
    # few words of the topic.
    named = (not cues.crypto_asset or cues.crypto_asset + cues.crypto_term < 2) and \
        _name_asset(record.sender.name)
    if (not cues.crypto_asset and not named) or _brands_own(ctx):
        return None
    topic = cues.crypto_asset + cues.crypto_term + named >= 2
    lure = bool(record.urls or record.attachments or cues.credential or cues.spam or cues.scam
                or cues.payment)
    if not (topic and lure):
        # An amount in a coin is both the topic and the bait ("the current balance is 80.9
        # BTC, let me know how we can cash it out").
        amount = _AMOUNT.search(f"{record.subject}\n{record.text[:_AMOUNT_CHARS]}") is not None
        topic, lure = topic or amount, lure or amount
        if not lure:
            return None
    # Asking for a wallet's keys or a sign-in is credential theft; the rest (giveaways,
    # balances to withdraw, extortion) pays the sender.
    return topic, "credential_phishing" if cues.credential else "scam"


def _brands_own(ctx: Context) -> bool:
    """A listed brand's domain that the gateway's DKIM or DMARC vouches for."""
    auth = ctx.record.auth
    return ctx.facts.sender_domain in _BRAND_DOMAINS and (
        auth.dkim == "pass" or auth.dmarc == "pass")


@dataclass(frozen=True, slots=True)
class CryptoConfig(ScoredConfig):
    """The score of a stranger's crypto lure."""

    score: float = 0.9


@dataclass(frozen=True, slots=True)
class MentionConfig(ScoredConfig):
    """The score of one crypto word beside a stranger's lure (below ``SUSPICIOUS``, 0.5)."""

    score: float = 0.45


class _CryptoRule(InboundRule):
    """What both crypto rules do: the shared reading, one form of it each."""

    whole_topic: ClassVar[bool]
    """True: the topic (``crypto_lure``); False: one word of it (``crypto_mention``)."""
    reason: ClassVar[str]

    def detect(self, ctx: Context) -> list[Hit]:
        found = _crypto_lure(ctx)
        if found is None or found[0] != self.whole_topic:
            return []
        return [hit(self.name, self.score, found[1],
                    topic=ctx.content.cues.phrases.get("crypto_asset", ""),
                    reason=self.reason)]


class CryptoLure(_CryptoRule):
    """A stranger's message about crypto assets, with a link or lure language."""

    name: ClassVar[str] = "crypto_lure"
    whole_topic: ClassVar[bool] = True
    config_type: ClassVar[type[ScoredConfig]] = CryptoConfig
    reason: ClassVar[str] = "a stranger's message about crypto assets with a lure"


class CryptoMention(_CryptoRule):
    """One word of the crypto topic in a stranger's message with a lure: it only corroborates.

    "Our blockchain panel" is a mention, not the topic, so alone it does nothing (the cascade
    leaves it out of the heuristic combination, ``_CORROBORATING_ONLY``); beside a model
    that already warns (``combine.corroborating``) it says what the warning is about. Scored
    below ``SUSPICIOUS`` so the message still teaches its sender's baseline: the hit changes
    nothing the state learns, and no model input.
    """

    name: ClassVar[str] = "crypto_mention"
    whole_topic: ClassVar[bool] = False
    config_type: ClassVar[type[ScoredConfig]] = MentionConfig
    reason: ClassVar[str] = "a stranger names one crypto asset beside a lure"

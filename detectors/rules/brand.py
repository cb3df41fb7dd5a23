"""Brand impersonation: a well-known brand claimed from a domain the brand does not use.

A display name or sender domain naming the brand, sent from elsewhere
("Microsoft 365 <alerts@m365-security.top>", "WeTransfer <noreply@wetransfer-share.net>").

Real brand notifications come from the brand's own registrable domains (listed below), so the
check is a table lookup. A brand mentioned only in the subject or body is not impersonation:
newsletters and receipts mention brands all the time.

A brand's name on a domain of one label ("Correios <notificacoes@correios>") is strong
impersonation whatever the message says: no mail on the internet comes from such a domain,
and no reply reaches it.

The brand's own domain in From is no proof either: it costs nothing to forge, and only the
gateway's DKIM/DMARC result vouches for it. Mail from the brand's domain that nothing vouches
for, carrying a lure whose links all lead away from the brand, is a forged notice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Final

from detectors.base import Context, DetectorConfig, build_config, hit, list_mail
from detectors.domains import MAX_LABEL_CHARS, as_read, preload
from detectors.memo import memoised
from detectors.names import MAX_NAME_CHARS
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
    "google": frozenset({"google.com", "gmail.com", "googlemail.com", "youtube.com",
                         "googleapis.com", "googleusercontent.com", "googlesource.com",
                         "gstatic.com", "googlegroups.com"}),
    "netsuite": frozenset({"netsuite.com", "oracle.com"}),
    "github": frozenset({"github.com"}),
    "godaddy": frozenset({"godaddy.com"}),
    "hostgator": frozenset({"hostgator.com", "hostgator.com.br"}),
    # Retail, marketplaces and payments
    "ebay": frozenset({"ebay.com", "ebay.de", "ebay.co.uk", "ebay.fr", "ebay.es", "ebay.it"}),
    "walmart": frozenset({"walmart.com", "walmart.ca"}),
    "costco": frozenset({"costco.com", "costco.ca", "costco.co.uk"}),
    "kohls": frozenset({"kohls.com"}),
    "home depot": frozenset({"homedepot.com"}),
    "lowes": frozenset({"lowes.com"}),
    "best buy": frozenset({"bestbuy.com"}),
    "aliexpress": frozenset({"aliexpress.com", "aliexpress.us"}),
    "temu": frozenset({"temu.com"}),
    "shein": frozenset({"shein.com"}),
    "aldi": frozenset({"aldi.de", "aldi-sued.de", "aldi-nord.de", "aldi.us", "aldi.co.uk",
                       "aldi.fr", "aldi.es", "aldi.it", "aldi.nl", "aldi.pt"}),
    "lidl": frozenset({"lidl.de", "lidl.com", "lidl.fr", "lidl.es", "lidl.it", "lidl.nl",
                       "lidl.pt", "lidl.co.uk"}),
    "netto": frozenset({"netto-online.de", "netto.de"}),
    "rewe": frozenset({"rewe.de"}),
    "kaufland": frozenset({"kaufland.de"}),
    "carrefour": frozenset({"carrefour.fr", "carrefour.es", "carrefour.it", "carrefour.com.br",
                            "carrefour.com"}),
    "zalando": frozenset({"zalando.de", "zalando.fr", "zalando.es", "zalando.nl",
                          "zalando.it", "zalando.com"}),
    "ikea": frozenset({"ikea.com"}),
    "decathlon": frozenset({"decathlon.com", "decathlon.de", "decathlon.fr", "decathlon.es",
                            "decathlon.nl", "decathlon.pt", "decathlon.it",
                            "decathlon.com.br"}),
    "mercado livre": frozenset({"mercadolivre.com.br", "mercadolivre.com",
                                "mercadolibre.com", "mercadopago.com",
                                "mercadopago.com.br"}),
    "mercado pago": frozenset({"mercadopago.com", "mercadopago.com.br",
                               "mercadolivre.com.br", "mercadolibre.com"}),
    "magazine luiza": frozenset({"magazineluiza.com.br", "magalu.com", "magalu.com.br"}),
    "magalu": frozenset({"magazineluiza.com.br", "magalu.com", "magalu.com.br"}),
    "americanas": frozenset({"americanas.com.br", "americanas.com"}),
    "casas bahia": frozenset({"casasbahia.com.br"}),
    "shopee": frozenset({"shopee.com", "shopee.com.br"}),
    "picpay": frozenset({"picpay.com"}),
    "venmo": frozenset({"venmo.com"}),
    "cash app": frozenset({"cash.app", "square.com", "squareup.com"}),
    "zelle": frozenset({"zellepay.com"}),
    "western union": frozenset({"westernunion.com"}),
    "moneygram": frozenset({"moneygram.com"}),
    "revolut": frozenset({"revolut.com"}),
    "klarna": frozenset({"klarna.com"}),
    # Banks
    "banco do brasil": frozenset({"bb.com.br"}),
    "ourocard": frozenset({"bb.com.br"}),
    "notredame intermedica": frozenset({"gndi.com.br", "notredameintermedica.com.br"}),
    "hapvida": frozenset({"hapvida.com.br"}),
    "zilveren kruis": frozenset({"zilverenkruis.nl"}),
    "saudi aramco": frozenset({"aramco.com"}),
    "bradesco": frozenset({"bradesco.com.br", "bradesco.com", "bradescoseguros.com.br"}),
    "itau": frozenset({"itau.com.br", "itau.com", "itaucard.com.br", "itau-unibanco.com.br"}),
    "caixa": frozenset({"caixa.gov.br"}),
    "santander": frozenset({"santander.com.br", "santander.com", "santander.co.uk",
                            "santander.de", "santander.es", "santander.pt"}),
    "nubank": frozenset({"nubank.com.br", "nu.com.br", "nubank.com"}),
    "banco inter": frozenset({"bancointer.com.br", "inter.co"}),
    "sicredi": frozenset({"sicredi.com.br"}),
    "sicoob": frozenset({"sicoob.com.br"}),
    "livelo": frozenset({"livelo.com.br"}),
    "serasa": frozenset({"serasa.com.br", "serasaexperian.com.br"}),
    "sparkasse": frozenset({"sparkasse.de", "s-finanzgruppe.de"}),
    "volksbank": frozenset({"volksbank.de", "vr.de"}),
    "commerzbank": frozenset({"commerzbank.de", "commerzbank.com"}),
    "deutsche bank": frozenset({"db.com", "deutsche-bank.de"}),
    "postbank": frozenset({"postbank.de"}),
    "ing": frozenset({"ing.de", "ing.nl", "ing.com", "ing.es", "ing.it", "ing.be"}),
    "rabobank": frozenset({"rabobank.nl", "rabobank.com"}),
    "abn amro": frozenset({"abnamro.nl", "abnamro.com"}),
    "bnp paribas": frozenset({"bnpparibas.com", "bnpparibas.fr", "mabanque.bnpparibas",
                              "bnpparibas"}),
    "credit agricole": frozenset({"credit-agricole.fr", "credit-agricole.com"}),
    "societe generale": frozenset({"societegenerale.fr", "societegenerale.com"}),
    "intesa sanpaolo": frozenset({"intesasanpaolo.com"}),
    "unicredit": frozenset({"unicredit.it", "unicredit.eu"}),
    "bbva": frozenset({"bbva.es", "bbva.com", "bbva.mx"}),
    "caixabank": frozenset({"caixabank.es", "caixabank.com"}),
    "hsbc": frozenset({"hsbc.com", "hsbc.co.uk"}),
    "barclays": frozenset({"barclays.co.uk", "barclays.com"}),
    "lloyds": frozenset({"lloydsbank.com", "lloydsbank.co.uk", "lloydsbankinggroup.com"}),
    "natwest": frozenset({"natwest.com"}),
    "citibank": frozenset({"citi.com", "citibank.com"}),
    "capital one": frozenset({"capitalone.com"}),
    # Post and parcels
    "correios": frozenset({"correios.com.br"}),
    "deutsche post": frozenset({"deutschepost.de", "dhl.de", "dpdhl.com"}),
    "hermes": frozenset({"myhermes.de", "hermesworld.com", "hermes-europe.eu", "evri.com"}),
    "dpd": frozenset({"dpd.de", "dpd.com", "dpd.co.uk", "dpd.fr", "dpd.nl", "dpd.pt"}),
    "gls": frozenset({"gls-group.eu", "gls-group.com", "gls-pakete.de"}),
    "postnl": frozenset({"postnl.nl"}),
    "la poste": frozenset({"laposte.fr", "laposte.net"}),
    "colissimo": frozenset({"laposte.fr", "colissimo.fr"}),
    "chronopost": frozenset({"chronopost.fr"}),
    "royal mail": frozenset({"royalmail.com"}),
    "correos": frozenset({"correos.es"}),
    "poste italiane": frozenset({"posteitaliane.it", "poste.it"}),
    "canada post": frozenset({"canadapost.ca", "postescanada.ca", "canadapost-postescanada.ca"}),
    "auspost": frozenset({"auspost.com.au"}),
    # Crypto
    "metamask": frozenset({"metamask.io", "consensys.net", "consensys.io"}),
    "trust wallet": frozenset({"trustwallet.com"}),
    "tether": frozenset({"tether.to"}),
    "trezor": frozenset({"trezor.io"}),
    "kraken": frozenset({"kraken.com"}),
    "bybit": frozenset({"bybit.com"}),
    "kucoin": frozenset({"kucoin.com"}),
    "arbitrum": frozenset({"arbitrum.io", "arbitrum.foundation"}),
    "uniswap": frozenset({"uniswap.org"}),
    "opensea": frozenset({"opensea.io"}),
    "blockchain.com": frozenset({"blockchain.com"}),
    "crypto.com": frozenset({"crypto.com"}),
    # Social, streaming, games, telecoms, travel, government
    "tiktok": frozenset({"tiktok.com", "tiktokv.com"}),
    "whatsapp": frozenset({"whatsapp.com", "facebookmail.com"}),
    "twitter": frozenset({"twitter.com", "x.com"}),
    "spotify": frozenset({"spotify.com"}),
    "disney+": frozenset({"disneyplus.com", "disney.com"}),
    "hbo max": frozenset({"hbomax.com", "max.com"}),
    "prime video": frozenset({"amazon.com", "primevideo.com"}),
    "globoplay": frozenset({"globo.com", "globoplay.com"}),
    "steam": frozenset({"steampowered.com", "steamcommunity.com", "valvesoftware.com"}),
    "roblox": frozenset({"roblox.com"}),
    "playstation": frozenset({"playstation.com", "sony.com"}),
    "yahoo": frozenset({"yahoo.com", "yahoo-inc.com", "yahoo.co.uk"}),
    "verizon": frozenset({"verizon.com", "verizonwireless.com", "verizon.net"}),
    "t-mobile": frozenset({"t-mobile.com"}),
    "xfinity": frozenset({"xfinity.com", "comcast.com", "comcast.net"}),
    "vodafone": frozenset({"vodafone.com", "vodafone.de", "vodafone.co.uk", "vodafone.es",
                           "vodafone.pt", "vodafone.it", "vodafone.nl"}),
    "telekom": frozenset({"telekom.de", "t-online.de", "telekom.com"}),
    "orange": frozenset({"orange.fr", "orange.com"}),
    "swisscom": frozenset({"swisscom.ch", "swisscom.com"}),
    "booking.com": frozenset({"booking.com"}),
    "airbnb": frozenset({"airbnb.com"}),
    "irs": frozenset({"irs.gov"}),
    "social security administration": frozenset({"ssa.gov"}),
    "hmrc": frozenset({"hmrc.gov.uk", "gov.uk"}),
    "receita federal": frozenset({"gov.br"}),
    "avast": frozenset({"avast.com"}),
    "kaspersky": frozenset({"kaspersky.com"}),
    # counterfeit shops' sales under the house's name ("LOUIS VUITTON <info@lv05.x.shop>")
    "louis vuitton": frozenset({"louisvuitton.com", "lv.com"}),
    "proton mail": frozenset({"proton.me", "protonmail.com", "protonmail.ch", "pm.me"}),
    "leroy merlin": frozenset({"leroymerlin.fr", "leroymerlin.es", "leroymerlin.pt",
                               "leroymerlin.it", "leroymerlin.com.br", "leroymerlin.pl"}),
    "standard chartered": frozenset({"sc.com", "standardchartered.com"}),
    "mashreq": frozenset({"mashreq.com", "mashreqbank.com"}),
    "currys": frozenset({"currys.co.uk", "currys.ie"}),
    "debank": frozenset({"debank.com"}),
    "cointracker": frozenset({"cointracker.io"}),
}


@memoised(65536)
def plain_text(text: str) -> str:
    """Lower case, accents folded, every run of non-alphanumerics one space.

    Kits decorate the name to slip past exact matching: "#Kohls_Rewards#", "Itaú- Crédito",
    "BANCO DO BRASIL".
    """
    folded = text.lower()
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded)
                         if not unicodedata.combining(c))
    return " ".join(_NON_ALNUM.sub(" ", folded).split())


_NON_ALNUM: Final = re.compile(r"[\W_]+")
POSSESSIVES: Final = {"kohls": "kohl's", "lowes": "lowe's"}
"""Brands whose name is a possessive ("Kohl's"): plain text reads the apostrophe as a space."""
_PLAIN_BRANDS: Final = {plain_text(b): b for b in BRANDS} | {
    plain_text(name): b for b, name in POSSESSIVES.items()}
_NAME_RE: Final = re.compile(r"\b(" + "|".join(re.escape(b) for b in
                                               sorted(_PLAIN_BRANDS, key=len, reverse=True))
                             + r")\b")
# Brand names that are also ordinary words or parts of them stay out of the domain-label
# match ("orangecounty.org", "steamboat.com" claim no brand).
_COMMON_WORDS: Final = frozenset({"orange", "hermes", "tether", "kraken", "steam", "netto",
                                  "caixa", "correos"})
_LABEL_SPLIT: Final = re.compile(r"[-0-9]+")
_I_AFTER_LOWER: Final = re.compile(r"(?<=[a-z])I+")
TAGS: Final[dict[str, str]] = {"bb": "banco do brasil"}
"""Abbreviations a brand's notices put in front of their sender name as a tag ("[BB] -
Comunicado ao cliente", "(BB) - Liberação pendente", "BB - Restitua seu IRPF"). Read only in
that form, the name's first word closed by a bracket, dash, bar or colon: as a word anywhere
two letters name people and much else ("BB King")."""
_TAG: Final = re.compile(r"^[\W_]{0,3}(" + "|".join(TAGS) + r")[ \t]*[\])|:/-]", re.I)


def _as_l(match: re.Match[str]) -> str:
    return "l" * len(match.group())


_MIN_COMPACT: Final = 5
_COMPACT: Final = {"".join(p.split()): b for p, b in _PLAIN_BRANDS.items()
                   if len(p) >= _MIN_COMPACT and b not in _COMMON_WORDS}
_COMPACT_OF: Final = {b: "".join(p.split()) for p, b in _PLAIN_BRANDS.items()}
_PREFIX: Final = 8
_I_BRANDS: Final = {c: b for b, c in _COMPACT_OF.items() if c.startswith("i") and len(c) >= 4}


def _by_prefix(compact: dict[str, str]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Long names by their first eight letters.

    A label token is then looked up once instead of tested against every long name; that
    loop was most of this detector's cost on a stream of diverse senders.
    """
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for name, brand in compact.items():
        if len(name) >= _PREFIX:
            out[name[:_PREFIX]] = (*out.get(name[:_PREFIX], ()), (name, brand))
    return out


_LONG_COMPACT: Final = _by_prefix(_COMPACT)


def brand_tag(display_name: str) -> str | None:
    """The brand whose notice tag (:data:`TAGS`) opens ``display_name``, if any."""
    tag = _TAG.match(display_name)
    return TAGS[tag.group(1).lower()] if tag is not None else None


def brand_named(display_name: str, sender_domain: str) -> str | None:
    """The brand a display name (or the sender domain's name part) claims, if any."""
    # Bounded as names are read (detectors.names.MAX_NAME_CHARS; a label is at most 63).
    return _brand_in_name(display_name[:MAX_NAME_CHARS]) or \
        _brand_in_label(sender_domain.split(".", 1)[0][:MAX_LABEL_CHARS])


# Both halves are memoised: display names and sender domains repeat from message to message,
# and the regex search plus the label scan over ~150 brands cost several µs a message.
@lru_cache(maxsize=65536)
def _brand_in_name(display_name: str) -> str | None:
    if not display_name:
        return None
    tag = brand_tag(display_name)
    if tag is not None:
        return tag
    plain = plain_text(display_name)
    found = _NAME_RE.search(plain)
    if found is None:
        # Kits spell the brand so that this match misses it: with letters that only look
        # Latin ("MetɑMɑsk", "Lоwеs" with Cyrillic о and е), or run together with other
        # words ("TrustWallet APP", "MetaMaskTeam"). Read the name as its reader does, and
        # each word as a domain label is read.
        seen = as_read(display_name)
        if seen != display_name:
            plain = plain_text(seen)
            found = _NAME_RE.search(plain)
        if found is None and _I_AFTER_LOWER.search(seen) is not None:
            # A capital I inside a lower-case word is the l it stands for ("Trust WaIIet",
            # "PayPaI"): in most fonts of a mail client's sender column the two are one
            # stroke. Only inside a word: "Ireland" or "IT Support" are what they say.
            plain = plain_text(_I_AFTER_LOWER.sub(_as_l, seen))
            found = _NAME_RE.search(plain)
        if found is None and "l" in plain:
            # A lower-case l for the capital I opening a brand ("ltaú - Notificação"): an
            # I and an l are one stroke in most sender columns. Brands of four letters or
            # more only: "lng" is someone typing LNG.
            found_l = next((brand for word in plain.split() if word[0] == "l"
                            and (brand := _I_BRANDS.get("i" + word[1:])) is not None), None)
            if found_l is not None:
                return found_l
        if found is None:  # only words of a compact brand's length can hold one
            return next((brand for word in plain.split() if len(word) >= _MIN_COMPACT
                         and (brand := _brand_in_token(word)) is not None), None)
    return _PLAIN_BRANDS[found.group(1)]


@lru_cache(maxsize=65536)
def _brand_in_label(label: str) -> str | None:
    # A token of the label that is the brand ("paypal-secure", "secure-paypal") or, for long
    # names only, starts with it ("bradescoapp", "microsoftonline"): short names start
    # ordinary words ("purchase" is no "chase", "revolution" no "revolut").
    for token in _LABEL_SPLIT.split(label):
        brand = _brand_in_token(token) if token else None
        if brand is not None:
            return brand
    return None


def _brand_in_token(token: str) -> str | None:
    """The brand a word is (five letters or more) or, for long names, starts with."""
    brand = _COMPACT.get(token)
    if brand is not None:
        return brand
    for compact, brand in _LONG_COMPACT.get(token[:_PREFIX], ()):
        if token.startswith(compact):
            return brand
    return None


def brand_link(domains: Sequence[str]) -> tuple[str, str] | None:
    """The first link domain whose name claims a brand that does not own it, and the brand.

    "sharepoint-portal72.cloud", "paypal-secure.net": a page dressed as the brand's login on
    somebody else's domain, whatever the message around it says.
    """
    for domain in domains:
        brand = brand_named("", domain)
        if brand is not None and not is_brand_domain(brand, domain):
            return domain, brand
    return None


def brand_in_text(text: str, accept: Callable[[str], bool] = lambda _: True) -> str | None:
    """The first brand ``text`` names, word for word, that ``accept`` takes, if any.

    Reads the text folded as display names are (``plain_text``), with the same brand-name
    pattern; for a message's opening (late rules), not for every message: the pattern costs
    ~60 µs over a thousand characters.
    """
    for found in _NAME_RE.finditer(plain_text(text)):
        brand = _PLAIN_BRANDS[found.group(1)]
        if accept(brand):
            return brand
    return None


def is_brand_domain(brand: str, domain: str) -> bool:
    """Whether ``domain`` is the brand's own: listed, or its name under a country suffix.

    Brands send from their country domains ("yahoo.com.au", "paypal.fr") more than any table
    lists; a swapped generic TLD ("paypal-secure.top", "paypal.xyz") is not one.
    """
    if domain in BRANDS[brand]:
        return True
    name, _, suffix = domain.partition(".")
    parts = suffix.split(".")
    return name == _COMPACT_OF[brand] and len(parts[-1]) == 2 and (
        len(parts) == 1 or (len(parts) == 2 and parts[0] in ("com", "co")))


@dataclass(frozen=True, slots=True)
class BrandConfig(DetectorConfig):
    """Scores of a brand claimed from a foreign domain."""

    base: float = 0.5
    with_lure: float = 0.9
    with_strong_lure: float = 0.97
    known_sender_messages: float = 5.0


class BrandImpersonation:
    """A brand's name on mail from a domain the brand does not use."""

    name: ClassVar[str] = "brand_impersonation"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: BrandConfig = build_config(BrandConfig, self.name, config)
        preload()  # display names are read through the confusables table (``as_read``)

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound:
            return []
        domain = ctx.facts.sender_domain
        brand = brand_named(ctx.record.sender.name, domain)
        if brand is None:
            return []
        c, cues, urls = self.config, ctx.content.cues, ctx.content.urls
        record = ctx.record
        lure = cues.credential or urls.score >= 0.3 or \
            ctx.content.attachments.score >= 0.5 or cues.scam or cues.payment or (
                # A notice tag ("[BB] - Comunicado") is no person's name: its file or link is
                # the notice's content ("see the attached PDF to release your refund").
                (record.attachments or record.urls) and brand_tag(record.sender.name) is not None)
        attack = "scam" if cues.scam and not cues.credential else "credential_phishing"
        if is_brand_domain(brand, domain):
            # lure is a cue count or a bool, read for its truth only
            return self._links_leave_brand(ctx, brand, domain, bool(lure) or (
                cues.spam > 0 and not ctx.content.sender_freemail and not list_mail(record)),
                attack)
        if ctx.sender_count() >= c.known_sender_messages and not ctx.first_contact:
            return []  # an established sender (a reseller, a brand's agency) the tenant knows
        # A brand on a free-mail account, or with a credential lure or a link built to hide
        # where it goes, is no newsletter that happens to name a brand.
        strong = bool(lure) and (ctx.content.sender_freemail or cues.credential
                                 or urls.score >= 0.5 or ctx.content.attachments.score >= 0.5)
        # "Correios SA <alfandega990472@correios>": a brand's notice from a domain of one
        # label, which no mail on the internet comes from nor any reply reaches
        strong = strong or (bool(domain) and "." not in domain)
        score = c.with_strong_lure if strong else c.with_lure if lure else c.base
        return [hit(self.name, score * c.weight, attack, brand=brand, sender_domain=domain)]

    def _links_leave_brand(self, ctx: Context, brand: str, domain: str, lure: bool,
                           attack: str) -> list[Hit]:
        """The brand's own domain as sender, but a lure whose links all lead elsewhere.

        The From domain costs nothing to forge; the gateway's authentication vouches for it.
        Without a pass, a brand's notice none of whose links goes to the brand, carrying a
        lure, is the kit's shape ("Bradesco <sac@bradesco.com.br>" linking to a cloud
        function). Genuine brand mail links home, and passes DKIM or DMARC. A prize or an
        offer counts as the lure here (the spam vocabulary: "You Are Our July Winner" from
        "noreply@costco.com", "Seus pontos Livelo expiram" from "bradesco.com.br"), except
        from a free-mail provider's domain, where the brand is the mailbox's provider
        (Yahoo's users' spam), and on list mail (a brand's employee posting to a list).
        """
        auth = ctx.record.auth
        urls = ctx.content.urls
        if not lure or auth.dmarc == "pass" or auth.dkim == "pass" or not urls.domains \
                or not ctx.first_contact:
            return []
        if any(is_brand_domain(brand, d) for d in urls.domains):
            return []
        c = self.config
        return [hit(self.name, c.with_strong_lure * c.weight, attack, brand=brand,
                    sender_domain=domain, links_to=list(urls.domains[:3]))]

"""Language cues of email attacks: a phrase lexicon scanned in one pass over subject and body.

``scan_text(subject, text)`` reports, per attack family (payment, bank-detail change, urgency,
gift cards, payroll, credential lures, secrecy, spam, advance-fee/extortion scams, malware
lures) and for the crypto-asset topic, explicit solicitation and stolen access, how many
distinct lexicon phrases occur and the first one (in lexicon order) as evidence. English
plus the commonest German, French, Spanish, Dutch and Portuguese phrasings.

How the scan works, and why not a regular expression
----------------------------------------------------
CPython's ``re`` has no multi-pattern automaton. This lexicon as one alternation, factored
into a character trie and tried only at word starts, measured 55 µs per 3 KB just to find
the matches (each of the ~500 match attempts costs 60-100 ns); one regex per category
costs several times that. The scan here uses only C-level primitives instead:

1. fold Unicode separators (typographic quotes, NBSP, dashes; zero-width characters are
   removed) on the ``str``, encode UTF-8, ``bytes.lower`` and ``bytes.translate``
   punctuation and whitespace to single spaces (``str.lower``/``str.translate`` fall to a
   per-character slow path as soon as the text holds one non-ASCII character);
2. ``split()`` and intersect the words with the lexicon vocabulary in one C-level pass;
3. single-word phrases are dictionary lookups of the present vocabulary;
4. a multi-word phrase is gated on its rarest word, then on all its words being present
   (``frozenset <=`` a handful of words), and only then confirmed by a substring test of
   ``b" phrase words "`` on the normalised text, so word order and adjacency are exact.

Measured on the development VM (``bench/micro_detectors.py``): 37 µs per 3 KB non-ASCII
business e-mail, 33 µs per 3 KB ASCII, 21 µs per 1.5 KB (250 words), 53 µs for a 3 KB BEC
message matching 14 phrases. ``split`` plus the set intersection are two thirds of it, so
the cost is linear in the words scanned; each multi-word phrase whose words are all present
adds one ~1 µs substring test.

The cascade scans a whole batch at once with ``scan_texts``, which gives exactly what
``scan_text`` gives message for message (``tests/unit/test_lexicon_batch.py`` holds both to a
literal reference). It normalises each message the same way, then does the per-word work in
numpy over the batch's concatenated bytes: token edges, an exact vocabulary look-up (first and
last 8 bytes and the length of a token, found through a collision-free direct-address
table), and phrase adjacency as packed vocabulary ids of consecutive tokens one separator
apart. Python work is per message, not per word. Measured (CPU, batches of 250, this VM):
6 µs against 13 µs per message of the synthetic stream (0.65 KB), 12 against 29 on the
corpus stream (1.7 KB, long tail to 20 KB); see the comment block above ``scan_texts``.
Phrase keys found by hashing instead of binary search, k-word look-ups only where k adjacent
vocabulary tokens run, and one load ``take`` instead of two then made it 1.13-1.2× cheaper,
measured inside ``mailhawk bench detect`` with the previous version alternating on the same
batches.

Why not an Aho-Corasick automaton: ``pyahocorasick`` over the same keys (``b" phrase words "``
of every phrase and case variant, as Latin-1 ``str``) finds the same matches, but its C loop
costs about 8 ns per text byte, as much as this whole scan on long mail. Measured alternating
with it: 1.05-1.5× faster on the synthetic stream, 0.85-1.0× on the corpus stream once the
numpy version's page faults were taken out (they occur in a fresh process, not in the
engine), so no gain worth a dependency. Measured again in December 2026 on corpus mail, with
the match collection done in Python: pyahocorasick 14-18 µs, ``ahocorasick-rs`` 10-12 µs,
this scan 10-12 µs per message (normalisation included only in the last).

The token step (tokens, mix, slot, exact check) ran in C from 2026 (``vocabulary_tokens``):
measured with both forms alternating in one process over the same batches (10 rounds,
medians, two runs), the whole scan 12.8 → 10.7 and 10.8 → 9.4 µs per corpus message. The
phrase step after it (adjacency, packed keys, entry expansion, ``np.unique``) then cost about
2.7 µs a message in numpy calls, and the byte loop of the tokens mispredicted a branch at
every token edge. Both now run in one C pass, ``_kernels.phrase_codes``: token edges from a
bit mask of 64 bytes at a time, a 16 KB bit per slot in front of the 256 KB slot table, the
phrases that end at each vocabulary token, and each message's sorted distinct entries. Its
numpy form, ``_phrase_codes`` below, is the definition and the fallback where the module was
not built; the tests hold the two to equal arrays. Measured on 12,000 corpus messages in
batches of 125 (this VM, alternating runs): the whole scan 7.1 → 4.7 µs a message, of which
normalisation was 1.5. An ASCII message (nine in ten of the corpus) is then normalised in the
chunk's one C join (``_kernels.join_translated``, see ``_join_translated``): 4.45 → 3.98.

Phrases pass through the same normalisation when the index is built, so "don't tell",
"don’t  tell" and "DON'T-TELL" are the same phrase. Counts are of *distinct phrases*, not
occurrences, so a long newsletter repeating "payment" does not outweigh a short BEC note
that says it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final, cast

import numpy as np

try:  # the C kernel built at install; it returns what _phrase_codes does (tests compare)
    from detectors import _kernels as _native
except ImportError:  # a source tree used without installing: the numpy form
    _native = None  # type: ignore[assignment]  # mypy has no optional-module type

__all__ = ["CATEGORIES", "PHRASES", "Cues", "scan_text", "scan_texts"]

MAX_TEXT_CHARS: Final = 20_000
"""Body characters scanned; attack language sits at the top of a message."""

MAX_PHRASE_CHARS: Final = 60

# Most telling phrases first in each tuple: the first match in this order is the evidence.
PHRASES: Final[dict[str, tuple[str, ...]]] = {
    "payment": (
        "wire transfer", "bank transfer", "funds transfer", "transfer the funds",
        "transfer of funds", "make a payment", "process a payment", "process the payment",
        "outstanding payment", "pending payment", "overdue payment", "overdue invoice",
        "outstanding invoice", "unpaid invoice", "swift code", "routing number",
        "account number", "sort code", "aba number", "beneficiary account", "wire",
        "invoice", "invoices", "payment", "payments", "remittance", "swift", "iban",
        # de / fr / es / nl / pt
        "überweisung", "ueberweisung", "rechnung", "zahlung", "virement", "facture",
        "paiement", "transferencia", "factura", "pago", "overboeking", "factuur", "betaling",
        "transferência", "fatura", "pagamento", "boleto",
    ),
    "bank_change": (
        "update our bank details", "update our banking details", "change our bank details",
        "changed our bank", "changed banks", "new bank details", "new banking details",
        "new bank account", "new account details", "our new account", "updated bank details",
        "updated banking details", "updated banking information", "bank details have changed",
        "banking details have changed", "change of bank details", "change in bank details",
        "change of bank account", "remittance details", "remittance information has changed",
        "payment details have changed", "update the account details", "different account",
        "alternate account", "alternative account", "use the new account", "under audit",
        "new iban", "new remittance",
        "neue bankverbindung", "geänderte bankverbindung", "änderung der bankverbindung",
        "neue kontoverbindung", "nouveau rib", "changement de rib",
        "nouvelles coordonnées bancaires", "changement de coordonnées bancaires",
        "nouveau compte bancaire", "nueva cuenta bancaria", "cambio de cuenta bancaria",
        "nuevos datos bancarios", "cambio de datos bancarios", "nieuw rekeningnummer",
        "nieuwe bankgegevens", "gewijzigde bankgegevens", "nova conta bancária",
        "novos dados bancários", "alteração de dados bancários",
    ),
    "urgency": (
        "are you available", "are you free", "are you at your desk", "are you in the office",
        "quick favour", "quick favor", "do me a favour", "do me a favor", "need a favour",
        "need a favor", "before end of day", "by end of day", "before close of business",
        "by close of business", "within 24 hours", "within 48 hours", "time sensitive",
        "as soon as possible", "right away", "right now", "immediately", "urgent", "urgently",
        "asap", "eod", "today", "high priority",
        "dringend", "eilig", "sofort", "heute noch", "bist du erreichbar", "sind sie erreichbar",
        "urgence", "immédiatement", "aujourd'hui", "êtes vous disponible", "es tu disponible",
        "urgente", "inmediatamente", "hoy mismo", "estás disponible", "está disponible",
        "spoed", "vandaag nog", "ben je beschikbaar", "bent u beschikbaar",
        "imediatamente", "você está disponível", "hoje",
    ),
    "gift_card": (
        "send me the codes", "send the codes", "scratch the back", "scratch off",
        "scratch the card", "gift card", "gift cards", "giftcard", "giftcards",
        "apple gift card", "itunes card", "itunes cards", "itunes gift", "google play card",
        "google play cards", "google play gift", "steam card", "steam cards", "steam wallet",
        "amazon card", "amazon cards", "amazon gift", "ebay gift", "vanilla card",
        "vanilla visa", "visa gift", "prepaid card", "prepaid cards", "card codes",
        "redemption code",
        "geschenkkarte", "geschenkkarten", "gutscheinkarte", "guthabenkarte",
        "carte cadeau", "cartes cadeaux", "tarjeta de regalo", "tarjetas de regalo",
        "cadeaukaart", "cadeaukaarten", "cadeaubon", "cartão presente", "cartões presente",
        "vale presente",
    ),
    "payroll": (
        "change my direct deposit", "update my direct deposit", "direct deposit",
        "salary account", "payroll account", "payroll", "paycheck", "pay check", "paystub",
        "pay stub", "payslip", "salary payment", "w 2",
        "gehaltskonto", "lohnabrechnung", "gehaltsabrechnung", "fiche de paie",
        "bulletin de salaire", "virement de salaire", "nómina", "nomina", "cuenta de nómina",
        "salarisrekening", "loonstrook", "salarisstrook", "folha de pagamento",
        "conta salário",
    ),
    "credential": (
        "your account will be suspended", "account will be suspended",
        "account has been suspended", "account will be closed", "account will be deactivated",
        "account has been locked", "account has been limited", "verify your account",
        "verify your identity", "verify your email", "confirm your identity",
        "confirm your account", "confirm your email", "validate your account",
        "reactivate your account", "password expires", "password will expire",
        "password has expired", "password expired", "password expiry", "reset your password",
        "update your password", "keep your password", "mailbox full", "mailbox is full",
        "mailbox storage", "storage is full", "quota exceeded", "unusual sign in",
        "unusual activity", "suspicious activity", "suspicious sign in",
        "shared a document with you", "shared a file with you", "shared a folder with you",
        "has shared", "view document", "view the document", "review document",
        "access document", "view shared file", "pending messages", "undelivered messages",
        "messages on hold", "update your payment information", "update your billing",
        "new voicemail", "voice message", "sign in to", "log in to", "login to your account",
        "log into your account", "security alert",
        "bestätigen sie ihr konto", "verifizieren sie ihr konto", "ihr konto wird gesperrt",
        "konto wurde gesperrt", "passwort läuft ab", "vérifiez votre compte",
        "vérifier votre compte", "confirmez votre identité", "votre compte sera suspendu",
        "votre compte a été suspendu", "mot de passe expire", "verifique su cuenta",
        "confirme su identidad", "su cuenta será suspendida", "su cuenta ha sido suspendida",
        "verifieer uw account", "bevestig uw account", "uw account wordt geblokkeerd",
        "uw wachtwoord verloopt", "verifique sua conta", "confirme sua identidade",
        "sua conta será suspensa", "sua senha expira",
        # "sign in to see it" lures of stolen internal accounts and shared-file pages
        "sign in again", "log in again", "sign in with your", "log in with your",
        "email and password", "enter your password", "confirm your password",
        "verify your password", "re-enter your password", "login credentials",
        "company account to view", "sign in to view", "log in to view",
        "melden sie sich an", "erneut anmelden", "zugangsdaten bestätigen",
        "connectez-vous", "identifiez-vous", "inicie sesión", "iniciar sesión",
        "opnieuw inloggen", "log opnieuw in", "faça login", "inicie a sessão",
        # it
        "verifica il tuo account", "conferma il tuo account", "il tuo account è stato sospeso",
        "il tuo account verrà sospeso", "accedi al tuo account", "la tua password scade",
        # account alerts, wallets and delivery fees of consumer kits (en, pt, es, de, fr, it,
        # nl): what the kit asks the reader to do, not the topic it borrows
        "verify your information", "update your information", "confirm your information",
        "update your details", "confirm your details", "account verification",
        "restore access", "restore your account", "secure your account",
        "temporarily suspended", "temporarily locked", "unusual login", "new sign in",
        "sign in attempt", "login attempt", "two step verification", "payment declined",
        "card declined", "update your payment method", "update payment method",
        "verify your wallet", "connect your wallet", "connect wallet", "wallet verification",
        "seed phrase", "recovery phrase", "could not be delivered", "unable to deliver",
        "delivery failed", "failed delivery", "package is on hold", "customs fee",
        "redelivery fee", "shipping fee",
        "atualize seus dados", "atualizar seus dados", "confirme seus dados",
        "confirmar seus dados", "atualize seu cadastro", "cadastro desatualizado",
        "acesso suspeito", "novo acesso", "não reconheço", "sua conta foi bloqueada",
        "sua conta será bloqueada", "conta bloqueada", "evite o bloqueio",
        "verificação em duas etapas", "dispositivo não reconhecido", "pacote retido",
        "encomenda retida", "objeto retido", "taxa de entrega", "liberar sua encomenda",
        "tentativa de entrega", "actualice sus datos", "actualizar sus datos",
        "confirme sus datos", "cuenta bloqueada", "acceso sospechoso",
        "inicio de sesión inusual", "entrega fallida", "paquete pendiente",
        "tarifa de envío", "aktualisieren sie ihre daten", "daten aktualisieren",
        "konto gesperrt", "verdächtige aktivität", "ungewöhnliche anmeldung",
        "zustellung fehlgeschlagen", "paket wartet", "mettez à jour vos informations",
        "mettre à jour vos informations", "compte bloqué", "activité suspecte",
        "connexion inhabituelle", "livraison échouée", "frais de livraison",
        "aggiorna i tuoi dati", "conto bloccato", "attività sospetta",
        "gegevens bijwerken", "account geblokkeerd", "verdachte activiteit",
    ),
    "secrecy": (
        "keep this between us", "keep this confidential", "keep it confidential",
        "strictly confidential", "don't tell", "do not tell", "don't discuss",
        "do not discuss", "don't share this", "do not share this", "keep it quiet",
        "in a meeting", "can't talk", "cannot talk", "unable to talk", "can't take calls",
        "cannot take calls", "don't call", "do not call", "email only", "your cell number",
        "your mobile number", "your whatsapp", "it's a surprise", "between us", "discreet",
        "discretion", "confidential",
        "streng vertraulich", "vertraulich", "in einer besprechung", "strictement confidentiel",
        "confidentiel", "confidentielle", "en réunion", "estrictamente confidencial",
        "confidencial", "en una reunión", "vertrouwelijk", "in een vergadering",
        "em reunião", "sigiloso",
    ),
    "spam": (
        "claim your reward", "claim your prize", "you have won", "you've won",
        "investment opportunity", "limited time offer", "bitcoin wallet", "100 free",
        "act now", "click here", "risk free", "no credit check", "double your",
        "guaranteed income", "earn money", "make money", "work from home", "lose weight",
        "weight loss", "hot singles", "special promotion", "exclusive offer", "order now",
        "buy now", "free gift", "free trial", "this is not spam", "special offer",
        "viagra", "cialis", "casino", "lottery", "jackpot", "winner", "prize", "crypto",
        "cryptocurrency", "forex", "unsubscribe", "opt out", "congratulations",
        "sie haben gewonnen", "gewinnspiel", "gewinner", "jetzt kaufen", "abmelden",
        "vous avez gagné", "gagnant", "se désabonner", "désabonner", "offre spéciale",
        "has ganado", "ha ganado", "ganador", "darse de baja", "oferta especial",
        "gewonnen", "winnaar", "uitschrijven", "você ganhou", "ganhador", "descadastrar",
        # search-engine and marketing pitches
        "first page of google", "guaranteed rankings", "guaranteed ranking", "seo services",
        "money back guarantee", "free website audit", "increase your traffic",
        "boost your sales",
        # es / pt lottery vocabulary
        "sorteo", "premio", "lotería", "loteria", "reclamar su premio", "prêmio", "sorteio",
        # reward and points lures
        "you have been selected", "you've been selected", "selected to receive",
        "claim your", "exclusive reward", "loyalty reward", "your points expire",
        "points will expire", "redeem your points", "você foi selecionado",
        "você foi selecionada", "resgate seus pontos", "resgatar seus pontos",
        "seus pontos", "pontos expiram", "ha sido seleccionado", "has sido seleccionado",
        "sus puntos", "sie wurden ausgewählt", "herzlichen glückwunsch",
        "vous avez été sélectionné", "félicitations", "vos points",
    ),
    "scam": (
        "advance fee", "compensation fund", "unclaimed funds", "next of kin",
        "sole beneficiary", "my late husband", "late client", "consignment box",
        "diplomatic courier", "atm card", "the sum of", "million dollars", "million usd",
        "i have recorded", "recorded you", "your webcam", "adult website", "adult websites",
        "intimate video", "compromising video", "send bitcoin", "bitcoin address",
        "btc address", "pay in bitcoin", "i hacked", "hacked your", "i know your password",
        "inheritance", "beneficiary", "barrister", "deceased", "next of kin",
        "erbschaft", "begünstigter", "héritage", "bénéficiaire", "herencia", "beneficiario",
        "erfenis", "begunstigde", "herança", "beneficiário",
        "begünstigten", "millionen euro", "millionen dollar", "verstorben", "verstorbenen",
        "risikofrei", "nachlass", "millions d'euros", "millones de dólares",
        # callback ("refund") scams
        "subscription has been renewed", "subscription renewed", "has been renewed",
        "call our billing department", "call our billing", "call our support line",
        "cancel and get a refund", "to cancel your subscription", "auto-debit", "auto debit",
        "if you did not authorize", "if you did not authorise",
    ),
    "malware_lure": (
        "enable content", "enable editing", "enable macros", "enable macro",
        "open the attached", "open the attachment", "open attachment",
        "see attached invoice", "attached invoice", "payment advice", "remittance advice",
        "download the file", "download the document", "download attachment",
        "sent you files", "sent you a file", "download your files", "files are ready",
        "the password is", "archive password", "zip password", "protected document",
        "scanned document", "shipping documents", "purchase order", "request for quotation",
        "see the attached", "see attached", "please find attached", "find attached",
        "attached document", "attached file",
        "inhalt aktivieren", "bearbeitung aktivieren", "siehe anhang", "im anhang",
        "activer le contenu", "voir la pièce jointe", "pièce jointe", "ci joint",
        "habilitar contenido", "archivo adjunto", "ver adjunto", "inhoud inschakelen",
        "zie bijlage", "in de bijlage", "habilitar conteúdo", "segue anexo", "em anexo",
    ),
    # The crypto-asset topic, for ``detectors.rules.crypto`` (not attack language, and not a
    # model input: ``layout.CUES`` lists the inputs). Words only crypto means...
    "crypto_asset": (
        "seed phrase", "recovery phrase", "secret phrase", "connect your wallet",
        "connect wallet", "verify your wallet", "validate your wallet", "sync your wallet",
        "synchronize your wallet", "claim your tokens", "claim your airdrop",
        "token allocation", "airdrop", "airdrops", "staking", "metamask", "trust wallet",
        "ledger live", "ledger nano", "ledger wallet", "ledger device", "ledger devices",
        "nano device", "nano devices", "iedger", "trezor", "phantom wallet",
        "exodus wallet", "crypto wallet", "bitcoin wallet", "cloud mining", "bitcoin",
        "bitcoins", "btc", "ethereum", "usdt", "usdc", "xrp", "xlm", "steth", "solana",
        "dogecoin", "litecoin", "cryptocurrency", "cryptocurrencies", "blockchain", "web3",
        "defi", "nft", "nfts", "coinbase", "binance", "bybit", "kucoin", "opensea", "uniswap",
        "ftx", "bnb", "zksync", "debank", "illuvium", "etherfi",
        "criptomoeda", "criptomoedas", "criptomoneda", "criptomonedas", "kryptowährung",
        "kryptowährungen", "cryptomonnaie", "cryptomonnaies", "criptovaluta", "criptovalute",
        "cryptovaluta",
    ),
    # ... and words that are crypto beside one of those ("wallet", "tokens", "eth" are also
    # leather, authentication and Ethernet).
    "crypto_term": (
        "crypto", "eth", "wallet", "wallets", "token", "tokens", "coins", "private key",
        "private keys", "digital asset", "digital assets", "carteira", "billetera",
        "portefeuille", "portafoglio",
        # a balance to take out before it is lost: the fake-earnings kits' one call to act
        "withdraw", "withdrawal", "withdraw your funds",
    ),
    # Explicit sexual solicitation, for ``detectors.rules.illicit`` (not a model input
    # either): slang no business letter, newsletter or clinic writes, in the languages the
    # kits were seen in. Clinical words ("erectile") and ordinary ones ("dating") are not it.
    "explicit": (
        "horny", "pussy", "pussies", "milf", "milfs", "blowjob", "blowjobs", "cumshot",
        "cumshots", "creampie", "gangbang", "sexting", "sex chat", "sex date", "nude pics",
        "nude photos", "naked pics", "naked photos", "fuck buddy", "fuckbuddy",
        "neuken", "neukt", "neuk", "naaktfoto", "naaktfotos", "sexdate", "sexdates",
        "sekscontact", "ficken", "fickt", "sextreffen", "nacktbilder", "nacktfotos",
        "sexkontakte", "putaria", "safadinha", "safadinhas", "buceta", "sexo casual",
        "follar", "plan cul", "plans cul",
    ),
    # The stolen-access market's wares, for the same rule, which wants three of them: one
    # alone is a sysadmin's word ("shells", "WHM") or a shotgun's.
    "stolen_access": (
        "cpanels", "smtps", "rdps", "shells", "webshells", "webmails", "whm", "combolists",
        "fullz", "cvvs",
    ),
}

CATEGORIES: Final[tuple[str, ...]] = tuple(PHRASES)


@dataclass(frozen=True, slots=True)
class Cues:
    """Distinct lexicon phrases found per attack family, with one example phrase each.

    Read-only by contract, ``phrases`` included: messages without cues share one instance,
    and ``scan_texts`` shares one instance among messages with the same matches.

    Attributes:
        payment: Payment/transfer/invoice vocabulary.
        bank_change: Requests to pay into new or changed bank details.
        urgency: Time pressure and "are you available" openers.
        gift_card: Gift-card purchase and code requests.
        payroll: Direct-deposit and salary-account changes.
        credential: Account-verification, password and shared-document lures.
        secrecy: Confidentiality and "can't talk, in a meeting" pressure.
        spam: Marketing, prize and pharmacy spam vocabulary.
        scam: Advance-fee, inheritance and sextortion vocabulary.
        malware_lure: "Open the attachment / enable content" lures.
        crypto_asset: Words only crypto assets mean (a coin, a wallet brand, "seed phrase").
        crypto_term: Words that are crypto beside those ("wallet", "tokens", "withdraw").
        explicit: Explicit sexual solicitation ("naaktfoto's", "horny").
        stolen_access: The stolen-access market's wares ("cPanels", "RDPs", "fullz").
        phrases: Category to the first matched phrase (lexicon order), at most 60 chars.
    """

    payment: int = 0
    bank_change: int = 0
    urgency: int = 0
    gift_card: int = 0
    payroll: int = 0
    credential: int = 0
    secrecy: int = 0
    spam: int = 0
    scam: int = 0
    malware_lure: int = 0
    crypto_asset: int = 0
    crypto_term: int = 0
    explicit: int = 0
    stolen_access: int = 0
    phrases: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Distinct phrase matches over the attack families (the crypto topic is none)."""
        return (self.payment + self.bank_change + self.urgency + self.gift_card + self.payroll
                + self.credential + self.secrecy + self.spam + self.scam + self.malware_lure)


# ASCII punctuation (everything but letters, digits and whitespace) becomes a space and ASCII
# upper case becomes lower case, in one ``bytes.translate`` pass (the same as ``bytes.lower``
# then translate, one copy fewer). Bytes >= 0x80 pass through, so UTF-8 letters (é, ü, ñ)
# stay inside their words.
_PUNCT_TO_SPACE: Final = bytes(
    (b | 0x20 if 0x41 <= b <= 0x5A else b) if (chr(b).isalnum() or b >= 0x80) else 0x20
    for b in range(256)
)

# Non-ASCII characters that separate (or, zero-width, hide the separation of) words. Spammers
# put U+200B and soft hyphens inside trigger words ("ur\u200bgent") to dodge filters.
_UNICODE_SEPARATORS: Final = (
    ("’", " "), ("‘", " "), ("\u00a0", " "), ("–", " "), ("—", " "),
    ("\u200b", ""), ("\u200c", ""), ("\u200d", ""), ("\u00ad", ""),
)

_NO_CUES: Final = Cues()
"""Shared result for an empty message (results are read-only by contract)."""

_STOPWORDS: Final = frozenset(
    b"a an the to of in on at by for is are be been was will with from have has had your "
    b"you our my me it its this that before after next work what into can not do does "
    b"de la le les des du el los las en un une una y o u uw je ihr sie du der die das den "
    b"em da do sua seu su votre vous".split()
)

_MAX_CASE_VARIANTS: Final = 16


def _normalise(text: str) -> bytes:
    """``text`` lower-cased as UTF-8 bytes with punctuation and whitespace turned to spaces.

    Unicode separators are replaced on the ``str`` (a one-character ``in`` is a memchr; the
    same search for a 2-3 byte needle in the UTF-8 bytes measured 2 µs each on 3 KB).
    ``bytes.lower`` only folds ASCII letters; :func:`_index` registers the upper-case forms
    of accented phrase letters instead, which costs nothing per message (``str.lower`` of a
    non-ASCII string measured 10 µs on 3 KB against 1 µs for ``bytes.lower``).
    """
    if not text.isascii():
        for old, new in _UNICODE_SEPARATORS:
            if old in text:
                text = text.replace(old, new)
    return text.encode("utf-8", "replace").translate(_PUNCT_TO_SPACE)


def _case_variants(phrase: str) -> list[str]:
    """``phrase`` with every combination of upper/lower case for its non-ASCII letters."""
    variants = [""]
    for ch in phrase:
        up = ch.upper()
        if ch.isascii() or up == ch or len(up) != 1:
            variants = [v + ch for v in variants]
        else:
            variants = [v + c for v in variants for c in (ch, up)][:_MAX_CASE_VARIANTS]
    return variants


@dataclass(frozen=True, slots=True)
class _Phrase:
    padded: bytes
    category: int
    priority: int
    text: str
    words: frozenset[bytes]


@dataclass(frozen=True, slots=True)
class _Index:
    single: dict[bytes, tuple[_Phrase, ...]]
    single_words: frozenset[bytes]
    multi_by_anchor: dict[bytes, tuple[_Phrase, ...]]
    anchors: frozenset[bytes]
    vocabulary: frozenset[bytes]


@cache
def _index() -> _Index:
    """Compile the lexicon once, on first use (no work at import time)."""
    single: dict[bytes, list[_Phrase]] = {}
    multi: dict[bytes, list[_Phrase]] = {}
    vocabulary: set[bytes] = set()
    for category, phrases in enumerate(PHRASES.values()):
        seen: set[bytes] = set()
        for priority, text in enumerate(phrases):
            for variant in _case_variants(text.lower()):
                words = _normalise(variant).split()
                key = b" ".join(words)
                if not words or key in seen:
                    continue
                seen.add(key)
                vocabulary.update(words)
                phrase = _Phrase(b" " + key + b" ", category, priority,
                                 text[:MAX_PHRASE_CHARS], frozenset(words))
                if len(words) == 1:
                    single.setdefault(words[0], []).append(phrase)
                    continue
                # Gate on the rarest-looking word: the longest one that is not a stopword.
                content = [w for w in words if w not in _STOPWORDS] or words
                multi.setdefault(max(content, key=len), []).append(phrase)
    return _Index(
        single={k: tuple(v) for k, v in single.items()},
        single_words=frozenset(single),
        multi_by_anchor={k: tuple(v) for k, v in multi.items()},
        anchors=frozenset(multi),
        vocabulary=frozenset(vocabulary),
    )


def scan_text(subject: str, text: str) -> Cues:
    """Count the attack-language phrases in a message's subject and body.

    Args:
        subject: The message subject.
        text: The plain-text body; only the first 20,000 characters are read.

    Returns:
        Distinct matched phrases per category and the first matched phrase of each category.
    """
    if not subject and not text:
        return _NO_CUES
    index = _index()
    # Space-padded so that every phrase, first and last word included, is found as
    # b" phrase words " -- the word boundaries are the spaces the translation left.
    flat = _normalise(" " + subject + "\n" + text[:MAX_TEXT_CHARS] + " ")
    # One C-level pass hashes each word once; ``present`` is small (lexicon words only), so
    # the multi-word gates below test against a handful of entries, not the whole message.
    present = index.vocabulary.intersection(flat.split())
    if not present:
        return _NO_CUES
    matched: list[_Phrase] = []
    for word in present & index.single_words:
        matched.extend(index.single[word])
    for word in present & index.anchors:
        for phrase in index.multi_by_anchor[word]:
            if phrase.words <= present and phrase.padded in flat:
                matched.append(phrase)
    if not matched:
        return _NO_CUES
    counts = [0] * len(CATEGORIES)
    best: dict[int, _Phrase] = {}
    seen: set[tuple[int, int]] = set()
    for phrase in matched:
        # Case variants of one lexicon phrase count once.
        ident = (phrase.category, phrase.priority)
        if ident in seen:
            continue
        seen.add(ident)
        counts[phrase.category] += 1
        current = best.get(phrase.category)
        if current is None or phrase.priority < current.priority:
            best[phrase.category] = phrase
    return Cues(
        payment=counts[0], bank_change=counts[1], urgency=counts[2], gift_card=counts[3],
        payroll=counts[4], credential=counts[5], secrecy=counts[6], spam=counts[7],
        scam=counts[8], malware_lure=counts[9], crypto_asset=counts[10],
        crypto_term=counts[11], explicit=counts[12], stolen_access=counts[13],
        phrases={CATEGORIES[c]: best[c].text for c in sorted(best)},
    )


# --------------------------------------------------------------------------- batched scan
#
# ``scan_texts`` gives, message for message, exactly what ``scan_text`` gives, for a whole
# batch at once: the per-token work (split, vocabulary look-up, phrase adjacency) is numpy
# over the batch's concatenated normalised bytes, so Python work is per message (normalise)
# and per message with a match (build its ``Cues``), never per word.
#
# 1. Each message is normalised as ``scan_text`` does it (``b" subject\ntext "``); the batch
#    is one byte string. After the translation every non-word byte is a space, so tokens are
#    the runs of non-space bytes, exactly ``bytes.split()``'s words; the space padding keeps
#    a token from spanning two messages.
# 2. A token's identity is exact, not a hash: its first 8 bytes, its last 8 bytes (two
#    unaligned little-endian loads) and its length determine any word of up to 16 bytes. A
#    mixing hash of the three finds the candidate vocabulary word in a collision-free
#    direct-address table; the three are then compared. Vocabulary words longer than 16
#    bytes are confirmed on the bytes. One ``take`` reads both loads of every token: from
#    the byte-strided view each ``take`` first copies the whole view, 8 bytes per text byte.
# 3. A phrase of k words matches where k consecutive tokens are its words and each gap is
#    exactly one byte: that is what ``b" w1 w2 " in flat`` tests. Vocabulary ids of k
#    consecutive tokens pack into one int64 (base = vocabulary size), looked up in a
#    collision-free hash table of the k-word phrases' keys (``_Slots``), only where a run of
#    k adjacent vocabulary tokens starts. Were ``V**k`` to overflow (it is ~827**6 ≈ 3e17
#    today), the packing wraps and each match is confirmed by the substring test.
# 4. Matches expand to (category, priority) entries (a normalised phrase can sit in several
#    categories); distinct ones per message count, the lowest priority is the evidence.

_M2: Final = np.uint64(0xC2B2AE3D27D4EB4F)
_M3: Final = np.uint64(0x165667B19E3779F9)
_EXACT_BYTES: Final = 16
_LOAD_MASKS: Final = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
_SPACE: Final = 0x20
# Normalised text bytes per numpy pass. A numpy call costs 1-2 µs, so a pass must hold tens
# of messages; but each pass allocates ~60 bytes per text byte, and passes over whole
# 500-message batches of long mail (~1 MB of text) page-faulted on every call (glibc returns
# freed memory above its trim threshold): 42 µs per 3 KB message against 22 µs in 256 KB
# passes (bench/micro_detectors.py).
_CHUNK_BYTES: Final = 1 << 18
_CUES_MEMO_SIZE: Final = 8192
_MIN_SLOT_BITS: Final = 16


def _token_mix(first8: np.ndarray, last8: np.ndarray, length: np.ndarray) -> np.ndarray:
    """One uint64 per token from (first 8 bytes, last 8 bytes, length); finds candidates."""
    h = last8 * _M2
    h ^= first8
    h += length.astype(np.uint64) * _M3
    return h


def _word_parts(word: bytes) -> tuple[int, int, int]:
    padded = word + b" " * 8
    first = int.from_bytes(padded[:8], "little") & ((1 << (8 * min(len(word), 8))) - 1)
    last = int.from_bytes(word[-8:], "little") if len(word) > 8 else 0
    return first, last, len(word)


def _perfect_slots(mix: np.ndarray, bits: int | None = None) -> tuple[int, int, np.ndarray]:
    """``(multiplier, shift, slots)``: multiply-shift hashing without collisions for ``mix``.

    A direct-address table is read with one ``take`` per token (about 10 ns) where a binary
    search over the sorted vocabulary measured about 50 ns (a branch miss per step).
    Multipliers are tried in a fixed order, so the table is the same in every process.
    ``bits`` is the table size (log2) to try first; the default suits the vocabulary.
    """
    if bits is None:
        bits = max(_MIN_SLOT_BITS, (2 * len(mix)).bit_length() + 6)
    seed = 0
    while True:
        for _ in range(64):
            seed += 1
            multiplier = ((seed * 0x9E3779B97F4A7C15) | 1) & ((1 << 64) - 1)
            shift = 64 - bits
            slots = (mix * np.uint64(multiplier)) >> np.uint64(shift)
            if len(np.unique(slots)) == len(slots):
                return multiplier, shift, slots.astype(np.int64)
        bits += 1


@dataclass(frozen=True, slots=True)
class _Slots:
    """A collision-free multiply-shift table: packed phrase key -> entry group, -1 for none.

    One multiply, shift and ``take`` per candidate where a binary search over the sorted keys
    (``np.searchsorted``) was 9% of the scan (a branch miss per step). 32 to 64 slots per key
    (32 KB for the 283 two-word phrases), where the vocabulary's table has 128 or more: the
    tables stay small enough to share the caches with the rest of the engine.
    """

    multiplier: np.uint64
    shift: np.uint64
    group: np.ndarray

    @classmethod
    def build(cls, keys: list[int], groups: list[int]) -> _Slots:
        packed = np.array(keys, dtype=np.int64).view(np.uint64)
        if len(np.unique(packed)) != len(packed):  # only possible where the packing wraps
            raise ValueError("two lexicon phrases pack to one key: change the packing")
        multiplier, shift, slots = _perfect_slots(packed, bits=len(packed).bit_length() + 5)
        group = np.full(1 << (64 - shift), -1, dtype=np.int16 if len(groups) < 1 << 15
                        else np.int32)
        group[slots] = groups
        return cls(np.uint64(multiplier), np.uint64(shift), group)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The group in each key's slot: a candidate, to compare with its ``group_key``."""
        slot = keys.view(np.uint64) * self.multiplier
        slot >>= self.shift
        return self.group.take(slot.view(np.int64))


@dataclass(frozen=True, slots=True)
class _Table:
    """The lexicon as sorted numpy arrays (built from ``PHRASES`` on first use)."""

    words: tuple[bytes, ...]          # vocabulary id -> word
    multiplier: np.uint64             # slot of a token: (mix * multiplier) >> shift
    shift: np.uint64
    slot_vid: np.ndarray              # slot -> vocabulary id, -1 for none
    slot_bits: np.ndarray             # bit per slot, set where it holds a word (uint8, for C)
    single_group: np.ndarray          # vocabulary id -> its one-word phrase group, or -1
    first8: np.ndarray                # by vocabulary id
    last8: np.ndarray
    length: np.ndarray
    long_vids: frozenset[int]         # words longer than 16 bytes: confirmed on the bytes
    is_long: np.ndarray               # by vocabulary id: in long_vids (a take, not an isin)
    base: int                         # vocabulary size: the packing base of phrase keys
    phrase_slots: tuple[_Slots, ...]  # [k-2]: packed key of k >= 2 vocabulary ids -> group
    group_key: np.ndarray             # group -> its packed key (confirms a slot's group)
    wraps: tuple[bool, ...]           # [k-1]: packing overflowed, confirm matches
    group_start: np.ndarray           # group g: entries group_start[g]..group_start[g+1]-1
    entry_code: np.ndarray            # category * n_priorities + priority
    entry_padded: tuple[bytes, ...]   # group -> b" phrase words " (for confirmation)
    n_priorities: int
    span: int                         # entry codes per message: categories * n_priorities
    texts: dict[tuple[int, int], str]  # (category, priority) -> evidence text
    # The phrase tables as the C kernel reads them (``_kernels.phrase_codes``): per k-word
    # table its multiplier and shift, the slot -> group arrays joined as int32 (table k-2
    # from offset[k-2]), and ``wraps`` as bytes.
    phrase_multiplier: np.ndarray
    phrase_shift: np.ndarray
    phrase_group: np.ndarray
    phrase_offset: np.ndarray
    wraps_flags: np.ndarray
    # Cues by a message's distinct matches: matching mail repeats a few combinations, and
    # building the frozen dataclass cost more than the rest of a message's share of the scan.
    cues_memo: dict[tuple[int, ...], Cues]


@cache
def _table() -> _Table:
    """Compile the lexicon for :func:`scan_texts` once, from the same index as scan_text."""
    index = _index()
    words = tuple(sorted(index.vocabulary))
    vid_of = {w: i for i, w in enumerate(words)}
    parts = np.array([_word_parts(w) for w in words], dtype=np.uint64).reshape(-1, 3)
    first8, last8, length = parts[:, 0].copy(), parts[:, 1].copy(), parts[:, 2].astype(np.int64)
    multiplier, shift, slots = _perfect_slots(_token_mix(first8, last8, length))
    slot_vid = np.full(1 << (64 - shift), -1, dtype=np.int16 if len(words) < 1 << 15
                       else np.int32)
    slot_vid[slots] = np.arange(len(words))
    phrases = [p for v in index.single.values() for p in v] + \
        [p for v in index.multi_by_anchor.values() for p in v]
    groups: dict[tuple[int, ...], list[_Phrase]] = {}
    for p in phrases:
        groups.setdefault(tuple(vid_of[w] for w in p.padded.split()), []).append(p)
    n_priorities = max((p.priority for p in phrases), default=0) + 1
    base = max(len(words), 1)
    max_k = max((len(k) for k in groups), default=0)
    group_ids = list(groups)
    starts: list[int] = [0]
    codes: list[int] = []
    for g in group_ids:
        codes.extend(p.category * n_priorities + p.priority for p in groups[g])
        starts.append(len(codes))
    by_len: list[list[tuple[int, int]]] = [[] for _ in range(max_k)]
    wraps = []
    for k in range(1, max_k + 1):
        wraps.append(base ** k >= 1 << 63)
    for gid, vids in enumerate(group_ids):
        key = 0
        for v in vids:
            key = key * base + v
        key &= (1 << 64) - 1
        if key >= 1 << 63:
            key -= 1 << 64  # int64 two's complement, as numpy's wrapping product gives
        by_len[len(vids) - 1].append((key, gid))
    group_key = np.zeros(len(group_ids), dtype=np.int64)
    for entries in by_len:
        for key, gid in entries:
            group_key[gid] = key
    single_group = np.full(len(words), -1, dtype=np.int64)
    for gid, vids in enumerate(group_ids):
        if len(vids) == 1:
            single_group[vids[0]] = gid
    phrase_slots = tuple(_Slots.build([k for k, _ in e], [g for _, g in e]) for e in by_len[1:])
    sizes = [len(s.group) for s in phrase_slots]
    return _Table(
        words=words, multiplier=np.uint64(multiplier), shift=np.uint64(shift),
        slot_vid=slot_vid,
        slot_bits=np.packbits(np.not_equal(slot_vid, -1), bitorder="little"),
        single_group=single_group,
        first8=first8, last8=last8, length=length,
        long_vids=frozenset(i for i, w in enumerate(words) if len(w) > _EXACT_BYTES),
        is_long=np.array([len(w) > _EXACT_BYTES for w in words], dtype=bool),
        base=base, group_key=group_key,
        phrase_slots=phrase_slots,
        wraps=tuple(wraps), group_start=np.array(starts, dtype=np.int64),
        entry_code=np.array(codes, dtype=np.int64),
        entry_padded=tuple(b" " + b" ".join(words[v] for v in g) + b" " for g in group_ids),
        n_priorities=n_priorities,
        span=len(CATEGORIES) * n_priorities,
        texts={(p.category, p.priority): p.text for p in phrases},
        phrase_multiplier=np.array([s.multiplier for s in phrase_slots], dtype=np.uint64),
        phrase_shift=np.array([s.shift for s in phrase_slots], dtype=np.uint64),
        phrase_group=np.concatenate([s.group.astype(np.int32) for s in phrase_slots]
                                    or [np.zeros(0, dtype=np.int32)]),
        phrase_offset=np.cumsum([0, *sizes], dtype=np.int64),
        wraps_flags=np.array(wraps, dtype=np.uint8),
        cues_memo={},
    )


_CUE_FIELDS: Final = frozenset(f for f in Cues.__dataclass_fields__ if f != "phrases")


def scan_texts(messages: Sequence[tuple[str, str]]) -> list[Cues]:
    """:func:`scan_text` for a batch of ``(subject, text)`` pairs, vectorised.

    Args:
        messages: ``(subject, text)`` per message.

    Returns:
        One ``Cues`` per message, equal to ``scan_text(subject, text)``.
    """
    out: list[Cues] = [_NO_CUES] * len(messages)
    pieces: list[str | bytes] = []
    starts: list[int] = []
    which: list[int] = []
    size = 0
    for m, (subject, text) in enumerate(messages):
        if subject or text:
            text = text[:MAX_TEXT_CHARS]
            starts.append(size)
            which.append(m)
            if subject.isascii() and text.isascii():
                # Normalised in the chunk's one join (_join_translated).
                pieces += (" ", subject, "\n", text, " ")
                size += len(subject) + len(text) + 3
            else:
                flat = _normalise("".join((" ", subject, "\n", text, " ")))
                pieces.append(flat)
                size += len(flat)
            if size >= _CHUNK_BYTES:
                _scan_chunk(pieces, starts, which, out)
                pieces, starts, which, size = [], [], [], 0
    if pieces:
        _scan_chunk(pieces, starts, which, out)
    return out


def _join_translated(pieces: list[str | bytes], pad: int) -> bytes:
    """The chunk's bytes: ASCII str pieces normalised, bytes pieces as they are, then padding.

    ``bytes`` pieces are already normalised (non-ASCII messages, by :func:`_normalise`); an
    ASCII ``str`` is its own UTF-8, and the translation goes byte by byte, so translating
    the pieces one by one gives what :func:`_normalise` gives the joined message. The Python
    form of ``_kernels.join_translated`` (its definition, and the fallback): the C form
    replaces ``str.join``, ``_normalise``'s encode and translate and the chunk's
    ``bytes.join`` (four copies of every ASCII message) with one pass. Measured alternating
    in one process (12,000 corpus messages, batches of 125, 10 rounds): the whole scan 4.45
    -> 3.98 µs a message.
    """
    return b"".join(p if isinstance(p, bytes) else p.encode().translate(_PUNCT_TO_SPACE)
                    for p in pieces) + b" " * pad


def _scan_chunk(pieces: list[str | bytes], starts: list[int], which: list[int],
                out: list[Cues]) -> None:
    """Set ``out[which[i]]`` to the Cues of the message starting at ``starts[i]``.

    ``pieces`` joined by :func:`_join_translated` are the messages' normalised texts.
    """
    table = _table()
    pad = _EXACT_BYTES + 8
    buf = (_native.join_translated(pieces, _PUNCT_TO_SPACE, pad) if _native is not None
           else _join_translated(pieces, pad))
    n = len(buf) - 8
    msg_start = np.array(starts, dtype=np.int64)

    if _native is not None:
        codes = np.frombuffer(_native.phrase_codes(
            buf, n, msg_start, int(table.multiplier), int(table.shift), table.slot_vid,
            table.slot_bits, table.first8, table.last8, table.length, table.words,
            table.single_group, table.base, table.phrase_multiplier, table.phrase_shift,
            table.phrase_group, table.phrase_offset, table.group_key, table.wraps_flags,
            table.group_start, table.entry_code, table.entry_padded, table.span),
            dtype=np.int64)
    else:
        codes = _phrase_codes(buf, n, msg_start, table)
    if not len(codes):
        return
    span = table.span
    # ``codes`` is sorted by message, then category, then priority: per message, the entries
    # are its distinct (category, priority) matches, and the first of a category is its
    # evidence. Equal entry lists give equal (read-only) Cues: built once, then shared.
    msg_of = np.asarray(codes // span, dtype=np.int64)
    entries = cast("list[int]", (codes - msg_of * span).tolist())
    # Runs cut as Python lists: ``np.split`` into arrays cost about a microsecond a message.
    runs = cast("list[int]", [0, *(np.flatnonzero(np.diff(msg_of)) + 1).tolist(), len(entries)])
    memo = table.cues_memo
    first_of_run = cast("list[int]", msg_of.take(runs[:-1]).tolist())
    for m, lo, hi in zip(first_of_run, runs[:-1], runs[1:], strict=True):
        ident = tuple(entries[lo:hi])
        cues = memo.get(ident)
        if cues is None:
            if len(memo) >= _CUES_MEMO_SIZE:
                memo.clear()
            cues = memo[ident] = _cues(entries[lo:hi], table)
        out[which[m]] = cues


def _phrase_codes(buf: bytes, n: int, msg_start: np.ndarray, table: _Table) -> np.ndarray:
    """``message * span + entry code`` of every distinct entry each message matches, sorted.

    The numpy form of ``_kernels.phrase_codes`` (its definition, and the fallback where the C
    module was not built; the tests hold the two to equal arrays): the vocabulary tokens of
    ``buf[:n]``, then the phrases they make, then the (category, priority) entries of each
    message (``msg_start``: where each normalised message starts in ``buf``).
    """
    none = np.zeros(0, dtype=np.int64)
    tok, vid, t_start, t_end = _vocabulary_tokens(buf, n, table)
    if not len(tok):
        return none
    if table.long_vids:
        for j in np.flatnonzero(table.is_long.take(vid)).tolist():
            if buf[t_start[j]:t_end[j]] != table.words[int(vid[j])]:
                vid[j] = -1
        keep = vid >= 0
        tok, vid, t_start, t_end = tok[keep], vid[keep], t_start[keep], t_end[keep]
    # adjacent[j]: vocabulary token j+1 follows token j with exactly one separator byte
    # (consecutive tokens of one message; flats are joined with at least two spaces). The
    # last vocabulary token has no follower.
    adjacent = np.append((tok[1:] == tok[:-1] + 1) & (t_start[1:] - t_end[:-1] == 1), False)

    # Single-word phrases: a look-up per vocabulary token.
    single = table.single_group.take(vid)
    positions = np.flatnonzero(single >= 0)
    hit_pos = [positions]
    hit_group = [single.take(positions)]
    confirm: list[tuple[np.ndarray, np.ndarray]] = []
    # A k-word phrase can start only where k-1 adjacent vocabulary tokens follow: the start
    # positions shrink with k (most vocabulary tokens are not followed by another).
    start = np.flatnonzero(adjacent)
    key = vid.take(start)
    base = np.int64(table.base)
    for k in range(2, len(table.phrase_slots) + 2):
        if k > 2:
            keep = adjacent.take(start + (k - 2))
            start, key = start[keep], key[keep]
        if not len(start):
            break
        key = key * base + vid.take(start + (k - 1))
        groups = table.phrase_slots[k - 2].get(key)
        found = groups >= 0
        found &= table.group_key.take(groups) == key
        if not found.any():
            continue
        positions, groups = start[found], groups[found]
        if table.wraps[k - 1]:
            confirm.append((positions, groups))
        else:
            hit_pos.append(positions)
            hit_group.append(groups)
    if confirm:
        for positions, groups in confirm:
            ok = [buf.find(table.entry_padded[g], int(t_start[j]) - 1,
                           int(t_start[j]) - 1 + len(table.entry_padded[g])) >= 0
                  for j, g in zip(positions.tolist(), groups.tolist(), strict=True)]
            hit_pos.append(positions[np.array(ok, dtype=bool)])
            hit_group.append(groups[np.array(ok, dtype=bool)])
    positions = np.concatenate(hit_pos)
    groups = np.concatenate(hit_group)
    if not len(positions):
        return none
    msg = np.searchsorted(msg_start, t_start.take(positions), side="right") - 1
    # Expand each matched group into its (category, priority) entries.
    g_lo, g_hi = table.group_start.take(groups), table.group_start.take(groups + 1)
    sizes = g_hi - g_lo
    entry_idx = np.repeat(g_lo - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
    span = np.int64(table.span)
    return np.unique(np.repeat(msg, sizes) * span + table.entry_code.take(entry_idx))


def _vocabulary_tokens(buf: bytes, n: int, table: _Table
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(token index, vocabulary id, start, end)`` of the lexicon words of ``buf[:n]``.

    The token step of :func:`_phrase_codes` (``_kernels.phrase_codes`` does it in its own
    pass): a token is a maximal run of non-space bytes, and it is a vocabulary word when its
    first and last 8 bytes and its length equal its slot's word (words over 16 bytes are
    compared in full by the caller).
    """
    stream = np.frombuffer(buf, dtype=np.uint8)
    none = np.zeros(0, dtype=np.int64)
    # Every flat starts and ends with a space, so edges pair up start, end, start, end, ...
    word = stream[:n] != _SPACE
    edges = np.flatnonzero(word[1:] != word[:-1])
    edges += 1
    tok_start, tok_end = edges[0::2], edges[1::2]
    if not len(tok_start):
        return none, none, none, none
    tok_len = tok_end - tok_start
    # The first and the last 8 bytes of every token (the first flat's leading space keeps
    # ``end - 8`` inside the buffer only from the 8th byte on), in one ``take``: ``take``
    # from this unaligned view first copies all of it (8 bytes per text byte), so only once.
    load8 = np.ndarray((n,), dtype="<u8", buffer=buf, strides=(1,))
    n_tok = len(tok_start)
    loads = load8.take(np.concatenate((tok_start, np.maximum(tok_end - 8, 0))))
    first8, last8 = loads[:n_tok], loads[n_tok:]
    first8 &= _LOAD_MASKS.take(np.minimum(tok_len, 8))
    last8 *= tok_len > 8  # zeroed for tokens of 8 bytes or fewer
    mix = _token_mix(first8, last8, tok_len)
    mix *= table.multiplier
    mix >>= table.shift
    vid = table.slot_vid.take(mix.view(np.int64))
    tok = np.flatnonzero(vid >= 0)
    if not len(tok):
        return none, none, none, none
    vid = vid.take(tok).astype(np.int64)
    # The slot only names a candidate: the word must equal it byte for byte.
    same = table.first8.take(vid) == first8.take(tok)
    same &= table.last8.take(vid) == last8.take(tok)
    same &= table.length.take(vid) == tok_len.take(tok)
    tok, vid = tok[same], vid[same]
    return tok, vid, tok_start.take(tok), tok_end.take(tok)


def _cues(entries: list[int], table: _Table) -> Cues:
    """The Cues of one message's sorted distinct ``category * n_priorities + priority``."""
    counts: dict[str, int] = {}
    phrases: dict[str, str] = {}
    for entry in entries:
        category, priority = divmod(entry, table.n_priorities)
        name = CATEGORIES[category]
        if name in counts:
            counts[name] += 1
        else:
            counts[name] = 1
            phrases[name] = table.texts[(category, priority)]
    return Cues(**{k: v for k, v in counts.items() if k in _CUE_FIELDS}, phrases=phrases)

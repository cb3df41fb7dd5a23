"""Display names: normalisation, person keys, addresses hidden in names, person-or-brand.

Display-name impersonation ("Robert Smith <ceo.office@gmail.com>") is matched on a *key*
that survives the variations an attacker or a directory introduces: case, accents, Cyrillic
and Greek look-alike letters, titles, "Last, First" order, nicknames and initials. The key
sorts its words, so "Smith Robert" and "Robert Smith" agree too.

All functions are pure; the per-name ones are memoised because the same senders recur.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

__all__ = [
    "LOOKALIKE_LETTERS",
    "MAX_NAME_CHARS",
    "NICKNAMES",
    "address_in_display_name",
    "looks_like_person",
    "name_key",
    "normalise_person_name",
]

# Cyrillic and Greek letters that render like Latin ones. Applied to a word only when the
# word is mixed-script or folds entirely to ASCII, so genuine Cyrillic/Greek names
# ("Иван", "Δημήτρης") keep their letters.
LOOKALIKE_LETTERS: Final[dict[str, str]] = {
    # Cyrillic
    "а": "a", "е": "e", "ё": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
    "і": "i", "ї": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ɡ": "g",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Һ": "H", "Ԁ": "D", "Ԛ": "Q",
    "Ԝ": "W", "Ӏ": "I",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
_LOOKALIKE_LETTERS: Final = str.maketrans(LOOKALIKE_LETTERS)

# Latin letters NFKD does not decompose; folded everywhere.
_LATIN_EXTRA: Final = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "ß": "ss",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D",
})

_TITLES: Final = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "madam", "rev",
    "fr", "hon", "jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "cpa", "esq", "msc", "bsc",
    "ceo", "cfo", "coo", "cto", "cio", "ciso", "cmo", "vp", "svp", "evp", "president",
    "chairman", "founder", "director", "herr", "frau", "mme", "mlle", "m", "sra", "dra",
    "dhr", "mevr", "ing", "dipl",
})

# A match starts only where a local part can start: without the look-behind, a long run of
# word characters with no "@" was scanned again from each of its characters (quadratic).
_EMAIL: Final = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~\-])"
                           r"[\w.!#$%&'*+/=?^`{|}~\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
_BRACKETED: Final = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_PUNCT: Final = re.compile(r"[^\w\s,]|_")
_ALNUM_WORD: Final = re.compile(r"[^\W_]+")

# Nicknames -> the canonical given name. Names whose short forms are shared by men's and
# women's names (Alex, Chris, Sam, Pat, Jo, ...) map every full form to the short one, so
# "Christopher" and "Chris" agree -- at the price of "Christopher" agreeing with "Christine".
_NICKNAME_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "robert": ("bob", "bobby", "rob", "robbie", "bert", "robby"),
    "william": ("bill", "billy", "will", "willy", "willie"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "eliza", "libby", "betsy", "elisabeth",
                  "liza", "bess", "lizzy"),
    "michael": ("mike", "mikey", "mick", "mickey"),
    "james": ("jim", "jimmy", "jamie", "jimbo"),
    "katherine": ("kate", "katie", "kathy", "kat", "kitty", "catherine", "kathryn",
                  "cathy", "katy", "cate", "katharine"),
    "thomas": ("tom", "tommy"),
    "richard": ("rick", "ricky", "dick", "rich", "richie"),
    "john": ("jack", "johnny", "jon", "jonny"),
    "joseph": ("joe", "joey", "jos"),
    "charles": ("charlie", "chuck", "chas", "chaz"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davey", "davy"),
    "edward": ("ed", "eddie", "ted", "teddy", "ned", "eddy"),
    "anthony": ("tony", "ant"),
    "andrew": ("andy",),
    "matthew": ("matt", "matty"),
    "nicholas": ("nick", "nicky", "nico"),
    "benjamin": ("ben", "benny", "benji"),
    "steven": ("steve", "stevie", "stephen", "stefan"),
    "timothy": ("tim", "timmy"),
    "gregory": ("greg",),
    "jeffrey": ("jeff", "geoffrey", "geoff"),
    "kenneth": ("ken", "kenny"),
    "ronald": ("ron", "ronnie"),
    "donald": ("don", "donnie"),
    "douglas": ("doug",),
    "raymond": ("ray",),
    "lawrence": ("larry", "laurence"),
    "gerald": ("gerry", "jerry"),
    "frederick": ("fred", "freddie", "freddy"),
    "francis": ("frank", "frankie"),
    "henry": ("harry", "hank"),
    "peter": ("pete",),
    "philip": ("phil", "phillip"),
    "leonard": ("leo", "len", "lenny"),
    "walter": ("walt", "wally"),
    "eugene": ("gene",),
    "harold": ("hal",),
    "theodore": ("theo",),
    "vincent": ("vince", "vinny"),
    "zachary": ("zach", "zack"),
    "joshua": ("josh",),
    "jacob": ("jake",),
    "nathaniel": ("nate", "nat"),
    "margaret": ("maggie", "meg", "peggy", "marge", "margie"),
    "jennifer": ("jen", "jenny", "jenn"),
    "susan": ("sue", "susie", "suzy"),
    "deborah": ("deb", "debbie", "debra"),
    "rebecca": ("becky", "becca"),
    "victoria": ("vicky", "vicki", "tori"),
    "jessica": ("jess", "jessie"),
    "kimberly": ("kim",),
    "cynthia": ("cindy",),
    "barbara": ("barb", "babs"),
    "dorothy": ("dot", "dottie"),
    "judith": ("judy",),
    "pamela": ("pam",),
    "abigail": ("abby",),
    "amanda": ("mandy",),
    "melissa": ("mel", "missy"),
    "stephanie": ("steph",),
    "valerie": ("val",),
    "theresa": ("terri", "tess", "tessa", "teresa"),
    "jacqueline": ("jackie",),
    "josephine": ("josie",),
    "caroline": ("carrie",),
    "eleanor": ("ellie",),
    "helen": ("nell", "nellie"),
    "mary": ("molly", "polly", "mae"),
    "ann": ("anne", "annie"),
    "susanna": ("susannah",),
    "gabrielle": ("gabby", "gabi"),
    "alfred": ("alf",),
    "arthur": ("art",),
    "augustus": ("gus",),
    "bradley": ("brad",),
    "cameron": ("cam",),
    "clifford": ("cliff",),
    "dominic": ("dom",),
    "gilbert": ("gil",),
    "isaac": ("ike",),
    "kevin": ("kev",),
    "mitchell": ("mitch",),
    "oliver": ("ollie",),
    "reginald": ("reg", "reggie"),
    "russell": ("russ",),
    "stanley": ("stan",),
    "terence": ("terry",),
    "wesley": ("wes",),
    # shared short forms: the short form is the canonical key
    "alex": ("alexander", "alexandra", "alexis", "alec", "lex", "alejandro", "alessandro",
             "aleksandr"),
    "chris": ("christopher", "christian", "christine", "christina", "kristopher", "kris",
              "topher", "kristin", "kristen", "christy"),
    "sam": ("samuel", "samantha", "sammy", "sammie"),
    "pat": ("patrick", "patricia", "paddy", "patsy", "patty", "trish", "tricia"),
    "jo": ("joanne", "joanna", "jody"),
    "fran": ("frances", "francesca"),
    "al": ("albert", "alan", "allan", "allen", "alvin"),
    "ali": ("alison", "allison"),
    "max": ("maxwell", "maximilian", "maxine"),
    "toni": ("antonia",),
    "danni": ("danielle", "daniela", "dani"),
    "gabe": ("gabriel",),
}

NICKNAMES: Final[dict[str, str]] = {
    nick: canonical for canonical, nicks in _NICKNAME_GROUPS.items() for nick in nicks
}
"""Nickname (or variant spelling) -> canonical given name used by :func:`name_key`."""

_NOT_PERSON_WORDS: Final = frozenset({
    "noreply", "reply", "donotreply", "support", "team", "service",
    "services", "notification", "notifications", "alert", "alerts", "admin", "administrator",
    "info", "information", "billing", "security", "customer", "customers", "help", "helpdesk",
    "desk", "newsletter", "marketing", "sales", "accounts", "account", "payroll", "hr",
    "department", "dept", "office", "bank", "banking", "mail", "mailer", "daemon",
    "postmaster", "system", "systems", "online", "update", "updates", "verification",
    "center", "centre", "group", "inc", "ltd", "llc", "gmbh", "corp", "corporation",
    "company", "co", "plc", "ag", "sa", "bv", "the", "your", "shop", "store", "delivery",
    "shipping", "order", "orders", "invoice", "invoices", "finance", "it", "it-support",
    "voicemail", "fax", "scanner", "calendar", "webmaster", "microsoft", "office365",
    "outlook", "google", "apple", "amazon", "paypal", "docusign", "dropbox", "linkedin",
    "facebook", "netflix", "adobe", "zoom", "teams", "sharepoint", "onedrive", "fedex",
    "dhl", "ups", "usps", "irs", "hmrc", "via", "app", "bot", "news", "club", "rewards",
})


def _fold_word(word: str) -> str:
    if word.isascii():
        return word
    folded = word.translate(_LOOKALIKE_LETTERS)
    if folded.isascii() or any("a" <= c <= "z" or "A" <= c <= "Z" for c in word):
        return folded
    return word


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tokens(part: str) -> list[str]:
    return [w for w in part.split() if w not in _TITLES]


MAX_NAME_CHARS: Final = 256
"""Display-name characters read as a person's name. No one's name is longer, and reading
more costs: the bracketed-aside pattern rescans from each opening bracket that never
closes, so a crafted 100,000-character name took 75 s; the caches keep short keys too."""


def normalise_person_name(name: str) -> str:
    """A person's name as comparable text.

    Removes e-mail addresses, bracketed asides ("(Finance)"), quotes, punctuation, accents,
    titles and roles ("Dr.", "CEO", "Jr"); folds Cyrillic/Greek look-alike letters in Latin
    words to Latin; turns "Last, First" into "first last"; lower-cases; single spaces.
    Reads the first :data:`MAX_NAME_CHARS` characters.

    Args:
        name: The display name as shown to the reader.

    Returns:
        "robert smith" for "SMITH, Róbert (CEO)"; "" when nothing name-like is left.
    """
    return _normalised(name[:MAX_NAME_CHARS])


@lru_cache(maxsize=65536)
def _normalised(name: str) -> str:
    """:func:`normalise_person_name` of a name within the bound."""
    text = _EMAIL.sub(" ", name) if "@" in name else name  # most names hold none
    unbracketed = _BRACKETED.sub(" ", text)
    if unbracketed.strip(" \t\"'<>"):
        text = unbracketed
    if not text.isascii():
        text = _strip_accents(text)
        text = " ".join(_fold_word(w) for w in text.split()).translate(_LATIN_EXTRA)
    text = text.lower()
    text = text.replace("'", "").replace("’", "")
    text = _PUNCT.sub(" ", text)
    parts = [_tokens(p) for p in text.split(",")]
    parts = [p for p in parts if p]
    if len(parts) == 2:
        parts = [parts[1], parts[0]]
    return " ".join(w for p in parts for w in p)


def name_key(name: str) -> str:
    """A key on which spellings of the same person's name agree.

    The normalised name with nicknames mapped to the canonical given name (Bob -> robert,
    Liz -> elizabeth), initials dropped when two longer words remain, and the words sorted,
    so "Bob Smith", "Róbert Smith", "SMITH, Robert", "Robert J. Smith" and "Smith Robert"
    share one key. Middle names are kept ("Robert James Smith" is another key). Reads the
    first :data:`MAX_NAME_CHARS` characters.

    Args:
        name: The display name as shown to the reader.

    Returns:
        The key ("robert smith"), or "" for a name with no words.
    """
    return _name_key(name[:MAX_NAME_CHARS])


@lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    """:func:`name_key` of a name within the bound."""
    words = [NICKNAMES.get(w, w) for w in normalise_person_name(name).split()]
    long_words = [w for w in words if len(w) > 1]
    if len(long_words) >= 2:
        words = long_words
    return " ".join(sorted(words))


def address_in_display_name(display_name: str, address: str) -> str | None:
    """An e-mail address written in the display name that differs from the real sender.

    "ceo@acme.com <x93@gmail.com>" shows the reader an address the mail did not come from.

    Args:
        display_name: The display name of the From (or Reply-To) header.
        address: The actual address.

    Returns:
        The first differing address in the display name (lower-case), or None.
    """
    if "@" not in display_name and "＠" not in display_name:
        return None
    text = unicodedata.normalize("NFKC", display_name)
    actual = address.strip().lower()
    for match in _EMAIL.finditer(text):
        found = match.group(0).strip(".'").lower()
        if found != actual:
            return found
    return None


def looks_like_person(display_name: str) -> bool:
    """Whether a display name reads as a person's name rather than a brand or a mailbox.

    True for two to five alphabetic words (after normalisation, addresses removed), at
    least one longer than an initial, with no digits and none of the service, brand or
    company words ("noreply", "Support", "PayPal", "GmbH", "via"...). Reads the first
    :data:`MAX_NAME_CHARS` characters.

    Args:
        display_name: The display name as shown to the reader.

    Returns:
        True for "Jane Doe", "DOE, Jane", "J. Smith"; False for "PayPal Service",
        "noreply", "Jane", "John via LinkedIn".
    """
    return _looks_like_person(display_name[:MAX_NAME_CHARS])


@lru_cache(maxsize=65536)
def _looks_like_person(display_name: str) -> bool:
    """:func:`looks_like_person` of a name within the bound."""
    name = _EMAIL.sub(" ", display_name) if "@" in display_name else display_name
    if any(c.isdigit() for c in name):
        return False
    raw_words = {w.lower() for w in _ALNUM_WORD.findall(_strip_accents(name))}
    if raw_words & _NOT_PERSON_WORDS:
        return False
    words = normalise_person_name(name).split()
    if not 2 <= len(words) <= 5:
        return False
    return all(w.isalpha() for w in words) and any(len(w) > 1 for w in words)

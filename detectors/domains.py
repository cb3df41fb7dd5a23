"""Domain facts: registrable domain (eTLD+1), free-mail providers, lookalikes, URL hosts.

Everything here is pure and offline. The public-suffix list is tldextract's bundled snapshot
(never fetched at run time); the homoglyph table is built from the Unicode confusables data
shipped with ``confusable_homoglyphs``. Both load on first use, not at import.

Per-domain functions are memoised (``detectors.memo``): a mail stream repeats the same few
thousand sender and link domains, so after warm-up ``registrable_domain`` is a dictionary hit
(~0.1 µs) and ``lookalike`` against an unchanged candidate set is one too.

Canonical form: lower-case, no trailing dot, internationalised names in their ASCII
(``xn--``) form -- the form DNS, DKIM and the state store use, so one domain has one key.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Final, NamedTuple, cast

import idna
import tldextract
from rapidfuzz import process
from rapidfuzz.distance import OSA

from detectors.memo import memoised

__all__ = [
    "FREEMAIL_DOMAINS",
    "MAX_LABEL_CHARS",
    "MAX_NAME_CHARS",
    "TECHNIQUES",
    "Lookalike",
    "UrlParts",
    "as_read",
    "canonical_host",
    "canonical_link_host",
    "domain_and_parents",
    "ip_host",
    "is_freemail",
    "lookalike",
    "parse_url",
    "preload",
    "public_suffix",
    "registrable_domain",
    "resolvable_tail",
    "url_host",
]

# --------------------------------------------------------------------------- registrable domain


@cache
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() and cache_dir=None: the bundled snapshot only, no network, no disk.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _to_ascii(host: str) -> str:
    """IDNA-encode ``host`` label by label; a label that cannot be encoded is kept as is."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    labels = []
    for label in host.split("."):
        try:
            labels.append(label.encode("idna").decode("ascii") if label else label)
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


MAX_NAME_CHARS: Final = 253
"""The longest name DNS resolves (RFC 1035: 255 octets on the wire)."""
MAX_LABEL_CHARS: Final = 63
"""The longest label DNS holds: a longer one is nobody's registration."""


def resolvable_tail(host: str) -> str:
    """``host`` itself, or when longer than DNS allows, its last labels within the limit.

    Walking a name's parents label by label copies the rest of the name at each step: a
    crafted link whose host has 40,000 labels took 0.46 s (and 4 MB, the largest record,
    hours). No domain a rule or a table names is longer than DNS allows, so a walk from
    here finds every parent one could match, in bounded time.
    """
    if len(host) <= MAX_NAME_CHARS:
        return host
    cut = host.find(".", len(host) - MAX_NAME_CHARS - 1)
    return host[cut + 1:] if cut >= 0 else host[-MAX_NAME_CHARS:]


def domain_and_parents(host: str) -> Iterator[str]:
    """``host`` and each parent domain above it: "a.b.example.com", "b.example.com", ...

    An IP address is itself alone: "192.0.2.7" has no parent "0.2.7", and an IPv6 address
    no dot to split at. So is a name whose last label is a number ("10.192.0.2.7"): no
    top-level domain is numeric, and browsers refuse such a host, so it has no parent, and
    none of its tails is the address it ends like.
    """
    if ":" in host or host.rpartition(".")[2].isdigit():
        yield host
        return
    tail = resolvable_tail(host)
    if tail is not host:  # longer than DNS allows: no rule names a parent above the tail
        yield host
        host = tail
    while "." in host:
        yield host
        host = host.partition(".")[2]


def canonical_host(host: str) -> str:
    """``host`` in the module's canonical form: "Mail.Bücher.DE." -> "mail.xn--bcher-kva.de".

    Lower case, no brackets or trailing dot, internationalised labels in ``xn--`` form: the
    form every function here answers in (the state's keys and the models' inputs too).
    """
    h = host.strip().rstrip(".").lower()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    # Longer than DNS allows, it is nobody's name: kept as written. Python's IDNA codec
    # maps every character before it checks a length (13 µs a character here: a crafted
    # 4 MB return path would take a minute).
    return h if h.isascii() or len(h) > MAX_NAME_CHARS else _to_ascii(h)


def canonical_link_host(host: str) -> str:
    """``host`` as verdicts name a link's host, and link blocks and hunts compare it.

    :func:`canonical_host`, with an IP address as :func:`ip_host` writes it, so a block or a
    hunt finds a host however a message spelt it. Only there: the state and the models keep
    an address as the link spelt it, as the shipped model learnt it.
    """
    h = canonical_host(host)
    if ":" in h or h[-1:].isdigit():
        return ip_host(h) or h
    return h


def ip_host(host: str) -> str | None:
    """The address a browser connects to for ``host``, if it is an IP literal; else None.

    "2001:DB8:0::1" -> "2001:db8::1"; an IPv4-mapped IPv6 address as its IPv4 address; and
    the IPv4 spellings browsers accept (the WHATWG URL standard's parser: each dot-separated
    part decimal, hex "0x…" or octal "0…", the last part filling the remaining bytes), so
    "3232235777", "0xc0.0xa8.1.1" and "0300.0250.1.1" are all "192.168.1.1". Phishing links
    spell an address so to slip past a block or a hunt written in the usual form.
    """
    h = host.lower()
    if ":" in h:
        try:
            address = ipaddress.IPv6Address(h)
        except ValueError:
            return None
        mapped = address.ipv4_mapped
        return str(mapped) if mapped is not None else address.compressed
    parts = h.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()  # "1.2.3.4." like a domain's trailing dot
    if not 1 <= len(parts) <= 4 or not parts[-1][-1:].isdigit():
        return None
    numbers = []
    for part in parts:
        try:
            if part[:2] == "0x":
                numbers.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part[0] == "0":
                numbers.append(int(part, 8))
            else:
                numbers.append(int(part, 10) if part.isdigit() else -1)
        except ValueError:
            return None
        if numbers[-1] < 0:
            return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return str(ipaddress.IPv4Address(value))


def _is_ip(host: str) -> bool:
    if ":" in host:
        return True  # host names cannot hold a colon; only IPv6 literals do
    if not host[-1:].isdigit():
        return False
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


class _Rules(NamedTuple):
    """The public-suffix list's ICANN rules as sets of dotted suffixes (Unicode labels)."""

    exact: frozenset[str]  # "co.uk"
    wildcard: frozenset[str]  # "*.kawasaki.jp" as "kawasaki.jp"
    exception: frozenset[str]  # "!city.kawasaki.jp" as "city.kawasaki.jp"
    inner: frozenset[str]  # every rule's dotted tails: the walk goes on while it is in one


@cache
def _rules() -> _Rules:
    tlds = _extractor().tlds  # the bundled snapshot, ICANN section only (its default)
    exact = frozenset(r for r in tlds if not r.startswith(("*.", "!")))
    wildcard = frozenset(r[2:] for r in tlds if r.startswith("*."))
    exception = frozenset(r[1:] for r in tlds if r.startswith("!"))
    inner = frozenset(r.split(".", k)[-1] for r in exact | wildcard
                      for k in range(r.count(".") + 1))
    return _Rules(exact, wildcard, exception, inner)


_PLAIN_HOST: Final = re.compile(r"[a-z0-9._-]+")
"""A host tldextract's URL handling leaves as it is (no scheme, user, port, path or brackets)."""


def _suffix_start(labels: list[str]) -> int | None:
    """Index of the first label of the public suffix of ``labels``, or None (none known).

    The public-suffix algorithm as tldextract's trie walks it: the longest run of rule labels
    from the right (a wildcard takes one label more, an exception one less). A set probe per
    label instead of tldextract's URL parsing around the same walk: 0.7 µs a host, not 2.2.
    """
    rules = _rules()
    found = None
    suffix = ""
    for i in range(len(labels) - 1, -1, -1):
        label = labels[i]
        if label.startswith("xn--"):  # the list is in Unicode; decoded as tldextract does
            with contextlib.suppress(UnicodeError, IndexError):
                label = idna.decode(label)
        longer = f"{label}.{suffix}" if suffix else label
        if longer in rules.inner:
            suffix = longer
            if longer in rules.exact:
                found = i
            continue
        if suffix in rules.wildcard:
            return i + 1 if longer in rules.exception else i
        break
    return found


@memoised(65536)
def _split(host: str) -> tuple[str, str]:
    """``(name, suffix)`` of the registrable domain of ``host``; ``("", "")`` for an IP/empty.

    ``name`` is the single label left of the public suffix. A host under a suffix the
    snapshot does not know ("corp.internal") splits at its last dot; a host that is itself
    a public suffix ("co.uk") has an empty name.
    """
    h = canonical_host(host)
    if not h or _is_ip(h):
        return "", ""
    found = _listed(h)
    if found is not None:
        return found
    name, _, suffix = h.rpartition(".")
    return name.rpartition(".")[2], suffix


def _listed(h: str) -> tuple[str, str] | None:
    """``(name, suffix)`` of canonical ``h`` under a suffix the list knows, else None."""
    if _PLAIN_HOST.fullmatch(h):
        labels = h.split(".")
        start = _suffix_start(labels)
        if start is None:
            return None
        return (labels[start - 1] if start else ""), ".".join(labels[start:])
    ext = _extractor()(h)  # what its URL handling cuts off ("a.com/x", "user@b.com")
    return (ext.domain, ext.suffix) if ext.suffix else None


@memoised(65536)
def registrable_domain(host: str) -> str:
    """The registrable domain (eTLD+1) of ``host``: "mail.acme.co.uk" -> "acme.co.uk".

    Uses the public-suffix list's ICANN section only, so "foo.github.io" -> "github.io"
    (the provider is the party that registered it; see ``detectors.urls`` for hosting).

    Args:
        host: A host name or domain, any case, optionally with a trailing dot.

    Returns:
        The lower-case registrable domain with internationalised labels in ``xn--`` form;
        the host itself (without brackets) for an IP address; the host for a bare public
        suffix or single label; ``""`` for an empty host.
    """
    h = canonical_host(host)
    if not h or _is_ip(h):
        return h
    name, suffix = _split(h)
    return f"{name}.{suffix}" if name else h


@memoised(16384)
def public_suffix(host: str) -> str:
    """The public suffix of ``host`` by the bundled list ("co.uk"), or "" if none is known.

    Unlike :func:`registrable_domain`, which falls back to the last label, this tells a real
    domain ("acme.com") from text that only looks like one ("report.docx", "v1.2").

    Args:
        host: A host name, any case.

    Returns:
        The lower-case suffix in ``xn--`` form, or "" for an unknown suffix or an IP.
    """
    h = canonical_host(host)
    if not h or _is_ip(h):
        return ""
    found = _listed(h)
    return found[1] if found is not None else ""


# --------------------------------------------------------------------------- free mail

FREEMAIL_DOMAINS: Final[frozenset[str]] = frozenset({
    # Google, Microsoft, Yahoo, AOL, Apple
    "gmail.com", "googlemail.com",
    "outlook.com", "outlook.de", "outlook.fr", "outlook.es", "outlook.it",
    "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.it", "hotmail.es",
    "hotmail.nl", "hotmail.be", "hotmail.ca", "hotmail.com.br", "hotmail.com.ar",
    "live.com", "live.co.uk", "live.fr", "live.de", "live.nl", "live.it", "live.ca",
    "msn.com", "passport.com",
    "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.es", "yahoo.it", "yahoo.ca",
    "yahoo.co.jp", "yahoo.co.in", "yahoo.com.br", "yahoo.com.ar", "yahoo.com.mx",
    "yahoo.com.au", "yahoo.gr", "ymail.com", "rocketmail.com",
    "aol.com", "aim.com", "aol.co.uk", "aol.de", "aol.fr",
    "icloud.com", "me.com", "mac.com",
    # Europe
    "gmx.de", "gmx.net", "gmx.com", "gmx.at", "gmx.ch", "gmx.fr", "web.de", "t-online.de",
    "freenet.de", "posteo.de", "mailbox.org", "mail.de",
    "orange.fr", "wanadoo.fr", "laposte.net", "free.fr", "sfr.fr",
    "libero.it", "virgilio.it", "tiscali.it", "alice.it",
    "seznam.cz", "centrum.cz", "wp.pl", "o2.pl", "onet.pl", "interia.pl",
    "btinternet.com", "sky.com", "virginmedia.com", "ntlworld.com",
    "mail.ru", "bk.ru", "inbox.ru", "list.ru", "yandex.ru", "yandex.com", "yandex.ua",
    "ya.ru", "rambler.ru", "ukr.net",
    # privacy / independent providers
    "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "tutanota.com", "tutanota.de",
    "tuta.io", "tutamail.com", "zoho.com", "zohomail.com", "fastmail.com", "fastmail.fm",
    "hushmail.com", "mail.com", "email.com", "usa.com", "gmx.us", "inbox.com",
    # Asia / Americas ISPs
    "qq.com", "163.com", "126.com", "yeah.net", "sina.com", "sohu.com", "aliyun.com",
    "naver.com", "daum.net", "hanmail.net", "rediffmail.com",
    "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "cox.net",
    "charter.net", "earthlink.net", "shaw.ca", "rogers.com", "bigpond.com", "uol.com.br",
    "bol.com.br", "terra.com.br",
    # disposable
    "mailinator.com", "guerrillamail.com", "yopmail.com", "10minutemail.com",
    "temp-mail.org", "sharklasers.com",
})


@memoised(65536)
def is_freemail(domain: str) -> bool:
    """Whether ``domain`` (or its registrable domain) is a public free-mail provider.

    Memoised like the other per-domain functions: it is asked once per message and more.

    Args:
        domain: A domain or host, any case.

    Returns:
        True for "gmail.com", "mx.gmail.com", "GMX.de"; False for company domains.
    """
    d = domain.strip().rstrip(".").lower()
    return d in FREEMAIL_DOMAINS or registrable_domain(d) in FREEMAIL_DOMAINS


# --------------------------------------------------------------------------- URL host


class UrlParts(NamedTuple):
    """The pieces of a link the detectors look at.

    Attributes:
        scheme: Lower-case scheme, ``""`` when the link had none ("www.acme.com/x").
        userinfo: Anything left of ``@`` in the authority ("paypal.com" in
            "http://paypal.com@evil.net/").
        host: Lower-case host without port, brackets or trailing dot; ``""`` when the
            scheme has no host (``data:``, ``javascript:``, ``tel:``).
        path: Everything after the authority (path, query and fragment).
    """

    scheme: str
    userinfo: str
    host: str
    path: str


# The common shape, "http(s)://host[:port]" followed by the path or nothing, in one match;
# anything else (userinfo, IPv6, odd slashes, no scheme) takes the general path below.
_PLAIN_HTTP: Final = re.compile(
    r"(https?)://([A-Za-z0-9\-_]+(?:\.[A-Za-z0-9\-_]+)*)\.?(?::\d{1,5})?(?=[/?#]|\Z)",
    re.IGNORECASE,
)
# The same for an ASCII link without IGNORECASE, which costs ~40% of the match: on ASCII text
# the case-folded pattern matches exactly this (it differs only on the Kelvin sign, the long s
# and the dotless i, which ``[A-Za-z]`` matches under IGNORECASE).
_PLAIN_HTTP_ASCII: Final = re.compile(
    r"([hH][tT][tT][pP][sS]?)://([A-Za-z0-9\-_]+(?:\.[A-Za-z0-9\-_]+)*)\.?(?::\d{1,5})?"
    r"(?=[/?#]|\Z)")
_new_parts: Final = tuple.__new__
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_AUTHORITY_END: Final = re.compile(r"[/?#\\]")
_HIERARCHICAL: Final = frozenset({"http", "https", "ftp", "ftps", "ws", "wss", "hxxp",
                                  "hxxps", "sftp", "smb", "file"})


def parse_url(url: str) -> UrlParts:
    """Split a link as a browser would, tolerating what mail bodies contain.

    Handles scheme-less links ("www.acme.com/x", "acme.com:8080/x"), protocol-relative
    ("//acme.com"), backslashes or a single slash after the scheme ("http:/acme.com", as
    browsers normalise them), userinfo, ports and IPv6 literals.
    ``mailto:`` links yield the address' domain as host.

    Args:
        url: The link as found in the message.

    Returns:
        Scheme, userinfo, host and the rest of the link.
    """
    plain = (_PLAIN_HTTP_ASCII if url.isascii() else _PLAIN_HTTP).match(url)
    if plain is not None and not url[-1:].isspace():
        scheme, host = plain.group(1, 2)
        # tuple.__new__ skips the NamedTuple's Python-level __new__ (same object).
        return cast(UrlParts, _new_parts(UrlParts, (scheme.lower(), "", host.lower(),
                                                    url[plain.end():])))
    s = url.strip().strip("<>\"'")
    scheme = ""
    rest = s
    colon = s.find(":")
    if colon > 0 and _SCHEME.fullmatch(s, 0, colon) and not s[colon + 1:colon + 2].isdigit():
        scheme = s[:colon].lower()
        rest = s[colon + 1:]
        if scheme == "mailto":
            address = rest.partition("?")[0]
            return UrlParts(scheme, address.rpartition("@")[0],
                            address.rpartition("@")[2].strip().rstrip(".").lower(), "")
        if rest[:1] in ("/", "\\"):
            rest = rest.lstrip("/\\")
        elif scheme not in _HIERARCHICAL:
            return UrlParts(scheme, "", "", rest)
    else:
        rest = s.lstrip("/\\")
    end = _AUTHORITY_END.search(rest)
    if end is None:
        authority, path = rest, ""
    else:
        authority, path = rest[:end.start()], rest[end.start():]
    userinfo, _, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        host = hostport[1:hostport.find("]")] if "]" in hostport else hostport[1:]
    else:
        host = hostport.partition(":")[0]
    return UrlParts(scheme, userinfo, host.strip().rstrip(".").lower(), path)


def url_host(url: str) -> str:
    """The lower-case host of a link ("" if it has none); see :func:`parse_url`.

    Args:
        url: The link as found in the message.

    Returns:
        "evil.net" for "http://paypal.com@Evil.NET:8080/x"; "::1" for "http://[::1]/".
    """
    return parse_url(url).host


# --------------------------------------------------------------------------- lookalikes

TECHNIQUES: Final[tuple[str, ...]] = (
    "punycode", "homoglyph", "tld_swap", "edit_distance", "hyphen_or_affix",
)
"""Lookalike techniques, in the order that breaks ties between equally distant matches."""

_AFFIX_MIN_NAME: Final = 4
_AFFIX_MIN_REST: Final = 2
_EDIT_MIN_NAME: Final = 5
_EDIT2_MIN_NAME: Final = 9

# Applied after the Unicode folding, to ASCII skeletons on both sides.
_ASCII_FOLD: Final = str.maketrans({"0": "o", "1": "l", "5": "s"})
_ASCII_PAIRS: Final = (("rn", "m"), ("vv", "w"), ("cl", "d"))


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A domain that imitates a protected one.

    Attributes:
        domain: The registrable domain examined (``xn--`` form for IDNs).
        target: The protected registrable domain it imitates.
        technique: One of :data:`TECHNIQUES`.
        distance: Optimal-string-alignment distance between the two registrable domains as a
            reader sees them (IDNs decoded), e.g. 1 for "paypa1.com"/"paypal.com".
        similarity: ``1 - distance / max(len)``, in [0, 1].
    """

    domain: str
    target: str
    technique: str
    distance: int
    similarity: float


@cache
def _confusables() -> dict[int, str]:
    """Non-ASCII code point -> the ASCII letter, digit or hyphen it can pass for."""
    raw = json.loads(resources.files("confusable_homoglyphs")
                     .joinpath("confusables.json").read_text(encoding="utf-8"))
    targets = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
    table: dict[int, str] = {}

    def add(char: str, target: str) -> None:
        char = char.strip("\u200e\u200f")
        if len(char) == 1 and not char.isascii():
            table.setdefault(ord(char), target)

    for key, entries in raw.items():
        for entry in entries:
            other = entry["c"].strip("\u200e\u200f")
            if key in targets:
                add(other, key)
            elif other in targets:
                add(key, other)
    return table


def preload() -> None:
    """Read the confusables table now rather than in the first batch with a non-ASCII domain.

    It is ~60 ms of JSON parsing: paid lazily, it stalled whichever batch first met an IDN.
    """
    _confusables()


def as_read(text: str) -> str:
    """``text`` as a reader takes it: diacritics dropped, look-alike letters made ASCII.

    Every non-ASCII character the Unicode confusables data says can pass for an ASCII
    letter, digit or hyphen becomes it ("MetɑMɑsk" -> "MetaMask", Cyrillic "Lоwеs" ->
    "Lowes"); other characters stay. Case is kept. ASCII text is returned as it is.
    """
    if text.isascii():
        return text
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s.translate(_confusables())


@memoised(65536)
def _skeleton(label: str) -> str:
    """What ``label`` looks like: diacritics dropped, confusables and rn/vv/cl/0/1/5 folded."""
    s = label if label.isascii() else as_read(label).lower()
    s = s.translate(_ASCII_FOLD)
    for pair, single in _ASCII_PAIRS:
        if pair in s:
            s = s.replace(pair, single)
    return s


def _decode_label(label: str) -> str | None:
    """The Unicode form of an ``xn--`` label, or None if it is not valid punycode."""
    try:
        return label.encode("ascii").decode("idna")
    except UnicodeError:
        return None


def _deletions(s: str) -> set[str]:
    return {s[:i] + s[i + 1:] for i in range(len(s))}


@lru_cache(maxsize=65536)
def _variants(name: str) -> frozenset[str]:
    """``name`` and its one-deletion variants: the ``by_deletion`` keys an edit lookup reads.

    Memoised: a sender domain is matched again at each version of its tenant's growing set
    (and once more for its probe keys), and its variants are the same every time.
    """
    return frozenset(_deletions(name) | {name})


class _Targets:
    """The candidate set, indexed once so that each lookup is O(label length).

    Hashes by identity: it is built once per distinct candidate set (``_targets`` cache) and
    then used as part of the per-domain cache key.

    A tenant's trusted domains grow a few at a time (``trusted_domains()`` hands over a new
    frozenset after every batch that met a new correspondent; 158 versions over a 20,000
    message Enron replay). Re-indexing the whole set for each version, and starting each one
    with a cold result cache, cost the lookalike rule 13-20 µs per message there. So a set
    that extends a recently indexed one (``parent``) copies the parent's tables and indexes
    only the added domains, remembering every table key they touched (``delta_keys``).
    Every technique is a test between the examined domain and *one* candidate, reached
    through those keys; a domain whose probe keys (:func:`_probe`) miss ``delta_keys`` has
    the parent's answer (and one that misses ``root_delta_keys``, the root's).
    """

    __slots__ = ("by_deletion", "by_name", "by_skeleton", "delta_keys", "depth", "glued",
                 "long_by_len", "long_names", "names", "parent", "registrable", "root",
                 "root_delta_keys", "shown")

    def __init__(self, candidates: Iterable[str], parent: _Targets | None = None) -> None:
        """Index ``candidates``; with ``parent``, only those not among the parent's.

        With a parent, ``candidates`` are the domains added since the parent's set (the
        parent's registrable domains cover the rest), so a version costs what it adds.
        """
        regs = frozenset(r for r in map(registrable_domain, candidates) if r)
        self.parent = parent
        self.delta_keys: set[object] = set()
        if parent is None:
            self.depth = 0
            self.registrable: frozenset[str] = regs
            self.shown: dict[str, str] = {}
            self.names: dict[str, list[str]] = {}  # ASCII name -> registrable domains
            self.by_name: dict[str, list[str]] = {}
            self.by_skeleton: dict[str, list[str]] = {}
            self.glued: dict[str, list[str]] = {}
            self.by_deletion: dict[str, frozenset[str]] = {}
            self.long_names: dict[int, list[str]] = {}
            added = regs
        else:
            # Shallow copies: ``_add`` replaces a value it changes, never mutates it, so the
            # parent's tables stay as they were.
            self.depth = parent.depth + 1
            self.registrable = parent.registrable | regs
            self.shown = dict(parent.shown)
            self.names = dict(parent.names)
            self.by_name = dict(parent.by_name)
            self.by_skeleton = dict(parent.by_skeleton)
            self.glued = dict(parent.glued)
            self.by_deletion = dict(parent.by_deletion)
            self.long_names = dict(parent.long_names)
            added = regs - parent.registrable
        for reg in sorted(added):
            self._add(reg)
        if parent is None:
            self.delta_keys = set()  # a root answers every lookup itself
            self.root = self
            self.root_delta_keys: set[object] = set()
        else:
            # The keys touched since the root: a lookup that misses them all has the root's
            # answer in one step instead of one step per version.
            self.root = parent.root
            self.root_delta_keys = parent.root_delta_keys | self.delta_keys
        self.long_by_len = self._long_buckets(parent)

    def _long_buckets(self, parent: _Targets | None) -> dict[int, tuple[str, ...]]:
        """The long names by length within 2 of each length, for the 2-edit OSA batch.

        A version that adds no long name shares its parent's buckets; one that does
        rebuilds only the buckets within 2 of the lengths it added (a bucket is a pure
        function of ``long_names``, so the result equals a full rebuild).
        """
        long_names = self.long_names
        if parent is None:
            lengths: Iterable[int] = range(1, max(long_names, default=-2) + 3)
            out: dict[int, tuple[str, ...]] = {}
        else:
            added = {n for n, names in long_names.items()
                     if names is not parent.long_names.get(n)}
            if not added:
                return parent.long_by_len
            lengths = sorted({n + d for n in added for d in (-2, -1, 0, 1, 2) if n + d >= 1})
            out = dict(parent.long_by_len)
        for n in lengths:
            bucket = [x for d in (-2, -1, 0, 1, 2) for x in long_names.get(n + d, ())]
            if bucket:
                out[n] = tuple(bucket)
            else:
                out.pop(n, None)
        return out

    def _add(self, reg: str) -> None:
        """Index one registrable domain; the keys it adds or changes go to ``delta_keys``."""
        name, suffix = _split(reg)
        if not name or not suffix:
            return
        touched = self.delta_keys
        display = name
        if name.startswith("xn--"):
            display = _decode_label(name) or name
        self.shown[reg] = f"{display}.{suffix}"
        _append(self.by_name, name, reg, touched)
        _append(self.by_skeleton, _skeleton(display), reg, touched)
        flat_suffix = suffix.replace(".", "")
        dashed_suffix = suffix.replace(".", "-")
        for glued in {name + flat_suffix, f"{name}-{dashed_suffix}", f"{name}-{flat_suffix}"}:
            _append(self.glued, glued, reg, touched)
        if name.startswith("xn--"):
            return
        _append(self.names, name, reg, touched)
        if len(name) >= _EDIT_MIN_NAME:
            for variant in _deletions(name) | {name}:
                touched.add(variant)
                self.by_deletion[variant] = self.by_deletion.get(variant, frozenset()) | {name}
        if len(name) >= _EDIT2_MIN_NAME:
            _append(self.long_names, len(name), name, touched)
            touched.update(len(name) + d for d in (-2, -1, 0, 1, 2))


def _append(table: dict, key: object, value: str, touched: set[object]) -> None:
    touched.add(key)
    table[key] = [*table.get(key, ()), value]


class _ProbeRecorder(dict):  # type: ignore[type-arg]
    """A table that holds nothing and remembers every key a lookup asked it for."""

    def __init__(self, asked: set[object]) -> None:
        super().__init__()
        self.asked = asked

    def get(self, key: object, default: object = None) -> object:
        self.asked.add(key)
        return default

    def __contains__(self, key: object) -> bool:
        self.asked.add(key)
        return False


@lru_cache(maxsize=65536)
def _probe(domain: str, capital_i: bool) -> frozenset[object]:
    """Every table key :func:`_lookalike` reads for ``domain`` before it can find a match.

    Found by running the lookup itself against tables that record the keys asked for, so
    the set cannot drift from the lookup code. A lookup whose keys are all absent from a
    table set finds nothing in it.
    """
    keys: set[object] = set()
    recorder = object.__new__(_Targets)
    for slot in ("by_deletion", "by_name", "by_skeleton", "glued", "long_by_len", "names"):
        setattr(recorder, slot, _ProbeRecorder(keys))
    recorder.registrable = frozenset()
    recorder.shown = {}
    recorder.parent = None
    recorder.root = recorder
    _match(domain, capital_i, recorder)
    return frozenset(keys)


_MAX_DEPTH: Final = 32
_RECENT_SETS: Final = 64


class _Recent:
    """The candidate sets indexed lately, newest last: where a grown set finds its parent."""

    def __init__(self) -> None:
        self.sets: dict[frozenset[str], _Targets] = {}

    def index(self, candidates: frozenset[str]) -> _Targets:
        # The largest subset (the newest of equals): usually the previous version of the
        # same tenant's set. Not merely the newest: a one-domain set looked up in between (a
        # domain profile's ``lookalike_of``) is a subset too, and growing from it re-indexed
        # the whole set and started a lineage with none of the tenant's answers. A set of
        # another tenant fails the subset test at its first element.
        parent: _Targets | None = None
        parent_set: frozenset[str] = frozenset()
        size = -1
        for c, t in reversed(self.sets.items()):
            if size < len(c) <= len(candidates) and c <= candidates:
                parent, parent_set, size = t, c, len(c)
        if parent is not None and parent.depth < _MAX_DEPTH:
            built = _Targets(candidates - parent_set, parent)
        else:
            built = _Targets(candidates)
        if len(self.sets) >= _RECENT_SETS:
            del self.sets[next(iter(self.sets))]
        self.sets[candidates] = built
        return built


_recent = _Recent()


@lru_cache(maxsize=256)
def _targets(candidates: frozenset[str] | tuple[str, ...]) -> _Targets:
    if isinstance(candidates, frozenset):
        return _recent.index(candidates)
    return _Targets(candidates)


def _edit_matches(name: str, targets: _Targets) -> set[str]:
    """Candidate names within the allowed OSA distance of ``name`` (by candidate length)."""
    found: set[str] = set()
    by_deletion = targets.by_deletion
    for variant in _variants(name):
        hit = by_deletion.get(variant)
        if hit:
            found |= hit
    matches = {c for c in found
               if c != name and OSA.distance(name, c, score_cutoff=1) <= 1}
    bucket = targets.long_by_len.get(len(name))
    if bucket:
        for cand, dist, _ in process.extract(name, bucket, scorer=OSA.distance,
                                             score_cutoff=2, limit=None):
            if cand != name and dist <= 2:
                matches.add(cand)
    return matches


def _affix_matches(name: str, targets: _Targets) -> set[str]:
    """Candidate names that ``name`` wraps: acme-invoices, acmepay, secure-acme, my-acme-hr."""
    found: set[str] = set()
    names = targets.names
    for token in name.split("-"):
        if len(token) >= _AFFIX_MIN_NAME and token != name and token in names:
            found.add(token)
    for k in range(_AFFIX_MIN_NAME, len(name) - _AFFIX_MIN_REST + 1):
        prefix, suffix = name[:k], name[-k:]
        if prefix in names:
            found.add(prefix)
        if suffix in names:
            found.add(suffix)
    return found


def _best(domain: str, shown: str, targets: _Targets,
          matches: list[tuple[str, str]]) -> Lookalike | None:
    best: Lookalike | None = None
    best_key: tuple[int, int, str] | None = None
    for technique, target in matches:
        target_shown = targets.shown.get(target, target)
        distance = int(OSA.distance(shown, target_shown))
        key = (distance, TECHNIQUES.index(technique), target)
        if best_key is None or key < best_key:
            best_key = key
            longest = max(len(shown), len(target_shown)) or 1
            best = Lookalike(domain, target, technique, distance,
                             round(1.0 - distance / longest, 4))
    return best


_MAX_RESULTS: Final = 65536
_results: dict[tuple[str, bool, _Targets], Lookalike | None] = {}
"""Lookup results by (domain, capital I, candidate index); a dict rather than ``lru_cache``
because :func:`_resolve` asks whether an answer is known without computing it."""


def _lookalike(domain: str, capital_i: bool, targets: _Targets) -> Lookalike | None:
    key = (domain, capital_i, targets)
    try:
        return _results[key]
    except KeyError:
        pass
    found = _resolve(domain, capital_i, targets)
    if len(_results) >= _MAX_RESULTS:
        for old in list(_results)[:_MAX_RESULTS // 2]:  # oldest half, amortised O(1)
            del _results[old]
    _results[key] = found
    return found


def _resolve(domain: str, capital_i: bool, targets: _Targets) -> Lookalike | None:
    """The parent's or the root's known answer when the added domains cannot change it.

    A domain never looked up against an ancestor is matched directly: its probe keys would
    cost a second match.
    """
    parent = targets.parent
    if parent is not None and registrable_domain(domain) not in targets.registrable:
        at_root = (domain, capital_i, targets.root)
        at_parent = (domain, capital_i, parent)
        if at_root in _results or at_parent in _results:
            probe = _probe(domain, capital_i)
            if at_root in _results and probe.isdisjoint(targets.root_delta_keys):
                return _results[at_root]
            if at_parent in _results and probe.isdisjoint(targets.delta_keys):
                return _results[at_parent]
    return _match(domain, capital_i, targets)


def _match(domain: str, capital_i: bool, targets: _Targets) -> Lookalike | None:
    reg = registrable_domain(domain)
    if not reg or reg in targets.registrable or reg in FREEMAIL_DOMAINS:
        return None
    name, suffix = _split(reg)
    if not name or len(name) > MAX_LABEL_CHARS:
        # Not a registrable name, and the deletion and affix variants of a long one cost
        # the square of its length (a crafted 12,000-character label: 0.1 s).
        return None
    matches: list[tuple[str, str]] = []

    if name.startswith("xn--"):
        decoded = _decode_label(name)
        if decoded is None:
            return None
        shown = f"{decoded}.{suffix}"
        skeleton = _skeleton(decoded)
        matches += [("punycode", t) for t in targets.by_skeleton.get(skeleton, ())]
        if skeleton.isascii():
            for cand in _edit_matches(skeleton, targets):
                matches += [("punycode", t) for t in targets.names[cand]]
        return _best(reg, shown, targets, matches)

    shown = reg
    matches += [("tld_swap", t) for t in targets.by_name.get(name, ())]
    matches += [("tld_swap", t) for t in targets.glued.get(name, ())]
    skeleton = _skeleton(name)
    skeletons = {skeleton}
    if capital_i:
        # "gmaiI.com": the capital I was a lower-case l to the reader.
        folded = _split(domain.replace("I", "l"))[0]
        if folded:
            skeletons.add(_skeleton(folded))
    for sk in skeletons:
        matches += [("homoglyph", t) for t in targets.by_skeleton.get(sk, ())
                    if _split(t)[0] != name]
    for cand in _edit_matches(name, targets):
        matches += [("edit_distance", t) for t in targets.names[cand]]
    for cand in _affix_matches(name, targets) | (
            _affix_matches(skeleton, targets) if skeleton != name else set()):
        matches += [("hyphen_or_affix", t) for t in targets.names[cand]]
    return _best(reg, shown, targets, matches)


def lookalike(domain: str, candidates: Iterable[str]) -> Lookalike | None:
    """Whether ``domain`` imitates one of the protected ``candidates``, and how.

    Both sides are reduced to registrable domains. No result when the domain *is* a
    candidate (or a subdomain of one), is a public free-mail provider (it cannot be an
    attacker's registration), or is an IP. Techniques, for the name left of the public
    suffix:

    - ``punycode``: an ``xn--`` name whose decoded form folds (confusables, diacritics) to a
      candidate's skeleton, or to within one edit of a candidate name;
    - ``homoglyph``: ASCII look-alike folding (rn→m, vv→w, cl→d, 0→o, 1→l, 5→s; a capital I
      in a mixed-case domain read as l) makes the names equal;
    - ``tld_swap``: same name under another suffix (acme.co, acme.de) or the candidate's
      suffix glued on (acme-com.net, acmecom.net);
    - ``edit_distance``: OSA distance 1 to a candidate name of 5+ characters, or 2 for 9+;
    - ``hyphen_or_affix``: a candidate name of 4+ characters as a hyphen token, prefix or
      suffix with 2+ characters added (acme-invoices, acmepay, secure-acme).

    The check is lexical only: "microsoftonline.com" is reported as an affix lookalike of
    "microsoft.com"; related domains an organisation owns belong in ``candidates``.

    Cost: the candidate set is indexed once (O(total name length); cached for the 256 most
    recent sets) -- pass the same ``frozenset`` each time, whose hash CPython caches, so the
    lookup is O(1); a list or set is copied into a frozenset on every call (~10 µs for 500).
    Each new ``(domain, candidate set)`` then costs O(L) dictionary probes for L name
    characters (skeleton, L deletion variants, L prefixes/suffixes) plus one bit-parallel OSA
    batch over the 9+-character candidate names within 2 of its length -- independent of how
    many short candidates there are; repeats are a cache hit. A set that extends a recently
    seen one (a tenant's trusted domains after a new correspondent) indexes only the added
    domains and keeps the answers they cannot change (see ``_Targets``).

    Args:
        domain: The domain to judge (sender domain, link host, reply-to domain...).
        candidates: Protected domains: the tenant's own, partners, brands.

    Returns:
        The closest imitation (lowest distance; ties by technique order, then target name),
        or None.
    """
    if len(domain) > MAX_NAME_CHARS:
        return None  # nobody's name, and its answer is not worth keeping (detectors.memo)
    if not isinstance(candidates, frozenset | tuple):
        candidates = frozenset(candidates)
    capital_i = "I" in domain and not domain.isupper()
    return _lookalike(domain, capital_i, _targets(candidates))

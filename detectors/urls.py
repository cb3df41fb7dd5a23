"""Link risk: what the links of one message point at and how they try to hide it.

``assess_urls(urls, sender_domain)`` counts, over the message's links, the signals of
phishing links -- raw-IP and punycode hosts, URL shorteners, free hosting/form/file-share
services, anchor text naming another domain than the link's, credential-lure paths on
foreign links, ``user@`` in the authority, deep subdomains and very long hosts, cheap
abused TLDs, ``data:``/``javascript:`` links, links sent through a search engine's open
redirect -- and keeps the first example of each as evidence. It also lists the registrable
link domains the state records.

Links rewritten by mail-security gateways (Microsoft Safe Links, Proofpoint URL Defense,
Google redirects, Barracuda Link Protect) are judged by the destination they wrap; otherwise
every link in a protected tenant would look like a link to outlook.com. Search engines' open
redirects (Bing click links, Google AMP) are judged by their destination too, and counted: a
gateway rewrites every link of a tenant, while a kit chooses the redirect to hide its host.

Per-host facts are memoised (the same hosts recur across a campaign and across tenants); the
per-link work is the URL split, one path regex and, when there is anchor text, one regex.
"""

from __future__ import annotations

import binascii
import re
from base64 import b64decode
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import parse_qs, unquote

from detectors.domains import (
    UrlParts,
    canonical_host,
    canonical_link_host,
    domain_and_parents,
    parse_url,
    public_suffix,
    registrable_domain,
)
from detectors.memo import memoised
from schemas.records import Url

__all__ = [
    "FREE_HOSTING",
    "SHORTENERS",
    "SIGNAL_WEIGHTS",
    "SUSPICIOUS_TLDS",
    "UrlRisk",
    "assess_urls",
    "link_hosts",
]

MAX_URLS: Final = 64
"""Links examined per message (a newsletter can carry hundreds; the first ones tell)."""

MAX_DOMAINS: Final = 32
"""Registrable link domains (for the state) and link hosts (for the verdict) kept per message."""
MAX_EVIDENCE_CHARS: Final = 120
LONG_HOST_CHARS: Final = 60
DEEP_LABELS: Final = 4
"""Labels above the public suffix from which a host counts as deep (a.b.c.evil.com)."""

SHORTENERS: Final[frozenset[str]] = frozenset({
    "bit.ly", "bitly.com", "bit.do", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "v.gd",
    "buff.ly", "rebrand.ly", "cutt.ly", "shorturl.at", "rb.gy", "t.ly", "tiny.cc", "s.id",
    "shorte.st", "adf.ly", "bl.ink", "lnkd.in", "qrco.de", "short.io", "soo.gd", "clck.ru",
    "u.to", "x.co", "tr.im", "po.st", "mcaf.ee", "db.tt", "urlz.fr", "trib.al", "snip.ly",
    "spoo.me", "gg.gg", "t2m.io", "shrtco.de", "tny.im", "kutt.it", "surl.li", "y2u.be",
    "1url.com", "zpr.io", "cli.re", "grabify.link", "iplogger.org", "2no.co", "qr.net",
    "tinyurl.is", "shorturl.com", "page.link", "2u.pw", "ibit.ly", "vk.cc",
})
"""Link shorteners: the destination is hidden from the reader and from the filter."""

FREE_HOSTING: Final[frozenset[str]] = frozenset({
    # site builders and static hosting
    "firebaseapp.com", "web.app", "appspot.com", "sites.google.com", "script.google.com",
    "weebly.com", "weeblysite.com", "wixsite.com", "editorx.io", "000webhostapp.com",
    "godaddysites.com", "square.site", "webflow.io", "carrd.co", "mystrikingly.com",
    "strikingly.com", "yolasite.com", "jimdosite.com", "site123.me", "wordpress.com",
    "blogspot.com", "github.io", "gitlab.io", "herokuapp.com", "azurewebsites.net",
    "blob.core.windows.net", "web.core.windows.net", "azureedge.net", "glitch.me",
    "netlify.app", "netlify.com", "vercel.app", "now.sh", "pages.dev", "workers.dev",
    "run.app", "cloudfunctions.net",
    "r2.dev", "onrender.com", "fly.dev", "replit.app", "repl.co", "surge.sh", "notion.site",
    "gitbook.io", "canva.site", "sway.office.com", "s3.amazonaws.com",
    "firebasestorage.googleapis.com", "storage.googleapis.com",
    # tunnels and dynamic DNS
    "ngrok.io", "ngrok-free.app", "ngrok.app", "ngrok.dev", "trycloudflare.com", "loca.lt",
    "serveo.net", "duckdns.org", "ddns.net", "hopto.org", "zapto.org", "sytes.net",
    # IPFS gateways
    "ipfs.io", "dweb.link", "cloudflare-ipfs.com", "nftstorage.link", "w3s.link",
    "mypinata.cloud", "fleek.co",
    # forms
    "forms.gle", "forms.office.com", "typeform.com", "jotform.com", "formstack.com",
    "wufoo.com", "123formbuilder.com", "forms.zohopublic.com", "surveyheart.com",
    # anonymous file shares
    "wetransfer.com", "we.tl", "mediafire.com", "mega.nz", "sendspace.com",
    "dropboxusercontent.com", "gofile.io", "pixeldrain.com", "filetransfer.io",
    "transfer.sh", "4shared.com",
})
"""Free hosting, form, tunnel and file-share services that phishing pages are put on.

Matched on the host and its parent domains ("evil.web.app"). Mainstream business file
sharing (drive.google.com, dropbox.com, OneDrive, SharePoint) is left out: it is too common
in legitimate mail for the link alone to mean anything.
"""

_FREE_HOSTING_PATHS: Final[dict[str, tuple[str, ...]]] = {
    "docs.google.com": ("/forms",),
    "drive.google.com": ("/uc",),  # direct download, not the viewer
}

SUSPICIOUS_TLDS: Final[frozenset[str]] = frozenset({
    "zip", "mov", "top", "xyz", "click", "country", "gq", "ml", "cf", "tk", "ga", "work",
    "support", "rest", "cam", "icu", "buzz", "monster", "cyou", "sbs", "cfd", "bond", "quest",
    "lol", "loan", "bid", "date", "win", "download", "review", "racing", "stream", "men",
    "kim", "party", "surf", "bar",
})
"""TLDs with a high share of abuse in public blocklists (cheap or free registration)."""

_CLICK_TRACKERS: Final[frozenset[str]] = frozenset({
    "list-manage.com", "mailchimp.com", "sendgrid.net", "mandrillapp.com", "mailgun.org",
    "hubspotlinks.com", "hs-sites.com", "exacttarget.com", "rs6.net", "ctctcdn.com",
    "mcusercontent.com", "sparkpostmail.com", "mktoweb.com", "mkt.com", "pardot.com",
    "cmail19.com", "cmail20.com", "createsend.com", "klclick.com", "klaviyo.com",
    "awstrack.me", "mimecast.com", "mimecastprotect.com", "sendibt2.com", "sendibt3.com",
    "brevo.com", "mailjet.com", "mjt.lu", "e2ma.net", "salesforce.com",
})
"""Newsletter click trackers: their anchor text names the real site by design, so an
anchor/href domain mismatch on them is not counted."""

# Leading [^a-z] rather than a lookbehind: re then only tries the separators ("/", "-", ".")
# instead of every character (a path always starts with "/", "?" or "#").
_LURE_PATH: Final = re.compile(
    r"[^a-z](?:log-?in|log-?on|sign-?in|verif(?:y|ication)|validat(?:e|ion)|account|"
    r"password|passwd|secure|security|update|webscr|auth|oauth2?|sso|mfa|office365|o365|owa|"
    r"outlook|wp-(?:admin|login|includes|content)|confirm|unlock|recover|billing|banking|"
    r"ebayisapi|cmd=_login|session|credential)(?![a-z])"
)
_ANCHOR_DOMAIN: Final = re.compile(
    r"(?<![@\w.\-])((?:https?://)?(?:[\w](?:[\w\-]{0,61}[\w])?\.)+[a-z\u00a1-\uffff]{2,63})"
    r"(?![\w\-])"
)
_NUMERIC_HOST: Final = re.compile(r"(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}")
_FILE_LIKE_TLDS: Final = frozenset({"zip", "mov", "py", "sh", "rs", "md"})
_DANGEROUS_SCHEMES: Final = frozenset({"data", "javascript", "vbscript"})

SIGNAL_WEIGHTS: Final[dict[str, float]] = {
    "dangerous_scheme": 0.6,
    "at_in_authority": 0.6,
    "anchor_mismatch": 0.55,
    "ip_host": 0.5,
    "punycode": 0.45,
    "free_hosting": 0.35,
    "credential_path": 0.3,
    "suspicious_tld": 0.3,
    "shortener": 0.25,
    "deep_subdomain": 0.2,
    "open_redirect": 0.35,
}
"""Default per-signal weights of :attr:`UrlRisk.score` (combined as a noisy-OR of the
signals present). A detector with weights in the scores file passes its own."""


@dataclass(slots=True)
class UrlRisk:
    """Link signals of one message.

    Every count is a number of links (of the first 64) showing the signal. Read-only by
    contract, ``evidence`` included: messages without links share one instance. Not
    ``frozen``: setting 15 fields through ``object.__setattr__`` cost ~2 µs a message (see
    :class:`detectors.features.ContentFeatures`).

    Attributes:
        score: Noisy-OR of the weights of the signals present, in [0, 1].
        count: All links in the message.
        ip_host: Host is an IP address (dotted, integer or hex form).
        punycode: Host has an ``xn--`` label.
        shortener: Host is a URL shortener.
        free_hosting: Host is a free hosting, form, tunnel or file-share service.
        anchor_mismatch: Anchor text names a domain other than the link's.
        credential_path: Path has login/verify/account words, on a link outside the
            sender's domain.
        at_in_authority: ``user@`` before the host ("http://paypal.com@evil.net").
        deep_subdomain: Four or more labels above the public suffix, or a host of 60+ chars.
        suspicious_tld: TLD in :data:`SUSPICIOUS_TLDS`.
        dangerous_scheme: ``data:``, ``javascript:`` or ``vbscript:`` link.
        open_redirect: Link sent through a search engine's redirect to another site (Bing
            click links, Google AMP); the other signals, ``domains`` and ``hosts`` are the
            destination's.
        foreign: Host outside the sender's registrable domain.
        domains: Registrable link domains (the address for IP hosts), first-seen order, at
            most 32; ``data:``/``mailto:`` links have none.
        hosts: The links' hosts (:func:`~detectors.domains.canonical_link_host`; the destination
            of a gateway's rewritten link), first-seen order, at most 32: what a verdict
            names so ``mailhawk hunt --link-domain`` can find every message that linked to
            a host, down to one site on a shared hosting domain.
        evidence: Signal name to its first example (host, link or "anchor -> link domain").
    """

    score: float = 0.0
    count: int = 0
    ip_host: int = 0
    punycode: int = 0
    shortener: int = 0
    free_hosting: int = 0
    anchor_mismatch: int = 0
    credential_path: int = 0
    at_in_authority: int = 0
    deep_subdomain: int = 0
    suspicious_tld: int = 0
    dangerous_scheme: int = 0
    open_redirect: int = 0
    foreign: int = 0
    domains: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    evidence: dict[str, str] = field(default_factory=dict)


_NO_LINKS: Final = UrlRisk()
"""Shared result for a message without links (results are read-only by contract)."""


@dataclass(frozen=True, slots=True)
class _HostFacts:
    canonical: str
    registrable: str
    ip: bool
    punycode: bool
    shortener: bool
    free_hosting: bool
    deep: bool
    suspicious_tld: bool
    click_tracker: bool


@memoised(65536)
def _host_facts(host: str) -> _HostFacts:
    ip = ":" in host or _NUMERIC_HOST.fullmatch(host) is not None
    if ip:
        # One address, one name where blocks and hunts look (a block of "192.168.1.1" holds
        # a link to "3232235777"); the registrable form, which the models and the sender's
        # link history read, stays the link's own spelling, as the shipped model learnt it.
        return _HostFacts(canonical_link_host(host), host, True, False, False, False, False,
                          False, False)
    registrable = registrable_domain(host)
    suffix = registrable.partition(".")[2]
    above_suffix = host[:len(host) - len(suffix) - 1] if suffix else host
    free = any(parent in FREE_HOSTING for parent in domain_and_parents(host))
    if not free and ".amazonaws.com" in host:
        free = any(label.startswith("s3") for label in host.split("."))  # S3 buckets
    return _HostFacts(
        canonical=canonical_host(host),
        registrable=registrable,
        ip=False,
        punycode="xn--" in above_suffix,
        shortener=host in SHORTENERS or registrable in SHORTENERS,
        free_hosting=free,
        deep=above_suffix.count(".") + 1 >= DEEP_LABELS or len(host) >= LONG_HOST_CHARS,
        suspicious_tld=host.rpartition(".")[2] in SUSPICIOUS_TLDS,
        click_tracker=registrable in _CLICK_TRACKERS,
    )


def _destination(parts: UrlParts) -> UrlParts | None:
    """Where a web link leads: itself, or the link a gateway's rewrite wraps.

    None for a link without a host (``mailto:``, ``data:``, ``tel:``).
    """
    if parts.scheme == "mailto" or not parts.host:
        return None
    inner = _unwrap(parts.host, parts.path) if "." in parts.host else None
    if inner:
        parts = parse_url(inner)
        if not parts.host:
            return None
    return parts


_REDIRECT_HOSTS: Final = frozenset({"www.bing.com", "bing.com", "www.google.com", "google.com",
                                    "vk.com", "m.vk.com"})
"""Hosts of the open redirects :func:`_redirected` follows."""


def _redirected(parts: UrlParts) -> UrlParts | None:
    """Where a search engine's open redirect sends the reader, or None.

    Bing's click links (``bing.com/ck/a?…&u=a1<base64>``) and Google AMP
    (``google.com/amp/s/<site>``) take anyone to any page under a host every filter trusts.
    Kits use them so that the link a reader and a filter see is Bing or Google; a sender
    linking to its own page has no reason to route it through a search engine. VK's
    leaving-the-site page (``vk.com/away.php?to=<url>``) is the same for the platform's
    outbound links, and kits put a shortener behind it. None when the target is under the
    platform itself.

    Google Translate's proxy (``translate.google.com/translate?u=``, ``<site>.translate.goog``)
    is left out although kits use it too: people share translated pages, and the one ham
    of the development corpora with any of these links is such a share.
    """
    host, path = parts.host, parts.path
    target: str | None
    if host.endswith("bing.com") and path.startswith("/ck/a?"):
        target = _bing_target(_query_value(path.replace("&amp;", "&"), "u"))
    elif host.endswith("google.com") and path.startswith("/amp/s/"):
        target = path[len("/amp/s/"):]
    elif host.endswith("vk.com") and path.startswith("/away.php?"):
        target = _query_value(path.replace("&amp;", "&"), "to")
    else:
        return None
    if not target:
        return None
    inner = parse_url(target if "://" in target[:12] else "https://" + target)
    if not inner.host or registrable_domain(inner.host) == registrable_domain(host):
        return None
    return inner


def _bing_target(value: str | None) -> str | None:
    """The URL in a Bing click link's ``u`` parameter: ``a1`` then URL-safe base64."""
    if not value or not value.startswith("a1"):
        return None
    encoded = value[2:]
    try:
        return b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_",
                         validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None


def _landing(parts: UrlParts) -> tuple[UrlParts | None, str]:
    """Where a link leads, and the search engine's redirect it went through ("" if none).

    Gateway rewrites and open redirects are followed. None for a link without a host.
    """
    dest = _destination(parts)
    if dest is not None and dest.host in _REDIRECT_HOSTS:  # a set test; the parse if one
        inner = _redirected(dest)
        if inner is not None:
            return inner, dest.host
    return dest, ""


def link_hosts(urls: Sequence[Url]) -> Iterator[str]:
    """The host of each of ``urls`` that has one, canonical and unwrapped, in order.

    Every link, unlike :attr:`UrlRisk.hosts` (the first 64 links, 32 hosts): for a check
    that padding a message with harmless links must not get around.
    """
    for link in urls:
        parts, _ = _landing(parse_url(link.url))
        if parts is not None:
            yield _host_facts(parts.host).canonical


def _query_value(path: str, *keys: str) -> str | None:
    query = parse_qs(path.partition("?")[2])
    for key in keys:
        values = query.get(key)
        if values:
            return values[0]
    return None


def _unwrap(host: str, path: str) -> str | None:
    """The destination wrapped by a gateway's rewritten link, or None."""
    if host.endswith("safelinks.protection.outlook.com") or host == "linkprotect.cudasvc.com":
        return _query_value(path, "url", "a")
    if host in ("www.google.com", "google.com") and path.startswith("/url?"):
        return _query_value(path, "q", "url")
    if host == "urldefense.com" and path.startswith("/v3/__"):
        return path[len("/v3/__"):].partition("__;")[0]
    if host == "urldefense.proofpoint.com" and path.startswith("/v2/url"):
        encoded = _query_value(path, "u")
        if encoded:
            return unquote(encoded.replace("-", "%").replace("_", "/"))
    return None


@memoised(16384)
def _anchor_domain(anchor: str) -> str | None:
    """The registrable domain named in anchor text ("Log in at www.PayPal.com"), or None."""
    if "." not in anchor:
        return None
    for match in _ANCHOR_DOMAIN.finditer(anchor.lower()):
        token = match.group(1)
        explicit = token.startswith(("http://", "https://", "www."))
        host = token.partition("://")[2] or token
        suffix = public_suffix(host)
        if not suffix:
            continue
        if not explicit and suffix.rpartition(".")[2] in _FILE_LIKE_TLDS:
            continue  # "invoice.zip", "clip.mov" are file names before they are domains
        return registrable_domain(host)
    return None


def _clip(text: str) -> str:
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[:MAX_EVIDENCE_CHARS - 1] + "…"


def assess_urls(urls: Sequence[Url], sender_domain: str, *,
                weights: Mapping[str, float] | None = None,
                registrable: bool = False) -> UrlRisk:
    """Count the phishing signals of a message's links.

    Args:
        urls: The message's links (``MailRecord.urls``).
        sender_domain: The sender's domain or registrable domain; links under it are not
            "foreign" and their login paths are not lures.
        weights: Per-signal weights for ``score``; default :data:`SIGNAL_WEIGHTS`.
        registrable: ``sender_domain`` is a registrable domain already (the feature step's):
            not looked up again (a cold lookup of a domain not seen as a host costs ~4 µs).

    Returns:
        The counts, the evidence and the link domains.
    """
    if not urls:
        return _NO_LINKS
    own = sender_domain if registrable or not sender_domain else \
        registrable_domain(sender_domain)
    # Only the signals present are counted (most links have none): no per-message closure,
    # table of ten zeros or walk over it.
    counts: dict[str, int] = {}
    foreign = 0
    evidence: dict[str, str] = {}
    domains: dict[str, None] = {}
    hosts: dict[str, None] = {}

    for link in urls[:MAX_URLS]:
        parts = parse_url(link.url)
        if parts.scheme in _DANGEROUS_SCHEMES:
            _note(counts, evidence, "dangerous_scheme", link.url)
            continue
        dest, via = _landing(parts)
        if dest is None:
            continue
        if via:
            _note(counts, evidence, "open_redirect", f"{via} -> {dest.host}")
        parts = dest
        host = parts.host
        facts = _host_facts(host)
        if parts.userinfo:
            _note(counts, evidence, "at_in_authority", link.url)
        reg = facts.registrable
        if len(domains) < MAX_DOMAINS:
            domains[reg] = None
        if len(hosts) < MAX_DOMAINS:
            hosts[facts.canonical] = None
        if facts.ip:
            _note(counts, evidence, "ip_host", host)
            foreign += 1
            continue
        is_foreign = reg != own
        foreign += is_foreign
        if facts.punycode:
            _note(counts, evidence, "punycode", host)
        if facts.shortener:
            _note(counts, evidence, "shortener", host)
        if facts.free_hosting:
            _note(counts, evidence, "free_hosting", host)
        elif host in _FREE_HOSTING_PATHS and parts.path.startswith(_FREE_HOSTING_PATHS[host]):
            _note(counts, evidence, "free_hosting", host + parts.path.partition("?")[0])
        if facts.deep:
            _note(counts, evidence, "deep_subdomain", host)
        if facts.suspicious_tld:
            _note(counts, evidence, "suspicious_tld", host)
        if is_foreign and len(parts.path) > 1:
            # The path only: tracking queries ("?utm_campaign=product-update") say nothing.
            path = parts.path.partition("?")[0].partition("#")[0]
            if _LURE_PATH.search(path.lower()):
                _note(counts, evidence, "credential_path", host + path)
        if link.anchor_text and not facts.click_tracker:
            named = _anchor_domain(link.anchor_text)
            if named and named != reg:
                _note(counts, evidence, "anchor_mismatch", f"{named} -> {reg}")

    if not counts:
        return UrlRisk(0.0, len(urls), foreign=foreign, domains=tuple(domains),
                       hosts=tuple(hosts), evidence=evidence)
    table = SIGNAL_WEIGHTS if weights is None else weights
    keep = 1.0
    for signal in SIGNAL_WEIGHTS:  # the table's order: the same float product as ever
        if signal in counts:
            keep *= 1.0 - min(max(table.get(signal, 0.0), 0.0), 1.0)
    get = counts.get
    return UrlRisk(
        score=round(1.0 - keep, 4),
        count=len(urls),
        ip_host=get("ip_host", 0),
        punycode=get("punycode", 0),
        shortener=get("shortener", 0),
        free_hosting=get("free_hosting", 0),
        anchor_mismatch=get("anchor_mismatch", 0),
        credential_path=get("credential_path", 0),
        at_in_authority=get("at_in_authority", 0),
        deep_subdomain=get("deep_subdomain", 0),
        suspicious_tld=get("suspicious_tld", 0),
        dangerous_scheme=get("dangerous_scheme", 0),
        open_redirect=get("open_redirect", 0),
        foreign=foreign,
        domains=tuple(domains),
        hosts=tuple(hosts),
        evidence=evidence,
    )


def _note(counts: dict[str, int], evidence: dict[str, str], signal: str, example: str
          ) -> None:
    """Count one link showing ``signal``; the first one's ``example`` is the evidence."""
    if signal in counts:
        counts[signal] += 1
    else:
        counts[signal] = 1
        evidence[signal] = _clip(example)

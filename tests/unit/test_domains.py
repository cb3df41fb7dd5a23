"""Domain facts: registrable domains, free mail, URL hosts and lookalike domains."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.domains import (
    TECHNIQUES,
    Lookalike,
    _extractor,
    canonical_host,
    canonical_link_host,
    ip_host,
    is_freemail,
    lookalike,
    parse_url,
    public_suffix,
    registrable_domain,
    url_host,
)

# --------------------------------------------------------------------------- IP hosts


@pytest.mark.parametrize(("host", "address"), [
    ("192.168.1.1", "192.168.1.1"),
    ("3232235777", "192.168.1.1"),  # one decimal number
    ("0xc0.0xa8.1.1", "192.168.1.1"),  # hex parts
    ("0300.0250.1.1", "192.168.1.1"),  # octal parts
    ("192.168.257", "192.168.1.1"),  # the last part fills the bytes left
    ("192.0.2.7.", "192.0.2.7"),
    ("2001:DB8:0:0::1", "2001:db8::1"),
    ("::ffff:192.0.2.7", "192.0.2.7"),  # IPv4-mapped: the IPv4 address it reaches
    ("1.2.3.4.5", None),  # five parts: no address, and no host a browser accepts
    ("256.1.1.1", None),
    ("1.2.3.256", None),
    ("08.1.1.1", None),  # 8 is no octal digit
    ("2001:db8::g", None),
    ("evil.example", None),
    ("build.42", None),  # not every name ending in a digit is an address
    ("", None),
])
def test_ip_host_reads_an_address_as_a_browser_does(host: str, address: str | None) -> None:
    assert ip_host(host) == address


def test_a_link_host_is_written_one_way_where_blocks_and_hunts_compare_it() -> None:
    assert canonical_link_host("[2001:DB8:0::1]") == "2001:db8::1"
    assert canonical_link_host("0xC0A80101") == "192.168.1.1"
    assert canonical_link_host("Mail.Bücher.DE.") == "mail.xn--bcher-kva.de"
    assert canonical_link_host("build.42") == "build.42"
    # The state and the models keep the link's spelling, as the shipped model learnt it.
    assert canonical_host("0xC0A80101") == "0xc0a80101"
    assert registrable_domain("1086695621") == "1086695621"


# --------------------------------------------------------------------------- registrable_domain


@pytest.mark.parametrize(("host", "expected"), [
    ("acme.com", "acme.com"),
    ("mail.acme.com", "acme.com"),
    ("MAIL.Acme.COM", "acme.com"),
    ("mail.acme.com.", "acme.com"),
    ("a.b.acme.co.uk", "acme.co.uk"),
    ("www.acme.com.au", "acme.com.au"),
    ("foo.github.io", "github.io"),  # ICANN suffixes only: the provider registered it
    ("xn--pypal-4ve.com", "xn--pypal-4ve.com"),  # punycode kept as is
    ("pаypal.com", "xn--pypal-4ve.com"),  # Cyrillic а: canonical ASCII form
    ("mail.münchen.de", "xn--mnchen-3ya.de"),
    ("192.168.1.10", "192.168.1.10"),
    ("[2001:db8::1]", "2001:db8::1"),
    ("2001:db8::1", "2001:db8::1"),
    ("localhost", "localhost"),
    ("host.corp.internal", "corp.internal"),  # unknown suffix: last two labels
    ("co.uk", "co.uk"),  # a bare public suffix is returned as is
    ("", ""),
    ("   ", ""),
])
def test_registrable_domain(host: str, expected: str) -> None:
    assert registrable_domain(host) == expected


def _rule_hosts() -> st.SearchStrategy[str]:
    """Hosts built on the list's own rules (wildcards, exceptions, Unicode suffixes)."""
    rules = sorted(r.lstrip("*.!") for r in _extractor().tlds)
    labels = st.sampled_from(["", "a", "www", "city", "x-y", "b_c", "xn--55qx5d", "xn--zz",
                              "0", "-"])
    return st.builds(lambda pre, rule: ".".join([*pre, canonical_host(rule)]),
                     st.lists(labels, max_size=3), st.sampled_from(rules))


def _agrees_with_tldextract(host: str) -> None:
    ext = _extractor()(host)
    if not host or host.rpartition(".")[2].isdigit():
        return  # IP-like: both give no suffix, and registrable_domain keeps the host
    want = f"{ext.domain}.{ext.suffix}" if ext.suffix and ext.domain else None
    if want is not None:
        assert registrable_domain(host) == want
    assert public_suffix(host) == ext.suffix


@settings(max_examples=400)
@given(_rule_hosts())
def test_the_suffix_walk_agrees_with_tldextract(host: str) -> None:
    # registrable_domain walks the list itself (a set probe a label, no URL parsing); the
    # library's own answer is the reference, on hosts made of the list's hardest rules.
    _agrees_with_tldextract(host)


def test_the_suffix_walk_agrees_with_tldextract_under_every_rule() -> None:
    for rule in _extractor().tlds:  # wildcards ("*.ck") and exceptions ("!www.ck") too
        base = canonical_host(rule.lstrip("*.!"))
        for host in (base, f"a.{base}", f"x.a.{base}"):
            _agrees_with_tldextract(host)


@pytest.mark.parametrize(("host", "expected"), [
    ("acme.co.uk", "co.uk"),
    ("www.acme.com", "com"),
    ("report.docx", ""),
    ("v1.2", ""),
    ("10.0.0.1", ""),
    ("", ""),
])
def test_public_suffix_tells_domains_from_file_names(host: str, expected: str) -> None:
    assert public_suffix(host) == expected


# --------------------------------------------------------------------------- free mail


@pytest.mark.parametrize("domain", [
    "gmail.com", "GMAIL.COM", "googlemail.com", "outlook.com", "hotmail.co.uk", "live.com",
    "yahoo.co.jp", "aol.com", "icloud.com", "gmx.de", "web.de", "mail.ru", "yandex.ru",
    "proton.me", "protonmail.com", "qq.com", "163.com", "zoho.com", "mx.gmail.com",
])
def test_freemail_providers(domain: str) -> None:
    assert is_freemail(domain)


@pytest.mark.parametrize("domain", ["acme.com", "gmail.co", "gmai1.com", "google.com",
                                    "microsoft.com", ""])
def test_not_freemail(domain: str) -> None:
    assert not is_freemail(domain)


# --------------------------------------------------------------------------- URL host


@pytest.mark.parametrize(("url", "host"), [
    ("https://www.acme.com/path?q=1", "www.acme.com"),
    ("HTTPS://WWW.ACME.COM./", "www.acme.com"),
    ("www.acme.com/path", "www.acme.com"),  # no scheme
    ("acme.com", "acme.com"),
    ("acme.com:8080/x", "acme.com"),  # port, no scheme
    ("//cdn.acme.com/lib.js", "cdn.acme.com"),
    ("http://user:pw@Evil.NET:8443/x", "evil.net"),
    ("http://paypal.com@evil.net/login", "evil.net"),
    ("http://[2001:db8::1]:8080/", "2001:db8::1"),
    ("http:/single-slash.com/x", "single-slash.com"),
    ("http:\\\\backslash.com\\x", "backslash.com"),
    ("https://acme.com#frag", "acme.com"),
    ("https://acme.com?x=1", "acme.com"),
    ("  <https://acme.com/x>  ", "acme.com"),
    ("mailto:Bob@Acme.COM?subject=hi", "acme.com"),
    ("javascript:alert(1)", ""),
    ("data:text/html;base64,PGh0bWw+", ""),
    ("tel:+123456", ""),
    ("", ""),
])
def test_url_host(url: str, host: str) -> None:
    assert url_host(url) == host


def test_parse_url_keeps_userinfo_and_path() -> None:
    parts = parse_url("http://paypal.com@evil.net/secure/login?x=1")
    assert parts.scheme == "http"
    assert parts.userinfo == "paypal.com"
    assert parts.host == "evil.net"
    assert parts.path == "/secure/login?x=1"


@pytest.mark.parametrize(("url", "parts"), [
    ("HTTPS://Acme.COM.:8443/Path?q=1", ("https", "", "acme.com", "/Path?q=1")),
    ("hTtP://a-b_c.example.org#top", ("http", "", "a-b_c.example.org", "#top")),
    ("http://acme.com", ("http", "", "acme.com", "")),
    ("http://acme.com:123456/x", ("http", "", "acme.com", "/x")),  # not a port: general path
    ("http://acme..com/x", ("http", "", "acme..com", "/x")),
    # Under IGNORECASE [A-Za-z] matches the Kelvin sign: non-ASCII links keep that reading.
    ("http://\u212aiwi.com/x", ("http", "", "kiwi.com", "/x")),
    ("http://bücher.de/x", ("http", "", "bücher.de", "/x")),
])
def test_parse_url_plain_links_any_case(url: str, parts: tuple[str, ...]) -> None:
    assert tuple(parse_url(url)) == parts


# --------------------------------------------------------------------------- lookalike

PROTECTED = frozenset({
    "paypal.com", "microsoft.com", "google.com", "acme.com", "gmail.com", "wellsfargo.com",
    "bankofamerica.com", "dropbox.com", "apple.com", "münchen.de", "contoso-bank.co.uk",
})


@pytest.mark.parametrize(("domain", "target", "technique"), [
    # homoglyphs: ASCII look-alike folding
    ("paypa1.com", "paypal.com", "homoglyph"),
    ("micr0soft.com", "microsoft.com", "homoglyph"),
    ("rnicrosoft.com", "microsoft.com", "homoglyph"),
    ("clropbox.com", "dropbox.com", "homoglyph"),
    ("vvellsfargo.com", "wellsfargo.com", "homoglyph"),
    ("app1e.com", "apple.com", "homoglyph"),
    ("gmaiI.com", "gmail.com", "homoglyph"),  # capital I in a mixed-case domain
    ("munchen.de", "xn--mnchen-3ya.de", "homoglyph"),  # diacritic dropped
    # punycode: IDN homographs
    ("xn--pypal-4ve.com", "paypal.com", "punycode"),
    ("pаypal.com", "paypal.com", "punycode"),  # given in Unicode
    ("gооgle.com", "google.com", "punycode"),
    # TLD swaps
    ("google.de", "google.com", "tld_swap"),
    ("acme.co", "acme.com", "tld_swap"),
    ("paypal.co.uk", "paypal.com", "tld_swap"),
    ("acme-com.net", "acme.com", "tld_swap"),
    ("acmecom.net", "acme.com", "tld_swap"),
    ("contoso-bank-co-uk.com", "contoso-bank.co.uk", "tld_swap"),
    # edit distance (OSA): 1 for names of 5+, 2 for names of 9+
    ("paypai.com", "paypal.com", "edit_distance"),
    ("gmaii.com", "gmail.com", "edit_distance"),
    ("welsfargo.com", "wellsfargo.com", "edit_distance"),
    ("wellsfrago.com", "wellsfargo.com", "edit_distance"),  # transposition counts 1
    ("bankofamerrica.com", "bankofamerica.com", "edit_distance"),
    ("bnkofamerca.com", "bankofamerica.com", "edit_distance"),
    # hyphens and affixes
    ("acme-invoices.com", "acme.com", "hyphen_or_affix"),
    ("acmepay.com", "acme.com", "hyphen_or_affix"),
    ("secure-acme.com", "acme.com", "hyphen_or_affix"),
    ("my-acme-portal.net", "acme.com", "hyphen_or_affix"),
    ("paypal-secure-login.com", "paypal.com", "hyphen_or_affix"),
    ("paypa1-support.com", "paypal.com", "hyphen_or_affix"),  # affix on the skeleton
])
def test_lookalike_techniques(domain: str, target: str, technique: str) -> None:
    found = lookalike(domain, PROTECTED)
    assert found is not None
    assert (found.target, found.technique) == (target, technique)
    assert found.technique in TECHNIQUES


@pytest.mark.parametrize("domain", [
    "paypal.com",  # identical
    "www.paypal.com",  # a subdomain of a candidate is the candidate
    "PAYPAL.COM",
    "münchen.de",  # the IDN candidate itself
    "xn--mnchen-3ya.de",
    "hotmail.com",  # a free-mail provider is never an attacker's registration
    "gmx.de",
    "totally-unrelated.org",
    "acmes.com",  # "acme" is too short for edit distance; "s" too short an affix
    "goggles.com",
    "192.168.1.1",
    "",
])
def test_not_lookalike(domain: str) -> None:
    assert lookalike(domain, PROTECTED) is None


def test_microsoftonline_is_an_affix_lookalike_by_design() -> None:
    # The check is lexical: related domains an organisation owns belong in the candidates.
    found = lookalike("microsoftonline.com", PROTECTED)
    assert found is not None and found.technique == "hyphen_or_affix"
    assert lookalike("microsoftonline.com", PROTECTED | {"microsoftonline.com"}) is None


def test_short_names_need_more_than_one_edit_to_be_safe() -> None:
    # 4-letter names: a one-letter change is a different word, not a lookalike
    assert lookalike("acne.com", {"acme.com"}) is None
    # 5-8 letters: one edit; two edits is too far
    assert lookalike("paypa.com", {"paypal.com"}) is not None
    assert lookalike("pyapl.com", {"paypal.com"}) is None


def test_lookalikes_of_freemail_domains_are_reported() -> None:
    found = lookalike("gmall.com", {"gmail.com"})
    assert found is not None and found.target == "gmail.com"


def test_lookalike_result_fields() -> None:
    found = lookalike("mail.paypa1.com", PROTECTED)
    assert found == Lookalike(domain="paypa1.com", target="paypal.com", technique="homoglyph",
                              distance=1, similarity=0.9)


def test_closest_match_wins() -> None:
    # acmepay.co wraps acme.com (affix, 4 edits) and swaps the TLD of acmepay.com (1 edit)
    found = lookalike("acmepay.co", {"acme.com", "acmepay.com"})
    assert found is not None
    assert (found.target, found.technique, found.distance) == ("acmepay.com", "tld_swap", 1)


def test_candidates_may_be_any_iterable_of_hosts() -> None:
    assert lookalike("paypa1.com", ["www.paypal.com"]) is not None
    assert lookalike("paypa1.com", {"paypal.com"}) is not None
    assert lookalike("paypa1.com", ()) is None


def test_lookalike_against_many_candidates() -> None:
    candidates = frozenset({f"brand{i:03d}corp.com" for i in range(500)} | {"paypal.com"})
    found = lookalike("paypa1.com", candidates)
    assert found is not None and found.target == "paypal.com"
    found = lookalike("brand123crop.com", candidates)
    assert found is not None and found.target == "brand123corp.com"
    assert lookalike("unrelated-name.com", candidates) is None


def _parents_the_long_way(host: str) -> list[str]:
    out = []
    while "." in host:
        out.append(host)
        host = host.partition(".")[2]
    return out


@pytest.mark.parametrize("host", [
    "a." * 40_000 + "evil.example",  # a crafted link: 40,000 labels
    "x" * 300 + ".evil.example",  # one label longer than DNS allows a whole name
    "a." * 126 + "example.com",  # just over the limit
])
def test_a_host_longer_than_dns_allows_is_walked_only_within_the_limit(host: str) -> None:
    from detectors.domains import MAX_NAME_CHARS, domain_and_parents, resolvable_tail

    tail = resolvable_tail(host)
    assert len(tail) <= MAX_NAME_CHARS and host.endswith(tail)
    assert tail == host[-len(tail):] and (host[-len(tail) - 1] == "." or "." not in tail[:1])
    parents = list(domain_and_parents(host))
    # Bounded work (the long way copied the name once a label: quadratic), and every parent
    # a rule could name (DNS names fit the limit) is still there.
    assert len(parents) <= 1 + MAX_NAME_CHARS // 2
    assert parents[0] == host
    assert [p for p in parents if len(p) <= MAX_NAME_CHARS] == \
        [p for p in _parents_the_long_way(host) if len(p) <= MAX_NAME_CHARS]


def test_a_host_within_the_limit_is_its_own_tail() -> None:
    from detectors.domains import resolvable_tail

    host = "a." * 100 + "example.com"
    assert resolvable_tail(host) is host


def test_a_name_longer_than_a_dns_label_is_no_lookalike() -> None:
    # Nobody can register it, and its variants cost the square of its length.
    assert lookalike("acme-invoices.com", ["acme.com"]) is not None
    assert lookalike("acme-" + "x" * 60 + ".com", ["acme.com"]) is None

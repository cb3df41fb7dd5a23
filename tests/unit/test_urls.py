"""Link risk: a message's links in, signal counts, evidence and link domains out."""

from __future__ import annotations

import base64

import pytest

from detectors.urls import SIGNAL_WEIGHTS, UrlRisk, assess_urls, link_hosts
from schemas.records import Url

SENDER = "acme.com"


def one(url: str, anchor: str = "", sender: str = SENDER) -> UrlRisk:
    return assess_urls([Url(url, anchor)], sender)


def test_no_links() -> None:
    assert assess_urls([], SENDER) == UrlRisk()


@pytest.mark.parametrize("url", [
    "https://www.acme.com/news/2024/q3",
    "https://acme.com/account/login",  # the sender's own login page is not a lure
    "https://support.acme.com/verify?ticket=1",
])
def test_links_to_the_senders_own_site_are_clean(url: str) -> None:
    risk = one(url)
    assert risk.score == 0.0
    assert risk.foreign == 0
    assert risk.domains == ("acme.com",)


def _bing(target: str) -> str:
    encoded = base64.urlsafe_b64encode(target.encode()).decode().rstrip("=")
    return f"https://www.bing.com/ck/a?!&&p=9hH6lrk2&ptn=3&hsh=3&fclid=1535d73e&u=a1{encoded}&ntb=1"


@pytest.mark.parametrize("url", [
    "https://www.wikipedia.org/wiki/Email",
    "https://github.com/acme/project/pull/12",
    "https://partner.example.com/reports/q3.pdf?utm_campaign=product-update",
    "https://www.linkedin.com/in/janedoe",
    # Search engines' own links, and redirects that lead nowhere else, are no open redirect.
    "https://www.bing.com/search?q=acme+invoice",
    _bing("https://www.bing.com/maps"),
    "https://www.bing.com/ck/a?!&&p=9hH6&u=a1!!!not-base64",
    "https://www.bing.com/ck/a?!&&p=9hH6&u=b2aHR0cHM6Ly9ldmlsLnRvcA",  # not the a1 form
    "https://www.google.com/search?q=acme",
    "https://vk.com/away.php?to=https%3A%2F%2Fvk.com%2Fclub1",  # leads back to VK
    # A translated page is something people share (the corpora's one ham of this kind).
    "https://translate.google.com/translate?u=http%3A%2F%2Fwww.macgeneration.com%2Fa&hl=en",
    "https://www-macgeneration-com.translate.goog/a?_x_tr_sl=fr&_x_tr_tl=en",
])
def test_ordinary_foreign_links_are_clean(url: str) -> None:
    risk = one(url)
    assert risk.score == 0.0
    assert risk.foreign == 1
    assert "open_redirect" not in risk.evidence


@pytest.mark.parametrize(("url", "signal", "evidence"), [
    ("http://192.168.10.4/login", "ip_host", "192.168.10.4"),
    ("http://[2001:db8::1]/x", "ip_host", "2001:db8::1"),
    ("http://2130706433/x", "ip_host", "2130706433"),  # 127.0.0.1 as one integer
    ("http://0x7f000001/x", "ip_host", "0x7f000001"),
    ("https://xn--pypal-4ve.com/", "punycode", "xn--pypal-4ve.com"),
    ("https://bit.ly/3xYz", "shortener", "bit.ly"),
    ("https://tinyurl.com/abc", "shortener", "tinyurl.com"),
    ("https://t.co/abc", "shortener", "t.co"),
    ("https://evil-login.web.app/", "free_hosting", "evil-login.web.app"),
    ("https://x.firebaseapp.com/", "free_hosting", "x.firebaseapp.com"),
    ("https://abc.ngrok-free.app/", "free_hosting", "abc.ngrok-free.app"),
    ("https://ipfs.io/ipfs/Qm123", "free_hosting", "ipfs.io"),
    ("https://forms.gle/abc", "free_hosting", "forms.gle"),
    ("https://docs.google.com/forms/d/e/1FAI/viewform", "free_hosting",
     "docs.google.com/forms/d/e/1FAI/viewform"),
    ("https://x.blob.core.windows.net/c/i.html", "free_hosting", "x.blob.core.windows.net"),
    ("https://ii-z2c6nzwc7a-rj.a.run.app/a/?tr=1", "free_hosting", "ii-z2c6nzwc7a-rj.a.run.app"),
    ("https://us-east1-clean-356021.cloudfunctions.net/fn", "free_hosting",
     "us-east1-clean-356021.cloudfunctions.net"),
    ("https://promo.page.link/x7", "shortener", "promo.page.link"),
    ("https://bucket.s3.us-east-1.amazonaws.com/p.html", "free_hosting",
     "bucket.s3.us-east-1.amazonaws.com"),
    ("https://evil.example.net/office365/login.php", "credential_path",
     "evil.example.net/office365/login.php"),
    ("https://evil.example.net/wp-admin/x/", "credential_path", "evil.example.net/wp-admin/x/"),
    ("https://evil.example.net/cgi-bin/webscr", "credential_path",
     "evil.example.net/cgi-bin/webscr"),
    ("http://paypal.com@evil.net/", "at_in_authority", "http://paypal.com@evil.net/"),
    ("https://a.b.c.evil.com/x", "deep_subdomain", "a.b.c.evil.com"),
    ("https://login-microsoftonline-com-secure-verification-center.evil.com/", "deep_subdomain",
     "login-microsoftonline-com-secure-verification-center.evil.com"),
    ("https://evil.top/", "suspicious_tld", "evil.top"),
    ("https://invoice.zip/", "suspicious_tld", "invoice.zip"),
    ("javascript:alert(document.cookie)", "dangerous_scheme",
     "javascript:alert(document.cookie)"),
    ("data:text/html;base64,PHNjcmlwdD4=", "dangerous_scheme",
     "data:text/html;base64,PHNjcmlwdD4="),
])
def test_signals(url: str, signal: str, evidence: str) -> None:
    risk = one(url)
    assert getattr(risk, signal) == 1
    assert risk.evidence[signal] == evidence
    assert risk.score >= SIGNAL_WEIGHTS[signal] - 1e-9


@pytest.mark.parametrize(("url", "anchor"), [
    ("https://evil.example.net/", "www.paypal.com"),
    ("https://evil.example.net/", "https://www.acme.com/login"),
    ("https://evil.example.net/", "Log in at PayPal.com to confirm"),
    ("https://bit.ly/x", "microsoft.com"),
])
def test_anchor_naming_another_domain(url: str, anchor: str) -> None:
    assert one(url, anchor).anchor_mismatch == 1


@pytest.mark.parametrize(("url", "anchor"), [
    ("https://www.paypal.com/signin", "www.paypal.com"),
    ("https://www.paypal.com/signin", "paypal.com/signin"),
    ("https://evil.example.net/", "Click here"),
    ("https://evil.example.net/", "Download invoice.zip"),  # a file name, not a domain
    ("https://evil.example.net/", "see report.docx"),
    ("https://evil.example.net/", "version 2.0"),
    ("https://evil.example.net/", "mail bob@acme.com"),  # an address is not a link
    ("https://click.list-manage.com/track?u=1", "www.acme.com"),  # newsletter click tracker
])
def test_anchor_without_a_conflicting_domain(url: str, anchor: str) -> None:
    assert one(url, anchor).anchor_mismatch == 0


@pytest.mark.parametrize("url", [
    "https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.top%2Fsignin&data=x",
    "https://urldefense.com/v3/__https://evil.top/signin__;!!abc",
    "https://urldefense.proofpoint.com/v2/url?u=https-3A__evil.top_signin&d=DwMF",
    "https://www.google.com/url?q=https://evil.top/signin&sa=D",
])
def test_gateway_rewritten_links_are_judged_by_their_destination(url: str) -> None:
    risk = one(url)
    assert risk.domains == ("evil.top",)
    assert risk.suspicious_tld == 1
    assert risk.credential_path == 1


@pytest.mark.parametrize("url", [
    _bing("https://evil.top/signin"),
    _bing("https://evil.top/signin").replace("&", "&amp;"),  # as written in HTML source
    "https://www.google.com/amp/s/evil.top/signin",
    "https://vk.com/away.php?utf=1&to=https%3A%2F%2Fevil.top%2Fsignin",
])
def test_open_redirects_are_judged_by_their_destination_and_counted(url: str) -> None:
    risk = one(url)
    assert risk.open_redirect == 1
    assert risk.evidence["open_redirect"].endswith("-> evil.top")
    assert risk.domains == ("evil.top",)
    assert risk.hosts == ("evil.top",)
    assert risk.suspicious_tld == 1
    assert risk.credential_path == 1
    assert list(link_hosts([Url(url)])) == ["evil.top"]


def test_mailto_links_are_not_web_links() -> None:
    risk = one("mailto:billing@evil.example.net")
    assert risk.score == 0.0
    assert risk.domains == ()
    assert risk.count == 1


def test_hosts_are_canonical_deduplicated_capped_and_unwrapped() -> None:
    urls = [Url("https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2F"
                "Evil.Web.App%2Fsignin&data=x"),
            Url("https://evil.web.app./again"), Url("http://Bücher.example/x"),
            Url("http://[2001:db8::1]/x"), Url("mailto:billing@acme.com"),
            *(Url(f"https://host{i}.site.com/") for i in range(100))]
    risk = assess_urls(urls, SENDER)
    assert risk.hosts[:3] == ("evil.web.app", "xn--bcher-kva.example", "2001:db8::1")
    assert len(risk.hosts) == 32
    assert len(set(risk.hosts)) == 32
    assert risk.domains[:2] == ("web.app", "xn--bcher-kva.example")
    clean = assess_urls([Url("https://www.partner.example/news")], SENDER)
    assert (clean.score, clean.hosts) == (0.0, ("www.partner.example",))  # no signal: named too


def test_domains_are_registrable_deduplicated_and_capped() -> None:
    urls = [Url(f"https://host{i}.site{i % 40}.com/") for i in range(100)]
    urls.insert(0, Url("https://www.acme.com/"))
    risk = assess_urls(urls, SENDER)
    assert risk.domains[0] == "acme.com"
    assert len(risk.domains) == 32
    assert len(set(risk.domains)) == 32
    assert risk.count == 101


def test_counts_are_per_link_and_evidence_is_the_first() -> None:
    risk = assess_urls([Url("https://bit.ly/a"), Url("https://tinyurl.com/b")], SENDER)
    assert risk.shortener == 2
    assert risk.evidence["shortener"] == "bit.ly"


def test_score_combines_signals_and_stays_in_range() -> None:
    single = one("https://bit.ly/a")
    double = assess_urls([Url("https://bit.ly/a"), Url("http://192.168.1.1/login")], SENDER)
    assert 0.0 < single.score < double.score <= 1.0


def test_weights_can_be_supplied() -> None:
    risk = assess_urls([Url("https://bit.ly/a")], SENDER, weights={"shortener": 0.9})
    assert risk.score == pytest.approx(0.9)
    assert assess_urls([Url("https://bit.ly/a")], SENDER, weights={}).score == 0.0


def test_sender_domain_may_be_a_host() -> None:
    assert one("https://acme.com/login", sender="mail.acme.com").foreign == 0


def test_unknown_sender_makes_every_link_foreign() -> None:
    assert one("https://acme.com/login", sender="").credential_path == 1


def test_a_crafted_host_of_thousands_of_labels_is_still_read_as_free_hosting() -> None:
    # Its parents are walked within DNS's length only (detectors.domains.resolvable_tail).
    risk = assess_urls([Url("https://" + "a." * 30_000 + "login.web.app/x")], "acme.com")
    assert risk.free_hosting == 1 and risk.deep_subdomain == 1


def test_a_registrable_sender_domain_is_taken_as_it_is() -> None:
    # The feature step passes the registrable domain it computed; a host is reduced first.
    urls = [Url("https://acme.com/login"), Url("https://evil.example/login")]
    assert assess_urls(urls, "acme.com", registrable=True) == \
        assess_urls(urls, "mail.acme.com") == assess_urls(urls, "acme.com")
    assert assess_urls(urls, "mail.acme.com", registrable=True).foreign == 2  # as told

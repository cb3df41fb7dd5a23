"""Blocked links and files: an indicator an analyst blocked holds the mail with it, whoever
sends it.

The entries, the tenant profile's lists (and the rollback they must not break), and the
``blocked_link`` and ``blocked_file`` detectors through the real cascade with a stand-in
model.
"""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from detectors import Cascade
from schemas import Attachment, SchemaError, decode_directory
from state import TenantProfile, decode, encode, policy_of
from state.profiles import KIND_TENANT
from tests.factories import T0, mail
from tests.unit.test_policy import TENANT_KEY, _Fixed, _newsletter, _policy_hit, _rule, _state

_SITE = "pay-invoice.web.app"


def _linking(*urls: str, sender: str = "billing@rotating-1.example", t: float = T0,
             direction: str = "inbound", tenant: str = "acme"):
    return mail(sender, ("carl@acme.com",), t=t, subject="Invoice", direction=direction,
                text="Please see the invoice.", urls=urls, tenant=tenant)


def _blocked(decision) -> dict | None:
    found = [h.evidence for h in decision.hits if h.detector == "blocked_link"]
    return found[0] if found else None


@pytest.mark.parametrize(("doc", "error"), [
    ({"kind": "blocked_link"}, "needs 'domain'"),
    ({"kind": "cleared_link"}, "needs 'domain'"),
    ({"kind": "blocked_link", "domain": "localhost"}, "domain name"),
    ({"kind": "blocked_link", "domain": "https://evil.example/login"}, "not a URL"),
    ({"kind": "blocked_link", "domain": "evil.example/login"}, "not a URL"),
    ({"kind": "blocked_link", "domain": "evil.example:8080"}, "not a URL"),
    ({"kind": "blocked_link", "domain": "2001:db8::/32"}, "not a URL"),  # one address
    ({"kind": "blocked_link", "domain": "1:2:3"}, "not a URL"),  # no address
    ({"kind": "blocked_file"}, "needs 'sha256'"),
    ({"kind": "cleared_file", "sha256": "d41d8cd98f00b204e9800998ecf8427e"}, "SHA-256 digest"),
    ({"kind": "blocked_link", "domain": "evil.example", "sha256": "0" * 64}, "not a blocked_link"),
])
def test_link_entries_are_validated_with_a_clear_error(doc, error):
    with pytest.raises(SchemaError, match=error):
        decode_directory(orjson.dumps({"schema_version": 1, "tenant_id": "acme", **doc}))


def test_the_link_list_is_idempotent_cleared_and_absent_from_values_without_it():
    state = _state()
    _rule(state, "blocked_link", domain=_SITE)
    profile = decode(KIND_TENANT, state.changes()[TENANT_KEY])
    assert profile.blocked_links == [_SITE]
    state.commit(state.changes(), 1, None)
    _rule(state, "blocked_link", domain=_SITE.upper() + ".")  # the same rule again
    _rule(state, "cleared_link", domain="other.example")  # nothing to lift
    assert TENANT_KEY not in state.changes()
    _rule(state, "cleared_link", domain=_SITE)
    assert decode(KIND_TENANT, state.changes()[TENANT_KEY]).blocked_links == []
    # A tenant without link rules is written as the release before this list wrote it, so
    # rolling back the engine does not meet a value it cannot read; that value reads here.
    encoded = encode(TenantProfile(["acme.com"], blocked_senders=["x@y.example"]))
    assert len(orjson.loads(encoded[1:])) == 6
    assert decode(KIND_TENANT, encoded).blocked_links == []
    assert policy_of([decode_directory(orjson.dumps(
        {"schema_version": 1, "tenant_id": "acme", "kind": k, "domain": d}))
        for k, d in (("blocked_link", "a.example"), ("blocked_link", "b.example"),
                     ("cleared_link", "a.example"))]).blocked_links == ["b.example"]


def test_a_blocked_host_holds_mail_linking_to_it_or_under_it_from_any_sender():
    cascade, state = Cascade(models=_Fixed("spam", 0.01)), _state()
    _rule(state, "blocked_link", domain=_SITE)
    exact, sub, wrapped, sibling, parent, clean = cascade.score_batch(state, [
        _linking(f"https://{_SITE}/view"),
        _linking(f"https://eu.{_SITE}/view", sender="ap@rotating-2.example", t=T0 + 1),
        _linking("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2F"
                 f"{_SITE}%2Fview&data=x", sender="ap@rotating-3.example", t=T0 + 2),
        _linking("https://menu.web.app/friday", sender="chef@bistro.example", t=T0 + 3),
        _linking("https://web.app/", sender="news@firebase.example", t=T0 + 4),
        _linking(sender="plain@rotating-4.example", t=T0 + 5),
    ])
    for d, host in ((exact, _SITE), (sub, f"eu.{_SITE}"), (wrapped, _SITE)):
        assert (d.action, d.decided_by) == ("quarantine", "decisive")
        assert _blocked(d) == {"blocked_by": "analyst", "matched": _SITE, "host": host}
    for d in (sibling, parent, clean):
        assert d.action == "allow" and _blocked(d) is None
    assert exact.link_hosts == (_SITE,)  # what the verdict names for a hunt


def test_a_crafted_host_of_thousands_of_labels_under_a_blocked_site_is_held():
    # The walk over its parents stays within DNS's length (detectors.domains.resolvable_tail)
    cascade, state = Cascade(models=_Fixed("spam", 0.01)), _state()
    _rule(state, "blocked_link", domain=_SITE)
    host = "a." * 30_000 + _SITE
    (held,) = cascade.score_batch(state, [_linking(f"https://{host}/view")])
    assert (held.action, held.decided_by) == ("quarantine", "decisive")
    assert _blocked(held)["matched"] == _SITE


def test_padding_a_message_with_harmless_links_does_not_hide_the_blocked_one():
    cascade, state = Cascade(models=_Fixed("spam", 0.01)), _state()
    _rule(state, "blocked_link", domain=_SITE)
    padding = [f"https://news.example/article/{i}" for i in range(80)]
    many_hosts = [f"https://host{i}.example/" for i in range(40)]
    past_links, past_hosts = cascade.score_batch(state, [
        _linking(*padding, f"https://{_SITE}/view"),
        _linking(*many_hosts, f"https://{_SITE}/view", t=T0 + 1)])
    assert _SITE not in past_links.link_hosts and _SITE not in past_hosts.link_hosts
    for d in (past_links, past_hosts):
        assert d.action == "quarantine" and _blocked(d)["host"] == _SITE


def test_internal_mail_linking_to_a_blocked_host_is_held_outbound_mail_is_not():
    cascade, state = Cascade(models=_Fixed("spam", 0.01)), _state()
    _rule(state, "blocked_link", domain=_SITE)
    internal, outbound = cascade.score_batch(state, [
        _linking(f"https://{_SITE}/view", sender="dana@acme.com", direction="internal"),
        _linking(f"https://{_SITE}/view", sender="dana@acme.com", direction="outbound",
                 t=T0 + 1)])
    assert internal.action == "quarantine" and _blocked(internal)["matched"] == _SITE
    assert _blocked(outbound) is None


def test_an_address_block_holds_links_to_that_address_however_they_spell_it():
    cascade, state = Cascade(models=_Fixed("spam", 0.01)), _state()
    _rule(state, "blocked_link", domain="192.0.2.7")
    _rule(state, "blocked_link", domain="2001:DB8:0::1")  # another tool wrote it
    held = cascade.score_batch(state, [
        _linking(url, sender=f"a{i}@rotating.example", t=T0 + i) for i, url in enumerate((
            "http://192.0.2.7/login", "http://3221225991/login", "http://0xc0.0.2.7:8080/",
            "http://[::ffff:192.0.2.7]/", "https://[2001:db8::1]/login",
            "https://[2001:db8:0:0:0:0:0:1]:8443/x"))])
    for d in held:
        assert (d.action, d.decided_by) == ("quarantine", "decisive"), d.hits
    assert [_blocked(d)["host"] for d in held] == ["192.0.2.7"] * 4 + ["2001:db8::1"] * 2
    assert held[1].link_hosts == ("192.0.2.7",)  # a hunt for the address finds it too
    others = cascade.score_batch(state, [
        _linking(url, sender=f"b{i}@rotating.example", t=T0 + 10 + i) for i, url in enumerate((
            "http://192.0.2.8/login", "http://10.192.0.2.7/", "https://[2001:db8::2]/"))])
    for d in others:
        assert _blocked(d) is None


def test_a_rule_written_in_unicode_matches_the_links_punycode_host():
    cascade, state = Cascade(models=_Fixed("spam", 0.01)), _state()
    _rule(state, "blocked_link", domain="rechnung.bücher.example")  # another tool wrote it
    d = cascade.score_batch(state, [_linking("https://rechnung.xn--bcher-kva.example/x")])[0]
    assert _blocked(d)["matched"] == "rechnung.xn--bcher-kva.example"


def test_a_public_suffix_rule_is_ignored_and_the_rule_is_the_tenants_alone():
    cascade, state = Cascade(models=_Fixed("spam", 0.01)), _state()
    _rule(state, "blocked_link", domain="co.uk")
    _rule(state, "blocked_link", domain=_SITE)
    couk, other_tenant = cascade.score_batch(state, [
        _linking("https://shop.co.uk/"),
        _linking(f"https://{_SITE}/view", tenant="globex", t=T0 + 1)])
    assert _blocked(couk) is None and couk.action == "allow"
    assert _blocked(other_tenant) is None


def test_a_blocked_link_for_every_tenant_says_its_scope_and_refuses_an_allow():
    cascade, state = Cascade(models=_Fixed("spam", 0.1)), _state()
    _rule(state, "allowed_sender", domain="partner.example")
    _rule(state, "blocked_link", tenant="*", domain=_SITE)
    partner = dataclasses.replace(_newsletter(), urls=_linking(f"https://{_SITE}/x").urls)
    held, other = cascade.score_batch(state, [
        partner, _linking(f"https://{_SITE}/view", tenant="globex", t=T0 + 1)])
    # A partner an allow lets through, linking to a blocked site, is a compromised partner.
    assert (held.action, _policy_hit(held)["refused"]) == ("quarantine", "blocked")
    for d in (held, other):
        assert _blocked(d) == {"blocked_by": "analyst", "matched": _SITE, "host": _SITE,
                               "scope": "all_tenants"}
    _rule(state, "cleared_link", tenant="*", domain=_SITE)
    lifted = cascade.score_batch(state, [_linking(f"https://{_SITE}/view", t=T0 + 2)])[0]
    assert lifted.action == "allow" and _blocked(lifted) is None


_FILE = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def _carrying(*digests: str, sender: str = "scan@printer-1.example", t: float = T0,
              direction: str = "inbound", tenant: str = "acme"):
    return dataclasses.replace(
        _linking(sender=sender, t=t, direction=direction, tenant=tenant),
        attachments=tuple(Attachment(f"scan{i}.pdf", "application/pdf", 1000, d)
                          for i, d in enumerate(digests)))


def test_a_blocked_file_holds_mail_carrying_it_as_malware_from_any_sender():
    cascade, state = Cascade(models=_Fixed("spam", 0.01)), _state()
    _rule(state, "blocked_file", sha256=_FILE.upper())
    first, second, internal, other_file, other_tenant = cascade.score_batch(state, [
        _carrying("0" * 64, _FILE),
        _carrying(_FILE.upper(), sender="hr@rotating-2.example", t=T0 + 1),
        _carrying(_FILE, sender="dana@acme.com", direction="internal", t=T0 + 2),
        _carrying("1" * 64, t=T0 + 3),
        _carrying(_FILE, tenant="globex", t=T0 + 4)])
    for d in (first, second, internal):
        assert (d.action, d.decided_by, d.attack_type) == ("quarantine", "decisive", "malware")
        assert [h.evidence for h in d.hits if h.detector == "blocked_file"] == [
            {"blocked_by": "analyst", "sha256": _FILE}]
    for d in (other_file, other_tenant):
        assert not any(h.detector == "blocked_file" for h in d.hits)


def test_a_blocked_file_for_every_tenant_says_its_scope_and_the_lists_fold_and_lift():
    cascade, state = Cascade(models=_Fixed("spam", 0.01)), _state()
    _rule(state, "blocked_file", tenant="*", sha256=_FILE)
    d = cascade.score_batch(state, [_carrying(_FILE, tenant="globex")])[0]
    assert [h.evidence for h in d.hits if h.detector == "blocked_file"] == [
        {"blocked_by": "analyst", "sha256": _FILE, "scope": "all_tenants"}]
    _rule(state, "cleared_file", tenant="*", sha256=_FILE)
    assert cascade.score_batch(state, [_carrying(_FILE, t=T0 + 1)])[0].action == "allow"
    # Files alone: the link list is written empty before them (lists are positional).
    _rule(state, "blocked_file", sha256=_FILE)
    value = state.changes()[TENANT_KEY]
    assert orjson.loads(value[1:])[6:] == [[], [_FILE]]
    assert decode(KIND_TENANT, value).blocked_files == [_FILE]

"""No message can make its sender a trusted correspondent of someone who never wrote to it.

Trust is the reverse pair: the recipient once wrote to the sender. Two ways forged it:
- the key separator (U+001F), which mail headers carry through the MIME parser: From
  "bob@acme.com<US>ev" to "il@x" had the key of bob's own mail to "ev<US>il@x". A separator
  inside an address is now replaced in keys (key_part).
- outbound mail forged from outside: a converter (or gateway) calls mail from our own domain
  outbound, so "bob to the attacker" that failed DMARC taught a reply of bob's. It now
  teaches nothing.
"""

from __future__ import annotations

import pytest

import state.behaviour as behaviour
from detectors import Cascade
from schemas.mime import parse_message
from state import MemoryStore, PartitionState, default_facts_fn, make_key
from state.profiles import KIND_PAIR, SEP, key_part
from tests.factories import T0, mail

FORGER = "bob@acme.com" + SEP + "ev"
ATTACKER = "ev" + SEP + "il@x"


def test_the_mime_parser_passes_a_separator_through_in_addresses():
    raw = (f"From: {FORGER}\r\nTo: il@x\r\nSubject: s\r\nMessage-ID: <m@x>\r\n\r\nhi\r\n"
           ).encode()
    record = parse_message(raw, tenant_id="acme", own_domains=frozenset({"acme.com"}))
    assert record.sender.address == FORGER  # so the keys must not trust it


@pytest.mark.parametrize("native", [True, False], ids=["c", "python"])
def test_a_sender_cannot_forge_a_reply_from_someone_else(native, monkeypatch):
    if not native:
        monkeypatch.setattr(behaviour, "_native", None)
    state = PartitionState(MemoryStore())
    cascade = Cascade(models=None)
    cascade.score_batch(state, [mail(FORGER, ("il@x",), tenant="acme", t=T0)])
    state.commit(state.changes(), 1, None)
    attack = mail(ATTACKER, ("bob@acme.com",), tenant="acme", t=T0 + 60)
    view = state.snapshot(attack, default_facts_fn()(attack)).recipients[0]
    assert view.reverse is None and view.first_contact  # bob never wrote to the attacker
    forged = make_key(KIND_PAIR, "acme", FORGER, "il@x")
    reply = make_key(KIND_PAIR, "acme", "bob@acme.com", ATTACKER)
    assert forged != reply and forged in state.changes() | dict(state._live)


def test_a_key_part_keeps_every_other_address_as_it_is():
    assert key_part("bob@acme.com") == "bob@acme.com"
    assert key_part(FORGER) == "bob@acme.com\ufffdev"


@pytest.mark.parametrize("native", [True, False], ids=["c", "python"])
def test_every_key_of_a_message_is_make_keys_whatever_its_parts_hold(native, monkeypatch):
    """The C and Python key builders and make_key (what `state show` and the directory use)
    agree on parts holding a separator: domain, display name, subject and recipients."""
    from state.behaviour import MessageFacts
    from state.profiles import KIND_CAMPAIGN, KIND_DOMAIN, KIND_PERSON, KIND_RECIPIENT

    if not native:
        monkeypatch.setattr(behaviour, "_native", None)
    record = mail(FORGER, (ATTACKER, "bob@acme.com"), tenant="acme", t=T0)
    facts = MessageFacts(sender_domain="acme.com" + SEP + "ev", display_key="jo" + SEP + "e",
                         person_like=True, reply_to_domain="", return_path_domain="",
                         link_domains=(), attachment_types=(), payment_language=False,
                         recipient_domains=("x" + SEP + "y",), subject_key="re" + SEP + "x")
    keys = PartitionState.keys_for(record, facts)
    assert keys.domain == make_key(KIND_DOMAIN, "acme", facts.sender_domain)
    assert keys.person == make_key(KIND_PERSON, "acme", facts.display_key)
    assert keys.campaign == make_key(KIND_CAMPAIGN, "acme", facts.subject_key)
    assert keys.recipient_domains == (make_key(KIND_DOMAIN, "acme", "x" + SEP + "y"),)
    (_, mailbox, pair, reverse), _ = keys.recipients
    assert mailbox == make_key(KIND_RECIPIENT, "acme", ATTACKER)
    assert pair == make_key(KIND_PAIR, "acme", FORGER, ATTACKER)
    assert reverse == make_key(KIND_PAIR, "acme", ATTACKER, FORGER)


@pytest.mark.parametrize(("auth", "trusted"), [
    (("", "", ""), True),  # our user's reply: a relationship
    (("pass", "pass", "pass"), True),
    (("fail", "pass", "fail"), False),  # DMARC failed: our domain forged from outside
    (("fail", "fail", ""), False),
    (("fail", "", ""), True),  # one failure alone proves nothing
])
def test_outbound_mail_that_failed_authentication_makes_nobody_trusted(auth, trusted):
    """A converter (or gateway) calls mail from our own domain outbound; a forged one "from
    bob to the attacker" made the attacker bob's correspondent."""
    state = PartitionState(MemoryStore())
    cascade = Cascade(models=None)
    cascade.score_batch(state, [mail("bob@acme.com", ("attacker@evil.example",),
                                     tenant="acme", direction="outbound", t=T0, auth=auth)])
    state.commit(state.changes(), 1, None)
    attack = mail("attacker@evil.example", ("bob@acme.com",), tenant="acme", t=T0 + 60)
    view = state.snapshot(attack, default_facts_fn()(attack)).recipients[0]
    assert (view.reverse is not None) is trusted

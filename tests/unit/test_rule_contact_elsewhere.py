"""A stranger asking for replies at another free-mail mailbox (``detectors/rules/contact.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from detectors.forward import own_words
from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, warned

_ROMANCE = ("Hi. What's new with you?\nIm a unmarried 28 yo beautiful female from Ukraine,\n"
            "At this moment I'm waiting for cool male from United States.\n"
            "I am going to send to You my picture,\nEmail to alice.e.88@gmail.com\nThank you!")
_RESTITUTION = ("ATTN: Victim,\n\nThe prosecuting law firm has been approved by the judge to pay "
                "each victim USD1,759,910.00. Contact the law firm at the below email address "
                "and send your reference number.\n\nEmail: justicelawgroup1@gmail.com\n")



@pytest.mark.parametrize("text", [
    _ROMANCE,
    _RESTITUTION,
    "I'll reply to You my photo;) Write at\n  lonely.anna77@gmail.com",
    "Where r You from? It's my E-mail for response anngosa80@gmail.com",
    "Please take this email seriously and reply to it: foundation.office@yandex.com",
    # "response" as the request itself (the dating kits' "Response to me at: …")
    "I am solitary adorable Mistress:) Response to me at: nigorevna366@gmail.com . thank's",
    "today Im trying to find angelical male! Response me to fomichev.m@gmail.com ,",
])
def test_a_strangers_request_for_replies_to_another_free_mailbox_is_held(text):
    # Decisive: the model reads such short personal letters as harmless.
    d = warned(mail("support@secure.smallshop.example", name="Ms. Alice", subject="Hey!",
                    text=text), probability=0.02)[0]
    h = hits_of(d)["contact_elsewhere"]
    assert h["attack_type"] == "scam" and h["sender_domain"] == "smallshop.example"
    assert h["mailbox_domain"] in ("gmail.com", "yandex.com")
    assert d.action in ("quarantine", "block") and d.decided_by == "decisive"


@pytest.mark.parametrize("text", [
    # its own address, a company's, a link's query, the reader's own, a footer's
    "Write to me at anna.berg@gmail.com, my only mailbox.",
    "Please send the CV to careers@acme-recruiting.example.",
    "Report it: https://x.example/r?to=abuse%40gmail.com or mailto:x@y.example",
    "This email was sent to someone.else@gmail.com. Your email address: bob@gmail.com",
    "Regards, Anna\n\nTo: team.lead@gmail.com\nCc: other.person@hotmail.com",
    # an address with no request to write in front of it
    "I met carl.jung.1961@gmail.com at the fair last week; he sends his regards.",
])
def test_no_request_for_replies_elsewhere_is_no_hit(text):
    d = warned(mail("anna.berg@gmail.com", ("bob@acme.com",), text=text))[0]
    assert "contact_elsewhere" not in hits_of(d)


def test_a_correspondent_giving_a_private_address_is_no_stranger():
    # Enron's "please note my new email address": a colleague leaving writes from work.
    asked = mail("bob@acme.com", ("anna@partner.example",), direction="outbound")
    reply = mail("anna@partner.example", ("bob@acme.com",), t=T0 + 60,
                 text="From today on please write to me at: anna77@yahoo.com")
    assert "contact_elsewhere" not in hits_of(warned(asked, reply)[1])
    stranger = replace(reply, sender=replace(reply.sender, address="carl@other.example"),
                       message_id="<other@test>")
    assert "contact_elsewhere" in hits_of(warned(stranger)[0])


def test_list_mail_names_its_own_business_addresses():
    post = mail("poster@lists.example",
                text="To unsubscribe, send email to remove.me.1234@yahoo.com")
    assert "contact_elsewhere" in hits_of(warned(post)[0])
    for headers in ({"list-id": "<razor-users.lists.example>"},
                    {"list-unsubscribe": "<mailto:leave@lists.example>"},
                    {"precedence": "bulk"}):
        listed = replace(post, headers=headers, message_id=f"<{len(headers)}{headers}@t>")
        assert "contact_elsewhere" not in hits_of(warned(listed)[0])


def test_only_the_senders_own_words_are_read():
    quoted = ("Thanks, will do.\n\n-----Original Message-----\nFrom: Carl\nSent: Monday\n"
              "To: Bob\nSubject: hi\n\nEmail me at carl.private@gmail.com")
    d = warned(mail("anna@partner.example", text=quoted))[0]
    assert "contact_elsewhere" not in hits_of(d)
    assert own_words("Sure.\n> write to me at x@gmail.com\nOn Mon, Carl <c@d.e> wrote:\n"
                     "email me at y@gmail.com") == "Sure.\n\n"


@pytest.mark.parametrize("text, own", [
    # a header block starts a line; "code:" ends in "de:" but is no Portuguese From line
    ("Hi\nthe code: 12\nSubject: x\nemail me", "Hi\nthe code: 12\nSubject: x\nemail me"),
    ("Hi\r\nDe: Ann <a@b.c>\r\nAssunto: oi\r\n\r\nwrite to x@gmail.com", "Hi\n"),
    # the "wrote:" line is found in any case, after a letter whose lower case is longer
    ("İstanbul office\nOn Mon, Carl WROTE:\nemail me at y@gmail.com", "İstanbul office\n"),
    ("Sure\n-----Original Message-----\nmail me", "Sure\n"),
])
def test_own_words_end_where_another_persons_mail_begins(text, own):
    assert own_words(text) == own


def test_an_empty_forwards_carried_letter_is_read_as_its_senders():
    # The honeypot's forwards: the carried romance letter holds the forward.
    forward = mail("someone@acme-partner.example", subject="Fw: Hey! sir Handsome) I wish to talk.",
                   text="\n________________________________\nDe: Ms. Alice "
                        "<support@secure.smallshop.example>\nEnviado: quarta-feira, 26 de abril\n"
                        "Para: bob <bob@acme.com>\nAssunto: Hey! sir Handsome) I wish to talk.\n\n"
                        + _ROMANCE)
    d = warned(forward, probability=0.02)[0]
    assert d.action in ("quarantine", "block")
    assert "contact_elsewhere" in hits_of(d)["forwarded_attack"]["detectors"]


def test_only_the_first_free_mail_addresses_are_read():
    # A bounded cost on a crafted text: the request must come among the first sixteen.
    def letter(addresses: int):
        listed = "".join(f"cc: friend{i}@gmail.com\n" for i in range(addresses))
        return mail("support@secure.smallshop.example", text=f"{listed}Email me at al.i@gmail.com")

    assert "contact_elsewhere" in hits_of(warned(letter(15))[0])
    assert "contact_elsewhere" not in hits_of(warned(letter(16))[0])

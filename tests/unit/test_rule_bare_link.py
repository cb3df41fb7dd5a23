"""A stranger's link with nothing to read around it (``detectors/rules/bare_link.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, warned

_DATE = ("http://lovesexadventure.example.space/sexxys",)


@pytest.mark.parametrize("text", [
    "Click for date\r\nhttp://lovesexadventure.example.space/sexxys\r\n",
    ". . .",
    "",  # a linked image and no words at all
    "CONGRATULATIONS <https://prize.example.top/claim?id=1>",
])
def test_a_warned_strangers_link_with_nothing_to_read_is_quarantined(text):
    d = warned(mail("info@small-shop.example", subject="I am 21 years old", text=text,
                    urls=_DATE))[-1]
    h = hits_of(d)["bare_link"]
    assert h["words"] < 8 and h["links"] == 1 and h["score"] < 0.5
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


def test_words_around_the_link_or_no_link_leave_it_to_the_model():
    letter = ("Hi Bob, here are the slides from Tuesday's meeting with the supplier; the "
              "figures are on page four: https://share.example.com/slides")
    for record in (mail("ann@partner.example", text=letter, urls=("https://share.example.com",)),
                   mail("ann@partner.example", text="Click for date")):
        d = warned(record)[-1]
        assert "bare_link" not in hits_of(d) and d.action == "warn"


def test_a_link_home_or_a_decoy_text_part_beside_a_page_is_not_bare():
    # A shop's short note linking to its own site is its own business; a "." text part
    # beside a page of words is a decoy, and the reader reads the page.
    home = mail("news@offers-daily.example", text="Our spring catalogue.",
                urls=("https://www.offers-daily.example/spring",))
    page = ("<html><body><p>Dear customer, your parcel could not be delivered because the "
            "customs fee of 2 euros is unpaid.</p><a href='https://post.example.top/pay'>"
            "Pay</a></body></html>")
    decoy = replace(mail("info@small-shop.example", text=".", urls=_DATE), html=page)
    for record in (home, decoy):
        d = warned(record)[-1]
        assert "bare_link" not in hits_of(d) and d.action == "warn"
    image_only = replace(decoy, html="<html><body><a href='https://post.example.top/pay'>"
                                     "<img src='https://post.example.top/a.png'></a></body></html>")
    assert hits_of(warned(image_only)[-1])["bare_link"]["words"] == 0


def test_list_mail_and_correspondents_are_not_read():
    lure = mail("info@small-shop.example", text="Click for date", urls=_DATE, t=T0 + 60)
    issue = replace(lure, headers={"list-unsubscribe": "<mailto:out@small-shop.example>"})
    asked = mail("bob@acme.com", ("info@small-shop.example",), direction="outbound")
    for ds in (warned(issue), warned(asked, lure)):
        assert "bare_link" not in hits_of(ds[-1]) and ds[-1].action == "warn"


def test_a_message_the_model_calls_harmless_is_not_read():
    d = warned(mail("info@small-shop.example", text="Click for date", urls=_DATE),
               probability=0.05)[-1]
    assert "bare_link" not in hits_of(d) and d.action == "allow"

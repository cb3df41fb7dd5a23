"""A stranger's message with nothing in it (``detectors/rules/empty.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from schemas import Attachment, Url
from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, verdicts, warned


@pytest.mark.parametrize(("subject", "text"), [("", ""), (" ", "\r\n"), ("\t", " \n ")])
def test_a_strangers_empty_message_is_held_as_spam(subject, text):
    d = warned(mail("vanes.sanein0@gmail.com", name="ioihrhdbo xxuvsypn", subject=subject,
                    text=text), probability=0.0)[0]
    h = hits_of(d)["empty_message"]
    assert h["attack_type"] == "spam"
    assert (d.action, d.decided_by) == ("quarantine", "decisive")


@pytest.mark.parametrize("change", [
    {"subject": "hi"}, {"text": "."}, {"html": "<p>x</p>"},
    {"urls": (Url("https://example.org/"),)},
    {"attachments": (Attachment("scan.pdf", "application/pdf", 1000),)},  # a file is a file
])
def test_anything_at_all_in_it_is_judged_by_the_other_rules(change):
    record = replace(mail("vanes.sanein0@gmail.com", subject="", text=""), **change)
    assert "empty_message" not in hits_of(verdicts(record)[0])


def test_a_correspondents_empty_message_is_a_slip_of_the_send_button():
    asked = mail("bob@acme.com", ("ann@partner.example",), direction="outbound")
    empty = mail("ann@partner.example", subject="", text="", t=T0 + 60)
    assert "empty_message" not in hits_of(verdicts(asked, empty)[1])

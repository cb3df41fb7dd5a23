"""Content placed far out of the reader's sight (``detectors/rules/offscreen.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from detectors.rules.offscreen import far_offset
from tests.factories import mail
from tests.unit.test_rules import hits_of, warned

_KIT = ('<html><body><a href="https://eureal-docs.example/a.php"><img src="x.png"></a>'
        "<style>.belowView { margin-top: 470500px; }</style>"
        '<div class="belowView"><p>This week in satire: a borrowed newsletter, every word of '
        "it ordinary prose for a filter to read.</p></div></body></html>")
_NEWSLETTER = ('<html><head><style>.wrap { max-width: 600px; margin: 0 auto; } '
               ".logo { text-indent: -9999px; } table { width: 100000px; }</style></head>"
               "<body><div class='wrap'><p>Our autumn catalogue is out.</p></div></body></html>")


@pytest.mark.parametrize(("page", "found"), [
    (_KIT, "margin-top: 470500px"),
    (".wrapper { display: flex; height: 10000vh; }", "height: 10000vh"),
    ("<div style='position:absolute;TOP:-12000px'>", "TOP:-12000px"),
    (".x { padding-bottom: 2000.5vw }", "padding-bottom: 2000.5vw"),
    (_NEWSLETTER, None),  # an image-replacement indent and a wide table are layout
    ("margin: 0 auto; height: 999vh; top: 9999px", None),
    ("order 100000px of cable", None),  # a length, but no property placing anything
    ("<p>Olá, condição única</p><div style='margin-top:470500px'>ção</div>",
     "margin-top:470500px"),  # after letters beyond ASCII
])
def test_a_far_offset_is_one_of_ten_thousand_pixels_or_a_thousand_screens(page, found):
    assert far_offset(page) == found


def _run(record, probability: float = 0.6, scores: dict | None = None):
    return warned(record, probability=probability, scores=scores)[-1]


def _kit_mail():
    return replace(mail("news@satire-weekly.example", subject="This week", text="This week in "
                        "satire: a borrowed newsletter."), html=_KIT)


def test_a_warning_on_a_page_that_hides_its_text_far_below_is_quarantined():
    d = _run(_kit_mail())
    h = hits_of(d)["offscreen_content"]
    assert h["declaration"] == "margin-top: 470500px" and h["score"] < 0.5
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


def test_an_ordinary_newsletters_layout_is_no_sign():
    d = _run(replace(mail("news@shop.example", text="Our autumn catalogue is out."),
                     html=_NEWSLETTER))
    assert "offscreen_content" not in hits_of(d) and d.action == "warn"


def test_a_message_the_model_calls_harmless_is_not_read():
    d = _run(_kit_mail(), probability=0.05)
    assert "offscreen_content" not in hits_of(d) and d.action == "allow"


def test_switched_off_in_the_scores_file_it_does_nothing():
    from detectors.cascade import load_scores

    scores = load_scores()
    scores["detectors"] = {**scores["detectors"], "offscreen_content": {"enabled": False}}
    d = _run(_kit_mail(), scores=scores)
    assert "offscreen_content" not in hits_of(d) and d.action == "warn"

"""A stranger's risky link (``StrangerLink`` in ``detectors/rules/links.py``)."""

from __future__ import annotations

import pytest

from detectors import Cascade, DetectorConfigError, load_scores
from tests.factories import T0, mail
from tests.unit.test_rules import _WarnOnly, hits_of, verdicts

DAY = 86400.0
_OFFER = dict(name="Power Saver", subject="Discover the power of energy savings",
              text="Cut your bill in half with this device.", urls=("https://bit.ly/3xYzAb",))


def test_a_strangers_shortened_link_corroborates_the_models_warning():
    d = verdicts(mail("deals@offers-daily.com", ("bob@acme.com",), **_OFFER),
                 cascade=Cascade(models=_WarnOnly()))[0]
    h = hits_of(d)["stranger_link"]
    assert (h["attack_type"], h["score"], h["shortener"]) == ("spam", 0.4, "bit.ly")
    assert "url_risk" not in hits_of(d)  # one link signal is below link risk's own minimum
    assert (d.action, d.attack_type, d.decided_by) == ("quarantine", "spam", "corroborated")


def test_alone_it_decides_nothing():
    # Without a model the heuristic combination leaves it out: a first contact with a
    # shortened link is allowed, as before the detector existed.
    d = verdicts(mail("deals@offers-daily.com", ("bob@acme.com",), **_OFFER))[0]
    assert "stranger_link" in hits_of(d) and d.action == "allow"
    d = verdicts(mail("deals@offers-daily.com", ("bob@acme.com",), **_OFFER),
                 cascade=Cascade(models=_WarnOnly(probability=0.3)))[0]
    assert "stranger_link" in hits_of(d) and d.action == "allow"


def test_a_correspondent_or_a_plain_link_is_not_a_strangers_risky_link():
    replied = [mail("carl@acme.com", ("deals@offers-daily.com",), direction="outbound"),
               mail("deals@offers-daily.com", ("carl@acme.com",), t=T0 + DAY, **_OFFER)]
    d = verdicts(*replied, cascade=Cascade(models=_WarnOnly()))[-1]
    assert "stranger_link" not in hits_of(d) and d.action == "warn"
    plain = mail("news@offers-daily.com", ("bob@acme.com",), name="Offers",
                 text="Our spring catalogue.", urls=("https://www.offers-daily.com/spring",))
    d = verdicts(plain, cascade=Cascade(models=_WarnOnly()))[0]
    assert "stranger_link" not in hits_of(d) and d.action == "warn"


@pytest.mark.parametrize(("text", "attack"), [
    ("Verify your account and confirm your password here.", "credential_phishing"),
    ("You are the beneficiary of an inheritance of 4.5 million dollars.", "scam"),
])
def test_the_hit_names_the_lure(text, attack):
    d = verdicts(mail("notice@mailer-hub.top", ("bob@acme.com",), subject="Notice", text=text,
                      urls=("https://bit.ly/3xYzAb",)))[0]
    assert hits_of(d)["stranger_link"]["attack_type"] == attack


def test_only_the_configured_signals_count():
    scores = load_scores()
    only_ip = {**scores, "detectors": {**scores["detectors"],
                                       "stranger_link": {"signals": ["ip_host"]}}}
    d = verdicts(mail("deals@offers-daily.com", ("bob@acme.com",), **_OFFER),
                 cascade=Cascade(only_ip, models=_WarnOnly()))[0]
    assert "stranger_link" not in hits_of(d) and d.action == "warn"
    ip = mail("deals@offers-daily.com", ("bob@acme.com",), name="Offers", text="Deal inside.",
              urls=("http://203.0.113.7/deal",))
    assert hits_of(verdicts(ip, cascade=Cascade(only_ip))[0])["stranger_link"]["ip_host"] \
        == "203.0.113.7"


@pytest.mark.parametrize("value", [{"signals": ["shortener", "no_such_signal"]},
                                   {"signals": []}, {"signals": "shortener"},
                                   {"score": 1.5}])
def test_invalid_settings_refuse_to_start(value):
    scores = load_scores()
    with pytest.raises(DetectorConfigError, match="stranger_link"):
        Cascade({**scores, "detectors": {**scores["detectors"], "stranger_link": value}})


def test_it_never_flags_the_sender():
    # A bulk sender using a shortener keeps being judged message by message: its earlier
    # corroborated mail is no evidence that its next one is an attack. Each message goes to
    # a new recipient, so each is a first contact and each is corroborated.
    batch = [mail("deals@offers-daily.com", (f"user{i}@acme.com",), t=T0 + i * DAY, **_OFFER)
             for i in range(6)]
    decisions = verdicts(*batch, cascade=Cascade(models=_WarnOnly()))
    assert all(d.decided_by == "corroborated" for d in decisions)
    assert not any("flagged_sender" in hits_of(d) for d in decisions)
    # What it guards against: were it a flagging hit, the sender would be held for it.
    scores = load_scores()
    flagging = {**scores, "combine": {**scores["combine"], "flagging": {
        **scores["combine"]["flagging"], "stranger_link": 0.4}}}
    decisions = verdicts(*batch, cascade=Cascade(flagging, models=_WarnOnly()))
    assert "flagged_sender" in hits_of(decisions[-1])


def test_the_message_still_teaches_the_state():
    # A weak, corroborating-only hit: the message creates its relationship and baseline like
    # any other (a named hit of 0.5 or more would stop that, and so change the training
    # replay and the model).
    from detectors.cascade import teaches_baseline

    d = verdicts(mail("deals@offers-daily.com", ("bob@acme.com",), **_OFFER))[0]
    own = [h for h in d.hits if h.detector == "stranger_link"]
    assert own and teaches_baseline(own)

"""The behaviour model's feature rows: every column where the layout says it is."""

from __future__ import annotations

import math

import numpy as np

from detectors import Cascade
from detectors.layout import CLASSES, COLUMNS, CUES, DETECTORS, N_FEATURES, behaviour_matrix
from detectors.rules.authentication import AUTH_FAILURES
from state import NO_DECAY, Decay, MemoryStore, PartitionState
from tests.factories import T0, mail, org_traffic


def _rows(*records, probs=None):
    assessments = Cascade().assess_batch(PartitionState(MemoryStore(), decay=NO_DECAY),
                                         list(records))
    return assessments, behaviour_matrix(assessments, probs)


def test_columns_hold_the_hits_the_facts_and_the_content_probabilities():
    known = mail("anna@acme.com", ("carl@acme.com",), direction="internal", t=T0)
    lure = mail("boss.office@gmail.com", ("carl@acme.com", "dora@acme.com"), t=T0 + 60,
                subject="quick favour", text="Buy 5 Apple gift cards today and send the codes.",
                urls=("http://203.0.113.7/login",), auth=("fail", "", ""))
    probs = np.tile(np.linspace(0.1, 0.9, len(CLASSES), dtype=np.float32), (2, 1))
    assessments, x = _rows(known, lure, probs=probs)
    col = {name: i for i, name in enumerate(COLUMNS)}
    assert x.shape == (2, N_FEATURES) and x.dtype == np.float32
    assert x[0, col["internal"]] == 1.0 and x[0, col["inbound"]] == 0.0
    assert x[1, col["inbound"]] == 1.0 and x[1, col["spf_fail"]] == 1.0
    assert x[1, col["sender_freemail"]] == 1.0 and x[1, col["first_contact"]] == 1.0
    assert x[1, col["n_recipients"]] == np.float32(np.log1p(2))
    for h in assessments[1].hits:  # each input detector's column holds its strongest hit
        if h.detector not in DETECTORS:
            continue
        best = max(g.score for g in assessments[1].hits if g.detector == h.detector)
        assert x[1, col[f"hit_{h.detector}"]] == np.float32(best)
    assert x[1, col["cue_gift_card"]] > 0.0 and x[1, col["url_score"]] > 0.0
    np.testing.assert_array_equal(x[:, -len(CLASSES):], probs)


def test_the_model_columns_are_detectors_of_this_build_and_a_new_one_adds_none():
    from detectors.rules import REGISTRY

    names = [cls.name for cls in REGISTRY]
    assert set(DETECTORS) <= set(names)
    # Layout 4's columns, in their order: changing them needs a layout bump and a retrain.
    decision_time = {"flagged_sender", "text_obfuscation", "stranger_link", "blocked_sender",
                     "blocked_link", "blocked_file", "malformed_from",
                     "attachment_password", "crypto_lure", "crypto_mention", "contact_elsewhere",
                     "balance_lure", "celebrity_sender", "throwaway_share", "parcel_fee",
                     "pseudo_tld", "docs_preview", "empty_message", "illicit_offer",
                     "free_mail_relay",
                     "legal_threat",
                     "diverted_reply",
                     "bare_link",
                     "unfamiliar_language", "advance_fee", "vice_topic", "brand_subject",
                     "authority_claim", "template_residue", "stranger_document",
                     "brand_receipt",
                     "offscreen_content"}
    assert tuple(n for n in names if n not in decision_time) == DETECTORS
    assert not any(c.removeprefix("hit_") in decision_time for c in COLUMNS)


def test_without_content_probabilities_the_content_columns_are_zero():
    _, x = _rows(mail())
    assert not x[:, -len(CLASSES):].any()


def _reference_row(a) -> list[float]:
    """One row by the layout's literal definition, a value at a time."""
    def log(x: float) -> float:
        return math.log1p(max(0.0, x))

    hit_cols = [0.0] * len(DETECTORS)
    for h in a.hits:
        if h.detector not in DETECTORS:  # decision-time detectors are not inputs
            continue
        j = DETECTORS.index(h.detector)
        hit_cols[j] = max(hit_cols[j], h.score)
    r, snap, s = a.record, a.snapshot, a.snapshot.sender
    t, dom, rcpts, auth = r.received_at, snap.domain, snap.recipients, r.auth
    pairs = [v.pair.count if v.pair else 0 for v in rcpts]
    return [
        *hit_cols, *[log(getattr(a.content.cues, c)) for c in CUES],
        a.content.urls.score, log(len(r.urls)), a.content.attachments.score,
        log(len(r.attachments)), float(s is not None),
        log(snap.decayed(s.count, s.ref, t) if s else 0.0),
        log((t - s.first_seen) / 86400.0 if s else 0.0), log(s.n_recipients if s else 0),
        float(dom is not None), log(snap.decayed(dom.count, dom.ref, t) if dom else 0.0),
        float(bool(dom and dom.outbound)), float(bool(dom and dom.known_vendor)),
        float(all(v.first_contact for v in rcpts) if rcpts else s is None),
        float(any(v.reverse is not None for v in rcpts)), log(len(rcpts)),
        log(min(pairs) if pairs else 0), float(a.content.sender_freemail),
        float(any(d != a.facts.sender_domain for d in a.content.reply_to_domains)),
        float(a.facts.person_like),
        float(snap.person is not None and r.sender.address not in snap.person.addresses),
        float(auth.spf in AUTH_FAILURES), float(auth.dkim in AUTH_FAILURES),
        float(auth.dmarc in AUTH_FAILURES), float(not (auth.spf or auth.dkim or auth.dmarc)),
        float(r.direction == "inbound"), float(r.direction == "internal"),
        float(r.direction == "outbound"), log(len(r.text) / 100.0), float(bool(r.html)),
    ]


def test_rows_equal_the_literal_definition_bit_for_bit():
    """The batch form (numpy log1p over gathered columns) changes no float32 value."""
    lures = [mail("it-desk@rnicrosoft-support.top", ("carl@acme.com",), t=T0 + 10.0 * i,
                  name="Microsoft 365", subject="Password expires today",
                  text="Verify your account now: sign in to keep your password. Wire the "
                       "invoice payment today, gift cards, urgent.",
                  urls=("http://rnicrosoft-support.top/login/verify", "https://bit.ly/x"),
                  reply_to="collect@gmail.com", auth=("fail", "fail", "none"))
             for i in range(3)]
    records = org_traffic(300) + lures
    state = PartitionState(MemoryStore(), decay=Decay(half_life=7 * 86400.0))
    assessments = Cascade().assess_batch(state, records)
    assert any(a.hits for a in assessments) and any(a.snapshot.recipients for a in assessments)
    x = behaviour_matrix(assessments, None)
    want = np.array([_reference_row(a) for a in assessments], dtype=np.float32)
    np.testing.assert_array_equal(x[:, :want.shape[1]], want)

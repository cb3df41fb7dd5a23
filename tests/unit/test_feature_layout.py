"""The behaviour model's feature rows: every column where the layout says it is."""

from __future__ import annotations

import numpy as np

from detectors import Cascade
from detectors.layout import CLASSES, COLUMNS, N_FEATURES, behaviour_matrix
from state import NO_DECAY, MemoryStore, PartitionState
from tests.factories import T0, mail


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
    for h in assessments[1].hits:  # each detector's column holds its strongest hit
        best = max(g.score for g in assessments[1].hits if g.detector == h.detector)
        assert x[1, col[f"hit_{h.detector}"]] == np.float32(best)
    assert x[1, col["cue_gift_card"]] > 0.0 and x[1, col["url_score"]] > 0.0
    np.testing.assert_array_equal(x[:, -len(CLASSES):], probs)


def test_without_content_probabilities_the_content_columns_are_zero():
    _, x = _rows(mail())
    assert not x[:, -len(CLASSES):].any()

"""The corpus replay stream keeps phishing_pot in its own order (the time-later split)."""

from __future__ import annotations

import pytest

from bench.corpus import ARCHIVES, build
from schemas.mime import parse_message
from schemas.sources import iter_messages


@pytest.mark.corpora
def test_phishing_pot_keeps_its_own_order_so_the_later_split_holds_its_latest_mail(corpora):
    records, labels = build(corpora, ham_limit=300, attacks_limit=60, outside_ham_limit=0)
    pot = [r.message_id for r, x in zip(records, labels, strict=True)
           if x.scenario == "phishing_pot"]
    assert len(pot) == 60
    own = {}
    for raw in iter_messages([corpora / ARCHIVES["phishing_pot"]]):
        r = parse_message(raw.raw, tenant_id="t", direction="inbound", normalise=True)
        own.setdefault(r.message_id, r.received_at)
    dates = [own[mid.split("#", 1)[0]] for mid in pot]
    assert dates == sorted(dates) and dates[0] < dates[-1]
    # ...while the sample is spread over the stream's second half, not bunched at its end
    where = [n for n, x in enumerate(labels) if x.scenario == "phishing_pot"]
    assert where[0] < len(labels) * 0.75 and where[-1] > len(labels) * 0.75

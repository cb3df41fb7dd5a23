"""A message's time is its Date header, which the sender writes.

No date may make a sender or domain read as established, erase its history, or stop the
batch that brings the domain's next message. Mail dated later than tomorrow is re-dated to
tomorrow by the engine and ``scan`` (``state.redate_future_mail``); mail dated before a
profile's reference reads it as of the reference (``StateSnapshot.decayed``).
"""

from __future__ import annotations

import time

import pytest

from detectors import Cascade
from schemas.mime import parse_message
from state import (
    FUTURE_SKEW,
    Decay,
    MemoryStore,
    PartitionState,
    RocksDBStore,
    StateSnapshot,
    decode,
    make_key,
    redate_future_mail,
)
from state.profiles import KIND_DOMAIN, KIND_SENDER
from stream.offline import scan_records
from tests.factories import T0, mail

DAY = 86400.0
DECAY = Decay(30 * DAY, 90 * DAY)  # the engine's defaults
OWN = frozenset({"acme.com"})


def _eml(sender: str, date: str, n: int) -> bytes:
    return (f"From: {sender}\r\nTo: bob@acme.com\r\nSubject: invoice {n}\r\nDate: {date}\r\n"
            f"Message-ID: <m{n}@vendor.example>\r\n\r\nThe invoice is attached, please pay "
            "it by wire today.\r\n").encode()


def _date(t: float) -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))


def _stored(state_dir, kind: bytes, name: str):
    store = RocksDBStore(state_dir / "scan")
    try:
        raw = store.get_many([make_key(kind, "acme", name)])[0]
    finally:
        store.close()
    assert raw is not None
    return decode(kind, raw)


def test_mail_dated_after_tomorrow_is_redated_to_tomorrow():
    wall = T0 + 10 * DAY
    records = [mail(t=T0), mail(t=wall + FUTURE_SKEW), mail(t=wall + 2 * DAY),
               mail(t=1.7e12)]  # a timestamp in milliseconds
    assert redate_future_mail(records, wall) == 2
    assert [r.received_at for r in records] == [T0, wall + DAY, wall + DAY, wall + DAY]


def test_a_message_dated_years_ahead_does_not_make_its_sender_read_as_established(tmp_path):
    now = time.time()
    spoofs = [parse_message(_eml("Billing <billing@vendor.example>", date, n), tenant_id="acme",
                            own_domains=OWN)
              for n, date in enumerate([_date(now - DAY), "Thu, 01 Jan 2037 00:00:00 +0000",
                                        _date(now)])]
    verdicts = list(scan_records(spoofs, state_dir=str(tmp_path), decay=DECAY,
                                 cascade=Cascade(models=None)))
    assert len(verdicts) == 3
    for kind, name in ((KIND_SENDER, "billing@vendor.example"),
                       (KIND_DOMAIN, "vendor.example")):
        profile = _stored(tmp_path, kind, name)
        assert profile.last_seen <= now + FUTURE_SKEW + 60
        # Three messages, not ~2**134: the one dated 2037 counts as one dated tomorrow.
        read = StateSnapshot(None, None, None, None, (), DECAY).decayed(  # type: ignore[arg-type]
            profile.count, profile.ref, now)
        assert 2.9 < read <= 3.1, (kind, read)


def test_mail_dated_before_a_profile_reads_it_as_of_its_reference():
    snapshot = StateSnapshot(None, None, None, None, (), Decay(DAY, 0.0))  # type: ignore[arg-type]
    assert snapshot.decayed(5.0, T0, T0 - 3650 * DAY) == 5.0  # not 5 * 2**3650
    assert snapshot.decayed(5.0, T0, T0 + DAY) == pytest.approx(2.5)


def test_a_spoofed_domain_dated_9999_does_not_stop_the_batch_of_its_next_mail(tmp_path):
    """The shipped model's features read the domain's count: 2**-big was 0, and the whole
    batch stopped on the division (the engine retried it for ever)."""
    now = time.time()
    records = [parse_message(_eml("Anyone <anyone@vendor.example>",
                                  "Fri, 31 Dec 9999 23:00:00 +0000", 0), tenant_id="acme",
                             own_domains=OWN)]
    records += [parse_message(_eml(f"Billing {n} <billing{n}@vendor.example>",
                                   _date(now - 3600 + n), n), tenant_id="acme",
                              own_domains=OWN) for n in range(1, 4)]
    verdicts = list(scan_records(records, state_dir=str(tmp_path), decay=DECAY))
    assert [v.message_id for v in verdicts] == [r.message_id for r in records]
    domain = _stored(tmp_path, KIND_DOMAIN, "vendor.example")
    assert domain.ref <= now + FUTURE_SKEW + 60 and domain.last_seen <= now + FUTURE_SKEW + 60


def test_a_long_silence_on_a_short_half_life_reads_as_nothing_not_an_error():
    state = PartitionState(MemoryStore(), decay=Decay(DAY, 0.0))
    first, later = mail("old@partner.com", t=T0 - 5000 * DAY), mail("old@partner.com", t=T0)
    Cascade(models=None).score_batch(state, [first])
    Cascade(models=None).score_batch(state, [later])  # 5,000 half-lives later: a rebase
    state.commit(state.changes(), 2, None)


def test_mail_dated_years_back_does_not_make_a_new_domain_read_as_old(tmp_path):
    """One message now, one dated 2000, then the attack: the domain's first sighting stays
    a day before its first message, so the vendor-fraud rule still sees a young domain (and
    looks for the domain it imitates). Mail an hour out of order still moves it."""
    now = time.time()
    dates = [_date(now - 3600), _date(now - 7200), "Mon, 03 Jan 2000 09:00:00 +0000",
             _date(now)]
    records = [parse_message(_eml("Billing <billing@vendor.example>", date, n),
                             tenant_id="acme", own_domains=OWN)
               for n, date in enumerate(dates)]
    list(scan_records(records[:2], state_dir=str(tmp_path), decay=DECAY,
                      cascade=Cascade(models=None)))
    for kind, name in ((KIND_SENDER, "billing@vendor.example"),
                       (KIND_DOMAIN, "vendor.example")):
        assert _stored(tmp_path, kind, name).first_seen == records[1].received_at  # moved
    list(scan_records(records[2:], state_dir=str(tmp_path), decay=DECAY,
                      cascade=Cascade(models=None)))
    for kind, name in ((KIND_SENDER, "billing@vendor.example"),
                       (KIND_DOMAIN, "vendor.example")):
        profile = _stored(tmp_path, kind, name)
        assert profile.ref == records[0].received_at
        assert profile.first_seen == profile.ref - DAY, (kind, profile.first_seen)

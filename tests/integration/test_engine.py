"""The engine against the real broker process (Tansu) and real RocksDB.

Input messages → expected verdicts, dead letters, crash safety and scale-out.
"""

from __future__ import annotations

import signal
import time
import urllib.request
from pathlib import Path

import orjson
import pytest

from schemas import encode_mail, encode_verdict
from state import SET_ASIDE, RocksDBStore, decode
from stream.config import EngineConfig
from stream.kafka import ensure_topics
from stream.offline import scan_records
from stream.replay import collect, produce_raw, produce_records
from tests.conftest import scored
from tests.factories import org_traffic

pytestmark = pytest.mark.integration

NO_DECAY = {"MAILHAWK_HALF_LIFE_DAYS": "0", "MAILHAWK_IDLE_EXPIRY_DAYS": "0"}


def _create(broker, topics) -> None:
    ensure_topics(EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=4,
                               input_topic=topics.input, verdict_topic=topics.verdicts,
                               dead_letter_topic=topics.dead,
                               changelog_topic=topics.changelog))


def _state(state_dir: Path) -> dict[bytes, object]:
    """Every profile of every partition store under ``state_dir``, decoded."""
    out: dict[bytes, object] = {}
    for path in sorted(state_dir.iterdir()):
        if not (path / "CURRENT").exists() or SET_ASIDE in path.name:  # set aside: not state
            continue
        store = RocksDBStore(path)
        try:
            for key, value in store.items():
                if key[:1] != b"\x00":
                    assert key not in out, "a key lives in two partitions"
                    out[key] = decode(key[:1], value)
        finally:
            store.close()
    return out


def _reference_state(records, tmp_path: Path) -> dict[bytes, object]:
    """The state of one uninterrupted offline pass, for comparison."""
    from state import NO_DECAY as no_decay

    ref_dir = tmp_path / "reference"
    for _ in scan_records(records, state_dir=str(ref_dir), decay=no_decay):
        pass
    return _state(ref_dir)


SECRET = "alice.private@partner.example"


def test_one_verdict_per_message_and_bad_records_dead_lettered(broker, topics,
                                                               engine_factory):
    _create(broker, topics)
    records = org_traffic(300)
    good_first, good_last = records[:150], records[150:]
    bad = [
        (b"t0", b'{"schema_version": 1, "message_id": "x", '),
        (b"t0", orjson.dumps({**orjson.loads(encode_mail(records[0])),
                              "schema_version": 7})),
        (b"t1", orjson.dumps({k: v for k, v in orjson.loads(encode_mail(records[1])).items()
                              if k != "tenant_id"})),
        (b"t2", b"x" * (20 * 1024 * 1024)),
        # A value the schema refuses, written by a sender: the log must not quote it.
        (b"t1", orjson.dumps({**orjson.loads(encode_mail(records[2])),
                              "direction": "Wire now to " + SECRET * 20_000})),
    ]
    engine = engine_factory()
    produce_records(broker.bootstrap_servers, topics.input, good_first)
    produce_raw(broker.bootstrap_servers, topics.input, bad)
    produce_records(broker.bootstrap_servers, topics.input, good_last)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records),
                  dead_letter_topic=topics.dead, timeout=120, quiet_after=3.0)

    ids = [v.message_id for v in got.verdicts]
    assert sorted(ids) == sorted(r.message_id for r in records)  # exactly one each
    assert {v.action for v in got.verdicts} <= {"allow", "warn", "quarantine", "block"}
    letters = {d.error_kind: d for d in got.dead_letters}
    assert set(letters) == {"invalid_json", "schema_version", "missing_field", "too_large",
                            "invalid_value"}
    assert letters["missing_field"].field == "tenant_id"
    assert "tenant_id" in letters["missing_field"].error
    assert letters["schema_version"].field == "schema_version"
    assert letters["too_large"].original == bad[3][1]  # the original bytes, whole
    assert letters["invalid_json"].original == bad[0][1]
    assert all(d.topic == topics.input and d.offset >= 0 for d in got.dead_letters)
    # The reason quotes the refused value cut short; the record itself is whole.
    assert letters["invalid_value"].field == "direction"
    assert len(letters["invalid_value"].error) < 300
    assert letters["invalid_value"].original == bad[4][1]
    assert engine.metric("mailhawk_dead_letters_total") == 5
    assert engine.process.poll() is None  # it kept going
    assert engine.stop() == 0  # drains and exits cleanly on SIGTERM
    log = engine.log_path.read_text(errors="replace")
    assert log.count("dead letter") == 5 and "invalid_value (field direction)" in log
    assert SECRET not in log and "Wire now" not in log  # the log names kind and field only


def test_a_message_detection_fails_on_is_dead_lettered_and_its_partition_goes_on(
        broker, topics, tmp_path, caplog):
    """A valid record that makes a detector raise (here a fault put into one detector, as a
    crafted message would find a bug) must not stop its partition: retried, the batch would
    fail for ever. The real engine, broker, RocksDB and shipped model."""
    import threading

    from detectors import Cascade
    from stream.engine import Engine
    from tests.factories import mail

    _create(broker, topics)
    before, after = org_traffic(200, tenants=2, seed=3), org_traffic(200, tenants=2, seed=4)
    poison = mail("crafted@evil.example", ("bob@acme.com",), tenant="t0",
                  message_id="<poison@evil.example>")
    cascade = Cascade.from_config("", "")
    detector = cascade._by_direction["inbound"][0]
    detect = detector.detect

    def buggy(ctx):
        if ctx.record.message_id == poison.message_id:
            raise ValueError("a bug this message finds")
        return detect(ctx)

    detector.detect = buggy
    config = EngineConfig(
        bootstrap_servers=broker.bootstrap_servers, input_topic=topics.input,
        verdict_topic=topics.verdicts, dead_letter_topic=topics.dead,
        changelog_topic=topics.changelog, group=topics.group,
        state_dir=str(tmp_path / "state"), metrics_port=-1, partitions=4,
        half_life_days=0, idle_expiry_days=0)
    engine = Engine(config, cascade=cascade)
    produce_records(broker.bootstrap_servers, topics.input, [*before, poison, *after])
    worker = threading.Thread(target=engine.run, kwargs={"max_idle_s": 6.0})
    worker.start()
    worker.join(180)
    engine.stop()
    assert not worker.is_alive()

    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(before) + len(after),
                  dead_letter_topic=topics.dead, timeout=60, quiet_after=2.0)
    assert sorted(v.message_id for v in got.verdicts) == \
        sorted(r.message_id for r in [*before, *after])  # every other message, once
    (letter,) = got.dead_letters
    assert letter.error_kind == "detection_failed"
    assert letter.original == encode_mail(poison)  # the record whole, to replay once fixed
    assert "ValueError" in letter.error and letter.topic == topics.input
    # The log names the exception's type and site, never its text (it may quote the mail).
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "detection failed (ValueError" in logged and "dead letter" in logged
    assert "a bug this message finds" not in logged and "crafted@evil.example" not in logged
    assert engine.metrics.dead_letters.labels("detection_failed")._value.get() == 1
    # It taught the state nothing: its sender has no profile.
    assert not any(b"crafted@evil.example" in key for key in _state(tmp_path / "state"))


def test_mail_dated_far_ahead_is_scored_as_dated_tomorrow_and_stops_nothing(
        broker, topics, engine_factory):
    """A spoofed message dated 9999 (a sender writes its Date) made its domain's counters
    rebase to that year; the next real message from the domain then stopped the batch in
    the shipped model's features, at every restart. Re-dated to tomorrow, all are scored."""
    from tests.factories import mail

    _create(broker, topics)
    now = time.time()
    text = "The invoice is attached, please pay it by wire today."
    spoof = mail("anyone@vendor.example", ("bob@acme.com",), t=253402297200.0,
                 subject="invoice", text=text)
    real = [mail(f"billing{n}@vendor.example", ("bob@acme.com",), t=now - 3600 + n,
                 subject="invoice", text=text) for n in range(3)]
    engine = engine_factory()
    verdicts = scored(broker, topics, [spoof, *real])
    assert [v.message_id for v in verdicts] == [r.message_id for r in [spoof, *real]]
    assert engine.metric("mailhawk_future_dated_total") == 1
    assert engine.metric("mailhawk_dead_letters_total") == 0
    assert engine.process.poll() is None


def test_a_message_id_carried_again_is_counted_and_every_record_gets_its_own_verdict(
        broker, topics, engine_factory):
    """A producer's retry repeats a record; a sender can give any message another's
    Message-ID. Each record is scored and its verdict names its own position, which is what
    tells them apart downstream; the metric shows an operator that it happens."""
    from dataclasses import replace

    from stream.replay import collect, produce_records
    from tests.factories import mail

    _create(broker, topics)
    now = time.time()
    first = mail("alice@partner.example", ("bob@acme.com",), t=now - 60, subject="lunch",
                 text="Lunch on Friday?")
    reused = replace(mail("billing@invoices-portal.example", ("bob@acme.com",), t=now - 30,
                          subject="invoice", text="Pay the attached invoice by wire today."),
                     message_id=first.message_id)
    other = mail("carol@partner.example", ("bob@acme.com",), t=now, subject="hi", text="Hi")
    engine = engine_factory()
    produce_records(broker.bootstrap_servers, topics.input, [first, first, reused, other])
    # ``expect`` counts distinct message ids (two here); the quiet period gathers the rest.
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=2,
                  dead_letter_topic=topics.dead, timeout=60, quiet_after=3.0)

    assert [v.message_id for v in got.verdicts] == [first.message_id] * 3 + [other.message_id]
    assert len({(v.source.partition, v.source.offset) for v in got.verdicts}) == 4
    assert [v.sender for v in got.verdicts][:3] == [first.sender.address] * 2 + [
        "billing@invoices-portal.example"]
    assert engine.metric("mailhawk_repeated_message_ids_total") == 2
    assert engine.metric("mailhawk_dead_letters_total") == 0


@pytest.mark.parametrize("wal", [False, True], ids=["changelog_is_the_log", "rocksdb_wal"])
def test_kill_9_then_restart_loses_nothing_and_counts_nothing_twice(
        broker, topics, engine_factory, tmp_path, wal):
    _create(broker, topics)
    records = org_traffic(2000, seed=5)
    # Batches of 50 committed three at a time: the kill finds verdicts out for records
    # whose state is not written yet (their verdicts must come out again, identical).
    env = {**NO_DECAY, "MAILHAWK_STATE_WAL": str(wal).lower(),
           "MAILHAWK_COMMIT_RECORDS": "150"}
    engine = engine_factory("node", "--batch-size", "50", env=env)
    produce_records(broker.bootstrap_servers, topics.input, records)
    # Kill once part of the stream has been processed, mid-flight, between two commits.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
            engine.metric("mailhawk_records_in_total") >= 400
            and engine.metric("mailhawk_uncommitted_records") > 0):
        time.sleep(0.01)
    engine.stop(signal.SIGKILL)
    done_before = collect(broker.bootstrap_servers, topics.verdicts, expect=0, timeout=5,
                          quiet_after=1.0)
    assert 0 < len({v.message_id for v in done_before.verdicts}) < len(records)

    engine = engine_factory("node", "--batch-size", "50", env=env)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=120,
                  quiet_after=3.0)
    if not wal:  # its stores had no log and it never paused long enough to flush them:
        # what it had written came back from the changelog
        assert engine.metric("mailhawk_changelog_restored_records_total") > 0
    by_id: dict[str, list] = {}
    for v in got.verdicts:
        by_id.setdefault(v.message_id, []).append(v)
    missing = {r.message_id for r in records} - set(by_id)
    # A record without a verdict is lost, dead-lettered, or not reached in time (a restore
    # or a rebalance that did not finish): say which before the engine stops.
    assert not missing, (
        f"{len(missing)} records without a verdict; restarted engine: "
        f"{engine.metric('mailhawk_records_in_total'):.0f} records in, "
        f"{engine.metric('mailhawk_dead_letters_total'):.0f} dead letters, "
        f"{engine.metric('mailhawk_assigned_partitions'):.0f} partitions assigned, "
        f"{engine.metric('mailhawk_changelog_restored_records_total'):.0f} changelog records "
        f"restored; its log ends:\n{engine.log()}")
    engine.stop()
    for dups in by_id.values():  # a re-scored message gets the same verdict
        first = {**dups[0].to_dict(), "scored_at": 0, "latency_ms": 0}
        assert all({**d.to_dict(), "scored_at": 0, "latency_ms": 0} == first for d in dups)
    assert _state(tmp_path / "node") == _reference_state(records, tmp_path)


def test_two_engines_split_partitions(broker, topics, engine_factory):
    _create(broker, topics)
    records = org_traffic(1200, tenants=8, seed=9)
    a = engine_factory("a")
    b = engine_factory("b")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
            a.metric("mailhawk_assigned_partitions") and b.metric(
                "mailhawk_assigned_partitions")):
        time.sleep(0.2)
    assert a.metric("mailhawk_assigned_partitions") + b.metric(
        "mailhawk_assigned_partitions") == 4
    produce_records(broker.bootstrap_servers, topics.input, records)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=120,
                  quiet_after=3.0)
    assert {v.message_id for v in got.verdicts} == {r.message_id for r in records}
    assert a.metric("mailhawk_records_in_total") > 0
    assert b.metric("mailhawk_records_in_total") > 0
    assert a.metric("mailhawk_records_in_total") + b.metric(
        "mailhawk_records_in_total") >= len(records)


def test_a_rebalance_under_traffic_commits_first_so_nothing_is_scored_twice(
        broker, topics, engine_factory):
    # Commits only on a revoke, a pause or a stop here: mail keeps coming (paced, no pause
    # longer than the engine's poll) while a second engine joins, so the first one holds
    # scored, uncommitted records when its partitions are taken. It must commit them in the
    # revoke; otherwise the second starts from older offsets and scores them again.
    import threading

    _create(broker, topics)
    records = org_traffic(9000, tenants=8, seed=21)
    env = {"MAILHAWK_COMMIT_RECORDS": "100000000", "MAILHAWK_COMMIT_INTERVAL_S": "3600"}
    a = engine_factory("a", env=env)
    sender = threading.Thread(target=produce_records, args=(
        broker.bootstrap_servers, topics.input, records), kwargs={"rate": 600.0})
    sender.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and a.metric("mailhawk_records_in_total") < 1000:
        time.sleep(0.1)
    assert a.metric("mailhawk_uncommitted_records") > 0  # mid-stream, nothing committed
    b = engine_factory("b", env=env)
    sender.join()
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=120,
                  quiet_after=3.0)
    assert a.metric("mailhawk_assigned_partitions") < 4  # the second engine took some
    assert b.metric("mailhawk_records_in_total") > 0
    ids = [v.message_id for v in got.verdicts]
    assert set(ids) == {r.message_id for r in records}
    assert len(ids) == len(records)  # once each: no record scored twice


def test_an_engine_holds_one_memory_budget_over_the_partitions_it_owns(broker, topics,
                                                                       engine_factory):
    # The budget is the engine's, not each partition's: an engine that takes over a peer's
    # partitions keeps the memory it was sized for.
    _create(broker, topics)
    records = org_traffic(1200, tenants=8, seed=9)
    engine = engine_factory("a", env={"MAILHAWK_CACHE_ENTRIES": "400",
                                      "MAILHAWK_BLOCK_CACHE_MB": "24",
                                      "MAILHAWK_WRITE_BUFFER_MB": "32"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and engine.metric("mailhawk_assigned_partitions") < 4:
        time.sleep(0.2)
    assert engine.metric("mailhawk_assigned_partitions") == 4
    produce_records(broker.bootstrap_servers, topics.input, records)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=120,
                  quiet_after=3.0)
    assert len({v.message_id for v in got.verdicts}) == len(records)
    deadline = time.monotonic() + 30  # the gauges are sampled every 5 s
    while time.monotonic() < deadline and not engine.metric("mailhawk_state_cached_profiles"):
        time.sleep(0.5)
    cached = engine.metric("mailhawk_state_cached_profiles")
    assert 0 < cached <= 400  # 100 a partition; each partition alone holds more keys
    assert engine.metric("mailhawk_state_cache_budget_profiles") == 400
    assert engine.metric("mailhawk_state_cache_limit_profiles") == 400  # profiles < 2 KB
    assert engine.metric("mailhawk_state_memory_budget_bytes", part="block_cache") == 24 << 20
    assert engine.metric("mailhawk_state_memory_budget_bytes", part="write_buffers") == 32 << 20
    assert engine.metric("mailhawk_state_memory_bytes", part="block_cache") <= 24 << 20
    assert engine.metric("mailhawk_state_memory_bytes", part="write_buffers") > 0


def test_worker_on_empty_disk_restores_state_from_changelog(broker, topics, engine_factory,
                                                            tmp_path):
    records = _scored_then_stopped(broker, topics, engine_factory, "first", 800, seed=11)
    second = engine_factory("second", env=NO_DECAY)  # same group, empty state dir
    assert second.metric("mailhawk_changelog_restored_records_total") > 0
    _continues_from_the_restored_state(broker, topics, second, records, tmp_path / "second",
                                       tmp_path, seed=12)


def _scored_then_stopped(broker, topics, engine_factory, name: str, n: int, *, seed: int
                         ) -> list:
    """``n`` messages scored by an engine with state dir ``name`` (no decay), then stopped."""
    _create(broker, topics)
    records = org_traffic(n, seed=seed)
    engine = engine_factory(name, env=NO_DECAY)
    produce_records(broker.bootstrap_servers, topics.input, records)
    collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=120)
    assert engine.stop() == 0
    return records


def _continues_from_the_restored_state(broker, topics, engine, records, state_dir: Path,
                                       tmp_path: Path, *, seed: int) -> None:
    """100 more messages through ``engine`` after its restore, then stop it: the new mail is
    scored, nothing twice, and the state equals an uninterrupted offline pass of all of it."""
    more = org_traffic(100, seed=seed)
    produce_records(broker.bootstrap_servers, topics.input, more)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records) + len(more),
                  timeout=120, quiet_after=2.0)
    assert engine.stop() == 0
    assert {v.message_id for v in got.verdicts} >= {r.message_id for r in more}
    assert _state(state_dir) == _reference_state(records + more, tmp_path)


def test_a_corrupt_partition_store_is_set_aside_and_restored_from_the_changelog(
        broker, topics, engine_factory, tmp_path):
    """A store RocksDB refuses as corrupt (here an SST file cut in half, as a failing disk
    leaves it) does not stop the engine at every restart: the partition is restored from the
    changelog, and the state ends as if nothing had happened."""
    records = _scored_then_stopped(broker, topics, engine_factory, "node", 600, seed=21)
    stores = [p for p in (tmp_path / "node").iterdir() if list(p.glob("*.sst"))]
    victim = max(stores, key=lambda p: sum(f.stat().st_size for f in p.glob("*.sst")))
    sst = max(victim.glob("*.sst"), key=lambda f: f.stat().st_size)
    sst.write_bytes(sst.read_bytes()[: sst.stat().st_size // 2])

    engine = engine_factory("node", env=NO_DECAY)
    assert engine.metric("mailhawk_state_corrupt_stores_total") == 1
    assert engine.metric("mailhawk_changelog_restored_records_total") > 0
    _continues_from_the_restored_state(broker, topics, engine, records, tmp_path / "node",
                                       tmp_path, seed=22)
    assert "its state store is corrupt" in engine.log_path.read_text(errors="replace")
    (aside,) = [p for p in (tmp_path / "node").iterdir() if SET_ASIDE in p.name]
    assert aside.name.startswith(victim.name) and (aside / sst.name).exists()  # kept to look at


def test_directory_vip_is_known_before_they_ever_send_mail(broker, topics, engine_factory):
    from schemas import DirectoryEntry
    from tests.factories import mail

    ensure_topics(EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=4,
                               input_topic=topics.input, verdict_topic=topics.verdicts,
                               dead_letter_topic=topics.dead, changelog_topic=topics.changelog,
                               directory_topic=topics.directory))
    # every entry of a tenant shares its key: a compacted topic would keep one of them
    from confluent_kafka.admin import AdminClient, ConfigResource

    resource = ConfigResource("topic", topics.directory)
    admin = AdminClient({"bootstrap.servers": broker.bootstrap_servers})
    configs = admin.describe_configs([resource])[resource].result(timeout=10)
    assert configs["cleanup.policy"].value == "delete"
    assert configs["retention.ms"].value == "-1"
    ceo = DirectoryEntry("acme", "person", "grace.hopper@acme.com", "Grace Hopper",
                         "Chief Executive Officer", vip=True)
    produce_raw(broker.bootstrap_servers, topics.directory,
                [(b"acme", orjson.dumps(ceo.to_dict())), (b"acme", b'{"kind": "person"}')])
    engine = engine_factory("engine", "--directory-topic", topics.directory)
    time.sleep(2)  # the directory partition is consumed alongside the input partition
    spoof = mail("grace.hopper.office@gmail.com", ("cfo@acme.com",), name="Grace Hopper",
                 subject="are you at your desk?", text="I need a quick favour, reply asap.")
    produce_records(broker.bootstrap_servers, topics.input, [spoof])
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=1,
                  dead_letter_topic=topics.dead, timeout=60, quiet_after=2.0)
    (verdict,) = got.verdicts
    hit = next(h for h in verdict.hits if h.detector == "display_name_spoof")
    assert hit.evidence["vip"] is True and hit.evidence["title"] == "Chief Executive Officer"
    assert verdict.action in ("quarantine", "block")
    assert [d.topic for d in got.dead_letters] == [topics.directory]
    # Directory records are counted apart from the input's (they produce no verdicts).
    assert engine.metric("mailhawk_directory_records_total") == 2
    assert engine.metric("mailhawk_records_in_total") == 1


@pytest.mark.corpora
def test_real_corpus_mail_through_the_engine_with_the_shipped_model(broker, topics,
                                                                   engine_factory, corpora):
    from bench.corpus import build

    records, labels = build(corpora, ham_limit=400, attacks_limit=80, normalise=True)
    label = {x.message_id: x for x in labels}
    _create(broker, topics)
    engine = engine_factory()
    produce_records(broker.bootstrap_servers, topics.input, records)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=180)
    verdicts = {v.message_id: v for v in got.verdicts}
    assert set(verdicts) == {r.message_id for r in records}
    (model_version,) = {v.model_version for v in verdicts.values()}
    assert model_version.startswith("model-")  # the shipped, trained artifact
    assert engine.metric("mailhawk_model_info") == 1
    held = [v for v in verdicts.values() if v.action in ("quarantine", "block")]
    attacks_held = [v for v in held if label[v.message_id].label == "attack"]
    ham = [v for v in verdicts.values() if label[v.message_id].label == "ham"]
    assert attacks_held, "the shipped model and rules catch some real attacks"
    assert all(v.hits for v in held), "every held message says why"
    assert sum(v.action in ("quarantine", "block") for v in ham) <= len(ham) // 100
    # The drift counters: every inbound message once, each in one model-score bin, and each
    # optional field as often as the records carry it (the labels are fixed sets).
    from stream.metrics import INPUT_FIELDS, MODEL_SCORE_LABELS, input_fields

    inbound = [r for r in records if r.direction == "inbound"]
    assert inbound
    assert engine.metric("mailhawk_inbound_messages_total") == len(inbound)
    assert engine.metric("mailhawk_model_scores_total") == len(inbound)
    by_bin = {b: engine.metric("mailhawk_model_scores_total", bin=b) for b in MODEL_SCORE_LABELS}
    assert by_bin["0"] > 0 and by_bin["0.99"] > 0  # real ham near 0, caught attacks near 1
    for name in INPUT_FIELDS:
        want = sum(name in input_fields(r) for r in inbound)
        assert engine.metric("mailhawk_inbound_fields_total", field=name) == want, name
    assert engine.metric("mailhawk_inbound_fields_total", field="text") > 0


def test_a_shadow_model_says_what_it_would_decide_and_nothing_acts_on_it(
        broker, topics, engine_factory, tmp_path):
    from schemas import decode_verdict
    from tests.conftest import stricter_candidate
    from tests.factories import mail

    candidate = stricter_candidate(tmp_path)
    records = [*org_traffic(150, tenants=3, seed=5),
               mail("it-support@mailer-notify.net", ("bob@acme.com",), name="IT Support",
                    subject="Password expires today", text="Verify your account now.",
                    urls=("http://203.0.113.7/login",))]
    _create(broker, topics)
    engine = engine_factory("engine", "--shadow-artifact", str(candidate))
    produce_records(broker.bootstrap_servers, topics.input, records)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=120)
    assert sorted(v.message_id for v in got.verdicts) == sorted(r.message_id for r in records)
    order = {"allow": 0, "warn": 1, "quarantine": 2, "block": 3}
    for v in got.verdicts:
        assert v.shadow is not None and v.shadow.model_version == "model-candidate-stricter"
        assert v.model_version != v.shadow.model_version
        assert order[v.shadow.action] >= order[v.action]  # same weights, lower thresholds
        assert decode_verdict(encode_verdict(v)) == v
    stricter = [v for v in got.verdicts if order[v.shadow.action] > order[v.action]]
    assert stricter, "the stricter candidate holds mail the model delivers"
    # Counted per (action, shadow action); the diagonal is agreement.
    assert engine.metric("mailhawk_shadow_actions_total") == len(records)
    assert engine.metric("mailhawk_shadow_actions_total", action="allow",
                         shadow_action="quarantine") == sum(
        (v.action, v.shadow.action) == ("allow", "quarantine") for v in got.verdicts)
    assert engine.metric("mailhawk_shadow_verdicts_total") == len(records)
    assert engine.metric("mailhawk_shadow_model_info",
                         model_version="model-candidate-stricter") == 1
    assert engine.metric("mailhawk_shadow_failures_total") == 0
    assert engine.metric("mailhawk_shadow_actions_total", action="block",
                         shadow_action="allow") == 0  # every cell exists, from 0
    with urllib.request.urlopen(f"http://127.0.0.1:{engine.metrics_port}/metrics",
                                timeout=5) as resp:
        text = resp.read()
    assert text.count(b"mailhawk_shadow_actions_total{") == 16
    assert engine.stop() == 0


def test_restore_is_paused_and_chunked_while_other_partitions_keep_flowing(
        broker, topics, engine_factory, tmp_path):
    """Partition A restores a long changelog a few records per turn of the main loop; B,
    with nothing to restore, is processed meanwhile; A's own records wait for its state."""
    import threading
    import zlib

    from confluent_kafka import Consumer, Producer, TopicPartition
    from confluent_kafka import KafkaError as CKafkaError

    from stream.engine import Engine
    from tests.factories import mail

    _create(broker, topics)
    records = org_traffic(600, tenants=2, seed=31)
    first = engine_factory("first", env=NO_DECAY)
    produce_records(broker.bootstrap_servers, topics.input, records)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=120)
    assert first.stop() == 0
    used = {v.source.partition for v in got.verdicts}
    partition_a = max(used, key=lambda p: sum(v.source.partition == p for v in got.verdicts))
    # librdkafka's default partitioner is CRC32 of the key modulo the partition count; the
    # verdicts below check that B's tenant really landed on a partition without changelog.
    tenant_b = next(t for t in (f"b{i}" for i in range(100))
                    if zlib.crc32(t.encode()) % 4 not in used)
    tenant_a = next(r.tenant_id for r in records
                    if zlib.crc32(r.tenant_id.encode()) % 4 == partition_a)

    # Replay A's changelog four more times: re-applying the same batches in order leaves the
    # same state, and makes A's restore long enough to span many turns of the loop.
    reader = Consumer({"bootstrap.servers": broker.bootstrap_servers, "group.id": "copy",
                       "enable.partition.eof": True, "auto.offset.reset": "earliest"})
    reader.assign([TopicPartition(topics.changelog, partition_a, 0)])
    log_a = []
    while True:
        msg = reader.poll(5)
        assert msg is not None, "changelog read timed out"
        if msg.error() is not None and msg.error().code() == CKafkaError._PARTITION_EOF:
            break
        log_a.append((msg.key(), msg.value(), msg.headers()))
    reader.close()
    copier = Producer({"bootstrap.servers": broker.bootstrap_servers,
                       "enable.idempotence": True})
    for _ in range(4):
        for key, value, headers in log_a:
            copier.produce(topics.changelog, value, key=key, partition=partition_a,
                           headers=headers)
    copier.flush()
    del copier
    chunk = 20
    assert len(log_a) * 5 > 10 * chunk

    later = records[-1].received_at
    more_a = [mail(f"new{i}@partner.example", (f"user{i}@{tenant_a}.example",),
                   tenant=tenant_a, t=later + 60 * (i + 1)) for i in range(20)]
    more_b = [mail(f"x{i}@vendor.example", (f"ap{i}@{tenant_b}.example",), tenant=tenant_b,
                   t=later + 60 * (i + 1)) for i in range(20)]
    produce_records(broker.bootstrap_servers, topics.input, more_a + more_b)

    config = EngineConfig(
        bootstrap_servers=broker.bootstrap_servers, input_topic=topics.input,
        verdict_topic=topics.verdicts, dead_letter_topic=topics.dead,
        changelog_topic=topics.changelog, group=topics.group,
        state_dir=str(tmp_path / "second"), metrics_port=-1, partitions=4,
        half_life_days=0, idle_expiry_days=0, restore_chunk_records=chunk)
    engine = Engine(config)
    batches_while_a_restored: list[int] = []

    def on_batch(n: int) -> None:
        if partition_a in engine.restoring:
            batches_while_a_restored.append(n)

    worker = threading.Thread(target=engine.run, kwargs={"max_idle_s": 8.0,
                                                         "on_batch": on_batch})
    worker.start()
    worker.join(180)
    engine.stop()
    assert not worker.is_alive()

    assert batches_while_a_restored, "B's records were processed while A was restoring"
    assert engine.metrics.restored_records._value.get() >= len(log_a) * 5
    verdicts = collect(broker.bootstrap_servers, topics.verdicts,
                       expect=len(records) + len(more_a) + len(more_b), timeout=60,
                       quiet_after=2.0).verdicts
    by_id = {v.message_id: v for v in verdicts}
    assert {by_id[r.message_id].source.partition for r in more_b} != {partition_a}
    assert {by_id[r.message_id].source.partition for r in more_a} == {partition_a}
    # A's records were scored only after its state was whole: the worker's state equals
    # one uninterrupted pass over everything.
    assert _state(tmp_path / "second") == _reference_state(records + more_a + more_b,
                                                            tmp_path)


def test_idle_profiles_leave_the_store_and_the_changelog(broker, topics, engine_factory,
                                                         tmp_path):
    """Five months of mail, with a stranger writing once every few messages, through an
    engine whose profiles go idle after 10 days: what the sweep deleted is gone from the
    store, and a worker restoring from the changelog does not bring it back."""
    import dataclasses

    from state.profiles import idle_horizon
    from tests.factories import mail

    _create(broker, topics)
    base = org_traffic(600, seed=13)
    records = []
    for i, r in enumerate(base):
        r = dataclasses.replace(r, received_at=r.received_at + i * 6 * 3600.0)
        records.append(r)
        if i % 5 == 0:
            records.append(mail(f"once{i}@stranger{i}.example", (f"user{i % 12}@"
                                f"{r.tenant_id}.example",), tenant=r.tenant_id,
                                t=r.received_at + 1, subject="hello from far away",
                                text="one message, never again"))
    # Committed every batch: the sweep reads the store, so a stream that arrives in well
    # under the commit interval would find it empty until the end.
    env = {"MAILHAWK_HALF_LIFE_DAYS": "0", "MAILHAWK_IDLE_EXPIRY_DAYS": "10",
           "MAILHAWK_EXPIRY_SCAN_PER_MESSAGE": "8", "MAILHAWK_COMMIT_RECORDS": "50"}
    first = engine_factory("first", "--batch-size", "50", env=env)
    produce_records(broker.bootstrap_servers, topics.input, records)
    collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=120)
    deleted = first.metric("mailhawk_state_expired_keys_total")
    assert deleted > 100
    assert first.metric("mailhawk_state_expiry_cycles_total") >= 4  # each store swept through
    assert first.stop() == 0

    kept = _state(tmp_path / "first")
    now = records[-1].received_at
    for key, profile in kept.items():  # nothing long idle is left (each store swept often)
        if idle_horizon(key[:1], 10 * 86400.0) is not None:
            assert now - profile.last_seen < 60 * 86400.0, key
    early = [r.sender.address.encode() for r in records[:200]
             if r.sender.address.startswith("once")]
    assert early and not any(address in key for address in early for key in kept)

    second = engine_factory("second", env=env)  # same group, empty disk: restores
    assert second.metric("mailhawk_changelog_restored_records_total") > 0
    assert second.stop() == 0
    assert _state(tmp_path / "second") == kept


def test_an_erasure_request_makes_the_engines_forget_an_address(broker, topics,
                                                                 engine_factory, tmp_path):
    """``mailhawk state erase`` → directory topic → the engine owning the tenant forgets the
    address in its store and changelog; a worker restoring that changelog never sees it."""
    from click.testing import CliRunner

    from stream.cli import main

    ensure_topics(EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=4,
                               input_topic=topics.input, verdict_topic=topics.verdicts,
                               dead_letter_topic=topics.dead, changelog_topic=topics.changelog,
                               directory_topic=topics.directory))
    records = org_traffic(400, seed=21)
    address, tenant = "p3@partner3.example", "t0"
    first = engine_factory("first", "--directory-topic", topics.directory, env=NO_DECAY)
    produce_records(broker.bootstrap_servers, topics.input, records)
    collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=120)
    erase = ["state", "erase", "--bootstrap-servers", broker.bootstrap_servers,
             "--directory-topic", topics.directory]
    # A group no engine runs in never applies it, and the command says so.
    result = CliRunner().invoke(main, [*erase, "--group", "nobody", "--wait", "2",
                                       "--tenant", "t2", "--address", "nobody@x.example"])
    assert result.exit_code == 1 and "not applied within 2 s" in result.output
    assert "--directory-topic and --group" in result.output
    result = CliRunner().invoke(main, [*erase, "--group", topics.group, "--tenant", tenant,
                                       "--address", address])
    assert result.exit_code == 0, result.output
    assert "applied" in result.output
    assert first.metric("mailhawk_state_erasures_total", kind="erase_address") == 2
    assert first.metric("mailhawk_state_erased_keys_total") >= 3
    assert f"erase_address for tenant {tenant}" in first.log()
    assert address not in first.log()  # counted and logged, never named
    assert first.stop() == 0

    def tenant_of(key: bytes) -> str:
        return key[1:].split(b"\x1f", 1)[0].decode()

    def names_it(key: bytes, profile: object) -> bool:
        return address.encode() in key or address in repr(profile)

    kept = _state(tmp_path / "first")
    reference = _reference_state(records, tmp_path)  # the same mail, no erasure
    assert any(names_it(k, p) for k, p in reference.items() if tenant_of(k) == tenant)
    assert not any(names_it(k, p) for k, p in kept.items() if tenant_of(k) == tenant)
    assert any(names_it(k, p) for k, p in kept.items() if tenant_of(k) != tenant)
    assert {k: p for k, p in kept.items() if tenant_of(k) != tenant} == \
        {k: p for k, p in reference.items() if tenant_of(k) != tenant}

    # A whole tenant, 40 keys a batch (MAILHAWK_ERASE_CHUNK_KEYS): the erasure carries on
    # over batches with no mail at all (nothing else is produced now).
    env = {**NO_DECAY, "MAILHAWK_ERASE_CHUNK_KEYS": "40"}
    second = engine_factory("second", "--directory-topic", topics.directory, env=env)
    assert second.metric("mailhawk_changelog_restored_records_total") > 0
    gone = "t1"
    t1_keys = sum(tenant_of(k) == gone for k in kept)
    assert t1_keys > 3 * 40
    result = CliRunner().invoke(main, [*erase, "--group", topics.group, "--tenant", gone,
                                       "--whole-tenant"])
    assert result.exit_code == 0, result.output
    deadline = time.monotonic() + 60
    while second.metric("mailhawk_state_erased_keys_total") < t1_keys:
        assert time.monotonic() < deadline, "the tenant erasure stalled"
        time.sleep(0.2)
    assert second.metric("mailhawk_state_erasures_total", kind="erase_tenant") == 1
    deadline = time.monotonic() + 10
    while second.metric("mailhawk_state_tenant_erasures_in_progress") != 0:
        assert time.monotonic() < deadline, "the erasure never showed as finished"
        time.sleep(0.2)
    assert second.stop() == 0
    left = _state(tmp_path / "second")
    assert left == {k: p for k, p in kept.items() if tenant_of(k) != gone}

    third = engine_factory("third", "--directory-topic", topics.directory, env=NO_DECAY)
    assert third.stop() == 0  # restored from the changelog: the tombstones came too
    assert _state(tmp_path / "third") == left


def test_a_tenants_sender_policy_acts_on_the_shipped_models_verdicts(broker, topics,
                                                                     engine_factory, tmp_path):
    """``mailhawk policy`` → directory topic → the engine: a phishing simulation from its
    network passes untouched and unlearned, a forged one does not; an authenticated allowed
    domain passes unless detection is certain; a blocked domain is held until removed."""
    from datetime import UTC, datetime

    from click.testing import CliRunner

    from state import make_key
    from state.profiles import KIND_SENDER, KIND_TENANT
    from stream.cli import main
    from tests.factories import T0, mail

    def lure(sender: str, to: str, ip: str, t: float, dmarc: str = "none"):
        return mail(sender, (to,), t=t, client_ip=ip, name="Microsoft 365 Security",
                    subject="Password expires today: verify your account",
                    text="Your password expires today. Sign in now to keep your account "
                         "active, or it will be suspended.",
                    urls=("http://203.0.113.7/login",), auth=("pass", "pass", dmarc))

    def offer(dmarc: str, t: float, sender: str = "news@partner.example"):
        return mail(sender, ("carl@acme.com",), t=t, auth=("pass", "pass", dmarc),
                    subject="LIMITED OFFER: 80% off all meds, buy now!!!",
                    text="Cheap viagra and cialis, no prescription needed. Click here to order "
                         "now and save 80%. Unsubscribe here.",
                    urls=("http://cheap-meds.example/order",))

    def verdicts(records):
        return scored(broker, topics, records)

    def policy(*args: str) -> None:
        result = CliRunner().invoke(main, [
            "policy", *args, "--tenant", "acme", "--bootstrap-servers",
            broker.bootstrap_servers, "--directory-topic", topics.directory,
            "--group", topics.group])
        assert result.exit_code == 0 and "applied" in result.output, result.output

    def rule_hit(verdict) -> dict:
        (found,) = [h.evidence for h in verdict.hits
                    if h.detector in ("phish_simulation", "allowed_sender")]
        return found

    ensure_topics(EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=4,
                               input_topic=topics.input, verdict_topic=topics.verdicts,
                               dead_letter_topic=topics.dead, changelog_topic=topics.changelog,
                               directory_topic=topics.directory))
    engine = engine_factory("engine", "--directory-topic", topics.directory)
    before = verdicts([lure("it-security@sim.example", "carl@acme.com", "192.0.2.40", T0),
                       offer("pass", T0 + 10), mail("x@bad.example", ("carl@acme.com",),
                                                    t=T0 + 20)])
    assert [v.action for v in before] == ["block", "quarantine", "allow"]

    policy("simulation", "--domain", "sim.example", "--network", "192.0.2.0/24")
    policy("allow", "--domain", "partner.example")
    policy("block", "--domain", "bad.example")
    sim, forged, allowed, unauthenticated, certain, blocked = verdicts([
        lure("it-security@sim.example", "eve@acme.com", "192.0.2.41", T0 + 100),
        lure("it-security@sim.example", "eve@acme.com", "203.0.113.9", T0 + 110),
        offer("pass", T0 + 120), offer("fail", T0 + 130),
        lure("alerts@partner.example", "carl@acme.com", "198.51.100.1", T0 + 140, "pass"),
        mail("y@mx.bad.example", ("carl@acme.com",), t=T0 + 150)])
    assert (sim.action, sim.decided_by, sim.attack_type) == ("allow", "policy",
                                                            "credential_phishing")
    assert rule_hit(sim) == {"rule": "phish_simulation", "matched": "sim.example",
                             "applied": True, "overrode": "block"}
    assert forged.action == "block" and forged.decided_by == "model"
    assert not any(h.detector == "phish_simulation" for h in forged.hits)
    assert (allowed.action, allowed.decided_by, allowed.attack_type) == ("allow", "policy",
                                                                        "spam")
    assert rule_hit(allowed)["overrode"] == "quarantine"
    assert unauthenticated.action in ("quarantine", "block")  # a forged From scores higher
    assert rule_hit(unauthenticated)["refused"] == "not_authenticated"
    assert certain.action == "block" and rule_hit(certain)["refused"] == "high_confidence"
    assert (blocked.action, blocked.decided_by) == ("quarantine", "decisive")
    policy("remove", "--rule", "block", "--domain", "bad.example")
    (unblocked,) = verdicts([mail("z@bad.example", ("carl@acme.com",), t=T0 + 200)])
    assert unblocked.action == "allow"
    # An allow for a day: judged by each message's own time.
    policy("allow", "--address", "promo@shop.example", "--expires-days", "1")
    in_time, too_late = verdicts([offer("pass", T0 + 300, "promo@shop.example"),
                                  offer("pass", time.time() + 2 * 86400, "promo@shop.example")])
    assert (in_time.action, in_time.decided_by) == ("allow", "policy")
    assert too_late.action == "quarantine"
    assert not any(h.detector == "allowed_sender" for h in too_late.hits)

    # The rules in force and their history, from the directory topic alone.
    listed = CliRunner().invoke(main, ["policy", "list", "--bootstrap-servers",
                                       broker.bootstrap_servers, "--directory-topic",
                                       topics.directory, "--tenant", "acme", "--history"])
    assert listed.exit_code == 0, listed.output
    doc = orjson.loads(listed.stdout)
    (expiring,) = [a for a in doc["allowed"] if a["sender"] == "promo@shop.example"]
    assert expiring["expires_at"] > datetime.now(UTC).isoformat()
    doc["allowed"].remove(expiring)
    assert (doc["blocked"], doc["allowed"], doc["simulations"]) == (
        [], [{"sender": "partner.example", "expires_at": None}],
        [{"domain": "sim.example", "networks": ["192.0.2.0/24"], "expires_at": None}])
    assert [(h["kind"], h.get("domain")) for h in doc["history"]] == [
        ("phish_simulation", "sim.example"), ("allowed_sender", "partner.example"),
        ("blocked_sender", "bad.example"), ("cleared_sender", "bad.example"),
        ("allowed_sender", None)]
    assert len(doc["partitions"]) == 1
    # An analyst reads the rules in force from the running engine's stores (read-only), as
    # of their last flush: the engine flushes once traffic pauses.
    deadline = time.monotonic() + 30
    while engine.metric("mailhawk_state_unflushed_batches") and time.monotonic() < deadline:
        time.sleep(0.1)
    shown = CliRunner().invoke(main, ["state", "show", "--state-dir", str(tmp_path / "engine"),
                                      "--tenant", "acme", "--tenant-profile"])
    assert shown.exit_code == 0, shown.output
    profile = orjson.loads(shown.stdout)["profile"]
    assert (profile["allowed_senders"], profile["simulations"]) == (
        ["partner.example", "promo@shop.example"], [["sim.example", ["192.0.2.0/24"], 0.0]])
    assert engine.metric("mailhawk_verdicts_total", decided_by="policy") == 3
    assert engine.metric("mailhawk_detector_hits_total", detector="phish_simulation") == 1
    assert engine.metric("mailhawk_detector_hits_total", detector="allowed_sender") == 4
    assert engine.metric("mailhawk_policy_refusals_total", reason="not_authenticated") == 1
    assert engine.metric("mailhawk_policy_refusals_total", reason="high_confidence") == 1
    assert engine.metric("mailhawk_policy_refusals_total", reason="malware") == 0
    assert engine.stop() == 0
    state = _state(tmp_path / "engine")
    tenant = state[make_key(KIND_TENANT, "acme", "")]
    assert (tenant.allowed_senders, tenant.blocked_senders, tenant.simulations) == (
        ["partner.example", "promo@shop.example"], [],
        [["sim.example", ["192.0.2.0/24"], 0.0]])
    # Three lures from the simulation's address: before the rule, the simulation, the forged
    # copy. The two judged as any mail count against the sender; the simulation does not.
    sender = state[make_key(KIND_SENDER, "acme", "it-security@sim.example")]
    assert sender.flagged / sender.count == pytest.approx(2 / 3, rel=1e-4)  # decayed
    assert sender.verdicts == pytest.approx({"block": 2, "allow": 1}, rel=1e-3)


def test_a_rule_for_every_tenant_reaches_every_partitions_engine(broker, topics,
                                                                 engine_factory):
    """``mailhawk policy block --all-tenants``: written to each directory partition, so the
    tenants of every input partition are held by it; ``policy list --all-tenants`` shows it
    and warns about a partition whose copy differs; removal lifts it everywhere."""
    import zlib

    from click.testing import CliRunner
    from confluent_kafka import Producer

    from stream.cli import main
    from tests.factories import T0, mail

    partitions = 4
    # One tenant per input partition (librdkafka's default partitioner: CRC32 of the key).
    tenants: dict[int, str] = {}
    for n in range(200):
        tenants.setdefault(zlib.crc32(f"org{n}".encode()) % partitions, f"org{n}")
    assert len(tenants) == partitions

    def verdicts(records):
        return scored(broker, topics, records)

    def cli(*args: str):
        return CliRunner().invoke(main, [
            "policy", *args, "--bootstrap-servers", broker.bootstrap_servers,
            "--directory-topic", topics.directory])

    def campaign(t: float):
        return [mail(f"billing{i}@mx.campaign.example", (f"ap@{tenant}.example",), t=t + i,
                     tenant=tenant, subject="Invoice", text="Please find the invoice.")
                for i, tenant in enumerate(tenants.values())]

    ensure_topics(EngineConfig(bootstrap_servers=broker.bootstrap_servers,
                               partitions=partitions, input_topic=topics.input,
                               verdict_topic=topics.verdicts, dead_letter_topic=topics.dead,
                               changelog_topic=topics.changelog,
                               directory_topic=topics.directory))
    engine = engine_factory("engine", "--directory-topic", topics.directory)
    before = verdicts(campaign(T0))
    assert all(v.action == "allow" for v in before)

    done = cli("block", "--all-tenants", "--domain", "campaign.example", "--group",
               topics.group)
    assert done.exit_code == 0, done.output
    assert "of every tenant" in done.output and "applied: blocked (every partition)" in \
        done.output
    assert all(f"partition {p} offset" in done.output for p in range(partitions))
    both = cli("block", "--all-tenants", "--tenant", "org0", "--domain", "x.example")
    assert both.exit_code != 0 and "exactly one of --tenant or --all-tenants" in both.output

    held = verdicts(campaign(T0 + 100))
    rules = {p: engine.metric("mailhawk_policy_all_tenants_rules", partition=str(p),
                              list="blocked") for p in range(partitions)}
    assert rules == dict.fromkeys(range(partitions), 1.0)
    for v in held:
        assert (v.action, v.decided_by) == ("quarantine", "decisive"), v.tenant_id
        blocked = next(h for h in v.hits if h.detector == "blocked_sender")
        assert blocked.evidence == {"blocked_by": "analyst", "matched": "campaign.example",
                                    "scope": "all_tenants"}

    listed = cli("list", "--all-tenants")
    assert listed.exit_code == 0, listed.output
    doc = orjson.loads(listed.stdout)
    assert (doc["tenant"], doc["blocked"], doc["partitions"]) == (
        "*", ["campaign.example"], list(range(partitions)))
    assert "warning" not in listed.output
    history = orjson.loads(cli("list", "--all-tenants", "--history").stdout)["history"]
    assert [(h["kind"], h["partition"]) for h in history] == [("blocked_sender", 0)]
    one = cli("list", "--tenant", tenants[0])
    assert one.exit_code == 0 and "rules for every tenant apply too" in one.output

    # A copy on one partition only (a write that missed the others): the listing says so.
    producer = Producer({"bootstrap.servers": broker.bootstrap_servers})
    producer.produce(topics.directory, orjson.dumps({
        "schema_version": 1, "tenant_id": "*", "kind": "blocked_sender",
        "domain": "stray.example"}), key=b"*", partition=0)
    producer.flush(10)
    skewed = cli("list", "--all-tenants")
    assert skewed.exit_code == 0
    assert f"warning: partitions {list(range(1, partitions))}" in skewed.output
    # The engine publishes what each partition holds (alert MailhawkAllTenantsRulesDiverge).
    deadline = time.monotonic() + 30
    while engine.metric("mailhawk_policy_all_tenants_rules", partition="0",
                        list="blocked") != 2.0 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert [engine.metric("mailhawk_policy_all_tenants_rules", partition=str(p),
                          list="blocked") for p in range(partitions)] == [2.0, 1.0, 1.0, 1.0]

    lifted = cli("remove", "--all-tenants", "--rule", "block", "--domain", "campaign.example",
                 "--group", topics.group)
    assert lifted.exit_code == 0, lifted.output
    after = verdicts(campaign(T0 + 200))
    assert all(v.action == "allow" for v in after)

    # No mail may claim the reserved tenant: dead-lettered with the reason, nothing held.
    claimed = orjson.loads(encode_mail(mail("a@x.example", ("b@y.example",), t=T0 + 300)))
    produce_raw(broker.bootstrap_servers, topics.input,
                [(b"*", orjson.dumps({**claimed, "tenant_id": "*"}))])
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=0,
                  dead_letter_topic=topics.dead, timeout=30, quiet_after=3.0)
    (letter,) = [d for d in got.dead_letters if d.topic == topics.input]
    assert letter.field == "tenant_id" and "reserved" in letter.error
    assert engine.stop() == 0


def test_policy_release_makes_the_campaign_memory_forget_a_held_message(broker, topics,
                                                                        engine_factory):
    """A stranger's near-copy of held mail is held (``held_campaign``); ``mailhawk policy
    release`` → directory topic → the engine forgets the held message and the copies it
    made the memory hold, so the next stranger's copy is delivered."""
    from click.testing import CliRunner

    from stream.cli import main
    from tests.factories import T0, mail

    note = ("Hello {}, the quarterly planning meeting moved to the room on the third floor "
            "next Tuesday afternoon; please bring the printed agenda and the budget notes we "
            "discussed last week, and tell me if you cannot make it.")

    def letter(sender: str, to: str, t: float):
        return mail(sender, (f"{to.lower()}@acme.com",), t=t, subject="Planning",
                    text=note.format(to))

    def cli(*args: str):
        return CliRunner().invoke(main, [
            "policy", *args, "--bootstrap-servers", broker.bootstrap_servers,
            "--directory-topic", topics.directory, "--group", topics.group])

    ensure_topics(EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=4,
                               input_topic=topics.input, verdict_topic=topics.verdicts,
                               dead_letter_topic=topics.dead, changelog_topic=topics.changelog,
                               directory_topic=topics.directory))
    engine = engine_factory("engine", "--directory-topic", topics.directory)
    blocked = cli("block", "--tenant", "acme", "--address", "billing@fresh.example")
    assert blocked.exit_code == 0, blocked.output
    first, copy = scored(broker, topics, [letter("billing@fresh.example", "Carl", T0),
                                          letter("notice@other.example", "Dana", T0 + 60)])
    assert first.action == "quarantine" and "blocked_sender" in {h.detector for h in first.hits}
    (memory,) = [h.evidence for h in copy.hits if h.detector == "held_campaign"]
    assert copy.action == "quarantine" and memory["held_message_id"] == first.message_id

    everyone = cli("release", "--all-tenants", "--message-id", first.message_id)
    assert everyone.exit_code != 0 and "sender-policy entries only" in everyone.output
    released = cli("release", "--tenant", "acme", "--message-id", first.message_id)
    assert released.exit_code == 0 and "applied: forgotten" in released.output, \
        released.output
    declared = cli("language", "--tenant", "acme", "--add", "pt")
    assert declared.exit_code == 0 and "applied: declared" in declared.output, declared.output
    listed = CliRunner().invoke(main, [
        "policy", "list", "--tenant", "acme", "--history", "--bootstrap-servers",
        broker.bootstrap_servers, "--directory-topic", topics.directory])
    assert listed.exit_code == 0, listed.output
    shown = orjson.loads(listed.output)
    assert [r["message_id"] for r in shown["campaign_memory"]["released"]] == \
        [first.message_id]
    assert shown["campaign_memory"]["reported"] == []
    assert shown["declared_languages"] == ["pt"]
    assert [(h["kind"], h.get("message_id")) for h in shown["history"]] == [
        ("blocked_sender", None), ("released_message", first.message_id),
        ("tenant_language", None)]
    (later,) = scored(broker, topics, [letter("notice@third.example", "Erin", T0 + 120)])
    assert "held_campaign" not in {h.detector for h in later.hits}
    assert engine.stop() == 0


def test_mail_that_never_pauses_is_still_flushed_every_state_flush_seconds(
        broker, topics, engine_factory, tmp_path):
    """Without the write-ahead log a store's writes are on disk once its write buffer is
    flushed, and a crash replays the changelog since. The engine flushes when traffic pauses
    for a second; under traffic that never pauses (a record every 0.25 s) it must still flush
    every ``MAILHAWK_STATE_FLUSH_SECONDS``, or the replay after a crash, and how stale a
    reader's view of the running engine's store is, would grow without bound. A reader of
    the running engine's store (``state show``, read-only) sees the first sender while mail
    keeps arriving."""
    import threading

    from click.testing import CliRunner
    from confluent_kafka import Producer

    from stream.cli import main
    from tests.factories import T0, mail

    _create(broker, topics)
    engine = engine_factory(env={"MAILHAWK_STATE_FLUSH_SECONDS": "2"})
    stop = threading.Event()
    sent = [0]

    def steady_traffic() -> None:  # its own thread: the reads below never make it pause
        producer = Producer({"bootstrap.servers": broker.bootstrap_servers, "linger.ms": 0})
        while not stop.is_set():
            n = sent[0]
            sender = "early@partner.example" if n == 0 else f"s{n}@partner.example"
            producer.produce(topics.input, encode_mail(mail(sender, ("bob@acme.example",),
                                                            t=T0 + n)), key=b"acme")
            producer.poll(0)
            sent[0] += 1
            stop.wait(0.25)
        producer.flush(10)

    producer_thread = threading.Thread(target=steady_traffic, daemon=True)
    producer_thread.start()
    seen_after = None
    try:
        started = time.monotonic()
        while time.monotonic() - started < 30:
            time.sleep(0.5)
            shown = CliRunner().invoke(main, ["state", "show", "--state-dir",
                                              str(tmp_path / "engine"), "--tenant", "acme",
                                              "--sender", "early@partner.example"])
            if shown.exit_code == 0:
                seen_after = time.monotonic() - started
                break
        processed = engine.metric("mailhawk_records_in_total")
    finally:
        stop.set()
        producer_thread.join(15)
    assert seen_after is not None, "the running engine's store never had the first sender"
    assert processed >= 4  # mail was flowing while the store was read
    assert orjson.loads(shown.stdout)["profile"]["count"] == pytest.approx(1.0, rel=1e-3)
    assert engine.stop() == 0

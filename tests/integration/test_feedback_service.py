"""The feedback service (Faust) against the real broker, joined to the real engine's verdicts.

Real corpus mail is scored by the engine with the shipped model; feedback about some of those
messages (a user's report, an analyst's label, a release, a duplicate click, a message nobody
scored, two unreadable records) goes to the feedback topic; the service's outcome metrics,
training examples and dead letters are read back, and a ``kill -9`` shows its tables survive.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import orjson
import pytest
from confluent_kafka import Consumer, Producer

from schemas import DeadLetter, Feedback, encode_feedback
from stream.broker import free_port
from stream.config import EngineConfig
from stream.feedback import export_examples, verdict_partition
from stream.kafka import ensure_topics
from stream.replay import collect, produce_raw, produce_records
from stream.train import read_feedback
from tests.conftest import ServiceProcess, stricter_candidate

pytestmark = [pytest.mark.integration, pytest.mark.corpora]

HELD = ("quarantine", "block")


class FeedbackService(ServiceProcess):
    """``python -m stream feedback run`` on the test's topics."""

    name = "feedback service"

    def __init__(self, broker, topics, state_dir: Path, *extra: str) -> None:
        port = free_port()
        super().__init__(
            ["feedback", "run", "--bootstrap-servers", broker.bootstrap_servers,
             "--verdict-topic", topics.verdicts, "--feedback-topic", topics.feedback,
             "--training-topic", topics.training, "--dead-letter-topic", topics.dead,
             "--group", f"fb-{topics.suffix}", "--state-dir", str(state_dir),
             "--port", str(port), "--partitions", "4",
             # Tansu reports short end offsets; Faust's restart check would refuse its store.
             "--no-consistency-check", *extra], state_dir, port)

    def outcomes(self, metric: str = "mailhawk_feedback_outcomes_total",
                 **labels: str) -> dict[str, float]:
        """``metric`` (an outcome counter) summed per outcome over the samples carrying
        ``labels``, zeros left out."""
        from urllib.request import urlopen

        with urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as resp:
            text = resp.read().decode()
        wanted = [f'{k}="{v}"' for k, v in labels.items()]
        out: dict[str, float] = {}
        for line in text.splitlines():
            if line.startswith(metric + "{") and all(w in line for w in wanted):
                outcome = line.split('outcome="', 1)[1].split('"', 1)[0]
                out[outcome] = out.get(outcome, 0.0) + float(line.rsplit(" ", 1)[1])
        return {k: v for k, v in out.items() if v}

    def wait_for(self, metric: str, value: float, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.metric(metric) >= value:
                return
            time.sleep(0.3)
        raise AssertionError(f"{metric} stayed at {self.metric(metric)} (wanted {value}):\n"
                             + self.log())


@pytest.fixture
def feedback_factory(broker, topics):
    """Starts feedback services and stops them after the test, passed or not (a service
    left running outlives pytest: earlier runs leaked one per run of the blocking test)."""
    started: list[FeedbackService] = []

    def start(state_dir: Path, *extra: str) -> FeedbackService:
        service = FeedbackService(broker, topics, state_dir, *extra)
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop(signal.SIGKILL if service.process.poll() is None else signal.SIGTERM, 5)


def _dead_letters(broker, topic: str, expect: int, timeout: float = 30.0) -> list[DeadLetter]:
    """The dead-letter topic's records, read from the start until ``expect`` arrived."""
    consumer = Consumer({"bootstrap.servers": broker.bootstrap_servers,
                         "group.id": f"dlq-{time.time_ns()}", "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    out: list[DeadLetter] = []
    deadline = time.monotonic() + timeout
    try:
        while len(out) < expect and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is not None and msg.error() is None:
                out.append(DeadLetter.from_kafka(msg.key(), msg.value(), msg.headers()))
    finally:
        consumer.close()
    return out


def _feedback(record, label: str, source: str, **kw) -> tuple[bytes, bytes]:
    fb = Feedback(record.tenant_id, record.message_id, label, source, time.time(), **kw)
    return record.tenant_id.encode(), encode_feedback(fb)


def test_feedback_is_joined_to_the_engines_verdicts_counted_once_and_survives_kill_9(
        broker, topics, engine_factory, feedback_factory, corpora, tmp_path):
    from bench.corpus import build

    records, labels = build(corpora, ham_limit=200, attacks_limit=60, normalise=True)
    truth = {x.message_id: x.label for x in labels}
    ensure_topics(EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=4,
                               input_topic=topics.input, verdict_topic=topics.verdicts,
                               dead_letter_topic=topics.dead,
                               changelog_topic=topics.changelog))
    # A stricter copy of the shipped model in shadow: its verdicts are judged too.
    engine_factory("engine", "--shadow-artifact", str(stricter_candidate(tmp_path)))
    produce_records(broker.bootstrap_servers, topics.input, records)
    got = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records), timeout=180)
    action = {v.message_id: v.action for v in got.verdicts}
    shadow_action = {v.message_id: v.shadow.action for v in got.verdicts if v.shadow}
    assert len(shadow_action) == len(records)
    by_id = {r.message_id: r for r in records}
    held_attack = next(by_id[m] for m, a in action.items() if a in HELD and truth[m] == "attack")
    missed = next(by_id[m] for m, a in action.items() if a not in HELD and truth[m] == "attack")
    released = next(by_id[m] for m, a in action.items()
                    if a in HELD and m != held_attack.message_id)
    cleared = [by_id[m] for m, a in action.items() if a not in HELD and truth[m] == "ham"]
    nobody = type(missed)(**{**{f: getattr(missed, f) for f in missed.__dataclass_fields__},
                             "message_id": "<never-scored@example.invalid>"})

    service = feedback_factory(tmp_path / "feedback")
    service.wait_ready(120)
    service.wait_for("mailhawk_feedback_verdicts_total", len(records))
    report = _feedback(missed, "attack", "user", attack_type="credential_phishing",
                       recipient=missed.recipients[0], mail=missed)
    produce_raw(broker.bootstrap_servers, topics.feedback, [
        _feedback(held_attack, "attack", "analyst"),
        report,
        report,  # the same button clicked twice: counted once
        _feedback(released, "ham", "release"),
        _feedback(cleared[0], "ham", "user"),
        _feedback(nobody, "attack", "user"),
        (b"t-bad", b'{"schema_version": 1, "tenant_id": '),
        (b"t-bad", orjson.dumps({"schema_version": 1, "tenant_id": "t", "message_id": "m",
                                 "label": "maybe", "source": "user", "reported_at": 1.0})),
    ])
    # keyed by tenant but partitioned by another rule (a Java client's murmur2, say)
    wrong = (verdict_partition(cleared[2].tenant_id, 4) + 1) % 4
    mispartitioned = Producer({"bootstrap.servers": broker.bootstrap_servers})
    mispartitioned.produce(topics.feedback, _feedback(cleared[2], "ham", "user")[1],
                           key=cleared[2].tenant_id.encode(), partition=wrong)
    mispartitioned.flush(10)
    service.wait_for("mailhawk_feedback_training_examples_total", 5)
    service.wait_for("mailhawk_feedback_dead_letters_total", 3)
    assert service.outcomes() == {"caught": 1, "missed": 1, "false_alarm": 1, "cleared": 1,
                                  "unmatched": 1}
    assert service.metric("mailhawk_feedback_duplicates_total") == 1
    assert service.metric("mailhawk_feedback_unreadable_verdicts_total") == 0  # the engine's
    # What the candidate would have scored on the same four judged feedbacks (the message
    # nobody scored has no verdict and so no shadow).
    would = {"caught" if shadow_action[held_attack.message_id] in HELD else "missed": 1}
    for outcome in ("caught" if shadow_action[missed.message_id] in HELD else "missed",
                    "false_alarm" if shadow_action[released.message_id] in HELD else "cleared",
                    "false_alarm" if shadow_action[cleared[0].message_id] in HELD
                    else "cleared"):
        would[outcome] = would.get(outcome, 0) + 1
    assert service.outcomes("mailhawk_feedback_shadow_outcomes_total",
                            verdict="shadow") == would
    # ... beside the model's outcomes on exactly the same four.
    assert service.outcomes("mailhawk_feedback_shadow_outcomes_total", verdict="model") == {
        "caught": 1, "missed": 1, "false_alarm": 1, "cleared": 1}
    assert service.metric("mailhawk_feedback_shadow_outcomes_total",
                          model_version="model-candidate-stricter") == 8

    out = tmp_path / "examples.jsonl"
    counts = export_examples(broker.bootstrap_servers, topics.training, out, progress=False)
    assert sum(counts.values()) == 5
    examples = {e["message_id"]: e for e in map(orjson.loads, out.read_bytes().splitlines())}
    assert {m: e["outcome"] for m, e in examples.items()} == {
        held_attack.message_id: "caught", missed.message_id: "missed",
        released.message_id: "false_alarm", cleared[0].message_id: "cleared",
        nobody.message_id: "unmatched"}
    for m, e in examples.items():  # each cites the verdict it corrects or confirms
        assert (e["verdict"] or {}).get("action") == action.get(m)
    assert examples[missed.message_id]["mail"]["message_id"] == missed.message_id
    rows, row_labels, summary = read_feedback(out)  # what `mailhawk train --feedback` reads
    assert [r.message_id for r in rows] == [missed.message_id]
    assert row_labels[missed.message_id][:2] == ("attack", "credential_phishing")
    assert summary["without_mail"] == 4

    dead = collect(broker.bootstrap_servers, topics.verdicts, expect=len(records),
                   dead_letter_topic=topics.dead, timeout=60, quiet_after=2.0).dead_letters
    mine = {d.error_kind: d for d in dead if d.topic == topics.feedback}
    assert set(mine) == {"invalid_json", "invalid_value", "wrong_partition"}
    assert f"partition {verdict_partition(cleared[2].tenant_id, 4)}" in \
        mine["wrong_partition"].error
    assert mine["invalid_json"].original == b'{"schema_version": 1, "tenant_id": '
    assert mine["invalid_value"].field == "label"

    # a record on the verdict topic that is not a verdict is kept whole, not skipped silently
    produce_raw(broker.bootstrap_servers, topics.verdicts, [(b"t-bad", b"not a verdict")])
    service.wait_for("mailhawk_feedback_unreadable_verdicts_total", 1)
    service.wait_for("mailhawk_feedback_dead_letters_total", 4)
    assert [(d.error_kind, d.original) for d in _dead_letters(broker, topics.dead, 4)
            if d.topic == topics.verdicts] == [("invalid_verdict", b"not a verdict")]

    # kill -9, restart on the same disk: the verdicts and the counted feedback are still known
    time.sleep(4)  # past Faust's commit interval, so the restart does not re-read old input
    service.stop(signal.SIGKILL)
    again = feedback_factory(tmp_path / "feedback")
    again.wait_ready(120)
    produce_raw(broker.bootstrap_servers, topics.feedback,
                [report, _feedback(cleared[1], "ham", "user")])
    again.wait_for("mailhawk_feedback_training_examples_total", 1)
    again.wait_for("mailhawk_feedback_duplicates_total", 1)
    assert again.outcomes() == {"cleared": 1}
    assert again.stop() == 0


def test_an_analysts_confirmation_blocks_the_sender_at_the_engine_and_a_release_clears_it(
        broker, topics, engine_factory, feedback_factory, tmp_path):
    from tests.factories import mail

    ensure_topics(EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=4,
                               input_topic=topics.input, verdict_topic=topics.verdicts,
                               dead_letter_topic=topics.dead, changelog_topic=topics.changelog,
                               directory_topic=topics.directory))
    engine_factory("engine", "--directory-topic", topics.directory)
    service = feedback_factory(tmp_path / "feedback", "--directory-topic", topics.directory)
    service.wait_ready(120)
    sender = "billing@fresh-invoices.example"

    def send(n: int, recipient: str, text: str, author: str = sender):
        record = mail(author, (recipient,), name="Accounts", t=time.time() + n,
                      subject=f"Statement {n}", text=text)
        produce_records(broker.bootstrap_servers, topics.input, [record])
        got = collect(broker.bootstrap_servers, topics.verdicts, expect=n, timeout=60)
        return record, {v.message_id: v for v in got.verdicts}[record.message_id]

    def entries(kind: str) -> float:
        return service.metric("mailhawk_feedback_sender_entries_total", kind=kind,
                              result="sent")

    note = ("Hello {}, the quarterly planning meeting moved to the room on the third floor "
            "next Tuesday afternoon; please bring the printed agenda and the budget notes we "
            "discussed last week, and tell me if you cannot make it.")
    statement = ("Dear {}, the photos from the team outing last Friday are now in the shared "
                 "album on the intranet; have a look when you find a moment and tell the "
                 "organisers which ones may go in the newsletter next month.")
    first, delivered = send(1, "carl@acme.com", statement.format("Carl"))
    assert delivered.action not in ("quarantine", "block")  # the memory did not file it
    service.wait_for("mailhawk_feedback_verdicts_total", 1)
    produce_raw(broker.bootstrap_servers, topics.feedback,
                [_feedback(first, "attack", "analyst", mail=first)])
    # the sender's block, and the message's fingerprint for the campaign memory
    service.wait_for("mailhawk_feedback_sender_entries_total", 2)
    assert (entries("blocked_sender"), entries("reported_message")) == (1, 1)
    time.sleep(2)  # the engine reads the directory with its input
    # A stranger resends the confirmed attack: held as its near-copy, whatever it scored.
    _, resent = send(2, "bea@acme.com", statement.format("Bea"), "billing@other-host.example")
    reported = next(h for h in resent.hits if h.detector == "held_campaign")
    assert resent.action == "quarantine" and reported.evidence["held_message_id"] == \
        first.message_id
    second, held = send(3, "dana@acme.com", note.format("Dana"))
    blocked = next(h for h in held.hits if h.detector == "blocked_sender")
    assert (held.action, held.decided_by) == ("quarantine", "decisive")
    assert blocked.evidence == {"blocked_by": "analyst", "matched": "address"}
    # A stranger's near-copy of the held message: the campaign memory holds it too.
    _, copy = send(4, "erin@acme.com", note.format("Erin"), "notice@other-sender.example")
    memory = next(h for h in copy.hits if h.detector == "held_campaign")
    assert copy.action == "quarantine" and memory.evidence["held_message_id"] == \
        second.message_id

    service.wait_for("mailhawk_feedback_verdicts_total", 4)
    assert held.sender == sender  # a release names only the message: its verdict, the sender
    produce_raw(broker.bootstrap_servers, topics.feedback,
                [_feedback(second, "ham", "release")])
    # the sender's clear, and the release of the held message from the campaign memory
    service.wait_for("mailhawk_feedback_sender_entries_total", 4)
    assert (entries("cleared_sender"), entries("released_message")) == (1, 1)
    time.sleep(2)
    _, after = send(5, "fay@acme.com", "Hello Fay, see you at the meeting.")
    assert "blocked_sender" not in {h.detector for h in after.hits}
    # Forgotten with it: the copy it made the memory hold, so a third copy is not held.
    _, third = send(6, "gus@acme.com", note.format("Gus"), "notice@third-sender.example")
    assert "held_campaign" not in {h.detector for h in third.hits}
    outcomes = service.outcomes()  # the first message held or not; the second was held
    assert outcomes.get("caught", 0) + outcomes.get("missed", 0) == 1
    assert outcomes["false_alarm"] == 1


def test_a_stop_with_the_brokers_gone_ends_at_its_deadline(topics, tmp_path):
    """Faust's stop waits on the brokers: with them gone the service never stopped (still
    running 60 s after SIGTERM). It now exits with status 1 at ``--stop-deadline-s`` and
    says why; a stop with the brokers up stays clean."""
    from stream.broker import start_broker

    own = start_broker(free_port())  # this test stops its broker: not the session's
    services: list[FeedbackService] = []
    try:
        up = FeedbackService(own, topics, tmp_path / "up", "--stop-deadline-s", "3")
        services.append(up)
        up.wait_ready()
        assert up.stop(signal.SIGTERM, 20) == 0
        assert "did not stop" not in up.log()
        down = FeedbackService(own, topics, tmp_path / "down", "--stop-deadline-s", "3")
        services.append(down)
        down.wait_ready()
        time.sleep(3)  # settled into its fetch loop, as a running service is
        own.stop()
        time.sleep(2)  # the brokers have been gone a moment when the stop comes
        started = time.monotonic()
        assert down.stop(signal.SIGTERM, 30) == 1, down.log()
        assert time.monotonic() - started < 15
        assert "did not stop within 3 s of the signal" in down.log()
    finally:
        for service in services:
            if service.process.poll() is None:
                service.stop(signal.SIGKILL, 5)
        own.stop()

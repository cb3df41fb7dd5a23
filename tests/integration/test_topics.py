"""A dead-letter topic that takes smaller records than its sources stops a service at start.

A refused record goes to the dead-letter topic whole. On a cluster whose topics were created
by hand, each takes the broker's default record size (~1 MB); an input topic raised for large
mail beside a dead-letter topic left at the default would let the first large refused record
fail its delivery and stop the worker at every restart (its batch is never committed). The
real dev broker reports the max.message.bytes a topic was created with, as Apache Kafka
reports every topic's.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from stream.broker import free_port
from stream.errors import KafkaError
from stream.kafka import DEAD_LETTER_HEADROOM, check_dead_letter_room
from tests.conftest import REPO, EngineProcess

pytestmark = pytest.mark.integration

MB = 1024 * 1024


def _create(broker, sizes: dict[str, int | None]) -> None:
    """Topics of 4 partitions, each with its max.message.bytes (None: not set)."""
    admin = AdminClient({"bootstrap.servers": broker.bootstrap_servers})
    new = [NewTopic(name, 4, 1, config={} if size is None else
                    {"max.message.bytes": str(size)}) for name, size in sizes.items()]
    for future in admin.create_topics(new).values():
        future.result()


def test_the_dead_letter_room_is_checked_against_every_source(broker, topics):
    _create(broker, {topics.input: 2 * MB, topics.dead: 2 * MB + DEAD_LETTER_HEADROOM,
                     topics.directory: 4 * MB, topics.verdicts: MB, topics.changelog: None,
                     topics.training: 1000})
    check = check_dead_letter_room
    check(broker.bootstrap_servers, {}, [topics.input], topics.dead)  # room enough
    with pytest.raises(KafkaError) as refused:  # the directory's records are larger
        check(broker.bootstrap_servers, {}, [topics.input, topics.directory], topics.dead)
    message = str(refused.value)
    assert f"topic {topics.dead} takes records of up to 2,162,688 bytes" in message
    assert f"{topics.directory} up to 4,194,304" in message
    assert f"--entity-name {topics.dead} --add-config max.message.bytes=4259840" in message
    with pytest.raises(KafkaError, match=f"topic {topics.verdicts} takes records"):
        check(broker.bootstrap_servers, {}, [topics.input], topics.verdicts)
    # A topic the broker reports nothing for, or that does not exist yet, is not checked.
    check(broker.bootstrap_servers, {}, [topics.input], topics.changelog)
    check(broker.bootstrap_servers, {}, [topics.changelog], topics.training)
    check(broker.bootstrap_servers, {}, [topics.changelog, "no-such-topic"], topics.dead)
    check(broker.bootstrap_servers, {}, [topics.input], "no-such-topic")


def test_an_engine_with_too_small_a_dead_letter_topic_stops_at_start(broker, topics,
                                                                     tmp_path):
    _create(broker, {topics.input: 8 * MB, topics.dead: MB})
    engine = EngineProcess(broker, topics, tmp_path / "state",
                           env={"MAILHAWK_CREATE_TOPICS": "false"})
    assert engine.process.wait(60) != 0, "the engine started"
    log = engine.log_path.read_text()
    assert f"topic {topics.dead} takes records of up to 1,048,576 bytes" in log
    assert "Traceback" not in log  # one line saying what to do


def test_a_feedback_service_with_too_small_a_dead_letter_topic_stops_at_start(broker, topics,
                                                                              tmp_path):
    _create(broker, {topics.feedback: 8 * MB, topics.dead: MB})
    done = subprocess.run(
        [sys.executable, "-m", "stream", "feedback", "run", "--bootstrap-servers",
         broker.bootstrap_servers, "--verdict-topic", topics.verdicts, "--feedback-topic",
         topics.feedback, "--training-topic", topics.training, "--dead-letter-topic",
         topics.dead, "--group", f"fb-{topics.suffix}", "--state-dir", str(tmp_path / "fb"),
         "--port", str(free_port()), "--partitions", "4", "--no-consistency-check"],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"topic {topics.dead} takes records of up to 1,048,576 bytes" in done.stderr
    assert "Traceback" not in done.stderr

"""The engine's producer raises a failed delivery on the main thread, batched sends too.

No broker at all: records to an unreachable bootstrap time out in librdkafka, which reports
each as a failed delivery. The commit protocol relies on that report for every changelog
record (``stream.changelog.produce_batch`` sends them with ``produce_many``).
"""

from __future__ import annotations

import time

import pytest

from stream.errors import KafkaError
from stream.kafka import LatchingProducer

_UNREACHABLE = {"bootstrap.servers": "127.0.0.1:1", "message.timeout.ms": 200,
                "log_level": 0, "linger.ms": 0}


@pytest.fixture()
def producer():
    p = LatchingProducer(_UNREACHABLE)
    yield p
    p.close()


def test_a_record_of_a_batched_send_that_is_not_delivered_fails_the_flush(producer):
    producer.produce_many("changelog", [(b"Sa", b"1"), (b"Sb", None)], 0, [("mh.batch", b"0-2")])
    with pytest.raises(KafkaError, match="delivery to changelog"):
        producer.flush(10)
    assert producer.last_offsets == {}


def test_a_latched_failure_stops_the_next_batched_send(producer):
    producer.produce("verdicts", b"v", key=b"t", partition=0)
    deadline = time.monotonic() + 15
    with pytest.raises(KafkaError, match="delivery to verdicts"):
        while time.monotonic() < deadline:
            producer.poll(0.2)  # the timeout is reported here, latched for the main thread
            producer.produce_many("changelog", [], 0, [])


@pytest.mark.parametrize("service", ["engine", "feedback"])
def test_brokers_that_do_not_answer_stop_a_service_with_what_to_check(service):
    """The first metadata call of a starting engine or feedback service: one clear error."""
    from stream.config import EngineConfig
    from stream.feedback import FeedbackConfig
    from stream.kafka import ensure_feedback_topics, ensure_topics

    kafka = {"log_level": "0"}
    with pytest.raises(KafkaError, match=r"no answer from the brokers at 127\.0\.0\.1:1 "
                                         r"within 1 s .*check --bootstrap-servers") as err:
        if service == "engine":
            ensure_topics(EngineConfig(bootstrap_servers="127.0.0.1:1", kafka_extra=kafka),
                          timeout=1.0)
        else:
            ensure_feedback_topics(FeedbackConfig(bootstrap_servers="127.0.0.1:1",
                                                  kafka_extra=kafka), timeout=1.0)
    assert err.value.retriable

"""Changelog restore against the real broker: complete batches apply, a dead batch's tail does
not, and its keys are handed back for republishing."""

from __future__ import annotations

import pytest
from confluent_kafka import Consumer

from state import MemoryStore, PartitionState
from stream.changelog import Restorer, produce_batch, restore_partition
from stream.config import EngineConfig
from stream.kafka import LatchingProducer, ensure_topics, producer_config, restore_consumer_config

pytestmark = pytest.mark.integration



def _topics_config(broker, topics) -> EngineConfig:
    """A two-partition config on this test's topics, with the topics created."""
    cfg = EngineConfig(bootstrap_servers=broker.bootstrap_servers, partitions=2,
                       input_topic=topics.input, verdict_topic=topics.verdicts,
                       dead_letter_topic=topics.dead, changelog_topic=topics.changelog,
                       group=topics.group)
    ensure_topics(cfg)
    return cfg

def test_restore_applies_marked_batches_and_drops_the_unmarked_tail(broker, topics):
    cfg = _topics_config(broker, topics)
    producer = LatchingProducer(producer_config(cfg))
    # batch 1 (complete), then a batch that died after one record, then its re-run with a
    # repair of the orphan key, then a tail that never got its marker
    produce_batch(producer, topics.changelog, 1, b"0-10", {b"Sa": b"1", b"Sb": b"1"}, 10)
    producer.produce(topics.changelog, b"orphan", key=b"Sc", partition=1)
    produce_batch(producer, topics.changelog, 1, b"10-20", {b"Sa": b"2", b"Sc": None}, 20)
    producer.produce(topics.changelog, b"tail", key=b"Sb", partition=1)
    producer.produce(topics.changelog, b"tail", key=b"Sd", partition=1)
    producer.flush()

    state = PartitionState(MemoryStore())
    consumer = Consumer(restore_consumer_config(cfg))
    try:
        result = restore_partition(consumer, topics.changelog, 1, state, timeout=60)
    finally:
        consumer.close()

    assert state.store.get_many([b"Sa", b"Sb", b"Sc", b"Sd"]) == [b"2", b"1", None, None]
    assert result.next_offset == 20 and state.next_offset == 20
    assert result.batches == 2
    assert result.orphan_keys == {b"Sb", b"Sd"}  # to be republished with the next batch
    state.add_repair(result.orphan_keys)
    assert state.changes() == {b"Sb": b"1", b"Sd": None}
    # A second restore from the checkpoint reads only what came after it.
    again = Consumer(restore_consumer_config(cfg))
    try:
        second = restore_partition(again, topics.changelog, 1, state, timeout=60)
    finally:
        again.close()
    assert second.batches == 0 and second.orphan_keys == {b"Sb", b"Sd"}


def test_an_abandoned_restore_resumes_from_the_batch_it_reached(broker, topics, monkeypatch):
    """A partition revoked mid-restore leaves whole batches behind; the next restore goes
    on from there and ends with the state a restore in one go gives."""
    from stream import changelog

    monkeypatch.setattr(changelog, "_APPLY_EVERY", 5)  # apply after every few batches
    cfg = _topics_config(broker, topics)
    producer = LatchingProducer(producer_config(cfg))
    for i in range(30):
        produce_batch(producer, topics.changelog, 0, f"{10 * i}-{10 * i + 10}".encode(),
                      {f"S{i % 7}".encode(): str(i).encode(), f"P{i}".encode(): b"1",
                       f"S{(i + 3) % 7}".encode(): None}, 10 * i + 10)
    producer.flush()

    state = PartitionState(MemoryStore())
    consumer = Consumer(restore_consumer_config(cfg))
    try:
        restorer = Restorer(consumer, topics.changelog)
        restorer.begin(0, state)
        steps = 0
        while state.changelog_offset is None:  # until a first chunk of batches is applied
            assert not restorer.step(7, 5.0), "the restore ended before it could be abandoned"
            steps += 1
        restorer.abandon(0)
        assert restorer.active == frozenset() and steps > 1
    finally:
        consumer.close()
    reached = state.changelog_offset
    assert reached is not None and reached < 4 * 30 - 1  # part of the way
    assert state.next_offset == 10 * (reached + 1) // 4  # a marker's own next offset

    resumed = Consumer(restore_consumer_config(cfg))
    whole = PartitionState(MemoryStore())
    again = Consumer(restore_consumer_config(cfg))
    try:
        rest = restore_partition(resumed, topics.changelog, 0, state, timeout=60)
        full = restore_partition(again, topics.changelog, 0, whole, timeout=60)
    finally:
        resumed.close()
        again.close()
    assert rest.records == full.records - (reached + 1)  # it read only what was left
    assert dict(state.store.items()) == dict(whole.store.items())
    assert state.next_offset == whole.next_offset == 300

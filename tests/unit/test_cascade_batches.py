"""``Cascade.score_batches``: every partition's slice of a consumed batch, one model call."""

from __future__ import annotations

from detectors import Cascade
from state import NO_DECAY, MemoryStore, PartitionState
from tests.factories import org_traffic


def _slices() -> list[list]:
    records = org_traffic(240, tenants=3, seed=5)
    by_tenant: dict[str, list] = {}
    for r in records:
        by_tenant.setdefault(r.tenant_id, []).append(r)
    return list(by_tenant.values())


def _fresh(n: int) -> list[PartitionState]:
    return [PartitionState(MemoryStore(), decay=NO_DECAY) for _ in range(n)]


def test_one_model_call_gives_the_decisions_of_one_call_per_partition():
    cascade = Cascade.from_config("", "")  # the shipped model
    runner = cascade.models
    assert runner is not None
    calls: list[int] = []
    score = runner.score

    def counting(assessments):
        calls.append(len(assessments))
        return score(assessments)

    runner.score = counting
    slices = _slices()
    apart = [cascade.score_batch(state, s) for state, s in zip(_fresh(len(slices)), slices,
                                                             strict=True)]
    assert len(calls) == len(slices)
    calls.clear()
    states = _fresh(len(slices))
    together = cascade.score_batches(list(zip(states, slices, strict=True)))
    assert len(calls) == 1 and calls[0] == sum(map(len, slices))
    # Same actions, types, scores and hits, message for message (the scorer is
    # batch-independent), and each partition's state saw only its own messages.
    assert [[(d.action, d.attack_type, d.score, d.hits) for d in ds] for ds in together] == \
        [[(d.action, d.attack_type, d.score, d.hits) for d in ds] for ds in apart]
    for state, s in zip(states, slices, strict=True):
        assert {k[1:].split(b"\x1f")[0] for k in state.changes()} == {s[0].tenant_id.encode()}


def test_without_a_model_or_messages_it_still_answers_per_partition():
    cascade = Cascade()
    slices = _slices()
    states = _fresh(len(slices) + 1)
    out = cascade.score_batches(list(zip(states, [*slices, []], strict=True)))
    assert [len(d) for d in out] == [*map(len, slices), 0]

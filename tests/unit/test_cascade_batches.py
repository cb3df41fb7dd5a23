"""``Cascade.score_batches``: every partition's slice of a consumed batch, one model call."""

from __future__ import annotations

import pytest

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


class _Poisoned(Exception):
    pass


def _poison_detector(cascade: Cascade, poisoned: set[str]) -> None:
    """Make the first inbound detector raise on the messages with these ids (a bug a crafted
    message finds)."""
    detector = cascade._by_direction["inbound"][0]
    detect = detector.detect

    def failing(ctx):
        if ctx.record.message_id in poisoned:
            raise _Poisoned("crafted input")
        return detect(ctx)

    detector.detect = failing


def _poisoned_batches(cascade: Cascade, slices: list[list]):
    """Without ``on_failure`` the poison ends the call; with it: (decisions, failures as
    (slice, index, exception), the states)."""
    with pytest.raises(_Poisoned):
        cascade.score_batches(list(zip(_fresh(len(slices)), slices, strict=True)))
    failures: list[tuple[int, int, Exception]] = []
    states = _fresh(len(slices))
    got = cascade.score_batches(list(zip(states, slices, strict=True)),
                                on_failure=lambda *f: failures.append(f))
    return got, failures, states


def _outcome(states, decisions):
    return ([[(d.action, d.attack_type, d.score, d.hits) for d in ds] for ds in decisions],
            [state.changes() for state in states])


def test_a_message_detection_fails_on_is_left_out_and_the_rest_scored_as_without_it():
    slices = _slices()
    inbound = [r for s in slices for r in s if r.direction == "inbound"]
    poisoned = {inbound[3].message_id, inbound[-2].message_id}
    cascade = Cascade.from_config("", "")
    clean = [[r for r in s if r.message_id not in poisoned] for s in slices]
    states = _fresh(len(slices))
    want = _outcome(states, cascade.score_batches(list(zip(states, clean, strict=True))))

    _poison_detector(cascade, poisoned)
    got, failures, states = _poisoned_batches(cascade, slices)
    assert {slices[n][i].message_id for n, i, _ in failures} == poisoned
    assert all(isinstance(exc, _Poisoned) for _, _, exc in failures)
    # Nothing learnt from the poisoned messages, the same decisions and state for the rest.
    assert _outcome(states, got) == want


def test_a_batch_whose_features_fail_is_isolated_message_by_message(monkeypatch):
    import detectors.cascade as cascade_module
    from detectors.features import extract

    slices = _slices()
    poisoned = {slices[0][5].message_id}
    cascade = Cascade.from_config("", "")
    clean = [[r for r in s if r.message_id not in poisoned] for s in slices]
    states = _fresh(len(slices))
    want = _outcome(states, cascade.score_batches(list(zip(states, clean, strict=True))))

    def batch(records):
        if any(r.message_id in poisoned for r in records):
            raise _Poisoned("crafted input")
        return [extract(r) for r in records]

    def one(record):
        if record.message_id in poisoned:
            raise _Poisoned("crafted input")
        return extract(record)

    monkeypatch.setattr(cascade_module, "extract_batch", batch)
    monkeypatch.setattr(cascade_module, "extract", one)
    failures: list[tuple[int, int, Exception]] = []
    states = _fresh(len(slices))
    got = cascade.score_batches(list(zip(states, slices, strict=True)),
                                on_failure=lambda *f: failures.append(f))
    assert [(n, slices[n][i].message_id) for n, i, _ in failures] == \
        [(0, next(iter(poisoned)))]
    assert _outcome(states, got) == want


def test_a_message_the_models_or_its_decision_fail_on_is_left_out_the_rest_decided():
    """The models run once over the whole batch: a message whose model features raise (one
    dated far from its domain's profile once did) stopped every message of it, and the
    engine's retry, for ever. Found by halving the model call; the decision step likewise
    per message. Their state changes stay (applied before the models ran)."""
    slices = _slices()
    cascade = Cascade.from_config("", "")
    runner = cascade.models
    assert runner is not None
    states = _fresh(len(slices))
    everyone = cascade.score_batches(list(zip(states, slices, strict=True)),
                                     on_failure=lambda *f: None)
    want = {r.message_id: (d.action, d.attack_type, d.score, d.hits)
            for s, ds in zip(slices, everyone, strict=True) for r, d in zip(s, ds, strict=True)}
    scored_by_models = [r for s, ds in zip(slices, everyone, strict=True)
                        for r, d in zip(s, ds, strict=True) if any(
                            h.detector == "model" for h in d.hits)]
    assert len(scored_by_models) >= 3
    poisoned_models = {scored_by_models[0].message_id, scored_by_models[-1].message_id}
    poisoned_decision = {scored_by_models[1].message_id}
    predict, decide = runner.predict, cascade.decide

    def failing_predict(assessments):
        if any(a.record.message_id in poisoned_models for a in assessments):
            raise _Poisoned("a feature a crafted message breaks")
        return predict(assessments)

    def failing_decide(a):
        if a.record.message_id in poisoned_decision:
            raise _Poisoned("a decision a crafted message breaks")
        return decide(a)

    runner.predict = failing_predict  # type: ignore[method-assign]
    cascade.decide = failing_decide  # type: ignore[method-assign]
    got, failures, _ = _poisoned_batches(cascade, slices)
    assert {slices[n][i].message_id for n, i, _ in failures} == \
        poisoned_models | poisoned_decision
    assert all(isinstance(exc, _Poisoned) for _, _, exc in failures)
    left = [[r for r in s if r.message_id not in poisoned_models | poisoned_decision]
            for s in slices]
    assert [len(ds) for ds in got] == [len(s) for s in left]
    for records, ds in zip(left, got, strict=True):
        for r, d in zip(records, ds, strict=True):
            assert (d.action, d.attack_type, d.score, d.hits) == want[r.message_id], \
                r.message_id

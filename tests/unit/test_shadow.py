"""A candidate model in shadow: scored next to the real one, acted on never.

With the shipped model as the real one and a stricter copy of it as the candidate, so both
run real torch inference on the same messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors import Cascade
from detectors.models import ModelRunner, default_artifact
from state import NO_DECAY, MemoryStore, PartitionState
from tests.conftest import stricter_candidate
from tests.factories import mail, org_traffic

_ORDER = {"allow": 0, "warn": 1, "quarantine": 2, "block": 3}


@pytest.fixture(scope="module")
def runners(tmp_path_factory: pytest.TempPathFactory) -> tuple[ModelRunner, ModelRunner]:
    shipped = default_artifact()
    assert shipped is not None
    candidate = stricter_candidate(tmp_path_factory.mktemp("shadow"))
    return ModelRunner(shipped), ModelRunner(candidate)


def _records():
    lures = [mail("it-support@mailer-notify.net", ("bob@acme.com",), name="IT Support",
                  subject="Password expires today", text="Verify your account now.",
                  urls=("http://203.0.113.7/login",)),
             mail("ceo.office@gmail.com", ("cfo@acme.com",), name="Grace Hopper",
                  subject="urgent wire", text="Send the wire today, keep it confidential.")]
    return [*org_traffic(120, tenants=2, seed=3), *lures]


def _run(cascade: Cascade, records) -> tuple[list, dict[bytes, bytes | None]]:
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    decisions = cascade.score_batch(state, records)
    return decisions, state.changes()


def test_the_shadow_changes_no_decision_and_no_state(runners):
    real, candidate = runners
    records = _records()
    alone, alone_state = _run(Cascade(models=real), records)
    with_shadow, shadow_state = _run(Cascade(models=real, shadow_models=candidate), records)
    key = [(d.action, d.attack_type, d.score, d.decided_by, d.hits, d.model_score)
           for d in alone]
    assert key == [(d.action, d.attack_type, d.score, d.decided_by, d.hits, d.model_score)
                   for d in with_shadow]
    assert alone_state == shadow_state  # the shadow's verdicts teach the state nothing
    assert all(d.shadow is None for d in alone)


def test_the_shadow_decides_with_its_own_thresholds(runners):
    real, candidate = runners
    cascade = Cascade(models=real, shadow_models=candidate)
    assert cascade.shadow is not None
    assert cascade.shadow.model_version == "model-candidate-stricter"
    decisions, _ = _run(cascade, _records())
    shadows = [d.shadow for d in decisions]
    assert all(s is not None for s in shadows)
    # Same weights: the same probability; lower thresholds: never a milder action.
    for d, s in zip(decisions, shadows, strict=True):
        assert s.model_score == d.model_score
        assert _ORDER[s.action] >= _ORDER[d.action]
    assert any(_ORDER[s.action] > _ORDER[d.action] for d, s in zip(decisions, shadows,
                                                                     strict=True))
    assert cascade.times.reset()["shadow"] > 0


def test_a_shadow_of_the_same_model_agrees_on_every_message(runners):
    real, _ = runners
    decisions, _ = _run(Cascade(models=real, shadow_models=real), _records())
    for d in decisions:
        assert d.shadow is not None
        assert (d.shadow.action, d.shadow.attack_type, d.shadow.score, d.shadow.decided_by) \
            == (d.action, d.attack_type, d.score, d.decided_by)


def test_from_config_loads_the_shadow_artifact_and_refuses_a_missing_one(tmp_path: Path):
    from detectors.errors import ArtifactError

    candidate = stricter_candidate(tmp_path)
    cascade = Cascade.from_config(shadow_artifact=str(candidate))
    assert cascade.shadow is not None and cascade.shadow.models is not None
    assert cascade.shadow.model_version == "model-candidate-stricter"
    assert Cascade.from_config().shadow is None
    with pytest.raises(ArtifactError, match="no model artifact"):
        Cascade.from_config(shadow_artifact=str(tmp_path / "nowhere"))


def test_an_offline_scan_carries_the_shadow_verdict_too(tmp_path: Path):
    from stream.offline import scan_records

    candidate = stricter_candidate(tmp_path)
    records = _records()
    verdicts = list(scan_records(records, shadow_artifact=str(candidate)))
    assert [v.message_id for v in verdicts] == [r.message_id for r in records]
    assert all(v.shadow is not None and v.shadow.model_version == "model-candidate-stricter"
               for v in verdicts)
    assert all(v.shadow is None for v in scan_records(records[:5]))


class _Broken:
    """A shadow model runner whose scoring fails."""

    version = "model-broken"
    thresholds = None  # the default thresholds

    def score(self, assessments):
        raise RuntimeError("the candidate's weights do not fit")


def test_a_failing_shadow_leaves_the_real_verdicts_alone(runners, caplog):
    real, _ = runners
    records = _records()
    alone, alone_state = _run(Cascade(models=real), records)
    cascade = Cascade(models=real, shadow_models=_Broken())
    with caplog.at_level("ERROR", logger="detectors.cascade"):
        decisions, state = _run(cascade, records)
    assert [(d.action, d.score, d.hits) for d in decisions] == \
        [(d.action, d.score, d.hits) for d in alone]
    assert state == alone_state
    assert all(d.shadow is None for d in decisions)
    assert cascade.shadow_failures == 1
    (line,) = [r.getMessage() for r in caplog.records]
    assert "model-broken" in line and "RuntimeError" in line
    assert "fit" not in line  # the exception's text is not logged (it may quote a record)

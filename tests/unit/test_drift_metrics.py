"""The engine's drift counters: which inputs inbound mail carries, where the models score it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from prometheus_client import CollectorRegistry

from schemas import Address, Attachment, AuthResults, Hit, MailRecord, Url
from stream.metrics import (
    INPUT_FIELDS,
    MODEL_SCORE_BINS,
    MODEL_SCORE_LABELS,
    BatchTally,
    EngineMetrics,
    input_fields,
    score_bin,
)


def _value(metrics: EngineMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels or None)


def _bare(direction: str = "inbound") -> MailRecord:
    return MailRecord(message_id="<1@x>", tenant_id="acme",
                      direction=direction,  # type: ignore[arg-type]
                      received_at=1.0e9, sender=Address("a@x.example"),
                      to=(Address("b@acme.com"),))


def _full() -> MailRecord:
    return MailRecord(
        message_id="<2@x>", tenant_id="acme", direction="inbound", received_at=1.0e9,
        sender=Address("a@x.example", "Ann Example"), to=(Address("b@acme.com"),),
        reply_to=(Address("c@y.example"),), return_path="bounce@x.example", subject="s",
        text="hello", html="<p>hello</p>", urls=(Url("https://x.example/a", "here"),),
        attachments=(Attachment("a.pdf", "application/pdf", 10),),
        auth=AuthResults("pass", "pass", "pass"), client_ip="203.0.113.9",
        in_reply_to="<0@x>")


@pytest.mark.parametrize(("p", "label"), [
    (0.0, "0"), (0.000999, "0"), (0.001, "0.001"), (0.0499, "0.01"), (0.5, "0.5"),
    (0.989, "0.95"), (0.99, "0.99"), (1.0, "0.99"), (-1e-12, "0")])
def test_a_probability_falls_in_the_bin_whose_lower_edge_it_reaches(p, label):
    assert score_bin(p) == label


def test_the_bins_are_increasing_and_every_bin_is_reachable():
    assert list(MODEL_SCORE_BINS) == sorted(set(MODEL_SCORE_BINS)) and MODEL_SCORE_BINS[0] == 0
    assert {score_bin(edge) for edge in MODEL_SCORE_BINS} == set(MODEL_SCORE_LABELS)


def test_input_fields_name_what_a_record_carries():
    assert input_fields(_bare()) == []
    assert input_fields(_full()) == list(INPUT_FIELDS)
    record = replace(_bare(), auth=AuthResults(dkim="fail"), references=("<0@x>",))
    assert input_fields(record) == ["auth_dkim", "thread"]


def test_every_series_exists_at_zero_before_any_traffic():
    metrics = EngineMetrics.create(CollectorRegistry())
    for name in INPUT_FIELDS:
        assert _value(metrics, "mailhawk_inbound_fields_total", field=name) == 0.0
    for label in MODEL_SCORE_LABELS:
        assert _value(metrics, "mailhawk_model_scores_total", bin=label) == 0.0
    assert _value(metrics, "mailhawk_inbound_messages_total") == 0.0
    from schemas.errors import SCHEMA_ERROR_KINDS

    for kind in SCHEMA_ERROR_KINDS:  # the first dead letter of a kind shows in a rate too
        assert _value(metrics, "mailhawk_dead_letters_total", error_kind=kind) == 0.0
    from detectors.policy import REFUSALS

    for reason in REFUSALS:  # the alerts on them read increase() of a series
        assert _value(metrics, "mailhawk_policy_refusals_total", reason=reason) == 0.0


def test_an_allow_rule_that_could_not_act_is_counted_by_reason():
    metrics = EngineMetrics.create(CollectorRegistry())
    tally = BatchTally()
    refused = _hits("allowed_sender", rule="allowed_sender", refused="not_authenticated")
    applied = _hits("allowed_sender", rule="allowed_sender", applied=True)
    for hits in (refused + _hits("model"), refused, applied, _hits("model") + refused,
                 _hits("phish_simulation", refused="odd")):
        tally.add(_bare(), "quarantine", "spam", "model", hits, 0.99)
    tally.publish(metrics)
    # Only the rule's own hit, which the cascade puts first, and only an allow rule's.
    assert _value(metrics, "mailhawk_policy_refusals_total", reason="not_authenticated") == 2
    assert _value(metrics, "mailhawk_detector_hits_total", detector="allowed_sender") == 4


def _hits(*detectors: str, **evidence) -> list[Hit]:
    return [Hit(d, 0.5, dict(evidence), "spam") for d in detectors]


def test_a_batch_tally_counts_inbound_drift_inputs_and_every_verdict():
    metrics = EngineMetrics.create(CollectorRegistry())
    tally = BatchTally()
    tally.add(_full(), "quarantine", "credential_phishing", "model", _hits("url_risk", "model"),
              0.995)
    tally.add(_bare(), "allow", "none", "model", [], 0.0004)
    tally.add(_bare(), "allow", "none", "heuristics", [], None)  # no model loaded
    tally.add(_bare("outbound"), "allow", "none", "heuristics", _hits("url_risk"), 0.7)
    tally.publish(metrics)
    assert _value(metrics, "mailhawk_verdicts_total", action="allow", attack_type="none",
                  decided_by="heuristics") == 2
    assert _value(metrics, "mailhawk_detector_hits_total", detector="url_risk") == 2
    # Outbound mail is a different population: verdicts and hits only.
    assert _value(metrics, "mailhawk_inbound_messages_total") == 3
    assert _value(metrics, "mailhawk_model_scores_total", bin="0.99") == 1
    assert _value(metrics, "mailhawk_model_scores_total", bin="0") == 1
    assert _value(metrics, "mailhawk_model_scores_total", bin="0.65") == 0
    assert _value(metrics, "mailhawk_inbound_fields_total", field="text") == 1
    assert _value(metrics, "mailhawk_inbound_fields_total", field="auth_spf") == 1
    assert _value(metrics, "mailhawk_inbound_fields_total", field="client_ip") == 1


def test_a_shadow_verdict_is_counted_per_candidate_version():
    from schemas import ShadowVerdict

    metrics = EngineMetrics.create(CollectorRegistry())
    tally = BatchTally()
    for version in ("model-a1", "model-b2", "model-b2"):
        tally.add(_bare(), "allow", "none", "model", [], 0.3,
                  ShadowVerdict(version, "quarantine", "spam", 0.99, "model"))
    tally.publish(metrics)
    assert _value(metrics, "mailhawk_shadow_actions_total", action="allow",
                  shadow_action="quarantine", model_version="model-b2") == 2
    assert _value(metrics, "mailhawk_shadow_verdicts_total", action="quarantine",
                  attack_type="spam", decided_by="model", model_version="model-a1") == 1

"""Threshold calibration: the false-positive budget on ham, at any score resolution."""

from __future__ import annotations

import numpy as np

from detectors.training import calibrate, calibrate_by_type, calibrate_corroboration


def _rate(scores: np.ndarray, is_ham: np.ndarray, threshold: float) -> float:
    return float((scores[is_ham] >= threshold).mean())


def test_quarantine_threshold_keeps_ham_within_the_target_rate():
    rng = np.random.default_rng(3)
    ham = rng.beta(1, 20, 10_000)
    attacks = rng.beta(20, 1, 500)
    scores = np.concatenate([ham, attacks])
    is_ham = np.arange(len(scores)) < len(ham)
    t = calibrate(scores, is_ham, 0.001)
    assert _rate(scores, is_ham, t["quarantine"]) <= 0.001
    assert _rate(scores, is_ham, t["block"]) <= 0.0001
    assert t["warn"] <= t["quarantine"] <= t["block"] <= 1.0


def test_confident_scores_near_one_are_still_ranked():
    # A confident model's ham and attacks differ only in the 10th decimal; rounding the
    # thresholds (or float32 scores) would put every threshold at 1.0 and catch nothing.
    ham = np.concatenate([np.linspace(0.0, 0.9, 9_990), 1.0 - np.logspace(-9, -8, 10)])
    attacks = 1.0 - np.logspace(-12, -11, 100)
    scores = np.concatenate([ham, attacks])
    is_ham = np.arange(len(scores)) < len(ham)
    t = calibrate(scores, is_ham, 0.001)
    assert t["quarantine"] < 1.0
    assert (attacks >= t["quarantine"]).all()
    assert _rate(scores, is_ham, t["quarantine"]) <= 0.001


def test_a_type_no_calibration_ham_reached_is_caught_at_a_lower_score():
    # Ham the model calls spam crowds the top of the score range; no ham is typed invoice
    # fraud. One threshold for all would sit above every spam-typed ham and miss the invoice
    # fraud scoring 0.95; per type, invoice fraud is caught at no cost in false positives.
    rng = np.random.default_rng(5)
    ham = rng.beta(1, 30, 20_000)
    ham_types = ["spam"] * len(ham)
    ham[:10] = 0.999  # spam-like newsletters
    spam = np.full(50, 0.9999)
    invoice = np.full(40, 0.95)
    scores = np.concatenate([ham, spam, invoice])
    types = ham_types + ["spam"] * 50 + ["invoice_fraud"] * 40
    is_ham = np.arange(len(scores)) < len(ham)
    fixed = np.zeros(len(scores), bool)
    t = calibrate_by_type(scores, types, is_ham, fixed, 0.0002)
    single = calibrate(scores, is_ham, 0.0002)["quarantine"]
    assert single > 0.95  # the single threshold misses every invoice fraud
    assert t["invoice_fraud"]["quarantine"] <= 0.95
    caught_ham = sum(scores[i] >= t[types[i]]["quarantine"] for i in range(len(ham)))
    assert caught_ham <= 0.0002 * len(ham)
    for v in t.values():
        assert v["warn"] <= v["quarantine"] <= v["block"] <= 1.0
        assert v["quarantine"] <= t["default"]["quarantine"]  # lowered, never raised
    assert t["spam"]["quarantine"] == t["default"]["quarantine"]


def test_ham_quarantined_by_decisive_hits_uses_up_the_budget():
    ham = np.linspace(0.0, 0.99, 1000)
    scores = np.concatenate([ham, [0.995]])
    types = ["spam"] * 1001
    is_ham = np.arange(1001) < 1000
    fixed = np.zeros(1001, bool)
    fixed[:1] = True  # one ham is quarantined whatever the thresholds: budget 1 - 1 = 0
    t = calibrate_by_type(scores, types, is_ham, fixed, 0.001)
    assert t["spam"]["quarantine"] > 0.99


def test_corroboration_starts_above_every_calibration_ham_it_would_quarantine():
    by_type = {"default": {"warn": 0.5, "quarantine": 0.99, "block": 0.999},
               "spam": {"warn": 0.5, "quarantine": 0.99, "block": 0.999},
               "malware": {"warn": 0.5, "quarantine": 0.9, "block": 0.999}}
    scores = np.array([0.7, 0.8, 0.95, 0.995, 0.6, 0.3])
    types = np.array(["spam", "spam", "malware", "spam", "bec", "spam"])
    corroborated_ham = np.array([True, False, True, True, True, True])
    calibrate_corroboration(by_type, scores, types, corroborated_ham)
    # spam: 0.7 is the top corroborated spam ham in its warn band (0.995 is quarantined
    # anyway, 0.8 has no corroborating hit, 0.3 is below warn).
    assert by_type["spam"]["corroborate"] == np.nextafter(0.7, 2.0)
    # malware: its one corroborated ham is above its quarantine threshold: band left open.
    assert by_type["malware"]["corroborate"] == 0.5
    # default (types without their own entry): the top such ham of any type.
    assert by_type["default"]["corroborate"] == np.nextafter(0.95, 2.0)
    # No ham in the band: corroboration starts at warn.
    none = {"default": {"warn": 0.5, "quarantine": 0.99, "block": 0.999}}
    calibrate_corroboration(none, scores, types, np.zeros(len(scores), bool))
    assert none["default"]["corroborate"] == 0.5

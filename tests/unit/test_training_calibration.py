"""Threshold calibration: the false-positive budget on ham, at any score resolution."""

from __future__ import annotations

import numpy as np

from detectors.training import calibrate


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

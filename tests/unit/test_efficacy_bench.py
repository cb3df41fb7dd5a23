"""``mailhawk bench efficacy``: the real corpora through the real cascade and artifact, and a
report that agrees with every message's outcome."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pytest

from bench.corpus import build
from bench.efficacy import EfficacyOptions, run_efficacy, summary
from detectors.models import default_artifact
from tests.conftest import stricter_candidate

_LIMITS = {"ham_limit": 400, "attacks_limit": 120, "outside_ham_limit": 60}


@pytest.fixture(scope="module")
def stream(corpora: Path) -> tuple[list, list]:
    """The limited stream, parsed once for both artifacts."""
    return build(corpora, normalise=True, ham_limit=400, attacks_limit=120,
                 outside_ham_limit=60, phishing_pot=True)


@pytest.fixture(scope="module")
def shipped(corpora: Path, stream: tuple[list, list],
            tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list]:
    out = tmp_path_factory.mktemp("efficacy")
    report = run_efficacy(EfficacyOptions(corpora=corpora, out=out, **_LIMITS), log=print,
                          stream=stream)
    outcomes = [orjson.loads(line) for line in (out / "outcomes.jsonl").read_bytes().splitlines()]
    return report, outcomes


def test_the_report_agrees_with_every_outcome(shipped: tuple[dict, list]) -> None:
    report, outcomes = shipped
    assert len(outcomes) == report["messages"] == report["ham"] + report["attacks"]
    ham = [o for o in outcomes if o["label"] == "ham"]
    assert sum(o["held"] for o in ham) == report["false_positives"]
    assert all(o["held"] == (o["action"] in ("quarantine", "block")) for o in outcomes)
    pot = [o for o in outcomes if o["scenario"].startswith("phishing_pot")]
    assert {o["scenario"] for o in pot} == {"phishing_pot, earlier half",
                                            "phishing_pot, later half"}
    assert report["phishing_pot"] == {"held": sum(o["held"] for o in pot), "n": len(pot),
                                      "recall": sum(o["held"] for o in pot) / len(pot)}
    by_source = Counter(o["scenario"] for o in outcomes)
    assert {k: v["n"] for k, v in report["recall_by_scenario"].items()} == by_source
    # The real cascade decided: the shipped model scored, and held attacks name detectors.
    assert report["model_version"] == orjson.loads(
        (default_artifact() / "manifest.json").read_bytes())["version"]
    assert any(o["decided_by"] == "model" for o in outcomes)
    assert all(o["detectors"] for o in outcomes if o["held"])
    # The breakdown is a recount of the outcomes.
    missed = [o for o in pot if not o["held"]]
    held_ham = [o for o in ham if o["held"]]
    breakdown = report["breakdown"]
    assert breakdown["decided_by"]["phishing_pot missed"] == Counter(
        o["decided_by"] for o in missed)
    assert breakdown["detectors"]["ham held"] == Counter(d for o in held_ham
                                                         for d in o["detectors"])
    assert sum(breakdown["decided_by"]["phishing_pot held"].values()) == \
        report["phishing_pot"]["held"]


def test_outcomes_carry_ids_and_verdicts_never_content(shipped: tuple[dict, list]) -> None:
    _, outcomes = shipped
    assert {frozenset(o) for o in outcomes} == {frozenset({
        "message_id", "scenario", "label", "action", "held", "attack_type", "score",
        "decided_by", "detectors"})}


def test_the_summary_leads_with_the_ham_held(shipped: tuple[dict, list]) -> None:
    report, _ = shipped
    assert report["limits"] == {"ham": 400, "attacks": 120, "outside_ham": 60}
    lines = summary(report)
    assert lines[0].startswith(f"  ham held {report['false_positives']:,} of "
                               f"{report['ham']:,}")


def test_another_artifact_is_the_one_scored(corpora: Path, tmp_path: Path,
                                            stream: tuple[list, list],
                                            shipped: tuple[dict, list]) -> None:
    strict = stricter_candidate(tmp_path, quarantine=0.01)
    out = tmp_path / "strict"
    report = run_efficacy(EfficacyOptions(corpora=corpora, out=out, artifact=str(strict),
                                          outcomes=False, **_LIMITS), log=print, stream=stream)
    assert report["model_version"] == "model-candidate-stricter"
    assert not (out / "outcomes.jsonl").exists()
    assert "A limited stream" in (out / "efficacy.md").read_text()
    # Holding every type from 0.01 holds more of everything than the shipped thresholds.
    assert report["recall"] > shipped[0]["recall"]
    assert report["false_positives"] >= shipped[0]["false_positives"]


def test_the_late_tier_corroborates_real_attacks_in_languages_enron_never_writes(
        shipped: tuple[dict, list]) -> None:
    # Enron writes English (and Polish: one of its economists): the shipped model's warnings
    # on Portuguese and Dutch phishing_pot mail are quarantined by the language rule, which
    # runs on warnings only (``Cascade.late_hit``) and so never on mail the model allowed.
    _, outcomes = shipped
    late = [o for o in outcomes if "unfamiliar_language" in o["detectors"]]
    assert late and all(o["label"] != "ham" for o in late)
    assert all(o["action"] == "quarantine" and o["decided_by"] == "corroborated" for o in late)


def test_the_late_tier_quarantines_real_advance_fee_letters(corpora: Path) -> None:
    # phishing_pot's "419" letters (a donation, an inheritance, funds on an ATM card), each a
    # stranger's, scored with the shipped model: those it only warns about and that reach
    # for a reply elsewhere (a free-mail sender, a diverted Reply-To) are quarantined by the
    # late tier's advance-fee rule. Its ham side is the full replay's (README, efficacy):
    # the limited stream above holds too few such letters to say anything.
    import re

    from bench.corpus import ARCHIVES, _parse_archive
    from detectors.cascade import Cascade
    from state import MemoryStore, PartitionState

    story = re.compile(r"beneficiary|donated|inheritance|next of kin|atm card", re.I)
    letters = [r for _, r in _parse_archive(corpora / ARCHIVES["phishing_pot"], normalise=True,
                                            direction="inbound")
               if not r.urls and story.search(r.text[:3000])]
    decisions = Cascade.from_config("", "", "").score_batch(
        PartitionState(MemoryStore()), letters)
    late = [d for d in decisions if any(h.detector == "advance_fee" for h in d.hits)]
    assert len(letters) >= 40 and len(late) >= 5
    assert all((d.action, d.decided_by) == ("quarantine", "corroborated") for d in late)


def test_real_forwards_of_lures_are_held_as_the_lures_they_carry(
        shipped: tuple[dict, list]) -> None:
    # phishing_pot's owner forwards captured mail from a private mailbox the replay soon
    # knows; the shipped model and the rules then judge the carried message as its own
    # sender's (``detectors/forward.py``), which holds some. No ham of the stream is held so.
    _, outcomes = shipped
    carried = [o for o in outcomes if "forwarded_attack" in o["detectors"]]
    assert carried and all(o["label"] != "ham" and o["held"] for o in carried)

"""``mailhawk bench efficacy``: what an artifact holds of the real corpora, message by message.

Issue #5's efficacy targets are figures of one replay: Enron, SpamAssassin and watchdog ham
with phishing_pot and SpamAssassin spam injected into Enron's timeline, headers normalised,
every message scored by the full cascade against the state before it. ``mailhawk train``
reports them for the artifact it has just trained; this command reports them for any
artifact, the packaged one by default. That matters because a retrain is another draw of
the seed lottery on any machine whose CPU kernels round differently from the training
machine's (README), so the shipped model's figures can only be reproduced by scoring with
it, not by training it again.

Besides the report (``efficacy.md``, ``efficacy.json``, a plot of the share held per
source), ``outcomes.jsonl`` lists every message: its source, label, action, attack type,
score, what decided it and the detectors that hit. Filtering that file is how a miss or a
false alarm is found again; it holds message ids, never addresses, subjects or bodies.
Rules found by reading misses should name the phishing_pot half they were read from, so
that the other half stays a held-out figure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import orjson

from detectors.layout import CLASSES
from schemas import HELD_ACTIONS

__all__ = ["EfficacyOptions", "run_efficacy", "summary"]

Log = Callable[[str], None]

TARGET_FPR: Final = 0.001
"""Issue #5: ham quarantined or blocked, at most 0.1% of the real ham."""
TARGET_PHISHING_POT: Final = 0.97
"""Issue #5: phishing_pot recall at that false-positive rate."""


@dataclass(frozen=True, slots=True)
class EfficacyOptions:
    """What ``mailhawk bench efficacy`` scores and where it writes.

    The limits take a smaller stream (``bench.corpus.build``'s), for a quick look or a test;
    without them every message of every corpus is replayed, as the README's figures are.
    """

    corpora: Path
    out: Path
    artifact: str = ""
    scores: str = ""
    ham_limit: int | None = None
    attacks_limit: int | None = None
    outside_ham_limit: int | None = None
    outcomes: bool = True
    progress: bool = False


def _stream(opts: EfficacyOptions) -> tuple[list[Any], list[Any]] | None:
    """The limited stream, or None for the whole one (``stream.train``'s)."""
    if opts.ham_limit is None and opts.attacks_limit is None and opts.outside_ham_limit is None:
        return None
    from bench.corpus import build

    return build(opts.corpora, normalise=True, ham_limit=opts.ham_limit,
                 attacks_limit=opts.attacks_limit, outside_ham_limit=opts.outside_ham_limit,
                 phishing_pot=True, progress=opts.progress)


def _outcome(verdict: Any, label: int, scenario: str) -> dict[str, Any]:
    return {"message_id": verdict.message_id, "scenario": scenario,
            "label": CLASSES[label], "action": verdict.action,
            "held": verdict.action in HELD_ACTIONS, "attack_type": verdict.attack_type,
            "score": verdict.score, "decided_by": verdict.decided_by,
            "detectors": sorted({h.detector for h in verdict.hits})}


_GROUPS: Final[dict[str, Callable[[dict[str, Any]], bool]]] = {
    "phishing_pot held": lambda o: o["scenario"].startswith("phishing_pot") and o["held"],
    "phishing_pot missed": lambda o: o["scenario"].startswith("phishing_pot") and not o["held"],
    "ham held": lambda o: o["label"] == "ham" and o["held"],
}


def _breakdown(rows: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, int]]]:
    """Per group (phishing_pot held and missed, ham held): verdicts by what decided them.

    And the messages each detector hit, so whether a new rule takes misses or ham shows
    before anyone reads the outcomes.
    """
    out: dict[str, dict[str, dict[str, int]]] = {"decided_by": {}, "detectors": {}}
    for group, member in _GROUPS.items():
        chosen = [o for o in rows if member(o)]
        out["decided_by"][group] = dict(Counter(o["decided_by"] for o in chosen).most_common())
        out["detectors"][group] = dict(Counter(d for o in chosen
                                               for d in o["detectors"]).most_common())
    return out


def run_efficacy(opts: EfficacyOptions, *, log: Log,
                 stream: tuple[list[Any], list[Any]] | None = None) -> dict[str, Any]:
    """Replay the corpora through the artifact; write the report and the outcomes.

    ``stream``: the stream ``opts`` names, already built (``bench.corpus.build``), for a
    caller that scores it with more than one artifact; parsing the archives takes ~35 s.
    """
    from stream.train import replay_corpus, summarise_replay

    replay = replay_corpus(opts.artifact, opts.corpora, progress=opts.progress,
                           stream=stream or _stream(opts), scores=opts.scores)
    if not replay.verdicts:
        raise ValueError(f"the corpora in {opts.corpora} gave no message to score")
    first = replay.verdicts[0]
    report = summarise_replay(replay)
    ham = report["ham"]
    pot = [v for s, v in report["recall_by_scenario"].items() if s.startswith("phishing_pot")]
    held_pot, n_pot = sum(v["held"] for v in pot), sum(v["n"] for v in pot)
    report.update({
        "artifact": opts.artifact or "packaged", "model_version": first.model_version,
        "rules_version": first.rules_version, "scores": opts.scores or "packaged",
        "limits": {"ham": opts.ham_limit, "attacks": opts.attacks_limit,
                   "outside_ham": opts.outside_ham_limit},
        "phishing_pot": {"held": held_pot, "n": n_pot,
                         "recall": held_pot / n_pot if n_pot else None},
        "targets": {"false_positive_rate": TARGET_FPR, "phishing_pot": TARGET_PHISHING_POT},
    })
    rows = [_outcome(v, label, scenario) for v, label, scenario
            in zip(replay.verdicts, replay.labels, replay.scenarios, strict=True)]
    report["breakdown"] = _breakdown(rows)
    opts.out.mkdir(parents=True, exist_ok=True)
    if opts.outcomes:
        with (opts.out / "outcomes.jsonl").open("wb") as f:
            for row in rows:
                f.write(orjson.dumps(row) + b"\n")
    (opts.out / "efficacy.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    plotted = _plot(report, opts.out / "efficacy.png", log)
    (opts.out / "efficacy.md").write_text(_markdown(report, plotted, opts.outcomes))
    log(f"{report['messages']:,} messages scored ({ham:,} ham)")
    return report


def _plot(report: dict[str, Any], path: Path, log: Log) -> bool:
    try:
        from bench.report import plot_scenarios
    except ImportError:  # matplotlib comes with the dev and bench extras only
        log("matplotlib is not installed: the report has no plot")
        return False
    plot_scenarios({f"{report['model_version']}, {report['rules_version']}": report}, path)
    return True


def _markdown(report: dict[str, Any], plotted: bool, outcomes: bool) -> str:
    fpr, pot = report["false_positive_rate"], report["phishing_pot"]
    target_fpr = report["targets"]["false_positive_rate"]
    lines = [
        "# Efficacy on the development corpora (headers normalised)", "",
        f"Model `{report['model_version']}` ({report['artifact']}), rules "
        f"`{report['rules_version']}` ({report['scores']}). Every message of the replay "
        "scored by the full cascade against the state before it; held = quarantine or "
        "block.", "",
        f"- ham held: **{report['false_positives']:,} of {report['ham']:,} "
        f"({fpr:.3%})**, target ≤ {target_fpr:.1%}: "
        f"{'met' if fpr <= target_fpr else 'not met'}; ham warned "
        f"{report['warn_rate_on_ham']:.2%}",
    ]
    if pot["n"]:
        target = report["targets"]["phishing_pot"]
        lines.append(f"- phishing_pot held: **{pot['held']:,} of {pot['n']:,} "
                     f"({pot['recall']:.3f})**, target ≥ {target}: "
                     f"{'met' if pot['recall'] >= target else 'not met'}")
    lines += [f"- all attacks: recall {report['recall']:.4f}, precision "
              f"{report['precision']:.4f}", ""]
    if any(v is not None for v in report["limits"].values()):
        lines += [f"A limited stream ({report['limits']}): not the README's figures.", ""]
    if plotted:
        lines += ["![share held per source](efficacy.png)", ""]
    lines += ["| source | messages | held | share held |", "|---|---|---|---|"]
    for name, v in report["recall_by_scenario"].items():
        lines.append(f"| {name}{' (ham)' if v['is_ham'] else ''} | {v['n']:,} | "
                     f"{v['held']:,} | {v['flagged_rate']:.4f} |")
    blocks = report["with_analyst_blocks"]
    lines += ["", "Had an analyst confirmed every held attack before its sender's next "
              f"message (the sender then blocked): recall {blocks['recall']:.4f}, ham held "
              f"{blocks['false_positives']:,}.", ""]
    lines += _breakdown_markdown(report["breakdown"])
    if outcomes:
        lines += ["Every message's outcome is in `outcomes.jsonl` (one JSON object a line: "
                  "`scenario`, `label`, `action`, `held`, `attack_type`, `score`, "
                  "`decided_by`, `detectors`). The misses of phishing_pot's earlier half, "
                  "for example: `jq -c 'select(.scenario == \"phishing_pot, earlier half\" "
                  "and (.held | not))' outcomes.jsonl`.", ""]
    return "\n".join(lines)


def _breakdown_markdown(breakdown: dict[str, dict[str, dict[str, int]]]) -> list[str]:
    groups = list(_GROUPS)
    lines = ["| decided by | " + " | ".join(groups) + " |", "|---" * (len(groups) + 1) + "|"]
    decided = breakdown["decided_by"]
    for how in sorted({h for g in groups for h in decided[g]}):
        lines.append(f"| {how} | " + " | ".join(f"{decided[g].get(how, 0):,}" for g in groups)
                     + " |")
    hits = breakdown["detectors"]
    lines += ["", "Messages each detector hit (a message counts once per detector):", "",
              "| detector | " + " | ".join(groups) + " |", "|---" * (len(groups) + 1) + "|"]
    for name in sorted({d for g in groups for d in hits[g]},
                       key=lambda d: (-hits[groups[0]].get(d, 0), d)):
        lines.append(f"| {name} | " + " | ".join(f"{hits[g].get(name, 0):,}" for g in groups)
                     + " |")
    return [*lines, ""]


def summary(report: dict[str, Any]) -> list[str]:
    """The lines the CLI prints."""
    pot = report["phishing_pot"]
    lines = [f"  ham held {report['false_positives']:,} of {report['ham']:,} "
             f"({report['false_positive_rate']:.3%})"]
    if pot["n"]:
        lines.append(f"  phishing_pot held {pot['held']:,} of {pot['n']:,} "
                     f"({pot['recall']:.3f})")
    lines += [f"  {name}: {v['held']:,} of {v['n']:,} ({v['flagged_rate']:.3f})"
              for name, v in report["recall_by_scenario"].items()]
    return lines

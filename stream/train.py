"""``mailhawk train``: fit, calibrate, quantize and evaluate the models.

``mailhawk train``: replay labelled traffic through the state engine, fit the models,
calibrate the thresholds for a target false-positive rate, quantize, evaluate, write an
artifact and a report.

Why replay: every behavioural feature must be what was known *when the message arrived*
(no future leakage), so training rows come from the same cascade the engine runs, fed in
time order, each message scored against the state before it.

Data (all redistributable, so the shipped model is reproducible by anyone):
Enron ham (the corporate backbone), SpamAssassin ham and spam and watchdog list mail
(outside traffic injected into the Enron timeline), and synthetic organisations with labelled
attack scenarios (``bench.generate``). phishing_pot is CC BY-NC: it is never a training row of
the shipped model; the corpus evaluation (on by default when present) replays it afterwards
for the report only. ``--include-noncommercial`` trains on it for a model of the user's own,
whose manifest and report say so.

Splits are by time within each stream: the first 60% trains, the next 20% calibrates the
thresholds, the last 20% is the test set. phishing_pot keeps its own order in the corpus
stream, so its test part is its latest mail (``bench.corpus``).

``mailhawk bench seeds`` (:func:`seed_study`) runs the same steps (:func:`prepare`,
:func:`fit`, :func:`calibrate_and_test`) once per model seed on one replay, because one
seed's figures can be luck (README, "A retrain is seed-sensitive").

This module is a composition root (it uses ``bench`` for traffic), like ``stream.cli``.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypedDict

import numpy as np
import orjson

from detectors import Assessment, Cascade, load_scores
from detectors.layout import CLASSES, behaviour_matrix, layout
from detectors.models import ModelRunner, model_text
from detectors.training import (
    HASHING,
    calibrate_by_type,
    calibrate_corroboration,
    class_of,
    content_probs,
    evaluate,
    fit_behaviour,
    fit_content,
)
from schemas import HELD_ACTIONS, MailRecord
from state import MemoryStore, PartitionState
from stream.config import EngineConfig

log = logging.getLogger("mailhawk.train")

_REAL_STREAMS = frozenset({"corpus", "feedback"})
"""Streams of real mail, whose ham sets the thresholds (synthetic ham is reported apart)."""

CALIBRATION_MARGIN = 0.5
"""Thresholds are set for this fraction of the target false-positive rate. Measured: ham of
the corpus's time-later test split scored 3–5× the calibration split's rate at the same
threshold (mail drifts), so calibrating at the target itself overshoots it."""



@dataclass
class Rows:
    """Training rows of one or more streams, aligned by index."""

    assessments: list[Assessment] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    stream: list[str] = field(default_factory=list)

    def subset(self, split: str) -> Rows:
        keep = [i for i, s in enumerate(self.split) if s == split]
        return Rows([self.assessments[i] for i in keep], [self.labels[i] for i in keep],
                    [self.scenarios[i] for i in keep], [split] * len(keep),
                    [self.stream[i] for i in keep])


def replay(name: str, records: Sequence[MailRecord], labels: dict[str, tuple[str, str, str]],
           cascade: Cascade, rows: Rows, *, split: str | None = None,
           progress: bool = True) -> None:
    """Assess ``records`` in order with heuristics only, appending one row per message.

    Rows are split by time (first 60% train, next 20% calibrate, last 20% test) unless
    ``split`` puts the whole stream in one split.
    """
    from tqdm import tqdm

    state = PartitionState(MemoryStore(), decay=EngineConfig().decay)
    n = len(records)
    bar = tqdm(total=n, desc=f"replay {name}", unit=" msg", disable=not progress)
    for start in range(0, n, 500):
        batch = records[start:start + 500]
        assessments = cascade.assess_batch(state, batch)
        for i, a in enumerate(assessments):
            pos = (start + i) / max(1, n)
            label, attack, scenario = labels[a.record.message_id]
            rows.assessments.append(a)
            rows.labels.append(class_of(label, attack))
            rows.scenarios.append(scenario)
            rows.split.append(split or ("train" if pos < 0.6 else "calibrate" if pos < 0.8
                                        else "test"))
            rows.stream.append(name)
        state.commit(state.changes(), start + len(batch), None)
        bar.update(len(batch))
    bar.close()


def read_feedback(path: Path) -> tuple[list[MailRecord], dict[str, tuple[str, str, str]],
                                       dict[str, Any]]:
    """The messages of a training-example file (``mailhawk feedback export``), labelled.

    Only an example that carries its message can be a row; the others are counted in the
    summary. When one message was labelled more than once, the latest label wins (an
    analyst's review after a user's report). An attack's type is the reporter's, else the
    type the verdict named (a warned message), else none known, which trains as spam
    (``class_of``). Messages come back in the order they were received, for the replay.
    """
    from schemas import SchemaError
    from schemas.records import FEEDBACK_LABELS

    latest: dict[tuple[str, str], dict[str, Any]] = {}
    without_mail = 0
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                doc = orjson.loads(line)
                # What makes a line an example, with or without its message: another JSON
                # file given by mistake would otherwise count as examples without mail.
                if doc["label"] not in FEEDBACK_LABELS or \
                        not isinstance(doc["reported_at"], int | float):
                    raise TypeError(f"label {doc['label']!r}, reported_at "
                                    f"{doc['reported_at']!r}")
                if doc.get("mail") is None:
                    without_mail += 1
                    continue
                mail = MailRecord.from_dict(doc["mail"])
                key = (mail.tenant_id, mail.message_id)
                if key not in latest or doc["reported_at"] >= latest[key]["reported_at"]:
                    latest[key] = {**doc, "mail": mail}
            except (orjson.JSONDecodeError, SchemaError, KeyError, TypeError) as exc:
                raise SchemaError("invalid_value", f"{path}:{number}: not a training example "
                                  f"of `mailhawk feedback export`: {exc}") from None
    records: list[MailRecord] = []
    labels: dict[str, tuple[str, str, str]] = {}
    for doc in sorted(latest.values(), key=lambda d: d["mail"].received_at):
        mail = doc["mail"]
        verdict_type = (doc.get("verdict") or {}).get("attack_type", "none")
        attack = doc["attack_type"] or (verdict_type if verdict_type != "none" else "")
        label = (doc["label"], attack if doc["label"] == "attack" else "none",
                 f"feedback, {doc['outcome']}")
        # One campaign reaches several tenants with one Message-ID: rows are labelled by
        # message id, so its copies must agree.
        if labels.setdefault(mail.message_id, label)[0] != label[0]:
            raise SchemaError("invalid_value", f"{path}: message {mail.message_id!r} is "
                              f"labelled {labels[mail.message_id][0]} at one tenant and "
                              f"{label[0]} at another; keep one of the two examples")
        records.append(mail)
    if not records:
        raise SchemaError("invalid_value", f"{path}: no example carries its message "
                          f"({without_mail} without one), so there is nothing to train on: "
                          "only a report that forwarded the mail (a report button) has it")
    summary = {"messages": len(records), "without_mail": without_mail,
               "sha256_ids": _digest(records),
               "by_scenario": dict(Counter(v[2] for v in labels.values()))}
    return records, labels, summary


def _digest(records: Sequence[MailRecord]) -> str:
    h = hashlib.sha256()
    for r in records:
        h.update(r.message_id.encode())
    return h.hexdigest()


@dataclass
class Prepared:
    """The replayed traffic, split, and what it was made from (``training_data``)."""

    train: Rows
    calibrate: Rows
    test: Rows
    sources: dict[str, Any]


def prepare(*, corpora: Path | None, synthetic_tenants: int = 4, synthetic_days: int = 60,
            seed: int = 7, attack_rate: float = 0.04, include_noncommercial: bool = False,
            feedback: Path | None = None, progress: bool = True) -> Prepared:
    """Replay the corpora, the synthetic organisations (of ``seed``) and feedback into rows.

    Feedback (:func:`read_feedback`) is real mail of the user's own tenants, split by time
    like the corpora, so the report has a figure on the latest feedback the model did not
    train on, and its ham counts as real ham for calibration. Its messages are replayed
    through a state of their own: every sender is new to it, so the rows teach content
    more than behaviour.
    """
    from bench.corpus import build
    from bench.generate import generate

    cascade = Cascade(load_scores(), models=None)
    rows = Rows()
    sources: dict[str, Any] = {}
    # Read first: a file that is not what it should be fails now, not after the corpora.
    examples = read_feedback(feedback) if feedback is not None else None
    if corpora is not None:
        # phishing_pot (CC BY-NC) becomes training data only when a user asks for it for a
        # model of their own; the manifest then says so and the model must not be shipped.
        records, clabels = build(corpora, normalise=True, ham_limit=None, attacks_limit=None,
                                 outside_ham_limit=None, phishing_pot=include_noncommercial,
                                 progress=progress)
        lab = {x.message_id: (x.label, x.attack_type, x.scenario) for x in clabels}
        replay("corpus", records, lab, cascade, rows, progress=progress)
        sources["corpus"] = {"messages": len(records), "sha256_ids": _digest(records),
                             "by_scenario": dict(Counter(x.scenario for x in clabels)),
                             "noncommercial_phishing_pot": include_noncommercial}
    if examples is not None:
        records, flabels, summary = examples
        replay("feedback", records, flabels, cascade, rows, progress=progress)
        sources["feedback"] = summary
    # Synthetic organisations: separate companies (seeds) for training, calibration and
    # test, so the figures say how the models do on organisations they never saw. Attacks
    # are denser than in real traffic so every class has enough examples to learn from.
    for split, tenants, offset in (("train", synthetic_tenants, 0), ("calibrate", 2, 1),
                                   ("test", 2, 2)):
        synth: list[MailRecord] = []
        slabels: dict[str, tuple[str, str, str]] = {}
        for record, label in generate(tenants, synthetic_days, seed + offset,
                                      attack_rate=attack_rate):
            synth.append(record)
            slabels[record.message_id] = (label.label, label.attack_type, label.scenario)
        replay("synthetic", synth, slabels, cascade, rows, split=split, progress=progress)
        sources[f"synthetic_{split}"] = {
            "tenants": tenants, "days": synthetic_days, "seed": seed + offset,
            "attack_rate": attack_rate, "messages": len(synth), "sha256_ids": _digest(synth),
            "by_scenario": dict(Counter(v[2] for v in slabels.values()))}
    return Prepared(rows.subset("train"), rows.subset("calibrate"), rows.subset("test"),
                    sources=sources)


def fit(prepared: Prepared, *, seed: int, behaviour_members: int = 1,
        content_members: int = 1, progress: bool = True) -> tuple[Any, Any]:
    """The float content and behaviour models of ``seed``, trained on the train split.

    ``content_members`` > 1 averages that many content fits (``ContentEnsemble``), in the
    cross-fitting folds too, so the behaviour model learns from the averaged scores it
    will read.
    """
    train_rows = prepared.train
    texts = [model_text(a) for a in train_rows.assessments]
    y = np.asarray(train_rows.labels, dtype=np.int64)
    log.info("training on %d rows (%s)", len(y), dict(Counter(CLASSES[k] for k in y)))
    # Cross-fitting: the behaviour model learns from content scores of messages the content
    # model did not see, as it will in production.
    fold = np.arange(len(y)) % 2
    oof = np.zeros((len(y), len(CLASSES)), np.float32)
    for f in (0, 1):
        part = fold == f
        m = fit_content([t for t, p in zip(texts, part, strict=True) if not p], y[~part],
                        seed=seed + f, desc=f"content model, fold {f + 1}/2" if progress else "",
                        members=content_members)
        oof[part] = content_probs(m, [t for t, p in zip(texts, part, strict=True) if p])
    content = fit_content(texts, y, seed=seed, desc="content model" if progress else "",
                          members=content_members)
    x = behaviour_matrix(train_rows.assessments, oof)
    return content, fit_behaviour(x, y, seed=seed, members=behaviour_members)


def calibrate_and_test(prepared: Prepared, content: Any, behaviour: Any, *,
                       config: dict[str, Any], target_fpr: float,
                       margin: float = CALIBRATION_MARGIN
                       ) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Thresholds per attack type from the calibration split, and the test split's report."""
    from detectors.model.artifact import save_artifact

    cal_rows, test_rows = prepared.calibrate, prepared.test
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "draft"
        save_artifact(draft, content=content, behaviour=behaviour, config=config,
                      feature_layout=layout(), training_data=prepared.sources, metrics={},
                      thresholds={}, version="draft", created="reproducible")
        runner = ModelRunner(draft)
        cascade_m = Cascade(load_scores(), models=runner)
        cal_decisions = _decisions(cascade_m, runner, cal_rows.assessments)
        is_ham = np.asarray(cal_rows.labels) == 0
        # Thresholds come from real ham when there is any: the target is a rate on real mail,
        # and synthetic hard ham (brand security notices, genuine vendor invoices) is our own
        # model of the world, whose quirks once pushed every threshold to 0.999997 and cut
        # SpamAssassin spam recall from 0.93 to 0.02. Synthetic ham's rate is reported apart.
        # Attacks of every stream name the types that get a threshold of their own.
        real = np.array([s in _REAL_STREAMS for s in cal_rows.stream], bool)
        keep = (real | ~is_ham) if real.any() else np.ones(len(is_ham), bool)
        types = np.array([a.model_verdict[0] if a.model_verdict else "none"
                          for a in cal_rows.assessments])
        fixed = np.array([cascade_m.decisive_hit(a.hits) is not None
                          for a in cal_rows.assessments], bool)
        # The model's own probability, also where a decisive hit raised the action.
        cal_scores = np.array([a.model_verdict[1] if a.model_verdict else d.score
                               for a, d in zip(cal_rows.assessments, cal_decisions,
                                               strict=True)])
        by_type = calibrate_by_type(cal_scores[keep], types[keep].tolist(), is_ham[keep],
                                    fixed[keep], target_fpr * margin)
        # Corroborated warnings start above every calibration ham, real or synthetic, that
        # they would quarantine: they spend none of the budget.
        corroborable = np.array([a.model_verdict is not None and
                                 cascade_m.corroborating_hit(a.hits) is not None
                                 for a in cal_rows.assessments], bool)
        calibrate_corroboration(by_type, cal_scores, types, is_ham & corroborable)
        runner.thresholds = by_type
        final = Cascade(load_scores(), models=runner)
        test_decisions = _decisions(final, runner, test_rows.assessments)
        report: dict[str, Any] = {
            "target_false_positive_rate": target_fpr,
            "calibration_margin": margin,
            "thresholds": by_type["default"],
            "thresholds_by_attack_type": {k: v for k, v in by_type.items() if k != "default"},
            "test": evaluate(test_decisions, test_rows.labels, test_rows.scenarios),
            "test_by_stream": {
                name: evaluate([d for d, s in zip(test_decisions, test_rows.stream,
                                                  strict=True) if s == name],
                               [k for k, s in zip(test_rows.labels, test_rows.stream,
                                                  strict=True) if s == name],
                               [c for c, s in zip(test_rows.scenarios, test_rows.stream,
                                                  strict=True) if s == name])
                for name in sorted(set(test_rows.stream))},
            "rows": {"train": len(prepared.train.labels), "calibrate": len(cal_rows.labels),
                     "test": len(test_rows.labels)},
        }
    return by_type, report


def _artifact_config(seed: int) -> dict[str, Any]:
    """The manifest's ``config``: the featurizer's settings, the model-hit floor, the seed."""
    return {"hashing": {**HASHING, "char_ngrams": list(HASHING["char_ngrams"])},
            "min_hit": 0.2, "seed": seed}


def train(out: Path, *, corpora: Path | None, synthetic_tenants: int = 4,
          synthetic_days: int = 60, seed: int = 7, behaviour_members: int = 1,
          content_members: int = 1, target_fpr: float = 0.001,
          calibration_margin: float = CALIBRATION_MARGIN, attack_rate: float = 0.04,
          include_noncommercial: bool = False, evaluate_noncommercial: bool = True,
          feedback: Path | None = None, progress: bool = True) -> dict[str, Any]:
    """The whole pipeline; returns the report (also written beside the artifact)."""
    from detectors.model.artifact import save_artifact

    prepared = prepare(corpora=corpora, synthetic_tenants=synthetic_tenants,
                       synthetic_days=synthetic_days, seed=seed, attack_rate=attack_rate,
                       include_noncommercial=include_noncommercial, feedback=feedback,
                       progress=progress)
    sources = prepared.sources
    content, behaviour = fit(prepared, seed=seed, behaviour_members=behaviour_members,
                             content_members=content_members, progress=progress)
    config = _artifact_config(seed)
    by_type, report = calibrate_and_test(prepared, content, behaviour, config=config,
                                         target_fpr=target_fpr, margin=calibration_margin)
    # Named by what it is, not only by what it was trained on: the same data with other code
    # (rules, features, generator) gives other weights and so another version.
    digest = hashlib.sha256(orjson.dumps(sources, option=orjson.OPT_SORT_KEYS)
                            + str(seed).encode())
    digest.update(orjson.dumps(by_type, option=orjson.OPT_SORT_KEYS))
    for model in (content, behaviour):
        for tensor in model.state_dict().values():
            digest.update(tensor.detach().cpu().numpy().tobytes())
    version = "model-" + digest.hexdigest()[:12]
    metrics = {"test": {k: report["test"][k] for k in ("false_positive_rate", "recall",
                                                      "precision", "recall_by_attack_type")}}
    if out.exists():
        import shutil

        shutil.rmtree(out)
    save_artifact(out, content=content, behaviour=behaviour, config=config,
                  feature_layout=layout(), training_data=sources, metrics=metrics,
                  thresholds=by_type, version=version, created="reproducible")
    report["artifact"] = {"path": str(out), "version": version}
    report["noncommercial_phishing_pot"] = include_noncommercial
    report["feedback"] = sources.get("feedback")
    if evaluate_noncommercial and corpora is not None:
        report["corpus_evaluation"] = evaluate_corpus(out, corpora, progress=progress)
    return report


def _decisions(cascade: Cascade, runner: ModelRunner, assessments: list[Assessment]
               ) -> list[Any]:
    for a in assessments:
        a.model_hits.clear()
        a.model_verdict = None
    for start in range(0, len(assessments), 1024):
        runner.score(assessments[start:start + 1024])
    return [cascade.decide(a) for a in assessments]


def _corpus_with_pot(corpora: Path, *, progress: bool) -> tuple[list[MailRecord], list[Any]]:
    """The corpus stream with phishing_pot, headers normalised, and its labels."""
    from bench.corpus import build

    return build(corpora, normalise=True, ham_limit=None, attacks_limit=None,
                 outside_ham_limit=None, phishing_pot=True, progress=progress)


class CorpusReplay(NamedTuple):
    """Every verdict of the corpus stream with phishing_pot, beside its label (in order)."""

    records: list[MailRecord]
    verdicts: list[Any]
    labels: list[int]
    """Class index of each message (``detectors.training.class_of``)."""
    scenarios: list[str]
    """Its source; phishing_pot split into ``phishing_pot, earlier half`` and ``…later half``."""


def replay_corpus(artifact: Path | str, corpora: Path, *, progress: bool = True,
                  stream: tuple[list[MailRecord], list[Any]] | None = None,
                  scores: str = "") -> CorpusReplay:
    """Replay the corpus stream *with* phishing_pot (evaluation only) through everything.

    The full cascade and the artifact (``""``: the packaged one) score it; corpus-specific
    headers are normalised. ``stream`` is that stream already built (:func:`_corpus_with_pot`
    or a smaller ``bench.corpus.build``), for a caller that scores it more than once;
    parsing the archives takes ~35 s.
    """
    from tqdm import tqdm

    from stream.offline import scan_records

    records, clabels = stream or _corpus_with_pot(corpora, progress=progress)
    lab = {x.message_id: x for x in clabels}
    verdicts = list(tqdm(scan_records(records, artifact=str(artifact), scores=scores),
                         total=len(records), desc="corpus replay", unit=" msg",
                         disable=not progress))
    labels = [class_of(lab[v.message_id].label, lab[v.message_id].attack_type)
              for v in verdicts]
    # build keeps phishing_pot in its own order, so its halves by stream position are halves
    # by its own dates: a rule found reading one half's misses leaves the other as its
    # held-out figure (the README says which half each rule was read from).
    pot = [x.message_id for x in clabels if x.scenario == "phishing_pot"]
    halves = {mid: "phishing_pot, earlier half" if n < len(pot) // 2
              else "phishing_pot, later half" for n, mid in enumerate(pot)}
    scenarios = [halves.get(v.message_id, lab[v.message_id].scenario) for v in verdicts]
    return CorpusReplay(records, verdicts, labels, scenarios)


def summarise_replay(replay: CorpusReplay) -> dict[str, Any]:
    """:func:`detectors.training.evaluate` of a replay, and the same with analysts' blocks."""
    verdicts, labels, scenarios = replay.verdicts, replay.labels, replay.scenarios
    out = evaluate(verdicts, labels, scenarios)
    senders = {r.message_id: (r.tenant_id, r.sender.address.lower()) for r in replay.records}
    blocked = with_analyst_blocks([senders[v.message_id] for v in verdicts], verdicts, labels)
    with_blocks = evaluate(blocked, labels, scenarios)
    out["with_analyst_blocks"] = {
        "false_positives": with_blocks["false_positives"],
        "recall": with_blocks["recall"],
        "recall_by_scenario": {k: v["flagged_rate"] for k, v in
                               with_blocks["recall_by_scenario"].items()}}
    return out


def evaluate_corpus(artifact: Path, corpora: Path, *, progress: bool = True,
                    stream: tuple[list[MailRecord], list[Any]] | None = None
                    ) -> dict[str, Any]:
    """:func:`summarise_replay` of :func:`replay_corpus`: the figures of the train report."""
    return summarise_replay(replay_corpus(artifact, corpora, progress=progress,
                                          stream=stream))


class _Held(NamedTuple):
    action: str
    attack_type: str


def with_analyst_blocks(senders: Sequence[tuple[str, str]], decisions: Sequence[Any],
                        labels: Sequence[int]) -> list[Any]:
    """The decisions as they would be had an analyst confirmed every held attack at once.

    A confirmed attack blocks its (tenant, sender address) through the feedback service, and
    the ``blocked_sender`` detector holds every later message from it, ham included (a
    spoofed From blocks the real sender too: those show as false positives). The bound of
    what analysts' blocks add, for an analyst who acts before the sender's next message.
    """
    blocked: set[tuple[str, str]] = set()
    out: list[Any] = []
    for who, d, label in zip(senders, decisions, labels, strict=True):
        held = d.action in HELD_ACTIONS
        out.append(d if held or who not in blocked else _Held("quarantine", "blocked_sender"))
        if held and label != 0:
            blocked.add(who)
    return out


def write_report(report: dict[str, Any], path: Path) -> None:
    """report.json and a short report.md beside it."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "report.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    lines = ["# mailhawk training report", "",
             f"Artifact: `{report['artifact']['version']}`; thresholds "
             f"{report['thresholds']} (target FPR {report['target_false_positive_rate']}).", "",
             "Quarantine threshold per attack type (the single one, lowered where no "
             "calibration ham of the type reached it): "
             + ", ".join(f"{k} {v['quarantine']:.6f}" for k, v in
                         sorted(report.get("thresholds_by_attack_type", {}).items())) + ".",
             "",
             "A corroborating hit quarantines a warning from (above every calibration ham it "
             "would quarantine): "
             + ", ".join(f"{k} {v['corroborate']:.6f}" for k, v in
                         sorted(report.get("thresholds_by_attack_type", {}).items())) + ".",
             ""]
    sections = {"Time-later test split": report["test"],
                **{f"Test split — {k}": v for k, v in report["test_by_stream"].items()},
                **({"Corpus evaluation (incl. phishing_pot, normalised headers)":
                    report["corpus_evaluation"]} if "corpus_evaluation" in report else {})}
    if report.get("feedback"):
        fb = report["feedback"]
        lines += [f"**Trained on {fb['messages']} messages of your own feedback** "
                  f"({fb['without_mail']} examples without their message were left out): "
                  "the model has learnt from your organisation's mail; keep it inside it. "
                  "The test split's `feedback` stream is the latest feedback, not trained on.",
                  ""]
    if report.get("noncommercial_phishing_pot"):
        lines += ["**Trained on phishing_pot (CC BY-NC 4.0): a model for your own use, never "
                  "to redistribute.** The corpus evaluation replays messages it trained on; "
                  "read phishing_pot on the corpus test split, the part of it that came last.",
                  ""]
    try:
        from bench.report import plot_scenarios

        plot_scenarios({k: v for k, v in sections.items() if not k.startswith("Test split")},
                       path / "scenarios.png")
        lines += ["![share flagged per scenario](scenarios.png)", ""]
    except ImportError:  # matplotlib comes with the dev and bench extras only
        log.info("matplotlib is not installed: the report has no plot")
    blocks = report.get("corpus_evaluation", {}).get("with_analyst_blocks")
    if blocks:
        lines += ["Had an analyst confirmed every held attack of the corpus replay before its "
                  "sender's next message (the feedback service then blocks the sender, "
                  "README): recall " + f"{blocks['recall']:.4f}, ham quarantined "
                  f"{blocks['false_positives']}; "
                  + ", ".join(f"{k} {v:.3f}" for k, v in
                              sorted(blocks["recall_by_scenario"].items())) + ".", ""]
    for title, section in sections.items():
        lines += [f"## {title}", "",
                  f"- messages {section['messages']} (ham {section['ham']}, "
                  f"attacks {section['attacks']})",
                  f"- recall {section['recall']:.4f}, precision {section['precision']:.4f}",
                  f"- false-positive rate on ham {section['false_positive_rate']:.5f} "
                  f"({section['false_positives']}), warn rate on ham "
                  f"{section['warn_rate_on_ham']:.4f}", "",
                  "| scenario | n | flagged (quarantine/block) |", "|---|---|---|"]
        for name, v in section["recall_by_scenario"].items():
            lines.append(f"| {name}{' (ham)' if v['is_ham'] else ''} | {v['n']} | "
                         f"{v['flagged_rate']:.3f} |")
        lines.append("")
    (path / "report.md").write_text("\n".join(lines))


class _SeedRun(TypedDict):
    """One seed of :func:`seed_study`: its test figures."""

    seed: int
    figures: dict[str, float]


def seed_study(*, corpora: Path | None, seeds: Sequence[int], data_seed: int = 7,
               behaviour_members: int = 1, content_members: int = 1,
               synthetic_tenants: int = 4,
               synthetic_days: int = 60, target_fpr: float = 0.001,
               calibration_margin: float = CALIBRATION_MARGIN, phishing_pot: bool = False,
               progress: bool = True) -> dict[str, Any]:
    """Train, calibrate and test once per model seed on one replay; the figures side by side.

    Why: with the same code and data, the models' seed alone moved SpamAssassin spam recall
    between 0.34 and 0.85 and synthetic ham quarantined between 4 and 154 (README). A change
    read on one seed can be luck, and so can a retrain that looks better or worse. The
    traffic (corpora and the synthetic organisations of ``data_seed``) is replayed once and
    only the models' seed moves, so the spread is the models' own. No artifact is written.

    With ``phishing_pot`` (and corpora), each seed's models also score the corpus replay
    with phishing_pot, as ``mailhawk train``'s corpus evaluation does (~1.5 min a seed).
    """
    from detectors.model.artifact import save_artifact

    prepared = prepare(corpora=corpora, synthetic_tenants=synthetic_tenants,
                       synthetic_days=synthetic_days, seed=data_seed, progress=progress)
    pot_stream = (_corpus_with_pot(corpora, progress=progress)
                  if phishing_pot and corpora is not None else None)
    runs: list[_SeedRun] = []
    for n, seed in enumerate(seeds, 1):
        log.info("seed %d (%d of %d)", seed, n, len(seeds))
        content, behaviour = fit(prepared, seed=seed, behaviour_members=behaviour_members,
                                 content_members=content_members, progress=progress)
        by_type, report = calibrate_and_test(prepared, content, behaviour,
                                             config=_artifact_config(seed),
                                             target_fpr=target_fpr, margin=calibration_margin)
        figures = _study_figures(report, by_type)
        if pot_stream is not None and corpora is not None:
            with tempfile.TemporaryDirectory() as tmp:
                path = save_artifact(Path(tmp) / "artifact", content=content,
                                     behaviour=behaviour, config=_artifact_config(seed),
                                     feature_layout=layout(), training_data=prepared.sources,
                                     metrics={}, thresholds=by_type,
                                     version=f"seed-study-{seed}", created="reproducible")
                replayed = evaluate_corpus(path, corpora, progress=progress,
                                           stream=pot_stream)
            figures[f"corpus replay: ham quarantined (of {replayed['ham']})"] = (
                replayed["false_positives"])
            for half, v in replayed["recall_by_scenario"].items():
                if half.startswith("phishing_pot"):
                    figures[f"corpus replay: recall {half}"] = round(v["flagged_rate"], 4)
        runs.append({"seed": seed, "figures": figures})
    names = list(dict.fromkeys(k for r in runs for k in r["figures"]))
    spread = {}
    for name in names:
        values = [r["figures"][name] for r in runs if name in r["figures"]]
        spread[name] = {"min": min(values), "median": float(np.median(values)),
                        "max": max(values)}
    return {"data_seed": data_seed, "behaviour_members": behaviour_members,
            "content_members": content_members,
            "target_false_positive_rate": target_fpr, "calibration_margin": calibration_margin,
            "sources": prepared.sources,
            "runs": runs, "spread": spread}


def _study_figures(report: dict[str, Any], by_type: dict[str, dict[str, float]]
                   ) -> dict[str, float]:
    """One seed's test figures: ham quarantined per stream, recall per attack kind."""
    out: dict[str, float] = {}
    for name, section in report["test_by_stream"].items():
        out[f"{name}: ham quarantined (of {section['ham']})"] = section["false_positives"]
        if name == "synthetic":
            for attack, v in section["recall_by_attack_type"].items():
                out[f"{name}: recall {attack}"] = round(v["recall"], 4)
        else:
            for scenario, v in section["recall_by_scenario"].items():
                if not v["is_ham"]:
                    out[f"{name}: recall {scenario}"] = round(v["flagged_rate"], 4)
    out["quarantine threshold"] = by_type["default"]["quarantine"]
    return out


def write_study(study: dict[str, Any], path: Path) -> None:
    """seeds.json, and seeds.md with the table and (with matplotlib) a plot of the spread."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "seeds.json").write_bytes(orjson.dumps(study, option=orjson.OPT_INDENT_2))
    seeds = [r["seed"] for r in study["runs"]]
    lines = ["# mailhawk seed study", "",
             f"Models trained with seeds {', '.join(map(str, seeds))} on one replay (synthetic "
             f"organisations of seed {study['data_seed']}; behaviour members "
             f"{study['behaviour_members']}, content members "
             f"{study.get('content_members', 1)}; target FPR "
             f"{study['target_false_positive_rate']}, calibrated for "
             f"{study.get('calibration_margin', CALIBRATION_MARGIN)} of it), each tested as "
             "`mailhawk train` does. Only the models' seed differs between columns.", ""]
    try:
        from bench.report import plot_seed_spread

        plot_seed_spread(study, path / "seeds.png")
        lines += ["![figures per seed](seeds.png)", ""]
    except ImportError:  # matplotlib comes with the dev and bench extras only
        log.info("matplotlib is not installed: the study has no plot")
    lines += ["| figure | " + " | ".join(f"seed {s}" for s in seeds) + " | min | median | max |",
              "|---" * (len(seeds) + 4) + "|"]
    for name, spread in study["spread"].items():
        cells = [_cell(r["figures"].get(name)) for r in study["runs"]]
        lines.append(f"| {name} | " + " | ".join(cells) + " | " + " | ".join(
            _cell(spread[k]) for k in ("min", "median", "max")) + " |")
    (path / "seeds.md").write_text("\n".join(lines) + "\n")


def _cell(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.6g}"

"""The detection cascade: features → heuristics → (batched) models → action.

Tiers run from cheap to costly:

1. **features** (``detectors.features``): facts for the state and content signals, once per
   message;
2. **heuristics** (``detectors.rules``): every enabled plugin, per message, against the state
   as it was before the message;
3. **models** (``detectors.models``): batched over the messages that tier 2 did not settle
   (early exit: internal and outbound mail no heuristic objects to skips the models; inbound
   mail never does, because a hijacked vendor's invoice between established correspondents
   can carry no heuristic hit at all);
4. **decision**: when the models ran, their calibrated probability decides (the artifact's
   per-type thresholds); otherwise hit scores are combined per attack type (noisy-OR;
   generic hits of type ``any`` such as a first contact amplify a named type but never name
   one) against the scores file's thresholds. Either way a *decisive* hit quarantines on its
   own, and a *corroborating* hit turns the model's warning into a quarantine
   (``combine.decisive`` and ``combine.corroborating`` in the scores file); the *late*
   detectors (language identification, too dear for every message) run only here, on a
   warning nothing else corroborates (:meth:`Cascade.late_hit`). Hits listed in
   ``combine.flagging`` count the message against its sender (``flagged_sender``).

Weights and thresholds live in the scores file (``detectors/scores.json`` by default), apart
from the code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, Final, TypeVar

import orjson

from detectors.base import Context, Detector, DetectorConfig, build_config
from detectors.errors import DetectorConfigError
from detectors.features import ContentFeatures, extract, extract_batch
from detectors.forward import FORWARDED, forwarded
from detectors.policy import SIMULATION, PolicyMatch, SenderPolicy, policy_hit, refusal
from detectors.rules import REGISTRY
from detectors.rules.authentication import AUTH_FAILURES
from detectors.rules.held import HeldCampaign
from schemas.records import (
    ACTIONS,
    ATTACK_TYPES,
    DIRECTIONS,
    HELD_ACTIONS,
    Action,
    Hit,
    MailRecord,
    ShadowVerdict,
    SourcePosition,
    Verdict,
    attachment_hashes,
)
from state import MessageFacts, PartitionState, StateSnapshot

log = logging.getLogger(__name__)
_T = TypeVar("_T")
GENERIC: Final = "any"
# A message with a named hit at least this strong is suspicious: it does not teach the state
# what is normal for its sender (see ``state.PartitionState.observe``).
SUSPICIOUS: Final = 0.5
# A sender behaving unlike itself (any account-takeover hit, even one without a lure) must not
# make its new network, hour or link domains usual: a thief's first quiet message would
# otherwise vouch for the lure that follows it.
_ANOMALY_DETECTORS: Final = frozenset({"account_takeover"})
# Decision-time rules (not model inputs) whose hits change neither what the state learns nor,
# so, what the models are trained on. Tuning or switching one off then needs no retraining,
# and the shipped model stays what ``mailhawk train`` makes. ``flagged_sender`` restates the
# sender's record rather than finding something in the message; ``malformed_from`` fires on
# SpamAssassin spam of the training replay, and keeping those from the state's baseline
# alone made a retrain another draw of the seed lottery (README, seeds); so does
# ``free_mail_relay``.
_LEARNING_NEUTRAL: Final = frozenset({"flagged_sender", "malformed_from", "free_mail_relay"})
# Hits that only corroborate a model warning (``combine.corroborating``): weak alone by
# design, so the heuristic combination (no model, or a message settled early) leaves them out.
# Counted there, a stranger's shortened link plus a first contact made a warning of every
# conference confirmation with a bit.ly link (golden case ham_first_contact_event_...), and
# one crypto word in it a warning (ham_first_contact_fintech_conference).
_CORROBORATING_ONLY: Final = frozenset({"stranger_link", "crypto_mention"})
# Late detectors (``late = True``) are corroborating-only too, by construction: they run in
# tier 4 only (:meth:`Cascade.late_hit`), never in the heuristic combination.
_ACTION_ORDER: Final = {a: i for i, a in enumerate(ACTIONS)}


def teaches_baseline(hits: Sequence[Hit]) -> bool:
    """Whether a message may teach its sender's baseline (see ``PartitionState.observe``)."""
    return not any(((h.score >= SUSPICIOUS and h.attack_type != GENERIC)
                    or h.detector in _ANOMALY_DETECTORS)
                   and h.detector not in _LEARNING_NEUTRAL for h in hits)


def _forged_outbound(record: MailRecord) -> bool:
    """Outbound mail its gateway found unauthenticated: someone outside forging our domain.

    Outbound mail teaches relationships (a reply makes its recipient a trusted correspondent
    of the sender's), and the gateway (or a converter reading the From domain) calls mail
    from one of our own domains outbound. A message from "bob@ourdomain" to the attacker
    that failed DMARC (or SPF and DKIM) is no reply of bob's: scored as usual, it teaches
    nothing. Real outbound mail carries no failed results (the gateway does not judge its
    own users' mail, or it passes). Internal mail that fails is caught as an own-domain
    spoof by the authentication rule, whose hit already keeps it from teaching.
    """
    if record.direction != "outbound":
        return False
    a = record.auth
    return a.dmarc in AUTH_FAILURES or (a.spf in AUTH_FAILURES and a.dkim in AUTH_FAILURES)


_UNNAMED: Final = frozenset({GENERIC, "none"})
_KNOWN: Final = frozenset({cls.name for cls in REGISTRY} | {HeldCampaign.name, FORWARDED})
"""Detector names a scores file may configure: the tier-2 rules, the campaign memory and the
judgement of a forward's carried message."""


def _by_strength(hits: Sequence[Hit]) -> tuple[Hit, ...]:
    """``hits`` strongest first (ties by detector name): the order a verdict lists them in."""
    if len(hits) < 2:  # most messages: no sort, no key function
        return tuple(hits)
    return tuple(sorted(hits, key=_strength))


def _strength(h: Hit) -> tuple[float, str]:
    return -h.score, h.detector


def _strongest(hits: Sequence[Hit], minimums: Mapping[str, float | None]) -> Hit | None:
    """The strongest hit of a detector in ``minimums`` that reaches its minimum.

    A key is a detector's name (all its hits) or ``detector/attack_type`` (only its hits of
    that type: ``first_contact/credential_phishing``). Only hits naming an attack type
    count: a quarantine always names what it holds mail for.
    """
    best = None
    for h in hits:
        minimum = minimums.get(h.detector)
        if minimum is None and h.detector in minimums:  # a typed entry only (see _minimums)
            minimum = minimums.get(f"{h.detector}/{h.attack_type}")
        if minimum is not None and h.score >= minimum and h.attack_type not in _UNNAMED and (
                best is None or h.score > best.score):
            best = h
    return best


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score at or above which each action applies, for one attack type.

    ``corroborate`` (between ``warn`` and ``quarantine``): from this score a warning with a
    corroborating hit is quarantined (see :meth:`Cascade.corroborating_hit`).
    """

    warn: float
    quarantine: float
    block: float
    corroborate: float

    def action(self, score: float) -> Action:
        if score >= self.block:
            return "block"
        if score >= self.quarantine:
            return "quarantine"
        if score >= self.warn:
            return "warn"
        return "allow"


@dataclass(slots=True)
class Decision:
    """The cascade's answer for one message.

    Read-only by contract; not ``frozen``, whose ``__init__`` cost 4x as much, for one object
    per message.
    """

    action: Action
    attack_type: str
    score: float
    hits: tuple[Hit, ...]
    decided_by: str = "heuristics"  # one of schemas.records.DECIDED_BY
    model_score: float | None = None
    """The models' attack probability (1 - p(ham)) when they ran, whatever decided; the
    engine's drift metric counts it (``score`` is the deciding hit's when a hit decided)."""
    shadow: Decision | None = None
    """What a shadow model (``Cascade(shadow_models=...)``) would have decided; set by the
    cascade before it returns the decision, never acted on."""
    link_hosts: tuple[str, ...] = ()
    """The message's link hosts (``UrlRisk.hosts``), set by the cascade with the decision:
    the verdict names them so a hunt can find the mail that linked to a host."""


def _isolated(n: int, fn: Callable[[MailRecord], _T], record: MailRecord,
              on_failure: Callable[[int, Exception], object]) -> _T | None:
    """``fn(record)``, or None after telling ``on_failure`` it raised."""
    try:
        return fn(record)
    except Exception as exc:
        on_failure(n, exc)
        return None


def _score_isolating(score: Callable[[Sequence[Assessment]], None],
                     assessments: Sequence[Assessment]) -> dict[int, Exception]:
    """``score(assessments)``; when it raises, the assessments it raises on alone.

    The models run once over a whole consumed batch, so one message whose features raise (a
    bug a crafted message found) stopped every message of the batch, and the engine's retry
    of it, for ever. Halving finds each culprit in ~2 log2(n) calls; the scorer is
    batch-independent (each row its own int8 scale), so the others score as they would have.
    Returns ``{id(assessment): exception}``.
    """
    try:
        score(assessments)
        return {}
    except Exception as exc:
        if len(assessments) == 1:
            return {id(assessments[0]): exc}
        half = len(assessments) // 2
        return {**_score_isolating(score, assessments[:half]),
                **_score_isolating(score, assessments[half:])}


def _with_forwarded(assessments: list[Assessment]) -> list[Assessment]:
    """``assessments`` and, after them, the messages their empty forwards carry."""
    carried = [a.forwarded for a in assessments if a.forwarded is not None]
    return assessments + carried if carried else assessments


def _without_failed(batches: Sequence[tuple[PartitionState, Sequence[MailRecord]]],
                    assessed: list[list[Assessment]], failed: Mapping[int, Exception],
                    on_failure: Callable[[int, int, Exception], object]
                    ) -> list[list[Assessment]]:
    """``assessed`` without the assessments in ``failed``, each told to ``on_failure``.

    ``on_failure`` gets the slice's index and the message's index in its slice. Their state
    changes stay: they were applied before the models ran, as for any message (the message
    is valid mail; only its scoring failed).
    """
    out = []
    for n, ((_, records), group) in enumerate(zip(batches, assessed, strict=True)):
        if not any(id(a) in failed for a in group):
            out.append(group)
            continue
        index = {id(r): i for i, r in enumerate(records)}
        for a in group:
            if id(a) in failed:
                on_failure(n, index[id(a.record)], failed[id(a)])
        out.append([a for a in group if id(a) not in failed])
    return out


@dataclass(slots=True)
class Assessment:
    """A message after tiers 1–2, waiting for the batched models."""

    record: MailRecord
    facts: MessageFacts
    content: ContentFeatures
    snapshot: StateSnapshot
    hits: list[Hit]
    settled: bool = False
    model_hits: list[Hit] = field(default_factory=list)
    model_verdict: tuple[str, float] | None = None
    policy: PolicyMatch | None = None
    late_hits: list[Hit] | None = None  # the late detectors' hits, once they have run
    forwarded: Assessment | None = None
    """The message an empty forward carries, assessed as its own sender's
    (``detectors.forward``); scored by the models with the rest, never applied to the state."""


@dataclass
class StageTimes:
    """Seconds spent per stage since creation (the engine exports them as metrics).

    ``clock`` is wall time by default; ``bench detect`` swaps in ``time.thread_time`` to
    split the CPU cost per stage with the same code path (a clock read costs well under a
    microsecond either way, against tens per message).
    """

    features: float = 0.0
    state: float = 0.0
    heuristics: float = 0.0
    models: float = 0.0
    shadow: float = 0.0  # a shadow model's scoring: not part of the detection cost
    clock: Callable[[], float] = field(default=time.perf_counter, repr=False)

    def reset(self) -> dict[str, float]:
        out = {"features": self.features, "state": self.state,
               "heuristics": self.heuristics, "models": self.models}
        if self.shadow:
            out["shadow"] = self.shadow
        self.features = self.state = self.heuristics = self.models = self.shadow = 0.0
        return out


def load_scores(path: str | Path | None = None) -> dict[str, Any]:
    """Read a scores file (the packaged default when ``path`` is empty)."""
    if path:
        try:
            return dict(orjson.loads(Path(path).read_bytes()))
        except (OSError, orjson.JSONDecodeError) as exc:
            raise DetectorConfigError(
                "scores", f"cannot read scores file {path}: {exc}",
                "give a readable JSON scores file, or none (--scores, MAILHAWK_SCORES) for "
                "the shipped one") from None
    return dict(orjson.loads(resources.files("detectors").joinpath("scores.json")
                             .read_bytes()))


class Cascade:
    """Runs every tier for a batch of messages of one partition."""

    def __init__(self, scores: Mapping[str, Any] | None = None, models: Any = None, *,
                 shadow_models: Any = None) -> None:
        """Detectors and thresholds from ``scores``, ``models`` to decide.

        ``shadow_models`` (a candidate artifact) only say what they would have decided: each
        decision carries it in ``shadow`` (see :meth:`score_batches`).
        """
        scores = dict(scores or load_scores())
        self.rules_version: str = str(scores.get("version", "unversioned"))
        sections: Mapping[str, Any] = scores.get("detectors", {})
        unknown = sorted(set(sections) - _KNOWN)
        if unknown:
            raise DetectorConfigError(unknown[0], "no such detector in this build")
        self.detectors: list[Detector] = []
        self.late: list[Detector] = []  # run only to corroborate a model warning
        for cls in REGISTRY:
            detector = cls(sections.get(cls.name))
            if detector.config.enabled:
                (self.late if getattr(detector, "late", False) else self.detectors
                 ).append(detector)
        self._late_seconds = 0.0  # the late tier's time in decisions (heuristics, not state)
        # The campaign memory runs after the models (see detectors/rules/held.py).
        memory = HeldCampaign(sections.get(HeldCampaign.name))
        self.memory: HeldCampaign | None = memory if memory.config.enabled else None
        # Forwarded mail is judged as its sender's only where a model runs, as the late tier:
        # the training replay (no model) decides as it did before the rule.
        forwards = build_config(DetectorConfig, FORWARDED, sections.get(FORWARDED))
        self.forwards = forwards.enabled and models is not None
        # Per direction, the detectors that can hit mail of that direction (see
        # ``Detector``), in cascade order.
        self._by_direction: dict[str, list[Detector]] = {
            direction: [d for d in self.detectors
                        if direction in getattr(d, "directions", DIRECTIONS)]
            for direction in DIRECTIONS}
        # Two sets of thresholds for two kinds of score: the scores file's for combined
        # heuristic hits, and the artifact's, calibrated on the model's attack probability
        # for a target false-positive rate.
        self.thresholds = self._thresholds(scores.get("actions", {}))
        default = self.thresholds["default"]
        calibrated = getattr(models, "thresholds", None) or {
            "default": {"warn": default.warn, "quarantine": default.quarantine,
                        "block": default.block}}
        self.model_thresholds = self._thresholds(calibrated)
        combine = scores.get("combine", {})
        self.generic_boost = float(combine.get("generic_boost", 0.5))
        self.generic_cap = float(combine.get("generic_cap", 0.45))
        self.decisive = self._minimums("decisive", combine.get("decisive", {}))
        self.corroborating = self._minimums("corroborating", combine.get("corroborating", {}))
        self.flagging = self._minimums("flagging", combine.get("flagging", {}))
        if "flagged_sender" in self.flagging:
            raise DetectorConfigError("combine", "flagging cannot name flagged_sender: its own "
                                      "hits would keep a sender flagged forever")
        self.models = models
        self.model_version: str = models.version if models is not None else "none"
        self.policy = SenderPolicy()
        self.times = StageTimes()
        # The candidate's own cascade: the same detectors and scores file, its artifact's
        # calibrated thresholds. Only its models and ``decide`` run (the hits are shared).
        self.shadow: Cascade | None = (Cascade(scores, shadow_models)
                                       if shadow_models is not None else None)
        self.shadow_failures = 0  # batches the shadow failed on (the engine counts them)

    @classmethod
    def from_config(cls, scores_path: str = "", artifact: str = "",
                    shadow_artifact: str = "") -> Cascade:
        """The cascade of a scores file and a model artifact (packaged defaults if empty).

        A ``shadow_artifact`` is loaded as the shadow's models when named.
        """
        from detectors.models import load_models

        shadow = load_models(shadow_artifact) if shadow_artifact else None
        return cls(load_scores(scores_path or None), load_models(artifact or None),
                   shadow_models=shadow)

    @staticmethod
    def _thresholds(raw: Mapping[str, Any]) -> dict[str, Thresholds]:
        out: dict[str, Thresholds] = {}
        default = raw.get("default", {"warn": 0.4, "quarantine": 0.7, "block": 0.95})
        for attack, values in {"default": default, **raw}.items():
            merged = {**default, **values}
            warn, quarantine = float(merged["warn"]), float(merged["quarantine"])
            # Absent (an artifact calibrated before corroboration existed): none. Inherited
            # from the default entry: held within this type's own band.
            corroborate = min(max(float(merged.get("corroborate", quarantine)), warn),
                              quarantine)
            t = Thresholds(warn, quarantine, float(merged["block"]), corroborate)
            if not 0.0 < t.warn <= t.quarantine <= t.block <= 1.0001:
                raise DetectorConfigError("actions", f"thresholds of '{attack}' must satisfy "
                                          "0 < warn <= quarantine <= block <= 1")
            out[attack] = t
        return out

    @staticmethod
    def _minimums(setting: str, raw: Any) -> dict[str, float | None]:
        """``combine.<setting>``: detector (or ``detector/attack_type``) to its minimum score.

        A detector named with types is also kept, mapped to None, so :func:`_strongest` builds
        the typed key only for that detector's hits. A detector is named either alone or with
        types, not both (which would win would be a guess).
        """
        if not isinstance(raw, Mapping):
            raise DetectorConfigError("combine", f"'{setting}' must map detector names to "
                                      f"scores, got {type(raw).__name__}")
        out: dict[str, float | None] = {}
        for name, minimum in raw.items():
            detector, typed, attack = str(name).partition("/")
            if detector not in _KNOWN:
                raise DetectorConfigError("combine", f"{setting} detector '{detector}' does "
                                          "not exist in this build")
            if typed and (attack not in ATTACK_TYPES or attack in _UNNAMED):
                raise DetectorConfigError("combine", f"{setting} entry '{name}': attack type "
                                          f"'{attack}' is not one of "
                                          f"{', '.join(sorted(set(ATTACK_TYPES) - _UNNAMED))}")
            if isinstance(minimum, bool) or not isinstance(minimum, int | float) or \
                    not 0.0 < float(minimum) <= 1.0:
                raise DetectorConfigError("combine", f"{setting} score of '{name}' must be "
                                          f"a number within (0, 1], got {minimum!r}")
            if detector in out and (out[detector] is None) != bool(typed):
                raise DetectorConfigError("combine", f"{setting} names '{detector}' both alone "
                                          "and with an attack type: keep one form")
            out[name] = float(minimum)
            if typed:
                out[detector] = None
        return out

    # ------------------------------------------------------------------ tiers

    def score_batch(self, state: PartitionState, records: Sequence[MailRecord]
                    ) -> list[Decision]:
        """Score ``records`` in order against ``state`` and apply them to it.

        Each message sees the state as it was before it (read-your-writes within the batch);
        the models then run once for the whole batch.
        """
        return self.score_batches([(state, records)])[0]

    def score_batches(self, batches: Sequence[tuple[PartitionState, Sequence[MailRecord]]],
                      *, on_failure: Callable[[int, int, Exception], object] | None = None
                      ) -> list[list[Decision]]:
        """:meth:`score_batch` for each partition's slice of one consumed batch.

        ``on_failure`` isolates a message whose features or heuristics raise (a bug a crafted
        message found): it is called with the slice's index, the message's index in it and
        the exception, and the message is left out: no decision in its slice's list, nothing
        learnt from it, the others scored as if it had not come. A message the models or its
        decision raise on is left out the same way (found by halving the batch's model
        call), but what it taught the state stays: that was applied before the models ran.
        Without ``on_failure``, such an exception ends the call (and the caller's batch,
        which the engine would then retry for ever: a poison message stopping its
        partition).

        Tiers 1–2 run per partition (each against its own state); the models run once over
        every slice's messages. A consumed batch of 500 spread over 4 partitions otherwise
        made 4 model calls of ~125 messages, and torch's fixed cost per call made the model
        tier ~1.8x dearer per scored message (content model 10.1 against 5.6 µs, behaviour
        model 3.7 against 1.9, measured on the corpus stream). The scorer is batch-independent
        (each row its own int8 scale, see ``detectors.model.artifact._dynamic_linear``), so
        the decisions are the same however the messages are grouped.
        """
        assessed = [self.assess_batch(state, records, on_failure=None if on_failure is None
                                      else partial(on_failure, n))
                    for n, (state, records) in enumerate(batches)]
        times = self.times
        clock = times.clock
        t0 = clock()
        if self.models is not None:
            flat = _with_forwarded([a for group in assessed for a in group])
            if on_failure is None:
                self.models.score(flat)
            else:
                failed = _score_isolating(self.models.score, flat)
                if failed:  # a carried message's failure is its forward's
                    owner = {id(a.forwarded): id(a) for a in flat if a.forwarded is not None}
                    failed = {owner.get(k, k): exc for k, exc in failed.items()}
                    assessed = _without_failed(batches, assessed, failed, on_failure)
        t1 = clock()
        times.models += t1 - t0
        out = []
        recall = 0.0
        self._late_seconds = 0.0
        for n, ((state, records), group) in enumerate(zip(batches, assessed, strict=True)):
            if on_failure is None:
                decisions = [self.decide(a) for a in group]
            else:  # as the models: a message its decision raises on is left out
                decisions, kept = [], []
                for a in group:
                    try:
                        decisions.append(self.decide(a))
                        kept.append(a)
                    except Exception as exc:
                        on_failure(n, next(i for i, r in enumerate(records)
                                           if r is a.record), exc)
                if len(kept) != len(group):
                    assessed[n] = group = kept
            if self.memory is not None:
                t = clock()
                self.memory.recall(state, group, decisions, self.decide)
                recall += clock() - t
            for decision, a in zip(decisions, group, strict=True):
                state.observe_verdict(a.record, decision.action)
                decision.link_hosts = a.content.urls.hosts
            out.append(decisions)
        t2 = clock()
        late = self._late_seconds
        times.state += t2 - t1 - recall - late
        times.heuristics += recall + late  # a rule, with its state reads and writes
        shadow = self.shadow
        if shadow is not None and shadow.models is not None:
            # After every real decision: the shadow's scoring overwrites the assessments'
            # model results, which nothing reads any more. Its verdicts teach the state
            # nothing (observe_verdict above saw only the real ones).
            try:
                shadow.models.score(_with_forwarded([a for group in assessed for a in group]))
                shadows = [[shadow.decide(a) for a in group] for group in assessed]
            except Exception as exc:  # an experiment must not stop the real verdicts
                self.shadow_failures += 1
                log.error("shadow model %s failed on a batch (%s); its verdicts of that "
                          "batch are left out", shadow.model_version, type(exc).__name__)
            else:
                for decisions, group_shadows in zip(out, shadows, strict=True):
                    for decision, shadow_decision in zip(decisions, group_shadows,
                                                         strict=True):
                        decision.shadow = shadow_decision
            times.shadow += clock() - t2
        return out

    def assess_batch(self, state: PartitionState, records: Sequence[MailRecord], *,
                     on_failure: Callable[[int, Exception], object] | None = None
                     ) -> list[Assessment]:
        """Tiers 1–2 for a batch, applying each message to ``state`` after assessing it.

        ``on_failure`` (index, exception): as in :meth:`score_batches`; the assessments are
        then of the other messages only.
        """
        times = self.times
        clock = times.clock
        t0 = clock()
        try:
            extracted: list[tuple[MessageFacts, ContentFeatures] | None] = \
                list(extract_batch(records))
        except Exception:
            if on_failure is None:
                raise
            extracted = [_isolated(n, extract, record, on_failure)
                         for n, record in enumerate(records)]
        carried = self._carried(records, extracted, on_failure) if self.forwards else {}
        t1 = clock()
        message_keys = [state.keys_for(record, ex[0]) if ex is not None else None
                        for record, ex in zip(records, extracted, strict=True)]
        carried_keys = {n: state.keys_for(inner[0], inner[1][0]) for n, inner in carried.items()}
        state.prefetch_messages([k for k in message_keys if k is not None]
                                + list(carried_keys.values()))
        t2 = clock()
        times.features += t1 - t0
        times.state += t2 - t1
        assessments = []
        heuristics = state_time = 0.0
        for n, (record, ex, keys) in enumerate(zip(records, extracted, message_keys,
                                                   strict=True)):
            if ex is None or keys is None:
                continue
            facts, content = ex
            a = clock()
            try:
                snapshot = state.snapshot(record, facts, keys)
                b = clock()
                assessment = self.assess(record, facts, content, snapshot)
                if n in carried:  # against the same state as its forward, before it is applied
                    inner, (inner_facts, inner_content) = carried[n]
                    assessment.forwarded = self.assess(
                        inner, inner_facts, inner_content,
                        state.snapshot(inner, inner_facts, carried_keys[n]))
            except Exception as exc:
                if on_failure is None:
                    raise
                on_failure(n, exc)  # before any of its state changes: it taught nothing
                continue
            c = clock()
            # A phishing simulation imitates attackers and executives on purpose: it teaches
            # the state nothing and counts nothing against its sender. Nor does an empty
            # forward's evidence count against the forwarder: the attack is the carried
            # sender's, and people forward lures to ask whether they are genuine.
            simulated = assessment.policy is not None and assessment.policy.rule == SIMULATION
            state.observe(record, assessment.facts, snapshot,
                          learn=not simulated and teaches_baseline(assessment.hits)
                          and not _forged_outbound(record),
                          flagged=not simulated and assessment.forwarded is None
                          and self.flags_sender(assessment.hits))
            d = clock()
            assessments.append(assessment)
            state_time += (b - a) + (d - c)
            heuristics += c - b
        times.state += state_time
        times.heuristics += heuristics
        return assessments

    @staticmethod
    def _carried(records: Sequence[MailRecord],
                 extracted: list[tuple[MessageFacts, ContentFeatures] | None],
                 on_failure: Callable[[int, Exception], object] | None
                 ) -> dict[int, tuple[MailRecord, tuple[MessageFacts, ContentFeatures]]]:
        """By index in ``records``, the message each empty forward carries, with its features.

        A message this raises on is left out as in :meth:`assess_batch` (``extracted`` is set
        to None for it).
        """
        out = {}
        for n, (record, ex) in enumerate(zip(records, extracted, strict=True)):
            if ex is None or record.direction != "inbound":
                continue
            try:
                inner = forwarded(record)
                if inner is not None:
                    out[n] = (inner, extract(inner))
            except Exception as exc:
                if on_failure is None:
                    raise
                on_failure(n, exc)
                extracted[n] = None
        return out

    def assess(self, record: MailRecord, facts: MessageFacts, content: ContentFeatures,
               snapshot: StateSnapshot) -> Assessment:
        """Tier 2: every heuristic detector against one message."""
        ctx = Context(record, facts, snapshot, content)
        hits: list[Hit] = []
        for detector in self._by_direction.get(record.direction, self.detectors):
            found = detector.detect(ctx)
            if found:  # most detectors find nothing: skip the extend call
                hits += found
        lookalike = next((h.evidence.get("target") for h in hits
                          if h.detector == "lookalike_domain" and
                          h.evidence.get("domain") == facts.sender_domain), None) \
            if hits else None
        if lookalike and snapshot.domain is None:
            facts = replace(facts, lookalike_of=str(lookalike))
        # Early exit: outbound and internal mail that no heuristic objects to skips the models
        # (most of a tenant's own traffic). Outbound mail with hits is judged: a compromised
        # account phishing the tenant's partners is the tenant's problem too.
        settled = not hits and record.direction != "inbound"
        return Assessment(record, facts, content, snapshot, hits, settled,
                          policy=self.policy.match(record, facts, snapshot.tenant,
                                                   snapshot.everyone))

    def verdict(self, record: MailRecord, decision: Decision, source: SourcePosition,
                scored_at: float, latency_ms: float) -> Verdict:
        """The verdict record of ``decision`` for ``record`` (the engine's and ``scan``'s).

        Besides the decision it names what remediation and ``mailhawk hunt`` look for: the
        sender, the recipients, the link hosts and the attachments' SHA-256.
        """
        return Verdict(
            message_id=record.message_id, tenant_id=record.tenant_id,
            recipients=record.recipients, action=decision.action,
            attack_type=decision.attack_type, score=decision.score, hits=decision.hits,
            model_version=self.model_version, rules_version=self.rules_version,
            source=source, scored_at=scored_at, latency_ms=latency_ms,
            decided_by=decision.decided_by, shadow=self.shadow_verdict(decision),
            sender=record.sender.address, link_hosts=decision.link_hosts,
            attachment_sha256=attachment_hashes(record.attachments))

    def shadow_verdict(self, decision: Decision) -> ShadowVerdict | None:
        """The verdict's ``shadow`` part: what the shadow model decided for the message."""
        shadow = decision.shadow
        if shadow is None or self.shadow is None:
            return None
        return ShadowVerdict(self.shadow.model_version, shadow.action,
                             shadow.attack_type, shadow.score, shadow.decided_by)

    def decisive_hit(self, hits: Sequence[Hit]) -> Hit | None:
        """The strongest hit that quarantines on its own (``combine.decisive``), if any.

        A few heuristics are precise enough to act without the model's agreement (a brand's
        name on a free-mail account with a credential lure): the model learns the mail it was
        trained on, and phishing kits change faster than any training set, while the
        evidence these hits need does not.
        """
        return _strongest(hits, self.decisive)

    def flags_sender(self, hits: Sequence[Hit]) -> bool:
        """Whether a message's hits are evidence of an attack its sender's record keeps.

        ``combine.flagging``: hits of detectors that see the attack itself (a brand claimed
        from a foreign domain, links built to hide where they go, an executable, words
        disguised from filters) at the strength that corroborates a warning or decides. Not
        account takeover: an unusual hour or a new network is an anomaly of a known sender,
        and automated senders have many. Read by the ``flagged_sender`` detector
        (``detectors/rules/history.py``).
        """
        return _strongest(hits, self.flagging) is not None

    def corroborating_hit(self, hits: Sequence[Hit]) -> Hit | None:
        """The strongest hit that turns the model's warning into a quarantine, if any.

        ``combine.corroborating``: the quarantine threshold of a type is set by the ham that
        scores highest as that type, and for spam that is solicited bulk mail (newsletters,
        sign-up confirmations) on which the model saturates, so phishing the model calls spam
        at a lower score is only warned about. Bulk mail does not impersonate brands, hide
        its links, come from a hijacked account or carry executables, nor does a stranger's
        first message ask the recipient to sign in (``first_contact/credential_phishing``:
        the first-contact hit of credential language, not of a domain the tenant knows). A
        strong hit of such a detector on a message the model already suspects says it is not
        graymail.
        """
        return _strongest(hits, self.corroborating)

    def late_hit(self, assessment: Assessment) -> Hit | None:
        """The late detectors' strongest corroborating hit on ``assessment``, if any.

        Tier 4's own detectors (``late = True``: ``detectors/rules/language.py``,
        ``advance_fee.py``, ``receipt.py``, ``offscreen.py``) are too dear to run on every
        message in tier 2 and only ever corroborate, so they run here, on a model warning that
        no tier-2 hit corroborates (a fraction of a percent of ham), once per message (the
        campaign memory decides again), in registry order (the cheapest first), and only until
        one corroborates: one is all a quarantine needs, and language identification, the
        dearest, comes last.
        """
        found = assessment.late_hits
        if found is None:
            clock = self.times.clock
            t = clock()
            record = assessment.record
            ctx = Context(record, assessment.facts, assessment.snapshot, assessment.content)
            found = assessment.late_hits = []
            for d in self.late:
                if record.direction in getattr(d, "directions", DIRECTIONS):
                    found += d.detect(ctx)
                    if _strongest(found, self.corroborating) is not None:
                        break
            self._late_seconds += clock() - t
        return _strongest(found, self.corroborating)

    def decide(self, assessment: Assessment) -> Decision:
        """Tier 4: choose attack type, score and action; list the hits that drove them.

        When the models ran, their attack probability decides: the behaviour model read every
        heuristic score as a feature and its thresholds were calibrated for a target
        false-positive rate. Otherwise (no artifact, or a message the cascade settled early)
        the heuristic hits are combined per attack type. Then the tenant's sender policy
        (``detectors.policy``) may allow the message; the verdict says so in a hit of the
        rule and ``decided_by`` "policy", and keeps detection's type and score.
        """
        decision = self._detect(assessment)
        carried = assessment.forwarded
        if carried is not None and decision.action not in HELD_ACTIONS:
            decision = self._with_carried(decision, carried)
        match = assessment.policy
        if match is None:
            return decision
        refused = refusal(match, decision.action, decision.attack_type, decision.hits)
        overrode = decision.action if not refused and decision.action != "allow" else ""
        hits = (policy_hit(match, refused, overrode), *decision.hits)
        if overrode:
            return Decision("allow", decision.attack_type, decision.score, hits, "policy",
                            decision.model_score)
        return replace(decision, hits=hits)

    def _with_carried(self, decision: Decision, carried: Assessment) -> Decision:
        """``decision`` held as the forwarded message would be, when that one is held.

        The carried message is decided in full (its sender's policy included: a sender the
        tenant blocked is held when forwarded too); the forward takes its action, type, score
        and deciding tier, and a ``forwarded_attack`` hit in front names the carried sender's
        domain (not the address) and the detectors that held it.
        """
        inner = self.decide(carried)
        if inner.action not in HELD_ACTIONS:
            return decision
        hit = Hit(FORWARDED, inner.score, {
            "sender_domain": carried.record.sender.domain, "action": inner.action,
            "decided_by": inner.decided_by,
            "detectors": sorted({h.detector for h in inner.hits})}, inner.attack_type)
        return Decision(inner.action, inner.attack_type, inner.score, (hit, *decision.hits),
                        inner.decided_by, decision.model_score)

    def _detect(self, assessment: Assessment) -> Decision:
        """What detection decides (:meth:`decide` before the tenant's policy)."""
        hits = assessment.hits + assessment.model_hits
        ordered = _by_strength(hits)
        if assessment.model_verdict is not None:
            attack, score = assessment.model_verdict
            thresholds = self.model_thresholds.get(attack, self.model_thresholds["default"])
            action = thresholds.action(score)
            decision = self._at_least_decisive(
                Decision(action, attack if action != "allow" else "none", score, ordered,
                         "model", score), assessment.hits)
            if decision.action == "warn" and score >= thresholds.corroborate:
                corroborated = self.corroborating_hit(assessment.hits)
                if corroborated is None and self.late:
                    corroborated = self.late_hit(assessment)
                    if corroborated is not None:
                        ordered = _by_strength((*ordered, corroborated))
                if corroborated is not None:  # the type of the evidence, the model's score
                    return Decision("quarantine", corroborated.attack_type, score, ordered,
                                    "corroborated", score)
            return decision
        if not hits:
            return Decision("allow", "none", 0.0, ())
        generic_miss = 1.0
        per_type: dict[str, float] = {}
        for h in hits:
            if h.detector in _CORROBORATING_ONLY:
                continue
            if h.attack_type == GENERIC or h.attack_type == "none":
                generic_miss *= 1.0 - h.score
            else:
                per_type[h.attack_type] = 1.0 - (1.0 - per_type.get(h.attack_type, 0.0)) * (
                    1.0 - h.score)
        generic = 1.0 - generic_miss
        if per_type:
            attack, score = max(per_type.items(), key=lambda kv: (kv[1], kv[0]))
            score = 1.0 - (1.0 - score) * (1.0 - self.generic_boost * generic)
        else:
            attack, score = "none", min(generic, self.generic_cap)
        thresholds = self.thresholds.get(attack, self.thresholds["default"])
        action = thresholds.action(score)
        if attack == "none" and _ACTION_ORDER[action] > _ACTION_ORDER["warn"]:
            action = "warn"
        return self._at_least_decisive(
            Decision(action, attack if action != "allow" or per_type else "none", score,
                     ordered), assessment.hits)

    def _at_least_decisive(self, decision: Decision, hits: Sequence[Hit]) -> Decision:
        """``decision``, raised to quarantine by a decisive hit (model or heuristic path)."""
        if _ACTION_ORDER[decision.action] >= _ACTION_ORDER["quarantine"]:
            return decision
        decisive = self.decisive_hit(hits)
        if decisive is None:
            return decision
        return Decision("quarantine", decisive.attack_type, decisive.score, decision.hits,
                        "decisive", decision.model_score)

"""Golden messages: a tenant's mail history, then attacks and hard ham with expected verdicts.

The tenant ``northwind`` (own domain ``northwind-traders.com``) is taught by the ``.eml`` files
of ``history/`` (5 Jan - 27 Feb 2026): internal mail, outbound mail to its vendors, partners,
law firm and bank, and what those send back. Each ``cases/NAME.eml`` (2 - 13 March 2026) is
then scored on its own against the state the history left, and its sidecar
``cases/NAME.expect.json`` says what a correct engine does with it (see ``README.md``):

* ``must``: detectors that must hit; ``must_not``: detectors that must not (false-positive
  guards); ``evidence``: per detector, evidence values at least one of its hits must carry;
* ``action_at_least`` / ``action_at_most``: bounds on the action; ``attack_type``: the
  attack type named (or one of a list);
* ``xfail``: the current detectors get this case wrong, and why; the case runs as a strict
  xfail, so it turns red the moment a fix makes it pass and the marker must go.

The cascade is ``Cascade()``: the packaged scores file and no model tier, so every verdict here
is the heuristic detectors' own and a case names the detector that must catch it.

Decay is off (``NO_DECAY``): the history is a sparse sample standing in for months of mail, so
with the engine's 90-day half-life the volume thresholds (such as ten messages before a sender
has a behaviour of its own) would hinge on fractional decay of a sample far thinner than real
traffic. With decay off every count is an exact integer that a reader can check by counting
files, which is what a specification should allow.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from detectors import Cascade, Decision
from detectors.names import name_key
from detectors.rules import REGISTRY
from schemas import Address, MailRecord
from schemas.mime import parse_message
from schemas.records import ACTIONS, ATTACK_TYPES
from state import KIND_NAMES, NO_DECAY, MemoryStore, PartitionState, decode, split_key
from stream.offline import BATCH

HERE = Path(__file__).resolve().parent
HISTORY_DIR = HERE / "history"
CASES_DIR = HERE / "cases"
TENANT = "northwind"
OWN_DOMAINS = frozenset({"northwind-traders.com"})
DECAY = NO_DECAY

MIN_CASES = 64
MIN_HAM = 20
MIN_PER_ATTACK_CLASS = 2
CLASSES = frozenset({
    "ham", "bec", "gift_card", "payroll", "display_name_address", "vendor_lookalike",
    "vendor_compromise", "lateral_phishing", "credential_phishing", "dmarc_spoof", "malware",
    "spam", "scam",
})
DETECTORS = frozenset(cls.name for cls in REGISTRY)
_RANK = {action: i for i, action in enumerate(ACTIONS)}
HISTORY_JUDGEMENT_CALLS = {
    "h059-gmail-margaret-itinerary.eml":
        "the first message from the CEO's personal Gmail cannot be told from an impersonation",
    "h082-gmail-margaret-hotel.eml":
        "the same address after one reply; cases/ham_ceo_personal_gmail_known.eml states the "
        "expectation once the relationship is established",
}
_KEYS = frozenset({"class", "why", "must", "must_not", "action_at_least", "action_at_most",
                   "attack_type", "evidence", "direction", "prelude", "xfail"})


# --------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Prelude:
    """Copies of the case message sent just before it (a campaign), one recipient each."""

    copies: int
    every_s: float
    to: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """One golden message and what a correct engine does with it."""

    name: str
    eml: Path
    cls: str
    why: str
    must: tuple[str, ...]
    must_not: tuple[str, ...]
    action_at_least: str | None
    action_at_most: str | None
    attack_types: tuple[str, ...]
    evidence: Mapping[str, Mapping[str, Any]]
    direction: str | None
    prelude: Prelude | None
    xfail: str

    @classmethod
    def load(cls, eml: Path) -> Case:
        sidecar = eml.with_suffix(".expect.json")
        raw = json.loads(sidecar.read_text(encoding="utf-8"))
        where = sidecar.name
        unknown = sorted(set(raw) - _KEYS)
        assert not unknown, f"{where}: unknown keys {unknown}"
        assert raw.get("class") in CLASSES, f"{where}: class must be one of {sorted(CLASSES)}"
        assert raw.get("why"), f"{where}: say why"
        must, must_not = tuple(raw.get("must", ())), tuple(raw.get("must_not", ()))
        evidence = raw.get("evidence") or {}
        for name in (*must, *must_not, *evidence):
            assert name in DETECTORS, f"{where}: no detector named {name!r}"
        assert not set(must) & set(must_not), f"{where}: a detector both must and must not hit"
        assert set(evidence) <= set(must), f"{where}: evidence only for detectors that must hit"
        bounds = (raw.get("action_at_least"), raw.get("action_at_most"))
        for bound in bounds:
            assert bound is None or bound in _RANK, f"{where}: unknown action {bound!r}"
        if None not in bounds:
            assert _RANK[bounds[0]] <= _RANK[bounds[1]], f"{where}: empty action range"
        attack = raw.get("attack_type")
        attacks = tuple(attack) if isinstance(attack, list) else (attack,) if attack else ()
        for name in attacks:
            assert name in ATTACK_TYPES, f"{where}: unknown attack type {name!r}"
        prelude = raw.get("prelude")
        return cls(
            name=eml.stem, eml=eml, cls=raw["class"], why=raw["why"], must=must,
            must_not=must_not, action_at_least=bounds[0], action_at_most=bounds[1],
            attack_types=attacks, evidence=evidence, direction=raw.get("direction"),
            prelude=Prelude(int(prelude["copies"]), float(prelude["every_s"]),
                            tuple(prelude["to"])) if prelude else None,
            xfail=raw.get("xfail", ""),
        )


def load_cases() -> list[Case]:
    return [Case.load(p) for p in sorted(CASES_DIR.glob("*.eml"))]


CASES = load_cases()


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
    return pytest.param(case, id=case.name, marks=marks)


# --------------------------------------------------------------------------- the engine


def parse(path: Path, direction: str | None = None) -> MailRecord:
    return parse_message(path.read_bytes(), tenant_id=TENANT, own_domains=OWN_DOMAINS,
                         direction=direction)


@dataclass(frozen=True)
class History:
    """The history's messages (file name, record), their verdicts, and the store they left."""

    names: tuple[str, ...]
    records: tuple[MailRecord, ...]
    decisions: tuple[Decision, ...]
    store: Mapping[bytes, bytes]

    def state(self) -> PartitionState:
        """A fresh state holding exactly what the history taught (cases never share one)."""
        store = MemoryStore()
        store.write(self.store, {})
        return PartitionState(store, decay=DECAY)


@pytest.fixture(scope="module")
def cascade() -> Cascade:
    return Cascade()


@pytest.fixture(scope="module")
def history(cascade: Cascade) -> History:
    """Score the history in date order, in engine-sized batches, committing each."""
    named = sorted(((p.name, parse(p)) for p in HISTORY_DIR.glob("*.eml")),
                   key=lambda nr: (nr[1].received_at, nr[0]))
    records = [r for _, r in named]
    store = MemoryStore()
    state = PartitionState(store, decay=DECAY)
    decisions: list[Decision] = []
    for start in range(0, len(records), BATCH):
        batch = records[start:start + BATCH]
        decisions.extend(cascade.score_batch(state, batch))
        state.commit(state.changes(), start + len(batch), None)
    return History(tuple(n for n, _ in named), tuple(records), tuple(decisions),
                   dict(store.items()))


def campaign(record: MailRecord, prelude: Prelude | None) -> list[MailRecord]:
    """The case message, preceded by its prelude copies (earliest first)."""
    if prelude is None:
        return [record]
    copies = [
        replace(record, message_id=f"{record.message_id}.{i}",
                received_at=record.received_at - (prelude.copies - i) * prelude.every_s,
                to=(Address(prelude.to[i % len(prelude.to)]),), cc=())
        for i in range(prelude.copies)
    ]
    return [*copies, record]


def verdict(case: Case, history: History, cascade: Cascade) -> Decision:
    record = parse(case.eml, case.direction)
    return cascade.score_batch(history.state(), campaign(record, case.prelude))[-1]


# --------------------------------------------------------------------------- checks


def _matches(actual: Any, expected: Any) -> bool:
    if isinstance(expected, list) and isinstance(actual, list | tuple):
        return set(expected) <= set(actual)
    return bool(actual == expected)


def problems(case: Case, decision: Decision) -> list[str]:
    """What the decision gets wrong about ``case`` (empty when it is right)."""
    hit = {h.detector for h in decision.hits}
    out = [f"missing hit {d}" for d in case.must if d not in hit]
    out += [f"unexpected hit {d}" for d in case.must_not if d in hit]
    for detector, wanted in case.evidence.items():
        found = [h.evidence for h in decision.hits if h.detector == detector]
        if found and not any(all(_matches(ev.get(k), v) for k, v in wanted.items())
                             for ev in found):
            out.append(f"{detector} evidence {dict(wanted)} not in {found}")
    rank = _RANK[decision.action]
    if case.action_at_least and rank < _RANK[case.action_at_least]:
        out.append(f"action {decision.action} below {case.action_at_least}")
    if case.action_at_most and rank > _RANK[case.action_at_most]:
        out.append(f"action {decision.action} above {case.action_at_most}")
    if case.attack_types and decision.attack_type not in case.attack_types:
        out.append(f"attack type {decision.attack_type}, expected "
                   f"{' or '.join(case.attack_types)}")
    return out


def describe(decision: Decision) -> str:
    lines = [f"verdict: {decision.action} {decision.attack_type} score={decision.score:.3f}"]
    lines += [f"  {h.detector:22} {h.score:.3f} {h.attack_type:20} {h.evidence}"
              for h in decision.hits]
    return "\n".join(lines)


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_golden_case(case: Case, history: History, cascade: Cascade) -> None:
    decision = verdict(case, history, cascade)
    wrong = problems(case, decision)
    assert not wrong, (f"{case.name}: {case.why}\n" + "\n".join(f"- {p}" for p in wrong)
                       + "\n" + describe(decision))


def test_suite_is_large_and_covers_every_class() -> None:
    per_class = Counter(c.cls for c in CASES)
    assert len(CASES) >= MIN_CASES
    assert per_class["ham"] >= MIN_HAM
    thin = {k: per_class[k] for k in CLASSES - {"ham"} if per_class[k] < MIN_PER_ATTACK_CLASS}
    assert not thin, f"attack classes with too few cases: {thin}"
    guards = [c.name for c in CASES if c.cls == "ham" and not c.must_not]
    assert not guards, f"ham cases that guard against nothing: {guards}"


def test_cases_are_dated_after_the_history(history: History) -> None:
    last = max(r.received_at for r in history.records)
    early = [c.name for c in CASES if parse(c.eml).received_at <= last]
    assert not early


def test_history_taught_the_tenant(history: History) -> None:
    """The fixture the cases rely on: own domain, trusted domains and internal people."""
    tenant: Any = None
    people: set[str] = set()
    for key, value in history.store.items():
        kind, tenant_id, parts = split_key(key) if not key.startswith(b"\x00") else \
            (b"", "", [])
        if tenant_id != TENANT:
            continue
        if KIND_NAMES.get(kind) == "tenant":
            tenant = decode(kind, value)
        elif KIND_NAMES.get(kind) == "person":
            people.add(parts[0])
    assert tenant is not None
    assert "northwind-traders.com" in tenant.own_domains
    assert {"contoso-supplies.com", "blueharbor-logistics.com", "hartleyfinch.co.uk",
            "harboursidebank.co.uk", "kessler-verpackung.de"} <= set(tenant.known_domains)
    assert {name_key(n) for n in ("Margaret Oyelaran", "Daniel Kowalczyk", "James O'Connor",
                                  "Sofia Marquez", "Tom Hendricks", "Aisha Bello")} <= people
    # Its outbound mail is English, French (Sofia to Boulangerie Marchand) and German (Felix
    # to Kessler Verpackung): the languages a stranger's warning is judged against.
    assert sorted(tenant.languages) == ["de", "en", "fr"]


def test_history_is_ordinary_mail(history: History) -> None:
    """Nothing in the history is an attack, so nothing in it may be quarantined.

    Judgement calls are left out here; where they matter, a case states the expectation.
    """
    flagged = [f"{name}\n{describe(d)}"
               for name, d in zip(history.names, history.decisions, strict=True)
               if _RANK[d.action] > _RANK["warn"] and name not in HISTORY_JUDGEMENT_CALLS]
    assert not flagged, "\n".join(flagged)

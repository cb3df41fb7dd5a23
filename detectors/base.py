"""What every detector plugin is: a name, a validated config, and ``detect(context) -> hits``.

A detector family lives in one file under ``detectors/rules/``. Its weights and thresholds
come from the scores file (``detectors/scores.json``), apart from the code, so a security team
can tune them without a release; a detector whose config is invalid refuses to start and says
why (:class:`~detectors.errors.DetectorConfigError`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from operator import itemgetter
from typing import Any, ClassVar, Final, Generic, Protocol, TypeVar

from detectors.errors import DetectorConfigError
from detectors.features import ContentFeatures
from schemas.records import Hit, MailRecord
from state import MessageFacts, StateSnapshot, TenantProfile

# A recipient view (``state.RecipientView``) is the tuple (address, profile, pair, reverse).
_PAIR, _REVERSE = itemgetter(2), itemgetter(3)


@dataclass(slots=True)
class Context:
    """Everything a detector may read about one message, as known *before* the message.

    Read-only by contract; not ``frozen``, whose ``__init__`` costs ~4x as much for one
    object per message (see :class:`detectors.features.ContentFeatures`).
    """

    record: MailRecord
    facts: MessageFacts
    state: StateSnapshot
    content: ContentFeatures
    _first_contact: bool | None = field(default=None, repr=False, compare=False)

    @property
    def inbound(self) -> bool:
        """Mail from outside the tenant."""
        return self.record.direction == "inbound"

    @property
    def sender_known(self) -> bool:
        """The tenant has seen this sender address before."""
        return self.state.sender is not None

    @property
    def first_contact(self) -> bool:
        """No recipient has exchanged mail with this sender before.

        Computed once per message: several detectors ask, and a message can have hundreds
        of recipients (Enron's largest has 491).
        """
        first = self._first_contact
        if first is None:
            rcpts = self.state.recipients
            # ``all(r.first_contact for r in rcpts)`` at C speed: a view's pair and reverse
            # are profile objects (always true) or None, so two ``any`` over them say it.
            first = self._first_contact = not (any(map(_PAIR, rcpts))
                                               or any(map(_REVERSE, rcpts))) if rcpts \
                else self.state.sender is None
        return first

    @property
    def answered(self) -> bool:
        """A recipient has written to this sender: a correspondent, the tenant's trust."""
        return any(map(_REVERSE, self.state.recipients))

    def sender_count(self) -> float:
        """How many messages the sender sent before (decayed)."""
        s = self.state.sender
        if s is None:
            return 0.0
        return self.state.decayed(s.count, s.ref, self.record.received_at)


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Base config: every detector can be switched off and scaled."""

    enabled: bool = True
    weight: float = 1.0

    def validate(self) -> None:
        """Raise ValueError naming the bad field."""
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError(f"weight must be within [0, 1], got {self.weight}")


@dataclass(frozen=True, slots=True)
class ScoredConfig(DetectorConfig):
    """A detector whose hits carry one configured score (a subclass sets its default)."""

    score: float = 0.9

    def validate(self) -> None:
        DetectorConfig.validate(self)
        if not 0.0 <= self.score <= 1.0:
            raise ValueError("score must be within [0, 1]")


class Detector(Protocol):
    """A detector plugin.

    A plugin may also declare ``directions: ClassVar[frozenset[str]]``, the message
    directions it can hit at all (absent: every direction). The cascade does not call it for
    the others: about half of a tenant's mail is internal or outbound, and eleven detectors
    that only judge inbound mail cost a call each to say so. And ``late: ClassVar[bool]``:
    True for a detector too dear to run on every message that only ever corroborates a model
    warning; the cascade runs it then and only then (``Cascade.late_hit``), after the models.
    """

    name: ClassVar[str]

    def detect(self, ctx: Context) -> list[Hit]:
        """The hits for one message (empty when nothing is found)."""
        ...


@dataclass(frozen=True, slots=True)
class LateConfig(ScoredConfig):
    """A late rule's one score: below ``SUSPICIOUS``, what corroborating a warning needs."""

    score: float = 0.45


class InboundRule:
    """What the rules of one configured score on inbound mail share.

    A subclass names itself and says what it finds; its scores-file section takes
    ``enabled``, ``weight`` and ``score`` (``config_type``'s default: 0.9, decisive where
    ``combine.decisive`` names the rule).
    """

    name: ClassVar[str]
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})
    config_type: ClassVar[type[ScoredConfig]] = ScoredConfig

    def __init__(self, config: dict | None = None) -> None:
        self.config: ScoredConfig = build_config(self.config_type, self.name, config)

    @property
    def score(self) -> float:
        """The score of this rule's hits."""
        return self.config.score * self.config.weight


class LateRule(InboundRule):
    """What the late tier's rules share (``Cascade.late_hit``): inbound mail, one score.

    A late rule runs only on a model warning that no tier-2 hit corroborates, never acts
    alone (``combine.corroborating`` names it), and is no model input.
    """

    late: ClassVar[bool] = True
    config_type: ClassVar[type[ScoredConfig]] = LateConfig


def build_config(cls: type[DetectorConfig], detector: str,
                 raw: Mapping[str, Any] | None) -> Any:
    """Build and validate a detector's config from its scores-file section."""
    raw = dict(raw or {})
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise DetectorConfigError(detector, f"unknown setting(s) {unknown}; known: "
                                  f"{sorted(known)}")
    # A JSON list reaches a tuple setting as a list: the frozen config holds it as a tuple.
    tuples = {f.name for f in fields(cls) if isinstance(f.default, tuple)}
    raw.update({k: tuple(v) for k, v in raw.items() if k in tuples and isinstance(v, list)})
    try:
        config = cls(**raw)
        config.validate()
    except (TypeError, ValueError) as exc:
        raise DetectorConfigError(detector, str(exc)) from None
    return config


MAX_SUBJECT_CHARS: Final = 256
"""Subject characters a rule's pattern reads: kits put the lure at once, and a pattern's cost
grows with the text (a crafted 100,000-character subject would cost milliseconds a rule).
The subject's counterpart of ``names.MAX_NAME_CHARS``."""
_LIST_PRECEDENCE: Final = frozenset({"bulk", "list", "junk"})


def list_mail(record: MailRecord) -> bool:
    """Mail of a mailing list or a bulk sender.

    ``List-Id``, ``List-Unsubscribe`` or ``Precedence: bulk``: written to many, it names its
    own business's addresses.
    """
    headers = record.headers
    return ("list-id" in headers or "list-unsubscribe" in headers
            or headers.get("precedence", "").strip().lower() in _LIST_PRECEDENCE)


def content_attack(ctx: Context) -> str:
    """What a message is by its own content, for a rule that holds it whatever it says.

    For rules whose evidence is about the sender or the header (a blocked or flagged sender,
    a malformed From), not about what kind of attack the message carries. A link outside the
    sender's domain to a sign-in or verification path (``UrlRisk.credential_path``) names a
    credential lure as its words do: a kit that says nothing but "see attached" or "click
    here" still lands on a login form, and remediation treats credential phishing apart
    (who clicked, whose password to reset).
    """
    cues = ctx.content.cues
    if cues.credential:
        return "credential_phishing"
    if cues.malware_lure or ctx.content.attachments.score >= 0.5:
        return "malware"
    if ctx.content.urls.credential_path:
        return "credential_phishing"
    if cues.bank_change or cues.payment:
        return "invoice_fraud"
    if cues.scam:
        return "scam"
    return "spam"


def hit(detector: str, score: float, attack_type: str, **evidence: Any) -> Hit:
    """A hit with its score clipped into [0, 1] (NaN becomes 0)."""
    if not 0.0 <= score <= 1.0:  # a chained comparison: min(max()) cost 0.2 µs a hit
        score = min(1.0, max(0.0, score))
    return Hit(detector, score, evidence, attack_type)


_T = TypeVar("_T")


class PerTenantProfile(Generic[_T]):
    """A value derived from a tenant profile, computed once per profile value.

    A tenant profile object is replaced (never mutated) when it changes, so its identity keys
    the cache; the profile is kept alongside so its id cannot be reused. Detectors read the
    tenant's sets (trusted domains, blocked senders) for every message and the profile
    changes rarely, so each set is built once, and a caller that indexes a set by identity
    (``lookalike()``) is handed the same object each time.
    """

    def __init__(self, derive: Callable[[TenantProfile], _T]) -> None:
        self._derive = derive
        self._cache: dict[int, tuple[TenantProfile, _T]] = {}

    def __call__(self, tenant: TenantProfile) -> _T:
        cached = self._cache.get(id(tenant))
        if cached is not None and cached[0] is tenant:
            return cached[1]
        if len(self._cache) > 4096:
            self._cache.clear()
        value = self._derive(tenant)
        self._cache[id(tenant)] = (tenant, value)
        return value

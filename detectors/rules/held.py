"""Campaign memory: a stranger's near-copy of mail this tenant already held.

Unlike the other rules it runs after the models, over a partition's whole batch in order: what
it remembers is the cascade's final decisions, and those exist only once the batch is scored.
Each held inbound message is filed in the state under the bands of its content fingerprint
(``detectors.fingerprint``; ``PartitionState.remember_held``); each stranger's message the
cascade did not hold is looked up by its own bands and checked against what it finds. Going in
order, with the memory written as the batch goes, a message sees every message held before it
whichever batch it was in, so where batches are cut changes no verdict.

Strangers only (no recipient has exchanged mail with the sender and the tenant has not had
``established_deliveries`` of its messages delivered, or none of the sender's mail was ever
delivered): a colleague's reply quoting a held message, a known correspondent's newsletter,
or the next envelope of a signing service the tenant uses, is not a resend of an attack. And
a near-copy, not a shared subject: ``campaign_wave`` counts subjects. A release of held mail
makes the memory forget it (``PartitionState.forget_held``, from a ``released_message``
directory entry).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from detectors.base import Context, DetectorConfig, build_config, hit
from detectors.fingerprint import BAND_CHARS, bands, fingerprints, similarity
from schemas.records import HELD_ACTIONS, DirectoryEntry, Hit
from state import PartitionState
from state.behaviour import held_keys
from state.profiles import HELD_CONTENT_WINDOW, HeldContentProfile

if TYPE_CHECKING:
    from detectors.cascade import Assessment, Decision

_NONE: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class HeldCampaignConfig(DetectorConfig):
    """How alike a message must be to held mail to be the same campaign."""

    min_similarity: float = 0.6
    score: float = 0.95
    established_deliveries: float = 10.0
    """A first contact from a sender the tenant has had this many messages of delivered
    (decayed counts) is no stranger to the memory."""

    def validate(self) -> None:
        DetectorConfig.validate(self)
        if not 0.0 < self.min_similarity <= 1.0:
            raise ValueError(f"min_similarity must be in (0, 1], got {self.min_similarity}")
        if not self.established_deliveries >= 1.0:
            raise ValueError("established_deliveries must be at least 1, got "
                             f"{self.established_deliveries}")


class HeldCampaign:
    """Holds a stranger's near-copy of held mail, naming the held message it copies."""

    name: ClassVar[str] = "held_campaign"
    directions: ClassVar[frozenset[str]] = frozenset({"inbound"})

    def __init__(self, config: dict | None = None) -> None:
        self.config: HeldCampaignConfig = build_config(HeldCampaignConfig, self.name, config)

    def recall(self, state: PartitionState, assessments: Sequence[Assessment],
               decisions: list[Decision], decide: Callable[[Assessment], Decision]) -> None:
        """Check and remember one partition's scored batch, in order.

        A stranger's message found to copy held mail gets this rule's hit and is decided
        again (``decide``: the scores file makes the hit decisive, and the tenant's policy
        still applies); ``decisions`` is updated in place. Every held inbound message is
        remembered, including those held here.
        """
        # Fingerprints and one multi-get for every message that may need them; the ordered
        # pass below then decides with the verdicts of the batch's earlier messages.
        first = {i: self._first_contact(a) for i, a in enumerate(assessments)
                 if a.record.direction == "inbound" and decisions[i].action not in HELD_ACTIONS}
        todo = [i for i, a in enumerate(assessments) if a.record.direction == "inbound"
                and (decisions[i].action in HELD_ACTIONS or first[i]
                     or self._never_delivered(a, _NONE))]
        if not todo:
            return
        found = fingerprints([(assessments[i].record.subject, assessments[i].record.text)
                              for i in todo])
        filed = {i: (fp[0], held_keys(assessments[i].record.tenant_id, fp[1], BAND_CHARS))
                 for i, fp in zip(todo, found, strict=True) if fp is not None}
        state.prefetch([key for i, (_, keys) in filed.items()
                        if decisions[i].action not in HELD_ACTIONS for key in keys])
        # (tenant, sender) -> times of the sender's mail delivered so far in this batch
        delivered: dict[tuple[str, str], list[float]] = {}
        for i, a in enumerate(assessments):
            record = a.record
            entry = filed.get(i)
            if entry is not None:
                sig, keys = entry
                origin = ""
                if decisions[i].action not in HELD_ACTIONS and (
                        (first[i] and not self._established(a, delivered))
                        or self._never_delivered(a, delivered)):
                    source, copied = self._match(sig, state.held_content(keys,
                                                                         record.received_at))
                    if copied is not None and source is not None:
                        a.hits.append(copied)
                        decisions[i] = decide(a)
                        origin = source.origin
                if decisions[i].action in HELD_ACTIONS:
                    state.remember_held(keys, t=record.received_at,
                                        attack_type=decisions[i].attack_type,
                                        message_id=record.message_id, signature=sig,
                                        origin=origin)
            if decisions[i].action not in HELD_ACTIONS:
                delivered.setdefault((record.tenant_id, record.sender.address), []).append(
                    record.received_at)

    @staticmethod
    def _first_contact(a: Assessment) -> bool:
        """No recipient has exchanged mail with the sender."""
        return Context(a.record, a.facts, a.snapshot, a.content).first_contact

    def _established(self, a: Assessment,
                     delivered: Mapping[tuple[str, str], list[float]]) -> bool:
        """The tenant has had ``established_deliveries`` of the sender's messages delivered.

        A service the tenant uses (DocuSign's envelopes, a bank's notices) writes to each
        recipient for the first time, so to that recipient it is a first contact; but its mail
        is one template, and once a copy of it was held wrongly, every later envelope to a
        new recipient was a stranger's near-copy of held mail: in the synthetic test
        organisations one quarantined DocuSign envelope held 15 more (20 of 38,893 ham
        held by the full cascade, 4 without the memory).

        The sender profile's verdict counts, decayed to this message's time, as of earlier
        batches; the batch's own deliveries (``delivered``) are added with the weight the
        profile will give them, so where batches are cut changes no verdict.
        """
        snapshot, t = a.snapshot, a.record.received_at
        count = 0.0
        sender = snapshot.sender
        if sender is not None:
            verdicts = sender.verdicts
            count = snapshot.decayed(verdicts.get("allow", 0.0) + verdicts.get("warn", 0.0),
                                     sender.ref, t)
        needed = self.config.established_deliveries
        half_life = snapshot.decay.half_life
        # Latest first, stopping once enough: a blast to the whole tenant in one batch reads
        # about ``needed`` times per message, not every earlier delivery.
        for seen in reversed(delivered.get((a.record.tenant_id, a.record.sender.address), ())):
            if count >= needed:
                break
            count += 2.0 ** (min(0.0, seen - t) / half_life) if half_life > 0 else 1.0
        return count >= needed

    @staticmethod
    def _never_delivered(a: Assessment, delivered: Container[tuple[str, str]]) -> bool:
        """None of the sender's mail was delivered (given allow or warn).

        By the sender profile's verdict counts; this batch's earlier messages are not in
        them yet, ``delivered`` holds those.
        """
        sender = a.snapshot.sender
        if sender is not None and (sender.verdicts.get("allow") or sender.verdicts.get("warn")):
            return False
        return (a.record.tenant_id, a.record.sender.address) not in delivered

    @staticmethod
    def file_report(state: PartitionState, entry: DirectoryEntry) -> None:
        """File a ``reported_message`` directory entry as if its message had been held.

        An analyst confirmed the message as an attack (it may have been delivered: a user
        reported it): strangers' near-copies are held from now on, naming it, until the
        entry's ``expires_at``.
        """
        signature = bytes.fromhex(entry.fingerprint)
        state.remember_held(held_keys(entry.tenant_id, "".join(bands(signature)), BAND_CHARS),
                            t=entry.expires_at - HELD_CONTENT_WINDOW,
                            attack_type=entry.attack_type, message_id=entry.message_id,
                            signature=signature)

    def _match(self, signature: bytes, candidates: Sequence[HeldContentProfile]
               ) -> tuple[HeldContentProfile | None, Hit | None]:
        """The most similar candidate and this rule's hit for it, if similar enough."""
        best, source = 0.0, None
        seen: set[str] = set()
        for held in candidates:  # one held message is filed under several of these bands
            if held.message_id in seen:
                continue
            seen.add(held.message_id)
            s = similarity(signature, held.signature)
            if s > best:
                best, source = s, held
        c = self.config
        if source is None or best < c.min_similarity:
            return None, None
        return source, hit(self.name, c.score * c.weight, source.attack_type,
                           similarity=round(best, 3), held_message_id=source.message_id,
                           held_at=source.last_seen)

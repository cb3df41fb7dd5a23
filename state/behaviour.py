"""Per-partition behavioural state: what the detectors read and what each message changes.

:class:`PartitionState` sits between the engine and one :class:`~state.store.Store`. It keeps
decoded profiles in a bounded cache (most keys of a mail stream repeat: 81% of Enron messages
reuse a known pair) and the batch's changes in an overlay, so:

* the batch's keys are fetched with one multi-get (:meth:`prefetch`);
* the 2nd message of a new sender sees the 1st (read-your-writes inside the batch);
* :meth:`changes` encodes each changed key once per batch (its last value);
* :meth:`commit` writes them with the partition's offsets in one atomic write, and
  :meth:`rollback` forgets them when the batch could not be delivered.

The state layer never parses content: the engine hands it :class:`MessageFacts` (registrable
sender domain, normalised display name, link domains…) computed by the detectors' feature step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, cast

from schemas.records import DirectoryEntry, MailRecord
from state.profiles import (
    KIND_CAMPAIGN,
    KIND_DOMAIN,
    KIND_PAIR,
    KIND_PERSON,
    KIND_RECIPIENT,
    KIND_SENDER,
    KIND_TENANT,
    NO_DECAY,
    CampaignProfile,
    Decay,
    DomainProfile,
    PairProfile,
    PersonProfile,
    Profile,
    RecipientProfile,
    SenderProfile,
    TenantProfile,
    count_verdict,
    decode,
    encode,
    make_key,
    network_of,
    observe_campaign,
    observe_domain,
    observe_pair,
    observe_recipient,
    observe_sender,
    observe_verdict,
)
from state.store import META_CHANGELOG_OFFSET, META_NEXT_OFFSET, Store

MAX_KNOWN_DOMAINS: Final = 2000
MAX_OWN_DOMAINS: Final = 64
MAX_PERSON_ADDRESSES: Final = 8

_ABSENT: Final = object()


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What the state needs to know about a message beyond its envelope.

    Computed once per message by the detectors' feature step (``detectors.features``), so the
    state layer stays free of content parsing.
    """

    sender_domain: str
    display_key: str
    person_like: bool
    reply_to_domain: str
    return_path_domain: str
    link_domains: tuple[str, ...]
    attachment_types: tuple[str, ...]
    payment_language: bool
    recipient_domains: tuple[str, ...]
    lookalike_of: str = ""
    subject_key: str = ""


@dataclass(frozen=True, slots=True)
class MessageKeys:
    """The state keys of one message, built once and shared by prefetch, read and write."""

    sender: bytes
    tenant: bytes
    domain: bytes | None
    person: bytes | None
    campaign: bytes | None
    recipients: tuple[tuple[str, bytes, bytes, bytes], ...]  # (address, mailbox, pair, reverse)
    recipient_domains: tuple[bytes, ...]

    def all(self) -> list[bytes]:
        """Every key, for one multi-get."""
        out = [self.sender, self.tenant, *self.recipient_domains]
        for key in (self.domain, self.person, self.campaign):
            if key is not None:
                out.append(key)
        for _, rkey, pkey, revkey in self.recipients:
            out += (rkey, pkey, revkey)
        return out


@dataclass(frozen=True, slots=True)
class RecipientView:
    """One recipient as seen before the message: its mailbox profile and both pair directions."""

    address: str
    profile: RecipientProfile | None
    pair: PairProfile | None
    reverse: PairProfile | None

    @property
    def first_contact(self) -> bool:
        """Neither side has written to the other before."""
        return self.pair is None and self.reverse is None


@dataclass(frozen=True, slots=True)
class StateSnapshot:
    """Everything known about a message's participants *before* the message."""

    sender: SenderProfile | None
    domain: DomainProfile | None
    tenant: TenantProfile
    person: PersonProfile | None
    recipients: tuple[RecipientView, ...]
    decay: Decay = field(default=NO_DECAY)
    campaign: CampaignProfile | None = None
    keys: MessageKeys | None = None

    def decayed(self, value: float, ref: float, t: float) -> float:
        """A scaled counter's value at time ``t`` (see ``state.profiles``)."""
        return value / self.decay.weight(t, ref)


@dataclass(slots=True)
class _Cache:
    """Decoded committed profiles, bounded by entry count (FIFO eviction of the older half)."""

    capacity: int
    entries: dict[bytes, Any] = field(default_factory=dict)

    def get(self, key: bytes) -> Any:
        return self.entries.get(key, _ABSENT)

    def put(self, key: bytes, value: Any) -> None:
        entries = self.entries
        entries[key] = value
        if len(entries) > self.capacity:
            # Dicts keep insertion order: drop the oldest half in one pass, amortised O(1).
            for k in list(entries)[: len(entries) // 2]:
                del entries[k]


class PartitionState:
    """Behavioural state of one input partition (all of its tenants)."""

    def __init__(self, store: Store, *, decay: Decay = NO_DECAY,
                 cache_entries: int = 100_000) -> None:
        self.store = store
        self.decay = decay
        self._cache = _Cache(cache_entries)
        self._dirty: dict[bytes, Profile] = {}
        self._pending_changelog: dict[bytes, bytes | None] = {}

    # ------------------------------------------------------------------ reads

    @property
    def next_offset(self) -> int | None:
        """The first input offset whose effects are not in this state."""
        return self.store.get_meta(META_NEXT_OFFSET)

    @property
    def changelog_offset(self) -> int | None:
        """The last changelog offset whose record is applied here."""
        return self.store.get_meta(META_CHANGELOG_OFFSET)

    def _get(self, key: bytes) -> Any:
        value = self._dirty.get(key, _ABSENT)
        if value is not _ABSENT:
            return value
        value = self._cache.get(key)
        if value is not _ABSENT:
            return value
        raw = self.store.get_many([key])[0]
        value = None if raw is None else decode(key[:1], raw)
        self._cache.put(key, value)
        return value

    def prefetch(self, keys: Iterable[bytes]) -> None:
        """Load every key not yet cached with one multi-get."""
        dirty, entries = self._dirty, self._cache.entries
        missing = list({k for k in keys if k not in dirty and k not in entries})
        if not missing:
            return
        for key, raw in zip(missing, self.store.get_many(missing), strict=True):
            self._cache.put(key, None if raw is None else decode(key[:1], raw))

    @staticmethod
    def keys_for(record: MailRecord, facts: MessageFacts) -> MessageKeys:
        """Every key reading or observing ``record`` touches, built once per message."""
        tenant, sender = record.tenant_id, record.sender.address
        return MessageKeys(
            sender=make_key(KIND_SENDER, tenant, sender),
            tenant=make_key(KIND_TENANT, tenant, ""),
            domain=make_key(KIND_DOMAIN, tenant, facts.sender_domain)
            if facts.sender_domain else None,
            person=make_key(KIND_PERSON, tenant, facts.display_key)
            if facts.display_key else None,
            campaign=make_key(KIND_CAMPAIGN, tenant, facts.subject_key)
            if facts.subject_key else None,
            recipients=tuple(
                (rcpt, make_key(KIND_RECIPIENT, tenant, rcpt),
                 make_key(KIND_PAIR, tenant, sender, rcpt),
                 make_key(KIND_PAIR, tenant, rcpt, sender))
                for rcpt in record.recipients),
            recipient_domains=tuple(make_key(KIND_DOMAIN, tenant, d)
                                    for d in facts.recipient_domains),
        )

    def snapshot(self, record: MailRecord, facts: MessageFacts,
                 keys: MessageKeys | None = None) -> StateSnapshot:
        """The participants' profiles as they were before ``record``.

        Profiles idle for longer than the decay's ``idle_expiry`` read as absent.
        """
        k = keys or self.keys_for(record, facts)
        t = record.received_at
        get = self._get
        expiry = self.decay.idle_expiry

        def live(p: Any) -> Any:
            if expiry > 0.0 and p is not None and t - p.last_seen > expiry:
                return None
            return p

        recipients = tuple(
            RecipientView(rcpt, live(get(rkey)), live(get(pkey)), live(get(revkey)))
            for rcpt, rkey, pkey, revkey in k.recipients
        )
        return StateSnapshot(
            sender=live(get(k.sender)),
            domain=live(get(k.domain)) if k.domain else None,
            tenant=get(k.tenant) or TenantProfile(),
            person=get(k.person) if k.person else None,
            recipients=recipients,
            decay=self.decay,
            campaign=get(k.campaign) if k.campaign else None,
            keys=k,
        )

    # ------------------------------------------------------------------ writes

    def _set(self, key: bytes, profile: Profile) -> None:
        self._dirty[key] = profile

    def observe(self, record: MailRecord, facts: MessageFacts, before: StateSnapshot, *,
                learn: bool = True) -> None:
        """Apply ``record`` to every profile it touches (its verdict comes later).

        ``learn=False`` marks a message the heuristics found suspicious: it is counted, but it
        creates no relationship and teaches the sender's baseline nothing.
        """
        sender, t = record.sender.address, record.received_at
        k = before.keys or self.keys_for(record, facts)
        decay = self.decay
        inbound = record.direction == "inbound"
        in_thread = bool(record.in_reply_to)
        new_recipients = 0
        for view, (_, rkey, pkey, _) in zip(before.recipients, k.recipients, strict=True):
            if view.pair is None:
                new_recipients += 1
            if learn:
                self._set(pkey, observe_pair(view.pair, t=t, in_thread=in_thread))
            if record.direction != "outbound":  # recipients are the tenant's own mailboxes
                self._set(rkey, observe_recipient(
                    view.profile, t=t, sender=sender, external=inbound,
                    first_contact=view.first_contact, decay=decay))
        a = record.auth
        self._set(k.sender, observe_sender(
            before.sender, t=t, display_name=record.sender.name,
            reply_to_domain=facts.reply_to_domain, return_path_domain=facts.return_path_domain,
            auth=(a.spf, a.dkim, a.dmarc), network=network_of(record.client_ip),
            link_domains=facts.link_domains, attachment_types=facts.attachment_types,
            new_recipients=new_recipients, fanout=len(before.recipients), decay=decay,
            learn=learn))
        if k.campaign and inbound and before.sender is None:
            self._set(k.campaign, observe_campaign(before.campaign, t=t,
                                                   sender_domain=facts.sender_domain))
        if k.domain and inbound:
            self._set(k.domain, observe_domain(
                before.domain, t=t, new_sender=before.sender is None, outbound=0,
                payment_thread=facts.payment_language and (in_thread or (
                    before.domain is not None and before.domain.outbound > 0)),
                lookalike_of=facts.lookalike_of, decay=decay))
        if not inbound:
            self._observe_tenant_side(record, facts, before)

    def _observe_tenant_side(self, record: MailRecord, facts: MessageFacts,
                             before: StateSnapshot) -> None:
        """Outbound/internal mail teaches who the tenant is and whom it trusts."""
        tenant, t = record.tenant_id, record.received_at
        profile = before.tenant
        own = set(profile.own_domains)
        changed = False
        if facts.sender_domain and facts.sender_domain not in own and \
                len(own) < MAX_OWN_DOMAINS:
            profile = profile.copy()
            profile.own_domains.append(facts.sender_domain)
            own.add(facts.sender_domain)
            changed = True
        if record.direction == "outbound":
            known = set(profile.known_domains)
            payment = facts.payment_language
            for domain in facts.recipient_domains:
                if domain in own:
                    continue
                key = make_key(KIND_DOMAIN, tenant, domain)
                self._set(key, observe_domain(
                    cast(DomainProfile | None, self._get(key)), t=t, new_sender=False,
                    outbound=1, payment_thread=payment, lookalike_of="", decay=self.decay))
                if domain not in known and len(known) < MAX_KNOWN_DOMAINS:
                    if not changed:
                        profile = profile.copy()
                        changed = True
                    profile.known_domains.append(domain)
                    known.add(domain)
        if changed:
            self._set(make_key(KIND_TENANT, tenant, ""), profile)
        if facts.display_key and facts.person_like:
            person = before.person
            address = record.sender.address
            if person is None or address not in person.addresses:
                person = PersonProfile(display_name=record.sender.name) if person is None \
                    else person.copy()
                if len(person.addresses) < MAX_PERSON_ADDRESSES:
                    person.addresses.append(address)
                self._set(make_key(KIND_PERSON, tenant, facts.display_key), person)

    def observe_verdict(self, record: MailRecord, action: str) -> None:
        """Count ``action`` on the sender's profile (after the batch's models ran).

        The sender's profile is already this batch's own copy (``observe`` made it), and no
        reader looks at verdict counts, so it is counted in place instead of copied again.
        """
        key = make_key(KIND_SENDER, record.tenant_id, record.sender.address)
        profile = self._dirty.get(key)
        if profile is not None:
            count_verdict(cast(SenderProfile, profile), t=record.received_at, action=action,
                          decay=self.decay)
        elif (stored := self._get(key)) is not None:
            self._set(key, observe_verdict(stored, t=record.received_at, action=action,
                                           decay=self.decay))

    def apply_directory(self, entry: DirectoryEntry, *, display_key: str, domain: str) -> None:
        """Upsert a directory entry as part of this batch (idempotent).

        ``display_key`` is the normalised name of a person; ``domain`` the registrable domain
        of the person's address or of the vendor.
        """
        tenant = entry.tenant_id
        tkey = make_key(KIND_TENANT, tenant, "")
        profile = cast(TenantProfile | None, self._get(tkey)) or TenantProfile()
        if entry.kind == "person":
            key = make_key(KIND_PERSON, tenant, display_key)
            person = cast(PersonProfile | None, self._get(key))
            person = PersonProfile() if person is None else person.copy()
            if entry.address not in person.addresses and \
                    len(person.addresses) < MAX_PERSON_ADDRESSES:
                person.addresses.append(entry.address)
            person.display_name = entry.display_name
            person.vip = entry.vip
            person.title = entry.title
            self._set(key, person)
            if domain and domain not in profile.own_domains and \
                    len(profile.own_domains) < MAX_OWN_DOMAINS:
                profile = profile.copy()
                profile.own_domains.append(domain)
                self._set(tkey, profile)
        elif domain:
            dkey = make_key(KIND_DOMAIN, tenant, domain)
            current = cast(DomainProfile | None, self._get(dkey))
            if current is None or not current.known_vendor:
                vendor = DomainProfile(ref=0.0, first_seen=0.0, last_seen=0.0) \
                    if current is None else current.copy()
                vendor.payment_threads = max(1, vendor.payment_threads)
                self._set(dkey, vendor)
            if domain not in profile.known_domains and \
                    len(profile.known_domains) < MAX_KNOWN_DOMAINS:
                profile = profile.copy()
                profile.known_domains.append(domain)
                self._set(tkey, profile)

    # ------------------------------------------------------------------ batch end

    def changes(self) -> dict[bytes, bytes | None]:
        """The batch's changed keys with their encoded last values (for changelog and store)."""
        # Repairs first: a key this batch changed must carry its new value, not the restored one.
        out: dict[bytes, bytes | None] = dict(self._pending_changelog)
        out.update((k, encode(v)) for k, v in self._dirty.items())
        return out

    def add_repair(self, keys: Iterable[bytes]) -> None:
        """Re-publish these keys' current values with the next batch.

        Used after a restore found an incomplete tail of changelog records (a batch that died
        mid-produce): republishing the restored values supersedes those orphans, so a later
        restore from a compacted changelog cannot pick them up.
        """
        for key in keys:
            if key in self._dirty:
                continue
            raw = self.store.get_many([key])[0]
            self._pending_changelog[key] = raw

    def commit(self, changes: Mapping[bytes, bytes | None], next_offset: int,
               changelog_offset: int | None) -> None:
        """Step 3 of the commit protocol: changes and offsets in one atomic store write."""
        meta = {META_NEXT_OFFSET: next_offset}
        if changelog_offset is not None:
            meta[META_CHANGELOG_OFFSET] = changelog_offset
        self.store.write(changes, meta)
        for key, profile in self._dirty.items():
            self._cache.put(key, profile)
        self._dirty.clear()
        self._pending_changelog.clear()

    def rollback(self) -> None:
        """Forget the batch's changes (it was not delivered; it will be processed again)."""
        self._dirty.clear()

    def apply_restored(self, records: Mapping[bytes, bytes | None],
                       meta: Mapping[bytes, int]) -> None:
        """Write restored changelog records and bookkeeping; drops the decoded cache."""
        self.store.write(records, meta)
        self._cache.entries.clear()
        self._dirty.clear()


def default_facts_fn() -> Callable[[MailRecord], MessageFacts]:
    """A minimal facts function (domain = part after @) for tests of the state layer alone."""

    def facts(record: MailRecord) -> MessageFacts:
        rdomains = sorted({a.rpartition("@")[2] for a in record.recipients} - {""})
        return MessageFacts(
            sender_domain=record.sender.domain,
            display_key=record.sender.name.strip().lower(),
            person_like=" " in record.sender.name.strip(),
            reply_to_domain=record.reply_to[0].domain if record.reply_to else "",
            return_path_domain=record.return_path.rpartition("@")[2],
            link_domains=(), attachment_types=(), payment_language=False,
            recipient_domains=tuple(rdomains) if record.direction == "outbound" else (),
        )

    return facts

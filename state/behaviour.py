"""Per-partition behavioural state: what the detectors read and what each message changes.

:class:`PartitionState` sits between the engine and one :class:`~state.store.Store`. It keeps
decoded profiles in a bounded cache (most keys of a mail stream repeat: 81% of Enron messages
reuse a known pair) with the batch's changes written over it (and their committed values kept
aside for rollback), so:

* the batch's keys are fetched with one multi-get (:meth:`prefetch`);
* the 2nd message of a new sender sees the 1st (read-your-writes inside the batch);
* :meth:`changes` encodes each changed key once per batch (its last value), and mailbox
  profiles are even updated once per batch (see :class:`_MailboxUpdates`);
* :meth:`commit` writes them with the partition's offsets in one atomic write, and
  :meth:`rollback` forgets them when the batch could not be delivered.

The state layer never parses content: the engine hands it :class:`MessageFacts` (registrable
sender domain, normalised display name, link domains…) computed by the detectors' feature step.
"""

from __future__ import annotations

import hashlib
import logging
import math
import struct
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Final, NamedTuple, cast

import orjson

from schemas.records import (
    ALL_TENANTS,
    ERASURE_KINDS,
    LANGUAGE_KINDS,
    POLICY_KINDS,
    DirectoryEntry,
    MailRecord,
)
from state.profiles import (
    HELD_CONTENT_WINDOW,
    KIND_DOMAIN,
    KIND_HELD,
    KIND_NAMES,
    KIND_PAIR,
    KIND_PERSON,
    KIND_RECIPIENT,
    KIND_SENDER,
    KIND_TENANT,
    LAYOUT_VERSION,
    NO_DECAY,
    PACKED_LAYOUTS,
    SEP,
    CampaignProfile,
    Decay,
    DomainProfile,
    HeldContentProfile,
    PairProfile,
    PersonProfile,
    Profile,
    RecipientProfile,
    SenderProfile,
    TenantProfile,
    count_recipient,
    count_verdict,
    decode,
    encode,
    expiry_rules,
    key_part,
    last_seen_of,
    make_key,
    network_of,
    observe_campaign,
    observe_domain,
    observe_sender,
    observe_verdict,
)
from state.store import (
    FIRST_PROFILE_KEY,
    META_CHANGELOG_OFFSET,
    META_ERASING,
    META_EXPIRY_CURSOR,
    META_NEXT_OFFSET,
    Store,
)

_DECODED_KINDS: Final = KIND_PAIR + KIND_RECIPIENT + KIND_SENDER  # decode_values' order

try:  # the per-recipient loops in C, built by the install (see state/_native.c)
    from state import _native
except ImportError:  # pragma: no cover - a source tree without the built module
    _native = None  # type: ignore[assignment]
_warned_pure_python = False  # the missing module is said once per process


def loops() -> str:
    """Which form runs the per-recipient loops: ``"c"`` (built at install) or ``"python"``."""
    return "python" if _native is None else "c"

MAX_KNOWN_DOMAINS: Final = 2000
MAX_OWN_DOMAINS: Final = 64
MAX_LANGUAGES: Final = 16
"""Languages a tenant's own mail teaches that the state keeps (past it, none is added)."""
MAX_BLOCKED_SENDERS: Final = 5000
"""Addresses a tenant's analysts blocked that the state keeps; past it the oldest block goes
(campaigns move to new addresses; the list is read as a set per tenant profile value)."""
MAX_BLOCKED_INDICATORS: Final = 5000
"""Link hosts, and files, a tenant's analysts blocked that the state keeps (oldest go first)."""
_INDICATOR_LISTS: Final = {"blocked_link": ("blocked_links", True),
                           "cleared_link": ("blocked_links", False),
                           "blocked_file": ("blocked_files", True),
                           "cleared_file": ("blocked_files", False)}
"""The tenant profile's list each indicator entry changes, and whether it adds or lifts."""
MAX_ALLOWED_SENDERS: Final = 5000
MAX_SIMULATIONS: Final = 64
"""Allowed senders and phishing-simulation rules a tenant profile keeps (oldest go first)."""
MAX_PERSON_ADDRESSES: Final = 8
MAX_PROFILED_RECIPIENTS: Final = 1000
"""Recipients of one message whose mailbox and pair profiles are read and updated.

Each costs three keys; an all-company list expanded by the gateway (50,000 addresses) would
otherwise read 150,000 keys in one batch. Enron's largest message has 491 recipients. The
verdict still names every recipient; those past the bound just teach the state nothing."""

ENTRY_BUDGET_BYTES: Final = 2048
"""What a cached profile may take on average: ``cache_entries`` of this is the cache's budget.

Twice the ~1 KB the sizing assumes (deploy/README.md: 0.6-1.1 KB measured; Enron's mean is
~0.6 KB, most entries pairs of ~0.3 KB), so ordinary mail always keeps ``cache_entries``.
But a sender's counters and a mailbox's correspondents hold whatever strings the mail
carried, up to ~45 KB for a sender whose messages named 64 long link domains. Every commit
measures a sample of the cache and keeps fewer entries while they are larger
(:attr:`PartitionState.cache_limit`), so crafted mail cannot make the cache forty times
what it was sized for."""

_SIZE_SAMPLE: Final = 128  # changed entries measured per commit (~1 ms)

MAX_PROFILED_ADDRESS: Final = 254
"""The longest sender address the state keys and stores as it is (SMTP's limit, RFC 5321).

The sender is part of a pair key for each recipient and of each mailbox's correspondents,
so its length is multiplied by theirs: a crafted 100,000-character From address to 200
recipients wrote 40 MB of keys and values from a 0.1 MB record, and one filling a 4 MB
record to 1,000 recipients would write gigabytes and kill the engine on every retry. A
longer one is profiled as :func:`profiled_address`; detection sees it whole (and
``malformed_from`` holds it: no DNS name or mailbox is that long)."""


def profiled_address(address: str) -> str:
    """``address``, or for one longer than :data:`MAX_PROFILED_ADDRESS`, its bounded form.

    Its first 200 characters, "#" and a digest of the whole: the same profile for the same
    address, another for any other, and within the bound itself. A key separator in it is
    replaced (:func:`~state.profiles.key_part`): it is a key part everywhere it is used.
    """
    if len(address) <= MAX_PROFILED_ADDRESS:
        return key_part(address)
    digest = hashlib.blake2b(address.encode(), digest_size=12).hexdigest()
    return key_part(f"{address[:200]}#{digest}")


EXPIRY_GRACE: Final = 2 * 86400.0
"""How much longer than its idle horizon a profile must be idle before the sweep deletes it.

The sweep judges idleness against the newest mail its partition has seen, a message against
its own time; mail up to this late still finds every profile it would have read."""

ERASE_CHUNK: Final = 50_000
"""Keys a tenant's erasure deletes per batch (see ``PartitionState.erase_tenant``)."""
_ERASE_SLICE: Final = 1024  # keys read per store scan while erasing

_ABSENT: Final = object()
_FLOAT: Final = struct.Struct("<d")


@dataclass(slots=True)
class MessageFacts:
    """What the state needs to know about a message beyond its envelope.

    Computed once per message by the detectors' feature step (``detectors.features``), so the
    state layer stays free of content parsing. Read-only by contract (``dataclasses.replace``
    makes a changed copy); not ``frozen``, whose ``__init__`` sets each of its 11 fields through
    ``object.__setattr__``: 1.3 µs a message against 0.2.
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
    language: str = ""  # of the tenant's own mail sampled to learn its languages, else ""


class MessageKeys(NamedTuple):
    """The state keys of one message, built once and shared by prefetch, read and write.

    A named tuple rather than a frozen dataclass: one is built per message, and a frozen
    dataclass's ``__init__`` (one ``object.__setattr__`` per field) costs several times more.
    """

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


def _recipient_keys(tenant: str, sender: str, recipients: tuple[str, ...], limit: int
                    ) -> tuple[tuple[str, bytes, bytes, bytes], ...]:
    """(address, mailbox key, pair key, reverse pair key) of the first ``limit`` recipients.

    The definition of the recipient part of ``_native.message_keys``, and its fallback: the
    same bytes as :func:`~state.profiles.make_key`, built from shared prefixes.
    """
    mailbox, pair = "R" + tenant + SEP, "P" + tenant + SEP
    out_pair, in_pair = pair + sender + SEP, SEP + sender
    out = []
    for rcpt in recipients[:limit]:
        part = key_part(rcpt)  # the sender is a profiled address: already one
        out.append((rcpt, (mailbox + part).encode(), (out_pair + part).encode(),
                    (pair + part + in_pair).encode()))
    return tuple(out)


def held_keys(tenant: str, bands: str, width: int) -> list[bytes]:
    """The keys ``tenant``'s campaign memory files held mail under, one per fingerprint band.

    ``bands``: the band names joined, ``width`` characters each
    (``detectors.fingerprint.fingerprints``). :func:`~state.profiles.make_key`'s bytes.
    """
    prefix = "H" + tenant + SEP
    return [(prefix + bands[i:i + width]).encode() for i in range(0, len(bands), width)]


EVERYONE_KEY: Final = make_key(KIND_TENANT, ALL_TENANTS, "")
"""Where a partition keeps the policy written for every tenant: one tenant profile under the
reserved tenant id, applied like any tenant's entries (the directory writes such an entry to
every partition), restored from the changelog like any key, never swept (tenants do not
expire). No mail record may carry that tenant id (``MailRecord`` refuses it)."""
_NO_RULES: Final = TenantProfile()  # read-only by contract, like every snapshot value


def _with_policy(profile: TenantProfile, entry: DirectoryEntry) -> TenantProfile | None:
    """``profile`` with a policy entry applied, or None when it is already so (no rewrite).

    A sender rule names an address or a domain (``DirectoryEntry`` checks it has one); its
    list keeps each value once, newest last, and drops the oldest past its bound. An allow
    given again replaces its expiry (none: it no longer expires).
    """
    kind, value = entry.kind, entry.address or entry.domain
    if kind in LANGUAGE_KINDS:  # declared: kept as learned ones are (and bounded alike)
        adding, current = kind == "tenant_language", profile.languages
        if (entry.language in current) == adding or (adding and
                                                     len(current) >= MAX_LANGUAGES):
            return None  # so already, or no room (learned or declared, none is dropped)
        updated = profile.copy()
        updated.languages = [*current, entry.language] if adding else \
            [v for v in current if v != entry.language]
        return updated
    if kind in _INDICATOR_LISTS:
        field, blocking = _INDICATOR_LISTS[kind]
        value = entry.sha256 or entry.domain
        current = getattr(profile, field)
        if (value in current) == blocking:
            return None  # listed already, or nothing to lift
        updated = profile.copy()
        setattr(updated, field, [*current, value][-MAX_BLOCKED_INDICATORS:] if blocking
                else [v for v in current if v != value])
        return updated
    if kind in ("phish_simulation", "cleared_phish_simulation"):
        rules = [r for r in profile.simulations if r[0] != entry.domain]
        if kind == "phish_simulation":
            rules = [*rules, [entry.domain, list(entry.networks), entry.expires_at]
                     ][-MAX_SIMULATIONS:]
        if rules == profile.simulations:
            return None
        updated = profile.copy()
        updated.simulations = rules
        return updated
    allowed = kind in ("allowed_sender", "cleared_allowed_sender")
    current = profile.allowed_senders if allowed else profile.blocked_senders
    if kind in ("allowed_sender", "blocked_sender"):
        listed = value in current
        if listed and (not allowed or
                       profile.allowed_until.get(value, 0.0) == entry.expires_at):
            return None  # listed already: the same state, not a rewrite
        values = current if listed else [*current, value][
            -(MAX_ALLOWED_SENDERS if allowed else MAX_BLOCKED_SENDERS):]
    else:
        if value not in current:
            return None
        values = [v for v in current if v != value]
    updated = profile.copy()
    if not allowed:
        updated.blocked_senders = values
        return updated
    updated.allowed_senders = list(values)
    kept = set(values)
    until = {v: t for v, t in profile.allowed_until.items() if v != value and v in kept}
    if kind == "allowed_sender" and entry.expires_at:
        until[value] = entry.expires_at
    updated.allowed_until = until
    return updated


def _without_address(profile: TenantProfile, address: str) -> TenantProfile | None:
    """``profile`` without ``address`` in its block and allow lists (an erasure).

    None when it is in neither (no rewrite).
    """
    if address not in profile.blocked_senders and address not in profile.allowed_senders:
        return None
    updated = profile.copy()
    updated.blocked_senders = [a for a in profile.blocked_senders if a != address]
    updated.allowed_senders = [a for a in profile.allowed_senders if a != address]
    updated.allowed_until.pop(address, None)
    return updated


def policy_of(entries: Iterable[DirectoryEntry]) -> TenantProfile:
    """The sender policy a tenant's profile holds after ``entries``, applied in order.

    The engine's own rules (``apply_directory``, erasures), for ``mailhawk policy list``,
    which reads the directory topic rather than a store; other kinds are skipped.
    """
    profile = TenantProfile()
    for entry in entries:
        if entry.kind == "erase_tenant":
            profile = TenantProfile()
        elif entry.kind == "erase_address":
            profile = _without_address(profile, entry.address) or profile
        elif entry.kind in POLICY_KINDS:
            profile = _with_policy(profile, entry) or profile
    return profile


class _MailboxUpdates:
    """A mailbox profile's observations in this batch, not yet applied.

    A message touches every recipient's mailbox profile, and its snapshot must keep showing
    the profile as it was, so applying each observation at once costs a full copy (with its
    32–64 correspondents) per recipient per message. Nothing but :attr:`RecipientView.profile`
    reads a mailbox profile, so observations are queued here instead (``_live`` holds this
    object for the key during the batch) and applied once per key per batch, on one copy.
    """

    __slots__ = ("base", "last_seen", "ops")

    def __init__(self, base: RecipientProfile | None) -> None:
        # _native.observe_recipients builds one without this method (updates_of): the same
        # three slots, the same values.
        self.base = base
        # The profile's last_seen with every queued observation applied (idle expiry needs
        # nothing else); -inf while it is None, so an absent profile never reads as expired.
        self.last_seen = -math.inf if base is None else base.last_seen
        self.ops: list[tuple[float, str, bool, bool]] = []

    def apply(self, n: int, decay: Decay) -> RecipientProfile | None:
        """The profile after the first ``n`` queued observations."""
        p, owned = self.base, False
        expiry = decay.idle_expiry or math.inf
        for t, sender, external, first_contact in self.ops[:n]:
            if p is not None and t - p.last_seen > expiry:
                p = None  # as the snapshot before that message read it: idle, absent
            if not owned and p is not None:
                p = p.copy()
            p = count_recipient(p, t, sender, external, first_contact, decay)
            owned = True
        return p


class _Deferred(NamedTuple):
    """A snapshot's mailbox profile: the first ``n`` observations of ``updates``."""

    updates: _MailboxUpdates
    n: int
    decay: Decay


class RecipientView(tuple):  # type: ignore[type-arg]
    """One recipient as seen before the message: its mailbox profile and both pair directions.

    An immutable tuple ``(address, profile, pair, reverse)``: one is built per recipient per
    message (6–8 per Enron message) and a frozen dataclass cost 8× more to build. ``profile``
    may be held deferred (see :class:`_MailboxUpdates`) and is computed when read.
    """

    __slots__ = ()

    def __new__(cls, address: str, profile: RecipientProfile | None,
                pair: PairProfile | None, reverse: PairProfile | None) -> RecipientView:
        return tuple.__new__(cls, (address, profile, pair, reverse))

    @property
    def address(self) -> str:
        """The recipient's address."""
        return cast(str, self[0])

    @property
    def profile(self) -> RecipientProfile | None:
        """The recipient's mailbox profile before the message (None: never seen or idle)."""
        p = self[1]
        if type(p) is _Deferred:
            if _native is not None:
                return _native.mailbox_profile(p.updates, p.n, p.decay, RecipientProfile)
            return p.updates.apply(p.n, p.decay)
        return cast(RecipientProfile | None, p)

    @property
    def pair(self) -> PairProfile | None:
        """Sender → this recipient before the message."""
        return cast(PairProfile | None, self[2])

    @property
    def reverse(self) -> PairProfile | None:
        """This recipient → sender (has the recipient written to the sender?)."""
        return cast(PairProfile | None, self[3])

    @property
    def first_contact(self) -> bool:
        """Neither side has written to the other before."""
        return self[2] is None and self[3] is None

    def __reduce__(self) -> tuple[type[RecipientView], tuple[Any, ...]]:
        # tuple's own reduction passes the 4 values as one argument to ``__new__``; the
        # profile is resolved here, so a copied or pickled view no longer needs the batch.
        return RecipientView, (self[0], self.profile, self[2], self[3])

    def __repr__(self) -> str:
        return (f"RecipientView(address={self.address!r}, profile={self.profile!r}, "
                f"pair={self.pair!r}, reverse={self.reverse!r})")


_new_view = tuple.__new__

_getsizeof = sys.getsizeof
_DICT_SLOT: Final = 40  # a dict entry's share of its table (hash, key, value; index; slack)


def _entry_bytes(key: bytes, value: Any) -> int:
    """The memory one cached entry holds: key, table slot and the profile's objects.

    Walks a profile's slots and the dicts, lists and tuples in them (two levels: counters,
    queued mailbox updates); shared objects are counted for each holder, an overestimate.
    """
    size = _getsizeof(key) + _DICT_SLOT
    if value is None:
        return size
    size += _getsizeof(value)
    for name in getattr(type(value), "__slots__", ()):
        item = getattr(value, name, None)
        size += _getsizeof(item)
        if isinstance(item, dict):
            for k, v in item.items():
                size += _getsizeof(k) + _getsizeof(v)
        elif isinstance(item, list | tuple):
            for v in item:
                size += _getsizeof(v)
                if isinstance(v, tuple):  # a queued update: True and False are shared
                    size += sum(_getsizeof(x) for x in v if x.__class__ is not bool)
    return size


@dataclass(slots=True)
class StateSnapshot:
    """Everything known about a message's participants *before* the message.

    Read-only by contract; not ``frozen`` for the cost of its ``__init__`` (one is built per
    message: 0.9 µs frozen, 0.2 µs not).
    """

    sender: SenderProfile | None
    domain: DomainProfile | None
    tenant: TenantProfile
    person: PersonProfile | None
    recipients: tuple[RecipientView, ...]
    decay: Decay = field(default=NO_DECAY)
    campaign: CampaignProfile | None = None
    keys: MessageKeys | None = None
    everyone: TenantProfile = field(default_factory=TenantProfile)
    """The sender policy written for every tenant (``ALL_TENANTS``), as this partition holds
    it; only its policy lists are used."""

    def decayed(self, value: float, ref: float, t: float) -> float:
        """A scaled counter's value at time ``t`` (see ``state.profiles``).

        Mail dated before the profile's reference reads the counter as of the reference,
        never more: ``value / weight`` there multiplies by 2 per half-life, so one message
        from a sender or domain, then one dated years earlier (the ``Date`` header is the
        sender's to write), read as thousands of earlier messages, an established sender
        (2**680 of them, at 30-day half-lives, for a date in 1970), or divided by a weight
        that underflowed to 0 and stopped the batch. A message minutes late (out-of-order
        delivery) reads a count higher by a fraction of a percent: no difference.
        """
        if t <= ref:
            return value
        return value / self.decay.weight(t, ref)


class PartitionState:
    """Behavioural state of one input partition (all of its tenants).

    One dict, ``_live``, holds every decoded profile this object knows: committed values
    (``None`` for keys known to be absent) overlaid with the current batch's new values, so a
    read is one dict lookup. ``_undo`` keeps, for each key changed since the last commit, the
    committed value it replaced (:meth:`rollback` puts them back) and is the set of changed
    keys (:meth:`changes` encodes each once). One commit may follow several scoring batches
    (the engine's commit interval); :meth:`settle` closes each of them.

    Eviction is second-chance (CLOCK), between batches only, and never drops a changed key.
    ``_live``'s insertion order is the clock: replacing a key moves it to the newest end,
    and every key a batch prefetches that was already cached is marked referenced (set
    updates per batch, at C speed). When the cache is over capacity, a sweep from the
    oldest end drops unreferenced keys and moves referenced ones to the newest end with
    their mark cleared, until half the capacity is free. Dropping the older half outright,
    as before, threw out hot keys that are read far more often than written (the tenant,
    persons, reverse pairs): written long ago, they sat at the old end however often they
    were read, so each sweep cost a burst of re-reads and decodes. The marks cost ~1 µs a
    message (Enron batches).
    """

    def __init__(self, store: Store, *, decay: Decay = NO_DECAY,
                 cache_entries: int = 100_000) -> None:
        global _warned_pure_python
        if loops() == "python" and not _warned_pure_python:
            _warned_pure_python = True
            logging.getLogger("mailhawk.state").warning(
                "state/_native.c was not built: the state layer's per-recipient loops run in "
                "Python (same results, slower); reinstall mailhawk where a C compiler and the "
                "Python headers are present")
        self.store = store
        self.decay = decay
        self._capacity = max(1, cache_entries)
        self._limit = self._capacity  # entries the byte budget allows (see _fit_budget)
        self._entry_mean: float | None = None  # bytes a cached entry takes, as last measured
        self._live: dict[bytes, Any] = {}
        self._undo: dict[bytes, Any] = {}
        self._deferred: list[bytes] = []  # keys whose _live value is a _MailboxUpdates
        self._pending_changelog: dict[bytes, bytes | None] = {}
        self._referenced: set[bytes] = set()  # prefetched since the last sweep (see _evict)
        self._clock = -math.inf  # the newest mail time handed to expire_idle
        self._cursor: bytes | None = None  # where the next expiry slice starts (committed)
        self._next_cursor: bytes | None = None  # where it will start after this batch
        self._erasing: dict[str, str] | None = None  # see _pending_erasures (lazy)
        self._erasing_committed: dict[str, str] = {}

    @property
    def cache_entries(self) -> int:
        """How many decoded profiles this state keeps between batches (the class doc)."""
        return self._capacity

    @cache_entries.setter
    def cache_entries(self, entries: int) -> None:
        # Applied by the next sweep: never inside a batch (see _evict). The byte budget's
        # limit scales with it until the next commit measures again.
        entries = max(1, entries)
        self._limit = max(1, self._limit * entries // self._capacity)
        self._capacity = entries

    @property
    def cache_limit(self) -> int:
        """The entries kept now (≤ ``cache_entries``).

        Fewer while the cached profiles are larger than :data:`ENTRY_BUDGET_BYTES` on
        average, as measured at each commit.
        """
        return self._limit

    @property
    def cached_profiles(self) -> int:
        """Entries cached now: profiles and absent keys (≤ ``cache_limit`` after a commit)."""
        return len(self._live)

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
        value = self._live.get(key, _ABSENT)
        if value is _ABSENT:
            raw = self.store.get_many([key])[0]
            value = self._live[key] = None if raw is None else decode(key[:1], raw)
        elif type(value) is _MailboxUpdates:
            self._apply_deferred()
            value = self._live[key]
        return value

    def rules_for_every_tenant(self) -> TenantProfile:
        """The sender policy written for every tenant, as this partition holds it."""
        return cast(TenantProfile | None, self._get(EVERYONE_KEY)) or _NO_RULES

    def _apply_deferred(self) -> None:
        """Replace every queued mailbox update of the batch by the profile it makes.

        In C when built (``_native.apply_deferred``: ``_MailboxUpdates.apply`` with the
        profile's numbers held in C doubles, one profile object built per key, the same
        arithmetic operation for operation); this loop is its definition and fallback.
        """
        live, decay = self._live, self.decay
        if _native is not None:
            _native.apply_deferred(self._deferred, live, decay, RecipientProfile)
        else:
            for key in self._deferred:
                updates = live[key]
                live[key] = updates.apply(len(updates.ops), decay)
        self._deferred.clear()

    def prefetch(self, keys: Iterable[bytes]) -> None:
        """Load every key not yet known with one multi-get."""
        live = self._live
        wanted = set(keys)
        missing = wanted.difference(live)  # C speed: live is a dict, not a view
        # Hits are marked referenced for the eviction sweep; new keys enter unmarked, so a
        # key read once (a one-off sender) does not push out one read by every batch.
        self._referenced |= wanted
        if not missing:
            return
        self._referenced -= missing
        self._load(list(missing))

    def prefetch_messages(self, message_keys: list[MessageKeys]) -> None:
        """:meth:`prefetch` every key of a batch's messages (what the engine calls).

        In C when built (``_native.prefetch_plan``): the batch's ~30 keys per message are
        checked against the cache one by one instead of being gathered into a set first.
        Which keys end up cached, and so every result, is the same either way; only the
        order the missing keys are loaded in (and so enter the eviction clock) differs.
        """
        if _native is None:
            self.prefetch(k for mk in message_keys for k in mk.all())
        else:
            self._load(_native.prefetch_plan(message_keys, self._live, self._referenced))
        self.prefetch((EVERYONE_KEY,))

    def _load(self, fetch: list[bytes]) -> None:
        """Read ``fetch`` (keys not cached) with one multi-get and cache their profiles.

        Decoded in C when built (``_native.decode_values``: pairs, mailboxes and senders of
        the current layout; anything else by :func:`~state.profiles.decode`, the
        definition): at 10 million profiles every message's sender and pair are decoded.
        """
        if not fetch:
            return
        live = self._live
        values = self.store.get_many(fetch)
        if _native is not None:
            _native.decode_values(fetch, values, live, LAYOUT_VERSION, _DECODED_KINDS,
                                  orjson.loads, decode, PairProfile, RecipientProfile,
                                  SenderProfile)
            return
        for key, raw in zip(fetch, values, strict=True):
            live[key] = None if raw is None else decode(key[:1], raw)

    @staticmethod
    def keys_for(record: MailRecord, facts: MessageFacts) -> MessageKeys:
        """Every key reading or observing ``record`` touches, built once per message.

        The same bytes as :func:`~state.profiles.make_key`, built from shared prefixes: this
        runs for 3 keys per recipient, and the generic function cost most of the read time.
        In C when built (``_native.message_keys``, which also takes ``record.recipients``
        from ``to`` and ``cc`` itself); the code below is its definition and fallback.
        """
        tenant, sender = record.tenant_id, profiled_address(record.sender.address)
        if _native is not None:
            return _native.message_keys(
                tenant, sender, record.to, record.cc, facts.sender_domain, facts.display_key,
                facts.subject_key, facts.recipient_domains, MAX_PROFILED_RECIPIENTS,
                MessageKeys)
        head = tenant + SEP
        domain, rdomains = "D" + head, facts.recipient_domains
        return MessageKeys(
            ("S" + head + sender).encode(),
            ("T" + head).encode(),
            (domain + key_part(facts.sender_domain)).encode() if facts.sender_domain else None,
            ("N" + head + key_part(facts.display_key)).encode() if facts.display_key else None,
            ("C" + head + key_part(facts.subject_key)).encode() if facts.subject_key else None,
            _recipient_keys(tenant, sender, record.recipients, MAX_PROFILED_RECIPIENTS),
            tuple([(domain + key_part(d)).encode() for d in rdomains]) if rdomains else (),
        )

    def snapshot(self, record: MailRecord, facts: MessageFacts,
                 keys: MessageKeys | None = None) -> StateSnapshot:
        """The participants' profiles as they were before ``record``.

        Profiles idle for longer than the decay's ``idle_expiry`` read as absent.
        """
        k = keys or self.keys_for(record, facts)
        live = self._live
        try:
            return self._snapshot(record, k, live)
        except KeyError:  # not prefetched (tests, directory upserts): load this message's keys
            self.prefetch((*k.all(), EVERYONE_KEY))
            return self._snapshot(record, k, live)

    def _snapshot(self, record: MailRecord, k: MessageKeys, live: dict[bytes, Any]
                  ) -> StateSnapshot:
        t = record.received_at
        # inf when expiry is off: ``t - last_seen > inf`` is never true, one test for both
        expiry = self.decay.idle_expiry or math.inf
        decay = self.decay
        if _native is not None:
            recipients = _native.snapshot_recipients(k.recipients, live, t, expiry, decay,
                                                     _MailboxUpdates, _Deferred, RecipientView)
        else:
            recipients = self._snapshot_recipients(k, live, t, expiry, decay)
        sender = live[k.sender]
        if sender is not None and t - sender.last_seen > expiry:
            sender = None
        domain = live[k.domain] if k.domain else None
        if domain is not None and t - domain.last_seen > expiry:
            domain = None
        return StateSnapshot(
            sender,
            domain,
            live[k.tenant] or TenantProfile(),
            live[k.person] if k.person else None,
            recipients,
            self.decay,
            live[k.campaign] if k.campaign else None,
            k,
            live[EVERYONE_KEY] or _NO_RULES,
        )

    @staticmethod
    def _snapshot_recipients(k: MessageKeys, live: dict[bytes, Any], t: float, expiry: float,
                             decay: Decay) -> tuple[RecipientView, ...]:
        """The recipients as seen before the message.

        The definition of ``_native.snapshot_recipients``, and its fallback.
        """
        recipients = []
        for rcpt, rkey, pkey, revkey in k.recipients:
            mailbox, pair, reverse = live[rkey], live[pkey], live[revkey]
            if type(mailbox) is _MailboxUpdates:
                mailbox = None if t - mailbox.last_seen > expiry else \
                    _Deferred(mailbox, len(mailbox.ops), decay)
            elif mailbox is not None and t - mailbox.last_seen > expiry:
                mailbox = None
            if pair is not None and t - pair.last_seen > expiry:
                pair = None
            if reverse is not None and t - reverse.last_seen > expiry:
                reverse = None
            recipients.append(_new_view(RecipientView, (rcpt, mailbox, pair, reverse)))
        return tuple(recipients)

    # ------------------------------------------------------------------ writes

    def _set(self, key: bytes, profile: Profile) -> None:
        live, undo = self._live, self._undo
        if key not in undo:
            undo[key] = live.pop(key, _ABSENT)
        live[key] = profile

    def observe(self, record: MailRecord, facts: MessageFacts, before: StateSnapshot, *,
                learn: bool = True, flagged: bool = False) -> None:
        """Apply ``record`` to every profile it touches (its verdict comes later).

        ``learn=False`` marks a message the heuristics found suspicious: it is counted, but it
        creates no relationship and teaches the sender's baseline nothing. ``flagged=True``
        marks one whose heuristics found evidence of an attack: the sender's ``flagged``
        count remembers it.

        Every profile is replaced by a new object, never changed in place: ``before`` (and
        the snapshots of earlier messages, which the models read after the whole batch) must
        keep showing the state as it was.
        """
        sender, t = profiled_address(record.sender.address), record.received_at
        k = before.keys or self.keys_for(record, facts)
        decay = self.decay
        inbound = record.direction == "inbound"
        mailboxes = record.direction != "outbound"  # recipients are the tenant's own mailboxes
        thread = 1 if record.in_reply_to else 0
        if _native is not None:
            new_recipients = _native.observe_recipients(
                before.recipients, k.recipients, self._live, self._undo, self._deferred,
                _ABSENT, t, sender, inbound, thread, learn, mailboxes, PairProfile,
                _MailboxUpdates)
        else:
            new_recipients = self._observe_recipients(before, k, t, sender, inbound, thread,
                                                      learn=learn, mailboxes=mailboxes)
        a = record.auth
        auth, network = (a.spf, a.dkim, a.dmarc), network_of(record.client_ip)
        # observe_sender in C when built; None from it: values it leaves to the function
        profile = None if _native is None else _native.observe_sender(
            before.sender, t, record.sender.name, facts.reply_to_domain,
            facts.return_path_domain, auth, network, facts.link_domains,
            facts.attachment_types, new_recipients, len(before.recipients), decay, learn,
            flagged, SenderProfile)
        if profile is None:
            profile = observe_sender(
                before.sender, t=t, display_name=record.sender.name,
                reply_to_domain=facts.reply_to_domain,
                return_path_domain=facts.return_path_domain, auth=auth, network=network,
                link_domains=facts.link_domains, attachment_types=facts.attachment_types,
                new_recipients=new_recipients, fanout=len(before.recipients), decay=decay,
                learn=learn, flagged=flagged)
        self._set(k.sender, profile)
        if k.campaign and inbound and before.sender is None:
            self._set(k.campaign, observe_campaign(before.campaign, t=t,
                                                   sender_domain=facts.sender_domain))
        if k.domain and inbound:
            self._set(k.domain, observe_domain(
                before.domain, t=t, new_sender=before.sender is None, outbound=0,
                payment_thread=facts.payment_language and (thread == 1 or (
                    before.domain is not None and before.domain.outbound > 0)),
                lookalike_of=facts.lookalike_of, decay=decay))
        if not inbound:
            self._observe_tenant_side(record, facts, before, learn)

    def _observe_recipients(self, before: StateSnapshot, k: MessageKeys, t: float, sender: str,
                            inbound: bool, thread: int, *, learn: bool, mailboxes: bool) -> int:
        """Pairs and mailboxes of one message; returns the count of new recipients.

        The definition of ``_native.observe_recipients``, and its fallback.
        """
        live, undo, deferred = self._live, self._undo, self._deferred
        new_recipients = 0
        for (_, _, pair, reverse), (_, rkey, pkey, _) in zip(before.recipients, k.recipients,
                                                             strict=True):
            if pair is None:
                new_recipients += 1
            if learn:
                if pkey not in undo:
                    undo[pkey] = live.pop(pkey, _ABSENT)
                live[pkey] = PairProfile(t, t, 1, thread) if pair is None else PairProfile(
                    t if t < pair.first_seen else pair.first_seen,
                    t if t > pair.last_seen else pair.last_seen,
                    pair.count + 1, pair.threads + thread)
            if mailboxes:
                updates = live.get(rkey)
                if type(updates) is not _MailboxUpdates:
                    if rkey not in undo:
                        undo[rkey] = live.pop(rkey, _ABSENT)
                    updates = live[rkey] = _MailboxUpdates(updates)
                    deferred.append(rkey)
                updates.ops.append((t, sender, inbound, pair is None and reverse is None))
                if t > updates.last_seen:
                    updates.last_seen = t
        return new_recipients

    def _observe_tenant_side(self, record: MailRecord, facts: MessageFacts,
                             before: StateSnapshot, learn: bool) -> None:
        """Outbound/internal mail teaches who the tenant is, whom it trusts, how it writes.

        A language joins the tenant's when one message it teaches with is written in it
        (``facts.language``, set on sampled mail only), and never leaves: a tenant's
        languages are few and change rarely, so the profile is rewritten rarely.
        """
        tenant, t = record.tenant_id, record.received_at
        profile = before.tenant
        own = profile.own_domains
        changed = False
        language = facts.language
        if learn and language and language not in profile.languages and \
                len(profile.languages) < MAX_LANGUAGES:
            profile = profile.copy()
            profile.languages.append(language)
            changed = True
        if facts.sender_domain and facts.sender_domain not in own and \
                len(own) < MAX_OWN_DOMAINS:
            if not changed:  # a new language copied it already
                profile = profile.copy()
            profile.own_domains.append(facts.sender_domain)
            own = profile.own_domains
            changed = True
        if record.direction == "outbound" and facts.recipient_domains:
            own_set = set(own)
            known = set(profile.known_domains)
            payment = facts.payment_language
            for domain in facts.recipient_domains:
                if domain in own_set:
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
            address = profiled_address(record.sender.address)
            if person is None or address not in person.addresses:
                person = PersonProfile(display_name=record.sender.name) if person is None \
                    else person.copy()
                if len(person.addresses) < MAX_PERSON_ADDRESSES:
                    person.addresses.append(address)
                self._set(make_key(KIND_PERSON, tenant, facts.display_key), person)

    def observe_verdict(self, record: MailRecord, action: str) -> None:
        """Count ``action`` on the sender's profile (after the batch's models ran).

        The sender's profile is already this batch's own copy (``observe`` made it, and no
        snapshot has shown it since: a later message of the sender would have replaced it),
        and the one reader of verdict counts, the campaign memory's never-delivered test
        (``detectors/rules/held.py``), reads them from snapshots as of earlier batches and
        adds the batch's own deliveries in its ordered pass, so it is counted in place instead
        of copied (in C when built: ``_native.count_verdict``, which leaves rebases to Python).
        """
        key = ("S" + record.tenant_id + SEP + profiled_address(record.sender.address)
               ).encode()  # make_key's
        if key in self._undo:
            profile = self._live[key]
            if profile is not None and (_native is None or not _native.count_verdict(
                    profile, record.received_at, action, self.decay)):  # C, or left to Python
                count_verdict(cast(SenderProfile, profile), t=record.received_at,
                              action=action, decay=self.decay)
        elif (stored := self._get(key)) is not None:
            self._set(key, observe_verdict(stored, t=record.received_at, action=action,
                                           decay=self.decay))

    def held_content(self, keys: Sequence[bytes], t: float) -> list[HeldContentProfile]:
        """The held mail filed under ``keys`` (:func:`held_keys`), as of now in this batch.

        Mail held earlier in this batch is included (:meth:`remember_held` writes as the
        batch goes). Bands idle for longer than ``HELD_CONTENT_WINDOW`` read as absent.
        ``prefetch`` the keys first to read a batch's with one multi-get.
        """
        out = []
        for key in keys:
            profile = self._get(key)
            if profile is not None and t - profile.last_seen <= HELD_CONTENT_WINDOW:
                out.append(profile)
        return out

    def remember_held(self, keys: Sequence[bytes], *, t: float, attack_type: str,
                      message_id: str, signature: bytes, origin: str = "") -> None:
        """File a held message's fingerprint under each of its keys, as part of this batch.

        Whatever the keys held is replaced unread (the last held copy is what a band keeps).
        ``origin``: the message whose copy this one is (default: itself).
        """
        profile = HeldContentProfile(t, attack_type, message_id, signature,
                                     origin or message_id)
        for key in keys:
            self._set(key, profile)

    def forget_held(self, tenant: str, message_id: str) -> int:
        """Forget a held message that was ham, and the near-copies it made the memory hold.

        Deletes, as part of this batch, every band of ``tenant``'s campaign memory filed by
        ``message_id`` or by a message of its chain (one with the same origin; the origin of
        a released copy is released too, since the copy was held for resembling it). Found
        by reading the tenant's memory: a rare request, paid for when it comes. Returns the
        keys deleted.
        """
        keys = self._current_keys(make_key(KIND_HELD, tenant, ""))
        self.prefetch(keys)
        held = {key: cast(HeldContentProfile, self._get(key)) for key in keys}
        chains = {message_id} | {p.origin for p in held.values() if p.message_id == message_id}
        return sum(self._forget(key) for key, p in held.items()
                   if p.origin in chains or p.message_id == message_id)

    def apply_directory(self, entry: DirectoryEntry, *, display_key: str, domain: str) -> None:
        """Upsert a directory entry as part of this batch (idempotent).

        ``display_key`` is the normalised name of a person; ``domain`` the registrable domain
        of the person's address or of the vendor.
        """
        tenant = entry.tenant_id
        if entry.kind in ERASURE_KINDS:
            self.apply_erasure(entry)
            return
        if entry.kind == "released_message":
            self.forget_held(tenant, entry.message_id)
            return
        if entry.kind == "reported_message":  # its bands are the fingerprint's definition
            raise ValueError("a reported_message is filed by detectors.rules.held."
                             "HeldCampaign.file_report, not by the state alone")
        tkey = make_key(KIND_TENANT, tenant, "")
        profile = cast(TenantProfile | None, self._get(tkey)) or TenantProfile()
        if entry.kind in POLICY_KINDS:
            updated = _with_policy(profile, entry)
            if updated is not None:
                self._set(tkey, updated)
            return
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
            # A vendor the directory names is known until the directory says otherwise: its
            # profile never goes idle (last seen "always"). With a last-seen time of 0, as
            # before, it read as idle for decades under any idle expiry (the engine's default
            # is 400 days), so a vendor from the directory was unknown until it had written.
            if current is None or not current.known_vendor or current.last_seen != math.inf:
                vendor = DomainProfile(ref=0.0, first_seen=0.0, last_seen=0.0) \
                    if current is None else current.copy()
                vendor.payment_threads = max(1, vendor.payment_threads)
                vendor.last_seen = math.inf
                self._set(dkey, vendor)
            if domain not in profile.known_domains and \
                    len(profile.known_domains) < MAX_KNOWN_DOMAINS:
                profile = profile.copy()
                profile.known_domains.append(domain)
                self._set(tkey, profile)

    def expire_idle(self, now: float, budget: int) -> tuple[int, int, bool]:
        """Delete, as part of this batch, profiles long past their idle horizon.

        Profiles idle past the decay's ``idle_expiry`` already read as absent, but without
        this they stayed on disk and in the changelog for good: every address that ever
        wrote once (most of a mail stream's senders are one-off), with the store, its
        restore time and the personal data it holds growing without end. Each batch visits
        the next ``budget`` keys of the store from a cursor (kept with the offsets, so a
        restart resumes it) and deletes those idle for longer than their
        :func:`~state.profiles.idle_horizon` plus ``EXPIRY_GRACE``, judged at ``now`` (the
        newest mail time so far): the deletions go to the store and, as tombstones, to the
        changelog with the batch's other changes. Tenant and person profiles never expire;
        campaigns do after their window. Keys changed since the last commit are left alone;
        scoring batches between two commits visit consecutive slices.

        Deleting a profile that reads as absent changes no later result (mail more than
        ``EXPIRY_GRACE`` older than ``now`` aside), so where batches are cut, and so which
        slice a batch visits, does not matter. Off when ``idle_expiry`` is 0.

        Returns:
            (keys visited, keys deleted, whether the slice reached the end of the store,
            which starts the next cycle).
        """
        idle = self.decay.idle_expiry
        if idle <= 0.0 or budget <= 0:
            return 0, 0, False
        if now > self._clock:
            self._clock = now
        clock = self._clock
        # Continue from this commit's earlier slice, if a scoring batch already took one.
        start = self._next_cursor if self._next_cursor is not None else self._cursor
        if start is None:
            start = self.store.get_meta_bytes(META_EXPIRY_CURSOR) or FIRST_PROFILE_KEY
        entries = self.store.scan(start, budget)
        undo, live = self._undo, self._live
        rules, packed, unpack = expiry_rules(idle), PACKED_LAYOUTS, _FLOAT.unpack_from
        deleted = 0
        for key, value in entries:
            kind = key[:1]
            rule = rules.get(kind)
            if rule is None or key in undo:
                continue
            horizon, offset = rule
            last = unpack(value, offset)[0] if value[0] in packed else \
                last_seen_of(kind, value)
            if clock - last > horizon + EXPIRY_GRACE:
                undo[key] = live.pop(key, _ABSENT)
                live[key] = None
                deleted += 1
        wrapped = len(entries) < budget
        self._next_cursor = FIRST_PROFILE_KEY if wrapped else entries[-1][0] + b"\x00"
        return len(entries), deleted, wrapped

    # ------------------------------------------------------------------ erasure

    def apply_erasure(self, entry: DirectoryEntry, limit: int = ERASE_CHUNK) -> int:
        """An ``erase_address`` or ``erase_tenant`` directory entry, as part of this batch.

        Returns the keys deleted or rewritten in this batch (a tenant: its first ``limit``).
        """
        if entry.kind == "erase_tenant":
            return self.erase_tenant(entry.tenant_id, limit)
        return self.erase_address(entry.tenant_id, entry.address)

    def erase_address(self, tenant: str, address: str) -> int:
        """Forget ``address`` in ``tenant``'s state, as part of this batch.

        Returns the count of keys deleted or rewritten. Deleted: its sender and mailbox
        profiles and every pair it is either side of. Cleaned: the mailboxes that count it
        among their correspondents, the people it is an address of (a person left without an
        address is deleted), the tenant's blocked senders. Aggregates without it (a domain's
        count of senders, a mailbox's count of correspondents) stay. Pairs *to* it and
        mailboxes are found by reading all of the tenant's pair and mailbox profiles: a rare
        request, paid for when it comes. The changes reach the changelog with the batch, as
        tombstones and new values, so a restored worker forgets it too. Mail that comes later
        is learned as from a stranger.
        """
        address = profiled_address(address.lower())
        changed = 0
        for key in (make_key(KIND_SENDER, tenant, address),
                    make_key(KIND_RECIPIENT, tenant, address),
                    *self._current_keys(make_key(KIND_PAIR, tenant, address, ""))):
            changed += self._forget(key)
        to_it = (SEP + address).encode("utf-8")
        for key in self._current_keys(make_key(KIND_PAIR, tenant, ""),
                                      lambda k: k.endswith(to_it)):
            changed += self._forget(key)
        for key in self._current_keys(make_key(KIND_RECIPIENT, tenant, "")):
            mailbox = cast(RecipientProfile | None, self._get(key))
            if mailbox is not None and address in mailbox.correspondents:
                mailbox = mailbox.copy()
                del mailbox.correspondents[address]
                self._set(key, mailbox)
                changed += 1
        for key in self._current_keys(make_key(KIND_PERSON, tenant, "")):
            person = cast(PersonProfile | None, self._get(key))
            if person is not None and address in person.addresses:
                person = person.copy()
                person.addresses.remove(address)
                if person.addresses:
                    self._set(key, person)
                    changed += 1
                else:
                    changed += self._forget(key)
        tkey = make_key(KIND_TENANT, tenant, "")
        profile = cast(TenantProfile | None, self._get(tkey))
        if profile is not None and (updated := _without_address(profile, address)) is not None:
            self._set(tkey, updated)
            changed += 1
        return changed

    @property
    def erasing(self) -> bool:
        """Whether a tenant's erasure is still in progress (``continue_erasures``)."""
        return bool(self._pending_erasures())

    @property
    def tenants_being_erased(self) -> tuple[str, ...]:
        """The tenants whose erasure is in progress (as of this batch)."""
        return tuple(self._pending_erasures())

    def erase_tenant(self, tenant: str, limit: int = ERASE_CHUNK) -> int:
        """Start forgetting all of ``tenant``'s state; returns the keys deleted in this batch.

        Every key of every kind under the tenant's prefix goes, as changelog tombstones with
        the batches that delete them. At most ``ERASE_CHUNK`` keys go per batch: a tenant of
        millions of profiles held in one batch would need their keys in memory at once. The
        rest follows in the next batches (:meth:`continue_erasures`), from a cursor that each
        batch writes to the store and the changelog (``META_ERASING``), so a restart, or a
        worker restoring the partition on an empty disk, carries on where the last committed
        batch stopped.
        ``limit``: keys per batch (the engine's ``MAILHAWK_ERASE_CHUNK_KEYS``).
        """
        self._pending_erasures().setdefault(tenant, "")
        return self.continue_erasures(limit)

    def continue_erasures(self, limit: int = ERASE_CHUNK) -> int:
        """The next chunk of the tenant erasures in progress; returns the keys deleted."""
        pending = self._pending_erasures()
        deleted = 0
        for tenant in list(pending):
            if deleted >= limit:
                break
            n, cursor = self._erase_chunk(tenant, bytes.fromhex(pending[tenant]),
                                          limit - deleted)
            deleted += n
            if cursor is None:
                del pending[tenant]
            else:
                pending[tenant] = cursor.hex()
        return deleted

    def _pending_erasures(self) -> dict[str, str]:
        """Tenants being erased → hex of the last key deleted (as of this batch)."""
        if self._erasing is None:
            raw = self.store.get_meta_bytes(META_ERASING)
            self._erasing = dict(orjson.loads(raw)) if raw else {}
            self._erasing_committed = dict(self._erasing)
        return self._erasing

    def _erase_chunk(self, tenant: str, after: bytes, limit: int) -> tuple[int, bytes | None]:
        """Delete up to ``limit`` of ``tenant``'s keys past ``after`` (key order).

        Returns the count and the last key deleted, or ``None`` for the cursor when nothing
        of the tenant is left (keys this batch created included).
        """
        if self._deferred:
            self._apply_deferred()  # a deleted mailbox must not be rebuilt from its updates
        undo, live = self._undo, self._live
        deleted, last = 0, after
        for kind in sorted(KIND_NAMES):
            for key in self._stored_keys(make_key(kind, tenant, ""), after):
                if key in undo and live.get(key) is None:
                    continue  # deleted earlier in this batch
                if deleted >= limit:
                    return deleted, last
                if key not in undo:
                    undo[key] = live.pop(key, _ABSENT)
                live[key] = None
                deleted += 1
                last = key + b"\x00"
        own = tenant.encode("utf-8") + SEP.encode()
        for key in [k for k in undo if k[1:].startswith(own) and live.get(k) is not None]:
            live[key] = None  # created by this batch (its undo entry is the absent value)
            deleted += 1
        return deleted, None

    def _stored_keys(self, prefix: bytes, after: bytes = b"") -> Iterator[bytes]:
        """The store's keys under ``prefix`` from ``after`` on, in key order, in slices."""
        start = max(prefix, after)
        while True:
            entries = self.store.scan(start, _ERASE_SLICE)
            for key, _ in entries:
                if not key.startswith(prefix):
                    return
                yield key
            if len(entries) < _ERASE_SLICE:
                return
            start = entries[-1][0] + b"\x00"

    def _current_keys(self, prefix: bytes, keep: Callable[[bytes], bool] | None = None
                      ) -> list[bytes]:
        """Keys starting with ``prefix`` (and passing ``keep``) that hold a profile now.

        The store's, less the batch's deletions, plus the keys the batch created; filtered
        while reading, so a tenant's millions of pairs are never all listed.
        """
        live, undo = self._live, self._undo
        keys = [k for k in self._stored_keys(prefix) if (keep is None or keep(k))
                and (k not in undo or live.get(k) is not None)]
        stored = set(keys)
        keys += [k for k in undo if k.startswith(prefix) and k not in stored
                 and (keep is None or keep(k)) and live.get(k) is not None]
        return keys

    def _forget(self, key: bytes) -> int:
        """Delete ``key`` in this batch if it holds a profile; 1 if it did."""
        if self._get(key) is None:
            return 0
        undo, live = self._undo, self._live
        if key not in undo:
            undo[key] = live.pop(key, _ABSENT)
        live[key] = None
        return 1

    # ------------------------------------------------------------------ batch end

    def changes(self) -> dict[bytes, bytes | None]:
        """The batch's changed keys with their encoded last values (for changelog and store)."""
        # Repairs first: a key this batch changed must carry its new value, not the restored one.
        out: dict[bytes, bytes | None] = dict(self._pending_changelog)
        if self._deferred:
            self._apply_deferred()
        live = self._live
        if _native is not None:  # the same loop in C, with the packed kinds packed there
            _native.encode_changes(self._undo, live, out, LAYOUT_VERSION, orjson.dumps, encode,
                                   PairProfile, RecipientProfile, SenderProfile)
        else:
            for key in self._undo:
                value = live[key]
                out[key] = None if value is None else encode(value)  # None: expired, deleted
        erasing = self._erasing
        if erasing is not None and erasing != self._erasing_committed:
            # With the profile changes, so it reaches the changelog: a worker restoring
            # the partition on an empty disk carries on with the erasure.
            out[META_ERASING] = orjson.dumps(erasing) if erasing else None
        return out

    def add_repair(self, keys: Iterable[bytes]) -> None:
        """Re-publish these keys' current values with the next batch.

        Used after a restore found an incomplete tail of changelog records (a batch that died
        mid-produce): republishing the restored values supersedes those orphans, so a later
        restore from a compacted changelog cannot pick them up.
        """
        for key in keys:
            if key in self._undo:
                continue
            raw = self.store.get_many([key])[0]
            self._pending_changelog[key] = raw

    def commit(self, changes: Mapping[bytes, bytes | None], next_offset: int,
               changelog_offset: int | None) -> None:
        """Step 3 of the commit protocol: changes and offsets in one atomic store write."""
        meta: dict[bytes, int | bytes] = {META_NEXT_OFFSET: next_offset}
        if changelog_offset is not None:
            meta[META_CHANGELOG_OFFSET] = changelog_offset
        if self._next_cursor is not None:
            meta[META_EXPIRY_CURSOR] = self._next_cursor
        self.store.write(changes, meta)
        if self._erasing is not None:
            self._erasing_committed = dict(self._erasing)
        if self._next_cursor is not None:
            self._cursor, self._next_cursor = self._next_cursor, None
        if self._deferred:
            self._apply_deferred()
        self._fit_budget()
        self._undo.clear()
        self._pending_changelog.clear()
        self._evict()

    def _fit_budget(self) -> None:
        """Set :attr:`cache_limit` from the measured size of the profiles this commit wrote.

        An even sample of the keys changed since the last commit (before they are
        forgotten): that is where crafted profiles grow. It leaves out the absent keys and
        the unchanged profiles, so it errs high, the safe side of a ceiling (0.5-0.6 KB
        over the Enron replay's commits). Averaged with the previous commit's figure, so
        one interval does not swing it. An even sample of the whole cache took ~8 ms at
        100,000 entries (1.7 µs a message); this ~1 ms a commit.
        """
        changed = self._undo
        n = min(len(changed), _SIZE_SAMPLE)
        if n < _SIZE_SAMPLE // 8:  # too few to say
            return
        live = self._live
        step = len(changed) // n
        sample = [(k, live.get(k)) for k in islice(changed, 0, step * n, step)]
        mean = sum(_entry_bytes(k, v) for k, v in sample) / n
        self._entry_mean = mean if self._entry_mean is None else (self._entry_mean + mean) / 2
        budget = self._capacity * ENTRY_BUDGET_BYTES
        self._limit = max(min(self._capacity, _SIZE_SAMPLE),
                          min(self._capacity, int(budget / self._entry_mean)))

    def settle(self) -> None:
        """End a scoring batch that is not committed yet (the engine commits every few).

        Applies the batch's queued mailbox updates, as a commit would, so a profile's
        arithmetic is the same wherever commits fall, and bounds the decoded profiles:
        unchanged ones may be evicted (the store holds their value), changed ones stay
        until :meth:`commit` writes them or :meth:`rollback` restores them.
        """
        if self._deferred:
            self._apply_deferred()
        self._evict()

    def rollback(self) -> None:
        """Forget the changes since the last commit (not delivered: scored again later)."""
        live = self._live
        for key, committed in self._undo.items():
            if committed is _ABSENT:
                del live[key]
            else:
                live[key] = committed
        self._undo.clear()
        self._deferred.clear()
        self._next_cursor = None
        if self._erasing is not None:
            self._erasing = dict(self._erasing_committed)
        self._evict()

    def _evict(self) -> None:
        """Bound the decoded profiles between batches: a second-chance sweep (class doc).

        The capacity is :attr:`cache_limit` (``cache_entries`` unless the profiles are
        large). Frees half of it at once, so a sweep runs once per ``limit / 2`` new keys
        and visits each key at most twice: amortised O(1) per key. It never runs inside a
        batch, and it keeps every key changed since the last commit (in ``_undo``): its
        value exists nowhere else yet. So between commits the cache may hold more than its
        capacity by at most those keys.
        """
        live = self._live
        if len(live) <= self._limit:
            return
        excess = len(live) - self._limit // 2
        referenced, undo = self._referenced, self._undo
        self._referenced = set()
        for key in list(live):
            if excess <= 0:
                break
            if key in undo:
                continue
            value = live.pop(key)
            if key in referenced:
                live[key] = value  # second chance: to the newest end, mark cleared
            else:
                excess -= 1
        if excess > 0:  # more keys were referenced than half the cache holds: oldest go
            for key in [k for k in islice(live, excess + len(undo)) if k not in undo][:excess]:
                del live[key]

    def apply_restored(self, records: Mapping[bytes, bytes | None],
                       meta: Mapping[bytes, int]) -> None:
        """Write restored changelog records and bookkeeping; drops the decoded profiles."""
        self.store.write(records, meta)
        self._live.clear()
        self._cursor = self._next_cursor = None
        self._erasing = None  # read again from the restored store
        self._referenced.clear()
        self._undo.clear()
        self._deferred.clear()


FUTURE_SKEW: Final = 86400.0
"""How far ahead of the wall clock a message's time is believed (:func:`redate_future_mail`)."""


def redate_future_mail(records: Iterable[MailRecord], wall: float) -> int:
    """Re-date mail dated later than ``wall`` plus a day to then; returns how many.

    A record's time is its ``Date`` header, which the sender writes. Counts decay by their
    age, so an increment dated ahead weighs 2 per half-life it is early when read today:
    one message dated 2037 (spam has long dated itself ahead, to sort first) made its sender
    and domain read as ~2**134 messages for years, an established correspondent; dated far
    enough ahead (a timestamp in milliseconds, or the year 9999), it rebased their counters
    to the future, erasing their history, and the next real message from the domain stopped
    the batch it came in. The engine and ``scan`` re-date such mail before scoring it, so
    the state and the detectors see it dated a day from now (as the expiry sweep bounds its
    clock). Replayed old mail is never later than the wall clock: it keeps its own
    timeline. Training replays keep every record's own time (a model must not depend on the
    day it was trained).
    """
    limit = wall + FUTURE_SKEW
    moved = 0
    for record in records:
        if record.received_at > limit:
            record.received_at = limit
            moved += 1
    return moved


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

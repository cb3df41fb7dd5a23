"""Behavioural profiles and their pure update functions.

Every profile is per tenant (the tenant is part of the key, never of the value) and is updated
by a pure function ``observe_*(profile_or_None, message..., decay) -> new profile`` that uses
only the message's own time, so replaying a batch from the same prior state gives the same
values (DESIGN.md: state exactly once).

Decay without touching every counter
------------------------------------
Counts fade with a half-life. Multiplying every counter on every update costs a loop over
~100 numbers per profile per message, more than the whole state budget. Instead each profile
keeps a reference time ``ref`` and stores every counter *scaled* by ``w(t) = 2**((t-ref)/h)``:
an increment at time ``t`` adds ``w(t)``, and the decayed value at ``t`` is ``stored / w(t)``.
Only when ``(t-ref)/h`` grows large does the profile rebase (divide everything once). With
decay off (``h = 0``) ``w`` is 1 and every counter is an exact integer.

Encoding
--------
A value is one layout-version byte, then (layout 2) the numeric fields ``struct``-packed in a
fixed order, then the variable part (counters, lists, strings) as orjson, which is faster
than anything written in Python for those. Layout 1 was one orjson array of every field;
pair values, a third of all writes and read for every recipient, are 5× cheaper to encode
and 3× cheaper to decode packed. ``decode`` still reads layout 1, so stored values migrate in
place: each is rewritten in the current layout the next time its profile changes. Layout 3
added the sender's ``flagged`` count (the struct grew by one double); a layout-2 sender reads
as never flagged, every other kind is the same in both. An unknown newer version raises
LayoutVersionError, so an older build refuses a newer store instead of misreading it.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Final

import orjson

from state.errors import LayoutVersionError

LAYOUT_VERSION: Final = 3
_PACKED_V2: Final = 2  # before the sender's ``flagged``; still read, never written
_JSON_LAYOUT: Final = 1  # every field as one orjson array; still read, never written
_REBASE_EXPONENT: Final = 400.0  # 2**400 is far from float overflow (2**1024)
_REBASE_WEIGHT: Final = 2.0**_REBASE_EXPONENT
_MAX_EXPONENT: Final = 1000.0
TOP_DISPLAY_NAMES: Final = 4
TOP_SMALL: Final = 8
TOP_NETWORKS: Final = 16
TOP_LINK_DOMAINS: Final = 32
TOP_CORRESPONDENTS: Final = 32


@dataclass(frozen=True, slots=True)
class Decay:
    """Half-life of counts and idle expiry of keys, in seconds.

    A half-life of 0 turns decay off; an idle expiry of 0 keeps keys forever.
    """

    half_life: float = 0.0
    idle_expiry: float = 0.0

    def weight(self, t: float, ref: float) -> float:
        """The scale factor of an increment at time ``t`` for a profile with reference ``ref``."""
        if self.half_life <= 0.0:
            return 1.0
        # Event time may go backwards a little (out-of-order delivery); never let a late
        # message inflate the weight beyond what its time says, but keep it positive.
        exponent = (t - ref) / self.half_life
        # Past 2**1023 math.pow raises. Such a weight only ever triggers a rebase (anything
        # above 2**400 does), and a counter divided by it is 0: what ~1000 half-lives leave.
        return math.inf if exponent > _MAX_EXPONENT else math.pow(2.0, exponent)

    def expired(self, last_seen: float, t: float) -> bool:
        """Whether a profile last seen at ``last_seen`` counts as gone at time ``t``."""
        return self.idle_expiry > 0.0 and t - last_seen > self.idle_expiry


NO_DECAY: Final = Decay()


# --------------------------------------------------------------------------- helpers


def _bump(counter: dict[str, float], key: str, w: float, keep: int) -> None:
    """Add ``w`` to ``counter[key]`` and keep only the ``keep`` largest when it overflows.

    Pruning happens at twice the size, so its cost is amortised; ties break by key so the
    result depends only on the sequence of updates (the recompute property test needs that).
    """
    if not key:
        return
    counter[key] = counter.get(key, 0.0) + w
    if len(counter) > 2 * keep:
        _prune(counter, keep)


def _prune(counter: dict[str, float], keep: int) -> None:
    """Keep the ``keep`` largest entries of ``counter`` (ties: smaller key first)."""
    ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    counter.clear()
    counter.update(ordered)


LATE_MAIL: Final = 86400.0
"""How much earlier than a sender's or domain's first message a later one may date itself
and still move its first sighting back (see :func:`_first_sighting`)."""


def _first_sighting(first_seen: float, t: float, ref: float) -> float:
    """A sender's or domain's ``first_seen`` after a message dated ``t``.

    ``min(first_seen, t)``, but no earlier than a day before ``ref`` (the profile's
    creation, unless decay rebased it decades later). The date is the sender's to write:
    one message now, then one dated 2000, made a lookalike domain read as 26 years old, so
    the vendor-fraud rule saw no young domain (and so never looked for a lookalike), and
    the wave and burst rules no fresh sender. Mail that arrives out of order by less than a
    day moves it as before.
    """
    if t >= first_seen:
        return first_seen
    floor = ref - LATE_MAIL
    low = first_seen if first_seen < floor else floor
    return t if t > low else low


def _scaled(profile_ref: float, t: float, decay: Decay) -> tuple[float, float]:
    """Return (weight, rebase factor) for an update at ``t``; factor 1.0 means no rebase."""
    w = decay.weight(t, profile_ref)
    if w > 2.0**_REBASE_EXPONENT:
        return 1.0, w
    return w, 1.0


def _bumped(counter: dict[str, float], key: str, w: float, keep: int) -> dict[str, float]:
    """A copy of ``counter`` after :func:`_bump` (``counter`` itself is left unchanged)."""
    out = dict(counter)
    _bump(out, key, w, keep)
    return out


def _divided(counter: dict[str, float], factor: float) -> dict[str, float]:
    """A copy of ``counter`` with every value divided by ``factor`` (as :func:`_rescale`)."""
    return {k: v / factor for k, v in counter.items()}


def _rescale(counter: dict[str, float], factor: float) -> None:
    for k in counter:
        counter[k] /= factor


def network_of(ip: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) of a client address, as a short string; ``""`` if none."""
    if not ip:
        return ""
    if ":" in ip:
        return ":".join(ip.split(":")[:3]) + "::/48"
    head, _, _ = ip.rpartition(".")
    return head + ".0/24" if head else ""


# --------------------------------------------------------------------------- profiles


@dataclass(slots=True)
class SenderProfile:
    """What one sender address has done at this tenant (counts are scaled; see module doc)."""

    ref: float
    first_seen: float
    last_seen: float
    count: float = 0.0
    n_recipients: int = 0
    display_names: dict[str, float] = field(default_factory=dict)
    reply_to_domains: dict[str, float] = field(default_factory=dict)
    return_path_domains: dict[str, float] = field(default_factory=dict)
    hours: list[float] = field(default_factory=lambda: [0.0] * 24)
    weekdays: list[float] = field(default_factory=lambda: [0.0] * 7)
    auth: dict[str, float] = field(default_factory=dict)
    networks: dict[str, float] = field(default_factory=dict)
    link_domains: dict[str, float] = field(default_factory=dict)
    attachment_types: dict[str, float] = field(default_factory=dict)
    verdicts: dict[str, float] = field(default_factory=dict)
    max_fanout: int = 0
    flagged: float = 0.0
    """Messages whose heuristics found evidence of an attack (see ``observe_sender``)."""

    def copy(self) -> SenderProfile:
        return SenderProfile(
            self.ref, self.first_seen, self.last_seen, self.count, self.n_recipients,
            dict(self.display_names), dict(self.reply_to_domains),
            dict(self.return_path_domains), list(self.hours), list(self.weekdays),
            dict(self.auth), dict(self.networks), dict(self.link_domains),
            dict(self.attachment_types), dict(self.verdicts), self.max_fanout, self.flagged,
        )

    def shallow_copy(self) -> SenderProfile:
        """A copy sharing every counter except ``verdicts``, for copy-on-write updates.

        :func:`observe_sender` replaces each counter it changes (most messages change a
        few of the ten), so copying them all up front was wasted work and memory. Only
        ``verdicts`` is copied: :func:`count_verdict` counts into the batch's own profile
        in place. Nothing else may change a shared counter in place.
        """
        return SenderProfile(
            self.ref, self.first_seen, self.last_seen, self.count, self.n_recipients,
            self.display_names, self.reply_to_domains, self.return_path_domains,
            self.hours, self.weekdays, self.auth, self.networks, self.link_domains,
            self.attachment_types, dict(self.verdicts), self.max_fanout, self.flagged,
        )

    def to_list(self) -> list[Any]:
        return [self.ref, self.first_seen, self.last_seen, self.count, self.n_recipients,
                self.display_names, self.reply_to_domains, self.return_path_domains,
                self.hours, self.weekdays, self.auth, self.networks, self.link_domains,
                self.attachment_types, self.verdicts, self.max_fanout, self.flagged]

    @classmethod
    def from_list(cls, v: list[Any]) -> SenderProfile:
        return cls(*v)


@dataclass(slots=True)
class RecipientProfile:
    """One mailbox of the tenant: how much mail it gets and from whom."""

    ref: float
    first_seen: float
    last_seen: float
    count: float = 0.0
    external: float = 0.0
    first_contacts: float = 0.0
    n_correspondents: int = 0
    correspondents: dict[str, float] = field(default_factory=dict)
    vip: bool = False

    def copy(self) -> RecipientProfile:
        return RecipientProfile(self.ref, self.first_seen, self.last_seen, self.count,
                                self.external, self.first_contacts, self.n_correspondents,
                                dict(self.correspondents), self.vip)

    def to_list(self) -> list[Any]:
        return [self.ref, self.first_seen, self.last_seen, self.count, self.external,
                self.first_contacts, self.n_correspondents, self.correspondents, self.vip]

    @classmethod
    def from_list(cls, v: list[Any]) -> RecipientProfile:
        return cls(*v)


@dataclass(slots=True)
class PairProfile:
    """Sender → recipient. ``count`` is exact (no decay): a relationship is a fact.

    Whether the recipient wrote back is the reverse pair's ``count`` (read at scoring time),
    so one message updates one pair key per recipient, not two.
    """

    first_seen: float
    last_seen: float
    count: int = 0
    threads: int = 0

    def copy(self) -> PairProfile:
        return PairProfile(self.first_seen, self.last_seen, self.count, self.threads)

    def to_list(self) -> list[Any]:
        return [self.first_seen, self.last_seen, self.count, self.threads]

    @classmethod
    def from_list(cls, v: list[Any]) -> PairProfile:
        return cls(*v)


@dataclass(slots=True)
class DomainProfile:
    """A sender domain (registrable) seen at this tenant."""

    ref: float
    first_seen: float
    last_seen: float
    count: float = 0.0
    n_senders: int = 0
    outbound: int = 0
    payment_threads: int = 0
    lookalike_of: str = ""

    def copy(self) -> DomainProfile:
        return DomainProfile(self.ref, self.first_seen, self.last_seen, self.count,
                             self.n_senders, self.outbound, self.payment_threads,
                             self.lookalike_of)

    @property
    def known_vendor(self) -> bool:
        """The tenant has exchanged invoice or payment threads with this domain."""
        return self.payment_threads > 0

    def to_list(self) -> list[Any]:
        return [self.ref, self.first_seen, self.last_seen, self.count, self.n_senders,
                self.outbound, self.payment_threads, self.lookalike_of]

    @classmethod
    def from_list(cls, v: list[Any]) -> DomainProfile:
        return cls(*v)


_TENANT_BASE_FIELDS: Final = 6
"""Fields every release since sender policy reads; later ones are written only when used."""


@dataclass(slots=True)
class TenantProfile:
    """What the tenant is: its domains, the ones it trusts, its sender policy.

    ``known_domains`` are the domains it writes to. The policy, from directory entries
    (oldest first): ``blocked_senders`` the addresses and domains (no ``@``) its analysts
    blocked, ``allowed_senders`` those they allowed (``allowed_until``: when those with an
    expiry stop applying), ``simulations`` its phishing-simulation rules as
    ``[domain, [cidr, ...], expires_at]`` (0: never), ``blocked_links`` the link hosts it
    blocked (each with its subdomains), ``blocked_files`` the attachment digests it blocked.
    Changes only when a domain joins a set or an analyst acts, so it is rewritten rarely, not
    every batch. A value written before a list existed reads it as empty; the lists added
    since ``allowed_until`` are written only up to the last one holding something, so a
    store without such rules stays readable by the release before them (a rollback).
    ``languages``: the ISO codes of the languages its own people write in, as sampled mail
    taught them (``detectors.language``), oldest first. Most tenants have some, so their
    values carry nine fields, which the releases before ``languages`` cannot read (they build
    the profile from exactly the fields they know). From this release on, fields a later
    release appends are ignored when read, so a rollback to this one reads a newer store.
    """

    own_domains: list[str] = field(default_factory=list)
    known_domains: list[str] = field(default_factory=list)
    blocked_senders: list[str] = field(default_factory=list)
    allowed_senders: list[str] = field(default_factory=list)
    simulations: list[list[Any]] = field(default_factory=list)
    allowed_until: dict[str, float] = field(default_factory=dict)
    blocked_links: list[str] = field(default_factory=list)
    blocked_files: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    def copy(self) -> TenantProfile:
        return TenantProfile(list(self.own_domains), list(self.known_domains),
                             list(self.blocked_senders), list(self.allowed_senders),
                             [[r[0], list(r[1]), *r[2:]] for r in self.simulations],
                             dict(self.allowed_until), list(self.blocked_links),
                             list(self.blocked_files), list(self.languages))

    def to_list(self) -> list[Any]:
        out = [self.own_domains, self.known_domains, self.blocked_senders,
               self.allowed_senders, self.simulations, self.allowed_until,
               self.blocked_links, self.blocked_files, self.languages]
        while len(out) > _TENANT_BASE_FIELDS and not out[-1]:
            out.pop()
        return out

    @classmethod
    def from_list(cls, v: list[Any]) -> TenantProfile:
        return cls(*v[:_TENANT_FIELDS])


_TENANT_FIELDS: Final = len(fields(TenantProfile))


@dataclass(slots=True)
class PersonProfile:
    """An internal person, found by normalised display name.

    Holds the addresses that name uses internally, whether the directory marks them VIP, and
    their title.
    """

    addresses: list[str] = field(default_factory=list)
    display_name: str = ""
    vip: bool = False
    title: str = ""

    def copy(self) -> PersonProfile:
        return PersonProfile(list(self.addresses), self.display_name, self.vip, self.title)

    def to_list(self) -> list[Any]:
        return [self.addresses, self.display_name, self.vip, self.title]

    @classmethod
    def from_list(cls, v: list[Any]) -> PersonProfile:
        return cls(*v)


@dataclass(slots=True)
class CampaignProfile:
    """One normalised subject arriving at the tenant from strangers, within a time window.

    A spam or phishing wave sends the same subject from many fresh senders and domains at
    once; a newsletter sends it from one. Only first-contact inbound senders are counted, and
    the window restarts after ``CAMPAIGN_WINDOW`` seconds of silence.
    """

    first_seen: float
    last_seen: float
    senders: int = 0
    domains: list[str] = field(default_factory=list)

    def copy(self) -> CampaignProfile:
        return CampaignProfile(self.first_seen, self.last_seen, self.senders, list(self.domains))

    def to_list(self) -> list[Any]:
        return [self.first_seen, self.last_seen, self.senders, self.domains]

    @classmethod
    def from_list(cls, v: list[Any]) -> CampaignProfile:
        return cls(*v)


CAMPAIGN_WINDOW: Final = 24 * 3600.0
MAX_CAMPAIGN_DOMAINS: Final = 16


def observe_campaign(p: CampaignProfile | None, *, t: float, sender_domain: str
                     ) -> CampaignProfile:
    """The campaign profile after one more stranger sent this subject at time ``t``."""
    if p is None or t - p.last_seen > CAMPAIGN_WINDOW:
        p = CampaignProfile(first_seen=t, last_seen=t)
    else:
        p = p.copy()
    p.last_seen = max(p.last_seen, t)
    p.senders += 1
    if sender_domain and sender_domain not in p.domains and \
            len(p.domains) < MAX_CAMPAIGN_DOMAINS:
        p.domains.append(sender_domain)
    return p


@dataclass(slots=True)
class HeldContentProfile:
    """Mail the tenant's cascade held, filed under one band of its content fingerprint.

    ``detectors.fingerprint`` defines the fingerprint and its bands; the cascade's campaign
    memory files every held inbound message under each of its bands and looks a stranger's
    message up by its own, so a near-copy of held mail is found with one multi-get. A band
    keeps the last held message that had it (a campaign's newest variant is the likeliest to
    come again): its fingerprint, to check a candidate against, and its message id, attack
    type and time, the evidence a verdict names. ``origin`` is the message that started the
    chain: the held message itself, or, for one the memory held as a near-copy, its source's
    origin, so releasing a message forgets what it made the memory hold
    (``PartitionState.forget_held``). One object is filed under all of a message's bands and
    written without reading what was there: a held message costs its keys' writes and no
    read. Forgotten after ``HELD_CONTENT_WINDOW`` without another held copy.
    """

    last_seen: float
    attack_type: str
    message_id: str
    signature: bytes
    origin: str = ""

    def to_list(self) -> list[Any]:
        return [self.last_seen, self.attack_type, self.message_id, self.signature.hex(),
                self.origin]

    @classmethod
    def from_list(cls, v: list[Any]) -> HeldContentProfile:
        return cls(v[0], v[1], v[2], bytes.fromhex(v[3]), v[4])


HELD_CONTENT_WINDOW: Final = 90 * 86400.0
"""How long the campaign memory remembers a band without another held copy: kits resend a
template for months (on the corpus replay, 30 days caught 74 near-copies, 90 days 111, no
limit 131); after that the next wave is judged afresh."""


Profile = (SenderProfile | RecipientProfile | PairProfile | DomainProfile | TenantProfile
           | PersonProfile | CampaignProfile | HeldContentProfile)

KIND_SENDER: Final = b"S"
KIND_RECIPIENT: Final = b"R"
KIND_PAIR: Final = b"P"
KIND_DOMAIN: Final = b"D"
KIND_TENANT: Final = b"T"
KIND_PERSON: Final = b"N"
KIND_CAMPAIGN: Final = b"C"
KIND_HELD: Final = b"H"
KINDS: Final[dict[bytes, type]] = {
    KIND_SENDER: SenderProfile,
    KIND_RECIPIENT: RecipientProfile,
    KIND_PAIR: PairProfile,
    KIND_DOMAIN: DomainProfile,
    KIND_TENANT: TenantProfile,
    KIND_PERSON: PersonProfile,
    KIND_CAMPAIGN: CampaignProfile,
    KIND_HELD: HeldContentProfile,
}
KIND_NAMES: Final[dict[bytes, str]] = {
    KIND_SENDER: "sender", KIND_RECIPIENT: "recipient", KIND_PAIR: "pair",
    KIND_DOMAIN: "domain", KIND_TENANT: "tenant", KIND_PERSON: "person",
    KIND_CAMPAIGN: "campaign", KIND_HELD: "held_content",
}
SEP: Final = "\x1f"
SEP_STAND_IN: Final = "\ufffd"
"""What a separator inside an address becomes in a key (:func:`key_part`)."""


def key_part(text: str) -> str:
    """``text`` as a part of a key: a separator in it replaced by U+FFFD.

    A pair's key is its sender and recipient joined by the separator, and a sender writes
    its own address (and the header recipients): From "bob@acme.com<US>ev" to "il@x" had
    the key of bob's own mail to "ev<US>il@x", so one message forged the reply that makes
    "ev<US>il@x" a trusted correspondent of bob's.
    """
    return text.replace(SEP, SEP_STAND_IN) if SEP in text else text


def make_key(kind: bytes, tenant: str, *parts: str) -> bytes:
    """``kind byte + tenant + US + part [+ US + part]``: tenants never share a key.

    Each part goes through :func:`key_part`, so parts never run into each other.
    """
    return kind + (tenant + SEP + SEP.join(map(key_part, parts))).encode("utf-8")


def split_key(key: bytes) -> tuple[bytes, str, list[str]]:
    """Inverse of :func:`make_key`."""
    tenant, *parts = key[1:].decode("utf-8").split(SEP)
    return key[:1], tenant, parts


# Layouts 2 and 3, per kind: the version byte and the numeric fields in one struct, then the
# variable part as orjson. Field order is the dataclass's; tests pin the round trips.
_PAIR: Final = struct.Struct("<Bddqq")  # first_seen, last_seen, count, threads
_RECIPIENT: Final = struct.Struct("<Bddddddq?")  # ref … n_correspondents, vip
_SENDER: Final = struct.Struct("<Bddddqqd")  # ref, first/last_seen, count, n_recipients,
#                                              max_fanout, flagged
_SENDER_V2: Final = struct.Struct("<Bddddqq")  # layout 2: no flagged
_DOMAIN: Final = struct.Struct("<Bddddqqq")  # ref … payment_threads; lookalike_of follows
_CAMPAIGN: Final = struct.Struct("<Bddq")  # first_seen, last_seen, senders; domains follow
_HELD: Final = struct.Struct("<Bd")  # last_seen; the signature, then type and id follow
_VERSION: Final = bytes((LAYOUT_VERSION,))
_dumps, _loads = orjson.dumps, orjson.loads


def _encode_pair(p: PairProfile) -> bytes:
    return _PAIR.pack(LAYOUT_VERSION, p.first_seen, p.last_seen, p.count, p.threads)


def _encode_recipient(p: RecipientProfile) -> bytes:
    return _RECIPIENT.pack(LAYOUT_VERSION, p.ref, p.first_seen, p.last_seen, p.count,
                           p.external, p.first_contacts, p.n_correspondents, p.vip) + \
        _dumps(p.correspondents)


def _encode_sender(p: SenderProfile) -> bytes:
    return _SENDER.pack(LAYOUT_VERSION, p.ref, p.first_seen, p.last_seen, p.count,
                        p.n_recipients, p.max_fanout, p.flagged) + \
        _dumps((p.display_names, p.reply_to_domains, p.return_path_domains, p.hours,
                p.weekdays, p.auth, p.networks, p.link_domains, p.attachment_types,
                p.verdicts))


def _encode_domain(p: DomainProfile) -> bytes:
    return _DOMAIN.pack(LAYOUT_VERSION, p.ref, p.first_seen, p.last_seen, p.count,
                        p.n_senders, p.outbound, p.payment_threads) + \
        p.lookalike_of.encode("utf-8")


def _encode_campaign(p: CampaignProfile) -> bytes:
    return _CAMPAIGN.pack(LAYOUT_VERSION, p.first_seen, p.last_seen, p.senders) + \
        _dumps(p.domains)


def _encode_held(p: HeldContentProfile) -> bytes:
    return _HELD.pack(LAYOUT_VERSION, p.last_seen) + \
        len(p.signature).to_bytes(2, "little") + p.signature + \
        _dumps((p.attack_type, p.message_id, p.origin))


def _encode_json(p: TenantProfile | PersonProfile) -> bytes:
    """Tenant and person profiles are lists of strings, rarely written: orjson as they are."""
    return _VERSION + _dumps(p.to_list())


def _decode_pair(value: bytes) -> PairProfile:
    _, first_seen, last_seen, count, threads = _PAIR.unpack_from(value)
    return PairProfile(first_seen, last_seen, count, threads)


def _decode_recipient(value: bytes) -> RecipientProfile:
    _, ref, first_seen, last_seen, count, external, first_contacts, n_correspondents, vip = \
        _RECIPIENT.unpack_from(value)
    return RecipientProfile(ref, first_seen, last_seen, count, external, first_contacts,
                            n_correspondents, _loads(value[_RECIPIENT.size:]), vip)


def _decode_sender(value: bytes) -> SenderProfile:
    _, ref, first_seen, last_seen, count, n_recipients, max_fanout, flagged = \
        _SENDER.unpack_from(value)
    return _sender(value[_SENDER.size:], ref, first_seen, last_seen, count, n_recipients,
                   max_fanout, flagged)


def _decode_sender_v2(value: bytes) -> SenderProfile:
    _, ref, first_seen, last_seen, count, n_recipients, max_fanout = \
        _SENDER_V2.unpack_from(value)
    return _sender(value[_SENDER_V2.size:], ref, first_seen, last_seen, count, n_recipients,
                   max_fanout, 0.0)


def _sender(counters: bytes, ref: float, first_seen: float, last_seen: float, count: float,
            n_recipients: int, max_fanout: int, flagged: float) -> SenderProfile:
    (display_names, reply_to, return_path, hours, weekdays, auth, networks, links,
     attachments, verdicts) = _loads(counters)
    return SenderProfile(ref, first_seen, last_seen, count, n_recipients, display_names,
                         reply_to, return_path, hours, weekdays, auth, networks, links,
                         attachments, verdicts, max_fanout, flagged)


def _decode_domain(value: bytes) -> DomainProfile:
    _, ref, first_seen, last_seen, count, n_senders, outbound, payment_threads = \
        _DOMAIN.unpack_from(value)
    return DomainProfile(ref, first_seen, last_seen, count, n_senders, outbound,
                         payment_threads, value[_DOMAIN.size:].decode("utf-8"))


def _decode_campaign(value: bytes) -> CampaignProfile:
    _, first_seen, last_seen, senders = _CAMPAIGN.unpack_from(value)
    return CampaignProfile(first_seen, last_seen, senders,
                           _loads(value[_CAMPAIGN.size:]))


def _decode_held(value: bytes) -> HeldContentProfile:
    _, last_seen = _HELD.unpack_from(value)
    start = _HELD.size + 2
    end = start + int.from_bytes(value[_HELD.size:start], "little")
    attack_type, message_id, origin = _loads(value[end:])
    return HeldContentProfile(last_seen, attack_type, message_id, value[start:end], origin)


_ENCODERS: Final[dict[type, Callable[[Any], bytes]]] = {
    PairProfile: _encode_pair,
    RecipientProfile: _encode_recipient,
    SenderProfile: _encode_sender,
    DomainProfile: _encode_domain,
    CampaignProfile: _encode_campaign,
    HeldContentProfile: _encode_held,
    TenantProfile: _encode_json,
    PersonProfile: _encode_json,
}
_DECODERS: Final[dict[bytes, Callable[[bytes], Any]]] = {
    KIND_PAIR: _decode_pair,
    KIND_RECIPIENT: _decode_recipient,
    KIND_SENDER: _decode_sender,
    KIND_DOMAIN: _decode_domain,
    KIND_CAMPAIGN: _decode_campaign,
    KIND_HELD: _decode_held,
    KIND_TENANT: lambda value: TenantProfile.from_list(_loads(value[1:])),
    KIND_PERSON: lambda value: PersonProfile.from_list(_loads(value[1:])),
}


def encode(profile: Profile) -> bytes:
    """The stored value of ``profile``, in the current layout (see the module doc)."""
    return _ENCODERS[type(profile)](profile)


def encode_v1(profile: Profile) -> bytes:
    """``profile`` in layout 1 (an orjson array), as older builds wrote it; for tests."""
    return bytes((_JSON_LAYOUT,)) + orjson.dumps(profile.to_list())


def encode_v2(profile: Profile) -> bytes:
    """``profile`` in layout 2 (senders without ``flagged``), as older builds wrote it."""
    if isinstance(profile, SenderProfile):
        return _SENDER_V2.pack(_PACKED_V2, profile.ref, profile.first_seen, profile.last_seen,
                               profile.count, profile.n_recipients, profile.max_fanout) + \
            _encode_sender(profile)[_SENDER.size:]
    return bytes((_PACKED_V2,)) + encode(profile)[1:]


# Where each expiring kind's ``last_seen`` sits in its packed value (layouts 2 and 3 alike):
# after the version byte, then ``ref`` and ``first_seen`` (pairs and campaigns have no ref,
# held-content bands neither).
_LAST_SEEN_AT: Final[dict[bytes, int]] = {KIND_PAIR: 9, KIND_CAMPAIGN: 9, KIND_HELD: 1,
                                          KIND_SENDER: 17, KIND_RECIPIENT: 17,
                                          KIND_DOMAIN: 17}
_FLOAT: Final = struct.Struct("<d")


def idle_horizon(kind: bytes, idle_expiry: float) -> float | None:
    """Seconds without mail after which a profile of ``kind`` is as good as absent.

    Sender, mailbox, pair and domain profiles read as absent after ``idle_expiry`` (0: never);
    a campaign restarts after ``CAMPAIGN_WINDOW`` of silence (and its detector ignores it by
    then), a held-content band after ``HELD_CONTENT_WINDOW``; tenant and person profiles
    come from the tenant's own mail and directory and never go idle. ``None``: never.
    """
    if kind == KIND_CAMPAIGN:
        return CAMPAIGN_WINDOW
    if kind == KIND_HELD:
        return HELD_CONTENT_WINDOW
    if kind in _LAST_SEEN_AT and idle_expiry > 0.0:
        return idle_expiry
    return None


def last_seen_of(kind: bytes, value: bytes) -> float:
    """The ``last_seen`` of a stored value of an expiring kind, without decoding the rest.

    The expiry sweep reads it for every key it visits; unpacking one double costs a tenth of
    a decode. Layout-1 values (one orjson array) are decoded whole.
    """
    if value[0] in PACKED_LAYOUTS:
        return float(_FLOAT.unpack_from(value, _LAST_SEEN_AT[kind])[0])
    return float(decode(kind, value).last_seen)  # type: ignore[union-attr]


def expiry_rules(idle_expiry: float) -> dict[bytes, tuple[float, int]]:
    """``{kind: (idle horizon, offset of last_seen in a packed value)}`` of expiring kinds.

    The sweep's per-key test inlined (:func:`idle_horizon`, :func:`last_seen_of`): it visits
    a couple of keys per message, and two calls per key were most of its cost.
    """
    rules = {}
    for kind, offset in _LAST_SEEN_AT.items():
        horizon = idle_horizon(kind, idle_expiry)
        if horizon is not None:
            rules[kind] = (horizon, offset)
    return rules


PACKED_LAYOUTS: Final = frozenset({LAYOUT_VERSION, _PACKED_V2})
"""Layout versions whose numeric fields are ``struct``-packed at fixed offsets."""


def decode(kind: bytes, value: bytes) -> Profile:
    """Decode a stored value of ``kind``; reads layout 1 too, refuses newer layouts."""
    version = value[0]
    if version == LAYOUT_VERSION:
        return _DECODERS[kind](value)  # type: ignore[no-any-return]
    if version == _PACKED_V2:
        decoder = _decode_sender_v2 if kind == KIND_SENDER else _DECODERS[kind]
        return decoder(value)  # type: ignore[no-any-return]
    if version == _JSON_LAYOUT:
        cls: Any = KINDS[kind]
        return cls.from_list(orjson.loads(value[1:]))  # type: ignore[no-any-return]
    raise LayoutVersionError(
        f"{KIND_NAMES.get(kind, kind)!r} value has layout version {version}; this build "
        f"reads layouts {_JSON_LAYOUT}-{LAYOUT_VERSION} (upgrade mailhawk or restore state "
        "from the changelog)"
    )


# --------------------------------------------------------------------------- observe


def observe_sender(
    p: SenderProfile | None,
    *,
    t: float,
    display_name: str,
    reply_to_domain: str,
    return_path_domain: str,
    auth: tuple[str, str, str],
    network: str,
    link_domains: tuple[str, ...],
    attachment_types: tuple[str, ...],
    new_recipients: int,
    fanout: int,
    decay: Decay,
    learn: bool = True,
    flagged: bool = False,
) -> SenderProfile:
    """The sender profile after one more message at time ``t``.

    With ``learn=False`` (a message the heuristics found suspicious) the message is counted
    but teaches nothing about how the sender normally behaves: a compromised account's own
    campaign must not make its new network, hour and link domain look usual to the next
    message of the same campaign.

    ``flagged=True`` (the heuristics found evidence of an attack, not merely an anomaly)
    also counts the message in ``flagged``: how many of this sender's messages carried such
    evidence, which the ``flagged_sender`` detector reads. It is counted here, in message
    order, and not from verdicts: those come after the batch's models, and a count that
    depended on where batches are cut would give a message scored again after a crash
    another verdict.
    """
    p = SenderProfile(ref=t, first_seen=t, last_seen=t) if p is None else p.shallow_copy()
    w, factor = _scaled(p.ref, t, decay)
    if factor != 1.0:
        _rebase_sender(p, factor, t)
    p.last_seen = max(p.last_seen, t)
    p.first_seen = _first_sighting(p.first_seen, t, p.ref)
    p.count += w
    if flagged:
        p.flagged += w
    if not learn:
        return p
    p.n_recipients += new_recipients
    p.max_fanout = max(p.max_fanout, fanout)
    # Copy on write: a counter this message changes is replaced by a changed copy; the
    # others stay shared with the previous profile (see SenderProfile.shallow_copy).
    if display_name:
        p.display_names = _bumped(p.display_names, display_name, w, TOP_DISPLAY_NAMES)
    if reply_to_domain:
        p.reply_to_domains = _bumped(p.reply_to_domains, reply_to_domain, w, TOP_SMALL)
    if return_path_domain:
        p.return_path_domains = _bumped(p.return_path_domains, return_path_domain, w,
                                        TOP_SMALL)
    tm = int(t)
    p.hours = hours = list(p.hours)
    hours[(tm // 3600) % 24] += w
    p.weekdays = weekdays = list(p.weekdays)
    weekdays[(tm // 86400 + 3) % 7] += w  # 1970-01-01 was a Thursday; Monday = 0
    if any(auth):
        p.auth = counter = dict(p.auth)
        for name, outcome in zip(("spf", "dkim", "dmarc"), auth, strict=True):
            if outcome:
                _bump(counter, f"{name}_{'pass' if outcome == 'pass' else 'fail'}", w, 8)
    if network:
        p.networks = _bumped(p.networks, network, w, TOP_NETWORKS)
    if link_domains:
        p.link_domains = counter = dict(p.link_domains)
        for d in link_domains:
            _bump(counter, d, w, TOP_LINK_DOMAINS)
    if attachment_types:
        p.attachment_types = counter = dict(p.attachment_types)
        for ext in attachment_types:
            _bump(counter, ext, w, TOP_SMALL)
    return p


def observe_verdict(p: SenderProfile, *, t: float, action: str, decay: Decay) -> SenderProfile:
    """The sender profile after one of its messages at time ``t`` was given ``action``.

    Kept apart from :func:`observe_sender` because verdicts come after the batched models:
    features never read these counts, so a batch's scores do not depend on where the batch
    boundaries fall (a re-run after a crash gives the same verdicts), and the counts added
    here commute with the batch's other updates.
    """
    p = p.copy()
    count_verdict(p, t=t, action=action, decay=decay)
    return p


def count_verdict(p: SenderProfile, *, t: float, action: str, decay: Decay) -> None:
    """:func:`observe_verdict` on a profile the caller owns (mutates ``p``)."""
    w, factor = _scaled(p.ref, t, decay)
    if factor != 1.0:
        _rebase_sender(p, factor, t)
    _bump(p.verdicts, action, w, 4)


def _rebase_sender(p: SenderProfile, factor: float, t: float) -> None:
    """Divide every counter of ``p`` by ``factor``, into new containers.

    ``p``'s counters may be shared with the profile it was copied from
    (:meth:`SenderProfile.shallow_copy`), so they are replaced, never changed in place.
    """
    p.ref = t
    p.count /= factor
    p.flagged /= factor
    p.display_names = _divided(p.display_names, factor)
    p.reply_to_domains = _divided(p.reply_to_domains, factor)
    p.return_path_domains = _divided(p.return_path_domains, factor)
    p.auth = _divided(p.auth, factor)
    p.networks = _divided(p.networks, factor)
    p.link_domains = _divided(p.link_domains, factor)
    p.attachment_types = _divided(p.attachment_types, factor)
    p.verdicts = _divided(p.verdicts, factor)
    p.hours = [h / factor for h in p.hours]
    p.weekdays = [d / factor for d in p.weekdays]


def observe_recipient(
    p: RecipientProfile | None,
    *,
    t: float,
    sender: str,
    external: bool,
    first_contact: bool,
    decay: Decay,
) -> RecipientProfile:
    """The recipient profile after it received one more message at time ``t``."""
    return count_recipient(None if p is None else p.copy(), t, sender, external,
                           first_contact, decay)


def count_recipient(p: RecipientProfile | None, t: float, sender: str, external: bool,
                    first_contact: bool, decay: Decay) -> RecipientProfile:
    """:func:`observe_recipient` on a profile the caller owns (mutates ``p``; None: new).

    Runs once per recipient per message (6–8 times per Enron message), so the weight and the
    counter bump are written out here rather than called; the arithmetic is the same as
    :meth:`Decay.weight` and :func:`_bump`, operation for operation.
    """
    if p is None:
        p = RecipientProfile(t, t, t)
        w = 1.0  # weight(t, ref=t)
    else:
        h = decay.half_life
        if h > 0.0:
            exponent = (t - p.ref) / h
            w = math.inf if exponent > _MAX_EXPONENT else math.pow(2.0, exponent)
        else:
            w = 1.0
        if w > _REBASE_WEIGHT:
            factor, w = w, 1.0
            p.ref = t
            p.count /= factor
            p.external /= factor
            p.first_contacts /= factor
            _rescale(p.correspondents, factor)
        if t > p.last_seen:
            p.last_seen = t
        if t < p.first_seen:
            p.first_seen = t
    p.count += w
    if external:
        p.external += w
    if first_contact:
        p.first_contacts += w
        p.n_correspondents += 1
    if sender:
        counter = p.correspondents
        counter[sender] = counter.get(sender, 0.0) + w
        if len(counter) > 2 * TOP_CORRESPONDENTS:
            _prune(counter, TOP_CORRESPONDENTS)
    return p


def observe_pair(p: PairProfile | None, *, t: float, in_thread: bool) -> PairProfile:
    """The pair profile after one more message from sender to recipient at time ``t``."""
    p = PairProfile(first_seen=t, last_seen=t) if p is None else p.copy()
    p.first_seen = min(p.first_seen, t)
    p.last_seen = max(p.last_seen, t)
    p.count += 1
    if in_thread:
        p.threads += 1
    return p


def observe_domain(
    p: DomainProfile | None,
    *,
    t: float,
    new_sender: bool,
    outbound: int,
    payment_thread: bool,
    lookalike_of: str,
    decay: Decay,
) -> DomainProfile:
    """The domain profile after one more message from it (or ``outbound`` messages to it)."""
    if p is None:
        p = DomainProfile(ref=t, first_seen=t, last_seen=t, lookalike_of=lookalike_of)
    else:
        p = p.copy()
    w, factor = _scaled(p.ref, t, decay)
    if factor != 1.0:
        p.ref = t
        p.count /= factor
    p.first_seen = _first_sighting(p.first_seen, t, p.ref)
    p.last_seen = max(p.last_seen, t)
    if outbound:
        p.outbound += outbound
    else:
        p.count += w
    if new_sender:
        p.n_senders += 1
    if payment_thread:
        p.payment_threads += 1
    return p

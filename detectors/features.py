"""Per-message feature step: the facts the state needs and the content signals detectors read.

Runs once per message before the state lookup (it needs only the record), so the sender's
registrable domain, the normalised display name and the link domains are computed once and
shared by the state update and every detector.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from detectors.attachments import AttachmentRisk, assess_attachments
from detectors.domains import is_freemail, registrable_domain
from detectors.language import LEARN_CHARS, language_of, teaching_sample
from detectors.lexicon import Cues, scan_text, scan_texts
from detectors.memo import memoised
from detectors.names import address_in_display_name, looks_like_person, name_key
from detectors.urls import UrlRisk, assess_urls
from schemas.records import MailRecord
from state import MessageFacts


@dataclass(slots=True)
class ContentFeatures:
    """Content signals of one message (no state involved).

    Read-only by contract. Not ``frozen``: a frozen dataclass's ``__init__`` sets every field
    through ``object.__setattr__``, ~4x the cost of a plain one (about 1 µs per message for
    this class on the development VM, and it is built for every message).
    """

    cues: Cues
    urls: UrlRisk
    attachments: AttachmentRisk
    sender_freemail: bool
    reply_to_domains: tuple[str, ...]
    display_address: str | None


_DIGITS = re.compile("[0-9]+")  # a regex: str.translate deletes at half its speed


@memoised(65536)
def subject_key(subject: str) -> str:
    """A subject reduced to what a bulk campaign keeps constant (case, digits, spacing).

    Replies ("Re:", "Fwd:") and very short subjects give ``""``: threads and "hi" are no
    campaign. Memoised: campaigns and threads repeat subjects (70% of inbound subjects of
    the synthetic stream, 20% of the corpus stream).
    """
    s = " ".join(_DIGITS.sub("", subject.lower()).split())
    if len(s) < 12 or s.startswith(("re:", "fw:", "fwd:", "aw:", "wg:", "tr:")):
        return ""
    return s[:80]


def extract(record: MailRecord) -> tuple[MessageFacts, ContentFeatures]:
    """Compute the facts (for the state) and content features (for detectors) of ``record``."""
    return _extract(record, scan_text(record.subject, record.text))


def extract_batch(records: Sequence[MailRecord]) -> list[tuple[MessageFacts, ContentFeatures]]:
    """:func:`extract` for a batch: the lexicon scans every text in one vectorised pass.

    The per-word work of the lexicon was most of the feature step (DESIGN.md: a per-token
    Python loop costs more than everything else together); batched, it is numpy over the
    batch's bytes. The result equals ``[extract(r) for r in records]``.
    """
    cues = scan_texts([(r.subject, r.text) for r in records])
    return [_extract(r, c) for r, c in zip(records, cues, strict=True)]


MAX_REPLY_DOMAINS: Final = 16
"""Distinct Reply-To domains read. A reply goes to every Reply-To address, so none may be
skipped for being late in the list; but a crafted list of 80,000 addresses on as many
domains took 1.2 s. Padding with copies of one domain collapses to one; sixteen distinct
domains already diverge from any sender."""


def _reply_domains(record: MailRecord) -> tuple[str, ...]:
    """The registrable domains of ``record``'s Reply-To, distinct, in order, at most 16."""
    found: dict[str, None] = {}
    for address in record.reply_to:
        if address.domain:
            found[registrable_domain(address.domain)] = None
            if len(found) >= MAX_REPLY_DOMAINS:
                break
    return tuple(found)


def _extract(record: MailRecord, cues: Cues) -> tuple[MessageFacts, ContentFeatures]:
    sender_domain = registrable_domain(record.sender.domain)
    url_risk = assess_urls(record.urls, sender_domain, registrable=True)
    attachment_risk = assess_attachments(record.attachments)
    reply_domains = _reply_domains(record) if record.reply_to else ()
    rp = record.return_path.rpartition("@")[2]
    recipient_domains: tuple[str, ...] = ()
    if record.direction == "outbound":
        # Writing to someone at gmail.com says nothing about gmail.com as an organisation:
        # free-mail domains never gain domain-level trust.
        recipient_domains = tuple(sorted(
            d for d in {registrable_domain(a.rpartition("@")[2]) for a in record.recipients}
            if d and not is_freemail(d)))
    name = record.sender.name
    facts = MessageFacts(
        subject_key=subject_key(record.subject) if record.direction == "inbound" else "",
        sender_domain=sender_domain,
        display_key=name_key(name) if name else "",
        person_like=looks_like_person(name) if name else False,
        reply_to_domain=reply_domains[0] if reply_domains else "",
        return_path_domain=registrable_domain(rp) if rp else "",
        link_domains=url_risk.domains,
        attachment_types=attachment_risk.types,
        payment_language=cues.payment > 0 or cues.bank_change > 0,
        recipient_domains=recipient_domains,
        language=language_of(record.subject, record.text, record.html, chars=LEARN_CHARS)
        if teaching_sample(record) else "",
    )
    content = ContentFeatures(
        cues=cues,
        urls=url_risk,
        attachments=attachment_risk,
        sender_freemail=is_freemail(sender_domain),
        reply_to_domains=reply_domains,
        display_address=address_in_display_name(name, record.sender.address) if name
        else None,
    )
    return facts, content

"""The behaviour model's feature layout: one float vector per message, built with numpy.

The layout has a version; a model artifact records the version it was trained on and the
engine refuses an artifact of another version (``detectors.model.artifact``). Change the
order or meaning of any column → bump :data:`FEATURE_LAYOUT_VERSION`.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np

from detectors.rules.authentication import AUTH_FAILURES

if TYPE_CHECKING:
    from detectors.cascade import Assessment
    from detectors.lexicon import Cues

FEATURE_LAYOUT_VERSION: Final = 4
CLASSES: Final[tuple[str, ...]] = (
    "ham", "credential_phishing", "bec", "invoice_fraud", "account_takeover",
    "lookalike_domain", "malware", "spam", "scam",
)
DETECTORS: Final[tuple[str, ...]] = (
    "first_contact", "display_name_spoof", "display_name_address", "reply_to_divergence",
    "lookalike_domain", "brand_impersonation", "auth_failure", "url_risk", "attachment_risk",
    "vendor_fraud", "account_takeover", "spam_content", "sender_burst", "campaign_wave",
)
"""Detectors whose hits are model inputs, one column each, fixed by the layout version.

Listed, not derived from the registry: a new detector changes no column until the layout
version is bumped and the model retrained, so artifacts trained before it keep loading.
``flagged_sender``, ``text_obfuscation``, ``malformed_from``, ``attachment_password``,
``crypto_lure``, ``contact_elsewhere``, ``balance_lure``, ``celebrity_sender``,
``throwaway_share``, ``parcel_fee``, ``pseudo_tld``, ``docs_preview``, ``empty_message``,
``illicit_offer``, ``free_mail_relay`` and ``legal_threat`` are not inputs: they act through
``combine.decisive`` alone (the first's hits follow from the sender's earlier flagged mail,
the others' from disguises, files, topics, names, relays and requests the redistributable
training corpora hardly hold: a column the training replay never or barely sets would teach
the model nothing). Nor are ``stranger_link`` and ``crypto_mention``, which only corroborate a
warning: the model already reads the link signals (``url_score``) and the first contact the
first restates, and the second is the crypto topic's weak form."""
CUES: Final[tuple[str, ...]] = ("payment", "bank_change", "urgency", "gift_card", "payroll",
                                "credential", "secrecy", "spam", "scam", "malware_lure")
_BASE: Final[tuple[str, ...]] = (
    "url_score", "n_urls", "attachment_score", "n_attachments",
    "sender_known", "sender_count", "sender_age_days", "sender_recipients",
    "domain_known", "domain_count", "domain_outbound", "domain_vendor",
    "first_contact", "any_reverse", "n_recipients", "min_pair_count",
    "sender_freemail", "reply_to_diverges", "person_like", "person_match",
    "spf_fail", "dkim_fail", "dmarc_fail", "auth_missing",
    "inbound", "internal", "outbound", "text_len", "has_html",
)
COLUMNS: Final[tuple[str, ...]] = (
    tuple(f"hit_{d}" for d in DETECTORS) + tuple(f"cue_{c}" for c in CUES) + _BASE
    + tuple(f"content_{c}" for c in CLASSES)
)
N_FEATURES: Final = len(COLUMNS)
_CONTENT_START: Final = N_FEATURES - len(CLASSES)
_DETECTOR_INDEX: Final = {d: i for i, d in enumerate(DETECTORS)}


def layout() -> dict[str, object]:
    """The layout as recorded in a model artifact's manifest."""
    return {"version": FEATURE_LAYOUT_VERSION, "columns": list(COLUMNS),
            "classes": list(CLASSES)}


# Columns that hold ``log1p(max(0, x))`` of a raw count rather than the value itself.
_LOG_COLUMNS: Final[tuple[str, ...]] = (
    *(f"cue_{c}" for c in CUES), "n_urls", "n_attachments", "sender_count", "sender_age_days",
    "sender_recipients", "domain_count", "n_recipients", "min_pair_count", "text_len",
)
_LOG_INDEX: Final[tuple[int, ...]] = tuple(COLUMNS.index(c) for c in _LOG_COLUMNS)
_CUE_START: Final = len(DETECTORS)
_BASE_START: Final = _CUE_START + len(CUES)


def behaviour_matrix(assessments: Sequence[Assessment],
                     content_probs: np.ndarray | None) -> np.ndarray:
    """One row per assessment (float32); content columns from ``content_probs`` if given.

    Rows hold raw values (counts, bools, scores) as Python tuples, converted once per batch;
    the log columns are then transformed in one numpy call over the batch. A ``math.log1p``
    call per value and a ``getattr`` per cue were most of the per-message cost (12 µs a
    scored message). ``np.log1p`` of a float64 may differ from ``math.log1p`` in the last
    bit of the double, which the float32 result does not show.
    """
    detector_index = _DETECTOR_INDEX
    # Hit columns are sparse (a message has a few hits of 14 detectors) and messages share
    # their Cues objects (``scan_texts`` memoises them): both are gathered apart from the
    # per-message tuple, which numpy converts at ~30 ns a value.
    hit_rows: list[int] = []
    hit_cols: list[int] = []
    hit_scores: list[float] = []
    cue_ids: dict[int, int] = {}
    cue_sets: list[Cues] = []
    cue_row: list[int] = []
    rows = []
    for i, a in enumerate(assessments):
        for h in a.hits:
            j = detector_index.get(h.detector)
            if j is not None:
                hit_rows.append(i)
                hit_cols.append(j)
                hit_scores.append(h.score)
        content = a.content
        cues = content.cues
        k = cue_ids.get(id(cues))
        if k is None:
            k = cue_ids[id(cues)] = len(cue_sets)
            cue_sets.append(cues)
        cue_row.append(k)
        r, snap = a.record, a.snapshot
        s = snap.sender
        t = r.received_at
        dom = snap.domain
        rcpts = snap.recipients
        auth = r.auth
        direction = r.direction
        # first contact: no recipient has a pair either way; min_pair: the first smallest.
        first_contact = s is None if not rcpts else True
        any_reverse = False
        min_pair: float = 0
        # A RecipientView is a tuple (address, profile, pair, reverse): unpacked, not read
        # through its properties (two calls per recipient, ~20 recipients a scored message).
        for n, (_, _, pair, reverse) in enumerate(rcpts):
            count = pair.count if pair else 0
            if n == 0 or count < min_pair:
                min_pair = count
            if pair is not None:
                first_contact = False
            if reverse is not None:
                any_reverse = True
                first_contact = False
        person = snap.person
        rows.append((
            content.urls.score, len(r.urls), content.attachments.score, len(r.attachments),
            s is not None, snap.decayed(s.count, s.ref, t) if s else 0.0,
            (t - s.first_seen) / 86400.0 if s else 0.0, s.n_recipients if s else 0,
            dom is not None, snap.decayed(dom.count, dom.ref, t) if dom else 0.0,
            bool(dom and dom.outbound), bool(dom and dom.known_vendor),
            first_contact, any_reverse, len(rcpts), min_pair,
            content.sender_freemail,
            bool(content.reply_to_domains)
            and any(d != a.facts.sender_domain for d in content.reply_to_domains),
            a.facts.person_like,
            person is not None and r.sender.address not in person.addresses,
            auth.spf in AUTH_FAILURES, auth.dkim in AUTH_FAILURES, auth.dmarc in AUTH_FAILURES,
            not (auth.spf or auth.dkim or auth.dmarc),
            direction == "inbound", direction == "internal", direction == "outbound",
            len(r.text) / 100.0, bool(r.html),
        ))
    out = np.zeros((len(assessments), N_FEATURES), dtype=np.float32)
    if rows:
        raw = np.zeros((len(rows), _CONTENT_START), dtype=np.float64)
        if hit_rows:
            # Several hits of one detector: the strongest counts.
            np.maximum.at(raw, (hit_rows, hit_cols), hit_scores)
        cue_values = operator.attrgetter(*CUES)
        cue_table = np.array([cue_values(c) for c in cue_sets], dtype=np.float64)
        raw[:, _CUE_START:_BASE_START] = cue_table.take(cue_row, axis=0)
        raw[:, _BASE_START:] = rows
        logs = raw[:, _LOG_INDEX]
        # fmax, like max(0.0, x), maps NaN to 0.
        np.fmax(logs, 0.0, out=logs)
        np.log1p(logs, out=logs)
        raw[:, _LOG_INDEX] = logs
        out[:, :_CONTENT_START] = raw
    if content_probs is not None and len(assessments):
        out[:, _CONTENT_START:] = content_probs
    return out

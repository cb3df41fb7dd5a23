"""The feedback service: what people say about verdicts, joined to the verdicts it concerns.

A security team learns how mailhawk does from three kinds of outcome: a recipient reports a
message as phishing, an analyst labels one, the quarantine releases one. Each arrives as a
``Feedback`` record on the feedback topic (``schemas/jsonschema/feedback.schema.json``). This
service (``mailhawk feedback``, one or more processes in their own consumer group, apart from
the engine) joins each to the verdict of its message and

- counts the outcome in Prometheus: ``mailhawk_feedback_outcomes_total{outcome, attack_type,
  action, source}``, where ``outcome`` is ``caught`` (an attack that was held), ``missed`` (an
  attack that was delivered, warned or not), ``false_alarm`` (ham that was held), ``cleared``
  (ham that was delivered), ``policy`` (about mail the tenant's sender policy let through
  that detection would have held: a reported phishing simulation is the simulation working,
  not a miss) or ``unmatched`` (no verdict known for it). Windowed efficacy and
  false-positive estimates are ``increase()`` of it over the window one wants (the recording
  rules in ``deploy/prometheus``): a counter keeps every window answerable, where a table of
  fixed windows would answer one;
- produces a labelled training example per feedback to the training topic: the label, the
  verdict it corrects or confirms, and the message itself when the reporter attached it
  (a report button forwards it), which ``mailhawk train --feedback FILE`` replays as training
  rows;
- dead-letters feedback it cannot read (and a verdict-topic record that is not a verdict),
  with the original bytes and the reason, as the engine does.

This is DESIGN.md's place for faust-streaming: low volume on the feedback side, tables in
RocksDB (rocksdict) with Faust's changelog topics, its web server for ``/metrics``. The verdict
side is the engine's whole output, so the service keeps only a summary of each verdict
(action, type, score, versions: ~150 bytes) in a table of daily windows that expire after
``retention_days``; feedback about an older message is ``unmatched``. What was counted is
kept the same way.

Both topics are keyed by tenant and must be co-partitioned (same partition count, same
partitioner: the engine produces verdicts with librdkafka's default, CRC32 of the key), so a
message's feedback is read by the process that holds its verdict. Feedback found on another
partition than its tenant's verdicts (a producer with another partitioner) is dead-lettered
as ``wrong_partition`` with what to change, instead of being counted ``unmatched`` forever.
Each feedback is counted once per (message, recipient, source): a second click of the same
report button is not a second missed attack. Faust commits offsets apart from its tables,
so a crash between the two can count a feedback twice; the counts are estimates of rates,
not a ledger.

No address, subject or body reaches a metric label or a log line: labels are drawn from
fixed sets, logs name topic, partition and offset.
"""

from __future__ import annotations

import logging
import re
import time
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Final, NamedTuple

import orjson

from detectors.fingerprint import fingerprints
from schemas import (
    ACTIONS,
    ATTACK_TYPES,
    HELD_ACTIONS,
    DeadLetter,
    DirectoryEntry,
    Feedback,
    SchemaError,
    decode_feedback,
)
from schemas.errors import SCHEMA_ERROR_KINDS
from state.profiles import HELD_CONTENT_WINDOW
from stream.config import check_settings

log = logging.getLogger(__name__)

OUTCOMES: Final = ("caught", "missed", "false_alarm", "cleared", "policy", "unmatched")
DEAD_LETTER_KINDS: Final = (*SCHEMA_ERROR_KINDS, "wrong_partition", "invalid_verdict",
                            "processing_error")
"""Why the service dead-letters a record: a feedback that does not read (the schema's kinds),
one on another partition than its tenant's verdicts, a verdict-topic record that is not a
verdict, a failure while judging one."""
TRAINING_SCHEMA_VERSION: Final = 1
_SEP: Final = "\x1f"  # between the parts of table keys (_key), never inside one


@dataclass(frozen=True, slots=True)
class FeedbackConfig:
    """Where the service reads and writes, and how long it remembers verdicts."""

    bootstrap_servers: str = "127.0.0.1:9092"
    verdict_topic: str = "mail.verdicts"
    feedback_topic: str = "mail.feedback"
    training_topic: str = "mailhawk.training"
    dead_letter_topic: str = "mail.deadletter"
    group: str = "mailhawk-feedback"
    state_dir: str = ".mailhawk/feedback"
    port: int = 9465
    host: str = "127.0.0.1"
    partitions: int = 8
    replication_factor: int = 1
    retention_days: int = 30
    max_record_bytes: int = 4 * 1024 * 1024
    directory_topic: str = ""
    """The engine's directory topic: when set, an analyst's ``attack`` label on a message the
    feedback carries blocks its sender for the tenant (a ``blocked_sender`` entry, on the
    partition the message came in on), and a release or an analyst's ``ham`` label on one
    clears it; on held mail, it also makes the campaign memory forget the message (a
    ``released_message`` entry), and an analyst's ``attack`` label on a message it carries
    files the message's fingerprint there (``reported_message``). Off by default: blocking
    needs the engine to read the same topic."""
    stop_deadline_s: float = 45.0
    """Seconds the service may take to stop after SIGTERM/SIGINT before it exits anyway.
    Faust's stop waits on the brokers: with them unreachable it never finished (measured: still
    running 60 s after SIGTERM), so the orchestrator's SIGKILL ended it without a word. 45 s
    stays inside the 60 s grace every deploy file here gives the service."""
    consistency_check: bool = True
    """Faust's check, on restart, that a table's stored changelog offset is not past the
    changelog's end (a deleted topic with a stale local store). Off only for the bundled dev
    broker: Tansu answers a partition's end offset with its last batch's base offset, so
    Faust would refuse every restart with tables on disk."""
    kafka_extra: Mapping[str, str] = field(default_factory=dict, repr=False)
    """librdkafka settings from ``MAILHAWK_KAFKA_*``, as the engine reads them: the admin and
    export clients take them all; Faust's client takes the security ones
    (:func:`faust_credentials`)."""

    def __post_init__(self) -> None:
        """Refuse, at start, a value the service cannot run with, as the engine does."""
        check_settings(self, at_least_one=("partitions", "replication_factor",
                                           "retention_days", "max_record_bytes"),
                       positive_seconds=("stop_deadline_s",), ports=("port",),
                       names=("bootstrap_servers", "verdict_topic", "feedback_topic",
                              "training_topic", "dead_letter_topic", "group", "state_dir"),
                       where=lambda name: f"--{name.replace('_', '-')} or its variable "
                       "(`mailhawk feedback run --help`)")


def faust_credentials(extra: Mapping[str, str]) -> Any:
    """Faust's ``broker_credentials`` for the engine's librdkafka security settings.

    The engine and the service read one set of ``MAILHAWK_KAFKA_*`` variables; librdkafka
    speaks them natively, Faust (aiokafka) through a credentials object and an SSL context.
    PLAINTEXT, SSL (with a CA and optionally a client certificate) and SASL PLAIN or SCRAM
    over either are translated; anything else (GSSAPI, OAUTHBEARER) stops the service with
    what it supports, rather than connecting without the security the operator asked for.
    Other librdkafka tuning keys are the engine's business and ignored here.
    """
    import ssl

    import faust

    protocol = extra.get("security.protocol", "plaintext").strip().upper()
    if protocol == "PLAINTEXT":
        return None
    if protocol not in ("SSL", "SASL_SSL", "SASL_PLAINTEXT"):
        raise SchemaError("invalid_value", f"MAILHAWK_KAFKA_SECURITY_PROTOCOL={protocol} is not "
                          "one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")
    context = None
    if protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(cafile=extra.get("ssl.ca.location") or None)
        if extra.get("ssl.endpoint.identification.algorithm", "https").lower() == "none":
            context.check_hostname = False
        if extra.get("ssl.certificate.location"):
            context.load_cert_chain(extra["ssl.certificate.location"],
                                    extra.get("ssl.key.location") or None,
                                    extra.get("ssl.key.password") or None)
    if protocol == "SSL":
        return faust.SSLCredentials(context)
    mechanism = extra.get("sasl.mechanism", extra.get("sasl.mechanisms", "PLAIN")).upper()
    if mechanism not in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"):
        raise SchemaError("invalid_value", f"the feedback service speaks SASL PLAIN and "
                          f"SCRAM-SHA-256/512, not {mechanism} (MAILHAWK_KAFKA_SASL_MECHANISM)")
    return faust.SASLCredentials(username=extra.get("sasl.username"),
                                 password=extra.get("sasl.password"), ssl_context=context,
                                 mechanism=mechanism)


class Judgement(NamedTuple):
    """One feedback's outcome and the metric labels it is counted under."""

    outcome: str
    attack_type: str
    action: str


def _key(*parts: str) -> str:
    """``parts`` joined by the separator, a separator inside one replaced (U+FFFD).

    A message id is the sender's to write: with the separator in it, one tenant's verdict
    or feedback key could have been another's.
    """
    return _SEP.join(p.replace(_SEP, "\ufffd") if _SEP in p else p for p in parts)


def verdict_key(tenant_id: str, message_id: str) -> str:
    """The table key of a message's verdict summary."""
    return _key(tenant_id, message_id)


def verdict_partition(tenant_id: str, partitions: int) -> int:
    """The verdict-topic partition of a tenant: librdkafka's default for a keyed record."""
    return zlib.crc32(tenant_id.encode()) % partitions


def summarise_verdict(raw: bytes | None) -> tuple[str, dict[str, Any]] | None:
    """The table key and summary of a verdict record; None when it is not a readable verdict.

    The summary keeps what a feedback is judged by and what a training example cites, and
    the input partition the message came in on (a sender block goes to the directory
    partition the engine reads with it): no recipients, no hit evidence (that stays on the
    verdict topic).
    """
    try:
        doc = orjson.loads(raw or b"")
        summary = {"action": doc["action"], "attack_type": doc["attack_type"],
                   "score": float(doc["score"]), "decided_by": doc.get("decided_by", ""),
                   "model_version": doc["model_version"],
                   "rules_version": doc["rules_version"], "scored_at": float(doc["scored_at"]),
                   "detectors": sorted({h["detector"] for h in doc.get("hits", ())}),
                   "partition": int(doc["source"]["partition"]),
                   "sender": str(doc.get("sender", ""))}
        shadow = doc.get("shadow")
        if shadow:  # a candidate model in shadow: judged against the same feedback
            summary["shadow"] = {"action": shadow["action"],
                                 "attack_type": shadow["attack_type"],
                                 "decided_by": shadow.get("decided_by", ""),
                                 "model_version": shadow["model_version"]}
        return verdict_key(doc["tenant_id"], doc["message_id"]), summary
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def judge(summary: Mapping[str, Any] | None, feedback: Feedback) -> Judgement:
    """The outcome of ``feedback`` against its verdict summary (None: no verdict known).

    An attack counts as caught only when it was held (quarantine or block), as in every
    efficacy figure of this project: a warned attack reached the inbox. The attack type is
    the verdict's when it named one, else the reporter's, else ``unknown``.
    """
    if summary is None:
        return Judgement("unmatched", feedback.attack_type or "unknown", "unknown")
    action = str(summary.get("action", "unknown"))
    verdict_type = str(summary.get("attack_type", "none"))
    if summary.get("decided_by") == "policy":
        # The tenant's own rule delivered it, over detection: users reporting a phishing
        # simulation is the simulation working, and an attack from an allowed sender is the
        # rule's miss, not detection's. Counted apart, out of recall and false alarms.
        return Judgement("policy", verdict_type or "none", action)
    held = action in HELD_ACTIONS
    if feedback.label == "attack":
        named = verdict_type if verdict_type not in ("", "none") else ""
        return Judgement("caught" if held else "missed",
                         named or feedback.attack_type or "unknown", action)
    return Judgement("false_alarm" if held else "cleared", verdict_type or "none", action)


def judge_shadow(summary: Mapping[str, Any] | None,
                 feedback: Feedback) -> tuple[str, Judgement] | None:
    """``(version, outcome)`` of the verdict's shadow model had it decided; None without one.

    The same judgement as :func:`judge`, of what the candidate would have done: a missed
    attack it would have held is ``caught``, a released message it would have held too is a
    ``false_alarm``. This is how a retrained artifact earns its switch: on this tenant's mail
    and the feedback about it, not only on the corpora of its training report.
    """
    shadow = summary.get("shadow") if summary is not None else None
    if not shadow:
        return None
    return str(shadow.get("model_version", "")), judge(shadow, feedback)


def sender_entry(feedback: Feedback,
                 summary: Mapping[str, Any] | None = None) -> DirectoryEntry | None:
    """The directory entry an analyst's word about a message makes of its sender, if any.

    An ``attack`` label from an analyst blocks the sender; a release or an analyst's ``ham``
    clears it. A user's report alone never blocks an address for the whole tenant (users
    report newsletters and colleagues too). The sender is the attached message's, else the
    one its verdict names (a release or a console label carries only the message id).
    """
    address = feedback.mail.sender.address if feedback.mail is not None else \
        str((summary or {}).get("sender", ""))
    if "@" not in address:
        return None
    if feedback.label == "attack" and feedback.source == "analyst":
        kind = "blocked_sender"
    elif feedback.label == "ham" and feedback.source in ("analyst", "release"):
        kind = "cleared_sender"
    else:
        return None
    return DirectoryEntry(feedback.tenant_id, kind, address.lower())


def release_entry(feedback: Feedback,
                  summary: Mapping[str, Any] | None = None) -> DirectoryEntry | None:
    """The ``released_message`` entry a release of held mail makes, if any.

    A release or an analyst's ``ham`` on a message its verdict held: the campaign memory
    (``detectors/rules/held.py``) must forget it, or it holds every stranger's near-copy of
    the message too. A user's word alone is not enough, as for a sender's clear.
    """
    if feedback.label != "ham" or feedback.source not in ("analyst", "release"):
        return None
    if str((summary or {}).get("action", "")) not in HELD_ACTIONS:
        return None
    return DirectoryEntry(feedback.tenant_id, "released_message",
                          message_id=feedback.message_id)


def report_entry(feedback: Feedback,
                 summary: Mapping[str, Any] | None = None) -> DirectoryEntry | None:
    """The ``reported_message`` entry an analyst's confirmed attack makes, if any.

    An analyst's ``attack`` label on a message whose text the feedback carries (a report
    button forwards it): the campaign memory (``detectors/rules/held.py``) then holds
    strangers' near-copies of it, as if it had been held, for ``HELD_CONTENT_WINDOW`` from
    the message's own time. A user's report alone files nothing (users report newsletters
    too); nor does a message too short to fingerprint. The attack type is the analyst's,
    else the verdict's, else spam.
    """
    mail = feedback.mail
    if feedback.label != "attack" or feedback.source != "analyst" or mail is None:
        return None
    found = fingerprints([(mail.subject, mail.text)])[0]
    if found is None:
        return None
    verdict_type = str((summary or {}).get("attack_type", ""))
    attack_type = feedback.attack_type or (
        verdict_type if verdict_type not in ("", "none") else "spam")
    return DirectoryEntry(feedback.tenant_id, "reported_message",
                          expires_at=mail.received_at + HELD_CONTENT_WINDOW,
                          message_id=feedback.message_id, fingerprint=found[0].hex(),
                          attack_type=attack_type)


def training_example(feedback: Feedback, summary: Mapping[str, Any] | None,
                     judgement: Judgement) -> dict[str, Any]:
    """The training topic's record for one feedback."""
    return {"schema_version": TRAINING_SCHEMA_VERSION, "tenant_id": feedback.tenant_id,
            "message_id": feedback.message_id, "label": feedback.label,
            "attack_type": feedback.attack_type, "source": feedback.source,
            "reported_at": feedback.reported_at, "outcome": judgement.outcome,
            "verdict": None if summary is None else dict(summary),
            "mail": None if feedback.mail is None else feedback.mail.to_dict()}


class FeedbackMetrics:
    """The service's Prometheus series, in a registry of its own (served by Faust's web)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter

        self.registry = CollectorRegistry()
        self.outcomes = Counter(
            "mailhawk_feedback_outcomes_total",
            "Feedback by outcome (caught, missed, false_alarm, cleared, policy, unmatched), the "
            "verdict's attack type and action, and who said it",
            ["outcome", "attack_type", "action", "source"], registry=self.registry)
        self.verdicts = Counter("mailhawk_feedback_verdicts_total",
                                "Verdict summaries kept for joining", registry=self.registry)
        self.unreadable_verdicts = Counter(
            "mailhawk_feedback_unreadable_verdicts_total",
            "Records of the verdict topic that are not verdicts (dead-lettered)",
            registry=self.registry)
        self.duplicates = Counter("mailhawk_feedback_duplicates_total",
                                  "Feedback already counted for the same message, recipient "
                                  "and source", registry=self.registry)
        self.dead_letters = Counter("mailhawk_feedback_dead_letters_total",
                                    "Records dead-lettered (feedback, and verdict-topic "
                                    "records that are not verdicts), by reason",
                                    ["kind"], registry=self.registry)
        for kind in DEAD_LETTER_KINDS:  # from 0: the first of a kind shows in a rate
            self.dead_letters.labels(kind)
        self.shadow_outcomes = Counter(
            "mailhawk_feedback_shadow_outcomes_total",
            "Feedback on verdicts with a shadow part, judged against the model's verdict and "
            "against the shadow's (verdict), by the shadow's version; other labels as "
            "mailhawk_feedback_outcomes_total",
            ["outcome", "attack_type", "action", "source", "model_version", "verdict"],
            registry=self.registry)
        self.sender_entries = Counter(
            "mailhawk_feedback_sender_entries_total",
            "Sender blocks and clears, releases of held mail (released_message) and attacks "
            "an analyst confirmed (reported_message), written to the directory topic, or "
            "skipped because no verdict said which partition the message came in on",
            ["kind", "result"], registry=self.registry)
        self.examples = Counter("mailhawk_feedback_training_examples_total",
                                "Training examples produced, by label and whether they carry "
                                "the message", ["label", "with_mail"], registry=self.registry)
        for outcome in OUTCOMES:  # every series exists from the start, so rates are defined
            self.outcomes.labels(outcome, "unknown", "unknown", "user")

    def render(self) -> bytes:
        from prometheus_client import generate_latest

        return generate_latest(self.registry)


def _label(value: str, allowed: tuple[str, ...] | frozenset[str]) -> str:
    """A metric label from a fixed set, so no reported text can become a series."""
    return value if value in allowed else "unknown"


_VERSION: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _version_label(value: str) -> str:
    """A model version as a label: the artifact's name (``model-<hash>``) or ``unknown``.

    Not a fixed set (every retrain makes one), so its form is: text on the verdict topic that
    is not a version name cannot become a series.
    """
    return value if _VERSION.fullmatch(value) else "unknown"


def build_app(cfg: FeedbackConfig, metrics: FeedbackMetrics | None = None) -> Any:
    """The Faust app of the service (agents, tables and web pages registered)."""
    import faust
    from prometheus_client import CONTENT_TYPE_LATEST

    metrics = metrics or FeedbackMetrics()
    app = faust.App(
        cfg.group,
        broker=f"kafka://{cfg.bootstrap_servers}",
        store="rocksdb://",
        datadir=cfg.state_dir,
        topic_partitions=cfg.partitions,
        topic_replication_factor=cfg.replication_factor,
        consumer_auto_offset_reset="earliest",
        # The engine's consumer timing: a short session lets a group form in seconds.
        broker_session_timeout=6.0,
        broker_heartbeat_interval=1.0,
        web_enabled=True,
        web_port=cfg.port,
        web_bind=cfg.host,
        key_serializer="raw",
        value_serializer="raw",
        recovery_consistency_check=cfg.consistency_check,
        broker_credentials=faust_credentials(cfg.kafka_extra),
    )
    verdicts = app.topic(cfg.verdict_topic, key_type=bytes, value_type=bytes,
                         partitions=cfg.partitions)
    feedback = app.topic(cfg.feedback_topic, key_type=bytes, value_type=bytes,
                         partitions=cfg.partitions)
    training = app.topic(cfg.training_topic, key_type=bytes, value_type=bytes,
                         partitions=cfg.partitions)
    dead_letters = app.topic(cfg.dead_letter_topic, key_type=bytes, value_type=bytes,
                             partitions=cfg.partitions)
    directory = app.topic(cfg.directory_topic, key_type=bytes, value_type=bytes,
                          partitions=cfg.partitions) if cfg.directory_topic else None
    day = timedelta(days=1)
    as_json: Any = faust.Schema(key_serializer="json", value_serializer="json")
    summaries = app.Table("verdict-summaries", default=dict, partitions=cfg.partitions,
                          schema=as_json).tumbling(day, expires=timedelta(days=cfg.retention_days))
    # What was counted is remembered as long as the verdicts it was joined to, no longer: a
    # table that never expired would grow with every feedback ever given.
    counted = app.Table("feedback-counted", default=int, partitions=cfg.partitions,
                        schema=as_json).tumbling(day, expires=timedelta(days=cfg.retention_days))
    actions = frozenset(ACTIONS) | {"unknown"}
    types = frozenset(ATTACK_TYPES) | {"unknown"}

    def newest(table: Any, key: str) -> Any:
        """The value of ``key`` in the newest daily window that has one (falsy: none)."""
        windows = table[key]
        for back in range(cfg.retention_days + 1):  # ~31 reads, for feedback only
            found = windows.delta(day * back)
            if found:
                return found
        return None

    def lookup(key: str) -> dict[str, Any] | None:
        found = newest(summaries, key)
        return dict(found) if found else None

    @app.agent(verdicts)
    async def keep_verdicts(stream: Any) -> None:
        async for event in stream.events():
            item = summarise_verdict(event.value)
            if item is None:  # not the engine's: kept whole where someone can look at it
                metrics.unreadable_verdicts.inc()
                await dead_letter(event, "invalid_verdict", "a record of the verdict topic "
                                  "that is not a readable verdict (message_id, tenant_id, "
                                  "action, attack_type, score, versions, source, scored_at)", "")
                continue
            summaries[item[0]] = item[1]
            metrics.verdicts.inc()

    @app.agent(feedback)
    async def judge_feedback(stream: Any) -> None:
        async for event in stream.events():
            try:
                fb = decode_feedback(event.value, cfg.max_record_bytes)
            except SchemaError as exc:
                await dead_letter(event, exc.kind, str(exc), exc.field)
                continue
            home = verdict_partition(fb.tenant_id, cfg.partitions)
            if event.message.partition != home:
                # Joined here it would only ever be "unmatched": say why instead.
                await dead_letter(
                    event, "wrong_partition",
                    f"feedback on partition {event.message.partition}, but this tenant's "
                    f"verdicts are on partition {home}: produce feedback keyed by tenant_id "
                    "with librdkafka's default partitioner (CRC32 of the key), as the engine "
                    "produces verdicts; a Java client needs a CRC32 partitioner", "tenant_id")
                continue
            try:
                await judge_one(fb)
            except Exception as exc:  # one bad record must not stop the service
                # The exception's text may quote the record (a message id, an address): the
                # log names its type; the traceback is at debug level.
                log.error("feedback %s[%d]@%d failed: %s", event.message.topic,
                          event.message.partition, event.message.offset,
                          type(exc).__name__)
                log.debug("feedback failure", exc_info=True)
                await dead_letter(event, "processing_error",
                                  f"the feedback service failed on this record: "
                                  f"{type(exc).__name__}", "")

    async def dead_letter(event: Any, kind: str, error: str, field: str) -> None:
        message = event.message
        letter = DeadLetter(event.value or b"", event.key, message.topic, message.partition,
                            message.offset, kind, error, field, time.time())
        await dead_letters.send(key=event.key, value=letter.original, headers=letter.headers())
        metrics.dead_letters.labels(kind).inc()
        log.warning("dead letter %s[%d]@%d: %s", message.topic, message.partition,
                    message.offset, kind)

    async def judge_one(fb: Feedback) -> None:
        once = _key(fb.tenant_id, fb.message_id, fb.recipient, fb.source)
        if newest(counted, once):
            metrics.duplicates.inc()
            return
        counted[once] = 1
        summary = lookup(verdict_key(fb.tenant_id, fb.message_id))
        j = judge(summary, fb)
        metrics.outcomes.labels(j.outcome, _label(j.attack_type, types),
                                _label(j.action, actions), fb.source).inc()
        shadow = judge_shadow(summary, fb)
        if shadow is not None:
            # Both sides of the comparison on the same feedback: the model's outcome is
            # counted again here, paired with the candidate's version.
            version, sj = shadow
            for side, judged in (("model", j), ("shadow", sj)):
                metrics.shadow_outcomes.labels(
                    judged.outcome, _label(judged.attack_type, types),
                    _label(judged.action, actions), fb.source, _version_label(version),
                    side).inc()
        await training.send(key=fb.tenant_id.encode(),
                            value=orjson.dumps(training_example(fb, summary, j)))
        metrics.examples.labels(fb.label, str(fb.mail is not None).lower()).inc()
        if directory is None:
            return
        for entry in (sender_entry(fb, summary), release_entry(fb, summary),
                      report_entry(fb, summary)):
            if entry is None:
                continue
            if summary is None or "partition" not in summary:
                metrics.sender_entries.labels(entry.kind, "no_verdict").inc()
                continue
            await directory.send(key=fb.tenant_id.encode(),
                                 value=orjson.dumps(entry.to_dict()),
                                 partition=int(summary["partition"]))
            metrics.sender_entries.labels(entry.kind, "sent").inc()

    @app.page("/metrics")
    async def metrics_page(web: Any, request: Any) -> Any:
        return web.bytes(metrics.render(), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    @app.page("/healthz")
    async def healthz(web: Any, request: Any) -> Any:
        return web.text("ok")

    @app.page("/readyz")
    async def readyz(web: Any, request: Any) -> Any:
        ready = not app.rebalancing and not app.in_recovery
        return web.text("ready" if ready else "recovering", status=200 if ready else 503)

    return app


def export_examples(bootstrap_servers: str, topic: str, out: Path, *,
                    timeout: float = 300.0, progress: bool = True,
                    kafka_extra: Mapping[str, str] | None = None) -> Counter[str]:
    """Write every record of the training topic, oldest first per partition, as JSON lines.

    Reads each partition from its beginning to its end (the partition-EOF event, not a
    ListOffsets answer, which Tansu gives as the last batch's base offset) with no consumer
    group, so exporting twice gives the same file and moves nobody's offsets. Returns how
    many examples were written, by label and whether they carry the message.
    """
    from tqdm import tqdm

    from stream.kafka import read_to_end

    counts: Counter[str] = Counter()
    bar = tqdm(desc="training examples", unit="ex", disable=not progress)
    with open(out, "wb") as fh:
        for msg in read_to_end(bootstrap_servers, topic, group_id="mailhawk-feedback-export",
                               kafka_extra=kafka_extra, timeout=timeout,
                               missing="is the feedback service running against this broker "
                                       "(--training-topic)?"):
            doc = orjson.loads(msg.value())
            fh.write(msg.value().rstrip(b"\n") + b"\n")
            counts[f"{doc['label']}, {'with' if doc.get('mail') else 'without'} "
                   "the message"] += 1
            bar.update()
    bar.close()
    return counts


def run(cfg: FeedbackConfig) -> None:
    """Create the service's topics when missing, then run the Faust worker until stopped."""
    import faust

    from stream.kafka import check_dead_letter_room, ensure_feedback_topics

    partitions = ensure_feedback_topics(cfg)
    check_dead_letter_room(cfg.bootstrap_servers, cfg.kafka_extra, [cfg.feedback_topic],
                           cfg.dead_letter_topic)
    if partitions != cfg.partitions:
        log.info("using the verdict topic's %d partitions", partitions)
        cfg = replace(cfg, partitions=partitions)
    app = build_app(cfg)

    class Worker(faust.Worker):
        """faust.Worker whose stop on a signal has a deadline (``stop_deadline_s``)."""

        def _schedule_shutdown(self, signal: Any) -> None:  # mode.Worker's signal hook
            if not self._signal_stop_time:
                _stop_deadline(cfg.stop_deadline_s)
            super()._schedule_shutdown(signal)

    worker = Worker(app, loglevel="INFO", quiet=True, redirect_stdouts=False)
    worker.execute_from_commandline()


def _stop_deadline(seconds: float) -> None:
    """Exit the process (status 1) if it is still running ``seconds`` from now."""
    import os
    import threading

    def give_up() -> None:
        log.error("the feedback service did not stop within %.0f s of the signal (are the "
                  "brokers reachable?): exiting without a clean stop; Faust's tables recover "
                  "from their changelogs at the next start", seconds)
        logging.shutdown()
        os._exit(1)

    timer = threading.Timer(seconds, give_up)
    timer.daemon = True
    timer.start()


__all__ = [
    "OUTCOMES",
    "FeedbackConfig",
    "FeedbackMetrics",
    "Judgement",
    "build_app",
    "export_examples",
    "faust_credentials",
    "judge",
    "release_entry",
    "report_entry",
    "run",
    "sender_entry",
    "summarise_verdict",
    "training_example",
    "verdict_key",
    "verdict_partition",
]

"""The ``mailhawk`` command line (click).

This module is the composition root: it may import every package (including ``bench``,
lazily inside its commands); nothing imports it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson

from schemas import MailRecord, MimeError, read_mail_jsonl

log = logging.getLogger("mailhawk")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Debug logging.")
def main(verbose: bool) -> None:
    """mailhawk: stop email attacks before they reach an inbox."""
    _setup_logging(verbose)


# ---------------------------------------------------------------------------- run


@main.command()
@click.option("--bootstrap-servers", help="Kafka bootstrap servers [MAILHAWK_BOOTSTRAP_SERVERS].")
@click.option("--input-topic", help="Topic of MailRecords [MAILHAWK_INPUT_TOPIC].")
@click.option("--verdict-topic", help="Topic for verdicts [MAILHAWK_VERDICT_TOPIC].")
@click.option("--dead-letter-topic", help="Topic for dead letters [MAILHAWK_DEAD_LETTER_TOPIC].")
@click.option("--changelog-topic", help="Compacted state changelog [MAILHAWK_CHANGELOG_TOPIC].")
@click.option("--directory-topic", help="Optional compacted topic of employees, VIPs and "
              "vendors, keyed by tenant [MAILHAWK_DIRECTORY_TOPIC].")
@click.option("--group", help="Consumer group [MAILHAWK_GROUP].")
@click.option("--state-dir", help="Where the RocksDB stores live [MAILHAWK_STATE_DIR].")
@click.option("--metrics-port", type=int, help="Port of /metrics, /healthz, /readyz "
              "[MAILHAWK_METRICS_PORT]; -1 disables, 0 picks a free one.")
@click.option("--partitions", type=int, help="Partitions of topics it creates "
              "[MAILHAWK_PARTITIONS].")
@click.option("--batch-size", type=int, help="Records per batch [MAILHAWK_BATCH_SIZE].")
@click.option("--artifact", help="Model artifact directory [MAILHAWK_ARTIFACT].")
@click.option("--shadow-artifact", help="A candidate artifact scored next to the model "
              "without acting: verdicts carry what it would decide "
              "[MAILHAWK_SHADOW_ARTIFACT].")
@click.option("--scores", help="Scores/thresholds file [MAILHAWK_SCORES].")
def run(**flags: Any) -> None:
    """Consume mail, score it, publish verdicts (every flag also as MAILHAWK_*)."""
    from stream.config import EngineConfig
    from stream.engine import Engine

    config = EngineConfig.from_env(flags)
    log.info("starting %r", config)
    engine = Engine(config)
    engine.run()


# ---------------------------------------------------------------------------- ingest


def iter_records(paths: tuple[str, ...], tenant: str, rejects: list[tuple[str, str]],
                 normalise: bool = False) -> Iterator[MailRecord]:
    """MailRecords from .eml/mbox/maildir/folders/.tar.gz and MailRecord JSONL, in order."""
    from schemas.mime import parse_message
    from schemas.sources import iter_messages

    for path in paths:
        if path.endswith(".jsonl"):
            yield from read_mail_jsonl(path)
            continue
        for raw in iter_messages([path]):
            try:
                yield parse_message(raw.raw, tenant_id=tenant, normalise=normalise)
            except MimeError as exc:
                rejects.append((raw.origin, str(exc)))


def _write_rejects(rejects: list[tuple[str, str]], path: str) -> None:
    if not rejects:
        Path(path).unlink(missing_ok=True)  # no stale reasons from an earlier run
        return
    with open(path, "wb") as fh:
        for origin, reason in rejects:
            fh.write(orjson.dumps({"origin": origin, "reason": reason}) + b"\n")
    click.echo(f"{len(rejects)} messages could not be converted; reasons in {path}", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--tenant", default="default", show_default=True, help="Tenant id of the mail.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Write JSONL here.")
@click.option("--bootstrap-servers", help="Produce to this Kafka cluster instead.")
@click.option("--topic", default="mail.inbound", show_default=True)
@click.option("--rejects", default="rejects.jsonl", show_default=True,
              help="Where messages that cannot be converted are listed with the reason.")
@click.option("--normalise", is_flag=True, help="Strip corpus-specific headers (label leaks).")
def ingest(paths: tuple[str, ...], tenant: str, out_file: str | None,
           bootstrap_servers: str | None, topic: str, rejects: str, normalise: bool) -> None:
    """Convert raw mail (.eml, mbox, maildir, .tar.gz) to MailRecords."""
    from tqdm import tqdm

    if bool(out_file) == bool(bootstrap_servers):
        raise click.UsageError("give exactly one of --out FILE.jsonl or --bootstrap-servers")
    failed: list[tuple[str, str]] = []
    records = tqdm(iter_records(paths, tenant, failed, normalise), unit=" msg",
                   desc="ingest", disable=not sys.stderr.isatty())
    try:
        if out_file:
            from schemas import write_mail_jsonl

            n = write_mail_jsonl(out_file, records)
        else:
            from stream.replay import produce_records

            n = produce_records(str(bootstrap_servers), topic, records)
    finally:  # a source failing mid-way (SourceError) still lists what it could not convert
        _write_rejects(failed, rejects)
    click.echo(f"{n} records written", err=True)


# ---------------------------------------------------------------------------- scan


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--tenant", default="default", show_default=True)
@click.option("--state-dir", help="Keep state in RocksDB here (default: in memory).")
@click.option("--artifact", default="", help="Model artifact directory.")
@click.option("--shadow-artifact", default="", help="A candidate artifact: each verdict says "
              "what it would decide.")
@click.option("--scores", default="", help="Scores/thresholds file.")
def scan(paths: tuple[str, ...], tenant: str, state_dir: str | None, artifact: str,
         shadow_artifact: str, scores: str) -> None:
    """Score mail offline, in the order given, and print one verdict JSON per message."""
    from stream.errors import failure_site
    from stream.offline import scan_records

    failed: list[tuple[str, str]] = []
    unscored: list[tuple[str, str]] = []
    out = sys.stdout.buffer
    for verdict in scan_records(iter_records(paths, tenant, failed), state_dir=state_dir,
                                artifact=artifact, scores=scores,
                                shadow_artifact=shadow_artifact,
                                on_failure=lambda record, exc: unscored.append(
                                    (record.message_id, failure_site(exc)))):
        out.write(orjson.dumps(verdict.to_dict()) + b"\n")
    out.flush()
    for origin, reason in failed:
        click.echo(f"not converted: {origin}: {reason}", err=True)
    for message_id, site in unscored:
        click.echo(f"not scored: {message_id}: detection failed ({site}), a bug: please "
                   "report it with the message", err=True)


# ---------------------------------------------------------------------------- broker


@main.command()
@click.option("--port", default=9092, show_default=True)
def broker(port: int) -> None:
    """Run the bundled dev broker (Tansu, memory only) on 127.0.0.1 in the foreground."""
    from stream.broker import exit_cleanly_on_sigterm, start_broker

    exit_cleanly_on_sigterm()
    dev = None
    try:
        dev = start_broker(port)
        click.echo(f"mailhawk dev broker ready on {dev.bootstrap_servers} (Ctrl-C stops it; "
                   "everything is in memory)", err=True)
        dev.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if dev is not None:
            dev.stop()


# ---------------------------------------------------------------------------- demo


@main.command()
@click.option("--messages", default=3000, show_default=True, help="Ham messages to replay.")
@click.option("--attacks", default=400, show_default=True, help="Attack messages to mix in.")
@click.option("--corpora", default=None, help="Corpora folder [MAILHAWK_CORPORA].")
@click.option("--keep-state", is_flag=True, help="Keep the demo's state folder afterwards.")
@click.option("--feedback/--no-feedback", default=True, show_default=True,
              help="Also run the feedback service and play users' reports and releases.")
def demo(messages: int, attacks: int, corpora: str | None, keep_state: bool,
         feedback: bool) -> None:
    """Start the dev broker and the engine, replay sample traffic, print what was caught."""
    from stream.demo import run_demo

    run_demo(messages=messages, attacks=attacks, corpora=corpora, keep_state=keep_state,
             feedback=feedback)


# ---------------------------------------------------------------------------- train


@main.command()
@click.option("--corpora", default=None, help="Corpora folder [MAILHAWK_CORPORA]; without it "
              "only synthetic traffic is used.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Artifact directory to write (replaced if it exists).")
@click.option("--synthetic-tenants", default=4, show_default=True)
@click.option("--synthetic-days", default=60, show_default=True)
@click.option("--seed", default=7, show_default=True)
@click.option("--behaviour-members", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Behaviour models fitted from other seeds and averaged; 5 made retrains "
              "depend less on their seed, at ~6 µs per message (README).")
@click.option("--content-members", default=1, show_default=True, type=click.IntRange(1, 8),
              help="Content models fitted from other seeds and averaged, their tables "
              "packed so a message's n-grams are read once (README).")
@click.option("--target-fpr", default=0.001, show_default=True,
              help="False-positive rate on ham the quarantine threshold is calibrated for.")
@click.option("--calibration-margin", default=0.5, show_default=True,
              type=click.FloatRange(0, 1, min_open=True),
              help="Thresholds are set for this share of --target-fpr on the calibration "
              "split (later mail drifts above it; README).")
@click.option("--no-eval", is_flag=True, help="Skip the corpus evaluation with phishing_pot.")
@click.option("--feedback", "feedback_file", type=click.Path(exists=True, dir_okay=False),
              help="Labelled examples from `mailhawk feedback export`: your users' reports "
              "and analysts' labels, trained on beside the corpora (a model of your own).")
@click.option("--include-noncommercial", is_flag=True,
              help="Also train on phishing_pot (CC BY-NC 4.0): for a model of your own, "
              "never for redistribution; the manifest records it.")
def train(corpora: str | None, out_dir: str, synthetic_tenants: int, synthetic_days: int,
          seed: int, behaviour_members: int, content_members: int, target_fpr: float,
          calibration_margin: float, no_eval: bool,
          feedback_file: str | None, include_noncommercial: bool) -> None:
    """Train, calibrate, quantize and evaluate the models; write an artifact and a report."""
    from bench.corpus import corpora_dir
    from stream.train import train as run_training
    from stream.train import write_report

    found = corpora_dir(corpora)
    if corpora and found is None:
        raise click.UsageError(f"no corpora at {corpora} (expected {corpora}/enron-ham.tar.gz)")
    if found is None:
        click.echo("no corpora found: training on synthetic traffic only", err=True)
    out = Path(out_dir)
    report = run_training(out, corpora=found, synthetic_tenants=synthetic_tenants,
                          synthetic_days=synthetic_days, seed=seed,
                          behaviour_members=behaviour_members,
                          content_members=content_members, target_fpr=target_fpr,
                          calibration_margin=calibration_margin,
                          evaluate_noncommercial=not no_eval,
                          include_noncommercial=include_noncommercial,
                          feedback=Path(feedback_file) if feedback_file else None)
    write_report(report, out / "report")
    click.echo(f"artifact {report['artifact']['version']} written to {out}; report in "
               f"{out / 'report' / 'report.md'}")


# ---------------------------------------------------------------------------- state


@main.group()
def state() -> None:
    """Inspect behavioural state; ask the engines to forget an address or a tenant."""


@state.command("show")
@click.option("--state-dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--tenant", required=True)
@click.option("--sender")
@click.option("--recipient")
@click.option("--domain")
@click.option("--tenant-profile", is_flag=True, help="The tenant itself: its own and trusted "
              "domains and the senders its analysts blocked.")
@click.option("--half-life-days", type=float, default=90.0, show_default=True,
              envvar="MAILHAWK_HALF_LIFE_DAYS", help="The engine's half-life, to show counts.")
def state_show(state_dir: str, tenant: str, sender: str | None, recipient: str | None,
               domain: str | None, tenant_profile: bool, half_life_days: float) -> None:
    """Print one profile as JSON for an analyst."""
    from stream.inspect import show_profile

    chosen = [(k, v) for k, v in (("sender", sender), ("recipient", recipient),
                                  ("domain", domain)) if v]
    if tenant_profile:
        chosen.append(("tenant", ""))
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --sender, --recipient, --domain, "
                               "--tenant-profile")
    kind, value = chosen[0]
    found = show_profile(Path(state_dir), tenant, kind, str(value), half_life_days)
    if not found:
        click.echo(f"no {kind} profile for {value!r} at tenant {tenant!r}" if value else
                   f"no profile of tenant {tenant!r}", err=True)
        sys.exit(1)
    for doc in found:
        click.echo(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode())


@state.command("stats")
@click.option("--state-dir", required=True, type=click.Path(exists=True, file_okay=False))
def state_stats(state_dir: str) -> None:
    """Key counts and sizes per profile kind and partition."""
    from tqdm import tqdm

    from stream.inspect import stats

    # Every key is read (exact counts): ~40 s at ten million profiles.
    with tqdm(desc="reading keys", unit=" keys", file=sys.stderr, mininterval=1.0) as bar:

        def progress(keys: int, estimate: int) -> None:
            bar.total = max(estimate, keys)
            bar.update(keys - bar.n)

        found = stats(Path(state_dir), on_keys=progress)
    click.echo(orjson.dumps(found, option=orjson.OPT_INDENT_2).decode())


def _directory_topic(command: Any) -> Any:
    """The options naming the brokers and the engines' directory topic."""
    command = click.option("--directory-topic", required=True,
                           envvar="MAILHAWK_DIRECTORY_TOPIC",
                           help="The engines' directory topic [MAILHAWK_DIRECTORY_TOPIC].")(command)
    return click.option("--bootstrap-servers", required=True,
                        envvar="MAILHAWK_BOOTSTRAP_SERVERS",
                        help="Kafka bootstrap servers [MAILHAWK_BOOTSTRAP_SERVERS].")(command)


def _directory_writer(command: Any) -> Any:
    """The options of a command that writes a directory entry and waits for it to apply."""
    options = [
        _directory_topic,
        click.option("--group", default="mailhawk", show_default=True, envvar="MAILHAWK_GROUP",
                     help="The engines' consumer group, to see the entry applied "
                          "[MAILHAWK_GROUP]."),
        click.option("--tenant", help="The organisation whose state is meant."),
        click.option("--partition", type=int, help="Directory partition to write to, when the "
                     "input topic's producer does not partition by librdkafka's default "
                     "(CRC32 of the tenant); the entry must land on the tenant's input "
                     "partition number."),
        click.option("--wait", "wait_s", type=click.FloatRange(min=0), default=60.0,
                     show_default=True, help="Seconds to wait for the engine group to apply "
                     "it (0: do not wait)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _write_directory_entry(doc: dict[str, Any], *, bootstrap_servers: str,
                           directory_topic: str, group: str, partition: int | None,
                           wait_s: float, what: str, applied: str) -> None:
    """Validate ``doc`` as a directory entry, write it, wait until the engines apply it.

    Exits 1 (saying what to check) when no engine of the group applied it in time.
    """
    from schemas import SchemaError
    from schemas.records import ALL_TENANTS, DirectoryEntry
    from stream.config import EngineConfig
    from stream.directory import wait_applied, write_entry
    from stream.errors import KafkaError

    try:
        entry = DirectoryEntry.from_dict({"schema_version": 1, **doc})
    except SchemaError as exc:
        raise click.UsageError(str(exc)) from None
    # The engines' own client settings (MAILHAWK_KAFKA_*: TLS, SASL) come from the environment.
    cfg = EngineConfig.from_env({"bootstrap_servers": bootstrap_servers,
                                 "directory_topic": directory_topic, "group": group})
    everyone = entry.tenant_id == ALL_TENANTS
    if everyone and partition is not None:
        raise click.UsageError("--all-tenants writes to every partition: drop --partition")
    try:
        where = write_entry(cfg, entry, partition=partition)
        whom = "every tenant" if everyone else f"tenant {entry.tenant_id!r}"
        click.echo(f"{what} of {whom} written to {directory_topic} " + ", ".join(
            f"partition {p} offset {o}" for p, o in where))
        if wait_s <= 0:
            return
        pending = wait_applied(cfg, where, timeout_s=wait_s)
        if pending:
            click.echo(f"not applied within {wait_s:g} s: no engine of group {group!r} has "
                       f"committed {directory_topic} past " + ", ".join(
                           f"offset {o} on partition {p}" for p, o in pending) + ". Is an "
                       "engine running with this --directory-topic and --group for "
                       + ("every partition" if everyone else "that partition") + ", and is "
                       "it caught up? The entry stays on the topic and is applied when one "
                       "reads it.", err=True)
            sys.exit(1)
    except KafkaError as exc:
        raise click.ClickException(f"{exc} (check --bootstrap-servers)") from None
    click.echo(f"applied: {applied}" + (" (every partition)" if everyone else ""))


@state.command("erase")
@_directory_writer
@click.option("--address", help="Forget this address (a person's erasure request).")
@click.option("--whole-tenant", is_flag=True, help="Forget all of the tenant's state (an "
              "organisation that leaves).")
def state_erase(bootstrap_servers: str, directory_topic: str, group: str, tenant: str,
                address: str | None, whole_tenant: bool, partition: int | None,
                wait_s: float) -> None:
    """Ask the engines to forget an address, or a whole tenant, in their state.

    Written to the directory topic, keyed by tenant: the engine that owns the tenant's
    partition applies it with its next batch (store and changelog) and commits past it,
    which this command waits to see. Verdicts already published, and the feedback service's
    tables (kept for MAILHAWK_FEEDBACK_RETENTION_DAYS), are outside the state: their own
    retention applies.
    """
    if not tenant:
        raise click.UsageError("give --tenant: the organisation whose state is meant")
    if bool(address) == whole_tenant:
        raise click.UsageError("give exactly one of --address or --whole-tenant")
    _write_directory_entry(
        {"tenant_id": tenant, "address": address or "",
         "kind": "erase_tenant" if whole_tenant else "erase_address"},
        bootstrap_servers=bootstrap_servers, directory_topic=directory_topic, group=group,
        partition=partition, wait_s=wait_s,
        what=f"erasure of address {address.lower()!r}" if address else "erasure of all state",
        applied="the engine owning the tenant's partition has forgotten it (a whole tenant "
                "goes on in chunks: see mailhawk_state_erased_keys_total)")


# ---------------------------------------------------------------------------- policy


@main.group()
def policy() -> None:
    """A tenant's policy: blocked and allowed senders, links and files; phish simulations.

    Each command writes a directory entry that the engine owning the tenant applies with its
    next batch (it needs MAILHAWK_DIRECTORY_TOPIC); `mailhawk state show --tenant-profile`
    lists the policy in force. Verdicts a rule changed say so: decided_by "policy" and a hit
    named after the rule, with detection's type and score kept.
    """


def _scoped(command: Any) -> Any:
    """``--all-tenants``: the rule is for every tenant instead of ``--tenant``'s."""
    return click.option(
        "--all-tenants", "all_tenants", is_flag=True,
        help="For every tenant rather than one (an operator's rule: a campaign domain seen "
             "at one customer, a simulation vendor all customers share); written to every "
             "partition of the directory topic.")(command)


def _tenant_of(tenant: str | None, all_tenants: bool) -> str:
    from schemas.records import ALL_TENANTS

    if bool(tenant) == all_tenants:
        raise click.UsageError("give exactly one of --tenant or --all-tenants")
    return ALL_TENANTS if all_tenants else str(tenant)


def _sender_rule(command: Any) -> Any:
    command = click.option("--domain", help="A domain: its mail and its subdomains'.")(command)
    return click.option("--address", help="One mailbox.")(command)


def _expiring(command: Any) -> Any:
    return click.option(
        "--expires-days", type=click.FloatRange(min=0, min_open=True),
        help="Stop applying the rule this many days from now (judged by each message's own "
             "time). Without it the rule stands until removed: give one to exceptions you "
             "would otherwise forget.")(command)


def _expiry(days: float | None) -> dict[str, float]:
    import time

    return {"expires_at": round(time.time() + days * 86400.0)} if days else {}


def _sender_value(address: str | None, domain: str | None, *, allow: bool | None) -> dict:
    """The address or domain of a sender rule, refused where it would name anyone."""
    from detectors.policy import usable_domain_rule

    if bool(address) == bool(domain):
        raise click.UsageError("give exactly one of --address or --domain")
    if domain and allow is not None and (why := usable_domain_rule(domain.lower().rstrip("."),
                                                                   allow=allow)):
        raise click.UsageError(why)
    return {"address": address or "", "domain": domain or ""}


def _indicator_rule(command: Any) -> Any:
    command = click.option("--attachment", metavar="SHA256", help="A file's SHA-256: mail "
                           "carrying it, whoever sends it (malware a sandbox or a threat "
                           "feed named).")(command)
    return click.option("--link-domain", help="A link host: mail linking to it or to its "
                        "subdomains, whoever sends it (a phishing site, e.g. "
                        "pay-invoice.web.app), or an IP address: links to it however "
                        "they spell it.")(command)


def _rule_value(address: str | None, domain: str | None, link_domain: str | None,
                attachment: str | None, *, check: bool) -> tuple[str, dict]:
    """The block's kind and value: a sender rule, a link host (canonical) or a file.

    A digest is checked where every directory entry is (``DirectoryEntry.from_dict``).
    """
    from detectors.domains import canonical_link_host, ip_host
    from detectors.policy import usable_domain_rule

    if sum(map(bool, (address, domain, link_domain, attachment))) != 1:
        raise click.UsageError("give exactly one of --address, --domain, --link-domain or "
                               "--attachment")
    if not link_domain and not attachment:
        return "sender", _sender_value(address, domain, allow=False if check else None)
    if attachment:
        return "file", {"sha256": attachment.strip()}
    host = canonical_link_host(str(link_domain))
    if ip_host(host) == host:  # a site served from an address: that address alone
        return "link", {"domain": host}
    if "." not in host or any(c in host for c in "/:?#@ "):
        raise click.UsageError(f"--link-domain takes a link's host (pay-invoice.web.app) or "
                               f"IP address, not {link_domain!r}")
    if check and (why := usable_domain_rule(host, allow=False)):
        raise click.UsageError(why)
    return "link", {"domain": host}


def _rule_name(kind: str, value: dict) -> str:
    """What a block names, for the command's messages."""
    return {"link": "links to ", "file": "file "}.get(kind, "") + \
        (value.get("address") or value.get("domain") or value["sha256"])


@policy.command("block")
@_directory_writer
@_scoped
@_sender_rule
@_indicator_rule
def policy_block(tenant: str | None, all_tenants: bool, address: str | None,
                 domain: str | None, link_domain: str | None, attachment: str | None,
                 **where: Any) -> None:
    """Hold all mail from an address or a domain, linking to a host, or carrying a file.

    Quarantined, whatever detection finds. A link host is judged with its subdomains, by
    every link of the message (a gateway's rewritten link by its destination); a file by
    every attachment's SHA-256. Links and files in inbound and internal mail (a colleague's
    account spreading them is compromised).
    """
    kind, value = _rule_value(address, domain, link_domain, attachment, check=True)
    _write_directory_entry({"tenant_id": _tenant_of(tenant, all_tenants),
                            "kind": f"blocked_{kind}", **value},
                           what=f"block of {_rule_name(kind, value)}", applied="blocked",
                           **where)


@policy.command("allow")
@_directory_writer
@_scoped
@_sender_rule
@_expiring
def policy_allow(tenant: str | None, all_tenants: bool, address: str | None,
                 domain: str | None, expires_days: float | None, **where: Any) -> None:
    """Let mail from an address or a domain through that detection would hold.

    Only when the message is authenticated as its domain (DMARC pass, or SPF pass with an
    aligned return-path), and never over malware, a block-level score or a block of the same
    sender. Free-mail and public-suffix domains are refused: allow the address instead.
    """
    value = _sender_value(address, domain, allow=True)
    _write_directory_entry({"tenant_id": _tenant_of(tenant, all_tenants),
                            "kind": "allowed_sender", **value,
                            **_expiry(expires_days)},
                           what=f"allow of {address or domain}", applied="allowed", **where)


@policy.command("simulation")
@_directory_writer
@_scoped
@click.option("--domain", required=True, help="The domain the simulations are sent from "
              "(its subdomains too).")
@click.option("--network", "networks", multiple=True, required=True, help="A network the "
              "simulation vendor sends from (IP or CIDR, /16 or narrower; repeat the option).")
@_expiring
def policy_simulation(tenant: str | None, all_tenants: bool, domain: str,
                      networks: tuple[str, ...], expires_days: float | None,
                      **where: Any) -> None:
    """Let the tenant's own phishing simulations through, untouched and unlearned.

    Mail from DOMAIN sent from one of the networks is allowed whatever it carries and
    teaches the behavioural state nothing. Both must match: a domain alone can be forged.
    Giving a domain again replaces its networks.
    """
    _sender_value(None, domain, allow=True)
    _write_directory_entry(
        {"tenant_id": _tenant_of(tenant, all_tenants), "kind": "phish_simulation",
         "domain": domain,
         "networks": list(networks), **_expiry(expires_days)},
        what=f"phishing simulation from {domain}", applied="simulations allowed", **where)


@policy.command("remove")
@_directory_writer
@_scoped
@click.option("--rule", type=click.Choice(["block", "allow", "simulation"]), required=True,
              help="Which list to remove it from.")
@_sender_rule
@_indicator_rule
def policy_remove(tenant: str | None, all_tenants: bool, rule: str, address: str | None,
                  domain: str | None, link_domain: str | None, attachment: str | None,
                  **where: Any) -> None:
    """Remove a block (of a sender, a link host or a file), an allow or a simulation rule."""
    if (link_domain or attachment) and rule != "block":
        raise click.UsageError("--link-domain and --attachment name blocks: use --rule block")
    which = "sender"
    if rule == "simulation":
        if address or not domain:
            raise click.UsageError("a simulation rule is removed by its --domain")
        kind, value = "cleared_phish_simulation", {"domain": domain}
    elif rule == "allow":
        kind, value = "cleared_allowed_sender", _sender_value(address, domain, allow=None)
    else:
        which, value = _rule_value(address, domain, link_domain, attachment, check=False)
        kind = f"cleared_{which}"
    _write_directory_entry({"tenant_id": _tenant_of(tenant, all_tenants), "kind": kind,
                            **value},
                           what=f"removal of the {rule} rule for {_rule_name(which, value)}",
                           applied="removed", **where)


@policy.command("language")
@_directory_writer
@_scoped
@click.option("--add", "add", metavar="CODE", help="A language the tenant writes in (ISO 639: "
              "es, pt, de, zh-Hant), though its own mail has not shown it yet.")
@click.option("--remove", "remove", metavar="CODE", help="A language it does not write in, "
              "declared or learned (its mail may teach it again).")
def policy_language(tenant: str | None, all_tenants: bool, add: str | None,
                    remove: str | None, **where: Any) -> None:
    """Declare a language the tenant writes in, or take one back.

    A stranger's message that the model warns about, in a language none of the tenant's own
    mail is written in, is quarantined (``unfamiliar_language``). The tenant's mail teaches
    its languages; declare the ones it expects from strangers before it has written them
    (new customers abroad). With --all-tenants a language counts for every tenant that has
    learned or declared one of its own.
    """
    if bool(add) == bool(remove):
        raise click.UsageError("give exactly one of --add or --remove")
    code = str(add or remove).strip()
    _write_directory_entry({"tenant_id": _tenant_of(tenant, all_tenants),
                            "kind": "tenant_language" if add else "cleared_tenant_language",
                            "language": code},
                           what=f"{'declaration' if add else 'removal'} of language {code!r}",
                           applied="declared" if add else "removed", **where)


@policy.command("release")
@_directory_writer
@_scoped
@click.option("--message-id", required=True,
              help="The held message, as its verdict names it (message_id).")
def policy_release(tenant: str | None, all_tenants: bool, message_id: str,
                   **where: Any) -> None:
    """Forget a held message in the campaign memory: it was ham.

    Strangers' near-copies of it are no longer held, nor are those of the copies it made the
    memory hold (``held_campaign``). What the feedback service does on a release from
    quarantine, for a quarantine that does not send its releases there.
    """
    _write_directory_entry({"tenant_id": _tenant_of(tenant, all_tenants),
                            "kind": "released_message", "message_id": message_id.strip()},
                           what=f"release of message {message_id.strip()!r}",
                           applied="forgotten", **where)


@policy.command("list")
@_directory_topic
@click.option("--tenant", help="The organisation whose policy is meant.")
@_scoped
@click.option("--history", is_flag=True, help="Also every policy entry, oldest first: when "
              "each rule was added or lifted (the topic keeps them all).")
def policy_list(bootstrap_servers: str, directory_topic: str, tenant: str | None,
                all_tenants: bool, history: bool) -> None:
    """The tenant's rules in force, read from the directory topic (any host, no store).

    Folds the tenant's entries as the engine applies them (erasures included) and prints
    JSON, with what releases and analysts' reports did to its campaign memory; run it where
    the brokers are reachable, not on the engine's host. With --all-tenants, the rules for
    every tenant, and a warning for any partition whose copy of them differs (a write that
    did not reach it, or a partition added since).
    """
    import time
    from datetime import UTC, datetime

    from schemas.records import ALL_TENANTS, ERASURE_KINDS, MEMORY_KINDS, POLICY_KINDS
    from state import policy_of
    from stream.config import EngineConfig
    from stream.directory import campaign_memory, read_tenant_entries
    from stream.errors import KafkaError

    whom = _tenant_of(tenant, all_tenants)
    cfg = EngineConfig.from_env({"bootstrap_servers": bootstrap_servers,
                                 "directory_topic": directory_topic})
    try:
        found, unreadable, partition_count = read_tenant_entries(cfg, whom, ALL_TENANTS)
    except KafkaError as exc:
        raise click.ClickException(f"{exc} (check --bootstrap-servers)") from None
    shared = [e for e in found if e.entry.tenant_id == ALL_TENANTS]
    found = [e for e in found if e.entry.tenant_id == whom]
    relevant = [e for e in found if e.entry.kind in POLICY_KINDS | ERASURE_KINDS]
    partitions = sorted({e.partition for e in found})
    if whom == ALL_TENANTS:
        # Each partition holds its own copy; they agree unless a write missed one.
        folds = {p: policy_of(e.entry for e in relevant if e.partition == p)
                 for p in range(partition_count)}
        first = folds[partitions[0]] if partitions else policy_of(())
        differ = [p for p, fold in folds.items() if fold != first]
        if differ:
            click.echo(f"warning: partitions {differ} of {directory_topic} hold other rules "
                       f"for every tenant than partition {partitions[0]} (mail of tenants "
                       "on those partitions is judged by them): write the rules again",
                       err=True)
        relevant = [e for e in relevant if not partitions or e.partition == partitions[0]]
    elif len(partitions) > 1:
        click.echo(f"warning: tenant {tenant!r} has directory entries on partitions "
                   f"{partitions}; only those on the partition of its input records take "
                   "effect (see --partition)", err=True)
    if whom != ALL_TENANTS and any(e.entry.kind in POLICY_KINDS for e in shared):
        click.echo("note: rules for every tenant apply too (mailhawk policy list "
                   "--all-tenants)", err=True)
    if unreadable:
        click.echo(f"note: {unreadable} record(s) of {directory_topic} are not directory "
                   "entries (the engines dead-letter them)", err=True)

    def when(t: float) -> str | None:
        return datetime.fromtimestamp(t, UTC).isoformat() if t else None

    profile = policy_of(e.entry for e in relevant)
    doc: dict[str, Any] = {
        "tenant": whom, "partitions": partitions, "blocked": profile.blocked_senders,
        "blocked_links": profile.blocked_links, "blocked_files": profile.blocked_files,
        "allowed": [{"sender": v, "expires_at": when(profile.allowed_until.get(v, 0.0))}
                    for v in profile.allowed_senders],
        "simulations": [{"domain": d, "networks": n, "expires_at": when(t)}
                        for d, n, t in profile.simulations],
        "declared_languages": profile.languages}  # learned ones: state show --tenant-profile
    memory = []
    if whom != ALL_TENANTS:  # a release or a report names one tenant's message
        memory = [e for e in found if e.entry.kind in MEMORY_KINDS]
        doc["campaign_memory"] = {
            part: [{k: when(v) if k in ("expires_at", "written_at") else v
                    for k, v in item.items()} for item in items]
            for part, items in campaign_memory(memory, time.time()).items()}
    if history:
        doc["history"] = [
            {"partition": e.partition, "offset": e.offset, "written_at": when(e.written_at),
             "kind": e.entry.kind,
             **{k: v for k, v in (("address", e.entry.address), ("domain", e.entry.domain),
                                  ("sha256", e.entry.sha256),
                                  ("message_id", e.entry.message_id),
                                  ("networks", list(e.entry.networks)),
                                  ("expires_at", when(e.entry.expires_at))) if v}}
            for e in sorted([*relevant, *memory], key=lambda e: (e.partition, e.offset))]
    click.echo(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode())


# ---------------------------------------------------------------------------- hunt


_T = TypeVar("_T")


def _verdict_reader(command: Any) -> Any:
    """The options of a command that reads the verdict topic back (``hunt``, ``campaigns``)."""
    command = click.option("--out", "out_file", type=click.Path(dir_okay=False),
                           help="Write the rows to this JSON-lines file instead of "
                                "stdout.")(command)
    command = click.option(
        "--verdict-topic", default="mail.verdicts", show_default=True,
        envvar="MAILHAWK_VERDICT_TOPIC", help="The engines' verdicts "
        "[MAILHAWK_VERDICT_TOPIC].")(command)
    return click.option("--bootstrap-servers", required=True,
                        envvar="MAILHAWK_BOOTSTRAP_SERVERS",
                        help="Kafka bootstrap servers [MAILHAWK_BOOTSTRAP_SERVERS].")(command)


def _read_topics(desc: str, read: Callable[..., _T]) -> _T:
    """``read(on_record=..., kafka_extra=...)`` under a progress bar; a Kafka error exits 1.

    For the commands that read topics back (the verdicts, and for ``hunt --like`` the input).
    The engines' Kafka security settings (``MAILHAWK_KAFKA_*``) apply.
    """
    from tqdm import tqdm

    from stream.config import EngineConfig
    from stream.errors import KafkaError

    bar = tqdm(desc=desc, unit=" rec", file=sys.stderr, mininterval=1.0)
    try:
        return read(on_record=bar.update, kafka_extra=EngineConfig.from_env({}).kafka_extra)
    except KafkaError as exc:
        raise click.ClickException(f"{exc} (check --bootstrap-servers)") from None
    finally:
        bar.close()


def _emit_rows(rows: Iterable[dict[str, Any]], out_file: str | None) -> None:
    """One JSON line per row, to ``out_file`` or stdout."""
    data = b"".join(orjson.dumps(row) + b"\n" for row in rows)
    if out_file:
        Path(out_file).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@main.command()
@_verdict_reader
@_sender_rule
@_indicator_rule
@click.option("--tenant", help="Only this tenant's mail (default: every tenant).")
@click.option("--since-hours", type=click.FloatRange(min=0, min_open=True),
              help="How far back (the topics' retention bounds it) [168, a week; 24 with "
                   "--like, which reads every message's text].")
@click.option("--delivered-only", is_flag=True, help="Only messages still in mailboxes "
              "(allowed or warned), the ones remediation has to pull.")
@click.option("--like", "like_file", type=click.Path(exists=True, dir_okay=False),
              help="A message (.eml, a MailRecord JSON line, or a line of `feedback export` "
                   "with the reported mail): mail whose text is a near-copy of it, whoever "
                   "sent it and wherever it links. Reads the input topic.")
@click.option("--like-message", nargs=2, metavar="TENANT MESSAGE_ID",
              help="As --like, for a message on the input topic (a verdict names both): "
                   "its text is read from there.")
@click.option("--min-similarity", type=click.FloatRange(0, 1, min_open=True), default=0.6,
              show_default=True, help="With --like: how alike the texts must be (estimated "
              "share of shared four-word runs; 0.6 is what the campaign memory holds).")
@click.option("--input-topic", default="mail.inbound", show_default=True,
              envvar="MAILHAWK_INPUT_TOPIC", help="With --like: the engines' input, where "
              "the texts are [MAILHAWK_INPUT_TOPIC].")
def hunt(bootstrap_servers: str, verdict_topic: str, address: str | None, domain: str | None,
         link_domain: str | None, attachment: str | None, tenant: str | None,
         since_hours: float | None, delivered_only: bool, like_file: str | None,
         like_message: tuple[str, str] | None, min_similarity: float, input_topic: str,
         out_file: str | None) -> None:
    """The mail already scored from a sender, with a link, a file or a text, across tenants.

    What a block came too late for. Reads the verdict topic (no consumer group) and prints
    one JSON line per message from the address (or the domain and its subdomains), linking
    to the host (or its subdomains), or carrying the file: tenant, message id, sender,
    recipients, action, attack type, score, link hosts, attachment digests, when it was
    scored. Pair it with `mailhawk policy block [--all-tenants]`: the block holds the
    campaign's next message, these rows are the ones it already delivered. With --like, the
    messages whose text is a near-copy of a given one (a user's report, say; or, with
    --like-message, one on the input topic): a campaign that rotates its senders and sites
    keeps its text. Those rows add the similarity, and carry no verdict fields when the
    message has no verdict in the window. A summary goes to stderr. Rows name addresses:
    hand them to the remediation system, do not log them.
    """
    from functools import partial

    from stream.hunt import DELIVERED, HuntQuery
    from stream.hunt import hunt as find

    if sum(map(bool, (address, domain, link_domain, attachment, like_file,
                      like_message))) != 1:
        raise click.UsageError("give exactly one of --address, --domain, --link-domain, "
                               "--attachment, --like or --like-message")
    if like_file or like_message:
        hours = since_hours or 24.0
        if like_file:
            label, signature = Path(like_file).name, _fingerprint(_report(Path(like_file)),
                                                                   like_file)
        else:
            assert like_message is not None
            label = like_message[1]
            signature = _fingerprint(_on_input_topic(bootstrap_servers, input_topic,
                                                     *like_message, hours), label)
        _hunt_copies(bootstrap_servers, input_topic, verdict_topic, signature, label,
                     tenant=tenant or "", since_hours=hours, min_similarity=min_similarity,
                     delivered_only=delivered_only, out_file=out_file)
        return
    try:
        query = HuntQuery(address or "", domain or "", link_domain or "", attachment or "",
                          tenant or "", delivered_only)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    since_hours = since_hours or 168.0
    found, unreadable = _read_topics("verdicts read", partial(
        find, bootstrap_servers, verdict_topic, query, since_hours=since_hours))
    _emit_rows(({"tenant_id": v.tenant_id, "message_id": v.message_id, "sender": v.sender,
                 "recipients": list(v.recipients), **_verdict_fields(v)} for v in found),
               out_file)
    click.echo(_hunt_summary(f"{len(found)} message(s) {query.describe()}", since_hours,
                             found, [v for v in found if v.action in DELIVERED]), err=True)
    if unreadable:
        click.echo(f"note: {unreadable} record(s) of {verdict_topic} naming "
                   f"{query.needle} are not verdicts", err=True)


def _verdict_fields(v: Any) -> dict[str, Any]:
    """What a hunt's row says of a message's verdict."""
    return {"action": v.action, "attack_type": v.attack_type, "score": v.score,
            "decided_by": v.decided_by, "link_hosts": list(v.link_hosts),
            "attachment_sha256": list(v.attachment_sha256), "scored_at": v.scored_at}


def _hunt_summary(found: str, since_hours: float, verdicts: Sequence[Any],
                  delivered: Sequence[Any], tenants: set[str] | None = None) -> str:
    """A hunt's summary line: what it found, by action, and what is still in mailboxes.

    ``delivered`` are the found messages still in mailboxes (verdicts or copies: each has
    ``recipients``); ``tenants`` defaults to the verdicts'.
    """
    from collections import Counter

    by_action = Counter(v.action for v in verdicts)
    tenants = {v.tenant_id for v in verdicts} if tenants is None else tenants
    return (f"{found} in the last {since_hours:g} h, {len(tenants)} tenant(s)"
            + (": " + ", ".join(f"{n} {a}" for a, n in sorted(by_action.items()))
               if by_action else "")
            + f"; still delivered: {len(delivered)} message(s), "
            f"{sum(len(m.recipients) for m in delivered)} mailbox(es)")


def _report(path: Path) -> MailRecord:
    """The message in ``path``, as ``hunt --like`` takes it.

    Raw mail (a user's report as .eml), a MailRecord JSON line, or the first line of a
    ``mailhawk feedback export`` file whose example carries the reported mail.
    """
    from schemas import SchemaError, decode_mail
    from schemas.mime import parse_message

    raw = path.read_bytes()
    try:
        if raw.lstrip().startswith(b"{"):
            line = raw.strip().splitlines()[0]
            doc = orjson.loads(line)
            if isinstance(doc, dict) and isinstance(doc.get("mail"), dict):
                line = orjson.dumps(doc["mail"])  # a user's report, as `feedback export` has it
            record = decode_mail(line)
        else:
            record = parse_message(raw, tenant_id="hunt")
    except (SchemaError, MimeError, orjson.JSONDecodeError) as exc:
        raise click.UsageError(f"{path} is neither a message (.eml), a MailRecord JSON line "
                               f"nor a feedback example with its mail: {exc}") from None
    return record


def _on_input_topic(bootstrap_servers: str, input_topic: str, tenant: str, message_id: str,
                    since_hours: float) -> MailRecord:
    """``hunt --like-message``'s message, read from the input topic; exits 1 when absent."""
    from functools import partial

    from stream.hunt import find_message

    record = _read_topics("input records read (finding the message)", partial(
        find_message, bootstrap_servers, input_topic, tenant, message_id,
        since_hours=since_hours))
    if record is None:
        raise click.ClickException(
            f"no message {message_id!r} of tenant {tenant!r} on {input_topic} in the last "
            f"{since_hours:g} h (past the window or the topic's retention?): widen "
            f"--since-hours, or give its .eml with --like")
    return record


def _fingerprint(record: MailRecord, what: str) -> bytes:
    """``record``'s content fingerprint; a usage error when its text is too short for one."""
    from detectors.fingerprint import MIN_SHINGLES, SHINGLE, fingerprints

    found = fingerprints([(record.subject, record.text)])[0]
    if found is None:
        raise click.UsageError(
            f"{what}: the text is too short to fingerprint (fewer than "
            f"{MIN_SHINGLES + SHINGLE - 1} words): hunt by its sender, link or attachment")
    return found[0]


def _hunt_copies(bootstrap_servers: str, input_topic: str, verdict_topic: str,
                 signature: bytes, label: str, *, tenant: str, since_hours: float,
                 min_similarity: float, delivered_only: bool, out_file: str | None) -> None:
    """``hunt --like``: the near-copies of a message's text, with their verdicts."""
    from functools import partial

    from stream.hunt import DELIVERED, copies

    found, unreadable = _read_topics("records read (input, then verdicts)", partial(
        copies, bootstrap_servers, input_topic, verdict_topic, signature,
        since_hours=since_hours, tenant=tenant, min_similarity=min_similarity))
    unscored = [c for c in found if c.verdict is None]
    delivered = [c for c in found if c.verdict is not None and c.verdict.action in DELIVERED]
    shown = delivered if delivered_only else found

    _emit_rows(({"tenant_id": c.tenant_id, "message_id": c.message_id, "sender": c.sender,
                 "recipients": list(c.recipients), "similarity": c.similarity,
                 **(_verdict_fields(c.verdict) if c.verdict is not None else {})}
                for c in shown), out_file)
    click.echo(_hunt_summary(f"{len(found)} message(s) like {label} (similarity >= "
                             f"{min_similarity:g})", since_hours,
                             [c.verdict for c in found if c.verdict is not None], delivered,
                             tenants={c.tenant_id for c in found})
               + (f"; no verdict in the window: {len(unscored)}" if unscored else ""),
               err=True)
    if unreadable:
        click.echo(f"note: {unreadable} record(s) of {input_topic} are not mail records "
                   "(the engines dead-lettered them)", err=True)


@main.command()
@_verdict_reader
@click.option("--since-hours", type=click.FloatRange(min=0, min_open=True), default=24.0,
              show_default=True, help="How far back (the verdict topic's retention bounds it).")
@click.option("--min-held-share", type=click.FloatRange(0, 1), default=0.2,
              show_default=True, help="Leave out indicators with a smaller share of their "
              "messages held (a lure's legitimate links are mostly in delivered mail).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Rows at most, most delivered first.")
def campaigns(bootstrap_servers: str, verdict_topic: str, since_hours: float,
              min_held_share: float, limit: int, out_file: str | None) -> None:
    """Where one tenant's catch is another's miss: indicators of held mail also delivered.

    Reads the verdict topic twice (no consumer group): the held verdicts' indicators
    (sender domain unless free mail and the registrable domain above it, link hosts,
    attachment digests), then the delivered
    verdicts that carry one. One JSON line per indicator: how many messages were held and
    delivered, at which tenants, how many mailboxes got it, and the commands that pull the
    delivered ones and hold the next. Leads for an analyst to judge, not verdicts: a
    campaign's site is worth an every-tenant block, a shared host its lure also linked to
    is not. Rows name tenants and indicators, no addresses.
    """
    from functools import partial

    from stream.hunt import campaigns as find

    flag = {"sender_domain": "--domain", "link_host": "--link-domain",
            "attachment": "--attachment"}
    found, unreadable = _read_topics("verdicts read (two passes)", partial(
        find, bootstrap_servers, verdict_topic, since_hours=since_hours,
        min_held_share=min_held_share))
    _emit_rows(({
        "kind": s.kind, "value": s.value,
        "held": {"messages": len(s.held), "tenants": s.tenants(s.held),
                 "attack_types": dict(s.attack_types.most_common())},
        "delivered": {"messages": len(s.delivered), "tenants": s.tenants(s.delivered),
                      "mailboxes": s.mailboxes},
        "pull": f"mailhawk hunt {flag[s.kind]} {s.value} --since-hours {since_hours:g} "
                "--delivered-only",
        "hold": f"mailhawk policy block --all-tenants {flag[s.kind]} {s.value}"}
        for s in found[:limit]), out_file)
    click.echo(f"{len(found)} indicator(s) of mail held in the last {since_hours:g} h were "
               f"also in delivered mail" + (f" (the {limit} most delivered shown)"
                                            if len(found) > limit else ""), err=True)
    if unreadable:
        click.echo(f"note: {unreadable} record(s) of {verdict_topic} are not verdicts",
                   err=True)


# ---------------------------------------------------------------------------- feedback


@main.group()
def feedback() -> None:
    """The feedback service: reports, labels and releases joined to verdicts."""


def _feedback_option(name: str, envvar: str, help: str, **kw: Any) -> Any:
    """A ``feedback`` option for a FeedbackConfig field: its default is the config's."""
    from dataclasses import fields

    from stream.feedback import FeedbackConfig

    default = next(f.default for f in fields(FeedbackConfig) if f.name == name)
    flag = "--" + name.replace("_", "-")
    decls = (f"{flag}/--no-{flag[2:]}",) if isinstance(default, bool) else (flag,)
    return click.option(*decls, name, envvar=envvar, default=default, show_default=True,
                        help=f"{help} [{envvar}]".lstrip(), **kw)


_fb_bootstrap = _feedback_option("bootstrap_servers", "MAILHAWK_BOOTSTRAP_SERVERS", "")
_fb_training_topic = _feedback_option("training_topic", "MAILHAWK_TRAINING_TOPIC",
                                      "Labelled examples (the service writes them).")


@feedback.command("run")
@_fb_bootstrap
@_feedback_option("verdict_topic", "MAILHAWK_VERDICT_TOPIC", "The engine's verdicts.")
@_feedback_option("feedback_topic", "MAILHAWK_FEEDBACK_TOPIC", "Feedback records, keyed by "
                  "tenant, co-partitioned with the verdicts.")
@_fb_training_topic
@_feedback_option("dead_letter_topic", "MAILHAWK_DEAD_LETTER_TOPIC",
                  "Unreadable feedback, original bytes and reason.")
@_feedback_option("group", "MAILHAWK_FEEDBACK_GROUP", "Consumer group (and Faust app id).")
@_feedback_option("state_dir", "MAILHAWK_FEEDBACK_STATE_DIR", "Faust's RocksDB tables.")
@_feedback_option("port", "MAILHAWK_FEEDBACK_PORT", "/metrics, /healthz, /readyz.", type=int)
@_feedback_option("host", "MAILHAWK_FEEDBACK_HOST", "")
@_feedback_option("partitions", "MAILHAWK_PARTITIONS", "Partitions of topics it creates when "
                  "the verdict topic does not exist yet (else the verdict topic's).", type=int)
@_feedback_option("replication_factor", "MAILHAWK_REPLICATION_FACTOR", "Of the topics it "
                  "creates, its tables' changelogs included.", type=int)
@_feedback_option("retention_days", "MAILHAWK_FEEDBACK_RETENTION_DAYS",
                  "How long verdicts are remembered for joining.", type=int)
@_feedback_option("directory_topic", "MAILHAWK_DIRECTORY_TOPIC", "The engine's directory "
                  "topic: analysts' attack labels block the sender there, releases clear it "
                  "(off when empty).")
@_feedback_option("stop_deadline_s", "MAILHAWK_FEEDBACK_STOP_DEADLINE_S", "Seconds a stop "
                  "may take before the service exits anyway (its stop waits on the brokers).",
                  type=float)
@_feedback_option("consistency_check", "MAILHAWK_FEEDBACK_CONSISTENCY_CHECK",
                  "Faust's restart check of stored table offsets against the changelog's "
                  "end; off only on the bundled dev broker, whose end offsets are short.")
def feedback_run(**flags: Any) -> None:
    """Join feedback to verdicts: outcome metrics, training examples, dead letters."""
    from stream.config import EngineConfig
    from stream.feedback import FeedbackConfig, run

    # MAILHAWK_KAFKA_* (SASL/TLS) are read as the engine reads them.
    run(FeedbackConfig(**flags, kafka_extra=EngineConfig.from_env({}).kafka_extra))


@feedback.command("export")
@_fb_bootstrap
@_fb_training_topic
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False),
              help="JSON-lines file to write, for `mailhawk train --feedback`.")
def feedback_export(bootstrap_servers: str, training_topic: str, out_file: str) -> None:
    """Write every labelled example of the training topic to a file (no group, no commit)."""
    from stream.config import EngineConfig
    from stream.feedback import export_examples

    counts = export_examples(bootstrap_servers, training_topic, Path(out_file),
                             kafka_extra=EngineConfig.from_env({}).kafka_extra)
    total = sum(counts.values())
    click.echo(f"{total} examples written to {out_file}"
               + (": " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
                  if total else ""))


def _register_bench() -> None:
    from bench.cli import bench

    main.add_command(bench)


_register_bench()


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


def entry() -> None:  # pragma: no cover - console script wrapper
    """Run the CLI, turning mailhawk errors into one clear line."""
    from schemas import MailhawkError

    try:
        main()
    except MailhawkError as exc:
        _fail(exc)


if __name__ == "__main__":
    entry()

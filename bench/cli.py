"""``mailhawk bench …``: traffic generation, corpus replay streams, the benchmark and the sweep.

``bench`` is a click group; the main CLI registers it with ``main.add_command(bench)``. Each
command imports its heavy modules when it runs, so ``mailhawk --help`` stays fast.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from schemas import MailhawkError

__all__ = ["bench"]


def _progress() -> bool:
    return sys.stderr.isatty()


def _echo(message: str) -> None:
    click.echo(message, err=True)


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def _corpora(corpora: Path | None) -> Path:
    """The corpora folder, or an error that says how to point at it."""
    from bench.corpus import corpora_dir

    found = corpora_dir(corpora)
    if found is None:
        raise click.ClickException(
            f"corpora not found{f' in {corpora}' if corpora else ''}: pass --corpora DIR (the "
            "folder with enron-ham.tar.gz) or set MAILHAWK_CORPORA")
    return found


# Options several commands share, spelt once.
_corpora_option = click.option(
    "--corpora", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Corpora folder [MAILHAWK_CORPORA, else ../shared/data/corpora].")
_seed_option = click.option("--seed", type=int, default=1, show_default=True,
                            help="Synthetic stream seed.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def bench() -> None:
    """Benchmark harness: synthetic and corpus streams, speed, latency and efficacy reports."""


# ----------------------------------------------------------------------------- generate


@bench.command("generate")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for stream.jsonl, labels.jsonl and manifest.json.")
@click.option("--tenants", type=click.IntRange(min=1), default=3, show_default=True,
              help="Companies to simulate.")
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True,
              help="Simulated days (attacks start after the first 40%).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Equal arguments give equal bytes.")
@click.option("--messages-per-employee", type=click.FloatRange(min=0.1), default=None,
              help="Mean records per employee per working day (generator default 4).")
@click.option("--attack-rate", type=click.FloatRange(0.0, 1.0), default=None,
              help="Share of attack messages after the warm-up (generator default 0.01).")
def generate(out: Path, tenants: int, days: int, seed: int,
             messages_per_employee: float | None, attack_rate: float | None) -> None:
    """Write a labelled synthetic mail stream (bench.generate) into --out."""
    from bench.generate import write_stream

    kw: dict[str, Any] = {}
    if messages_per_employee is not None:
        kw["messages_per_employee_per_day"] = messages_per_employee
    if attack_rate is not None:
        kw["attack_rate"] = attack_rate
    try:
        manifest = write_stream(out, tenants, days, seed, progress=_progress(), **kw)
    except (ValueError, OSError) as exc:
        raise _fail(exc) from None
    _echo(f"{manifest['messages']:,} messages written to {out} ({manifest.get('by_label')}); "
          f"next: mailhawk bench run --stream {out}")


# ----------------------------------------------------------------------------- corpus


@bench.command("corpus")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for stream.jsonl, labels.jsonl and manifest.json.")
@_corpora_option
@click.option("--normalise/--raw-headers", default=True, show_default=True,
              help="Strip corpus-specific headers that leak labels (read efficacy only on "
                   "normalised streams).")
@click.option("--ham-limit", type=click.IntRange(min=1), default=None,
              help="Enron ham messages to keep (a window in the busy middle).")
@click.option("--attacks-limit", type=click.IntRange(min=0), default=None,
              help="Phishing messages to inject (spam: half of it).")
@click.option("--outside-ham-limit", type=click.IntRange(min=0), default=0, show_default=True,
              help="SpamAssassin/watchdog ham per source to inject.")
def corpus(out: Path, corpora: Path | None, normalise: bool, ham_limit: int | None,
           attacks_limit: int | None, outside_ham_limit: int) -> None:
    """Write a replay stream of real labelled mail (bench.corpus) into --out."""
    from bench.corpus import write

    found = _corpora(corpora)
    try:
        manifest = write(found, out, normalise=normalise, ham_limit=ham_limit,
                         attacks_limit=attacks_limit, outside_ham_limit=outside_ham_limit,
                         progress=_progress())
    except (MailhawkError, OSError) as exc:
        raise _fail(exc) from None
    _echo(f"{manifest['messages']:,} messages written to {out} ({manifest['by_label']}); "
          f"next: mailhawk bench run --stream {out}")


# ----------------------------------------------------------------------------- run


def _default_out(kind: str) -> Path:
    return Path("bench-results") / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}"


@bench.command("run")
@click.option("--stream", "stream_dir", type=click.Path(file_okay=False, exists=True,
                                                        path_type=Path), required=True,
              help="Folder with stream.jsonl (+ labels.jsonl) from `bench generate`/`corpus`.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/run-<time>].")
@click.option("--rate", type=click.FloatRange(min=1.0), default=None,
              help="Replay the engine's input at N msg/s (default: as fast as possible).")
@click.option("--max", "max_rate", is_flag=True,
              help="Replay as fast as possible (the default; exclusive with --rate).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes per pipeline (engine, ceiling, peers).")
@click.option("--partitions", type=click.IntRange(min=1), default=4, show_default=True,
              help="Partitions of every topic of the run.")
@click.option("--bootstrap-servers", default=None,
              help="Use this broker instead of starting the bundled dev broker.")
@click.option("--ceiling/--no-ceiling", default=True, show_default=True,
              help="Measure the consume→produce→commit passthrough.")
@click.option("--peers/--no-peers", default=True, show_default=True,
              help="Measure the Quix Streams and faust-streaming peers.")
@click.option("--peer", "peer_names", type=click.Choice(["quix", "faust"]), multiple=True,
              help="Only these peers (repeat the option); default both.")
@click.option("--latency-at-half/--no-latency-at-half", default=True, show_default=True,
              help="After the max-speed pass, run the engine again at half that rate.")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True,
              help="Records per batch for the engine and the ceiling.")
@click.option("--fetch-wait-ms", type=click.IntRange(min=-1), default=10, show_default=True,
              help="Consumers' fetch.wait.max.ms (-1: client default). Tansu does not answer "
                   "a waiting fetch when data arrives; Kafka does.")
@click.option("--peers-venv", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The peers' virtual environment [~/.cache/mailhawk-bench/peers-venv].")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Replay only the first N messages of the stream.")
@click.option("--pass-timeout", type=click.FloatRange(min=1.0), default=None,
              help="Seconds to wait for every output of one pass [120 + messages/250].")
@click.option("--keep-state", is_flag=True, help="Keep the pipelines' state folders.")
@click.option("--no-plots", is_flag=True, help="Skip the PNG plots.")
def run(stream_dir: Path, out: Path | None, rate: float | None, max_rate: bool, workers: int,
        partitions: int, bootstrap_servers: str | None, ceiling: bool, peers: bool,
        peer_names: tuple[str, ...], latency_at_half: bool, batch_size: int,
        fetch_wait_ms: int, peers_venv: Path | None, limit: int | None,
        pass_timeout: float | None, keep_state: bool, no_plots: bool) -> None:
    """Replay a stream through the ceiling, the engine and the peers; write the report."""
    from bench.run import RunOptions, run_benchmark

    if rate is not None and max_rate:
        raise click.UsageError("give either --rate N or --max, not both")
    out = out or _default_out("run")
    opts = RunOptions(stream=stream_dir, out=out, workers=workers, rate=rate,
                      partitions=partitions, bootstrap_servers=bootstrap_servers,
                      ceiling=ceiling, peers=peers,
                      peer_names=peer_names or ("quix", "faust"),
                      latency_at_half=latency_at_half, batch_size=batch_size,
                      fetch_wait_ms=None if fetch_wait_ms < 0 else fetch_wait_ms,
                      peers_venv=peers_venv, limit=limit, pass_timeout=pass_timeout,
                      keep_state=keep_state, progress=_progress(), plots=not no_plots)
    try:
        report = run_benchmark(opts, log=_echo)
    except MailhawkError as exc:
        raise _fail(exc) from None
    _echo("")
    for row in report.get("speed", []):
        line = f"  {row['title']:<46} {row['status'][:60]}"
        if row.get("msg_s"):
            ratio = row.get("msg_s_ratio_to_ceiling")
            line += f" {row['msg_s']:>9,.0f} msg/s"
            line += f"  {ratio:5.2f}× ceiling" if ratio is not None else ""
            p99 = (row.get("latency_ms") or {}).get("p99")
            line += f"  p99 {p99:,.1f} ms" if p99 is not None else ""
        _echo(line)
    for goal in report.get("goals", []):
        _echo(f"  goal: {goal['goal']}: {goal['measured']} ({goal['target']}) → "
              f"{goal['result']}")
    _echo(f"report: {out / 'report.md'} (numbers in report.json, plots beside it)")


# ----------------------------------------------------------------------------- scale


@bench.command("scale")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/scale-<time>].")
@click.option("--full", is_flag=True,
              help="Go up to 10 million profiles (a ~1 GB store, bulk-loaded: a few minutes).")
@click.option("--population", "populations", type=click.IntRange(min=1000), multiple=True,
              help="Populations to measure (repeat); default 10k, 100k, 1M.")
@click.option("--measure", type=click.IntRange(min=1000), default=20_000, show_default=True,
              help="Timed messages per population and draw.")
@click.option("--rounds", type=click.IntRange(min=1), default=3, show_default=True,
              help="Rounds over all populations (the figures are medians over them).")
@click.option("--stream", "stream_dir", type=click.Path(file_okay=False, exists=True,
                                                        path_type=Path), default=None,
              help="Stream for the 1 vs 2 workers runs (generated when omitted).")
@click.option("--workers/--no-workers", default=True, show_default=True,
              help="Also measure 1 vs 2 workers through the broker.")
@click.option("--partitions", type=click.IntRange(min=2), default=4, show_default=True)
@click.option("--bootstrap-servers", default=None,
              help="Use this broker instead of starting the bundled dev broker.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Replay only the first N messages of the stream.")
def scale(out: Path | None, full: bool, populations: tuple[int, ...], measure: int,
          rounds: int, stream_dir: Path | None, workers: bool, partitions: int,
          bootstrap_servers: str | None, limit: int | None) -> None:
    """State-growth sweep (per-message state cost vs profiles) and 1 vs 2 workers."""
    from bench.scale import DEFAULT_POPULATIONS, FULL_POPULATIONS, ScaleOptions, run_scale

    out = out or _default_out("scale")
    chosen = populations or (FULL_POPULATIONS if full else DEFAULT_POPULATIONS)
    if workers and stream_dir is None:
        from bench.generate import write_stream

        stream_dir = out / "stream"
        if not (stream_dir / "stream.jsonl").exists():
            _echo(f"generating a 16-tenant stream for the workers runs in {stream_dir} "
                  "(pass --stream DIR to use your own)")
            write_stream(stream_dir, 16, 12, 1, progress=_progress())
    opts = ScaleOptions(out=out, populations=tuple(chosen), measure=measure, rounds=rounds,
                        stream=stream_dir, workers=workers, partitions=partitions,
                        bootstrap_servers=bootstrap_servers, limit=limit,
                        progress=_progress())
    try:
        report = run_scale(opts, log=_echo)
    except MailhawkError as exc:
        raise _fail(exc) from None
    for p in report["state_growth"]["points"]:
        _echo(f"  {p['population']:>12,} senders: {p['us_per_msg']:8.1f} µs/msg "
              f"({p['ratio_to_first']:.2f}× the smallest, {p['ratio_paired']:.2f}× paired by "
              f"round); heavy-tailed {p['us_per_msg_zipf']:.1f} µs/msg "
              f"({p['ratio_to_first_zipf']:.2f}×, {p['ratio_paired_zipf']:.2f}× paired); "
              f"RSS {p['rss_mib']:.0f} MiB")
    bound = report["state_growth"].get("memory_bound_mib")
    if bound:
        _echo(f"  configured memory bound: {bound['total']} MiB (RocksDB {bound['rocksdb']} "
              f"+ decoded profiles {bound['decoded_profiles']})")
    for kind, s in (report.get("workers", {}).get("speedup") or {}).items():
        _echo(f"  {kind}: 1 → 2 workers {s.get('speedup')}× ({s.get('one_worker_msg_s')} → "
              f"{s.get('two_workers_msg_s')} msg/s)")
    _echo(f"report: {out / 'report.md'}")


# ----------------------------------------------------------------------------- state


@bench.command("state")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/state-<time>].")
@_corpora_option
@click.option("--passes", type=click.IntRange(min=1), default=5, show_default=True,
              help="Timed replays from an empty store (the median is reported).")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True,
              help="Records per batch, as the engine's MAILHAWK_BATCH_SIZE.")
@click.option("--commit-records", type=click.IntRange(min=1), default=None,
              help="Records per state commit, as the engine's MAILHAWK_COMMIT_RECORDS "
                   "[its default]; the batch size commits every batch.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Replay only the first N Enron messages (date order).")
@click.option("--detectors/--no-detectors", default=True, show_default=True,
              help="Take learn flags and verdicts from an untimed heuristics replay "
                   "(otherwise every message teaches and is allowed).")
def state(out: Path | None, corpora: Path | None, passes: int, batch_size: int,
          commit_records: int | None, limit: int | None, detectors: bool) -> None:
    """State cost per message (read, update, encode+write) on the Enron-derived stream."""
    from bench.state_cost import StateCostOptions, run_state_cost, summary

    found = _corpora(corpora)
    out = out or _default_out("state")
    opts = StateCostOptions(corpora=found, out=out, batch_size=batch_size,
                            commit_records=commit_records, passes=passes, limit=limit,
                            detectors=detectors, progress=_progress())
    _run_and_summarise(run_state_cost, opts, summary,
                       f"{out / 'state_cost.md'} (numbers in state_cost.json)")


def _run_and_summarise(run: Any, opts: Any, summary: Any, where: str) -> None:
    """Run a bench that writes its report; print its summary lines and where the report is."""
    try:
        report = run(opts, log=_echo)
    except (MailhawkError, OSError) as exc:
        raise _fail(exc) from None
    for line in summary(report):
        _echo(line)
    _echo(f"report: {where}")


@bench.command("crafted")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/crafted-<time>].")
@click.option("--chars", type=click.IntRange(min=100), default=3000, show_default=True,
              help="The shorter length of each field; the longer is four times it.")
@click.option("--entries", type=click.IntRange(min=10), default=250, show_default=True,
              help="The smaller count of each list's entries (links, attachments, "
                   "recipients, ...); the larger is four times it.")
def crafted(out: Path | None, chars: int, entries: int) -> None:
    """What one crafted record costs as each field or list a sender writes grows.

    Exits 1 when a field's or a list's cost grows faster than its input (a crafted record
    that slow would stop its partition): the report names it.
    """
    from bench.crafted import CraftedOptions, run_crafted, summary

    out = out or _default_out("crafted")
    report = run_crafted(CraftedOptions(out=out, chars=chars, entries=entries,
                                        progress=_progress()), log=_echo)
    for line in summary(report):
        _echo(line)
    _echo(f"report: {out / 'crafted.md'} (numbers in crafted.json, plot crafted.png)")
    if report["flagged"]:
        raise SystemExit(1)


@bench.command("expiry")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/expiry-<time>].")
@click.option("--tenants", type=click.IntRange(min=1), default=4, show_default=True)
@click.option("--days", type=click.IntRange(min=2), default=240, show_default=True,
              help="Days of synthetic traffic.")
@click.option("--idle-expiry-days", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="As MAILHAWK_IDLE_EXPIRY_DAYS (shorter than the "
              "engine's 400 so months of traffic show it).")
@click.option("--seed", type=int, default=3, show_default=True)
def expiry(out: Path | None, tenants: int, days: int, idle_expiry_days: float,
           seed: int) -> None:
    """Store size over months of traffic with and without the idle expiry sweep."""
    from bench.expiry import ExpiryOptions, run_expiry, summary

    out = out or _default_out("expiry")
    opts = ExpiryOptions(out=out, tenants=tenants, days=days,
                         idle_expiry_days=idle_expiry_days, seed=seed, progress=_progress())
    _run_and_summarise(run_expiry, opts, summary,
                       f"{out / 'expiry.md'} (numbers in expiry.json, plot expiry.png)")


# ----------------------------------------------------------------------------- seeds


def _seed_list(_ctx: Any, _param: Any, value: str) -> tuple[int, ...]:
    try:
        seeds = tuple(dict.fromkeys(int(v) for v in value.split(",") if v.strip()))
    except ValueError:
        raise click.BadParameter(f"{value!r}: give seeds as integers, e.g. 7,8,9") from None
    if len(seeds) < 2:
        raise click.BadParameter("give at least two seeds: a spread needs two points")
    return seeds


@bench.command("seeds")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/seeds-<time>].")
@click.option("--corpora", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Corpora folder [MAILHAWK_CORPORA, else ../shared/data/corpora]; without "
                   "any, synthetic traffic only.")
@click.option("--seeds", "seeds", default="7,8,9,10,11", show_default=True,
              callback=_seed_list, help="Model seeds, comma-separated.")
@click.option("--data-seed", type=int, default=7, show_default=True,
              help="Seed of the synthetic organisations (the same for every model).")
@click.option("--behaviour-members", type=click.IntRange(1, 32), default=1, show_default=True,
              help="As `mailhawk train --behaviour-members`.")
@click.option("--content-members", type=click.IntRange(1, 8), default=1, show_default=True,
              help="As `mailhawk train --content-members`.")
@click.option("--synthetic-tenants", type=click.IntRange(min=1), default=4, show_default=True)
@click.option("--synthetic-days", type=click.IntRange(min=1), default=60, show_default=True)
@click.option("--target-fpr", type=float, default=0.001, show_default=True)
@click.option("--calibration-margin", type=click.FloatRange(0, 1, min_open=True), default=0.5,
              show_default=True, help="As `mailhawk train --calibration-margin`.")
@click.option("--phishing-pot", is_flag=True,
              help="Also score the corpus replay with phishing_pot per seed (evaluation "
                   "only, as `mailhawk train` does; ~1.5 min more a seed).")
def seed_spread(out: Path | None, corpora: Path | None, seeds: tuple[int, ...],
                data_seed: int, behaviour_members: int, content_members: int,
                synthetic_tenants: int,
                synthetic_days: int, target_fpr: float, calibration_margin: float,
                phishing_pot: bool) -> None:
    """Train and test the models once per seed on one replay: how much is the seed's luck?

    Read any change to features, rules or training over several seeds: with the same code
    and data, the seed alone moved some figures by a factor of two or more. About a minute
    per seed on two cores, after a ~1.5 min replay. No artifact is written.
    """
    from bench.corpus import corpora_dir
    from stream.train import seed_study, write_study

    found = corpora_dir(corpora)
    if corpora and found is None:
        raise click.ClickException(f"no corpora at {corpora} (expected "
                                   f"{corpora}/enron-ham.tar.gz)")
    if found is None:
        _echo("no corpora found: synthetic traffic only"
              + (" (and no phishing_pot evaluation)" if phishing_pot else ""))
    out = out or _default_out("seeds")
    study = seed_study(corpora=found, seeds=seeds, data_seed=data_seed,
                       behaviour_members=behaviour_members, content_members=content_members,
                       synthetic_tenants=synthetic_tenants, synthetic_days=synthetic_days,
                       target_fpr=target_fpr, calibration_margin=calibration_margin,
                       phishing_pot=phishing_pot,
                       progress=_progress())
    write_study(study, out)
    for name, spread in study["spread"].items():
        _echo(f"  {name}: {spread['min']:.6g} – {spread['max']:.6g} "
              f"(median {spread['median']:.6g})")
    _echo(f"report: {out / 'seeds.md'} (numbers in seeds.json)")


# ----------------------------------------------------------------------------- detect


@bench.command("detect")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/detect-<time>].")
@click.option("--source", "sources", type=click.Choice(["synthetic", "corpus", "stream"]),
              multiple=True, help="Streams to measure (repeat); default synthetic and corpus "
                                  "(corpus only when the corpora are found).")
@click.option("--messages", type=click.IntRange(min=1), default=20_000, show_default=True,
              help="Messages per source.")
@click.option("--stream", "stream_dir", type=click.Path(file_okay=False, exists=True,
                                                        path_type=Path), default=None,
              help="Folder with stream.jsonl (for --source stream).")
@_corpora_option
@_seed_option
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True,
              help="Records per consumed batch (the engine default).")
@click.option("--partitions", type=click.IntRange(min=1), default=4, show_default=True,
              help="Partitions a consumed batch is split over (by tenant).")
@click.option("--artifact", default="", help="Model artifact [the packaged default].")
@click.option("--shadow-artifact", default="", help="Also score with this candidate in "
              "shadow and report its cost apart (not part of detection).")
@click.option("--record-outputs", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write every message's detector outputs (JSON lines).")
@click.option("--check-outputs", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="Fail unless the outputs equal this recording.")
def detect(out: Path | None, sources: tuple[str, ...], messages: int, stream_dir: Path | None,
           corpora: Path | None, seed: int, batch_size: int, partitions: int, artifact: str,
           shadow_artifact: str, record_outputs: Path | None,
           check_outputs: Path | None) -> None:
    """Detection cost per message (features, heuristics, models) through the real cascade."""
    from bench.corpus import corpora_dir
    from bench.detect_cost import DetectOptions, OutputMismatchError, run_detect

    if not sources:
        sources = ("synthetic", "corpus") if corpora_dir(corpora) else ("synthetic",)
    if "stream" in sources and stream_dir is None:
        raise click.UsageError("--source stream needs --stream DIR")
    out = out or _default_out("detect")
    opts = DetectOptions(out=out, sources=sources, messages=messages, stream=stream_dir,
                         corpora=corpora, seed=seed, batch=batch_size, partitions=partitions,
                         artifact=artifact, shadow_artifact=shadow_artifact,
                         record_outputs=record_outputs,
                         check_outputs=check_outputs, progress=_progress())
    try:
        run_detect(opts, log=_echo)
    except OutputMismatchError as exc:
        raise click.ClickException(f"outputs changed: {exc}") from None
    except (MailhawkError, OSError, ValueError) as exc:
        raise _fail(exc) from None
    _echo(f"report: {out / 'report.md'} (numbers in report.json)")


# ----------------------------------------------------------------------------- ab


@bench.command("ab")
@click.option("--ref", required=True,
              help="Git ref of the baseline (a commit, branch or tag; e.g. HEAD~1).")
@click.option("--bench", "which", type=click.Choice(["detect", "state"]), default="detect",
              show_default=True, help="What to compare: `bench detect` or `bench state`.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/ab-<time>].")
@click.option("--source", "sources", type=click.Choice(["synthetic", "corpus"]), multiple=True,
              help="Streams to measure (repeat); default synthetic and corpus (corpus only "
                   "when the corpora are found).")
@click.option("--rounds", type=click.IntRange(min=1), default=5, show_default=True,
              help="Runs per side, alternating (the figures are medians over them); 3 "
                   "rounds of the same code measured 0.87-1.02 apart.")
@click.option("--messages", type=click.IntRange(min=1), default=12_000, show_default=True,
              help="Messages per source and run.")
@_corpora_option
@_seed_option
@click.option("--passes", type=click.IntRange(min=1), default=3, show_default=True,
              help="Passes of each `bench state` run (its median is the run's figure).")
@click.option("--side-by-side", is_flag=True,
              help="Run a round's two sides at once, each pinned to a CPU of its own (swapped "
                   "each round): both meet the machine's swings at the same moments.")
def ab(ref: str, which: str, out: Path | None, sources: tuple[str, ...], rounds: int,
       messages: int, corpora: Path | None, seed: int, passes: int,
       side_by_side: bool) -> None:
    """Detection (or state) cost of this tree against REF, in alternating runs.

    The machine's speed swings 30-40% between minutes; only runs taken in turns compare. The
    baseline is checked out in a temporary git worktree with its C modules built; each run is
    a fresh process. About a minute per round at the default size (detect), two (state).
    """
    from bench.ab import STAGES, AbOptions, run_ab
    from bench.corpus import corpora_dir

    found = corpora_dir(corpora)
    if corpora and found is None:
        raise click.ClickException(f"no corpora at {corpora} (expected "
                                   f"{corpora}/enron-ham.tar.gz)")
    if which == "state":
        found = _corpora(corpora)  # the Enron stream
    if not sources:
        sources = ("synthetic", "corpus") if found else ("synthetic",)
    if "corpus" in sources and found is None:
        raise click.ClickException("--source corpus needs the corpora: pass --corpora DIR or "
                                   "set MAILHAWK_CORPORA")
    out = out or _default_out("ab")
    opts = AbOptions(ref=ref, out=out, corpora=found, bench=which, sources=sources,
                     rounds=rounds, messages=messages, seed=seed, passes=passes,
                     side_by_side=side_by_side)
    try:
        report = run_ab(opts, log=_echo)
    except (MailhawkError, OSError) as exc:
        raise _fail(exc) from None
    headline = STAGES[which][-1]
    for source, stages in report["summary"].items():
        d = stages[headline]
        _echo(f"  {source}: {headline} {d['median_baseline']:.1f} -> {d['median_change']:.1f} "
              f"µs (x{d['ratio']}; rounds " + ", ".join(f"{x:.2f}" for x in d["round_ratios"]
                                                     if x is not None) + ")")
    _echo(f"report: {out / 'report.md'} (numbers in report.json)")


# ----------------------------------------------------------------------------- feedback


@bench.command("feedback")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/feedback-<time>].")
@click.option("--verdicts", type=click.IntRange(min=100), default=30_000, show_default=True,
              help="Verdicts the service must keep before feedback arrives.")
@click.option("--feedback", type=click.IntRange(min=10), default=2_000, show_default=True,
              help="Feedback records about those messages.")
@click.option("--partitions", type=click.IntRange(min=1), default=4, show_default=True)
def feedback(out: Path | None, verdicts: int, feedback: int, partitions: int) -> None:
    """Verdicts and feedback per second through one feedback service, on the dev broker."""
    from bench.feedback_cost import run_feedback_cost

    out = out or _default_out("feedback")
    try:
        report = run_feedback_cost(out, verdicts=verdicts, feedback=feedback,
                                   partitions=partitions, log=_echo)
    except (MailhawkError, OSError, RuntimeError) as exc:
        raise _fail(exc) from None
    _echo(f"  verdicts kept {report['verdicts']['per_s']:,.0f}/s, feedback judged "
          f"{report['feedback']['per_s']:,.0f}/s")
    _echo(f"report: {out / 'report.md'} (numbers in report.json)")


# ----------------------------------------------------------------------------- filters


@bench.command("filters")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/filters-<time>].")
@_corpora_option
@click.option("--filter", "filters",
              type=click.Choice(["mailhawk", "rspamd", "rspamd-bayes", "spamassassin"]),
              multiple=True, help="Filters to measure (repeat) [all four].")
@click.option("--enron", type=click.IntRange(min=1), default=1_500, show_default=True,
              help="Enron ham messages the filters scan (a seeded sample).")
@click.option("--watchdog", type=click.IntRange(min=1), default=1_000, show_default=True,
              help="watchdog ham messages the filters scan (a seeded sample).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="At most N messages of each corpus for the filters.")
@click.option("--threads", type=click.IntRange(min=1), default=4, show_default=True,
              help="Messages in flight to a filter at once.")
@click.option("--artifact", default="", help="Model artifact [the packaged default].")
def filters(out: Path | None, corpora: Path | None, filters: tuple[str, ...], enron: int,
            watchdog: int, limit: int | None, threads: int, artifact: str) -> None:
    """mailhawk, Rspamd (untrained and with Bayes) and SpamAssassin on the same mail, offline.

    Rspamd and SpamAssassin are started here from their Debian packages (rspamd,
    redis-server for Rspamd's Bayes, spamassassin, spamc); one that is not installed is
    reported as not measured. All four take ~30 minutes on two cores, most of it
    SpamAssassin's.
    """
    from bench.filters import FILTERS, FiltersOptions, run_filters, summary

    out = out or _default_out("filters")
    opts = FiltersOptions(corpora=_corpora(corpora), out=out, enron=enron, watchdog=watchdog,
                          limit=limit, filters=filters or FILTERS, threads=threads,
                          progress=_progress(), artifact=artifact)
    _run_and_summarise(run_filters, opts, summary,
                       f"{out / 'filters.md'} (numbers in filters.json, plot filters.png)")


@bench.command("efficacy")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/efficacy-<time>].")
@_corpora_option
@click.option("--artifact", default="", help="Model artifact [the packaged default].")
@click.option("--scores", default="", help="Scores/thresholds file [the packaged default].")
@click.option("--ham-limit", type=click.IntRange(min=1), default=None,
              help="Enron ham messages to keep [all]: a quick look, not the README's figures.")
@click.option("--attacks-limit", type=click.IntRange(min=0), default=None,
              help="phishing_pot messages to inject (SpamAssassin spam: half) [all].")
@click.option("--outside-ham-limit", type=click.IntRange(min=0), default=None,
              help="SpamAssassin and watchdog ham per source [all].")
@click.option("--outcomes/--no-outcomes", default=True, show_default=True,
              help="Write every message's outcome to outcomes.jsonl (ids, no content).")
def efficacy(out: Path | None, corpora: Path | None, artifact: str, scores: str,
             ham_limit: int | None, attacks_limit: int | None, outside_ham_limit: int | None,
             outcomes: bool) -> None:
    """What an artifact holds of the real corpora (issue #5's figures), message by message.

    The whole replay of `mailhawk train`'s corpus evaluation, scored with any artifact (the
    packaged one by default, whose figures a retrain on another CPU cannot reproduce). ~1-2
    minutes on two cores.
    """
    from bench.efficacy import EfficacyOptions, run_efficacy, summary

    out = out or _default_out("efficacy")
    opts = EfficacyOptions(corpora=_corpora(corpora), out=out, artifact=artifact,
                           scores=scores, ham_limit=ham_limit, attacks_limit=attacks_limit,
                           outside_ham_limit=outside_ham_limit, outcomes=outcomes,
                           progress=_progress())
    _run_and_summarise(run_efficacy, opts, summary,
                       f"{out / 'efficacy.md'} (numbers in efficacy.json, plot efficacy.png"
                       + (", every message in outcomes.jsonl)" if outcomes else ")"))


@bench.command("evasion")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder [bench-results/evasion-<time>].")
@_corpora_option
@click.option("--attacks", type=click.IntRange(min=1), default=1_000, show_default=True,
              help="Held attack messages rewritten (a seeded sample).")
@click.option("--enron", type=click.IntRange(min=1), default=None,
              help="Enron ham in the stream before them [all].")
@click.option("--artifact", default="", help="Model artifact [the packaged default].")
def evasion(out: Path | None, corpora: Path | None, attacks: int, enron: int | None,
            artifact: str) -> None:
    """Held attack mail rewritten as kits rewrite it: is it still held?

    Decoy text parts, invisible and visible padding with ordinary mail, a reply to nothing;
    each variant scored after the corpus stream. ~2 minutes on two cores.
    """
    from bench.evasion import EvasionOptions, run_evasion, summary

    out = out or _default_out("evasion")
    opts = EvasionOptions(corpora=_corpora(corpora), out=out, attacks=attacks,
                          ham_limit=enron, artifact=artifact, progress=_progress())
    _run_and_summarise(run_evasion, opts, summary,
                       f"{out / 'evasion.md'} (numbers in evasion.json, plot evasion.png)")

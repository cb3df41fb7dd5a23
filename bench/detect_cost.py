"""``mailhawk bench detect``: detection cost per message (features, heuristics, models).

What is measured
----------------
A realistic stream goes through the real :class:`~detectors.cascade.Cascade` with the shipped
model artifact, the way ``stream/engine.py`` drives it: consumed batches of ``batch`` records
(500, the engine default) are split by partition (tenant key, ``partitions`` of them) and one
``Cascade.score_batches`` call scores every partition's slice against that partition's
``PartitionState`` (the models run once for the whole consumed batch), followed by
``changes()`` and ``commit()`` per partition. State lives in a
``MemoryStore``: state cost is measured by ``bench scale``, and is reported here only for
context, never added to the detection total. The cyclic GC is tuned as the engine tunes it.

Per stage the cascade's own clock (``Cascade.times``) is read. Batches alternate between the
wall clock and the thread CPU clock (``time.thread_time``), so one pass over the stream gives
both figures over the same traffic and the same cache warmth (a second pass would find every
per-domain memo warm). The first batch of the stream is run once untimed on a throwaway state
first: lazy index builds and torch's first call are start-up costs, not per-message ones.

Sources
-------
``synthetic``: ``bench.generate.generate`` (short organisation mail, many tenants);
``corpus``: ``bench.corpus.build`` (real Enron ham with phishing_pot, SpamAssassin and
watchdog mail injected; longer, 1/8 non-ASCII); ``--stream DIR``: any ``stream.jsonl``.

Outputs
-------
``report.json`` and ``report.md`` in ``--out``. With ``--record-outputs FILE`` every message's
detector outputs (lexicon cues, content features, hits with scores and evidence, content and
behaviour model probabilities, the decision) are written as JSON lines; with
``--check-outputs FILE`` they are compared with such a recording (probabilities within
``1e-5``) and the command fails on the first difference. Record before a change, check after
it: the shipped model was trained on exactly these features. Recording and checking run
inside the timed stages, so read timings from a run without them.
"""

from __future__ import annotations

import itertools
import math
import platform
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

import numpy as np
import orjson

from schemas import MailRecord

__all__ = ["DetectOptions", "OutputMismatchError", "load_source", "measure", "run_detect"]

STAGES: Final = ("features", "heuristics", "models")
PROB_TOLERANCE: Final = 1e-5


class OutputMismatchError(Exception):
    """The detector outputs differ from a recording (``--check-outputs``)."""


@dataclass(frozen=True)
class DetectOptions:
    """What ``bench detect`` measures."""

    out: Path
    sources: tuple[str, ...] = ("synthetic", "corpus")
    messages: int = 20_000
    stream: Path | None = None
    corpora: Path | None = None
    tenants: int = 6
    days: int = 40
    seed: int = 1
    batch: int = 500
    partitions: int = 4
    artifact: str = ""
    shadow_artifact: str = ""
    record_outputs: Path | None = None
    check_outputs: Path | None = None
    progress: bool = True


# ----------------------------------------------------------------------------- sources


def load_source(source: str, opts: DetectOptions) -> list[MailRecord]:
    """The records of one source, in stream order (see the module doc)."""
    if source == "synthetic":
        from bench.generate import generate

        return [r for r, _ in itertools.islice(
            generate(opts.tenants, opts.days, opts.seed), opts.messages)]
    if source == "corpus":
        from bench.corpus import build, corpora_dir

        found = corpora_dir(opts.corpora)
        if found is None:
            raise FileNotFoundError("corpora not found: pass --corpora DIR or set "
                                    "MAILHAWK_CORPORA")
        n = opts.messages
        # Shares of ``build``'s sources: ham backbone, phishing (spam is half of it) and
        # outside ham (two sources), adding up to about ``messages``.
        records, _ = build(found, ham_limit=max(1, int(n * 0.7)),
                           attacks_limit=int(n * 0.15), outside_ham_limit=int(n * 0.04),
                           progress=opts.progress)
        return records[:n]
    if source == "stream":
        from schemas import read_mail_jsonl

        if opts.stream is None:
            raise ValueError("source 'stream' needs --stream DIR")
        return list(itertools.islice(read_mail_jsonl(opts.stream / "stream.jsonl"),
                                     opts.messages))
    raise ValueError(f"unknown source {source!r}: synthetic, corpus or stream")


def _batches(records: Sequence[MailRecord], size: int, partitions: int
             ) -> Iterator[list[list[MailRecord]]]:
    """Consumed batches, each split into per-partition slices (stream order kept)."""
    part_of: dict[str, int] = {}
    for lo in range(0, len(records), size):
        slices: dict[int, list[MailRecord]] = {}
        for r in records[lo:lo + size]:
            p = part_of.get(r.tenant_id)
            if p is None:
                p = part_of[r.tenant_id] = zlib.crc32(r.tenant_id.encode()) % partitions
            slices.setdefault(p, []).append(r)
        yield [slices[p] for p in sorted(slices)]


# ----------------------------------------------------------------------------- outputs


def _round(x: float) -> float:
    return float(f"{x:.7g}")


class _Recorder:
    """Captures what the detectors produced per message through the real cascade path.

    The cascade's ``assess`` and the model runner's ``predict``/``content_probs`` are wrapped
    on the instances (the code path is unchanged; the wrappers only copy results).
    """

    def __init__(self, cascade: Any) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self._order: list[int] = []
        assess = cascade.assess

        def recording_assess(record: MailRecord, facts: Any, content: Any,
                             snapshot: Any) -> Any:
            out = assess(record, facts, content, snapshot)
            cues = content.cues
            self.rows[id(record)] = {
                "id": record.message_id,
                "cues": [getattr(cues, c) for c in _categories()] + [cues.phrases],
                "facts": _plain(facts),
                "urls": _plain(content.urls),
                "attachments": _plain(content.attachments),
                "content": [content.sender_freemail, list(content.reply_to_domains),
                            content.display_address],
                "hits": [[h.detector, _round(h.score), h.attack_type, _plain(h.evidence)]
                         for h in out.hits],
                "settled": out.settled,
            }
            return out

        cascade.assess = recording_assess
        runner = cascade.models
        if runner is None:
            return
        self._pending: list[Any] = []
        predict, content_probs = runner.predict, runner.content_probs

        def recording_predict(assessments: Sequence[Any]) -> np.ndarray:
            probs = predict(assessments)
            for a, row in zip(assessments, probs, strict=True):
                self.rows[id(a.record)]["behaviour"] = [_round(float(p)) for p in row]
            return probs

        def recording_content(assessments: Sequence[Any]) -> np.ndarray:
            probs = content_probs(assessments)
            for a, row in zip(assessments, probs, strict=True):
                self.rows[id(a.record)]["content_probs"] = [_round(float(p)) for p in row]
            return probs

        runner.predict = recording_predict
        runner.content_probs = recording_content

    def finish(self, records: Sequence[MailRecord], decisions: Sequence[Any]
               ) -> list[dict[str, Any]]:
        """The rows of one scored slice, in order, with their decisions."""
        out = []
        for r, d in zip(records, decisions, strict=True):
            row = self.rows.pop(id(r))
            row["decision"] = [d.action, d.attack_type, _round(d.score),
                               [[h.detector, _round(h.score)] for h in d.hits]]
            out.append(row)
        return out


def _categories() -> tuple[str, ...]:
    from detectors.lexicon import CATEGORIES

    return CATEGORIES


def _plain(value: Any) -> Any:
    """A JSON-able copy of a dataclass/tuple/dict tree (floats rounded to 7 digits)."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, frozenset, set)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, float):
        return _round(value)
    return value


def _close(a: Any, b: Any) -> bool:
    """Equal trees, floats within :data:`PROB_TOLERANCE`."""
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and math.isclose(a, b, rel_tol=0.0, abs_tol=PROB_TOLERANCE))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return bool(a == b)


def _first_difference(got: dict[str, Any], want: dict[str, Any]) -> str:
    """Every differing field of one message, got against recorded."""
    return "; ".join(f"{key}: got {got.get(key)!r}, recorded {want.get(key)!r}"
                     for key in sorted(set(got) | set(want))
                     if not _close(got.get(key), want.get(key))) or "?"


# ----------------------------------------------------------------------------- measurement


def measure(records: Sequence[MailRecord], cascade: Any, *, batch: int = 500,
            partitions: int = 4, progress: bool = False,
            on_outputs: Callable[[list[dict[str, Any]]], None] | None = None,
            label: str = "") -> dict[str, Any]:
    """Run ``records`` through ``cascade`` like the engine; seconds per stage and clock.

    Returns:
        ``{"messages", "wall": {stage: µs/msg}, "cpu": {stage: µs/msg}, ...}``: wall figures
        from even batches, CPU figures from odd ones, each divided by its own message count.
    """
    from tqdm import tqdm

    from state import MemoryStore, PartitionState

    recorder = _Recorder(cascade) if on_outputs is not None else None
    # Warm-up on a throwaway state: the lexicon index, torch's first call, imports.
    warm = PartitionState(MemoryStore())
    cascade.score_batch(warm, list(records[:batch]))
    warm.commit(warm.changes(), 1, None)
    if recorder is not None:
        recorder.rows.clear()
    cascade.times.reset()
    runner = cascade.models
    model_split = {"wall": {"featurize": 0.0, "infer": 0.0},
                   "cpu": {"featurize": 0.0, "infer": 0.0}}

    states: dict[int, Any] = {}
    totals = {"wall": dict.fromkeys((*STAGES, "state", "shadow"), 0.0),
              "cpu": dict.fromkeys((*STAGES, "state", "shadow"), 0.0)}
    counted = {"wall": 0, "cpu": 0}
    offset = 0
    bar = tqdm(total=len(records), desc=f"detect {label}".strip(), unit=" msg",
               disable=not progress)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for i, slices in enumerate(_batches(records, batch, partitions)):
        kind = "wall" if i % 2 == 0 else "cpu"
        cascade.times.clock = time.perf_counter if kind == "wall" else time.thread_time
        if runner is not None:
            runner.seconds = {"featurize": 0.0, "infer": 0.0}
        parts = []
        for part_slice in slices:
            p = zlib.crc32(part_slice[0].tenant_id.encode()) % partitions
            state = states.get(p)
            if state is None:
                state = states[p] = PartitionState(MemoryStore())
            parts.append((state, part_slice))
        for (state, part_slice), decisions in zip(parts, cascade.score_batches(parts),
                                                  strict=True):
            offset += len(part_slice)
            state.commit(state.changes(), offset, None)
            if recorder is not None and on_outputs is not None:
                on_outputs(recorder.finish(part_slice, decisions))
        n = sum(len(s) for s in slices)
        for stage, seconds in cascade.times.reset().items():
            totals[kind][stage] += seconds
        if runner is not None and kind == "wall":
            # The runner's own split is wall-clock only.
            for k, v in runner.seconds.items():
                model_split["wall"][k] += v
        counted[kind] += n
        bar.update(n)
    bar.close()
    cpu_all, wall_all = time.process_time() - cpu0, time.perf_counter() - wall0
    cascade.times.clock = time.perf_counter

    def per_msg(kind: str) -> dict[str, float]:
        n = max(counted[kind], 1)
        out = {stage: round(totals[kind][stage] / n * 1e6, 2)
               for stage in (*STAGES, "state", "shadow")}
        out["detection"] = round(sum(totals[kind][s] for s in STAGES) / n * 1e6, 2)
        return out

    texts = [len(r.text) for r in records]
    return {
        "messages": len(records),
        "messages_timed": counted,
        "mean_text_chars": round(float(np.mean(texts)), 1) if texts else 0.0,
        "non_ascii_share": round(sum(not r.text.isascii() for r in records)
                                 / max(len(records), 1), 3),
        "by_direction": {d: sum(r.direction == d for r in records)
                         for d in ("inbound", "internal", "outbound")},
        "wall_us_per_msg": per_msg("wall"),
        "cpu_us_per_msg": per_msg("cpu"),
        "model_split_wall_us_per_msg": {k: round(v / max(counted["wall"], 1) * 1e6, 2)
                                        for k, v in model_split["wall"].items()},
        "process_cpu_s": round(cpu_all, 3),
        "wall_s": round(wall_all, 3),
    }


def run_detect(opts: DetectOptions, log: Callable[[str], None]) -> dict[str, Any]:
    """Measure every source of ``opts``; write ``report.json`` and ``report.md``."""
    from bench.run import allowed_cpus
    from detectors.cascade import Cascade
    from detectors.model.hashing import kernel
    from stream.engine import tune_gc

    cascade = Cascade.from_config("", opts.artifact, opts.shadow_artifact)
    report: dict[str, Any] = {
        "command": "mailhawk bench detect",
        "target_us_per_msg": 40,
        "batch": opts.batch,
        "partitions": opts.partitions,
        "model_version": cascade.model_version,
        "shadow_model_version": cascade.shadow.model_version if cascade.shadow else None,
        "rules_version": cascade.rules_version,
        "environment": {"python": platform.python_version(), "machine": platform.machine(),
                        "processor": platform.processor(), "hashing_kernel": kernel(),
                        "cpus": allowed_cpus()},
        "sources": {},
    }
    expected = _read_recording(opts.check_outputs) if opts.check_outputs else None
    checked = 0
    record_fh: IO[bytes] | None = None
    if opts.record_outputs:
        opts.record_outputs.parent.mkdir(parents=True, exist_ok=True)
        record_fh = open(opts.record_outputs, "wb")  # noqa: SIM115 - closed below
    try:
        for source in opts.sources:
            log(f"loading {source} messages")
            records = load_source(source, opts)

            def on_outputs(rows: list[dict[str, Any]], source: str = source) -> None:
                nonlocal checked
                for row in rows:
                    row["source"] = source
                    if record_fh is not None:
                        record_fh.write(orjson.dumps(row) + b"\n")
                    if expected is not None:
                        want = expected.get((source, row["id"]))
                        if want is None:
                            raise OutputMismatchError(f"{source} {row['id']}: not recorded")
                        if not _close(row, want):
                            raise OutputMismatchError(f"{source} {row['id']}: "
                                                      f"{_first_difference(row, want)}")
                        checked += 1

            track = on_outputs if (record_fh is not None or expected is not None) else None
            tune_gc()  # as the engine runs
            result = measure(records, cascade, batch=opts.batch, partitions=opts.partitions,
                             progress=opts.progress, on_outputs=track, label=source)
            report["sources"][source] = result
            w, c = result["wall_us_per_msg"], result["cpu_us_per_msg"]
            log(f"  {source}: {result['messages']:,} msgs  detection {w['detection']:.1f} µs "
                f"wall / {c['detection']:.1f} µs CPU  (features {w['features']:.1f}, "
                f"heuristics {w['heuristics']:.1f}, models {w['models']:.1f} wall; "
                f"state {w['state']:.1f}" + (f", shadow model {w['shadow']:.1f}"
                                            if opts.shadow_artifact else "")
                + ", not counted)")
    finally:
        if record_fh is not None:
            record_fh.close()
    if expected is not None:
        report["outputs_checked"] = checked
        log(f"outputs: {checked:,} messages identical to {opts.check_outputs}")
    opts.out.mkdir(parents=True, exist_ok=True)
    (opts.out / "report.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    (opts.out / "report.md").write_text(_markdown(report), encoding="utf-8")
    return report


def _read_recording(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                row = orjson.loads(line)
                out[(row["source"], row["id"])] = row
    return out


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Detection cost per message",
        "",
        f"Batches of {report['batch']} split over {report['partitions']} partitions, through "
        f"`Cascade.score_batches` with model `{report['model_version']}`. µs per message; "
        f"target: detection ≤ {report['target_us_per_msg']} µs. State is shown for context "
        "and is not part of detection. Content hashing: "
        f"{report['environment'].get('hashing_kernel', 'numpy')} form.",
        "",
        "| source | messages | clock | features | heuristics | models | **detection** | state |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for source, r in report["sources"].items():
        for clock in ("wall", "cpu"):
            v = r[f"{clock}_us_per_msg"]
            lines.append(f"| {source} | {r['messages']:,} | {clock} | {v['features']:.1f} | "
                         f"{v['heuristics']:.1f} | {v['models']:.1f} | "
                         f"**{v['detection']:.1f}** | {v['state']:.1f} |")
    lines += ["", "Model tier split (wall): " + "; ".join(
        f"{s}: featurize {r['model_split_wall_us_per_msg']['featurize']:.1f}, infer "
        f"{r['model_split_wall_us_per_msg']['infer']:.1f}"
        for s, r in report["sources"].items()), ""]
    if report.get("shadow_model_version"):
        lines += [f"Shadow model `{report['shadow_model_version']}` (wall, not part of "
                  "detection): " + "; ".join(
                      f"{s}: {r['wall_us_per_msg']['shadow']:.1f} µs (models "
                      f"{r['wall_us_per_msg']['models']:.1f})"
                      for s, r in report["sources"].items()), ""]
    if "outputs_checked" in report:
        lines += [f"Outputs identical to the recording for {report['outputs_checked']:,} "
                  "messages (timings include the check: measure without it).", ""]
    return "\n".join(lines)

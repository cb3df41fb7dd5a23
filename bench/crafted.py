"""``mailhawk bench crafted``: what one crafted record costs, field by field, as it grows.

Whoever sends mail writes most of its record, and a record that is slow to score (or that
writes far more state than it holds) stops its partition for every tenant on it, retry
after retry. The engine bounds what it reads of each field by what the field's standard
allows (README, "Work bounds"); this bench checks that nothing grows faster than its input.

For each field a sender writes and each of a set of alphabets (one letter, digits, dots,
"a@", brackets, non-ASCII letters, ...), one message whose field is that alphabet repeated
to ``chars`` characters and one to four times as many, each scored alone by the real
cascade (the shipped model) against a fresh memory state, salted so that no cache answers
(the faster of two runs of each).
Work that grows with the length reads about 4x between the two (less where the field is
bounded); work that grows with its square reads about 16x. A pair is flagged when its time
grows more than 8x (and the larger took 20 ms or more), or when the state it writes grows
more than 8x and to more than 64 times the record.

The lists and maps a sender fills (links, attachments, recipients, reply-to addresses,
references, headers) are measured the same way by their count of distinct entries, ``entries``
and four times as many: a record's byte limit bounds a field's length, not how many entries
it holds.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import orjson

from bench.run import Log

__all__ = ["ALPHABETS", "FIELDS", "LISTS", "CraftedOptions", "run_crafted", "summary"]

ALPHABETS: Final = ("a", "A", "1", ".", "a.", "-", "é", "a@", "@", " ", "a ", "www.",
                    "http://", "<", "(", "[", "_", "$", "!", "Ⅻ", "Рa", "password: ",
                    "0.5 btc ")
"""Repeated to the field's length: runs that regular expressions and label walks rescan."""

_Field = Callable[[str], dict[str, Any]]


def _url(url: str, anchor: str = "") -> dict[str, Any]:
    return {"urls": [{"url": url, "anchor_text": anchor}]}


def _compact(s: str) -> str:
    return s.replace(" ", "")


FIELDS: Final[dict[str, _Field]] = {
    "text": lambda s: {"text": s},
    "subject": lambda s: {"subject": s},
    "html": lambda s: {"html": s},
    "from_name": lambda s: {"from": {"address": "x@sender.example", "name": s}},
    "from_local": lambda s: {"from": {"address": _compact(s) + "@sender.example",
                                      "name": ""}},
    "from_domain": lambda s: {"from": {"address": "x@" + _compact(s) + ".example",
                                       "name": ""}},
    "reply_to_name": lambda s: {"reply_to": [{"address": "r@reply.example", "name": s}]},
    "recipient_name": lambda s: {"to": [{"address": "bob@acme.example", "name": s}]},
    "link_path": lambda s: _url("http://link.example/" + _compact(s)),
    "link_host": lambda s: _url("http://" + _compact(s) + ".example/"),
    "anchor_text": lambda s: _url("http://link.example/", s),
    "attachment_name": lambda s: {"attachments": [{"filename": s,
                                                   "content_type": "application/pdf",
                                                   "size": 1, "sha256": "",
                                                   "stripped": False}]},
    "return_path": lambda s: {"return_path": "b@" + _compact(s)},
    "in_reply_to": lambda s: {"in_reply_to": s},
    "message_id": lambda s: {"message_id": s},
}
"""A sender-written field, as the record fields that carry ``s``."""

_ListOf = Callable[[int, str], dict[str, Any]]

LISTS: Final[dict[str, _ListOf]] = {
    "urls": lambda n, s: {"urls": [{"url": f"http://h{i}x{s}.example/p", "anchor_text": "see"}
                                   for i in range(n)]},
    "urls_one_host": lambda n, s: {"urls": [{"url": f"http://one{s}.example/p{i}"}
                                            for i in range(n)]},
    "anchors_naming_hosts": lambda n, s: {"urls": [
        {"url": f"http://l{i}x{s}.example/", "anchor_text": f"www.bank{i}.example"}
        for i in range(n)]},
    "attachments": lambda n, s: {"attachments": [
        {"filename": f"f{i}x{s}.pdf.exe", "content_type": "application/pdf", "size": 1,
         "sha256": "", "stripped": False} for i in range(n)]},
    "to_tenant": lambda n, s: {"to": [{"address": f"u{i}x{s}@acme.example", "name": f"U {i}"}
                                      for i in range(n)]},
    "cc_outside": lambda n, s: {"cc": [{"address": f"c{i}x{s}@d{i}.example", "name": ""}
                                       for i in range(n)]},
    "reply_to": lambda n, s: {"reply_to": [{"address": f"r{i}x{s}@r{i}.example",
                                            "name": f"R {i}"} for i in range(n)]},
    "references": lambda n, s: {"references": [f"<{i}.{s}@x.example>" for i in range(n)]},
    "headers": lambda n, s: {"headers": {f"X-H{i}-{s}": "v" for i in range(n)}},
}
"""A list (or map) a sender fills, as the record fields holding ``n`` entries (salted ``s``):
a record's size bounds its length, not the count of its entries."""

_BASE: Final = {
    "schema_version": 1, "message_id": "<crafted@bench>", "tenant_id": "acme",
    "direction": "inbound", "received_at": 1_767_600_000.0,
    "from": {"address": "alice@partner.example", "name": "Alice"},
    "to": [{"address": "bob@acme.example", "name": ""}], "subject": "hello",
    # One crypto word with a file: the subject and body are then read for an amount in a
    # coin too (``detectors.rules.crypto``).
    "text": "Hi Bob, see you tomorrow about the bitcoin payment.",
    # A file a password can protect: the subject and body are then read for one too.
    "attachments": [{"filename": "notes.pdf", "content_type": "application/pdf", "size": 1,
                     "sha256": "", "stripped": False}],
}
_TIME_RATIO: Final = 8.0
_MIN_FLAGGED_S: Final = 0.02
_STATE_RATIO: Final = 8.0
_STATE_OVER_RECORD: Final = 64


@dataclass(frozen=True, slots=True)
class CraftedOptions:
    """What ``mailhawk bench crafted`` measures and where it writes."""

    out: Path
    chars: int = 3000
    fields: Sequence[str] = tuple(FIELDS)
    alphabets: Sequence[str] = ALPHABETS
    entries: int = 250
    lists: Sequence[str] = tuple(LISTS)
    progress: bool = False


def _cost(cascade: Any, fields: dict[str, Any]) -> tuple[float, int, int]:
    """Scoring seconds, state bytes written and record bytes of one crafted message."""
    from schemas import decode_mail

    raw = orjson.dumps({**_BASE, **fields})
    record = decode_mail(raw)
    state = _fresh_state()
    start = time.perf_counter()
    cascade.score_batch(state, [record])
    seconds = time.perf_counter() - start
    written = sum(len(k) + len(v or b"") for k, v in state.changes().items())
    return seconds, written, len(raw)


def _field(field: str, unit: str, size: int, salt: int) -> dict[str, Any]:
    """``field`` holding ``unit`` repeated to ``size`` characters (salted: no cache answers)."""
    return FIELDS[field]((unit * (size // len(unit) + 1))[:size] + str(salt))


def _entries(name: str, count: int, salt: int) -> dict[str, Any]:
    """List ``name`` holding ``count`` distinct entries (salted)."""
    return LISTS[name](count, str(salt))


def _row(cascade: Any, field: str, alphabet: str, build: Callable[[int, int], dict[str, Any]],
         sizes: tuple[int, int], salt: Iterator[int]) -> dict[str, Any]:
    """One field (or list) measured at both sizes: the faster of two runs each.

    A collector pause is not the field's cost; each record is salted anew.
    """
    small = min(_cost(cascade, build(sizes[0], next(salt))) for _ in range(2))
    large = min(_cost(cascade, build(sizes[1], next(salt))) for _ in range(2))
    time_ratio = large[0] / max(small[0], 1e-9)
    state_ratio = large[1] / max(small[1], 1)
    return {
        "field": field, "alphabet": alphabet,
        "ms": [round(small[0] * 1e3, 3), round(large[0] * 1e3, 3)],
        "state_bytes": [small[1], large[1]], "record_bytes": [small[2], large[2]],
        "time_ratio": round(time_ratio, 2), "state_ratio": round(state_ratio, 2),
        "flagged": (time_ratio > _TIME_RATIO and large[0] >= _MIN_FLAGGED_S) or (
            state_ratio > _STATE_RATIO and large[1] > _STATE_OVER_RECORD * large[2]),
    }


def run_crafted(opts: CraftedOptions, *, log: Log) -> dict[str, Any]:
    """Measure every field and alphabet, and every list; write ``crafted.json`` and ``.md``."""
    from tqdm import tqdm

    from detectors import Cascade
    from schemas import decode_mail

    cascade = Cascade.from_config("", "")
    cascade.score_batch(_fresh_state(), [decode_mail(orjson.dumps(_BASE))])  # loads, warms
    salt = itertools.count()
    rows = []
    pairs = [(f, a) for f in opts.fields for a in opts.alphabets]
    for field, unit in tqdm(pairs, desc="crafted fields", unit=" pair",
                            disable=not opts.progress):
        rows.append(_row(cascade, field, unit, functools.partial(_field, field, unit),
                         (opts.chars, 4 * opts.chars), salt))
    lists = []
    for name in tqdm(opts.lists, desc="crafted lists", unit=" list", disable=not opts.progress):
        lists.append(_row(cascade, name, "entries", functools.partial(_entries, name),
                          (opts.entries, 4 * opts.entries), salt))
    report = {"chars": [opts.chars, 4 * opts.chars], "model_version": cascade.model_version,
              "rows": rows, "entries": [opts.entries, 4 * opts.entries], "lists": lists,
              "flagged": [r for r in rows + lists if r["flagged"]]}
    opts.out.mkdir(parents=True, exist_ok=True)
    (opts.out / "crafted.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    (opts.out / "crafted.md").write_text(_markdown(report))
    _plot(report, opts.out / "crafted.png")
    log(f"{len(rows)} field and alphabet pairs at {opts.chars:,} and {4 * opts.chars:,} "
        f"characters, {len(lists)} lists at {opts.entries:,} and {4 * opts.entries:,} entries")
    return report


def _fresh_state() -> Any:
    from state import NO_DECAY, MemoryStore, PartitionState

    return PartitionState(MemoryStore(), decay=NO_DECAY)


def _worst_by_field(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    worst: dict[str, dict[str, Any]] = {}
    for row in report["rows"]:
        if row["field"] not in worst or row["time_ratio"] > worst[row["field"]]["time_ratio"]:
            worst[row["field"]] = row
    return worst


def _markdown(report: dict[str, Any]) -> str:
    small, large = report["chars"]
    lines = [
        "# What one crafted record costs as a field grows",
        "",
        f"Each field a sender writes, from each of {len(ALPHABETS)} alphabets, at {small:,} "
        f"and {large:,} characters, scored alone by the real cascade (`{report['model_version']}`"
        "). Linear work grows ~4x; work that grows with the square of the length ~16x. "
        f"Flagged: time over {_TIME_RATIO:g}x (and {_MIN_FLAGGED_S * 1e3:g} ms or more), or "
        f"state over {_STATE_RATIO:g}x and {_STATE_OVER_RECORD} times the record.",
        "",
        f"Flagged: {len(report['flagged'])}.",
        "",
        "| field | alphabet that grew most | ms | time x | state bytes | state x |",
        "|---|---|---|---|---|---|",
    ]
    for field, row in _worst_by_field(report).items():
        lines.append(f"| {field} | `{row['alphabet']!r}` | {row['ms'][0]:.1f} → "
                     f"{row['ms'][1]:.1f} | {row['time_ratio']:.1f} | "
                     f"{row['state_bytes'][0]:,} → {row['state_bytes'][1]:,} | "
                     f"{row['state_ratio']:.1f} |")
    if report["lists"]:
        few, many = report["entries"]
        lines += ["", f"## Lists: {few:,} and {many:,} entries", "",
                  "Each list or map a sender fills, its entries distinct (salted).", "",
                  "| list | ms | time x | state bytes | state x | record bytes |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {r['field']} | {r['ms'][0]:.1f} → {r['ms'][1]:.1f} | "
                  f"{r['time_ratio']:.1f} | {r['state_bytes'][0]:,} → {r['state_bytes'][1]:,} | "
                  f"{r['state_ratio']:.1f} | {r['record_bytes'][0]:,} → "
                  f"{r['record_bytes'][1]:,} |" for r in report["lists"]]
    if report["flagged"]:
        lines += ["", "## Flagged", "", "| field | alphabet | ms | time x | state x |",
                  "|---|---|---|---|---|"]
        lines += [f"| {r['field']} | `{r['alphabet']!r}` | {r['ms'][0]:.1f} → {r['ms'][1]:.1f}"
                  f" | {r['time_ratio']:.1f} | {r['state_ratio']:.1f} |"
                  for r in report["flagged"]]
    return "\n".join(lines) + "\n"


def _plot(report: dict[str, Any], path: Path) -> Path:
    from bench.report import _pyplot, _save

    plt = _pyplot()
    worst = _worst_by_field(report)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    names = list(worst)
    ax.barh(names, [worst[n]["time_ratio"] for n in names],
            color=["tab:red" if worst[n]["flagged"] else "tab:blue" for n in names])
    ax.axvline(4, color="grey", linestyle=":", label="linear (4x)")
    ax.axvline(_TIME_RATIO, color="tab:red", linestyle="--", label="flagged")
    ax.set_xlabel(f"time at {report['chars'][1]:,} ÷ time at {report['chars'][0]:,} "
                  "characters (alphabet that grew most)")
    ax.set_title("One crafted record: how scoring time grows with a field")
    ax.legend()
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    return _save(fig, path)


def summary(report: dict[str, Any]) -> list[str]:
    """The lines the CLI prints."""
    flagged = report["flagged"]
    lines = []
    if report["rows"]:
        worst = max(report["rows"], key=lambda r: r["time_ratio"])
        lines.append(f"  fastest growth: {worst['field']} of {worst['alphabet']!r}, "
                     f"x{worst['time_ratio']:.1f} ({worst['ms'][0]:.1f} → "
                     f"{worst['ms'][1]:.1f} ms)")
    if report["lists"]:
        worst = max(report["lists"], key=lambda r: r["time_ratio"])
        few, many = report["entries"]
        lines.append(f"  fastest growing list: {worst['field']}, x{worst['time_ratio']:.1f} "
                     f"from {few:,} to {many:,} entries ({worst['ms'][0]:.1f} → "
                     f"{worst['ms'][1]:.1f} ms)")
    lines += [f"  FLAGGED {r['field']} of {r['alphabet']!r}: time x{r['time_ratio']:.1f}, "
              f"state x{r['state_ratio']:.1f}" for r in flagged]
    lines.append("  nothing grows faster than its input" if not flagged else
                 f"  {len(flagged)} pair(s) grow faster than their input: see the report")
    return lines

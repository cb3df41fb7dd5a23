"""``mailhawk bench evasion``: is the attack mail mailhawk holds still held once it is dressed up?

A filter is measured against the attackers it will meet, and they change their mail until it
gets through. This bench takes the phishing_pot and SpamAssassin spam messages the cascade
holds in the corpus stream and rewrites each the way kits do (the raw MIME, so the converter
reads it as it would the real thing), then scores every variant again:

- ``as_is``: the message rebuilt from its own text and HTML parts, nothing else changed. The
  control: what rebuilding alone costs, which every other variant also pays.
- ``decoy_text``: a text part that says "normal" beside the HTML (as phishing_pot's kits
  write): clients show the HTML, a filter that reads the text part reads nothing.
- ``hidden_ham``: ~150 words of ordinary business mail (Enron's, a different letter for each
  message) in an invisible ``<div style="display:none">`` of the HTML, and no text part: the
  reader sees the page, a filter reading all the text sees a business letter. phishing_pot
  holds ~560 kits doing this (with book text).
- ``visible_ham``: the same words appended visibly below the page. A reader sees them, so no
  parser can take them out; the figure says how far padding alone moves the model.
- ``shortened_links``: every web link replaced by a shortener's (``bit.ly``): the landing
  host, its domain's age and lookalikes are out of sight.
- ``freemail_sender``: sent from a Gmail address under the same display name (as from a
  throw-away or stolen mailbox): the sender's domain says nothing.
- ``reply_thread``: "Re:" before the subject and an ``In-Reply-To``/``References`` pointing at
  a message the tenant never sent: a reply to nothing must not read as a conversation.

Only messages with an HTML part and no attachment are rewritten (the variants are about the
words; an attachment's rules would hold them anyway). Every variant is scored against the
state the corpus stream left (a copy for each, so variants never teach each other), after
the stream, to the recipient the stream gave the original. phishing_pot is CC BY-NC: read for
evaluation only, as ``bench filters`` does.
"""

from __future__ import annotations

import hashlib
import html
import random
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from email import message_from_bytes, policy
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Any, Final

import orjson

from bench.run import Log

__all__ = ["TRANSFORMS", "EvasionOptions", "run_evasion", "summary"]

_GROUPS: Final = ("phishing_pot", "spamassassin_spam")
_DECOY: Final = "normal"
_PADDING_WORDS: Final = 150
_LINK: Final = re.compile(r"""https?://[^\s"'<>]+""", re.IGNORECASE)
_BODY_HEADERS: Final = frozenset({"content-type", "content-transfer-encoding", "mime-version"})


@dataclass(frozen=True, slots=True)
class _Parts:
    """What a rewrite starts from: the message's headers, its text and HTML parts decoded."""

    headers: list[tuple[str, str]]
    plain: str
    html: str


def _parts(raw: bytes) -> _Parts | None:
    """The decoded parts of ``raw``, or None without an HTML part or with an attachment.

    Decoded as the converter decodes them (``part_text``: mislabelled charsets included),
    so a rewrite changes only what it says it changes.
    """
    from schemas.mime import part_text

    msg = message_from_bytes(raw, policy=policy.compat32)
    plain: list[str] = []
    html: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if part.get_filename() or kind not in ("text/plain", "text/html"):
            return None
        (html if kind == "text/html" else plain).append(part_text(part))
    if not html:
        return None
    headers = [(k, str(v)) for k, v in msg.items() if k.lower() not in _BODY_HEADERS]
    return _Parts(headers, "\n".join(plain), "\n".join(html))


def _mail(parts: _Parts, plain: str | None, html: str,
          extra: Sequence[tuple[str, str]] = (), subject: str | None = None) -> bytes:
    """A message with ``parts``' headers and these bodies (UTF-8, base64)."""
    body: Message
    html_part = MIMEText(html, "html", "utf-8")
    if plain:
        body = MIMEMultipart("alternative")
        body.attach(MIMEText(plain, "plain", "utf-8"))
        body.attach(html_part)
    else:
        body = html_part
    for name, value in parts.headers:
        if subject is not None and name.lower() == "subject":
            value = subject
        body[name] = value
    for name, value in extra:
        body[name] = value
    return body.as_bytes()


def _before_body_end(html: str, insert: str) -> str:
    """``insert`` placed before ``</body>`` (or at the end when there is none)."""
    at = html.lower().rfind("</body>")
    return html + insert if at < 0 else html[:at] + insert + html[at:]


def _subject(parts: _Parts) -> str:
    return next((v for k, v in parts.headers if k.lower() == "subject"), "")


def _shortened(text: str) -> str:
    """Every web link in ``text`` replaced by a shortener's link to it."""
    return _LINK.sub(lambda m: "https://bit.ly/" + hashlib.sha256(m.group(0).encode())
                     .hexdigest()[:7], text)


def _from_freemail(parts: _Parts) -> _Parts:
    """``parts`` sent from a free mailbox: the same display name, a Gmail address."""
    headers = []
    for name, value in parts.headers:
        if name.lower() in ("from", "return-path", "reply-to", "sender"):
            shown, address = parseaddr(value)
            local = hashlib.sha256(address.encode()).hexdigest()[:10]
            value = formataddr((shown, f"notices.{local}@gmail.com"))
        headers.append((name, value))
    return _Parts(headers, parts.plain, parts.html)


Transform = Callable[[_Parts, str], bytes]

TRANSFORMS: Final[dict[str, Transform]] = {
    "as_is": lambda p, ham: _mail(p, p.plain, p.html),
    "decoy_text": lambda p, ham: _mail(p, _DECOY, p.html),
    "hidden_ham": lambda p, ham: _mail(
        p, None, _before_body_end(p.html, f'<div style="display:none">{ham}</div>')),
    "visible_ham": lambda p, ham: _mail(p, None, _before_body_end(p.html, f"<p>{ham}</p>")),
    "shortened_links": lambda p, ham: _mail(p, _shortened(p.plain), _shortened(p.html)),
    "freemail_sender": lambda p, ham: _mail(_from_freemail(p), p.plain, p.html),
    "reply_thread": lambda p, ham: _mail(
        p, p.plain, p.html, subject="Re: " + _subject(p),
        extra=[("In-Reply-To", "<3f9a1c.77e2@mail.enron.com>"),
               ("References", "<3f9a1c.77e2@mail.enron.com>")]),
}
"""Each rewrite: the message's parts and a paragraph of ham → the raw variant."""


@dataclass(frozen=True, slots=True)
class EvasionOptions:
    """What ``mailhawk bench evasion`` reads and where it writes."""

    corpora: Path
    out: Path
    attacks: int | None = 1000
    ham_limit: int | None = None
    transforms: Sequence[str] = tuple(TRANSFORMS)
    artifact: str = ""
    seed: int = 7
    progress: bool = False


def run_evasion(opts: EvasionOptions, *, log: Log) -> dict[str, Any]:
    """Score the corpus stream, rewrite what it held, score each rewrite; write the report."""
    from tqdm import tqdm

    from bench.corpus import build
    from detectors import Cascade
    from schemas import HELD_ACTIONS
    from stream.offline import scan_records

    records, labels = build(opts.corpora, normalise=True, ham_limit=opts.ham_limit,
                            phishing_pot=True, progress=opts.progress)
    group = {x.message_id: x.scenario for x in labels}
    cascade = Cascade.from_config("", opts.artifact)
    with tempfile.TemporaryDirectory(prefix="mailhawk-evasion-") as tmp:
        base = Path(tmp) / "base"
        held = {v.message_id for v in tqdm(
            scan_records(records, state_dir=str(base), cascade=cascade),
            total=len(records), desc="corpus stream", unit=" msg", disable=not opts.progress)
            if v.action in HELD_ACTIONS and group[v.message_id] in _GROUPS}
        chosen = _rewritable(opts, held, {r.message_id: r for r in records}, group)
        ham = [r.text for r in records if group[r.message_id] == "enron" and r.text.strip()]
        end = max(r.received_at for r in records)
        log(f"{len(chosen):,} held attack messages with an HTML part and no attachment "
            f"rewritten {len(opts.transforms)} ways")
        rows = []
        for name in tqdm(opts.transforms, desc="rewrites", unit=" rewrite",
                         disable=not opts.progress):
            variants = [replace(_variant(name, parts, ham[n % len(ham)], original),
                                message_id=f"evasion:{n}", received_at=end + 60.0 * (n + 1))
                        for n, (parts, original) in enumerate(chosen)]
            copy = Path(tmp) / name
            shutil.copytree(base, copy)
            kept: Counter[str] = Counter()
            for n, verdict in enumerate(scan_records(variants, state_dir=str(copy),
                                                     cascade=cascade)):
                kept[group[chosen[n][1].message_id]] += verdict.action in HELD_ACTIONS
            shutil.rmtree(copy)
            scored = Counter(group[original.message_id] for _, original in chosen)
            rows.append({"transform": name, "by_group": {
                g: {"scored": scored[g], "held": kept[g],
                    "share": round(kept[g] / scored[g], 4) if scored[g] else None}
                for g in _GROUPS}})
    report = {"model_version": cascade.model_version, "messages": len(chosen), "rows": rows}
    opts.out.mkdir(parents=True, exist_ok=True)
    (opts.out / "evasion.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    (opts.out / "evasion.md").write_text(_markdown(report))
    _plot(report, opts.out / "evasion.png")
    return report


def _rewritable(opts: EvasionOptions, held: set[str], records: dict[str, Any],
                group: dict[str, str]) -> list[tuple[_Parts, Any]]:
    """Up to ``opts.attacks`` held messages (a seeded sample) with their parts and records.

    A message is found again by converting its raw form; an id two raw messages share is
    left out (the stream scored them as ``id`` and ``id#2``, in an order of its own).
    """
    from bench.corpus import ARCHIVES, TENANT
    from schemas.errors import MimeError
    from schemas.mime import parse_message
    from schemas.sources import corpus_label, iter_messages

    raws: dict[str, list[bytes]] = {}
    for archive in ("phishing_pot", "spamassassin"):
        for raw in iter_messages([opts.corpora / ARCHIVES[archive]]):
            if archive == "spamassassin" and corpus_label(raw.origin) != "spam":
                continue
            try:
                mid = parse_message(raw.raw, tenant_id=TENANT, normalise=True).message_id
            except MimeError:
                continue
            if mid in held:
                raws.setdefault(mid, []).append(raw.raw)
    found = [(parts, records[mid]) for mid, same in raws.items()
             if len(same) == 1 and (parts := _parts(same[0])) is not None]
    random.Random(opts.seed).shuffle(found)
    chosen = found[:opts.attacks] if opts.attacks is not None else found
    return sorted(chosen, key=lambda pr: (group[pr[1].message_id], pr[1].message_id))


def _padding(ham: str) -> str:
    """The first words of a ham text, as HTML text (mail quotes "<a@b.example>")."""
    return html.escape(" ".join(ham.split()[:_PADDING_WORDS]))


def _variant(name: str, parts: _Parts, ham: str, original: Any) -> Any:
    """The rewritten message as the stream would carry it (the original's recipient)."""
    from bench.corpus import TENANT
    from schemas.mime import parse_message

    record = parse_message(TRANSFORMS[name](parts, _padding(ham)), tenant_id=TENANT,
                           direction="inbound", normalise=True)
    return replace(record, to=original.to, cc=())


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Held attack mail, rewritten the way kits rewrite it",
        "",
        f"{report['messages']:,} messages the cascade (`{report['model_version']}`) held in the "
        "corpus stream, each rewritten and scored again after the stream (bench/evasion.py "
        "says how). `as_is` is the control: the message rebuilt from its own parts.",
        "",
        "| rewrite | " + " | ".join(f"{g} held" for g in _GROUPS) + " |",
        "|---|" + "---|" * len(_GROUPS),
    ]
    for row in report["rows"]:
        cells = []
        for g in _GROUPS:
            c = row["by_group"][g]
            cells.append("–" if c["share"] is None else
                         f"{c['share']:.3f} ({c['held']:,} of {c['scored']:,})")
        lines.append(f"| {row['transform']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _plot(report: dict[str, Any], path: Path) -> Path:
    from bench.report import _pyplot, _save

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4))
    names = [r["transform"] for r in report["rows"]]
    width = 0.38
    for i, g in enumerate(_GROUPS):
        shares = [r["by_group"][g]["share"] or 0.0 for r in report["rows"]]
        ax.barh([n + (i - 0.5) * width for n in range(len(names))], shares, height=width,
                label=g)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share still held (quarantine or block)")
    ax.set_title("Held attack mail after each rewrite")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=len(_GROUPS))
    ax.grid(alpha=0.3, axis="x")
    return _save(fig, path)


def summary(report: dict[str, Any]) -> list[str]:
    """The lines the CLI prints."""
    lines = []
    for row in report["rows"]:
        shares = ", ".join(f"{g} {c['share']:.3f}" for g, c in row["by_group"].items()
                           if c["share"] is not None)
        lines.append(f"  {row['transform']:15} still held: {shares}")
    return lines

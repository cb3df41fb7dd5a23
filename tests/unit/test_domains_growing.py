"""Lookalikes against a candidate set that grows, as a tenant's trusted domains do.

A grown set is indexed on top of the set it extends and reuses its answers where the added
domains cannot change them (``detectors.domains._Targets``); every answer must equal the one
of a set indexed from scratch.
"""

from __future__ import annotations

import random

from detectors.domains import _match, _Targets, _targets, lookalike

BASE = ["paypal.com", "microsoft.com", "acme.com", "wellsfargo.com", "münchen.de",
        "contoso-bank.co.uk", "bankofamerica.com", "northwindtraders.com"]


def _mutations(domain: str, rng: random.Random) -> list[str]:
    """Lookalike-shaped variants of ``domain``: edits, affixes, homoglyphs, TLD swaps."""
    name, _, suffix = domain.partition(".")
    out = [f"{name}.net", f"{name}-{suffix.replace('.', '-')}.com", f"secure-{name}.com",
           f"{name}pay.{suffix}", name.replace("l", "1") + "." + suffix,
           name.replace("m", "rn") + "." + suffix, f"{name}I.{suffix}"]
    for _ in range(4):
        i = rng.randrange(len(name))
        out.append(name[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + name[i + 1:] + "."
                   + suffix)
        out.append(name[:i] + name[i + 1:] + "." + suffix)
    return out


def _tables(targets: _Targets) -> dict[str, object]:
    """The index's tables, each value's order left out (a grown set adds in batches)."""
    out: dict[str, object] = {"registrable": targets.registrable, "shown": targets.shown}
    for slot in ("names", "by_name", "by_skeleton", "glued", "by_deletion", "long_names",
                 "long_by_len"):
        out[slot] = {k: sorted(v) for k, v in getattr(targets, slot).items()}
    return out


def test_growing_sets_answer_as_sets_indexed_from_scratch() -> None:
    rng = random.Random(3)
    pool = BASE + [f"{w}{v}.{t}" for w in ("vendor", "supplier", "partner", "acmecorp")
                   for v in ("one", "group", "logistics", "intl") for t in ("com", "de")]
    rng.shuffle(pool)
    probes = sorted({m for d in pool for m in _mutations(d, rng)} | set(pool))
    current: set[str] = set()
    checked = found = 0
    for step in range(0, len(pool), 3):  # a few domains at a time, like a batch's new ones
        current |= set(pool[step:step + 3])
        grown = frozenset(current)
        fresh = _Targets(grown)
        lookalike("probe.example", grown)  # indexes the grown set on top of the last one
        assert _tables(_targets(grown)) == _tables(fresh)
        for domain in rng.sample(probes, 60):
            capital_i = "I" in domain and not domain.isupper()
            want = _match(domain, capital_i, fresh)
            assert lookalike(domain, grown) == want, (domain, sorted(grown))
            checked += 1
            found += want is not None
    assert checked > 500 and found > 100  # the probes did hit lookalikes


def test_answers_reused_across_versions_and_branches_match_a_fresh_index() -> None:
    """Answers reused from the parent or root, across sibling lineages and singleton sets.

    The same probes are asked at every version, so most answers are reuse candidates; a
    one-domain set looked up in between (a domain profile's ``lookalike_of``) is a subset of
    the next version too and must not change its answers, and a sibling lineage grown from
    the same ancestor must not lend its answers.
    """
    rng = random.Random(11)
    pool = BASE + [f"{w}{v}.{t}" for w in ("vendor", "supplier", "northwind", "paypai")
                   for v in ("", "one", "logistics", "international") for t in ("com", "net")]
    rng.shuffle(pool)
    probes = sorted({m for d in pool for m in _mutations(d, rng)})
    probes = rng.sample(probes, 80)
    trunk: set[str] = set(pool[:4])
    branch: set[str] = set(pool[:4])
    checked = found = 0
    for i, domain in enumerate(pool[4:]):
        (trunk if i % 3 else branch).add(domain)
        lookalike(domain, frozenset((domain,)))
        for current in (trunk, branch):
            grown = frozenset(current)
            fresh = _Targets(grown)
            for probe in probes:
                capital_i = "I" in probe and not probe.isupper()
                want = _match(probe, capital_i, fresh)
                assert lookalike(probe, grown) == want, (probe, sorted(grown))
                checked += 1
                found += want is not None
    assert checked > 2000 and found > 200

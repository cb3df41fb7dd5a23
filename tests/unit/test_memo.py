"""``detectors.memo.memoised``: what a sender writes repeats, so answers are kept, but never
the long strings a crafted record carries."""

from __future__ import annotations

from detectors.memo import MEMO_MAX_CHARS, memoised


def test_short_arguments_are_answered_once_long_ones_every_time_and_never_kept():
    calls: list[str] = []

    @memoised(8)
    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    short, long = "acme.example", "x" * (MEMO_MAX_CHARS + 1)
    assert [upper(short), upper(short)] == ["ACME.EXAMPLE"] * 2
    assert [upper(long), upper(long)] == [long.upper()] * 2
    assert calls == [short, long, long]
    upper.cache_clear()  # type: ignore[attr-defined]
    upper(short)
    assert calls[-1] == short and upper.__name__ == "upper"


def test_the_memoised_readers_of_sender_text_keep_no_long_argument():
    from detectors.domains import is_freemail, public_suffix, registrable_domain
    from detectors.features import subject_key
    from detectors.rules.authentication import _malformed_domain
    from detectors.urls import _anchor_domain, _host_facts

    long = "a" * 100_000 + ".example"
    for fn in (registrable_domain, public_suffix, is_freemail, subject_key, _malformed_domain,
               _anchor_domain, _host_facts):
        cached = next(c.cell_contents for c in fn.__closure__
                      if hasattr(c.cell_contents, "cache_info"))
        before = cached.cache_info().currsize
        fn(long)
        fn("b" + long)
        assert cached.cache_info().currsize == before, fn.__name__  # nothing kept
        fn("short.example")
        assert cached.cache_info().currsize <= before + 1

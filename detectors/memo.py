"""Memoisation of functions of what a sender writes, whose memory a sender cannot grow.

Names, hosts and subjects repeat from message to message, so the functions that read them
keep their answers (``functools.lru_cache``). But a cache of 65,536 entries keeps whatever
the records carried: a thousand crafted 4 MB subjects would sit in it, gigabytes, until
65,536 other subjects pushed them out. :func:`memoised` keeps short arguments only; a longer
one (no name, host or subject worth remembering is) is computed each time.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, update_wrapper
from typing import Final, TypeVar

__all__ = ["MEMO_MAX_CHARS", "memoised"]

MEMO_MAX_CHARS: Final = 256
"""The longest argument a memoised function keeps (DNS names stop at 253)."""

_R = TypeVar("_R")


def memoised(maxsize: int) -> Callable[[Callable[[str], _R]], Callable[[str], _R]]:
    """``lru_cache(maxsize)`` for a function of one string, kept for short strings only."""

    def wrap(fn: Callable[[str], _R]) -> Callable[[str], _R]:
        cached = lru_cache(maxsize=maxsize)(fn)

        def call(text: str) -> _R:
            return cached(text) if len(text) <= MEMO_MAX_CHARS else fn(text)

        update_wrapper(call, fn)
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call

    return wrap

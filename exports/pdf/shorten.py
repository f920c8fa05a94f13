"""Shortening an answer to a number of words, at a sentence end where one is near, else at a word.

The sheet gives each answer a word allowance; a longer answer keeps its
first whole sentences when they use most of the allowance (a reader gets
whole thoughts), otherwise its first words, and ends with "…" so nobody
mistakes it for all that was written.
"""

from __future__ import annotations

import re
from typing import NamedTuple

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_TRAILING = ",;:–—-([{\"'“‘"
"""Characters a cut line should not end on before its "…"."""
SENTENCE_SHARE = 0.5
"""Cut at a sentence end only when the whole sentences keep at least this share of the allowance."""


class Shortened(NamedTuple):
    text: str
    cut: bool
    """True when words were left out (the reader should be told where the rest is)."""


def one_line(text: str) -> str:
    """All whitespace, line breaks included, as single spaces."""
    return " ".join(text.split())


def shorten(text: str, words: int) -> Shortened:
    """`text` on one line, at most `words` words (plus "…" when cut); `words` below 1 counts as 1."""
    allowed = max(1, words)
    parts = one_line(text).split(" ")
    if len(parts) <= allowed:
        return Shortened(" ".join(parts), False)
    kept = parts[:allowed]
    ends = [i for i, word in enumerate(kept) if _SENTENCE_END.search(word)]
    if ends and ends[-1] + 1 >= allowed * SENTENCE_SHARE:
        return Shortened(" ".join(kept[: ends[-1] + 1]) + " " + ELLIPSIS, True)
    last = " ".join(kept).rstrip(_TRAILING + " ")
    return Shortened(last + ELLIPSIS, True)


def word_count(text: str) -> int:
    return len(text.split())

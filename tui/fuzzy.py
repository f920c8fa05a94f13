"""Fuzzy matching of a typed query against titles, references and names.

A candidate matches when the query's characters appear in it in order
(case-insensitive, spaces in the query ignored).  Matches are ranked so that
what people mean comes first: characters at the start of words and runs of
consecutive characters score high, gaps and late starts score low.

Speed matters: the caseload filters 10,000 cases on every keystroke.  The
subsequence test and the match positions come from one compiled regular
expression per query (searched in C), so the Python work per candidate is a
handful of arithmetic on the few matched positions, and non-matching
candidates cost one failed regex search.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_WORD_START = 8
_CONSECUTIVE = 5
_FIRST_CHAR = 10
_GAP = 1


@dataclass(frozen=True)
class FuzzyMatch:
    """One matching candidate: its index in the list given, its score, and the matched character offsets."""

    index: int
    score: int
    positions: tuple[int, ...]


def compile_query(query: str) -> re.Pattern[str] | None:
    """A pattern whose lazy groups find the query's characters in order; None for an empty query."""
    chars = [c for c in query if not c.isspace()]
    if not chars:
        return None
    parts = [f"({re.escape(chars[0])})"]
    parts += [f"[^{re.escape(c)}]*?({re.escape(c)})" for c in chars[1:]]
    return re.compile("".join(parts), re.IGNORECASE)


def _score(text: str, positions: tuple[int, ...]) -> int:
    score = 0
    previous = -2
    for pos in positions:
        if pos == 0:
            score += _FIRST_CHAR + _WORD_START
        elif not text[pos - 1].isalnum():
            score += _WORD_START
        if pos == previous + 1:
            score += _CONSECUTIVE
        else:
            score -= _GAP * min(pos - previous - 1, 10) if previous >= 0 else 0
        previous = pos
    return score - positions[0] // 4 - len(text) // 16


def fuzzy_match(query: str, text: str) -> FuzzyMatch | None:
    """How well `text` matches `query`, or None when it does not (index is 0)."""
    results = fuzzy_filter(query, [text])
    return results[0] if results else None


def fuzzy_filter(query: str, candidates: Sequence[str]) -> list[FuzzyMatch]:
    """The candidates matching `query`, best first (ties keep their given order).

    An empty query matches everything in the given order, with score 0.
    """
    pattern = compile_query(query)
    if pattern is None:
        return [FuzzyMatch(i, 0, ()) for i in range(len(candidates))]
    search = pattern.search
    matches: list[FuzzyMatch] = []
    for index, text in enumerate(candidates):
        found = search(text)
        if found is None:
            continue
        positions = tuple(found.start(g) for g in range(1, pattern.groups + 1))
        matches.append(FuzzyMatch(index, _score(text, positions), positions))
    matches.sort(key=lambda m: -m.score)
    return matches

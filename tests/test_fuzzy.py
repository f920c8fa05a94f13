"""Fuzzy matching for "go to section" and the caseload filter."""

from __future__ import annotations

from tui.fuzzy import fuzzy_filter, fuzzy_match

TITLES = ["Thinking and behaviour", "Finance", "Family and relationships", "Lifestyle and associates"]


def test_subsequence_matches_and_others_do_not() -> None:
    assert [m.index for m in fuzzy_filter("fin", TITLES)] == [1, 2]
    assert fuzzy_match("xyz", "Finance") is None


def test_word_starts_and_runs_rank_first() -> None:
    titles = ["Drug use", "Education, training and employment", "Emotional wellbeing"]
    assert fuzzy_filter("ete", titles)[0].index == 1
    assert fuzzy_filter("emo", titles)[0].index == 2
    assert fuzzy_filter("AB1", ["XAB12", "AB123"])[0].index == 1


def test_case_spaces_and_special_characters() -> None:
    assert fuzzy_match("RISK harm", "Risk of serious harm summary") is not None
    match = fuzzy_match("a.b", "a.b")
    assert match is not None and match.positions == (0, 1, 2)
    assert fuzzy_match("a[", "a]") is None


def test_empty_query_keeps_everything_in_order() -> None:
    assert [m.index for m in fuzzy_filter("  ", TITLES)] == [0, 1, 2, 3]

"""The condition language trainers write in show_if / require_if: what it means and how it complains."""

from __future__ import annotations

from typing import Any

import pytest

from forms.conditions.language import ConditionError, Expr, parse, truthy


def holds(source: str, **answers: Any) -> bool:
    """Evaluate `source` with names looked up in `answers` (dots written as __ in keyword names)."""
    values = {name.replace("__", "."): value for name, value in answers.items()}
    return parse(source).evaluate(values.get)


def error(source: str) -> ConditionError:
    with pytest.raises(ConditionError) as caught:
        parse(source)
    return caught.value


# ------------------------------------------------------------------ truthiness


@pytest.mark.parametrize("value", [None, "no", 0, 0.0, False, [], "", {}])
def test_falsy_answers(value: Any) -> None:
    assert truthy(value) is False
    assert holds("q", q=value) is False


@pytest.mark.parametrize("value", ["yes", "low", 1, -2, 0.5, True, ["a"], {"r": {"c": "low"}}])
def test_truthy_answers(value: Any) -> None:
    assert truthy(value) is True
    assert holds("q", q=value) is True


def test_unanswered_name_is_false_and_not_makes_it_true() -> None:
    assert holds("q") is False
    assert holds("not q") is True
    assert holds("not not q", q="yes") is True


# ------------------------------------------------------------------ operators


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("q == 'yes'", {"q": "yes"}, True),
        ("q == 'yes'", {"q": "no"}, False),
        ("q != 'yes'", {"q": "no"}, True),
        ("q != 'yes'", {}, True),
        ("q == none", {}, True),
        ("q == none", {"q": "yes"}, False),
        ("q != none", {"q": 0}, True),
        ("age >= 18", {"age": 18}, True),
        ("age > 18", {"age": 18}, False),
        ("age < 18", {"age": 17.5}, True),
        ("age <= 18", {"age": 19}, False),
        ("age == 18", {"age": 18.0}, True),
        ("score > -1", {"score": 0}, True),
        ("score == -1.5", {"score": -1.5}, True),
        ("d < '2024-06-01'", {"d": "2024-05-31"}, True),
        ("flag == true", {"flag": True}, True),
        ("flag == false", {"flag": False}, True),
    ],
)
def test_comparisons(source: str, answers: dict[str, Any], expected: bool) -> None:
    assert parse(source).evaluate(answers.get) is expected


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_ordering_an_unanswered_question_is_false_both_ways(op: str) -> None:
    assert holds(f"age {op} 18") is False
    assert holds(f"18 {op} age") is False
    assert holds(f"age {op} none") is False


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_ordering_mismatched_types_is_false_not_an_error(op: str) -> None:
    assert holds(f"q {op} 3", q="high") is False
    assert holds(f"q {op} 'high'", q=3) is False
    assert holds(f"q {op} 3", q=["a"]) is False
    assert holds(f"q {op} 1", q=True) is False


def test_equality_does_not_mix_types() -> None:
    assert holds("q == 1", q=True) is False
    assert holds("q == true", q=1) is False
    assert holds("q == '3'", q=3) is False
    assert holds("q == 3", q="3") is False


def test_in_a_literal_list() -> None:
    assert holds("level in ['high', 'very_high']", level="high") is True
    assert holds("level in ['high', 'very_high']", level="low") is False
    assert holds("level in ['high', 'very_high']") is False
    assert holds("level not in ['high', 'very_high']", level="low") is True
    assert holds("n in [1, 2.5, -3]", n=2.5) is True
    assert holds("q in [none, 'x']") is True
    assert holds("q in []", q="x") is False


def test_in_a_multi_choice_answer() -> None:
    assert holds("'drugs' in needs", needs=["drugs", "alcohol"]) is True
    assert holds("'work' in needs", needs=["drugs", "alcohol"]) is False
    assert holds("'work' not in needs", needs=["drugs"]) is True
    assert holds("'work' in needs") is False
    assert holds("'work' not in needs") is True


def test_multi_choice_answer_in_a_list_means_any_shared_option() -> None:
    assert holds("needs in ['drugs', 'work']", needs=["alcohol", "drugs"]) is True
    assert holds("needs in ['drugs', 'work']", needs=["alcohol"]) is False
    assert holds("needs in ['drugs']", needs=[]) is False


def test_in_a_grid_looks_at_the_levels_chosen() -> None:
    grid = {"children": {"community": "high", "custody": "low"}, "staff": {"community": "low"}}
    assert holds("'high' in who", who=grid) is True
    assert holds("'very_high' in who", who=grid) is False
    assert holds("'low' in who.staff", who__staff=grid["staff"]) is True


def test_in_text_finds_a_phrase_and_in_a_number_is_false() -> None:
    assert holds("'knife' in notes", notes="had a knife") is True
    assert holds("3 in notes", notes="3 times") is False
    assert holds("3 in n", n=3) is False


def test_list_equality_ignores_order() -> None:
    assert holds("needs == ['a', 'b']", needs=["b", "a"]) is True
    assert holds("needs == ['a', 'b']", needs=["a"]) is False
    assert holds("needs == []", needs=[]) is True


# ------------------------------------------------------------------ precedence and grouping


@pytest.mark.parametrize(
    ("a", "b", "c", "d"),
    [(a, b, c, d) for a in (1, 2) for b in (1, 2) for c in ("", "x") for d in ("", "x")],
)
def test_precedence_not_binds_looser_than_comparison_and_and_tighter_than_or(
    a: int, b: int, c: str, d: str
) -> None:
    expected = a != b or (bool(c) and bool(d))
    assert holds("not a == b or c and d", a=a, b=b, c=c, d=d) is expected


def test_and_binds_tighter_than_or() -> None:
    assert holds("a or b and c", a="x") is True
    assert holds("(a or b) and c", a="x") is False


def test_parentheses_group() -> None:
    assert holds("not (a == 'yes' or b == 'yes')", a="no", b="no") is True
    assert holds("not (a == 'yes' or b == 'yes')", a="no", b="yes") is False
    assert holds("((a))", a="yes") is True


def test_not_in_parses_as_one_operator_and_not_in_front_negates_in() -> None:
    assert holds("x not in ['a']", x="b") is True
    assert holds("not x in ['a']", x="b") is True
    assert holds("not x in ['a']", x="a") is False


def test_constants_on_their_own() -> None:
    assert holds("true") is True
    assert holds("false or none") is False


# ------------------------------------------------------------------ strings and names


@pytest.mark.parametrize(
    ("literal", "text"),
    [
        ('"yes"', "yes"),
        ("'yes'", "yes"),
        (r'"say \"hi\""', 'say "hi"'),
        (r"'it\'s'", "it's"),
        (r'"back\\slash"', "back\\slash"),
        ('"it\'s"', "it's"),
        ("'a \"b\"'", 'a "b"'),
        ('""', ""),
    ],
)
def test_string_literals_and_escapes(literal: str, text: str) -> None:
    assert holds(f"q == {literal}", q=text) is True


def test_names_and_their_first_columns() -> None:
    expr = parse("risk.level in ['high'] and not short or linked == 'yes' and linked != none")
    assert expr.names() == frozenset({"risk.level", "short", "linked"})
    assert expr.name_columns() == {"risk.level": 1, "short": 32, "linked": 41}


def test_dotted_names_up_to_four_parts_are_looked_up_as_written() -> None:
    asked: list[str] = []

    def lookup(name: str) -> Any:
        asked.append(name)
        return "high"

    assert parse("risk.who.children.community == 'high'").evaluate(lookup) is True
    assert asked == ["risk.who.children.community"]


def test_names_may_use_underscores_and_digits() -> None:
    assert holds("_q2 == 'x'", _q2="x") is True
    assert holds("sec_1.q_2 == 'x'", sec_1__q_2="x") is True


def test_keyword_prefixes_are_names() -> None:
    assert parse("notes and order or index").names() == {"notes", "order", "index"}


def test_whitespace_is_free() -> None:
    assert holds("  a=='x'and(b !=\t'y')  ", a="x", b="z") is True


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("source", "column", "hint_part"),
    [
        ("", 1, "linked_offending"),
        ("   ", 1, ""),
        ("a = 'yes'", 3, "use == to compare"),
        ("a && b", 3, "'and'"),
        ("a || b", 3, "'or'"),
        ("a & b", 3, "'and'"),
        ("!a", 1, "'not'"),
        ("a AND b", 3, "did you mean 'and'?"),
        ("a Or b", 3, "did you mean 'or'?"),
        ("NOT a", 1, "did you mean 'not'?"),
        ("a == None", 6, "did you mean 'none'?"),
        ("Risk.Level == 1", 1, "did you mean 'risk.level'?"),
        ("a == 'yes", 6, "close the string with a matching '"),
        ('a == "yes', 6, 'close the string with a matching "'),
        ('a == "yes\\', 6, "close the string"),
        (r"a == 'x\ny'", 8, "\\\\ for a backslash"),
        ("a ==", 5, ""),
        ("a == ", 5, ""),
        ("a and", 6, ""),
        ("or a", 1, ""),
        ("a == and b", 6, ""),
        ("(a and b", 9, "opened at column 1"),
        ("a and (b or (c)", 16, "opened at column 7"),
        ("a)", 2, "add a '('"),
        ("()", 2, ""),
        ("a b", 3, "'and' or 'or'"),
        ("a == 'x' 'y'", 10, "'and' or 'or'"),
        ("a == b == c", 8, "'and'"),
        ("a < b in c", 7, "'and'"),
        ("a == b not in c", 8, "'and'"),
        ("a not b", 3, "not in"),
        ("a @ b", 3, ""),
        ("a == “yes”", 6, "straight quotes"),
        ("a.b.c.d.e", 1, "section.question.row.column"),
        ("a..b", 1, "single dots"),
        ("a.", 1, "single dots"),
        ("a.2x", 1, "single dots"),
        ("1.2.3 == a", 1, "numbers like"),
        ("18years", 1, "numbers like"),
        ("a - 1", 3, ""),
        ("a in [b]", 7, '"b"'),
        ("a in ['x' 'y']", 11, "commas"),
        ("a in ['x',", 11, "opened at column 6"),
        ("a in [==]", 7, ""),
        ("a in [[1]]", 7, ""),
    ],
)
def test_each_mistake_is_reported_with_its_column_and_a_hint(
    source: str, column: int, hint_part: str
) -> None:
    problem = error(source)
    assert problem.column == column, problem
    assert hint_part in problem.hint
    assert problem.message
    assert f"column {column}" in str(problem)


def test_an_error_reads_as_one_line_for_a_person() -> None:
    assert str(error("a = 'yes'")) == "column 3: a single '=' sets, it does not compare (use == to compare)"


def test_chained_comparison_in_parentheses_is_still_an_error() -> None:
    assert error("(a == b == c)").message == "comparisons cannot be chained"


# ------------------------------------------------------------------ the Expr value


def test_expressions_are_equal_and_hashable_by_their_text() -> None:
    assert parse("a == 'x'") == Expr("a == 'x'")
    assert hash(parse("a == 'x'")) == hash(Expr("a == 'x'"))
    assert parse("a == 'x'") != parse('a == "x"')
    assert "a == 'x'" in repr(parse("a == 'x'"))


def test_expr_built_directly_is_checked_too() -> None:
    with pytest.raises(ConditionError):
        Expr("a =")


def test_one_parse_evaluates_many_times_against_different_answers() -> None:
    expr = parse("level in ['high', 'very_high'] and not short")
    assert [expr.evaluate({"level": level, "short": False}.get) for level in ("low", "high")] == [False, True]
    assert expr.evaluate({"level": "high", "short": True}.get) is False


@pytest.mark.parametrize(
    "value", [None, "x", 3, 2.5, True, [], ["a", 1], {"r": {"c": "x"}}, [{"kind": "interview"}]]
)
@pytest.mark.parametrize(
    "source",
    [
        "q == 'x'",
        "q != 1",
        "q < 1",
        "q >= 'a'",
        "'x' in q",
        "q in ['x', 1]",
        "q not in q",
        "q == q",
        "q < q",
        "q in q",
    ],
)
def test_evaluation_never_raises_whatever_the_answer(source: str, value: Any) -> None:
    assert parse(source).evaluate(lambda name: value) in (True, False)

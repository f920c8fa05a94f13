"""Conditions that parse but could never be true are errors, with the fix (issue 20's silent mistakes).

Each case writes one condition into a small form with a question of every
kind a condition can name, and expects `forms check`'s exact line for it.
"""

from __future__ import annotations

import pytest

from forms.definition.load import load_text

FORM = """id = "m"
kind = "assessment"
title = "M"
version = "1.0.0"

[[section]]
id = "risk"
title = "Risk"

  [[section.question]]
  id = "level"
  type = "choice"
  label = "Level"
  options = ["[L]ow", "[H]igh", "[V]ery high"]

  [[section.question]]
  id = "linked"
  type = "yesno"
  label = "Linked?"

  [[section.question]]
  id = "needs"
  type = "grid"
  label = "Needs"
  rows = ["Housing", "Work"]
  levels = ["0 No problems", "1 Some problems", "2 Significant problems"]

  [[section.question]]
  id = "sources"
  type = "group"
  label = "Sources"
    [[section.question.field]]
    id = "kind"
    label = "Kind"

  [[section.question]]
  id = "score"
  type = "scale"
  label = "Score"

  [[section.question]]
  id = "seen"
  type = "date"
  label = "Seen"

  [[section.question]]
  id = "ticks"
  type = "multi"
  label = "Ticks"
  options = ["Red", "Blue"]

  [[section.question]]
  id = "why"
  label = "Why"
  show_if = "{}"
"""

AT = "f.toml:55:{}: section[1].question[8].show_if: "


def errors(condition: str) -> list[str]:
    result = load_text(FORM.replace("{}", condition), "f.toml")
    return [str(error) for error in result.errors]


MISTAKES: dict[str, tuple[str, str]] = {
    "a label instead of an option id": (
        "level in ['high', 'very high']",
        AT.format(32) + "'very high' is not an option of 'level' "
        "('very high' is the label of 'very_high'; write 'very_high')",
    ),
    "yes/no compared with true": (
        "linked == true",
        AT.format(24) + "'linked' is a yes/no question, answered 'yes' or 'no', never true "
        "(write 'yes' instead of true)",
    ),
    "a grid level without its digits": (
        "needs.housing == 'significant_problems'",
        AT.format(31) + "'significant_problems' is not a level of 'needs.housing' "
        "(did you mean '2_significant_problems'?)",
    ),
    "a group compared with a value": (
        "sources == 'yes'",
        AT.format(25) + "'sources' is a group of entries and cannot be compared to a value "
        "(write 'sources' on its own to test whether it has any entries)",
    ),
    "options ordered": (
        "level > 'low'",
        AT.format(22) + "'level' is a choice; its options have no order, so '>' cannot compare them "
        "(list the options meant: level in [...])",
    ),
    "a whole grid compared with one level": (
        "needs == '0_no_problems'",
        AT.format(23) + "'needs' is a grid, which holds a level in each cell, not one value "
        "(compare one cell, e.g. needs.housing, or ask whether a level was chosen anywhere: "
        "'0_no_problems' in needs)",
    ),
    "a choice compared with a number": (
        "level == 3",
        AT.format(23) + "'level' is answered with option ids, never 3 "
        "(compare it with one of: 'low', 'high', 'very_high')",
    ),
    "a scale compared with text": (
        "score >= '3'",
        AT.format(23) + "'score' is a number and never equals '3' "
        "(compare it with a number without quotes, e.g. score >= 3)",
    ),
    "a scale value outside its range": (
        "score == 7",
        AT.format(23) + "7 is outside the scale of 'score' (0 to 5) (use a whole number from 0 to 5)",
    ),
    "a date compared with a number": (
        "seen < 2025",
        AT.format(21) + "'seen' is a date and never equals 2025 "
        "(write the date in quotes as YYYY-MM-DD, e.g. seen < '2025-04-01')",
    ),
    "a multiple choice compared with one option": (
        "ticks == 'red'",
        AT.format(23) + "'ticks' is a multiple choice, whose answer is a list of options, never one value "
        "(ask whether an option is ticked: 'red' in ticks)",
    ),
    "an unknown option with a close id": (
        "level == 'hihg'",
        AT.format(23) + "'hihg' is not an option of 'level' (did you mean 'high'?)",
    ),
    "an unknown grid row": (
        "needs.home == 'x'",
        AT.format(14) + "'home' is not a row of the grid 'needs' (use one of: housing, work)",
    ),
    "an unknown grid column": (
        "needs.housing.later == '0_no_problems'",
        AT.format(14) + "'later' is not a column of the grid 'needs' (use one of: level)",
    ),
    "a field of a group": (
        "sources.kind == 'x'",
        AT.format(14) + "'sources' is a group of entries; a condition cannot look into its fields ('kind') "
        "(write 'sources' on its own to test whether it has any entries)",
    ),
    "an option written as part of its question": (
        "level.high",
        AT.format(14) + "'level' is one question and has no parts below it ('high') "
        "(to ask about one answer, write level == 'high')",
    ),
    "one answer compared with a list": (
        "linked == ['yes']",
        AT.format(24) + "'linked' holds one answer, never a list, so '==' with a list is always false "
        "(ask whether the answer is one of them: linked in [...])",
    ),
    "one answer compared as unequal to a list": (
        "level != ['high']",
        AT.format(23) + "'level' holds one answer, never a list, so '!=' with a list is always true "
        "(ask whether the answer is one of them: level not in [...])",
    ),
    "a date that is not a day": (
        "seen == '2025-02-30'",
        AT.format(22) + "'2025-02-30' is not a day of the calendar, so 'seen' never equals it "
        "(write a day that exists, as YYYY-MM-DD, e.g. seen < '2025-04-01')",
    ),
    "an option id without quotes": (
        "level == high",
        AT.format(23) + "'high' is not a question in section 'risk' or the form "
        "(to compare with the answer 'high', put it in quotes: 'high')",
    ),
    "conditions are not Python": (
        "__import__('os').system('ls')",
        AT.format(14) + "'__import__(' calls something, but conditions are not Python and run nothing "
        "(a condition may hold only question names, quoted values, numbers, [lists], (parentheses), "
        "and, or, not, and the comparisons == != < <= > >= in)",
    ),
}


@pytest.mark.parametrize("condition, expected", MISTAKES.values(), ids=MISTAKES.keys())
def test_a_comparison_that_can_never_be_true_is_one_error_with_its_fix(condition: str, expected: str) -> None:
    assert errors(condition) == [expected]


@pytest.mark.parametrize(
    "condition",
    [
        "level in ['high', 'very_high']",
        "linked == 'yes' and linked != 'no'",
        "needs.housing == '2_significant_problems'",
        "'1_some_problems' in needs",
        "sources",
        "not sources",
        "score >= 3 and score in [1, 2]",
        "seen < '2025-04-01'",
        "'red' in ticks or ticks == ['red', 'blue']",
        "level == none and linked != none and sources != none",
        "short or why == 'x'",
    ],
)
def test_comparisons_that_fit_their_questions_pass(condition: str) -> None:
    assert errors(condition) == []


RUBRIC = """id = "m-qa"
kind = "rubric"
title = "QA"
version = "1.0.0"
form = "m"
second_countersign_if = "risk.level in ['very high']"

[[criterion]]
id = "c"
title = "C"

  [[criterion.check]]
  kind = "text_when"
  when = "linked == true"
  question = "why"
"""


def test_rubric_conditions_are_checked_against_the_types_of_their_form() -> None:
    form = load_text(FORM.replace("{}", "linked == 'yes'"), "f.toml").definition
    result = load_text(RUBRIC, "qa.toml", assessments={"m": form})
    assert [str(e) for e in result.errors] == [
        "qa.toml:6:41: second_countersign_if: 'very high' is not an option of 'risk.level' "
        "('very high' is the label of 'very_high'; write 'very_high')",
        "qa.toml:14:21: criterion[1].check[1].when: 'linked' is a yes/no question, answered 'yes' or 'no', "
        "never true (write 'yes' instead of true)",
    ]


# ------------------------------------------------------------- previous.

FULL_WHEN = """id = "m-qa"
kind = "rubric"
title = "QA"
version = "1.0.0"
form = "m"

[[criterion]]
id = "c"
title = "C"

  [[criterion.check]]
  kind = "full_assessment_when"
  reason = "r"
  when = "{}"
"""


def rubric_errors(condition: str) -> list[str]:
    form = load_text(FORM.replace("{}", "linked == 'yes'"), "f.toml").definition
    result = load_text(FULL_WHEN.replace("{}", condition), "qa.toml", assessments={"m": form})
    return [str(error) for error in result.errors]


WHEN_AT = "qa.toml:14:{}: criterion[1].check[1].when: "


def test_a_previous_name_is_checked_as_the_name_it_reads() -> None:
    assert rubric_errors("previous.risk.level in ['high', 'very_high'] or previous.risk.needs.work") == []
    assert rubric_errors("previous.risk.level == 'very high'") == [
        WHEN_AT.format(34) + "'very high' is not an option of 'previous.risk.level' "
        "('very high' is the label of 'very_high'; write 'very_high')"
    ]
    assert rubric_errors("previous.risk.needs.housing == 'significant_problems'") == [
        WHEN_AT.format(42) + "'significant_problems' is not a level of 'previous.risk.needs.housing' "
        "(did you mean '2_significant_problems'?)"
    ]


def test_a_previous_name_that_reads_nothing_is_one_error_with_the_name_meant() -> None:
    assert rubric_errors("previous.risk.levle == 'high'") == [
        WHEN_AT.format(11) + "'previous.risk.levle' reads the earlier record, but 'risk.levle' is not a "
        "question of the form, written as section.question (did you mean 'risk.level'?)"
    ]
    assert rubric_errors("previous.nope") == [
        WHEN_AT.format(11) + "'previous.nope' reads the earlier record, but 'nope' is not a question "
        "of the form, written as section.question (write previous. before a question's usual name)"
    ]


def test_only_a_rubric_check_reads_the_earlier_record() -> None:
    assert errors("previous.level == 'high'") == [
        AT.format(14) + "'previous.level' reads the earlier record, which only a rubric check's condition "
        "can do (write the rule as a check in the rubric, e.g. a full_assessment_when check's 'when')"
    ]

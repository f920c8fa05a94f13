"""One mistake, one message, at its own line, ending with the fix (issue 20, "One error, one message").

Table-nesting mistakes, a misspelt question type, quoted numbers, an
unclosed list and exact copies were each reported as a follow-on error at
a later, correct line, or without a fix; each case here is one small file
and the one line `a4 forms check` prints for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.definition.load import load_text
from tests.cli_support import run_a4
from tests.test_malformed import CASES

HEAD = 'id = "m"\nkind = "assessment"\ntitle = "M"\nversion = "1.0.0"\n\n'
SECTION_A = '[[section]]\nid = "a"\ntitle = "A"\n'
SECTION_B = '[[section]]\nid = "b"\ntitle = "B"\n  [[section.question]]\n  id = "q"\n  label = "Q"\n'
SHAPE = (
    "an assessment has [[section]] for each section, [[section.question]] for each of its questions, "
    "[[section.question.field]] for each field of a group"
)

CASES_20: dict[str, tuple[str, list[str]]] = {
    "[[question]] for a question of a section": (
        HEAD + SECTION_A + '\n[[question]]\nid = "q"\nlabel = "Q"\n\n' + SECTION_B,
        [
            "f.toml:10:1: [[question]] is not a table of an assessment; the table meant is probably "
            f"[[section.question]] (write [[section.question]] here; {SHAPE})"
        ],
    ),
    "[section.question] with one bracket": (
        HEAD + SECTION_A + '\n[section.question]\nid = "q"\nlabel = "Q"\n\n' + SECTION_B,
        [
            "f.toml:10:1: [section.question] declares one table, but a section holds a list of them "
            "(write [[section.question]] with two brackets, once for each entry)"
        ],
    ),
    "a missing [[section]]": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "q"\n  label = "Q"\n\nid = "b"\ntitle = "B"\n'
        '  [[section.question]]\n  id = "q"\n  label = "Q"\n',
        [
            "f.toml:13:1: 'id' is set a second time in the [[section.question]] above "
            "(a new section starts here: add [[section]] on the line above)"
        ],
    ),
    "a question before any [[section]]": (
        HEAD + '[[section.question]]\nid = "q"\nlabel = "Q"\n',
        [
            "f.toml:6:1: [[section.question]] has no [[section]] above it "
            f"(add [[section]] with its own keys above this line; {SHAPE})"
        ],
    ),
    "the first [[section]] missing, its keys under the file's": (
        HEAD + 'id = "a"\ntitle = "A"\n  [[section.question]]\n  id = "q"\n  label = "Q"\n'
        '  [[section.question]]\n  id = "r"\n  label = "R"\n',
        [
            "f.toml:6:1: 'id' is set a second time at the top of the file "
            "(a new section starts here: add [[section]] on the line above)"
        ],
    ),
    "the first [[section]] missing after [deadlines]": (
        HEAD + '[deadlines]\nreview_weeks = 16\n\nid = "a"\ntitle = "A"\n'
        '  [[section.question]]\n  id = "q"\n  label = "Q"\n'
        '  [[section.question]]\n  id = "r"\n  label = "R"\n',
        [
            "f.toml:9:1: 'id' is not a key of [deadlines] "
            "(a new section starts here: add [[section]] on the line above)"
        ],
    ),
    "two questions before any [[section]] are one message": (
        HEAD + '[[section.question]]\nid = "q"\nlabel = "Q"\n[[section.question]]\nid = "r"\nlabel = "R"\n',
        [
            "f.toml:6:1: [[section.question]] has no [[section]] above it "
            f"(add [[section]] with its own keys above this line; {SHAPE})"
        ],
    ),
    "a [[criterion]] missing before a criterion's keys": (
        'id = "r"\nkind = "rubric"\ntitle = "R"\nversion = "1.0.0"\nform = "a4-assessment"\n\n'
        '[[criterion]]\nid = "c"\ntitle = "C"\n  [[criterion.check]]\n  kind = "required"\n\n'
        'id = "d"\ntitle = "D"\n  [[criterion.check]]\n  kind = "word_budget"\n',
        [
            "f.toml:13:1: 'id' is not a key of [[criterion.check]] "
            "(a new criterion starts here: add [[criterion]] on the line above)"
        ],
    ),
    "a field in a section whose question header is missing": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "q"\n  type = "group"\n  label = "Q"\n'
        '    [[section.question.field]]\n    id = "f"\n    label = "F"\n'
        + SECTION_B.replace("  [[section.question]]\n", "  [[section.question.field]]\n"),
        [
            "f.toml:19:3: [[section.question.field]] has no [[section.question]] above it "
            f"(add [[section.question]] with its own keys above this line; {SHAPE})"
        ],
    ),
    "[[section.field]] for a field of a group": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "q"\n  type = "group"\n  label = "Q"\n'
        '  [[section.field]]\n  id = "f"\n  label = "F"\n' + SECTION_B,
        [
            "f.toml:13:3: [[section.field]] is not a table of an assessment; the table meant is probably "
            f"[[section.question.field]] (write [[section.question.field]] here; {SHAPE})"
        ],
    ),
    "a misspelt type has no follow-on errors": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "linked"\n  type = "yes/no"\n  label = "L"\n'
        '  [[section.question]]\n  id = "why"\n  label = "W"\n  require_if = "linked == \'yes\'"\n',
        ["f.toml:11:10: section[1].question[1].type: unknown question type 'yes/no' (did you mean 'yesno'?)"],
    ),
    "a choice without options has no follow-on errors from conditions naming its options": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "level"\n  type = "choice"\n  label = "L"\n'
        '  [[section.question]]\n  id = "why"\n  label = "W"\n  require_if = "level in [\'high\']"\n',
        ["f.toml:9:3: section[1].question[1].options: missing required key 'options' (add options = …)"],
    ),
    "a section naming an unknown template is not also missing its questions": (
        HEAD + '[[template]]\nid = "area"\n  [[template.question]]\n  id = "q"\n  label = "Q"\n'
        '[[section]]\nid = "a"\ntitle = "A"\ntemplate = "aera"\n',
        ["f.toml:14:12: section[1].template: there is no template 'aera' (did you mean 'area'?)"],
    ),
    "a section with an empty template": (
        HEAD + '[[section]]\nid = "a"\ntitle = "A"\ntemplate = ""\n',
        [
            "f.toml:9:12: section[1].template: 'template' is empty "
            "(write the id of a [[template]], or remove the key)"
        ],
    ),
    "a misspelt required key is one message at the misspelling": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "q"\n  lable = "Q"\n',
        ["f.toml:11:3: section[1].question[1].lable: unknown key 'lable' (did you mean 'label'?)"],
    ),
    "a misspelt id": (
        HEAD + SECTION_A + '  [[section.question]]\n  idd = "q"\n  label = "Q"\n',
        ["f.toml:10:3: section[1].question[1].idd: unknown key 'idd' (did you mean 'id'?)"],
    ),
    "a misspelt section title": (
        HEAD + '[[section]]\nid = "a"\ntitel = "A"\n  [[section.question]]\n  id = "q"\n  label = "Q"\n',
        ["f.toml:8:1: section[1].titel: unknown key 'titel' (did you mean 'title'?)"],
    ),
    "a misspelt type key has no follow-on errors about the type's own keys": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "q"\n  tpye = "choice"\n  label = "Q"\n'
        '  options = ["A", "B"]\n'
        '  [[section.question]]\n  id = "w"\n  label = "W"\n  show_if = "q == \'a\'"\n',
        ["f.toml:11:3: section[1].question[1].tpye: unknown key 'tpye' (did you mean 'type'?)"],
    ),
    "a misspelt criterion title": (
        'id = "r"\nkind = "rubric"\ntitle = "R"\nversion = "1.0.0"\nform = "a4-assessment"\n\n'
        '[[criterion]]\nid = "c"\ntitel = "C"\ngraded = true\n',
        ["f.toml:9:1: criterion[1].titel: unknown key 'titel' (did you mean 'title'?)"],
    ),
    "a number in quotes": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "q"\n  label = "Q"\n  word_budget = "300"\n',
        [
            "f.toml:12:17: section[1].question[1].word_budget: expected a whole number, got a string "
            "(remove the quotes: word_budget = 300)"
        ],
    ),
    "a list never closed points where it opened": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "q"\n  type = "choice"\n  label = "Q"\n'
        '  options = ["A",\n    "B"\n\n' + SECTION_B,
        ["f.toml:13:13: this list is never closed (end it with ] after its last item)"],
    ),
    "an option copied": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "q"\n  type = "choice"\n  label = "Q"\n'
        '  options = [\n    "Low",\n    "Low",\n  ]\n',
        [
            "f.toml:15:5: section[1].question[1].options[2]: this option repeats the one on line 14 "
            "(remove the copy)"
        ],
    ),
    "a grid row copied": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "q"\n  type = "grid"\n  label = "Q"\n'
        '  rows = ["Home", "Work", "Home"]\n  levels = ["Low", "High"]\n',
        [
            "f.toml:13:27: section[1].question[1].rows[3]: this row repeats the one on line 13 "
            "(remove the copy)"
        ],
    ),
    "a grid row whose id another row has": (
        HEAD + SECTION_A + '  [[section.question]]\n  id = "q"\n  type = "grid"\n  label = "Q"\n'
        '  rows = ["Home", "Work", "home"]\n  levels = ["Low", "High"]\n',
        [
            "f.toml:13:27: section[1].question[1].rows[3]: row id 'home' is already used on line 13 "
            "(give each row its own id)"
        ],
    ),
    "a check copied": (
        'id = "r"\nkind = "rubric"\ntitle = "R"\nversion = "1.0.0"\nform = "a4-assessment"\n\n'
        '[[criterion]]\nid = "c"\ntitle = "C"\n'
        '  [[criterion.check]]\n  kind = "required"\n  [[criterion.check]]\n  kind = "required"\n',
        ["f.toml:12:3: criterion[1].check[2]: this check repeats the one on line 10 (remove the copy)"],
    ),
    "a sheet item copied": (
        HEAD + SECTION_B + '[sheet]\n  [[sheet.item]]\n  block = "risk"\n  question = "b.q"\n'
        '  [[sheet.item]]\n  block = "risk"\n  question = "b.q"\n',
        ["f.toml:16:3: sheet.item[2]: this sheet item repeats the one on line 13 (remove the copy)"],
    ),
    "a TOML file that is not a form": (
        'user = "pat"\nrole = "practitioner"\n',
        [
            "f.toml:1:1: this is not a form definition: it has none of the keys id, kind, title and version "
            '(a form starts with id, kind = "assessment", "rubric" or "plan", title and version; '
            "keep other TOML files out of your forms folder)"
        ],
    ),
    "a suggestion copied": (
        'id = "p"\nkind = "plan"\ntitle = "P"\nversion = "1.0.0"\nform = "a4-assessment"\n\n'
        '[[suggest]]\narea = "accommodation"\ngoal = "I will"\n\n'
        '[[suggest]]\narea = "accommodation"\ngoal = "I will"\n',
        ["f.toml:11:1: suggest[2]: this suggestion repeats the one on line 7 (remove the copy)"],
    ),
}


@pytest.mark.parametrize("text, expected", CASES_20.values(), ids=CASES_20.keys())
def test_one_mistake_is_one_message_at_its_line(text: str, expected: list[str]) -> None:
    assert [str(error) for error in load_text(text, "f.toml").errors] == expected


@pytest.mark.parametrize("name", sorted({**CASES, **CASES_20}))
def test_every_message_ends_with_the_fix(name: str) -> None:
    text = {**CASES, **{k: v[0] for k, v in CASES_20.items()}}[name]
    if isinstance(text, tuple):
        text = text[0]
    for error in load_text(text, "f.toml").errors:
        assert error.hint, f"no fix given: {error}"


def test_a_broken_assessment_is_reported_once_and_its_rubric_and_plan_are_not_called_missing(
    tmp_path: Path,
) -> None:
    (tmp_path / "psr.toml").write_text(
        'id = "psr"\nkind = "assessment"\ntitle = "P"\nversion = "1.0.0"\n\n'
        '[[section]]\nid = "a"\ntitle = "Where\n'
    )
    (tmp_path / "psr-qa.toml").write_text(
        'id = "psr-qa"\nkind = "rubric"\ntitle = "Q"\nversion = "1.0.0"\nform = "psr"\n'
        '[[criterion]]\nid = "c"\ntitle = "C"\ngraded = true\n'
    )
    (tmp_path / "psr-plan.toml").write_text(
        'id = "psr-plan"\nkind = "plan"\ntitle = "P"\nversion = "1.0.0"\nform = "psr"\n'
    )
    result = run_a4("forms", "check", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path}/psr.toml:8:15: the line ends inside a string (close the quote on the same line)",
        f"{tmp_path}/psr-plan.toml and {tmp_path}/psr-qa.toml: not checked against form 'psr', "
        "which has problems of its own (fix those, then check again)",
        "1 problem in 1 file",
    ]


def test_a_misspelt_kind_is_one_message_and_its_rubric_is_not_called_missing(tmp_path: Path) -> None:
    (tmp_path / "psr.toml").write_text(
        'id = "psr"\nkind = "assesment"\ntitle = "P"\nversion = "1.0.0"\n\n'
        '[[section]]\nid = "a"\ntitle = "A"\n  [[section.question]]\n  id = "q"\n  label = "Q"\n'
    )
    (tmp_path / "psr-qa.toml").write_text(
        'id = "psr-qa"\nkind = "rubric"\ntitle = "Q"\nversion = "1.0.0"\nform = "psr"\n'
        '[[criterion]]\nid = "c"\ntitle = "C"\ngraded = true\n'
    )
    result = run_a4("forms", "check", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path}/psr.toml:2:8: kind: unknown kind 'assesment' (did you mean 'assessment'?)",
        f"{tmp_path}/psr-qa.toml: not checked against form 'psr', "
        "which has problems of its own (fix those, then check again)",
        "1 problem in 1 file",
    ]

"""Broken form definitions: every problem is reported at its exact line and column, in plain words.

Each case is a small file a trainer might plausibly write, with the full
`file:line:col: path: message (hint)` line A4 prints for it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from forms.definition.load import load_file, load_paths, load_text
from forms.model import AssessmentForm

FIXTURES = Path(__file__).parent / "fixtures" / "forms"

ASSESS = 'id = "m"\nkind = "assessment"\ntitle = "M"\nversion = "1.0.0"\n'
RUBRIC = 'id = "m-qa"\nkind = "rubric"\ntitle = "QA"\nversion = "1.0.0"\nform = "mini"\n'
PLAN = 'id = "m-plan"\nkind = "plan"\ntitle = "Plan"\nversion = "1.0.0"\nform = "mini"\n'
SECTION = '[[section]]\nid = "home"\ntitle = "Home"\n'
QUESTION = '[[section.question]]\nid = "q"\nlabel = "Q"\n'
CRITERION = '[[criterion]]\nid = "c"\ntitle = "C"\n[[criterion.check]]\n'

CASES: dict[str, tuple[str, str]] = {
    "unquoted text": (
        ASSESS.replace('title = "M"', "title = Mini"),
        'f.toml:3:9: this value cannot be read (text needs quotes, e.g. title = "Accommodation")',
    ),
    "unclosed string": (
        ASSESS + SECTION + '[[section.question]]\nid = "q"\nlabel = "Where\n',
        "f.toml:10:15: the line ends inside a string (close the quote on the same line)",
    ),
    "key set twice": (
        ASSESS + 'title = "Again"\n',
        "f.toml:5:16: this key is already set (each key may appear only once in a table)",
    ),
    "unknown key": (
        ASSESS + SECTION + QUESTION + "wordbudget = 150\n",
        "f.toml:11:1: section[1].question[1].wordbudget: unknown key 'wordbudget' "
        "(did you mean 'word_budget'?)",
    ),
    "wrong type": (
        ASSESS + SECTION + QUESTION + 'word_budget = "150"\n',
        "f.toml:11:15: section[1].question[1].word_budget: expected a whole number, got a string "
        "(remove the quotes: word_budget = 150)",
    ),
    "missing label": (
        ASSESS + SECTION + '  [[section.question]]\n  id = "q"\n',
        "f.toml:8:3: section[1].question[1].label: missing required key 'label' (add label = …)",
    ),
    "bad id": (
        ASSESS + SECTION + '[[section.question]]\nid = "Very-High"\nlabel = "Q"\n',
        "f.toml:9:6: section[1].question[1].id: 'Very-High' is not a valid id "
        "(use lower-case letters, digits and _, starting with a letter, e.g. 'very_high')",
    ),
    "bad version": (
        ASSESS.replace('"1.0.0"', '"1.0"') + SECTION + QUESTION,
        "f.toml:4:11: version: '1.0' is not a version (write MAJOR.MINOR.PATCH, e.g. \"1.0.0\")",
    ),
    "unknown kind": (
        ASSESS.replace('"assessment"', '"assesment"'),
        "f.toml:2:8: kind: unknown kind 'assesment' (did you mean 'assessment'?)",
    ),
    "unknown question type": (
        ASSESS + SECTION + '[[section.question]]\nid = "q"\ntype = "choise"\nlabel = "Q"\noptions = ["A"]\n',
        "f.toml:10:8: section[1].question[1].type: unknown question type 'choise' (did you mean 'choice'?)",
    ),
    "duplicate section": (
        ASSESS + SECTION + QUESTION + SECTION + QUESTION,
        "f.toml:12:6: section[2].id: section id 'home' is already used on line 6 "
        "(give each section its own id)",
    ),
    "duplicate question": (
        ASSESS + SECTION + QUESTION + QUESTION,
        "f.toml:12:6: section[1].question[2].id: question id 'q' is already used on line 9 "
        "(give each question its own id)",
    ),
    "duplicate option": (
        ASSESS + SECTION + '[[section.question]]\nid = "q"\ntype = "choice"\nlabel = "Q"\n'
        'options = ["Low", "low"]\n',
        "f.toml:12:19: section[1].question[1].options[2]: option id 'low' is already used on line 12 "
        "(give each option its own id)",
    ),
    "clashing keys": (
        ASSESS + SECTION + '[[section.question]]\nid = "q"\ntype = "choice"\nlabel = "Q"\n'
        'options = ["[H]igh", "[H]uge"]\n',
        "f.toml:12:22: section[1].question[1].options[2]: key 'h' is already used by 'High' "
        "(put another letter in brackets, e.g. '[u]')",
    ),
    "two letters in brackets": (
        ASSESS + SECTION + '[[section.question]]\nid = "q"\ntype = "choice"\nlabel = "Q"\n'
        'options = ["Low", "[Ve]ry high"]\n',
        "f.toml:12:19: section[1].question[1].options[2]: the key in brackets must be one letter or digit, "
        "got '[Ve]' (e.g. '[V]ery high')",
    ),
    "bad key in an option table": (
        ASSESS + SECTION + '[[section.question]]\nid = "q"\ntype = "choice"\nlabel = "Q"\n'
        'options = [{ id = "nfa", label = "No fixed abode", key = "nf" }]\n',
        "f.toml:12:58: section[1].question[1].options[1].key: key must be one letter or digit, got 'nf' "
        '(write one, e.g. key = "v")',
    ),
    "key of another type": (
        ASSESS + SECTION + '[[section.question]]\nid = "q"\ntype = "line"\nlabel = "Q"\nword_budget = 20\n',
        "f.toml:12:1: section[1].question[1].word_budget: word_budget applies only to text questions "
        "(remove it from here)",
    ),
    "scale too long": (
        ASSESS + SECTION + '[[section.question]]\nid = "q"\ntype = "scale"\nlabel = "Q"\nmax = 12\n',
        "f.toml:12:7: section[1].question[1].max: a scale has at most 9 steps from min to max, "
        "this one has 12 (set max to 9 or less)",
    ),
    "grid without rows": (
        ASSESS
        + SECTION
        + '[[section.question]]\nid = "q"\ntype = "grid"\nlabel = "Q"\nlevels = ["Low", "High"]\n',
        "f.toml:8:1: section[1].question[1].rows: missing required key 'rows' (add rows = …)",
    ),
    "grid inside a group": (
        ASSESS + SECTION + '[[section.question]]\nid = "q"\ntype = "group"\nlabel = "Q"\n'
        '[[section.question.field]]\nid = "f"\ntype = "grid"\nlabel = "F"\n',
        "f.toml:14:8: section[1].question[1].field[1].type: a group's fields cannot be grid questions "
        "(use one of: text, line, yesno, choice, multi, scale, date, number)",
    ),
    "order_by names no field": (
        ASSESS + SECTION + '[[section.question]]\nid = "q"\ntype = "group"\nlabel = "Q"\norder_by = "dat"\n'
        '[[section.question.field]]\nid = "date"\ntype = "date"\nlabel = "Date"\n',
        "f.toml:12:12: section[1].question[1].order_by: order_by must name a field of this group; "
        "there is no field 'dat' (did you mean 'date'?)",
    ),
    "show_age on a text question": (
        ASSESS + SECTION + QUESTION + "show_age = true\n",
        "f.toml:11:1: section[1].question[1].show_age: show_age applies only to date questions "
        "(remove it from here)",
    ),
    "show_age on a group's date field": (
        ASSESS + SECTION + '[[section.question]]\nid = "q"\ntype = "group"\nlabel = "Q"\n'
        '[[section.question.field]]\nid = "born"\ntype = "date"\nlabel = "Born"\nshow_age = true\n',
        "f.toml:16:1: section[1].question[1].field[1].show_age: a group's fields cannot have show_age "
        "(remove it from here)",
    ),
    "risk level on a text question": (
        ASSESS + 'risk_level = "home.q"\n' + SECTION + QUESTION,
        "f.toml:5:14: risk_level: risk_level must name a choice question; 'home.q' is a text question "
        "(point it at the choice question that holds the risk level)",
    ),
    "condition syntax": (
        ASSESS + SECTION + QUESTION + "show_if = \"q === 'yes'\"\n",
        "f.toml:11:16: section[1].question[1].show_if: a single '=' sets, it does not compare "
        "(use == to compare)",
    ),
    "condition names no question": (
        ASSESS + SECTION + '[[section.question]]\nid = "linked"\ntype = "yesno"\nlabel = "Linked?"\n'
        '[[section.question]]\nid = "why"\nlabel = "Why?"\nrequire_if = "linkd == \'yes\'"\n',
        "f.toml:15:15: section[1].question[2].require_if: 'linkd' is not a question in section 'home' "
        "or the form (did you mean 'linked'?)",
    ),
    "condition after an escape": (
        ASSESS + SECTION + QUESTION + 'show_if = "q == \\"a\\" or qq"\n',
        "f.toml:11:26: section[1].question[1].show_if: 'qq' is not a question in section 'home' "
        "or the form (did you mean 'q'?)",
    ),
    "rubric key in an assessment": (
        ASSESS + 'form = "x"\n' + SECTION + QUESTION,
        "f.toml:5:1: form: form belongs in rubric and plan definitions, not in an assessment "
        "(remove it from here)",
    ),
    "unknown check kind": (
        RUBRIC + CRITERION + 'kind = "word_budjet"\n',
        "f.toml:10:8: criterion[1].check[1].kind: unknown check kind 'word_budjet' "
        "(did you mean 'word_budget'?)",
    ),
    "check missing its question": (
        RUBRIC + CRITERION + 'kind = "text_when"\nwhen = "linked_offending == \'yes\'"\n',
        "f.toml:9:1: criterion[1].check[1].question: the text_when check needs 'question' "
        "(add question = …: the question that needs text)",
    ),
    "check parameter of the wrong type": (
        RUBRIC + CRITERION + 'kind = "required"\nsections = "accommodation"\n',
        "f.toml:11:12: criterion[1].check[1].sections: expected a list, got a string "
        '(put it in square brackets: sections = ["accommodation"])',
    ),
    "check names an unknown section": (
        RUBRIC + CRITERION + 'kind = "required"\nsections = ["accommodation", "acommodation"]\n',
        "f.toml:11:30: criterion[1].check[1].sections[2]: form 'mini' has no section 'acommodation' "
        "(did you mean 'accommodation'?)",
    ),
    "check condition names no question": (
        RUBRIC
        + CRITERION
        + 'kind = "text_when"\nwhen = "linked_ofending == \'yes\'"\nquestion = "analysis"\n',
        "f.toml:11:9: criterion[1].check[1].when: 'linked_ofending' is not a question in any section "
        "(did you mean 'linked_offending'?)",
    ),
    "min_sources on a choice": (
        RUBRIC + CRITERION + 'kind = "min_sources"\ngroup = "risk.level"\n',
        "f.toml:11:9: criterion[1].check[1].group: 'risk.level' is a choice question, not a group "
        '(name a question whose type is "group")',
    ),
    "level_covers_grid on a text question": (
        RUBRIC
        + CRITERION
        + 'kind = "level_covers_grid"\nlevel = "risk.level"\ngrid = "accommodation.analysis"\n',
        "f.toml:12:8: criterion[1].check[1].grid: 'accommodation.analysis' is a text question, not a grid "
        '(name a question whose type is "grid")',
    ),
    "entries_cover_grid with a level's label": (
        RUBRIC + CRITERION + 'kind = "entries_cover_grid"\ngroup = "evidence.sources"\ngrid = "risk.who"\n'
        'min_level = "Very high"\n',
        "f.toml:13:13: criterion[1].check[1].min_level: 'Very high' is not a level of the grid 'risk.who' "
        "('Very high' is the label of 'very_high'; write 'very_high')",
    ),
    "min_sources unknown field": (
        RUBRIC + CRITERION + 'kind = "min_sources"\ngroup = "evidence.sources"\nfields = ["auther"]\n',
        "f.toml:12:11: criterion[1].check[1].fields[1]: group 'evidence.sources' has no field 'auther' "
        "(did you mean 'author'?)",
    ),
    "phrase without a suggestion": (
        RUBRIC + CRITERION + 'kind = "phrases"\nphrases = { "in denial" = 3 }\n',
        "f.toml:11:27: criterion[1].check[1].phrases.in denial: expected a suggested wording in a string, "
        "got a whole number (put the suggested wording in quotes)",
    ),
    "smart requires an unknown field": (
        RUBRIC + CRITERION + 'kind = "smart"\nrequire = ["who", "when"]\n',
        "f.toml:11:19: criterion[1].check[1].require[2]: a smart check cannot require 'when' "
        "(use any of: who, by, measure)",
    ),
    "criterion neither graded nor checked": (
        RUBRIC + '[[criterion]]\nid = "c"\ntitle = "C"\n',
        "f.toml:6:1: criterion[1]: this criterion is neither graded nor checked "
        "(add graded = true or a [[criterion.check]])",
    ),
    "countersign condition with a bare name": (
        RUBRIC + "second_countersign_if = \"level in ['high']\"\n"
        '[[criterion]]\nid = "c"\ntitle = "C"\ngraded = true\n',
        "f.toml:6:26: second_countersign_if: 'level' is not a question of the form, written as "
        "section.question (did you mean 'risk.level'?)",
    ),
    "plan label for no field": (
        PLAN + '[labels]\ngaol = "My goal"\n',
        "f.toml:7:1: labels.gaol: unknown key 'gaol' (did you mean 'goal'?)",
    ),
    "plan suggestion for no area": (
        PLAN + '[[suggest]]\narea = "housing"\ngoal = "I will find a home."\n',
        "f.toml:7:8: suggest[1].area: form 'mini' has no section 'housing' "
        "(use one of: accommodation, risk, evidence)",
    ),
    "curly quotes in a condition": (
        PLAN + 'areas_when = "linked_offending == ‘yes’"\n',
        "f.toml:6:35: areas_when: unexpected character '‘' (use straight quotes ' or \")",
    ),
}


@pytest.fixture(scope="module")
def mini() -> AssessmentForm:
    form = load_file(FIXTURES / "valid" / "mini.toml").definition
    assert isinstance(form, AssessmentForm)
    return form


def test_there_are_plenty_of_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_problem_is_reported_exactly(name: str, mini: AssessmentForm) -> None:
    text, expected = CASES[name]
    result = load_text(text, "f.toml", assessments={"mini": mini})
    assert [str(error) for error in result.errors] == [expected]
    assert result.definition is None


def test_every_problem_in_a_file_is_reported_in_line_order() -> None:
    text = (
        ASSESS.replace('"1.0.0"', '"one"')
        + SECTION
        + '[[section.question]]\nid = "q"\ntype = "choise"\nlabel = "Q"\n'
        + '[[section.question]]\nid = "r"\nwordbudget = 3\n'
        + '[[section]]\nid = "home"\ntitle = "Again"\n'
        + '[[section.question]]\nid = "s"\ntype = "scale"\nlabel = "S"\nmin = 3\nmax = 2\n'
    )
    lines = [f"{e.line}:{e.col}: {e.path}" for e in load_text(text, "f.toml").errors]
    assert lines == [
        "4:11: version",
        "10:8: section[1].question[1].type",
        "12:1: section[1].question[2].label",
        "14:1: section[1].question[2].wordbudget",
        "16:6: section[2].id",
        "23:7: section[2].question[1].max",
    ]


def test_an_empty_file_lists_every_missing_header_key() -> None:
    errors = load_text("", "empty.toml").errors
    assert [str(e) for e in errors] == [
        f"empty.toml:1:1: {key}: missing required key '{key}' (add {key} = …)"
        for key in ("id", "kind", "title", "version")
    ]


def test_a_dangling_form_reference_is_an_error_in_a_set(tmp_path: Path) -> None:
    (tmp_path / "qa.toml").write_text(
        RUBRIC.replace('"mini"', '"mini-form"') + '[[criterion]]\nid = "c"\ntitle = "C"\ngraded = true\n',
        encoding="utf-8",
    )
    (tmp_path / "mini.toml").write_text(
        ASSESS.replace('"m"', '"mini-farm"') + SECTION + QUESTION, encoding="utf-8"
    )
    [mini_result, qa] = load_paths([tmp_path])
    assert mini_result.errors == []
    assert [str(e) for e in qa.errors] == [
        f"{tmp_path / 'qa.toml'}:5:8: form: no assessment form 'mini-form' is loaded "
        "(did you mean 'mini-farm'?)"
    ]


def test_a_rubric_checked_alone_does_not_need_its_form() -> None:
    result = load_text(RUBRIC + CRITERION + 'kind = "required"\nsections = ["nowhere"]\n', "qa.toml")
    assert result.errors == []
    assert result.definition is not None


def test_a_broken_assessment_does_not_cascade_into_its_rubric(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        ASSESS.replace('"m"', '"mini"') + SECTION + '[[section.question]]\nid = "q"\n', encoding="utf-8"
    )
    (tmp_path / "b.toml").write_text(
        RUBRIC + CRITERION + 'kind = "required"\nsections = ["x"]\n', encoding="utf-8"
    )
    broken, rubric = load_paths([tmp_path])
    assert len(broken.errors) == 1
    assert rubric.errors == []


def test_unreadable_files_are_reported_not_raised(tmp_path: Path) -> None:
    binary = tmp_path / "image.toml"
    binary.write_bytes(b'id = "x"\n\x89PNG\r\n\x1a\n\xff\xfe')
    missing = tmp_path / "missing.toml"
    results = load_paths([binary, missing, tmp_path / "nowhere"])
    assert [str(e) for r in results for e in r.errors] == [
        f"{binary}:2:1: cannot read: this is not UTF-8 text (save it as UTF-8)",
        f"{missing}:1:1: cannot read: No such file or directory (check the path)",
        f"{tmp_path / 'nowhere'}:1:1: cannot read: No such file or directory (check the path)",
    ]
    assert all(r.definition is None for r in results)


def test_control_characters_are_a_syntax_error_not_a_crash() -> None:
    [error] = load_text('id = "a\x00b"\n', "nul.toml").errors
    assert (error.line, error.col) == (1, 8)


def test_the_cli_reports_broken_files_without_a_traceback(tmp_path: Path) -> None:
    for index, (text, _) in enumerate(CASES.values()):
        (tmp_path / f"case{index:02}.toml").write_text(text, encoding="utf-8")
    (tmp_path / "binary.toml").write_bytes(bytes(range(256)))
    code = (
        "import sys, tui.cli as cli; cli.COMMAND_MODULES = (*cli.COMMAND_MODULES, 'forms_cmd') "
        "if 'forms_cmd' not in cli.COMMAND_MODULES else cli.COMMAND_MODULES; sys.exit(cli.main(sys.argv[1:]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, "forms", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    assert run.stdout.splitlines()[-1].endswith(f"in {len(CASES) + 1} files")

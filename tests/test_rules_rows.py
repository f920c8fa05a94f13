"""`entries_cover_grid` with `row_field`: each group at risk in the grid needs its own safety entry.

Counting entries let two entries about the same child pass for a grid that
also rates the public at risk.  With `row_field` every entry says which row
of the grid it keeps safe, and the finding names the rows with none.
"""

from __future__ import annotations

from pathlib import Path

from forms.checks.library import run_checks
from forms.definition.load import load_text
from forms.definition.registry import load_registry
from forms.model import AssessmentForm, Record, Rubric
from forms.record.carry_over import move_record
from tests.cli_support import run_a4
from tests.test_rules import GROUP_FORM, GROUP_RUBRIC

ROW_FIELD = """    [[section.question.field]]
    id = "group"
    type = "choice"
    label = "Group at risk"
    options = ["[C]hildren", "[P]ublic"]

"""

WHO_FIELD = '    [[section.question.field]]\n    id = "who"'
ROW_FORM = GROUP_FORM.replace(WHO_FIELD, ROW_FIELD + WHO_FIELD)
ROW_RUBRIC = GROUP_RUBRIC + '  row_field = "group"\n'

AT_RISK = {"children": {"community": "high"}, "public": {"custody": "medium"}, "staff": {}}


def form_of(text: str) -> AssessmentForm:
    form = load_text(text, "t.toml").definition
    assert isinstance(form, AssessmentForm)
    return form


def rubric_errors(rubric_text: str, form_text: str = ROW_FORM) -> list[str]:
    result = load_text(rubric_text, "t-qa.toml", assessments={"t": form_of(form_text)})
    return [f"{e.line}:{e.col} {e.message} — {e.hint}" for e in result.errors]


def row_findings(answers: dict, form_text: str = ROW_FORM) -> list[str]:
    """The row-matching rubric's findings (checked against the newest form) on a record of `form_text`."""
    result = load_text(ROW_RUBRIC, "t-qa.toml", assessments={"t": form_of(ROW_FORM)})
    assert result.errors == [] and isinstance(result.definition, Rubric)
    record = Record("r", "C-1", "t", "1.0.0", answers=answers)
    form = form_of(form_text)
    return [f.message for r in run_checks(result.definition, form, record) for f in r.findings]


def test_a_group_at_risk_with_no_entry_of_its_own_is_named_even_when_the_count_is_met() -> None:
    both_children = [
        {"group": "children", "who": "The child harmed"},
        {"group": "children", "who": "Her brother"},
    ]
    assert row_findings({"rosh.who": AT_RISK, "rosh.level": "high", "rosh.safety": both_children}) == [
        "Risk of serious harm: “Keeping the people at risk safe” has no entry for Public (at risk at Medium "
        "or above in the grid): add one for each, choosing them in “Group at risk”"
    ]
    covered = [*both_children, {"group": "public", "who": "People in the park"}]
    assert row_findings({"rosh.who": AT_RISK, "rosh.level": "high", "rosh.safety": covered}) == []


def test_entries_carried_from_a_version_without_the_row_field_are_asked_to_name_their_row() -> None:
    carried = [{"who": "The child harmed"}, {"who": "People in the park"}]
    assert row_findings({"rosh.who": AT_RISK, "rosh.level": "high", "rosh.safety": carried}) == [
        "Risk of serious harm: “Keeping the people at risk safe” has no entry for Children, Public (at risk "
        "at Medium or above in the grid): add one for each, choosing them in “Group at risk”"
    ]


def test_a_record_on_an_older_version_without_the_field_is_judged_by_counting() -> None:
    """The rubric is checked against the newest form; a record still on the older one has no such field."""
    one = [{"who": "The child harmed"}]
    assert row_findings({"rosh.who": AT_RISK, "rosh.level": "high", "rosh.safety": one}, GROUP_FORM) == [
        "Risk of serious harm: “Keeping the people at risk safe” has 1 entry, but the grid has 2 people "
        "or groups at risk at Medium or above (Children, Public): add an entry for each"
    ]


def test_a_row_field_the_group_does_not_have_is_placed_with_a_did_you_mean() -> None:
    assert rubric_errors(ROW_RUBRIC.replace('row_field = "group"', 'row_field = "grup"')) == [
        "16:15 group 'rosh.safety' has no field 'grup' — did you mean 'group'?"
    ]


def test_a_row_field_that_is_not_a_choice_is_refused() -> None:
    assert rubric_errors(ROW_RUBRIC.replace('row_field = "group"', 'row_field = "who"')) == [
        "16:15 field 'who' of 'rosh.safety' is a line field, not a choice — "
        "make it a choice field whose options are the rows of 'rosh.who'"
    ]


def test_a_row_field_missing_a_row_of_the_grid_names_it_and_the_option_to_rename() -> None:
    misspelt = ROW_FORM.replace('options = ["[C]hildren", "[P]ublic"]', 'options = ["[C]hildren", "[P]ublc"]')
    assert rubric_errors(ROW_RUBRIC, misspelt) == [
        "16:15 field 'group' offers no option for the grid's row 'public' (Public) — "
        "rename option 'publc' to 'public'"
    ]
    short = ROW_FORM.replace('options = ["[C]hildren", "[P]ublic"]', 'options = ["[C]hildren"]')
    assert rubric_errors(ROW_RUBRIC, short) == [
        "16:15 field 'group' offers no option for the grid's row 'public' (Public) — "
        "give 'group' an option for each row of 'rosh.who', with the row's id"
    ]


def test_a4_forms_check_reports_a_bad_row_field_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "t.toml").write_text(ROW_FORM, encoding="utf-8")
    (tmp_path / "t-qa.toml").write_text(ROW_RUBRIC.replace('"group"', '"grup"'), encoding="utf-8")
    checked = run_a4("forms", "check", str(tmp_path))
    assert checked.returncode == 1
    assert checked.stdout.splitlines() == [
        f"{tmp_path / 't-qa.toml'}:16:15: criterion[1].check[1].row_field: group 'rosh.safety' has no field "
        "'grup' (did you mean 'group'?)",
        "1 problem in 1 file",
    ]


def test_a_shipped_2_1_0_record_moved_to_2_2_0_keeps_its_safety_entries_and_is_asked_for_the_group() -> None:
    registry, errors = load_registry([])
    assert errors == []
    old, new = registry.assessment("a4-assessment", "2.1.0"), registry.assessment("a4-assessment", "2.2.0")
    rubric = registry.rubric_for("a4-assessment")
    assert old is not None and new is not None and rubric is not None
    entries = [{"who": "Former partner", "plan": "No contact condition"}]
    answers = {
        "rosh.who": {"known_adult": {"community": "high"}, "public": {"community": "low"}},
        "rosh.level": "high",
        "rmp.victim_safety": entries,
    }
    moved = move_record(Record("r", "C-1", old.id, old.version, answers=answers), old, new)
    assert (moved.form_version, moved.answers["rmp.victim_safety"], moved.left_behind) == (
        "2.2.0",
        entries,
        [],
    )
    found = [
        f.message for r in run_checks(rubric, new, moved) for f in r.findings if f.path == "rmp.victim_safety"
    ]
    assert (
        "Risk management plan: “Keeping the people at risk safe” has no entry for A known adult (at risk at "
        "Medium or above in the grid): add one for each, choosing them in “Group at risk”"
    ) in found
    moved.answers["rmp.victim_safety"][0]["group"] = "known_adult"
    found = [
        f.message for r in run_checks(rubric, new, moved) for f in r.findings if f.path == "rmp.victim_safety"
    ]
    assert found == []

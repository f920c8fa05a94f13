"""The rule checks: an overall level that covers the who-is-at-risk grid, and when a short form is refused."""

from __future__ import annotations

from forms.checks.library import run_checks
from forms.checks.rules import short_refusals
from forms.definition.errors import FormError
from forms.definition.load import load_text
from forms.model import AssessmentForm, Record, Rubric

FORM = """id = "t"
kind = "assessment"
title = "T"
version = "1.0.0"
risk_level = "rosh.level"

[[section]]
id = "offence"
title = "Offence"
short = true

  [[section.question]]
  id = "elements"
  type = "multi"
  label = "Elements"
  options = ["[V]iolence", "[S]exual element", "[D]omestic abuse"]

[[section]]
id = "rosh"
title = "Risk of serious harm"
short = true

  [[section.question]]
  id = "who"
  type = "grid"
  label = "Who is at risk?"
  rows = ["[C]hildren", "[P]ublic"]
  columns = ["Community", "Custody"]
  levels = ["[L]ow", "[M]edium", "[H]igh", "[V]ery high"]

  [[section.question]]
  id = "level"
  type = "choice"
  label = "Overall level"
  options = ["[L]ow", "[M]edium", "[H]igh", "[V]ery high"]

  [[section.question]]
  id = "level_differs"
  label = "If the overall level is lower than a level in the grid, why?"
"""

RUBRIC_HEAD = """id = "t-qa"
kind = "rubric"
title = "T QA"
version = "1.0.0"
form = "t"

[[criterion]]
id = "rules"
title = "Rules"
"""

RUBRIC = (
    RUBRIC_HEAD
    + """
  [[criterion.check]]
  kind = "level_covers_grid"
  level = "rosh.level"
  grid = "rosh.who"
  reason = "rosh.level_differs"

  [[criterion.check]]
  kind = "full_assessment_when"
  when = "offence.elements in ['sexual_element', 'domestic_abuse'] or rosh.level in ['high', 'very_high']"
  reason = "the offence had a sexual or domestic abuse element, or the level is high or very high"
"""
)


def loaded(rubric_text: str = RUBRIC) -> tuple[AssessmentForm, Rubric | None, list[FormError]]:
    form = load_text(FORM, "t.toml").definition
    assert isinstance(form, AssessmentForm)
    result = load_text(rubric_text, "t-qa.toml", assessments={"t": form})
    rubric = result.definition
    assert rubric is None or isinstance(rubric, Rubric)
    return form, rubric, result.errors


def findings(answers: dict, kind: str = "assessment") -> list[str]:
    form, rubric, errors = loaded()
    assert errors == [] and rubric is not None
    record = Record("r", "C-1", "t", "1.0.0", kind=kind, answers=answers)
    return [f.message for result in run_checks(rubric, form, record) for f in result.findings]


def test_a_level_below_the_grid_is_found_with_where_and_the_fix() -> None:
    grid = {"children": {"community": "high"}, "public": {"community": "medium"}}
    assert findings({"rosh.who": grid, "rosh.level": "medium"}) == [
        "Risk of serious harm: the overall level is Medium but the grid has High (Children, community): "
        "raise it, or say in “If the overall level is lower than a level in the grid, why?” why it is lower"
    ]


def test_a_level_at_or_above_the_grid_or_a_reason_passes() -> None:
    grid = {"children": {"custody": "high"}}
    assert findings({"rosh.who": grid, "rosh.level": "high"}) == []
    assert findings({"rosh.who": grid, "rosh.level": "very_high"}) == []
    reason = "The children named are in care and have no contact now."
    assert findings({"rosh.who": grid, "rosh.level": "medium", "rosh.level_differs": reason}) == []
    assert findings({"rosh.who": grid, "rosh.level": "medium", "rosh.level_differs": "see file"}) != []


def test_a_short_record_is_refused_with_the_reason_when_the_rule_holds() -> None:
    answers = {"offence.elements": ["violence", "domestic_abuse"], "rosh.level": "medium"}
    [message] = findings(answers, kind="short")
    assert message == (
        "A short assessment is not enough here: the offence had a sexual or domestic abuse element, "
        "or the level is high or very high. Write the full assessment (F8)."
    )
    assert findings(answers, kind="assessment") == []  # the full assessment is what the rule asks for
    assert findings({"offence.elements": ["violence"], "rosh.level": "low"}, kind="short") == []


def test_short_refusals_gives_the_rubrics_reasons_for_the_case_screen() -> None:
    form, rubric, _ = loaded()
    assert short_refusals(rubric, form, {"rosh.level": "very_high"}) == [
        "the offence had a sexual or domestic abuse element, or the level is high or very high"
    ]
    assert short_refusals(rubric, form, {"rosh.level": "low"}) == []
    assert short_refusals(None, form, {"rosh.level": "very_high"}) == []


def test_mistakes_in_rule_checks_are_placed_and_explained() -> None:
    text = (
        RUBRIC.replace('grid = "rosh.who"', 'grid = "rosh.level_differs"')
        .replace("rosh.level in ['high'", "level in ['high'")
        .replace('  reason = "the offence', '  reason = ""\n  #  "the offence')
    )
    _, _, errors = loaded(text)
    shown = [f"{e.line}:{e.col} {e.message}" for e in errors]
    assert shown == [
        "14:10 'rosh.level_differs' is a text question, not a grid",
        "19:71 'level' is not a question of the form, written as section.question",
        "20:12 'reason' must not be empty",
    ]


GROUP_FORM = FORM.replace(
    '''  [[section.question]]
  id = "level_differs"''',
    '''  [[section.question]]
  id = "safety"
  type = "group"
  label = "Keeping the people at risk safe"
  require_if = "level in ['medium', 'high', 'very_high']"

    [[section.question.field]]
    id = "who"
    type = "line"
    label = "Person or group"

  [[section.question]]
  id = "level_differs"''',
)

GROUP_RUBRIC = (
    RUBRIC_HEAD
    + """
  [[criterion.check]]
  kind = "entries_cover_grid"
  group = "rosh.safety"
  grid = "rosh.who"
  min_level = "medium"
"""
)


def group_findings(answers: dict, rubric_text: str = GROUP_RUBRIC) -> tuple[list[str], list[str]]:
    form = load_text(GROUP_FORM, "t.toml").definition
    assert isinstance(form, AssessmentForm)
    result = load_text(rubric_text, "t-qa.toml", assessments={"t": form})
    errors = [f"{e.line}:{e.col} {e.message}" for e in result.errors]
    if not isinstance(result.definition, Rubric):
        return [], errors
    record = Record("r", "C-1", "t", "1.0.0", answers=answers)
    return [f.message for r in run_checks(result.definition, form, record) for f in r.findings], errors


def test_each_person_or_group_at_risk_needs_an_entry_keeping_them_safe() -> None:
    grid = {"children": {"community": "high"}, "public": {"custody": "medium"}}
    one = [{"who": "The child harmed"}]
    assert group_findings({"rosh.who": grid, "rosh.level": "high", "rosh.safety": one}) == (
        [
            "Risk of serious harm: “Keeping the people at risk safe” has 1 entry, but the grid has 2 people "
            "or groups at risk at Medium or above (Children, Public): add an entry for each"
        ],
        [],
    )
    two = [*one, {"who": "People in the park"}]
    assert group_findings({"rosh.who": grid, "rosh.level": "high", "rosh.safety": two}) == ([], [])
    low = {"children": {"community": "low"}, "public": {"community": "medium"}}
    assert group_findings({"rosh.who": low, "rosh.level": "medium", "rosh.safety": one}) == ([], [])
    # Optional below medium and left empty: nothing to say; an entry written is still counted.
    assert group_findings({"rosh.who": low, "rosh.level": "low"}) == ([], [])


def test_mistakes_in_entries_cover_grid_are_placed_and_explained() -> None:
    text = GROUP_RUBRIC.replace('group = "rosh.safety"', 'group = "rosh.level"').replace(
        'min_level = "medium"', 'min_level = "severe"'
    )
    _, errors = group_findings({}, text)
    assert errors == [
        "13:11 'rosh.level' is a choice question, not a group",
        "15:15 'severe' is not a level of the grid 'rosh.who'",
    ]

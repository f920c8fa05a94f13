"""The forms shipped with A4: they load cleanly, stay uniform across life areas, and use respectful words.

Trainers copy these files as the starting point for their own, and the QA
rubric and sentence plan rely on every life area asking the same questions,
so a slip here shows up on every practitioner's screen.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from forms.checks.library import run_checks
from forms.definition.load import library_files, load_with_library
from forms.model import AssessmentForm, Objective, PlanTemplate, Question, Record, Rubric

LIFE_AREAS: tuple[str, ...] = (
    "accommodation",
    "ete",
    "finance",
    "relationships",
    "lifestyle",
    "drugs",
    "alcohol",
    "emotional",
    "thinking",
    "attitudes",
    "health",
)

UNIFORM: dict[str, str] = {
    "linked_offending": "yesno",
    "linked_harm": "yesno",
    "strengths": "text",
    "own_view": "text",
    "wants_change": "choice",
    "analysis": "text",
}
"""The questions every life area asks, by id, with their types."""

Library = tuple[AssessmentForm, Rubric, PlanTemplate]


@pytest.fixture(scope="module")
def library() -> Library:
    results = load_with_library([])
    problems = [str(error) for result in results for error in result.errors]
    assert problems == []
    by_id = {result.definition.id: result.definition for result in results if result.definition}
    form, rubric, plan = by_id["a4-assessment"], by_id["a4-qa"], by_id["a4-plan"]
    assert isinstance(form, AssessmentForm)
    assert isinstance(rubric, Rubric)
    assert isinstance(plan, PlanTemplate)
    return form, rubric, plan


def test_shipped_library_loads_with_no_errors(library: Library) -> None:
    form, rubric, plan = library
    assert rubric.form == plan.form == form.id
    assert len(form.sections) >= 13
    assert form.risk_level == "rosh.level"
    assert (form.deadlines.initial_working_days, form.deadlines.review_weeks) == (10, 16)


def test_every_life_area_asks_the_same_questions(library: Library) -> None:
    form = library[0]
    for area in LIFE_AREAS:
        section = form.section(area)
        assert section is not None, area
        types = {q.id: q.type for q in section.questions if q.id in UNIFORM}
        assert types == UNIFORM, area
        assert section.question("linked_offending").required
        assert section.question("linked_harm").required
        require_if = section.question("analysis").require_if
        assert require_if is not None
        assert require_if.names() == {"linked_offending", "linked_harm"}


def test_risk_level_options_are_exactly_the_four_levels(library: Library) -> None:
    level = library[0].question("rosh.level")
    assert level is not None and level.required
    assert [o.id for o in level.options] == ["low", "medium", "high", "very_high"]


def test_short_assessment_keeps_the_core_sections(library: Library) -> None:
    short = {s.id for s in library[0].sections if s.short}
    assert short >= {"offence", "accommodation", "drugs", "alcohol", "rosh", "protective", "evidence"}
    assert short < {s.id for s in library[0].sections}


def test_every_plan_suggestion_names_a_life_area(library: Library) -> None:
    form, _, plan = library
    assert {s.area for s in plan.suggestions} == set(LIFE_AREAS)
    for suggestion in plan.suggestions:
        assert form.section(suggestion.area) is not None
        assert suggestion.goal.startswith("I will ")
        assert suggestion.actions and suggestion.measure


def _questions(form: AssessmentForm) -> Iterator[tuple[str, Question]]:
    for path, question in form.questions():
        yield path, question
        for field in question.fields:
            yield f"{path}.{field.id}", field


def test_every_one_key_answer_is_unique_within_its_question(library: Library) -> None:
    for path, question in _questions(library[0]):
        keys = [o.key for o in (*question.options, *question.rows, *question.columns)]
        assert all(len(key) == 1 for key in keys), path
        assert len(keys) == len(set(keys)), path


def _strings(value: Any) -> Iterator[str]:
    """Every key and string value in parsed TOML, except the rubric's table of phrases to flag."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            if not (key == "phrases" and isinstance(item, dict)):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("path", library_files(), ids=lambda p: p.name)
def test_shipped_text_never_says_offender_outside_the_phrase_table(path: Any) -> None:
    text = path.read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    labelled = [s for s in [*_strings(tomllib.loads(text)), *comments] if re.search("offender", s, re.I)]
    assert labelled == []


def _record(answers: dict[str, Any], plan: list[Objective]) -> Record:
    return Record(
        id="r1", case_ref="c1", form_id="a4-assessment", form_version="1.0.0", answers=answers, plan=plan
    )


def test_rubric_flags_labels_vague_objectives_and_unexplained_links(library: Library) -> None:
    form, rubric, plan = library
    record = _record(
        {
            "accommodation.linked_offending": "yes",
            "accommodation.linked_harm": "no",
            "accommodation.own_view": "The offender says he was in denial.",
        },
        [Objective(id="o1", goal="I will address thinking", areas=["thinking"])],
    )
    results = run_checks(rubric, form, record, plan=plan, today=date(2025, 1, 1))
    findings = {r.criterion.id: [(f.path, f.message) for f in r.findings] for r in results}

    assert [path for path, _ in findings["analysis"]] == ["accommodation.analysis"]
    assert [path for path, _ in findings["plan_covers"]] == ["accommodation"]
    assert any("address thinking" in message for _, message in findings["plan_quality"])
    respectful = " ".join(message for _, message in findings["respectful"])
    assert "person on probation" in respectful
    assert "in denial" in respectful


def test_a_well_written_linked_area_raises_no_analysis_finding(library: Library) -> None:
    form, rubric, plan = library
    reasons = " ".join(
        ["He lost his tenancy in March and slept at a friend's flat where the thefts began."] * 3
    )
    record = _record(
        {
            "accommodation.linked_offending": "yes",
            "accommodation.linked_harm": "no",
            "accommodation.analysis": reasons,
            "accommodation.own_view": "He says he wants his own place again.",
            "accommodation.strengths": "Kept a tenancy for four years.",
        },
        [],
    )
    results = run_checks(rubric, form, record, plan=plan, today=date(2025, 1, 1))
    by_id = {r.criterion.id: r.findings for r in results}
    assert by_id["analysis"] == ()
    assert by_id["voice"] == ()


SCREENING = (
    "safeguarding.child_concern",
    "safeguarding.children_contact",
    "safeguarding.domestic_abuse",
    "safeguarding.adult_at_risk",
    "safeguarding.self_harm",
    "safeguarding.vulnerable",
)
"""The safeguarding questions every assessment answers, short or full."""

SCREENED = {
    "safeguarding.child_concern": "no",
    "safeguarding.children_contact": ["no_contact"],
    "safeguarding.domestic_abuse": "none_known",
    "safeguarding.adult_at_risk": "no",
    "safeguarding.self_harm": "none_known",
    "safeguarding.vulnerable": "no",
}


def _safeguarding_findings(library: Library, answers: dict[str, Any], kind: str = "short") -> list[str]:
    form, rubric, _ = library
    record = dataclasses.replace(_record(answers, []), form_version=form.version, kind=kind)
    return [f.path for r in run_checks(rubric, form, record) for f in r.findings if "safeguarding" in f.path]


def test_a_short_assessment_of_domestic_abuse_with_no_safeguarding_answers_fails(library: Library) -> None:
    """The short form may not leave safeguarding out: screening and the checks made are required."""
    form, rubric, _ = library
    answers: dict[str, Any] = {"static.elements": ["domestic_abuse"], "rosh.level": "low"}
    found = _safeguarding_findings(library, answers)
    assert set(SCREENING) | {"safeguarding.domestic_abuse_checks"} <= set(found)
    record = dataclasses.replace(_record(answers, []), form_version=form.version, kind="short")
    messages = [f.message for r in run_checks(rubric, form, record) for f in r.findings]
    assert any(m.startswith("A short assessment is not enough here") for m in messages)
    # Screened and nothing pointing further: the short form asks no more of safeguarding.
    screened = {"static.elements": ["none"], "rosh.level": "low", **SCREENED}
    assert _safeguarding_findings(library, screened) == []


def test_the_offences_details_point_to_the_safeguarding_checks_in_both_depths(library: Library) -> None:
    """A partner or family member harmed asks for domestic abuse checks, a child harmed for child checks,
    even when the screening answers say nothing is known."""
    partner = {"static.victim_relationship": "partner", "static.victim_age": "adult", **SCREENED}
    child = {"static.victim_relationship": "stranger", "static.victim_age": "child", **SCREENED}
    for kind in ("short", "assessment"):
        assert _safeguarding_findings(library, partner, kind) == ["safeguarding.domestic_abuse_checks"]
        assert _safeguarding_findings(library, child, kind) == [
            "safeguarding.child_plan",
            "safeguarding.child_checks",
        ]

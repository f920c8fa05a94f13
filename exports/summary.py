"""The at-a-glance facts of a record: risk level, who is at risk, linked areas, strengths, plan.

A report opens with these and a team spreadsheet lists some of them, so
they are worked out once here.  They rest on conventions the shipped form
follows (and docs/exports.md describes for trainers writing their own):
every life area asks `linked_offending` and `linked_harm`, and the section
holding the form's `risk_level` question holds the "who is at risk" grid.
Strengths are found the way the plan screen finds them
(`forms.record.plan.strengths`).  A form that does not follow the conventions
simply gets a shorter summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from exports.text import grid_rows, is_empty, label_of
from forms.model import AssessmentForm, Objective, Record
from forms.record.plan import Strength, strengths

LINKED_TO_OFFENDING = "linked_offending"
LINKED_TO_HARM = "linked_harm"


@dataclass(frozen=True)
class Summary:
    risk_level: str
    """The overall risk of serious harm level in words, or "" when not yet given."""
    at_risk: list[tuple[str, str]]
    """(who, their level in words) from the risk grid."""
    linked_to_offending: list[str]
    """Titles of the areas linked to offending."""
    linked_to_harm: list[str]
    strengths: list[Strength]
    objectives: list[Objective]


def risk_level(form: AssessmentForm, record: Record) -> str:
    """The overall risk of serious harm level in words ("" when the form has none or it is unanswered)."""
    if form.risk_level is None:
        return ""
    question = form.question(form.risk_level)
    value = record.answers.get(form.risk_level)
    if question is None or is_empty(value):
        return ""
    return label_of(question.options, value)


def summarise(form: AssessmentForm, record: Record) -> Summary:
    """Everything the opening of a report shows, in form order."""
    answers = record.answers
    at_risk: list[tuple[str, str]] = []
    risk_section = form.section(form.risk_level.partition(".")[0]) if form.risk_level else None
    for section in [risk_section] if risk_section else []:
        for question in section.questions:
            value = answers.get(f"{section.id}.{question.id}")
            if question.type == "grid" and isinstance(value, dict):
                at_risk.extend(grid_rows(question, value))
    return Summary(
        risk_level=risk_level(form, record),
        at_risk=at_risk,
        linked_to_offending=_linked(form, record, LINKED_TO_OFFENDING),
        linked_to_harm=_linked(form, record, LINKED_TO_HARM),
        strengths=strengths(form, record),
        objectives=sorted(record.plan, key=lambda o: (o.by or "9999", o.id)),
    )


def _linked(form: AssessmentForm, record: Record, question_id: str) -> list[str]:
    return [s.title for s in form.sections if record.answers.get(f"{s.id}.{question_id}") == "yes"]

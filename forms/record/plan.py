"""Working on a sentence plan: which areas it must address, new objectives, progress, what is overdue.

Pure functions over records and the plan template, shared by the plan
screen, the review summary and the exports, so "linked area" and "overdue"
mean the same thing everywhere.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from forms.checks.context import CheckContext, is_answered
from forms.model import AssessmentForm, Objective, PlanTemplate, ProgressNote, Record, Step, Suggestion
from forms.record.dates import format_long

OBJECTIVE_STATUSES: dict[str, str] = {
    "not_started": "not started",
    "in_progress": "in progress",
    "done": "done",
    "no_longer_needed": "no longer relevant",
}
"""Progress an objective can be marked with, and how each reads."""

STEP_STATUS_LABELS: dict[str, str] = {
    "not_started": "not started",
    "in_progress": "in progress",
    "done": "done",
    "cannot_yet": "cannot be done yet",
    "no_longer_needed": "no longer needed",
}

AGREEMENT_LABELS: dict[str, str] = {
    "agreed": "agreed",
    "does_not_agree": "does not agree",
    "could_not_answer": "could not answer",
}

CLOSED: frozenset[str] = frozenset({"done", "no_longer_needed"})
"""Objective statuses that are finished: never overdue, needing nothing more from whoever holds the case."""

_STRENGTH_WORDS = ("strength", "protect")


def linked_areas(form: AssessmentForm, record: Record, template: PlanTemplate | None) -> list[str]:
    """Ids of the shown sections where the template's `areas_when` holds: the areas a plan must address."""
    if template is None or template.areas_when is None:
        return []
    ctx = CheckContext(form=form, record=record, plan=template, today=date.today(), short=record.is_short)
    return [s.id for s in ctx.visible if ctx.applies(s, template.areas_when)]


def new_objective_id() -> str:
    """A fresh objective id, never one an earlier record used (a dropped objective keeps its own)."""
    return f"o{uuid.uuid4().hex[:8]}"


def from_suggestion(suggestion: Suggestion, objective_id: str) -> Objective:
    """A new objective started from a suggestion, for the practitioner to rewrite with the person."""
    steps = [Step(what=part.strip()) for part in suggestion.actions.split(";") if part.strip()]
    return Objective(
        id=objective_id,
        goal=suggestion.goal,
        actions=suggestion.actions,
        measure=suggestion.measure,
        areas=[suggestion.area],
        steps=steps,
    )


def suggestions_for(template: PlanTemplate | None, areas: Iterable[str]) -> list[Suggestion]:
    """The template's suggested objectives for `areas`, in the template's order."""
    wanted = set(areas)
    return [s for s in template.suggestions if s.area in wanted] if template else []


def plan_terms(plan: Sequence[Objective]) -> list[tuple[object, ...]]:
    """What the person agrees to: every objective's words, owner, date, areas and steps (not progress)."""
    return [
        (
            o.id,
            o.goal,
            o.actions,
            o.who,
            o.by,
            o.measure,
            tuple(o.areas),
            tuple((s.what, s.who) for s in o.steps),
        )
        for o in plan
    ]


def is_overdue(objective: Objective, today: date) -> bool:
    """Past its target date and neither done nor no longer relevant."""
    if objective.status in CLOSED:
        return False
    try:
        return date.fromisoformat(objective.by) < today
    except ValueError:
        return False


def mark_progress(objective: Objective, status: str, note: str, on: date) -> Objective:
    """The objective with a new status and a dated note added to its history (kept through reviews)."""
    if status not in OBJECTIVE_STATUSES:
        raise ValueError(f"'{status}' is not a progress status; use one of {', '.join(OBJECTIVE_STATUSES)}")
    entry = ProgressNote(on=on.isoformat(), status=status, note=note.strip())
    return dataclasses.replace(objective, status=status, progress=[*objective.progress, entry])


def long_date(iso: str) -> str:
    """An ISO date in full ("Friday 3 October 2026"); the text unchanged when it is not a date."""
    try:
        return format_long(date.fromisoformat(iso))
    except ValueError:
        return iso


@dataclass(frozen=True)
class Strength:
    """One strength or protective factor written in the assessment, with where it came from."""

    where: str
    text: str


def strengths(form: AssessmentForm, record: Record) -> list[Strength]:
    """Answers about strengths and what protects, so the plan can build on them.

    Found by wording (a question or section about strengths or what
    protects), so a trainer's own form needs no extra setting.
    """
    found = []
    for path, heading in _strength_questions(form):
        value = record.answers.get(path)
        if isinstance(value, str) and is_answered(value):
            found.append(Strength(heading, value))
    return found


@lru_cache(maxsize=32)
def _strength_questions(form: AssessmentForm) -> tuple[tuple[str, str], ...]:
    """Each strength question's path and the heading it is shown under, decided once per form."""
    chosen = []
    for section in form.sections:
        whole = any(w in f"{section.id} {section.title}".lower() for w in _STRENGTH_WORDS)
        for question in section.questions:
            about = any(w in f"{question.id} {question.label}".lower() for w in _STRENGTH_WORDS)
            if whole or about:
                heading = section.title if about else f"{section.title}: {question.label}"
                chosen.append((f"{section.id}.{question.id}", heading))
    return tuple(chosen)

"""Automatic QA checks on the sentence plan: does it cover the linked areas, and is each objective SMART?"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from forms.checks.context import CheckContext, Draft, condition
from forms.checks.findings import plan_path
from forms.model import Objective

PLAN_TITLE = "Sentence plan"
"""What `{section}` means in a trainer's message about the plan."""

_MISSING: dict[str, str] = {
    "who": "does not say who will do it",
    "by": "has no target date",
    "measure": "has no measure of progress",
}

_WORDS = re.compile(r"[^\W_]+")

MAX_EXTRA_WORDS = 2
"""A goal is only a restated risk factor when a vague phrase makes up all but this many of its words."""


def objective_name(number: int) -> str:
    """How findings name an objective: by its place in the plan, counted from 1."""
    return f"Objective {number}"


def check_plan_covers(ctx: CheckContext, params: Mapping[str, Any]) -> Iterator[Draft]:
    """Linked areas (by `when`, else the plan template's `areas_when`) that no objective lists."""
    source = params["when"]
    when = condition(source) if source is not None else ctx.plan.areas_when if ctx.plan else None
    if when is None:
        return
    covered = {area for objective in ctx.record.plan for area in objective.areas}
    for section in ctx.visible:
        if section.id not in covered and ctx.applies(section, when):
            yield Draft(
                f"{section.title}: {ctx.because(section, when)}no plan objective covers it",
                section.id,
                section.title,
            )


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def _restates(goal: list[str], phrase: list[str]) -> bool:
    """Whether the goal's words are the phrase's words plus at most MAX_EXTRA_WORDS others."""
    if not phrase or len(goal) - len(phrase) > MAX_EXTRA_WORDS:
        return False
    return any(goal[i : i + len(phrase)] == phrase for i in range(len(goal) - len(phrase) + 1))


def _vague_phrase(goal: str, vague: list[str]) -> str | None:
    words = _words(goal)
    return next((phrase for phrase in vague if _restates(words, _words(phrase))), None)


def _date_problem(objective: Objective, today: date, future_dates: bool) -> str | None:
    try:
        by = date.fromisoformat(objective.by.strip())
    except ValueError:
        return f"target date “{objective.by}” is not a date (write it as YYYY-MM-DD)"
    if future_dates and by < today:
        return f"target date {by.isoformat()} has already passed"
    return None


def check_smart(ctx: CheckContext, params: Mapping[str, Any]) -> Iterator[Draft]:
    """Objectives with no goal, a goal that only restates a vague phrase, missing fields, or a bad date."""
    for number, objective in enumerate(ctx.record.plan, start=1):
        name = objective_name(number)
        goal_path = plan_path(objective.id, "goal")
        if not objective.goal.strip():
            yield Draft(f"{name} has no goal", goal_path, PLAN_TITLE)
        elif phrase := _vague_phrase(objective.goal, params["vague"]):
            yield Draft(
                f"{name}: the goal only restates “{phrase}”; say what will change",
                goal_path,
                PLAN_TITLE,
            )
        for field_name in params["require"]:
            if not getattr(objective, field_name).strip():
                yield Draft(f"{name} {_MISSING[field_name]}", plan_path(objective.id, field_name), PLAN_TITLE)
        if objective.by.strip() and (problem := _date_problem(objective, ctx.today, params["future_dates"])):
            yield Draft(f"{name}: {problem}", plan_path(objective.id, "by"), PLAN_TITLE)

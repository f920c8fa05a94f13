"""Sentence-plan templates: field labels and help, the linked-areas condition, suggested objectives."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.definition import conditions as load_conditions
from forms.definition.errors import did_you_mean
from forms.definition.locate import Path
from forms.definition.reading import TABLE, Context
from forms.model import PLAN_FIELDS, AssessmentForm, Header, PlanTemplate, Suggestion

PLAN_KEYS: tuple[str, ...] = ("form", "areas_when", "labels", "help", "suggest")
"""A plan template's own top-level keys, besides the header every definition has."""

SUGGEST_KEYS: tuple[str, ...] = ("area", "goal", "actions", "measure")


def load_plan(
    ctx: Context, data: Mapping[str, Any], header: Header, form_id: str, form: AssessmentForm | None
) -> PlanTemplate:
    """The plan template in `data`; `form` is its assessment form when that is loaded too."""
    pending: list[load_conditions.Pending] = []
    areas_when = load_conditions.read(ctx, data, (), "areas_when", load_conditions.EACH_SECTION, pending)
    entries = ctx.tables(data, (), "suggest")
    suggestions = [_suggestion(ctx, path, table, form) for path, table in entries]
    ctx.copies(entries, "suggestion")
    if form is not None:
        load_conditions.resolve(ctx, form, pending)
    return PlanTemplate(
        header,
        form_id,
        _field_texts(ctx, data, "labels"),
        _field_texts(ctx, data, "help"),
        areas_when,
        tuple(suggestions),
    )


def _field_texts(ctx: Context, data: Mapping[str, Any], key: str) -> dict[str, str]:
    """`[labels]` or `[help]`: one string per objective field, for fields that exist only."""
    table = ctx.get(data, (), key, TABLE)
    if table is None:
        return {}
    path: Path = (key,)
    ctx.check_keys(table, path, PLAN_FIELDS)
    return {name: text for name in PLAN_FIELDS if (text := ctx.text(table, path, name))}


def _suggestion(
    ctx: Context, path: Path, table: Mapping[str, Any], form: AssessmentForm | None
) -> Suggestion:
    ctx.check_keys(table, path, SUGGEST_KEYS)
    area = ctx.ident(table, path, "area")
    if area and form is not None and form.section(area) is None:
        sections = [s.id for s in form.sections]
        ctx.error(
            (*path, "area"),
            f"form '{form.id}' has no section '{area}'",
            did_you_mean(area, sections) or "use one of: " + ", ".join(sections),
        )
    return Suggestion(
        area,
        ctx.text(table, path, "goal", required=True),
        ctx.text(table, path, "actions"),
        ctx.text(table, path, "measure"),
    )

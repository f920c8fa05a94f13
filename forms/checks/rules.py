"""Checks that hold a record to the form's own rules: levels that agree, and when a short form is not enough.

`level_covers_grid`: the overall risk level must be at least the highest
level in the who-is-at-risk grid, or say why it is lower.
`entries_cover_grid`: a group (keeping the people at risk safe) has an
entry for each person or group the grid rates at risk.
`full_assessment_when`: a short (layer 1) assessment is refused where the
form's rule, a condition over the whole form, says a full one is needed;
`short_refusals` lets the case screen refuse the switch to short with the
same words before the practitioner writes anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from forms.checks.context import CheckContext, Draft, condition, is_answered
from forms.conditions.visibility import NOTHING, holds, resolve
from forms.model import AssessmentForm, Check, Question, Rubric, Section
from forms.record.words import count_words

FULL_ASSESSMENT_KIND = "full_assessment_when"


def _highest(grid: Question, value: Any, order: list[str]) -> tuple[int, str] | None:
    """The highest level in the grid's cells by `order`, with where it is ("Children, community")."""
    best: tuple[int, str] | None = None
    if not isinstance(value, Mapping):
        return None
    for row in grid.rows:
        cells = value.get(row.id)
        if not isinstance(cells, Mapping):
            continue
        for column in grid.columns:
            cell = cells.get(column.id)
            if cell in order and (best is None or order.index(cell) > best[0]):
                where = row.label if len(grid.columns) == 1 else f"{row.label}, {column.label.lower()}"
                best = (order.index(cell), where)
    return best


def _shown_with_grid(ctx: CheckContext, path: str, grid: str) -> tuple[Section, Question, Question] | None:
    """The section and question at `path`, with the grid at path `grid`: None when the question is not
    shown in this record (its section hidden in the short form, or its condition false) or either is
    missing, so a rule over it has nothing to judge."""
    section = next((s for s in ctx.visible if s.id == path.partition(".")[0]), None)
    question = ctx.form.question(path)
    grid_question = ctx.form.question(grid)
    if section is None or question is None or grid_question is None or not ctx.is_visible(section, question):
        return None
    return section, question, grid_question


def check_level_covers_grid(ctx: CheckContext, params: Mapping[str, Any]) -> Iterator[Draft]:
    """An overall level below the grid's highest cell, unless `reason` holds at least `min_words` words."""
    level_path, grid_path = params["level"], params["grid"]
    shown = _shown_with_grid(ctx, level_path, grid_path)
    if shown is None:
        return
    section, level, grid = shown
    order = [o.id for o in level.options]
    chosen = ctx.answers.get(level_path)
    highest = _highest(grid, ctx.answers.get(grid_path), order)
    if chosen not in order or highest is None or highest[0] <= order.index(chosen):
        return
    reason = ctx.form.question(params["reason"]) if params["reason"] else None
    written = ctx.answers.get(params["reason"]) if reason else None
    if isinstance(written, str) and count_words(written) >= params["min_words"]:
        return
    level_label = level.options[order.index(chosen)].label
    grid_label = level.options[highest[0]].label
    fix = f"raise it, or say in “{reason.label}” why it is lower" if reason else "raise it"
    yield Draft(
        f"{section.title}: the overall level is {level_label} but the grid has {grid_label} "
        f"({highest[1]}): {fix}",
        level_path,
        section.title,
    )


def _first_answered(form: AssessmentForm, expr: Any, answers: Mapping[str, Any]) -> str:
    """The path of the first question the condition names that has an answer: where to look."""
    for name in expr.name_columns():
        resolved = resolve(form, None, name)
        if resolved is not None and is_answered(answers.get(resolved.path)):
            return resolved.path
    return ""


def check_entries_cover_grid(ctx: CheckContext, params: Mapping[str, Any]) -> Iterator[Draft]:
    """Grid rows with a cell at `min_level` or above (any level if unset) that `group` does not cover.

    With `row_field`, each such row needs an entry naming it in that field; without it (or in a form
    version whose group has no such choice field) the entries are only counted against the rows.
    Judged where the group is required, or where entries were written although it is not.
    """
    group_path, grid_path = params["group"], params["grid"]
    shown = _shown_with_grid(ctx, group_path, grid_path)
    if shown is None:
        return
    section, group, grid = shown
    levels = [o.id for o in grid.options]
    lowest = levels.index(params["min_level"]) if params.get("min_level") in levels else 0
    cells = ctx.answers.get(grid_path)
    at_risk = [
        row
        for row in grid.rows
        if isinstance(cells, Mapping)
        and isinstance(row_cells := cells.get(row.id), Mapping)
        and any(c in levels and levels.index(c) >= lowest for c in row_cells.values())
    ]
    written = ctx.answers.get(group_path)
    entries = [e for e in written if isinstance(e, Mapping)] if isinstance(written, list) else []
    if not entries and not ctx.is_required(section, group):
        return  # optional here (e.g. a risk management plan below medium) and left empty
    level = f" at {grid.options[lowest].label} or above" if lowest else ""
    field = _row_choice(group, params.get("row_field"))
    if field is not None:
        named = {e.get(field.id) for e in entries}
        uncovered = [row.label for row in at_risk if row.id not in named]
        if uncovered:
            yield Draft(
                f"{section.title}: “{group.label}” has no entry for {', '.join(uncovered)} (at risk{level} "
                f"in the grid): add one for each, choosing them in “{field.label}”",
                group_path,
            )
        return
    if len(entries) < len(at_risk):
        said = "1 entry" if len(entries) == 1 else f"{len(entries)} entries"
        yield Draft(
            f"{section.title}: “{group.label}” has {said}, but the grid has {len(at_risk)} people or groups "
            f"at risk{level} ({', '.join(row.label for row in at_risk)}): add an entry for each",
            group_path,
        )


def _row_choice(group: Question, field_id: str | None) -> Question | None:
    """The group's choice field `field_id` naming grid rows; None when unset, or when this version of
    the form has no such choice field (a record on an older version is judged by counting)."""
    field = next((f for f in group.fields if f.id == field_id), None) if field_id else None
    return field if field is not None and field.type == "choice" else None


def check_full_assessment_when(ctx: CheckContext, params: Mapping[str, Any]) -> Iterator[Draft]:
    """In a short record, the form's rule for a full assessment holding."""
    if not ctx.short:
        return
    when = condition(params["when"])
    if holds(ctx.form, None, when, ctx.answers, short=True, previous=ctx.previous):
        yield Draft(
            f"A short assessment is not enough here: {params['reason']}. Write the full assessment (F8).",
            _first_answered(ctx.form, when, ctx.answers),
        )


def short_refusals(
    rubric: Rubric | None,
    form: AssessmentForm,
    answers: Mapping[str, Any],
    previous: Mapping[str, Any] = NOTHING,
) -> list[str]:
    """Why these answers need a full assessment, by the rubric's `full_assessment_when` checks ([] if not).

    `previous` are the answers of the record this one reviews or amends, for ``previous.`` names.
    """
    if rubric is None:
        return []
    checks: list[Check] = [c for k in rubric.criteria for c in k.checks if c.kind == FULL_ASSESSMENT_KIND]
    return [
        str(c.params["reason"])
        for c in checks
        if holds(form, None, condition(c.params["when"]), answers, short=True, previous=previous)
    ]

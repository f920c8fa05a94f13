"""Conditions in a definition: parsed where they are read, their names checked once the form is known.

A condition's names can only be checked against a whole assessment form —
for an assessment the form being built, for a rubric or plan the form its
`form` key names — so reading a condition (`read`) and resolving its names
(`resolve`) are two steps, with the pending conditions carried in between.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forms.conditions.language import ConditionError, Expr, parse
from forms.conditions.sense import mistakes
from forms.conditions.visibility import PREVIOUS, SHORT, unresolved_names
from forms.conditions.visibility import resolve as resolve_name
from forms.definition.errors import did_you_mean
from forms.definition.locate import Path
from forms.definition.reading import Context
from forms.model import AssessmentForm, Question, Section

EACH_SECTION = "*"
"""Scope of a condition evaluated in every section (`when`, `areas_when`): it must make sense in one."""


@dataclass(frozen=True)
class Pending:
    """A parsed condition waiting for its form: where it was written and from which section."""

    path: Path
    expr: Expr
    scope: str | None
    """A section id, EACH_SECTION, or None for form-wide (only `section.question` names resolve)."""
    earlier: bool = False
    """Whether `previous.` names may be written: only in a rubric check's condition, which every caller
    judging a record for real runs with the earlier record's answers (`storage.earlier`)."""


def parse_at(ctx: Context, path: Path, source: str) -> Expr | None:
    """Parse a condition string found at `path`; a syntax error points into the string."""
    try:
        return parse(source)
    except ConditionError as error:
        ctx.error(path, error.message, error.hint, col=ctx.spot(path).col_in_string(error.column))
        return None


def read(
    ctx: Context, table: Mapping[str, Any], path: Path, key: str, scope: str | None, pending: list[Pending]
) -> Expr | None:
    """The condition under `key` (None when absent or unreadable); queued for `resolve`."""
    source = ctx.text(table, path, key)
    if key not in table or not isinstance(table[key], str):
        return None
    expr = parse_at(ctx, (*path, key), source)
    if expr is not None:
        pending.append(Pending((*path, key), expr, scope))
    return expr


def resolve(ctx: Context, form: AssessmentForm, pending: list[Pending]) -> None:
    """Report every name in the pending conditions that names no question of `form`,
    and every comparison whose values or operator cannot fit the question it names."""
    for item in pending:
        if not item.earlier:
            _report_earlier_names(ctx, form, item)
        _report_unknown_names(ctx, form, item)
        _report_mistakes(ctx, form, item)


def _report_mistakes(ctx: Context, form: AssessmentForm, item: Pending) -> None:
    """Comparisons that can never be true; a condition read in every section is checked in each, once."""
    if item.scope == EACH_SECTION:
        sections: list[Section | None] = list(form.sections)
    else:
        sections = [form.section(item.scope) if item.scope else None]
    seen: set[tuple[int, str]] = set()
    for section in sections:
        for mistake in mistakes(form, section, item.expr):
            if (mistake.column, mistake.message) in seen:
                continue
            seen.add((mistake.column, mistake.message))
            column = ctx.spot(item.path).col_in_string(mistake.column)
            ctx.error(item.path, mistake.message, mistake.hint, col=column)


def _report_earlier_names(ctx: Context, form: AssessmentForm, item: Pending) -> None:
    """`previous.` names where nothing reads the earlier record (a form's, plan's or sign-off condition)."""
    if form.section(PREVIOUS) is not None:
        return
    columns, unknown = item.expr.name_columns(), set(_unresolved(form, item))
    for name in columns:
        if name.startswith(f"{PREVIOUS}.") and name not in unknown:
            ctx.error(
                item.path,
                f"'{name}' reads the earlier record, which only a rubric check's condition can do",
                "write the rule as a check in the rubric, e.g. a full_assessment_when check's 'when'",
                col=ctx.spot(item.path).col_in_string(columns[name]),
            )


def _report_unknown_names(ctx: Context, form: AssessmentForm, item: Pending) -> None:
    for name in _unresolved(form, item):
        if _already_reported(ctx, item.scope, name, form):
            continue
        message, hint = (
            _earlier(form, item.scope, name)
            or _below_a_question(form, item.scope, name)
            or (
                f"'{name}' is not a question {_where(item.scope)}",
                _unquoted_answer(form, name)
                or did_you_mean(name, _candidates(form, item.scope))
                or "a bare name is a question in the same section; write section.question for another",
            )
        )
        column = ctx.spot(item.path).col_in_string(item.expr.name_columns()[name])
        ctx.error(item.path, message, hint, col=column)


def _earlier(form: AssessmentForm, scope: str | None, name: str) -> tuple[str, str] | None:
    """What is wrong with a ``previous.`` name whose rest names nothing, with the fix; None otherwise."""
    prefix = f"{PREVIOUS}."
    if not name.startswith(prefix) or form.section(PREVIOUS) is not None:
        return None
    rest = name.removeprefix(prefix)
    message, hint = _below_a_question(form, scope, rest) or (
        f"'{rest}' is not a question {_where(scope)}",
        did_you_mean(rest, _candidates(form, scope)) or "write previous. before a question's usual name",
    )
    return f"'{name}' reads the earlier record, but {message}", hint


def _unquoted_answer(form: AssessmentForm, name: str) -> str:
    """The fix when a name is an option id written without quotes (`level == high`), else ""."""
    if "." in name or not any(o.id == name for _, q in form.questions() for o in q.options):
        return ""
    return f"to compare with the answer '{name}', put it in quotes: '{name}'"


def _below_a_question(form: AssessmentForm, scope: str | None, name: str) -> tuple[str, str] | None:
    """What is wrong with a name that starts with a question but goes on below it (an unknown grid row
    or column, a group's field, a part of a question that has none), with the fix; None otherwise."""
    sections: list[Section | None] = (
        list(form.sections) if scope == EACH_SECTION else [form.section(scope) if scope else None]
    )
    parts = name.split(".")
    for section in sections:
        for cut in range(len(parts) - 1, 0, -1):
            base = ".".join(parts[:cut])
            resolved = resolve_name(form, section, base)
            question = form.question(resolved.path) if resolved and not resolved.subkeys else None
            if question is not None:
                return _part_problem(base, question, parts[cut:])
    return None


def _part_problem(base: str, question: Question, rest: list[str]) -> tuple[str, str]:
    if question.type == "grid":
        parts = zip(("row", "column"), (question.rows, question.columns), rest, strict=False)
        for what, entries, part in parts:
            known = [entry.id for entry in entries]
            if part not in known:
                return (
                    f"'{part}' is not a {what} of the grid '{base}'",
                    did_you_mean(part, known) or "use one of: " + ", ".join(known),
                )
        cell = ".".join([base, *rest[:2]])
        return f"'{cell}' is one cell of a grid and has no parts below it", f"write {cell}"
    if question.type == "group":
        return (
            f"'{base}' is a group of entries; a condition cannot look into its fields ('{rest[0]}')",
            f"write '{base}' on its own to test whether it has any entries",
        )
    if question.type in ("choice", "yesno", "multi"):
        meant = f"'{rest[0]}' in {base}" if question.type == "multi" else f"{base} == '{rest[0]}'"
        return (
            f"'{base}' is one question and has no parts below it ('{rest[0]}')",
            f"to ask about one answer, write {meant}",
        )
    return f"'{base}' is one question and has no parts below it ('{rest[0]}')", f"write {base} on its own"


def _already_reported(ctx: Context, scope: str | None, name: str, form: AssessmentForm) -> bool:
    """Whether `name` means a question whose own problem (an unknown type) is reported already."""
    parts = name.split(".")
    meant = {".".join(parts[:2])}
    if scope == EACH_SECTION:
        meant |= {f"{s.id}.{parts[0]}" for s in form.sections}
    elif scope:
        meant.add(f"{scope}.{parts[0]}")
    return bool(meant & ctx.unreadable)


def _unresolved(form: AssessmentForm, item: Pending) -> list[str]:
    if item.scope != EACH_SECTION:
        return unresolved_names(form, form.section(item.scope) if item.scope else None, item.expr)
    missing: set[str] | None = None
    for section in form.sections:
        names = set(unresolved_names(form, section, item.expr))
        missing = names if missing is None else missing & names
    columns = item.expr.name_columns()
    return sorted(missing or (), key=columns.__getitem__)


def _where(scope: str | None) -> str:
    if scope == EACH_SECTION:
        return "in any section"
    if scope is None:
        return "of the form, written as section.question"
    return f"in section '{scope}' or the form"


def _candidates(form: AssessmentForm, scope: str | None) -> list[str]:
    paths = [path for path, _ in form.questions()]
    here: list[Section] = (
        list(form.sections) if scope == EACH_SECTION else [s for s in form.sections if s.id == scope]
    )
    return [*{q.id for s in here for q in s.questions}, *paths, SHORT]

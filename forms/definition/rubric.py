"""QA rubrics: grade levels, criteria and their automatic checks from the check library.

A check's parameters are validated by their `Param.type` from
`forms.checks.kinds`, and — when the assessment form the rubric judges is
loaded too — its conditions, questions and sections are resolved against it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from forms.checks.kinds import CHECK_KINDS, COMMON_CHECK_KEYS, SMART_FIELDS, with_defaults
from forms.conditions.sense import option_hint
from forms.definition import conditions as load_conditions
from forms.definition.errors import close_match, did_you_mean
from forms.definition.locate import Path
from forms.definition.reading import FLAG, ID, LIST, STRING, TABLE, WHOLE, Context, describe
from forms.model import AssessmentForm, Check, Criterion, Header, Question, Rubric

RUBRIC_KEYS: tuple[str, ...] = ("form", "levels", "second_countersign_if", "criterion")
"""A rubric's own top-level keys, besides the header every definition has."""

CRITERION_KEYS: tuple[str, ...] = ("id", "title", "help", "graded", "check")

_INVALID = object()
"""What a parameter reader returns for a value it has reported as wrong."""


def load_rubric(
    ctx: Context, data: Mapping[str, Any], header: Header, form_id: str, form: AssessmentForm | None
) -> Rubric:
    """The rubric in `data`; `form` is the assessment it judges when that is loaded too."""
    pending: list[load_conditions.Pending] = []
    levels = _levels(ctx, data)
    second = load_conditions.read(ctx, data, (), "second_countersign_if", None, pending)
    entries = ctx.tables(data, (), "criterion", required=True)
    criteria = [_criterion(ctx, path, table, form, pending) for path, table in entries]
    ctx.unique([((*path, "id"), c.id) for (path, _), c in zip(entries, criteria, strict=True)], "criterion")
    if form is not None:
        load_conditions.resolve(ctx, form, pending)
    return Rubric(header, form_id, levels, tuple(criteria), second)


def _levels(ctx: Context, data: Mapping[str, Any]) -> tuple[str, ...]:
    if "levels" not in data:
        return Rubric.levels
    levels = _strings(ctx, data["levels"], ("levels",))
    if levels is _INVALID:
        return Rubric.levels
    if not levels:
        ctx.error(
            ("levels",),
            "'levels' needs at least one grade",
            'list them, e.g. levels = ["Insufficient", "Good"]',
        )
    for index, level in enumerate(levels):
        if levels.index(level) < index:
            ctx.error(("levels", index), f"grade '{level}' is listed twice", "remove the repeated one")
    return tuple(levels)


def _criterion(
    ctx: Context,
    path: Path,
    table: Mapping[str, Any],
    form: AssessmentForm | None,
    pending: list[load_conditions.Pending],
) -> Criterion:
    ctx.check_keys(table, path, CRITERION_KEYS)
    graded = ctx.flag(table, path, "graded")
    entries = ctx.tables(table, path, "check")
    checks = [c for cpath, ctable in entries if (c := _check(ctx, cpath, ctable, form, pending))]
    ctx.copies(entries, "check")
    if not graded and not entries and "check" not in table:
        ctx.error(
            path, "this criterion is neither graded nor checked", "add graded = true or a [[criterion.check]]"
        )
    return Criterion(
        ctx.ident(table, path),
        ctx.text(table, path, "title", required=True),
        ctx.text(table, path, "help"),
        graded,
        tuple(checks),
    )


def _check(
    ctx: Context,
    path: Path,
    table: Mapping[str, Any],
    form: AssessmentForm | None,
    pending: list[load_conditions.Pending],
) -> Check | None:
    kind = ctx.text(table, path, "kind", required=True)
    spec = CHECK_KINDS.get(kind)
    if spec is None:
        if kind:
            ctx.error(
                (*path, "kind"),
                f"unknown check kind '{kind}'",
                did_you_mean(kind, CHECK_KINDS) or "use one of: " + ", ".join(CHECK_KINDS),
            )
        return None
    ctx.check_keys(table, path, (*COMMON_CHECK_KEYS, *spec.params))
    params: dict[str, Any] = {}
    for name, param in spec.params.items():
        if name not in table:
            if param.required:
                ctx.error(
                    (*path, name),
                    f"the {kind} check needs '{name}'",
                    f"add {name} = …: {param.doc}",
                    at_key=True,
                )
            continue
        value = _PARAM_READERS[param.type](ctx, (*path, name), table[name], form, pending)
        if value is not _INVALID:
            params[name] = value
    _CROSS_CHECKS.get(kind, _no_cross_check)(ctx, path, params, form)
    return Check(kind, with_defaults(kind, params), ctx.text(table, path, "message"))


# ------------------------------------------------------------ parameter types


def _condition(
    ctx: Context, path: Path, value: Any, form: AssessmentForm | None, pending: list[load_conditions.Pending]
) -> Any:
    if not isinstance(value, str):
        ctx.error(
            path,
            f"expected a condition in a string, got {describe(value)}",
            "write it in quotes, e.g. \"linked_offending == 'yes'\"",
        )
        return _INVALID
    expr = load_conditions.parse_at(ctx, path, value)
    if expr is None:
        return _INVALID
    pending.append(load_conditions.Pending(path, expr, load_conditions.EACH_SECTION, earlier=True))
    return expr


def _form_condition(
    ctx: Context, path: Path, value: Any, form: AssessmentForm | None, pending: list[load_conditions.Pending]
) -> Any:
    if not isinstance(value, str):
        ctx.error(
            path,
            f"expected a condition in a string, got {describe(value)}",
            "put the condition in quotes, e.g. \"risk.level in ['high', 'very_high']\"",
        )
        return _INVALID
    expr = load_conditions.parse_at(ctx, path, value)
    if expr is None:
        return _INVALID
    pending.append(load_conditions.Pending(path, expr, None, earlier=True))
    return expr


def _text(
    ctx: Context, path: Path, value: Any, form: AssessmentForm | None, pending: list[load_conditions.Pending]
) -> Any:
    text = ctx.shaped(path, value, STRING)
    if text is None:
        return _INVALID
    if not text.strip():
        ctx.error(path, f"'{path[-1]}' must not be empty", "write some text between the quotes")
        return _INVALID
    return text


def _question(
    ctx: Context, path: Path, value: Any, form: AssessmentForm | None, pending: list[load_conditions.Pending]
) -> Any:
    """A question id; it must be a question of some section (narrowed by `sections` in a cross-check)."""
    if not isinstance(value, str) or not ID.fullmatch(value):
        ctx.error(path, f"expected a question id, got {_shown(value)}", 'e.g. question = "analysis"')
        return _INVALID
    ids = {q.id for s in form.sections for q in s.questions} if form else {value}
    if value not in ids:
        ctx.error(
            path,
            f"no section has a question '{value}'",
            did_you_mean(value, ids) or "use the id of a question in one of the sections checked",
        )
        return _INVALID
    return value


def _path(
    ctx: Context, path: Path, value: Any, form: AssessmentForm | None, pending: list[load_conditions.Pending]
) -> Any:
    if not isinstance(value, str) or value.count(".") != 1:
        ctx.error(path, f"expected section.question, got {_shown(value)}", 'e.g. group = "evidence.sources"')
        return _INVALID
    if form is not None and form.question(value) is None:
        paths = [p for p, _ in form.questions()]
        ctx.error(
            path,
            f"'{value}' is not a question of form '{form.id}'",
            did_you_mean(value, paths) or "write section.question of a question in that form",
        )
        return _INVALID
    return value


def _sections(
    ctx: Context, path: Path, value: Any, form: AssessmentForm | None, pending: list[load_conditions.Pending]
) -> Any:
    ids = _strings(ctx, value, path)
    if ids is _INVALID or form is None:
        return ids
    known = [s.id for s in form.sections]
    for index, section_id in enumerate(ids):
        if section_id not in known:
            ctx.error(
                (*path, index),
                f"form '{form.id}' has no section '{section_id}'",
                did_you_mean(section_id, known) or "use one of: " + ", ".join(known),
            )
    return ids


def _int(
    ctx: Context, path: Path, value: Any, form: AssessmentForm | None, pending: list[load_conditions.Pending]
) -> Any:
    if ctx.shaped(path, value, WHOLE) is None:
        return _INVALID
    if value < 0:
        ctx.error(path, f"'{path[-1]}' must be 0 or more, got {value}", "use 0 or more")
        return _INVALID
    return value


def _bool(
    ctx: Context, path: Path, value: Any, form: AssessmentForm | None, pending: list[load_conditions.Pending]
) -> Any:
    return _INVALID if ctx.shaped(path, value, FLAG) is None else value


def _string_list(
    ctx: Context, path: Path, value: Any, form: AssessmentForm | None, pending: list[load_conditions.Pending]
) -> Any:
    return _strings(ctx, value, path)


def _phrases(
    ctx: Context, path: Path, value: Any, form: AssessmentForm | None, pending: list[load_conditions.Pending]
) -> Any:
    table = ctx.shaped(path, value, TABLE)
    if table is None:
        return _INVALID
    if not table:
        ctx.error(
            path,
            "'phrases' needs at least one phrase = suggestion",
            'add one, e.g. "non-compliant" = "Say what happened"',
        )
    wrong = [key for key, suggestion in table.items() if not isinstance(suggestion, str)]
    for key in wrong:
        ctx.error(
            (*path, key),
            f"expected a suggested wording in a string, got {describe(table[key])}",
            "put the suggested wording in quotes",
        )
    return _INVALID if wrong else dict(table)


def _strings(ctx: Context, value: Any, path: Path) -> Any:
    """A list of strings, every wrong element reported; _INVALID when anything is wrong."""
    items = ctx.shaped(path, value, LIST)
    if items is None:
        return _INVALID
    wrong = [i for i, item in enumerate(items) if not isinstance(item, str)]
    for index in wrong:
        ctx.error((*path, index), f"expected a string, got {describe(items[index])}", "put it in quotes")
    return _INVALID if wrong else list(items)


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else describe(value)


ParamReader = Callable[[Context, Path, Any, "AssessmentForm | None", list[load_conditions.Pending]], Any]

_PARAM_READERS: dict[str, ParamReader] = {
    "condition": _condition,
    "form_condition": _form_condition,
    "text": _text,
    "question": _question,
    "path": _path,
    "sections": _sections,
    "int": _int,
    "bool": _bool,
    "strings": _string_list,
    "phrases": _phrases,
}
"""One reader per `Param.type` of `forms.checks.kinds`."""


# ------------------------------------------------- checks across parameters


def _no_cross_check(ctx: Context, path: Path, params: dict[str, Any], form: AssessmentForm | None) -> None:
    return None


def _text_when(ctx: Context, path: Path, params: dict[str, Any], form: AssessmentForm | None) -> None:
    """The question must exist in at least one of the sections the check looks at."""
    if form is None or "question" not in params or not params.get("sections"):
        return
    chosen = [s for s in form.sections if s.id in params["sections"]]
    if chosen and not any(s.question(params["question"]) for s in chosen):
        ctx.error(
            (*path, "question"),
            f"none of the sections listed has a question '{params['question']}'",
            "list a section that has it in sections, or name a question of those sections",
        )


def _min_sources(ctx: Context, path: Path, params: dict[str, Any], form: AssessmentForm | None) -> None:
    """`group` must be a group question and `fields` its field ids."""
    question = form.question(params["group"]) if form and "group" in params else None
    if question is None:
        return
    if question.type != "group":
        ctx.error(
            (*path, "group"),
            f"'{params['group']}' is a {question.type} question, not a group",
            'name a question whose type is "group"',
        )
        return
    field_ids = [f.id for f in question.fields]
    for index, field_id in enumerate(params.get("fields", ())):
        if field_id not in field_ids:
            ctx.error(
                (*path, "fields", index),
                f"group '{params['group']}' has no field '{field_id}'",
                did_you_mean(field_id, field_ids) or "use one of: " + ", ".join(field_ids),
            )


def _smart(ctx: Context, path: Path, params: dict[str, Any], form: AssessmentForm | None) -> None:
    """`require` names objective fields a SMART check can look at."""
    for index, name in enumerate(params.get("require", ())):
        if name not in SMART_FIELDS:
            ctx.error(
                (*path, "require", index),
                f"a smart check cannot require '{name}'",
                did_you_mean(name, SMART_FIELDS) or "use any of: " + ", ".join(SMART_FIELDS),
            )


def _typed_questions(
    ctx: Context,
    path: Path,
    params: dict[str, Any],
    form: AssessmentForm,
    wanted: dict[str, tuple[str, ...]],
) -> dict[str, Question | None]:
    """The question each parameter in `wanted` names, None (with an error) where its type is not one
    of those wanted, or where the parameter is unset (the form's own check reports unknown paths)."""
    found: dict[str, Question | None] = {}
    for name, types in wanted.items():
        question = form.question(params[name]) if params.get(name) else None
        if question is not None and question.type not in types:
            wanted_type = ("an " if types[0][0] in "aeiou" else "a ") + types[0]
            ctx.error(
                (*path, name),
                f"'{params[name]}' is a {question.type} question, not {wanted_type}",
                f'name a question whose type is "{types[0]}"',
            )
            question = None
        found[name] = question
    return found


def _level_covers_grid(ctx: Context, path: Path, params: dict[str, Any], form: AssessmentForm | None) -> None:
    """`level` a choice, `grid` a grid whose every level is one of its options, `reason` a text question."""
    if form is None:
        return
    found = _typed_questions(
        ctx, path, params, form, {"level": ("choice",), "grid": ("grid",), "reason": ("text", "line")}
    )
    level, grid = found["level"], found["grid"]
    if level is None or grid is None:
        return
    options = [o.id for o in level.options]
    missing = [o.id for o in grid.options if o.id not in options]
    if missing:
        ctx.error(
            (*path, "grid"),
            f"the grid's levels {', '.join(missing)} are not options of '{params['level']}'",
            "give the grid the same level ids as the overall level, so they can be compared",
        )


def _entries_cover_grid(
    ctx: Context, path: Path, params: dict[str, Any], form: AssessmentForm | None
) -> None:
    """`group` a group, `grid` a grid, `min_level` one of the grid's levels, `row_field` a choice field
    of the group offering every row of the grid."""
    if form is None:
        return
    found = _typed_questions(ctx, path, params, form, {"group": ("group",), "grid": ("grid",)})
    grid, level = found["grid"], params.get("min_level")
    if grid is not None and level is not None and level not in [o.id for o in grid.options]:
        ctx.error(
            (*path, "min_level"),
            f"'{level}' is not a level of the grid '{params['grid']}'",
            option_hint(level, grid.options),
        )
    if found["group"] is not None and grid is not None and params.get("row_field"):
        _row_field(ctx, (*path, "row_field"), params, found["group"], grid)


def _row_field(ctx: Context, path: Path, params: dict[str, Any], group: Question, grid: Question) -> None:
    """`row_field` names a choice field of `group` whose option ids include every row id of `grid`:
    otherwise an entry could not say which person or group at risk it keeps safe."""
    name = params["row_field"]
    field = next((f for f in group.fields if f.id == name), None)
    field_ids = [f.id for f in group.fields]
    if field is None:
        ctx.error(
            path,
            f"group '{params['group']}' has no field '{name}'",
            did_you_mean(name, field_ids) or "use one of: " + ", ".join(field_ids),
        )
        return
    if field.type != "choice":
        ctx.error(
            path,
            f"field '{name}' of '{params['group']}' is a {field.type} field, not a choice",
            f"make it a choice field whose options are the rows of '{params['grid']}'",
        )
        return
    row_ids = [row.id for row in grid.rows]
    missing = [row for row in grid.rows if field.option(row.id) is None]
    if missing:
        spare = [o.id for o in field.options if o.id not in row_ids]
        renames = [f"'{close}' to '{row.id}'" for row in missing if (close := close_match(row.id, spare))]
        ctx.error(
            path,
            f"field '{name}' offers no option for the grid's "
            + ("row " if len(missing) == 1 else "rows ")
            + ", ".join(f"'{row.id}' ({row.label})" for row in missing),
            f"rename option {', '.join(renames)}"
            if renames
            else f"give '{name}' an option for each row of '{params['grid']}', with the row's id",
        )


_CROSS_CHECKS: dict[str, Callable[[Context, Path, dict[str, Any], AssessmentForm | None], None]] = {
    "level_covers_grid": _level_covers_grid,
    "entries_cover_grid": _entries_cover_grid,
    "text_when": _text_when,
    "min_sources": _min_sources,
    "smart": _smart,
}

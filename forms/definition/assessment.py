"""Assessment forms: sections, questions of every type, deadlines and the risk level question.

The key tables at the top are the loader's half of the format contract;
`tests/test_schema.py` holds the shipped JSON Schema to exactly these keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from forms.definition import conditions as load_conditions
from forms.definition.errors import close_match, did_you_mean
from forms.definition.locate import Path
from forms.definition.options import YESNO_OPTIONS, read_options
from forms.definition.reading import NUMBER, TABLE, Context
from forms.definition.sheet import load_sheet
from forms.model import QUESTION_TYPES, AssessmentForm, Deadlines, Header, Option, Question, Section

ASSESSMENT_KEYS: tuple[str, ...] = ("risk_level", "deadlines", "template", "section", "sheet")
"""An assessment's own top-level keys, besides the header every definition has."""

DEADLINE_KEYS: tuple[str, ...] = ("initial_working_days", "review_weeks", "by_sentence")
MAX_INITIAL_WORKING_DAYS = 260
"""A year of working days: a longer first deadline is a typing mistake (and 5,000,000 overflows dates)."""
MAX_REVIEW_WEEKS = 104
"""Two years between reviews at most."""
SECTION_KEYS: tuple[str, ...] = ("id", "title", "help", "short", "template", "question")
TEMPLATE_KEYS: tuple[str, ...] = ("id", "question")
"""A per-area template: questions declared once and asked in every section that names it."""
QUESTION_KEYS: tuple[str, ...] = (
    "id",
    "type",
    "label",
    "help",
    "required",
    "show_if",
    "require_if",
    "withhold_from_person",
    "renamed_from",
)
"""Keys every question takes, whatever its type."""
FIELD_KEYS: tuple[str, ...] = ("id", "type", "label", "help", "required")
"""Keys every field of a group takes (fields have no conditions of their own)."""

TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "text": ("word_budget",),
    "line": (),
    "yesno": (),
    "choice": ("options",),
    "multi": ("options",),
    "scale": ("min", "max"),
    "number": ("min", "max", "integer"),
    "date": ("show_age",),
    "grid": ("rows", "columns", "levels"),
    "group": ("field", "min_items", "max_items", "order_by"),
}
"""Each question type's own keys; on a question of another type they are reported as misplaced."""

QUESTION_ONLY_KEYS: tuple[str, ...] = ("show_age",)
"""Type keys a question takes but a group's field does not: a field's entry is one line of a list, with
no room beside it for an age."""

FIELD_TYPES: tuple[str, ...] = tuple(t for t in QUESTION_TYPES if t not in ("grid", "group"))

SCALE_STEPS = 9
"""A scale has at most this many steps from min to max, so each point keeps a one-digit key."""

GRID_COLUMN = Option("level", "Level")
"""The one column of a grid written without `columns`: cells are `question.row.level`."""


Entry = tuple[Path, Mapping[str, Any]]
"""A question's table and where it was written: in its section, or in the template it comes from."""


def load_assessment(ctx: Context, data: Mapping[str, Any], header: Header) -> AssessmentForm:
    """The assessment in `data`, built from whatever parts are valid; problems go to `ctx`."""
    pending: list[load_conditions.Pending] = []
    templates = _templates(ctx, data)
    entries = ctx.tables(data, (), "section", required=True)
    sections = [_section(ctx, path, table, templates, pending) for path, table in entries]
    ctx.unique([((*path, "id"), s.id) for (path, _), s in zip(entries, sections, strict=True)], "section")
    used = {t for _, table in entries if isinstance(t := table.get("template"), str)}
    misspelt = used - set(templates)  # each is reported at its section; the template it meant is not unused
    for template_id, (path, _) in templates.items():
        if template_id not in used and not misspelt:
            ctx.error(
                (*path, "id"),
                f"no section uses template '{template_id}'",
                f'add template = "{template_id}" to the sections that ask its questions, or remove it',
            )
    form = AssessmentForm(header, tuple(sections), _deadlines(ctx, data))
    load_conditions.resolve(ctx, form, pending)
    _once_per_template_line(ctx)
    sheet = load_sheet(ctx, data, form)
    return AssessmentForm(header, form.sections, form.deadlines, _risk_level(ctx, data, form), sheet)


def _templates(ctx: Context, data: Mapping[str, Any]) -> dict[str, tuple[Path, list[Entry]]]:
    """Each `[[template]]` by id: where it is written and its question tables (read in each section)."""
    found: dict[str, tuple[Path, list[Entry]]] = {}
    entries = ctx.tables(data, (), "template")
    for path, table in entries:
        ctx.check_keys(table, path, TEMPLATE_KEYS)
        template_id = ctx.ident(table, path)
        questions: list[Entry] = list(ctx.tables(table, path, "question", required=True))
        for qpath, qtable in questions:  # read once here too, so a question every area overrides is checked
            _question(ctx, qpath, qtable, lambda p, t, k: load_conditions.read(ctx, t, p, k, None, []))
        ids = [((*qpath, "id"), q.get("id")) for qpath, q in questions]
        ctx.unique([(p, i) for p, i in ids if isinstance(i, str)], "question")
        if template_id:
            found.setdefault(template_id, (path, questions))
    ctx.unique([((*path, "id"), t["id"]) for path, t in entries if isinstance(t.get("id"), str)], "template")
    return found


def _once_per_template_line(ctx: Context) -> None:
    """A template's question is read again in every section that uses it: report each problem once."""
    seen: set[tuple[int, int, str]] = set()
    kept = []
    for error in ctx.errors:
        if error.path.startswith("template"):
            key = (error.line, error.col, error.message.split(" in section ", 1)[0])
            if key in seen:
                continue
            seen.add(key)
        kept.append(error)
    ctx.errors[:] = kept


def _deadlines(ctx: Context, data: Mapping[str, Any]) -> Deadlines:
    table = ctx.get(data, (), "deadlines", TABLE)
    if table is None:
        return Deadlines()
    path: Path = ("deadlines",)
    ctx.check_keys(table, path, DEADLINE_KEYS)
    initial = ctx.whole(table, path, "initial_working_days", minimum=1, maximum=MAX_INITIAL_WORKING_DAYS)
    review = ctx.whole(table, path, "review_weeks", minimum=1, maximum=MAX_REVIEW_WEEKS)
    default = Deadlines()
    return Deadlines(
        initial or default.initial_working_days,
        review or default.review_weeks,
        _by_sentence(ctx, table, path),
    )


def _by_sentence(ctx: Context, table: Mapping[str, Any], path: Path) -> tuple[tuple[str, int], ...]:
    """`by_sentence = { "licence" = 5 }`: initial working days for cases under a sentence of that type."""
    kinds = ctx.get(table, path, "by_sentence", TABLE)
    if not kinds:
        return ()
    found = []
    for kind in kinds:
        days = ctx.whole(kinds, (*path, "by_sentence"), kind, minimum=1, maximum=MAX_INITIAL_WORKING_DAYS)
        if days is not None:
            found.append((kind, days))
    return tuple(found)


def _risk_level(ctx: Context, data: Mapping[str, Any], form: AssessmentForm) -> str | None:
    """The path of the choice question holding the risk level, when it names one."""
    path = ctx.text(data, (), "risk_level")
    if not path:
        return None
    question = form.question(path)
    if question is None and path in ctx.unreadable:
        return None
    if question is None:
        choices = [p for p, q in form.questions() if q.type == "choice"]
        ctx.error(
            ("risk_level",),
            f"'{path}' is not a question of this form",
            did_you_mean(path, choices) or "write section.question of a choice question",
        )
        return None
    if question.type != "choice":
        ctx.error(
            ("risk_level",),
            f"risk_level must name a choice question; '{path}' is a {question.type} question",
            "point it at the choice question that holds the risk level",
        )
        return None
    return path


def _section(
    ctx: Context,
    path: Path,
    table: Mapping[str, Any],
    templates: Mapping[str, tuple[Path, list[Entry]]],
    pending: list[load_conditions.Pending],
) -> Section:
    ctx.check_keys(table, path, SECTION_KEYS)
    section_id = ctx.ident(table, path)

    def conditions(qpath: Path, qtable: Mapping[str, Any], key: str) -> Any:
        return load_conditions.read(ctx, qtable, qpath, key, section_id or None, pending)

    template = _template_of(ctx, path, table, templates)
    own = ctx.tables(table, path, "question", required=not template and "template" not in table)
    entries = _with_template(template, own)
    questions = [(qp, q) for qp, qt in entries if (q := _question(ctx, qp, qt, conditions))]
    read = {qp for qp, _ in questions}
    ctx.unreadable.update(
        f"{section_id}.{qt['id']}" for qp, qt in entries if qp not in read and isinstance(qt.get("id"), str)
    )
    ctx.unique([((*qpath, "id"), q.id) for qpath, q in questions], "question")
    return Section(
        section_id,
        ctx.text(table, path, "title", required=True),
        ctx.text(table, path, "help"),
        ctx.flag(table, path, "short"),
        tuple(q for _, q in questions),
    )


def _template_of(
    ctx: Context, path: Path, table: Mapping[str, Any], templates: Mapping[str, tuple[Path, list[Entry]]]
) -> list[Entry]:
    """The question tables of the template the section names (none when it names none, or no such one)."""
    name = ctx.text(table, path, "template")
    if not name.strip() and isinstance(table.get("template"), str):
        ctx.error(
            (*path, "template"), "'template' is empty", "write the id of a [[template]], or remove the key"
        )
    if not name:
        return []
    if name not in templates:
        ctx.error(
            (*path, "template"),
            f"there is no template '{name}'",
            did_you_mean(name, templates) or "declare it first as [[template]] with this id",
        )
        return []
    return templates[name][1]


def _with_template(template: list[Entry], own: list[tuple[Path, dict[str, Any]]]) -> list[Entry]:
    """The template's questions, each replaced in place by the section's question of the same id, then the
    section's other questions: so an area overrides a shared question without moving it."""
    replacing = {q.get("id"): (p, q) for p, q in own if isinstance(q.get("id"), str)}
    template_ids = {q.get("id") for _, q in template}
    merged: list[Entry] = [replacing.get(q.get("id"), (p, q)) for p, q in template]
    merged += [(p, q) for p, q in own if q.get("id") not in template_ids]
    return merged


ConditionReader = Callable[[Path, Mapping[str, Any], str], Any]
"""Reads the condition under a key of a question table (queued for name checks)."""


def _question(
    ctx: Context, path: Path, table: Mapping[str, Any], conditions: ConditionReader | None
) -> Question | None:
    """One question, or one field of a group when `conditions` is None; None when its type is unknown."""
    fields_only = conditions is None
    qtype = _type(ctx, path, table, FIELD_TYPES if fields_only else QUESTION_TYPES)
    common = FIELD_KEYS if fields_only else QUESTION_KEYS
    if qtype is None:
        ctx.check_keys(table, path, (*common, *(k for keys in TYPE_KEYS.values() for k in keys)))
        return None
    own = [k for k in TYPE_KEYS[qtype] if not (fields_only and k in QUESTION_ONLY_KEYS)]
    ctx.check_keys(table, path, (*common, *own), _MISPLACED[fields_only][qtype])
    if fields_only:  # reported above as misplaced: not read as well, so one mistake is one message
        table = {k: v for k, v in table.items() if k not in QUESTION_ONLY_KEYS}
    settings = _TYPE_READERS[qtype](ctx, path, table)
    return Question(
        id=ctx.ident(table, path),
        type=qtype,
        label=ctx.text(table, path, "label", required=True),
        help=ctx.text(table, path, "help"),
        required=ctx.flag(table, path, "required"),
        show_if=None if conditions is None else conditions(path, table, "show_if"),
        require_if=None if conditions is None else conditions(path, table, "require_if"),
        withhold_from_person=not fields_only and ctx.flag(table, path, "withhold_from_person"),
        renamed_from="" if fields_only else _renamed_from(ctx, path, table),
        **settings,
    )


_OLD_NAME = re.compile(r"(?:[a-z][a-z0-9_]*\.)?[a-z][a-z0-9_]*")


def _renamed_from(ctx: Context, path: Path, table: Mapping[str, Any]) -> str:
    """The earlier id of a renamed question: `old_id`, or `section.old_id` when it moved section."""
    value = ctx.text(table, path, "renamed_from")
    if value and not _OLD_NAME.fullmatch(value):
        ctx.error(
            (*path, "renamed_from"),
            f"'{value}' is not a question id",
            'write the id the question had before, e.g. renamed_from = "old_id" (or "section.old_id")',
        )
        return ""
    return value


def _type(ctx: Context, path: Path, table: Mapping[str, Any], allowed: tuple[str, ...]) -> str | None:
    """The question's type; None when it is unknown, or written under a misspelt key (`tpye`): then its
    other keys cannot be judged, and the one message is the misspelling's (from `check_keys`)."""
    if "type" not in table and any(close_match(key, ["type"]) for key in table):
        return None
    qtype = ctx.text(table, path, "type") if "type" in table else "text"
    if qtype in allowed:
        return qtype
    if qtype in QUESTION_TYPES:
        ctx.error(
            (*path, "type"),
            f"a group's fields cannot be {qtype} questions",
            "use one of: " + ", ".join(allowed),
        )
    elif qtype:
        ctx.error(
            (*path, "type"),
            f"unknown question type '{qtype}'",
            did_you_mean(qtype, allowed) or "use one of: " + ", ".join(allowed),
        )
    return None


def _misplaced_keys(field: bool) -> dict[str, dict[str, str]]:
    """For each type, the other types' keys (and, on a field, conditions) with where each belongs."""
    every = {k for keys in TYPE_KEYS.values() for k in keys}
    table: dict[str, dict[str, str]] = {}
    for qtype, own in TYPE_KEYS.items():
        misplaced = {}
        for key in sorted(every - set(own)):
            owners = [t for t, keys in TYPE_KEYS.items() if key in keys]
            misplaced[key] = f"{key} applies only to {' and '.join(owners)} questions"
        if field:
            misplaced.update(
                {
                    k: f"a group's fields cannot have {k}"
                    for k in (*QUESTION_KEYS, *QUESTION_ONLY_KEYS)
                    if k not in FIELD_KEYS
                }
            )
        table[qtype] = misplaced
    return table


_MISPLACED = {False: _misplaced_keys(field=False), True: _misplaced_keys(field=True)}


# ------------------------------------------------------- type-specific keys


Settings = dict[str, Any]


def _text(ctx: Context, path: Path, table: Mapping[str, Any]) -> Settings:
    return {"word_budget": ctx.whole(table, path, "word_budget", minimum=1)}


def _nothing(ctx: Context, path: Path, table: Mapping[str, Any]) -> Settings:
    return {}


def _yesno(ctx: Context, path: Path, table: Mapping[str, Any]) -> Settings:
    return {"options": YESNO_OPTIONS}


def _choice(ctx: Context, path: Path, table: Mapping[str, Any]) -> Settings:
    return {"options": read_options(ctx, table, path, "options", required=True)}


def _scale(ctx: Context, path: Path, table: Mapping[str, Any]) -> Settings:
    low = ctx.whole(table, path, "min")
    high = ctx.whole(table, path, "max")
    low = 0 if low is None else low
    high = 5 if high is None else high
    if high <= low:
        ctx.error(
            (*path, "max" if "max" in table else "min"),
            f"max ({high}) must be more than min ({low})",
            f"set max to {low + 1} or more",
        )
    elif high - low > SCALE_STEPS:
        ctx.error(
            (*path, "max" if "max" in table else "min"),
            f"a scale has at most {SCALE_STEPS} steps from min to max, this one has {high - low}",
            f"set max to {low + SCALE_STEPS} or less",
        )
    return {"min": low, "max": high}


def _number(ctx: Context, path: Path, table: Mapping[str, Any]) -> Settings:
    low = ctx.get(table, path, "min", NUMBER)
    high = ctx.get(table, path, "max", NUMBER)
    if low is not None and high is not None and high < low:
        ctx.error((*path, "max"), f"max ({high}) must not be less than min ({low})", "make max at least min")
    return {"min": low, "max": high, "integer": ctx.flag(table, path, "integer")}


def _date(ctx: Context, path: Path, table: Mapping[str, Any]) -> Settings:
    return {"show_age": ctx.flag(table, path, "show_age")}


def _grid(ctx: Context, path: Path, table: Mapping[str, Any]) -> Settings:
    columns = read_options(ctx, table, path, "columns", required=False) if "columns" in table else ()
    return {
        "rows": read_options(ctx, table, path, "rows", required=True),
        "columns": columns or (GRID_COLUMN,),
        "options": read_options(ctx, table, path, "levels", required=True),
    }


def _group(ctx: Context, path: Path, table: Mapping[str, Any]) -> Settings:
    entries = ctx.tables(table, path, "field", required=True)
    fields = [(fpath, f) for fpath, ftable in entries if (f := _question(ctx, fpath, ftable, None))]
    ctx.unique([((*fpath, "id"), f.id) for fpath, f in fields], "field")
    low = ctx.whole(table, path, "min_items", minimum=0)
    high = ctx.whole(table, path, "max_items", minimum=1)
    if low is not None and high is not None and high < low:
        ctx.error(
            (*path, "max_items"),
            f"max_items ({high}) must not be less than min_items ({low})",
            "make max_items at least min_items",
        )
    order_by = ctx.text(table, path, "order_by") or None
    field_ids = [f.id for _, f in fields]
    if order_by and entries and order_by not in field_ids:
        ctx.error(
            (*path, "order_by"),
            f"order_by must name a field of this group; there is no field '{order_by}'",
            did_you_mean(order_by, field_ids) or "use one of: " + ", ".join(field_ids),
        )
    return {
        "fields": tuple(f for _, f in fields),
        "min_items": low or 0,
        "max_items": high,
        "order_by": order_by,
    }


_TYPE_READERS: dict[str, Callable[[Context, Path, Mapping[str, Any]], Settings]] = {
    "text": _text,
    "line": _nothing,
    "yesno": _yesno,
    "choice": _choice,
    "multi": _choice,
    "scale": _scale,
    "number": _number,
    "date": _date,
    "grid": _grid,
    "group": _group,
}

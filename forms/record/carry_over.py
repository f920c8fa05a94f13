"""Moving a record's answers to another version of its form, losing nothing silently.

A review or an amendment may move a record to a newer version of its form.
Answers move by question id (`"section.question"`); an answer that no
longer fits the new version — its question was removed or retyped, its
choice is no longer offered, its grid row or level or group field is gone,
its number is outside the new range — becomes a `LeftBehind` holding the
old value and the reason.  The caller lists those for the practitioner
before they accept, and `move_record` keeps them on the record, so the
answer stays in the record's history instead of vanishing.

Pure functions over JSON-compatible values: no I/O, no UI.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from forms.checks.findings import entry_path
from forms.model import AssessmentForm, LeftBehind, Option, Question, Record

TYPE_NAMES: dict[str, str] = {
    "text": "long text",
    "line": "one line",
    "yesno": "yes/no",
    "choice": "single choice",
    "multi": "multiple choice",
    "scale": "scale",
    "number": "number",
    "date": "date",
    "grid": "grid",
    "group": "repeatable group",
}
"""Question types as a trainer or practitioner names them."""

_STRING_TYPES = frozenset({"text", "line"})

Leave = Callable[[str, str, Any, str], None]
"""Records one answer left behind: (path, label, old value, reason)."""


@dataclass(frozen=True)
class CarryOver:
    """The answers as the new version holds them, and every answer (or part of one) that could not move."""

    answers: dict[str, Any]
    left_behind: tuple[LeftBehind, ...]


def carry_over(answers: Mapping[str, Any], old: AssessmentForm, new: AssessmentForm) -> CarryOver:
    """Move `answers`, written against `old`, onto `new` by question id (or the id it was `renamed_from`)."""
    moved: dict[str, Any] = {}
    left: list[LeftBehind] = []
    renamed = renames(new)

    def leave(path: str, label: str, value: Any, reason: str) -> None:
        left.append(LeftBehind(path, label, value, reason, old.version))

    for path, value in answers.items():
        before = old.question(path)
        label = before.label if before else path
        target = path if new.question(path) is not None else renamed.get(path, path)
        after = new.question(target)
        if after is None:
            leave(path, label, value, f"the question is not in version {new.version}")
            continue
        kept = _carry(path, label, value, before or after, after, leave)
        if kept is not None and target not in moved:
            moved[target] = kept
    return CarryOver(moved, tuple(left))


def renames(form: AssessmentForm) -> dict[str, str]:
    """Earlier answer paths → the path of the question in `form` that declares it was `renamed_from` them."""
    found: dict[str, str] = {}
    for section in form.sections:
        for question in section.questions:
            if question.renamed_from:
                old = question.renamed_from
                found[old if "." in old else f"{section.id}.{old}"] = f"{section.id}.{question.id}"
    return found


def move_record(record: Record, old: AssessmentForm, new: AssessmentForm) -> Record:
    """`record` moved to `new`: carried answers, the new version, and what stayed behind kept on it."""
    result = carry_over(record.answers, old, new)
    return dataclasses.replace(
        record,
        form_id=new.id,
        form_version=new.version,
        answers=result.answers,
        left_behind=[*record.left_behind, *result.left_behind],
        words={},  # counted afresh against the new form: sections and text questions may differ
    )


# ---------------------------------------------------------------- one answer


def _carry(path: str, label: str, value: Any, before: Question, after: Question, leave: Leave) -> Any:
    """The part of `value` that fits `after` (None when nothing does); the rest is passed to `leave`."""
    if before.type != after.type and not (before.type in _STRING_TYPES and after.type in _STRING_TYPES):
        old_type, new_type = TYPE_NAMES[before.type], TYPE_NAMES[after.type]
        leave(path, label, value, f"the question changed from {old_type} to {new_type}")
        return None
    if after.type == "grid":
        return _carry_grid(path, label, value, after, leave)
    if after.type == "group":
        return _carry_group(path, label, value, before, after, leave)
    if after.type == "multi" and isinstance(value, list):
        offered = [v for v in value if after.option(v)]
        dropped = [v for v in value if not after.option(v)]
        if dropped:
            leave(path, label, dropped, _no_longer_offered(before, dropped))
        return offered or None
    reason = _misfit(before, after, value)
    if reason:
        leave(path, label, value, reason)
        return None
    return value


def _misfit(before: Question, after: Question, value: Any) -> str:
    """Why a single value cannot be an answer to `after`, or "" when it can."""
    if after.type == "line" and isinstance(value, str) and "\n" in value:
        return "the answer has several lines and the question now takes one line"
    if after.type == "choice" and not after.option(str(value)):
        return _no_longer_offered(before, [value])
    if after.type in ("scale", "number") and isinstance(value, int | float):
        low = after.min if after.min is not None else (0 if after.type == "scale" else None)
        high = after.max if after.max is not None else (5 if after.type == "scale" else None)
        if (low is not None and value < low) or (high is not None and value > high):
            return f"{value} is outside the new range {_number(low)} to {_number(high)}"
        if after.integer and not float(value).is_integer():
            return f"{value} is not a whole number, and the question now takes whole numbers"
    return ""


def _no_longer_offered(before: Question, values: list[Any]) -> str:
    labels = [_label(before.options, str(v)) for v in values]
    quoted = ", ".join(f"“{label}”" for label in labels)
    return f"{quoted} {'is' if len(labels) == 1 else 'are'} no longer offered"


def _label(options: tuple[Option, ...], option_id: str) -> str:
    return next((o.label for o in options if o.id == option_id), option_id)


def _number(value: float | None) -> str:
    if value is None:
        return "any"
    return str(int(value)) if float(value).is_integer() else str(value)


def _carry_grid(path: str, label: str, value: Any, after: Question, leave: Leave) -> Any:
    """Cells whose row, column and level the new grid still has; each other cell left behind on its own."""
    if not isinstance(value, Mapping):
        return None
    rows = {r.id for r in after.rows}
    columns = {c.id for c in after.columns}
    kept: dict[str, dict[str, Any]] = {}
    for row, cells in value.items():
        for column, level in (cells or {}).items():
            cell = f"{path}.{row}.{column}"
            if row not in rows:
                leave(cell, label, level, f"the row “{row}” was removed")
            elif column not in columns:
                leave(cell, label, level, f"the column “{column}” was removed")
            elif not after.option(str(level)):
                leave(cell, label, level, f"the level “{level}” is no longer offered")
            else:
                kept.setdefault(row, {})[column] = level
    return kept or None


def _carry_group(path: str, label: str, value: Any, before: Question, after: Question, leave: Leave) -> Any:
    """Each entry's fields carried as single answers are; an entry left with nothing is dropped."""
    if not isinstance(value, list):
        return None
    entries = []
    for index, entry in enumerate(value):
        kept: dict[str, Any] = {}
        for field_id, field_value in (entry or {}).items():
            where = entry_path(path, index, field_id)
            old_field = next((f for f in before.fields if f.id == field_id), None)
            new_field = next((f for f in after.fields if f.id == field_id), None)
            field_label = f"{label}: {old_field.label if old_field else field_id}"
            if new_field is None:
                leave(where, field_label, field_value, "the field was removed")
                continue
            carried = _carry(where, field_label, field_value, old_field or new_field, new_field, leave)
            if carried is not None:
                kept[field_id] = carried
        if kept:
            entries.append(kept)
    return entries or None

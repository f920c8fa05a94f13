"""Does an imported answer fit its question?  Checked before anything is written.

The schema can only say an answer is text, a number, a list…; whether
"maybe" is one of a choice's options needs the form.  A record that
passed would otherwise reach the case screen holding answers no editor
can show.  Each problem names where it is, as a JSON path under
`$.record.answers`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from forms.model import AssessmentForm, Question
from forms.record.iso_dates import EARLIEST, LATEST, DateError, parse_date

NUMBER_LIMIT = 10**15
"""Largest number answer an import brings, either sign: far beyond any count or amount in a record, and
exact as a double, so every reader of the export (spreadsheets, JavaScript, FHIR decimals) agrees on it."""


def answer_problems(form: AssessmentForm, answers: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(JSON path, what is wrong) for every answer that does not fit the form, in the file's order."""
    for path, value in answers.items():
        where = f"$.record.answers['{path}']"
        question = form.question(path)
        if question is None:
            yield where, f"form {form.id} {form.version} has no question '{path}'"
            continue
        yield from _check(question, value, where)


def _options(question: Question) -> str:
    return ", ".join(o.id for o in question.options)


def _check(question: Question, value: Any, where: str) -> Iterator[tuple[str, str]]:
    kind = question.type
    if kind in ("text", "line"):
        if not isinstance(value, str):
            yield where, f"expected text, found {describe(value)}"
    elif kind == "yesno":
        if value not in ("yes", "no"):
            yield where, f'expected "yes" or "no", found {describe(value)}'
    elif kind == "choice":
        if not isinstance(value, str) or question.option(value) is None:
            yield where, f"{describe(value)} is not one of its options ({_options(question)})"
    elif kind == "multi":
        if not isinstance(value, list):
            yield where, f"expected a list of options, found {describe(value)}"
        else:
            options = _options(question)
            for i, item in enumerate(value):
                if not isinstance(item, str) or question.option(item) is None:
                    yield f"{where}[{i}]", f"{describe(item)} is not one of its options ({options})"
    elif kind in ("scale", "number"):
        yield from _check_number(question, value, where)
    elif kind == "date":
        if (problem := date_problem(value)) is not None:
            yield where, problem
    elif kind == "grid":
        yield from _check_grid(question, value, where)
    elif kind == "group":
        yield from _check_group(question, value, where)


def _check_number(question: Question, value: Any, where: str) -> Iterator[tuple[str, str]]:
    whole = question.type == "scale" or question.integer
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or (whole and not isinstance(value, int)):
        yield where, f"expected {'a whole number' if whole else 'a number'}, found {describe(value)}"
        return
    if abs(value) > NUMBER_LIMIT:
        yield where, f"the number is larger than any answer A4 keeps (at most {NUMBER_LIMIT:,} either way)"
        return
    low, high = question.min, question.max
    if (low is not None and value < low) or (high is not None and value > high):
        yield where, f"{value} is outside the range this question allows ({_bound(low)} to {_bound(high)})"


def _bound(value: float | None) -> str:
    return "any" if value is None else f"{value:g}"


def _check_grid(question: Question, value: Any, where: str) -> Iterator[tuple[str, str]]:
    if not isinstance(value, dict):
        yield where, f"expected a grid (row → column → level), found {describe(value)}"
        return
    rows = {r.id for r in question.rows}
    columns = {c.id for c in question.columns}
    for row, cells in value.items():
        if row not in rows:
            yield f"{where}.{row}", f"the grid has no row '{row}'"
        elif not isinstance(cells, dict):
            yield f"{where}.{row}", f"expected column → level, found {describe(cells)}"
        else:
            for column, level in cells.items():
                if column not in columns:
                    yield f"{where}.{row}.{column}", f"the grid has no column '{column}'"
                elif not isinstance(level, str) or question.option(level) is None:
                    levels = _options(question)
                    yield f"{where}.{row}.{column}", f"{describe(level)} is not one of its levels ({levels})"


def _check_group(question: Question, value: Any, where: str) -> Iterator[tuple[str, str]]:
    if not isinstance(value, list):
        yield where, f"expected a list of entries, found {describe(value)}"
        return
    fields = {f.id: f for f in question.fields}
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            yield f"{where}[{i}]", f"expected an entry (field → answer), found {describe(entry)}"
            continue
        for key, answer in entry.items():
            field = fields.get(key)
            if field is None:
                yield f"{where}[{i}].{key}", f"the entries have no field '{key}'"
            elif answer is not None:
                yield from _check(field, answer, f"{where}[{i}].{key}")


def date_problem(value: Any, wanted: str = "a date written YYYY-MM-DD") -> str | None:
    """Why `value` is not a date A4 stores, or None: read by the one date reader (`iso_dates`).

    Used for date answers and for the schema's date formats alike.  (Answers were once read by
    `date.fromisoformat`, which took `2025-W10-1` and years 0001 or 9999: dates nothing typed on
    screen can hold and other readers of the export refuse.)
    """
    expected = f"expected {wanted}, found {describe(value)}"
    if not isinstance(value, str):
        return expected
    try:
        parse_date(value, what="date")
    except DateError as error:
        if "calendar" in str(error):
            return f"{expected}, which is not a real calendar day"
        if "outside" in str(error):
            return f"{expected}, outside {EARLIEST} to {LATEST}"
        return expected
    return None


def describe(value: Any) -> str:
    """A short description of a wrong value, for a message (long text cut so no record text spills)."""
    if isinstance(value, str):
        return repr(value if len(value) <= 30 else value[:27] + "...")
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return "a list" if isinstance(value, list) else "an object"

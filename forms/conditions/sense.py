"""Whether a condition's comparisons can ever be true for the questions they name.

A condition that compares a question with a value its answers never take
(`level == 'very high'` where the option id is `very_high`, a yes/no answer
`== true`, a group `== 'yes'`) parses and evaluates without complaint — and
is silently never true.  Once a form is known, each comparison between a
name and fixed values is checked against the named question's type and
ids here, and every such mistake is described with its column and the fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from forms.conditions.language import Comparison, Expr, Operand
from forms.conditions.visibility import SHORT, resolve
from forms.model import AssessmentForm, Option, Question, Section

ORDERINGS = frozenset({"<", "<=", ">", ">="})
MEMBERSHIP = frozenset({"in", "not in"})
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Mistake:
    """One comparison that can never mean what it says: where (column in the condition), what, the fix."""

    column: int
    message: str
    hint: str


def mistakes(form: AssessmentForm, section: Section | None, expr: Expr) -> list[Mistake]:
    """Every comparison in `expr` (written in `section`) whose values or operator do not fit its question."""
    found: list[Mistake] = []
    for comparison in expr.comparisons():
        found.extend(_check(form, section, comparison))
    return found


def _check(form: AssessmentForm, section: Section | None, comparison: Comparison) -> Iterator[Mistake]:
    left, right, op = comparison.left, comparison.right, comparison.operator
    if left.kind == "name" and right.kind in ("value", "list"):
        name, fixed, name_first = left, right, True
    elif right.kind == "name" and left.kind in ("value", "list"):
        name, fixed, name_first = right, left, False
    else:
        return
    if name.name == SHORT:
        return
    resolved = resolve(form, section, name.name)
    question = form.question(resolved.path) if resolved else None
    if resolved is None or question is None:
        return  # an unknown name is reported on its own
    if all(value is None for value, _ in fixed.values) and fixed.kind == "value" and op in ("==", "!="):
        return  # `== none` asks whether it is answered, for any question
    subject = _Subject(name.name, question, len(resolved.subkeys))
    yield from subject.check(op, fixed, name_first)


@dataclass(frozen=True)
class _Subject:
    """The named thing a comparison is about: a question, or a grid's row or cell."""

    name: str
    question: Question
    depth: int
    """0 for the question itself; for a grid 1 is a row, 2 a cell."""

    @property
    def kind(self) -> str:
        if self.question.type != "grid":
            return self.question.type
        cell = self.depth == 2 or (self.depth == 1 and len(self.question.columns) == 1)
        return "cell" if cell else "grid"

    def check(self, op: str, fixed: Operand, name_first: bool) -> Iterator[Mistake]:
        kind = self.kind
        if kind not in ("group", "multi", "grid") and op in ("==", "!=") and fixed.kind == "list":
            yield Mistake(
                fixed.column,
                f"'{self.name}' holds one answer, never a list, so '{op}' with a list is always "
                + ("false" if op == "==" else "true"),
                f"ask whether the answer is one of them: {self.name} {_MEMBER[op]} [...]",
            )
            return
        if kind == "group":
            yield Mistake(
                fixed.column,
                f"'{self.name}' is a group of entries and cannot be compared to a value",
                f"write '{self.name}' on its own to test whether it has any entries",
            )
            return
        if kind in ("choice", "yesno", "cell", "multi", "grid"):
            if not self.question.options:
                return  # its options could not be read: that is reported at the question, once
            yield from self._options(op, fixed, name_first)
        elif kind in ("scale", "number"):
            yield from self._numbers(op, fixed)
        elif kind == "date":
            yield from self._dates(op, fixed)
        else:
            yield from self._texts(op, fixed)

    # -------------------------------------------------------------- by kind

    def _options(self, op: str, fixed: Operand, name_first: bool) -> Iterator[Mistake]:
        kind = self.kind
        what = _KIND_WORDS[kind]
        if op in ORDERINGS:
            yield Mistake(
                fixed.column,
                f"'{self.name}' is {what}; its options have no order, so '{op}' cannot compare them",
                f"list the options meant: {self.name} in [...]",
            )
            return
        if kind == "grid" and not (op in MEMBERSHIP and not name_first):
            example = self._cell_example()
            yield Mistake(
                fixed.column,
                f"'{self.name}' is {what}, which holds a level in each cell, not one value",
                f"compare one cell, e.g. {example}, or ask whether a level was chosen anywhere: "
                f"'{self.question.options[0].id if self.question.options else 'level'}' in {self.name}",
            )
            return
        if kind in ("choice", "yesno", "cell") and op in MEMBERSHIP and not name_first:
            yield Mistake(
                fixed.column,
                f"'{self.name}' holds one option, so 'in {self.name}' looks for text inside its id",
                f"write {self.name} == {_shown(fixed.values[0][0]) if fixed.values else '…'}",
            )
            return
        if kind == "multi" and fixed.kind == "value" and (name_first or op not in MEMBERSHIP):
            option = _shown(fixed.values[0][0])
            yield Mistake(
                fixed.column,
                f"'{self.name}' is a multiple choice, whose answer is a list of options, never one value",
                f"ask whether an option is ticked: {option} in {self.name}",
            )
            return
        if kind in ("choice", "yesno", "cell") and op in MEMBERSHIP and fixed.kind == "value":
            yield Mistake(
                fixed.column,
                f"'{self.name}' is compared with 'in' against one value, which looks for text inside it",
                f"write {self.name} == {_shown(fixed.values[0][0])}, or put the options in a list: [...]",
            )
            return
        for value, column in fixed.values:
            yield from self._option_value(value, column)

    def _option_value(self, value: Any, column: int) -> Iterator[Mistake]:
        options = self.question.options
        ids = [o.id for o in options]
        what = "level" if self.question.type == "grid" else "option"
        if value is None:
            return
        if isinstance(value, bool) and self.kind == "yesno":
            answer = "yes" if value else "no"
            yield Mistake(
                column,
                f"'{self.name}' is a yes/no question, answered 'yes' or 'no', never {_shown(value)}",
                f"write '{answer}' instead of {_shown(value)}",
            )
            return
        if not isinstance(value, str):
            yield Mistake(
                column,
                f"'{self.name}' is answered with {what} ids, never {_shown(value)}",
                "compare it with one of: " + ", ".join(f"'{i}'" for i in ids),
            )
            return
        if value in ids:
            return
        yield Mistake(
            column,
            f"'{value}' is not {_article(what)} {what} of '{self.name}'",
            option_hint(value, options),
        )

    def _numbers(self, op: str, fixed: Operand) -> Iterator[Mistake]:
        if op in MEMBERSHIP and fixed.kind == "value":
            yield Mistake(
                fixed.column,
                f"'{self.name}' is a number, so 'in' needs a list of numbers",
                f"write {self.name} == {_shown(fixed.values[0][0])}, or a list: in [1, 2]",
            )
            return
        question = self.question
        for value, column in fixed.values:
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                example = "3" if question.type == "scale" else "18"
                yield Mistake(
                    column,
                    f"'{self.name}' is a number and never equals {_shown(value)}",
                    f"compare it with a number without quotes, e.g. {self.name} >= {example}",
                )
                continue
            if question.type == "scale" and op in ("==", "!=", *MEMBERSHIP) and not _within(question, value):
                low, high = _plain(question.min), _plain(question.max)
                yield Mistake(
                    column,
                    f"{_plain(value)} is outside the scale of '{self.name}' ({low} to {high})",
                    f"use a whole number from {low} to {high}",
                )

    def _dates(self, op: str, fixed: Operand) -> Iterator[Mistake]:
        for value, column in fixed.values:
            if value is None:
                continue
            if isinstance(value, str) and ISO_DATE.fullmatch(value) and not _is_date(value):
                yield Mistake(
                    column,
                    f"'{value}' is not a day of the calendar, so '{self.name}' never equals it",
                    f"write a day that exists, as YYYY-MM-DD, e.g. {self.name} < '2025-04-01'",
                )
            elif not isinstance(value, str) or not _is_date(value):
                yield Mistake(
                    column,
                    f"'{self.name}' is a date and never equals {_shown(value)}",
                    f"write the date in quotes as YYYY-MM-DD, e.g. {self.name} < '2025-04-01'",
                )

    def _texts(self, op: str, fixed: Operand) -> Iterator[Mistake]:
        if op in ORDERINGS:
            yield Mistake(
                fixed.column,
                f"'{self.name}' is free text, which has no order for '{op}'",
                f"compare it with == or look for words in it: 'phrase' in {self.name}",
            )
            return
        for value, column in fixed.values:
            if value is not None and not isinstance(value, str):
                yield Mistake(
                    column,
                    f"'{self.name}' is free text and never equals {_shown(value)}",
                    f"put the value in quotes: '{_plain(value)}'",
                )

    def _cell_example(self) -> str:
        rows, columns = self.question.rows, self.question.columns
        row = rows[0].id if rows else "row"
        if self.depth == 1:
            return f"{self.name}.{columns[0].id if columns else 'column'}"
        if len(columns) == 1:
            return f"{self.name}.{row}"
        return f"{self.name}.{row}.{columns[0].id if columns else 'column'}"


_MEMBER = {"==": "in", "!=": "not in"}

_KIND_WORDS = {
    "choice": "a choice",
    "yesno": "a yes/no question",
    "cell": "a grid cell",
    "multi": "a multiple choice",
    "grid": "a grid",
}


def option_hint(value: str, options: tuple[Option, ...]) -> str:
    """The fix for an unknown option value: the id whose label it is, a close id, or the list of ids."""
    wanted = _squash(value)
    for option in options:
        if wanted and wanted == _squash(option.label):
            return f"'{value}' is the label of '{option.id}'; write '{option.id}'"
    for option in options:
        if wanted and wanted == _squash(option.id):
            return f"did you mean '{option.id}'?"
    ids = [o.id for o in options]
    close = difflib.get_close_matches(value, ids, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    by_label = {_squash(o.label): o.id for o in options}
    close = difflib.get_close_matches(wanted, list(by_label), n=1, cutoff=0.6)
    if close:
        option_id = by_label[close[0]]
        return f"did you mean '{option_id}'?"
    for option in options:
        if wanted and (wanted in _squash(option.id) or wanted in _squash(option.label)):
            return f"did you mean '{option.id}'?"
    return "use one of: " + ", ".join(f"'{i}'" for i in ids)


def _squash(text: str) -> str:
    """Words without case, spacing or punctuation, so a label matches however it is written."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    return _plain(value)


def _is_date(text: str) -> bool:
    """Whether `text` is a real calendar day written YYYY-MM-DD (the only way a date answer is stored)."""
    if not ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _within(question: Question, value: float) -> bool:
    low = question.min if question.min is not None else value
    high = question.max if question.max is not None else value
    return low <= value <= high


def _plain(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"

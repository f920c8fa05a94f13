"""What a condition's names mean in a form, and so which questions are shown and required.

Names are resolved from where the condition is written (docs/forms.md,
"Conditions"): a bare name is a question of the same section,
``section.question`` a question anywhere, extra parts a grid row and
column, ``short`` is true while the short (layer 1) form is written, and
``previous.`` before any of these names reads the answer given in the
record this one reviews or amends (unanswered in a first assessment).

`is_visible` runs for every question on every keystroke, so resolving a
name is cached.  The cache is keyed by the form's identity (held by a
handle that hashes in constant time) rather than by the form's value,
because hashing a frozen form means hashing every question in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from forms.conditions.language import Expr, Lookup
from forms.model import AssessmentForm, Question, Section

SHORT = "short"
"""The special name that is true in short (layer 1) mode, whatever section it is written in."""

PREVIOUS = "previous"
"""The prefix that reads a name in the earlier record this one reviews or amends: ``previous.rosh.level``."""

NOTHING: Mapping[str, Any] = {}
"""No earlier answers: a first assessment, or a caller that has no earlier record."""


@dataclass(frozen=True)
class Resolved:
    """Where a name points: a question's answer path and, for a grid, the row and column within it."""

    path: str
    """``"section.question"``, the key of the answer."""
    subkeys: tuple[str, ...] = ()
    previous: bool = False
    """Written ``previous.…``: the answer is read in the earlier record, not this one."""


class _FormHandle:
    """A form as a cache key: equal only to itself, hashed by identity in constant time.

    Holding the form keeps it alive while cached, so its identity cannot be
    reused by a different form built later (as tests do with the same id).
    """

    __slots__ = ("form",)

    def __init__(self, form: AssessmentForm) -> None:
        self.form = form

    def __hash__(self) -> int:
        return id(self.form)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _FormHandle) and other.form is self.form


def resolve(form: AssessmentForm, section: Section | None, name: str) -> Resolved | None:
    """The question (and grid cell) a name refers to from `section`, or ``None`` if it means nothing.

    With `section` ``None`` (a rubric's or plan's form-wide condition) only
    ``section.question`` names resolve.
    """
    return _resolve(_FormHandle(form), section.id if section else None, name)


@lru_cache(maxsize=8192)
def _resolve(handle: _FormHandle, section_id: str | None, name: str) -> Resolved | None:
    form = handle.form
    parts = name.split(".")
    if parts[0] == PREVIOUS and len(parts) > 1 and form.section(PREVIOUS) is None:
        inner = _resolve(handle, section_id, ".".join(parts[1:]))
        return replace(inner, previous=True) if inner is not None and not inner.previous else None
    here = form.section(section_id) if section_id is not None else None
    question = here.question(parts[0]) if here else None
    section: Section | None
    if question is not None and here is not None:
        section, subkeys = here, parts[1:]
    else:
        section = form.section(parts[0]) if len(parts) > 1 else None
        question = section.question(parts[1]) if section else None
        if question is None or section is None:
            return None
        subkeys = parts[2:]
    if not _valid_subkeys(question, subkeys):
        return None
    return Resolved(f"{section.id}.{question.id}", tuple(subkeys))


def _valid_subkeys(question: Question, subkeys: list[str]) -> bool:
    """Only a grid has parts below it: one of its rows, then one of its declared columns."""
    if not subkeys:
        return True
    if question.type != "grid" or len(subkeys) > 2:
        return False
    if subkeys[0] not in {row.id for row in question.rows}:
        return False
    return len(subkeys) == 1 or subkeys[1] in {column.id for column in question.columns}


def unresolved_names(form: AssessmentForm, section: Section | None, expr: Expr) -> list[str]:
    """The names in `expr` that mean nothing from `section`, in the order they are written."""
    columns = expr.name_columns()
    return sorted(
        (name for name in columns if name != SHORT and resolve(form, section, name) is None),
        key=columns.__getitem__,
    )


def lookup_for(
    form: AssessmentForm,
    section: Section | None,
    answers: Mapping[str, Any],
    short: bool,
    previous: Mapping[str, Any] = NOTHING,
) -> Lookup:
    """A name → answer function for evaluating conditions written in `section` against `answers`;
    ``previous.`` names read `previous`, the answers of the record this one reviews or amends."""

    def lookup(name: str) -> Any:
        if name == SHORT:
            return short
        resolved = resolve(form, section, name)
        if resolved is None:
            return None
        value = (previous if resolved.previous else answers).get(resolved.path)
        for key in resolved.subkeys:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        return value

    return lookup


def holds(
    form: AssessmentForm,
    section: Section | None,
    expr: Expr,
    answers: Mapping[str, Any],
    short: bool = False,
    previous: Mapping[str, Any] = NOTHING,
) -> bool:
    """Whether a condition written in `section` is true for these answers (and `previous` ones)."""
    return expr.evaluate(lookup_for(form, section, answers, short, previous))


def is_visible(
    form: AssessmentForm,
    section: Section,
    question: Question,
    answers: Mapping[str, Any],
    short: bool = False,
) -> bool:
    """Whether the question is shown: its section is part of this mode and its `show_if` holds."""
    if short and not section.short:
        return False
    return question.show_if is None or holds(form, section, question.show_if, answers, short)


def is_required(
    form: AssessmentForm,
    section: Section,
    question: Question,
    answers: Mapping[str, Any],
    short: bool = False,
) -> bool:
    """Whether the question must be answered: shown, and `required` or its `require_if` holds."""
    if not is_visible(form, section, question, answers, short):
        return False
    if question.required:
        return True
    return question.require_if is not None and holds(form, section, question.require_if, answers, short)


def visible_sections(form: AssessmentForm, short: bool) -> list[Section]:
    """The sections written in this mode: all of them, or in short mode only those marked short."""
    return [section for section in form.sections if section.short or not short]

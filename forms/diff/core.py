"""What every kind of definition diff shares: a change and its version step, the diff, and the words.

A change carries the version step it needs, following semantic versioning
as it applies to records: **major** when earlier records cannot all carry
over, **minor** when the definition asks or behaves differently but every
earlier record still fits, **patch** for wording that guides but does not
ask.  `forms.diff.assessment`, `forms.diff.rubric` and `forms.diff.plan`
say what that means for their kind; `forms.diff.report` picks the right
one, prints the result and checks the version numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from forms.conditions.language import Expr
from forms.model import Definition

Level = Literal["patch", "minor", "major"]
LEVELS: tuple[Level, ...] = ("patch", "minor", "major")

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """One change: where (a heading such as a section), what, and the version step it needs."""

    where: str
    text: str
    level: Level


@dataclass(frozen=True)
class FormDiff:
    """Every change between two versions of one definition, in the order a trainer reads them."""

    old: Definition
    new: Definition
    changes: tuple[Change, ...]

    @property
    def needs(self) -> Level | None:
        """The largest version step the changes need, or None when nothing changed."""
        return max((c.level for c in self.changes), key=LEVELS.index, default=None)


@dataclass(frozen=True)
class Matched(Generic[T]):
    """Two versions of a list of things with ids, lined up so that each change is reported once."""

    pairs: tuple[tuple[T | None, T], ...]
    """Each new item with its earlier version (None when it is new), in the new order."""
    removed: tuple[T, ...]
    reordered: bool
    """True when the items both versions have are in a different order."""


def match(old: Sequence[T], new: Sequence[T], key: Callable[[T], str]) -> Matched[T]:
    """Line up `old` and `new` by id (`key`), the way records line up answers."""
    old_by_key = {key(item): item for item in old}
    new_keys = {key(item) for item in new}
    kept_old = [key(item) for item in old if key(item) in new_keys]
    kept_new = [key(item) for item in new if key(item) in old_by_key]
    return Matched(
        tuple((old_by_key.get(key(item)), item) for item in new),
        tuple(item for item in old if key(item) not in new_keys),
        kept_old != kept_new,
    )


def header_changes(changes: list[Change], where: str, old: Definition, new: Definition) -> None:
    """Title and description: wording every kind of definition has, so a patch in all of them."""
    compare(changes, where, "title", old.header.title, new.header.title, "patch")
    compare(changes, where, "description", old.header.description, new.header.description, "patch")


def compare(
    changes: list[Change], where: str, what: str, old: object, new: object, level: Level, why: str = ""
) -> None:
    """Add `what: old → new` (and `: why`, when given) if the two values differ."""
    if old != new:
        text = f"{what}: {value_text(old)} → {value_text(new)}"
        changes.append(Change(where, f"{text}: {why}" if why else text, level))


def quoted(labels: Sequence[str]) -> str:
    """Labels as a trainer reads them in a sentence: each in quotes, separated by commas."""
    return ", ".join(f"“{label}”" for label in labels)


def value_text(value: object) -> str:
    """Any definition value (text, number, condition, list, table) as the trainer wrote it, quoted."""
    if value is None or value == "" or value == [] or value == {}:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, Expr):
        return f"“{value.source}”"
    if isinstance(value, list | tuple):
        return quoted([str(item) for item in value])
    if isinstance(value, dict):
        return ", ".join(f"“{key}” = {value_text(item)}" for key, item in value.items())
    return str(value)


def count(number: int, noun: str) -> str:
    """`1 question`, `3 questions`: a size in a sentence."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

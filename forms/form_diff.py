"""What changed between two versions of an assessment form, said the way a trainer thinks about it.

Every change carries the version step it needs, following semantic
versioning as it applies to records:

- **major**: earlier answers cannot all carry over (a section, question,
  option, grid row, column or level, or group field removed; a type changed;
  a number range narrowed);
- **minor**: the form asks something new or behaves differently, but every
  earlier answer still fits (something added, a label reworded, a condition,
  budget or `required` changed);
- **patch**: wording that guides but does not ask (help text, section and
  form titles, descriptions).

`version_warnings` compares the step the changes need with the step the
trainer made, because a record opens with the version it was written
against: changing a form under the same version changes old records behind
their authors' backs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from forms.carry_over import TYPE_NAMES
from forms.conditions import Expr
from forms.load import semver_key
from forms.model import AssessmentForm, Option, Question, Section

Level = Literal["patch", "minor", "major"]
LEVELS: tuple[Level, ...] = ("patch", "minor", "major")


@dataclass(frozen=True)
class Change:
    """One change: where (a heading such as a section), what, and the version step it needs."""

    where: str
    text: str
    level: Level


@dataclass(frozen=True)
class FormDiff:
    old: AssessmentForm
    new: AssessmentForm
    changes: tuple[Change, ...]

    @property
    def needs(self) -> Level | None:
        """The largest version step the changes need, or None when nothing changed."""
        return max((c.level for c in self.changes), key=LEVELS.index, default=None)


def diff_forms(old: AssessmentForm, new: AssessmentForm) -> FormDiff:
    """Every change from `old` to `new`, form-level first, then section by section in the new order."""
    changes: list[Change] = []
    form = "The form"
    _compare(changes, form, "title", old.header.title, new.header.title, "patch")
    _compare(changes, form, "description", old.header.description, new.header.description, "patch")
    _compare(changes, form, "risk level question", old.risk_level or "", new.risk_level or "", "minor")
    _compare(
        changes,
        form,
        "first assessment due after (working days)",
        old.deadlines.initial_working_days,
        new.deadlines.initial_working_days,
        "minor",
    )
    _compare(
        changes, form, "review every (weeks)", old.deadlines.review_weeks, new.deadlines.review_weeks, "minor"
    )
    old_ids = [s.id for s in old.sections]
    new_ids = [s.id for s in new.sections]
    if [i for i in old_ids if i in new_ids] != [i for i in new_ids if i in old_ids]:
        changes.append(Change(form, "sections are in a new order", "minor"))
    for section in new.sections:
        before = old.section(section.id)
        if before is None:
            count = _count(len(section.questions), "question")
            changes.append(Change(form, f"+ section {_name(section)} added, {count}", "minor"))
        else:
            changes.extend(_section_changes(before, section))
    for section in old.sections:
        if new.section(section.id) is None:
            count = _count(len(section.questions), "question")
            changes.append(
                Change(
                    form,
                    f"- section {_name(section)} removed, {count}: their answers cannot carry over",
                    "major",
                )
            )
    return FormDiff(old, new, tuple(changes))


def version_warnings(diff: FormDiff) -> list[str]:
    """Where the new version number does not match what the changes need, with the version to use."""
    old_v, new_v = diff.old.version, diff.new.version
    needs = diff.needs
    warnings: list[str] = []
    if diff.old.id != diff.new.id:
        warnings.append(
            f"these are two different forms ('{diff.old.id}' and '{diff.new.id}'): records move only "
            "between versions of one form; give the new file the old id if it replaces the old form."
        )
    if semver_key(new_v) < semver_key(old_v):
        warnings.append(f"the new version {new_v} is older than {old_v}: versions only go up.")
        return warnings
    if needs is None:
        return warnings
    made = _step(old_v, new_v)
    if made is None:
        warnings.append(
            f"the form changed but its version is still {old_v}: records written against {old_v} "
            f"would open with the changed form. Make it {_bump(old_v, needs)}."
        )
    elif LEVELS.index(made) < LEVELS.index(needs):
        why = {
            "major": "some earlier answers cannot carry over",
            "minor": "the form now asks or behaves differently",
        }[needs]
        warnings.append(
            f"{why}, which needs a new {needs} version: make it {_bump(old_v, needs)}, not {new_v}."
        )
    return warnings


def render(diff: FormDiff) -> str:
    """The diff as the lines `a4 forms diff` prints, ending with any version warnings."""
    old, new = diff.old, diff.new
    if old.id == new.id:
        lines = [f"{old.header.kind} {old.id}: version {old.version} → {new.version}"]
    else:
        lines = [f"{old.header.kind} {old.id} {old.version} → {new.id} {new.version}"]
    if not diff.changes:
        lines.append("No changes.")
    heading = ""
    for change in diff.changes:
        if change.where != heading:
            heading = change.where
            lines.append(heading)
        lines.append(f"  {change.text}")
    if diff.needs is not None:
        lines.append(f"These changes need a new {diff.needs} version.")
    lines.extend(f"Warning: {warning}" for warning in version_warnings(diff))
    return "\n".join(lines)


# ---------------------------------------------------------------- sections and questions


def _section_changes(old: Section, new: Section) -> list[Change]:
    changes: list[Change] = []
    where = f"Section {_name(new)}"
    _compare(changes, where, "title", old.title, new.title, "patch")
    if old.help != new.help:
        changes.append(Change(where, "help text changed", "patch"))
    if old.short != new.short:
        part = "now part of" if new.short else "no longer part of"
        changes.append(Change(where, f"{part} the short assessment", "minor"))
    old_ids = [q.id for q in old.questions]
    new_ids = [q.id for q in new.questions]
    if [i for i in old_ids if i in new_ids] != [i for i in new_ids if i in old_ids]:
        changes.append(Change(where, "questions are in a new order", "minor"))
    for question in new.questions:
        before = old.question(question.id)
        if before is None:
            kind = TYPE_NAMES[question.type]
            changes.append(Change(where, f"+ question {_name(question)} added ({kind})", "minor"))
        else:
            changes.extend(Change(where, text, level) for text, level in _question_changes(before, question))
    for question in old.questions:
        if new.question(question.id) is None:
            changes.append(
                Change(where, f"- question {_name(question)} removed: its answers cannot carry over", "major")
            )
    return changes


def _question_changes(old: Question, new: Question, prefix: str = "") -> list[tuple[str, Level]]:
    """One `~ question …: what` line per change, each with the version step it needs."""
    name = f"{prefix}{_name(new)}"
    found: list[tuple[str, Level]] = []

    def note(text: str, level: Level) -> None:
        if level == "major" and "cannot carry over" not in text:
            text += " (some earlier answers may not carry over)"
        found.append((f"~ {name}: {text}", level))

    if old.type != new.type:
        level: Level = "minor" if (old.type, new.type) == ("line", "text") else "major"
        note(f"type {TYPE_NAMES[old.type]} → {TYPE_NAMES[new.type]}", level)
        return found
    if old.label != new.label:
        note(f"label was “{old.label}”", "minor")
    if old.help != new.help:
        note("help text changed", "patch")
    if old.required != new.required:
        note("now required" if new.required else "no longer required", "minor")
    for key, before, after, unset in (
        ("shown when", old.show_if, new.show_if, "always"),
        ("required when", old.require_if, new.require_if, "never"),
    ):
        if before != after:
            note(f"{key}: {_condition(before, unset)} → {_condition(after, unset)}", "minor")
    if old.word_budget != new.word_budget:
        note(f"word budget {_value(old.word_budget)} → {_value(new.word_budget)}", "minor")
    _range_changes(old, new, note)
    levels_word = "levels" if new.type == "grid" else "options"
    _option_changes(levels_word, old.options, new.options, note)
    _option_changes("rows", old.rows, new.rows, note)
    _option_changes("columns", old.columns, new.columns, note)
    if new.type == "group":
        _group_changes(old, new, name, found, note)
    return found


def _range_changes(old: Question, new: Question, note: Callable[[str, Level], None]) -> None:
    if (old.min, old.max) != (new.min, new.max):
        narrowed = (new.min is not None and (old.min is None or new.min > old.min)) or (
            new.max is not None and (old.max is None or new.max < old.max)
        )
        text = f"range {_value(old.min)} to {_value(old.max)} → {_value(new.min)} to {_value(new.max)}"
        note(text, "major" if narrowed else "minor")
    if old.integer != new.integer:
        note(
            "now whole numbers only" if new.integer else "now takes decimals",
            "major" if new.integer else "minor",
        )


def _option_changes(
    what: str, old: tuple[Option, ...], new: tuple[Option, ...], note: Callable[[str, Level], None]
) -> None:
    old_by_id = {o.id: o for o in old}
    new_by_id = {o.id: o for o in new}
    removed = [o.label for o in old if o.id not in new_by_id]
    added = [o.label for o in new if o.id not in old_by_id]
    if removed:
        note(f"{what} removed: {_labels(removed)}", "major")
    if added:
        note(f"{what} added: {_labels(added)}", "minor")
    relabelled = [
        f"“{old_by_id[o.id].label}” → “{o.label}”"
        for o in new
        if o.id in old_by_id and old_by_id[o.id].label != o.label
    ]
    if relabelled:
        note(f"{what} renamed: {', '.join(relabelled)}", "minor")
    rekeyed = [o.label for o in new if o.id in old_by_id and old_by_id[o.id].key != o.key]
    if rekeyed:
        note(f"new answer keys for {_labels(rekeyed)}", "minor")


def _group_changes(
    old: Question,
    new: Question,
    name: str,
    found: list[tuple[str, Level]],
    note: Callable[[str, Level], None],
) -> None:
    for key, before, after in (
        ("at least", old.min_items, new.min_items),
        ("at most", old.max_items, new.max_items),
        ("kept in order of", old.order_by, new.order_by),
    ):
        if before != after:
            note(f"{key} {_value(before)} → {_value(after)}", "minor")
    old_fields = {f.id: f for f in old.fields}
    new_fields = {f.id: f for f in new.fields}
    for field in new.fields:
        if field.id not in old_fields:
            note(f"field {_name(field)} added ({TYPE_NAMES[field.type]})", "minor")
        else:
            found.extend(_question_changes(old_fields[field.id], field, prefix=f"{name}, field "))
    for field in old.fields:
        if field.id not in new_fields:
            note(f"field {_name(field)} removed: its answers cannot carry over", "major")


# ---------------------------------------------------------------- words


def _compare(changes: list[Change], where: str, what: str, old: object, new: object, level: Level) -> None:
    if old != new:
        changes.append(Change(where, f"{what}: {_value(old)} → {_value(new)}", level))


def _name(item: Section | Question) -> str:
    title = item.title if isinstance(item, Section) else item.label
    return f"“{title}” ({item.id})"


def _labels(labels: list[str]) -> str:
    return ", ".join(f"“{label}”" for label in labels)


def _value(value: object) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return f"“{value}”"
    return str(value)


def _condition(expr: Expr | None, unset: str) -> str:
    return f"“{expr.source}”" if expr is not None else unset


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _step(old: str, new: str) -> Level | None:
    """The version step from `old` to `new` (None when they are equal)."""
    a, b = semver_key(old), semver_key(new)
    if a == b:
        return None
    if a[:1] != b[:1]:
        return "major"
    return "minor" if a[:2] != b[:2] else "patch"


def _bump(version: str, level: Level) -> str:
    """`version` stepped up by `level`, the lower parts reset."""
    major, minor, patch = semver_key(version)
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"

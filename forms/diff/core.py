"""What changed between two versions of a definition, said the way a trainer thinks about it.

This module holds what every kind shares (changes, version steps and
warnings, the printed shape, the words for values) and the assessment
form's own comparison; `forms.diff.rubric` and `forms.diff.plan`
compare rubrics and plan templates with the same pieces, and
`diff_definitions` picks the right one.

Every change carries the version step it needs, following semantic
versioning as it applies to records.  For an assessment form:

- **major**: earlier answers cannot all carry over (a section, question,
  option, grid row, column or level, or group field removed; a type changed;
  a number range narrowed);
- **minor**: the form asks something new or behaves differently, but every
  earlier answer still fits (something added, a label reworded, a condition,
  budget or `required` changed);
- **patch**: wording that guides but does not ask (help text, section and
  form titles, descriptions).

Rubrics and plan templates follow the same rule, in their own terms: a
removed criterion or changed grade levels are major, a new criterion or
check is minor, reworded help, titles or suggestions are patch.

`version_warnings` compares the step the changes need with the step the
trainer made, because a record opens with the version it was written
against: changing a form under the same version changes old records behind
their authors' backs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from forms.conditions.language import Expr
from forms.definition.load import semver_key
from forms.model import AssessmentForm, Definition, Option, PlanTemplate, Question, Rubric, Section
from forms.record.carry_over import TYPE_NAMES

Level = Literal["patch", "minor", "major"]
LEVELS: tuple[Level, ...] = ("patch", "minor", "major")

T = TypeVar("T")


@dataclass(frozen=True)
class _Words:
    """How warnings name one kind of definition and what its larger changes do to records."""

    noun: str
    named: str
    major: str
    minor: str


_WORDS: dict[str, _Words] = {
    "assessment": _Words(
        "form",
        "an assessment form",
        "some earlier answers cannot carry over",
        "the form now asks or behaves differently",
    ),
    "rubric": _Words(
        "rubric", "a rubric", "some earlier grades cannot carry over", "the rubric now judges differently"
    ),
    "plan": _Words(
        "plan template",
        "a plan template",
        "earlier plans no longer fit it",
        "the plan template now guides differently",
    ),
}


@dataclass(frozen=True)
class Change:
    """One change: where (a heading such as a section), what, and the version step it needs."""

    where: str
    text: str
    level: Level


@dataclass(frozen=True)
class FormDiff:
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


def diff_definitions(old: Definition, new: Definition) -> FormDiff:
    """Every change from `old` to `new`, whatever their kind.

    Raises ValueError, with one line to show the trainer, when the two are
    not versions of one definition: a diff between different things would
    list everything and mean nothing.
    """
    words = _WORDS[old.header.kind]
    if old.header.kind != new.header.kind:
        raise ValueError(
            f"{_file(old)} is {words.named} and {_file(new)} is {_WORDS[new.header.kind].named}: "
            "`a4 forms diff` compares two versions of one definition."
        )
    if old.id != new.id:
        raise ValueError(
            f"{_file(old)} is '{old.id}' and {_file(new)} is '{new.id}': records move only between "
            f"versions of one {words.noun}; give the new file the id '{old.id}' if it replaces the old one."
        )
    # Imported here because both modules build on the shared pieces above.
    from forms.diff.plan import diff_plans
    from forms.diff.rubric import diff_rubrics

    if isinstance(old, Rubric) and isinstance(new, Rubric):
        return diff_rubrics(old, new)
    if isinstance(old, PlanTemplate) and isinstance(new, PlanTemplate):
        return diff_plans(old, new)
    assert isinstance(old, AssessmentForm) and isinstance(new, AssessmentForm)
    return diff_forms(old, new)


def header_changes(changes: list[Change], where: str, old: Definition, new: Definition) -> None:
    """Title and description: wording every kind of definition has, so a patch in all of them."""
    compare(changes, where, "title", old.header.title, new.header.title, "patch")
    compare(changes, where, "description", old.header.description, new.header.description, "patch")


def diff_forms(old: AssessmentForm, new: AssessmentForm) -> FormDiff:
    """Every change from `old` to `new`, form-level first, then section by section in the new order."""
    changes: list[Change] = []
    form = "The form"
    header_changes(changes, form, old, new)
    compare(changes, form, "risk level question", old.risk_level or "", new.risk_level or "", "minor")
    compare(
        changes,
        form,
        "first assessment due after (working days)",
        old.deadlines.initial_working_days,
        new.deadlines.initial_working_days,
        "minor",
    )
    compare(
        changes, form, "review every (weeks)", old.deadlines.review_weeks, new.deadlines.review_weeks, "minor"
    )
    sections = match(old.sections, new.sections, lambda s: s.id)
    if sections.reordered:
        changes.append(Change(form, "sections are in a new order", "minor"))
    for before, section in sections.pairs:
        if before is None:
            size = count(len(section.questions), "question")
            changes.append(Change(form, f"+ section {_name(section)} added, {size}", "minor"))
        else:
            changes.extend(_section_changes(before, section))
    for section in sections.removed:
        size = count(len(section.questions), "question")
        changes.append(
            Change(
                form, f"- section {_name(section)} removed, {size}: their answers cannot carry over", "major"
            )
        )
    return FormDiff(old, new, tuple(changes))


def version_warnings(diff: FormDiff) -> list[str]:
    """Where the new version number does not match what the changes need, with the version to use."""
    old_v, new_v = diff.old.version, diff.new.version
    needs = diff.needs
    words = _WORDS[diff.old.header.kind]
    warnings: list[str] = []
    if semver_key(new_v) < semver_key(old_v):
        warnings.append(f"the new version {new_v} is older than {old_v}: versions only go up.")
        return warnings
    if needs is None:
        return warnings
    made = _step(old_v, new_v)
    if made is None:
        warnings.append(
            f"the {words.noun} changed but its version is still {old_v}: records written against {old_v} "
            f"would open with the changed {words.noun}. Make it {_bump(old_v, needs)}."
        )
    elif LEVELS.index(made) < LEVELS.index(needs):
        why = words.major if needs == "major" else words.minor
        warnings.append(
            f"{why}, which needs a new {needs} version: make it {_bump(old_v, needs)}, not {new_v}."
        )
    return warnings


def render(diff: FormDiff) -> str:
    """The diff as the lines `a4 forms diff` prints, ending with any version warnings."""
    old, new = diff.old, diff.new
    lines = [f"{old.header.kind} {old.id}: version {old.version} → {new.version}"]
    if not diff.changes:
        lines.append("No changes.")
    # Each heading once, where it first comes: an added item lands under the whole form's heading.
    for heading in dict.fromkeys(change.where for change in diff.changes):
        lines.append(heading)
        lines.extend(f"  {change.text}" for change in diff.changes if change.where == heading)
    if diff.needs is not None:
        lines.append(f"These changes need a new {diff.needs} version.")
    lines.extend(f"Warning: {warning}" for warning in version_warnings(diff))
    return "\n".join(lines)


# ---------------------------------------------------------------- sections and questions


def _section_changes(old: Section, new: Section) -> list[Change]:
    changes: list[Change] = []
    where = f"Section {_name(new)}"
    compare(changes, where, "title", old.title, new.title, "patch")
    if old.help != new.help:
        changes.append(Change(where, "help text changed", "patch"))
    if old.short != new.short:
        part = "now part of" if new.short else "no longer part of"
        changes.append(Change(where, f"{part} the short assessment", "minor"))
    questions = match(old.questions, new.questions, lambda q: q.id)
    if questions.reordered:
        changes.append(Change(where, "questions are in a new order", "minor"))
    for before, question in questions.pairs:
        if before is None:
            kind = TYPE_NAMES[question.type]
            changes.append(Change(where, f"+ question {_name(question)} added ({kind})", "minor"))
        else:
            changes.extend(Change(where, text, level) for text, level in _question_changes(before, question))
    for question in questions.removed:
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
        note(f"word budget {value_text(old.word_budget)} → {value_text(new.word_budget)}", "minor")
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
        text = (
            f"range {value_text(old.min)} to {value_text(old.max)} → "
            f"{value_text(new.min)} to {value_text(new.max)}"
        )
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
        note(f"{what} removed: {quoted(removed)}", "major")
    if added:
        note(f"{what} added: {quoted(added)}", "minor")
    relabelled = [
        f"“{old_by_id[o.id].label}” → “{o.label}”"
        for o in new
        if o.id in old_by_id and old_by_id[o.id].label != o.label
    ]
    if relabelled:
        note(f"{what} renamed: {', '.join(relabelled)}", "minor")
    rekeyed = [o.label for o in new if o.id in old_by_id and old_by_id[o.id].key != o.key]
    if rekeyed:
        note(f"new answer keys for {quoted(rekeyed)}", "minor")


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
            note(f"{key} {value_text(before)} → {value_text(after)}", "minor")
    fields = match(old.fields, new.fields, lambda f: f.id)
    for before_field, field in fields.pairs:
        if before_field is None:
            note(f"field {_name(field)} added ({TYPE_NAMES[field.type]})", "minor")
        else:
            found.extend(_question_changes(before_field, field, prefix=f"{name}, field "))
    for field in fields.removed:
        note(f"field {_name(field)} removed: its answers cannot carry over", "major")


# ---------------------------------------------------------------- words


def compare(
    changes: list[Change], where: str, what: str, old: object, new: object, level: Level, why: str = ""
) -> None:
    """Add `what: old → new` (and `: why`, when given) if the two values differ."""
    if old != new:
        text = f"{what}: {value_text(old)} → {value_text(new)}"
        changes.append(Change(where, f"{text}: {why}" if why else text, level))


def _name(item: Section | Question) -> str:
    title = item.title if isinstance(item, Section) else item.label
    return f"“{title}” ({item.id})"


def _file(definition: Definition) -> str:
    return definition.header.source or f"'{definition.id}'"


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


def _condition(expr: Expr | None, unset: str) -> str:
    return value_text(expr) if expr is not None else unset


def count(number: int, noun: str) -> str:
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

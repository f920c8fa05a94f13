"""What changed between two versions of an assessment form, in the words a trainer uses.

For an assessment form, a change is:

- **major** when earlier answers cannot all carry over (a section, question,
  option, grid row, column or level, or group field removed; a type changed;
  a number range narrowed);
- **minor** when the form asks something new or behaves differently, but
  every earlier answer still fits (something added, a label reworded, a
  condition, budget or `required` changed);
- **patch** for wording that guides but does not ask (help text, section and
  form titles, descriptions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from forms.conditions.language import Expr
from forms.diff.core import Change, FormDiff, Level, compare, count, header_changes, match, quoted, value_text
from forms.model import AssessmentForm, Option, Question, Section
from forms.record.carry_over import TYPE_NAMES, renames


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
    moved = _moved_between_sections(old, new)
    sections = match(old.sections, new.sections, lambda s: s.id)
    if sections.reordered:
        changes.append(Change(form, "sections are in a new order", "minor"))
    for before, section in sections.pairs:
        if before is None:
            size = count(len(section.questions), "question")
            changes.append(Change(form, f"+ section {_name(section)} added, {size}", "minor"))
        else:
            changes.extend(_section_changes(before, section, moved, new))
    for section in sections.removed:
        staying = [q for q in section.questions if f"{section.id}.{q.id}" not in moved]
        size = count(len(section.questions), "question")
        if staying:
            changes.append(
                Change(
                    form,
                    f"- section {_name(section)} removed, {size}: their answers cannot carry over",
                    "major",
                )
            )
        changes.extend(_moves(f"Section {_name(section)}", section.id, section.questions, moved, new))
    return FormDiff(old, new, tuple(changes))


def _moved_between_sections(old: AssessmentForm, new: AssessmentForm) -> dict[str, str]:
    """Paths of `old`'s questions that a question of `new` in another section declares it was
    (`renamed_from = "section.id"`) → that question's path: carry-over moves those answers there."""
    return {
        was: path
        for was, path in renames(new).items()
        if was.partition(".")[0] != path.partition(".")[0] and old.question(was) is not None
    }


def _moves(
    where: str, section_id: str, candidates: Sequence[Question], moved: dict[str, str], new: AssessmentForm
) -> list[Change]:
    """A line for each of `candidates` (questions gone from section `section_id`) that moved to another
    section of `new`, with what changed on the way."""
    changes: list[Change] = []
    for question in candidates:
        target = moved.get(f"{section_id}.{question.id}")
        after = new.question(target) if target is not None else None
        if after is None:
            continue
        line = f"~ question {_name(question)}: moved to {target} (renamed_from), answers carry over"
        changes.append(Change(where, line, "minor"))
        changes.extend(Change(where, text, level) for text, level in _question_changes(question, after))
    return changes


def _origin(path: str, moved: dict[str, str]) -> str:
    """The earlier path whose answers move to `path` from another section, or ""."""
    return next((was for was, now in moved.items() if now == path), "")


def _section_changes(old: Section, new: Section, moved: dict[str, str], form: AssessmentForm) -> list[Change]:
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
    removed = {q.id: q for q in questions.removed}
    added = [q for before, q in questions.pairs if before is None]
    for before, question in questions.pairs:
        renamed = removed.pop(_old_id(question, new), None) if before is None else None
        if renamed is not None:
            changes.append(
                Change(
                    where,
                    f"~ question {_name(question)}: renamed from '{renamed.id}', answers carry over",
                    "minor",
                )
            )
            changes.extend(Change(where, text, level) for text, level in _question_changes(renamed, question))
        elif before is None and (origin := _origin(f"{new.id}.{question.id}", moved)):
            line = f"~ question {_name(question)}: moved here from {origin}, answers carry over"
            changes.append(Change(where, line, "minor"))
        elif before is None:
            kind = TYPE_NAMES[question.type]
            changes.append(Change(where, f"+ question {_name(question)} added ({kind})", "minor"))
        else:
            changes.extend(Change(where, text, level) for text, level in _question_changes(before, question))
    gone = [q for q in removed.values() if f"{old.id}.{q.id}" not in moved]
    changes.extend(_moves(where, old.id, tuple(removed.values()), moved, form))
    for question in gone:
        text = f"- question {_name(question)} removed: its answers cannot carry over"
        look_alike = next((q for q in added if _same_question(question, q)), None)
        if look_alike is not None:
            text += (
                f"; it looks renamed to '{look_alike.id}': keep the id '{question.id}', or write "
                f"renamed_from = \"{question.id}\" in '{look_alike.id}', and its answers carry over"
            )
        changes.append(Change(where, text, "major"))
    return changes


def _old_id(question: Question, section: Section) -> str:
    """The id `question` says it had in this section before (`renamed_from`), or ""."""
    old = question.renamed_from
    if "." in old:
        old_section, _, old_id = old.partition(".")
        return old_id if old_section == section.id else ""
    return old


def _same_question(old: Question, new: Question) -> bool:
    """Whether a removed and an added question look like one question renamed: same type and label."""
    return old.type == new.type and old.label.strip().lower() == new.label.strip().lower()


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
    if old.withhold_from_person != new.withhold_from_person:
        shared = "no longer shared" if new.withhold_from_person else "now shared"
        note(f"{shared} with the person", "minor")
    for key, before, after, unset in (
        ("shown when", old.show_if, new.show_if, "always"),
        ("required when", old.require_if, new.require_if, "never"),
    ):
        if before != after:
            note(f"{key}: {_condition(before, unset)} → {_condition(after, unset)}", "minor")
    if old.show_age != new.show_age:
        note("now shows the age" if new.show_age else "no longer shows the age", "patch")
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


def _name(item: Section | Question) -> str:
    title = item.title if isinstance(item, Section) else item.label
    return f"“{title}” ({item.id})"


def _condition(expr: Expr | None, unset: str) -> str:
    return value_text(expr) if expr is not None else unset

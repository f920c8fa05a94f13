"""The record under check, shared by every check in one run.

One `CheckContext` per `run_checks` call: it works out once what every
check needs (which sections are in play in this kind of record, each
section's name lookup) so that the whole rubric runs in a few milliseconds
on every keystroke.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from forms.conditions import visibility
from forms.conditions.language import Expr, Lookup, parse, truthy
from forms.model import AssessmentForm, PlanTemplate, Question, Record, Section


@lru_cache(maxsize=256)
def _parsed(source: str) -> Expr:
    return parse(source)


def condition(value: str | Expr) -> Expr:
    """A check's condition parameter as an `Expr`, parsed once per distinct text.

    The loader may hand parameters over as written (text) or already parsed.
    """
    return value if isinstance(value, Expr) else _parsed(value)


def is_answered(value: Any) -> bool:
    """Whether an answer counts as given: blank text and empty lists or grids do not."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


def label_phrase(question: Question) -> str:
    """A question's label as words inside a sentence: "Linked to offending?" -> "linked to offending"."""
    text = question.label.strip().rstrip("?:.").strip()
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class Draft:
    """A finding as a check reports it, before `run_checks` stamps it with its criterion and kind."""

    message: str
    path: str
    section_title: str = ""
    """Replaces `{section}` in a trainer-written message."""
    span: tuple[int, int] | None = None
    suggestion: str = ""


@dataclass
class CheckContext:
    form: AssessmentForm
    record: Record
    plan: PlanTemplate | None
    today: date
    short: bool
    previous: Mapping[str, Any] = field(default_factory=dict)
    """The answers of the record this one reviews or amends, read by ``previous.`` names ({} if none)."""
    visible: tuple[Section, ...] = field(init=False)
    """Sections shown in this kind of record (the short form hides some)."""
    _lookups: dict[str, Lookup] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.visible = tuple(visibility.visible_sections(self.form, self.short))

    @property
    def answers(self) -> Mapping[str, Any]:
        return self.record.answers

    def sections(self, ids: Iterable[str] | None) -> list[Section]:
        """The shown sections among `ids` (all shown sections when `ids` is None), in form order."""
        if ids is None:
            return list(self.visible)
        wanted = set(ids)
        return [s for s in self.visible if s.id in wanted]

    def lookup(self, section: Section) -> Lookup:
        """Answer values by condition name, as seen from inside `section`."""
        if section.id not in self._lookups:
            self._lookups[section.id] = visibility.lookup_for(
                self.form, section, self.answers, self.short, self.previous
            )
        return self._lookups[section.id]

    def is_visible(self, section: Section, question: Question) -> bool:
        return visibility.is_visible(self.form, section, question, self.answers, short=self.short)

    def is_required(self, section: Section, question: Question) -> bool:
        return visibility.is_required(self.form, section, question, self.answers, short=self.short)

    def applies(self, section: Section, when: Expr) -> bool:
        """Whether `when` holds in `section`; false where any of its names means nothing in that section.

        That lets one condition such as ``linked_offending == "yes"`` pick
        out every life area that has the question, skipping those that do not.
        """
        if visibility.unresolved_names(self.form, section, when):
            return False
        return when.evaluate(self.lookup(section))

    def because(self, section: Section, when: Expr) -> str:
        """Why `when` holds in `section`, to open a finding: "linked to offending, but " (or "")."""
        flags = self.flags(section, when)
        return f"{' and '.join(flags)}, but " if flags else ""

    def flags(self, section: Section, when: Expr) -> list[str]:
        """The answers that made `when` true in `section`, in words ("linked to offending")."""
        lookup = self.lookup(section)
        found = []
        for name in when.name_columns():  # in the order the condition names them
            value = lookup(name)
            question = self.question_named(section, name)
            if question is None or not truthy(value):
                continue
            phrase = label_phrase(question)
            option = question.option(value) if isinstance(value, str) else None
            found.append(f"{phrase} is {option.label}" if option and question.type != "yesno" else phrase)
        return found

    def question_named(self, section: Section, name: str) -> Question | None:
        """The question (or grid) a condition name refers to from `section`, if any."""
        resolved = visibility.resolve(self.form, section, name)
        return self.form.question(resolved.path) if resolved else None

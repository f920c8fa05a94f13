"""Word counts for free-text answers: the budget counters and the QA word checks.

Counting runs on every keystroke, so it is one pass of one compiled regex
over the text (O(len(text))), with no tokenising into lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from forms.checks.findings import entry_path
from forms.model import AssessmentForm, Question, Record, Section

TEXT_TYPES: frozenset[str] = frozenset({"text", "line"})
"""Question types whose answers are free text that can be counted and searched."""

# A word is a run of non-space characters holding at least one letter or
# digit, so a lone dash or "..." is not a word.  The match starts only at the
# start of a run and the non-alphanumeric prefix is possessive, so a long run
# of punctuation is scanned once (no quadratic backtracking).
_WORD = re.compile(r"(?<!\S)(?:[^\w\s]|_)*+[^\W_]")


def count_words(text: str) -> int:
    """The number of words in `text`, as a person would count them."""
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class TextAnswer:
    """One free-text answer and where it sits."""

    section: Section
    question: Question
    """The question answered, or the group whose entry holds the text."""
    field: Question | None
    """The group field holding the text, when it is inside a group entry."""
    path: str
    text: str

    @property
    def asked(self) -> Question:
        """The question or group field whose answer this text is."""
        return self.field or self.question

    @property
    def label(self) -> str:
        """What the practitioner sees it under: "Sources – Notes" for a group field."""
        return f"{self.question.label} – {self.field.label}" if self.field else self.question.label


def text_answers(
    form: AssessmentForm, answers: Mapping[str, Any], sections: Iterable[Section] | None = None
) -> Iterator[TextAnswer]:
    """Every free-text answer in `sections` (default all), group entry fields included.

    Group entry fields get the path ``"section.question[i].field"``, `i`
    counted from 0: the same path QA findings use to point at them.
    """
    for section in form.sections if sections is None else sections:
        for question in section.questions:
            path = f"{section.id}.{question.id}"
            value = answers.get(path)
            if value is None:
                continue
            if question.type in TEXT_TYPES and isinstance(value, str):
                yield TextAnswer(section, question, None, path, value)
            elif question.type == "group" and isinstance(value, list):
                text_fields = [f for f in question.fields if f.type in TEXT_TYPES]
                for index, entry in enumerate(value):
                    if not isinstance(entry, Mapping):
                        continue
                    for field in text_fields:
                        text = entry.get(field.id)
                        if isinstance(text, str):
                            where = entry_path(path, index, field.id)
                            yield TextAnswer(section, question, field, where, text)


def section_word_count(form: AssessmentForm, answers: Mapping[str, Any], section: Section) -> int:
    """Words written in one section, group entry fields included."""
    return sum(count_words(answer.text) for answer in text_answers(form, answers, (section,)))


def record_word_counts(form: AssessmentForm, answers: Mapping[str, Any]) -> dict[str, int]:
    """Words written in each section (every section of the form, 0 where nothing is written)."""
    return {section.id: section_word_count(form, answers, section) for section in form.sections}


def section_words(form: AssessmentForm, record: Record) -> dict[str, int]:
    """The record's words per section: as saved with it, or counted once for a record saved without.

    Whoever saves a record stores its counts (`Record.words`), so exports
    and lists need not read every answer again; only a record saved before
    counts were stored has none, and gets them counted here.
    """
    return record.words or record_word_counts(form, record.answers)


def total_words(form: AssessmentForm, record: Record) -> int:
    """Words written in the whole record."""
    return sum(section_words(form, record).values())

"""Which answers the A4 sheet shows: the form's `[sheet]` table, or these defaults when it has none.

The defaults follow the conventions the shipped form keeps (docs/forms.md):
the questions of the risk level's section under risk of serious harm, each
life area's `analysis` as its one-line analysis, each area's `strengths` and
every text question of a section about what protects.
"""

from __future__ import annotations

from typing import NamedTuple

from forms.definition.sheet import DEFAULT_WORDS
from forms.model import AssessmentForm, Question, Section, Sheet, SheetItem

AREA_SUMMARY = SheetItem("areas", "*.analysis", 25)
AREA_STRENGTHS = SheetItem("protects", "*.strengths", 15)
RISK_TYPES = ("text", "line", "choice", "multi", "group")
"""Answer types under risk of serious harm by default (the grid and the level have their own places)."""


class Placed(NamedTuple):
    """One answer of the form placed on the sheet."""

    block: str
    section: Section
    question: Question
    words: int
    label: str

    @property
    def path(self) -> str:
        return f"{self.section.id}.{self.question.id}"


def default_sheet(form: AssessmentForm) -> Sheet:
    """The sheet a form gets without a `[sheet]` table."""
    items: list[SheetItem] = []
    risk_path = form.risk_level or ""
    risk_section = form.section(risk_path.partition(".")[0]) if risk_path else None
    if risk_section is not None:
        items += [
            SheetItem("risk", f"{risk_section.id}.{q.id}", DEFAULT_WORDS)
            for q in risk_section.questions
            if q.type in RISK_TYPES and f"{risk_section.id}.{q.id}" != risk_path
        ]
    items += [AREA_SUMMARY, AREA_STRENGTHS]
    items += [
        SheetItem("protects", f"{s.id}.{q.id}", 20)
        for s in form.sections
        if "protect" in f"{s.id} {s.title}".lower()
        for q in s.questions
        if q.type in ("text", "line")
    ]
    return Sheet(tuple(items))


def placed(form: AssessmentForm) -> list[Placed]:
    """Every answer the sheet may show, in the order declared; "*.id" items once per section asking it."""
    sheet = form.sheet or default_sheet(form)
    found: list[Placed] = []
    for item in sheet.items:
        section_id, _, question_id = item.question.partition(".")
        sections = form.sections if section_id == "*" else [s for s in form.sections if s.id == section_id]
        for section in sections:
            question = section.question(question_id)
            if question is not None:
                # the same question in every area reads best under each area's own title
                label = item.label or (section.title if section_id == "*" else question.label)
                found.append(Placed(item.block, section, question, item.words, label))
    return found

"""The whole record for the pages after the sheet: every shown answer under its section, the plan, QA.

The sheet's "continues in the full record (page N)" notes point at these
sections' headings (`exports.pdf.content.anchor`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from exports.history import history
from exports.pdf.content import anchor, short_date, text
from exports.text import age_as_of, answered, entry_line, grid_rows, ordered_entries, scalar_text
from forms.model import AssessmentForm, Case, Question, Record, Rubric
from forms.record.plan import AGREEMENT_LABELS, STEP_STATUS_LABELS
from forms.record.signoff import per_file
from storage.store import AuditEvent


def full_record(
    record: Record,
    form: AssessmentForm,
    audit: Sequence[AuditEvent] = (),
    rubric: Rubric | None = None,
    *,
    person: bool = False,
    case: Case | None = None,
) -> dict[str, Any]:
    """The full record's content: the case, sections in form order, the plan and (for the team) QA."""
    sections: list[dict[str, Any]] = [_case(case)] if case is not None else []
    on = age_as_of(record)
    for item in answered(form, record):
        if person and item.question.withhold_from_person:
            continue
        if not sections or sections[-1]["anchor"] != anchor(item.section):
            sections.append({"title": item.section.title, "anchor": anchor(item.section), "answers": []})
        sections[-1]["answers"].append(
            {"label": item.question.label, "paras": paragraphs(item.question, item.value, on)}
        )
    sections.append({"title": "Sentence plan", "anchor": anchor("plan"), "answers": _plan(record, form)})
    if not person:
        sections.append(
            {
                "title": "Quality assurance",
                "anchor": anchor("qa"),
                "answers": _qa(record, form, audit, rubric),
            }
        )
    return {"title": "Your full assessment and plan" if person else "The full record", "sections": sections}


def _case(case: Case) -> dict[str, Any]:
    """The sentence or order the person is supervised under, as far as it is known."""
    s = case.sentence
    facts = [
        ("Sentence or order", ", ".join(p for p in (s.type, s.length) if p.strip())),
        ("Began", short_date(s.start) if s.start else ""),
        ("Ends", short_date(s.end) if s.end else ""),
        ("Court", s.court),
        ("National identifier", case.national_id),
        ("Started", short_date(case.start) if case.start else ""),
    ]
    answers = [{"label": label, "paras": [text(value)]} for label, value in facts if value.strip()]
    answers += (
        [{"label": "Requirements", "paras": [text(r) for r in s.requirements]}] if s.requirements else []
    )
    return {"title": "The case", "anchor": anchor("case"), "answers": answers}


def paragraphs(question: Question, value: Any, on: date | None = None) -> list[str]:
    """An answer as the paragraphs (or lines) it is printed in; `on` is the day a date of birth's age
    is given on (`exports.text.age_as_of`)."""
    if question.type == "text":
        return [text(p) for p in str(value).split("\n\n") if p.strip()]
    if question.type == "grid":
        return (
            [text(f"{row}: {levels}") for row, levels in grid_rows(question, value)]
            if isinstance(value, dict)
            else []
        )
    if question.type == "group":
        return [text(entry_line(question, e)) for e in ordered_entries(question, value)]
    return [text(scalar_text(question, value, on))]


def _plan(record: Record, form: AssessmentForm) -> list[dict[str, Any]]:
    answers = []
    for number, objective in enumerate(record.plan, 1):
        areas = ", ".join((s.title if (s := form.section(a)) else a) for a in objective.areas)
        details = [
            ("What will be done", objective.actions),
            ("Who", objective.who),
            ("By", short_date(objective.by) if objective.by else ""),
            ("How we will know", objective.measure),
            ("Areas", areas),
            ("Progress", STEP_STATUS_LABELS.get(objective.status, objective.status)),
        ]
        paras = [text(f"{name}: {value}") for name, value in details if value]
        paras += [
            text(f"Step: {s.what} ({STEP_STATUS_LABELS.get(s.status, s.status)})") for s in objective.steps
        ]
        paras += [text(f"{short_date(p.on)}: {p.status} {p.note}") for p in objective.progress]
        answers.append(
            {"label": f"{number}. {text(objective.goal) or '(no goal written yet)'}", "paras": paras}
        )
    if record.agreement is not None:
        said = AGREEMENT_LABELS.get(record.agreement.choice, record.agreement.choice)
        line = f"The person on probation {said} with this plan"
        line += f" ({short_date(record.agreement.on)})" if record.agreement.on else ""
        line += f": {record.agreement.comment}" if record.agreement.comment else "."
        answers.append({"label": "Agreement", "paras": [text(line)]})
    return answers or [{"label": "No objectives yet.", "paras": []}]


def _qa(
    record: Record, form: AssessmentForm, audit: Sequence[AuditEvent], rubric: Rubric | None
) -> list[dict[str, Any]]:
    titles = {c.id: c.title for c in rubric.criteria} if rubric else {}
    grades = [text(f"{titles.get(g.criterion, g.criterion)}: {g.level}" + (f" ({g.by})" if g.by else "")
                   + (f" — {g.comment}" if g.comment else "") + per_file(g.imported_from))
              for g in record.grades]  # fmt: skip
    comments = [text(f"On {c.path} ({'resolved' if c.resolved_on or c.resolved_by else 'open'}): {c.text}"
                     + per_file(c.imported_from)) for c in record.comments]  # fmt: skip
    events = history(audit, form, escape=text, day=short_date)
    return [
        {"label": "Grades", "paras": grades or ["None yet."]},
        {"label": "Comments", "paras": comments or ["None."]},
        {"label": "History", "paras": events or ["None yet."]},
    ]

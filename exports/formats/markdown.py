"""A record as a short Markdown report: for the team's files and letters, or (`--for person`) for the person.

It reads top-down like a report a colleague would write, not a form dump:
an at-a-glance summary first (risk of serious harm and who is at risk, the
areas linked to offending and harm, strengths, the plan's objectives and
dates), then each section's answers, then quality assurance.  Hidden and
empty questions are left out rather than printed as blanks, and every
piece of the person's text is escaped so it can never turn into headings,
links or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from exports.escape import for_markdown as escape
from exports.history import corrections, history
from exports.summary import summarise
from exports.text import (
    age_as_of,
    answered,
    entry_line,
    grid_rows,
    long_date,
    ordered_entries,
    scalar_text,
)
from forms.model import AssessmentForm, Case, Objective, Question, Record, Rubric
from forms.record.plan import AGREEMENT_LABELS, STEP_STATUS_LABELS
from forms.record.signoff import per_file
from storage.store import AuditEvent, CaseChange

KIND_TITLES: dict[str, str] = {"assessment": "Assessment", "review": "Review", "short": "Short assessment"}

STATUS_WORDS: dict[str, str] = {
    "draft": "Draft: not yet sent for quality assurance.",
    "submitted": "Sent for quality assurance; not yet checked.",
    "returned": "Returned by quality assurance for changes.",
    "approved": "Approved by quality assurance.",
    "locked": "Approved and locked (countersigned); changes are made as an amendment.",
}

_LINE_START = re.compile(r"^(\s*)(?:([#>+=~-])|(\d+)([.)]))", re.MULTILINE)


def _line_starts(markdown: str) -> str:
    """Escape what would make a line start a heading, quote or list (`# `, `> `, `- `, `1. `)."""
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}", markdown)


def _paragraph(text: str) -> str:
    return _line_starts(escape(text))


def to_markdown(
    record: Record,
    case: Case,
    form: AssessmentForm,
    audit: Sequence[AuditEvent] = (),
    rubric: Rubric | None = None,
    *,
    notice: str = "",
    corrected: Sequence[CaseChange] = (),
) -> str:
    """The whole report as Markdown text (`rubric` names the graded criteria; without it, their ids).

    `corrected`: the corrections of the case's details (`Store.case_changes`), listed after the quality
    assurance section so a reader sees what the name, identifier or sentence said before.

    `notice` opens the report: in a copy for the person that leaves answers
    out, why; in the team's copy of a form that withholds answers, that it
    is not for the person (`forms.record.sharing`).
    """
    blocks = [
        *_heading(record, case, form),
        *([f"*{escape(notice)}*"] if notice else []),
        *_at_a_glance(record, form),
        *_sections(record, form),
        *_plan(record, form),
        *_left_behind(record),
        *_quality(record, form, audit, rubric),
        *_corrected(corrected),
    ]
    return "\n\n".join(blocks) + "\n"


def _heading(record: Record, case: Case, form: AssessmentForm) -> list[str]:
    title = KIND_TITLES.get(record.kind, record.kind.title())
    facts = [
        f"Case {escape(case.ref)}",
        f"{escape(form.header.title)} (version {escape(record.form_version)})",
        f"written by {escape(record.author)}" if record.author else "",
        f"last updated {long_date(record.updated_at)}" if record.updated_at else "",
    ]
    lines = [f"# {title}: {escape(case.name)}", " · ".join(f for f in facts if f)]
    sentence = case.sentence
    described = ", ".join(part for part in (sentence.type, sentence.length) if part)
    if described or sentence.end or sentence.requirements:
        said = [
            f"Sentence: {escape(described)}" if described else "Sentence",
            f"ends {long_date(sentence.end)}" if sentence.end else "",
            f"court: {escape(sentence.court)}" if sentence.court else "",
        ]
        lines.append(" · ".join(part for part in said if part))
        if sentence.requirements:
            lines.append("Requirements: " + "; ".join(escape(r) for r in sentence.requirements))
    return lines


def _corrected(changes: Sequence[CaseChange]) -> list[str]:
    if not changes:
        return []
    return ["## Case details corrected", _bullets(corrections(changes, escape=_one_line, day=long_date))]


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {_line_starts(item)}" for item in items)


def _at_a_glance(record: Record, form: AssessmentForm) -> list[str]:
    summary = summarise(form, record)
    facts = [
        f"**Risk of serious harm:** {escape(summary.risk_level) or 'not yet given'}",
        f"**Linked to offending:** {_listing(summary.linked_to_offending)}",
        f"**Linked to serious harm:** {_listing(summary.linked_to_harm)}",
    ]
    blocks = ["## At a glance", _bullets(facts)]
    if summary.at_risk:
        blocks += [
            "### Who is at risk",
            _bullets(f"{escape(who)}: {escape(level)}" for who, level in summary.at_risk),
        ]
    blocks.append("### Strengths and protective factors")
    if summary.strengths:
        blocks.append(_bullets(f"*{escape(s.where)}* — {_one_line(s.text)}" for s in summary.strengths))
    else:
        blocks.append("None written yet.")
    blocks.append("### Plan objectives")
    if summary.objectives:
        blocks.append(_bullets(_objective_line(o, form) for o in summary.objectives))
    else:
        blocks.append("No objectives yet.")
    return blocks


def _listing(titles: list[str]) -> str:
    return ", ".join(escape(t) for t in titles) if titles else "none"


def _one_line(text: str) -> str:
    return escape(" ".join(text.split()))


def _area_titles(objective: Objective, form: AssessmentForm) -> str:
    titles = [(s.title if (s := form.section(a)) else a) for a in objective.areas]
    return ", ".join(escape(t) for t in titles)


def _objective_line(objective: Objective, form: AssessmentForm) -> str:
    line = _one_line(objective.goal) or "(no goal written yet)"
    if objective.by:
        line += f" — by {long_date(objective.by)}"
    if objective.areas:
        line += f" ({_area_titles(objective, form)})"
    return line


# ---------------------------------------------------------------- sections


def _sections(record: Record, form: AssessmentForm) -> list[str]:
    """Each section with a shown answer under its heading; answers come in form order, so grouped."""
    blocks: list[str] = []
    section = None
    on = age_as_of(record)
    for answer in answered(form, record):
        if answer.section is not section:
            section = answer.section
            blocks.append(_heading_text(section.title))
        blocks.extend(_answer(answer.question, answer.value, on))
    return blocks


@lru_cache(maxsize=4096)
def _heading_text(title: str) -> str:
    """A section's heading; worked out once per title rather than once per record."""
    return f"## {escape(title)}"


@lru_cache(maxsize=4096)
def _label_text(label: str, *, inline: bool) -> str:
    """A question's label in bold, as it leads its answer (`inline`: with the answer on its line).

    Worked out once per label rather than once per answer of every record.
    """
    if not inline:
        return f"**{escape(label)}**"
    colon = "" if label.rstrip()[-1:] in "?:." else ":"
    return f"**{escape(label)}{colon}**"


def _answer(question: Question, value: Any, on: date | None) -> list[str]:
    """A question's answer as Markdown blocks; `on` is the day a date of birth's age is given on."""
    label = _label_text(question.label, inline=False)
    if question.type == "text":
        paragraphs = [_paragraph(p) for p in str(value).split("\n\n") if p.strip()]
        return [label, *paragraphs]
    if question.type == "grid":
        rows = grid_rows(question, value) if isinstance(value, dict) else []
        return [label, _bullets(f"{escape(row)}: {escape(level)}" for row, level in rows)] if rows else []
    if question.type == "group":
        entries = [entry_line(question, e, escape) for e in ordered_entries(question, value)]
        return [label, _bullets(entries)] if entries else []
    return [f"{_label_text(question.label, inline=True)} {escape(scalar_text(question, value, on))}"]


# ---------------------------------------------------------------- plan and QA


def _plan(record: Record, form: AssessmentForm) -> list[str]:
    if not record.plan and record.agreement is None:
        return []
    blocks = ["## Sentence plan"]
    for number, objective in enumerate(record.plan, 1):
        details = [
            ("What will be done", objective.actions),
            ("Who", objective.who),
            ("By", long_date(objective.by) if objective.by else ""),
            ("How we will know", objective.measure),
            ("Areas", _area_titles(objective, form)),
            ("Progress", STEP_STATUS_LABELS.get(objective.status, objective.status)),
        ]
        blocks.append(f"### {number}. {_one_line(objective.goal) or '(no goal written yet)'}")
        lines = [
            f"**{name}:** {_one_line(text) if name != 'Areas' else text}" for name, text in details if text
        ]
        lines += [
            f"Step: {_one_line(s.what)} ({STEP_STATUS_LABELS.get(s.status, s.status)})"
            for s in objective.steps
        ]
        lines += [
            f"{long_date(p.on)}: {escape(p.status)} {_one_line(p.note)}".rstrip() for p in objective.progress
        ]
        blocks.append(_bullets(lines))
    if record.agreement is not None:
        agreement = record.agreement
        said = AGREEMENT_LABELS.get(agreement.choice, agreement.choice)
        line = f"The person on probation {said} with this plan"
        line += f" ({long_date(agreement.on)})" if agreement.on else ""
        blocks.append(line + (f": {_one_line(agreement.comment)}" if agreement.comment else "."))
    return blocks


def _left_behind(record: Record) -> list[str]:
    if not record.left_behind:
        return []
    lines = [
        f"{escape(item.label or item.path)}: {_one_line(str(item.value))} ({escape(item.reason)})"
        for item in record.left_behind
    ]
    return ["## Left behind: kept with the record, outside its answers", _bullets(lines)]


def _quality(
    record: Record, form: AssessmentForm, audit: Sequence[AuditEvent], rubric: Rubric | None
) -> list[str]:
    lines = [STATUS_WORDS.get(record.status, escape(record.status))]
    titles = {c.id: c.title for c in rubric.criteria} if rubric else {}
    for grade in record.grades:
        line = f"{escape(titles.get(grade.criterion, grade.criterion))}: **{escape(grade.level)}**"
        line += f" ({escape(grade.by)}{escape(per_file(grade.imported_from))})" if grade.by else ""
        lines.append(line + (f" — {_one_line(grade.comment)}" if grade.comment else ""))
    for comment in record.comments:
        state = "resolved" if comment.resolved_on or comment.resolved_by else "open"
        source = escape(per_file(comment.imported_from))
        lines.append(f"Comment on {escape(comment.path)} ({state}{source}): {_one_line(comment.text)}")
    for override in record.overrides:
        line = f"Submitted past a check: {_one_line(override.message)} Reason: {_one_line(override.reason)}"
        line += f" ({escape(override.by)})" if override.by else ""
        seen = override.acknowledged_by
        lines.append(line + (f"; acknowledged by {escape(seen)}" if seen else ""))
    lines += [
        f"Countersigned by {escape(s.by)} on {long_date(s.on)}{escape(per_file(s.imported_from))}"
        for s in record.signatures
    ]
    lines += history(audit, form, escape=_one_line, day=long_date)
    return ["## Quality assurance", _bullets(lines)]

"""What the A4 sheet says, as plain data for the template: who, risk, linked areas, what protects, plan, QA.

Built from the record (already without withheld answers when the copy is for
the person, see `exports.batch.Exportable.copy_for_person`) and the form's
sheet layout.  Every answer is cut to its word allowance times `scale`; the
sheet format lowers `scale` until the page fits (exports/formats/sheet.py).
Text is only ever data for the template, with control characters made
visible, so nothing a person typed can change the page's layout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from exports.escape import visible_controls
from exports.pdf.fonts import FAMILIES
from exports.pdf.layout import Placed, placed
from exports.pdf.shorten import one_line, shorten
from exports.summary import risk_level
from exports.text import age_as_of, entry_line, grid_rows, is_empty, label_of, ordered_entries, scalar_text
from forms.checks.findings import summary
from forms.checks.library import run_checks
from forms.conditions.visibility import NOTHING
from forms.model import AssessmentForm, Case, Question, Record, Rubric, Section
from forms.record.deadlines import next_review
from forms.record.plan import STEP_STATUS_LABELS
from forms.record.sharing import NOT_FOR_PERSON
from forms.record.signoff import per_file
from storage.store import AuditEvent

MIN_WORDS = 4
"""However tight the page, an answer keeps at least this many words."""
CONTINGENCY = "contingency"
"""The id of the risk management plan's group of "if this happens, we do this, by when" entries."""
CONTINGENCY_WORDS = 20
SENTENCE_WORDS = 8
"""The sentence's type and length beside the name: a few words, the full record has the rest."""
GOAL_WORDS = 30
"""An objective's own words on the sheet, before scaling."""
STATUS_LINES: dict[str, str] = {
    "draft": "Draft — not signed off",
    "submitted": "Sent for quality assurance — not signed off",
    "returned": "Returned by quality assurance for changes — not signed off",
    "approved": "Approved",
    "locked": "Approved and countersigned (locked)",
}
PERSON_BANNER = "Your copy of your assessment and plan."
FOOTERS = {True: "copy for the person", False: "not for the person on probation"}
BODY_SIZE = 9.0
"""Body text in points; nothing on the sheet is smaller than MIN_SIZE (footer, notes, the grid)."""
MIN_SIZE = 8.0

HEADINGS: dict[str, dict[str, Any]] = {
    "practitioner": {
        "risk": "Risk of serious harm",
        "level": "Overall level",
        "at_risk": "Who is at risk",
        "contingency": "If things change",
        "areas": "Areas linked to offending and harm",
        "no_areas": "No area is marked as linked to offending or harm.",
        "no_analysis": "no analysis written yet",
        "protects": "Strengths and what already protects",
        "none_written": "None written yet.",
        "plan": "Sentence plan",
        "plan_columns": ["Objective, in the person's own words", "By", "Status"],
        "no_objectives": "No objectives yet.",
        "review": "Next review",
        "qa": "Quality assurance",
        "status": "Status",
    },
    "person": {
        "risk": "Risk of serious harm to other people",
        "level": "Our overall view",
        "at_risk": "Who could be hurt",
        "contingency": "If things change, we will",
        "areas": "Parts of your life linked to offending or harm",
        "no_areas": "No part of your life is marked as linked to offending or harm.",
        "no_analysis": "not written yet",
        "protects": "Your strengths and what helps you",
        "none_written": "Nothing written yet.",
        "plan": "Your plan",
        "plan_columns": ["What you want to achieve, in your words", "By", "Where it is up to"],
        "no_objectives": "No plan yet.",
        "review": "We will look at this again by",
        "qa": "Quality assurance",
        "status": "Where this is up to",
    },
}
"""The sheet's own words: the practitioner's, and plain ones for the person's copy."""


def text(value: str) -> str:
    """A person's words as the page shows them: on one line, with control characters made visible."""
    return visible_controls(one_line(value))


def short_date(value: str) -> str:
    """An ISO date (or the day of a timestamp) as "3 Mar 2027"; other text unchanged."""
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%b %Y}"


def _cut(value: str, words: int, scale: float, more: str) -> dict[str, str]:
    """An answer cut to its allowance; `more` names where the rest is, or "" when nothing was cut."""
    done = shorten(text(value), max(MIN_WORDS, round(words * scale)))
    return {"text": done.text, "more": more if done.cut else ""}


def anchor(section: Section | str) -> str:
    """The label of a section's heading in the full record, which "continues on page N" points at."""
    return f"full-{section if isinstance(section, str) else section.id}"


def build(
    record: Record,
    case: Case,
    form: AssessmentForm,
    audit: Sequence[AuditEvent] = (),
    rubric: Rubric | None = None,
    *,
    person: bool = False,
    notice: str = "",
    scale: float = 1.0,
    previous: Mapping[str, Any] = NOTHING,
) -> dict[str, Any]:
    """The sheet's content (the template's `content`, without `full`); `previous` as for `run_checks`."""
    shown = [p for p in placed(form) if not p.question.withhold_from_person or not person]
    headings = HEADINGS["person" if person else "practitioner"]
    return {
        "title": f"A4 sheet: {text(case.name)} ({text(case.ref)})",
        "fonts": list(FAMILIES),
        "size": BODY_SIZE,
        "small": MIN_SIZE,
        "headings": headings,
        "status_label": headings["status"],
        "signoff": signoff(record, audit),
        "full": None,
        "page_numbers": False,
        "person": person,
        "banner": PERSON_BANNER if person else NOT_FOR_PERSON,
        "notice": notice,
        "who": _who(record, case, form),
        "risk": _risk(record, form, shown, scale, person),
        "areas": _areas(record, form, shown, scale),
        "protects": _answers(record, [p for p in shown if p.block == "protects"], scale),
        "objectives": [
            {
                **_cut(o.goal or "(no goal written yet)", GOAL_WORDS, scale, anchor("plan")),
                "by": short_date(o.by) if o.by else "no date yet",
                "status": STEP_STATUS_LABELS.get(o.status, o.status),
            }
            for o in sorted(record.plan, key=lambda o: (o.by or "9999", o.id))
        ],
        "review": _review(record, case, form, audit),
        "qa": None if person else _qa(record, form, rubric, previous),
        "footer": f"{text(case.ref)} · {FOOTERS[person]}",
    }


def _who(record: Record, case: Case, form: AssessmentForm) -> dict[str, Any]:
    facts = [["Reference", text(case.ref)]]
    sentence = ", ".join(text(p) for p in (case.sentence.type, case.sentence.length) if p.strip())
    if sentence:
        facts.append(["Sentence", shorten(sentence, SENTENCE_WORDS).text])
    if case.sentence.end:
        facts.append(["Ends", short_date(case.sentence.end)])
    if case.start:
        facts.append(["Started", short_date(case.start)])
    facts.append(["Assessed", short_date(record.created_at) if record.created_at else "not yet saved"])
    if record.updated_at and record.updated_at[:10] != record.created_at[:10]:
        facts.append(["Last changed", short_date(record.updated_at)])
    return {
        "name": text(case.name),
        "facts": facts,
        "form": text(f"{form.header.title} {record.form_version}"),
    }


def signoff(record: Record, audit: Sequence[AuditEvent]) -> str:
    """Who assessed, who approved and when; or that it is not signed off."""
    line = STATUS_LINES.get(record.status, text(record.status))
    who = f"assessed by {text(record.author)}" if record.author else ""
    if record.status not in ("approved", "locked"):
        return "; ".join(p for p in (line, who) if p)
    approvals = [e for e in audit if e.kind == "status" and e.new in ("approved", "locked")]
    parts = [line, who]
    if approvals:
        first = approvals[0]
        parts.append(
            f"approved by {text(first.actor)} on {short_date(first.at)}{text(per_file(first.imported_from))}"
        )
    parts += [
        f"countersigned by {text(s.by)} on {short_date(s.on)}{text(per_file(s.imported_from))}"
        for s in record.signatures
    ]
    return "; ".join(p for p in parts if p)


def _risk(
    record: Record, form: AssessmentForm, shown: list[Placed], scale: float, person: bool
) -> dict[str, Any]:
    level = risk_level(form, record) or "not yet given"
    grid = None
    if form.risk_level:
        section = form.section(form.risk_level.partition(".")[0])
        grids = [q for q in section.questions if q.type == "grid"] if section else []
        if section and grids:
            grid = _grid(grids[0], record.answers.get(f"{section.id}.{grids[0].id}"))
    return {
        "level": level,
        "grid": grid,
        "items": _answers(record, [p for p in shown if p.block == "risk"], scale),
        "contingency": _contingency(record, form, person, scale),
    }


def _contingency(record: Record, form: AssessmentForm, person: bool, scale: float) -> list[dict[str, str]]:
    """The risk management plan's "if this happens, we do this" lines: every entry of a group question
    whose id is `contingency` (the convention docs/forms.md gives), each on its own line."""
    lines = []
    for section in form.sections:
        question = section.question(CONTINGENCY)
        if question is None or question.type != "group" or (person and question.withhold_from_person):
            continue
        for entry in ordered_entries(question, record.answers.get(f"{section.id}.{question.id}")):
            lines.append(_cut(entry_line(question, entry), CONTINGENCY_WORDS, scale, anchor(section)))
    return lines


def _grid(question: Question, value: Any) -> dict[str, Any] | None:
    """Who is at risk as a compact table: a row per answered row, a column per grid column."""
    if not isinstance(value, dict):
        return None
    rows = []
    for row in question.rows:
        cells = value.get(row.id)
        if not isinstance(cells, dict) or all(is_empty(cells.get(c.id)) for c in question.columns):
            continue
        levels = [label_of(question.options, cells[c.id]) if not is_empty(cells.get(c.id)) else "—"
                  for c in question.columns]  # fmt: skip
        rows.append([row.label, *levels])
    return {"columns": [c.label for c in question.columns], "rows": rows} if rows else None


def _answers(record: Record, items: list[Placed], scale: float) -> list[dict[str, str]]:
    found = []
    on = age_as_of(record)
    for item in items:
        value = record.answers.get(item.path)
        if is_empty(value):
            continue
        words = answer_text(item.question, value, on)
        found.append({"label": item.label, **_cut(words, item.words, scale, anchor(item.section))})
    return found


def answer_text(question: Question, value: Any, on: date | None = None) -> str:
    """Any answer as running words: a group's entries one after another, a grid's rows likewise; `on`
    is the day a date of birth's age is given on."""
    if question.type == "group":
        return "; ".join(entry_line(question, e) for e in ordered_entries(question, value))
    if question.type == "grid" and isinstance(value, dict):
        return "; ".join(f"{row}: {levels}" for row, levels in grid_rows(question, value))
    return scalar_text(question, value, on)


def _areas(record: Record, form: AssessmentForm, shown: list[Placed], scale: float) -> list[dict[str, str]]:
    summaries = {p.section.id: p for p in shown if p.block == "areas"}
    areas = []
    for section in form.sections:
        links = [what for what, qid in (("offending", "linked_offending"), ("harm", "linked_harm"))
                 if record.answers.get(f"{section.id}.{qid}") == "yes"]  # fmt: skip
        if not links:
            continue
        item = summaries.get(section.id)
        value = record.answers.get(item.path) if item else None
        cut = _cut(str(value), item.words, scale, anchor(section)) if item and not is_empty(value) else {
            "text": "", "more": ""}  # fmt: skip
        areas.append({"title": section.title, "links": " and ".join(links), **cut})
    return areas


def _review(record: Record, case: Case, form: AssessmentForm, audit: Sequence[AuditEvent]) -> str:
    if case.next_review:
        return short_date(case.next_review)
    approvals = [e.at for e in audit if e.kind == "status" and e.new in ("approved", "locked")]
    if record.status in ("approved", "locked") and (approvals or record.updated_at):
        signed = (approvals or [record.updated_at])[0][:10]  # an imported record may have no audit trail
        return short_date(next_review(date.fromisoformat(signed), form.deadlines).isoformat())
    return "set when the assessment is signed off"


def _qa(
    record: Record, form: AssessmentForm, rubric: Rubric | None, previous: Mapping[str, Any]
) -> dict[str, Any]:
    """The rubric's result in one line: automatic criteria met, the assessor's grades."""
    if rubric is None:
        return {"line": "No quality assurance rubric is loaded for this form.", "overrides": []}
    results = run_checks(rubric, form, record, previous=previous)
    met, judged = summary(results)
    parts = [f"{met} of {judged} automatic checks met"]
    titles = {c.id: c.title for c in rubric.criteria}
    if record.grades:
        graded = [f"{titles.get(g.criterion, g.criterion)}: {g.level}{per_file(g.imported_from)}"
                  for g in record.grades]  # fmt: skip
        parts.append("graded " + ", ".join(graded))
    failing = [r.criterion.title for r in results if r.findings]
    if failing:
        parts.append("not met: " + ", ".join(failing))
    overridden = [
        text(
            f"{o.message} (reason: {o.reason}"
            + (f"; read by {o.acknowledged_by})" if o.acknowledged_by else ")")
        )
        for o in record.overrides
    ]
    return {"line": text("; ".join(parts)), "overrides": overridden}

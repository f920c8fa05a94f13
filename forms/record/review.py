"""Reviews that start from last time: carry a record forward, see what changed, and sum it up.

A review copies the last countersigned record, so the practitioner only
touches what moved.  For that to be safe, every section must be looked at:
either edited or confirmed "no change" on purpose.  These pure functions say
which sections still need that, what changed word by word, and what the
review changed overall (risk level, linked areas, objectives), for the case
screen, the plan screen, the sign-off check and the exports alike.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from forms.model import AssessmentForm, PlanTemplate, Question, Record
from forms.record.plan import linked_areas, long_date

DiffOp = Literal["same", "added", "removed"]


# ---------------------------------------------------------------- carrying forward


def carried_date(previous: Record) -> str:
    """The ISO date a review carries from: when the previous record was last changed (its sign-off)."""
    return (previous.updated_at or previous.created_at)[:10]


def carry_forward(previous: Record, new_id: str, *, author: str = "") -> Record:
    """A new draft review of `previous`: every answer, source, objective and its history copied.

    Deep copies, so editing the review can never change the record it
    reviews.  The person's agreement travels too; the plan screen asks again
    as soon as the plan's terms change.
    """
    return Record(
        id=new_id,
        case_ref=previous.case_ref,
        form_id=previous.form_id,
        form_version=previous.form_version,
        kind="review",
        answers=copy.deepcopy(previous.answers),
        words=dict(previous.words),  # so the caseload shows the carried words before the first save
        plan=copy.deepcopy(previous.plan),
        agreement=copy.deepcopy(previous.agreement),
        author=author,
        reviews=previous.id,
        carried_from=carried_date(previous),
    )


# ---------------------------------------------------------------- sections


def _section_answers(answers: Mapping[str, Any], section_id: str) -> dict[str, Any]:
    prefix = f"{section_id}."
    return {path: value for path, value in answers.items() if path.startswith(prefix)}


def section_changed(record: Record, previous: Record, section_id: str) -> bool:
    """Whether any answer of the section differs from the record under review."""
    return _section_answers(record.answers, section_id) != _section_answers(previous.answers, section_id)


def _answered_sections(*records: Record) -> list[str]:
    seen: dict[str, None] = {}
    for record in records:
        for path in record.answers:
            seen.setdefault(path.partition(".")[0], None)
    return list(seen)


def unconfirmed_sections(
    record: Record, previous: Record | None, sections: Sequence[str] | None = None
) -> list[str]:
    """Ids of sections neither confirmed "no change" nor edited; empty unless `record` is a review.

    `sections` are the section ids on screen (pass the form's visible ones);
    without it, every section either record answers.  A submit is refused
    while this list is not empty.
    """
    if record.kind != "review" or previous is None:
        return []
    ids = list(sections) if sections is not None else _answered_sections(previous, record)
    confirmed = set(record.confirmed)
    return [s for s in ids if s not in confirmed and not section_changed(record, previous, s)]


# ---------------------------------------------------------------- word diff


def word_diff(old: str, new: str) -> list[tuple[DiffOp, str]]:
    """`new` against `old` word by word: runs of ("same" | "added" | "removed", words joined by spaces)."""
    before, after = old.split(), new.split()
    pieces: list[tuple[DiffOp, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("same", " ".join(before[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", " ".join(before[i1:i2])))
        if j2 > j1:
            pieces.append(("added", " ".join(after[j1:j2])))
    return pieces


def diff_text(pieces: Iterable[tuple[DiffOp, str]]) -> str:
    """A diff in plain text, marked so it reads without colour: "a [-flat-] {+hostel+} place"."""
    marks = {"same": "{}", "added": "{{+{}+}}", "removed": "[-{}-]"}
    return " ".join(marks[op].format(text) for op, text in pieces)


def answer_text(question: Question, value: Any) -> str:
    """An answer as words a person reads (option labels, dates in full), for diffs and summaries."""
    if value is None:
        return ""
    if question.type in ("choice", "yesno"):
        option = question.option(str(value))
        return option.label if option else str(value).capitalize()
    if question.type == "multi":
        return ", ".join(answer_text(_as_choice(question), v) for v in value)
    if question.type == "date":
        return long_date(str(value))
    if question.type == "grid" and isinstance(value, Mapping):
        rows = {r.id: r.label for r in question.rows}
        columns = {c.id: c.label for c in question.columns}
        return "; ".join(
            f"{rows.get(row, row)} {columns.get(col, col)}: {answer_text(_as_choice(question), level)}"
            for row, cells in value.items()
            for col, level in cells.items()
        )
    if question.type == "group" and isinstance(value, list):
        fields = {f.id: f for f in question.fields}
        return "; ".join(
            ", ".join(
                answer_text(fields[k], v) if k in fields else str(v)
                for k, v in entry.items()
                if v is not None
            )
            for entry in value
        )
    return str(value)


def _as_choice(question: Question) -> Question:
    """The question as a single choice among its options (for multi and grid level labels)."""
    return Question(id=question.id, type="choice", label=question.label, options=question.options)


@dataclass(frozen=True)
class AnswerDiff:
    """One answer of a section that differs from last time."""

    path: str
    label: str
    pieces: tuple[tuple[DiffOp, str], ...]


def section_diff(
    form: AssessmentForm, section_id: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[AnswerDiff]:
    """Each answer of the section that changed, in form order, with its word diff."""
    section = form.section(section_id)
    if section is None:
        return []
    changes = []
    for question in section.questions:
        path = f"{section_id}.{question.id}"
        before, after = old.get(path), new.get(path)
        if before != after:
            pieces = word_diff(answer_text(question, before), answer_text(question, after))
            changes.append(AnswerDiff(path, question.label, tuple(pieces)))
    return changes


# ---------------------------------------------------------------- review summary


@dataclass(frozen=True)
class ReviewSummary:
    """What a review changed since the record it reviews."""

    risk_before: str
    risk_after: str
    areas_added: tuple[str, ...] = ()
    areas_removed: tuple[str, ...] = ()
    objectives_done: tuple[str, ...] = ()
    objectives_added: tuple[str, ...] = ()
    objectives_dropped: tuple[str, ...] = ()
    sections_changed: tuple[str, ...] = ()
    sections_confirmed: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The summary as plain lines, the way the case screen and exports show it."""
        before, after = self.risk_before or "not given", self.risk_after or "not given"
        change = "(no change)" if before == after else f"(was {before})"
        return [
            f"Risk of serious harm: {after} {change}",
            _listed("Sections changed", self.sections_changed),
            _listed("Sections confirmed no change", self.sections_confirmed),
            _listed("Linked areas added", self.areas_added),
            _listed("Linked areas no longer linked", self.areas_removed),
            _listed("Objectives done", self.objectives_done),
            _listed("Objectives added", self.objectives_added),
            _listed("Objectives dropped", self.objectives_dropped),
        ]


def _listed(heading: str, items: Sequence[str]) -> str:
    return f"{heading}: {', '.join(items) if items else 'none'}"


def _risk(form: AssessmentForm, record: Record) -> str:
    if form.risk_level is None:
        return ""
    question = form.question(form.risk_level)
    value = record.answers.get(form.risk_level)
    return answer_text(question, value) if question else str(value or "")


def _goal(text: str) -> str:
    """An objective named in a summary: its goal, cut to a readable length."""
    words = text.split()
    return " ".join(words[:12]) + (" …" if len(words) > 12 else "") if words else "(no goal yet)"


def review_summary(
    previous: Record, current: Record, form: AssessmentForm, plan: PlanTemplate | None
) -> ReviewSummary:
    """Risk level before and after, linked areas added and removed, objectives done, added and dropped."""
    titles = {s.id: s.title for s in form.sections}
    before_areas = linked_areas(form, previous, plan)
    after_areas = linked_areas(form, current, plan)
    old = {o.id: o for o in previous.plan}
    new = {o.id: o for o in current.plan}
    done = [o for o in current.plan if o.status == "done" and (o.id not in old or old[o.id].status != "done")]
    dropped = [o for o in previous.plan if o.id not in new]
    dropped += [
        o
        for o in current.plan
        if o.status == "no_longer_needed" and o.id in old and old[o.id].status != "no_longer_needed"
    ]
    ids = [s.id for s in form.sections]
    changed = [s for s in ids if section_changed(current, previous, s)]
    return ReviewSummary(
        risk_before=_risk(form, previous),
        risk_after=_risk(form, current),
        areas_added=tuple(titles[a] for a in after_areas if a not in before_areas),
        areas_removed=tuple(titles[a] for a in before_areas if a not in after_areas),
        objectives_done=tuple(_goal(o.goal) for o in done),
        objectives_added=tuple(_goal(o.goal) for o in current.plan if o.id not in old),
        objectives_dropped=tuple(_goal(o.goal) for o in dropped),
        sections_changed=tuple(titles[s] for s in changed),
        sections_confirmed=tuple(titles[s] for s in ids if s in current.confirmed and s not in changed),
    )

"""The sign-off rules: who may submit, return and countersign a record, and what still blocks it.

Written once, apart from any screen or engine, so the case screen can offer
only what will succeed, the QA queue can say what a record waits for, and a
later team engine can hold the database to the same rules.  A refusal is a
sentence for a person (what is wrong and what to do), `None` when allowed.

The rules:

* only the author submits, from draft or returned, once nothing blocks it;
* a QA assessor (or manager) who is not the author returns or countersigns;
* every hand-graded criterion is graded before the first countersignature;
* when the rubric's `second_countersign_if` holds, the record locks only
  after two countersignatures by two different people, neither the author.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from forms.checks.context import CheckContext
from forms.checks.kinds import with_defaults
from forms.checks.library import check_required
from forms.conditions.visibility import holds
from forms.model import AssessmentForm, Comment, Grade, Record, Rubric

SIGNING_ROLES: tuple[str, ...] = ("qa_assessor", "manager")
"""Roles that may grade, return and countersign someone else's record."""

SUBMITTABLE: tuple[str, ...] = ("draft", "returned")

Action = Literal["return", "approve"]


@dataclass(frozen=True)
class Decision:
    """What a QA assessor decided on a record: return it or countersign it, with grades and comments."""

    action: Action
    grades: tuple[Grade, ...] = ()
    comments: tuple[Comment, ...] = field(default_factory=tuple)
    note: str = ""
    acknowledge_overrides: bool = False
    """The assessor has read each reason the practitioner gave for submitting past a failing check."""


class SignoffRefused(Exception):
    """A sign-off step these rules do not allow; `str()` says why, in words for a person."""


@dataclass(frozen=True)
class Blocker:
    """One thing that stops a submission, and where to fix it (a path as in `forms.checks.findings`)."""

    message: str
    path: str


def submit_blockers(
    form: AssessmentForm, record: Record, *, short: bool | None = None, unconfirmed: Sequence[str] = ()
) -> list[Blocker]:
    """Required questions left unanswered, then (in a review) sections not yet confirmed or updated.

    `unconfirmed` are section ids, as `forms.record.review.unconfirmed_sections` gives them.
    """
    ctx = CheckContext(
        form=form,
        record=record,
        plan=None,
        today=date.today(),
        short=record.is_short if short is None else short,
    )
    found = [Blocker(d.message, d.path) for d in check_required(ctx, with_defaults("required", {}))]
    for section_id in unconfirmed:
        section = form.section(section_id)
        title = section.title if section else section_id
        found.append(Blocker(f"{title}: confirm it is unchanged, or update it", section_id))
    return found


def submit_refusal(record: Record, user: str, blockers: Sequence[Blocker] = ()) -> str | None:
    """Why `user` may not submit `record` for QA now, or None."""
    if user != record.author:
        return f"Only the author ({record.author}) submits this record for QA."
    if record.status not in SUBMITTABLE:
        return f"This record is {record.status}; only a draft or returned record is submitted."
    if blockers:
        count = len(blockers)
        return f"{count} thing{'s' if count != 1 else ''} to finish before submitting: {blockers[0].message}"
    return None


def _reviewer_refusal(record: Record, user: str, role: str) -> str | None:
    if role not in SIGNING_ROLES:
        return "Only a QA assessor or manager signs off records; ask yours to set `role` in their config."
    if user == record.author:
        return "You wrote this record, so someone else must assess and countersign it."
    return None


def signers(record: Record) -> list[str]:
    """Distinct people who have countersigned in this store, in order (a file's history does not count)."""
    return list(dict.fromkeys(s.by for s in record.signatures if not s.imported_from))


def per_file(imported_from: str) -> str:
    """ ", per the imported file C-17.json" after a line a file told us, never this store's own; else ""."""
    return f", per the imported file {imported_from}" if imported_from else ""


STEP_WORDS: dict[str, str] = {
    "submitted": "submitted for QA",
    "returned": "returned for changes",
    "approved": "approved",
    "locked": "locked",
    "draft": "reopened as a draft",
}
"""A status step in a few words, for lines such as "approved by kim.qa on 2025-03-01"."""


def imported_signoff_lines(record: Record, steps: Iterable[tuple[str, str, str, str]]) -> list[str]:
    """Lines saying what a file claims about sign-off.

    "approved by kim.qa on 2025-03-01, per the imported file C-17.json": `steps` are (new status, actor,
    at, imported_from) of the record's status entries.
    """
    lines = [
        f"{STEP_WORDS.get(new, new)} by {actor} on {at[:10]}{per_file(source)}"
        for new, actor, at, source in steps
        if source
    ]
    lines += [
        f"countersigned by {s.by} on {s.on[:10]}{per_file(s.imported_from)}"
        for s in record.signatures
        if s.imported_from
    ]
    return lines


def returned_banner(record: Record, steps: Iterable[tuple[str, str, str, str]]) -> str:
    """What the author of a returned record reads first: who returned it, when, why, and what waits.

    "Returned for changes by kim.qa on 2026-03-02: Risk reasoning needs another look. 2 QA comments
    to resolve (under the sections they concern)."  `steps` are (new status, actor, at, reason) of the
    record's status entries, oldest first.  Empty unless the record is returned.
    """
    if record.status != "returned":
        return ""
    last = next((step for step in reversed(list(steps)) if step[0] == "returned"), None)
    by = f" by {last[1]} on {last[2][:10]}" if last else ""
    why = f": {last[3].strip()}" if last and last[3].strip() else " (no reason given)"
    waiting = len(unresolved(record.comments))
    comments = (
        f" {waiting} QA comment{'s' if waiting != 1 else ''} to resolve (under the sections they concern)."
        if waiting
        else " No QA comments wait."
    )
    return f"Returned for changes{by}{why.rstrip('.')}.{comments}"


def needs_second(rubric: Rubric | None, form: AssessmentForm, record: Record) -> bool:
    """Whether the rubric asks for a second countersignature on this record (e.g. high risk)."""
    if rubric is None or rubric.second_countersign_if is None:
        return False
    return holds(form, None, rubric.second_countersign_if, record.answers, record.is_short)


def signatures_needed(rubric: Rubric | None, form: AssessmentForm, record: Record) -> int:
    return 2 if needs_second(rubric, form, record) else 1


def ungraded(rubric: Rubric | None, record: Record) -> list[str]:
    """Ids of hand-graded criteria with no grade yet, in rubric order."""
    if rubric is None:
        return []
    graded = {g.criterion for g in record.grades if g.level}
    return [c.id for c in rubric.criteria if c.graded and c.id not in graded]


def return_refusal(record: Record, user: str, role: str) -> str | None:
    """Why `user` may not return `record` to its author, or None."""
    if refusal := _reviewer_refusal(record, user, role):
        return refusal
    if record.status != "submitted":
        return f"This record is {record.status}; only a submitted record is returned."
    return None


def signoff_refusal(
    rubric: Rubric | None, form: AssessmentForm, record: Record, user: str, role: str
) -> str | None:
    """Why `user` may not grade, return or countersign `record` now, or None."""
    if refusal := _reviewer_refusal(record, user, role):
        return refusal
    if user in signers(record):
        return "You have countersigned this record already; a second countersignature needs someone else."
    if record.status == "approved" and len(signers(record)) < signatures_needed(rubric, form, record):
        return None
    if record.status != "submitted":
        return f"This record is {record.status}; there is nothing to sign off."
    return None


def approve_refusal(
    rubric: Rubric | None, form: AssessmentForm, record: Record, user: str, role: str
) -> str | None:
    """Why `user` may not countersign `record` now, or None (a first signer must grade everything)."""
    if refusal := signoff_refusal(rubric, form, record, user, role):
        return refusal
    if record.status == "submitted" and (missing := ungraded(rubric, record)):
        titles = {c.id: c.title for c in rubric.criteria} if rubric else {}
        return f"Grade every criterion first; still to grade: {', '.join(titles.get(m, m) for m in missing)}."
    return None


def status_after_signing(rubric: Rubric | None, form: AssessmentForm, record: Record) -> str:
    """ "locked" when this countersignature completes what the rubric asks, else "approved"."""
    return "locked" if len(signers(record)) + 1 >= signatures_needed(rubric, form, record) else "approved"


def first_signers(record: Record) -> str:
    """Who countersigned an approved record first, in words; never a blank name.

    A record imported as approved may carry only the file's countersignatures
    (said as the file's), or none at all.
    """
    if own := signers(record):
        return f"first: {', '.join(own)}"
    if imported := [s for s in record.signatures if s.imported_from]:
        return "first: " + ", ".join(f"{s.by}{per_file(s.imported_from)}" for s in imported)
    return "no first countersignature recorded"


def waiting_for(rubric: Rubric | None, form: AssessmentForm, record: Record) -> str:
    """What a record in the QA queue waits for, in a few words."""
    if record.status == "approved":
        return f"second countersignature ({first_signers(record)})"
    if record.status == "submitted":
        second = " (two countersignatures)" if needs_second(rubric, form, record) else ""
        return f"QA assessment{second}"
    return record.status


def option_label(form: AssessmentForm, path: str | None, value: object) -> str:
    """An answer's option label ("High"), or the value itself, or "not set"."""
    if value is None or value == "":
        return "not set"
    question = form.question(path) if path else None
    option = question.option(str(value)) if question else None
    return option.label if option else str(value)


def level_change_line(
    form: AssessmentForm,
    *,
    old: object,
    new: object,
    actor: str,
    at: str,
    reason: str,
    imported_from: str = "",
) -> str:
    """ "level changed from Medium to High by j.khan on 2026-03-02: why" (record top, exports)."""
    day = at[:10]
    was, now = option_label(form, form.risk_level, old), option_label(form, form.risk_level, new)
    return f"level changed from {was} to {now} by {actor} on {day}{per_file(imported_from)}: {reason}"


def unresolved(comments: Iterable[Comment]) -> list[Comment]:
    """The QA comments still waiting for the author."""
    return [c for c in comments if not c.resolved_by]

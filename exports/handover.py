"""What a practitioner taking over a case needs on one screen: the handover, the latest risk level, the
open objectives, the next review and the checks still outstanding.

Facts only, read from the record, its form and rubric; the app draws them (tui/modals/handover.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from exports.summary import risk_level
from forms.checks.library import run_checks
from forms.conditions.visibility import NOTHING
from forms.model import AssessmentForm, Case, Record, Rubric
from forms.record.plan import CLOSED
from storage.store import Handover


@dataclass(frozen=True)
class HandoverSummary:
    """The one-screen handover of a case to its new practitioner."""

    handover: Handover
    level: str
    """The overall risk of serious harm level in words, or '' when not assessed yet."""
    record_status: str
    """The latest record's status, or '' when the case has none."""
    open_objectives: tuple[str, ...]
    """Each open objective in the person's words, with its target date where set."""
    next_review: str
    """ISO date the case is next due (the review, or the first assessment)."""
    outstanding: tuple[str, ...]
    """Each automatic check still failing, as one line for the practitioner."""


def handover_summary(
    handover: Handover,
    case: Case,
    record: Record | None,
    form: AssessmentForm | None,
    rubric: Rubric | None,
    *,
    today: date,
    previous: Mapping[str, Any] = NOTHING,
) -> HandoverSummary:
    """The summary of `case` as handed over; a case with no record yet has only its due date.

    `previous` are the answers of the record `record` reviews or amends (`storage.earlier`).
    """
    if record is None or form is None:
        return HandoverSummary(handover, "", "", (), case.next_review or case.initial_due, ())
    objectives = tuple(
        f"{objective.goal or '(no words yet)'}" + (f" — by {objective.by}" if objective.by else "")
        for objective in record.plan
        if objective.status not in CLOSED
    )
    outstanding: tuple[str, ...] = ()
    if rubric is not None:
        outstanding = tuple(
            finding.message
            for result in run_checks(rubric, form, record, today=today, previous=previous)
            for finding in result.findings
        )
    return HandoverSummary(
        handover,
        risk_level(form, record),
        record.status,
        objectives,
        case.next_review or case.initial_due,
        outstanding,
    )

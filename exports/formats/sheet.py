"""The A4 sheet: one printed A4 page per record, and with `full` the whole record paginated after it.

Fitting: every answer starts at the word allowance the form gives it
(`[sheet]`, exports/pdf/layout.py) and the page is typeset; while it runs
onto a second page, every allowance is cut by the next step of `SCALES` and
the page typeset again; then `REFINE` halvings between the step that fitted
and the one that did not fill the page as far as it will go.  Type never shrinks (body 9 pt, nothing under
8 pt), so the page stays readable; whole objectives and linked areas are
never dropped, only shortened, each cut marked "…" with where the rest is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from exports.pdf.content import build
from exports.pdf.record import full_record
from exports.pdf.typeset import page_count, typeset
from forms.model import AssessmentForm, Case, Record, Rubric
from storage.store import AuditEvent

SCALES: tuple[float, ...] = (1.0, 0.7, 0.5, 0.35, 0.2, 0.0)
"""Shares of each answer's word allowance tried in turn; 0 keeps each answer's first few words."""
REFINE = 2
"""Halvings between the share that fitted and the one before it (each costs one more typesetting)."""


class SheetOverflow(Exception):
    """Even at the shortest the record does not fit one page (too many objectives or areas to list)."""


def to_sheet(
    record: Record,
    case: Case,
    form: AssessmentForm,
    audit: Sequence[AuditEvent] = (),
    rubric: Rubric | None = None,
    *,
    person: bool = False,
    notice: str = "",
    full: bool = False,
    stamp: datetime | None = None,
) -> bytes:
    """The sheet as PDF bytes: exactly one A4 page, followed by the full record when `full`."""

    def attempt(scale: float) -> tuple[dict[str, Any], bytes] | None:
        content = build(record, case, form, audit, rubric, person=person, notice=notice, scale=scale)
        content["page_numbers"] = full  # fitted with room for "(page N)" when the full record follows
        pdf = typeset(content, stamp=stamp)
        return (content, pdf) if page_count(pdf) == 1 else None

    too_long = None
    for scale in SCALES:
        fitted = attempt(scale)
        if fitted is not None:
            break
        too_long = scale
    else:
        raise SheetOverflow(
            f"the record of {case.ref} has too many objectives and linked areas to list on one page"
        )
    if too_long is not None:
        low, high = scale, too_long
        for _ in range(REFINE):
            middle = (low + high) / 2
            better = attempt(middle)
            if better is not None:
                fitted, low = better, middle
            else:
                high = middle
    content, pdf = fitted
    if not full:
        return pdf
    content["full"] = full_record(record, form, audit, rubric, person=person)
    return typeset(content, stamp=stamp)

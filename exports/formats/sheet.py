"""The A4 sheet: one printed A4 page per record, and with `full` the whole record paginated after it.

Fitting: every answer starts at the word allowance the form gives it
(`[sheet]`, exports/pdf/layout.py) and the page is typeset.  When it runs
onto a second page, a share of every allowance is searched for by halving
(`HALVINGS` tries between none and all of it, then none at all: each answer's
first `MIN_WORDS` words), keeping the longest that fits: four or five
typesettings for a long record, one for most.  Type never shrinks (body
9 pt, nothing under 8 pt), so the page stays readable; objectives and linked
areas are never dropped, only shortened, each cut marked "…" with where the
rest is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from exports.pdf.content import build
from exports.pdf.record import full_record
from exports.pdf.typeset import page_count, typeset
from forms.conditions.visibility import NOTHING
from forms.model import AssessmentForm, Case, Record, Rubric
from storage.store import AuditEvent

HALVINGS = 3
"""Shares of the allowances tried after the whole did not fit: 1/2, then 1/4 or 3/4, then eighths."""


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
    previous: Mapping[str, Any] = NOTHING,
) -> bytes:
    """The sheet as PDF bytes: exactly one A4 page, followed by the full record when `full`.

    `previous` holds the answers of the record this one reviews or amends, which the QA line's
    checks read through `previous.` names (`storage.earlier`).
    """

    def attempt(scale: float) -> tuple[dict[str, Any], bytes] | None:
        content = build(
            record, case, form, audit, rubric, person=person, notice=notice, scale=scale, previous=previous
        )
        content["page_numbers"] = full  # fitted with room for "(page N)" when the full record follows
        pdf = typeset(content, stamp=stamp)
        return (content, pdf) if page_count(pdf) == 1 else None

    fitted = attempt(1.0)
    if fitted is None:
        low, high = 0.0, 1.0  # the longest share known to fit (or 0, untried), the shortest known not to
        for _ in range(HALVINGS):
            middle = (low + high) / 2
            tried = attempt(middle)
            if tried is not None:
                fitted, low = tried, middle
            else:
                high = middle
        fitted = fitted or attempt(0.0)
    if fitted is None:
        raise SheetOverflow(
            f"the record of {case.ref} has too many objectives and linked areas to list on one page"
        )
    content, pdf = fitted
    if not full:
        return pdf
    content["full"] = full_record(record, form, audit, rubric, person=person, case=case)
    return typeset(content, stamp=stamp)

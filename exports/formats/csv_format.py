"""One row per case, for team spreadsheets: who, whose, where it stands, and when it is due.

The header is fixed and documented in docs/exports.md, so a spreadsheet
built on it keeps working.  Dates are ISO 8601 (spreadsheets sort them),
time is whole minutes and words a whole number, so nothing arrives as a
surprising decimal.  Every cell goes through `exports.escape.for_csv_cell`:
text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
`@`, a tab or a carriage return) gets a leading `'`, the usual guard, and
control characters are shown as symbols.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from exports.escape import for_csv_cell
from exports.summary import risk_level
from exports.text import iso_day
from forms.model import AssessmentForm, Case, Record
from forms.record.words import total_words
from storage.store import AuditEvent

HEADER: tuple[str, ...] = (
    "reference",
    "name",
    "owner",
    "sentence_type",
    "sentence_end",
    "status",
    "risk_level",
    "initial_due",
    "next_review",
    "submitted_on",
    "approved_on",
    "active_minutes",
    "words",
    "qa_outcome",
    "countersigned_by",
    "overridden_checks",
)

QA_OUTCOMES: dict[str, str] = {
    "draft": "",
    "submitted": "awaiting QA",
    "returned": "returned for changes",
    "approved": "approved",
    "locked": "approved and locked",
}


@dataclass(frozen=True)
class CaseRow:
    """What one row is made from: a case and its latest record, if it has one."""

    case: Case
    record: Record | None = None
    form: AssessmentForm | None = None
    audit: Sequence[AuditEvent] = ()


def csv_row(row: CaseRow) -> list[str]:
    """The cells of one case's row, in `HEADER` order, each made safe for a spreadsheet (`for_csv_cell`)."""
    return [for_csv_cell(cell) for cell in _cells(row)]


def _cells(row: CaseRow) -> list[str]:
    case, record = row.case, row.record
    who = [case.ref, case.name, case.owner, case.sentence.type, case.sentence.end]
    if record is None:
        return [*who, "not started", "", case.initial_due, case.next_review, "", "", "0", "0", "", "", ""]
    return [
        *who,
        record.status,
        risk_level(row.form, record) if row.form else "",
        case.initial_due,
        case.next_review,
        _last_change_to(row.audit, "submitted"),
        _last_change_to(row.audit, "approved") or _approved_day(record),
        str(round(record.active_seconds / 60)),
        str(total_words(row.form, record)) if row.form else "",
        QA_OUTCOMES.get(record.status, record.status),
        "; ".join(s.by + (" (per the imported file)" if s.imported_from else "") for s in record.signatures),
        "\n".join(f"{o.message} — reason: {o.reason}" for o in record.overrides),
    ]


def _last_change_to(audit: Sequence[AuditEvent], status: str) -> str:
    days = [iso_day(e.at) for e in audit if e.kind == "status" and e.new == status]
    return days[-1] if days else ""


def _approved_day(record: Record) -> str:
    """For a record approved without an audit entry saying when (demo data): its last update."""
    return iso_day(record.updated_at) if record.status in ("approved", "locked") else ""


def to_csv(rows: Iterable[CaseRow]) -> str:
    """The header and one row per case, as CSV text (RFC 4180: CRLF line ends, quotes where needed)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(csv_row(r) for r in rows)
    return out.getvalue()

"""Workload facts read from a store, and the figures as text cells, for `a4 stats` and the stats screen.

One `RecordFacts` per record, built from the record, its case and its audit
trail; `forms.record.stats` does the arithmetic on them.  The table and the
plain figures (JSON, CSV) are made here once so the command and the screen
show the same numbers.  Nothing personal is in them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from forms.definition.registry import Registry
from forms.model import Case, Record
from forms.record.deadlines import next_review
from forms.record.iso_dates import DateError, parse_date
from forms.record.stats import GroupStats, RecordFacts, Spread
from forms.record.words import total_words
from storage.kept_forms import RecordForms
from storage.store import Store


def _day(stamp: str) -> date:
    return parse_date(stamp[:10], what="a date")


def _check_dates(record: Record, case: Case) -> None:
    """`DateError` when a date the figures need is not one A4 can read."""
    for what, value in (
        ("created", record.created_at),
        ("updated", record.updated_at),
        ("start", case.start),
    ):
        parse_date(value[:10], what=f"its {what} date")
    if case.initial_due:
        parse_date(case.initial_due, what="its first due date")


def collect_facts(store: Store, registry: Registry, skipped: list[str] | None = None) -> list[RecordFacts]:
    """One `RecordFacts` per record in the store (amendments left out: they are corrections, not new work).

    A record whose dates cannot be read (impossible dates an older A4 let in)
    is left out, and why is added to `skipped` when given.

    Completion is the day a record locked; its deadline is the case's initial
    due date for a new or short assessment, and for a review the review
    interval after the reviewed record was approved.
    """
    records = [r for r in store.list_records() if not r.amends]
    trails = {r.id: store.audit_trail(r.id) for r in records}

    def status_day(record_id: str, status: str) -> date | None:
        return next(
            (_day(e.at) for e in trails.get(record_id, []) if e.kind == "status" and e.new == status), None
        )

    cases: dict[str, Case] = {}
    facts = []
    forms = RecordForms(registry, store)
    for record in records:
        form = forms.get(record)
        if record.case_ref not in cases:
            cases[record.case_ref] = store.get_case(record.case_ref)
        case = cases[record.case_ref]
        try:
            _check_dates(record, case)
        except DateError as error:  # left by an older A4: leave this one out, say so, count the rest
            if skipped is not None:
                skipped.append(f"record {record.id} of case {record.case_ref} left out: {error}")
            continue
        approved_on = status_day(record.id, "approved")
        completed = status_day(record.id, "locked")
        if completed is None and record.status == "locked":  # imported: no status history
            completed = _day(record.updated_at)
        if record.kind == "review":
            started = _day(record.created_at)
            previous = status_day(record.reviews, "approved") if record.reviews else None
            due = next_review(previous, form.deadlines) if previous and form else None
        else:
            started = _day(case.start)
            due = _day(case.initial_due) if case.initial_due else None
        facts.append(
            RecordFacts(
                form_id=record.form_id,
                kind=record.kind,
                started=started,
                active_seconds=record.active_seconds,
                words=total_words(form, record) if form else 0,
                returns=sum(1 for e in trails[record.id] if e.kind == "status" and e.new == "returned"),
                approved=approved_on is not None or record.status in ("approved", "locked"),
                completed=completed,
                due=due,
            )
        )
    return facts


def _spread(spread: Spread | None, digits: int = 0) -> str:
    if spread is None:
        return "—"
    return f"{spread.median:.{digits}f} ({spread.q1:.{digits}f}–{spread.q3:.{digits}f})"


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "—"


def table_rows(groups: list[GroupStats]) -> list[tuple[str, ...]]:
    """The table as text cells, heading first; shared with the stats screen."""
    rows: list[tuple[str, ...]] = [
        (
            "FORM",
            "KIND",
            "COUNT",
            "ACTIVE MIN median (q1–q3)",
            "WORDS median (q1–q3)",
            "APPROVED 1ST TIME",
            "RETURNS/RECORD",
            "DAYS TO COMPLETE median (q1–q3)",
            "ON TIME",
        )
    ]
    for g in groups:
        rows.append(
            (
                g.form_id,
                g.kind_name,
                str(g.count),
                _spread(g.minutes),
                _spread(g.words),
                _share(g.approved_first_time, g.approved),
                f"{g.returns_per_record:.2f}",
                _spread(g.days),
                _share(g.on_time, g.with_due),
            )
        )
    return rows


def as_dicts(groups: list[GroupStats]) -> list[dict[str, Any]]:
    """Plain figures for JSON and CSV (None where nothing could be measured)."""

    def parts(name: str, spread: Spread | None) -> dict[str, float | None]:
        return {
            f"{name}_q1": spread.q1 if spread else None,
            f"{name}_median": spread.median if spread else None,
            f"{name}_q3": spread.q3 if spread else None,
        }

    return [
        {
            "form": g.form_id,
            "kind": g.kind_name,
            "count": g.count,
            **parts("active_minutes", g.minutes),
            **parts("words", g.words),
            "approved": g.approved,
            "approved_first_time": g.approved_first_time,
            "approved_first_time_share": g.first_time_share,
            "qa_returns": g.returns,
            "qa_returns_per_record": g.returns_per_record,
            "completed": g.completed,
            **parts("days_to_complete", g.days),
            "completed_on_time": g.on_time,
            "completed_with_deadline": g.with_due,
            "on_time_share": g.on_time_share,
        }
        for g in groups
    ]

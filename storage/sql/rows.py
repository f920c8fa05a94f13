"""How a record becomes a row and back, shared by every storage engine.

A record is stored as a few listed columns (what the caseload sorts and
filters on) plus one JSON payload holding everything else.  The payload is
the record's own codec dict (`forms.record.codec`) minus the listed columns,
so a field added to `Record` is stored by every engine without touching SQL.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from forms.model import Case, Deadlines, Record
from forms.record.codec import record_from_dict, record_to_dict_view, sentence_from_dict
from forms.record.deadlines import initial_due
from forms.record.iso_dates import EARLIEST, LATEST, DateError, parse_date
from forms.record.text_rules import TextError, check_line, check_reference
from storage.store import AuditEvent, StoreError

RECORD_COLUMNS: tuple[str, ...] = (
    "id",
    "case_ref",
    "form_id",
    "form_version",
    "kind",
    "status",
    "author",
    "version",
    "created_at",
    "updated_at",
    "reviews",
    "amends",
    "words",
    "active_seconds",
    "payload",
)
"""The records table's columns in the order every engine selects them."""

_TOTALS = frozenset({"words"})
"""Listed columns summed from a record field of the same name (the caseload's total of `Record.words`),
so that field stays in the payload and the column is never read back into it."""
_SIGNOFF = frozenset({"grades", "comments", "signatures"})
"""Record fields kept in their own tables (who graded, commented and countersigned), never in the payload the
author rewrites with every save."""
_LISTED = (frozenset(RECORD_COLUMNS) - _TOTALS) | _SIGNOFF
_READ_BACK = tuple((index, name) for index, name in enumerate(RECORD_COLUMNS[:-1]) if name not in _TOTALS)


def listed_words(record: Record) -> int | None:
    """The words column of a saved record: its sections' words, or None when it has no counts to store.

    None (a record saved before counts were stored, saved again by a screen
    that does not count) keeps the column's previous value rather than zero.
    """
    return sum(record.words.values()) if record.words else None


def payload(record: Record) -> str:
    """The JSON payload column: everything a record holds that has no column of its own."""
    data = {key: value for key, value in record_to_dict_view(record).items() if key not in _LISTED}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def source_hash(source: str) -> str:
    """The SHA-256 of a definition's text (hex): what a kept definition is addressed and checked by."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


_RISK_LEVEL = re.compile(r"""(?:^|\n)[ \t]*risk_level[ \t]*=[ \t]*["']([^"']+)["']""")


def reason_paths_of(source: str) -> list[str]:
    """The answers a definition's text marks as needing a reason when someone else changes them.

    Read from the text itself (its top-level `risk_level`), the same way the team database's
    generated column reads it, so nobody can keep a definition that says one thing and claims another.
    """
    found = _RISK_LEVEL.search(source)
    return [found.group(1)] if found else []


def row_values(record: Record) -> tuple[Any, ...]:
    """The record's values for `RECORD_COLUMNS`, in order: what inserting it writes."""
    r = record
    return (r.id, r.case_ref, r.form_id, r.form_version, r.kind, r.status, r.author, r.version,
            r.created_at, r.updated_at, r.reviews, r.amends, listed_words(r) or 0, r.active_seconds,
            payload(r))  # fmt: skip


def record_from_row(row: tuple[Any, ...]) -> Record:
    """The record a row selected as `RECORD_COLUMNS` describes."""
    data: dict[str, Any] = json.loads(row[-1])
    data.update((name, row[index]) for index, name in _READ_BACK)
    return record_from_dict(data)


def derived(source: Record, kind: str, *, amends: str) -> Record:
    """A new draft starting from `source`'s answers and plan, deep-copied through the payload encoding."""
    data = json.loads(payload(source))
    fresh = record_from_dict(
        {
            "id": "",
            "case_ref": source.case_ref,
            "form_id": source.form_id,
            "form_version": source.form_version,
            "answers": data["answers"],
            "plan": data["plan"],
            "agreement": data["agreement"],
            "words": data["words"],
        }
    )
    fresh.kind = kind
    fresh.amends = amends
    return fresh


def audit_key(event: AuditEvent) -> tuple[str, str, str, str, str, str, str]:
    """An audit event as stored (values JSON-encoded), without its record id: what makes two alike."""
    return (event.kind, event.actor, event.at, event.field, json.dumps(event.old), json.dumps(event.new),
            event.reason)  # fmt: skip


def check_case(case: Case) -> date:
    """The case's start day, after checking it holds only what A4 stores; else `StoreError` saying why.

    The store is the last gate before the database: every caller (app, command,
    import, script) meets the same rules (`forms.record.text_rules`,
    `forms.record.iso_dates`).
    """
    try:
        check_reference(case.ref, what="The case reference")
        check_line(case.name, what=f"The name of case {case.ref}")
        check_line(case.owner, what=f"The owner of case {case.ref}", blank=True)
        sentence = case.sentence
        dates = (("initial due date", case.initial_due), ("next review date", case.next_review),
                 ("sentence start date", sentence.start), ("sentence end date", sentence.end))  # fmt: skip
        for what, value in dates:
            if value:
                parse_date(value, what=f"The {what} of case {case.ref}")
        for what, value in (("sentence type", sentence.type), ("sentence length", sentence.length),
                            ("court", sentence.court), ("national identifier", case.national_id),
                            *(("requirement", r) for r in sentence.requirements)):  # fmt: skip
            check_line(value, what=f"The {what} of case {case.ref}", blank=True)
        if sentence.start and sentence.end and sentence.end < sentence.start:
            raise StoreError(f"The sentence of case {case.ref} ends ({sentence.end}) before it starts "
                             f"({sentence.start}); check the dates.")  # fmt: skip
        return parse_date(case.start, what=f"The start date of case {case.ref}")
    except (TextError, DateError) as error:
        raise StoreError(f"{error}.") from None


def initial_due_text(case: Case, deadlines: Deadlines) -> str:
    """The case's first due date as stored (ISO), after `check_case`; a plain error when out of range."""
    start = check_case(case)
    try:
        due = initial_due(start, deadlines, case.sentence.type)
    except (OverflowError, ValueError):
        due = None
    if due is None or not EARLIEST <= due <= LATEST:
        raise StoreError(
            f"Case {case.ref} would be due after {LATEST.isoformat()} "
            f"({deadlines.initial_working_days} working days from {case.start}); check the form's deadlines."
        )
    return due.isoformat()


def fresh_draft(record: Record, *, author: str, at: str) -> Record:
    """The record as first stored: a version-1 draft stamped `at`, with a new id when it has none.

    QA grades, comments, countersignatures and check overrides belong to one round of sign-off,
    so a new record (a review or an amendment included) starts without them.
    """
    return dataclasses.replace(
        record,
        id=record.id or uuid.uuid4().hex,
        status="draft",
        author=author,
        version=1,
        created_at=at,
        updated_at=at,
        grades=[],
        comments=[],
        signatures=[],
        overrides=[],
    )


def last_sign_off_days(records: Iterable[Record], signed_off: Iterable[str]) -> dict[str, str]:
    """For each case, the day (YYYY-MM-DD) its latest signed-off record was last updated.

    Bulk imports use it to set each case's next review as if approved that day.
    """
    statuses = frozenset(signed_off)
    days: dict[str, str] = {}
    for record in records:
        if record.status in statuses:
            days[record.case_ref] = max(days.get(record.case_ref, ""), record.updated_at[:10])
    return days


def case_from_row(row: Any) -> Case:
    """A case from its row (`storage.sql.statements._CASE_COLUMNS`): the sentence is stored as JSON."""
    ref, name, start, owner, form_id, initial_due, next_review, sentence, national_id = row
    return Case(
        ref,
        name,
        start,
        owner,
        form_id,
        initial_due,
        next_review,
        sentence=sentence_from_dict(json.loads(sentence or "{}")),
        national_id=national_id,
    )


def sentence_json(case: Case) -> str:
    """The case's sentence as stored: JSON of its fields (an empty object when nothing is known)."""
    known = {k: v for k, v in dataclasses.asdict(case.sentence).items() if v}
    return json.dumps(known, ensure_ascii=False, sort_keys=True)


CASE_FIELDS: tuple[str, ...] = ("name", "national_id", "start", "form_id")
"""The case's own details whose corrections are kept (`Store.case_changes`), in the order they are kept;
each part of the sentence follows, as "sentence.KEY" in key order.  The owner's changes are handovers, and
the due dates follow from the start date and approvals, so neither is kept here.  The team database's
trigger (`storage.postgres.schema`) keeps the same fields in the same order, as the same text."""


def case_field_changes(old: Case, new: Case) -> list[tuple[str, str, str]]:
    """(field, old text, new text) of each detail that differs between two versions of one case."""
    before, after = json.loads(sentence_json(old)), json.loads(sentence_json(new))
    pairs = [(name, str(getattr(old, name)), str(getattr(new, name))) for name in CASE_FIELDS]
    pairs += [
        (f"sentence.{key}", change_text(before.get(key)), change_text(after.get(key)))
        for key in sorted(before.keys() | after.keys())
    ]
    return [(name, was, now) for name, was, now in pairs if was != now]


def change_text(value: Any) -> str:
    """A stored value as a correction keeps it: text as it is, a list's items joined with "; ", none ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return "; ".join(item if isinstance(item, str) else json.dumps(item) for item in value)
    return json.dumps(value, ensure_ascii=False)

"""The A4 JSON export: one record, its case and audit trail in a versioned envelope.

The format is documented in docs/exports.md and described exactly by the
JSON Schema shipped beside this module (`a4 schema` prints it).  Output is
deterministic (keys sorted, compact, one line and a final newline, ISO 8601
dates as stored), so exporting, importing and exporting again gives the
same bytes.  Compact because an indent turns off CPython's C encoder and
makes export several times slower; `python3 -m json.tool` indents a file
for reading or `diff`.

The record itself is carried by `forms.record.codec`, the one codec every
engine uses, so a field added to `Record` travels without changes here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from forms.model import AssessmentForm, Case, Record
from forms.record.codec import case_to_dict, record_to_dict_view
from forms.record.words import section_words
from storage.store import AuditEvent

FORMAT = "a4-record"
FORMAT_VERSION = 1
"""Bumped when a reader of the previous version would misread a file; readers refuse newer ones."""

AUDIT_FIELDS: tuple[str, ...] = ("kind", "actor", "at", "field", "old", "new", "reason")
"""An audit event's fields as exported; its record id is the enclosing record's."""


def audit_to_dict(event: AuditEvent) -> dict[str, Any]:
    """The event as exported; `imported_from` only when the entry came in with a file (older readers
    read the rest unchanged)."""
    out = {name: getattr(event, name) for name in AUDIT_FIELDS}
    if event.imported_from:
        out["imported_from"] = event.imported_from
    return out


def audit_from_dict(data: Mapping[str, Any], record_id: str) -> AuditEvent:
    """The event a dict from `audit_to_dict` describes (checked against the schema first)."""
    return AuditEvent(
        record_id=record_id,
        **{name: data[name] for name in AUDIT_FIELDS},
        imported_from=data.get("imported_from", ""),
    )


def envelope(
    record: Record,
    case: Case,
    form: AssessmentForm,
    audit: Sequence[AuditEvent],
    *,
    for_person: bool = False,
    notice: str = "",
) -> dict[str, Any]:
    """The export as a JSON-compatible dict: what `to_json` writes and the importer reads back.

    A copy for the person (its withheld answers already out of `record`) says
    so under `for_person`, with the notice it shows, and is never imported.
    """
    by_section = section_words(form, record)
    stored = record_to_dict_view(record)
    stored["words"] = by_section  # counted now if saved without: importing counts them again, the same
    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "form": {"id": record.form_id, "version": record.form_version},
        "case": case_to_dict(case),
        "record": stored,
        "audit": [audit_to_dict(e) for e in audit],
        "words": {"total": sum(by_section.values()), "by_section": by_section},
    }
    if for_person:
        document["for_person"] = {"notice": notice}
    return document


def dumps(document: Mapping[str, Any]) -> str:
    """The one way A4 writes export JSON, so that equal documents are equal bytes."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def to_json(
    record: Record,
    case: Case,
    form: AssessmentForm,
    audit: Sequence[AuditEvent] = (),
    *,
    for_person: bool = False,
    notice: str = "",
) -> str:
    """The record as A4 JSON text (`form` is the definition it was written against, for word counts)."""
    return dumps(envelope(record, case, form, audit, for_person=for_person, notice=notice))

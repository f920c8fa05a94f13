"""Choosing records to export from a store, and rendering each in the format asked for.

Shared by `a4 export` and the case screen's export prompt, so a record
exported either way is the same text.  Each format itself stays a pure
function in its own module; this is only the plumbing around them.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from exports.formats.csv_format import CaseRow, to_csv
from exports.formats.fhir import to_fhir
from exports.formats.json_format import to_json
from exports.formats.markdown import to_markdown
from exports.text import iso_day
from forms.definition.registry import Registry
from forms.model import AssessmentForm, Case, Override, PlanTemplate, Record, Rubric
from forms.record.overrides import audit_line, withheld_line
from forms.record.sharing import (
    NOT_FOR_PERSON,
    WITHHELD_NOTICE,
    for_person,
    withheld_overrides,
    withheld_paths,
)
from storage.earlier import earlier_answers
from storage.kept_forms import RecordForms, companions
from storage.store import AuditEvent, CaseChange, Store


@dataclass(frozen=True)
class Exportable:
    """Everything one record's export is made from."""

    case: Case
    record: Record
    form: AssessmentForm
    audit: tuple[AuditEvent, ...] = ()
    rubric: Rubric | None = None
    for_person: bool = False
    """A copy for the person on probation: withheld answers are already out of `record`."""
    notice: str = ""
    """Said at the top of a copy for the person whose form withholds anything."""
    previous: Mapping[str, Any] = field(default_factory=dict)
    """The answers of the record this one reviews or amends, for rules that read `previous.` names."""
    corrected: tuple[CaseChange, ...] = ()
    """The corrections of the case's details, oldest first (`Store.case_changes`)."""

    def copy_for_person(self) -> Exportable:
        """This export as the person may see it (`forms.record.sharing`)."""
        record, withheld = for_person(self.form, self.record)
        notice = WITHHELD_NOTICE if withheld else ""
        audit = audit_for_person(self.audit, withheld_overrides(self.form, self.record))
        return dataclasses.replace(self, record=record, audit=audit, for_person=True, notice=notice)


def audit_for_person(audit: Sequence[AuditEvent], withheld: Sequence[Override]) -> tuple[AuditEvent, ...]:
    """The audit trail for a copy for the person: a reason given for a check on a withheld answer is
    replaced by words saying it is not included (the submission and acknowledgement entries quote it)."""
    if not withheld:
        return tuple(audit)

    def shared(reason: str) -> str:
        for override in withheld:
            reason = reason.replace(audit_line(override), withheld_line(override))
        return reason

    return tuple(dataclasses.replace(e, reason=shared(e.reason)) if e.kind == "status" else e for e in audit)


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    extension: str
    render: Callable[[Exportable], str | bytes]
    """The export: text, or bytes for a PDF."""
    for_person: bool = False
    """Whether it can make a copy for the person (a report or a record they can be given)."""


def _markdown(e: Exportable) -> str:
    """The report; the team's copy of a form that withholds anything says it is not for the person."""
    notice = NOT_FOR_PERSON if not e.for_person and withheld_paths(e.form) else e.notice
    return to_markdown(e.record, e.case, e.form, e.audit, e.rubric, notice=notice, corrected=e.corrected)


def _json(e: Exportable) -> str:
    return to_json(e.record, e.case, e.form, e.audit, for_person=e.for_person, notice=e.notice)


def _fhir(e: Exportable) -> str:
    return to_fhir(e.record, e.case, e.form)


def _csv(e: Exportable) -> str:
    return to_csv([_row(e)])


def _sheet(e: Exportable, *, full: bool = False) -> bytes:
    from exports.formats.sheet import SheetOverflow, to_sheet  # Typst loads only when a sheet is made
    from exports.pdf.typeset import TypesetError

    try:
        return to_sheet(
            e.record,
            e.case,
            e.form,
            e.audit,
            e.rubric,
            person=e.for_person,
            notice=e.notice,
            full=full,
            previous=e.previous,
        )
    except (SheetOverflow, TypesetError) as error:
        raise ExportProblem(str(error)) from error


def with_full_record(fmt: Format) -> Format:
    """The sheet format with the whole record paginated after the sheet (`a4 export --full`)."""
    return dataclasses.replace(
        fmt, label="A4 sheet and full record (PDF)", render=functools.partial(_sheet, full=True)
    )


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("md", "Markdown report", "md", _markdown, for_person=True),
        Format("json", "A4 JSON", "json", _json, for_person=True),
        Format("fhir", "FHIR R4 (Questionnaire and response)", "fhir.json", _fhir),
        Format("csv", "CSV (one row per case)", "csv", _csv),
        Format("sheet", "A4 sheet (PDF, one page)", "pdf", _sheet, for_person=True),
    )
}


class ExportProblem(Exception):
    """Why a record could not be exported; `str()` is a message for a person."""


@dataclass(frozen=True)
class Selected:
    case: Case
    record: Record | None
    """`None` for a case with no record yet (listed in CSV only)."""


def select(
    store: Store, refs: Sequence[str], *, all_cases: bool, since: date | None, history: bool
) -> Iterator[Selected]:
    """The cases asked for (all of them with `all_cases` or `since` alone), with their records, one by one.

    Each case's latest record, or with `history` every record, oldest first;
    `since` keeps records last changed on or after that day (and drops
    cases without one).  Raises `NotFoundError` for an unknown reference.
    A generator, so a whole store is never held in memory at once: each
    record is read when it is about to be written, and dropped after.
    """
    for ref in wanted_refs(store, refs):
        case = store.get_case(ref)
        if history:
            records: list[Record] = store.records_for_case(ref)
        else:
            latest = store.latest_record(ref)
            records = [latest] if latest else []
        if since is not None:
            records = [r for r in records if iso_day(r.updated_at) >= since.isoformat()]
            if not records:
                continue
        yield from [Selected(case, r) for r in records] or [Selected(case, None)]


def wanted_refs(store: Store, refs: Sequence[str]) -> list[str]:
    """The references asked for, once each, or every case's reference (soonest due first)."""
    return list(dict.fromkeys(refs)) or [s.ref for s in store.list_cases()]


class FormCache:
    """The form (and rubric) each record was written against, each looked up once.

    A form whose file is gone is read from the copy the store kept when a
    record first used it, so a record exports for as long as it is stored.
    """

    def __init__(self, registry: Registry, store: Store) -> None:
        self.registry = registry
        self._store = store
        self._forms = RecordForms(registry, store)
        self._companions: dict[tuple[str, str], tuple[PlanTemplate | None, Rubric | None]] = {}

    def companions(self, form: AssessmentForm) -> tuple[PlanTemplate | None, Rubric | None]:
        """The plan template and rubric used with `form`: loaded, else the store's copies (once each)."""
        key = (form.id, form.version)
        if key not in self._companions:
            self._companions[key] = companions(self.registry, self._store, form)
        return self._companions[key]

    def form_for(self, record: Record) -> AssessmentForm:
        """Its own form version (installed or kept), else the newest installed; else `ExportProblem`."""
        form = self._forms.get(record)
        if form is None:
            raise ExportProblem(
                f"record {record.id} of case {record.case_ref} was written with form '{record.form_id}' "
                f"version {record.form_version}, which is not loaded and has no copy in this store; "
                "add its file to your forms folder (see `a4 forms list`)"
            )
        return form

    def exportable(self, store: Store, case: Case, record: Record, *, for_person: bool = False) -> Exportable:
        """What `record`'s export is made from; with `for_person`, its copy for the person."""
        form = self.form_for(record)
        audit = tuple(store.audit_trail(record.id))
        item = Exportable(
            case,
            record,
            form,
            audit,
            self.companions(form)[1],
            previous=earlier_answers(store, record),
            corrected=tuple(store.case_changes(case.ref, owner=case.owner)),
        )
        return item.copy_for_person() if for_person else item


def _row(item: Exportable) -> CaseRow:
    return CaseRow(item.case, item.record, item.form, item.audit)


def csv_rows(store: Store, forms: FormCache, chosen: Iterable[Selected]) -> Iterator[CaseRow]:
    """One CSV row per case, from its latest chosen record (records of a case come together, oldest first)."""
    pending: Selected | None = None
    for item in chosen:
        if pending is not None and pending.case.ref != item.case.ref:
            yield _case_row(store, forms, pending)
        pending = item
    if pending is not None:
        yield _case_row(store, forms, pending)


def _case_row(store: Store, forms: FormCache, selected: Selected) -> CaseRow:
    if selected.record is None:
        return CaseRow(selected.case)
    return _row(forms.exportable(store, selected.case, selected.record))

"""A record's printed history: every audited change, told the same way in the Markdown report and the PDF.

A QA assessor reads the exported record, not the database: a "keep mine" save over another window's
save, a move to a newer form version and an import must be there with who and when, as the store
wrote them (run once per engine), and nobody's words may turn into markup on the way.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from exports.batch import FORMATS, FormCache, with_full_record
from exports.formats.markdown import to_markdown
from exports.history import history
from exports.pdf.content import short_date, text
from exports.text import long_date
from forms.definition.registry import load_registry
from forms.model import AssessmentForm, Case, Deadlines, Record
from forms.record.carry_over import move_record
from storage.store import AuditEvent, Store
from tests.test_carry_over import ANSWERS, NEW, OLD, form
from tests.test_presence import kept_over_theirs as kept_in_presence_test

KEPT_MINE = "Saved over a newer save made elsewhere (started from save 1; save 2 was replaced) by sam on "


def kept_over_theirs(open_store: Callable[[], Store]) -> tuple[Store, Record]:
    """A record a "keep mine" saved over another window's newer save, and the window's store."""
    window, _elsewhere, record, _kept = kept_in_presence_test(open_store)
    return window, window.get_record(record.id)


def exported(store: Store, record: Record, fmt: str) -> str | bytes:
    """The record exported as `a4 export` makes it (the form and audit trail read from the store)."""
    registry, _ = load_registry([])
    item = FormCache(registry, store).exportable(store, store.get_case(record.case_ref), record)
    chosen = with_full_record(FORMATS["sheet"]) if fmt == "full" else FORMATS[fmt]
    return chosen.render(item)


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_keep_mine_is_in_the_markdown_history_with_who_and_what(open_store: Callable[[], Store]) -> None:
    store, record = kept_over_theirs(open_store)
    markdown = exported(store, record, "md")
    assert isinstance(markdown, str)
    (event,) = [e for e in store.audit_trail(record.id) if e.kind == "overwrite"]
    assert f"- {KEPT_MINE}{long_date(event.at)}\n" in markdown
    (created,) = [e for e in store.audit_trail(record.id) if e.kind == "created"]
    assert f"- Started by sam on {long_date(created.at)}" in markdown  # where the history starts


def test_keep_mine_is_in_the_full_records_history(open_store: Callable[[], Store]) -> None:
    store, record = kept_over_theirs(open_store)
    pdf = exported(store, record, "full")
    assert isinstance(pdf, bytes)
    (event,) = [e for e in store.audit_trail(record.id) if e.kind == "overwrite"]
    printed = pdf_text(pdf)
    assert f"{KEPT_MINE}{short_date(event.at)}" in printed.split("History", 1)[1]


def test_a_move_to_a_newer_form_version_is_in_the_history(store: Store) -> None:
    store.create_case(Case("C1", "Sam Morgan", "2025-03-03", "sam"), Deadlines())
    store.save_definition("assessment", "f", "1.0.0", OLD)
    store.save_definition("assessment", "f", "2.0.0", NEW)
    created = store.create_record(Record("r1", "C1", "f", "1.0.0", answers=dict(ANSWERS)), "sam")
    new_form = form(NEW)
    moved = store.move_to_version(move_record(created, form(OLD), new_form), "sam")
    markdown = to_markdown(moved, store.get_case("C1"), new_form, store.audit_trail("r1"))
    (event,) = [e for e in store.audit_trail("r1") if e.kind == "form_version"]
    assert f"- Moved to version 2.0.0 of the form F (from version 1.0.0) by sam on {long_date(event.at)}" in (
        markdown
    )


def test_an_import_and_a_files_own_history_are_told_apart(shipped: AssessmentForm) -> None:
    """The store's own import entry names the file; what the file says happened is marked as the file's."""
    audit = [
        AuditEvent("r1", "created", "kim.p", "2025-02-04T10:00:00+00:00", "kind", None, "assessment",
                   imported_from="C-17.json"),
        AuditEvent("r1", "imported", "admin", "2025-03-01T09:00:00+00:00", "file", None, "C-17.json",
                   "imported from an A4 export"),
    ]  # fmt: skip
    lines = history(audit, shipped, escape=text, day=short_date)
    assert lines == [
        "Started by kim.p on 4 Feb 2025, per the imported file C-17.json",
        "Brought in from the file C-17.json by admin on 1 Mar 2025: imported from an A4 export",
    ]


def test_names_and_reasons_in_the_history_never_become_markup(shipped: AssessmentForm) -> None:
    audit = [
        AuditEvent("r1", "status", "[jo](http://x.example)", "2025-02-14T15:30:00+00:00", "status",
                   "submitted", "returned", "# Redo\nthe *risk* part\x1b[2J"),
        AuditEvent("r1", "overwrite", "<b>sam</b>", "2025-02-15T10:00:00+00:00", "version", 3, 4),
    ]  # fmt: skip
    markdown = to_markdown(Record("r1", "C-7", shipped.id, shipped.version), CASE, shipped, audit)
    assert (
        r"- Returned for changes by \[jo\](http://x.example) on Friday 14 February 2025: "
        r"# Redo the \*risk\* part␛\[2J" + "\n" in markdown  # one line: the "#" cannot start a heading
    )
    assert r"(started from save 3; save 4 was replaced) by \<b\>sam\</b\> on Saturday 15 February 2025" in (
        markdown
    )
    assert "\x1b" not in markdown


CASE = Case("C-7", "Alex Morgan", "2025-02-03", "sam.p", "a4-assessment", "2025-02-17", "")


@pytest.fixture(scope="module")
def shipped() -> AssessmentForm:
    registry, _ = load_registry([])
    found = registry.assessment("a4-assessment")
    assert found is not None
    return found

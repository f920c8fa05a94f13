"""The embedded store (one SQLite file, one login) tried as a script would: the same sign-off rules hold.

Nobody logs in to a file, so the store cannot know roles; it still holds every
caller of the Python API to the workflow, the sign-off rules and the reason
rule, so a script cannot forge a sign-off any more than the screen can.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from exports.formats.csv_format import CaseRow, to_csv
from exports.formats.fhir import IMPORTED_EXTENSION, questionnaire_response
from exports.formats.json_format import to_json
from exports.formats.markdown import to_markdown
from exports.formats.sheet import to_sheet
from exports.importing.importer import import_incoming, parse_export
from forms.definition.registry import load_registry
from forms.model import AssessmentForm, Case, Comment, Grade, Override, Record, Signature
from storage.sqlite.store import SqliteStore
from storage.store import InvalidTransitionError, NotPermittedError, ReasonRequiredError
from tests.conftest import Clock
from tests.test_postgres_attacks import NOW, crafted_file

AUTHOR, QA = "sam", "kim"


@pytest.fixture
def form() -> AssessmentForm:
    registry, _ = load_registry([])
    found = registry.assessment("a4-assessment", "1.0.0")
    assert found is not None
    return found


@pytest.fixture
def store(tmp_path: Path, clock: Clock, form: AssessmentForm) -> SqliteStore:
    opened = SqliteStore(tmp_path / "a4.db", now=clock)
    # The app keeps the definition of every form a record uses; so does this store.
    opened.save_definition(
        "assessment", form.id, form.version, Path(form.header.source).read_text("utf-8-sig")
    )
    return opened


def submitted(store: SqliteStore, form: AssessmentForm) -> Record:
    store.create_case(Case("C-1", "Alex Morgan", "2025-02-03", AUTHOR), form.deadlines)
    record = store.create_record(
        Record("", "C-1", form.id, form.version, answers={"rosh.level": "medium"}), AUTHOR
    )
    return store.transition(record.id, "submitted", AUTHOR)


def test_reasons_for_submitting_past_a_check_hold_for_a_script_too(
    store: SqliteStore, form: AssessmentForm
) -> None:
    """A reason is the author's, in three words or more; it stays as submitted; nobody countersigns past
    one unread."""
    store.create_case(Case("C-1", "Alex Morgan", "2025-02-03", AUTHOR), form.deadlines)
    record = store.create_record(Record("", "C-1", form.id, form.version), AUTHOR)
    given = Override("k", "Level missing", "rosh.level", "Agreed with kim on Friday", AUTHOR, NOW)
    for bad in (dataclasses.replace(given, reason="ok"), dataclasses.replace(given, by=QA)):
        record = store.save_record(dataclasses.replace(record, overrides=[bad]), AUTHOR)
        before = (store.get_record(record.id), store.audit_trail(record.id))
        with pytest.raises(NotPermittedError, match="3 words or more"):
            store.transition(record.id, "submitted", AUTHOR)
        assert (store.get_record(record.id), store.audit_trail(record.id)) == before
    record = store.save_record(dataclasses.replace(record, overrides=[given]), AUTHOR)
    record = store.transition(record.id, "submitted", AUTHOR)
    before = (store.get_record(record.id), store.audit_trail(record.id))
    for changed in ([], [dataclasses.replace(given, reason="Something else entirely now")]):
        with pytest.raises(NotPermittedError, match="stay as they were submitted"):
            store.save_record(dataclasses.replace(record, overrides=changed), AUTHOR)
    with pytest.raises(NotPermittedError, match="waits to be acknowledged"):
        store.transition(record.id, "approved", QA)
    with pytest.raises(NotPermittedError, match="waits to be acknowledged"):
        store.approve_and_lock(record.id, QA)
    assert (store.get_record(record.id), store.audit_trail(record.id)) == before
    read = dataclasses.replace(given, acknowledged_by=QA, acknowledged_on=NOW)
    record = store.save_record(dataclasses.replace(record, overrides=[read]), QA)
    assert [s.by for s in store.transition(record.id, "approved", QA).signatures] == [QA]


def test_a_saved_record_cannot_carry_a_sign_off(store: SqliteStore, form: AssessmentForm) -> None:
    record = submitted(store, form)
    record.grades = [Grade("analysis", "good", "", QA, NOW)]
    record.signatures = [Signature(QA, NOW)]
    record.comments = [Comment("c1", "rosh", "Fine", QA, NOW)]
    saved = store.save_record(record, AUTHOR)
    assert (saved.grades, saved.signatures, saved.comments) == ([], [], [])
    stored = store.get_record(record.id)
    assert (stored.grades, stored.signatures, stored.status) == ([], [], "submitted")
    case = store.get_case("C-1")
    assert "Countersigned" not in to_markdown(stored, case, form, store.audit_trail(record.id))


def test_nobody_signs_off_their_own_record_and_only_the_author_submits(
    store: SqliteStore, form: AssessmentForm
) -> None:
    record = submitted(store, form)
    before = (store.get_record(record.id), store.audit_trail(record.id))
    for to in ("approved", "returned"):
        with pytest.raises(NotPermittedError, match="own record"):
            store.transition(record.id, to, AUTHOR)
    with pytest.raises(NotPermittedError, match="own record"):
        store.approve_and_lock(record.id, AUTHOR)
    with pytest.raises(NotPermittedError):
        store.transition(record.id, "returned", AUTHOR, grades=[Grade("analysis", "good")])
    assert (store.get_record(record.id), store.audit_trail(record.id)) == before
    returned = store.transition(record.id, "returned", QA, grades=[Grade("analysis", "fair")])
    with pytest.raises(NotPermittedError, match="Only the author"):
        store.transition(record.id, "submitted", QA)
    assert [(g.by, g.level) for g in returned.grades] == [(QA, "fair")]


def test_the_workflow_has_no_other_path(store: SqliteStore, form: AssessmentForm) -> None:
    record = submitted(store, form)
    approved = store.transition(record.id, "approved", QA)
    assert [s.by for s in approved.signatures] == [QA]  # approving is countersigning
    with pytest.raises(InvalidTransitionError):
        store.transition(record.id, "returned", "lee")
    locked = store.transition(record.id, "locked", "lee")
    assert [s.by for s in locked.signatures] == [QA, "lee"]


def test_someone_elses_risk_level_needs_a_reason_even_when_the_script_names_none(
    store: SqliteStore, form: AssessmentForm
) -> None:
    record = submitted(store, form)
    record.answers["rosh.level"] = "very_high"
    before = store.get_record(record.id)
    with pytest.raises(ReasonRequiredError):
        store.save_record(record, QA)  # no risk_path: the kept definition names the level
    assert store.get_record(record.id) == before
    store.save_record(record, QA, reason="Police report of 1 March")
    event = store.audit_trail(record.id)[-1]
    assert (event.kind, event.actor, event.new, event.reason) == (
        "risk_level",
        QA,
        "very_high",
        "Police report of 1 March",
    )


def test_only_the_author_resolves_a_qa_comment(store: SqliteStore, form: AssessmentForm) -> None:
    record = submitted(store, form)
    store.transition(record.id, "returned", QA, comments=[Comment("c1", "rosh", "Why medium?")])
    with pytest.raises(NotPermittedError, match="Only the record's author"):
        store.resolve_comment(record.id, "c1", QA)
    resolved = store.resolve_comment(record.id, "c1", AUTHOR)
    assert (resolved.comments[0].resolved_by, resolved.comments[0].text) == (AUTHOR, "Why medium?")


def test_an_imported_sign_off_stays_the_files_in_every_export(
    store: SqliteStore, form: AssessmentForm
) -> None:
    registry, _ = load_registry([])
    record = import_incoming(store, parse_export(crafted_file(), "crafted.json", registry), actor="ana")
    assert [(s.by, s.imported_from) for s in record.signatures] == [("chief.officer", "crafted.json")]
    trail = store.audit_trail(record.id)
    assert [(e.kind, e.actor, e.imported_from) for e in trail] == [
        ("imported", "ana", ""),
        ("status", "kim.qa", "crafted.json"),
    ]
    case = store.get_case(record.case_ref)
    shown = to_markdown(record, case, form, trail)
    assert (
        "Countersigned by chief.officer on Monday 3 March 2025, per the imported file crafted.json" in shown
    )
    assert "chief.officer (per the imported file)" in to_csv([CaseRow(case, record, form, trail)])
    extensions = questionnaire_response(record, case, form)["extension"]
    assert any(e["url"] == IMPORTED_EXTENSION for e in extensions)
    exported = json.loads(to_json(record, case, form, trail))
    assert [s["imported_from"] for s in exported["record"]["signatures"]] == ["crafted.json"]
    pdf = PdfReader(io.BytesIO(to_sheet(record, case, form, trail, None, full=True)))
    sheet = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    for said in (
        r"approved by kim\.qa on [^;]*, per the imported file crafted\.json",  # the sheet
        r"countersigned by chief\.officer on [^;]*, per the imported file crafted\.json",
        r"Approved by kim\.qa on [^;]*, per the imported file crafted\.json",  # the full record's history
    ):
        assert re.search(said, sheet), (said, sheet)
    graded = dataclasses.replace(
        record, grades=[Grade("analysis", "good", by="kim.qa", imported_from="x.json")]
    )
    full = PdfReader(io.BytesIO(to_sheet(graded, case, form, trail, None, full=True)))
    shown = " ".join(" ".join(page.extract_text() for page in full.pages).split())
    assert "analysis: good (kim.qa), per the imported file x.json" in shown


def test_the_audit_trail_and_sign_off_tables_refuse_changes_from_outside_a4(
    store: SqliteStore, form: AssessmentForm, tmp_path: Path
) -> None:
    import sqlite3

    notes = {"grades": [Grade("analysis", "good")], "comments": [Comment("c1", "rosh", "Fine")]}
    record = store.transition(submitted(store, form).id, "approved", QA, **notes)
    raw = sqlite3.connect(tmp_path / "a4.db")
    for statement in (
        "DELETE FROM signatures",
        "UPDATE signatures SET by = 'x'",
        "DELETE FROM audit",
        "UPDATE grades SET level = 'x'",
        "DELETE FROM comments",
    ):
        with pytest.raises(sqlite3.DatabaseError):
            raw.execute(statement)
    raw.close()
    assert [s.by for s in store.get_record(record.id).signatures] == [QA]


async def test_the_app_shows_an_imported_sign_off_as_the_files(store: SqliteStore) -> None:
    """The case screen's top lines say whose sign-off a file claims, never as this store's own."""
    from tests.a4_app_harness import caseload_shown, make_app
    from tests.pilot_support import until
    from tui.config import Config
    from tui.screens.case_screen import CaseScreen

    registry, _ = load_registry([])
    import_incoming(store, parse_export(crafted_file(), "crafted.json", registry), actor="ana")
    async with make_app(store, Config(user="jo", role="practitioner")).run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, CaseScreen), "the case opened")
        screen = pilot.app.screen
        await until(pilot, lambda: screen.query_one("#risk-changes").display, "the sign-off lines")
        shown = str(screen.query_one("#risk-changes").render())
    assert shown.splitlines() == [
        f"⤓ approved by kim.qa on {NOW[:10]}, per the imported file crafted.json",
        f"⤓ countersigned by chief.officer on {NOW[:10]}, per the imported file crafted.json",
    ]


async def test_the_app_shows_an_imported_qa_comment_as_the_files(
    store: SqliteStore, form: AssessmentForm
) -> None:
    """A returned record from a file: its QA comment beside the section names the file, not this store."""
    from tests.a4_app_harness import caseload_shown, make_app
    from tests.pilot_support import until
    from tui.config import Config
    from tui.screens.case_screen import CaseScreen
    from tui.widgets.comments import CommentNote

    record = Record(
        "r-returned", "C-9", form.id, form.version, status="returned", author="jo", version=2,
        created_at=NOW, updated_at=NOW, answers={"rosh.level": "low"},
        comments=[Comment("c1", "rosh.level", "Say who is at risk.", "kim.qa", NOW)],
    )  # fmt: skip
    text = to_json(record, Case("C-9", "Jordan Hughes", "2025-02-03", "jo"), form, [])
    registry, _ = load_registry([])
    import_incoming(store, parse_export(text, "returned.json", registry), actor="ana")
    async with make_app(store, Config(user="jo", role="practitioner")).run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, CaseScreen), "the case opened")
        await until(pilot, lambda: bool(pilot.app.screen.query(CommentNote)), "the QA comment shown")
        shown = str(pilot.app.screen.query_one(CommentNote).render())
    assert f"QA comment from kim.qa on {NOW[:10]}, per the imported file returned.json: Say who" in shown


def test_a_kept_definition_is_content_addressed_and_retired_only_when_no_record_uses_it(
    store: SqliteStore, form: AssessmentForm, tmp_path: Path
) -> None:
    """docs/storage.md, "Kept form definitions", on the embedded store."""
    import hashlib
    import sqlite3

    from storage.store import StoreError

    text = Path(form.header.source).read_text("utf-8-sig")
    copy = text.replace(f'version = "{form.version}"', 'version = "9.9.9"')
    assert store.save_definition("assessment", form.id, "9.9.9", copy) is True
    submitted(store, form)  # a record on the shipped version
    with pytest.raises(StoreError):
        store.retire_definition("assessment", form.id, form.version)
    assert store.get_definition("assessment", form.id, form.version) == text
    assert store.retire_definition("assessment", form.id, "9.9.9") is True  # nobody used it
    assert store.get_definition("assessment", form.id, "9.9.9") is None
    raw = sqlite3.connect(tmp_path / "a4.db")
    (stored,) = raw.execute("SELECT sha256 FROM definitions WHERE version = ?", (form.version,)).fetchone()
    raw.close()
    assert stored == hashlib.sha256(text.encode("utf-8")).hexdigest()

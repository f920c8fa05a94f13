"""The app shell, driven by keys as a practitioner would: new case, open, review, help, palette, quit."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from forms.definition.registry import load_registry
from forms.record.dates import format_long
from forms.record.deadlines import add_working_days
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import (
    TODAY,
    USER,
    add_case,
    caseload_shown,
    make_app,
    shipped_registry,
    table_column,
)
from tui.modals.key_help import KeyHelpScreen
from tui.modals.new_case import NewCaseScreen
from tui.screens.case_screen import CaseScreen


async def test_a_new_case_is_added_with_keys_only_and_its_due_date_shown_first(db: SqliteStore) -> None:
    start = date(2026, 2, 23)
    due = add_working_days(start, 10)
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+n")
        modal = pilot.app.screen
        assert isinstance(modal, NewCaseScreen)
        await pilot.press(*"N123456", "enter", *"Jo Bloggs", "enter")
        await pilot.press("ctrl+a", "ctrl+k", *"23/2/2026")
        assert format_long(due) in str(modal.query_one("#due").render())  # shown before adding
        await pilot.press("enter")
        screen = await caseload_shown(pilot)
        assert screen.selected_ref == "N123456"
    case = db.get_case("N123456")
    assert (case.name, case.start, case.owner) == ("Jo Bloggs", "2026-02-23", USER)
    assert case.initial_due == due.isoformat()


async def test_the_new_case_modal_explains_what_is_missing_and_keeps_what_was_typed(db: SqliteStore) -> None:
    add_case(db, "N1", "Already Here", TODAY)
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+n", *"N1", "ctrl+s")
        modal = pilot.app.screen
        assert "Please give a name" in str(modal.query_one("#problem").render())
        await pilot.press(*"Second Person", "ctrl+s")
        assert isinstance(pilot.app.screen, NewCaseScreen)  # the reference is taken
        assert "already exists" in str(modal.query_one("#problem").render())
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, NewCaseScreen)
    assert db.get_case("N1").name == "Already Here"


async def test_enter_opens_the_case_with_a_new_draft_assessment(db: SqliteStore) -> None:
    add_case(db, "X1", "Alex Morgan", TODAY)
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CaseScreen)
        assert pilot.app.screen.case.ref == "X1"
    record = db.latest_record("X1")
    assert record is not None
    assert (record.form_id, record.kind, record.status, record.author) == (
        "a4-assessment",
        "assessment",
        "draft",
        USER,
    )


async def test_review_is_refused_plainly_until_an_assessment_is_approved_then_opens(db: SqliteStore) -> None:
    add_case(db, "X1", "Alex Morgan", TODAY)
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, CaseScreen)
        assert any("no approved record" in str(n.message) for n in pilot.app._notifications)
    first = db.latest_record("X1") or _new_record(db, "X1")
    db.transition(first.id, "submitted", USER)
    db.approve_and_lock(first.id, "qa.person")
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CaseScreen)
    review = db.latest_record("X1")
    assert review is not None and review.kind == "review" and review.reviews == first.id


def _new_record(db: SqliteStore, ref: str):
    from forms.model import Record

    form = shipped_registry().assessment("a4-assessment")
    return db.create_record(Record("r1", ref, form.id, form.version, author=USER), USER)


async def test_key_help_lists_the_live_keys_of_the_screen_and_the_app(db: SqliteStore) -> None:
    async with make_app(db).run_test(size=(100, 30)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("f1")
        help_screen = pilot.app.screen
        assert isinstance(help_screen, KeyHelpScreen)
        listed = {(entry.key, entry.does.split(":")[0]) for entry in help_screen.entries}
        assert {("^n", "New case"), ("^r", "Start review"), ("^q", "Quit"), ("f1", "Keys")} <= listed
        assert ("⏎", "Open case") in listed and ("↓", "Cursor down") in listed  # the table's keys too
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, KeyHelpScreen)


async def test_the_command_palette_reaches_the_screen_actions(db: SqliteStore) -> None:
    async with make_app(db).run_test(size=(100, 30)) as pilot:
        await caseload_shown(pilot)
        titles = {command.title for command in pilot.app.get_system_commands(pilot.app.screen)}
        assert {"New case", "Keys", "Quit", "Clear filter"} - titles == {"Clear filter"}  # no filter yet
        await pilot.press("ctrl+p", *"new case")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NewCaseScreen)


async def test_quit_and_relaunch_shows_the_same_caseload(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.db")
    for n, name in enumerate(("Alex Morgan", "Priya Patel", "Sam Okafor")):
        add_case(store, f"X{n}", name, TODAY - timedelta(days=7 * n))
    async with make_app(store).run_test(size=(100, 30)) as pilot:
        before = table_column(await caseload_shown(pilot), "ref")
        await pilot.press("ctrl+q")
        assert pilot.app.return_code == 0
    store.close()
    reopened = SqliteStore(tmp_path / "a4.db")
    async with make_app(reopened).run_test(size=(100, 30)) as pilot:
        assert table_column(await caseload_shown(pilot), "ref") == before == ["X2", "X1", "X0"]
    reopened.close()


async def test_quit_saves_the_open_case_first(db: SqliteStore) -> None:
    add_case(db, "X1", "Alex Morgan", TODAY)
    async with make_app(db).run_test(size=(100, 30)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, CaseScreen)
        editor = next(widget for widget in screen.query("TextArea") if widget.display)
        editor.focus()
        await pilot.press(*"Unsaved words")
        await pilot.press("ctrl+q")
    record = db.latest_record("X1")
    assert record is not None
    assert any("Unsaved words" in str(value) for value in record.answers.values())


def _run_a4(data_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "A4_CONFIG": str(tmp_path / "none.toml")}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_a_damaged_store_is_explained_on_stderr_without_a_traceback(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "a4.db").write_bytes(b"this is not a database at all" * 100)
    result = _run_a4(data_dir, tmp_path)
    assert result.returncode == 1
    assert "damaged" in result.stderr and "Traceback" not in result.stderr


def test_a_store_from_a_newer_a4_is_explained_on_stderr_without_a_traceback(tmp_path: Path) -> None:
    import sqlite3

    data_dir = tmp_path / "data"
    SqliteStore(data_dir / "a4.db").close()
    with sqlite3.connect(data_dir / "a4.db") as conn:
        conn.execute("PRAGMA user_version = 999")
    result = _run_a4(data_dir, tmp_path)
    assert result.returncode == 1
    assert "newer version of A4" in result.stderr and "Traceback" not in result.stderr


async def test_a_new_case_can_use_any_loaded_assessment_form(db: SqliteStore) -> None:
    registry, errors = load_registry([Path(__file__).parent / "fixtures" / "forms" / "valid"])
    assert errors == []
    async with make_app(db, registry=registry).run_test(size=(100, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+n")
        modal = pilot.app.screen
        assert isinstance(modal, NewCaseScreen)
        chooser = modal.query_one("#form", Select)
        assert chooser.value == "a4-assessment"  # the shipped form unless another is chosen
        await pilot.press(*"N9", "enter", *"Jo Bloggs", "tab", "tab")
        assert chooser.has_focus
        await pilot.press("enter")
        await pilot.pause()
        titles = [str(option.prompt) for option in chooser.query_one(SelectOverlay).options]
        assert titles[0].startswith("A4 assessment") and any(t.startswith("Mini assessment") for t in titles)
        await pilot.press(*["down"] * titles.index(next(t for t in titles if t.startswith("Mini"))), "enter")
        await pilot.pause()
        assert chooser.value == "mini"
        await pilot.press("ctrl+s")
        await caseload_shown(pilot)
    assert db.get_case("N9").form_id == "mini"


def test_a4_new_names_the_forms_it_can_use(tmp_path: Path) -> None:
    from tests.cli_support import a4_in

    result = a4_in(tmp_path, "new", "--ref", "N1", "--name", "Jo", "--start", "2026-02-02", "--form", "mnii")
    assert result.returncode == 1
    assert (
        "there is no assessment form 'mnii' (the assessment forms loaded are a4-assessment)" in result.stderr
    )
    forms = Path(__file__).parent / "fixtures" / "forms" / "valid"
    ok = a4_in(
        tmp_path,
        "--forms",
        str(forms),
        "new",
        "--ref",
        "N1",
        "--name",
        "Jo",
        "--start",
        "2026-02-02",
        "--form",
        "mini",
    )
    assert ok.returncode == 0, ok.stderr


async def test_a_new_case_can_carry_its_sentence_from_the_dialog(db: SqliteStore) -> None:
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+n", *"S-77", "tab", *"Wiktoria Kowalczyk", "tab", "tab")
        modal = pilot.app.screen
        assert isinstance(modal, NewCaseScreen)
        await pilot.press(*"licence", "tab", *"2 years", "tab", *"3/3/2026", "tab", *"2/3/2028", "tab")
        await pilot.press(*"curfew 7pm-7am; exclusion zone", "tab")
        await pilot.press(*"Swansea Crown Court", "tab", *"X998877")
        await pilot.press("tab", "tab", "shift+tab")  # walking the fields keeps what was typed
        await pilot.press("ctrl+s")
        await caseload_shown(pilot)
    case = db.get_case("S-77")
    assert case.sentence.type == "licence" and case.sentence.end == "2028-03-02"
    assert (case.sentence.length, case.sentence.start) == ("2 years", "2026-03-03")
    assert case.sentence.requirements == ("curfew 7pm-7am", "exclusion zone")
    assert (case.sentence.court, case.national_id) == ("Swansea Crown Court", "X998877")


async def test_an_impossible_sentence_end_is_explained_and_nothing_is_added(db: SqliteStore) -> None:
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        await pilot.press(
            "ctrl+n", *"S-78", "tab", *"Sam Okafor", "tab", "tab", "tab", "tab", "tab", *"31/2/2028", "ctrl+s"
        )
        modal = pilot.app.screen
        assert isinstance(modal, NewCaseScreen)
        assert "Sentence end date" in str(modal.query_one("#problem").render())
        assert modal.focused is modal.query_one("#sentence-end")
        await pilot.press("ctrl+u", *"2/3/2025", "shift+tab", *"3/3/2026", "ctrl+s")  # ends before it began
        assert "ends before it begins" in str(modal.query_one("#problem").render())
        await pilot.press("escape")
    assert [s.ref for s in db.list_cases()] == []

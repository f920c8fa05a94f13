"""Correcting a case in the app: Ctrl+E on the caseload, the new-case dialog's fields filled in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.pilot import Pilot
from textual.widgets import Input

from forms.model import Case, Sentence
from forms.record.dates import format_long
from forms.record.deadlines import add_working_days
from storage.postgres.store import PostgresStore
from storage.sqlite.store import SqliteStore
from storage.store import Store
from tests.a4_app_harness import (
    TODAY,
    USER,
    add_case,
    caseload_shown,
    fake_clock,
    make_app,
    shipped_registry,
    table_column,
)
from tests.pg_server import ADMIN
from tests.pilot_support import until
from tui.app import A4App
from tui.config import Config
from tui.modals.edit_case import EditCaseScreen


async def editing_dialog(pilot: Pilot[None]) -> EditCaseScreen:
    await caseload_shown(pilot)
    await pilot.press("ctrl+e")
    await until(pilot, lambda: isinstance(pilot.app.screen, EditCaseScreen), "the correction dialog")
    screen = pilot.app.screen
    assert isinstance(screen, EditCaseScreen)
    return screen


def _problem(modal: EditCaseScreen) -> str:
    return str(modal.query_one("#problem").render())


async def test_a_corrected_name_shows_in_the_caseload_and_is_stored(db: SqliteStore) -> None:
    add_case(db, "E1", "Alx Morgan", TODAY)
    async with make_app(db).run_test(size=(100, 40)) as pilot:
        modal = await editing_dialog(pilot)
        assert modal.query_one("#name", Input).value == "Alx Morgan"  # filled in, cursor there
        assert modal.focused is modal.query_one("#name")
        await pilot.press("ctrl+a", "ctrl+k", *"Alex Morgan", "enter", "enter")  # name, start date, save
        screen = await caseload_shown(pilot)
        await until(pilot, lambda: table_column(screen, "name") == ["Alex Morgan"], "the corrected name")
    case = db.get_case("E1")
    assert (case.name, case.start, case.owner) == ("Alex Morgan", TODAY.isoformat(), USER)


async def test_a_new_start_date_shows_the_new_first_due_date_before_it_is_saved(db: SqliteStore) -> None:
    add_case(db, "E2", "Alex Morgan", TODAY)
    was, moved = add_working_days(TODAY, 10), add_working_days(date(2026, 3, 9), 10)
    async with make_app(db).run_test(size=(100, 40)) as pilot:
        modal = await editing_dialog(pilot)
        await pilot.press("tab")
        assert modal.query_one("#start", Input).value == "02/03/2026"
        await pilot.press("ctrl+a", "ctrl+k", *"9/3/2026")
        due = str(modal.query_one("#due").render())
        assert f"First assessment due: {format_long(moved)} (moved from {format_long(was)})" in due
        assert db.get_case("E2").initial_due == was.isoformat()  # nothing saved yet
        await pilot.press("ctrl+s")
        await caseload_shown(pilot)
    case = db.get_case("E2")
    assert (case.start, case.initial_due) == ("2026-03-09", moved.isoformat())


async def test_the_sentence_and_national_id_are_filled_in_and_corrected(db: SqliteStore) -> None:
    form = shipped_registry().assessment("a4-assessment")
    assert form is not None
    sentence = Sentence(
        "licence", "2 years", "2026-03-03", "2028-03-02", ("curfew", "exclusion zone"), "Leeds"
    )
    db.create_case(Case("E3", "Alex Morgan", "2026-03-02", USER, form.id, sentence=sentence,
                        national_id="X1"), form.deadlines)  # fmt: skip
    async with make_app(db).run_test(size=(100, 40)) as pilot:
        modal = await editing_dialog(pilot)
        shown = {key: modal.query_one(f"#{key}", Input).value for key in ("sentence-end", "requirements")}
        assert shown == {"sentence-end": "02/03/2028", "requirements": "curfew; exclusion zone"}
        modal.query_one("#national-id", Input).focus()
        await pilot.press("ctrl+a", "ctrl+k", *"X998877", "ctrl+s")
        await caseload_shown(pilot)
    case = db.get_case("E3")
    assert (case.national_id, case.sentence) == ("X998877", sentence)  # the rest kept as it was


async def test_escape_changes_nothing(db: SqliteStore) -> None:
    before = add_case(db, "E4", "Alx Morgan", TODAY)
    async with make_app(db).run_test(size=(100, 40)) as pilot:
        await editing_dialog(pilot)
        await pilot.press("ctrl+a", "ctrl+k", *"Someone Else", "tab", "ctrl+a", "ctrl+k", *"1/1/2026")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(pilot.app.screen, EditCaseScreen), "the dialog closing")
        screen = await caseload_shown(pilot)
        assert table_column(screen, "name") == ["Alx Morgan"]
    assert db.get_case("E4") == before


async def test_a_bad_date_or_a_control_character_is_explained_and_nothing_is_saved(db: SqliteStore) -> None:
    before = add_case(db, "E5", "Alx Morgan", TODAY)
    async with make_app(db).run_test(size=(100, 40)) as pilot:
        modal = await editing_dialog(pilot)
        await pilot.press("tab", "ctrl+a", "ctrl+k", *"31/2/2026", "ctrl+s")
        assert _problem(modal).startswith("Start date:") and "31/2/2026" in _problem(modal)
        assert modal.focused is modal.query_one("#start")
        await pilot.press("ctrl+a", "ctrl+k", *"2/3/2026")
        modal.query_one("#name", Input).value = "Alex\x1b[2J Morgan"  # as a paste would bring it
        await pilot.press("ctrl+s")
        assert _problem(modal) == "The name holds ESC, which cannot be stored; remove it"
        assert modal.focused is modal.query_one("#name")
        modal.query_one("#sentence-end", Input).value = "1/1/2020"
        modal.query_one("#sentence-start", Input).value = "1/1/2021"
        modal.query_one("#name", Input).value = "Alex Morgan"
        await pilot.press("ctrl+s")
        assert _problem(modal) == "The sentence ends before it begins: check both dates."
        assert isinstance(pilot.app.screen, EditCaseScreen)
    assert db.get_case("E5") == before


async def test_only_the_owner_or_a_manager_is_offered_a_correction(db: SqliteStore) -> None:
    add_case(db, "E6", "Alx Morgan", TODAY, owner="sam")
    async with make_app(db, Config(user="kim", role="qa_assessor")).run_test(size=(100, 40)) as pilot:
        screen = await caseload_shown(pilot)
        assert screen.check_action("edit_case", ()) is False
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, EditCaseScreen)
    async with make_app(db, Config(user="lou", role="manager")).run_test(size=(100, 40)) as pilot:
        await editing_dialog(pilot)
        await pilot.press("ctrl+a", "ctrl+k", *"Alex Morgan", "ctrl+s")
        await caseload_shown(pilot)
    case = db.get_case("E6")
    assert (case.name, case.owner) == ("Alex Morgan", "sam")  # the owner is not changed by a correction


async def test_a_case_gone_from_the_user_meanwhile_is_said_in_the_dialog(db: SqliteStore) -> None:
    """A refusal from the store (here: the case handed to someone else while the dialog was open)."""
    add_case(db, "E7", "Alx Morgan", TODAY)
    async with make_app(db).run_test(size=(100, 40)) as pilot:
        modal = await editing_dialog(pilot)
        db.hand_over("E7", "jo", "lou")
        await pilot.press("ctrl+a", "ctrl+k", *"Alex Morgan", "ctrl+s")
        assert _problem(modal) == "There is no case with reference E7."
        assert isinstance(pilot.app.screen, EditCaseScreen)
    assert db.get_case("E7").name == "Alx Morgan"


def _team_app(store: Store, user: str, role: str) -> A4App:
    """The app as `a4` opens it on a team database: the login's own name and the role its server gives."""
    return A4App(store=store, registry=shipped_registry(), config=Config(user=user, role=role),
                 today=lambda: TODAY, clock=fake_clock())  # fmt: skip


async def test_in_a_team_the_offer_follows_what_the_database_allows(
    login: Callable[[str], PostgresStore],
) -> None:
    sam = login("sam")
    form = shipped_registry().assessment("a4-assessment")
    assert form is not None and sam.get_definition("assessment", form.id, form.version) is not None
    sam.create_case(Case("T-1", "Alx Morgan", "2026-03-02", "sam", form.id), form.deadlines)
    kim = login("kim")  # a QA assessor of sam's team: sees the case, may not change its details
    async with _team_app(kim, "kim", kim.role).run_test(size=(100, 40)) as pilot:
        screen = await caseload_shown(pilot)
        assert screen.selected_ref == "T-1" and screen.check_action("edit_case", ()) is False
    async with _team_app(sam, "sam", sam.role).run_test(size=(100, 40)) as pilot:
        await editing_dialog(pilot)
        await pilot.press("ctrl+a", "ctrl+k", *"Alex Morgan", "ctrl+s")
        screen = await caseload_shown(pilot)
        await until(pilot, lambda: table_column(screen, "name") == ["Alex Morgan"], "the corrected name")
    admin = login(ADMIN)
    assert admin.get_case("T-1").name == "Alex Morgan"
    async with _team_app(admin, ADMIN, admin.role).run_test(size=(100, 40)) as pilot:
        await editing_dialog(pilot)  # an administrator corrects anyone's case


async def test_a_sentence_date_an_older_a4_let_in_is_shown_to_be_put_right(db: SqliteStore) -> None:
    """Correcting is how such a date is mended: the dialog opens on it and its check names it."""
    import sqlite3

    add_case(db, "E8", "Alex Morgan", TODAY)
    with sqlite3.connect(db.path) as conn:
        conn.execute("""UPDATE cases SET sentence = '{"end": "2027-02-30"}' WHERE ref = 'E8'""")
    async with make_app(db).run_test(size=(100, 40)) as pilot:
        modal = await editing_dialog(pilot)
        assert modal.query_one("#sentence-end", Input).value == "2027-02-30"
        await pilot.press("ctrl+s")
        assert _problem(modal).startswith("Sentence end date:")
        await pilot.press("ctrl+a", "ctrl+k", *"28/2/2027", "ctrl+s")
        await caseload_shown(pilot)
    assert db.get_case("E8").sentence.end == "2027-02-28"

"""The caseload as a practitioner sees it: order, urgency markers, type-to-filter, narrow screens."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Static

from forms.model import Case, Sentence
from storage.sqlite.store import SqliteStore
from storage.store import ServerUnreachableError
from tests.a4_app_harness import TODAY, USER, add_case, caseload_shown, fill_demo, make_app, shipped_registry
from tests.pilot_support import shown, until
from tui.app import DEFAULT_FORM_ID
from tui.screens.caseload import FIRST_PAGE, SHOW_LIMIT, CaseFilter, CaseloadScreen
from tui.widgets.case_list import CURSOR_MARK, CaseList


def table_column(screen: CaseloadScreen, key: str) -> list[str]:
    """The text of one column of the caseload, top to bottom."""
    return screen.query_one(CaseList).column_text(key)


def list_lines(screen: CaseloadScreen) -> list[str]:
    """The lines of the case list as drawn on screen, top to bottom."""
    cases = screen.query_one(CaseList)
    return [cases.render_line(y).text.rstrip() for y in range(cases.size.height)]


@pytest.fixture
def three_cases(db: SqliteStore) -> SqliteStore:
    """One case due in three weeks, one overdue, one due in four working days."""
    add_case(db, "X300", "Priya Patel", TODAY + timedelta(days=5))  # due 10 working days later
    add_case(db, "X100", "Alex Morgan", TODAY - timedelta(days=30))  # overdue
    add_case(db, "X200", "Sam Okafor", TODAY - timedelta(days=9))  # due Friday: 4 working days on
    add_case(db, "Y999", "Somebody Else", TODAY - timedelta(days=30), owner="another.person")
    return db


async def test_cases_are_sorted_soonest_due_first_with_urgency_in_words(three_cases: SqliteStore) -> None:
    async with make_app(three_cases).run_test(size=(120, 30)) as pilot:
        screen = await caseload_shown(pilot)
        assert table_column(screen, "ref") == ["X100", "X200", "X300"]  # only the user's own cases
        days = table_column(screen, "days")
        assert "OVERDUE" in days[0]
        assert days[1] == "4 due soon"
        assert "OVERDUE" not in days[2] and "due" not in days[2]


async def test_the_cursor_row_and_urgent_cases_are_marked_in_words_not_only_colour(
    three_cases: SqliteStore,
) -> None:
    async with make_app(three_cases).run_test(size=(120, 30)) as pilot:
        screen = await caseload_shown(pilot)
        lines = list_lines(screen)
        assert lines[0].startswith(f"{CURSOR_MARK} X100") and "OVERDUE" in lines[0]
        assert lines[1].startswith("   X200") and "4 due soon" in lines[1]
        await pilot.press("down")
        lines = list_lines(screen)
        assert lines[0].startswith("   X100") and lines[1].startswith(f"{CURSOR_MARK} X200")


async def test_page_keys_home_and_end_move_the_cursor_and_keep_it_in_view(db: SqliteStore) -> None:
    fill_demo(db, 120)
    async with make_app(db).run_test(size=(120, 30)) as pilot:
        screen = await caseload_shown(pilot)
        cases = screen.query_one(CaseList)
        refs = table_column(screen, "ref")
        page = cases.scrollable_content_region.height
        await pilot.press("pagedown")
        assert screen.selected_ref == refs[page]
        await pilot.press("end")
        assert screen.selected_ref == refs[-1]
        assert any(line.startswith(f"{CURSOR_MARK} {refs[-1]}") for line in list_lines(screen))
        await pilot.press("pageup")
        assert screen.selected_ref == refs[-1 - page]
        await pilot.press("home")
        assert screen.selected_ref == refs[0]
        assert list_lines(screen)[0].startswith(f"{CURSOR_MARK} {refs[0]}")


async def test_typing_filters_without_focusing_a_search_box(three_cases: SqliteStore) -> None:
    async with make_app(three_cases).run_test(size=(120, 30)) as pilot:
        screen = await caseload_shown(pilot)
        await pilot.press("o", "k", "a")
        assert table_column(screen, "name") == ["Sam Okafor"]
        await pilot.press("backspace", "backspace", "backspace")
        assert len(table_column(screen, "ref")) == 3
        await pilot.press("m", "o", "r")
        assert table_column(screen, "name")[0] == "Alex Morgan"
        await pilot.press("escape")
        assert screen.filter_text == ""
        assert table_column(screen, "ref") == ["X100", "X200", "X300"]


async def test_esc_then_letters_in_one_burst_filter_even_with_no_filter_to_clear(
    three_cases: SqliteStore,
) -> None:
    """Esc with nothing to clear, then letters at once (as a terminal delivers Esc and a quick letter, or a
    fast typist's burst): the Esc came back up unhandled after the letters had set a filter, found a
    filter to clear by then, and cleared it — the letters were lost (issue 14)."""
    app = make_app(three_cases)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await caseload_shown(pilot)
        for key in ("escape", "o", "k", "a"):
            app.post_message(events.Key(key, "\x1b" if key == "escape" else key))
        await until(pilot, lambda: screen.filter_text == "oka", "the letters in the filter")
        await pilot.pause(0.2)
        assert screen.filter_text == "oka"
        assert table_column(screen, "name") == ["Sam Okafor"]


async def test_filter_matches_references_and_up_down_still_move(three_cases: SqliteStore) -> None:
    async with make_app(three_cases).run_test(size=(120, 30)) as pilot:
        screen = await caseload_shown(pilot)
        await pilot.press("x", "3")
        assert table_column(screen, "ref") == ["X300"]
        await pilot.press("escape", "down", "down")
        assert screen.selected_ref == "X300"


async def test_question_mark_opens_key_help_only_while_the_filter_is_empty(three_cases: SqliteStore) -> None:
    from tui.modals.key_help import KeyHelpScreen

    async with make_app(three_cases).run_test(size=(120, 30)) as pilot:
        screen = await caseload_shown(pilot)
        await pilot.press("a", "question_mark")
        assert screen.filter_text == "a?"
        assert not isinstance(pilot.app.screen, KeyHelpScreen)
        await pilot.press("escape", "question_mark")
        assert isinstance(pilot.app.screen, KeyHelpScreen)


async def test_narrow_screen_hides_less_important_columns_and_resizing_brings_them_back(
    three_cases: SqliteStore,
) -> None:
    async with make_app(three_cases).run_test(size=(80, 24)) as pilot:
        screen = await caseload_shown(pilot)
        cases = screen.query_one(CaseList)
        assert [c.key for c in cases.columns] == ["ref", "name", "status", "due", "days"]
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        assert [c.key for c in cases.columns] == [
            "ref", "name", "status", "due", "days", "ends", "words", "minutes",
        ]  # fmt: skip
        assert table_column(screen, "ref") == ["X100", "X200", "X300"]


async def test_a_big_caseload_shows_the_first_rows_and_says_how_many_more(db: SqliteStore) -> None:
    fill_demo(db, SHOW_LIMIT + 50)
    async with make_app(db).run_test(size=(120, 30)) as pilot:
        screen = await caseload_shown(pilot)
        assert len(table_column(screen, "ref")) == SHOW_LIMIT
        assert "50 more" in str(screen.query_one("#more").render())


def test_narrowing_from_the_previous_matches_gives_the_same_answer_as_starting_again(
    db: SqliteStore,
) -> None:
    fill_demo(db, 500)
    rows = db.list_cases(USER)
    typed = CaseFilter(rows)
    for query in ("m", "mo", "mor", "mo", "mor g", "x"):
        fresh = CaseFilter(rows).apply(query)
        assert typed.apply(query) == fresh, query
    assert typed.apply("") == rows


class AwayStore(SqliteStore):
    """The real store, refusing to list cases as a team store does while its server is away."""

    away = True

    def list_cases(self, owner: str | None = None, limit: int | None = None) -> list:
        if self.away:
            raise ServerUnreachableError("The A4 team database cannot be reached (a network drop?).")
        return super().list_cases(owner, limit)


async def test_a_caseload_that_cannot_be_read_says_so_and_ctrl_l_reads_it_again(tmp_path: Path) -> None:
    store = AwayStore(tmp_path / "a4.db")
    add_case(store, "N100", "Alex Example", TODAY)
    async with make_app(store).run_test(size=(100, 24)) as pilot:
        await shown(pilot, "The caseload could not be read: The A4 team database cannot be reached")
        more = str(pilot.app.screen.query_one("#more", Static).render())
        assert more.endswith("Ctrl+L tries again.")  # under the notice: what to do
        store.away = False
        await pilot.press("ctrl+l")
        screen = await caseload_shown(pilot)
        assert screen.selected_ref == "N100"
    store.close()


class SlowListStore(SqliteStore):
    """The real store, whose whole-list read waits until the test lets it go (a large caseload)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.release = threading.Event()

    def list_cases(self, owner: str | None = None, limit: int | None = None) -> list:
        if limit is None:
            self.release.wait(timeout=30)
        return super().list_cases(owner, limit)


async def test_the_first_screenful_shows_before_the_whole_caseload_is_read(tmp_path: Path) -> None:
    store = SlowListStore(tmp_path / "a4.db")
    fill_demo(store, FIRST_PAGE + 40)
    whole = [s.ref for s in store.list_cases(USER, limit=FIRST_PAGE + 40)]
    async with make_app(store).run_test(size=(120, 30)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, CaseloadScreen)
        await shown(pilot, "Reading the rest of the caseload…")
        assert table_column(screen, "ref")[:5] == whole[:5]  # soonest due first, before the rest is read
        assert f"{len(whole)} cases" not in screen_title(screen)  # not counted until it is whole
        await pilot.press(*whole[-1])  # the last case is not in the first page
        await shown(pilot, "Reading the whole caseload to filter it…")
        store.release.set()
        await caseload_shown(pilot)
        await pilot.pause(0.1)
        assert table_column(screen, "ref")[0] == whole[-1]  # the filter is exact once the list is whole
        assert f"{len(whole)} cases" in screen_title(screen)
    store.close()


def screen_title(screen: CaseloadScreen) -> str:
    return str(screen.query_one("#caseload-title", Static).render())


async def test_the_caseload_shows_when_each_sentence_ends_on_a_wide_screen(db: SqliteStore) -> None:
    form = shipped_registry().assessment(DEFAULT_FORM_ID)
    assert form is not None
    order = Sentence(type="community order", end="2026-08-02")
    db.create_case(
        Case("S-1", "Alex Morgan", TODAY.isoformat(), USER, form.id, sentence=order), form.deadlines
    )
    add_case(db, "S-2", "Sam Okafor", TODAY)
    async with make_app(db).run_test(size=(120, 30)) as pilot:
        screen = await caseload_shown(pilot)
        ends = dict(zip(table_column(screen, "ref"), table_column(screen, "ends"), strict=True))
        assert ends == {"S-1": "02 Aug 2026", "S-2": ""}

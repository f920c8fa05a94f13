"""The caseload: every case of the practitioner, soonest due first, filtered as they type.

Built to stay instant with 10,000 cases: the list is read in a thread started
the moment the screen is made (with the bank-holiday calendar), so it is read
while Textual builds and styles the screen and the first paint can already
hold it; later reads (after a case closes) run in a worker.  Each keystroke
filters rows held in memory (no query per key), narrowing from the previous
matches while the query only grows;
only the best `SHOW_LIMIT` matches go into the list, with a line saying how
many more there are; and the list (`CaseList`) draws only the rows on screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from exports.escape import for_terminal
from forms.model import AssessmentForm, Case
from forms.record.deadlines import days_left
from storage.row_check import readable
from storage.store import CaseSummary, Store, StoreError
from tui.fuzzy import fuzzy_filter
from tui.messages import OpenCase
from tui.progress import Progress
from tui.widgets.case_list import CaseList, Column, DaysLeft, header_text, visible_columns
from tui.widgets.key_bar import KeyBar

SHOW_LIMIT = 200
"""Rows in the list with no filter: enough to scroll a real caseload, few enough to page through."""
FILTERED_LIMIT = 50
"""Rows in the list while filtering: the best matches; the rest are noise until the next key."""
WARM_ROWS = 100
"""Rows whose days left are worked out while the list is read, off the UI thread: a first screenful
and more, so drawing them never computes a count."""
FIRST_PAGE = WARM_ROWS
"""Rows read first, from the store's due-order index, and drawn before the whole list is read: start-up
then costs the same for 100 cases as for 10,000."""


class CaseFilter:
    """Fuzzy filtering of the caseload on reference and name, ranked best first.

    Every match of a longer query is a match of its prefix, so a key that
    extends the query searches only the rows the previous key left, and
    the matches of each prefix are kept so that Backspace costs nothing.
    """

    def __init__(self, rows: Sequence[CaseSummary]) -> None:
        self.rows = rows
        # name first, so a name's letters are not taken by the reference's
        self._texts = [f"{row.name} {row.ref}" for row in rows]
        self._by_query: dict[str, list[int]] = {}
        """Indexes of the matches, best first, for each prefix of the current query."""

    def apply(self, query: str) -> list[CaseSummary]:
        """Rows matching `query`, best first; every row in caseload order for an empty query."""
        if not query.strip():
            self._by_query.clear()
            return list(self.rows)
        self._by_query = {q: found for q, found in self._by_query.items() if query.startswith(q)}
        if query not in self._by_query:
            longest = max(self._by_query, key=len, default=None)
            # caseload order, so that equal scores keep the soonest due first
            pool = sorted(self._by_query[longest]) if longest is not None else range(len(self.rows))
            matches = fuzzy_filter(query, [self._texts[i] for i in pool])
            self._by_query[query] = [pool[m.index] for m in matches]
        return [self.rows[i] for i in self._by_query[query]]


class CaseloadScreen(Screen[None]):
    """What A4 opens on: the cases, soonest due first; type anywhere to filter, Enter to open."""

    # In DEFAULT_CSS, not a CSS_PATH file: Textual never loads the CSS_PATH of an app's default screen.
    DEFAULT_CSS = """
    CaseloadScreen {
        layout: vertical;
        #caseload-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
        #filter { height: 1; padding: 0 1; color: $text-muted; }
        #filter.-active { color: $text; background: $boost; }
        #case-header { height: 1; background: $panel; text-style: bold; }
        #cases { height: 1fr; }
        #more { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    }
    """

    HELP = (
        "Type letters or digits to filter by reference or name (no need to focus a search box). "
        "Backspace edits the filter, Escape clears it. Up/Down move, Enter opens the case."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_case", "New case", id="caseload.new"),
        Binding("ctrl+r", "start_review", "Start review", id="caseload.review"),
        Binding("escape", "clear_filter", "Clear filter", id="caseload.clear_filter"),
        Binding("ctrl+f", "amend", "Amend", id="caseload.amend"),
        # Not on the bar (a correction is rare; Quit and Keys keep their place there): F1 and Ctrl+P list it.
        Binding("ctrl+e", "edit_case", "Edit case", id="caseload.edit", show=False),
        Binding("question_mark", "app.help", "Keys", id="caseload.help", show=False),
        Binding("ctrl+l", "reload", "Reload", id="caseload.reload", show=False),
        Binding("f9", "qa_queue", "QA queue", id="caseload.qa_queue"),
        Binding("ctrl+t", "hand_over", "Hand over", id="caseload.hand_over"),
        Binding("ctrl+x", "archive", "Archive", id="caseload.archive"),
    ]

    class Loaded(Message):
        """The caseload has been read and is on screen (also after a reload)."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(
        self,
        *,
        store: Store,
        owner: str | None,
        forms: Callable[[], list[AssessmentForm]],
        today: date,
        hand_over_by: str | None = None,
        may_edit: Callable[[str], bool] | None = None,
        editor: str = "",
    ) -> None:
        """`owner` limits the list to one practitioner's cases; `forms()` are those new cases may use.

        `forms()` (the default first) is asked for only when a case is added, so the forms need not be
        read before the list shows.  `may_edit(owner)` says whether the user may correct the details of
        a case that owner holds (`tui.case_editing`); without it no case is offered.  `editor` is who
        corrects a case, as its history of corrections names them (a team database names the login).
        """
        super().__init__()
        self.store = store
        self.owner = owner
        self.hand_over_by = hand_over_by
        """The manager's login when the user may hand cases over and archive them; None hides both."""
        self.may_edit = may_edit
        self.editor = editor
        self.progress = Progress(self)
        """Slow work a key starts here (reading a case to correct it): said at once, never started twice."""
        self.forms = forms
        self.today = today
        self.filter_text = ""
        self._filter = CaseFilter([])
        self._days_left = DaysLeft(today, days_left)
        self._first_rows: list[CaseSummary] | None = None
        self._complete = False
        """The rows held are the whole list, not only its first page: filtering and counts are exact."""
        self._unreadable: list[tuple[CaseSummary, str]] = []
        """Rows the last read left out (impossible dates), named once the list is shown."""
        # Start reading the list and loading the bank-holiday calendar now, while Textual builds and
        # styles the screen, so the first paint can already hold the rows.
        self._first_read = threading.Thread(target=self._read_first, daemon=True)
        self._first_read.start()
        self._matches: list[CaseSummary] = []
        self._columns: list[Column] = []
        self._select_next: str | None = None
        self._read = False
        """The list has been read (at least once)."""
        self.loaded = False
        """The list has been read and drawn on screen (at least once)."""

    def compose(self) -> ComposeResult:
        yield Static(id="caseload-title")
        yield Static(id="filter")
        yield Static(id="case-header")
        yield CaseList(id="cases")
        yield Static(id="more")
        yield KeyBar()

    def on_mount(self) -> None:
        self._title()
        self._show_filter()
        self.query_one("#more", Static).update("Reading the caseload…")

    def on_screen_resume(self) -> None:
        """Read the list on first show and whenever a case screen closes (words and time change there)."""
        self.query_one(CaseList).focus()
        self.action_reload()

    def on_resize(self, event: events.Resize) -> None:
        columns = visible_columns(event.size.width)
        if columns != self._columns:
            self._columns = columns
            self.query_one("#case-header", Static).update(Text(header_text(columns)))
            self.query_one(CaseList).set_columns(columns)

    # ------------------------------------------------------------ loading

    def action_reload(self) -> None:
        self.run_worker(self._read_rows, thread=True, exclusive=True, group="caseload")

    def _read_first(self) -> None:
        """The first read, started with the screen; a refusal is left for the worker to read again and say."""
        self._days_left(self.today.isoformat())  # loads the calendar
        try:
            self._first_rows = self._read_and_warm(FIRST_PAGE)
        except StoreError:
            self._first_rows = None

    def _read_and_warm(self, limit: int | None = None) -> list[CaseSummary]:
        rows, self._unreadable = readable(self.store.list_cases(self.owner, limit=limit))
        for row in rows[:WARM_ROWS]:
            self._days_left(row.due)
        return rows

    def _read_rows(self) -> None:
        """Draw the first page if that is all there is so far, then read and draw the whole list."""
        self._first_read.join()
        page, self._first_rows = self._first_rows, None
        try:
            if page is not None and len(page) < FIRST_PAGE:
                rows = page  # the first page was the whole list
            else:
                if page is not None and not self._complete:
                    self.app.call_from_thread(self._page_read, page)
                rows = self._read_and_warm()
        except StoreError as error:
            self.app.call_from_thread(self._not_read, str(error))
            return
        self.app.call_from_thread(self._rows_read, rows)

    def _left_out(self, unreadable: list[tuple[CaseSummary, str]]) -> None:
        """Rows an older A4 let impossible dates into: named once, the rest of the caseload shown."""
        names = ", ".join(for_terminal(row.ref) for row, _ in unreadable[:5])
        more = f" and {len(unreadable) - 5} more" if len(unreadable) > 5 else ""
        self.notify(
            f"{len(unreadable)} case(s) left out ({names}{more}): {unreadable[0][1]}. "
            "`a4 cases --check` says how to fix them.",
            title="Some cases cannot be shown",
            severity="warning",
            timeout=15,
            markup=False,
        )

    def _not_read(self, message: str) -> None:
        """The store refused the list (a team server away, say): say so; Ctrl+L reads it again."""
        more = self.query_one("#more", Static)
        more.update(Text(f"The caseload could not be read: {message} Ctrl+L tries again."))
        self.notify(message, title="Caseload not read", severity="error", timeout=15, markup=False)

    def _page_read(self, rows: list[CaseSummary]) -> None:
        """The first screenful, soonest due first, while the rest is read: drawn, not counted or filtered."""
        self._filter = CaseFilter(rows)
        self._matches = rows
        self._read = True
        self._render_rows()
        self.refresh_bindings()

    def _rows_read(self, rows: list[CaseSummary]) -> None:
        self._complete = True
        if self._unreadable:
            self._left_out(self._unreadable)
        had_selection = self.selected_ref is not None
        keep, self._select_next = self._select_next or self.selected_ref, None
        self._filter = CaseFilter(rows)
        self._matches = self._filter.apply(self.filter_text)
        self._read = True
        self._title()
        self._render_rows(keep=keep)
        if (self.selected_ref is not None) != had_selection:
            self.refresh_bindings()  # Start review needs a case under the cursor
        self.call_after_refresh(self._drawn, len(rows))

    def _drawn(self, count: int) -> None:
        self.loaded = True
        self.post_message(self.Loaded(count))

    # ------------------------------------------------------------ showing

    @property
    def selected_ref(self) -> str | None:
        """Reference of the case under the cursor, if any."""
        selected = self.query_one(CaseList).selected
        return selected.ref if selected else None

    def _title(self) -> None:
        count = len(self._filter.rows)
        whose = f"{self.owner}'s caseload" if self.owner else "All cases"
        text = f"{whose} · {count:,} case{'s' if count != 1 else ''}" if self._complete else whose
        self.query_one("#caseload-title", Static).update(Text(text))

    def _show_filter(self) -> None:
        widget = self.query_one("#filter", Static)
        if self.filter_text:
            line = Text.assemble(("Filter: ", "bold"), self.filter_text, ("▏", "reverse"))
            line.append(f"   {len(self._matches):,} of {len(self._filter.rows):,} · Esc clears")
            widget.update(line)
        else:
            widget.update(Text("Type to filter by reference or name", style="italic"))
        widget.set_class(bool(self.filter_text), "-active")

    def _render_rows(self, keep: str | None = None) -> None:
        """Show the best matches; the cursor stays on `keep` if still shown."""
        if not self._read:
            return
        if self.filter_text and not self._complete:
            self.query_one("#more", Static).update("Reading the whole caseload to filter it…")
            return
        shown = self._matches[: FILTERED_LIMIT if self.filter_text else SHOW_LIMIT]
        refs = [row.ref for row in shown]
        self.query_one(CaseList).show(shown, self._days_left, cursor=refs.index(keep) if keep in refs else 0)
        more = len(self._matches) - len(shown)
        if not self._complete:
            status = "Reading the rest of the caseload…"
        elif more > 0:
            status = f"{more:,} more — keep typing to narrow"
        elif not self._filter.rows:
            status = "No cases yet. Press Ctrl+N to add one."
        elif not self._matches:
            status = "No case matches the filter. Backspace or Esc to widen it."
        else:
            status = ""
        self.query_one("#more", Static).update(status)

    def set_filter(self, text: str) -> None:
        """Filter the list to `text` (fuzzy on reference and name, best match first)."""
        self.filter_text = text
        self._matches = self._filter.apply(text)
        self._show_filter()
        self._render_rows()
        self.refresh_bindings()

    # ------------------------------------------------------------ keys

    def on_key(self, event: events.Key) -> None:
        """Typing goes into the filter while the list has focus: no search box to reach first."""
        if self.focused is not self.query_one(CaseList):
            return
        if event.key == "backspace" and self.filter_text:
            self.set_filter(self.filter_text[:-1])
        elif event.is_printable and event.character and not (event.character == "?" and not self.filter_text):
            if event.character == " " and not self.filter_text:
                return
            self.set_filter(self.filter_text + event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.filter_text)
        if action in ("start_review", "amend"):
            return self.selected_ref is not None or None
        if action in ("hand_over", "archive"):  # managers only: hidden from others, dimmed with no case
            return False if self.hand_over_by is None else (self.selected_ref is not None or None)
        if action == "edit_case":  # hidden where the store would refuse, dimmed with no case
            selected = self.query_one(CaseList).selected
            if self.may_edit is None:
                return False
            return None if selected is None else self.may_edit(selected.owner)
        return True

    @on(CaseList.Selected)
    def _row_selected(self, event: CaseList.Selected) -> None:
        event.stop()
        self.post_message(OpenCase(event.summary.ref))

    def action_start_review(self) -> None:
        if ref := self.selected_ref:
            self.post_message(OpenCase(ref, start="review"))

    def action_amend(self) -> None:
        """Amend the case's locked record, after one confirming key (a new draft, which needs QA again)."""
        if ref := self.selected_ref:
            from tui.amendment import amend_question
            from tui.modals.confirm_key import ConfirmKey

            self.app.push_screen(ConfirmKey(amend_question(ref)), partial(self._amend_confirmed, ref))

    def _amend_confirmed(self, ref: str, yes: bool | None) -> None:
        if yes:
            self.post_message(OpenCase(ref, start="amendment"))

    def action_qa_queue(self) -> None:
        """Records waiting for a QA assessor (other than their own)."""
        from tui.screens.qa_queue import QAQueueScreen

        user = getattr(getattr(self.app, "config", None), "user", "") or self.owner or ""
        self.app.push_screen(QAQueueScreen(store=self.store, user=user))

    def action_clear_filter(self) -> None:
        self.set_filter("")

    def action_new_case(self) -> None:
        forms = self.forms()
        if not forms:
            self.notify("No assessment form is installed, so no case can be added.", severity="error")
            return
        from tui.modals.new_case import NewCaseScreen

        self.app.push_screen(
            NewCaseScreen(store=self.store, forms=forms, owner=self.owner or "", today=self.today),
            self._case_created,
        )

    def _case_created(self, case: Case | None) -> None:
        """Show the new case under the cursor once the list is read again (on resuming this screen)."""
        if case is None:
            return
        self.notify(
            f"Case {case.ref} added; assessment due {date.fromisoformat(case.initial_due):%d %b %Y}.",
            markup=False,
        )
        self._select_next = case.ref
        self.set_filter("")

    def action_edit_case(self) -> None:
        """Correct the details of the case under the cursor (name, identifier, start date, sentence): said at
        once, since reading the case from a team server can take a while (as Enter and Ctrl+R say)."""
        selected = self.query_one(CaseList).selected
        if selected is None or self.may_edit is None or not self.may_edit(selected.owner):
            return
        doing = f"Reading {for_terminal(selected.ref)} to correct it…"
        self.progress.run(doing, partial(self._edit_case, selected.ref, selected.owner))

    def _edit_case(self, ref: str, owner: str) -> None:
        from tui.modals.edit_case import EditCaseScreen

        try:
            case = self.store.get_case(ref, owner=owner)
            deadlines = self.store.case_deadlines(ref, owner=owner)
            changes = self.store.case_changes(ref, owner=owner)
        except StoreError as error:
            self.notify(str(error), title="Case not read", severity="error", timeout=15, markup=False)
            return
        screen = EditCaseScreen(store=self.store, case=case, case_deadlines=deadlines, today=self.today,
                                actor=self.editor, changes=changes)  # fmt: skip
        self.app.push_screen(screen, self._case_corrected)

    def _case_corrected(self, case: Case | None) -> None:
        """Say what the correction did to the due date, and show the case under the cursor again."""
        if case is None:
            return
        due = date.fromisoformat(case.initial_due)
        self.notify(f"Case {case.ref} corrected; first assessment due {due:%d %b %Y}.", markup=False)
        self._select_next = case.ref
        self.action_reload()

    def action_hand_over(self) -> None:
        """A manager gives the case under the cursor to another practitioner (asked in a dialog)."""
        selected = self.query_one(CaseList).selected
        if selected is None or self.hand_over_by is None:
            return
        from tui.modals.handover import HandOverScreen

        self.app.push_screen(
            HandOverScreen(selected.ref, selected.name, selected.owner),
            partial(self._handed_over, selected.ref, selected.owner),
        )

    def action_archive(self) -> None:
        """A manager takes the case under the cursor out of every list (a reason, then one key: y)."""
        selected = self.query_one(CaseList).selected
        if selected is None or self.hand_over_by is None:
            return
        from tui.modals.archive_case import ArchiveCaseScreen

        screen = ArchiveCaseScreen(selected.ref, selected.name)
        self.app.push_screen(screen, partial(self._archive, selected.ref, selected.owner))

    def _archive(self, ref: str, owner: str, reason: str | None) -> None:
        if reason is None:
            return
        from tui.modals.confirm_key import ConfirmKey

        question = f"Archive case {for_terminal(ref)} (kept whole, left out of every list)?"
        self.app.push_screen(ConfirmKey(question), partial(self._archived, ref, owner, reason))

    def _archived(self, ref: str, owner: str, reason: str, confirmed: bool | None) -> None:
        if not confirmed or self.hand_over_by is None:
            self.notify(f"Case {for_terminal(ref)} was not archived.", markup=False)
            return
        try:
            self.store.archive_case(ref, self.hand_over_by, reason=reason, owner=owner)
        except StoreError as error:
            self.notify(str(error), title="Not archived", severity="error", timeout=15, markup=False)
            return
        self.notify(
            f"Case {for_terminal(ref)} archived: kept whole, left out of every list. "
            f"`a4 cases --archived` lists it.",
            markup=False,
        )
        self.action_reload()

    def _handed_over(self, ref: str, old_owner: str, chosen: tuple[str, str] | None) -> None:
        if chosen is None or self.hand_over_by is None:
            return
        new_owner, note = chosen
        try:
            self.store.hand_over(ref, new_owner, self.hand_over_by, note=note, from_owner=old_owner)
        except StoreError as error:
            self.notify(str(error), title="Not handed over", severity="error", timeout=15, markup=False)
            return
        self.notify(
            f"Case {ref} is now {new_owner}'s; {old_owner} and {new_owner} will be told.", markup=False
        )
        self._select_next = ref
        self.action_reload()

"""The caseload: every case of the practitioner, soonest due first, filtered as they type.

Built to stay instant with 10,000 cases: the list is read once, in a thread,
after the screen is already on show; each keystroke filters rows held in
memory (no query per key), narrowing from the previous matches while the
query only grows; and only the best `SHOW_LIMIT` matches go into the table,
with a line saying how many more there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from forms.deadlines import days_left
from forms.model import AssessmentForm, Case
from storage.store import CaseSummary, Store
from tui.fuzzy import fuzzy_filter

DUE_SOON_WORKING_DAYS = 5
SHOW_LIMIT = 200
"""Rows in the table with no filter: enough to scroll a real caseload, few enough to draw at once."""
FILTERED_LIMIT = 50
"""Rows in the table while filtering: the best matches; the rest are noise until the next key."""


@dataclass(frozen=True)
class CaseRow:
    """One case as the caseload shows it, with its deadline worked out once when the list is read."""

    summary: CaseSummary
    due: date | None
    days_left: int | None

    @property
    def ref(self) -> str:
        return self.summary.ref

    @property
    def flag(self) -> str:
        """The words that make an urgent case stand out without relying on colour."""
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            return "OVERDUE"
        if self.days_left == 0:
            return "due today"
        if self.days_left <= DUE_SOON_WORKING_DAYS:
            return "due soon"
        return ""

    @property
    def search_text(self) -> str:
        """What the filter matches: name first, so a name's letters are not taken by the reference's."""
        return f"{self.summary.name} {self.summary.ref}"


def case_rows(summaries: Sequence[CaseSummary], today: date) -> list[CaseRow]:
    """Caseload rows in the store's order (soonest due first), with working days left to each due date.

    Thousands of cases share a few hundred due dates, so each date's count is worked out once.
    """
    left: dict[date, int] = {}
    rows = []
    for summary in summaries:
        due = date.fromisoformat(summary.due) if summary.due else None
        if due is not None and due not in left:
            left[due] = days_left(due, today)
        rows.append(CaseRow(summary, due, left[due] if due else None))
    return rows


class CaseFilter:
    """Fuzzy filtering of caseload rows on reference and name, ranked best first.

    Every match of a longer query is a match of its prefix, so a key that
    extends the query searches only the rows the previous key left, and
    the matches of each prefix are kept so that Backspace costs nothing.
    """

    def __init__(self, rows: Sequence[CaseRow]) -> None:
        self.rows = rows
        self._texts = [row.search_text for row in rows]
        self._by_query: dict[str, list[int]] = {}
        """Indexes of the matches, best first, for each prefix of the current query."""

    def apply(self, query: str) -> list[CaseRow]:
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


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    min_screen_width: int
    """The column is hidden on screens narrower than this."""


COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", 10, 0),
    Column("name", "Name", 0, 0),  # takes whatever width is left
    Column("status", "Status", 9, 64),
    Column("due", "Due", 11, 0),
    Column("days", "Days left", 12, 0),
    Column("words", "Words", 6, 100),
    Column("minutes", "Active min", 10, 100),
)
_CELL_PADDING = 2
_MIN_NAME_WIDTH = 12
_MAX_NAME_WIDTH = 40


def visible_columns(screen_width: int) -> list[Column]:
    """The columns that fit, the name column widened to fill the rest of the line."""
    shown = [c for c in COLUMNS if screen_width >= c.min_screen_width]
    fixed = sum(c.width + _CELL_PADDING for c in shown if c.key != "name")
    name_width = min(
        _MAX_NAME_WIDTH, max(_MIN_NAME_WIDTH, screen_width - fixed - _CELL_PADDING - 2)
    )  # 2: scrollbar
    return [Column(c.key, c.label, name_width, 0) if c.key == "name" else c for c in shown]


def _cells(row: CaseRow, columns: Sequence[Column], urgent_style: str, soon_style: str) -> list[Text]:
    summary = row.summary
    values = {
        "ref": summary.ref,
        "name": summary.name,
        "status": summary.status or "new",
        "due": row.due.strftime("%d %b %Y") if row.due else "—",
        "days": "" if row.days_left is None else f"{row.days_left} {row.flag}".rstrip(),
        "words": f"{summary.words:,}",
        "minutes": f"{summary.active_seconds // 60:,}",
    }
    flag = row.flag
    style = urgent_style if flag == "OVERDUE" else soon_style if flag else ""
    justify = {"words": "right", "minutes": "right"}
    return [Text(values[c.key], style=style, justify=justify.get(c.key, "left")) for c in columns]


class CaseTable(DataTable[Text]):
    """The caseload table: a DataTable whose Enter is named for what it does here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open case", id="caseload.open"),
    ]


class CaseloadScreen(Screen[None]):
    """What A4 opens on: the cases, soonest due first; type anywhere to filter, Enter to open."""

    CSS_PATH = "caseload.tcss"

    HELP = (
        "Type letters or digits to filter by reference or name (no need to focus a search box). "
        "Backspace edits the filter, Escape clears it. Up/Down move, Enter opens the case."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_case", "New case", id="caseload.new"),
        Binding("ctrl+r", "start_review", "Start review", id="caseload.review"),
        Binding("escape", "clear_filter", "Clear filter", id="caseload.clear_filter"),
        Binding("question_mark", "app.help", "Keys", id="caseload.help", show=False),
        Binding("ctrl+l", "reload", "Reload", id="caseload.reload", show=False),
    ]

    class Loaded(Message):
        """The caseload has been read and is on screen (also after a reload)."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    class Open(Message):
        """Open a case: its latest record, or (with `review`) a new review of it."""

        def __init__(self, ref: str, review: bool = False) -> None:
            super().__init__()
            self.ref = ref
            self.review = review

    def __init__(
        self,
        *,
        store: Store,
        owner: str | None,
        form: AssessmentForm | None,
        today: date,
    ) -> None:
        """`owner` limits the list to one practitioner's cases; `form` is what new cases are assessed with."""
        super().__init__()
        self.store = store
        self.owner = owner
        self.form = form
        self.today = today
        self.filter_text = ""
        self._filter = CaseFilter([])
        self._matches: list[CaseRow] = []
        self._shown: list[CaseRow] = []
        self._columns: list[Column] = []
        self._select_next: str | None = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(id="caseload-title")
        yield Static(id="filter")
        yield CaseTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Static(id="more")
        yield Footer()

    def on_mount(self) -> None:
        self._title()
        self._show_filter()
        self.query_one("#more", Static).update("Reading the caseload…")
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._render_rows())

    def on_screen_resume(self) -> None:
        """Read the list on first show and whenever a case screen closes (words and time change there)."""
        self.query_one(CaseTable).focus()
        self.action_reload()

    def on_resize(self, event: events.Resize) -> None:
        columns = visible_columns(event.size.width)
        if columns != self._columns:
            self._columns = columns
            table = self.query_one(CaseTable)
            table.clear(columns=True)
            for column in columns:
                table.add_column(column.label, width=column.width, key=column.key)
            self._render_rows()

    # ------------------------------------------------------------ loading

    def action_reload(self) -> None:
        self.run_worker(self._read_rows, thread=True, exclusive=True, group="caseload")

    def _read_rows(self) -> None:
        rows = case_rows(self.store.list_cases(self.owner), self.today)
        self.app.call_from_thread(self._rows_read, rows)

    def _rows_read(self, rows: list[CaseRow]) -> None:
        keep, self._select_next = self._select_next or self.selected_ref, None
        self._filter = CaseFilter(rows)
        self._matches = self._filter.apply(self.filter_text)
        self.loaded = True
        self._title()
        self._render_rows(keep=keep)
        self.post_message(self.Loaded(len(rows)))

    # ------------------------------------------------------------ showing

    @property
    def selected_ref(self) -> str | None:
        """Reference of the case under the cursor, if any."""
        table = self.query_one(CaseTable)
        if not self._shown or not 0 <= table.cursor_row < len(self._shown):
            return None
        return self._shown[table.cursor_row].ref

    def _title(self) -> None:
        count = len(self._filter.rows)
        whose = f"{self.owner}'s caseload" if self.owner else "All cases"
        text = f"{whose} · {count:,} case{'s' if count != 1 else ''}" if self.loaded else whose
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
        """Put the best matches in the table in one go; the cursor stays on `keep` if still shown."""
        if not self.loaded or not self._columns:
            return
        theme = self.app.current_theme
        urgent = f"bold {theme.error}"
        soon = f"bold {theme.warning}"
        self._shown = self._matches[: FILTERED_LIMIT if self.filter_text else SHOW_LIMIT]
        table = self.query_one(CaseTable)
        table.clear()
        table.add_rows(_cells(row, self._columns, urgent, soon) for row in self._shown)
        refs = [row.ref for row in self._shown]
        table.move_cursor(row=refs.index(keep) if keep in refs else 0, animate=False)
        more = len(self._matches) - len(self._shown)
        if more > 0:
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
        """Typing goes into the filter while the table has focus: no search box to reach first."""
        if self.focused is not self.query_one(CaseTable):
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
        if action == "start_review":
            return self.selected_ref is not None or None
        if action == "new_case":
            return self.form is not None or None
        return True

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_case()

    def action_open_case(self) -> None:
        if ref := self.selected_ref:
            self.post_message(self.Open(ref))

    def action_start_review(self) -> None:
        if ref := self.selected_ref:
            self.post_message(self.Open(ref, review=True))

    def action_clear_filter(self) -> None:
        self.set_filter("")

    def action_new_case(self) -> None:
        if self.form is None:
            self.notify("No assessment form is installed, so no case can be added.", severity="error")
            return
        from tui.new_case import NewCaseScreen

        self.app.push_screen(
            NewCaseScreen(store=self.store, form=self.form, owner=self.owner or "", today=self.today),
            self._case_created,
        )

    def _case_created(self, case: Case | None) -> None:
        """Show the new case under the cursor once the list is read again (on resuming this screen)."""
        if case is None:
            return
        self.notify(f"Case {case.ref} added; assessment due {date.fromisoformat(case.initial_due):%d %b %Y}.")
        self._select_next = case.ref
        self.set_filter("")

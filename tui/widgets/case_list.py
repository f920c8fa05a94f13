"""The caseload's list of cases: one line per case, drawn only for the lines on screen.

A `DataTable` renders every cell through Rich and keeps a cell per value;
on a caseload that is most of the time it takes A4 to start.  This widget
uses Textual's line API instead: a row becomes a plain string the first
time it is drawn (kept until the columns change), and only the rows in
view are turned into strips.  Urgency shows in words ("OVERDUE", "due
soon") as well as colour, and the cursor row carries a "▶" marker as well
as its highlight, so neither depends on colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from exports.escape import for_terminal
from storage.store import CaseSummary

DUE_SOON_WORKING_DAYS = 5


def urgency(days_left: int | None) -> str:
    """The words that make an urgent case stand out without relying on colour."""
    if days_left is None:
        return ""
    if days_left < 0:
        return "OVERDUE"
    if days_left == 0:
        return "due today"
    if days_left <= DUE_SOON_WORKING_DAYS:
        return "due soon"
    return ""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    min_screen_width: int
    """The column is hidden on screens narrower than this."""
    right: bool = False
    """Numbers line up on the right."""


COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", 10, 0),
    Column("name", "Name", 0, 0),  # takes whatever width is left
    Column("status", "Status", 9, 64),
    Column("due", "Due", 11, 0),
    Column("days", "Days left", 12, 0),
    Column("ends", "Sentence ends", 13, 110),
    Column("words", "Words", 6, 100, right=True),
    Column("minutes", "Active min", 10, 100, right=True),
)
_CELL_PADDING = 2
_MIN_NAME_WIDTH = 12
_MAX_NAME_WIDTH = 40
CURSOR_MARK = "▶ "
"""Starts the cursor row (other rows start with as many spaces), so the cursor shows without colour."""
_GUTTER = " " * len(CURSOR_MARK)


def visible_columns(screen_width: int) -> list[Column]:
    """The columns that fit, the name column widened to fill the rest of the line."""
    shown = [c for c in COLUMNS if screen_width >= c.min_screen_width]
    fixed = sum(c.width + _CELL_PADDING for c in shown if c.key != "name")
    spare = screen_width - len(_GUTTER) - fixed - _CELL_PADDING - 2  # 2: scrollbar
    name_width = min(_MAX_NAME_WIDTH, max(_MIN_NAME_WIDTH, spare))
    return [Column(c.key, c.label, name_width, 0) if c.key == "name" else c for c in shown]


def _cell(text: str, column: Column) -> str:
    """`text` fitted to the column: cut with "…" when too long, padded one space each side."""
    if cell_len(text) > column.width:
        text = set_cell_size(text, column.width - 1) + "…"
    elif column.right:
        text = " " * (column.width - cell_len(text)) + text
    else:
        text = set_cell_size(text, column.width)
    return f" {text} "


def line_text(values: dict[str, str], columns: Sequence[Column]) -> str:
    """One line of the list (or its header) with the values in the given columns, after the gutter."""
    return _GUTTER + "".join(_cell(values[c.key], c) for c in columns)


def header_text(columns: Sequence[Column]) -> str:
    return line_text({c.key: c.label for c in columns}, columns)


class DaysLeft:
    """Working days left to each due date, worked out the first time a row with that date is drawn.

    Thousands of cases share a few hundred due dates, and only the rows on
    screen need theirs, so the count is made once per date and only when
    asked for.
    """

    def __init__(self, today: date, count: Callable[[date, date], int]) -> None:
        self.today = today
        self._count = count
        self._by_due: dict[str, int] = {}

    def __call__(self, due: str) -> int | None:
        if not due:
            return None
        left = self._by_due.get(due)
        if left is None:
            left = self._by_due[due] = self._count(date.fromisoformat(due), self.today)
        return left


def row_values(summary: CaseSummary, days_left: int | None) -> dict[str, str]:
    """The text of each column for one case."""
    due = date.fromisoformat(summary.due).strftime("%d %b %Y") if summary.due else "—"
    return {
        "ref": for_terminal(summary.ref),  # old data may hold control characters: never drawn raw
        "name": for_terminal(summary.name),
        "status": summary.status or "new",
        "due": due,
        "days": "" if days_left is None else f"{days_left} {urgency(days_left)}".rstrip(),
        "ends": _sentence_end(summary.sentence_end),
        "words": f"{summary.words:,}",
        "minutes": f"{summary.active_seconds // 60:,}",
    }


def _sentence_end(stored: str) -> str:
    """The sentence end as the list shows it; one an older A4 let in that is no date (2027-02-30) is shown
    as stored, marked, rather than stopping the caseload: Ctrl+E corrects it."""
    try:
        return date.fromisoformat(stored).strftime("%d %b %Y") if stored else ""
    except ValueError:
        return f"{for_terminal(stored)}?"


class CaseList(ScrollView, can_focus=True):
    """The cases, one per line, with a row cursor; Enter (or a click on the cursor row) selects."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "case-list--cursor",
        "case-list--even-row",
        "case-list--overdue",
        "case-list--soon",
    }

    SCOPED_CSS = False  # for the high-contrast rule, which names the app's theme class
    DEFAULT_CSS = """
    CaseList {
        background: $surface;
        color: $foreground;
        & > .case-list--even-row { background: $surface-lighten-1 50%; }
        &:dark > .case-list--even-row { background: $surface-darken-1 40%; }
        & > .case-list--overdue { color: $error; text-style: bold; }
        & > .case-list--soon { color: $warning; text-style: bold; }
        & > .case-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .case-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    App.-theme-a4-high-contrast CaseList > .case-list--cursor {
        text-style: bold reverse;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open case", id="caseload.open"),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First case", show=False),
        Binding("end,ctrl+end", "last", "Last case", show=False),
    ]

    class Selected(Message):
        """The case under the cursor was chosen (Enter, or a click on the cursor row)."""

        def __init__(self, summary: CaseSummary) -> None:
            super().__init__()
            self.summary = summary

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[CaseSummary] = ()
        self.cursor = 0
        self._days_left: Callable[[str], int | None] = lambda _due: None
        self._columns: list[Column] = []
        self._lines: dict[int, str] = {}
        """Text of each row drawn so far, by position, for the current rows and columns."""

    # ------------------------------------------------------------ content

    def show(
        self, rows: Sequence[CaseSummary], days_left: Callable[[str], int | None], cursor: int = 0
    ) -> None:
        """Show `rows` with the cursor on the row at `cursor`, scrolled so that it is in view."""
        self.rows = rows
        self._days_left = days_left
        self._lines.clear()
        self._resize_virtual()
        self.move_cursor(cursor)
        self.refresh()

    def set_columns(self, columns: list[Column]) -> None:
        self._columns = columns
        self._lines.clear()
        self._resize_virtual()
        self.refresh()

    @property
    def columns(self) -> list[Column]:
        """The columns shown, left to right (fewer on narrow screens)."""
        return self._columns

    @property
    def selected(self) -> CaseSummary | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def column_text(self, key: str) -> list[str]:
        """The text in one column, top to bottom, as it reads on screen (without padding)."""
        return [row_values(row, self._days_left(row.due))[key] for row in self.rows]

    def _resize_virtual(self) -> None:
        width = len(header_text(self._columns)) if self._columns else 0
        self.virtual_size = Size(width, len(self.rows))

    # ------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        base = self.rich_style
        width = self.size.width
        if not 0 <= index < len(self.rows) or not self._columns:
            return Strip.blank(width, base)
        row = self.rows[index]
        left = self._days_left(row.due)
        text = self._lines.get(index)
        if text is None:
            text = self._lines[index] = line_text(row_values(row, left), self._columns)
        style = base
        if index % 2:
            style += self.get_component_rich_style("case-list--even-row")
        flag = urgency(left)
        if flag:
            urgent = "case-list--overdue" if flag == "OVERDUE" else "case-list--soon"
            style += self.get_component_rich_style(urgent, partial=True)
        if index == self.cursor:
            style += self.get_component_rich_style("case-list--cursor")
            text = CURSOR_MARK + text[len(CURSOR_MARK) :]
        strip = Strip([Segment(text, style)], cell_len(text))
        return strip.crop_extend(scroll_x, scroll_x + width, style).apply_meta({"row": index})

    # ------------------------------------------------------------ cursor

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row `index` (kept within the list) and scroll it into view."""
        old, self.cursor = self.cursor, max(0, min(index, len(self.rows) - 1))
        self.refresh_line(old)
        self.refresh_line(self.cursor)
        if self.rows:
            self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - max(1, self.scrollable_content_region.height))

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + max(1, self.scrollable_content_region.height))

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    def action_select(self) -> None:
        if (summary := self.selected) is not None:
            self.post_message(self.Selected(summary))

    async def _on_click(self, event: events.Click) -> None:
        """A click moves the cursor; a click on the cursor row opens that case."""
        index = event.style.meta.get("row")
        if index is None:
            return
        if index == self.cursor:
            self.action_select()
        else:
            self.move_cursor(index)

"""A grid question: one level in each cell (who is at risk, where, how much), one key each.

Arrows move a cell cursor; a level's key answers the cell and moves on to
the next cell, so a whole grid is filled by typing its levels in reading
order.  Up from the top row and Down from the bottom row leave the grid, as
from any other field of the case screen.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from forms.model import Option, Question
from tui.widgets.counters import KeyActivity
from tui.widgets.short_answers import option_text


class GridInput(KeyActivity, Widget, can_focus=True):
    """Rows × columns of level answers; the value is ``{row id: {column id: level id}}``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(0, -1)", "Previous cell", show=False),
        Binding("right", "move(0, 1)", "Next cell", show=False),
        Binding("up", "move(-1, 0)", "Row above", show=False),
        Binding("down", "move(1, 0)", "Row below", show=False),
        Binding("backspace", "clear", "Clear cell", show=False),
    ]

    class Changed(Message):
        """A cell was answered or cleared; `value` is the whole grid answer (None when empty)."""

        def __init__(self, grid: GridInput, path: str, value: dict[str, dict[str, str]] | None) -> None:
            super().__init__()
            self.grid = grid
            self.path = path
            self.value = value

        @property
        def control(self) -> GridInput:
            return self.grid

    def __init__(self, path: str, question: Question, value: Any, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.path = path
        self.question = question
        self.rows = question.rows
        self.columns = question.columns or (Option("answer", question.label, ""),)
        self.cells: dict[str, dict[str, str]] = (
            {r: dict(c) for r, c in value.items() if isinstance(c, dict)} if isinstance(value, dict) else {}
        )
        self.row = 0
        self.column = 0

    @property
    def value(self) -> dict[str, dict[str, str]] | None:
        cells = {row: cols for row, cols in self.cells.items() if cols}
        return cells or None

    def action_move(self, rows: int, columns: int) -> None:
        row, column = self.row + rows, self.column + columns
        if row < 0:
            self.app.action_focus_previous()
        elif row >= len(self.rows):
            self.app.action_focus_next()
        else:
            self.row, self.column = row, max(0, min(column, len(self.columns) - 1))
            self.refresh()

    def action_clear(self) -> None:
        row, column = self.rows[self.row].id, self.columns[self.column].id
        if self.cells.get(row, {}).pop(column, None) is not None:
            self.post_message(self.Changed(self, self.path, self.value))
            self.refresh()

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not event.character.isprintable() or not self.rows:
            return
        key = event.character.lower()
        level = next((o for o in self.question.options if o.key.lower() == key), None)
        if level is None:
            return
        event.stop()  # not prevent_default: the key still counts towards active time
        self.cells.setdefault(self.rows[self.row].id, {})[self.columns[self.column].id] = level.id
        self.post_message(self.Changed(self, self.path, self.value))
        self._next_cell()
        self.refresh()

    def _next_cell(self) -> None:
        """Reading order: along the row, then the start of the next row; stay on the last cell."""
        if self.column + 1 < len(self.columns):
            self.column += 1
        elif self.row + 1 < len(self.rows):
            self.row, self.column = self.row + 1, 0

    def render(self) -> Table:
        levels = {o.id: o.label for o in self.question.options}
        table = Table(box=None, padding=(0, 1), show_edge=False, expand=False)
        table.add_column("")
        for column in self.columns:
            table.add_column(column.label)
        for r, row in enumerate(self.rows):
            cells: list[Text | str] = [row.label]
            for c, column in enumerate(self.columns):
                answer = levels.get(self.cells.get(row.id, {}).get(column.id, ""), "—")
                at_cursor = self.has_focus and r == self.row and c == self.column
                shown = f"[{answer}]" if at_cursor else answer
                cells.append(Text(shown, style="reverse" if at_cursor else ""))
            table.add_row(*cells)
        table.caption = "Levels: " + " / ".join(option_text(o) for o in self.question.options)
        return table

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

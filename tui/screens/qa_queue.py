"""The QA assessor's queue: records submitted for QA, and approved ones awaiting a second countersignature.

Reached from the caseload with one key.  The assessor's own records are left
out (nobody signs off their own work).  Enter opens the record on the case
screen, where F6 shows the automatic results and F7 opens the grading view.
The list is read in a thread after the screen is on show, and again each
time a case screen closes, so a record signed off leaves the queue at once.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from exports.escape import for_markup
from exports.qa_queue import QueueRow, queue_rows
from forms.definition.registry import Registry
from storage.store import Store, StoreError
from tui.messages import OpenCase
from tui.widgets.key_bar import KeyBar


class QAQueueScreen(Screen[None]):
    """Records waiting for QA; Enter opens one, Escape goes back to the caseload."""

    CSS_PATH = "qa_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back to caseload", id="qa_queue.back"),
        Binding("enter", "open", "Open record", id="qa_queue.open"),
        Binding("f5", "stats", "Workload statistics", id="qa_queue.stats"),
    ]

    def __init__(self, *, store: Store, user: str) -> None:
        super().__init__(classes="qa-queue")
        self.store = store
        self.user = user
        self.rows: list[QueueRow] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static("QA queue", id="queue-title", classes="qa-title")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield Static("Reading the queue…", id="queue-note", classes="qa-note")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in (
            ("ref", "Reference"),
            ("name", "Name"),
            ("author", "Author"),
            ("kind", "Kind"),
            ("since", "Since"),
            ("waiting", "Waiting for"),
        ):
            table.add_column(label, key=key)

    def on_screen_resume(self) -> None:
        self.query_one(DataTable).focus()
        self.run_worker(self._read, thread=True, exclusive=True, group="qa-queue")

    def _read(self) -> None:
        try:
            registry = getattr(self.app, "registry", None)
            rows = queue_rows(self.store, registry if isinstance(registry, Registry) else None, self.user)
        except StoreError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[QueueRow]) -> None:
        self.rows = rows
        self.loaded = True
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            r = row.record
            table.add_row(
                *(for_markup(cell) for cell in (r.case_ref, row.name, r.author, r.kind, r.updated_at[:10])),
                row.waiting,
            )
        count = len(rows)
        self.query_one("#queue-title", Static).update(
            f"QA queue · {count} record{'s' if count != 1 else ''} waiting"
        )
        self.query_one("#queue-note", Static).update(
            "" if rows else "Nothing is waiting for QA. Escape goes back to the caseload."
        )

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            self.post_message(OpenCase(self.rows[table.cursor_row].record.case_ref))

    def action_stats(self) -> None:
        from tui.screens.stats_screen import StatsScreen

        self.app.push_screen(StatsScreen(store=self.store))

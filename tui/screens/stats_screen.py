"""Workload statistics in the app: the `a4 stats` table, and active minutes per assessment over time.

The figures are read in a thread (one audit trail per record) after the
screen is on show.  The chart is a sparkline of active minutes of each
completed record in completion order, with its range said in words beside
it, so it reads without colour.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Sparkline, Static

from forms.record.stats import GroupStats, minutes_over_time, workload
from storage.store import Store, StoreError
from tui.widgets.key_bar import KeyBar


class StatsScreen(Screen[None]):
    """Per form and kind: counts, active minutes, words, first-time approvals, returns, days to complete."""

    DEFAULT_CSS = """
    StatsScreen .stats-box { padding: 0 1; }
    StatsScreen .stats-title { text-style: bold; padding: 0 0 1 0; }
    StatsScreen DataTable { height: auto; max-height: 60%; }
    StatsScreen Sparkline { height: 4; margin: 1 0 0 0; }
    StatsScreen .chart-note { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="stats.back"),
    ]

    def __init__(self, *, store: Store) -> None:
        super().__init__(classes="stats-screen")
        self.store = store
        self.groups: list[GroupStats] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="stats-box"):
            yield Static("Workload statistics", classes="stats-title")
            yield DataTable(id="stats", cursor_type="row", zebra_stripes=True)
            yield Static("Active minutes per completed record, oldest first:", classes="chart-note")
            yield Sparkline([], id="minutes-chart")
            yield Static("Reading the records…", id="chart-range", classes="chart-note", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.run_worker(self._read, thread=True, exclusive=True, group="stats")

    def _read(self) -> None:
        from exports.stats import collect_facts

        registry = getattr(self.app, "registry", None)
        try:
            facts = collect_facts(self.store, registry) if registry is not None else []
        except StoreError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, workload(facts), minutes_over_time(facts))

    def _show(self, groups: list[GroupStats], points: list[tuple[Any, float]]) -> None:
        from exports.stats import table_rows

        self.groups = groups
        self.loaded = True
        table = self.query_one(DataTable)
        heading, *rows = table_rows(groups)
        table.add_columns(*heading)
        table.add_rows(rows)
        values = [minutes for _day, minutes in points]
        self.query_one(Sparkline).data = values
        if values:
            note = (
                f"{len(values)} completed, {points[0][0]:%d %b %Y} to {points[-1][0]:%d %b %Y}; "
                f"fewest {min(values):.0f} min, most {max(values):.0f} min."
            )
        else:
            note = "No record has been completed yet."
        self.query_one("#chart-range", Static).update(note)

"""Every key that works right now, read from the live bindings so the list is never out of date.

The list is taken from the screen underneath at the moment help is asked
for: the focused widget's keys, the screen's and the app's, after the
user's keymap is applied.  A key remapped in the config shows here as
remapped; a key that does nothing at the moment is marked "not now".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static


@dataclass(frozen=True)
class KeyEntry:
    """One key as the help lists it."""

    key: str
    does: str
    where: str
    enabled: bool


def _where(node: DOMNode, app: App[object], screen: Screen[object]) -> str:
    if node is app:
        return "Everywhere"
    if node is screen:
        return "This screen"
    words = re.findall(r"[A-Z][a-z0-9]*", node.__class__.__name__) or [node.__class__.__name__]
    return " ".join([words[0], *(word.lower() for word in words[1:])])


_ORDER = {"This screen": 0, "Everywhere": 1}
"""The screen's own keys first, then the app's, then the focused widget's (cursor keys and such)."""


def key_entries(screen: Screen[object]) -> list[KeyEntry]:
    """The keys active on `screen`, as the screen would act on them now."""
    app = screen.app
    entries = []
    for active in screen.active_bindings.values():
        binding: Binding = active.binding
        does = binding.description or binding.tooltip or binding.action.replace("_", " ")
        if binding.tooltip and binding.tooltip != does:
            does = f"{does}: {binding.tooltip}"
        entries.append(
            KeyEntry(app.get_key_display(binding), does, _where(active.node, app, screen), active.enabled)
        )
    return sorted(entries, key=lambda entry: _ORDER.get(entry.where, 2))


class KeyHelpScreen(ModalScreen[None]):
    """The keys of the screen it was opened over, in a table that scrolls with Up/Down."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="key_help.close"),
        Binding("f1", "dismiss", "Close", id="key_help.close_f1", show=False),
    ]

    def __init__(self, over: Screen[object]) -> None:
        super().__init__()
        self.entries = key_entries(over)
        self.intro = over.HELP or ""
        self.title_text = f"Keys: {over.__class__.__name__.removesuffix('Screen') or 'A4'}"

    def compose(self) -> ComposeResult:
        with Vertical(id="key-help"):
            yield Static(Text(self.title_text), classes="modal-title")
            if self.intro:
                yield Static(Text(self.intro), id="key-help-intro")
            yield DataTable(id="key-help-table", cursor_type="row", zebra_stripes=True)
            yield Static("Esc: close · Ctrl+P: run any of these by name", classes="modal-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does", "Where")
        table.add_rows(
            (
                Text(entry.key, style="bold"),
                Text(entry.does if entry.enabled else f"{entry.does} (not now)"),
                entry.where,
            )
            for entry in self.entries
        )
        table.focus()

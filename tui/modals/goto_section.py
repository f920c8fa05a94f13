"""The "go to section" prompt: type a few letters of a title, or its number, and Enter jumps there.

Ctrl+G, a number, Enter is the terminal-safe way to a section (Alt+digit is
turned into a character by many terminals, so A4 binds nothing to Alt).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from tui.fuzzy import fuzzy_filter


class GotoSection(ModalScreen[str | None]):
    """Fuzzy-matches section titles; dismisses with the chosen section id, or None on Escape."""

    CSS_PATH = "../screens/case_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="goto.cancel"),
        Binding("down", "move(1)", "Next match", show=False, id="goto.down"),
        Binding("up", "move(-1)", "Previous match", show=False, id="goto.up"),
    ]

    def __init__(self, sections: list[tuple[str, str]]) -> None:
        """`sections`: (section id, title as numbered on screen), in screen order."""
        super().__init__(classes="goto-section")
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(classes="goto-box"):
            yield Input(placeholder="Go to section: type part of its title, Enter to jump")
            yield OptionList(*self._options(""), classes="goto-matches")

    def _options(self, query: str) -> list[Option]:
        titles = [title for _id, title in self.sections]
        return [Option(titles[m.index], id=self.sections[m.index][0]) for m in fuzzy_filter(query, titles)]

    def on_input_changed(self, event: Input.Changed) -> None:
        matches = self.query_one(OptionList)
        matches.clear_options()
        matches.add_options(self._options(event.value))
        matches.highlighted = 0 if matches.option_count else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip().rstrip(".")
        if typed.isdigit():  # a section's number: that section, as numbered on screen
            prefix = f"{int(typed)}. "
            numbered = next((sid for sid, title in self.sections if title.startswith(prefix)), None)
            if numbered is None:
                self.app.bell()
                self.query_one(Input).placeholder = f"There is no section {typed} on screen"
                return
            self.dismiss(numbered)
            return
        matches = self.query_one(OptionList)
        if matches.highlighted is None:
            self.app.bell()
            return
        self.dismiss(matches.get_option_at_index(matches.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        matches = self.query_one(OptionList)
        if matches.option_count:
            current = matches.highlighted if matches.highlighted is not None else -step
            matches.highlighted = (current + step) % matches.option_count

    def action_cancel(self) -> None:
        self.dismiss(None)

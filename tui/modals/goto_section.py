"""The "go to" prompt: type a few letters of a section's title or a question's label (or a section's
number), and Enter jumps there.

Ctrl+G, a number, Enter is the terminal-safe way to a section (Alt+digit is
turned into a character by many terminals, so A4 binds nothing to Alt).  Since
questions are drawn in the form file's order, a question deep in a long section
(the overall risk level, eleven ↓ below its section's top) is reached the same
way, by a few letters of its label.  Sections come first in the list, so a
query that names a section still goes there.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from exports.escape import for_terminal
from tui.fuzzy import fuzzy_filter


class QuestionPlace(NamedTuple):
    """A question shown on the case screen: its answer path, its label, its section's numbered title."""

    path: str
    label: str
    section: str

    @property
    def shown(self) -> str:
        """The label with its section, so "Strengths" in five sections are five different lines."""
        return f"{self.label} — {self.section}"


class GotoSection(ModalScreen[str | None]):
    """Fuzzy-matches section titles, then question labels; dismisses with the chosen section's id or
    question's path, or None on Escape."""

    CSS_PATH = "../screens/case_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="goto.cancel"),
        Binding("down", "move(1)", "Next match", show=False, id="goto.down"),
        Binding("up", "move(-1)", "Previous match", show=False, id="goto.up"),
    ]

    def __init__(self, sections: list[tuple[str, str]], questions: list[QuestionPlace]) -> None:
        """`sections`: (section id, title as numbered on screen), in screen order; `questions`: the
        questions shown in those sections, in screen order."""
        super().__init__(classes="goto-section")
        self.sections = sections
        self.questions = questions

    def compose(self) -> ComposeResult:
        with Vertical(classes="goto-box") as box:
            box.border_title = "Go to a section or question"
            yield Input(placeholder="type part of its name, or a section's number; Enter jumps")
            # labels and titles come from form files: plain text, never markup
            yield OptionList(*self._options(""), classes="goto-matches", markup=False)

    def _options(self, query: str) -> list[Option]:
        """The sections matching `query`, best first, then (once something is typed) the questions."""
        titles = [title for _id, title in self.sections]
        options = [
            Option(for_terminal(titles[m.index]), id=self.sections[m.index][0])
            for m in fuzzy_filter(query, titles)
        ]
        if query.strip():
            labels = [question.label for question in self.questions]
            options += [
                Option(for_terminal(self.questions[m.index].shown), id=self.questions[m.index].path)
                for m in fuzzy_filter(query, labels)
            ]
        return options

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

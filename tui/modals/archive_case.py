"""Archiving a case imported by mistake (a manager gives the reason); the caseload asks one key to confirm.

Modal: dismisses with the reason, or None when cancelled.  The case is kept
whole and can be brought back (`a4 archive REF --undo`); archiving only takes
it out of the lists, so the confirming key is the last step, not a warning.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from exports.escape import for_terminal
from forms.record.text_rules import TextError, check_line
from tui.modals.handover import DIALOG_CSS


class ArchiveCaseScreen(ModalScreen[str | None]):
    """Why the case is archived; dismisses with the reason, or None when cancelled."""

    DEFAULT_CSS = DIALOG_CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="archive.cancel"),
    ]

    def __init__(self, ref: str, name: str) -> None:
        super().__init__()
        self.ref, self.case_name = ref, name

    def compose(self) -> ComposeResult:
        with Vertical(id="archive-case", classes="a4-dialog"):
            yield Static(Text(f"Archive case {for_terminal(self.ref)}"), classes="modal-title")
            yield Static(
                Text(
                    f"{for_terminal(self.case_name)} leaves the caseload, lists, the QA queue and caseload "
                    "exports. Nothing is deleted; `a4 archive REF --undo` brings it back."
                )
            )
            yield Label("Why (required; kept with the case)")
            yield Input(id="reason", placeholder="e.g. imported by mistake")
            yield Static(id="problem")
            yield Static("Enter: next · Esc: cancel", classes="modal-hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        problem = self.query_one("#problem", Static)
        try:
            check_line(reason, what="The reason")
        except TextError as error:
            problem.update(Text(f"{error}."))
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)

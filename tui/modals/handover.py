"""Handing a case over (a manager picks the new owner) and the summary the new owner sees first.

Both are modal: the hand-over dialog returns the new owner and a note (or None), and the summary
returns when the practitioner has read it; the caseload and the app act on the results.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from exports.escape import for_terminal
from exports.handover import HandoverSummary
from forms.record.dates import format_long
from forms.record.text_rules import TextError, check_line

DIALOG_CSS = """
    .a4-dialog {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    .a4-dialog Label { margin-top: 1; }
    .a4-dialog #problem { color: $text-error; text-style: bold; }
    .a4-dialog VerticalScroll { height: auto; max-height: 30; }
"""


class HandOverScreen(ModalScreen[tuple[str, str] | None]):
    """Who takes the case, and why; dismisses with (new owner, note), or None when cancelled."""

    DEFAULT_CSS = DIALOG_CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="hand_over.cancel"),
        Binding("ctrl+s", "hand_over", "Hand over", id="hand_over.confirm"),
    ]

    def __init__(self, ref: str, name: str, owner: str) -> None:
        super().__init__()
        self.ref, self.case_name, self.owner = ref, name, owner

    def compose(self) -> ComposeResult:
        with Vertical(id="hand-over", classes="a4-dialog"):
            yield Static(Text(f"Hand over case {for_terminal(self.ref)}"), classes="modal-title")
            yield Static(Text(f"{for_terminal(self.case_name)}, held by {for_terminal(self.owner)}. "
                              "Both practitioners are told."))  # fmt: skip
            yield Label("New owner (their login)")
            yield Input(id="new-owner")
            yield Label("Why (optional; kept with the case)")
            yield Input(id="note", placeholder="e.g. moves to the courts team")
            yield Static(id="problem")
            yield Static("Enter: next, then hand over · Esc: cancel", classes="modal-hint")

    def on_mount(self) -> None:
        self.query_one("#new-owner", Input).focus()

    @on(Input.Submitted, "#new-owner")
    def _to_note(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def _submitted(self) -> None:
        self.action_hand_over()

    def action_hand_over(self) -> None:
        new_owner = self.query_one("#new-owner", Input).value.strip()
        note = self.query_one("#note", Input).value.strip()
        problem = self.query_one("#problem", Static)
        if not new_owner:
            problem.update("Please give the login of the practitioner taking the case.")
            self.query_one("#new-owner", Input).focus()
            return
        if new_owner == self.owner:
            problem.update(Text(f"{self.owner} already holds this case; give someone else's login."))
            return
        try:
            check_line(new_owner, what="The new owner")
            check_line(note, what="The note", blank=True)
        except TextError as error:
            problem.update(Text(str(error)))
            return
        self.dismiss((new_owner, note))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HandoverSummaryScreen(ModalScreen[None]):
    """The one screen a practitioner reads before a case handed to them opens: Enter opens the case."""

    DEFAULT_CSS = DIALOG_CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open the case", id="handover_summary.open"),
        Binding("escape", "open", "Open the case", show=False, id="handover_summary.close"),
    ]

    def __init__(self, ref: str, name: str, summary: HandoverSummary) -> None:
        super().__init__()
        self.ref, self.case_name, self.summary = ref, name, summary

    def compose(self) -> ComposeResult:
        s = self.summary
        handover = s.handover
        said = for_terminal  # every word here came from a person or a file
        lines = Text()
        lines.append(f"Handed to you by {said(handover.by)} on {format_long_iso(handover.at)}", style="bold")
        lines.append(f" (from {said(handover.old_owner)})")
        if handover.note:
            lines.append(f"\nWhy: {said(handover.note)}")
        lines.append("\n\nLatest risk of serious harm level: ", style="bold")
        lines.append(said(s.level) or "not assessed yet")
        if s.record_status:
            lines.append(f" (record {s.record_status})")
        lines.append("\nNext due: ", style="bold")
        lines.append(format_long_iso(s.next_review) if s.next_review else "not set")
        lines.append(f"\n\nOpen objectives ({len(s.open_objectives)}):", style="bold")
        for objective in s.open_objectives or ("none",):
            lines.append(f"\n  • {said(objective)}")
        lines.append(f"\n\nChecks still outstanding ({len(s.outstanding)}):", style="bold")
        for finding in s.outstanding or ("none: every automatic check passes",):
            lines.append(f"\n  • {said(finding)}")
        with Vertical(id="handover-summary", classes="a4-dialog"):
            yield Static(
                Text(f"Taking over {for_terminal(self.ref)}: {for_terminal(self.case_name)}"),
                classes="modal-title",
            )
            with VerticalScroll():
                yield Static(lines, id="handover-facts")
            yield Static("Enter: open the case", classes="modal-hint")

    def action_open(self) -> None:
        self.dismiss(None)


def format_long_iso(iso: str) -> str:
    """An ISO date or timestamp as a long day ("Tuesday 1 December 2026")."""
    from datetime import date

    return format_long(date.fromisoformat(iso[:10]))

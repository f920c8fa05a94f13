"""Changing the risk of serious harm level in someone else's record: ask why, and show it at the top.

The store refuses such a change without a reason (`ReasonRequiredError`), so
nothing changes silently.  The case screen then asks here (the prompt
dismisses with the reason, or None to keep the old level); the reason goes
into the audit trail with the old and new level, and the record carries a
line at its top ("level changed from Medium to High by j.khan on 2026-03-02:
…") for as long as it is shown.  Cancelling puts the old level back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from forms.model import AssessmentForm, Record
from forms.record.signoff import level_change_line, option_label
from storage.store import AuditEvent


def level_changes(form: AssessmentForm, record: Record, events: Iterable[AuditEvent]) -> list[str]:
    """The lines for the record's top: every risk level change made by someone other than its author."""
    return [
        level_change_line(
            form, old=e.old, new=e.new, actor=e.actor, at=e.at, reason=e.reason, imported_from=e.imported_from
        )
        for e in events
        if e.kind == "risk_level" and e.actor != record.author
    ]


class RiskReason(ModalScreen[str | None]):
    """Asks for the reason for a risk level change; dismisses with it, or None when cancelled."""

    DEFAULT_CSS = """
    RiskReason { align: center middle; }
    RiskReason .reason-box {
        width: 80%;
        max-width: 90;
        height: auto;
        border: thick $warning;
        padding: 1 2;
        background: $surface;
    }
    RiskReason .reason-error { text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel: keep the old level", id="risk_reason.cancel"),
    ]

    def __init__(self, form: AssessmentForm, record: Record, old: object, new: object) -> None:
        super().__init__()
        self.question = (
            f"You are changing the risk of serious harm level in {record.author}'s record from "
            f"{option_label(form, form.risk_level, old)} to {option_label(form, form.risk_level, new)}. "
            "Say why: it goes into the audit trail and is shown at the top of the record. "
            "Talk to the author first if you can."
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="reason-box"):
            yield Static(self.question, markup=False)
            yield Input(placeholder="Reason for the change — Enter to save, Escape to cancel", id="reason")
            yield Static("", classes="reason-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if not reason:
            self.query_one(".reason-error", Static).update(
                "A reason is needed to change the level; write one, or press Escape to keep the old level."
            )
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""When a save is refused: say why, and offer to write a copy of the record somewhere else.

The text always stays in the editors; this is the practitioner's way to get
it out when the store cannot take it (disk full, read-only, a conflict they
want to resolve later).  The copy is JSON from the shared record codec, so
`a4 import` can read it back, and is written 0600 because it is sensitive.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from exports.escape import for_file_name
from forms.model import Record
from tui.unsaved import write_copy


def default_copy_path(record: Record, now: datetime) -> str:
    return f"~/a4-unsaved-{for_file_name(record.case_ref, fallback='case')}-{now:%Y%m%d-%H%M%S}.json"


class SaveFailure(ModalScreen[Path | None]):
    """Shows why the save failed; Enter writes a copy to the typed path, Escape goes back to writing."""

    CSS_PATH = "../screens/case_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back to the text", id="save_failure.cancel"),
    ]

    def __init__(self, message: str, record: Record, default_path: str) -> None:
        super().__init__(classes="save-failure")
        self.message = message
        self.record = record
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical(classes="save-failure-box"):
            yield Static(f"Not saved: {self.message}", classes="save-failure-message", markup=False)
            yield Static(
                "Your text is still in the editor. To keep a copy elsewhere, type a file path and press "
                "Enter; Escape goes back to the text.",
                markup=False,
            )
            yield Input(self.default_path)
            yield Static("", classes="save-failure-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            written = write_copy(self.record, event.value.strip() or self.default_path)
        except OSError as error:
            reason = error.strerror or str(error)
            self.query_one(".save-failure-error", Static).update(
                f"Could not write there ({reason}). Try another folder, for example your home folder."
            )
            return
        self.dismiss(written)

    def action_cancel(self) -> None:
        self.dismiss(None)

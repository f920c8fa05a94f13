"""One confirming key before an action that cannot be undone (countersign and lock, return to the author).

The question sits on one line at the foot of the screen; `y` says yes and
any other key says no, so a stray second press of the action's own key (or
Escape, or Enter) never carries it out.  Dismisses with True only on `y`.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

YES = "y"


class ConfirmKey(ModalScreen[bool]):
    """Ask `question` and wait for one key: `y` is yes, anything else is no."""

    DEFAULT_CSS = """
    ConfirmKey { align: center bottom; background: $background 40%; }
    ConfirmKey .confirm-line {
        width: 100%; height: auto; padding: 0 1; background: $warning 30%; text-style: bold;
    }
    """

    def __init__(self, question: str) -> None:
        super().__init__(classes="confirm-key")
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(f"{self.question} y: yes · any other key: no", classes="confirm-line", markup=False)

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.dismiss(event.key == YES)

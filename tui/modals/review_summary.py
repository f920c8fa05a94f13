"""In a review: what changed since last time, and which sections still need a look (F9)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ReviewSummaryScreen(ModalScreen[None]):
    """What the review changed since last time, and which sections still need a look."""

    CSS_PATH = "review_summary.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Close", id="review.close")]

    def __init__(self, lines: Sequence[str], waiting: Sequence[str]) -> None:
        super().__init__()
        self.lines = list(lines)
        self.waiting = list(waiting)

    def compose(self) -> ComposeResult:
        if self.waiting:
            status = f"Still to confirm or edit ({len(self.waiting)}): {', '.join(self.waiting)}"
        else:
            status = "Every section is confirmed or edited: the review can be submitted."
        with Vertical(classes="review-summary-box"):
            yield Static("Review summary: what changed since last time", classes="review-summary-title")
            yield Static("\n".join(self.lines), id="review-summary-lines", markup=False)
            yield Static(status, id="review-summary-status", markup=False)

"""In a review: each section's line saying where it came from and whether it has been looked at.

Every section of a review starts "carried from DATE".  The practitioner
either edits it (the bar then says it changed, and F4 shows a word-level
diff against last time) or confirms "no change" with one key (F3).  The case
screen owns the state; these widgets only show it.  The review summary is a
modal of its own (`tui.modals.review_summary`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from forms.record.review import AnswerDiff, DiffOp, diff_text

_STYLES: dict[DiffOp, str] = {"same": "", "added": "bold underline", "removed": "strike dim"}


def diff_rich(changes: Sequence[AnswerDiff]) -> Text:
    """The section's changed answers, one block each; marked [-old-] {+new+} so it reads without colour."""
    text = Text()
    for change in changes:
        text.append(f"{change.label}\n", style="italic")
        for index, (op, words) in enumerate(change.pieces):
            if index:
                text.append(" ")
            text.append(diff_text([(op, words)]), style=_STYLES[op])
        text.append("\n")
    return text


class ReviewBar(Vertical):
    """One section's review state, under its title: carried from, confirmed or changed, and the diff."""

    def __init__(self, section_id: str, carried_label: str) -> None:
        super().__init__(id=f"review-{section_id}", classes="review-bar")
        self.section_id = section_id
        self.carried_label = carried_label
        self.confirmed = False
        self.changes: tuple[AnswerDiff, ...] = ()
        self.diff_shown = False

    def compose(self) -> ComposeResult:
        yield Static(self._line(), classes="review-line")
        diff = Static("", classes="review-diff")
        diff.display = False
        yield diff

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def attended(self) -> bool:
        """Edited or confirmed: the section no longer holds up the review."""
        return self.changed or self.confirmed

    def _line(self) -> str:
        carried = f"Carried from {self.carried_label}"
        if self.changed:
            count = len(self.changes)
            hint = "F4 hides the changes" if self.diff_shown else "F4 shows what changed"
            return f"{carried} · changed ({count} answer{'s' if count != 1 else ''}) · {hint}"
        if self.confirmed:
            return f"{carried} · ✓ confirmed no change"
        return f"{carried} · not yet looked at: F3 confirms no change, or edit it"

    def show_state(self, *, confirmed: bool, changes: Sequence[AnswerDiff]) -> None:
        """Repaint for the section's current state (only when it differs from what is shown)."""
        changes = tuple(changes)
        if confirmed == self.confirmed and changes == self.changes:
            return
        self.confirmed = confirmed
        self.changes = changes
        if not self.changes:
            self.diff_shown = False
        self._repaint()

    def toggle_diff(self) -> bool:
        """Show or hide what changed; False (nothing toggled) when the section has no changes."""
        if not self.changed:
            return False
        self.diff_shown = not self.diff_shown
        self._repaint()
        return True

    def _repaint(self) -> None:
        self.set_class(self.attended, "-attended")
        self.query_one(".review-line", Static).update(self._line())
        diff = self.query_one(".review-diff", Static)
        diff.display = self.diff_shown
        if self.diff_shown:
            diff.update(diff_rich(self.changes))

"""Offering to move a new review to the newer version of its form, with what would and would not carry over.

A review starts on the version of the form its case's last record used.
When a newer version is loaded, the practitioner is asked, on one screen,
whether to move the review to it: how many answers carry over and every
answer that would be left behind, with the reason.  Moving keeps the
left-behind answers with the record (shown in its "Left behind" panel and
exported), so nothing is lost; staying keeps the record on its version.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from exports.escape import for_terminal
from forms.definition.registry import Registry
from forms.model import AssessmentForm, Record
from forms.record.carry_over import CarryOver, carry_over

VALUE_WIDTH = 50
"""A left-behind answer is cut to this many characters in the list: enough to recognise it."""


def newer_version(registry: Registry, record: Record) -> AssessmentForm | None:
    """The newest loaded version of `record`'s form, when it is newer than the record's own."""
    from forms.definition.load import semver_key

    latest = registry.assessment(record.form_id)
    if latest is None or semver_key(latest.version) <= semver_key(record.form_version):
        return None
    return latest


class MoveVersionScreen(ModalScreen[bool]):
    """Dismisses with True to move the record to `new`, False to stay on its version."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "move", "Move to the new version", id="move_version.move"),
        Binding("enter", "move", "Move", show=False, id="move_version.move_enter"),
        Binding("s", "stay", "Stay on this version", id="move_version.stay"),
        Binding("escape", "stay", "Stay", show=False, id="move_version.stay_escape"),
    ]

    DEFAULT_CSS = """
    MoveVersionScreen { align: center middle; }
    MoveVersionScreen #move-version {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    MoveVersionScreen #left-behind { height: auto; max-height: 16; }
    """

    def __init__(self, record: Record, old: AssessmentForm, new: AssessmentForm) -> None:
        super().__init__()
        self.old = old
        self.new = new
        self.result: CarryOver = carry_over(record.answers, old, new)

    def compose(self) -> ComposeResult:
        with Vertical(id="move-version"):
            yield Static(
                f"{self.new.header.title}: version {self.new.version} is loaded; "
                f"this review is on {self.old.version}.",
                classes="modal-title",
                markup=False,
            )
            yield Static(self.summary(), id="carry-summary", markup=False)
            with VerticalScroll(id="left-behind"):
                yield Static(self.left_text(), markup=False)
            yield Static(
                "m / Enter: move to the new version · s / Esc: stay on this one", classes="modal-hint"
            )

    def summary(self) -> str:
        carried = len(self.result.answers)
        left = len(self.result.left_behind)
        text = f"Moving carries over {carried} answer{'s' if carried != 1 else ''}."
        if not left:
            return text + " Every answer fits the new version."
        return (
            f"{text} {left} answer{'s' if left != 1 else ''} would be left behind: kept with the record, "
            "shown in its Left behind panel and in exports, but not part of the new version:"
        )

    def left_text(self) -> str:
        return "\n".join(
            f"- {for_terminal(item.label)}: {_short(item.value)} ({item.reason})"
            for item in self.result.left_behind
        )

    def action_move(self) -> None:
        self.dismiss(True)

    def action_stay(self) -> None:
        self.dismiss(False)


def _short(value: Any) -> str:
    text = for_terminal(" ".join(str(value).split()))
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"

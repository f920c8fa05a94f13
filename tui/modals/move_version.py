"""Offering to move a new review or amendment to the newer version of its form, with what would carry over.

A review or an amendment starts on the version of the form of the record it
builds on.  When a newer version is loaded, the practitioner is asked, on one
screen, whether to move the new record to it: how many answers carry over
and every answer that would be left behind, with the reason.  Moving keeps
the left-behind answers with the record (shown in its "Left behind" panel
and exported), so nothing is lost; staying keeps the record on its version.
`open_on_chosen_version` is that one path for the caseload and the case
screen alike.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from exports.escape import for_terminal
from forms.definition.registry import Registry
from forms.model import AssessmentForm, Record
from forms.record.carry_over import CarryOver, carry_over
from storage.kept_forms import move_to
from storage.store import Store, StoreError

VALUE_WIDTH = 50
"""A left-behind answer is cut to this many characters in the list: enough to recognise it."""


def newer_version(registry: Registry, record: Record) -> AssessmentForm | None:
    """The newest loaded version of `record`'s form, when it is newer than the record's own."""
    from forms.definition.load import semver_key

    latest = registry.assessment(record.form_id)
    if latest is None or semver_key(latest.version) <= semver_key(record.form_version):
        return None
    return latest


def record_word(record: Record) -> str:
    """What the new record is called on the offer: an amendment, a review, or a record."""
    if record.amends:
        return "amendment"
    return "review" if record.kind == "review" else "record"


def open_on_chosen_version(
    app: App[Any],
    store: Store,
    registry: Registry | None,
    record: Record,
    form: AssessmentForm,
    user: str,
    show: Callable[[Record, AssessmentForm], None],
) -> None:
    """`show` the new `record` on `form`, or on a newer loaded version when the practitioner moves it there.

    With no newer version `show` is called at once; otherwise `MoveVersionScreen`
    asks first.  A move the store refuses is said, and the record opens on its
    own version, so the practitioner is never left without it.
    """
    newer = newer_version(registry, record) if registry is not None else None
    if newer is None:
        show(record, form)
        return
    app.push_screen(
        MoveVersionScreen(record, form, newer),
        partial(_version_chosen, app, store, record, form, newer, user, show),
    )


def _version_chosen(
    app: App[Any],
    store: Store,
    record: Record,
    old: AssessmentForm,
    new: AssessmentForm,
    user: str,
    show: Callable[[Record, AssessmentForm], None],
    move: bool | None,
) -> None:
    if not move:
        show(record, old)
        return
    try:
        moved = move_to(store, record, old, new, user)
    except StoreError as error:
        app.notify(
            str(error),
            title=f"The {record_word(record)} stays on its version",
            severity="error",
            timeout=15,
            markup=False,
        )
        show(record, old)
        return
    show(moved, new)


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
        self.word = record_word(record)
        self.old = old
        self.new = new
        self.result: CarryOver = carry_over(record.answers, old, new)

    def compose(self) -> ComposeResult:
        with Vertical(id="move-version"):
            yield Static(
                f"{self.new.header.title}: version {self.new.version} is loaded; "
                f"this {self.word} is on {self.old.version}.",
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

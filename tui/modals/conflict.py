"""Two windows, one record: what is open where, and what to do when a save finds a newer one stored.

`OpenElsewhere` is shown on opening a record another window (or, on a team
database, another person) has open for editing: read it, or take it over,
one key each.  `Conflict` is shown when a save is refused because the
record was saved elsewhere first: see the differences (the word diff the
reviews use), keep mine (saved over theirs, and the record's history says
so), or take theirs (mine kept in a recovery file), one key each.  Both only
dismiss with the choice; the case screen carries it out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar, Literal

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from exports.escape import for_terminal
from forms.model import AssessmentForm, Record
from forms.record.review import section_diff
from storage.store import Presence
from tui.widgets.review_bar import diff_rich

OpenChoice = Literal["read", "take_over", "leave"]
ConflictChoice = Literal["keep", "theirs"]

ASK_AFTER_PAUSE = 1.0
"""A refused save asks what to keep only once typing has paused this long, so letters meant for the
text are never taken as a choice (the refusal itself often lands mid-sentence)."""
CHOICE_AFTER = 0.5
"""The choices take a key only this long after the question appeared and after the last key pressed on
it, so typing that goes on into the question (it appeared mid-word) is never taken as a choice."""

_CSS = """
OpenElsewhere, Conflict { align: center middle; background: $background 60%; }
.two-windows-box {
    width: 84; max-width: 100%; height: auto; max-height: 90%;
    border: round $warning; background: $surface; padding: 1 2;
}
.two-windows-title { text-style: bold; padding: 0 0 1 0; }
.two-windows-keys { padding: 1 0 0 0; }
.two-windows-diff { height: auto; max-height: 20; border-top: solid $panel; }
"""


def describe(presence: Presence) -> str:
    """One line for a person: who, where and since when (a time of day: the claim is under a minute old)."""
    try:
        since = datetime.fromisoformat(presence.since).astimezone().strftime("%H:%M")
    except ValueError:
        since = presence.since
    where = f" on {presence.place}" if presence.place else ""
    doing = "reading" if presence.mode == "reading" else "editing"
    return for_terminal(f"{presence.who}{where}, {doing} since {since}")


def open_elsewhere_lines(present: Sequence[Presence]) -> list[str]:
    return [f"• {describe(p)}" for p in present]


class OpenElsewhere(ModalScreen[OpenChoice]):
    """The record is open for editing in another window: r reads it, t takes it over, Esc goes back."""

    DEFAULT_CSS = _CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose('read')", "Read only", id="open_elsewhere.read"),
        Binding("t", "choose('take_over')", "Take over", id="open_elsewhere.take_over"),
        Binding("escape", "choose('leave')", "Back", id="open_elsewhere.leave"),
    ]

    def __init__(self, case_ref: str, present: Sequence[Presence]) -> None:
        super().__init__(classes="open-elsewhere")
        self.case_ref = case_ref
        self.present = list(present)

    def compose(self) -> ComposeResult:
        with Vertical(classes="two-windows-box"):
            yield Static(
                for_terminal(f"Case {self.case_ref} is open in another window"),
                classes="two-windows-title",
                markup=False,
            )
            yield Static("\n".join(open_elsewhere_lines(self.present)), markup=False)
            yield Static(
                "r  read it here without changing it\n"
                "t  take it over: edit it here; the other window is asked what to keep at its next save\n"
                "Esc  back, leaving it to the other window",
                classes="two-windows-keys",
                markup=False,
            )

    def action_choose(self, choice: OpenChoice) -> None:
        self.dismiss(choice)


class Conflict(ModalScreen[ConflictChoice | None]):
    """A save refused because the record was saved elsewhere: d, k or t; Esc goes back to the text."""

    DEFAULT_CSS = _CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "differences", "See the differences", id="conflict.differences"),
        Binding("k", "choose('keep')", "Keep mine", id="conflict.keep"),
        Binding("t", "choose('theirs')", "Take theirs", id="conflict.theirs"),
        Binding("escape", "back", "Back to my text", id="conflict.back"),
    ]

    def __init__(
        self,
        form: AssessmentForm,
        mine: Record,
        theirs: Record,
        present: Sequence[Presence] = (),
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(classes="conflict")
        self.clock = clock
        self._last_key = clock()
        """When the question appeared, then when the last key was pressed on it (`CHOICE_AFTER`)."""
        self.form = form
        self.mine = mine
        self.theirs = theirs
        self.present = list(present)

    def compose(self) -> ComposeResult:
        open_now = open_elsewhere_lines(self.present)
        with Vertical(classes="two-windows-box"):
            yield Static("Saved elsewhere first: your text is not saved yet", classes="two-windows-title")
            yield Static(
                f"Another window saved this record (it is now version {self.theirs.version}; yours started "
                f"from version {self.mine.version}). Your text is still here."
                + ("\nOpen now:\n" + "\n".join(open_now) if open_now else ""),
                markup=False,
            )
            yield Static(
                "d  see the differences, word by word\n"
                "k  keep mine: save my text over theirs (the record's history says so)\n"
                "t  take theirs: show the saved text; mine is kept in a recovery file\n"
                "Esc  back to my text, deciding later (Ctrl+S asks again)",
                classes="two-windows-keys",
                markup=False,
            )
            yield Static("", id="conflict-hint", markup=False)
            with VerticalScroll(classes="two-windows-diff") as scroll:
                scroll.display = False
                yield Static("", id="conflict-diff")

    def differences(self) -> Text:
        """Theirs → mine, section by section: [-only theirs-] {+only mine+}, readable without colour."""
        text = Text()
        mine = {p: v for p, v in self.mine.answers.items() if v not in (None, "", [], {})}
        theirs = {p: v for p, v in self.theirs.answers.items() if v not in (None, "", [], {})}
        for section in self.form.sections:
            changes = section_diff(self.form, section.id, theirs, mine)
            if changes:
                text.append(f"{section.title}\n", style="bold")
                text.append_text(diff_rich(changes))
        if self.mine.plan != self.theirs.plan or self.mine.agreement != self.theirs.agreement:
            text.append("The sentence plans differ too.\n", style="bold")
        if not text.plain:
            return Text("The answers are the same in both; only the saved version differs.")
        return Text("[-…-] only in theirs · {+…+} only in yours\n\n").append_text(text)

    def action_differences(self) -> None:
        """Show (or hide) the word diff under the choices; the choices stay one key each."""
        scroll = self.query_one(".two-windows-diff", VerticalScroll)
        scroll.display = not scroll.display
        if scroll.display:
            self.query_one("#conflict-diff", Static).update(self.differences())

    def action_choose(self, choice: ConflictChoice) -> None:
        self.dismiss(choice)

    def action_back(self) -> None:
        self.dismiss(None)

    def on_key(self, event: events.Key) -> None:
        """A letter typed on while the question appeared is not a choice; nor is a key that chooses nothing:
        either way say so, and which keys choose."""
        if not (event.character and event.character.isprintable()):
            return
        now, last = self.clock(), self._last_key
        self._last_key = now
        if event.key in ("d", "k", "t") and now - last >= CHOICE_AFTER:
            return  # a choice: the binding takes it
        event.stop()
        event.prevent_default()
        typing = (
            "you were still typing, so it was not taken as a choice"
            if event.key in "dkt"
            else ("it is not a choice")
        )
        self.query_one("#conflict-hint", Static).update(
            f"“{event.character}”: {typing}. Your text is as it was. Pause, then press d, k or t; Esc goes "
            "back to your text."
        )

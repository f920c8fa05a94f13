"""The always-visible counters bar: words against budget, active time, days left, save state.

The bar is refreshed by one interval timer on the case screen (a few times a
second), never on each key: the screen hands it a `CounterState` and the bar
repaints only when that state differs from the one it shows.  Over-budget is
said in words ("over by 62") and marked with the `-over` class, never by
colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.widget import Widget

from forms.record.activity import format_duration


@dataclass(frozen=True)
class CounterState:
    """Everything the bar shows, computed by the case screen."""

    section_title: str = ""
    section_words: int = 0
    section_budget: int | None = None
    total_words: int = 0
    active_seconds: int = 0
    session_seconds: int = 0
    days_left: int | None = None
    save_state: str = "not saved yet"
    qa: str = "QA —"

    @property
    def over_by(self) -> int:
        """Words over the section's budget (0 when within it or without one)."""
        if not self.section_budget:
            return 0
        return max(0, self.section_words - self.section_budget)


def words_text(words: int, budget: int | None) -> str:
    """ "312/250 words — over by 62", "120/250 words" or "40 words" without a budget."""
    if not budget:
        return f"{words:,} words"
    over = words - budget
    suffix = f" — over by {over:,}" if over > 0 else ""
    return f"{words:,}/{budget:,} words{suffix}"


def due_text(days_left: int | None) -> str:
    """Working days until due, in words; "overdue by 2 working days" once past."""
    if days_left is None:
        return "no due date"
    if days_left == 0:
        return "due today"
    unit = "working day" if abs(days_left) == 1 else "working days"
    if days_left < 0:
        return f"overdue by {-days_left} {unit}"
    return f"due in {days_left} {unit}"


def save_state_text(
    *, saved_ago: float | None, dirty: bool, saving: bool, error: str | None, reason_asked: bool = False
) -> str:
    """What the practitioner needs to know about saving, most urgent first.

    A save held for the reason for a risk level change has not failed: the
    reason prompt is on screen, and the counters say the save waits for it.
    """
    if reason_asked:
        return "not saved yet: waiting for the reason for the risk level change"
    if error:
        return f"save failed: {error}"
    if saving:
        return "saving…"
    if dirty:
        return "unsaved changes"
    if saved_ago is None:
        return "all saved"
    if saved_ago < 60:
        return f"saved {int(saved_ago)} s ago"
    return f"saved {int(saved_ago // 60)} min ago"


def qa_text(met: int, judged: int, not_yet: int = 0) -> str:
    """The compact QA result: "QA 2/3 · 6 not yet" (criteria whose automatic checks pass, of those with
    something to judge; then those whose answers are all still blank, neither passed nor failed)."""
    waiting = f" · {not_yet} not yet" if not_yet else ""
    return f"QA {met}/{judged}" + (" ✓" if judged and met == judged and not not_yet else "") + waiting


class KeyActivity:
    """Mixin for fields of the case screen: every key pressed in them counts as active writing time.

    Printable keys stop at the focused field, so the screen never sees them;
    the field tells the screen instead (one attribute lookup and a call).
    """

    def on_key(self, event: events.Key) -> None:
        note = getattr(self.screen, "note_key_press", None)  # type: ignore[attr-defined]
        if note is not None:
            note()


class Counters(Widget):
    """Two lines at the foot of the case screen; `show(state)` repaints only on change."""

    DEFAULT_CLASSES = "counters"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = CounterState()

    def show(self, state: CounterState) -> None:
        if state == self.state:
            return
        self.state = state
        self.set_class(state.over_by > 0, "-over")
        self.set_class(state.save_state.startswith("save failed"), "-failed")
        self.refresh()

    def render(self) -> Text:
        s = self.state
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{s.section_title}: " if s.section_title else "")
        text.append(words_text(s.section_words, s.section_budget), style="bold" if s.over_by else "")
        text.append(f" · total {s.total_words:,} words · {s.qa}\n")
        text.append(
            f"active {format_duration(s.active_seconds)} (this session {format_duration(s.session_seconds)})"
            f" · {due_text(s.days_left)} · "
        )
        text.append(s.save_state, style="bold" if s.save_state.startswith("save failed") else "")
        return text

"""The one-key answer row: every yes/no, choice, multi and scale question of a section.

One focusable widget per section rather than one per question, so a section
with five short questions costs one widget, and answering them is five key
presses: the option's accelerator answers the highlighted question and moves
on to the next unanswered one.

A key that is not an option is never dropped in silence: the row says at once,
under itself, what it takes and how to reach a text box, and takes no answer
keys until the typing stops (`TYPING_PAUSE`) or the practitioner moves, so a
sentence typed here by mistake sets at most the one answer its first key names.
Ctrl+Z takes back the last answer given here.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from forms.definition.options import YESNO_OPTIONS
from forms.model import Option, Question
from tui.widgets.counters import KeyActivity

TYPING_PAUSE = 1.0
"""Seconds without a key after which a row that refused a key takes answer keys again."""

SHORT_TYPES: frozenset[str] = frozenset({"yesno", "choice", "multi", "scale"})
"""Question types answered with one key in the answer row."""


def question_options(question: Question) -> tuple[Option, ...]:
    """The options a short question offers, one key each (scale steps are digits)."""
    if question.type == "yesno":
        return question.options or YESNO_OPTIONS
    if question.type == "scale":
        low = int(question.min if question.min is not None else 0)
        high = int(question.max if question.max is not None else 5)
        return tuple(Option(str(n), str(n), str(n)[-1]) for n in range(low, high + 1))
    return question.options


def option_text(option: Option) -> str:
    """An option with its key shown: "[Y]es", "[3]", or "[x] Other" when the key is not in its label."""
    key = option.key
    if not key:
        return option.label
    at = option.label.lower().find(key.lower())
    if at < 0:
        return f"[{key}] {option.label}"
    return f"{option.label[:at]}[{option.label[at]}]{option.label[at + 1 :]}"


@dataclass(frozen=True)
class ShortQuestion:
    """One question of the row with its answer path and options (resolved once)."""

    path: str
    question: Question
    options: tuple[Option, ...]

    def by_key(self, key: str) -> Option | None:
        key = key.lower()
        return next((o for o in self.options if o.key.lower() == key), None)

    def answer_label(self, value: Any) -> str:
        """What an answer reads as: option labels, or "—" when unanswered."""
        if value is None or value == []:
            return "—"
        ids = value if isinstance(value, list) else [value]
        labels = {o.id: o.label for o in self.options}
        return ", ".join(labels.get(str(v), str(v)) for v in ids)


class ShortAnswers(KeyActivity, Widget, can_focus=True):
    """A section's short questions, answered one key each; Left/Right pick the question."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Previous question", show=False),
        Binding("right", "move(1)", "Next question", show=False),
        Binding("backspace", "clear", "Clear answer", show=False),
        Binding("up", "app.focus_previous", "Previous field", show=False),
        Binding("down", "app.focus_next", "Next field", show=False),
        Binding("ctrl+z", "undo", "Undo answer", show=False, id="short.undo"),
    ]

    class Changed(Message):
        """A short answer was given or cleared (`value` None when cleared)."""

        def __init__(self, short_answers: ShortAnswers, path: str, value: Any) -> None:
            super().__init__()
            self.short_answers = short_answers
            self.path = path
            self.value = value

        @property
        def control(self) -> ShortAnswers:
            return self.short_answers

    def __init__(
        self,
        questions: Iterable[tuple[str, Question]],
        answers: Mapping[str, Any],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.questions = [ShortQuestion(p, q, question_options(q)) for p, q in questions]
        self.values: dict[str, Any] = {q.path: answers[q.path] for q in self.questions if q.path in answers}
        self.hidden: frozenset[str] = frozenset()
        self.required: frozenset[str] = frozenset(q.path for q in self.questions if q.question.required)
        self.cursor = 0
        self.hint = ""
        """Said under the row after a key it cannot take; empty otherwise."""
        self._typing = False
        self._typing_timer: Timer | None = None
        self._undo: list[tuple[str, Any, int]] = []
        """(path, answer before, cursor before) of each answer given here, newest last."""
        self._burst = 0
        """Answers given by keys less than `TYPING_PAUSE` apart, up to now."""
        self._last_key = 0.0

    # ------------------------------------------------------------ state

    @property
    def shown(self) -> list[ShortQuestion]:
        return [q for q in self.questions if q.path not in self.hidden]

    @property
    def current(self) -> ShortQuestion | None:
        shown = self.shown
        return shown[min(self.cursor, len(shown) - 1)] if shown else None

    def holds(self, path: str) -> bool:
        """Whether the question at `path` is one of these."""
        return any(q.path == path for q in self.questions)

    def set_value(self, path: str, value: Any) -> None:
        """Show `value` as the answer at `path` (None clears it) without reporting a change: the screen
        puts back an answer it holds already (a refused risk level change)."""
        if value is None:
            self.values.pop(path, None)
        else:
            self.values[path] = value
        self.refresh()

    def set_conditions(self, hidden: frozenset[str], required: frozenset[str]) -> None:
        """Hide and mark required as the form's conditions now say; relayout only when rows come or go."""
        if hidden == self.hidden and required == self.required:
            return
        rows_changed = hidden != self.hidden
        self.hidden, self.required = hidden, required
        self.display = bool(self.shown)
        self.refresh(layout=rows_changed)

    # ------------------------------------------------------------ keys

    def action_move(self, step: int) -> None:
        count = len(self.shown)
        self._stop_typing()
        if count:
            self.cursor = (min(self.cursor, count - 1) + step) % count
            self.refresh()

    def action_clear(self) -> None:
        current = self.current
        self._stop_typing()
        if current is not None and current.path in self.values:
            self._set(current.path, None)
            self.refresh()

    def action_undo(self) -> None:
        """Take back the last answer given on this row (the highlight goes back to it)."""
        self._stop_typing()
        if not self._undo:
            self.app.bell()
            return
        path, before, cursor = self._undo.pop()
        self._set(path, before, undoable=False)
        self.cursor = cursor
        self.refresh()

    def _set(self, path: str, value: Any, *, undoable: bool = True) -> None:
        if undoable:
            self._undo.append((path, self.values.get(path), self.cursor))
        if value is None or value == []:
            self.values.pop(path, None)
            value = None
        else:
            self.values[path] = value
        self.post_message(self.Changed(self, path, value))

    def _refuse(self, current: ShortQuestion, character: str) -> None:
        """Say what the row takes; take no answer keys until the typing stops.

        Answers given earlier in the same burst of keys, after its first, were
        words typed here by mistake: they are taken back.
        """
        while self._burst > 1 and self._undo:
            path, before, cursor = self._undo.pop()
            self._set(path, before, undoable=False)
            self.cursor = cursor
            self._burst -= 1
        current = self.current or current
        keys = " or ".join(o.key.upper() for o in current.options if o.key)
        self.hint = (
            f"“{character}” is not an answer to “{current.question.label}”: press {keys}. "
            "To write, press ↓ to reach a text box."
        )
        self._typing = True
        if self._typing_timer is not None:
            self._typing_timer.stop()
        self._typing_timer = self.set_timer(TYPING_PAUSE, self._typing_stopped)
        self.refresh(layout=True)

    def _typing_stopped(self) -> None:
        self._typing = False

    def _stop_typing(self) -> None:
        self._typing = False
        self._burst = 0
        if self.hint:
            self.hint = ""
            self.refresh(layout=True)

    def on_key(self, event: events.Key) -> None:
        current = self.current
        if current is None or event.character is None or not event.character.isprintable():
            return
        if event.character == "?" and not self._typing:
            return  # the help key outside text boxes
        option = current.by_key(event.character)
        event.stop()  # not prevent_default: the key still counts towards active time
        now = time.monotonic()
        if now - self._last_key >= TYPING_PAUSE:
            self._burst = 0
        self._last_key = now
        if option is None or self._typing:
            self._refuse(current, event.character)
            return
        if self.hint:
            self.hint = ""
            self.refresh(layout=True)
        value: Any
        if current.question.type == "multi":
            chosen = list(self.values.get(current.path, []))
            value = [o for o in chosen if o != option.id] if option.id in chosen else [*chosen, option.id]
            value = [o.id for o in current.options if o.id in value]  # keep the form's order
        elif current.question.type == "scale":
            value = int(option.id)
        else:
            value = option.id
        self._set(current.path, value)
        self._burst += 1
        if current.question.type != "multi":
            self._advance()
        self.refresh()

    def _advance(self) -> None:
        """Move to the next unanswered question after the current one (stay when all are answered)."""
        shown = self.shown
        for step in range(1, len(shown)):
            index = (self.cursor + step) % len(shown)
            if shown[index].path not in self.values:
                self.cursor = index
                return

    # ------------------------------------------------------------ drawing

    def render(self) -> Text:
        text = Text()
        shown = self.shown
        current = self.current
        for index, item in enumerate(shown):
            if index:
                text.append("\n")
            mark = "▸ " if item is current and self.has_focus else "  "
            style = "reverse" if item is current and self.has_focus else ""
            required = " (required)" if item.path in self.required and item.path not in self.values else ""
            # The answer comes before the keys that change it, so a narrow terminal
            # that clips the line never hides what was answered.
            text.append(f"{mark}{item.question.label}{required}", style=style)
            text.append(f" → {item.answer_label(self.values.get(item.path))}", style="bold")
            text.append("   " + " / ".join(option_text(o) for o in item.options), style="dim")
        if self.hint:
            text.append("\n")
            text.append(self.hint, style="bold")
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self._stop_typing()
        self.refresh()

"""A group question (evidence sources): a sorted list of entries and one line to add the next.

An entry is typed on one line, its fields separated by commas in the form's
field order (``i, 3/10/2026, J Smith``), because a practitioner adding five
sources should not tab through fifteen boxes.  Entries are kept in the
group's `order_by` order (the date) whatever order they are typed in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from forms.model import Question
from forms.record.dates import format_long, parse_date
from tui.widgets.counters import KeyActivity
from tui.widgets.short_answers import option_text, question_options


def _parse_choice(field: Question, text: str) -> str:
    options = question_options(field)
    lowered = text.lower()
    for match in (
        lambda o: len(lowered) == 1 and o.key.lower() == lowered,
        lambda o: o.id == lowered,
        lambda o: o.label.lower().startswith(lowered),
    ):
        found = [o for o in options if match(o)]
        if len(found) == 1:
            return found[0].id
    choices = ", ".join(option_text(o) for o in options)
    raise ValueError(f"{field.label}: '{text}' is not one of {choices}")


def _parse_number(field: Question, text: str) -> int | float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{field.label}: '{text}' is not a number") from None
    return int(number) if field.integer or number.is_integer() else number


def parse_field(field: Question, text: str, today: date) -> Any:
    """One typed part as its answer value; ValueError naming the field when it does not parse."""
    if field.type in ("choice", "yesno"):
        return _parse_choice(field, text)
    if field.type == "date":
        try:
            return parse_date(text, today).isoformat()
        except ValueError as error:
            raise ValueError(f"{field.label}: {error}") from None
    if field.type in ("number", "scale"):
        return _parse_number(field, text)
    if field.type == "multi":
        return [_parse_choice(field, part.strip()) for part in text.split("+") if part.strip()]
    return text


def parse_entry(question: Question, line: str, today: date) -> dict[str, Any]:
    """A typed line as one entry; the last field takes any further commas (an author "Smith, J")."""
    fields = question.fields
    parts = [part.strip() for part in line.split(",", max(len(fields) - 1, 0))]
    entry: dict[str, Any] = {}
    for field, part in zip(fields, parts, strict=False):
        if part:
            entry[field.id] = parse_field(field, part, today)
    missing = [f.label for f in fields if f.required and f.id not in entry]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}; type the fields in order, separated by commas")
    if not entry:
        raise ValueError("nothing to add; type the fields in order, separated by commas")
    return entry


def sort_entries(question: Question, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries in the group's `order_by` order; entries without that field go last, typed order kept."""
    key = question.order_by
    if not key:
        return list(entries)
    return sorted(entries, key=lambda e: (e.get(key) is None, str(e.get(key, ""))))


def entry_line(question: Question, entry: dict[str, Any]) -> str | None:
    """`entry` typed back as the line that adds it (`parse_entry` reads it as the same entry), for
    editing in place; None when a field before the last holds a comma, which a line cannot carry."""
    parts = []
    for field in question.fields:
        value = entry.get(field.id)
        if value is None:
            parts.append("")
        elif field.type == "multi" and isinstance(value, list):
            parts.append(" + ".join(str(v) for v in value))
        else:
            parts.append(str(value))
    while parts and not parts[-1]:
        parts.pop()
    if any("," in part for part in parts[:-1]):
        return None
    return ", ".join(parts)


def describe_entry(question: Question, entry: dict[str, Any]) -> str:
    """An entry as one readable line: "Interview · Friday 3 October 2026 · J Smith"."""
    parts = []
    for field in question.fields:
        value = entry.get(field.id)
        if value is None:
            continue
        if field.type == "date":
            try:
                value = format_long(date.fromisoformat(str(value)))
            except ValueError:
                value = str(value)
        elif field.type in ("choice", "yesno"):
            option = next((o for o in question_options(field) if o.id == value), None)
            value = option.label if option else str(value)
        parts.append(str(value))
    return " · ".join(parts)


class AnswerInput(KeyActivity, Input):
    """A one-line input on the case screen: Up and Down leave it for the previous or next field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "app.focus_previous", "Previous field", show=False),
        Binding("down", "app.focus_next", "Next field", show=False),
    ]


class EntryList(KeyActivity, Widget, can_focus=True):
    """The group's entries, one a line, with a cursor; Delete removes the selected one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Previous entry", show=False),
        Binding("down", "move(1)", "Next entry", show=False),
        Binding("delete", "remove", "Remove entry"),
        Binding("enter", "edit", "Edit entry"),
    ]

    def __init__(self, group: GroupInput) -> None:
        super().__init__(classes="entries")
        self.group = group
        self.cursor = 0

    def action_move(self, step: int) -> None:
        target = self.cursor + step
        if target < 0:
            self.app.action_focus_previous()
        elif target >= len(self.group.entries):
            self.app.action_focus_next()
        else:
            self.cursor = target
            self.refresh()

    def action_edit(self) -> None:
        if self.group.entries:
            self.group.edit_entry(self.cursor)

    def action_remove(self) -> None:
        if self.group.entries:
            self.group.remove_entry(self.cursor)
            self.cursor = max(0, min(self.cursor, len(self.group.entries) - 1))

    def render(self) -> Text:
        entries = self.group.entries
        if not entries:
            return Text("No entries yet.", style="dim")
        text = Text()
        for index, entry in enumerate(entries):
            selected = self.has_focus and index == self.cursor
            if index:
                text.append("\n")
            editing = (
                " (being edited in the line below: Enter there keeps the change)"
                if index == self.group.editing
                else ""
            )
            described = describe_entry(self.group.question, entry)
            line = f"{'▸' if selected else ' '} {index + 1}. {described}{editing}"
            text.append(line, style="reverse" if selected else "")
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_key(self, event: events.Key) -> None:
        if event.key == "backspace":
            event.stop()
            self.action_remove()


class GroupInput(Vertical):
    """Entries of a group question plus the one-line input that adds one."""

    class Changed(Message):
        """An entry was added or removed; `value` is the sorted list (None when empty)."""

        def __init__(self, group: GroupInput, path: str, value: list[dict[str, Any]] | None) -> None:
            super().__init__()
            self.group = group
            self.path = path
            self.value = value

        @property
        def control(self) -> GroupInput:
            return self.group

    def __init__(
        self, path: str, question: Question, value: Any, today: Callable[[], date], *, id: str | None = None
    ) -> None:
        super().__init__(id=id, classes="group")
        self.path = path
        self.question = question
        self.today = today
        entries = [dict(e) for e in value if isinstance(e, dict)] if isinstance(value, list) else []
        self.entries = sort_entries(question, entries)
        self.editing: int | None = None
        """The entry whose line is in the input (Enter on it in the list): the line replaces it, not
        adds to it; until then the entry stays as it was, so nothing is lost meanwhile."""

    @property
    def value(self) -> list[dict[str, Any]] | None:
        return [dict(e) for e in self.entries] or None

    def compose(self) -> ComposeResult:
        yield EntryList(self)
        placeholder = ", ".join(f.label.lower() for f in self.question.fields)
        yield AnswerInput(  # an entry put back to edit is changed, not replaced by the first key
            placeholder=f"add: {placeholder} — then Enter", classes="entry-line", select_on_focus=False
        )
        yield Static("", classes="entry-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.query_one(".entry-error", Static)
        try:
            entry = parse_entry(self.question, event.value, self.today())
        except ValueError as problem:
            error.update(str(problem))
            error.add_class("-shown")
            self.call_after_refresh(error.scroll_visible, animate=False)
            return
        error.update("")
        error.remove_class("-shown")
        event.input.value = ""
        self._put(entry)
        self._changed()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # the line is not an answer until Enter adds it

    @property
    def typed_line(self) -> str:
        """What is typed in the entry line and not yet added ("" when nothing is)."""
        return self.query_one(AnswerInput).value.strip()

    def add_typed_line(self) -> str:
        """Add the entry typed in the line as Enter would, for a case that is closing without Enter pressed.

        Returns "" when the line is empty now (nothing was typed, or it was added); else why it could not
        be added, with the text left in the line for the caller to keep elsewhere.  The caller records
        the change itself: this runs just before a save, which cannot wait for a message to arrive.
        """
        line = self.typed_line
        if not line:
            return ""
        try:
            entry = parse_entry(self.question, line, self.today())
        except ValueError as problem:
            return str(problem)
        self.query_one(AnswerInput).value = ""
        self._put(entry)
        self.query_one(EntryList).refresh(layout=True)
        return ""

    def _put(self, entry: dict[str, Any]) -> None:
        """Add `entry`, or put it in place of the one being edited."""
        kept = [e for i, e in enumerate(self.entries) if i != self.editing]
        self.editing = None
        self.entries = sort_entries(self.question, [*kept, entry])

    def edit_entry(self, index: int) -> None:
        """Put entry `index` back in the line to change it (Enter there keeps the change)."""
        line = self.query_one(AnswerInput)
        error = self.query_one(".entry-error", Static)
        typed = entry_line(self.question, self.entries[index])
        problem = ""
        if line.value.strip():
            problem = "The line below holds words not yet added: add them (Enter) or clear the line first."
        elif typed is None:
            problem = (
                "A field of this entry holds a comma, which the line cannot: remove it and type it again."
            )
        if problem:
            error.update(problem)
            error.add_class("-shown")
            return
        self.editing = index
        line.value = typed or ""
        line.cursor_position = len(line.value)
        line.focus()
        self.query_one(EntryList).refresh(layout=True)

    def clear_line(self) -> None:
        self.query_one(AnswerInput).value = ""

    def remove_entry(self, index: int) -> None:
        del self.entries[index]
        if self.editing is not None:
            self.editing = None if self.editing == index else self.editing - (self.editing > index)
        self._changed()

    def _changed(self) -> None:
        self.query_one(EntryList).refresh(layout=True)
        self.post_message(self.Changed(self, self.path, self.value))

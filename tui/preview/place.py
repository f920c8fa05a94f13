"""Where the trainer was in the previewed form, so a reload puts them back there.

Each save rebuilds the case screen from the new version of the form.  The
place is kept as the section (its editor's id), the position of the focused
field among that section's focusable widgets, and the cursor in it, which
survives any change that leaves the section in place; when the section is
gone, the new screen starts at its top as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

from tui.widgets.section_editor import SectionEditor


@dataclass(frozen=True)
class Place:
    section: str
    """The id of the section's editor (`section-<id>`)."""
    index: int
    """The focused widget's position among the section's focusable widgets."""
    cursor: Any = None
    """A text box's (row, column), an input's position, or None."""


def place_of(screen: Screen[Any]) -> Place | None:
    """Where the cursor is on `screen`, when it is in a section of the form."""
    focused = screen.focused
    if focused is None:
        return None
    editor = next((node for node in focused.ancestors_with_self if isinstance(node, SectionEditor)), None)
    if editor is None or not editor.id:
        return None
    fields = _focusable(editor)
    index = fields.index(focused) if focused in fields else 0
    if isinstance(focused, TextArea):
        return Place(editor.id, index, focused.cursor_location)
    if isinstance(focused, Input):
        return Place(editor.id, index, focused.cursor_position)
    return Place(editor.id, index)


def go_back_to(screen: Screen[Any], place: Place) -> None:
    """Focus the same field of the same section on `screen` (the nearest one left), cursor included."""
    try:
        editor = screen.query_one(f"#{place.section}", SectionEditor)
    except NoMatches:
        return
    fields = _focusable(editor)
    if not fields:
        return
    widget = fields[min(place.index, len(fields) - 1)]
    widget.focus()
    if isinstance(widget, TextArea) and isinstance(place.cursor, tuple):
        widget.move_cursor(place.cursor)
    elif isinstance(widget, Input) and isinstance(place.cursor, int):
        widget.cursor_position = place.cursor
    screen.call_after_refresh(widget.scroll_visible, animate=False)


def _focusable(editor: SectionEditor) -> list[Widget]:
    return [widget for widget in editor.query("*") if widget.focusable]

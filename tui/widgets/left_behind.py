"""The "Left behind" panel: words kept with the record that are not among its answers.

A record moved to a newer version of its form keeps every answer that did
not fit (`forms.record.carry_over`), and a case closed with an entry typed
in a group's line that could not be added keeps that line
(`CaseScreen.keep_typed_entries`).  They are not part of the new version,
so they are shown apart, above the sections, with the version they were
written against and why they stayed behind, for as long as the record is
open; exports list them too.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from exports.escape import for_terminal
from forms.model import LeftBehind

VALUE_WIDTH = 80
"""A left-behind answer is cut to this many characters: the full text is in the record and its exports."""


class LeftBehindPanel(Static):
    """Every answer left behind by a move, one line each; hidden when there are none."""

    DEFAULT_CSS = """
    LeftBehindPanel {
        height: auto;
        max-height: 8;
        overflow-y: auto;
        padding: 0 1;
        border: round $warning;
    }
    """

    def __init__(self, items: tuple[LeftBehind, ...] | list[LeftBehind]) -> None:
        super().__init__(panel_text(items), id="left-behind", markup=False)
        self.display = bool(items)


def panel_text(items: tuple[LeftBehind, ...] | list[LeftBehind]) -> str:
    """The panel's lines: a heading, then each answer with its version and reason."""
    if not items:
        return ""
    head = f"Left behind ({len(items)}): kept with this record, outside its answers (each says why)"
    return "\n".join(
        [
            head,
            *(f"- {for_terminal(i.label)} ({i.form_version}): {_short(i.value)} — {i.reason}" for i in items),
        ]
    )


def _short(value: Any) -> str:
    text = for_terminal(" ".join(str(value).split()))
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"

"""Correcting a case: the person's name, national identifier, start date and sentence, as first typed.

A typo in a name or a wrong national identifier would otherwise print on every
export and on the A4 sheet a court reads.  The fields, and how they are read
and checked, are the new-case dialog's (`tui.modals.case_details`).  The
reference is shown, not edited (records and exports name it), and so is the
owner (a change of owner is a handover, Ctrl+T).  A new start date moves the
first due date as the store moves it, by the case's own deadlines; the line
under the fields says where it moves to before anything is saved.  Above it,
the case's latest corrections, one line each (who, when, what it said before:
`Store.case_changes`), so a second correction does not quietly undo a first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from exports.escape import for_terminal
from exports.history import corrections
from forms.model import Case, Deadlines
from forms.record.dates import format_long
from storage.store import CaseChange, Store, StoreError
from tui.modals.case_details import CaseDetailsScreen, FieldProblem


class EditCaseScreen(CaseDetailsScreen):
    """The case's details, filled in; dismisses with the case as stored, or None when nothing changed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="edit_case.cancel"),
        Binding("ctrl+s", "save", "Save", id="edit_case.save"),
    ]
    DUE_LABEL = "First assessment due: "
    SHOWN_CORRECTIONS = 3
    """How many of the case's latest corrections the dialog lists (the exports list every one)."""

    def __init__(
        self,
        *,
        store: Store,
        case: Case,
        case_deadlines: Deadlines,
        today: date,
        actor: str = "",
        changes: Sequence[CaseChange] = (),
    ) -> None:
        """`case` as stored now, with the deadlines it was given when added (`Store.case_deadlines`) and its
        corrections so far (`Store.case_changes`); `actor` is who corrects it (a team database names the
        login itself)."""
        super().__init__(today=today, case=case)
        self.store = store
        self.case = case
        self.case_deadlines = case_deadlines
        self.actor = actor
        self.changes = tuple(changes)

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-case", classes="case-details"):
            yield Static(Text(f"Correct case {for_terminal(self.case.ref)}"), classes="modal-title")
            yield Static(Text(f"Held by {for_terminal(self.case.owner)} (a change of owner is a handover)"))
            yield from self.person_fields()
            yield from self.sentence_fields()
            if self.changes:
                yield Static(Text(self._corrections()), id="corrections")
            yield from self.closing(
                "Enter: next field, then save · Tab: every field · Ctrl+S: save · Esc: cancel"
            )

    def on_mount(self) -> None:
        """Where typing starts (the due date is shown by `CaseDetailsScreen`'s own `on_mount`: Textual calls
        each class's handler)."""
        self.query_one("#name").focus()

    def deadlines(self) -> Deadlines:
        return self.case_deadlines

    def _corrections(self) -> str:
        """The latest corrections, oldest of them first, one line each; how many earlier ones there are."""
        shown = self.changes[-self.SHOWN_CORRECTIONS :]
        lines = corrections(shown, escape=lambda text: for_terminal(" ".join(text.split())), day=_day)
        earlier = len(self.changes) - len(shown)
        if earlier:
            plural = "s" if earlier > 1 else ""
            lines.insert(0, f"{earlier} earlier correction{plural} (in the case's exports)")
        return "\n".join(lines)

    def due_note(self, due: date) -> str:
        was = date.fromisoformat(self.case.initial_due) if self.case.initial_due else None
        return f" (moved from {format_long(was)})" if was is not None and was != due else ""

    def action_save(self) -> None:
        """Write the corrections through the store, or say under the fields what to put right."""
        try:
            details = self.details()
        except FieldProblem as problem:
            self.show_problem(problem)
            return
        corrected = dataclasses.replace(
            self.case,
            name=details.name,
            start=details.start,
            sentence=details.sentence,
            national_id=details.national_id,
        )
        if corrected == self.case:
            self.dismiss(None)
            return
        try:
            stored = self.store.update_case(corrected, owner=self.case.owner, actor=self.actor)
        except StoreError as error:
            self.show_problem(str(error))
            return
        self.dismiss(stored)


def _day(timestamp: str) -> str:
    """The day of a stored timestamp as people say it ("2 December 2026"); as stored if it is not one."""
    try:
        return format_long(date.fromisoformat(timestamp[:10])).split(" ", 1)[1]
    except ValueError:
        return for_terminal(timestamp)

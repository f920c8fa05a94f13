"""Adding a case: reference, name, start date and (when several are loaded) its assessment form.

A case is assessed with one form for its whole life: the one chosen here
(the shipped one unless another is picked), and every record of the case
is written against a version of it.  The due date is shown before the case is added, so a practitioner sees at
once when the assessment falls due (working days, bank holidays skipped)
and can correct a mistyped start date first.  The fields it shares with
correcting a case, and how they are read, are `tui.modals.case_details`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from forms.model import AssessmentForm, Case, Deadlines
from forms.record.text_rules import TextError, check_reference
from storage.store import Store, StoreError
from tui.modals.case_details import CaseDetailsScreen, FieldProblem


class NewCaseScreen(CaseDetailsScreen):
    """A small form over the caseload; dismisses with the case as stored, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="new_case.cancel"),
        Binding("ctrl+s", "save", "Add case", id="new_case.add"),
    ]
    REQUIRED = ("#ref", "#name", "#start")

    def __init__(self, *, store: Store, forms: Sequence[AssessmentForm], owner: str, today: date) -> None:
        """`forms` are the assessment forms a case may use, the default first (at least one)."""
        super().__init__(today=today)
        self.store = store
        self.forms = list(forms)
        self.form = self.forms[0]
        self.owner = owner

    def compose(self) -> ComposeResult:
        with Vertical(id="new-case", classes="case-details"):
            yield Static("New case", classes="modal-title")
            yield Label("Reference")
            yield Input(id="ref", placeholder="e.g. X123456")
            yield from self.person_fields()
            if len(self.forms) > 1:
                yield Label("Assessment form (Tab to change; records of this case use it)")
                yield Select(
                    [(f"{form.header.title} ({form.id} {form.version})", form.id) for form in self.forms],
                    value=self.form.id,
                    allow_blank=False,
                    id="form",
                )
            yield from self.sentence_fields()
            yield from self.closing(
                "Enter: next required field, then add · Tab: every field · Ctrl+S: add · Esc: cancel"
            )

    def on_mount(self) -> None:
        """Where typing starts (the due date is shown by `CaseDetailsScreen`'s own `on_mount`: Textual calls
        each class's handler)."""
        self.query_one("#ref", Input).focus()

    def deadlines(self) -> Deadlines:
        return self.form.deadlines

    @on(Select.Changed, "#form")
    def _form_chosen(self, event: Select.Changed) -> None:
        self.form = next((f for f in self.forms if f.id == event.value), self.form)
        self.show_due()

    def action_save(self) -> None:
        """Add the case, or say under the fields what to put right (the cursor goes there)."""
        try:
            ref = self._reference()
            details = self.details()
        except FieldProblem as problem:
            self.show_problem(problem)
            return
        case = Case(ref=ref, name=details.name, start=details.start, owner=self.owner, form_id=self.form.id,
                    sentence=details.sentence, national_id=details.national_id)  # fmt: skip
        try:
            stored = self.store.create_case(case, self.form.deadlines)
        except StoreError as error:
            self.show_problem(str(error))
            return
        self.dismiss(stored)

    def _reference(self) -> str:
        ref = self._value("#ref")
        if not ref:
            also = "" if self._value("#name") else " and a name"
            raise FieldProblem("#ref", f"Please give a reference{also}.")
        try:
            return check_reference(ref, what="The reference")
        except TextError as error:
            raise FieldProblem("#ref", str(error)) from None

"""Adding a case: reference, name, start date and (when several are loaded) its assessment form.

A case is assessed with one form for its whole life: the one chosen here
(the shipped one unless another is picked), and every record of the case
is written against a version of it.  The due date is shown before the case is added, so a practitioner sees at
once when the assessment falls due (working days, bank holidays skipped)
and can correct a mistyped start date first.  The store then derives the
same dates from the same form deadlines; this modal never writes its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from forms.model import AssessmentForm, Case, Sentence
from forms.record.dates import format_long, parse_date
from forms.record.deadlines import initial_due
from forms.record.text_rules import TextError, check_line, check_reference
from storage.store import Store, StoreError


class NewCaseScreen(ModalScreen[Case | None]):
    """A small form over the caseload; dismisses with the case as stored, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="new_case.cancel"),
        Binding("ctrl+s", "add", "Add case", id="new_case.add"),
    ]

    def __init__(self, *, store: Store, forms: Sequence[AssessmentForm], owner: str, today: date) -> None:
        """`forms` are the assessment forms a case may use, the default first (at least one)."""
        super().__init__()
        self.store = store
        self.forms = list(forms)
        self.form = self.forms[0]
        self.owner = owner
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="new-case"):
            yield Static("New case", classes="modal-title")
            yield Label("Reference")
            yield Input(id="ref", placeholder="e.g. X123456")
            yield Label("Name of the person on probation")
            yield Input(id="name")
            yield Label("Start date (sentence or first appointment)")
            yield Input(f"{self.today:%d/%m/%Y}", id="start", placeholder="3/10/2026, today, -2d")
            if len(self.forms) > 1:
                yield Label("Assessment form (Tab to change; records of this case use it)")
                yield Select(
                    [(f"{form.header.title} ({form.id} {form.version})", form.id) for form in self.forms],
                    value=self.form.id,
                    allow_blank=False,
                    id="form",
                )
            yield Label("Sentence or order, its length, when it began and ends (optional)")
            with Horizontal(classes="pair"):
                yield Input(id="sentence-type", placeholder="e.g. community order, licence")
                yield Input(id="sentence-length", placeholder="length: 18 months")
            with Horizontal(classes="pair"):
                yield Input(id="sentence-start", placeholder="began: 3/2/2026")
                yield Input(id="sentence-end", placeholder="ends: 2/8/2027")
            yield Label("Requirements or conditions, separated by ; (optional)")
            yield Input(id="requirements", placeholder="unpaid work: 120 hours; curfew 7pm–7am")
            yield Label("Court, and national identifier (optional)")
            with Horizontal(classes="pair"):
                yield Input(id="court", placeholder="court")
                yield Input(id="national-id", placeholder="national identifier")
            yield Static(id="due")
            yield Static(id="problem")
            yield Static(
                "Enter: next required field, then add · Tab: every field · Ctrl+S: add · Esc: cancel",
                classes="modal-hint",
            )

    def on_mount(self) -> None:
        self._show_due()
        self.query_one("#ref", Input).focus()

    def _start(self) -> date:
        """The start date typed; ValueError with what to type instead."""
        return parse_date(self.query_one("#start", Input).value, self.today)

    @on(Select.Changed, "#form")
    def _form_chosen(self, event: Select.Changed) -> None:
        self.form = next((f for f in self.forms if f.id == event.value), self.form)
        self._show_due()

    @on(Input.Changed, "#start")
    @on(Input.Changed, "#sentence-type")
    def _show_due(self) -> None:
        due = self.query_one("#due", Static)
        try:
            start = self._start()
        except ValueError as error:
            due.update(Text(f"Start date: {error}", style="bold"))
            return
        deadlines = self.form.deadlines
        kind = self.query_one("#sentence-type", Input).value
        due.update(
            Text.assemble(
                ("Assessment due: ", "bold"),
                format_long(initial_due(start, deadlines, kind)),
                f"\n({deadlines.initial_days_for(kind)} working days after {format_long(start)}; "
                f"then reviewed every {deadlines.review_weeks} weeks)",
            )
        )

    @on(Input.Submitted)
    def _next_or_add(self, event: Input.Submitted) -> None:
        """Enter moves reference → name → start date, and there (or in any optional field) adds the case.

        The sentence fields are optional, so Enter never walks through them: Tab reaches them.
        """
        event.stop()
        required = [self.query_one(selector, Input) for selector in ("#ref", "#name", "#start")]
        if event.input in required[:-1]:
            required[required.index(event.input) + 1].focus()
        else:
            self.action_add()

    def action_add(self) -> None:
        ref = self.query_one("#ref", Input).value.strip()
        name = self.query_one("#name", Input).value.strip()
        problem = self.query_one("#problem", Static)
        try:
            start = self._start()
        except ValueError as error:
            problem.update(Text(f"Start date: {error}"))
            self.query_one("#start", Input).focus()
            return
        missing = [label for label, value in (("a reference", ref), ("a name", name)) if not value]
        if missing:
            problem.update(Text(f"Please give {' and '.join(missing)}."))
            self.query_one("#ref" if not ref else "#name", Input).focus()
            return
        field = "#ref"
        try:
            check_reference(ref, what="The reference")
            field = "#name"
            check_line(name, what="The name")
            field = "#sentence-start"
            began = self._date(field, "Sentence start date")
            field = "#sentence-end"
            ends = self._date(field, "Sentence end date")
            if began and ends and ends < began:
                raise ValueError("The sentence ends before it begins: check both dates.")
            field = "#sentence-type"
            sentence = self._sentence(began, ends)
            field = "#national-id"
            national_id = check_line(self._value(field), what="The national identifier", blank=True)
        except (TextError, ValueError) as error:
            problem.update(Text(str(error)))
            self.query_one(field, Input).focus()
            return
        case = Case(ref=ref, name=name, start=start.isoformat(), owner=self.owner, form_id=self.form.id,
                    sentence=sentence, national_id=national_id)  # fmt: skip
        try:
            stored = self.store.create_case(case, self.form.deadlines)
        except StoreError as error:
            problem.update(Text(str(error)))
            return
        self.dismiss(stored)

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def _date(self, selector: str, what: str) -> str:
        """An optional date field as ISO text ("" when empty); ValueError naming the field."""
        typed = self._value(selector)
        try:
            return parse_date(typed, self.today).isoformat() if typed else ""
        except ValueError as error:
            raise ValueError(f"{what}: {error}") from None

    def _sentence(self, start: str, end: str) -> Sentence:
        """The sentence typed (all optional) with its dates read; TextError saying what to change."""
        return Sentence(
            type=check_line(self._value("#sentence-type"), what="The sentence", blank=True),
            length=check_line(self._value("#sentence-length"), what="The sentence length", blank=True),
            start=start,
            end=end,
            requirements=tuple(
                check_line(part.strip(), what="A requirement")
                for part in self._value("#requirements").split(";")
                if part.strip()
            ),
            court=check_line(self._value("#court"), what="The court", blank=True),
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

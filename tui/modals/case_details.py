"""What adding a case and correcting one share: the person's name, start date, sentence and identifier.

Both dialogs (`NewCaseScreen`, `EditCaseScreen`) ask for the same fields, read
and check them the same way (`forms.record.text_rules` for text, dates typed as
on every A4 screen) and show, before anything is written, the first due date
the start date gives, so a mistyped start date is seen and put right first.
The store then derives the same date from the same deadlines; no dialog
writes its own.  Holding all of that here keeps the two dialogs from drifting
apart: a rule added for new cases holds for corrected ones too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from forms.model import Case, Deadlines, Sentence
from forms.record.dates import format_long, parse_date
from forms.record.deadlines import initial_due
from forms.record.text_rules import TextError, check_line


@dataclass(frozen=True)
class CaseDetails:
    """The fields both dialogs ask for, checked: what a `Case` is made or corrected with."""

    name: str
    start: str
    """ISO date."""
    sentence: Sentence
    national_id: str


class FieldProblem(ValueError):
    """What is wrong with what was typed, and the field to put it right in (a selector)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def shown_date(iso: str) -> str:
    """A stored ISO date as the dialogs show dates (day/month/year, as typed); "" stays "".

    One an older A4 let in that is no date at all is shown as stored, so the dialog opens and its
    check says what to put right, which is what correcting a case is for.
    """
    try:
        return f"{date.fromisoformat(iso):%d/%m/%Y}" if iso else ""
    except ValueError:
        return iso


class CaseDetailsScreen(ModalScreen[Case | None]):
    """A dialog over the caseload describing one case; dismisses with the case as stored, or None.

    Subclasses compose their own title and fields around `person_fields` and `sentence_fields`, say
    which deadlines date the case (`deadlines`) and what Ctrl+S does (`action_save`).
    """

    REQUIRED: ClassVar[tuple[str, ...]] = ("#name", "#start")
    """The fields Enter walks through, in order; Enter in the last (or in any optional one) saves."""
    DUE_LABEL: ClassVar[str] = "Assessment due: "

    def __init__(self, *, today: date, case: Case | None = None) -> None:
        """`case` fills the fields in (correcting it); without one they start empty, dated today."""
        super().__init__()
        self.today = today
        self.shown = case

    # ------------------------------------------------------------ fields

    def person_fields(self) -> Iterator[Widget]:
        case = self.shown
        yield Label("Name of the person on probation")
        yield Input(case.name if case else "", id="name")
        yield Label("Start date (sentence or first appointment)")
        start = shown_date(case.start) if case else f"{self.today:%d/%m/%Y}"
        yield Input(start, id="start", placeholder="3/10/2026, today, -2d")

    def sentence_fields(self) -> ComposeResult:
        sentence = self.shown.sentence if self.shown else Sentence()
        yield Label("Sentence or order, its length, when it began and ends (optional)")
        with Horizontal(classes="pair"):
            yield Input(sentence.type, id="sentence-type", placeholder="e.g. community order, licence")
            yield Input(sentence.length, id="sentence-length", placeholder="length: 18 months")
        with Horizontal(classes="pair"):
            yield Input(shown_date(sentence.start), id="sentence-start", placeholder="began: 3/2/2026")
            yield Input(shown_date(sentence.end), id="sentence-end", placeholder="ends: 2/8/2027")
        yield Label("Requirements or conditions, separated by ; (optional)")
        requirements = "; ".join(sentence.requirements)
        yield Input(requirements, id="requirements", placeholder="unpaid work: 120 hours; curfew 7pm–7am")
        yield Label("Court, and national identifier (optional)")
        with Horizontal(classes="pair"):
            yield Input(sentence.court, id="court", placeholder="court")
            national_id = self.shown.national_id if self.shown else ""
            yield Input(national_id, id="national-id", placeholder="national identifier")

    def closing(self, hint: str) -> Iterator[Widget]:
        """Under the fields: the due date, what is wrong (once something is), and the keys."""
        yield Static(id="due")
        yield Static(id="problem")
        yield Static(hint, classes="modal-hint")

    # ------------------------------------------------------------ the due date, shown as the start is typed

    def deadlines(self) -> Deadlines:
        """The deadlines that date this case (the form's for a new case; the case's own once added)."""
        raise NotImplementedError

    def due_note(self, due: date) -> str:
        """Anything to say after the due date (a correction says what it was)."""
        return ""

    def on_mount(self) -> None:
        self.show_due()

    @on(Input.Changed, "#start")
    @on(Input.Changed, "#sentence-type")
    def show_due(self) -> None:
        due = self.query_one("#due", Static)
        try:
            start = self._start()
        except FieldProblem as problem:
            due.update(Text(str(problem), style="bold"))
            return
        deadlines = self.deadlines()
        kind = self._value("#sentence-type")
        first = initial_due(start, deadlines, kind)
        due.update(
            Text.assemble(
                (self.DUE_LABEL, "bold"),
                format_long(first),
                self.due_note(first),
                f"\n({deadlines.initial_days_for(kind)} working days after {format_long(start)}; "
                f"then reviewed every {deadlines.review_weeks} weeks)",
            )
        )

    # ------------------------------------------------------------ keys

    @on(Input.Submitted)
    def _next_or_save(self, event: Input.Submitted) -> None:
        """Enter moves through the required fields, and in the last (or in any optional field) saves.

        The sentence fields are optional, so Enter never walks through them: Tab reaches them.
        """
        event.stop()
        required = [self.query_one(selector, Input) for selector in self.REQUIRED]
        if event.input in required[:-1]:
            required[required.index(event.input) + 1].focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    # ------------------------------------------------------------ reading what was typed

    def show_problem(self, problem: FieldProblem | str, field: str | None = None) -> None:
        """Say what is wrong under the fields, and put the cursor where it is to be put right."""
        self.query_one("#problem", Static).update(Text(str(problem)))
        where = problem.field if isinstance(problem, FieldProblem) else field
        if where is not None:
            self.query_one(where, Input).focus()

    def details(self) -> CaseDetails:
        """The fields as a case holds them; `FieldProblem` naming the first that cannot be stored."""
        start = self._start()
        name = self._value("#name")
        if not name:
            raise FieldProblem("#name", "Please give a name.")
        field = "#name"
        try:
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
            raise FieldProblem(field, str(error)) from None
        return CaseDetails(name, start.isoformat(), sentence, national_id)

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def _start(self) -> date:
        try:
            return parse_date(self.query_one("#start", Input).value, self.today)
        except ValueError as error:
            raise FieldProblem("#start", f"Start date: {error}") from None

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

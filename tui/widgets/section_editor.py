"""One section of the assessment on the case screen: title, one-key answers, long text, the rest.

Built to keep typing cheap: a keystroke in a text field only marks that
field as changed (no word counting, no reading of the text, no DOM query).
The case screen's timer asks for the changed fields' words and answers a
few times a second, and only for the sections that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.geometry import Offset
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea
from textual.widgets.text_area import Document, Selection

from forms.model import Question, Section
from forms.record.dates import format_long, parse_date
from forms.record.words import count_words
from tui.widgets.age_note import AgeNote
from tui.widgets.counters import KeyActivity, words_text
from tui.widgets.grid_input import GridInput
from tui.widgets.group_input import AnswerInput, EntryList, GroupInput
from tui.widgets.short_answers import SHORT_TYPES, ShortAnswers

INPUT_TYPES: frozenset[str] = frozenset({"line", "number", "date"})


class AnswerArea(KeyActivity, TextArea):
    """A soft-wrapping text answer: Down on its last line and Up on its first leave it.

    At the form's last (first) field Down (Up) goes to the end (start) of the answer
    and the focus stays, so what is typed next is never sent somewhere unseen.
    Ctrl+End / Ctrl+Home go to the end / start of the whole answer (End and Home
    stay on the screen line, as in every editor).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down_or_leave", "Down", show=False),
        Binding("up", "cursor_up_or_leave", "Up", show=False),
        Binding("ctrl+end", "answer_end", "End of the answer", show=False, id="answer.end"),
        Binding("ctrl+home", "answer_start", "Start of the answer", show=False, id="answer.start"),
    ]

    def __init__(self, path: str, text: str) -> None:
        super().__init__(text, soft_wrap=True, tab_behavior="focus", show_line_numbers=False)
        self.path = path
        self.words = count_words(text)
        self._following = False
        """A look at whether the form's scroll shows the cursor is already asked for (one per frame)."""

    def scroll_cursor_visible(self, center: bool = False, animate: bool = False) -> Offset:
        """Keep the cursor in view in the area and, once the layout has settled, in the form around it.

        TextArea scrolls only itself; an area taller than the form's view (a
        long paste) or growing past its bottom (typing on its last line) took
        the cursor out of sight, and what was typed next went in unseen
        (issue 14, finding 4).
        """
        scrolled = super().scroll_cursor_visible(center=center, animate=animate)
        if self.has_focus and not self._following:
            self._following = True
            self.call_after_refresh(self._follow_cursor)
        return scrolled

    def _follow_cursor(self) -> None:
        self._following = False
        scroller = next((a for a in self.ancestors if isinstance(a, ScrollableContainer)), None)
        if scroller is None or not self.has_focus:
            return
        row = self.cursor_screen_offset.y
        view = scroller.scrollable_content_region
        if row < view.y:
            scroller.scroll_to(y=scroller.scroll_y + row - view.y, animate=False, immediate=True)
        elif row >= view.bottom:
            scroller.scroll_to(y=scroller.scroll_y + row - view.bottom + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        """Repaint after TextArea's own resize handler has wrapped the answer again (issue 14, finding 12).

        When the new width wraps the text into as many lines as before (F2
        opening the guidance pane, say), the virtual size does not change, so
        nothing repainted the area and the old lines stayed, clipped, until an edit.
        """
        self.refresh()

    async def _on_paste(self, event: events.Paste) -> None:
        """Insert a paste at the cursor, and leave the focus alone.

        Textual's TextArea also calls `self.focus()` after a paste, which moves the
        focus only when the app reaches that request in its queue: after every key
        already waiting.  A ↓ or Tab pressed just after a paste moved on, and then
        the late request pulled the focus back, so the next words went into the
        field pasted into.  A paste only ever comes to the focused field, so there
        is nothing to focus.
        """
        event.prevent_default()  # not TextArea's handler as well
        if self.read_only:
            return
        if result := self._replace_via_keyboard(event.text, *self.selection):
            self.move_cursor(result.end_location)

    def _visual_row(self) -> int:
        return self.wrapped_document.location_to_offset(self.cursor_location).y

    def _neighbour(self, step: int) -> Widget | None:
        """The field before/after this one in the focus order, if it is in the same form (scroll area)."""
        chain = self.screen.focus_chain
        index = chain.index(self) + step if self in chain else -1
        if not 0 <= index < len(chain):
            return None
        scroller = next((a for a in self.ancestors if isinstance(a, ScrollableContainer)), None)
        other = chain[index]
        return other if scroller is not None and scroller in other.ancestors else None

    def action_answer_end(self) -> None:
        self.move_cursor(self.document.end)

    def action_answer_start(self) -> None:
        self.move_cursor((0, 0))

    def action_cursor_down_or_leave(self) -> None:
        if self._visual_row() < self.wrapped_document.height - 1:
            self.action_cursor_down()
        elif (after := self._neighbour(1)) is not None:
            self.screen.set_focus(after)  # now, not after the keys already waiting
        else:
            self.action_answer_end()

    def action_cursor_up_or_leave(self) -> None:
        if self._visual_row() > 0:
            self.action_cursor_up()
        elif (before := self._neighbour(-1)) is not None:
            self.screen.set_focus(before)
        else:
            self.action_answer_start()


class FieldInput(AnswerInput):
    """A line, number or date answer; numbers and dates are checked when the field is left."""

    def __init__(self, path: str, question: Question, value: Any, today: Callable[[], date]) -> None:
        super().__init__(placeholder=question.help)
        # Showing the stored answer is not an edit: without this, Input would announce it as a
        # change once mounted, and the screen would report unsaved changes (and save) on opening.
        with self.prevent(Input.Changed):
            self.value = "" if value is None else str(value)
        self.path = path
        self.question = question
        self.today = today

    @property
    def answer(self) -> Any:
        """The typed value as an answer; None when empty or (number, date) when it does not parse."""
        text = self.value.strip()
        if not text:
            return None
        try:
            if self.question.type == "date":
                return parse_date(text, self.today()).isoformat()
            if self.question.type == "number":
                number = float(text)
                return int(number) if self.question.integer or number.is_integer() else number
        except ValueError:
            return None
        return text

    def check(self) -> None:
        """Say under the field what a date means, or what is wrong with the value."""
        text = self.value.strip()
        self.border_subtitle = ""
        if not text:
            return
        try:
            if self.question.type == "date":
                self.border_subtitle = format_long(parse_date(text, self.today()))
            elif self.question.type == "number":
                float(text)
        except ValueError as error:
            self.border_subtitle = str(error) if self.question.type == "date" else f"'{text}' is not a number"
        self.set_class(self.answer is None, "-invalid")

    def on_blur(self) -> None:
        self.check()


class WordBudget(Widget):
    """ "120/250 words" under a text answer; one line, so updating it never relayouts the screen."""

    def __init__(self, budget: int | None, words: int) -> None:
        super().__init__(classes="word-budget")
        self.budget = budget
        self.words = words
        self.set_class(bool(budget) and words > (budget or 0), "-over")

    def show(self, words: int) -> None:
        if words != self.words:
            self.words = words
            self.set_class(bool(self.budget) and words > (self.budget or 0), "-over")
            self.refresh()

    def render(self) -> str:
        return words_text(self.words, self.budget)


class QuestionField(Vertical):
    """A question's label and its field (plus a word budget for text, the age beside a date of birth),
    hidden as one block."""

    def __init__(self, question: Question, field: Widget, budget: WordBudget | None) -> None:
        super().__init__(classes="question")
        self.question = question
        self.field = field
        self.budget = budget
        self.required = question.required
        self.age = (
            AgeNote(field.answer, field.today)
            if isinstance(field, FieldInput) and question.show_age
            else None
        )

    def compose(self) -> ComposeResult:
        yield Static(self._label_text(), classes="question-label", markup=False)
        if self.age is not None:
            with Horizontal(classes="with-age"):
                yield self.field
                yield self.age
        else:
            yield self.field
        if self.budget is not None:
            yield self.budget

    def _label_text(self) -> str:
        return f"{self.question.label}{' (required)' if self.required else ''}"

    def set_required(self, required: bool) -> None:
        if required != self.required:
            self.required = required
            self.query_one(".question-label", Static).update(self._label_text())


class SectionEditor(Vertical):
    """A section's block on the case screen: everything the practitioner writes for one life area."""

    def __init__(
        self, number: int, section: Section, answers: Mapping[str, Any], today: Callable[[], date]
    ) -> None:
        super().__init__(id=f"section-{section.id}", classes="section")
        self.number = number
        self.section = section
        self.blocks: list[Widget] = []
        """The section's questions in the form file's order: one-key rows (each a run of consecutive
        one-key questions) and question fields; the screen shows them in this order."""
        self.short_rows: list[ShortAnswers] = []
        self.fields: dict[str, QuestionField] = {}
        self.areas: list[AnswerArea] = []
        run: list[tuple[str, Question]] = []
        for question in section.questions:
            path = f"{section.id}.{question.id}"
            if question.type in SHORT_TYPES:
                run.append((path, question))
                continue
            self._add_row(run, answers)
            run = []
            field, budget = self._field(path, question, answers.get(path), today)
            self.fields[path] = QuestionField(question, field, budget)
            self.blocks.append(self.fields[path])
        self._add_row(run, answers)
        self.budget = sum(q.word_budget or 0 for q in section.questions if q.type == "text") or None
        self.words = sum(area.words for area in self.areas)
        self.changed: set[str] = set()
        """Answer paths changed since the screen last collected them."""
        self._stale_areas: set[AnswerArea] = set()

    def _add_row(self, run: list[tuple[str, Question]], answers: Mapping[str, Any]) -> None:
        if run:
            row = ShortAnswers(run, answers)
            self.short_rows.append(row)
            self.blocks.append(row)

    def short_for(self, path: str) -> ShortAnswers | None:
        """The one-key row holding the question at `path`, if it is a one-key question of this section."""
        return next((row for row in self.short_rows if row.holds(path)), None)

    def _field(
        self, path: str, question: Question, value: Any, today: Callable[[], date]
    ) -> tuple[Widget, WordBudget | None]:
        if question.type == "text":
            area = AnswerArea(path, value if isinstance(value, str) else "")
            self.areas.append(area)
            return area, WordBudget(question.word_budget, area.words)
        if question.type == "grid":
            return GridInput(path, question, value), None
        if question.type == "group":
            return GroupInput(path, question, value, today), None
        return FieldInput(path, question, value, today), None

    @property
    def title(self) -> str:
        return f"{self.number}. {self.section.title}"

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="section-title", markup=False)
        yield from self.blocks

    def shown_questions(self) -> list[tuple[str, Question]]:
        """The questions on screen now, (answer path, question) in screen order: those the form's
        conditions hide are left out (the go-to prompt offers only what it can reach)."""
        shown: list[tuple[str, Question]] = []
        for block in self.blocks:
            if isinstance(block, ShortAnswers):
                shown += [(item.path, item.question) for item in block.shown]
            elif isinstance(block, QuestionField) and block.display:
                shown.append((f"{self.section.id}.{block.question.id}", block.question))
        return shown

    # ------------------------------------------------------------ focus

    def focus_first(self) -> None:
        """Focus the section's first shown field."""
        # Screen.set_focus, not Widget.focus: the focus moves now, before the next key is read.
        for block in self.blocks:
            if isinstance(block, ShortAnswers):
                if block.shown:
                    self.screen.set_focus(block)
                    return
            elif isinstance(block, QuestionField) and block.display:
                widget = block.field
                target = widget.query_one(AnswerInput) if isinstance(widget, GroupInput) else widget
                self.screen.set_focus(target)
                return

    def place_cursor(
        self, path: str, *, entry: int | None = None, span: tuple[int, int] | None = None
    ) -> Widget | None:
        """Put the cursor on the answer at `path` (a group entry, a span of text) and return the widget
        to focus, or None when the question is hidden (by its conditions or the short form)."""
        short = self.short_for(path)
        if short is not None:
            shown = [q.path for q in short.shown]
            if path not in shown or not short.display:
                return None
            short.cursor = shown.index(path)
            short.refresh()
            return short
        block = self.fields.get(path)
        if block is None or not block.display:
            return None
        widget = block.field
        if isinstance(widget, AnswerArea):
            document = widget.document
            if span is not None and isinstance(document, Document):
                start, end = (document.get_location_from_index(i) for i in span)
                widget.selection = Selection(start, end)
            else:
                widget.move_cursor(document.end)
            return widget
        if isinstance(widget, GroupInput):
            entries = widget.query_one(EntryList)
            if entry is not None and entry < len(widget.entries):
                entries.cursor = entry
                entries.refresh()
                return entries
            return widget.query_one(AnswerInput)
        return widget

    # ------------------------------------------------------------ changes

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Typing: remember which area changed; words are counted later, on the screen's timer."""
        area = event.text_area
        if isinstance(area, AnswerArea):
            self._stale_areas.add(area)
            self.changed.add(area.path)

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FieldInput):
            self.changed.add(event.input.path)
            if (age := self.fields[event.input.path].age) is not None:
                age.follow(event.input.answer)

    def on_short_answers_changed(self, event: ShortAnswers.Changed) -> None:
        self.changed.add(event.path)

    def on_grid_input_changed(self, event: GridInput.Changed) -> None:
        self.changed.add(event.path)

    def on_group_input_changed(self, event: GroupInput.Changed) -> None:
        self.changed.add(event.path)

    def recount(self) -> int:
        """Recount words of the areas typed in since the last call; the section's words after."""
        for area in self._stale_areas:
            area.words = count_words(area.text)
            field = self.fields[area.path]
            if field.budget is not None:
                field.budget.show(area.words)
        self._stale_areas.clear()
        self.words = sum(area.words for area in self.areas)
        return self.words

    def take_changes(self) -> dict[str, Any]:
        """The changed answers since the last call, path → value (None where now unanswered)."""
        values: dict[str, Any] = {}
        for path in self.changed:
            values[path] = self.answer(path)
        self.changed.clear()
        return values

    def answer(self, path: str) -> Any:
        """The answer a field holds now (None when unanswered)."""
        if (short := self.short_for(path)) is not None:
            return short.values.get(path)
        widget = self.fields[path].field
        if isinstance(widget, AnswerArea):
            return widget.text if widget.text.strip() else None
        if isinstance(widget, FieldInput):
            return widget.answer
        if isinstance(widget, GridInput | GroupInput):
            return widget.value
        return None

    # ------------------------------------------------------------ conditions

    def apply_conditions(self, hidden: frozenset[str], required: frozenset[str]) -> None:
        """Show, hide and mark required as the form's conditions say for the current answers."""
        for row in self.short_rows:
            paths = {q.path for q in row.questions}
            row.set_conditions(hidden & paths, required & paths)
        for path, field in self.fields.items():
            shown = path not in hidden
            if field.display != shown:
                field.display = shown
            field.set_required(path in required)

"""The case screen: the whole assessment on one scrollable screen, saved as the practitioner types.

Typing must never wait for the tool, so the work per key is a flag and a
clock reading (see `SectionEditor`).  Everything else — word counts, the
counters bar, "show when" conditions of text answers, autosave — runs on one
interval timer a few times a second and touches only the sections that
changed since its last run.  One-key answers recheck conditions at once,
because a yes can reveal the question the practitioner types next.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from forms.activity import ActivityClock
from forms.deadlines import days_left
from forms.model import AssessmentForm, Case, Record
from forms.visibility import is_required, is_visible
from storage.store import Store, StoreError
from tui.counters import Counters, CounterState, save_state_text
from tui.goto_section import GotoSection
from tui.save_failure import SaveFailure, default_copy_path
from tui.section_editor import SectionEditor
from tui.section_help import SectionHelp

TICK_SECONDS = 0.25
"""How often the counters refresh and autosave looks for work."""
SAVE_AFTER_PAUSE = 0.5
"""Save once typing has paused this long…"""
SAVE_AT_MOST_EVERY = 0.5
"""…or, while typing goes on, once the oldest unsaved change is this old (with the tick: ≤ 1 s)."""


def _is_answered(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


class PlaceholderScreen(Screen[None]):
    """A view that exists and is one key away; its full logic comes with a later issue."""

    CSS_PATH = "case_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back to the assessment")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__(classes="placeholder-view")
        self.view_title = title
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(f"{self.view_title}\n\n{self.text}", markup=False)
        yield Footer()


class PlanScreen(PlaceholderScreen):
    def __init__(self, record: Record) -> None:
        count = len(record.plan)
        super().__init__("Sentence plan", f"{count} objective{'s' if count != 1 else ''}. Escape goes back.")


class QAScreen(PlaceholderScreen):
    def __init__(self, record: Record) -> None:
        super().__init__("Quality assurance", f"Record status: {record.status}. Escape goes back.")


class CaseScreen(Screen[None]):
    """One case's record, every section on one screen, with live counters and autosave."""

    CSS_PATH: ClassVar[list[str]] = ["case_screen.tcss", "counters.tcss"]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_section", "Next section", id="case.next_section"),
        Binding("shift+tab", "previous_section", "Previous section", id="case.previous_section"),
        Binding("ctrl+g", "goto_section", "Go to section", id="case.goto_section"),
        *(
            Binding(f"alt+{n}", f"jump({n})", f"Section {n}", show=False, id=f"case.section_{n}")
            for n in range(1, 10)
        ),
        Binding("f2", "toggle_help", "Help", id="case.help"),
        Binding("f5", "plan", "Plan", id="case.plan"),
        Binding("f6", "qa", "QA", id="case.qa"),
        Binding("f8", "toggle_short", "Short/full", id="case.toggle_short"),
        Binding("ctrl+s", "save", "Save", id="case.save"),
        Binding("escape", "back", "Back", id="case.back"),
    ]

    def __init__(
        self,
        *,
        store: Store,
        form: AssessmentForm,
        case: Case,
        record: Record,
        user: str,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(classes="case-screen")
        self.store = store
        self.form = form
        self.case = case
        self.record = record
        self.user = user
        self.clock = clock
        self.today = today
        self.short = record.kind == "short"
        self.answers: dict[str, Any] = dict(record.answers)
        self.activity = ActivityClock(record.active_seconds, clock)
        self.editors = [SectionEditor(n, s, self.answers, today) for n, s in enumerate(form.sections, 1)]
        self._conditional = [
            e for e in self.editors if any(q.show_if or q.require_if for q in e.section.questions)
        ]
        self.current: SectionEditor | None = None
        self.total_words = sum(e.words for e in self.editors)
        self._touched: set[SectionEditor] = set()
        """Sections with changes the timer has not yet collected."""
        self._last_change = 0.0
        self._unsaved_since: float | None = None
        self._saved_at: float | None = None
        self._error: str | None = None
        self._offered_copy = False
        self._text_conditions_stale = False
        self._changed_since_attempt = False
        """A refused save is retried only once something new was typed."""

    # ------------------------------------------------------------ building

    def compose(self) -> ComposeResult:
        with Horizontal(classes="case-body"):
            with VerticalScroll(classes="sections"):
                heading = f"{self.case.ref} · {self.case.name} · {self.form.header.title}"
                yield Static(heading, classes="case-title", markup=False)
                yield from self.editors
            yield SectionHelp()
        yield Counters()
        yield Footer()

    def on_mount(self) -> None:
        self._apply_depth()
        self._apply_conditions()
        self.set_interval(TICK_SECONDS, self._tick)
        self._refresh_counters()
        first = self._visible_editors()
        if first:
            first[0].focus_first()

    # ------------------------------------------------------------ typing (cheap)

    def note_key_press(self) -> None:
        """Called by every field on every key: counts active writing time, nothing else."""
        self.activity.key_pressed()

    def _changed(self, editor: SectionEditor, at_once: bool) -> None:
        now = self.clock()
        self._touched.add(editor)
        self._last_change = now
        if self._unsaved_since is None:
            self._unsaved_since = now
        self._changed_since_attempt = True
        if at_once:
            self._collect()
            self._apply_conditions()
        else:
            self._text_conditions_stale = True

    def on_text_area_changed(self, event: events.Event) -> None:
        self._on_field_changed(event, at_once=False)

    def on_input_changed(self, event: events.Event) -> None:
        self._on_field_changed(event, at_once=False)

    def on_short_answers_changed(self, event: events.Event) -> None:
        self._on_field_changed(event, at_once=True)

    def on_grid_input_changed(self, event: events.Event) -> None:
        self._on_field_changed(event, at_once=True)

    def on_group_input_changed(self, event: events.Event) -> None:
        self._on_field_changed(event, at_once=True)

    def _on_field_changed(self, event: events.Event, *, at_once: bool) -> None:
        editor = self._editor_of(getattr(event, "control", None))
        if editor is not None:
            self._changed(editor, at_once)

    @staticmethod
    def _editor_of(widget: Any) -> SectionEditor | None:
        node = widget
        while node is not None and not isinstance(node, SectionEditor):
            node = node.parent
        return node

    # ------------------------------------------------------------ the timer

    def _tick(self) -> None:
        now = self.clock()
        if (self._unsaved_since is not None and self._error is None) or (self._touched and self._error):
            pause = now - self._last_change
            if self._unsaved_since is not None and (
                pause >= SAVE_AFTER_PAUSE or now - self._unsaved_since >= SAVE_AT_MOST_EVERY
            ):
                self.save_now()
        self._collect()
        self._refresh_counters()

    def _collect(self) -> None:
        """Fold the touched sections' changes into `answers` and recount their words."""
        if not self._touched:
            return
        for editor in self._touched:
            self.answers.update(editor.take_changes())
            editor.recount()
        self._touched.clear()
        self.total_words = sum(e.words for e in self.editors)

    def _refresh_counters(self) -> None:
        editor = self.current
        due = self.case.next_review or self.case.initial_due
        try:
            left = days_left(date.fromisoformat(due), self.today()) if due else None
        except ValueError:
            left = None
        saved_ago = None if self._saved_at is None else self.clock() - self._saved_at
        self.query_one(Counters).show(
            CounterState(
                section_title=editor.title if editor else "",
                section_words=editor.words if editor else 0,
                section_budget=editor.budget if editor else None,
                total_words=self.total_words,
                active_seconds=self.activity.total_seconds,
                session_seconds=self.activity.session_seconds,
                days_left=left,
                save_state=save_state_text(
                    saved_ago=saved_ago, dirty=self._unsaved_since is not None, error=self._error
                ),
            )
        )

    # ------------------------------------------------------------ saving

    def build_record(self) -> Record:
        """The record as the editors hold it now: answered questions only, active time included."""
        self._collect()
        answers = {path: value for path, value in self.answers.items() if _is_answered(value)}
        return dataclasses.replace(self.record, answers=answers, active_seconds=self.activity.total_seconds)

    def save_now(self) -> bool:
        """Save if anything changed; True when the store holds what is on screen.

        The app calls this on quit. On a refused save the text stays in the
        editors, the reason shows in the counters, and (once per failure) a
        copy elsewhere is offered.
        """
        self._collect()
        if self._text_conditions_stale:
            self._text_conditions_stale = False
            self._apply_conditions()
        active_changed = self.activity.total_seconds != self.record.active_seconds
        if self._unsaved_since is None and not active_changed:
            return self._error is None
        record = self.build_record()
        self._changed_since_attempt = False
        try:
            saved = self.store.save_record(
                record, self.user, risk_path=self.form.risk_level, words=self.total_words
            )
        except StoreError as error:
            self._failed(str(error), record)
            return False
        self.record = saved
        self._unsaved_since = None
        self._saved_at = self.clock()
        self._error = None
        self._offered_copy = False
        self._refresh_counters()
        return True

    def _failed(self, message: str, record: Record) -> None:
        first = self._error is None
        self._error = message
        self._refresh_counters()
        if first:
            self.notify(message, title="Not saved", severity="error", timeout=8)
        if not self._offered_copy:
            self._offered_copy = True
            path = default_copy_path(record, datetime.now())
            self.app.push_screen(SaveFailure(message, record, path), self._copy_written)

    def _copy_written(self, path: Any) -> None:
        if path is not None:
            self.notify(f"A copy of the record is in {path}.", title="Copy saved")

    # ------------------------------------------------------------ conditions and depth

    def _apply_conditions(self) -> None:
        """Hide questions whose show_if is false and mark those required now, in the affected sections."""
        for editor in self._conditional:
            hidden: set[str] = set()
            required: set[str] = set()
            section = editor.section
            for question in section.questions:
                path = f"{section.id}.{question.id}"
                if not is_visible(self.form, section, question, self.answers, False):
                    hidden.add(path)
                elif is_required(self.form, section, question, self.answers, self.short):
                    required.add(path)
            editor.apply_conditions(frozenset(hidden), frozenset(required))

    def _visible_editors(self) -> list[SectionEditor]:
        return [e for e in self.editors if e.display]

    def _apply_depth(self) -> None:
        for editor in self.editors:
            editor.display = editor.section.short or not self.short

    def action_toggle_short(self) -> None:
        """Switch between the short (layer 1) and the full assessment; hidden sections keep their text."""
        self.short = not self.short
        self._apply_depth()
        self._apply_conditions()
        self.notify("Short assessment: only the layer 1 sections." if self.short else "Full assessment.")
        visible = self._visible_editors()
        if visible and (self.current is None or not self.current.display):
            self._go_to(visible[0])

    # ------------------------------------------------------------ navigation

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        editor = self._editor_of(event.widget)
        if editor is None or editor is self.current:
            return
        leaving = self.current is not None
        self.current = editor
        help_panel = self.query_one(SectionHelp)
        if help_panel.display:
            help_panel.show_section(editor.section)
        if leaving and self._unsaved_since is not None:
            self.save_now()
        self._refresh_counters()

    def _go_to(self, editor: SectionEditor) -> None:
        editor.focus_first()
        self.query_one(VerticalScroll).scroll_to_widget(editor, top=True, animate=False)

    def _step_section(self, step: int) -> None:
        visible = self._visible_editors()
        if not visible:
            return
        index = visible.index(self.current) if self.current in visible else -step
        target = index + step
        if 0 <= target < len(visible):
            self._go_to(visible[target])
        else:
            self.app.bell()

    def action_next_section(self) -> None:
        self._step_section(1)

    def action_previous_section(self) -> None:
        self._step_section(-1)

    def action_jump(self, number: int) -> None:
        editor = self.editors[number - 1] if 0 < number <= len(self.editors) else None
        if editor is None or not editor.display:
            self.notify(f"There is no section {number} on screen.", severity="warning")
            return
        self._go_to(editor)

    def action_goto_section(self) -> None:
        sections = [(e.section.id, e.title) for e in self._visible_editors()]
        self.app.push_screen(GotoSection(sections), self._jump_to_id)

    def _jump_to_id(self, section_id: str | None) -> None:
        editor = next((e for e in self.editors if e.section.id == section_id), None)
        if editor is not None:
            self._go_to(editor)

    def action_toggle_help(self) -> None:
        help_panel = self.query_one(SectionHelp)
        help_panel.display = not help_panel.display
        if help_panel.display and self.current is not None:
            help_panel.show_section(self.current.section)
        focused = self.focused
        if focused is not None:  # the text narrows or widens: keep the cursor's field in view
            self.call_after_refresh(focused.scroll_visible, animate=False)

    def action_save(self) -> None:
        self._offered_copy = False
        if self.save_now():
            self.notify("Saved.")

    def action_plan(self) -> None:
        self.save_now()
        self.app.push_screen(PlanScreen(self.record))

    def action_qa(self) -> None:
        self.save_now()
        self.app.push_screen(QAScreen(self.record))

    def action_back(self) -> None:
        """Leave the case (after saving); a refused save keeps the practitioner here with their text."""
        if self.save_now():
            self.dismiss(None)

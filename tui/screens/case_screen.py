"""The case screen: the whole assessment on one scrollable screen, saved as the practitioner types.

Typing must never wait for the tool, so the work per key is a flag and a
clock reading (see `SectionEditor`).  Everything else — word counts, the
counters bar, "show when" conditions of text answers, autosave — runs on one
interval timer a few times a second and touches only the sections that
changed since its last run.  One-key answers recheck conditions at once,
because a yes can reveal the question the practitioner types next.

Saving.  A save on a team server can take seconds (a network drop holds it
for the connect timeout), so autosave and the save on moving between
sections never run on the UI thread (`save_soon`): the record is snapshotted
there (cheap), saved by a `SaveJob` in a worker thread, and the outcome is
applied back on the UI thread.  Saves run one at a time and in order: a save
asked for while one is in flight waits for it, then snapshots the latest
text on top of the version that save returned, so two of our own saves
never look like a conflict.  Text typed during a save stays "unsaved" and
goes in the next one.  Whatever needs the record in the store before it goes
on — quit, leaving the case, the plan, QA, export, submit, sign-off —
calls `save_now`, which waits for a save in flight, then saves what is left
and says whether everything is stored.
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
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from forms.checks.findings import Finding, summary
from forms.conditions.visibility import is_required, is_visible
from forms.model import AssessmentForm, Case, PlanTemplate, Record, Rubric
from forms.record.activity import ActivityClock
from forms.record.deadlines import days_left
from forms.record.plan import long_date
from forms.record.review import review_summary, section_diff, unconfirmed_sections
from forms.record.words import record_word_counts, section_word_count
from storage.store import ReasonRequiredError, ServerUnreachableError, Store, StoreError
from tui.modals.export_prompt import ExportPrompt
from tui.modals.goto_section import GotoSection
from tui.modals.risk_reason import ask_reason, show_level_changes
from tui.modals.save_failure import SaveFailure, default_copy_path
from tui.screens.plan_screen import PlanScreen, plan_definitions
from tui.screens.qa_screen import QAScreen, go_to
from tui.widgets.comments import show_comments
from tui.widgets.counters import Counters, CounterState, qa_text, save_state_text
from tui.widgets.key_bar import KeyBar
from tui.widgets.phrase_marks import apply_marks, phrase_findings
from tui.widgets.review_bar import ReviewBar, ReviewSummaryScreen
from tui.widgets.section_editor import SectionEditor
from tui.widgets.section_help import SectionHelp
from tui.workers.qa_runner import QARunner, Results
from tui.workers.save_queue import SaveJob, merge_saved

TICK_SECONDS = 0.25
"""How often the counters refresh and autosave looks for work."""
SAVE_AFTER_PAUSE = 0.5
"""Save once typing has paused this long…"""
SAVE_AT_MOST_EVERY = 0.5
"""…or, while typing goes on, once the oldest unsaved change is this old (with the tick: ≤ 1 s)."""
RETRY_UNREACHABLE_SECONDS = 10.0
"""While a team server cannot be reached, try the save again this often, typing or not."""
SAVE_GROUP = "case-save"
"""The worker group of background saves (told apart from the QA checks' workers)."""


def _is_answered(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


class CaseScreen(Screen[None]):
    """One case's record, every section on one screen, with live counters and autosave."""

    CSS_PATH: ClassVar[list[str]] = [
        "case_screen.tcss",
        "../widgets/counters.tcss",
        "../widgets/review_bar.tcss",
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        # Tab moves as everywhere; the bar's room is kept for the keys that are A4's own (F1 lists all)
        Binding("tab", "next_section", "Next section", show=False, id="case.next_section"),
        Binding("shift+tab", "previous_section", "Previous section", show=False, id="case.previous_section"),
        Binding("ctrl+g", "goto_section", "Go to section", id="case.goto_section"),
        *(
            Binding(f"alt+{n}", f"jump({n})", f"Section {n}", show=False, id=f"case.section_{n}")
            for n in range(1, 10)
        ),
        Binding("f2", "toggle_help", "Help", id="case.help"),
        Binding("f3", "confirm_section", "No change", id="case.confirm_section"),
        Binding("f4", "toggle_diff", "Changes", id="case.toggle_diff"),
        Binding("f9", "review_summary", "Review summary", id="case.review_summary"),
        Binding("ctrl+r", "start_review", "Start review", show=False, id="case.start_review"),
        Binding("f5", "plan", "Plan", id="case.plan"),
        Binding("f6", "qa", "QA", id="case.qa", priority=True),  # TextArea uses F6 too
        Binding("f7", "signoff", "Sign off", id="case.signoff", priority=True),  # and F7
        Binding("f10", "submit", "Submit for QA", id="case.submit"),
        Binding("f8", "toggle_short", "Short/full", id="case.toggle_short"),
        Binding("f12", "export", "Export", id="case.export"),
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
        role: str = "practitioner",
        live_checks: bool = True,
    ) -> None:
        """`role` is the user's (config) role; `live_checks` False leaves the QA checks to the QA panel."""
        super().__init__(classes="case-screen")
        self.role = role
        self.live_checks = live_checks
        self.rubric: Rubric | None = None
        self.plan_template: PlanTemplate | None = None
        self.qa: QARunner | None = None
        self.qa_text = "QA —"
        self.risk_reason: str | None = None
        """The reason given for a risk level change, used by the next save."""
        self.asking_reason = False
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
        self.section_words = record_word_counts(form, self.answers)
        """Words per section (line and group text too, unlike the budgets): the counters' total, and
        saved with the record for the caseload and exports, so all three show the same number."""
        self._touched: set[SectionEditor] = set()
        """Sections with changes the timer has not yet collected."""
        self._last_change = 0.0
        self._unsaved_since: float | None = None
        self._saved_at: float | None = None
        self._error: str | None = None
        self._offered_copy = False
        self._text_conditions_stale = False
        self._edits = 0
        """Changes so far: a save marks the screen saved only if none came after its snapshot."""
        self._saving: SaveJob | None = None
        """The save running in a worker thread, until its outcome is applied."""
        self._save_again = False
        """A save was asked for while one was in flight: start it when that one lands."""
        self._retry_at: float | None = None
        """While the team server is unreachable: when to try again (the text is held meanwhile)."""
        self.previous: Record | None = None
        """In a review: the record it reviews, to diff against and confirm sections from."""
        if record.kind == "review" and record.reviews:
            try:
                self.previous = store.get_record(record.reviews)
            except StoreError:
                self.previous = None
        self.review_bars: dict[str, ReviewBar] = {}

    # ------------------------------------------------------------ building

    def compose(self) -> ComposeResult:
        with Horizontal(classes="case-body"):
            with VerticalScroll(classes="sections"):
                heading = f"{self.case.ref} · {self.case.name} · {self.form.header.title}"
                yield Static(heading, classes="case-title", markup=False)
                yield Static("", id="risk-changes", classes="risk-changes", markup=False)
                yield from self.editors
            yield SectionHelp()
        yield Counters()
        yield KeyBar()

    def on_mount(self) -> None:
        self._start_qa()
        if self.previous is not None:
            carried = long_date(self.record.carried_from or self.previous.updated_at[:10])
            for editor in self.editors:
                bar = self.review_bars[editor.section.id] = ReviewBar(editor.section.id, carried)
                editor.mount(bar, after=editor.query_one(".section-title"))
            self.call_after_refresh(self._refresh_review, self.editors)
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
        self._edits += 1
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
        waiting = self._retry_at is not None
        if (
            (self._unsaved_since is not None and self._error is None)
            or (self._touched and self._error and not waiting)
            or (waiting and now >= self._retry_at)
        ):
            pause = now - self._last_change
            if self._unsaved_since is not None and (
                pause >= SAVE_AFTER_PAUSE or now - self._unsaved_since >= SAVE_AT_MOST_EVERY
            ):
                self.save_soon()
        self._collect()
        if self.qa is not None:
            self.qa.tick(self._last_change)
        self._refresh_counters()

    def _collect(self) -> None:
        """Fold the touched sections' changes into `answers` and recount their words (theirs only)."""
        if not self._touched:
            return
        for editor in self._touched:
            self.answers.update(editor.take_changes())
            editor.recount()
            section = editor.section
            self.section_words[section.id] = section_word_count(self.form, self.answers, section)
        touched = list(self._touched)
        self._touched.clear()
        self._refresh_review(touched)

    @property
    def total_words(self) -> int:
        """Every word written in the record, as the caseload's words column counts them."""
        return sum(self.section_words.values())

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
                    saved_ago=saved_ago,
                    dirty=self._unsaved_since is not None,
                    saving=self._saving is not None,
                    error=self._error,
                ),
                qa=self.qa_text,
            )
        )

    # ------------------------------------------------------------ saving

    def build_record(self) -> Record:
        """The record as the editors hold it now: answered questions only, active time and words included.

        Words are counted as sections change (`_collect`), so saving stays
        cheap however long the record is.
        """
        self._collect()
        answers = {path: value for path, value in self.answers.items() if _is_answered(value)}
        return dataclasses.replace(
            self.record,
            answers=answers,
            active_seconds=self.activity.total_seconds,
            words=dict(self.section_words),
        )

    def _snapshot(self) -> SaveJob | None:
        """The save of what the editors hold now, or None when the store has it already."""
        self._collect()
        if self._text_conditions_stale:
            self._text_conditions_stale = False
            self._apply_conditions()
        active_changed = self.activity.total_seconds != self.record.active_seconds
        if self._unsaved_since is None and not active_changed:
            return None
        return SaveJob(
            store=self.store,
            record=self.build_record(),
            actor=self.user,
            risk_path=self.form.risk_level,
            reason=self.risk_reason,
            edits=self._edits,
        )

    def save_soon(self) -> None:
        """Save what is on screen in a worker thread, so typing goes on however slow the store is.

        With a save in flight this only notes that another is wanted: it
        starts when that one lands, from the version it returned.
        """
        if self._saving is not None:
            self._save_again = True
            return
        job = self._snapshot()
        if job is None:
            return
        self._saving = job
        self.run_worker(job.run, thread=True, group=SAVE_GROUP, description="saving the record")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A background save finished: apply it here, on the UI thread, then start any save waiting."""
        if event.worker.group != SAVE_GROUP or event.state != WorkerState.SUCCESS:
            return
        job = event.worker.result
        if job is not self._saving:  # `save_now` waited for it and applied it already
            return
        self._finish(job)
        again, self._save_again = self._save_again, False
        if again and self._error is None:
            self.save_soon()

    def save_now(self) -> bool:
        """Save now and wait for the store's answer; True when the store holds what is on screen.

        For quit and every action that needs the record stored before it
        goes on: waits for a save in flight (applying its outcome), then
        saves what was typed since.  On a refused save the text stays in the
        editors, the reason shows in the counters, and (once per failure) a
        copy elsewhere is offered.
        """
        if self._saving is not None:
            self._finish(self._saving.run())  # waits for the worker, or saves here if it has not begun
        self._save_again = False
        job = self._snapshot()
        if job is None:
            return self._error is None
        return self._finish(job.run())

    def _finish(self, job: SaveJob) -> bool:
        """Apply a save's outcome (on the UI thread); True when it stored the snapshot."""
        if job is self._saving:
            self._saving = None
        outcome = job.outcome
        if isinstance(outcome, ReasonRequiredError):
            self._error = str(outcome)
            self._refresh_counters()
            ask_reason(self, job.record)
            return False
        if isinstance(outcome, ServerUnreachableError):  # held until the server is back: no dialog
            if self._retry_at is None:
                self.notify(str(outcome), title="Not saved yet", severity="warning", timeout=8)
            self._retry_at = self.clock() + RETRY_UNREACHABLE_SECONDS
            self._error = str(outcome)
            self._refresh_counters()
            return False
        if isinstance(outcome, StoreError):
            self._failed(str(outcome), job.record)
            return False
        if outcome is None:  # the save crashed in its thread; the worker reports it
            return False
        self._retry_at = None
        self.record = merge_saved(outcome, job.record, self.record)
        if self._edits == job.edits:  # nothing typed while it was saving
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
            self.save_soon()
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
        template, rubric = plan_definitions(self.app, self.form)
        current = dataclasses.replace(self.build_record(), version=self.record.version)
        screen = PlanScreen(
            store=self.store,
            form=self.form,
            record=current,
            user=self.user,
            template=template,
            rubric=rubric,
            today=self.today,
            title=f"{self.case.ref} · {self.case.name}",
        )
        self.app.push_screen(screen, self._plan_closed)

    def _plan_closed(self, record: Record | None) -> None:
        if record is not None:
            self.record = dataclasses.replace(record, active_seconds=self.record.active_seconds)

    # ------------------------------------------------------------ reviews

    REVIEW_ACTIONS: ClassVar[frozenset[str]] = frozenset({"confirm_section", "toggle_diff", "review_summary"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Review keys exist only in a review (and stay out of the footer elsewhere)."""
        if action in self.REVIEW_ACTIONS:
            return self.previous is not None
        return True

    def _refresh_review(self, editors: list[SectionEditor]) -> None:
        """Repaint the review bars of `editors`: carried, confirmed or changed (with the diff)."""
        if self.previous is None or not editors:
            return
        current = {path: value for path, value in self.answers.items() if _is_answered(value)}
        for editor in editors:
            section_id = editor.section.id
            self.review_bars[section_id].show_state(
                confirmed=section_id in self.record.confirmed,
                changes=section_diff(self.form, section_id, self.previous.answers, current),
            )

    def unconfirmed(self) -> list[str]:
        """Ids of the shown sections neither confirmed nor edited (empty unless this is a review)."""
        shown = [e.section.id for e in self._visible_editors()]
        return unconfirmed_sections(self.build_record(), self.previous, shown)

    def action_confirm_section(self) -> None:
        """Confirm the current section has not changed since last time, then go to the next one to look at."""
        editor = self.current
        if self.previous is None or editor is None:
            self.notify('Confirming "no change" is for reviews: start one with Ctrl+R.', severity="warning")
            return
        self._collect()  # typing not yet collected still counts as an edit
        bar = self.review_bars[editor.section.id]
        if not bar.changed and editor.section.id not in self.record.confirmed:
            confirmed = [*self.record.confirmed, editor.section.id]
            self.record = dataclasses.replace(self.record, confirmed=confirmed)
            self._changed(editor, at_once=True)
        waiting = self.unconfirmed()
        if not waiting:
            self.action_review_summary()
            return
        visible = self._visible_editors()
        after = visible[visible.index(editor) + 1 :] if editor in visible else visible
        target = next((e for e in after if e.section.id in waiting), None)
        target = target or next(e for e in visible if e.section.id in waiting)
        self._go_to(target)

    def action_toggle_diff(self) -> None:
        """Show or hide what changed in the current section since last time."""
        self._collect()  # so the diff includes the last words typed
        bar = self.review_bars.get(self.current.section.id) if self.current else None
        if bar is None or not bar.toggle_diff():
            self.notify("Nothing in this section has changed since last time.")

    def action_review_summary(self) -> None:
        if self.previous is None:
            self.notify("The review summary is for reviews: start one with Ctrl+R.", severity="warning")
            return
        template, _rubric = plan_definitions(self.app, self.form)
        summary = review_summary(self.previous, self.build_record(), self.form, template)
        titles = {s.id: s.title for s in self.form.sections}
        waiting = [titles[s] for s in self.unconfirmed()]
        self.app.push_screen(ReviewSummaryScreen(summary.lines(), waiting))

    def action_start_review(self) -> None:
        """Start a review of this case from its last countersigned record, and open it here."""
        if self.record.status != "locked" and not self.save_now():  # a locked record never saves
            return
        try:
            review = self.store.start_review(self.case.ref, self.user)
        except StoreError as error:
            self.notify(str(error), title="Cannot start a review", severity="error", timeout=10)
            return
        screen = CaseScreen(
            store=self.store,
            form=self.form,
            case=self.case,
            record=review,
            user=self.user,
            clock=self.clock,
            today=self.today,
        )
        self.app.switch_screen(screen)

    def action_qa(self) -> None:
        """Show every criterion with its findings; Enter on a finding comes back to its place."""
        self.save_now()
        unresolved = sum(not c.resolved_by for c in self.record.comments)
        note = f"{unresolved} QA comment{'s' if unresolved != 1 else ''} to resolve." if unresolved else ""
        screen = QAScreen(self.qa_results(), status=self.record.status, note=note)
        self.app.push_screen(screen, self._finding_chosen)

    def action_export(self) -> None:
        """Export the open record (saved first) in a format chosen in a short prompt, which says where."""
        self.save_now()
        self.app.push_screen(ExportPrompt(self.store, self.form, self.case, self.record, self.rubric))

    def action_back(self) -> None:
        """Leave the case (after saving); a refused save keeps the practitioner here with their text."""
        if self.save_now():
            self.dismiss(None)

    # ------------------------------------------------------------ QA and sign-off

    def _start_qa(self) -> None:
        """Find the rubric, show what was returned and changed, and start the live checks."""
        self.plan_template, self.rubric = plan_definitions(self.app, self.form)
        show_level_changes(self)
        show_comments(self)
        if self.rubric is not None and self.live_checks:
            self.qa = QARunner(
                self,
                rubric=self.rubric,
                form=self.form,
                plan=self.plan_template,
                today=self.today,
                clock=self.clock,
                snapshot=self.build_record,
                deliver=self._qa_arrived,
            )
            self.qa.run_at_once()  # a few ms, once: the screen opens with its QA result

    def _qa_arrived(self, results: Results) -> None:
        met, judged = summary(results)
        self.qa_text = qa_text(met, judged)
        self._refresh_counters()
        checked = (self.qa.checked if self.qa else None) or self.record
        texts = {path: value for path, value in checked.answers.items() if isinstance(value, str)}
        blocks = {path: block for editor in self.editors for path, block in editor.fields.items()}
        apply_marks(blocks, texts, phrase_findings(results))

    def qa_results(self) -> Results:
        """The latest live results, or the rubric run now on the record as on screen."""
        if self.qa is not None and self.qa.results is not None:
            return self.qa.results
        if self.rubric is None:
            return []
        from forms.checks.library import run_checks

        return run_checks(
            self.rubric, self.form, self.build_record(), plan=self.plan_template, today=self.today()
        )

    def _finding_chosen(self, finding: Finding | None) -> None:
        if finding is not None:
            go_to(self, finding.path, finding.span)

    def mark_unsaved(self) -> None:
        """Something besides the editors (a resolved comment) changed the record: save it like typing."""
        now = self.clock()
        self._last_change = now
        self._unsaved_since = self._unsaved_since if self._unsaved_since is not None else now
        self._edits += 1

    def retry_save(self) -> None:
        """Save again after the risk level prompt closed; the reason is used once."""
        self._error = None
        self.mark_unsaved()
        self.save_now()
        self.risk_reason = None

    def action_submit(self) -> None:
        from tui.screens.grading import start_submit

        start_submit(self)

    def action_signoff(self) -> None:
        from tui.screens.grading import start_signoff

        start_signoff(self)

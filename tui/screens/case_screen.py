"""The case screen: the whole assessment on one scrollable screen, saved as the practitioner types.

Typing must never wait for the tool, so the work per key is a flag and a
clock reading (see `SectionEditor`).  Everything else — word counts, the
counters bar, "show when" conditions of text answers, autosave — runs on one
interval timer a few times a second and touches only the sections that
changed since its last run.  One-key answers recheck conditions at once,
because a yes can reveal the question the practitioner types next.

Saving.  A save on a team server can take seconds (a network drop holds it
for the connect timeout), so autosave and the save on moving between
sections never run on the UI thread: `tui.workers.autosave.Autosave` decides
when to save, the record is snapshotted here (cheap), saved by a `SaveJob`
in a worker thread, and the outcome is applied back here, on the UI thread.
Text typed during a save stays "unsaved" and goes in the next one.  Whatever
needs the record in the store before it goes on — quit, leaving the case,
the plan, QA, export, submit, sign-off — calls `save_now`, which waits for a
save in flight, then saves what is left and says whether everything is stored.

The screen owns its record: the comment notes, the risk-level prompt, the QA
panel and the sign-off dialogs only post messages or dismiss with a result,
and the handlers here change the record and the widgets.  The counters bar
follows reactive state (the section under the cursor, the save state, the QA
result, the clock at each tick).
"""

from __future__ import annotations

import dataclasses
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path, PurePath
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea
from textual.worker import Worker, WorkerState

from exports.escape import for_terminal, record_for_terminal
from exports.history import history
from forms.checks.findings import Finding, not_yet, summary
from forms.checks.rules import short_refusals
from forms.conditions.visibility import is_required, is_visible
from forms.definition.registry import Registry
from forms.model import AssessmentForm, Case, LeftBehind, PlanTemplate, Record, Rubric
from forms.record.activity import ActivityClock
from forms.record.deadlines import days_left
from forms.record.overrides import overrides_by_key, unexplained, with_reasons
from forms.record.plan import long_date
from forms.record.review import review_summary, section_diff, unconfirmed_sections
from forms.record.signoff import (
    SUBMITTABLE,
    Decision,
    SignoffRefused,
    imported_signoff_lines,
    returned_banner,
    signoff_refusal,
    submit_blockers,
    submit_refusal,
    unresolved,
)
from forms.record.words import record_word_counts, section_word_count
from forms.record.workflow import AMENDABLE, OPEN
from storage.earlier import earlier_record
from storage.signoff import decide, submit
from storage.store import OpenRecordError, Presence, StaleVersionError, Store, StoreError
from tui.amendment import amend_question, not_amendable, opened_instead
from tui.modals.confirm_key import ConfirmKey
from tui.modals.conflict import (
    ASK_AFTER_PAUSE,
    Conflict,
    ConflictChoice,
    OpenChoice,
    OpenElsewhere,
    describe,
)
from tui.modals.export_prompt import ExportPrompt
from tui.modals.goto_section import GotoSection, QuestionPlace
from tui.modals.move_version import open_on_chosen_version
from tui.modals.override_reasons import OverrideReasons, ReasonsGiven
from tui.modals.review_summary import ReviewSummaryScreen
from tui.modals.risk_reason import RiskReason, level_changes
from tui.modals.save_failure import SaveFailure, default_copy_path
from tui.progress import Progress
from tui.screens.grading import GradingScreen, SubmitBlocked
from tui.screens.plan_screen import PlanScreen, plan_definitions
from tui.screens.qa_screen import QAScreen, place_of
from tui.unsaved import keep_unsaved
from tui.widgets.comments import CommentNote, section_of
from tui.widgets.counters import Counters, CounterState, qa_text, save_state_text
from tui.widgets.grid_input import GridInput
from tui.widgets.group_input import GroupInput
from tui.widgets.key_bar import KeyBar
from tui.widgets.left_behind import LeftBehindPanel
from tui.widgets.phrase_marks import apply_marks, phrase_findings
from tui.widgets.review_bar import ReviewBar
from tui.widgets.section_editor import SectionEditor
from tui.widgets.section_help import SectionHelp
from tui.widgets.short_answers import ShortAnswers
from tui.workers.autosave import Autosave, SaveOutcome, SaveState
from tui.workers.qa_runner import QARunner, Results
from tui.workers.save_queue import SaveJob, merge_saved

TICK_SECONDS = 0.25
"""How often the counters refresh and autosave looks for work."""
SAVE_GROUP = "case-save"
"""The worker group of background saves (told apart from the QA checks' workers)."""
PRESENCE_GROUP = "case-presence"
"""The worker group renewing this window's claim on the record (`Store.claim`)."""
HEARTBEAT_SECONDS = 15.0
"""How often an open case renews its claim: well within `storage.store.PRESENCE_SECONDS`."""
READ_ONLY_ACTIONS: frozenset[str] = frozenset(
    {"confirm_section", "start_review", "amend", "plan", "signoff", "submit", "save", "toggle_short"}
)
"""What a window only reading the record may not do (each would change or save it)."""


SIGNED_OFF_WORDS: dict[str, str] = {
    "returned": "returned to its author",
    "approved": "countersigned; a second countersignature is needed",
    "locked": "countersigned and locked",
}
"""What happened to a record after a QA decision, by its new status."""


def _is_answered(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _iso_day(at: str) -> str:
    """An audit entry's day as the record's top shows every date: YYYY-MM-DD."""
    return at[:10]


def _now_stamp() -> str:
    """Now, as grades, comments and signatures are stamped (UTC, to the second)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


NEVER_ADDED = "typed in the entry line, never added"
"""Why a line typed in a group but not added when the case closed is kept as left behind."""


class CaseScreen(Screen[None]):
    """One case's record, every section on one screen, with live counters and autosave."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        "case_screen.tcss",
        "../widgets/counters.tcss",
        "../widgets/review_bar.tcss",
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        # Tab moves as everywhere; the bar's room is kept for the keys that are A4's own (F1 lists all)
        Binding("tab", "next_section", "Next section", show=False, id="case.next_section"),
        Binding("shift+tab", "previous_section", "Previous section", show=False, id="case.previous_section"),
        Binding("ctrl+g", "goto_section", "Go to", id="case.goto_section"),
        Binding("f2", "toggle_help", "Help", id="case.help"),
        Binding("f3", "confirm_section", "No change", id="case.confirm_section"),
        Binding("f4", "toggle_diff", "Changes", id="case.toggle_diff"),
        Binding("f9", "review_summary", "Review summary", id="case.review_summary"),
        Binding("ctrl+r", "start_review", "Start review", show=False, id="case.start_review"),
        Binding("ctrl+f", "amend", "Amend", show=False, id="case.amend"),
        Binding("f5", "plan", "Plan", id="case.plan"),
        Binding("f6", "qa", "QA", id="case.qa", priority=True),  # TextArea uses F6 too
        Binding("f7", "signoff", "Sign off", id="case.signoff", priority=True),  # and F7
        Binding("f10", "submit", "Submit for QA", id="case.submit"),
        Binding("f8", "toggle_short", "Short/full", id="case.toggle_short"),
        Binding("f12", "export", "Export", id="case.export"),
        Binding("ctrl+s", "save", "Save", id="case.save"),
        Binding("ctrl+t", "take_over", "Take over", id="case.take_over"),
        Binding("escape", "back", "Back", id="case.back"),
    ]

    current: var[SectionEditor | None] = var(None)
    """The section under the cursor (the counters show its words)."""
    save_state: var[SaveState] = var(SaveState())
    qa_text: var[str] = var("QA —")
    """The compact QA result the counters show."""
    now: var[float] = var(0.0, always_update=True)
    """The clock at the last tick: active time, "saved N s ago" and the words counted by then (each tick
    counts, even when a test's clock stands still)."""

    @property
    def record(self) -> Record:
        """The record this screen shows and saves."""
        return self._record

    @record.setter
    def record(self, record: Record) -> None:
        # Every record this screen is handed (opened, saved, submitted, signed) passes here, so text an
        # older A4 stored with control characters is shown, and saved again, as visible symbols.
        self._record = record_for_terminal(record)

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
        window: str | None = None,
    ) -> None:
        """`role` is the user's (config) role; `live_checks` False leaves the QA checks to the QA panel.

        `window` is the id of a window that already holds its claim on the record (a screen taking the
        place of another on the same record): it is not asked again who else has the record open.
        """
        super().__init__(classes="case-screen")
        self.window = window or uuid.uuid4().hex
        """This window's id in the store's list of who has the record open."""
        self._ask_who_else = window is None
        self.read_only = False
        """Only reading: another window has the record open for editing, and this one chose to read."""
        self._claiming = record.status != "locked"  # a locked record is only ever read
        self._known_windows: set[str] = set()
        self._leaving = False
        self._handed_on = False
        self._conflict: StaleVersionError | None = None
        """A save refused because another window saved first, waiting for typing to pause to ask."""
        self.role = role
        self.live_checks = live_checks
        self.rubric: Rubric | None = None
        self.plan_template: PlanTemplate | None = None
        self.qa: QARunner | None = None
        self._asking_reason = False
        self.store = store
        self.form = form
        self.case = case
        self.record = record
        record = self.record  # as shown: text an older A4 stored with control characters, as symbols
        self.user = user
        self.clock = clock
        self.today = today
        self.short = record.is_short
        self.answers: dict[str, Any] = dict(record.answers)
        self.activity = ActivityClock(record.active_seconds, clock)
        self.editors = [SectionEditor(n, s, self.answers, today) for n, s in enumerate(form.sections, 1)]
        self._conditional = [
            e for e in self.editors if any(q.show_if or q.require_if for q in e.section.questions)
        ]
        self.section_words = record_word_counts(form, self.answers)
        """Words per section (line and group text too, unlike the budgets): the counters' total, and
        saved with the record for the caseload and exports, so all three show the same number."""
        self._touched: set[SectionEditor] = set()
        """Sections with changes the timer has not yet collected."""
        self._text_conditions_stale = False
        self.autosave = Autosave(
            store=store,
            actor=user,
            risk_path=form.risk_level,
            snapshot=self._snapshot,
            start=self._start_save,
            report=self._save_reported,
            clock=clock,
            unsaved_elsewhere=lambda: self.activity.total_seconds != self.record.active_seconds,
            on_change=self._save_state_changed,
        )
        try:
            earlier = earlier_record(store, record)
        except StoreError:
            earlier = None
        self.earlier: Mapping[str, Any] = earlier.answers if earlier is not None else {}
        """The answers of the record this one reviews or amends, for the rubric's `previous.` names:
        loaded once here, so the QA panel and the switch to short read them without a query each time."""
        self.previous: Record | None = None
        """In a review: the record it reviews, to diff against and confirm sections from."""
        if record.kind == "review" and record.reviews and earlier is not None:
            self.previous = record_for_terminal(earlier)
        self.review_bars: dict[str, ReviewBar] = {}
        self.progress = Progress(self)
        """Slow work a key starts (a review): said at once, never started twice."""

    # ------------------------------------------------------------ building

    def compose(self) -> ComposeResult:
        with Horizontal(classes="case-body"):
            with VerticalScroll(classes="sections"):
                heading = for_terminal(f"{self.case.ref} · {self.case.name} · {self.form.header.title}")
                yield Static(heading, classes="case-title", markup=False)
                yield Static("", id="read-only", classes="risk-changes", markup=False)
                yield Static("", id="returned", classes="returned-banner", markup=False)
                yield Static("", id="risk-changes", classes="risk-changes", markup=False)
                yield LeftBehindPanel(self.record.left_behind)
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
        for name in ("current", "save_state", "qa_text", "now"):
            self.watch(self, name, self._show_counters, init=False)
        self._show_counters()
        self.query_one("#read-only", Static).display = False
        first = self._visible_editors()
        if first:
            first[0].focus_first()
        self._open_beside_others()

    # ------------------------------------------------------------ two windows, one record

    def _open_beside_others(self) -> None:
        """Say so when another window has the record open for editing (read, or take over); else claim it."""
        if not self._claiming:
            return
        self.set_interval(HEARTBEAT_SECONDS, self._heartbeat)
        editing = [p for p in self._others() if p.mode == "editing"]
        self._known_windows = {p.window for p in editing}
        if editing and self._ask_who_else:
            self.app.push_screen(OpenElsewhere(self.case.ref, editing), self._open_chosen)
            return
        self._claim("editing")

    def _others(self) -> list[Presence]:
        try:
            return self.store.present(self.record.id, other_than=self.window)
        except StoreError:
            return []  # who else is here is a courtesy: the version check still guards every save

    def _claim(self, mode: str) -> None:
        with suppress(StoreError):  # as above: saving still says what is wrong with the store
            self.store.claim(self.record.id, self.user, self.window, place=socket.gethostname(), mode=mode)

    def _open_chosen(self, choice: OpenChoice | None) -> None:
        if choice == "read":
            self._read_only(self._others())
        elif choice == "take_over":
            self.action_take_over()
        else:
            self.dismiss(None)

    def _read_only(self, others: list[Presence]) -> None:
        """Show the record without letting it change: every field disabled, nothing saved."""
        self.read_only = True
        self._claim("reading")
        for editor in self.editors:
            editor.disabled = True
        who = "; ".join(describe(p) for p in others if p.mode == "editing") or "another window"
        banner = self.query_one("#read-only", Static)
        banner.update(f"Read only: open for editing elsewhere ({who}). Ctrl+T takes it over; Esc leaves.")
        banner.display = True
        self.query_one(".sections", VerticalScroll).focus()
        self.refresh_bindings()

    def action_take_over(self) -> None:
        """Edit here: claim the record and save it as it is, so the other window's next save is refused
        and asks what to keep (see `Conflict`)."""
        if not self._claiming:
            return
        self.progress.run(f"Taking {for_terminal(self.case.ref)} over…", self._take_over_now)

    def _take_over_now(self) -> None:
        was_reading, self.read_only = self.read_only, False
        for editor in self.editors:
            editor.disabled = False
        self.query_one("#read-only", Static).display = False
        self.refresh_bindings()
        self._claim("editing")
        self._known_windows = {p.window for p in self._others()}
        self.autosave.edited()
        if self.save_now():
            self.notify("You have taken this record over; the other window is asked what to keep when it "
                        "next saves.", title="Taken over")  # fmt: skip
        if was_reading:
            first = self._visible_editors()
            if first:
                first[0].focus_first()

    def _heartbeat(self) -> None:
        """Renew this window's claim, and hear of other windows, off the UI thread (a server may be slow)."""
        mode = "reading" if self.read_only else "editing"
        self.run_worker(partial(self._beat, mode), thread=True, group=PRESENCE_GROUP, exclusive=True)

    def _beat(self, mode: str) -> list[Presence]:
        self._claim(mode)
        return self._others()

    @on(Worker.StateChanged)
    def _heard_of_others(self, event: Worker.StateChanged) -> None:
        """Another window opened the record for editing since this one did: say so, once per window."""
        if event.worker.group != PRESENCE_GROUP or event.state != WorkerState.SUCCESS:
            return
        others = event.worker.result if isinstance(event.worker.result, list) else []
        for presence in others:
            if presence.mode == "editing" and presence.window not in self._known_windows:
                self._known_windows.add(presence.window)
                if not self.read_only:
                    self.notify(
                        f"{describe(presence)}: opened this record for editing in another window. If it is "
                        "saved there, your next save asks what to keep.",
                        title="Open elsewhere",
                        severity="warning",
                        timeout=15,
                        markup=False,
                    )

    def on_unmount(self) -> None:
        if self._claiming and not self._handed_on:
            with suppress(StoreError):  # the claim lapses by itself
                self.store.release_claim(self.record.id, self.window)

    # ------------------------------------------------------------ typing (cheap)

    def note_key_press(self) -> None:
        """Called by every field on every key: counts active writing time, nothing else."""
        self.activity.key_pressed()

    def _changed(self, editor: SectionEditor, at_once: bool) -> None:
        self._touched.add(editor)
        self.autosave.edited()
        if at_once:
            self._collect()
            self._apply_conditions()
        else:
            self._text_conditions_stale = True

    @on(TextArea.Changed)
    @on(Input.Changed)
    def _text_changed(self, event: TextArea.Changed | Input.Changed) -> None:
        """Typing: conditions on text answers wait for the timer."""
        if editor := self._editor_of(event.control):
            self._changed(editor, at_once=False)

    @on(ShortAnswers.Changed)
    @on(GridInput.Changed)
    @on(GroupInput.Changed)
    def _answer_changed(self, event: ShortAnswers.Changed | GridInput.Changed | GroupInput.Changed) -> None:
        """A one-key answer, a grid or a group entry: recheck conditions at once (a yes can reveal the
        question typed next)."""
        if editor := self._editor_of(event.control):
            self._changed(editor, at_once=True)

    @staticmethod
    def _editor_of(widget: Widget | None) -> SectionEditor | None:
        node: Any = widget
        while node is not None and not isinstance(node, SectionEditor):
            node = node.parent
        return node

    # ------------------------------------------------------------ the timer

    def _tick(self) -> None:
        if not self.read_only:
            self.autosave.tick()
        if self._conflict is not None and self.clock() - self.autosave.last_change >= ASK_AFTER_PAUSE:
            refusal, self._conflict = self._conflict, None
            theirs = record_for_terminal(refusal.stored)
            conflict = Conflict(self.form, self.build_record(), theirs, self._others(), clock=self.clock)
            self.app.push_screen(conflict, self._conflict_chosen)
        self._collect()
        if self.qa is not None:
            self.qa.tick(self.autosave.last_change)
        self.now = self.clock()

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

    def _show_counters(self) -> None:
        """Show the counters as the screen's state says (called when any of it changes)."""
        editor = self.current
        due = self.case.next_review or self.case.initial_due
        try:
            left = days_left(date.fromisoformat(due), self.today()) if due else None
        except ValueError:
            left = None
        saving = self.save_state
        saved_ago = None if saving.saved_at is None else self.clock() - saving.saved_at
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
                    dirty=saving.dirty,
                    saving=saving.saving,
                    error=saving.error,
                    reason_asked=saving.reason_asked,
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

    def _snapshot(self) -> Record:
        """The record to save: what the editors hold, with text conditions brought up to date first."""
        self._collect()
        if self._text_conditions_stale:
            self._text_conditions_stale = False
            self._apply_conditions()
        return self.build_record()

    def _start_save(self, job: SaveJob) -> None:
        self.run_worker(job.run, thread=True, group=SAVE_GROUP, description="saving the record")

    @on(Worker.StateChanged)
    def _save_landed(self, event: Worker.StateChanged) -> None:
        """A background save finished: apply it here, on the UI thread (autosave starts any waiting)."""
        job = event.worker.result
        if (
            event.worker.group == SAVE_GROUP
            and event.state == WorkerState.SUCCESS
            and isinstance(job, SaveJob)
        ):
            self.autosave.landed(job)

    def _save_state_changed(self, state: SaveState) -> None:
        self.save_state = state

    def keep_typed_entries(self) -> None:
        """Before the case closes (leaving it, quitting A4, opening a review), keep each entry typed in a
        group's line without Enter: added as Enter would add it, or, when it cannot be (a field missing or
        unreadable), kept with the record in its "Left behind" panel with the reason, so closing never
        loses the words."""
        if self.read_only or not (refused := self._add_typed_entries()):
            return
        version = self.record.form_version
        kept = [
            LeftBehind(group.path, group.question.label, line, f"{NEVER_ADDED} ({problem})", version)
            for group, line, problem in refused
        ]
        for group, _line, _problem in refused:
            group.clear_line()
        self.record = dataclasses.replace(self.record, left_behind=[*self.record.left_behind, *kept])
        self.autosave.edited()

    def _add_typed_entries(self) -> list[tuple[GroupInput, str, str]]:
        """Add each entry typed in a group's line as Enter would (marked changed at once, for the save that
        follows); the group, line and problem of each one that cannot be added."""
        refused: list[tuple[GroupInput, str, str]] = []
        for group in self.query(GroupInput):
            line = group.typed_line
            if problem := group.add_typed_line():
                refused.append((group, line, problem))
            elif line and (editor := self._editor_of(group)) is not None:
                editor.changed.add(group.path)
                self._changed(editor, at_once=True)
        return refused

    def must_wait_to_save(self) -> bool:
        """Whether `save_now` would wait on the store: a key that saves first says so before it starts."""
        return not self.read_only and self.autosave.waits()

    def _saving_first(self, before: str, work: Callable[[], object]) -> None:
        """Carry out `work`, which saves first; when that save has to wait on the store, say so at once."""
        doing = f"Saving {for_terminal(self.case.ref)} before {before}…"
        self.progress.run_if(self.must_wait_to_save(), doing, work)

    def save_now(self) -> bool:
        """Save now and wait for the store's answer; True when the store holds what is on screen.

        For quit and every action that needs the record stored before it
        goes on.  On a refused save the text stays in the editors, the
        reason shows in the counters, and (once per failure) a copy
        elsewhere is offered.
        """
        if self.read_only:
            return True  # nothing here is ever changed, so nothing waits to be saved
        return self.autosave.save_now()

    def _save_reported(self, outcome: SaveOutcome) -> None:
        """Show a save's outcome: take the saved record, ask for a reason, or say what went wrong.

        A save refused because another window saved first asks what to keep (`Conflict`); while leaving
        no dialog is shown (`action_back` keeps the text in a recovery file instead).
        """
        if outcome.kind == "saved" and outcome.saved is not None:
            self.record = merge_saved(outcome.saved, outcome.job.record, self.record)
        elif outcome.kind == "reason_required":
            self._ask_reason(outcome.job.record)
        elif outcome.kind == "unreachable" and outcome.first:  # held until the server is back: no dialog
            self.notify(outcome.message, title="Not saved yet", severity="warning", timeout=8, markup=False)
        elif outcome.kind == "refused" and not self._leaving:
            refusal = outcome.job.outcome
            if isinstance(refusal, StaleVersionError):
                if outcome.offer_copy:  # asked at the next tick once typing has paused (`_tick`)
                    self._conflict = refusal
                return
            if outcome.first:
                self.notify(outcome.message, title="Not saved", severity="error", timeout=8, markup=False)
            if outcome.offer_copy:
                record = outcome.job.record
                path = default_copy_path(record, datetime.now())
                self.app.push_screen(SaveFailure(outcome.message, record, path), self._copy_written)

    def _conflict_chosen(self, choice: ConflictChoice | None) -> None:
        """Carry out the choice made after another window saved first."""
        if choice == "keep":
            if self.autosave.keep_mine():
                self._show_level_changes()  # the record's top says so too, as it will for everyone
                self.notify("Your text is saved over the other save; the record's history says so.",
                            title="Kept yours")  # fmt: skip
        elif choice == "theirs":
            self._take_theirs()
        else:
            self.notify(
                "Your text is not saved yet: Ctrl+S asks again what to keep; Esc leaves the case and keeps "
                "your text in a recovery file.",
                title="Not saved",
                severity="warning",
            )

    def _take_theirs(self) -> None:
        """Keep my text in a recovery file, then show the record as stored (a fresh screen, same window)."""
        try:
            path = keep_unsaved(self.build_record(), self.store.local_folder, datetime.now())
        except OSError as error:
            self.notify(
                f"Nothing was changed: {error}", title="Could not take theirs", severity="error", markup=False
            )
            return
        self._show_stored(path)

    def _show_stored(self, kept_in: Path) -> None:
        """Show the record as stored on a fresh screen (same window), saying where my text was kept."""
        try:
            stored = self.store.get_record(self.record.id)
        except StoreError as error:
            self.notify(f"Your text is kept in {kept_in}; the saved record could not be read: {error}",
                        title="Took theirs", severity="error", markup=False)  # fmt: skip
            return
        path = kept_in
        self.autosave.forget()
        self._handed_on = True
        screen = CaseScreen(
            store=self.store, form=self.form, case=self.case, record=stored, user=self.user, clock=self.clock,
            today=self.today, role=self.role, live_checks=self.live_checks, window=self.window,
        )  # fmt: skip
        self.app.switch_screen(screen)
        screen.notify(
            f"Showing the saved text. Yours is kept in {path}.", title="Took theirs", timeout=20, markup=False
        )

    def keep_unsaved_copy(self) -> Path | None:
        """Write what is on screen to a recovery file when the store does not hold it; its path, or None
        when nothing waits (raises OSError when no copy could be written)."""
        if self.read_only or (self.autosave.error is None and not self.autosave.dirty):
            return None
        return keep_unsaved(self.build_record(), self.store.local_folder, datetime.now())

    def _copy_written(self, path: Any) -> None:
        if path is not None:
            self.notify(f"A copy of the record is in {path}.", title="Copy saved", markup=False)

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
        """Switch between the short (layer 1) and the full assessment; hidden sections keep their text.

        The switch to short is refused, with the rubric's reason, where its
        `full_assessment_when` rule says a full assessment is needed.
        """
        if not self.short and (reasons := short_refusals(self.rubric, self.form, self.answers, self.earlier)):
            self.notify(f"A full assessment is needed here: {reasons[0]}.", severity="warning", markup=False)
            return
        self.short = not self.short
        author = self.user == self.record.author
        if self.record.kind != "short" and self.record.status in SUBMITTABLE and author:
            # The author's choice is kept with the record, so QA, `a4 check` and the next opening judge
            # and show it at this depth; anyone else only changes their view.
            self.record = dataclasses.replace(self.record, short=self.short)
            self.autosave.edited()
        self._apply_depth()
        self._apply_conditions()
        self.notify("Short assessment: only the layer 1 sections." if self.short else "Full assessment.")
        visible = self._visible_editors()
        if visible and (self.current is None or not self.current.display):
            self._focus_section(visible[0])

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
        if leaving and self.autosave.dirty:
            self.autosave.soon()

    def _focus_section(self, editor: SectionEditor) -> None:
        editor.focus_first()
        self.query_one(VerticalScroll).scroll_to_widget(editor, top=True, animate=False)

    def _step_section(self, step: int) -> None:
        visible = self._visible_editors()
        if not visible:
            return
        here = self._editor_of(self.focused) or self.current  # the focus now, not the last message about it
        index = visible.index(here) if here in visible else -step
        target = index + step
        if 0 <= target < len(visible):
            self._focus_section(visible[target])
        else:
            self.app.bell()

    def action_next_section(self) -> None:
        self._step_section(1)

    def action_previous_section(self) -> None:
        self._step_section(-1)

    def action_goto_section(self) -> None:
        """Ctrl+G: a section by title or number, or a question by its label, among those on screen."""
        visible = self._visible_editors()
        sections = [(e.section.id, e.title) for e in visible]
        questions = [
            QuestionPlace(path, question.label, e.title)
            for e in visible
            for path, question in e.shown_questions()
        ]
        self.app.push_screen(GotoSection(sections, questions), self._goto_chosen)

    def _goto_chosen(self, chosen: str | None) -> None:
        """A section's id goes to its top; a question's path puts the cursor on it, as a QA finding does."""
        if chosen is None:
            return
        if place_of(chosen).question:
            self.go_to(chosen)
        else:
            self._jump_to_id(chosen)

    def _jump_to_id(self, section_id: str) -> None:
        editor = next((e for e in self.editors if e.section.id == section_id), None)
        if editor is not None:
            self._focus_section(editor)

    def action_toggle_help(self) -> None:
        help_panel = self.query_one(SectionHelp)
        help_panel.display = not help_panel.display
        if help_panel.display and self.current is not None:
            help_panel.show_section(self.current.section)
        focused = self.focused
        if focused is not None:  # the text narrows or widens: keep the cursor's field in view
            self.call_after_refresh(focused.scroll_visible, animate=False)

    def action_save(self) -> None:
        self.autosave.offer_copy_again()
        self.progress.run_if(self.must_wait_to_save(), f"Saving {for_terminal(self.case.ref)}…", self._save)

    def _save(self) -> None:
        if self.save_now():
            self.notify("Saved.")

    def action_plan(self) -> None:
        """The sentence plan (saved first), on its own screen; it dismisses with the saved record."""
        self._saving_first("opening the plan", self._open_plan)

    def _open_plan(self) -> None:
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
            title=for_terminal(f"{self.case.ref} · {self.case.name}"),
            clock=self.clock,  # one clock for the case and its plan (a test's stands still)
            earlier=self.earlier,
        )
        self.app.push_screen(screen, partial(self._plan_closed, screen))

    def _plan_closed(self, plan: PlanScreen, record: Record | None) -> None:
        if record is not None:
            self.record = dataclasses.replace(record, active_seconds=self.record.active_seconds)
        elif plan.took_theirs and plan.kept_in is not None:  # after a conflict: show the saved record
            self._show_stored(plan.kept_in)

    # ------------------------------------------------------------ reviews

    REVIEW_ACTIONS: ClassVar[frozenset[str]] = frozenset({"confirm_section", "toggle_diff", "review_summary"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Review keys exist only in a review (and stay out of the footer elsewhere); a window only reading
        the record offers no key that changes it, and Take over only while reading; only the record's author
        is offered Submit for QA (a QA assessor opening it has nothing to submit)."""
        if action == "take_over":
            return self.read_only
        if self.read_only and action in READ_ONLY_ACTIONS:
            return False
        if action in self.REVIEW_ACTIONS:
            return self.previous is not None
        if action == "submit":
            return self.user == self.record.author
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
        self._focus_section(target)

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
        """Start a review of this case from its last countersigned record, and open it here.

        When a newer version of the form is loaded, the move to it is offered first (`MoveVersionScreen`).
        """
        if self.record.kind == "review" and self.record.status in OPEN:
            self.notify("This is the case's open review: carry on here.", timeout=5)
            return
        self.progress.run(f"Starting a review of {for_terminal(self.case.ref)}…", self._start_review_now)

    def _start_review_now(self) -> None:
        self.keep_typed_entries()  # this screen gives way to the review's
        if self.record.status != "locked" and not self.save_now():  # a locked record never saves
            return
        try:
            review = self.store.start_review(self.case.ref, self.user)
        except StoreError as error:
            self.notify(str(error), title="Cannot start a review", severity="error", timeout=10, markup=False)
            return
        self._open_new(review)

    def action_amend(self) -> None:
        """Amend this locked record, after one confirming key: a new draft that starts from its answers.

        As for a review, the move to a newer version of the form is offered first when one is loaded.
        """
        if self.record.status != AMENDABLE:
            self.notify(
                not_amendable(self.record.status),
                title="Nothing to amend",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        self.app.push_screen(ConfirmKey(amend_question(self.case.ref)), self._amend_confirmed)

    def _amend_confirmed(self, yes: bool | None) -> None:
        if not yes:
            return
        try:
            amendment = self.store.amend(self.record.id, self.user)
        except OpenRecordError as error:  # the case's open record of this kind is the place to change
            self.notify(
                opened_instead(error.existing), title="Not amended twice", severity="warning", markup=False
            )
            amendment = error.existing
        except StoreError as error:
            self.notify(str(error), title="Cannot amend", severity="error", timeout=10, markup=False)
            return
        self._open_new(amendment)

    def _open_new(self, record: Record) -> None:
        """Open a new review or amendment here, on the version of the form the practitioner chooses."""
        registry = getattr(self.app, "registry", None)
        open_on_chosen_version(
            self.app,
            self.store,
            registry if isinstance(registry, Registry) else None,
            record,
            self.form,
            self.user,
            self._show_new,
        )

    def _show_new(self, review: Record, form: AssessmentForm) -> None:
        """Show a new review or amendment in place of this screen, on `form`."""
        screen = CaseScreen(
            store=self.store,
            form=form,
            case=self.case,
            record=review,
            user=self.user,
            clock=self.clock,
            today=self.today,
            role=self.role,
        )
        self.app.switch_screen(screen)

    def action_qa(self) -> None:
        """Show every criterion with its findings; Enter on a finding comes back to its place."""
        self._saving_first("checking it", self._show_qa)

    def _show_qa(self) -> None:
        self.save_now()
        unresolved = sum(not c.resolved_by for c in self.record.comments)
        note = f"{unresolved} QA comment{'s' if unresolved != 1 else ''} to resolve." if unresolved else ""
        reasons = {key: o.reason for key, o in overrides_by_key(self.record).items()}
        screen = QAScreen(self.qa_results(), status=self.record.status, note=note, reasons=reasons)
        self.app.push_screen(screen, self._finding_chosen)

    def action_export(self) -> None:
        """Export the open record (saved first) in a format chosen in a short prompt, which says where."""
        self._saving_first("exporting it", self._ask_export)

    def _ask_export(self) -> None:
        self.save_now()
        self.app.push_screen(
            ExportPrompt(self.store, self.form, self.case, self.record, self.rubric, self.earlier)
        )

    def action_back(self) -> None:
        """Leave the case, always: saved, or, when the store refuses the text, with it kept in a recovery
        file whose path is shown.  Only a risk level changed without a reason stays, to ask for one."""
        self._saving_first("leaving it", self._leave)

    def _leave(self) -> None:
        self._leaving = True
        try:
            self.keep_typed_entries()
            saved = self.save_now()
        finally:
            self._leaving = False
        if not saved and self._asking_reason:
            return
        if not saved:
            try:
                path = self.keep_unsaved_copy()
            except OSError as error:
                self.notify(
                    f"Your text could not be kept in a recovery file either ({error.strerror}); it stays "
                    "here. Ctrl+S tries again.",
                    title="Not saved",
                    severity="error",
                    markup=False,
                )
                return
            if path is not None:
                self.app.notify(
                    f"Not saved: {self.autosave.error} Your text is kept in {path} (a4 import reads it).",
                    title=f"{self.case.ref} not saved",
                    severity="warning",
                    timeout=30,
                    markup=False,
                )
        self.dismiss(None)

    # ------------------------------------------------------------ QA and sign-off

    def _start_qa(self) -> None:
        """Find the rubric, show what was returned and changed, and start the live checks."""
        self.plan_template, self.rubric = plan_definitions(self.app, self.form)
        self._show_level_changes()
        self._show_comments()
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
                previous=self.earlier,
            )
            self.qa.run_at_once()  # a few ms, once: the screen opens with its QA result

    def _qa_arrived(self, results: Results) -> None:
        met, judged = summary(results)
        self.qa_text = qa_text(met, judged, not_yet(results))
        checked = (self.qa.checked if self.qa else None) or self.record
        texts = {path: value for path, value in checked.answers.items() if isinstance(value, str)}
        blocks = {path: block for editor in self.editors for path, block in editor.fields.items()}
        apply_marks(blocks, texts, phrase_findings(results))

    def qa_results_now(self) -> Results:
        """The rubric run now on the record as shown, as `a4 check` and QA run it (never a stale result)."""
        if self.rubric is None:
            return []
        from forms.checks.library import run_checks

        record = self.build_record()
        return run_checks(
            self.rubric, self.form, record, plan=self.plan_template, today=self.today(), previous=self.earlier
        )

    def qa_results(self) -> Results:
        """The latest live results, or the rubric run now on the record as on screen."""
        if self.qa is not None and self.qa.results is not None:
            return self.qa.results
        return self.qa_results_now()

    def _finding_chosen(self, finding: Finding | None) -> None:
        if finding is not None:
            self.go_to(finding.path, finding.span)

    def go_to(self, path: str, span: tuple[int, int] | None = None) -> None:
        """Put the cursor at the place `path` names (a finding's or a blocker's), or say why it cannot.

        A plan field opens the plan; a section left out of the short form, or
        a question its conditions hide, is explained instead.
        """
        place = place_of(path)
        if place.in_plan:
            self.action_plan()
            return
        editor = next((e for e in self.editors if e.section.id == place.section), None)
        if editor is None or not editor.display:
            self.notify("That section is not shown; press F8 for the full assessment.", severity="warning")
            return
        target = None
        if place.question:
            target = editor.place_cursor(f"{place.section}.{place.question}", entry=place.entry, span=span)
            if target is None:
                self.notify("That question is hidden by an earlier answer; check the answers above it.")
                return
        if target is None:
            editor.focus_first()
        else:
            self.set_focus(target)  # now, not after the keys already waiting (see focus_first)
        self.call_after_refresh(self._scroll_to_focus)

    def _scroll_to_focus(self) -> None:
        if self.focused is not None:
            self.focused.scroll_visible(animate=False)

    # ------------------------------------------------------------ QA comments and risk level changes

    def _show_comments(self) -> None:
        """Put each open comment at the top of its section (plan and whole-record ones under the title)."""
        for comment in unresolved(self.record.comments):
            section_id = section_of(comment.path)
            editor = next((e for e in self.editors if e.section.id == section_id), None)
            note = CommentNote(comment)
            if editor is not None:
                editor.mount(note, after=editor.query_one(".section-title"))
            else:
                self.query_one(".sections", VerticalScroll).mount(note, after="#risk-changes")

    @on(CommentNote.Resolved)
    def _comment_resolved(self, event: CommentNote.Resolved) -> None:
        """Tell the store the comment is resolved: it stamps who and when; only the record's author may."""
        event.stop()
        try:
            stored = self.store.resolve_comment(self.record.id, event.comment.id, self.user)
        except StoreError as error:
            self.notify(str(error), title="Comment not resolved", severity="error", timeout=10, markup=False)
            return
        self.record = dataclasses.replace(self.record, comments=stored.comments)
        self._show_level_changes()  # the returned banner counts the comments left
        left = len(unresolved(self.record.comments))
        self.notify(f"Comment resolved; {left} left." if left else "All QA comments resolved.", markup=False)
        self.focus_next()
        event.note.remove()

    def _show_level_changes(self) -> None:
        """Refresh the lines at the record's top from its audit trail."""
        trail = self.store.audit_trail(self.record.id)
        lines = [f"⚠ {line}" for line in level_changes(self.form, self.record, trail)]
        steps = [(str(e.new), e.actor, e.at, e.imported_from) for e in trail if e.kind == "status"]
        lines += [f"⤓ {line}" for line in imported_signoff_lines(self.record, steps)]  # a file's history
        overwrites = [e for e in trail if e.kind == "overwrite"]  # "keep mine": someone's newer save replaced
        lines += [f"⚠ {line}" for line in history(overwrites, self.form, escape=for_terminal, day=_iso_day)]
        notice = self.query_one("#risk-changes", Static)
        notice.update("\n".join(lines))
        notice.display = bool(lines)
        returns = [(str(e.new), e.actor, e.at, e.reason) for e in trail if e.kind == "status"]
        banner = self.query_one("#returned", Static)
        banner.update(for_terminal(returned_banner(self.record, returns)))
        banner.display = self.record.status == "returned"

    def _ask_reason(self, attempted: Record) -> None:
        """Ask why the risk level changed; save with it, or put the old level back and save the rest."""
        path = self.form.risk_level
        if path is None or self._asking_reason:
            return
        self._asking_reason = True
        old, new = self.record.answers.get(path), attempted.answers.get(path)
        prompt = RiskReason(self.form, attempted, old, new)
        self.app.push_screen(prompt, partial(self._reason_given, path, old))

    def _reason_given(self, path: str, old: object, reason: str | None) -> None:
        self._asking_reason = False
        if reason is None:  # show and hold the stored level again, as if the change had never been typed
            self.answers[path] = old
            for editor in self.editors:
                if (short := editor.short_for(path)) is not None:
                    short.set_value(path, old)
        self.autosave.retry(reason)
        self._show_level_changes()

    # ------------------------------------------------------------ submit and sign-off

    def action_submit(self) -> None:
        """Submit the record for QA, or list what blocks it (Enter on one goes there)."""
        self._saving_first("submitting it", self._try_submit)

    def _try_submit(self) -> None:
        if (
            refused := self._add_typed_entries()
        ):  # a line typed without Enter goes with the record, or says why
            group, _line, problem = refused[0]
            self.notify(
                f"The entry typed in “{group.question.label}” is not added yet: {problem}. Enter adds it.",
                title="Cannot submit",
                severity="error",
                timeout=10,
                markup=False,
            )
            self.go_to(group.path)
            return
        if not self.save_now():
            self.notify("Save the record first; the counters say why it was not saved.", severity="error")
            return
        record = self.record
        if refusal := submit_refusal(record, self.user):
            self.notify(refusal, title="Cannot submit", severity="error", timeout=10, markup=False)
            return
        previous = record_for_terminal(self.store.get_record(record.reviews)) if record.reviews else None
        shown = [e.section.id for e in self._visible_editors()]
        unconfirmed = unconfirmed_sections(record, previous, shown)
        blockers = submit_blockers(self.form, record, short=self.short, unconfirmed=unconfirmed)
        if blockers:
            self.app.push_screen(SubmitBlocked(blockers), self._blocker_chosen)
            return
        findings = [f for result in self.qa_results_now() for f in result.findings]
        if unexplained(findings, record):
            dialog = OverrideReasons(findings, overrides_by_key(record))
            self.app.push_screen(dialog, partial(self._reasons_given, findings))
            return
        self._submit(findings)

    def _submit(self, findings: list[Finding]) -> None:
        """Send the record (saved) to QA with its reasons for `findings`, then leave the case."""
        if not self.save_now():
            self.notify("Save the record first; the counters say why it was not saved.", severity="error")
            return
        try:
            submitted = submit(self.store, self.record, self.user, findings)
        except (SignoffRefused, StoreError) as error:
            self.notify(str(error), title="Not submitted", severity="error", timeout=10, markup=False)
            return
        self.record = submitted
        self.app.notify(
            f"{for_terminal(submitted.case_ref)} submitted for QA.", title="Submitted", markup=False
        )
        self.dismiss(None)

    def _blocker_chosen(self, path: str | None) -> None:
        if path:
            self.go_to(path)

    def _reasons_given(self, findings: list[Finding], given: ReasonsGiven | None) -> None:
        """Keep the reasons typed on the record (saved with it), then submit or go to a check's place."""
        if given is None:
            return
        reasons = with_reasons(self.record, list(zip(findings, given.reasons, strict=True)),
                               by=self.user, on=_now_stamp())  # fmt: skip
        if reasons.overrides != self.record.overrides:
            self.record = reasons
            self.autosave.edited()
        if given.go_to is not None:
            self.go_to(given.go_to.path, given.go_to.span)
        elif given.submit:
            self._submit(findings)

    def action_signoff(self) -> None:
        """Open the grading view on the record, if this user may sign it off now."""
        if refusal := signoff_refusal(self.rubric, self.form, self.record, self.user, self.role):
            self.notify(refusal, title="Cannot sign off", severity="error", timeout=10, markup=False)
            return
        self._saving_first("grading it", self._open_grading)

    def _open_grading(self) -> None:
        if not self.save_now():
            self.notify("Your changes were not saved; the counters say why.", severity="error")
            return
        view = GradingScreen(
            rubric=self.rubric,
            form=self.form,
            record=self.record,
            results=self.qa_results(),
            user=self.user,
            now=_now_stamp(),
        )
        self.app.push_screen(view, self._decided)

    def _decided(self, decision: Decision | None) -> None:
        """Say at once that the decision is being stored, then store it after that notice is drawn."""
        if decision is None:
            return
        doing = "Returning the record…" if decision.action == "return" else "Countersigning…"
        self.progress.run(doing, partial(self._carry_out, decision))

    def _carry_out(self, decision: Decision) -> None:
        """Carry the QA assessor's decision into the store, then leave the case."""
        try:
            done = decide(
                self.store,
                self.record,
                decision,
                user=self.user,
                role=self.role,
                rubric=self.rubric,
                form=self.form,
            )
        except (SignoffRefused, StoreError) as error:
            self.notify(str(error), title="Not signed off", severity="error", timeout=10, markup=False)
            return
        self.record = done
        self.app.notify(
            f"{for_terminal(done.case_ref)} {SIGNED_OFF_WORDS.get(done.status, done.status)}.",
            title="QA",
            markup=False,
        )
        self.dismiss(None)

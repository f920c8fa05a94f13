"""The sentence plan: objectives written with the person, checked live, beside what already protects.

One key from the case screen (F5).  The list of objectives sits above the
editor of the highlighted one; beside them, what the rubric's `smart` and
`plan_covers` checks find (F2 jumps to the next thing to fix) and the
strengths and protective factors written in the assessment.  The plan is
saved as the case screen's record is (`tui.workers.autosave`): in a worker
thread soon after each change, one save at a time, and waited for on
leaving; the person's agreement is asked again whenever the plan's terms change.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from exports.escape import record_for_terminal
from forms.checks.findings import Finding, next_to_fix
from forms.checks.library import run_checks
from forms.conditions.visibility import NOTHING
from forms.model import Agreement, AssessmentForm, Objective, PlanTemplate, Record, Rubric, Suggestion
from forms.record.plan import (
    AGREEMENT_LABELS,
    OBJECTIVE_STATUSES,
    from_suggestion,
    is_overdue,
    linked_areas,
    long_date,
    mark_progress,
    new_objective_id,
    plan_terms,
    strengths,
    suggestions_for,
)
from storage.store import StaleVersionError, Store
from tui.modals.confirm_key import ConfirmKey
from tui.modals.conflict import ASK_AFTER_PAUSE, Conflict, ConflictChoice
from tui.progress import Progress
from tui.unsaved import keep_unsaved
from tui.widgets.hanging import hanging
from tui.widgets.key_bar import KeyBar
from tui.widgets.objective_editor import ObjectiveEditor
from tui.workers.autosave import Autosave, SaveOutcome
from tui.workers.save_queue import SaveJob

PLAN_CHECK_KINDS: frozenset[str] = frozenset({"smart", "plan_covers"})
"""The rubric checks the plan screen runs live."""

SAVE_EVERY = 0.5
"""Seconds between looks for unsaved plan changes."""
SAVE_GROUP = "plan-save"
"""The worker group of the plan's background saves."""

BLANK_OBJECTIVE = "a blank objective, in the person’s own words"

_PLAN_PATH = re.compile(r"plan\[(?P<id>[^\]]+)\]\.(?P<field>\w+)")

PROGRESS_KEYS: dict[str, str] = {"n": "not_started", "i": "in_progress", "d": "done", "x": "no_longer_needed"}
AGREEMENT_KEYS: dict[str, str] = {"a": "agreed", "d": "does_not_agree", "c": "could_not_answer"}


def plan_definitions(app: App[Any], form: AssessmentForm) -> tuple[PlanTemplate | None, Rubric | None]:
    """The plan template and rubric for `form`, from the app's registry (or the shipped library), else
    the copies its store kept of them."""
    from forms.definition.registry import Registry, load_registry
    from storage.kept_forms import companions

    registry = getattr(app, "registry", None)
    if not isinstance(registry, Registry):
        registry, _errors = load_registry([])
    store = getattr(app, "store", None)
    if store is None:
        return registry.plan_for(form.id), registry.rubric_for(form.id)
    return companions(registry, store, form)


def plan_rubric(rubric: Rubric | None) -> Rubric | None:
    """`rubric` cut down to its plan checks, so they can run on every key."""
    if rubric is None:
        return None
    criteria = []
    for criterion in rubric.criteria:
        checks = tuple(c for c in criterion.checks if c.kind in PLAN_CHECK_KINDS)
        if checks:
            criteria.append(dataclasses.replace(criterion, checks=checks))
    return dataclasses.replace(rubric, criteria=tuple(criteria))


# ---------------------------------------------------------------- dialogs


class ChoiceDialog(ModalScreen[tuple[str, str] | None]):
    """One key picks a choice, then a line of comment and Enter; Escape cancels."""

    CSS_PATH = "plan_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="plan.dialog_cancel")]

    def __init__(self, title: str, choices: dict[str, tuple[str, str]], note_label: str) -> None:
        """`choices`: key → (value, label)."""
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.note_label = note_label
        self.chosen: str | None = None

    def compose(self) -> ComposeResult:
        keys = "   ".join(f"[{key}] {label}" for key, (_value, label) in self.choices.items())
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(f"Press one key: {keys}", id="dialog-choice")
            yield Static(self.note_label, classes="field-label")
            yield Input(placeholder="Optional; Enter records it", id="dialog-note", disabled=True)

    def on_key(self, event: events.Key) -> None:
        key = (event.character or "").lower()
        if self.chosen is None and key in self.choices:
            event.stop()
            event.prevent_default()
            value, label = self.choices[key]
            self.chosen = value
            self.query_one("#dialog-choice", Static).update(f"Chosen: {label}. Add a comment, then Enter.")
            note = self.query_one("#dialog-note", Input)
            note.disabled = False
            self.set_focus(note)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.chosen is not None:
            self.dismiss((self.chosen, event.value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SuggestionPicker(ModalScreen[Suggestion | None]):
    """The template's suggested objectives for the linked areas; Enter starts from one."""

    CSS_PATH = "plan_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="plan.suggest_cancel")]

    def __init__(self, suggestions: list[Suggestion], titles: dict[str, str], blank_for: str | None) -> None:
        """`blank_for`: an area to also offer a blank objective for (when fixing an uncovered area)."""
        super().__init__()
        self.suggestions = list(suggestions)
        if blank_for is not None:
            self.suggestions.insert(0, Suggestion(area=blank_for, goal=""))
        self.titles = titles

    def compose(self) -> ComposeResult:
        options = [
            Option(
                f"{self.titles.get(s.area, s.area)}: {s.goal or BLANK_OBJECTIVE}",
                id=str(index),
            )
            for index, s in enumerate(self.suggestions)
        ]
        with Vertical(classes="dialog-box"):
            yield Static(
                "Start from a suggestion, then rewrite it with the person in their words.",
                classes="dialog-title",
            )
            yield OptionList(*options, id="suggestions")

    def on_mount(self) -> None:
        if not self.suggestions:
            self.query_one(".dialog-title", Static).update(
                "No suggestions for the linked areas. Escape goes back."
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.suggestions[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------- the screen


class PlanScreen(Screen[Record]):
    """Objectives, live SMART feedback and strengths; dismisses with the saved record."""

    CSS_PATH = "plan_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add", "Add objective", id="plan.add"),
        Binding("f4", "suggest", "Suggestions", id="plan.suggest"),
        Binding("ctrl+t", "add_step", "Add step", id="plan.add_step"),
        Binding("f2", "next_finding", "Fix next", id="plan.next_finding"),
        Binding("f7", "progress", "Progress", id="plan.progress"),
        Binding("f8", "agreement", "Agreement", id="plan.agreement"),
        Binding("f3", "delete_objective", "Delete objective", id="plan.delete"),
        # priority: the fields, the list and the scroll would otherwise take them to scroll (issue 14)
        Binding(
            "pageup", "objective(-1)", "Previous objective", show=False, priority=True, id="plan.previous"
        ),
        Binding("pagedown", "objective(1)", "Next objective", show=False, id="plan.next", priority=True),
        Binding("ctrl+s", "save", "Save", id="plan.save"),
        Binding("escape", "back", "Back", id="plan.back"),
    ]

    def __init__(
        self,
        *,
        store: Store,
        form: AssessmentForm,
        record: Record,
        user: str,
        template: PlanTemplate | None = None,
        rubric: Rubric | None = None,
        today: Callable[[], date] = date.today,
        title: str = "",
        clock: Callable[[], float] = time.monotonic,
        earlier: Mapping[str, Any] = NOTHING,
    ) -> None:
        super().__init__(classes="plan-screen")
        self.store = store
        self.form = form
        self.record = record_for_terminal(record)  # old control characters shown as symbols, never raw
        self.user = user
        self.template = template
        self.rubric = plan_rubric(rubric)
        self.earlier = earlier
        """The answers of the record this one reviews or amends, for the rubric's `previous.` names: the
        case screen read them when it opened, so opening the plan asks the store nothing more."""
        self.today = today
        self.heading = title
        self.plan: list[Objective] = [dataclasses.replace(o) for o in record.plan]
        self.agreement = record.agreement
        self._agreed_terms = plan_terms(self.plan) if self.agreement else None
        self.carried = {o.id for o in record.plan} if record.carried_from else set()
        self.titles = {s.id: s.title for s in form.sections}
        self.areas = [(a, self.titles[a]) for a in linked_areas(form, record, template)]
        self.current = 0
        self.findings: list[Finding] = []
        self._last_fix: tuple[Finding | None, int] = (None, 0)
        """The finding F2 last went to and where it stood in the list then."""
        self._leaving = False
        self._conflict: StaleVersionError | None = None
        """A save refused because another window saved first, waiting for typing to pause to ask."""
        self.took_theirs = False
        """The practitioner took the other window's save after a conflict: the assessment shows it."""
        self.kept_in: Path | None = None
        """The recovery file this plan was kept in, when the store would not take it."""
        self.autosave = Autosave(
            store=store,
            actor=user,
            snapshot=self.working_record,
            start=self._start_save,
            report=self._save_reported,
            clock=clock,
        )
        self.progress = Progress(self)
        """A save the store makes a key wait for: said at once, never started twice."""

    # ------------------------------------------------------------ building

    def compose(self) -> ComposeResult:
        yield Static("", id="plan-heading", classes="plan-heading", markup=False)
        with Horizontal(classes="plan-body"):
            with Vertical(classes="plan-main"):
                yield OptionList(id="objectives")
                with VerticalScroll(classes="objective-scroll", can_focus=False):
                    yield ObjectiveEditor(self.template, self.areas, self.today, id="objective-editor")
                yield Static("", id="agreement", classes="agreement", markup=False)
            with Vertical(classes="plan-side"):
                yield Static("To fix (F2 jumps to the next)", classes="side-title")
                yield OptionList(id="findings")
                yield Static("Strengths and what protects", classes="side-title")
                with VerticalScroll(classes="strengths-scroll"):
                    yield Static(self._strengths_text(), id="strengths", markup=False)
        yield KeyBar()

    async def on_mount(self) -> None:
        self._refresh_list()
        await self._show(0)
        self._check()
        self._refresh_agreement()
        self.set_interval(SAVE_EVERY, self._tick)

    def _strengths_text(self) -> str:
        found = strengths(self.form, self.record)
        if not found:
            return "None written yet in the assessment."
        return "\n\n".join(f"{s.where}: {s.text}" for s in found)

    # ------------------------------------------------------------ showing

    def _objective_line(self, number: int, objective: Objective) -> str:
        parts = [f"{number}. {objective.goal.strip() or '(no objective written yet)'}"]
        if objective.by:
            parts.append(f"by {long_date(objective.by)}")
        parts.append(OBJECTIVE_STATUSES.get(objective.status, objective.status))
        if is_overdue(objective, self.today()):
            parts.append("OVERDUE")
        if objective.id in self.carried:
            parts.append(f"carried from {long_date(self.record.carried_from)}")
        return " · ".join(parts)

    def _refresh_list(self) -> None:
        objectives = self.query_one("#objectives", OptionList)
        objectives.set_options(
            [Option(self._objective_line(n, o), id=o.id) for n, o in enumerate(self.plan, start=1)]
        )
        if self.plan:
            objectives.highlighted = self.current
        overdue = sum(is_overdue(o, self.today()) for o in self.plan)
        count = len(self.plan)
        self.query_one("#plan-heading", Static).update(
            " · ".join(
                part
                for part in (
                    f"Sentence plan{' · ' + self.heading if self.heading else ''}",
                    f"{count} objective{'s' if count != 1 else ''}",
                    f"{overdue} overdue" if overdue else "",
                )
                if part
            )
        )

    async def _show(self, index: int) -> None:
        self.current = max(0, min(index, len(self.plan) - 1))
        editor = self.query_one(ObjectiveEditor)
        objective = self.plan[self.current] if self.plan else None
        await editor.show(objective, self.current + 1)

    def _refresh_agreement(self) -> None:
        agreement = self.agreement
        if agreement is None and self._agreed_terms is not None:
            text = "The plan changed since the person agreed to it: F8 asks them again."
        elif agreement is None:
            text = "The person's agreement is not recorded yet: F8 asks them."
        else:
            when = f" on {long_date(agreement.on)}" if agreement.on else ""
            comment = f" — “{agreement.comment}”" if agreement.comment else ""
            text = f"The person {AGREEMENT_LABELS.get(agreement.choice, agreement.choice)}{when}{comment}."
        self.query_one("#agreement", Static).update(text)

    # ------------------------------------------------------------ checks

    def working_record(self) -> Record:
        """The record as on screen: the plan and agreement being edited."""
        return dataclasses.replace(self.record, plan=list(self.plan), agreement=self.agreement)

    def _check(self) -> None:
        """Run the rubric's plan checks and list what they find."""
        findings_list = self.query_one("#findings", OptionList)
        if self.rubric is None:
            self.findings = []
            findings_list.set_options([Option("No rubric for this form: nothing is checked.", disabled=True)])
            return
        results = run_checks(
            self.rubric,
            self.form,
            self.working_record(),
            plan=self.template,
            today=self.today(),
            previous=self.earlier,
        )
        self.findings = [f for result in results for f in result.findings]
        if self.findings:
            options = [Option(hanging("• ", f.message), id=str(i)) for i, f in enumerate(self.findings)]
            findings_list.set_options(options)
        else:
            findings_list.set_options([Option("Nothing to fix: every objective is SMART.", disabled=True)])

    # ------------------------------------------------------------ edits

    def on_objective_editor_changed(self, event: ObjectiveEditor.Changed) -> None:
        index = next((i for i, o in enumerate(self.plan) if o.id == event.objective.id), None)
        if index is None:
            return
        self.plan[index] = event.objective
        self._plan_changed()
        self.query_one("#objectives", OptionList).replace_option_prompt_at_index(
            index, self._objective_line(index + 1, event.objective)
        )

    def _plan_changed(self) -> None:
        """Mark unsaved, recheck, and withdraw the person's agreement once the plan's terms differ."""
        self.autosave.edited()
        if self.agreement is not None and plan_terms(self.plan) != self._agreed_terms:
            self.agreement = None
            self.notify("The plan changed since the person agreed to it: ask them again (F8).")
            self._refresh_agreement()
        self._check()

    async def _add(self, objective: Objective) -> None:
        self.plan.append(objective)
        self._plan_changed()
        self.current = len(self.plan) - 1
        self._refresh_list()
        await self._show(self.current)
        self.query_one(ObjectiveEditor).focus_field("goal")

    async def action_add(self) -> None:
        """Add a blank objective and put the cursor in its first field."""
        await self._add(Objective(id=new_objective_id()))

    def action_suggest(self, area: str | None = None) -> None:
        """Offer the template's suggestions for the linked areas (or one area) as starting points."""
        areas = [area] if area else [a for a, _ in self.areas]
        picker = SuggestionPicker(suggestions_for(self.template, areas), self.titles, area)
        self.app.push_screen(picker, self._suggestion_chosen)

    async def _suggestion_chosen(self, suggestion: Suggestion | None) -> None:
        if suggestion is not None:
            await self._add(from_suggestion(suggestion, new_objective_id()))

    def action_delete_objective(self) -> None:
        """Delete the objective shown, after one confirming key (Y)."""
        if not self.plan:
            self.notify("There is no objective to delete.", severity="warning")
            return
        objective = self.plan[self.current]
        name = objective.goal.strip() or "(no objective written yet)"
        question = f"Delete objective {self.current + 1}, “{name[:60]}”, and its steps and progress?"
        self.app.push_screen(ConfirmKey(question), partial(self._delete_confirmed, objective.id))

    async def _delete_confirmed(self, objective_id: str, yes: bool | None) -> None:
        index = next((i for i, o in enumerate(self.plan) if o.id == objective_id), None)
        if not yes or index is None:
            return
        del self.plan[index]
        self._plan_changed()
        self.current = min(index, len(self.plan) - 1) if self.plan else 0
        self._refresh_list()
        await self._show(self.current)
        self.notify(f"Objective {index + 1} deleted.", markup=False)

    async def action_add_step(self) -> None:
        await self.query_one(ObjectiveEditor).add_step()

    async def action_objective(self, step: int) -> None:
        if self.plan:
            await self._show((self.current + step) % len(self.plan))
            self.query_one("#objectives", OptionList).highlighted = self.current

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "objectives":
            await self._show(event.option_index)
            self.query_one(ObjectiveEditor).focus_field("goal")
        elif event.option_list.id == "findings" and event.option.id is not None:
            await self._jump(self.findings[int(event.option.id)])

    # ------------------------------------------------------------ fixing findings

    async def action_next_finding(self) -> None:
        """Go to the field of the next finding (they cycle), or say nothing is left to fix."""
        if not self.findings:
            self.notify("Nothing to fix in the plan.")
            return
        position = next_to_fix(self.findings, *self._last_fix)
        finding = self.findings[position]
        self._last_fix = (finding, position)
        await self._jump(finding)

    async def _jump(self, finding: Finding) -> None:
        match = _PLAN_PATH.fullmatch(finding.path)
        if match is None:  # an uncovered area: start an objective for it
            self.action_suggest(finding.path)
            return
        index = next((i for i, o in enumerate(self.plan) if o.id == match["id"]), None)
        if index is None:
            return
        if index != self.current or self.query_one(ObjectiveEditor).objective is None:
            await self._show(index)
            self.query_one("#objectives", OptionList).highlighted = index
        self.query_one(ObjectiveEditor).focus_field(match["field"])

    # ------------------------------------------------------------ progress and agreement

    def action_progress(self) -> None:
        """Mark the current objective's progress, with a dated note."""
        if not self.plan:
            self.notify("Add an objective first (Ctrl+N).", severity="warning")
            return
        choices = {key: (status, OBJECTIVE_STATUSES[status]) for key, status in PROGRESS_KEYS.items()}
        dialog = ChoiceDialog(
            f"Progress on objective {self.current + 1}", choices, "What happened (dated today)"
        )
        self.app.push_screen(dialog, self._progress_marked)

    async def _progress_marked(self, result: tuple[str, str] | None) -> None:
        if result is None:
            return
        status, note = result
        self.plan[self.current] = mark_progress(self.plan[self.current], status, note, self.today())
        self._plan_changed()
        self._refresh_list()
        await self._show(self.current)

    def action_agreement(self) -> None:
        """Record whether the person agrees to the plan as it stands, with their comments."""
        choices = {key: (choice, AGREEMENT_LABELS[choice]) for key, choice in AGREEMENT_KEYS.items()}
        self.app.push_screen(
            ChoiceDialog("Does the person agree to this plan?", choices, "Their comments, in their words"),
            self._agreement_recorded,
        )

    def _agreement_recorded(self, result: tuple[str, str] | None) -> None:
        if result is None:
            return
        choice, comment = result
        self.agreement = Agreement(choice=choice, comment=comment, on=self.today().isoformat())
        self._agreed_terms = plan_terms(self.plan)
        self.autosave.edited()
        self._refresh_agreement()

    # ------------------------------------------------------------ saving and leaving

    def _start_save(self, job: SaveJob) -> None:
        self.run_worker(job.run, thread=True, group=SAVE_GROUP, description="saving the plan")

    @on(Worker.StateChanged)
    def _save_landed(self, event: Worker.StateChanged) -> None:
        job = event.worker.result
        if (
            event.worker.group == SAVE_GROUP
            and event.state == WorkerState.SUCCESS
            and isinstance(job, SaveJob)
        ):
            self.autosave.landed(job)

    def _save_reported(self, outcome: SaveOutcome) -> None:
        """Take the saved record, ask what to keep when another window saved first, or say (once until a
        save succeeds) why the plan was not saved."""
        refusal = outcome.job.outcome
        if outcome.saved is not None:
            self.record = outcome.saved
        elif isinstance(refusal, StaleVersionError):
            if outcome.offer_copy and not self._leaving:  # asked once typing has paused (`_tick`)
                self._conflict = refusal
        elif outcome.first and outcome.kind != "crashed":
            self.notify(outcome.message, title="Plan not saved", severity="error", timeout=10, markup=False)

    def _tick(self) -> None:
        """Autosave's tick; and, once typing has paused, ask what to keep after a refused save."""
        self.autosave.tick()
        pause = self.autosave.clock() - self.autosave.last_change
        if self._conflict is not None and pause >= ASK_AFTER_PAUSE:
            refusal, self._conflict = self._conflict, None
            conflict = Conflict(self.form, self.working_record(), refusal.stored, clock=self.autosave.clock)
            self.app.push_screen(conflict, self._conflict_chosen)

    def _conflict_chosen(self, choice: ConflictChoice | None) -> None:
        """Keep mine saves over the other window's save (audited); take theirs keeps this plan in a recovery
        file and goes back to the assessment, which then shows the saved record (`CaseScreen`)."""
        if choice == "keep":
            if self.autosave.keep_mine():
                self.notify("Your plan is saved over the other save; the record's history says so.",
                            title="Kept yours")  # fmt: skip
        elif choice == "theirs":
            try:
                self.kept_in = keep_unsaved(self.working_record(), self.store.local_folder, datetime.now())
            except OSError as error:
                self.notify(f"Nothing was changed: {error.strerror}", title="Could not take theirs",
                            severity="error", markup=False)  # fmt: skip
                return
            self.took_theirs = True
            self.autosave.forget()
            self.dismiss(None)
        else:
            self.notify("Your plan is not saved yet: Ctrl+S asks again what to keep; Esc goes back to the "
                        "assessment, keeping it in a recovery file.", title="Plan not saved",
                        severity="warning")  # fmt: skip

    def must_wait_to_save(self) -> bool:
        """Whether `save_now` would wait on the store: a key that saves first says so before it starts."""
        return self.autosave.waits()

    def save_now(self) -> bool:
        """Save the plan if it changed (waiting for a save in flight); True when the store holds it."""
        return self.autosave.save_now()

    def action_save(self) -> None:
        self.autosave.offer_copy_again()
        self.progress.run_if(self.must_wait_to_save(), "Saving the plan…", self._save)

    def _save(self) -> None:
        if self.save_now():
            self.notify("Plan saved.")

    def action_back(self) -> None:
        """Back to the assessment, always: saved, or, when the store refuses the plan, with it kept in a
        recovery file whose path is shown."""
        self.progress.run_if(self.must_wait_to_save(), "Saving the plan before going back…", self._go_back)

    def _go_back(self) -> None:
        self._leaving = True
        try:
            saved = self.save_now()
        finally:
            self._leaving = False
        if saved:
            self.dismiss(self.record)
            return
        try:
            self.kept_in = keep_unsaved(self.working_record(), self.store.local_folder, datetime.now())
        except OSError as error:
            self.notify(f"Your plan could not be kept in a recovery file either ({error.strerror}); it stays "
                        "here. Ctrl+S tries again.", title="Plan not saved", severity="error",
                        markup=False)  # fmt: skip
            return
        self.app.notify(f"Plan not saved: {self.autosave.error} It is kept in {self.kept_in} (a4 import "
                        "reads it).", title="Plan not saved", severity="warning", timeout=30,
                        markup=False)  # fmt: skip
        self.dismiss(None)

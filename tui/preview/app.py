"""`a4 forms preview FILE.toml`: a trainer's form, live, as a practitioner will see it.

The file is shown in A4's real screens (the case screen for an assessment,
the plan screen for a plan template; a rubric's findings on a sample
record) over a throwaway store, and read again whenever it is saved.  The
watch is a Textual interval timer comparing the file's modification time
and size a few times a second: no extra dependency, and nothing runs
between saves.

A save with problems never closes the preview: the last good version stays
on screen under a panel listing every problem (file:line:col, what is
wrong, what to do) until a later save fixes them.  Answers typed into the
previewed assessment move to each new version by question id, exactly as a
record does, so the trainer also sees what a change would leave behind.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from forms.checks.library import run_checks
from forms.definition.errors import FormError
from forms.definition.load import load_file
from forms.definition.registry import Registry, load_registry
from forms.model import AssessmentForm, Case, Definition, Objective, PlanTemplate, Record, Rubric
from forms.record.carry_over import move_record
from storage.demo import demo_data
from storage.store import Store
from tui.preview.place import go_back_to, place_of
from tui.preview.views import ErrorPanel, RubricFindings, WaitingScreen

POLL_SECONDS = 0.3
"""How often the file's modification time is looked at: a save shows within a third of a second."""
PREVIEW_USER = "trainer"
SAMPLE_CASES = 8
"""Invented cases drawn to find one with a record (most have one; the draw is the same every time)."""


class PreviewApp(App[None]):
    """Shows one definition file and follows every save of it."""

    TITLE = "A4 form preview"
    CSS_PATH = "../app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f1", "help", "Keys", id="preview.help")]

    def __init__(
        self,
        path: Path,
        *,
        store: Store,
        sample: bool = False,
        form_dirs: Sequence[Path] = (),
        today: Callable[[], date] = date.today,
        clock: Callable[[], float] = time.monotonic,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        """`form_dirs`: where the forms a rubric or plan refers to live (the file's own folder is added)."""
        super().__init__()
        self.path = Path(path)
        self.store = store
        self.sample = sample
        self.form_dirs = [*form_dirs, self.path.parent]
        self.today = today
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.registry = Registry()
        self.shown: Definition | None = None
        """The last version that loaded without problems (what is on screen)."""
        self.errors: list[FormError] = []
        """The problems of the latest save; empty when it loaded."""
        self.view: Screen[Any] | None = None
        self.panel: ErrorPanel | None = None
        self._seen: tuple[int, int] | None = None
        self._record_id: str | None = None
        self._sample_id: str | None = None
        """The rubric preview's sample record, which the trainer may edit (created on first use)."""
        self._cases = 0

    def get_default_screen(self) -> Screen[None]:
        return WaitingScreen(str(self.path))

    async def on_mount(self) -> None:
        self._seen = self._signature()
        await self.reload()
        self.set_interval(self.poll_seconds, self._poll)

    # ------------------------------------------------------------ watching

    def _signature(self) -> tuple[int, int] | None:
        """What tells a save apart: modification time and size (None while the file is missing)."""
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    async def _poll(self) -> None:
        signature = self._signature()
        if signature is None or signature == self._seen:  # missing: an editor mid-save, or not yet created
            return
        self._seen = signature
        await self.reload()

    async def reload(self) -> None:
        """Read the file again: show the new version, or list its problems over the last good one."""
        self.registry, _problems = load_registry(self.form_dirs)
        latest = {d.id: d for d in self.registry.all() if isinstance(d, AssessmentForm)}  # sorted by version
        result = load_file(self.path, assessments=latest)
        self.errors = list(result.errors)
        if result.definition is None:
            await self._show_errors()
            return
        place = place_of(self.view) if self.view is not None and self.view.is_attached else None
        screen = self._screen_for(result.definition)
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        if self.panel is not None and self.panel.is_attached:
            await self.panel.remove()
        self.panel = None
        self.view = screen
        self.shown = result.definition
        header = result.definition.header
        self.sub_title = f"{self.path.name} · {header.kind} {header.id} {header.version}"
        await self.push_screen(screen, self._view_closed)
        if place is not None:
            self.call_after_refresh(go_back_to, screen, place)

    def action_help(self) -> None:
        """Show every key of the screen underneath (the previewed one), as in the app."""
        from tui.modals.key_help import KeyHelpScreen

        if not isinstance(self.screen, KeyHelpScreen):
            self.push_screen(KeyHelpScreen(self.screen))

    async def _show_errors(self) -> None:
        if self.panel is None or not self.panel.is_attached:
            self.panel = ErrorPanel(id="preview-errors", markup=False)
            host = self.view if self.view is not None and self.view.is_attached else self.screen_stack[0]
            await host.mount(self.panel)
        self.panel.show_errors(self.errors, kept=self.shown is not None)

    def _view_closed(self, _result: object) -> None:
        """The previewed view was closed (Escape): the preview ends with it."""
        self.exit()

    # ------------------------------------------------------------ what to show

    def _screen_for(self, definition: Definition) -> Screen[Any]:
        if isinstance(definition, AssessmentForm):
            return self._case_screen(definition)
        form = self.registry.assessment(definition.form)
        assert form is not None  # the loader reports a rubric or plan whose form is not loaded
        if isinstance(definition, Rubric):
            record = self._sample_record(form)
            results = run_checks(
                definition, form, record, plan=self.registry.plan_for(form.id), today=self.today()
            )
            return RubricFindings(definition, form, record, results, edit=self._edit_sample)
        return self._plan_screen(definition, form)

    def _sample_record(self, form: AssessmentForm) -> Record:
        """The rubric's sample record, made once from invented answers and kept (with the trainer's edits)."""
        if self._sample_id is None:
            answers, plan = _sample(form, self.today())
            self._sample_id = self._new_record(form, answers, plan).id
        return self.store.get_record(self._sample_id)

    def _edit_sample(self) -> None:
        """Open the sample record in the case screen; the rubric's findings are worked out again after."""
        rubric = self.shown
        if not isinstance(rubric, Rubric):
            return
        form = self.registry.assessment(rubric.form)
        if form is None:
            return
        from tui.screens.case_screen import CaseScreen

        record = self._sample_record(form)
        editor = CaseScreen(
            store=self.store,
            form=form,
            case=self.store.get_case(record.case_ref),
            record=record,
            user=PREVIEW_USER,
            clock=self.clock,
            today=self.today,
        )
        self.push_screen(editor, self._sample_edited)

    def _sample_edited(self, _result: object) -> None:
        """Judge the edited sample again and show the findings for it."""
        rubric, view = self.shown, self.view
        if not isinstance(rubric, Rubric) or not isinstance(view, RubricFindings):
            return
        record = self._sample_record(view.form)
        results = run_checks(
            rubric, view.form, record, plan=self.registry.plan_for(view.form.id), today=self.today()
        )
        view.show(record, results)

    def _case_screen(self, form: AssessmentForm) -> Screen[Any]:
        from tui.screens.case_screen import CaseScreen

        record = self._carried_record(form)
        case = self.store.get_case(record.case_ref)
        return CaseScreen(
            store=self.store,
            form=form,
            case=case,
            record=record,
            user=PREVIEW_USER,
            clock=self.clock,
            today=self.today,
        )

    def _carried_record(self, form: AssessmentForm) -> Record:
        """The preview's record, its answers moved onto `form` (created on first use)."""
        if self._record_id is None:
            answers, plan = _sample(form, self.today()) if self.sample else ({}, [])
            record = self._new_record(form, answers, plan)
            self._record_id = record.id
            return record
        if self.view is not None and hasattr(self.view, "save_now"):
            self.view.save_now()
        record = self.store.get_record(self._record_id)
        old = self.shown if isinstance(self.shown, AssessmentForm) else form
        moved = move_record(record, old, form)
        left = moved.left_behind[len(record.left_behind) :]
        if left:
            self.notify(
                "\n".join(f"{item.label}: {item.reason}" for item in left),
                title=f"{len(left)} answer{'s' if len(left) != 1 else ''} would not carry over",
                severity="warning",
                timeout=15,
                markup=False,
            )
        return self.store.save_record(moved, PREVIEW_USER)

    def _plan_screen(self, template: PlanTemplate, form: AssessmentForm) -> Screen[Any]:
        from forms.record.plan import from_suggestion
        from tui.screens.plan_screen import PlanScreen

        answers = _sample(form, self.today())[0] if self.sample else {}
        plan = [from_suggestion(s, f"o{n}") for n, s in enumerate(template.suggestions, 1)]
        return PlanScreen(
            store=self.store,
            form=form,
            record=self._new_record(form, answers, plan),
            user=PREVIEW_USER,
            template=template,
            rubric=self.registry.rubric_for(form.id),
            today=self.today,
            title=f"{template.header.title} {template.version}: the suggested objectives",
        )

    def _new_record(self, form: AssessmentForm, answers: dict[str, Any], plan: list[Objective]) -> Record:
        """A new case and draft record in the preview's store."""
        self._cases += 1
        start = self.today() - timedelta(days=3)
        case = Case(f"PREVIEW-{self._cases}", "Sample person", start.isoformat(), PREVIEW_USER, form.id)
        self.store.create_case(case, form.deadlines)
        draft = Record(
            id=uuid.uuid4().hex,
            case_ref=case.ref,
            form_id=form.id,
            form_version=form.version,
            answers=answers,
            plan=plan,
            author=PREVIEW_USER,
        )
        return self.store.create_record(draft, PREVIEW_USER)


def _sample(form: AssessmentForm, today: date) -> tuple[dict[str, Any], list[Objective]]:
    """Invented answers and plan objectives for `form` (the demo data's, the same every time).

    The demo's stories are written for the shipped form; an answer that does not fit a trainer's own
    form (an option it does not offer) is dropped, as a move to that form would leave it behind.
    """
    from forms.record.carry_over import carry_over

    records = demo_data(form, SAMPLE_CASES, PREVIEW_USER, today).records
    if not records:
        return {}, []
    return carry_over(records[0].answers, form, form).answers, records[0].plan


def run_preview(args: argparse.Namespace) -> int:
    """`a4 forms preview FILE [--sample]`: run the preview over a store that is deleted afterwards."""
    from storage.connect import open_file_store
    from tui.config import user_forms_dir

    path = Path(args.file)
    if not path.is_file():
        print(
            f"a4: {path} is not a file. Give a .toml definition, or start one with `a4 forms new KIND NAME`.",
            file=sys.stderr,
        )
        return 1
    own = user_forms_dir()
    dirs = [*([own] if own else []), *map(Path, args.forms)]
    with tempfile.TemporaryDirectory(prefix="a4-preview-") as folder:
        store = open_file_store(Path(folder) / "preview.db")
        try:
            PreviewApp(path, store=store, sample=args.sample, form_dirs=dirs).run()
        finally:
            store.close()
    return 0

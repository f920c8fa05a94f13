"""The A4 application: opens on the caseload, opens cases, and owns the keys that work everywhere.

Everything the app needs comes in through the constructor (store, form
registry, config, and the clock and calendar), so tests and benchmarks run
the real app against a real store in a temporary folder, with time frozen.
`run_app` is the one place that finds those things on the user's machine.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
import time
import uuid
import weakref
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen

from exports.escape import for_terminal
from forms.definition.registry import Registry
from forms.model import AssessmentForm, Case, Definition, Record
from forms.record.text_rules import storable
from forms.record.workflow import to_amend
from storage.store import Handover, OpenRecordError, Store, StoreError, TeamStore
from tui import alt_keys
from tui.amendment import opened_instead
from tui.case_editing import may_edit_case
from tui.config import Config
from tui.messages import OpenCase, Start
from tui.progress import Progress
from tui.screens.caseload import CaseloadScreen
from tui.themes import THEMES
from tui.type_ahead import TypeAhead

DEFAULT_FORM_ID = "a4-assessment"
OPENING_WORDS: dict[Start, str] = {
    "latest": "Opening {ref}…",
    "review": "Starting a review of {ref}…",
    "amendment": "Starting an amendment of {ref}…",
}
"""The progress notice for each way of opening a case (`OpenCase.start`)."""
"""The shipped assessment, used for new cases unless a case names another form."""

HANDOVER_DAYS = 14
"""How long after a handover both practitioners are told at start-up, and the new one sees its summary."""

SCREEN_MODULES: tuple[str, ...] = (
    "tui.screens.case_screen",
    "tui.modals.key_help",
    "tui.modals.new_case",
    "tui.modals.edit_case",
    "tui.screens.qa_queue",
)
"""Screens imported only when first shown (to start fast); `binding_ids` imports them to see their keys."""

WIDGET_FIRST_KEYS: frozenset[str] = frozenset({"enter", "backspace"})
"""Keys a focused widget may handle itself before any binding (a new line, a deleted character)."""

KEY_SETTLE_SECONDS = 0.5
"""Longest the app waits for a widget to deal with one key before reading the next (never blocks for good)."""

NOTICE_LINES = 3
"""Problems listed in a start-up notice before the rest are summed up as "and N more"."""


class A4App(App[None], inherit_bindings=False):
    """A4: the caseload, and one screen per case holding the whole assessment."""

    TITLE = "A4"
    CSS_PATH = "app.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("f1", "help", "Keys", id="app.help"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            id="app.command_palette",
            priority=True,
            show=False,  # the footer shows the palette key at its right already
            tooltip="Find and run any action by name",
        ),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="app.quit_hint"),
    ]

    def __init__(
        self,
        *,
        store: Store,
        registry: Registry,
        config: Config,
        today: Callable[[], date] = date.today,
        clock: Callable[[], float] = time.monotonic,
        notices: Sequence[str] = (),
    ) -> None:
        """`notices` are problems found while starting (bad config, broken forms), shown once on screen."""
        super().__init__()
        alt_keys.read_alt_digits_as_keys()
        self.store = store
        self.registry = registry
        self.config = config
        self.today = today
        self.clock = clock
        self.notices = tuple(notices)
        self._quit_unsaved = False
        self._quit_unsent = False
        """Whether quitting past a QA assessor's unsent grades or comments has been warned about once."""
        self.report_dir: str | None = None
        """The `--data-dir` given, where a problem report is written (`tui.crash_report`)."""
        self._crash_line = ""
        self.backup_told = False
        """Whether what today's background backup had to say (if anything) has been shown."""
        self._not_kept_told: set[tuple[str, str, str]] = set()
        """Rubrics and plan templates the team database holds no copy of, already told once (`_keep`)."""
        self._looked_up: weakref.WeakSet[events.Key] = weakref.WeakSet()
        """Keys whose bindings `on_event` looked up as they were read (see `_on_key`)."""
        self.type_ahead = TypeAhead()
        """Keys pressed while slow work runs, carried out in order once it is done."""
        self.opening = Progress(self)
        """Opening a case (or starting its review or amendment): said at once, never started twice."""
        self.quitting = Progress(self)
        """Saving every open record before A4 closes, when that waits on the store."""
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = config.theme

    # ------------------------------------------------------------ the unforeseen

    def _handle_exception(self, error: Exception) -> None:
        """An exception nobody caught: write a report (no locals, no text) before Textual exits the app."""
        from tui.crash_report import report

        self._crash_line = report(error, self.report_dir, "app")
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Exit with one line, not Textual's traceback: that prints local variables (people's names)."""
        self.bell()
        self._exit_renderables.append(Text(f"a4: {self._crash_line}"))
        self._close_messages_no_wait()

    # ------------------------------------------------------------ keys in order

    async def on_event(self, event: events.Event) -> None:
        """Keys are carried out one at a time, in the order they were pressed.

        Textual hands a key to the focused widget's queue and reads the next
        one at once; a key that moves or acts runs its binding only when it has
        bubbled back up to the app.  So "↓ then a word" typed quickly put the
        word in the old field, "a word then Ctrl+Home" put its last letter at
        the start, and "2, Enter, y" in the go-to prompt typed the "y" into the
        prompt before Enter had jumped.  Here a key that moves or acts runs its
        binding at once (Enter and Backspace too when the focused widget binds
        them itself; otherwise they go to the widget first, for a new line or a
        deleted character), and after every key the app waits until the
        focused widget and the screen have dealt with it before it reads the
        next.  Alt+digit, which A4 does not use, is answered with a hint;
        Escape then a letter, read together as Alt+letter, is both keys.  While
        slow work is under way (`tui.progress`) keys wait their turn instead,
        and are carried out in order once it is done (`tui.type_ahead`).
        """
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            await super().on_event(event)
            return
        if isinstance(event, events.Paste) and (kept := storable(event.text)) != event.text:
            # A paste is the one way a terminal hands over control characters as text (inside the paste
            # brackets): what A4 could not store is left out here, once, for every field of every screen.
            self.notify(
                "The pasted text held control characters (invisible codes a terminal acts on); "
                "they were left out.",
                title="Pasted",
                markup=False,
            )
            event = events.Paste(kept)
        pair = alt_keys.escape_then_letter(event) if isinstance(event, events.Key) else None
        for key in pair or (event,):
            if not self.type_ahead.keeps(key):  # while slow work is under way, a key waits its turn
                await self._carry_out_key(key)

    async def _carry_out_key(self, event: events.Key | events.Paste) -> None:
        """One key or paste, now: its binding at once when it moves or acts, else the focused widget's."""
        if isinstance(event, events.Key) and self._acts_now(event):
            if await self._run_binding_now(event.key):
                if (note := getattr(self.screen, "note_key_press", None)) is not None:
                    note()  # the key still counts towards active writing time
            elif (told := alt_keys.hint(event.key)) is not None:
                self.bell()
                self.notify(told, title="Not an A4 key", timeout=8, markup=False)
            else:
                self._looked_up.add(event)
                await super().on_event(event)
        else:
            await super().on_event(event)
        # Up the focused field's ancestors, not only the field and the screen: a Ctrl+Q read straight
        # after one typed character found its Changed still on the way up, and saved without it.
        await self._settled(*self._up_to_screen(self.focused), self.screen)

    async def _on_key(self, event: events.Key) -> None:
        """A key coming back up unhandled whose bindings were looked up when it was read is not looked up
        again: Esc on a caseload with no filter, followed at once by "K1", came back after the letters had
        set a filter, and cleared it — the letters were lost.  Keys act on the screen as it was when read."""
        if event in self._looked_up:
            event.prevent_default()  # Textual's own handler would look its bindings up now

    def hold_keys(self) -> None:
        """Keep every key from now on: slow work has started (`tui.type_ahead`)."""
        self.type_ahead.hold()

    def release_keys(self) -> None:
        """The slow work is done: carry out the keys kept meanwhile, in order, where they now land."""
        self.type_ahead.release()
        self.call_later(self._carry_out_kept)

    async def _carry_out_kept(self) -> None:
        while (event := self.type_ahead.next_key()) is not None:
            await self._carry_out_key(event)

    def _acts_now(self, key: events.Key) -> bool:
        """Whether `key` runs its binding before the focused widget sees it (see `on_event`)."""
        if key.is_printable or self.screen.maximized is not None:
            return False
        if key.key not in WIDGET_FIRST_KEYS:
            return True
        focused = self.focused
        return focused is not None and any(
            alias in focused._bindings.key_to_bindings for alias in key.aliases
        )

    async def _run_binding_now(self, key: str) -> bool:
        return await self._check_bindings(key, priority=True) or await self._check_bindings(key)

    async def _settled(self, *nodes: DOMNode | None) -> None:
        """Wait until each node in turn has handled every message sent to it so far.

        In turn, so that a message one node posts to the next (a text area's
        Changed, bubbling up to its section and screen) has reached it before
        the wait there ends.  At most `KEY_SETTLE_SECONDS` in all: never blocks for good.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + KEY_SETTLE_SECONDS
        for node in nodes:
            if node is None or not node.is_running:
                continue
            done: asyncio.Future[None] = loop.create_future()
            node.call_later(lambda done=done: done.done() or done.set_result(None))
            try:
                await asyncio.wait_for(done, max(deadline - loop.time(), 0.0))
            except TimeoutError:
                return

    def _up_to_screen(self, widget: DOMNode | None) -> list[DOMNode]:
        """`widget` and every node above it up to its screen: the way its messages bubble."""
        chain: list[DOMNode] = []
        node = widget
        while node is not None and node is not self:
            chain.append(node)
            if isinstance(node, Screen):
                break
            node = node.parent
        return chain

    # ------------------------------------------------------------ start

    def get_default_screen(self) -> Screen[None]:
        owner = self.config.user if self.config.role == "practitioner" else None
        hand_over_by = self.config.user if self.config.role == "manager" else None
        team = isinstance(self.store, TeamStore)
        return CaseloadScreen(
            store=self.store,
            owner=owner,
            forms=self.case_forms,
            today=self.today(),
            hand_over_by=hand_over_by,
            may_edit=partial(may_edit_case, user=self.config.user, role=self.config.role, team=team),
            editor=self.config.user,
        )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice of every screen passes here: what it quotes (a reference, a name, an error about a
        file) is shown with control characters as symbols, so no toast can act on the terminal."""
        super().notify(
            for_terminal(message, multiline=True),
            title=for_terminal(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def on_mount(self) -> None:
        self.set_keymap(dict(self.config.keys))
        for notice in self.notices:
            self.notify(
                notice, title="A4 started with problems", severity="warning", timeout=20, markup=False
            )
        self.call_after_refresh(self._tell_recent_handovers)  # a query: after the first frame, not before
        self.run_worker(self._tell_backup_problems, thread=True, group="daily-backup", exit_on_error=False)

    def _tell_recent_handovers(self) -> None:
        """Both practitioners are told of a handover: the one who lost the case and the one who gained it."""
        me = self.config.user
        try:
            recent = [h for h in self.store.handovers(involving=me) if self._is_recent(h.at)]
        except StoreError:
            return  # the caseload says what is wrong with the store
        for handover in recent:
            if handover.new_owner == me:
                by = f"{handover.by} (from {handover.old_owner})"
                told = f"Case {handover.case_ref} was handed to you by {by}."
            else:
                told = f"Case {handover.case_ref} was handed to {handover.new_owner} by {handover.by}."
            self.notify(for_terminal(told), title="Handover", timeout=20, markup=False)

    def _tell_backup_problems(self) -> None:
        """Today's backup is written while the caseload is first drawn (`build_app`); if it could not
        be, say so as a notice would have at start-up (once: it may have been one already)."""
        for notice in late_backup_notices(self.store, self.notices):
            try:
                self.call_from_thread(
                    self.notify, notice, title="A4 started with problems", severity="warning", timeout=20,
                    markup=False,
                )  # fmt: skip
            except RuntimeError:
                return  # A4 closed first: `run_app` prints it on stderr instead
        self.backup_told = True

    def _is_recent(self, at: str) -> bool:
        """Within the last HANDOVER_DAYS days: long enough to be seen, short enough not to nag."""
        return (self.today() - date.fromisoformat(at[:10])).days <= HANDOVER_DAYS

    # ------------------------------------------------------------ forms and cases

    def form_for(self, form_id: str, version: str | None = None) -> AssessmentForm | None:
        """The assessment form with this id (and version, when given), if it is installed."""
        return self.registry.assessment(form_id, version)

    def case_forms(self) -> list[AssessmentForm]:
        """The assessment forms a new case may use, newest version of each: the shipped one first."""
        latest = [self.registry.assessment(form_id) for form_id in self.registry.assessment_ids()]
        forms = [form for form in latest if form is not None]
        return sorted(forms, key=lambda form: (form.id != DEFAULT_FORM_ID, form.header.title.lower()))

    @on(OpenCase)
    def _open_case(self, event: OpenCase) -> None:
        """Say at once what is being opened, then open it (a second press meanwhile only says so)."""
        doing = OPENING_WORDS[event.start].format(ref=for_terminal(event.ref))
        self.opening.run(doing, partial(self._open_case_now, event))

    def _open_case_now(self, event: OpenCase) -> None:
        try:
            case = self.store.get_case(event.ref)
            record = self._record_to_open(case, event.start)
        except StoreError as error:
            self.notify(str(error), title="Cannot open the case", severity="error", timeout=15, markup=False)
            return
        if record is None:
            return
        from storage.kept_forms import form_for_record

        form = form_for_record(self.registry, self.store, record)
        if form is None:
            self.notify(
                f"This record uses form {record.form_id} version {record.form_version}, which is not "
                "installed and has no copy in this store. Add its folder with --forms DIR and open the "
                "case again.",
                title="Cannot open the case",
                severity="error",
                timeout=15,
                markup=False,
            )
            return
        self._keep(form)
        handover = self._handed_to_me(case.ref)
        if handover is not None and event.start == "latest":
            self._show_handover(case, record, form, handover)
            return
        if event.start == "latest":
            self._show_case(case, record, form)
            return
        from tui.modals.move_version import open_on_chosen_version

        open_on_chosen_version(
            self, self.store, self.registry, record, form, self.config.user, partial(self._show_case, case)
        )

    def _handed_to_me(self, case_ref: str) -> Handover | None:
        """The case's latest handover, when it was to this user recently (they read the summary first)."""
        try:
            handovers = self.store.handovers(case_ref=case_ref)
        except StoreError:
            return None
        latest = handovers[-1] if handovers else None
        if latest is None or latest.new_owner != self.config.user or not self._is_recent(latest.at):
            return None
        return latest

    def _show_handover(self, case: Case, record: Record, form: AssessmentForm, handover: Handover) -> None:
        """The one-screen handover summary; Enter opens the case."""
        from exports.handover import handover_summary
        from storage.earlier import earlier_answers
        from storage.kept_forms import companions
        from tui.modals.handover import HandoverSummaryScreen

        _plan, rubric = companions(self.registry, self.store, form)
        earlier = earlier_answers(self.store, record)
        summary = handover_summary(handover, case, record, form, rubric, today=self.today(), previous=earlier)
        self.push_screen(
            HandoverSummaryScreen(case.ref, case.name, summary),
            lambda _read: self._show_case(case, record, form),
        )

    def _keep(self, form: AssessmentForm) -> None:
        """Give the store its copy of `form`, and of the rubric and plan template used with it: a record
        relies on that version from now on, and is checked and planned by them after their files go."""
        from storage.kept_forms import keep_definition

        try:
            keep_definition(self.store, form)
        except StoreError as error:
            self.notify(
                str(error), title="The form's copy was not kept", severity="warning", timeout=15, markup=False
            )
            return
        for companion in (self.registry.rubric_for(form.id), self.registry.plan_for(form.id)):
            if companion is None:
                continue
            try:
                keep_definition(self.store, companion)
            except StoreError:  # a team database takes definitions from its administrator only
                self._say_not_kept(companion)

    def _say_not_kept(self, definition: Definition) -> None:
        """Tell once a session that the team database has no copy of a rubric or plan template in use.

        The file still judges (or plans) the record, so nothing is wrong today; but once the file is
        gone nothing will, and only an administrator can add the copy, so the person is told whom to ask.
        """
        header = definition.header
        key = (header.kind, definition.id, definition.version)
        if key in self._not_kept_told:
            return
        self._not_kept_told.add(key)
        self.notify(
            f"The team database holds no copy of {header.kind} '{definition.id}' {definition.version}, "
            "used with this record: A4 reads your file for now. Ask your administrator to add it "
            "(a4 --forms DIR db init), so that records keep it after the file is gone.",
            title="Not kept in the team database",
            severity="information",
            timeout=15,
            markup=False,
        )

    def _show_case(self, case: Case, record: Record, form: AssessmentForm) -> None:
        from tui.screens.case_screen import CaseScreen

        self.push_screen(
            CaseScreen(
                store=self.store,
                form=form,
                case=case,
                record=record,
                user=self.config.user,
                clock=self.clock,
                today=self.today,
                role=self.config.role,
            )
        )

    def _record_to_open(self, case: Case, start: Start) -> Record | None:
        """A new review or amendment when asked, else the latest record, else a new draft assessment."""
        if start == "review":
            return self.store.start_review(case.ref, self.config.user)
        if start == "amendment":
            return self._start_amendment(case)
        if latest := self.store.latest_record(case.ref):
            return latest
        form = self.form_for(case.form_id or DEFAULT_FORM_ID)
        if form is None:
            self.notify(
                f"Case {case.ref} uses form {case.form_id or DEFAULT_FORM_ID}, which is not installed. "
                "Add its folder with --forms DIR.",
                title="Cannot start the assessment",
                severity="error",
                timeout=15,
                markup=False,
            )
            return None
        draft = Record(
            id=uuid.uuid4().hex,
            case_ref=case.ref,
            form_id=form.id,
            form_version=form.version,
            kind="assessment",
            author=self.config.user,
        )
        return self.store.create_record(draft, self.config.user)

    def _start_amendment(self, case: Case) -> Record | None:
        """A new amendment of the case's latest locked record; the case's open one, if it has one already."""
        source = to_amend(self.store.records_for_case(case.ref))
        if source is None:
            self.notify(
                f"Case {case.ref} has no locked record to amend. A record is amended once it is "
                "countersigned and locked; until then it is changed as it is.",
                title="Nothing to amend",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return None
        try:
            return self.store.amend(source.id, self.config.user)
        except OpenRecordError as error:  # one open record of each kind: that one is the place to change
            self.notify(
                opened_instead(error.existing), title="Not amended twice", severity="warning", markup=False
            )
            return error.existing

    # ------------------------------------------------------------ keys and commands

    def action_help(self) -> None:
        """Show every key of the current screen, unless the key help is already open."""
        from tui.modals.key_help import KeyHelpScreen

        if not isinstance(self.screen, KeyHelpScreen):
            self.push_screen(KeyHelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action that has a key on `screen` (with its key shown), then Textual's own few."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            title = binding.description
            if binding.system or not title or not active.enabled or title in seen:
                continue
            seen.add(title)
            key = self.get_key_display(binding)
            yield SystemCommand(
                title,
                f"{key} · {binding.tooltip}" if binding.tooltip else key,
                partial(self.run_action, binding.action, active.node),
            )
        for command in super().get_system_commands(screen):
            if command.title not in seen and command.title != "Quit":
                yield command

    async def action_quit(self) -> None:
        """Save any open case first; if a save is refused, say so and quit only on a second press, which
        keeps the unsaved text in recovery files and names them as A4 closes."""
        slow = any(
            screen.must_wait_to_save() for screen in self.screen_stack if hasattr(screen, "must_wait_to_save")
        )
        self.quitting.run_if(slow, "Saving before A4 closes…", self._quit_now)

    def _quit_now(self) -> None:
        unsent = " and ".join(filter(None, (s.unsent() for s in self.screen_stack if hasattr(s, "unsent"))))
        if unsent and not self._quit_unsent:
            self._quit_unsent = True
            self.notify(
                f"The {unsent} you wrote in the QA view reach the record only when "
                "you return it (Ctrl+R) or countersign it (Ctrl+O). Press Ctrl+Q again to quit without them.",
                title="Not sent",
                severity="warning",
                timeout=20,
                markup=False,
            )
            return
        for screen in self.screen_stack:
            if hasattr(screen, "keep_typed_entries"):
                screen.keep_typed_entries()
        unsaved = [
            screen for screen in self.screen_stack if hasattr(screen, "save_now") and not screen.save_now()
        ]
        if unsaved and not self._quit_unsaved:
            self._quit_unsaved = True
            self.notify(
                "Your latest changes could not be saved (the case screen says why). Press Ctrl+Q again to "
                "quit: your text is then kept in a recovery file, whose name A4 shows as it closes.",
                title="Not saved",
                severity="error",
                timeout=20,
            )
            return
        kept: list[str] = []
        for screen in unsaved:
            try:
                path = screen.keep_unsaved_copy() if hasattr(screen, "keep_unsaved_copy") else None
            except OSError as error:
                self.notify(f"Your text could not be kept in a recovery file ({error.strerror}); A4 stays "
                            "open so it is not lost.", title="Not saved", severity="error",
                            markup=False)  # fmt: skip
                self._quit_unsaved = False
                return
            if path is not None:
                kept.append(str(path))
        message = "a4: unsaved text kept in " + ", ".join(kept) + " (a4 import reads it)" if kept else None
        self.exit(message=message)


# ---------------------------------------------------------------- starting from the command line


def binding_ids() -> set[str]:
    """Every binding id a user may remap in the config's [keys] table.

    Read from the classes themselves (every screen and widget A4 defines,
    and the Textual widgets they use), so a new binding is remappable the
    moment it is written.
    """
    for module in SCREEN_MODULES:
        importlib.import_module(module)  # defines the screens' widgets, and so their bindings
    ids: set[str] = set()
    pending: list[type] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        ids.update(b.id for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding) and b.id)
    return ids


def theme_names() -> set[str]:
    from textual.theme import BUILTIN_THEMES

    return set(BUILTIN_THEMES) | {theme.name for theme in THEMES}


def summarise(heading: str, problems: Sequence[str], advice: str) -> str:
    """One notice for many problems: the first few, then how many more and what to do."""
    shown = list(problems[:NOTICE_LINES])
    if len(problems) > NOTICE_LINES:
        shown.append(f"…and {len(problems) - NOTICE_LINES} more.")
    return "\n".join([heading, *shown, *([advice] if advice else [])])


def build_app(args: argparse.Namespace) -> A4App:
    """The app over the store, forms and config found on this machine (raises StoreError, OSError).

    Problems in forms or config never stop the app: they become notices
    shown on its first screen, and defaults stand in for what was wrong.
    """
    from dataclasses import replace

    from forms.definition.registry import load_registry
    from storage.connect import open_store
    from tui.config import config_path, load_config, user_forms_dir

    # Today's backup is written in a thread while the first screen is drawn; saves wait for it.
    store = open_store(
        args.data_dir, getattr(args, "db", None), config_file=config_path(), backup_in_background=True
    )
    team = store if isinstance(store, TeamStore) else None
    # A team store's saves held while its server was away; the embedded store's backup or full disk.
    notices = list(getattr(store, "notices", ()))
    own_forms = user_forms_dir()
    registry, form_errors = load_registry([*([own_forms] if own_forms else []), *map(Path, args.forms)])
    if form_errors:
        notices.append(
            summarise(
                "Some forms could not be loaded:",
                [str(e) for e in form_errors],
                "Run `a4 forms check DIR` for the full list.",
            )
        )
    config, config_problems = load_config(config_path(), binding_ids=binding_ids, themes=theme_names())
    if config_problems:
        notices.append(summarise("Problems in your config (defaults used):", config_problems, ""))
    if team:  # on a team database you are who you logged in as, in the role the server gives you
        config = replace(config, user=team.login, role=team.role)
    return A4App(store=store, registry=registry, config=config, notices=notices)


def run_app(args: argparse.Namespace) -> int:
    """Run A4 until the user quits; a store that cannot be opened is explained on stderr (exit 1)."""
    try:
        app = build_app(args)
    except StoreError as error:
        print(f"a4: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"a4: cannot use the data folder {error.filename} ({error.strerror}).", file=sys.stderr)
        return 1
    app.report_dir = args.data_dir
    try:
        app.run()
    finally:
        app.store.close()
    if not app.backup_told:  # closed before today's backup was done: say it here, never not at all
        for notice in late_backup_notices(app.store, app.notices):
            print(f"a4: {notice}", file=sys.stderr)
    return app.return_code or 0


def late_backup_notices(store: Store, shown: Sequence[str]) -> list[str]:
    """What today's backup, written in the background, has to say and was not said at start-up; waits
    for it.  (Only the embedded store backs up: a team server keeps its own.)"""
    wait = getattr(store, "backup_notices", None)
    return [notice for notice in (wait() if wait is not None else ()) if notice not in shown]

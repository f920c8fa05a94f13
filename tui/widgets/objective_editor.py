"""One sentence-plan objective, filled in one line per field, with its areas, steps and progress.

The editor keeps its own copy of the objective and posts `Changed` with a
new copy on every edit, so the plan screen holds the only plan and decides
when to check and save it.  Areas are linked with one key each, and step
statuses are set with one key each: nothing here needs a mouse or a menu.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Callable, Sequence
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from forms.model import PLAN_FIELDS, Objective, PlanTemplate, Step
from forms.record.dates import format_long, parse_date
from forms.record.plan import OBJECTIVE_STATUSES, STEP_STATUS_LABELS, long_date

AREA_KEYS = string.digits[1:] + string.ascii_lowercase
"""Keys that link areas, in order: 1–9, then a–z."""

STEP_KEYS: dict[str, str] = {
    "n": "not_started",
    "i": "in_progress",
    "d": "done",
    "c": "cannot_yet",
    "x": "no_longer_needed",
}

LINE_FIELDS: tuple[str, ...] = tuple(f for f in PLAN_FIELDS if f != "areas")

DEFAULT_LABELS: dict[str, str] = {
    "goal": "Objective, in the person's words",
    "actions": "What will be done",
    "who": "Who does it",
    "by": "By when",
    "measure": "How progress will show",
    "areas": "Areas it addresses",
}


class AreaPicker(Widget, can_focus=True):
    """The linked areas, each toggled with one key (1–9, then a–z)."""

    class Changed(Message):
        def __init__(self, picker: AreaPicker) -> None:
            super().__init__()
            self.picker = picker

        @property
        def control(self) -> AreaPicker:
            return self.picker

    def __init__(
        self, areas: Sequence[tuple[str, str]], chosen: Sequence[str], *, id: str | None = None
    ) -> None:
        """`areas`: (section id, title) of each linked area; `chosen`: the ids the objective lists."""
        super().__init__(id=id)
        self.areas = list(areas)
        known = {a for a, _ in self.areas}
        self.chosen = list(chosen)
        self.others = [a for a in chosen if a not in known]
        """Areas the objective lists that are not linked now: kept, shown, not toggled."""

    def on_key(self, event: events.Key) -> None:
        index = AREA_KEYS.find(event.character) if event.character else -1
        if 0 <= index < len(self.areas):
            event.stop()
            event.prevent_default()
            area = self.areas[index][0]
            if area in self.chosen:
                self.chosen.remove(area)
            else:
                self.chosen.append(area)
            self.refresh()
            self.post_message(self.Changed(self))

    def render(self) -> Text:
        if not self.areas:
            return Text("No area is marked as linked to offending or harm yet.", style="italic")
        text = Text()
        for index, (area, title) in enumerate(self.areas):
            mark = "✓" if area in self.chosen else "·"
            text.append(
                f"[{AREA_KEYS[index]}] {mark} {title}   ", style="bold" if area in self.chosen else ""
            )
        for area in self.others:
            text.append(f"(also {area}, no longer linked)  ", style="italic")
        return text


class StepStatus(Widget, can_focus=True):
    """A step's status, one key each: [n]ot started, [i]n progress, [d]one, [c]annot yet, [x] not needed."""

    class Changed(Message):
        def __init__(self, status: StepStatus) -> None:
            super().__init__()
            self.status_widget = status

        @property
        def control(self) -> StepStatus:
            return self.status_widget

    def __init__(self, status: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = status

    def on_key(self, event: events.Key) -> None:
        status = STEP_KEYS.get((event.character or "").lower())
        if status is not None:
            event.stop()
            event.prevent_default()
            self.status = status
            self.refresh()
            self.post_message(self.Changed(self))

    def render(self) -> str:
        return f"{STEP_STATUS_LABELS.get(self.status, self.status)}  (n/i/d/c/x)"


class ObjectiveEditor(Vertical):
    """The fields of one objective, one line each; posts `Changed` with the edited objective."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "app.focus_next", "Next field", show=False, id="plan.field_down"),
        Binding("up", "app.focus_previous", "Previous field", show=False, id="plan.field_up"),
    ]

    class Changed(Message):
        def __init__(self, editor: ObjectiveEditor, objective: Objective) -> None:
            super().__init__()
            self.editor = editor
            self.objective = objective

        @property
        def control(self) -> ObjectiveEditor:
            return self.editor

    def __init__(
        self,
        template: PlanTemplate | None,
        areas: Sequence[tuple[str, str]],
        today: Callable[[], date],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.labels = {**DEFAULT_LABELS, **(template.labels if template else {})}
        self.help = dict(template.help) if template else {}
        self.areas = list(areas)
        self.today = today
        self.objective: Objective | None = None
        self.number = 0

    # ------------------------------------------------------------ building

    async def show(self, objective: Objective | None, number: int) -> None:
        """Edit `objective` (the `number`th of the plan), or show that there is none yet."""
        self.objective = dataclasses.replace(objective) if objective else None
        self.number = number
        await self.recompose()

    def compose(self) -> ComposeResult:
        objective = self.objective
        if objective is None:
            yield Static(
                "No objective yet: Ctrl+N adds one, F4 starts from a suggestion.", classes="plan-empty"
            )
            return
        status = OBJECTIVE_STATUSES.get(objective.status, objective.status)
        yield Static(f"Objective {self.number} · {status}", classes="objective-title")
        for name in LINE_FIELDS:
            yield Static(self.labels[name], classes="field-label", markup=False)  # the form's words
            value = objective.by if name == "by" else getattr(objective, name)
            field = Input(
                value, placeholder=self.help.get(name, ""), id=f"field-{name}", select_on_focus=False
            )
            if name == "by":
                with Horizontal(classes="by-row"):
                    yield field
                    yield Static(self._date_note(value), id="by-long", classes="by-long", markup=False)
            else:
                yield field
        yield Static(f"{self.labels['areas']} (one key each)", classes="field-label", markup=False)
        yield AreaPicker(self.areas, objective.areas, id="field-areas")
        yield Static("Steps (Ctrl+T adds one): what, then who · status", classes="field-label")
        for index, step in enumerate(objective.steps):
            # "what" has the whole width: beside who and status it was ~18 characters at 80 columns
            yield Input(step.what, placeholder="What", id=f"step-{index}-what", select_on_focus=False)
            with Horizontal(classes="step-row"):
                yield Input(step.who, placeholder="Who", id=f"step-{index}-who", select_on_focus=False)
                yield StepStatus(step.status, id=f"step-{index}-status")
        yield Static(self._history(objective), classes="progress-history", markup=False)

    def _date_note(self, text: str) -> str:
        """What the typed date means, in full, or what to type instead."""
        if not text.strip():
            return ""
        try:
            return format_long(parse_date(text, self.today()))
        except ValueError as error:
            return str(error)

    @staticmethod
    def _history(objective: Objective) -> str:
        if not objective.progress:
            return "Progress: none recorded yet (F7 marks progress)."
        lines = ["Progress:"]
        for note in objective.progress:
            label = OBJECTIVE_STATUSES.get(note.status, note.status)
            lines.append(f"  {long_date(note.on)} · {label}{' · ' + note.note if note.note else ''}")
        return "\n".join(lines)

    # ------------------------------------------------------------ focus

    def focus_field(self, name: str) -> None:
        """Focus one field ("goal", "by", "areas", …) of the objective shown."""
        found = self.query(f"#field-{name}")
        if found:
            # Screen.set_focus, not Widget.focus: the focus moves now, before the next key is read.
            self.screen.set_focus(found.first())

    # ------------------------------------------------------------ edits

    def _post(self) -> None:
        if self.objective is not None:
            self.post_message(self.Changed(self, dataclasses.replace(self.objective)))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        objective, widget_id = self.objective, event.input.id or ""
        if objective is None:
            return
        if widget_id.startswith("field-"):
            name = widget_id.removeprefix("field-")
            value = self._stored_date(event.value) if name == "by" else event.value
            if name == "by":
                self.query_one("#by-long", Static).update(self._date_note(event.value))
            if getattr(objective, name) == value:
                return
            setattr(objective, name, value)
        elif widget_id.startswith("step-"):
            _, index, part = widget_id.split("-")
            steps = list(objective.steps)
            step = steps[int(index)]
            if getattr(step, part) == event.value:
                return
            steps[int(index)] = dataclasses.replace(step, **{part: event.value})
            objective.steps = steps
        self._post()

    def _stored_date(self, text: str) -> str:
        """The ISO date typed, or the text as typed when it is no date (the SMART check then says so)."""
        if not text.strip():
            return ""
        try:
            return parse_date(text, self.today()).isoformat()
        except ValueError:
            return text.strip()

    def on_area_picker_changed(self, event: AreaPicker.Changed) -> None:
        event.stop()
        if self.objective is not None:
            self.objective.areas = list(event.picker.chosen)
            self._post()

    def on_step_status_changed(self, event: StepStatus.Changed) -> None:
        event.stop()
        if self.objective is None:
            return
        index = int((event.status_widget.id or "step-0").split("-")[1])
        steps = list(self.objective.steps)
        steps[index] = dataclasses.replace(steps[index], status=event.status_widget.status)
        self.objective.steps = steps
        self._post()

    async def add_step(self) -> None:
        """Add an empty step and put the cursor in it."""
        if self.objective is None:
            return
        self.objective.steps = [*self.objective.steps, Step(what="")]
        self._post()
        await self.recompose()
        self.screen.set_focus(self.query_one(f"#step-{len(self.objective.steps) - 1}-what", Input))

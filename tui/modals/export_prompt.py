"""The case screen's export prompt: pick a format with one key, the record is written, A4 says where.

Two more keys make the copy for the person on probation (Markdown or the
A4 sheet), without the answers the form withholds, as `a4 export --for
person` does; it is written beside the team's file, never over it.

Written to a folder the practitioner can change (default `~/a4-exports`;
the last folder exported to is remembered, see `tui.remembered`), one file
per export named by case and record, readable by its owner only.  Enter in
the folder field exports in the format highlighted in the list.
The text is the same as `a4 export` writes, from the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from exports.batch import FORMATS, Exportable, ExportProblem
from forms.conditions.visibility import NOTHING
from forms.model import AssessmentForm, Case, Record, Rubric
from storage.store import Store, StoreError
from tui.remembered import EXPORT_FOLDER, recall, remember

DEFAULT_FOLDER = "~/a4-exports"
KEYS: dict[str, str] = {"md": "m", "json": "j", "fhir": "f", "csv": "c", "sheet": "s"}
"""One key per format, shown in the list."""
PERSON_KEYS: dict[str, str] = {"md": "p", "sheet": "o"}
"""One key per copy for the person on probation (the form's withheld answers left out), after the formats."""
CHOICES: tuple[tuple[str, bool], ...] = (*((n, False) for n in KEYS), *((n, True) for n in PERSON_KEYS))
"""(format, for the person) in the list's order, so Enter can export the highlighted one."""
PERSON_SUFFIX = "for-person"
"""Added before a person's copy's extension, so it never overwrites the team's file of the same record."""


class ExportPrompt(ModalScreen[Path | None]):
    """A format's key (or Enter on it) exports, Escape goes back; dismisses with the file."""

    CSS_PATH = "export_prompt.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
        *(Binding(key, f"export('{name}')", FORMATS[name].label, show=False, id=f"export.{name}")
          for name, key in KEYS.items()),
        *(Binding(key, f"export('{name}', True)", f"{FORMATS[name].label}, copy for the person", show=False,
                  id=f"export.person.{name}")
          for name, key in PERSON_KEYS.items()),
    ]  # fmt: skip

    def __init__(
        self,
        store: Store,
        form: AssessmentForm,
        case: Case,
        record: Record,
        rubric: Rubric | None = None,
        previous: Mapping[str, Any] = NOTHING,
    ) -> None:
        super().__init__(classes="export-prompt")
        self.store = store
        self.form = form
        self.case = case
        self.record = record
        self.rubric = rubric
        """The form's QA rubric, for the sheet's QA line."""
        self.previous = previous
        """The answers of the record this one reviews or amends, which that line's rules may read."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="export-box"):
            yield Static(f"Export the record of {self.case.ref} as:", markup=False)
            yield OptionList(
                *(Option(f"[{KEYS[f.name]}] {f.label}", id=f.name) for f in FORMATS.values()),
                *(
                    Option(f"[{key}] {FORMATS[name].label}: copy for the person", id=f"person:{name}")
                    for name, key in PERSON_KEYS.items()
                ),
                classes="export-formats",
            )
            yield Static("Into the folder (Tab to change it):", markup=False)
            yield Input(recall(EXPORT_FOLDER) or DEFAULT_FOLDER, classes="export-folder")
            yield Static("", classes="export-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0  # what Enter in the folder field exports

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the folder field exports in the highlighted format."""
        event.stop()
        index = self.query_one(OptionList).highlighted
        if index is None:
            self.query_one(".export-error", Static).update(
                "Choose a format first: press its letter, or Tab to the list and pick one."
            )
            return
        self.action_export(*CHOICES[index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        audience, _, name = str(event.option.id).rpartition(":")
        self.action_export(name, audience == "person")

    def action_export(self, name: str, person: bool = False) -> None:
        """Export in format `name`; with `person`, the copy for the person (withheld answers left out)."""
        from exports.files import file_name, write_private
        from storage.location import ensure_private_dir

        fmt = FORMATS[name]
        typed = self.query_one(".export-folder", Input).value.strip() or DEFAULT_FOLDER
        folder = Path(typed).expanduser()
        try:
            audit = tuple(self.store.audit_trail(self.record.id))
            corrected = tuple(self.store.case_changes(self.case.ref, owner=self.case.owner))
            item = Exportable(self.case, self.record, self.form, audit, self.rubric, previous=self.previous,
                              corrected=corrected)  # fmt: skip
            item = item.copy_for_person() if person else item
            extension = f"{PERSON_SUFFIX}.{fmt.extension}" if person else fmt.extension
            ensure_private_dir(folder)
            path = folder / file_name(self.case.ref, self.record.id, extension)
            write_private(path, fmt.render(item), replace=True)  # a new export of the same record
        except (OSError, StoreError, ExportProblem) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            self.query_one(".export-error", Static).update(
                f"Could not export there ({reason}). Try another folder, for example your home folder."
            )
            return
        remember(EXPORT_FOLDER, typed)
        what = f"{fmt.label}, the copy for the person," if person else fmt.label
        self.app.notify(f"Exported as {what} to {path}", markup=False)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""What the form preview shows besides A4's real screens: its error panel, a waiting screen, rubric findings.

Assessments and plan templates are previewed in the very screens
practitioners use; these views cover what those screens cannot: a file that
does not load (yet), and a rubric, whose result is the list of what its
checks find in a sample record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from forms.checks.findings import CriterionResult, summary
from forms.definition.errors import FormError
from forms.model import AssessmentForm, Rubric
from tui.widgets.key_bar import KeyBar

STATE_WORDS: dict[str, str] = {
    "met": "✓ met",
    "not_met": "✗ not met",
    "needs_grader": "… checks pass; a QA assessor grades it",
}


class ErrorPanel(Static):
    """Every problem in the previewed file, docked over the last good version until the file is fixed."""

    DEFAULT_CSS = """
    ErrorPanel {
        dock: top;
        height: auto;
        max-height: 50%;
        overflow-y: auto;
        padding: 0 1;
        border: heavy $error;
        background: $error 15%;
    }
    """

    def show_errors(self, errors: Sequence[FormError], kept: bool) -> None:
        """List `errors`; `kept` says whether an earlier good version is still on screen."""
        count = len(errors)
        head = f"{count} problem{'s' if count != 1 else ''} in the file"
        head += (
            ": the last good version stays on screen until you fix and save it."
            if kept
            else ": fix and save it to see the form."
        )
        self.update("\n".join([head, *(f"  {error}" for error in errors)]))


class WaitingScreen(Screen[None]):
    """Shown until the previewed file first loads without problems."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.quit", "Quit", id="preview.quit")]

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file

    def compose(self) -> ComposeResult:
        yield Static(f"Previewing {self.file}. It is read again every time you save it.", markup=False)
        yield KeyBar()


class RubricFindings(Screen[None]):
    """Each criterion of a rubric with what its checks find in a sample record."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", id="preview.close")]

    def __init__(self, rubric: Rubric, form: AssessmentForm, results: Sequence[CriterionResult]) -> None:
        super().__init__()
        self.rubric = rubric
        self.form = form
        self.results = tuple(results)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text(), id="rubric-findings", markup=False)
        yield KeyBar()

    def text(self) -> str:
        """The findings as plain lines (also what the tests read)."""
        passed, judged = summary(self.results)
        lines = [
            f"{self.rubric.header.title} {self.rubric.version}, on a sample record of "
            f"{self.form.header.title} {self.form.version}",
            f"Automatic checks pass for {passed} of {judged} criteria.",
            "",
        ]
        for result in self.results:
            lines.append(f"{result.criterion.title}: {STATE_WORDS[result.state]}")
            lines.extend(f"  - {finding.message}  [{finding.path}]" for finding in result.findings)
        return "\n".join(lines)

    def action_close(self) -> None:
        self.dismiss(None)

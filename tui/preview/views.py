"""What the form preview shows besides A4's real screens: its error panel, a waiting screen, rubric findings.

Assessments and plan templates are previewed in the very screens
practitioners use; these views cover what those screens cannot: a file that
does not load (yet), and a rubric, whose result is the list of what its
checks find in a sample record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from exports.escape import for_terminal
from forms.checks.findings import CriterionResult, summary
from forms.checks.judged import PLAN, judged_paths
from forms.definition.errors import FormError
from forms.model import AssessmentForm, Record, Rubric
from forms.record.review import answer_text
from tui.widgets.key_bar import KeyBar

ANSWER_WIDTH = 70
"""A judged answer is cut to this many characters: enough to recognise it, one line each."""

STATE_WORDS: dict[str, str] = {
    "met": "✓ met",
    "not_met": "✗ not met",
    "needs_grader": "… checks pass; a QA assessor grades it",
    "not_yet": "· not yet: every answer it reads is blank",
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
    """Each criterion of a rubric with what its checks find in a sample record, and the answers they read.

    The sample's answers are shown under the check that judged them, so a
    trainer can see whether a check looks at what was meant; `e` opens the
    sample in the case screen to change them and see the checks again.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="preview.close"),
        Binding("e", "edit", "Edit the sample answers", id="preview.edit_sample"),
    ]

    def __init__(
        self,
        rubric: Rubric,
        form: AssessmentForm,
        record: Record,
        results: Sequence[CriterionResult],
        *,
        edit: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.rubric = rubric
        self.form = form
        self.record = record
        self.results = tuple(results)
        self._edit = edit

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text(), id="rubric-findings", markup=False)
        yield KeyBar()

    def show(self, record: Record, results: Sequence[CriterionResult]) -> None:
        """Show the findings for an edited sample."""
        self.record = record
        self.results = tuple(results)
        self.query_one("#rubric-findings", Static).update(self.text())

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
            paths = dict.fromkeys(
                path for check in result.criterion.checks for path in judged_paths(check, self.form)
            )
            lines.extend(f"    {self._answer(path)}" for path in paths)
        return "\n".join(lines)

    def _answer(self, path: str) -> str:
        """One judged answer as a line: its path and its value, cut to fit."""
        if path == PLAN:
            count = len(self.record.plan)
            return f"judged the plan: {count} objective{'s' if count != 1 else ''}"
        value = self.record.answers.get(path)
        question = self.form.question(path)
        words = answer_text(question, value) if question is not None else str(value)
        shown = "(unanswered)" if value is None else for_terminal(" ".join(words.split()))
        if len(shown) > ANSWER_WIDTH:
            shown = shown[: ANSWER_WIDTH - 1] + "…"
        return f"judged {path}: {shown}"

    def action_edit(self) -> None:
        if self._edit is not None:
            self._edit()

    def action_close(self) -> None:
        self.dismiss(None)

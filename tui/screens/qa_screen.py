"""The QA panel: every criterion of the rubric, met / not met / needs a grader, with its findings.

One line per finding, in the words the check or the trainer wrote; Enter on
a finding closes the panel with it, and the case screen puts the cursor at
the exact place to fix it
(the section, the question, the group entry or the plan field, and for
wording the phrase itself, selected).  The panel shows the latest results
of the live checks, so opening it never waits for a run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from exports.escape import for_terminal
from forms.checks.findings import CriterionResult, Finding, not_yet, summary
from forms.record.overrides import finding_key
from tui.widgets.hanging import hanging
from tui.widgets.key_bar import KeyBar

STATE_WORDS: dict[str, str] = {
    "met": "✓ met",
    "not_met": "✗ not met",
    "needs_grader": "? needs a grader",
    "not_yet": "· not yet",
}
"""Each state in words with a sign, so it never depends on colour."""


@dataclass(frozen=True)
class Place:
    """Where a finding's path points: a section, and within it a question, group entry or plan field."""

    section: str = ""
    question: str = ""
    entry: int | None = None
    field: str = ""
    objective: str = ""

    @property
    def in_plan(self) -> bool:
        return bool(self.objective)


_PLAN = re.compile(r"^plan\[(?P<objective>[^\]]+)\]\.(?P<field>\w+)$")
_ENTRY = re.compile(r"^(?P<section>[^.\[]+)\.(?P<question>[^.\[]+)\[(?P<entry>\d+)\]\.(?P<field>\w+)$")


def place_of(path: str) -> Place:
    """The place a finding's path names (see `forms.checks.findings` for the path forms)."""
    if found := _PLAN.match(path):
        return Place(section="plan", objective=found["objective"], field=found["field"])
    if found := _ENTRY.match(path):
        return Place(found["section"], found["question"], int(found["entry"]), found["field"])
    section, _, question = path.partition(".")
    return Place(section, question)


class PanelLine(NamedTuple):
    """One line of the panel: a lead (state words or an indented arrow), its text, and its finding."""

    lead: str
    text: str
    finding: Finding | None = None

    @property
    def plain(self) -> str:
        return self.lead + self.text


def panel_lines(
    results: Sequence[CriterionResult], reasons: Mapping[str, str] | None = None
) -> list[PanelLine]:
    """The panel's lines: each criterion with its state, then its findings indented under it.

    `reasons` are the author's reasons for submitting past findings, by
    `finding_key`: each shows under the finding it answers.
    """
    lines: list[PanelLine] = []
    for result in results:
        lines.append(PanelLine(f"{STATE_WORDS[result.state]:<18} ", result.criterion.title))
        for finding in result.findings:
            lines.append(PanelLine("    → ", finding.message, finding))
            if reason := (reasons or {}).get(finding_key(finding)):
                lines.append(PanelLine("        reason given: ", for_terminal(reason)))
    return lines


class QAScreen(Screen[Finding | None]):
    """The rubric's criteria and findings for the open record; dismisses with the finding to go to."""

    CSS_PATH = "qa_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back to the assessment", id="qa.close"),
        Binding("enter", "go", "Go to finding", id="qa.go", show=True),
    ]

    def __init__(
        self,
        results: Sequence[CriterionResult],
        *,
        status: str,
        note: str = "",
        reasons: Mapping[str, str] | None = None,
    ) -> None:
        """`note` is one extra line under the summary (grades given, returned comments waiting); `reasons`
        the author's reasons for submitting past findings, by `finding_key`."""
        super().__init__(classes="qa-panel")
        self.results = list(results)
        self.status = status
        self.note = note
        self.lines = panel_lines(self.results, reasons)

    def compose(self) -> ComposeResult:
        met, judged = summary(self.results)
        graders = sum(r.state == "needs_grader" for r in self.results)
        with Vertical(classes="qa-box"):
            yield Static("Quality assurance", classes="qa-title")
            yield Static(
                f"QA {met}/{judged} automatic criteria met · {not_yet(self.results)} not yet (nothing to "
                f"judge) · {graders} for a QA assessor to grade · "
                f"record {self.status}. Enter on a finding goes to it; Escape goes back.",
                classes="qa-summary",
                markup=False,
            )
            if self.note:
                yield Static(self.note, classes="qa-note", markup=False)
            yield OptionList(
                *(
                    Option(hanging(line.lead, line.text), id=str(index), disabled=line.finding is None)
                    for index, line in enumerate(self.lines)
                ),
                classes="qa-findings",
                markup=False,
            )
        yield KeyBar()

    def on_mount(self) -> None:
        findings = self.query_one(OptionList)
        first = next((i for i, line in enumerate(self.lines) if line.finding is not None), None)
        findings.highlighted = first
        findings.focus()

    def finding_at(self, index: int | None) -> Finding | None:
        return None if index is None else self.lines[index].finding

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.finding_at(event.option_index))

    def action_go(self) -> None:
        finding = self.finding_at(self.query_one(OptionList).highlighted)
        if finding is not None:
            self.dismiss(finding)

    def action_close(self) -> None:
        self.dismiss(None)

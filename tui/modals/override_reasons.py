"""Submitting while automatic checks still fail: go to a check to fix it, or say why it goes as it is.

Shown by the case screen when the practitioner submits (F10) and the
rubric's automatic checks still find something.  Each failing check has one
short line for the practitioner's reason (`forms.record.overrides`: three
words or more); QA reads each reason beside its check and acknowledges it
before countersigning.  Keyboard only: Enter or ↓ goes to the next reason,
↑ back, Ctrl+G to the place of the check under the cursor, F10 (or Enter on
the last reason) submits.  Escape goes back to the record, and nothing typed
is lost: every dismissal carries the reasons as typed, and the case screen
keeps them on the record (so they are saved, and shown again next time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from forms.checks.findings import Finding
from forms.model import Override
from forms.record.overrides import MIN_REASON_WORDS, finding_key, reason_problem
from tui.widgets.hanging import hanging
from tui.widgets.key_bar import KeyBar


@dataclass(frozen=True)
class ReasonsGiven:
    """How the dialog closed: the reasons as typed (one per check, in order), and what to do next."""

    reasons: tuple[str, ...]
    submit: bool = False
    """Every reason is enough: submit the record with them."""
    go_to: Finding | None = None
    """Go to this check's place in the record to fix it."""


class OverrideReasons(ModalScreen[ReasonsGiven]):
    """The failing checks, each with a line for the reason to submit past it."""

    CSS_PATH = "../screens/qa_screen.tcss"

    DEFAULT_CSS = """
    OverrideReasons { background: $background; }
    OverrideReasons .override-check { padding: 1 0 0 0; }
    OverrideReasons .override-error { text-style: bold; padding: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back (reasons kept)", id="override_reasons.close"),
        Binding("f10", "submit", "Submit with these reasons", id="override_reasons.submit"),
        Binding("ctrl+g", "go", "Go to this check", id="override_reasons.go"),
        Binding("down", "step(1)", "Next reason", show=False, id="override_reasons.next"),
        Binding("up", "step(-1)", "Previous reason", show=False, id="override_reasons.previous"),
    ]

    def __init__(self, findings: Sequence[Finding], given: Mapping[str, Override]) -> None:
        """`given` holds the record's overrides by `finding_key`: reasons typed before fill their lines."""
        super().__init__(classes="signoff")
        self.findings = list(findings)
        self.given = {key: override.reason for key, override in given.items()}

    def compose(self) -> ComposeResult:
        count = len(self.findings)
        with VerticalScroll(classes="qa-box"):
            yield Static("Automatic checks still fail", classes="qa-title")
            yield Static(
                f"{count} check{'s' if count != 1 else ''} still find{'s' if count == 1 else ''} something. "
                "Fix it (Ctrl+G goes to the check), or say in a few words why this record should go to QA "
                f"as it is ({MIN_REASON_WORDS} words or more): QA reads each reason beside its check, and "
                "the audit trail keeps it. F10 submits; Escape goes back and keeps what you typed.",
                classes="qa-summary",
                markup=False,
            )
            for index, finding in enumerate(self.findings):
                yield Static(hanging(f"{index + 1}. ✗ ", finding.message), classes="override-check")
                yield Input(
                    value=self.given.get(finding_key(finding), ""),
                    placeholder="Why submit it as it is? (Enter: next)",
                    id=f"reason-{index}",
                )
            yield Static("", classes="override-error", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        inputs = self._inputs()
        first = next((i for i in inputs if reason_problem(i.value)), inputs[0])
        first.focus()

    def _inputs(self) -> list[Input]:
        return list(self.query(Input))

    def _index(self) -> int:
        """The check whose reason line has the cursor (the first when none has)."""
        focused = self.focused
        inputs = self._inputs()
        return inputs.index(focused) if isinstance(focused, Input) and focused in inputs else 0

    def reasons(self) -> tuple[str, ...]:
        return tuple(i.value.strip() for i in self._inputs())

    @on(Input.Submitted)
    def _next_or_submit(self, event: Input.Submitted) -> None:
        event.stop()
        if self._index() == len(self.findings) - 1:
            self.action_submit()
        else:
            self.action_step(1)

    def action_step(self, step: int) -> None:
        inputs = self._inputs()
        target = self._index() + step
        if 0 <= target < len(inputs):
            inputs[target].focus()
            inputs[target].scroll_visible(animate=False)

    def action_go(self) -> None:
        self.dismiss(ReasonsGiven(self.reasons(), go_to=self.findings[self._index()]))

    def action_submit(self) -> None:
        """Submit when every check has a reason; else name the first that needs one and go to its line."""
        for index, reason in enumerate(self.reasons()):
            if problem := reason_problem(reason):
                self.query_one(".override-error", Static).update(
                    f"Check {index + 1}: {problem}, or fix it (Ctrl+G goes there)."
                )
                self._inputs()[index].focus()
                return
        self.dismiss(ReasonsGiven(self.reasons(), submit=True))

    def action_close(self) -> None:
        self.dismiss(ReasonsGiven(self.reasons()))

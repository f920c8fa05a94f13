"""The sign-off dialogs of the case screen: what blocks a submission, and the QA assessor's grading view.

The rules (who may do what, what blocks a submission, when a second
countersignature is needed) are in `forms.record.signoff`, and the steps that
carry a decision into the store in `storage.signoff`.  These dialogs only
show and ask: `SubmitBlocked` dismisses with the place to go to, `GradingScreen`
with the `Decision`; the case screen carries them out.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from exports.escape import for_markup, for_terminal
from forms.checks.findings import CriterionResult
from forms.model import AssessmentForm, Comment, Grade, Override, Record, Rubric
from forms.record.overrides import finding_key, overrides_by_key, unacknowledged
from forms.record.signoff import Blocker, Decision, signatures_needed, signers
from tui.modals.confirm_key import ConfirmKey
from tui.screens.qa_screen import STATE_WORDS
from tui.widgets.hanging import hanging
from tui.widgets.key_bar import KeyBar

GENERAL = "record"
"""The comment target for the record as a whole (shown under its title)."""


# ---------------------------------------------------------------- submit refused


class SubmitBlocked(ModalScreen[str | None]):
    """What stops a submission, one line each; Enter goes to one (dismisses with its path)."""

    CSS_PATH = "qa_screen.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="submit_blocked.close"),
    ]

    def __init__(self, blockers: Sequence[Blocker]) -> None:
        super().__init__(classes="signoff")
        self.blockers = list(blockers)

    def compose(self) -> ComposeResult:
        count = len(self.blockers)
        with Vertical(classes="qa-box"):
            yield Static("Not ready to submit for QA", classes="qa-title")
            yield Static(
                f"{count} thing{'s' if count != 1 else ''} to finish first. "
                "Enter goes to one; Escape goes back.",
                classes="qa-summary",
            )
            yield OptionList(
                *(Option(b.message, id=str(i)) for i, b in enumerate(self.blockers)),
                classes="qa-findings",
                markup=False,
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.blockers[event.option_index].path)

    def action_close(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------- grading view


class CriterionGrade(Vertical):
    """One hand-graded criterion: its question, what the checks found, a level and a comment."""

    DEFAULT_CSS = """
    CriterionGrade { height: auto; margin: 0 0 1 0; border-left: tall $panel; padding: 0 1; }
    CriterionGrade .grade-title { text-style: bold; }
    CriterionGrade .grade-auto { color: $text-muted; }
    CriterionGrade Horizontal { height: auto; }
    CriterionGrade Select { width: 24; }
    CriterionGrade Input { width: 1fr; }
    """

    def __init__(
        self,
        result: CriterionResult,
        levels: Sequence[str],
        grade: Grade | None,
        overrides: Mapping[str, Override] | None = None,
    ) -> None:
        """`overrides` are the record's, by finding key: each reason shows under the finding it answers."""
        super().__init__(classes="criterion-grade")
        self.result = result
        self.levels = list(levels)
        self.grade = grade
        self.overrides = dict(overrides or {})

    def compose(self) -> ComposeResult:
        criterion = self.result.criterion
        yield Static(criterion.title, classes="grade-title", markup=False)
        if criterion.help:
            yield Static(criterion.help, markup=False)
        found: list[RenderableType] = [Text(f"automatic: {STATE_WORDS[self.result.state]}")]
        for finding in self.result.findings:
            found.append(hanging("  → ", finding.message))
            if override := self.overrides.get(finding_key(finding)):
                found.append(hanging("      reason given: ", reason_line(override)))
        yield Static(Group(*found), classes="grade-auto")
        with Horizontal():
            yield Select(
                [(level, level) for level in self.levels],
                prompt="Grade",
                value=self.grade.level if self.grade else Select.NULL,
                id=f"level-{criterion.id}",
            )
            yield Input(
                value=self.grade.comment if self.grade else "",
                placeholder="Comment on this criterion",
                id=f"comment-{criterion.id}",
            )

    def value(self, user: str, now: str) -> Grade | None:
        level = self.query_one(Select).value
        if level is Select.NULL or not isinstance(level, str):
            return None
        comment = self.query_one(Input).value.strip()
        return Grade(self.result.criterion.id, level, comment, user, now)

    def changed(self) -> bool:
        """Whether the assessor chose or wrote something here that the record does not hold yet."""
        level = self.query_one(Select).value
        chosen = level if isinstance(level, str) else ""
        comment = self.query_one(Input).value.strip()
        given = (self.grade.level, self.grade.comment) if self.grade else ("", "")
        return (chosen, comment) != given


def reason_line(override: Override) -> str:
    """A reason as QA reads it: the words, who gave them and when, and who has acknowledged them."""
    given = ", ".join(filter(None, [override.by or "the author", override.on[:10]]))
    line = for_terminal(f"{override.reason} ({given})")
    if override.acknowledged_by:
        line += f"; acknowledged by {override.acknowledged_by}"
    return line


class OverriddenChecks(Widget):
    """Every check the author submitted past, each with their reason under it, read one by one.

    F3 acknowledges the reason marked ▶ and moves the mark to the next one
    no assessor has acknowledged, so each reason is read on its own before
    countersigning; reasons a first countersigner acknowledged are shown so.
    """

    DEFAULT_CSS = """
    OverriddenChecks { height: auto; margin: 0 0 1 0; border-left: tall $warning; padding: 0 1; }
    """

    def __init__(self, overrides: Sequence[Override], pending: Sequence[Override]) -> None:
        """`pending` are the `overrides` no assessor has acknowledged yet, in the same order."""
        super().__init__(classes="overridden-checks")
        self.overrides = list(overrides)
        self.pending = list(pending)
        self.read = 0
        """How many of `pending` this assessor has acknowledged here (always the first ones)."""

    @property
    def all_read(self) -> bool:
        return self.read >= len(self.pending)

    def acknowledge_next(self) -> None:
        """The reason marked ▶ is acknowledged; the mark moves to the next."""
        self.read = min(self.read + 1, len(self.pending))
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        count = len(self.overrides)
        title = f"Submitted past {count} failing check{'s' if count != 1 else ''}, with the author's reasons:"
        lines: list[RenderableType] = [Text(title, style="bold")]
        done = self.pending[: self.read]
        current = None if self.all_read else self.pending[self.read]
        for override in self.overrides:
            mark = "▶ " if override is current else "✓ " if any(o is override for o in done) else "✗ "
            lines.append(hanging(mark, for_terminal(override.message)))
            reason = reason_line(override)
            if any(o is override for o in done):
                reason += "; acknowledged by you"
            lines.append(hanging("    reason given: ", reason))
        if self.pending and self.all_read:
            lines.append(
                Text(f"✓ You acknowledged {_each(len(self.pending))}; countersign when ready (Ctrl+O).")
            )
        elif self.pending:
            place = f" ({self.read + 1} of {len(self.pending)})" if len(self.pending) > 1 else ""
            ask = f"Read the reason marked ▶{place}, then press F3 to acknowledge it (each one is needed)."
            lines.append(Text(ask, style="bold"))
        return Group(*lines)


def _each(count: int) -> str:
    return "the reason" if count == 1 else f"each of the {count} reasons"


class GradingScreen(ModalScreen[Decision | None]):
    """The QA assessor's view: grade each hand-graded criterion, comment, then return or countersign.

    A record submitted past failing checks shows each check with the
    author's reason beside it; countersigning waits until the assessor
    has acknowledged each one (F3, one reason at a time), and the decision
    carries that acknowledgement.
    """

    CSS_PATH = "qa_screen.tcss"

    DEFAULT_CSS = """
    GradingScreen { background: $background; }
    GradingScreen .comment-row { height: auto; }
    GradingScreen .comment-row Select { width: 36; }
    GradingScreen .comment-row Input { width: 1fr; }
    GradingScreen .decide { height: auto; padding: 1 0; }
    GradingScreen .grading-error { text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back (nothing is saved)", id="grading.close"),
        Binding("ctrl+r", "decide('return')", "Return with comments", id="grading.return"),
        Binding("ctrl+o", "decide('approve')", "Countersign", id="grading.approve"),
        Binding("f3", "acknowledge", "Acknowledge a reason", id="grading.acknowledge"),
    ]

    def __init__(
        self,
        *,
        rubric: Rubric | None,
        form: AssessmentForm,
        record: Record,
        results: Sequence[CriterionResult],
        user: str,
        now: str,
    ) -> None:
        super().__init__(classes="signoff")
        self.rubric = rubric
        self.form = form
        self.record = record
        self.results = [r for r in results if r.criterion.graded]
        self.others = [r for r in results if not r.criterion.graded]
        self.user = user
        self.now = now
        self.comments: list[Comment] = []
        self.second = record.status == "approved"
        self.locks = len(signers(record)) + 1 >= signatures_needed(rubric, form, record)
        """Whether this countersignature is the last one needed, so it locks the record."""
        self.pending = unacknowledged(record)
        """Reasons for checks submitted past that no assessor has acknowledged yet."""
        self._warned = False
        """Whether leaving with unsent grades or comments has been warned about once (`action_close`)."""

    def compose(self) -> ComposeResult:
        needed = signatures_needed(self.rubric, self.form, self.record)
        done = len(signers(self.record))
        sign = "Countersign and lock" if self.locks else f"Countersign ({done + 1} of {needed})"
        with VerticalScroll(classes="qa-box"):
            yield Static(
                for_markup(f"QA assessment of {self.record.case_ref} by {self.record.author}"),
                classes="qa-title",
            )
            yield Static(self._summary(needed, done), classes="qa-summary", markup=False)
            if self.record.overrides:
                yield OverriddenChecks(self.record.overrides, self.pending)
            given = {g.criterion: g for g in self.record.grades}
            overrides = overrides_by_key(self.record)
            for result in self.results:
                levels = self.rubric.levels if self.rubric else ()
                grade = CriterionGrade(result, levels, given.get(result.criterion.id), overrides)
                grade.disabled = self.second
                yield grade
            if self.others:
                lines = [f"{STATE_WORDS[r.state]:<18} {r.criterion.title}" for r in self.others]
                yield Static("Checked automatically:\n" + "\n".join(lines), classes="qa-note", markup=False)
            if not self.second:
                yield Static("Comments for the author (shown beside the section):", classes="qa-note")
                with Horizontal(classes="comment-row"):
                    yield Select(self._targets(), prompt="Where", id="comment-where")
                    yield Input(placeholder="Comment — Enter adds it", id="comment-text")
                yield Static("", id="comment-list", markup=False)
            yield Static("", classes="grading-error", markup=False)
            with Horizontal(classes="decide"):
                if not self.second:
                    yield Button("Return with comments (Ctrl+R)", id="return")
                yield Button(f"{sign} (Ctrl+O)", id="approve", variant="primary")
        yield KeyBar()

    def _summary(self, needed: int, done: int) -> str:
        signed = f" Countersigned by {', '.join(signers(self.record))}." if done else ""
        return (
            f"Status {self.record.status}. This record needs {needed} countersignature"
            f"{'s' if needed != 1 else ''} by people other than its author.{signed}"
        )

    def _targets(self) -> list[tuple[str, str]]:
        return [
            ("The whole record", GENERAL),
            *((s.title, s.id) for s in self.form.sections),
            ("Sentence plan", "plan"),
        ]

    def on_mount(self) -> None:
        first = self.query(Select).first() if not self.second else self.query_one("#approve", Button)
        first.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """F3 is offered only while there are reasons to acknowledge."""
        if action == "acknowledge":
            return not self.acknowledged
        return True

    @property
    def acknowledged(self) -> bool:
        """Whether the assessor has acknowledged each reason still waiting (or none waits)."""
        panels = self.query(OverriddenChecks)
        return not self.pending or (bool(panels) and panels.first().all_read)

    def action_acknowledge(self) -> None:
        """The reason marked ▶ is read: once each one is, countersigning may go on."""
        panel = self.query_one(OverriddenChecks)
        panel.acknowledge_next()
        panel.scroll_visible(animate=False)
        self._error("")
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "comment-text":
            return
        event.stop()
        where = self.query_one("#comment-where", Select).value
        text = event.value.strip()
        if not text or not isinstance(where, str):
            self._error("Choose where the comment belongs and write it, then press Enter.")
            return
        self.comments.append(Comment(uuid.uuid4().hex[:12], where, text, self.user, self.now))
        event.input.value = ""
        titles = dict((value, label) for label, value in self._targets())
        self.query_one("#comment-list", Static).update(
            "\n".join(f"• {titles.get(c.path, c.path)}: {c.text}" for c in self.comments)
        )
        self._error("")

    def _error(self, message: str) -> None:
        self.query_one(".grading-error", Static).update(message)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_decide("return" if event.button.id == "return" else "approve")

    def action_decide(self, action: str) -> None:
        if self.second and action == "return":
            self._error("This record is approved already; it can only be countersigned a second time.")
            return
        grades = tuple(g for w in self.query(CriterionGrade) if (g := w.value(self.user, self.now)))
        if action == "return" and not self.comments and not any(g.comment for g in grades):
            self._error("Say what to change: add a comment before returning the record.")
            return
        if action == "approve" and not self.second and len(grades) < len(self.results):
            self._error("Grade every criterion above before countersigning.")
            return
        if action == "approve" and not self.acknowledged:
            panel = self.query_one(OverriddenChecks)
            left = len(self.pending) - panel.read
            where = "for the checks submitted past (top of this view)"
            what = "the reason" if left == 1 else f"the {left} reasons not yet acknowledged"
            self._error(f"Read {what} {where}, and press F3 to acknowledge each one.")
            panel.scroll_visible(animate=False)
            return
        decision = Decision(
            "return" if action == "return" else "approve",
            () if self.second else grades,
            tuple(self.comments),
            acknowledge_overrides=action == "approve" and bool(self.pending) and self.acknowledged,
        )
        self._error("")
        self.app.push_screen(ConfirmKey(self._question(decision)), lambda yes: self._confirmed(decision, yes))

    def _question(self, decision: Decision) -> str:
        """The one-line question before `decision` is carried out: what it does and that it stays done."""
        if decision.action == "return":
            count = len(decision.comments) + sum(bool(g.comment) for g in decision.grades)
            return (
                f"Return this record to {self.record.author} with {count} comment{'s' if count != 1 else ''}?"
            )
        if self.locks:
            return "Countersign and lock this record for good?"
        return "Countersign this record? A countersignature cannot be taken back."

    def _confirmed(self, decision: Decision, yes: bool | None) -> None:
        if yes:
            self.dismiss(decision)
        else:
            self._error("Nothing was done: the record is as it was.")

    def unsent(self) -> str:
        """What the assessor wrote here that closing would drop, in words ("" when nothing): grades and
        comments reach the record only with a decision, so Escape and Ctrl+Q ask once before dropping them."""
        parts = []
        if graded := sum(1 for w in self.query(CriterionGrade) if w.changed()):
            parts.append(f"{graded} grade{'s' if graded != 1 else ''}")
        typed = any(line.value.strip() for line in self.query("#comment-text").results(Input))
        if self.comments or typed:  # added, or still in the line (none when countersigning a second time)
            parts.append("comments")
        return " and ".join(parts)

    def action_close(self) -> None:
        """Back to the record; grades and comments written here are dropped only on a second Escape."""
        if (unsent := self.unsent()) and not self._warned:
            self._warned = True
            self._error(
                f"The {unsent} you wrote here reach the record only with Ctrl+R or Ctrl+O: "
                "Escape again leaves without them."
            )
            return
        self.dismiss(None)

"""What automatic QA checks report: findings that point at a place in the record, and per-criterion results.

Paths name where the practitioner goes to fix a finding:

    "section.question"             an answer
    "section.question[i].field"    a field of a group entry, i counted from 0
    "plan[<objective id>].field"   a field of a sentence-plan objective
    "section"                      a whole section

Kept apart from the checks themselves so the TUI's QA panel and the exports
can show results without importing the check machinery.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from forms.model import Criterion

CriterionState = Literal["met", "not_met", "needs_grader", "not_yet"]


@dataclass(frozen=True)
class Finding:
    """One thing an automatic check found wrong, and where to fix it."""

    criterion: str
    """Id of the criterion whose check found it."""
    kind: str
    """The check kind that found it."""
    message: str
    """One plain line for the practitioner."""
    path: str
    """Where to fix it (see the module docstring)."""
    span: tuple[int, int] | None = None
    """Character range within the text at `path`, for findings about wording."""
    suggestion: str = ""
    """Suggested alternative wording, for findings about wording."""


@dataclass(frozen=True)
class CriterionResult:
    """A criterion with everything its automatic checks found."""

    criterion: Criterion
    findings: tuple[Finding, ...] = ()
    nothing_to_judge: bool = False
    """Every answer its checks read is still blank (and the plan empty, for plan checks): it is
    "not yet", neither met nor failed — an empty record would otherwise pass most checks."""

    @property
    def automatic(self) -> bool:
        """True when at least one automatic check judges this criterion."""
        return bool(self.criterion.checks)

    @property
    def state(self) -> CriterionState:
        """`not_met` on any finding, else `not_yet` while its checks have nothing to judge, else
        `needs_grader` while an assessor must still grade it, else `met`.

        A graded criterion whose automatic checks all pass still needs the
        assessor: the checks catch gaps, they cannot judge quality.
        """
        if self.findings:
            return "not_met"
        if self.nothing_to_judge:
            return "not_yet"
        if self.criterion.graded:
            return "needs_grader"
        return "met"


def summary(results: Iterable[CriterionResult]) -> tuple[int, int]:
    """(criteria whose automatic checks all pass, criteria with automatic checks that had something to
    judge), for a "QA 6/8" counter; those with nothing to judge yet are counted by `not_yet`."""
    judged = [r for r in results if r.automatic and r.state != "not_yet"]
    return sum(not r.findings for r in judged), len(judged)


def not_yet(results: Iterable[CriterionResult]) -> int:
    """Criteria with automatic checks that have nothing to judge yet (every answer they read is blank)."""
    return sum(r.automatic and r.state == "not_yet" for r in results)


def entry_path(group_path: str, index: int, field_id: str) -> str:
    """The path of one field of one group entry (`index` from 0)."""
    return f"{group_path}[{index}].{field_id}"


def plan_path(objective_id: str, field_name: str) -> str:
    """The path of one field of a sentence-plan objective."""
    return f"plan[{objective_id}].{field_name}"


def next_to_fix(findings: Sequence[Finding], last: Finding | None, last_position: int) -> int:
    """Which of `findings` "fix next" goes to, after it last went to `last` at `last_position`.

    The list shrinks as things are fixed, so a plain counter skips one each
    time a fix lands (finding the next area after fixing one skipped the area
    after it).  The finding after `last` when it is still there; else the one
    that now stands where `last` stood; from the top again after the end.
    """
    if not findings:
        raise ValueError("no findings to go to")
    if last is None:
        return 0
    if last in findings:
        return (list(findings).index(last) + 1) % len(findings)
    return last_position % len(findings)

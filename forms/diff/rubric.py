"""What changed between two versions of a rubric, in the words a QA trainer uses.

Records keep hand-given grades by criterion id and level name, so a removed
criterion, a criterion no longer graded by hand, or changed grade levels
need a major version; anything new to check or grade is minor; titles, help
and finding texts are patch.  Checks have no ids: two versions' checks of
one kind in one criterion are lined up in the order they are written.
"""

from __future__ import annotations

from forms.checks.kinds import CHECK_KINDS
from forms.diff.core import Change, FormDiff, compare, count, header_changes, match, quoted, value_text
from forms.model import Check, Criterion, Rubric

RUBRIC = "The rubric"


def diff_rubrics(old: Rubric, new: Rubric) -> FormDiff:
    """Every change from `old` to `new`: the rubric's own settings, then criterion by criterion."""
    changes: list[Change] = []
    header_changes(changes, RUBRIC, old, new)
    compare(
        changes,
        RUBRIC,
        "judges the assessment form",
        old.form,
        new.form,
        "major",
        "earlier grades were given on another form",
    )
    if old.levels != new.levels:
        levels = f"grade levels {quoted(old.levels)} → {quoted(new.levels)}"
        changes.append(Change(RUBRIC, f"{levels}: earlier grades may not fit", "major"))
    compare(
        changes,
        RUBRIC,
        "second countersignature when",
        old.second_countersign_if,
        new.second_countersign_if,
        "minor",
    )
    criteria = match(old.criteria, new.criteria, lambda c: c.id)
    if criteria.reordered:
        changes.append(Change(RUBRIC, "criteria are in a new order", "minor"))
    for before, criterion in criteria.pairs:
        if before is None:
            changes.append(
                Change(RUBRIC, f"+ criterion {_name(criterion)} added ({_what(criterion)})", "minor")
            )
        else:
            changes.extend(_criterion_changes(before, criterion))
    for criterion in criteria.removed:
        changes.append(
            Change(RUBRIC, f"- criterion {_name(criterion)} removed: its grades cannot carry over", "major")
        )
    return FormDiff(old, new, tuple(changes))


def _criterion_changes(old: Criterion, new: Criterion) -> list[Change]:
    changes: list[Change] = []
    where = f"Criterion {_name(new)}"
    compare(changes, where, "title", old.title, new.title, "patch")
    if old.help != new.help:
        changes.append(Change(where, "help text changed", "patch"))
    if old.graded != new.graded:
        if new.graded:
            changes.append(Change(where, "now graded by hand", "minor"))
        else:
            changes.append(Change(where, "no longer graded by hand: its grades cannot carry over", "major"))
    kinds = list(dict.fromkeys(check.kind for check in (*new.checks, *old.checks)))
    for kind in kinds:
        before = [check for check in old.checks if check.kind == kind]
        after = [check for check in new.checks if check.kind == kind]
        several = max(len(before), len(after)) > 1
        for number in range(max(len(before), len(after))):
            name = f"{kind} check {number + 1}" if several else f"{kind} check"
            if number >= len(before):
                changes.append(Change(where, f"+ {name} added: finds {CHECK_KINDS[kind].doc}", "minor"))
            elif number >= len(after):
                changes.append(Change(where, f"- {name} removed", "minor"))
            else:
                changes.extend(_check_changes(where, name, before[number], after[number]))
    return changes


def _check_changes(where: str, name: str, old: Check, new: Check) -> list[Change]:
    """A check's parameters change what it finds (minor); its finding text is only wording (patch)."""
    changes: list[Change] = []
    for param in dict.fromkeys((*new.params, *old.params)):
        before, after = old.params.get(param), new.params.get(param)
        if before != after:
            changes.append(
                Change(where, f"~ {name}: {param} {value_text(before)} → {value_text(after)}", "minor")
            )
    if old.message != new.message:
        changes.append(Change(where, f"~ {name}: finding text changed", "patch"))
    return changes


def _name(criterion: Criterion) -> str:
    return f"“{criterion.title}” ({criterion.id})"


def _what(criterion: Criterion) -> str:
    checks = count(len(criterion.checks), "check")
    return f"graded by hand, {checks}" if criterion.graded else checks

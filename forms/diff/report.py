"""The diff of any two versions of one definition, as `a4 forms diff` reports it.

`diff_definitions` refuses two files that are not versions of one
definition and hands the rest to their kind's comparison
(`forms.diff.assessment`, `forms.diff.rubric`, `forms.diff.plan`).
Rubrics and plan templates follow the assessment form's versioning rule in
their own terms: a removed criterion or changed grade levels are major, a
new criterion or check is minor, reworded help, titles or suggestions are
patch.

`version_warnings` compares the step the changes need with the step the
trainer made, because a record opens with the version it was written
against: changing a form under the same version changes old records behind
their authors' backs.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.definition.load import semver_key
from forms.diff.assessment import diff_forms
from forms.diff.core import LEVELS, FormDiff, Level
from forms.diff.plan import diff_plans
from forms.diff.rubric import diff_rubrics
from forms.model import AssessmentForm, Definition, PlanTemplate, Rubric


@dataclass(frozen=True)
class _Words:
    """How warnings name one kind of definition and what its larger changes do to records."""

    noun: str
    named: str
    major: str
    minor: str


_WORDS: dict[str, _Words] = {
    "assessment": _Words(
        "form",
        "an assessment form",
        "some earlier answers cannot carry over",
        "the form now asks or behaves differently",
    ),
    "rubric": _Words(
        "rubric", "a rubric", "some earlier grades cannot carry over", "the rubric now judges differently"
    ),
    "plan": _Words(
        "plan template",
        "a plan template",
        "earlier plans no longer fit it",
        "the plan template now guides differently",
    ),
}


def diff_definitions(old: Definition, new: Definition) -> FormDiff:
    """Every change from `old` to `new`, whatever their kind.

    Raises ValueError, with one line to show the trainer, when the two are
    not versions of one definition: a diff between different things would
    list everything and mean nothing.
    """
    words = _WORDS[old.header.kind]
    if old.header.kind != new.header.kind:
        raise ValueError(
            f"{_file(old)} is {words.named} and {_file(new)} is {_WORDS[new.header.kind].named}: "
            "`a4 forms diff` compares two versions of one definition."
        )
    if old.id != new.id:
        raise ValueError(
            f"{_file(old)} is '{old.id}' and {_file(new)} is '{new.id}': records move only between "
            f"versions of one {words.noun}; give the new file the id '{old.id}' if it replaces the old one."
        )
    if isinstance(old, Rubric) and isinstance(new, Rubric):
        return diff_rubrics(old, new)
    if isinstance(old, PlanTemplate) and isinstance(new, PlanTemplate):
        return diff_plans(old, new)
    assert isinstance(old, AssessmentForm) and isinstance(new, AssessmentForm)
    return diff_forms(old, new)


def version_warnings(diff: FormDiff) -> list[str]:
    """Where the new version number does not match what the changes need, with the version to use."""
    old_v, new_v = diff.old.version, diff.new.version
    needs = diff.needs
    words = _WORDS[diff.old.header.kind]
    warnings: list[str] = []
    if semver_key(new_v) < semver_key(old_v):
        warnings.append(f"the new version {new_v} is older than {old_v}: versions only go up.")
        return warnings
    if needs is None:
        return warnings
    made = _step(old_v, new_v)
    if made is None:
        warnings.append(
            f"the {words.noun} changed but its version is still {old_v}: records written against {old_v} "
            f"would open with the changed {words.noun}. Make it {_bump(old_v, needs)}."
        )
    elif LEVELS.index(made) < LEVELS.index(needs):
        why = words.major if needs == "major" else words.minor
        warnings.append(
            f"{why}, which needs a new {needs} version: make it {_bump(old_v, needs)}, not {new_v}."
        )
    return warnings


def render(diff: FormDiff) -> str:
    """The diff as the lines `a4 forms diff` prints, ending with any version warnings."""
    old, new = diff.old, diff.new
    lines = [f"{old.header.kind} {old.id}: version {old.version} → {new.version}"]
    if not diff.changes:
        lines.append("No changes.")
    # Each heading once, where it first comes: an added item lands under the whole form's heading.
    for heading in dict.fromkeys(change.where for change in diff.changes):
        lines.append(heading)
        lines.extend(f"  {change.text}" for change in diff.changes if change.where == heading)
    if diff.needs is not None:
        lines.append(f"These changes need a new {diff.needs} version.")
    lines.extend(f"Warning: {warning}" for warning in version_warnings(diff))
    return "\n".join(lines)


def _file(definition: Definition) -> str:
    return definition.header.source or f"'{definition.id}'"


def _step(old: str, new: str) -> Level | None:
    """The version step from `old` to `new` (None when they are equal)."""
    a, b = semver_key(old), semver_key(new)
    if a == b:
        return None
    if a[:1] != b[:1]:
        return "major"
    return "minor" if a[:2] != b[:2] else "patch"


def _bump(version: str, level: Level) -> str:
    """`version` stepped up by `level`, the lower parts reset."""
    major, minor, patch = semver_key(version)
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"

"""What changed between two versions of a plan template, in the words a trainer uses.

A plan's objectives are the person's own words, never tied to a template's
labels or suggestions, so little here can strand a record: only moving the
template to another assessment form is major.  Which areas a plan must
address and which suggestions are offered change what practitioners are
asked to do (minor); labels, help and reworded suggestions are wording
(patch).  Suggestions have no ids: within an area, the ones that differ are
lined up in the order they are written, so an edited one reads as reworded.
"""

from __future__ import annotations

from forms.diff.core import Change, FormDiff, compare, header_changes, value_text
from forms.model import PLAN_FIELDS, PlanTemplate, Suggestion

PLAN = "The plan template"
FIELDS = "Objective fields"
SUGGESTIONS = "Suggestions"
GIST_WORDS = 8
"""How much of a suggestion's goal names it: enough to find it in the file."""


def diff_plans(old: PlanTemplate, new: PlanTemplate) -> FormDiff:
    """Every change from `old` to `new`: the template's settings, its field wording, then its suggestions."""
    changes: list[Change] = []
    header_changes(changes, PLAN, old, new)
    compare(
        changes,
        PLAN,
        "for the assessment form",
        old.form,
        new.form,
        "major",
        "earlier plans were written for another form",
    )
    compare(changes, PLAN, "areas a plan must address", old.areas_when, new.areas_when, "minor")
    for name in PLAN_FIELDS:
        before, after = old.labels.get(name), new.labels.get(name)
        if before != after:
            changes.append(Change(FIELDS, f"{name} label: {_label(before)} → {_label(after)}", "patch"))
        if old.help.get(name) != new.help.get(name):
            changes.append(Change(FIELDS, f"help for {name} changed", "patch"))
    changes.extend(_suggestion_changes(old.suggestions, new.suggestions))
    return FormDiff(old, new, tuple(changes))


def _suggestion_changes(old: tuple[Suggestion, ...], new: tuple[Suggestion, ...]) -> list[Change]:
    changes: list[Change] = []
    for area in dict.fromkeys(s.area for s in (*new, *old)):
        before = [s for s in old if s.area == area]
        after = [s for s in new if s.area == area]
        gone = [s for s in before if s not in after]
        came = [s for s in after if s not in before]
        for was, now in zip(gone, came, strict=False):
            fields = [
                name for name in ("goal", "actions", "measure") if getattr(was, name) != getattr(now, name)
            ]
            changes.append(
                Change(SUGGESTIONS, f"~ for {area}, {_gist(now)} reworded: {', '.join(fields)}", "patch")
            )
        for suggestion in came[len(gone) :]:
            changes.append(Change(SUGGESTIONS, f"+ for {area}, {_gist(suggestion)} added", "minor"))
        for suggestion in gone[len(came) :]:
            changes.append(Change(SUGGESTIONS, f"- for {area}, {_gist(suggestion)} removed", "minor"))
    return changes


def _label(label: str | None) -> str:
    return value_text(label) if label else "the standard label"


def _gist(suggestion: Suggestion) -> str:
    words = suggestion.goal.split()
    short = " ".join(words[:GIST_WORDS]) + (" …" if len(words) > GIST_WORDS else "")
    return f"“{short}”"

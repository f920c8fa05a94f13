"""The named kinds of automatic QA check, and the parameters each accepts.

This is the single description of the check library: the loader validates a
rubric's `[[criterion.check]]` tables against it, fills in defaults from it,
and the JSON Schema test keeps the shipped schema in step with it.  The
checks themselves are implemented in `forms.checks.library`, one function per kind.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Param:
    """One parameter of a check kind.

    `type` is one of: "condition" (a condition string evaluated in each
    section), "form_condition" (one evaluated once over the whole form, its
    names written section.question), "text" (a string), "question" (a
    question id within a section), "path" (a "section.question" path),
    "sections" (a list of section ids), "int", "bool", "strings" (a list of
    strings), "phrases" (a table of phrase = suggested alternative).
    """

    type: str
    required: bool = False
    default: Any = None
    doc: str = ""


@dataclass(frozen=True)
class CheckKind:
    name: str
    doc: str
    params: dict[str, Param] = field(default_factory=dict)


_SECTIONS = Param("sections", default=None, doc="section ids to check; all sections when left out")

CHECK_KINDS: dict[str, CheckKind] = {
    kind.name: kind
    for kind in (
        CheckKind(
            "required",
            "required questions (shown, or required by require_if) left unanswered",
            {"sections": _SECTIONS},
        ),
        CheckKind(
            "word_budget",
            "long answers over their word budget",
            {
                "sections": _SECTIONS,
                "tolerance": Param("int", default=0, doc="percent allowed over the budget"),
            },
        ),
        CheckKind(
            "text_when",
            "a section where `when` is true but `question` has too few words",
            {
                "when": Param("condition", required=True, doc="evaluated in each section"),
                "question": Param("question", required=True, doc="the question that needs text"),
                "min_words": Param("int", default=1, doc="fewest words that count as an answer"),
                "sections": _SECTIONS,
            },
        ),
        CheckKind(
            "min_sources",
            "too few entries in a group, or entries missing fields",
            {
                "group": Param("path", required=True, doc="the group question, as section.question"),
                "min": Param("int", default=1, doc="fewest entries"),
                "fields": Param("strings", default=[], doc="field ids every entry must fill"),
            },
        ),
        CheckKind(
            "plan_covers",
            "linked areas with no plan objective",
            {"when": Param("condition", default=None, doc="which sections are linked areas")},
        ),
        CheckKind(
            "smart",
            "plan objectives that are not specific, owned, dated and measurable",
            {
                "require": Param(
                    "strings", default=["who", "by", "measure"], doc="fields each objective must fill"
                ),
                "vague": Param("strings", default=[], doc="phrases that only restate a risk factor"),
                "future_dates": Param("bool", default=True, doc="target dates must not have passed"),
            },
        ),
        CheckKind(
            "level_covers_grid",
            "an overall level lower than the highest level in a grid, with no reason given",
            {
                "level": Param("path", required=True, doc="the overall level (a choice question)"),
                "grid": Param("path", required=True, doc="the grid whose levels it must cover"),
                "reason": Param("path", default=None, doc="a text question: why the overall level is lower"),
                "min_words": Param("int", default=5, doc="fewest words that count as a reason"),
            },
        ),
        CheckKind(
            "entries_cover_grid",
            "fewer entries in a group than people or groups at risk in a grid",
            {
                "group": Param("path", required=True, doc="the group with one entry per person or group"),
                "grid": Param("path", required=True, doc="the grid of who is at risk"),
                "min_level": Param("text", default=None, doc="the lowest level in the grid that counts"),
                "row_field": Param(
                    "text",
                    default=None,
                    doc="a choice field of the group whose options are the grid's rows: each row at risk "
                    "needs an entry naming it",
                ),
            },
        ),
        CheckKind(
            "full_assessment_when",
            "a short (layer 1) assessment where the form's rule says a full one is needed",
            {
                "when": Param("form_condition", required=True, doc="true when a full assessment is needed"),
                "reason": Param("text", required=True, doc="why, as the practitioner is told"),
            },
        ),
        CheckKind(
            "phrases",
            "wording to avoid, each with a suggested alternative",
            {
                "phrases": Param("phrases", required=True, doc="phrase = suggested alternative"),
                "sections": _SECTIONS,
            },
        ),
    )
}

SMART_FIELDS: tuple[str, ...] = ("who", "by", "measure")
"""The objective fields a `smart` check may require."""

COMMON_CHECK_KEYS: tuple[str, ...] = ("kind", "message")
"""Keys every check table may carry besides its kind's parameters."""


def with_defaults(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters of a check with every missing optional one set to its default."""
    spec = CHECK_KINDS[kind]
    filled = {name: copy.deepcopy(param.default) for name, param in spec.params.items() if not param.required}
    filled.update(params)
    return filled

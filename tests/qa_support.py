"""Helpers (no tests) shared by the QA and sign-off tests: complete records, waiting for workers."""

from __future__ import annotations

from typing import Any

from forms.model import AssessmentForm, Question

TEXT = "The person explained what happened and what they want to change now."


def value_for(question: Question) -> Any:
    """A valid answer to `question`, whatever its type."""
    if question.type in ("text", "line"):
        return TEXT
    if question.type == "yesno":
        return "no"
    if question.type == "choice":
        return question.options[0].id
    if question.type == "multi":
        return [question.options[0].id]
    if question.type in ("scale", "number"):
        return int(question.min or 0)
    if question.type == "date":
        return "2026-02-20"
    if question.type == "grid":
        return {question.rows[0].id: {question.columns[0].id: question.options[0].id}}
    entry = {f.id: value_for(f) for f in question.fields}
    return [entry, dict(entry)]


def complete_answers(form: AssessmentForm, level: str = "medium") -> dict[str, Any]:
    """Every question of the form answered (life areas not linked), with this risk level."""
    answers = {path: value_for(q) for path, q in form.questions()}
    answers["rosh.level"] = level
    return answers

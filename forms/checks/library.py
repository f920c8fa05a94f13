"""The automatic QA check library: one function per kind in `forms.checks.kinds.CHECK_KINDS`.

A rubric picks and parameterises checks; `run_checks` runs them all over one
record and returns, per criterion, findings that point at the place to fix.
Every check yields `Draft` findings; `run_checks` stamps them with the
criterion and kind, and applies the trainer's own `message` when the check
has one.

The whole rubric runs on every save and on demand in the QA panel, so each
check makes one pass over the answers it looks at, and phrase patterns are
compiled once per distinct phrase table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from forms.checks.context import CheckContext, Draft, condition, is_answered
from forms.checks.findings import CriterionResult, Finding, entry_path, plan_path
from forms.checks.judged import PLAN, judged_paths
from forms.checks.kinds import with_defaults
from forms.checks.plan import PLAN_TITLE, check_plan_covers, check_smart, objective_name
from forms.checks.rules import check_entries_cover_grid, check_full_assessment_when, check_level_covers_grid
from forms.model import AssessmentForm, Check, PlanTemplate, Question, Record, Rubric, Section
from forms.record.words import count_words, text_answers

CheckFunction = Callable[[CheckContext, Mapping[str, Any]], Iterator[Draft]]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# ------------------------------------------------------------------ answers


def _entry_gaps(
    section: Section, question: Question, entries: list[Any], field_ids: list[str]
) -> Iterator[Draft]:
    """Group entries that leave any of `field_ids` unanswered, one draft per missing field."""
    fields = {f.id: f for f in question.fields}
    path = f"{section.id}.{question.id}"
    for index, entry in enumerate(entries):
        for field_id in field_ids:
            if isinstance(entry, Mapping) and is_answered(entry.get(field_id)):
                continue
            field_label = fields[field_id].label if field_id in fields else field_id
            yield Draft(
                f"{section.title}: “{question.label}” entry {index + 1} has no “{field_label}”",
                entry_path(path, index, field_id),
                section.title,
            )


def check_required(ctx: CheckContext, params: Mapping[str, Any]) -> Iterator[Draft]:
    """Shown questions that are required (always, or by `require_if`) and left unanswered.

    Required fields inside group entries are checked entry by entry.
    """
    for section in ctx.sections(params["sections"]):
        for question in section.questions:
            if not ctx.is_visible(section, question):
                continue
            path = f"{section.id}.{question.id}"
            value = ctx.answers.get(path)
            if ctx.is_required(section, question) and not is_answered(value):
                yield Draft(
                    f"{section.title}: “{question.label}” is required but not answered", path, section.title
                )
            elif question.type == "group" and isinstance(value, list):
                required_fields = [f.id for f in question.fields if f.required]
                yield from _entry_gaps(section, question, value, required_fields)


def check_word_budget(ctx: CheckContext, params: Mapping[str, Any]) -> Iterator[Draft]:
    """Text answers (group text fields included) longer than their word budget plus `tolerance` percent."""
    allowance = 100 + params["tolerance"]
    for answer in text_answers(ctx.form, ctx.answers, ctx.sections(params["sections"])):
        budget = answer.asked.word_budget
        if budget is None or not ctx.is_visible(answer.section, answer.question):
            continue
        words = count_words(answer.text)
        if words * 100 > budget * allowance:
            yield Draft(
                f"{answer.section.title}: “{answer.label}” has {_count(words, 'word', 'words')}; "
                f"its budget is {budget}",
                answer.path,
                answer.section.title,
            )


def check_text_when(ctx: CheckContext, params: Mapping[str, Any]) -> Iterator[Draft]:
    """Sections where `when` holds but `question` has fewer than `min_words` words."""
    when = condition(params["when"])
    wanted = params["min_words"]
    for section in ctx.sections(params["sections"]):
        question = section.question(params["question"])
        if question is None or not ctx.applies(section, when):
            continue
        path = f"{section.id}.{question.id}"
        text = ctx.answers.get(path)
        words = count_words(text) if isinstance(text, str) else 0
        if words >= wanted:
            continue
        shortfall = (
            "is empty" if words == 0 else f"has only {_count(words, 'word', 'words')} ({wanted} needed)"
        )
        yield Draft(
            f"{section.title}: {ctx.because(section, when)}“{question.label}” {shortfall}",
            path,
            section.title,
        )


def check_min_sources(ctx: CheckContext, params: Mapping[str, Any]) -> Iterator[Draft]:
    """Too few entries in the group at `group`, and entries that leave any of `fields` empty."""
    group_path = params["group"]
    section_id, _, question_id = group_path.partition(".")
    section = next((s for s in ctx.visible if s.id == section_id), None)
    question = section.question(question_id) if section else None
    if section is None or question is None or not ctx.is_visible(section, question):
        return
    entries = ctx.answers.get(group_path)
    entries = entries if isinstance(entries, list) else []
    if len(entries) < params["min"]:
        yield Draft(
            f"{section.title}: “{question.label}” has {_count(len(entries), 'entry', 'entries')}; "
            f"at least {params['min']} needed",
            group_path,
            section.title,
        )
    yield from _entry_gaps(section, question, entries, list(params["fields"]))


# ------------------------------------------------------------------ wording


@dataclass(frozen=True)
class _PhraseTable:
    pattern: re.Pattern[str]
    suggestions: dict[str, str]
    """Suggested alternative keyed by the phrase in lower case with single spaces."""


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


@lru_cache(maxsize=64)
def _phrase_table(phrases: tuple[tuple[str, str], ...]) -> _PhraseTable:
    """One case-insensitive pattern for a whole phrase table, longest phrase first so it wins.

    Phrases match on word boundaries and across any run of spaces or line breaks.
    """
    ordered = sorted((p for p, _ in phrases if p.strip()), key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return _PhraseTable(pattern, {_normal(p): s for p, s in phrases})


def _phrase_drafts(
    table: _PhraseTable, text: str, path: str, where: str, section_title: str
) -> Iterator[Draft]:
    for match in table.pattern.finditer(text):
        suggestion = table.suggestions.get(_normal(match.group()), "")
        advice = f"consider “{suggestion}”" if suggestion else "consider rewording"
        yield Draft(f"{where}: “{match.group()}” – {advice}", path, section_title, match.span(), suggestion)


PLAN_TEXT_FIELDS: tuple[str, ...] = ("goal", "actions", "measure")
"""Objective fields searched for wording to avoid."""


def check_phrases(ctx: CheckContext, params: Mapping[str, Any]) -> Iterator[Draft]:
    """Every use of a listed phrase in text answers, and in the plan unless `sections` leaves it out.

    The plan is searched when `sections` is left out or lists "plan".
    """
    phrases = params["phrases"]
    if not phrases:
        return
    table = _phrase_table(tuple(sorted(phrases.items())))
    for answer in text_answers(ctx.form, ctx.answers, ctx.sections(params["sections"])):
        if ctx.is_visible(answer.section, answer.question):
            title = answer.section.title
            yield from _phrase_drafts(table, answer.text, answer.path, title, title)
    if params["sections"] is not None and "plan" not in params["sections"]:
        return
    for number, objective in enumerate(ctx.record.plan, start=1):
        for name in PLAN_TEXT_FIELDS:
            text = getattr(objective, name)
            if text:
                where = objective_name(number)
                yield from _phrase_drafts(table, text, plan_path(objective.id, name), where, PLAN_TITLE)


# ------------------------------------------------------------------ running a rubric


CHECKS: dict[str, CheckFunction] = {
    "required": check_required,
    "word_budget": check_word_budget,
    "text_when": check_text_when,
    "min_sources": check_min_sources,
    "plan_covers": check_plan_covers,
    "smart": check_smart,
    "level_covers_grid": check_level_covers_grid,
    "entries_cover_grid": check_entries_cover_grid,
    "full_assessment_when": check_full_assessment_when,
    "phrases": check_phrases,
}
"""The function behind each check kind; `tests/test_checks.py` keeps it in step with CHECK_KINDS."""


def _findings(ctx: CheckContext, criterion_id: str, check: Check) -> Iterator[Finding]:
    params = with_defaults(check.kind, check.params)
    for draft in CHECKS[check.kind](ctx, params):
        message = check.message.replace("{section}", draft.section_title) if check.message else draft.message
        yield Finding(criterion_id, check.kind, message, draft.path, draft.span, draft.suggestion)


def run_checks(
    rubric: Rubric,
    form: AssessmentForm,
    record: Record,
    *,
    plan: PlanTemplate | None = None,
    today: date | None = None,
    short: bool | None = None,
    previous: Mapping[str, Any] | None = None,
) -> list[CriterionResult]:
    """Every criterion of `rubric` with what its automatic checks find in `record`, in rubric order.

    `short` defaults to whether the record is a short (layer 1) assessment;
    `today` (for plan target dates) to the real date; `previous` are the
    answers of the record this one reviews or amends, read by ``previous.``
    names (none by default: a caller judging a record for real passes them).
    """
    ctx = CheckContext(
        form=form,
        record=record,
        plan=plan,
        today=today or date.today(),
        short=record.is_short if short is None else short,
        previous=previous or {},
    )
    results = []
    for criterion in rubric.criteria:
        found = tuple(f for check in criterion.checks for f in _findings(ctx, criterion.id, check))
        checks = criterion.checks
        blank = not found and bool(checks) and all(_nothing_to_judge(ctx, c) for c in checks)
        results.append(CriterionResult(criterion, found, nothing_to_judge=blank))
    return results


def _nothing_to_judge(ctx: CheckContext, check: Check) -> bool:
    """Whether every answer `check` reads is blank (the plan empty, for plan checks); a check whose
    answers are not known (a rule over conditions) has nothing to judge only on a blank record."""
    paths = judged_paths(check, ctx.form)
    if not paths:
        return not any(is_answered(value) for value in ctx.record.answers.values())
    if paths == [PLAN]:
        return not ctx.record.plan
    return not any(is_answered(ctx.record.answers.get(path)) for path in paths)

"""The `[sheet]` table of an assessment: which answers its one-page A4 sheet shows, where, and how long.

A trainer declares it so the sheet follows the form, not code:

    [sheet]
    words = 30                      # the default cap for every item below
      [[sheet.item]]
      block = "risk"                # risk | areas | protects (see forms.model.SHEET_BLOCKS)
      question = "rosh.harm"        # section.question, or *.question for every section asking it
      words = 35
      label = "What harm"           # optional; the question's label otherwise

Without the table the exports use their defaults (`exports.pdf.layout.DEFAULT_SHEET`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.definition.errors import did_you_mean
from forms.definition.locate import Path
from forms.definition.reading import TABLE, Context
from forms.model import SHEET_BLOCKS, AssessmentForm, Sheet, SheetItem

SHEET_KEYS: tuple[str, ...] = ("words", "item")
SHEET_ITEM_KEYS: tuple[str, ...] = ("block", "question", "words", "label")
DEFAULT_WORDS = 30
MIN_WORDS = 3
"""Fewer words than this cannot say anything; the loader refuses smaller caps."""


def load_sheet(ctx: Context, data: Mapping[str, Any], form: AssessmentForm) -> Sheet | None:
    """The form's declared sheet, or `None` when it has no `[sheet]` table; problems go to `ctx`."""
    table = ctx.get(data, (), "sheet", TABLE)
    if table is None:
        return None
    path: Path = ("sheet",)
    ctx.check_keys(table, path, SHEET_KEYS)
    words = ctx.whole(table, path, "words", minimum=MIN_WORDS) or DEFAULT_WORDS
    entries = ctx.tables(table, path, "item")
    items = [_item(ctx, item_path, entry, form, words) for item_path, entry in entries]
    ctx.copies(entries, "sheet item")
    return Sheet(tuple(i for i in items if i is not None))


def _item(
    ctx: Context, path: Path, table: Mapping[str, Any], form: AssessmentForm, default_words: int
) -> SheetItem | None:
    ctx.check_keys(table, path, SHEET_ITEM_KEYS)
    block = ctx.text(table, path, "block", required=True)
    question = ctx.text(table, path, "question", required=True)
    words = ctx.whole(table, path, "words", minimum=MIN_WORDS) or default_words
    label = ctx.text(table, path, "label")
    if block and block not in SHEET_BLOCKS:
        hint = did_you_mean(block, SHEET_BLOCKS) or f"use one of {', '.join(SHEET_BLOCKS)}"
        ctx.error((*path, "block"), f"'{block}' is not a block of the sheet", hint)
        return None
    if not (block and question and _asked(ctx, (*path, "question"), question, form)):
        return None
    return SheetItem(block, question, words, label)


def _asked(ctx: Context, path: Path, question: str, form: AssessmentForm) -> bool:
    """True when the form asks `question` (for "*.id": in at least one section); else a problem."""
    section_id, dot, question_id = question.partition(".")
    if section_id == "*" and dot:
        if any(s.question(question_id) for s in form.sections):
            return True
        ids = sorted({q.id for s in form.sections for q in s.questions})
        ctx.error(path, f"no section asks a question '{question_id}'", did_you_mean(question_id, ids))
        return False
    if form.question(question) is not None:
        return True
    paths = [p for p, _ in form.questions()]
    ctx.error(
        path,
        f"'{question}' is not a question of this form",
        did_you_mean(question, paths) or "write section.question, or *.question for every section",
    )
    return False

"""Non-text keys for a full assessment of a medium-risk case, per structured answer, old form and new.

Counts by the case screen's own rules for its one-key widgets, over a
medium-risk record (every shown structured question answered, the risk
management plan in full): a yes/no, choice or scale answer is one key (the
answer row then moves to the next unanswered question by itself); a
multiple choice is one key per ticked option, plus one key (Right) to move
on when another question of the row follows it; a grid cell is one key
(the cursor moves on by itself), an empty cell before an answered one one
key (Right).  A choice field of a group entry is one key, and adding an
entry one key.  Keys that move between widgets (Tab) are the same for
every answer count and are left out, as are the characters of typed text,
dates and numbers.

The target (issue 17): no more non-text keys per structured answer than
the shipped form before it grew (a4-assessment 1.0.0, kept in
forms/definition/library/assessment-1.0.0.toml).

Run: ``python bench/bench_assessment_keys.py``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forms.conditions.visibility import is_visible
from forms.definition.load import library_files, load_file
from forms.model import AssessmentForm

OLD = Path(__file__).resolve().parent.parent / "forms" / "definition" / "library" / "assessment-1.0.0.toml"
ONE_KEY = ("yesno", "choice", "scale")
ENTRIES = 2
"""Entries in each group a medium-risk record fills (sources, checks, agencies, contingencies…)."""


@dataclass
class Count:
    answers: int = 0
    keys: int = 0
    entries_added: int = 0


def medium_risk_answers(form: AssessmentForm) -> dict[str, Any]:
    """A medium-risk record: medium in the grid and overall, children in their life, every area linked."""
    answers: dict[str, Any] = {}
    for path, question in form.questions():
        if question.type == "grid":
            answers[path] = {r.id: {c.id: "medium" for c in question.columns} for r in question.rows}
        elif question.type in ONE_KEY and question.options:
            ids = [o.id for o in question.options]
            answers[path] = next((v for v in ("medium", "yes", "lives_with") if v in ids), ids[0])
        elif question.type == "multi" and question.options:
            answers[path] = [question.options[0].id]
        elif question.type == "text":
            answers[path] = "Written."
    return answers


def count(form: AssessmentForm) -> Count:
    answers = medium_risk_answers(form)
    total = Count()
    for section in form.sections:
        row = [
            q
            for q in section.questions
            if q.type in (*ONE_KEY, "multi") and is_visible(form, section, q, answers, short=False)
        ]
        for index, question in enumerate(row):
            total.answers += 1
            value = answers.get(f"{section.id}.{question.id}")
            if question.type == "multi":
                total.keys += len(value or []) + (1 if index < len(row) - 1 else 0)
            else:
                total.keys += 1
        for question in section.questions:
            if not is_visible(form, section, question, answers, short=False):
                continue
            if question.type == "grid":
                cells = len(question.rows) * len(question.columns)
                total.answers += cells
                total.keys += cells
            elif question.type == "group":
                total.entries_added += ENTRIES
                choices = [f for f in question.fields if f.type in (*ONE_KEY, "multi")]
                total.answers += ENTRIES * len(choices)
                total.keys += ENTRIES * len(choices)
    return total


def _report(name: str, form: AssessmentForm) -> float:
    result = count(form)
    ratio = result.keys / result.answers
    print(
        f"{name} {form.version}: {len(form.questions())} questions; medium-risk full assessment: "
        f"{result.answers} structured answers, {result.keys} non-text keys ({ratio:.3f} per answer), "
        f"plus {result.entries_added} keys adding group entries"
    )
    return ratio


def _load(path: Path) -> AssessmentForm:
    form = load_file(path).definition
    assert isinstance(form, AssessmentForm), path
    return form


def main() -> int:
    before = _report("before", _load(OLD))
    after = _report("now   ", _load(next(p for p in library_files() if p.name == "assessment.toml")))
    print("OK: no more keys per structured answer" if after <= before else "MORE keys per answer than before")
    return 0 if after <= before else 1


if __name__ == "__main__":
    raise SystemExit(main())

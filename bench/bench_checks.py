"""The shipped rubric's checks on a full record, and what live checks cost each key press.

* `checks_median_ms`: all checks of the shipped rubric (`forms/definition/library/rubric.toml`)
  on a full record — 13 sections × 300 words, every question answered, a plan of
  five objectives — median of many runs (target: under 10 ms, one frame).
* `key_*_ms`: per-key CPU cost of typing on the case screen over that record, measured
  as in `bench_typing.py`, with live checks on and off (target ratio ≤ 1.1).  The
  checks run in a thread worker after a pause in typing, never per key.

Run: ``python bench/bench_checks.py [--runs N] [--keys N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import TextArea

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_typing import per_key_cpu
from forms.checks.library import run_checks
from forms.definition.registry import Registry, load_registry
from forms.model import AssessmentForm, Case, Objective, Record
from forms.record.words import TEXT_TYPES
from storage.sqlite.store import SqliteStore
from tui.screens.case_screen import CaseScreen
from tui.widgets.section_editor import SectionEditor

SECTIONS = 13
WORDS_PER_SECTION = 300
TODAY = date(2026, 3, 2)


def full_record(form: AssessmentForm) -> Record:
    """Every question answered; the first 13 sections' texts share 300 words each; some wording to flag."""
    answers: dict[str, Any] = {}
    for number, section in enumerate(form.sections):
        texts = [q for q in section.questions if q.type in TEXT_TYPES]
        for question in section.questions:
            path = f"{section.id}.{question.id}"
            if question.type in TEXT_TYPES:
                share = WORDS_PER_SECTION // max(1, len(texts)) if number < SECTIONS else 20
                answers[path] = " ".join(f"w{number}x{i}" for i in range(share)) + " the offender said"
            elif question.type == "yesno":
                answers[path] = "yes"
            elif question.type in ("choice",):
                answers[path] = question.options[-1].id
            elif question.type == "multi":
                answers[path] = [question.options[0].id]
            elif question.type == "grid":
                answers[path] = {
                    r.id: {c.id: question.options[0].id for c in question.columns} for r in question.rows
                }
            elif question.type == "group":
                answers[path] = [
                    {"kind": "interview", "date": f"2026-02-0{i + 1}", "author": "J Smith"} for i in range(3)
                ]
            elif question.type in ("scale", "number"):
                answers[path] = int(question.min or 0)
            elif question.type == "date":
                answers[path] = "2026-02-20"
    plan = [
        Objective(id=f"o{i}", goal="Find a settled home near family", who="Sam", by="2026-06-01",
                  measure="Tenancy signed", areas=[form.sections[i + 1].id])
        for i in range(5)
    ]  # fmt: skip
    return Record(
        id="r1", case_ref="B1", form_id=form.id, form_version=form.version, answers=answers, plan=plan
    )


def shipped() -> tuple[Registry, AssessmentForm]:
    registry, errors = load_registry([])
    assert not errors, errors
    form = registry.assessment("a4-assessment")
    assert form is not None
    return registry, form


def checks_ms(runs: int) -> float:
    registry, form = shipped()
    rubric = registry.rubric_for(form.id)
    assert rubric is not None
    record = full_record(form)
    plan = registry.plan_for(form.id)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run_checks(rubric, form, record, plan=plan, today=TODAY)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


class CaseApp(App[None]):
    def __init__(self, folder: Path, live_checks: bool) -> None:
        super().__init__()
        self.registry, self.form = shipped()
        self.folder = folder
        self.live_checks = live_checks

    def on_mount(self) -> None:
        store = SqliteStore(self.folder / f"bench-{self.live_checks}.sqlite")
        case = store.create_case(
            Case("B1", "Bench Case", "2026-02-23", "pat", self.form.id), self.form.deadlines
        )
        record = store.create_record(full_record(self.form), "pat")
        self.case_screen = CaseScreen(
            store=store, form=self.form, case=case, record=record, user="pat", live_checks=self.live_checks
        )
        self.push_screen(self.case_screen)


async def focus_text(app: App[Any]) -> None:
    await asyncio.sleep(0.3)
    assert isinstance(app, CaseApp)
    editor = app.case_screen.query_one("#section-accommodation", SectionEditor)
    area = editor.fields["accommodation.strengths"].field
    assert isinstance(area, TextArea)
    area.focus()
    area.move_cursor(area.document.end)


async def main(runs: int, keys: int) -> dict[str, float]:
    results = {"checks_median_ms": checks_ms(runs)}
    with tempfile.TemporaryDirectory() as folder:
        off = statistics.median(await per_key_cpu(CaseApp(Path(folder), False), keys, focus_text))
        on_app = CaseApp(Path(folder), True)
        on = statistics.median(await per_key_cpu(on_app, keys, focus_text))
        results["live_check_runs_while_typing"] = float(
            on_app.case_screen.qa.runs if on_app.case_screen.qa else 0
        )
    results["key_checks_off_ms"] = off * 1000
    results["key_checks_on_ms"] = on * 1000
    results["key_ratio_on_off"] = on / off
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed runs of the whole rubric")
    parser.add_argument("--keys", type=int, default=200, help="key presses measured per app")
    args = parser.parse_args()
    for name, value in asyncio.run(main(args.runs, args.keys)).items():
        print(f"{name:>30}: {value:8.3f}")

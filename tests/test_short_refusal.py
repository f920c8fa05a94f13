"""The case screen refuses the switch to the short form where the rubric's rule needs a full assessment."""

from __future__ import annotations

from pathlib import Path

from forms.model import AssessmentForm, Case, Record
from storage.sqlite.store import SqliteStore
from tests.pilot_support import CaseApp, until
from tests.test_case_screen import TODAY, FakeClock
from tui.screens.case_screen import CaseScreen


def app_with(tmp_path: Path, form: AssessmentForm, answers: dict[str, object]) -> CaseApp:
    store = SqliteStore(tmp_path / "a4.sqlite")
    case = store.create_case(Case("AB1", "Sam Taylor", "2026-09-28", "pat", form.id), form.deadlines)
    record = store.create_record(Record("rec-1", case.ref, form.id, form.version, answers=answers), "pat")
    screen = CaseScreen(
        store=store, form=form, case=case, record=record, user="pat", clock=FakeClock(), today=lambda: TODAY
    )
    return CaseApp(screen)


async def test_f8_is_refused_with_the_reason_when_a_full_assessment_is_needed(
    tmp_path: Path, form: AssessmentForm
) -> None:
    app = app_with(tmp_path, form, {"static.elements": ["domestic_abuse"], "rosh.level": "medium"})
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f8")
        notes = lambda: [n.message for n in app._notifications]  # noqa: E731
        await until(
            pilot, lambda: any("A full assessment is needed here: " in n for n in notes()), "the refusal"
        )
        assert app.case_screen.short is False
        assert all(e.display for e in app.case_screen.editors)


async def test_f8_switches_to_short_where_the_rule_does_not_hold(
    tmp_path: Path, form: AssessmentForm
) -> None:
    app = app_with(tmp_path, form, {"static.elements": ["none"], "rosh.level": "low"})
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f8")
        assert app.case_screen.short is True

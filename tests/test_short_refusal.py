"""The case screen refuses the switch to the short form where the rubric's rule needs a full assessment."""

from __future__ import annotations

import dataclasses
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


async def test_the_short_form_is_kept_with_the_record_and_judged_as_short_after(
    tmp_path: Path, form: AssessmentForm
) -> None:
    """F8 is the author's choice for the record, not only for this window: saved, it is what QA, `a4 check`
    and the next opening see, so the rubric's rule for a full assessment holds on it later too."""
    from forms.checks.library import run_checks
    from forms.definition.registry import load_registry

    app = app_with(tmp_path, form, {"static.elements": ["none"], "rosh.level": "low"})
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f8")
        assert app.case_screen.short is True
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.case_screen.store.get_record("rec-1").short, "the short form saved")
        hidden = {s.id for s in form.sections if not s.short}
        found = [f.path for r in app.case_screen.qa_results_now() for f in r.findings]
        assert found and not [p for p in found if p.split(".")[0] in hidden]  # none in hidden sections
    store = app.case_screen.store
    stored = store.get_record("rec-1")
    assert stored.is_short and stored.kind == "assessment"
    reopened = CaseScreen(store=store, form=form, case=store.get_case("AB1"), record=stored, user="pat",
                          clock=FakeClock(), today=lambda: TODAY)  # fmt: skip
    assert reopened.short is True
    rubric = load_registry([])[0].rubric_for(form.id)
    assert rubric is not None
    stored.answers["static.elements"] = ["domestic_abuse"]  # the rule now asks for a full assessment
    messages = [f.message for r in run_checks(rubric, form, stored) for f in r.findings]
    assert any(m.startswith("A short assessment is not enough here") for m in messages)
    assert not any(
        m.startswith("A short assessment")
        for r in run_checks(rubric, form, dataclasses.replace(stored, short=False))
        for m in (f.message for f in r.findings)
    )

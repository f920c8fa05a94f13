"""The sentence plan as a practitioner builds it with the person, over a real SQLite store.

Each test opens the case screen on the shipped form, presses F5 for the
plan, and reads what was saved back from the store.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App
from textual.widgets import Input, OptionList, Static

from forms.model import AssessmentForm, Case, Objective, Record
from storage.sqlite.store import SqliteStore
from tests.pilot_support import CaseApp
from tui.screens.case_screen import CaseScreen
from tui.screens.plan_screen import PlanScreen
from tui.widgets.objective_editor import AreaPicker

TODAY = date(2026, 10, 5)  # a Monday
LINKED = ("accommodation", "finance", "relationships", "alcohol")
"""Sections the record marks as linked to offending: the plan's areas, keys 1–4 in form order."""


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "a4.sqlite")


def linked_answers(form: AssessmentForm) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for section in form.sections:
        if section.question("linked_offending"):
            answers[f"{section.id}.linked_offending"] = "yes" if section.id in LINKED else "no"
            answers[f"{section.id}.linked_harm"] = "no"
    answers["accommodation.strengths"] = "Has kept the same flat for two years."
    answers["protective.people_places"] = "A sister who visits every week."
    return answers


def open_app(store: SqliteStore, form: AssessmentForm, plan: list[Objective] | None = None) -> CaseApp:
    case = store.create_case(
        Case(ref="AB123", name="Sam Taylor", start="2026-09-28", owner="pat", form_id=form.id), form.deadlines
    )
    record = store.create_record(
        Record(
            id="rec-1",
            case_ref=case.ref,
            form_id=form.id,
            form_version=form.version,
            answers=linked_answers(form),
            plan=plan or [],
        ),
        "pat",
    )
    screen = CaseScreen(store=store, form=form, case=case, record=record, user="pat", today=lambda: TODAY)
    return CaseApp(screen)


def findings(app: App[Any]) -> list[str]:
    """The "To fix" list as a reader sees it, one finding per entry (its wrapped lines joined)."""
    option_list = app.screen.query_one("#findings", OptionList)
    console = Console(width=1000)
    entries = []
    for i in range(option_list.option_count):
        with console.capture() as captured:
            console.print(option_list.get_option_at_index(i).prompt)
        entries.append(" ".join(captured.get().split()).removeprefix("• "))
    return entries


def shown(app: App[Any], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def fill_objective(pilot: Any, goal: str, who: str, by: str, measure: str, area_key: str) -> None:
    """Ctrl+N, then one line per field (Down moves on), then one key links the area."""
    await pilot.press("ctrl+n")
    await pilot.press(*goal, "down", *"Book the first appointment", "down", *who, "down", *by)
    await pilot.press("down", *measure, "down", area_key)


async def test_a_plan_of_four_objectives_with_one_key_areas_and_natural_dates(
    store: SqliteStore, form: AssessmentForm
) -> None:
    app = open_app(store, form)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("f5")
        assert isinstance(app.screen, PlanScreen)
        assert "Accommodation: linked to offending, but no plan objective covers it" in " ".join(
            findings(app)
        )
        assert "Has kept the same flat for two years." in shown(app, "#strengths")
        assert "A sister who visits every week." in shown(app, "#strengths")

        await pilot.press("ctrl+n", *"I will find a flat of my own so that I can see my kids")
        found = findings(app)
        assert "Objective 1 does not say who will do it" in found
        assert "Objective 1 has no target date" in found
        assert "Objective 1 has no measure of progress" in found

        await pilot.press("down", *"Visit the housing team", "down", *"Me, with my practitioner")
        assert "Objective 1 does not say who will do it" not in findings(app)
        await pilot.press("down", *"+2w")
        assert shown(app, "#by-long") == "Monday 19 October 2026"
        assert "Objective 1 has no target date" not in findings(app)
        await pilot.press("down", *"A tenancy in my name", "down", "1")
        assert isinstance(app.focused, AreaPicker)
        assert not [f for f in findings(app) if f.startswith(("Objective 1", "Accommodation"))]

        await fill_objective(pilot, "I will make a budget I keep to", "Me and the money adviser", "31/1",
                             "No missed bills", "2")  # fmt: skip
        await fill_objective(pilot, "I will keep to the contact arrangements", "Me", "next fri",
                             "Contact as agreed", "3")  # fmt: skip
        await fill_objective(pilot, "I will drink on fewer days each week", "Me and the alcohol service",
                             "+3m", "My drink diary", "4")  # fmt: skip
        await pilot.press("3")  # the fourth objective also helps relationships
        assert findings(app) == ["Nothing to fix: every objective is SMART."]
        objectives = app.screen.query_one("#objectives", OptionList)
        assert "by Sunday 31 January 2027" in str(objectives.get_option_at_index(1).prompt)
        await pilot.press("escape")
        assert isinstance(app.screen, CaseScreen)
        saved = store.get_record("rec-1").plan
    assert [o.by for o in saved] == ["2026-10-19", "2027-01-31", "2026-10-09", "2027-01-05"]
    assert [o.areas for o in saved] == [
        ["accommodation"],
        ["finance"],
        ["relationships"],
        ["alcohol", "relationships"],
    ]
    assert saved[0].goal == "I will find a flat of my own so that I can see my kids"
    assert saved[2].who == "Me"


async def test_smart_feedback_names_a_restated_risk_factor_and_jumps_to_the_field(
    store: SqliteStore, form: AssessmentForm
) -> None:
    areas = ["accommodation", "relationships", "alcohol"]  # finance has no objective
    plan = [Objective(id="o1", goal="Address thinking", who="Me", by="2026-12-01", areas=areas)]
    app = open_app(store, form, plan)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("f5")
        found = findings(app)
        assert "Objective 1: the goal only restates “address thinking”; say what will change" in found
        assert "Objective 1 has no measure of progress" in found
        await pilot.press("f2")  # the first finding: an area with no objective offers its suggestions
        picker = app.screen.query_one("#suggestions", OptionList)
        assert (
            str(picker.get_option_at_index(0).prompt)
            == "Finance: a blank objective, in the person’s own words"
        )
        assert str(picker.get_option_at_index(1).prompt).startswith("Finance: I will make a budget")
        await pilot.press("escape", "f2")  # the next: the goal
        assert app.focused is app.screen.query_one("#field-goal", Input)
        await pilot.press("f2")  # the next: the measure
        assert app.focused is app.screen.query_one("#field-measure", Input)
        await pilot.press(*"Times I walked away, written down")
        assert "Objective 1 has no measure of progress" not in findings(app)
        await pilot.press("f4")  # every suggestion for the linked areas
        picker = app.screen.query_one("#suggestions", OptionList)
        assert picker.highlighted == 0
        await pilot.press("down", "down", "enter")  # the first for finance (after two for accommodation)
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.plan[1].areas == ["finance"]
        assert app.screen.plan[1].goal.startswith("I will make a budget I can stick to")
        assert app.screen.plan[1].steps[0].what == "Sit down with a money adviser"
        assert app.focused is app.screen.query_one("#field-goal", Input)


async def test_agreement_is_recorded_and_asked_again_when_the_plan_changes(
    store: SqliteStore, form: AssessmentForm
) -> None:
    plan = [Objective(id="o1", goal="I will find a flat", who="Me", by="2026-12-01", measure="A tenancy")]
    app = open_app(store, form, plan)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("f5", "f8", "a", *"It is what I want", "enter")
        assert shown(app, "#agreement") == "The person agreed on Monday 5 October 2026 — “It is what I want”."
        await pilot.press("ctrl+s")
        agreement = store.get_record("rec-1").agreement
        assert agreement is not None and (agreement.choice, agreement.comment) == (
            "agreed",
            "It is what I want",
        )
        await pilot.press("tab", *" soon")  # the goal changes
        assert "F8 asks them again" in shown(app, "#agreement")
        await pilot.press("f8", "d", *"Not this flat", "enter", "escape")
        agreement = store.get_record("rec-1").agreement
    assert agreement is not None and (agreement.choice, agreement.comment) == (
        "does_not_agree",
        "Not this flat",
    )


async def test_progress_is_marked_with_dated_notes_and_overdue_objectives_stand_out(
    store: SqliteStore, form: AssessmentForm
) -> None:
    plan = [
        Objective(id="o1", goal="I will find a flat", who="Me", by="2026-09-01", measure="A tenancy"),
        Objective(id="o2", goal="I will see a debt adviser", who="Me", by="2026-12-01", measure="A plan"),
    ]
    app = open_app(store, form, plan)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("f5")
        assert "1 overdue" in shown(app, "#plan-heading")
        assert "OVERDUE" in str(app.screen.query_one("#objectives", OptionList).get_option_at_index(0).prompt)
        await pilot.press("f7", "i", *"Viewed two flats", "enter")
        assert "Monday 5 October 2026 · in progress · Viewed two flats" in shown(app, ".progress-history")
        await pilot.press("f7", "d", *"Signed the tenancy", "enter")
        assert "overdue" not in shown(app, "#plan-heading")
        await pilot.press("escape")
        saved = store.get_record("rec-1").plan[0]
    assert saved.status == "done"
    assert [(p.on, p.status, p.note) for p in saved.progress] == [
        ("2026-10-05", "in_progress", "Viewed two flats"),
        ("2026-10-05", "done", "Signed the tenancy"),
    ]


async def test_steps_have_who_and_a_one_key_status(store: SqliteStore, form: AssessmentForm) -> None:
    plan = [Objective(id="o1", goal="I will find a flat", who="Me", by="2026-12-01", measure="A tenancy")]
    app = open_app(store, form, plan)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("f5", "ctrl+t", *"Ring the council", "tab", *"Me", "tab", "i", "escape")
        steps = store.get_record("rec-1").plan[0].steps
    assert [(s.what, s.who, s.status) for s in steps] == [("Ring the council", "Me", "in_progress")]


async def test_pageup_pagedown_move_between_objectives_and_f3_deletes_one_after_y(
    store: SqliteStore, form: AssessmentForm
) -> None:
    """Issue 14: PageUp/PageDown scrolled instead of moving between objectives, and no objective could
    be deleted."""
    plan = [
        Objective(id="o1", goal="Find a flat of my own"),
        Objective(id="o2", goal="Get back into work"),
        Objective(id="o3", goal="Pay off the debt"),
    ]
    app = open_app(store, form, plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        screen.query_one("#field-goal", Input).focus()
        await pilot.press("pagedown")
        assert screen.current == 1 and screen.query_one("#field-goal", Input).value == "Get back into work"
        screen.query_one("#objectives", OptionList).focus()
        await pilot.press("pagedown")
        assert screen.current == 2
        await pilot.press("pageup", "pageup")
        assert screen.current == 0
        await pilot.press("pagedown", "f3", "n")  # any key but y keeps it
        assert [o.id for o in screen.plan] == ["o1", "o2", "o3"]
        await pilot.press("f3", "y")
        await pilot.pause()
        assert [o.id for o in screen.plan] == ["o1", "o3"]
        assert screen.query_one("#field-goal", Input).value == "Pay off the debt"
        await pilot.press("escape")
    assert [o.id for o in store.get_record("rec-1").plan] == ["o1", "o3"]


async def test_a_steps_what_field_has_the_width_of_the_editor(
    store: SqliteStore, form: AssessmentForm
) -> None:
    """Issue 14: a step's "what" field was ~18 characters wide at 80 columns, beside who and status."""
    app = open_app(store, form, [Objective(id="o1", goal="Find a flat of my own")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await pilot.press("ctrl+t")
        await pilot.pause()
        what = app.screen.query_one("#step-0-what", Input)
        assert what.size.width >= 40, what.size


async def test_fix_next_goes_on_to_the_next_area_after_one_is_fixed(
    store: SqliteStore, form: AssessmentForm
) -> None:
    """F2 after fixing the first finding goes to the one after it (it skipped Relationships, issue 14)."""
    plan = [Objective(id="o1", goal="I will keep my flat", who="Me", by="2026-12-01", measure="Rent paid",
                      areas=["accommodation", "alcohol"])]  # fmt: skip
    app = open_app(store, form, plan)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("f5", "f2")  # finance has no objective: its suggestions
        picker = app.screen.query_one("#suggestions", OptionList)
        assert str(picker.get_option_at_index(0).prompt).startswith("Finance:")
        await pilot.press("enter")  # a blank objective for finance: that finding is fixed
        assert isinstance(app.screen, PlanScreen) and app.screen.plan[1].areas == ["finance"]
        await pilot.press("f2")  # the next finding now stands where finance's stood
        picker = app.screen.query_one("#suggestions", OptionList)
        assert str(picker.get_option_at_index(0).prompt).startswith("Relationships:")

"""The QA panel and live checks on the case screen: every check kind's findings, and Enter goes there.

Records are crafted so that each check kind of the shipped rubric finds
something; the panel must list those findings under their criterion, and
Enter on one must put the focus (and the cursor) at the place it names.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import OptionList

from forms.checks.findings import summary
from forms.checks.library import run_checks
from forms.model import AssessmentForm, Case, Objective, Record
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import shipped_registry
from tests.pilot_support import screen_text, until
from tests.qa_support import complete_answers
from tui.screens.case_screen import CaseScreen
from tui.screens.plan_screen import PlanScreen
from tui.screens.qa_screen import QAScreen, place_of
from tui.widgets.counters import Counters
from tui.widgets.group_input import EntryList
from tui.widgets.phrase_marks import PhraseMarks
from tui.widgets.section_editor import AnswerArea
from tui.widgets.short_answers import ShortAnswers

TODAY = date(2026, 3, 2)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CaseApp(App[None]):
    """Builds the case screen inside the running app (its fields need one)."""

    def __init__(self, build: Any) -> None:
        super().__init__()
        self.build = build
        self.registry = shipped_registry()

    def on_mount(self) -> None:
        self.case_screen: CaseScreen = self.build()
        self.push_screen(self.case_screen)


def flawed_answers(form: AssessmentForm) -> dict[str, Any]:
    """A record where every check kind of the shipped rubric finds something."""
    answers = complete_answers(form)
    del answers["accommodation.linked_harm"]  # required
    answers["offence.what_happened"] = "The offender hit a man. " + "word " * 300  # phrases, word_budget
    answers["accommodation.linked_offending"] = "yes"  # text_when (analysis), plan_covers
    answers["accommodation.analysis"] = "Short."
    answers["evidence.sources"] = [
        {"kind": "interview", "date": "2026-02-01", "author": "J Smith"},
        {"kind": "psr", "date": "2026-02-03"},  # min_sources: no author
    ]
    return answers


def case_app(
    store: SqliteStore, form: AssessmentForm, answers: dict[str, Any], clock: Clock, **kw: Any
) -> CaseApp:
    case = store.create_case(Case("N1", "Alex Reed", "2026-02-23", "pat", form.id), form.deadlines)
    record = Record(
        id="r1",
        case_ref="N1",
        form_id=form.id,
        form_version=form.version,
        answers=answers,
        plan=[Objective(id="o1", goal="reduce risk", areas=["finance"])],  # smart
    )
    record = store.create_record(record, "pat")
    return CaseApp(
        lambda: CaseScreen(
            store=store,
            form=form,
            case=case,
            record=record,
            user="pat",
            clock=clock,
            today=lambda: TODAY,
            **kw,
        )
    )


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "a4.sqlite")


async def open_panel(pilot: Any, app: CaseApp) -> QAScreen:
    await until(pilot, lambda: app.case_screen.qa is not None and app.case_screen.qa.results, "the first run")
    await pilot.press("f6")  # from inside a text answer: the panel is one key away while typing
    panel = app.screen
    assert isinstance(panel, QAScreen)
    return panel


async def choose(pilot: Any, panel: QAScreen, predicate: Any) -> None:
    index = next(i for i, line in enumerate(panel.lines) if line.finding and predicate(line.finding))
    panel.query_one(OptionList).highlighted = index
    await pilot.press("enter")


async def test_every_check_kind_is_listed_under_its_criterion(
    store: SqliteStore, form: AssessmentForm
) -> None:
    app = case_app(store, form, flawed_answers(form), Clock())
    async with app.run_test(size=(140, 45)) as pilot:
        panel = await open_panel(pilot, app)
        lines = [line.plain for line in panel.lines]
    record = store.get_record("r1")
    rubric = shipped_registry().rubric_for(form.id)
    assert rubric is not None
    expected = run_checks(rubric, form, record, plan=shipped_registry().plan_for(form.id), today=TODAY)
    kinds = {f.kind for r in expected for f in r.findings}
    assert kinds == {"required", "word_budget", "text_when", "min_sources", "plan_covers", "smart", "phrases"}
    for result in expected:
        header = lines.index(next(line for line in lines if line.endswith(result.criterion.title)))
        shown = lines[header + 1 : header + 1 + len(result.findings)]
        assert shown == [f"    → {f.message}" for f in result.findings]
    assert "✗ not met          The essentials are answered" in lines
    assert "    → Accommodation: “Linked to serious harm?” is required but not answered" in lines
    assert "    → Offence analysis: “The offender” – consider “person on probation”" not in lines
    assert "    → Offence analysis: “offender” – consider “person on probation”" in lines
    assert "    → Evidence sources: “Sources” entry 2 has no “Author”" in lines
    assert "    → Objective 1: the goal only restates “reduce risk”; say what will change" in lines
    assert any(line.startswith("? needs a grader") for line in lines) or all(
        r.findings or not r.criterion.graded for r in expected
    )


async def test_enter_on_a_phrase_selects_it_in_its_answer(store: SqliteStore, form: AssessmentForm) -> None:
    app = case_app(store, form, flawed_answers(form), Clock())
    async with app.run_test(size=(140, 45)) as pilot:
        panel = await open_panel(pilot, app)
        await choose(pilot, panel, lambda f: f.kind == "phrases")
        focused = app.focused
        assert isinstance(focused, AnswerArea) and focused.path == "offence.what_happened"
        assert focused.selected_text == "offender"


async def test_enter_on_a_group_entry_puts_the_cursor_on_that_entry(
    store: SqliteStore, form: AssessmentForm
) -> None:
    app = case_app(store, form, flawed_answers(form), Clock())
    async with app.run_test(size=(140, 45)) as pilot:
        panel = await open_panel(pilot, app)
        await choose(pilot, panel, lambda f: f.path == "evidence.sources[1].author")
        focused = app.focused
        assert isinstance(focused, EntryList) and focused.cursor == 1


async def test_enter_on_a_one_key_question_highlights_it(store: SqliteStore, form: AssessmentForm) -> None:
    app = case_app(store, form, flawed_answers(form), Clock())
    async with app.run_test(size=(140, 45)) as pilot:
        panel = await open_panel(pilot, app)
        await choose(pilot, panel, lambda f: f.path == "accommodation.linked_harm")
        focused = app.focused
        assert isinstance(focused, ShortAnswers) and focused.current is not None
        assert focused.current.path == "accommodation.linked_harm"


async def test_enter_on_a_text_or_section_finding_focuses_that_place(
    store: SqliteStore, form: AssessmentForm
) -> None:
    app = case_app(store, form, flawed_answers(form), Clock())
    async with app.run_test(size=(140, 45)) as pilot:
        panel = await open_panel(pilot, app)
        await choose(pilot, panel, lambda f: f.path == "accommodation.analysis")
        assert isinstance(app.focused, AnswerArea) and app.focused.path == "accommodation.analysis"
        panel = await open_panel(pilot, app)
        await choose(pilot, panel, lambda f: f.kind == "plan_covers")  # points at the section
        assert app.case_screen.current is not None
        assert app.case_screen.current.section.id == "accommodation"


async def test_enter_on_a_plan_finding_opens_the_plan(store: SqliteStore, form: AssessmentForm) -> None:
    app = case_app(store, form, flawed_answers(form), Clock())
    async with app.run_test(size=(140, 45)) as pilot:
        panel = await open_panel(pilot, app)
        await choose(pilot, panel, lambda f: f.kind == "smart")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)


def test_finding_paths_name_their_place() -> None:
    assert place_of("plan[o1].by").objective == "o1" and place_of("plan[o1].by").field == "by"
    entry = place_of("evidence.sources[3].date")
    assert (entry.section, entry.question, entry.entry, entry.field) == ("evidence", "sources", 3, "date")
    assert place_of("rosh").section == "rosh" and place_of("rosh").question == ""


async def test_checks_run_off_the_typing_path_and_fill_the_counter(
    store: SqliteStore, form: AssessmentForm
) -> None:
    clock = Clock()
    app = case_app(store, form, flawed_answers(form), clock)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.case_screen
        await until(pilot, lambda: screen.qa is not None and screen.qa.runs == 1, "the first run")
        assert screen.qa is not None and screen.qa.results is not None
        met, judged = summary(screen.qa.results)
        await until(pilot, lambda: screen.query_one(Counters).state.qa == f"QA {met}/{judged}", "the counter")
        area = screen.query_one("#section-accommodation").fields["accommodation.analysis"].field
        area.focus()
        clock.now += 1
        await pilot.press(*" The move away from friends who used drugs left")
        await pilot.pause(0.6)  # several ticks while typing goes on (the clock does not move)
        assert screen.qa.runs == 1
        clock.now += 1  # typing pauses
        await until(pilot, lambda: screen.qa.runs == 2, "a run after the pause")


async def test_flagged_phrases_are_marked_under_their_answer(
    store: SqliteStore, form: AssessmentForm
) -> None:
    app = case_app(store, form, flawed_answers(form), Clock())
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.case_screen
        await until(pilot, lambda: bool(screen.query(PhraseMarks)), "the marks")
        marks = screen.query_one("#section-offence").fields["offence.what_happened"].query_one(PhraseMarks)
        assert marks.lines == ["⚑ “offender” (line 1, col 5) → person on probation"]


async def test_a_long_finding_wraps_under_its_own_text_on_a_narrow_terminal(
    store: SqliteStore, form: AssessmentForm
) -> None:
    app = case_app(store, form, flawed_answers(form), Clock())
    async with app.run_test(size=(70, 40)) as pilot:
        await open_panel(pilot, app)
        await pilot.pause()
        shown = screen_text(app).splitlines()
    arrow_rows = [i for i, row in enumerate(shown) if "→ " in row]
    wrapped = [i for i in arrow_rows if shown[i + 1].strip() and "→ " not in shown[i + 1]]
    wrapped = [i for i in wrapped if not any(mark in shown[i + 1] for mark in ("✓", "✗", "? "))]
    assert wrapped, "no finding wrapped at 70 columns"
    for i in wrapped:
        text_column = shown[i].index("→ ") + 2
        continuation = shown[i + 1]
        assert not any(c.isalnum() for c in continuation[:text_column]), continuation  # none under the arrow
        assert continuation[text_column] != " ", continuation  # the text goes on under the text

"""The case screen as a practitioner uses it: one-key answers, typing, jumping, autosave, refusals.

Every test drives the real screen over a real SQLite store and the shipped
form, and reads what was saved back from the store, not from the widgets.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import OptionList

from forms.model import AssessmentForm, Case, Record
from forms.record.words import record_word_counts
from storage.sqlite.store import SqliteStore
from tests.pilot_support import CaseApp, screen_text, shown, until
from tui.modals.goto_section import GotoSection
from tui.modals.save_failure import SaveFailure
from tui.screens.case_screen import CaseScreen, PlanScreen, QAScreen
from tui.widgets.counters import Counters
from tui.widgets.group_input import GroupInput
from tui.widgets.section_editor import AnswerArea, SectionEditor
from tui.widgets.short_answers import ShortAnswers

TODAY = date(2026, 10, 5)


class FakeClock:
    """A monotonic clock the test moves by hand (autosave and active time read it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class OpeningApp(App[None]):
    """Builds the screen once running, as the app does: a field given a value needs a running app."""

    def __init__(self, build: Callable[[], CaseScreen]) -> None:
        super().__init__()
        self.build = build

    def on_mount(self) -> None:
        self.push_screen(self.build())


@pytest.fixture
def case_store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "a4.sqlite")


def make_record(store: SqliteStore, form: AssessmentForm, **fields: Any) -> tuple[Case, Record]:
    case = store.create_case(
        Case(ref="AB123", name="Sam Taylor", start="2026-09-28", owner="pat", form_id=form.id), form.deadlines
    )
    record = Record(id="rec-1", case_ref=case.ref, form_id=form.id, form_version=form.version, **fields)
    return case, store.create_record(record, "pat")


def case_app(store: SqliteStore, form: AssessmentForm, clock: FakeClock, **fields: Any) -> CaseApp:
    case, record = make_record(store, form, **fields)
    screen = CaseScreen(
        store=store, form=form, case=case, record=record, user="pat", clock=clock, today=lambda: TODAY
    )
    return CaseApp(screen)


async def wait_for_autosave(pilot: Any, clock: FakeClock) -> None:
    clock.now += 2
    await pilot.pause(0.35)


def editor(app: CaseApp | CaseScreen, section_id: str) -> SectionEditor:
    screen = app if isinstance(app, CaseScreen) else app.case_screen
    return screen.query_one(f"#section-{section_id}", SectionEditor)


async def test_answer_type_tab_and_find_it_all_in_the_store(
    case_store: SqliteStore, form: AssessmentForm
) -> None:
    clock = FakeClock()
    app = case_app(case_store, form, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        assert isinstance(app.focused, AnswerArea)  # first field of the first section
        await pilot.press(*"He was angry")
        await pilot.press("tab")  # accommodation: its one-key row
        assert isinstance(app.focused, ShortAnswers)
        await pilot.press("y", "n")  # linked to offending: yes; serious harm: no
        await pilot.press("down")
        assert isinstance(app.focused, AnswerArea)
        await pilot.press(*"Stable flat")
        await pilot.press("tab", "tab")  # finance
        await pilot.press("n", "n")
        await wait_for_autosave(pilot, clock)
        saved = case_store.get_record("rec-1").answers
    assert saved["offence.what_happened"] == "He was angry"
    assert saved["accommodation.linked_offending"] == "yes"
    assert saved["accommodation.linked_harm"] == "no"
    assert saved["accommodation.strengths"] == "Stable flat"
    assert saved["finance.linked_offending"] == "no"
    assert not any(value == "" for value in saved.values())


async def test_a_one_key_answer_stays_visible_on_a_narrow_screen(
    case_store: SqliteStore, form: AssessmentForm
) -> None:
    """The answer is drawn before the keys that change it, so 80 columns never clip it away."""
    app = case_app(case_store, form, FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        # accommodation: its first row, then ↓ past two text boxes to "Do they want to change it?", then
        # past the analysis to "How settled is it?" (each question where the form file puts it)
        await pilot.press("tab", "y", "n", "down", "down", "down", "t", "down", "down", "u")
        text = await shown(pilot, "How settled is it? → Unsettled or temporary")
    assert "Do they want to change it? → Not yet" in text


async def test_questions_are_drawn_in_the_order_of_the_form_file(
    case_store: SqliteStore, form: AssessmentForm
) -> None:
    """Issue 14: a one-key question was drawn above a long-text question that comes before it in the
    file (all of a section's one-key questions were gathered at its top)."""
    app = case_app(case_store, form, FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for section in form.sections:
            block = editor(app, section.id)
            drawn: list[tuple[int, str]] = []
            for row in block.query(ShortAnswers):
                top = row.virtual_region.y
                drawn += [(top + line, q.path) for line, q in enumerate(row.shown)]
            drawn += [(f.virtual_region.y, path) for path, f in block.fields.items() if f.display]
            shown = {path for _y, path in drawn}
            in_file = [path for q in section.questions if (path := f"{section.id}.{q.id}") in shown]
            assert [path for _y, path in sorted(drawn)] == in_file, section.id


async def test_relaunch_shows_what_was_saved(case_store: SqliteStore, form: AssessmentForm) -> None:
    clock = FakeClock()
    app = case_app(case_store, form, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press(*"first words")
        await pilot.press("escape")  # back: saves first
        await pilot.pause()
    record = case_store.get_record("rec-1")
    assert record.answers["offence.what_happened"] == "first words"
    again = CaseApp(
        CaseScreen(
            store=case_store,
            form=form,
            case=case_store.get_case("AB123"),
            record=record,
            user="pat",
            clock=clock,
            today=lambda: TODAY,
        )
    )
    async with again.run_test(size=(100, 40)):
        assert "first words" in screen_text(again)


async def test_required_and_hidden_questions_change_live(
    case_store: SqliteStore, form: AssessmentForm
) -> None:
    clock = FakeClock()
    app = case_app(case_store, form, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        analysis = editor(app, "accommodation").fields["accommodation.analysis"]
        assert not analysis.required
        await go_to_section(pilot, 2)
        await pilot.press("y")
        assert analysis.required  # marked at once, before any autosave
        assert "Why does it link, and on what evidence? (required)" in screen_text(app)

        explain = editor(app, "health").fields["health.adjustments_what"]
        assert not explain.display
        await pilot.press("ctrl+g")
        await pilot.press(*"health", "enter")
        assert app.focused is editor(app, "health").short_rows[0]
        short = editor(app, "health").short_for("health.adjustments")  # its own row, after the text
        short.focus()
        await pilot.press("y")  # do they need adjustments? yes
        assert explain.display
        await pilot.press("backspace")
        assert not explain.display


async def test_counters_show_words_time_due_and_save_state(
    case_store: SqliteStore, form: AssessmentForm
) -> None:
    clock = FakeClock()
    long_text = " ".join(["word"] * 260)
    app = case_app(case_store, form, clock, answers={"ete.strengths": long_text}, active_seconds=600)
    async with app.run_test(size=(120, 40)) as pilot:
        counters = app.case_screen.query_one(Counters)
        await pilot.press(*"one two")
        clock.now += 10
        await pilot.press(*" three")
        await pilot.pause(0.35)
        text = screen_text(app)
        assert "1. Offence analysis: 3/820 words" in text
        assert "total 263 words" in text
        assert "due in" in text and "working days" in text
        assert "unsaved changes" in text or "saved 0 s ago" in text
        await wait_for_autosave(pilot, clock)
        # the save runs in a worker: on a loaded machine it can take longer than the pause above; and a
        # timer tick between the clock's jump and " three" may already have saved "one two" (then it says
        # "saved 2 s ago" and saves " three" too), so the state is read as "saved N s ago"
        await until(
            pilot, lambda: re.search(r"saved \d+ s ago", screen_text(app)) is not None, "the autosave shown"
        )
        assert "active 10 min (this session 0 min)" in screen_text(app)
        await go_to_section(pilot, 3)
        await pilot.pause(0.35)
        text = screen_text(app)
        assert "3. Education, training and employment: 260/340 words" in text
        assert "260/60 words — over by 200" in text  # the strengths answer's own budget
        assert not counters.has_class("-over")


async def test_active_time_counts_keys_and_pauses_after_a_minute(
    case_store: SqliteStore, form: AssessmentForm
) -> None:
    clock = FakeClock()
    app = case_app(case_store, form, clock, active_seconds=120)
    async with app.run_test(size=(100, 40)) as pilot:
        for _ in range(4):
            await pilot.press("a")
            clock.now += 30
        clock.now += 600  # away from the keyboard: counts at most one minute
        await pilot.press("b")
        await wait_for_autosave(pilot, clock)
        assert "active 4 min (this session 2 min)" in screen_text(app)
    assert case_store.get_record("rec-1").active_seconds == 120 + 3 * 30 + 60


async def test_short_mode_hides_sections_and_keeps_their_text(
    case_store: SqliteStore, form: AssessmentForm
) -> None:
    clock = FakeClock()
    app = case_app(case_store, form, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await go_to_section(pilot, 4)  # finance: not part of the short form
        await pilot.press("down", *"money worries")
        await pilot.press("f8")
        assert not editor(app, "finance").display
        assert editor(app, "accommodation").display
        assert app.focused is not None and app.focused.display
        await pilot.press("f8")
        assert editor(app, "finance").display
        await wait_for_autosave(pilot, clock)
    assert case_store.get_record("rec-1").answers["finance.strengths"] == "money worries"


async def test_a_short_record_opens_in_short_mode(case_store: SqliteStore, form: AssessmentForm) -> None:
    app = case_app(case_store, form, FakeClock(), kind="short")
    async with app.run_test(size=(100, 40)):
        shown = [e.section.id for e in app.case_screen.editors if e.display]
    assert shown == [s.id for s in form.sections if s.short]


async def test_evidence_sources_are_kept_in_date_order(case_store: SqliteStore, form: AssessmentForm) -> None:
    clock = FakeClock()
    app = case_app(case_store, form, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+g", *"evid", "enter")
        await pilot.press(*"i, 3/10/2026, J Smith", "enter")
        await pilot.press(*"psr, 2026-09-01, K Jones", "enter")
        await pilot.press(*"police, 12/9, PC Brown", "enter")
        await pilot.press(*"x, someday, Nobody", "enter")
        group = app.case_screen.query_one("#section-evidence GroupInput", GroupInput)
        text = await shown(pilot, "'x' is not one of")
        assert app.focused is not None and getattr(app.focused, "value", None) == "x, someday, Nobody"
        assert text.index("Tuesday 1 September 2026") < text.index("Saturday 12 September 2026")
        assert text.index("Saturday 12 September 2026") < text.index("Saturday 3 October 2026")
        assert len(group.entries) == 3
        await wait_for_autosave(pilot, clock)
        saved = case_store.get_record("rec-1").answers["evidence.sources"]
        assert [s["date"] for s in saved] == ["2026-09-01", "2026-09-12", "2026-10-03"]
        assert saved[2] == {"kind": "interview", "date": "2026-10-03", "author": "J Smith"}
        await pilot.press("up", "delete")  # up into the list, where the first entry is selected
        await wait_for_autosave(pilot, clock)
    assert [s["date"] for s in case_store.get_record("rec-1").answers["evidence.sources"]] == [
        "2026-09-12",
        "2026-10-03",
    ]


async def test_grid_cells_take_one_key_each(case_store: SqliteStore, form: AssessmentForm) -> None:
    clock = FakeClock()
    app = case_app(case_store, form, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+g", *"serious harm", "enter")  # the grid: the section's first question
        await pilot.press("h", "l", "m")
        await wait_for_autosave(pilot, clock)
    who = case_store.get_record("rec-1").answers["rosh.who"]
    assert who == {"children": {"community": "high", "custody": "low"}, "public": {"community": "medium"}}


async def test_goto_prompt_matches_titles_fuzzily(case_store: SqliteStore, form: AssessmentForm) -> None:
    app = case_app(case_store, form, FakeClock())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+g")
        assert isinstance(app.screen, GotoSection)
        await pilot.press(*"alc", "enter")
        assert app.case_screen.current is editor(app, "alcohol")
        await pilot.press("shift+tab")
        assert app.case_screen.current is editor(app, "drugs")


def goto_matches(app: CaseApp) -> list[tuple[str, str]]:
    """The go-to prompt's list as shown: (section id or question path, line), top first."""
    assert isinstance(app.screen, GotoSection)
    matches = app.screen.query_one(OptionList)
    options = [matches.get_option_at_index(i) for i in range(matches.option_count)]
    return [(str(option.id), str(option.prompt)) for option in options]


async def test_goto_prompt_goes_to_a_question_and_its_key_answers_it(
    case_store: SqliteStore, form: AssessmentForm
) -> None:
    """The overall risk level is eleven ↓ below its section's top: Ctrl+G, a few letters of its label,
    Enter puts the cursor on it, and the next key answers it."""
    clock = FakeClock()
    app = case_app(case_store, form, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+g", *"overall level")
        shown_lines = goto_matches(app)
        assert shown_lines[0] == ("rosh.level", "Overall level — 15. Risk of serious harm summary")
        await pilot.press("enter")
        row = editor(app, "rosh").short_for("rosh.level")
        assert row is not None and app.focused is row
        assert row.current is not None and row.current.path == "rosh.level"
        assert app.case_screen.current is editor(app, "rosh")
        await pilot.press("h")
        await wait_for_autosave(pilot, clock)
    assert case_store.get_record("rec-1").answers["rosh.level"] == "high"


async def test_goto_prompt_puts_sections_before_questions(
    case_store: SqliteStore, form: AssessmentForm
) -> None:
    """A query that names a section goes there, although question labels match it too."""
    app = case_app(case_store, form, FakeClock())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+g", *"health")
        ids = [option_id for option_id, _line in goto_matches(app)]
        assert ids[0] == "health" and len(ids) > 1 and all("." in other for other in ids[1:])
        await pilot.press("enter")
        assert app.focused is editor(app, "health").short_rows[0]


async def test_goto_prompt_offers_no_hidden_question(case_store: SqliteStore, form: AssessmentForm) -> None:
    """The question "What helps?" shows only once adjustments are needed; until then it is not offered."""
    app = case_app(case_store, form, FakeClock())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+g", *"what helps")
        assert "health.adjustments_what" not in dict(goto_matches(app))
        await pilot.press("escape")
        await pilot.press("ctrl+g", *"needs adjustments", "enter")
        await pilot.press("y")
        await pilot.press("ctrl+g", *"what helps")
        assert goto_matches(app)[0] == ("health.adjustments_what", "What helps? — 12. Health")
        await pilot.press("enter")
        target = editor(app, "health").fields["health.adjustments_what"].field
        assert app.focused is target


async def test_help_plan_and_qa_are_one_key_away(case_store: SqliteStore, form: AssessmentForm) -> None:
    app = case_app(case_store, form, FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await go_to_section(pilot, 2)
        await pilot.press("f2")
        section = form.section("accommodation")
        assert section is not None and section.help
        assert section.help.split()[0] in screen_text(app)
        await pilot.press("y")  # still typing beside the help
        row = editor(app, "accommodation").short_for("accommodation.linked_offending")
        assert row is not None and row.values["accommodation.linked_offending"] == "yes"
        await pilot.press("f5")
        assert isinstance(app.screen, PlanScreen)
        await pilot.press("escape", "f6")
        assert isinstance(app.screen, QAScreen)
        await pilot.press("escape")
        assert app.screen is app.case_screen


async def test_a_refused_save_shows_why_keeps_the_text_and_offers_a_copy(
    case_store: SqliteStore, form: AssessmentForm, tmp_path: Path
) -> None:
    clock = FakeClock()
    app = case_app(case_store, form, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        elsewhere = SqliteStore(tmp_path / "a4.sqlite")  # a second window on the same store locks it
        elsewhere.transition("rec-1", "submitted", "pat")
        elsewhere.approve_and_lock("rec-1", "qa")
        await pilot.press(*"words that must not be lost")
        await wait_for_autosave(pilot, clock)
        assert isinstance(app.screen, SaveFailure)
        assert "locked" in screen_text(app)
        copy = tmp_path / "copy.json"
        await pilot.press("ctrl+a", "ctrl+k", *str(copy), "enter")  # clear the default path, type ours
        await pilot.pause()
        assert app.screen is app.case_screen
        assert "save failed: This record is locked" in screen_text(app)
        area = editor(app, "offence").fields["offence.what_happened"].field
        assert isinstance(area, AnswerArea) and area.text == "words that must not be lost"
    assert json.loads(copy.read_text())["answers"]["offence.what_happened"] == "words that must not be lost"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert "offence.what_happened" not in case_store.get_record("rec-1").answers


async def test_opening_a_record_with_answered_line_fields_leaves_it_saved(
    case_store: SqliteStore, form: AssessmentForm
) -> None:
    clock = FakeClock()
    answers = {"health.adjustments": "yes", "health.adjustments_what": "Large print letters"}
    case, record = make_record(case_store, form, answers=answers)
    opened = {"store": case_store, "form": form, "case": case, "record": record, "user": "pat"}
    app = OpeningApp(lambda: CaseScreen(**opened, clock=clock, today=lambda: TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for_autosave(pilot, clock)
        text = screen_text(app)
        assert "unsaved changes" not in text
        assert "all saved" in text
        assert editor(app.screen, "health").answer("health.adjustments_what") == "Large print letters"
    assert case_store.get_record("rec-1").version == record.version


async def test_saving_stores_each_sections_words_with_the_record(
    case_store: SqliteStore, form: AssessmentForm
) -> None:
    clock = FakeClock()
    answers = {"health.adjustments": "yes", "health.adjustments_what": "Large print letters"}
    case, record = make_record(case_store, form, answers=answers)
    opened = {"store": case_store, "form": form, "case": case, "record": record, "user": "pat"}
    app = OpeningApp(lambda: CaseScreen(**opened, clock=clock, today=lambda: TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press(*"He was angry and frightened")
        await wait_for_autosave(pilot, clock)
    saved = case_store.get_record("rec-1")
    assert saved.words == record_word_counts(form, saved.answers)
    assert (saved.words["offence"], saved.words["health"]) == (5, 3)  # a line answer counts too
    assert case_store.list_cases()[0].words == 8


async def test_the_total_words_count_every_answer_as_the_caseload_does(tmp_path: Path) -> None:
    """Long text, one-line answers alike: the case screen's total is the number the caseload lists."""
    from tests.a4_app_harness import TODAY, add_case, caseload_shown, make_app

    store = SqliteStore(tmp_path / "a4.db")
    add_case(store, "N1", "Alex Example", TODAY)
    async with make_app(store).run_test(size=(160, 45)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, CaseScreen), "the case screen")
        await pilot.press(*"one two three", "tab")  # long text in the first section
        await pilot.press("y", "n", "down", *"Stable flat")  # a one-line answer in the second
        await shown(pilot, "total 5 words")
        await pilot.press("escape")
        caseload = await caseload_shown(pilot)
        assert caseload.selected_ref == "N1"
        assert store.list_cases()[0].words == 5
    store.close()


async def test_a_group_question_leaves_the_screen_like_any_widget(form: AssessmentForm) -> None:
    """`GroupInput.remove()` is Textual's own: removing an entry has a name of its own."""
    question = form.question("evidence.sources")
    assert question is not None

    class Host(App[None]):
        def compose(self) -> Any:
            yield GroupInput("evidence.sources", question, None, date.today)

    app = Host()
    async with app.run_test() as pilot:
        await app.query_one(GroupInput).remove()
        await pilot.pause()
        assert not app.query(GroupInput)


async def go_to_section(pilot: Any, number: int) -> None:
    """Ctrl+G, the section's number, Enter: the terminal-safe way to a section."""
    await pilot.press("ctrl+g")
    await pilot.pause()
    await pilot.press(*str(number), "enter")
    await pilot.pause()

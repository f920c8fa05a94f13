"""A review on the case screen: two sections change, the rest are confirmed with one key each.

Runs over a real SQLite store holding a countersigned demo record, and
reads the review back from the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import OptionList, Static

from forms.model import AssessmentForm, Record
from forms.record.dates import format_long
from storage.demo import demo_data
from storage.sqlite.store import SqliteStore
from tui.modals.review_summary import ReviewSummaryScreen
from tui.screens.case_screen import CaseScreen
from tui.widgets.review_bar import ReviewBar
from tui.widgets.section_editor import AnswerArea, SectionEditor

TODAY = date(2026, 3, 2)
CHANGED = ("accommodation", "rosh")


class CaseApp(App[None]):
    """Builds the case screen once running: answered line fields need an active app."""

    def __init__(self, make_screen: Callable[[], CaseScreen]) -> None:
        super().__init__()
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.case_screen = self.make_screen()
        self.push_screen(self.case_screen)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def countersigned_demo(store: SqliteStore, form: AssessmentForm) -> Record:
    """The first countersigned demo record, with accommodation not linked and a medium risk level."""
    data = demo_data(form, 40, "pat", TODAY)
    record = next(r for r in data.records if r.status in ("approved", "locked"))
    answers = {
        **record.answers,
        "accommodation.linked_offending": "no",
        "accommodation.linked_harm": "no",
        "rosh.level": "medium",
    }
    records = [replace(r, answers=answers) if r is record else r for r in data.records]
    store.bulk_import(data.cases, records, form.deadlines)
    return store.get_record(record.id)


def bar_text(app: App[Any], section_id: str) -> str:
    bar = app.screen.query_one(f"#review-{section_id}", ReviewBar)
    return str(bar.query_one(".review-line", Static).render())


async def test_a_review_where_two_sections_change_and_the_rest_are_confirmed(
    tmp_path: Path, form: AssessmentForm
) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    previous = countersigned_demo(store, form)
    review = store.start_review(previous.case_ref, "pat")
    clock = Clock()
    app = CaseApp(
        lambda: CaseScreen(
            store=store,
            form=form,
            case=store.get_case(review.case_ref),
            record=review,
            user="pat",
            clock=clock,
            today=lambda: TODAY,
        )
    )
    carried = f"Carried from {format_long(date.fromisoformat(previous.updated_at[:10]))}"
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        screen = app.case_screen
        line = bar_text(app, "offence")
        assert line == f"{carried} · not yet looked at: F3 confirms no change, or edit it"
        assert screen.unconfirmed() == [s.id for s in form.sections]

        await pilot.press("f10")  # submit is refused while sections wait
        blockers = app.screen.query_one(OptionList)
        messages = [str(blockers.get_option_at_index(i).prompt) for i in range(blockers.option_count)]
        assert "Offence analysis: confirm it is unchanged, or update it" in messages
        await pilot.press("escape")

        await pilot.press("f3")  # offence: no change, and on to accommodation
        assert bar_text(app, "offence").endswith("✓ confirmed no change")
        assert screen.current is not None and screen.current.section.id == "accommodation"

        await pilot.press("y", "down")  # now linked to offending; then into the strengths text
        assert isinstance(app.focused, AnswerArea)
        await pilot.press(*"Moved to a hostel in February. ")
        await pilot.press("f4")  # what changed, word by word
        bar = app.screen.query_one("#review-accommodation", ReviewBar)
        diff = str(bar.query_one(".review-diff", Static).render())
        assert "Linked to offending?\n[-No-] {+Yes+}" in diff
        assert "{+Moved to a hostel in February.+}" in diff
        assert "changed (2 answers) · F4 hides the changes" in bar_text(app, "accommodation")

        await pilot.press("f3")  # an edited section needs no confirming: straight on to the next
        assert screen.current is not None and screen.current.section.id == "ete"
        for _ in range(12):  # education … health, offence details, safeguarding: unchanged
            await pilot.press("f3")
        assert screen.current is not None and screen.current.section.id == "rosh"
        level = screen.query_one("#section-rosh", SectionEditor).short_for("rosh.level")
        assert level is not None  # its own row, after the text it follows in the form file
        level.focus()
        await pilot.press("h")  # overall level: high
        await pilot.press("f3", "f3", "f3", "f3")  # rosh edited; risk plan, protective, evidence unchanged

        assert isinstance(app.screen, ReviewSummaryScreen)  # shown once nothing waits
        lines = str(app.screen.query_one("#review-summary-lines", Static).render()).splitlines()
        titles = {s.id: s.title for s in form.sections}
        confirmed = ", ".join(titles[s.id] for s in form.sections if s.id not in CHANGED)
        assert lines == [
            "Risk of serious harm: High (was Medium)",
            "Sections changed: Accommodation, Risk of serious harm summary",
            f"Sections confirmed no change: {confirmed}",
            "Linked areas added: Accommodation",
            "Linked areas no longer linked: none",
            "Objectives done: none",
            "Objectives added: none",
            "Objectives dropped: none",
        ]
        status = str(app.screen.query_one("#review-summary-status", Static).render())
        assert status == "Every section is confirmed or edited: the review can be submitted."
        await pilot.press("escape")
        assert screen.unconfirmed() == []
        assert screen.save_now()
        saved = store.get_record(review.id)
    assert saved.confirmed == [s.id for s in form.sections if s.id not in CHANGED]
    assert saved.answers["accommodation.strengths"].startswith("Moved to a hostel in February. ")
    assert saved.answers["rosh.level"] == "high"
    assert saved.carried_from == previous.updated_at[:10]


async def test_ctrl_r_on_the_case_screen_starts_a_review_that_starts_from_last_time(
    tmp_path: Path, form: AssessmentForm
) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    previous = countersigned_demo(store, form)
    app = CaseApp(
        lambda: CaseScreen(
            store=store,
            form=form,
            case=store.get_case(previous.case_ref),
            record=previous,
            user="pat",
            clock=Clock(),
            today=lambda: TODAY,
        )
    )
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        assert not app.screen.query(ReviewBar)  # no review markers outside a review
        await pilot.press("f3")  # and no confirming either
        assert app.case_screen.record.confirmed == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CaseScreen) and screen is not app.case_screen
        assert (screen.record.kind, screen.record.reviews) == ("review", previous.id)
        assert screen.record.answers == previous.answers
        assert len(screen.query(ReviewBar)) == len(form.sections)

"""Workload statistics on a crafted store, with every figure worked out by hand."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from exports.stats import collect_facts
from forms.model import Case, Record
from forms.record.stats import RecordFacts, Spread, workload
from storage.sqlite.store import SqliteStore, open_store
from tests.a4_app_harness import shipped_registry
from tui.cli import main


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 10, tzinfo=UTC)

    def on(self, day: str) -> None:
        self.now = datetime.fromisoformat(f"{day}T10:00:00+00:00")

    def __call__(self) -> datetime:
        return self.now


def words(n: int) -> str:
    return " ".join(["word"] * n)


def record(store: SqliteStore, ref: str, kind: str, minutes: int, n_words: int) -> Record:
    form = shipped_registry().assessment("a4-assessment")
    assert form is not None
    store.create_case(Case(ref, f"Person {ref}", "2026-01-05", "sam", form.id), form.deadlines)
    new = Record(id=ref, case_ref=ref, form_id=form.id, form_version=form.version, kind=kind, author="sam")
    saved = store.create_record(new, "sam")
    saved.answers = {"offence.what_happened": words(n_words)}
    saved.active_seconds = minutes * 60
    return store.save_record(saved, "sam")


@pytest.fixture
def crafted(tmp_path: Path) -> Path:
    """Three new assessments, one review and one short assessment, with their QA histories."""
    clock = Clock()
    store = open_store(str(tmp_path), now=clock)
    record(store, "A", "assessment", 60, 100)
    record(store, "B", "assessment", 30, 200)
    record(store, "C", "assessment", 90, 300)  # still a draft
    record(store, "D", "short", 10, 50)
    clock.on("2026-01-08")
    store.transition("A", "submitted", "sam")
    store.transition("D", "submitted", "sam")
    clock.on("2026-01-09")
    store.transition("A", "returned", "jo")  # A: returned once, then approved
    store.transition("D", "returned", "jo")
    clock.on("2026-01-12")
    store.transition("A", "submitted", "sam")
    store.transition("D", "submitted", "sam")
    clock.on("2026-01-13")
    store.transition("D", "returned", "jo")  # D: returned twice, not approved
    clock.on("2026-01-14")
    store.approve_and_lock("A", "jo")  # 9 days from the start, before the due date (19 January)
    clock.on("2026-01-29")
    store.transition("B", "submitted", "sam")
    clock.on("2026-01-30")
    store.approve_and_lock("B", "jo")  # first time, 25 days, after the due date
    clock.on("2026-02-02")
    review = store.start_review("B", "sam")
    review.active_seconds = 20 * 60
    store.save_record(review, "sam")
    clock.on("2026-02-04")
    store.transition(review.id, "submitted", "sam")
    store.approve_and_lock(review.id, "jo")  # 2 days, well within 16 weeks of B's approval
    store.close()
    return tmp_path


def test_figures_per_form_and_kind(crafted: Path) -> None:
    store = open_store(str(crafted))
    groups = workload(collect_facts(store, shipped_registry()))
    store.close()
    by_kind = {g.kind_name: g for g in groups}
    assert list(by_kind) == ["new assessment", "review", "short"]
    new = by_kind["new assessment"]
    assert new.count == 3
    assert new.minutes == Spread(45, 60, 75)
    assert new.words == Spread(150, 200, 250)
    assert (new.approved, new.approved_first_time, new.first_time_share) == (2, 1, 0.5)
    assert new.returns_per_record == pytest.approx(1 / 3)
    assert new.completed == 2 and new.days == Spread(13, 17, 21)
    assert (new.on_time, new.with_due) == (1, 2)
    review = by_kind["review"]
    assert (review.count, review.minutes, review.words) == (1, Spread(20, 20, 20), Spread(200, 200, 200))
    assert (review.approved_first_time, review.approved, review.days) == (1, 1, Spread(2, 2, 2))
    assert (review.on_time, review.with_due) == (1, 1)
    short = by_kind["short"]
    assert (short.count, short.returns_per_record, short.approved, short.first_time_share) == (
        1,
        2.0,
        0,
        None,
    )
    assert (short.completed, short.days, short.on_time_share) == (0, None, None)


def test_since_keeps_records_started_on_or_after_the_date(crafted: Path) -> None:
    store = open_store(str(crafted))
    facts = collect_facts(store, shipped_registry())
    store.close()
    assert [(g.kind, g.count) for g in workload(facts, since=date(2026, 2, 1))] == [("review", 1)]


def test_the_command_prints_json_csv_and_a_table(crafted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(crafted), "stats", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["kind"] == "new assessment"
    assert (rows[0]["active_minutes_median"], rows[0]["qa_returns"], rows[0]["days_to_complete_q3"]) == (
        60,
        1,
        21,
    )
    assert main(["--data-dir", str(crafted), "stats", "--format", "csv", "--since", "2026-02-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("form,kind,count,active_minutes_q1") and len(lines) == 2
    assert lines[1].startswith("a4-assessment,review,1,20.0,20.0,20.0,")
    assert main(["--data-dir", str(crafted), "stats"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["FORM", "KIND", "COUNT"]
    assert "new assessment  3      60 (45–75)" in table[1]
    assert "1/2 (50%)" in table[1] and "0.33" in table[1] and "17 (13–21)" in table[1]


def test_a_bad_since_date_is_explained(crafted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(crafted), "stats", "--since", "last week"]) == 1
    assert "write it as YYYY-MM-DD" in capsys.readouterr().err


def test_quartiles_of_few_values_can_be_checked_by_hand() -> None:
    assert Spread.of([]) is None
    assert Spread.of([7.0]) == Spread(7, 7, 7)
    assert Spread.of([10.0, 20.0]) == Spread(12.5, 15, 17.5)
    fact = RecordFacts(
        "f", "assessment", date(2026, 1, 1), 600, 10, 0, True, date(2026, 1, 3), date(2026, 1, 2)
    )
    (group,) = workload([fact])
    assert (group.on_time, group.with_due, group.days) == (0, 1, Spread(2, 2, 2))


async def test_the_stats_screen_shows_the_table_and_minutes_over_time(crafted: Path) -> None:
    from textual.widgets import DataTable, Sparkline

    from tests.a4_app_harness import caseload_shown, make_app
    from tests.pilot_support import until
    from tui.config import Config
    from tui.screens.stats_screen import StatsScreen

    store = open_store(str(crafted))
    async with make_app(store, Config(user="jo", role="qa_assessor")).run_test(size=(160, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("f9", "f5")
        screen = pilot.app.screen
        assert isinstance(screen, StatsScreen)
        await until(pilot, lambda: screen.loaded, "the figures were read")
        assert screen.query_one(DataTable).row_count == 3
        assert list(screen.query_one(Sparkline).data or []) == [60, 30, 20]  # A, B, then the review
        assert "3 completed, 14 Jan 2026 to 04 Feb 2026; fewest 20 min, most 60 min." in str(
            screen.query_one("#chart-range").render()
        )
    store.close()

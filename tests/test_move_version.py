"""Moving a review to a newer version of its form from the app (issue 20, "Versions").

A record approved on mini 1.0.0; mini 2.0.0 drops a question and renames
another with `renamed_from`.  Starting a review offers the move on one
screen, the move keeps the dropped answer with the record (and its export),
and the renamed question carries its answer.  Staying keeps the version.
"""

from __future__ import annotations

from pathlib import Path

from forms.definition.registry import load_registry
from forms.model import Case, Record
from storage.kept_forms import keep_definition
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import USER, caseload_shown, make_app
from tests.cli_support import a4_in
from tests.pilot_support import until
from tui.modals.move_version import MoveVersionScreen
from tui.screens.case_screen import CaseScreen
from tui.widgets.left_behind import LeftBehindPanel

VALID = Path(__file__).parent / "fixtures" / "forms" / "valid"

RENAMED = (
    '  [[section.question]]\n  id = "reasons"\n  renamed_from = "analysis"\n'
    '  label = "Why, and on what evidence?"'
)


def forms(folder: Path) -> None:
    """mini 1.0.0 as shipped in the fixtures, and 2.0.0 without `motivation` and with `analysis` renamed."""
    folder.mkdir(parents=True)
    text = (VALID / "mini.toml").read_text(encoding="utf-8")
    (folder / "mini-1.toml").write_text(text, encoding="utf-8")
    removed = '  [[section.question]]\n  id = "motivation"\n  type = "scale"\n'
    assert removed in text
    start = text.index(removed)
    end = text.find("[[", start + len(removed))
    newer = text[:start] + text[end:].lstrip() if end > 0 else text[:start]
    newer = newer.replace('version = "1.0.0"', 'version = "2.0.0"')
    old_analysis = '  [[section.question]]\n  id = "analysis"\n  label = "Why, and on what evidence?"'
    assert old_analysis in newer
    newer = newer.replace(old_analysis, RENAMED)
    (folder / "mini-2.toml").write_text(newer, encoding="utf-8")


def approved(store: SqliteStore, folder: Path) -> None:
    registry, errors = load_registry([folder])
    assert errors == []
    old = registry.assessment("mini", "1.0.0")
    assert old is not None and keep_definition(store, old)
    store.create_case(Case("C1", "Sam Morgan", "2026-01-05", USER, "mini"), old.deadlines)
    record = store.create_record(Record("r1", "C1", "mini", "1.0.0", author=USER), USER)
    record.answers = {
        "accommodation.linked_offending": "yes",
        "accommodation.analysis": "Lost the flat after the arrest.",
        "risk.motivation": 4,
    }
    store.save_record(record, USER)
    store.transition("r1", "submitted", USER)
    store.transition("r1", "approved", "qa.lee")


async def test_a_review_moves_to_the_new_version_keeping_what_is_left_behind(tmp_path: Path) -> None:
    forms(tmp_path / "forms")
    store = SqliteStore(tmp_path / "data" / "a4.db")
    approved(store, tmp_path / "forms")
    registry, _ = load_registry([tmp_path / "forms"])
    app = make_app(store, registry=registry)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, MoveVersionScreen))
        offer = app.screen
        assert "version 2.0.0 is loaded; this review is on 1.0.0" in str(
            offer.query_one(".modal-title").render()
        )
        assert offer.summary().startswith("Moving carries over 2 answers. 1 answer would be left behind")
        assert offer.left_text() == (
            "- How ready does the person feel to change?: 4 (the question is not in version 2.0.0)"
        )
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert app.screen.form.version == "2.0.0"
        review = app.screen.record
        panel = app.screen.query_one("#left-behind", LeftBehindPanel)
        assert panel.display
        assert str(panel.render()).splitlines() == [
            "Left behind (1): answers from earlier versions of the form, kept with this record",
            "- How ready does the person feel to change? (1.0.0): 4 — the question is not in version 2.0.0",
        ]
    store.close()

    store = SqliteStore(tmp_path / "data" / "a4.db")
    kept = store.get_record(review.id)
    store.close()
    assert (kept.form_version, kept.kind) == ("2.0.0", "review")
    assert kept.answers["accommodation.reasons"] == "Lost the flat after the arrest."  # renamed_from
    assert [(item.path, item.value, item.form_version) for item in kept.left_behind] == [
        ("risk.motivation", 4, "1.0.0")
    ]
    exported = a4_in(tmp_path / "data", "export", "C1", "--format", "md")  # the forms' files are not needed
    assert exported.returncode == 0, exported.stderr
    assert "How ready does the person feel to change?" in exported.stdout


async def test_the_practitioner_can_stay_on_the_records_version(tmp_path: Path) -> None:
    forms(tmp_path / "forms")
    store = SqliteStore(tmp_path / "data" / "a4.db")
    approved(store, tmp_path / "forms")
    registry, _ = load_registry([tmp_path / "forms"])
    app = make_app(store, registry=registry)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, MoveVersionScreen))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert app.screen.form.version == "1.0.0"
        assert app.screen.record.answers["risk.motivation"] == 4
    store.close()


async def test_ctrl_r_on_the_case_screen_offers_the_move_too(tmp_path: Path) -> None:
    forms(tmp_path / "forms")
    store = SqliteStore(tmp_path / "data" / "a4.db")
    approved(store, tmp_path / "forms")
    registry, _ = load_registry([tmp_path / "forms"])
    app = make_app(store, registry=registry)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        first = app.screen
        assert (first.form.version, first.record.id) == ("1.0.0", "r1")
        assert not first.query_one("#left-behind", LeftBehindPanel).display  # nothing left behind yet
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, MoveVersionScreen))
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen) and app.screen is not first)
        assert (app.screen.form.version, app.screen.record.kind) == ("2.0.0", "review")
        assert app.screen.record.answers["accommodation.reasons"] == "Lost the flat after the arrest."
    store.close()

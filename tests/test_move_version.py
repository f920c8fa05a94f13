"""Moving a review or an amendment to a newer version of its form from the app (issue 20, "Versions").

A record approved (or locked) on mini 1.0.0; mini 2.0.0 drops a question and
renames another with `renamed_from`.  Starting a review (Ctrl+R) or an
amendment (Ctrl+F, after one confirming key) offers the move on one screen,
the move keeps the dropped answer with the record (and its export), and the
renamed question carries its answer.  Staying keeps the version.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from forms.definition.registry import load_registry
from forms.model import Case, Record
from storage.kept_forms import keep_definition
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import USER, caseload_shown, make_app
from tests.cli_support import a4_in
from tests.pilot_support import until
from tui.app import A4App
from tui.modals.confirm_key import ConfirmKey
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
    store, app = app_over(tmp_path, approved)
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
            "Left behind (1): kept with this record, outside its answers (each says why)",
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
    store, app = app_over(tmp_path, approved)
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
    store, app = app_over(tmp_path, approved)
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


# ---------------------------------------------------------------- amendments (Ctrl+F)


def locked(store: SqliteStore, folder: Path) -> None:
    """The approved 1.0.0 record of `approved`, locked by a second countersignature."""
    approved(store, folder)
    store.transition("r1", "locked", "qa.kim")


def app_over(tmp_path: Path, state: Callable[[SqliteStore, Path], None]) -> tuple[SqliteStore, A4App]:
    """Both versions of mini in a forms folder, a store `state` prepares, and the app over them."""
    forms(tmp_path / "forms")
    store = SqliteStore(tmp_path / "data" / "a4.db")
    state(store, tmp_path / "forms")
    registry, _ = load_registry([tmp_path / "forms"])
    return store, make_app(store, registry=registry)


async def test_an_amendment_moves_to_the_new_version_keeping_what_is_left_behind(tmp_path: Path) -> None:
    store, app = app_over(tmp_path, locked)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+f")
        await until(pilot, lambda: isinstance(app.screen, ConfirmKey))
        assert app.screen.question == (
            "Amend the locked record of case C1? A new draft starts from its answers and goes through QA "
            "again; the locked record stays as it is."
        )
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, MoveVersionScreen))
        offer = app.screen
        assert "version 2.0.0 is loaded; this amendment is on 1.0.0" in str(
            offer.query_one(".modal-title").render()
        )
        assert offer.left_text() == (
            "- How ready does the person feel to change?: 4 (the question is not in version 2.0.0)"
        )
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert app.screen.form.version == "2.0.0"
        amendment = app.screen.record
        assert (amendment.amends, amendment.status) == ("r1", "draft")
        assert app.screen.query_one("#left-behind", LeftBehindPanel).display
    store.close()

    store = SqliteStore(tmp_path / "data" / "a4.db")
    kept, original = store.get_record(amendment.id), store.get_record("r1")
    store.close()
    assert (kept.form_version, kept.kind, kept.amends) == ("2.0.0", "assessment", "r1")
    assert kept.answers["accommodation.reasons"] == "Lost the flat after the arrest."  # renamed_from
    assert [(item.path, item.value, item.form_version) for item in kept.left_behind] == [
        ("risk.motivation", 4, "1.0.0")
    ]
    assert (original.status, original.form_version, original.answers["risk.motivation"]) == (
        "locked",
        "1.0.0",
        4,
    )
    exported = a4_in(tmp_path / "data", "export", "C1", "--format", "md")
    assert exported.returncode == 0, exported.stderr
    assert "How ready does the person feel to change?" in exported.stdout
    assert "Lost the flat after the arrest." in exported.stdout
    assert "Mini assessment (version 2.0.0)" in exported.stdout  # the amendment, the case's latest record
    assert (
        "## Left behind: kept with the record, outside its answers\n\n"
        "- How ready does the person feel to change?: 4 (the question is not in version 2.0.0)\n"
    ) in exported.stdout


async def test_an_amendment_from_the_case_screen_can_stay_on_the_records_version(tmp_path: Path) -> None:
    store, app = app_over(tmp_path, locked)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        first = app.screen
        assert (first.record.id, first.record.status) == ("r1", "locked")
        await pilot.press("ctrl+f")
        await until(pilot, lambda: isinstance(app.screen, ConfirmKey))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, MoveVersionScreen))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen) and app.screen is not first)
        amendment = app.screen.record
        assert (app.screen.form.version, amendment.form_version, amendment.amends) == ("1.0.0", "1.0.0", "r1")
        assert amendment.answers["risk.motivation"] == 4
        assert not app.screen.query_one("#left-behind", LeftBehindPanel).display
    store.close()


async def test_any_other_key_than_y_starts_no_amendment(tmp_path: Path) -> None:
    store, app = app_over(tmp_path, locked)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+f")
        await until(pilot, lambda: isinstance(app.screen, ConfirmKey))
        await pilot.press("ctrl+f")  # a second press of the action's own key is a no
        await until(pilot, lambda: not isinstance(app.screen, ConfirmKey))
        await pilot.pause()
        assert [r.id for r in store.records_for_case("C1")] == ["r1"]
    store.close()


async def test_a_second_amendment_opens_the_open_one(tmp_path: Path) -> None:
    forms(tmp_path / "forms")
    store = SqliteStore(tmp_path / "data" / "a4.db")
    locked(store, tmp_path / "forms")
    first = store.amend("r1", USER)
    registry, _ = load_registry([tmp_path / "forms"])
    app = make_app(store, registry=registry)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+f", "y")
        await until(pilot, lambda: isinstance(app.screen, MoveVersionScreen))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert app.screen.record.id == first.id
        assert [r.id for r in store.records_for_case("C1")] == ["r1", first.id]
    store.close()


async def test_a_record_not_yet_locked_is_not_amended_and_says_why(tmp_path: Path) -> None:
    store, app = app_over(tmp_path, approved)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+f", "y")
        await until(pilot, lambda: any(n.title == "Nothing to amend" for n in app._notifications))
        [note] = [n for n in app._notifications if n.title == "Nothing to amend"]
        assert note.message == (
            "Case C1 has no locked record to amend. A record is amended once it is countersigned and locked; "
            "until then it is changed as it is."
        )
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await pilot.press("ctrl+f")
        said = (
            "Only a locked record is amended; this one is approved, so it is changed as it is "
            "(a submitted one once it is returned)."
        )
        await until(pilot, lambda: any(n.message == said for n in app._notifications))
        assert not isinstance(app.screen, ConfirmKey)
        assert [r.id for r in store.records_for_case("C1")] == ["r1"]
    store.close()

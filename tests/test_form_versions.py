"""A record opens with the form version it was written against, even after that file is gone."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from forms.definition.registry import load_registry
from forms.model import Case, Record
from storage.kept_forms import form_for_record, keep_definition
from storage.postgres.store import PostgresStore
from storage.sqlite.store import SqliteStore
from storage.store import Store
from tests.a4_app_harness import TODAY, USER, add_case, caseload_shown, fake_clock, make_app, shipped_registry
from tests.cli_support import a4_in
from tests.pilot_support import until
from tui.app import A4App
from tui.config import Config
from tui.screens.case_screen import CaseScreen

VALID = Path(__file__).parent / "fixtures" / "forms" / "valid"


def own_form(folder: Path, version: str = "1.0.0", title: str = "Mini assessment") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mini.toml"
    text = (VALID / "mini.toml").read_text(encoding="utf-8")
    path.write_text(
        text.replace('version = "1.0.0"', f'version = "{version}"').replace("Mini assessment", title),
        encoding="utf-8",
    )
    return path


def test_the_store_keeps_the_first_copy_of_each_definition(store: Store) -> None:
    assert store.get_definition("assessment", "mini", "1.0.0") is None
    assert store.save_definition("assessment", "mini", "1.0.0", "first text") is True
    assert store.save_definition("assessment", "mini", "1.0.0", "changed text") is False
    store.save_definition("assessment", "mini", "1.1.0", "newer")
    assert store.get_definition("assessment", "mini", "1.0.0") == "first text"
    mine = [key for key in store.list_definitions() if key[1] == "mini"]  # a team database holds A4's own too
    assert mine == [("assessment", "mini", "1.0.0"), ("assessment", "mini", "1.1.0")]


def test_the_stores_copy_is_used_after_the_file_is_deleted(tmp_path: Path, store: Store) -> None:
    path = own_form(tmp_path / "forms", title="Housing check")
    registry, errors = load_registry([path.parent])
    assert errors == []
    form = registry.assessment("mini", "1.0.0")
    assert form is not None and form.header.title == "Housing check"
    assert keep_definition(store, form) is True
    record = Record("r1", "C1", "mini", "1.0.0")

    path.unlink()
    after, _ = load_registry([path.parent])
    assert after.assessment("mini", "1.0.0") is None

    kept = form_for_record(after, store, record)
    assert kept is not None
    assert kept.header.title == "Housing check"
    assert [s.id for s in kept.sections] == [s.id for s in form.sections]


def test_no_copy_is_kept_of_a_file_changed_since_it_was_loaded(tmp_path: Path, store: Store) -> None:
    path = own_form(tmp_path / "forms")
    registry, _ = load_registry([path.parent])
    form = registry.assessment("mini", "1.0.0")
    assert form is not None
    own_form(tmp_path / "forms", title="Edited under the same version")
    assert keep_definition(store, form) is False
    assert store.get_definition("assessment", "mini", "1.0.0") is None


def test_a_record_with_no_installed_form_and_no_copy_has_no_form(store: Store) -> None:
    registry, _ = load_registry([])
    assert form_for_record(registry, store, Record("r1", "C1", "mini", "9.9.9")) is None


async def test_the_app_opens_a_record_with_its_own_version_after_the_file_is_gone(tmp_path: Path) -> None:
    path = own_form(tmp_path / "forms", title="Version one")
    store = SqliteStore(tmp_path / "data" / "a4.db")
    registry, _ = load_registry([path.parent])
    case = add_case(store, "C1", "Sam Morgan", date(2026, 2, 2))
    store.update_case(Case(case.ref, case.name, case.start, case.owner, "mini"))

    app = make_app(store, registry=registry)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.form.header.title == "Version one"
    assert store.get_definition("assessment", "mini", "1.0.0") == path.read_text(encoding="utf-8")

    path.unlink()
    own_form(tmp_path / "forms", version="2.0.0", title="Version two")
    newer, _ = load_registry([path.parent])
    app = make_app(store, registry=newer)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.form.header.title == "Version one"
        assert app.screen.form.version == "1.0.0"
    store.close()


def test_commands_that_read_records_use_the_stores_copy_once_the_file_is_gone(tmp_path: Path) -> None:
    """export and stats read a record whose form file was deleted from the copy the store kept."""
    path = own_form(tmp_path / "forms", title="Housing check")
    registry, _ = load_registry([path.parent])
    form = registry.assessment("mini", "1.0.0")
    assert form is not None
    store = SqliteStore(tmp_path / "data" / "a4.db")
    store.create_case(Case("C1", "Sam Morgan", "2026-02-02", "sam", "mini"), form.deadlines)
    record = store.create_record(Record("r1", "C1", "mini", "1.0.0", author="sam"), "sam")
    record.answers = {"accommodation.analysis": "Kept with the record."}
    store.save_record(record, "sam")
    assert keep_definition(store, form)
    store.close()
    path.unlink()

    exported = a4_in(tmp_path / "data", "export", "C1", "--format", "md")
    assert exported.returncode == 0, exported.stderr
    assert "Housing check" in exported.stdout and "Kept with the record." in exported.stdout
    stats = a4_in(tmp_path / "data", "stats", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert '"mini"' in stats.stdout


async def test_a_records_rubric_and_plan_are_kept_and_a4_check_uses_them_once_their_files_are_gone(
    tmp_path: Path,
) -> None:
    """Opening a record keeps its form's rubric and plan template too; `a4 check` then judges it the same
    without the files (issue 20, "Records outlive their forms' files")."""
    folder = tmp_path / "forms"
    folder.mkdir()
    for name in ("mini.toml", "mini-qa.toml", "mini-plan.toml"):
        (folder / name).write_text((VALID / name).read_text(encoding="utf-8"), encoding="utf-8")
    registry, errors = load_registry([folder])
    assert errors == []
    form, rubric = registry.assessment("mini"), registry.rubric_for("mini")
    assert form is not None and rubric is not None
    store = SqliteStore(tmp_path / "data" / "a4.db")
    store.create_case(Case("C1", "Sam Morgan", "2026-02-02", USER, "mini"), form.deadlines)
    record = store.create_record(Record("r1", "C1", "mini", "1.0.0", author=USER), USER)
    record.answers = {"accommodation.linked_offending": "yes", "accommodation.analysis": "Too short."}
    store.save_record(record, USER)
    app = make_app(store, registry=registry)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
    assert store.get_definition("rubric", rubric.id, rubric.version) is not None
    store.close()
    with_files = a4_in(tmp_path / "data", "--forms", str(folder), "check", "C1")
    assert with_files.returncode == 1 and "to fix" in with_files.stdout

    for path in folder.iterdir():
        path.unlink()
    without = a4_in(tmp_path / "data", "check", "C1")
    assert (without.returncode, without.stdout) == (1, with_files.stdout)


def test_a4_check_says_a_record_with_no_rubric_was_not_checked(tmp_path: Path) -> None:
    path = own_form(tmp_path / "forms")
    registry, _ = load_registry([path.parent])
    form = registry.assessment("mini", "1.0.0")
    assert form is not None
    store = SqliteStore(tmp_path / "data" / "a4.db")
    store.create_case(Case("C1", "Sam Morgan", "2026-02-02", "sam", "mini"), form.deadlines)
    store.create_record(Record("r1", "C1", "mini", "1.0.0", author="sam"), "sam")
    assert keep_definition(store, form)
    store.close()

    result = a4_in(tmp_path / "data", "check", "C1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "C1 assessment (draft, record r1): not checked: no rubric for form 'mini' is loaded or kept in this "
        "store (add its file to your forms folder, or pass --forms DIR)"
    ]
    assert result.stderr.strip() == "1 record checked, 0 with something to fix, 1 not checked (no rubric)."
    report = json.loads(a4_in(tmp_path / "data", "check", "--json").stdout)
    assert (report["unchecked"], report["failing"]) == (1, 0)
    assert (report["records"][0]["checked"], report["records"][0]["passes"]) == (False, None)


async def test_in_a_team_the_app_says_once_which_rubric_the_database_holds_no_copy_of(
    tmp_path: Path, login: Callable[[str], PostgresStore]
) -> None:
    """Only an administrator adds definitions to a team database, so the app cannot keep a trainer's new
    rubric there; the practitioner is told (once a session, not at every case) whom to ask."""
    shipped = shipped_registry().rubric_for("a4-assessment")
    assert shipped is not None
    own = tmp_path / "forms" / "rubric.toml"
    own.parent.mkdir()
    text = Path(shipped.header.source).read_text("utf-8")
    own.write_text(text.replace(f'version = "{shipped.version}"', 'version = "9.0.0"', 1), "utf-8")
    registry, problems = load_registry([own.parent])
    assert not problems and registry.rubric_for("a4-assessment").version == "9.0.0"  # type: ignore[union-attr]
    sam = login("sam")
    form = registry.assessment("a4-assessment")
    assert form is not None and sam.get_definition("assessment", form.id, form.version) is not None
    for ref in ("T-1", "T-2"):
        sam.create_case(Case(ref, "Alex Morgan", "2026-02-02", "sam", form.id), form.deadlines)
    app = A4App(
        store=sam, registry=registry, config=Config(user="sam"), today=lambda: TODAY, clock=fake_clock()
    )
    title = "Not kept in the team database"
    told = lambda: [n.message for n in app._notifications if n.title == title]  # noqa: E731
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen), "the first case")
        await until(pilot, lambda: bool(told()), "the notice")
        assert told() == [
            f"The team database holds no copy of rubric '{shipped.id}' 9.0.0, used with this record: "
            "A4 reads your file for now. Ask your administrator to add it (a4 --forms DIR db init), so "
            "that records keep it after the file is gone."
        ]
        await pilot.press("escape")
        await caseload_shown(pilot)
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen) and app.screen.case.ref == "T-2")
        assert len(told()) == 1  # not again for the second case
    assert sam.get_definition("rubric", shipped.id, "9.0.0") is None  # nothing was stored around the rules

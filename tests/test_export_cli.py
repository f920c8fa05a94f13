"""`a4 export` and `a4 schema` as a person runs them, and the case screen's export key."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from exports.schema import record_schema
from forms.definition.registry import load_registry
from forms.model import Case, Record
from forms.record.sharing import NOT_FOR_PERSON, WITHHELD_NOTICE
from storage.sqlite.store import SqliteStore
from tests.cli_support import a4_in as a4
from tests.pilot_support import CaseApp, until
from tui.screens.case_screen import CaseScreen


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    assert a4(folder, "demo", "--cases", "12").returncode == 0
    return folder


def with_record(data: Path) -> list[str]:
    listed = SqliteStore(data / "a4.db")
    try:
        return [s.ref for s in listed.list_cases() if s.status is not None]
    finally:
        listed.close()


def test_one_record_goes_to_stdout_and_nothing_else(data: Path) -> None:
    ref = with_record(data)[0]
    result = a4(data, "export", ref, "--format", "md")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Assessment: ") and "## At a glance" in result.stdout
    assert result.stderr == ""  # no progress bar or chatter in a pipe


def test_many_records_need_a_folder_and_get_one_private_file_each(data: Path, tmp_path: Path) -> None:
    refs = with_record(data)
    refused = a4(data, "export", *refs, "--format", "fhir")
    assert refused.returncode == 1
    assert f"{len(refs)} records match; give --out FOLDER" in refused.stderr
    out = tmp_path / "fhir"
    done = a4(data, "export", *refs, "--format", "fhir", "--out", str(out))
    assert done.returncode == 0, done.stderr
    files = sorted(out.iterdir())
    assert len(files) == len(refs) and all(f.name.endswith(".fhir.json") for f in files)
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert json.loads(files[0].read_text())["resourceType"] == "Bundle"


def test_csv_has_one_row_per_case_including_those_not_started(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "team.csv"
    result = a4(data, "export", "--all", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 12 and len({r["reference"] for r in rows}) == 12
    assert len([r for r in rows if r["status"] != "not started"]) == len(with_record(data))


def test_since_keeps_recent_records_and_bad_input_is_one_line(data: Path) -> None:
    none = a4(data, "export", "--since", "2099-01-01", "--format", "json")
    assert none.returncode == 1 and "no records match" in none.stderr
    bad = a4(data, "export", "--since", "yesterday", "--format", "json")
    assert bad.returncode == 2 and "'yesterday' is not a date; write it as YYYY-MM-DD" in bad.stderr
    unknown = a4(data, "export", "NOPE-1", "--format", "json")
    assert unknown.returncode == 1 and "There is no case with reference NOPE-1" in unknown.stderr
    nothing = a4(data, "export", "--format", "md")
    assert nothing.returncode == 1 and "or use --all" in nothing.stderr
    assert "Traceback" not in none.stderr + bad.stderr + unknown.stderr + nothing.stderr


def test_schema_prints_the_shipped_schema(tmp_path: Path) -> None:
    result = a4(tmp_path, "schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == record_schema()


async def test_the_case_screen_exports_the_open_record_with_one_key(tmp_path: Path) -> None:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    store = SqliteStore(tmp_path / "a4.db")
    case = store.create_case(Case("AB1", "Sam Taylor", "2026-09-28", "pat", form.id), form.deadlines)
    record = store.create_record(
        Record("rec-1", case.ref, form.id, form.version, answers={"rosh.level": "medium"}), "pat"
    )
    app = CaseApp(CaseScreen(store=store, form=form, case=case, record=record, user="pat"))
    folder = tmp_path / "out"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        field = app.screen.query_one(".export-folder")
        field.value = str(folder)  # type: ignore[attr-defined]
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        notices = [n.message for n in app._notifications]
    written = folder / "AB1-rec-1.md"
    assert "**Risk of serious harm:** Medium" in written.read_text()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert any(str(written) in n for n in notices)
    store.close()


async def test_the_case_screen_makes_the_persons_copy_without_what_the_form_withholds(tmp_path: Path) -> None:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None and form.question("offence.victims").withhold_from_person  # type: ignore[union-attr]
    store = SqliteStore(tmp_path / "a4.db")
    case = store.create_case(Case("AB1", "Sam Taylor", "2026-09-28", "pat", form.id), form.deadlines)
    secret = "Her new address is 4 Quarry Lane"
    answers = {"offence.what_happened": "Broke a window at the shop.", "offence.victims": secret}
    record = store.create_record(Record("rec-1", case.ref, form.id, form.version, answers=answers), "pat")
    folder = tmp_path / "out"
    for key in ("m", "p", "o"):
        app = CaseApp(CaseScreen(store=store, form=form, case=case, record=record, user="pat"))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("f12")
            await pilot.pause()
            app.screen.query_one(".export-folder").value = str(folder)  # type: ignore[attr-defined]
            await pilot.press(key)
            await until(pilot, lambda: isinstance(pilot.app.screen, CaseScreen), "the export written")
    team, person = (folder / "AB1-rec-1.md").read_text(), (folder / "AB1-rec-1.for-person.md").read_text()
    assert secret in team and NOT_FOR_PERSON[:40] in team
    assert secret not in person and "Broke a window" in person and WITHHELD_NOTICE[:40] in person
    sheet = folder / "AB1-rec-1.for-person.pdf"
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    text = " ".join(PdfReader(sheet).pages[0].extract_text().split())
    assert "Quarry Lane" not in text and "Your copy" in text
    store.close()


async def test_enter_in_the_folder_field_exports_and_the_folder_is_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("A4_STATE_DIR", str(tmp_path / "state"))
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    store = SqliteStore(tmp_path / "a4.db")
    case = store.create_case(Case("AB1", "Sam Taylor", "2026-09-28", "pat", form.id), form.deadlines)
    record = store.create_record(Record("rec-1", case.ref, form.id, form.version), "pat")
    folder = tmp_path / "out"
    app = CaseApp(CaseScreen(store=store, form=form, case=case, record=record, user="pat"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        field = app.screen.query_one(".export-folder")
        field.focus()
        field.value = str(folder)  # type: ignore[attr-defined]
        await pilot.press("enter")  # the highlighted format, the first: Markdown
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
    assert (folder / "AB1-rec-1.md").exists()
    remembered = tmp_path / "state" / "export-folder"
    assert stat.S_IMODE(remembered.stat().st_mode) == 0o600
    again = CaseApp(CaseScreen(store=store, form=form, case=case, record=record, user="pat"))
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        assert again.screen.query_one(".export-folder").value == str(folder)  # type: ignore[attr-defined]
        await pilot.press("j")
        await pilot.pause()
    assert (folder / "AB1-rec-1.json").exists()
    store.close()

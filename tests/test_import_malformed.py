"""A bad file is refused with one line naming the file and the JSON path, and nothing is written.

Each fixture in tests/fixtures/imports/ is `valid.json` broken one way a
real file gets broken: cut short, edited by hand, written by another tool
or a newer A4.  Each is imported by the real `a4 import` into a store that
already holds cases, and the store must be exactly as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli_support import a4_in as a4

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
MALFORMED: dict[str, str] = {
    "truncated.json": "line 105, column 7: not valid JSON (Unterminated string starting at); "
    "the file may be cut short",
    "empty.json": "line 1, column 1: not valid JSON (Expecting value)",
    "not_json.json": "line 1, column 1: not valid JSON (Expecting value)",
    "not_utf8.json": "is not UTF-8 text, so it is not an A4 JSON export",
    "top_level_list.json": '$.format: not an A4 record export (expected "format": "a4-record")',
    "other_format.json": '$.format: not an A4 record export (expected "format": "a4-record")',
    "future_version.json": "$.format_version: written by a newer A4 "
    "(format version 2; this A4 reads up to 1). "
    "Upgrade A4 to import it.",
    "missing_record.json": "$: 'record' is missing; every A4 export has it",
    "missing_status.json": "$.record: 'status' is missing; every A4 export has it",
    "version_as_text.json": "$.record.version: expected a whole number, found '3'",
    "unknown_status.json": "$.record.status: 'finished' is not one of: "
    "draft, submitted, returned, approved, locked",
    "start_not_iso.json": "$.case.start: expected a date written YYYY-MM-DD, found '03/03/2025'",
    "created_not_timestamp.json": "$.record.created_at: expected a timestamp like 2025-03-03T09:30:00+00:00, "
    "found 'yesterday'",
    "negative_active_time.json": "$.record.active_seconds: must be at least 0, found -5",
    "answers_as_list.json": "$.record.answers: expected an object, found a list",
    "answer_key_without_section.json": "$.record.answers: answer keys are written 'section.question'; "
    "'level' is not",
    "audit_without_time.json": "$.audit[0]: 'at' is missing",
    "objective_date_in_words.json": "$.record.plan[0].by: expected a date written YYYY-MM-DD, "
    "found 'next month'",
    "extra_top_level_key.json": "$: unexpected key 'exported_by' (not part of format version 1)",
    "case_ref_mismatch.json": "$.record.case_ref: 'IMP-9999' is not the case's reference 'IMP-0001'",
    "form_mismatch.json": "$.form: does not match the record's form_id and form_version",
    "unknown_form.json": "$.record.form_id: there is no assessment form 'no-such-form' here",
    "unknown_form_version.json": "$.record.form_version: version 9.9.9 of form 'a4-assessment' is not loaded",
    "unknown_question.json": "$.record.answers['offence.nope']: form a4-assessment 1.0.0 has no question "
    "'offence.nope'",
    "unknown_option.json": "$.record.answers['rosh.level']: 'extreme' is not one of its options "
    "(low, medium, high, very_high)",
    "unknown_grid_level.json": "$.record.answers['rosh.who'].children.community: "
    "'huge' is not one of its levels",
    "yesno_as_boolean.json": '$.record.answers[\'accommodation.linked_offending\']: expected "yes" or "no", '
    "found true",
    "source_date_in_words.json": "$.record.answers['evidence.sources'][0].date: expected a date written "
    "YYYY-MM-DD, found 'last week'",
}


def contents(data: Path) -> list[list[tuple[object, ...]]]:
    """Every row of every table: what "unchanged" means."""
    with sqlite3.connect(data / "a4.db") as conn:
        tables = [
            t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        return [conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    assert a4(folder, "demo", "--cases", "5").returncode == 0
    return folder


def test_every_fixture_is_covered() -> None:
    assert {f.name for f in FIXTURES.iterdir()} == {*MALFORMED, "valid.json"}
    assert len(MALFORMED) >= 15


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_file_is_refused_with_its_path_and_nothing_is_written(data: Path, name: str) -> None:
    before = contents(data)
    result = a4(data, "import", str(FIXTURES / name))
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"a4: {FIXTURES / name}: ")
    assert MALFORMED[name] in first
    assert "Traceback" not in result.stderr
    assert contents(data) == before


def test_the_valid_file_imports_and_a_bad_one_beside_it_does_not_stop_it(tmp_path: Path) -> None:
    result = a4(tmp_path, "import", str(FIXTURES / "unknown_option.json"), str(FIXTURES / "valid.json"))
    assert result.returncode == 1
    assert "Imported record 0f1e2d3c4b5a69788796a5b4c3d2e1f0 of case IMP-0001" in result.stdout
    assert "1 of 2 files not imported" in result.stderr


def test_a_reference_belonging_to_someone_else_is_refused(tmp_path: Path) -> None:
    made = a4(tmp_path, "new", "--ref", "IMP-0001", "--name", "Sam Patel", "--start", "2025-02-03")
    assert made.returncode == 0, made.stderr
    before = contents(tmp_path)
    result = a4(tmp_path, "import", str(FIXTURES / "valid.json"))
    assert "$.case.name: case IMP-0001 in this store is a different person" in result.stderr
    assert contents(tmp_path) == before


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    result = a4(tmp_path, "import", str(tmp_path / "nowhere.json"))
    assert result.returncode == 1
    assert f"{tmp_path / 'nowhere.json'}: cannot be read (No such file or directory)" in result.stderr

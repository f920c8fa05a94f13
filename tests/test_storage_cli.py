"""`a4 cases`, `a4 new`, `a4 demo` and `a4 backup`, run as a person would, in a real process."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from forms.model import Deadlines
from forms.record.deadlines import initial_due
from tests.cli_support import a4_in as a4


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "a4-data"


def test_a_new_case_is_listed_with_its_due_date(data: Path) -> None:
    made = a4(data, "new", "--ref", "C-100", "--name", "Alex Morgan", "--start", "2025-02-03")
    assert made.returncode == 0, made.stderr
    expected_due = initial_due(date(2025, 2, 3), Deadlines(initial_working_days=10)).isoformat()
    assert expected_due in made.stdout
    listed = a4(data, "cases", "--json")
    assert listed.returncode == 0, listed.stderr
    [case] = json.loads(listed.stdout)
    assert (case["ref"], case["name"], case["status"], case["due"]) == (
        "C-100",
        "Alex Morgan",
        None,
        expected_due,
    )
    assert case["overdue"] is (date.fromisoformat(expected_due) < date.today())
    table = a4(data, "cases").stdout
    assert "C-100" in table and "not started" in table


def test_a_duplicate_reference_or_a_bad_date_is_a_one_line_error(data: Path) -> None:
    a4(data, "new", "--ref", "C-1", "--name", "Alex Morgan", "--start", "2025-02-03")
    again = a4(data, "new", "--ref", "C-1", "--name", "Sam Patel", "--start", "2025-02-03")
    assert again.returncode == 1
    assert "already exists" in again.stderr and "Traceback" not in again.stderr
    bad = a4(data, "new", "--ref", "C-2", "--name", "Sam Patel", "--start", "3 Feb 2025")
    assert bad.returncode == 1 and "YYYY-MM-DD" in bad.stderr
    unknown = a4(
        data, "new", "--ref", "C-3", "--name", "Sam Patel", "--start", "2025-02-03", "--form", "nope"
    )
    assert unknown.returncode == 1 and "no assessment form 'nope'" in unknown.stderr


def test_demo_fills_the_store_with_a_realistic_mix(data: Path) -> None:
    made = a4(data, "demo", "--cases", "50")
    assert made.returncode == 0, made.stderr
    cases = json.loads(a4(data, "cases", "--json").stdout)
    assert len(cases) == 50
    statuses = {c["status"] for c in cases}
    assert {"draft", "submitted", "locked", None} <= statuses
    assert any(c["overdue"] for c in cases) and not all(c["overdue"] for c in cases)
    assert all(c["words"] > 100 for c in cases if c["status"])
    with sqlite3.connect(data / "a4.db") as conn:
        payload = json.loads(conn.execute("SELECT payload FROM records LIMIT 1").fetchone()[0])
    conn.close()
    assert payload["answers"]["evidence.sources"][0]["kind"]
    assert "offender" not in json.dumps(payload).lower()


def test_demo_refuses_a_count_out_of_range(data: Path) -> None:
    result = a4(data, "demo", "--cases", "10001")
    assert result.returncode == 2 and "between 1 and 10000" in result.stderr


def test_backup_writes_a_copy_that_holds_every_case(data: Path, tmp_path: Path) -> None:
    a4(data, "demo", "--cases", "5")
    target = tmp_path / "copy.db"
    made = a4(data, "backup", str(target))
    assert made.returncode == 0, made.stderr
    assert str(target) in made.stdout
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 5
    conn.close()
    again = a4(data, "backup", str(target))
    assert again.returncode == 1 and "already exists" in again.stderr
    default = a4(data, "backup")
    assert default.returncode == 0 and "backups" in default.stdout


def test_a_damaged_store_gets_a_message_not_a_traceback(data: Path) -> None:
    data.mkdir(mode=0o700)
    (data / "a4.db").write_bytes(b"garbage" * 1000)
    result = a4(data, "cases")
    assert result.returncode == 1
    assert "damaged" in result.stderr and "Traceback" not in result.stderr

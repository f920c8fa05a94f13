"""Case context: the sentence or order, its requirements, the court and a national identifier.

Kept by the store on both engines, upgraded into from the previous release on both, entered with
`a4 new` (one case or a case-management CSV), shown on the caseload and carried by every export.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from pypdf import PdfReader

from exports.importing.case_csv import COLUMNS
from forms.model import Case, Deadlines, Record, Sentence
from storage.postgres import schema as pg_schema
from storage.sqlite.store import SqliteStore
from storage.store import Store, StoreError
from tests.cli_support import a4_in
from tests.pg_server import TeamServer

DEADLINES = Deadlines(initial_working_days=10, review_weeks=16, by_sentence=(("licence", 5),))

ORDER = Sentence(
    type="community order",
    length="18 months",
    start="2025-02-03",
    end="2026-08-02",
    requirements=("rehabilitation activity: 20 days", "unpaid work: 120 hours"),
    court="Cardiff Magistrates' Court",
)


def test_a_case_keeps_its_sentence_and_national_id(store: Store) -> None:
    store.create_case(
        Case("C-1", "Alex Morgan", "2025-02-03", "sam", sentence=ORDER, national_id="X123456"), DEADLINES
    )
    case = store.get_case("C-1")
    assert case.sentence == ORDER and case.national_id == "X123456"
    (summary,) = store.list_cases()
    assert summary.sentence_end == "2026-08-02"


def test_a_case_with_nothing_known_of_its_sentence_lists_no_end(store: Store) -> None:
    store.create_case(Case("C-2", "Sam Taylor", "2025-02-03", "sam"), DEADLINES)
    assert store.get_case("C-2").sentence == Sentence()
    assert store.list_cases()[0].sentence_end == ""


def test_the_first_due_date_follows_the_sentence_type_where_the_form_says(store: Store) -> None:
    licence = Sentence(type="Licence", start="2025-02-03")
    store.create_case(Case("L-1", "On Licence", "2025-02-03", "sam", sentence=licence), DEADLINES)
    store.create_case(Case("O-1", "On an Order", "2025-02-03", "sam", sentence=ORDER), DEADLINES)
    assert store.get_case("L-1").initial_due == "2025-02-10"  # 5 working days for a licence
    assert store.get_case("O-1").initial_due == "2025-02-17"  # the form's default 10


@pytest.mark.parametrize(
    ("sentence", "problem"),
    [
        (Sentence(end="2025-02-30"), "sentence end date"),
        (Sentence(start="2026-01-01", end="2025-01-01"), r"ends \(2025-01-01\) before it starts"),
        (Sentence(court="Court\x1b]0;x\x07"), "court"),
        (Sentence(requirements=("curfew\x00",)), "requirement"),
    ],
)
def test_a_sentence_the_store_cannot_hold_is_refused_saying_why(
    store: Store, sentence: Sentence, problem: str
) -> None:
    with pytest.raises(StoreError, match=problem):
        store.create_case(Case("B-1", "Bad Dates", "2025-02-03", "sam", sentence=sentence), DEADLINES)
    assert store.list_cases() == []


def test_a_team_database_of_the_previous_release_is_upgraded_keeping_every_case(
    team_server: TeamServer,
) -> None:
    name = "a4_upgrade_from_v1"
    with psycopg.connect(team_server.server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    url = team_server.server.url(name)
    with psycopg.connect(url) as conn:
        with conn.transaction():  # the previous release: migration 1 only
            conn.execute("CREATE SCHEMA a4")
            conn.execute("CREATE TABLE a4.schema_version (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO a4.schema_version VALUES (1)")
            conn.execute(pg_schema.MIGRATIONS[0])
            conn.execute(
                "INSERT INTO a4.cases (ref, name, start, owner, form_id, initial_working_days, review_weeks, "
                "initial_due, next_review) VALUES ('OLD-1', 'Kept Name', '2024-05-01', 'sam', "
                "'a4-assessment', 10, 16, '2024-05-15', '2024-09-04')"
            )
        before = conn.execute(
            "SELECT ref, name, start, owner, initial_due, next_review FROM a4.cases"
        ).fetchall()
        pg_schema.initialise(conn)
        after = conn.execute(
            "SELECT ref, name, start, owner, initial_due, next_review, sentence, national_id FROM a4.cases"
        ).fetchall()
    assert [row[:6] for row in after] == before
    assert [row[6:] for row in after] == [({}, "")]
    with psycopg.connect(team_server.server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


# ---------------------------------------------------------------- a4 new, one case or a CSV


def test_a4_new_takes_the_sentence_and_the_caseload_shows_when_it_ends(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = a4_in(
        data, "new", "--ref", "N-1", "--name", "Alex Morgan", "--start", "2025-02-03",
        "--sentence-type", "community order", "--sentence-length", "18 months",
        "--sentence-start", "2025-02-03", "--sentence-end", "2026-08-02",
        "--requirement", "unpaid work: 120 hours", "--requirement", "rehabilitation activity: 20 days",
        "--court", "Cardiff Magistrates' Court", "--national-id", "X123456",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    listed = json.loads(a4_in(data, "cases", "--json").stdout)
    assert listed[0]["sentence_end"] == "2026-08-02"
    assert "2026-08-02" in a4_in(data, "cases").stdout
    exported = a4_in(data, "export", "N-1", "--format", "csv").stdout
    assert "community order" in exported and "2026-08-02" in exported


def test_a4_new_refuses_an_impossible_sentence_date_with_one_line(tmp_path: Path) -> None:
    made = a4_in(tmp_path / "data", "new", "--ref", "N-2", "--name", "Sam", "--start", "2025-02-03",
                 "--sentence-end", "2025-02-30")  # fmt: skip
    assert made.returncode != 0
    assert "Traceback" not in made.stderr and "2025-02-30" in made.stderr


CSV_HEADER = ",".join(COLUMNS)


def test_cases_come_in_from_a_case_management_csv_all_or_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    good = tmp_path / "cases.csv"
    good.write_text(
        CSV_HEADER + "\n"
        "CM-1,Alex Morgan,2025-02-03,,,community order,18 months,2025-02-03,2026-08-02,"
        '"unpaid work: 120 hours; rehabilitation activity: 20 days",Cardiff Magistrates\' Court,X1\n'
        "CM-2,Wiktoria Kowalczyk,2025-03-03,,,licence,,2025-03-03,2027-03-02,curfew 7pm-7am,,\n",
        encoding="utf-8",
    )
    made = a4_in(data, "new", "--csv", str(good))
    assert made.returncode == 0, made.stderr
    assert "2 cases added" in made.stderr
    listed = {row["ref"]: row for row in json.loads(a4_in(data, "cases", "--json").stdout)}
    assert listed["CM-2"]["sentence_end"] == "2027-03-02"
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_HEADER + "\nCM-3,Kept Out,2025-02-03,,,,,,,,,\nCM-4,Bad Day,2025-02-31,,,,,,,,,\n",
                   encoding="utf-8")  # fmt: skip
    refused = a4_in(data, "new", "--csv", str(bad))
    assert refused.returncode == 1
    assert f"{bad}:3:" in refused.stderr and "2025-02-31" in refused.stderr
    assert "CM-3" not in a4_in(data, "cases").stdout  # nothing from a file with a bad row


def test_the_markdown_export_and_the_sheet_say_the_sentence(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = a4_in(
        data, "new", "--ref", "M-1", "--name", "Alex Morgan", "--start", "2025-02-03",
        "--sentence-type", "suspended sentence order", "--sentence-end", "2027-02-02",
        "--requirement", "accredited programme", "--court", "Leeds Crown Court",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    store = SqliteStore(data / "a4.db")
    store.create_record(Record(id="", case_ref="M-1", form_id="a4-assessment", form_version="1.0.0"), "sam")
    store.close()
    markdown = a4_in(data, "export", "M-1", "--format", "md").stdout
    assert (
        "Sentence: suspended sentence order · ends Tuesday 2 February 2027 · court: Leeds Crown Court"
        in markdown
    )
    assert "Requirements: accredited programme" in markdown
    sheet = tmp_path / "sheet.pdf"
    assert a4_in(data, "export", "M-1", "--format", "sheet", "--out", str(sheet)).returncode == 0
    text = PdfReader(sheet).pages[0].extract_text()
    assert "suspended sentence order" in text and "Ends" in text

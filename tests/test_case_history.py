"""A case's history of corrections: every changed detail kept with who, when and what it said before.

Run on both engines through the `Store`; in team mode the database's own trigger writes the history,
naming the login itself, and nobody (a practitioner or an administrator, by raw SQL) adds, changes or
deletes a row of it, nor reads the history of a case they may not see.  Both engines' migrations are
proved to keep every row of a store made before the history existed.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from markdown_it import MarkdownIt

from exports.escape import for_markdown
from forms.model import Case, Deadlines, Sentence
from storage.postgres import schema as pg_schema
from storage.postgres.store import PostgresStore
from storage.sqlite.store import SqliteStore
from storage.store import CaseChange, Store
from tests.a4_app_harness import TODAY, USER, add_case, caseload_shown, make_app
from tests.cli_support import a4_in, run_a4
from tests.conftest import Clock
from tests.pg_server import ADMIN, SUPERUSER, TeamServer
from tests.pilot_support import screen_text, until
from tests.test_edit_case_dialog import editing_dialog
from tests.upgrades import copy_of_an_old_file, database_before, every_row

Login = Callable[[str], PostgresStore]
SQL = Callable[[str], psycopg.Connection[Any]]


def a_case(store: Store, ref: str = "C-1", owner: str = "sam") -> Case:
    return store.create_case(
        Case(ref, "Alex Morgn", "2025-02-03", owner, national_id="X1",
             sentence=Sentence(type="licence", requirements=("curfew",))),
        Deadlines(),
    )  # fmt: skip


def fields(changes: list[CaseChange]) -> list[tuple[str, str, str]]:
    return [(c.field, c.old, c.new) for c in changes]


def test_a_correction_keeps_one_row_per_changed_field_with_what_it_said_before(
    store: Store, clock: Clock
) -> None:
    added = a_case(store)
    corrected = dataclasses.replace(
        added,
        name="Alex Morgan",
        start="2025-02-10",
        sentence=Sentence(type="licence", end="2027-01-31", requirements=("curfew", "unpaid work")),
    )
    store.update_case(corrected, owner="sam", actor="kim")
    changes = store.case_changes("C-1")
    assert fields(changes) == [
        ("name", "Alex Morgn", "Alex Morgan"),
        ("start", "2025-02-03", "2025-02-10"),
        ("sentence.end", "", "2027-01-31"),
        ("sentence.requirements", "curfew", "curfew; unpaid work"),
    ]
    assert {c.case_ref for c in changes} == {"C-1"}
    assert len({c.at for c in changes}) == 1 and changes[0].at.startswith("20")
    assert store.case_changes("C-1", owner="sam") == changes
    # the untouched details and another case have none; nothing is kept when nothing changed
    store.update_case(store.get_case("C-1"), owner="sam", actor="kim")
    assert store.case_changes("C-1") == changes
    assert store.case_changes("NOBODY") == []


def test_the_embedded_store_names_whom_the_caller_names(tmp_path: Path, clock: Clock) -> None:
    store = SqliteStore(tmp_path / "a4.db", now=clock)
    try:
        added = a_case(store)
        store.update_case(dataclasses.replace(added, national_id="X2"), actor="kim")
        (change,) = store.case_changes("C-1")
        assert (change.field, change.old, change.new, change.by, change.at) == (
            "national_id", "X1", "X2", "kim", "2025-03-03T09:30:00+00:00"
        )  # fmt: skip
    finally:
        store.close()


def test_the_sqlite_file_never_changes_or_deletes_a_correction(tmp_path: Path, clock: Clock) -> None:
    store = SqliteStore(tmp_path / "a4.db", now=clock)
    try:
        added = a_case(store)
        store.update_case(dataclasses.replace(added, name="Alex Morgan"), actor="kim")
    finally:
        store.close()
    with closing(sqlite3.connect(tmp_path / "a4.db")) as conn:
        for statement in ("UPDATE case_changes SET old = 'Someone Else'", "DELETE FROM case_changes"):
            with pytest.raises(sqlite3.IntegrityError, match="correction of a case cannot be"):
                conn.execute(statement)
        assert conn.execute("SELECT field, old, by FROM case_changes").fetchall() == [
            ("name", "Alex Morgn", "kim")
        ]


def test_in_a_team_the_database_names_the_login_who_corrected(login: Login) -> None:
    sam = login("sam")
    added = a_case(sam)
    sam.update_case(dataclasses.replace(added, name="Alex Morgan"), owner="sam", actor="someone.else")
    admin = login(ADMIN)
    admin.update_case(dataclasses.replace(admin.get_case("C-1"), national_id="X9"), owner="sam", actor="x")
    assert [(c.field, c.old, c.by) for c in sam.case_changes("C-1")] == [
        ("name", "Alex Morgn", "sam"),
        ("national_id", "X1", ADMIN),
    ]
    assert admin.case_changes("C-1", owner="sam") == sam.case_changes("C-1")


def test_a_case_another_team_holds_has_no_history_to_read(login: Login, sql: SQL) -> None:
    """Read by whoever may see the case (its owner, a QA assessor of its team, an administrator); to anyone
    else a corrected case has none, the same answer as a case nobody holds."""
    sam = login("sam")
    sam.update_case(dataclasses.replace(a_case(sam), name="Alex Morgan"), owner="sam")
    kept = sam.case_changes("C-1")
    assert len(kept) == 1 and login("kim").case_changes("C-1") == kept  # QA, the same team
    for other in ("ali", "max", "jo"):  # another team's practitioner and QA assessor; a colleague
        store = login(other)
        assert store.case_changes("C-1") == [] == store.case_changes("NOBODY"), other
        assert store.case_changes("C-1", owner="sam") == [], other
        assert sql(other).execute("SELECT count(*) FROM a4.case_changes").fetchone() == (0,), other


@pytest.mark.parametrize("who", ["sam", ADMIN])
def test_nobody_writes_changes_or_deletes_a_correction_by_raw_sql(login: Login, sql: SQL, who: str) -> None:
    sam = login("sam")
    sam.update_case(dataclasses.replace(a_case(sam), name="Alex Morgan"), owner="sam")
    raw = sql(who)
    case_id = raw.execute("SELECT id FROM a4.cases WHERE ref = 'C-1'").fetchone()[0]
    for statement in (
        "UPDATE a4.case_changes SET old = 'Someone Else'",
        "DELETE FROM a4.case_changes",
        "TRUNCATE a4.case_changes",
        "INSERT INTO a4.case_changes (case_id, case_ref, field, old, new, by, at) "
        f"VALUES ('{case_id}', 'C-1', 'name', 'Forged', 'Alex Morgan', 'kim', '2025-01-01')",
    ):
        with pytest.raises(psycopg.Error) as raised:
            raw.execute(statement)
        assert raised.value.sqlstate == "42501", statement  # no privilege: refused before any row is read
    assert fields(login(ADMIN).case_changes("C-1")) == [("name", "Alex Morgn", "Alex Morgan")]


def test_the_tables_owner_is_refused_too(login: Login, sql: SQL) -> None:
    """Past the privileges (a superuser's connection), the table's own triggers still keep every row."""
    sam = login("sam")
    sam.update_case(dataclasses.replace(a_case(sam), name="Alex Morgan"), owner="sam")
    for statement in (
        "UPDATE a4.case_changes SET old = 'Someone Else'",
        "DELETE FROM a4.case_changes",
        "TRUNCATE a4.case_changes",
    ):
        with pytest.raises(psycopg.Error) as raised:
            sql(SUPERUSER).execute(statement)
        assert raised.value.sqlstate == "A4002", statement
    assert fields(login(ADMIN).case_changes("C-1")) == [("name", "Alex Morgn", "Alex Morgan")]


def test_raw_sql_that_corrects_a_case_is_kept_in_its_history_too(login: Login, sql: SQL) -> None:
    """psql goes around A4, not around the database: the trigger keeps what changed, and who changed it."""
    a_case(login("sam"))
    sql("sam").execute(
        "UPDATE a4.cases SET name = 'Alex Morgan', sentence = sentence || '{\"court\": \"Leeds\"}' "
        "WHERE ref = 'C-1'"
    )
    sql("sam").execute("UPDATE a4.cases SET name = 'Alex Morgan' WHERE ref = 'C-1'")  # the same again
    assert [(c.field, c.old, c.new, c.by) for c in login(ADMIN).case_changes("C-1")] == [
        ("name", "Alex Morgn", "Alex Morgan", "sam"),
        ("sentence.court", "", "Leeds", "sam"),
    ]


def test_a_handover_or_an_approval_is_not_a_correction(login: Login) -> None:
    admin = login(ADMIN)
    a_case(admin)
    admin.hand_over("C-1", "lee", ADMIN)
    assert admin.case_changes("C-1") == [] and len(admin.handovers(case_ref="C-1")) == 1


# ---------------------------------------------------------------- upgrades keep every row


def test_a_file_of_the_previous_release_keeps_every_row_and_gains_an_empty_history(
    tmp_path: Path, clock: Clock
) -> None:
    db, before = copy_of_an_old_file(tmp_path)
    store = SqliteStore(db, now=clock)
    try:
        refs = sorted(s.ref for s in store.list_cases())
        assert refs == sorted(row[0] for row in before["cases"])
        assert all(store.case_changes(ref) == [] for ref in refs)
    finally:
        store.close()
    with closing(sqlite3.connect(db)) as conn:
        for table, rows in before.items():
            old_width = len(rows[0]) if rows else 0
            after = sorted((tuple(r[:old_width]) for r in conn.execute(f"SELECT * FROM {table}")), key=repr)
            assert after == rows, f"{table} changed"
    store = SqliteStore(db, now=clock)
    try:
        case = store.get_case(refs[0])
        store.update_case(dataclasses.replace(case, name=case.name + " Jr"), actor="kim")
        assert fields(store.case_changes(refs[0])) == [("name", case.name, case.name + " Jr")]
    finally:
        store.close()


def test_a_team_database_of_the_previous_release_keeps_every_row_and_gains_an_empty_history(
    team_server: TeamServer,
) -> None:
    with database_before(team_server, "CREATE TABLE a4.case_changes", "a4_upgrade_to_case_changes") as (
        conn,
        step,
    ):
        assert step == len(pg_schema.MIGRATIONS) - 1, "appended last"
        conn.execute(
            "INSERT INTO a4.cases (ref, name, start, owner, form_id, initial_working_days, review_weeks, "
            "initial_due, sentence) VALUES ('OLD-1', 'Kept Nme', '2024-05-01', 'sam', 'a4-assessment', "
            "10, 16, '2024-05-15', '{\"type\": \"licence\"}')"
        )
        conn.execute(
            "INSERT INTO a4.records (id, case_ref, form_id, form_version, kind, status, author, version, "
            "created_at, updated_at, payload) VALUES ('r1', 'OLD-1', 'a4-assessment', '1.0.0', "
            "'assessment', 'draft', 'sam', 1, '2024-05-02T10:00:00+00:00', '', '{\"answers\": {}}')"
        )
        conn.execute("UPDATE a4.cases SET owner = 'lee' WHERE ref = 'OLD-1'")  # a handover, kept
        tables = ("cases", "records", "audit", "definitions", "handovers", "archivals", "grades")
        before = every_row(conn, tables, "a4.")
        assert before["records"] and before["audit"] and before["handovers"]
        assert pg_schema.initialise(conn).found_version == step
        assert every_row(conn, tables, "a4.") == before
        assert conn.execute("SELECT count(*) FROM a4.case_changes").fetchone() == (0,)
        conn.execute("UPDATE a4.cases SET name = 'Kept Name' WHERE ref = 'OLD-1'")
        assert conn.execute("SELECT case_ref, field, old, new FROM a4.case_changes").fetchall() == [
            ("OLD-1", "name", "Kept Nme", "Kept Name")
        ]


# ---------------------------------------------------------------- shown: the export and the app


def test_the_markdown_export_lists_the_cases_corrections_escaped(tmp_path: Path) -> None:
    """End to end: `a4 case edit` twice on a case with a record, then `a4 export` as Markdown."""
    data = tmp_path / "data"
    assert a4_in(data, "demo", "--cases", "3").returncode == 0
    manager = tmp_path / "manager.toml"
    manager.write_text('user = "kim"\nrole = "manager"\n', encoding="utf-8")

    def a4(*args: str) -> subprocess.CompletedProcess[str]:
        return run_a4(*args, env={"A4_DATA_DIR": str(data), "A4_CONFIG": str(manager)})

    listed = SqliteStore(data / "a4.db")
    try:
        ref, name, end = next((s.ref, s.name, s.sentence_end) for s in listed.list_cases() if s.status)
    finally:
        listed.close()
    hostile = "Alex *Morgn* <b>x</b> [x](http://e)"
    first = a4("case", "edit", ref, "--name", hostile)
    assert first.returncode == 0, first.stderr
    second = a4("case", "edit", ref, "--name", "Alex Morgan", "--sentence-end", "2031-01-31")
    assert second.returncode == 0, second.stderr
    report = a4("export", ref, "--format", "md")
    assert report.returncode == 0, report.stderr
    section = report.stdout.split("## Case details corrected\n\n", 1)[1].split("\n\n", 1)[0]
    lines = section.splitlines()
    assert len(lines) == 3 and all(line.startswith("- ") for line in lines), lines
    assert lines[0].startswith("- Name corrected by kim on ") and lines[0].endswith(f": was '{name}'")
    assert lines[1].startswith("- Name corrected by kim on ")
    assert lines[1].endswith(f": was '{for_markdown(hostile)}'") and r"\*Morgn\*" in lines[1]
    assert lines[2].startswith("- Sentence end date corrected by kim on ")
    assert lines[2].endswith(f": was '{end}'" if end else ": was blank")
    inline = [c for t in MarkdownIt().parse(section) if t.children for c in t.children]
    assert [c.type for c in inline if c.type != "text" and c.type != "softbreak"] == []  # words, nothing else


async def test_the_correction_dialog_shows_who_corrected_what_before(tmp_path: Path, clock: Clock) -> None:
    db = SqliteStore(tmp_path / "a4.db", now=clock)
    try:
        add_case(db, "E1", "Alex [b]Morgn[/b]", TODAY)
        async with make_app(db).run_test(size=(100, 60)) as pilot:
            modal = await editing_dialog(pilot)
            assert not modal.query("#corrections")  # none yet: nothing said
            await pilot.press("ctrl+a", "ctrl+k", *"Alex Morgan", "ctrl+s")
            await caseload_shown(pilot)
            modal = await editing_dialog(pilot)
            line = f"Name corrected by {USER} on 3 March 2025: was 'Alex [b]Morgn[/b]'"
            await until(pilot, lambda: line in screen_text(pilot.app), "the corrected-by line")
        assert [(c.field, c.old, c.new, c.by) for c in db.case_changes("E1")] == [
            ("name", "Alex [b]Morgn[/b]", "Alex Morgan", USER)
        ]
    finally:
        db.close()

"""Archiving a case imported by mistake (issue 16): kept whole, audited, out of every list; admin-only.

Run on both engines through the `Store`, then attacked in team mode through
a practitioner's own login, by A4's API and by raw SQL: only an
administrator archives or brings back a case, the database names who did,
and nothing is ever deleted.  Both engines' migrations are proved to keep
every row of a store made before archiving existed.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest

from forms.model import Case, Deadlines, Record
from storage.postgres import schema as pg_schema
from storage.postgres.store import PostgresStore
from storage.sqlite.store import SqliteStore
from storage.store import NotFoundError, NotPermittedError, Store, StoreError
from tests.a4_app_harness import TODAY, add_case, caseload_shown, make_app
from tests.cli_support import a4_in, run_a4
from tests.conftest import Clock
from tests.old_data import BAD_DATES_REF, spoil
from tests.pg_server import ADMIN, TeamServer
from tests.pilot_support import screen_text, until
from tests.upgrades import copy_of_an_old_file, database_before, every_row
from tui.config import Config
from tui.modals.archive_case import ArchiveCaseScreen
from tui.modals.confirm_key import ConfirmKey

Login = Callable[[str], PostgresStore]


def a_case(store: Store, ref: str, owner: str = "sam") -> Record:
    """A case of `owner` with a submitted record (so it is in the QA queue)."""
    store.create_case(Case(ref=ref, name="Alex Morgan", start="2025-02-03", owner=owner), Deadlines())
    record = store.create_record(
        Record(id="", case_ref=ref, form_id="a4-assessment", form_version="1.0.0", author=owner,
               answers={"x": "y"}),
        owner,
    )  # fmt: skip
    return store.transition(record.id, "submitted", owner)


def listed(store: Store, **kwargs: Any) -> list[str]:
    return [s.ref for s in store.list_cases(**kwargs)]


def test_an_archived_case_leaves_every_list_and_is_kept_whole(store: Store) -> None:
    kept = a_case(store, "K-1")
    gone = a_case(store, "X-1")
    archival = store.archive_case("X-1", "kim.manager", reason="imported by mistake from the wrong team")
    assert (archival.case_ref, archival.archived, archival.reason) == (
        "X-1",
        True,
        "imported by mistake from the wrong team",
    )
    assert archival.at.startswith("20")
    assert listed(store) == ["K-1"] and listed(store, owner="sam") == ["K-1"]
    assert listed(store, limit=5) == ["K-1"]
    assert [r.id for r in store.list_records()] == [kept.id]
    assert [r.id for r in store.list_records("submitted")] == [kept.id]  # the QA queue
    # Reachable on purpose, and nothing of it is lost.
    assert listed(store, archived=True) == ["X-1"] and listed(store, owner="sam", archived=True) == ["X-1"]
    assert [r.id for r in store.list_records(archived=True)] == [gone.id]
    assert [r.id for r in store.list_records("submitted", archived=True)] == [gone.id]
    assert store.get_case("X-1").name == "Alex Morgan"
    assert [r.id for r in store.records_for_case("X-1")] == [gone.id]
    assert store.get_record(gone.id).answers == {"x": "y"}


def test_a_case_brought_back_returns_to_the_lists_and_both_steps_are_kept(store: Store) -> None:
    a_case(store, "X-2")
    store.archive_case("X-2", "kim.manager", reason="wrong person")
    back = store.unarchive_case("X-2", "kim.manager", reason="it was the right person after all")
    assert back.archived is False
    assert listed(store) == ["X-2"] and listed(store, archived=True) == []
    assert [(a.archived, a.reason) for a in store.archivals(case_ref="X-2")] == [
        (True, "wrong person"),
        (False, "it was the right person after all"),
    ]
    assert len(store.archivals()) == 2


def test_archiving_needs_a_reason_a_case_and_a_change(store: Store) -> None:
    a_case(store, "X-3")
    with pytest.raises(StoreError, match="reason"):
        store.archive_case("X-3", "kim.manager", reason="  ")
    with pytest.raises(StoreError, match="reason"):
        store.archive_case("X-3", "kim.manager", reason="bad\x1b]0;PWNED\x07")
    with pytest.raises(NotFoundError):
        store.archive_case("NOPE", "kim.manager", reason="wrong")
    with pytest.raises(StoreError, match="already in the caseload"):
        store.unarchive_case("X-3", "kim.manager")
    store.archive_case("X-3", "kim.manager", reason="wrong")
    with pytest.raises(StoreError, match="already archived"):
        store.archive_case("X-3", "kim.manager", reason="again")
    assert len(store.archivals()) == 1


def test_the_sqlite_file_never_loses_an_archiving_or_a_case(tmp_path: Path, clock: Clock) -> None:
    store = SqliteStore(tmp_path / "a4.db", now=clock)
    a_case(store, "X-4")
    store.archive_case("X-4", "kim", reason="wrong")
    store.close()
    with closing(sqlite3.connect(tmp_path / "a4.db")) as conn:
        for statement, refusal in (
            ("DELETE FROM archivals", "cannot be deleted"),
            ("UPDATE archivals SET archived = 0", "cannot be changed"),
            ("DELETE FROM cases", "never deleted"),
        ):
            with pytest.raises(sqlite3.IntegrityError, match=refusal):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM cases").fetchone() == (1,)


# ---------------------------------------------------------------- team mode: the database decides


def test_in_a_team_the_database_names_who_archived(login: Login) -> None:
    admin = login(ADMIN)
    a_case(admin, "T-1")
    admin.archive_case("T-1", "someone.else", reason="imported twice")
    (archival,) = admin.archivals(case_ref="T-1")
    assert (archival.by, archival.reason) == (ADMIN, "imported twice")  # not the name the client gave
    sam = login("sam")
    assert listed(sam) == [] and listed(sam, archived=True) == ["T-1"]  # the owner's caseload too
    assert login("kim").list_records("submitted") == []  # and the QA assessor's queue


def test_a_practitioners_own_login_cannot_archive_or_bring_back_their_case(login: Login) -> None:
    admin = login(ADMIN)
    a_case(admin, "T-2")
    a_case(admin, "T-3")
    admin.archive_case("T-3", ADMIN, reason="wrong person")
    sam = login("sam")
    with pytest.raises(NotPermittedError, match="only an administrator"):
        sam.archive_case("T-2", "sam", reason="I do not want it")
    with pytest.raises(NotPermittedError, match="only an administrator"):
        sam.unarchive_case("T-3", "sam")
    kim = login("kim")
    with pytest.raises(NotPermittedError, match="only an administrator"):
        kim.archive_case("T-2", "kim", reason="QA does not archive")
    assert listed(admin) == ["T-2"] and listed(admin, archived=True) == ["T-3"]
    assert len(admin.archivals()) == 1


def test_two_cases_sharing_a_reference_are_archived_one_by_owner(login: Login) -> None:
    admin = login(ADMIN)
    a_case(admin, "D-1", owner="sam")
    a_case(admin, "D-1", owner="jo")
    with pytest.raises(StoreError, match="2 cases have reference D-1"):
        admin.archive_case("D-1", ADMIN, reason="which one?")
    admin.archive_case("D-1", ADMIN, reason="jo's was imported by mistake", owner="jo")
    assert listed(login("sam")) == ["D-1"] and listed(login("jo")) == []
    assert [s.owner for s in admin.list_cases(archived=True)] == ["jo"]
    assert len(admin.list_records()) == 1 and len(admin.list_records(archived=True)) == 1


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("SELECT a4.archive_case('T-4', true, 'mine')", "A4009"),
        ("SELECT a4.archive_case('T-5', false, '')", "A4009"),
        (
            "INSERT INTO a4.archivals (case_ref, archived, by, at) VALUES ('T-4', 1, 'sam', '2025-01-01')",
            "42501",
        ),
        ("UPDATE a4.archivals SET archived = 0", "42501"),
        ("DELETE FROM a4.archivals", "42501"),
        ("DELETE FROM a4.cases WHERE ref = 'T-4'", "42501"),
        ("DELETE FROM a4.records", "42501"),
    ],
)
def test_raw_sql_on_a_practitioners_login_archives_and_deletes_nothing(
    login: Login, sql: Callable[[str], psycopg.Connection[Any]], statement: str, refusal: str
) -> None:
    admin = login(ADMIN)
    a_case(admin, "T-4")
    a_case(admin, "T-5")
    admin.archive_case("T-5", ADMIN, reason="wrong person")
    with pytest.raises(psycopg.Error) as raised:
        sql("sam").execute(statement)
    assert raised.value.sqlstate == refusal
    assert listed(admin) == ["T-4"] and listed(admin, archived=True) == ["T-5"]
    assert [(a.case_ref, a.archived) for a in admin.archivals()] == [("T-5", True)]
    assert len(admin.list_records()) + len(admin.list_records(archived=True)) == 2


def test_not_even_an_administrator_deletes_a_case_or_rewrites_an_archiving(
    login: Login, sql: Callable[[str], psycopg.Connection[Any]]
) -> None:
    admin = login(ADMIN)
    a_case(admin, "T-6")
    admin.archive_case("T-6", ADMIN, reason="wrong person")
    raw = sql(ADMIN)
    for statement in (
        "DELETE FROM a4.archivals",
        "UPDATE a4.archivals SET archived = 0",
        "INSERT INTO a4.archivals (case_ref, archived, by, at) VALUES ('T-6', 0, 'x', '2025-01-01')",
        "DELETE FROM a4.cases",
    ):
        with pytest.raises(psycopg.Error):
            raw.execute(statement)
    assert listed(admin, archived=True) == ["T-6"] and len(admin.archivals()) == 1


# ---------------------------------------------------------------- upgrades keep every row


def test_a_file_of_the_previous_release_keeps_every_row_and_can_archive(tmp_path: Path, clock: Clock) -> None:
    db, before = copy_of_an_old_file(tmp_path)
    store = SqliteStore(db, now=clock)
    try:
        refs = [s.ref for s in store.list_cases()]
        assert sorted(refs) == sorted(row[0] for row in before["cases"])
        store.archive_case(refs[0], "kim", reason="imported by mistake")
        assert refs[0] not in listed(store) and listed(store, archived=True) == [refs[0]]
    finally:
        store.close()
    with closing(sqlite3.connect(db)) as conn:
        columns = {t: [d[0] for d in conn.execute(f"SELECT * FROM {t}").description] for t in before}
        for table, rows in before.items():
            old_width = len(rows[0]) if rows else 0
            after = sorted((tuple(r[:old_width]) for r in conn.execute(f"SELECT * FROM {table}")), key=repr)
            assert after == rows, f"{table} changed ({columns[table]})"


def test_a_team_database_of_the_previous_release_keeps_every_row(team_server: TeamServer) -> None:
    with database_before(team_server, "CREATE TABLE a4.archivals", "a4_upgrade_to_archivals") as (conn, step):
        conn.execute(
            "INSERT INTO a4.cases (ref, name, start, owner, form_id, initial_working_days, review_weeks, "
            "initial_due) VALUES ('OLD-1', 'Kept Name', '2024-05-01', 'sam', 'a4-assessment', 10, 16, "
            "'2024-05-15')"
        )
        conn.execute(
            "INSERT INTO a4.records (id, case_ref, form_id, form_version, kind, status, author, version, "
            "created_at, updated_at, payload) VALUES ('r1', 'OLD-1', 'a4-assessment', '1.0.0', "
            "'assessment', 'draft', 'sam', 1, '2024-05-02T10:00:00+00:00', '', '{\"answers\": {}}')"
        )
        tables = ("cases", "records", "audit", "definitions", "handovers", "grades", "comments")
        before = every_row(conn, tables, "a4.")
        assert before["records"] and before["audit"]
        assert pg_schema.initialise(conn).found_version == step
        assert every_row(conn, tables, "a4.") == before
        conn.execute(
            "SELECT a4.archive_case((SELECT id FROM a4.cases WHERE ref = 'OLD-1'), true, 'by mistake')"
        )
        assert conn.execute("SELECT case_ref, archived FROM a4.archivals").fetchall() == [("OLD-1", 1)]


# ---------------------------------------------------------------- the a4 command


def test_a4_archive_takes_an_unreadable_import_out_of_every_list_and_back(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert a4_in(data, "demo", "--cases", "3").returncode == 0
    spoil(data / "a4.db")
    manager = tmp_path / "manager.toml"
    manager.write_text('user = "kim"\nrole = "manager"\n', encoding="utf-8")

    def a4(*args: str, config: Path = tmp_path / "none.toml") -> subprocess.CompletedProcess[str]:
        return run_a4(*args, env={"A4_DATA_DIR": str(data), "A4_CONFIG": str(config)})

    check = a4("cases", "--check")
    assert f'a4 archive {BAD_DATES_REF} --reason "imported by mistake"' in check.stdout
    refused = a4("archive", BAD_DATES_REF, "--reason", "imported by mistake")
    assert refused.returncode == 1 and "only a manager" in refused.stderr
    assert a4("archive", BAD_DATES_REF, config=manager).returncode == 1  # no reason, no change
    assert "No archived cases." in a4("cases", "--archived").stdout

    done = a4("archive", BAD_DATES_REF, "--reason", "imported by mistake", config=manager)
    assert done.returncode == 0, done.stderr
    assert f"Archived case {BAD_DATES_REF}" in done.stdout
    for args in (("cases",), ("cases", "--json"), ("stats",), ("export", "--all", "--format", "csv")):
        shown = a4(*args)
        assert shown.returncode == 0, (args, shown.stderr)
        assert BAD_DATES_REF not in shown.stdout + shown.stderr, args
    assert a4("cases", "--check").returncode == 0
    archived = a4("cases", "--archived").stdout
    assert BAD_DATES_REF in archived and "by kim: imported by mistake" in archived
    (listed,) = json.loads(a4("cases", "--archived", "--json").stdout)
    assert listed["archived"]["reason"] == "imported by mistake"
    kept = a4("export", BAD_DATES_REF, "--format", "json")  # reachable by its reference
    assert kept.returncode == 0 and BAD_DATES_REF in kept.stdout

    back = a4("archive", BAD_DATES_REF, "--undo", config=manager)
    assert back.returncode == 0 and "back in the caseload" in back.stdout
    assert a4("cases", "--check").returncode == 1


# ---------------------------------------------------------------- in the app


async def test_a_manager_archives_the_case_under_the_cursor_with_a_reason_and_one_key(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.db")
    try:
        add_case(store, "AR-1", "Alex Morgan", TODAY, owner="sam")
        add_case(store, "AR-2", "Wiktoria Kowalczyk", TODAY, owner="sam")
        async with make_app(store, Config(user="kim", role="manager")).run_test(size=(110, 30)) as pilot:
            screen = await caseload_shown(pilot)
            first = screen.selected_ref
            await pilot.press("ctrl+x")
            assert isinstance(pilot.app.screen, ArchiveCaseScreen)
            await pilot.press("enter")  # no reason yet: asked again, nothing archived
            assert isinstance(pilot.app.screen, ArchiveCaseScreen)
            await pilot.press(*"imported by mistake", "enter")
            assert isinstance(pilot.app.screen, ConfirmKey)
            await pilot.press("n")  # any key but y: nothing happens
            await until(pilot, lambda: not isinstance(pilot.app.screen, ConfirmKey), "the question closes")
            assert store.archivals() == []
            await pilot.press("ctrl+x", *"imported by mistake", "enter", "y")
            await until(pilot, lambda: len(store.archivals()) == 1, "the case is archived")
            await until(pilot, lambda: first not in screen_text(pilot.app), "the row leaves the caseload")
        (archival,) = store.archivals()
        assert (archival.case_ref, archival.by, archival.reason) == (first, "kim", "imported by mistake")
        assert [s.ref for s in store.list_cases()] == [{"AR-1": "AR-2", "AR-2": "AR-1"}[first or ""]]
    finally:
        store.close()


async def test_a_practitioner_is_not_offered_archiving(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.db")
    try:
        add_case(store, "AR-3", "Alex Morgan", TODAY)
        async with make_app(store).run_test(size=(110, 30)) as pilot:
            screen = await caseload_shown(pilot)
            assert screen.check_action("archive", ()) is False
            await pilot.press("ctrl+x")
            assert not isinstance(pilot.app.screen, ArchiveCaseScreen)
        assert store.archivals() == []
    finally:
        store.close()

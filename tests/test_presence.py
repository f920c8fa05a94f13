"""Who has a record open, and "keep mine" saves: the store's side of two windows on one record.

Run once per engine; the team database's own walls (a login claims only in its own name, renews and
clears only its own claims) are tried with raw SQL, as a script or psql would.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from forms.model import Record
from storage.store import PRESENCE_SECONDS, NotFoundError, StaleVersionError, Store
from tests.conftest import Clock
from tests.pg_server import SUPERUSER, TeamServer
from tests.test_storage import new_case, new_record

FIXTURE_V3 = Path(__file__).parent / "fixtures" / "storage" / "a4-schema-v3.sqlite"


def age_claims(store: Store, clock: Clock, sql: Callable[[str], psycopg.Connection[Any]] | None) -> None:
    """Let every claim lapse, as if its window had crashed PRESENCE_SECONDS ago and said nothing since."""
    if sql is None:  # the file compares with the store's clock
        clock.now += timedelta(seconds=PRESENCE_SECONDS + 1)
        return
    conn = sql(SUPERUSER)  # the team database stamps claims with its own clock: make them old there
    conn.execute("SET session_replication_role = replica")  # past the trigger that stamps `seen`
    conn.execute("UPDATE a4.presence SET seen = '2000-01-01T00:00:00+00:00'")


def team_sql(request: pytest.FixtureRequest) -> Callable[[str], psycopg.Connection[Any]] | None:
    return (
        request.getfixturevalue("sql") if request.node.callspec.params["open_store"] == "postgres" else None
    )


def test_a_second_window_sees_who_has_the_record_open_and_not_itself(open_store: Callable[[], Store]) -> None:
    window_a, window_b = open_store(), open_store()
    new_case(window_a)
    record = new_record(window_a)
    assert window_b.present(record.id) == []
    window_a.claim(record.id, "sam", "window-a", place="laptop-12")
    (seen,) = window_b.present(record.id, other_than="window-b")
    assert (seen.who, seen.window, seen.place, seen.mode) == ("sam", "window-a", "laptop-12", "editing")
    assert seen.since and seen.seen
    assert window_a.present(record.id, other_than="window-a") == []
    window_b.claim(record.id, "jo", "window-b", mode="reading")
    assert [(p.who, p.mode) for p in window_a.present(record.id, other_than="window-a")] == [
        ("jo", "reading")
    ]
    window_a.release_claim(record.id, "window-a")
    window_a.release_claim(record.id, "window-a")  # twice is harmless
    assert [p.window for p in window_b.present(record.id)] == ["window-b"]


def test_a_claim_not_renewed_lapses_and_a_renewed_one_stays(
    open_store: Callable[[], Store], clock: Clock, request: pytest.FixtureRequest
) -> None:
    """A crashed window says nothing more: its claim lapses by itself."""
    store = open_store()
    new_case(store)
    record = new_record(store)
    store.claim(record.id, "sam", "crashed")
    age_claims(store, clock, team_sql(request))
    assert store.present(record.id) == []
    store.claim(record.id, "sam", "alive")  # clears the lapsed claim on the way
    assert [p.window for p in store.present(record.id)] == ["alive"]
    store.claim(record.id, "sam", "alive")  # a renewal keeps when it was opened
    assert len(store.present(record.id)) == 1


def test_claiming_a_record_that_does_not_exist_is_refused(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.claim("no-such-record", "sam", "w")


def kept_over_theirs(open_store: Callable[[], Store]) -> tuple[Store, Store, Record, Record]:
    """Two windows on one record: B saves first, A is refused, then keeps its text ("keep mine").
    Returns (window A, window B, the record as created, the record A saved)."""
    window_a, window_b = open_store(), open_store()
    new_case(window_a)
    record = new_record(window_a)
    mine, theirs = window_a.get_record(record.id), window_b.get_record(record.id)
    theirs.answers["accommodation.analysis"] = "Their words."
    window_b.save_record(theirs, "sam")
    mine.answers["accommodation.analysis"] = "My words."
    with pytest.raises(StaleVersionError):
        window_a.save_record(mine, "sam")
    return window_a, window_b, record, window_a.save_record(mine, "sam", overwrite=True)


def test_keep_mine_saves_over_a_newer_save_and_the_trail_says_so(open_store: Callable[[], Store]) -> None:
    window_a, window_b, record, kept = kept_over_theirs(open_store)
    assert window_b.get_record(record.id).answers["accommodation.analysis"] == "My words."
    assert kept.version == record.version + 2
    overwrites = [e for e in window_b.audit_trail(record.id) if e.kind == "overwrite"]
    assert [(e.actor, e.field, e.old, e.new) for e in overwrites] == [("sam", "version", 1, 2)]
    window_a.save_record(kept, "sam", overwrite=True)  # nothing newer to save over: no entry
    assert len([e for e in window_a.audit_trail(record.id) if e.kind == "overwrite"]) == 1


# ---------------------------------------------------------------- the team database decides


def test_a_login_claims_only_in_its_own_name_and_touches_only_its_own_claims(
    login: Callable[[str], Any], sql: Callable[[str], psycopg.Connection[Any]]
) -> None:
    admin = login("a4_test_admin")
    new_case(admin, owner="sam")
    record = new_record(admin, author="sam")
    sam, jo = login("sam"), login("jo")
    sam.claim(record.id, "somebody else", "sam-window")
    assert [p.who for p in sam.present(record.id)] == ["sam"]  # the database names the login
    with pytest.raises(NotFoundError):  # jo may not see sam's case, so may not claim its record
        jo.claim(record.id, "jo", "jo-window")
    raw = sql("sam")
    raw.execute(
        "INSERT INTO presence (record_id, window_id, who, since, seen) "
        "VALUES (%s, 'forged', 'kim', '2999-01-01T00:00:00+00:00', '2999-01-01T00:00:00+00:00')",
        (record.id,),
    )
    assert {(p.window, p.who) for p in sam.present(record.id)} == {("sam-window", "sam"), ("forged", "sam")}
    assert all(p.seen < "2999" for p in sam.present(record.id))  # stamped by the database's clock
    with pytest.raises(NotFoundError):  # a QA assessor does not see a draft: no claim on it either
        login("kim").claim(record.id, "kim", "kim-window")
    admin.claim(record.id, "lee", "lee-window")  # an administrator names nobody else: the claim is theirs
    raw.execute("UPDATE presence SET place = 'faked' WHERE window_id = 'lee-window'")
    raw.execute("DELETE FROM presence WHERE window_id = 'lee-window'")
    assert [(p.who, p.place) for p in admin.present(record.id) if p.window == "lee-window"] == [
        ("a4_test_admin", "")
    ]
    raw.execute("UPDATE presence SET who = 'lee' WHERE window_id = 'sam-window'")  # renamed: still sam's
    assert [p.who for p in admin.present(record.id) if p.window == "sam-window"] == ["sam"]


def test_a_login_cannot_write_an_overwrite_into_the_trail_without_saving_over_anything(
    login: Callable[[str], Any], sql: Callable[[str], psycopg.Connection[Any]]
) -> None:
    admin = login("a4_test_admin")
    new_case(admin, owner="sam")
    record = new_record(admin, author="sam")
    sam = login("sam")
    sam.save_record(sam.get_record(record.id), "sam")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql("sam").execute(
            "INSERT INTO audit (record_id, kind, actor, at) VALUES (%s, 'overwrite', 'sam', 'now')",
            (record.id,),
        )
    assert [e.kind for e in sam.audit_trail(record.id)] == ["created"]


# ---------------------------------------------------------------- upgrades


def test_the_previous_releases_file_upgrades_unchanged_and_takes_claims(tmp_path: Path, clock: Clock) -> None:
    from storage.sqlite.schema import SCHEMA_VERSION
    from storage.sqlite.store import SqliteStore

    db = tmp_path / "a4.db"
    shutil.copy(FIXTURE_V3, db)
    tables = ("cases", "records", "audit", "definitions")
    with closing(sqlite3.connect(db)) as conn:
        before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    store = SqliteStore(db, now=clock)
    try:
        record = store.list_records()[0]
        store.claim(record.id, "sam", "w")
        assert [p.who for p in store.present(record.id)] == ["sam"]
        store.release_claim(record.id, "w")
    finally:
        store.close()
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        for table, rows in before.items():
            columns = ", ".join(f"[{c[1]}]" for c in conn.execute(f"SELECT * FROM {table}").description or ())
            kept = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            assert [row[: len(rows[0])] for row in kept] == rows if rows else kept == [], (table, columns)


def test_a_team_database_before_presence_upgrades_unchanged_and_takes_claims(
    team_server: TeamServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.postgres import schema
    from storage.postgres.store import PostgresStore

    name = team_server.new_database()  # a name of this test's own; the copy of the template goes
    team_server.drop_database(name)
    with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    current = schema.MIGRATIONS
    with psycopg.connect(team_server.server.url(name), autocommit=True) as conn:
        with monkeypatch.context() as old_release:  # the previous release's `a4 db init`: all but the last
            old_release.setattr(schema, "MIGRATIONS", current[:-1])
            old_release.setattr(schema, "SCHEMA_VERSION", len(current) - 1)
            schema.initialise(conn)
        form_id, version = conn.execute("SELECT id, version FROM a4.definitions LIMIT 1").fetchone()
        conn.execute("INSERT INTO a4.staff VALUES ('sam', 'north')")
        conn.execute(
            "INSERT INTO a4.cases (ref, name, start, owner, initial_working_days, review_weeks, "
            "initial_due) VALUES ('C-1', 'Alex Morgan', '2025-02-03', 'sam', 10, 16, '2025-02-17')"
        )
        conn.execute(
            "INSERT INTO a4.records (id, case_ref, form_id, form_version, kind, status, author, version, "
            "created_at, updated_at, payload) VALUES ('r-1', 'C-1', %s, %s, 'assessment', 'draft', "
            "'sam', 1, '2025-02-03T09:00:00+00:00', '2025-02-03T09:00:00+00:00', '{\"answers\": {}}')",
            (form_id, version),
        )
        tables = {"cases": "ref, name, owner", "records": "id, status, author, version, payload::text",
                  "audit": "record_id, kind, actor, at"}  # fmt: skip
        before = {t: conn.execute(f"SELECT {c} FROM a4.{t} ORDER BY 1").fetchall() for t, c in tables.items()}
        report = schema.initialise(conn)
        assert (report.found_version, report.version) == (len(current) - 1, len(current))
        after = {t: conn.execute(f"SELECT {c} FROM a4.{t} ORDER BY 1").fetchall() for t, c in tables.items()}
        assert after == before and before["records"]
    sam = PostgresStore(team_server.url(name, "sam"))
    try:
        sam.claim("r-1", "sam", "w")
        assert [p.who for p in sam.present("r-1")] == ["sam"]
    finally:
        sam.close()
        team_server.drop_database(name)

"""Setting up a team database (`a4 db init`/`check`), its schema versions, choosing it, and backing it up."""

from __future__ import annotations

import argparse
import dataclasses
import stat
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from forms.model import Case, Deadlines, Record, Sentence
from storage.connect import database_url
from storage.postgres.schema import SCHEMA_VERSION
from storage.postgres.store import PostgresStore
from storage.sqlite.store import SqliteStore
from storage.store import NewerSchemaError, Store, StoreError
from tests.cli_support import run_a4 as a4
from tests.conftest import Clock
from tests.pg_server import ADMIN, PgServer, TeamServer
from tui.app import build_app


@pytest.fixture(scope="module")
def bare_server() -> Iterator[PgServer]:
    """A server with no A4 roles yet, as a team's administrator finds it."""
    server = PgServer()
    try:
        yield server.start()
    finally:
        server.destroy()


# ---------------------------------------------------------------- a4 db init / check


def test_db_init_sets_up_an_empty_database_and_says_what_it_did(bare_server: PgServer) -> None:
    with psycopg.connect(bare_server.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE team")
    url = bare_server.url("team")
    first = a4("--db", url, "db", "init")
    assert first.returncode == 0, first.stderr
    for said in ("created role a4_practitioner", "created role a4_qa_assessor", "created role a4_admin"):
        assert said in first.stdout
    assert (
        f"created schema a4 (tables, row-level security, triggers) at version {SCHEMA_VERSION}"
        in first.stdout
    )
    again = a4("--db", url, "db", "init")
    assert again.returncode == 0, again.stderr
    assert "role a4_admin already exists; kept" in again.stdout
    assert f"schema already at version {SCHEMA_VERSION}; nothing to upgrade" in again.stdout
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE ROLE pat LOGIN PASSWORD 'pw-pat' IN ROLE a4_practitioner")
        conn.execute("INSERT INTO a4.staff VALUES ('pat', 'east')")
    checked = a4("db", "check", env={"A4_DATABASE_URL": bare_server.url("team", "pat", "pw-pat")})
    assert checked.returncode == 0, checked.stderr
    assert "connected as:   pat" in checked.stdout
    assert "role:           a4_practitioner" in checked.stdout
    assert "team:           east" in checked.stdout
    assert f"schema version: {SCHEMA_VERSION} (this A4 uses {SCHEMA_VERSION})" in checked.stdout


def test_a_database_without_the_schema_is_explained(bare_server: PgServer) -> None:
    with psycopg.connect(bare_server.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE empty")
    with pytest.raises(StoreError, match=r"has no A4 tables yet.*a4 db init"):
        PostgresStore(bare_server.url("empty"))
    checked = a4("--db", bare_server.url("empty"), "db", "check")
    assert checked.returncode == 1 and "no A4 schema" in checked.stderr


def test_db_commands_need_a_team_database() -> None:
    result = a4("db", "check", env={"A4_DATABASE_URL": "", "A4_CONFIG": "/nonexistent/a4.toml"})
    assert result.returncode == 1 and "no team database is named" in result.stderr


# ---------------------------------------------------------------- schema versions


def test_a_newer_schema_is_refused_and_left_untouched(team_server: TeamServer, team_database: str) -> None:
    with psycopg.connect(team_server.server.url(team_database), autocommit=True) as conn:
        conn.execute("UPDATE a4.schema_version SET version = %s", (SCHEMA_VERSION + 1,))
    url = team_server.url(team_database, ADMIN)
    with pytest.raises(NewerSchemaError, match="newer version of A4"):
        PostgresStore(url)
    refused = a4("--db", team_server.server.url(team_database), "db", "init")
    assert refused.returncode == 1 and "upgrade A4 first. Nothing was changed." in refused.stderr
    with psycopg.connect(team_server.server.url(team_database), autocommit=True) as conn:
        assert conn.execute("SELECT version FROM a4.schema_version").fetchone()[0] == SCHEMA_VERSION + 1


# ---------------------------------------------------------------- choosing the engine


def test_the_database_comes_from_argument_then_environment_then_config(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('database = "postgresql://config/a4"\n')
    env = {"A4_DATABASE_URL": "postgresql://env/a4"}
    assert database_url("postgresql://arg/a4", env, config) == "postgresql://arg/a4"
    assert database_url(None, env, config) == "postgresql://env/a4"
    assert database_url(None, {}, config) == "postgresql://config/a4"
    assert database_url(None, {}, tmp_path / "missing.toml") is None
    with pytest.raises(StoreError, match="A4_DATABASE_URL must be a PostgreSQL address"):
        database_url(None, {"A4_DATABASE_URL": "/home/sam/a4.db"}, None)


def test_the_cli_lists_the_team_databases_cases(
    team_server: TeamServer, team_database: str, tmp_path: Path
) -> None:
    admin = PostgresStore(team_server.url(team_database, ADMIN))
    admin.create_case(Case(ref="C-SAM", name="Alex Morgan", start="2025-02-03", owner="sam"), Deadlines())
    admin.create_case(Case(ref="C-JO", name="Sam Patel", start="2025-02-03", owner="jo"), Deadlines())
    admin.close()
    listed = a4("--db", team_server.url(team_database, "sam"), "cases", env={"A4_DATA_DIR": str(tmp_path)})
    assert listed.returncode == 0, listed.stderr
    assert "C-SAM" in listed.stdout and "C-JO" not in listed.stdout


# ---------------------------------------------------------------- backup


def test_a_backup_is_an_embedded_store_holding_what_the_login_sees(
    team_server: TeamServer, team_database: str, tmp_path: Path, clock: Clock
) -> None:
    store = PostgresStore(team_server.url(team_database, ADMIN), now=clock)
    order = Sentence(type="community order", end="2026-08-02", requirements=("unpaid work: 120 hours",))
    store.create_case(
        Case(
            ref="C-1", name="Alex Morgan", start="2025-02-03", owner="sam", sentence=order, national_id="X1"
        ),
        Deadlines(),
    )
    record = store.create_record(Record(id="", case_ref="C-1", form_id="f", form_version="1"), "sam")
    record.answers["rosh.level"] = "high"
    record = store.save_record(record, "sam", risk_path="rosh.level")
    store.transition(record.id, "submitted", "sam")
    store.save_definition("assessment", "g", "1", "[form]\nid = 'g'\n")
    store.hand_over("C-1", "jo", ADMIN, note="cover")
    store.update_case(dataclasses.replace(store.get_case("C-1"), name="Alex Morgan-Reed"), owner="jo")
    copy = store.backup(tmp_path / "copies" / "team.db")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    restored = SqliteStore(copy, now=clock)
    assert restored.get_record(record.id) == store.get_record(record.id)
    assert restored.audit_trail(record.id) == store.audit_trail(record.id)
    assert restored.list_cases() == store.list_cases()
    assert restored.get_case("C-1") == store.get_case("C-1")  # the sentence and national id too
    assert restored.handovers() == store.handovers() != []
    assert restored.case_changes("C-1") == store.case_changes("C-1") != []  # the corrections too
    assert restored.get_definition("assessment", "g", "1") == "[form]\nid = 'g'\n"
    restored.close()
    store.close()


def test_the_team_engine_implements_every_store_method() -> None:
    wanted = {name for name in vars(Store) if not name.startswith("_")}
    assert wanted - set(dir(PostgresStore)) == set()


def test_the_app_opens_the_team_database_as_the_login_with_its_role(
    team_server: TeamServer, team_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("A4_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text('user = "someone.else"\n')
    args = argparse.Namespace(
        data_dir=str(tmp_path / "data"), db=team_server.url(team_database, "kim"), forms=[]
    )
    app = build_app(args)
    assert (app.config.user, app.config.role) == ("kim", "qa_assessor")
    app.store.close()

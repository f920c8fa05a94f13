"""What the upgrade tests share: every row of some tables, and a team database of the release before a
migration (no tests here).

Each appended migration is proven by building the database its previous release made, filling it,
upgrading, and comparing every row; the steps are the same whichever migration is under test.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

from storage.postgres import schema as pg_schema
from tests.pg_server import TeamServer

FIXTURE_V3 = Path(__file__).parent / "fixtures" / "storage" / "a4-schema-v3.sqlite"
"""An embedded store as an earlier release left it (schema version 3), with cases and records."""


def copy_of_an_old_file(tmp_path: Path) -> tuple[Path, dict[str, list[tuple[Any, ...]]]]:
    """A copy of the old release's store in `tmp_path`, and every row of each of its tables as it is."""
    db = tmp_path / "a4.db"
    shutil.copy(FIXTURE_V3, db)
    with closing(sqlite3.connect(db)) as conn:
        tables = tuple(
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("sqlite_")
        )
        before = every_row(conn, tables)
    assert before["cases"], "the fixture holds cases"
    return db, before


def every_row(conn: Any, tables: tuple[str, ...], prefix: str = "") -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows, in an order that does not depend on how the engine stores them."""
    return {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {prefix}{t}")), key=repr) for t in tables}


@contextmanager
def database_before(
    team_server: TeamServer, migration_text: str, name: str
) -> Iterator[tuple[psycopg.Connection[Any], int]]:
    """A new database `name` as the release before the migration holding `migration_text` left it (its
    schema and forms), with a superuser's connection and that migration's step; dropped afterwards."""
    step = next(i for i, m in enumerate(pg_schema.MIGRATIONS) if migration_text in m)
    with psycopg.connect(team_server.server.url(), autocommit=True) as superuser:
        superuser.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        superuser.execute(f"CREATE DATABASE {name}")
    try:
        with psycopg.connect(team_server.server.url(name), autocommit=True) as conn:
            old = pytest.MonkeyPatch()
            old.setattr(pg_schema, "MIGRATIONS", pg_schema.MIGRATIONS[:step])
            old.setattr(pg_schema, "SCHEMA_VERSION", step)
            try:
                pg_schema.initialise(conn)
            finally:
                old.undo()
            yield conn, step
    finally:
        with psycopg.connect(team_server.server.url(), autocommit=True) as superuser:
            superuser.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

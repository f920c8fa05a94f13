"""Setting up and checking a team's PostgreSQL database: what `a4 db init` and `a4 db check` do.

Kept here rather than in the command so that the command never reaches into
the PostgreSQL engine: it gets lines and facts to print, and a `StoreError`
whose text is for a person when the server refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from storage.postgres.bypass import Bypass, bypassing_logins
from storage.postgres.schema import SCHEMA_VERSION, NewerSchemaVersion, initialise, stored_version
from storage.postgres.store import ROLE_NAMES, admin_connection, describe
from storage.store import StoreError

__all__ = ["Bypass", "TeamDatabase", "check", "set_up"]


@dataclass(frozen=True)
class TeamDatabase:
    """What `a4 db check` reports about a team database, as the connected login sees it."""

    where: str
    """The database, named without its password."""
    server: str
    """The PostgreSQL server's version."""
    login: str
    superuser: bool
    roles: tuple[str, ...]
    """The A4 group roles the login holds."""
    team: str | None
    schema: int | None
    """The database's A4 schema version, None when it has no A4 schema yet."""
    supported: int = SCHEMA_VERSION
    """The schema version this A4 uses."""
    bypass: tuple[Bypass, ...] = ()
    """The logins of the server that can go around the rules (docs/team.md: who can still go around them)."""


def set_up(url: str, form_dirs: Sequence[Path] = ()) -> tuple[str, list[str]]:
    """Create or upgrade the schema and roles; the database's name and one line per thing done.

    Raises `StoreError` with what to do when the server refuses, or when a
    newer A4 set the database up (then nothing is changed).
    """
    where = describe(url)
    try:
        with admin_connection(url) as conn:
            report = initialise(conn, form_dirs)
    except NewerSchemaVersion as error:
        raise StoreError(
            f"the database was set up by a newer A4 (schema {error.found}); upgrade A4 first. "
            "Nothing was changed."
        ) from None
    except psycopg.Error as error:  # a refusal from the server: say what it said, never a traceback
        reason = error.diag.message_primary or error
        raise StoreError(
            f"could not set up {where}: {reason}. Run `a4 db init` as a login that may create roles "
            "and owns the database (see docs/team.md)."
        ) from None
    return where, report.lines()


def check(url: str) -> TeamDatabase:
    """The schema version, the login's roles and team; raises `StoreError` when it cannot be reached."""
    with admin_connection(url) as conn:
        found = stored_version(conn.execute)
        row = conn.execute(
            "SELECT current_user, current_setting('server_version'), "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
        ).fetchone()
        assert row is not None  # a SELECT without FROM always returns its one row
        login, server, superuser = row
        roles = tuple(
            role
            for (role,) in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s) "
                "AND pg_has_role(current_user, oid, 'MEMBER') ORDER BY rolname",
                (list(ROLE_NAMES),),
            )
        )
        team = None
        readable = found and conn.execute("SELECT has_table_privilege('a4.staff', 'SELECT')").fetchone()
        if readable and readable[0]:
            staff = conn.execute("SELECT team FROM a4.staff WHERE login = current_user").fetchone()
            team = staff[0] if staff else None
        bypass = tuple(bypassing_logins(conn)) if found else ()
    return TeamDatabase(describe(url), server, login, bool(superuser), roles, team, found, bypass=bypass)

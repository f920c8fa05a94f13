"""`a4 db init` and `a4 db check`: set up a team's PostgreSQL database, and see how A4 finds it.

The database is named by `--db`, `A4_DATABASE_URL` or the config file's
`database` setting, as for every other command.  `init` is run once by
an administrator (a login that may create roles) on an empty database,
and again after upgrading A4 to upgrade the schema; it prints each thing
it did.  `check` is for anyone: it says which schema version the
database has and which A4 role the connected login holds.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="set up or check a team's PostgreSQL database")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init", help="create (or upgrade) the schema and roles; run as an administrator"
    )
    init.set_defaults(func=run_init)
    check = actions.add_parser("check", help="show the schema version and your login's role")
    check.set_defaults(func=run_check)


def _url(args: argparse.Namespace) -> str | None:
    from tui.commands.storage_support import database_url, fail

    url = database_url(args)
    if url is None:
        fail(
            "no team database is named: give --db postgresql://host/dbname, set A4_DATABASE_URL, or set "
            "`database` in your config file (see docs/team.md)"
        )
    return url


def run_init(args: argparse.Namespace) -> int:
    import psycopg

    from storage.postgres.schema import NewerSchemaVersion, initialise
    from storage.postgres.store import admin_connection, describe
    from storage.store import StoreError
    from tui.commands.storage_support import fail

    try:
        url = _url(args)
        if url is None:
            return 1
        with admin_connection(url) as conn:
            report = initialise(conn)
    except NewerSchemaVersion as error:
        return fail(
            f"the database was set up by a newer A4 (schema {error.found}); upgrade A4 first. "
            "Nothing was changed."
        )
    except StoreError as error:
        return fail(error)
    except psycopg.Error as error:  # a refusal from the server: say what it said, never a traceback
        reason = error.diag.message_primary or error
        return fail(
            f"could not set up {describe(url)}: {reason}. Run `a4 db init` as a login that may create roles "
            "and owns the database (see docs/team.md)."
        )
    print(f"Set up {describe(url)}:")
    for line in report.lines():
        print(f"  - {line}")
    print("Next: create a login for each person and give it a role and a team (docs/team.md).")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from storage.postgres.schema import SCHEMA_VERSION, stored_version
    from storage.postgres.store import ROLE_NAMES, admin_connection, describe
    from storage.store import StoreError
    from tui.commands.storage_support import fail

    try:
        url = _url(args)
        if url is None:
            return 1
        with admin_connection(url) as conn:
            found = stored_version(conn.execute)
            login, server, superuser = conn.execute(
                "SELECT current_user, current_setting('server_version'), "
                "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
            ).fetchone()
            roles = [
                role
                for (role,) in conn.execute(
                    "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s) "
                    "AND pg_has_role(current_user, oid, 'MEMBER') ORDER BY rolname",
                    (list(ROLE_NAMES),),
                )
            ]
            team = None
            if found:
                row = conn.execute("SELECT team FROM a4.staff WHERE login = current_user").fetchone()
                team = row[0] if row else None
    except StoreError as error:
        return fail(error)
    print(f"database:       {describe(url)} (PostgreSQL {server})")
    print(f"connected as:   {login}")
    if superuser:
        print("role:           superuser (passes every row-level check: use a personal login for casework)")
    else:
        print(f"role:           {', '.join(roles) if roles else 'none: this login is not an A4 user yet'}")
    print(f"team:           {team or 'none (QA assessors see the submitted records of their team)'}")
    if found is None:
        print("schema:         none yet")
        return fail("this database has no A4 schema; an administrator runs `a4 db init`")
    print(f"schema version: {found} (this A4 uses {SCHEMA_VERSION})")
    if found < SCHEMA_VERSION:
        return fail("the schema is older than this A4; an administrator runs `a4 db init` to upgrade it")
    if found > SCHEMA_VERSION:
        return fail("the schema is newer than this A4; upgrade A4")
    return 0

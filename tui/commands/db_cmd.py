"""`a4 db init` and `a4 db check`: set up a team's PostgreSQL database, and see how A4 finds it.

The database is named by `--db`, `A4_DATABASE_URL` or the config file's
`database` setting, as for every other command.  `init` is run once by
an administrator (a login that may create roles) on an empty database,
and again after upgrading A4 to upgrade the schema; it prints each thing
it did.  `check` is for anyone: it says which schema version the
database has, which A4 role the connected login holds, and which logins of
the server can go around the rules; it exits with `BYPASS_STATUS` when one
of those does casework.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.team_database import Bypass

BYPASS_STATUS = 3
"""`a4 db check`'s exit status when a casework login can go around the rules (docs/team.md)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="set up or check a team's PostgreSQL database")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init", help="create (or upgrade) the schema and roles; run as an administrator"
    )
    init.set_defaults(func=run_init)
    check = actions.add_parser(
        "check", help="show the schema version, your login's role, and who can go around the rules"
    )
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
    from storage.store import StoreError
    from storage.team_database import set_up
    from tui.commands.storage_support import fail

    try:
        url = _url(args)
        if url is None:
            return 1
        where, lines = set_up(url, [Path(d) for d in args.forms])  # forms the team's records may use
    except StoreError as error:
        return fail(error)
    print(f"Set up {where}:")
    for line in lines:
        print(f"  - {line}")
    print(
        "Next: create a personal login for each person, administrators included, and give it a role and "
        "a team (docs/team.md); keep this login for setting up."
    )
    return 0


def run_check(args: argparse.Namespace) -> int:
    from storage.store import StoreError
    from storage.team_database import check
    from tui.commands.storage_support import fail

    try:
        url = _url(args)
        if url is None:
            return 1
        found = check(url)
    except StoreError as error:
        return fail(error)
    print(f"database:       {found.where} (PostgreSQL {found.server})")
    print(f"connected as:   {found.login}")
    if found.superuser:
        print("role:           superuser (passes every row-level check: use a personal login for casework)")
    else:
        roles = ", ".join(found.roles) if found.roles else "none: this login is not an A4 user yet"
        print(f"role:           {roles}")
    print(f"team:           {found.team or 'none (QA assessors see the submitted records of their team)'}")
    if found.schema is None:
        print("schema:         none yet")
        return fail("this database has no A4 schema; an administrator runs `a4 db init`")
    print(f"schema version: {found.schema} (this A4 uses {found.supported})")
    if found.schema < found.supported:
        return fail("the schema is older than this A4; an administrator runs `a4 db init` to upgrade it")
    if found.schema > found.supported:
        return fail("the schema is newer than this A4; upgrade A4")
    return _report_bypass(found.bypass)


def _report_bypass(bypass: tuple[Bypass, ...]) -> int:
    """List the logins that can go around the rules; `BYPASS_STATUS` when one of them does casework."""
    import sys

    from exports.escape import for_terminal

    if not bypass:
        print("bypass:         no login can go around the rules")
        return 0
    print("can go around the rules (keep these off casework, docs/team.md):")
    for each in bypass:
        print(f"  {for_terminal(each.login)}{'  (casework login)' if each.casework else ''}")
        for power in each.powers:
            print(f"    - {power}")
    casework = [for_terminal(each.login) for each in bypass if each.casework]
    if not casework:
        return 0
    print(
        f"a4: {', '.join(casework)} {'does' if len(casework) == 1 else 'do'} casework and can go around the "
        "rules: give each person a login without these powers (docs/team.md)",
        file=sys.stderr,
    )
    return BYPASS_STATUS

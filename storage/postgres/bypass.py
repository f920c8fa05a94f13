"""Which logins can go around a team database's rules, and which of them do casework.

The rules of team mode live in the database (row-level security, triggers,
privileges), and PostgreSQL lets a few kinds of login pass them: a
superuser, a login with BYPASSRLS, a member of `a4_owner` (which owns the
schema), the owner of anything else in the schema (put there by hand), a
login with CREATEROLE (it can make itself a member of `a4_owner`), a member
of `pg_write_all_data` (past every privilege), and a REPLICATION login (it
can copy the server's files).  `a4 db check` lists them
so a team can keep them off casework: a *casework* login is one that holds
an A4 role (practitioner, QA assessor, administrator) or is listed in
`a4.staff`.  Membership is followed through `pg_auth_members`, never
`pg_has_role`, which says yes to everything for a superuser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.postgres.schema import OWNER_ROLE, SCHEMA

CASEWORK_ROLES = ("a4_practitioner", "a4_qa_assessor", "a4_admin")
"""The A4 roles whose members work on cases."""

_POWERS_QUERY = f"""
WITH RECURSIVE member_of (login, role) AS (
    SELECT oid, oid FROM pg_roles WHERE rolcanlogin
    UNION
    SELECT m.login, am.roleid FROM member_of AS m JOIN pg_auth_members AS am ON am.member = m.role
),
objects (owner, name) AS (
    SELECT nspowner, nspname::text FROM pg_namespace WHERE nspname = '{SCHEMA}'
    UNION SELECT relowner, '{SCHEMA}.' || relname FROM pg_class
          WHERE relnamespace = to_regnamespace('{SCHEMA}')
    UNION SELECT proowner, '{SCHEMA}.' || proname || '()' FROM pg_proc
          WHERE pronamespace = to_regnamespace('{SCHEMA}')
)
SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolreplication,
       EXISTS (SELECT 1 FROM member_of AS m JOIN pg_roles AS g ON g.oid = m.role
               WHERE m.login = r.oid AND g.rolname = '{OWNER_ROLE}'),
       ARRAY(SELECT DISTINCT o.name FROM member_of AS m JOIN objects AS o ON o.owner = m.role
             WHERE m.login = r.oid AND o.owner <> to_regrole('{OWNER_ROLE}') ORDER BY 1),
       EXISTS (SELECT 1 FROM member_of AS m JOIN pg_roles AS g ON g.oid = m.role
               WHERE m.login = r.oid AND g.rolname = 'pg_write_all_data'),
       EXISTS (SELECT 1 FROM member_of AS m JOIN pg_roles AS g ON g.oid = m.role
               WHERE m.login = r.oid AND g.rolname = ANY(%s))
FROM pg_roles AS r
WHERE r.rolcanlogin
ORDER BY r.rolname
"""


@dataclass(frozen=True)
class Bypass:
    """One login that can go around the rules: what lets it, and whether it does casework."""

    login: str
    powers: tuple[str, ...]
    """One line for a person per way it passes the rules."""
    casework: bool
    """It holds an A4 role or is listed in a4.staff: its work on cases is not held to the rules."""


def bypassing_logins(conn: Any) -> list[Bypass]:
    """Every login of the server that can go around the rules of this database's A4 schema."""
    staff: set[str] = set()
    readable = conn.execute(
        "SELECT to_regclass('a4.staff') IS NOT NULL AND has_table_privilege('a4.staff', 'SELECT')"
    ).fetchone()[0]
    if readable:
        staff = {login for (login,) in conn.execute("SELECT login FROM a4.staff")}
    found = []
    for name, superuser, bypassrls, createrole, replication, owner, owns, writes_all, a4_role in conn.execute(
        _POWERS_QUERY, (list(CASEWORK_ROLES),)
    ):
        powers = _powers(superuser, bypassrls, createrole, replication, owner, owns, writes_all)
        if powers:
            found.append(Bypass(name, tuple(powers), bool(a4_role) or name in staff))
    return found


def _powers(
    superuser: bool,
    bypassrls: bool,
    createrole: bool,
    replication: bool,
    owner: bool,
    owns: list[str],
    writes_all: bool,
) -> list[str]:
    said = []
    if superuser:
        said.append("superuser: passes every row-level check, may disable triggers and alter the tables")
    if owner:
        said.append(
            f"member of {OWNER_ROLE}, which owns the schema: may switch row-level security and triggers "
            "off (ALTER TABLE … NO FORCE ROW LEVEL SECURITY, DISABLE TRIGGER)"
        )
    if owns:
        said.append(f"owns {', '.join(owns)} in schema {SCHEMA}: may change or drop it")
    if createrole:
        said.append(f"CREATEROLE: may make itself a member of {OWNER_ROLE} or of any A4 role")
    if bypassrls:
        said.append("BYPASSRLS: reads and writes every case and record, past row-level security")
    if writes_all:
        said.append(
            "member of pg_write_all_data: writes every table past its privileges (row-level security "
            "and triggers still hold): may add a form definition or move people between teams"
        )
    if replication:
        said.append("REPLICATION: may copy the whole server's files, every case included")
    return said

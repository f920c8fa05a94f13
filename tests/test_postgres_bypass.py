"""`a4 db check` names every login that can go around the rules, and each power it names is real.

docs/team.md (*Who can still go around the rules*) lists the kinds of login
PostgreSQL lets past row-level security, triggers and privileges.  Each
test here creates such a login on the real test server, runs the real
`a4 db check`, and then uses the power the check says it has, so the
docs cannot claim a bypass that is not one (or miss one that is).  Roles
belong to the whole server, so every login made here is dropped again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from forms.model import Case
from storage.postgres.schema import initialise
from tests.cli_support import run_a4
from tests.pg_server import ADMIN, TeamServer, find_binary
from tests.test_postgres_attacks import PRIVILEGE, refused, shipped_form
from tests.test_postgres_roles import case_with_record
from tui.commands.db_cmd import BYPASS_STATUS

MakeLogin = Callable[[str, str], str]


@pytest.fixture
def make_login(team_server: TeamServer, team_database: str) -> Iterator[MakeLogin]:
    """`make_login(kind, options)`: a new login (`CREATE ROLE … LOGIN <options>`), its URL to the database."""
    made: list[str] = []
    superuser_url = team_server.server.url(team_database)

    def make(kind: str, options: str) -> str:
        name = f"{kind}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(superuser_url, autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'pw-{name}' {options}")
        made.append(name)
        return team_server.server.url(team_database, name, f"pw-{name}")

    yield make
    with psycopg.connect(superuser_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f"DROP OWNED BY {name}")
            conn.execute(f"DROP ROLE {name}")


def db_check(url: str) -> tuple[int, str, str]:
    done = run_a4("--db", url, "db", "check")
    return done.returncode, done.stdout, done.stderr


def listed(stdout: str, login: str) -> str:
    """The lines `a4 db check` printed for one login (its name line and its powers)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().split()[0] == login)
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("    - "):
            break
        block.append(line)
    return "\n".join(block)


def name_of(url: str) -> str:
    return url.split("://", 1)[1].split(":", 1)[0]


def test_a_team_set_up_as_the_docs_say_passes_and_the_superuser_is_named(
    team_server: TeamServer, team_database: str
) -> None:
    code, out, err = db_check(team_server.url(team_database, "sam"))
    assert code == 0, err
    assert "a4super\n    - superuser: passes every row-level check" in out  # listed, but no casework
    assert "(casework login)" not in out


def test_each_kind_of_bypassing_casework_login_is_named_and_can_do_what_it_says(
    make_login: MakeLogin, login: Any, team_server: TeamServer, team_database: str, tmp_path: Path
) -> None:
    admin = login(ADMIN)
    jos = case_with_record(admin, "C-JO", "jo", status="submitted")
    superuser_url = team_server.server.url(team_database)
    with psycopg.connect(superuser_url, autocommit=True) as conn:
        conn.execute("CREATE ROLE a4_stray_owner NOLOGIN")
        conn.execute("CREATE TABLE a4.stray (x int)")
        conn.execute("ALTER TABLE a4.stray OWNER TO a4_stray_owner")
    logins = {
        "superuser": make_login("su", "SUPERUSER IN ROLE a4_practitioner"),
        "bypassrls": make_login("rls", "BYPASSRLS IN ROLE a4_practitioner"),
        "owner": make_login("own", "IN ROLE a4_owner, a4_qa_assessor"),
        "createrole": make_login("cr", "CREATEROLE IN ROLE a4_qa_assessor"),
        "stray": make_login("stray", "IN ROLE a4_stray_owner, a4_practitioner"),
        "write_all": make_login("wr", "IN ROLE pg_write_all_data, a4_admin"),
        "replication": make_login("repl", "REPLICATION"),
    }
    with psycopg.connect(superuser_url, autocommit=True) as conn:  # casework by being on the staff list
        conn.execute("INSERT INTO a4.staff VALUES (%s, 'north')", (name_of(logins["replication"]),))
    try:
        code, out, err = db_check(team_server.url(team_database, "sam"))
        assert code == BYPASS_STATUS, (out, err)
        said = {kind: listed(out, name_of(url)) for kind, url in logins.items()}
        assert all("(casework login)" in block for block in said.values()), said
        assert "superuser: passes every row-level check" in said["superuser"]
        assert "BYPASSRLS: reads and writes every case and record" in said["bypassrls"]
        assert "member of a4_owner, which owns the schema" in said["owner"]
        assert "CREATEROLE: may make itself a member of a4_owner" in said["createrole"]
        assert "owns a4.stray in schema a4: may change or drop it" in said["stray"]
        assert "member of pg_write_all_data: writes every table past its privileges" in said["write_all"]
        assert "REPLICATION: may copy the whole server's files" in said["replication"]
        for url in logins.values():
            assert name_of(url) in err  # each casework login is named where the failure is said

        # ... and each can do what the check says.
        with psycopg.connect(logins["superuser"], autocommit=True) as raw:
            assert raw.execute("SELECT name FROM a4.cases WHERE ref = 'C-JO'").fetchone() is not None
        with psycopg.connect(logins["bypassrls"], autocommit=True) as raw:
            assert raw.execute("UPDATE a4.cases SET name = 'Changed' WHERE ref = 'C-JO'").rowcount == 1
            assert raw.execute("SELECT count(*) FROM a4.records WHERE id = %s", (jos.id,)).fetchone() == (1,)
        with psycopg.connect(logins["owner"]) as raw:
            raw.execute("SET ROLE a4_owner")
            raw.execute("ALTER TABLE a4.records NO FORCE ROW LEVEL SECURITY")
            raw.execute("ALTER TABLE a4.audit DISABLE TRIGGER audit_is_append_only")
            raw.rollback()
        with psycopg.connect(logins["createrole"]) as raw:
            raw.execute("GRANT a4_owner TO CURRENT_USER")
            raw.execute("SET ROLE a4_owner")
            raw.execute("ALTER TABLE a4.records NO FORCE ROW LEVEL SECURITY")
            raw.rollback()
        with psycopg.connect(logins["stray"]) as raw:
            raw.execute("DROP TABLE a4.stray")
            raw.rollback()
        with psycopg.connect(logins["write_all"], autocommit=True) as raw:
            text = 'id = "planted"\nkind = "assessment"\nversion = "1"\n'
            raw.execute(
                "INSERT INTO a4.definitions (kind, id, version, source, saved_at, sha256) VALUES "
                "('assessment', 'planted', '1', %s, '', encode(sha256(convert_to(%s, 'UTF8')), 'hex'))",
                (text, text),
            )
            raw.execute("UPDATE a4.staff SET team = 'south' WHERE login = 'kim'")
            refused(  # row-level security still holds: no audit entry by hand
                raw,
                "42501",
                "INSERT INTO a4.audit (record_id, kind, actor, at) VALUES (%s, 'status', 'x', 'now')",
                (jos.id,),
            )
        backup = tmp_path / "copy"
        copied = _basebackup(logins["replication"], backup)
        assert copied.returncode == 0, copied.stderr
        assert (backup / "PG_VERSION").exists() and any((backup / "base").iterdir())
    finally:
        with psycopg.connect(superuser_url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS a4.stray")
            conn.execute("DROP ROLE a4_stray_owner")


def _basebackup(url: str, folder: Path) -> Any:
    import subprocess

    return subprocess.run(
        [find_binary("pg_basebackup"), "-d", url, "-D", str(folder), "-X", "none", "--no-sync",
         "--checkpoint=fast", "--no-verify-checksums"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_practitioner_without_powers_is_not_listed_and_cannot_do_any_of_it(
    login: Any, sql: Any, team_server: TeamServer, team_database: str
) -> None:
    """The other side of each claim: an ordinary casework login meets every wall the check says it passes."""
    admin = login(ADMIN)
    case_with_record(admin, "C-JO", "jo", status="submitted")
    login("sam").create_case(Case("C-SAM", "Sam Patel", "2025-02-03", "sam"), shipped_form().deadlines)
    code, out, _ = db_check(team_server.url(team_database, "sam"))
    assert code == 0 and "\n  sam" not in out
    raw = sql("sam")
    assert raw.execute("SELECT ref FROM cases").fetchall() == [("C-SAM",)]
    assert raw.execute("UPDATE cases SET name = 'Changed' WHERE ref = 'C-JO'").rowcount == 0
    for statement in (
        "SET ROLE a4_owner",
        "GRANT a4_owner TO CURRENT_USER",
        "ALTER TABLE a4.records NO FORCE ROW LEVEL SECURITY",
        "UPDATE a4.staff SET team = 'south' WHERE login = 'kim'",
    ):
        with pytest.raises(psycopg.Error) as raised:
            raw.execute(statement)
        assert raised.value.sqlstate == PRIVILEGE, statement


def test_db_init_run_by_a_login_that_may_create_roles_leaves_it_no_casework_role(
    team_server: TeamServer,
) -> None:
    """docs/team.md: the setup login is an administrator only while `a4 db init` adds forms."""
    name = f"setup_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN CREATEROLE PASSWORD 'pw-setup'")
        conn.execute(f"CREATE DATABASE {name} OWNER {name}")
    url = team_server.server.url(name, name, "pw-setup")
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            report = initialise(conn)
            assert ("assessment", "a4-assessment", "1.0.0") in report.forms_added
            held = conn.execute(
                "SELECT count(*) FROM pg_auth_members WHERE member = current_user::regrole"
            ).fetchone()
            assert held == (0,)  # neither a4_owner nor a4_admin is left to it
        code, out, err = db_check(url)
        assert code == 0, err
        assert "role:           none" in out
        assert f"  {name}\n    - CREATEROLE: may make itself a member of a4_owner" in out
        with psycopg.connect(url, autocommit=True) as conn:  # not casework, and it adds people
            conn.execute(f"CREATE ROLE {name}_office LOGIN PASSWORD 'pw-office' IN ROLE a4_admin")
            refused(conn, PRIVILEGE, "INSERT INTO a4.staff (login, team) VALUES ('pat', 'north')")
        office = team_server.server.url(name, f"{name}_office", "pw-office")
        with psycopg.connect(office, autocommit=True) as conn:  # the administrator writes the team list
            conn.execute("INSERT INTO a4.staff (login, team) VALUES ('pat', 'north')")
        assert db_check(office)[0] == 0
        with psycopg.connect(team_server.server.url(name), autocommit=True) as conn:
            conn.execute(f"GRANT a4_admin TO {name}")  # the mistake the check is there for
        code, out, err = db_check(url)
        assert code == BYPASS_STATUS and f"{name} does casework and can go around the rules" in err
    finally:
        with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
            conn.execute(f"DROP ROLE {name}_office")
            conn.execute(f"DROP ROLE {name}")

"""The role table of docs/team.md, proven line by line: each line logs in as each role and tries it.

The table is read from the docs themselves, so a line added there without a
test here fails `test_every_line_of_the_role_table_has_its_test`.  Each line's
test runs raw SQL as the practitioner (`sam`), the QA assessor (`kim`, same
team) and the administrator, the way a login going around A4 would, and
checks what was allowed happened and what was refused changed nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from forms.model import Case, Comment
from storage.postgres.schema import (
    ERR_APPEND_ONLY,
    ERR_IMPERSONATION,
    ERR_LOCKED,
    ERR_OWN_APPROVAL,
    ERR_REASON,
    ERR_ROLE,
    ERR_SET_BY_DATABASE,
)
from storage.postgres.store import PostgresStore
from tests.pg_server import ADMIN, SUPERUSER
from tests.test_postgres_attacks import NOW, PRIVILEGE, everything, refused, shipped_form
from tests.test_postgres_roles import case_with_record

Login = Callable[[str], PostgresStore]
Sql = Callable[[str], psycopg.Connection[Any]]


def role_table() -> list[str]:
    """The first cell of each line of the role table in docs/team.md."""
    text = (Path(__file__).parent.parent / "docs" / "team.md").read_text(encoding="utf-8")
    start = text.index("| | practitioner | QA assessor | administrator |")
    lines = text[start:].split("\n\n", 1)[0].splitlines()[2:]
    return [line.split("|")[1].strip() for line in lines]


def setting(conn: psycopg.Connection[Any], statement: str, params: Any, **settings: str) -> int:
    """Run `statement` in one transaction with `a4.<name>` settings (a reason, an import's file)."""
    with conn.transaction():
        for name, value in settings.items():
            conn.execute("SELECT set_config(%s, %s, true)", (f"a4.{name}", value))
        return conn.execute(statement, params).rowcount


class Team:
    """A north team's casework (and one south case), added by the administrator."""

    def __init__(self, login: Login, sql: Sql) -> None:
        self.admin = login(ADMIN)
        self.sql = sql
        self.sams_draft = case_with_record(self.admin, "C-SAM", "sam")
        self.jos = case_with_record(self.admin, "C-JO", "jo", status="submitted")
        self.jos_draft = case_with_record(self.admin, "C-JOD", "jo")
        self.alis = case_with_record(self.admin, "C-ALI", "ali", status="submitted")
        self.locked = case_with_record(self.admin, "C-LOCK", "jo", status="locked")
        self.lees = case_with_record(self.admin, "C-LEE", "lee", status="submitted")
        self.admins = case_with_record(self.admin, "C-ADM", ADMIN, status="submitted")

    def payload(self, record_id: str) -> dict[str, Any]:
        row = (
            self.sql(SUPERUSER).execute("SELECT payload FROM records WHERE id = %s", (record_id,)).fetchone()
        )
        return dict(row[0])


EDIT = "UPDATE records SET payload = jsonb_set(payload, '{answers,offence.what_happened}', %s) WHERE id = %s"
RISK = (
    "UPDATE records SET payload = jsonb_set(payload, '{answers,rosh.level}', '\"very_high\"') WHERE id = %s"
)
STATUS = "UPDATE records SET status = %s WHERE id = %s"
GRADE = "INSERT INTO grades (record_id, criterion, level, by, at) VALUES (%s, 'analysis', 'good', 'x', %s)"
INSERT_RECORD = (
    "INSERT INTO records (id, case_ref, form_id, form_version, kind, status, author, version, created_at, "
    "updated_at, payload) VALUES ('imp', %s, 'a4-assessment', '1.0.0', 'assessment', %s, %s, 1, %s, %s, '{}')"
)


def see_cases(team: Team, sql: Sql) -> None:
    seen = {who: {r for (r,) in sql(who).execute("SELECT ref FROM cases")} for who in ("sam", "kim", ADMIN)}
    assert seen["sam"] == {"C-SAM"}
    assert seen["kim"] == {"C-SAM", "C-JO", "C-JOD", "C-LOCK", "C-LEE"}  # north's; not ali's (south)
    assert seen[ADMIN] == seen["kim"] | {"C-ALI", "C-ADM"}


def see_records(team: Team, sql: Sql) -> None:
    seen = {who: {r for (r,) in sql(who).execute("SELECT id FROM records")} for who in ("sam", "kim", ADMIN)}
    assert seen["sam"] == {team.sams_draft.id}
    assert seen["kim"] == {team.jos.id, team.locked.id, team.lees.id}  # never a draft, never south's
    assert len(seen[ADMIN]) == 7


def add_cases_start_records(team: Team, sql: Sql) -> None:
    add = (
        "INSERT INTO cases (ref, name, start, owner, initial_working_days, review_weeks, initial_due) "
        "VALUES (%s, 'Alex Morgan', '2025-02-03', %s, 10, 16, '2025-02-17')"
    )
    sql("sam").execute(add, ("C-NEW", "sam"))
    refused(sql("sam"), PRIVILEGE, add, ("C-FOR-JO", "jo"))  # for themselves only
    refused(sql("kim"), PRIVILEGE, add, ("C-KIM", "kim"))
    sql(ADMIN).execute(add, ("C-FOR-JO", "jo"))  # for anyone
    draft = INSERT_RECORD.replace("'assessment', %s", "'assessment', 'draft'")
    refused(sql("sam"), ERR_IMPERSONATION, draft, ("C-NEW", "jo", NOW, NOW))
    assert sql("sam").execute(draft, ("C-NEW", "sam", NOW, NOW)).rowcount == 1
    refused(sql("kim"), PRIVILEGE, draft, ("C-JO", "kim", NOW, NOW))
    assert sql(ADMIN).execute(draft, ("C-FOR-JO", "jo", NOW, NOW)).rowcount == 1
    owners = (
        sql(SUPERUSER)
        .execute(
            "SELECT c.owner, r.author FROM records AS r JOIN cases AS c ON c.id = r.case_id "
            "WHERE c.ref IN ('C-NEW', 'C-FOR-JO') ORDER BY 1"
        )
        .fetchall()
    )
    assert owners == [("jo", "jo"), ("sam", "sam")]


def correct_a_case(team: Team, sql: Sql) -> None:
    fix = "UPDATE cases SET name = 'Alex J. Morgan', national_id = 'X1', sentence = '{}' WHERE ref = %s"
    assert sql("sam").execute(fix, ("C-SAM",)).rowcount == 1  # their own
    assert sql("sam").execute(fix, ("C-JO",)).rowcount == 0  # not someone else's: as for no case at all
    refused(sql("kim"), PRIVILEGE, fix, ("C-JO",))  # not even their team's (a next review date only)
    assert sql(ADMIN).execute(fix, ("C-JO",)).rowcount == 1  # anyone's
    moved = "UPDATE cases SET start = '2025-06-02' WHERE ref = 'C-SAM'"  # the first due date left behind
    refused(sql("sam"), ERR_SET_BY_DATABASE, moved)
    names = sql(SUPERUSER).execute("SELECT ref, name FROM cases WHERE name <> 'Alex Morgan' ORDER BY 1")
    assert names.fetchall() == [("C-JO", "Alex J. Morgan"), ("C-SAM", "Alex J. Morgan")]
    kept = sql(SUPERUSER).execute("SELECT case_ref, field, old, by FROM case_changes ORDER BY seq")
    assert kept.fetchall() == [  # the database's own history of them, naming the login
        ("C-SAM", "name", "Alex Morgan", "sam"),
        ("C-SAM", "national_id", "", "sam"),
        ("C-JO", "name", "Alex Morgan", ADMIN),
        ("C-JO", "national_id", "", ADMIN),
    ]


def see_corrections(team: Team, sql: Sql) -> None:
    fix = "UPDATE cases SET name = 'Alex J. Morgan' WHERE ref = %s"
    for ref in ("C-SAM", "C-JO", "C-ALI"):
        sql(ADMIN).execute(fix, (ref,))
    query = "SELECT case_ref FROM case_changes ORDER BY 1"
    seen = {who: [r for (r,) in sql(who).execute(query)] for who in ("sam", "kim", ADMIN)}
    assert seen == {"sam": ["C-SAM"], "kim": ["C-JO", "C-SAM"], ADMIN: ["C-ALI", "C-JO", "C-SAM"]}


def change_answers(team: Team, sql: Sql) -> None:
    edited = json.dumps("edited")
    assert sql("sam").execute(EDIT, (edited, team.sams_draft.id)).rowcount == 1  # their own draft
    assert sql("sam").execute(EDIT, (edited, team.jos.id)).rowcount == 0  # not someone else's
    assert sql("kim").execute(EDIT, (edited, team.jos.id)).rowcount == 1  # their team's, submitted
    assert sql("kim").execute(EDIT, (edited, team.jos_draft.id)).rowcount == 0  # never a draft
    assert sql("kim").execute(EDIT, (edited, team.alis.id)).rowcount == 0  # never another team's
    assert sql(ADMIN).execute(EDIT, (edited, team.alis.id)).rowcount == 1  # any not locked
    refused(sql(ADMIN), ERR_LOCKED, EDIT, (edited, team.locked.id))
    assert team.payload(team.jos.id)["answers"]["offence.what_happened"] == "edited"


def change_someone_elses_risk_level(team: Team, sql: Sql) -> None:
    assert sql("sam").execute(RISK, (team.jos.id,)).rowcount == 0
    for who, record in (("kim", team.jos), (ADMIN, team.alis)):
        refused(sql(who), ERR_REASON, RISK, (record.id,))
        assert setting(sql(who), RISK, (record.id,), reason=f"{who}'s reason") == 1
        event = team.admin.audit_trail(record.id)[-1]
        assert (event.kind, event.actor, event.new, event.reason) == (
            "risk_level",
            who,
            "very_high",
            f"{who}'s reason",
        )


def submit(team: Team, sql: Sql) -> None:
    assert sql("sam").execute(STATUS, ("submitted", team.jos_draft.id)).rowcount == 0
    assert sql("kim").execute(STATUS, ("submitted", team.jos_draft.id)).rowcount == 0
    assert sql("sam").execute(STATUS, ("submitted", team.sams_draft.id)).rowcount == 1
    assert sql(ADMIN).execute(STATUS, ("submitted", team.jos_draft.id)).rowcount == 1  # any


def grade_and_comment(team: Team, sql: Sql) -> None:
    refused(sql("sam"), PRIVILEGE, GRADE, (team.jos.id, NOW))
    sql("kim").execute(GRADE, (team.jos.id, NOW))
    refused(sql("lee"), ERR_OWN_APPROVAL, GRADE, (team.lees.id, NOW))  # a QA assessor's own record
    sql(ADMIN).execute(GRADE, (team.alis.id, NOW))
    refused(sql(ADMIN), ERR_OWN_APPROVAL, GRADE, (team.admins.id, NOW))
    by = sql(SUPERUSER).execute("SELECT by FROM grades ORDER BY seq").fetchall()
    assert by == [("kim",), (ADMIN,)]  # in their own name, whatever the client wrote


def return_approve_lock(team: Team, sql: Sql) -> None:
    assert sql("sam").execute(STATUS, ("approved", team.jos.id)).rowcount == 0
    refused(sql("lee"), ERR_OWN_APPROVAL, STATUS, ("approved", team.lees.id))
    assert sql("kim").execute(STATUS, ("returned", team.lees.id)).rowcount == 1  # lee's, by kim
    assert sql("kim").execute(STATUS, ("approved", team.jos.id)).rowcount == 1
    assert sql("kim").execute(STATUS, ("locked", team.jos.id)).rowcount == 1
    refused(sql(ADMIN), ERR_OWN_APPROVAL, STATUS, ("approved", team.admins.id))
    assert sql(ADMIN).execute(STATUS, ("approved", team.alis.id)).rowcount == 1


def resolve_a_comment(team: Team, sql: Sql, login: Login) -> None:
    sams = login("sam")
    sams.transition(team.sams_draft.id, "submitted", "sam")
    login("kim").transition(team.sams_draft.id, "returned", "kim", comments=[Comment("c1", "rosh", "Why?")])
    login("kim").transition(team.jos.id, "returned", "kim", comments=[Comment("c2", "rosh", "Source?")])
    resolve = "UPDATE comments SET resolved_by = 'x', resolved_at = %s WHERE record_id = %s"
    refused(sql("kim"), PRIVILEGE, resolve, (NOW, team.sams_draft.id))
    assert sql("sam").execute(resolve, (NOW, team.sams_draft.id)).rowcount == 1
    before = team.admin.get_record(team.jos.id).comments
    refused(sql(ADMIN), ERR_ROLE, resolve, (NOW, team.sams_draft.id))  # resolved once only
    assert setting(sql(ADMIN), resolve, (NOW, team.jos.id), act_as="jo") == 1  # any, in their own name:
    assert [c.resolved_by for c in team.admin.get_record(team.jos.id).comments] == [ADMIN]  # act_as unheard
    assert before[0].resolved_by == ""


def import_past_draft(team: Team, sql: Sql) -> None:
    team.admin.create_case(Case("C-IMP", "Alex Morgan", "2025-02-03", "jo"), shipped_form().deadlines)
    sql("sam").execute(
        "INSERT INTO cases (ref, name, start, owner, initial_working_days, review_weeks, initial_due) "
        "VALUES ('C-IMP', 'Alex Morgan', '2025-02-03', 'sam', 10, 16, '2025-02-17')"
    )
    refused(sql("sam"), ERR_ROLE, INSERT_RECORD, ("C-IMP", "submitted", "sam", NOW, NOW))
    with pytest.raises(psycopg.Error) as raised:
        setting(sql("kim"), INSERT_RECORD, ("C-IMP", "approved", "jo", NOW, NOW), import_source="f.json")
    assert raised.value.sqlstate == PRIVILEGE
    assert (
        setting(sql(ADMIN), INSERT_RECORD, ("C-IMP", "approved", "jo", NOW, NOW), import_source="f.json") == 1
    )
    with pytest.raises(psycopg.Error) as raised:
        setting(sql(ADMIN), INSERT_RECORD.replace("'imp'", "'imp2'"), ("C-ADM", "approved", ADMIN, NOW, NOW),
                import_source="f.json")  # fmt: skip
    assert raised.value.sqlstate == ERR_OWN_APPROVAL
    (event,) = [e for e in team.admin.audit_trail("imp") if e.kind == "imported"]
    assert (event.actor, event.new) == (ADMIN, "f.json")


def add_or_retire_a_definition(team: Team, sql: Sql) -> None:
    text = 'id = "team-form"\nkind = "assessment"\nversion = "1"\n'
    add = (
        "INSERT INTO definitions (kind, id, version, source, saved_at, sha256) VALUES "
        "('assessment', 'team-form', '1', %s, '', encode(sha256(convert_to(%s, 'UTF8')), 'hex'))"
    )
    for who in ("sam", "kim"):
        refused(sql(who), PRIVILEGE, add, (text, text))
        refused(sql(who), PRIVILEGE, "DELETE FROM definitions WHERE id = 'team-form'")
    sql(ADMIN).execute(add, (text, text))
    assert sql(ADMIN).execute("DELETE FROM definitions WHERE id = 'team-form'").rowcount == 1
    refused(
        sql(ADMIN),
        ERR_APPEND_ONLY,
        "DELETE FROM definitions WHERE id = 'a4-assessment' AND version = '1.0.0'",
    )


def change_a_locked_record(team: Team, sql: Sql) -> None:
    before = everything(sql)
    for who in ("sam", "kim", ADMIN):
        for statement, params in (
            (EDIT, (json.dumps("x"), team.locked.id)),
            (STATUS, ("approved", team.locked.id)),
        ):
            try:
                assert sql(who).execute(statement, params).rowcount == 0
            except psycopg.Error as error:
                assert error.sqlstate == ERR_LOCKED
    refused(sql(ADMIN), ERR_LOCKED, EDIT, (json.dumps("x"), team.locked.id))
    assert everything(sql) == before


def write_audit_grades_signatures(team: Team, sql: Sql) -> None:
    sql("kim").execute(GRADE, (team.jos.id, NOW))
    before = everything(sql)
    for who in ("sam", "kim", ADMIN, "lee"):
        for statement in (
            f"INSERT INTO audit (record_id, kind, actor, at) VALUES ('{team.jos.id}', 'status', 'x', 'now')",
            "UPDATE audit SET reason = 'x'",
            "DELETE FROM audit",
            "TRUNCATE audit",
            "UPDATE grades SET level = 'poor'",
            "DELETE FROM grades",
            f"INSERT INTO signatures (record_id, by, at) VALUES ('{team.jos.id}', 'kim', '{NOW}')",
            "UPDATE signatures SET by = 'x'",
            "DELETE FROM signatures",
            "INSERT INTO case_changes (case_id, case_ref, field, old, new, by, at) "
            "SELECT id, ref, 'name', 'x', name, 'x', 'now' FROM cases",
            "UPDATE case_changes SET old = 'x'",
            "DELETE FROM case_changes",
        ):
            with pytest.raises(psycopg.Error) as raised:
                sql(who).execute(statement)
            assert raised.value.sqlstate in (PRIVILEGE, ERR_APPEND_ONLY), (who, statement)
    assert everything(sql) == before


LINES: dict[str, Callable[..., None]] = {
    "see cases": see_cases,
    "see records": see_records,
    "add cases, start records": add_cases_start_records,
    "correct a case's name, national identifier, start date or sentence": correct_a_case,
    "see a case's corrections (who, when, what it said before)": see_corrections,
    "change a record's answers": change_answers,
    "change someone else's risk level": change_someone_elses_risk_level,
    "submit": submit,
    "grade and comment for QA": grade_and_comment,
    "return, approve (countersign), lock": return_approve_lock,
    "resolve a QA comment": resolve_a_comment,
    "import a record past draft (history marked as the file's)": import_past_draft,
    "add a form definition; retire one no record uses": add_or_retire_a_definition,
    "change a locked record": change_a_locked_record,
    "write, change or delete audit entries, grades, countersignatures, corrections of a case": (
        write_audit_grades_signatures
    ),
}


def test_every_line_of_the_role_table_has_its_test() -> None:
    assert role_table() == list(LINES)


@pytest.mark.parametrize("line", list(LINES))
def test_the_role_table_line_by_line(line: str, login: Login, sql: Sql) -> None:
    check = LINES[line]
    team = Team(login, sql)
    if check is resolve_a_comment:
        check(team, sql, login)
    else:
        check(team, sql)

"""A team database tried as an attacker would: each login, raw SQL and the Python API, each finding of #15.

Each test logs in as a real role of the test team (practitioner `sam`,
QA assessor `kim`, administrator, and the login that ran `a4 db init`),
tries what a hostile colleague would with psql or a script, and asserts the
refusal with the SQLSTATE `docs/team.md` documents, and that nothing changed
(`everything` reads every table as the superuser before and after).
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from exports.formats.csv_format import CaseRow, to_csv
from exports.formats.fhir import IMPORTED_EXTENSION, questionnaire_response
from exports.formats.json_format import to_json
from exports.formats.markdown import to_markdown
from exports.importing.importer import ImportProblem, import_incoming, parse_export
from forms.definition.registry import load_registry
from forms.model import AssessmentForm, Case, Comment, Deadlines, Grade, Record, Signature
from storage.postgres.schema import (
    ERR_APPEND_ONLY,
    ERR_NO_DEFINITION,
    ERR_NOT_FOUND,
    ERR_OWN_APPROVAL,
    ERR_REASON,
    ERR_REASONS,
    ERR_ROLE,
    ERR_SET_BY_DATABASE,
    ERR_TRANSITION,
    initialise,
)
from storage.postgres.store import PostgresStore
from storage.store import (
    AuditEvent,
    DuplicateError,
    InvalidTransitionError,
    NotFoundError,
    NotPermittedError,
    ReasonRequiredError,
    StoreError,
)
from tests.cli_support import run_a4
from tests.pg_server import ADMIN, SUPERUSER, TeamServer
from tests.test_postgres_roles import case_with_record


def _from_team_docs(start: str) -> str:
    """The SQL docs/team.md gives that begins with `start`, exactly as written there."""
    text = (Path(__file__).parent.parent / "docs" / "team.md").read_text(encoding="utf-8")
    begin = text.index(start)
    return text[begin : text.index("```", begin)]


BYPASS_QUERY = _from_team_docs("SELECT rolname FROM pg_roles")
"""The check docs/team.md gives for logins that can go around the rules, exactly as written there."""

Login = Callable[[str], PostgresStore]
Sql = Callable[[str], psycopg.Connection[Any]]

NOW = "2025-03-03T09:30:00+00:00"
PRIVILEGE = "42501"
CHECK = "23514"
TABLES = ("cases", "records", "audit", "grades", "comments", "signatures", "definitions", "case_changes")


def everything(sql: Sql) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every A4 table, read by the superuser: what "nothing changed" compares."""
    raw = sql(SUPERUSER)
    return {t: raw.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}


def refused(conn: psycopg.Connection[Any], state: str, statement: str, params: Any = ()) -> str:
    """Run `statement`, which must fail with `state`; returns the server's message."""
    with pytest.raises(psycopg.Error) as raised:
        conn.execute(statement, params)
    assert raised.value.sqlstate == state, raised.value
    return raised.value.diag.message_primary or ""


def shipped_form() -> AssessmentForm:
    registry, _ = load_registry([])
    found = registry.assessment("a4-assessment", "1.0.0")
    assert found is not None
    return found


# ---------------------------------------------------------------- 1. forged grades, countersignatures


def test_1_a_practitioner_cannot_write_a_sign_off_into_their_own_record(login: Login, sql: Sql) -> None:
    admin = login(ADMIN)
    record = case_with_record(admin, "C-1", "sam", status="submitted")
    sam = login("sam")
    forged = sam.get_record(record.id)
    forged.grades = [Grade("analysis", "good", "", "kim", NOW)]
    forged.signatures = [Signature("kim", NOW)]
    forged.comments = [Comment("c1", "rosh", "Fine by me", "kim", NOW)]
    saved = sam.save_record(forged, "sam")  # the save goes through; the sign-off it carried does not
    assert (saved.grades, saved.signatures, saved.comments, saved.status) == ([], [], [], "submitted")
    raw = sql("sam")
    claim = {
        "grades": [{"criterion": "analysis", "level": "good", "by": "kim"}],
        "signatures": [{"by": "kim", "on": NOW}],
    }
    raw.execute(
        "UPDATE records SET payload = payload || %s::jsonb WHERE id = %s", (json.dumps(claim), record.id)
    )
    stored = sql(SUPERUSER).execute("SELECT payload FROM records WHERE id = %s", (record.id,)).fetchone()[0]
    assert "grades" not in stored and "signatures" not in stored
    before = everything(sql)
    refused(
        raw, PRIVILEGE, "INSERT INTO signatures (record_id, by, at) VALUES (%s, 'kim', %s)", (record.id, NOW)
    )
    refused(
        raw,
        PRIVILEGE,
        "INSERT INTO grades (record_id, criterion, level, by, at) VALUES (%s, 'analysis', 'good', 'kim', %s)",
        (record.id, NOW),
    )
    refused(raw, ERR_OWN_APPROVAL, "UPDATE records SET status = 'approved' WHERE id = %s", (record.id,))
    with pytest.raises(NotPermittedError):
        sam.transition(record.id, "approved", "kim")
    assert everything(sql) == before
    shown = admin.get_record(record.id)
    assert (shown.grades, shown.signatures, shown.status) == ([], [], "submitted")
    form = shipped_form()
    case = admin.get_case("C-1")
    assert "Countersigned" not in to_markdown(shown, case, form, admin.audit_trail(record.id))
    # nobody countersigned, nothing overridden: the last two cells are empty
    assert to_csv([CaseRow(case, shown, form)]).splitlines()[1].endswith("awaiting QA,,")


# ---------------------------------------------------------------- 2. forged audit entries


@pytest.mark.parametrize("who", ["sam", "kim", ADMIN])
def test_2_no_login_writes_an_audit_entry(login: Login, sql: Sql, who: str) -> None:
    record = case_with_record(login(ADMIN), "C-1", "sam", status="submitted")
    before = everything(sql)
    refused(
        sql(who),
        PRIVILEGE,
        "INSERT INTO audit (record_id, kind, actor, at, field, old, new, reason) "
        "VALUES (%s, 'status', %s, %s, 'status', '\"submitted\"', '\"approved\"', 'self-claimed approval')",
        (record.id, who, NOW),
    )
    refused(sql(who), PRIVILEGE, "SELECT a4.record_history()")
    assert everything(sql) == before


# ---------------------------------------------------------------- 3. planted form definitions


def planted_copy() -> str:
    text = Path(shipped_form().header.source).read_text(encoding="utf-8")
    return text.replace('version = "1.0.0"', 'version = "1.0.1"').replace("Very high", "Low (no concerns)")


@pytest.mark.parametrize("who", ["sam", "kim"])
def test_3_only_an_administrator_adds_a_form_definition(login: Login, sql: Sql, who: str) -> None:
    before = everything(sql)
    text = planted_copy()
    refused(
        sql(who),
        PRIVILEGE,
        "INSERT INTO definitions (kind, id, version, source, saved_at, sha256) VALUES "
        "('assessment', 'a4-assessment', '1.0.1', %s, '', encode(sha256(convert_to(%s, 'UTF8')), 'hex'))",
        (text, text),
    )
    with pytest.raises(NotPermittedError):
        login(who).save_definition("assessment", "a4-assessment", "1.0.1", text)
    assert everything(sql) == before


def test_3_a_definition_is_content_addressed_immutable_and_retired_only_unused(
    login: Login, sql: Sql
) -> None:
    admin, raw = login(ADMIN), sql(ADMIN)
    text = planted_copy()
    refused(
        raw,
        CHECK,
        "INSERT INTO definitions (kind, id, version, source, saved_at, sha256) "
        "VALUES ('assessment', 'x', '1', %s, '', %s)",
        (text, "0" * 64),
    )
    assert admin.save_definition("assessment", "a4-assessment", "1.0.1", text) is True
    stored = raw.execute("SELECT added_by, reason_paths FROM definitions WHERE version = '1.0.1'").fetchone()
    assert stored == (ADMIN, ["rosh.level"])  # who added it, and what needs a reason, read from the text
    refused(raw, PRIVILEGE, "UPDATE definitions SET source = 'x' WHERE version = '1.0.1'")
    refused(sql(SUPERUSER), ERR_APPEND_ONLY, "UPDATE definitions SET source = 'x' WHERE version = '1.0.1'")
    case_with_record(admin, "C-1", "sam")  # a record on 1.0.0
    refused(raw, ERR_APPEND_ONLY, "DELETE FROM definitions WHERE id = 'a4-assessment' AND version = '1.0.0'")
    with pytest.raises(NotPermittedError):
        admin.retire_definition("assessment", "a4-assessment", "1.0.0")
    refused(sql("sam"), PRIVILEGE, "DELETE FROM definitions WHERE version = '1.0.1'")
    assert admin.retire_definition("assessment", "a4-assessment", "1.0.1") is True  # nobody used it
    assert admin.get_definition("assessment", "a4-assessment", "1.0.1") is None


def test_3_a_record_can_only_name_a_definition_the_database_holds(login: Login, sql: Sql) -> None:
    sam = login("sam")
    sam.create_case(Case("C-1", "Alex Morgan", "2025-02-03", "sam"), shipped_form().deadlines)
    before = everything(sql)
    with pytest.raises(NotFoundError, match="not in this database"):
        sam.create_record(Record("", "C-1", "a4-assessment", "9.9.9"), "sam")
    refused(
        sql("sam"),
        ERR_NO_DEFINITION,
        "INSERT INTO records (id, case_ref, form_id, form_version, kind, "
        "status, author, version, created_at, updated_at, payload) VALUES ('x', 'C-1', 'a4-assessment', "
        "'9.9.9', 'assessment', 'draft', 'sam', 1, %s, %s, '{}')",
        (NOW, NOW),
    )
    assert everything(sql) == before


# ---------------------------------------------------------------- 4. someone else's risk level, no reason


def test_4_a_qa_assessor_changes_the_risk_level_only_with_a_reason_audited_at_once(
    login: Login, sql: Sql
) -> None:
    record = case_with_record(login(ADMIN), "C-1", "sam", status="submitted")
    kim = login("kim")
    before = everything(sql)
    changed = kim.get_record(record.id)
    changed.answers["rosh.level"] = "very_high"
    with pytest.raises(ReasonRequiredError):
        kim.save_record(changed, "kim")  # no risk_path named: the definition says the level needs a reason
    raw = sql("kim")
    refused(
        raw,
        ERR_REASON,
        "UPDATE records SET payload = jsonb_set(payload, '{answers,rosh.level}', "
        "'\"very_high\"') WHERE id = %s",
        (record.id,),
    )
    assert everything(sql) == before
    with raw.transaction():  # the reason, given for this transaction only
        raw.execute("SELECT set_config('a4.reason', 'Police report of 1 March', true)")
        raw.execute(
            "UPDATE records SET payload = jsonb_set(payload, '{answers,rosh.level}', '\"very_high\"') "
            "WHERE id = %s",
            (record.id,),
        )
    event = kim.audit_trail(record.id)[-1]
    assert (event.kind, event.actor, event.old, event.new, event.reason) == (
        "risk_level",
        "kim",
        "medium",
        "very_high",
        "Police report of 1 March",
    )


# ---------------------------------------------------------------- 5. status, author, version, dates


def test_5_a_practitioner_cannot_step_outside_the_workflow_or_rewrite_what_the_database_sets(
    login: Login, sql: Sql
) -> None:
    admin = login(ADMIN)
    record = case_with_record(admin, "C-1", "sam")
    raw = sql("sam")
    before = everything(sql)
    refused(raw, ERR_TRANSITION, "UPDATE records SET status = 'returned' WHERE id = %s", (record.id,))
    refused(raw, PRIVILEGE, "UPDATE records SET author = 'jo' WHERE id = %s", (record.id,))
    for column, value in (
        ("author", "'jo'"),
        ("created_at", "'2020-01-01T00:00:00+00:00'"),
        ("amends", "'x'"),
    ):
        refused(
            sql(ADMIN),
            ERR_SET_BY_DATABASE,
            f"UPDATE records SET {column} = {value} WHERE id = %s",
            (record.id,),
        )  # even an administrator: set once, by the database
    refused(
        raw,
        ERR_SET_BY_DATABASE,
        "UPDATE records SET updated_at = '2099-01-01T00:00:00+00:00' WHERE id = %s",
        (record.id,),
    )
    refused(
        raw,
        PRIVILEGE,
        "UPDATE records SET created_at = '2020-01-01T00:00:00+00:00' WHERE id = %s",
        (record.id,),
    )
    refused(raw, ERR_SET_BY_DATABASE, "UPDATE cases SET initial_due = '2099-01-01' WHERE ref = 'C-1'")
    refused(raw, ERR_SET_BY_DATABASE, "UPDATE cases SET next_review = '2099-01-01' WHERE ref = 'C-1'")
    assert everything(sql) == before
    raw.execute("UPDATE records SET version = version + 1000 WHERE id = %s", (record.id,))
    assert admin.get_record(record.id).version == record.version + 1  # the database counts versions
    raw.execute("UPDATE records SET status = 'submitted' WHERE id = %s", (record.id,))
    last = admin.audit_trail(record.id)[-1]
    assert (last.kind, last.actor, last.old, last.new) == ("status", "sam", "draft", "submitted")


def test_5_a_qa_assessors_status_changes_are_audited_and_follow_the_workflow(login: Login, sql: Sql) -> None:
    admin = login(ADMIN)
    record = case_with_record(admin, "C-1", "sam", status="submitted")
    raw = sql("kim")
    raw.execute("UPDATE records SET status = 'approved' WHERE id = %s", (record.id,))
    approved = admin.get_record(record.id)
    assert [s.by for s in approved.signatures] == ["kim"]  # approving is countersigning, by the database
    last = admin.audit_trail(record.id)[-1]
    assert (last.kind, last.actor, last.old, last.new) == ("status", "kim", "submitted", "approved")
    before = everything(sql)
    refused(raw, ERR_TRANSITION, "UPDATE records SET status = 'returned' WHERE id = %s", (record.id,))
    assert everything(sql) == before


# ---------------------------------------------------------------- 6. signed-off records made up, or imported


def test_6_nobody_inserts_a_signed_off_record_and_an_administrator_never_their_own(
    login: Login, sql: Sql
) -> None:
    admin = login(ADMIN)
    admin.create_case(Case("C-1", "Alex Morgan", "2025-02-03", ADMIN), shipped_form().deadlines)
    insert = (
        "INSERT INTO records (id, case_ref, form_id, form_version, kind, status, author, version, "
        "created_at, updated_at, payload) VALUES ('x', 'C-1', 'a4-assessment', '1.0.0', 'assessment', "
        "'locked', %s, 1, %s, %s, '{}')"
    )
    raw = sql(ADMIN)
    before = everything(sql)
    refused(raw, ERR_ROLE, insert, (ADMIN, NOW, NOW))
    with pytest.raises(psycopg.Error) as raised, raw.transaction():
        raw.execute("SELECT set_config('a4.import_source', 'mine.json', true)")
        raw.execute(insert, (ADMIN, NOW, NOW))
    assert raised.value.sqlstate == ERR_OWN_APPROVAL
    assert everything(sql) == before


def crafted_file() -> str:
    """A file made up to claim sign-off: locked, "approved by kim.qa", countersigned by chief.officer."""
    form = shipped_form()
    record = Record(
        uuid.uuid4().hex,
        "C-9",
        form.id,
        form.version,
        status="locked",
        author="jo",
        version=3,
        created_at=NOW,
        updated_at=NOW,
        answers={"rosh.level": "low"},
        signatures=[Signature("chief.officer", NOW)],
    )
    trail = [AuditEvent(record.id, "status", "kim.qa", NOW, "status", "submitted", "approved", "")]
    return to_json(record, Case("C-9", "Jordan Hughes", "2025-02-03", "jo"), form, trail)


def test_6_only_an_administrator_imports_a_signed_off_file_and_its_history_stays_the_files(
    login: Login, sql: Sql
) -> None:
    registry, _ = load_registry([])
    incoming = parse_export(crafted_file(), "/tmp/crafted.json", registry)
    before = everything(sql)
    with pytest.raises(ImportProblem):
        import_incoming(login("jo"), incoming, actor="jo")
    assert everything(sql) == before
    admin = login(ADMIN)
    record = import_incoming(admin, incoming, actor=ADMIN)
    assert [(s.by, s.imported_from) for s in record.signatures] == [("chief.officer", "crafted.json")]
    trail = admin.audit_trail(record.id)
    assert [(e.kind, e.actor, e.imported_from) for e in trail] == [
        ("imported", ADMIN, ""),  # the import itself: who, which file, when
        ("status", "kim.qa", "crafted.json"),  # what the file says, marked as the file's
    ]
    assert trail[0].new == "crafted.json"
    form, case = shipped_form(), admin.get_case("C-9")
    shown = to_markdown(record, case, form, trail)
    assert (
        "Countersigned by chief.officer on Monday 3 March 2025, per the imported file crafted.json" in shown
    )
    assert "Approved by kim.qa on Monday 3 March 2025, per the imported file crafted.json" in shown
    assert "chief.officer (per the imported file)" in to_csv([CaseRow(case, record, form, trail)])
    fhir = questionnaire_response(record, case, form)
    assert {
        "url": IMPORTED_EXTENSION,
        "valueString": "countersigned by chief.officer on 2025-03-03, per the imported file crafted.json",
    } in fhir["extension"]
    exported = json.loads(to_json(record, case, form, trail))
    assert exported["record"]["signatures"][0]["imported_from"] == "crafted.json"
    assert exported["audit"][1]["imported_from"] == "crafted.json"


def test_6_a_files_history_comes_in_only_with_its_import(login: Login, sql: Sql) -> None:
    record = case_with_record(login(ADMIN), "C-1", "sam", status="submitted")
    before = everything(sql)
    for who in ("sam", ADMIN):
        refused(
            sql(who),
            ERR_SET_BY_DATABASE,
            "SELECT a4.import_history(%s, 'x.json', '[]', '[]', '[]', "
            '\'[{"by": "chief.officer", "on": "2025-01-01"}]\')',
            (record.id,),
        )
    refused(
        sql("kim"), PRIVILEGE, "SELECT a4.import_history(%s, 'x.json', '[]', '[]', '[]', '[]')", (record.id,)
    )
    assert everything(sql) == before


# ---------------------------------------------------------------- 7. the owner of the tables


@pytest.fixture
def setup_login(team_server: TeamServer) -> str:
    """A fresh database set up by `a4 db init` run as a login that is no superuser, as docs/team.md says."""
    name = f"setup_{uuid.uuid4().hex[:8]}"  # a login of its own per test: roles belong to the whole server
    with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN CREATEROLE PASSWORD 'pw-setup'")
        conn.execute(f"CREATE DATABASE {name} OWNER {name}")
    url = team_server.server.url(name, name, "pw-setup")
    with psycopg.connect(url, autocommit=True) as conn:
        initialise(conn)
    return url


def test_7_the_login_that_ran_db_init_cannot_switch_the_rules_off(setup_login: str) -> None:
    with psycopg.connect(setup_login, autocommit=True) as raw:
        owners = raw.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'a4'::regnamespace "
            "UNION SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'a4'"
        ).fetchall()
        assert owners == [("a4_owner",)]
        assert raw.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'a4_owner'").fetchone() == (
            False,
        )
        assert raw.execute("SELECT pg_has_role(current_user, 'a4_owner', 'MEMBER')").fetchone() == (False,)
        for statement in (
            "ALTER TABLE a4.records NO FORCE ROW LEVEL SECURITY",
            "ALTER TABLE a4.audit DISABLE TRIGGER audit_is_append_only",
            "ALTER TABLE a4.records DISABLE TRIGGER ALL",
            "DROP TABLE a4.audit",
            "DROP SCHEMA a4 CASCADE",
            "INSERT INTO a4.audit (record_id, kind, actor, at) VALUES ('x', 'status', current_user, 'now')",
        ):
            refused(raw, PRIVILEGE, statement)


def test_7_what_the_docs_say_still_bypasses_the_rules_does(setup_login: str) -> None:
    """docs/team.md: a login with CREATEROLE can make itself a member of a4_owner, and a member can."""
    with psycopg.connect(setup_login, autocommit=True) as raw:
        who = {name for (name,) in raw.execute(BYPASS_QUERY)}
        assert raw.info.user in who and not who & {"sam", "kim", ADMIN}  # the docs' check names it
        raw.execute("GRANT a4_owner TO CURRENT_USER")
        raw.execute("SET ROLE a4_owner")
        raw.execute("ALTER TABLE a4.records NO FORCE ROW LEVEL SECURITY")  # the rules are off for this login
        raw.execute("RESET ROLE")
        assert raw.execute(
            "SELECT relforcerowsecurity FROM pg_class WHERE oid = 'a4.records'::regclass"
        ).fetchone() == (False,)


# ---------------------------------------------------------------- 8. other people's cases and records


def test_8_other_peoples_records_exist_for_nobody_else(login: Login, sql: Sql) -> None:
    admin = login(ADMIN)
    jos = case_with_record(admin, "C-JO", "jo", status="locked")
    southern = case_with_record(admin, "C-SOUTH", "ali", status="submitted")
    sam = login("sam")
    sam.create_case(Case("C-SAM", "Sam Patel", "2025-02-03", "sam"), shipped_form().deadlines)
    mine = sam.create_record(Record(jos.id, "C-SAM", "a4-assessment", "1.0.0"), "sam")
    assert mine.id != jos.id  # the database picks ids; a taken one is never reported
    raw = sql("sam")
    insert = (
        "INSERT INTO records (id, case_ref, form_id, form_version, kind, status, author, version, "
        "created_at, updated_at, amends, payload) VALUES (%s, %s, 'a4-assessment', '1.0.0', 'assessment', "
        "'draft', 'sam', 1, %s, %s, %s, '{}')"
    )
    said = {
        refused(raw, ERR_NOT_FOUND, insert, ("r", "C-SAM", NOW, NOW, jos.id)),
        refused(raw, ERR_NOT_FOUND, insert, ("r", "C-SAM", NOW, NOW, "no-such-record")),
    }
    assert len(said) == 1  # the same answer for "exists, not yours" and "does not exist"
    assert refused(raw, ERR_NOT_FOUND, insert, ("r", "C-JO", NOW, NOW, None)).replace("C-JO", "?") == refused(
        raw, ERR_NOT_FOUND, insert, ("r", "C-NONE", NOW, NOW, None)
    ).replace("C-NONE", "?")
    grade = "INSERT INTO grades (record_id, criterion, level, by, at) VALUES (%s, 'a', 'good', 'kim', %s)"
    kim = sql("kim")
    assert refused(kim, ERR_NOT_FOUND, grade, (southern.id, NOW)) == refused(
        kim, ERR_NOT_FOUND, grade, ("x", NOW)
    )
    for missing in (jos.id, "no-such-record"):
        with pytest.raises(NotFoundError, match="There is no record"):
            sam.get_record(missing)


def test_8_a_case_reference_says_nothing_about_other_practitioners_cases(login: Login, sql: Sql) -> None:
    """References are unique per owner: a colleague's reference is added as if nobody used it."""
    admin = login(ADMIN)
    jos = case_with_record(admin, "C-JO", "jo", status="submitted")
    case_with_record(admin, "C-JO2", "jo")
    jos_cases = sql(SUPERUSER).execute("SELECT ref, id FROM cases WHERE owner = 'jo' ORDER BY ref").fetchall()
    sam = login("sam")
    deadlines = shipped_form().deadlines
    taken = sam.create_case(Case("C-JO", "Sam's person", "2025-02-03", "sam"), deadlines)
    fresh = sam.create_case(Case("C-FRESH", "Sam's person", "2025-02-03", "sam"), deadlines)
    assert (taken.owner, taken.name) == (fresh.owner, fresh.name) == ("sam", "Sam's person")
    assert sam.records_for_case("C-JO") == [] and sam.latest_record("C-JO") is None  # not jo's
    mine = sam.create_record(Record("", "C-JO", "a4-assessment", "1.0.0"), "sam")
    with pytest.raises(DuplicateError, match="already exists"):  # only one's own references are taken
        sam.create_case(Case("C-JO", "Again", "2025-02-03", "sam"), deadlines)
    raw = sql("sam")
    add = (
        "INSERT INTO cases (id, ref, name, start, owner, initial_working_days, review_weeks, initial_due) "
        "VALUES (%s, %s, 'x', '2025-02-03', 'sam', 10, 16, '2025-02-17')"
    )
    (_, jo2_id) = jos_cases[1]
    assert raw.execute(add, (jo2_id, "C-JO2")).rowcount == raw.execute(add, ("any", "C-NONE")).rowcount == 1
    ids = {case_id for (case_id,) in sql(SUPERUSER).execute("SELECT id FROM cases")}
    assert len(ids) == 6 and {case_id for _, case_id in jos_cases} <= ids  # jo's id was not taken either
    on_jos = (  # naming jo's case by its id: the database puts the record on sam's own C-JO2
        "INSERT INTO records (id, case_ref, case_id, form_id, form_version, kind, status, author, version, "
        "created_at, updated_at, payload) VALUES ('r', 'C-JO2', %s, 'a4-assessment', '1.0.0', 'assessment', "
        "'draft', 'sam', 1, %s, %s, '{}') RETURNING id"
    )
    (planted,) = raw.execute(on_jos, (jo2_id, NOW, NOW)).fetchone()
    owner_of = "SELECT c.owner FROM records AS r JOIN cases AS c ON c.id = r.case_id WHERE r.id = %s"
    for record_id in (mine.id, planted):
        assert sql(SUPERUSER).execute(owner_of, (record_id,)).fetchone() == ("sam",)
    assert [r.id for r in login("jo").records_for_case("C-JO")] == [jos.id]  # jo's case is untouched
    before = everything(sql)
    for change in ("ref = 'C-OTHER'", "id = 'mine'"):  # set once, for everyone
        refused(raw, ERR_SET_BY_DATABASE, f"UPDATE cases SET {change} WHERE ref = 'C-FRESH'")
        refused(sql(ADMIN), ERR_SET_BY_DATABASE, f"UPDATE cases SET {change} WHERE ref = 'C-JO'")
    assert everything(sql) == before
    assert login("jo").get_case("C-JO").name == "Alex Morgan"


def test_8_no_error_tells_a_record_or_case_that_exists_from_one_that_does_not(login: Login, sql: Sql) -> None:
    """Every way a practitioner (or a QA assessor of another team) can name someone else's record or case."""
    admin = login(ADMIN)
    jos = case_with_record(admin, "C-JO", "jo", status="locked")
    southern = case_with_record(admin, "C-SOUTH", "ali", status="submitted")
    sam = login("sam")
    sam.create_case(Case("C-SAM", "Sam Patel", "2025-02-03", "sam"), shipped_form().deadlines)
    own = sam.create_record(Record("", "C-SAM", "a4-assessment", "1.0.0"), "sam")
    raw = sql("sam")
    before = everything(sql)

    def same_answer(conn: psycopg.Connection[Any], statement: str, theirs: Any, missing: Any) -> None:
        answers: list[tuple[Any, ...]] = []
        for params in (theirs, missing):
            try:
                done = conn.execute(statement, params)
                answers.append(("done", done.fetchall() if statement.startswith("SELECT") else done.rowcount))
            except psycopg.Error as error:
                said = error.diag.message_primary or ""
                for value in params:
                    said = said.replace(str(value), "?") if value else said
                answers.append((error.sqlstate, said))
        assert answers[0] == answers[1], (statement, answers)

    insert = (
        "INSERT INTO records (id, case_ref, form_id, form_version, kind, status, author, version, "
        "created_at, updated_at, {link}) VALUES ('r', 'C-SAM', 'a4-assessment', '1.0.0', 'review', "
        "'draft', 'sam', 1, '" + NOW + "', '" + NOW + "', %s)"
    )
    for statement, theirs, missing in (
        (insert.format(link="amends"), (jos.id,), ("no-such-record",)),
        (insert.format(link="reviews"), (jos.id,), ("no-such-record",)),
        (insert.format(link="reviews").replace("'C-SAM'", "%s"), ("C-JO", None), ("C-NONE", None)),
        ("UPDATE records SET amends = %s WHERE id = '" + own.id + "'", (jos.id,), ("no-such-record",)),
        ("UPDATE records SET payload = '{}' WHERE id = %s", (jos.id,), ("no-such-record",)),
        ("UPDATE cases SET name = 'x' WHERE ref = %s", ("C-JO",), ("C-NONE",)),
        ("UPDATE comments SET resolved_by = 'sam', resolved_at = %s WHERE record_id = %s", (NOW, jos.id),
         (NOW, "no-such-record")),
        ("SELECT count(*) FROM audit WHERE record_id = %s", (jos.id,), ("no-such-record",)),
        ("SELECT count(*) FROM handovers WHERE case_ref = %s", ("C-JO",), ("C-NONE",)),
    ):  # fmt: skip
        same_answer(raw, statement, theirs, missing)
    kim = sql("kim")
    grade = "INSERT INTO grades (record_id, criterion, level, by, at) VALUES (%s, 'a', 'good', 'kim', %s)"
    same_answer(kim, grade.replace("%s)", "'" + NOW + "')"), (southern.id,), ("no-such-record",))
    same_answer(kim, "UPDATE records SET status = 'approved' WHERE id = %s", (southern.id,), ("nothing",))
    assert everything(sql) == before

    def api_answer(call: Callable[[str], Any], theirs: str, missing: str) -> None:
        answers: list[tuple[Any, ...]] = []
        for value in (theirs, missing):
            try:
                answers.append(("done", call(value)))
            except StoreError as error:
                answers.append((type(error), str(error).replace(value, "?")))
        assert answers[0] == answers[1], answers

    record = Record("", "C-SAM", "a4-assessment", "1.0.0")
    for call, theirs, missing in (
        (sam.get_record, jos.id, "no-such-record"),
        (sam.audit_trail, jos.id, "no-such-record"),
        (lambda rid: sam.transition(rid, "submitted", "sam"), jos.id, "no-such-record"),
        (lambda rid: sam.amend(rid, "sam"), jos.id, "no-such-record"),
        (lambda rid: sam.resolve_comment(rid, "c1", "sam"), jos.id, "no-such-record"),
        (lambda rid: sam.save_record(dataclasses.replace(record, id=rid), "sam"), jos.id, "no-such-record"),
        (sam.get_case, "C-JO", "C-NONE"),
        (lambda ref: sam.start_review(ref, "sam"), "C-JO", "C-NONE"),
        (lambda ref: sam.create_record(dataclasses.replace(record, case_ref=ref), "sam"), "C-JO", "C-NONE"),
        (lambda rid: login("kim").transition(rid, "approved", "kim"), southern.id, "no-such-record"),
    ):  # fmt: skip
        api_answer(call, theirs, missing)
    assert everything(sql) == before


def test_8_a_practitioner_corrects_no_colleagues_case_and_learns_nothing_of_it(
    login: Login, sql: Sql, team_server: TeamServer, team_database: str
) -> None:
    """jo, a practitioner of sam's own team, tries to correct sam's case (name, national identifier, start
    and due date, sentence) with psql, the Python API and `a4 case edit`: each answers exactly as for a
    case nobody holds, and nothing changes."""
    sam = login("sam")
    sams = sam.create_case(Case("C-SAM", "Alx Morgan", "2025-02-03", "sam", national_id="X1"), Deadlines())
    raw = sql("jo")
    before = everything(sql)
    for statement in (
        "UPDATE cases SET name = 'Jo was here' WHERE ref = %s",
        "UPDATE cases SET national_id = 'X2' WHERE ref = %s AND owner = 'sam'",
        "UPDATE cases SET start = '2025-01-06', initial_due = '2025-01-20' WHERE ref = %s",
        'UPDATE cases SET sentence = \'{"type": "licence"}\' WHERE ref = %s',
        "UPDATE cases SET owner = 'jo' WHERE ref = %s",
        "SELECT name, initial_working_days FROM cases WHERE ref = %s",
    ):
        answers = []
        for ref in ("C-SAM", "C-NONE"):
            done = raw.execute(statement, (ref,))
            answers.append(done.fetchall() if statement.startswith("SELECT") else done.rowcount)
        assert answers == [[], []] or answers == [0, 0], (statement, answers)

    jo = login("jo")
    corrected = dataclasses.replace(sams, name="Jo was here", national_id="X2", start="2025-01-06")
    for call in (
        lambda ref: jo.update_case(dataclasses.replace(corrected, ref=ref)),
        lambda ref: jo.update_case(dataclasses.replace(corrected, ref=ref), owner="sam"),
        lambda ref: jo.update_case(dataclasses.replace(corrected, ref=ref, owner="jo"), owner="sam"),
        lambda ref: jo.get_case(ref, owner="sam"),
        lambda ref: jo.case_deadlines(ref),
        lambda ref: jo.case_deadlines(ref, owner="sam"),
    ):
        said = []
        for ref in ("C-SAM", "C-NONE"):
            with pytest.raises(NotFoundError) as raised:
                call(ref)
            said.append(str(raised.value).replace(ref, "?"))
        assert said[0] == said[1] == "There is no case with reference ?."

    url = team_server.url(team_database, "jo")
    for ref in ("C-SAM", "C-NONE"):
        command = run_a4("--db", url, "case", "edit", ref, "--name", "Jo was here", "--owner", "sam")
        assert (command.returncode, command.stderr) == (1, f"a4: There is no case with reference {ref}.\n")
    assert everything(sql) == before


def test_8_a_case_handed_to_someone_with_the_same_reference_is_refused_and_the_manager_told(
    login: Login, sql: Sql, tmp_path: Path
) -> None:
    """The manager may know whose references are whose: the refusal names both, and nothing changes."""
    admin = login(ADMIN)
    case_with_record(admin, "C-1", "jo", status="submitted")
    sam = login("sam")
    sam.create_case(Case("C-1", "Sam's person", "2025-02-03", "sam"), shipped_form().deadlines)
    ours = sam.create_record(Record("", "C-1", "a4-assessment", "1.0.0"), "sam")
    sam.transition(ours.id, "submitted", "sam")
    before = everything(sql)
    with pytest.raises(DuplicateError, match="sam already holds a case with reference C-1"):
        admin.hand_over("C-1", "sam", ADMIN, from_owner="jo")  # the caseload row names the owner
    with pytest.raises(StoreError, match=r"2 cases have reference C-1 \(held by jo, sam\): choose"):
        admin.hand_over("C-1", "lee", ADMIN)  # the reference alone does not say which
    assert everything(sql) == before
    summaries = sorted((s.ref, s.owner) for s in login("kim").list_cases())  # QA of the team sees both
    assert summaries == [("C-1", "jo"), ("C-1", "sam")]
    approved = login("kim").transition(ours.id, "approved", "kim")  # the next review goes on sam's case only
    due = dict(sql(SUPERUSER).execute("SELECT owner, next_review FROM cases WHERE ref = 'C-1'").fetchall())
    assert due["sam"] != "" and due["jo"] == "" and approved.status == "approved"
    assert (admin.get_case("C-1").owner, sam.get_case("C-1").owner) == ("jo", "sam")  # own, else by owner
    assert [r.author for r in admin.records_for_case("C-1")] == ["jo"]
    refused(sql(ADMIN), "23505", "UPDATE cases SET owner = 'sam' WHERE owner = 'jo' AND ref = 'C-1'")
    with pytest.raises(StoreError, match="Two cases you can see have reference C-1 \\(held by jo and sam\\)"):
        admin.backup(tmp_path / "team.db")
    assert not list(tmp_path.iterdir())  # nothing half-written
    assert sam.backup(tmp_path / "sams.db").exists()  # sam sees one C-1: the copy is written
    jos_only = admin.create_case(Case("C-2", "Alex Morgan", "2025-02-03", "jo"), shipped_form().deadlines)
    moved = admin.hand_over(jos_only.ref, "sam", ADMIN, note="jo is leaving")
    assert moved.owner == "sam" and [h.new_owner for h in admin.handovers(case_ref="C-2")] == ["sam"]


# ---------------------------------------------------------------- the rest of the role table


def test_a_qa_assessor_grades_and_comments_on_their_teams_submissions_never_their_own(
    login: Login, sql: Sql
) -> None:
    admin = login(ADMIN)
    record = case_with_record(admin, "C-1", "sam", status="submitted")
    kim = login("kim")
    returned = kim.transition(
        record.id,
        "returned",
        "kim",
        comment="More on housing",
        grades=[Grade("analysis", "fair")],
        comments=[Comment("c1", "rosh", "Why?")],
    )
    assert [(g.criterion, g.by) for g in returned.grades] == [("analysis", "kim")]
    assert [(c.id, c.by) for c in returned.comments] == [("c1", "kim")]
    lee = login("lee")
    lee.create_case(Case("C-LEE", "Jordan Hughes", "2025-02-03", "lee"), shipped_form().deadlines)
    own = lee.create_record(Record("", "C-LEE", "a4-assessment", "1.0.0"), "lee")
    lee.transition(own.id, "submitted", "lee")
    before = everything(sql)
    refused(
        sql("lee"),
        ERR_OWN_APPROVAL,
        "INSERT INTO grades (record_id, criterion, level, by, at) VALUES (%s, 'a', 'good', 'lee', %s)",
        (own.id, NOW),
    )
    refused(
        sql("kim"),
        ERR_TRANSITION,
        "INSERT INTO grades (record_id, criterion, level, by, at) VALUES (%s, 'a', 'good', 'kim', %s)",
        (record.id, NOW),
    )  # returned: nothing to grade
    with pytest.raises(NotPermittedError):
        lee.transition(own.id, "returned", "lee", grades=[Grade("analysis", "good")])
    assert everything(sql) == before
    refused(sql("kim"), PRIVILEGE, "UPDATE comments SET resolved_by = 'kim'")
    with pytest.raises(NotPermittedError):
        kim.resolve_comment(record.id, "c1", "kim")
    resolved = login("sam").resolve_comment(record.id, "c1", "sam")
    assert resolved.comments[0].resolved_by == "sam"
    refused(sql("sam"), ERR_ROLE, "UPDATE comments SET resolved_by = 'sam', resolved_at = %s", (NOW,))


# ---------------------------------------------------------------- upgrading a version-1 team database


def test_a_version_1_database_upgrades_losing_nothing_and_sign_off_moves_out_of_payloads(
    team_server: TeamServer,
) -> None:
    """Built by the previous release's migration alone (as its `a4 db init` did), then upgraded."""
    from storage.postgres.schema import MIGRATIONS

    name = f"v1_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = team_server.server.url(name)
    signed = {
        "answers": {"rosh.level": "high"},
        "grades": [{"criterion": "analysis", "level": "good", "by": "kim", "on": NOW}],
        "signatures": [{"by": "kim", "on": NOW}],
    }
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("CREATE SCHEMA a4")
        conn.execute("CREATE TABLE a4.schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO a4.schema_version VALUES (1)")
        conn.execute(MIGRATIONS[0])
        conn.execute("INSERT INTO a4.staff VALUES ('sam', 'north')")
        conn.execute(
            "INSERT INTO a4.cases (ref, name, start, owner, initial_working_days, review_weeks, initial_due) "
            "VALUES ('C-1', 'Alex Morgan', '2025-02-03', 'sam', 10, 16, '2025-02-17')"
        )
        for rid, status in (("r-locked", "locked"), ("r-draft", "draft")):
            conn.execute(
                "INSERT INTO a4.records (id, case_ref, form_id, form_version, kind, status, author, "
                "version, created_at, updated_at, payload) "
                "VALUES (%s, 'C-1', 'gone', '1', 'assessment', %s, 'sam', 4, %s, %s, %s)",
                (rid, status, NOW, NOW, json.dumps(signed)),
            )
            conn.execute(
                "INSERT INTO a4.audit (record_id, kind, actor, at, field, old, new, reason) "
                "VALUES (%s, 'status', 'kim', %s, 'status', '\"submitted\"', %s, 'ok')",
                (rid, NOW, json.dumps(status)),
            )
        conn.execute(
            "INSERT INTO a4.definitions VALUES ('assessment', 'old', '1', 'risk_level = \"a.b\"', '')"
        )

    def rows(conn: psycopg.Connection[Any], table: str, columns: str) -> list[tuple[Any, ...]]:
        return conn.execute(f"SELECT {columns} FROM a4.{table} ORDER BY 1, 2").fetchall()

    kept = {
        "records": "id, case_ref, form_id, form_version, kind, status, author, version, created_at, "
        "updated_at, payload",
        "audit": "seq, record_id, kind, actor, at, field, old, new, reason",
        "cases": "ref, name, start, owner, form_id, initial_working_days, review_weeks, initial_due, "
        "next_review",
        "definitions": "kind, id, version, source",
    }
    with psycopg.connect(url, autocommit=True) as conn:
        before = {table: rows(conn, table, columns) for table, columns in kept.items()}
        report = initialise(conn)
        assert (report.found_version, report.version) == (1, len(MIGRATIONS))
        after = {table: rows(conn, table, columns) for table, columns in kept.items()}
        assert {t: r for t, r in after.items() if t != "definitions"} == {
            t: r for t, r in before.items() if t != "definitions"
        }
        assert set(before["definitions"]) <= set(after["definitions"])  # A4's own forms were added
        assert rows(conn, "grades", "record_id, criterion, level, by, at") == [
            ("r-draft", "analysis", "good", "kim", NOW),
            ("r-locked", "analysis", "good", "kim", NOW),
        ]
        assert rows(conn, "signatures", "record_id, by, at") == [
            ("r-draft", "kim", NOW),
            ("r-locked", "kim", NOW),
        ]
        assert conn.execute(
            "SELECT reason_paths, sha256 = encode(sha256(convert_to(source, 'UTF8')), 'hex') "
            "FROM a4.definitions WHERE id = 'old'"
        ).fetchone() == (["a.b"], True)
        owners = conn.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'a4'::regnamespace"
        ).fetchall()
        assert owners == [("a4_owner",)]
    with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_db_init_adds_a_teams_own_forms_so_records_may_name_them(team_server: TeamServer) -> None:
    from tests.cli_support import run_a4

    name = f"forms_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = team_server.server.url(name)
    forms = Path(__file__).parent / "fixtures" / "forms" / "valid"
    done = run_a4("--db", url, "--forms", str(forms), "db", "init")
    assert done.returncode == 0, done.stderr
    assert "added form definition mini 1.0.0 (assessment)" in done.stdout
    assert "added form definition a4-assessment 1.0.0 (assessment)" in done.stdout
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT reason_paths FROM a4.definitions WHERE id = 'mini'").fetchone()
        assert row == (["risk.level"],)
    with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_upgrading_to_references_per_owner_keeps_every_row_and_links_records_to_their_case(
    team_server: TeamServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database built by the migrations before case ids (as the previous release's `a4 db init` did)."""
    from storage.postgres import schema

    name = f"ids_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = team_server.server.url(name)
    earlier = schema.MIGRATIONS[: schema.MIGRATIONS.index(schema._CASE_IDS)]
    with monkeypatch.context() as patch, psycopg.connect(url, autocommit=True) as conn:
        patch.setattr(schema, "MIGRATIONS", earlier)
        patch.setattr(schema, "SCHEMA_VERSION", len(earlier))
        initialise(conn)
        conn.execute("INSERT INTO a4.staff VALUES ('sam', 'north'), ('jo', 'north'), ('kim', 'north')")
        for ref, owner in (("C-1", "sam"), ("C-2", "jo"), ("C-3", "sam")):
            conn.execute(
                "INSERT INTO a4.cases (ref, name, start, owner, initial_working_days, review_weeks, "
                "initial_due) VALUES (%s, 'Alex Morgan', '2025-02-03', %s, 10, 16, '2025-02-17')",
                (ref, owner),
            )
        conn.execute("SET a4.import_source = 'the previous release'")
        for rid, ref, status in (("r1", "C-1", "locked"), ("r2", "C-1", "submitted"), ("r3", "C-2", "draft")):
            conn.execute(
                "INSERT INTO a4.records (id, case_ref, form_id, form_version, kind, status, author, version, "
                "created_at, updated_at, payload) SELECT %s, %s, 'a4-assessment', '1.0.0', 'assessment', %s, "
                "owner, 3, %s, %s, %s FROM a4.cases WHERE ref = %s",
                (rid, ref, status, NOW, NOW, json.dumps({"answers": {"rosh.level": "high"}}), ref),
            )
        conn.execute("RESET a4.import_source")
        conn.execute(
            "INSERT INTO a4.grades (record_id, criterion, level, by, at) VALUES ('r2', 'a', 'good', 'x', %s)",
            (NOW,),
        )
        conn.execute(
            "UPDATE a4.cases SET owner = 'jo' WHERE ref = 'C-3'"
        )  # a handover, written by the database

    tables = {
        "cases": "ref, name, start, owner, form_id, initial_working_days, review_weeks, initial_due, "
        "next_review, sentence, national_id",
        "records": "seq, id, case_ref, form_id, form_version, kind, status, author, version, created_at, "
        "updated_at, reviews, amends, payload",
        "audit": "seq, record_id, kind, actor, at, field, old, new, reason, imported_from",
        "handovers": "seq, case_ref, old_owner, new_owner, by, at, note",
        "grades": "seq, record_id, criterion, level, by, at",
    }

    def rows(conn: psycopg.Connection[Any]) -> dict[str, list[tuple[Any, ...]]]:
        return {
            t: conn.execute(f"SELECT {c} FROM a4.{t} ORDER BY 1, 2").fetchall() for t, c in tables.items()
        }

    with psycopg.connect(url, autocommit=True) as conn:
        before = rows(conn)
        assert [len(before[t]) for t in tables] == [3, 3, 3, 1, 1]
        report = initialise(conn)
        assert (report.found_version, report.version) == (len(earlier), len(schema.MIGRATIONS))
        assert rows(conn) == before  # every row and value kept
        linked = conn.execute(
            "SELECT r.id, c.ref FROM a4.records AS r JOIN a4.cases AS c ON c.id = r.case_id ORDER BY 1"
        ).fetchall()
        assert linked == [("r1", "C-1"), ("r2", "C-1"), ("r3", "C-2")]
        assert conn.execute(
            "SELECT h.case_ref, c.ref FROM a4.handovers AS h JOIN a4.cases AS c ON c.id = h.case_id"
        ).fetchall() == [("C-3", "C-3")]
        assert len({i for (i,) in conn.execute("SELECT id FROM a4.cases")}) == 3
    with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


# ---------------------------------------------------------------- reasons for submitting past a check


def test_an_acknowledgement_of_a_reason_is_a_qa_assessors_own_word_even_in_raw_sql(
    login: Login, sql: Sql
) -> None:
    """The author cannot mark their own reason read; nobody writes it in another's name or changes one."""
    admin = login(ADMIN)
    record = case_with_record(admin, "C-ACK", "sam")
    reason = {"key": "k|kind|rosh.level|Level missing", "message": "Level missing", "path": "rosh.level",
              "reason": "The level is agreed at the meeting on Friday", "by": "sam", "on": NOW}  # fmt: skip
    sql("sam").execute(
        "UPDATE records SET payload = jsonb_set(payload, '{overrides}', %s::jsonb) WHERE id = %s",
        (json.dumps([reason]), record.id),
    )
    login("sam").transition(record.id, "submitted", "sam")
    read = {**reason, "acknowledged_by": "kim", "acknowledged_on": NOW}
    forge = "UPDATE records SET payload = jsonb_set(payload, '{overrides}', %s::jsonb) WHERE id = %s"
    before = everything(sql)
    refused(sql("sam"), ERR_OWN_APPROVAL, forge, (json.dumps([read]), record.id))  # the author, in kim's name
    refused(
        sql("sam"), ERR_OWN_APPROVAL, forge, (json.dumps([{**read, "acknowledged_by": "sam"}]), record.id)
    )
    refused(
        sql("kim"), ERR_OWN_APPROVAL, forge, (json.dumps([{**read, "acknowledged_by": "lee"}]), record.id)
    )
    assert everything(sql) == before
    sql("kim").execute(forge, (json.dumps([read]), record.id))  # kim, in her own name: the rule's one way
    stored = sql(SUPERUSER).execute("SELECT payload->'overrides' FROM records WHERE id = %s", (record.id,))
    assert stored.fetchone()[0][0]["acknowledged_by"] == "kim"
    before = everything(sql)
    refused(
        sql("kim"),
        ERR_OWN_APPROVAL,
        forge,
        (json.dumps([{**read, "acknowledged_on": "2026-01-01"}]), record.id),
    )
    assert everything(sql) == before


# ---------------------------------------------------------------- an administrator's sign-off is their own


def test_an_administrator_signs_off_only_in_their_own_name_and_never_their_own_record(
    login: Login, sql: Sql
) -> None:
    """`a4.act_as` is heard from no administrator: it let one approve their own record as kim, or sign
    as her."""
    admin = login(ADMIN)
    own = case_with_record(admin, "C-OWN", ADMIN, status="submitted")
    sams = case_with_record(admin, "C-SAM", "sam", status="submitted")
    approve = "UPDATE records SET status = 'approved' WHERE id = %s"
    before = everything(sql)
    with pytest.raises(psycopg.Error) as raised, sql(ADMIN).transaction():
        sql(ADMIN).execute("SELECT set_config('a4.act_as', 'kim', true)")
        sql(ADMIN).execute(approve, (own.id,))
    assert raised.value.sqlstate == ERR_OWN_APPROVAL
    with pytest.raises(psycopg.Error) as raised, sql(ADMIN).transaction():  # posing as the author: a reason
        sql(ADMIN).execute("SELECT set_config('a4.act_as', 'sam', true)")
        sql(ADMIN).execute(
            "UPDATE records SET payload = jsonb_set(payload, '{answers,rosh.level}', '\"very_high\"') "
            "WHERE id = %s",
            (sams.id,),
        )
    assert raised.value.sqlstate == ERR_REASON
    with pytest.raises(NotPermittedError):
        admin.transition(own.id, "approved", "kim")  # the API, naming kim: the same refusal
    assert everything(sql) == before
    raw = sql(ADMIN)
    with raw.transaction():
        raw.execute("SELECT set_config('a4.act_as', 'kim', true)")
        raw.execute(approve, (sams.id,))  # any record but their own: signed in the administrator's name
    signed = admin.get_record(sams.id)
    assert [s.by for s in signed.signatures] == [ADMIN]
    assert (admin.audit_trail(sams.id)[-1].actor, admin.audit_trail(sams.id)[-1].new) == (ADMIN, "approved")
    locked = admin.transition(sams.id, "locked", "kim")  # through the API, naming kim: still the admin's
    assert [s.by for s in locked.signatures] == [ADMIN]
    assert admin.audit_trail(sams.id)[-1].actor == ADMIN


def test_an_administrator_never_imports_their_own_record_as_approved_under_another_name(
    login: Login, sql: Sql
) -> None:
    """`a4 import` acts as the config file's `user`; the database hears only the login."""
    registry, _ = load_registry([])
    mine = crafted_file().replace('"jo"', f'"{ADMIN}"')
    incoming = parse_export(mine, "/tmp/mine.json", registry)
    assert incoming.record.author == ADMIN and incoming.record.status == "locked"
    admin = login(ADMIN)
    before = everything(sql)
    with pytest.raises((ImportProblem, StoreError)):
        import_incoming(admin, incoming, actor="kim.qa")
    assert everything(sql) == before
    crafted = parse_export(crafted_file(), "/tmp/crafted.json", registry)
    theirs = import_incoming(admin, crafted, actor="kim.qa")
    assert [(e.kind, e.actor) for e in admin.audit_trail(theirs.id)][:1] == [("imported", ADMIN)]


def test_an_import_over_a_record_never_makes_it_the_importers_own_as_approved_nor_moves_it_back(
    login: Login, sql: Sql
) -> None:
    admin = login(ADMIN)
    own = case_with_record(admin, "C-OWN", ADMIN)
    sams = case_with_record(admin, "C-SAM", "sam", status="submitted")
    login("kim").transition(sams.id, "approved", "kim")
    raw = sql(ADMIN)
    step = "UPDATE records SET status = %s WHERE id = %s"
    before = everything(sql)
    for state, status, record_id in (
        (ERR_OWN_APPROVAL, "locked", own.id),  # their own draft, "imported" as locked in place
        (ERR_TRANSITION, "draft", sams.id),  # an approved record moved back to a draft by an "import"
    ):
        with pytest.raises(psycopg.Error) as raised, raw.transaction():
            raw.execute("SELECT set_config('a4.import_source', 'x.json', true)")
            raw.execute(step, (status, record_id))
        assert raised.value.sqlstate == state, raised.value
    assert everything(sql) == before


# ---------------------------------------------------------------- reasons for submitting past a check, held


def _reason(text: str, by: str = "sam") -> dict[str, str]:
    return {"key": "k|kind|rosh.level|Level missing", "message": "Level missing", "path": "rosh.level",
            "reason": text, "by": by, "on": NOW}  # fmt: skip


SET_REASONS = "UPDATE records SET payload = jsonb_set(payload, '{overrides}', %s::jsonb) WHERE id = %s"


def test_a_reason_for_submitting_past_a_check_is_the_authors_in_three_words(login: Login, sql: Sql) -> None:
    admin = login(ADMIN)
    record = case_with_record(admin, "C-R", "sam")
    raw, sam = sql("sam"), login("sam")
    submit = "UPDATE records SET status = 'submitted' WHERE id = %s"
    for given in (_reason("ok"), _reason("Agreed with kim", by="kim")):
        raw.execute(SET_REASONS, (json.dumps([given]), record.id))
        before = everything(sql)
        refused(raw, ERR_REASONS, submit, (record.id,))
        with pytest.raises(NotPermittedError, match="3 words or more"):
            sam.transition(record.id, "submitted", "sam")
        assert everything(sql) == before
    raw.execute(SET_REASONS, (json.dumps([_reason("Agreed with kim on Friday")]), record.id))
    raw.execute(submit, (record.id,))
    assert admin.get_record(record.id).status == "submitted"


def test_reasons_stay_as_submitted_and_nobody_countersigns_past_one_unread(login: Login, sql: Sql) -> None:
    admin = login(ADMIN)
    record = case_with_record(admin, "C-R", "sam")
    given = _reason("Agreed with kim on Friday")
    sql("sam").execute(SET_REASONS, (json.dumps([given]), record.id))
    login("sam").transition(record.id, "submitted", "sam")
    before = everything(sql)
    for who, changed in (
        ("sam", []),  # the reason taken away once QA may read it
        ("sam", [{**given, "reason": "Something else entirely now"}]),
        ("kim", [{**given, "message": "Nothing missing"}]),
    ):
        refused(sql(who), ERR_REASONS, SET_REASONS, (json.dumps(changed), record.id))
    stored = login("sam").get_record(record.id)
    with pytest.raises(NotPermittedError, match="stay as they were submitted"):
        login("sam").save_record(dataclasses.replace(stored, overrides=[]), "sam")
    approve = "UPDATE records SET status = 'approved' WHERE id = %s"
    refused(sql("kim"), ERR_REASONS, approve, (record.id,))  # unread: no countersignature
    with pytest.raises(NotPermittedError, match="waits to be acknowledged"):
        login("kim").transition(record.id, "approved", "kim")
    with pytest.raises(NotPermittedError, match="waits to be acknowledged"):
        login("kim").approve_and_lock(record.id, "kim")
    assert everything(sql) == before
    read = {**given, "acknowledged_by": "kim", "acknowledged_on": NOW}
    sql("kim").execute(SET_REASONS, (json.dumps([read]), record.id))  # acknowledging is the one change
    sql("kim").execute(approve, (record.id,))
    assert [s.by for s in admin.get_record(record.id).signatures] == ["kim"]


def test_upgrading_to_sign_off_in_ones_own_name_and_checked_due_dates_keeps_every_row(
    team_server: TeamServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The previous release's database, with a record submitted past a check, upgrades untouched; then the
    reason waits to be acknowledged before anyone countersigns."""
    from storage.postgres import schema

    name = f"own_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = team_server.server.url(name)
    earlier = schema.MIGRATIONS[: schema.MIGRATIONS.index(schema._OWN_NAME)]
    with monkeypatch.context() as patch, psycopg.connect(url, autocommit=True) as conn:
        patch.setattr(schema, "MIGRATIONS", earlier)
        patch.setattr(schema, "SCHEMA_VERSION", len(earlier))
        initialise(conn)
        conn.execute("INSERT INTO a4.staff VALUES ('sam', 'north'), ('kim', 'north')")
        conn.execute(
            "INSERT INTO a4.cases (ref, name, start, owner, initial_working_days, review_weeks, initial_due) "
            "VALUES ('C-1', 'Alex Morgan', '2025-02-03', 'sam', 10, 16, '2025-02-17')"
        )
        conn.execute("SET a4.import_source = 'the previous release'")
        conn.execute(
            "INSERT INTO a4.records (id, case_ref, form_id, form_version, kind, status, author, version, "
            "created_at, updated_at, payload) VALUES ('r1', 'C-1', 'a4-assessment', '1.0.0', 'assessment', "
            "'submitted', 'sam', 2, %s, %s, %s)",
            (NOW, NOW, json.dumps({"overrides": [_reason("Agreed with kim on Friday")]})),
        )
        conn.execute("RESET a4.import_source")
    tables = ("cases", "records", "audit", "grades", "signatures", "definitions")
    with psycopg.connect(url, autocommit=True) as conn:
        before = {t: conn.execute(f"SELECT * FROM a4.{t} ORDER BY 1").fetchall() for t in tables}
        report = initialise(conn)
        assert (report.found_version, report.version) == (len(earlier), len(schema.MIGRATIONS))
        assert {t: conn.execute(f"SELECT * FROM a4.{t} ORDER BY 1").fetchall() for t in tables} == before
        conn.execute("SET a4.act_as = 'kim'")
        refused(conn, ERR_REASONS, "UPDATE a4.records SET status = 'approved' WHERE id = 'r1'")
        refused(conn, ERR_SET_BY_DATABASE, "UPDATE a4.cases SET initial_due = '2099-01-01'")  # _DUE_DATES
    with psycopg.connect(team_server.server.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_what_the_docs_say_the_database_does_not_hold_it_does_not(login: Login, sql: Sql) -> None:
    """docs/team.md, "What the database does not hold": each limit as stated, so closing one fails here
    until the docs change; and the walls the docs say still stand around it."""
    text = (Path(__file__).parent.parent / "docs" / "team.md").read_text(encoding="utf-8")
    assert "### What the database does not hold" in text
    admin = login(ADMIN)
    record = case_with_record(admin, "C-1", "sam")
    sql("sam").execute(  # a high level: the shipped rubric asks for two countersignatures
        "UPDATE records SET payload = jsonb_set(payload, '{answers,rosh.level}', '\"very_high\"') "
        "WHERE id = %s",
        (record.id,),
    )
    sql("sam").execute("UPDATE records SET status = 'submitted' WHERE id = %s", (record.id,))  # no reasons
    raw = sql("kim")
    raw.execute("UPDATE records SET status = 'approved' WHERE id = %s", (record.id,))  # nothing graded
    raw.execute("UPDATE records SET status = 'locked' WHERE id = %s", (record.id,))  # alone
    locked = admin.get_record(record.id)
    assert (locked.status, locked.grades, [s.by for s in locked.signatures]) == ("locked", [], ["kim"])
    steps = [(e.actor, e.new) for e in admin.audit_trail(record.id) if e.kind == "status"]
    assert steps == [("sam", "submitted"), ("kim", "approved"), ("kim", "locked")]  # each under its login
    lees = case_with_record(admin, "C-2", "lee")
    sql("lee").execute("UPDATE records SET status = 'submitted' WHERE id = %s", (lees.id,))
    refused(sql("lee"), ERR_OWN_APPROVAL, "UPDATE records SET status = 'approved' WHERE id = %s", (lees.id,))
    alis = case_with_record(admin, "C-3", "ali", status="submitted")
    assert raw.execute("UPDATE records SET status = 'approved' WHERE id = %s", (alis.id,)).rowcount == 0


def test_5_links_and_sign_off_times_are_the_databases_to_check(login: Login, sql: Sql) -> None:
    """docs/team.md: a link points at a countersigned record of the same case; sign-off and comment
    times never lie in the future (A4005), whoever writes them."""
    admin = login(ADMIN)
    open_one = case_with_record(admin, "C-1", "sam", status="submitted")
    other_case = case_with_record(admin, "C-2", "sam", status="submitted")
    for to in ("approved", "locked"):
        login("kim").transition(other_case.id, to, "kim")  # countersigned, but of another case
    raw = sql("sam")
    insert = (
        "INSERT INTO records (id, case_ref, form_id, form_version, kind, status, author, version, "
        "created_at, updated_at, {link}, payload) VALUES ('r', 'C-1', 'a4-assessment', '1.0.0', 'review', "
        "'draft', 'sam', 1, %s, %s, %s, '{{}}')"
    )
    login("kim").transition(open_one.id, "returned", "kim", comments=[Comment("c1", "rosh", "Why?")])
    before = everything(sql)
    for link, target in (("amends", open_one.id), ("reviews", open_one.id), ("amends", other_case.id)):
        refused(raw, ERR_SET_BY_DATABASE, insert.format(link=link), (NOW, NOW, target))
    refused(
        raw,
        ERR_SET_BY_DATABASE,
        "UPDATE comments SET resolved_by = 'sam', resolved_at = %s WHERE record_id = %s",
        ("2999-01-01T00:00:00+00:00", open_one.id),
    )
    assert everything(sql) == before
    login("sam").transition(open_one.id, "submitted", "sam")
    before = everything(sql)
    refused(
        sql("kim"),
        ERR_SET_BY_DATABASE,
        "INSERT INTO grades (record_id, criterion, level, by, at) VALUES (%s, 'a', 'good', 'kim', %s)",
        (open_one.id, "2999-01-01T00:00:00+00:00"),
    )
    assert everything(sql) == before


def test_5_through_the_api_too_the_workflow_has_no_other_path_and_the_database_sets_what_it_sets(
    login: Login, sql: Sql
) -> None:
    """Finding 5 through the Python API: a script's save or step meets the same walls as psql."""
    admin = login(ADMIN)
    record = case_with_record(admin, "C-1", "sam")
    sam = login("sam")
    before = everything(sql)
    for to in ("returned", "approved", "locked"):  # no step of the workflow from a draft
        with pytest.raises(InvalidTransitionError):
            sam.transition(record.id, to, "sam")
    assert everything(sql) == before
    forged = dataclasses.replace(
        sam.get_record(record.id),
        author="jo",
        version=record.version + 1000,
        created_at="2020-01-01T00:00:00",
    )
    with pytest.raises(StoreError):  # a version the store does not hold is a stale save, refused
        sam.save_record(forged, "sam")
    assert everything(sql) == before
    saved = sam.save_record(dataclasses.replace(forged, version=record.version), "sam")
    assert (saved.author, saved.version, saved.created_at) == ("sam", record.version + 1, record.created_at)
    submitted = sam.transition(record.id, "submitted", "sam")
    kim = login("kim")
    kim.transition(record.id, "approved", "kim")
    assert [(e.actor, e.new) for e in admin.audit_trail(record.id) if e.kind == "status"] == [
        ("sam", "submitted"),
        ("kim", "approved"),
    ]
    before = everything(sql)
    with pytest.raises(InvalidTransitionError):  # approved → returned is no step of the workflow
        kim.transition(submitted.id, "returned", "kim")
    assert everything(sql) == before


def test_5_an_administrator_does_not_rewrite_due_dates_either(login: Login, sql: Sql) -> None:
    """Only an import brings a case's dates from a file; any other write is checked, the administrator's
    too."""
    admin = login(ADMIN)
    case_with_record(admin, "C-1", "sam")
    raw = sql(ADMIN)
    before = everything(sql)
    for statement in (
        "UPDATE cases SET initial_due = '2099-01-01' WHERE ref = 'C-1'",
        "UPDATE cases SET next_review = '2099-01-01' WHERE ref = 'C-1'",
        "UPDATE cases SET review_weeks = 104 WHERE ref = 'C-1'",
    ):
        refused(raw, ERR_SET_BY_DATABASE, statement)
    assert everything(sql) == before
    with raw.transaction():  # an import brings its file's dates, which no rule here would give
        raw.execute("SELECT set_config('a4.import_source', 'old.json', true)")
        raw.execute("UPDATE cases SET initial_due = '2025-06-30' WHERE ref = 'C-1'")
    case = admin.get_case("C-1")
    assert case.initial_due == "2025-06-30"
    moved = admin.hand_over(case.ref, "jo", ADMIN, from_owner=case.owner)  # dates left alone: taken
    assert (moved.owner, moved.initial_due) == ("jo", "2025-06-30")

"""Roles enforced by PostgreSQL itself: each test logs in as a team member and proves a refusal.

Each refusal is shown twice where it matters: through A4's store (the
message a person sees) and through raw SQL on the same login (what a
script or psql meets, with A4 out of the way).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from forms.model import Case, Deadlines, Record
from storage.postgres.schema import ERR_APPEND_ONLY, ERR_IMPERSONATION, ERR_LOCKED, ERR_OWN_APPROVAL
from storage.postgres.store import NotPermittedError, PostgresStore
from storage.store import LockedRecordError, NotFoundError
from tests.pg_server import ADMIN, SUPERUSER

Login = Callable[[str], PostgresStore]


def case_with_record(store: PostgresStore, ref: str, owner: str, *, status: str = "draft") -> Record:
    """A case of `owner`, added by the administrator, with a record walked to `status` (kim countersigns)."""
    store.create_case(Case(ref=ref, name="Alex Morgan", start="2025-02-03", owner=owner), Deadlines())
    record = store.create_record(
        Record(id="", case_ref=ref, form_id="a4-assessment", form_version="1.0.0", author=owner,
               answers={"rosh.level": "medium", "offence.what_happened": f"{owner}'s words"}),
        owner,
    )  # fmt: skip
    steps = {"draft": [], "submitted": ["submitted"], "locked": ["submitted", "approved", "locked"]}[status]
    for to in steps:
        record = store.transition(record.id, to, owner if to == "submitted" else "kim")
    return record


def sqlstate(raised: pytest.ExceptionInfo[psycopg.Error]) -> str | None:
    return raised.value.sqlstate


# ---------------------------------------------------------------- practitioners see only their own cases


def test_a_practitioner_cannot_read_another_practitioners_case(login: Login, sql: Any) -> None:
    admin = login(ADMIN)
    jos = case_with_record(admin, "C-JO", "jo")
    case_with_record(admin, "C-SAM", "sam")
    sam = login("sam")
    assert [s.ref for s in sam.list_cases()] == ["C-SAM"]
    with pytest.raises(NotFoundError, match="C-JO"):
        sam.get_case("C-JO")
    with pytest.raises(NotFoundError):
        sam.get_record(jos.id)
    raw = sql("sam")
    assert raw.execute("SELECT count(*) FROM cases WHERE owner = 'jo'").fetchone()[0] == 0
    assert raw.execute("SELECT count(*) FROM records WHERE id = %s", (jos.id,)).fetchone()[0] == 0
    assert raw.execute("SELECT count(*) FROM audit WHERE record_id = %s", (jos.id,)).fetchone()[0] == 0
    changed = raw.execute("UPDATE records SET payload = '{}' WHERE id = %s", (jos.id,))
    assert changed.rowcount == 0
    assert admin.get_record(jos.id).answers["offence.what_happened"] == "jo's words"


def test_a_practitioner_adds_cases_and_records_only_in_their_own_name(login: Login, sql: Any) -> None:
    sam = login("sam")
    case = sam.create_case(Case(ref="C-1", name="Alex Morgan", start="2025-02-03", owner="jo"), Deadlines())
    assert case.owner == "sam"
    record = sam.create_record(Record(id="", case_ref="C-1", form_id="f", form_version="1"), "kim")
    assert record.author == "sam"
    assert [e.actor for e in sam.audit_trail(record.id)] == ["sam"]
    raw = sql("sam")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        raw.execute(
            "INSERT INTO cases (ref, name, start, owner, initial_working_days, review_weeks, initial_due) "
            "VALUES ('C-2', 'Sam Patel', '2025-02-03', 'jo', 10, 16, '2025-02-17')"
        )
    with pytest.raises(psycopg.Error) as raised:
        raw.execute(
            "INSERT INTO audit (record_id, kind, actor, at) VALUES (%s, 'status', 'kim', 'now')", (record.id,)
        )
    assert sqlstate(raised) == "42501"  # nobody writes audit entries: the database does
    with pytest.raises(psycopg.Error) as raised:
        raw.execute(
            "INSERT INTO records (id, case_ref, form_id, form_version, kind, status, author, version, "
            "created_at, updated_at, payload) VALUES ('x', 'C-1', 'f', '1', 'assessment', 'draft', 'jo', 1, "
            "'2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00', '{}')"
        )
    assert sqlstate(raised) == ERR_IMPERSONATION


def test_a_practitioner_cannot_hand_their_case_to_someone_else(login: Login) -> None:
    sam = login("sam")
    case = sam.create_case(Case(ref="C-1", name="Alex Morgan", start="2025-02-03", owner="sam"), Deadlines())
    case.owner = "jo"
    with pytest.raises(NotPermittedError, match="sam may not"):
        sam.update_case(case)
    assert login(ADMIN).get_case("C-1").owner == "sam"


# ---------------------------------------------------------------- QA assessors see their team's submissions


def test_a_qa_assessor_sees_submitted_records_of_their_team_only(login: Login) -> None:
    admin = login(ADMIN)
    submitted = case_with_record(admin, "C-SUB", "sam", status="submitted")
    draft = case_with_record(admin, "C-DRAFT", "sam")
    other_team = case_with_record(admin, "C-SOUTH", "ali", status="submitted")
    kim = login("kim")
    assert kim.get_record(submitted.id).answers["offence.what_happened"] == "sam's words"
    with pytest.raises(NotFoundError):
        kim.get_record(draft.id)
    with pytest.raises(NotFoundError):
        kim.get_record(other_team.id)
    assert {s.ref for s in kim.list_cases()} == {"C-SUB", "C-DRAFT"}
    assert kim.latest_record("C-DRAFT") is None
    assert [r.id for r in kim.list_records()] == [submitted.id]
    assert [s.ref for s in login("max").list_cases()] == ["C-SOUTH"]


def test_a_qa_assessor_returns_and_countersigns_but_writes_no_assessments(login: Login) -> None:
    admin = login(ADMIN)
    first = case_with_record(admin, "C-1", "sam", status="submitted")
    second = case_with_record(admin, "C-2", "sam", status="submitted")
    kim = login("kim")
    assert kim.transition(first.id, "returned", "kim", comment="Add evidence").status == "returned"
    assert kim.approve_and_lock(second.id, "kim").status == "locked"
    assert admin.get_case("C-2").next_review
    with pytest.raises(NotPermittedError):
        kim.create_case(Case(ref="C-3", name="Sam Patel", start="2025-02-03", owner="kim"), Deadlines())


def test_a_practitioner_cannot_change_a_record_once_approved(login: Login) -> None:
    admin = login(ADMIN)
    record = case_with_record(admin, "C-1", "sam", status="submitted")
    admin.transition(record.id, "approved", "kim")
    sam = login("sam")
    approved = sam.get_record(record.id)  # still readable: it is sam's case
    approved.answers["offence.what_happened"] = "Rewritten after countersigning."
    with pytest.raises(NotPermittedError, match="approved"):
        sam.save_record(approved, "sam")
    assert admin.get_record(record.id).answers["offence.what_happened"] == "sam's words"


# ---------------------------------------------------------------- nobody rewrites a locked record


@pytest.mark.parametrize("who", [ADMIN, "kim", "sam", SUPERUSER])
def test_nobody_updates_a_locked_record(login: Login, sql: Any, who: str) -> None:
    locked = case_with_record(login(ADMIN), "C-1", "sam", status="locked")
    raw = sql(who)
    try:
        raw.execute("UPDATE records SET payload = '{}', status = 'draft' WHERE id = %s", (locked.id,))
    except psycopg.Error as refused:
        assert refused.sqlstate in {ERR_LOCKED, "42501"}
    else:  # a practitioner's or QA assessor's policy hides a locked row from UPDATE altogether
        assert who in {"sam", "kim"}
    if who != SUPERUSER:
        store = login(who)
        with pytest.raises(LockedRecordError, match="amend it instead"):
            store.save_record(store.get_record(locked.id), who)
    assert login(ADMIN).get_record(locked.id) == locked


def test_the_lock_holds_even_for_the_superuser(login: Login, sql: Any) -> None:
    locked = case_with_record(login(ADMIN), "C-1", "sam", status="locked")
    with pytest.raises(psycopg.Error) as raised:
        sql(SUPERUSER).execute("UPDATE records SET payload = '{}' WHERE id = %s", (locked.id,))
    assert sqlstate(raised) == ERR_LOCKED


# ---------------------------------------------------------------- nobody deletes or changes an audit entry


@pytest.mark.parametrize("who", [ADMIN, "kim", "sam"])
@pytest.mark.parametrize("statement", ["DELETE FROM audit", "UPDATE audit SET actor = 'x'", "TRUNCATE audit"])
def test_no_role_may_delete_or_change_audit_entries(login: Login, sql: Any, who: str, statement: str) -> None:
    record = case_with_record(login(ADMIN), "C-1", "sam", status="submitted")
    before = login(ADMIN).audit_trail(record.id)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
        sql(who).execute(statement)
    assert login(ADMIN).audit_trail(record.id) == before


def test_even_the_owner_of_the_tables_cannot_delete_audit_entries(login: Login, sql: Any) -> None:
    record = case_with_record(login(ADMIN), "C-1", "sam", status="submitted")
    raw = sql(SUPERUSER)
    for statement in ("DELETE FROM audit", "UPDATE audit SET reason = 'x'", "TRUNCATE audit CASCADE"):
        with pytest.raises(psycopg.Error) as raised:
            raw.execute(statement)
        assert sqlstate(raised) == ERR_APPEND_ONLY
    with pytest.raises(psycopg.Error) as raised:
        raw.execute("DELETE FROM records WHERE id = %s", (record.id,))
    assert sqlstate(raised) == ERR_APPEND_ONLY
    assert len(login(ADMIN).audit_trail(record.id)) == 2


# ---------------------------------------------------------------- nobody approves their own record


def test_nobody_approves_their_own_record(login: Login, sql: Any) -> None:
    lee = login("lee")  # a practitioner who is also a QA assessor
    lee.create_case(Case(ref="C-LEE", name="Jordan Hughes", start="2025-02-03", owner="lee"), Deadlines())
    own = lee.create_record(Record(id="", case_ref="C-LEE", form_id="f", form_version="1"), "lee")
    lee.transition(own.id, "submitted", "lee")
    with pytest.raises(NotPermittedError, match="own record"):
        lee.transition(own.id, "approved", "lee")
    with pytest.raises(NotPermittedError, match="own record"):
        lee.approve_and_lock(own.id, "kim")  # naming someone else changes nothing: lee is connected
    with pytest.raises(psycopg.Error) as raised:
        sql("lee").execute("UPDATE records SET status = 'approved' WHERE id = %s", (own.id,))
    assert sqlstate(raised) == ERR_OWN_APPROVAL
    assert lee.get_record(own.id).status == "submitted"
    assert login("kim").transition(own.id, "approved", "kim").status == "approved"


def test_a_practitioner_cannot_approve_at_all(login: Login) -> None:
    sam = login("sam")
    record = case_with_record(login(ADMIN), "C-1", "sam", status="submitted")
    with pytest.raises(NotPermittedError):
        sam.transition(record.id, "approved", "sam")
    assert sam.get_record(record.id).status == "submitted"

"""The PostgreSQL schema for team mode: roles, tables, row-level security, as numbered migrations.

The same discipline as the SQLite file: `a4.schema_version` holds how many
migrations the database has had, each migration runs inside one
transaction, released migrations are never edited, and a database newer
than this code is refused untouched.  Unlike the embedded file, a team
database is upgraded only by `a4 db init` (run by an administrator),
never silently by whichever practitioner opens it first: practitioners'
logins hold no right to change the schema.

Roles are enforced by the database itself, so a login that bypasses A4
(psql, a script) meets the same walls:

- `a4_practitioner` sees and changes only the cases it owns and their
  records, and only while a record is a draft, submitted or returned;
- `a4_qa_assessor` sees its team's cases and every record of them that has
  left draft, and may return, approve or lock them;
- `a4_admin` sees everything (imports, reassigning cases, upgrades);
- nobody rewrites a locked record, deletes a record, changes or deletes an
  audit entry, or approves (or locks) a record they wrote or own;
- a login that is not an administrator writes audit entries and records
  only in its own name.

Teams come from the `a4.staff` table (login → team), which only
administrators change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SCHEMA = "a4"
GROUP_ROLES: dict[str, str] = {
    "a4_practitioner": "writes assessments for their own cases",
    "a4_qa_assessor": "reviews, returns and countersigns their team's submitted records",
    "a4_admin": "sees every case, imports, reassigns cases, upgrades the schema",
}
"""The group roles (NOLOGIN) a person's login is made a member of; `a4 db init` creates them."""

ERR_LOCKED = "A4001"
ERR_APPEND_ONLY = "A4002"
ERR_OWN_APPROVAL = "A4003"
ERR_IMPERSONATION = "A4004"
"""SQLSTATEs the triggers raise, so the engine can turn each into its own message."""

_V1 = """
CREATE TABLE a4.staff (
    login TEXT PRIMARY KEY,
    team TEXT NOT NULL
);

CREATE TABLE a4.cases (
    ref TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    start TEXT NOT NULL,
    owner TEXT NOT NULL,
    form_id TEXT NOT NULL DEFAULT '',
    initial_working_days INTEGER NOT NULL,
    review_weeks INTEGER NOT NULL,
    initial_due TEXT NOT NULL,
    next_review TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cases_owner ON a4.cases (owner);
CREATE INDEX cases_due ON a4.cases ((CASE WHEN next_review <> '' THEN next_review ELSE initial_due END), ref);

CREATE TABLE a4.records (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    case_ref TEXT NOT NULL REFERENCES a4.cases (ref),
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    author TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    reviews TEXT REFERENCES a4.records (id),
    amends TEXT REFERENCES a4.records (id),
    words INTEGER NOT NULL DEFAULT 0,
    active_seconds INTEGER NOT NULL DEFAULT 0,
    payload JSONB NOT NULL
);
-- The caseload reads each case's latest record from this index alone.
CREATE INDEX records_listing ON a4.records (case_ref, seq DESC) INCLUDE (status, words, active_seconds);

CREATE TABLE a4.audit (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES a4.records (id),
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    old JSONB,
    new JSONB,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_record ON a4.audit (record_id, seq);

-- A copy of every form definition a record was written against; kept for good.
CREATE TABLE a4.definitions (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    source TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (kind, id, version)
);

-- Who may do what.  SECURITY DEFINER is not needed: a4.staff has no row-level security.
CREATE FUNCTION a4.is_admin() RETURNS boolean LANGUAGE sql STABLE
AS $$ SELECT pg_has_role(current_user, 'a4_admin', 'MEMBER') $$;

CREATE FUNCTION a4.in_my_team(other TEXT) RETURNS boolean LANGUAGE sql STABLE
AS $$ SELECT EXISTS (
    SELECT 1 FROM a4.staff AS me JOIN a4.staff AS them ON me.team = them.team
    WHERE me.login = current_user AND them.login = other) $$;

-- Never changed, never deleted: the audit trail and the records themselves.
CREATE FUNCTION a4.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% cannot be changed or deleted (%)', TG_ARGV[0], TG_OP USING ERRCODE = 'A4002';
END $$;
CREATE TRIGGER audit_is_append_only BEFORE UPDATE OR DELETE ON a4.audit
    FOR EACH ROW EXECUTE FUNCTION a4.refuse_change('the audit trail');
CREATE TRIGGER audit_is_never_emptied BEFORE TRUNCATE ON a4.audit
    FOR EACH STATEMENT EXECUTE FUNCTION a4.refuse_change('the audit trail');
CREATE TRIGGER definitions_are_kept BEFORE UPDATE OR DELETE ON a4.definitions
    FOR EACH ROW EXECUTE FUNCTION a4.refuse_change('a kept form definition');
CREATE TRIGGER records_are_kept BEFORE DELETE ON a4.records
    FOR EACH ROW EXECUTE FUNCTION a4.refuse_change('a record');
CREATE TRIGGER records_are_never_emptied BEFORE TRUNCATE ON a4.records
    FOR EACH STATEMENT EXECUTE FUNCTION a4.refuse_change('a record');

CREATE FUNCTION a4.guard_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'locked' THEN
        RAISE EXCEPTION 'record % is locked (countersigned) and cannot be changed; amend it instead', OLD.id
            USING ERRCODE = 'A4001';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.status IN ('approved', 'locked') AND NEW.status IS DISTINCT FROM OLD.status
       AND (NEW.author = current_user
            OR EXISTS (SELECT 1 FROM a4.cases WHERE ref = NEW.case_ref AND owner = current_user)) THEN
        RAISE EXCEPTION 'nobody may approve or lock their own record (%)', NEW.id USING ERRCODE = 'A4003';
    END IF;
    IF TG_OP = 'INSERT' AND NEW.author <> current_user AND NOT a4.is_admin() THEN
        RAISE EXCEPTION 'a record can only be written in your own name (%)', current_user
            USING ERRCODE = 'A4004';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER records_guard BEFORE INSERT OR UPDATE ON a4.records
    FOR EACH ROW EXECUTE FUNCTION a4.guard_record();

CREATE FUNCTION a4.guard_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor <> current_user AND NOT a4.is_admin() THEN
        RAISE EXCEPTION 'an audit entry can only be written in your own name (%)', current_user
            USING ERRCODE = 'A4004';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_guard BEFORE INSERT ON a4.audit
    FOR EACH ROW EXECUTE FUNCTION a4.guard_audit();

-- Row-level security, forced so that even the tables' owner goes through the policies.
ALTER TABLE a4.cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE a4.cases FORCE ROW LEVEL SECURITY;
ALTER TABLE a4.records ENABLE ROW LEVEL SECURITY;
ALTER TABLE a4.records FORCE ROW LEVEL SECURITY;
ALTER TABLE a4.audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE a4.audit FORCE ROW LEVEL SECURITY;

CREATE POLICY admin_all ON a4.cases TO a4_admin USING (true) WITH CHECK (true);
CREATE POLICY own_cases ON a4.cases TO a4_practitioner
    USING (owner = current_user) WITH CHECK (owner = current_user);
CREATE POLICY team_cases_read ON a4.cases FOR SELECT TO a4_qa_assessor USING (a4.in_my_team(owner));
CREATE POLICY team_cases_review_date ON a4.cases FOR UPDATE TO a4_qa_assessor
    USING (a4.in_my_team(owner)) WITH CHECK (a4.in_my_team(owner));

CREATE POLICY admin_all ON a4.records TO a4_admin USING (true) WITH CHECK (true);
CREATE POLICY own_records ON a4.records TO a4_practitioner
    USING (status IN ('draft', 'submitted', 'returned')
           AND EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.ref = case_ref AND c.owner = current_user))
    WITH CHECK (status IN ('draft', 'submitted', 'returned')
           AND EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.ref = case_ref AND c.owner = current_user));
-- A practitioner still reads their own countersigned records (to review or amend them).
CREATE POLICY own_records_read ON a4.records FOR SELECT TO a4_practitioner
    USING (EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.ref = case_ref AND c.owner = current_user));
CREATE POLICY team_submitted_read ON a4.records FOR SELECT TO a4_qa_assessor
    USING (status <> 'draft'
           AND EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.ref = case_ref AND a4.in_my_team(c.owner)));
CREATE POLICY team_submitted_review ON a4.records FOR UPDATE TO a4_qa_assessor
    USING (status IN ('submitted', 'approved')
           AND EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.ref = case_ref AND a4.in_my_team(c.owner)))
    WITH CHECK (status IN ('submitted', 'returned', 'approved', 'locked')
           AND EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.ref = case_ref AND a4.in_my_team(c.owner)));

-- An audit entry is seen, and written, by whoever may see its record.
CREATE POLICY audit_read ON a4.audit FOR SELECT
    USING (EXISTS (SELECT 1 FROM a4.records AS r WHERE r.id = record_id));
CREATE POLICY audit_append ON a4.audit FOR INSERT
    WITH CHECK (EXISTS (SELECT 1 FROM a4.records AS r WHERE r.id = record_id));

-- Table rights: nobody gets UPDATE, DELETE or TRUNCATE on the audit trail.
REVOKE ALL ON a4.staff, a4.cases, a4.records, a4.audit, a4.definitions FROM PUBLIC;
GRANT USAGE ON SCHEMA a4 TO a4_practitioner, a4_qa_assessor, a4_admin;
GRANT SELECT ON a4.staff TO a4_practitioner, a4_qa_assessor;
GRANT SELECT, INSERT, UPDATE, DELETE ON a4.staff TO a4_admin;
GRANT SELECT, INSERT, UPDATE ON a4.cases, a4.records TO a4_practitioner, a4_admin;
GRANT SELECT ON a4.cases, a4.records TO a4_qa_assessor;
GRANT UPDATE (next_review) ON a4.cases TO a4_qa_assessor;
GRANT UPDATE (status, version, updated_at, words, active_seconds, payload) ON a4.records TO a4_qa_assessor;
GRANT SELECT, INSERT ON a4.audit, a4.definitions TO a4_practitioner, a4_qa_assessor, a4_admin;
REVOKE UPDATE, DELETE, TRUNCATE ON a4.audit FROM PUBLIC, a4_practitioner, a4_qa_assessor, a4_admin;
"""

_V2 = """
-- Case context: the sentence or order (type, length, dates, requirements, court) as JSON, and an optional
-- national identifier.  Existing cases keep every value and simply have none known yet.
ALTER TABLE a4.cases ADD COLUMN sentence jsonb NOT NULL DEFAULT '{}';
ALTER TABLE a4.cases ADD COLUMN national_id text NOT NULL DEFAULT '';
"""

_V3 = """
-- Handovers: a case moved from one practitioner to another.  Written only by the database, when a
-- case's owner changes (the actor is the login itself, the note from the transaction's
-- a4.handover_note setting), never by a client; nobody may change or delete one.
CREATE TABLE a4.handovers (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_ref TEXT NOT NULL REFERENCES a4.cases (ref),
    old_owner TEXT NOT NULL,
    new_owner TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX handovers_case ON a4.handovers (case_ref);
ALTER TABLE a4.handovers ENABLE ROW LEVEL SECURITY;
ALTER TABLE a4.handovers FORCE ROW LEVEL SECURITY;
CREATE POLICY handovers_written_by_the_trigger ON a4.handovers FOR INSERT WITH CHECK (true);
CREATE POLICY handovers_read ON a4.handovers FOR SELECT
    USING (old_owner = current_user OR new_owner = current_user
           OR EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.ref = case_ref));
CREATE FUNCTION a4.record_handover() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = a4, pg_temp AS $$
BEGIN
    IF NEW.owner IS DISTINCT FROM OLD.owner THEN
        INSERT INTO a4.handovers (case_ref, old_owner, new_owner, by, at, note)
        VALUES (NEW.ref, OLD.owner, NEW.owner, session_user,
                to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
                coalesce(current_setting('a4.handover_note', true), ''));
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cases_handover AFTER UPDATE OF owner ON a4.cases
    FOR EACH ROW EXECUTE FUNCTION a4.record_handover();
REVOKE ALL ON a4.handovers FROM PUBLIC;
GRANT SELECT ON a4.handovers TO a4_practitioner, a4_qa_assessor, a4_admin;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3)
"""Migration `i` takes a database from schema version `i` to `i + 1`; append-only once released."""

SCHEMA_VERSION = len(MIGRATIONS)

_LOCK_KEY = 0x_A4_5C_E3
"""Advisory lock held while migrating, so two `a4 db init` at once upgrade only once."""


class NewerSchemaVersion(ValueError):
    """The database was set up by a newer A4; nothing was changed."""

    def __init__(self, found: int) -> None:
        super().__init__(found)
        self.found = found


@dataclass(frozen=True)
class InitReport:
    """What `initialise` did, for `a4 db init` to print."""

    roles_created: tuple[str, ...]
    roles_kept: tuple[str, ...]
    found_version: int
    version: int
    made_admin: str = ""
    """The login `a4 db init` made an administrator, when it was not one already."""

    def lines(self) -> list[str]:
        said = [f"created role {r} ({GROUP_ROLES[r]})" for r in self.roles_created]
        said += [f"role {r} already exists; kept" for r in self.roles_kept]
        if self.made_admin:
            said.append(f"made {self.made_admin} a member of a4_admin (it set up the schema)")
        if self.found_version == self.version:
            said.append(f"schema already at version {self.version}; nothing to upgrade")
        elif self.found_version == 0:
            said.append(
                f"created schema {SCHEMA} (tables, row-level security, triggers) at version {self.version}"
            )
        else:
            said.append(f"upgraded schema {SCHEMA} from version {self.found_version} to {self.version}")
        return said


def stored_version(execute: Callable[..., Any]) -> int | None:
    """The database's schema version, `None` when it holds no A4 schema at all."""
    exists = execute("SELECT to_regclass('a4.schema_version') IS NOT NULL").fetchone()[0]
    if not exists:
        return None
    row = execute("SELECT version FROM a4.schema_version").fetchone()
    return int(row[0]) if row else 0


def initialise(conn: Any) -> InitReport:
    """Create the group roles, then create or upgrade the schema, each in its own transaction.

    `conn` is a psycopg connection of a login that may create roles and
    owns (or may create objects in) the database.  Roles belong to the
    whole server, so they are created first and kept if they exist.
    Raises `NewerSchemaVersion` (a ValueError) for a database newer than this code.
    """
    created, kept = [], []
    with conn.transaction():
        for role in GROUP_ROLES:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                kept.append(role)
            else:
                conn.execute(f"CREATE ROLE {role} NOLOGIN")
                created.append(role)
        made_admin = ""
        superuser, admin = conn.execute(
            "SELECT rolsuper, pg_has_role(current_user, 'a4_admin', 'MEMBER') FROM pg_roles "
            "WHERE rolname = current_user"
        ).fetchone()
        if not (superuser or admin):
            conn.execute("GRANT a4_admin TO CURRENT_USER")
            made_admin = conn.execute("SELECT current_user").fetchone()[0]
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        found = stored_version(conn.execute)
        if found is None:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            conn.execute(f"CREATE TABLE {SCHEMA}.schema_version (version INTEGER NOT NULL)")
            conn.execute(f"INSERT INTO {SCHEMA}.schema_version VALUES (0)")
            conn.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO PUBLIC")
            conn.execute(f"GRANT SELECT ON {SCHEMA}.schema_version TO PUBLIC")
            found = 0
        if found > SCHEMA_VERSION:
            raise NewerSchemaVersion(found)
        for step in MIGRATIONS[found:]:
            conn.execute(step)
        conn.execute(f"UPDATE {SCHEMA}.schema_version SET version = %s", (SCHEMA_VERSION,))
    return InitReport(tuple(created), tuple(kept), found, SCHEMA_VERSION, made_admin)

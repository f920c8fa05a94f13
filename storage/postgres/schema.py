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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = "a4"
OWNER_ROLE = "a4_owner"
"""The NOLOGIN role that owns the schema and every object in it; nobody does casework as it."""

GROUP_ROLES: dict[str, str] = {
    OWNER_ROLE: "owns the schema; no login, nobody is a member",
    "a4_practitioner": "writes assessments for their own cases",
    "a4_qa_assessor": "reviews, returns and countersigns their team's submitted records",
    "a4_admin": "sees every case, imports, reassigns cases, upgrades the schema",
}
"""The group roles (NOLOGIN) `a4 db init` creates; a person's login is made a member of the last three."""

ERR_LOCKED = "A4001"
ERR_APPEND_ONLY = "A4002"
ERR_OWN_APPROVAL = "A4003"
ERR_IMPERSONATION = "A4004"
ERR_SET_BY_DATABASE = "A4005"
"""A column the database sets or checks (author, version, dates, links) was given a value it refuses."""
ERR_TRANSITION = "A4006"
"""A status change that is not a step of the workflow (`forms.record.workflow.TRANSITIONS`)."""
ERR_REASON = "A4007"
"""Someone other than the author changed the risk level (or another answer needing a reason) without one."""
ERR_NOT_FOUND = "A4008"
"""No such case or record *for this login*: the same answer whether it exists elsewhere or not at all."""
ERR_ROLE = "A4009"
"""This login's role may not take that step (grade, countersign, submit, import a signed-off record)."""
ERR_NO_DEFINITION = "A4010"
"""A record names a form definition the database does not hold."""
ERR_OPEN_RECORD = "A4011"
"""The case already has an open record of this kind (one draft, submitted or returned record per kind)."""
ERR_REASONS = "A4012"
"""A reason given for submitting past a failing check is missing, too short, unacknowledged at approval, or
changed after submission."""
"""SQLSTATEs the triggers raise, so the engine can turn each into its own message (docs/team.md lists them)."""

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

_V4 = """
-- Version 4: the database is the referee.  Written to run as a4_owner (see `initialise`).
-- The owner is subject to the policies too (FORCE), so its own triggers and functions get a policy.
CREATE POLICY owner_all ON a4.cases TO a4_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON a4.records TO a4_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON a4.audit TO a4_owner USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------- who is acting, and when
CREATE FUNCTION a4.actor() RETURNS text LANGUAGE sql STABLE
AS $$ SELECT CASE WHEN a4.is_admin() AND coalesce(current_setting('a4.act_as', true), '') <> ''
                  THEN current_setting('a4.act_as', true) ELSE current_user::text END $$;
COMMENT ON FUNCTION a4.actor() IS
    'The login acting; an administrator may name another (imports, the shared tests) with a4.act_as.';

CREATE FUNCTION a4.db_now() RETURNS text LANGUAGE sql STABLE
AS $$ SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"') $$;

CREATE FUNCTION a4.check_time(what text, value text) RETURNS void LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF value IS NULL OR value !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' OR value::timestamptz > now() + interval '1 hour' THEN
        RAISE EXCEPTION '% must be a time no later than now (%, got %)', what, a4.db_now(), value
            USING ERRCODE = 'A4005';
    END IF;
END $$;

CREATE FUNCTION a4.allowed_next(status text) RETURNS text[] LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE status
    WHEN 'draft' THEN ARRAY['submitted']
    WHEN 'submitted' THEN ARRAY['returned', 'approved']
    WHEN 'returned' THEN ARRAY['submitted']
    WHEN 'approved' THEN ARRAY['locked']
    ELSE ARRAY[]::text[] END $$;
COMMENT ON FUNCTION a4.allowed_next(text) IS 'forms/record/workflow.py TRANSITIONS, held by the database.';

-- ---------------------------------------------------------------- form definitions
ALTER TABLE a4.definitions DISABLE TRIGGER definitions_are_kept;
ALTER TABLE a4.definitions ADD COLUMN sha256 TEXT;
UPDATE a4.definitions SET sha256 = encode(sha256(convert_to(source, 'UTF8')), 'hex');
ALTER TABLE a4.definitions ALTER COLUMN sha256 SET NOT NULL;
ALTER TABLE a4.definitions ADD CONSTRAINT definitions_content_addressed
    CHECK (sha256 = encode(sha256(convert_to(source, 'UTF8')), 'hex'));
-- The answers whose change by anyone but the author needs a reason, read from the text itself
-- (its top-level risk_level; storage.sql.rows.reason_paths_of reads it the same way).
CREATE FUNCTION a4.reason_paths_in(source text) RETURNS jsonb LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN found IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(found) END
      FROM (SELECT substring(source FROM '(?:^|\\n)[ \\t]*risk_level[ \\t]*=[ \\t]*["'']([^"'']+)["'']') AS found) AS x $$;
ALTER TABLE a4.definitions ADD COLUMN reason_paths JSONB GENERATED ALWAYS AS (a4.reason_paths_in(source)) STORED;
ALTER TABLE a4.definitions ADD COLUMN added_by TEXT NOT NULL DEFAULT '';
DROP TRIGGER definitions_are_kept ON a4.definitions;

CREATE FUNCTION a4.guard_definition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.added_by := current_user;
        NEW.saved_at := a4.db_now();
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'a kept form definition cannot be changed; add a new version' USING ERRCODE = 'A4002';
    END IF;
    IF EXISTS (SELECT 1 FROM a4.records WHERE form_id = OLD.id AND form_version = OLD.version)
       AND OLD.kind = 'assessment' THEN
        RAISE EXCEPTION 'form % % is used by records, so it is kept', OLD.id, OLD.version USING ERRCODE = 'A4002';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER definitions_guard BEFORE INSERT OR UPDATE OR DELETE ON a4.definitions
    FOR EACH ROW EXECUTE FUNCTION a4.guard_definition();
CREATE TRIGGER definitions_are_never_emptied BEFORE TRUNCATE ON a4.definitions
    FOR EACH STATEMENT EXECUTE FUNCTION a4.refuse_change('a kept form definition');

-- A record names a definition that exists (checked for every new row; older rows are kept as they are).
ALTER TABLE a4.records ADD COLUMN definition_kind TEXT NOT NULL DEFAULT 'assessment'
    CHECK (definition_kind = 'assessment');
ALTER TABLE a4.records ADD CONSTRAINT records_definition FOREIGN KEY (definition_kind, form_id, form_version)
    REFERENCES a4.definitions (kind, id, version) NOT VALID;

-- ---------------------------------------------------------------- sign-off: its own tables
CREATE TABLE a4.grades (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES a4.records (id),
    criterion TEXT NOT NULL,
    level TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    imported_from TEXT NOT NULL DEFAULT ''
);
CREATE INDEX grades_record ON a4.grades (record_id, seq);
CREATE TABLE a4.comments (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES a4.records (id),
    id TEXT NOT NULL,
    path TEXT NOT NULL,
    text TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    resolved_by TEXT NOT NULL DEFAULT '',
    resolved_at TEXT NOT NULL DEFAULT '',
    imported_from TEXT NOT NULL DEFAULT ''
);
CREATE INDEX comments_record ON a4.comments (record_id, seq);
CREATE TABLE a4.signatures (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES a4.records (id),
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    imported_from TEXT NOT NULL DEFAULT ''
);
CREATE INDEX signatures_record ON a4.signatures (record_id, seq);
ALTER TABLE a4.audit ADD COLUMN imported_from TEXT NOT NULL DEFAULT '';

-- Sign-off written into payloads before version 2 moves to the tables (the payloads stay as they were).
INSERT INTO a4.grades (record_id, criterion, level, comment, by, at)
SELECT r.id, coalesce(g->>'criterion', ''), coalesce(g->>'level', ''), coalesce(g->>'comment', ''),
       coalesce(g->>'by', ''), coalesce(g->>'on', '')
FROM a4.records AS r,
     jsonb_array_elements(CASE WHEN jsonb_typeof(r.payload->'grades') = 'array' THEN r.payload->'grades'
                               ELSE '[]'::jsonb END) WITH ORDINALITY AS e(g, n)
ORDER BY r.seq, e.n;
INSERT INTO a4.comments (record_id, id, path, text, by, at, resolved_by, resolved_at)
SELECT r.id, coalesce(c->>'id', ''), coalesce(c->>'path', ''), coalesce(c->>'text', ''), coalesce(c->>'by', ''),
       coalesce(c->>'on', ''), coalesce(c->>'resolved_by', ''), coalesce(c->>'resolved_on', '')
FROM a4.records AS r,
     jsonb_array_elements(CASE WHEN jsonb_typeof(r.payload->'comments') = 'array' THEN r.payload->'comments'
                               ELSE '[]'::jsonb END) WITH ORDINALITY AS e(c, n)
ORDER BY r.seq, e.n;
INSERT INTO a4.signatures (record_id, by, at)
SELECT r.id, coalesce(s->>'by', ''), coalesce(s->>'on', '')
FROM a4.records AS r,
     jsonb_array_elements(CASE WHEN jsonb_typeof(r.payload->'signatures') = 'array' THEN r.payload->'signatures'
                               ELSE '[]'::jsonb END) WITH ORDINALITY AS e(s, n)
ORDER BY r.seq, e.n;

-- ---------------------------------------------------------------- records: what a write may do
CREATE OR REPLACE FUNCTION a4.guard_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    actor TEXT := a4.actor();
    admin BOOLEAN := a4.is_admin();
    importing BOOLEAN := admin AND coalesce(current_setting('a4.import_source', true), '') <> '';
    own BOOLEAN;
    linked RECORD;
    path TEXT;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'locked' THEN
        RAISE EXCEPTION 'record % is locked (countersigned) and cannot be changed; amend it instead', OLD.id
            USING ERRCODE = 'A4001';
    END IF;
    -- Grades, comments and countersignatures live in their own tables, never in the author's payload.
    NEW.payload := NEW.payload - 'grades' - 'comments' - 'signatures';
    own := NEW.author = actor
           OR EXISTS (SELECT 1 FROM a4.cases WHERE ref = NEW.case_ref AND owner = actor);
    IF TG_OP = 'INSERT' THEN
        IF NOT admin THEN
            IF NEW.author <> current_user THEN
                RAISE EXCEPTION 'a record can only be written in your own name (%)', current_user
                    USING ERRCODE = 'A4004';
            END IF;
            NEW.id := replace(gen_random_uuid()::text, '-', '');  -- an id that says nothing
        END IF;
        IF NOT EXISTS (SELECT 1 FROM a4.cases WHERE ref = NEW.case_ref) THEN
            RAISE EXCEPTION 'there is no case % that you may add records to', NEW.case_ref USING ERRCODE = 'A4008';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM a4.definitions
                       WHERE kind = 'assessment' AND id = NEW.form_id AND version = NEW.form_version) THEN
            RAISE EXCEPTION 'form % version % is not in this database; an administrator adds it',
                NEW.form_id, NEW.form_version USING ERRCODE = 'A4010';
        END IF;
        IF NOT importing THEN
            IF NEW.status <> 'draft' OR NEW.version <> 1 THEN
                RAISE EXCEPTION 'a new record starts as a version-1 draft; only an administrator imports one '
                    'in another state' USING ERRCODE = 'A4009';
            END IF;
            PERFORM a4.check_time('created_at', NEW.created_at);
            NEW.updated_at := NEW.created_at;
        ELSIF NEW.status IN ('approved', 'locked') AND own THEN
            RAISE EXCEPTION 'nobody may import their own record as approved or locked (%)', NEW.id
                USING ERRCODE = 'A4003';
        END IF;
        FOR linked IN
            SELECT 'amends' AS link, r.status, r.case_ref FROM a4.records AS r WHERE r.id = NEW.amends
            UNION ALL SELECT 'reviews', r.status, r.case_ref FROM a4.records AS r WHERE r.id = NEW.reviews
        LOOP
            IF linked.case_ref <> NEW.case_ref
               OR (linked.link = 'amends' AND linked.status <> 'locked')
               OR (linked.link = 'reviews' AND linked.status NOT IN ('approved', 'locked')) THEN
                RAISE EXCEPTION 'a record % only a countersigned record of its own case', linked.link
                    USING ERRCODE = 'A4005';
            END IF;
        END LOOP;
        IF (NEW.amends IS NOT NULL AND NOT EXISTS (SELECT 1 FROM a4.records WHERE id = NEW.amends))
           OR (NEW.reviews IS NOT NULL AND NOT EXISTS (SELECT 1 FROM a4.records WHERE id = NEW.reviews)) THEN
            RAISE EXCEPTION 'there is no linked record that you may see' USING ERRCODE = 'A4008';
        END IF;
    ELSE
        IF (NEW.id, NEW.case_ref, NEW.form_id, NEW.kind, NEW.author, NEW.created_at,
            NEW.reviews, NEW.amends, NEW.definition_kind)
           IS DISTINCT FROM (OLD.id, OLD.case_ref, OLD.form_id, OLD.kind, OLD.author,
            OLD.created_at, OLD.reviews, OLD.amends, OLD.definition_kind) THEN
            RAISE EXCEPTION 'a record''s id, case, form, kind, author, creation time and links are set once'
                USING ERRCODE = 'A4005';
        END IF;
        IF NEW.form_version IS DISTINCT FROM OLD.form_version THEN  -- moved to another version of its form
            IF NOT (own OR admin) THEN
                RAISE EXCEPTION 'only the author moves a record to another version of its form'
                    USING ERRCODE = 'A4009';
            END IF;
            IF NOT EXISTS (SELECT 1 FROM a4.definitions
                           WHERE kind = 'assessment' AND id = NEW.form_id AND version = NEW.form_version) THEN
                RAISE EXCEPTION 'form % version % is not in this database; an administrator adds it',
                    NEW.form_id, NEW.form_version USING ERRCODE = 'A4010';
            END IF;
        END IF;
        NEW.version := CASE WHEN importing AND NEW.version > OLD.version THEN NEW.version ELSE OLD.version + 1 END;
        PERFORM a4.check_time('updated_at', NEW.updated_at);
        IF NEW.status IS DISTINCT FROM OLD.status AND NOT importing THEN
            IF NOT NEW.status = ANY (a4.allowed_next(OLD.status)) THEN
                RAISE EXCEPTION 'a % record cannot become %', OLD.status, NEW.status USING ERRCODE = 'A4006';
            END IF;
            IF NEW.status = 'submitted' AND NOT (own OR admin) THEN
                RAISE EXCEPTION 'only the author submits a record' USING ERRCODE = 'A4009';
            END IF;
            IF NEW.status IN ('returned', 'approved', 'locked') THEN
                IF own THEN
                    RAISE EXCEPTION 'nobody may return, approve or lock their own record (%)', NEW.id
                        USING ERRCODE = 'A4003';
                END IF;
                IF NOT (admin OR pg_has_role(current_user, 'a4_qa_assessor', 'MEMBER')) THEN
                    RAISE EXCEPTION 'only a QA assessor or an administrator returns, approves or locks'
                        USING ERRCODE = 'A4009';
                END IF;
            END IF;
        END IF;
        IF NEW.author <> actor THEN
            FOR path IN SELECT a4.reason_paths(NEW.form_id, NEW.form_version) LOOP
                IF (OLD.payload->'answers'->path) IS DISTINCT FROM (NEW.payload->'answers'->path)
                   AND btrim(coalesce(current_setting('a4.reason', true), '')) = '' THEN
                    RAISE EXCEPTION 'changing % in someone else''s record needs a reason (set a4.reason)', path
                        USING ERRCODE = 'A4007';
                END IF;
            END LOOP;
        END IF;
    END IF;
    PERFORM set_config('a4.checked_actor', actor, true);
    RETURN NEW;
END $$;

CREATE FUNCTION a4.reason_paths(form_id text, form_version text) RETURNS SETOF text LANGUAGE sql STABLE
AS $$ SELECT jsonb_array_elements_text(reason_paths) FROM a4.definitions
      WHERE kind = 'assessment' AND id = form_id AND version = form_version
      UNION SELECT nullif(current_setting('a4.risk_path', true), '') WHERE current_setting('a4.risk_path', true) <> '' $$;

-- What happened to a record, written by the database (SECURITY DEFINER: no role may insert audit rows).
CREATE FUNCTION a4.record_history() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = a4, pg_temp
AS $$
DECLARE
    actor TEXT := current_setting('a4.checked_actor');
    source TEXT := coalesce(current_setting('a4.import_source', true), '');
    note TEXT := coalesce(current_setting('a4.note', true), '');
    reason TEXT := coalesce(current_setting('a4.reason', true), '');
    path TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF source <> '' THEN
            INSERT INTO a4.audit (record_id, kind, actor, at, field, old, new, reason)
            VALUES (NEW.id, 'imported', actor, a4.db_now(), 'file', 'null', to_jsonb(source), note);
        ELSE
            INSERT INTO a4.audit (record_id, kind, actor, at, field, old, new, reason)
            VALUES (NEW.id, 'created', actor, NEW.created_at, 'kind', 'null', to_jsonb(NEW.kind), '');
        END IF;
        RETURN NULL;
    END IF;
    IF source <> '' THEN
        INSERT INTO a4.audit (record_id, kind, actor, at, field, old, new, reason)
        VALUES (NEW.id, 'imported', actor, a4.db_now(), 'file', 'null', to_jsonb(source), note);
        RETURN NULL;
    END IF;
    IF NEW.form_version IS DISTINCT FROM OLD.form_version THEN
        INSERT INTO a4.audit (record_id, kind, actor, at, field, old, new, reason)
        VALUES (NEW.id, 'form_version', actor, NEW.updated_at, NEW.form_id, to_jsonb(OLD.form_version),
                to_jsonb(NEW.form_version), '');
    END IF;
    FOR path IN SELECT a4.reason_paths(NEW.form_id, NEW.form_version) LOOP
        IF (OLD.payload->'answers'->path) IS DISTINCT FROM (NEW.payload->'answers'->path) THEN
            INSERT INTO a4.audit (record_id, kind, actor, at, field, old, new, reason)
            VALUES (NEW.id, 'risk_level', actor, NEW.updated_at, path,
                    coalesce(OLD.payload->'answers'->path, 'null'), coalesce(NEW.payload->'answers'->path, 'null'),
                    reason);
        END IF;
    END LOOP;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO a4.audit (record_id, kind, actor, at, field, old, new, reason)
        VALUES (NEW.id, 'status', actor, NEW.updated_at, 'status', to_jsonb(OLD.status), to_jsonb(NEW.status), note);
        IF NEW.status = 'approved' OR (NEW.status = 'locked' AND NOT EXISTS (
                SELECT 1 FROM a4.signatures WHERE record_id = NEW.id AND by = actor AND imported_from = '')) THEN
            INSERT INTO a4.signatures (record_id, by, at) VALUES (NEW.id, actor, NEW.updated_at);
        END IF;
    END IF;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION a4.record_history() FROM PUBLIC;
CREATE TRIGGER records_history AFTER INSERT OR UPDATE ON a4.records
    FOR EACH ROW EXECUTE FUNCTION a4.record_history();

-- ---------------------------------------------------------------- cases: due dates the database checks
CREATE FUNCTION a4.guard_case() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    approved_on DATE;
BEGIN
    IF a4.is_admin() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.initial_working_days, NEW.review_weeks)
                            IS DISTINCT FROM (OLD.initial_working_days, OLD.review_weeks) THEN
        RAISE EXCEPTION 'a case''s deadlines are set when it is added' USING ERRCODE = 'A4005';
    END IF;
    IF NEW.start !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' OR NEW.initial_due !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
       OR NEW.initial_due::date < NEW.start::date
       OR NEW.initial_due::date > NEW.start::date + (NEW.initial_working_days * 7 / 5 + 21) THEN
        RAISE EXCEPTION 'the first due date follows from the start date (% working days)', NEW.initial_working_days
            USING ERRCODE = 'A4005';
    END IF;
    IF NEW.next_review IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.next_review ELSE '' END) THEN
        SELECT max(left(updated_at, 10)::date) INTO approved_on FROM a4.records
        WHERE case_ref = NEW.ref AND status IN ('approved', 'locked');
        IF approved_on IS NULL OR NEW.next_review !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
           OR NEW.next_review::date < approved_on
           OR NEW.next_review::date > approved_on + (NEW.review_weeks * 7 + 21) THEN
            RAISE EXCEPTION 'the next review follows from the last approval (% weeks)', NEW.review_weeks
                USING ERRCODE = 'A4005';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cases_guard BEFORE INSERT OR UPDATE ON a4.cases FOR EACH ROW EXECUTE FUNCTION a4.guard_case();

-- ---------------------------------------------------------------- grades, comments, countersignatures
CREATE FUNCTION a4.guard_signoff() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    actor TEXT := a4.actor();
    target RECORD;
BEGIN
    IF current_user = 'a4_owner' THEN  -- the database's own functions (imports of a file's history)
        RETURN NEW;
    END IF;
    SELECT r.status, r.author, c.owner INTO target
    FROM a4.records AS r JOIN a4.cases AS c ON c.ref = r.case_ref WHERE r.id = NEW.record_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no record that you may see with this id' USING ERRCODE = 'A4008';
    END IF;
    IF TG_OP = 'UPDATE' THEN  -- a comment resolved: once, by the record's author or the case's owner
        IF OLD.resolved_by <> '' OR actor NOT IN (target.author, target.owner) OR target.status = 'locked' THEN
            RAISE EXCEPTION 'a QA comment is resolved once, by the record''s author' USING ERRCODE = 'A4009';
        END IF;
        NEW.resolved_by := actor;
        PERFORM a4.check_time('resolved_at', NEW.resolved_at);
        RETURN NEW;
    END IF;
    IF NEW.imported_from <> '' THEN
        RAISE EXCEPTION 'history from a file comes in only through an import' USING ERRCODE = 'A4005';
    END IF;
    IF actor IN (target.author, target.owner) THEN
        RAISE EXCEPTION 'nobody grades or comments on their own record for QA' USING ERRCODE = 'A4003';
    END IF;
    IF target.status NOT IN ('submitted', 'approved') THEN
        RAISE EXCEPTION 'a record is graded while it is submitted (or approved, for a second countersignature)'
            USING ERRCODE = 'A4006';
    END IF;
    NEW.by := actor;
    PERFORM a4.check_time('at', NEW.at);
    RETURN NEW;
END $$;
CREATE TRIGGER grades_guard BEFORE INSERT ON a4.grades FOR EACH ROW EXECUTE FUNCTION a4.guard_signoff();
CREATE TRIGGER comments_guard BEFORE INSERT OR UPDATE ON a4.comments
    FOR EACH ROW EXECUTE FUNCTION a4.guard_signoff();
CREATE TRIGGER grades_are_kept BEFORE UPDATE OR DELETE ON a4.grades
    FOR EACH ROW EXECUTE FUNCTION a4.refuse_change('a grade');
CREATE TRIGGER signatures_are_kept BEFORE UPDATE OR DELETE ON a4.signatures
    FOR EACH ROW EXECUTE FUNCTION a4.refuse_change('a countersignature');
CREATE TRIGGER comments_are_kept BEFORE DELETE ON a4.comments
    FOR EACH ROW EXECUTE FUNCTION a4.refuse_change('a QA comment');
CREATE TRIGGER grades_are_never_emptied BEFORE TRUNCATE ON a4.grades
    FOR EACH STATEMENT EXECUTE FUNCTION a4.refuse_change('a grade');
CREATE TRIGGER signatures_are_never_emptied BEFORE TRUNCATE ON a4.signatures
    FOR EACH STATEMENT EXECUTE FUNCTION a4.refuse_change('a countersignature');
CREATE TRIGGER comments_are_never_emptied BEFORE TRUNCATE ON a4.comments
    FOR EACH STATEMENT EXECUTE FUNCTION a4.refuse_change('a QA comment');

ALTER TABLE a4.grades ENABLE ROW LEVEL SECURITY;
ALTER TABLE a4.grades FORCE ROW LEVEL SECURITY;
ALTER TABLE a4.comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE a4.comments FORCE ROW LEVEL SECURITY;
ALTER TABLE a4.signatures ENABLE ROW LEVEL SECURITY;
ALTER TABLE a4.signatures FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON a4.grades TO a4_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON a4.comments TO a4_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON a4.signatures TO a4_owner USING (true) WITH CHECK (true);
CREATE POLICY seen_with_record ON a4.grades FOR SELECT USING (EXISTS (SELECT 1 FROM a4.records AS r WHERE r.id = record_id));
CREATE POLICY seen_with_record ON a4.comments FOR SELECT USING (EXISTS (SELECT 1 FROM a4.records AS r WHERE r.id = record_id));
CREATE POLICY seen_with_record ON a4.signatures FOR SELECT USING (EXISTS (SELECT 1 FROM a4.records AS r WHERE r.id = record_id));
CREATE POLICY reviewers_add ON a4.grades FOR INSERT TO a4_qa_assessor, a4_admin
    WITH CHECK (EXISTS (SELECT 1 FROM a4.records AS r WHERE r.id = record_id));
CREATE POLICY reviewers_add ON a4.comments FOR INSERT TO a4_qa_assessor, a4_admin
    WITH CHECK (EXISTS (SELECT 1 FROM a4.records AS r WHERE r.id = record_id));
CREATE POLICY authors_resolve ON a4.comments FOR UPDATE TO a4_practitioner, a4_admin
    USING (EXISTS (SELECT 1 FROM a4.records AS r WHERE r.id = record_id))
    WITH CHECK (EXISTS (SELECT 1 FROM a4.records AS r WHERE r.id = record_id));

-- A file's history (`a4 import`): marked as the file's, in the same transaction as the audited import.
CREATE FUNCTION a4.import_history(rid text, source text, events jsonb, grades jsonb, comments jsonb,
                                  signatures jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = a4, pg_temp AS $$
DECLARE
    admin BOOLEAN := pg_has_role(session_user, 'a4_admin', 'MEMBER');
BEGIN
    IF coalesce(source, '') = '' OR NOT EXISTS (
            SELECT 1 FROM a4.audit WHERE record_id = rid AND kind = 'imported' AND new = to_jsonb(source)
            AND actor IN (session_user::text, coalesce(current_setting('a4.act_as', true), ''))
            AND at = a4.db_now()) THEN
        RAISE EXCEPTION 'a file''s history comes in only with the record it belongs to, in one import'
            USING ERRCODE = 'A4005';
    END IF;
    IF NOT admin AND jsonb_array_length(signatures) > 0 THEN
        RAISE EXCEPTION 'only an administrator imports countersigned records' USING ERRCODE = 'A4009';
    END IF;
    INSERT INTO a4.audit (record_id, kind, actor, at, field, old, new, reason, imported_from)
    SELECT rid, e->>'kind', e->>'actor', e->>'at', coalesce(e->>'field', ''), e->'old', e->'new',
           coalesce(e->>'reason', ''), source
    FROM jsonb_array_elements(events) WITH ORDINALITY AS x(e, n) ORDER BY n;
    INSERT INTO a4.grades (record_id, criterion, level, comment, by, at, imported_from)
    SELECT rid, g->>'criterion', g->>'level', coalesce(g->>'comment', ''), coalesce(g->>'by', ''),
           coalesce(g->>'on', ''), source
    FROM jsonb_array_elements(grades) WITH ORDINALITY AS x(g, n) ORDER BY n;
    INSERT INTO a4.comments (record_id, id, path, text, by, at, resolved_by, resolved_at, imported_from)
    SELECT rid, c->>'id', c->>'path', c->>'text', coalesce(c->>'by', ''), coalesce(c->>'on', ''),
           coalesce(c->>'resolved_by', ''), coalesce(c->>'resolved_on', ''), source
    FROM jsonb_array_elements(comments) WITH ORDINALITY AS x(c, n) ORDER BY n;
    INSERT INTO a4.signatures (record_id, by, at, imported_from)
    SELECT rid, s->>'by', s->>'on', source FROM jsonb_array_elements(signatures) WITH ORDINALITY AS x(s, n) ORDER BY n;
END $$;
REVOKE ALL ON FUNCTION a4.import_history(text, text, jsonb, jsonb, jsonb, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION a4.import_history(text, text, jsonb, jsonb, jsonb, jsonb)
    TO a4_practitioner, a4_admin;

-- ---------------------------------------------------------------- table rights
DROP TRIGGER audit_guard ON a4.audit;
DROP POLICY audit_append ON a4.audit;
REVOKE INSERT ON a4.audit FROM PUBLIC, a4_practitioner, a4_qa_assessor, a4_admin;
REVOKE INSERT ON a4.definitions FROM a4_practitioner, a4_qa_assessor;
GRANT DELETE ON a4.definitions TO a4_admin;
REVOKE UPDATE ON a4.records FROM a4_practitioner, a4_qa_assessor;
GRANT UPDATE (status, version, updated_at, words, active_seconds, payload) ON a4.records
    TO a4_practitioner, a4_qa_assessor;
GRANT UPDATE (form_version) ON a4.records TO a4_practitioner;
REVOKE ALL ON a4.grades, a4.comments, a4.signatures FROM PUBLIC;
GRANT SELECT ON a4.grades, a4.comments, a4.signatures TO a4_practitioner, a4_qa_assessor, a4_admin;
GRANT INSERT ON a4.grades, a4.comments TO a4_qa_assessor, a4_admin;
GRANT UPDATE (resolved_by, resolved_at) ON a4.comments TO a4_practitioner, a4_admin;
"""

_V5 = """
-- One case has at most one open (draft, submitted or returned) record of each
-- kind, for every login (psql included).  SECURITY DEFINER so it sees records
-- row-level security hides from the writer; a transaction lock per case and
-- kind makes two writers at once take turns.  A trigger, not a unique index,
-- so a database already holding two (made before this rule) still upgrades.
CREATE FUNCTION a4.one_open_record_per_kind() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = a4, pg_temp AS $$
BEGIN
    IF NEW.status IN ('draft', 'submitted', 'returned') THEN
        PERFORM pg_advisory_xact_lock(hashtext('a4.open:' || NEW.case_ref || ':' || NEW.kind));
        IF EXISTS (SELECT 1 FROM a4.records
                   WHERE case_ref = NEW.case_ref AND kind = NEW.kind AND id <> NEW.id
                     AND status IN ('draft', 'submitted', 'returned')) THEN
            RAISE EXCEPTION 'case % already has an open % record; open it instead', NEW.case_ref, NEW.kind
                USING ERRCODE = 'A4011';
        END IF;
    END IF;
    RETURN NEW;
END $$;
-- Named to fire after records_guard (PostgreSQL fires triggers by name), so who-may-write is said first.
CREATE TRIGGER records_one_open_per_kind BEFORE INSERT ON a4.records
    FOR EACH ROW EXECUTE FUNCTION a4.one_open_record_per_kind();
"""

_CASE_IDS = """
-- A case reference is unique per owner, not across the database, so a practitioner adding a case
-- whose reference a colleague already uses gets the same answer as for a reference nobody uses (the
-- case is added): the database no longer tells anyone that another practitioner's reference exists.
-- Cases get a random id that says nothing; records and handovers point at it, and every policy and
-- check that joined on the reference joins on the id.
ALTER TABLE a4.cases ADD COLUMN id TEXT NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '');
ALTER TABLE a4.records ADD COLUMN case_id TEXT;
ALTER TABLE a4.handovers ADD COLUMN case_id TEXT;
CREATE POLICY owner_all ON a4.handovers TO a4_owner USING (true) WITH CHECK (true);
ALTER TABLE a4.records DISABLE TRIGGER USER;  -- the rows keep every value; only the new link is filled
UPDATE a4.records AS r SET case_id = c.id FROM a4.cases AS c WHERE c.ref = r.case_ref;
ALTER TABLE a4.records ENABLE TRIGGER USER;
UPDATE a4.handovers AS h SET case_id = c.id FROM a4.cases AS c WHERE c.ref = h.case_ref;
ALTER TABLE a4.records DROP CONSTRAINT records_case_ref_fkey;
ALTER TABLE a4.handovers DROP CONSTRAINT handovers_case_ref_fkey;
ALTER TABLE a4.cases DROP CONSTRAINT cases_pkey;
ALTER TABLE a4.cases ADD PRIMARY KEY (id);
ALTER TABLE a4.cases ADD CONSTRAINT cases_ref_per_owner UNIQUE (owner, ref);
CREATE INDEX cases_ref ON a4.cases (ref);
ALTER TABLE a4.records ALTER COLUMN case_id SET NOT NULL;
ALTER TABLE a4.records ADD CONSTRAINT records_case FOREIGN KEY (case_id) REFERENCES a4.cases (id);
ALTER TABLE a4.handovers ALTER COLUMN case_id SET NOT NULL;
ALTER TABLE a4.handovers ADD CONSTRAINT handovers_case FOREIGN KEY (case_id) REFERENCES a4.cases (id);
DROP INDEX a4.records_listing;
CREATE INDEX records_listing ON a4.records (case_id, seq DESC) INCLUDE (status, words, active_seconds);
CREATE INDEX handovers_case_id ON a4.handovers (case_id);

-- A case's id is the database's; its reference is set once (its records name it).
CREATE FUNCTION a4.case_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.id := replace(gen_random_uuid()::text, '-', '');
    ELSIF (NEW.id, NEW.ref) IS DISTINCT FROM (OLD.id, OLD.ref) THEN
        RAISE EXCEPTION 'a case''s id and reference are set once' USING ERRCODE = 'A4005';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cases_identity BEFORE INSERT OR UPDATE ON a4.cases
    FOR EACH ROW EXECUTE FUNCTION a4.case_identity();

-- The case a login means by a reference: its own first (a practitioner sees only its own), then by owner.
CREATE FUNCTION a4.case_id(reference text) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT id FROM a4.cases WHERE ref = reference ORDER BY (owner = current_user) DESC, owner LIMIT 1 $$;

-- A new record joins the case its writer means, read with the writer's own rights, so a reference
-- another practitioner also uses is never taken for this one's.  Named to run before records_guard.
CREATE FUNCTION a4.case_of_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.case_id := (SELECT id FROM a4.cases WHERE ref = NEW.case_ref
                    ORDER BY (owner = NEW.author) DESC, (owner = current_user) DESC, owner LIMIT 1);
    RETURN NEW;
END $$;
CREATE TRIGGER records_case BEFORE INSERT ON a4.records FOR EACH ROW EXECUTE FUNCTION a4.case_of_record();

DROP POLICY own_records ON a4.records;
CREATE POLICY own_records ON a4.records TO a4_practitioner
    USING (status IN ('draft', 'submitted', 'returned')
           AND EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.id = case_id AND c.owner = current_user))
    WITH CHECK (status IN ('draft', 'submitted', 'returned')
           AND EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.id = case_id AND c.owner = current_user));
DROP POLICY own_records_read ON a4.records;
CREATE POLICY own_records_read ON a4.records FOR SELECT TO a4_practitioner
    USING (EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.id = case_id AND c.owner = current_user));
DROP POLICY team_submitted_read ON a4.records;
CREATE POLICY team_submitted_read ON a4.records FOR SELECT TO a4_qa_assessor
    USING (status <> 'draft'
           AND EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.id = case_id AND a4.in_my_team(c.owner)));
DROP POLICY team_submitted_review ON a4.records;
CREATE POLICY team_submitted_review ON a4.records FOR UPDATE TO a4_qa_assessor
    USING (status IN ('submitted', 'approved')
           AND EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.id = case_id AND a4.in_my_team(c.owner)))
    WITH CHECK (status IN ('submitted', 'returned', 'approved', 'locked')
           AND EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.id = case_id AND a4.in_my_team(c.owner)));
DROP POLICY handovers_read ON a4.handovers;
CREATE POLICY handovers_read ON a4.handovers FOR SELECT
    USING (old_owner = current_user OR new_owner = current_user
           OR EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.id = case_id));

-- The functions that joined on the reference join on the id.  Each is rewritten from its current text,
-- so whatever an earlier migration made of it is kept, and a text no longer found stops the upgrade.
CREATE FUNCTION a4.rewrite_function(fn regprocedure, swaps text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    body TEXT := pg_get_functiondef(fn);
BEGIN
    FOR i IN 1 .. array_length(swaps, 1) BY 2 LOOP
        IF position(swaps[i] IN body) = 0 THEN
            RAISE EXCEPTION 'upgrade: % no longer says %', fn, swaps[i];
        END IF;
        body := replace(body, swaps[i], swaps[i + 1]);
    END LOOP;
    EXECUTE body;
END $$;
SELECT a4.rewrite_function('a4.guard_record()', ARRAY[
    'ref = NEW.case_ref AND owner = actor', 'id = NEW.case_id AND owner = actor',
    'WHERE ref = NEW.case_ref) THEN', 'WHERE id = NEW.case_id) THEN',
    'r.status, r.case_ref FROM', 'r.status, r.case_id FROM',
    'linked.case_ref <> NEW.case_ref', 'linked.case_id <> NEW.case_id',
    '(NEW.id, NEW.case_ref,', '(NEW.id, NEW.case_ref, NEW.case_id,',
    '(OLD.id, OLD.case_ref,', '(OLD.id, OLD.case_ref, OLD.case_id,']);
SELECT a4.rewrite_function('a4.guard_case()', ARRAY['WHERE case_ref = NEW.ref', 'WHERE case_id = NEW.id']);
SELECT a4.rewrite_function('a4.guard_signoff()', ARRAY['c.ref = r.case_ref', 'c.id = r.case_id']);
SELECT a4.rewrite_function('a4.one_open_record_per_kind()', ARRAY[
    '''a4.open:'' || NEW.case_ref', '''a4.open:'' || NEW.case_id',
    'WHERE case_ref = NEW.case_ref', 'WHERE case_id = NEW.case_id']);
SELECT a4.rewrite_function('a4.record_handover()', ARRAY[
    'a4.handovers (case_ref, old_owner', 'a4.handovers (case_id, case_ref, old_owner',
    'VALUES (NEW.ref, OLD.owner', 'VALUES (NEW.id, NEW.ref, OLD.owner']);
DROP FUNCTION a4.rewrite_function(regprocedure, text[]);
"""

_PRESENCE = """
-- Who has a record open, from which window, renewed while the window is open (storage.store.Store.claim).
-- The database names the person (the login, or whom an administrator acts for) and stamps the times with
-- its own clock; a login sees the claims on records it may see, and writes, renews and clears only its own.
CREATE TABLE a4.presence (
    record_id TEXT NOT NULL REFERENCES a4.records (id),
    window_id TEXT NOT NULL,
    who TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT 'editing' CHECK (mode IN ('editing', 'reading')),
    since TEXT NOT NULL,
    seen TEXT NOT NULL,
    PRIMARY KEY (record_id, window_id)
);
CREATE FUNCTION a4.guard_presence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.record_id, NEW.window_id) IS DISTINCT FROM (OLD.record_id, OLD.window_id) THEN
        RAISE EXCEPTION 'a claim on a record stays on its record and window' USING ERRCODE = 'A4005';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM a4.records WHERE id = NEW.record_id) THEN
        RAISE EXCEPTION 'there is no record % that you may open', NEW.record_id USING ERRCODE = 'A4008';
    END IF;
    NEW.who := a4.actor();
    NEW.seen := a4.db_now();
    IF TG_OP = 'INSERT' OR NEW.mode IS DISTINCT FROM OLD.mode THEN
        NEW.since := a4.db_now();
    ELSE
        NEW.since := OLD.since;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER presence_guard BEFORE INSERT OR UPDATE ON a4.presence
    FOR EACH ROW EXECUTE FUNCTION a4.guard_presence();
ALTER TABLE a4.presence ENABLE ROW LEVEL SECURITY;
ALTER TABLE a4.presence FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON a4.presence TO a4_owner USING (true) WITH CHECK (true);
CREATE POLICY admin_all ON a4.presence TO a4_admin USING (true) WITH CHECK (true);
CREATE POLICY seen_with_record ON a4.presence FOR SELECT
    USING (EXISTS (SELECT 1 FROM a4.records AS r WHERE r.id = record_id));
CREATE POLICY own_claims_added ON a4.presence FOR INSERT WITH CHECK (who = current_user);
CREATE POLICY own_claims_renewed ON a4.presence FOR UPDATE
    USING (who = current_user) WITH CHECK (who = current_user);
CREATE POLICY own_claims_cleared ON a4.presence FOR DELETE USING (who = current_user);
REVOKE ALL ON a4.presence FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON a4.presence TO a4_practitioner, a4_qa_assessor, a4_admin;

-- "Keep mine": a save made over a newer one elsewhere, said in the audit trail by the database, from the
-- version the writer started from (the transaction's a4.overwrote) and the version saved over.
CREATE FUNCTION a4.record_overwrite() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = a4, pg_temp AS $$
DECLARE
    started TEXT := coalesce(current_setting('a4.overwrote', true), '');
BEGIN
    IF started ~ '^[0-9]+$' AND started::bigint < OLD.version THEN
        INSERT INTO a4.audit (record_id, kind, actor, at, field, old, new, reason)
        VALUES (NEW.id, 'overwrite', current_setting('a4.checked_actor'), NEW.updated_at, 'version',
                to_jsonb(started::bigint), to_jsonb(OLD.version), '');
    END IF;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION a4.record_overwrite() FROM PUBLIC;
CREATE TRIGGER records_overwrite AFTER UPDATE ON a4.records
    FOR EACH ROW EXECUTE FUNCTION a4.record_overwrite();
"""

_ARCHIVALS = """
-- Archiving a case imported by mistake: it leaves the caseload, the lists, the QA queue and caseload
-- exports, and is kept whole.  Each archiving and each bringing back is one row of a4.archivals, written
-- only by a4.archive_case (SECURITY DEFINER), which lets only an administrator's login act and names that
-- login itself; nobody changes or deletes a row.  A case is archived while its latest row says so.
CREATE TABLE a4.archivals (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES a4.cases (id),
    case_ref TEXT NOT NULL,
    archived INTEGER NOT NULL CHECK (archived IN (0, 1)),
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX archivals_case ON a4.archivals (case_id, seq DESC);
ALTER TABLE a4.archivals ENABLE ROW LEVEL SECURITY;
ALTER TABLE a4.archivals FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON a4.archivals TO a4_owner USING (true) WITH CHECK (true);
-- Seen by whoever sees the case, so every caseload leaves an archived case out.
CREATE POLICY archivals_read ON a4.archivals FOR SELECT
    USING (EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.id = case_id));
CREATE TRIGGER archivals_are_kept BEFORE UPDATE OR DELETE ON a4.archivals
    FOR EACH ROW EXECUTE FUNCTION a4.refuse_change('an archiving');
CREATE TRIGGER archivals_are_never_emptied BEFORE TRUNCATE ON a4.archivals
    FOR EACH STATEMENT EXECUTE FUNCTION a4.refuse_change('an archiving');
CREATE TRIGGER cases_are_kept BEFORE DELETE ON a4.cases
    FOR EACH ROW EXECUTE FUNCTION a4.refuse_change('a case (an administrator archives it instead)');
CREATE TRIGGER cases_are_never_emptied BEFORE TRUNCATE ON a4.cases
    FOR EACH STATEMENT EXECUTE FUNCTION a4.refuse_change('a case');

-- The case is named by its id (the client finds it with its own rights: `SELECT id FROM a4.cases WHERE
-- ref = … AND owner = …`); a login that cannot see it passes NULL and is told there is no such case.
CREATE FUNCTION a4.archive_case(p_case text, p_archive boolean, p_reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = a4, pg_temp AS $$
DECLARE
    found_ref TEXT;
    now_archived INTEGER;
BEGIN
    IF NOT pg_has_role(session_user, 'a4_admin', 'MEMBER') THEN
        RAISE EXCEPTION 'only an administrator archives a case or brings one back' USING ERRCODE = 'A4009';
    END IF;
    IF p_archive AND btrim(coalesce(p_reason, '')) = '' THEN
        RAISE EXCEPTION 'archiving a case needs a reason' USING ERRCODE = 'A4007';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('a4.archive:' || coalesce(p_case, '')));
    SELECT ref INTO found_ref FROM a4.cases WHERE id = p_case;
    IF found_ref IS NULL THEN
        RAISE EXCEPTION 'there is no such case that you may archive' USING ERRCODE = 'A4008';
    END IF;
    SELECT archived INTO now_archived FROM a4.archivals WHERE case_id = p_case ORDER BY seq DESC LIMIT 1;
    IF coalesce(now_archived, 0) = p_archive::int THEN
        RAISE EXCEPTION 'case % is already %', found_ref,
            CASE WHEN p_archive THEN 'archived' ELSE 'in the caseload' END USING ERRCODE = 'A4006';
    END IF;
    INSERT INTO a4.archivals (case_id, case_ref, archived, by, at, reason)
    VALUES (p_case, found_ref, p_archive::int, session_user, a4.db_now(), coalesce(p_reason, ''));
END $$;
REVOKE ALL ON a4.archivals FROM PUBLIC;
GRANT SELECT ON a4.archivals TO a4_practitioner, a4_qa_assessor, a4_admin;
REVOKE ALL ON FUNCTION a4.archive_case(text, boolean, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION a4.archive_case(text, boolean, text) TO a4_practitioner, a4_qa_assessor, a4_admin;
"""

_ACKNOWLEDGEMENTS = """
-- A reason for submitting past a failing check is acknowledged by a QA assessor, in their own name, once:
-- the same rule as the store's API (forms/record/overrides.py acknowledgement_refusal), held by the
-- database so a login writing raw SQL cannot mark its own reasons as read.  Imports keep the file's.
CREATE FUNCTION a4.guard_acknowledgements() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    actor TEXT := a4.actor();
    importing BOOLEAN := a4.is_admin() AND coalesce(current_setting('a4.import_source', true), '') <> '';
    given JSONB;
    was JSONB;
BEGIN
    IF importing OR jsonb_typeof(NEW.payload->'overrides') IS DISTINCT FROM 'array' THEN
        RETURN NEW;
    END IF;
    FOR given IN SELECT jsonb_array_elements(NEW.payload->'overrides') LOOP
        was := NULL;
        IF TG_OP = 'UPDATE' AND jsonb_typeof(OLD.payload->'overrides') = 'array' THEN
            SELECT o INTO was FROM jsonb_array_elements(OLD.payload->'overrides') AS o
            WHERE o->>'key' = given->>'key' LIMIT 1;
        END IF;
        IF (coalesce(given->>'acknowledged_by', ''), coalesce(given->>'acknowledged_on', ''))
           IS DISTINCT FROM (coalesce(was->>'acknowledged_by', ''), coalesce(was->>'acknowledged_on', ''))
           AND (coalesce(was->>'acknowledged_by', '') <> ''
                OR coalesce(given->>'acknowledged_by', '') <> actor
                OR actor = NEW.author) THEN
            RAISE EXCEPTION 'only a QA assessor acknowledges a reason for a check submitted past, in their '
                'own name, once' USING ERRCODE = 'A4003';
        END IF;
    END LOOP;
    RETURN NEW;
END $$;
CREATE TRIGGER records_acknowledgements BEFORE INSERT OR UPDATE ON a4.records
    FOR EACH ROW EXECUTE FUNCTION a4.guard_acknowledgements();
"""

_OWN_NAME = """
-- Sign-off is given in the login's own name.  An administrator's connection no longer names someone else
-- with a4.act_as (it let an administrator approve their own record in a QA assessor's name, or countersign
-- as one): only a superuser's is honoured, and a superuser goes around every rule anyway (docs/team.md).
-- An administrator resolves a QA comment in their own name.
CREATE OR REPLACE FUNCTION a4.actor() RETURNS text LANGUAGE sql STABLE
AS $$ SELECT CASE WHEN coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
                       AND coalesce(current_setting('a4.act_as', true), '') <> ''
                  THEN current_setting('a4.act_as', true) ELSE current_user::text END $$;
COMMENT ON FUNCTION a4.actor() IS
    'The login acting; only a superuser''s connection (the shared tests) may name another with a4.act_as.';

CREATE OR REPLACE FUNCTION a4.guard_signoff() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    actor TEXT := a4.actor();
    target RECORD;
BEGIN
    IF current_user = 'a4_owner' THEN  -- the database's own functions (imports of a file's history)
        RETURN NEW;
    END IF;
    SELECT r.status, r.author, c.owner INTO target
    FROM a4.records AS r JOIN a4.cases AS c ON c.id = r.case_id WHERE r.id = NEW.record_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no record that you may see with this id' USING ERRCODE = 'A4008';
    END IF;
    IF TG_OP = 'UPDATE' THEN  -- a comment resolved: once, by the record's author, the case's owner or an admin
        IF OLD.resolved_by <> '' OR target.status = 'locked'
           OR (actor NOT IN (target.author, target.owner) AND NOT a4.is_admin()) THEN
            RAISE EXCEPTION 'a QA comment is resolved once, by the record''s author' USING ERRCODE = 'A4009';
        END IF;
        NEW.resolved_by := actor;
        PERFORM a4.check_time('resolved_at', NEW.resolved_at);
        RETURN NEW;
    END IF;
    IF NEW.imported_from <> '' THEN
        RAISE EXCEPTION 'history from a file comes in only through an import' USING ERRCODE = 'A4005';
    END IF;
    IF actor IN (target.author, target.owner) THEN
        RAISE EXCEPTION 'nobody grades or comments on their own record for QA' USING ERRCODE = 'A4003';
    END IF;
    IF target.status NOT IN ('submitted', 'approved') THEN
        RAISE EXCEPTION 'a record is graded while it is submitted (or approved, for a second countersignature)'
            USING ERRCODE = 'A4006';
    END IF;
    NEW.by := actor;
    PERFORM a4.check_time('at', NEW.at);
    RETURN NEW;
END $$;

-- What the database holds of the reasons given for submitting past a failing check (the checks themselves
-- are Python and run in the app): each reason has three words or more and is the author's when the record
-- is submitted; from submission until the record is returned the reasons stay as given (only their
-- acknowledgements are added); nobody approves or locks a record while a reason waits unacknowledged.
-- And an import that replaces a record never makes it its importer's own as approved or locked, nor moves
-- it back along the workflow.  Named to fire after records_guard, which says first who may write.
CREATE FUNCTION a4.override_reasons(payload jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
AS $$ SELECT coalesce(jsonb_agg(jsonb_build_object('key', o->'key', 'message', o->'message', 'path', o->'path',
                                                  'reason', o->'reason', 'by', o->'by', 'on', o->'on')
                                ORDER BY o->>'key'), '[]'::jsonb)
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(payload->'overrides') = 'array'
                                     THEN payload->'overrides' ELSE '[]'::jsonb END) AS o $$;

CREATE FUNCTION a4.status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE status WHEN 'draft' THEN 0 WHEN 'returned' THEN 1 WHEN 'submitted' THEN 2
                         WHEN 'approved' THEN 3 WHEN 'locked' THEN 4 ELSE -1 END $$;

CREATE FUNCTION a4.guard_signoff_steps() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    actor TEXT := a4.actor();
    importing BOOLEAN := a4.is_admin() AND coalesce(current_setting('a4.import_source', true), '') <> '';
    stepped BOOLEAN := TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status;
    given JSONB;
BEGIN
    IF stepped AND NEW.status IN ('approved', 'locked')
       AND (NEW.author IN (actor, current_user::text)
            OR EXISTS (SELECT 1 FROM a4.cases WHERE id = NEW.case_id AND owner IN (actor, current_user::text))) THEN
        RAISE EXCEPTION 'nobody approves, locks or imports as approved their own record (%)', NEW.id
            USING ERRCODE = 'A4003';
    END IF;
    IF TG_OP = 'INSERT' OR importing THEN
        IF TG_OP = 'UPDATE' AND a4.status_rank(NEW.status) < a4.status_rank(OLD.status) THEN
            RAISE EXCEPTION 'an import does not move a % record back to %', OLD.status, NEW.status
                USING ERRCODE = 'A4006';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status IN ('submitted', 'approved')
       AND a4.override_reasons(NEW.payload) IS DISTINCT FROM a4.override_reasons(OLD.payload) THEN
        RAISE EXCEPTION 'the reasons given for submitting past a failing check stay as given until the record '
            'is returned' USING ERRCODE = 'A4012';
    END IF;
    IF stepped AND NEW.status = 'submitted' THEN
        FOR given IN SELECT jsonb_array_elements(a4.override_reasons(NEW.payload)) LOOP
            IF coalesce(array_length(regexp_split_to_array(btrim(coalesce(given->>'reason', '')), '\\s+'), 1), 0) < 3
               OR btrim(coalesce(given->>'reason', '')) = '' OR given->>'by' IS DISTINCT FROM NEW.author THEN
                RAISE EXCEPTION 'each reason for submitting past a failing check is the author''s, in 3 words or '
                    'more (%)', coalesce(given->>'message', '') USING ERRCODE = 'A4012';
            END IF;
        END LOOP;
    END IF;
    IF stepped AND NEW.status IN ('approved', 'locked') AND EXISTS (
            SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(NEW.payload->'overrides') = 'array'
                                                    THEN NEW.payload->'overrides' ELSE '[]'::jsonb END) AS o
            WHERE coalesce(o->>'acknowledged_by', '') = '') THEN
        RAISE EXCEPTION 'a reason for submitting past a failing check waits to be acknowledged before the record '
            'is countersigned' USING ERRCODE = 'A4012';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER records_signoff_steps BEFORE INSERT OR UPDATE ON a4.records
    FOR EACH ROW EXECUTE FUNCTION a4.guard_signoff_steps();
"""

_DUE_DATES = """
-- Due dates are the database's to check for an administrator too (an administrator's UPDATE of a case
-- skipped every check): only an import brings a case's dates from a file.  The first due date is checked
-- when a case is added or its start or due date changes, so a case imported with its file's dates still
-- takes a handover or an edit that leaves them alone.
CREATE OR REPLACE FUNCTION a4.guard_case() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    approved_on DATE;
BEGIN
    IF a4.is_admin() AND coalesce(current_setting('a4.import_source', true), '') <> '' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.initial_working_days, NEW.review_weeks)
                            IS DISTINCT FROM (OLD.initial_working_days, OLD.review_weeks) THEN
        RAISE EXCEPTION 'a case''s deadlines are set when it is added' USING ERRCODE = 'A4005';
    END IF;
    IF (TG_OP = 'INSERT' OR (NEW.start, NEW.initial_due) IS DISTINCT FROM (OLD.start, OLD.initial_due))
       AND (NEW.start !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' OR NEW.initial_due !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            OR NEW.initial_due::date < NEW.start::date
            OR NEW.initial_due::date > NEW.start::date + (NEW.initial_working_days * 7 / 5 + 21)) THEN
        RAISE EXCEPTION 'the first due date follows from the start date (% working days)', NEW.initial_working_days
            USING ERRCODE = 'A4005';
    END IF;
    IF NEW.next_review IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.next_review ELSE '' END) THEN
        SELECT max(left(updated_at, 10)::date) INTO approved_on FROM a4.records
        WHERE case_id = NEW.id AND status IN ('approved', 'locked');
        IF approved_on IS NULL OR NEW.next_review !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
           OR NEW.next_review::date < approved_on
           OR NEW.next_review::date > approved_on + (NEW.review_weeks * 7 + 21) THEN
            RAISE EXCEPTION 'the next review follows from the last approval (% weeks)', NEW.review_weeks
                USING ERRCODE = 'A4005';
        END IF;
    END IF;
    RETURN NEW;
END $$;
"""

_CASE_CHANGES = """
-- Corrections of a case's details: one row per changed field (name, national identifier, start date, form,
-- each part of the sentence as sentence.KEY), with the value before and after as text, written only by the
-- database's own trigger in the same transaction as the change, naming the login itself (session_user)
-- and stamping its own clock.  Seen by whoever sees the case; nobody inserts, changes or deletes one.
-- The owner's changes are handovers (a4.handovers) and the due dates follow from the start date and
-- approvals, so neither is kept here.  Existing cases have none yet.
CREATE TABLE a4.case_changes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES a4.cases (id),
    case_ref TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT NOT NULL DEFAULT '',
    new TEXT NOT NULL DEFAULT '',
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX case_changes_case ON a4.case_changes (case_id, seq);
ALTER TABLE a4.case_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE a4.case_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON a4.case_changes TO a4_owner USING (true) WITH CHECK (true);
CREATE POLICY case_changes_read ON a4.case_changes FOR SELECT
    USING (EXISTS (SELECT 1 FROM a4.cases AS c WHERE c.id = case_id));
CREATE TRIGGER case_changes_are_kept BEFORE UPDATE OR DELETE ON a4.case_changes
    FOR EACH ROW EXECUTE FUNCTION a4.refuse_change('a correction of a case');
CREATE TRIGGER case_changes_are_never_emptied BEFORE TRUNCATE ON a4.case_changes
    FOR EACH STATEMENT EXECUTE FUNCTION a4.refuse_change('a correction of a case');

-- A value as a correction keeps it (storage.sql.rows.change_text): text as it is, a list's items joined
-- with "; ", none ''.
CREATE FUNCTION a4.change_text(value jsonb) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE jsonb_typeof(value)
                 WHEN 'string' THEN value #>> '{}'
                 WHEN 'array' THEN coalesce((
                     SELECT string_agg(CASE jsonb_typeof(item) WHEN 'string' THEN item #>> '{}' ELSE item::text END,
                                       '; ' ORDER BY n)
                     FROM jsonb_array_elements(value) WITH ORDINALITY AS t (item, n)), '')
                 WHEN 'null' THEN ''
                 ELSE coalesce(value::text, '') END $$;

CREATE FUNCTION a4.record_case_changes() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = a4, pg_temp AS $$
DECLARE
    was JSONB := CASE WHEN jsonb_typeof(OLD.sentence) = 'object' THEN OLD.sentence ELSE '{}'::jsonb END;
    became JSONB := CASE WHEN jsonb_typeof(NEW.sentence) = 'object' THEN NEW.sentence ELSE '{}'::jsonb END;
BEGIN
    INSERT INTO a4.case_changes (case_id, case_ref, field, old, new, by, at)
    SELECT NEW.id, NEW.ref, f.field, f.old, f.new, session_user::text, a4.db_now()
    FROM (SELECT 1, 'name', OLD.name, NEW.name
          UNION ALL SELECT 2, 'national_id', OLD.national_id, NEW.national_id
          UNION ALL SELECT 3, 'start', OLD.start, NEW.start
          UNION ALL SELECT 4, 'form_id', OLD.form_id, NEW.form_id
          UNION ALL SELECT 5, 'sentence.' || k, a4.change_text(was -> k), a4.change_text(became -> k)
                    FROM (SELECT jsonb_object_keys(was) UNION SELECT jsonb_object_keys(became)) AS keys (k)
         ) AS f (rank, field, old, new)
    WHERE f.old IS DISTINCT FROM f.new
    ORDER BY f.rank, f.field COLLATE "C";
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION a4.record_case_changes() FROM PUBLIC;
CREATE TRIGGER cases_changes AFTER UPDATE OF name, national_id, start, form_id, sentence ON a4.cases
    FOR EACH ROW EXECUTE FUNCTION a4.record_case_changes();
REVOKE ALL ON a4.case_changes FROM PUBLIC;
GRANT SELECT ON a4.case_changes TO a4_practitioner, a4_qa_assessor, a4_admin;
"""


MIGRATIONS: tuple[str, ...] = (
    _V1,
    _V2,
    _V3,
    _V4,
    _V5,
    _CASE_IDS,
    _PRESENCE,
    _ARCHIVALS,
    _ACKNOWLEDGEMENTS,
    _OWN_NAME,
    _DUE_DATES,
    _CASE_CHANGES,
)
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
    forms_added: tuple[tuple[str, str, str], ...] = ()
    """(kind, id, version) of each form definition this run added to the database."""

    def lines(self) -> list[str]:
        said = [f"created role {r} ({GROUP_ROLES[r]})" for r in self.roles_created]
        said += [f"role {r} already exists; kept" for r in self.roles_kept]
        said += [
            f"added form definition {form_id} {version} ({kind})"
            for kind, form_id, version in self.forms_added
        ]
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


def initialise(conn: Any, form_dirs: Sequence[Path] = ()) -> InitReport:
    """Create the group roles, then create or upgrade the schema, each in its own transaction.

    `conn` is a psycopg connection of a login that may create roles and
    owns (or may create objects in) the database.  Roles belong to the
    whole server, so they are created first and kept if they exist.
    Everything in the schema is owned by the NOLOGIN role `a4_owner`: the
    login is made a member only for the length of the upgrade and loses it
    again before the transaction commits, so afterwards it cannot switch the
    rules off (`ALTER TABLE … DISABLE TRIGGER`, `NO FORCE ROW LEVEL SECURITY`).
    In the same way it is an administrator (`a4_admin`, which adds form
    definitions) only while it adds A4's forms: a login that may create roles
    can go around the rules, so it is never left holding a casework role
    (`a4 db check` fails when one does).
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
    with conn.transaction():
        superuser, admin = conn.execute(
            "SELECT rolsuper, pg_has_role(current_user, 'a4_admin', 'MEMBER') FROM pg_roles "
            "WHERE rolname = current_user"
        ).fetchone()
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        found = stored_version(conn.execute)
        if found is not None and found > SCHEMA_VERSION:
            raise NewerSchemaVersion(found)
        if found is None or found < SCHEMA_VERSION:
            found = _upgrade(conn, found, temporary_member=not superuser)
        if not (superuser or admin):
            conn.execute("GRANT a4_admin TO CURRENT_USER")
        added = publish_forms(conn, form_dirs)
        if not (superuser or admin):
            conn.execute("REVOKE a4_admin FROM CURRENT_USER")
    return InitReport(tuple(created), tuple(kept), found, SCHEMA_VERSION, tuple(added))


def _upgrade(conn: Any, found: int | None, *, temporary_member: bool) -> int:
    """Run the missing migrations as `a4_owner`; returns the version the database had (0: none)."""
    if temporary_member:
        conn.execute(f"GRANT {OWNER_ROLE} TO CURRENT_USER")
    conn.execute(_OWNER_MAY_CREATE)
    if found is None:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA} AUTHORIZATION {OWNER_ROLE}")
        conn.execute(f"SET LOCAL ROLE {OWNER_ROLE}")
        conn.execute(f"CREATE TABLE {SCHEMA}.schema_version (version INTEGER NOT NULL)")
        conn.execute(f"INSERT INTO {SCHEMA}.schema_version VALUES (0)")
        conn.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO PUBLIC")
        conn.execute(f"GRANT SELECT ON {SCHEMA}.schema_version TO PUBLIC")
        found = 0
    else:
        conn.execute(_HAND_OVER)
        conn.execute(f"SET LOCAL ROLE {OWNER_ROLE}")
    for step in MIGRATIONS[found:]:
        conn.execute(step)
    conn.execute(f"UPDATE {SCHEMA}.schema_version SET version = %s", (SCHEMA_VERSION,))
    conn.execute("RESET ROLE")
    if temporary_member:
        conn.execute(f"REVOKE {OWNER_ROLE} FROM CURRENT_USER")
    return found


_OWNER_MAY_CREATE = """
DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO a4_owner', current_database()); END $$
"""
"""A schema's owner must be allowed to create in the database (PostgreSQL's rule for `ALTER SCHEMA … OWNER`)."""

_HAND_OVER = """
DO $$
DECLARE
    item RECORD;
BEGIN
    EXECUTE 'ALTER SCHEMA a4 OWNER TO a4_owner';
    FOR item IN SELECT c.oid::regclass AS name FROM pg_class AS c
                WHERE c.relnamespace = 'a4'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
                AND c.relowner <> 'a4_owner'::regrole LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO a4_owner', item.name);
    END LOOP;
    FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc AS p
                WHERE p.pronamespace = 'a4'::regnamespace AND p.proowner <> 'a4_owner'::regrole LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO a4_owner', item.name);
    END LOOP;
END $$
"""
"""Give a schema set up before version 2 (owned by the login that ran `a4 db init`) to `a4_owner`."""


def publish_forms(conn: Any, form_dirs: Sequence[Path] = ()) -> list[tuple[str, str, str]]:
    """Add the form definitions the database lacks: A4's own and those in `form_dirs` (`a4 --forms DIR`).

    Records may only name a definition the database holds, and only an
    administrator adds one, so `a4 db init` adds them, as the administrator
    running it; a definition with problems is left out, as everywhere.
    """
    from forms.definition.registry import load_registry

    registry, _errors = load_registry(list(form_dirs))
    added: list[tuple[str, str, str]] = []
    for form in registry.all():
        try:
            text = Path(form.header.source).read_text(encoding="utf-8-sig")
        except OSError:
            continue
        key = (form.header.kind, form.id, form.version)
        inserted = conn.execute(
            "INSERT INTO a4.definitions (kind, id, version, source, saved_at, sha256) "
            "VALUES (%s, %s, %s, %s, '', encode(sha256(convert_to(%s, 'UTF8')), 'hex')) ON CONFLICT DO NOTHING",
            (*key, text, text),
        )
        if inserted.rowcount == 1:
            added.append(key)
    return added

"""The SQLite schema, as the list of migrations that builds it.

`PRAGMA user_version` holds how many migrations a file has had.  A new file
runs them all; an older file runs the missing ones in place, inside one
transaction, so an interrupted upgrade leaves the old file as it was.
Migrations are append-only: once released, a step is never edited, because
files in the field were built by it.
"""

from __future__ import annotations

import json
import sqlite3

from storage.sql.rows import reason_paths_of, source_hash

_V1 = """
CREATE TABLE cases (
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
CREATE INDEX cases_owner ON cases(owner);

CREATE TABLE records (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    case_ref TEXT NOT NULL REFERENCES cases(ref),
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    author TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    reviews TEXT REFERENCES records(id),
    amends TEXT REFERENCES records(id),
    words INTEGER NOT NULL DEFAULT 0,
    payload TEXT NOT NULL
);
CREATE INDEX records_case ON records(case_ref);

CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records(id),
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    old TEXT,
    new TEXT,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_record ON audit(record_id);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
CREATE TRIGGER records_are_kept BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
CREATE TRIGGER locked_records_are_final BEFORE UPDATE ON records WHEN OLD.status = 'locked'
BEGIN SELECT RAISE(ABORT, 'a locked record cannot be changed'); END;
"""

_V2 = """
-- Active writing time moves out of the JSON payload into its own column, and
-- a covering index holds what the caseload shows of each record, so listing
-- 10,000 cases reads the index only: no JSON parsing, no large record rows.
ALTER TABLE records ADD COLUMN active_seconds INTEGER NOT NULL DEFAULT 0;
DROP TRIGGER locked_records_are_final;
UPDATE records
SET active_seconds = coalesce(json_extract(payload, '$.active_seconds'), 0),
    payload = json_remove(payload, '$.active_seconds');
CREATE TRIGGER locked_records_are_final BEFORE UPDATE ON records WHEN OLD.status = 'locked'
BEGIN SELECT RAISE(ABORT, 'a locked record cannot be changed'); END;
DROP INDEX records_case;
CREATE INDEX records_listing ON records(case_ref, seq, status, words, active_seconds);
"""

_V3 = """
-- A copy of every form definition a record was written against, so a record
-- opens with its own version even after the file is changed or deleted.
CREATE TABLE definitions (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    source TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (kind, id, version)
);
CREATE TRIGGER definitions_are_kept_update BEFORE UPDATE ON definitions
BEGIN SELECT RAISE(ABORT, 'a kept definition cannot be changed'); END;
CREATE TRIGGER definitions_are_kept_delete BEFORE DELETE ON definitions
BEGIN SELECT RAISE(ABORT, 'a kept definition cannot be deleted'); END;
"""

_V4 = """
-- The caseload's order (soonest due first) as indexes, so the first screenful
-- of a 10,000-case caseload is read without sorting every case.
CREATE INDEX cases_due ON cases((CASE WHEN next_review <> '' THEN next_review ELSE initial_due END), ref);
CREATE INDEX cases_owner_due
    ON cases(owner, (CASE WHEN next_review <> '' THEN next_review ELSE initial_due END), ref);
"""

_V5 = """
-- Case context: the sentence or order (type, length, dates, requirements, court) as JSON, and an optional
-- national identifier.  Existing cases keep every value and simply have none known yet.
ALTER TABLE cases ADD COLUMN sentence TEXT NOT NULL DEFAULT '{}';
ALTER TABLE cases ADD COLUMN national_id TEXT NOT NULL DEFAULT '';
"""

_V6 = """
-- Handovers: a case moved from one practitioner to another, kept for good.
CREATE TABLE handovers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    case_ref TEXT NOT NULL REFERENCES cases(ref),
    old_owner TEXT NOT NULL,
    new_owner TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX handovers_case ON handovers(case_ref);
CREATE TRIGGER handovers_are_kept_update BEFORE UPDATE ON handovers
BEGIN SELECT RAISE(ABORT, 'a handover cannot be changed'); END;
CREATE TRIGGER handovers_are_kept_delete BEFORE DELETE ON handovers
BEGIN SELECT RAISE(ABORT, 'a handover cannot be deleted'); END;
"""

_V7 = """
-- Grades, QA comments and countersignatures move out of the payload into tables of their own, so a save
-- of the record (which rewrites the payload) can never write a sign-off; each row says whether it came in
-- with an imported file.  The payloads themselves are left as they were (locked records never change).
CREATE TABLE grades (
    seq INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records(id),
    criterion TEXT NOT NULL,
    level TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    imported_from TEXT NOT NULL DEFAULT ''
);
CREATE INDEX grades_record ON grades(record_id, seq);
CREATE TABLE comments (
    seq INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records(id),
    id TEXT NOT NULL,
    path TEXT NOT NULL,
    text TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    resolved_by TEXT NOT NULL DEFAULT '',
    resolved_at TEXT NOT NULL DEFAULT '',
    imported_from TEXT NOT NULL DEFAULT ''
);
CREATE INDEX comments_record ON comments(record_id, seq);
CREATE TABLE signatures (
    seq INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records(id),
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    imported_from TEXT NOT NULL DEFAULT ''
);
CREATE INDEX signatures_record ON signatures(record_id, seq);
INSERT INTO grades (record_id, criterion, level, comment, by, at)
SELECT r.id, coalesce(json_extract(g.value, '$.criterion'), ''),
       coalesce(json_extract(g.value, '$.level'), ''),
       coalesce(json_extract(g.value, '$.comment'), ''), coalesce(json_extract(g.value, '$.by'), ''),
       coalesce(json_extract(g.value, '$.on'), '')
FROM records AS r, json_each(r.payload, '$.grades') AS g
WHERE json_type(r.payload, '$.grades') = 'array' ORDER BY r.seq, g.key;
INSERT INTO comments (record_id, id, path, text, by, at, resolved_by, resolved_at)
SELECT r.id, coalesce(json_extract(c.value, '$.id'), ''), coalesce(json_extract(c.value, '$.path'), ''),
       coalesce(json_extract(c.value, '$.text'), ''), coalesce(json_extract(c.value, '$.by'), ''),
       coalesce(json_extract(c.value, '$.on'), ''), coalesce(json_extract(c.value, '$.resolved_by'), ''),
       coalesce(json_extract(c.value, '$.resolved_on'), '')
FROM records AS r, json_each(r.payload, '$.comments') AS c
WHERE json_type(r.payload, '$.comments') = 'array' ORDER BY r.seq, c.key;
INSERT INTO signatures (record_id, by, at)
SELECT r.id, coalesce(json_extract(s.value, '$.by'), ''), coalesce(json_extract(s.value, '$.on'), '')
FROM records AS r, json_each(r.payload, '$.signatures') AS s
WHERE json_type(r.payload, '$.signatures') = 'array' ORDER BY r.seq, s.key;
CREATE TRIGGER grades_are_kept_update BEFORE UPDATE ON grades
BEGIN SELECT RAISE(ABORT, 'a grade cannot be changed'); END;
CREATE TRIGGER grades_are_kept_delete BEFORE DELETE ON grades
BEGIN SELECT RAISE(ABORT, 'a grade cannot be deleted'); END;
CREATE TRIGGER signatures_are_kept_update BEFORE UPDATE ON signatures
BEGIN SELECT RAISE(ABORT, 'a countersignature cannot be changed'); END;
CREATE TRIGGER signatures_are_kept_delete BEFORE DELETE ON signatures
BEGIN SELECT RAISE(ABORT, 'a countersignature cannot be deleted'); END;
CREATE TRIGGER comments_are_kept_delete BEFORE DELETE ON comments
BEGIN SELECT RAISE(ABORT, 'a QA comment cannot be deleted'); END;
CREATE TRIGGER comments_resolve_once BEFORE UPDATE ON comments
WHEN OLD.resolved_by <> '' OR NEW.record_id IS NOT OLD.record_id OR NEW.id IS NOT OLD.id
     OR NEW.path IS NOT OLD.path OR NEW.text IS NOT OLD.text OR NEW.by IS NOT OLD.by OR NEW.at IS NOT OLD.at
     OR NEW.imported_from IS NOT OLD.imported_from
BEGIN SELECT RAISE(ABORT, 'a QA comment is only ever resolved, once'); END;

ALTER TABLE audit ADD COLUMN imported_from TEXT NOT NULL DEFAULT '';

-- Kept definitions are addressed by the SHA-256 of their text, and say which answers need a reason.
DROP TRIGGER definitions_are_kept_update;
ALTER TABLE definitions ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE definitions ADD COLUMN reason_paths TEXT NOT NULL DEFAULT '[]';
UPDATE definitions SET sha256 = a4_sha256(source), reason_paths = a4_reason_paths(source);
CREATE TRIGGER definitions_are_kept_update BEFORE UPDATE ON definitions
BEGIN SELECT RAISE(ABORT, 'a kept definition cannot be changed'); END;
DROP TRIGGER definitions_are_kept_delete;
CREATE TRIGGER definitions_are_kept_delete BEFORE DELETE ON definitions
WHEN EXISTS (SELECT 1 FROM records WHERE form_id = OLD.id AND form_version = OLD.version)
     AND OLD.kind = 'assessment'
BEGIN SELECT RAISE(ABORT, 'a kept definition used by records cannot be deleted'); END;
"""

_V8 = """
-- One case has at most one open (draft, submitted or returned) record of each
-- kind, for every writer of the file.  A trigger, not a unique index, so a
-- file that already holds two (made before this rule) still opens.
CREATE TRIGGER one_open_record_per_kind BEFORE INSERT ON records
WHEN NEW.status IN ('draft', 'submitted', 'returned') AND EXISTS (
    SELECT 1 FROM records
    WHERE case_ref = NEW.case_ref AND kind = NEW.kind AND status IN ('draft', 'submitted', 'returned'))
BEGIN SELECT RAISE(ABORT, 'this case already has an open record of this kind; open it instead'); END;
"""

_V9 = """
-- Who has a record open, from which window, renewed while the window is open: a second window on the
-- record says so (storage.store.Store.claim).  A claim not renewed lapses (a crashed window's too).
CREATE TABLE presence (
    record_id TEXT NOT NULL REFERENCES records(id),
    window_id TEXT NOT NULL,
    who TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT 'editing' CHECK (mode IN ('editing', 'reading')),
    since TEXT NOT NULL,
    seen TEXT NOT NULL,
    PRIMARY KEY (record_id, window_id)
);
"""

_V10 = """
-- Archiving a case imported by mistake: it leaves the caseload, the lists, the QA queue and caseload
-- exports, and is kept whole.  Each archiving and each bringing back is one row here, never changed or
-- deleted; a case is archived while its latest row says so.  Cases themselves are never deleted.
CREATE TABLE archivals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    case_ref TEXT NOT NULL REFERENCES cases(ref),
    archived INTEGER NOT NULL CHECK (archived IN (0, 1)),
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX archivals_case ON archivals(case_ref, seq);
CREATE TRIGGER archivals_are_kept_update BEFORE UPDATE ON archivals
BEGIN SELECT RAISE(ABORT, 'an archiving cannot be changed'); END;
CREATE TRIGGER archivals_are_kept_delete BEFORE DELETE ON archivals
BEGIN SELECT RAISE(ABORT, 'an archiving cannot be deleted'); END;
CREATE TRIGGER cases_are_kept BEFORE DELETE ON cases
BEGIN SELECT RAISE(ABORT, 'a case is never deleted; an administrator archives it instead'); END;
"""

_V11 = """
-- Corrections of a case's details (name, national identifier, start date, form, each part of the
-- sentence): one row per changed field, with the value before and after, who and when, written by the
-- store in the same transaction as the correction and kept for good.  Existing cases have none yet.
CREATE TABLE case_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    case_ref TEXT NOT NULL REFERENCES cases(ref),
    field TEXT NOT NULL,
    old TEXT NOT NULL DEFAULT '',
    new TEXT NOT NULL DEFAULT '',
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX case_changes_case ON case_changes(case_ref, seq);
CREATE TRIGGER case_changes_are_kept_update BEFORE UPDATE ON case_changes
BEGIN SELECT RAISE(ABORT, 'a correction of a case cannot be changed'); END;
CREATE TRIGGER case_changes_are_kept_delete BEFORE DELETE ON case_changes
BEGIN SELECT RAISE(ABORT, 'a correction of a case cannot be deleted'); END;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11)
"""Migration `i` takes a file from schema version `i` to `i + 1`."""

SCHEMA_VERSION = len(MIGRATIONS)


def file_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring an open file up to `SCHEMA_VERSION` in one transaction; returns the version it had.

    The version is read again inside the write lock, so two processes
    opening an old file at once migrate it only once.
    """
    conn.create_function("a4_sha256", 1, source_hash, deterministic=True)
    conn.create_function(
        "a4_reason_paths", 1, lambda text: json.dumps(reason_paths_of(text)), deterministic=True
    )
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = file_version(conn)
        for step in MIGRATIONS[found:]:
            for statement in _statements(step):
                conn.execute(statement)
        if found < SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return [s for s in statements if s]

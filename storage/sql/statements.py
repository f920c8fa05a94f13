"""The SQL both storage engines run, written once and built for each engine's dialect.

The SQLite and PostgreSQL engines store the same tables with the same
meaning; their SQL differs only in a few places (the placeholder, how a
JSON column is written and read, row locks, "insert unless present", and
how the caseload finds each case's latest record).  `Dialect` names those
places; `Statements` builds every query from it once, when the engine's
module is imported, so no query text is assembled on the save path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from forms.record.workflow import OPEN, REVIEWABLE
from storage.sql.rows import RECORD_COLUMNS

_CASE_COLUMNS = "ref, name, start, owner, form_id, initial_due, next_review, sentence, national_id"
"""The columns `forms.model.Case` is built from, in its field order (`storage.sql.rows.case_from_row`)."""

_AUDIT_COLUMNS = "record_id, kind, actor, at, field, old, new, reason, imported_from"


@dataclass(frozen=True)
class Dialect:
    """Where one engine's SQL and driver differ from the other's."""

    mark: str
    """The parameter placeholder: `?` or `%s`."""
    json_mark: str
    """The placeholder for a JSON column's value, given as JSON text (`%s::jsonb` casts it)."""
    json_text: str
    """Appended to a JSON column read back, so every engine returns its JSON as text to parse once."""
    for_update: str
    """Appended to a read that precedes a write of the same row: a row lock where the engine has them
    (SQLite's `BEGIN IMMEDIATE` already holds the whole file's write lock)."""
    insert_or_ignore: str
    """How an insert that skips an existing key begins (`INSERT OR IGNORE INTO` or `INSERT INTO`)."""
    on_conflict_ignore: str
    """How it ends (nothing, or ` ON CONFLICT DO NOTHING`)."""
    latest_record_join: str
    """The caseload's join of each case (`c`) to its latest record (`r`), the engine's fastest way."""
    handover_note: str
    """Run before a handover's owner change: '' where the engine writes the handover row itself, else the
    statement that hands the note to the database's own trigger (which writes the row)."""
    sentence_end: str
    """The expression reading a case's (`c`) sentence end date from its JSON, '' when it has none."""
    risk_answer: str
    """The expression reading one answer (the parameter) from a record's payload."""
    risk_key: Callable[[str | None], Any]
    """The parameter `risk_answer` takes for an answer path (None: no risk level is watched)."""
    text_order: str
    """Appended to a text column sorted on, so both engines sort by code point."""
    save_returns_row: bool
    """Whether a save's UPDATE returns the saved row (`RETURNING`), sparing a second read."""
    duplicate_case: tuple[type[Exception], ...]
    """Driver errors meaning a case with that reference already exists."""
    duplicate_record: tuple[type[Exception], ...]
    """Driver errors meaning a record's id exists already, or its case or linked record does not."""
    id_set: str
    """A subquery giving the record ids of one parameter, a JSON array of ids."""
    derives_reason_paths: bool
    """Whether the definitions table reads the answers needing a reason from the text itself (PostgreSQL's
    generated column), so the engine does not send them."""
    presence_cutoff: str
    """The expression for the oldest `seen` time of a claim still open, from one parameter: the time itself
    (the store's clock), or a number of seconds before the database's own clock (a team database stamps
    claims itself, so its clock is the one to compare with)."""
    case_match: str = "ref = {m}"
    """Picks a case by the reference the caller gives (one parameter).  A team database keeps references
    unique per owner, so it picks the case the login means: its own, else the first by owner."""
    case_records_match: str = "case_ref = {m}"
    """Picks the records (or handovers) of the case `case_match` picks, from the same parameter."""
    record_case_match: str = "ref = (SELECT case_ref FROM records WHERE id = {m})"
    """Picks the case of one record (the parameter: the record's id)."""
    archive_call: str = ""
    """'' where the engine writes an archiving's row itself, else the call of the database's own function
    (case reference and owner, archive or bring back, reason) that checks who acts and writes the row."""
    case_key: str = "ref"
    """The column of `cases` that other tables point at: the reference, or a team database's case id."""
    case_link: str = "case_ref"
    """The column of `records` and `archivals` holding that pointer."""


class Statements:
    """Every query the shared engine runs, built once for one dialect."""

    def __init__(self, d: Dialect) -> None:
        m, j, fu = d.mark, d.json_mark, d.for_update
        self.dialect = d
        record_columns = ", ".join(RECORD_COLUMNS).replace("payload", f"payload{d.json_text}")
        case_columns = _CASE_COLUMNS.replace("sentence", f"sentence{d.json_text}")
        by_ref = d.case_match.format(m=m)
        of_case = d.case_records_match.format(m=m)
        self.case = f"SELECT {case_columns} FROM cases WHERE {by_ref}"
        of_owner = f"ref = {m} AND owner = {m}"
        deadlines = "SELECT initial_working_days, review_weeks FROM cases WHERE "
        self.case_deadlines: dict[bool, str] = {False: deadlines + by_ref, True: deadlines + of_owner}
        """A case's own deadlines (set when it was added), by (named with its owner too?)."""
        self.case_deadlines_for_update = {by: query + fu for by, query in self.case_deadlines.items()}
        self.case_deadlines_of_record = (
            f"SELECT initial_working_days, review_weeks FROM cases WHERE {d.record_case_match.format(m=m)}"
        )
        self.case_for_update = self.case + fu
        self.case_owners = f"SELECT owner FROM cases WHERE ref = {m} ORDER BY owner"
        case_update = (
            f"UPDATE cases SET name = {m}, start = {m}, owner = {m}, form_id = {m}, initial_due = {m}, "
            f"sentence = {j}, national_id = {m} WHERE "
        )
        self.case_update: dict[bool, str] = {False: case_update + by_ref, True: case_update + of_owner}
        """Changing a case, by (named with its owner too?): a team database may hold two of one reference."""
        self.case_insert = (
            "INSERT INTO cases (ref, name, start, owner, form_id, initial_working_days, review_weeks, "
            f"initial_due, sentence, national_id) VALUES ({_marks(m, 8)}, {j}, {m})"
        )
        self.case_import = (
            f"{d.insert_or_ignore} cases (ref, name, start, owner, form_id, initial_working_days, "
            f"review_weeks, initial_due, next_review, sentence, national_id) "
            f"VALUES ({_marks(m, 9)}, {j}, {m}){d.on_conflict_ignore}"
        )
        self.next_review_update = f"UPDATE cases SET next_review = {m} WHERE {by_ref}"
        self.next_review_of_record = (
            f"UPDATE cases SET next_review = {m} WHERE {d.record_case_match.format(m=m)}"
        )
        self.case_of_owner = f"SELECT {case_columns} FROM cases WHERE {of_owner}"
        self.case_of_owner_for_update = self.case_of_owner + fu
        self.owner_update = f"UPDATE cases SET owner = {m} WHERE ref = {m} AND owner = {m}"
        self.handover_insert = (
            f"INSERT INTO handovers (case_ref, old_owner, new_owner, by, at, note) VALUES ({_marks(m, 6)})"
        )
        handovers = "SELECT case_ref, old_owner, new_owner, by, at, note FROM handovers"
        self.handovers_of_case = f"{handovers} WHERE {of_case} ORDER BY seq"
        self.handovers_involving = f"{handovers} WHERE old_owner = {m} OR new_owner = {m} ORDER BY seq"
        self.handovers_all = f"{handovers} ORDER BY seq"
        caseload = f"""
            SELECT c.ref, c.name, c.owner, c.start, c.initial_due, c.next_review,
                   r.status, coalesce(r.words, 0), coalesce(r.active_seconds, 0), {d.sentence_end}
            FROM cases AS c
            {d.latest_record_join}
            WHERE {{where}}
            ORDER BY CASE WHEN c.next_review <> '' THEN c.next_review ELSE c.initial_due END, c.ref
        """
        self.caseloads: dict[tuple[bool, bool], str] = {
            (by_owner, archived): caseload.format(
                where=(f"c.owner = {m} AND " if by_owner else "")
                + f"{_archived(d.case_link, f'c.{d.case_key}')} = {int(archived)}"
            )
            for by_owner in (False, True)
            for archived in (False, True)
        }
        """The caseload by (of one owner?, archived cases instead of the others?)."""
        self.limit = f" LIMIT {m}"
        the_case = f"(SELECT {d.case_key} FROM cases WHERE ref = {m} AND owner = {m})"
        """The pointer to one case, by its reference and owner (unique in both engines)."""
        self.archived_state = f"SELECT {_archived(d.case_link, the_case)}"
        self.case_change_insert = (
            f"INSERT INTO case_changes (case_ref, field, old, new, by, at) VALUES ({_marks(m, 6)})"
        )
        case_changes = "SELECT case_ref, field, old, new, by, at FROM case_changes"
        self.case_changes: dict[bool, str] = {
            False: f"{case_changes} WHERE {of_case} ORDER BY seq",
            True: f"{case_changes} WHERE {d.case_link} = {the_case} ORDER BY seq",
        }
        """One case's corrections, by (named with its owner too?)."""
        self.archival_insert = (
            f"INSERT INTO archivals (case_ref, archived, by, at, reason) VALUES ({_marks(m, 5)})"
        )
        archivals = "SELECT case_ref, archived, by, at, reason FROM archivals"
        self.archivals_of_owned_case = f"{archivals} WHERE {d.case_link} = {the_case} ORDER BY seq"
        self.archivals_of_case = f"{archivals} WHERE {of_case} ORDER BY seq"
        self.archivals_all = f"{archivals} ORDER BY seq"

        select_records = f"SELECT {record_columns} FROM records"
        self.record = f"{select_records} WHERE id = {m}"
        self.latest_record = f"{select_records} WHERE {of_case} ORDER BY seq DESC LIMIT 1"
        self.records_for_case = f"{select_records} WHERE {of_case} ORDER BY seq"
        self.listed_records: dict[tuple[bool, bool], str] = {
            (with_status, archived): f"{select_records} WHERE "
            + (f"status = {m} AND " if with_status else "")
            + f"{_archived(d.case_link, f'records.{d.case_link}')} = {int(archived)} ORDER BY seq"
            for with_status in (False, True)
            for archived in (False, True)
        }
        """Every record (or those of one status), by (with a status?, of archived cases instead?)."""
        self.open_record = (
            f"{select_records} WHERE {of_case} AND kind = {m} AND status IN ({_marks(m, len(OPEN))}) "
            "ORDER BY seq DESC LIMIT 1"
        )
        self.latest_reviewable = (
            f"{select_records} WHERE {of_case} AND status IN ({_marks(m, len(REVIEWABLE))}) "
            "ORDER BY seq DESC LIMIT 1"
        )
        self.record_insert = (
            f"INSERT INTO records ({', '.join(RECORD_COLUMNS)}) "
            f"VALUES ({_marks(m, len(RECORD_COLUMNS) - 1)}, {j})"
        )
        self.record_insert_returning_id = self.record_insert + " RETURNING id"
        self.record_status = f"SELECT status FROM records WHERE id = {m}"
        self.record_to_change = f"SELECT status, case_ref, author FROM records WHERE id = {m}{fu}"
        self.save_check = f"SELECT version, status, author, {d.risk_answer} FROM records WHERE id = {m}{fu}"
        self.save_update = (
            f"UPDATE records SET version = version + 1, updated_at = {m}, words = coalesce({m}, words), "
            f"active_seconds = {m}, payload = {j} WHERE id = {m}"
            + (f" RETURNING {record_columns}" if d.save_returns_row else "")
        )
        self.move_update = (
            f"UPDATE records SET version = version + 1, updated_at = {m}, form_version = {m}, "
            f"words = coalesce({m}, words), payload = {j} WHERE id = {m}"
        )
        self.form_version_of = f"SELECT form_version FROM records WHERE id = {m}"
        self.status_update = (
            f"UPDATE records SET status = {m}, version = version + 1, updated_at = {m} WHERE id = {m}"
        )
        self.record_replace = (
            f"UPDATE records SET case_ref = {m}, form_id = {m}, form_version = {m}, kind = {m}, "
            f"status = {m}, author = {m}, version = {m}, created_at = {m}, updated_at = {m}, "
            f"reviews = {m}, amends = {m}, words = {m}, active_seconds = {m}, payload = {j} WHERE id = {m}"
        )

        self.audit_insert = (
            f"INSERT INTO audit ({_AUDIT_COLUMNS}) VALUES ({_marks(m, 5)}, {j}, {j}, {m}, {m})"
        )
        self.audit_imported = (
            f"INSERT INTO audit ({_AUDIT_COLUMNS}) "
            f"VALUES ({m}, 'created', {m}, {m}, 'kind', 'null', {j}, 'imported', '')"
        )
        self.audit_trail = (
            f"SELECT record_id, kind, actor, at, field, old{d.json_text}, new{d.json_text}, reason, "
            f"imported_from FROM audit WHERE record_id = {m} ORDER BY seq"
        )

        presence_columns = "record_id, window_id, who, place, mode, since, seen"
        self.presence_claim = (
            f"INSERT INTO presence ({presence_columns}) VALUES ({_marks(m, 7)}) "
            "ON CONFLICT (record_id, window_id) DO UPDATE SET seen = excluded.seen, place = excluded.place, "
            "since = CASE WHEN presence.mode = excluded.mode THEN presence.since ELSE excluded.since END, "
            "mode = excluded.mode"
        )
        self.presence_clear_lapsed = (
            f"DELETE FROM presence WHERE record_id = {m} AND seen < {d.presence_cutoff}"
        )
        self.presence_release = f"DELETE FROM presence WHERE record_id = {m} AND window_id = {m}"
        self.presence = (
            f"SELECT {presence_columns} FROM presence "
            f"WHERE record_id = {m} AND window_id <> {m} AND seen >= {d.presence_cutoff} "
            "ORDER BY since DESC, window_id"
        )

        ids = d.id_set
        self.grades_of = (
            "SELECT record_id, criterion, level, comment, by, at, imported_from FROM grades "
            f"WHERE record_id IN {ids} ORDER BY seq"
        )
        self.comments_of = (
            "SELECT record_id, id, path, text, by, at, resolved_by, resolved_at, imported_from FROM comments "
            f"WHERE record_id IN {ids} ORDER BY seq"
        )
        self.signatures_of = (
            f"SELECT record_id, by, at, imported_from FROM signatures WHERE record_id IN {ids} ORDER BY seq"
        )
        self.grade_insert = (
            "INSERT INTO grades (record_id, criterion, level, comment, by, at, imported_from) "
            f"VALUES ({_marks(m, 7)})"
        )
        self.comment_insert = (
            "INSERT INTO comments "
            "(record_id, id, path, text, by, at, resolved_by, resolved_at, imported_from) "
            f"VALUES ({_marks(m, 9)})"
        )
        self.signature_insert = (
            f"INSERT INTO signatures (record_id, by, at, imported_from) VALUES ({_marks(m, 4)})"
        )
        self.comment_resolve = (
            f"UPDATE comments SET resolved_by = {m}, resolved_at = {m} "
            f"WHERE record_id = {m} AND id = {m} AND resolved_by = ''"
        )
        self.comment_author = (
            "SELECT r.author, r.status, c.resolved_by "
            "FROM comments AS c JOIN records AS r ON r.id = c.record_id "
            f"WHERE c.record_id = {m} AND c.id = {m}"
        )
        self.import_history = f"SELECT a4.import_history({m}, {m}, {j}, {j}, {j}, {j})"
        self.reason_paths = (
            f"SELECT reason_paths{d.json_text} FROM definitions "
            f"WHERE kind = 'assessment' AND id = {m} AND version = {m}"
        )

        definition_columns = "kind, id, version, source, saved_at, sha256" + (
            "" if d.derives_reason_paths else ", reason_paths"
        )
        self.definition_insert = (
            f"{d.insert_or_ignore} definitions ({definition_columns}) "
            f"VALUES ({_marks(m, len(definition_columns.split(',')))}){d.on_conflict_ignore}"
        )
        self.definition_retire = f"DELETE FROM definitions WHERE kind = {m} AND id = {m} AND version = {m}"
        self.definition = f"SELECT source FROM definitions WHERE kind = {m} AND id = {m} AND version = {m}"
        order = d.text_order
        self.definitions = (
            f"SELECT kind, id, version FROM definitions ORDER BY kind{order}, id{order}, version{order}"
        )


def _archived(link: str, case: str) -> str:
    """1 while the case `case` points at (through the archivals' column `link`) is archived, else 0: its
    latest archiving says so."""
    return (
        "coalesce((SELECT a.archived FROM archivals AS a "
        f"WHERE a.{link} = {case} ORDER BY a.seq DESC LIMIT 1), 0)"
    )


def _marks(mark: str, count: int) -> str:
    return ", ".join([mark] * count)

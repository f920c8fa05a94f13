"""The embedded storage engine: one SQLite file per practitioner.

Why these settings:
- WAL journal: readers never block the writer, and a killed process leaves
  committed transactions in the -wal file for the next open to recover.
- `synchronous=FULL`: each commit is flushed to disk before `save_record`
  returns, so the last save survives a power cut too, not only a killed
  process.  It costs one fsync per save, a few milliseconds at most.
- Every write is one `BEGIN IMMEDIATE` transaction: the write lock is taken
  before reading the version it checks, so two windows cannot both pass the
  optimistic-concurrency check.  `busy_timeout` makes the second wait.
- Answers, plan and agreement live in one JSON payload column; what the
  caseload lists (status, words, active time, dates) has its own columns,
  so listing 10,000 cases never parses JSON.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from forms.deadlines import next_review
from forms.model import Case, Deadlines, Record
from forms.review import carry_forward
from storage.backup import copy_database, daily_backup, latest_backup
from storage.location import PRIVATE_FILE, db_path, ensure_private_dir, make_private, resolve_data_dir
from storage.rows import (
    RECORD_COLUMNS,
    audit_key,
    derived,
    fresh_draft,
    initial_due_text,
    last_sign_off_days,
    listed_words,
    payload,
    record_from_row,
    row_values,
)
from storage.sqlite_schema import SCHEMA_VERSION, file_version, migrate
from storage.store import (
    AuditEvent,
    CaseSummary,
    CorruptStoreError,
    DuplicateError,
    LockedRecordError,
    NewerSchemaError,
    NotFoundError,
    NotLockedError,
    ReasonRequiredError,
    StaleVersionError,
    StorageUnavailableError,
    StoreError,
)
from storage.workflow import REVIEWABLE, check_transition

BUSY_TIMEOUT_MS = 5000
PRAGMAS: tuple[str, ...] = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
)
"""Connection settings; the benchmark applies the same ones to its bare-sqlite baseline."""

_RECORD_COLUMNS = ", ".join(RECORD_COLUMNS)
_CASE_COLUMNS = "ref, name, start, owner, form_id, initial_due, next_review"


def _writable(path: Path) -> bool:
    """Whether this process may write the file (a read-only mount counts as not writable, even for root)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _local_now() -> datetime:
    return datetime.now().astimezone()


def open_store(data_dir: str | None = None, *, now: Callable[[], datetime] | None = None) -> SqliteStore:
    """The store in the data folder chosen by `--data-dir`, `A4_DATA_DIR` or the platform default."""
    return SqliteStore(db_path(ensure_private_dir(resolve_data_dir(data_dir))), now=now)


class SqliteStore:
    """A `Store` on one SQLite file.  Safe to share between threads; one writer at a time."""

    def __init__(self, path: Path, *, now: Callable[[], datetime] | None = None) -> None:
        self.path = Path(path)
        self._now = now or _local_now
        self._lock = threading.RLock()
        ensure_private_dir(self.path.parent)
        existed = self.path.exists() and self.path.stat().st_size > 0
        if existed:
            self._probe()
        else:
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
        self.read_only = existed and not _writable(self.path)
        if self.read_only:
            self._open_read_only()
            return
        with self._translated():
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            for pragma in PRAGMAS:
                self._conn.execute(pragma)
            make_private(self.path, *self._sidecars())
            if existed:
                daily_backup(self._conn, self.path, self._now().date())
            migrate(self._conn)

    def _open_read_only(self) -> None:
        """Open a store we may only read (a read-only share, a file not ours): reads work, saves say why not.

        WAL mode needs to write beside the file, so a folder we cannot write to
        is opened as immutable; a file we cannot write in a folder we can is
        opened read-only and still sees other writers' changes.
        """
        with self._translated():
            self._conn = sqlite3.connect(
                self._read_only_uri(),
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
            if file_version(self._conn) < SCHEMA_VERSION:
                raise StorageUnavailableError(
                    f"The A4 database {self.path} is read-only and from an older A4: "
                    "open it once where it can be written so it can be upgraded."
                )

    def _read_only_uri(self) -> str:
        immutable = "" if os.access(self.path.parent, os.W_OK) else "&immutable=1"
        return f"{self.path.as_uri()}?mode=ro{immutable}"

    # ------------------------------------------------------------ plumbing

    def _sidecars(self) -> tuple[Path, Path]:
        return (self.path.with_name(self.path.name + "-wal"), self.path.with_name(self.path.name + "-shm"))

    def _probe(self) -> None:
        """Check an existing file read-only before anything writes to it (WAL mode writes the header)."""
        try:
            probe = sqlite3.connect(self._read_only_uri(), uri=True)
            try:
                version = file_version(probe)
                has_tables = probe.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
            finally:
                probe.close()
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from None
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(self.path, version, SCHEMA_VERSION)
        if version == 0 and has_tables:
            raise CorruptStoreError(self.path, latest_backup(self.path))

    def _translate(self, exc: sqlite3.Error) -> StoreError:
        """A message for a person in place of a driver error."""
        text = str(exc).lower()
        where = f"the A4 database {self.path}"
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return CorruptStoreError(self.path, latest_backup(self.path))
        if "full" in text:
            return StorageUnavailableError(
                f"The disk holding {where} is full: nothing was saved. Free some space and save again."
            )
        if "readonly" in text or "read-only" in text:
            return StorageUnavailableError(
                f"{where.capitalize()} is read-only: nothing was saved. Check the file's permissions."
            )
        if "unable to open" in text or "disk i/o" in text:
            return StorageUnavailableError(
                f"{where.capitalize()} cannot be opened or written. Check the folder exists and is yours."
            )
        if "locked" in text or "busy" in text:
            return StorageUnavailableError(
                f"{where.capitalize()} is busy in another A4 window: nothing was saved. Try again."
            )
        return StoreError(f"{where.capitalize()} could not be used ({exc}).")

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise self._translate(exc) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding the database's write lock from its first read."""
        if self.read_only:
            raise StorageUnavailableError(
                f"The A4 database {self.path} is read-only: nothing was saved. "
                "Check the file's permissions, or save a copy elsewhere."
            )
        with self._lock, self._translated():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._translated():
            yield self._conn

    def _timestamp(self) -> str:
        return self._now().astimezone(UTC).isoformat(timespec="seconds")

    # ------------------------------------------------------------ cases

    def create_case(self, case: Case, deadlines: Deadlines) -> Case:
        with self._write() as conn:
            self._insert_cases(conn, [case], deadlines)
            return self._case(conn, case.ref)

    def get_case(self, ref: str) -> Case:
        with self._read() as conn:
            return self._case(conn, ref)

    def update_case(self, case: Case) -> Case:
        with self._write() as conn:
            row = conn.execute(
                "SELECT initial_working_days, review_weeks FROM cases WHERE ref = ?", (case.ref,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"There is no case with reference {case.ref}.")
            deadlines = Deadlines(initial_working_days=row[0], review_weeks=row[1])
            conn.execute(
                "UPDATE cases SET name = ?, start = ?, owner = ?, form_id = ?, initial_due = ? WHERE ref = ?",
                (
                    case.name,
                    case.start,
                    case.owner,
                    case.form_id,
                    initial_due_text(case, deadlines),
                    case.ref,
                ),
            )
            return self._case(conn, case.ref)

    def list_cases(self, owner: str | None = None) -> list[CaseSummary]:
        query = """
            SELECT c.ref, c.name, c.owner, c.start, c.initial_due, c.next_review,
                   r.status, coalesce(r.words, 0), coalesce(r.active_seconds, 0)
            FROM cases AS c
            LEFT JOIN records AS r INDEXED BY records_listing
                ON r.case_ref = c.ref AND r.seq = (SELECT max(seq) FROM records WHERE case_ref = c.ref)
            {where}
            ORDER BY CASE WHEN c.next_review != '' THEN c.next_review ELSE c.initial_due END, c.ref
        """
        with self._read() as conn:
            if owner is None:
                rows = conn.execute(query.format(where=""))
            else:
                rows = conn.execute(query.format(where="WHERE c.owner = ?"), (owner,))
            return list(map(CaseSummary._make, rows))

    def _insert_cases(self, conn: sqlite3.Connection, cases: Iterable[Case], deadlines: Deadlines) -> None:
        rows = [
            (
                c.ref,
                c.name,
                c.start,
                c.owner,
                c.form_id,
                deadlines.initial_working_days,
                deadlines.review_weeks,
                initial_due_text(c, deadlines),
            )
            for c in cases
        ]
        try:
            conn.executemany(
                "INSERT INTO cases (ref, name, start, owner, form_id, initial_working_days, review_weeks, "
                "initial_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        except sqlite3.IntegrityError:
            raise DuplicateError(
                "A case with one of these references already exists; choose another reference."
            ) from None

    @staticmethod
    def _case(conn: sqlite3.Connection, ref: str) -> Case:
        row = conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE ref = ?", (ref,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no case with reference {ref}.")
        return Case(*row)

    # ------------------------------------------------------------ records

    def create_record(self, record: Record, actor: str) -> Record:
        with self._write() as conn:
            self._case(conn, record.case_ref)
            return self._insert_new_record(conn, record, actor)

    def get_record(self, record_id: str) -> Record:
        with self._read() as conn:
            return self._record(conn, record_id)

    def latest_record(self, case_ref: str) -> Record | None:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_RECORD_COLUMNS} FROM records WHERE case_ref = ? ORDER BY seq DESC LIMIT 1",
                (case_ref,),
            ).fetchone()
            return record_from_row(row) if row else None

    def records_for_case(self, case_ref: str) -> list[Record]:
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_RECORD_COLUMNS} FROM records WHERE case_ref = ? ORDER BY seq", (case_ref,)
            )
            return [record_from_row(row) for row in rows]

    def list_records(self, status: str | None = None) -> list[Record]:
        with self._read() as conn:
            if status is None:
                rows = conn.execute(f"SELECT {_RECORD_COLUMNS} FROM records ORDER BY seq")
            else:
                rows = conn.execute(
                    f"SELECT {_RECORD_COLUMNS} FROM records WHERE status = ? ORDER BY seq", (status,)
                )
            return [record_from_row(row) for row in rows]

    def save_record(
        self,
        record: Record,
        actor: str,
        *,
        risk_path: str | None = None,
        reason: str | None = None,
    ) -> Record:
        risk_json_path = f'$.answers."{risk_path}"' if risk_path else "$.none"
        with self._write() as conn:
            row = conn.execute(
                "SELECT version, status, author, json_extract(payload, ?) FROM records WHERE id = ?",
                (risk_json_path, record.id),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"There is no record {record.id} to save.")
            version, status, author, old_risk = row
            if status == "locked":
                raise LockedRecordError(
                    "This record is locked (countersigned) and cannot change; amend it instead."
                )
            if version != record.version:
                raise StaleVersionError(self._record(conn, record.id), record.version)
            at = self._timestamp()
            new_risk = record.answers.get(risk_path) if risk_path else None
            if risk_path and new_risk != old_risk:
                if actor != author and not (reason and reason.strip()):
                    raise ReasonRequiredError(
                        f"Changing the risk level in someone else's record needs a reason "
                        f"(the record's author is {author}). Nothing was saved."
                    )
                self._audit(
                    conn, record.id, "risk_level", actor, at, risk_path, old_risk, new_risk, reason or ""
                )
            conn.execute(
                "UPDATE records SET version = version + 1, updated_at = ?, words = coalesce(?, words), "
                "active_seconds = ?, payload = ? WHERE id = ?",
                (at, listed_words(record), record.active_seconds, payload(record), record.id),
            )
            return self._record(conn, record.id)

    def _insert_new_record(self, conn: sqlite3.Connection, record: Record, actor: str) -> Record:
        at = self._timestamp()
        new = fresh_draft(record, author=record.author or actor, at=at)
        self._insert_records(conn, [new])
        self._audit(conn, new.id, "created", actor, at, "kind", None, new.kind, "")
        return new

    @staticmethod
    def _insert_records(conn: sqlite3.Connection, records: Iterable[Record]) -> None:
        rows = map(row_values, records)
        try:
            conn.executemany(f"INSERT INTO records ({_RECORD_COLUMNS}) VALUES ({', '.join('?' * 15)})", rows)
        except sqlite3.IntegrityError:
            raise DuplicateError(
                "A record with this id already exists, or its case or linked record is missing."
            ) from None

    @staticmethod
    def _record(conn: sqlite3.Connection, record_id: str) -> Record:
        row = conn.execute(f"SELECT {_RECORD_COLUMNS} FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no record {record_id}.")
        return record_from_row(row)

    # ------------------------------------------------------------ workflow

    def transition(self, record_id: str, to_status: str, actor: str, *, comment: str = "") -> Record:
        with self._write() as conn:
            return self._transition(conn, record_id, to_status, actor, comment)

    def approve_and_lock(self, record_id: str, actor: str, *, comment: str = "") -> Record:
        """Countersign and lock in one step (one transaction, two audit entries)."""
        with self._write() as conn:
            self._transition(conn, record_id, "approved", actor, comment)
            return self._transition(conn, record_id, "locked", actor, comment)

    def _transition(
        self, conn: sqlite3.Connection, record_id: str, to_status: str, actor: str, comment: str
    ) -> Record:
        record = self._record(conn, record_id)
        check_transition(record.status, to_status)
        at = self._timestamp()
        conn.execute(
            "UPDATE records SET status = ?, version = version + 1, updated_at = ? WHERE id = ?",
            (to_status, at, record_id),
        )
        self._audit(conn, record_id, "status", actor, at, "status", record.status, to_status, comment)
        if to_status == "approved":
            row = conn.execute(
                "SELECT initial_working_days, review_weeks FROM cases WHERE ref = ?", (record.case_ref,)
            ).fetchone()
            due = next_review(self._now().date(), Deadlines(initial_working_days=row[0], review_weeks=row[1]))
            conn.execute("UPDATE cases SET next_review = ? WHERE ref = ?", (due.isoformat(), record.case_ref))
        return self._record(conn, record_id)

    def amend(self, record_id: str, actor: str) -> Record:
        with self._write() as conn:
            source = self._record(conn, record_id)
            if source.status != "locked":
                raise NotLockedError(
                    f"Only a locked record is amended; this one is {source.status}, so edit it directly."
                )
            return self._insert_new_record(conn, derived(source, source.kind, amends=source.id), actor)

    def start_review(self, case_ref: str, actor: str) -> Record:
        marks = ", ".join("?" * len(REVIEWABLE))
        with self._write() as conn:
            self._case(conn, case_ref)
            row = conn.execute(
                f"SELECT {_RECORD_COLUMNS} FROM records WHERE case_ref = ? AND status IN ({marks}) "
                "ORDER BY seq DESC LIMIT 1",
                (case_ref, *REVIEWABLE),
            ).fetchone()
            if row is None:
                raise NotFoundError(
                    f"Case {case_ref} has no approved record to review yet; finish its assessment first."
                )
            source = record_from_row(row)
            return self._insert_new_record(conn, carry_forward(source, ""), actor)

    # ------------------------------------------------------------ audit

    @staticmethod
    def _audit(
        conn: sqlite3.Connection,
        record_id: str,
        kind: str,
        actor: str,
        at: str,
        field: str,
        old: Any,
        new: Any,
        reason: str,
    ) -> None:
        conn.execute(
            "INSERT INTO audit (record_id, kind, actor, at, field, old, new, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (record_id, kind, actor, at, field, json.dumps(old), json.dumps(new), reason),
        )

    def audit_trail(self, record_id: str) -> list[AuditEvent]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT record_id, kind, actor, at, field, old, new, reason FROM audit "
                "WHERE record_id = ? ORDER BY seq",
                (record_id,),
            )
            return [
                AuditEvent(rid, kind, actor, at, field, json.loads(old), json.loads(new), reason)
                for rid, kind, actor, at, field, old, new, reason in rows
            ]

    # ------------------------------------------------------------ bulk and maintenance

    def bulk_import(
        self,
        cases: Iterable[Case],
        records: Iterable[Record],
        deadlines: Deadlines,
    ) -> None:
        """Add many cases and records in one transaction, keeping each record's status and dates.

        A case with an approved or locked record gets its next review from
        the latest such record's last update, as if approved that day.
        """
        records = list(records)
        reviewed = last_sign_off_days(records, REVIEWABLE)
        with self._write() as conn:
            self._insert_cases(conn, cases, deadlines)
            self._insert_records(conn, records)
            conn.executemany(
                "INSERT INTO audit (record_id, kind, actor, at, field, old, new, reason) "
                "VALUES (?, 'created', ?, ?, 'kind', 'null', ?, 'imported')",
                [(r.id, r.author, r.created_at, json.dumps(r.kind)) for r in records],
            )
            conn.executemany(
                "UPDATE cases SET next_review = ? WHERE ref = ?",
                [
                    (next_review(date.fromisoformat(day), deadlines).isoformat(), ref)
                    for ref, day in reviewed.items()
                ],
            )

    def import_record(
        self,
        case: Case,
        record: Record,
        audit: Sequence[AuditEvent],
        deadlines: Deadlines,
        *,
        replace: bool = False,
    ) -> Record:
        with self._write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO cases (ref, name, start, owner, form_id, initial_working_days, "
                "review_weeks, initial_due, next_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (case.ref, case.name, case.start, case.owner, case.form_id, deadlines.initial_working_days,
                 deadlines.review_weeks, case.initial_due or initial_due_text(case, deadlines),
                 case.next_review),
            )  # fmt: skip
            row = conn.execute("SELECT status FROM records WHERE id = ?", (record.id,)).fetchone()
            if row is None:
                self._insert_records(conn, [record])
            elif not replace:
                raise DuplicateError(f"Record {record.id} is already in this store.")
            elif row[0] == "locked":
                raise LockedRecordError(f"Record {record.id} is locked (countersigned) and cannot change.")
            else:
                conn.execute(
                    "UPDATE records SET case_ref = ?, form_id = ?, form_version = ?, kind = ?, status = ?, "
                    "author = ?, version = ?, created_at = ?, updated_at = ?, reviews = ?, amends = ?, "
                    "words = ?, active_seconds = ?, payload = ? WHERE id = ?",
                    (record.case_ref, record.form_id, record.form_version, record.kind, record.status,
                     record.author, record.version, record.created_at, record.updated_at, record.reviews,
                     record.amends, listed_words(record) or 0, record.active_seconds, payload(record),
                     record.id),
                )  # fmt: skip
            stored = {audit_key(e) for e in self.audit_trail(record.id)}
            conn.executemany(
                "INSERT INTO audit (record_id, kind, actor, at, field, old, new, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(record.id, *audit_key(e)) for e in audit if audit_key(e) not in stored],
            )
            return self._record(conn, record.id)

    # ------------------------------------------------------------ form definitions

    def save_definition(self, kind: str, form_id: str, version: str, source: str) -> bool:
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO definitions (kind, id, version, source, saved_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (kind, form_id, version, source, self._timestamp()),
            )
            return cursor.rowcount == 1

    def get_definition(self, kind: str, form_id: str, version: str) -> str | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT source FROM definitions WHERE kind = ? AND id = ? AND version = ?",
                (kind, form_id, version),
            ).fetchone()
            return row[0] if row else None

    def list_definitions(self) -> list[tuple[str, str, str]]:
        with self._read() as conn:
            return list(conn.execute("SELECT kind, id, version FROM definitions ORDER BY kind, id, version"))

    def backup(self, destination: Path) -> Path:
        with self._lock, self._translated():
            try:
                return copy_database(self._conn, Path(destination))
            except OSError as exc:
                raise StorageUnavailableError(
                    f"Could not write the backup to {destination} ({exc.strerror}); choose a writable folder."
                ) from None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

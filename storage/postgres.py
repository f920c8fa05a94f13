"""The team engine: cases and records on a shared PostgreSQL server, through psycopg 3.

Same `Store`, same semantics as the SQLite file (one test suite holds both
to it); what differs is who is asking:

- Every login is a real database role (see `storage.postgres_schema`), and
  row-level security decides which cases and records it sees and changes.
  A login that is not an administrator acts in its own name only: the
  `actor` a caller passes is replaced by the login, so an audit entry
  always names the person who was really connected.
- Optimistic versioning: a save locks the record's row (`SELECT … FOR
  UPDATE`) before comparing versions, so of two practitioners saving the
  same version one wins and the other gets `StaleVersionError` carrying
  the winner's text, exactly as with two windows on one SQLite file.
- Connection trouble (server down, network drop, login refused) becomes a
  `ServerUnreachableError` with a message for a person.  A connection that
  broke before a transaction committed is reopened and the work retried
  once, so a server restart between two saves goes unnoticed; a later
  call reconnects by itself once the server is back.
- Answers, plan and the rest live in one JSONB payload encoded exactly as
  in the SQLite engine (its codec is shared), so a record moves between
  engines unchanged.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb

from forms.deadlines import next_review
from forms.model import Case, Deadlines, Record
from forms.review import carry_forward
from storage.location import ensure_private_dir
from storage.postgres_schema import (
    ERR_APPEND_ONLY,
    ERR_IMPERSONATION,
    ERR_LOCKED,
    ERR_OWN_APPROVAL,
    SCHEMA,
    SCHEMA_VERSION,
    stored_version,
)
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
from storage.sqlite_schema import migrate as migrate_sqlite
from storage.store import (
    AuditEvent,
    CaseSummary,
    DuplicateError,
    LockedRecordError,
    NewerSchemaError,
    NotFoundError,
    NotLockedError,
    ReasonRequiredError,
    ServerUnreachableError,
    StaleVersionError,
    StorageUnavailableError,
    StoreError,
)
from storage.workflow import REVIEWABLE, check_transition

T = TypeVar("T")

CONNECT_TIMEOUT_S = 5
LOCK_TIMEOUT_MS = 5000
CONNECTION_SETTINGS: dict[str, Any] = {
    "connect_timeout": CONNECT_TIMEOUT_S,
    "application_name": "a4",
    "options": f"-c search_path={SCHEMA} -c lock_timeout={LOCK_TIMEOUT_MS}",
    # A dropped network (no reset ever arrives) is noticed within seconds, not the system's hours.
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 15000,
}
"""libpq settings for every connection; the benchmark uses the same ones."""

ROLE_NAMES: dict[str, str] = {
    "a4_admin": "manager",
    "a4_practitioner": "practitioner",
    "a4_qa_assessor": "qa_assessor",
}
"""Group role → the app's role name (`tui.config.ROLES`), in order of precedence."""

_INSERT_COLUMNS = ", ".join(RECORD_COLUMNS)
_RECORD_COLUMNS = _INSERT_COLUMNS.replace("payload", "payload::text")
"""The columns `storage.rows.record_from_row` reads, in its order (the payload as text to parse once)."""
_CASE_COLUMNS = "ref, name, start, owner, form_id, initial_due, next_review"
_LOCKED = "This record is locked (countersigned) and cannot change; amend it instead."


class NotPermittedError(StoreError):
    """The database refused: this login's role may not do that (row-level security or a guard trigger)."""


def _local_now() -> datetime:
    return datetime.now().astimezone()


def describe(url: str) -> str:
    """Where a database is, for messages: `dbname on host:port`, never the password."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the team database (its address could not be read)"
    host = info.get("host") or os.environ.get("PGHOST") or "the local socket"
    port = info.get("port")
    where = f"{host}:{port}" if port and not str(host).startswith("/") else str(host)
    return f"{info.get('dbname') or info.get('user') or 'the default database'} on {where}"


def unreachable(exc: BaseException, where: str, *, while_committing: bool = False) -> StoreError:
    """The message for a person when the server cannot be used: down, network, login or address."""
    text = str(exc).lower()
    if "password authentication failed" in text or "no password supplied" in text:
        return ServerUnreachableError(
            f"The A4 team database ({where}) refused the login: the password is wrong, or there is no "
            "such user. Check your password (in ~/.pgpass or PGPASSWORD) or ask your administrator."
        )
    if "does not exist" in text and "database" in text:
        return StoreError(
            f"There is no team database {where}. Check the address given by --db, A4_DATABASE_URL or the "
            "`database` setting of your config file."
        )
    if while_committing:
        return ServerUnreachableError(
            f"The connection to the A4 team database ({where}) broke while saving, so the server may or "
            "may not have the save. Your text is kept; save again once the server answers."
        )
    if any(
        sign in text
        for sign in ("refused", "no such file", "shutting down", "starting up", "administrator command")
    ):
        return ServerUnreachableError(
            f"The A4 team database ({where}) is not answering: the server is down or restarting. Nothing "
            "was saved; your text is kept, and A4 saves it once the server is back."
        )
    return ServerUnreachableError(
        f"The connection to the A4 team database ({where}) was lost (a network drop?). Nothing was "
        "saved; your text is kept, and A4 reconnects and saves it once the network is back."
    )


class PostgresStore:
    """A `Store` on a shared PostgreSQL database.  Safe to share between threads; one connection each."""

    def __init__(self, url: str, *, now: Callable[[], datetime] | None = None) -> None:
        """Connect as the login in `url` and check the schema; raises `StoreError` with a message."""
        self.url = url
        self.where = describe(url)
        self._now = now or _local_now
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[Any] | None = None
        login, roles, superuser = self._read(
            lambda conn: conn.execute(
                "SELECT current_user, ARRAY(SELECT rolname FROM pg_roles AS g WHERE rolname = ANY(%s) "
                "AND pg_has_role(current_user, g.oid, 'MEMBER') ORDER BY rolname), "
                "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)",
                (list(ROLE_NAMES),),
            ).fetchone()
        )
        self.login: str = login
        self.roles: tuple[str, ...] = tuple(roles)
        self.trusted = bool(superuser) or "a4_admin" in self.roles
        """An administrator's connection may act for others (imports, the shared test suite)."""

    @property
    def role(self) -> str:
        """The app's role for this login: manager, practitioner or qa_assessor."""
        for group, name in ROLE_NAMES.items():
            if group in self.roles:
                return name
        return "manager" if self.trusted else "practitioner"

    # ------------------------------------------------------------ plumbing

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            try:
                conn = _connect(self.url)
            except psycopg.OperationalError as exc:
                raise unreachable(exc, self.where) from None
            try:
                self._check_schema(conn)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _check_schema(self, conn: psycopg.Connection[Any]) -> None:
        found = stored_version(conn.execute)
        if found is None or found < SCHEMA_VERSION:
            state = "has no A4 tables yet" if found is None else f"has an older A4 schema (version {found})"
            raise StoreError(
                f"The team database {self.where} {state}. An administrator runs `a4 db init` against it "
                "to set it up or upgrade it."
            )
        if found > SCHEMA_VERSION:
            raise NewerSchemaError(self.where, found, SCHEMA_VERSION)

    def _run(self, work: Callable[[psycopg.Connection[Any]], T], *, write: bool = True) -> T:
        """Run `work` in one transaction, retrying once on a fresh connection if the old one had broken.

        The retry happens only when the transaction cannot have committed,
        so nothing is ever applied twice.
        """
        with self._lock:
            for attempt in (1, 2):
                conn = self._connection()
                committing = False
                try:
                    if not write:
                        return work(conn)
                    conn.execute("BEGIN")
                    result = work(conn)
                    committing = True
                    conn.execute("COMMIT")
                    return result
                except psycopg.Error as exc:
                    if not conn.broken and not conn.closed:
                        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                            conn.execute("ROLLBACK")
                        raise self._translate(exc) from None
                    self._discard()
                    if committing or attempt == 2:
                        raise unreachable(exc, self.where, while_committing=committing) from None
                except BaseException:
                    if not conn.closed and not conn.broken and write:
                        conn.execute("ROLLBACK")
                    raise
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _read(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        return self._run(work, write=False)

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def _translate(self, exc: psycopg.Error) -> StoreError:
        """A message for a person in place of a driver error."""
        state = exc.sqlstate or ""
        detail = exc.diag.message_primary or str(exc)
        if state == ERR_LOCKED:
            return LockedRecordError(_LOCKED)
        if state == ERR_OWN_APPROVAL:
            return NotPermittedError(
                "Nobody approves or locks their own record: another QA assessor must countersign it."
            )
        if state == ERR_APPEND_ONLY:
            return NotPermittedError(f"Refused: {detail}.")
        if state == ERR_IMPERSONATION:
            return NotPermittedError(f"Refused: {detail}; you are connected as {self.login}.")
        if isinstance(exc, errors.InsufficientPrivilege):
            return NotPermittedError(
                f"Your login {self.login} may not do that ({detail}). Practitioners change only their own "
                "cases' records until they are approved; QA assessors only their team's submitted ones."
            )
        if isinstance(exc, errors.LockNotAvailable | errors.QueryCanceled):
            return StorageUnavailableError(
                f"The record is busy: someone else is saving it right now ({self.where}). Nothing was saved; "
                "try again."
            )
        if isinstance(exc, errors.UniqueViolation):
            return DuplicateError(
                "A case or record with this reference or id already exists; choose another."
            )
        if isinstance(exc, errors.ForeignKeyViolation):
            return NotFoundError("The case or the linked record this refers to does not exist.")
        return StoreError(f"The team database {self.where} could not do that ({detail}).")

    def _timestamp(self) -> str:
        return self._now().astimezone(UTC).isoformat(timespec="seconds")

    def _actor(self, actor: str) -> str:
        """Who is acting: as given on an administrator's connection, else the login itself."""
        return actor if self.trusted else self.login

    # ------------------------------------------------------------ cases

    def create_case(self, case: Case, deadlines: Deadlines) -> Case:
        if not self.trusted:
            case = Case(case.ref, case.name, case.start, self.login, case.form_id)

        def work(conn: psycopg.Connection[Any]) -> Case:
            self._insert_cases(conn, [case], deadlines)
            return _case(conn, case.ref)

        return self._run(work)

    def get_case(self, ref: str) -> Case:
        return self._read(lambda conn: _case(conn, ref))

    def update_case(self, case: Case) -> Case:
        def work(conn: psycopg.Connection[Any]) -> Case:
            row = conn.execute(
                "SELECT initial_working_days, review_weeks FROM cases WHERE ref = %s FOR UPDATE", (case.ref,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"There is no case with reference {case.ref}.")
            conn.execute(
                "UPDATE cases SET name = %s, start = %s, owner = %s, form_id = %s, initial_due = %s "
                "WHERE ref = %s",
                (
                    case.name,
                    case.start,
                    case.owner,
                    case.form_id,
                    initial_due_text(case, Deadlines(*row)),
                    case.ref,
                ),
            )
            return _case(conn, case.ref)

        return self._run(work)

    def list_cases(self, owner: str | None = None) -> list[CaseSummary]:
        query = f"""
            SELECT c.ref, c.name, c.owner, c.start, c.initial_due, c.next_review,
                   r.status, coalesce(r.words, 0), coalesce(r.active_seconds, 0)
            FROM cases AS c
            LEFT JOIN LATERAL (
                SELECT status, words, active_seconds FROM records
                WHERE case_ref = c.ref ORDER BY seq DESC LIMIT 1
            ) AS r ON true
            {"" if owner is None else "WHERE c.owner = %s"}
            ORDER BY CASE WHEN c.next_review <> '' THEN c.next_review ELSE c.initial_due END, c.ref
        """
        params = () if owner is None else (owner,)
        return self._read(lambda conn: list(map(CaseSummary._make, conn.execute(query, params))))

    def _insert_cases(
        self, conn: psycopg.Connection[Any], cases: Iterable[Case], deadlines: Deadlines
    ) -> None:
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
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO cases (ref, name, start, owner, form_id, initial_working_days, "
                    "review_weeks, initial_due) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )
        except errors.UniqueViolation:
            raise DuplicateError(
                "A case with one of these references already exists; choose another reference."
            ) from None

    # ------------------------------------------------------------ records

    def create_record(self, record: Record, actor: str) -> Record:
        actor = self._actor(actor)

        def work(conn: psycopg.Connection[Any]) -> Record:
            _case(conn, record.case_ref)
            return self._insert_new_record(conn, record, actor)

        return self._run(work)

    def get_record(self, record_id: str) -> Record:
        return self._read(lambda conn: _record(conn, record_id))

    def latest_record(self, case_ref: str) -> Record | None:
        def work(conn: psycopg.Connection[Any]) -> Record | None:
            row = conn.execute(
                f"SELECT {_RECORD_COLUMNS} FROM records WHERE case_ref = %s ORDER BY seq DESC LIMIT 1",
                (case_ref,),
            ).fetchone()
            return record_from_row(row) if row else None

        return self._read(work)

    def records_for_case(self, case_ref: str) -> list[Record]:
        return self._read(
            lambda conn: [
                record_from_row(row)
                for row in conn.execute(
                    f"SELECT {_RECORD_COLUMNS} FROM records WHERE case_ref = %s ORDER BY seq", (case_ref,)
                )
            ]
        )

    def list_records(self, status: str | None = None) -> list[Record]:
        where = "" if status is None else "WHERE status = %s"
        params = () if status is None else (status,)
        return self._read(
            lambda conn: [
                record_from_row(row)
                for row in conn.execute(f"SELECT {_RECORD_COLUMNS} FROM records {where} ORDER BY seq", params)
            ]
        )

    def save_record(
        self,
        record: Record,
        actor: str,
        *,
        risk_path: str | None = None,
        reason: str | None = None,
    ) -> Record:
        actor = self._actor(actor)

        def work(conn: psycopg.Connection[Any]) -> Record:
            row = conn.execute(
                "SELECT version, status, author, payload->'answers'->%s::text FROM records "
                "WHERE id = %s FOR UPDATE",
                (risk_path, record.id),
            ).fetchone()
            if row is None:
                self._explain_missing(conn, record.id, "save")
            version, status, author, old_risk = row
            if status == "locked":
                raise LockedRecordError(_LOCKED)
            if version != record.version:
                raise StaleVersionError(_record(conn, record.id), record.version)
            at = self._timestamp()
            new_risk = record.answers.get(risk_path) if risk_path else None
            if risk_path and new_risk != old_risk:
                if actor != author and not (reason and reason.strip()):
                    raise ReasonRequiredError(
                        f"Changing the risk level in someone else's record needs a reason "
                        f"(the record's author is {author}). Nothing was saved."
                    )
                _audit(conn, record.id, "risk_level", actor, at, risk_path, old_risk, new_risk, reason or "")
            saved = conn.execute(
                "UPDATE records SET version = version + 1, updated_at = %s, words = coalesce(%s, words), "
                f"active_seconds = %s, payload = %s::jsonb WHERE id = %s RETURNING {_RECORD_COLUMNS}",
                (at, listed_words(record), record.active_seconds, payload(record), record.id),
            ).fetchone()
            return record_from_row(saved)

        return self._run(work)

    def _explain_missing(self, conn: psycopg.Connection[Any], record_id: str, doing: str) -> None:
        """Why a record could not be locked for writing: locked, not this login's to change, or missing."""
        row = conn.execute("SELECT status FROM records WHERE id = %s", (record_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no record {record_id} to {doing}.")
        if row[0] == "locked":
            raise LockedRecordError(_LOCKED)
        raise NotPermittedError(
            f"Your login {self.login} may not {doing} this record while it is {row[0]}: practitioners "
            "change their own records until approval; QA assessors their team's submitted ones."
        )

    def _insert_new_record(self, conn: psycopg.Connection[Any], record: Record, actor: str) -> Record:
        at = self._timestamp()
        new = fresh_draft(record, author=(record.author or actor) if self.trusted else self.login, at=at)
        _insert_records(conn, [new])
        _audit(conn, new.id, "created", actor, at, "kind", None, new.kind, "")
        return new

    # ------------------------------------------------------------ workflow

    def transition(self, record_id: str, to_status: str, actor: str, *, comment: str = "") -> Record:
        actor = self._actor(actor)
        return self._run(lambda conn: self._transition(conn, record_id, to_status, actor, comment))

    def approve_and_lock(self, record_id: str, actor: str, *, comment: str = "") -> Record:
        """Countersign and lock in one step (one transaction, two audit entries)."""
        actor = self._actor(actor)

        def work(conn: psycopg.Connection[Any]) -> Record:
            self._transition(conn, record_id, "approved", actor, comment)
            return self._transition(conn, record_id, "locked", actor, comment)

        return self._run(work)

    def _transition(
        self, conn: psycopg.Connection[Any], record_id: str, to_status: str, actor: str, comment: str
    ) -> Record:
        row = conn.execute(
            "SELECT status, case_ref FROM records WHERE id = %s FOR UPDATE", (record_id,)
        ).fetchone()
        if row is None:
            status = conn.execute("SELECT status FROM records WHERE id = %s", (record_id,)).fetchone()
            if status is None:
                raise NotFoundError(f"There is no record {record_id}.")
            check_transition(status[0], to_status)
            self._explain_missing(conn, record_id, f"make {to_status}")
        status, case_ref = row
        check_transition(status, to_status)
        at = self._timestamp()
        conn.execute(
            "UPDATE records SET status = %s, version = version + 1, updated_at = %s WHERE id = %s",
            (to_status, at, record_id),
        )
        _audit(conn, record_id, "status", actor, at, "status", status, to_status, comment)
        if to_status == "approved":
            days, weeks = conn.execute(
                "SELECT initial_working_days, review_weeks FROM cases WHERE ref = %s", (case_ref,)
            ).fetchone()
            due = next_review(self._now().date(), Deadlines(initial_working_days=days, review_weeks=weeks))
            conn.execute("UPDATE cases SET next_review = %s WHERE ref = %s", (due.isoformat(), case_ref))
        return _record(conn, record_id)

    def amend(self, record_id: str, actor: str) -> Record:
        actor = self._actor(actor)

        def work(conn: psycopg.Connection[Any]) -> Record:
            source = _record(conn, record_id)
            if source.status != "locked":
                raise NotLockedError(
                    f"Only a locked record is amended; this one is {source.status}, so edit it directly."
                )
            return self._insert_new_record(conn, derived(source, source.kind, amends=source.id), actor)

        return self._run(work)

    def start_review(self, case_ref: str, actor: str) -> Record:
        actor = self._actor(actor)

        def work(conn: psycopg.Connection[Any]) -> Record:
            _case(conn, case_ref)
            row = conn.execute(
                f"SELECT {_RECORD_COLUMNS} FROM records WHERE case_ref = %s AND status = ANY(%s) "
                "ORDER BY seq DESC LIMIT 1",
                (case_ref, list(REVIEWABLE)),
            ).fetchone()
            if row is None:
                raise NotFoundError(
                    f"Case {case_ref} has no approved record to review yet; finish its assessment first."
                )
            return self._insert_new_record(conn, carry_forward(record_from_row(row), ""), actor)

        return self._run(work)

    # ------------------------------------------------------------ audit

    def audit_trail(self, record_id: str) -> list[AuditEvent]:
        return self._read(
            lambda conn: [
                AuditEvent(*row)
                for row in conn.execute(
                    "SELECT record_id, kind, actor, at, field, old, new, reason FROM audit "
                    "WHERE record_id = %s ORDER BY seq",
                    (record_id,),
                )
            ]
        )

    # ------------------------------------------------------------ bulk and import

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

        def work(conn: psycopg.Connection[Any]) -> None:
            self._insert_cases(conn, cases, deadlines)
            _insert_records(conn, records)
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO audit (record_id, kind, actor, at, field, old, new, reason) "
                    "VALUES (%s, 'created', %s, %s, 'kind', 'null', %s, 'imported')",
                    [(r.id, r.author, r.created_at, Jsonb(r.kind)) for r in records],
                )
            with conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE cases SET next_review = %s WHERE ref = %s",
                    [
                        (next_review(date.fromisoformat(day), deadlines).isoformat(), ref)
                        for ref, day in reviewed.items()
                    ],
                )

        self._run(work)

    def import_record(
        self,
        case: Case,
        record: Record,
        audit: Sequence[AuditEvent],
        deadlines: Deadlines,
        *,
        replace: bool = False,
    ) -> Record:
        def work(conn: psycopg.Connection[Any]) -> Record:
            conn.execute(
                "INSERT INTO cases (ref, name, start, owner, form_id, initial_working_days, review_weeks, "
                "initial_due, next_review) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                (case.ref, case.name, case.start, case.owner, case.form_id, deadlines.initial_working_days,
                 deadlines.review_weeks, case.initial_due or initial_due_text(case, deadlines),
                 case.next_review),
            )  # fmt: skip
            row = conn.execute("SELECT status FROM records WHERE id = %s FOR UPDATE", (record.id,)).fetchone()
            if row is None:
                _insert_records(conn, [record])
            elif not replace:
                raise DuplicateError(f"Record {record.id} is already in this store.")
            elif row[0] == "locked":
                raise LockedRecordError(f"Record {record.id} is locked (countersigned) and cannot change.")
            else:
                conn.execute(
                    "UPDATE records SET case_ref = %s, form_id = %s, form_version = %s, kind = %s, "
                    "status = %s, author = %s, version = %s, created_at = %s, updated_at = %s, reviews = %s, "
                    "amends = %s, words = %s, active_seconds = %s, payload = %s::jsonb WHERE id = %s",
                    (record.case_ref, record.form_id, record.form_version, record.kind, record.status,
                     record.author, record.version, record.created_at, record.updated_at, record.reviews,
                     record.amends, listed_words(record) or 0, record.active_seconds, payload(record),
                     record.id),
                )  # fmt: skip
            stored = {audit_key(AuditEvent(*r)) for r in conn.execute(
                "SELECT record_id, kind, actor, at, field, old, new, reason FROM audit WHERE record_id = %s",
                (record.id,),
            )}  # fmt: skip
            for event in audit:
                if audit_key(event) not in stored:
                    _audit(conn, record.id, event.kind, event.actor, event.at, event.field, event.old,
                           event.new, event.reason)  # fmt: skip
            return _record(conn, record.id)

        return self._run(work)

    # ------------------------------------------------------------ form definitions

    def save_definition(self, kind: str, form_id: str, version: str, source: str) -> bool:
        def work(conn: psycopg.Connection[Any]) -> bool:
            cursor = conn.execute(
                "INSERT INTO definitions (kind, id, version, source, saved_at) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                (kind, form_id, version, source, self._timestamp()),
            )
            return cursor.rowcount == 1

        return self._run(work)

    def get_definition(self, kind: str, form_id: str, version: str) -> str | None:
        def work(conn: psycopg.Connection[Any]) -> str | None:
            row = conn.execute(
                "SELECT source FROM definitions WHERE kind = %s AND id = %s AND version = %s",
                (kind, form_id, version),
            ).fetchone()
            return row[0] if row else None

        return self._read(work)

    def list_definitions(self) -> list[tuple[str, str, str]]:
        return self._read(
            lambda conn: [
                tuple(row)
                for row in conn.execute(
                    'SELECT kind, id, version FROM definitions ORDER BY kind COLLATE "C", id COLLATE "C", '
                    'version COLLATE "C"'
                )
            ]
        )

    # ------------------------------------------------------------ backup and close

    def backup(self, destination: Path) -> Path:
        """Write what this login may see, from one consistent snapshot, as an embedded A4 file.

        The copy is a SQLite store (mode 0600) that `a4 --data-dir` opens
        offline, audit trails included.  A whole-server backup is
        `pg_dump`'s job (see docs/team.md).
        """
        destination = Path(destination)
        ensure_private_dir(destination.parent)
        handle, name = tempfile.mkstemp(dir=destination.parent, prefix=destination.name, suffix=".partial")
        os.close(handle)
        partial = Path(name)

        def snapshot(conn: psycopg.Connection[Any]) -> None:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            target = sqlite3.connect(partial, isolation_level=None)
            try:
                migrate_sqlite(target)
                target.execute("BEGIN")
                for table, columns in _BACKUP_TABLES.items():
                    rows = conn.execute(f"SELECT {columns} FROM {table} ORDER BY 1")
                    names = columns.replace("::text", "")
                    marks = ", ".join("?" * len(names.split(",")))
                    target.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
                target.execute("COMMIT")
            finally:
                target.close()

        try:
            self._run(snapshot)
            os.replace(partial, destination)
        except OSError as exc:
            raise StorageUnavailableError(
                f"Could not write the backup to {destination} ({exc.strerror}); choose a writable folder."
            ) from None
        finally:
            partial.unlink(missing_ok=True)
        return destination

    def close(self) -> None:
        with self._lock:
            self._discard()


# ---------------------------------------------------------------- connections and rows


_BACKUP_TABLES: dict[str, str] = {
    "cases": "ref, name, start, owner, form_id, initial_working_days, review_weeks, initial_due, next_review",
    "records": "seq, id, case_ref, form_id, form_version, kind, status, author, version, created_at, "
    "updated_at, reviews, amends, words, active_seconds, payload::text",
    "audit": "seq, record_id, kind, actor, at, field, old::text, new::text, reason",
    "definitions": "kind, id, version, source, saved_at",
}
"""What a backup copies, per table, in the SQLite engine's column names (JSON as text, as it stores it)."""


def _connect(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True, **CONNECTION_SETTINGS)


def _case(conn: psycopg.Connection[Any], ref: str) -> Case:
    row = conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE ref = %s", (ref,)).fetchone()
    if row is None:
        raise NotFoundError(f"There is no case with reference {ref}.")
    return Case(*row)


def _record(conn: psycopg.Connection[Any], record_id: str) -> Record:
    row = conn.execute(f"SELECT {_RECORD_COLUMNS} FROM records WHERE id = %s", (record_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"There is no record {record_id}.")
    return record_from_row(row)


def _insert_records(conn: psycopg.Connection[Any], records: Iterable[Record]) -> None:
    try:
        with conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO records ({_INSERT_COLUMNS}) VALUES ({', '.join(['%s'] * 14)}, %s::jsonb)",
                map(row_values, records),
            )
    except (errors.UniqueViolation, errors.ForeignKeyViolation):
        raise DuplicateError(
            "A record with this id already exists, or its case or linked record is missing."
        ) from None


def _audit(
    conn: psycopg.Connection[Any],
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
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (record_id, kind, actor, at, field, Jsonb(old), Jsonb(new), reason),
    )


@contextmanager
def admin_connection(url: str) -> Iterator[psycopg.Connection[Any]]:
    """A plain connection for `a4 db init`/`check` (no schema check: the schema may not exist yet)."""
    where = describe(url)
    try:
        conn = _connect(url)
    except psycopg.OperationalError as exc:
        raise unreachable(exc, where) from None
    try:
        yield conn
    finally:
        conn.close()

"""The team engine: cases and records on a shared PostgreSQL server, through psycopg 3.

Same `Store`, same semantics as the SQLite file (one test suite holds both
to it); what differs is who is asking:

- Every login is a real database role (see `storage.postgres.schema`), and
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

The rules themselves (versions, transitions, audit, imports) are
`storage.sql.engine`'s, shared with the SQLite engine; this module adds the
connection, the roles, and the PostgreSQL dialect of the shared queries.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict

from forms.model import Case, Record
from storage.location import ensure_private_dir
from storage.postgres.schema import (
    ERR_APPEND_ONLY,
    ERR_IMPERSONATION,
    ERR_LOCKED,
    ERR_NO_DEFINITION,
    ERR_NOT_FOUND,
    ERR_OPEN_RECORD,
    ERR_OWN_APPROVAL,
    ERR_REASON,
    ERR_REASONS,
    ERR_ROLE,
    ERR_SET_BY_DATABASE,
    ERR_TRANSITION,
    SCHEMA,
    SCHEMA_VERSION,
    stored_version,
)
from storage.sql.engine import LOCKED, Connection, SqlStore, T
from storage.sql.statements import Dialect, Statements
from storage.sqlite.schema import migrate as migrate_sqlite
from storage.store import (
    PRESENCE_SECONDS,
    DuplicateError,
    LockedRecordError,
    NewerSchemaError,
    NotFoundError,
    NotPermittedError,
    ReasonRequiredError,
    ServerUnreachableError,
    StorageUnavailableError,
    StoreError,
)

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


class PostgresStore(SqlStore):
    """A `Store` on a shared PostgreSQL database.  Safe to share between threads; one connection each."""

    SQL = Statements(
        Dialect(
            mark="%s",
            json_mark="%s::jsonb",
            json_text="::text",
            for_update=" FOR UPDATE",
            insert_or_ignore="INSERT INTO",
            on_conflict_ignore=" ON CONFLICT DO NOTHING",
            latest_record_join="""LEFT JOIN LATERAL (
                    SELECT status, words, active_seconds FROM records
                    WHERE case_id = c.id ORDER BY seq DESC LIMIT 1
                ) AS r ON true""",
            handover_note="SELECT set_config('a4.handover_note', %s, true)",
            sentence_end="coalesce(c.sentence->>'end', '')",
            risk_answer="payload->'answers'->%s::text",
            risk_key=lambda risk_path: risk_path,
            text_order=' COLLATE "C"',
            save_returns_row=True,
            duplicate_case=(errors.UniqueViolation,),
            duplicate_record=(errors.UniqueViolation,),
            id_set="(SELECT jsonb_array_elements_text(%s::jsonb))",
            derives_reason_paths=True,
            case_match="id = a4.case_id({m})",
            case_records_match="case_id = a4.case_id({m})",
            record_case_match="id = (SELECT case_id FROM records WHERE id = {m})",
            presence_cutoff="to_char((now() - %s * interval '1 second') AT TIME ZONE 'UTC', "
            '\'YYYY-MM-DD"T"HH24:MI:SS"+00:00"\')',
            archive_call=(
                "SELECT a4.archive_case((SELECT id FROM cases WHERE ref = %s AND owner = %s), %s, %s)"
            ),
            case_key="id",
            case_link="case_id",
        )
    )
    REFEREE_IN_DATABASE = True
    """The shared queries in PostgreSQL's dialect: JSONB columns, row locks, and a lateral join for the
    caseload; JSON is sent and read as text, so values are encoded exactly as in the SQLite file."""

    def __init__(self, url: str, *, now: Callable[[], datetime] | None = None) -> None:
        """Connect as the login in `url` and check the schema; raises `StoreError` with a message."""
        super().__init__(now)
        self.url = url
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
        """An administrator's connection adds cases and starts records for others, and imports."""
        self.superuser = bool(superuser)
        """Only a superuser's connection acts in someone else's name (the shared test suite): the database
        honours `a4.act_as` for nobody else, so sign-off is always given in the login's own name."""

    @property
    def where(self) -> str:
        return describe(self.url)

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

    def _run(self, work: Callable[[psycopg.Connection[Any]], T], *, write: bool) -> T:
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

    def _write(self, work: Callable[[Connection], T]) -> T:
        return self._run(work, write=True)

    def _read(self, work: Callable[[Connection], T]) -> T:
        return self._run(work, write=False)

    def _executemany(self, conn: Connection, query: str, rows: Iterable[Sequence[Any]]) -> None:
        assert isinstance(conn, psycopg.Connection)  # the only connection this engine hands its work
        with conn.cursor() as cursor:
            cursor.executemany(query, rows)

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def _translate(self, exc: psycopg.Error) -> StoreError:
        """A message for a person in place of a driver error."""
        state = exc.sqlstate or ""
        detail = exc.diag.message_primary or str(exc)
        if state == ERR_LOCKED:
            return LockedRecordError(LOCKED)
        if state == ERR_OWN_APPROVAL:
            return NotPermittedError(
                "Nobody approves or locks their own record: another QA assessor must countersign it."
            )
        if state == ERR_APPEND_ONLY:
            return NotPermittedError(f"Refused: {detail}.")
        if state == ERR_OPEN_RECORD:
            return DuplicateError(f"Refused: {detail}.")
        if state == ERR_IMPERSONATION:
            return NotPermittedError(f"Refused: {detail}; you are connected as {self.login}.")
        if state == ERR_REASON:
            return ReasonRequiredError(f"Refused: {detail}. Nothing was saved.")
        if state in (ERR_NOT_FOUND, ERR_NO_DEFINITION):
            return NotFoundError(f"{detail[:1].upper()}{detail[1:]}.")
        if state in (ERR_SET_BY_DATABASE, ERR_TRANSITION, ERR_ROLE, ERR_REASONS):
            return NotPermittedError(f"Refused: {detail}.")
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

    def _actor(self, actor: str) -> str:
        """Who is acting: as given on a superuser's connection, else the login itself."""
        return actor if self.superuser else self.login

    def _new_case(self, case: Case) -> Case:
        """A case a login that is not an administrator creates is its own."""
        if self.trusted:
            return case
        return dataclasses.replace(case, owner=self.login, initial_due="", next_review="")

    def _new_author(self, record: Record, actor: str) -> str:
        """A new record's author: as given on an administrator's connection, else the login itself."""
        return (record.author or actor) if self.trusted else self.login

    def _prepare(
        self,
        conn: Connection,
        actor: str,
        *,
        reason: str = "",
        note: str = "",
        source: str = "",
        risk_path: str = "",
        overwrote: int | None = None,
    ) -> None:
        """Hand the database what its triggers write into the audit trail, for this transaction only.

        `a4.act_as` is honoured only on a superuser's connection; every other login is itself.
        `a4.overwrote` is the version a "keep mine" save started from (its trigger writes the entry).
        """
        conn.execute(
            "SELECT set_config('a4.act_as', %s, true), set_config('a4.reason', %s, true), "
            "set_config('a4.note', %s, true), set_config('a4.import_source', %s, true), "
            "set_config('a4.risk_path', %s, true), set_config('a4.overwrote', %s, true)",
            (actor if self.superuser else "", reason, note, source, risk_path,
             "" if overwrote is None else str(overwrote)),
        )  # fmt: skip

    def _presence_cutoff(self) -> Any:
        """Seconds before the database's own clock: it stamps the claims, so its clock is the one to use."""
        return PRESENCE_SECONDS

    def _refuse_missing(self, conn: Connection, record_id: str, doing: str) -> NoReturn:
        """Why a record could not be locked for writing: locked, not this login's to change, or missing."""
        row = conn.execute(self.SQL.record_status, (record_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no record {record_id} to {doing}.")
        if row[0] == "locked":
            raise LockedRecordError(LOCKED)
        raise NotPermittedError(
            f"Your login {self.login} may not {doing} this record while it is {row[0]}: practitioners "
            "change their own records until approval; QA assessors their team's submitted ones."
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
            shared = conn.execute(_SHARED_REFERENCE).fetchone()
            if shared is not None:  # references are unique per owner here, across the whole embedded file
                raise StoreError(
                    f"Two cases you can see have reference {shared[0]} (held by {shared[1]}), and an "
                    "embedded copy holds one case per reference, so no backup was written. Back up as a "
                    "login that sees only one of them, or use pg_dump (docs/team.md)."
                )
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
            self._run(snapshot, write=True)
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


# ---------------------------------------------------------------- backups and connections


_BACKUP_TABLES: dict[str, str] = {
    "cases": "ref, name, start, owner, form_id, initial_working_days, review_weeks, initial_due, "
    "next_review, sentence::text, national_id",
    "records": "seq, id, case_ref, form_id, form_version, kind, status, author, version, created_at, "
    "updated_at, reviews, amends, words, active_seconds, payload::text",
    "audit": "seq, record_id, kind, actor, at, field, old::text, new::text, reason, imported_from",
    "definitions": "kind, id, version, source, saved_at, sha256, reason_paths::text",
    "grades": "seq, record_id, criterion, level, comment, by, at, imported_from",
    "comments": "seq, record_id, id, path, text, by, at, resolved_by, resolved_at, imported_from",
    "signatures": "seq, record_id, by, at, imported_from",
    "handovers": "seq, case_ref, old_owner, new_owner, by, at, note",
    "archivals": "seq, case_ref, archived, by, at, reason",
    "case_changes": "seq, case_ref, field, old, new, by, at",
}
"""What a backup copies, per table, in the SQLite engine's column names (JSON as text, as it stores it)."""


_SHARED_REFERENCE = (
    "SELECT ref, string_agg(owner, ' and ' ORDER BY owner) FROM cases GROUP BY ref HAVING count(*) > 1 "
    "ORDER BY ref LIMIT 1"
)
"""A reference two cases this login sees share (their owners differ), which an embedded copy cannot hold."""


def _connect(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True, **CONNECTION_SETTINGS)


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

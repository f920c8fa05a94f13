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

The rules themselves (versions, transitions, audit, imports) are
`storage.sql.engine`'s, shared with the PostgreSQL engine; this module adds
the file, its settings, and the SQLite dialect of the shared queries.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from storage.location import (
    PRIVATE_FILE,
    backup_dir,
    db_path,
    ensure_private_dir,
    folder_problem,
    make_private,
    resolve_data_dir,
)
from storage.sql.engine import Connection, SqlStore, T
from storage.sql.statements import Dialect, Statements
from storage.sqlite.backup import copy_database, daily_backup, disk_full, failure_reason, latest_backup
from storage.sqlite.schema import SCHEMA_VERSION, file_version, migrate
from storage.store import CorruptStoreError, NewerSchemaError, StorageUnavailableError, StoreError

BUSY_TIMEOUT_MS = 5000
PRAGMAS: tuple[str, ...] = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
)
"""Connection settings; the benchmark applies the same ones to its bare-sqlite baseline."""


def _risk_key(risk_path: str | None) -> str:
    """The JSON path `json_extract` reads the watched answer at (`$.none`: no answer watched)."""
    return f'$.answers."{risk_path}"' if risk_path else "$.none"


def _writable(path: Path) -> bool:
    """Whether this process may write the file (a read-only mount counts as not writable, even for root)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def open_store(
    data_dir: str | None = None,
    *,
    now: Callable[[], datetime] | None = None,
    backup_in_background: bool = False,
) -> SqliteStore:
    """The store in the data folder chosen by `--data-dir`, `A4_DATA_DIR` or the platform default."""
    folder = resolve_data_dir(data_dir)
    try:
        path = db_path(ensure_private_dir(folder))
    except OSError as error:
        raise StorageUnavailableError(folder_problem(folder, error)) from None
    return SqliteStore(path, now=now, backup_in_background=backup_in_background)


class SqliteStore(SqlStore):
    """A `Store` on one SQLite file.  Safe to share between threads; one writer at a time."""

    SQL = Statements(
        Dialect(
            mark="?",
            json_mark="?",
            json_text="",
            for_update="",
            insert_or_ignore="INSERT OR IGNORE INTO",
            on_conflict_ignore="",
            latest_record_join="""LEFT JOIN records AS r INDEXED BY records_listing
                ON r.case_ref = c.ref AND r.seq = (SELECT max(seq) FROM records WHERE case_ref = c.ref)""",
            handover_note="",
            sentence_end="coalesce(json_extract(c.sentence, '$.end'), '')",
            risk_answer="json_extract(payload, ?)",
            risk_key=_risk_key,
            text_order="",
            save_returns_row=False,
            duplicate_case=(sqlite3.IntegrityError,),
            duplicate_record=(sqlite3.IntegrityError,),
            id_set="(SELECT value FROM json_each(?))",
            derives_reason_paths=False,
            presence_cutoff="?",
            archive_call="",
        )
    )
    """The shared queries in SQLite's dialect: a JSON column is plain text, and `BEGIN IMMEDIATE` locks."""

    def __init__(
        self, path: Path, *, now: Callable[[], datetime] | None = None, backup_in_background: bool = False
    ) -> None:
        """`backup_in_background`: write today's backup in a thread while the caller goes on (the app
        draws its first screen meanwhile); saves wait until it is written, and `backup_notices` says
        whether it could be.  A file that needs a schema upgrade is backed up first, as always."""
        super().__init__(now)
        self.path = Path(path)
        self.notices: list[str] = []
        """What a person should know about this open (today's backup could not be written)."""
        self._backed_up = threading.Event()
        """Set once today's backup is written (or failed, or was not due): saves wait for it."""
        self._backed_up.set()
        self._late_notices: list[str] = []
        """What the background backup has to tell (it could not be written)."""
        try:
            ensure_private_dir(self.path.parent)
            size = self.path.stat().st_size if self.path.exists() else None
        except OSError as error:
            raise StorageUnavailableError(folder_problem(self.path.parent, error)) from None
        if size == 0 and latest_backup(self.path) is not None:
            # Emptied (a failed copy, a full disk at the wrong moment), not new: a new store has no backups.
            raise CorruptStoreError(self.path, latest_backup(self.path))
        existed = bool(size)
        if existed:
            self._probe()
        else:
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, PRIVATE_FILE))
            except OSError as error:
                raise StorageUnavailableError(folder_problem(self.path.parent, error)) from None
        self.read_only = existed and not _writable(self.path)
        self._refusal = (
            f"The A4 database {self.path} is read-only: nothing was saved. "
            "Check the file's permissions, or save a copy elsewhere."
        )
        """What a save is told while the store is read-only."""
        if self.read_only:
            self._open_read_only()
            return
        try:
            with self._translated():
                self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                for pragma in PRAGMAS:
                    self._conn.execute(pragma)
                make_private(self.path, *self._sidecars())
                later = existed and backup_in_background and file_version(self._conn) == SCHEMA_VERSION
                if existed and not later:
                    self._daily_backup(self._conn)
                migrate(self._conn)  # nothing to upgrade when `later`: it writes nothing
                if later:
                    self._start_daily_backup()
        except StorageUnavailableError:
            if not (existed and disk_full(self.path.parent)):
                raise
            self._open_on_a_full_disk()

    def _open_on_a_full_disk(self) -> None:
        """Reading never needs a write: with no room to open for writing (WAL's files), open read-only.

        Saving is impossible until space is freed, and each save says so; the cases can still be read.
        """
        if (half_open := getattr(self, "_conn", None)) is not None:
            half_open.close()
        self.read_only = True
        self._refusal = (
            f"The disk holding the A4 database {self.path} is full, so A4 opened it read-only: nothing was "
            "saved. Free some space and open A4 again."
        )
        self.notices.append(
            "Today's backup could not be written: disk full. Your cases open read-only: nothing can be "
            f"saved until some space is freed on the disk holding {self.path.parent}."
        )
        try:
            self._open_read_only()
        except StorageUnavailableError:
            self._open_read_only(immutable=True)  # not even the shared-memory file can be made

    def _daily_backup(self, source: sqlite3.Connection) -> None:
        """Today's backup; when it cannot be written the store still opens, and says so once."""
        try:
            daily_backup(source, self.path, self._now().date())
        except (OSError, sqlite3.Error) as error:
            self.notices.append(
                f"Today's backup could not be written: {failure_reason(error)}. Your cases open as usual; "
                f"free some space (or check {backup_dir(self.path.parent)}) so tomorrow's can be."
            )

    def _start_daily_backup(self) -> None:
        """Today's backup in a thread, read through its own connection so the caller's reads go on."""
        self._backed_up.clear()

        def work() -> None:
            told = len(self.notices)
            try:
                source = sqlite3.connect(self.path)
                try:
                    self._daily_backup(source)
                finally:
                    source.close()
            except sqlite3.Error as error:  # the file could not even be opened a second time
                self.notices.append(f"Today's backup could not be written: {failure_reason(error)}.")
            finally:
                self._late_notices = self.notices[told:]
                self._backed_up.set()

        threading.Thread(target=work, name="a4-daily-backup", daemon=True).start()

    def backup_notices(self) -> list[str]:
        """Wait for a backup being written in the background; what to tell about it, once opened (empty
        when it was written, or was written before the open returned and so is in `notices` already)."""
        self._backed_up.wait()
        return list(self._late_notices)

    def _open_read_only(self, *, immutable: bool = False) -> None:
        """Open a store we may only read (a read-only share, a file not ours): reads work, saves say why not.

        WAL mode needs to write beside the file, so a folder we cannot write to
        is opened as immutable; a file we cannot write in a folder we can is
        opened read-only and still sees other writers' changes.
        """
        with self._translated():
            self._conn = sqlite3.connect(
                self._read_only_uri(immutable=immutable),
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
            if file_version(self._conn) < SCHEMA_VERSION:
                raise StorageUnavailableError(
                    f"The A4 database {self.path} is read-only and from an older A4: "
                    "open it once where it can be written so it can be upgraded."
                )

    def _read_only_uri(self, *, immutable: bool = False) -> str:
        fixed = "&immutable=1" if immutable or not os.access(self.path.parent, os.W_OK) else ""
        return f"{self.path.as_uri()}?mode=ro{fixed}"

    # ------------------------------------------------------------ plumbing

    def _sidecars(self) -> tuple[Path, Path]:
        return (self.path.with_name(self.path.name + "-wal"), self.path.with_name(self.path.name + "-shm"))

    def _probe(self) -> None:
        """Check an existing file read-only before anything writes to it (WAL mode writes the header)."""
        try:
            version, has_tables = self._look(immutable=False)
        except sqlite3.DatabaseError as exc:
            if not disk_full(self.path.parent):
                raise self._translate(exc) from None
            try:  # no room even for WAL's shared-memory file: read the file as it is
                version, has_tables = self._look(immutable=True)
            except sqlite3.DatabaseError as again:
                raise self._translate(again) from None
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(self.path, version, SCHEMA_VERSION)
        if version == 0 and has_tables:
            raise CorruptStoreError(self.path, latest_backup(self.path))

    def _look(self, *, immutable: bool) -> tuple[int, bool]:
        """The file's schema version and whether it holds any table, read without writing."""
        probe = sqlite3.connect(self._read_only_uri(immutable=immutable), uri=True)
        try:
            version = file_version(probe)
            return version, probe.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        finally:
            probe.close()

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

    def _write(self, work: Callable[[Connection], T]) -> T:
        """One write transaction, holding the database's write lock from its first read."""
        if self.read_only:
            raise StorageUnavailableError(self._refusal)
        self._backed_up.wait()  # nothing is written before today's backup is
        with self._lock, self._translated():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._conn)
                self._conn.execute("COMMIT")
                return result
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def _read(self, work: Callable[[Connection], T]) -> T:
        with self._lock, self._translated():
            return work(self._conn)

    def _executemany(self, conn: Connection, query: str, rows: Iterable[Sequence[Any]]) -> None:
        assert isinstance(conn, sqlite3.Connection)  # the only connection this engine hands its work
        conn.executemany(query, rows)

    # ------------------------------------------------------------ backup and close

    @property
    def where(self) -> str:
        return str(self.path)

    @property
    def local_folder(self) -> Path | None:
        return self.path.parent

    def backup(self, destination: Path) -> Path:
        with self._lock, self._translated():
            try:
                return copy_database(self._conn, Path(destination))
            except OSError as exc:
                raise StorageUnavailableError(
                    f"Could not write the backup to {destination} ({exc.strerror}); choose a writable folder."
                ) from None

    def close(self) -> None:
        self._backed_up.wait()  # a backup cut short by the process ending would be no backup
        with self._lock:
            self._conn.close()

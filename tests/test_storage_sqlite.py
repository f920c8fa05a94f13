"""What only the SQLite file engine does: migrations, damaged and newer files, permissions, backups."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from forms.model import Case, Deadlines, Record
from storage.location import resolve_data_dir
from storage.sqlite.backup import KEEP_DAILY
from storage.sqlite.schema import SCHEMA_VERSION
from storage.sqlite.store import SqliteStore, open_store
from storage.store import CorruptStoreError, LockedRecordError, NewerSchemaError, StorageUnavailableError
from tests.conftest import Clock

FIXTURE_V1 = Path(__file__).parent / "fixtures" / "storage" / "a4-schema-v1.sqlite"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def a_case(store: SqliteStore, ref: str = "C-1") -> Record:
    store.create_case(Case(ref=ref, name="Alex Morgan", start="2025-02-03", owner="sam"), Deadlines())
    return store.create_record(
        Record(id="", case_ref=ref, form_id="a4-assessment", form_version="1.0.0"), "sam"
    )


# ---------------------------------------------------------------- migrations


def test_a_version_1_file_is_upgraded_in_place_keeping_everything(tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "a4.db"
    shutil.copy(FIXTURE_V1, db)
    store = SqliteStore(db, now=clock)
    assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    summaries = {s.ref: s for s in store.list_cases()}
    assert (summaries["V1-001"].status, summaries["V1-001"].active_seconds, summaries["V1-001"].words) == (
        "locked",
        1500,
        7,
    )
    assert summaries["V1-002"].active_seconds == 300
    locked = store.get_record("rec-v1-a")
    assert locked.answers["rosh.level"] == "high"
    assert locked.plan[0].goal == "Find a settled place to live"
    assert locked.agreement is not None and locked.agreement.choice == "agreed"
    trail = store.audit_trail("rec-v1-a")
    assert [(e.kind, e.old, e.new) for e in trail[1:3]] == [
        ("risk_level", "medium", "high"),
        ("status", "draft", "submitted"),
    ]
    with pytest.raises(LockedRecordError):
        store.save_record(locked, "sam")
    draft = store.get_record("rec-v1-b")
    draft.active_seconds = 360
    assert store.save_record(draft, "sam").active_seconds == 360
    store.close()


def test_the_old_file_is_backed_up_before_it_is_upgraded(tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "a4.db"
    shutil.copy(FIXTURE_V1, db)
    SqliteStore(db, now=clock).close()
    backup = tmp_path / "backups" / f"a4-{clock.now.date().isoformat()}.db"
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_newer_schema_is_refused_and_the_file_left_untouched(tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "a4.db"
    shutil.copy(FIXTURE_V1, db)
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer version of A4") as raised:
        SqliteStore(db, now=clock)
    assert "has not been changed" in str(raised.value)
    assert db.read_bytes() == before


# ---------------------------------------------------------------- damaged files


def test_a_garbage_file_is_reported_as_damaged_with_the_backup_to_restore(
    tmp_path: Path, clock: Clock
) -> None:
    db = tmp_path / "a4.db"
    SqliteStore(db, now=clock).close()
    clock.now += timedelta(days=1)
    SqliteStore(db, now=clock).close()  # the second day's open writes a daily backup
    db.write_bytes(b"this is not a database, just some garbage bytes " * 100)
    for sidecar in ("a4.db-wal", "a4.db-shm"):
        (tmp_path / sidecar).unlink(missing_ok=True)
    before = db.read_bytes()
    with pytest.raises(CorruptStoreError) as raised:
        SqliteStore(db, now=clock)
    message = str(raised.value)
    assert str(db) in message and "damaged" in message
    assert str(tmp_path / "backups" / f"a4-{clock.now.date().isoformat()}.db") in message
    assert db.read_bytes() == before


def test_a_sqlite_file_that_is_not_a4s_is_refused(tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "a4.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    with pytest.raises(CorruptStoreError, match="No automatic backup"):
        SqliteStore(db, now=clock)


def test_a_truncated_file_is_reported_as_damaged(tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "a4.db"
    store = SqliteStore(db, now=clock)
    for n in range(30):
        a_case(store, f"C-{n}")
    store.close()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2] + b"\x00" * 10 + data[len(data) // 2 + 10 :][:100])
    with pytest.raises(CorruptStoreError):
        store = SqliteStore(db, now=clock)
        store.list_cases()


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make `folder` truly read-only for this process.

    Root ignores file permissions, so under root (as in CI) the folder is
    bind-mounted read-only over itself, as on a read-only network share;
    otherwise the folder and its files lose their write permission.
    """
    if os.geteuid() != 0:
        for path in (*folder.iterdir(), folder):
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_store_gives_a_clear_message(tmp_path: Path, clock: Clock) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    store = SqliteStore(folder / "a4.db", now=clock)
    record = a_case(store)
    store.close()
    with read_only(folder):
        store = SqliteStore(folder / "a4.db", now=clock)
        try:
            assert [case.ref for case in store.list_cases()] == ["C-1"]  # reading still works
            with pytest.raises(StorageUnavailableError, match="read-only: nothing was saved"):
                store.save_record(record, "sam")
        finally:
            store.close()


def test_a_full_disk_gives_a_clear_message_and_keeps_the_last_save(tmp_path: Path, clock: Clock) -> None:
    store = SqliteStore(tmp_path / "a4.db", now=clock)
    record = a_case(store)
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: as if the disk is full
    record.answers["offence.what_happened"] = "A long answer. " * 5000
    with pytest.raises(StorageUnavailableError, match="full: nothing was saved"):
        store.save_record(record, "sam")
    assert store.get_record(record.id).version == record.version
    store.close()


# ---------------------------------------------------------------- permissions and location


def test_the_data_folder_is_private_and_every_database_file_too(tmp_path: Path, clock: Clock) -> None:
    data = tmp_path / "new" / "a4-data"
    store = open_store(str(data), now=clock)
    a_case(store)
    assert mode(data) == 0o700
    files = [data / "a4.db", data / "a4.db-wal", data / "a4.db-shm"]
    assert all(f.exists() for f in files)
    assert [mode(f) for f in files] == [0o600] * 3
    store.backup(tmp_path / "copy.db")
    assert mode(tmp_path / "copy.db") == 0o600
    store.close()


def test_the_data_folder_comes_from_argument_then_environment_then_platform(tmp_path: Path) -> None:
    env = {"A4_DATA_DIR": str(tmp_path / "env")}
    assert resolve_data_dir(str(tmp_path / "arg"), env) == tmp_path / "arg"
    assert resolve_data_dir(None, env) == tmp_path / "env"
    assert resolve_data_dir(None, {}).name == "a4"


# ---------------------------------------------------------------- backups and audit protection


def test_a_backup_is_a_consistent_copy_that_opens_as_a_store(tmp_path: Path, clock: Clock) -> None:
    store = SqliteStore(tmp_path / "live" / "a4.db", now=clock)
    record = a_case(store)
    record.answers["offence.what_happened"] = "Saved just before the backup."
    store.save_record(record, "sam")
    copy = store.backup(tmp_path / "copies" / "a4.db")
    store.close()
    restored = SqliteStore(copy, now=clock)
    assert restored.get_record(record.id).answers["offence.what_happened"] == "Saved just before the backup."
    restored.close()


def test_daily_backups_roll_keeping_the_last_seven(tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "a4.db"
    for _ in range(KEEP_DAILY + 3):
        SqliteStore(db, now=clock).close()
        SqliteStore(db, now=clock).close()  # a second open on the same day writes nothing new
        clock.now += timedelta(days=1)
    kept = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(kept) == KEEP_DAILY
    assert kept[-1] == f"a4-{(clock.now - timedelta(days=1)).date().isoformat()}.db"


def test_the_audit_table_refuses_changes_even_through_sql(tmp_path: Path, clock: Clock) -> None:
    store = SqliteStore(tmp_path / "a4.db", now=clock)
    record = a_case(store)
    store.close()
    with sqlite3.connect(tmp_path / "a4.db") as conn:
        with pytest.raises(sqlite3.IntegrityError, match="audit trail cannot be changed"):
            conn.execute("UPDATE audit SET actor = 'someone' WHERE record_id = ?", (record.id,))
        with pytest.raises(sqlite3.IntegrityError, match="audit trail cannot be changed"):
            conn.execute("DELETE FROM audit")
    conn.close()


FIXTURE_V3 = Path(__file__).parent / "fixtures" / "storage" / "a4-schema-v3.sqlite"


def _everything(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(db)) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("cases", "records", "audit", "definitions")
        }


def test_the_previous_release_is_upgraded_with_every_row_unchanged_and_the_due_order_indexed(
    tmp_path: Path, clock: Clock
) -> None:
    db = tmp_path / "a4.db"
    shutil.copy(FIXTURE_V3, db)
    before = _everything(db)
    SqliteStore(db, now=clock).close()
    after = _everything(db)
    for table, rows in before.items():
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            assert new[: len(old)] == old, table  # every value kept; columns added since come after
    assert {row[-2:] for row in after["cases"]} == {("{}", "")}  # no sentence or national id known yet
    with closing(sqlite3.connect(db)) as conn:
        plan = " ".join(str(row) for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT ref FROM cases ORDER BY "
            "CASE WHEN next_review <> '' THEN next_review ELSE initial_due END, ref LIMIT 10"
        ))  # fmt: skip
    assert "cases_due" in plan and "TEMP B-TREE" not in plan


def test_sign_off_written_into_old_payloads_moves_to_its_own_tables_and_nothing_is_lost(
    tmp_path: Path, clock: Clock
) -> None:
    db = tmp_path / "a4.db"
    shutil.copy(FIXTURE_V3, db)
    signed = {
        "grades": [
            {"criterion": "analysis", "level": "good", "comment": "Clear.", "by": "kim", "on": "2025-01-02"}
        ],
        "comments": [{"id": "c1", "path": "rosh", "text": "Why?", "by": "kim", "on": "2025-01-02"}],
        "signatures": [{"by": "kim", "on": "2025-01-03T10:00:00+00:00"}],
    }
    with closing(sqlite3.connect(db)) as conn:
        target = conn.execute(
            "SELECT id FROM records WHERE status <> 'locked' ORDER BY seq LIMIT 1"
        ).fetchone()[0]
        conn.execute(
            "UPDATE records SET payload = json_patch(payload, ?) WHERE id = ?", (json.dumps(signed), target)
        )
        conn.commit()
    before = _everything(db)
    store = SqliteStore(db, now=clock)
    record = store.get_record(target)
    store.close()
    after = _everything(db)
    for table, rows in before.items():
        assert [row[: len(rows[0])] for row in after[table][: len(rows)]] == rows, table
    assert [(g.criterion, g.level, g.by, g.imported_from) for g in record.grades] == [
        ("analysis", "good", "kim", "")
    ]
    assert [(c.id, c.text) for c in record.comments] == [("c1", "Why?")]
    assert [(s.by, s.on) for s in record.signatures] == [("kim", "2025-01-03T10:00:00+00:00")]


# ---------------------------------------------------------------- the daily backup in the background


def test_a_save_waits_for_todays_backup_written_in_the_background(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import storage.sqlite.store as sqlite_store

    db = tmp_path / "a4.db"
    store = SqliteStore(db, now=clock)
    first = a_case(store, "C-1")
    store.close()
    clock.now += timedelta(days=1)
    release = threading.Event()
    real_backup = sqlite_store.daily_backup

    def held_backup(*args: object) -> object:
        release.wait(10)
        return real_backup(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_store, "daily_backup", held_backup)
    store = SqliteStore(db, now=clock, backup_in_background=True)
    assert [s.ref for s in store.list_cases()] == ["C-1"]  # reading goes on while the backup is written
    saver = threading.Thread(target=a_case, args=(store, "C-2"))
    saver.start()
    saver.join(0.5)
    assert saver.is_alive()  # the save waits for the backup
    release.set()
    saver.join(10)
    assert store.backup_notices() == []
    store.close()
    backup = tmp_path / "backups" / f"a4-{clock.now.date().isoformat()}.db"
    with closing(sqlite3.connect(backup)) as conn:
        assert [ref for (ref,) in conn.execute("SELECT ref FROM cases")] == ["C-1"]  # taken before the save
        assert conn.execute("SELECT id FROM records").fetchall() == [(first.id,)]


def test_a_background_backup_that_cannot_be_written_is_told_and_saving_goes_on(
    tmp_path: Path, clock: Clock
) -> None:
    db = tmp_path / "a4.db"
    SqliteStore(db, now=clock).close()  # a new store: no backup yet
    (tmp_path / "backups").write_text("not a folder")  # the copy fails as a full disk would
    clock.now += timedelta(days=1)
    store = SqliteStore(db, now=clock, backup_in_background=True)
    a_case(store)
    [notice] = store.backup_notices()
    assert notice.startswith("Today's backup could not be written: not a directory.")
    assert [s.ref for s in store.list_cases()] == ["C-1"]
    store.close()


def test_an_old_file_is_backed_up_before_it_is_upgraded_even_when_asked_for_in_the_background(
    tmp_path: Path, clock: Clock
) -> None:
    db = tmp_path / "a4.db"
    shutil.copy(FIXTURE_V1, db)
    store = SqliteStore(db, now=clock, backup_in_background=True)
    backup = tmp_path / "backups" / f"a4-{clock.now.date().isoformat()}.db"
    with closing(sqlite3.connect(backup)) as conn:  # there already when the open returns
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    store.close()

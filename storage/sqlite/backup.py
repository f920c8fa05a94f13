"""Consistent copies of the SQLite store: on demand (`a4 backup`) and a rolling daily one.

Copies use SQLite's online backup API, which reads a consistent snapshot
even while another window is writing; a plain file copy of a WAL database
can miss committed pages still in the -wal file.  A copy is written to a
temporary name and renamed into place, so a half-written backup never
looks like a good one.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from storage.location import backup_dir, ensure_private_dir

KEEP_DAILY = 7
_DAILY_PREFIX = "a4-"
_DAILY_GLOB = "a4-????-??-??.db"


def copy_database(source: sqlite3.Connection, destination: Path) -> Path:
    """Write a consistent copy of `source` to `destination` (mode 0600), replacing it atomically."""
    ensure_private_dir(destination.parent)
    # mkstemp: a unique name (two windows may back up at once) created 0600.  The handle stays open
    # holding a lock while the copy is written, so `remove_stale_partials` can tell a copy in
    # progress from one a killed process left behind (the kernel drops the lock with the process).
    handle, name = tempfile.mkstemp(dir=destination.parent, prefix=destination.name, suffix=PARTIAL)
    partial = Path(name)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
        os.replace(partial, destination)
    finally:
        os.close(handle)
        partial.unlink(missing_ok=True)
        _journal(partial).unlink(missing_ok=True)
    return destination


PARTIAL = ".partial"


def _journal(partial: Path) -> Path:
    return partial.with_name(partial.name + "-journal")


def remove_stale_partials(folder: Path) -> int:
    """Delete half-written copies (and their journals) a killed backup left in `folder`; how many.

    A copy still being written by another window holds its lock and is left alone.
    """
    removed = 0
    if not folder.is_dir():
        return 0
    for partial in folder.glob(f"*{PARTIAL}"):
        try:
            fd = os.open(partial, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # being written right now
        else:
            partial.unlink(missing_ok=True)
            _journal(partial).unlink(missing_ok=True)
            removed += 1
        finally:
            os.close(fd)
    for journal in folder.glob(f"*{PARTIAL}-journal"):
        if not journal.with_name(journal.name.removesuffix("-journal")).exists():
            journal.unlink(missing_ok=True)
    return removed


FULL_BELOW_BYTES = 1 << 20
"""Less room than this left for us on a disk counts as full: not even a store's WAL files fit reliably."""


def disk_full(folder: Path) -> bool:
    """Whether the disk holding `folder` has (next to) no room left for this user."""
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW_BYTES
    except OSError:
        return False


def failure_reason(error: OSError | sqlite3.Error) -> str:
    """Why a backup could not be written, in a few words: "disk full", "permission denied"…"""
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return "disk full"
        return (error.strerror or str(error)).lower()
    return "disk full" if "full" in str(error).lower() else str(error)


def daily_backup(source: sqlite3.Connection, db_file: Path, today: date) -> Path | None:
    """Today's rolling backup, if not yet written today; keeps the newest `KEEP_DAILY`."""
    folder = backup_dir(db_file.parent)
    target = folder / f"{_DAILY_PREFIX}{today.isoformat()}.db"
    remove_stale_partials(folder)
    if target.exists():
        return None
    copy_database(source, target)
    for old in sorted(folder.glob(_DAILY_GLOB))[:-KEEP_DAILY]:
        old.unlink(missing_ok=True)
    return target


def latest_backup(db_file: Path) -> Path | None:
    """The newest daily backup of `db_file`, to suggest when the file is damaged."""
    found = sorted(backup_dir(db_file.parent).glob(_DAILY_GLOB))
    return found[-1] if found else None

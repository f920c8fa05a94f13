"""Consistent copies of the SQLite store: on demand (`a4 backup`) and a rolling daily one.

Copies use SQLite's online backup API, which reads a consistent snapshot
even while another window is writing; a plain file copy of a WAL database
can miss committed pages still in the -wal file.  A copy is written to a
temporary name and renamed into place, so a half-written backup never
looks like a good one.
"""

from __future__ import annotations

import os
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
    # mkstemp: a unique name (two windows may back up at once) created 0600.
    handle, name = tempfile.mkstemp(dir=destination.parent, prefix=destination.name, suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination


def daily_backup(source: sqlite3.Connection, db_file: Path, today: date) -> Path | None:
    """Today's rolling backup, if not yet written today; keeps the newest `KEEP_DAILY`."""
    folder = backup_dir(db_file.parent)
    target = folder / f"{_DAILY_PREFIX}{today.isoformat()}.db"
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

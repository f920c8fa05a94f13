"""Damaged, emptied and half-written files around the embedded store (issue 16, findings 5, 8, 9 and 6)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from storage.location import folder_problem
from tests.cli_support import a4_in as a4


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A store with two cases and today's backup beside it."""
    for ref in ("D1", "D2"):
        assert a4(tmp_path, "new", "--ref", ref, "--name", "Sam", "--start", "2025-03-03").returncode == 0
    assert a4(tmp_path, "cases").returncode == 0
    assert list((tmp_path / "backups").glob("a4-*.db"))
    return tmp_path


def _backup(data: Path) -> Path:
    return sorted((data / "backups").glob("a4-????-??-??.db"))[-1]


@pytest.mark.parametrize("content", [b"", b"just some text, not a database\n" * 10])
def test_an_emptied_or_foreign_file_is_called_damaged_and_names_the_backup(
    data: Path, content: bytes
) -> None:
    for sidecar in ("a4.db-wal", "a4.db-shm"):
        (data / sidecar).unlink(missing_ok=True)
    (data / "a4.db").write_bytes(content)
    for command in (("cases",), ("new", "--ref", "D3", "--name", "Sam", "--start", "2025-03-03")):
        result = a4(data, *command)
        assert result.returncode == 1
        assert "is damaged or is not an A4 database" in result.stderr
        assert f"copy {_backup(data)} over {data / 'a4.db'}" in result.stderr
        assert "Traceback" not in result.stderr
    assert (data / "a4.db").read_bytes() == content


def test_a_backup_that_cannot_be_written_does_not_stop_reading(data: Path) -> None:
    for old in (data / "backups").iterdir():
        old.unlink()
    (data / "backups").rmdir()
    (data / "backups").write_text("not a folder")  # the copy fails as a full disk would
    result = a4(data, "cases")
    assert result.returncode == 0, result.stderr
    assert "D1" in result.stdout and "D2" in result.stdout
    assert "a4: Today's backup could not be written: not a directory." in result.stderr
    made = a4(data, "new", "--ref", "D3", "--name", "Sam", "--start", "2025-03-03")
    assert made.returncode == 0, made.stderr


def test_half_written_backups_left_by_a_kill_are_removed_at_the_next_open(data: Path) -> None:
    backups = data / "backups"
    stale = backups / "a4-2025-01-01.dbx1y2z3.partial"
    stale.write_bytes(b"\0" * 4096)
    (backups / (stale.name + "-journal")).write_bytes(b"\0" * 512)
    orphan = backups / "a4-2025-01-02.dbq.partial-journal"
    orphan.write_bytes(b"\0")
    busy = backups / "a4-2025-01-03.dbbusy.partial"
    busy.write_bytes(b"\0")
    fd = os.open(busy, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another window still writing this one
    try:
        assert a4(data, "cases").returncode == 0
    finally:
        os.close(fd)
    left = sorted(p.name for p in backups.iterdir() if "partial" in p.name)
    assert left == [busy.name]


def test_a_data_folder_under_a_file_is_one_line(tmp_path: Path) -> None:
    parent = tmp_path / "plain-file"
    parent.write_text("x")
    result = a4(parent / "data", "cases")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"a4: The A4 data folder {parent / 'data'} cannot be" in result.stderr
    assert "Choose a folder of your own with --data-dir or A4_DATA_DIR." in result.stderr


def test_a_data_folder_of_another_user_is_named_as_such(tmp_path: Path) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    os.chown(folder, 65534, 65534)
    message = folder_problem(folder, PermissionError(13, "Permission denied", str(folder / "a4.db")))
    assert message.startswith(f"The A4 data folder {folder} belongs to another user. Nothing was changed.")

"""Damaged, emptied and half-written files around the embedded store (issue 16, findings 5, 8, 9 and 6)."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from storage.location import folder_problem
from tests.cli_support import TIMEOUT_SECONDS
from tests.cli_support import a4_in as a4
from tests.terminal.driver import A4Terminal


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


def test_a_kill_during_the_daily_backup_leaves_nothing_after_the_next_open(tmp_path: Path) -> None:
    """Finding 9 for real: `a4 cases` is killed (SIGKILL) while it writes the day's backup of a store large
    enough to take a while; the copy and its journal it leaves are gone after the next open, which
    writes the day's backup whole."""
    assert a4(tmp_path, "demo", "--cases", "400").returncode == 0
    backups = tmp_path / "backups"
    env = {**os.environ, "A4_DATA_DIR": str(tmp_path)}
    left: list[str] = []
    for _ in range(20):  # a copy takes a few hundredths of a second: try again if the kill came late
        shutil.rmtree(backups, ignore_errors=True)
        writer = subprocess.Popen([sys.executable, "-m", "tui.cli", "cases"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        while writer.poll() is None and not (left := [p.name for p in backups.glob("*.partial")]):
            time.sleep(0.0005)
        writer.kill()
        writer.wait(timeout=TIMEOUT_SECONDS)
        if left and writer.returncode == -signal.SIGKILL:
            break
    assert left, "the backup was never caught half-written"
    assert any(p.name.endswith(".partial") for p in backups.iterdir())
    assert a4(tmp_path, "cases").returncode == 0
    assert [p.name for p in backups.iterdir()] == [f"a4-{date.today().isoformat()}.db"]


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


def _as_an_ordinary_user(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real `a4` on the store in `data`, with permissions checked as for anyone but root.

    As root (CI's containers) the process keeps its user id but loses the capabilities that pass
    every permission check (setpriv's bounding set), so a folder's mode and owner count as they do
    for a practitioner; as anyone else it runs as it is.
    """
    command = [sys.executable, "-m", "tui.cli", *args]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", *command]
    env = {**os.environ, "A4_DATA_DIR": str(data)}
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, env=env)


_DENIED = "is not yours to read or write (permission denied)"


def _unsearchable(tmp_path: Path) -> Path:
    folder = tmp_path / "unsearchable"
    folder.mkdir()
    folder.chmod(0o600)  # readable, but nothing in it can be opened
    return folder


def _another_users(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        return Path("/")  # root's, for anyone else
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    return folder


def _under_a_read_only_folder(tmp_path: Path) -> Path:
    parent = tmp_path / "read-only"
    parent.mkdir()
    parent.chmod(0o555)
    return parent / "data"


@pytest.mark.parametrize(
    ("place", "reason"),
    [
        (_unsearchable, "cannot be used: {folder}/a4.db is not yours to read or write (permission denied)"),
        (_another_users, "belongs to another user"),
        (
            _under_a_read_only_folder,
            "cannot be used: {folder} is not yours to read or write (permission denied)",
        ),
    ],
)
def test_a_data_folder_a4_may_not_use_is_one_line_for_every_command(
    tmp_path: Path, place: Callable[[Path], Path], reason: str
) -> None:
    """Finding 6: such folders gave a PermissionError traceback from the command (the app was fine)."""
    folder = place(tmp_path)
    try:
        for command in (("cases",), ("new", "--ref", "P1", "--name", "Sam", "--start", "2025-03-03")):
            result = _as_an_ordinary_user(folder, *command)
            assert result.returncode == 1 and "Traceback" not in result.stderr
            assert result.stderr == (
                f"a4: The A4 data folder {folder} {reason.format(folder=folder)}. Nothing was changed. "
                "Choose a folder of your own with --data-dir or A4_DATA_DIR.\n"
            )
    finally:
        for made in tmp_path.iterdir():
            made.chmod(0o700)


# ---------------------------------------------------------------- a really full disk (finding 8)

_ON_A_FULL_DISK = """
set -e
mount -t tmpfs -o size={size}k a4-full-disk "$FULL"
cp -a "$SOURCE" "$FULL/data"
head -c {fill} /dev/zero > "$FULL/filler" 2>/dev/null || true
exec "$@"
"""
"""Run a command in a private mount namespace, on a copy of the store on a small tmpfs filled to the brim
(`fill` bytes of filler; more than the disk holds leaves nothing free).  `unshare -rm` needs no privilege
where user namespaces are allowed, and nothing is mounted outside the command."""


def on_full_disk(source: Path, full: Path, *command: str, fill: int = 1 << 30) -> list[str]:
    """The command line running `command` with a copy of `source` at `full`/data on a full disk."""
    full.mkdir(exist_ok=True)
    script = _ON_A_FULL_DISK.format(size=2048, fill=fill)
    return ["unshare", "-rm", "env", f"FULL={full}", f"SOURCE={source}", "sh", "-c", script, "sh", *command]


def a4_on_full_disk(data: Path, full: Path, *args: str, **room: int) -> subprocess.CompletedProcess[str]:
    command = on_full_disk(data, full, sys.executable, "-m", "tui.cli", *args, **room)
    env = {**os.environ, "A4_DATA_DIR": str(full / "data")}
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, env=env)


@pytest.fixture
def without_todays_backup(data: Path) -> Path:
    shutil.rmtree(data / "backups")
    return data


def test_on_a_full_disk_the_cases_are_read_and_nothing_can_be_saved(
    without_todays_backup: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    full = tmp_path_factory.mktemp("full")
    listed = a4_on_full_disk(without_todays_backup, full, "cases")
    assert listed.returncode == 0, listed.stderr
    assert "D1" in listed.stdout and "D2" in listed.stdout
    assert "a4: Today's backup could not be written: disk full. Your cases open read-only" in listed.stderr
    added = a4_on_full_disk(without_todays_backup, full, "new", "--ref", "D3", "--name", "Sam", "--start",
                            "2025-03-03")  # fmt: skip
    assert added.returncode == 1 and "Traceback" not in added.stderr
    assert "is full, so A4 opened it read-only: nothing was saved" in added.stderr


def test_with_room_for_the_store_but_not_the_backup_the_store_opens_and_says_why(
    without_todays_backup: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    full = tmp_path_factory.mktemp("nearly")
    size = (without_todays_backup / "a4.db").stat().st_size
    # Room for the store's own files (its WAL and shared memory) but not for a copy of it.
    listed = a4_on_full_disk(without_todays_backup, full, "cases", fill=2048 * 1024 - size - size // 2)
    assert listed.returncode == 0, listed.stderr
    assert "D1" in listed.stdout
    assert "a4: Today's backup could not be written: disk full. Your cases open as usual" in listed.stderr


@pytest.mark.terminal
def test_the_app_opens_a_full_disk_read_only_and_says_so(
    without_todays_backup: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    full = tmp_path_factory.mktemp("app")
    command = on_full_disk(without_todays_backup, full, sys.executable, "-m", "tui.cli")
    with A4Terminal.start(full / "data", size=(120, 30), command=command) as terminal:
        terminal.wait_for("D2", timeout=30)
        terminal.wait_for("Today's backup could not be written: disk full", timeout=30)
        assert "Traceback" not in terminal.screen_text()


async def test_the_app_says_when_todays_backup_written_while_it_starts_could_not_be(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from tests.a4_app_harness import caseload_shown
    from tui.app import build_app

    for old in (data / "backups").iterdir():
        old.unlink()
    (data / "backups").rmdir()
    (data / "backups").write_text("not a folder")  # the copy fails as a full disk would
    monkeypatch.setenv("A4_CONFIG", str(data / "config.toml"))
    app = build_app(argparse.Namespace(data_dir=str(data), forms=[]))
    async with app.run_test(size=(100, 30)) as pilot:
        await caseload_shown(pilot)
        for _ in range(100):  # the backup is written in a thread after the store opens
            if app.backup_told:
                break
            await pilot.pause(0.05)
        told = [str(n.message) for n in app._notifications]
        assert any(m.startswith("Today's backup could not be written: not a directory.") for m in told), told
        assert len([m for m in told if m.startswith("Today's backup")]) == 1
    app.store.close()

"""Crash safety: a writer killed with SIGKILL at random moments never loses an acknowledged save."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from storage.sqlite.store import SqliteStore
from tests.crash_writer import CASE, PATH, content

WRITER = Path(__file__).parent / "crash_writer.py"
KILLS = 50


def run_and_kill(db: Path, rng: random.Random) -> int:
    """Start a writer, let it save for a random moment, SIGKILL it; the last version it acknowledged."""
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    first = writer.stdout.readline() if writer.stdout else ""
    assert first, f"the writer did not start: {writer.communicate()[1]}"
    time.sleep(rng.uniform(0, 0.03))
    writer.send_signal(signal.SIGKILL)
    rest, _ = writer.communicate()
    assert writer.returncode == -signal.SIGKILL
    return int((first + rest).split()[-1])


def test_every_acknowledged_save_survives_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "a4.db"
    rng = random.Random()
    for kill in range(KILLS):
        acknowledged = run_and_kill(db, rng)
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"after kill {kill}"
        conn.close()
        store = SqliteStore(db)
        record = store.latest_record(CASE)
        store.close()
        assert record is not None
        assert record.version >= acknowledged, f"kill {kill}: lost saves after version {record.version}"
        assert record.answers[PATH] == content(record.version)

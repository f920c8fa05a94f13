"""Killing the app mid-typing loses at most the last second of what was typed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from forms.definition.registry import load_registry
from forms.model import Case, Record
from storage.sqlite.store import SqliteStore
from tests.kill_typing_app import typed_text

HERE = Path(__file__).parent

TYPING_SECONDS = 3.0
ALLOWED_LOSS_SECONDS = 1.0


def test_sigkill_mid_typing_loses_at_most_the_last_second(tmp_path: Path) -> None:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    db = tmp_path / "a4.sqlite"
    store = SqliteStore(db)
    store.create_case(Case(ref="K1", name="Kim Lee", start="2026-09-28", owner="pat"), form.deadlines)
    store.create_record(Record(id="rec-1", case_ref="K1", form_id=form.id, form_version=form.version), "pat")
    store.close()

    helper = subprocess.Popen(
        [sys.executable, str(HERE / "kill_typing_app.py"), str(db)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(HERE.parent)},
    )
    assert helper.stdout is not None
    assert helper.stdout.readline().strip() == "ready"
    typed: list[tuple[float, int]] = []
    started = time.time()
    while time.time() - started < TYPING_SECONDS:
        at, count = helper.stdout.readline().split()
        typed.append((float(at), int(count)))
    helper.send_signal(signal.SIGKILL)
    killed_at = time.time()
    helper.wait()

    saved = SqliteStore(db).get_record("rec-1").answers.get("offence.what_happened", "")
    must_have = max((count for at, count in typed if at <= killed_at - ALLOWED_LOSS_SECONDS), default=0)
    assert must_have > 20, "the helper typed too little before the kill to test anything"
    assert typed_text().startswith(saved)
    assert len(saved) >= must_have, f"saved {len(saved)} characters; {must_have} were typed a second before"

"""Connection trouble on a real server: stopped mid-session, connection dropped, wrong password.

These tests stop and restart a server, so they run their own, apart from
the one the rest of the suite shares.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest

from forms.definition.registry import load_registry
from forms.model import Case, Deadlines, Record
from storage.connect import open_store
from storage.postgres.recovery import RecoveringStore
from storage.store import ServerUnreachableError, StoreError
from tests.pg_server import PORT, TeamServer, password, running_team
from tests.pilot_support import CaseApp, until
from tests.test_case_screen import FakeClock, wait_for_autosave
from tui.modals.save_failure import SaveFailure
from tui.screens.case_screen import CaseScreen
from tui.workers.autosave import RETRY_UNREACHABLE_SECONDS


@pytest.fixture(scope="module")
def own_team() -> Iterator[TeamServer]:
    with running_team() as team:
        yield team


@pytest.fixture
def url(own_team: TeamServer) -> Iterator[str]:
    if not own_team.server.running:
        own_team.server.restart()
    name = own_team.new_database()
    yield own_team.url(name, "sam")
    if not own_team.server.running:
        own_team.server.restart()
    own_team.drop_database(name)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sams_record(store: RecoveringStore) -> Record:
    store.create_case(Case(ref="C-1", name="Alex Morgan", start="2025-02-03", owner="sam"), Deadlines())
    record = store.create_record(Record(id="", case_ref="C-1", form_id="f", form_version="1"), "sam")
    record.answers["offence.what_happened"] = "Saved while the server was up."
    return store.save_record(record, "sam")


def test_a_stopped_server_gets_a_clear_message_and_the_text_is_held_then_saved(
    own_team: TeamServer, url: str, tmp_path: Path
) -> None:
    store = open_store(str(tmp_path / "data"), url)
    record = sams_record(store)
    own_team.server.stop()
    record.answers["offence.what_happened"] = "Typed while the server was down."
    with pytest.raises(ServerUnreachableError) as raised:
        store.save_record(record, "sam")
    message = str(raised.value)
    assert "not answering" in message and "server is down" in message and "Traceback" not in message
    held_file = tmp_path / "data" / "recovery" / f"{record.id}.json"
    assert str(held_file) in message
    assert mode(held_file) == 0o600 and mode(held_file.parent) == 0o700
    held = json.loads(held_file.read_text())
    assert held["record"]["answers"]["offence.what_happened"] == "Typed while the server was down."
    with pytest.raises(ServerUnreachableError):
        store.get_record(record.id)
    own_team.server.restart()
    saved = store.save_record(record, "sam")  # the case screen's retry: reconnects by itself
    assert saved.answers["offence.what_happened"] == "Typed while the server was down."
    assert saved.version == record.version + 1
    assert not held_file.exists()
    store.close()


def test_saves_held_when_a4_closed_are_saved_at_the_next_start(
    own_team: TeamServer, url: str, tmp_path: Path
) -> None:
    data = str(tmp_path / "data")
    store = open_store(data, url)
    record = sams_record(store)
    own_team.server.stop()
    record.answers["offence.what_happened"] = "Typed just before closing A4, server down."
    with pytest.raises(ServerUnreachableError):
        store.save_record(record, "sam")
    store.close()
    own_team.server.restart()
    reopened = open_store(data, url)
    assert reopened.notices == ["Saved the changes to case C-1 held while the server was away."]
    assert reopened.get_record(record.id).answers["offence.what_happened"].startswith("Typed just before")
    assert reopened.held() == []
    reopened.close()


def test_held_text_that_clashes_with_a_newer_save_is_kept_not_forced(
    own_team: TeamServer, url: str, tmp_path: Path
) -> None:
    data = str(tmp_path / "data")
    store = open_store(data, url)
    record = sams_record(store)
    own_team.server.stop()
    mine = Record(**{**vars(record), "answers": {"offence.what_happened": "Held text."}})
    with pytest.raises(ServerUnreachableError):
        store.save_record(mine, "sam")
    store.close()
    own_team.server.restart()
    other_window = open_store(str(tmp_path / "elsewhere"), url)
    record.answers["offence.what_happened"] = "Saved from another window meanwhile."
    other_window.save_record(record, "sam")
    reopened = open_store(data, url)
    assert "clash with a newer save" in reopened.notices[0]
    assert reopened.held()[0].record.answers == {"offence.what_happened": "Held text."}
    assert reopened.get_record(record.id).answers["offence.what_happened"].endswith("meanwhile.")
    reopened.close()
    other_window.close()


def test_a_dropped_connection_is_reopened_without_losing_the_save(
    own_team: TeamServer, url: str, tmp_path: Path
) -> None:
    store = open_store(str(tmp_path / "data"), url)
    record = sams_record(store)
    with psycopg.connect(own_team.server.url(), autocommit=True) as admin:
        dropped = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'sam'"
        ).fetchone()[0]
    assert dropped == 1
    record.answers["offence.what_happened"] = "Saved after the connection dropped."
    saved = store.save_record(record, "sam")
    assert saved.answers["offence.what_happened"] == "Saved after the connection dropped."
    assert store.held() == []
    store.close()


def test_a_wrong_password_or_database_gets_a_clear_message(
    own_team: TeamServer, url: str, tmp_path: Path
) -> None:
    wrong = url.replace(password("sam"), "not-the-password")
    with pytest.raises(ServerUnreachableError, match="password is wrong"):
        open_store(str(tmp_path), wrong)
    missing = own_team.url("no_such_db", "sam")
    with pytest.raises(StoreError, match="There is no team database no_such_db"):
        open_store(str(tmp_path), missing)
    shown = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", wrong, "cases"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "A4_DATA_DIR": str(tmp_path)},
    )
    assert shown.returncode == 1
    assert "password is wrong" in shown.stderr and "Traceback" not in shown.stderr
    assert "not-the-password" not in shown.stderr


async def test_the_case_screen_keeps_typing_while_the_server_is_away_and_saves_once_back(
    own_team: TeamServer, url: str, tmp_path: Path
) -> None:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    store = open_store(str(tmp_path / "data"), url)
    case = store.create_case(Case("AB123", "Sam Taylor", "2026-09-28", "sam", form.id), form.deadlines)
    record = store.create_record(Record("rec-1", case.ref, form.id, form.version), "sam")
    clock = FakeClock()
    screen = CaseScreen(
        store=store, form=form, case=case, record=record, user="sam", clock=clock, today=date.today
    )
    app = CaseApp(screen)
    held = tmp_path / "data" / "recovery" / f"{record.id}.json"  # the database chose the id
    async with app.run_test() as pilot:
        own_team.server.stop()
        await pilot.press(*"Typed offline")
        await wait_for_autosave(pilot, clock)
        await until(
            pilot, held.exists, "the text held in a recovery file"
        )  # a refused connection can be slow
        assert not any(isinstance(s, SaveFailure) for s in app.screen_stack), "no dialog: typing goes on"
        await pilot.press(*" and more")
        await wait_for_autosave(pilot, clock)
        own_team.server.restart()
        clock.now += RETRY_UNREACHABLE_SECONDS
        await until(pilot, lambda: not held.exists(), "the recovery file gone once saved")
    assert "Typed offline and more" in json.dumps(store.get_record(record.id).answers)
    store.close()


class FlakyNetwork:
    """A loopback TCP hop in front of the server's socket that the test can cut and mend, like a network."""

    def __init__(self, socket_path: Path) -> None:
        self.target = str(socket_path)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut = False
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut:
                client.close()
                continue
            server = socket.socket(socket.AF_UNIX)
            server.connect(self.target)
            self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            end.close()

    def drop(self) -> None:
        """Every connection through the hop dies at once, and new ones are turned away."""
        self.cut = True
        for end in self.open:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
        self.open.clear()

    def close(self) -> None:
        self.drop()
        self.listener.close()


def test_a_network_drop_gets_its_own_message_and_the_save_goes_through_once_mended(
    own_team: TeamServer, url: str, tmp_path: Path
) -> None:
    network = FlakyNetwork(own_team.server.socket_dir / f".s.PGSQL.{PORT}")
    dbname = url.split("/")[-1].split("?")[0]
    via_network = f"postgresql://sam:{password('sam')}@127.0.0.1:{network.port}/{dbname}"
    store = open_store(str(tmp_path / "data"), via_network)
    record = sams_record(store)
    network.drop()
    record.answers["offence.what_happened"] = "Typed while the network was down."
    with pytest.raises(ServerUnreachableError, match="was lost \\(a network drop\\?\\)") as raised:
        store.save_record(record, "sam")
    assert "127.0.0.1" in str(raised.value) and password("sam") not in str(raised.value)
    network.cut = False
    saved = store.save_record(record, "sam")
    assert saved.answers["offence.what_happened"] == "Typed while the network was down."
    assert store.held() == []
    store.close()
    network.close()

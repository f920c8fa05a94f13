"""Shared fixtures.  `store` runs each storage test once per engine.

"postgres" runs against a real server the tests start themselves
(`tests/pg_server.py`): one server per session, a fresh database per test.
If the server cannot start, those tests fail with the reason; never skip.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
from hypothesis import HealthCheck, settings

from forms.definition.registry import load_registry
from forms.model import AssessmentForm
from storage.sqlite.store import SqliteStore
from storage.store import Store
from tests.pg_server import SUPERUSER, TeamServer, running_team

if TYPE_CHECKING:
    from storage.postgres.store import PostgresStore

ENGINES: tuple[str, ...] = ("sqlite", "postgres")

# Hypothesis times each example (200 ms) and how fast inputs are drawn: both fail on a loaded machine,
# with the suite running on every core, without saying anything about A4.  Correctness checks only.
settings.register_profile("a4", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("a4")

# Keep the bank-holiday cache (forms/record/deadlines.py) out of the user's own cache
# folder; subprocesses started by tests inherit this.  One folder per test process: under
# pytest-xdist each worker sets its own, rather than sharing the one its parent made.
os.environ["A4_CACHE_DIR"] = tempfile.mkdtemp(prefix="a4-test-cache-")
# Likewise the remembered choices (tui/remembered.py): never the user's own state folder.
os.environ["A4_STATE_DIR"] = tempfile.mkdtemp(prefix="a4-test-state-")


@dataclass
class Clock:
    """A clock the test moves by hand, so due dates and timestamps are known."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 3, 3, 9, 30, tzinfo=UTC))


@pytest.fixture(scope="session")
def team_server() -> Iterator[TeamServer]:
    """A PostgreSQL server with the A4 schema and a team of logins, for the whole session."""
    with running_team() as team:
        yield team


@pytest.fixture
def team_database(team_server: TeamServer) -> Iterator[str]:
    """A fresh database (schema, roles, staff; no cases) for one test; dropped afterwards."""
    name = team_server.new_database()
    yield name
    team_server.drop_database(name)


@pytest.fixture
def login(
    team_server: TeamServer, team_database: str, clock: Clock
) -> Iterator[Callable[[str], PostgresStore]]:
    """Open the team store as a given team member (one connection each)."""
    from storage.postgres.store import PostgresStore

    opened: list[PostgresStore] = []

    def open_as(name: str) -> PostgresStore:
        store = PostgresStore(team_server.url(team_database, name), now=clock)
        opened.append(store)
        return store

    yield open_as
    for store in opened:
        store.close()


@pytest.fixture
def sql(team_server: TeamServer, team_database: str) -> Iterator[Callable[[str], psycopg.Connection[Any]]]:
    """A raw psycopg connection as a given login (autocommit, search_path a4), bypassing A4 entirely."""
    opened: list[psycopg.Connection[Any]] = []

    def connect(name: str) -> psycopg.Connection[Any]:
        url = (
            team_server.server.url(team_database)
            if name == SUPERUSER
            else team_server.url(team_database, name)
        )
        conn = psycopg.connect(url, autocommit=True, options="-c search_path=a4")
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()


@pytest.fixture(params=ENGINES)
def open_store(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[Callable[[], Store]]:
    """Opens a Store on the test's database; call it twice for two app windows on one store."""
    opened: list[Store] = []

    def factory() -> Store:
        if request.param == "sqlite":
            from storage.sqlite.store import SqliteStore

            store: Store = SqliteStore(tmp_path / "data" / "a4.db", now=clock)
        elif request.param == "postgres":
            from storage.postgres.store import PostgresStore

            team: TeamServer = request.getfixturevalue("team_server")
            # the superuser: the one login whose connection may act in several people's names (a4.act_as)
            store = PostgresStore(team.server.url(request.getfixturevalue("team_database")), now=clock)
        else:  # pragma: no cover - engines are added above
            raise ValueError(request.param)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SqliteStore]:
    """An empty embedded store in the test's folder, closed afterwards (the app tests' store)."""
    store = SqliteStore(tmp_path / "a4.db")
    yield store
    store.close()


@pytest.fixture
def form() -> AssessmentForm:
    """The shipped assessment form, loaded with no errors."""
    registry, errors = load_registry([])
    assert not errors, errors
    found = registry.assessment("a4-assessment")
    assert found is not None
    return found


@pytest.fixture
def a4(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., int]:
    """Runs `a4 ARGS…` in this process (output via capsys) with an empty user config folder."""
    from tui import cli

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return lambda *args: cli.main([str(a) for a in args])


SUMMARY = "summary"
"""A test's `user_properties` entry printed at the end of the run (the editing-scripts tally)."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the summary lines tests left (read from the reports, so it works under xdist too)."""
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name == SUMMARY:
                    terminalreporter.write_line(str(value))

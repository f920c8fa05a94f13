"""Shared fixtures.  `store` runs each storage test once per engine.

A PostgreSQL engine joins by adding "postgres" to `ENGINES` and a branch in
`open_store` that connects to a fresh test database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.store import Store

ENGINES: tuple[str, ...] = ("sqlite",)


@dataclass
class Clock:
    """A clock the test moves by hand, so due dates and timestamps are known."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 3, 3, 9, 30, tzinfo=UTC))


@pytest.fixture(params=ENGINES)
def open_store(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[Callable[[], Store]]:
    """Opens a Store on the test's database; call it twice for two app windows on one store."""
    opened: list[Store] = []

    def factory() -> Store:
        if request.param == "sqlite":
            from storage.sqlite import SqliteStore

            store: Store = SqliteStore(tmp_path / "data" / "a4.db", now=clock)
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

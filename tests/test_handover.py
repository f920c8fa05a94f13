"""Handing a case from one practitioner to another: kept for good, refused where it should be.

The store writes each handover in the same transaction as the change of owner (in team mode the
database's own trigger writes it, naming the login itself); the caseload offers it to managers,
tells both practitioners, and shows the receiving one a one-screen summary before the case opens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest

from forms.model import Case, Deadlines
from storage.postgres.store import NotPermittedError, PostgresStore
from storage.store import NotFoundError, Store, StoreError
from tests.conftest import Clock
from tests.pg_server import ADMIN, TeamServer


def a_case(store: Store, ref: str = "H-1", owner: str = "sam") -> Case:
    return store.create_case(Case(ref=ref, name="Alex Morgan", start="2025-02-03", owner=owner), Deadlines())


def test_a_handover_moves_the_case_and_is_kept_with_who_when_and_why(store: Store, clock: Clock) -> None:
    a_case(store)
    moved = store.hand_over("H-1", "jo", "kim.manager", note="Sam moves to the courts team")
    assert moved.owner == "jo" and store.get_case("H-1").owner == "jo"
    (handover,) = store.handovers(case_ref="H-1")
    assert (handover.old_owner, handover.new_owner, handover.note) == (
        "sam",
        "jo",
        "Sam moves to the courts team",
    )
    assert handover.at.startswith("20")
    assert [h.case_ref for h in store.handovers(involving="sam")] == ["H-1"]
    assert [h.case_ref for h in store.handovers(involving="jo")] == ["H-1"]
    assert store.handovers(involving="nobody") == []


def test_a_handover_to_the_same_owner_or_of_no_case_changes_nothing(store: Store) -> None:
    a_case(store)
    with pytest.raises(StoreError, match="already held by sam"):
        store.hand_over("H-1", "sam", "kim.manager")
    with pytest.raises(NotFoundError):
        store.hand_over("NOPE", "jo", "kim.manager")
    with pytest.raises(StoreError, match="new owner"):
        store.hand_over("H-1", "jo\x1b[2J", "kim.manager")
    assert store.handovers() == []


@pytest.fixture
def login(
    team_server: TeamServer, team_database: str, clock: Clock
) -> Iterator[Callable[[str], PostgresStore]]:
    opened: list[PostgresStore] = []

    def open_as(name: str) -> PostgresStore:
        store = PostgresStore(team_server.url(team_database, name), now=clock)
        opened.append(store)
        return store

    yield open_as
    for store in opened:
        store.close()


def test_in_a_team_the_database_names_who_handed_over(login: Callable[[str], PostgresStore]) -> None:
    admin = login(ADMIN)
    a_case(admin)
    admin.hand_over("H-1", "jo", "someone.else", note="cover while Sam is away")
    (handover,) = admin.handovers(case_ref="H-1")
    assert (handover.by, handover.note) == (ADMIN, "cover while Sam is away")  # not the name the client gave
    assert [h.case_ref for h in login("sam").handovers(involving="sam")] == ["H-1"]  # the old owner is told


def test_a_practitioner_cannot_hand_over_or_forge_a_handover(
    login: Callable[[str], PostgresStore], team_server: TeamServer, team_database: str
) -> None:
    a_case(login(ADMIN))
    sam = login("sam")
    with pytest.raises((NotPermittedError, StoreError)):
        sam.hand_over("H-1", "jo", "sam")
    assert login(ADMIN).get_case("H-1").owner == "sam"
    conn: psycopg.Connection[Any]
    with (
        psycopg.connect(team_server.url(team_database, "sam"), autocommit=True) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(
            "INSERT INTO a4.handovers (case_ref, old_owner, new_owner, by, at) "
            "VALUES ('H-1', 'sam', 'jo', 'kim', '2025-01-01')"
        )
    assert login(ADMIN).handovers() == []

"""Handing a case from one practitioner to another: kept for good, refused where it should be.

The store writes each handover in the same transaction as the change of owner (in team mode the
database's own trigger writes it, naming the login itself); the caseload offers it to managers,
tells both practitioners, and shows the receiving one a one-screen summary before the case opens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from textual.widgets import Static

from forms.model import Case, Deadlines, Objective, Record
from storage.postgres.store import NotPermittedError, PostgresStore
from storage.sqlite.store import SqliteStore
from storage.store import NotFoundError, Store, StoreError
from tests.a4_app_harness import TODAY, USER, add_case, caseload_shown, make_app
from tests.conftest import Clock
from tests.pg_server import ADMIN, TeamServer
from tests.pilot_support import until
from tui.config import Config
from tui.modals.handover import HandOverScreen, HandoverSummaryScreen
from tui.screens.case_screen import CaseScreen


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


# ---------------------------------------------------------------- in the app


async def told(pilot: Any, words: str) -> None:
    """Wait until a notification says `words`."""
    await until(pilot, lambda: any(words in str(n.message) for n in pilot.app._notifications), repr(words))


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "a4.db")
    yield store
    store.close()


async def test_a_manager_hands_a_case_over_from_the_caseload_and_both_are_told(embedded: SqliteStore) -> None:
    add_case(embedded, "H-7", "Alex Morgan", TODAY, owner="sam")
    async with make_app(embedded, Config(user="kim", role="manager")).run_test(size=(100, 30)) as pilot:
        screen = await caseload_shown(pilot)
        assert screen.selected_ref == "H-7"
        await pilot.press("ctrl+t")
        modal = pilot.app.screen
        assert isinstance(modal, HandOverScreen)
        await pilot.press(*"jo", "enter", *"Sam moves to the courts team", "enter")
        await told(pilot, "Case H-7 is now jo's")
    (handover,) = embedded.handovers(case_ref="H-7")
    assert (handover.old_owner, handover.new_owner, handover.by) == ("sam", "jo", "kim")
    assert embedded.get_case("H-7").owner == "jo"
    async with make_app(embedded, Config(user="sam")).run_test(size=(100, 30)) as pilot:
        await told(pilot, "Case H-7 was handed to jo by kim")  # the old owner is told


async def test_a_practitioner_is_not_offered_the_handover(embedded: SqliteStore) -> None:
    add_case(embedded, "H-8", "Alex Morgan", TODAY, owner=USER)
    async with make_app(embedded).run_test(size=(100, 30)) as pilot:
        screen = await caseload_shown(pilot)
        assert screen.check_action("hand_over", ()) is False
        await pilot.press("ctrl+t")
        assert not isinstance(pilot.app.screen, HandOverScreen)
    assert embedded.handovers() == []


async def test_the_new_owner_reads_the_handover_summary_before_the_case_opens(embedded: SqliteStore) -> None:
    add_case(embedded, "H-9", "Alex Morgan", TODAY, owner="sam")
    record = embedded.create_record(
        Record(id="", case_ref="H-9", form_id="a4-assessment", form_version="1.0.0", author="sam",
               answers={"rosh.level": "high"},
               plan=[Objective(id="o1", goal="Keep my flat", by="2026-06-01"),
                     Objective(id="o2", goal="Finished already", status="done")]),
        "sam",
    )  # fmt: skip
    assert record.id
    embedded.hand_over("H-9", USER, "kim", note="cover while Sam is away")
    async with make_app(embedded).run_test(size=(100, 40)) as pilot:
        await told(pilot, "Case H-9 was handed to you by kim (from sam)")
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(pilot.app.screen, HandoverSummaryScreen), "the handover summary"
        )
        text = str(pilot.app.screen.query_one("#handover-facts", Static).render())
        assert "Handed to you by kim" in text and "Why: cover while Sam is away" in text
        assert "Latest risk of serious harm level: High" in text
        assert "Keep my flat — by 2026-06-01" in text and "Finished already" not in text
        assert "Checks still outstanding" in text and "Next due:" in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, CaseScreen), "the case screen")

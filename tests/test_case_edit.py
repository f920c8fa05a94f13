"""Correcting a case after it was added: the store on both engines.

The dialog's tests are in `test_edit_case_dialog.py`; a colleague's case in a
team database, tried as an attacker would, in `test_postgres_attacks.py`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

import pytest

from forms.model import Case, Deadlines, Sentence
from forms.record.deadlines import initial_due
from storage.postgres.store import PostgresStore
from storage.store import Store
from tests.pg_server import ADMIN

LICENCE_DAYS = Deadlines(initial_working_days=10, review_weeks=16, by_sentence=(("licence", 5),))
"""A form whose licence cases fall due sooner: the case keeps the days it was given when added."""


def test_a_corrected_start_date_is_dated_by_the_cases_own_deadlines(store: Store) -> None:
    added = store.create_case(
        Case("C-1", "Alx Morgan", "2025-02-03", "sam", sentence=Sentence(type="licence")), LICENCE_DAYS
    )
    own = store.case_deadlines("C-1")
    assert (own.initial_working_days, own.review_weeks) == (5, 16)
    corrected = dataclasses.replace(
        added, name="Alex Morgan", start="2025-04-01", sentence=Sentence(type="community order")
    )
    stored = store.update_case(corrected, owner="sam")
    assert (stored.name, stored.start, stored.sentence.type) == (
        "Alex Morgan",
        "2025-04-01",
        "community order",
    )
    assert stored.initial_due == initial_due(date(2025, 4, 1), own, "community order").isoformat()
    assert store.get_case("C-1", owner="sam") == stored


def test_a_manager_corrects_the_case_of_the_owner_named_when_two_share_a_reference(
    login: Callable[[str], PostgresStore],
) -> None:
    """References are unique per owner in a team database: a correction names whose case it is."""
    admin = login(ADMIN)
    for owner in ("jo", "sam"):
        admin.create_case(Case("C-17", f"{owner.title()} Person", "2025-02-03", owner), Deadlines())
    sams = admin.get_case("C-17", owner="sam")
    assert sams.name == "Sam Person"
    admin.update_case(dataclasses.replace(sams, name="Sam Persson", national_id="X1"), owner="sam")
    assert (admin.get_case("C-17", owner="sam").name, admin.get_case("C-17", owner="sam").national_id) == (
        "Sam Persson",
        "X1",
    )
    assert admin.get_case("C-17", owner="jo").name == "Jo Person"
    assert admin.case_deadlines("C-17", owner="sam").initial_working_days == 10


def test_a_qa_assessor_sees_their_teams_case_but_the_database_refuses_them_correcting_it(
    login: Callable[[str], PostgresStore],
) -> None:
    """Why the app offers no correction to a login that is only a QA assessor (`tui.case_editing`)."""
    from storage.store import NotPermittedError
    from tui.case_editing import may_edit_case

    sam = login("sam")
    case = sam.create_case(Case("C-2", "Alx Morgan", "2025-02-03", "sam"), Deadlines())
    kim = login("kim")
    assert kim.get_case("C-2").name == "Alx Morgan"
    with pytest.raises(NotPermittedError, match="kim may not"):
        kim.update_case(dataclasses.replace(case, name="Alex Morgan"), owner="sam")
    assert not may_edit_case("sam", user="kim", role=kim.role, team=True)
    assert may_edit_case("sam", user="sam", role=sam.role, team=True)
    lee = login("lee")  # practitioner and QA assessor: corrects their own cases only
    assert lee.role == "practitioner" and not may_edit_case("sam", user="lee", role=lee.role, team=True)
    assert may_edit_case("sam", user=ADMIN, role=login(ADMIN).role, team=True)
    assert sam.get_case("C-2").name == "Alx Morgan"

"""Correcting a case after it was added: the store on both engines, and `a4 case edit`.

The dialog's tests are in `test_edit_case_dialog.py`; a colleague's case in a
team database, tried as an attacker would, in `test_postgres_attacks.py`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from forms.model import Case, Deadlines, Sentence
from forms.record.deadlines import initial_due
from storage.postgres.store import PostgresStore
from storage.sqlite.store import SqliteStore
from storage.store import Store
from tests.cli_support import run_a4
from tests.pg_server import ADMIN

A4 = Callable[..., CompletedProcess[str]]

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
    kims = login(ADMIN).create_case(Case("C-3", "Alx Morgan", "2025-02-03", "kim"), Deadlines())
    with pytest.raises(NotPermittedError, match="kim may not"):  # not even a case made out to them
        kim.update_case(dataclasses.replace(kims, name="Alex Morgan"), owner="kim")
    assert not may_edit_case("kim", user="kim", role=kim.role, team=True)
    assert may_edit_case("kim", user="kim", role=kim.role, team=False)  # the embedded store: the owner
    assert may_edit_case("sam", user="sam", role=sam.role, team=True)
    lee = login("lee")  # practitioner and QA assessor: corrects their own cases only
    assert lee.role == "practitioner" and not may_edit_case("sam", user="lee", role=lee.role, team=True)
    assert may_edit_case("sam", user=ADMIN, role=login(ADMIN).role, team=True)
    assert sam.get_case("C-2").name == "Alx Morgan"


# ---------------------------------------------------------------- a4 case edit


@pytest.fixture
def a4(tmp_path: Path) -> A4:
    """`a4 ARGS…` on an embedded store in `tmp_path`, with the config's user (and role, when given)."""
    config = tmp_path / "config.toml"

    def run(*args: str, role: str = "practitioner") -> object:
        config.write_text(f'user = "sam"\nrole = "{role}"\n', encoding="utf-8")
        return run_a4(*args, env={"A4_DATA_DIR": str(tmp_path / "data"), "A4_CONFIG": str(config)})

    return run


def _case(a4: A4, ref: str) -> dict[str, object]:
    listed = json.loads(a4("cases", "--json").stdout)
    return next(row for row in listed if row["ref"] == ref)


def test_a4_case_edit_corrects_the_name_and_moves_the_due_date_with_the_start(a4: A4, tmp_path: Path) -> None:
    made = a4(
        "new", "--ref", "E1", "--name", "Alx Morgan", "--start", "2026-03-02", "--requirement", "curfew"
    )
    assert made.returncode == 0, made.stderr
    done = a4("case", "edit", "E1", "--name", "Alex Morgan", "--start", "2026-03-09", "--national-id", "X99")
    assert done.returncode == 0, done.stderr
    due = initial_due(date(2026, 3, 9), Deadlines()).isoformat()
    assert done.stdout.strip() == (
        f"Corrected case E1: name, start date, national identifier; first assessment due {due}."
    )
    row = _case(a4, "E1")
    assert (row["name"], row["start"], row["initial_due"]) == ("Alex Morgan", "2026-03-09", due)
    store = SqliteStore(tmp_path / "data" / "a4.db")
    try:
        case = store.get_case("E1")
    finally:
        store.close()
    assert (case.national_id, case.sentence.requirements) == ("X99", ("curfew",))  # the rest as it was


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start", "2026-02-30"), "a4: --start '2026-02-30' is not a real calendar day"),
        (("--name", "Alex\x1b[2J"), "a4: --name holds ESC, which cannot be stored; remove it"),
        (("--name", "  "), "a4: --name must not be empty"),
        (("--sentence-end", "31/12/2027"), "a4: --sentence-end '31/12/2027' is not a date"),
        (("--national-id", "X\n1"), "a4: --national-id holds a newline"),
        ((), "a4: say what to correct in case E1"),
    ],
)
def test_a4_case_edit_refuses_what_a4_new_refuses_in_one_line_and_changes_nothing(
    a4: A4, args: tuple[str, ...], message: str
) -> None:
    a4("new", "--ref", "E1", "--name", "Alx Morgan", "--start", "2026-03-02")
    before = _case(a4, "E1")
    result = a4("case", "edit", "E1", *args)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(message) and "\x1b" not in lines[0], lines
    assert _case(a4, "E1") == before


def test_a4_case_edit_is_for_the_owner_or_a_manager_and_never_an_archived_case(
    a4: A4,
) -> None:
    a4("new", "--ref", "J1", "--name", "Jo's Case", "--start", "2026-03-02", "--owner", "jo")
    refused = a4("case", "edit", "J1", "--name", "Changed")
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        "a4: only the case's owner or a manager corrects case J1 (you are sam, practitioner)"
    )
    assert _case(a4, "J1")["name"] == "Jo's Case"
    allowed = a4("case", "edit", "J1", "--name", "Jo Morgan", role="manager")
    assert allowed.returncode == 0, allowed.stderr
    assert _case(a4, "J1")["name"] == "Jo Morgan"
    a4("archive", "J1", "--reason", "imported by mistake", role="manager")
    archived = a4("case", "edit", "J1", "--name", "Jo Smith", role="manager")
    assert archived.returncode == 1
    assert "case J1 is archived" in archived.stderr
    missing = a4("case", "edit", "NOPE", "--name", "X")
    assert (missing.returncode, missing.stderr) == (
        1,
        "a4: There is no case with reference NOPE.\n",
    )

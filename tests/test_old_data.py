"""What older A4 versions let into a store never takes down a list or reaches a terminal raw (issue 16).

Findings 1, 2 and 4: impossible case dates broke `a4 cases`, `--json`,
`a4 stats` and the app's start; escape sequences in a reference and name
reached terminals and spreadsheets; path-like record ids broke batch
exports.  The store here holds all of them beside good cases.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from exports.escape import visible_controls
from forms.model import Record
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import caseload_shown, make_app
from tests.cli_support import a4_in as a4
from tests.old_data import BAD_DATES_REF, ESC_NAME, ESC_REF, spoil
from tests.pilot_support import screen_text, until
from tests.terminal.scene import PATIENCE, Scene
from tui.config import Config

RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("old")
    assert a4(folder, "demo", "--cases", "4").returncode == 0
    spoil(folder / "a4.db")
    return folder


def test_cases_lists_the_good_rows_and_names_the_bad_one(data: Path) -> None:
    result = a4(data, "cases")
    assert result.returncode == 0, result.stderr
    assert (
        "DEMO-00001" in result.stdout
        and "ESC␛[2J1" in result.stdout
        and "Alex␛]0;PWNED-TITLE␇␛[2J" in result.stdout
    )
    assert RAW.search(result.stdout.replace("\n", "")) is None
    assert (
        f"a4: case {BAD_DATES_REF} left out: its start date '2025-02-30' is not a real calendar day"
        in result.stderr
    )
    listed = json.loads(a4(data, "cases", "--json").stdout)
    assert BAD_DATES_REF not in {c["ref"] for c in listed} and ESC_REF in {c["ref"] for c in listed}


def test_cases_check_lists_what_cannot_be_shown(data: Path) -> None:
    result = a4(data, "cases", "--check")
    assert result.returncode == 1
    assert result.stdout.startswith(
        f"{BAD_DATES_REF}: its start date '2025-02-30' is not a real calendar day."
    )
    assert "1 of 6 cases cannot be shown." in result.stdout


def test_stats_counts_the_rest(data: Path) -> None:
    result = a4(data, "stats")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert f"of case {BAD_DATES_REF} left out" in result.stderr and "\x00" not in result.stderr


def test_check_shows_old_ids_and_references_as_symbols(data: Path) -> None:
    result = a4(data, "check")
    assert "Traceback" not in result.stderr and "record ab␀cd" in result.stdout
    assert RAW.search(result.stdout.replace("\n", "")) is None


def test_exports_write_safe_names_and_text(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "all"
    result = a4(data, "export", "--all", "--history", "--format", "md", "--out", f"{out}/")
    assert result.returncode == 0, result.stderr
    assert not Path("/tmp/a4-escape-x.md").exists() and not Path("/etc/passwd-a4").exists()
    names = sorted(p.name for p in out.iterdir())
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", n) for n in names) and len(names) >= 4
    assert all(RAW.search(p.read_text()) is None for p in out.iterdir())
    table = a4(data, "export", "--all", "--format", "csv").stdout
    cells = [cell for row in csv.reader(io.StringIO(table)) for cell in row]
    assert "ESC␛[2J1" in cells and not any(RAW.search(c) for c in cells)


async def test_the_caseload_opens_escapes_and_names_what_it_left_out(data: Path, tmp_path: Path) -> None:
    for part in data.glob("a4.db*"):  # with its -wal, which holds the last writes
        (tmp_path / part.name).write_bytes(part.read_bytes())
    copy = tmp_path / "a4.db"
    store = SqliteStore(copy)
    owner = store.get_case("DEMO-00001").owner  # the demo's cases are whoever ran it
    app = make_app(store, Config(user=owner))
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await caseload_shown(pilot)
            await until(pilot, lambda: "ESC␛[2J1" in screen_text(app), "the escaped reference")
            shown = screen_text(app)
            assert "Alex␛]0;PWNED-TITLE" in shown and "\x1b" not in shown
            notices = lambda: [n.message for n in app._notifications]  # noqa: E731
            await until(pilot, lambda: any(BAD_DATES_REF in m for m in notices()), "the notice")
            assert "its start date '2025-02-30' is not a real calendar day" in notices()[0]
    finally:
        store.close()


OLD_ANSWER = "x\x1b]0;PWNED-ANSWER\x07\x1b[2Jy\x9b31mred"


def _store_old_answers(scene: Scene) -> None:
    """A record whose answers and case name hold escape sequences, as an older A4 let in (plain SQL)."""
    import sqlite3
    import uuid

    from storage.sqlite.store import open_store

    store = open_store(str(scene.data_dir))
    try:
        draft = Record(id=uuid.uuid4().hex, case_ref=scene.ref, form_id=scene.form_id, form_version="1.0.0",
                       kind="assessment", author=scene.user)  # fmt: skip
        store.create_record(draft, scene.user)
    finally:
        store.close()
    with sqlite3.connect(scene.data_dir / "a4.db") as conn:
        (payload,) = conn.execute("SELECT payload FROM records").fetchone()
        data = json.loads(payload)
        data["answers"] = {"first.a": OLD_ANSWER, "first.b": "line one\nline two\x07"}
        conn.execute("UPDATE records SET payload = ?", (json.dumps(data),))
        conn.execute("UPDATE cases SET name = ?", (ESC_NAME,))


@pytest.mark.terminal
def test_old_answers_and_names_never_reach_a_real_terminal_raw(tmp_path: Path) -> None:
    """The real `a4` in a pty: the window title stays A4's, nothing clears the screen, symbols are shown.

    Before the audit of issue 16 the case screen's editors drew a stored ESC raw: the answer
    retitled the terminal and cleared it, and the screen stayed blank below the first line.
    """
    scene = Scene(tmp_path).create()
    _store_old_answers(scene)
    with scene.start() as term:
        term.wait_for("Alex␛]0;PWNED-TITLE␇␛[2J", PATIENCE)  # the caseload
        scene.open_case(term)
        term.wait_for("x␛]0;PWNED-ANSWER␇␛[2Jy�31mred", PATIENCE)
        term.wait_for("line two␇", PATIENCE)
        assert term.has("Answer B") and term.has("Second area")  # nothing cleared the screen
        term.press("f5")  # the plan: its title names the case
        term.wait_for("Alex␛]0;PWNED-TITLE␇␛[2J", PATIENCE)
        assert "PWNED" not in (term.title() or "")
        term.press("escape")
        term.press("ctrl+q")
        term.wait_exit(PATIENCE)
    # Nothing lost: the answer is as stored, or (once saved) as it was shown.
    assert scene.answers()["first.a"] in (OLD_ANSWER, visible_controls(OLD_ANSWER, multiline=True))


async def test_every_notice_shows_control_characters_as_symbols(tmp_path: Path) -> None:
    """Toasts quote references, names and errors (a handover, a case without a locked record…): whichever
    screen raises one, `A4App.notify` shows what it quotes with control characters as symbols."""
    store = SqliteStore(tmp_path / "a4.db")
    app = make_app(store)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await caseload_shown(pilot)
            screen.notify(
                f"Case {ESC_REF} has no locked record to amend.", title=f"{ESC_REF}\x07", markup=False
            )
            await pilot.pause()
            (notice,) = [n for n in app._notifications if "locked record" in n.message]
            assert (
                notice.message == "Case ESC␛[2J1 has no locked record to amend."
                and notice.title == "ESC␛[2J1␇"
            )
    finally:
        store.close()

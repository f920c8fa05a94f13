"""Hostile and careless input (issue 16): each refused with one line naming the problem and its place.

Every file under tests/fixtures/hostile/ once broke A4 (a traceback, a
caseload that no longer opened, a file written outside its folder, raw
escape sequences on a terminal).  Each is kept and imported by the real
`a4 import`; the store must be exactly as it was, except for the one
shape the schema allows that used to crash (a minimal left-behind entry).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_support import a4_in as a4
from tests.test_import_malformed import contents

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
REFUSED: dict[str, str] = {
    "impossible_case_dates.json": "$.case.start: expected a date written YYYY-MM-DD, found '2025-02-30', "
    "which is not a real calendar day",
    "start_far_future.json": "$.case.start: expected a date written YYYY-MM-DD, found '9999-12-31', "
    "outside 1900-01-01 to 2100-12-31",
    "start_year_one.json": "$.case.start: expected a date written YYYY-MM-DD, found '0001-01-01'",
    "version_2_70.json": "$.record.version: must be at most 1000000000",
    "active_seconds_2_64.json": "$.record.active_seconds: must be at most 1000000000",
    "nan_active_seconds.json": "holds a number A4 cannot store (NaN is not a number JSON allows)",
    "huge_integer_digits.json": "holds a number A4 cannot store",
    "escape_in_name.json": "$.case.name: the person's name holds ESC, which cannot be stored",
    "escape_in_ref.json": "is not a case reference",
    "lone_surrogate_name.json": "$.case.name: the person's name holds an unpaired surrogate",
    "control_in_answer.json": "$.record.answers['accommodation.analysis']: the text holds ESC",
    # Found by the long fuzz run: a key with a control character and a newline broke the message in two.
    "control_key_in_answer.json": "$.record.answers['accommodation.analysis']['␟␊']: the text holds the "
    "control character U+001F",
    "id_path_traversal.json": "$.record.id: '../../../../tmp/x' is not a record id",
    "id_absolute.json": "$.record.id: '/etc/passwd' is not a record id",
    "id_nul.json": "$.record.id: 'ab\\x00cd' is not a record id",
    "created_impossible_day.json": "$.record.created_at: expected a timestamp like 2025-03-03T09:30:00+00:00 "
    "on a real day",
    # Found by the audit of issue 16: the audit trail was not checked at all, the case's sentence only
    # by the store (without the JSON path), and date answers by a second, lenient date reader.
    "escape_in_audit_actor.json": "$.audit[0].actor: the actor holds ESC, which cannot be stored",
    "escape_in_audit_reason.json": "$.audit[1].reason: the text holds ESC, which cannot be stored",
    "escape_in_court.json": "$.case.sentence.court: the text holds ESC, which cannot be stored",
    "newline_in_requirement.json": "$.case.sentence.requirements[0]: the text holds a newline",
    "source_date_iso_week.json": "$.record.answers['evidence.sources'][0].date: expected a date written "
    "YYYY-MM-DD, found '2025-W10-1'",
    "source_date_far_future.json": "$.record.answers['evidence.sources'][0].date: expected a date written "
    "YYYY-MM-DD, found '9999-12-31', outside 1900-01-01 to 2100-12-31",
}
IMPORTED = {"left_behind_minimal.json"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    assert a4(folder, "demo", "--cases", "3").returncode == 0
    return folder


def test_every_hostile_fixture_is_covered() -> None:
    assert {f.name for f in HOSTILE.glob("*.json")} == {*REFUSED, *IMPORTED}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_hostile_import_is_refused_in_one_line_and_nothing_is_written(data: Path, name: str) -> None:
    before = contents(data)
    result = a4(data, "import", str(HOSTILE / name))
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"a4: {HOSTILE / name}: ")
    assert REFUSED[name] in first
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr
    assert contents(data) == before


def test_a_left_behind_entry_with_only_what_the_schema_requires_imports(tmp_path: Path) -> None:
    result = a4(tmp_path, "import", str(HOSTILE / "left_behind_minimal.json"))
    assert result.returncode == 0, result.stderr
    shown = a4(tmp_path, "export", "IMP-0001", "--format", "md")
    assert shown.returncode == 0, shown.stderr
    assert "offence.old" in shown.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start", "20250303"), "--start '20250303' is not a date; write it as YYYY-MM-DD"),
        (("--start", "2025-W10-1"), "--start '2025-W10-1' is not a date"),
        (("--start", "9999-12-31"), "outside the dates A4 accepts (1900-01-01 to 2100-12-31)"),
        (("--start", "1899-12-31"), "outside the dates A4 accepts"),
        (("--start", "2025-02-30"), "is not a real calendar day"),
        (("--ref", "X1\x1b]0;PWNED-TITLE\x07"), "--ref may hold only ASCII letters and digits"),
        (("--ref", "../../etc"), "--ref may hold only"),
        (("--name", "Alex\x1b[2J"), "--name holds ESC, which cannot be stored"),
        (("--name", "Alex\nMorgan"), "--name holds a newline"),
    ],
)
def test_new_refuses_what_it_cannot_store(tmp_path: Path, args: tuple[str, str], message: str) -> None:
    given = {"--ref": "X1", "--name": "Alex Morgan", "--start": "2025-03-03"}
    given[args[0]] = args[1]
    result = a4(tmp_path, "new", *[part for pair in given.items() for part in pair])
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr
    listed = a4(tmp_path, "cases", "--json")
    assert listed.stdout.strip() == "[]"


def test_new_takes_any_script_in_a_name(tmp_path: Path) -> None:
    made = a4(tmp_path, "new", "--ref", "X1", "--name", "Zoë محمد 🙂", "--start", "1900-01-01")
    assert made.returncode == 0, made.stderr
    assert "Zoë محمد 🙂" in a4(tmp_path, "cases").stdout


async def test_the_new_case_form_refuses_a_reference_or_name_it_cannot_store(tmp_path: Path) -> None:
    from storage.sqlite.store import SqliteStore
    from tests.a4_app_harness import caseload_shown, make_app
    from tui.modals.new_case import NewCaseScreen

    store = SqliteStore(tmp_path / "a4.db")
    try:
        async with make_app(store).run_test(size=(80, 24)) as pilot:
            await caseload_shown(pilot)
            await pilot.press("ctrl+n", *"N 1", "enter", *"Jo Bloggs", "ctrl+s")
            modal = pilot.app.screen
            assert isinstance(modal, NewCaseScreen)
            assert "The reference may hold only ASCII letters and digits" in str(
                modal.query_one("#problem").render()
            )
            assert modal.query_one("#ref").has_focus
            await pilot.press("ctrl+a", "ctrl+k", *"N1", "ctrl+s")
            assert not isinstance(pilot.app.screen, NewCaseScreen)
        assert store.get_case("N1").name == "Jo Bloggs"
    finally:
        store.close()


def test_every_a4_message_shows_control_characters_as_symbols(tmp_path: Path) -> None:
    """`fail()` is the one way a command says what went wrong: what it quotes is escaped there too."""
    result = a4(tmp_path, "export", "X\x1b]0;PWNED\x07", "--format", "md")
    assert result.returncode == 1
    assert result.stderr == "a4: There is no case with reference X␛]0;PWNED␇.\n"


@pytest.mark.terminal
def test_a_paste_holding_control_characters_stores_the_text_without_them(tmp_path: Path) -> None:
    """The real `a4` in a pty: inside the paste brackets a terminal hands over C0, DEL and C1 characters as
    text (ESC alone ends the paste); before the audit of issue 16 they were stored as typed."""
    from tests.terminal.scene import PATIENCE, Scene

    scene = Scene(tmp_path).create()
    with scene.start() as term:
        scene.open_case(term)
        term.paste("one\x01two\x7fthree\x9b2J\r\nfour")
        term.wait_for("control characters", PATIENCE)
        term.wait_for("onetwothree2J", PATIENCE)
        term.press("ctrl+q")
        term.wait_exit(PATIENCE)
    assert scene.answers()["first.a"] == "onetwothree2J\nfour"


NUMBER_FORM = """\
id = "num-test"
kind = "assessment"
title = "Number test"
version = "1.0.0"

[[section]]
id = "first"
title = "First"

  [[section.question]]
  id = "n"
  type = "number"
  label = "A count with no maximum"
  integer = true

  [[section.question]]
  id = "f"
  type = "number"
  label = "An amount with no maximum"
"""


@pytest.mark.parametrize("value", [10**1000, -(10**16), 1e308])
def test_a_number_answer_is_bounded_even_where_the_form_sets_no_maximum(value: float) -> None:
    """Found by the audit of issue 16: a 1000-digit whole number imported into a form of one's own."""
    from exports.importing.answer_check import answer_problems
    from forms.definition.load import load_text

    form = load_text(NUMBER_FORM, "num.toml").definition
    path = "first.n" if isinstance(value, int) else "first.f"
    (problem,) = answer_problems(form, {path: value})  # type: ignore[arg-type]
    assert problem == (
        f"$.record.answers['{path}']",
        "the number is larger than any answer A4 keeps (at most 1,000,000,000,000,000 either way)",
    )
    assert list(answer_problems(form, {"first.n": 10**15, "first.f": -2.5})) == []  # type: ignore[arg-type]


def test_file_names_holding_escape_sequences_are_shown_as_symbols(tmp_path: Path) -> None:
    """A file in a shared folder may be named with anything: the import and export lines show it escaped."""
    named = tmp_path / "valid\x1b]0;PWNED\x07.json"
    named.write_bytes((Path(__file__).parent / "fixtures" / "imports" / "valid.json").read_bytes())
    data = tmp_path / "data"
    imported = a4(data, "import", str(named))
    assert imported.returncode == 0 and "valid␛]0;PWNED␇.json" in imported.stdout
    out = tmp_path / "out\x1b[2J"
    exported = a4(data, "export", "--all", "--format", "md", "--out", f"{out}/")
    assert exported.returncode == 0 and "out␛[2J" in exported.stderr
    assert "\x1b" not in imported.stdout + exported.stderr

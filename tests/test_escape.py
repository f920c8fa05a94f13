"""Escaping per medium (exports.escape): stored text never acts on a terminal, spreadsheet, report or path."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from exports.escape import (
    FILE_NAME_LIMIT,
    for_csv_cell,
    for_file_name,
    for_markdown,
    for_markup,
    for_terminal,
    record_for_terminal,
)

HOSTILE = "A\x1b]0;PWNED-TITLE\x07\x1b[2J\x08\x9b31m"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def test_terminal_shows_controls_as_symbols() -> None:
    shown = for_terminal(HOSTILE)
    assert CONTROL.search(shown) is None
    assert shown.startswith("A␛]0;PWNED-TITLE␇␛[2J")


def test_terminal_keeps_what_a_person_writes() -> None:
    text = "Zoë Ñúñez · محمد · 🙂"
    assert for_terminal(text) == text
    assert for_terminal("two\nlines\tand tab", multiline=True) == "two\nlines\tand tab"
    assert for_terminal("two\nlines") == "two␊lines"


def test_markup_cannot_open_a_tag() -> None:
    from rich.text import Text

    assert Text.from_markup(for_markup("[bold red]x[/] \x1b")).plain == "[bold red]x[/] ␛"


def test_csv_formula_cells_are_neutralised() -> None:
    for cell in ('=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert for_csv_cell(cell).startswith("'"), cell
    assert for_csv_cell("-3") == "-3"
    assert for_csv_cell("+2.5") == "+2.5"
    assert for_csv_cell("Alex") == "Alex"
    assert CONTROL.search(for_csv_cell(HOSTILE).replace("\n", "")) is None


def test_markdown_keeps_no_raw_controls() -> None:
    assert "\x1b" not in for_markdown(HOSTILE) and "\x07" not in for_markdown(HOSTILE)
    assert for_markdown("*x* [a](b)") == "\\*x\\* \\[a\\](b)"


def test_file_names_never_leave_the_folder() -> None:
    for text in ("../../../../tmp/x", "/etc/passwd", "a\x00b", "..", ".hidden", "", "é" * 300):
        name = for_file_name(text)
        assert name and "/" not in name and "\x00" not in name and ".." not in name
        assert not name.startswith(".") and len(name) <= FILE_NAME_LIMIT


@given(st.text())
def test_any_text_is_safe_in_every_medium(text: str) -> None:
    assert CONTROL.search(for_terminal(text)) is None
    assert CONTROL.search(for_markdown(text).replace("\n", "").replace("\t", "")) is None
    cell = for_csv_cell(text)
    assert CONTROL.search(cell.replace("\n", "").replace("\t", "")) is None
    assert not cell.startswith(("=", "+", "@", "\t", "\r")) or re.fullmatch(r"[+-]?\d+(\.\d+)?", cell)
    name = for_file_name(text)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name) and ".." not in name and not name.startswith(".")


def test_a_record_is_shown_with_its_controls_as_symbols_and_kept_whole() -> None:
    from forms.model import Record

    answers = {"s.a": "x\x1b[2Jy", "s.b": "one\ntwo\x07", "s.n": 3, "s.g": [{"who": "k\x9b"}]}
    old = Record(id="r1", case_ref="C1", form_id="f", form_version="1.0.0", answers=answers)
    shown = record_for_terminal(old)
    assert shown.answers == {"s.a": "x␛[2Jy", "s.b": "one\ntwo␇", "s.n": 3, "s.g": [{"who": "k\ufffd"}]}
    assert (shown.id, shown.case_ref, shown.version) == (old.id, old.case_ref, old.version)
    clean = Record(id="r2", case_ref="C1", form_id="f", form_version="1.0.0", answers={"s.a": "ok"})
    assert record_for_terminal(clean) is clean

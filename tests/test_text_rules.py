"""What text A4 stores (forms.record.text_rules): references, ids, names and long text."""

from __future__ import annotations

import pytest

from forms.record.text_rules import (
    REFERENCE_LIMIT,
    TextError,
    check_line,
    check_record_id,
    check_reference,
    check_text,
    storable,
)


@pytest.mark.parametrize("ref", ["X123456", "north/2025/01", "a.b-c_d", "7"])
def test_references_in_the_documented_set(ref: str) -> None:
    assert check_reference(ref) == ref


@pytest.mark.parametrize(
    "ref", ["", "X1\x1b]0;T\x07", "../x", "/etc/passwd", "a b", "é1", "x" * (REFERENCE_LIMIT + 1), "-x"]
)
def test_references_outside_it_are_refused(ref: str) -> None:
    with pytest.raises(TextError, match="--ref"):
        check_reference(ref, what="--ref")


def test_names_take_any_script_but_no_controls() -> None:
    for name in ("Zoë Ñúñez", "محمد علي", "李小龍", "Sam 🙂"):
        assert check_line(name, what="name") == name
    for bad in ("A\x1b[2J", "A\nB", "A\tB", "A\x9bB", "   ", "A\ud800"):
        with pytest.raises(TextError, match="name"):
            check_line(bad, what="name")


def test_long_text_keeps_newlines_and_tabs_only() -> None:
    assert check_text("one\n\ttwo", what="answer") == "one\n\ttwo"
    with pytest.raises(TextError, match="ESC"):
        check_text("a\x1bb", what="answer")


def test_record_ids() -> None:
    assert check_record_id("0f3a9c") == "0f3a9c"
    for bad in ("../../../../tmp/x", "/etc/passwd", "a\x00b", "", "x" * 65):
        with pytest.raises(TextError):
            check_record_id(bad)


def test_a_paste_keeps_its_text_and_line_breaks_but_no_control_character() -> None:
    assert storable("plain\ttext\nhere, ünïcødé 🙂") == "plain\ttext\nhere, ünïcødé 🙂"
    assert storable("a\r\nb\rc\x0bd\x0ce") == "a\nb\nc\nd\ne"
    assert storable("x\x1b]0;T\x07y\x00\x7f\x9b2Jz") == "x]0;Ty2Jz"

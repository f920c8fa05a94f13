"""Findings 1–7 of issue #14 in the real `a4`, in a pty, typed as a person types (tests/terminal/).

Each test drives the real command on the small keys form (tests/terminal/scene.py)
and then reads the store: a word typed must be saved, and saved in the field
where the cursor was.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.terminal.driver import PASTE_END, PASTE_START, A4Terminal, key_bytes
from tests.terminal.scene import PATIENCE, Scene

pytestmark = pytest.mark.terminal


def quit_app(term: A4Terminal) -> None:
    term.press("ctrl+q")
    term.wait_exit(PATIENCE)


def to_answer_c(term: A4Terminal) -> None:
    """From Answer A (focused on open): Tab to section 2's one-key row, ↓ to Answer C."""
    term.press("tab")
    term.wait_quiet(0.3)
    term.press("down")
    term.wait_quiet(0.3)


@pytest.fixture
def scene(tmp_path: Path) -> Scene:
    return Scene(tmp_path).create()


def test_down_at_the_end_of_the_last_text_box_keeps_the_typing_there(scene: Scene) -> None:
    """Finding 1: ↓ at the end of the form's last text box, then more typing: nothing is lost."""
    with scene.start(size=(80, 24)) as term:
        scene.open_case(term)
        to_answer_c(term)
        term.type("The last sentence.", gap=0.02)
        term.wait_quiet(0.3)
        term.press("down")
        term.wait_quiet(0.3)
        term.type(" XYZ", gap=0.02)
        term.wait_for("XYZ", PATIENCE)
        quit_app(term)
    answers = scene.answers()
    assert answers.get("second.c") == "The last sentence. XYZ", answers


SENTENCE = "She said the flat had been quiet since the move and the neighbours were kind to her"


@pytest.mark.parametrize("key", ["down", "end"])
def test_down_or_end_soon_after_typing_stays_in_the_field(scene: Scene, key: str) -> None:
    """Finding 2: ↓ / End pressed ~0.4 s after typing, then more words: they land in the same field."""
    with scene.start(size=(80, 24)) as term:
        scene.open_case(term)
        for _ in range(3):  # three wrapped lines of text in Answer A, the cursor at its end
            term.type(SENTENCE + ". ", gap=0.0)
            time.sleep(0.05)
        term.press("up")
        time.sleep(0.4)
        term.press(key)
        term.type("QQ", gap=0.05)
        time.sleep(0.4)
        quit_app(term)
    answers = scene.answers()
    assert "QQ" in answers.get("first.a", ""), answers
    assert "QQ" not in answers.get("first.b", "") + answers.get("second.c", "")


def test_ctrl_end_and_ctrl_home_go_to_the_ends_of_the_whole_answer(scene: Scene) -> None:
    """Finding 3: End stays on the screen line; Ctrl+End / Ctrl+Home reach the answer's end / start."""
    with scene.start(size=(80, 24)) as term:
        scene.open_case(term)
        term.type(" ".join([SENTENCE] * 3), gap=0.0)
        term.wait_quiet(0.3)
        term.press("up", "up", "ctrl+end")
        term.type(" END", gap=0.03)
        term.press("ctrl+home")
        term.type("START ", gap=0.03)
        term.wait_quiet(0.3)
        quit_app(term)
    text = scene.answers().get("first.a", "")
    assert text.startswith("START ") and text.endswith(" END"), text


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_the_view_follows_the_cursor_after_a_long_paste(scene: Scene, size: tuple[int, int]) -> None:
    """Finding 4: after pasting ~480 words, what is typed next is on screen and saved at the end.

    At 80×24 the pasted answer is taller than the form's view: the area kept its
    cursor in its own view, but the form did not scroll to show it.
    """
    pasted = " ".join(f"word{n}" for n in range(480))
    with scene.start(size=size) as term:
        scene.open_case(term)
        term.paste(pasted)
        term.wait_quiet(0.5)
        term.type(" TAILEND", gap=0.03)
        term.wait_for("TAILEND", PATIENCE)
        quit_app(term)
    assert scene.answers().get("first.a") == pasted + " TAILEND"


TWO_LINES = (
    "With two others, he stopped a young man in a park, showed a knife, and took his phone and "
    "trainers; the boy was pushed over."
)
"""Two wrapped lines in Answer A both with and without the guidance pane at 120 columns."""


def form_column(lines: list[str]) -> list[str]:
    """The form's column of each screen line (between the section bar ▊ and the guidance pane's),
    scroll bar marks taken off."""
    cells = [line.split("▊")[1] for line in lines if "▊" in line]
    return [cell.rstrip().rstrip("▁▂▃▄▅▆▇█").strip() for cell in cells]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_f2_rewraps_answers_already_on_screen(scene: Scene, size: tuple[int, int]) -> None:
    """Finding 12: after F2 narrows the answers, text already written is wrapped again, not clipped.

    At 120 columns the answer wraps into two lines with and without the pane;
    nothing then repainted it, and its old lines stayed, cut at the new width.
    """
    with scene.start(size=size) as term:
        scene.open_case(term)
        term.type(TWO_LINES, gap=0.0)
        term.wait_for("pushed over.", PATIENCE)
        term.press("f2")
        term.wait_for("No guidance", PATIENCE)
        term.wait_quiet(0.5)
        shown = " ".join(form_column(term.screen_lines()))
        screen = term.screen_text()
        quit_app(term)
    assert TWO_LINES in shown, screen


def test_a_sentence_on_a_one_key_row_sets_at_most_one_answer_and_says_why(scene: Scene) -> None:
    """Finding 5: a sentence typed on a one-key row sets no more than the one answer its first key
    names, and the row says at once what it takes and how to reach a text box."""
    with scene.start(size=(80, 24)) as term:
        scene.open_case(term)
        term.press("tab")  # section 2: its one-key row
        term.wait_quiet(0.3)
        term.type("No, he is going to the gym", gap=0.04)
        term.wait_for("is not an answer", PATIENCE)
        shown = term.screen_text()
        quit_app(term)
    assert "↓" in shown and "text box" in shown
    answers = scene.answers()
    assert answers.get("second.linked") == "no"
    assert "second.mood" not in answers, answers


def test_ctrl_z_undoes_a_one_key_answer(scene: Scene) -> None:
    """Finding 5: Ctrl+Z takes back a one-key answer, as it does typing."""
    with scene.start(size=(80, 24)) as term:
        scene.open_case(term)
        term.press("tab")
        term.wait_quiet(0.3)
        term.press("y")
        term.wait_for("→ Yes", PATIENCE)
        term.press("ctrl+z")
        term.wait_gone("→ Yes", PATIENCE)
        quit_app(term)
    assert "second.linked" not in scene.answers()


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15])
def test_quit_right_after_the_last_key_keeps_every_character(scene: Scene, delay: float) -> None:
    """Finding 6: Ctrl+Q within 150 ms of the last key keeps every character typed."""
    typed = "the last words before quitting matter"
    with scene.start(size=(80, 24)) as term:
        scene.open_case(term)
        term.type(typed, gap=0.03)
        time.sleep(delay)
        quit_app(term)
    assert scene.answers().get("first.a") == typed


def test_one_character_after_a_save_then_ctrl_q_in_the_same_burst_is_kept(scene: Scene) -> None:
    """Finding 6, its sharpest form: everything saved, then one character and Ctrl+Q arrive together.
    The character's change notice was still on its way up to the screen when Ctrl+Q saved, and the
    save found nothing new to store."""
    with scene.start(size=(80, 24)) as term:
        scene.open_case(term)
        term.type("first", gap=0.02)
        deadline = time.monotonic() + PATIENCE
        while scene.answers().get("first.a") != "first" and time.monotonic() < deadline:
            time.sleep(0.1)  # until autosave has stored "first": nothing left unsaved
        term.wait_quiet(0.5)
        term.send("Z" + key_bytes("ctrl+q"))
        term.wait_exit(PATIENCE)
    assert scene.answers().get("first.a") == "firstZ"


def test_section_keys_are_terminal_safe_and_alt_digits_insert_nothing(scene: Scene) -> None:
    """Finding 7: no Alt+digit section keys (terminals turn them into characters); Alt+1 as xterm sends
    it (Escape, 1) puts nothing into the answer and says how to reach a section; Ctrl+G 2 Enter goes
    to section 2 even with the next key pressed straight after."""
    with scene.start(size=(80, 24)) as term:
        scene.open_case(term)
        term.type("abc", gap=0.03)
        term.press("alt+1")
        term.wait_for("Ctrl+G, 1, Enter", PATIENCE)
        term.type("d", gap=0.03)
        term.press("f1")
        term.wait_for("Keys", PATIENCE)
        keys_shown = term.screen_text()
        term.press("escape")
        term.wait_quiet(0.3)
        term.press("ctrl+g")
        term.wait_for("type part of its name", PATIENCE)
        term.type("2")
        term.press("enter", "y")  # as fast as a person who knows the way
        term.wait_for("→ Yes", PATIENCE)
        quit_app(term)
    assert "alt+" not in keys_shown  # as the key list writes keys (the hint above says "Alt+1")
    answers = scene.answers()
    assert answers.get("first.a") == "abcd"
    assert answers.get("second.linked") == "yes"


def test_a_key_straight_after_a_paste_is_not_undone_by_it(scene: Scene) -> None:
    """The paste loss the editing-scripts property test found: Textual's text area asked for the focus
    after a paste, and that request ran after the keys already waiting, so ↓ pressed straight after a
    paste was undone and the next words went into the field pasted into."""
    with scene.start(size=(80, 24)) as term:
        scene.open_case(term)
        term.send(PASTE_START + "pasted words" + PASTE_END + key_bytes("down"))  # one burst, as a terminal
        term.wait_quiet(0.5)
        term.type("XYZ", gap=0.03)
        term.wait_for("YZ", PATIENCE)
        quit_app(term)
    assert scene.answers() == {"first.a": "pasted words", "first.b": "XYZ"}


def test_escape_then_a_digit_is_read_as_alt_digit_with_no_character() -> None:
    """What the terminal test above relies on: xterm's Alt+1 (Escape, 1) is the key alt+1 and types
    nothing, while "¡" sent as itself stays a character."""
    from textual._xterm_parser import XTermParser

    from tui.alt_keys import read_alt_digits_as_keys

    read_alt_digits_as_keys()
    parser = XTermParser()
    alt_one, typed = list(parser.feed("\x1b1")), list(parser.feed("¡"))
    assert [(k.key, k.character) for k in alt_one] == [("alt+1", None)]
    assert [k.character for k in typed] == ["¡"]


@pytest.mark.parametrize("gap", [0.0, 0.03, 0.1, 0.6])
def test_keys_typed_straight_after_esc_land_on_the_caseload_not_in_the_answer(
    scene: Scene, gap: float
) -> None:
    """Esc with unsaved words saves before leaving, announced first; letters typed while that runs wait
    their turn and filter the caseload, never reaching the answer being left (issue 14, type-ahead)."""
    with scene.start(size=(80, 24)) as term:
        scene.open_case(term)
        term.type("Housing is unsettled", gap=0.0)
        term.press("escape")
        time.sleep(gap)  # within Textual's escape delay (0.1 s), Esc and a letter read as Alt+letter
        term.type("zz", gap=0.0)
        term.wait_for("zz", PATIENCE)
        term.wait_quiet(0.3)
        assert "First area" not in term.screen_text(), term.screen_text()  # the caseload, not the case
        quit_app(term)
    answers = scene.answers()
    assert answers.get("first.a") == "Housing is unsettled", answers

"""Random editing scripts against the real `a4` in a pty: every character typed is saved where it was typed.

Hypothesis writes scripts of what a practitioner does on the keys form
(tests/terminal/scene.py): typing and pasting into the focused text box, Tab
and Shift+Tab between sections, ↑/↓ at the edges of a field, End / Ctrl+End /
Ctrl+Home, F2, one-key answers, and leaving the case (Esc) or quitting
(Ctrl+Q) at a random moment, with gaps of 0–400 ms between actions.  A simple
model says what each field must then hold (`FieldsModel`); the store is read
afterwards and compared with it.

One app runs several scripts, one case each (Esc, then the next case from the
caseload; the last script quits), so start-up is paid once per batch.  The
normal suite runs a few dozen scripts; `-m long` runs a few hundred
(`A4_LONG_SCRIPTS` sets how many).  Both print: scripts run / characters typed /
characters lost or misplaced (the last must be 0).
"""

from __future__ import annotations

import difflib
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import SUMMARY
from tests.terminal.driver import A4Terminal
from tests.terminal.scene import PATIENCE, Scene

pytestmark = pytest.mark.terminal

FIELDS: tuple[str, ...] = ("first.a", "first.b", "second.row", "second.c")
"""The keys form's focusable fields in screen order; `second.row` is the one-key row."""
SECTION_OF: dict[str, int] = {"first.a": 0, "first.b": 0, "second.row": 1, "second.c": 1}
FIRST_OF_SECTION: tuple[str, ...] = ("first.a", "second.row")
ROW_QUESTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("second.linked", (("y", "yes"), ("n", "no"))),
    ("second.mood", (("g", "good"), ("p", "poor"))),
)
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)
PHRASE = st.lists(WORD, min_size=1, max_size=6).map(lambda words: " " + " ".join(words))


@dataclass
class FieldsModel:
    """What each field should hold after the script so far, and where the focus is."""

    focus: str = "first.a"
    texts: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    row_cursor: int = 0

    def down(self) -> None:
        index = FIELDS.index(self.focus)
        self.focus = FIELDS[min(index + 1, len(FIELDS) - 1)]  # the form's last field keeps the focus

    def up(self) -> None:
        index = FIELDS.index(self.focus)
        self.focus = FIELDS[max(index - 1, 0)]  # so does its first

    def tab(self, step: int) -> None:
        section = SECTION_OF[self.focus] + step
        if 0 <= section < len(FIRST_OF_SECTION):
            self.focus = FIRST_OF_SECTION[section]

    def answer(self, key: str) -> None:
        path, options = ROW_QUESTIONS[self.row_cursor]
        self.answers[path] = dict(options)[key]
        for step in range(1, len(ROW_QUESTIONS)):  # on to the next unanswered question
            index = (self.row_cursor + step) % len(ROW_QUESTIONS)
            if ROW_QUESTIONS[index][0] not in self.answers:
                self.row_cursor = index
                return

    def expected(self) -> dict[str, str]:
        return {**{k: v for k, v in self.texts.items() if v}, **self.answers}


@st.composite
def script(draw: st.DrawFn) -> list[tuple[str, Any, float]]:
    """Actions (kind, argument, gap after in seconds) that are valid where the model says the focus is."""
    model = FieldsModel()
    actions: list[tuple[str, Any, float]] = []
    for _ in range(draw(st.integers(min_value=3, max_value=12))):
        on_text = model.focus != "second.row"
        kinds = ["tab", "shift+tab", "down", "up", "f2"]
        kinds += ["type", "type", "type", "paste", "end"] if on_text else ["answer", "answer"]
        kind = draw(st.sampled_from(kinds))
        gap = draw(st.sampled_from([0.0, 0.0, 0.05, 0.15, 0.4]))
        argument: Any = None
        if kind == "type":
            argument = (draw(PHRASE), draw(st.sampled_from([0.0, 0.01, 0.04])))
        elif kind == "paste":
            argument = draw(st.lists(PHRASE, min_size=1, max_size=30).map("".join))
        elif kind == "answer":
            argument = draw(st.sampled_from([key for key, _ in ROW_QUESTIONS[model.row_cursor][1]]))
        apply(model, kind, argument)
        actions.append((kind, argument, gap))
    return actions


def apply(model: FieldsModel, kind: str, argument: Any) -> None:
    """What an action does to the model."""
    if kind in ("type", "paste"):
        text = argument[0] if kind == "type" else argument
        model.texts[model.focus] = model.texts.get(model.focus, "") + text
    elif kind == "down":
        model.down()
    elif kind == "up":
        model.up()
    elif kind in ("tab", "shift+tab"):
        model.tab(1 if kind == "tab" else -1)
    elif kind == "answer":
        model.answer(argument)


def perform(term: A4Terminal, model: FieldsModel, kind: str, argument: Any) -> int:
    """Send one action as keys; the characters it types."""
    on_text = model.focus != "second.row"
    typed = 0
    if kind == "type":
        text, gap = argument
        term.press("ctrl+end")
        term.type(text, gap=gap)
        typed = len(text)
    elif kind == "paste":
        term.press("ctrl+end")
        term.paste(argument)
        typed = len(argument)
    elif kind == "end":
        term.press("ctrl+end", "end")
    elif kind == "down":
        term.press(*(["ctrl+end"] if on_text else []), "down")
    elif kind == "up":
        term.press(*(["ctrl+home"] if on_text else []), "up")
    elif kind in ("tab", "shift+tab", "f2"):
        term.press(kind)
    elif kind == "answer":
        term.press(argument)
    apply(model, kind, argument)
    return typed


@dataclass
class Tally:
    scripts: int = 0
    typed: int = 0
    lost: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"editing scripts run: {self.scripts}; characters typed: {self.typed}; "
            f"characters lost or misplaced: {self.lost}"
        )


def lost_or_misplaced(expected: dict[str, Any], saved: dict[str, Any]) -> int:
    """Expected characters not saved in their field, plus characters saved where none were typed."""
    count = 0
    for path in set(expected) | set(saved):
        want, got = str(expected.get(path, "")), str(saved.get(path, ""))
        if want == got:
            continue
        matched = sum(
            b.size for b in difflib.SequenceMatcher(None, want, got, autojunk=False).get_matching_blocks()
        )
        count += (len(want) - matched) + (len(got) - matched) or 1
    return count


def run_batch(root: Path, scripts: list[list[tuple[str, Any, float]]], tally: Tally, seed: int) -> None:
    """One app; each script on its own case; Esc between cases, Ctrl+Q after the last."""
    rng = random.Random(seed)
    scenes = [Scene(root, ref=f"P{n:02d}").create(name=f"Person {n}") for n in range(len(scripts))]
    models: list[FieldsModel] = []
    with scenes[0].start(size=rng.choice([(120, 40), (80, 24)])) as term:
        for number, (scene, actions) in enumerate(zip(scenes, scripts, strict=True)):
            if number:
                term.wait_for("caseload", PATIENCE)
                term.wait_quiet(0.3)
                term.press("escape")  # clears the previous case's filter
                term.wait_gone("Filter: P", PATIENCE)
                term.type(scene.ref)
                term.wait_for(f"Filter: {scene.ref}", PATIENCE)
                term.wait_quiet(0.2)
            scene.open_case(term)
            model = FieldsModel()
            for kind, argument, gap in actions:
                tally.typed += perform(term, model, kind, argument)
                time.sleep(gap)
            time.sleep(rng.choice([0.0, 0.05, 0.15]))
            term.press("ctrl+q" if number == len(scripts) - 1 else "escape")
            models.append(model)
        term.wait_exit(PATIENCE)
    for scene, model, actions in zip(scenes, models, scripts, strict=True):
        saved = scene.answers()
        lost = lost_or_misplaced(model.expected(), saved)
        tally.scripts += 1
        tally.lost += lost
        if lost:
            tally.failures.append(
                f"{scene.ref}: {actions}\n  expected {model.expected()}\n  saved    {saved}"
            )


def check(tally: Tally, request: pytest.FixtureRequest) -> None:
    """Leave the tally for the end of the run (conftest prints it, under xdist too); fail on any loss."""
    request.node.user_properties.append((SUMMARY, f"[property] {request.node.name}: {tally.line()}"))
    assert tally.lost == 0, tally.line() + "\n" + "\n".join(tally.failures[:5])


BATCH = 6
"""Scripts (cases) per app run."""


def batches_test(examples: int, tally: Tally, tmp_path_factory: pytest.TempPathFactory) -> Any:
    @settings(
        max_examples=examples,
        deadline=None,
        phases=[Phase.generate],  # a failing batch is reported whole; shrinking would restart the app
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(scripts=st.lists(script(), min_size=BATCH, max_size=BATCH), seed=st.integers(0, 2**16))
    def one_batch(scripts: list[list[tuple[str, Any, float]]], seed: int) -> None:
        run_batch(tmp_path_factory.mktemp("batch"), scripts, tally, seed)
        assert tally.lost == 0, tally.line() + "\n" + "\n".join(tally.failures[:5])

    return one_batch


def test_editing_scripts_lose_and_misplace_nothing(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> None:
    """A few dozen scripts (6 app runs × 6 cases) in the normal suite."""
    tally = Tally()
    try:
        batches_test(6, tally, tmp_path_factory)()
    finally:
        check(tally, request)


@pytest.mark.long
def test_hundreds_of_editing_scripts_lose_and_misplace_nothing(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> None:
    """`-m long`: a few hundred scripts (A4_LONG_SCRIPTS, default 300)."""
    tally = Tally()
    wanted = int(os.environ.get("A4_LONG_SCRIPTS", "300"))
    try:
        batches_test(-(-wanted // BATCH), tally, tmp_path_factory)()
    finally:
        check(tally, request)

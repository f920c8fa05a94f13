"""Per-key CPU cost of typing on the case screen, against a bare Textual app with one TextArea.

Pilot's `press` waits for every widget on the screen to drain its queue
(a callback per widget per key), which would charge the case screen for
the test harness.  So keys are posted straight to the app as terminal input
is, and the CPU time (`time.process_time`) of the process is measured over
a window of two frames after each key (handling, layout, paint; idle time
costs no CPU).  Medians are reported:

* full record of 13 sections × 300 words, typing into one section, against a
  bare app holding the same text in a single TextArea (target ≤ 1.25×);
* the same with 40 sections (target: no more than 10 % growth).

Run: ``python bench/bench_typing.py [--keys N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import TextArea

from forms.model import AssessmentForm, Case, Header, Question, Record, Section
from storage.sqlite.store import SqliteStore
from tui.screens.case_screen import CaseScreen

WORDS_PER_SECTION = 300
TEXTS_PER_SECTION = 3
TYPED = "the person said that things had got better since the move "


def bench_form(sections: int) -> AssessmentForm:
    """A form shaped like the shipped one: two one-key questions and three budgeted texts per section."""
    return AssessmentForm(
        header=Header(id="bench", kind="assessment", title="Bench", version="1.0.0"),
        sections=tuple(
            Section(
                id=f"s{n}",
                title=f"Life area {n}",
                short=n < 5,
                questions=(
                    Question(id="linked_offending", type="yesno", label="Linked to offending?"),
                    Question(id="linked_harm", type="yesno", label="Linked to serious harm?"),
                    *(
                        Question(id=f"t{k}", type="text", label=f"Text {k}", word_budget=150)
                        for k in range(TEXTS_PER_SECTION)
                    ),
                ),
            )
            for n in range(1, sections + 1)
        ),
    )


def section_text(n: int, k: int) -> str:
    words = WORDS_PER_SECTION // TEXTS_PER_SECTION
    return " ".join(f"word{n}x{k}x{i}" for i in range(words))


def full_answers(form: AssessmentForm) -> dict[str, Any]:
    return {
        f"{s.id}.t{k}": section_text(n, k)
        for n, s in enumerate(form.sections, 1)
        for k in range(TEXTS_PER_SECTION)
    }


FRAME_WINDOW = 2 / 60
"""Seconds measured after each key: time for the key to be handled and the next frame painted."""


async def per_key_cpu(app: App[Any], keys: int, focus: Callable[[App[Any]], Awaitable[None]]) -> list[float]:
    """CPU seconds per key press, measured one press at a time after a warm-up."""
    costs: list[float] = []
    async with app.run_test(size=(100, 40)) as pilot:
        await focus(app)
        await pilot.pause(0.5)
        chars = (TYPED * (keys // len(TYPED) + 2))[: keys + 20]
        for index, char in enumerate(chars):
            start = time.process_time()
            app.post_message(events.Key("space" if char == " " else char, char))
            await asyncio.sleep(FRAME_WINDOW)
            if index >= 20:  # warm-up: caches, first layout
                costs.append(time.process_time() - start)
        focused = app.focused
        assert isinstance(focused, TextArea) and chars[-30:] in focused.text, "keys did not reach the text"
    return costs


class BareApp(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield TextArea(self.text, soft_wrap=True)


class CaseApp(App[None]):
    def __init__(self, screen: CaseScreen) -> None:
        super().__init__()
        self.case_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self.case_screen)


def case_app(sections: int, folder: Path) -> CaseApp:
    form = bench_form(sections)
    store = SqliteStore(folder / f"bench-{sections}.sqlite")
    case = store.create_case(
        Case(ref="B1", name="Bench Case", start="2026-09-28", owner="pat"), form.deadlines
    )
    record = store.create_record(
        Record(
            id="r1", case_ref="B1", form_id=form.id, form_version=form.version, answers=full_answers(form)
        ),
        "pat",
    )
    screen = CaseScreen(store=store, form=form, case=case, record=record, user="pat", today=date.today)
    return CaseApp(screen)


async def focus_case(app: App[Any]) -> None:
    assert isinstance(app, CaseApp)
    editor = app.case_screen.editors[1]  # type into the second section's first text
    area = next(iter(editor.fields.values())).field
    area.focus()
    assert isinstance(area, TextArea)
    area.move_cursor(area.document.end)


async def focus_bare(app: App[Any]) -> None:
    area = app.query_one(TextArea)
    area.focus()
    area.move_cursor(area.document.end)


async def main(keys: int) -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for sections in (13, 40):
            form = bench_form(sections)
            bare_text = "\n\n".join(full_answers(form).values())
            bare = statistics.median(await per_key_cpu(BareApp(bare_text), keys, focus_bare))
            case = statistics.median(await per_key_cpu(case_app(sections, Path(folder)), keys, focus_case))
            results[f"bare_{sections}_ms"] = bare * 1000
            results[f"case_{sections}_ms"] = case * 1000
            results[f"ratio_{sections}"] = case / bare
    results["growth_13_to_40_pct"] = (results["case_40_ms"] / results["case_13_ms"] - 1) * 100
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200, help="key presses measured per run")
    numbers = asyncio.run(main(parser.parse_args().keys))
    for name, value in numbers.items():
        print(f"{name:>22}: {value:8.3f}")

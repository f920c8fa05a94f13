"""What a practitioner waits for, measured in a real terminal: start-up and key-to-screen.

Run: `python bench/bench_terminal.py [--runs 9] [--keys 60]`.

The real `a4` command runs in a pseudo-terminal of 120×40 (the driver the
real-terminal tests use, `tests/terminal/driver.py`), and what it draws is read
through the `pyte` terminal emulator, so every time below ends when the effect
is *on screen*, not when the app thinks it has drawn it.  Each figure has a
floor measured the same way in the same run, alternating runs so that load on
a shared machine falls on both alike:

* start-up: from starting the process to the first frame with a case row,
  for caseloads of 100 and 10,000 cases, against a bare Textual app (a
  `Static` and a `Footer`) until its text is on screen.  Targets: 10,000 cases
  ≤ 1.2× the bare app; 10,000 ≤ 1.05× 100.
* key to screen: from a printable key written to the terminal to the frame
  showing it, typing at the end of a long answer (Ctrl+End) with 13
  sections × 300 words on the screen (and 40 sections), against a bare app
  with one `TextArea` holding the same text, typing at its start (see
  BARE_TEXTAREA for why).  Target ≤ 1.1× the floor, median and
  95th percentile; 40 sections no more than 13.  A one-key answer and Tab to
  the next field are timed to the first frame after the key.
"""

from __future__ import annotations

import argparse
import getpass
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.terminal.driver import A4Terminal  # noqa: E402

SIZE = (120, 40)
TYPED = "Q"
"""The character typed: the pre-filled text is lower case, so each key adds exactly one on screen."""
SECTIONS = (13, 40)
WORDS_PER_TEXT = 100
TEXTS_PER_SECTION = 3

BARE_STARTUP = """
from textual.app import App
from textual.widgets import Footer, Static


class Bare(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self):
        yield Static("BARE-APP-READY")
        yield Footer()


Bare().run()
"""

BARE_TEXTAREA = """
import sys
from textual.app import App
from textual.widgets import TextArea


class Bare(App):
    def compose(self):
        area = TextArea(open(sys.argv[1], encoding="utf-8").read(), soft_wrap=True)
        yield area

    def on_mount(self):
        # The cursor stays at the start of the text: at its end, Textual's TextArea leaves the last
        # wrapped row of a soft-wrapped paragraph below the view, so the typed key is never seen.
        self.query_one(TextArea).focus()
        self.notify("BARE-TEXT-READY", timeout=0.5)


Bare().run()
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


USER = getpass.getuser()
"""Who the cases belong to: `a4 demo` and `a4 new` give them to the user running them."""


def environment(folder: Path) -> dict[str, str]:
    """The benches' folders, and bytecode cached as an installed package has it (in `folder`, not the
    source tree): with PYTHONDONTWRITEBYTECODE set, as on the development machine, every start would
    compile A4's modules from source, a cost a practitioner never pays, while Textual's come compiled."""
    return {"A4_CACHE_DIR": str(folder / "cache"), "XDG_CONFIG_HOME": str(folder / "config"),
            "PYTHONPYCACHEPREFIX": str(folder / "pycache"), "PYTHONDONTWRITEBYTECODE": ""}  # fmt: skip


def a4(*args: str, data: Path, env: dict[str, str]) -> None:
    """Run an `a4` command on the store in `data`, with the config the terminal will use (same place)."""
    config = data.parent / f"{data.name}-config.toml"
    config.write_text(f'user = "{USER}"\n', encoding="utf-8")
    subprocess.run([sys.executable, "-m", "tui.cli", *args], check=True, cwd=REPO,
                   env={**os.environ, **env, "A4_DATA_DIR": str(data), "A4_CONFIG": str(config)},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


@contextmanager
def started(command: list[str] | None, data: Path, env: dict[str, str], args: tuple[str, ...] = ()
            ) -> Iterator[tuple[A4Terminal, float]]:  # fmt: skip
    """A terminal running `a4 args` (or `command`), and the monotonic time just before it started."""
    begun = time.monotonic()
    term = A4Terminal.start(data, size=SIZE, user=USER, args=args, env=env, command=command)
    try:
        yield term, begun
    finally:
        term.close()


def showing(wanted: str) -> Callable[[str], bool]:
    """A screen predicate: `wanted` is on screen."""
    return lambda screen: wanted in screen


def more_than(wanted: str, count: int) -> Callable[[str], bool]:
    """A screen predicate: `wanted` shows more than `count` times."""
    return lambda screen: screen.count(wanted) > count


def time_to(term: A4Terminal, begun: float, text: str) -> float:
    """Seconds from `begun` to the output that first put `text` on screen."""
    return term.wait_until(showing(text), timeout=60) - begun


# ---------------------------------------------------------------- start-up


def startup(folder: Path, runs: int) -> dict[str, list[float]]:
    env = environment(folder)
    stores = {}
    for cases in (100, 10_000):
        data = folder / f"cases-{cases}"
        a4("demo", "--cases", str(cases), data=data, env=env)
        stores[cases] = data
    bare = [sys.executable, "-c", BARE_STARTUP]
    found: dict[str, list[float]] = {"bare": [], "a4, 100 cases": [], "a4, 10,000 cases": []}
    # One untimed start of each first, so every timed one reads its bytecode from the cache; the
    # 10,000-case store's is timed on its own: the first start of the day writes the daily backup.
    with started(bare, folder / "bare", env) as (term, begun):
        time_to(term, begun, "BARE-APP-READY")
    with started(None, stores[100], env) as (term, begun):
        time_to(term, begun, "DEMO-")
    with started(None, stores[10_000], env) as (term, begun):
        print(f"first start of the day, 10,000 cases (writes the daily backup): "
              f"{time_to(term, begun, 'DEMO-') * 1000:.0f} ms")  # fmt: skip
    for _ in range(runs):
        with started(bare, folder / "bare", env) as (term, begun):
            found["bare"].append(time_to(term, begun, "BARE-APP-READY"))
        for cases, data in stores.items():
            with started(None, data, env) as (term, begun):
                found[f"a4, {cases:,} cases"].append(time_to(term, begun, "DEMO-"))
    return found


# ---------------------------------------------------------------- key to screen


def bench_form(sections: int) -> str:
    """A form shaped like the shipped one: a one-key row and three long answers per section."""
    lines = ['#:schema ./a4-form.schema.json', 'kind = "assessment"', f'id = "bench-{sections}"',
             f'title = "Bench {sections}"', 'version = "1.0.0"', ""]  # fmt: skip
    for n in range(1, sections + 1):
        lines += ["[[section]]", f'id = "s{n}"', f'title = "Life area {n}"', ""]
        for k in range(TEXTS_PER_SECTION):
            lines += ["[[section.question]]", f'id = "t{k}"', 'type = "text"', f'label = "Answer {k}"',
                      "word_budget = 150", ""]  # fmt: skip
        lines += [
            "[[section.question]]",
            'id = "linked"',
            'type = "yesno"',
            'label = "Linked to offending?"',
            "",
        ]
    return "\n".join(lines)


def answer_text(n: int, k: int) -> str:
    return " ".join(f"word{n}x{k}x{i}" for i in range(WORDS_PER_TEXT))


def filled_store(folder: Path, sections: int, env: dict[str, str]) -> tuple[Path, Path, str]:
    """A store with one case on the bench form whose every long answer is full; its forms folder; the text."""
    forms = folder / f"forms-{sections}"
    forms.mkdir(parents=True, exist_ok=True)
    (forms / "bench.toml").write_text(bench_form(sections), encoding="utf-8")
    data = folder / f"typing-{sections}"
    a4("--forms", str(forms), "new", "--ref", "BENCH-1", "--name", "Bench Person", "--start",
       date.today().isoformat(), "--form", f"bench-{sections}", data=data, env=env)  # fmt: skip
    from forms.model import Record
    from storage.sqlite.store import SqliteStore

    store = SqliteStore(data / "a4.db")
    try:
        answers = {
            f"s{n}.t{k}": answer_text(n, k) for n in range(1, sections + 1) for k in range(TEXTS_PER_SECTION)
        }
        record = Record(id=f"bench-{sections}-record", case_ref="BENCH-1", form_id=f"bench-{sections}",
                        form_version="1.0.0", answers=answers, author="bench")  # fmt: skip
        store.create_record(record, "bench")
    finally:
        store.close()
    return data, forms, "\n\n".join(answers.values())


def key_times(term: A4Terminal, keys: int, gap: float = 0.12) -> list[float]:
    """Seconds from each `TYPED` key written to the frame that shows it (counted on screen)."""
    count = term.screen_text().count(TYPED)
    times = []
    for _ in range(keys):
        time.sleep(gap)
        count += 1
        begun = time.monotonic()
        term.send(TYPED)
        shown = term.wait_until(more_than(TYPED, count - 1), timeout=10)
        times.append(shown - begun)
    return times


def one_key_and_tab(term: A4Terminal, rounds: int) -> tuple[list[float], list[float]]:
    """From section 1's one-key row: Y answers it (timed to "→ Yes" on screen), Tab goes to the next
    section's one-key row (timed to the first frame after the key); `rounds` of each."""
    answers, tabs = [], []
    for section in range(1, rounds + 1):
        term.wait_until(showing(f"{section}. Life area {section}:"), timeout=60)
        term.wait_quiet(0.3)
        before = term.screen_text().count("→ Yes")
        begun = time.monotonic()
        term.press("y")
        answers.append(term.wait_until(more_than("→ Yes", before), timeout=60) - begun)
        term.wait_quiet(0.3)
        begun = time.monotonic()
        term.press("tab")
        tabs.append(term.wait_output_after(begun, timeout=60) - begun)
    return answers, tabs


def open_bench_case(term: A4Terminal) -> None:
    """Enter on the caseload's one case, then wait until the case screen has focused section 1."""
    term.wait_until(showing("BENCH-1"), timeout=60)
    term.press("enter")
    term.wait_until(showing("1. Life area 1:"), timeout=60)
    term.wait_quiet(0.5)


def typing(folder: Path, keys: int) -> dict[str, list[float]]:
    env = environment(folder)
    found: dict[str, list[float]] = {}
    for sections in SECTIONS:
        data, forms, text = filled_store(folder, sections, env)
        with started(None, data, env, ("--forms", str(forms))) as (term, _begun):
            open_bench_case(term)
            # The case opens on section 1's one-key row; ↓ goes to its first long answer and
            # Ctrl+End to the end of that answer (the text's end, not the wrapped line's).
            term.press("down")
            term.wait_quiet(0.5)
            term.press("ctrl+end")
            term.wait_quiet(0.5)
            found[f"a4 key, {sections} sections"] = key_times(term, keys)
            at_end = f"x{WORDS_PER_TEXT - 1}{TYPED}" in term.screen_text()
            where = "end" if at_end else "start (Ctrl+End did not reach the end)"
            print(f"{sections} sections: typed at the {where} of the answer")
        if sections == SECTIONS[0]:
            with started(None, data, env, ("--forms", str(forms))) as (term, _begun):
                open_bench_case(term)
                answers, tabs = one_key_and_tab(term, min(sections - 1, max(3, keys // 5)))
                found["a4 one-key answer (Y)"] = answers
                found["a4 Tab to the next section's row"] = tabs
            source = folder / "bare-text.txt"
            source.write_text(text, encoding="utf-8")
            bare = [sys.executable, "-c", BARE_TEXTAREA, str(source)]
            with started(bare, folder / "bare", env) as (term, _b):
                term.wait_for("BARE-TEXT-READY", timeout=60)
                term.wait_gone("BARE-TEXT-READY", timeout=60)
                term.wait_quiet(0.3)
                found["bare TextArea key (floor)"] = key_times(term, keys)
    return found


# ---------------------------------------------------------------- report


def report(title: str, found: dict[str, list[float]], floor: str) -> None:
    print(f"\n{title}")
    print(f"{'what':34} {'median ms':>10} {'p95 ms':>8} {'runs':>5} {'× floor (median / p95)':>24}")
    base = found[floor]
    for name, values in found.items():
        med, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
        ratio = (
            f"{med / (statistics.median(base) * 1000):.2f}× / {p95 / (percentile(base, 0.95) * 1000):.2f}×"
        )
        print(f"{name:34} {med:10.0f} {p95:8.0f} {len(values):5d} {ratio:>24}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="start-up runs of each (alternating)")
    parser.add_argument("--keys", type=int, default=60, help="keys typed per typing measurement")
    parser.add_argument("--only", choices=("startup", "typing"), help="run one half")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="a4-bench-terminal-") as name:
        folder = Path(name)
        if args.only != "typing":
            found = startup(folder, args.runs)
            report("Start-up to the first case row on screen (120×40)", found, "bare")
            spread = {k: [round(v * 1000) for v in vs] for k, vs in found.items()}
            print("runs (ms):", spread)
            large, small = found["a4, 10,000 cases"], found["a4, 100 cases"]
            growth = statistics.median(large) / statistics.median(small)
            print(f"10,000 vs 100 cases: {growth:.2f}× (target ≤ 1.05×)")
        if args.only != "startup":
            typing_found = typing(folder, args.keys)
            report("Key to screen (120×40)", typing_found, "bare TextArea key (floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Startup of `a4` to an interactive caseload of 10,000 cases, against a bare Textual app.

Each run is a fresh Python process, timed from just before it is started
until it reports that its first screen is ready: for A4, when the caseload
list has been read and put in the table (its `Loaded` message); for the
baseline, a Textual app showing one static screen.  Both run headless via
`App.run_test`, so terminal start-up costs the same in both.

    python bench/bench_startup.py [--cases 10000] [--runs 7]

Target: A4 ≤ 1.5 × the bare app (medians).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

A4_CHILD = """
import argparse, asyncio, sys
from tui.app import build_app
from tui.screens.caseload import CaseloadScreen

async def main():
    app = build_app(argparse.Namespace(data_dir=sys.argv[1], forms=[]))
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, CaseloadScreen) and app.screen.loaded):
            await pilot.pause(0.001)
        await pilot.pause()
        print("READY", len(app.screen._filter.rows), flush=True)
    app.store.close()

asyncio.run(main())
"""

BARE_CHILD = """
import asyncio
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("A static screen")
        yield Footer()

async def main():
    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print("READY", flush=True)

asyncio.run(main())
"""


def fill(data_dir: Path, cases: int, owner: str) -> None:
    from forms.definition.registry import load_registry
    from storage.demo import demo_data
    from storage.sqlite.store import SqliteStore

    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    store = SqliteStore(data_dir / "a4.db")
    data = demo_data(form, cases, owner, date.today())
    store.bulk_import(data.cases, data.records, form.deadlines)
    store.close()


def time_child(code: str, *args: str, env: dict[str, str]) -> float:
    """Milliseconds from starting a Python process running `code` until it prints READY.

    The clock stops at READY, not when the process ends: shutting down is
    not part of reaching a usable screen, and would only dilute the ratio.
    """
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env
    ) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        elapsed = (time.perf_counter() - start) * 1000
        child.stdout.read()
    assert child.returncode == 0 and line.startswith("READY"), line
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        owner = "bench.user"
        data_dir = Path(tmp) / "data"
        fill(data_dir, options.cases, owner)
        config = Path(tmp) / "config.toml"
        config.write_text(f'user = "{owner}"\n', encoding="utf-8")
        # Bytecode is cached (in the temporary folder, not the source tree), as it is for an installed
        # package: without it every run would compile A4's own modules from source, a cost users never pay.
        env = {**os.environ, "A4_CONFIG": str(config), "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        # one warm-up each, so both read their modules from the OS cache and their bytecode from the cache
        time_child(A4_CHILD, str(data_dir), env=env)
        time_child(BARE_CHILD, env=env)
        a4, bare = [], []
        for _ in range(options.runs):
            a4.append(time_child(A4_CHILD, str(data_dir), env=env))
            bare.append(time_child(BARE_CHILD, env=env))
    a4_ms, bare_ms = statistics.median(a4), statistics.median(bare)
    print(f"cases: {options.cases:,}  runs: {options.runs}")
    print(f"a4 to interactive caseload: {a4_ms:.0f} ms (median; min {min(a4):.0f})")
    print(f"bare Textual static screen: {bare_ms:.0f} ms (median; min {min(bare):.0f})")
    print(f"ratio: {a4_ms / bare_ms:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()

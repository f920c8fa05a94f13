"""Filter-as-you-type on the caseload: cost per keystroke with 10,000 cases against 100.

The real app runs headless over a real store.  For each keystroke (typing
a name, then deleting it again) two costs are taken:

- CPU time of the whole keystroke in this process (key handling, filtering,
  refilling the table and painting the frame), which leaves out Pilot's own
  idle waiting;
- the filter-and-refill work alone (`CaseloadScreen.set_filter`), timed on
  the wall clock.

    python bench/bench_filter.py [--big 10000] [--small 100] [--rounds 5]

Target: the median per keystroke at 10,000 cases ≤ 2 × the median at 100.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import caseload_shown, fill_demo, make_app

TYPED = "morgan"


async def keystroke_costs(cases: int, rounds: int) -> tuple[list[float], list[float]]:
    """Milliseconds per keystroke: CPU time of the whole key, and wall time of the filter work."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "a4.db")
        fill_demo(store, cases)
        cpu: list[float] = []
        work: list[float] = []
        async with make_app(store).run_test(size=(120, 40)) as pilot:
            screen = await caseload_shown(pilot)
            original = screen.set_filter

            def timed_set_filter(text: str) -> None:
                start = time.perf_counter()
                original(text)
                work.append((time.perf_counter() - start) * 1000)

            screen.set_filter = timed_set_filter  # type: ignore[method-assign]
            keys = [*TYPED, *["backspace"] * len(TYPED)]
            for _ in range(rounds):
                for key in keys:
                    start = time.process_time()
                    await pilot.press(key)
                    cpu.append((time.process_time() - start) * 1000)
        store.close()
    return cpu, work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    results = {n: asyncio.run(keystroke_costs(n, options.rounds)) for n in (options.small, options.big)}
    for n, (cpu, work) in results.items():
        print(
            f"{n:>6,} cases: per key {statistics.median(cpu):6.2f} ms CPU (median, p90 "
            f"{statistics.quantiles(cpu, n=10)[-1]:.2f}); filter+refill {statistics.median(work):5.2f} ms"
        )
    small_cpu = statistics.median(results[options.small][0])
    big_cpu = statistics.median(results[options.big][0])
    print(f"ratio {options.big:,} / {options.small:,}: {big_cpu / small_cpu:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()

"""A4 sheet benchmark: one record's sheet, and `a4 export --all --format sheet` over 1,000 records.

Run: `python bench/bench_sheet.py [--records N]` (default 1,000).

1. One record's sheet: the first in a process (Typst starting and reading
   its fonts), then the median over 30 demo records made in the same
   process, each fitted to one page (the sheet and with `--full`).
2. The whole command: a demo store with about N records, then
   `a4 export --all --format sheet --out DIR` as a fresh process, piped (so
   no progress bar), timed by the clock; records per second.  On a
   terminal the same command shows a progress bar on stderr.
Targets: one sheet well under a second; the rate stated in docs/performance.md.
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

from exports.formats.sheet import to_sheet
from forms.definition.registry import load_registry
from storage.demo import demo_data

RECORD_SHARE = 0.83
"""About this share of demo cases have a record (storage.demo.STATUS_MIX)."""


def one_record() -> None:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    rubric = registry.rubric_for(form.id)
    data = demo_data(form, 36, "bench", date(2026, 12, 1))
    cases = {c.ref: c for c in data.cases}
    records = data.records[:30]
    start = time.perf_counter()
    to_sheet(records[0], cases[records[0].case_ref], form, (), rubric)
    first = time.perf_counter() - start
    for full in (False, True):
        times = []
        for record in records:
            start = time.perf_counter()
            to_sheet(record, cases[record.case_ref], form, (), rubric, full=full)
            times.append(time.perf_counter() - start)
        what = "sheet + full record" if full else "sheet"
        print(f"{what:20} median {statistics.median(times) * 1000:6.0f} ms  max {max(times) * 1000:6.0f} ms")
    print(f"{'first in a process':20} {first * 1000:13.0f} ms (Typst starts, reads its fonts)")


def whole_command(records: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "A4_DATA_DIR": folder}
        cases = round(records / RECORD_SHARE)
        made = subprocess.run([sys.executable, "-m", "tui.cli", "demo", "--cases", str(cases)],
                              env=env, capture_output=True, text=True, check=True)  # fmt: skip
        print(made.stdout.strip())
        out = Path(folder) / "sheets"
        start = time.perf_counter()
        command = ["export", "--all", "--format", "sheet", "--out", str(out)]
        done = subprocess.run(
            [sys.executable, "-m", "tui.cli", *command], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            sys.exit(f"a4 export failed: {done.stderr.strip()}")
        took = time.perf_counter() - start
        written = len(list(out.glob("*.pdf")))
        size = sum(p.stat().st_size for p in out.glob("*.pdf")) / written
        rate = written / took
        print(
            f"a4 export --all --format sheet: {written} records in {took:.1f} s = {rate:.1f} records/s",
            end="",
        )
        print(f" ({size / 1024:.0f} KiB a sheet)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()
    one_record()
    whole_command(args.records)
    return 0


if __name__ == "__main__":
    sys.exit(main())

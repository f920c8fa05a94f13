"""Storage benchmark: is saving cheap enough for every pause in typing, and listing fast at 10,000 cases?

Run: `python bench/bench_storage.py`.  Prints
- the median time to save a full record (13 sections × 300 words) through
  `SqliteStore.save_record`, and its ratio to a bare `sqlite3` insert of the
  same JSON payload into a one-table database with the same PRAGMAs (target ≤ 2×);
- the median time of `list_cases()` over 10,000 demo cases (target well under 100 ms).
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from forms.definition.registry import load_registry
from forms.model import Case, Deadlines, Record
from storage.demo import demo_data
from storage.sqlite.store import PRAGMAS, SqliteStore

SECTIONS = 13
WORDS = 300
SAVES = 300
CASES = 10_000


def words(n: int, seed: int) -> str:
    vocabulary = [
        "the",
        "person",
        "said",
        "they",
        "want",
        "to",
        "keep",
        "their",
        "flat",
        "and",
        "see",
        "their",
        "children",
        "more",
        "often",
    ]
    return " ".join(vocabulary[(seed + i) % len(vocabulary)] for i in range(n))


def full_answers(seed: int) -> dict[str, str]:
    return {f"section{s}.analysis": words(WORDS, seed + s) for s in range(SECTIONS)} | {
        "rosh.level": "medium"
    }


FULL_WORDS = {f"section{s}": WORDS for s in range(SECTIONS)}
"""The section counts the case screen saves with `full_answers`."""


def median_ms(run: Callable[[int], object], times: int) -> float:
    samples = []
    for i in range(times):
        start = time.perf_counter()
        run(i)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def bench_store_save(folder: Path) -> float:
    store = SqliteStore(folder / "store" / "a4.db")
    store.create_case(Case(ref="B-1", name="Bench Person", start="2025-01-06", owner="bench"), Deadlines())
    record = store.create_record(Record(id="", case_ref="B-1", form_id="f", form_version="1"), "bench")

    def save(i: int) -> None:
        nonlocal record
        record.answers = full_answers(i)
        record.words = FULL_WORDS
        record = store.save_record(record, "bench", risk_path="rosh.level")

    result = median_ms(save, SAVES)
    store.close()
    return result


def bench_bare_insert(folder: Path) -> float:
    conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")

    def insert(i: int) -> None:
        payload = json.dumps({"answers": full_answers(i)}, ensure_ascii=False, separators=(",", ":"))
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (payload) VALUES (?)", (payload,))
        conn.execute("COMMIT")

    result = median_ms(insert, SAVES)
    conn.close()
    return result


def bench_listing(folder: Path) -> tuple[float, float]:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    if form is None:
        sys.exit("the shipped a4-assessment form did not load")
    store = SqliteStore(folder / "caseload" / "a4.db")
    start = time.perf_counter()
    data = demo_data(form, CASES, "bench", date.today())
    store.bulk_import(data.cases, data.records, form.deadlines)
    demo_seconds = time.perf_counter() - start
    assert len(store.list_cases()) == CASES
    result = median_ms(lambda _i: store.list_cases(), 20)
    store.close()
    return result, demo_seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        save = bench_store_save(folder)
        bare = bench_bare_insert(folder)
        listing, demo_seconds = bench_listing(folder)
    print(f"save a full record ({SECTIONS} sections x {WORDS} words), median of {SAVES}: {save:.2f} ms")
    print(f"bare sqlite3 insert of the same JSON, same PRAGMAs, median:      {bare:.2f} ms")
    print(f"ratio save / bare insert: {save / bare:.2f}x (target <= 2x)")
    print(f"list {CASES} cases, median of 20: {listing:.1f} ms (target well under 100 ms)")
    print(f"generate and import {CASES} demo cases: {demo_seconds:.1f} s")


if __name__ == "__main__":
    main()

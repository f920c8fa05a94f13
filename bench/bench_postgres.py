"""Team-mode benchmark: PostgreSQL over a local socket next to the embedded SQLite store.

Run: `python bench/bench_postgres.py`.  Starts its own throw-away PostgreSQL
server (`tests/pg_server.py`) with durable settings (fsync on, synchronous
commit), as a team would run it, and prints

- the median time to save a full record (13 sections × 300 words) through
  `PostgresStore.save_record`, next to `SqliteStore.save_record`, and the ratio;
- the median time of `list_cases()` over 10,000 demo cases on both engines, as
  the office (every case) and as the practitioner who owns them (row-level
  security on every row);
- throughput with 20 concurrent writers, each with its own connection, saving
  full records: each its own record, and all on 4 shared records (where most
  saves are refused as stale; every one is either acknowledged or refused).
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from bench.bench_storage import CASES, FULL_WORDS, SAVES, SECTIONS, WORDS, full_answers, median_ms
from forms.definition.registry import load_registry
from forms.model import Case, Deadlines, Record
from storage.demo import demo_data
from storage.postgres.schema import initialise
from storage.postgres.store import PostgresStore
from storage.sqlite.store import SqliteStore
from storage.store import StaleVersionError, Store
from tests.pg_server import PgServer

WRITERS = 20
WRITER_SAVES = 50
SHARED = 4


def bench_save(store: Store) -> float:
    store.create_case(Case(ref="B-1", name="Bench Person", start="2025-01-06", owner="bench"), Deadlines())
    record = store.create_record(Record(id="", case_ref="B-1", form_id="f", form_version="1"), "bench")

    def save(i: int) -> None:
        nonlocal record
        record.answers = full_answers(i)
        record.words = FULL_WORDS
        record = store.save_record(record, "bench", risk_path="rosh.level")

    return median_ms(save, SAVES)


def _lister(store: Store) -> Callable[[int], object]:
    """One timed run: the whole caseload, as the app lists it."""
    return lambda _i: store.list_cases()


def bench_listing(fill: Store, readers: list[Store]) -> tuple[float, list[float]]:
    """Seconds to import the demo caseload, then the median listing time (ms) of each reader."""
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    if form is None:
        sys.exit("the shipped a4-assessment form did not load")
    start = time.perf_counter()
    data = demo_data(form, CASES, "bench", date.today())
    fill.bulk_import(data.cases, data.records, form.deadlines)
    imported = time.perf_counter() - start
    for reader in readers:
        assert len(reader.list_cases()) == CASES
    return imported, [median_ms(_lister(reader), 20) for reader in readers]


def bench_writers(open_store: Callable[[], PostgresStore], *, shared: bool) -> tuple[float, int, int]:
    """Saves per second with `WRITERS` threads, each on its own connection; (rate, taken, refused)."""
    setup = open_store()
    count = SHARED if shared else WRITERS
    prefix = "S" if shared else "W"
    ids = []
    for n in range(count):
        ref = f"{prefix}-{n}"
        setup.create_case(Case(ref=ref, name="Bench Person", start="2025-01-06", owner="bench"), Deadlines())
        ids.append(
            setup.create_record(Record(id="", case_ref=ref, form_id="f", form_version="1"), "bench").id
        )
    setup.close()
    stores = [open_store() for _ in range(WRITERS)]
    taken, refused = [0] * WRITERS, [0] * WRITERS
    barrier = threading.Barrier(WRITERS + 1)

    def write(n: int) -> None:
        store = stores[n]
        barrier.wait()
        for i in range(WRITER_SAVES):
            record = store.get_record(ids[(n + i) % count] if shared else ids[n])
            record.answers = full_answers(n * WRITER_SAVES + i)
            record.words = FULL_WORDS
            try:
                store.save_record(record, "bench")
                taken[n] += 1
            except StaleVersionError:
                refused[n] += 1

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    for store in stores:
        store.close()
    return WRITERS * WRITER_SAVES / seconds, sum(taken), sum(refused)


def main() -> None:
    server = PgServer(fast=False).start()
    try:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        with psycopg.connect(server.url("bench"), autocommit=True) as conn:
            initialise(conn)
            conn.execute("CREATE ROLE office LOGIN PASSWORD 'office' IN ROLE a4_admin")
            conn.execute("CREATE ROLE bench LOGIN PASSWORD 'bench' IN ROLE a4_practitioner")
            conn.execute("INSERT INTO a4.staff VALUES ('office', 'office'), ('bench', 'north')")
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE caseload TEMPLATE bench")
        office = server.url("bench", "office", "office")
        practitioner = server.url("bench", "bench", "bench")
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            sqlite_save = bench_save(SqliteStore(folder / "save" / "a4.db"))
            pg_save = bench_save(PostgresStore(practitioner))
            sqlite_caseload = SqliteStore(folder / "list" / "a4.db")
            sqlite_import, [sqlite_list] = bench_listing(sqlite_caseload, [sqlite_caseload])
            pg_office = PostgresStore(server.url("caseload", "office", "office"))
            pg_import, [office_list, own_list] = bench_listing(
                pg_office, [pg_office, PostgresStore(server.url("caseload", "bench", "bench"))]
            )
        own_rate, own_taken, _ = bench_writers(lambda: PostgresStore(practitioner), shared=False)
        shared_rate, shared_taken, shared_refused = bench_writers(lambda: PostgresStore(office), shared=True)
        with psycopg.connect(server.url()) as conn:
            version = conn.info.server_version
    finally:
        server.destroy()
    print(f"PostgreSQL {version // 10000}.{version % 100}, local Unix socket, fsync on, synchronous commit")
    print(f"save a full record ({SECTIONS} sections x {WORDS} words), median of {SAVES}:")
    print(f"  SQLite {sqlite_save:.2f} ms, PostgreSQL {pg_save:.2f} ms: ratio {pg_save / sqlite_save:.1f}x")
    print(f"list {CASES} cases, median of 20:")
    print(f"  SQLite {sqlite_list:.1f} ms, PostgreSQL as the office {office_list:.1f} ms "
          f"(ratio {office_list / sqlite_list:.1f}x), as their practitioner (row-level security) "
          f"{own_list:.1f} ms (ratio {own_list / sqlite_list:.1f}x)")  # fmt: skip
    print(f"import {CASES} demo cases: SQLite {sqlite_import:.1f} s, PostgreSQL {pg_import:.1f} s")
    print(f"{WRITERS} concurrent writers x {WRITER_SAVES} full-record saves:")
    print(f"  each on its own record: {own_rate:.0f} saves/s ({own_taken} acknowledged)")
    print(f"  on {SHARED} shared records: {shared_rate:.0f} attempts/s "
          f"({shared_taken} acknowledged, {shared_refused} refused as stale, none lost)")  # fmt: skip


if __name__ == "__main__":
    main()

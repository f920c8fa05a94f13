"""Helper for the crash test: saves one record over and over, acknowledging each save.

Run as `python tests/crash_writer.py DB_PATH`.  After each `save_record`
returns (so after COMMIT), prints the stored version and flushes, so the
test knows which saves were acknowledged before it kills this process.
The text saved at version v is `content(v)`, so the test can check that the
version it finds holds exactly that version's text.
"""

from __future__ import annotations

import sys
from contextlib import suppress
from pathlib import Path

from forms.model import Case, Deadlines, Record
from storage.sqlite.store import SqliteStore
from storage.store import DuplicateError

CASE = "CRASH-1"
RECORD = "crash-record"
PATH = "offence.what_happened"


def content(version: int) -> str:
    """The text written at `version`: grows with it, so partial writes would show."""
    return f"save {version}: " + "the person described the day in detail. " * (version % 200 + 1)


def main(db: Path) -> None:
    store = SqliteStore(db)
    with suppress(DuplicateError):  # an earlier writer made it
        store.create_case(Case(ref=CASE, name="Test Person", start="2025-01-06", owner="crash"), Deadlines())
    record = store.latest_record(CASE) or store.create_record(
        Record(id=RECORD, case_ref=CASE, form_id="a4-assessment", form_version="1.0.0"), "crash"
    )
    while True:
        record.answers[PATH] = content(record.version + 1)
        record = store.save_record(record, "crash")
        print(record.version, flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))

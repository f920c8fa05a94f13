"""One case has at most one open record of each kind, enforced by the store (finding 8 of #14).

Both engines: a second draft assessment is refused with a clear error naming
the open one; starting a review twice (or after it was submitted) gives back
the same review; the rule holds for a writer going round the Python API, and
an old file that already holds two open drafts still opens.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from forms.model import Record
from storage.store import OpenRecordError, Store
from tests.conftest import Clock
from tests.test_review import approved_record

FIXTURE_V3 = Path(__file__).parent / "fixtures" / "storage" / "a4-schema-v3.sqlite"


def draft(case_ref: str, kind: str = "assessment") -> Record:
    return Record(
        id=uuid.uuid4().hex, case_ref=case_ref, form_id="a4-assessment", form_version="1.0.0", kind=kind
    )


def test_a_second_open_draft_of_a_kind_is_refused_naming_the_first(store: Store) -> None:
    approved_record(store)  # case AB123 with an approved assessment
    first = store.create_record(draft("AB123"), "pat")
    with pytest.raises(OpenRecordError) as refused:
        store.create_record(draft("AB123"), "pat")
    assert refused.value.existing.id == first.id
    assert "already has an open assessment" in str(refused.value) and "pat" in str(refused.value)
    assert [r.status for r in store.records_for_case("AB123")] == ["approved", "draft"]


def test_starting_a_review_twice_or_after_submitting_it_gives_the_same_review(store: Store) -> None:
    approved_record(store)
    review = store.start_review("AB123", "pat")
    assert store.start_review("AB123", "pat").id == review.id
    store.transition(review.id, "submitted", "pat")
    again = store.start_review("AB123", "pat")
    assert again.id == review.id and again.status == "submitted"
    assert [r.kind for r in store.records_for_case("AB123")] == ["assessment", "review"]
    store.transition(review.id, "approved", "qa.lee")
    fresh = store.start_review("AB123", "pat")  # the review is finished: the next one may start
    assert fresh.id != review.id


def test_the_sqlite_file_refuses_a_second_open_draft_from_any_writer(tmp_path: Path, clock: Clock) -> None:
    from storage.sqlite.store import SqliteStore

    store = SqliteStore(tmp_path / "a4.db", now=clock)
    approved_record(store)
    store.create_record(draft("AB123"), "pat")
    store.close()
    with closing(sqlite3.connect(tmp_path / "a4.db")) as conn:
        row = conn.execute("SELECT * FROM records WHERE status = 'draft'").fetchone()
        columns = [d[0] for d in conn.execute("SELECT * FROM records").description]
        copy = dict(zip(columns, row, strict=True))
        copy.update(seq=None, id="another")
        with pytest.raises(sqlite3.IntegrityError, match="already has an open record"):
            conn.execute(
                f"INSERT INTO records ({', '.join(copy)}) VALUES ({', '.join('?' * len(copy))})",
                list(copy.values()),
            )


def test_an_old_file_holding_two_open_drafts_still_opens_and_keeps_them(tmp_path: Path, clock: Clock) -> None:
    from storage.sqlite.schema import SCHEMA_VERSION
    from storage.sqlite.store import SqliteStore

    db = tmp_path / "a4.db"
    shutil.copy(FIXTURE_V3, db)
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM records WHERE status = 'draft' LIMIT 1").fetchone())
        row.update(seq=None, id="stray-draft")
        conn.execute(
            f"INSERT INTO records ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
        )
        conn.commit()
    store = SqliteStore(db, now=clock)
    try:
        assert store.get_record("stray-draft").status == "draft"
    finally:
        store.close()
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert "one_open_record_per_kind" in names

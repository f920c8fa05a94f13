"""A store holding what older A4 versions let in: impossible dates, control characters, path-like ids.

Rows are written with plain SQL beside cases A4 made itself, as an old
import would have left them (no tests here).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

ESC_NAME = "Alex\x1b]0;PWNED-TITLE\x07\x1b[2J"
ESC_REF = "ESC\x1b[2J1"
BAD_DATES_REF = "BAD-DATES"
BAD_IDS = ("../../../../tmp/a4-escape-x", "ab\x00cd", "/etc/passwd-a4")


def spoil(db: Path) -> str:
    """Add the bad rows to the store at `db`; returns the reference of a good case whose record was copied."""
    with sqlite3.connect(db) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(records)")]
        (good_ref,) = conn.execute("SELECT case_ref FROM records ORDER BY seq LIMIT 1").fetchone()
        case_columns = [row[1] for row in conn.execute("PRAGMA table_info(cases)")]
        case = dict(
            zip(
                case_columns,
                conn.execute("SELECT * FROM cases WHERE ref = ?", (good_ref,)).fetchone(),
                strict=True,
            )
        )
        record = dict(
            zip(
                columns,
                conn.execute("SELECT * FROM records WHERE case_ref = ?", (good_ref,)).fetchone(),
                strict=True,
            )
        )
        for ref, name, start, due, review in (
            (BAD_DATES_REF, "Bad Dates", "2025-02-30", "2025-99-99", "0000-00-00"),
            (ESC_REF, ESC_NAME, case["start"], case["initial_due"], case["next_review"]),
        ):
            values = {
                **case,
                "ref": ref,
                "name": name,
                "start": start,
                "initial_due": due,
                "next_review": review,
            }
            conn.execute(
                f"INSERT INTO cases ({','.join(values)}) VALUES ({','.join('?' * len(values))})",
                tuple(values.values()),
            )
        for index, record_id in enumerate(BAD_IDS):
            ref = (ESC_REF, BAD_DATES_REF, good_ref)[index]
            values = {**record, "seq": None, "id": record_id, "case_ref": ref}
            names = ",".join(values)
            conn.execute(
                f"INSERT INTO records ({names}) VALUES ({','.join('?' * len(values))})",
                tuple(values.values()),
            )
    return good_ref

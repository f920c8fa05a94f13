"""Export benchmark: 10,000 records to A4 JSON and to Markdown, against plain `json.dumps`.

Run: `python bench/bench_export.py`.  Prints records per second for each
format and its ratio to the baseline: `json.dumps` of the same records'
stored payloads (the JSON-compatible dict the record codec gives), which is
the least any export must do.  Target: JSON export ≤ 3× the baseline.
Each record comes with a two-entry audit trail, as stored records have.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import date

from exports.formats.json_format import to_json
from exports.formats.markdown import to_markdown
from forms.definition.registry import load_registry
from forms.record.codec import record_to_dict
from storage.demo import demo_data
from storage.store import AuditEvent

RECORDS = 10_000
TARGET = 3.0


def seconds(run: Callable[[], object]) -> float:
    """The best of three runs: the machine's noise only ever adds time."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    rubric = registry.rubric_for(form.id)
    data = demo_data(form, int(RECORDS / 0.85) + 50, "bench", date(2025, 3, 3))
    records = data.records[:RECORDS]
    assert len(records) == RECORDS, len(records)
    cases = {c.ref: c for c in data.cases}
    audits = {
        r.id: [
            AuditEvent(r.id, "created", r.author, r.created_at, "kind", None, r.kind),
            AuditEvent(r.id, "status", r.author, r.updated_at, "status", "draft", r.status),
        ]
        for r in records
    }
    payloads = [record_to_dict(r) for r in records]

    baseline = seconds(lambda: [json.dumps(p) for p in payloads])
    as_json = seconds(lambda: [to_json(r, cases[r.case_ref], form, audits[r.id]) for r in records])
    as_md = seconds(lambda: [to_markdown(r, cases[r.case_ref], form, audits[r.id], rubric) for r in records])

    print(f"{RECORDS:,} records (demo data, {form.id} {form.version})")
    print(f"  json.dumps of stored payloads  {RECORDS / baseline:10,.0f} records/s")
    for name, took in (("A4 JSON export", as_json), ("Markdown export", as_md)):
        print(f"  {name:<30} {RECORDS / took:10,.0f} records/s   {took / baseline:5.1f}× the baseline")
    ok = as_json / baseline <= TARGET
    print(f"JSON export {'within' if ok else 'OVER'} the {TARGET:g}× target")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

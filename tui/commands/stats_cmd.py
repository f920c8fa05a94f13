"""`a4 stats [--since DATE] [--format table|csv|json]`: how long assessments really take.

Per form and kind of record (new assessment, review, short): how many, the
median and quartiles of active writing minutes and of words, the share
approved first time, QA returns per record, and days from start to
completion against the deadline.  Figures come from the records and their
audit trail (`exports.stats` reads them, `forms.record.stats` does the
arithmetic); nothing personal is printed.
"""

from __future__ import annotations

import argparse

FORMATS: tuple[str, ...] = ("table", "csv", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("stats", help="workload figures: active minutes, words, QA returns, days")
    parser.add_argument("--since", metavar="DATE", help="only records started on or after DATE (YYYY-MM-DD)")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import csv
    import json
    import sys
    from pathlib import Path

    from exports.escape import for_terminal
    from exports.stats import as_dicts, collect_facts, table_rows
    from forms.definition.registry import load_registry
    from forms.record.iso_dates import DateError, parse_date
    from forms.record.stats import workload
    from storage.store import StoreError
    from tui.commands.storage_support import fail, open_store

    try:
        since = parse_date(args.since, what="--since") if args.since else None
    except DateError as error:
        return fail(error)
    registry, _errors = load_registry([Path(d) for d in args.forms])
    try:
        store = open_store(args)
        try:
            skipped: list[str] = []
            groups = workload(collect_facts(store, registry, skipped), since)
            for line in skipped:
                fail(for_terminal(line))
        finally:
            store.close()
    except StoreError as error:
        return fail(error)
    if args.format == "json":
        print(json.dumps(as_dicts(groups), indent=2))
    elif args.format == "csv":
        rows = as_dicts(groups)
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["form", "kind", "count"])
        writer.writeheader()
        writer.writerows(rows)
    elif not groups:
        print("No records yet" + (f" started since {since.isoformat()}" if since else "") + ".")
    else:
        table = table_rows(groups)
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        for row in table:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0

"""`a4 check [REF...] [--status STATUS] [--json]`: each record's automatic check results; exit 1 on any.

For teams and scripts auditing a caseload: what fails, where (an answer
path such as `accommodation.analysis`), and the fix, for each case's latest
record.
"""

from __future__ import annotations

import argparse

from forms.model import RECORD_STATUSES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check", help="run each record's automatic checks; exit 1 when any record fails one"
    )
    parser.add_argument("refs", nargs="*", metavar="REF", help="case references (default: every case)")
    parser.add_argument(
        "--status",
        action="append",
        choices=RECORD_STATUSES,
        default=[],
        help="only records in this status (may be given more than once)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts instead of lines")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    import sys
    from pathlib import Path

    from exports.batch import ExportProblem, FormCache
    from exports.check_report import check_records
    from forms.definition.registry import load_registry
    from storage.store import StoreError
    from tui.commands.storage_support import fail, open_store

    registry, _errors = load_registry([Path(d) for d in args.forms])
    try:
        store = open_store(args)
    except StoreError as error:
        return fail(error)
    failing = checked = unchecked = 0
    documents = []
    try:
        for result in check_records(store, FormCache(registry, store), args.refs, args.status):
            checked += 1
            failing += bool(result.findings)
            unchecked += not result.checked
            if args.json:
                documents.append(result.as_dict())
            else:
                print("\n".join(result.lines()))
    except (StoreError, ExportProblem) as error:
        return fail(error)
    finally:
        store.close()
    if args.json:
        report = {"checked": checked, "failing": failing, "unchecked": unchecked, "records": documents}
        print(json.dumps(report, ensure_ascii=False))
    else:
        no_rubric = f", {unchecked} not checked (no rubric)" if unchecked else ""
        records = f"{checked} record{'s' if checked != 1 else ''}"
        print(f"{records} checked, {failing} with something to fix{no_rubric}.", file=sys.stderr)
    return 1 if failing else 0

"""`a4 cases [--json]`: the caseload, soonest due first, with overdue flags."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.store import Archival, CaseSummary


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("cases", help="list cases with their status and due dates")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts instead of a table")
    parser.add_argument("--owner", help="only the cases of this practitioner")
    parser.add_argument(
        "--check",
        action="store_true",
        help="list the cases that cannot be shown (impossible dates) and how to fix them",
    )
    parser.add_argument(
        "--archived",
        action="store_true",
        help="list the archived cases instead, with who archived each, when and why",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    from datetime import date

    from exports.escape import for_terminal
    from forms.record.deadlines import days_left
    from storage.row_check import FIX, readable
    from storage.store import StoreError
    from tui.commands.storage_support import fail, open_store

    try:
        store = open_store(args)
        try:
            if args.archived:
                listed = store.list_cases(owner=args.owner, archived=True)
                return _archived(listed, store.archivals(), args.json)
            summaries, unreadable = readable(store.list_cases(owner=args.owner))
        finally:
            store.close()
    except StoreError as error:
        return fail(error)
    if args.check:
        for s, problem in unreadable:
            ref = for_terminal(s.ref)
            print(f"{ref}: {problem}. It is left out of lists; {FIX.replace('REF', ref)}.")
        print(f"{len(unreadable)} of {len(summaries) + len(unreadable)} cases cannot be shown.")
        return 1 if unreadable else 0
    for s, problem in unreadable:
        fail(f"case {for_terminal(s.ref)} left out: {problem}; `a4 cases --check` says how to fix it")
    today = date.today()
    rows: list[dict[str, Any]] = []
    left_by_due: dict[str, int] = {}  # a caseload's cases share a few hundred due dates
    for s in summaries:
        left = left_by_due.get(s.due)
        if left is None:
            left = left_by_due[s.due] = days_left(date.fromisoformat(s.due), today)
        rows.append(
            {
                "ref": s.ref,
                "name": s.name,
                "owner": s.owner,
                "start": s.start,
                "status": s.status,
                "initial_due": s.initial_due,
                "next_review": s.next_review or None,
                "due": s.due,
                "working_days_left": left,
                "overdue": left < 0,
                "words": s.words,
                "active_seconds": s.active_seconds,
                "sentence_end": s.sentence_end or None,
            }
        )
    if args.json:
        # One case per line: still one JSON array, readable and greppable, and written by the C encoder
        # (indent= would switch to the pure-Python one, several times slower on a large caseload).
        # One encoder for every row: `json.dumps` with an option makes a new one per call.
        encode = json.JSONEncoder(ensure_ascii=False).encode
        lines = ",\n".join(map(encode, rows))
        print(f"[\n{lines}\n]" if rows else "[]")
        return 0
    if not rows:
        print("No cases yet. Add one with `a4 new`, or try `a4 demo`.")
        return 0
    table = [("REF", "NAME", "STATUS", "SENTENCE ENDS", "DUE", "WHEN")] + [
        (
            r["ref"],
            r["name"],
            r["status"] or "not started",
            r["sentence_end"] or "-",
            r["due"],
            f"OVERDUE by {working_days(-r['working_days_left'])}"
            if r["overdue"]
            else f"in {working_days(r['working_days_left'])}",
        )
        for r in rows
    ]
    table = [tuple(for_terminal(cell) for cell in row) for row in table]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[5])
    return 0


def _archived(summaries: list[CaseSummary], archivals: list[Archival], as_json: bool) -> int:
    """`a4 cases --archived`: each archived case with who archived it, when and why (dates unread, so a
    case archived because its dates cannot be read is listed too)."""
    import json

    from exports.escape import for_terminal

    latest = {a.case_ref: a for a in archivals}  # oldest first, so the last of each case wins
    shown = [(s, latest[s.ref]) for s in summaries if s.ref in latest]
    if as_json:
        rows = [
            {"ref": s.ref, "name": s.name, "owner": s.owner, "start": s.start, "status": s.status,
             "archived": {"by": a.by, "at": a.at, "reason": a.reason}}
            for s, a in shown
        ]  # fmt: skip
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not shown:
        print("No archived cases.")
    for s, a in shown:
        print(for_terminal(f"{s.ref}  {s.name}  archived {a.at[:10]} by {a.by}: {a.reason}"))
    return 0


def working_days(count: int) -> str:
    """ "1 working day", "3 working days"."""
    return f"{count} working day{'' if count == 1 else 's'}"

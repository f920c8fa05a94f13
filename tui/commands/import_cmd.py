"""`a4 import FILE... [--as-new | --replace]`: bring A4 JSON exports back into the store.

Every file is checked completely before anything of it is written, and is
then written in one transaction: a file comes in whole or not at all, and
a bad file does not stop the good ones.  Files are imported oldest record
first, so a review or amendment finds the record it refers to.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help="import records from A4 JSON exports")
    parser.add_argument("files", nargs="+", metavar="FILE", help="A4 JSON files (`a4 export --format json`)")
    clash = parser.add_mutually_exclusive_group()
    clash.add_argument(
        "--as-new", action="store_true", help="a record already stored is imported again as a new copy"
    )
    clash.add_argument(
        "--replace", action="store_true", help="a record already stored is overwritten (never a locked one)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from exports.escape import for_terminal
    from exports.importing.importer import ImportProblem, Incoming, Mode, import_incoming, read_export
    from forms.definition.registry import load_registry
    from storage.store import StoreError
    from tui.commands.storage_support import current_user, fail, open_store

    registry, _errors = load_registry([Path(d) for d in args.forms])
    checked: list[Incoming] = []
    refused = 0
    for name in args.files:
        try:
            checked.append(read_export(Path(name), registry))
        except ImportProblem as problem:
            fail(problem)
            refused += 1
    mode: Mode = "as_new" if args.as_new else "replace" if args.replace else "refuse"
    imported = 0
    if checked:
        try:
            store = open_store(args)
        except StoreError as error:
            return fail(error)
        try:
            for incoming in sorted(checked, key=lambda i: i.record.created_at):
                try:
                    record = import_incoming(store, incoming, mode=mode, actor=current_user())
                except ImportProblem as problem:
                    fail(problem)
                    refused += 1
                    continue
                imported += 1
                # The file's name is anyone's (a shared folder): shown, like every message, as symbols.
                print(
                    for_terminal(
                        f"Imported record {record.id} of case {record.case_ref} from {incoming.source}."
                    )
                )
        finally:
            store.close()
    if refused:
        total = len(args.files)
        return fail(f"{refused} of {total} files not imported (see above); nothing of those was written")
    return 0

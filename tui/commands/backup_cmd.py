"""`a4 backup [PATH]`: write a consistent copy of the store, safe while A4 is open."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("backup", help="write a consistent copy of the store")
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="where to write it (default: a dated file in the backups folder)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from datetime import datetime
    from pathlib import Path

    from storage.location import backup_dir, resolve_data_dir
    from storage.store import StoreError
    from tui.commands.storage_support import fail, open_store

    try:
        store = open_store(args)
        try:
            stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
            target = (
                Path(args.path)
                if args.path
                else backup_dir(resolve_data_dir(args.data_dir)) / f"a4-manual-{stamp}.db"
            )
            if target.exists():
                return fail(
                    f"{target} already exists; choose another path so no earlier backup is overwritten"
                )
            written = store.backup(target)
        finally:
            store.close()
    except StoreError as error:
        return fail(error)
    print(f"Backed up to {written}")
    return 0

"""`a4 export [REF...] [--all] [--since DATE] --format md|json|fhir|csv [--out PATH]`.

One record goes to stdout (or to --out); many go to a folder, one file per
record, or, as CSV, into one table.  Every file written is readable by its
owner only.  A progress bar shows on a terminal and stays out of pipes.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exports.batch import Format, FormCache, Selected
    from storage.store import Store


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it as YYYY-MM-DD") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="export records as Markdown, JSON, FHIR or CSV")
    add = parser.add_argument
    add("refs", nargs="*", metavar="REF", help="case references (or --all for every case)")
    add("--all", action="store_true", help="every case in the store")
    add("--since", type=_day, metavar="DATE", help="only records changed on or after DATE (YYYY-MM-DD)")
    add("--history", action="store_true", help="every record of each case, not only the latest")
    add("--format", required=True, choices=("md", "json", "fhir", "csv"), help="what to write")
    add("--out", metavar="PATH", help="a file (one record, or CSV) or a folder (many records)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from exports.batch import FORMATS, ExportProblem, FormCache, csv_text, select
    from forms.definition.registry import load_registry
    from storage.store import StoreError
    from tui.commands.storage_support import fail, open_store

    if not (args.refs or args.all or args.since):
        return fail("name the cases to export (their references), or use --all")
    if args.refs and args.all:
        return fail("give case references or --all, not both")
    registry, _errors = load_registry([Path(d) for d in args.forms])
    forms = FormCache(registry)
    try:
        store = open_store(args)
    except StoreError as error:
        return fail(error)
    try:
        chosen = select(store, args.refs, all_cases=args.all, since=args.since, history=args.history)
        if args.format == "csv":
            return _write_one(csv_text(store, forms, chosen), args.out)
        records = [s for s in chosen if s.record is not None]
        if not records:
            return fail("no records match; `a4 cases` lists the cases and their status")
        fmt = FORMATS[args.format]
        out = Path(args.out).expanduser() if args.out else None
        if len(records) == 1 and not (out and out.is_dir()):
            item = forms.exportable(store, records[0].case, records[0].record)
            return _write_one(fmt.render(item), args.out)
        if out is None:
            return fail(f"{len(records)} records match; give --out FOLDER to write one file per record")
        return _write_many(store, forms, records, fmt, out)
    except (StoreError, ExportProblem) as error:
        return fail(error)
    finally:
        store.close()


def _write_one(text: str, out: str | None) -> int:
    import sys

    from exports.files import write_private
    from tui.commands.storage_support import fail

    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        written = write_private(Path(out).expanduser(), text)
    except OSError as error:
        return fail(f"could not write {out} ({error.strerror or error}); choose a folder you can write to")
    print(f"Wrote {written}.", file=sys.stderr)
    return 0


def _write_many(store: Store, forms: FormCache, records: list[Selected], fmt: Format, out: Path) -> int:
    import sys

    from exports.files import file_name, write_private
    from storage.sqlite.location import ensure_private_dir
    from tui.commands.storage_support import fail

    try:
        ensure_private_dir(out)
        with _progress(len(records)) as advance:
            for selected in records:
                assert selected.record is not None  # only cases with a record are passed
                item = forms.exportable(store, selected.case, selected.record)
                write_private(out / file_name(item.case.ref, item.record.id, fmt.extension), fmt.render(item))
                advance()
    except OSError as error:
        return fail(f"could not write to {out} ({error.strerror or error}); choose a folder you can write to")
    print(f"Wrote {len(records)} {fmt.label} files to {out}.", file=sys.stderr)
    return 0


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A rich progress bar on stderr while stdout is a terminal; silent in pipes and scripts."""
    import sys

    if not sys.stdout.isatty() or total < 2:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Exporting", total=total)
        yield lambda: progress.advance(task)

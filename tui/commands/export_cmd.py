"""`a4 export [REF...] [--all] [--since DATE] --format FORMAT [--full] [--for person] [--out PATH]`.

One record goes to stdout (or to --out); many go to a folder, one file per
record, or, as CSV, into one table.  Every file written is readable by its
owner only.  A progress bar shows on a terminal and stays out of pipes.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from exports.escape import for_terminal

if TYPE_CHECKING:
    from exports.batch import Format, FormCache, Selected
    from storage.store import Store


def _day(text: str) -> date:
    from forms.record.iso_dates import DateError, parse_date

    try:
        return parse_date(text, what="--since")
    except DateError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="export records as Markdown, JSON, FHIR, CSV or an A4 sheet (PDF)"
    )
    add = parser.add_argument
    add("refs", nargs="*", metavar="REF", help="case references (or --all for every case)")
    add("--all", action="store_true", help="every case in the store")
    add("--since", type=_day, metavar="DATE", help="only records changed on or after DATE (YYYY-MM-DD)")
    add("--history", action="store_true", help="every record of each case, not only the latest")
    add("--format", required=True, choices=("md", "json", "fhir", "csv", "sheet"), help="what to write")
    add("--full", action="store_true", help="with --format sheet: the whole record as pages after the sheet")
    add(
        "--for",
        dest="audience",
        choices=("person",),
        help="a copy for the person on probation (md, json or sheet), without what the form withholds",
    )
    add(
        "--out",
        metavar="PATH",
        help="a file (one record, or CSV), a folder (ending in / or existing: one file per record), "
        "or - for standard output",
    )
    add("--force", action="store_true", help="replace files that already exist (never through a link)")
    parser.set_defaults(func=run)


def _is_folder(out: str | None) -> bool:
    """Whether --out names a folder: it ends in a slash, or is one already."""
    import os

    if out is None or out == "-":
        return False
    return out.endswith(("/", os.sep)) or Path(out).expanduser().is_dir()


def run(args: argparse.Namespace) -> int:
    from exports.batch import (
        FORMATS,
        ExportProblem,
        FormCache,
        csv_rows,
        select,
        wanted_refs,
        with_full_record,
    )
    from exports.formats.csv_format import to_csv
    from forms.definition.registry import load_registry
    from storage.store import StoreError
    from tui.commands.storage_support import fail, open_store

    if not (args.refs or args.all or args.since):
        return fail("name the cases to export (their references), or use --all")
    if args.refs and args.all:
        return fail("give case references or --all, not both")
    person = args.audience == "person"
    if person and not FORMATS[args.format].for_person:
        return fail(f"--for person makes a Markdown, JSON or sheet copy; {args.format} is for the team")
    if args.full and args.format != "sheet":
        return fail("--full adds the whole record after an A4 sheet; use it with --format sheet")
    registry, _errors = load_registry([Path(d) for d in args.forms])
    try:
        store = open_store(args)
    except StoreError as error:
        return fail(error)
    forms = FormCache(registry, store)
    try:
        chosen = select(store, args.refs, all_cases=args.all, since=args.since, history=args.history)
        to_folder = _is_folder(args.out)
        if args.format == "csv":
            target = str(Path(args.out).expanduser() / "cases.csv") if to_folder else args.out
            return _write_one(to_csv(csv_rows(store, forms, chosen)), target, force=args.force)
        records = (s for s in chosen if s.record is not None)
        first, second = next(records, None), next(records, None)
        if first is None:
            return fail("no records match; `a4 cases` lists the cases and their status")
        fmt = with_full_record(FORMATS["sheet"]) if args.full else FORMATS[args.format]
        out = Path(args.out).expanduser() if args.out and args.out != "-" else None
        if second is None and not to_folder:
            assert first.record is not None  # only cases with a record pass the filter above
            item = forms.exportable(store, first.case, first.record, for_person=person)
            return _write_one(fmt.render(item), str(out) if out else None, force=args.force)
        if out is None:
            count = 2 + sum(1 for _ in records)
            return fail(f"{count} records match; give --out FOLDER/ to write one file per record")
        total = len(wanted_refs(store, args.refs)) if args.refs or args.all else None
        return _write_many(store, forms, itertools.chain([first], [second] if second else [], records),
                           fmt, out, total, for_person=person, force=args.force)  # fmt: skip
    except (StoreError, ExportProblem) as error:
        return fail(error)
    finally:
        store.close()


def _write_one(text: str | bytes, out: str | None, *, force: bool) -> int:
    """Write one export to `out` (standard output when None), its folders made private."""
    import sys

    from exports.files import write_private
    from storage.location import ensure_private_dir
    from tui.commands.storage_support import fail

    out = None if out == "-" else out
    if out is None and isinstance(text, bytes):
        if sys.stdout.isatty():
            return fail(
                "a PDF cannot be shown in the terminal; give --out FILE.pdf, or send it to a file with >"
            )
        sys.stdout.buffer.write(text)
        sys.stdout.flush()
        return 0
    if out is None:
        sys.stdout.write(str(text))
        return 0
    path = Path(out).expanduser()
    try:
        ensure_private_dir(path.parent)
        written = write_private(path, text, replace=force)
    except FileExistsError:
        return fail(f"{out} already exists; nothing was written. Give --force to replace it")
    except OSError as error:
        return fail(f"could not write {out} ({error.strerror or error}); choose a folder you can write to")
    print(for_terminal(f"Wrote {written}."), file=sys.stderr)
    return 0


def _write_many(
    store: Store,
    forms: FormCache,
    records: Iterable[Selected],
    fmt: Format,
    out: Path,
    total: int | None,
    *,
    for_person: bool,
    force: bool,
) -> int:
    """One file per record, each read, rendered and written before the next is read (memory stays flat)."""
    import sys

    from exports.files import file_name, write_private
    from storage.location import ensure_private_dir
    from tui.commands.storage_support import fail

    written = 0
    try:
        ensure_private_dir(out)
        with _progress(total) as advance:
            for selected in records:
                assert selected.record is not None  # only cases with a record are passed
                item = forms.exportable(store, selected.case, selected.record, for_person=for_person)
                path = out / file_name(item.case.ref, item.record.id, fmt.extension)
                write_private(path, fmt.render(item), replace=force)
                written += 1
                advance()
    except FileExistsError as error:
        return fail(
            f"{error.filename} already exists; {written} files were written before it. "
            "Give --force to replace existing files"
        )
    except OSError as error:
        return fail(f"could not write to {out} ({error.strerror or error}); choose a folder you can write to")
    print(for_terminal(f"Wrote {written} {fmt.label} files to {out}."), file=sys.stderr)
    return 0


@contextmanager
def _progress(total: int | None) -> Iterator[Callable[[], None]]:
    """A rich progress bar on stderr while stderr is a terminal; silent in pipes and scripts.

    `total` counts the cases asked for (a case may hold several records with
    --history, or none); without it the bar counts records as they go.
    """
    import sys

    if not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Exporting", total=total)
        yield lambda: progress.advance(task)

"""`a4 demo [--cases N]`: fill the store with invented cases and records to try A4 out."""

from __future__ import annotations

import argparse

MAX_CASES = 10_000


def _case_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= MAX_CASES:
        raise argparse.ArgumentTypeError(f"choose between 1 and {MAX_CASES} cases")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="add invented demo cases and records (nothing real)")
    parser.add_argument("--cases", type=_case_count, default=30, metavar="N", help="how many (default 30)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from datetime import date
    from pathlib import Path

    from forms.definition.registry import load_registry
    from storage.demo import demo_data, import_demo
    from storage.store import StoreError
    from tui.commands.storage_support import DEFAULT_FORM, current_user, fail, load_form, open_store

    form = load_form(args, DEFAULT_FORM)
    if form is None:
        return 1
    data = demo_data(form, args.cases, current_user(), date.today())
    try:
        store = open_store(args)
        try:
            registry, _errors = load_registry([Path(d) for d in args.forms])
            import_demo(store, data, form, registry.rubric_for(form.id))
        finally:
            store.close()
    except StoreError as error:
        return fail(
            f"{error} (demo cases are numbered DEMO-00001 on; use an empty --data-dir for a fresh set)"
        )
    print(f"Added {len(data.cases)} invented demo cases with {len(data.records)} records to {store.where}.")
    return 0

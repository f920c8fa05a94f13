"""`a4 new --ref REF --name NAME --start YYYY-MM-DD [--form ID]`: add a case to the caseload."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("new", help="add a case (its due dates follow from the form)")
    parser.add_argument("--ref", required=True, help="the case reference, unique in this store")
    parser.add_argument("--name", required=True, help="the person's name")
    parser.add_argument(
        "--start", required=True, metavar="YYYY-MM-DD", help="sentence or first appointment date"
    )
    parser.add_argument("--form", default=None, metavar="ID", help="assessment form (default: a4-assessment)")
    parser.add_argument("--owner", help="the practitioner who holds the case (default: you)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from datetime import date

    from forms.model import Case
    from storage.store import StoreError
    from tui.commands.storage_support import DEFAULT_FORM, current_user, fail, load_form, open_store

    try:
        date.fromisoformat(args.start)
    except ValueError:
        return fail(f"--start '{args.start}' is not a date; write it as YYYY-MM-DD, e.g. 2025-03-03")
    if not args.ref.strip() or not args.name.strip():
        return fail("--ref and --name must not be empty")
    form = load_form(args, args.form or DEFAULT_FORM)
    if form is None:
        return 1
    owner = args.owner or current_user()
    case = Case(ref=args.ref.strip(), name=args.name.strip(), start=args.start, owner=owner, form_id=form.id)
    try:
        store = open_store(args)
        try:
            created = store.create_case(case, form.deadlines)
        finally:
            store.close()
    except StoreError as error:
        return fail(error)
    print(f"Added case {created.ref}; first assessment due {created.initial_due}.")
    return 0

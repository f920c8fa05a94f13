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
    parser.add_argument(
        "--form",
        default=None,
        metavar="ID",
        help="the assessment form every record of the case uses (default: a4-assessment, the shipped one; "
        "`a4 forms list` shows those loaded; add your own folder with --forms DIR)",
    )
    parser.add_argument("--owner", help="the practitioner who holds the case (default: you)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from forms.model import Case
    from forms.record.iso_dates import DateError, parse_date
    from forms.record.text_rules import TextError, check_line, check_reference
    from storage.store import StoreError
    from tui.commands.storage_support import DEFAULT_FORM, current_user, fail, load_form, open_store

    try:
        ref = check_reference(args.ref.strip(), what="--ref")
        name = check_line(args.name.strip(), what="--name")
        owner = check_line(args.owner or current_user(), what="--owner")
        parse_date(args.start, what="--start")
    except (TextError, DateError) as error:
        return fail(error)
    form = load_form(args, args.form or DEFAULT_FORM)
    if form is None:
        return 1
    case = Case(ref=ref, name=name, start=args.start, owner=owner, form_id=form.id)
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

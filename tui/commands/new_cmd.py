"""`a4 new --ref REF --name NAME --start YYYY-MM-DD [--form ID] [sentence options]`, or `a4 new --csv FILE`.

One case from the command line, or every case of a case-management system's
CSV (columns in docs/exports.md), all or nothing.
"""

from __future__ import annotations

import argparse

from tui.commands.case_options import add_sentence_options


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("new", help="add a case (its due dates follow from the form)")
    add = parser.add_argument
    add("--ref", help="the case reference, unique in this store")
    add("--name", help="the person's name")
    add("--start", metavar="YYYY-MM-DD", help="sentence or first appointment date")
    add(
        "--form",
        default=None,
        metavar="ID",
        help="the assessment form every record of the case uses (default: a4-assessment, the shipped one; "
        "`a4 forms list` shows those loaded; add your own folder with --forms DIR)",
    )
    add("--owner", help="the practitioner who holds the case (default: you)")
    add_sentence_options(parser)
    add("--csv", metavar="FILE", help="add every case of a case-management CSV instead (all or nothing)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tui.commands.storage_support import fail

    if args.csv:
        if args.ref or args.name or args.start:
            return fail("give --csv FILE or --ref/--name/--start, not both")
        return _from_csv(args)
    missing = [flag for flag, value in (("--ref", args.ref), ("--name", args.name), ("--start", args.start))
               if not value]  # fmt: skip
    if missing:
        return fail(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} needed to add a case "
                    "(or --csv FILE for many)")  # fmt: skip
    return _one(args)


def _one(args: argparse.Namespace) -> int:
    from forms.model import Case
    from forms.record.iso_dates import DateError
    from forms.record.text_rules import TextError, check_line, check_reference
    from storage.store import StoreError
    from tui.commands.case_options import with_details
    from tui.commands.storage_support import DEFAULT_FORM, current_user, fail, load_form, open_store

    try:
        ref = check_reference(args.ref.strip(), what="--ref")
        owner = check_line(args.owner or current_user(), what="--owner")
        case = with_details(args, Case(ref=ref, name="", start="", owner=owner))
    except (TextError, DateError) as error:
        return fail(error)
    form = load_form(args, args.form or DEFAULT_FORM)
    if form is None:
        return 1
    case.form_id = form.id
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


def _from_csv(args: argparse.Namespace) -> int:
    """Every case of the file, checked first, then added in one transaction per form (none on a problem)."""
    import dataclasses
    import sys
    from pathlib import Path

    from exports.importing.case_csv import CaseFileProblem, read_cases
    from storage.store import NotFoundError, StoreError
    from tui.commands.storage_support import DEFAULT_FORM, current_user, fail, load_form, open_store

    path = Path(args.csv).expanduser()
    try:
        rows = read_cases(path, default_owner=args.owner or current_user())
    except CaseFileProblem as problem:
        print("a4: " + str(problem).replace("\n", "\n  "), file=sys.stderr)
        return 1
    forms = {}
    for form_id in {row.form_id or args.form or DEFAULT_FORM for row in rows}:
        form = load_form(args, form_id)
        if form is None:
            return 1
        forms[form_id] = form
    try:
        store = open_store(args)
    except StoreError as error:
        return fail(error)
    try:
        for row in rows:
            try:
                store.get_case(row.case.ref)
            except NotFoundError:
                continue
            return fail(
                f"{path}:{row.line}: a case {row.case.ref} is already in this store; nothing was added"
            )
        for form_id, form in forms.items():
            group = [dataclasses.replace(row.case, form_id=form.id) for row in rows
                     if (row.form_id or args.form or DEFAULT_FORM) == form_id]  # fmt: skip
            store.bulk_import(group, [], form.deadlines)
    except StoreError as error:
        return fail(error)
    finally:
        store.close()
    print(f"{len(rows)} case{'s' if len(rows) != 1 else ''} added from {path}.", file=sys.stderr)
    return 0

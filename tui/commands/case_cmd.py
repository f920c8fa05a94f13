"""`a4 case edit REF [--name …] [--national-id …] [--start …] [sentence options]`: correct a case.

A typo in a person's name or a wrong national identifier would otherwise
print on every export and A4 sheet.  The options, and how they are checked,
are `a4 new`'s (`tui.commands.case_options`); one not given is left as it is.
The reference and the owner are not changed here (a change of owner is a
handover).  A new start date moves the first due date as the store moves it.
Who may: the case's owner or a manager (`tui.case_editing`); a team database
also decides for itself, and answers a colleague's case as one that does
not exist.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from tui.commands.case_options import DETAIL_OPTIONS, add_sentence_options

if TYPE_CHECKING:
    from forms.model import Case
    from storage.store import Store

CHANGED: dict[str, str] = {
    "name": "name", "start": "start date", "sentence": "sentence", "national_id": "national identifier"
}  # fmt: skip
"""The fields a correction may change, as the confirming line names them."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("case", help="correct a case's name, identifier, start date or sentence")
    actions = parser.add_subparsers(dest="case_action", metavar="ACTION", required=True)
    edit = actions.add_parser(
        "edit", help="correct a case's details; an option not given is left as it is (see `a4 new`)"
    )
    edit.add_argument("ref", metavar="REF", help="the case's reference")
    edit.add_argument("--name", help="the person's name")
    edit.add_argument("--start", metavar="YYYY-MM-DD", help="sentence or first appointment date")
    add_sentence_options(edit, unchanged=True)
    edit.add_argument(
        "--owner", metavar="LOGIN", help="whose case, when a team database holds two with this reference"
    )
    edit.set_defaults(func=run_edit)


def run_edit(args: argparse.Namespace) -> int:
    from exports.escape import for_terminal
    from forms.record.iso_dates import DateError
    from forms.record.text_rules import TextError
    from storage.store import StoreError
    from tui.case_editing import may_edit_case
    from tui.commands.case_options import with_details
    from tui.commands.storage_support import fail, open_store

    ref = for_terminal(args.ref)
    if all(getattr(args, option) is None for option in DETAIL_OPTIONS):
        return fail(f"say what to correct in case {ref} (--name, --national-id, --start or a sentence "
                    "option, as `a4 new` takes them); nothing was changed")  # fmt: skip
    try:
        store = open_store(args)
        try:
            case = store.get_case(args.ref, owner=args.owner)
            user, role, team = _who(store)
            if not may_edit_case(case.owner, user=user, role=role, team=team):
                return fail(f"only the case's owner or a manager corrects case {ref} (you are {user}, "
                            f"{role}); nothing was changed")  # fmt: skip
            if any(s.ref == case.ref and s.owner == case.owner for s in store.list_cases(archived=True)):
                return fail(f"case {ref} is archived, out of every list; a manager brings it back first "
                            f"(`a4 archive {ref} --undo`). Nothing was changed")  # fmt: skip
            try:
                corrected = with_details(args, case)
            except (TextError, DateError) as error:
                return fail(error)
            differs = corrected != case
            stored = store.update_case(corrected, owner=case.owner, actor=user) if differs else case
        finally:
            store.close()
    except StoreError as error:
        return fail(error)
    changed = _changes(case, stored)
    if not changed:
        print(f"Case {ref} already holds that; nothing was changed.")
        return 0
    print(f"Corrected case {ref}: {', '.join(changed)}; first assessment due {stored.initial_due}.")
    return 0


def _who(store: Store) -> tuple[str, str, bool]:
    """Who is correcting, in which role, on a team database or not: a team database's login and the role
    its server gives it; on the embedded store, the config's user and role."""
    from storage.store import TeamStore
    from tui.commands.storage_support import current_role, current_user

    if isinstance(store, TeamStore):
        return store.login, store.role, True
    return current_user(), current_role(), False


def _changes(before: Case, after: Case) -> list[str]:
    """What a correction changed, in words, for the one line that confirms it."""
    return [said for field, said in CHANGED.items() if getattr(before, field) != getattr(after, field)]

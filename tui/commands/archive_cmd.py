"""`a4 archive REF --reason TEXT` (and `--undo`): an administrator takes a case out of every list, kept.

For a case imported by mistake: it leaves the caseload, `a4 cases`,
`a4 stats`, the QA queue and caseload exports, and nothing of it is deleted
(`a4 cases --archived` lists it; `a4 export REF` still exports it).  Only a
manager may: a team database refuses any other login itself; on the
embedded store the config's `role = "manager"` is asked for.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "archive", help="(managers) take a case imported by mistake out of every list; never deleted"
    )
    parser.add_argument("ref", metavar="REF", help="the case's reference")
    parser.add_argument("--reason", default="", help="why (required to archive; kept with the case)")
    parser.add_argument("--undo", action="store_true", help="bring an archived case back into the lists")
    parser.add_argument(
        "--owner", metavar="LOGIN", help="whose case, when a team database holds two with this reference"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from exports.escape import for_terminal
    from storage.store import StoreError, TeamStore
    from tui.commands.storage_support import current_role, current_user, fail, open_store

    ref = for_terminal(args.ref)
    if not args.undo and not args.reason.strip():
        example = f'a4 archive {ref} --reason "imported by mistake"'
        return fail(f"archiving case {ref} needs a reason (`{example}`); nothing was changed")
    try:
        store = open_store(args)
        try:
            if isinstance(store, TeamStore):
                actor = store.login
            elif current_role() != "manager":
                return fail(
                    f"only a manager archives a case or brings one back (your config's role is "
                    f"{current_role()}); nothing was changed"
                )
            else:
                actor = current_user()
            if args.undo:
                store.unarchive_case(args.ref, actor, reason=args.reason, owner=args.owner)
            else:
                store.archive_case(args.ref, actor, reason=args.reason, owner=args.owner)
        finally:
            store.close()
    except StoreError as error:
        return fail(error)
    if args.undo:
        print(f"Case {ref} is back in the caseload and every list.")
    else:
        print(
            f"Archived case {ref}: it is left out of the caseload, lists, the QA queue and caseload exports, "
            f"and kept whole. `a4 cases --archived` lists it; `a4 archive {ref} --undo` brings it back."
        )
    return 0

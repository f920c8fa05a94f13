"""Who may correct a case's details, so the app and `a4 case edit` offer it exactly where the store allows.

The embedded store has one user and no roles of its own, so the config's role
decides: a manager corrects any case, anyone else only the cases they hold.
A team database decides for itself (row-level security and column privileges,
`storage.postgres.schema`): an administrator (the app's `manager`) changes any
case, a practitioner only their own, and a login that is only a QA assessor
none at all (it may change a case's next review date and nothing else), so
the app does not offer what the database would refuse.  A login that is both
practitioner and QA assessor has the app's role `practitioner`.
"""

from __future__ import annotations


def may_edit_case(owner: str, *, user: str, role: str, team: bool) -> bool:
    """Whether `user`, in the app's `role`, may correct the details of a case held by `owner`."""
    if role == "manager":
        return True
    if team and role == "qa_assessor":
        return False
    return owner == user

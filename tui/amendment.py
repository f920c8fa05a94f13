"""The words of starting an amendment, the same from the caseload and from the case screen.

An amendment corrects a record after it is countersigned and locked: a new
draft that starts from the locked record's answers and goes through QA again.
Starting one is asked for with one confirming key, and a case that already
has an open record of that kind opens it instead of a second one (the store
holds a case to one open record of each kind).
"""

from __future__ import annotations

from forms.model import Record


def amend_question(ref: str) -> str:
    """The one line that asks before an amendment starts."""
    return (
        f"Amend the locked record of case {ref}? A new draft starts from its answers and goes through QA "
        "again; the locked record stays as it is."
    )


def opened_instead(existing: Record) -> str:
    """Said when the case's open record is opened in place of a second one."""
    return (
        f"Case {existing.case_ref} already has an open {existing.kind} ({existing.status}, started "
        f"{existing.created_at[:10]} by {existing.author}); it is opened instead of a second one."
    )


def not_amendable(status: str) -> str:
    """Said when the record in question is not locked yet."""
    return (
        f"Only a locked record is amended; this one is {status}, so it is changed as it is "
        "(a submitted one once it is returned)."
    )

"""Sign-off steps carried into the store: submit a record for QA, and save a QA assessor's decision.

The rules themselves (who may do what, how many countersignatures) are in
`forms.record.signoff`; this module applies them to a store: the status step,
with the grades and comments given, in one store call that records them (and
the countersignature the step adds) under the person who took it.  A record's
own save never carries a sign-off: the store keeps them in tables of their own.
"""

from __future__ import annotations

import dataclasses

from forms.model import AssessmentForm, Record, Rubric
from forms.record.signoff import (
    Decision,
    SignoffRefused,
    approve_refusal,
    return_refusal,
    status_after_signing,
)
from storage.store import Store


def submit(store: Store, record: Record, user: str) -> Record:
    """Send a saved record to QA."""
    return store.transition(record.id, "submitted", user)


def decide(
    store: Store,
    record: Record,
    decision: Decision,
    *,
    user: str,
    role: str,
    rubric: Rubric | None,
    form: AssessmentForm,
) -> Record:
    """Return the record, or countersign it (locking when complete), with the grades and comments given.

    Raises `SignoffRefused` when the rules forbid the step, `StoreError` when the store refuses it.
    """
    given = {g.criterion for g in decision.grades}
    grades = [g for g in record.grades if g.criterion not in given] + list(decision.grades)
    updated = dataclasses.replace(record, grades=grades, comments=[*record.comments, *decision.comments])
    note, given_grades, comments = decision.note, decision.grades, decision.comments
    if decision.action == "return":
        if refusal := return_refusal(updated, user, role):
            raise SignoffRefused(refusal)
        return store.transition(
            record.id, "returned", user, comment=note, grades=given_grades, comments=comments
        )
    if refusal := approve_refusal(rubric, form, updated, user, role):
        raise SignoffRefused(refusal)
    to = status_after_signing(rubric, form, record)
    if to == "locked" and record.status == "submitted":
        return store.approve_and_lock(record.id, user, comment=note, grades=given_grades, comments=comments)
    return store.transition(record.id, to, user, comment=note, grades=given_grades, comments=comments)

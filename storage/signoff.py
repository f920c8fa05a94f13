"""Sign-off steps carried into the store: submit a record for QA, and save a QA assessor's decision.

The rules themselves (who may do what, how many countersignatures) are in
`forms.record.signoff`; this module applies them to a store in the order the
audit trail needs: grades, comments and signatures are saved with the record,
then its status moves on, each step under the person who took it.
"""

from __future__ import annotations

import dataclasses

from forms.model import AssessmentForm, Record, Rubric, Signature
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
    now: str,
    rubric: Rubric | None,
    form: AssessmentForm,
) -> Record:
    """Save the grades and comments, then return the record, or countersign it (locking when complete).

    Raises `SignoffRefused` when the rules forbid the step, `StoreError` when the store refuses it.
    """
    given = {g.criterion for g in decision.grades}
    grades = [g for g in record.grades if g.criterion not in given] + list(decision.grades)
    updated = dataclasses.replace(record, grades=grades, comments=[*record.comments, *decision.comments])
    if decision.action == "return":
        if refusal := return_refusal(updated, user, role):
            raise SignoffRefused(refusal)
        saved = store.save_record(updated, user, risk_path=form.risk_level)
        return store.transition(saved.id, "returned", user, comment=decision.note)
    if refusal := approve_refusal(rubric, form, updated, user, role):
        raise SignoffRefused(refusal)
    to = status_after_signing(rubric, form, record)
    updated.signatures = [*record.signatures, Signature(by=user, on=now)]
    saved = store.save_record(updated, user, risk_path=form.risk_level)
    if to == "locked" and saved.status == "submitted":
        return store.approve_and_lock(saved.id, user, comment=decision.note)
    return store.transition(saved.id, to, user, comment=decision.note)

"""Sign-off steps carried into the store: submit a record for QA, and save a QA assessor's decision.

The rules themselves (who may do what, how many countersignatures) are in
`forms.record.signoff`; this module applies them to a store: the status step,
with the grades and comments given, in one store call that records them (and
the countersignature the step adds) under the person who took it.  A record's
own save never carries a sign-off: the store keeps them in tables of their own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime

from forms.checks.findings import Finding
from forms.model import AssessmentForm, Record, Rubric
from forms.record.overrides import acknowledged, audit_text, current_overrides, unacknowledged, unexplained
from forms.record.signoff import (
    Decision,
    SignoffRefused,
    approve_refusal,
    return_refusal,
    status_after_signing,
)
from storage.store import Store


def submit(store: Store, record: Record, user: str, findings: Sequence[Finding] = ()) -> Record:
    """Send a saved record to QA: refused while an automatic check fails with no reason given for it.

    `findings` are what the rubric's automatic checks find in `record` now;
    each needs an override with the practitioner's reason
    (`forms.record.overrides.with_reasons`).  The reasons are saved with the
    record and kept in the audit trail with the submission.
    """
    if missing := unexplained(findings, record):
        count = len(missing)
        raise SignoffRefused(
            f"{count} automatic check{'s' if count != 1 else ''} still fail{'' if count != 1 else 's'}: "
            f"{missing[0].message} Fix it, or give a short reason for submitting it as it is."
        )
    overrides = current_overrides(findings, record)
    if overrides != record.overrides:
        record = store.save_record(dataclasses.replace(record, overrides=overrides), user)
    return store.transition(record.id, "submitted", user, comment=audit_text(overrides))


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
    if pending := unacknowledged(record):
        if not decision.acknowledge_overrides:
            count = len(pending)
            raise SignoffRefused(
                f"{count} check{'s were' if count != 1 else ' was'} submitted past with a reason: "
                f"read and acknowledge each before countersigning (first: {pending[0].message} — "
                f"{pending[0].reason})."
            )
        now = datetime.now(UTC).isoformat(timespec="seconds")
        record = store.save_record(acknowledged(record, by=user, on=now), user)
        note = "; ".join(filter(None, [note, "acknowledged " + audit_text(pending)]))
    to = status_after_signing(rubric, form, record)
    if to == "locked" and record.status == "submitted":
        return store.approve_and_lock(record.id, user, comment=note, grades=given_grades, comments=comments)
    return store.transition(record.id, to, user, comment=note, grades=given_grades, comments=comments)

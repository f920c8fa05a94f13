"""The QA queue's rows: records waiting for a QA assessor other than their author, longest waiting first.

Read from the store for the QA queue screen; what each record waits for is
said by `forms.record.signoff.waiting_for`.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.definition.registry import Registry
from forms.model import Record, Rubric
from forms.record.signoff import waiting_for
from storage.kept_forms import RecordForms, companions
from storage.store import Store

QUEUED: tuple[str, ...] = ("submitted", "approved")
"""Statuses that wait for a QA assessor: a first, or a second, countersignature."""


@dataclass(frozen=True)
class QueueRow:
    """One record in the queue, the name of the person it is about, and what it waits for in words."""

    record: Record
    name: str
    waiting: str


def queue_rows(store: Store, registry: Registry | None, user: str) -> list[QueueRow]:
    """Records waiting for a QA assessor other than their author, longest waiting first.

    `user`'s own records are left out (nobody signs off their own work), and
    so are approved ones `user` countersigned already (the second is someone else's).
    """
    records = [r for status in QUEUED for r in store.list_records(status) if r.author != user]
    records.sort(key=lambda r: r.updated_at)
    rows = []
    forms = RecordForms(registry, store) if registry else None
    rubrics: dict[tuple[str, str], Rubric | None] = {}
    for record in records:
        form = forms.get(record) if forms else None
        if registry and form and (form.id, form.version) not in rubrics:
            rubrics[form.id, form.version] = companions(registry, store, form)[1]
        rubric = rubrics.get((form.id, form.version)) if form else None
        if record.status == "approved" and user in {s.by for s in record.signatures}:
            continue
        waiting = waiting_for(rubric, form, record) if form else record.status
        rows.append(QueueRow(record, store.get_case(record.case_ref).name, waiting))
    return rows

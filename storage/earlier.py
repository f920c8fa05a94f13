"""The answers of the earlier record a review or amendment starts from, for ``previous.`` names.

A rubric rule may read last time's answers (``previous.rosh.level``, see
docs/forms.md, "Conditions"); every place that judges a record for real
fetches them here, in one way, and hands them to `run_checks` or
`short_refusals`.  A first assessment has none, so its ``previous.`` names
are unanswered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.conditions.visibility import NOTHING
from forms.model import Record
from storage.store import NotFoundError, Store


def earlier_record(store: Store, record: Record) -> Record | None:
    """The record `record` reviews or amends, as stored; None when it does neither or that record is gone."""
    earlier = record.reviews or record.amends
    if not earlier:
        return None
    try:
        return store.get_record(earlier)
    except NotFoundError:
        return None


def earlier_answers(store: Store, record: Record) -> Mapping[str, Any]:
    """The answers of the record `record` reviews or amends, as `previous.` names read them (none if none)."""
    earlier = earlier_record(store, record)
    return earlier.answers if earlier is not None else NOTHING

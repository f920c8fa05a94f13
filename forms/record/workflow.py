"""The status workflow of a record: which status may follow which.

A rule of the record, kept apart from any engine so it is written once: the
store asks `allowed_next` before it writes (and refuses otherwise), and the UI
asks it to offer only the actions that will succeed.
"""

from __future__ import annotations

from collections.abc import Sequence

from forms.model import Record

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted",),
    "submitted": ("returned", "approved"),
    "returned": ("submitted",),
    "approved": ("locked",),
    "locked": (),
}
"""draft → submitted for QA → returned (with comments) or approved (countersigned) → locked."""

OPEN: tuple[str, ...] = ("draft", "submitted", "returned")
"""Statuses of a record still being worked on: a case has at most one such record of each kind."""

REVIEWABLE: tuple[str, ...] = ("approved", "locked")
"""Statuses a review may build on: the record was countersigned."""

AMENDABLE = "locked"
"""The status an amendment starts from: the record is final, so a correction is a new draft that points
at it (before the lock, the record is still edited, or returned, as it is)."""


def allowed_next(status: str) -> tuple[str, ...]:
    """The statuses a record in `status` may move to."""
    return TRANSITIONS.get(status, ())


def to_amend(records: Sequence[Record]) -> Record | None:
    """The record an amendment of a case starts from: its latest locked one (`records` oldest first)."""
    return next((record for record in reversed(records) if record.status == AMENDABLE), None)

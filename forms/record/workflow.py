"""The status workflow of a record: which status may follow which.

A rule of the record, kept apart from any engine so it is written once: the
store asks `allowed_next` before it writes (and refuses otherwise), and the UI
asks it to offer only the actions that will succeed.
"""

from __future__ import annotations

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


def allowed_next(status: str) -> tuple[str, ...]:
    """The statuses a record in `status` may move to."""
    return TRANSITIONS.get(status, ())

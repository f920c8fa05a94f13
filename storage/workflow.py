"""The status workflow of a record: which status may follow which.

Kept apart from any engine so the rule is written once: every engine asks
`check_transition` before it writes, and the UI can ask `allowed_next` to
offer only the actions that will succeed.
"""

from __future__ import annotations

from storage.store import InvalidTransitionError

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted",),
    "submitted": ("returned", "approved"),
    "returned": ("submitted",),
    "approved": ("locked",),
    "locked": (),
}
"""draft → submitted for QA → returned (with comments) or approved (countersigned) → locked."""

REVIEWABLE: tuple[str, ...] = ("approved", "locked")
"""Statuses a review may build on: the record was countersigned."""


def allowed_next(status: str) -> tuple[str, ...]:
    """The statuses a record in `status` may move to."""
    return TRANSITIONS.get(status, ())


def check_transition(from_status: str, to_status: str) -> None:
    """Raise `InvalidTransitionError` unless `from_status` → `to_status` is a step of the workflow."""
    if to_status not in allowed_next(from_status):
        raise InvalidTransitionError(from_status, to_status, allowed_next(from_status))

"""Submitting past a failing automatic check: the practitioner's reason, QA's acknowledgement, the audit line.

A failing check blocks submission unless the practitioner says, in a few
words, why the record should go to QA as it is.  The reason is kept on the
record beside the finding it answers (QA reads them side by side), goes
into the audit trail with the submission, and a QA assessor acknowledges
each one before countersigning.  A finding is known by its criterion,
check kind, place and text, so a reason answers exactly the finding it was
written for: once the record changes and the finding reads differently,
the old reason no longer covers it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from forms.checks.findings import Finding
from forms.model import Override, Record

MIN_REASON_WORDS = 3
"""Fewest words that count as a reason: enough to say why, not a box to tick."""


def finding_key(finding: Finding) -> str:
    """What identifies a finding across saves: criterion, kind, place and wording."""
    return "|".join((finding.criterion, finding.kind, finding.path, finding.message))


def reason_problem(reason: str) -> str | None:
    """Why a reason is not enough (one line for a person), or None."""
    if len(reason.split()) < MIN_REASON_WORDS:
        return f"say why in {MIN_REASON_WORDS} words or more"
    return None


def unexplained(findings: Iterable[Finding], record: Record) -> list[Finding]:
    """The findings no override of the record answers (each blocks submission)."""
    covered = {o.key for o in record.overrides if not reason_problem(o.reason)}
    return [f for f in findings if finding_key(f) not in covered]


def current_overrides(findings: Iterable[Finding], record: Record) -> list[Override]:
    """The overrides that still answer a finding; a fixed finding's reason is dropped with it."""
    keys = {finding_key(f) for f in findings}
    return [o for o in record.overrides if o.key in keys]


def with_reasons(record: Record, reasons: Sequence[tuple[Finding, str]], *, by: str, on: str) -> Record:
    """`record` with an override for each (finding, reason), replacing any earlier one for that finding.

    A blank reason takes the finding's override away; a reason as it was
    keeps its override (and who wrote it, and when) unchanged.
    """
    earlier = {o.key: o.reason for o in record.overrides}
    given: dict[str, Override | None] = {}
    for finding, reason in reasons:
        key, text = finding_key(finding), reason.strip()
        if not text:
            given[key] = None
        elif earlier.get(key) != text:
            given[key] = Override(key, finding.message, finding.path, text, by, on)
    in_place = [given.pop(o.key, o) for o in record.overrides]
    overrides = [o for o in [*in_place, *given.values()] if o is not None]
    return dataclasses.replace(record, overrides=overrides)


def overrides_by_key(record: Record) -> dict[str, Override]:
    """The record's overrides by the key of the finding each answers (to show a reason beside its finding)."""
    return {o.key: o for o in record.overrides}


def unacknowledged(record: Record) -> list[Override]:
    """Overrides no QA assessor has acknowledged yet."""
    return [o for o in record.overrides if not o.acknowledged_by]


def acknowledged(record: Record, *, by: str, on: str) -> Record:
    """`record` with every override acknowledged by `by` (a QA assessor, at countersigning)."""
    overrides = [
        o if o.acknowledged_by else dataclasses.replace(o, acknowledged_by=by, acknowledged_on=on)
        for o in record.overrides
    ]
    return dataclasses.replace(record, overrides=overrides)


def audit_line(override: Override) -> str:
    """How the audit trail keeps one override: "check overridden: finding — reason"."""
    return f"check overridden: {override.message} — {override.reason}"


WITHHELD_REASON = "the reason is not included in this copy"
"""Said in a copy for the person in place of a reason given for a check on a withheld answer."""


def withheld_line(override: Override) -> str:
    """`audit_line` as a copy for the person shows it when the check is about a withheld answer."""
    return f"check overridden: {override.message} — {WITHHELD_REASON}"


def audit_text(overrides: Sequence[Override]) -> str:
    """The audit comment that keeps each override (`audit_line`), one after another."""
    return "; ".join(audit_line(o) for o in overrides)


def acknowledgement_refusal(saved: Record, stored: Record, actor: str) -> str | None:
    """Why `actor` may not save `saved`'s acknowledgements over `stored`'s, or None.

    An acknowledgement is a QA assessor's word, so a save may add one only
    in the saving person's own name, and never the author's; one already
    given stays as it was.  (The author may still drop an override, by fixing its check.)
    """
    before = {o.key: (o.acknowledged_by, o.acknowledged_on) for o in stored.overrides}
    for override in saved.overrides:
        was = before.get(override.key, ("", ""))
        if (override.acknowledged_by, override.acknowledged_on) == was:
            continue
        if was[0] or override.acknowledged_by != actor or actor == stored.author:
            return (
                f"Only a QA assessor acknowledges a reason for a check submitted past, in their own name "
                f"(“{override.message}”). Nothing was saved."
            )
    return None


FROZEN_WHILE = ("submitted", "approved")
"""Statuses in which the reasons stay as given at submission (only their acknowledgements are added)."""


def _as_given(record: Record) -> list[tuple[str, str, str, str, str, str]]:
    return sorted((o.key, o.message, o.path, o.reason, o.by, o.on) for o in record.overrides)


def reasons_change_refusal(saved: Record, stored: Record) -> str | None:
    """Why a save may not change `stored`'s reasons, or None: QA judged the record with them as given."""
    if stored.status in FROZEN_WHILE and _as_given(saved) != _as_given(stored):
        return (
            "The reasons given for submitting past a failing check stay as they were submitted until the "
            "record is returned. Nothing was saved."
        )
    return None


def step_refusal(record: Record, to_status: str) -> str | None:
    """Why `record` may not take this status step for its reasons, or None.

    Held by the store (both engines) and by a team database, so a script
    cannot submit a reason that is no reason, nor countersign past one
    nobody read.  Which checks fail is the app's to say: the store does
    not run them.
    """
    if to_status == "submitted":
        for override in record.overrides:
            if reason_problem(override.reason) or override.by != record.author:
                return (
                    f"Each reason for submitting past a failing check is the author's, in "
                    f"{MIN_REASON_WORDS} words or more (“{override.message}”)."
                )
    if to_status in ("approved", "locked") and (pending := unacknowledged(record)):
        return (
            f"A reason for submitting past a failing check waits to be acknowledged before the record is "
            f"countersigned (“{pending[0].message}”)."
        )
    return None

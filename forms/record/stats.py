"""Workload evidence: how long assessments really take, per form and kind of record.

Pure arithmetic over one `RecordFacts` per record, so the figures are the
same whichever store they came from and whether the CLI or the app shows
them.  Quartiles use the inclusive method (the median of one value is that
value, and the quartiles of two values lie between them), so small teams
get figures a person can check by hand.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

KIND_NAMES: dict[str, str] = {"assessment": "new assessment", "review": "review", "short": "short"}


@dataclass(frozen=True)
class RecordFacts:
    """What the statistics need to know about one record."""

    form_id: str
    kind: str
    started: date
    """The case's start for a new or short assessment; the day the review began for a review."""
    active_seconds: int
    words: int
    returns: int
    """Times QA returned it to its author."""
    approved: bool
    """Whether it has been countersigned at least once."""
    completed: date | None = None
    """The day it locked (countersigned in full), or None while it is still open."""
    due: date | None = None


@dataclass(frozen=True)
class Spread:
    """Median and quartiles of some figures."""

    q1: float
    median: float
    q3: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread | None:
        if not values:
            return None
        if len(values) == 1:
            return cls(values[0], values[0], values[0])
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
        return cls(q1, median, q3)


@dataclass(frozen=True)
class GroupStats:
    """The figures for one form and kind of record."""

    form_id: str
    kind: str
    count: int
    minutes: Spread | None
    """Active writing minutes per record."""
    words: Spread | None
    approved: int
    approved_first_time: int
    """Approved without ever being returned."""
    returns: int
    completed: int
    days: Spread | None
    """Calendar days from start to completion, over completed records."""
    on_time: int
    """Completed records completed on or before their due date."""
    with_due: int
    """Completed records that had a due date."""

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def first_time_share(self) -> float | None:
        """Share of approved records approved first time (None when none is approved)."""
        return self.approved_first_time / self.approved if self.approved else None

    @property
    def returns_per_record(self) -> float:
        return self.returns / self.count if self.count else 0.0

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_due if self.with_due else None


def workload(facts: Iterable[RecordFacts], since: date | None = None) -> list[GroupStats]:
    """One `GroupStats` per form and kind, for records started on or after `since`, by form then kind."""
    groups: dict[tuple[str, str], list[RecordFacts]] = {}
    for fact in facts:
        if since is None or fact.started >= since:
            groups.setdefault((fact.form_id, fact.kind), []).append(fact)
    order = list(KIND_NAMES)
    keys = sorted(groups, key=lambda k: (k[0], order.index(k[1]) if k[1] in order else len(order), k[1]))
    return [_group(form_id, kind, groups[(form_id, kind)]) for form_id, kind in keys]


def _group(form_id: str, kind: str, facts: list[RecordFacts]) -> GroupStats:
    done = [f for f in facts if f.completed is not None]
    dated = [f for f in done if f.due is not None]
    approved = [f for f in facts if f.approved]
    return GroupStats(
        form_id=form_id,
        kind=kind,
        count=len(facts),
        minutes=Spread.of([f.active_seconds / 60 for f in facts]),
        words=Spread.of([float(f.words) for f in facts]),
        approved=len(approved),
        approved_first_time=sum(f.returns == 0 for f in approved),
        returns=sum(f.returns for f in facts),
        completed=len(done),
        days=Spread.of([float((f.completed - f.started).days) for f in done if f.completed]),
        on_time=sum(f.completed <= f.due for f in dated if f.completed and f.due),
        with_due=len(dated),
    )


def minutes_over_time(facts: Iterable[RecordFacts]) -> list[tuple[date, float]]:
    """Active minutes of each completed record by completion day, oldest first (for the app's chart)."""
    done = sorted((f for f in facts if f.completed is not None), key=lambda f: (f.completed, f.started))
    return [(f.completed, f.active_seconds / 60) for f in done if f.completed is not None]

"""The Store interface: cases, records, workflow, audit and concurrency, run once per engine."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from forms.model import Agreement, Case, Deadlines, Objective, Record, Step
from forms.record.codec import case_from_dict, case_to_dict, record_from_dict, record_to_dict
from forms.record.deadlines import initial_due, next_review
from forms.record.workflow import TRANSITIONS
from storage.store import (
    DuplicateError,
    InvalidTransitionError,
    LockedRecordError,
    NotFoundError,
    NotLockedError,
    ReasonRequiredError,
    StaleVersionError,
    Store,
)
from tests.conftest import Clock

DEADLINES = Deadlines(initial_working_days=10, review_weeks=16)
RISK = "rosh.level"


def new_case(store: Store, ref: str = "C-001", start: str = "2025-02-03", owner: str = "sam") -> Case:
    return store.create_case(Case(ref=ref, name="Alex Morgan", start=start, owner=owner), DEADLINES)


def new_record(store: Store, ref: str = "C-001", author: str = "sam") -> Record:
    record = Record(
        id="",
        case_ref=ref,
        form_id="a4-assessment",
        form_version="1.0.0",
        answers={"accommodation.analysis": "Staying with a friend for now.", RISK: "medium"},
        plan=[Objective(id="o1", goal="Move into a settled home", steps=[Step(what="Housing referral")])],
    )
    return store.create_record(record, author)


def record_in(store: Store, status: str) -> Record:
    """A fresh record walked along the workflow to `status`."""
    path = {
        "draft": [],
        "submitted": ["submitted"],
        "returned": ["submitted", "returned"],
        "approved": ["submitted", "approved"],
        "locked": ["submitted", "approved", "locked"],
    }[status]
    ref = f"C-{status}"
    new_case(store, ref)
    record = new_record(store, ref)
    for to in path:
        record = store.transition(record.id, to, who_moves(to))
    return record


def who_moves(to_status: str) -> str:
    """The author submits; a QA assessor returns, approves and locks."""
    return "sam" if to_status == "submitted" else "qa.kim"


# ---------------------------------------------------------------- cases


def test_a_new_case_gets_its_initial_due_date_from_the_deadlines(store: Store) -> None:
    case = store.create_case(
        Case(ref="C-1", name="Alex Morgan", start="2025-02-03", owner="sam", initial_due="1999-01-01"),
        DEADLINES,
    )
    assert case.initial_due == initial_due(date(2025, 2, 3), DEADLINES).isoformat()
    assert store.get_case("C-1") == case


def test_a_case_reference_is_unique(store: Store) -> None:
    new_case(store)
    with pytest.raises(DuplicateError):
        new_case(store)


def test_a_missing_case_is_reported_by_reference(store: Store) -> None:
    with pytest.raises(NotFoundError, match="C-404"):
        store.get_case("C-404")


def test_moving_the_start_date_moves_the_initial_due_date(store: Store) -> None:
    case = new_case(store)
    case.start = "2025-04-01"
    case.name = "Alex J. Morgan"
    updated = store.update_case(case)
    assert updated.name == "Alex J. Morgan"
    assert updated.initial_due == initial_due(date(2025, 4, 1), DEADLINES).isoformat()


def test_the_caseload_shows_latest_status_words_and_time_soonest_due_first(store: Store) -> None:
    new_case(store, "C-late", start="2025-01-06")
    new_case(store, "C-soon", start="2025-02-24", owner="jo")
    new_case(store, "C-empty", start="2025-03-03")
    first = new_record(store, "C-late")
    first.active_seconds = 600
    first.words = {"offence": 30, "accommodation": 12}
    store.save_record(first, "sam")
    summaries = store.list_cases()
    assert [s.ref for s in summaries] == ["C-late", "C-soon", "C-empty"]
    late = summaries[0]
    assert (late.status, late.words, late.active_seconds) == ("draft", 42, 600)
    assert summaries[2].status is None
    assert [s.ref for s in store.list_cases(owner="jo")] == ["C-soon"]


def test_an_approved_record_sets_the_next_review_date(store: Store, clock: Clock) -> None:
    record = record_in(store, "submitted")
    assert store.list_cases()[0].due == store.get_case(record.case_ref).initial_due
    store.transition(record.id, "approved", "qa.kim")
    expected = next_review(clock.now.date(), DEADLINES).isoformat()
    assert store.get_case(record.case_ref).next_review == expected
    assert store.list_cases()[0].due == expected


# ---------------------------------------------------------------- records


def test_a_saved_record_reads_back_whole(store: Store) -> None:
    new_case(store)
    record = new_record(store)
    record.answers["evidence.sources"] = [{"kind": "interview", "date": "2025-02-10", "author": "Sam"}]
    record.agreement = Agreement(choice="agreed", comment="Happy with the plan", on="2025-03-03")
    record.active_seconds = 95
    saved = store.save_record(record, "sam")
    assert saved.version == record.version + 1
    assert store.get_record(record.id) == saved
    assert saved.answers["evidence.sources"][0]["kind"] == "interview"
    assert saved.plan[0].steps[0].what == "Housing referral"
    assert store.latest_record("C-001") == saved
    assert store.records_for_case("C-001") == [saved]


def test_a_new_record_starts_as_a_version_1_draft_by_its_author(store: Store) -> None:
    new_case(store)
    record = new_record(store, author="sam")
    assert (record.status, record.version, record.author) == ("draft", 1, "sam")
    assert record.id and record.created_at


def test_a_record_needs_an_existing_case(store: Store) -> None:
    with pytest.raises(NotFoundError, match="C-404"):
        new_record(store, "C-404")


def test_a_case_without_records_has_no_latest_record(store: Store) -> None:
    new_case(store)
    assert store.latest_record("C-001") is None


def test_the_record_codec_round_trips(store: Store) -> None:
    new_case(store)
    record = new_record(store)
    record.agreement = Agreement(choice="does_not_agree", comment="Wants a different hostel")
    assert record_from_dict(record_to_dict(record)) == record
    case = store.get_case("C-001")
    assert case_from_dict(case_to_dict(case)) == case
    with pytest.raises(ValueError, match="case_ref"):
        record_from_dict({"id": "x", "form_id": "f", "form_version": "1"})


# ---------------------------------------------------------------- workflow

STATUSES = tuple(TRANSITIONS)
VALID = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
INVALID = [(a, b) for a, b in itertools.product(STATUSES, STATUSES) if (a, b) not in VALID]


@pytest.mark.parametrize(("from_status", "to_status"), VALID)
def test_every_valid_transition_is_accepted_and_audited(
    store: Store, clock: Clock, from_status: str, to_status: str
) -> None:
    record = record_in(store, from_status)
    moved = store.transition(record.id, to_status, who_moves(to_status), comment="checked")
    assert moved.status == to_status
    assert store.get_record(record.id).status == to_status
    last = store.audit_trail(record.id)[-1]
    assert (last.kind, last.actor, last.old, last.new, last.reason) == (
        "status",
        who_moves(to_status),
        from_status,
        to_status,
        "checked",
    )
    assert last.at == clock.now.isoformat(timespec="seconds")


@pytest.mark.parametrize(("from_status", "to_status"), INVALID)
def test_every_invalid_transition_is_refused_naming_the_allowed_ones(
    store: Store, from_status: str, to_status: str
) -> None:
    record = record_in(store, from_status)
    before = store.audit_trail(record.id)
    with pytest.raises(InvalidTransitionError) as raised:
        store.transition(record.id, to_status, who_moves(to_status))
    message = str(raised.value)
    assert from_status in message and to_status in message
    for allowed in TRANSITIONS[from_status]:
        assert allowed in message
    assert store.get_record(record.id).status == from_status
    assert store.audit_trail(record.id) == before


def test_approve_and_lock_is_two_audited_steps(store: Store) -> None:
    record = record_in(store, "submitted")
    locked = store.approve_and_lock(record.id, "qa.kim")
    assert locked.status == "locked"
    assert [(e.old, e.new) for e in store.audit_trail(record.id)[-2:]] == [
        ("submitted", "approved"),
        ("approved", "locked"),
    ]


def test_a_transition_makes_an_open_copy_stale(store: Store) -> None:
    record = record_in(store, "draft")
    store.transition(record.id, "submitted", "sam")
    with pytest.raises(StaleVersionError):
        store.save_record(record, "sam")


# ---------------------------------------------------------------- locked records and amendments


def test_a_locked_record_is_never_modified(store: Store) -> None:
    locked = record_in(store, "locked")
    locked.answers["accommodation.analysis"] = "Changed after countersigning."
    with pytest.raises(LockedRecordError):
        store.save_record(locked, "sam")
    assert store.get_record(locked.id).answers["accommodation.analysis"] == "Staying with a friend for now."


def test_an_amendment_is_a_new_draft_pointing_at_the_locked_record(store: Store) -> None:
    locked = record_in(store, "locked")
    amendment = store.amend(locked.id, "sam")
    assert amendment.id != locked.id
    assert (amendment.status, amendment.amends, amendment.version) == ("draft", locked.id, 1)
    assert amendment.answers == locked.answers
    assert amendment.plan == locked.plan
    amendment.answers["accommodation.analysis"] = "Corrected: staying with a cousin."
    store.save_record(amendment, "sam")
    assert store.get_record(locked.id).answers == locked.answers
    assert store.latest_record(locked.case_ref).id == amendment.id


def test_only_a_locked_record_is_amended(store: Store) -> None:
    draft = record_in(store, "approved")
    with pytest.raises(NotLockedError, match="approved"):
        store.amend(draft.id, "sam")


# ---------------------------------------------------------------- reviews


def test_a_review_links_to_the_last_countersigned_record_and_copies_it(store: Store) -> None:
    approved = record_in(store, "approved")
    review = store.start_review(approved.case_ref, "sam")
    assert (review.kind, review.reviews, review.status) == ("review", approved.id, "draft")
    assert review.answers == approved.answers
    assert review.plan == approved.plan
    assert review.active_seconds == 0


def test_a_review_needs_a_countersigned_record(store: Store) -> None:
    submitted = record_in(store, "submitted")
    with pytest.raises(NotFoundError, match="no approved record"):
        store.start_review(submitted.case_ref, "sam")


# ---------------------------------------------------------------- risk level audit


def test_the_author_changing_the_risk_level_is_audited(store: Store, clock: Clock) -> None:
    record = record_in(store, "draft")
    record.answers[RISK] = "high"
    store.save_record(record, "sam", risk_path=RISK)
    event = store.audit_trail(record.id)[-1]
    assert (event.kind, event.actor, event.field, event.old, event.new) == (
        "risk_level",
        "sam",
        RISK,
        "medium",
        "high",
    )
    assert event.at == clock.now.isoformat(timespec="seconds")


def test_someone_else_changing_the_risk_level_must_give_a_reason(store: Store) -> None:
    record = record_in(store, "submitted")
    record.answers[RISK] = "very_high"
    record.answers["accommodation.analysis"] = "Edited by QA."
    before = store.get_record(record.id)
    with pytest.raises(ReasonRequiredError, match="reason"):
        store.save_record(record, "qa.kim", risk_path=RISK)
    assert store.get_record(record.id) == before
    saved = store.save_record(record, "qa.kim", risk_path=RISK, reason="New police information")
    event = store.audit_trail(record.id)[-1]
    assert (event.actor, event.old, event.new, event.reason) == (
        "qa.kim",
        "medium",
        "very_high",
        "New police information",
    )
    assert saved.answers[RISK] == "very_high"


def test_an_unchanged_risk_level_adds_no_audit_entry(store: Store) -> None:
    record = record_in(store, "draft")
    before = len(store.audit_trail(record.id))
    record.answers["accommodation.analysis"] = "More detail."
    store.save_record(record, "qa.kim", risk_path=RISK)
    assert len(store.audit_trail(record.id)) == before


def test_clearing_the_risk_level_is_audited(store: Store) -> None:
    record = record_in(store, "draft")
    del record.answers[RISK]
    store.save_record(record, "sam", risk_path=RISK)
    event = store.audit_trail(record.id)[-1]
    assert (event.old, event.new) == ("medium", None)


def test_the_audit_trail_offers_no_way_to_change_it(store: Store) -> None:
    public = {name for name in dir(store) if not name.startswith("_")}
    assert not {n for n in public if "audit" in n} - {"audit_trail"}


# ---------------------------------------------------------------- concurrency


def test_a_stale_save_is_refused_and_both_texts_survive(open_store: Callable[[], Store]) -> None:
    window_a, window_b = open_store(), open_store()
    new_case(window_a)
    record = new_record(window_a)
    copy_a = window_a.get_record(record.id)
    copy_b = window_b.get_record(record.id)
    copy_a.answers["accommodation.analysis"] = "Window A's words."
    window_a.save_record(copy_a, "sam")
    copy_b.answers["accommodation.analysis"] = "Window B's words."
    with pytest.raises(StaleVersionError) as raised:
        window_b.save_record(copy_b, "sam")
    assert raised.value.stored.answers["accommodation.analysis"] == "Window A's words."
    assert copy_b.answers["accommodation.analysis"] == "Window B's words."
    assert "changed elsewhere" in str(raised.value)
    assert window_b.get_record(record.id).answers["accommodation.analysis"] == "Window A's words."
    copy_b.version = raised.value.stored.version
    merged = window_b.save_record(copy_b, "sam")
    assert window_a.get_record(record.id) == merged


def test_timestamps_follow_the_clock(store: Store, clock: Clock) -> None:
    record = record_in(store, "draft")
    clock.now += timedelta(minutes=5)
    saved = store.save_record(record, "sam")
    assert saved.created_at < saved.updated_at == clock.now.isoformat(timespec="seconds")


def test_the_first_page_of_the_caseload_is_the_start_of_the_whole_list(store: Store) -> None:
    for day, ref in enumerate(["P-3", "P-1", "P-4", "P-2", "P-5"], start=1):
        new_case(store, ref, start=f"2025-01-{day:02d}", owner="jo" if ref == "P-4" else "sam")
    everything = [s.ref for s in store.list_cases()]
    assert [s.ref for s in store.list_cases(limit=3)] == everything[:3]
    assert [s.ref for s in store.list_cases(limit=50)] == everything
    mine = [s.ref for s in store.list_cases(owner="sam")]
    assert [s.ref for s in store.list_cases(owner="sam", limit=2)] == mine[:2]

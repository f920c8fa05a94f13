"""Reviews without a screen: carrying forward, what still needs a look, word diffs, the summary, the store."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from forms.definition.registry import load_registry
from forms.model import AssessmentForm, Case, Deadlines, Objective, PlanTemplate, ProgressNote, Record
from forms.record.deadlines import next_review
from forms.record.plan import is_overdue, mark_progress, new_objective_id
from forms.record.review import (
    carry_forward,
    diff_text,
    review_summary,
    section_changed,
    section_diff,
    unconfirmed_sections,
    word_diff,
)
from storage.store import Store


@pytest.fixture(scope="module")
def shipped() -> tuple[AssessmentForm, PlanTemplate | None]:
    registry, errors = load_registry([])
    assert not errors
    form = registry.assessment("a4-assessment")
    assert form is not None
    return form, registry.plan_for(form.id)


def last_time() -> Record:
    return Record(
        id="r1",
        case_ref="AB123",
        form_id="a4-assessment",
        form_version="1.0.0",
        answers={
            "accommodation.linked_offending": "no",
            "accommodation.linked_harm": "no",
            "accommodation.strengths": "A flat with my sister",
            "finance.linked_offending": "yes",
            "finance.linked_harm": "no",
            "alcohol.linked_offending": "yes",
            "rosh.level": "medium",
        },
        plan=[
            Objective(
                id="o1",
                goal="I will get my benefits sorted",
                areas=["finance"],
                status="in_progress",
                progress=[ProgressNote(on="2026-01-10", status="in_progress", note="Form sent")],
            ),
            Objective(id="o2", goal="I will cut down my drinking", areas=["alcohol"]),
        ],
        status="approved",
        updated_at="2026-02-02T10:00:00+00:00",
    )


def test_carry_forward_copies_everything_and_marks_where_it_came_from() -> None:
    previous = last_time()
    review = carry_forward(previous, "r2", author="pat")
    assert (review.kind, review.reviews, review.carried_from, review.author) == (
        "review",
        "r1",
        "2026-02-02",
        "pat",
    )
    assert review.answers == previous.answers and review.plan == previous.plan
    assert review.plan[0].progress[0].note == "Form sent"
    review.answers["finance.linked_offending"] = "no"
    review.plan[0].progress.append(ProgressNote(on="2026-03-01", status="done"))
    assert previous.answers["finance.linked_offending"] == "yes"
    assert len(previous.plan[0].progress) == 1


def test_a_section_needs_a_look_until_it_is_confirmed_or_edited() -> None:
    previous = last_time()
    review = carry_forward(previous, "r2")
    sections = ["accommodation", "finance", "alcohol", "rosh"]
    assert unconfirmed_sections(review, previous, sections) == sections
    review.confirmed.append("finance")
    review.answers["accommodation.strengths"] = "A hostel for now"
    assert section_changed(review, previous, "accommodation")
    assert not section_changed(review, previous, "alcohol")
    assert unconfirmed_sections(review, previous, sections) == ["alcohol", "rosh"]
    assert unconfirmed_sections(review, previous) == ["alcohol", "rosh"]  # sections either record answers
    review.answers["accommodation.strengths"] = "A flat with my sister"  # edited back: unchanged again
    assert unconfirmed_sections(review, previous, sections) == ["accommodation", "alcohol", "rosh"]
    assessment = carry_forward(previous, "r3")
    assessment.kind = "assessment"
    assert unconfirmed_sections(assessment, previous, sections) == []


def test_word_diff_marks_words_removed_and_added() -> None:
    pieces = word_diff("I live in a flat with my sister", "I live in a hostel with my sister now")
    assert pieces == [
        ("same", "I live in a"),
        ("removed", "flat"),
        ("added", "hostel"),
        ("same", "with my sister"),
        ("added", "now"),
    ]
    assert diff_text(pieces) == "I live in a [-flat-] {+hostel+} with my sister {+now+}"
    assert word_diff("", "New text") == [("added", "New text")]


def test_section_diff_reads_answers_as_people_do(shipped: tuple[AssessmentForm, PlanTemplate | None]) -> None:
    form, _plan = shipped
    old = last_time().answers
    new = {**old, "accommodation.linked_offending": "yes", "accommodation.strengths": "A hostel"}
    changes = section_diff(form, "accommodation", old, new)
    assert [(c.label, diff_text(c.pieces)) for c in changes] == [
        ("Linked to offending?", "[-No-] {+Yes+}"),
        ("What strengths or protective factors are here?", "A [-flat with my sister-] {+hostel+}"),
    ]


def test_review_summary_lists_risk_areas_and_objectives(
    shipped: tuple[AssessmentForm, PlanTemplate | None],
) -> None:
    form, plan = shipped
    previous = last_time()
    review = carry_forward(previous, "r2")
    review.answers["rosh.level"] = "high"
    review.answers["accommodation.linked_offending"] = "yes"
    review.answers["alcohol.linked_offending"] = "no"
    review.confirmed = ["finance"]
    review.plan[0] = mark_progress(review.plan[0], "done", "Benefits paid", date(2026, 3, 2))
    review.plan.pop(1)
    review.plan.append(Objective(id=new_objective_id(), goal="I will find a flat", areas=["accommodation"]))
    summary = review_summary(previous, review, form, plan)
    assert summary.lines() == [
        "Risk of serious harm: High (was Medium)",
        "Sections changed: Accommodation, Alcohol use, Risk of serious harm summary",
        "Sections confirmed no change: Finance",
        "Linked areas added: Accommodation",
        "Linked areas no longer linked: Alcohol use",
        "Objectives done: I will get my benefits sorted",
        "Objectives added: I will find a flat",
        "Objectives dropped: I will cut down my drinking",
    ]
    assert review.plan[1].id not in {"o1", "o2"}  # never takes a dropped objective's id
    assert [p.note for p in review.plan[0].progress] == ["Form sent", "Benefits paid"]


def test_overdue_means_past_its_date_and_still_open() -> None:
    objective = Objective(id="o1", by="2026-03-01")
    assert is_overdue(objective, date(2026, 3, 2))
    assert not is_overdue(objective, date(2026, 3, 1))
    assert not is_overdue(mark_progress(objective, "done", "", date(2026, 3, 2)), date(2026, 3, 2))
    assert not is_overdue(Objective(id="o2", by="next fri"), date(2026, 3, 2))
    with pytest.raises(ValueError, match="not a progress status"):
        mark_progress(objective, "finished", "", date(2026, 3, 2))


# ---------------------------------------------------------------- with the store


def approved_record(store: Store) -> Record:
    case = Case(ref="AB123", name="Sam Taylor", start="2026-01-05", owner="pat", form_id="a4-assessment")
    store.create_case(case, _deadlines())
    previous = last_time()
    previous.status = "draft"
    record = store.create_record(previous, "pat")
    store.transition(record.id, "submitted", "pat")
    return store.transition(record.id, "approved", "qa.lee")


def _deadlines() -> Deadlines:
    registry, _errors = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    return form.deadlines


def test_start_review_carries_from_the_countersigned_record_and_keeps_confirmations(store: Store) -> None:
    approved = approved_record(store)
    review = store.start_review("AB123", "pat")
    assert review.carried_from == approved.updated_at[:10]
    assert review.plan[0].progress == approved.plan[0].progress
    review.confirmed = ["finance", "alcohol"]
    saved = store.save_record(review, "pat")
    assert store.get_record(saved.id).confirmed == ["finance", "alcohol"]
    assert store.get_record(saved.id).carried_from == approved.updated_at[:10]


def test_approving_a_review_rolls_the_review_date_forward(store: Store, clock: Any) -> None:
    approve_day = clock.now.date()
    approved_record(store)
    assert store.get_case("AB123").next_review == next_review(approve_day, _deadlines()).isoformat()
    review = store.start_review("AB123", "pat")
    store.transition(review.id, "submitted", "pat")
    clock.now = clock.now.replace(month=clock.now.month + 2)
    store.transition(review.id, "approved", "qa.lee")
    rolled = next_review(clock.now.date(), _deadlines())
    assert store.get_case("AB123").next_review == rolled.isoformat()
    assert (rolled - clock.now.date()).days >= 16 * 7

"""The pure sign-off rules: who may do what, and when a second countersignature is needed."""

from __future__ import annotations

from forms.model import Comment, Grade, Record, Signature
from forms.record.signoff import (
    approve_refusal,
    level_change_line,
    needs_second,
    return_refusal,
    status_after_signing,
    submit_blockers,
    submit_refusal,
    ungraded,
    unresolved,
)
from tests.a4_app_harness import shipped_registry
from tests.qa_support import complete_answers

REGISTRY = shipped_registry()
FORM = REGISTRY.assessment("a4-assessment")
RUBRIC = REGISTRY.rubric_for("a4-assessment")
assert FORM is not None and RUBRIC is not None


def rec(level: str = "medium", status: str = "submitted", **fields: object) -> Record:
    return Record(
        id="r",
        case_ref="N",
        form_id=FORM.id,
        form_version=FORM.version,
        answers=complete_answers(FORM, level),
        status=status,
        author="sam",
        **fields,  # type: ignore[arg-type]
    )


def all_grades(by: str = "jo") -> list[Grade]:
    return [Grade(c.id, "Good", "", by) for c in RUBRIC.criteria if c.graded]


def test_only_the_author_submits_a_draft_or_returned_record_with_nothing_missing() -> None:
    assert submit_refusal(rec(status="draft"), "sam") is None
    assert submit_refusal(rec(status="returned"), "sam") is None
    assert "Only the author (sam)" in (submit_refusal(rec(status="draft"), "jo") or "")
    assert "only a draft or returned" in (submit_refusal(rec(status="submitted"), "sam") or "")
    gaps = rec(status="draft")
    del gaps.answers["rosh.reasoning"]
    blockers = submit_blockers(FORM, gaps)
    assert [b.path for b in blockers] == ["rosh.reasoning"]
    assert submit_refusal(gaps, "sam", blockers) == (
        "1 thing to finish before submitting: Risk of serious harm summary: “Why this level?” is required "
        "but not answered"
    )


def test_a_review_is_blocked_by_sections_not_confirmed() -> None:
    blockers = submit_blockers(FORM, rec(status="draft"), unconfirmed=["finance"])
    assert [(b.path, b.message) for b in blockers] == [
        ("finance", "Finance: confirm it is unchanged, or update it")
    ]


def test_reviewers_are_qa_assessors_or_managers_other_than_the_author() -> None:
    assert return_refusal(rec(), "jo", "qa_assessor") is None
    assert "Only a QA assessor or manager" in (return_refusal(rec(), "jo", "practitioner") or "")
    assert "someone else must assess" in (return_refusal(rec(), "sam", "qa_assessor") or "")
    assert "only a submitted record is returned" in (
        return_refusal(rec(status="draft"), "jo", "manager") or ""
    )


def test_every_graded_criterion_is_graded_before_the_first_countersignature() -> None:
    assert ungraded(RUBRIC, rec()) == [c.id for c in RUBRIC.criteria if c.graded]
    assert "Grade every criterion first" in (approve_refusal(RUBRIC, FORM, rec(), "jo", "qa_assessor") or "")
    assert approve_refusal(RUBRIC, FORM, rec(grades=all_grades()), "jo", "qa_assessor") is None


def test_high_risk_needs_two_different_countersigners() -> None:
    assert not needs_second(RUBRIC, FORM, rec("medium"))
    assert needs_second(RUBRIC, FORM, rec("high")) and needs_second(RUBRIC, FORM, rec("very_high"))
    assert status_after_signing(RUBRIC, FORM, rec("medium", grades=all_grades())) == "locked"
    first = rec("high", grades=all_grades())
    assert status_after_signing(RUBRIC, FORM, first) == "approved"
    second = rec("high", status="approved", grades=all_grades(), signatures=[Signature("jo", "2026-03-02")])
    assert "countersigned this record already" in (
        approve_refusal(RUBRIC, FORM, second, "jo", "qa_assessor") or ""
    )
    assert approve_refusal(RUBRIC, FORM, second, "kim", "manager") is None
    assert status_after_signing(RUBRIC, FORM, second) == "locked"
    done = rec("medium", status="approved", signatures=[Signature("jo", "2026-03-02")])
    assert "nothing to sign off" in (approve_refusal(RUBRIC, FORM, done, "kim", "manager") or "")


def test_the_level_change_line_and_open_comments() -> None:
    line = level_change_line(
        FORM, old="medium", new="very_high", actor="kim", at="2026-03-02T10:00:00+00:00", reason="New threats"
    )
    assert line == "level changed from Medium to Very high by kim on 2026-03-02: New threats"
    comments = [Comment("1", "finance", "a"), Comment("2", "rosh", "b", resolved_by="sam")]
    assert [c.id for c in unresolved(comments)] == ["1"]

"""Submitting past a failing automatic check: a reason for each, kept, seen by QA and acknowledged.

Run on both engines (`store` fixture): the reasons travel with the record
and the audit trail keeps them with the submission and the countersignature.
"""

from __future__ import annotations

import pytest

from forms.checks.findings import Finding
from forms.checks.library import run_checks
from forms.definition.registry import load_registry
from forms.model import AssessmentForm, Case, Record, Rubric
from forms.record.overrides import unexplained, with_reasons
from forms.record.signoff import Decision, SignoffRefused
from storage.demo import Person, story_answers
from storage.demo_stories import STORIES
from storage.signoff import decide, submit
from storage.store import Store

AUTHOR = "sam.p"
QA = "jo.qa"
NOW = "2026-09-10T10:00:00+00:00"


@pytest.fixture
def shipped() -> tuple[AssessmentForm, Rubric]:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    rubric = registry.rubric_for("a4-assessment")
    assert form is not None and rubric is not None
    return form, rubric


def findings(rubric: Rubric, form: AssessmentForm, record: Record) -> list[Finding]:
    return [f for result in run_checks(rubric, form, record) for f in result.findings]


def saved_draft(store: Store, form: AssessmentForm, rubric: Rubric) -> tuple[Record, list[Finding]]:
    """A medium-risk record that passes every check except a risk reasoning cut short."""
    from datetime import date

    store.create_case(Case("C-9", "Alex Reed", "2026-09-01", AUTHOR, form.id), form.deadlines)
    answers = story_answers(
        form, STORIES[1], Person("Alex", "male"), date(2026, 9, 1), date(2026, 9, 2), AUTHOR
    )
    answers["rosh.reasoning"] = "Violence after drinking; medium."
    record = store.create_record(
        Record("r9", "C-9", form.id, form.version, answers=answers, author=AUTHOR), AUTHOR
    )
    record.answers = answers
    record = store.save_record(record, AUTHOR, risk_path=form.risk_level)
    found = findings(rubric, form, record)
    assert [f.kind for f in found] == ["text_when"]  # the reasoning is under 40 words
    return record, found


def test_a_failing_check_blocks_submission_until_a_reason_is_given(
    store: Store, shipped: tuple[AssessmentForm, Rubric]
) -> None:
    form, rubric = shipped
    record, found = saved_draft(store, form, rubric)
    with pytest.raises(
        SignoffRefused, match="1 automatic check still fails: The risk level needs its reasons"
    ):
        submit(store, record, AUTHOR, found)
    too_short = with_reasons(record, [(found[0], "see file")], by=AUTHOR, on=NOW)
    assert unexplained(found, too_short) == found  # two words do not say why
    with pytest.raises(SignoffRefused):
        submit(store, too_short, AUTHOR, found)
    reason = "Manager agreed the reasoning is in the linked court report, to be added at review."
    explained = store.save_record(with_reasons(record, [(found[0], reason)], by=AUTHOR, on=NOW), AUTHOR)
    submitted = submit(store, explained, AUTHOR, found)
    assert submitted.status == "submitted"
    stored = store.get_record(record.id)
    [override] = stored.overrides
    assert (override.message, override.path, override.reason, override.by) == (
        found[0].message,
        "rosh.reasoning",
        reason,
        AUTHOR,
    )
    [event] = [e for e in store.audit_trail(record.id) if e.kind == "status"]
    assert event.new == "submitted" and reason in event.reason and found[0].message in event.reason


def test_a_fixed_finding_drops_its_reason_and_a_clean_record_submits_as_before(
    store: Store, shipped: tuple[AssessmentForm, Rubric]
) -> None:
    form, rubric = shipped
    record, found = saved_draft(store, form, rubric)
    record = store.save_record(
        with_reasons(record, [(found[0], "Will expand this after the case conference.")], by=AUTHOR, on=NOW),
        AUTHOR,
    )
    record.answers["rosh.reasoning"] = STORIES[1].answers["rosh.reasoning"].format(name="Alex")
    record = store.save_record(record, AUTHOR, risk_path=form.risk_level)
    assert findings(rubric, form, record) == []
    submit(store, record, AUTHOR, [])
    assert store.get_record(record.id).overrides == []


def test_countersigning_asks_the_assessor_to_acknowledge_each_reason(
    store: Store, shipped: tuple[AssessmentForm, Rubric]
) -> None:
    form, rubric = shipped
    record, found = saved_draft(store, form, rubric)
    reason = "The police summary holds the detail; agreed with my manager on 9 September."
    record = store.save_record(with_reasons(record, [(found[0], reason)], by=AUTHOR, on=NOW), AUTHOR)
    record = submit(store, record, AUTHOR, found)
    from forms.model import Grade

    grades = tuple(Grade(c.id, "Sufficient", by=QA, on=NOW) for c in rubric.criteria if c.graded)
    with pytest.raises(SignoffRefused, match="acknowledge each before countersigning"):
        decide(store, record, Decision("approve", grades=grades), user=QA, role="qa_assessor",
               rubric=rubric, form=form)  # fmt: skip
    signed = decide(
        store, store.get_record(record.id), Decision("approve", grades=grades, acknowledge_overrides=True),
        user=QA, role="qa_assessor", rubric=rubric, form=form,
    )  # fmt: skip
    assert signed.status == "locked"
    [override] = store.get_record(record.id).overrides
    assert override.acknowledged_by == QA and override.acknowledged_on
    last = [e for e in store.audit_trail(record.id) if e.kind == "status"][-1]
    assert last.new == "locked" and "acknowledged" in last.reason and reason in last.reason


def test_the_report_shows_each_reason_beside_its_finding(shipped: tuple[AssessmentForm, Rubric]) -> None:
    from exports.formats.markdown import to_markdown

    form, rubric = shipped
    record = Record("r1", "C-1", form.id, form.version, answers={"rosh.level": "medium"}, author=AUTHOR)
    found = findings(rubric, form, record)[:1]
    record = with_reasons(
        record, [(found[0], "Agreed with my manager to finish at review.")], by=AUTHOR, on=NOW
    )
    report = to_markdown(record, Case("C-1", "Alex Reed", "2026-09-01", AUTHOR), form)
    assert f"Submitted past a check: {found[0].message}" in report.replace("\\", "")
    assert "Reason: Agreed with my manager to finish at review. (sam.p)" in report


def test_json_and_csv_carry_each_reason(shipped: tuple[AssessmentForm, Rubric]) -> None:
    import csv
    import io
    import json

    from exports.formats.csv_format import CaseRow, to_csv
    from exports.formats.json_format import to_json

    form, rubric = shipped
    record = Record("r1", "C-1", form.id, form.version, answers={"rosh.level": "medium"}, author=AUTHOR)
    found = findings(rubric, form, record)[:2]
    reasons = ["Agreed with my manager to finish at review.", "=Court papers come next week, then added."]
    record = with_reasons(record, list(zip(found, reasons, strict=True)), by=AUTHOR, on=NOW)
    case = Case("C-1", "Alex Reed", "2026-09-01", AUTHOR)
    stored = json.loads(to_json(record, case, form))["record"]["overrides"]
    assert [(o["message"], o["path"], o["reason"], o["by"]) for o in stored] == [
        (f.message, f.path, r, AUTHOR) for f, r in zip(found, reasons, strict=True)
    ]
    [row] = list(csv.DictReader(io.StringIO(to_csv([CaseRow(case, record, form)]))))
    assert row["overridden_checks"].splitlines() == [
        f"{found[0].message} — reason: {reasons[0]}",
        f"{found[1].message} — reason: {reasons[1]}",
    ]


def test_a_blank_reason_takes_an_override_away_and_an_unchanged_one_keeps_its_stamp(
    shipped: tuple[AssessmentForm, Rubric],
) -> None:
    form, rubric = shipped
    record = Record("r1", "C-1", form.id, form.version, answers={"rosh.level": "medium"}, author=AUTHOR)
    first, second = findings(rubric, form, record)[:2]
    given = with_reasons(record, [(first, "One good reason here."), (second, "Another good reason.")],
                         by=AUTHOR, on=NOW)  # fmt: skip
    again = with_reasons(given, [(first, " One good reason here. "), (second, "")], by="someone", on="later")
    [kept] = again.overrides
    assert (kept.reason, kept.by, kept.on) == ("One good reason here.", AUTHOR, NOW)


def test_a4_check_still_counts_a_finding_submitted_past_and_shows_its_reason(
    shipped: tuple[AssessmentForm, Rubric],
) -> None:
    from exports.check_report import RecordChecks

    form, rubric = shipped
    record = Record("r1", "C-1", form.id, form.version, answers={"rosh.level": "medium"}, author=AUTHOR)
    first, second = findings(rubric, form, record)[:2]
    record = with_reasons(record, [(first, "Agreed with my manager to finish at review.")], by=AUTHOR, on=NOW)
    report = RecordChecks(Case("C-1", "Alex Reed", "2026-09-01", AUTHOR), record, (first, second), {})
    lines = report.lines()
    assert lines[1].endswith(f"{first.message} [submitted past it by {AUTHOR}: Agreed with my manager to "
                             "finish at review.]")  # fmt: skip
    assert "submitted past" not in lines[2]
    found = report.as_dict()["findings"]
    assert found[0]["override"] == {
        "reason": "Agreed with my manager to finish at review.", "by": AUTHOR, "acknowledged_by": ""
    }  # fmt: skip
    assert "override" not in found[1] and report.as_dict()["passes"] is False


def test_nobody_acknowledges_a_reason_in_someone_elses_name_or_their_own_record(
    store: Store, shipped: tuple[AssessmentForm, Rubric]
) -> None:
    """An acknowledgement is only given by the assessor saving it: the author cannot write one in
    the assessor's name (nor their own) to pass countersigning without it."""
    import dataclasses

    from forms.record.overrides import acknowledged
    from storage.store import NotPermittedError

    form, rubric = shipped
    record, found = saved_draft(store, form, rubric)
    reason = "The police summary holds the detail; agreed with my manager on 9 September."
    record = store.save_record(with_reasons(record, [(found[0], reason)], by=AUTHOR, on=NOW), AUTHOR)
    for name in (QA, AUTHOR):
        with pytest.raises(NotPermittedError, match="Only a QA assessor acknowledges"):
            store.save_record(acknowledged(record, by=name, on=NOW), AUTHOR)
    assert store.get_record(record.id).overrides[0].acknowledged_by == ""
    record = submit(store, store.get_record(record.id), AUTHOR, found)
    signed = store.save_record(acknowledged(record, by=QA, on=NOW), QA)  # the assessor, in their own name
    [override] = signed.overrides
    with pytest.raises(NotPermittedError):  # and once given it stays
        store.save_record(
            dataclasses.replace(signed, overrides=[dataclasses.replace(override, acknowledged_by="")]), QA
        )

"""`previous.` names: a rubric rule reads last time's answers, so a review of a high-risk case stays full.

The shipped rubric's `full_assessment_when` rule holds when the previous
overall level was high or above (`previous.rosh.level`).  A review whose
level is lowered to medium and switched to the short form is refused by the
store's submit gate (both engines), by `a4 check` and by F8 on the case
screen; a first assessment, with no earlier record, is judged as before.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from textual.widgets import Static

from exports.batch import FormCache
from exports.check_report import check_records
from forms.checks.library import run_checks
from forms.checks.rules import short_refusals
from forms.conditions.language import parse
from forms.conditions.visibility import holds, resolve
from forms.definition.registry import load_registry
from forms.model import AssessmentForm, Case, Record, Rubric
from forms.record.signoff import SignoffRefused
from storage.earlier import earlier_answers
from storage.signoff import submit
from storage.sqlite.store import SqliteStore
from storage.store import Store
from tests.cli_support import a4_in
from tests.pilot_support import CaseApp, until
from tests.test_case_screen import TODAY, FakeClock
from tests.test_sheet import flat, read
from tui.screens.case_screen import CaseScreen

AUTHOR, QA = "pat", "qa.lee"
WAS_HIGH = "was at the last assessment"
"""Words of the shipped rule's reason that name last time's level."""


@pytest.fixture
def rubric(form: AssessmentForm) -> Rubric:
    found = load_registry([])[0].rubric_for(form.id)
    assert found is not None
    return found


def short_review_of_a_high_record(store: Store, form: AssessmentForm) -> Record:
    """A countersigned first assessment at High, then its review lowered to Medium and made short."""
    store.create_case(Case("AB1", "Sam Taylor", "2026-01-05", AUTHOR, form.id), form.deadlines)
    first = Record("first", "AB1", form.id, form.version, author=AUTHOR,
                   answers={"static.elements": ["none"], "rosh.level": "high"})  # fmt: skip
    first = store.create_record(first, AUTHOR)
    store.transition(first.id, "submitted", AUTHOR)
    store.transition(first.id, "approved", QA)
    review = store.start_review("AB1", AUTHOR)
    assert review.reviews == first.id
    review.answers["rosh.level"] = "medium"
    return store.save_record(dataclasses.replace(review, short=True), AUTHOR, risk_path=form.risk_level)


def full_rule_findings(rubric: Rubric, form: AssessmentForm, record: Record, store: Store) -> list[str]:
    results = run_checks(rubric, form, record, previous=earlier_answers(store, record))
    return [f.message for r in results for f in r.findings if f.kind == "full_assessment_when"]


def submission_is_refused_for_last_times_level(
    store: Store, form: AssessmentForm, rubric: Rubric, record: Record
) -> None:
    """The full-assessment rule finds `record` short for last time's level, and the submit gate refuses it."""
    found = full_rule_findings(rubric, form, record, store)
    assert len(found) == 1 and WAS_HIGH in found[0]
    findings = [f for r in run_checks(rubric, form, record, previous=earlier_answers(store, record))
                for f in r.findings]  # fmt: skip
    with pytest.raises(SignoffRefused):
        submit(store, record, AUTHOR, findings)
    assert store.get_record(record.id).status == "draft"


def test_a_previous_name_reads_the_earlier_answers_with_the_same_question(form: AssessmentForm) -> None:
    assert resolve(form, None, "previous.rosh.level") == dataclasses.replace(
        resolve(form, None, "rosh.level"), previous=True
    )
    rule = parse("previous.rosh.level in ['high', 'very_high']")
    assert holds(form, None, rule, {"rosh.level": "low"}, previous={"rosh.level": "high"})
    assert not holds(form, None, rule, {"rosh.level": "high"})  # a first assessment: unanswered


def test_the_store_submit_gate_refuses_a_short_review_of_a_high_record(
    store: Store, form: AssessmentForm, rubric: Rubric
) -> None:
    review = short_review_of_a_high_record(store, form)
    submission_is_refused_for_last_times_level(store, form, rubric, review)
    [checked] = check_records(store, FormCache(load_registry([])[0], store), ["AB1"])
    assert any(WAS_HIGH in f.message for f in checked.findings)  # what `a4 check` reports


def test_a_first_assessment_at_medium_may_be_short(
    store: Store, form: AssessmentForm, rubric: Rubric
) -> None:
    store.create_case(Case("AB2", "Jo Lane", "2026-01-05", AUTHOR, form.id), form.deadlines)
    first = Record("only", "AB2", form.id, form.version, author=AUTHOR, short=True,
                   answers={"static.elements": ["none"], "rosh.level": "medium"})  # fmt: skip
    first = store.create_record(first, AUTHOR)
    assert earlier_answers(store, first) == {}
    assert full_rule_findings(rubric, form, first, store) == []
    assert short_refusals(rubric, form, first.answers, earlier_answers(store, first)) == []


def test_a4_check_fails_the_short_review_of_a_high_record(
    tmp_path: Path, form: AssessmentForm, rubric: Rubric
) -> None:
    short_review_of_a_high_record(SqliteStore(tmp_path / "a4.db"), form)
    result = a4_in(tmp_path, "check", "AB1", "--json")
    assert result.returncode == 1, result.stderr
    [record] = json.loads(result.stdout)["records"]
    assert any(WAS_HIGH in f["message"] for f in record["findings"])


async def test_f8_in_a_review_of_a_high_record_is_refused_with_the_reason(
    tmp_path: Path, form: AssessmentForm
) -> None:
    store = SqliteStore(tmp_path / "a4.db")
    review = short_review_of_a_high_record(store, form)
    review = store.save_record(dataclasses.replace(review, short=False), AUTHOR, risk_path=form.risk_level)
    screen = CaseScreen(store=store, form=form, case=store.get_case("AB1"), record=review, user=AUTHOR,
                        clock=FakeClock(), today=lambda: TODAY)  # fmt: skip
    app = CaseApp(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f8")
        notes = lambda: [n.message for n in app._notifications]  # noqa: E731
        await until(
            pilot, lambda: any(WAS_HIGH in n for n in notes()), "the refusal naming last time's level"
        )
        assert app.case_screen.short is False


def test_the_sheets_qa_line_judges_the_short_review_by_last_times_level(
    tmp_path: Path, form: AssessmentForm
) -> None:
    """The A4 sheet's QA line runs the same checks as `a4 check`: the rule reading last time's level
    is not met on the sheet of the short review of a High record."""
    short_review_of_a_high_record(SqliteStore(tmp_path / "a4.db"), form)
    out = tmp_path / "AB1.pdf"
    result = a4_in(tmp_path, "export", "AB1", "--format", "sheet", "--out", str(out))
    assert result.returncode == 0, result.stderr
    sheet = flat(read(out.read_bytes()).pages[0].extract_text())
    not_met = sheet.partition("not met: ")[2]
    assert "A short assessment only where the form allows one" in not_met, sheet


def short_amendment_of_a_high_record(store: Store, form: AssessmentForm) -> Record:
    """A locked first assessment at High, then an amendment of it lowered to Medium and made short."""
    store.create_case(Case("AB3", "Ali Khan", "2026-01-05", AUTHOR, form.id), form.deadlines)
    first = Record("locked-high", "AB3", form.id, form.version, author=AUTHOR,
                   answers={"static.elements": ["none"], "rosh.level": "high"})  # fmt: skip
    first = store.create_record(first, AUTHOR)
    for step, who in (("submitted", AUTHOR), ("approved", QA), ("locked", QA)):
        store.transition(first.id, step, who)
    amendment = store.amend(first.id, AUTHOR)
    assert amendment.amends == first.id and not amendment.reviews
    amendment.answers["rosh.level"] = "medium"
    return store.save_record(dataclasses.replace(amendment, short=True), AUTHOR, risk_path=form.risk_level)


def test_an_amendment_reads_the_record_it_amends_as_previous(
    store: Store, form: AssessmentForm, rubric: Rubric
) -> None:
    """An amendment is judged against the locked record it corrects, as a review is against the last one:
    lowering the level and going short in an amendment does not get round the rule either."""
    amendment = short_amendment_of_a_high_record(store, form)
    assert earlier_answers(store, amendment)["rosh.level"] == "high"
    submission_is_refused_for_last_times_level(store, form, rubric, amendment)


async def test_the_handover_summary_lists_the_rule_that_reads_last_times_level(tmp_path: Path) -> None:
    """The new owner's summary of outstanding checks judges the open review as `a4 check` does."""
    from tests.a4_app_harness import USER, caseload_shown, make_app, shipped_registry
    from tui.modals.handover import HandoverSummaryScreen

    store = SqliteStore(tmp_path / "a4.db")
    form = shipped_registry().assessment("a4-assessment")
    assert form is not None
    short_review_of_a_high_record(store, form)
    store.hand_over("AB1", USER, "kim", note="cover while Pat is away")
    async with make_app(store).run_test(size=(100, 60)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(pilot.app.screen, HandoverSummaryScreen), "the handover summary"
        )
        text = str(pilot.app.screen.query_one("#handover-facts", Static).render())
        assert "Checks still outstanding" in text
        assert WAS_HIGH in " ".join(text.split()), text
    store.close()

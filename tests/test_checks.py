"""The automatic QA checks, each on records crafted to show what a practitioner or QA assessor would see."""

from __future__ import annotations

from datetime import date
from typing import Any

from forms.checks.findings import CriterionResult, Finding, not_yet, summary
from forms.checks.kinds import CHECK_KINDS
from forms.checks.library import CHECKS, run_checks
from forms.conditions.language import parse
from forms.model import (
    AssessmentForm,
    Check,
    Criterion,
    Header,
    Objective,
    Option,
    PlanTemplate,
    Question,
    Record,
    Rubric,
    Section,
)

TODAY = date(2025, 3, 10)


def _life_area(section_id: str, title: str, *, short: bool = False, budget: int = 20) -> Section:
    return Section(
        id=section_id,
        title=title,
        short=short,
        questions=(
            Question(id="linked_offending", type="yesno", label="Linked to offending?", required=True),
            Question(id="linked_harm", type="yesno", label="Linked to harm?"),
            Question(
                id="analysis",
                type="text",
                label="Why, and on what evidence?",
                word_budget=budget,
                require_if=parse("linked_offending == 'yes'"),
            ),
            Question(
                id="contact",
                type="line",
                label="Who to contact",
                required=True,
                show_if=parse("linked_harm == 'yes'"),
            ),
        ),
    )


FORM = AssessmentForm(
    header=Header(id="mini", kind="assessment", title="Mini", version="1.0.0"),
    sections=(
        _life_area("accommodation", "Accommodation", short=True),
        _life_area("education", "Education and work"),
        Section(
            id="risk",
            title="Risk of serious harm",
            short=True,
            questions=(
                Question(
                    id="level",
                    type="choice",
                    label="Overall level",
                    required=True,
                    options=(Option("low", "Low"), Option("high", "High")),
                ),
            ),
        ),
        Section(
            id="evidence",
            title="Evidence sources",
            questions=(
                Question(
                    id="sources",
                    type="group",
                    label="Sources",
                    fields=(
                        Question(id="date", type="date", label="Date", required=True),
                        Question(id="author", type="line", label="Author"),
                        Question(id="notes", type="text", label="Notes", word_budget=5),
                    ),
                ),
            ),
        ),
    ),
)

PLAN = PlanTemplate(
    header=Header(id="mini-plan", kind="plan", title="Plan", version="1.0.0"),
    form="mini",
    areas_when=parse("linked_offending == 'yes' or linked_harm == 'yes'"),
)


def _record(answers: dict[str, Any], plan: list[Objective] | None = None, kind: str = "assessment") -> Record:
    return Record(
        id="r1",
        case_ref="C1",
        form_id="mini",
        form_version="1.0.0",
        kind=kind,
        answers=answers,
        plan=plan or [],
    )


def _rubric(*criteria: Criterion) -> Rubric:
    return Rubric(
        header=Header(id="mini-qa", kind="rubric", title="QA", version="1.0.0"),
        form="mini",
        criteria=criteria,
    )


def _findings(
    kind: str, answers: dict[str, Any], plan: list[Objective] | None = None, **params: Any
) -> list[Finding]:
    """What one check of `kind` finds, through the public entry point."""
    rubric = _rubric(Criterion(id="c", title="C", checks=(Check(kind, params),)))
    [result] = run_checks(rubric, FORM, _record(answers, plan), plan=PLAN, today=TODAY)
    return list(result.findings)


def _messages(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.path, f.message) for f in findings]


def _words(n: int) -> str:
    return " ".join(["word"] * n)


ANSWERED = {
    "accommodation.linked_offending": "no",
    "education.linked_offending": "no",
    "risk.level": "low",
}


def test_every_check_kind_has_a_function() -> None:
    assert set(CHECKS) == set(CHECK_KINDS)


# ------------------------------------------------------------------ required


def test_required_reports_unanswered_required_questions() -> None:
    assert _messages(_findings("required", {})) == [
        (
            "accommodation.linked_offending",
            "Accommodation: “Linked to offending?” is required but not answered",
        ),
        (
            "education.linked_offending",
            "Education and work: “Linked to offending?” is required but not answered",
        ),
        ("risk.level", "Risk of serious harm: “Overall level” is required but not answered"),
    ]
    assert _findings("required", ANSWERED) == []


def test_required_follows_require_if_and_show_if() -> None:
    answers = {**ANSWERED, "accommodation.linked_offending": "yes", "accommodation.linked_harm": "yes"}
    assert _messages(_findings("required", answers)) == [
        (
            "accommodation.analysis",
            "Accommodation: “Why, and on what evidence?” is required but not answered",
        ),
        ("accommodation.contact", "Accommodation: “Who to contact” is required but not answered"),
    ]
    # Blank text is not an answer.
    answers["accommodation.analysis"] = "  \n"
    answers["accommodation.contact"] = "Housing officer"
    assert [f.path for f in _findings("required", answers)] == ["accommodation.analysis"]


def test_required_skips_sections_left_out_of_the_short_form() -> None:
    rubric = _rubric(Criterion(id="c", title="C", checks=(Check("required", {}),)))
    [short] = run_checks(rubric, FORM, _record({}, kind="short"), today=TODAY)
    assert [f.path for f in short.findings] == ["accommodation.linked_offending", "risk.level"]
    [forced_full] = run_checks(rubric, FORM, _record({}, kind="short"), today=TODAY, short=False)
    assert len(forced_full.findings) == 3


def test_required_limited_to_sections() -> None:
    assert [f.path for f in _findings("required", {}, sections=["risk"])] == ["risk.level"]


def test_required_fields_of_group_entries() -> None:
    answers = {**ANSWERED, "evidence.sources": [{"date": "2025-01-02"}, {"author": "Court"}]}
    assert _messages(_findings("required", answers)) == [
        ("evidence.sources[1].date", "Evidence sources: “Sources” entry 2 has no “Date”"),
    ]


# ------------------------------------------------------------------ word_budget


def test_word_budget_reports_long_answers_with_tolerance() -> None:
    answers = {"accommodation.analysis": _words(25), "education.analysis": _words(26)}
    assert _messages(_findings("word_budget", answers)) == [
        (
            "accommodation.analysis",
            "Accommodation: “Why, and on what evidence?” has 25 words; its budget is 20",
        ),
        (
            "education.analysis",
            "Education and work: “Why, and on what evidence?” has 26 words; its budget is 20",
        ),
    ]
    # 25% over a budget of 20 allows 25 words, not 26.
    assert [f.path for f in _findings("word_budget", answers, tolerance=25)] == ["education.analysis"]
    assert _findings("word_budget", {"accommodation.analysis": _words(20)}) == []


def test_word_budget_covers_group_text_fields() -> None:
    answers = {"evidence.sources": [{"notes": _words(5)}, {"notes": "read the report — twice, in full"}]}
    assert _messages(_findings("word_budget", answers)) == [
        ("evidence.sources[1].notes", "Evidence sources: “Sources – Notes” has 6 words; its budget is 5"),
    ]


# ------------------------------------------------------------------ text_when


def test_text_when_names_the_flag_and_the_empty_question() -> None:
    answers = {
        "accommodation.linked_offending": "yes",
        "education.linked_offending": "yes",
        "education.analysis": "Lost job in May",
    }
    found = _findings(
        "text_when", answers, when="linked_offending == 'yes'", question="analysis", min_words=5
    )
    assert _messages(found) == [
        (
            "accommodation.analysis",
            "Accommodation: linked to offending, but “Why, and on what evidence?” is empty",
        ),
        (
            "education.analysis",
            "Education and work: linked to offending, but “Why, and on what evidence?” "
            "has only 4 words (5 needed)",
        ),
    ]


def test_text_when_lists_each_flag_that_is_set() -> None:
    answers = {"accommodation.linked_offending": "yes", "accommodation.linked_harm": "yes"}
    found = _findings(
        "text_when", answers, when="linked_offending == 'yes' or linked_harm == 'yes'", question="analysis"
    )
    assert [f.message for f in found] == [
        "Accommodation: linked to offending and linked to harm, but “Why, and on what evidence?” is empty"
    ]


def test_text_when_skips_sections_where_the_condition_means_nothing() -> None:
    # The risk section has no linked_offending question, so it is never judged.
    found = _findings("text_when", {"risk.level": "high"}, when="not linked_offending", question="analysis")
    assert [f.path for f in found] == ["accommodation.analysis", "education.analysis"]
    assert _findings("text_when", {}, when="linked_offending == 'yes'", question="analysis") == []


def test_text_when_uses_the_trainers_message() -> None:
    rubric = _rubric(
        Criterion(
            id="analysis",
            title="Analysis",
            checks=(
                Check(
                    "text_when",
                    {"when": "linked_offending == 'yes'", "question": "analysis"},
                    message="{section}: say why this area links to offending",
                ),
            ),
        )
    )
    [result] = run_checks(rubric, FORM, _record({"education.linked_offending": "yes"}), today=TODAY)
    assert result.findings == (
        Finding(
            "analysis",
            "text_when",
            "Education and work: say why this area links to offending",
            "education.analysis",
        ),
    )


# ------------------------------------------------------------------ min_sources


def test_min_sources_counts_entries() -> None:
    assert _messages(_findings("min_sources", {}, group="evidence.sources", min=2)) == [
        ("evidence.sources", "Evidence sources: “Sources” has 0 entries; at least 2 needed"),
    ]
    one = {"evidence.sources": [{"date": "2025-01-02"}]}
    assert [f.message for f in _findings("min_sources", one, group="evidence.sources", min=2)] == [
        "Evidence sources: “Sources” has 1 entry; at least 2 needed"
    ]
    assert _findings("min_sources", one, group="evidence.sources") == []


def test_min_sources_points_at_missing_fields() -> None:
    answers = {
        "evidence.sources": [{"date": "2025-01-02", "author": "PSR"}, {"date": "2025-01-03", "author": " "}]
    }
    assert _messages(
        _findings("min_sources", answers, group="evidence.sources", fields=["date", "author"])
    ) == [
        ("evidence.sources[1].author", "Evidence sources: “Sources” entry 2 has no “Author”"),
    ]


# ------------------------------------------------------------------ plan_covers


def test_plan_covers_uses_the_plan_templates_areas_by_default() -> None:
    answers = {"accommodation.linked_harm": "yes", "education.linked_offending": "yes"}
    covered = [Objective(id="o1", areas=["education"])]
    assert _messages(_findings("plan_covers", answers, covered)) == [
        ("accommodation", "Accommodation: linked to harm, but no plan objective covers it"),
    ]
    both = [Objective(id="o1", areas=["education", "accommodation"])]
    assert _findings("plan_covers", answers, both) == []


def test_plan_covers_with_its_own_condition() -> None:
    answers = {"accommodation.linked_harm": "yes", "education.linked_offending": "yes"}
    assert [f.path for f in _findings("plan_covers", answers, when="linked_offending == 'yes'")] == [
        "education"
    ]


def test_plan_covers_without_any_condition_finds_nothing() -> None:
    rubric = _rubric(Criterion(id="c", title="C", checks=(Check("plan_covers", {}),)))
    record = _record({"accommodation.linked_harm": "yes"})
    [result] = run_checks(rubric, FORM, record, plan=None, today=TODAY)
    assert result.findings == ()


# ------------------------------------------------------------------ smart


def _objective(**fields: Any) -> Objective:
    base = {"id": "o1", "goal": "I will keep my tenancy so that my children can visit", "who": "Me and Sam"}
    return Objective(**{**base, "by": "2025-06-30", "measure": "Rent paid each month", **fields})


def test_smart_accepts_a_complete_objective() -> None:
    assert _findings("smart", {}, [_objective()]) == []


def test_smart_reports_missing_fields_in_order() -> None:
    plan = [_objective(), _objective(id="o2", who="", by="", measure="", goal="")]
    assert _messages(_findings("smart", {}, plan)) == [
        ("plan[o2].goal", "Objective 2 has no goal"),
        ("plan[o2].who", "Objective 2 does not say who will do it"),
        ("plan[o2].by", "Objective 2 has no target date"),
        ("plan[o2].measure", "Objective 2 has no measure of progress"),
    ]
    assert [f.path for f in _findings("smart", {}, plan, require=["measure"])] == [
        "plan[o2].goal",
        "plan[o2].measure",
    ]


def test_smart_reports_past_and_unreadable_dates() -> None:
    plan = [
        _objective(by="2025-03-09"),
        _objective(id="o2", by="end of June"),
        _objective(id="o3", by="2025-03-10"),
    ]
    assert _messages(_findings("smart", {}, plan)) == [
        ("plan[o1].by", "Objective 1: target date 2025-03-09 has already passed"),
        ("plan[o2].by", "Objective 2: target date “end of June” is not a date (write it as YYYY-MM-DD)"),
    ]
    assert [f.path for f in _findings("smart", {}, plan, future_dates=False)] == ["plan[o2].by"]


def test_smart_reports_goals_that_only_restate_a_vague_phrase() -> None:
    vague = ["address thinking", "reduce risk"]
    plan = [
        _objective(goal="Address thinking."),
        _objective(id="o2", goal="To address THINKING skills"),
        _objective(id="o3", goal="Reduce risk of reoffending now"),
        _objective(id="o4", goal="I will address thinking before I act so I can keep my job"),
    ]
    assert _messages(_findings("smart", {}, plan, vague=vague)) == [
        (
            "plan[o1].goal",
            "Objective 1: the goal only restates “address thinking”; say what will change",
        ),
        (
            "plan[o2].goal",
            "Objective 2: the goal only restates “address thinking”; say what will change",
        ),
    ]


# ------------------------------------------------------------------ phrases


PHRASES = {"offender": "person on probation", "non-compliant": "did not attend", "lifestyle choice": ""}


def test_phrases_finds_each_use_with_span_and_suggestion() -> None:
    text = "The Offender said offenders are\nnon-compliant; a lifestyle\n choice."
    found = _findings("phrases", {"accommodation.analysis": text}, phrases=PHRASES)
    assert [(f.path, f.span, f.suggestion, f.message) for f in found] == [
        (
            "accommodation.analysis",
            (4, 12),
            "person on probation",
            "Accommodation: “Offender” – consider “person on probation”",
        ),
        (
            "accommodation.analysis",
            (32, 45),
            "did not attend",
            "Accommodation: “non-compliant” – consider “did not attend”",
        ),
        ("accommodation.analysis", (49, 66), "", "Accommodation: “lifestyle\n choice” – consider rewording"),
    ]
    assert text[4:12] == "Offender"


def test_phrases_in_group_fields_and_the_plan() -> None:
    answers = {"evidence.sources": [{"author": "Offender manager"}]}
    plan = [_objective(actions="Meet the offender weekly")]
    found = _findings("phrases", answers, plan, phrases=PHRASES)
    assert [(f.path, f.span) for f in found] == [
        ("evidence.sources[0].author", (0, 8)),
        ("plan[o1].actions", (9, 17)),
    ]
    assert found[1].message == "Objective 1: “offender” – consider “person on probation”"
    # Limiting to sections leaves the plan out unless it is named.
    assert [f.path for f in _findings("phrases", answers, plan, phrases=PHRASES, sections=["evidence"])] == [
        "evidence.sources[0].author"
    ]
    assert [f.path for f in _findings("phrases", answers, plan, phrases=PHRASES, sections=["plan"])] == [
        "plan[o1].actions"
    ]


def test_phrases_skip_hidden_questions() -> None:
    answers = {"accommodation.contact": "offender manager", "accommodation.linked_harm": "no"}
    assert _findings("phrases", answers, phrases=PHRASES) == []


# ------------------------------------------------------------------ results


def test_criterion_states_and_the_qa_counter() -> None:
    rubric = _rubric(
        Criterion(id="answered", title="Answered", checks=(Check("required", {}),)),
        Criterion(
            id="sources", title="Sources", checks=(Check("min_sources", {"group": "evidence.sources"}),)
        ),
        Criterion(id="budget", title="Budget", graded=True, checks=(Check("word_budget", {}),)),
        Criterion(id="tone", title="Tone", graded=True),
        Criterion(id="nothing", title="Nothing to judge"),
    )
    results = run_checks(rubric, FORM, _record(ANSWERED), today=TODAY)
    assert [(r.criterion.id, r.state) for r in results] == [
        ("answered", "met"),
        ("sources", "not_met"),
        ("budget", "not_yet"),  # every budgeted text is still blank: nothing to judge (issue 14)
        ("tone", "needs_grader"),
        ("nothing", "met"),
    ]
    assert summary(results) == (1, 2)
    assert not_yet(results) == 1


def test_summary_of_nothing() -> None:
    assert summary([]) == (0, 0)
    assert summary([CriterionResult(Criterion(id="c", title="C", checks=(Check("required"),)))]) == (1, 1)


def test_a_full_rubric_on_a_full_record_runs_in_well_under_10_ms() -> None:
    sections = tuple(_life_area(f"area{i}", f"Area {i}", budget=300) for i in range(13))
    form = AssessmentForm(header=FORM.header, sections=sections)
    # 15 words and two phrases to avoid, 20 times over: 300 words per section.
    text = "The person on probation told me the offender label hurt; they want to address thinking. " * 20
    answers: dict[str, Any] = {}
    for section in sections:
        answers |= {
            f"{section.id}.linked_offending": "yes",
            f"{section.id}.linked_harm": "yes",
            f"{section.id}.analysis": text,
            f"{section.id}.contact": "Housing officer",
        }
    plan = [_objective(id=f"o{i}", areas=[f"area{i}"]) for i in range(13)]
    rubric = _rubric(
        Criterion(id="a", title="A", checks=(Check("required", {}), Check("word_budget", {"tolerance": 0}))),
        Criterion(
            id="b",
            title="B",
            checks=(
                Check(
                    "text_when",
                    {"when": "linked_offending == 'yes'", "question": "analysis", "min_words": 20},
                ),
            ),
        ),
        Criterion(
            id="c",
            title="C",
            checks=(Check("plan_covers", {}), Check("smart", {"vague": ["address thinking"]})),
        ),
        Criterion(
            id="d",
            title="D",
            checks=(Check("phrases", {"phrases": {**PHRASES, "address thinking": "say how"}}),),
        ),
    )
    record = _record(answers, plan)
    run_checks(rubric, form, record, plan=PLAN, today=TODAY)  # a first run fills the caches
    results = run_checks(rubric, form, record, plan=PLAN, today=TODAY)  # and a second gives the same
    assert [r.state for r in results] == ["met", "met", "met", "not_met"]
    assert len(results[3].findings) == 13 * 40

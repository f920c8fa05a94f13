"""Which questions a practitioner sees and must answer, as conditions and short mode decide."""

from __future__ import annotations

from forms.conditions.language import parse
from forms.conditions.visibility import (
    Resolved,
    holds,
    is_required,
    is_visible,
    lookup_for,
    resolve,
    unresolved_names,
    visible_sections,
)
from forms.model import AssessmentForm, Header, Option, Question, Section

LEVELS = (Option("low", "Low"), Option("high", "High"))


def make_form() -> AssessmentForm:
    accommodation = Section(
        "accommodation",
        "Accommodation",
        short=True,
        questions=(
            Question("linked", "yesno", "Linked to offending?", required=True),
            Question(
                "analysis",
                "text",
                "Why?",
                show_if=parse("linked != none"),
                require_if=parse("linked == 'yes'"),
            ),
            Question("risk_note", "text", "Risk note", show_if=parse("risk.level in ['high']")),
            Question("full_only", "line", "Only in the full form", show_if=parse("not short")),
        ),
    )
    risk = Section(
        "risk",
        "Risk of serious harm",
        questions=(
            Question(
                "who",
                "grid",
                "Who is at risk?",
                rows=(Option("children", "Children"), Option("staff", "Staff")),
                columns=(Option("community", "Community"), Option("custody", "Custody")),
                options=LEVELS,
            ),
            Question("level", "choice", "Overall", options=LEVELS, required=True),
            Question(
                "children_plan",
                "text",
                "How children are kept safe",
                show_if=parse("who.children.community == 'high' or 'high' in who.children"),
                require_if=parse("accommodation.linked == 'yes'"),
            ),
        ),
    )
    return AssessmentForm(Header("mini", "assessment", "Mini", "1.0.0"), (accommodation, risk))


FORM = make_form()
ACCOMMODATION, RISK = FORM.sections


def question(section: Section, question_id: str) -> Question:
    found = section.question(question_id)
    assert found is not None
    return found


# ------------------------------------------------------------------ resolving names


def test_bare_name_is_a_question_in_the_same_section() -> None:
    assert resolve(FORM, ACCOMMODATION, "linked") == Resolved("accommodation.linked")
    assert resolve(FORM, RISK, "linked") is None


def test_section_question_names_a_question_anywhere() -> None:
    assert resolve(FORM, ACCOMMODATION, "risk.level") == Resolved("risk.level")
    assert resolve(FORM, RISK, "accommodation.linked") == Resolved("accommodation.linked")
    assert resolve(FORM, None, "risk.level") == Resolved("risk.level")


def test_form_wide_scope_has_no_bare_names() -> None:
    assert resolve(FORM, None, "level") is None


def test_a_question_in_this_section_wins_over_a_section_of_the_same_name() -> None:
    shadowing = Section("risk", "Risk", questions=(Question("accommodation", "line", "Where they live now"),))
    form = AssessmentForm(FORM.header, (ACCOMMODATION, shadowing))
    assert resolve(form, shadowing, "accommodation") == Resolved("risk.accommodation")
    assert resolve(form, shadowing, "accommodation.linked") is None
    assert unresolved_names(form, shadowing, parse("accommodation.linked == 'yes'")) == [
        "accommodation.linked"
    ]
    assert resolve(form, ACCOMMODATION, "accommodation.linked") == Resolved("accommodation.linked")


def test_grid_rows_and_cells() -> None:
    assert resolve(FORM, RISK, "who.children") == Resolved("risk.who", ("children",))
    assert resolve(FORM, RISK, "who.children.custody") == Resolved("risk.who", ("children", "custody"))
    assert resolve(FORM, None, "risk.who.staff.community") == Resolved("risk.who", ("staff", "community"))


def test_parts_that_name_nothing_do_not_resolve() -> None:
    assert resolve(FORM, RISK, "who.adults") is None
    assert resolve(FORM, RISK, "who.children.prison") is None
    assert resolve(FORM, None, "risk.who.children.community.extra") is None
    assert resolve(FORM, RISK, "level.high") is None
    assert resolve(FORM, None, "risk.nothing") is None
    assert resolve(FORM, None, "nowhere.level") is None


def test_unresolved_names_lists_unknown_names_in_written_order_and_accepts_short() -> None:
    expr = parse("zeta == 1 or short or linked == 'yes' or risk.levle == 'high' or alpha")
    assert unresolved_names(FORM, ACCOMMODATION, expr) == ["zeta", "risk.levle", "alpha"]
    assert unresolved_names(FORM, None, parse("short and risk.level == 'high'")) == []


def test_the_same_ids_in_another_form_resolve_against_that_form() -> None:
    other = AssessmentForm(
        Header("mini", "assessment", "Mini", "1.0.0"),
        (Section("accommodation", "Accommodation", questions=(Question("other", "line", "Other"),)),),
    )
    assert resolve(FORM, ACCOMMODATION, "linked") is not None
    assert resolve(other, other.sections[0], "linked") is None


# ------------------------------------------------------------------ looking up answers


def test_lookup_gives_answers_grid_cells_and_short() -> None:
    answers = {
        "accommodation.linked": "yes",
        "risk.who": {"children": {"community": "high"}},
    }
    lookup = lookup_for(FORM, RISK, answers, short=True)
    assert lookup("accommodation.linked") == "yes"
    assert lookup("who.children") == {"community": "high"}
    assert lookup("who.children.community") == "high"
    assert lookup("who.children.custody") is None
    assert lookup("who.staff.community") is None
    assert lookup("level") is None
    assert lookup("nonsense") is None
    assert lookup("short") is True
    assert lookup_for(FORM, RISK, answers, short=False)("short") is False


def test_a_grid_cell_below_a_non_grid_answer_is_unanswered() -> None:
    lookup = lookup_for(FORM, RISK, {"risk.who": "corrupted"}, short=False)
    assert lookup("who.children.community") is None


def test_holds_evaluates_a_form_wide_condition() -> None:
    expr = parse("risk.level in ['high', 'very_high']")
    assert holds(FORM, None, expr, {"risk.level": "high"}) is True
    assert holds(FORM, None, expr, {"risk.level": "low"}) is False


# ------------------------------------------------------------------ shown and required


def test_question_without_show_if_is_always_shown() -> None:
    assert is_visible(FORM, ACCOMMODATION, question(ACCOMMODATION, "linked"), {}) is True


def test_show_if_hides_until_its_condition_holds() -> None:
    analysis = question(ACCOMMODATION, "analysis")
    assert is_visible(FORM, ACCOMMODATION, analysis, {}) is False
    assert is_visible(FORM, ACCOMMODATION, analysis, {"accommodation.linked": "no"}) is True


def test_show_if_can_look_at_another_section() -> None:
    note = question(ACCOMMODATION, "risk_note")
    assert is_visible(FORM, ACCOMMODATION, note, {"risk.level": "low"}) is False
    assert is_visible(FORM, ACCOMMODATION, note, {"risk.level": "high"}) is True


def test_show_if_on_a_grid_cell_and_row() -> None:
    plan = question(RISK, "children_plan")
    assert is_visible(FORM, RISK, plan, {}) is False
    assert is_visible(FORM, RISK, plan, {"risk.who": {"children": {"community": "high"}}}) is True
    assert is_visible(FORM, RISK, plan, {"risk.who": {"children": {"custody": "high"}}}) is True
    assert is_visible(FORM, RISK, plan, {"risk.who": {"staff": {"custody": "high"}}}) is False


def test_required_and_require_if() -> None:
    linked = question(ACCOMMODATION, "linked")
    analysis = question(ACCOMMODATION, "analysis")
    assert is_required(FORM, ACCOMMODATION, linked, {}) is True
    assert is_required(FORM, ACCOMMODATION, analysis, {"accommodation.linked": "no"}) is False
    assert is_required(FORM, ACCOMMODATION, analysis, {"accommodation.linked": "yes"}) is True


def test_a_hidden_question_is_never_required() -> None:
    plan = question(RISK, "children_plan")
    answers = {"accommodation.linked": "yes"}
    assert is_visible(FORM, RISK, plan, answers) is False
    assert is_required(FORM, RISK, plan, answers) is False
    answers["risk.who"] = {"children": {"community": "high"}}
    assert is_required(FORM, RISK, plan, answers) is True


def test_short_mode_shows_only_short_sections() -> None:
    assert visible_sections(FORM, short=False) == [ACCOMMODATION, RISK]
    assert visible_sections(FORM, short=True) == [ACCOMMODATION]
    level = question(RISK, "level")
    assert is_visible(FORM, RISK, level, {}, short=True) is False
    assert is_required(FORM, RISK, level, {}, short=True) is False
    assert is_required(FORM, RISK, level, {}, short=False) is True


def test_short_name_in_show_if() -> None:
    full_only = question(ACCOMMODATION, "full_only")
    assert is_visible(FORM, ACCOMMODATION, full_only, {}, short=False) is True
    assert is_visible(FORM, ACCOMMODATION, full_only, {}, short=True) is False

"""Per-area templates: questions declared once (`[[template]]`) and asked in every section naming them."""

from __future__ import annotations

from forms.definition.errors import FormError
from forms.definition.load import library_files, load_file, load_text
from forms.model import AssessmentForm

FORM = """id = "t"
kind = "assessment"
title = "T"
version = "1.0.0"

[[template]]
id = "life_area"

  [[template.question]]
  id = "linked"
  type = "yesno"
  label = "Linked to offending?"
  required = true

  [[template.question]]
  id = "analysis"
  label = "Why does it link?"
  require_if = "linked == 'yes'"

  [[template.question]]
  id = "strengths"
  label = "Strengths?"

[[section]]
id = "housing"
title = "Housing"
template = "life_area"

  [[section.question]]
  id = "settled"
  type = "yesno"
  label = "Settled?"

[[section]]
id = "work"
title = "Work"
template = "life_area"

  [[section.question]]
  id = "analysis"
  label = "How does work, or the lack of it, link?"
  require_if = "linked == 'yes'"
"""


def load(text: str) -> tuple[AssessmentForm | None, list[FormError]]:
    result = load_text(text, "t.toml")
    definition = result.definition
    assert definition is None or isinstance(definition, AssessmentForm)
    return definition, result.errors


def test_each_section_asks_the_template_then_its_own_and_overrides_in_place() -> None:
    form, errors = load(FORM)
    assert errors == [] and form is not None
    assert [p for p, _ in form.questions()] == [
        "housing.linked",
        "housing.analysis",
        "housing.strengths",
        "housing.settled",
        "work.linked",
        "work.analysis",
        "work.strengths",
    ]
    assert form.question("housing.analysis").label == "Why does it link?"  # type: ignore[union-attr]
    assert form.question("work.analysis").label == "How does work, or the lack of it, link?"  # type: ignore[union-attr]
    # a template's bare names are the section's own questions, in each section
    assert form.question("work.analysis").require_if == form.question("housing.analysis").require_if  # type: ignore[union-attr]


def test_a_misspelt_template_is_named_with_a_suggestion() -> None:
    _, errors = load(
        FORM.replace(
            'id = "work"\ntitle = "Work"\ntemplate = "life_area"',
            'id = "work"\ntitle = "Work"\ntemplate = "life_aera"',
        )
    )
    error = errors[0]  # then work's own question names 'linked', which it no longer has
    assert str(error) == (
        "t.toml:37:12: section[2].template: there is no template 'life_aera' (did you mean 'life_area'?)"
    )


def test_a_mistake_in_a_template_question_is_reported_once_at_its_own_line() -> None:
    text = FORM.replace('label = "Strengths?"', 'label = "Strengths?"\n  wordbudget = 60')
    _, errors = load(text)
    [error] = errors
    assert error.line == 23 and error.path == "template[1].question[3].wordbudget"
    assert "unknown key 'wordbudget'" in error.message and "word_budget" in error.hint


def test_a_bad_name_in_a_template_condition_points_into_the_template_once() -> None:
    text = FORM.replace(
        "require_if = \"linked == 'yes'\"\n\n  [[template", "require_if = \"linkd == 'yes'\"\n\n  [[template"
    )
    _, errors = load(text)
    [error] = errors
    assert (error.line, error.col) == (18, 17)
    assert error.path == "template[1].question[2].require_if"
    assert "'linkd' is not a question" in error.message and "linked" in error.hint


def test_a_template_no_section_uses_is_reported() -> None:
    text = FORM.replace('template = "life_area"\n', "").replace(
        "  require_if = \"linked == 'yes'\"\n\n", "\n", 1
    )
    text = text.replace("  require_if = \"linked == 'yes'\"\n", "")
    _, errors = load(text)
    assert [e.message for e in errors] == ["no section uses template 'life_area'"]
    assert errors[0].line == 7


def test_a_section_with_a_template_needs_no_questions_of_its_own() -> None:
    text = FORM + '\n[[section]]\nid = "thinking"\ntitle = "Thinking"\ntemplate = "life_area"\n'
    form, errors = load(text)
    assert errors == [] and form is not None
    assert [q.id for q in form.section("thinking").questions] == ["linked", "analysis", "strengths"]  # type: ignore[union-attr]


def test_two_templates_with_one_id_and_duplicate_template_questions_are_reported() -> None:
    text = (
        FORM.replace(
            '  [[template.question]]\n  id = "strengths"', '  [[template.question]]\n  id = "linked"'
        )
        + '\n[[template]]\nid = "life_area"\n  [[template.question]]\n  id = "x"\n  label = "X"\n'
    )
    _, errors = load(text)
    messages = [e.message for e in errors]
    assert any("question id 'linked' is already used on line 10" in m for m in messages)
    assert any("template id 'life_area' is already used on line 7" in m for m in messages)


def test_the_shipped_assessment_declares_its_six_area_questions_once_and_keeps_every_id() -> None:
    path = next(p for p in library_files() if p.name == "assessment.toml")
    text = path.read_text(encoding="utf-8")
    assert text.count('id = "linked_offending"') == 1
    result = load_file(path)
    assert result.errors == []
    form = result.definition
    assert isinstance(form, AssessmentForm)
    areas = [s for s in form.sections if s.question("linked_offending")]
    assert len(areas) == 11
    for section in areas:
        assert [q.id for q in section.questions[:6]] == [
            "linked_offending",
            "linked_harm",
            "strengths",
            "own_view",
            "wants_change",
            "analysis",
        ]

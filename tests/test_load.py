"""Valid form definitions load into the model the way docs/forms.md promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.conditions.language import Expr
from forms.definition.assessment import GRID_COLUMN
from forms.definition.load import library_files, load_paths, load_text
from forms.definition.locate import START, find, positions
from forms.definition.registry import load_registry
from forms.model import AssessmentForm, Option, PlanTemplate, Rubric

VALID = Path(__file__).parent / "fixtures" / "forms" / "valid"
HEADER = 'id = "t"\nkind = "assessment"\ntitle = "T"\nversion = "1.0.0"\n[[section]]\nid = "s"\ntitle = "S"\n'


@pytest.fixture(scope="module")
def loaded() -> tuple[AssessmentForm, Rubric, PlanTemplate]:
    results = {Path(r.file).name: r for r in load_paths([VALID])}
    assert {name: r.errors for name, r in results.items()} == {name: [] for name in results}
    form, rubric, plan = (results[n].definition for n in ("mini.toml", "mini-qa.toml", "mini-plan.toml"))
    assert isinstance(form, AssessmentForm)
    assert isinstance(rubric, Rubric)
    assert isinstance(plan, PlanTemplate)
    return form, rubric, plan


def question(text: str):
    """The one question of a one-section form written as `text`."""
    result = load_text(HEADER + "[[section.question]]\n" + text, "t.toml")
    assert result.errors == []
    assert isinstance(result.definition, AssessmentForm)
    return result.definition.sections[0].questions[0]


# ------------------------------------------------------------------ assessments


def test_the_header_records_where_the_form_came_from(loaded) -> None:
    form, _, _ = loaded
    assert (form.id, form.version, form.header.title) == ("mini", "1.0.0", "Mini assessment")
    assert form.header.source.endswith("mini.toml")
    assert form.risk_level == "risk.level"
    assert (form.deadlines.initial_working_days, form.deadlines.review_weeks) == (10, 16)


def test_questions_keep_their_order_and_types(loaded) -> None:
    form, _, _ = loaded
    assert [(path, q.type) for path, q in form.questions()] == [
        ("accommodation.linked_offending", "yesno"),
        ("accommodation.analysis", "text"),
        ("accommodation.status", "choice"),
        ("risk.who", "grid"),
        ("risk.level", "choice"),
        ("risk.motivation", "scale"),
        ("risk.concerns", "multi"),
        ("risk.age", "number"),
        ("risk.summary", "line"),
        ("evidence.sources", "group"),
    ]
    assert form.sections[0].short and not form.sections[1].short


def test_bracketed_letters_become_keys_and_words_become_ids() -> None:
    q = question(
        'id = "q"\ntype = "choice"\nlabel = "Q"\noptions = ["[L]ow", "[V]ery high", "Pre-sentence report"]\n'
    )
    assert q.options == (
        Option("low", "Low", "l"),
        Option("very_high", "Very high", "v"),
        Option("pre_sentence_report", "Pre-sentence report", "p"),
    )


def test_options_without_brackets_get_the_first_letter_not_already_taken() -> None:
    q = question('id = "q"\ntype = "multi"\nlabel = "Q"\noptions = ["Home", "[H]ostel", "Hotel", "1 to 3"]\n')
    assert [(o.id, o.key) for o in q.options] == [
        ("home", "o"),
        ("hostel", "h"),
        ("hotel", "t"),
        ("1_to_3", "1"),
    ]


def test_an_option_table_fixes_its_id_and_key(loaded) -> None:
    form, _, _ = loaded
    status = form.question("accommodation.status")
    assert status.options == (
        Option("nfa", "No fixed abode", "n"),
        Option("settled", "Settled", "s"),
        Option("temporary", "Temporary", "t"),
    )


def test_yes_no_questions_answer_with_y_and_n(loaded) -> None:
    form, _, _ = loaded
    assert [(o.id, o.key) for o in form.question("accommodation.linked_offending").options] == [
        ("yes", "y"),
        ("no", "n"),
    ]


def test_a_grid_has_rows_columns_and_levels(loaded) -> None:
    form, _, _ = loaded
    who = form.question("risk.who")
    assert [r.id for r in who.rows] == ["children", "the_public", "a_known_adult", "staff"]
    assert [c.id for c in who.columns] == ["community", "custody"]
    assert [o.id for o in who.options] == ["low", "medium", "high", "very_high"]


def test_a_grid_without_columns_has_one_level_column() -> None:
    q = question('id = "g"\ntype = "grid"\nlabel = "G"\nrows = ["A", "B"]\nlevels = ["Low", "High"]\n')
    assert q.columns == (GRID_COLUMN,)


def test_scale_defaults_to_nought_to_five_and_text_is_the_default_type() -> None:
    scale = question('id = "s"\ntype = "scale"\nlabel = "S"\n')
    assert (scale.min, scale.max) == (0, 5)
    plain = question('id = "t"\nlabel = "T"\n')
    assert (plain.type, plain.word_budget, plain.required) == ("text", None, False)


def test_a_group_holds_its_fields_and_order(loaded) -> None:
    form, _, _ = loaded
    sources = form.question("evidence.sources")
    assert [(f.id, f.type) for f in sources.fields] == [
        ("kind", "choice"),
        ("date", "date"),
        ("author", "line"),
    ]
    assert (sources.min_items, sources.max_items, sources.order_by) == (1, 20, "date")
    assert sources.fields[1].required


def test_conditions_are_parsed_once_at_load(loaded) -> None:
    form, _, _ = loaded
    assert form.question("accommodation.analysis").require_if == Expr("linked_offending == 'yes'")
    assert form.question("risk.summary").show_if == Expr("who.children.community in ['high', 'very_high']")


# ---------------------------------------------------------------- rubric, plan


def test_rubric_checks_carry_their_parameters_with_defaults(loaded) -> None:
    _, rubric, _ = loaded
    assert rubric.form == "mini"
    assert rubric.second_countersign_if == Expr("risk.level in ['high', 'very_high']")
    checks = {c.kind: c for criterion in rubric.criteria for c in criterion.checks}
    assert checks["required"].params == {"sections": None}
    assert checks["text_when"].params == {
        "when": Expr("linked_offending == 'yes'"),
        "question": "analysis",
        "min_words": 20,
        "sections": None,
    }
    assert checks["text_when"].message == "{section} is linked: say why."
    assert checks["smart"].params == {
        "require": ["who", "by"],
        "vague": ["address thinking"],
        "future_dates": False,
    }
    assert checks["phrases"].params["phrases"] == {"in denial": "does not accept (say what, in their words)"}
    assert [c.graded for c in rubric.criteria] == [False, True, False, True]


def test_a_plan_template_keeps_labels_help_and_suggestions(loaded) -> None:
    _, _, plan = loaded
    assert plan.labels == {"goal": "In my own words: I will … so that …"}
    assert plan.help == {"measure": "Something you will both be able to see change."}
    assert plan.areas_when == Expr("linked_offending == 'yes'")
    assert [s.area for s in plan.suggestions] == ["accommodation"]


# -------------------------------------------------------------------- locate


def test_positions_follow_arrays_of_tables_and_nested_values() -> None:
    source = (
        'id = "x"  # a comment with [brackets]\n'
        "[[section]]\n"
        'help = """spans\n[[section]]\nlines"""\n'
        "  [[section.question]]\n"
        '  options = ["[A]", { id = "b", label = "B" },\n'
        '    "c # not a comment"]\n'
        "[[section]]\n"
        "  [[section.question]]\n"
        "  [[section.question]]\n"
        "  a.b = 1\n"
    )
    spots = positions(source)
    assert (spots[("id",)].line, spots[("id",)].value_col) == (1, 6)
    assert spots[("section", 0, "help")].line == 3
    assert spots[("section", 0, "question", 0)].key_col == 3
    assert (spots[("section", 0, "question", 0, "options", 1, "label")].line,) == (7,)
    assert spots[("section", 0, "question", 0, "options", 1, "label")].value_col == 41
    assert (
        spots[("section", 0, "question", 0, "options", 2)].line,
        spots[("section", 0, "question", 0, "options", 2)].value_col,
    ) == (8, 5)
    assert spots[("section", 1)].line == 9
    assert ("section", 2) not in spots
    assert spots[("section", 1, "question", 1, "a", "b")].line == 12


def test_a_missing_key_falls_back_to_its_table() -> None:
    spots = positions('[[section]]\nid = "a"\n')
    assert find(spots, ("section", 0, "title")).line == 1
    assert find(spots, ("nowhere",)) == START


def test_columns_inside_strings_count_escapes() -> None:
    spots = positions('a = "x \\"y\\" z"\nb = \'lit z\'\n')
    assert spots[("a",)].col_in_string(8) == 5 + 10
    assert spots[("b",)].col_in_string(5) == 5 + 5


# ------------------------------------------------------------------ registry


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def form_text(version: str, title: str) -> str:
    return HEADER.replace('"1.0.0"', f'"{version}"').replace('title = "T"', f'title = "{title}"') + (
        '[[section.question]]\nid = "q"\nlabel = "Q"\n'
    )


def rubric_text(rubric_id: str) -> str:
    return (
        f'id = "{rubric_id}"\nkind = "rubric"\ntitle = "R"\nversion = "1.0.0"\nform = "t"\n'
        '[[criterion]]\nid = "c"\ntitle = "C"\ngraded = true\n'
    )


def test_the_registry_holds_the_library_and_later_folders_replace(tmp_path: Path) -> None:
    write(tmp_path / "team", "a.toml", form_text("1.9.0", "Team 1.9"))
    write(tmp_path / "team", "b.toml", form_text("1.10.0", "Team 1.10"))
    write(tmp_path / "team", "qa.toml", rubric_text("team-qa"))
    write(tmp_path / "mine", "b.toml", form_text("1.10.0", "Mine 1.10"))
    write(tmp_path / "mine", "qa.toml", rubric_text("my-qa"))
    write(tmp_path / "mine", "broken.toml", 'id = "broken"\n')
    registry, errors = load_registry([tmp_path / "team", tmp_path / "mine"])
    assert registry.assessment("t").header.title == "Mine 1.10"
    assert registry.assessment("t", "1.9.0").header.title == "Team 1.9"
    assert registry.assessment("t", "2.0.0") is None
    assert registry.rubric_for("t").id == "my-qa"
    assert registry.plan_for("t") is None
    assert [e.file for e in errors] == [str(tmp_path / "mine" / "broken.toml")] * 3
    kinds = [d.header.kind for d in registry.all()]
    assert kinds == sorted(kinds, key=["assessment", "rubric", "plan"].index)
    assert len(registry.all()) == len(library_files()) + 4


def test_the_shipped_library_loads_clean() -> None:
    registry, errors = load_registry([])
    assert errors == []
    assert {d.header.kind for d in registry.all()} == {"assessment", "rubric", "plan"}
    for definition in registry.all():
        if not isinstance(definition, AssessmentForm):
            assert registry.assessment(definition.form) is not None

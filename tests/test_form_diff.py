"""`a4 forms diff OLD NEW`: what changed, in a trainer's words, and whether the version says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import cli

VALID = Path(__file__).parent / "fixtures" / "forms" / "valid"
MINI = (VALID / "mini.toml").read_text(encoding="utf-8")
MINI_PLAN = (VALID / "mini-plan.toml").read_text(encoding="utf-8")
RUBRIC = {"base": "mini-qa.toml"}
PLAN = {"base": "mini-plan.toml"}


@pytest.fixture
def diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Runs `a4 forms diff` on a valid fixture (mini.toml unless `base` names another) and an edited copy.

    Returns (exit code, printed lines).
    """

    def run(*edits: tuple[str, str], base: str = "mini.toml") -> tuple[int, list[str]]:
        new = (VALID / base).read_text(encoding="utf-8")
        for old_text, new_text in edits:
            assert old_text in new, old_text
            new = new.replace(old_text, new_text)
        (tmp_path / "new.toml").write_text(new, encoding="utf-8")
        code = cli.main(["forms", "diff", str(VALID / base), str(tmp_path / "new.toml")])
        return code, capsys.readouterr().out.splitlines()

    return run


def version(v: str) -> tuple[str, str]:
    return 'version = "1.0.0"', f'version = "{v}"'


def test_no_changes(diff) -> None:
    assert diff() == (0, ["assessment mini: version 1.0.0 → 1.0.0", "No changes."])


def test_help_reworded_under_a_patch_version(diff) -> None:
    code, lines = diff(
        version("1.0.1"),
        ('help = "Where the person lives,', 'help = "Where and how the person lives,'),
    )
    assert (code, lines) == (
        0,
        [
            "assessment mini: version 1.0.0 → 1.0.1",
            "Section “Accommodation” (accommodation)",
            "  help text changed",
            "These changes need a new patch version.",
        ],
    )


def test_a_removed_question_under_the_same_version_is_warned_about(diff) -> None:
    removed = '  [[section.question]]\n  id = "motivation"\n  type = "scale"\n'
    code, lines = diff((removed, '  [[section.question]]\n  id = "readiness"\n  type = "scale"\n'))
    assert code == 1
    assert lines == [
        "assessment mini: version 1.0.0 → 1.0.0",
        "Section “Risk of serious harm” (risk)",
        "  + question “How ready does the person feel to change?” (readiness) added (scale)",
        "  - question “How ready does the person feel to change?” (motivation) removed: its answers "
        "cannot carry over; it looks renamed to 'readiness': keep the id 'motivation', or write "
        "renamed_from = \"motivation\" in 'readiness', and its answers carry over",
        "These changes need a new major version.",
        "Warning: the form changed but its version is still 1.0.0: records written against 1.0.0 would "
        "open with the changed form. Make it 2.0.0.",
    ]


def test_retyped_relabelled_and_options_changed_with_only_a_minor_bump(diff) -> None:
    code, lines = diff(
        version("1.1.0"),
        ('label = "Why, and on what evidence?"\n  word_budget = 150', 'label = "Why?"\n  word_budget = 100'),
        ('    "Temporary",\n', '    "Hostel",\n'),
        ('  id = "motivation"\n  type = "scale"', '  id = "motivation"\n  type = "number"'),
    )
    assert code == 1
    assert lines == [
        "assessment mini: version 1.0.0 → 1.1.0",
        "Section “Accommodation” (accommodation)",
        "  ~ “Why?” (analysis): label was “Why, and on what evidence?”",
        "  ~ “Why?” (analysis): word budget 150 → 100",
        "  ~ “Where does the person live?” (status): options removed: “Temporary” (some earlier answers "
        "may not carry over)",
        "  ~ “Where does the person live?” (status): options added: “Hostel”",
        "Section “Risk of serious harm” (risk)",
        "  ~ “How ready does the person feel to change?” (motivation): type scale → number (some earlier "
        "answers may not carry over)",
        "These changes need a new major version.",
        "Warning: some earlier answers cannot carry over, which needs a new major version: make it 2.0.0, "
        "not 1.1.0.",
    ]


def test_an_added_section_with_a_patch_bump_needs_a_minor_version(diff) -> None:
    health = (
        '[[section]]\nid = "health"\ntitle = "Health"\n\n'
        '  [[section.question]]\n  id = "notes"\n  label = "Notes"\n'
    )
    code, lines = diff(version("1.0.1"), ('[[section]]\nid = "risk"', health + '\n[[section]]\nid = "risk"'))
    assert code == 1
    assert lines == [
        "assessment mini: version 1.0.0 → 1.0.1",
        "The form",
        "  + section “Health” (health) added, 1 question",
        "These changes need a new minor version.",
        "Warning: the form now asks or behaves differently, which needs a new minor version: make it "
        "1.1.0, not 1.0.1.",
    ]


def test_a_correct_major_bump_is_not_warned_about(diff) -> None:
    code, lines = diff(version("2.0.0"), ('    "Temporary",\n', ""))
    assert code == 0
    assert lines[-1] == "These changes need a new major version."


def test_a_grid_row_and_a_group_field_changed(diff) -> None:
    code, lines = diff(
        version("2.0.0"),
        ('"A known adult", ', ""),
        ('label = "Author"', 'label = "Written by"'),
    )
    assert code == 0
    assert (
        "  ~ “Who is at risk, and how much?” (who): rows removed: “A known adult” (some earlier answers "
        "may not carry over)"
    ) in lines
    assert "  ~ “Sources” (sources), field “Written by” (author): label was “Author”" in lines


def test_a_file_with_problems_is_not_compared(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(MINI.replace('version = "1.0.0"', 'version = "1.0"'), encoding="utf-8")
    assert cli.main(["forms", "diff", str(VALID / "mini.toml"), str(broken)]) == 1
    assert (
        capsys.readouterr().err.splitlines()[0].startswith(f"{broken}:4:11: version: '1.0' is not a version")
    )


# ---------------------------------------------------------------- rubrics


def test_a_new_check_a_tighter_word_limit_and_a_graded_criterion_need_a_minor_version(diff) -> None:
    code, lines = diff(
        version("1.1.0"),
        (
            'id = "complete"\ntitle = "The essentials are answered"\n',
            'id = "complete"\ntitle = "The essentials are answered"\ngraded = true\n',
        ),
        ("min_words = 20", "min_words = 40"),
        (
            '  fields = ["kind", "date"]\n',
            '  fields = ["kind", "date"]\n\n  [[criterion.check]]\n  kind = "required"\n',
        ),
        **RUBRIC,
    )
    assert (code, lines) == (
        0,
        [
            "rubric mini-qa: version 1.0.0 → 1.1.0",
            "Criterion “The essentials are answered” (complete)",
            "  now graded by hand",
            "Criterion “Analysis explains the links” (analysis)",
            "  ~ text_when check: min_words 20 → 40",
            "Criterion “Sources are listed” (sources)",
            "  + required check added: finds required questions (shown, or required by require_if) left "
            "unanswered",
            "These changes need a new minor version.",
        ],
    )


def test_changed_levels_and_a_removed_criterion_under_a_minor_version_are_warned_about(diff) -> None:
    sources = (
        '[[criterion]]\nid = "sources"\ntitle = "Sources are listed"\n\n  [[criterion.check]]\n'
        '  kind = "min_sources"\n  group = "evidence.sources"\n  min = 2\n  fields = ["kind", "date"]\n\n'
    )
    code, lines = diff(
        version("1.1.0"),
        ('"Sufficient", "Good"', '"Sufficient", "Good", "Outstanding"'),
        (sources, ""),
        **RUBRIC,
    )
    assert (code, lines) == (
        1,
        [
            "rubric mini-qa: version 1.0.0 → 1.1.0",
            "The rubric",
            "  grade levels “Insufficient”, “Sufficient”, “Good” → “Insufficient”, “Sufficient”, “Good”, "
            "“Outstanding”: earlier grades may not fit",
            "  - criterion “Sources are listed” (sources) removed: its grades cannot carry over",
            "These changes need a new major version.",
            "Warning: some earlier grades cannot carry over, which needs a new major version: make it 2.0.0, "
            "not 1.1.0.",
        ],
    )


def test_a_criterion_no_longer_graded_and_a_removed_check(diff) -> None:
    code, lines = diff(
        version("2.0.0"),
        ('title = "The plan is the person\'s own"\ngraded = true', 'title = "The plan is the person\'s own"'),
        ('\n  [[criterion.check]]\n  kind = "word_budget"\n  sections = ["accommodation"]\n', ""),
        ("  tolerance = 10\n", ""),
        **RUBRIC,
    )
    assert (code, lines) == (
        0,
        [
            "rubric mini-qa: version 1.0.0 → 2.0.0",
            "Criterion “Analysis explains the links” (analysis)",
            "  - word_budget check removed",
            "Criterion “The plan is the person's own” (plan)",
            "  no longer graded by hand: its grades cannot carry over",
            "These changes need a new major version.",
        ],
    )


def test_countersigning_and_wording_changed_under_the_same_version(diff) -> None:
    code, lines = diff(
        ("'high', 'very_high'", "'very_high'"),
        ('help = "Does each linked area', 'help = "Does every linked area'),
        ('message = "{section} is linked: say why."', 'message = "{section} is linked: say how."'),
        ('title = "Sources are listed"', 'title = "Sources are named"'),
        **RUBRIC,
    )
    assert (code, lines) == (
        1,
        [
            "rubric mini-qa: version 1.0.0 → 1.0.0",
            "The rubric",
            "  second countersignature when: “risk.level in ['high', 'very_high']” → “risk.level in "
            "['very_high']”",
            "Criterion “Analysis explains the links” (analysis)",
            "  help text changed",
            "  ~ text_when check: finding text changed",
            "Criterion “Sources are named” (sources)",
            "  title: “Sources are listed” → “Sources are named”",
            "These changes need a new minor version.",
            "Warning: the rubric changed but its version is still 1.0.0: records written against 1.0.0 would "
            "open with the changed rubric. Make it 1.1.0.",
        ],
    )


# ---------------------------------------------------------------- plan templates


def test_plan_labels_and_help_reworded_need_a_patch_version(diff) -> None:
    code, lines = diff(
        version("1.0.1"),
        ('goal = "In my own words', 'goal = "In our own words'),
        ("[help]\n", '[help]\nwho = "Name a person or a service."\n'),
        **PLAN,
    )
    assert (code, lines) == (
        0,
        [
            "plan mini-plan: version 1.0.0 → 1.0.1",
            "Objective fields",
            "  goal label: “In my own words: I will … so that …” → “In our own words: I will … so that …”",
            "  help for who changed",
            "These changes need a new patch version.",
        ],
    )


def test_plan_areas_and_suggestions_changed_with_a_patch_bump_need_a_minor_version(diff) -> None:
    last = 'measure = "A tenancy or licence agreement in my name."\n'
    added = '\n[[suggest]]\narea = "risk"\ngoal = "I will keep every appointment with my probation worker."\n'
    code, lines = diff(
        version("1.0.1"),
        ("areas_when = \"linked_offending == 'yes'\"", "areas_when = \"linked_harm == 'yes'\""),
        ("at least six months", "at least a year"),
        (last, last.replace("A tenancy", "A signed tenancy") + added),
        **PLAN,
    )
    assert (code, lines) == (
        1,
        [
            "plan mini-plan: version 1.0.0 → 1.0.1",
            "The plan template",
            "  areas a plan must address: “linked_offending == 'yes'” → “linked_harm == 'yes'”",
            "Suggestions",
            "  ~ for accommodation, “I will find a place I can stay …” reworded: goal, measure",
            "  + for risk, “I will keep every appointment with my probation …” added",
            "These changes need a new minor version.",
            "Warning: the plan template now guides differently, which needs a new minor version: make it "
            "1.1.0, not 1.0.1.",
        ],
    )


def test_a_removed_suggestion(diff) -> None:
    suggestion = MINI_PLAN[MINI_PLAN.index("[[suggest]]") :]
    code, lines = diff(version("1.1.0"), (suggestion, ""), **PLAN)
    assert (code, lines) == (
        0,
        [
            "plan mini-plan: version 1.0.0 → 1.1.0",
            "Suggestions",
            "  - for accommodation, “I will find a place I can stay …” removed",
            "These changes need a new minor version.",
        ],
    )


# ---------------------------------------------------------------- refusals


def test_two_kinds_of_definition_are_not_compared(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = VALID / "mini-qa.toml", VALID / "mini-plan.toml"
    assert cli.main(["forms", "diff", str(old), str(new)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"a4: {old} is a rubric and {new} is a plan template: `a4 forms diff` compares two versions of one "
        "definition."
    ]


def test_two_different_rubrics_are_not_compared(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = VALID / "mini-qa.toml", tmp_path / "other.toml"
    new.write_text(
        old.read_text(encoding="utf-8").replace('id = "mini-qa"', 'id = "other-qa"'), encoding="utf-8"
    )
    assert cli.main(["forms", "diff", str(old), str(new)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"a4: {old} is 'mini-qa' and {new} is 'other-qa': records move only between versions of one rubric; "
        "give the new file the id 'mini-qa' if it replaces the old one."
    ]


def test_withholding_an_answer_from_the_person_needs_a_minor_version(diff) -> None:
    code, lines = diff(
        version("1.1.0"),
        ('  id = "analysis"\n', '  id = "analysis"\n  withhold_from_person = true\n'),
    )
    assert code == 0
    assert "no longer shared with the person" in "\n".join(lines)
    assert lines[-1] == "These changes need a new minor version."


def test_a_question_renamed_with_renamed_from_carries_its_answers_under_a_minor_version(diff) -> None:
    renamed = '  [[section.question]]\n  id = "readiness"\n  renamed_from = "motivation"\n  type = "scale"\n'
    code, lines = diff(
        version("1.1.0"), ('  [[section.question]]\n  id = "motivation"\n  type = "scale"\n', renamed)
    )
    assert (code, lines) == (
        0,
        [
            "assessment mini: version 1.0.0 → 1.1.0",
            "Section “Risk of serious harm” (risk)",
            "  ~ question “How ready does the person feel to change?” (readiness): "
            "renamed from 'motivation', answers carry over",
            "These changes need a new minor version.",
        ],
    )


MOTIVATION = (
    '  [[section.question]]\n  id = "motivation"\n  type = "scale"\n'
    '  label = "How ready does the person feel to change?"\n  min = 1\n  max = 5\n\n'
)


def test_a_question_moved_to_another_section_with_renamed_from_is_not_reported_lost(diff) -> None:
    """`renamed_from = "section.id"` carries answers across sections (docs/forms.md), so the diff must
    say they carry over rather than "removed: its answers cannot carry over" in the old section."""
    moved = MOTIVATION.replace(
        'id = "motivation"\n', 'id = "readiness"\n  renamed_from = "risk.motivation"\n'
    )
    code, lines = diff(
        version("1.1.0"),
        (MOTIVATION, ""),
        ('    "Temporary",\n  ]\n', '    "Temporary",\n  ]\n\n' + moved.rstrip("\n") + "\n"),
    )
    assert (code, lines) == (
        0,
        [
            "assessment mini: version 1.0.0 → 1.1.0",
            "Section “Accommodation” (accommodation)",
            "  ~ question “How ready does the person feel to change?” (readiness): "
            "moved here from risk.motivation, answers carry over",
            "Section “Risk of serious harm” (risk)",
            "  ~ question “How ready does the person feel to change?” (motivation): "
            "moved to accommodation.readiness (renamed_from), answers carry over",
            "These changes need a new minor version.",
        ],
    )


def test_a_moved_question_still_reports_what_changed_on_the_way(diff) -> None:
    moved = MOTIVATION.replace(
        'id = "motivation"\n', 'id = "readiness"\n  renamed_from = "risk.motivation"\n'
    )
    code, lines = diff(
        version("2.0.0"),
        (MOTIVATION, ""),
        (
            '    "Temporary",\n  ]\n',
            '    "Temporary",\n  ]\n\n' + moved.replace("max = 5", "max = 4").rstrip("\n") + "\n",
        ),
    )
    assert code == 0
    text = "\n".join(lines)
    assert "moved to accommodation.readiness (renamed_from), answers carry over" in text
    assert "cannot carry over" not in text.split("moved to")[0]
    assert lines[-1] == "These changes need a new major version."

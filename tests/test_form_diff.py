"""`a4 forms diff OLD NEW`: what changed, in a trainer's words, and whether the version says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import cli

VALID = Path(__file__).parent / "fixtures" / "forms" / "valid"
MINI = (VALID / "mini.toml").read_text(encoding="utf-8")


@pytest.fixture
def diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Runs `a4 forms diff` on mini.toml and an edited copy; returns (exit code, printed lines)."""

    def run(*edits: tuple[str, str]) -> tuple[int, list[str]]:
        new = MINI
        for old_text, new_text in edits:
            assert old_text in new, old_text
            new = new.replace(old_text, new_text)
        (tmp_path / "new.toml").write_text(new, encoding="utf-8")
        code = cli.main(["forms", "diff", str(VALID / "mini.toml"), str(tmp_path / "new.toml")])
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
        "cannot carry over",
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

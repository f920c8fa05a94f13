"""`a4 forms check|list|schema` as a trainer (or a team's CI job) uses them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from forms.definition.load import library_files

VALID = Path(__file__).parent / "fixtures" / "forms" / "valid"
SCHEMA_FILE = Path(__file__).parent.parent / "forms" / "definition" / "schema" / "form.schema.json"
BROKEN = (
    'id = "broken"\nkind = "assessment"\ntitle = "Broken"\nversion = "1.0"\n'
    '[[section]]\nid = "s"\ntitle = "S"\n'
)


def test_check_passes_clean_files(a4, capsys: pytest.CaptureFixture[str]) -> None:
    assert a4("forms", "check", VALID) == 0
    assert capsys.readouterr().out == "3 definitions OK\n"


def test_the_shipped_library_passes_check(a4, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: the assessment, rubric and plan a team is given pass the trainer's own check."""
    folder = library_files()[0].parent
    assert a4("forms", "check", folder) == 0
    assert capsys.readouterr().out == f"{len(library_files())} definitions OK\n"


def test_check_lists_every_problem_and_fails(a4, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    assert a4("forms", "check", broken, VALID) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{broken}:4:11: version: '1.0' is not a version (write MAJOR.MINOR.PATCH, e.g. \"1.0.0\")",
        f"{broken}:5:1: section[1].question: missing 'question' (add at least one [[section.question]])",
        "2 problems in 1 file",
    ]


def test_list_shows_shipped_own_and_extra_forms(
    a4, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = tmp_path / "config" / "a4" / "forms"
    own.mkdir(parents=True)
    (own / "mine.toml").write_text(
        (VALID / "mini.toml").read_text(encoding="utf-8").replace('version = "1.0.0"', 'version = "1.1.0"'),
        encoding="utf-8",
    )
    assert a4("--forms", VALID, "forms", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["KIND", "ID", "VERSION", "TITLE", "FILE"]
    listed = [line.split()[:3] for line in lines[1:]]
    assert ["assessment", "mini", "1.0.0"] in listed
    assert ["assessment", "mini", "1.1.0"] in listed
    assert ["rubric", "mini-qa", "1.0.0"] in listed
    assert len(listed) == len(library_files()) + 4


def test_list_reports_broken_files_but_lists_the_rest(
    a4, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "broken.toml").write_text(BROKEN, encoding="utf-8")
    assert a4("--forms", tmp_path / "team", "forms", "list") == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == len(library_files()) + 1
    assert err.splitlines()[-1] == "2 problems: those definitions were left out"


def test_schema_prints_the_shipped_schema(a4, capsys: pytest.CaptureFixture[str]) -> None:
    assert a4("forms", "schema") == 0
    printed = capsys.readouterr().out
    assert printed == SCHEMA_FILE.read_text(encoding="utf-8")
    assert json.loads(printed)["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_a_real_process_prints_problems_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "binary.toml").write_bytes(bytes(range(256)))
    (tmp_path / "syntax.toml").write_text('id = "x\n', encoding="utf-8")
    code = (
        "import sys, tui.cli as cli\n"
        "if 'forms_cmd' not in cli.COMMAND_MODULES: cli.COMMAND_MODULES += ('forms_cmd',)\n"
        "sys.exit(cli.main(sys.argv[1:]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, "forms", "check", str(tmp_path), str(tmp_path / "missing.toml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert run.stdout.splitlines()[-1] == "3 problems in 3 files"


def test_schema_write_puts_the_schema_where_each_forms_schema_line_finds_it(
    a4, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert a4("forms", "schema", "--write", tmp_path / "forms") == 0
    written = tmp_path / "forms" / "a4-form.schema.json"
    assert written.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")
    assert capsys.readouterr().out == (
        f"Wrote {written}: start each form in {tmp_path / 'forms'} "
        "with the line  #:schema ./a4-form.schema.json\n"
    )

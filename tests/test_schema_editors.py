"""The shipped schema as editors use it: taplo and tombi report each mistake once, at its line.

A trainer's editor reads `#:schema ./a4-form.schema.json` and underlines
mistakes as they type.  These tests run the real `taplo` and `tombi` (both
in the test extra) on copies of the shipped library written next to the
schema the way `a4 forms schema --write` does, then on copies with one
mistake each, and hold each editor to one diagnostic per mistake, on the
mistake's own line.  (taplo reports `additionalProperties: false` and a
missing required key over every line of the table; the schema therefore
rejects an unknown key's value instead, and requires a table's keys only
while every key in it is known.)
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from forms.definition.load import library_files
from tests.cli_support import run_a4

SCHEMA_LINE = "#:schema ./a4-form.schema.json"

_TAPLO = re.compile(r"^error: (?P<message>.*)\n\s*┌─ (?P<file>.*?):(?P<line>\d+):\d+", re.MULTILINE)


def tool(name: str) -> str:
    """The editor's checker installed with the test extra: beside this Python (a venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def library_copy(folder: Path) -> dict[str, Path]:
    """The shipped files and their schema, written as a trainer's forms folder."""
    assert run_a4("forms", "schema", "--write", str(folder)).returncode == 0
    copies = {}
    for path in library_files():
        copies[path.stem] = folder / path.name
        shutil.copyfile(path, copies[path.stem])
    return copies


def taplo(path: Path) -> dict[str, set[int]]:
    """taplo's distinct messages about `path`, each with the lines it marks.

    A message about a table (a missing key) is shown over the table's header
    and every key in it; a message about a value, at the value.
    """
    result = subprocess.run(
        [tool("taplo"), "check", "--colors", "never", str(path)],
        capture_output=True,
        text=True,
        cwd=path.parent,
    )
    found: dict[str, set[int]] = {}
    for match in _TAPLO.finditer(result.stdout + result.stderr):
        found.setdefault(match.group("message"), set()).add(int(match.group("line")))
    assert (result.returncode == 0) == (not found), result.stderr
    return found


def tombi(path: Path) -> set[tuple[str, int]]:
    """tombi's messages about `path` (errors and warnings), each with its line."""
    return {(d["message"], d["range"]["start"]["line"]) for d in tombi_diagnostics(path)}


def tombi_diagnostics(path: Path) -> list[dict[str, Any]]:
    """tombi's diagnostics about `path`, as it writes them in JSON (level, message, range)."""
    result = subprocess.run(
        [
            tool("tombi"),
            "lint",
            "--offline",
            "--diagnostics-format",
            "json",
            "--diagnostics-file",
            "/dev/stdout",
            path.name,
        ],
        capture_output=True,
        text=True,
        cwd=path.parent,
    )
    found: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    return found


def test_the_shipped_library_names_a_schema_that_works_where_it_is() -> None:
    for path in library_files():
        assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE
        assert (path.parent / "a4-form.schema.json").is_file()
        assert taplo(path) == {}
        assert tombi(path) == set()


def test_the_library_written_beside_its_schema_is_clean(tmp_path: Path) -> None:
    for path in library_copy(tmp_path).values():
        assert taplo(path) == {}
        assert tombi(path) == set()


def mutate(path: Path, old: str, new: str, nth: int = 1) -> int:
    """Replace the `nth` line equal to `old` (stripped) with `new` (same indent); the line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    seen = 0
    for index, line in enumerate(lines):
        if line.strip() == old:
            seen += 1
            if seen == nth:
                lines[index] = line[: len(line) - len(line.lstrip())] + new
                path.write_text("\n".join(lines) + "\n", encoding="utf-8")
                return index + 1
    raise AssertionError(f"no line {old!r}")


MISTAKES = {
    "misspelt optional key": ("assessment", "word_budget = 60", "wordbudget = 60", 0),
    "misspelt question type": ("assessment", 'type = "yesno"', 'type = "yes/no"', 0),
    "number in quotes": ("assessment", "word_budget = 60", 'word_budget = "60"', 0),
    "option key too long": (
        "assessment",
        '{ id = "yes", label = "Yes", key = "y" },',
        '{ id = "yes", label = "Yes", key = "yy" },',
        0,
    ),
    "key of another type": (
        "assessment",
        'label = "Linked to offending?"',
        'label = "Linked to offending?"\n  word_budget = 5',
        1,
    ),
    "misspelt check parameter": ("rubric", "min_words = 30", "min_word = 30", 0),
    "unknown check kind": ("rubric", 'kind = "word_budget"', 'kind = "word_count"', 0),
    "misspelt suggestion key": ("plan", "[[suggest]]", '[[suggest]]\nmeasures = "x"', 1),
    "bad version": ("assessment", 'version = "2.2.0"', 'version = "2.0"', 0),
    "misspelt required key": (
        "assessment",
        'label = "What strengths or protective factors are here?"',
        'lable = "What strengths or protective factors are here?"',
        0,
    ),
    "misspelt top-level key": ("assessment", 'version = "2.2.0"', 'versoin = "2.1.0"', 0),
    "misspelt required check parameter": ("rubric", 'question = "strengths"', 'questoin = "strengths"', 0),
    "misspelt section key": ("assessment", 'title = "Accommodation"', 'titel = "Accommodation"', 0),
}
"""Each mistake: the file, the line changed, what it becomes, and how far below that line it is reported."""


@pytest.mark.parametrize("name", MISTAKES)
def test_each_mistake_is_one_message_at_its_line(name: str, tmp_path: Path) -> None:
    stem, old, new, below = MISTAKES[name]
    path = library_copy(tmp_path)[stem]
    line = mutate(path, old, new) + below
    [(message, lines)] = taplo(path).items()
    assert lines == {line}, message
    [(message, at)] = tombi(path)
    assert at == line, message


def test_taplo_names_the_keys_a_misspelt_key_could_be(tmp_path: Path) -> None:
    path = library_copy(tmp_path)["assessment"]
    line = mutate(path, "word_budget = 60", "wordbudget = 60")
    assert taplo(path) == {
        '{"description":"not a key of a text question: check its spelling, or use one of: id, type, label, '
        'help, required, show_if, require_if, withhold_from_person, renamed_from, word_budget"} '
        "is not allowed for 60": {line}
    }


def tombi_errors(path: Path) -> list[tuple[str, int]]:
    """tombi's errors about `path` (its own warnings, such as tables out of order, left out)."""
    found = tombi_diagnostics(path)
    return [(d["message"], d["range"]["start"]["line"]) for d in found if d["level"] == "error"]


NESTING = {
    "[[question]] for [[section.question]]": ("[[section.question]]", "[[question]]"),
    "[[section.field]] for [[section.question.field]]": ("[[section.question.field]]", "[[section.field]]"),
}


@pytest.mark.parametrize("name", NESTING)
def test_a_misplaced_table_is_one_message_from_its_header(name: str, tmp_path: Path) -> None:
    """A table header in the wrong place is one schema error in each editor, starting at the header.

    taplo marks a value that is a table over each of its lines, so its one
    message covers the misplaced table's lines (and no others); tombi gives
    it once, at the header (besides its own warnings about table order).
    """
    old, new = NESTING[name]
    path = library_copy(tmp_path)["assessment"]
    line = mutate(path, old, new, nth=3)
    lines = path.read_text(encoding="utf-8").splitlines()
    end = next(n for n in range(line + 1, len(lines) + 1) if lines[n - 1].lstrip().startswith("["))
    [(message, marked)] = taplo(path).items()
    assert min(marked) == line and max(marked) < end, message
    assert [at for _, at in tombi_errors(path)] == [line]


def test_the_starters_a4_forms_new_writes_are_clean_in_both_editors(tmp_path: Path) -> None:
    for args in (("assessment", "housing"), ("rubric", "housing-qa"), ("plan", "housing-plan")):
        extra = ("--form", "housing") if args[0] != "assessment" else ()
        assert run_a4("forms", "new", *args, *extra, "--dir", str(tmp_path)).returncode == 0
        path = tmp_path / f"{args[1]}.toml"
        assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE
        assert taplo(path) == {}
        assert tombi(path) == set()

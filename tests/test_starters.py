"""`a4 forms new KIND NAME`: starter files a trainer can check, preview and change straight away."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forms.definition.load import load_paths
from forms.definition.starters import SCHEMA_FILE, starter_source
from forms.model import FORM_KINDS


@pytest.mark.parametrize("kind", FORM_KINDS)
def test_each_shipped_starter_is_valid_as_written_and_names_the_schema(kind: str) -> None:
    text = starter_source(kind)
    assert text.splitlines()[0] == f"#:schema ./{SCHEMA_FILE}"
    assert sum(line.lstrip().startswith("#") for line in text.splitlines()) >= 5  # commented for trainers


@pytest.mark.parametrize("kind", FORM_KINDS)
def test_new_writes_a_starter_that_passes_check(
    a4, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "my-forms"
    assert a4("forms", "new", kind, f"housing-{kind}", "--dir", folder) == 0
    written = folder / f"housing-{kind}.toml"
    assert f"Wrote {written}: a starter {kind}" in capsys.readouterr().out
    assert f'id = "housing-{kind}"' in written.read_text(encoding="utf-8")
    assert json.loads((folder / SCHEMA_FILE).read_text(encoding="utf-8"))["$schema"].startswith(
        "http://json-schema.org/draft-07"
    )
    assert a4("forms", "check", written) == 0
    assert capsys.readouterr().out == "1 definition OK\n"


def test_a_rubric_and_plan_can_belong_to_the_trainers_own_form(a4, tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    assert a4("forms", "new", "assessment", "housing", "--dir", folder) == 0
    assert a4("forms", "new", "rubric", "housing-qa", "--dir", folder, "--form", "housing") == 0
    assert a4("forms", "new", "plan", "housing-plan", "--dir", folder, "--form", "housing") == 0
    assert 'form = "housing"' in (folder / "housing-plan.toml").read_text(encoding="utf-8")
    assert [r.errors for r in load_paths([folder])] == [[], [], []]


def test_new_refuses_to_overwrite_or_to_use_an_unknown_form(
    a4, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert a4("forms", "new", "plan", "p", "--dir", tmp_path) == 0
    assert a4("forms", "new", "plan", "p", "--dir", tmp_path) == 1
    assert a4("forms", "new", "plan", "q", "--dir", tmp_path, "--form", "a4-assesment") == 1
    assert a4("forms", "new", "plan", "Bad Name", "--dir", tmp_path) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"a4: {tmp_path / 'p.toml'} already exists; choose another NAME or --dir.",
        "a4: there is no assessment form 'a4-assesment' (did you mean 'a4-assessment'?).",
        "a4: 'Bad Name' cannot be an id: use lower-case letters, digits, - and _, "
        "starting with a letter or digit.",
    ]

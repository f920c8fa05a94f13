"""No traceback anywhere a user can reach (issue 16): one line, and a report without names or text."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import make_app
from tui import cli

SECRET = "Alex Morgan-Secretname"


def _reports(folder: Path) -> list[Path]:
    return sorted(folder.glob("a4-problem-*.txt"))


def test_an_unforeseen_error_in_a_command_is_one_line_and_a_private_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: object) -> int:
        secret_name = SECRET
        raise KeyError(secret_name)

    monkeypatch.setattr("tui.commands.cases_cmd.run", broken)
    assert cli.main(["--data-dir", str(tmp_path), "cases"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "unexpected problem (KeyError)" in err and SECRET not in err
    (report,) = _reports(tmp_path)
    assert str(report) in err
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text()
    assert SECRET not in text and "secret_name" not in text
    assert "builtins.KeyError" in text and "test_no_tracebacks.py" in text


async def test_an_unforeseen_error_in_the_app_leaves_one_line_and_no_locals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = SqliteStore(tmp_path / "a4.db")
    app = make_app(store)
    app.report_dir = str(tmp_path)

    def boom() -> None:
        secret_name = SECRET
        raise ValueError(secret_name)

    with pytest.raises(ValueError):
        async with app.run_test() as pilot:
            app.call_later(boom)
            await pilot.pause()
    store.close()
    assert app.return_code == 1
    (report,) = _reports(tmp_path)
    assert SECRET not in report.read_text() and "secret_name" not in report.read_text()
    shown = capsys.readouterr().err
    assert "Traceback" not in shown and SECRET not in shown and "secret_name" not in shown
    assert "A4 stopped: an unexpected problem (ValueError)" in shown
    assert f"a report was written to {report}" in app._crash_line


HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FORMS: dict[str, str] = {
    "deep_parentheses.toml": "require_if: the condition is nested too deeply (more than 40 levels)",
    "deep_array_in_condition.toml": "require_if: the condition is nested too deeply",
    "deep_toml_array.toml": ":6:73: arrays or tables nested more than 64 deep",
    "huge_working_days.toml": "deadlines.initial_working_days: 'initial_working_days' must be 260 or less, "
    "got 5000000",
    # Found by the audit of issue 16: a title or label written with TOML's \u001b escapes passed
    # `forms check` and reached terminals raw (`forms list`, the app's section titles).
    "escape_in_labels.toml": ":3:9: title: the text holds ESC, which cannot be stored; remove it",
    "escape_in_key.toml": "unknown key 'note␛]0;PWNED␇'",
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_hostile_form_is_one_problem_in_check_list_and_new(tmp_path: Path, name: str) -> None:
    from tests.cli_support import a4_in

    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / name).write_bytes((HOSTILE / "forms" / name).read_bytes())
    checked = a4_in(tmp_path, "forms", "check", str(folder))
    assert checked.returncode == 1 and FORMS[name] in checked.stdout
    assert "Traceback" not in checked.stdout + checked.stderr
    listed = a4_in(tmp_path, "--forms", str(folder), "forms", "list")
    assert "Traceback" not in listed.stdout + listed.stderr
    assert RAW.search(checked.stdout + listed.stdout + listed.stderr) is None
    made = a4_in(
        tmp_path, "--forms", str(folder), "new", "--ref", "X1", "--name", "Sam", "--start", "2025-03-03"
    )
    assert made.returncode == 0 and "Traceback" not in made.stderr


def test_every_hostile_form_is_covered() -> None:
    assert {f.name for f in (HOSTILE / "forms").iterdir()} == set(FORMS)


def test_forms_check_on_a_folder_without_definitions_fails(tmp_path: Path) -> None:
    from tests.cli_support import a4_in

    result = a4_in(tmp_path, "forms", "check", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == (
        f"a4: no form definitions (.toml files) in {tmp_path}; nothing was checked "
        "(name the folder or files of your forms, or start one with `a4 forms new assessment NAME`)\n"
    )
    assert "OK" not in result.stdout


def test_a_deeply_nested_config_is_one_line_for_the_command_and_the_app(tmp_path: Path) -> None:
    from tests.cli_support import run_a4
    from tui.config import load_config

    config = HOSTILE / "config" / "deep_array.toml"
    result = run_a4("cases", env={"A4_CONFIG": str(config), "A4_DATA_DIR": str(tmp_path)})
    _config, problems = load_config(config, binding_ids=set, themes=set())
    assert problems == [f"{config}:1:73: arrays or tables nested more than 64 deep; fix the file "
                        "(using all defaults meanwhile)"]  # fmt: skip
    assert result.returncode == 0
    assert result.stderr == f"a4: warning: {problems[0]}\n"

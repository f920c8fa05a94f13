"""The user's config file: good settings apply, bad ones are explained in one line and fall back."""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

import pytest

from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import TODAY, USER, add_case, caseload_shown, make_app
from tests.cli_support import run_a4
from tui.app import binding_ids, build_app, theme_names
from tui.config import Config, config_path, load_config
from tui.modals.new_case import NewCaseScreen


def _load(tmp_path: Path, text: str) -> tuple[Config, list[str]]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, binding_ids=binding_ids, themes=theme_names())


def test_a_missing_file_means_defaults_and_no_complaint(tmp_path: Path) -> None:
    config, problems = load_config(tmp_path / "absent.toml", binding_ids=binding_ids, themes=theme_names())
    assert problems == []
    assert (config.theme, config.role, dict(config.keys)) == ("a4-dark", "practitioner", {})
    assert config.user  # the login name


def test_good_settings_apply(tmp_path: Path) -> None:
    config, problems = _load(
        tmp_path,
        'user = "kim"\nrole = "qa_assessor"\ntheme = "a4-high-contrast"\n'
        '[keys]\n"caseload.new" = "ctrl+k, f7"\n',
    )
    assert problems == []
    assert (config.user, config.role, config.theme) == ("kim", "qa_assessor", "a4-high-contrast")
    assert dict(config.keys) == {"caseload.new": "ctrl+k,f7"}


def test_a_syntax_error_names_file_line_and_column_and_uses_all_defaults(tmp_path: Path) -> None:
    config, problems = _load(tmp_path, 'user = "kim"\ntheme = a4-dark\n')
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'config.toml'}:2:9: ")
    assert "\n" not in problems[0]
    assert config.user != "kim" and config.theme == "a4-dark"


def test_each_bad_entry_is_explained_and_only_it_falls_back(tmp_path: Path) -> None:
    config, problems = _load(
        tmp_path,
        'user = "kim"\ntheme = 3\nrole = "boss"\nthem = "red"\n\n[keys]\n'
        '"caseload.nwe" = "ctrl+k"\n"caseload.review" = "ctrl+e"\n"app.help" = "not a key!"\n',
    )
    where = str(tmp_path / "config.toml")
    assert config.user == "kim"
    assert dict(config.keys) == {"caseload.review": "ctrl+e"}
    assert (config.theme, config.role) == ("a4-dark", "practitioner")
    assert problems == [
        f"{where}:4:1: them: unknown setting (did you mean 'theme'?); "
        "known: keys, theme, user, role, database (ignored)",
        f"{where}:7:1: keys.caseload.nwe: no such key binding (did you mean 'caseload.new'?); "
        "press F1 in A4 to see them (ignored)",
        f"{where}:9:1: keys.app.help: 'not a key!' is not a key name; "
        'write keys like "ctrl+k", "f2" or "question_mark" (ignored)',
        f"{where}:2:1: theme: expected a text in quotes (using the default)",
        f"{where}:3:1: role: 'boss' is not one of manager, practitioner, qa_assessor (using the default)",
    ]


def test_a4_config_points_at_another_file() -> None:
    assert config_path({"A4_CONFIG": "/somewhere/a4.toml"}) == Path("/somewhere/a4.toml")
    assert config_path({}).name == "config.toml"


def test_every_binding_of_the_app_has_an_id_a_config_can_name() -> None:
    ids = binding_ids()
    assert {"app.quit", "app.help", "caseload.new", "caseload.review", "caseload.open"} <= ids
    assert "case.save" in ids and "key_help.close" in ids  # the case screen's keys too


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[argparse.Namespace, Path]:
    """A data folder and a config file for `a4` to find, as on a practitioner's machine."""
    config = tmp_path / "config.toml"
    monkeypatch.setenv("A4_CONFIG", str(config))
    return argparse.Namespace(data_dir=str(tmp_path / "data"), forms=[]), config


async def test_a_bad_config_still_starts_with_defaults_and_says_what_is_wrong(
    machine: tuple[argparse.Namespace, Path],
) -> None:
    args, config = machine
    config.write_text('theme = "a4-dark"\n[keys\n', encoding="utf-8")
    app = build_app(args)
    async with app.run_test(size=(100, 30)) as pilot:
        await caseload_shown(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any(f"{config}:2:" in m for m in messages), messages
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, NewCaseScreen)  # the default keys work
    app.store.close()


async def test_a_remapped_key_does_the_action_and_the_old_key_no_longer_does(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.db")
    add_case(store, "X1", "Alex Morgan", TODAY)
    config = Config(user=USER, keys={"caseload.new": "ctrl+k", "caseload.open": "ctrl+o"})
    async with make_app(store, config).run_test(size=(100, 30)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+n")
        assert not isinstance(pilot.app.screen, NewCaseScreen)
        await pilot.press("ctrl+k")
        assert isinstance(pilot.app.screen, NewCaseScreen)
        await pilot.press("escape", "ctrl+o")
        await pilot.pause()
        assert pilot.app.screen.__class__.__name__ == "CaseScreen"
    store.close()


async def test_the_high_contrast_theme_is_chosen_in_the_config(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.db")
    async with make_app(store, Config(user=USER, theme="a4-high-contrast")).run_test() as pilot:
        await caseload_shown(pilot)
        assert pilot.app.theme == "a4-high-contrast"
        table = pilot.app.screen.query_one("#cases")
        assert "reverse" in str(
            table.get_component_styles("case-list--cursor").text_style
        )  # not colour alone
    store.close()


def _a4(tmp_path: Path, config_text: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The real `a4 ARGS…` on an embedded store in tmp_path, with this config file."""
    config = tmp_path / "config.toml"
    config.write_text(config_text, encoding="utf-8")
    return run_a4(*args, env={"A4_CONFIG": str(config), "A4_DATA_DIR": str(tmp_path / "data")})


def test_a_command_says_what_is_wrong_with_the_config_and_goes_on_with_defaults(tmp_path: Path) -> None:
    command = ("new", "--ref", "C-1", "--name", "Alex Morgan", "--start", "2026-11-20")
    result = _a4(tmp_path, 'user = "kim"\nrole = "boss"\n', *command)
    assert result.returncode == 0, result.stderr
    where = tmp_path / "config.toml"
    assert result.stderr == (
        f"a4: warning: {where}:2:1: role: 'boss' is not one of manager, practitioner, qa_assessor "
        "(using the default)\n"
    )
    listed = json.loads(_a4(tmp_path, 'user = "kim"\n', "cases", "--json").stdout)
    assert [case["owner"] for case in listed] == ["kim"]  # the good settings still apply


def test_a_command_does_not_judge_the_keys_and_theme_it_has_no_use_for(tmp_path: Path) -> None:
    good_for_the_app = 'theme = "a4-high-contrast"\n[keys]\n"caseload.new" = "ctrl+k"\n'
    result = _a4(tmp_path, good_for_the_app, "cases")
    assert (result.returncode, result.stderr) == (0, "")


def test_a_syntax_error_in_the_config_is_one_warning_for_a_command(tmp_path: Path) -> None:
    result = _a4(tmp_path, 'user = "kim\n', "cases")
    assert result.returncode == 0
    where = tmp_path / "config.toml"
    assert result.stderr.startswith(f"a4: warning: {where}:1:12: the line ends inside a string")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ('database = "postgresql://db.team/a4\n', "1:36: the line ends inside a string"),
        ('user = "sam"\ndatabase = postgresql://db.team/a4\n', "2:12: this value cannot be read"),
        ('"database" = "postgresql://db/a4"\n[keys\n', "2:6:"),
    ],
)
def test_a_broken_config_that_names_a_team_database_opens_no_store(
    tmp_path: Path, text: str, place: str
) -> None:
    """A typo in the team database's line must not send the next case to a local file nobody else sees."""
    where = tmp_path / "config.toml"
    for command in (
        ("cases",),
        ("new", "--ref", "C-1", "--name", "Alex Morgan", "--start", "2026-11-20"),
        (),
    ):
        result = _a4(tmp_path, text, *command)
        assert result.returncode == 1, command
        assert result.stderr.startswith(f"a4: {where}:{place}"), result.stderr
        assert "names a team database, so A4 will not guess which store to open" in result.stderr
        assert "--db or A4_DATABASE_URL" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # no local store was made, so nothing went into one


def test_db_or_the_variable_overrides_a_broken_config(tmp_path: Path) -> None:
    """Choosing the store on the command line is the way out the message offers, so it must work."""
    from storage.connect import database_url

    config = tmp_path / "config.toml"
    config.write_text('database = "postgresql://db.team/a4\n', encoding="utf-8")
    chosen = "postgresql://other/a4"
    assert database_url(chosen, {}, config) == chosen
    assert database_url(None, {"A4_DATABASE_URL": chosen}, config) == chosen

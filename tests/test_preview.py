"""`a4 forms preview`: the trainer saves the file, and the screen follows (or lists the problems)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Static

from storage.sqlite.store import SqliteStore
from tests.pilot_support import until
from tui.preview.app import PreviewApp
from tui.preview.views import ErrorPanel, RubricFindings
from tui.screens.case_screen import CaseScreen
from tui.screens.plan_screen import PlanScreen

VALID = Path(__file__).parent / "fixtures" / "forms" / "valid"
TODAY = date(2026, 3, 2)
POLL = 0.05


def save(path: Path, text: str) -> None:
    """Write as an editor does, and make sure the modification time moves even on a coarse clock."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def preview(path: Path, tmp_path: Path, *, sample: bool = False) -> PreviewApp:
    store = SqliteStore(tmp_path / "store" / "preview.db")
    return PreviewApp(path, store=store, sample=sample, today=lambda: TODAY, poll_seconds=POLL)


def heading(app: PreviewApp) -> str:
    """The case screen's title line ("" while no case screen is on top, or it has not mounted yet)."""
    if not isinstance(app.screen, CaseScreen) or not app.screen.is_mounted:
        return ""
    return str(app.screen.query_one(".case-title", Static).render())


def mini(**replace: str) -> str:
    text = (VALID / "mini.toml").read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old.replace("_", " "), new)
    return text


async def test_saving_the_file_reloads_the_case_screen(tmp_path: Path) -> None:
    form = tmp_path / "forms" / "mini.toml"
    form.parent.mkdir()
    save(form, mini())
    app = preview(form, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert "Mini assessment" in heading(app)
        save(form, mini(Mini_assessment="Housing first"))
        await until(pilot, lambda: "Housing first" in heading(app))
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.form.header.title == "Housing first"
    app.store.close()


async def test_a_broken_save_keeps_the_last_good_version_under_an_error_panel(tmp_path: Path) -> None:
    form = tmp_path / "mini.toml"
    save(form, mini())
    app = preview(form, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        good = app.screen
        save(form, mini().replace("word_budget = 150", "wordbudget = 150"))
        await until(pilot, lambda: bool(app.screen.query(ErrorPanel)))
        assert app.screen is good  # the last good version is still on screen
        panel = str(app.screen.query_one(ErrorPanel).render())
        assert "1 problem in the file: the last good version stays on screen" in panel
        assert f"{form}:27:3: section[1].question[2].wordbudget: unknown key 'wordbudget'" in panel
        assert "did you mean 'word_budget'?" in panel

        save(form, mini(Mini_assessment="Fixed"))
        await until(pilot, lambda: app.screen is not good)
        assert not app.screen.query(ErrorPanel)
        assert "Fixed" in heading(app)
        assert app.errors == []
    app.store.close()


async def test_a_file_broken_from_the_start_shows_its_problems_then_the_form(tmp_path: Path) -> None:
    form = tmp_path / "mini.toml"
    save(form, 'id = "mini"\nkind = "assessment"\ntitle = "Mini\n')
    app = preview(form, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.screen.query(ErrorPanel)))
        panel = str(app.screen.query_one(ErrorPanel).render())
        assert "fix and save it to see the form" in panel
        assert f"{form}:3:" in panel
        save(form, mini())
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert not app.query(ErrorPanel)
    app.store.close()


async def test_answers_typed_in_the_preview_carry_over_to_the_next_save(tmp_path: Path) -> None:
    form = tmp_path / "mini.toml"
    save(form, mini())
    app = preview(form, tmp_path, sample=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        first = app.screen
        assert first.answers.get("accommodation.linked_offending") in ("yes", "no")  # the sample is filled
        kept = first.answers["accommodation.linked_offending"]
        save(form, mini(Mini_assessment="Second"))
        await until(pilot, lambda: app.screen is not first)
        assert app.screen.answers["accommodation.linked_offending"] == kept
    app.store.close()


async def test_a_rubric_lists_what_its_checks_find_in_a_sample_record(tmp_path: Path) -> None:
    for name in ("mini.toml", "mini-qa.toml", "mini-plan.toml"):
        save(tmp_path / name, (VALID / name).read_text(encoding="utf-8"))
    app = preview(tmp_path / "mini-qa.toml", tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RubricFindings))
        text = app.screen.text()
        assert text.startswith("Mini QA 1.0.0, on a sample record of Mini assessment 1.0.0\n")
        assert "Automatic checks pass for " in text
        assert "The plan is the person's own: " in text
        rubric = (tmp_path / "mini-qa.toml").read_text(encoding="utf-8")
        save(tmp_path / "mini-qa.toml", rubric.replace('title = "Sources are listed"', 'title = "Evidence"'))
        await until(
            pilot, lambda: isinstance(app.screen, RubricFindings) and "Evidence: " in app.screen.text()
        )
    app.store.close()


async def test_a_plan_template_opens_the_plan_screen_with_its_suggestions(tmp_path: Path) -> None:
    for name in ("mini.toml", "mini-plan.toml"):
        save(tmp_path / name, (VALID / name).read_text(encoding="utf-8"))
    app = preview(tmp_path / "mini-plan.toml", tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PlanScreen))
        goals = [o.goal for o in app.screen.plan]
        assert goals == ["I will find a place I can stay for at least six months so that I can keep my job."]
    app.store.close()


async def test_f1_shows_the_previews_keys(tmp_path: Path) -> None:
    from tui.modals.key_help import KeyHelpScreen

    form = tmp_path / "mini.toml"
    save(form, mini())
    app = preview(form, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, KeyHelpScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
    app.store.close()


async def test_a_reload_keeps_the_section_and_the_cursor(tmp_path: Path) -> None:
    from textual.widgets import TextArea

    form = tmp_path / "mini.toml"
    save(form, mini())
    app = preview(form, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        first = app.screen
        boxes = [box for box in first.query(TextArea) if box.focusable]
        target = boxes[-1]  # a long-text box in a later section
        target.focus()
        await pilot.pause()
        await pilot.press(*"Seen twice")
        await pilot.pause()
        section = next(a for a in target.ancestors if getattr(a, "id", "") and a.id.startswith("section-")).id
        save(form, mini(Mini_assessment="Second"))
        await until(pilot, lambda: app.screen is not first and isinstance(app.screen, CaseScreen))
        await until(pilot, lambda: isinstance(app.screen.focused, TextArea))
        focused = app.screen.focused
        assert (
            next(a for a in focused.ancestors if getattr(a, "id", "") and a.id.startswith("section-")).id
            == section
        )
        assert focused.text == "Seen twice"
        assert focused.cursor_location == (0, len("Seen twice"))
    app.store.close()


async def test_the_rubric_preview_shows_and_edits_the_answers_each_check_judged(tmp_path: Path) -> None:
    from tui.widgets.section_editor import SectionEditor

    for name in ("mini.toml", "mini-qa.toml", "mini-plan.toml"):
        save(tmp_path / name, (VALID / name).read_text(encoding="utf-8"))
    app = preview(tmp_path / "mini-qa.toml", tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RubricFindings))
        findings = app.screen
        shown = app.store.get_record(app._sample_id).answers.get("accommodation.analysis", "")
        line = f"    judged accommodation.analysis: {' '.join(str(shown).split())[:69]}"
        assert any(row.startswith(line) for row in findings.text().splitlines())
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        editor = app.screen.query_one("#section-accommodation", SectionEditor)
        area = editor.fields["accommodation.analysis"].field
        area.focus()
        await pilot.press("ctrl+a", "ctrl+k")  # whatever the sample said, then the trainer's own words
        area.text = ""
        await pilot.press(*"Edited")
        await pilot.pause()
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is findings)
        await until(pilot, lambda: "    judged accommodation.analysis: Edited" in findings.text())
    app.store.close()


async def test_the_rubric_preview_shows_judged_answers_in_words_from_a_sample_that_fits_the_form(
    tmp_path: Path,
) -> None:
    """A group's entries are shown as option labels and dates, not as data; the invented sample, written
    for the shipped form, keeps only answers the trainer's form takes (no option it does not offer)."""
    from forms.record.carry_over import carry_over

    for name in ("mini.toml", "mini-qa.toml", "mini-plan.toml"):
        save(tmp_path / name, (VALID / name).read_text(encoding="utf-8"))
    app = preview(tmp_path / "mini-qa.toml", tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RubricFindings))
        findings = app.screen
        record = app.store.get_record(app._sample_id)
        assert carry_over(record.answers, findings.form, findings.form).left_behind == ()
        [line] = [row for row in findings.text().splitlines() if "judged evidence.sources:" in row]
        assert line.startswith("    judged evidence.sources: Interview, ") and "{" not in line, line
    app.store.close()


@pytest.mark.parametrize(
    ("file", "shown"),
    [("mini.toml", CaseScreen), ("mini-qa.toml", RubricFindings), ("mini-plan.toml", PlanScreen)],
)
async def test_escape_leaves_the_preview_cleanly(tmp_path: Path, file: str, shown: type[Screen[Any]]) -> None:
    """Escape closes the previewed view and the preview with it, for each kind of definition file."""
    for name in ("mini.toml", "mini-qa.toml", "mini-plan.toml"):
        save(tmp_path / name, (VALID / name).read_text(encoding="utf-8"))
    app = preview(tmp_path / file, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, shown))
        await pilot.press("escape")
        await until(pilot, lambda: app.return_code is not None, "the preview closed")
    app.store.close()
    assert app.return_code == 0

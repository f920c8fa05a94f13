"""Text from people and files never acts as Rich markup in the app (issue 16): it shows as written.

Old stores can hold references and names that A4 no longer accepts (references are now letters, digits
and `-_/.`), such as `[bold]…[/]` or `[link=…]`: every list, heading, question and notification
shows them literally instead of styling the screen or making a link.
"""

from __future__ import annotations

import ast
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Static
from textual.widgets._toast import Toast

from forms.model import Header, Objective, PlanTemplate
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import TODAY, add_case, caseload_shown, make_app
from tests.pilot_support import screen_text, until
from tui.config import Config
from tui.modals.archive_case import ArchiveCaseScreen
from tui.modals.confirm_key import ConfirmKey
from tui.modals.goto_section import GotoSection, QuestionPlace
from tui.widgets.objective_editor import ObjectiveEditor


def toasts(app: App[None]) -> list[str]:
    """The notifications on screen, as the terminal shows them (after any markup was applied)."""
    return [str(toast.render()) for toast in app.screen.query(Toast)]


REF = "[bold]X[/]"
NAME = "[red]Sam[/red] [link=x]Jo[/]"
"""Short enough for the caseload's name column."""


async def test_a_reference_and_name_made_of_markup_show_literally(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.db")
    try:
        add_case(store, "M-1", "Placeholder", TODAY, owner="sam")
        with closing(sqlite3.connect(store.path)) as conn, conn:  # as an older A4 let it in
            conn.execute("UPDATE cases SET ref = ?, name = ? WHERE ref = 'M-1'", (REF, NAME))
        async with make_app(store, Config(user="kim", role="manager")).run_test(
            size=(120, 30), notifications=True
        ) as pilot:
            screen = await caseload_shown(pilot)
            assert screen.selected_ref == REF
            shown = screen_text(pilot.app)
            assert REF in shown and NAME in shown
            await pilot.press("ctrl+x")
            assert isinstance(pilot.app.screen, ArchiveCaseScreen)
            assert f"Archive case {REF}" in screen_text(pilot.app) and "[red]Sam[/red]" in screen_text(
                pilot.app
            )
            await pilot.press(*"imported by mistake", "enter")
            assert isinstance(pilot.app.screen, ConfirmKey)
            assert f"Archive case {REF} (kept whole" in screen_text(pilot.app)
            await pilot.press("y")
            await until(
                pilot, lambda: any(f"Case {REF} archived" in t for t in toasts(pilot.app)), "the notice"
            )
        assert [a.case_ref for a in store.archivals()] == [REF]
    finally:
        store.close()


def _literal(node: ast.expr) -> bool:
    if isinstance(node, ast.IfExp):
        return _literal(node.body) and _literal(node.orelse)
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_super(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def test_every_notification_built_from_text_turns_markup_off() -> None:
    """A message with anything interpolated (a reference, a name, an error naming either) is shown as
    written: `notify(..., markup=False)`; only fixed wording may use markup's default."""
    tui = Path(__file__).parent.parent / "tui"
    unsafe = [
        f"{path.relative_to(tui.parent)}:{node.lineno}"
        for path in sorted(tui.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "notify"
        and not _is_super(node.func.value)  # A4App.notify handing every notice on, markup as asked
        and node.args
        and not _literal(node.args[0])
        and not any(k.arg == "markup" and isinstance(k.value, ast.Constant) and k.value.value is False
                    for k in node.keywords)
    ]  # fmt: skip
    assert unsafe == []


async def test_a_plan_templates_field_labels_made_of_markup_show_literally() -> None:
    """A trainer's `[labels]` are the form's words, not Rich markup: `[b]Goal[/b]` shows as typed."""
    template = PlanTemplate(
        Header("p", "plan", "Plan", "1.0.0"),
        form="a",
        labels={"goal": "[b]Goal[/b] in [link=x]your words[/link]", "areas": "[i]Areas[/i]"},
    )

    class EditorApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ObjectiveEditor(template, [("home", "Home")], lambda: date(2026, 10, 5))

    app = EditorApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.query_one(ObjectiveEditor).show(Objective(id="o1", goal="Find a flat", by="2026-13-40"), 1)
        await pilot.pause()
        labels = [str(s.render()) for s in app.query(".field-label").results(Static)]
        note = str(app.query_one("#by-long", Static).render())
    assert "[b]Goal[/b] in [link=x]your words[/link]" in labels
    assert "[i]Areas[/i] (one key each)" in labels
    assert note  # the date note (an error for 2026-13-40) is drawn as text, whatever it holds


async def test_the_goto_prompt_shows_titles_and_labels_as_written() -> None:
    """Ctrl+G lists a trainer's section titles and question labels: markup in them is text, and a control
    character shows as a visible symbol instead of reaching the terminal."""
    section = "1. [b]Home[/b]"
    questions = [QuestionPlace("home.where", "[red]Where\x1b[2J now[/red]", section)]

    class GotoApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(GotoSection([("home", section)], questions))

    app = GotoApp()
    async with app.run_test(size=(100, 24)) as pilot:
        assert section in screen_text(app)
        await pilot.press(*"where")
        assert "[red]Where␛[2J now[/red] — 1. [b]Home[/b]" in screen_text(app)

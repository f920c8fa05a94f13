"""The whole sign-off, as two (then three) people do it: two apps over one SQLite file, each its own user.

submit → return with comments → comments resolved → resubmit → countersign → (high risk) second
countersign by someone else → locked.  Everything is read back from the store and its audit trail.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static

from forms.model import Record
from storage.signoff import submit
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import TODAY, USER, add_case, caseload_shown, make_app, shipped_registry
from tests.pilot_support import screen_text, until
from tests.qa_support import complete_answers
from tui.config import Config
from tui.screens.case_screen import CaseScreen
from tui.screens.grading import CriterionGrade, GradingScreen, SubmitBlocked
from tui.screens.qa_queue import QAQueueScreen
from tui.widgets.comments import CommentNote

QA = Config(user="jo.qa", role="qa_assessor")
REASONING = (
    "Harm is most likely to a former partner, by threats and violence after drinking, within weeks if "
    "contact resumes; it rises with drink and jealousy and falls with the order, work and the support "
    "of a brother the person trusts and sees each week."
)
"""Reasons long enough for the risk-reasoning check, so every automatic check passes (see
tests/test_override_flow.py for submitting past one)."""
LEAD = Config(user="kim.lead", role="manager")


def draft(store: SqliteStore, level: str, complete: bool = True) -> Record:
    form = shipped_registry().assessment("a4-assessment")
    assert form is not None
    add_case(store, "N100", "Alex Reed", TODAY)
    record = store.create_record(
        Record(id="r1", case_ref="N100", form_id=form.id, form_version=form.version, author=USER), USER
    )
    if complete:
        record.answers = complete_answers(form, level) | {"rosh.reasoning": REASONING}
        record = store.save_record(record, USER, risk_path=form.risk_level)
    return record


async def open_from_caseload(pilot) -> CaseScreen:  # type: ignore[no-untyped-def]
    await caseload_shown(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, CaseScreen), "the case screen opened")
    return pilot.app.screen


async def open_from_queue(pilot) -> CaseScreen:  # type: ignore[no-untyped-def]
    await caseload_shown(pilot)
    await pilot.press("f9")
    queue = pilot.app.screen
    assert isinstance(queue, QAQueueScreen)
    await until(pilot, lambda: queue.loaded, "the queue was read")
    assert [row.record.id for row in queue.rows] == ["r1"]
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, CaseScreen), "the record opened from the queue")
    return pilot.app.screen


async def grade_all(pilot, level: str = "Sufficient") -> None:  # type: ignore[no-untyped-def]
    view = pilot.app.screen
    assert isinstance(view, GradingScreen)
    for grade in view.query(CriterionGrade):
        grade.query_one(Select).value = level
        grade.query_one(Input).value = "Clear and specific."
    await pilot.pause()


async def test_submit_return_resubmit_approve_and_a_second_countersignature_lock_it(tmp_path: Path) -> None:
    path = tmp_path / "team.sqlite"
    author_store, qa_store, lead_store = SqliteStore(path), SqliteStore(path), SqliteStore(path)
    draft(author_store, "high")

    # the author submits; the record leaves their screen for the QA queue
    async with make_app(author_store).run_test(size=(120, 40)) as pilot:
        screen = await open_from_caseload(pilot)
        await pilot.press("f10")
        await until(pilot, lambda: not isinstance(pilot.app.screen, CaseScreen), "the case closed")
        assert screen.record.status == "submitted"
    assert qa_store.get_record("r1").status == "submitted"

    # the QA assessor grades, comments on one section and returns it
    async with make_app(qa_store, QA).run_test(size=(120, 40)) as pilot:
        case = await open_from_queue(pilot)
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(pilot.app.screen, GradingScreen), "the grading view opened")
        await grade_all(pilot)
        view = pilot.app.screen
        view.query_one("#comment-where", Select).value = "accommodation"
        view.query_one("#comment-text", Input).focus()
        await pilot.press(*"Say what the person wants from a move", "enter")
        await pilot.press("ctrl+r", "y")
        await until(pilot, lambda: case.record.status == "returned", "the record was returned")
    returned = author_store.get_record("r1")
    assert returned.status == "returned"
    assert [(c.path, c.text, c.by) for c in returned.comments] == [
        ("accommodation", "Say what the person wants from a move", "jo.qa")
    ]
    assert {g.by for g in returned.grades} == {"jo.qa"} and all(
        g.level == "Sufficient" for g in returned.grades
    )

    # the author sees the comment beside its section, resolves it and resubmits
    async with make_app(author_store).run_test(size=(120, 40)) as pilot:
        screen = await open_from_caseload(pilot)
        note = screen.query_one(CommentNote)
        assert note.parent is screen.query_one("#section-accommodation")
        note.focus()
        await pilot.press("enter")
        await until(pilot, lambda: not screen.query(CommentNote), "the comment was resolved")
        assert author_store.get_record("r1").comments[0].resolved_by == USER
        await pilot.press("f10")
        await until(pilot, lambda: not isinstance(pilot.app.screen, CaseScreen), "the case closed")
    assert qa_store.get_record("r1").status == "submitted"

    # the QA assessor countersigns: high risk, so it waits for a second countersignature
    async with make_app(qa_store, QA).run_test(size=(120, 40)) as pilot:
        case = await open_from_queue(pilot)
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(pilot.app.screen, GradingScreen), "the grading view opened")
        await pilot.press("ctrl+o", "y")  # the grades given before the return are still there
        await until(pilot, lambda: case.record.status == "approved", "the first countersignature")
    first = lead_store.get_record("r1")
    assert first.status == "approved" and [s.by for s in first.signatures] == ["jo.qa"]

    # the same assessor cannot add the second; the queue no longer offers it to them
    async with make_app(qa_store, QA).run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("f9")
        queue = pilot.app.screen
        await until(pilot, lambda: queue.loaded, "the queue was read")
        assert queue.rows == []

    # a second person countersigns, and only now the record locks
    async with make_app(lead_store, LEAD).run_test(size=(120, 40)) as pilot:
        case = await open_from_queue(pilot)
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(pilot.app.screen, GradingScreen), "the grading view opened")
        await pilot.press("ctrl+o", "y")
        await until(pilot, lambda: case.record.status == "locked", "the record locked")
    locked = author_store.get_record("r1")
    assert locked.status == "locked"
    assert [s.by for s in locked.signatures] == ["jo.qa", "kim.lead"]
    statuses = [(e.actor, e.new) for e in author_store.audit_trail("r1") if e.kind == "status"]
    assert statuses == [
        (USER, "submitted"),
        ("jo.qa", "returned"),
        (USER, "submitted"),
        ("jo.qa", "approved"),
        ("kim.lead", "locked"),
    ]
    for store in (author_store, qa_store, lead_store):
        store.close()


async def test_medium_risk_locks_on_one_countersignature(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium")
    store.transition("r1", "submitted", USER)
    async with make_app(store, QA).run_test(size=(120, 40)) as pilot:
        case = await open_from_queue(pilot)
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(pilot.app.screen, GradingScreen), "the grading view opened")
        await pilot.press("ctrl+o")  # nothing graded yet: refused, and said why
        assert isinstance(pilot.app.screen, GradingScreen)
        assert "Grade every criterion" in str(pilot.app.screen.query_one(".grading-error").render())
        await grade_all(pilot, "Good")
        await pilot.press("ctrl+o", "y")
        await until(pilot, lambda: case.record.status == "locked", "the record locked")
    assert store.get_record("r1").status == "locked"
    store.close()


async def test_a_submit_with_gaps_lists_them_and_enter_goes_to_one(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium", complete=False)
    async with make_app(store).run_test(size=(120, 40)) as pilot:
        screen = await open_from_caseload(pilot)
        await pilot.press("f10")
        blocked = pilot.app.screen
        assert isinstance(blocked, SubmitBlocked)
        messages = [b.message for b in blocked.blockers]
        assert "Risk of serious harm summary: “Why this level?” is required but not answered" in messages
        index = next(i for i, b in enumerate(blocked.blockers) if b.path == "rosh.reasoning")
        from textual.widgets import OptionList

        blocked.query_one(OptionList).highlighted = index
        await pilot.press("enter")
        assert pilot.app.screen is screen
        assert getattr(screen.focused, "path", None) == "rosh.reasoning"
    assert store.get_record("r1").status == "draft"
    store.close()


async def test_nobody_signs_off_their_own_record(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium")
    store.transition("r1", "submitted", USER)
    async with make_app(store, Config(user=USER, role="qa_assessor")).run_test(size=(120, 40)) as pilot:
        screen = await open_from_caseload(pilot)
        await pilot.press("f7")
        assert pilot.app.screen is screen  # no grading view
        assert any("someone else must assess" in n.message for n in pilot.app._notifications)
    assert store.get_record("r1").status == "submitted"
    store.close()


async def test_countersign_and_return_act_only_on_the_confirming_key(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium")
    store.transition("r1", "submitted", USER)
    async with make_app(store, QA).run_test(size=(120, 40)) as pilot:
        case = await open_from_queue(pilot)
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(pilot.app.screen, GradingScreen), "the grading view opened")
        view = pilot.app.screen
        await grade_all(pilot, "Good")
        await pilot.press("ctrl+o")  # asks, on one line, and does nothing yet
        assert "Countersign and lock this record for good? y: yes" in str(
            pilot.app.screen.query_one(".confirm-line").render()
        )
        await pilot.press("ctrl+o")  # a second press of the same key is a "no"
        await pilot.press("ctrl+r", "escape")  # Escape is a "no" too
        assert pilot.app.screen is view
        await pilot.press("ctrl+o", "n")
        assert pilot.app.screen is view
        assert "Nothing was done" in str(view.query_one(".grading-error").render())
        assert store.get_record("r1").status == "submitted"
        view.query_one("#comment-where", Select).value = "accommodation"
        view.query_one("#comment-text", Input).focus()
        await pilot.press(*"Where will they live", "enter", "ctrl+r")
        assert "Return this record to" in str(pilot.app.screen.query_one(".confirm-line").render())
        await pilot.press("enter")  # Enter is not yes either
        assert pilot.app.screen is view and store.get_record("r1").status == "submitted"
        await pilot.press("ctrl+o", "y")
        await until(pilot, lambda: case.record.status == "locked", "the record locked")
    assert store.get_record("r1").status == "locked"
    store.close()


async def test_f10_submit_is_not_offered_to_a_qa_assessor_on_someone_elses_record(tmp_path: Path) -> None:
    """Issue 14: the QA assessor's key bar offered "F10 Submit for QA" on the record they assess."""
    store = SqliteStore(tmp_path / "a4.db")
    record = draft(store, "medium")
    store.transition(record.id, "submitted", USER)
    async with make_app(store, QA).run_test(size=(200, 40)) as pilot:
        screen = await open_from_queue(pilot)
        keys = screen_text(pilot.app).splitlines()[-1]
        assert "Sign off" in keys and "Submit for QA" not in keys, keys
        await pilot.press("f10")
        assert pilot.app.screen is screen and store.get_record(record.id).status == "submitted"
    async with make_app(store).run_test(size=(200, 40)) as pilot:
        await open_from_caseload(pilot)
        assert "Submit for QA" in screen_text(pilot.app).splitlines()[-1]  # the author still has it
    store.close()


async def test_a_returned_record_opens_with_a_banner_saying_who_returned_it_and_why(tmp_path: Path) -> None:
    """Issue 14: a returned record had no banner saying who returned it, why, and how many comments wait."""
    from forms.model import Comment
    from forms.record.signoff import Decision
    from storage.signoff import decide

    store = SqliteStore(tmp_path / "a4.db")
    record = draft(store, "medium")
    record = store.transition(record.id, "submitted", USER)
    form = shipped_registry().assessment("a4-assessment")
    comment = Comment(id="c1", path="accommodation", text="Say what they want from a move", by="jo.qa")
    decision = Decision("return", comments=(comment,), note="Risk reasoning needs another look.")
    rubric = shipped_registry().rubric_for("a4-assessment")
    decide(store, record, decision, user="jo.qa", role="qa_assessor", rubric=rubric, form=form)
    async with make_app(store).run_test(size=(120, 40)) as pilot:
        screen = await open_from_caseload(pilot)
        banner = screen.query_one("#returned")
        assert banner.display
        text = screen_text(pilot.app)
        assert "Returned for changes by jo.qa on " in text
        assert "Risk reasoning needs another look. 1 QA comment to resolve" in text
        note = screen.query_one(CommentNote)
        note.focus()
        await pilot.press("enter")
        await until(pilot, lambda: not screen.query(CommentNote), "the comment was resolved")
        assert "No QA comments wait." in str(banner.render())
    store.close()


async def test_grades_and_comments_written_in_the_qa_view_are_dropped_only_on_a_second_key(
    tmp_path: Path,
) -> None:
    """Grades and comments reach the record only with a decision; one Escape or one Ctrl+Q used to drop
    a QA assessor's whole write-up without a word. Now each asks once, and a second press goes on."""
    path = tmp_path / "team.sqlite"
    author_store, qa_store = SqliteStore(path), SqliteStore(path)
    draft(author_store, "high")
    submit(author_store, author_store.get_record("r1"), USER, [])
    async with make_app(qa_store, QA).run_test(size=(120, 40)) as pilot:
        await open_from_queue(pilot)
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(pilot.app.screen, GradingScreen), "the grading view opened")
        view = pilot.app.screen
        await pilot.press("escape")  # nothing written yet: leaves at once
        await until(pilot, lambda: not isinstance(pilot.app.screen, GradingScreen), "the view closed")
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(pilot.app.screen, GradingScreen), "the grading view again")
        view = pilot.app.screen
        await grade_all(pilot)
        await pilot.press("escape")
        error = str(view.query_one(".grading-error", Static).render())
        assert "grades you wrote here reach the record only with Ctrl+R or Ctrl+O" in error
        assert pilot.app.screen is view  # still open, nothing lost
        await pilot.press("ctrl+q")
        notes = [str(n.message) for n in pilot.app._notifications]
        assert any("you wrote in the QA view reach the record only" in n for n in notes), notes
        assert pilot.app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not pilot.app.is_running
    assert qa_store.get_record("r1").grades == []

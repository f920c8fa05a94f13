"""The smaller findings of #14 that the `a4` command shows: owner from config.toml, "1 working day"."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path

from forms.definition.registry import load_registry
from forms.model import Deadlines
from forms.record.deadlines import days_left, initial_due
from tests.cli_support import run_a4


def env_for(tmp_path: Path, user: str | None) -> dict[str, str]:
    config = tmp_path / "config.toml"
    config.write_text(f'user = "{user}"\n' if user else "", encoding="utf-8")
    return {"A4_DATA_DIR": str(tmp_path / "data"), "A4_CONFIG": str(config)}


def test_new_and_demo_give_cases_to_the_user_named_in_the_config(tmp_path: Path) -> None:
    env = env_for(tmp_path, "sam.jones")
    made = run_a4("new", "--ref", "C-1", "--name", "Alex Morgan", "--start", "2026-11-20", env=env)
    assert made.returncode == 0, made.stderr
    assert run_a4("demo", "--cases", "3", env=env).returncode == 0
    listed = json.loads(run_a4("cases", "--json", env=env).stdout)
    assert len(listed) == 4
    assert {case["owner"] for case in listed} == {"sam.jones"}


def test_one_working_day_is_singular(tmp_path: Path) -> None:
    deadlines = Deadlines(initial_working_days=10, review_weeks=16)
    today = date.today()
    start = next(
        today - timedelta(days=n)
        for n in range(0, 30)
        if days_left(initial_due(today - timedelta(days=n), deadlines), today) == 1
    )
    env = env_for(tmp_path, "sam.jones")
    made = run_a4("new", "--ref", "C-1", "--name", "Alex Morgan", "--start", start.isoformat(), env=env)
    assert made.returncode == 0, made.stderr
    shown = run_a4("cases", env=env).stdout
    assert "in 1 working day" in shown and "1 working days" not in shown, shown


def test_the_qa_queue_never_shows_a_blank_first_signer() -> None:
    """An approved record whose only countersignature came in a file, or that has none, is still said in
    words: "(first: )" with a blank name was shown before."""
    from forms.model import Record, Signature
    from forms.record.signoff import waiting_for

    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    base = Record("r1", "C-1", form.id, form.version, author="pat", status="approved")
    own = dataclasses.replace(base, signatures=[Signature("j.khan", "2026-11-02")])
    filed = dataclasses.replace(base, signatures=[Signature("j.khan", "2026-11-02", "C-1.json")])
    assert waiting_for(None, form, own) == "second countersignature (first: j.khan)"
    assert waiting_for(None, form, filed) == (
        "second countersignature (first: j.khan, per the imported file C-1.json)"
    )
    assert waiting_for(None, form, base) == "second countersignature (no first countersignature recorded)"


def test_checks_with_nothing_to_judge_yet_say_not_yet_on_an_empty_record() -> None:
    """Issue 14: the QA counter read 7/9 on an empty record (checks with nothing to look at "passed")
    and fell as the practitioner wrote. Nothing blank is "met": it is "not yet"."""
    from forms.checks.findings import not_yet, summary
    from forms.checks.library import run_checks
    from forms.model import Record
    from tui.widgets.counters import qa_text

    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    rubric = registry.rubric_for("a4-assessment")
    assert form is not None and rubric is not None
    empty = Record("r1", "C-1", form.id, form.version, author="pat")
    results = run_checks(rubric, form, empty, plan=registry.plan_for(form.id), today=date(2026, 3, 2))
    assert [r.criterion.id for r in results if r.state == "met"] == []
    met, judged = summary(results)
    waiting = not_yet(results)
    assert met == 0 and waiting > 0
    assert qa_text(met, judged, waiting) == f"QA 0/{judged} · {waiting} not yet"
    written = dataclasses.replace(
        empty, answers={"offence.what_happened": "He took a phone from a boy in the park."}
    )
    after = run_checks(rubric, form, written, plan=registry.plan_for(form.id), today=date(2026, 3, 2))
    assert summary(after)[0] >= met  # writing never makes the met count fall from "passing" blanks

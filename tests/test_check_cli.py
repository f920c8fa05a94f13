"""`a4 check`: each record's automatic check results, and demo data a team could be shown.

`a4 demo` signs its records off through the store's own workflow, so every
submitted, approved and locked demo record passes its form's automatic
checks and carries the audit entries, grades and countersignatures its
rubric asks for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forms.definition.registry import load_registry
from forms.record.signoff import signatures_needed, signers, ungraded
from storage.sqlite.store import SqliteStore
from tests.cli_support import a4_in as a4

PAST_DRAFT = ("submitted", "approved", "locked")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    made = a4(folder, "demo", "--cases", "30")
    assert made.returncode == 0, made.stderr
    return folder


def test_every_submitted_approved_and_locked_demo_record_passes_its_checks(data: Path) -> None:
    result = a4(data, "check", *(arg for s in PAST_DRAFT for arg in ("--status", s)), "--json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["failing"] == 0 and report["checked"] >= 10
    assert {r["status"] for r in report["records"]} == set(PAST_DRAFT)


def test_signed_off_demo_records_carry_their_audit_grades_and_countersignatures(data: Path) -> None:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    rubric = registry.rubric_for(form.id)
    store = SqliteStore(data / "a4.db")
    try:
        records = [r for r in store.list_records() if r.status in PAST_DRAFT]
        levels = {r.answers.get("rosh.level") for r in records}
        assert {"low", "medium"} <= levels and levels & {"high", "very_high"}  # a spread of risk levels
        for record in records:
            steps = [e.new for e in store.audit_trail(record.id) if e.kind == "status"]
            assert steps[0] == "submitted", (record.case_ref, steps)
            assert all(by != record.author for by in signers(record))
            if record.status == "submitted":
                assert record.signatures == [] and steps == ["submitted"]
                continue
            assert ungraded(rubric, record) == []
            needed = signatures_needed(rubric, form, record)
            assert len(signers(record)) == (needed if record.status == "locked" else 1), record.case_ref
            assert steps[-1] == record.status
            if record.answers["rosh.level"] != "low":  # medium and above: a full risk management plan
                assert record.answers["rmp.contingency"] and record.answers["rmp.victim_safety"]
    finally:
        store.close()


CONTROL_WORDS = {
    "curfew": ("curfew",),
    "exclusion": ("exclusion", "not to enter"),
    "no_contact": ("no contact",),
    "tag": ("electronically monitored",),
}
"""Words a requirement of the order uses for each control the risk management plan lists."""


def test_each_demo_case_has_the_order_its_story_tells_and_the_caseload_shows_its_end(data: Path) -> None:
    rows = json.loads(a4(data, "cases", "--json").stdout)
    assert len(rows) == 30 and all(row["sentence_end"] for row in rows)
    store = SqliteStore(data / "a4.db")
    try:
        for row in rows:
            case = store.get_case(row["ref"])
            order = case.sentence
            assert order.type and order.length and order.court and order.requirements, case.ref
            assert order.start == case.start < order.end == row["sentence_end"], case.ref
            record = store.latest_record(case.ref)
            if record is None:
                continue
            written = " ".join(order.requirements).lower()
            for control in record.answers.get("rmp.controls", []):
                words = CONTROL_WORDS.get(control, ())
                assert not words or any(w in written for w in words), (case.ref, control, written)
    finally:
        store.close()


def test_drafts_fail_with_where_and_what_to_do_and_exit_1(data: Path) -> None:
    result = a4(data, "check", "--status", "draft")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    heads = [line for line in lines if line.startswith("DEMO-")]
    findings = [line for line in lines if line.startswith("  ")]
    assert heads and findings
    assert any(line.startswith("  evidence.sources: ") for line in findings)
    assert "with something to fix" in result.stderr


def test_one_passing_case_exits_0_and_an_unknown_one_is_one_line(data: Path) -> None:
    report = json.loads(a4(data, "check", "--status", "locked", "--json").stdout)
    ref = report["records"][0]["ref"]
    passing = a4(data, "check", ref)
    assert passing.returncode == 0 and passing.stdout.startswith(f"{ref} ") and "passes" in passing.stdout
    unknown = a4(data, "check", "NOPE-1")
    assert unknown.returncode == 1
    assert "There is no case with reference NOPE-1" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1 and "Traceback" not in unknown.stderr

"""Records leave and come back intact: export JSON, import into an empty store, export again.

The record comes back the same; its history (audit trail, QA grades and
countersignatures) comes back as the file's history, marked with the file it
came in with, never as the new store's own sign-off, and the new store's trail
adds one entry of its own: who imported which file, when.  Run over every
record of a demo store (as `a4 demo` makes it), plus records that have been
through the workflow.
"""

from __future__ import annotations

import dataclasses
import json
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from exports.formats.json_format import to_json
from exports.importing.importer import ImportProblem, import_incoming, parse_export
from forms.definition.registry import Registry, load_registry
from forms.model import AssessmentForm, Comment, Grade, Record
from forms.record.words import record_word_counts
from storage.demo import demo_data
from storage.sqlite.store import SqliteStore
from tests.cli_support import a4_in as a4

NOW = "2025-03-04T12:00:00+00:00"


@pytest.fixture(scope="module")
def registry() -> Registry:
    found, errors = load_registry([])
    assert not errors
    return found


@pytest.fixture(scope="module")
def form(registry: Registry) -> AssessmentForm:
    found = registry.assessment("a4-assessment")
    assert found is not None
    return found


def demo_store(path: Path, form: AssessmentForm, count: int = 40) -> SqliteStore:
    """A demo store, then some records taken through the workflow by two people."""
    store = SqliteStore(path, now=lambda: datetime(2025, 3, 3, 9, 30, tzinfo=UTC))
    data = demo_data(form, count, "sam.p", date(2025, 3, 3))
    store.bulk_import(data.cases, data.records, form.deadlines)
    drafts = [r for r in data.records if r.status == "draft"][:3]
    for record in drafts:
        stored = store.get_record(record.id)
        stored.answers["rosh.level"] = "very_high"
        store.save_record(stored, "jo.k", risk_path=form.risk_level, reason="New information, said plainly.")
        store.transition(record.id, "submitted", "sam.p")
    notes = {"grades": [Grade("analysis", "Good", "Clear.")], "comments": [Comment("c1", "rosh", "Why?")]}
    store.transition(drafts[0].id, "returned", "jo.k", comment="Say why the level rose.", **notes)
    store.approve_and_lock(drafts[1].id, "jo.k", grades=[Grade("analysis", "Good", "Clear.")])
    return store


def every_record(store: SqliteStore) -> list[Record]:
    return [r for s in store.list_cases() for r in store.records_for_case(s.ref)]


def export_all(store: SqliteStore, registry: Registry) -> dict[str, str]:
    form = registry.assessment("a4-assessment")
    assert form is not None
    return {
        r.id: to_json(r, store.get_case(r.case_ref), form, store.audit_trail(r.id))
        for r in every_record(store)
    }


def as_imported(exported: str, file: str, importer: str) -> dict[str, object]:
    """What exporting `exported` again must give once imported from `file` by `importer`: the same record,
    its history marked as the file's, and the import as the new store's own first entry."""
    document = json.loads(exported)
    record = document["record"]
    for key in ("grades", "comments", "signatures"):
        record[key] = [dict(item, imported_from=file) for item in record[key]]
    trail = [dict(e, imported_from=file) for e in document["audit"]]
    document["audit"] = [
        {"kind": "imported", "actor": importer, "field": "file", "old": None, "new": file},
        *trail,
    ]
    return document


def same_but_when(exported: str, expected: dict[str, object]) -> None:
    """`exported` is `expected`, except the time and note of the import entry, which the new store chose."""
    document = json.loads(exported)
    imported = document["audit"][0]
    assert imported.pop("at") and isinstance(imported.pop("reason"), str)
    assert document == expected


def test_every_demo_record_round_trips_with_its_history_marked_as_the_files(
    tmp_path: Path, registry: Registry, form: AssessmentForm
) -> None:
    source = demo_store(tmp_path / "one" / "a4.db", form)
    first = export_all(source, registry)
    assert len(first) > 25
    target = SqliteStore(tmp_path / "two" / "a4.db")
    for text in sorted(first.values()):
        incoming = parse_export(text, "export.json", registry)
        import_incoming(target, incoming, actor="ana")
    again = export_all(target, registry)
    assert again.keys() == first.keys()
    for record_id, text in first.items():
        same_but_when(again[record_id], as_imported(text, "export.json", "ana"))
    signed = [r for r in every_record(target) if r.signatures]
    assert signed and all(s.imported_from == "export.json" for r in signed for s in r.signatures)
    words = {s.ref: s.words for s in target.list_cases()}
    for record in every_record(target):  # counted on import, listed as their total
        assert record.words == record_word_counts(form, record.answers)
        assert words[record.case_ref] == sum(record.words.values())


def test_the_cli_round_trip_keeps_every_record_and_files_are_private(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert a4(one, "demo", "--cases", "25").returncode == 0
    first = a4(one, "export", "--all", "--format", "json", "--out", str(tmp_path / "first"))
    assert first.returncode == 0, first.stderr
    files = sorted((tmp_path / "first").iterdir())
    assert len(files) > 15
    assert stat.S_IMODE((tmp_path / "first").stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    imported = a4(two, "import", *map(str, files))
    assert imported.returncode == 0, imported.stderr
    again = a4(two, "export", "--all", "--format", "json", "--out", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    for file in files:
        document = json.loads((tmp_path / "again" / file.name).read_text())
        original = json.loads(file.read_text())
        assert document["record"]["answers"] == original["record"]["answers"], file.name
        assert document["record"]["status"] == original["record"]["status"], file.name
        assert {e.get("imported_from") for e in document["audit"][1:]} <= {file.name}, file.name
        assert document["audit"][0]["kind"] == "imported", file.name


def test_an_existing_record_is_refused_unless_told(
    tmp_path: Path, registry: Registry, form: AssessmentForm
) -> None:
    store = demo_store(tmp_path / "a4.db", form)
    draft = next(r for r in every_record(store) if r.status == "draft")
    text = to_json(draft, store.get_case(draft.case_ref), form, store.audit_trail(draft.id))
    incoming = parse_export(text, "mine.json", registry)
    with pytest.raises(ImportProblem, match=r"mine\.json: \$\.record\.id: .* already in this store"):
        import_incoming(store, incoming, actor="ana")

    # A copy goes in under a new id; a copy of a signed-off record, since a case holds at most one open
    # draft of each kind (the store refuses a second).
    done = next(r for r in every_record(store) if r.status in ("approved", "locked"))
    done_text = to_json(done, store.get_case(done.case_ref), form, store.audit_trail(done.id))
    copy = import_incoming(store, parse_export(done_text, "mine.json", registry), mode="as_new", actor="ana")
    assert copy.id != done.id and copy.answers == done.answers
    imported = next(e for e in store.audit_trail(copy.id) if e.kind == "imported")
    assert (imported.actor, imported.new, imported.imported_from) == ("ana", "mine.json", "")
    assert imported.reason == f"imported as a copy of record {done.id}"

    changed = dataclasses.replace(incoming, record=dataclasses.replace(draft, answers={"rosh.level": "low"}))
    replaced = import_incoming(store, changed, mode="replace", actor="ana")
    assert replaced.answers == {"rosh.level": "low"}
    trail = store.audit_trail(draft.id)
    assert trail[-1].kind == "imported" and len(trail) == len(incoming.audit) + 1


def test_a_locked_or_newer_record_is_never_replaced(
    tmp_path: Path, registry: Registry, form: AssessmentForm
) -> None:
    store = demo_store(tmp_path / "a4.db", form)
    records = every_record(store)
    locked = next(r for r in records if r.status == "locked")
    text = to_json(locked, store.get_case(locked.case_ref), form, store.audit_trail(locked.id))
    incoming = parse_export(text, "f.json", registry)
    with pytest.raises(ImportProblem, match=r"locked \(countersigned\), so it cannot be replaced"):
        import_incoming(store, incoming, mode="replace", actor="a")
    saved = next(r for r in records if r.status == "submitted" and r.version > 1)
    older = dataclasses.replace(saved, version=saved.version - 1, answers={})
    incoming = parse_export(to_json(older, store.get_case(saved.case_ref), form, []), "f.json", registry)
    with pytest.raises(ImportProblem, match=r"\$\.record\.version: the stored record is newer"):
        import_incoming(store, incoming, mode="replace", actor="a")
    assert store.get_record(locked.id) == locked and store.get_record(saved.id) == saved

"""Answers a form marks `withhold_from_person` never reach a copy made for the person.

The flag is read from TOML, and every export that says it is for the person
(`a4 export --for person`, Markdown and JSON) leaves those answers out and
says why; the team's own exports keep them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exports.batch import Exportable
from exports.formats.json_format import to_json
from exports.formats.markdown import to_markdown
from forms.definition.load import library_files, load_text
from forms.model import AssessmentForm, Case, Comment, Record
from forms.record.sharing import NOT_FOR_PERSON, WITHHELD_NOTICE, for_person, withheld_paths
from storage.sqlite.store import SqliteStore
from tests.cli_support import a4_in as a4

FORM = """
id = "t"
kind = "assessment"
title = "T"
version = "1.0.0"
[[section]]
id = "offence"
title = "Offence"
  [[section.question]]
  id = "what"
  label = "What happened?"
  [[section.question]]
  id = "victim"
  label = "About the person harmed"
  withhold_from_person = true
"""

SECRET = "Lives at 4 Quarry Lane with her sister"


def form() -> AssessmentForm:
    result = load_text(FORM, "t.toml")
    assert result.errors == []
    assert isinstance(result.definition, AssessmentForm)
    return result.definition


def record() -> Record:
    return Record(
        "r1",
        "C-1",
        "t",
        "1.0.0",
        answers={"offence.what": "Broke a window at the shop.", "offence.victim": SECRET},
        comments=[Comment("c1", "offence.victim", f"Check: {SECRET}"), Comment("c2", "offence.what", "Fine")],
    )


CASE = Case("C-1", "Sam Doe", "2025-01-06", "jo")


def test_the_flag_is_read_from_toml_and_defaults_to_shared() -> None:
    loaded = form()
    assert withheld_paths(loaded) == {"offence.victim"}
    assert loaded.question("offence.what").withhold_from_person is False  # type: ignore[union-attr]


def test_a_group_field_cannot_carry_the_flag_and_says_where_it_belongs() -> None:
    text = FORM.replace(
        'label = "About the person harmed"\n  withhold_from_person = true',
        'type = "group"\n  label = "People harmed"\n'
        '    [[section.question.field]]\n    id = "name"\n    type = "line"\n    label = "Name"\n'
        "    withhold_from_person = true",
    )
    result = load_text(text, "t.toml")
    [error] = result.errors
    assert "a group's fields cannot have withhold_from_person" in str(error)
    assert str(error).startswith("t.toml:")


def test_a_markdown_copy_for_the_person_leaves_the_answer_and_comments_on_it_out() -> None:
    loaded = form()
    team = to_markdown(record(), CASE, loaded)
    assert "Quarry Lane" in team and WITHHELD_NOTICE not in team
    item = Exportable(CASE, record(), loaded).copy_for_person()
    copy = to_markdown(item.record, item.case, item.form, notice=item.notice)
    assert "Quarry Lane" not in copy
    assert "Broke a window at the shop." in copy and "Fine" in copy
    assert WITHHELD_NOTICE in copy


def test_the_notice_shows_even_when_the_withheld_question_is_unanswered() -> None:
    """Saying it only when something was left out would tell the person that something exists."""
    bare = record()
    del bare.answers["offence.victim"]
    copy, notice = for_person(form(), bare)
    assert notice is True and copy.answers == {"offence.what": "Broke a window at the shop."}


def test_a_json_copy_for_the_person_is_marked_and_the_record_left_whole() -> None:
    loaded = form()
    original = record()
    item = Exportable(CASE, original, loaded).copy_for_person()
    document = json.loads(to_json(item.record, item.case, item.form, for_person=True, notice=item.notice))
    assert "offence.victim" not in document["record"]["answers"]
    assert document["for_person"] == {"notice": WITHHELD_NOTICE}
    assert original.answers["offence.victim"] == SECRET  # the stored record is never changed


@pytest.fixture(scope="module")
def store_with_victim_answers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A demo store, and a forms folder where the shipped assessment withholds who was harmed."""
    data = tmp_path_factory.mktemp("store")
    assert a4(data, "demo", "--cases", "6").returncode == 0
    forms = tmp_path_factory.mktemp("forms")
    shipped = next(p for p in library_files() if p.name == "assessment.toml").read_text(encoding="utf-8")
    marked = shipped.replace('id = "victims"\n', 'id = "victims"\n  withhold_from_person = true\n', 1)
    assert marked != shipped
    (forms / "assessment.toml").write_text(marked, encoding="utf-8")
    store = SqliteStore(data / "a4.db")
    try:
        ref = next(
            s.ref
            for s in store.list_cases()
            if (r := store.latest_record(s.ref)) is not None and r.answers.get("offence.victims")
        )
        answer = store.latest_record(ref).answers["offence.victims"]  # type: ignore[union-attr]
    finally:
        store.close()
    return data, forms, ref + "\n" + answer


def test_a4_export_for_person_leaves_withheld_answers_out(
    store_with_victim_answers: tuple[Path, Path, str], tmp_path: Path
) -> None:
    data, forms, found = store_with_victim_answers
    ref, answer = found.split("\n", 1)
    first_words = " ".join(answer.split()[:4])
    team = a4(data, "--forms", str(forms), "export", ref, "--format", "md")
    assert team.returncode == 0, team.stderr
    assert first_words in team.stdout
    assert NOT_FOR_PERSON[:60] in team.stdout  # the team's copy says it is not to be handed over
    person = a4(data, "--forms", str(forms), "export", ref, "--format", "md", "--for", "person")
    assert person.returncode == 0, person.stderr
    assert first_words not in person.stdout and WITHHELD_NOTICE[:40] in person.stdout
    assert "Not for the person" not in person.stdout
    as_json = a4(data, "--forms", str(forms), "export", ref, "--format", "json", "--for", "person")
    assert as_json.returncode == 0, as_json.stderr
    document = json.loads(as_json.stdout)
    assert "offence.victims" not in document["record"]["answers"]
    copy = tmp_path / "copy.json"
    copy.write_text(as_json.stdout, encoding="utf-8")
    refused = a4(data, "--forms", str(forms), "import", str(copy))
    assert refused.returncode == 1 and "a copy made for the person" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_team_formats_refuse_for_person_in_one_line(
    store_with_victim_answers: tuple[Path, Path, str],
) -> None:
    data, forms, found = store_with_victim_answers
    ref = found.split("\n", 1)[0]
    for fmt in ("csv", "fhir"):
        result = a4(data, "--forms", str(forms), "export", ref, "--format", fmt, "--for", "person")
        assert result.returncode == 1
        assert "--for person makes a Markdown, JSON or sheet copy" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_reason_for_a_check_on_a_withheld_answer_stays_out_of_the_persons_copy() -> None:
    """The reason may quote what is withheld; a reason for a check on a shared answer is kept."""
    from forms.checks.findings import Finding
    from forms.record.overrides import WITHHELD_REASON, audit_text, with_reasons
    from storage.store import AuditEvent

    loaded = form()
    victim = Finding("c", "required", "About the person harmed: say more", "offence.victim")
    what = Finding("c", "required", "What happened: say more", "offence.what")
    hidden_reason, shared_reason = f"Manager knows {SECRET}", "Court papers arrive next week"
    reasoned = with_reasons(
        record(), [(victim, hidden_reason), (what, shared_reason)], by="jo", on="2025-02-01"
    )
    audit = (AuditEvent("r1", "status", "jo", "2025-02-01T10:00:00", "status", "draft", "submitted",
                        audit_text(reasoned.overrides)),)  # fmt: skip
    team = to_markdown(reasoned, CASE, loaded, audit)
    assert "Quarry Lane" in team and shared_reason in team

    item = Exportable(CASE, reasoned, loaded, audit).copy_for_person()
    copy = to_markdown(item.record, item.case, item.form, item.audit, notice=item.notice)
    assert "Quarry Lane" not in copy
    assert shared_reason in copy and WITHHELD_REASON in copy
    document = json.loads(to_json(item.record, item.case, item.form, item.audit, for_person=True))
    assert "Quarry Lane" not in json.dumps(document)
    assert [o["reason"] for o in document["record"]["overrides"]] == [shared_reason]
    assert [o.reason for o in reasoned.overrides] == [hidden_reason, shared_reason]  # the record is unchanged

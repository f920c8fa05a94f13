"""The four export formats, read the way their readers read them.

Markdown with markdown-it-py (as a renderer would), JSON with the shipped
JSON Schema (as another system would), FHIR with the `fhir.resources` R4B
models, and CSV with the standard library, against the header documented
in docs/exports.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from jsonschema import Draft202012Validator
from markdown_it import MarkdownIt

from exports.formats.csv_format import HEADER, CaseRow, to_csv
from exports.formats.fhir import questionnaire, questionnaire_response, to_fhir
from exports.formats.json_format import to_json
from exports.formats.markdown import to_markdown
from exports.schema import record_schema
from forms.definition.registry import load_registry
from forms.model import (
    RECORD_KINDS,
    RECORD_STATUSES,
    AssessmentForm,
    Case,
    Grade,
    Objective,
    Record,
    Rubric,
    Signature,
)
from storage.demo import demo_data
from storage.store import AuditEvent

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def form() -> AssessmentForm:
    registry, _ = load_registry([])
    found = registry.assessment("a4-assessment")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def rubric() -> Rubric | None:
    registry, _ = load_registry([])
    return registry.rubric_for("a4-assessment")


CASE = Case("C-7", "Alex Morgan", "2025-02-03", "sam.p", "a4-assessment", "2025-02-17", "")


def written(form: AssessmentForm, **changes: object) -> Record:
    """A record a practitioner might really have written, with QA and a risk level change."""
    record = Record(
        id="r1",
        case_ref="C-7",
        form_id=form.id,
        form_version=form.version,
        answers={
            "offence.what_happened": "Alex took food from a shop after benefits stopped.",
            "accommodation.linked_offending": "yes",
            "accommodation.linked_harm": "no",
            "accommodation.strengths": "Has kept the same flat for two years.",
            "accommodation.analysis": "Losing the flat came weeks before the offence.",
            "relationships.linked_offending": "no",
            "relationships.linked_harm": "yes",
            "health.adjustments": "no",
            "health.adjustments_what": "Large print",  # hidden: adjustments is "no"
            "finance.strengths": "   ",  # empty
            "rosh.who": {
                "children": {"community": "medium", "custody": "low"},
                "public": {"community": "low"},
            },
            "rosh.level": "high",
            "rosh.reasoning": "Harm was serious and recent.",
            "protective.proud_of": "Finishing a forklift licence.",
            "evidence.sources": [
                {"kind": "psr", "date": "2025-02-10", "author": "Court team"},
                {"kind": "interview", "date": "2025-01-20", "author": "Sam P"},
                {"kind": "police", "date": "2025-02-01", "author": "PNC"},
            ],
        },
        plan=[
            Objective(
                "o1",
                goal="I will keep my flat so that I stay well.",
                by="2025-05-01",
                areas=["accommodation"],
            )
        ],
        status="locked",
        author="sam.p",
        version=4,
        created_at="2025-02-04T10:00:00+00:00",
        updated_at="2025-02-14T15:30:00+00:00",
        active_seconds=3725,
        grades=[Grade("analysis", "Good", "Clear links.", "jo.k", "2025-02-13T09:00:00+00:00")],
        signatures=[Signature("jo.k", "2025-02-14T15:30:00+00:00")],
    )
    return replace(record, **changes)  # type: ignore[arg-type]


AUDIT = (
    AuditEvent("r1", "created", "sam.p", "2025-02-04T10:00:00+00:00", "kind", None, "assessment"),
    AuditEvent("r1", "risk_level", "jo.k", "2025-02-12T11:00:00+00:00", "rosh.level", "medium", "high",
               "New police information about threats."),
    AuditEvent("r1", "status", "jo.k", "2025-02-14T15:30:00+00:00", "status", "approved", "locked"),
)  # fmt: skip


# ---------------------------------------------------------------- Markdown


def test_markdown_opens_with_the_summary_then_sections_then_qa(form: AssessmentForm, rubric: Rubric) -> None:
    text = to_markdown(written(form), CASE, form, AUDIT, rubric)
    tokens = MarkdownIt().parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[:5] == [
        "Assessment: Alex Morgan",
        "At a glance",
        "Who is at risk",
        "Strengths and protective factors",
        "Plan objectives",
    ]
    assert (
        headings.index("Accommodation")
        < headings.index("Evidence sources")
        < headings.index("Quality assurance")
    )
    assert "**Risk of serious harm:** High" in text
    assert "Children: medium in the community, low in custody" in text
    assert "**Linked to offending:** Accommodation" in text
    assert "**Linked to serious harm:** Relationships" in text
    assert "Has kept the same flat for two years." in text
    assert "I will keep my flat so that I stay well. — by Thursday 1 May 2025 (Accommodation)" in text


def test_markdown_leaves_out_hidden_and_empty_questions(form: AssessmentForm) -> None:
    text = to_markdown(written(form), CASE, form)
    assert "Large print" not in text and "What helps?" not in text
    assert "Finance" not in text  # its only answer is blank
    assert "Drug use" not in text  # nothing written there at all


def test_markdown_lists_evidence_in_date_order_and_the_qa_outcome(
    form: AssessmentForm, rubric: Rubric
) -> None:
    text = to_markdown(written(form), CASE, form, AUDIT, rubric)
    dates = [text.index(d) for d in ("20 January 2025", "1 February 2025", "10 February 2025")]
    assert dates == sorted(dates)
    assert "Approved and locked (countersigned)" in text
    assert "Analysis explains the links: **Good** (jo.k) — Clear links." in text
    assert "Countersigned by jo.k on Friday 14 February 2025" in text
    assert (
        "Risk of serious harm level changed from Medium to High by jo.k on Wednesday 12 February 2025: "
        "New police information about threats." in text
    )


def test_text_a_person_wrote_can_never_become_markup(form: AssessmentForm) -> None:
    hostile = (
        "# Not a heading\n\n<script>alert(1)</script> [link](http://x) *loud*\n1. not a list\n- nor this"
    )
    record = written(form, answers={"offence.what_happened": hostile, "rosh.level": "low"})
    tokens = MarkdownIt().parse(to_markdown(record, replace(CASE, name="<b>Alex</b> # Morgan"), form))
    assert [t.content for t in tokens if t.type == "inline" and "Not a heading" in t.content]
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"html_block", "html_inline", "link_open", "em_open", "ordered_list_open"}
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert "Not a heading" not in " ".join(headings)


# ---------------------------------------------------------------- JSON


def test_every_demo_record_exports_json_the_schema_accepts(form: AssessmentForm) -> None:
    validator = Draft202012Validator(record_schema())
    data = demo_data(form, 60, "sam.p", date(2025, 3, 3))
    cases = {c.ref: c for c in data.cases}
    for record in [*data.records, written(form)]:
        case = cases.get(record.case_ref, CASE)
        document = json.loads(to_json(record, case, form, AUDIT))
        assert not list(validator.iter_errors(document)), record.id


def test_json_is_deterministic_and_complete(form: AssessmentForm) -> None:
    record = written(form)
    text = to_json(record, CASE, form, AUDIT)
    assert text == to_json(written(form), CASE, form, AUDIT)
    document = json.loads(text)
    assert list(document) == sorted(document) and text.endswith("}\n")
    assert document["format"] == "a4-record" and document["format_version"] == 1
    assert document["form"] == {"id": "a4-assessment", "version": form.version}
    assert document["record"]["grades"][0]["level"] == "Good"
    assert document["record"]["signatures"] == [{"by": "jo.k", "on": "2025-02-14T15:30:00+00:00"}]
    assert document["record"]["active_seconds"] == 3725
    assert document["audit"][1]["reason"] == "New police information about threats."
    assert document["words"]["total"] == sum(document["words"]["by_section"].values()) > 0
    assert document["record"]["words"] == document["words"]["by_section"]  # counted once: saved without


def test_json_is_one_compact_line_that_json_tool_can_indent(form: AssessmentForm) -> None:
    text = to_json(written(form), CASE, form, AUDIT)
    assert text.count("\n") == 1 and ', "' not in text and '": ' not in text
    assert "Alex took food from a shop" in text  # not escaped to \\u sequences
    indented = subprocess.run(
        [sys.executable, "-m", "json.tool"], input=text, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(indented) == json.loads(text) and indented.count("\n") > 50


def test_json_and_csv_read_the_words_saved_with_the_record(form: AssessmentForm) -> None:
    saved = written(form, words={"offence": 500, "accommodation": 40})
    document = json.loads(to_json(saved, CASE, form, AUDIT))
    assert document["words"] == {"by_section": {"offence": 500, "accommodation": 40}, "total": 540}
    rows = list(csv.DictReader(io.StringIO(to_csv([CaseRow(CASE, saved, form, AUDIT)]))))
    assert rows[0]["words"] == "540"


def test_the_schema_describes_every_record_field_and_the_model_enums() -> None:
    """A field added to `Record` must be described in the shipped schema too (exports/schema)."""
    import dataclasses

    record = record_schema()["$defs"]["record"]
    assert set(record["properties"]) == {f.name for f in dataclasses.fields(Record)}
    assert record["properties"]["status"]["enum"] == list(RECORD_STATUSES)
    assert record["properties"]["kind"]["enum"] == list(RECORD_KINDS)


# ---------------------------------------------------------------- FHIR


def test_fhir_bundle_validates_with_the_r4b_models(form: AssessmentForm) -> None:
    data = demo_data(form, 40, "sam.p", date(2025, 3, 3))
    cases = {c.ref: c for c in data.cases}
    for record in [*data.records, written(form)]:
        bundle = Bundle.model_validate_json(to_fhir(record, cases.get(record.case_ref, CASE), form))
        assert [e.resource.__resource_type__ for e in bundle.entry] == [
            "Questionnaire",
            "QuestionnaireResponse",
        ]


def _items(resource: dict) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for item in resource.get("item", []):
        found.setdefault(item["linkId"], item)
        found.update({k: v for k, v in _items(item).items() if k not in found})
    return found


def test_questionnaire_maps_each_question_type(form: AssessmentForm) -> None:
    resource = questionnaire(form)
    Questionnaire.model_validate(resource)
    items = _items(resource)
    assert items["offence.what_happened"]["type"] == "text"
    assert items["health.adjustments_what"]["type"] == "string"
    assert items["accommodation.linked_offending"]["type"] == "boolean"
    level = items["rosh.level"]
    assert level["type"] == "choice" and level["required"] is True
    assert level["answerOption"][3]["valueCoding"]["code"] == "very_high"
    assert items["evidence.sources"]["type"] == "group" and items["evidence.sources"]["repeats"] is True
    assert items["evidence.sources.date"]["type"] == "date"
    grid = items["rosh.who"]
    assert grid["type"] == "group"
    assert {i["linkId"] for i in grid["item"]} >= {"rosh.who.children.community", "rosh.who.staff.custody"}
    assert all(i["type"] == "choice" for i in grid["item"])
    assert items["health.adjustments_what"]["enableWhen"] == [
        {"question": "health.adjustments", "operator": "=", "answerBoolean": True}
    ]


def test_questionnaire_response_carries_typed_answers(form: AssessmentForm) -> None:
    resource = questionnaire_response(written(form), CASE, form)
    QuestionnaireResponse.model_validate(resource)
    items = _items(resource)
    assert resource["status"] == "completed"
    assert resource["subject"]["identifier"]["value"] == "C-7"
    assert items["accommodation.linked_offending"]["answer"] == [{"valueBoolean": True}]
    assert items["rosh.level"]["answer"][0]["valueCoding"]["display"] == "High"
    assert items["rosh.who.children.custody"]["answer"][0]["valueCoding"]["code"] == "low"
    assert "health.adjustments_what" not in items  # hidden
    sources = [i for s in resource["item"] for i in s["item"] if i["linkId"] == "evidence.sources"]
    assert [s["item"][1]["answer"][0]["valueDate"] for s in sources] == [
        "2025-01-20",
        "2025-02-01",
        "2025-02-10",
    ]


# ---------------------------------------------------------------- CSV


def test_csv_opens_with_the_documented_header(form: AssessmentForm) -> None:
    documented = re.search(r"```csv\n(.+?)\n```", (ROOT / "docs" / "exports.md").read_text(), re.S)
    assert documented is not None
    assert documented[1].split(",") == list(HEADER)
    text = to_csv(
        [CaseRow(CASE, written(form), form, AUDIT), CaseRow(replace(CASE, ref="C-8", name="=cmd()"))]
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0] == {
        "reference": "C-7",
        "name": "Alex Morgan",
        "owner": "sam.p",
        "sentence_type": "",
        "sentence_end": "",
        "status": "locked",
        "risk_level": "High",
        "initial_due": "2025-02-17",
        "next_review": "",
        "submitted_on": "",
        "approved_on": "2025-02-14",
        "active_minutes": "62",
        "words": rows[0]["words"],
        "qa_outcome": "approved and locked",
        "countersigned_by": "jo.k",
        "overridden_checks": "",
    }
    assert int(rows[0]["words"]) > 20
    assert rows[1]["status"] == "not started" and rows[1]["name"] == "'=cmd()"

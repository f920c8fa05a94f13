"""FHIR R4: the form as a Questionnaire, the record as a QuestionnaireResponse, in one Bundle.

Health and social-care systems read FHIR, so a record handed over this way
keeps its structure rather than arriving as a document.  Question types
map one to one where FHIR has the type (text, string, boolean, choice with
codings, date, integer, decimal, repeating group); a grid becomes a group
with one choice item per cell, which is how FHIR forms express a table.

Conditions are written in A4's own small language.  A plain
`question == "value"` becomes a FHIR `enableWhen`; anything richer is
kept word for word in an A4 extension, so nothing is lost or mistranslated.
Only answers a reader would see are sent, as in the Markdown report.
"""

from __future__ import annotations

import json
import re
from typing import Any

from exports.text import answered, is_empty, ordered_entries
from forms.model import AssessmentForm, Case, Option, Question, Record, Section
from forms.record.signoff import per_file

BASE = "https://a4sheet.invalid/fhir"
"""Where A4's FHIR identifiers live (a reserved name: A4 runs no server)."""
CONDITION_EXTENSION = f"{BASE}/StructureDefinition/a4-condition"
STATUS_EXTENSION = f"{BASE}/StructureDefinition/a4-record-status"
IMPORTED_EXTENSION = f"{BASE}/StructureDefinition/a4-imported-signoff"
"""A countersignature a file told A4 about (`a4 import`): that file's history, not a sign-off given in A4."""
CASE_SYSTEM = f"{BASE}/case-ref"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

ITEM_TYPES: dict[str, str] = {
    "text": "text",
    "line": "string",
    "yesno": "boolean",
    "choice": "choice",
    "multi": "choice",
    "scale": "integer",
    "date": "date",
    "grid": "group",
    "group": "group",
}
"""A4 question type → FHIR item type (`number` is integer or decimal by its `integer` setting)."""

RESPONSE_STATUS: dict[str, str] = {
    "draft": "in-progress",
    "returned": "in-progress",
    "submitted": "completed",
    "approved": "completed",
    "locked": "completed",
}

_SIMPLE_CONDITION = re.compile(r"""^\s*([a-z0-9_.]+)\s*==\s*(?:"([^"]*)"|'([^']*)')\s*$""")


def fhir_id(text: str) -> str:
    """An A4 id as a FHIR id (letters, digits, '-' and '.', at most 64)."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", text)[:64]


def questionnaire_url(form_id: str) -> str:
    return f"{BASE}/Questionnaire/{fhir_id(form_id)}"


def _system(form: AssessmentForm, path: str) -> str:
    """The code system of one question's options: stable as long as the form id and path are."""
    return f"{BASE}/CodeSystem/{fhir_id(form.id)}/{path}"


def _coding(form: AssessmentForm, path: str, option: Option) -> dict[str, str]:
    return {"system": _system(form, path), "code": option.id, "display": option.label}


# ---------------------------------------------------------------- Questionnaire


def questionnaire(form: AssessmentForm) -> dict[str, Any]:
    """The form as a FHIR R4 Questionnaire resource (a JSON-compatible dict)."""
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": fhir_id(form.id),
        "url": questionnaire_url(form.id),
        "version": form.version,
        "title": form.header.title,
        "status": "active",
        "item": [_section_item(form, s) for s in form.sections],
    }
    if form.header.description:
        resource["description"] = form.header.description
    return resource


def _section_item(form: AssessmentForm, section: Section) -> dict[str, Any]:
    return {
        "linkId": section.id,
        "text": section.title,
        "type": "group",
        "item": [_question_item(form, section, q, f"{section.id}.{q.id}") for q in section.questions],
    }


def _item_type(question: Question) -> str:
    if question.type == "number":
        return "integer" if question.integer else "decimal"
    return ITEM_TYPES[question.type]


def _question_item(
    form: AssessmentForm, section: Section | None, question: Question, path: str
) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": path, "text": question.label, "type": _item_type(question)}
    if question.required:
        item["required"] = True
    if question.type in ("choice", "multi"):
        item["answerOption"] = [{"valueCoding": _coding(form, path, o)} for o in question.options]
    if question.type == "multi":
        item["repeats"] = True
    if question.type in ("scale", "number"):
        item["extension"] = _limits(question)
    if question.type == "grid":
        item["item"] = [
            _cell_item(form, question, path, row, column)
            for row in question.rows
            for column in question.columns
        ]
    if question.type == "group":
        item["repeats"] = True
        item["item"] = [_question_item(form, None, f, f"{path}.{f.id}") for f in question.fields]
    if question.show_if is not None and section is not None:
        item.update(_condition(question.show_if.source, section))
    return item


def _cell_item(
    form: AssessmentForm, question: Question, path: str, row: Option, column: Option
) -> dict[str, Any]:
    cell = f"{path}.{row.id}.{column.id}"
    text = row.label if len(question.columns) == 1 else f"{row.label} – {column.label}"
    options = [{"valueCoding": _coding(form, path, level)} for level in question.options]
    return {"linkId": cell, "text": text, "type": "choice", "answerOption": options}


def _limits(question: Question) -> list[dict[str, Any]]:
    key = "valueDecimal" if question.type == "number" and not question.integer else "valueInteger"
    convert = float if key == "valueDecimal" else int
    limits = [(MIN_VALUE, question.min), (MAX_VALUE, question.max)]
    return [{"url": url, key: convert(v)} for url, v in limits if v is not None]


def _condition(source: str, section: Section) -> dict[str, Any]:
    """`enableWhen` for `name == "value"`; the A4 condition text in an extension otherwise."""
    match = _SIMPLE_CONDITION.match(source)
    if match:
        name, value = match[1], match[2] if match[2] is not None else match[3]
        target = name if "." in name else f"{section.id}.{name}"
        question = section.question(name) if "." not in name else None
        answer: dict[str, Any]
        if question is not None and question.type == "yesno" and value in ("yes", "no"):
            answer = {"answerBoolean": value == "yes"}
        elif question is not None and question.option(value) is not None:
            answer = {"answerCoding": {"code": value}}
        else:
            answer = {"answerString": value}
        return {"enableWhen": [{"question": target, "operator": "=", **answer}]}
    return {"extension": [{"url": CONDITION_EXTENSION, "valueString": source}]}


# ---------------------------------------------------------------- QuestionnaireResponse


def questionnaire_response(record: Record, case: Case, form: AssessmentForm) -> dict[str, Any]:
    """The record as a FHIR R4 QuestionnaireResponse: the answers a reader would see, by section."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for answer in answered(form, record):
        items = _answer_items(form, answer.question, answer.path, answer.value)
        sections.setdefault(answer.section.id, []).extend(items)
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": fhir_id(record.id),
        "extension": [
            {"url": STATUS_EXTENSION, "valueCode": record.status},
            *(
                {
                    "url": IMPORTED_EXTENSION,
                    "valueString": f"countersigned by {s.by} on {s.on[:10]}{per_file(s.imported_from)}",
                }
                for s in record.signatures
                if s.imported_from
            ),
        ],
        "questionnaire": f"{questionnaire_url(record.form_id)}|{record.form_version}",
        "status": RESPONSE_STATUS.get(record.status, "in-progress"),
        "subject": {"identifier": {"system": CASE_SYSTEM, "value": case.ref}, "display": case.name},
        "item": [
            {"linkId": s.id, "text": s.title, "item": sections[s.id]}
            for s in form.sections
            if sections.get(s.id)
        ],
    }
    if record.updated_at:
        resource["authored"] = record.updated_at
    if record.author:
        resource["author"] = {"display": record.author}
    return resource


def _answer_items(form: AssessmentForm, question: Question, path: str, value: Any) -> list[dict[str, Any]]:
    """The response items of one answer: none, one, or (a repeating group) one per entry."""
    if question.type == "grid":
        cells = [
            {"linkId": f"{path}.{row.id}.{column.id}", "answer": answers}
            for row in question.rows
            for column in question.columns
            if (answers := _values(form, question, path, _cell(value, row.id, column.id)))
        ]
        return [{"linkId": path, "text": question.label, "item": cells}] if cells else []
    if question.type == "group":
        items = []
        for entry in ordered_entries(question, value):
            fields = [
                item
                for f in question.fields
                for item in _answer_items(form, f, f"{path}.{f.id}", entry.get(f.id))
            ]
            if fields:
                items.append({"linkId": path, "text": question.label, "item": fields})
        return items
    answers = _values(form, question, path, value)
    return [{"linkId": path, "text": question.label, "answer": answers}] if answers else []


def _cell(value: Any, row: str, column: str) -> Any:
    cells = value.get(row) if isinstance(value, dict) else None
    return cells.get(column) if isinstance(cells, dict) else None


def _values(form: AssessmentForm, question: Question, path: str, value: Any) -> list[dict[str, Any]]:
    """The FHIR answer values of one (non-group) answer; a value the form cannot read is sent as text."""
    if is_empty(value):
        return []
    kind = question.type
    if kind in ("choice", "grid"):
        return [_choice_value(form, question, path, value)]
    if kind == "multi" and isinstance(value, list):
        return [_choice_value(form, question, path, v) for v in value]
    if kind == "yesno" and value in ("yes", "no"):
        return [{"valueBoolean": value == "yes"}]
    if kind == "date":
        return [{"valueDate": str(value)}]
    if kind in ("scale", "number") and isinstance(value, int | float) and not isinstance(value, bool):
        integer = kind == "scale" or question.integer
        return [{"valueInteger": int(value)} if integer else {"valueDecimal": value}]
    return [{"valueString": str(value)}]


def _choice_value(form: AssessmentForm, question: Question, path: str, value: Any) -> dict[str, Any]:
    option = question.option(value)
    return {"valueCoding": _coding(form, path, option)} if option else {"valueString": str(value)}


# ---------------------------------------------------------------- the export


def to_fhir(record: Record, case: Case, form: AssessmentForm) -> str:
    """A FHIR R4 Bundle (type collection) holding the form's Questionnaire and the record's response."""
    response = questionnaire_response(record, case, form)
    bundle = {
        "resourceType": "Bundle",
        "id": fhir_id(record.id),
        "type": "collection",
        "entry": [
            {"fullUrl": questionnaire_url(form.id), "resource": questionnaire(form)},
            {"fullUrl": f"{BASE}/QuestionnaireResponse/{response['id']}", "resource": response},
        ],
    }
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"

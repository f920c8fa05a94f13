"""The shipped JSON Schema and the loader agree on every key, type and check.

Editors complete and underline from the schema while `a4 forms check`
judges with the loader; if the two drifted apart a trainer would see a file
pass in one and fail in the other.  These tests hold them together.
"""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from forms.checks.kinds import CHECK_KINDS, COMMON_CHECK_KEYS
from forms.definition.assessment import (
    DEADLINE_KEYS,
    FIELD_KEYS,
    FIELD_TYPES,
    QUESTION_KEYS,
    QUESTION_ONLY_KEYS,
    SECTION_KEYS,
    TEMPLATE_KEYS,
    TYPE_KEYS,
)
from forms.definition.load import HEADER_KEYS, KIND_KEYS, library_files
from forms.definition.options import OPTION_KEYS
from forms.definition.plan import SUGGEST_KEYS
from forms.definition.rubric import CRITERION_KEYS
from forms.model import FORM_KINDS, PLAN_FIELDS, QUESTION_TYPES
from tests.test_malformed import CASES

VALID = Path(__file__).parent / "fixtures" / "forms" / "valid"

SCHEMA: dict[str, Any] = json.loads(
    resources.files("forms.definition.schema").joinpath("form.schema.json").read_text(encoding="utf-8")
)
DEFS: dict[str, Any] = SCHEMA["definitions"]


def keys(definition: dict[str, Any]) -> set[str]:
    """The keys a closed table takes, after checking that any other key is rejected at the key itself.

    `additionalProperties` is a schema no value meets (not `false`, which taplo reports over the whole
    table), whose description names the keys; the table's required keys are required only while every
    key is known, so a misspelt required key is one message, at the misspelling.
    """
    rejecting = definition["additionalProperties"]
    assert list(rejecting) == ["not"], "the schema must reject keys the loader rejects"
    assert rejecting["not"]["description"].endswith(
        ": check its spelling, or use one of: " + ", ".join(definition["properties"])
    )
    assert "required" not in definition, "required keys go under `then`, judged once every key is known"
    if "then" in definition:
        assert definition["if"]["propertyNames"]["enum"] == list(definition["properties"])
    return set(definition["properties"])


def required(definition: dict[str, Any]) -> set[str]:
    """The keys a closed table must have (once every key in it is known)."""
    return set(definition["then"]["required"]) if "then" in definition else set()


def refs(definition: dict[str, Any]) -> list[str]:
    """The definitions a discriminated table dispatches to, one `if`/`then` branch each, in order.

    Each branch's `if` names the value of the discriminating key (`type`,
    `kind`) that its `then` definition requires, so a mistake in one question
    is judged against that question's type only (and reported once).
    """
    names = []
    for branch in definition["allOf"]:
        [(key, test)] = branch["if"]["properties"].items()
        name = branch["then"]["$ref"].rsplit("/", 1)[1]
        assert DEFS[name]["properties"][key]["enum"] == [test["const"]], name
        names.append(name)
    return names


def test_the_schema_is_draft_7() -> None:
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_each_kind_has_the_loaders_top_level_keys() -> None:
    assert refs(SCHEMA) == list(FORM_KINDS)
    for kind in FORM_KINDS:
        assert keys(DEFS[kind]) == {*HEADER_KEYS, *KIND_KEYS[kind]}, kind
        assert DEFS[kind]["properties"]["kind"]["enum"] == [kind]


def test_tables_have_the_loaders_keys() -> None:
    assert keys(DEFS["section"]) == set(SECTION_KEYS)
    assert keys(DEFS["template"]) == set(TEMPLATE_KEYS)
    assert keys(DEFS["assessment"]["properties"]["deadlines"]) == set(DEADLINE_KEYS)
    assert keys(DEFS["criterion"]) == set(CRITERION_KEYS)
    assert keys(DEFS["plan"]["properties"]["suggest"]["items"]) == set(SUGGEST_KEYS)
    assert keys(DEFS["plan"]["properties"]["labels"]) == set(PLAN_FIELDS)
    assert keys(DEFS["plan"]["properties"]["help"]) == set(PLAN_FIELDS)
    [_, table] = DEFS["option"]["oneOf"]
    assert keys(table) == set(OPTION_KEYS)


@pytest.mark.parametrize("qtype", QUESTION_TYPES)
def test_each_question_type_has_its_own_keys(qtype: str) -> None:
    assert keys(DEFS[f"question_{qtype}"]) == {*QUESTION_KEYS, *TYPE_KEYS[qtype]}
    assert DEFS[f"question_{qtype}"]["properties"]["type"]["enum"] == [qtype]
    if qtype in FIELD_TYPES:
        field_keys = {*FIELD_KEYS, *TYPE_KEYS[qtype]} - set(QUESTION_ONLY_KEYS)
        assert keys(DEFS[f"field_{qtype}"]) == field_keys


def test_question_and_field_choices_cover_the_types() -> None:
    assert refs(DEFS["question"]) == [f"question_{t}" for t in QUESTION_TYPES]
    assert refs(DEFS["field"]) == [f"field_{t}" for t in FIELD_TYPES]
    assert set(TYPE_KEYS) == set(QUESTION_TYPES)


@pytest.mark.parametrize("kind", sorted(CHECK_KINDS))
def test_each_check_kind_has_its_parameters(kind: str) -> None:
    definition = DEFS[f"check_{kind}"]
    assert keys(definition) == {*COMMON_CHECK_KEYS, *CHECK_KINDS[kind].params}
    needed = {name for name, param in CHECK_KINDS[kind].params.items() if param.required}
    assert required(definition) == {"kind", *needed}
    assert definition["properties"]["kind"]["enum"] == [kind]


def test_check_choices_cover_the_library() -> None:
    assert refs(DEFS["check"]) == [f"check_{kind}" for kind in CHECK_KINDS]


def test_every_key_has_a_description_for_completion() -> None:
    missing = [
        f"{name}.{key}"
        for name, definition in DEFS.items()
        for key, prop in definition.get("properties", {}).items()
        if "description" not in prop
    ]
    assert missing == []


@pytest.mark.parametrize("path", [*sorted(VALID.glob("*.toml")), *library_files()], ids=lambda p: p.name)
def test_valid_files_validate(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    errors = [error.message for error in jsonschema.Draft7Validator(SCHEMA).iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(
    "name",
    [
        "unknown key",
        "wrong type",
        "bad id",
        "bad version",
        "unknown kind",
        "unknown question type",
        "key of another type",
        "grid without rows",
        "grid inside a group",
        "rubric key in an assessment",
        "unknown check kind",
        "check missing its question",
        "check parameter of the wrong type",
        "phrase without a suggestion",
        "plan label for no field",
    ],
)
def test_the_schema_rejects_what_the_loader_rejects(name: str) -> None:
    data = tomllib.loads(CASES[name][0])
    assert not jsonschema.Draft7Validator(SCHEMA).is_valid(data)

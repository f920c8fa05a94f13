"""The JSON Schema of the A4 record export, shipped as package data so `a4 schema` and import share it.

Dates are checked by format, not only by pattern: a pattern takes
`2025-02-30` and `0000-00-00`.  `format_checker()` gives the checks the
importer uses, all from `forms.record.iso_dates`, so the schema and the
store agree on what a date is.  Besides the standard `date` and `date-time`
the schema names two formats of its own (documented in docs/exports.md):
`a4-date-or-empty` and `a4-when` (empty, a date, or a timestamp).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import FormatChecker

from forms.record import iso_dates

SCHEMA_FILE = "record.schema.json"

FORMATS = {
    "date": iso_dates.is_date,
    "date-time": iso_dates.is_timestamp,
    "a4-date-or-empty": iso_dates.is_date_or_empty,
    "a4-when": iso_dates.is_when,
}
"""Each format the schema names, and the check it means (strings only; other types pass, as the spec says)."""


def schema_text() -> str:
    """The schema exactly as shipped (what `a4 schema` prints)."""
    return files(__name__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def record_schema() -> dict[str, Any]:
    """The schema as a dict; read once (callers must not change it)."""
    schema: dict[str, Any] = json.loads(schema_text())
    return schema


def format_checker() -> FormatChecker:
    """The format checks of the schema's date and time fields, for a validator."""
    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(lambda value, check=check: not isinstance(value, str) or check(value))
    return checker

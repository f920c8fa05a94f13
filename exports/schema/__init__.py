"""The JSON Schema of the A4 record export, shipped as package data so `a4 schema` and import share it."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

SCHEMA_FILE = "record.schema.json"


def schema_text() -> str:
    """The schema exactly as shipped (what `a4 schema` prints)."""
    return files(__name__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def record_schema() -> dict[str, Any]:
    """The schema as a dict; read once (callers must not change it)."""
    return json.loads(schema_text())

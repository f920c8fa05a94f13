"""Starter definitions a trainer begins a new form from (`a4 forms new KIND NAME`).

One commented TOML file per kind lives beside this module.  Each is valid as
written (a test checks them with the shipped library), so a trainer starts
from something that works and changes it a step at a time.  The rubric and
plan starters judge the shipped assessment until told otherwise.
"""

from __future__ import annotations

import re
from importlib import resources

from forms.model import FORM_KINDS, AssessmentForm

SCHEMA_FILE = "a4-form.schema.json"
"""The name the starters' `#:schema` line expects beside them (written by `a4 forms new`)."""

_HEADER_ID = re.compile(r'^id = "[^"]*"', re.MULTILINE)
_HEADER_TITLE = re.compile(r'^title = "[^"]*"', re.MULTILINE)
_FORM = re.compile(r'^form = "[^"]*"', re.MULTILINE)
_AREA = re.compile(r'^area = "([^"]*)"', re.MULTILINE)


def starter_source(kind: str) -> str:
    """The starter file of `kind` exactly as shipped."""
    if kind not in FORM_KINDS:
        raise ValueError(f"unknown kind '{kind}'")
    return resources.files(__package__).joinpath(f"{kind}.toml").read_text(encoding="utf-8")


def title_from(name: str) -> str:
    """A readable title from a file-style name: "housing-check" → "Housing check"."""
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def starter_text(kind: str, name: str, form: AssessmentForm | None = None) -> str:
    """The starter of `kind` with id `name`; a rubric or plan points at `form` when one is given.

    Only the header's id and title (the first of each, at the start of a
    line) change, and for a plan whose form lacks the suggestion's area
    that area becomes the form's first section, so the result stays valid.
    """
    text = _HEADER_ID.sub(f'id = "{name}"', starter_source(kind), count=1)
    text = _HEADER_TITLE.sub(f'title = "{title_from(name)}"', text, count=1)
    if form is not None and kind != "assessment":
        text = _FORM.sub(f'form = "{form.id}"', text, count=1)
        area = _AREA.search(text)
        if area and form.sections and form.section(area.group(1)) is None:
            text = _AREA.sub(f'area = "{form.sections[0].id}"', text)
    return text

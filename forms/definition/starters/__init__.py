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

    Edited with tomlkit, which keeps every comment and the layout the trainer
    will read, and quotes the new values correctly.  For a plan whose form
    lacks a suggestion's area, that area becomes the form's first section, so
    the result stays valid.
    """
    import tomlkit  # only `a4 forms new` needs it

    document = tomlkit.parse(starter_source(kind))
    document["id"] = name
    document["title"] = title_from(name)
    if form is not None and kind != "assessment":
        document["form"] = form.id
        for suggestion in document.get("suggest", []):
            if form.sections and form.section(suggestion["area"]) is None:
                suggestion["area"] = form.sections[0].id
    return tomlkit.dumps(document)

"""Records and cases to and from plain JSON-compatible dicts.

One codec shared by every storage engine (for its JSON payload column) and
by the JSON export and import, so a record means the same thing wherever it
is written down.  Pure functions: no I/O, no knowledge of forms.

Reading is forgiving about optional keys (an older file may lack them) and
strict about the keys that identify a record or case: a missing one raises
`ValueError` naming it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cache
from typing import Any

from forms.model import (
    Agreement,
    Case,
    Comment,
    Grade,
    LeftBehind,
    Objective,
    Override,
    ProgressNote,
    Record,
    Sentence,
    Signature,
    Step,
)


def _required(data: Mapping[str, Any], key: str, what: str) -> Any:
    if key not in data:
        raise ValueError(f"{what}: missing '{key}'")
    return data[key]


def objective_to_dict(objective: Objective) -> dict[str, Any]:
    """One plan objective as a dict (steps and progress notes included)."""
    return dataclasses.asdict(objective)


def objective_from_dict(data: Mapping[str, Any]) -> Objective:
    """The objective a dict from `objective_to_dict` describes."""
    return Objective(
        id=str(_required(data, "id", "objective")),
        goal=data.get("goal", ""),
        actions=data.get("actions", ""),
        who=data.get("who", ""),
        by=data.get("by", ""),
        measure=data.get("measure", ""),
        areas=list(data.get("areas", [])),
        steps=[
            Step(what=s.get("what", ""), who=s.get("who", ""), status=s.get("status", "not_started"))
            for s in data.get("steps", [])
        ],
        status=data.get("status", "not_started"),
        progress=[
            ProgressNote(on=p.get("on", ""), status=p.get("status", ""), note=p.get("note", ""))
            for p in data.get("progress", [])
        ],
    )


def agreement_from_dict(data: Mapping[str, Any] | None) -> Agreement | None:
    """The person's agreement with the plan, or `None` when not yet recorded."""
    if data is None:
        return None
    return Agreement(
        choice=str(_required(data, "choice", "agreement")),
        comment=data.get("comment", ""),
        on=data.get("on", ""),
    )


def _listed(cls: type, items: Any) -> list[Any]:
    """Rebuild a list of simple dataclasses, ignoring keys a newer writer may have added.

    A text field a file leaves out (the JSON Schema requires only some of them,
    e.g. a left-behind answer's `path` and `value`) is read as empty text.
    """
    if not items:  # most records have no grades, comments, overrides…: an export reads thousands
        return []
    names, needed = _shape(cls)
    return [cls(**(needed | {k: v for k, v in item.items() if k in names})) for item in items]


@cache
def _shape(cls: type) -> tuple[frozenset[str], dict[str, str]]:
    """A dataclass's field names, and its fields without a default each read as empty text (`_listed`)."""
    fields = dataclasses.fields(cls)
    needed = {
        f.name: ""
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    return frozenset(f.name for f in fields), needed


def record_to_dict(record: Record) -> dict[str, Any]:
    """The whole record as a JSON-compatible dict."""
    data = dataclasses.asdict(record)
    for key in ("grades", "comments", "signatures"):
        data[key] = [_without_empty_source(item) for item in data[key]]
    return data


def record_to_dict_view(record: Record) -> dict[str, Any]:
    """What `record_to_dict` gives, built without copying the answers: for writing out at once.

    `dataclasses.asdict` deep-copies every answer, which is most of the cost
    of exporting thousands of records.  The dict shares the record's answer
    values, so it must be written out (or copied) before the record changes.
    """
    return {
        f.name: _plain(getattr(record, f.name)) if f.name != "answers" else record.answers
        for f in dataclasses.fields(record)
    }


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
        return [_without_empty_source(dataclasses.asdict(v)) for v in value]
    return value


def _without_empty_source(item: dict[str, Any]) -> dict[str, Any]:
    """A grade, comment or countersignature as written: `imported_from` only when it came in with a file,
    so what was given in this store is written exactly as before (older readers read it unchanged)."""
    if item.get("imported_from") == "":
        del item["imported_from"]
    return item


def record_from_dict(data: Mapping[str, Any]) -> Record:
    """The record a dict from `record_to_dict` describes; raises `ValueError` on a missing id key."""
    return Record(
        id=str(_required(data, "id", "record")),
        case_ref=str(_required(data, "case_ref", "record")),
        form_id=str(_required(data, "form_id", "record")),
        form_version=str(_required(data, "form_version", "record")),
        kind=data.get("kind", "assessment"),
        answers=dict(data.get("answers", {})),
        plan=[objective_from_dict(o) for o in data.get("plan", [])],
        agreement=agreement_from_dict(data.get("agreement")),
        active_seconds=int(data.get("active_seconds", 0)),
        status=data.get("status", "draft"),
        author=data.get("author", ""),
        version=int(data.get("version", 0)),
        created_at=data.get("created_at", ""),
        updated_at=data.get("updated_at", ""),
        reviews=data.get("reviews"),
        amends=data.get("amends"),
        grades=_listed(Grade, data.get("grades")),
        comments=_listed(Comment, data.get("comments")),
        signatures=_listed(Signature, data.get("signatures")),
        overrides=_listed(Override, data.get("overrides")),
        carried_from=data.get("carried_from", ""),
        confirmed=list(data.get("confirmed", [])),
        left_behind=_listed(LeftBehind, data.get("left_behind")),
        short=bool(data.get("short", False)),
        words={str(k): int(v) for k, v in (data.get("words") or {}).items()},
    )


def case_to_dict(case: Case) -> dict[str, Any]:
    """The case as a JSON-compatible dict."""
    return dataclasses.asdict(case)


def case_from_dict(data: Mapping[str, Any]) -> Case:
    """The case a dict from `case_to_dict` describes; raises `ValueError` on a missing key."""
    return Case(
        ref=str(_required(data, "ref", "case")),
        name=str(_required(data, "name", "case")),
        start=str(_required(data, "start", "case")),
        owner=str(data.get("owner", "")),
        form_id=data.get("form_id", ""),
        initial_due=data.get("initial_due", ""),
        next_review=data.get("next_review", ""),
        sentence=sentence_from_dict(data.get("sentence") or {}),
        national_id=str(data.get("national_id") or ""),
    )


def sentence_from_dict(data: Mapping[str, Any]) -> Sentence:
    """A sentence from its JSON dict; missing fields are unknown ('')."""
    return Sentence(
        type=str(data.get("type") or ""),
        length=str(data.get("length") or ""),
        start=str(data.get("start") or ""),
        end=str(data.get("end") or ""),
        requirements=tuple(str(r) for r in data.get("requirements") or ()),
        court=str(data.get("court") or ""),
    )

"""`a4 import`: A4 JSON back into a store, checked completely before anything is written.

Order of checks, so the first message is the most useful one: can the
file be read, is it JSON, is it an A4 export at all, is its format version
one this A4 reads, does it match the shipped JSON Schema, is its form
loaded, do its answers fit that form, and does it clash with the store.
Every problem is an `ImportProblem` naming the file and the JSON path.

Then one store transaction writes the case (when new), the record exactly
as exported and its audit trail, so a file is imported whole or not at all.

A bare record (what the case screen writes when a save fails: a record
without its envelope) is accepted too, for a case already in the store.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from exports.escape import for_terminal
from exports.formats.json_format import FORMAT, FORMAT_VERSION, audit_from_dict
from exports.importing.answer_check import answer_problems, date_problem, describe
from exports.schema import format_checker, record_schema
from forms.definition.registry import Registry
from forms.model import AssessmentForm, Case, Record
from forms.record.codec import case_from_dict, record_from_dict
from forms.record.text_rules import (
    REFERENCE_CHARACTERS,
    TextError,
    check_line,
    check_reference,
    text_problem,
)
from forms.record.words import record_word_counts
from storage.store import AuditEvent, NotFoundError, Store, StoreError

Mode = Literal["refuse", "as_new", "replace"]
"""What to do when the record is already stored: refuse (default), keep both, or overwrite."""

MAX_BYTES = 50 * 1024 * 1024
"""Far above any real record; a bigger file is not an A4 export and is not read into memory."""


class ImportProblem(Exception):
    """Why one file was not imported; `str()` is one line for a person: file, JSON path, what to do."""

    def __init__(self, source: str, where: str, message: str) -> None:
        # One line, whatever the file holds: a key, a file name or a value quoted in it may hold a
        # newline or a control character (found by the long fuzz run: a key "\x1f\n" in the answers).
        super().__init__(for_terminal(f"{source}: {where}: {message}" if where else f"{source}: {message}"))
        self.source = source
        self.where = where
        self.message = message


@dataclass(frozen=True)
class Incoming:
    """One file, read and checked against the schema and its form, not yet written."""

    source: str
    record: Record
    case: Case | None
    """`None` for a bare record: its case must already be in the store."""
    audit: list[AuditEvent]
    form: AssessmentForm


# ---------------------------------------------------------------- reading


def read_export(path: Path, registry: Registry) -> Incoming:
    """Read and check one file; raises `ImportProblem`."""
    source = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ImportProblem(source, "", "the file is too large to be an A4 export (over 50 MB)")
        raw = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise ImportProblem(source, "", f"cannot be read ({reason}); check the path") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportProblem(source, "", "is not UTF-8 text, so it is not an A4 JSON export") from None
    return parse_export(text, source, registry)


def parse_export(text: str, source: str, registry: Registry) -> Incoming:
    """Check the text of one export (named `source` in messages); raises `ImportProblem`."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ImportProblem(
            source, where, f"not valid JSON ({error.msg}); the file may be cut short or not an A4 export"
        ) from None
    except RecursionError:
        raise ImportProblem(source, "", "nested too deeply to be an A4 export") from None
    except ValueError as error:  # NaN/Infinity (refused below), or a number with thousands of digits
        raise ImportProblem(source, "", f"holds a number A4 cannot store ({_short(error)})") from None
    if isinstance(data, dict) and "format" not in data and "case_ref" in data:
        _validate(data, _record_schema(), source, "$")
        return _incoming(source, data, None, [], registry)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportProblem(
            source,
            "$.format",
            f'not an A4 record export (expected "format": "{FORMAT}"); '
            "make one with `a4 export --format json`",
        )
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise ImportProblem(
            source,
            "$.format_version",
            f"written by a newer A4 (format version {version}; this A4 reads up to {FORMAT_VERSION}). "
            "Upgrade A4 to import it.",
        )
    _validate(data, record_schema(), source, "$")
    if "for_person" in data:
        raise ImportProblem(
            source,
            "$.for_person",
            "is a copy made for the person, with answers left out, so importing it would lose them; "
            "import an export made without --for person",
        )
    return _incoming(source, data["record"], data["case"], data["audit"], registry, data["form"])


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _short(error: Exception) -> str:
    text = str(error).split(";")[0]
    return text if len(text) <= 80 else text[:77] + "..."


def _incoming(
    source: str,
    record_data: dict[str, Any],
    case_data: dict[str, Any] | None,
    audit_data: list[dict[str, Any]],
    registry: Registry,
    form_ref: dict[str, str] | None = None,
) -> Incoming:
    _check_text(source, record_data, case_data, audit_data)
    record = record_from_dict(record_data)
    case = case_from_dict(case_data) if case_data is not None else None
    if case is not None and record.case_ref != case.ref:
        raise ImportProblem(
            source, "$.record.case_ref", f"'{record.case_ref}' is not the case's reference '{case.ref}'"
        )
    named = [form_ref["id"], form_ref["version"]] if form_ref is not None else None
    if named is not None and named != [record.form_id, record.form_version]:
        raise ImportProblem(source, "$.form", "does not match the record's form_id and form_version")
    prefix = "$.record" if case_data is not None else "$"
    form = _form(registry, record, source, prefix)
    problem = next(answer_problems(form, record.answers), None)
    if problem is not None:
        where, message = problem
        raise ImportProblem(source, where.replace("$.record", prefix, 1), message)
    audit = [audit_from_dict(e, record.id) for e in audit_data]
    return Incoming(source, record, case, audit, form)


def _form(registry: Registry, record: Record, source: str, prefix: str) -> AssessmentForm:
    form = registry.assessment(record.form_id, record.form_version)
    if form is not None:
        return form
    latest = registry.assessment(record.form_id)
    if latest is None:
        raise ImportProblem(
            source,
            f"{prefix}.form_id",
            f"there is no assessment form '{record.form_id}' here; `a4 forms list` shows the forms A4 knows",
        )
    raise ImportProblem(
        source,
        f"{prefix}.form_version",
        f"version {record.form_version} of form '{record.form_id}' is not loaded (this A4 has "
        f"{latest.version}); put that version's file in your forms folder and import again",
    )


# ---------------------------------------------------------------- schema messages


def _record_schema() -> dict[str, Any]:
    """The schema of a bare record: the export schema's record part, with its definitions."""
    schema = record_schema()
    return {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/record"}


def _validate(data: Any, schema: dict[str, Any], source: str, root: str) -> None:
    error = best_match(Draft202012Validator(schema, format_checker=format_checker()).iter_errors(data))
    if error is not None:
        raise ImportProblem(source, _path(root, error.absolute_path), _plain(error))


def _path(root: str, parts: Sequence[str | int]) -> str:
    """A JSON path a person can follow: `$.record.plan[0].by`, `$.record.answers['rosh.level']`."""
    path = root
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            path += f".{part}"
        else:
            path += f"['{part}']"
    return path


_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "object": "an object",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}


def _plain(error: ValidationError) -> str:
    """The schema's complaint in plain words, with what to write instead."""
    # jsonschema types these loosely (they may be unset on an error built by hand); ours come from a
    # validation, so each is the keyword, its value in the schema, and the value found in the file.
    kind, expected, found = error.validator, cast(Any, error.validator_value), cast(Any, error.instance)
    if kind == "required":
        missing = [k for k in expected if isinstance(found, dict) and k not in found]
        return f"'{missing[0] if missing else expected[0]}' is missing; every A4 export has it"
    if kind == "type":
        types = [expected] if isinstance(expected, str) else expected
        wanted = " or ".join(_TYPES.get(t, t) for t in types)
        return f"expected {wanted}, found {describe(found)}"
    if kind == "enum":
        return f"{describe(found)} is not one of: {', '.join(str(v) for v in expected)}"
    if kind == "const":
        return f"expected {json.dumps(expected)}, found {describe(found)}"
    if kind == "pattern":
        if "T" in expected:
            return f"expected a timestamp like 2025-03-03T09:30:00+00:00, found {describe(found)}"
        if "\\." in expected:
            return f"answer keys are written 'section.question'; {describe(found)} is not"
        if "[0-9]{4}" in expected:
            return f"expected a date written YYYY-MM-DD, found {describe(found)}"
        if "./-" in expected:
            return f"{describe(found)} is not a case reference: {REFERENCE_CHARACTERS} only, at most 40"
        if "{1,64}" in expected:
            return f"{describe(found)} is not a record id: ASCII letters, digits, '-' and '_' only, 1 to 64"
        return f"{describe(found)} is not in the expected form"
    if kind == "additionalProperties":
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        extra = sorted(set(found) - set(schema.get("properties", {})))
        return f"unexpected key '{extra[0] if extra else '?'}' (not part of format version {FORMAT_VERSION})"
    if kind == "minimum":
        return f"must be at least {expected}, found {describe(found)}"
    if kind == "minLength":
        return "must not be empty"
    if kind == "maximum":
        return f"must be at most {expected}, found {describe(found)}"
    if kind == "maxLength":
        return f"is too long (at most {expected} characters)"
    if kind == "format":
        return _format_message(expected, found)
    return error.message


def _format_message(fmt: str, found: Any) -> str:
    if fmt == "date-time":
        return f"expected a timestamp like 2025-03-03T09:30:00+00:00 on a real day, found {describe(found)}"
    wanted = "a date written YYYY-MM-DD" if fmt != "a4-when" else "a date (YYYY-MM-DD) or a timestamp"
    return date_problem(found, wanted) or f"expected {wanted}, found {describe(found)}"


# ---------------------------------------------------------------- text

_ONE_LINE = {"name": "the person's name", "owner": "the case's owner", "author": "the author"}


def _check_text(
    source: str,
    record_data: dict[str, Any],
    case_data: dict[str, Any] | None,
    audit_data: list[dict[str, Any]],
) -> None:
    """Refuse text A4 would not store if typed (`forms.record.text_rules`), naming its JSON path.

    Every string counts: the case's sentence, court and identifier are one-line text as on the
    new-case form; the record and its audit trail (who, why, what changed) are long text.
    """
    prefix = "$.record" if case_data is not None else "$"
    if case_data is not None:
        try:
            check_reference(case_data["ref"], what="the case reference")
            for key in ("name", "owner"):
                check_line(case_data[key], what=_ONE_LINE[key], blank=key != "name")
        except TextError as error:
            raise ImportProblem(source, f"$.case.{_key_of(error, case_data)}", str(error)) from None
        for parts, text in _strings(case_data, ()):
            try:
                check_line(text, what="the text", blank=True)
            except TextError as error:
                raise ImportProblem(source, _path("$.case", parts), str(error)) from None
    try:
        check_reference(record_data["case_ref"], what="the case reference")
        check_line(record_data["author"], what="the author", blank=True)
    except TextError as error:
        key = "case_ref" if "reference" in str(error) else "author"
        raise ImportProblem(source, f"{prefix}.{key}", str(error)) from None
    for parts, text in _strings(record_data, ()):
        problem = text_problem(text)
        if problem is not None:
            raise ImportProblem(source, _path(prefix, parts), f"the text {problem}")
    for index, entry in enumerate(audit_data):
        try:
            check_line(entry.get("actor", ""), what="the actor", blank=True)
        except TextError as error:
            raise ImportProblem(source, f"$.audit[{index}].actor", str(error)) from None
        for parts, text in _strings(entry, (index,)):
            problem = text_problem(text)
            if problem is not None:
                raise ImportProblem(source, _path("$.audit", parts), f"the text {problem}")


def _key_of(error: TextError, case_data: dict[str, Any]) -> str:
    text = str(error)
    if "reference" in text:
        return "ref"
    return "owner" if "owner" in text else "name"


def _strings(value: Any, parts: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string in `value` (keys too), with the path to it."""
    if isinstance(value, str):
        yield parts, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*parts, key), key
            yield from _strings(item, (*parts, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*parts, index))


# ---------------------------------------------------------------- writing


def import_incoming(
    store: Store,
    incoming: Incoming,
    *,
    mode: Mode = "refuse",
    actor: str,
) -> Record:
    """Write one checked file in one transaction; raises `ImportProblem` when it clashes with the store.

    The store adds one entry of its own to the trail, saying who imported which file when (and, for
    --as-new and --replace, how); everything the file says happened is kept marked as the file's.
    """
    source, record = incoming.source, incoming.record
    case = incoming.case or _stored_case(store, record, source)
    _check_case(store, case, source)
    audit = list(incoming.audit)
    stored = _stored_record(store, record.id)
    note = "imported from an A4 export"
    if stored is None:
        if not audit:  # a bare record carries no trail: say where it came from
            note = "imported from a copy saved when a save failed"
    elif mode == "refuse":
        raise ImportProblem(
            source,
            "$.record.id",
            f"record {record.id} of case {record.case_ref} is already in this store; nothing was written. "
            "Use --replace to overwrite it with this file, or --as-new to keep both",
        )
    elif mode == "replace":
        _check_replaceable(stored, record, source)
        note = "replaced from an A4 export"
    else:
        old_id = record.id
        record = dataclasses.replace(record, id=uuid.uuid4().hex)
        audit = [dataclasses.replace(e, record_id=record.id) for e in audit]
        note = f"imported as a copy of record {old_id}"
    _check_links(store, record, source)
    # Counted again rather than trusted from the file: imports are rare, and stored counts stay right.
    record = dataclasses.replace(record, words=record_word_counts(incoming.form, record.answers))
    try:
        # The file's trail, grades and countersignatures are kept as the file's history (marked with its
        # name), never as this store's own sign-off; the store audits the import itself (who, when, file).
        return store.import_record(
            case, record, audit, incoming.form.deadlines, replace=mode == "replace",
            source=Path(source).name, actor=actor, note=note,
        )  # fmt: skip
    except StoreError as error:
        raise ImportProblem(source, "", f"{error} Nothing was written.") from None


def _check_replaceable(stored: Record, record: Record, source: str) -> None:
    if stored.status == "locked":
        raise ImportProblem(
            source,
            "$.record.id",
            "the stored record is locked (countersigned), so it cannot be replaced; "
            "use --as-new to keep both",
        )
    if stored.version > record.version:
        raise ImportProblem(
            source,
            "$.record.version",
            f"the stored record is newer (version {stored.version}) than this file's "
            f"(version {record.version}); nothing was replaced. Use --as-new to keep both",
        )


def _stored_record(store: Store, record_id: str) -> Record | None:
    try:
        return store.get_record(record_id)
    except NotFoundError:
        return None


def _stored_case(store: Store, record: Record, source: str) -> Case:
    try:
        return store.get_case(record.case_ref)
    except NotFoundError:
        raise ImportProblem(
            source,
            "$.case_ref",
            f"case {record.case_ref} is not in this store, and a bare record does not carry its case; "
            "add the case with `a4 new` first",
        ) from None


def _check_case(store: Store, case: Case, source: str) -> None:
    """Refuse to attach a record to a different person who happens to have the same reference."""
    try:
        stored = store.get_case(case.ref)
    except NotFoundError:
        return
    if " ".join(stored.name.split()).casefold() != " ".join(case.name.split()).casefold():
        raise ImportProblem(
            source,
            "$.case.name",
            f"case {case.ref} in this store is a different person (the names differ); nothing was written",
        )


def _check_links(store: Store, record: Record, source: str) -> None:
    for key, verb in (("reviews", "reviews"), ("amends", "amends")):
        linked = getattr(record, key)
        if linked and _stored_record(store, linked) is None:
            raise ImportProblem(
                source,
                f"$.record.{key}",
                f"this record {verb} record {linked}, which is not in this store; import that one first",
            )

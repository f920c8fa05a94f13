"""TOML → form definitions, with every problem reported as a `FormError` (never raised).

Four entry points, by how much is loaded together:

- `load_text` / `load_file`: one definition.  A rubric's or plan's `form`
  reference, and the names its conditions use, are checked only when the
  caller passes the `assessments` they may refer to.
- `load_paths`: files and folders of `*.toml` checked as a set, together with
  the shipped library, so a rubric's `form` must name an assessment in the
  set or the library; a missing one is an error.
- `load_with_library`: the shipped library then the given places, every
  result returned; what `forms.definition.registry` builds on.

Assessments are built before rubrics and plans in a set, whatever order the
files come in, so that references resolve against the latest version of each
assessment form.

TOML is read with the standard library's `tomllib`: it is several times
faster than tomlkit (the shipped library loads in a few milliseconds) and
reports every syntax error with a line and column.  tomlkit stays the tool
for writing TOML back with the trainer's comments kept.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from forms.definition import syntax, tables
from forms.definition.assessment import ASSESSMENT_KEYS, load_assessment
from forms.definition.errors import FormError, did_you_mean
from forms.definition.nesting import MAX_DEPTH, too_deep
from forms.definition.plan import PLAN_KEYS, load_plan
from forms.definition.reading import FORM_ID, Context
from forms.definition.rubric import RUBRIC_KEYS, load_rubric
from forms.model import FORM_KINDS, AssessmentForm, Definition, Header

HEADER_KEYS: tuple[str, ...] = ("id", "kind", "title", "version", "description")
"""Keys every definition file starts with, whatever its kind."""

KIND_KEYS: dict[str, tuple[str, ...]] = {
    "assessment": ASSESSMENT_KEYS,
    "rubric": RUBRIC_KEYS,
    "plan": PLAN_KEYS,
}
"""Each kind's own top-level keys besides the header."""

SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")

References = Mapping[str, AssessmentForm | None]
"""Assessment forms a rubric or plan may name, by id; None for one that failed to load (not checked)."""


@dataclass(frozen=True)
class LoadResult:
    """One file's outcome: its definition when it is free of problems, and every problem found."""

    file: str
    definition: Definition | None
    errors: list[FormError]
    unchecked: str = ""
    """For a rubric or plan: the id of the assessment it names, when that form has problems of its own
    and so this file's references to it could not be checked (said once by `forms check`)."""


def semver_key(version: str) -> tuple[int, ...]:
    """Orders versions the way people expect (1.10.0 after 1.9.0); a malformed one sorts first."""
    match = SEMVER.fullmatch(version)
    return tuple(int(part) for part in match.groups()) if match else (-1,)


def load_text(text: str, file: str, *, assessments: References | None = None) -> LoadResult:
    """The definition written in `text` (`file` names it in errors)."""
    data, errors = _parse(text, file)
    if data is None:
        return LoadResult(file, None, errors)
    definition, errors, unchecked = _build(data, text, file, assessments)
    return LoadResult(file, None if errors else definition, errors, unchecked)


def load_file(path: str | Path, *, assessments: References | None = None) -> LoadResult:
    """The definition in the file at `path`; an unreadable file is reported, not raised."""
    text, error = _read(Path(path))
    if error is not None:
        return LoadResult(str(path), None, [error])
    return load_text(text, str(path), assessments=assessments)


def load_paths(paths: Iterable[str | Path]) -> list[LoadResult]:
    """Every `*.toml` in `paths` (files, or folders of them), checked as a set with the shipped library."""
    library = library_files()
    return _load_set([*library, *_expand(paths)])[len(library) :]


def load_with_library(paths: Iterable[str | Path]) -> list[LoadResult]:
    """The shipped library's results, then those of every `*.toml` in `paths`, checked as one set."""
    return _load_set([*library_files(), *_expand(paths)])


def library_files() -> list[Path]:
    """The shipped definition files (package data in `forms/definition/library`), in name order."""
    library = resources.files("forms.definition") / "library"
    return sorted(Path(str(item)) for item in library.iterdir() if item.name.endswith(".toml"))


# ---------------------------------------------------------------- reading


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders as their `*.toml` files in name order."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return files


def _read(path: Path) -> tuple[str, FormError | None]:
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        return "", FormError(str(path), 1, 1, "", f"cannot read: {reason}", "check the path")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return "", FormError(
            str(path), line, col, "", "cannot read: this is not UTF-8 text", "save it as UTF-8"
        )


def _parse(text: str, file: str) -> tuple[dict[str, Any] | None, list[FormError]]:
    """Plain data from TOML text, or what stops it being read: misnested table headers, else the syntax error.

    Headers are checked first because a misnested one either reads as valid
    TOML with a wrong meaning or fails only at a later, correct line.
    """
    deep = too_deep(text)
    if deep is not None:
        return None, [_too_deep(file, *deep)]
    misnested = tables.mistakes(text, file)
    if misnested:
        return None, misnested
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as error:
        return None, [syntax.explain(str(error), text, file)]
    except RecursionError:  # a backstop: `too_deep` should have caught it
        return None, [_too_deep(file, 1, 1)]


def _too_deep(file: str, line: int, col: int) -> FormError:
    return FormError(
        file, line, col, "", f"arrays or tables nested more than {MAX_DEPTH} deep", "no form needs this many"
    )


# --------------------------------------------------------------- building


def _build(
    data: dict[str, Any], text: str, file: str, assessments: References | None
) -> tuple[Definition | None, list[FormError], str]:
    """The definition in parsed `data`, built from whatever parts are valid, and its problems in order."""
    ctx = Context(file, text)
    if data and not any(key in data for key in HEADER_KEYS[:4]):  # an empty file is a form not yet begun
        ctx.error(
            (),
            "this is not a form definition: it has none of the keys id, kind, title and version",
            'a form starts with id, kind = "assessment", "rubric" or "plan", title and version; '
            "keep other TOML files out of your forms folder",
        )
        return None, ctx.errors, ctx.unchecked
    header = _header(ctx, data, file)
    definition: Definition | None = None
    if header is not None:
        ctx.check_keys(data, (), (*HEADER_KEYS, *KIND_KEYS[header.kind]), _other_kinds_keys(header.kind))
        if header.kind == "assessment":
            definition = load_assessment(ctx, data, header)
        else:
            form_id, form = _form_reference(ctx, data, assessments)
            loader = load_rubric if header.kind == "rubric" else load_plan
            definition = loader(ctx, data, header, form_id, form)
    return definition, sorted(ctx.errors, key=lambda e: (e.line, e.col)), ctx.unchecked


def _header(ctx: Context, data: Mapping[str, Any], file: str) -> Header | None:
    """The header; None when the kind is missing or unknown, since nothing else can then be checked."""
    form_id = ctx.ident(data, (), pattern=FORM_ID)
    kind = ctx.text(data, (), "kind", required=True)
    title = ctx.text(data, (), "title", required=True)
    version = ctx.text(data, (), "version", required=True)
    if version and not SEMVER.fullmatch(version):
        ctx.error(("version",), f"'{version}' is not a version", 'write MAJOR.MINOR.PATCH, e.g. "1.0.0"')
    description = ctx.text(data, (), "description")
    if kind and kind not in FORM_KINDS:
        hint = did_you_mean(kind, FORM_KINDS) or "use one of: " + ", ".join(FORM_KINDS)
        ctx.error(("kind",), f"unknown kind '{kind}'", hint)
    if kind not in FORM_KINDS:
        return None
    return Header(form_id, kind, title, version, description, file)


def _other_kinds_keys(kind: str) -> dict[str, str]:
    """Top-level keys of the other kinds, each with the sentence saying where it belongs."""
    owners: dict[str, list[str]] = {}
    for other, keys in KIND_KEYS.items():
        for key in keys:
            owners.setdefault(key, []).append(other)
    article = "an" if kind[0] in "aeiou" else "a"
    return {
        key: f"{key} belongs in {' and '.join(kinds)} definitions, not in {article} {kind}"
        for key, kinds in owners.items()
        if kind not in kinds
    }


def _form_reference(
    ctx: Context, data: Mapping[str, Any], assessments: References | None
) -> tuple[str, AssessmentForm | None]:
    """The id of the assessment a rubric or plan refers to, and that form when it can be checked."""
    form_id = ctx.ident(data, (), "form", pattern=FORM_ID)
    if not form_id or assessments is None:
        return form_id, None
    if form_id not in assessments:
        ctx.error(
            ("form",),
            f"no assessment form '{form_id}' is loaded",
            did_you_mean(form_id, assessments) or "check the id, or check this file together with that form",
        )
        return form_id, None
    if assessments[form_id] is None:
        ctx.unchecked = form_id
    return form_id, assessments[form_id]


def _load_set(files: list[Path]) -> list[LoadResult]:
    """Every file's result, in the order given; assessments first so references resolve."""
    parsed: list[tuple[str, str, dict[str, Any] | None, list[FormError]]] = []
    for path in files:
        text, error = _read(path)
        data, errors = _parse(text, str(path)) if error is None else (None, [error])
        parsed.append((str(path), text, data, errors))
    built: dict[int, tuple[Definition | None, list[FormError], str]] = {}
    latest: dict[str, tuple[tuple[int, ...], AssessmentForm | None]] = {}
    for index, (file, text, data, _) in enumerate(parsed):
        if data is None and tables.kind_of(text) == "assessment":
            _unreadable_assessment(text, latest)
        elif data is not None and data.get("kind") not in FORM_KINDS and isinstance(data.get("id"), str):
            # a misspelt kind: its own message says so; forms naming it are not told it is missing
            latest.setdefault(data["id"], ((), None))
        if data is not None and data.get("kind") == "assessment":
            form, errors, _ = _build(data, text, file, None)
            built[index] = form, errors, ""
            form_id, version = str(data.get("id")), semver_key(str(data.get("version")))
            if form_id not in latest or latest[form_id][0] <= version:
                usable = form if isinstance(form, AssessmentForm) and not errors else None
                latest[form_id] = version, usable
    references = {form_id: form for form_id, (_, form) in latest.items()}
    results = []
    for index, (file, text, data, errors) in enumerate(parsed):
        if data is None:
            results.append(LoadResult(file, None, errors))
            continue
        definition, errors, unchecked = (
            built[index] if index in built else _build(data, text, file, references)
        )
        results.append(LoadResult(file, None if errors else definition, errors, unchecked))
    return results


_TOP_STRING = re.compile(r'^(?P<key>id|version)[ \t]*=[ \t]*["\'](?P<value>[^"\']*)["\']', re.MULTILINE)


def _unreadable_assessment(
    text: str, latest: dict[str, tuple[tuple[int, ...], AssessmentForm | None]]
) -> None:
    """Note an assessment TOML could not read as loaded-with-problems, so forms naming it are not told
    it is missing (its own error says what is wrong with it)."""
    found: dict[str, str] = {}
    for match in _TOP_STRING.finditer(text.split("\n[", 1)[0]):  # the header, before any table
        found.setdefault(match.group("key"), match.group("value"))
    form_id = found.get("id")
    if not form_id:
        return
    version = semver_key(found.get("version", ""))
    if form_id not in latest or latest[form_id][0] <= version:
        latest[form_id] = version, None

"""Fuzzing what A4 reads from people and files (issue 16): no traceback, one line, nothing written.

Four readers, each fed generated input with hypothesis: the importer (files
drawn from the shipped JSON Schema with hypothesis-jsonschema, and random
mutations of a valid export), form definitions (random TOML-ish text and
mutations of the shipped library), config.toml, and the ISO date reader
(tests/test_iso_dates.py; its long run is here).  A few hundred examples each run in the normal
suite; `pytest -m fuzz_long` runs thousands more (deselected by default in pyproject's addopts).
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from exports.importing.importer import ImportProblem, import_incoming, parse_export
from exports.schema import record_schema
from forms.definition.load import library_files, load_text
from forms.record.iso_dates import EARLIEST, LATEST, DateError, parse_date
from forms.record.text_rules import text_problem
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import shipped_registry
from tui.config import parse_config

VALID = json.loads((Path(__file__).parent / "fixtures" / "imports" / "valid.json").read_text())
NORMAL = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    phases=(Phase.explicit, Phase.generate),  # a failure is reported as found: shrinking can take minutes
)
LONG_RUN = settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))

RUNS: dict[str, int] = {}
"""Examples run per reader, for the closing note (printed with -s)."""


def _count(name: str) -> None:
    RUNS[name] = RUNS.get(name, 0) + 1


# ------------------------------------------------------------------ the importer


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    opened = SqliteStore(tmp_path_factory.mktemp("fuzz") / "a4.db")
    yield opened
    opened.close()


def _rows(store: SqliteStore) -> list[list[tuple[Any, ...]]]:
    with sqlite3.connect(store.path) as conn:
        return [
            conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
            for t in ("cases", "records", "audit")
        ]


def _import(store: SqliteStore, text: str) -> None:
    """Import `text` as a file would be; a refusal must be one line and leave the store as it was."""
    _count("import")
    before = _rows(store)
    try:
        incoming = parse_export(text, "fuzz.json", shipped_registry())
        import_incoming(store, incoming, mode="as_new", actor="fuzz")
    except ImportProblem as problem:
        assert "\n" not in str(problem) and str(problem).startswith("fuzz.json")
        assert _rows(store) == before
        return
    _count("import accepted")
    # Accepted: every date A4 stored is one it can read back, so lists keep working, and no stored text
    # (record, case, audit trail) holds a control character a terminal would act on.
    listed = store.list_cases()
    for case in listed:
        for value in (case.start, case.initial_due, case.next_review):
            assert not value or EARLIEST <= date.fromisoformat(value) <= LATEST
    for table in _rows(store):
        for row in table:
            for value in row:
                assert not isinstance(value, str) or _storable(value), f"stored {value[:80]!r}"


def _storable(text: str) -> bool:
    """Text as stored (a JSON payload keeps controls as \\u escapes) holds none but newline and tab."""
    try:
        decoded = json.loads(text)
    except ValueError:
        decoded = text
    return all(text_problem(s) is None for s in _strings(decoded))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


_DATE = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat)
_FORMATS = {  # A4's own formats; `date` and `date-time` are drawn by hypothesis-jsonschema itself
    "a4-date-or-empty": st.just("") | _DATE,
    "a4-when": st.just("") | _DATE,
}


def _schema_files() -> st.SearchStrategy[dict[str, Any]]:
    # A copy: hypothesis-jsonschema resolves $refs in the dict it is given, and the shipped schema is
    # read once per process (`record_schema` is cached), so later tests in that process would see it changed.
    return from_schema(copy.deepcopy(record_schema()), custom_formats=_FORMATS)


@settings(NORMAL, max_examples=40)  # drawing from the whole schema is slow: the mutations do the volume
@given(_schema_files())
def test_files_drawn_from_the_schema(store: SqliteStore, data: dict[str, Any]) -> None:
    _import(store, json.dumps(data))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


_ALL_PATHS = _paths(VALID)[1:]


@st.composite
def _mutated(draw: Callable[..., Any]) -> str:
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_ALL_PATHS))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(("replace", "delete", "text")))
            if action == "delete" and isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif action == "text":
                parent[path[-1]] = draw(
                    st.sampled_from(("2025-02-30", "0000-00-00", "9999-12-31", "\x1b[2J", "../x", "=1+1", ""))
                    | st.text(max_size=10)
                )
            else:
                parent[path[-1]] = draw(_JSON)
        except (KeyError, IndexError, TypeError):
            continue
    text = json.dumps(data)
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.text(max_size=5)) + text[cut:]
    return text


@NORMAL
@given(_mutated())
def test_mutations_of_a_valid_export(store: SqliteStore, text: str) -> None:
    _import(store, text)


# ------------------------------------------------------------------ form definitions

LIBRARY = [path.read_text(encoding="utf-8") for path in library_files()]


def _check_form(text: str) -> None:
    _count("forms")
    result = load_text(text, "fuzz.toml")
    for error in result.errors:
        assert "\n" not in str(error).replace(text, ""), str(error)[:200]


@st.composite
def _mutated_form(draw: Callable[..., Any]) -> str:
    lines = draw(st.sampled_from(LIBRARY)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(("replace", "delete", "duplicate", "deepen")))
        if action == "replace":
            lines[at] = draw(st.text(max_size=40))
        elif action == "delete":
            del lines[at]
        elif action == "duplicate":
            lines.insert(at, lines[at])
        else:
            depth = draw(st.integers(30, 3000))
            lines[at] = f"x{at} = " + "[" * depth + "]" * depth
        if not lines:
            lines = [""]
    return "\n".join(lines)


@NORMAL
@given(st.text(max_size=200) | st.from_regex(r"(\w+ = (\d+|\"\w*\"|\[+\]+)\n){0,6}", fullmatch=True))
def test_random_text_as_a_form(text: str) -> None:
    _check_form(text)


@NORMAL
@given(_mutated_form())
def test_mutations_of_the_shipped_library(text: str) -> None:
    _check_form(text)


# ------------------------------------------------------------------ config.toml

VALID_CONFIG = 'user = "sam.p"\ntheme = "a4-dark"\n\n[keys]\nquit = "ctrl+q"\n'


def _check_config(text: str) -> None:
    _count("config")
    _config, problems = parse_config(text, "config.toml", binding_ids=lambda: {"quit"}, themes={"a4-dark"})
    for problem in problems:
        assert problem.startswith("config.toml") and "\n" not in problem


@NORMAL
@given(
    st.text(max_size=200)
    | st.integers(1, 6000).map(lambda n: "theme = " + "[" * n + "]" * n)
    | st.tuples(st.integers(0, len(VALID_CONFIG)), st.text(max_size=20)).map(
        lambda cut: VALID_CONFIG[: cut[0]] + cut[1] + VALID_CONFIG[cut[0] :]
    )
)
def test_config_files(text: str) -> None:
    _check_config(text)


# ------------------------------------------------------------------ the long run


@pytest.mark.fuzz_long
@LONG_RUN
@given(_mutated() | _schema_files().map(json.dumps))
def test_long_import_fuzz(store: SqliteStore, text: str) -> None:
    _import(store, text)


@pytest.mark.fuzz_long
@LONG_RUN
@given(_mutated_form() | st.text(max_size=400))
def test_long_form_fuzz(text: str) -> None:
    _check_form(text)


_CONFIG_TEXT = (
    st.text(max_size=400)
    | st.integers(1, 6000).map(lambda n: "theme = " + "[" * n + "]" * n)
    | st.tuples(st.integers(0, len(VALID_CONFIG)), st.text(max_size=40)).map(
        lambda cut: VALID_CONFIG[: cut[0]] + cut[1] + VALID_CONFIG[cut[0] :]
    )
)


@pytest.mark.fuzz_long
@LONG_RUN
@given(_CONFIG_TEXT)
def test_long_config_fuzz(text: str) -> None:
    _check_config(text)


def _check_date(text: str) -> None:
    _count("dates")
    try:
        day = parse_date(text, what="case.start")
    except DateError as error:
        assert str(error).startswith("case.start") and "\n" not in str(error).replace(repr(text), "")
    else:
        assert EARLIEST <= day <= LATEST and day.isoformat() == text


@pytest.mark.fuzz_long
@LONG_RUN
@given(st.text(max_size=40) | _DATE | st.from_regex(r"[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}", fullmatch=True))
def test_long_date_fuzz(text: str) -> None:
    _check_date(text)


def test_zz_report_examples_run() -> None:
    """Prints how many examples each reader met in this run (`pytest -s`); a fuzz that ran none is a bug."""
    print(f"\nfuzz examples run: {RUNS}")

"""The loader's reading kit: typed getters that report problems and carry on.

Every getter takes the table being read, its key path and a key; when the
value is missing or of the wrong shape it records a `FormError` at the right
place and returns a neutral value, so the loader keeps validating siblings
and a trainer sees every problem in one run rather than one per run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from typing import Any

from forms.conditions.language import KEYWORDS
from forms.conditions.visibility import SHORT
from forms.definition.errors import FormError, close_match, did_you_mean
from forms.definition.locate import Path, Spot, find, positions
from forms.record.text_rules import text_problem

ID = re.compile(r"[a-z][a-z0-9_]*")
"""Section, question, field and criterion ids: usable as names in conditions."""

FORM_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")

RESERVED = KEYWORDS | {SHORT}
"""Words a condition reads as itself, so a question with this id could never be named."""


@dataclass(frozen=True)
class Expected:
    """A shape a value may have, named the way the error message says it."""

    name: str
    test: Callable[[Any], bool]


STRING = Expected("a string", lambda v: isinstance(v, str))
WHOLE = Expected("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool))
NUMBER = Expected("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool))
FLAG = Expected("true or false", lambda v: isinstance(v, bool))
LIST = Expected("a list", lambda v: isinstance(v, list))
TABLE = Expected("a table", lambda v: isinstance(v, dict))


def describe(value: Any) -> str:
    """What a TOML value is, in the words an error message uses ("got a string")."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number with a fraction"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array of tables" if value and all(isinstance(v, dict) for v in value) else "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime | date | time):
        return "a date or time"
    return type(value).__name__


def display_path(path: Path) -> str:
    """`("section", 2, "question", 1, "type")` → `"section[3].question[2].type"` (1-based)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text


def slug(label: str) -> str:
    """An id made from words: `"Very high"` → `"very_high"`, `"Pre-sentence"` → `"pre_sentence"`."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


@dataclass
class Context:
    """What one file's loading has found so far: where things are, and what is wrong."""

    file: str
    source: str
    errors: list[FormError] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)
    """Paths (`section.question`) of questions already reported as unreadable (an unknown type):
    names that refer to them are not reported again as unknown."""
    unchecked: str = ""
    """The id of the assessment a rubric or plan names but could not be checked against (it has problems)."""
    misspelt: set[Path] = field(default_factory=set, init=False)
    """Paths of keys written misspelt (`lable` for `label`): already reported at the misspelling, so
    they are not reported again as missing."""
    _missing: dict[Path, FormError] = field(default_factory=dict, init=False, repr=False)
    """The "missing required key" problems recorded, by path, so a misspelling found later replaces one."""

    @cached_property
    def spots(self) -> dict[Path, Spot]:
        """Source positions, found only once a problem needs one: a clean file never pays for them."""
        return positions(self.source)

    # ------------------------------------------------------------- reporting

    def error(self, path: Path, message: str, hint: str = "", *, at_key: bool = False, col: int = 0) -> None:
        """Record a problem at `path`: its value (default), its key, or an exact column."""
        spot = find(self.spots, path)
        column = col or (spot.key_col if at_key or path not in self.spots else spot.value_col)
        self.errors.append(FormError(self.file, spot.line, column, display_path(path), message, hint))

    def spot(self, path: Path) -> Spot:
        return find(self.spots, path)

    def check_keys(
        self,
        table: Mapping[str, Any],
        path: Path,
        allowed: Collection[str],
        misplaced: Mapping[str, str] | None = None,
    ) -> None:
        """Report every key of `table` not in `allowed`.

        `misplaced` maps keys that belong elsewhere (another question type's
        keys) to the sentence that says where they do belong.
        """
        for key in table:
            if key in allowed:
                continue
            if misplaced and key in misplaced:
                self.error((*path, key), misplaced[key], "remove it from here", at_key=True)
                continue
            meant = close_match(key, [k for k in allowed if k not in table])
            hint = (
                (f"did you mean '{meant}'?" if meant else "")
                or (did_you_mean(key, misplaced) if misplaced else "")
                or "remove it, or use one of: " + ", ".join(allowed)
            )
            self.error((*path, key), f"unknown key '{key}'", hint, at_key=True)
            if meant:
                self._misspelt((*path, meant))

    def _misspelt(self, path: Path) -> None:
        """The key at `path` is missing because it was misspelt: one message, at the misspelling, says so."""
        self.misspelt.add(path)
        if (said := self._missing.pop(path, None)) is not None:
            self.errors.remove(said)

    def missing(self, path: Path, message: str, hint: str) -> None:
        """Report a required key that is not there, unless it is there misspelt (said at the misspelling)."""
        if path in self.misspelt:
            return
        self.error(path, message, hint, at_key=True)
        self._missing[path] = self.errors[-1]

    # --------------------------------------------------------------- getters

    def get(
        self, table: Mapping[str, Any], path: Path, key: str, expected: Expected, *, required: bool = False
    ) -> Any:
        """The value of `key` when it has the expected shape, else None (and a recorded problem)."""
        if key not in table:
            if required:
                self.missing((*path, key), f"missing required key '{key}'", f"add {key} = …")
            return None
        return self.shaped((*path, key), table[key], expected)

    def shaped(self, path: Path, value: Any, expected: Expected) -> Any:
        """`value` (found at `path`) when it has the expected shape, else None and a recorded problem.

        Text (a string, or the strings of a list) must also hold no control character but newline and
        tab: a label or title is drawn on terminals, where ESC or BEL would act instead of showing.
        """
        if not expected.test(value):
            self.error(
                path, f"expected {expected.name}, got {describe(value)}", _reshape(path, value, expected)
            )
            return None
        for text in [value] if isinstance(value, str) else value if isinstance(value, list) else ():
            if isinstance(text, str) and (problem := text_problem(text)) is not None:
                self.error(path, f"the text {problem}")  # the problem ends with its fix
                return None
        return value

    def text(self, table: Mapping[str, Any], path: Path, key: str, *, required: bool = False) -> str:
        """A string; a required one must also not be blank."""
        value: str | None = self.get(table, path, key, STRING, required=required)
        if value is None:
            return ""
        if required and not value.strip():
            self.error((*path, key), f"'{key}' must not be empty", "write some text between the quotes")
        return value

    def whole(
        self,
        table: Mapping[str, Any],
        path: Path,
        key: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """A whole number, within `minimum`…`maximum` when given; None when absent or wrong."""
        value: int | None = self.get(table, path, key, WHOLE)
        if value is not None and minimum is not None and value < minimum:
            self.error(
                (*path, key), f"'{key}' must be {minimum} or more, got {value}", f"use {minimum} or more"
            )
            return None
        if value is not None and maximum is not None and value > maximum:
            message = f"'{key}' must be {maximum} or less, got {value}"
            self.error((*path, key), message, f"use {maximum} or less")
            return None
        return value

    def flag(self, table: Mapping[str, Any], path: Path, key: str) -> bool:
        return bool(self.get(table, path, key, FLAG))

    def ident(
        self, table: Mapping[str, Any], path: Path, key: str = "id", *, pattern: re.Pattern[str] = ID
    ) -> str:
        """A required id, checked against `pattern`; "" when missing or not usable."""
        value = self.text(table, path, key, required=True)
        if not value:
            return ""
        if pattern is ID and value in RESERVED:
            self.error(
                (*path, key),
                f"'{value}' cannot be used as an id",
                "conditions read it as a word; choose another id",
            )
            return ""
        if not pattern.fullmatch(value):
            suggestion = slug(value) if pattern is FORM_ID else slug(value).lstrip("0123456789_")
            hint = "use lower-case letters, digits and _" + (
                ", starting with a letter" if pattern is ID else " or -"
            )
            if suggestion and suggestion != value:
                hint += f", e.g. '{suggestion}'"
            self.error((*path, key), f"'{value}' is not a valid id", hint)
            return ""
        return value

    def tables(
        self, table: Mapping[str, Any], path: Path, key: str, *, required: bool = False
    ) -> list[tuple[Path, dict[str, Any]]]:
        """The entries of an array of tables (`[[key]]`), each with its own path."""
        if key not in table:
            if required:
                self.missing((*path, key), f"missing '{key}'", f"add at least one [[{_header(path, key)}]]")
            return []
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(
                (*path, key),
                f"expected an array of tables, got {describe(value)}",
                f"write each entry under its own [[{_header(path, key)}]] header",
            )
            return []
        if required and not value:
            self.error((*path, key), f"'{key}' needs at least one entry", f"add a [[{_header(path, key)}]]")
        return [((*path, key, i), entry) for i, entry in enumerate(value)]

    def copies(self, entries: list[tuple[Path, dict[str, Any]]], what: str) -> None:
        """Report an exact copy of an earlier `[[entry]]` at the copy, naming the first one's line."""
        for index, (path, table) in enumerate(entries):
            earlier = next((p for p, t in entries[:index] if t == table), None)
            if earlier is not None:
                line = self.spot(earlier).line
                self.error(path, f"this {what} repeats the one on line {line}", "remove the copy")

    def unique(self, items: list[tuple[Path, str]], what: str) -> None:
        """Report every id used a second time, at the second use, naming the first's line."""
        first: dict[str, Path] = {}
        for path, value in items:
            if not value:
                continue
            if value in first:
                line = self.spot(first[value]).line
                self.error(
                    path,
                    f"{what} id '{value}' is already used on line {line}",
                    f"give each {what} its own id",
                )
            else:
                first[value] = path


def _reshape(path: Path, value: Any, expected: Expected) -> str:
    """How to write `value` as `expected`: quotes removed or added, or the shape named."""
    key = next((part for part in reversed(path) if isinstance(part, str)), "")
    setting = f"{key} = " if path and isinstance(path[-1], str) else ""
    if isinstance(value, str) and expected in (WHOLE, NUMBER, FLAG):
        bare = value.strip()
        if expected.test(_number_or_flag(bare)):
            return f"remove the quotes: {setting}{bare}"
    if expected is STRING and isinstance(value, int | float) and not isinstance(value, bool):
        return f'put it in quotes: {setting}"{value}"'
    if expected is STRING and isinstance(value, bool):
        return f'put it in quotes: {setting}"{str(value).lower()}"'
    if expected is LIST and isinstance(value, str):
        return f'put it in square brackets: {setting}["{value}"]'
    return f"write {expected.name} here"


def _number_or_flag(text: str) -> Any:
    """`text` as the TOML number or flag it spells, or the text itself when it spells neither."""
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _header(path: Path, key: str) -> str:
    """The `[[a.b]]` header name of an array of tables at `path` (indexes dropped)."""
    return ".".join([p for p in path if isinstance(p, str)] + [key])

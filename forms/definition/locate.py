"""Where each key and value of a TOML file sits, so problems can point at them.

tomlkit keeps no source positions, so this module walks the text once with a
small TOML-aware scanner: it follows `[table]` and `[[array.of.tables]]`
headers (counting the entries of each array), `key = value` lines, strings of
every kind (a `#` or `]` inside a string is not syntax), multi-line arrays and
inline tables.  It records a position for every key, every table header and
every array element.

Paths are tuples of keys and 0-based indexes, the same shape as the data
tomlkit returns: ``("section", 2, "question", 0, "type")``.  The scanner is
meant for text that already parsed; on anything else it stops quietly and
returns what it found, because it only ever serves an error message.
"""

from __future__ import annotations

import bisect
import contextlib
from dataclasses import dataclass

Path = tuple[str | int, ...]

_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}\n#")
_ESCAPE_LENGTHS = {"u": 4, "U": 8, "x": 2}


@dataclass(frozen=True)
class Spot:
    """Where a key (or table header, or array element) and its value start; 1-based."""

    line: int
    key_col: int
    value_col: int
    raw: str = ""
    """The value's source text when it is a one-line string, to place a column inside it."""

    def col_in_string(self, offset: int) -> int:
        """The source column of the character `offset` (1-based) of this one-line string's value.

        Escapes in a basic string (`\\"`, `\\u00e9`) take more source
        characters than they yield, so the raw text is walked to stay exact.
        Falls back to the value's own column for anything else.
        """
        if not self.raw or self.raw.startswith(('"""', "'''")):
            return self.value_col
        if self.raw[0] == "'":
            return self.value_col + offset
        index, decoded = 1, 1
        while decoded < offset and index < len(self.raw) - 1:
            if self.raw[index] == "\\":
                index += 2 + _ESCAPE_LENGTHS.get(self.raw[index + 1 : index + 2], 0)
            else:
                index += 1
            decoded += 1
        return self.value_col + index


START = Spot(1, 1, 1)
"""Where problems with no better place (a missing top-level key) point."""


def find(spots: dict[Path, Spot], path: Path) -> Spot:
    """The spot of `path`, or of its nearest ancestor that has one (a missing key → its table)."""
    while path:
        spot = spots.get(path)
        if spot is not None:
            return spot
        path = path[:-1]
    return START


def positions(source: str) -> dict[Path, Spot]:
    """Every key, table header and array element of `source`, mapped to where it starts."""
    scanner = _Scanner(source)
    with contextlib.suppress(IndexError):  # an unterminated construct: keep what was found
        scanner.document()
    return scanner.spots


class _Scanner:
    """One pass over the text; `spots` fills in as keys and values are met."""

    def __init__(self, source: str) -> None:
        self.text = source
        self.pos = 0
        self.spots: dict[Path, Spot] = {}
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]
        self.array_counts: dict[Path, int] = {}

    # ------------------------------------------------------------- utilities

    def peek(self, ahead: int = 0) -> str:
        index = self.pos + ahead
        return self.text[index] if index < len(self.text) else ""

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def record(self, path: Path, key_offset: int, value_offset: int, raw: str = "") -> None:
        line, key_col = self.where(key_offset)
        value_line, value_col = self.where(value_offset)
        self.spots.setdefault(path, Spot(line, key_col, value_col if value_line == line else 1, raw))

    def skip_blank(self, newlines: bool) -> None:
        """Skip spaces, tabs, comments and (when allowed) line breaks."""
        while True:
            ch = self.peek()
            if ch in (" ", "\t", "\r") or (newlines and ch == "\n"):
                self.pos += 1
            elif ch == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    # ------------------------------------------------------------- structure

    def document(self) -> None:
        table: Path = ()
        while self.pos < len(self.text):
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            if self.peek() == "[":
                table = self.header()
            else:
                self.key_value(table)
            self.skip_rest_of_line()

    def skip_rest_of_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    def header(self) -> Path:
        start = self.pos
        array = self.peek(1) == "["
        self.pos += 2 if array else 1
        keys = [name for name, _ in self.dotted_key()]
        path: Path = ()
        for name in keys[:-1]:
            path = self.into(path, name)
        path = (*path, keys[-1]) if keys else path
        if array:
            self.record(path, start, start)
            count = self.array_counts.get(path, 0)
            self.array_counts[path] = count + 1
            path = (*path, count)
        self.record(path, start, start)
        return path

    def into(self, path: Path, name: str) -> Path:
        """Step into `name`; when it is an array of tables, into its latest entry."""
        path = (*path, name)
        count = self.array_counts.get(path)
        return (*path, count - 1) if count else path

    def dotted_key(self) -> list[tuple[str, int]]:
        """The parts of a (possibly dotted, possibly quoted) key with their offsets."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip_blank(newlines=False)
            start = self.pos
            ch = self.peek()
            if ch in ('"', "'"):
                raw = self.string()
                parts.append((_unquote(raw), start))
            else:
                while self.peek() in _BARE_KEY and self.peek():
                    self.pos += 1
                if self.pos == start:
                    return parts
                parts.append((self.text[start : self.pos], start))
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.pos += 1

    def key_value(self, table: Path) -> None:
        parts = self.dotted_key()
        if not parts or self.peek() != "=":
            return
        self.pos += 1
        self.skip_blank(newlines=False)
        path = table
        for name, offset in parts[:-1]:
            path = (*path, name)
            self.record(path, offset, offset)
        self.value((*path, parts[-1][0]), parts[-1][1])

    # ----------------------------------------------------------------- values

    def value(self, path: Path, key_offset: int) -> None:
        start = self.pos
        ch = self.peek()
        if ch in ('"', "'"):
            raw = self.string()
            self.record(path, key_offset, start, raw if "\n" not in raw else "")
        elif ch == "[":
            self.record(path, key_offset, start)
            self.array(path)
        elif ch == "{":
            self.record(path, key_offset, start)
            self.inline_table(path)
        else:
            self.record(path, key_offset, start)
            while self.peek() and self.peek() not in _SCALAR_END:
                self.pos += 1

    def array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_blank(newlines=True)
            if self.peek() == "]":
                self.pos += 1
                return
            element = self.pos
            self.value((*path, index), element)
            index += 1
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                raise IndexError("not an array")

    def inline_table(self, path: Path) -> None:
        self.pos += 1
        while True:
            self.skip_blank(newlines=True)
            if self.peek() == "}":
                self.pos += 1
                return
            parts = self.dotted_key()
            if not parts or self.peek() != "=":
                raise IndexError("not an inline table")
            self.pos += 1
            self.skip_blank(newlines=False)
            key_path = (*path, *(name for name, _ in parts))
            self.value(key_path, parts[-1][1])
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise IndexError("not an inline table")

    def string(self) -> str:
        """Consume a string of any of the four kinds; returns its raw source text."""
        start = self.pos
        quote = self.peek()
        triple = self.text.startswith(quote * 3, self.pos)
        self.pos += 3 if triple else 1
        while True:
            ch = self.peek()
            if not ch or (ch == "\n" and not triple):
                raise IndexError("unterminated string")
            if ch == "\\" and quote == '"':
                self.pos += 2
            elif triple and self.text.startswith(quote * 3, self.pos):
                self.pos += 3
                extra = 0
                while self.peek() == quote and extra < 2:  # up to two quotes may end the content
                    self.pos += 1
                    extra += 1
                return self.text[start : self.pos]
            elif not triple and ch == quote:
                self.pos += 1
                return self.text[start : self.pos]
            else:
                self.pos += 1


def _unquote(raw: str) -> str:
    """A quoted key's name; escapes in keys are rare enough to keep as written."""
    return raw[1:-1]

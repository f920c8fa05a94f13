"""TOML syntax errors said the way a trainer reads them, at the place to fix.

tomllib reports where it gave up, which is not always where the mistake is:
an unclosed `[` is found at the next line that cannot belong to the list,
and a key set twice because a `[[section]]` header is missing is found at
the key.  This module turns its messages into plain words and, for those
two, points at the opening bracket and names the header that is missing.
"""

from __future__ import annotations

import re

from forms.definition.errors import FormError
from forms.definition.tables import ARRAYS, headers, kind_of

_AT = re.compile(r"(?P<message>.*) \((?:at line (?P<line>\d+), column (?P<col>\d+)|at end of document)\)")

_SYNTAX: tuple[tuple[str, str, str], ...] = (
    ("Cannot overwrite a value", "this key is already set", "each key may appear only once in a table"),
    ("Cannot declare", "this table is already declared", "each [table] may appear only once"),
    ("Invalid value", "this value cannot be read", 'text needs quotes, e.g. title = "Accommodation"'),
    ("Illegal character '\\n'", "the line ends inside a string", "close the quote on the same line"),
    (
        "Unterminated string",
        "a string is not closed",
        'close it with the quote it opened with ("…" or """…""")',
    ),
    ("Unclosed array", "this list is never closed", "end it with ] after its last item"),
    ("Expected '=' after a key", "a key has no value", "write key = value"),
)
"""tomllib's messages, said the way a trainer reads them (with the original kept when unknown)."""

_KEY = re.compile(r"^[ \t]*([A-Za-z0-9_-]+)[ \t]*=")

_ENTRY_KEYS: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "assessment": (
        ("section", frozenset({"title", "short"})),
        ("section.question", frozenset({"label", "type", "options", "show_if", "require_if"})),
    ),
    "rubric": (
        ("criterion", frozenset({"title", "graded"})),
        ("criterion.check", frozenset({"kind"})),
    ),
    "plan": (("suggest", frozenset({"area", "goal", "actions", "measure"})),),
}
"""For a key set twice, the entry its neighbouring keys show was meant to start (first match wins)."""


def explain(report: str, text: str, file: str) -> FormError:
    """The trainer's version of one tomllib error message."""
    match = _AT.fullmatch(report)
    message = match.group("message") if match else report
    line, col = (
        (int(match.group("line")), int(match.group("col"))) if match and match.group("line") else (0, 0)
    )
    if not line:  # at the end of the document
        line = text.count("\n") + 1
        col = len(text) - text.rfind("\n")
    if message.startswith("Unclosed array"):
        line, col = _unclosed_bracket(text, line, col)
    if message.startswith("Cannot overwrite a value"):
        missing = _missing_header(text, line)
        if missing is not None and missing[1]:
            return missing_header_error(file, text, line, missing)
    for start, plain, hint in _SYNTAX:
        if message.startswith(start):
            return FormError(file, line, col, "", plain, hint)
    return FormError(file, line, col, "", message[:1].lower() + message[1:], "check the TOML syntax here")


def missing_header_error(file: str, text: str, line: int, missing: tuple[str, str]) -> FormError:
    key, entry = missing
    current = _enclosing(text, line)
    source = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
    col = len(source) - len(source.lstrip()) + 1
    word = entry.rpartition(".")[2]
    return FormError(
        file,
        line,
        col,
        "",
        f"'{key}' is set a second time in the [[{current}]] above",
        f"a new {word} starts here: add [[{entry}]] on the line above",
    )


def _enclosing(text: str, line: int) -> str:
    above = [h for h in headers(text) if h.line < line]
    return above[-1].name if above else ""


def _missing_header(text: str, line: int) -> tuple[str, str] | None:
    """For a key set twice: the key, and the array header that would have started a new entry there."""
    kind = kind_of(text)
    lines = text.splitlines()
    if kind is None or not 0 < line <= len(lines) or not _enclosing(text, line):
        return None
    key = _KEY.match(lines[line - 1])
    if key is None:
        return None
    run: set[str] = set()
    for source in lines[line - 1 :]:
        if source.lstrip().startswith("["):
            break
        found = _KEY.match(source)
        if found:
            run.add(found.group(1))
    current = _enclosing(text, line)
    for entry, signs in _ENTRY_KEYS[kind]:
        if run & signs:
            return key.group(1), entry
    return key.group(1), current if current in ARRAYS[kind] else ""


def _unclosed_bracket(text: str, line: int, col: int) -> tuple[int, int]:
    """Where the list that is never closed opened: the outermost `[` still open at the error."""
    lines = text.splitlines(keepends=True)
    stop = sum(len(source) for source in lines[: line - 1]) + col - 1
    opened: list[int] = []
    at, quote = 0, ""
    while at < min(stop, len(text)):
        char = text[at]
        if quote:
            if text.startswith(quote, at) and (quote == "'" or text[at - 1 : at] != "\\"):
                at += len(quote)
                quote = ""
                continue
            at += 1
            continue
        if char == "#":
            end = text.find("\n", at)
            at = len(text) if end < 0 else end
            continue
        if char in "\"'":
            quote = char * 3 if text.startswith(char * 3, at) else char
            at += len(quote)
            continue
        if char == "[":
            opened.append(at)
        elif char == "]" and opened:
            opened.pop()
        elif char == "\n" and opened and _is_header(text, opened[-1]):
            opened.clear()
        at += 1
    if not opened:
        return line, col
    start = opened[0]
    before = text[:start]
    return before.count("\n") + 1, start - (before.rfind("\n") + 1) + 1


def _is_header(text: str, at: int) -> bool:
    start = text.rfind("\n", 0, at) + 1
    return not text[start:at].strip() or text[start:at].strip() == "["

"""Table headers in the wrong shape, caught before TOML reads the file, at the header's own line.

A misnested header (`[[question]]`, `[section.question]`, `[[section.field]]`,
a question with no `[[section]]` above it) is valid TOML, or fails only at a
later, correct line, so what the TOML reader and the loader report is a
follow-on ("did you mean 'version'?", "this table is already declared").
Reading the headers first lets each such mistake be said once, where it
is, naming the table that was meant and the shape the file should have.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from forms.definition.errors import FormError

ARRAYS: dict[str, tuple[str, ...]] = {
    "assessment": (
        "template",
        "template.question",
        "template.question.field",
        "section",
        "section.question",
        "section.question.field",
        "sheet.item",
    ),
    "rubric": ("criterion", "criterion.check"),
    "plan": ("suggest",),
}
"""Each kind's arrays of tables (`[[...]]`), parents before children."""

TABLES: dict[str, tuple[str, ...]] = {
    "assessment": ("deadlines", "sheet"),
    "rubric": ("criterion.check.phrases",),
    "plan": ("labels", "help"),
}
"""Each kind's plain tables (`[...]`)."""

SHAPES: dict[str, str] = {
    "assessment": (
        "an assessment has [[section]] for each section, [[section.question]] for each of its questions, "
        "[[section.question.field]] for each field of a group"
    ),
    "rubric": "a rubric has [[criterion]] for each criterion, [[criterion.check]] for each of its checks",
    "plan": "a plan has [labels] and [help] once each, [[suggest]] for each suggested objective",
}
"""The shape of a file of each kind, said in one line."""

_HEADER = re.compile(
    r"^[ \t]*(?P<open>\[\[?)[ \t]*(?P<name>[^\]\[#]*?)[ \t]*(?P<close>\]?\]?)[ \t]*(?:#.*)?$"
)
_KIND = re.compile(r'^kind[ \t]*=[ \t]*["\'](?P<kind>[a-z]+)["\']', re.MULTILINE)


@dataclass(frozen=True)
class Header:
    line: int
    col: int
    name: str
    array: bool


def kind_of(text: str) -> str | None:
    """The kind a file says it is, read from its text (for files TOML cannot read)."""
    match = _KIND.search(text)
    return match.group("kind") if match and match.group("kind") in ARRAYS else None


def headers(text: str) -> list[Header]:
    """Every `[table]` and `[[array]]` header line, skipping multi-line strings."""
    found: list[Header] = []
    in_string = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if line.count(in_string) % 2 == 1:
                in_string = ""
            continue
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_string = quote
        if in_string:
            continue
        match = _HEADER.match(line)
        if match is None or "=" in line.split("#", 1)[0]:
            continue
        name = re.sub(r"[ \t]*\.[ \t]*", ".", match.group("name").replace('"', ""))
        found.append(Header(number, match.start("open") + 1, name, match.group("open") == "[["))
    return found


def mistakes(text: str, file: str) -> list[FormError]:
    """A problem for each header that is not one this kind of file has, or that has no parent above it,
    and for a table's keys written where the header that should open their table was left out."""
    kind = kind_of(text)
    if kind is None:
        return []
    arrays, tables = ARRAYS[kind], TABLES[kind]
    errors: dict[int, FormError] = {}
    opened: set[str] = set()
    """Arrays with an entry open now: a child may follow only while its parent is open."""
    lines = text.splitlines()
    found = headers(text)
    for index, header in enumerate(found):
        previous = found[index - 1] if index else None
        end = found[index + 1].line if index + 1 < len(found) else len(lines) + 1
        orphan = _orphan_keys(lines, header, previous, arrays, opened)
        for place in (orphan, _stray_keys(lines, header, end)):
            if place is not None:
                errors.setdefault(place[0], FormError(file, *place))
        problem = _problem(header, arrays, tables, opened, kind)
        if problem is not None and orphan is None:
            errors.setdefault(header.line, FormError(file, header.line, header.col, "", *problem))
        _open(header, arrays, opened, problem is not None)
    return [errors[line] for line in sorted(errors)]


def _open(header: Header, arrays: tuple[str, ...], opened: set[str], wrong: bool) -> None:
    """A new entry of an array opens it and closes its children (the new entry has none yet); a child
    reported without its parent opens the parent too, so the missing parent is said once."""
    if not header.array or header.name not in arrays:
        return
    opened.difference_update({name for name in opened if name.startswith(header.name + ".")})
    opened.add(header.name)
    if wrong:
        opened.add(header.name.rpartition(".")[0])


_ID_KEY = re.compile(r"^(?P<indent>[ \t]*)id[ \t]*=")
_TITLE_KEY = re.compile(r"^[ \t]*title[ \t]*=")
_OWN_ID = frozenset(
    {"template", "template.question", "template.question.field", "section", "section.question"}
    | {"section.question.field", "criterion"}
)
"""Tables that have an `id` of their own (as the file itself has): a second one starts a new table."""

_NO_ID: dict[str, str] = {
    "criterion.check": "criterion",
    "deadlines": "section",
    "sheet": "section",
    "sheet.item": "section",
}
"""Tables without an `id` key, and the table whose `id` and `title` land in them when its header is
left out."""


def _stray_keys(lines: list[str], header: Header, end: int) -> tuple[int, int, str, str, str] | None:
    """Where a table's `id` and `title` were written inside a table that has neither, its header left out
    (a [[criterion]] missing before its keys puts them in the check above)."""
    parent = _NO_ID.get(header.name)
    block = range(header.line + 1, end)
    ids = [n for n in block if _ID_KEY.match(lines[n - 1])] if parent else []
    if not parent or not ids or not any(_TITLE_KEY.match(lines[n - 1]) for n in block if n > ids[0]):
        return None
    return _place(lines, ids[0], f"'id' is not a key of {_written(header)}", parent)


def _orphan_keys(
    lines: list[str], header: Header, previous: Header | None, arrays: tuple[str, ...], opened: set[str]
) -> tuple[int, int, str, str, str] | None:
    """Where the keys of a parent table begin when its `[[parent]]` header was left out above `header`.

    `id = "b"` written with no `[[section]]` above it lands in whatever
    table comes before: said at that `id`, where the header belongs, rather
    than at the questions that follow (which are not wrong).
    """
    parent = header.name.rpartition(".")[0]
    if not header.array or header.name not in arrays or parent not in arrays or parent in opened:
        return None
    first = previous.line if previous else 0
    ids = [n for n in range(first + 1, header.line) if _ID_KEY.match(lines[n - 1])]
    own = previous is None or previous.name in _OWN_ID
    ids = ids[1:] if own else ids
    if not ids:
        return None
    if previous is None:
        where = "'id' is set a second time at the top of the file"
    elif own:
        where = f"'id' is set a second time in the {_written(previous)} above"
    else:
        where = f"'id' is not a key of {_written(previous)}"
    return _place(lines, ids[0], where, parent)


def _place(lines: list[str], line: int, where: str, parent: str) -> tuple[int, int, str, str, str]:
    """The problem at the `id` on `line`: the table `parent` starts there, without its header."""
    indent = _ID_KEY.match(lines[line - 1])
    col = len(indent.group("indent")) + 1 if indent else 1
    word = parent.rpartition(".")[2]
    return line, col, "", where, f"a new {word} starts here: add [[{parent}]] on the line above"


def _written(header: Header) -> str:
    return f"[[{header.name}]]" if header.array else f"[{header.name}]"


def _problem(
    header: Header, arrays: tuple[str, ...], tables: tuple[str, ...], opened: set[str], kind: str
) -> tuple[str, str] | None:
    written = f"[[{header.name}]]" if header.array else f"[{header.name}]"
    if (header.array and header.name in arrays) or (not header.array and header.name in tables):
        parent = header.name.rpartition(".")[0]
        if parent in arrays and parent not in opened:
            return (
                f"{written} has no [[{parent}]] above it",
                f"add [[{parent}]] with its own keys above this line; {SHAPES[kind]}",
            )
        return None
    if header.name in arrays:
        owner = header.name.rpartition(".")[0] or kind
        return (
            f"{written} declares one table, but a {owner} holds a list of them",
            f"write [[{header.name}]] with two brackets, once for each entry",
        )
    if header.name in tables:
        return (f"{written} is a plain table, not a list", f"write [{header.name}] with one bracket")
    meant = _meant(header.name, (*arrays, *tables))
    shown = f"[[{meant}]]" if meant in arrays else f"[{meant}]"
    article = "an" if kind[0] in "aeiou" else "a"
    if meant:
        return (
            f"{written} is not a table of {article} {kind}; the table meant is probably {shown}",
            f"write {shown} here; {SHAPES[kind]}",
        )
    return (f"{written} is not a table of {article} {kind}", f"remove it or rename it; {SHAPES[kind]}")


def _meant(name: str, known: tuple[str, ...]) -> str:
    """The known table a misnested header most likely means: same last part, else the closest name."""
    last = name.rpartition(".")[2]
    ends = [k for k in known if k.rpartition(".")[2] == last]
    if ends:
        return max(ends, key=lambda k: difflib.SequenceMatcher(None, name, k).ratio())
    ends = [k for k in known if k.rpartition(".")[2] == last.rstrip("s")]
    if ends:
        return ends[0]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else ""

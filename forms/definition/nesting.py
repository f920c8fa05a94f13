"""How deeply a TOML text nests its arrays and inline tables, found before `tomllib` recurses into it.

`tomllib` reads nested values recursively: a file with a few thousand `[`
in a row stops it with `RecursionError`, deep inside the parser.  Every
TOML A4 reads (form definitions, config.toml) is measured here first, so
such a file gets a message naming the line instead.  Strings and comments
are skipped, so brackets written inside them do not count.
"""

from __future__ import annotations

import tomllib
from typing import Any

MAX_DEPTH = 64
"""Deeper than any real form or config (they nest three or four levels), far below the parser's limit."""


def read_toml(text: str, where: str) -> tuple[dict[str, Any] | None, str]:
    """The data of a small settings file's TOML text, or None and one line saying where and what is wrong.

    The config file is read by the settings (`tui.config`) and, for its `database`, by
    `storage.connect`: one reading, so both name a broken file at the same place in the same words.
    (Form definitions say more, as `FormError`s: `forms.definition.load`.)
    """
    if (deep := too_deep(text)) is not None:
        return None, f"{where}:{deep[0]}:{deep[1]}: arrays or tables nested more than {MAX_DEPTH} deep"
    try:
        return tomllib.loads(text), ""
    except tomllib.TOMLDecodeError as error:
        from forms.definition.syntax import explain  # only for a broken file: start-up need not load it

        return None, str(explain(str(error), text, where))


def too_deep(text: str, limit: int = MAX_DEPTH) -> tuple[int, int] | None:
    """The line and column (from 1) where `text` first nests deeper than `limit`, or None."""
    depth = 0
    line, line_start = 1, 0
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\n":
            line, line_start = line + 1, i + 1
        elif char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, i) else char
            i = _string_end(text, i + len(quote), quote)
            newlines = text.count("\n", line_start, i)
            if newlines:
                line, line_start = line + newlines, text.rfind("\n", 0, i) + 1
            continue
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line, i - line_start + 1
        elif char in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def _string_end(text: str, i: int, quote: str) -> int:
    """Where the string opened by `quote` ends (just past its closing quote, or the end of its line)."""
    escapes = quote[0] == '"'
    n = len(text)
    while i < n:
        if escapes and text[i] == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i + len(quote)
        if len(quote) == 1 and text[i] == "\n":
            return i  # an unclosed one-line string: the parser will say so
        i += 1
    return n

"""One escaping function per medium: what makes stored text safe wherever it is shown or written.

Text arrives from people and from files.  What A4 stores is checked on the
way in (`forms.record.text_rules`), but a store may hold older data, and the
same words end up in four media with four different dangers:

- a terminal, where ESC, BEL, backspace and the C1 controls move the cursor,
  retitle the window or clear the screen (`for_terminal`; `for_markup` for
  text placed inside Rich/Textual markup);
- a CSV file opened in a spreadsheet, where a cell starting with `=`, `+`,
  `-` or `@` runs as a formula (`for_csv_cell`);
- Markdown, where `#`, `*`, `[`, `<` turn text into headings, links or HTML
  (`for_markdown`);
- a file name, where `/`, `..` or a NUL byte leave the folder or fail
  (`for_file_name`).

Every output goes through the function for its medium, so control
characters are shown as visible symbols (ESC as ␛) and never reach a screen
or a file raw.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forms.model import Record

_CONTROL_PICTURES = {code: 0x2400 + code for code in range(0x20)} | {0x7F: 0x2421}
"""C0 controls and DEL as their visible Unicode "control pictures" (ESC → ␛, BEL → ␇)."""
_C1 = {code: 0xFFFD for code in range(0x80, 0xA0)}
"""C1 controls (a lone 0x9B is a terminal's CSI) have no pictures: the replacement character."""
_ONE_LINE = str.maketrans(_CONTROL_PICTURES | _C1)
_MULTI_LINE = str.maketrans({k: v for k, v in (_CONTROL_PICTURES | _C1).items() if k not in (0x0A, 0x09)})
_HAS_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)

_MARKDOWN_INLINE = "\\`*_[]<>|"
"""Characters that could start inline markup; the backslash first, so added ones are not doubled."""

_FILE_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
FILE_NAME_LIMIT = 80
"""Longest stem `for_file_name` returns: well inside every file system's 255 bytes, with room for an id."""


def visible_controls(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character replaced by a visible symbol; newline and tab kept if `multiline`.

    The common case (no control characters) costs one regular-expression search.
    """
    if _HAS_CONTROL.search(text) is None:
        return text
    return text.translate(_MULTI_LINE if multiline else _ONE_LINE)


def for_terminal(text: str, *, multiline: bool = False) -> str:
    """Stored text made safe to print to a terminal: no control sequence can reach it raw.

    One-line places (a table cell, a heading) also show newlines and tabs as
    symbols, so a row never breaks in two; `multiline` keeps them for long text.
    """
    return visible_controls(str(text), multiline=multiline)


def record_for_terminal(record: Record) -> Record:
    """`record` with every text it holds (answers, plan, comments…) made safe to show on a terminal.

    For the app's screens, whose editors show and edit the text itself: a
    record an older A4 stored with control characters opens with them as
    visible symbols (ESC as ␛; newlines and tabs kept), so an answer can
    never retitle the window or clear the screen, and saving keeps what was
    shown.  A record without such characters (every record A4 now stores) is
    returned as it is.
    """
    from forms.record.codec import record_from_dict, record_to_dict

    data = record_to_dict(record)
    shown = _visible_strings(data)
    return record if shown == data else record_from_dict(shown)


def _visible_strings(value: Any) -> Any:
    if isinstance(value, str):
        return visible_controls(value, multiline=True)
    if isinstance(value, dict):
        return {key: _visible_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_visible_strings(item) for item in value]
    return value


def for_markup(text: str, *, multiline: bool = False) -> str:
    """Stored text made safe inside Rich/Textual markup: terminal-safe, and `[` can never open a tag."""
    from rich.markup import escape

    return escape(for_terminal(text, multiline=multiline))


def for_csv_cell(text: str) -> str:
    """Stored text made safe as one CSV cell that a spreadsheet will open.

    A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
    leading `'`, so the spreadsheet shows it as text instead of running it as a
    formula (OWASP's advice); a plain number such as `-3` or `+2.5` is left alone,
    since a spreadsheet reads that as the number it is.  Control characters
    other than newline and tab are shown as symbols.
    """
    text = str(text)
    guard = "'" if text.startswith(_FORMULA_START) and _NUMBER.fullmatch(text) is None else ""
    return guard + visible_controls(text, multiline=True)


def for_markdown(text: str) -> str:
    """Text written by a person, made safe inside a line of Markdown: it stays text, whatever it holds.

    Control characters become visible symbols; characters that could start
    inline markup are backslash-escaped.  The commonest call in a report, and
    most text holds none of these characters: a containment test each is
    several times faster than a regular expression or a translation table.
    """
    text = visible_controls(str(text), multiline=True).strip()
    for char in _MARKDOWN_INLINE:
        if char in text:
            text = text.replace(char, f"\\{char}")
    return text


def for_file_name(text: str, *, fallback: str = "record") -> str:
    """A file-name stem made from stored text: only letters, digits, `.`, `_` and `-`, never `..` or hidden.

    Anything else (a `/`, a space, a NUL byte, an accent) becomes `_`; the
    result is at most `FILE_NAME_LIMIT` characters and never empty (`fallback`).
    """
    safe = _FILE_NAME_UNSAFE.sub("_", str(text))
    safe = re.sub(r"\.{2,}", "_", safe).strip("._-")[:FILE_NAME_LIMIT].strip("._-")
    return safe or fallback

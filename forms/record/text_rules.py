"""The one place that decides what text A4 stores: references, record ids, names and free text.

Checked at every entry (the app's forms, `a4 new`, `a4 import`), so the
store only ever receives text that is safe to show.  Output is escaped as
well (`exports.escape`), because a store may hold data written before these
rules; the two together keep control sequences away from terminals.

- A **reference** (`check_reference`) is what people type and scripts pass
  around: ASCII letters and digits, `-`, `_`, `/` and `.`, starting with a
  letter or digit, at most `REFERENCE_LIMIT` characters.
- A **record id** (`check_record_id`) names a record in file names and
  commands: ASCII letters, digits, `-` and `_`, at most 64 characters.
- A **name** or other one-line text (`check_line`) is any Unicode a person
  writes (accents, right-to-left scripts, emoji) but no control character
  at all, and not blank.
- **Long text** (`check_text`, answers and notes) may also hold newlines and
  tabs, still no other C0/C1 control character.

No text may hold a lone surrogate: it cannot be written as UTF-8.
"""

from __future__ import annotations

import re

REFERENCE_LIMIT = 40
"""Longest case reference: room for any agency's scheme, short enough for a caseload column."""
LINE_LIMIT = 200
"""Longest one-line text (a name, a label)."""
TEXT_LIMIT = 100_000
"""Longest answer or note: far beyond anything written by hand."""

REFERENCE_CHARACTERS = "ASCII letters and digits, '-', '_', '/' and '.'"
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*", re.ASCII)
_RECORD_ID = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_TEXT_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class TextError(ValueError):
    """Text A4 will not store; the message names the field and says what is wrong, for a person."""


def _control_name(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"an unpaired surrogate (U+{code:04X})"
    named = {0x1B: "ESC", 0x07: "BEL", 0x08: "backspace", 0x0A: "a newline", 0x0D: "a carriage return",
             0x09: "a tab", 0x00: "a NUL byte", 0x7F: "DEL"}  # fmt: skip
    return named.get(code, f"the control character U+{code:04X}")


def check_reference(text: object, *, what: str = "reference") -> str:
    """`text` if it is a valid case reference, else `TextError` naming `what`."""
    if not isinstance(text, str) or not text:
        raise TextError(f"{what} must not be empty")
    if len(text) > REFERENCE_LIMIT:
        raise TextError(f"{what} is {len(text)} characters long; at most {REFERENCE_LIMIT} are allowed")
    if _REFERENCE.fullmatch(text) is None:
        bad = next((c for c in text if not (c.isascii() and (c.isalnum() or c in "-_./"))), text[0])
        shown = _control_name(bad) if _LINE_FORBIDDEN.match(bad) else repr(bad)
        raise TextError(
            f"{what} may hold only {REFERENCE_CHARACTERS}, starting with a letter or digit; it holds {shown}"
        )
    return text


def check_record_id(text: object, *, what: str = "record id") -> str:
    """`text` if it is a valid record id (safe in a file name), else `TextError` naming `what`."""
    if not isinstance(text, str) or _RECORD_ID.fullmatch(text) is None:
        raise TextError(f"{what} may hold only ASCII letters, digits, '-' and '_' (1 to 64 of them)")
    return text


def check_line(text: object, *, what: str, limit: int = LINE_LIMIT, blank: bool = False) -> str:
    """`text` if it is one line a person could write (no control characters), else `TextError`.

    `blank` allows empty text (an optional field); a name is never blank.
    """
    if not isinstance(text, str):
        raise TextError(f"{what} must be text")
    if not blank and not text.strip():
        raise TextError(f"{what} must not be empty")
    if len(text) > limit:
        raise TextError(f"{what} is {len(text)} characters long; at most {limit} are allowed")
    if (bad := _LINE_FORBIDDEN.search(text)) is not None:
        raise TextError(f"{what} holds {_control_name(bad[0])}, which cannot be stored; remove it")
    return text


def check_text(text: object, *, what: str, limit: int = TEXT_LIMIT) -> str:
    """`text` if it is long text a person could write (newlines and tabs allowed), else `TextError`."""
    if not isinstance(text, str):
        raise TextError(f"{what} must be text")
    if len(text) > limit:
        raise TextError(f"{what} is {len(text)} characters long; at most {limit} are allowed")
    if (bad := _TEXT_FORBIDDEN.search(text)) is not None:
        raise TextError(f"{what} holds {_control_name(bad[0])}, which cannot be stored; remove it")
    return text


_LINE_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n"})


def storable(text: str) -> str:
    """`text` with what long text may not hold left out: for a paste, where refusing would lose it all.

    A line break of any kind (CR LF, CR, vertical tab, form feed) becomes a newline; every other
    control character (ESC, BEL, NUL, DEL, the C1 controls) and unpaired surrogate is dropped.
    """
    if _TEXT_FORBIDDEN.search(text) is None:
        return text
    return _TEXT_FORBIDDEN.sub("", text.replace("\r\n", "\n").translate(_LINE_BREAKS))


def text_problem(text: str) -> str | None:
    """Why long `text` cannot be stored, or None: for checking many strings without exceptions."""
    if len(text) > TEXT_LIMIT:
        return f"is {len(text)} characters long; at most {TEXT_LIMIT} are allowed"
    if (bad := _TEXT_FORBIDDEN.search(text)) is not None:
        return f"holds {_control_name(bad[0])}, which cannot be stored; remove it"
    return None

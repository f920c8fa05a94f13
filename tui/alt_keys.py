"""Alt keys, which A4 never binds: Alt+digit types nothing and says so; Escape-then-letter is both keys.

Most terminals (xterm, GNOME Terminal/VTE, Konsole, Windows Terminal, tmux,
iTerm2 with "Esc+") send Alt+1 as Escape then "1".  Textual reads that pair as
the character macOS's Option+1 types ("¡"; Alt+3 "£", Alt+5 "∞"), for WezTerm
on macOS, so Alt+digit pressed in a text answer put a character into the
record.  `read_alt_digits_as_keys` makes the pair the key "alt+1" instead, with
no character, so nothing is inserted; A4 binds nothing to Alt, and the app
answers such a key with `hint` (the terminal-safe way to a section).

The same two bytes are what a practitioner sends who presses Escape and then,
within a tenth of a second (Textual's escape delay), a letter: leaving a case
and typing the next one's name into the caseload's filter.  Textual reads them
as "alt+<letter>" with the letter as its character, so the Escape was lost and
the letter went into the answer being left.  As A4 has no Alt+letter key,
`escape_then_letter` splits such a key back into what was most likely
pressed: Escape, then the letter.

A character the terminal itself sends (macOS Terminal's Option+1 "¡", or an
8-bit meta "±") cannot be told from typing that character, so it stays text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from textual import _ansi_sequences, events

ALT_DIGIT_KEYS: frozenset[str] = frozenset(f"alt+{digit}" for digit in "0123456789")
"""The keys Alt+0…Alt+9 as the app sees them once `read_alt_digits_as_keys` has run."""


@dataclass(frozen=True)
class _KeyName:
    """What Textual's sequence table holds for a key with no character: something with its name as `value`."""

    value: str


def read_alt_digits_as_keys() -> None:
    """From now on Escape-then-digit is the key "alt+<digit>" (no character), not an Option character.

    Changes Textual's table of input sequences, which its input parser reads
    each time; safe to call more than once.
    """
    table = cast(dict[str, Any], _ansi_sequences.ANSI_SEQUENCES_KEYS)
    for digit in "0123456789":
        table[f"\x1b{digit}"] = (_KeyName(f"alt+{digit}"),)


def hint(key: str) -> str | None:
    """What to tell someone who pressed `key`, when it is an Alt+digit (which A4 does not use); else None."""
    if key not in ALT_DIGIT_KEYS:
        return None
    digit = key[-1]
    return (
        f"Alt+{digit} types nothing and does nothing in A4 (many terminals turn it into a character). "
        f"To go to section {digit}: Ctrl+G, {digit}, Enter."
    )


def escape_then_letter(key: events.Key) -> tuple[events.Key, events.Key] | None:
    """For "alt+<letter>" (Escape then a letter, read together): the Escape and the letter as two keys;
    None for any other key."""
    letter = key.character
    if letter is None or len(letter) != 1 or not (letter.isascii() and letter.isalpha()):
        return None
    if key.key not in (f"alt+{letter}", f"alt+shift+{letter.lower()}"):
        return None
    return events.Key("escape", "\x1b"), events.Key(letter, letter)

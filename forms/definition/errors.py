"""Problems found in a form definition, said the way a trainer can act on them.

A trainer edits TOML in an ordinary editor, so every problem names the file,
line and column (editors and terminals jump straight there), the key path
inside the form, what is wrong and, where we can tell, what to write instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FormError:
    """One problem in one definition file.

    `line` and `col` are 1-based.  `path` is the key path inside the form
    (`section[3].question[2].type`, 1-based indexes), empty for problems
    that belong to the file as a whole (unreadable, bad TOML syntax).
    """

    file: str
    line: int
    col: int
    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}: "
        what = f"{self.path}: {self.message}" if self.path else self.message
        return f"{where}{what} ({self.hint})" if self.hint else f"{where}{what}"


def close_match(word: str, choices: Iterable[str]) -> str:
    """The choice `word` is most likely a misspelling of, or "" when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else ""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A "did you mean 'x'?" hint for a misspelt name, or "" when nothing is close."""
    close = close_match(word, choices)
    return f"did you mean '{close}'?" if close else ""

"""The age beside a date of birth on the case screen ("aged 36"), following the date as it is typed.

A practitioner reads a person's age far more often than their date of
birth; working it out by hand from a typed date is where mistakes come in.
The age is as of today, by the same rule the exports use (`forms.record.age`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from textual.widgets import Static

from forms.record.age import age_words


class AgeNote(Static):
    """ "aged 36" for the date answer beside it; hidden while the date is empty, invalid or to come."""

    DEFAULT_CSS: ClassVar[str] = """
    AgeNote {
        width: auto;
        height: 3;
        padding: 1 1 1 1;
        color: $text-muted;
    }
    """

    def __init__(self, answer: Any, today: Callable[[], date]) -> None:
        super().__init__("", markup=False, classes="age")
        self.today = today
        self.follow(answer)

    def follow(self, answer: Any) -> None:
        """Show the age for `answer`, the date answer as it stands now (None when it does not parse)."""
        words = age_words(answer, self.today())
        self.update(words)
        self.display = bool(words)

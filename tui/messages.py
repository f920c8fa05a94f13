"""Messages more than one screen posts, kept apart so that each can import them without a cycle.

The caseload and the QA queue both ask the app to open a case; the app
handles `OpenCase` wherever it comes from.
"""

from __future__ import annotations

from typing import Literal

from textual.message import Message

Start = Literal["latest", "review", "amendment"]
"""What opening a case starts: nothing (its latest record), a review, or an amendment of its locked record."""


class OpenCase(Message):
    """Open a case: its latest record, a new review of it, or a new amendment of its latest locked record."""

    def __init__(self, ref: str, start: Start = "latest") -> None:
        super().__init__()
        self.ref = ref
        self.start: Start = start

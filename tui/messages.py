"""Messages more than one screen posts, kept apart so that each can import them without a cycle.

The caseload and the QA queue both ask the app to open a case; the app
handles `OpenCase` wherever it comes from.
"""

from __future__ import annotations

from textual.message import Message


class OpenCase(Message):
    """Open a case: its latest record, or (with `review`) a new review of it."""

    def __init__(self, ref: str, review: bool = False) -> None:
        super().__init__()
        self.ref = ref
        self.review = review

"""Returned QA comments, shown beside the sections they concern and resolved one by one.

When the author reopens a returned record, each open comment sits at the top
of its section (comments on the plan or the whole record sit under the
record's title).  Focus one with Tab like any field; Enter posts `Resolved`,
and the case screen (which owns the record) marks it resolved, stamped with
who and when, and saves.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

from forms.model import Comment
from forms.record.signoff import per_file


def comment_text(comment: Comment) -> Text:
    """A comment as the author reads it, with the action to take in words.

    One that came with an imported file says so: it is the file's history, not a comment given here.
    """
    day = comment.on[:10]
    text = Text()
    text.append("QA comment", style="bold")
    source = per_file(comment.imported_from)
    text.append(f" from {comment.by or 'the QA assessor'}{f' on {day}' if day else ''}{source}: ")
    text.append(comment.text)
    text.append("\n  Enter: mark resolved", style="italic")
    return text


def section_of(path: str) -> str:
    """The section a comment's path belongs to ("plan" for the sentence plan)."""
    return "plan" if path.startswith("plan") else path.partition(".")[0]


class CommentNote(Static, can_focus=True):
    """One open QA comment beside its section; Enter resolves it."""

    DEFAULT_CSS = """
    CommentNote {
        height: auto;
        border-left: thick $warning;
        padding: 0 1;
        margin: 0 0 1 0;
        background: $warning-muted;
    }
    CommentNote:focus {
        background: $boost;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "resolve", "Mark comment resolved", id="comment.resolve"),
    ]

    class Resolved(Message):
        """The author marked this comment resolved (Enter on it)."""

        def __init__(self, note: CommentNote, comment: Comment) -> None:
            super().__init__()
            self.note = note
            self.comment = comment

        @property
        def control(self) -> CommentNote:
            return self.note

    def __init__(self, comment: Comment) -> None:
        super().__init__(comment_text(comment), classes="qa-comment", markup=False)
        self.comment = comment

    def action_resolve(self) -> None:
        """Ask the screen to resolve the comment; it removes this note once the record holds that."""
        self.post_message(self.Resolved(self, self.comment))

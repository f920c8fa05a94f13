"""Returned QA comments, shown beside the sections they concern and resolved one by one.

When the author reopens a returned record, each open comment sits at the top
of its section (comments on the plan or the whole record sit under the
record's title).  Focus one with Tab like any field; Enter marks it resolved,
stamped with who and when, and the record saves on the next tick.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Static

from forms.model import Comment
from forms.record.signoff import unresolved

if TYPE_CHECKING:
    from tui.screens.case_screen import CaseScreen


def comment_text(comment: Comment) -> Text:
    """A comment as the author reads it, with the action to take in words."""
    day = comment.on[:10]
    text = Text()
    text.append("QA comment", style="bold")
    text.append(f" from {comment.by or 'the QA assessor'}{f' on {day}' if day else ''}: ")
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

    def __init__(self, comment: Comment, on_resolve: Callable[[Comment], None]) -> None:
        super().__init__(comment_text(comment), classes="qa-comment", markup=False)
        self.comment = comment
        self.on_resolve = on_resolve

    def action_resolve(self) -> None:
        self.on_resolve(self.comment)
        self.app.action_focus_next()
        self.remove()


def resolve(comments: list[Comment], comment_id: str, user: str, on: str) -> list[Comment]:
    """The comments with `comment_id` marked resolved by `user` on `on` (others unchanged)."""
    return [
        Comment(c.id, c.path, c.text, c.by, c.on, user, on) if c.id == comment_id and not c.resolved_by else c
        for c in comments
    ]


def show_comments(screen: CaseScreen) -> None:
    """Put each open comment at the top of its section (plan and whole-record ones under the title)."""
    for comment in unresolved(screen.record.comments):
        section_id = section_of(comment.path)
        editor = next((e for e in screen.editors if e.section.id == section_id), None)
        note = CommentNote(comment, lambda c: _resolved(screen, c))
        if editor is not None:
            editor.mount(note, after=editor.query_one(".section-title"))
        else:
            screen.query_one(".case-title").parent.mount(note, after="#risk-changes")


def _resolved(screen: CaseScreen, comment: Comment) -> None:
    screen.record.comments = resolve(
        screen.record.comments, comment.id, screen.user, datetime.now(UTC).isoformat(timespec="seconds")
    )
    screen.mark_unsaved()
    if screen.save_now():
        left = len(unresolved(screen.record.comments))
        screen.notify(f"Comment resolved; {left} left." if left else "All QA comments resolved.")

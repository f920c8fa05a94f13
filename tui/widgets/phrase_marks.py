"""Flagged phrases shown where they occur: a marked line under the answer that uses them.

Each line quotes the phrase, says where in the answer it is (line and
column) and gives the form's suggested alternative, so the mark needs no
colour to be seen, and a screen reader reads it in place.  The lines are
added under a field only when it has a flagged phrase, and updated only when
the QA checks (which run off the typing path) report something different.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from forms.checks.findings import CriterionResult, Finding

MARK = "⚑"


def phrase_findings(results: Iterable[CriterionResult]) -> dict[str, list[Finding]]:
    """Wording findings with a span, by the path of the answer they are in."""
    found: dict[str, list[Finding]] = defaultdict(list)
    for result in results:
        for finding in result.findings:
            if finding.kind == "phrases" and finding.span is not None:
                found[finding.path].append(finding)
    return dict(found)


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in `text`."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def mark_lines(text: str, findings: Iterable[Finding]) -> list[str]:
    """One line per flagged phrase: "⚑ “offender” (line 2, col 5) → person on probation"."""
    lines = []
    for finding in findings:
        assert finding.span is not None
        start, end = finding.span
        line, column = _position(text, start)
        advice = finding.suggestion or "consider rewording"
        lines.append(f"{MARK} “{text[start:end]}” (line {line}, col {column}) → {advice}")
    return lines


class PhraseMarks(Static):
    """The flagged phrases of one answer, one per line, shown right under its field."""

    DEFAULT_CSS = """
    PhraseMarks {
        height: auto;
        padding: 0 1;
        text-style: italic;
    }
    """

    def __init__(self) -> None:
        super().__init__("", classes="phrase-marks", markup=False)
        self.lines: list[str] = []

    def show(self, lines: list[str]) -> None:
        if lines != self.lines:
            self.lines = lines
            self.update(Text("\n".join(lines)))
            self.display = bool(lines)


def apply_marks(
    fields: Mapping[str, Widget], texts: Mapping[str, str], found: Mapping[str, list[Finding]]
) -> None:
    """Put each field's phrase lines under it (`fields`: answer path → the block holding the field).

    A field with no flagged phrase keeps no visible mark; the widget is made
    once and reused, so repeated results cost no relayout when nothing changed.
    """
    for path, block in fields.items():
        findings = found.get(path, [])
        existing = block.query(PhraseMarks)
        if not findings and not existing:
            continue
        marks = existing.first() if existing else PhraseMarks()
        if not existing:
            field = getattr(block, "field", None)
            if field is not None:
                block.mount(marks, after=field)
            else:
                block.mount(marks)
        marks.show(mark_lines(texts.get(path, ""), findings))

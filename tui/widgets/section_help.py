"""The current section's guidance, docked beside the text rather than over it.

A modal would hide what the practitioner is writing about; a side panel lets
them read the guidance and keep typing.
"""

from __future__ import annotations

from textual.widgets import Static

from forms.model import Section


def help_text(section: Section) -> str:
    """A section's help and its questions' one-line guidance, as plain text."""
    lines = [section.title, "", section.help or "No guidance for this section."]
    for question in section.questions:
        if question.help:
            lines += ["", f"{question.label}", f"  {question.help}"]
    return "\n".join(lines)


class SectionHelp(Static):
    """Side panel with the guidance of one section; hidden until asked for."""

    DEFAULT_CLASSES = "section-help"

    def __init__(self) -> None:
        super().__init__("", markup=False)
        self.section_id: str | None = None
        self.display = False

    def show_section(self, section: Section) -> None:
        """Show this section's help (only redrawn when the section changes)."""
        if section.id != self.section_id:
            self.section_id = section.id
            self.update(help_text(section))

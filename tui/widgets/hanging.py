"""Lines that wrap under their own text, not under their marker: "→ a long finding…" stays readable.

Rich and Textual wrap a line back to its left edge, so a finding such as
"    → Lifestyle and associates is linked: say how…" continued at column 0,
under the criterion names, on a narrow terminal.  A two-column grid keeps
the marker in its own column and wraps the text beside it.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text


def hanging(lead: str, text: str) -> Table:
    """`lead` (a marker or label, maybe indented), then `text`, wrapped to start under its first letter.

    The lead's own indent becomes a column of its own: a table cell drops its text's leading spaces.
    """
    marker = lead.lstrip(" ")
    indent = len(lead) - len(marker)
    grid = Table.grid()
    cells: list[Text] = []
    if indent:
        grid.add_column(width=indent)
        cells.append(Text())
    grid.add_column(width=cell_len(marker), no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(*cells, Text(marker), Text(text))
    return grid

"""Cases from a case-management system's CSV: read and checked completely before any is added.

The columns are documented in docs/exports.md ("Cases from a CSV"); a header
row names them, in any order, and only `ref`, `name` and `start` are required.
Requirements are separated by semicolons in one cell.  Every problem is said
as `FILE:LINE: what is wrong`, so a team can fix the file and try again; a file
with any problem adds nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from forms.model import Case, Sentence
from forms.record.iso_dates import DateError, parse_date
from forms.record.text_rules import TextError, check_line, check_reference

COLUMNS: tuple[str, ...] = (
    "ref", "name", "start", "owner", "form", "sentence_type", "sentence_length", "sentence_start",
    "sentence_end", "requirements", "court", "national_id",
)  # fmt: skip
"""Every column A4 reads; others are refused, so a misspelt heading is never silently ignored."""
REQUIRED: tuple[str, ...] = ("ref", "name", "start")
MAX_ROWS = 100_000


class CaseFileProblem(Exception):
    """What is wrong with the file, each problem on its own line (`FILE:LINE: …`)."""


@dataclass(frozen=True)
class CaseRow:
    """One case of the file, and the assessment form it names ('' for the default)."""

    case: Case
    form_id: str
    line: int


def read_cases(path: Path, *, default_owner: str) -> list[CaseRow]:
    """Every case in the file, checked; raises `CaseFileProblem` naming each bad line (nothing is added)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CaseFileProblem(f"{path}: could not be read as UTF-8 text ({error})") from None
    reader = csv.DictReader(text.splitlines(), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        raise CaseFileProblem(f"{path}:1: the header row is not CSV ({error})") from None
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    if unknown or missing:
        said = [f"unknown column(s) {', '.join(map(repr, unknown))}" if unknown else "",
                f"missing column(s) {', '.join(missing)}" if missing else ""]  # fmt: skip
        raise CaseFileProblem(
            f"{path}:1: {'; '.join(s for s in said if s)}; the columns are: {', '.join(COLUMNS)}"
        )
    rows: list[CaseRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append(f"{path}:{line}: more than {MAX_ROWS:,} cases; split the file")
                break
            try:
                row = _row(cells, line, default_owner)
            except (TextError, DateError) as error:
                problems.append(f"{path}:{line}: {error}")
                continue
            if row.case.ref in seen:
                problems.append(f"{path}:{line}: case {row.case.ref} is already on line {seen[row.case.ref]}")
                continue
            seen[row.case.ref] = line
            rows.append(row)
    except csv.Error as error:
        problems.append(f"{path}:{reader.line_num}: not CSV ({error})")
    if problems:
        raise CaseFileProblem("\n".join(problems))
    if not rows:
        raise CaseFileProblem(f"{path}: no cases in the file (only a header row?)")
    return rows


def _row(cells: Mapping[str, str | None], line: int, default_owner: str) -> CaseRow:
    def cell(name: str) -> str:
        return (cells.get(name) or "").strip()

    for name in REQUIRED:
        if not cell(name):
            raise TextError(
                f"the '{name}' cell is empty; every case needs a reference, a name and a start date"
            )
    for name in ("start", "sentence_start", "sentence_end"):
        if cell(name):
            parse_date(cell(name), what=f"the '{name}' cell")
    sentence = Sentence(
        type=check_line(cell("sentence_type"), what="the 'sentence_type' cell", blank=True),
        length=check_line(cell("sentence_length"), what="the 'sentence_length' cell", blank=True),
        start=cell("sentence_start"),
        end=cell("sentence_end"),
        requirements=tuple(
            check_line(part.strip(), what="a requirement")
            for part in cell("requirements").split(";")
            if part.strip()
        ),
        court=check_line(cell("court"), what="the 'court' cell", blank=True),
    )
    if sentence.start and sentence.end and sentence.end < sentence.start:
        raise DateError(f"the sentence ends ({sentence.end}) before it starts ({sentence.start})")
    case = Case(
        ref=check_reference(cell("ref"), what="the 'ref' cell"),
        name=check_line(cell("name"), what="the 'name' cell"),
        start=cell("start"),
        owner=check_line(cell("owner") or default_owner, what="the 'owner' cell"),
        sentence=sentence,
        national_id=check_line(cell("national_id"), what="the 'national_id' cell", blank=True),
    )
    return CaseRow(case, cell("form"), line)

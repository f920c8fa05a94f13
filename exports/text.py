"""Answers in words: what every human-readable format (Markdown, CSV, the FHIR displays) shares.

An answer is stored as ids ("very_high", {"children": {"community": "low"}});
a person reads labels ("Very high", "Children: low in the community").  The
same wording in every format means a report and a spreadsheet never
disagree about what was written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, NamedTuple

from forms.conditions.visibility import is_visible
from forms.model import AssessmentForm, Option, Question, Record, Section
from forms.record.age import age_words
from forms.record.plan import long_date as plan_long_date


class Answered(NamedTuple):
    """One shown, non-empty answer and where it sits in the form.

    A NamedTuple: a report makes one per answer, and a tuple is several
    times cheaper to make than a frozen dataclass.
    """

    section: Section
    question: Question
    path: str
    value: Any


def is_empty(value: Any) -> bool:
    """True for an answer that says nothing: missing, blank text, or an empty list or grid."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return False


def answered(form: AssessmentForm, record: Record) -> Iterator[Answered]:
    """Every answer a reader should see, in form order: hidden and empty questions are left out.

    A short (layer 1) record shows only the short sections, as on screen.
    """
    short = record.is_short
    for section in form.sections:
        for question in section.questions:
            path = f"{section.id}.{question.id}"
            value = record.answers.get(path)
            if is_empty(value) or not is_visible(form, section, question, record.answers, short):
                continue
            yield Answered(section, question, path, value)


def ordered_entries(question: Question, value: Any) -> list[dict[str, Any]]:
    """A group's non-empty entries, in its `order_by` order (evidence sources by date), undated last."""
    entries = [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []
    entries = [e for e in entries if any(not is_empty(v) for v in e.values())]
    if question.order_by:
        key = question.order_by
        entries.sort(key=lambda e: (is_empty(e.get(key)), str(e.get(key, ""))))
    return entries


def entry_line(question: Question, entry: dict[str, Any], escape: Callable[[str], str] = str) -> str:
    """One entry of a group on one line: its ordering field first, then the others.

    `escape` makes a person's words safe for the medium (Markdown escapes them; the sheet's template does
    its own), applied to each answer and field label but not to the punctuation between them.
    """
    lead, parts = "", []
    for field in question.fields:
        answer = entry.get(field.id)
        if is_empty(answer):
            continue
        words = escape(" ".join(scalar_text(field, answer).split()))
        if field.id == question.order_by:
            lead = words
        elif field.type in ("text", "line"):
            parts.append(f"{escape(field.label.lower())}: {words}")
        else:
            parts.append(words)
    rest = "; ".join(parts)
    return f"{lead}: {rest}" if lead and rest else lead or rest


def label_of(options: tuple[Option, ...], option_id: Any) -> str:
    """The label of an option id; an id the form no longer offers is shown as written."""
    return next((o.label for o in options if o.id == option_id), str(option_id))


def age_as_of(record: Record) -> date | None:
    """The day an export gives a date of birth's age on: the record's last update, the day its heading
    shows (for a signed record, when it was finished), so the age printed is the age at the assessment,
    not on whatever day the file is made.  None for a record never saved."""
    stamp = record.updated_at or record.created_at
    try:
        return date.fromisoformat(iso_day(stamp)) if stamp else None
    except ValueError:
        return None


def scalar_text(question: Question, value: Any, on: date | None = None) -> str:
    """A one-line answer (anything but a grid or group) as words; a date that shows an age gives the
    age on `on` (`age_as_of`) beside it, and none without `on`."""
    if question.type == "yesno":
        return {"yes": "Yes", "no": "No"}.get(value, str(value))
    if question.type == "choice":
        return label_of(question.options, value)
    if question.type == "multi" and isinstance(value, list):
        return ", ".join(label_of(question.options, v) for v in value)
    if question.type == "date":
        return _date_text(question, value, on)
    return str(value)


def _date_text(question: Question, value: Any, on: date | None) -> str:
    """ "Sunday 2 December 1990 (aged 36 on Wednesday 2 December 2026)" for a date of birth, the date
    alone otherwise (or when nothing true can be said of the age on `on`)."""
    age = age_words(value, on) if question.show_age and on is not None else ""
    if not age or on is None:
        return long_date(value)
    return f"{long_date(value)} ({age} on {long_date(on.isoformat())})"


def grid_rows(question: Question, value: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(row label, its levels in words) for each answered row of a grid, in the form's row order.

    With one column the level stands alone ("Medium"); with several each
    level names its column ("medium in the community, low in custody").
    """
    rows: list[tuple[str, str]] = []
    for row in question.rows:
        cells = value.get(row.id)
        if not isinstance(cells, Mapping):
            continue
        filled = [(c, cells[c.id]) for c in question.columns if not is_empty(cells.get(c.id))]
        if not filled:
            continue
        if len(question.columns) == 1:
            rows.append((row.label, label_of(question.options, filled[0][1])))
        else:
            parts = [f"{label_of(question.options, lvl).lower()} in {_column_words(c)}" for c, lvl in filled]
            rows.append((row.label, ", ".join(parts)))
    return rows


def _column_words(column: Option) -> str:
    """ "Community" → "the community"; "Custody" → "custody": columns read as places."""
    label = column.label.lower()
    return "the community" if label == "community" else label


def long_date(value: Any) -> str:
    """An ISO date, or the day of an ISO timestamp, in full ("Monday 3 March 2025")."""
    return plan_long_date(str(value)[:10]) if value else ""


def iso_day(timestamp: str) -> str:
    """The ISO date of an ISO timestamp, in the timestamp's own zone ("" stays "")."""
    try:
        return datetime.fromisoformat(timestamp).date().isoformat()
    except ValueError:
        return timestamp[:10]

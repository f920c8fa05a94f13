"""A record's audit trail as lines a person reads: who did what to the record, and when.

Written once for every export that prints a history (the Markdown report's
quality assurance section, the PDF's full record), so the two never tell
the same entry differently.  Every entry the store writes is shown: the
start of the record, each status change, each risk level change, a move to
a newer version of the form, an import and a "keep mine" save over a newer
save made elsewhere.  A reader who has to trust the record sees all of it.

The caller says how its medium shows a person's words (`escape`, which also
puts them on one line) and a day (`day`): the same entry reads "… by jo.k on
Wednesday 12 February 2025" in Markdown and "… by jo.k on 12 Feb 2025" on
the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from forms.model import AssessmentForm
from forms.record.signoff import STEP_WORDS, option_label, per_file
from storage.store import AuditEvent, CaseChange


def history(
    audit: Sequence[AuditEvent],
    form: AssessmentForm,
    *,
    escape: Callable[[str], str],
    day: Callable[[str], str],
) -> list[str]:
    """Every entry of the trail as a line, oldest first (the order the store keeps them in).

    `escape` makes a person's or a file's words safe (and one line) for the
    medium; `day` turns an entry's ISO timestamp into a date for a reader.
    """
    return [_line(e, form, escape, day) for e in audit]


def _line(
    event: AuditEvent, form: AssessmentForm, escape: Callable[[str], str], day: Callable[[str], str]
) -> str:
    """One entry: what happened, "by ACTOR on DAY", the file it came in with, and the reason given."""
    source = per_file(event.imported_from)
    when = f"by {escape(event.actor)} on {day(event.at)}{escape(source) if source else ''}"
    reason = f": {escape(event.reason)}" if event.reason.strip() else ""
    return f"{_what(event, form, escape)} {when}{reason}"


def _what(event: AuditEvent, form: AssessmentForm, escape: Callable[[str], str]) -> str:
    """What the entry says happened, in words.  A kind this A4 does not write (a file may bring one) is
    named as stored rather than left out."""
    old, new = escape(str(event.old)), escape(str(event.new))
    if event.kind == "created":
        return "Started"
    if event.kind == "status":
        step = STEP_WORDS.get(str(event.new))  # the words the app's sign-off lines use too
        return step[0].upper() + step[1:] if step else f"Status changed to {new}"
    if event.kind == "risk_level":
        was = escape(option_label(form, event.field, event.old))
        now = escape(option_label(form, event.field, event.new))
        return f"Risk of serious harm level changed from {was} to {now}"
    if event.kind == "form_version":
        title = escape(form.header.title if event.field == form.id else event.field)
        return f"Moved to version {new} of the form {title} (from version {old})"
    if event.kind == "imported":
        return f"Brought in from the file {new}"
    if event.kind == "overwrite":
        return f"Saved over a newer save made elsewhere (started from save {old}; save {new} was replaced)"
    return f"Recorded as {escape(event.kind)} ({escape(event.field)}: {old} to {new})"


CORRECTED_FIELDS: dict[str, str] = {
    "name": "Name",
    "national_id": "National identifier",
    "start": "Start date",
    "form_id": "Assessment form",
    "sentence.type": "Sentence",
    "sentence.length": "Sentence length",
    "sentence.start": "Sentence start date",
    "sentence.end": "Sentence end date",
    "sentence.requirements": "Requirements",
    "sentence.court": "Court",
}
"""A corrected detail of a case (`storage.store.CaseChange.field`) in words."""


def corrections(
    changes: Sequence[CaseChange], *, escape: Callable[[str], str], day: Callable[[str], str]
) -> list[str]:
    """Each correction of a case's details as a line, oldest first: "Name corrected by kim on 2 December
    2026: was 'Alex Morgn'".  The value it had is shown (the case shows what it says now); `escape` makes
    the person-written parts safe, and one line, for the medium, as in `history`."""
    return [_correction(change, escape, day) for change in changes]


def _correction(change: CaseChange, escape: Callable[[str], str], day: Callable[[str], str]) -> str:
    what = CORRECTED_FIELDS.get(change.field) or escape(change.field)
    was = f"was '{escape(change.old)}'" if change.old.strip() else "was blank"
    by = f" by {escape(change.by)}" if change.by.strip() else ""  # a script may name nobody
    return f"{what} corrected{by} on {day(change.at)}: {was}"

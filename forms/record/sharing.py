"""What may be shared with the person: a record's copy for them, without the answers a form withholds.

A form marks questions `withhold_from_person = true` when their answers
hold other people's information (people harmed, third parties, police
intelligence).  Every export that says it is for the person is made from
`for_person(form, record)`, so no format can forget one, and says so with
`WITHHELD_NOTICE`, so the person knows something was left out and why.
"""

from __future__ import annotations

import dataclasses

from forms.model import AssessmentForm, Override, Record

WITHHELD_NOTICE = (
    "Some parts of this assessment are not included in this copy because they hold information about "
    "other people, or information given to probation on the understanding that it would not be passed "
    "on. Ask your probation practitioner if you want to know why."
)
"""What every copy for the person says when its form withholds anything, answered or not: saying it
only when an answer was left out would tell the person that such information exists."""


NOT_FOR_PERSON = (
    "Not for the person on probation: this copy may hold information that cannot be shared with them. "
    "Give them the copy made with --for person."
)
"""What the team's own copy of a report says at its top, so it is not handed to the person by mistake."""


def withheld_paths(form: AssessmentForm) -> frozenset[str]:
    """The answer paths ("section.question") the form says are not to be shared with the person."""
    return frozenset(path for path, question in form.questions() if question.withhold_from_person)


def for_person(form: AssessmentForm, record: Record) -> tuple[Record, bool]:
    """The record as the person may see it, and whether its form withholds anything (show the notice).

    Withheld answers go, and so do QA comments on them, answers kept from
    an earlier version at their paths, and reasons given for submitting
    past a check on them: those quote or discuss the answer.
    """
    hidden = withheld_paths(form)
    if not hidden:
        return record, False
    copy = dataclasses.replace(
        record,
        answers={p: v for p, v in record.answers.items() if p not in hidden},
        comments=[c for c in record.comments if not _hidden(hidden, c.path)],
        left_behind=[item for item in record.left_behind if not _hidden(hidden, item.path)],
        overrides=[o for o in record.overrides if not _hidden(hidden, o.path)],
    )
    return copy, True


def _hidden(hidden: frozenset[str], path: str) -> bool:
    """Whether `path` (an answer, a group entry's field, a section) lies in a withheld question."""
    section, _, rest = path.partition(".")
    question = rest.split(".", 1)[0].split("[", 1)[0]
    return f"{section}.{question}" in hidden


def withheld_overrides(form: AssessmentForm, record: Record) -> list[Override]:
    """The record's overrides of checks on withheld answers: their reasons may quote what is withheld."""
    hidden = withheld_paths(form)
    return [o for o in record.overrides if _hidden(hidden, o.path)]

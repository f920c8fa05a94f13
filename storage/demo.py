"""Invented demo cases and records, for trying A4 out and for benchmarks.

Everything here is made up: names come from short lists of common first
and last names, and the text is written for A4 in plain, person-first
words.  Each record is told from one invented story (`storage.demo_stories`)
so that its offence, circumstances, levels and plan agree; only the
questions the given form asks are answered.  Start dates are spread so
that a caseload shows some records overdue, some due soon and some fine.
`sign_off_demo` then takes every record meant to be submitted, returned,
approved or locked through the store's own workflow, so each carries the
audit trail, grades and countersignatures its rubric asks for.
"""

from __future__ import annotations

import calendar
import dataclasses
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from forms.model import (
    AssessmentForm,
    Case,
    Comment,
    Grade,
    Objective,
    Question,
    Record,
    Rubric,
    Sentence,
    Step,
)
from forms.record.signoff import Decision
from forms.record.words import record_word_counts
from storage.demo_stories import STORIES, Story
from storage.signoff import decide, submit
from storage.store import Store

TWO_SIGNATURE_STORIES = tuple(s for s in STORIES if s.level in ("high", "very_high"))
"""Stories whose level asks the shipped rubric for a second countersignature."""

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "female": ("Priya", "Aisha", "Megan", "Chloe", "Leah", "Bethany", "Zara", "Shannon", "Jordan", "Sam"),
    "male": ("Alex", "Callum", "Dylan", "Tomasz", "Kofi", "Rhys", "Imran", "Connor", "Liam", "Marcus"),
}
LAST_NAMES = (
    "Morgan", "Patel", "Hughes", "Okafor", "Walsh", "Begum", "Evans", "Nowak", "Clarke", "Mensah",
    "Price", "Khan", "Doyle", "Shaw", "Ahmed", "Foster", "Lloyd", "Reid", "Turner", "Bailey",
)  # fmt: skip

STATUS_MIX: tuple[tuple[str | None, int], ...] = (
    (None, 15),
    ("draft", 35),
    ("submitted", 15),
    ("returned", 5),
    ("approved", 15),
    ("locked", 15),
)
"""Share (percent) of demo cases whose latest record is in each status; `None` has no record yet."""

PRACTITIONERS = ("sam.p", "jo.k", "alex.r")


@dataclass(frozen=True)
class DemoData:
    cases: list[Case]
    records: list[Record]


def demo_data(form: AssessmentForm, count: int, owner: str, today: date, seed: int = 4) -> DemoData:
    """`count` invented cases owned by `owner`, most with a record, against `form`.

    Each record is told from one story (`storage.demo_stories`), so its
    answers agree with each other.  A record marked approved has a story
    whose level needs two countersignatures, as only such a record waits
    approved for its second.
    """
    rng = random.Random(seed)
    statuses, weights = zip(*STATUS_MIX, strict=True)
    cases: list[Case] = []
    records: list[Record] = []
    for number in range(1, count + 1):
        sex = rng.choice(("female", "male"))
        first = rng.choice(FIRST_NAMES[sex])
        last = rng.choice(LAST_NAMES)
        status = rng.choices(statuses, weights)[0]
        # Like a real caseload: work in progress started recently (a few are
        # late), approved work is older and mostly not yet due for review.
        settled = status in ("approved", "locked")
        start = today - timedelta(days=rng.randint(20, 120) if settled else rng.randint(0, 20))
        # A case with no record yet still has its order: its story is picked without the random
        # sequence, so every other case keeps the name, dates and story it always had.
        story = (
            rng.choice(TWO_SIGNATURE_STORIES if status == "approved" else STORIES)
            if status is not None
            else STORIES[number % len(STORIES)]
        )
        case = Case(
            ref=f"DEMO-{number:05d}",
            name=f"{first} {last}",
            start=start.isoformat(),
            owner=owner,
            form_id=form.id,
            sentence=sentence(story, start, number),
        )
        cases.append(case)
        if status is not None:
            records.append(_record(form, case, story, Person(first, sex), status, start, today, rng))
    return DemoData(cases, records)


COURT_TOWNS = ("Kingsmere", "Holbrook", "Westerby", "Carrow")
"""Invented towns whose courts passed the demo sentences."""


def sentence(story: Story, start: date, number: int) -> Sentence:
    """The story's order, begun on the case's start date and ending its length later."""
    if story.order is None:
        return Sentence()
    order = story.order
    years, months = divmod(order.months, 12)
    length = f"{years} years" if years > 1 and not months else f"{order.months} months"
    return Sentence(
        type=order.type,
        length=length,
        start=start.isoformat(),
        end=(_months_after(start, order.months) - timedelta(days=1)).isoformat(),
        requirements=order.requirements,
        court=f"{COURT_TOWNS[number % len(COURT_TOWNS)]} {order.court}",
    )


def _months_after(day: date, months: int) -> date:
    """The same day of the month `months` later (the month's last day where it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Person:
    first: str
    sex: str


def _record(
    form: AssessmentForm,
    case: Case,
    story: Story,
    person: Person,
    status: str,
    start: date,
    today: date,
    rng: random.Random,
) -> Record:
    created = min(start + timedelta(days=rng.randint(1, 5)), today)
    updated = min(created + timedelta(days=rng.randint(0, 14)), today)
    answers = story_answers(form, story, person, start, created, case.owner)
    if status == "draft":
        # Work in progress: the later sections are not written yet.
        unwritten = ("rmp.", "protective.", "evidence.") if rng.random() < 0.5 else ("evidence.",)
        answers = {p: v for p, v in answers.items() if not p.startswith(unwritten)}
    linked = [s.id for s in form.sections if "yes" in (answers.get(f"{s.id}.{q}") for q in LINK_QUESTIONS)]
    return Record(
        id=uuid.uuid4().hex,
        case_ref=case.ref,
        form_id=form.id,
        form_version=form.version,
        answers=answers,
        plan=_plan(story, linked, today, rng),
        active_seconds=rng.randint(600, 7200),
        status=status,
        author=case.owner,
        version=1,
        created_at=_stamp(created),
        updated_at=_stamp(updated),
        words=record_word_counts(form, answers),
    )


LINK_QUESTIONS = ("linked_offending", "linked_harm")


def story_answers(
    form: AssessmentForm, story: Story, person: Person, start: date, written: date, author: str
) -> dict[str, Any]:
    """The story's answers to the questions `form` asks, with names and dates filled in."""
    answers: dict[str, Any] = {
        key: _filled(value, person.first, start) for key, value in story.answers.items()
    }
    answers["static.sex"] = person.sex
    born = start.replace(year=start.year - story.age) - timedelta(days=37 * story.age % 300)
    answers["static.date_of_birth"] = born.isoformat()
    for section in form.sections:
        if section.question("linked_offending") is None:
            continue
        offending, harm, analysis, own_view, strengths = story.areas.get(section.id, ("no", "no", "", "", ""))
        answers[f"{section.id}.linked_offending"] = offending
        answers[f"{section.id}.linked_harm"] = harm
        if analysis:
            answers[f"{section.id}.analysis"] = analysis.format(name=person.first)
            answers[f"{section.id}.own_view"] = own_view
            answers[f"{section.id}.strengths"] = strengths
            answers[f"{section.id}.wants_change"] = "yes"
    answers["evidence.sources"] = [
        {"kind": "interview", "date": written.isoformat(), "author": author},
        {"kind": "psr", "date": (start - timedelta(days=12)).isoformat(), "author": "Court probation team"},
        {"kind": "police", "date": (start - timedelta(days=30)).isoformat(), "author": "Police case summary"},
    ]
    return {
        path: _fitted(question, value) for path, value in answers.items() if (question := form.question(path))
    }


def _fitted(question: Question, value: Any) -> Any:
    """The answer with only the group fields this version of the form has: a story outlives any one
    version (a 2.1.0 form's safety entries have no "group" field to say which grid row they cover)."""
    if question.type != "group" or not isinstance(value, list):
        return value
    fields = {f.id for f in question.fields}
    return [{k: v for k, v in entry.items() if k in fields} for entry in value]


def _filled(value: Any, first: str, start: date) -> Any:
    """A story's value with the name put in and "{start-N}" made the date N days before the start."""
    if isinstance(value, str):
        if value.startswith("{start-") and value.endswith("}"):
            return (start - timedelta(days=int(value[7:-1]))).isoformat()
        return value.format(name=first)
    if isinstance(value, list):
        return [_filled(v, first, start) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, first, start) for k, v in value.items()}
    return value


def _plan(story: Story, linked: list[str], today: date, rng: random.Random) -> list[Objective]:
    """An objective for each linked area, due in the coming weeks so the plan stays SMART."""
    objectives: list[Objective] = []
    for area in linked:
        if area not in story.plan:
            continue
        goal, actions, measure = story.plan[area]
        objectives.append(
            Objective(
                id=f"o{len(objectives) + 1}",
                goal=goal,
                actions=actions,
                who="The person, with their practitioner",
                by=(today + timedelta(weeks=rng.randint(6, 16))).isoformat(),
                measure=measure,
                areas=[area],
                steps=[Step(what=actions.split(";")[0])],
            )
        )
    return objectives


def _stamp(day: date) -> str:
    return datetime.combine(day, time(10, 0), tzinfo=UTC).isoformat(timespec="seconds")


QA_ASSESSORS = ("qa.lee", "qa.morgan")
"""Invented QA assessors who countersign demo records (never the practitioner who wrote them)."""

GRADE_COMMENTS = {
    "Good": "Clear, specific and sourced; the person's own words come through.",
    "Sufficient": "Meets the standard; a little more on the evidence next time.",
}


def import_demo(store: Store, data: DemoData, form: AssessmentForm, rubric: Rubric | None) -> None:
    """Add the demo cases and records, then sign off those meant to be past draft through the workflow.

    Records go in as drafts and are submitted, returned or countersigned
    by the store's own steps (`storage.signoff`), so each keeps the audit
    trail, grades and countersignatures a real one would.
    """
    targets = {r.id: r.status for r in data.records}
    drafts = [dataclasses.replace(r, status="draft") for r in data.records]
    store.bulk_import(data.cases, drafts, form.deadlines)
    for record in data.records:
        if targets[record.id] != "draft":
            _sign_off(store, store.get_record(record.id), targets[record.id], form, rubric)


def _sign_off(store: Store, record: Record, target: str, form: AssessmentForm, rubric: Rubric | None) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    author = record.author
    assessors = [a for a in QA_ASSESSORS if a != author]
    record = submit(store, record, author)
    if target == "submitted":
        return
    if target == "returned":
        comment = Comment(
            id=uuid.uuid4().hex[:8],
            path="rosh.reasoning",
            text="Please tie the level to who is at risk and how soon.",
            by=assessors[0],
            on=now,
        )
        decision = Decision("return", comments=(comment,), note="Risk reasoning needs another look.")
        decide(store, record, decision, user=assessors[0], role="qa_assessor", rubric=rubric, form=form)
        return
    graded = [c for c in rubric.criteria if c.graded] if rubric else []
    grades = tuple(
        Grade(c.id, level, GRADE_COMMENTS[level], by=assessors[0], on=now)
        for index, c in enumerate(graded)
        for level in ["Good" if index % 3 else "Sufficient"]
    )
    record = decide(
        store, record, Decision("approve", grades=grades), user=assessors[0], role="qa_assessor",
        rubric=rubric, form=form,
    )  # fmt: skip
    if target == "locked" and record.status == "approved" and len(assessors) > 1:
        decide(store, record, Decision("approve"), user=assessors[1], role="manager", rubric=rubric,
               form=form)  # fmt: skip

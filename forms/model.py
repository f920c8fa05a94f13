"""The shapes of A4: form definitions and the records filled in against them.

Definitions (what a trainer writes in TOML) and records (what a practitioner
writes about one person) live side by side, the way FHIR pairs a
Questionnaire with a QuestionnaireResponse.  Definitions are frozen: once a
form is loaded nothing may change it behind a record's back.  Records are
plain mutable dataclasses holding only JSON-compatible values, so that every
engine in `storage/` and every format in `exports/` can carry them unchanged.

Answer values, by question type (all JSON-compatible):

    text, line      str
    yesno           "yes" | "no"
    choice          option id (str)
    multi           list of option ids
    scale           int
    number          int | float
    date            ISO date "YYYY-MM-DD"
    grid            {row id: {column id: level option id}}
    group           list of {field id: value}, values as above

Answers are keyed by the question's path, ``"section_id.question_id"``.
An unanswered question has no key at all (never ``None`` or ``""``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from forms.conditions.language import Expr

QUESTION_TYPES: tuple[str, ...] = (
    "text",
    "line",
    "yesno",
    "choice",
    "multi",
    "scale",
    "date",
    "number",
    "grid",
    "group",
)
"""Every question type a form may use; the loader rejects any other."""

FORM_KINDS: tuple[str, ...] = ("assessment", "rubric", "plan")

RECORD_KINDS: tuple[str, ...] = ("assessment", "review", "short")
"""A new full assessment, a review of an earlier record, or a short (layer 1) one."""

RECORD_STATUSES: tuple[str, ...] = ("draft", "submitted", "returned", "approved", "locked")

STEP_STATUSES: tuple[str, ...] = (
    "not_started",
    "in_progress",
    "done",
    "cannot_yet",
    "no_longer_needed",
)

AGREEMENT_CHOICES: tuple[str, ...] = ("agreed", "does_not_agree", "could_not_answer")


# ---------------------------------------------------------------- definitions


@dataclass(frozen=True)
class Option:
    """One answer a choice offers: a stable id, what people read, and a one-key accelerator."""

    id: str
    label: str
    key: str = ""


@dataclass(frozen=True)
class Question:
    """One question.  Type-specific settings are optional fields left at their defaults elsewhere.

    A flat dataclass rather than one class per type keeps the loader, the
    schema and the UI switch on ``type`` in one place each.
    """

    id: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    show_if: Expr | None = None
    require_if: Expr | None = None
    withhold_from_person: bool = False
    """Not to be shared with the person (third-party, victim or police information): left out of every
    copy made for them (`forms.record.sharing`)."""
    renamed_from: str = ""
    """The id this question had in an earlier version (`old_id` in the same section, or
    `section.old_id`), so a record moved to this version carries that answer here."""
    # text
    word_budget: int | None = None
    # date
    show_age: bool = False
    """A date of birth: the age is shown beside it, on screen (as of today) and in exports (as of the
    record's date), by `forms.record.age`."""
    # choice, multi, yesno, grid (the grid's levels)
    options: tuple[Option, ...] = ()
    # scale, number
    min: float | None = None
    max: float | None = None
    integer: bool = False
    # grid
    rows: tuple[Option, ...] = ()
    columns: tuple[Option, ...] = ()
    # group
    fields: tuple[Question, ...] = ()
    min_items: int = 0
    max_items: int | None = None
    order_by: str | None = None

    def option(self, option_id: str) -> Option | None:
        """The option with this id, if the question offers it."""
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Section:
    """A life area (or a summary part) of an assessment, shown as one block on the one screen."""

    id: str
    title: str
    help: str = ""
    short: bool = False
    questions: tuple[Question, ...] = ()

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Deadlines:
    """When records fall due, relative to a case's start date."""

    initial_working_days: int = 10
    review_weeks: int = 16
    by_sentence: tuple[tuple[str, int], ...] = ()
    """Initial working days for particular sentence types (e.g. a licence), where the form says so."""

    def initial_days_for(self, sentence_type: str) -> int:
        """Working days to the first assessment for a case under `sentence_type` (the default otherwise)."""
        wanted = sentence_type.strip().casefold()
        for kind, days in self.by_sentence:
            if kind.casefold() == wanted:
                return days
        return self.initial_working_days


SHEET_BLOCKS: tuple[str, ...] = ("risk", "areas", "protects")
"""Where a form's answers may go on the one-page A4 sheet (the rest of the sheet is fixed):
under risk of serious harm, as each linked area's one-line analysis, or under what already protects."""


@dataclass(frozen=True)
class SheetItem:
    """One answer the A4 sheet shows, where, and at most how many words of it."""

    block: str
    """One of SHEET_BLOCKS."""
    question: str
    """ "section.question", or "*.question" for that question in every section that asks it."""
    words: int
    label: str = ""
    """A short label for the sheet; the question's own label when empty."""


@dataclass(frozen=True)
class Sheet:
    """What the form puts on the one-page A4 sheet (its `[sheet]` table); the exports supply defaults."""

    items: tuple[SheetItem, ...] = ()


@dataclass(frozen=True)
class Header:
    """What every definition file starts with."""

    id: str
    kind: str
    title: str
    version: str
    description: str = ""
    source: str = ""
    """The file the definition was loaded from (empty for definitions built in code)."""


class _Headed:
    """The id and version every definition exposes from its header."""

    header: Header

    @property
    def id(self) -> str:
        return self.header.id

    @property
    def version(self) -> str:
        return self.header.version


@dataclass(frozen=True)
class AssessmentForm(_Headed):
    header: Header
    sections: tuple[Section, ...]
    deadlines: Deadlines = Deadlines()
    risk_level: str | None = None
    """Path of the choice question holding the risk of serious harm level (audited on change)."""
    sheet: Sheet | None = None
    """What the A4 sheet shows, when the form declares it (`None`: the exports' defaults)."""

    def __hash__(self) -> int:
        """Hashed once: forms are cache keys on hot paths, and hashing every question each time is slow."""
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash((self.header, self.sections, self.deadlines, self.risk_level, self.sheet))
            object.__setattr__(self, "_hash", cached)
        return cached

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def question(self, path: str) -> Question | None:
        """The question at ``"section.question"``, or ``None``."""
        section_id, _, question_id = path.partition(".")
        section = self.section(section_id)
        return section.question(question_id) if section else None

    def questions(self) -> list[tuple[str, Question]]:
        """Every question with its path, in form order."""
        return [(f"{s.id}.{q.id}", q) for s in self.sections for q in s.questions]


@dataclass(frozen=True)
class Check:
    """One automatic QA check: a kind from the check library and its parameters."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    """An optional trainer-written finding text that replaces the library's default."""


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    help: str = ""
    graded: bool = False
    """True when a QA assessor grades it by hand with the rubric's levels."""
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Rubric(_Headed):
    header: Header
    form: str
    """Id of the assessment form this rubric judges."""
    levels: tuple[str, ...] = ("Insufficient", "Sufficient", "Good")
    criteria: tuple[Criterion, ...] = ()
    second_countersign_if: Expr | None = None


@dataclass(frozen=True)
class Suggestion:
    """A starting point for an objective in one area, for the practitioner to rewrite with the person."""

    area: str
    goal: str
    actions: str = ""
    measure: str = ""


PLAN_FIELDS: tuple[str, ...] = ("goal", "actions", "who", "by", "measure", "areas")
"""The fields every objective has; a plan template may relabel them, not remove them."""


@dataclass(frozen=True)
class PlanTemplate(_Headed):
    header: Header
    form: str
    labels: dict[str, str] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)
    areas_when: Expr | None = None
    """Evaluated in each section: true where that section is a linked area a plan must address."""
    suggestions: tuple[Suggestion, ...] = ()


Definition = AssessmentForm | Rubric | PlanTemplate


# -------------------------------------------------------------------- records


@dataclass
class Step:
    what: str
    who: str = ""
    status: str = "not_started"


@dataclass
class ProgressNote:
    on: str
    """ISO date."""
    status: str
    note: str = ""


@dataclass
class Objective:
    """One sentence-plan objective, written with the person in their own words."""

    id: str
    goal: str = ""
    actions: str = ""
    who: str = ""
    by: str = ""
    """ISO date, or empty while not yet set."""
    measure: str = ""
    areas: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    status: str = "not_started"
    progress: list[ProgressNote] = field(default_factory=list)


@dataclass
class Agreement:
    choice: str
    """One of AGREEMENT_CHOICES."""
    comment: str = ""
    on: str = ""


@dataclass
class Grade:
    """A QA assessor's grade of one hand-graded rubric criterion."""

    criterion: str
    level: str
    comment: str = ""
    by: str = ""
    on: str = ""
    """ISO timestamp."""
    imported_from: str = ""
    """The file this grade came in with (`a4 import`); empty when given in this store."""


@dataclass
class Comment:
    """A QA comment shown beside the part of the record it concerns, resolved one by one."""

    id: str
    path: str
    """A section id, or an answer path ("section.question")."""
    text: str
    by: str = ""
    on: str = ""
    resolved_by: str = ""
    resolved_on: str = ""
    imported_from: str = ""
    """The file this comment came in with (`a4 import`); empty when written in this store."""


@dataclass
class Override:
    """A failing automatic check submitted past, with the practitioner's reason (`forms.record.overrides`)."""

    key: str
    """Which finding it answers: criterion, check kind, place and wording."""
    message: str
    """The finding as the practitioner read it."""
    path: str
    reason: str
    by: str = ""
    on: str = ""
    acknowledged_by: str = ""
    """The QA assessor who read the reason before countersigning."""
    acknowledged_on: str = ""


@dataclass
class Signature:
    """One countersignature; a rubric may ask for two before a record locks."""

    by: str
    on: str
    imported_from: str = ""
    """The file this countersignature came in with (`a4 import`): history as the file tells it, not a
    sign-off given in this store.  Empty for a countersignature given here."""


@dataclass(frozen=True)
class LeftBehind:
    """An answer that could not move to a newer version of its form, kept so nothing is silently lost.

    Written when a review or amendment moves a record to a newer form
    version and the answer no longer fits (its question was removed or
    retyped, its choice is no longer offered…).
    """

    path: str
    """Where it was: "section.question", a grid cell "section.question.row.column", or a group field
    "section.question[i].field" (i counted from 0)."""
    label: str
    """The question as the practitioner read it in the old version."""
    value: Any
    """The answer as it was, in the old version's terms."""
    reason: str
    """Why it could not carry over, in plain words."""
    form_version: str
    """The form version the answer was written against."""


@dataclass
class Record:
    """One filled-in assessment, review or short assessment of one case."""

    id: str
    case_ref: str
    form_id: str
    form_version: str
    kind: Literal["assessment", "review", "short"] | str = "assessment"
    answers: dict[str, Any] = field(default_factory=dict)
    plan: list[Objective] = field(default_factory=list)
    agreement: Agreement | None = None
    active_seconds: int = 0
    status: str = "draft"
    author: str = ""
    version: int = 0
    """Optimistic-concurrency version: 0 until first saved, then bumped by every save."""
    created_at: str = ""
    updated_at: str = ""
    reviews: str | None = None
    """Id of the record this one reviews."""
    amends: str | None = None
    """Id of the locked record this one amends."""
    grades: list[Grade] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    """Failing checks submitted past, each with the practitioner's reason."""
    carried_from: str = ""
    """In a review: ISO date of the record whose answers were carried forward."""
    confirmed: list[str] = field(default_factory=list)
    """In a review: ids of sections the practitioner confirmed as unchanged."""
    left_behind: list[LeftBehind] = field(default_factory=list)
    """Answers that could not carry over when the record moved to a newer form version."""
    short: bool = False
    """The practitioner chose the short (layer 1) form for this record (F8): it is shown, checked and
    signed off as short, as a record of kind "short" is.  Kept in the record, so QA, `a4 check` and the
    next opening see the depth the practitioner wrote it at (and the rubric's rule for a full one holds)."""
    words: dict[str, int] = field(default_factory=dict)
    """Words written in each section (section id → words), counted by whoever saves the answers.

    Stored so that exports and lists need not read every answer again.
    Empty for a record saved before counts were stored: `forms.record.words.section_words`
    counts those once when asked.
    """

    @property
    def is_short(self) -> bool:
        """Whether the record is a short (layer 1) assessment: of that kind, or switched to it (F8)."""
        return self.kind == "short" or self.short


@dataclass(frozen=True)
class Sentence:
    """The sentence or order a case is supervised under, as the court or case-management system gave it.

    Every field is optional: a case can be added before the paperwork arrives.
    """

    type: str = ""
    """In words: "community order", "suspended sentence order", "licence", "post-sentence supervision"…"""
    length: str = ""
    """As written on the order: "18 months", "2 years"."""
    start: str = ""
    """ISO date the sentence or order began."""
    end: str = ""
    """ISO date it ends (the sentence or licence expiry)."""
    requirements: tuple[str, ...] = ()
    """Each requirement or condition in words: "rehabilitation activity: 20 days", "curfew 7pm–7am"."""
    court: str = ""


@dataclass
class Case:
    """One person on probation, as held on a practitioner's caseload."""

    ref: str
    name: str
    start: str
    """ISO date of sentence or first appointment."""
    owner: str
    form_id: str = ""
    initial_due: str = ""
    next_review: str = ""
    sentence: Sentence = field(default_factory=Sentence)
    national_id: str = ""
    """An optional national identifier from the case-management system (e.g. a CRN); never invented by A4."""

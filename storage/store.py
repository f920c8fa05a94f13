"""The `Store` interface every storage engine implements, its value types and its errors.

The UI, exports and tests talk only to this protocol, never to SQL, so the
embedded SQLite engine and a later PostgreSQL engine are interchangeable
and one test suite (parametrised by engine) holds them both to the same
behaviour.  The store never loads form definitions: callers pass what it
needs from the form (deadlines, the risk-level answer path, word counts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol, runtime_checkable

from forms.model import Case, Comment, Deadlines, Grade, Record

# ---------------------------------------------------------------- values


class CaseSummary(NamedTuple):
    """One line of a caseload: the case and the state of its latest record, read in one query.

    A NamedTuple rather than a frozen dataclass: a caseload builds ten
    thousand of these at start-up, and a tuple is several times cheaper to make.
    """

    ref: str
    name: str
    owner: str
    start: str
    initial_due: str
    next_review: str
    status: str | None
    """Status of the latest record, `None` while the case has no record yet."""
    words: int
    active_seconds: int
    sentence_end: str = ""
    """ISO date the sentence or order ends, '' when not known."""

    @property
    def due(self) -> str:
        """The date that matters now: the initial due date until a record is approved, then the review."""
        return self.next_review or self.initial_due


@dataclass(frozen=True)
class AuditEvent:
    """One entry of a record's audit trail; entries are only ever appended."""

    record_id: str
    kind: str
    """"created", "status", "risk_level", "form_version", "imported" or "overwrite" (a save kept over a newer
    one made elsewhere: `old` is the version the writer started from, `new` the version they saved over)."""
    actor: str
    at: str
    """ISO 8601 timestamp (UTC)."""
    field: str = ""
    old: Any = None
    new: Any = None
    reason: str = ""
    imported_from: str = ""
    """The file this entry came in with (`a4 import`): what the file says happened elsewhere, never an
    entry this store wrote.  Empty for the store's own entries."""


@dataclass(frozen=True)
class Handover:
    """A case moved from one practitioner to another: who moved it, when, and why; kept for good."""

    case_ref: str
    old_owner: str
    new_owner: str
    by: str
    at: str
    """ISO 8601 timestamp (UTC)."""
    note: str = ""


@dataclass(frozen=True)
class CaseChange:
    """One field of a case's details corrected: what it said before and after, who changed it and when.

    Written in the same transaction as the correction (in team mode by the database's own trigger, naming
    the login itself), one per changed field, and kept for good: nobody changes or deletes one.
    """

    case_ref: str
    field: str
    """"name", "national_id", "start", "form_id", or "sentence.KEY" for one part of the sentence
    ("sentence.end", "sentence.requirements"…)."""
    old: str
    """The value before, as text ('' when there was none; requirements joined with "; ")."""
    new: str
    by: str
    at: str
    """ISO 8601 timestamp (UTC)."""


PRESENCE_SECONDS = 60
"""A window's claim on a record lapses when it has not been renewed for this long (a crashed window's
claim expires by itself); an open window renews its claim well within it."""


@dataclass(frozen=True)
class Presence:
    """One window that has a record open: who, from where, since when, and whether only to read it."""

    record_id: str
    window: str
    """An id the window chose for itself when it opened the record (never shown)."""
    who: str
    """The person: on a team database, the login the database saw, never a name the client gave."""
    place: str
    """Where the window runs, for a person ("laptop-12"); may be empty."""
    mode: str
    """"editing", or "reading" for a window that only reads it."""
    since: str
    """When this window opened the record (or changed between reading and editing), ISO 8601 UTC."""
    seen: str
    """When the window last said it was still open, ISO 8601 UTC."""


@dataclass(frozen=True)
class Archival:
    """A case archived (left out of every list, kept whole) or brought back by an administrator; kept."""

    case_ref: str
    archived: bool
    """True: archived; False: brought back into the caseload."""
    by: str
    at: str
    """ISO 8601 timestamp (UTC)."""
    reason: str = ""


# ---------------------------------------------------------------- errors


class StoreError(Exception):
    """Anything the store refuses or cannot do; `str()` is a message for a person."""


class NotFoundError(StoreError):
    pass


class DuplicateError(StoreError):
    pass


class OpenRecordError(DuplicateError):
    """The case already has an open (unfinished) record of this kind; `existing` is that record.

    One case has at most one draft, submitted or returned record of each kind
    (assessment, review): a second would split the work and hide one of them.
    """

    def __init__(self, existing: Record) -> None:
        super().__init__(
            f"Case {existing.case_ref} already has an open {existing.kind} ({existing.status}, started "
            f"{existing.created_at[:10]} by {existing.author}); open that one instead of starting another."
        )
        self.existing = existing


class StaleVersionError(StoreError):
    """A save based on an old version: someone else saved first.

    Carries the stored record so the caller can show both texts and merge;
    nothing of the refused save is written, and the caller still holds it.
    """

    def __init__(self, stored: Record, attempted_version: int) -> None:
        super().__init__(
            f"This record was changed elsewhere (now version {stored.version}, you started from "
            f"version {attempted_version}). Your text is kept: compare it with the saved one and save again."
        )
        self.stored = stored
        self.attempted_version = attempted_version


class LockedRecordError(StoreError):
    pass


class NotPermittedError(StoreError):
    """Refused by the rules of who may do what: the workflow's sign-off rules on every store, and a team
    database's roles (row-level security, privileges, its triggers)."""


class ReasonRequiredError(StoreError):
    pass


class NotLockedError(StoreError):
    """Only a locked record is amended; any other is still edited in place."""


class InvalidTransitionError(StoreError):
    def __init__(self, from_status: str, to_status: str, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        options = ", ".join(allowed) if allowed else "none (it is final)"
        super().__init__(
            f"A record that is {from_status} cannot become {to_status}. From {from_status} it can become: "
            f"{options}."
        )
        self.from_status = from_status
        self.to_status = to_status
        self.allowed = allowed


class CorruptStoreError(StoreError):
    def __init__(self, path: Path, backup: Path | None) -> None:
        if backup is not None:
            advice = f"Restore the latest automatic backup: copy {backup} over {path}."
        else:
            advice = "No automatic backup was found; restore the file from your own backups."
        super().__init__(f"The A4 database {path} is damaged or is not an A4 database. {advice}")
        self.path = path
        self.backup = backup


class NewerSchemaError(StoreError):
    def __init__(self, path: Path | str, found: int, supported: int) -> None:
        """`path` names the database: a file, or a team database's address."""
        super().__init__(
            f"The A4 database {path} was written by a newer version of A4 (schema {found}; this version "
            f"reads up to {supported}). Upgrade A4 to open it; the file has not been changed."
        )
        self.path = path
        self.found = found
        self.supported = supported


class StorageUnavailableError(StoreError):
    """The disk is full, read-only, or the file cannot be opened: nothing was saved."""


class ServerUnreachableError(StorageUnavailableError):
    """A team database cannot be reached (server down, network drop, login refused): nothing was saved.

    Unlike a full disk, this usually passes by itself, so callers hold the
    unsaved text and try again later (see `storage.postgres.recovery`).
    """


# ---------------------------------------------------------------- protocol


class Store(Protocol):
    """Cases, records, their status workflow and audit trail, with optimistic versioning."""

    @property
    def where(self) -> str:
        """Where the records are, for a person: the SQLite file, or the team database (no password)."""
        ...

    @property
    def local_folder(self) -> Path | None:
        """The local data folder this store keeps its files in (the SQLite file's folder, a team store's
        held saves), where recovery copies of unsaved text go too; None when it has none."""
        ...

    # cases
    def create_case(self, case: Case, deadlines: Deadlines) -> Case:
        """Add a case; its due dates are derived from `deadlines`, never taken from `case`."""
        ...

    def get_case(self, ref: str, *, owner: str | None = None) -> Case:
        """The case with reference `ref`; `owner` says whose, when a team database holds two with one
        reference (without it: the login's own, else the first by owner)."""
        ...

    def case_deadlines(self, ref: str, *, owner: str | None = None) -> Deadlines:
        """The deadlines the case was given when it was added, which `update_case` dates it by: so a
        dialog can show the first due date a new start date gives before it is saved."""
        ...

    def update_case(self, case: Case, *, owner: str | None = None, actor: str = "") -> Case:
        """Change name, owner, start, form, sentence or national identifier, checked as when it was added.

        Each changed detail (name, national identifier, start, form, each part of the sentence) is kept
        in the case's history of corrections (`case_changes`) in the same transaction, with the value it
        had: by `actor` on the embedded store, by the login itself in team mode (the database's trigger
        writes it, whatever the caller names).

        The initial due date follows a new start date, counted with the case's own deadlines
        (`case_deadlines`).  `owner` is the case's owner now, naming which case is meant when a team
        database holds two with one reference.  A case this login may not see is answered as one that
        does not exist (`NotFoundError`).
        """
        ...

    def hand_over(
        self, case_ref: str, new_owner: str, actor: str, *, note: str = "", from_owner: str | None = None
    ) -> Case:
        """Give the case to `new_owner`, written in the case's handover history in the same transaction.

        In team mode only an administrator may (the database refuses anyone else and names the actor
        itself); the embedded store has one user, whose app offers it to managers only.  A team
        database keeps references unique per owner (so no error tells a practitioner that a colleague
        uses one), so a manager may see two cases with one reference: `from_owner`, the case's owner,
        says which; without it such a reference is refused.  A case is never handed to someone who
        already holds its reference (`DuplicateError`, naming them: the manager may know).
        """
        ...

    def handovers(self, *, case_ref: str | None = None, involving: str | None = None) -> list[Handover]:
        """Handovers, oldest first: of one case, or those that gave a case to or took one from a login."""
        ...

    def case_changes(self, case_ref: str, *, owner: str | None = None) -> list[CaseChange]:
        """The corrections of one case's details, oldest first, one per changed field; `owner` says whose
        case when a team database holds two with one reference.  A case this login may not see has none,
        the same answer as a case nobody holds."""
        ...

    def list_cases(
        self, owner: str | None = None, limit: int | None = None, *, archived: bool = False
    ) -> list[CaseSummary]:
        """Every case (or one owner's), soonest due first; with `limit`, only the first `limit` of them.

        The first screenful is read from an index in about a millisecond whatever the caseload's size,
        so the caseload can show it before the rest is read.  Archived cases are left out; with
        `archived`, only they are listed (`a4 cases --archived`).
        """
        ...

    def archive_case(self, case_ref: str, actor: str, *, reason: str, owner: str | None = None) -> Archival:
        """Take a case out of every list (caseload, `a4 cases`, stats, QA queue, caseload exports), kept.

        For a case imported by mistake: nothing of it is deleted, it is still read by its reference,
        and the archiving (who, when, why) is kept for good.  Only an administrator may: in team mode
        the database refuses any other login and names the actor itself; the embedded store has one user,
        whose app and CLI offer it to managers only.  A reason is required.  `owner` says whose case is
        meant when a team database holds two with one reference (as `hand_over`'s `from_owner`).
        """
        ...

    def unarchive_case(
        self, case_ref: str, actor: str, *, reason: str = "", owner: str | None = None
    ) -> Archival:
        """Bring an archived case back into the lists; kept in its archive history like the archiving."""
        ...

    def archivals(self, *, case_ref: str | None = None) -> list[Archival]:
        """Archivings and bringings back, oldest first: of one case, or of every case this login sees."""
        ...

    # records
    def create_record(self, record: Record, actor: str) -> Record: ...

    def get_record(self, record_id: str) -> Record: ...

    def latest_record(self, case_ref: str) -> Record | None: ...

    def records_for_case(self, case_ref: str) -> list[Record]:
        """Oldest first."""
        ...

    def list_records(self, status: str | None = None, *, archived: bool = False) -> list[Record]:
        """Every record (or those with `status`), oldest first: the QA queue and workload statistics.

        Records of archived cases are left out; with `archived`, only they are listed.
        """
        ...

    def save_record(
        self,
        record: Record,
        actor: str,
        *,
        risk_path: str | None = None,
        reason: str | None = None,
        overwrite: bool = False,
    ) -> Record:
        """Save answers, plan, agreement and active time if `record.version` is still the stored one.

        The listed word total is the sum of `record.words`; a record without
        counts (saved before they were stored) keeps the total it had.
        With `overwrite`, a record saved elsewhere since `record.version` is
        saved over instead of refused ("keep mine"), and the audit trail says
        so in the same transaction (kind "overwrite": the version started
        from and the version replaced).
        """
        ...

    def move_to_version(self, record: Record, actor: str) -> Record:
        """Store `record` as moved to another version of its form (`forms.record.carry_over.move_record`).

        Saves its form version with its carried answers and what was left
        behind, if `record.version` is still the stored one, and notes the
        move in the audit trail (old and new version), so a record's version
        only ever changes through here.
        """
        ...

    # who has a record open
    def claim(
        self, record_id: str, actor: str, window: str, *, place: str = "", mode: str = "editing"
    ) -> None:
        """Say that `window` has the record open (`mode` "editing" or "reading"), or still has it: a window
        renews its claim well within `PRESENCE_SECONDS`, and a claim not renewed lapses.

        Claims that have lapsed are cleared on the way (on a team database, only the login's own).  On a
        team database the database names the person and the times itself: a login writes, renews and
        clears only its own claims, and claims only records it may see.
        """
        ...

    def release_claim(self, record_id: str, window: str) -> None:
        """`window` has closed the record: its claim goes (a no-op when it has none)."""
        ...

    def present(self, record_id: str, *, other_than: str = "") -> list[Presence]:
        """The windows that have the record open now (claims that have not lapsed), newest claim first,
        leaving out the window `other_than`."""
        ...

    # workflow
    def transition(
        self,
        record_id: str,
        to_status: str,
        actor: str,
        *,
        comment: str = "",
        grades: Sequence[Grade] = (),
        comments: Sequence[Comment] = (),
    ) -> Record:
        """Move a record one step of the workflow, audited, in one transaction with the reviewer's notes.

        The store holds every caller to the sign-off rules: only the author submits; nobody returns,
        approves or locks their own record; approving (and locking, by someone who has not yet signed)
        adds the actor's countersignature.  `grades` and `comments` are the reviewer's, stored in the
        actor's name in their own tables before the step: a record's `grades`, `comments` and
        `signatures` are never taken from a saved record (`save_record` ignores them), so nobody can
        write a sign-off they did not give.  Refusals raise `NotPermittedError`.
        """
        ...

    def approve_and_lock(
        self,
        record_id: str,
        actor: str,
        *,
        comment: str = "",
        grades: Sequence[Grade] = (),
        comments: Sequence[Comment] = (),
    ) -> Record:
        """Countersign and lock in one step: `transition` to approved, then to locked."""
        ...

    def resolve_comment(self, record_id: str, comment_id: str, actor: str) -> Record:
        """Mark a QA comment resolved, once, by the record's author; returns the record."""
        ...

    def amend(self, record_id: str, actor: str) -> Record: ...

    def start_review(self, case_ref: str, actor: str) -> Record:
        """A new draft review of the case's last approved record; the open review instead, if one exists.

        Pressing "start review" twice (or in two windows) opens the same review:
        a case never has two open reviews.
        """
        ...

    # audit
    def audit_trail(self, record_id: str) -> list[AuditEvent]: ...

    # bulk and maintenance
    def bulk_import(
        self,
        cases: Iterable[Case],
        records: Iterable[Record],
        deadlines: Deadlines,
    ) -> None:
        """Add many cases and records in one transaction (demo data, imports), statuses as given."""
        ...

    def import_record(
        self,
        case: Case,
        record: Record,
        audit: Sequence[AuditEvent],
        deadlines: Deadlines,
        *,
        replace: bool = False,
        source: str = "",
        actor: str = "",
        note: str = "",
    ) -> Record:
        """Write a record as exported (status, dates, its history) in one transaction; returns it as stored.

        The case is added as given, due dates included, when no case has its
        reference; an existing case is kept unchanged.  A stored record with
        the same id raises `DuplicateError` unless `replace`; then its fields
        are overwritten (a locked one raises `LockedRecordError`) and the
        events of `audit` its trail lacks are appended: a trail never shrinks.

        Everything the file says happened (`audit`, the record's grades, comments and
        countersignatures) is kept as the file's history, marked `imported_from = source`, never as
        this store's own sign-off; the import itself is one entry of the store's own trail (kind
        "imported": `actor`, when, `source`, `note`).  A team database keeps the file's record id
        only for an administrator, and lets only an administrator import a record past draft.
        """
        ...

    # form definitions
    def save_definition(self, kind: str, form_id: str, version: str, source: str) -> bool:
        """Keep a copy of a definition's TOML text, so records never depend on a file that may change.

        The copy is addressed by its SHA-256, and the answers it marks as needing a reason are read
        from its text.  In a team database only an administrator keeps a definition.

        The first copy of a (kind, id, version) is kept for good: a later
        call with the same key stores nothing and returns False (True when
        this call stored the copy).
        """
        ...

    def retire_definition(self, kind: str, form_id: str, version: str) -> bool:
        """Remove a kept definition that no record uses (an administrator's step in a team database).

        True when one was removed; a definition a record uses is refused (`NotPermittedError`).
        """
        ...

    def get_definition(self, kind: str, form_id: str, version: str) -> str | None:
        """The kept TOML text of that definition, or None when the store has no copy."""
        ...

    def list_definitions(self) -> list[tuple[str, str, str]]:
        """(kind, id, version) of every kept definition, sorted by kind, id and version text."""
        ...

    def backup(self, destination: Path) -> Path:
        """Write a consistent copy of the whole store to `destination`."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class TeamStore(Protocol):
    """What a store on a team's PostgreSQL database adds to `Store`, as `storage.connect.open_store`
    opens it; `isinstance(store, TeamStore)` tells the two kinds apart.

    On a team database a person is who they logged in as, in the A4 role
    the server gives that login, so the app takes both from the store
    rather than from the config file; `notices` say once, at start-up,
    what became of saves held locally while the server was away.  Only
    these three are checked at run time, so a store that passes the rest
    of `Store` through to another object still counts.
    """

    @property
    def login(self) -> str:
        """The PostgreSQL login connected, which is the user A4 records as actor and author."""
        ...

    @property
    def role(self) -> str:
        """The login's A4 role: `practitioner`, `qa_assessor` or `manager`."""
        ...

    @property
    def notices(self) -> list[str]:
        """What the last attempt to save held records did, one line per record, for a person."""
        ...

"""The `Store` logic both SQL engines share: one implementation of every rule, on either database.

`SqliteStore` and `PostgresStore` keep the same tables with the same
meaning, so what a save checks, what a transition audits and how an import
merges a trail is written here once.  An engine supplies only what really
differs: its SQL dialect (`storage.sql.statements`), how it runs work in a
transaction (`_write`, `_read`: a file lock, or a server connection that may
need reopening), how it runs one statement for many rows, and, for a team
database, who may act in whose name (the `_actor`, `_new_case`,
`_new_author` and `_refuse_missing` hooks, which a single-user file leaves
as they are here).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, NoReturn, Protocol, TypeVar

from forms.model import Case, Comment, Deadlines, Grade, Record, Signature
from forms.record.deadlines import next_review
from forms.record.overrides import acknowledgement_refusal, reasons_change_refusal, step_refusal
from forms.record.text_rules import TextError, check_line
from forms.record.workflow import OPEN, REVIEWABLE, allowed_next
from storage.sql.rows import (
    audit_key,
    case_field_changes,
    case_from_row,
    check_case,
    derived,
    fresh_draft,
    initial_due_text,
    last_sign_off_days,
    listed_words,
    payload,
    reason_paths_of,
    record_from_row,
    row_values,
    sentence_json,
    source_hash,
)
from storage.sql.statements import Statements
from storage.store import (
    PRESENCE_SECONDS,
    Archival,
    AuditEvent,
    CaseChange,
    CaseSummary,
    DuplicateError,
    Handover,
    InvalidTransitionError,
    LockedRecordError,
    NotFoundError,
    NotLockedError,
    NotPermittedError,
    OpenRecordError,
    Presence,
    ReasonRequiredError,
    StaleVersionError,
    StoreError,
)

T = TypeVar("T")

BULK_SOURCE = "a bulk import (a4 demo)"
"""What the history of records added by `bulk_import` says it came from."""

LOCKED = "This record is locked (countersigned) and cannot change; amend it instead."


class Cursor(Protocol):
    """What both drivers' cursors offer that the shared logic uses."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What both drivers' connections offer that the shared logic uses (`sqlite3`, psycopg 3)."""

    def execute(self, query: str, params: Any = ..., /) -> Cursor: ...


def local_now() -> datetime:
    """The clock a store stamps its writes with unless a test gives its own."""
    return datetime.now().astimezone()


class SqlStore(ABC):
    """A `Store` on a SQL database; subclasses say how to reach it and in which dialect."""

    SQL: ClassVar[Statements]
    REFEREE_IN_DATABASE: ClassVar[bool] = False
    """Whether the database itself writes the audit trail and countersignatures and checks every rule
    (PostgreSQL's triggers); otherwise this class writes them, holding every caller to the same rules."""

    def __init__(self, now: Callable[[], datetime] | None) -> None:
        self._now = now or local_now
        self._lock = threading.RLock()

    # ------------------------------------------------------------ what an engine supplies

    @abstractmethod
    def _write(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one write transaction; a driver error becomes a `StoreError` for a person."""

    @abstractmethod
    def _read(self, work: Callable[[Connection], T]) -> T:
        """Run `work`, which only reads; a driver error becomes a `StoreError` for a person."""

    @abstractmethod
    def _executemany(self, conn: Connection, query: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each of `rows`."""

    def _actor(self, actor: str) -> str:
        """Who is acting: on a single-user store, whoever the caller names."""
        return actor

    def _new_case(self, case: Case) -> Case:
        """The case as it is created (a team database makes it the login's own)."""
        return case

    def _new_author(self, record: Record, actor: str) -> str:
        """Who a new record names as its author: its own author if it has one, else the actor."""
        return record.author or actor

    def _prepare(
        self,
        conn: Connection,
        actor: str,
        *,
        reason: str = "",
        note: str = "",
        source: str = "",
        risk_path: str = "",
        overwrote: int | None = None,
    ) -> None:
        """Tell the database what this transaction's writes need for their audit entries (a team database's
        triggers read them); a store that writes its own audit entries needs nothing."""
        return

    def _presence_cutoff(self) -> Any:
        """The parameter of `Dialect.presence_cutoff`: the oldest `seen` time still open, by this store's
        clock (a team database compares with its own clock instead: `PostgresStore` gives seconds)."""
        oldest = self._now() - timedelta(seconds=PRESENCE_SECONDS)
        return oldest.astimezone(UTC).isoformat(timespec="seconds")

    def _refuse_missing(self, conn: Connection, record_id: str, doing: str) -> NoReturn:
        """Why a record could not be read for writing: on a single-user store, only that it is missing."""
        raise NotFoundError(f"There is no record {record_id} to {doing}.")

    @property
    def local_folder(self) -> Path | None:
        """A server's store keeps no local files; the SQLite engine says where its file is."""
        return None

    # ------------------------------------------------------------ plumbing

    def _timestamp(self) -> str:
        return self._now().astimezone(UTC).isoformat(timespec="seconds")

    def _case(self, conn: Connection, ref: str) -> Case:
        row = conn.execute(self.SQL.case, (ref,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no case with reference {ref}.")
        return case_from_row(row)

    def _case_for_update(self, conn: Connection, ref: str) -> Case:
        """The case, locked until the transaction ends (PostgreSQL), so two starts on it take turns."""
        row = conn.execute(self.SQL.case_for_update, (ref,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no case with reference {ref}.")
        return case_from_row(row)

    def _record(self, conn: Connection, record_id: str) -> Record:
        row = conn.execute(self.SQL.record, (record_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no record {record_id}.")
        return self._with_signoff(conn, [record_from_row(row)])[0]

    def _records(self, query: str, params: Sequence[Any] = ()) -> list[Record]:
        return self._read(
            lambda conn: self._with_signoff(
                conn, [record_from_row(row) for row in conn.execute(query, params)]
            )
        )

    def _with_signoff(self, conn: Connection, records: list[Record]) -> list[Record]:
        """Fill in grades, comments and countersignatures from their own tables (never from the payload)."""
        if not records:
            return records
        by_id = {r.id: r for r in records}
        for r in records:
            r.grades, r.comments, r.signatures = [], [], []
        ids = (json.dumps(list(by_id)),)
        latest: dict[str, dict[str, Grade]] = {rid: {} for rid in by_id}
        for rid, criterion, level, comment, by, at, source in conn.execute(self.SQL.grades_of, ids):
            latest[rid].pop(criterion, None)  # a criterion graded again: the latest grade counts
            latest[rid][criterion] = Grade(criterion, level, comment, by, at, source)
        for rid, grades in latest.items():
            by_id[rid].grades = list(grades.values())
        for rid, cid, path, text, by, at, resolved_by, resolved_at, source in conn.execute(
            self.SQL.comments_of, ids
        ):
            by_id[rid].comments.append(Comment(cid, path, text, by, at, resolved_by, resolved_at, source))
        for rid, by, at, source in conn.execute(self.SQL.signatures_of, ids):
            by_id[rid].signatures.append(Signature(by, at, source))
        return records

    # ------------------------------------------------------------ cases

    def create_case(self, case: Case, deadlines: Deadlines) -> Case:
        case = self._new_case(case)

        def work(conn: Connection) -> Case:
            self._insert_cases(conn, [case], deadlines)
            return self._case(conn, case.ref)

        return self._write(work)

    def get_case(self, ref: str, *, owner: str | None = None) -> Case:
        if owner is None:
            return self._read(lambda conn: self._case(conn, ref))
        return self._read(lambda conn: case_from_row(self._found(conn, self.SQL.case_of_owner, ref, owner)))

    def case_deadlines(self, ref: str, *, owner: str | None = None) -> Deadlines:
        query = self.SQL.case_deadlines[owner is not None]
        return self._read(lambda conn: Deadlines(*self._found(conn, query, ref, owner)))

    def update_case(self, case: Case, *, owner: str | None = None, actor: str = "") -> Case:
        by_owner = owner is not None
        actor = self._actor(actor)

        def work(conn: Connection) -> Case:
            row = self._found(conn, self.SQL.case_deadlines_for_update[by_owner], case.ref, owner)
            before = None
            if not self.REFEREE_IN_DATABASE:
                query = self.SQL.case_of_owner if by_owner else self.SQL.case
                before = case_from_row(self._found(conn, query, case.ref, owner))
            due = initial_due_text(case, Deadlines(*row))
            changed = (case.name, case.start, case.owner, case.form_id, due, sentence_json(case),
                       case.national_id)  # fmt: skip
            conn.execute(self.SQL.case_update[by_owner], (*changed, *_which(case.ref, owner)))
            if not by_owner:
                stored = self._case(conn, case.ref)
            else:
                stored = case_from_row(self._found(conn, self.SQL.case_of_owner, case.ref, case.owner))
            if before is not None:  # a team database's trigger writes them itself, naming the login
                at = self._timestamp()
                self._executemany(conn, self.SQL.case_change_insert,
                                  [(stored.ref, field, was, now, actor, at)
                                   for field, was, now in case_field_changes(before, stored)])  # fmt: skip
            return stored

        return self._write(work)

    def case_changes(self, case_ref: str, *, owner: str | None = None) -> list[CaseChange]:
        query = self.SQL.case_changes[owner is not None]
        return self._read(
            lambda conn: [CaseChange(*row) for row in conn.execute(query, _which(case_ref, owner))]
        )

    def _found(self, conn: Connection, query: str, ref: str, owner: str | None) -> Any:
        """The row of one case by reference (and owner, when given: `query` then takes both), else
        `NotFoundError`, the same answer for a case nobody holds as for one this login may not see."""
        row = conn.execute(query, _which(ref, owner)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no case with reference {ref}.")
        return row

    def hand_over(
        self, case_ref: str, new_owner: str, actor: str, *, note: str = "", from_owner: str | None = None
    ) -> Case:
        actor = self._actor(actor)
        try:
            new_owner = check_line(new_owner.strip(), what="The new owner")
            note = check_line(note.strip(), what="The handover note", blank=True)
        except TextError as error:
            raise StoreError(f"{error}.") from None

        def work(conn: Connection) -> Case:
            owners = [owner for (owner,) in conn.execute(self.SQL.case_owners, (case_ref,))]
            if from_owner is not None:
                owners = [owner for owner in owners if owner == from_owner]
            if not owners:
                raise NotFoundError(f"There is no case with reference {case_ref}.")
            if len(owners) > 1:
                raise StoreError(
                    f"{len(owners)} cases have reference {case_ref} (held by {', '.join(owners)}): choose "
                    "the one to hand over from the caseload. Nothing was changed."
                )
            (old_owner,) = owners
            if old_owner == new_owner:
                raise StoreError(f"Case {case_ref} is already held by {new_owner}; nothing was changed.")
            conn.execute(self.SQL.case_of_owner_for_update, (case_ref, old_owner))
            if self.SQL.dialect.handover_note:
                conn.execute(self.SQL.dialect.handover_note, (note,))
            try:
                conn.execute(self.SQL.owner_update, (new_owner, case_ref, old_owner))
            except self.SQL.dialect.duplicate_case:
                raise DuplicateError(
                    f"{new_owner} already holds a case with reference {case_ref}, and a practitioner's "
                    "references are their own, so it cannot be handed to them. Nothing was changed."
                ) from None
            if not self.SQL.dialect.handover_note:
                conn.execute(
                    self.SQL.handover_insert, (case_ref, old_owner, new_owner, actor, self._timestamp(), note)
                )
            row = conn.execute(self.SQL.case_of_owner, (case_ref, new_owner)).fetchone()
            return case_from_row(row)

        return self._write(work)

    def handovers(self, *, case_ref: str | None = None, involving: str | None = None) -> list[Handover]:
        params: tuple[str, ...]
        if case_ref is not None:
            query, params = self.SQL.handovers_of_case, (case_ref,)
        elif involving is not None:
            query, params = self.SQL.handovers_involving, (involving, involving)
        else:
            query, params = self.SQL.handovers_all, ()
        return self._read(lambda conn: [Handover(*row) for row in conn.execute(query, params)])

    def list_cases(
        self, owner: str | None = None, limit: int | None = None, *, archived: bool = False
    ) -> list[CaseSummary]:
        query = self.SQL.caseloads[owner is not None, archived]
        params: tuple[Any, ...] = () if owner is None else (owner,)
        if limit is not None:
            query, params = query + self.SQL.limit, (*params, limit)
        return self._read(lambda conn: list(map(CaseSummary._make, conn.execute(query, params))))

    def archive_case(self, case_ref: str, actor: str, *, reason: str, owner: str | None = None) -> Archival:
        return self._set_archived(case_ref, actor, archived=True, reason=reason, owner=owner)

    def unarchive_case(
        self, case_ref: str, actor: str, *, reason: str = "", owner: str | None = None
    ) -> Archival:
        return self._set_archived(case_ref, actor, archived=False, reason=reason, owner=owner)

    def _set_archived(
        self, case_ref: str, actor: str, *, archived: bool, reason: str, owner: str | None
    ) -> Archival:
        actor = self._actor(actor)
        try:
            reason = check_line(reason.strip(), what="The reason", blank=not archived)
        except TextError as error:
            raise StoreError(f"{error}; nothing was changed.") from None

        def work(conn: Connection) -> Archival:
            owners = [found for (found,) in conn.execute(self.SQL.case_owners, (case_ref,))]
            if owner is not None:
                owners = [found for found in owners if found == owner]
            if not owners:
                raise NotFoundError(f"There is no case with reference {case_ref}.")
            if len(owners) > 1:
                raise StoreError(
                    f"{len(owners)} cases have reference {case_ref} (held by {', '.join(owners)}): say whose "
                    "(the caseload does; `a4 archive REF --owner LOGIN`). Nothing was changed."
                )
            (held_by,) = owners
            the_case = (case_ref, held_by)
            if bool(conn.execute(self.SQL.archived_state, the_case).fetchone()[0]) == archived:
                state = "archived" if archived else "in the caseload (not archived)"
                raise StoreError(f"Case {case_ref} is already {state}; nothing was changed.")
            if self.SQL.dialect.archive_call:
                conn.execute(self.SQL.dialect.archive_call, (*the_case, archived, reason))
            else:
                conn.execute(
                    self.SQL.archival_insert, (case_ref, int(archived), actor, self._timestamp(), reason)
                )
            return _archival(list(conn.execute(self.SQL.archivals_of_owned_case, the_case))[-1])

        return self._write(work)

    def archivals(self, *, case_ref: str | None = None) -> list[Archival]:
        params: tuple[str, ...]
        if case_ref is None:
            query, params = self.SQL.archivals_all, ()
        else:
            query, params = self.SQL.archivals_of_case, (case_ref,)
        return self._read(lambda conn: [_archival(row) for row in conn.execute(query, params)])

    def _insert_cases(self, conn: Connection, cases: Iterable[Case], deadlines: Deadlines) -> None:
        weeks = deadlines.review_weeks
        rows = [(c.ref, c.name, c.start, c.owner, c.form_id, deadlines.initial_days_for(c.sentence.type),
                 weeks, initial_due_text(c, deadlines), sentence_json(c), c.national_id)
                for c in cases]  # fmt: skip
        try:
            self._executemany(conn, self.SQL.case_insert, rows)
        except self.SQL.dialect.duplicate_case:
            raise DuplicateError(
                "A case with one of these references already exists; choose another reference."
            ) from None

    # ------------------------------------------------------------ records

    def create_record(self, record: Record, actor: str) -> Record:
        actor = self._actor(actor)

        def work(conn: Connection) -> Record:
            self._case_for_update(conn, record.case_ref)
            return self._insert_new_record(conn, record, actor)

        return self._write(work)

    def get_record(self, record_id: str) -> Record:
        return self._read(lambda conn: self._record(conn, record_id))

    def latest_record(self, case_ref: str) -> Record | None:
        found = self._records(self.SQL.latest_record, (case_ref,))
        return found[0] if found else None

    def records_for_case(self, case_ref: str) -> list[Record]:
        return self._records(self.SQL.records_for_case, (case_ref,))

    def list_records(self, status: str | None = None, *, archived: bool = False) -> list[Record]:
        query = self.SQL.listed_records[status is not None, archived]
        return self._records(query, () if status is None else (status,))

    def save_record(
        self,
        record: Record,
        actor: str,
        *,
        risk_path: str | None = None,
        reason: str | None = None,
        overwrite: bool = False,
    ) -> Record:
        actor = self._actor(actor)
        risk_key = self.SQL.dialect.risk_key(risk_path)

        def work(conn: Connection) -> Record:
            row = conn.execute(self.SQL.save_check, (risk_key, record.id)).fetchone()
            if row is None:
                self._refuse_missing(conn, record.id, "save")
            version, status, author, _old_risk = row
            if status == "locked":
                raise LockedRecordError(LOCKED)
            overwrites = version != record.version
            if overwrites and not overwrite:
                raise StaleVersionError(self._record(conn, record.id), record.version)
            stored = self._record(conn, record.id)
            if refusal := acknowledgement_refusal(record, stored, actor) or reasons_change_refusal(
                record, stored
            ):
                raise NotPermittedError(refusal)
            at = self._timestamp()
            watched = self._reason_paths(conn, stored, risk_path)
            changed = [p for p in watched if record.answers.get(p) != stored.answers.get(p)]
            if changed and actor != author and not (reason and reason.strip()):
                raise ReasonRequiredError(
                    f"Changing the risk level in someone else's record needs a reason "
                    f"(the record's author is {author}). Nothing was saved."
                )
            self._prepare(
                conn,
                actor,
                reason=reason or "",
                risk_path=risk_path or "",
                overwrote=record.version if overwrites else None,
            )
            if overwrites:  # "keep mine": said in the trail, in the same transaction as the save
                self._audit(conn, record.id, "overwrite", actor, at, "version", record.version, version, "")
            for path in changed:
                new_value = record.answers.get(path)
                old_value = stored.answers.get(path)
                self._audit(
                    conn, record.id, "risk_level", actor, at, path, old_value, new_value, reason or ""
                )
            values = (at, listed_words(record), record.active_seconds, payload(record), record.id)
            saved = conn.execute(self.SQL.save_update, values)
            if self.SQL.dialect.save_returns_row:
                return self._with_signoff(conn, [record_from_row(saved.fetchone())])[0]
            return self._record(conn, record.id)

        return self._write(work)

    def move_to_version(self, record: Record, actor: str) -> Record:
        actor = self._actor(actor)

        def work(conn: Connection) -> Record:
            row = conn.execute(self.SQL.save_check, (self.SQL.dialect.risk_key(None), record.id)).fetchone()
            if row is None:
                self._refuse_missing(conn, record.id, "move")
            version, status, _author, _risk = row
            if status == "locked":
                raise LockedRecordError(LOCKED)
            if version != record.version:
                raise StaleVersionError(self._record(conn, record.id), record.version)
            old_version = conn.execute(self.SQL.form_version_of, (record.id,)).fetchone()[0]
            at = self._timestamp()
            self._audit(
                conn,
                record.id,
                "form_version",
                actor,
                at,
                record.form_id,
                old_version,
                record.form_version,
                "",
            )
            values = (at, record.form_version, listed_words(record), payload(record), record.id)
            self._prepare(conn, actor)
            conn.execute(self.SQL.move_update, values)
            return self._record(conn, record.id)

        return self._write(work)

    def _reason_paths(self, conn: Connection, record: Record, risk_path: str | None) -> list[str]:
        """The answers whose change by anyone but the author needs a reason: the caller's risk level, and
        whatever the record's kept form definition marks (so a script that names none is held too)."""
        row = conn.execute(self.SQL.reason_paths, (record.form_id, record.form_version)).fetchone()
        kept = json.loads(row[0]) if row and row[0] else []
        return list(dict.fromkeys([*([risk_path] if risk_path else []), *kept]))

    def _open_record(self, conn: Connection, case_ref: str, kind: str) -> Record | None:
        """The case's open (draft, submitted or returned) record of this kind, if it has one."""
        row = conn.execute(self.SQL.open_record, (case_ref, kind, *OPEN)).fetchone()
        return record_from_row(row) if row is not None else None

    def _insert_new_record(self, conn: Connection, record: Record, actor: str) -> Record:
        if record.status in OPEN and (existing := self._open_record(conn, record.case_ref, record.kind)):
            raise OpenRecordError(existing)
        at = self._timestamp()
        new = fresh_draft(record, author=self._new_author(record, actor), at=at)
        self._prepare(conn, actor)
        try:
            (stored_id,) = conn.execute(self.SQL.record_insert_returning_id, row_values(new)).fetchone()
        except self.SQL.dialect.duplicate_record:
            raise DuplicateError(
                "A record with this id already exists, or its case or linked record is missing."
            ) from None
        self._audit(conn, stored_id, "created", actor, at, "kind", None, new.kind, "")
        return self._record(conn, stored_id)

    def _insert_records(self, conn: Connection, records: Iterable[Record]) -> None:
        try:
            self._executemany(conn, self.SQL.record_insert, map(row_values, records))
        except self.SQL.dialect.duplicate_record:
            raise DuplicateError(
                "A record with this id already exists, or its case or linked record is missing."
            ) from None

    # ------------------------------------------------------------ who has a record open

    def claim(
        self, record_id: str, actor: str, window: str, *, place: str = "", mode: str = "editing"
    ) -> None:
        actor = self._actor(actor)
        if mode not in ("editing", "reading"):
            raise StoreError(f'A window opens a record for "editing" or "reading", not {mode!r}.')

        def work(conn: Connection) -> None:
            self._prepare(conn, actor)
            conn.execute(self.SQL.presence_clear_lapsed, (record_id, self._presence_cutoff()))
            at = self._timestamp()
            try:
                conn.execute(self.SQL.presence_claim, (record_id, window, actor, place, mode, at, at))
            except self.SQL.dialect.duplicate_record:
                raise NotFoundError(f"There is no record {record_id} to open.") from None

        self._write(work)

    def release_claim(self, record_id: str, window: str) -> None:
        self._write(lambda conn: conn.execute(self.SQL.presence_release, (record_id, window)))

    def present(self, record_id: str, *, other_than: str = "") -> list[Presence]:
        params = (record_id, other_than, self._presence_cutoff())
        return self._read(lambda conn: [Presence(*row) for row in conn.execute(self.SQL.presence, params)])

    # ------------------------------------------------------------ workflow

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
        actor = self._actor(actor)

        def work(conn: Connection) -> Record:
            self._add_review_notes(conn, record_id, actor, grades, comments)
            return self._transition(conn, record_id, to_status, actor, comment)

        return self._write(work)

    def approve_and_lock(
        self,
        record_id: str,
        actor: str,
        *,
        comment: str = "",
        grades: Sequence[Grade] = (),
        comments: Sequence[Comment] = (),
    ) -> Record:
        """Countersign and lock in one step (one transaction, two audit entries, one countersignature)."""
        actor = self._actor(actor)

        def work(conn: Connection) -> Record:
            self._add_review_notes(conn, record_id, actor, grades, comments)
            self._transition(conn, record_id, "approved", actor, comment)
            return self._transition(conn, record_id, "locked", actor, comment)

        return self._write(work)

    def _add_review_notes(
        self,
        conn: Connection,
        record_id: str,
        actor: str,
        grades: Sequence[Grade],
        comments: Sequence[Comment],
    ) -> None:
        """A reviewer's grades and comments, in their own tables, in the name of the one giving them."""
        if not grades and not comments:
            return
        row = conn.execute(self.SQL.record_to_change, (record_id,)).fetchone()
        if row is None:
            self._refuse_missing(conn, record_id, "grade")
        status, _case, author = row
        if not self.REFEREE_IN_DATABASE:
            if actor == author:
                raise NotPermittedError(
                    "You wrote this record, so someone else must grade and comment on it."
                )
            if status not in ("submitted", "approved"):
                raise NotPermittedError(f"This record is {status}; only a submitted record is graded.")
        at = self._timestamp()
        self._prepare(conn, actor)
        graded = [(record_id, g.criterion, g.level, g.comment, actor, at, "") for g in grades]
        self._executemany(conn, self.SQL.grade_insert, graded)
        self._executemany(
            conn,
            self.SQL.comment_insert,
            [(record_id, c.id, c.path, c.text, actor, at, "", "", "") for c in comments],
        )

    def _transition(
        self, conn: Connection, record_id: str, to_status: str, actor: str, comment: str
    ) -> Record:
        row = conn.execute(self.SQL.record_to_change, (record_id,)).fetchone()
        if row is None:
            visible = conn.execute(self.SQL.record_status, (record_id,)).fetchone()
            if visible is None:
                raise NotFoundError(f"There is no record {record_id}.")
            check_transition(visible[0], to_status)
            self._refuse_missing(conn, record_id, f"make {to_status}")
        status, _case_ref, author = row
        check_transition(status, to_status)
        if not self.REFEREE_IN_DATABASE:
            check_signer(to_status, actor, author)
        if refusal := step_refusal(self._record(conn, record_id), to_status):
            raise NotPermittedError(refusal)
        at = self._timestamp()
        self._prepare(conn, actor, note=comment)
        conn.execute(self.SQL.status_update, (to_status, at, record_id))
        self._audit(conn, record_id, "status", actor, at, "status", status, to_status, comment)
        if not self.REFEREE_IN_DATABASE and (
            to_status == "approved"
            or (to_status == "locked" and actor not in {s.by for s in self._record(conn, record_id).signatures
                                                         if not s.imported_from})
        ):  # fmt: skip
            conn.execute(self.SQL.signature_insert, (record_id, actor, at, ""))
        if to_status == "approved":
            days, weeks = conn.execute(self.SQL.case_deadlines_of_record, (record_id,)).fetchone()
            due = next_review(self._now().date(), Deadlines(initial_working_days=days, review_weeks=weeks))
            conn.execute(self.SQL.next_review_of_record, (due.isoformat(), record_id))
        return self._record(conn, record_id)

    def resolve_comment(self, record_id: str, comment_id: str, actor: str) -> Record:
        actor = self._actor(actor)

        def work(conn: Connection) -> Record:
            row = conn.execute(self.SQL.comment_author, (record_id, comment_id)).fetchone()
            if row is None:
                raise NotFoundError(f"There is no comment {comment_id} on record {record_id}.")
            author, status, resolved_by = row
            if not self.REFEREE_IN_DATABASE and (actor != author or status == "locked"):
                raise NotPermittedError(f"Only the record's author ({author}) resolves its QA comments.")
            if not resolved_by:
                self._prepare(conn, actor)
                conn.execute(self.SQL.comment_resolve, (actor, self._timestamp(), record_id, comment_id))
            return self._record(conn, record_id)

        return self._write(work)

    def amend(self, record_id: str, actor: str) -> Record:
        actor = self._actor(actor)

        def work(conn: Connection) -> Record:
            source = self._record(conn, record_id)
            self._case_for_update(conn, source.case_ref)
            if source.status != "locked":
                raise NotLockedError(
                    f"Only a locked record is amended; this one is {source.status}, so edit it directly."
                )
            return self._insert_new_record(conn, derived(source, source.kind, amends=source.id), actor)

        return self._write(work)

    def start_review(self, case_ref: str, actor: str) -> Record:
        actor = self._actor(actor)

        def work(conn: Connection) -> Record:
            self._case_for_update(conn, case_ref)
            if (open_review := self._open_record(conn, case_ref, "review")) is not None:
                return open_review
            row = conn.execute(self.SQL.latest_reviewable, (case_ref, *REVIEWABLE)).fetchone()
            if row is None:
                raise NotFoundError(
                    f"Case {case_ref} has no approved record to review yet; finish its assessment first."
                )
            # Imported here: the review's rules (and the plan and checks they use) are not needed to
            # open a store, and every start of A4 and every command opens one.
            from forms.record.review import carry_forward

            return self._insert_new_record(conn, carry_forward(record_from_row(row), ""), actor)

        return self._write(work)

    # ------------------------------------------------------------ audit

    def _audit(
        self,
        conn: Connection,
        record_id: str,
        kind: str,
        actor: str,
        at: str,
        field: str,
        old: Any,
        new: Any,
        reason: str,
    ) -> None:
        """Append one entry of this store's own; a team database writes them itself, from its triggers."""
        if self.REFEREE_IN_DATABASE:
            return
        conn.execute(
            self.SQL.audit_insert,
            (record_id, kind, actor, at, field, json.dumps(old), json.dumps(new), reason, ""),
        )

    def _trail(self, conn: Connection, record_id: str) -> list[AuditEvent]:
        return [
            AuditEvent(rid, kind, actor, at, field, json.loads(old), json.loads(new), reason, source)
            for rid, kind, actor, at, field, old, new, reason, source in conn.execute(
                self.SQL.audit_trail, (record_id,)
            )
        ]

    def audit_trail(self, record_id: str) -> list[AuditEvent]:
        return self._read(lambda conn: self._trail(conn, record_id))

    # ------------------------------------------------------------ bulk and import

    def bulk_import(
        self,
        cases: Iterable[Case],
        records: Iterable[Record],
        deadlines: Deadlines,
    ) -> None:
        """Add many cases and records in one transaction, keeping each record's status and dates.

        A case with an approved or locked record gets its next review from
        the latest such record's last update, as if approved that day.
        """
        records = list(records)
        reviewed = last_sign_off_days(records, REVIEWABLE)

        def work(conn: Connection) -> None:
            self._prepare(conn, "", source=BULK_SOURCE)
            self._insert_cases(conn, cases, deadlines)
            self._insert_records(conn, records)
            if not self.REFEREE_IN_DATABASE:
                created = [(r.id, r.author, r.created_at, json.dumps(r.kind)) for r in records]
                self._executemany(conn, self.SQL.audit_imported, created)
                self._keep_history(conn, records, BULK_SOURCE)
            else:
                for record in records:
                    if record.grades or record.comments or record.signatures:
                        self._import_history(conn, record.id, BULK_SOURCE, [], record)
            due = [
                (next_review(date.fromisoformat(day), deadlines).isoformat(), ref)
                for ref, day in reviewed.items()
            ]
            self._executemany(conn, self.SQL.next_review_update, due)

        self._write(work)

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
        check_case(case)
        due = case.initial_due or initial_due_text(case, deadlines)
        source = source or "an A4 export"
        actor = self._actor(actor or record.author)

        def work(conn: Connection) -> Record:
            self._prepare(conn, actor, source=source, note=note)
            conn.execute(
                self.SQL.case_import,
                (case.ref, case.name, case.start, case.owner, case.form_id,
                 deadlines.initial_days_for(case.sentence.type), deadlines.review_weeks, due,
                 case.next_review, sentence_json(case), case.national_id),
            )  # fmt: skip
            row = conn.execute(self.SQL.record_to_change, (record.id,)).fetchone()
            record_id = record.id
            if row is None:
                try:
                    (record_id,) = conn.execute(
                        self.SQL.record_insert_returning_id, row_values(record)
                    ).fetchone()
                except self.SQL.dialect.duplicate_record:
                    raise DuplicateError(
                        "A record with this id already exists, or its case or linked record is missing."
                    ) from None
            elif not replace:
                raise DuplicateError(f"Record {record.id} is already in this store.")
            elif row[0] == "locked":
                raise LockedRecordError(f"Record {record.id} is locked (countersigned) and cannot change.")
            else:
                conn.execute(
                    self.SQL.record_replace,
                    (record.case_ref, record.form_id, record.form_version, record.kind, record.status,
                     record.author, record.version, record.created_at, record.updated_at, record.reviews,
                     record.amends, listed_words(record) or 0, record.active_seconds, payload(record),
                     record.id),
                )  # fmt: skip
            self._audit(conn, record_id, "imported", actor, self._timestamp(), "file", None, source, note)
            stored = {audit_key(e) for e in self._trail(conn, record_id)}
            missing = [e for e in audit if audit_key(e) not in stored]
            self._import_history(conn, record_id, source, missing, record)
            return self._record(conn, record_id)

        return self._write(work)

    def _import_history(
        self, conn: Connection, record_id: str, source: str, audit: Sequence[AuditEvent], record: Record
    ) -> None:
        """A file's trail, grades, comments and countersignatures, each marked as the file's history.

        Only what the stored record lacks is added, so importing the same file again adds nothing.
        """
        have = self._with_signoff(conn, [dataclasses.replace(record, id=record_id)])[0]
        grades = [g for g in record.grades if (g.criterion, g.level, g.by, g.on) not in
                  {(h.criterion, h.level, h.by, h.on) for h in have.grades}]  # fmt: skip
        known_comments = {c.id for c in have.comments}
        comments = [c for c in record.comments if c.id not in known_comments]
        signatures = [
            s for s in record.signatures if (s.by, s.on) not in {(h.by, h.on) for h in have.signatures}
        ]
        if self.REFEREE_IN_DATABASE:
            conn.execute(
                self.SQL.import_history,
                (record_id, source, json.dumps([_event_dict(e) for e in audit]),
                 json.dumps([dataclasses.asdict(g) for g in grades]),
                 json.dumps([dataclasses.asdict(c) for c in comments]),
                 json.dumps([dataclasses.asdict(s) for s in signatures])),
            )  # fmt: skip
            return
        self._executemany(conn, self.SQL.audit_insert,
                          [(record_id, *audit_key(e), source) for e in audit])  # fmt: skip
        self._keep_history(conn, [dataclasses.replace(record, id=record_id, grades=grades, comments=comments,
                                                      signatures=signatures)], source)  # fmt: skip

    def _keep_history(self, conn: Connection, records: Sequence[Record], source: str) -> None:
        """Write records' grades, comments and countersignatures as history from `source`."""
        self._executemany(conn, self.SQL.grade_insert,
                          [(r.id, g.criterion, g.level, g.comment, g.by, g.on, source)
                           for r in records for g in r.grades])  # fmt: skip
        self._executemany(conn, self.SQL.comment_insert,
                          [(r.id, c.id, c.path, c.text, c.by, c.on, c.resolved_by, c.resolved_on, source)
                           for r in records for c in r.comments])  # fmt: skip
        self._executemany(conn, self.SQL.signature_insert,
                          [(r.id, s.by, s.on, source) for r in records for s in r.signatures])  # fmt: skip

    # ------------------------------------------------------------ form definitions

    def save_definition(self, kind: str, form_id: str, version: str, source: str) -> bool:
        values: tuple[Any, ...] = (kind, form_id, version, source, self._timestamp(), source_hash(source))
        if not self.SQL.dialect.derives_reason_paths:
            values += (json.dumps(reason_paths_of(source)),)
        return self._write(lambda conn: conn.execute(self.SQL.definition_insert, values).rowcount == 1)

    def retire_definition(self, kind: str, form_id: str, version: str) -> bool:
        """Remove a kept definition no record uses; True when one was removed."""
        return self._write(
            lambda conn: conn.execute(self.SQL.definition_retire, (kind, form_id, version)).rowcount == 1
        )

    def get_definition(self, kind: str, form_id: str, version: str) -> str | None:
        def work(conn: Connection) -> str | None:
            row = conn.execute(self.SQL.definition, (kind, form_id, version)).fetchone()
            return row[0] if row else None

        return self._read(work)

    def list_definitions(self) -> list[tuple[str, str, str]]:
        return self._read(lambda conn: list(conn.execute(self.SQL.definitions)))


def check_signer(to_status: str, actor: str, author: str) -> None:
    """Raise `NotPermittedError` unless `actor` may take this step: the author submits, others sign off."""
    if to_status == "submitted" and actor != author:
        raise NotPermittedError(f"Only the author ({author}) submits this record for QA.")
    if to_status in ("returned", "approved", "locked") and actor == author:
        raise NotPermittedError(
            "Nobody returns, approves or locks their own record: another QA assessor must countersign it."
        )


def check_transition(from_status: str, to_status: str) -> None:
    """Raise `InvalidTransitionError` unless `from_status` → `to_status` is a step of the workflow."""
    if to_status not in allowed_next(from_status):
        raise InvalidTransitionError(from_status, to_status, allowed_next(from_status))


def _which(ref: str, owner: str | None) -> tuple[str, ...]:
    """The parameters naming one case: its reference, and its owner when the caller names one."""
    return (ref,) if owner is None else (ref, owner)


def _archival(row: Sequence[Any]) -> Archival:
    case_ref, archived, by, at, reason = row
    return Archival(case_ref, bool(archived), by, at, reason)


def _event_dict(event: AuditEvent) -> dict[str, Any]:
    """An audit event as the team database's import function reads it."""
    return {"kind": event.kind, "actor": event.actor, "at": event.at, "field": event.field, "old": event.old,
            "new": event.new, "reason": event.reason}  # fmt: skip

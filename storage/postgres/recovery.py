"""Holding saves while the team server cannot be reached, so nothing typed is lost.

`RecoveringStore` wraps a team store.  When a save fails because the server
is down, the network dropped or the login was refused
(`ServerUnreachableError`), the record is written to a recovery file in the
local data folder (0600, in a 0700 folder) before the error is raised, and
the error says so.  The caller keeps its text and simply saves again later;
a save that succeeds removes the record's recovery file.  Records still held
when A4 starts (the app was closed, or killed, while the server was away)
are saved by `save_held`, which A4 calls on opening the store: a held save
whose record was changed meanwhile by someone else is kept, never forced,
and reported, so the person can compare the two texts.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forms.model import Record
from forms.record.codec import record_from_dict, record_to_dict
from storage.location import ensure_private_dir
from storage.postgres.store import PostgresStore
from storage.store import ServerUnreachableError, StaleVersionError, StoreError

RECOVERY_DIR = "recovery"


@dataclass(frozen=True)
class HeldSave:
    """A save the server did not take: the record and how `save_record` was called."""

    record: Record
    actor: str
    risk_path: str | None = None
    reason: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "record": record_to_dict(self.record),
                "actor": self.actor,
                "risk_path": self.risk_path,
                "reason": self.reason,
            },
            ensure_ascii=False,
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> HeldSave:
        data = json.loads(text)
        return cls(record_from_dict(data["record"]), data["actor"], data["risk_path"], data["reason"])


class RecoveringStore:
    """A `Store` that holds unsaved records in local recovery files while the server is unreachable.

    Everything but `save_record` passes straight through to the wrapped store.
    """

    def __init__(self, inner: PostgresStore, data_dir: Path) -> None:
        self.inner = inner
        self.folder = Path(data_dir) / RECOVERY_DIR
        self.notices: list[str] = []
        """What the last `save_held` did, for the app to show once."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    @property
    def login(self) -> str:
        return self.inner.login

    @property
    def role(self) -> str:
        return self.inner.role

    @property
    def where(self) -> str:
        return self.inner.where

    @property
    def local_folder(self) -> Path | None:
        """The data folder its held saves are in: recovery copies go there too."""
        return self.folder.parent

    # ------------------------------------------------------------ saving

    def save_record(
        self,
        record: Record,
        actor: str,
        *,
        risk_path: str | None = None,
        reason: str | None = None,
        overwrite: bool = False,
    ) -> Record:
        held = HeldSave(record, actor, risk_path, reason)
        try:
            saved = self.inner.save_record(
                record, actor, risk_path=risk_path, reason=reason, overwrite=overwrite
            )
        except ServerUnreachableError as error:
            try:
                path = self._hold(held)
            except OSError as failure:
                raise ServerUnreachableError(
                    f"{error} Your changes could not be held in {self.folder} either ({failure.strerror}): "
                    "save a copy elsewhere."
                ) from None
            raise ServerUnreachableError(
                f"{error} Your changes are held in {path} until then; keep working."
            ) from None
        self._release(record.id)
        return saved

    def held(self) -> list[HeldSave]:
        """The saves waiting in recovery files, oldest first."""
        if not self.folder.is_dir():
            return []
        files = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        return [HeldSave.from_json(p.read_text(encoding="utf-8")) for p in files]

    def save_held(self) -> list[str]:
        """Save every held record the server will now take; one line per outcome, for a person.

        Stops quietly at the first sign that the server is still away.  A
        record changed by someone else meanwhile stays held and is named.
        """
        said: list[str] = []
        for held in self.held():
            try:
                self.inner.save_record(held.record, held.actor, risk_path=held.risk_path, reason=held.reason)
            except ServerUnreachableError:
                break
            except StaleVersionError as error:
                if _same_content(error.stored, held.record):
                    self._release(held.record.id)  # the connection broke after the server had committed
                    continue
                said.append(
                    f"Changes to case {held.record.case_ref} made while the server was away clash with a "
                    f"newer save by someone else; they are kept in {self._file(held.record.id)}."
                )
                continue
            except StoreError as error:
                said.append(f"Held changes to case {held.record.case_ref} could not be saved: {error}")
                continue
            self._release(held.record.id)
            said.append(f"Saved the changes to case {held.record.case_ref} held while the server was away.")
        self.notices = said
        return said

    # ------------------------------------------------------------ files

    def _file(self, record_id: str) -> Path:
        return self.folder / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', record_id)}.json"

    def _hold(self, held: HeldSave) -> Path:
        """Write the held save atomically, readable by its owner only."""
        ensure_private_dir(self.folder)
        target = self._file(held.record.id)
        handle, name = tempfile.mkstemp(dir=self.folder, prefix=target.name, suffix=".partial")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(held.to_json())
                out.flush()
                os.fsync(out.fileno())
            os.replace(name, target)
        finally:
            Path(name).unlink(missing_ok=True)
        return target

    def _release(self, record_id: str) -> None:
        self._file(record_id).unlink(missing_ok=True)


def _same_content(stored: Record, held: Record) -> bool:
    """Whether the stored record already holds what the held save would write."""
    return (stored.answers, stored.plan, stored.agreement, stored.active_seconds) == (
        held.answers,
        held.plan,
        held.agreement,
        held.active_seconds,
    )

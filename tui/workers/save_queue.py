"""One save of the case screen's record, run off the UI thread, and how its result folds back in.

A team server that cannot be reached holds a save for up to its connect
timeout (about 5 s).  The case screen therefore snapshots the record on the
UI thread (cheap), hands the snapshot to a `SaveJob` that calls the store in
a worker thread, and applies the job's outcome on the UI thread again.  The
job keeps its outcome rather than calling back into the app, and whichever
thread runs it first does the save while any other waits for that one: so
the UI thread may wait for a save in flight (quit, leaving the case) without
the two threads waiting on each other, even if the worker has not started.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field

from forms.model import Record
from storage.store import Store, StoreError

FROM_THE_SAVE: frozenset[str] = frozenset(
    {"answers", "active_seconds", "words", "version", "created_at", "updated_at"}
)
"""Record fields the screen takes from a finished save: what the editors held, and what the store set."""


@dataclass
class SaveJob:
    """A snapshot of the record and the one `save_record` call that stores it.

    Mutable only in `outcome`, written once, under `_lock`, by the first
    thread to run the job; read after `run` returns.
    """

    store: Store
    record: Record
    """The snapshot sent, as the editors held it when the job was made."""
    actor: str
    risk_path: str | None
    reason: str | None
    edits: int
    """The screen's count of changes when the snapshot was taken: later ones are still unsaved."""
    overwrite: bool = False
    """Save over a newer save made elsewhere ("keep mine"), as the practitioner chose after a conflict."""
    outcome: Record | StoreError | None = None
    """The saved record, or why the store refused; None until run (or if the save crashed)."""
    _ran: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def run(self) -> SaveJob:
        """Save the snapshot once: the first caller saves, a later one waits for it; refusals are kept."""
        with self._lock:
            if not self._ran:
                self._ran = True
                try:
                    extra = {"overwrite": True} if self.overwrite else {}
                    self.outcome = self.store.save_record(
                        self.record, self.actor, risk_path=self.risk_path, reason=self.reason, **extra
                    )
                except StoreError as error:
                    self.outcome = error
        return self


def merge_saved(saved: Record, sent: Record, current: Record) -> Record:
    """`saved`, plus what the screen changed on its record while the save was in flight.

    A section confirmed or a comment resolved during a slow save changes the
    screen's `current` record, not the snapshot `sent`: those changes must
    survive the save's answer (they are saved by the next one), while the
    answers, counts and version come from the save.
    """
    kept = {
        f.name: getattr(current, f.name)
        for f in dataclasses.fields(Record)
        if f.name not in FROM_THE_SAVE and getattr(current, f.name) != getattr(sent, f.name)
    }
    return dataclasses.replace(saved, **kept)

"""A store with one case, ready for the real `a4` in a pty (`driver.A4Terminal`); free of pytest.

The keys form is small on purpose, so every field is on one 80×24 screen and a
script's expected record is easy to model: two sections, three long-text
answers (`first.a`, `first.b`, `second.c`, the last text box of the form) and
two one-key rows (`second.linked` yes/no, `second.mood` with keys g/p).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.terminal.driver import A4Terminal

KEYS_FORM = """\
id = "keys-test"
kind = "assessment"
title = "Keys test"
version = "1.0.0"

[[section]]
id = "first"
title = "First area"

  [[section.question]]
  id = "a"
  label = "Answer A"

  [[section.question]]
  id = "b"
  label = "Answer B"

[[section]]
id = "second"
title = "Second area"

  [[section.question]]
  id = "linked"
  type = "yesno"
  label = "Linked to offending?"

  [[section.question]]
  id = "mood"
  type = "choice"
  label = "Mood"
  options = [ { id = "good", label = "Good", key = "g" }, { id = "poor", label = "Poor", key = "p" } ]

  [[section.question]]
  id = "c"
  label = "Answer C"
"""

TEXT_FIELDS: tuple[str, ...] = ("first.a", "first.b", "second.c")
"""The keys form's long-text answers, in screen (and file) order."""

PATIENCE = 30.0
"""Seconds to wait for a screen: the test machine is shared and often loaded."""


@dataclass
class Scene:
    """One data folder with one case `ref` owned by `user`, on the keys form or the shipped one."""

    root: Path
    ref: str = "K1"
    user: str = "pat"
    form_id: str = "keys-test"
    extra_args: list[str] = field(default_factory=list)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def forms_dir(self) -> Path:
        return self.root / "forms"

    def create(self, name: str = "Kim Lee", start: str = "2026-11-20") -> Scene:
        """Write the form and add the case (no record yet: the app starts one on Enter)."""
        from forms.definition.registry import load_registry
        from forms.model import Case
        from storage.sqlite.store import open_store

        self.forms_dir.mkdir(parents=True, exist_ok=True)
        (self.forms_dir / "keys.toml").write_text(KEYS_FORM, encoding="utf-8")
        registry, _ = load_registry([self.forms_dir])
        form = registry.assessment(self.form_id)
        assert form is not None, f"form {self.form_id} not found"
        store = open_store(str(self.data_dir))
        try:
            store.create_case(
                Case(ref=self.ref, name=name, start=start, owner=self.user, form_id=self.form_id),
                form.deadlines,
            )
        finally:
            store.close()
        return self

    def start(self, size: tuple[int, int] = (120, 40), **kwargs: Any) -> A4Terminal:
        """The real `a4` on this scene's store and forms, showing the caseload."""
        kwargs.setdefault("user", self.user)
        term = A4Terminal.start(
            self.data_dir, size=size, args=["--forms", str(self.forms_dir), *self.extra_args], **kwargs
        )
        term.wait_for(self.ref, PATIENCE)
        return term

    def open_case(self, term: A4Terminal, first_section: str = "First area") -> None:
        """Enter on the caseload's (only) case; waits for the case screen to settle."""
        term.press("enter")
        term.wait_for(first_section, PATIENCE)
        term.wait_for("working day", PATIENCE)  # the counters: the screen has mounted and focused
        term.wait_quiet(0.5)

    def answers(self) -> dict[str, Any]:
        """The latest record's saved answers, read straight from the store."""
        from storage.sqlite.store import open_store

        store = open_store(str(self.data_dir))
        try:
            record = store.latest_record(self.ref)
            return dict(record.answers) if record else {}
        finally:
            store.close()

    def records(self) -> list[Any]:
        """Every record of the case, from the store."""
        from storage.sqlite.store import open_store

        store = open_store(str(self.data_dir))
        try:
            return list(store.records_for_case(self.ref))
        finally:
            store.close()

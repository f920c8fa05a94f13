"""Every definition A4 knows: the shipped library, then the user's and team's own folders.

A later place adds to the earlier ones and replaces a definition with the
same kind, id and version, so a trainer can override a shipped form by
copying it into their forms folder without touching the package.

With no folders of their own to check, the shipped library is read the
first time a definition is asked for, not when A4 starts: reading it (and
importing the loaders) is a noticeable part of start-up, and the caseload,
which A4 opens on, needs no form until a case is added or opened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from forms.definition.errors import FormError
from forms.model import FORM_KINDS, AssessmentForm, Definition, PlanTemplate, Rubric

Key = tuple[str, str, str]
"""(kind, id, version)."""


@dataclass
class Registry:
    """Definitions by (kind, id, version), in the order they were added."""

    _definitions: dict[Key, Definition] = field(default_factory=dict)
    _pending: Callable[[], list[Definition]] | None = None
    """Definitions still to be read, before any other is added or looked up."""

    @property
    def _loaded(self) -> dict[Key, Definition]:
        """Every definition, the pending ones read first (so that later additions still win)."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            for definition in pending():
                self.add(definition)
        return self._definitions

    def add(self, definition: Definition) -> None:
        """Add `definition`, replacing one with the same kind, id and version (it then counts as newest)."""
        key = (definition.header.kind, definition.id, definition.version)
        self._loaded.pop(key, None)
        self._definitions[key] = definition

    def assessment(self, form_id: str, version: str | None = None) -> AssessmentForm | None:
        """The assessment form with this id: the given version, or the latest when None."""
        from forms.definition.load import semver_key

        forms = [d for d in self._loaded.values() if isinstance(d, AssessmentForm) and d.id == form_id]
        if version is not None:
            return next((f for f in forms if f.version == version), None)
        return max(forms, key=lambda f: semver_key(f.version), default=None)

    def assessment_ids(self) -> list[str]:
        """The id of every assessment form loaded, once each, in the order first added."""
        return list(dict.fromkeys(d.id for d in self._loaded.values() if isinstance(d, AssessmentForm)))

    def rubric_for(self, form_id: str) -> Rubric | None:
        """The rubric judging this form that was added last (a user's own overrides the shipped one)."""
        return next(
            (d for d in reversed(self._loaded.values()) if isinstance(d, Rubric) and d.form == form_id),
            None,
        )

    def plan_for(self, form_id: str) -> PlanTemplate | None:
        """The plan template for this form that was added last."""
        return next(
            (d for d in reversed(self._loaded.values()) if isinstance(d, PlanTemplate) and d.form == form_id),
            None,
        )

    def all(self) -> list[Definition]:
        """Every definition, by kind (assessments first), id and version."""
        from forms.definition.load import semver_key

        return sorted(
            self._loaded.values(),
            key=lambda d: (FORM_KINDS.index(d.header.kind), d.id, semver_key(d.version)),
        )


def load_registry(extra_dirs: Sequence[Path]) -> tuple[Registry, list[FormError]]:
    """The shipped library, then every `*.toml` in each of `extra_dirs`, and every problem found.

    A definition with problems is left out; the rest still load, so one
    broken file in a team folder does not stop anyone working.  With no
    `extra_dirs` the shipped library is read on first use, and has no
    problems to report: the test suite checks it before every release.
    """
    if not extra_dirs:
        return Registry(_pending=lambda: _read([])[0]), []
    definitions, errors = _read(extra_dirs)
    registry = Registry()
    for definition in definitions:
        registry.add(definition)
    return registry, errors


def _read(extra_dirs: Sequence[Path]) -> tuple[list[Definition], list[FormError]]:
    """The definitions that loaded, in order, and every problem found."""
    from forms.definition.load import load_with_library

    results = load_with_library(extra_dirs)
    return [r.definition for r in results if r.definition is not None], [e for r in results for e in r.errors]

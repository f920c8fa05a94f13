"""Every definition A4 knows: the shipped library, then the user's and team's own folders.

A later place adds to the earlier ones and replaces a definition with the
same kind, id and version, so a trainer can override a shipped form by
copying it into their forms folder without touching the package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from forms.errors import FormError
from forms.load import load_with_library, semver_key
from forms.model import FORM_KINDS, AssessmentForm, Definition, PlanTemplate, Rubric

Key = tuple[str, str, str]
"""(kind, id, version)."""


@dataclass
class Registry:
    """Definitions by (kind, id, version), in the order they were added."""

    _definitions: dict[Key, Definition] = field(default_factory=dict)

    def add(self, definition: Definition) -> None:
        """Add `definition`, replacing one with the same kind, id and version (it then counts as newest)."""
        key = (definition.header.kind, definition.id, definition.version)
        self._definitions.pop(key, None)
        self._definitions[key] = definition

    def assessment(self, form_id: str, version: str | None = None) -> AssessmentForm | None:
        """The assessment form with this id: the given version, or the latest when None."""
        forms = [d for d in self._definitions.values() if isinstance(d, AssessmentForm) and d.id == form_id]
        if version is not None:
            return next((f for f in forms if f.version == version), None)
        return max(forms, key=lambda f: semver_key(f.version), default=None)

    def rubric_for(self, form_id: str) -> Rubric | None:
        """The rubric judging this form that was added last (a user's own overrides the shipped one)."""
        return next(
            (d for d in reversed(self._definitions.values()) if isinstance(d, Rubric) and d.form == form_id),
            None,
        )

    def plan_for(self, form_id: str) -> PlanTemplate | None:
        """The plan template for this form that was added last."""
        return next(
            (
                d
                for d in reversed(self._definitions.values())
                if isinstance(d, PlanTemplate) and d.form == form_id
            ),
            None,
        )

    def all(self) -> list[Definition]:
        """Every definition, by kind (assessments first), id and version."""
        return sorted(
            self._definitions.values(),
            key=lambda d: (FORM_KINDS.index(d.header.kind), d.id, semver_key(d.version)),
        )


def load_registry(extra_dirs: Sequence[Path]) -> tuple[Registry, list[FormError]]:
    """The shipped library, then every `*.toml` in each of `extra_dirs`, and every problem found.

    A definition with problems is left out; the rest still load, so one
    broken file in a team folder does not stop anyone working.
    """
    registry = Registry()
    errors: list[FormError] = []
    for result in load_with_library(extra_dirs):
        errors.extend(result.errors)
        if result.definition is not None:
            registry.add(result.definition)
    return registry, errors

"""Each record's automatic check results, for `a4 check`: what fails, where, and the fix.

Runs the rubric the record's form is judged by (with its plan template)
exactly as the QA panel does, so a script auditing a caseload and the
practitioner at the screen see the same findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from exports.batch import FormCache, select
from exports.escape import for_terminal
from forms.checks.findings import Finding
from forms.checks.library import run_checks
from forms.model import Case, Record
from forms.record.overrides import finding_key, overrides_by_key
from storage.earlier import earlier_answers
from storage.store import Store


@dataclass(frozen=True)
class RecordChecks:
    """One record and what its form's automatic checks find in it (nothing: it passes)."""

    case: Case
    record: Record
    findings: tuple[Finding, ...]
    titles: dict[str, str]
    """Criterion id → title, to say which rule a finding belongs to."""
    checked: bool = True
    """False when no rubric for its form is loaded or kept, so nothing judged it."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.case.ref,
            "record": self.record.id,
            "status": self.record.status,
            "kind": self.record.kind,
            "form": {"id": self.record.form_id, "version": self.record.form_version},
            "checked": self.checked,
            "passes": not self.findings if self.checked else None,
            "findings": [
                {
                    "criterion": f.criterion,
                    "criterion_title": self.titles.get(f.criterion, f.criterion),
                    "check": f.kind,
                    "where": f.path,
                    "message": f.message,
                    **({"suggestion": f.suggestion} if f.suggestion else {}),
                    **({"override": given} if (given := self._override(f)) else {}),
                }
                for f in self.findings
            ],
        }

    def _override(self, finding: Finding) -> dict[str, str]:
        """The practitioner's reason for submitting past `finding` (who, and who acknowledged it), or {}."""
        override = overrides_by_key(self.record).get(finding_key(finding))
        if override is None:
            return {}
        return {"reason": override.reason, "by": override.by, "acknowledged_by": override.acknowledged_by}

    def lines(self) -> list[str]:
        """A heading line for the record, then one line per finding: where, what and the fix.

        For a terminal: a reference, record id or quoted answer an older A4 stored with control
        characters is shown with them as symbols (`for_terminal`).
        """
        state = "passes" if not self.findings else f"{len(self.findings)} to fix"
        if not self.checked:
            state = (
                f"not checked: no rubric for form '{self.record.form_id}' is loaded or kept in this store "
                "(add its file to your forms folder, or pass --forms DIR)"
            )
        head = f"{self.case.ref} {self.record.kind} ({self.record.status}, record {self.record.id}): {state}"
        return [for_terminal(line) for line in (head, *(self._line(f) for f in self.findings))]

    def _line(self, finding: Finding) -> str:
        """ "  where: what", and the reason when the record was submitted past it."""
        line = f"  {finding.path or '(record)'}: {finding.message}"
        if override := self._override(finding):
            by, reason = override["by"] or "the author", override["reason"]
            line += f" [submitted past it by {by}: {reason}]"
        return line


def check_records(
    store: Store, forms: FormCache, refs: Sequence[str], statuses: Iterable[str] = ()
) -> Iterator[RecordChecks]:
    """Each chosen case's latest record (every case without `refs`), only in `statuses` when given."""
    wanted = set(statuses)
    for selected in select(store, refs, all_cases=not refs, since=None, history=False):
        record = selected.record
        if record is None or (wanted and record.status not in wanted):
            continue
        form = forms.form_for(record)
        plan, rubric = forms.companions(form)
        if rubric is None:
            yield RecordChecks(selected.case, record, (), {}, checked=False)
            continue
        results = run_checks(rubric, form, record, plan=plan, previous=earlier_answers(store, record))
        findings = tuple(f for result in results for f in result.findings)
        yield RecordChecks(selected.case, record, findings, {c.id: c.title for c in rubric.criteria})

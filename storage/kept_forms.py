"""Which form a record opens with: the very version it was written against, whatever the files say now.

Trainers change forms, and a form file may be edited, replaced by a newer
version or deleted.  A record names its form's id and version; it opens
with that version from the installed forms when they still have it, else
from the copy the store kept when the record first used it.  So a record
never depends on a file that may change.
"""

from __future__ import annotations

from pathlib import Path

from forms.definition.load import load_text, semver_key
from forms.definition.registry import Registry
from forms.model import AssessmentForm, Definition, PlanTemplate, Record, Rubric
from storage.store import Store


def form_for_record(registry: Registry, store: Store, record: Record) -> AssessmentForm | None:
    """The form version `record` was written against: installed, else the store's copy; None if neither."""
    return registry.assessment(record.form_id, record.form_version) or kept_form(
        store, record.form_id, record.form_version
    )


def kept_form(store: Store, form_id: str, version: str) -> AssessmentForm | None:
    """The store's copy of one version of an assessment form, when it kept one that still loads."""
    text = store.get_definition("assessment", form_id, version)
    if text is None:
        return None
    kept = load_text(text, f"{form_id} {version} (copy kept in the store)").definition
    return kept if isinstance(kept, AssessmentForm) else None


def companions(
    registry: Registry, store: Store, form: AssessmentForm
) -> tuple[PlanTemplate | None, Rubric | None]:
    """The plan template and rubric `form` is used with: the loaded ones, else the newest copies the
    store kept (so a record is still checked and planned by them after their files are gone)."""
    plan = registry.plan_for(form.id)
    rubric = registry.rubric_for(form.id)
    if plan is None:
        found = _newest_kept(store, "plan", form)
        plan = found if isinstance(found, PlanTemplate) else None
    if rubric is None:
        found = _newest_kept(store, "rubric", form)
        rubric = found if isinstance(found, Rubric) else None
    return plan, rubric


def _newest_kept(store: Store, kind: str, form: AssessmentForm) -> Definition | None:
    """The newest kept rubric or plan template (`kind`) that names `form`, read against it."""
    newest: Definition | None = None
    for kept_kind, kept_id, version in store.list_definitions():
        text = store.get_definition(kept_kind, kept_id, version) if kept_kind == kind else None
        if text is None:
            continue
        found = load_text(
            text, f"{kept_id} {version} (copy kept in the store)", assessments={form.id: form}
        ).definition
        if (
            isinstance(found, Rubric | PlanTemplate)
            and found.form == form.id
            and (newest is None or semver_key(found.version) > semver_key(newest.version))
        ):
            newest = found
    return newest


class RecordForms:
    """The form each record was written against, each (id, version) looked up once.

    For commands that read many records (export, stats, the QA queue): the
    installed version, else the store's copy, else — for a record from a
    store that never kept one — the newest installed version of its form.
    """

    def __init__(self, registry: Registry, store: Store) -> None:
        self.registry = registry
        self.store = store
        self._forms: dict[tuple[str, str], AssessmentForm | None] = {}

    def get(self, record: Record) -> AssessmentForm | None:
        key = (record.form_id, record.form_version)
        if key not in self._forms:
            self._forms[key] = form_for_record(self.registry, self.store, record) or self.registry.assessment(
                record.form_id
            )
        return self._forms[key]


def move_to(store: Store, record: Record, old: AssessmentForm, new: AssessmentForm, actor: str) -> Record:
    """`record` (written against `old`) moved to `new` and stored, with what it left behind kept on it.

    The store keeps a copy of `new` first, since the record relies on it from now on.
    Raises `StoreError` when the store refuses.
    """
    from forms.record.carry_over import move_record

    keep_definition(store, new)
    return store.move_to_version(move_record(record, old, new), actor)


def keep_definition(store: Store, form: Definition) -> bool:
    """Give the store its copy of `form` (an assessment, or the rubric or plan template used with one)
    if it has none yet; True when the store now holds one.

    The copy is the file's text, taken only while the file still holds
    exactly the definition in use (a trainer may have saved a change since
    A4 loaded it): a copy must be the version records were written against.
    """
    if store.get_definition(form.header.kind, form.id, form.version) is not None:
        return True
    source = _source_text(form)
    if source is None:
        return False
    store.save_definition(form.header.kind, form.id, form.version, source)
    return True


def _source_text(form: Definition) -> str | None:
    """The TOML text `form` was loaded from, when its file still holds that same definition."""
    try:
        text = Path(form.header.source).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return text if load_text(text, form.header.source).definition == form else None

"""What the storage subcommands share: opening the store and the form, and reporting errors.

Every problem becomes one line on stderr (`a4: what is wrong; what to do`)
and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forms.model import AssessmentForm
    from storage.sqlite import SqliteStore

DEFAULT_FORM = "a4-assessment"


def fail(message: object) -> int:
    print(f"a4: {message}", file=sys.stderr)
    return 1


def open_store(args: argparse.Namespace) -> SqliteStore:
    """The store chosen by `--data-dir` / `A4_DATA_DIR`; raises `StoreError` with a message."""
    from storage.sqlite import open_store as open_sqlite

    return open_sqlite(args.data_dir)


def load_form(args: argparse.Namespace, form_id: str) -> AssessmentForm | None:
    """The newest version of assessment form `form_id`, or `None` after reporting why not."""
    from pathlib import Path

    from forms.registry import load_registry

    registry, _errors = load_registry([Path(d) for d in args.forms])
    form = registry.assessment(form_id)
    if form is None:
        fail(f"there is no assessment form '{form_id}'; `a4 forms check` lists problems in form files")
    return form


def current_user() -> str:
    """Who is running A4: the owner of new cases and the author of new records."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "practitioner"

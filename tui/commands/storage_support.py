"""What the storage subcommands share: opening the store and the form, and reporting errors.

Every problem becomes one line on stderr (`a4: what is wrong; what to do`)
and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forms.model import AssessmentForm
    from storage.store import Store
    from tui.config import Config

DEFAULT_FORM = "a4-assessment"


def fail(message: object) -> int:
    """Say what went wrong in one line on stderr (as symbols, any control character a message quotes)."""
    from exports.escape import for_terminal

    print(f"a4: {for_terminal(str(message))}", file=sys.stderr)
    return 1


def open_store(args: argparse.Namespace) -> Store:
    """The team database named by `--db`, `A4_DATABASE_URL` or the config, else the local store.

    The local store is the one in `--data-dir` / `A4_DATA_DIR`.  Raises `StoreError` with a message.
    """
    from storage.connect import open_store as open_chosen
    from tui.config import config_path

    store = open_chosen(args.data_dir, getattr(args, "db", None), config_file=config_path())
    _config, problems = settings()
    for problem in problems:  # once the store is open: a broken file naming a team database stops it first
        fail(f"warning: {problem}")
    for notice in getattr(store, "notices", ()):  # e.g. today's backup could not be written
        fail(notice)
    return store


def database_url(args: argparse.Namespace) -> str | None:
    """The team database's URL by the same order as `open_store`, or None; raises `StoreError`."""
    from storage.connect import database_url as chosen_url
    from tui.config import config_path

    return chosen_url(getattr(args, "db", None), config_file=config_path())


def load_form(args: argparse.Namespace, form_id: str) -> AssessmentForm | None:
    """The newest version of assessment form `form_id`, or `None` after reporting why not."""
    from pathlib import Path

    from forms.definition.errors import did_you_mean
    from forms.definition.registry import load_registry

    registry, _errors = load_registry([Path(d) for d in args.forms])
    form = registry.assessment(form_id)
    if form is None:
        known = registry.assessment_ids()
        hint = did_you_mean(form_id, known) or "the assessment forms loaded are " + ", ".join(known)
        fail(
            f"there is no assessment form '{form_id}' ({hint}); add the folder of your own forms with "
            "--forms DIR, and `a4 forms check DIR` lists any problems in them"
        )
    return form


def settings() -> tuple[Config, list[str]]:
    """The config file's settings for a command, with its problems (read afresh: the file is small, and
    a cache would outlive a change of `A4_CONFIG` between two calls in one process).

    `open_store` says the problems on stderr as warnings, as the app shows them in a notice: a
    command that said nothing left a practitioner working with defaults (another name as owner,
    another role) without knowing why.  Keys and the theme are not a command's business, so they
    are neither read nor reported here.
    """
    from tui.config import config_path, load_config

    return load_config(config_path(), binding_ids=None, themes=None)


def current_role() -> str:
    """The role of the config file (practitioner, qa_assessor or manager): who may do what on the embedded
    store, which has one user; a team database takes the role from the login instead."""
    return settings()[0].role


def current_user() -> str:
    """Who is running A4: the owner of new cases and the author of new records.

    The `user` of the config file, as the app uses, so `a4 demo` and `a4 new`
    give cases to the practitioner whose caseload the app then shows; else the
    login name.
    """
    from tui.config import default_user

    return settings()[0].user or default_user()

"""The local data folder (the embedded store, its backups, a team store's held saves), kept private.

Order of precedence: the `--data-dir` argument, then `A4_DATA_DIR`, then the
platform's user data folder.  Records are sensitive, so a folder A4 creates
is readable by its owner only (0700) and every database file is 0600.  Both
engines and every export use these rules, so they live beside the `Store`
protocol rather than in one engine.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

DB_NAME = "a4.db"
BACKUP_DIR = "backups"
ENV_VAR = "A4_DATA_DIR"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def resolve_data_dir(arg: str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The data folder to use, without creating it."""
    env = os.environ if environ is None else environ
    if arg:
        return Path(arg).expanduser()
    if env.get(ENV_VAR):
        return Path(env[ENV_VAR]).expanduser()
    return Path(platformdirs.user_data_dir("a4"))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and its missing parents) if missing; each folder A4 creates gets mode 0700.

    An existing folder is left as it is: the user may have pointed A4 at a
    folder they share on purpose, and silently changing it would surprise them.
    """
    missing = []
    folder = path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):  # every folder made, not only the last, is private
        folder.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        folder.chmod(PRIVATE_DIR)  # mkdir's mode is filtered by the umask
    return path


def make_private(*files: Path) -> None:
    """Restrict existing files to their owner (0600); missing ones are skipped."""
    for file in files:
        if file.exists():
            file.chmod(PRIVATE_FILE)


def db_path(data_dir: Path) -> Path:
    """The embedded store's file in `data_dir`."""
    return data_dir / DB_NAME


def backup_dir(data_dir: Path) -> Path:
    """Where backups of the store go, dated ones by `a4 backup` and the rolling daily ones."""
    return data_dir / BACKUP_DIR


def folder_problem(folder: Path, error: OSError) -> str:
    """Why the data folder `folder` cannot be used, and what to do, for `error` met while opening it."""
    where = Path(error.filename) if error.filename else folder
    try:
        owner = folder.stat().st_uid
    except OSError:
        owner = None
    if owner is not None and owner != os.geteuid() and isinstance(error, PermissionError):
        reason = "belongs to another user"
    elif isinstance(error, PermissionError):
        reason = f"cannot be used: {where} is not yours to read or write (permission denied)"
    elif isinstance(error, NotADirectoryError | FileExistsError):
        reason = f"cannot be made: {where} is a file, not a folder"
    else:
        reason = f"cannot be used ({error.strerror or error})"
    return (
        f"The A4 data folder {folder} {reason}. Nothing was changed. "
        "Choose a folder of your own with --data-dir or A4_DATA_DIR."
    )

"""Small choices A4 remembers between sessions for this user (today: the export folder).

Kept in the user's state folder (``platformdirs.user_state_dir("a4")``, or
``A4_STATE_DIR``), one 0600 file per choice, in a 0700 folder.  Nothing
personal goes here: only a folder path the practitioner typed.  A file that
cannot be read or written is treated as "nothing remembered": remembering is
a convenience and never stops an export.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs

from exports.files import write_private
from storage.location import ensure_private_dir

ENV_VAR = "A4_STATE_DIR"
EXPORT_FOLDER = "export-folder"


def state_dir() -> Path:
    """The folder for remembered choices, without creating it."""
    return Path(os.environ.get(ENV_VAR) or platformdirs.user_state_dir("a4"))


def recall(name: str) -> str | None:
    """The value remembered under `name`, or None when there is none (or it cannot be read)."""
    try:
        value = (state_dir() / name).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return value or None


def remember(name: str, value: str) -> None:
    """Keep `value` under `name` for next time; a failure to write is ignored (see the module note)."""
    with contextlib.suppress(OSError):
        write_private(ensure_private_dir(state_dir()) / name, value, replace=True)

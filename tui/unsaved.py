"""Recovery copies: where a record's text goes when the store will not take it, so leaving never loses it.

Leaving a case whose save is refused, quitting anyway, or taking the other
window's text after a conflict writes what was on screen here: JSON from
the shared record codec (so `a4 import FILE` reads it back), 0600 in a 0700
`unsaved` folder inside the local data folder, and the practitioner is
told the path.  If that folder cannot be written, the home folder is tried.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from exports.escape import for_file_name
from forms.model import Record
from forms.record.codec import record_to_dict
from storage.location import ensure_private_dir, resolve_data_dir

UNSAVED_DIR = "unsaved"


def write_copy(record: Record, path: str | Path) -> Path:
    """Write the record as JSON to `path` (~ expanded), readable by its owner only; OSError on failure."""
    target = Path(path).expanduser()
    data = json.dumps(record_to_dict(record), ensure_ascii=False, indent=2)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(data)
    os.chmod(target, 0o600)
    return target


def copy_name(record: Record, now: datetime) -> str:
    """`CASE-YYYYMMDD-HHMMSS-RECORD.json`: sorted by case and time, never two records in one name."""
    case = for_file_name(record.case_ref, fallback="case")
    return f"{case}-{now:%Y%m%d-%H%M%S}-{for_file_name(record.id[:8], fallback='record')}.json"


def keep_unsaved(record: Record, data_folder: Path | None, now: datetime) -> Path:
    """Write a recovery copy of `record` and return its path: the data folder's `unsaved` folder, else the
    home folder.  OSError only when neither can be written (the caller keeps the text on screen)."""
    folder = (data_folder or resolve_data_dir()) / UNSAVED_DIR
    try:
        return write_copy(record, ensure_private_dir(folder) / copy_name(record, now))
    except OSError:
        return write_copy(record, Path.home() / f"a4-unsaved-{copy_name(record, now)}")

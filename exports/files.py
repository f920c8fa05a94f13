"""Writing exports to disk: readable by their owner only, because records are sensitive.

The same mode as the store's own files (`storage.location`): 0600; a folder
for many exports is made with `storage.location.ensure_private_dir` (0700).
"""

from __future__ import annotations

import os
from pathlib import Path

from exports.escape import for_file_name
from storage.location import PRIVATE_FILE


def write_private(path: Path, text: str | bytes) -> Path:
    """Write `text` (UTF-8; bytes as they are, e.g. a PDF) to `path` with mode 0600, even over an existing
    file; OSError on failure."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    data = text.encode("utf-8") if isinstance(text, str) else text
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, PRIVATE_FILE)
    return path


def file_name(case_ref: str, record_id: str, extension: str) -> str:
    """A safe, unique file name for one record's export: its cleaned case reference and record id.

    Both parts go through `for_file_name`, so neither a reference nor an id
    read from an old store or a file can name another folder.
    """
    return f"{for_file_name(case_ref, fallback='case')}-{for_file_name(record_id)}.{extension}"

"""Writing exports to disk: readable by their owner only, because records are sensitive.

The same mode as the store's own files (`storage.location`): 0600; a folder
for many exports is made with `storage.location.ensure_private_dir` (0700).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from exports.escape import for_file_name
from storage.location import PRIVATE_FILE


def write_private(path: Path, text: str | bytes, *, replace: bool = False) -> Path:
    """Write `text` (UTF-8; bytes as they are, e.g. a PDF) to a new file `path`, mode 0600.

    Never through a link: without `replace` the file must not exist at all
    (`FileExistsError`, also for a symlink, even a dangling one: `O_EXCL`
    with `O_NOFOLLOW`); with `replace` the text is written to a new file
    beside it and renamed over `path`, which replaces a link itself, never
    the file it points to, and leaves no half-written file.  OSError on failure.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    if not replace:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return path
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def file_name(case_ref: str, record_id: str, extension: str) -> str:
    """A safe, unique file name for one record's export: its cleaned case reference and record id.

    Both parts go through `for_file_name`, so neither a reference nor an id
    read from an old store or a file can name another folder.
    """
    return f"{for_file_name(case_ref, fallback='case')}-{for_file_name(record_id)}.{extension}"

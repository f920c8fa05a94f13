"""What A4 does with a problem nobody foresaw: one line for the person, a report file for support.

Any exception that reaches the top of the `a4` command or the app ends
here instead of in a Python traceback.  The person reads one line naming
the kind of problem, where in A4 it happened, and the report's path.  The
report (0600, in the data folder) holds only what helps find the fault:
A4 and Python versions, the command, the exception's type and the chain of
code locations.  Never the exception's message, never local variables:
both can hold a person's name or answer text.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from forms import __version__

REPORT_MODE = 0o600


def _frames(error: BaseException) -> list[str]:
    """The code locations the exception passed through (and those of its causes), oldest first."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        block = [f"{type(current).__module__}.{type(current).__qualname__}"]
        block += [
            f"  {_short(f.filename)}:{f.lineno} in {f.name}"
            for f in traceback.extract_tb(current.__traceback__)
        ]
        lines = block + (["caused:"] if lines else []) + lines
        current = current.__cause__ or current.__context__
    return lines


def _short(filename: str) -> str:
    """A path without the home folder or virtualenv in front: `tui/cli.py`, `textual/app.py`."""
    parts = Path(filename).parts
    for anchor in ("site-packages", "tui", "forms", "storage", "exports"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            return "/".join(parts[index + (anchor == "site-packages") :])
    return Path(filename).name


def where(error: BaseException) -> str:
    """The last A4 code location the exception passed through, e.g. `storage/sql/rows.py:108`."""
    own = [
        f for f in traceback.extract_tb(error.__traceback__) if _short(f.filename).split("/")[0] in
        ("tui", "forms", "storage", "exports")
    ]  # fmt: skip
    frame = own[-1] if own else None
    return f"{_short(frame.filename)}:{frame.lineno}" if frame else "A4"


def write_report(error: BaseException, folder: Path | None, command: str) -> Path | None:
    """Write the report into `folder` (else the temporary folder); its path, or None if none could be."""
    text = "\n".join(
        [
            "A4 problem report: send this file to whoever supports A4 for you.",
            "It holds no names and no answer text.",
            f"when: {datetime.now().astimezone().isoformat(timespec='seconds')}",
            f"a4: {__version__}",
            f"python: {platform.python_version()} on {platform.system()} {platform.machine()}",
            f"command: {command}",
            "",
            *_frames(error),
            "",
        ]
    )
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for place in (folder, Path(tempfile.gettempdir())):
        if place is None:
            continue
        path = place / f"a4-problem-{stamp}-{os.getpid()}.txt"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, REPORT_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            return path
        except OSError:
            continue
    return None


def one_line(error: BaseException, report: Path | None) -> str:
    """What the person reads: the kind of problem, where, and where the report is."""
    kinds: dict[type[BaseException], str] = {
        RecursionError: "something nested too deeply",
        MemoryError: "not enough memory",
    }
    kind = kinds.get(type(error), f"an unexpected problem ({type(error).__name__})")
    saved = f"a report was written to {report}" if report else "no report could be written"
    return f"A4 stopped: {kind} in {where(error)}; nothing more was changed, and {saved}."


def report(error: BaseException, data_dir: str | None, command: str) -> str:
    """Write the report (into the data folder when it can) and return the line to show."""
    from storage.location import resolve_data_dir

    try:
        folder: Path | None = resolve_data_dir(data_dir)
        if folder is not None and not folder.is_dir():
            folder = None
    except Exception:  # a report must be written whatever went wrong
        folder = None
    return one_line(error, write_report(error, folder, command))


def main_guard(error: BaseException, data_dir: str | None, command: str) -> int:
    """Report an exception that reached the top of the `a4` command; exit status 1."""
    print(f"a4: {report(error, data_dir, command)}", file=sys.stderr)
    return 1

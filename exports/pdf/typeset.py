"""Typesetting with Typst: one compiler per process, fed the page's content as JSON, never as markup.

The template (`sheet.typ`, beside this file) reads everything it prints
from `sys.inputs`, so text a person wrote is always text: nothing in it can
become a Typst command, and no escaping is needed for this medium beyond
making control characters visible (done where the content is built).

The compiler loads the fonts once (about 0.1 s) and keeps its caches, so
each further page costs only its own layout.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import typst

from exports.pdf.fonts import font_folders

TEMPLATE = Path(__file__).with_name("sheet.typ")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_LOCK = threading.Lock()
"""One compile at a time: the compiler is shared (the app exports from a worker thread)."""


class TypesetError(Exception):
    """Typst could not make the page; `str()` says why, for a bug report."""


@cache
def _compiler() -> typst.Compiler:
    return typst.Compiler(
        str(TEMPLATE),
        root=str(TEMPLATE.parent),
        font_paths=[str(p) for p in font_folders()],
        ignore_system_fonts=True,
    )


def typeset(content: dict[str, Any], *, stamp: datetime | None = None) -> bytes:
    """The PDF for `content` (see sheet.typ for its shape), stamped `stamp` (default: now)."""
    moment = stamp or datetime.now(UTC)
    try:
        with _LOCK:
            pdf = _compiler().compile(
                sys_inputs={"content": json.dumps(content, ensure_ascii=False)},
                timestamp=int(moment.timestamp()),
            )
    except Exception as error:  # typst raises its own TypstError and plain RuntimeErrors alike
        raise TypesetError(f"the PDF could not be typeset: {error}") from error
    assert isinstance(pdf, bytes)
    return pdf


def page_count(pdf: bytes) -> int:
    """How many pages a PDF Typst wrote has (its page objects are never in compressed streams)."""
    return len(_PAGE.findall(pdf))

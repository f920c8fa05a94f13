"""Running the real `a4` command in a fresh process, as a user would (no tests here)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

TIMEOUT_SECONDS = 120
"""Generous: exporting or importing a demo store on a loaded CI machine takes a while."""


def run_a4(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`a4 ARGS…` with this environment plus `env`, its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        env={**os.environ, **(env or {})},
    )


def a4_in(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`a4 ARGS…` on the embedded store in the folder `data`."""
    return run_a4(*args, env={"A4_DATA_DIR": str(data)})

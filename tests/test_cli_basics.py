"""`a4 --help` and `a4 --version` work from a real process, with no traceback."""

from __future__ import annotations

from forms import __version__
from tests.cli_support import run_a4


def test_version_prints_the_package_version() -> None:
    result = run_a4("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"a4 {__version__}"


def test_help_lists_the_subcommands() -> None:
    result = run_a4("--help")
    assert result.returncode == 0
    assert "usage: a4" in result.stdout
    assert "--data-dir" in result.stdout
    assert "Traceback" not in result.stderr

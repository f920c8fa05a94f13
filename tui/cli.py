"""The `a4` command: opens the app, or runs a subcommand for scripts and teams."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from forms import __version__

COMMAND_MODULES: tuple[str, ...] = (
    "forms_cmd",
    "cases_cmd",
    "archive_cmd",
    "new_cmd",
    "case_cmd",
    "demo_cmd",
    "backup_cmd",
    "stats_cmd",
    "export_cmd",
    "check_cmd",
    "import_cmd",
    "schema_cmd",
    "db_cmd",
)
"""Subcommand modules under `tui.commands`, in the order `a4 --help` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="a4",
        description="A4: a probation assessment and sentence plan on one screen. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"a4 {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the embedded store lives (default: $A4_DATA_DIR, else your user data folder)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="use a team's PostgreSQL database, e.g. postgresql://host/dbname "
        "(default: $A4_DATABASE_URL, else `database` in the config file, else the embedded store)",
    )
    parser.add_argument(
        "--forms",
        metavar="DIR",
        action="append",
        default=[],
        help="also load form definitions from DIR (may be given more than once)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"tui.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `a4` console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from tui.app import run_app

            return run_app(args)
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # `a4 cases | head`: the reader has gone; say nothing more.
        sys.stdout = None  # stop the interpreter flushing into the closed pipe
        return 0
    except KeyboardInterrupt:
        print("a4: stopped (Ctrl+C); nothing more was changed.", file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: one line and a report, never a traceback
        from tui.crash_report import main_guard

        return main_guard(error, args.data_dir, args.command or "app")


if __name__ == "__main__":
    sys.exit(main())

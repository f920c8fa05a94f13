"""`a4 forms check|list|schema`: the trainer's tools for writing form definitions.

`check` lists every problem as `file:line:col: key path: message (hint)`, the
shape editors and terminals turn into links, and exits 1 when there is any,
so it can guard a team's forms folder in CI.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("forms", help="check, list and describe form definitions")
    actions = parser.add_subparsers(dest="forms_command", metavar="ACTION", required=True)

    check = actions.add_parser("check", help="check definition files or folders; lists every problem")
    check.add_argument("paths", nargs="+", metavar="PATH", help="a .toml file, or a folder of them")
    check.set_defaults(func=run_check)

    listing = actions.add_parser(
        "list", help="list the forms A4 finds: shipped, your own and --forms folders"
    )
    listing.set_defaults(func=run_list)

    schema = actions.add_parser("schema", help="print the JSON Schema of the format, for editor completion")
    schema.set_defaults(func=run_schema)


def run_check(args: argparse.Namespace) -> int:
    from forms.load import load_paths

    results = load_paths(args.paths)
    problems = [error for result in results for error in result.errors]
    for problem in problems:
        print(problem)
    if problems:
        files = len({problem.file for problem in problems})
        print(f"{_count(len(problems), 'problem')} in {_count(files, 'file')}")
        return 1
    print(f"{_count(len(results), 'definition')} OK")
    return 0


def run_list(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from forms.registry import load_registry
    from tui.config import user_forms_dir

    own = user_forms_dir()
    registry, problems = load_registry([*([own] if own else []), *map(Path, args.forms)])
    rows = [("KIND", "ID", "VERSION", "TITLE", "FILE")] + [
        (d.header.kind, d.id, d.version, d.header.title, d.header.source) for d in registry.all()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{_count(len(problems), 'problem')}: those definitions were left out", file=sys.stderr)
        return 1
    return 0


def run_schema(args: argparse.Namespace) -> int:
    from importlib import resources

    print(resources.files("forms.schema").joinpath("form.schema.json").read_text(encoding="utf-8"), end="")
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

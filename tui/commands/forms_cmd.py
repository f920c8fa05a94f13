"""`a4 forms check|list|schema|new|preview|diff`: the trainer's tools for writing form definitions.

`check` lists every problem as `file:line:col: key path: message (hint)`, the
shape editors and terminals turn into links, and exits 1 when there is any,
so it can guard a team's forms folder in CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exports.escape import for_terminal
from forms.model import FORM_KINDS


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
    schema.add_argument(
        "--write",
        metavar="DIR",
        help="write it as DIR/a4-form.schema.json, the file each form's `#:schema` line names",
    )
    schema.set_defaults(func=run_schema)

    new = actions.add_parser("new", help="write a commented starter definition, valid as written")
    new.add_argument("kind", choices=FORM_KINDS, help="the kind of definition")
    new.add_argument("name", metavar="NAME", help="the new definition's id, also its file name (NAME.toml)")
    new.add_argument("--dir", default=".", metavar="DIR", help="the folder to write it in (default: here)")
    new.add_argument(
        "--form", metavar="ID", help="for a rubric or plan: its assessment's id (default: the shipped one)"
    )
    new.set_defaults(func=run_new)

    preview = actions.add_parser(
        "preview", help="show a definition as a practitioner will see it, reloading on every save"
    )
    preview.add_argument("file", metavar="FILE.toml", help="the definition to show")
    preview.add_argument("--sample", action="store_true", help="fill the record with invented answers")
    preview.set_defaults(func=run_preview)

    diff = actions.add_parser(
        "diff", help="what changed between two versions of a definition, and the version it needs"
    )
    diff.add_argument("old", metavar="OLD.toml", help="the earlier version")
    diff.add_argument("new", metavar="NEW.toml", help="the later version")
    diff.set_defaults(func=run_diff)


def run_check(args: argparse.Namespace) -> int:
    from forms.definition.load import load_paths

    results = load_paths(args.paths)
    problems = [error for result in results for error in result.errors]
    for problem in problems:
        print(for_terminal(str(problem)))
    for form_id, files in _unchecked(results).items():
        print(
            f"{' and '.join(files)}: not checked against form '{form_id}', "
            "which has problems of its own (fix those, then check again)"
        )
    if problems:
        file_count = len({problem.file for problem in problems})
        print(f"{_count(len(problems), 'problem')} in {_count(file_count, 'file')}")
        return 1
    if not results:
        print(
            f"a4: no form definitions (.toml files) in {' or '.join(args.paths)}; nothing was checked "
            "(name the folder or files of your forms, or start one with `a4 forms new assessment NAME`)",
            file=sys.stderr,
        )
        return 1
    print(f"{_count(len(results), 'definition')} OK")
    return 0


def run_list(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from forms.definition.registry import load_registry
    from tui.config import user_forms_dir

    own = user_forms_dir()
    registry, problems = load_registry([*([own] if own else []), *map(Path, args.forms)])
    rows = [("KIND", "ID", "VERSION", "TITLE", "FILE")] + [
        tuple(
            for_terminal(cell) for cell in (d.header.kind, d.id, d.version, d.header.title, d.header.source)
        )
        for d in registry.all()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    for problem in problems:
        print(for_terminal(str(problem)), file=sys.stderr)
    if problems:
        print(f"{_count(len(problems), 'problem')}: those definitions were left out", file=sys.stderr)
        return 1
    return 0


def run_schema(args: argparse.Namespace) -> int:
    from forms.definition.starters import SCHEMA_FILE

    if not args.write:
        print(_schema_text(), end="")
        return 0
    target = Path(args.write) / SCHEMA_FILE
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_schema_text(), encoding="utf-8")
    except OSError as error:
        print(f"a4: cannot write {target} ({error.strerror}); choose another DIR.", file=sys.stderr)
        return 1
    print(f"Wrote {target}: start each form in {target.parent} with the line  #:schema ./{SCHEMA_FILE}")
    return 0


def run_new(args: argparse.Namespace) -> int:
    from forms.definition.errors import did_you_mean
    from forms.definition.reading import FORM_ID
    from forms.definition.registry import load_registry
    from forms.definition.starters import SCHEMA_FILE, starter_text
    from forms.model import AssessmentForm
    from tui.config import user_forms_dir

    if not FORM_ID.fullmatch(args.name):
        print(
            f"a4: '{args.name}' cannot be an id: use lower-case letters, digits, - and _, "
            "starting with a letter or digit.",
            file=sys.stderr,
        )
        return 1
    folder = Path(args.dir)
    target = folder / f"{args.name}.toml"
    if target.exists():
        print(f"a4: {target} already exists; choose another NAME or --dir.", file=sys.stderr)
        return 1
    form = None
    if args.form and args.kind != "assessment":
        own = user_forms_dir()
        registry, _problems = load_registry([*([own] if own else []), *map(Path, args.forms), folder])
        form = registry.assessment(args.form)
        if form is None:
            known = [d.id for d in registry.all() if isinstance(d, AssessmentForm)]
            hint = did_you_mean(args.form, known) or "`a4 forms list` shows the assessment forms A4 finds"
            print(f"a4: there is no assessment form '{args.form}' ({hint}).", file=sys.stderr)
            return 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(starter_text(args.kind, args.name, form), encoding="utf-8")
        (folder / SCHEMA_FILE).write_text(_schema_text(), encoding="utf-8")  # this A4's format, always
    except OSError as error:
        print(f"a4: cannot write in {folder} ({error.strerror}); choose another --dir.", file=sys.stderr)
        return 1
    print(f"Wrote {target}: a starter {args.kind} to change as you need (its notes start with #).")
    print(f"Check it with `a4 forms check {target}`; see it live with `a4 forms preview {target}`.")
    return 0


def run_preview(args: argparse.Namespace) -> int:
    from tui.preview.app import run_preview as preview

    return preview(args)


def run_diff(args: argparse.Namespace) -> int:
    from forms.definition.load import load_file
    from forms.diff.report import diff_definitions, render, version_warnings

    results = [load_file(args.old), load_file(args.new)]
    problems = [error for result in results for error in result.errors]
    for problem in problems:
        print(for_terminal(str(problem)), file=sys.stderr)
    if problems:
        print("a4: fix these problems first (`a4 forms check FILE` lists them too).", file=sys.stderr)
        return 1
    old, new = (result.definition for result in results)
    assert old is not None and new is not None  # a file loaded without errors has its definition
    try:
        diff = diff_definitions(old, new)
    except ValueError as error:
        print(f"a4: {error}", file=sys.stderr)
        return 1
    print(for_terminal(render(diff), multiline=True))
    return 1 if version_warnings(diff) else 0


def _schema_text() -> str:
    from importlib import resources

    return resources.files("forms.definition.schema").joinpath("form.schema.json").read_text(encoding="utf-8")


def _unchecked(results: list) -> dict[str, list[str]]:
    """Rubric and plan files whose assessment form has problems, by that form's id (said once each)."""
    found: dict[str, list[str]] = {}
    for result in results:
        if result.unchecked:
            found.setdefault(result.unchecked, []).append(result.file)
    return found


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

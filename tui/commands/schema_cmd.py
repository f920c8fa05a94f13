"""`a4 schema`: print the JSON Schema of A4's record export, for other systems to validate against."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schema", help="print the JSON Schema of the A4 JSON export (`a4 export --format json`)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from exports.schema import schema_text

    print(schema_text(), end="")
    return 0

"""The options that describe a case, and how they are checked: shared by `a4 new` and `a4 case edit`.

One set of flags and one reading of them, so a name, date or sentence that
`a4 new` refuses is refused in the same words when a case is corrected.
Adding a case gives every option a blank default; correcting one leaves an
option not given as the case has it (`unchanged=True`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forms.model import Case, Sentence

DETAIL_OPTIONS: tuple[str, ...] = (
    "name", "start", "sentence_type", "sentence_length", "sentence_start", "sentence_end", "requirement",
    "court", "national_id",
)  # fmt: skip
"""The `args` attributes these options set: what a correction may change."""


def add_sentence_options(parser: argparse.ArgumentParser, *, unchanged: bool = False) -> None:
    """The sentence or order and the national identifier (all optional); `unchanged`: None when not given."""
    blank = None if unchanged else ""
    context = parser.add_argument_group("the sentence or order (all optional)")
    add = context.add_argument
    add("--sentence-type", default=blank, metavar="TEXT", help="e.g. 'community order', 'licence'")
    add("--sentence-length", default=blank, metavar="TEXT", help="as on the order, e.g. '18 months'")
    add("--sentence-start", default=blank, metavar="YYYY-MM-DD", help="when it began")
    add("--sentence-end", default=blank, metavar="YYYY-MM-DD", help="when it ends")
    add(
        "--requirement", action="append", default=None if unchanged else [], metavar="TEXT",
        help="a requirement or condition, e.g. 'unpaid work: 120 hours' (once for each"
        + ("; given, they replace the case's; --requirement '' clears them)" if unchanged else ")"),
    )  # fmt: skip
    add("--court", default=blank, metavar="TEXT", help="the court that passed it")
    add("--national-id", default=blank, metavar="TEXT", help="the case-management identifier")


def with_details(args: argparse.Namespace, case: Case) -> Case:
    """`case` with the name, start, sentence and national identifier the options give (one not given, None,
    stays as it is), checked as the store checks them; `TextError` or `DateError` naming the option."""
    import dataclasses

    from forms.record.iso_dates import parse_date
    from forms.record.text_rules import check_line

    name = case.name if args.name is None else check_line(args.name.strip(), what="--name")
    if args.start is not None:
        parse_date(args.start, what="--start")
    national_id = args.national_id
    if national_id is not None:
        national_id = check_line(national_id.strip(), what="--national-id", blank=True)
    return dataclasses.replace(
        case,
        name=name,
        start=case.start if args.start is None else args.start,
        sentence=_sentence(args, case.sentence),
        national_id=case.national_id if national_id is None else national_id,
    )


def _sentence(args: argparse.Namespace, sentence: Sentence) -> Sentence:
    """`sentence` with the sentence options given, each checked; dates stay as typed once read."""
    import dataclasses

    from forms.record.iso_dates import parse_date
    from forms.record.text_rules import check_line

    changes: dict[str, Any] = {}
    for field, flag in (("type", "--sentence-type"), ("length", "--sentence-length"), ("court", "--court")):
        if (value := getattr(args, _attribute(flag))) is not None:
            changes[field] = check_line(value.strip(), what=flag, blank=True)
    for field, flag in (("start", "--sentence-start"), ("end", "--sentence-end")):
        if (value := getattr(args, _attribute(flag))) is not None:
            if value:
                parse_date(value, what=flag)
            changes[field] = value
    if args.requirement is not None:
        changes["requirements"] = tuple(
            check_line(r.strip(), what="--requirement") for r in args.requirement if r.strip()
        )
    return dataclasses.replace(sentence, **changes)


def _attribute(flag: str) -> str:
    return flag.removeprefix("--").replace("-", "_")

"""Option lists: `"[V]ery high"` strings or `{ id, label, key }` tables → `Option`s.

Options, grid rows, columns and levels share these rules, so one reader
serves them all: ids come from the words unless fixed in a table, the key in
square brackets answers the option, and options without one get the first
free letter or digit of their words.  Keys and ids must be unique within the list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forms.definition.locate import Path
from forms.definition.reading import LIST, Context, describe, slug
from forms.model import Option

OPTION_KEYS: tuple[str, ...] = ("id", "label", "key")
"""Keys of an option written as a table."""

OPTION_ID = re.compile(r"[a-z0-9][a-z0-9_]*")

YESNO_OPTIONS: tuple[Option, ...] = (Option("yes", "Yes", "y"), Option("no", "No", "n"))

_BRACKETS = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True)
class _Entry:
    path: Path
    id: str
    label: str
    key: str
    """The key as written, "" when it is to be assigned."""
    id_path: Path
    """Where the id comes from: the `id` key of a table, else the option itself."""


def read_options(
    ctx: Context, table: Mapping[str, Any], path: Path, key: str, *, required: bool
) -> tuple[Option, ...]:
    """The option list under `key`, with every problem in it reported."""
    value = ctx.get(table, path, key, LIST, required=required)
    if value is None:
        return ()
    if required and not value:
        ctx.error(
            (*path, key), f"'{key}' needs at least one entry", f'add some, e.g. {key} = ["[Y]es", "[N]o"]'
        )
    entries = [
        e
        for i, item in enumerate(value)
        if not _repeated(ctx, (*path, key), value, i, key) and (e := _entry(ctx, (*path, key, i), item))
    ]
    ctx.unique([(e.id_path, e.id) for e in entries], _ENTRY_WORDS.get(key, "option"))
    keys = _assign_keys(ctx, entries)
    return tuple(Option(e.id, e.label, k) for e, k in zip(entries, keys, strict=True))


_ENTRY_WORDS = {"options": "option", "rows": "row", "columns": "column", "levels": "level"}


def _repeated(ctx: Context, path: Path, items: list[Any], index: int, key: str) -> bool:
    """Whether item `index` is an exact copy of an earlier one (reported once, as a copy, not as a clash)."""
    item = items[index]
    if item not in items[:index]:
        return False
    first = ctx.spot((*path, items.index(item))).line
    word = _ENTRY_WORDS.get(key, "entry")
    ctx.error((*path, index), f"this {word} repeats the one on line {first}", "remove the copy")
    return True


def _entry(ctx: Context, path: Path, item: Any) -> _Entry | None:
    if isinstance(item, str):
        return _from_string(ctx, path, item)
    if isinstance(item, dict):
        ctx.check_keys(item, path, OPTION_KEYS)
        label = ctx.text(item, path, "label", required=True)
        option_id = (
            ctx.ident(item, path, pattern=OPTION_ID) if "id" in item else _derived_id(ctx, path, label)
        )
        written = ctx.text(item, path, "key")
        if written and not _is_key(written):
            ctx.error(
                (*path, "key"),
                f"key must be one letter or digit, got '{written}'",
                'write one, e.g. key = "v"',
            )
            written = ""
        id_path = (*path, "id") if "id" in item else path
        return _Entry(path, option_id, label, written.lower(), id_path) if label and option_id else None
    ctx.error(
        path,
        f"expected a string or a table, got {describe(item)}",
        'write "[V]ery high" or { id = "very_high", label = "Very high" }',
    )
    return None


def _from_string(ctx: Context, path: Path, text: str) -> _Entry | None:
    brackets = _BRACKETS.findall(text)
    if len(brackets) > 1:
        ctx.error(
            path, "only one key may be put in square brackets", "keep the brackets around one letter only"
        )
        return None
    if brackets and not _is_key(brackets[0]):
        ctx.error(
            path,
            f"the key in brackets must be one letter or digit, got '[{brackets[0]}]'",
            "e.g. '[V]ery high'",
        )
        return None
    label = _BRACKETS.sub(lambda m: m.group(1), text).strip()
    option_id = _derived_id(ctx, path, label)
    key = brackets[0].lower() if brackets else ""
    return _Entry(path, option_id, label, key, path) if option_id else None


def _derived_id(ctx: Context, path: Path, label: str) -> str:
    option_id = slug(label)
    if not option_id:
        ctx.error(
            path,
            f"cannot make an id from '{label}'",
            'write it as a table: { id = "…", label = "…" }',
        )
    return option_id


def _is_key(text: str) -> bool:
    return len(text) == 1 and text.isascii() and text.isalnum()


def _assign_keys(ctx: Context, entries: list[_Entry]) -> list[str]:
    """Written keys first (clashes reported), then the first free letter or digit for the rest."""
    used: dict[str, _Entry] = {}
    for entry in entries:
        if not entry.key:
            continue
        if entry.key in used:
            ctx.error(
                entry.path,
                f"key '{entry.key}' is already used by '{used[entry.key].label}'",
                _free_key_hint(entry.label, used),
            )
        else:
            used[entry.key] = entry
    keys = []
    for entry in entries:
        key = entry.key or _first_free(entry.label, used)
        if key and not entry.key:
            used[key] = entry
        keys.append(key)
    return keys


def _first_free(label: str, used: Mapping[str, object]) -> str:
    return next((ch for ch in label.lower() if ch.isascii() and ch.isalnum() and ch not in used), "")


def _free_key_hint(label: str, used: Mapping[str, object]) -> str:
    free = _first_free(label, used)
    return f"put another letter in brackets, e.g. '[{free}]'" if free else "put another letter in brackets"

"""The user's own settings: keys, theme, name and role, from one TOML file.

The file lives in the platform's user config folder (``config.toml`` in
``platformdirs.user_config_dir("a4")``); ``A4_CONFIG`` points elsewhere, which
tests and shared machines use.  A missing file simply means defaults.

A bad file must never stop anyone working: every problem becomes one line
for a person (``file:line:col: what is wrong (what to do)``), the offending
entry falls back to its default, and the rest of the file still applies.
A syntax error drops the whole file, since nothing in it can be trusted.

Example::

    user = "sam.jones"
    role = "practitioner"
    theme = "a4-high-contrast"

    [keys]
    "caseload.new" = "ctrl+k"
    "app.help" = "f1,f2"
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

from forms.definition.errors import did_you_mean
from forms.definition.nesting import read_toml

ENV_VAR = "A4_CONFIG"
FILE_NAME = "config.toml"
DEFAULT_THEME = "a4-dark"
ROLES: tuple[str, ...] = ("practitioner", "qa_assessor", "manager")
KNOWN_SETTINGS: tuple[str, ...] = ("keys", "theme", "user", "role", "database")

_KEY_NAME = re.compile(r"^[a-z0-9_+\-]+$")


def default_user() -> str:
    """The operating-system login name; a placeholder when the system cannot say (some containers)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "practitioner"


@dataclass(frozen=True)
class Config:
    """Settings after validation: every field holds a usable value."""

    keys: Mapping[str, str] = field(default_factory=dict)
    """Binding id → comma-separated keys, as `App.set_keymap` takes them."""
    theme: str = DEFAULT_THEME
    user: str = field(default_factory=default_user)
    role: str = "practitioner"
    database: str = ""
    """A team's PostgreSQL URL (`storage.connect` reads it); empty for the embedded store."""
    path: Path | None = None
    """The file the settings came from, or None when there was none."""


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the config file is read from: `A4_CONFIG`, else the user config folder."""
    env = os.environ if environ is None else environ
    if env.get(ENV_VAR):
        return Path(env[ENV_VAR]).expanduser()
    return Path(platformdirs.user_config_dir("a4")) / FILE_NAME


def user_forms_dir() -> Path | None:
    """The user's own forms folder (`forms` beside the config file), if they have made one."""
    folder = Path(platformdirs.user_config_dir("a4")) / "forms"
    return folder if folder.is_dir() else None


def _line_of(text: str, key: str, table: str | None = None) -> int:
    """The 1-based line where `key` is set (inside `[table]` when given); 1 when it cannot be found.

    `tomllib` gives no positions for values, so this finds the assignment in
    the text; good enough to send a person to the right line.
    """
    in_table = table is None
    pattern = re.compile(rf"""^\s*(["']?){re.escape(key)}\1\s*=""")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = table is not None and stripped.strip("[] ") == table
            continue
        if in_table and pattern.match(line):
            return number
    return 1


def _check_keys(
    raw: object, text: str, where: str, binding_ids: Callable[[], Collection[str]], problems: list[str]
) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.append(
            f"{where}:{_line_of(text, 'keys')}:1: keys: expected a table like [keys] "
            '"caseload.new" = "ctrl+k" (using the default keys)'
        )
        return {}
    keys: dict[str, str] = {}
    known = binding_ids() if raw else ()
    for binding_id, value in raw.items():
        position = f"{where}:{_line_of(text, binding_id, 'keys')}:1"
        if binding_id not in known:
            problems.append(
                f"{position}: keys.{binding_id}: no such key binding"
                f"{_did_you_mean(binding_id, known)}; press F1 in A4 to see them (ignored)"
            )
        elif not isinstance(value, str) or not value.strip():
            problems.append(
                f'{position}: keys.{binding_id}: expected a text such as "ctrl+k" or "f2,ctrl+k" (ignored)'
            )
        elif bad := [k for k in value.split(",") if not _KEY_NAME.match(k.strip())]:
            problems.append(
                f"{position}: keys.{binding_id}: {bad[0].strip()!r} is not a key name; "
                'write keys like "ctrl+k", "f2" or "question_mark" (ignored)'
            )
        else:
            keys[binding_id] = ",".join(k.strip() for k in value.split(","))
    return keys


def _did_you_mean(word: str, choices: Collection[str]) -> str:
    """A " (did you mean 'x'?)" hint for a misspelling, or nothing when no choice is close."""
    hint = did_you_mean(word, choices)
    return f" ({hint})" if hint else ""


def parse_config(
    text: str,
    where: str,
    *,
    binding_ids: Callable[[], Collection[str]] | None,
    themes: Collection[str] | None,
) -> tuple[Config, list[str]]:
    """Settings from the text of a config file, with one line per problem found.

    `binding_ids()` and `themes` are what the running app offers, so that a
    misspelt id or theme is caught here rather than silently doing nothing.
    The ids are asked for only when the file remaps keys: finding them means
    importing every screen, which most start-ups need not wait for.  A command
    that has no keys or theme passes None for them: those settings are then
    neither read nor judged, so it reports only what it uses.
    """
    path = Path(where)
    data, problem = read_toml(text, where)
    if data is None:
        return Config(path=path), [f"{problem}; fix the file (using all defaults meanwhile)"]

    problems: list[str] = []
    config = Config(path=path)
    for name in data:
        if name not in KNOWN_SETTINGS:
            problems.append(
                f"{where}:{_line_of(text, name)}:1: {name}: unknown setting"
                f"{_did_you_mean(name, KNOWN_SETTINGS)}; known: {', '.join(KNOWN_SETTINGS)} (ignored)"
            )
    if "keys" in data and binding_ids is not None:
        config = replace(config, keys=_check_keys(data["keys"], text, where, binding_ids, problems))
    for name, allowed in (("theme", themes), ("role", ROLES), ("user", None), ("database", None)):
        if name not in data or (name == "theme" and themes is None):
            continue
        value = data[name]
        position = f"{where}:{_line_of(text, name)}:1"
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{position}: {name}: expected a text in quotes (using the default)")
        elif allowed is not None and value not in allowed:
            problems.append(
                f"{position}: {name}: {value!r} is not one of {', '.join(sorted(allowed))}"
                f"{_did_you_mean(value, allowed)} (using the default)"
            )
        else:
            changes: dict[str, Any] = {name: value.strip()}
            config = replace(config, **changes)
    return config, problems


def load_config(
    path: Path,
    *,
    binding_ids: Callable[[], Collection[str]] | None,
    themes: Collection[str] | None,
) -> tuple[Config, list[str]]:
    """Settings from `path` (defaults when it does not exist), with one line per problem found."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(), []
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not readable UTF-8 text"
        return Config(), [f"{path}: cannot read the config file ({reason}); using all defaults"]
    return parse_config(text, str(path), binding_ids=binding_ids, themes=themes)

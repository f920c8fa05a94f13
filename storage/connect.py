"""Which store A4 opens: a team's PostgreSQL database when one is named, else the local SQLite file.

Order of precedence, first found wins:

1. `a4 --db postgresql://…`
2. the `A4_DATABASE_URL` environment variable
3. `database = "postgresql://…"` in the config file
4. the embedded SQLite store in the data folder (the default)

The PostgreSQL engine (and psycopg) is imported only when a URL is given,
so a practitioner on the embedded store never pays for it at start-up.
Keep passwords out of the URL: libpq reads `~/.pgpass` and `PGPASSWORD`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from forms.definition.nesting import read_toml
from storage.location import ensure_private_dir, resolve_data_dir
from storage.store import Store, StoreError

ENV_VAR = "A4_DATABASE_URL"
CONFIG_KEY = "database"
SCHEMES = ("postgresql://", "postgres://")


def database_url(
    arg: str | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> str | None:
    """The team database's URL by the order above, or `None` for the embedded store.

    Raises `StoreError` for a value that is not a PostgreSQL URL, naming where it came from.
    """
    env = os.environ if environ is None else environ
    choices: tuple[tuple[Callable[[], str | None], str], ...] = (
        (lambda: arg, "--db"),
        (lambda: env.get(ENV_VAR), ENV_VAR),
        (lambda: _from_config(config_file), f"`{CONFIG_KEY}` in {config_file}"),
    )
    for read, source in choices:  # read lazily: --db or the variable overrides a config that is broken
        if value := read():
            if not value.startswith(SCHEMES):
                raise StoreError(
                    f"{source} must be a PostgreSQL address like postgresql://host/dbname, not {value!r}. "
                    "Leave it out to use the local store."
                )
            return value
    return None


def _from_config(path: Path | None) -> str | None:
    """The config file's `database` value; a missing file means none.

    A broken file is the settings' problem, reported where they are read (`tui.config`), and its
    other settings fall back to their defaults.  Its `database` cannot: opening the embedded store
    because the line naming the team's database has a typo would take a team practitioner's next
    case to a file nobody else sees.  So a broken file that sets `database` (or that cannot be read
    at all) stops A4 with the place to fix, unless `--db` or the variable already chose the store.
    """
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not readable UTF-8 text"
        raise _unsure_which_store(f"{path}: cannot read the config file ({reason})") from None
    data, problem = read_toml(text, str(path))
    if data is not None:
        value = data.get(CONFIG_KEY)
        return value if isinstance(value, str) else None
    if _SETS_DATABASE.search(text):
        raise _unsure_which_store(problem)
    return None


_SETS_DATABASE = re.compile(rf"""^[ \t]*["']?{CONFIG_KEY}["']?[ \t]*=""", re.MULTILINE)
"""A line of the config file that sets `database`, found in a file too broken to read as TOML."""


def _unsure_which_store(problem: str) -> StoreError:
    return StoreError(
        f"{problem}; the config file names a team database, so A4 will not guess which store to open: "
        f"fix the file, or choose the store with --db or {ENV_VAR}"
    )


def open_store(
    data_dir: str | None = None,
    database: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
    now: Callable[[], datetime] | None = None,
    backup_in_background: bool = False,
) -> Store:
    """The store chosen by `--db`, `A4_DATABASE_URL`, the config file, else `--data-dir`'s SQLite file.

    A team store is wrapped so that saves made while the server is away are
    held in the local data folder's recovery files (see `storage.postgres.recovery`),
    and the saves held by an earlier session are saved now if the server takes them.
    `backup_in_background`: the SQLite file's daily backup is written in a thread (`SqliteStore`).
    """
    url = database_url(database, environ, config_file)
    if url is None:
        from storage.sqlite.store import open_store as open_sqlite

        return open_sqlite(data_dir, now=now, backup_in_background=backup_in_background)
    from storage.postgres.recovery import RecoveringStore
    from storage.postgres.store import PostgresStore

    store = RecoveringStore(
        PostgresStore(url, now=now), ensure_private_dir(resolve_data_dir(data_dir, environ))
    )
    store.save_held()
    return store


def open_file_store(path: Path, *, now: Callable[[], datetime] | None = None) -> Store:
    """The embedded store in the file `path`, whatever team database is configured: for throw-away
    records such as the form preview's, which must never reach a team's server."""
    from storage.sqlite.store import SqliteStore

    return SqliteStore(path, now=now)

"""A real, throw-away PostgreSQL server for the tests and the benchmark: initdb + pg_ctl in a temp folder.

No mocks: the team engine is tested against the same server binaries a team
would run.  The server listens on a Unix socket inside its own folder only
(no TCP port), so nothing outside this machine can reach it and two runs
never collide.

Root: CI runs as root, and PostgreSQL refuses to run as root.  Then the
server runs as an unprivileged system user: `postgres` when the package
made one, else `a4pg`, created on first use with `useradd`.  Commands are
started through `runuser`/`setpriv` as that user; the folder is handed to
it with `chown`.  The tests themselves still connect as root through the
socket (root may open any folder).

Binaries are found on PATH, then in Debian's `/usr/lib/postgresql/*/bin`.
If none are found, or the server does not start, `PgServer.start` raises
`PgServerError` with what to install or what the server said: the tests
fail loudly rather than skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "a4super"
SUPERUSER_PASSWORD = "super-secret-for-tests"
PORT = 5432
"""Only names the socket file: the server listens on no TCP port."""

FAST = ("fsync = off", "synchronous_commit = off", "full_page_writes = off")
"""Settings that make a test server quick; never used for the benchmark or a real team."""


class PgServerError(RuntimeError):
    """The test server could not be found or started; the message says why and what to do."""


def find_binary(name: str) -> str:
    """`initdb`, `pg_ctl`…: on PATH, else in the newest Debian PostgreSQL folder."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    raise PgServerError(
        f"The PostgreSQL server program `{name}` was not found on PATH or in /usr/lib/postgresql/*/bin. "
        "Install the server (Debian: `apt-get install postgresql`); `.ci/run` does this on a fresh machine."
    )


def server_user() -> str | None:
    """The unprivileged user to run the server as, or `None` when we are not root (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "a4pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    try:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "a4pg"],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        try:  # another test process (pytest-xdist) made it first
            pwd.getpwnam("a4pg")
            return "a4pg"
        except KeyError:
            pass
        detail = getattr(exc, "stderr", "") or exc
        raise PgServerError(
            "Running as root, the test server needs an unprivileged user, and `useradd a4pg` failed: "
            f"{detail}"
        ) from None
    return "a4pg"


def as_user(user: str | None, command: Sequence[str]) -> list[str]:
    """`command`, run as `user` when we are root."""
    if user is None:
        return list(command)
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *command]
    entry = pwd.getpwnam(user)
    return ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups", *command]


class PgServer:
    """One PostgreSQL cluster in a temporary folder; `start()`, then `url(...)`, then `stop()`."""

    def __init__(self, *, fast: bool = True) -> None:
        self.fast = fast
        self.user = server_user()
        self.folder = Path(tempfile.mkdtemp(prefix="a4-pg-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "socket"
        self.log = self.folder / "server.log"
        self.running = False

    # ------------------------------------------------------------ life

    def start(self) -> PgServer:
        initdb = find_binary("initdb")
        find_binary("pg_ctl")  # fail early, before initdb, if the server half is missing
        self.socket_dir.mkdir()
        password_file = self.folder / "pw"
        password_file.write_text(SUPERUSER_PASSWORD + "\n")
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            for path in (self.folder, self.socket_dir, password_file):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._run(
            [initdb, "-D", str(self.data), "-U", SUPERUSER, f"--pwfile={password_file}",
             "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"],
            "initdb",
        )  # fmt: skip
        password_file.unlink()
        settings = [
            f"unix_socket_directories = '{self.socket_dir}'",
            "listen_addresses = ''",
            f"port = {PORT}",
        ]
        settings += list(FAST) if self.fast else []
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# a4 tests\n" + "".join(f"{s}\n" for s in settings))
        self.restart()
        return self

    def stop(self, *, mode: str = "fast") -> None:
        """Stop the server (it may be started again with `restart`)."""
        if self.running:
            self._run([find_binary("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"], "stop")
            self.running = False

    def restart(self) -> None:
        """Start a stopped server again, with the same settings and data."""
        self._run([find_binary("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "start"], "start")
        self.running = True

    def destroy(self) -> None:
        try:
            self.stop(mode="immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, command: list[str], what: str) -> None:
        try:
            subprocess.run(
                as_user(self.user, command), check=True, capture_output=True, text=True, timeout=120
            )
        except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            said = getattr(exc, "stderr", "") or str(exc)
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PgServerError(
                f"The PostgreSQL test server failed at `{what}` (running as {self.user or 'this user'}): "
                f"{said.strip()}\n{log}"
            ) from None

    # ------------------------------------------------------------ addresses

    def url(self, dbname: str = "postgres", user: str = SUPERUSER, password: str = SUPERUSER_PASSWORD) -> str:
        """A connection URL through the server's socket."""
        return (
            f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@/{dbname}"
            f"?host={quote(str(self.socket_dir), safe='')}&port={PORT}"
        )


# ---------------------------------------------------------------- a team on the server

TEMPLATE = "a4_template"
ADMIN = "a4_test_admin"
TEAM: dict[str, tuple[tuple[str, ...], str]] = {
    ADMIN: (("a4_admin",), "office"),
    "sam": (("a4_practitioner",), "north"),
    "jo": (("a4_practitioner",), "north"),
    "ali": (("a4_practitioner",), "south"),
    "kim": (("a4_qa_assessor",), "north"),
    "max": (("a4_qa_assessor",), "south"),
    "lee": (("a4_practitioner", "a4_qa_assessor"), "north"),
}
"""Test logins: their group roles and team.  Lee writes assessments and also countersigns."""


TEST_FORM = 'id = "f"\nkind = "assessment"\nversion = "1"\nrisk_level = "rosh.level"\n'
"""The text of the bare test form `f` version 1 the template database holds."""


def password(login: str) -> str:
    return f"pw-{login}"


class TeamServer:
    """A started `PgServer` with the A4 schema in a template database and a team of logins.

    Each test gets its own database copied from the template (`new_database`),
    which takes milliseconds, so tests never see each other's cases.
    """

    def __init__(self, server: PgServer) -> None:
        import psycopg

        from storage.postgres.schema import initialise

        self.server = server
        self._count = 0
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
            for login in TEAM:
                conn.execute(f"CREATE ROLE {login} LOGIN PASSWORD '{password(login)}'")
        with psycopg.connect(server.url(TEMPLATE), autocommit=True) as conn:
            initialise(conn)
            for login, (groups, team) in TEAM.items():
                conn.execute(f"GRANT {', '.join(groups)} TO {login}")
                conn.execute("INSERT INTO a4.staff (login, team) VALUES (%s, %s)", (login, team))
            # The bare form many tests name; records may only name a definition the database holds.
            conn.execute(
                "INSERT INTO a4.definitions (kind, id, version, source, saved_at, sha256) "
                "VALUES ('assessment', 'f', '1', %s, '', encode(sha256(convert_to(%s, 'UTF8')), 'hex'))",
                (TEST_FORM, TEST_FORM),
            )

    def new_database(self) -> str:
        """A fresh copy of the template: schema, roles and staff, no cases."""
        import psycopg

        self._count += 1
        name = f"a4_test_{os.getpid()}_{self._count}"
        with psycopg.connect(self.server.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.server.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def url(self, dbname: str, login: str = ADMIN) -> str:
        return self.server.url(dbname, login, password(login))


@contextmanager
def running_team() -> Iterator[TeamServer]:
    """A new server with the A4 schema and a team of logins, destroyed afterwards."""
    server = PgServer()
    try:
        yield TeamServer(server.start())
    finally:
        server.destroy()

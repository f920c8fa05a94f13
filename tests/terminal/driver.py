"""Drive the real `a4` command in a pseudo-terminal and read its screen as a person would see it.

Free of pytest on purpose: tests and benches (bench/) both import it.

The app runs as `sys.executable -m tui.cli` in a pty of a fixed size, with its
own data and config folders (`A4_DATA_DIR`, `A4_CONFIG`), so nothing of the
user's is touched.  Keys are written as an xterm writes them (escape
sequences for arrows, End, Ctrl+End, F-keys; bracketed paste), with whatever
gaps the caller wants.  Everything the app draws is fed to a `pyte` terminal
emulator on a reader thread, so `screen_text()` is what is on screen now and
`wait_for()` waits until some text appears (or says what was there instead).

    with A4Terminal.start(data_dir, size=(120, 40), user="pat") as term:
        term.wait_for("Caseload")
        term.press("enter")
        term.type("some words", gap=0.05)
        term.press("ctrl+q")
        term.wait_exit()
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from pathlib import Path

import pyte

REPO = Path(__file__).resolve().parents[2]

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"

_NAMED: dict[str, str] = {
    "enter": "\r",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "escape": "\x1b",
    "backspace": "\x7f",
    "delete": "\x1b[3~",
    "space": " ",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "ctrl+home": "\x1b[1;5H",
    "ctrl+end": "\x1b[1;5F",
    "ctrl+up": "\x1b[1;5A",
    "ctrl+down": "\x1b[1;5B",
    "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~",
    "f1": "\x1bOP",
    "f2": "\x1bOQ",
    "f3": "\x1bOR",
    "f4": "\x1bOS",
    "f5": "\x1b[15~",
    "f6": "\x1b[17~",
    "f7": "\x1b[18~",
    "f8": "\x1b[19~",
    "f9": "\x1b[20~",
    "f10": "\x1b[21~",
    "f11": "\x1b[23~",
    "f12": "\x1b[24~",
}


def key_bytes(key: str) -> str:
    """What an xterm sends for a key named as Textual names it ("down", "ctrl+end", "f2", "ctrl+s", "x").

    Alt+key is sent as ESC then the key, as most terminals do (the reason Alt is not terminal-safe).
    """
    name = key.lower() if len(key) > 1 else key
    if name in _NAMED:
        return _NAMED[name]
    if name.startswith("alt+"):
        return "\x1b" + key_bytes(key[4:])
    if name.startswith("ctrl+") and len(name) == 6 and name[5].isalpha():
        return chr(ord(name[5]) - ord("a") + 1)
    if len(key) == 1:
        return key
    raise ValueError(f"no terminal sequence known for key {key!r}")


class ScreenTimeout(AssertionError):
    """Raised when text did not appear in time; carries the screen as it was, for the failure message."""


class A4Terminal:
    """One running `a4` in a pty, its screen read through `pyte`."""

    def __init__(self, process: subprocess.Popen[bytes], master: int, size: tuple[int, int]) -> None:
        self.process = process
        self.master = master
        self.columns, self.lines = size
        self._screen = pyte.Screen(self.columns, self.lines)
        self._stream = pyte.ByteStream(self._screen)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._last_output = time.monotonic()
        self._closed = False
        self._reader = threading.Thread(target=self._read, name="a4-pty-reader", daemon=True)
        self._reader.start()

    # -- starting and stopping -------------------------------------------------------------

    @classmethod
    def start(
        cls,
        data_dir: Path,
        *,
        size: tuple[int, int] = (120, 40),
        user: str | None = "pat",
        role: str | None = None,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        config_text: str | None = None,
        command: Sequence[str] | None = None,
    ) -> A4Terminal:
        """Start `a4 [args]` on the store in `data_dir` in a pty of `size` (columns, lines).

        A config file is written beside the data folder naming `user` (and `role`),
        unless `config_text` gives the whole file.  `command` runs something else in
        the same terminal and environment instead (the benches' bare Textual floors).
        """
        data_dir.mkdir(parents=True, exist_ok=True)
        config = data_dir.parent / f"{data_dir.name}-config.toml"
        if config_text is None:
            lines = [f'user = "{user}"'] if user else []
            if role:
                lines.append(f'role = "{role}"')
            config_text = "\n".join(lines) + "\n"
        config.write_text(config_text, encoding="utf-8")
        inherited = {k: v for k, v in os.environ.items() if k not in ("A4_DATABASE_URL", "TEXTUAL")}
        environment = {
            **inherited,
            "A4_DATA_DIR": str(data_dir),
            "A4_CONFIG": str(config),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "COLUMNS": str(size[0]),
            "LINES": str(size[1]),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")])),
            **(env or {}),
        }
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        process = subprocess.Popen(
            [*command, *args] if command is not None else [sys.executable, "-m", "tui.cli", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            cwd=str(REPO),
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
            close_fds=True,
        )
        os.close(slave)
        return cls(process, master, size)

    def __enter__(self) -> A4Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the app if still running (SIGTERM, then SIGKILL) and release the pty."""
        if self.process.poll() is None:
            with _suppress():
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                with _suppress():
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=3)
        self._closed = True
        self._reader.join(timeout=2)
        with _suppress():
            os.close(self.master)

    def kill(self) -> None:
        """SIGKILL the app: no chance to save anything."""
        with _suppress():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=5)

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait for the app to quit by itself; its exit code (raises ScreenTimeout with the screen)."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ScreenTimeout(f"a4 did not quit within {timeout}s; screen:\n{self.screen_text()}") from None

    # -- keys -------------------------------------------------------------------------------

    def send(self, data: str) -> None:
        """Write raw characters to the terminal's input, as a terminal does."""
        payload = data.encode("utf-8")
        while payload:
            written = os.write(self.master, payload)
            payload = payload[written:]

    def press(self, *keys: str, gap: float = 0.0) -> None:
        """Press keys by name ("down", "ctrl+end", "f2", "x"), `gap` seconds apart."""
        for index, key in enumerate(keys):
            if index and gap:
                time.sleep(gap)
            self.send(key_bytes(key))

    def type(self, text: str, gap: float = 0.0) -> None:
        """Type `text` one character at a time, `gap` seconds apart (0: one burst, as a fast repeat)."""
        if not gap:
            self.send(text.replace("\n", "\r"))
            return
        for index, char in enumerate(text):
            if index:
                time.sleep(gap)
            self.send("\r" if char == "\n" else char)

    def paste(self, text: str) -> None:
        """Paste `text` as a terminal with bracketed paste does."""
        self.send(PASTE_START + text + PASTE_END)

    # -- the screen ------------------------------------------------------------------------

    def _read(self) -> None:
        while not self._closed:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
            except (OSError, ValueError):
                return
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            arrived = time.monotonic()
            with self._changed:
                self._stream.feed(chunk)
                self._last_output = arrived
                self._changed.notify_all()

    def screen_lines(self) -> list[str]:
        """The screen now, one string per line (trailing spaces kept off)."""
        with self._lock:
            return [line.rstrip() for line in self._screen.display]

    def screen_text(self) -> str:
        """The screen now as one string."""
        return "\n".join(self.screen_lines())

    def title(self) -> str:
        """The window title as the terminal holds it (set by OSC 0 or 2): what a person's title bar shows."""
        with self._lock:
            return str(self._screen.title)

    def cursor(self) -> tuple[int, int]:
        """Where the terminal's cursor is (column, line)."""
        with self._lock:
            return self._screen.cursor.x, self._screen.cursor.y

    def wait_for(self, text: str, timeout: float = 10.0) -> float:
        """Wait until `text` is on screen; seconds it took.  Raises ScreenTimeout showing the screen."""
        started = time.monotonic()
        deadline = started + timeout
        with self._changed:
            while True:
                if any(text in line for line in self._screen.display):
                    return time.monotonic() - started
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    break
                self._changed.wait(min(left, 0.1))
        raise ScreenTimeout(f"{text!r} not on screen after {timeout}s; screen:\n{self.screen_text()}")

    def wait_until(self, predicate: Callable[[str], bool], timeout: float = 10.0) -> float:
        """Wait until `predicate(screen text)` holds; the monotonic time the output that made it hold arrived.

        The time is taken when the bytes were read from the pty (before the waiter wakes), so a
        bench measuring key-to-screen is not charged for this thread being scheduled late.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if predicate("\n".join(line.rstrip() for line in self._screen.display)):
                    return self._last_output
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    break
                self._changed.wait(min(left, 0.1))
        raise ScreenTimeout(f"screen not as wanted after {timeout}s; screen:\n{self.screen_text()}")

    def wait_output_after(self, moment: float, timeout: float = 10.0) -> float:
        """Wait for the first output read after monotonic time `moment` (a frame drawn since); its time."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._last_output <= moment:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ScreenTimeout(f"nothing drawn within {timeout}s; screen:\n{self.screen_text()}")
                self._changed.wait(min(left, 0.1))
            return self._last_output

    def wait_gone(self, text: str, timeout: float = 10.0) -> None:
        """Wait until `text` is no longer on screen."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while any(text in line for line in self._screen.display):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ScreenTimeout(f"{text!r} still on screen after {timeout}s:\n{self.screen_text()}")
                self._changed.wait(min(left, 0.1))

    def wait_quiet(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until the app has drawn nothing for `quiet` seconds (it has caught up with the keys)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                since = time.monotonic() - self._last_output
            if since >= quiet:
                return
            time.sleep(min(quiet - since, 0.05) + 0.001)

    def has(self, text: str) -> bool:
        """Whether `text` is on screen now."""
        return any(text in line for line in self.screen_lines())


def _suppress() -> suppress:
    return suppress(OSError, ProcessLookupError)

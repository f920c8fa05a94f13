"""The keys that matter now, on one line at the foot of every A4 screen.

Textual's own `Footer` builds a widget per key and rebuilds them all each
time the keys change (every focus move).  On the caseload that rebuild was
the largest single cost of starting A4 (about 40 ms of a 330 ms start), and
in the case screen it ran on every Tab.  `KeyBar` draws the same line as one
widget and only repaints when the keys change, so it costs next to nothing.

It shows the keys of the focused widget and the screen (those whose binding
says `show`), dims the ones that cannot act now, keeps the command-palette
key at the right (the palette reaches every action), and ends with "…" when
a narrow terminal cannot hold them all: the palette and the key help
(`?`/F1) still list everything.  A click on a key presses it.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

PALETTE_ACTION = "command_palette"
"""The app's action that opens the command palette, whatever key it is mapped to."""

MORE = " …"
"""Ends the line when some keys did not fit."""


class Shown(NamedTuple):
    """One key as the bar shows it."""

    key: str
    label: str
    description: str
    enabled: bool


class KeyBar(Widget, can_focus=False):
    """One line of `key description` pairs for what the focused screen can do now."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str]] = []
        """Where each drawn key is (start, end column) and the key it presses, for clicks."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._keys_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _keys_changed(self, _screen: object) -> None:
        self.refresh()

    def shown_keys(self) -> tuple[list[Shown], Shown | None]:
        """The keys to show (one per action, in binding order), and the command palette's key apart."""
        keys: list[Shown] = []
        palette: Shown | None = None
        actions: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.action == PALETTE_ACTION:
                palette = self._shown(binding, enabled)
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                keys.append(self._shown(binding, enabled))
        return keys, palette

    def _shown(self, binding: Binding, enabled: bool) -> Shown:
        return Shown(binding.key, self.app.get_key_display(binding), binding.description, enabled)

    def render(self) -> Text:
        keys, palette = self.shown_keys()
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        width = self.size.width
        tail = self._entry(palette, key_style, description_style) if palette else Text()
        room = width - tail.cell_len - len(MORE)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for index, shown in enumerate(keys):
            entry = self._entry(shown, key_style, description_style)
            last = index == len(keys) - 1
            if line.cell_len + entry.cell_len > (room + len(MORE) if last else room):
                line.append(MORE, description_style)
                break
            self._spans.append((line.cell_len, line.cell_len + entry.cell_len, shown.key))
            line.append_text(entry)
        if palette:
            gap = max(1, width - line.cell_len - tail.cell_len)
            line.append(" " * gap)
            self._spans.append((line.cell_len, line.cell_len + tail.cell_len, palette.key))
            line.append_text(tail)
        return line

    @staticmethod
    def _entry(shown: Shown, key_style: Style, description_style: Style) -> Text:
        """` key description ` with the key in bold; dim when the key cannot act now."""
        dim = Style(dim=not shown.enabled)
        entry = Text.assemble((f" {shown.label} ", key_style + dim))
        if shown.description:
            entry.append(f"{shown.description} ", description_style + dim)
        return entry

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return

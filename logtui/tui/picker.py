"""``logtui open`` with no name: a small list of the configured sources to pick from.

Each row shows a source's name, its API and where it connects (URL, profile or zone, never a
credential); ``space`` marks or unmarks the highlighted one, ``enter`` opens the marked ones
(the highlighted one when none is marked), ``escape``/``q`` leaves without opening anything.
Names and targets come from the user's config file but are shown as plain text all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from logtui.core.named_sources import NamedSource
from logtui.core.sanitize import safe_line

__all__ = ["SourcePicker", "pick_sources"]


class SourcePicker(App[list[str]]):
    """Lists the sources; returns the names picked, in the order listed (empty: none)."""

    CSS = """
    Static#title { padding: 0 1; text-style: bold; }
    OptionList { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "mark", id="logtui.picker.toggle"),
        Binding("enter", "open", "open", priority=True, id="logtui.picker.open"),
        Binding("escape,q", "leave", "quit", id="logtui.picker.quit"),
    ]

    def __init__(self, sources: Sequence[NamedSource]) -> None:
        super().__init__()
        self.sources = list(sources)
        self.marked: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static("Sources to open (space: mark, enter: open)", id="title")
        yield OptionList(*(Option(self._label(s), id=s.name) for s in self.sources))
        yield Footer()

    def _label(self, source: NamedSource) -> Text:
        mark = "[x]" if source.name in self.marked else "[ ]"
        return Text(
            f"{mark} {safe_line(source.name)}  {safe_line(source.api)}  {safe_line(source.target)}"
        )

    def _highlighted(self) -> NamedSource | None:
        index = self.query_one(OptionList).highlighted
        return self.sources[index] if index is not None and self.sources else None

    def action_mark(self) -> None:
        """Mark or unmark the highlighted source."""
        source = self._highlighted()
        if source is None:
            return
        self.marked ^= {source.name}
        options = self.query_one(OptionList)
        options.replace_option_prompt(source.name, self._label(source))

    def action_open(self) -> None:
        """Open the marked sources (else the highlighted one)."""
        names = [s.name for s in self.sources if s.name in self.marked]
        if not names and (source := self._highlighted()) is not None:
            names = [source.name]
        self.exit(names)

    def action_leave(self) -> None:
        """Leave without opening anything."""
        self.exit([])


def pick_sources(sources: Sequence[NamedSource]) -> list[str]:
    """Run the picker on the terminal; the names picked (empty when none or left)."""
    return SourcePicker(sources).run() or []

"""The command palette provider: every dashboard action, findable by name (``ctrl+p``)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from logtui.tui.actions import APP_ACTIONS


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    """A palette entry: a name, a line of help, and the app action it runs."""

    title: str
    help: str
    action: str


EXTRA_COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("Go to oldest entry", "Move the cursor to the oldest entry (g).",
                   "stream('first')"),
    PaletteCommand("Go to newest entry", "Jump to the newest entry and follow it (G).",
                   "stream('last')"),
    PaletteCommand("Show detail of selected entry", "Open the detail pane (enter).",
                   "stream('select')"),
    PaletteCommand("Open view…", "Pick a saved view and show the stream as it says.",
                   "open_view"),
    PaletteCommand("Clear filter", "Remove the filter expression and show every entry.",
                   "clear_filter"),
    PaletteCommand("Wrap long rows", "Wrap long rows over several lines, or not (w).",
                   "stream('toggle_wrap')"),
    PaletteCommand("Mark selected entry", "Mark or unmark the selected entry (m).",
                   "stream('toggle_mark')"),
    PaletteCommand("Next mark", "Jump to the next marked entry (]).", "stream('next_mark')"),
    PaletteCommand("Previous mark", "Jump to the previous marked entry ([).",
                   "stream('previous_mark')"),
    PaletteCommand("Next search match", "Jump to the next entry the search matches (n).",
                   "stream('next_match')"),
    PaletteCommand("Previous search match",
                   "Jump to the previous entry the search matches (N).",
                   "stream('previous_match')"),
)
"""Palette entries for actions bound on the stream pane, or not bound at all."""


def palette_commands(
    toggle_fields: tuple[str, ...] = (), local_fields: Collection[str] = ()
) -> Iterator[PaletteCommand]:
    """Every command the palette offers, app actions first; a toggle of ``local_fields`` is
    said to filter here, any other to filter on the server."""
    for action in APP_ACTIONS:
        yield PaletteCommand(action.title, action.help, action.action)
    yield from EXTRA_COMMANDS
    for field in toggle_fields:
        where = "applied here, to the entries" if field in local_fields else "server-side"
        yield PaletteCommand(
            f"Toggle {field} filter",
            f"Cycle the {field} filter ({where}) to its next value.",
            f"cycle_toggle({field!r})",
        )


class DashboardCommands(Provider):
    """Offers :func:`palette_commands` for the running dashboard."""

    def _commands(self) -> list[PaletteCommand]:
        fields: tuple[str, ...] = getattr(self.app, "toggle_fields", ())
        local: tuple[str, ...] = getattr(self.app, "local_toggle_fields", ())
        return list(palette_commands(fields, local))

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, partial(self.app.run_action, command.action),
                               help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title),
                          partial(self.app.run_action, command.action), help=command.help)

"""Every dashboard action in one table: its key, binding id, and what it does.

The app's bindings, the help screen and the command palette are all built from this table, so
they cannot drift apart. Each binding has an id, so a user keymap (binding id -> keys) can remap
any of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class DashboardAction:
    """One thing the user can ask the dashboard to do."""

    id: str
    """The binding id, the name a keymap uses (``logtui.filter``)."""
    keys: str
    """Default keys, comma-separated in Textual's key names."""
    action: str
    """The Textual action it runs on the app."""
    title: str
    """A short name for the footer and the command palette."""
    help: str
    """One sentence for the help screen and the palette."""
    key_display: str | None = None
    show: bool = True
    """Shown in the footer."""
    priority: bool = False
    """Checked before the focused widget sees the key (so keys typed right after it are not
    raced by the binding)."""

    def binding(self) -> Binding:
        """This action as a Textual binding with its id."""
        return Binding(
            self.keys,
            self.action,
            self.title,
            show=self.show,
            key_display=self.key_display,
            priority=self.priority,
            id=self.id,
        )


APP_ACTIONS: Final[tuple[DashboardAction, ...]] = (
    DashboardAction("logtui.filter", "slash", "focus_filter", "Filter",
                    "Type a filter expression; enter applies it.", "/", priority=True),
    DashboardAction("logtui.help", "question_mark", "help", "Help",
                    "List every key.", "?"),
    DashboardAction("logtui.quit", "q", "quit", "Quit", "Leave logtui."),
    DashboardAction("logtui.back", "escape", "to_stream", "Back",
                    "Leave the filter input and return to the stream.", "esc", show=False),
    DashboardAction("logtui.pause", "space", "toggle_pause", "Pause",
                    "Pause the view (ingest goes on, new entries are counted) or resume it.",
                    "space"),
    DashboardAction("logtui.follow", "end,f", "follow", "Follow",
                    "Jump to the newest entry and keep following.", "f"),
    DashboardAction("logtui.stats", "s", "toggle_stats", "Stats",
                    "Show or hide the stats pane."),
    DashboardAction("logtui.histogram_span", "H", "cycle_histogram", "Span",
                    "Cycle the stats histogram's span: 1 min, 5 min, 1 h, all counted "
                    "(+ and - zoom while the stats pane has focus).", show=False),
    DashboardAction("logtui.detail", "d", "toggle_detail", "Detail",
                    "Show or hide the detail pane."),
    DashboardAction("logtui.trace", "t", "trace", "Trace",
                    "Filter the stream to the selected entry's trace (request and response).",
                    show=False),
    DashboardAction("logtui.copy", "c", "copy_entry", "Copy",
                    "Copy the selected entry as JSON to the clipboard (OSC 52, works over ssh).",
                    show=False),
    DashboardAction("logtui.copy_field", "C", "copy_field", "Copy field",
                    "Pick one field of the selected entry and copy its value.", show=False),
    DashboardAction("logtui.columns", "vertical_line", "columns", "Columns",
                    "Choose, order and resize the stream's columns; any payload field can be "
                    "one (data.durationMs). Kept per source.", "|", show=False),
    DashboardAction("logtui.open", "o", "open_entry", "Open",
                    "Read the selected entry as pretty JSON in $PAGER (else $EDITOR, else "
                    "less); the dashboard waits until it exits.", show=False),
    DashboardAction("logtui.search", "ctrl+f", "search", "Search",
                    "Search the rows without hiding any (literal, any case; ~ starts a regex); "
                    "n and N jump between matches. / filters instead.", "^f"),
    DashboardAction("logtui.zone", "z", "toggle_zone", "Zone",
                    "Show times in UTC or in the local zone (filters like time>=14:30 and "
                    "export names follow).", show=False),
    DashboardAction("logtui.sources", "S", "sources", "Sources",
                    "With several sources: each one's state, resume id, counters, last error "
                    "and retry time.", show=False),
    DashboardAction("logtui.goto", "T", "goto_time", "Go to time…",
                    "Move the stream to a time (14:00, -15m, an ISO time); older than the "
                    "buffer loads the server's history first, esc stops.", show=False),
    DashboardAction("logtui.reconnect", "r", "reconnect", "Reconnect",
                    "Drop any wait and reconnect to the source now.", show=False),
    DashboardAction("logtui.export", "e", "export", "Export",
                    "Write the filtered view to an NDJSON file (path asked)."),
    DashboardAction("logtui.save_view", "v", "save_view", "Save view as…",
                    "Save the filter, columns, time zone, theme and panes by name; "
                    "logtui --view NAME opens them again (credentials are never saved).",
                    show=False),
)
"""Actions bound on the app, active wherever focus is (unless an input takes the key).

The footer shows them in this order and cuts what does not fit, so help and quit come first.
"""

STREAM_KEYS: Final[tuple[tuple[str, str], ...]] = (
    ("stream.down", "Move the cursor down (pauses the view)."),
    ("stream.up", "Move the cursor up (pauses the view); from the first row, load older "
                  "entries from the server."),
    ("stream.page_down", "Move a page down."),
    ("stream.page_up", "Move a page up (from the first row, load older entries)."),
    ("stream.first", "Go to the oldest entry (again: load older entries from the server)."),
    ("stream.last", "Go to the newest entry and follow it."),
    ("stream.detail", "Show the detail of the selected entry."),
    ("stream.wrap", "Wrap long rows over several lines, or show one line per entry."),
    ("stream.left", "Scroll the row text back left (the time stays in place)."),
    ("stream.right", "Scroll the row text right, to read a long URL or message."),
    ("stream.mark", "Mark or unmark the selected entry (▌ in the margin)."),
    ("stream.next_mark", "Jump to the next marked entry."),
    ("stream.previous_mark", "Jump to the previous marked entry."),
    ("stream.next_match", "Jump to the next entry the search matches."),
    ("stream.previous_match", "Jump to the previous entry the search matches."),
)
"""Binding ids of the stream pane and their help (the keys come from the pane's bindings)."""

FILTER_KEYS: Final[tuple[tuple[str, str], ...]] = (
    ("filter.history_back", "Recall an earlier expression."),
    ("filter.history_forward", "Recall a later expression."),
)
"""Binding ids of the filter input and their help (enter and esc are the input's own)."""

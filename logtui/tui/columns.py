"""The stream's columns for one source: restored at start, chosen with ``|``, saved.

The glue between the column chooser, the stream pane and :mod:`logtui.core.column_prefs`:
the app holds one :class:`ColumnSettings` and asks it to restore, open the chooser and apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from logtui.core.column_prefs import (
    ColumnChoice,
    ColumnPrefs,
    build_columns,
    default_choices,
    source_key,
)
from logtui.core.models import Entry
from logtui.core.paths import config_dir
from logtui.tui.screens.columns import ColumnChooser
from logtui.tui.screens.field_picker import MAX_FIELDS, flat_fields
from logtui.tui.widgets.stream_view import StreamView


class ColumnSettings:
    """The column choices of one source (API and URL) and where they are kept."""

    def __init__(self, kind: str, url: str, directory: Path | None = None) -> None:
        """``url`` is the source's description; the URL in it names the source."""
        self.kind = kind
        # A status line reads "proxy http://host/path": the URL is the part with a scheme.
        url = next((word for word in url.split() if "://" in word), url)
        self.key = source_key(kind, url)
        self.prefs = ColumnPrefs(directory if directory is not None else config_dir())
        self.defaults = default_choices(kind)
        self.choices: tuple[ColumnChoice, ...] = self.defaults
        """The columns shown now."""

    def restore(self, stream: StreamView) -> None:
        """Show the columns saved for this source, if any."""
        saved = self.prefs.load(self.key)
        if saved:
            self.show(stream, saved)

    def show(self, stream: StreamView, choices: Sequence[ColumnChoice]) -> None:
        """Show ``choices`` in the stream pane."""
        self.choices = tuple(choices)
        exact = frozenset(choice.field for choice in self.choices if choice.width is not None)
        stream.set_columns(build_columns(self.kind, self.choices), exact)

    def chooser(self, entry: Entry | None) -> ColumnChooser:
        """The chooser over the columns shown now, suggesting ``entry``'s fields."""
        fields = [path for path, _ in flat_fields(entry.data)][:MAX_FIELDS] if entry else []
        return ColumnChooser(self.kind, self.choices, self.defaults, fields)

    def choose(self, stream: StreamView, choices: Sequence[ColumnChoice]) -> str | None:
        """Show and save ``choices`` (the defaults are saved as no choice); returns what went
        wrong saving them, else ``None``."""
        self.show(stream, choices)
        try:
            self.prefs.save(self.key, None if self.choices == self.defaults else self.choices)
        except OSError as error:
            return f"columns not saved in {self.prefs.path.parent}: {error.strerror or error}"
        return None

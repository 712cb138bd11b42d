"""The stream pane's columns as the user chose them, kept per source in the config directory.

A choice is a column name: one of the API profile's own columns (``time``, ``level``, ``url``:
its extractor and style are kept) or any payload field by its dotted path (``data.durationMs``),
and optionally a width the user set. The choices are saved per source, keyed by the API's name
and the source URL without credentials (:func:`logtui.core.redact.scrub_url`), in one small JSON
file written atomically; an unreadable or tampered file is ignored (the profile's defaults
apply), never fatal. Standard library only: no UI concern here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from logtui.core.apis import profile_for
from logtui.core.columns import Column, field_text
from logtui.core.private_file import write_private
from logtui.core.redact import scrub_url

FILE_NAME: Final = "columns.json"
"""The file under the config directory."""
FORMAT: Final = 1
"""The file's format number; another one is ignored."""
FIELD_WIDTH: Final = 16
"""The width cap of a payload field column the user added (until resized)."""
MIN_WIDTH: Final = 3
MAX_WIDTH: Final = 120
"""The narrowest and widest a user may make a column."""
MAX_COLUMNS: Final = 24
"""The most columns one source keeps (a tampered file cannot make the row layout crawl)."""
MAX_SOURCES: Final = 200
"""The most sources the file remembers; the oldest choices go first."""
_PATH: Final = re.compile(r"[A-Za-z0-9_@$-]{1,64}(?:\.[A-Za-z0-9_@$-]{1,64}){0,7}")
"""A field path a column may name: plain dotted names (nothing to sanitise in a header)."""


@dataclass(frozen=True, slots=True)
class ColumnChoice:
    """One column the user wants: a profile column's name or a payload field's dotted path."""

    field: str
    width: int | None = None
    """The width the user set, or ``None`` for the column's own."""


def valid_field(path: str) -> bool:
    """Whether ``path`` can name a column (dotted plain names, at most eight deep)."""
    return _PATH.fullmatch(path) is not None


def clamp_width(width: int) -> int:
    """A width within what a column may be given."""
    return max(MIN_WIDTH, min(MAX_WIDTH, width))


def default_choices(kind: str) -> tuple[ColumnChoice, ...]:
    """The API profile's columns, at their own widths."""
    return tuple(ColumnChoice(column.name) for column in profile_for(kind).columns)


def build_columns(kind: str, choices: Sequence[ColumnChoice]) -> tuple[Column, ...]:
    """The columns for ``choices``: profile columns keep their extractor and style, other names
    read that payload field; a width the user set replaces the column's own."""
    own = {column.name: column for column in profile_for(kind).columns}
    columns: list[Column] = []
    for choice in choices:
        column = own.get(choice.field) or Column(
            choice.field, FIELD_WIDTH, field_text(*choice.field.split("."))
        )
        if choice.width is not None:
            column = replace(column, width=clamp_width(choice.width))
        columns.append(column)
    return tuple(columns)


def source_key(kind: str, url: str) -> str:
    """Which source the choices belong to: the API and its URL without credentials."""
    return f"{kind} {scrub_url(url)}"


class ColumnPrefs:
    """Reads and writes the column choices of every source in ``directory/columns.json``."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory).expanduser() / FILE_NAME

    def load(self, key: str) -> tuple[ColumnChoice, ...] | None:
        """The saved choices for ``key``; ``None`` if there are none or they are unusable."""
        sources = self._read()
        raw = sources.get(key)
        if not isinstance(raw, list) or not raw:
            return None
        choices: list[ColumnChoice] = []
        for item in raw[:MAX_COLUMNS]:
            if not isinstance(item, dict):
                return None
            field = item.get("field")
            width = item.get("width")
            if not isinstance(field, str) or not valid_field(field):
                return None
            if width is not None and (isinstance(width, bool) or not isinstance(width, int)):
                return None
            choices.append(ColumnChoice(field, None if width is None else clamp_width(width)))
        return tuple(choices)

    def save(self, key: str, choices: Sequence[ColumnChoice] | None) -> None:
        """Keep ``choices`` for ``key`` (``None`` forgets them); raises ``OSError`` on failure."""
        sources = self._read()
        sources.pop(key, None)  # re-inserted last: the newest choices are kept longest
        if choices is not None:
            sources[key] = [
                {"field": choice.field, "width": choice.width} for choice in choices
            ]
        while len(sources) > MAX_SOURCES:
            sources.pop(next(iter(sources)))
        self._write(json.dumps({"format": FORMAT, "sources": sources}, indent=1))

    def _read(self) -> dict[str, Any]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            return {}
        sources = document.get("sources")
        return dict(sources) if isinstance(sources, dict) else {}

    def _write(self, payload: str) -> None:
        write_private(self.path, payload)


__all__ = [
    "ColumnChoice",
    "ColumnPrefs",
    "build_columns",
    "clamp_width",
    "default_choices",
    "source_key",
    "valid_field",
]

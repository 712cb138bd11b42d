"""Columns: a name, a width and an extractor per cell; each API profile lists its own.

A column is a name, a width, a function that pulls the cell's text out of an entry, and a style
key naming how the cell should look. Values come straight from the wire and are *not* sanitised
here: this module stays free of any UI concern, and whoever draws a cell passes it through
``logtui.core.sanitize`` first. Style keys are plain strings (``"level-error"``, ``"status-5xx"``,
``"blocked"``) that the UI maps to colours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from logtui.core.apis import profile_for
from logtui.core.eventtime import entry_time, format_clock, time_text
from logtui.core.models import Entry

Extractor = Callable[[Entry], str]
"""Pulls one cell's raw (unsanitised) text out of an entry."""

Styler = Callable[[Entry], str]
"""Names the style of one cell, or ``""`` for the row's default."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the stream pane for a source."""

    name: str
    """The header shown above the column."""
    width: int
    """Width in cells; for a ``flex`` column, the minimum width."""
    extract: Extractor
    """The cell's raw text."""
    style: Styler | None = None
    """The cell's style key; ``None`` uses the row's style key."""
    flex: bool = False
    """Takes the space the fixed columns leave."""
    align_right: bool = False
    """Numbers read better right-aligned."""
    priority: int = 5
    """On a narrow screen the lowest priorities are dropped first (0-9)."""


def field_text(*path: str) -> Extractor:
    """An extractor for a (nested) field, rendered as text; missing fields are empty."""

    def extract(entry: Entry) -> str:
        value: Any = entry.data
        for part in path:
            if not isinstance(value, Mapping):
                return ""
            value = value.get(part)
        return text(value)

    return extract


def text(value: Any) -> str:
    """A field value as cell text: ``None`` is empty, lists are comma-joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(_reason_name(item) for item in value)
    return str(value)


def _reason_name(item: Any) -> str:
    """NextDNS reasons are objects ``{id, name}``; show the name."""
    if isinstance(item, Mapping):
        return text(item.get("name", item.get("id", "")))
    return text(item)


def time_cell(entry: Entry) -> str:
    """The entry's own time (else its arrival) as a clock."""
    return time_text(entry)


def level_key(entry: Entry) -> str:
    """The style key of a row by its ``level`` (errors also by a 5xx status)."""
    level = str(entry.data.get("level", "")).lower()
    if level in {"error", "fatal", "critical"}:
        return "level-error"
    if level in {"warn", "warning"}:
        return "level-warn"
    if level == "debug":
        return "level-debug"
    return status_key(entry) or "level-info"


def status_key(entry: Entry) -> str:
    """The style key of an HTTP status cell: ``status-2xx`` .. ``status-5xx``, or ``""``."""
    value = entry.data.get("status", entry.data.get("EdgeResponseStatus"))
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
        return f"status-{value // 100}xx"
    return ""


def columns_for(kind: str) -> tuple[Column, ...]:
    """The stream pane's columns for a source (its API profile's)."""
    return profile_for(kind).columns


def row_style_key(kind: str, entry: Entry) -> str:
    """How a whole row should look (by level or status); ``""`` for the default."""
    return profile_for(kind).row_style(entry)


def layout_widths(columns: tuple[Column, ...], total: int, gap: int = 1) -> list[int]:
    """Each column's width for a row ``total`` cells wide; 0 for a column that does not fit.

    Flex columns share what the fixed columns leave. When even the minimum widths do not fit,
    columns are dropped lowest ``priority`` first (the rightmost of equal priority first).
    """
    kept = list(range(len(columns)))

    def needed(indexes: list[int]) -> int:
        return sum(columns[i].width for i in indexes) + gap * max(0, len(indexes) - 1)

    while len(kept) > 1 and needed(kept) > total:
        victim = min(reversed(kept), key=lambda i: columns[i].priority)
        kept.remove(victim)
    flexes = [i for i in kept if columns[i].flex]
    spare = total - needed(kept)
    widths = [0] * len(columns)
    for i in kept:
        widths[i] = columns[i].width
    for position, i in enumerate(flexes):
        share = spare // len(flexes) + (1 if position < spare % len(flexes) else 0)
        widths[i] += max(0, share)
    return widths


__all__ = [
    "Column",
    "Extractor",
    "Styler",
    "columns_for",
    "entry_time",
    "field_text",
    "format_clock",
    "layout_widths",
    "level_key",
    "row_style_key",
    "status_key",
    "text",
    "time_cell",
]

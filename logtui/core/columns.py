"""Which fields each source shows as one row, and how wide: shared by the dashboard and exports.

A column is a name, a width, a function that pulls the cell's text out of an entry, and a style
key naming how the cell should look. Values come straight from the wire and are *not* sanitised
here: this module stays free of any UI concern, and whoever draws a cell passes it through
``logtui.core.sanitize`` first. Style keys are plain strings (``"level-error"``, ``"status-5xx"``,
``"blocked"``) that the UI maps to colours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from logtui.core.eventtime import entry_time, format_clock, time_text
from logtui.core.models import Entry, SourceKind

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


def _field(*path: str) -> Extractor:
    """An extractor for a (nested) field, rendered as text; missing fields are empty."""

    def extract(entry: Entry) -> str:
        value: Any = entry.data
        for part in path:
            if not isinstance(value, Mapping):
                return ""
            value = value.get(part)
        return _text(value)

    return extract


def _text(value: Any) -> str:
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
        return _text(item.get("name", item.get("id", "")))
    return _text(item)


def _time(entry: Entry) -> str:
    return time_text(entry)


def _request_path(entry: Entry) -> str:
    """Instant Logs ``ClientRequestPath``, else the path of ``ClientRequestURI`` (the default
    fields carry only the URI)."""
    path = entry.data.get("ClientRequestPath")
    if path is None:
        uri = entry.data.get("ClientRequestURI")
        path = uri.split("?", 1)[0] if isinstance(uri, str) else uri
    return _text(path)


def _duration(entry: Entry) -> str:
    data = entry.data.get("data")
    value = data.get("durationMs") if isinstance(data, Mapping) else None
    if value is None:
        value = entry.data.get("durationMs")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.0f}ms"
    return _text(value)


def _byte_size(entry: Entry) -> str:
    """``EdgeResponseBytes`` in short binary units (``512``, ``12.3k``, ``4.0M``)."""
    value = entry.data.get("EdgeResponseBytes")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return _text(value)
    size, unit = float(value), ""
    for larger in ("k", "M", "G"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    return f"{size:.1f}{unit}" if unit else f"{size:.0f}"


def _url_or_message(entry: Entry) -> str:
    """The request URL; for an event (no URL), its message or name instead."""
    url = entry.data.get("url")
    if url not in (None, ""):
        return _text(url)
    nested = entry.data.get("data")
    if isinstance(nested, Mapping):
        for key in ("message", "event"):
            if nested.get(key) not in (None, ""):
                return _text(nested[key])
    return _text(entry.data.get("message"))


def level_key(entry: Entry) -> str:
    """The style key of a proxy-logs row: by level, errors also by a 5xx status."""
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


def dns_key(entry: Entry) -> str:
    """The style key of a NextDNS row: blocked, allowed, error or default."""
    status = str(entry.data.get("status", "")).lower()
    if status in {"blocked", "allowed", "error"}:
        return f"dns-{status}"
    return "dns-default"


def generic_key(entry: Entry) -> str:
    """The style key of a generic row: by a ``level`` field if the payload has one."""
    if "level" in entry.data:
        return level_key(entry)
    return "level-info" if entry.is_json else "text"


def _message(entry: Entry) -> str:
    data = entry.data
    for key in ("message", "msg", "value"):
        if key in data and len(data) == 1:
            return _text(data[key])
    return entry.raw


PROXY_COLUMNS: Final[tuple[Column, ...]] = (
    Column("time", 12, _time, priority=9),
    Column("level", 5, _field("level"), priority=8),
    Column("kind", 8, _field("kind"), priority=6),
    Column("method", 6, _field("method"), priority=5),
    Column("status", 6, _field("status"), style=status_key, align_right=True, priority=8),
    Column("service", 11, _field("serviceName"), priority=4),
    Column("url", 16, _url_or_message, flex=True, priority=9),
    Column("duration", 8, _duration, align_right=True, priority=7),
)
"""proxy-logs: what an operator scans a request log for."""

NEXTDNS_COLUMNS: Final[tuple[Column, ...]] = (
    Column("time", 12, _time, priority=9),
    Column("status", 7, _field("status"), priority=8),
    Column("domain", 20, _field("domain"), flex=True, priority=9),
    Column("device", 16, _field("device", "name"), priority=7),
    Column("protocol", 14, _field("protocol"), priority=3),
    Column("reasons", 14, _field("reasons"), priority=6),
)
"""NextDNS: which device asked for what, and whether it was blocked and why."""

INSTANT_LOGS_COLUMNS: Final[tuple[Column, ...]] = (
    Column("time", 12, _time, priority=9),
    Column(
        "status", 6, _field("EdgeResponseStatus"), style=status_key, align_right=True, priority=8
    ),
    Column("method", 6, _field("ClientRequestMethod"), priority=6),
    Column("host", 18, _field("ClientRequestHost"), priority=7),
    Column("path", 16, _request_path, flex=True, priority=9),
    Column("country", 7, _field("ClientCountry"), priority=5),
    Column("cache", 9, _field("CacheCacheStatus"), priority=4),
    Column("bytes", 7, _byte_size, align_right=True, priority=4),
    Column("ray", 16, _field("RayID"), priority=3),
)
"""Instant Logs: the request line and the edge's answer."""

GENERIC_COLUMNS: Final[tuple[Column, ...]] = (
    Column("time", 12, _time, priority=9),
    Column("message", 20, _message, flex=True),
)
"""Any SSE stream: arrival time and the payload."""

_BY_KIND: Final[Mapping[SourceKind, tuple[tuple[Column, ...], Styler]]] = {
    SourceKind.PROXY: (PROXY_COLUMNS, level_key),
    SourceKind.NEXTDNS: (NEXTDNS_COLUMNS, dns_key),
    SourceKind.INSTANT_LOGS: (INSTANT_LOGS_COLUMNS, status_key),
    SourceKind.SSE: (GENERIC_COLUMNS, generic_key),
}


def columns_for(kind: SourceKind) -> tuple[Column, ...]:
    """The stream pane's columns for a source."""
    return _BY_KIND[kind][0]


def row_style_key(kind: SourceKind, entry: Entry) -> str:
    """How a whole row should look (by level or status); ``""`` for the default."""
    return _BY_KIND[kind][1](entry)


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
    "GENERIC_COLUMNS",
    "INSTANT_LOGS_COLUMNS",
    "NEXTDNS_COLUMNS",
    "PROXY_COLUMNS",
    "Column",
    "Extractor",
    "Styler",
    "columns_for",
    "dns_key",
    "entry_time",
    "format_clock",
    "generic_key",
    "layout_widths",
    "level_key",
    "row_style_key",
    "status_key",
]

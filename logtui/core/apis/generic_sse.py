"""Any Server-Sent Events stream: JSON data becomes an entry, other data a text entry.

The columns read the stream's log shape (:mod:`logtui.core.log_shapes`: pino, bunyan, zap,
logrus, structlog, Elastic ECS, OpenTelemetry), decided from its first entries: the time, the
level by name (numeric levels named) and coloured like the proxy's, the SSE event name when the
stream names its events, and the message. Filters read ``level`` by that name too, so
``level=error`` finds pino's ``50``. A stream of other objects shows each payload whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from logtui.core.apis.base import ApiProfile, FieldSet
from logtui.core.columns import Column, text, time_cell
from logtui.core.filters.server import FilterStyle, ServerFilterSpec
from logtui.core.log_shapes import GENERIC, ShapeDetector, level_style
from logtui.core.models import Entry, SourceKind
from logtui.core.stats import LEVEL, STATUS, GroupSpec, key_of

NAME: Final = SourceKind.SSE

STREAM_SHAPES: Final = ShapeDetector()
"""The shape of the stream being read; the plain SSE source resets it for each new stream."""


def message_cell(entry: Entry) -> str:
    """The message of a known log shape; else a one-key payload's value
    (``{"message": ...}``), else the payload as received."""
    data = entry.data
    shape = STREAM_SHAPES.shape_for(data)
    if shape is not GENERIC:
        message = shape.message(data)
        if message is not None:
            return text(message)
    for key in ("message", "msg", "value"):
        if key in data and len(data) == 1:
            return text(data[key])
    return entry.raw


def level_cell(entry: Entry) -> str:
    """The level by name (``info``, ``error``; pino's 50 is ``error``), or empty."""
    return STREAM_SHAPES.shape_for(entry.data).level(entry.data)


def event_cell(entry: Entry) -> str:
    """The SSE event name, when the stream names its events."""
    return entry.event_name or ""


GENERIC_COLUMNS: Final[tuple[Column, ...]] = (
    Column("time", 12, time_cell, priority=9),
    Column("level", 5, level_cell, priority=7),
    Column("event", 16, event_cell, priority=2),
    Column("message", 20, message_cell, flex=True),
)
"""The event's time, level, SSE event name and message."""


def generic_key(entry: Entry) -> str:
    """The style key of a generic row: by its level, as the proxy's rows are coloured."""
    level = level_cell(entry) if entry.is_json else ""
    if level:
        return level_style(level)
    return "level-info" if entry.is_json else "text"


def any_level(data: Mapping[str, Any]) -> Any:
    """The level by name in the stream's log shape (``level``, ``severity``, pino's numbers,
    OpenTelemetry's ``severityText``...), or None."""
    return STREAM_SHAPES.shape_for(data).level(data) or None


def level_field(entry: Entry) -> Any:
    """What the ``level`` field means in a filter: the level by name, as the column shows it,
    so ``level=error`` finds pino's ``50`` and OpenTelemetry's ``severityNumber`` 17."""
    return any_level(entry.data)


GENERIC_FILTERS: Final = ServerFilterSpec(
    kind=NAME,
    label="a plain SSE stream",
    style=FilterStyle.NONE,
)
"""Nothing is filtered on the server."""


PROFILE: Final = ApiProfile(
    name=NAME,
    label="SSE",
    source="logtui.core.sources.generic:build",
    fields=FieldSet(
        known=("level",),
        getters={"level": level_field},
        time_keys=("@timestamp", "time", "ts", "date", "timestamp", "timeUnixNano",
                   "observedTimeUnixNano"),
    ),
    columns=GENERIC_COLUMNS,
    row_style=generic_key,
    stats_groups=(
        GroupSpec(LEVEL, "Level", any_level),
        GroupSpec(STATUS, "Status", key_of("status")),
    ),
    server_filters=GENERIC_FILTERS,
    example_filter="error -healthz",
    command="logtui.commands.sse",
)

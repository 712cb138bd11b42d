"""Any Server-Sent Events stream: JSON data becomes an entry, other data a text entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from logtui.core.apis.base import ApiProfile, FieldSet
from logtui.core.columns import Column, level_key, text, time_cell
from logtui.core.filters.server import FilterStyle, ServerFilterSpec
from logtui.core.models import Entry, SourceKind
from logtui.core.stats import LEVEL, STATUS, GroupSpec, key_of

NAME: Final = SourceKind.SSE


def message_cell(entry: Entry) -> str:
    """A one-key payload's value (``{"message": ...}``), else the payload as received."""
    data = entry.data
    for key in ("message", "msg", "value"):
        if key in data and len(data) == 1:
            return text(data[key])
    return entry.raw


GENERIC_COLUMNS: Final[tuple[Column, ...]] = (
    Column("time", 12, time_cell, priority=9),
    Column("message", 20, message_cell, flex=True),
)
"""Arrival time and the payload."""


def generic_key(entry: Entry) -> str:
    """The style key of a generic row: by a ``level`` field if the payload has one."""
    if "level" in entry.data:
        return level_key(entry)
    return "level-info" if entry.is_json else "text"


def any_level(data: Mapping[str, Any]) -> Any:
    """``level``, else ``severity``: the common spellings of a log level."""
    level = data.get("level")
    return level if level is not None else data.get("severity")


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
    fields=FieldSet(time_keys=("@timestamp", "time", "ts", "date")),
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

"""How a log API says what it can filter on the server, and how a term becomes a parameter.

A :class:`ServerFilterSpec` is data, not code, and each API profile holds its own: the planner
in :mod:`.plan` reads it to decide which terms of an expression are sent to the server and
which filter the buffer. Field names here are the canonical paths of
:class:`~logtui.core.fields.FieldResolver`, so every alias the user can type (``project``,
``country``) reaches the same entry.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from logtui.core.apis import profile_for
from logtui.core.filters.syntax import Op

__all__ = [
    "EQ",
    "Case",
    "FilterStyle",
    "ServerField",
    "ServerFilterSpec",
    "ServerFlag",
    "spec_for",
]


class FilterStyle(enum.StrEnum):
    """How a source receives its server-side filter."""

    NONE = "none"
    """Nothing is filtered on the server (plain SSE)."""
    QUERY = "query"
    """Query parameters on the stream URL, one value per parameter."""
    JOB = "job"
    """An Instant Logs job filter: ``{"where":{"and":[{key, operator, value}]}}`` as JSON."""


class Case(enum.StrEnum):
    """How a value's letter case is normalised before it is sent."""

    KEEP = "keep"
    LOWER = "lower"
    UPPER = "upper"


@dataclass(frozen=True, slots=True)
class ServerField:
    """One field the server can filter, with the operators it understands."""

    field: str
    """The canonical field path (as ``FieldResolver.canonical`` returns it)."""
    param: str
    """The query parameter, or the Instant Logs filter key."""
    operators: frozenset[Op]
    """Expression operators the server can express for this field."""
    values: tuple[str, ...] = ()
    """The only values the server accepts, when the field is an enumeration."""
    numeric: bool = False
    """Whether values must be whole numbers (sent as JSON numbers in a job filter)."""
    case: Case = Case.KEEP


@dataclass(frozen=True, slots=True)
class ServerFlag:
    """A stream option written as a term (NextDNS ``raw=1``); it selects, it does not filter."""

    name: str
    param: str
    value: str
    accepted: frozenset[str] = frozenset({"1", "true", "yes", "on"})
    """Values that turn the option on (``raw=1``)."""
    off: frozenset[str] = frozenset({"0", "false", "no", "off"})
    """Values that leave it off (``raw=0``): nothing is sent and no entry is filtered."""


@dataclass(frozen=True, slots=True)
class ServerFilterSpec:
    """Everything one API can filter on the server, for the planner and the filter pane."""

    kind: str
    label: str
    """How the UI names the server side in reasons ("the proxy-logs stream")."""
    style: FilterStyle
    fields: tuple[ServerField, ...] = ()
    search_param: str | None = None
    """A parameter that takes one text search (NextDNS ``search``), if any."""
    search_fields: tuple[str, ...] = ()
    """Fields whose ``field:x`` term may be sent as the text search (NextDNS ``domain``)."""
    flags: tuple[ServerFlag, ...] = ()
    client_only: Mapping[str, str] = field(default_factory=dict)
    """Fields the API filters elsewhere but not here, with the reason shown to the user."""

    def field_for(self, canonical: str) -> ServerField | None:
        """The server capability for a canonical field path, if the server filters it."""
        for candidate in self.fields:
            if candidate.field == canonical:
                return candidate
        return None


EQ: Final = frozenset({Op.EQ})
"""Exact value only: what a query parameter expresses."""


def spec_for(kind: str) -> ServerFilterSpec:
    """The server filter capabilities of a source kind (its API profile's)."""
    return profile_for(kind).server_filters

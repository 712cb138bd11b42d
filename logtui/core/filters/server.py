"""What each log API can filter on the server, and how a term becomes a parameter.

A :class:`ServerFilterSpec` is data, not code: the planner in :mod:`.plan` reads it to decide
which terms of an expression are sent to the server and which filter the buffer. Field names
here are the canonical paths of :class:`~logtui.core.fields.FieldResolver`, so every alias the
user can type (``project``, ``country``) reaches the same entry.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from logtui.core.filters.syntax import Op
from logtui.core.models import SourceKind

__all__ = [
    "GENERIC_FILTERS",
    "INSTANT_LOGS_FILTERS",
    "NEXTDNS_FILTERS",
    "PROXY_FILTERS",
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

    kind: SourceKind
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


_EQ: Final = frozenset({Op.EQ})
_LEVELS: Final = ("debug", "info", "warn", "error")

PROXY_FILTERS: Final = ServerFilterSpec(
    kind=SourceKind.PROXY,
    label="the proxy-logs stream",
    style=FilterStyle.QUERY,
    fields=(
        ServerField("projectId", "projectId", _EQ),
        ServerField("containerId", "containerId", _EQ),
        ServerField("kind", "kind", _EQ, values=("request", "response", "event"), case=Case.LOWER),
        ServerField("level", "level", _EQ, values=_LEVELS, case=Case.LOWER),
    ),
    client_only={
        "serviceName": "only the /_logs history endpoint filters serviceName, not the stream",
        "method": "only the /_logs history endpoint filters method, not the stream",
        "source": "only the /_logs history endpoint filters source, not the stream",
    },
)
"""``GET /_logs/stream``: projectId, containerId, kind and one level, each by exact value."""

NEXTDNS_FILTERS: Final = ServerFilterSpec(
    kind=SourceKind.NEXTDNS,
    label="the NextDNS stream",
    style=FilterStyle.QUERY,
    fields=(
        ServerField(
            "status",
            "status",
            _EQ,
            values=("default", "blocked", "allowed", "error"),
            case=Case.LOWER,
        ),
        ServerField("device", "device", _EQ),
    ),
    search_param="search",
    search_fields=("domain",),
    flags=(ServerFlag("raw", "raw", "1"),),
)
"""``GET /profiles/:profile/logs/stream``: status, device (by id), one search, ``raw=1``."""

_INSTANT_TEXT_OPS: Final = frozenset({Op.EQ, Op.NE, Op.CONTAINS, Op.STARTS, Op.ENDS})
_INSTANT_NUMBER_OPS: Final = frozenset({Op.EQ, Op.NE, Op.GT, Op.GE, Op.LT, Op.LE})

INSTANT_LOGS_FILTERS: Final = ServerFilterSpec(
    kind=SourceKind.INSTANT_LOGS,
    label="the Instant Logs job",
    style=FilterStyle.JOB,
    fields=(
        ServerField("ClientASN", "ClientASN", _INSTANT_NUMBER_OPS, numeric=True),
        ServerField("CacheCacheStatus", "CacheCacheStatus", _INSTANT_TEXT_OPS, case=Case.LOWER),
        ServerField("ClientCountry", "ClientCountry", _INSTANT_TEXT_OPS, case=Case.LOWER),
        ServerField("ClientIP", "ClientIP", _INSTANT_TEXT_OPS),
        ServerField("ClientRequestHost", "ClientRequestHost", _INSTANT_TEXT_OPS),
        ServerField(
            "ClientRequestMethod", "ClientRequestMethod", _INSTANT_TEXT_OPS, case=Case.UPPER
        ),
        ServerField("ClientRequestPath", "ClientRequestPath", _INSTANT_TEXT_OPS),
        ServerField("EdgeResponseStatus", "EdgeResponseStatus", _INSTANT_NUMBER_OPS, numeric=True),
        ServerField("SecurityActions", "SecurityActions", _INSTANT_TEXT_OPS),
        ServerField("SecurityRuleIDs", "SecurityRuleIDs", _INSTANT_TEXT_OPS),
    ),
)
"""The Instant Logs job filter: ten keys, operators eq/!eq/gt/geq/lt/leq/startsWith/endsWith/
contains/in and the negations !startsWith/!endsWith/!contains/!in."""

GENERIC_FILTERS: Final = ServerFilterSpec(
    kind=SourceKind.SSE,
    label="a plain SSE stream",
    style=FilterStyle.NONE,
)
"""Plain SSE: nothing is filtered on the server."""

_SPECS: Final = {
    SourceKind.PROXY: PROXY_FILTERS,
    SourceKind.NEXTDNS: NEXTDNS_FILTERS,
    SourceKind.INSTANT_LOGS: INSTANT_LOGS_FILTERS,
    SourceKind.SSE: GENERIC_FILTERS,
}


def spec_for(kind: SourceKind) -> ServerFilterSpec:
    """The server filter capabilities of a source kind."""
    return _SPECS[kind]

"""Cloudflare / IBM CIS Instant Logs: a job (REST), then its records over a WebSocket."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, Final

from logtui.core.apis.base import ApiProfile, Credential, FieldSet, ToggleSpec
from logtui.core.columns import Column, field_text, status_key, text, time_cell
from logtui.core.filters.server import Case, FilterStyle, ServerField, ServerFilterSpec
from logtui.core.filters.syntax import Op
from logtui.core.models import Entry, SourceKind
from logtui.core.stats import CACHE_STATUS, COUNTRY, HOST, PATH, STATUS_CLASS, GroupSpec, key_of

NAME: Final = SourceKind.INSTANT_LOGS
TOKEN_ENV: Final = "CLOUDFLARE_API_TOKEN"  # noqa: S105 - the name of a variable, not a secret
EMAIL_ENV: Final = "CLOUDFLARE_EMAIL"
KEY_ENV: Final = "CLOUDFLARE_API_KEY"
CIS_TOKEN_ENV: Final = "IBM_CIS_TOKEN"  # noqa: S105 - the name of a variable, not a secret

FIELDS_DOCUMENTED: Final = (
    "CacheCacheStatus", "CacheResponseBytes", "ClientASN", "ClientCountry", "ClientDeviceType",
    "ClientIP", "ClientRequestHost", "ClientRequestMethod", "ClientRequestPath",
    "ClientRequestProtocol", "ClientRequestReferer", "ClientRequestURI",
    "ClientRequestUserAgent", "EdgeEndTimestamp", "EdgeResponseBytes",
    "EdgeResponseContentType", "EdgeResponseStatus", "EdgeStartTimestamp",
    "OriginResponseStatus", "RayID", "SecurityActions", "SecurityRuleIDs", "sampleInterval",
)


def request_path(data: Mapping[str, Any]) -> Any:
    """``ClientRequestPath``, or the path part of ``ClientRequestURI`` when only that is sent
    (the default fields carry only the URI)."""
    path = data.get("ClientRequestPath")
    if path is None:
        uri = data.get("ClientRequestURI")
        if isinstance(uri, str):
            return uri.split("?", 1)[0]
    return path


def _path_field(entry: Entry) -> Any:
    return request_path(entry.data)


FIELDS: Final = FieldSet(
    known=FIELDS_DOCUMENTED,
    aliases={
        "asn": "ClientASN",
        "cache": "CacheCacheStatus",
        "country": "ClientCountry",
        "ip": "ClientIP",
        "host": "ClientRequestHost",
        "method": "ClientRequestMethod",
        "path": "ClientRequestPath",
        "uri": "ClientRequestURI",
        "status": "EdgeResponseStatus",
        "bytes": "EdgeResponseBytes",
        "ray": "RayID",
        "action": "SecurityActions",
        "actions": "SecurityActions",
        "rule": "SecurityRuleIDs",
        "rules": "SecurityRuleIDs",
    },
    getters={"ClientRequestPath": _path_field},
    time_keys=("EdgeStartTimestamp",),
)


def _byte_size(entry: Entry) -> str:
    """``EdgeResponseBytes`` in short binary units (``512``, ``12.3k``, ``4.0M``)."""
    value = entry.data.get("EdgeResponseBytes")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return text(value)
    size, unit = float(value), ""
    for larger in ("k", "M", "G"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    return f"{size:.1f}{unit}" if unit else f"{size:.0f}"


def _path_cell(entry: Entry) -> str:
    path = entry.data.get("ClientRequestPath")
    if path is None:
        uri = entry.data.get("ClientRequestURI")
        path = uri.split("?", 1)[0] if isinstance(uri, str) else uri
    return text(path)


INSTANT_LOGS_COLUMNS: Final[tuple[Column, ...]] = (
    Column("time", 12, time_cell, priority=9),
    Column(
        "status", 6, field_text("EdgeResponseStatus"), style=status_key, align_right=True,
        priority=8,
    ),
    Column("method", 6, field_text("ClientRequestMethod"), priority=6),
    Column("host", 18, field_text("ClientRequestHost"), priority=7),
    Column("path", 16, _path_cell, flex=True, priority=9),
    Column("country", 7, field_text("ClientCountry"), priority=5),
    Column("cache", 9, field_text("CacheCacheStatus"), priority=4),
    Column("bytes", 7, _byte_size, align_right=True, priority=4),
    Column("ray", 16, field_text("RayID"), priority=3),
)
"""The request line and the edge's answer."""

_TEXT_OPS: Final = frozenset({Op.EQ, Op.NE, Op.CONTAINS, Op.STARTS, Op.ENDS})
_NUMBER_OPS: Final = frozenset({Op.EQ, Op.NE, Op.GT, Op.GE, Op.LT, Op.LE})

INSTANT_LOGS_FILTERS: Final = ServerFilterSpec(
    kind=NAME,
    label="the Instant Logs job",
    style=FilterStyle.JOB,
    fields=(
        ServerField("ClientASN", "ClientASN", _NUMBER_OPS, numeric=True),
        ServerField("CacheCacheStatus", "CacheCacheStatus", _TEXT_OPS, case=Case.LOWER),
        ServerField("ClientCountry", "ClientCountry", _TEXT_OPS, case=Case.LOWER),
        ServerField("ClientIP", "ClientIP", _TEXT_OPS),
        ServerField("ClientRequestHost", "ClientRequestHost", _TEXT_OPS),
        ServerField("ClientRequestMethod", "ClientRequestMethod", _TEXT_OPS, case=Case.UPPER),
        ServerField("ClientRequestPath", "ClientRequestPath", _TEXT_OPS),
        ServerField("EdgeResponseStatus", "EdgeResponseStatus", _NUMBER_OPS, numeric=True),
        ServerField("SecurityActions", "SecurityActions", _TEXT_OPS),
        ServerField("SecurityRuleIDs", "SecurityRuleIDs", _TEXT_OPS),
    ),
)
"""The job filter: ten keys, operators eq/!eq/gt/geq/lt/leq/startsWith/endsWith/contains/in and
the negations !startsWith/!endsWith/!contains/!in."""


def _status_class(data: Mapping[str, Any]) -> Any:
    status = data.get("EdgeResponseStatus")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if isinstance(status, int) and not isinstance(status, bool) and 100 <= status <= 999:
        return f"{status // 100}xx"
    return None


def _ray_identity(entry: Entry) -> Hashable | None:
    value = entry.data.get("RayID")
    return value if value.__class__ is str and value else None


PROFILE: Final = ApiProfile(
    name=NAME,
    label="Instant Logs",
    source="logtui.core.sources.instant_logs:instant_logs_source",
    fields=FIELDS,
    columns=INSTANT_LOGS_COLUMNS,
    row_style=status_key,
    stats_groups=(
        GroupSpec(STATUS_CLASS, "Status class", _status_class),
        GroupSpec(COUNTRY, "Country", key_of("ClientCountry")),
        GroupSpec(HOST, "Host", key_of("ClientRequestHost")),
        GroupSpec(PATH, "Path", request_path),
        GroupSpec(CACHE_STATUS, "Cache status", key_of("CacheCacheStatus")),
    ),
    server_filters=INSTANT_LOGS_FILTERS,
    toggles=(
        ToggleSpec("method", ("GET", "POST", "PUT", "DELETE")),
        ToggleSpec("cache", ("hit", "miss", "dynamic", "expired")),
    ),
    example_filter="EdgeResponseStatus>=500 ClientCountry=us",
    identity=_ray_identity,
    credentials=(
        Credential("--token", TOKEN_ENV, "instant_logs.api_token"),
        Credential("--email", EMAIL_ENV, "instant_logs.email"),
        Credential("--api-key", KEY_ENV, "instant_logs.api_key"),
        Credential(None, CIS_TOKEN_ENV, "instant_logs.ibm_cis_token"),
    ),
    command="logtui.commands.instant_logs",
    demo="logtui.demo.instant_logs_api",
)

"""proxy-logs: ``GET /_logs/stream`` (SSE), ``/_logs`` history and ``/_logs/stats``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

from logtui.core.apis.base import ApiProfile, Credential, FieldSet, ToggleSpec
from logtui.core.columns import Column, field_text, level_key, status_key, text, time_cell
from logtui.core.errors import LogtuiError, TransientSourceError
from logtui.core.filters.server import EQ, Case, FilterStyle, ServerField, ServerFilterSpec
from logtui.core.identity import key_identity
from logtui.core.models import Entry, SourceKind
from logtui.core.stats import LEVEL, PROJECT, SERVICE, STATUS, GroupSpec, key_of

NAME: Final = SourceKind.PROXY
TOKEN_ENV: Final = "LOGTUI_PROXY_TOKEN"  # noqa: S105 - the name of a variable, not a secret
STATS_TIMEOUT: Final = 5.0
"""Seconds before a ``/_logs/stats`` request is given up (it is retried on the next refresh)."""
STATS_LIMIT: Final = 1024 * 1024
"""Decoded bytes a ``/_logs/stats`` answer may have; more is an error, not a memory blow-up."""
LEVELS: Final = ("debug", "info", "warn", "error")
KINDS: Final = ("request", "response", "event")

FIELDS: Final = FieldSet(
    known=(
        "id", "traceId", "tsMs", "tsIso", "kind", "level", "projectId", "containerId",
        "serviceName", "method", "url", "clientIp", "status", "data", "source",
    ),
    aliases={
        "project": "projectId",
        "container": "containerId",
        "service": "serviceName",
        "trace": "traceId",
        "ip": "clientIp",
        "duration": "data.durationMs",
    },
    time_keys=("tsMs", "tsIso"),
)


def _duration(entry: Entry) -> str:
    data = entry.data.get("data")
    value = data.get("durationMs") if isinstance(data, Mapping) else None
    if value is None:
        value = entry.data.get("durationMs")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.0f}ms"
    return text(value)


def _url_or_message(entry: Entry) -> str:
    """The request URL; for an event (no URL), its message or name instead."""
    url = entry.data.get("url")
    if url not in (None, ""):
        return text(url)
    nested = entry.data.get("data")
    if isinstance(nested, Mapping):
        for key in ("message", "event"):
            if nested.get(key) not in (None, ""):
                return text(nested[key])
    return text(entry.data.get("message"))


PROXY_COLUMNS: Final[tuple[Column, ...]] = (
    Column("time", 12, time_cell, priority=9),
    Column("level", 5, field_text("level"), priority=8),
    Column("kind", 8, field_text("kind"), priority=6),
    Column("method", 6, field_text("method"), priority=5),
    Column("status", 6, field_text("status"), style=status_key, align_right=True, priority=8),
    Column("service", 11, field_text("serviceName"), priority=4),
    Column("url", 16, _url_or_message, flex=True, priority=9),
    Column("duration", 8, _duration, align_right=True, priority=7),
)
"""What an operator scans a request log for."""

PROXY_FILTERS: Final = ServerFilterSpec(
    kind=NAME,
    label="the proxy-logs stream",
    style=FilterStyle.QUERY,
    fields=(
        ServerField("projectId", "projectId", EQ),
        ServerField("containerId", "containerId", EQ),
        ServerField("kind", "kind", EQ, values=KINDS, case=Case.LOWER),
        ServerField("level", "level", EQ, values=LEVELS, case=Case.LOWER),
    ),
    client_only={
        "serviceName": "only the /_logs history endpoint filters serviceName, not the stream",
        "method": "only the /_logs history endpoint filters method, not the stream",
        "source": "only the /_logs history endpoint filters source, not the stream",
    },
)
"""``GET /_logs/stream``: projectId, containerId, kind and one level, each by exact value."""

FLAG_FILTERS: Final = (
    ("project", "projectId"),
    ("container", "containerId"),
    ("kind", "kind"),
    ("level", "level"),
)
"""Command-line flags (``--project``) and the stream parameter each sets."""


def stats_fetcher(
    base_url: str, secret: str | None, headers: Mapping[str, str]
) -> Callable[[], Mapping[str, Any]]:
    """Fetches ``/_logs/stats`` with the configured token (never shown anywhere).

    Through :func:`logtui.core.http.get_json`, like the sources' own requests: redirects
    followed only with the credentials' origin rules, the answer's size bounded
    (:data:`STATS_LIMIT`), errors explained. Each call runs in a worker thread of its own.
    """
    url = base_url.rstrip("/") + "/_logs/stats"
    headers = dict(headers)
    if secret:
        headers["Authorization"] = f"Bearer {secret}"

    async def fetch_once() -> object:
        from logtui.core.http import get_json, make_client

        async with make_client() as client:
            return await asyncio.wait_for(
                get_json(
                    client, url, params={}, headers=headers, what="server stats",
                    credential_hint="set LOGTUI_PROXY_TOKEN or pass --token", now=time.time(),
                    secrets=(secret,) if secret else (), max_bytes=STATS_LIMIT,
                ),
                STATS_TIMEOUT,
            )

    def fetch() -> Mapping[str, Any]:
        try:
            data = asyncio.run(fetch_once())
        except TimeoutError:
            raise TransientSourceError("server stats unavailable: no answer in time") from None
        except LogtuiError as error:
            raise TransientSourceError(f"server stats unavailable: {error}") from None
        if not isinstance(data, Mapping):
            raise TransientSourceError("server stats unavailable: unexpected answer")
        return data

    return fetch


PROFILE: Final = ApiProfile(
    name=NAME,
    label="proxy-logs",
    source="logtui.core.sources.proxy:build",
    history="logtui.core.sources.proxy_history:build_reader",
    fields=FIELDS,
    columns=PROXY_COLUMNS,
    row_style=level_key,
    stats_groups=(
        GroupSpec(LEVEL, "Level", key_of("level")),
        GroupSpec(STATUS, "Status", key_of("status")),
        GroupSpec(SERVICE, "Service", key_of("serviceName")),
        GroupSpec(PROJECT, "Project", key_of("projectId")),
    ),
    server_filters=PROXY_FILTERS,
    toggles=(
        ToggleSpec("level", LEVELS),
        ToggleSpec("kind", KINDS),
        ToggleSpec("project", seen_path=("projectId",)),
        ToggleSpec("container", seen_path=("containerId",)),
    ),
    example_filter="level=error url~^/v1 status>=500 -healthz",
    identity=key_identity("id"),
    order_id="id",
    credentials=(Credential("--token", TOKEN_ENV, "proxy.token"),),
    command="logtui.commands.proxy",
    demo="logtui.demo.proxy_api",
    server_stats=stats_fetcher,
    server_stats_title="server /_logs/stats",
    server_stats_groups=(("byLevel", "Level"), ("byService", "Service"), ("byProject", "Project")),
    flag_filters=FLAG_FILTERS,
)

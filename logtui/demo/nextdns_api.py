"""The NextDNS logs API under ``/profiles/{profile}``, as ``nextdns-logs-stream.md`` describes.

``GET /logs`` answers ``{data, meta: {pagination: {cursor}, stream: {id}}}``, newest first by
default (``meta.stream`` only for the most recent logs: newest first, no ``to``); ``cursor``
is ``null`` on the last page; ``from`` is inclusive and ``to`` exclusive. ``GET /logs/stream``
tails over SSE with opaque ids and resumes after ``?id=`` or, as an ``EventSource`` sends it, a
``Last-Event-ID`` header. ``device=__UNIDENTIFIED__`` selects queries without a device. A user's
mistake is answered with HTTP 200 and an ``errors`` body, as documented (see
:mod:`logtui.demo.nextdns_modes` for the other behaviours). Any profile name made of letters
and digits is accepted, and all profiles share the same queries.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from logtui.demo.config import DemoConfig, DemoTarget
from logtui.demo.dns_store import DnsRow, DnsStore, decode_id
from logtui.demo.faults import ActionKind, Endpoint, Fault
from logtui.demo.nextdns_modes import NextDnsModes
from logtui.demo.responses import (
    BadParameter,
    bool_param,
    choice_param,
    int_param,
    json_response,
    same_secret,
)
from logtui.demo.sse import Frame, StreamResponse, serve_stream
from logtui.demo.state import DemoState
from logtui.demo.wakers import Wakers

STATUSES = frozenset({"default", "blocked", "allowed", "error"})
UNIDENTIFIED = "__UNIDENTIFIED__"
"""The ``device`` value that selects queries from no identified device."""
CLIENT_ERROR_PARAMETERS = frozenset({"cursor", "id"})
"""Values a client copies from the API rather than a user typing them: a bad one is a 400."""
_PROFILE = re.compile(r"[A-Za-z0-9]{1,32}")
_RELATIVE = re.compile(r"-([0-9]+)([smhdwMy])")
_UNIT_SECONDS = {
    "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800, "M": 2_592_000, "y": 31_536_000,
}

RowFilter = Callable[[DnsRow], bool]


def errors(code: str, detail: str, status: int, parameter: str | None = None,
           headers: dict[str, str] | None = None) -> Response:
    """A response in NextDNS's ``{"errors": [...]}`` shape."""
    error: dict[str, Any] = {"code": code, "detail": detail}
    if parameter is not None:
        error["source"] = {"parameter": parameter}
    return json_response({"errors": [error]}, status, headers)


def _refusal(fault: Fault) -> Response | None:
    if fault.status is None:
        return None
    headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
    if fault.status == 429:
        return errors("tooManyRequests", "Rate limit exceeded", 429, headers=headers)
    return errors("unavailable", "Service temporarily unavailable", fault.status,
                  headers=headers)


def _device_id(entry: dict[str, Any]) -> str | None:
    device = entry.get("device")
    return device.get("id") if isinstance(device, dict) else None


def _row_filter(params: Any) -> RowFilter:
    device = params.get("device") or None
    statuses = choice_param(params, "status", STATUSES)
    search = (params.get("search") or "").lower()
    raw = bool_param(params, "raw")

    def keep(row: DnsRow) -> bool:
        entry = row.entry
        if device is not None:
            found = _device_id(entry)
            if (found is None and device != UNIDENTIFIED) or (
                found is not None and found != device
            ):
                return False
        return (
            (raw or not row.raw_only)
            and (statuses is None or entry.get("status") in statuses)
            and (not search or search in str(entry.get("domain", "")))
        )

    return keep


def _time_param(params: Any, name: str, now_ms: int) -> int | None:
    """``from``/``to`` in milliseconds: ISO 8601, a Unix timestamp, ``now`` or ``-6h``."""
    text = (params.get(name) or "").strip()
    if not text:
        return None
    if text == "now":
        return now_ms
    relative = _RELATIVE.fullmatch(text)
    if relative:
        return now_ms - int(relative.group(1)) * _UNIT_SECONDS[relative.group(2)] * 1000
    if text.isdigit() and text.isascii():
        number = int(text)
        return number if number >= 100_000_000_000 else number * 1000
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadParameter(name, f"{name} must be an ISO 8601 date, a Unix timestamp or "
                                 "a relative time like -6h") from None
    if moment.tzinfo is None:
        raise BadParameter(name, f"{name} needs a time zone, like 2024-01-01T00:00:00Z")
    return int(moment.timestamp() * 1000)


def _encode_cursor(seq: int, ascending: bool) -> str:
    text = f"{'a' if ascending else 'd'}{seq}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, ascending: bool) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text or text[0] != ("a" if ascending else "d") or not text[1:].isdigit():
        raise BadParameter("cursor", "cursor is not valid for this query")
    return int(text[1:])


class DnsFeed:
    """One stream connection's position in the query log, with its filters."""

    def __init__(self, store: DnsStore, after_seq: int, keep: RowFilter, raw: bool) -> None:
        self._store = store
        self._cursor = after_seq
        self._keep = keep
        self._raw = raw
        self.wakers: Wakers = store.wakers

    def take(self, limit: int) -> list[Frame]:
        frames: list[Frame] = []
        while len(frames) < limit:
            rows = self._store.after(self._cursor, 512)
            if not rows:
                break
            for row in rows:
                self._cursor = row.seq
                if self._keep(row):
                    frames.append(Frame(row.served(self._raw), row.id))
                    if len(frames) == limit:
                        break
        return frames

    def interruption(self) -> Frame | None:
        return None

    def perform(self, kind: ActionKind) -> Frame | None:
        return None


class NextDnsApi:
    """The routes of the NextDNS logs API over one :class:`DemoState`."""

    def __init__(self, state: DemoState) -> None:
        self._state = state
        self._modes: NextDnsModes = state.nextdns_modes
        self._requests = 0

    def routes(self) -> list[BaseRoute]:
        """Starlette routes for ``/logs`` and ``/logs/stream``."""
        return [
            Route("/profiles/{profile}/logs", self.logs, methods=["GET"]),
            Route("/profiles/{profile}/logs/stream", self.stream, methods=["GET"]),
        ]

    def _check(self, request: Request) -> Response | None:
        if not same_secret(request.headers.get("x-api-key"), self._state.config.api_key):
            return errors("forbidden", "Missing or invalid X-Api-Key header", 403)
        if not _PROFILE.fullmatch(request.path_params["profile"]):
            return errors("notFound", "No such profile", 404)
        return self._mode_refusal()

    def _mode_refusal(self) -> Response | None:
        """The 524s, then the bare 429s, that ``--nextdns-modes`` asks of the first requests."""
        self._requests += 1
        modes = self._modes
        if self._requests <= modes.timeouts:
            return errors("timeout", "The upstream server did not answer in time", 524)
        if self._requests <= modes.timeouts + modes.bare_429:
            return errors("tooManyRequests", "Rate limit exceeded", 429)
        return None

    def _invalid(self, error: BadParameter) -> Response:
        """A bad parameter: 200 for a user's mistake (as documented), 400 for a client's."""
        status = 400 if error.name in CLIENT_ERROR_PARAMETERS else self._modes.user_error_status
        return errors("invalidParameter", str(error), status, error.name)

    async def logs(self, request: Request) -> Response:
        """``GET /profiles/{p}/logs``: a page of queries with a cursor and the stream id."""
        denied = self._check(request) or _refusal(
            self._state.faults.next_run(Endpoint.NEXTDNS_LOGS).fault
        )
        if denied is not None:
            return denied
        params = request.query_params
        now_ms = self._state.now_ms()
        stream_id = self._state.dns.stream_id(now_ms)
        try:
            sort = params.get("sort") or "desc"
            if sort not in ("asc", "desc"):
                raise BadParameter("sort", "sort must be asc or desc")
            ascending = sort == "asc"
            limit = int_param(params, "limit", 100, low=10, high=1000) or 100
            start = _time_param(params, "from", now_ms)
            end = _time_param(params, "to", now_ms)
            cursor = params.get("cursor")
            position = _decode_cursor(cursor, ascending) if cursor else None
            keep = _row_filter(params)
            raw = bool_param(params, "raw")
        except BadParameter as error:
            return self._invalid(error)
        rows = self._state.dns.rows()
        if not ascending:
            rows.reverse()
        page: list[DnsRow] = []
        more = False
        for row in rows:
            if position is not None and (row.seq <= position if ascending
                                         else row.seq >= position):
                continue
            if (start is not None and row.ts_ms < start) or (end is not None
                                                             and row.ts_ms >= end):
                continue
            if not keep(row):
                continue
            if len(page) == limit:
                more = True
                break
            page.append(row)
        next_cursor = _encode_cursor(page[-1].seq, ascending) if more else None
        meta: dict[str, Any] = {"pagination": {"cursor": next_cursor}}
        if not ascending and end is None:
            meta["stream"] = {"id": stream_id}
        body = {"data": [row.served_entry(raw) for row in page], "meta": meta}
        return json_response(body)

    async def stream(self, request: Request) -> Response:
        """``GET /profiles/{p}/logs/stream``: live queries over SSE; ``?id=`` resumes."""
        denied = self._check(request)
        if denied is not None:
            return denied
        run = self._state.faults.next_run(Endpoint.NEXTDNS_STREAM)
        denied = _refusal(run.fault)
        if denied is not None:
            return denied
        params = request.query_params
        try:
            keep = _row_filter(params)
            raw = bool_param(params, "raw")
        except BadParameter as error:
            return self._invalid(error)
        resume = params.get("id") or request.headers.get("last-event-id")
        store = self._state.dns
        if resume:
            after = decode_id(resume)
            if after is None:
                return errors("invalidParameter", "id is not a stream id", 400, "id")
            if after > store.last_seq:  # issued before a restart: resuming would wait forever
                return errors("invalidParameter", "id is unknown to this stream", 400, "id")
        else:
            after = store.last_seq
        feed = DnsFeed(store, after, keep, raw)
        state = self._state
        return StreamResponse(
            lambda receive, send: serve_stream(
                receive, send, feed=feed, run=run,
                heartbeat=state.config.heartbeat, stopping=state.stopping,
            )
        )


DEMO_PROFILE = "demo"
"""The NextDNS profile id ``logtui demo`` watches."""

DEMO_INDEX = {
    "nextdns": "/profiles/{profile}/logs",
    "nextdns-stream": "/profiles/{profile}/logs/stream",
}
"""Where this API lives on the demo server (``GET /`` lists it)."""


def demo_routes(state: DemoState) -> list[BaseRoute]:
    """This API's routes on the demo server (its profile names this module)."""
    return NextDnsApi(state).routes()


def demo_target(base_url: str, config: DemoConfig, history: int) -> DemoTarget:
    """What ``logtui demo --source nextdns`` watches on a demo server at ``base_url``."""
    return DemoTarget(
        url=f"{base_url}/profiles/{DEMO_PROFILE}", secret=config.api_key, history=history
    )

"""The proxy-logs API under ``/api/proxy-logs``, as ``proxy-logs.md`` documents it.

``GET /_logs`` ordering (the document is silent, so the demo picks the common conventions):
plain queries are newest first; ``afterId`` is the documented ascending cursor; ``last=N``
selects the newest N matching entries and returns them oldest first (a tail). ``limit`` defaults
to 200 as documented, ``last`` or not; ``offset`` and ``limit`` page through the selection and
``total`` counts all of it. ``cursor`` is only honoured with admin fan-out, which the default
demo is not, so it is ignored there. Modes (:mod:`.proxy_modes`) switch on the other documented
setups: the fan-out's NDJSON answers (:mod:`.proxy_fanout`) and a per-project port's stream.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from logtui.demo.config import DemoConfig, DemoTarget
from logtui.demo.faults import ActionKind, Endpoint, Fault
from logtui.demo.proxy_fanout import BadCursor, FanoutBook
from logtui.demo.proxy_modes import parse_modes
from logtui.demo.proxy_store import BODY_KEYS, ProxyRow, ProxyStore
from logtui.demo.responses import (
    BadParameter,
    bearer,
    bool_param,
    choice_param,
    int_param,
    json_response,
    same_secret,
)
from logtui.demo.sse import Frame, StreamResponse, serve_stream
from logtui.demo.state import DemoState
from logtui.demo.wakers import Wakers

PREFIX = "/api/proxy-logs"
KINDS = frozenset({"request", "response", "event"})
LEVELS = frozenset({"debug", "info", "warn", "error"})
SOURCES = frozenset({"backend", "edge"})
DEFAULT_LIMIT = 200
"""``/_logs``'s documented default page size."""

FORBIDDEN = {
    "statusCode": 403,
    "error": "Forbidden",
    "message": "Logs token missing or invalid / SNI gate denied",
}
TOO_MANY = {
    "statusCode": 429,
    "error": "Too Many Requests",
    "message": "Rate limit exceeded for log stream",
}
UNAVAILABLE = {
    "statusCode": 503,
    "error": "Service Unavailable",
    "message": "Log service is temporarily unavailable",
}

RowFilter = Callable[[dict[str, Any]], bool]


def refusal(fault: Fault) -> Response | None:
    """The 429/503 answer a fault asks for, in this API's error shape."""
    if fault.status is None:
        return None
    headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
    body = TOO_MANY if fault.status == 429 else UNAVAILABLE
    return json_response(body, fault.status, headers)


def bad_request(error: BadParameter) -> Response:
    """A 400 in the API's error shape."""
    body = {"statusCode": 400, "error": "Bad Request", "message": f"querystring/{error}"}
    return json_response(body, 400)


def _row_filter(params: Any, names: Sequence[str]) -> RowFilter:
    """A predicate for the equality and list filters among ``names`` present in ``params``."""
    wanted: list[tuple[str, frozenset[str]]] = []
    for name, allowed in (("kind", KINDS), ("level", LEVELS), ("source", SOURCES)):
        if name in names:
            values = choice_param(params, name, allowed)
            if values is not None:
                wanted.append((name, values))
    for name in ("projectId", "containerId", "serviceName"):
        if name in names and params.get(name):
            wanted.append((name, frozenset({params[name]})))
    if "method" in names and params.get("method"):
        wanted.append(("method", frozenset({params["method"].upper()})))

    def matches(entry: dict[str, Any]) -> bool:
        return all(entry.get(key) in values for key, values in wanted)

    return matches


class ProxyFeed:
    """One stream connection's view of the ring: a cursor, filters and the reset epoch."""

    def __init__(self, store: ProxyStore, last_event_id: int | None, keep: RowFilter) -> None:
        self._store = store
        self._cursor = store.last_seq if last_event_id is None else last_event_id
        self._epoch = store.epoch
        self._ahead = last_event_id is not None and last_event_id > store.last_seq
        """The client resumes from a ringSeq this server never sent: it restarted since."""
        self._keep = keep
        self.wakers: Wakers = store.wakers

    def take(self, limit: int) -> list[Frame]:
        frames: list[Frame] = []
        while len(frames) < limit:
            rows = self._store.ring_after(self._cursor, 512)
            if not rows:
                break
            for row in rows:
                self._cursor = row.seq
                if self._keep(row.entry):
                    frames.append(Frame(row.stream_json, str(row.seq)))
                    if len(frames) == limit:
                        break
        return frames

    def interruption(self) -> Frame | None:
        if self._store.epoch == self._epoch and not self._ahead:
            return None
        base = self._store.last_seq
        return Frame(f'{{"reason":"server-restart","ringSeq":{base}}}', str(base), "reset")

    def perform(self, kind: ActionKind) -> Frame | None:
        if kind == ActionKind.RESET:
            self._store.reset()
            return self.interruption()
        if kind == ActionKind.SCOPE_DESTROYED:
            return Frame(
                '{"reason":"container destroyed"}', str(self._store.last_seq), "scope-destroyed"
            )
        return None


class ProxyApi:
    """The routes of the proxy-logs API over one :class:`DemoState`."""

    def __init__(self, state: DemoState) -> None:
        parse_modes(state.config.proxy_modes)  # a misspelt mode fails at start, loudly
        self._state = state
        self._fanout = FanoutBook(ttl=state.config.fanout_snapshot_ttl)

    def _mode(self, name: str) -> bool:
        return name in self._state.config.proxy_modes

    def routes(self) -> list[BaseRoute]:
        """Starlette routes for the three endpoints."""
        return [
            Route(f"{PREFIX}/_logs", self.logs, methods=["GET"]),
            Route(f"{PREFIX}/_logs/stats", self.stats, methods=["GET"]),
            Route(f"{PREFIX}/_logs/stream", self.stream, methods=["GET"]),
        ]

    def _authorised(self, request: Request) -> bool:
        token = bearer(request.headers.get("authorization"))
        return same_secret(token, self._state.config.token)

    def _gate(self, request: Request, endpoint: Endpoint) -> tuple[Response | None, Fault]:
        if not self._authorised(request):
            return json_response(FORBIDDEN, 403), Fault()
        run = self._state.faults.next_run(endpoint)
        return refusal(run.fault), run.fault

    async def logs(self, request: Request) -> Response:
        """``GET /_logs``: query stored entries with every documented parameter."""
        denied, _ = self._gate(request, Endpoint.PROXY_LOGS)
        if denied is not None:
            return denied
        params = request.query_params
        try:
            last = int_param(params, "last", None)
            limit = int_param(params, "limit", DEFAULT_LIMIT) or 0
            offset = int_param(params, "offset", 0) or 0
            after_id = int_param(params, "afterId", None)
            with_request = bool_param(params, "includeRequestBody")
            with_response = bool_param(params, "includeResponseBody")
            keep = _row_filter(
                params,
                ("projectId", "containerId", "serviceName", "level", "kind", "method", "source"),
            )
        except BadParameter as error:
            return bad_request(error)
        store = self._state.proxy
        rows = store.rows() if after_id is None else store.rows_after(after_id)
        matched = [row for row in rows if keep(row.entry)]
        if after_id is not None:
            selected = matched if last is None else matched[len(matched) - last :]
        elif last is not None:
            selected = matched[len(matched) - last :] if last else []
        else:
            selected = matched[::-1]
        if self._mode("admin-fanout"):
            try:
                return self._fanout_answer(
                    params.get("cursor"), selected[offset:], limit, with_request, with_response
                )
            except BadCursor as error:
                return bad_request(BadParameter("cursor", f"cursor {error}"))
        page = selected[offset : offset + limit]
        entries = ",".join(_serialise(row, with_request, with_response) for row in page)
        body = (
            f'{{"entries":[{entries}],"total":{len(selected)},'
            f'"limit":{limit},"offset":{offset}}}'
        )
        return json_response(body)

    def _fanout_answer(
        self, cursor: str | None, rows: list[ProxyRow], limit: int, with_request: bool,
        with_response: bool,
    ) -> Response:
        """NDJSON: the page's entries, one per line, then the trailer line."""
        if cursor:
            page, trailer = self._fanout.next(cursor, limit)
        else:
            page, trailer = self._fanout.first(rows, limit)
        lines = [_serialise(row, with_request, with_response) for row in page]
        body = "".join(f"{line}\n" for line in [*lines, trailer])
        return Response(body, media_type="application/x-ndjson")

    async def stats(self, request: Request) -> Response:
        """``GET /_logs/stats``: counts by level, project, container and service."""
        denied, _ = self._gate(request, Endpoint.PROXY_STATS)
        if denied is not None:
            return denied
        return json_response(self._state.proxy.stats())

    async def stream(self, request: Request) -> Response:
        """``GET /_logs/stream``: live tail over SSE with ring replay after Last-Event-ID."""
        if not self._authorised(request):
            return json_response(FORBIDDEN, 403)
        run = self._state.faults.next_run(Endpoint.PROXY_STREAM)
        denied = refusal(run.fault)
        if denied is not None:
            return denied
        if self._mode("sni-port") and request.query_params.get("projectId"):
            return json_response(FORBIDDEN, 403)  # projectId is an admin-port filter
        try:
            keep = _row_filter(request.query_params, ("projectId", "containerId", "kind", "level"))
        except BadParameter as error:
            return bad_request(error)
        header = (request.headers.get("last-event-id") or "").strip()
        last_event_id = int(header) if header.isdigit() and header.isascii() else None
        feed = ProxyFeed(self._state.proxy, last_event_id, keep)
        state = self._state
        return StreamResponse(
            lambda receive, send: serve_stream(
                receive, send, feed=feed, run=run,
                heartbeat=state.config.heartbeat, stopping=state.stopping,
            )
        )


def _serialise(row: ProxyRow, with_request: bool, with_response: bool) -> str:
    if not (with_request or with_response) or not any(k in row.entry for k in BODY_KEYS):
        return row.stream_json
    entry = dict(row.entry)
    if not with_request:
        entry.pop("requestBody", None)
    if not with_response:
        entry.pop("responseBody", None)
    return json.dumps(entry, separators=(",", ":"), ensure_ascii=False)


DEMO_INDEX = {"proxy-logs": f"{PREFIX}/_logs", "proxy-logs-stream": f"{PREFIX}/_logs/stream"}
"""Where this API lives on the demo server (``GET /`` lists it)."""


def demo_routes(state: DemoState) -> list[BaseRoute]:
    """This API's routes on the demo server (its profile names this module)."""
    return ProxyApi(state).routes()


def demo_target(base_url: str, config: DemoConfig, history: int) -> DemoTarget:
    """What ``logtui demo --source proxy`` watches on a demo server at ``base_url``."""
    return DemoTarget(url=base_url + PREFIX, secret=config.token, history=history)

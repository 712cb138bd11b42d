"""The Instant Logs API (Cloudflare / IBM CIS), as ``instant-logs.md`` describes it.

``POST /client/v4/zones/{zone}/logpush/edge/jobs`` with ``kind: instant-logs`` creates a job
whose ``result.destination_conf`` is a ``ws://`` URL on this server; the WebSocket there sends
messages of line-delimited JSON (one or more records per message, each with the job's
``fields`` and ``sampleInterval``). Auth is ``Authorization: Bearer <token>`` or
``X-Auth-Email`` + ``X-Auth-Key``. The same endpoint is also served the way IBM CIS's own API
lays out its Logpush endpoints, ``/v2/{CRN}/zones/{zone}/logpush/edge/jobs`` with
``X-Auth-User-Token: Bearer <token>``. Behaviours of the service that the document does not
describe are modes (:mod:`.instant_modes`), off by default.

Limits, as the document states them: one active session per zone (a second job is refused with
409 and a Cloudflare-style error body), 60 minutes per session, 5 minutes unread or unconnected.
To let a client renew without a gap, a session in its last ``session_renew_window`` seconds no
longer blocks a new job; both then run until the old one expires (records in the overlap
arrive on both sockets, with the same ``RayID``). A session ends with close code 1000 and
reason ``session expired`` at its time limit; a socket the client closes ends its session.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from logtui.demo.config import DemoConfig, DemoTarget
from logtui.demo.faults import ActionKind, Endpoint, Fault, FaultRun
from logtui.demo.http_traffic import FIELDS
from logtui.demo.instant_filter import FilterError, compile_filter
from logtui.demo.instant_modes import parse_modes
from logtui.demo.instant_session import Session
from logtui.demo.responses import bearer, json_response, same_secret
from logtui.demo.state import DemoState

API_ROOT = "/client/v4"
CIS_ROOT = "/v2"
"""IBM CIS's own API: ``/v2/{CRN, URL-encoded}/zones/{zone}/...`` with an IAM token."""
SOCKET_PATH = "/instant-logs/ws/sessions"
EXPIRED_REASON = "session expired"
MESSAGE_LINES = 200
"""Records per WebSocket message at most."""
_ZONE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def cf_error(status: int, code: int, message: str,
             headers: dict[str, str] | None = None) -> Response:
    """An error in Cloudflare's v4 envelope."""
    body = {"success": False, "errors": [{"code": code, "message": message}],
            "messages": [], "result": None}
    return json_response(body, status, headers)


def _refusal(fault: Fault) -> Response | None:
    if fault.status is None:
        return None
    headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
    if fault.status == 429:
        return cf_error(429, 10429, "Rate limited; retry later", headers)
    return cf_error(fault.status, 10503, "Service temporarily unavailable", headers)


class _BadJob(Exception):
    """A job body the API rejects; the message names the field."""


class InstantLogsApi:
    """Jobs and WebSocket sessions over one :class:`DemoState`."""

    def __init__(self, state: DemoState) -> None:
        parse_modes(state.config.instant_modes)  # a misspelt mode fails at start, loudly
        self._state = state
        self._sessions: dict[str, Session] = {}
        self._next_job = 1

    def routes(self) -> list[BaseRoute]:
        """The job endpoints (current and older path, v4 and CIS v2) and the session socket."""
        routes: list[BaseRoute] = []
        for root in (API_ROOT, f"{CIS_ROOT}/{{crn:path}}"):
            routes += [
                Route(f"{root}/zones/{{zone}}/logpush/edge/jobs", self.create_job,
                      methods=["POST"]),
                Route(f"{root}/zones/{{zone}}/logpush/edge", self.create_legacy_job,
                      methods=["POST"]),
            ]
        routes.append(WebSocketRoute(f"{SOCKET_PATH}/{{session}}", self.socket))
        return routes

    def _mode(self, name: str) -> bool:
        return name in self._state.config.instant_modes

    # -- jobs ------------------------------------------------------------------------------

    def _authorised(self, request: Request) -> bool:
        config = self._state.config
        if "crn" in request.path_params:
            # CIS's own API: an IAM token as "X-Auth-User-Token: Bearer <token>".
            iam = bearer(request.headers.get("x-auth-user-token"))
            return iam is not None and same_secret(iam, config.token)
        token = bearer(request.headers.get("authorization"))
        if token is not None:
            return same_secret(token, config.token)
        return same_secret(request.headers.get("x-auth-email"), config.auth_email) and \
            same_secret(request.headers.get("x-auth-key"), config.api_key)

    async def create_legacy_job(self, request: Request) -> Response:
        """``POST .../logpush/edge``: the older path, served only in ``legacy-endpoint`` mode."""
        if not self._mode("legacy-endpoint"):
            return cf_error(404, 7000, "No route for that URI")
        return await self._create(request)

    async def create_job(self, request: Request) -> Response:
        """``POST .../logpush/edge/jobs``: create an Instant Logs job and its session."""
        if self._mode("legacy-endpoint"):
            return cf_error(404, 7000, "No route for that URI")
        return await self._create(request)

    async def _create(self, request: Request) -> Response:
        if not self._authorised(request):
            return cf_error(403, 10000, "Authentication error")
        crn = request.path_params.get("crn")
        if crn is not None and not crn.startswith("crn:"):
            return cf_error(400, 10001, "The instance CRN in the path is not a CRN")
        denied = _refusal(self._state.faults.next_run(Endpoint.INSTANT_LOGS_JOBS).fault)
        if denied is not None:
            return denied
        zone = request.path_params["zone"]
        if not _ZONE.fullmatch(zone):
            return cf_error(404, 7003, "Could not route to this zone: no such zone")
        try:
            job = _parse_job(await request.body())
            keep = compile_filter(job["filter"], strict=self._mode("service-filters"))
        except (_BadJob, FilterError) as error:
            return cf_error(400, 1001, str(error))
        now = asyncio.get_running_loop().time()
        config = self._state.config
        blocking = [
            s for s in self._sessions.values()
            if s.zone == zone and s.live(now) and s.expires - now > config.session_renew_window
        ]
        if blocking and self._mode("session-1303"):
            return cf_error(400, 1303, "Too many sessions for this zone")
        if blocking:
            return cf_error(
                409, 1004,
                f"An Instant Logs session is already active for zone {zone}; only one may run "
                "at a time (it ends when its socket closes, after 60 minutes, or after 5 "
                "minutes unread)",
            )
        session = Session(
            job_id=self._next_job,
            session_id=secrets.token_hex(16),  # the URL is the session's only credential
            zone=zone,
            fields=job["fields"],
            sample=job["sample"],
            filter_text=job["filter"],
            keep=keep,
            expires=now + config.session_max,
            idle_until=now + config.session_idle,
            cursor=self._state.records.last_seq,
        )
        self._next_job += 1
        self._sessions = {k: s for k, s in self._sessions.items() if s.live(now)}
        self._sessions[session.session_id] = session
        scheme = "wss" if request.url.scheme == "https" else "ws"
        destination = f"{scheme}://{request.url.netloc}{SOCKET_PATH}/{session.session_id}"
        if self._mode("job-201"):
            return json_response({
                "errors": [], "messages": [], "success": True,
                "result": {"destination_conf": destination, "session_id": session.session_id},
            }, 201)
        return json_response({
            "errors": [],
            "messages": [],
            "result": {
                "id": session.job_id,
                "fields": ",".join(session.fields),
                "sample": session.sample,
                "filter": session.filter_text,
                "destination_conf": destination,
                "kind": "instant-logs",
            },
            "success": True,
        })

    # -- sockets ---------------------------------------------------------------------------

    async def socket(self, websocket: WebSocket) -> None:
        """The session WebSocket: line-delimited JSON records until the session ends."""
        now = asyncio.get_running_loop().time()
        session = self._sessions.get(websocket.path_params["session"])
        if session is None or not session.live(now):
            await websocket.send_denial_response(cf_error(
                404, 1003, "This Instant Logs session does not exist or has ended; "
                "create a new job"))
            return
        if session.state == "connected":
            await websocket.send_denial_response(cf_error(
                409, 1004, "This Instant Logs session already has a connected socket"))
            return
        if self._mode("ws-redirect"):
            secure = f"wss://{websocket.url.netloc}{websocket.url.path}"
            await websocket.send_denial_response(Response(
                "", 301, {"Location": secure}))
            return
        if self._mode("ws-429"):
            await websocket.send_denial_response(cf_error(429, 10429, "Too many requests"))
            return
        run = self._state.faults.next_run(Endpoint.INSTANT_LOGS_SOCKET)
        denied = _refusal(run.fault)
        if denied is not None:
            await websocket.send_denial_response(denied)
            return
        await websocket.accept()
        session.state = "connected"
        await _Pump(self._state, websocket, session, run).run()


class _Pump:
    """Moves records to one connected socket and enforces the session's limits."""

    def __init__(self, state: DemoState, websocket: WebSocket, session: Session,
                 run: FaultRun) -> None:
        self._state = state
        self._ws = websocket
        self._session = session
        self._run = run
        self._wake = state.records.wakers.add()
        self._client_gone = False

    async def _watch(self) -> None:
        while True:
            message = await self._ws.receive()
            if message["type"] == "websocket.disconnect":
                self._client_gone = True
                self._session.end("closed by the client")
                self._wake.set()
                return

    async def run(self) -> None:
        watcher = asyncio.create_task(self._watch())
        try:
            await self._loop()
        finally:
            watcher.cancel()
            self._state.records.wakers.remove(self._wake)

    async def _close(self, code: int, reason: str, end_reason: str) -> None:
        self._session.end(end_reason)
        with contextlib.suppress(Exception):
            await self._ws.close(code, reason)

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        config = self._state.config
        session = self._session
        sent = 0
        while True:
            now = loop.time()
            if self._client_gone:
                session.end("closed by the client")
                return
            if self._state.stopping.is_set():
                await self._close(1001, "server shutting down", "server stopped")
                return
            if now >= session.expires:
                await self._close(1000, EXPIRED_REASON, "expired")
                return
            for action in self._run.due(sent):
                if action.kind == ActionKind.DROP:
                    session.state = "dropped"
                    session.idle_until = now + config.session_idle
                    return  # returning without a close frame drops the TCP connection
                if action.kind == ActionKind.EXPIRE:
                    await self._close(1000, EXPIRED_REASON, "expired")
                    return
            room = int(min(self._run.room(sent), MESSAGE_LINES))
            lines = session.collect(self._state.records, room, now,
                                    config.instant_logs_rate_cap)
            if lines:
                try:
                    await asyncio.wait_for(self._ws.send_text("\n".join(lines)),
                                           config.session_idle)
                except TimeoutError:
                    session.end("not read for too long")
                    return
                except Exception:  # the client went away mid-send
                    session.end("closed by the client")
                    return
                sent += len(lines)
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, session.expires - now))


def _parse_job(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        raise _BadJob("the request body must be JSON") from None
    if not isinstance(document, dict):
        raise _BadJob("the request body must be a JSON object")
    if document.get("kind") != "instant-logs":
        raise _BadJob('kind must be "instant-logs"')
    fields_text = document.get("fields")
    if not isinstance(fields_text, str) or not fields_text.strip():
        raise _BadJob("fields must be a comma-separated list of HTTP request fields")
    fields = tuple(name.strip() for name in fields_text.split(",") if name.strip())
    unknown = [name for name in fields if name not in FIELDS]
    if unknown:
        raise _BadJob(f"unknown field {unknown[0]!r}; available: {', '.join(sorted(FIELDS))}")
    sample = document.get("sample", 1)
    if isinstance(sample, bool) or not isinstance(sample, int) or sample < 1:
        raise _BadJob("sample must be a whole number of at least 1 (1 = every record)")
    filter_value = document.get("filter") or ""
    if isinstance(filter_value, dict):
        filter_value = json.dumps(filter_value, separators=(",", ":"))
    if not isinstance(filter_value, str):
        raise _BadJob("filter must be a JSON string")
    return {"fields": fields, "sample": sample, "filter": filter_value}


DEMO_ZONE = "demo-zone"
"""The zone id ``logtui demo`` watches."""
DEMO_FIELDS = (
    "ClientIP", "ClientRequestHost", "ClientRequestMethod", "ClientRequestURI",
    "EdgeResponseStatus", "EdgeStartTimestamp", "EdgeEndTimestamp", "EdgeResponseBytes",
    "ClientCountry", "RayID",
    "ClientRequestPath", "CacheCacheStatus", "SecurityActions",
)
"""The fields ``logtui demo`` asks for: the client's default fields and three more, so every
stats panel has something to show."""

DEMO_INDEX = {"instant-logs-jobs": f"{API_ROOT}/zones/{{zone}}/logpush/edge/jobs"}
"""Where this API lives on the demo server (``GET /`` lists it)."""


def demo_routes(state: DemoState) -> list[BaseRoute]:
    """This API's routes on the demo server (its profile names this module)."""
    return InstantLogsApi(state).routes()


def demo_target(base_url: str, config: DemoConfig, history: int) -> DemoTarget:
    """What ``logtui demo --source instant-logs`` watches; Instant Logs has no history."""
    return DemoTarget(
        url=f"{base_url}{API_ROOT}/zones/{DEMO_ZONE}",
        secret=config.token,
        options={"fields": DEMO_FIELDS},
    )

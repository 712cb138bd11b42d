"""Plausible proxy-logs traffic: request/response pairs, service events and error bursts.

The generator is pure and deterministic: every choice comes from one ``random.Random(seed)``
and every timestamp from the millisecond value the caller passes, so the same seed and clock
give the same entries. Row ids and ring sequence numbers are assigned by the store, not here.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from typing import Any

from logtui.demo.timefmt import iso_ms


@dataclass(frozen=True, slots=True)
class _Route:
    method: str
    path: str
    """A template: ``{n}`` becomes a number, ``{id}`` a short identifier."""
    weight: int
    body: bool = False


@dataclass(frozen=True, slots=True)
class _Service:
    name: str
    project: str
    containers: tuple[str, ...]
    routes: tuple[_Route, ...]


_SERVICES: tuple[_Service, ...] = (
    _Service("user-api", "proj_a1b2c3d4", ("cnt_x9y8z7w6", "cnt_q4r5s6t7"), (
        _Route("GET", "/v1/users/{id}", 30),
        _Route("POST", "/v1/users", 6, body=True),
        _Route("PATCH", "/v1/users/{id}", 4, body=True),
        _Route("GET", "/v1/users?page={n}", 8),
        _Route("POST", "/v1/sessions", 10, body=True),
        _Route("DELETE", "/v1/sessions/{id}", 3),
        _Route("GET", "/healthz", 6),
    )),
    _Service("billing-api", "proj_a1b2c3d4", ("cnt_m5n6o7p8",), (
        _Route("GET", "/v1/invoices?customer={id}", 12),
        _Route("POST", "/v1/charges", 6, body=True),
        _Route("GET", "/v1/subscriptions/{id}", 8),
        _Route("PUT", "/v1/subscriptions/{id}", 2, body=True),
        _Route("GET", "/healthz", 4),
    )),
    _Service("webhook-svc", "proj_e5f6g7h8", ("cnt_c1d2e3f4", "cnt_g5h6i7j8"), (
        _Route("POST", "/hooks/github", 10, body=True),
        _Route("POST", "/hooks/stripe", 7, body=True),
        _Route("GET", "/hooks/deliveries?limit={n}", 3),
        _Route("GET", "/healthz", 4),
    )),
    _Service("search-api", "proj_e5f6g7h8", ("cnt_k1l2m3n4",), (
        _Route("GET", "/v2/search?q={id}", 25),
        _Route("GET", "/v2/suggest?q={id}", 15),
        _Route("POST", "/v2/index", 2, body=True),
    )),
    _Service("media-svc", "proj_k9l0m1n2", ("cnt_u7v8w9x0",), (
        _Route("GET", "/img/{id}.webp", 20),
        _Route("POST", "/upload", 3, body=True),
        _Route("GET", "/video/{id}/manifest.m3u8", 5),
    )),
)
_SERVICE_WEIGHTS = (30, 12, 14, 20, 10)

_USER_AGENTS = (
    "Hoody-CLI/1.4.2",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36",
    "okhttp/4.12.0",
    "python-httpx/0.28.1",
    "GitHub-Hookshot/7f3c2a1",
    "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    "kube-probe/1.30",
)
_CLIENT_PREFIXES = ("203.0.113.", "198.51.100.", "192.0.2.")

_EVENTS: tuple[tuple[str, str, str], ...] = (
    # (level, event name, message)
    ("info", "container.started", "container started"),
    ("info", "deploy.finished", "deploy finished"),
    ("info", "config.reloaded", "configuration reloaded"),
    ("debug", "job.finished", "scheduled job finished"),
    ("debug", "cache.evicted", "cache evicted 512 keys"),
    ("warn", "pool.saturated", "connection pool 90% used"),
    ("warn", "latency.high", "p95 latency above 800 ms"),
)
_BURST_EVENTS: tuple[tuple[str, str, str], ...] = (
    ("error", "db.unreachable", "database connection refused"),
    ("error", "upstream.timeout", "upstream timed out after 30000 ms"),
    ("warn", "circuit.open", "circuit breaker opened"),
)


@dataclass(slots=True)
class _Pending:
    due: int
    """The entry count after which the response may come."""
    row: dict[str, Any]
    asked_at: int = 0
    """When its request was made (ms)."""


class ProxyTraffic:
    """Produces proxy-logs entries (without ``id``) one at a time.

    A request is followed a few entries later by its response with the same ``traceId``;
    about one entry in thirty is a service event; now and then one service has an error burst
    (5xx responses and error events for a few dozen entries). Bodies are attached as
    ``requestBody``/``responseBody``; the API strips them unless asked.
    """

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"proxy:{seed}")
        self._counter = 0
        self._pending: list[_Pending] = []
        self._burst_service: str | None = None
        self._burst_left = 0

    def next(self, now_ms: int) -> dict[str, Any]:
        """The next entry, stamped ``now_ms``.

        A response waits until its request's time plus its duration has passed (a 504 after
        30 s comes 30 s later), so no entry is ever stamped later than when it is emitted. On
        a clock that has not moved since the request (a fixed test clock, a burst within one
        millisecond) it comes a few entries later as before, stamped with that same time.
        """
        self._counter += 1
        for index, pending in enumerate(self._pending):
            ended = pending.row["tsMs"] <= now_ms or pending.asked_at >= now_ms
            if pending.due <= self._counter and ended:
                del self._pending[index]
                row = pending.row
                row["tsMs"] = now_ms
                row["tsIso"] = iso_ms(now_ms)
                return row
        rng = self._rng
        if self._burst_left == 0 and rng.random() < 0.004:
            self._burst_service = rng.choices(_SERVICES, _SERVICE_WEIGHTS)[0].name
            self._burst_left = rng.randint(15, 45)
        if rng.random() < 0.035:
            return self._event(now_ms)
        return self._request(now_ms)

    def _service(self) -> _Service:
        return self._rng.choices(_SERVICES, _SERVICE_WEIGHTS)[0]

    def _event(self, now_ms: int) -> dict[str, Any]:
        rng = self._rng
        service = self._service()
        if self._burst_left > 0:
            self._burst_left -= 1
            service = next(s for s in _SERVICES if s.name == self._burst_service)
            level, name, message = rng.choice(_BURST_EVENTS)
        else:
            level, name, message = rng.choice(_EVENTS)
        return {
            "traceId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "tsMs": now_ms,
            "tsIso": iso_ms(now_ms),
            "kind": "event",
            "level": level,
            "projectId": service.project,
            "containerId": rng.choice(service.containers),
            "serviceName": service.name,
            "method": None,
            "url": None,
            "clientIp": None,
            "status": None,
            "data": {"event": name, "message": message},
            "source": "backend",
        }

    def _request(self, now_ms: int) -> dict[str, Any]:
        rng = self._rng
        service = self._service()
        route = rng.choices(service.routes, [r.weight for r in service.routes])[0]
        url = route.path.replace("{n}", str(rng.randint(1, 40))).replace(
            "{id}", f"{rng.getrandbits(32):08x}"
        )
        health = route.path == "/healthz"
        source = "edge" if not health and rng.random() < 0.2 else "backend"
        common = {
            "traceId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "projectId": service.project,
            "containerId": rng.choice(service.containers),
            "serviceName": service.name,
            "method": route.method,
            "url": url,
            "clientIp": f"{rng.choice(_CLIENT_PREFIXES)}{rng.randint(1, 254)}",
            "source": source,
        }
        status, duration = self._outcome(service, route, health)
        bytes_in = rng.randint(80, 4_000) if route.body else 0
        request: dict[str, Any] = {
            **common,
            "tsMs": now_ms,
            "tsIso": iso_ms(now_ms),
            "kind": "request",
            "level": "debug" if health else "info",
            "status": None,
            "data": {
                "bytesIn": bytes_in,
                "userAgent": "kube-probe/1.30" if health else rng.choice(_USER_AGENTS[:-1]),
            },
        }
        if route.body:
            request["requestBody"] = json.dumps(
                {"ref": f"{rng.getrandbits(24):06x}", "amount": rng.randint(1, 9_999)},
                separators=(",", ":"),
            )
        level = "error" if status >= 500 else "warn" if status >= 400 else "info"
        response_ts = now_ms + duration
        response: dict[str, Any] = {
            **common,
            "tsMs": response_ts,
            "tsIso": iso_ms(response_ts),
            "kind": "response",
            "level": "debug" if health and status < 400 else level,
            "status": status,
            "data": {
                "bytesOut": 0 if status in (204, 304) else int(rng.lognormvariate(7.0, 1.3)),
                "durationMs": duration,
            },
            "responseBody": json.dumps(
                {"ok": status < 400, "status": status}, separators=(",", ":")
            ),
        }
        self._pending.append(
            _Pending(self._counter + 1 + rng.randint(0, 4), response, asked_at=now_ms))
        return request

    def _outcome(self, service: _Service, route: _Route, health: bool) -> tuple[int, int]:
        """The response status and duration in ms for one request."""
        rng = self._rng
        duration = max(1, int(rng.lognormvariate(3.6, 0.9)))
        if health:
            return 200, max(1, duration // 10)
        if self._burst_left > 0 and service.name == self._burst_service:
            self._burst_left -= 1
            if rng.random() < 0.65:
                status = rng.choice((500, 502, 503, 504))
                return status, 30_000 if status == 504 else duration * 3
        roll = rng.random()
        if roll < 0.004:
            return rng.choice((500, 502)), duration * 2
        if roll < 0.06:
            return rng.choice((400, 401, 403, 404, 404, 409, 422, 429)), duration // 2 + 1
        if route.method == "POST":
            return 201, duration
        if route.method == "DELETE":
            return 204, duration
        if route.method == "GET" and rng.random() < 0.08:
            return 304, duration // 3 + 1
        return 200, duration

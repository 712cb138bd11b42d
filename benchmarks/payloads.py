"""Realistic proxy-logs entries and their SSE framing, generated once and deterministically.

The entries follow the shape in the proxy-logs API document (request/response pairs sharing a
``traceId``, several projects, containers and services, a level mix) and come to about 450
bytes of JSON each, so throughput figures reflect real payloads rather than toy ones.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from typing import Any, Final

PROJECTS: Final = ("proj_a1b2c3d4", "proj_e5f6g7h8", "proj_k2l3m4n5")
CONTAINERS: Final = ("cnt_x9y8z7w6", "cnt_m5n6o7p8", "cnt_q1r2s3t4", "cnt_u5v6w7x8")
SERVICES: Final = ("user-api", "billing-api", "webhook-svc", "search-api", "auth-gateway")
ROUTES: Final = (
    ("GET", "/v1/users/{n}"),
    ("POST", "/v1/users"),
    ("GET", "/v1/invoices?customer=cus_{n}&limit=50"),
    ("PUT", "/v1/subscriptions/sub_{n}/items"),
    ("DELETE", "/v1/sessions/{n}"),
    ("GET", "/v1/search?q=order%20{n}&page=2"),
    ("POST", "/v1/webhooks/stripe/events"),
)
USER_AGENTS: Final = (
    "Hoody-CLI/1.4.2",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "python-httpx/0.28.1",
    "okhttp/4.12.0",
)
LEVELS: Final = ("info",) * 14 + ("debug",) * 3 + ("warn",) * 2 + ("error",)
START_MS: Final = 1_718_201_234_000


def proxy_entries(count: int, *, seed: int = 7, first_id: int = 84_321) -> Iterator[dict[str, Any]]:
    """Yield ``count`` proxy-logs entries: request/response pairs with plausible sizes."""
    rng = random.Random(seed)
    ts = START_MS
    for index in range(count):
        entry_id = first_id + index
        is_request = index % 2 == 0
        if is_request:
            trace = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            project = rng.choice(PROJECTS)
            container = rng.choice(CONTAINERS)
            service = rng.choice(SERVICES)
            method, route = rng.choice(ROUTES)
            url = route.format(n=rng.randrange(1, 99_999))
            client_ip = f"203.0.113.{rng.randrange(1, 255)}"
            level = rng.choice(LEVELS)
            status = rng.choice((200, 200, 200, 201, 204, 304, 400, 404, 429, 500, 502))
        ts += rng.randrange(0, 40)
        entry: dict[str, Any] = {
            "id": entry_id,
            "traceId": trace,
            "tsMs": ts,
            "tsIso": _iso(ts),
            "kind": "request" if is_request else "response",
            "level": "error" if status >= 500 and not is_request else level,
            "projectId": project,
            "containerId": container,
            "serviceName": service,
            "method": method,
            "url": url,
            "clientIp": client_ip,
            "status": status,
            "data": (
                {
                    "bytesIn": rng.randrange(0, 4096),
                    "userAgent": rng.choice(USER_AGENTS),
                    "requestId": f"req_{rng.getrandbits(48):012x}",
                    "contentType": "application/json",
                }
                if is_request
                else {
                    "bytesOut": rng.randrange(0, 65_536),
                    "durationMs": rng.randrange(1, 900),
                    "cache": rng.choice(("MISS", "HIT", "BYPASS")),
                    "contentType": "application/json; charset=utf-8",
                }
            ),
            "source": "backend" if rng.random() < 0.8 else "edge",
        }
        yield entry


def _iso(ts_ms: int) -> str:
    seconds, millis = divmod(ts_ms, 1000)
    # A fixed, cheap conversion: START_MS is 2024-06-12T14:33:54Z and runs never span a day.
    base = 1_718_201_234
    offset = seconds - base
    hours, rest = divmod(14 * 3600 + 33 * 60 + 54 + offset, 3600)
    minutes, secs = divmod(rest, 60)
    return f"2024-06-12T{hours % 24:02d}:{minutes:02d}:{secs:02d}.{millis:03d}Z"


def payload_texts(count: int, *, seed: int = 7) -> list[str]:
    """The compact JSON text of ``count`` entries, as a server would put it in ``data:``."""
    return [json.dumps(entry, separators=(",", ":")) for entry in proxy_entries(count, seed=seed)]


def sse_frame(ring_seq: int, payload: str) -> bytes:
    """One proxy-logs SSE frame: ``id: <ringSeq>`` and a single ``data`` line."""
    return f"id: {ring_seq}\ndata: {payload}\n\n".encode()


SCOPE_DESTROYED: Final = b'event: scope-destroyed\ndata: {"reason":"benchmark finished"}\n\n'
"""The named event that ends a proxy-logs stream on purpose (clients exit 0)."""

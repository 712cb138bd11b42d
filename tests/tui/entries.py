"""Deterministic entries for dashboard tests: proxy-logs and NextDNS, ordinary and hostile."""

from __future__ import annotations

import json
from typing import Any

from logtui.core.models import Entry, Origin

BASE_MS = 1_718_201_234_000
"""A fixed moment (2024-06-12 14:07:14 UTC) every generated entry is relative to."""

SERVICES = ("user-api", "billing-api", "webhook-svc")
PROJECTS = ("proj_a1b2c3d4", "proj_e5f6g7h8")
LEVELS = ("info", "info", "info", "warn", "error", "debug")
URLS = ("/v1/users", "/v1/invoices", "/v1/hooks/deliver", "/healthz")


def entry(data: dict[str, Any], *, origin: Origin = "live", event_id: str | None = None) -> Entry:
    """An entry whose raw text is the JSON of ``data``."""
    return Entry(
        raw=json.dumps(data, separators=(",", ":")),
        data=data,
        origin=origin,
        event_id=event_id,
        key=str(data.get("id")) if "id" in data else None,
        received_at=BASE_MS / 1000,
    )


def proxy_pair(n: int) -> list[Entry]:
    """The n-th request and its response, sharing a traceId."""
    trace = f"trace-{n:04d}"
    common = {
        "traceId": trace,
        "projectId": PROJECTS[n % 2],
        "containerId": f"cnt_{n % 3}",
        "serviceName": SERVICES[n % 3],
        "method": "POST" if n % 4 == 0 else "GET",
        "url": URLS[n % 4],
        "clientIp": "203.0.113.42",
        "source": "backend",
    }
    level = LEVELS[n % len(LEVELS)]
    status = 500 if level == "error" else 404 if level == "warn" else 200
    request = {
        "id": 2 * n + 1,
        "tsMs": BASE_MS + 250 * n,
        "kind": "request",
        "level": "info",
        "status": status,
        "data": {"bytesIn": 100 + n},
        **common,
    }
    response = {
        "id": 2 * n + 2,
        "tsMs": BASE_MS + 250 * n + 40 + n % 90,
        "kind": "response",
        "level": level,
        "status": status,
        "data": {"bytesOut": 300 + n, "durationMs": 40 + n % 90},
        **common,
    }
    return [
        entry(request, event_id=str(2 * n + 1)),
        entry(response, event_id=str(2 * n + 2)),
    ]


def proxy_entries(pairs: int) -> list[Entry]:
    """``pairs`` request/response pairs, oldest first."""
    out: list[Entry] = []
    for n in range(pairs):
        out.extend(proxy_pair(n))
    return out


DEVICES = (("8TD1G", "Romain's iPhone"), ("A1B2C", "Living-room TV"), ("Z9Y8X", "laptop"))
DOMAINS = ("g.whatsapp.net", "ads.example.com", "api.github.com", "tracker.example.net")


def dns_entries(count: int) -> list[Entry]:
    """``count`` NextDNS queries from a few devices; every third is blocked."""
    out: list[Entry] = []
    for n in range(count):
        device_id, device_name = DEVICES[n % 3]
        blocked = n % 3 == 1
        domain = DOMAINS[n % 4]
        out.append(entry({
            "timestamp": f"2024-06-12T14:07:{n % 60:02d}.{n % 1000:03d}Z",
            "domain": domain,
            "root": domain.split(".", 1)[-1],
            "encrypted": True,
            "protocol": "DNS-over-HTTPS",
            "clientIp": "198.51.100.7",
            "client": "apple-profile",
            "device": {"id": device_id, "name": device_name, "model": "iPhone 12 Pro Max"},
            "status": "blocked" if blocked else "default",
            "reasons": [{"id": "blocklist:oisd", "name": "OISD"}] if blocked else [],
        }, event_id=f"ev{n:06d}"))
    return out


HOSTILE_URL = "/x[/red][@click=app.quit]\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202eexe.txt"
"""A URL carrying markup, an OSC title change, an OSC 52 clipboard write, a clear screen and a
bidi override: all must show as inert text."""


def hostile_proxy_entry(n: int = 9000) -> Entry:
    """A proxy-logs entry with hostile text in every string field the panes show."""
    data = {
        "id": n,
        "traceId": "trace-[b]evil[/b]\x1b[31m",
        "tsMs": BASE_MS,
        "kind": "request[/]",
        "level": "error",
        "projectId": "proj_\x1b]8;;http://evil\x07link",
        "containerId": "cnt_[bold]",
        "serviceName": "svc\u202e\x9b31m",
        "method": "GET\r\x08",
        "url": HOSTILE_URL,
        "status": 500,
        "data": {"note": "[@click=app.quit]quit[/]", "durationMs": 5},
    }
    return entry(data, event_id="\x1b[2Jid")

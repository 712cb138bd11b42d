"""An admin-port proxy-logs server with ``LOGS_ADMIN_FANOUT=true``, written from the API document.

It shares no code with ``logtui.demo``. ``/_logs`` streams NDJSON, at most ``page`` entries per
answer whatever ``limit`` asks, ending with the documented trailer: a ``cursor`` while more is
selected, or the 410 ``snapshot_expired`` trailer when a test says so. The stream only sends
heartbeats; it refuses a ``projectId`` filter with 403 when ``sni_port`` is set.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.engine.scripted_server import Recorded, Reply, ScriptedServer

NDJSON = {"Content-Type": "application/x-ndjson"}
PREFIX = "/api/proxy-logs"


@dataclass
class Fanout:
    """What the fan-out ``/_logs`` holds and how it misbehaves."""

    ids: list[int] = field(default_factory=lambda: list(range(500, 510)))
    page: int = 3
    expire: Callable[[Recorded], bool] = lambda request: False
    """Answer this request's page with the 410 trailer (after one entry, as a stream would)."""
    cut: Callable[[Recorded], bool] = lambda request: False
    """Answer this request with its entries but no trailer, as a cut connection does."""
    sni_port: bool = False

    def logs(self, request: Recorded) -> Reply:
        query = request.query
        selected = self._select(query)
        position = 0
        if "cursor" in query:
            position = json.loads(base64.urlsafe_b64decode(query["cursor"]))["next"]
        chunk = selected[position : position + self.page]
        lines = [json.dumps({"id": i, "kind": "request", "level": "info"}) for i in chunk]
        if self.expire(request):
            expired = {"__trailer": True, "error": "snapshot_expired", "status": 410}
            lines = [*lines[:1], json.dumps(expired)]
        elif not self.cut(request):
            trailer: dict[str, object] = {"__trailer": True, "stoppedReason": "exhausted"}
            if position + self.page < len(selected):
                token = json.dumps({"next": position + self.page}).encode()
                trailer = {"__trailer": True, "stoppedReason": "page",
                           "cursor": base64.urlsafe_b64encode(token).decode()}
            lines.append(json.dumps(trailer))
        body = "".join(line + "\n" for line in lines).encode()
        return Reply(headers=NDJSON, parts=[body])

    def _select(self, query: dict[str, str]) -> list[int]:
        ids = [i for i in self.ids if i > int(query.get("afterId", "-1"))]
        if "last" in query:
            ids = ids[len(ids) - int(query["last"]) :]
        return ids[: int(query.get("limit", "200"))]

    def stream(self, request: Recorded) -> Reply:
        if self.sni_port and "projectId" in request.query:
            body = {"statusCode": 403, "error": "Forbidden",
                    "message": "Logs token missing or invalid / SNI gate denied"}
            return Reply(status=403, headers={"Content-Type": "application/json"},
                         parts=[json.dumps(body).encode()])
        return Reply(parts=[b":\n\n"], hold_open=True)


def serve(server: ScriptedServer, fanout: Fanout) -> None:
    """Route the proxy-logs paths of ``server`` to ``fanout``."""
    server.script(f"{PREFIX}/_logs", [fanout.logs])
    server.script(f"{PREFIX}/_logs/stream", [fanout.stream])

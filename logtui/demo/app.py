"""The demo server's ASGI application: every API's routes on one Starlette app."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from logtui.demo.instant_logs_api import API_ROOT, InstantLogsApi
from logtui.demo.nextdns_api import NextDnsApi
from logtui.demo.proxy_api import PREFIX, ProxyApi
from logtui.demo.responses import json_response
from logtui.demo.state import DemoState


def build_app(state: DemoState) -> Starlette:
    """A Starlette app serving the proxy-logs, NextDNS and Instant Logs APIs from ``state``."""

    async def index(request: Request) -> Response:
        """``GET /``: where each API lives, for a person exploring with curl."""
        return json_response({
            "service": "logtui demo server",
            "apis": {
                "proxy-logs": f"{PREFIX}/_logs",
                "proxy-logs-stream": f"{PREFIX}/_logs/stream",
                "nextdns": "/profiles/{profile}/logs",
                "nextdns-stream": "/profiles/{profile}/logs/stream",
                "instant-logs-jobs": f"{API_ROOT}/zones/{{zone}}/logpush/edge/jobs",
            },
        })

    routes: list[BaseRoute] = [Route("/", index, methods=["GET"])]
    routes += ProxyApi(state).routes()
    routes += NextDnsApi(state).routes()
    routes += InstantLogsApi(state).routes()
    return Starlette(routes=routes)

"""The demo server's ASGI application: every API's routes on one Starlette app.

Each API's demo lives in the module its profile names (``ApiProfile.demo``), which provides
``DEMO_INDEX`` (its paths, for ``GET /``) and ``demo_routes(state)``.
"""

from __future__ import annotations

import importlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from logtui.core.apis import all_profiles
from logtui.demo.responses import json_response
from logtui.demo.state import DemoState


def build_app(state: DemoState) -> Starlette:
    """A Starlette app serving every API that has a demo (proxy-logs, NextDNS, Instant Logs)."""
    modules = [
        importlib.import_module(profile.demo) for profile in all_profiles() if profile.demo
    ]
    apis: dict[str, str] = {}
    for module in modules:
        apis.update(module.DEMO_INDEX)

    async def index(request: Request) -> Response:
        """``GET /``: where each API lives, for a person exploring with curl."""
        return json_response({
            "service": "logtui demo server",
            "apis": apis,
        })

    routes: list[BaseRoute] = [Route("/", index, methods=["GET"])]
    for module in modules:
        routes += module.demo_routes(state)
    return Starlette(routes=routes)

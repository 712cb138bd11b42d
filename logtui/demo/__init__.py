"""The embedded demo server: the proxy-logs, NextDNS and Instant Logs APIs with realistic
traffic and scriptable faults, over real sockets. Never imports the UI.

The public names are loaded on first use, so ``logtui.demo.fault_grammar`` (help text) can be
imported without starting up Starlette and uvicorn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from logtui.demo.config import DemoConfig
    from logtui.demo.fault_spec import FaultSpec
    from logtui.demo.faults import Action, ActionKind, Endpoint, Fault, FaultBook
    from logtui.demo.server import DemoServer

_HOMES = {
    "Action": "faults",
    "ActionKind": "faults",
    "DemoConfig": "config",
    "DemoServer": "server",
    "Endpoint": "faults",
    "Fault": "faults",
    "FaultBook": "faults",
    "FaultSpec": "fault_spec",
}

__all__ = [
    "Action",
    "ActionKind",
    "DemoConfig",
    "DemoServer",
    "Endpoint",
    "Fault",
    "FaultBook",
    "FaultSpec",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'logtui.demo' has no attribute {name!r}")
    return getattr(importlib.import_module(f"logtui.demo.{home}"), name)

"""proxy-logs modes of the demo server: deployments the document describes besides the default.

The default server is the admin port with a scoped (JSON) ``/_logs``, as ``proxy-logs.md``
shows it. Each mode switches on one other documented setup, so a client (and a test) can be run
against it; ``logtui demo-server --proxy-mode NAME`` selects them. Module level is
standard-library only: ``logtui demo-server --help`` lists the modes without starting a server.
"""

from __future__ import annotations

import textwrap
from typing import Final

MODES: Final = {
    "admin-fanout": "/_logs answers as with LOGS_ADMIN_FANOUT=true: NDJSON, one entry per line,"
                    " ending with a trailer line that holds the next page's signed cursor;"
                    " a cursor whose snapshot expired gets the 410 snapshot_expired trailer",
    "sni-port": "the stream is reached as a per-project (SNI) client: a projectId filter on"
                " /_logs/stream is refused with 403, as it is off the admin port",
}
"""Every mode and what it changes."""


def parse_modes(names: list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    """The modes named; a ``ValueError`` naming the unknown one and the choices."""
    for name in names:
        if name not in MODES:
            raise ValueError(
                f"unknown proxy-logs mode {name[:40]!r}; choose from {', '.join(MODES)}"
            )
    return frozenset(names)


def describe_modes() -> str:
    """The modes as help text: one line each."""
    width = max(len(name) for name in MODES)
    indent = " " * (width + 4)
    lines = ["proxy-logs modes (--proxy-mode, repeatable; default: the admin port, scoped"
             " JSON reads):"]
    for name, text in MODES.items():
        lines += textwrap.wrap(text, 92, initial_indent=f"  {name:<{width}}  ",
                               subsequent_indent=indent)
    return "\n".join(lines)


__all__ = ["MODES", "describe_modes", "parse_modes"]

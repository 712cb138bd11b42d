"""Instant Logs modes of the demo server: the real service where it departs from the docs.

The default server follows IBM's Instant Logs page (``instant-logs.md``). Each mode switches
on one behaviour of the service as it is met in practice, so a client (and a test) can be run
against it; ``logtui demo-server --instant-mode NAME`` selects them. Module level is
standard-library only: ``logtui demo-server --help`` lists the modes without starting a server.
"""

from __future__ import annotations

import textwrap
from typing import Final

MODES: Final = {
    "legacy-endpoint": "jobs are created at POST /zones/{zone}/logpush/edge (older APIs);"
                       " /logpush/edge/jobs answers 404",
    "job-201": "a job answers 201 Created whose result holds only destination_conf and"
               " session_id (no id, no kind)",
    "session-1303": "a second session on a zone is refused with error 1303 and status 400"
                    " instead of 409",
    "ws-redirect": "the session socket answers 301 Moved Permanently to wss://, as the service"
                   " does for a session URL that is not wss://",
    "ws-429": "the session socket refuses every handshake with 429 and no Retry-After, as the"
              " service does when sessions are opened too often (it means: wait minutes)",
    "service-filters": "job filters as the service checks them: 'neq' is refused (the service"
                       " spells it '!eq'), 'in' needs an array, at most 30 operators and 1,000"
                       " bytes",
}
"""Every mode and what it changes."""


def parse_modes(names: list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    """The modes named; a ``ValueError`` naming the unknown one and the choices."""
    for name in names:
        if name not in MODES:
            raise ValueError(
                f"unknown Instant Logs mode {name[:40]!r}; choose from {', '.join(MODES)}"
            )
    return frozenset(names)


def describe_modes() -> str:
    """The modes as help text: one line each."""
    width = max(len(name) for name in MODES)
    indent = " " * (width + 4)
    lines = ["Instant Logs modes (--instant-mode, repeatable; default: as documented):"]
    for name, text in MODES.items():
        lines += textwrap.wrap(text, 92, initial_indent=f"  {name:<{width}}  ",
                               subsequent_indent=indent)
    return "\n".join(lines)


__all__ = ["MODES", "describe_modes", "parse_modes"]

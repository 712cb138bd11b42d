"""A dashboard over several scripted sources, for the tests and pictures of that view."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from logtui.core.apis.merged import SourceRef, merged_profile
from logtui.core.models import ConnectionState, Entry, SourceStatus
from logtui.tui import create_app
from logtui.tui.app import LogtuiApp
from logtui.tui.source import ScriptedFleetFactory

from .conftest import NOW
from .entries import dns_entries, proxy_entries

REFS = (
    SourceRef("home", "proxy", "proxy http://10.0.0.2:8080/api/proxy-logs"),
    SourceRef("office", "proxy", "proxy http://10.0.0.3:8080/api/proxy-logs"),
    SourceRef("dns", "nextdns", "nextdns http://127.0.0.1:8080/profiles/demo"),
)
"""Two proxy-logs servers and a NextDNS profile."""


def tagged(name: str, entries: Sequence[Entry]) -> list[Entry]:
    """``entries`` as they come out of the named source."""
    for entry in entries:
        entry.source = name
    return list(entries)


def mixed_entries() -> list[Entry]:
    """A few entries of each source, interleaved by arrival."""
    home = tagged("home", proxy_entries(6))
    office = tagged("office", proxy_entries(4)[2:])
    dns = tagged("dns", dns_entries(8))
    out: list[Entry] = []
    for index in range(max(len(home), len(office), len(dns))):
        for batch in (home, office, dns):
            if index < len(batch):
                out.append(batch[index])
    return out


def status(name: str, state: ConnectionState, **fields: Any) -> SourceStatus:
    """A named source's status, as a fleet hands it over."""
    ref = next(ref for ref in REFS if ref.name == name)
    return SourceStatus(kind=ref.kind, description=ref.description, state=state, name=name,
                        **fields)


def make_fleet_app(
    tmp_path: Path,
    entries: Sequence[Entry] = (),
    statuses: Sequence[SourceStatus] = (),
    refs: Sequence[SourceRef] = REFS,
    **options: Any,
) -> tuple[LogtuiApp, ScriptedFleetFactory]:
    """The dashboard over ``refs`` on a scripted fleet, with the tests' fixed clock."""
    factory = ScriptedFleetFactory([ref.name for ref in refs], initial=entries,
                                   statuses=statuses)
    app = create_app(
        factory,
        merged_profile(refs).name,
        description=f"{len(refs)} sources: " + ", ".join(ref.name for ref in refs),
        buffer=1_000,
        clock=lambda: NOW,
        frame_interval=60.0,
        export_dir=tmp_path,
        sources=tuple(refs),
        **options,
    )
    return app, factory

"""Pictures of the dashboard over several sources at 120x40 and 80x24 (scripted, fixed clock).

Update with ``pytest --snapshot-update`` after checking the new pictures by eye.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from logtui.core.models import ConnectionState

from .conftest import NOW
from .helpers import settle
from .several import make_fleet_app, mixed_entries, status

Snap = Callable[..., bool]
STATUSES = (
    status("home", ConnectionState.LIVE, last_event_id="4711", received=12),
    status("office", ConnectionState.RECONNECTING, retry_at=NOW + 3, detail="connection cut",
           reconnects=2, received=6),
    status("dns", ConnectionState.LIVE, last_event_id="ev000007", received=8),
)


def _picture(snap_compare: Snap, tmp_path: Path, size: tuple[int, int], *keys: str) -> bool:
    app, _ = make_fleet_app(tmp_path, mixed_entries(), STATUSES)

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        await settle(pilot)

    return snap_compare(app, terminal_size=size, run_before=run)


def test_several_sources_wide(snap_compare: Snap, tmp_path: Path) -> None:
    """Three sources of two APIs at 120x40: the common columns (time, source in its colour,
    level or status, summary), the dots worst first, and the stats pane split by source."""
    assert _picture(snap_compare, tmp_path, (120, 40))


def test_several_sources_narrow(snap_compare: Snap, tmp_path: Path) -> None:
    """At 80x24 the dots and the reconnecting source's state still fit one line."""
    assert _picture(snap_compare, tmp_path, (80, 24))


def test_sources_screen(snap_compare: Snap, tmp_path: Path) -> None:
    """``S``: each source's state, resume id, counters, last error and retry time."""
    assert _picture(snap_compare, tmp_path, (120, 40), "S")

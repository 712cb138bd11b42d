"""Pictures of scroll-back at 120x40, compared with approved SVGs (``--snapshot-update`` after
checking a new picture by eye)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from logtui.core.models import ConnectionState, SourceKind, SourceStatus

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import settle
from .history_fakes import FakeReader

WIDE = (120, 40)
LIVE = SourceStatus(kind=SourceKind.PROXY, description="proxy http://127.0.0.1:8080/api/proxy-logs",
                    state=ConnectionState.LIVE, history=120, received=120)


def test_progress_of_a_load_into_older_history(
    snap_compare: Callable[..., bool], make_app: AppMaker,
) -> None:
    """A ``goto`` older than the buffer, its second page in flight: the stream's title says
    how far the load got (entries and pages so far) and that esc stops it."""
    server = proxy_entries(100)
    reader = FakeReader(server, hang_after=1)
    app, _ = make_app(entries=server[80:], statuses=[LIVE], description=LIVE.description,
                      history=reader)
    app.scroll_back.page_size = 20

    async def load(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app.goto(server[0].data["tsMs"] / 1000)
        assert await asyncio.to_thread(reader.waiting.wait, 30)
        await settle(pilot)

    assert snap_compare(app, terminal_size=WIDE, run_before=load)

"""Pictures of the save-view dialog at 120x40 and 80x24: the name typed, the problem with it
shown under it, and the views already saved listed (so replacing one is visible)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from logtui.core.models import ConnectionState, SourceKind, SourceStatus
from logtui.core.views import Setup, View, save_view

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import settle

Snap = Callable[..., bool]
LIVE = SourceStatus(kind=SourceKind.PROXY, description="proxy http://127.0.0.1:8080/api/proxy-logs",
                    state=ConnectionState.LIVE, history=200, last_event_id="4711", received=120)


@pytest.fixture(autouse=True)
def saved_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("errors-only", "slow-requests", "blocked-dns"):
        save_view(View(name, Setup(filter="status>=500")))


async def _type_a_bad_name(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("v", *"nightly/..")
    await settle(pilot)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["wide", "narrow"])
def test_save_view_dialog(snap_compare: Snap, make_app: AppMaker,
                          size: tuple[int, int]) -> None:
    app, _ = make_app(SourceKind.PROXY, proxy_entries(60), [LIVE], description=LIVE.description)
    assert snap_compare(app, terminal_size=size, run_before=_type_a_bad_name)

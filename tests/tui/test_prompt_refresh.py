"""A key's effect is drawn right after its action, without waiting for the screen's next tick.

Textual's update timer is slowed to one tick every 30 s here, so a key's refresh that waited
for a tick would not come within the test's timeout: only a screen drawn as soon as the
action's changes reach it passes.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import pytest
import textual.screen
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

from logtui.tui.prompt_refresh import PromptRefreshMixin, PromptScreen

SLOW_TICK = 30.0


class _Toggle(PromptRefreshMixin, App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [("space", "toggle", "toggle")]

    def __init__(self) -> None:
        super().__init__()
        self.drawn: list[str] = []
        self.shown = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield Static("following", id="state")

    def action_toggle(self) -> None:
        state = self.query_one("#state", Static)
        state.update("paused" if "following" in str(state.render()) else "following")

    def _display(self, screen: Any, renderable: Any) -> None:
        super()._display(screen, renderable)
        self.shown.set()


@pytest.fixture
def slow_ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", SLOW_TICK)


async def test_a_keys_change_is_drawn_before_the_screens_next_tick(slow_ticks: None) -> None:
    app = _Toggle()
    async with app.run_test(size=(40, 5)) as pilot:
        assert isinstance(app.screen, PromptScreen)
        await pilot.pause()
        app.shown.clear()
        await pilot.press("space")
        await asyncio.wait_for(app.shown.wait(), timeout=5.0)
        assert "paused" in str(app.query_one("#state", Static).render())

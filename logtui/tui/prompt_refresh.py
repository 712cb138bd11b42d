"""A key's effect drawn as soon as its action has run, not at the screen's next 60 fps tick.

Textual draws a screen from an interval timer (60 a second) that pauses after each update and
is resumed when the screen goes idle with a widget dirty; resumed, it still waits for its next
tick, so a key's refresh waits up to a frame (17 ms) after its action, and longer when the tick
before was a slow frame (measured through tmux at 10,000 entries/s: 18-31 ms from ``space``'s
action to its update). An action arms the dashboard's screen (:class:`PromptScreen`), and the
screen's next idle moment with something dirty draws it at once; the timer then finds nothing
left to draw. Streaming frames are not actions, so they are still drawn at the timer's pace.
"""

from __future__ import annotations

import time
from typing import Any, Final

from textual import events
from textual.app import App
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

__all__ = ["ARMED_FOR", "PromptRefreshMixin", "PromptScreen", "screen_is_dirty"]

ARMED_FOR: Final = 0.25
"""Seconds an action's screen waits to be dirty before it goes back to the timer's pace (an
action that changed nothing must not hurry a later frame)."""


def screen_is_dirty(screen: Screen[Any]) -> bool:
    """Whether ``screen`` has something for its next update to draw."""
    return bool(
        screen._layout_required or screen._scroll_required or screen._repaint_required
        or screen._dirty_widgets
    )


class PromptScreen(Screen[Any]):
    """A screen that draws the changes an action made as soon as they are made."""

    _armed_until: float = 0.0

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """As Textual's, without the repaint of every cell on screen that each focus move cost
    (about 20 ms, in the way of the next key): the widgets the move restyles (the one
    focused, the one left, their containers) repaint themselves."""

    def arm(self) -> None:
        """An action ran: draw its changes at the next idle moment instead of the next tick."""
        self._armed_until = time.monotonic() + ARMED_FOR

    def draw_now(self) -> None:
        """Draw what is dirty now, from inside a handler, rather than once the widgets have
        told the screen at their next idle moment (what the handler changes after this is
        drawn at the next tick): for a result that should not wait for the rest."""
        if not self.is_current or self.app._batch_count:
            return
        for widget in self._compositor.visible_widgets:
            if widget._layout_required:
                self._layout_required = True
            if widget._repaint_required:
                widget._repaint_required = False
                self._dirty_widgets.add(widget)
        if screen_is_dirty(self):
            self._on_timer_update()

    async def _on_idle(self, event: events.Idle) -> None:
        # Textual calls each class's ``_on_idle`` in turn, this one before the screen's own.
        if (
            self._armed_until and self.is_current and not self.app._batch_count
            and screen_is_dirty(self)
        ):
            if time.monotonic() <= self._armed_until:
                self._on_timer_update()  # draws now, and pauses the timer as a tick would
            self._armed_until = 0.0


class PromptRefreshMixin:
    """For an :class:`~textual.app.App`: a :class:`PromptScreen` first, armed by each action."""

    def get_default_screen(self) -> Screen[Any]:
        """The first screen, which draws an action's changes at once."""
        return PromptScreen(id="_default")

    async def run_action(
        self, action: Any, default_namespace: Any = None, namespaces: Any = None
    ) -> bool:
        """Run the action, arming the screen it ran on."""
        app: App[Any] = self  # type: ignore[assignment]
        screen = app.screen
        if isinstance(screen, PromptScreen):
            screen.arm()
        handled: bool = await super().run_action(  # type: ignore[misc]
            action, default_namespace, namespaces
        )
        return handled
